package org.harvestsed.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.harvestsed.eval.Stats;
import org.harvestsed.train.PlayersVsRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "players", mixinStandardHelpOptions = true, description = "Trained vs random players' apples per round over training runs (one run per training seed): means and a 95%% t interval of the difference.")
final class PlayersCommand implements Callable<Integer> {
  @Option(names = "--runs", required = true, split = ",", description = "run directories of ./harvest train, one per training seed") List<Path> runs;

  @Override
  public Integer call() throws Exception {
    int k = runs.size();
    double[] trained = new double[k], random = new double[k];
    System.out.printf(Locale.ROOT, "%-40s %10s %10s %10s%n", "run", "trained", "random", "difference");
    for (int i = 0; i < k; i++) {
      PlayersVsRandom.Result r;
      try {
        r = PlayersVsRandom.read(runs.get(i));
      } catch (java.io.IOException e) {
        throw new Main.UsageError(e.getMessage());
      }
      trained[i] = r.meanTrained();
      random[i] = r.meanRandom();
      System.out.printf(Locale.ROOT, "%-40s %10.1f %10.1f %10.1f%n", runs.get(i), trained[i], random[i], trained[i] - random[i]);
    }
    Stats.Interval t = Stats.interval(trained), r = Stats.interval(random), d = Stats.pairedDifference(trained, random);
    System.out.printf(Locale.ROOT, "apples per round over %d training seeds: trained %.1f +- %.1f, random %.1f +- %.1f%n", k, t.mean(), t.halfWidth(),
        r.mean(), r.halfWidth());
    System.out.printf(Locale.ROOT, "difference trained - random: %.1f, 95%% interval [%.1f, %.1f] (t, %d df): %s%n", d.mean(), d.lo(), d.hi(), k - 1,
        k < 2 ? "needs at least 2 runs" : d.excludesZero() ? "excludes 0" : "includes 0 (no significant difference)");
    return 0;
  }
}

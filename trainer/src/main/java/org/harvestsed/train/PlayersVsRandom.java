package org.harvestsed.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.harvestsed.engine.io.AtomicFiles;

/**
 * Trained players against uniformly random players on the run's config: apples per round (sum
 * over players, mean over the run's envs) of one voting round per evaluation seed, both under the
 * run's learned principal (acting, not learning) at cap 1, paired by seed. {@code train} writes
 * it to {@code players.csv}; {@code ./harvest players --runs ...} compares runs, one training seed
 * per run (the unit of replication).
 */
public final class PlayersVsRandom {
  private PlayersVsRandom() {}

  public static final int DEFAULT_SEEDS = 3;
  public static final String FILE = "players.csv";
  /** Evaluation seeds are {@code SEED_BASE + 1 ..}: never a training run's own stream. */
  static final long SEED_BASE = 2_000_000L;

  /** Apples per round per evaluation seed: trained and random players. */
  public record Result(double[] trained, double[] random) {
    public double meanTrained() {
      return mean(trained);
    }

    public double meanRandom() {
      return mean(random);
    }

    public String summary() {
      return String.format(Locale.ROOT, "apples per round (mean over envs and %d evaluation rounds): trained players %.1f, random players %.1f",
          trained.length, meanTrained(), meanRandom());
    }
  }

  public static Result measure(Trainer t, int seeds) {
    double[] trained = new double[seeds], random = new double[seeds];
    for (int s = 0; s < seeds; s++) {
      trained[s] = t.applesPerRound(SEED_BASE + 1 + s, true);
      random[s] = t.applesPerRound(SEED_BASE + 1 + s, false);
    }
    return new Result(trained, random);
  }

  public static void write(Path dir, Result r) throws IOException {
    StringBuilder sb = new StringBuilder("eval_seed,trained_apples_per_round,random_apples_per_round\n");
    for (int s = 0; s < r.trained().length; s++) {
      sb.append(SEED_BASE + 1 + s).append(',').append(r.trained()[s]).append(',').append(r.random()[s]).append('\n');
    }
    AtomicFiles.writeString(dir.resolve(FILE), sb.toString());
  }

  public static Result read(Path dir) throws IOException {
    Path f = dir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      throw new IOException(dir + " has no " + FILE + " (written when ./harvest train finishes); finish the run first");
    }
    List<String> lines = Files.readAllLines(f);
    double[] trained = new double[lines.size() - 1], random = new double[lines.size() - 1];
    for (int i = 1; i < lines.size(); i++) {
      String[] p = lines.get(i).split(",");
      trained[i - 1] = Double.parseDouble(p[1]);
      random[i - 1] = Double.parseDouble(p[2]);
    }
    return new Result(trained, random);
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) s += x;
    return s / v.length;
  }
}

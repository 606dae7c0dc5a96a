package org.harvestsed.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.harvestsed.engine.config.Choices;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigTree;
import org.harvestsed.engine.config.SocialChoice;
import org.harvestsed.eval.EvalReport;
import org.harvestsed.eval.Evaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Learned principal vs baselines on the same evaluation seeds of ONE training run: table with "
    + "confidence intervals (over evaluation seeds: evaluation noise), Holm-adjusted differences, CSV, plots. Over training seeds: ./harvest sweep.")
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--run", required = true, description = "run directory of ./harvest train") Path run;
  @Option(names = "--principals", defaultValue = "learned,learned@mode,free_market,fixed:0,0.6,1,saez",
      description = "comma-separated: learned (sampling), learned@mode, free_market, flat:x, fixed:a,b,c, saez (default ${DEFAULT-VALUE})") String principals;
  @Option(names = "--seeds", defaultValue = "5", description = "evaluation seeds, one voting round each (default ${DEFAULT-VALUE})") int seeds;
  @Option(names = "--finetune-steps", defaultValue = "32768",
      description = "env steps of player training under each principal from the phase-1 checkpoint (default ${DEFAULT-VALUE})") long finetune;
  @Option(names = "--social-choice", split = ",", description = "repeat for these social choice functions (mean, median, majority); default: the run's")
  List<String> choices;
  @Option(names = "--out", description = "output directory (default RUN/evaluation)") Path out;
  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a key of the run's config.yaml for the fine-tunes and evaluation rounds, "
      + "typed and checked like the YAML, e.g. --set train.lr=0.0005 (repeatable)") List<String> sets;

  @Override
  public Integer call() throws Exception {
    if (seeds < 1) throw new Main.UsageError("--seeds " + seeds + " must be at least 1");
    if (finetune < 1) throw new Main.UsageError("--finetune-steps must be at least 1");
    Config c = ConfigOptions.load(run.resolve("config.yaml"), ConfigTree.Assignment.parseAll(sets));
    Path dir = org.harvestsed.engine.io.Outputs.directory(out != null ? out : run.resolve("evaluation"), "--out");
    List<String> ps = Evaluation.splitPrincipals(principals, c.env().brackets());
    Map<String, Map<String, Evaluation.PrincipalResult>> byChoice = new LinkedHashMap<>();
    List<String> names = choices == null ? List.of(c.env().socialChoice().key()) : choices;
    for (String name : names) {
      SocialChoice sc = Choices.parse(SocialChoice.class, "--social-choice", name);
      byChoice.put(sc.key(), Evaluation.run(run, c, ps, seeds, finetune, sc, msg -> System.err.println("evaluate [" + sc.key() + "] " + msg)));
      System.out.println("social choice: " + sc.key());
      System.out.println(EvalReport.table(byChoice.get(sc.key())));
    }
    String cmd = "./harvest evaluate --run " + run + " --principals " + principals + " --seeds " + seeds + " --finetune-steps " + finetune
        + (choices == null ? "" : " --social-choice " + String.join(",", choices))
        + (sets == null ? "" : sets.stream().map(x -> " --set " + x).reduce("", String::concat));
    EvalReport.write(dir, "Principals compared on the run " + run, byChoice, cmd);
    System.out.println("evaluate: wrote " + dir.resolve("evaluation.md") + ", evaluation.csv and plots");
    return 0;
  }
}

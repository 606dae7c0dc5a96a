package org.harvestsed.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigTree;
import org.harvestsed.train.PlayersVsRandom;
import org.harvestsed.train.PpoUpdate;
import org.harvestsed.train.Report;
import org.harvestsed.train.TrainConfig;
import org.harvestsed.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, description = "Two-level PPO training of players and principal (the main job).")
final class TrainCommand implements Callable<Integer> {
  @Mixin ConfigOptions cfg;
  @Option(names = "--out", description = "run directory (default runs/<config>-<time>)") Path out;
  @Option(names = "--resume", description = "continue the run in this directory from its last checkpoint") Path resume;
  @Option(names = "--seed", description = "training seed (--set run.seed); default: run.seed of the config (the unit of replication)") Long seed;

  @Override
  public Integer call() throws Exception {
    Path config = cfg.config;
    List<ConfigTree.Assignment> shorthands = new ArrayList<>();
    ConfigTree.Assignment.shorthand(shorthands, "--seed", "run.seed", seed);
    List<ConfigTree.Assignment> overrides = cfg.overrides(shorthands);
    if (resume != null && !overrides.isEmpty()) {
      throw new Main.UsageError(overrides.getFirst().origin() + " cannot change a resumed run; its config is " + resume.resolve("config.yaml"));
    }
    Config c = ConfigOptions.load(config, overrides);
    TrainConfig tc = TrainConfig.parse(c.train());
    Path dir = resume != null ? resume : out != null ? out
        : Path.of("runs", config.getFileName().toString().replaceAll("\\.ya?ml$", "") + "-"
            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    if (resume != null && !Files.isRegularFile(resume.resolve("checkpoint.bin"))) {
      throw new Main.UsageError("--resume " + resume + ": no checkpoint.bin there; pass the run directory of an earlier train");
    }
    if (resume == null && Files.exists(dir.resolve("checkpoint.bin"))) {
      throw new Main.UsageError("run directory " + dir + " already holds a run; use --resume " + dir + " to continue it, or another --out");
    }
    try (Trainer t = new Trainer(c, tc, dir)) { // builds the envs and networks first: bad input fails before any file is written
      org.harvestsed.engine.io.Outputs.directory(dir, resume != null ? "--resume" : "--out");
      if (resume == null) {
        org.harvestsed.engine.io.AtomicFiles.writeString(dir.resolve("config.yaml"), c.resolvedYaml(header(config, overrides)));
      } else {
        t.resume(resume);
      }
      CountDownLatch done = new CountDownLatch(1);
      Thread hook = new Thread(() -> { // SIGINT / SIGTERM: finish the iteration, write a checkpoint, say how to resume
        t.requestStop();
        try {
          done.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        boolean finished;
        try (ProgressBar pb = Progress.bar("train", tc.totalSteps())) {
          pb.stepTo(t.globalStep());
          t.onProgress(msg -> {
            pb.stepTo(Math.min(t.globalStep(), tc.totalSteps()));
            pb.setExtraMessage(msg);
          });
          finished = t.run();
        } catch (PpoUpdate.DivergedException e) {
          throw new Main.UsageError("training stopped: " + e.getMessage() + "; the last good checkpoint is kept in " + dir);
        }
        if (!finished) {
          System.err.println("train: stopped by a signal after iteration " + t.iteration() + " (env step " + t.globalStep()
              + "); checkpoint written; resume with: ./harvest train --config " + (overrides.isEmpty() ? config : dir.resolve("config.yaml"))
              + " --resume " + dir);
          System.err.flush();
          return 130;
        }
        PlayersVsRandom.Result pr = PlayersVsRandom.measure(t, PlayersVsRandom.DEFAULT_SEEDS);
        PlayersVsRandom.write(dir, pr);
        System.out.println("train: " + pr.summary());
      } finally {
        done.countDown();
      }
    }
    Report.write(dir, "harvest-sed training run: " + config);
    System.out.println("train: done; metrics " + dir.resolve("metrics.csv") + ", report " + dir.resolve("report.md"));
    return 0;
  }

  /** The first lines of a run's config.yaml: where it came from. */
  static String header(Path config, List<ConfigTree.Assignment> overrides) {
    StringBuilder sb = new StringBuilder("resolved config of " + config);
    if (!overrides.isEmpty()) sb.append(" with ").append(String.join(", ", overrides.stream().map(ConfigTree.Assignment::origin).toList()));
    return sb.append("\nevery key with the value this run used, defaults included").toString();
  }
}

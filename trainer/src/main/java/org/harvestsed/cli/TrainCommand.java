package org.harvestsed.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import org.harvestsed.engine.config.Config;
import org.harvestsed.train.PlayersVsRandom;
import org.harvestsed.train.PpoUpdate;
import org.harvestsed.train.Report;
import org.harvestsed.train.TrainConfig;
import org.harvestsed.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true, description = "Two-level PPO training of players and principal (the main job).")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "YAML experiment config, e.g. configs/quickstart.yaml") Path config;
  @Option(names = "--out", description = "run directory (default runs/<config>-<time>)") Path out;
  @Option(names = "--resume", description = "continue the run in this directory from its last checkpoint") Path resume;
  @Option(names = "--seed", description = "training seed; default: run.seed of the config (the unit of replication)") Long seed;

  @Override
  public Integer call() throws Exception {
    Config c = Config.load(config);
    if (seed != null) {
      if (resume != null) throw new Main.UsageError("--seed cannot change a resumed run; its seed is in " + resume.resolve("config.yaml"));
      c = new Config(c.env(), c.run().withSeed(seed), c.train());
    }
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
        String yaml = Files.readString(config);
        org.harvestsed.engine.io.AtomicFiles.writeString(dir.resolve("config.yaml"), seed == null ? yaml : withSeed(yaml, seed, config));
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
              + "); checkpoint written; resume with: ./harvest train --config " + config + " --resume " + dir);
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

  /** The config with run.seed set to {@code seed} (YAML rewritten; the run directory's config.yaml is the run's own). */
  @SuppressWarnings("unchecked")
  static String withSeed(String yaml, long seed, Path from) {
    Object tree = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(new org.yaml.snakeyaml.LoaderOptions())).load(yaml);
    java.util.Map<String, Object> root = tree instanceof java.util.Map<?, ?> m ? (java.util.Map<String, Object>) m : new java.util.LinkedHashMap<>();
    Object run = root.get("run");
    java.util.Map<String, Object> r = run instanceof java.util.Map<?, ?> m ? (java.util.Map<String, Object>) m : new java.util.LinkedHashMap<>();
    r.put("seed", seed);
    root.put("run", r);
    org.yaml.snakeyaml.DumperOptions d = new org.yaml.snakeyaml.DumperOptions();
    d.setDefaultFlowStyle(org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK);
    return "# " + from + " with run.seed " + seed + " (train --seed)\n" + new org.yaml.snakeyaml.Yaml(d).dump(root);
  }
}

package org.harvestsed.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.harvestsed.engine.config.Config;
import org.harvestsed.train.PpoUpdate;
import org.harvestsed.train.Report;
import org.harvestsed.train.TrainConfig;
import org.harvestsed.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", description = "Two-level PPO training of players and principal (the main job).")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "YAML experiment config, e.g. configs/quickstart.yaml") Path config;
  @Option(names = "--out", description = "run directory (default runs/<config>-<time>)") Path out;
  @Option(names = "--resume", description = "continue the run in this directory from its last checkpoint") Path resume;

  @Override
  public Integer call() throws Exception {
    Config c = Config.load(config);
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
      Files.createDirectories(dir);
      if (resume == null) Files.copy(config, dir.resolve("config.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      if (resume != null) t.resume(resume);
      try (ProgressBar pb = new ProgressBarBuilder().setTaskName("train").setInitialMax(tc.totalSteps())
          .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate().build()) {
        pb.stepTo(t.globalStep());
        t.onProgress(msg -> {
          pb.stepTo(Math.min(t.globalStep(), tc.totalSteps()));
          pb.setExtraMessage(msg);
        });
        t.run();
      } catch (PpoUpdate.DivergedException e) {
        throw new Main.UsageError("training stopped: " + e.getMessage() + "; the last good checkpoint is kept in " + dir);
      }
    }
    Report.write(dir, "harvest-sed training run: " + config);
    System.out.println("train: done; metrics " + dir.resolve("metrics.csv") + ", report " + dir.resolve("report.md"));
    return 0;
  }
}

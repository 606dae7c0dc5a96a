package org.harvestsed.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", description = "Two-level PPO training of players and principal (the main job).")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--config", required = true) Path config;
  @Option(names = "--out") Path out;
  @Option(names = "--resume") Path resume;

  @Override
  public Integer call() {
    throw new Main.UsageError("train is not implemented in this build yet (the PPO trainer is still to come); "
        + "'./harvest simulate --config " + config + "' runs the game with random players");
  }
}

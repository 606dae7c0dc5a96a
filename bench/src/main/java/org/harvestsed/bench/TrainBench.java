package org.harvestsed.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.harvestsed.engine.config.Config;
import org.harvestsed.train.TrainConfig;
import org.harvestsed.train.Trainer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full training iteration of the quickstart setting (16 envs x 7 players, 128-step rollout
 * with inference, GAE, 4 epochs x 4 minibatches of PPO; phase 2, so the principal acts too).
 * Time per iteration; end-to-end training throughput = 128 x 16 x 7 player-steps / that time.
 * <pre>  java -jar bench/target/benchmarks.jar TrainBench</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true"})
@State(Scope.Benchmark)
public class TrainBench {
  @Param({"java"})
  public String backend;

  private Trainer trainer;
  private Path dir;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    Config c = Config.parse("run: {envs: 16, seed: 1, backend: " + backend + "}\n"
        + "train: {total_steps: 1000000000, num_steps: 128, phase1_steps: 0, cap_anneal_steps: 100000, principal_batch: 320}\n", "bench");
    dir = Files.createTempDirectory("harvest-trainbench");
    trainer = new Trainer(c, TrainConfig.parse(c.train()), dir);
    trainer.start();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    trainer.close();
  }

  @Benchmark
  public String[] iteration() {
    return trainer.iterate();
  }
}

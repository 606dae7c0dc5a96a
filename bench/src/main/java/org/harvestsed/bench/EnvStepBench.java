package org.harvestsed.bench;

import java.util.concurrent.TimeUnit;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Env-only stepping: every env of a VecEnv one step, players acting uniformly at random (drawn
 * in-engine from the POLICY stream), observations rendered. Default map (commons_harvest_open,
 * 7 players). One op = one step of all envs; the aux counter {@code playerSteps} gives
 * player-steps per second directly.
 * <pre>
 *   java -jar bench/target/benchmarks.jar EnvStepBench -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class EnvStepBench {
  @Param({"1", "64", "1024", "4096"})
  public int envs;

  @Param({"java"})
  public String backend;

  /** Worker threads of the java backend; 0 = one per core. */
  @Param({"0"})
  public int threads;

  private VecEnv env;
  private int playersPerStep;

  /** Counts player-steps so JMH reports them per second beside the ops. */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class Counters {
    public long playerSteps;

    @Setup(Level.Iteration)
    public void clean() {
      playerSteps = 0;
    }
  }

  @Setup(Level.Trial)
  public void setup() {
    Config c = Config.defaults();
    env = VecEnv.create(c.env(), envs, backend, threads);
    env.reset(1);
    playersPerStep = envs * c.env().players();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    env.close();
  }

  @Benchmark
  public void step(Counters counters) {
    env.stepRandom();
    counters.playerSteps += playersPerStep;
  }
}

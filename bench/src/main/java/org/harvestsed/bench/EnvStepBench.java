package org.harvestsed.bench;

import java.util.concurrent.TimeUnit;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.Mapping;
import org.harvestsed.engine.config.Transfer;
import org.harvestsed.engine.opencl.OpenClBackend;
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
 * Env-only stepping: every env of a VecEnv, players acting uniformly at random (drawn in-engine
 * from the POLICY stream), observations rendered, taxes and rewards computed. Default map
 * (commons_harvest_open, 7 players). One op = {@code stepsPerOp} steps of all envs (one launch on
 * the opencl backend); the aux counter {@code playerSteps} gives player-steps per second.
 * <pre>
 *   java -jar bench/target/benchmarks.jar EnvStepBench -prof gc
 *   java -jar bench/target/benchmarks.jar EnvStepBench -p backend=java -p stepsPerOp=1 -p envs=1,64,1024,4096
 *   # the copy path against zero-copy (one launch per step):
 *   java -jar bench/target/benchmarks.jar EnvStepBench -p backend=opencl -p transfer=auto,copy -p stepsPerOp=1 -p envs=1024,4096
 *   # the two mappings, and work-group sizes:
 *   java -jar bench/target/benchmarks.jar EnvStepBench -p backend=opencl -p mapping=env,group -p localSize=0,64
 *   # the tornado backend (built where TORNADOVM_HOME is set; the forks inherit TornadoVM's flags):
 *   java @tornado/target/tornado-argfile @tornado/jvm.args -jar bench/target/benchmarks.jar EnvStepBench -p backend=java,opencl,tornado
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class EnvStepBench {
  @Param({"1", "64", "1024", "4096", "16384"})
  public int envs;

  @Param({"java", "opencl"})
  public String backend;

  /**
   * Steps per call: 1 = a one-step launch per op; 50 = one multi-step launch of a whole tax
   * period per op (the scripted-player path of simulate).
   */
  @Param({"1", "50"})
  public int stepsPerOp;

  /**
   * How the opencl backend shares buffers with the device: auto (zero-copy on a host-unified device
   * such as PoCL) or copy (state on the device, only the IO buffers copied: the discrete-GPU path,
   * docs/DESIGN-transfers.md). Ignored by java.
   */
  @Param({"auto"})
  public String transfer;

  /**
   * The opencl backend's mapping: auto (the performance model's choice, PerfModel), env (work-item per env), group
   * (work-group per env), warp (32 work-items per env, several envs per work-group).
   */
  @Param({"auto"})
  public String mapping;

  /** The opencl backend's work-group size; 0 = chosen from the device. */
  @Param({"0"})
  public int localSize;

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
    env = VecEnv.create(c.env(), envs, backend, threads, "", org.harvestsed.engine.config.Choices.parse(Transfer.class, "transfer", transfer),
        new OpenClBackend.Launch(org.harvestsed.engine.config.Choices.parse(Mapping.class, "mapping", mapping), localSize, null));
    env.reset(1);
    playersPerStep = envs * c.env().players() * stepsPerOp;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    env.close();
  }

  @Benchmark
  public void step(Counters counters) {
    if (stepsPerOp == 1) env.stepRandom();
    else env.stepRandom(stepsPerOp);
    counters.playerSteps += playersPerStep;
  }
}

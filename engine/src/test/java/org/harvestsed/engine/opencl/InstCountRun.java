package org.harvestsed.engine.opencl;

import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.config.Mapping;

/**
 * What bench/inst-counts.sh runs under Oclgrind with its lanes plugin (bench/lanes/lanes.cpp): the
 * step kernel of one mapping on one layout, random players, one launch per step, so the plugin
 * prints one line of counts per step. The first {@code warm} steps are stepped before the line
 * "measured:" (stderr), then {@code steps} more; none of them ends a tax period, a round or an
 * episode (the default config's period is 50 steps), so the counts are those of an ordinary step.
 * Arguments: layout (default | generated7000), mapping (env | group | warp), envs, local size
 * (env: 1; group: work-items per env; warp: 32 x envs per work-group), warm, steps, and optionally
 * the steps per launch (default 1: harvest_step; more: harvest_step_many, each measured line then a
 * launch of that many steps; warm and steps count launches). Phases can be compiled out with
 * -Dharvest.opencl.skip (KernelSource.SKIPPABLE) to count them by difference.
 */
public final class InstCountRun {
  private InstCountRun() {}

  public static void main(String[] args) throws ReflectiveOperationException {
    // Oclgrind's runtime is not thread-safe (as OclgrindRun)
    java.lang.reflect.Field f = org.jocl.CL.class.getDeclaredField("referenceReleaseExecutor");
    f.setAccessible(true);
    f.set(null, (java.util.concurrent.Executor) Runnable::run);
    EnvSpec spec = layout(args[0]);
    Mapping m = org.harvestsed.engine.config.Choices.parse(Mapping.class, "mapping", args[1]);
    int envs = Integer.parseInt(args[2]), local = Integer.parseInt(args[3]), warm = Integer.parseInt(args[4]),
        steps = Integer.parseInt(args[5]), perLaunch = args.length > 6 ? Integer.parseInt(args[6]) : 1;
    try (VecEnv v = VecEnv.create(spec, envs, "opencl", 1, "", new OpenClBackend.Launch(m, local, null))) {
      System.err.println("run: " + v.openCl().device().name() + ", mapping " + v.mapping() + ", local size " + v.localSize()
          + ", envs " + envs + ", envs per work-group " + v.openCl().envsPerGroup() + (v.openCl().localCells() ? ", local state" : ", global state"));
      v.reset(1);
      if ((warm + steps) * perLaunch >= spec.taxPeriod()) throw new IllegalArgumentException("the measured launches would reach a tax period's end");
      for (int k = 0; k < warm; k++) launch(v, perLaunch);
      System.err.println("measured:");
      System.err.flush();
      for (int k = 0; k < steps; k++) launch(v, perLaunch);
    }
  }

  /** One launch of {@code n} steps: the one-step kernel for 1, the many-step kernel otherwise (VecEnv.stepRandom(n) within a period). */
  private static void launch(VecEnv v, int n) {
    if (n == 1) v.stepRandom();
    else v.stepRandom(n);
  }

  /** The layouts of the performance model's cases (PerfModel): the default map, and a generated map of 7,000 players. */
  static EnvSpec layout(String name) {
    return switch (name) {
      case "default" -> Config.defaults().env();
      case "generated7000" -> Config.parse("env: {map: generated, players: 7000, generated: {seed: 4}}", "generated7000").env();
      default -> throw new IllegalArgumentException("layout " + name + ": default or generated7000");
    };
  }
}

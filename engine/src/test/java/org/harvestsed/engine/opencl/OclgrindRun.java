package org.harvestsed.engine.opencl;

import org.harvestsed.engine.Parity;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.config.Mapping;

/**
 * What {@link OclgrindTest} runs under Oclgrind (a separate JVM, since Oclgrind replaces the
 * OpenCL library of the whole process): {@link OclgrindTest#CONFIGS} in the three mappings, each
 * checked against the java reference after every step ({@link Parity}); the warp mapping with
 * {@link OclgrindTest#WARP_ENVS} envs in one work-group where their local state fits Oclgrind's
 * 32 KiB of local memory, else one env with its state in global memory.
 * Arguments: envs, local size of the group mapping[, index of the only config to run[, the only
 * mapping]]; the steps are each config's (or -Dharvest.oclgrind.steps).
 */
public final class OclgrindRun {
  private OclgrindRun() {}

  public static void main(String[] args) throws ReflectiveOperationException {
    // Oclgrind's runtime is not thread-safe, and JOCL waits for each non-blocking transfer on a
    // thread of its own (to release the host buffer's reference): make it wait on the calling thread.
    java.lang.reflect.Field f = org.jocl.CL.class.getDeclaredField("referenceReleaseExecutor");
    f.setAccessible(true);
    f.set(null, (java.util.concurrent.Executor) Runnable::run);
    System.out.println("device: " + Devices.choose("").describe());
    int envs = Integer.parseInt(args[0]);
    int localSize = Integer.parseInt(args[1]);
    for (int ci = 0; ci < OclgrindTest.CONFIGS.length; ci++) {
      if (args.length > 2 && ci != Integer.parseInt(args[2])) continue;
      String[] c = OclgrindTest.CONFIGS[ci];
      int steps = Integer.getInteger("harvest.oclgrind.steps", Integer.parseInt(c[2]));
      EnvSpec spec = Config.parse(c[1], c[0]).env();
      for (Mapping m : new Mapping[] {Mapping.ENV, Mapping.GROUP, Mapping.WARP}) {
        if (args.length > 3 && !m.label().equals(args[3])) continue;
        boolean warpFits = org.harvestsed.engine.opencl.KernelSource.Shape.localBytesPerEnv(new org.harvestsed.engine.state.Layout(spec), true, true, 32)
            * OclgrindTest.WARP_ENVS <= 32 * 1024;
        int n = m == Mapping.WARP ? (warpFits ? OclgrindTest.WARP_ENVS : 1) : envs;
        OpenClBackend.Launch launch = new OpenClBackend.Launch(m, m == Mapping.GROUP ? localSize : m == Mapping.WARP ? 32 * n : 0, null);
        long t0 = System.nanoTime();
        Parity.Result r = Parity.check(spec, n, steps, 7, (s, k) -> {
          VecEnv v = VecEnv.create(s, k, "opencl", 1, "", launch);
          System.out.println(c[0] + ": mapping " + v.mapping() + ", local size " + v.localSize() + ", envs " + k
              + (v.openCl().localCells() ? ", state in __local memory" : ", state in global memory"));
          return v;
        });
        System.out.printf("%s, mapping %s: %d steps (%d episode ends, %d round ends) bit-identical to java, %.1f s%n", c[0], m.label(),
            r.steps(), r.episodeEnds(), r.roundEnds(), (System.nanoTime() - t0) / 1e9);
      }
    }
  }
}

package org.harvestsed.tornado;

import java.util.List;
import org.harvestsed.engine.sim.Backend;
import org.harvestsed.engine.sim.BackendProvider;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;
import uk.ac.manchester.tornado.api.KernelContext;

/**
 * The backend "tornado" for the tests of this module: TornadoBackend's own launch
 * ({@link TornadoLaunch}: reference reset on the host, pack, unpack only the output regions the
 * launch ended, host bookkeeping at period ends, the rest unpacked on demand by fetchState, the
 * byte counts), except that {@link StepKernel#harvestStep}'s work-items run one after another as
 * plain Java on the JVM instead of as a TornadoVM task graph, and the packed arrays are the
 * device's (nothing to transfer). It checks the kernel's rules and the launch around it, not
 * TornadoVM's compilation.
 */
public final class JvmStepKernelProvider implements BackendProvider {
  @Override
  public String name() {
    return "tornado";
  }

  @Override
  public List<String> devices() {
    return List.of("the JVM (StepKernel as plain Java; tests only)");
  }

  @Override
  public Backend create(Layout layout, int envs, String device, int threads) {
    EnvState state = new EnvState(layout, envs);
    return new TornadoLaunch(state, new Packing(state), threads) {
      private final KernelContext ctx = new KernelContext();

      @Override
      protected void execute(int steps, boolean many) {
        for (int e = 0; e < envs; e++) {
          ctx.globalIdx = e;
          StepKernel.harvestStep(ctx, pack.ints, pack.floats, pack.bytes, pack.inputs, pack.spec, pack.fspec, pack.params, pack.fparams);
        }
      }

      @Override
      protected void transferToHost(Buf.Type t, long from, long to) {}

      @Override
      protected void transferStateToHost() {}

      @Override
      protected void discardDeviceState() {}

      @Override
      protected void closeDevice() {}
    };
  }
}

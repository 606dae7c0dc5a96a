package org.harvestsed.tornado;

import java.util.List;
import org.harvestsed.engine.sim.Backend;
import org.harvestsed.engine.sim.BackendProvider;
import org.harvestsed.engine.sim.Bookkeeper;
import org.harvestsed.engine.sim.JavaBackend;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;
import org.harvestsed.engine.state.Role;
import uk.ac.manchester.tornado.api.KernelContext;

/**
 * The backend "tornado" for the tests of this module: launches {@link StepKernel#harvestStep} the
 * way TornadoBackend does (reference reset on the host, pack, run every env's work-item, unpack only
 * the output regions the launch ended ({@link Role#lastRegion}), host bookkeeping at period ends,
 * the rest unpacked on demand by fetchState), except that the work-items run one after another as plain Java on the JVM
 * instead of on a TornadoVM device. It checks the kernel's rules, not TornadoVM's compilation.
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
    JavaBackend host = new JavaBackend(state, threads);
    Packing pack = new Packing(state);
    Bookkeeper.Scratch scratch = new Bookkeeper.Scratch(layout);
    KernelContext ctx = new KernelContext();
    return new Backend() {
      private long ticks;
      private boolean actionsDrawn;

      @Override
      public String name() {
        return "tornado";
      }

      @Override
      public EnvState state() {
        return state;
      }

      @Override
      public Bookkeeper bookkeeper() {
        return host.bookkeeper();
      }

      @Override
      public void reset(long seed) {
        host.reset(seed);
        pack.afterHostReset(seed);
        ticks = 0;
        actionsDrawn = false;
      }

      @Override
      public void step(boolean randomActions, float cap) {
        launch(randomActions, cap, 1);
      }

      @Override
      public void stepMany(int steps, boolean randomActions, float cap) {
        launch(randomActions, cap, steps);
      }

      private void launch(boolean randomActions, float cap, int steps) {
        pack.beforeLaunch(randomActions, cap, steps);
        for (int e = 0; e < envs; e++) {
          ctx.globalIdx = e;
          StepKernel.harvestStep(ctx, pack.ints, pack.floats, pack.bytes, pack.inputs, pack.spec, pack.fspec, pack.params, pack.fparams);
        }
        Role through = Role.lastRegion(layout.spec, ticks + steps - 1);
        ticks += steps;
        actionsDrawn = randomActions;
        pack.downloadOutputs(through);
        host.bookkeeper().afterLaunch(through != Role.STEP, scratch);
      }

      @Override
      public void fetchState() {
        pack.downloadState(actionsDrawn);
      }

      @Override
      public String transfer() {
        return "copy";
      }

      @Override
      public void close() {
        host.close();
      }
    };
  }
}

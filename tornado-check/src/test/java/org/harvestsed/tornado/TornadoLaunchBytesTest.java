package org.harvestsed.tornado;

import static org.assertj.core.api.Assertions.assertThat;

import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.sim.Backend;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.Layout;
import org.harvestsed.engine.state.Role;
import org.junit.jupiter.api.Test;

/**
 * The tornado backend's counted transfers, as its launch ({@link TornadoLaunch}, the one that
 * ships) counts what its task graph moves: at the first execution after a host reset the state
 * arrays and the spec, at every one the inputs and parameters; after a launch the output regions it
 * ended (exactly the output buffers, in their packed widths), on fetchState the state arrays and
 * the inputs, and nothing where nothing ran since the reset.
 */
class TornadoLaunchBytesTest {
  static final int ENVS = 5;

  /** Bytes of the output buffers up to region {@code through}, as packed (OCC's shorts as ints). */
  static long outputs(Layout l, Role through) {
    long sum = 0;
    for (Buf b : Buf.values()) if (b.role.readUpTo(through)) sum += b.perEnv(l) * ENVS * Packing.packType(b).bytes;
    return sum;
  }

  @Test
  void countsWhatTheTaskGraphMoves() {
    EnvSpec spec = Config.defaults().env();
    Layout l = new Layout(spec);
    try (Backend b = new JvmStepKernelProvider().create(l, ENVS, "", 1)) {
      Packing p = ((TornadoLaunch) b).pack;
      long state = p.ints.getNumBytesWithoutHeader() + p.floats.getNumBytesWithoutHeader() + p.bytes.getNumBytesWithoutHeader();
      long specs = p.spec.getNumBytesWithoutHeader() + p.fspec.getNumBytesWithoutHeader();
      long inputs = p.inputs.getNumBytesWithoutHeader() + p.params.getNumBytesWithoutHeader() + p.fparams.getNumBytesWithoutHeader();
      b.reset(3);
      b.fetchState();
      assertThat(b.bytesToDevice()).as("the reset stays on the host until the first launch").isZero();
      assertThat(b.bytesFromDevice()).as("nothing ran: the host buffers are current").isZero();

      b.step(true, 1f); // step 0: inside the first period
      assertThat(b.bytesToDevice()).as("the first execution uploads the state and the spec").isEqualTo(state + specs + inputs);
      assertThat(b.bytesFromDevice()).as("a step inside a period reads back its outputs only").isEqualTo(outputs(l, Role.STEP));

      long to = b.bytesToDevice(), from = b.bytesFromDevice();
      b.stepMany(spec.taxPeriod() - 1, true, 1f); // steps 1 .. taxPeriod-1: the first period's end
      assertThat(b.bytesToDevice() - to).as("later launches upload the inputs and parameters only").isEqualTo(inputs);
      assertThat(b.bytesFromDevice() - from).as("a period end adds the period's snapshot").isEqualTo(outputs(l, Role.PERIOD));
      assertThat(outputs(l, Role.PERIOD)).isGreaterThan(outputs(l, Role.STEP));

      from = b.bytesFromDevice();
      b.fetchState();
      assertThat(b.bytesFromDevice() - from).as("a full fetch: the state arrays and the inputs").isEqualTo(state + p.inputs.getNumBytesWithoutHeader());

      to = b.bytesToDevice();
      b.reset(4);
      b.step(true, 1f);
      assertThat(b.bytesToDevice() - to).as("after a host reset the next execution uploads the new state").isEqualTo(state + specs + inputs);
    }
  }
}

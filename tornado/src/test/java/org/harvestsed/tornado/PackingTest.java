package org.harvestsed.tornado;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.sim.Backends;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;
import org.junit.jupiter.api.Test;

/** The packed layout the kernel indexes, and the backend's wiring into the engine. */
class PackingTest {
  /** Every Buf has a slot constant of its own name equal to its ordinal; the kernel's own slots come after. */
  @Test
  void everyBufferHasItsSlot() throws Exception {
    for (Buf b : Buf.values()) assertThat(Packing.class.getDeclaredField(b.name()).getInt(null)).as(b.name()).isEqualTo(b.ordinal());
    assertThat(Packing.SCRATCH).isEqualTo(Buf.values().length);
    assertThat(Packing.INITIAL_GRID).isEqualTo(Buf.values().length + 1);
    assertThat(Packing.SLOTS).isEqualTo(Buf.values().length + 2);
  }

  /** Host -> packed -> host gives the same bytes, and each buffer lands where the spec array says. */
  @Test
  void uploadAndDownloadRoundTripAtTheSpecsOffsets() {
    EnvSpec spec = Config.defaults().env();
    Layout l = new Layout(spec);
    EnvState s = new EnvState(l, 3);
    Packing p = new Packing(s);
    s.ints(Buf.POS).put(2 * l.players + 1, 777); // env 2, player 1
    s.floats(Buf.SIGMA).put(l.players + 4, 0.625f); // env 1, player 4
    s.bytes(Buf.GRID).put(2 * l.cells + 5, (byte) 2); // env 2, cell 5
    s.shorts(Buf.OCC).put(l.cells + 7, (short) 6); // env 1, cell 7: widened into the int array
    s.shorts(Buf.OCC).put(l.cells + 8, (short) -1);
    p.uploadAll();
    assertThat(p.ints.get(StepKernel.base(p.spec, Packing.OCC, 1) + 7)).isEqualTo(6);
    assertThat(p.ints.get(StepKernel.base(p.spec, Packing.OCC, 1) + 8)).isEqualTo(-1);
    p.ints.set(StepKernel.base(p.spec, Packing.OCC, 2) + 3, 5);
    assertThat(p.ints.get(StepKernel.base(p.spec, Packing.POS, 2) + 1)).isEqualTo(777);
    assertThat(p.floats.get(StepKernel.base(p.spec, Packing.SIGMA, 1) + 4)).isEqualTo(0.625f);
    assertThat(p.bytes.get(StepKernel.base(p.spec, Packing.GRID, 2) + 5)).isEqualTo((byte) 2);
    p.ints.set(StepKernel.base(p.spec, Packing.T, 1), 41);
    p.downloadAll();
    assertThat(s.ints(Buf.T).get(1)).isEqualTo(41);
    assertThat(s.ints(Buf.POS).get(2 * l.players + 1)).isEqualTo(777);
    assertThat(s.shorts(Buf.OCC).get(2 * l.cells + 3)).isEqualTo((short) 5);
    assertThat(s.shorts(Buf.OCC).get(l.cells + 8)).isEqualTo((short) -1);
    // the initial grid and the tables are where the kernel reads them
    byte[] initial = l.initialGrid();
    for (int c = 0; c < l.cells; c++) assertThat(p.bytes.get(StepKernel.base(p.spec, Packing.INITIAL_GRID, 2) + c)).isEqualTo(initial[c]);
    for (int k = 0; k < l.sites.length; k++) assertThat(p.spec.get(p.spec.get(Packing.K_T_SITES) + k)).isEqualTo(l.sites[k]);
    assertThat(p.spec.get(Packing.K_N)).isEqualTo(spec.players());
    assertThat(p.spec.get(Packing.K_ENVS)).isEqualTo(3);
    float[] cutoffs = spec.bracketCutoffs();
    for (int b = 0; b < cutoffs.length; b++) assertThat(p.fspec.get(p.spec.get(Packing.K_F_CUTOFFS) + b)).isEqualTo(cutoffs[b]);
  }

  @Test
  void theBackendIsFoundByNameAndListsItsDevices() {
    assertThat(Backends.provider("tornado")).isPresent();
    assertThat(Backends.require("tornado").devices()).isNotEmpty().allSatisfy(d -> assertThat(d).contains("TornadoVM"));
    try (VecEnv env = VecEnv.create(Config.defaults().env(), 2, "tornado", 1, "")) {
      assertThat(env.backendName()).isEqualTo("tornado");
    }
  }

  @Test
  void anUnknownDeviceIsAClearError() {
    assertThatThrownBy(() -> VecEnv.create(Config.defaults().env(), 1, "tornado", 1, "no-such-device-xyz"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("matches no TornadoVM device").hasMessageContaining("0 (TornadoVM 0:0)");
  }
}

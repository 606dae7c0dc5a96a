package org.harvestsed.tornado;

import static org.assertj.core.api.Assertions.assertThat;

import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;
import org.harvestsed.engine.state.Role;
import org.junit.jupiter.api.Test;

/**
 * The TornadoVM packing by role as well as by type (docs/DESIGN-transfers.md): in each typed array
 * the state comes first and the outputs last, region after region in {@link Role#OUTPUTS} order,
 * so that a launch reads back one range per array; the inputs have an array of their own, the only
 * one uploaded at every launch. (That the ranges hold the right values is checked by
 * JvmStepKernelParityTest, whose launcher unpacks only them.)
 */
class PackingRolesTest {
  @Test
  void outputsAreOneTrailingRangePerArrayInRegionOrder() {
    Layout l = new Layout(Config.parse("env: {zap: {enabled: true}}", "test").env());
    int envs = 3;
    Packing p = new Packing(new EnvState(l, envs));
    long inputs = 0;
    for (Buf b : Buf.values()) {
      long base = p.spec.get(Packing.BASE + b.ordinal());
      long end = base + b.perEnv(l) * envs;
      Buf.Type t = Packing.packType(b);
      Role r = b.role;
      if (r == Role.INPUT) {
        inputs += b.perEnv(l) * envs;
        continue;
      }
      if (!Packing.isOutput(b)) {
        assertThat(end).as(b + " stays on the device: before the outputs").isLessThanOrEqualTo(p.outputStart(t));
        continue;
      }
      int at = java.util.Arrays.asList(Role.OUTPUTS).indexOf(r);
      long regionStart = at == 0 ? p.outputStart(t) : p.outputEnd(t, Role.OUTPUTS[at - 1]);
      assertThat(base).as(b + " in its region").isGreaterThanOrEqualTo(regionStart);
      assertThat(end).as(b + " in its region").isLessThanOrEqualTo(p.outputEnd(t, r));
    }
    assertThat(inputs).isEqualTo((long) (l.players + l.spec.brackets()) * envs);
    assertThat(p.inputs.getNumBytesOfSegmentWithHeader()).isGreaterThanOrEqualTo(4 * inputs);
    // the step's outputs alone, per array: what a launch inside a period reads
    long stepInts = 0;
    for (Buf b : Buf.values()) if (b.role == Role.STEP && Packing.packType(b) == Buf.Type.INT) stepInts += b.perEnv(l) * envs;
    assertThat(p.outputEnd(Buf.Type.INT, Role.STEP) - p.outputStart(Buf.Type.INT)).isEqualTo(stepInts);
  }
}

package org.harvestsed.tornado;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.opencl.KernelSource;
import org.harvestsed.engine.sim.SpecConstant;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The two device kernels read the spec's constants from one list, {@link SpecConstant}: every
 * entry is a {@code #define} of the OpenCL program with its value, and sits in {@link Packing}'s
 * {@code spec} (int) or {@code fspec} (float) array at its index, where the TornadoVM kernel reads
 * it through the javac constant {@code Packing.K_<NAME>} / {@code F_<NAME>}, which must equal that
 * index. Packing's own entries (envs, where the tables start) come after the list and collide with
 * nothing.
 */
class SpecConstantsTest {
  @ParameterizedTest
  @ValueSource(strings = {"env: {}", "env: {map: ssd_harvest, players: 12, zap: {enabled: true}}",
      "env: {zap: {enabled: true}, tax: {divergence_limit: 0.1}}", "env: {view: {ahead: 4, behind: 2, left: 1, right: 3}}"})
  void everyConstantIsInTheKernelHeaderAndInPackingAtItsIndex(String yaml) {
    Layout l = new Layout(Config.parse(yaml, "test").env());
    String program = KernelSource.build(l);
    Packing p = new Packing(new EnvState(l, 2));
    for (SpecConstant c : SpecConstant.values()) {
      String literal = switch (c.kind) {
        case INT -> String.valueOf(c.intValue(l));
        case UINT -> c.intValue(l) + "u";
        case FLOAT -> "(" + Float.toHexString(c.floatValue(l)) + "f)";
      };
      assertThat(program).as(c.name()).contains("\n#define " + c.name() + " " + literal + "\n");
      if (c.isFloat()) {
        assertThat(Float.floatToRawIntBits(p.fspec.get(c.index()))).as(c.name()).isEqualTo(Float.floatToRawIntBits(c.floatValue(l)));
      } else {
        assertThat(p.spec.get(c.index())).as(c.name()).isEqualTo(c.intValue(l));
      }
    }
    assertThat(p.spec.get(Packing.K_ENVS)).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"K_", "F_"})
  void packingsIndicesAreTheTablesAndItsOwnComeAfterIt(String prefix) throws IllegalAccessException {
    boolean floats = prefix.equals("F_");
    int listed = floats ? SpecConstant.FLOATS : SpecConstant.INTS;
    int own = floats ? Packing.F_PROB : Packing.K_OWN;
    assertThat(own).as("Packing's first own index").isEqualTo(listed);
    Map<Integer, String> taken = new HashMap<>();
    int named = 0;
    for (Field f : Packing.class.getDeclaredFields()) {
      if (!f.getName().startsWith(prefix) || !Modifier.isStatic(f.getModifiers()) || f.getType() != int.class) continue;
      int at = f.getInt(null);
      String name = f.getName().substring(prefix.length());
      SpecConstant c = constant(name);
      if (c != null) {
        assertThat(c.isFloat()).as(f.getName()).isEqualTo(floats);
        assertThat(at).as(f.getName() + " is " + name + "'s index").isEqualTo(c.index());
        named++;
      } else if (!name.equals("OWN")) {
        assertThat(at).as(f.getName() + ": Packing's own, after the list").isGreaterThanOrEqualTo(listed);
        if (!floats) assertThat(at).as(f.getName()).isLessThan(Packing.BASE);
      }
      if (!name.equals("OWN") && !(floats && name.equals("PROB"))) {
        assertThat(taken.put(at, f.getName())).as(f.getName() + " shares index " + at).isNull();
      }
    }
    assertThat(named).isPositive();
  }

  private static SpecConstant constant(String name) {
    for (SpecConstant c : SpecConstant.values()) if (c.name().equals(name)) return c;
    return null;
  }
}

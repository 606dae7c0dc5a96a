package org.harvestsed.engine.opencl;

import java.util.ArrayList;
import java.util.List;
import org.harvestsed.engine.Parity;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Transfer;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.Mapping;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * java vs opencl, step by step ({@link Parity}): every state, observation, reward, done and metric
 * buffer must be bit-identical after every step, under random player actions and random principal
 * rates with the annealing cap and the divergence limit active. The per-env mapping (what auto picks
 * on PoCL) and the group mapping: at two work-group sizes with the env's cells in __local memory on
 * every case, and with them forced to global memory on two. The warp mapping: 2 and 4 envs per
 * work-group with the env's cells, counts and move state in __local memory on every case (and 4 on
 * the copy path), 1 and 8 with them in global memory on two, and multi-step launches.
 */
class ParityTest {
  static final java.util.List<Parity.Case> CASES = Parity.CASES;

  /** The group mapping's launches checked on every case: two work-group sizes, the env's cells in __local memory. */
  static final List<OpenClBackend.Launch> GROUP_LAUNCHES = List.of(new OpenClBackend.Launch(Mapping.GROUP, 64, true),
      new OpenClBackend.Launch(Mapping.GROUP, 24, true));
  /** The same kernel working on the cells in global memory (what maps too large for __local memory get), on two cases. */
  static final OpenClBackend.Launch GLOBAL_CELLS = new OpenClBackend.Launch(Mapping.GROUP, 32, false);

  /** The warp mapping's launches checked on every case: 2 and 4 envs per work-group (32 work-items each), local state. */
  static final List<OpenClBackend.Launch> WARP_LAUNCHES = List.of(new OpenClBackend.Launch(Mapping.WARP, 64, true),
      new OpenClBackend.Launch(Mapping.WARP, 128, true));
  /** The warp mapping on the state in global memory: 1 and 8 envs per work-group. */
  static final List<OpenClBackend.Launch> WARP_GLOBAL = List.of(new OpenClBackend.Launch(Mapping.WARP, 32, false),
      new OpenClBackend.Launch(Mapping.WARP, 256, false));

  static List<Arguments> warpCases() {
    List<Arguments> out = new ArrayList<>();
    for (Parity.Case c : CASES) {
      for (OpenClBackend.Launch l : WARP_LAUNCHES) out.add(Arguments.of(c, l));
    }
    out.add(Arguments.of(CASES.get(0), WARP_GLOBAL.get(1)));
    out.add(Arguments.of(CASES.get(2), WARP_GLOBAL.get(0)));
    return out;
  }

  static List<Arguments> groupCases() {
    List<Arguments> out = new ArrayList<>();
    for (Parity.Case c : CASES) {
      for (OpenClBackend.Launch l : GROUP_LAUNCHES) out.add(Arguments.of(c, l));
    }
    out.add(Arguments.of(CASES.get(0), GLOBAL_CELLS));
    out.add(Arguments.of(CASES.get(2), GLOBAL_CELLS));
    return out;
  }

  static VecEnv open(org.harvestsed.engine.config.EnvSpec spec, int envs, OpenClBackend.Launch l) {
    return open(spec, envs, Transfer.AUTO, l);
  }

  static VecEnv open(org.harvestsed.engine.config.EnvSpec spec, int envs, Transfer transfer, OpenClBackend.Launch l) {
    VecEnv v = VecEnv.create(spec, envs, "opencl", 0, "", transfer, l);
    if (transfer == Transfer.COPY) Assertions.assertEquals("copy", v.transfer());
    Assertions.assertEquals(l.mapping().label(), v.mapping());
    if (l.localSize() > 0) Assertions.assertEquals(l.localSize(), v.localSize());
    return v;
  }

  @BeforeEach
  void needsOpenCl() {
    OpenClAvailable.assume();
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("CASES")
  void everyBufferAfterEveryStep(Parity.Case c) {
    Parity.check(c, "opencl", "");
  }

  @ParameterizedTest(name = "group mapping {1}: {0}")
  @MethodSource("groupCases")
  void groupMappingEveryBufferAfterEveryStep(Parity.Case c, OpenClBackend.Launch l) {
    Parity.check(c, (spec, envs) -> open(spec, envs, l));
  }

  @ParameterizedTest(name = "warp mapping {1}: {0}")
  @MethodSource("warpCases")
  void warpMappingEveryBufferAfterEveryStep(Parity.Case c, OpenClBackend.Launch l) {
    Parity.check(c, (spec, envs) -> {
      VecEnv v = open(spec, envs, l);
      Assertions.assertEquals(l.localSize() / 32, v.openCl().envsPerGroup());
      Assertions.assertEquals(l.localCells(), v.openCl().localCells());
      return v;
    });
  }

  /**
   * Float division rounded by the kernels themselves (common.h div_rn: what a device without
   * correctly rounded division runs), in all three mappings, on the case whose rates use the
   * divergence limit.
   */
  @Test
  void divisionRoundedByTheKernelsWhereTheDeviceDoesNot() {
    System.setProperty("harvest.opencl.divide", "fixup");
    try {
      for (OpenClBackend.Launch l : List.of(new OpenClBackend.Launch(Mapping.ENV, 0, null), GROUP_LAUNCHES.get(0), WARP_LAUNCHES.get(1))) {
        Parity.check(CASES.get(0).spec(), 16, 300, 5, (spec, envs) -> open(spec, envs, l));
      }
    } finally {
      System.clearProperty("harvest.opencl.divide");
    }
  }

  /**
   * A window that fits several times in a work-group's work-items (3x3: 9 cells), so observe.cl's
   * observation pass writes several players' windows per pass (3 in a warp of 32, 7 in a group of
   * 64) and its work-items start at different players: the warp mapping with its state in local and
   * in global memory, and the group mapping.
   */
  @Test
  void windowsThatFitSeveralTimesInAWorkGroup() {
    org.harvestsed.engine.config.EnvSpec spec = Config.parse("env: {view: {ahead: 1, behind: 1, left: 1, right: 1}, episode_length: 100}",
        "3x3 window").env();
    Assertions.assertEquals(9, spec.obsCells());
    for (OpenClBackend.Launch l : List.of(WARP_LAUNCHES.get(1), WARP_GLOBAL.get(0), GROUP_LAUNCHES.get(0))) {
      Parity.check(spec, 8, 250, 15, (sp, envs) -> open(sp, envs, l));
    }
  }

  /** The warp mapping on the copy path (what a discrete GPU runs). */
  @ParameterizedTest(name = "warp mapping on the copy path: {0}")
  @FieldSource("CASES")
  void warpMappingOnTheCopyPath(Parity.Case c) {
    Parity.check(c, (spec, envs) -> open(spec, envs, Transfer.COPY, WARP_LAUNCHES.get(1)));
  }

  @Test
  void warpMappingMultiStepLaunchEqualsSingleSteps() {
    for (OpenClBackend.Launch l : List.of(WARP_LAUNCHES.get(1), WARP_GLOBAL.get(0))) {
      Parity.checkMultiStep(Config.defaults().env(), 16, 24, 5, (spec, envs) -> open(spec, envs, l));
    }
  }

  @Test
  void multiStepLaunchEqualsSingleSteps() {
    Parity.checkMultiStep(Config.defaults().env(), 64, 24, 5, "opencl", "");
  }

  /**
   * The copy path (state on the device, only the IO buffers moved: what a discrete GPU runs),
   * forced on PoCL: every case, bit-identical to java, first in what the host sees without a
   * fetch, then in every buffer after a full read-back ({@link Parity#compare}).
   */
  @ParameterizedTest(name = "copy path: {0}")
  @FieldSource("CASES")
  void copyPathEveryBufferAfterEveryStep(Parity.Case c) {
    Parity.check(c, "opencl", "", Transfer.COPY);
  }

  @Test
  void copyPathMultiStepLaunchEqualsSingleSteps() {
    Parity.checkMultiStep(Config.defaults().env(), 64, 24, 5, "opencl", "", Transfer.COPY);
  }

  /** The group mapping (GPUs) on the copy path (discrete devices): the combination a discrete GPU runs. */
  @ParameterizedTest(name = "group mapping on the copy path: {0}")
  @FieldSource("CASES")
  void groupMappingOnTheCopyPath(Parity.Case c) {
    Parity.check(c, (spec, envs) -> open(spec, envs, Transfer.COPY, GROUP_LAUNCHES.get(0)));
  }

  @Test
  void groupMappingMultiStepLaunchEqualsSingleSteps() {
    for (OpenClBackend.Launch l : List.of(GROUP_LAUNCHES.get(0), GLOBAL_CELLS)) {
      Parity.checkMultiStep(Config.defaults().env(), 16, 24, 5, (spec, envs) -> open(spec, envs, l));
    }
  }
}

package org.harvestsed.engine.opencl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.Mapping;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The memory-access model ({@link AccessModel}): the group mapping's shape, checked by numbers. */
class AccessModelTest {
  static Layout layout(String yaml) {
    return new Layout(Config.parse(yaml, "t").env());
  }

  @Test
  void sectorsCountsTheDistinct32ByteSectorsOfAWarpAccess() {
    long[] contiguous = new long[32];
    long[] strided = new long[32];
    long[] shifted = new long[32];
    for (int l = 0; l < 32; l++) {
      contiguous[l] = l;
      strided[l] = 847L * l;
      shifted[l] = 20 + 4L * l;
    }
    assertThat(AccessModel.sectors(contiguous, 1)).isEqualTo(1);
    assertThat(AccessModel.sectors(strided, 1)).isEqualTo(32);
    assertThat(AccessModel.sectors(shifted, 4)).isEqualTo(5); // 128 bytes from byte 20: sectors 0..4
  }

  @ParameterizedTest
  @ValueSource(strings = {"env: {}", "env: {map: ssd_harvest, players: 12, zap: {enabled: true}}",
      "env: {map: generated, players: 100, generated: {seed: 4}}", "env: {view: {ahead: 4, behind: 2, left: 1, right: 3}}"})
  void groupMappingObservationWritesAndGlobalGridReadsTouchAtMost4SectorsPerWarpAccess(String yaml) {
    Layout l = layout(yaml);
    List<AccessModel.Row> group = AccessModel.rows(l, Mapping.GROUP, true, 1);
    List<AccessModel.Row> obs = group.stream().filter(r -> r.buf() == Buf.OBS && r.write()).toList();
    List<AccessModel.Row> grid = group.stream().filter(r -> r.buf() == Buf.GRID && r.global()).toList();
    assertThat(obs).isNotEmpty();
    assertThat(grid).isNotEmpty();
    for (AccessModel.Row r : obs) assertThat(r.sectors()).as("%s %s", r.phase(), r.buf()).isLessThanOrEqualTo(4);
    for (AccessModel.Row r : grid) assertThat(r.sectors()).as("%s %s", r.phase(), r.buf()).isLessThanOrEqualTo(4);
    // today's mapping: every lane is another env, 32 sectors per warp access
    for (AccessModel.Row r : AccessModel.rows(l, Mapping.ENV, false, 1)) {
      if (r.buf() == Buf.OBS || r.buf() == Buf.GRID) assertThat(r.sectors()).as("%s %s", r.phase(), r.buf()).isEqualTo(32);
    }
  }

  /** observe.cl's passes: PPP windows of VIEW slots each in warps of 32 (the slots a pass leaves empty are lanes no access uses). */
  @Test
  void observationLanesAreThePassSlotsOverItsWarpAccesses() {
    assertThat(AccessModel.observationLanes(121, 32)).isEqualTo(121 / 4.0); // 11x11, warp: 4 accesses per window
    assertThat(AccessModel.observationLanes(121, 128)).isEqualTo(121 / 4.0); // 11x11, a group of 128: one window per pass
    assertThat(AccessModel.observationLanes(35, 32)).isEqualTo(35 / 2.0); // 7x5: 2 accesses, the second of 3 lanes
    assertThat(AccessModel.observationLanes(9, 32)).isEqualTo(27.0); // 3x3: 3 windows per pass in one access
    assertThat(AccessModel.observationLanes(9, 128)).isEqualTo(126 / 4.0); // 14 windows per pass
    Layout l = layout("env: {}");
    for (Mapping m : new Mapping[] {Mapping.GROUP, Mapping.WARP}) {
      AccessModel.Row obs = AccessModel.rows(l, m, true, 1).stream().filter(r -> r.buf() == Buf.OBS && r.write()
          && r.phase().equals("observe_windows")).findFirst().orElseThrow();
      assertThat(obs.lanes()).as("%s", m).isEqualTo(121 / 4.0);
    }
  }

  @Test
  void theGroupMappingMovesFewerSectorBytesPerPlayerStepThanThePerEnvMapping() {
    Layout l = layout("env: {}");
    double env = AccessModel.bytesPerPlayerStep(AccessModel.rows(l, Mapping.ENV, false, 1), l)[0];
    double group = AccessModel.bytesPerPlayerStep(AccessModel.rows(l, Mapping.GROUP, true, 1), l)[0];
    assertThat(group).isLessThan(env / 4);
  }
}

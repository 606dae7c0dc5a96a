package org.harvestsed.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.Layout;
import org.junit.jupiter.api.Test;

/** The step's access table ({@link PhaseAccesses}): every phase has its rows, and StepTraffic is the table's sum. */
class PhaseAccessesTest {
  static Layout layout(String yaml) {
    return new Layout(Config.parse(yaml, "t").env());
  }

  @Test
  void everyPhaseOfTheStepHasItsAccessesWithZapOnAndOnlyTheLaunchRowHasNoPhase() {
    Set<Phase> seen = EnumSet.noneOf(Phase.class);
    for (PhaseAccesses.Access a : PhaseAccesses.of(layout("env: {zap: {enabled: true}}"))) {
      if (a.phase() == null) assertThat(a.every()).isEqualTo(PhaseAccesses.Every.LAUNCH);
      else seen.add(a.phase());
      assertThat(a.elements()).as(a.label() + " " + a.buf()).isPositive();
      assertThat(a.env() != null || a.group() != null).as(a.label() + " " + a.buf()).isTrue();
    }
    assertThat(seen).containsExactlyInAnyOrder(Phase.values());
    // zap off: no respawn or zap rows
    for (PhaseAccesses.Access a : PhaseAccesses.of(layout("env: {}"))) assertThat(a.phase()).isNotIn(Phase.RESPAWN, Phase.ZAPS);
  }

  @Test
  void stepTrafficIsTheTablesPerEnvBytesPerPlayer() {
    Layout l = layout("env: {}");
    double bytes = 0;
    for (PhaseAccesses.Access a : PhaseAccesses.of(l)) if (a.env() != null) bytes += a.perStep(l.spec, 1) * a.buf().type.bytes;
    assertThat(StepTraffic.bytesPerPlayerStep(l)).isEqualTo(bytes / l.players);
    // the 11 x 11 window dominates: OBS written, GRID and OCC read for each of its 847 cells
    double window = 847 * (Buf.OBS.type.bytes + Buf.GRID.type.bytes + Buf.OCC.type.bytes) / 7.0;
    assertThat(StepTraffic.bytesPerPlayerStep(l)).isBetween(window, 2 * window);
  }
}

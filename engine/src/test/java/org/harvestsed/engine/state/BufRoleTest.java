package org.harvestsed.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each buffer's {@link Role}, pinned: the role decides what a device backend moves and when
 * (docs/DESIGN-transfers.md), so a buffer that changes role changes the transfers. Every buffer not
 * listed here stays on the device (STATE).
 */
class BufRoleTest {
  static final Map<Role, Set<Buf>> MOVED = new EnumMap<>(Map.of(
      Role.INPUT, EnumSet.of(Buf.ACTIONS, Buf.PENDING_LEVELS),
      Role.STEP, EnumSet.of(Buf.OBS, Buf.OBS_SCALARS, Buf.REWARD, Buf.EATEN, Buf.DONE, Buf.T),
      Role.PERIOD, EnumSet.of(Buf.PERIOD_END_INCOME, Buf.PERIOD_START_APPLES, Buf.ROUND_APPLES, Buf.RATES, Buf.ETA, Buf.TICK),
      Role.ROUND, EnumSet.of(Buf.ROUND_END_APPLES, Buf.ROUND_END_ETA, Buf.ROUND_END_REVENUE, Buf.ROUND_END_RATE_SUM,
          Buf.ROUND_END_LEFT, Buf.ROUND_END_LOST),
      Role.EPISODE, EnumSet.of(Buf.FINAL_OBS, Buf.FINAL_SCALARS),
      Role.HOST, EnumSet.of(Buf.PRINCIPAL_REWARD)));

  @Test
  void everyBufferHasItsPinnedRole() {
    for (Buf b : Buf.values()) {
      Role expected = Role.STATE;
      for (Map.Entry<Role, Set<Buf>> e : MOVED.entrySet()) if (e.getValue().contains(b)) expected = e.getKey();
      assertThat(b.role).as(b.name()).isEqualTo(expected);
    }
  }
}

package org.harvestsed.engine.opencl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.state.Layout;
import org.junit.jupiter.api.Test;

/** The copy path's IO arena is addressed by int offsets (Java buffers): past 2 GiB it is a clear error, not a wrapped offset. */
class IoArenaTest {
  @Test
  void anArenaPast2GiBIsRefusedWithTheEnvsThatFit() {
    Layout l = new Layout(Config.parse("env: {map: generated, players: 7000, generated: {seed: 4}}", "big").env());
    IoArena one = new IoArena(l, 1, 64);
    int fit = (int) (Integer.MAX_VALUE / one.bytes);
    assertThat(new IoArena(l, Math.max(1, fit - 1), 64).bytes).isLessThanOrEqualTo(Integer.MAX_VALUE);
    assertThatThrownBy(() -> new IoArena(l, fit + 2, 64)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("more than the 2 GiB a Java buffer addresses").hasMessageContaining("at most");
  }
}

package org.harvestsed.engine.opencl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.config.Mapping;
import org.harvestsed.engine.config.Transfer;
import org.harvestsed.engine.io.Trace;
import org.junit.jupiter.api.Test;

/**
 * A saved env state (VecEnv.saveState, a training checkpoint's) loaded into a fresh VecEnv
 * continues exactly as the envs that were never stopped: the same trace lines and round metrics,
 * on the java backend and on OpenCL in both transfer modes (the copy path keeps the state on the
 * device: the save reads it back, the load uploads it).
 */
class SavedStateTest {
  /** 100-step rounds and 10 periods each: the save at step 130 falls inside a period, a round and an episode. */
  static final EnvSpec SPEC = Config.parse("env: {episode_length: 200, voting: {round_periods: 2}}", "t").env();
  static final int ENVS = 3, SAVE_AT = 130, END = 320;

  /** Trace lines and round metrics of steps [from, to) of {@code env} with random players and rates set per period. */
  static List<String> play(VecEnv env, int from, int to) {
    List<String> lines = new ArrayList<>();
    Trace t = new Trace(env);
    Trace.Before[] before = new Trace.Before[ENVS];
    for (int s = from; s < to; s++) {
      if (env.periodStartsNext()) for (int e = 0; e < ENVS; e++) env.setRates(e, (s / 10) % 11, (e + s) % 11, 3);
      for (int e = 0; e < ENVS; e++) before[e] = t.before(e);
      env.stepRandom();
      env.syncState(); // the copy path keeps the grid on the device; the trace reads it on the host
      for (int e = 0; e < ENVS; e++) lines.add(t.line(e, before[e]));
      if (env.roundEnded()) {
        for (var m : env.lastRoundMetrics()) {
          lines.add("round " + m.round() + " " + m.productivity() + " " + m.equality() + " " + m.objective() + " " + m.eta() + " "
              + java.util.Arrays.toString(m.rates()) + " " + m.revenue() + " " + m.applesLeft() + " " + m.lostPatches());
        }
      }
    }
    return lines;
  }

  static void savedStateContinuesAsNeverStopped(Supplier<VecEnv> make) throws Exception {
    List<String> never;
    try (VecEnv a = make.get()) {
      a.reset(7);
      play(a, 0, SAVE_AT);
      never = play(a, SAVE_AT, END);
    }
    byte[] saved;
    try (VecEnv a = make.get()) {
      a.reset(7);
      play(a, 0, SAVE_AT);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        a.saveState(out);
      }
      saved = bytes.toByteArray();
    }
    try (VecEnv b = make.get(); DataInputStream in = new DataInputStream(new ByteArrayInputStream(saved))) {
      b.reset(99); // another state first: the load must replace all of it
      play(b, 0, 17);
      b.loadState(in);
      assertThat(in.read()).as("the whole saved state was read").isEqualTo(-1);
      List<String> resumed = play(b, SAVE_AT, END);
      assertThat(resumed).isEqualTo(never);
      assertThat(never).anyMatch(l -> l.startsWith("round ")); // a round ended after the save
    }
  }

  @Test
  void theJavaBackendContinuesFromASavedState() throws Exception {
    savedStateContinuesAsNeverStopped(() -> VecEnv.create(SPEC, ENVS, "java", 2));
  }

  @Test
  void openClContinuesFromASavedStateInEveryMappingOnBothTransferPaths() throws Exception {
    OpenClAvailable.assume();
    for (Mapping m : Mapping.values()) {
      if (m == Mapping.AUTO) continue;
      for (Transfer t : Transfer.values()) {
        savedStateContinuesAsNeverStopped(() -> VecEnv.create(SPEC, ENVS, "opencl", 1, "", t, OpenClBackend.Launch.of(m)));
      }
    }
  }

  @Test
  void aStateOfOtherEnvsIsRefusedWithTheDifference() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (VecEnv a = VecEnv.create(SPEC, ENVS, "java", 1); DataOutputStream out = new DataOutputStream(bytes)) {
      a.reset(1);
      a.saveState(out);
    }
    try (VecEnv b = VecEnv.create(SPEC, ENVS + 1, "java", 1)) {
      assertThatThrownBy(() -> b.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))))
          .hasMessageContaining("the saved env state has 3 envs, this run 4");
    }
    EnvSpec other = Config.parse("env: {map: ssd_harvest}", "t").env();
    try (VecEnv b = VecEnv.create(other, ENVS, "java", 1)) {
      assertThatThrownBy(() -> b.loadState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))))
          .hasMessageContaining("another map or env config");
    }
  }
}

package org.harvestsed.principal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.io.Trace;
import org.junit.jupiter.api.Test;

/** Every baseline applies exactly the rates it claims, as the trace shows them. */
class BaselinesInTraceTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void tracedRatesAreTheClaimedLevels() throws Exception {
    EnvSpec spec = Config.parse("env: {episode_length: 200, tax: {period: 10}, voting: {round_periods: 5}}", "t").env();
    for (String name : List.of("free_market", "flat:0.3", "fixed:0,0.6,1", "fixed:0.1,0.2,0.4", "saez")) {
      Principal p = Principal.parse(name, spec);
      try (VecEnv env = VecEnv.create(spec, 3, "java", 1)) {
        env.reset(2);
        Trace trace = new Trace(env);
        List<int[]> claimed = new ArrayList<>();
        PrincipalDriver driver = new PrincipalDriver(p);
        for (int s = 0; s < 120; s++) {
          if (env.periodStartsNext()) {
            driver.beforeStep(env);
            int[] lv = new int[3];
            for (int b = 0; b < 3; b++) lv[b] = env.state().ints(org.harvestsed.engine.state.Buf.PENDING_LEVELS).get(3 + b); // env 1
            assertThat(lv).as("%s sets the levels it claims", name).isEqualTo(p.levels(1, s / 10));
            claimed.add(lv);
          }
          Trace.Before before = trace.before(1);
          env.stepRandom();
          driver.afterStep(env);
          JsonNode line = JSON.readTree(trace.line(1, before));
          int[] lv = claimed.get(claimed.size() - 1);
          for (int b = 0; b < 3; b++) {
            assertThat(line.get("rates").get(b).floatValue()).as("%s step %d bracket %d", name, s, b).isEqualTo((float) lv[b] / 10f);
          }
        }
        if (name.equals("saez")) {
          assertThat(claimed.stream().anyMatch(l -> l[0] + l[1] + l[2] > 0)).as("saez sets taxes once it has observed a period").isTrue();
        }
      }
    }
  }
}

package org.harvestsed.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.rng.Philox;
import org.harvestsed.engine.rng.Purpose;
import org.harvestsed.engine.state.Buf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** env.types (docs/RULES.md section 5): each distribution, a persona table, the paper's default, and bad values named by key. */
class TypesTest {
  static final int ENVS = 400;

  /** sigma and beta of every player after reset(seed) of ENVS envs of {@code types} (a YAML flow mapping). */
  static float[][] draw(String types, long seed) {
    EnvSpec spec = Config.parse("env: {types: " + types + "}", "t").env();
    try (VecEnv env = VecEnv.create(spec, ENVS, "java", 1)) {
      env.reset(seed);
      int m = ENVS * spec.players();
      float[] s = new float[m], b = new float[m];
      env.state().floats(Buf.SIGMA).get(0, s);
      env.state().floats(Buf.BETA).get(0, b);
      return new float[][] {s, b};
    }
  }

  static double mean(float[] v) {
    double t = 0;
    for (float x : v) t += x;
    return t / v.length;
  }

  @Test
  void theDefaultIsThePapersUniformDrawnFromTheTypesStream() {
    float[][] d = draw("{}", 5);
    int n = 7;
    for (int e = 0; e < 3; e++) {
      for (int i = 0; i < n; i++) {
        int[] w = Philox.block(i, 0, e, Purpose.TYPES.code, 5, 0);
        assertThat(d[0][e * n + i]).isEqualTo(Philox.uniform(w[0]));
        assertThat(d[1][e * n + i]).isEqualTo(Philox.uniform(w[1]));
      }
    }
  }

  @Test
  void eachDistributionGivesWhatItSays() {
    float[][] fixed = draw("{sigma: 0.25, beta: 'fixed(1)'}", 1);
    for (float x : fixed[0]) assertThat(x).isEqualTo(0.25f);
    for (float x : fixed[1]) assertThat(x).isEqualTo(1f);

    float[][] u = draw("{sigma: 'uniform(0.2, 0.4)', beta: 'choice([0.1, 0.9])'}", 2);
    for (float x : u[0]) assertThat(x).isBetween(0.2f, 0.4f);
    assertThat(mean(u[0])).isCloseTo(0.3, within(0.005));
    Set<Float> seen = new HashSet<>();
    for (float x : u[1]) seen.add(x);
    assertThat(seen).containsExactlyInAnyOrder(0.1f, 0.9f);
    assertThat(mean(u[1])).as("both values about equally often").isCloseTo(0.5, within(0.03));

    float[][] b = draw("{sigma: 'beta(2, 5)', beta: 'beta(0.5, 0.5)'}", 3);
    // Beta(a, b): mean a / (a + b), variance ab / ((a + b)^2 (a + b + 1)); 2,800 draws: se of the mean < 0.004
    assertThat(mean(b[0])).isCloseTo(2.0 / 7, within(0.012));
    double var = 0;
    for (float x : b[0]) var += (x - 2.0 / 7) * (x - 2.0 / 7);
    assertThat(var / b[0].length).isCloseTo(10.0 / (49 * 8), within(0.004));
    assertThat(mean(b[1])).isCloseTo(0.5, within(0.02));
    for (float x : b[1]) assertThat(x).isBetween(0f, 1f);
  }

  @Test
  void theBetaQuantileInvertsTheDistributionFunction() {
    // Beta(1, 1) is the uniform; Beta(2, 1) has CDF x^2; Beta(1, 3) has CDF 1 - (1 - x)^3
    for (double u : new double[] {0.01, 0.25, 0.5, 0.9}) {
      assertThat(draw1(1, 1, u)).isCloseTo((float) u, within(1e-6f));
      assertThat(draw1(2, 1, u)).isCloseTo((float) Math.sqrt(u), within(1e-6f));
      assertThat(draw1(1, 3, u)).isCloseTo((float) (1 - Math.cbrt(1 - u)), within(1e-6f));
    }
  }

  private static float draw1(double a, double b, double u) {
    // the word whose (x >>> 8) + 0.5 scaled by 2^-24 is closest to u
    int w = (int) Math.round(u * (1 << 24) - 0.5) << 8;
    double exact = ((w >>> 8) + 0.5) * 0x1.0p-24;
    assertThat(exact).isCloseTo(u, within(1e-7));
    return org.harvestsed.engine.config.Types.Distribution.of("beta(" + a + ", " + b + ")").sample(w);
  }

  @Test
  void aPersonaTableIsDrawnWithReplacementRowByRow(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("personas.csv");
    Files.writeString(csv, "sigma,beta\n# a comment\n0.1,1\n0.9,0.5\n\n0.5,0\n");
    Config c = Config.load(writeConfig(dir, "env: {types: {table: personas.csv}}"));
    float[][] rows = {{0.1f, 1f}, {0.9f, 0.5f}, {0.5f, 0f}};
    int[] count = new int[3];
    try (VecEnv env = VecEnv.create(c.env(), ENVS, "java", 1)) {
      env.reset(4);
      FloatBuffer s = env.state().floats(Buf.SIGMA), b = env.state().floats(Buf.BETA);
      for (int k = 0; k < ENVS * 7; k++) {
        int r = -1;
        for (int j = 0; j < 3; j++) if (s.get(k) == rows[j][0]) r = j;
        assertThat(r).as("player %d's sigma is a row's", k).isNotNegative();
        assertThat(b.get(k)).as("player %d's beta is the same row's", k).isEqualTo(rows[r][1]);
        count[r]++;
      }
    }
    for (int r = 0; r < 3; r++) assertThat(count[r] / (double) (ENVS * 7)).as("row %d", r).isCloseTo(1 / 3.0, within(0.03));
    // the same table inline
    assertThat(Config.parse("env: {types: {table: [[0.1, 1], [0.9, 0.5], [0.5, 0]]}}", "t").env().types()).isEqualTo(c.env().types());
  }

  private static Path writeConfig(Path dir, String yaml) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void badTypesAreRefusedNamingTheKey(@TempDir Path dir) {
    String[][] bad = {
        {"{sigma: 'gamma(2, 1)'}", "env.types.sigma: 'gamma(2, 1)': unknown distribution 'gamma'"},
        {"{beta: 1.5}", "env.types.beta: '1.5': 1.5 is outside [0, 1]"},
        {"{sigma: 'uniform(0.8, 0.2)'}", "env.types.sigma: 'uniform(0.8, 0.2)': uniform(a, b) needs a <= b"},
        {"{sigma: 'beta(0, 1)'}", "env.types.sigma: 'beta(0, 1)': beta(a, b) needs a > 0 and b > 0"},
        {"{sigma: 'choice(0.2, 0.4)'}", "write choice([x, y, ...])"},
        {"{sigma: 'uniform(0, x)'}", "'x' is not a number"},
        {"{trust: 1}", "env.types.trust: unknown key"},
        {"{table: [[0.1, 2]]}", "env.types.table[0]: sigma 0.1 and beta 2.0 must both be in [0, 1]"},
        {"{table: [[0.1, 1]], beta: 1}", "env.types.table: a table gives both sigma and beta"},
        {"{table: missing.csv}", "env.types.table: the table " + Path.of("").toAbsolutePath().resolve("missing.csv") + " does not exist"},
    };
    for (String[] b : bad) {
      assertThatThrownBy(() -> Config.parse("env: {types: " + b[0] + "}", "t")).as(b[0]).isInstanceOf(ConfigException.class)
          .hasMessageContaining(b[1]);
    }
  }
}

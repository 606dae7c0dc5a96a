package org.harvestsed.engine;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.config.Transfer;
import org.harvestsed.engine.sim.RoundMetrics;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.Role;

/**
 * Lock-step comparison of a backend with the java reference (the determinism contract of
 * docs/RULES.md section 8): every state, observation, reward, done and metric buffer must be bit-identical after
 * every step, under random player actions and random principal rates with the annealing cap and
 * the divergence limit active. The parity suites of the opencl and tornado backends run this; a
 * difference throws an {@link AssertionError} naming the step, buffer, env and element.
 */
public final class Parity {
  private Parity() {}

  /** What a run covered, so a caller can check that episode and round ends were exercised. */
  public record Result(int steps, int episodeEnds, int roundEnds) {}

  /** One case of the parity suite: a config's env section, a size and a seed. */
  public record Case(String name, String yaml, int envs, int steps, long seed) {
    public EnvSpec spec() {
      return org.harvestsed.engine.config.Config.parse(yaml, name).env();
    }

    @Override
    public String toString() {
      return name + " (" + envs + " envs x " + steps + " steps)";
    }
  }

  /**
   * The suite every accelerator backend must pass: the default map with the divergence limit;
   * ssd_harvest with zap, majority vote and nash; a generated map with hundreds of players, zap,
   * median, eq_x_prod and short episodes and rounds (so resets and votes happen often); an
   * asymmetric window with fast regrowth that skips occupied sites.
   */
  public static final java.util.List<Case> CASES = java.util.List.of(
      new Case("default map, zap off, divergence limit", "env: {tax: {divergence_limit: 0.3}}", 128, 2500, 11),
      new Case("ssd_harvest, zap on, majority, nash, beta and choice types", "env: {map: ssd_harvest, players: 12, zap: {enabled: true, fire_cost: 0.25,"
          + " hit_penalty: 1.5}, tax: {divergence_limit: 0.2}, voting: {social_choice: majority, objective: nash},"
          + " types: {sigma: 'beta(2, 5)', beta: 'choice([0.2, 1])'}}", 128, 2500, 12),
      new Case("generated map, 300 players, zap on, short rounds", "env: {map: generated, players: 300, generated: {seed: 4},"
          + " zap: {enabled: true}, episode_length: 400, tax: {period: 20, divergence_limit: 0.5},"
          + " voting: {round_periods: 5, social_choice: median, objective: eq_x_prod}}", 8, 900, 13),
      new Case("asymmetric view, fast regrowth not under players, utilitarian, persona table", "env: {view: {ahead: 4, behind: 2, left: 1, right: 3},"
          + " regrowth: {probabilities: [0, 0.05, 0.1, 0.2], radius_sq: 2, under_players: false}, voting: {objective: utilitarian},"
          + " types: {table: [[0.1, 1], [0.9, 0.5], [0.5, 0]]}}", 32, 1500, 14));

  /** {@link #check} of one case, also failing if the run did not cover its episode and round ends. */
  public static Result check(Case c, String backend, String device) {
    return check(c, backend, device, Transfer.AUTO);
  }

  /** {@link #check(Case, String, String)} with a transfer mode ({@code auto} or {@code copy}, see VecEnv.create). */
  public static Result check(Case c, String backend, String device, Transfer transfer) {
    return check(c, (spec, envs) -> VecEnv.create(spec, envs, backend, 0, device, transfer));
  }

  /** {@link #check} of one case against the backend {@code make} creates, also failing if the run did not cover its episode and round ends. */
  public static Result check(Case c, java.util.function.BiFunction<EnvSpec, Integer, VecEnv> make) {
    EnvSpec spec = c.spec();
    Result r = check(spec, c.envs(), c.steps(), c.seed(), make);
    if (r.episodeEnds() < c.steps() / spec.episodeLength() || r.roundEnds() < c.steps() / spec.roundSteps()) {
      throw new AssertionError(c + ": covered only " + r.episodeEnds() + " episode ends and " + r.roundEnds() + " round ends");
    }
    return r;
  }

  /** {@code steps} single steps of both backends with the same inputs, compared after each. */
  public static Result check(EnvSpec spec, int envs, int steps, long seed, String backend, String device) {
    return check(spec, envs, steps, seed, backend, device, Transfer.AUTO);
  }

  public static Result check(EnvSpec spec, int envs, int steps, long seed, String backend, String device, Transfer transfer) {
    return check(spec, envs, steps, seed, (sp, n) -> VecEnv.create(sp, n, backend, 0, device, transfer));
  }

  /** {@code steps} single steps of the java reference and the backend {@code make} creates, compared after each. */
  public static Result check(EnvSpec spec, int envs, int steps, long seed, java.util.function.BiFunction<EnvSpec, Integer, VecEnv> make) {
    return check(spec, envs, steps, seed, make, () -> false);
  }

  /**
   * Thrown by the checks given a {@code stop} signal when it said stop: every buffer was
   * bit-identical through step {@code stepsChecked - 1} (the GPU check's time limits).
   */
  public static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public final int stepsChecked;

    Stopped(int stepsChecked) {
      super("stopped after " + stepsChecked + " steps, bit-identical up to there");
      this.stepsChecked = stepsChecked;
    }
  }

  /** {@link #check(EnvSpec, int, int, long, java.util.function.BiFunction)}, asking {@code stop} after each step whether to end early ({@link Stopped}). */
  public static Result check(EnvSpec spec, int envs, int steps, long seed, java.util.function.BiFunction<EnvSpec, Integer, VecEnv> make,
      java.util.function.BooleanSupplier stop) {
    try (VecEnv ref = VecEnv.create(spec, envs, "java", 0);
         VecEnv other = make.apply(spec, envs)) {
      ref.reset(seed);
      other.reset(seed);
      compare(ref, other, -1);
      SplittableRandom rnd = new SplittableRandom(seed);
      int n = spec.players();
      int[] actions = new int[envs * n];
      int[] levels = new int[spec.brackets()];
      int rounds = 0;
      int dones = 0;
      for (int s = 0; s < steps; s++) {
        if (ref.periodStartsNext()) {
          float cap = Math.min(1f, 0.1f + 0.9f * s / steps); // annealed cap
          ref.setCap(cap);
          other.setCap(cap);
          for (int e = 0; e < envs; e++) {
            for (int b = 0; b < levels.length; b++) levels[b] = rnd.nextInt(spec.rateLevels());
            ref.setRates(e, levels);
            other.setRates(e, levels);
          }
        }
        for (int k = 0; k < actions.length; k++) actions[k] = rnd.nextInt(spec.actions());
        ref.step(actions);
        other.step(actions);
        compare(ref, other, s);
        if (ref.dones().get(0) != 0) dones++;
        if (compareRoundEnd(ref, other, s)) rounds++;
        if (stop.getAsBoolean() && s + 1 < steps) throw new Stopped(s + 1);
      }
      return new Result(steps, dones, rounds);
    }
  }

  /**
   * Multi-step launches ({@code stepRandom(period)}, one launch per period) against the reference's
   * single random steps: {@code periods} periods with rates changing every period.
   */
  public static void checkMultiStep(EnvSpec spec, int envs, int periods, long seed, String backend, String device) {
    checkMultiStep(spec, envs, periods, seed, backend, device, Transfer.AUTO);
  }

  public static void checkMultiStep(EnvSpec spec, int envs, int periods, long seed, String backend, String device, Transfer transfer) {
    checkMultiStep(spec, envs, periods, seed, (sp, n) -> VecEnv.create(sp, n, backend, 0, device, transfer));
  }

  /** {@link #checkMultiStep} against the backend {@code make} creates. */
  public static void checkMultiStep(EnvSpec spec, int envs, int periods, long seed, java.util.function.BiFunction<EnvSpec, Integer, VecEnv> make) {
    checkMultiStep(spec, envs, periods, seed, make, () -> false);
  }

  /** {@link #checkMultiStep}, asking {@code stop} after each period whether to end early ({@link Stopped}). */
  public static void checkMultiStep(EnvSpec spec, int envs, int periods, long seed, java.util.function.BiFunction<EnvSpec, Integer, VecEnv> make,
      java.util.function.BooleanSupplier stop) {
    int period = spec.taxPeriod();
    try (VecEnv ref = VecEnv.create(spec, envs, "java", 0);
         VecEnv other = make.apply(spec, envs)) {
      ref.reset(seed);
      other.reset(seed);
      int[] levels = new int[spec.brackets()];
      for (int k = 0; k < periods; k++) {
        for (int e = 0; e < envs; e++) {
          for (int b = 0; b < levels.length; b++) levels[b] = (k + e * (b + 1)) % spec.rateLevels();
          ref.setRates(e, levels);
          other.setRates(e, levels);
        }
        for (int s = 0; s < period; s++) ref.stepRandom();
        other.stepRandom(period);
        compare(ref, other, (k + 1) * period - 1);
        compareRoundEnd(ref, other, (k + 1) * period - 1);
        if (stop.getAsBoolean() && k + 1 < periods) throw new Stopped((k + 1) * period);
      }
    }
  }

  /**
   * Every buffer, byte for byte, in two passes. First, before anything is fetched, what the
   * backend keeps current on the host after every step ({@link Role}): the step's outputs, the
   * round-end and episode-end snapshots (read back at the steps that write them, unchanged
   * between), the principal's inputs where the step ended a period, the pending levels and the
   * host's principal reward: on the copy path these are all a caller sees without asking. Then,
   * after {@link VecEnv#syncState()} (a full read-back on the copy path, a no-op elsewhere), every
   * buffer: the state kept on the device.
   */
  public static void compare(VecEnv ref, VecEnv other, int step) {
    boolean periodEnded = ref.periodStartsNext();
    for (Buf b : Buf.values()) {
      Role r = b.role;
      boolean current = switch (r) {
        case STEP, ROUND, EPISODE, HOST -> true;
        case PERIOD -> periodEnded;
        case INPUT -> b == Buf.PENDING_LEVELS; // ACTIONS: drawn on the device by random steps
        case STATE -> false;
      };
      if (current) compare(ref, other, step, b, " (without a fetch)");
    }
    other.syncState();
    for (Buf b : Buf.values()) compare(ref, other, step, b, "");
  }

  private static void compare(VecEnv ref, VecEnv other, int step, Buf b, String when) {
    ByteBuffer x = ref.state().raw(b);
    ByteBuffer y = other.state().raw(b);
    int at = x.mismatch(y);
    if (at >= 0) {
      long perEnv = b.bytesPerEnv(ref.state().layout);
      throw new AssertionError("after step " + step + ": buffer " + b + when + " differs at byte " + at + " (env " + at / perEnv
          + ", element " + (at % perEnv) / b.type.bytes + "): java " + x.get(at) + ", " + other.backendName() + " (" + other.transfer()
          + ") " + y.get(at));
    }
  }

  /** Whether a round ended at this step, the same in both, and if so the same metrics bit for bit. */
  static boolean compareRoundEnd(VecEnv ref, VecEnv other, int step) {
    String backend = other.backendName();
    if (other.roundEnded() != ref.roundEnded()) {
      throw new AssertionError("after step " + step + ": round ended: java " + ref.roundEnded() + ", " + backend + " " + other.roundEnded());
    }
    if (!ref.roundEnded()) return false;
    RoundMetrics[] a = ref.lastRoundMetrics();
    RoundMetrics[] b = other.lastRoundMetrics();
    for (int e = 0; e < a.length; e++) {
      if (!sameBits(a[e], b[e])) {
        throw new AssertionError("after step " + step + ": round metrics of env " + e + " differ: java " + describe(a[e]) + ", " + backend + " " + describe(b[e]));
      }
    }
    return true;
  }

  static boolean sameBits(RoundMetrics x, RoundMetrics y) {
    return x.round() == y.round() && Arrays.equals(fields(x), fields(y)) && Arrays.equals(x.rates(), y.rates());
  }

  private static double[] fields(RoundMetrics m) {
    return new double[] {m.productivity(), m.equality(), m.eqXProd(), m.objective(), m.eta(), m.revenue(), m.applesLeft(), m.lostPatches()};
  }

  private static String describe(RoundMetrics m) {
    return m.round() + " " + Arrays.toString(fields(m)) + " rates " + Arrays.toString(m.rates());
  }
}

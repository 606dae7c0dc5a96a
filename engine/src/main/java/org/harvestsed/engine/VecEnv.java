package org.harvestsed.engine;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.harvestsed.engine.config.ConfigException;
import org.harvestsed.engine.config.Mapping;
import org.harvestsed.engine.config.Transfer;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.config.RunSettings;
import org.harvestsed.engine.opencl.OpenClBackend;
import org.harvestsed.engine.sim.Backend;
import org.harvestsed.engine.sim.Backends;
import org.harvestsed.engine.sim.JavaBackend;
import org.harvestsed.engine.sim.RoundMetrics;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;

/**
 * E envs of one spec stepped together: the API the trainer, the CLI and the benchmarks use.
 * <pre>
 *   VecEnv env = VecEnv.create(spec, envs, "java", 0);
 *   env.reset(seed);
 *   env.actions().put(...);            // [env, player] action ids
 *   env.step();                         // obs(), scalars(), rewards(), dones() now hold the new step
 *   if (env.periodStartsNext()) env.setRates(e, levels...);
 * </pre>
 * The returned buffers are views of the engine's own buffers (no copies), valid until the next step.
 */
public final class VecEnv implements AutoCloseable {
  private static final String[] ACTION_NAMES = {"NOOP", "FORWARD", "BACKWARD", "STEP_LEFT", "STEP_RIGHT",
      "TURN_LEFT", "TURN_RIGHT", "ZAP"};

  private final EnvSpec spec;
  private final Backend backend;
  private final EnvState state;
  private final IntBuffer actions;
  private final int envs, players;
  private float cap = 1f;
  private int roundsSeen;
  private boolean roundEnded;
  private boolean wasReset;
  private long resetSeed;

  private VecEnv(EnvSpec spec, Backend backend) {
    this.spec = spec;
    this.backend = backend;
    this.state = backend.state();
    this.actions = state.ints(Buf.ACTIONS);
    this.envs = state.envs;
    this.players = spec.players();
  }

  /** @param threads java backend worker threads, 0 = one per core */
  public static VecEnv create(EnvSpec spec, int envs, String backend, int threads) {
    return create(spec, envs, backend, threads, "");
  }

  /**
   * @param threads java backend worker threads (the opencl backend's host-side reset), 0 = one per core
   * @param backend java, opencl, or an optional backend found at run time (tornado; see {@link Backends})
   * @param device  opencl or tornado device: index or part of its name (see ./harvest devices); empty = first GPU, else first device
   */
  public static VecEnv create(EnvSpec spec, int envs, String backend, int threads, String device) {
    return create(spec, envs, backend, threads, device, Transfer.AUTO, OpenClBackend.Launch.of(Mapping.AUTO));
  }

  /**
   * @param transfer {@link Transfer#AUTO} or {@link Transfer#COPY}: copy makes the opencl backend keep the
   *                 state on the device and copy only the IO buffers even on a host-unified device
   *                 (docs/DESIGN-transfers.md); the java backend has nothing to copy, the tornado
   *                 backend always copies
   */
  public static VecEnv create(EnvSpec spec, int envs, String backend, int threads, String device, Transfer transfer) {
    return create(spec, envs, backend, threads, device, transfer, OpenClBackend.Launch.of(Mapping.AUTO));
  }

  /** @param launch the opencl backend's mapping and work-group size (other backends ignore it) */
  public static VecEnv create(EnvSpec spec, int envs, String backend, int threads, String device, OpenClBackend.Launch launch) {
    return create(spec, envs, backend, threads, device, Transfer.AUTO, launch);
  }

  /** The backend and its settings as a config's {@code run:} section gives them. */
  public static VecEnv create(EnvSpec spec, int envs, RunSettings run) {
    return create(spec, envs, run.backend(), run.threads(), run.device(), run.transfer(), OpenClBackend.Launch.of(run));
  }

  /**
   * @param transfer auto or copy (see above)
   * @param launch   the opencl backend's mapping and work-group size (other backends ignore it)
   */
  public static VecEnv create(EnvSpec spec, int envs, String backend, int threads, String device, Transfer transfer,
      OpenClBackend.Launch launch) {
    if (envs < 1) throw new ConfigException("envs: " + envs + " must be at least 1");
    Layout layout = new Layout(spec);
    return switch (backend) {
      case "java" -> new VecEnv(spec, new JavaBackend(layout, envs, threads));
      case "opencl" -> new VecEnv(spec, new OpenClBackend(layout, envs, device, threads, transfer, launch));
      default -> new VecEnv(spec, Backends.require(backend).create(layout, envs, device, threads));
    };
  }

  public EnvSpec spec() {
    return spec;
  }

  public int envs() {
    return envs;
  }

  public int players() {
    return players;
  }

  public String backendName() {
    return backend.name();
  }

  /** The opencl backend (its device, mapping and shape), or null for the other backends. */
  public OpenClBackend openCl() {
    return backend instanceof OpenClBackend o ? o : null;
  }

  /** The opencl backend's mapping ("env", "group" or "warp"), or null for the other backends. */
  public String mapping() {
    return backend instanceof OpenClBackend o ? o.mapping().label() : null;
  }

  /** The opencl backend's work-group size, or 0 for the other backends. */
  public int localSize() {
    return backend instanceof OpenClBackend o ? o.localSize() : 0;
  }

  public EnvState state() {
    return state;
  }

  /** Resets every env (types, round 0, a new episode) under {@code seed}. */
  public void reset(long seed) {
    resetSeed = seed;
    backend.reset(seed);
    roundsSeen = 0;
    roundEnded = false;
    wasReset = true;
  }

  /** The annealing cap on every rate from the next period start on (docs/RULES.md section 9). */
  public void setCap(float cap) {
    if (!(cap >= 0f && cap <= 1f)) throw new IllegalArgumentException("cap " + cap + " is outside [0, 1]");
    this.cap = cap;
  }

  public float cap() {
    return cap;
  }

  /**
   * The principal's choice for env {@code e}: one level per bracket, taking effect at the next
   * period start (rate = level / (L - 1), then the divergence limit and the cap).
   */
  public void setRates(int e, int... levels) {
    if (e < 0 || e >= envs) throw new IllegalArgumentException("env " + e + " does not exist; envs are 0.." + (envs - 1));
    int b = spec.brackets();
    if (levels.length != b) {
      throw new IllegalArgumentException("setRates needs " + b + " levels (one per bracket), got " + levels.length);
    }
    for (int k = 0; k < b; k++) {
      if (levels[k] < 0 || levels[k] >= spec.rateLevels()) {
        throw new IllegalArgumentException("rate level " + levels[k] + " for bracket " + k + " of env " + e
            + " is invalid: levels are 0.." + (spec.rateLevels() - 1) + " (rate = level / " + (spec.rateLevels() - 1) + ")");
      }
    }
    IntBuffer pending = state.ints(Buf.PENDING_LEVELS);
    for (int k = 0; k < b; k++) pending.put(e * b + k, levels[k]);
    backend.pendingLevelsSet();
  }

  /**
   * True when the next step starts a tax period (the principal's moment to act); after a step,
   * equally: that step ended a tax period.
   */
  public boolean periodStartsNext() {
    return stepsToPeriodEnd() == spec.taxPeriod();
  }

  /** Steps from now to the end of the current tax period, the next step included (1..period). */
  public int stepsToPeriodEnd() {
    return spec.taxPeriod() - state.ints(Buf.T).get(0) % spec.taxPeriod();
  }

  /** The actions buffer [env, player] to fill before {@link #step()}. */
  public IntBuffer actions() {
    return actions;
  }

  /** Copies {@code a} ([env * players]) into the actions buffer, then steps. */
  public void step(int[] a) {
    if (a.length != envs * players) {
      throw new IllegalArgumentException("actions has " + a.length + " entries; need envs x players = " + envs * players);
    }
    actions.put(0, a);
    step();
  }

  /** One step of every env with the actions in {@link #actions()}; invalid ids are rejected first. */
  public void step() {
    requireReset();
    int na = spec.actions();
    for (int k = 0, total = envs * players; k < total; k++) {
      int a = actions.get(k);
      if (a < 0 || a >= na) throw invalidAction(k, a, na);
    }
    backend.step(false, cap);
    afterStep();
  }

  /** One step in which every player acts uniformly at random (the POLICY stream of the seed). */
  public void stepRandom() {
    requireReset();
    backend.step(true, cap);
    afterStep();
  }

  /**
   * {@code steps} steps with uniformly random players, as few launches as possible: each call to
   * the backend runs up to the next period end (where the principal may act and the bookkeeping
   * runs), so a backend with a multi-step launch uses it.
   */
  public void stepRandom(int steps) {
    requireReset();
    while (steps > 0) {
      int k = Math.min(steps, stepsToPeriodEnd());
      backend.stepMany(k, true, cap);
      steps -= k;
      afterStep();
    }
  }

  private void requireReset() {
    if (!wasReset) throw new IllegalStateException("call reset(seed) before step()");
  }

  private void afterStep() {
    int done = backend.bookkeeper().completedRounds();
    roundEnded = done != roundsSeen;
    roundsSeen = done;
  }

  private IllegalArgumentException invalidAction(int k, int a, int na) {
    StringBuilder ids = new StringBuilder();
    for (int i = 0; i < na; i++) ids.append(i == 0 ? "" : ", ").append(i).append(' ').append(ACTION_NAMES[i]);
    String hint = spec.zap() ? "" : "; 7 (ZAP) needs env.zap.enabled: true";
    return new IllegalArgumentException("action " + a + " of player " + (k % players) + " in env " + (k / players)
        + " is not a valid action id; valid ids: " + ids + hint);
  }

  /** Whether the last step completed a voting round. */
  public boolean roundEnded() {
    return roundEnded;
  }

  /** Rounds completed since reset. */
  public int completedRounds() {
    return roundsSeen;
  }

  /** Metrics of each env's last completed round (allocates; for round ends). */
  public RoundMetrics[] lastRoundMetrics() {
    if (roundsSeen == 0) throw new IllegalStateException("no round has completed yet");
    RoundMetrics[] out = new RoundMetrics[envs];
    for (int e = 0; e < envs; e++) out[e] = backend.bookkeeper().lastRound(e);
    return out;
  }

  /** [env, player, rows, cols] window codes. */
  public ByteBuffer obs() {
    return state.bytes(Buf.OBS);
  }

  /** [env, player, F] float features. */
  public FloatBuffer scalars() {
    return state.floats(Buf.OBS_SCALARS);
  }

  /** [env, player] rewards of the last step. */
  public FloatBuffer rewards() {
    return state.floats(Buf.REWARD);
  }

  /** [env] 1 where the last step ended the episode (the env has auto-reset). */
  public ByteBuffer dones() {
    return state.bytes(Buf.DONE);
  }

  /** [env, player, rows, cols] last observation of the episode that ended (valid where done). */
  public ByteBuffer finalObs() {
    return state.bytes(Buf.FINAL_OBS);
  }

  /** [env, player, F] last scalar features of the episode that ended (valid where done). */
  public FloatBuffer finalScalars() {
    return state.floats(Buf.FINAL_SCALARS);
  }

  /** [env] the principal's reward for the period that ended on the last step (0 otherwise). */
  public FloatBuffer principalRewards() {
    return state.floats(Buf.PRINCIPAL_REWARD);
  }

  /** Bytes the backend copied host -> device since creation ({@link Backend#bytesToDevice()}; 0 for java and zero-copy). */
  public long bytesToDevice() {
    return backend.bytesToDevice();
  }

  /** Bytes the backend copied device -> host since creation ({@link Backend#bytesFromDevice()}). */
  public long bytesFromDevice() {
    return backend.bytesFromDevice();
  }

  /** host, zero-copy or copy ({@link Backend#transfer()}). */
  public String transfer() {
    return backend.transfer();
  }

  /**
   * Makes every buffer of {@link #state()} current (on the copy path the host keeps only the IO
   * buffers current after a step; {@link Backend#fetchState()}). Call before reading other state
   * buffers (grid, positions, ...) outside the step's outputs.
   */
  public void syncState() {
    backend.fetchState();
  }

  /**
   * Writes the whole state of every env (each buffer, the bookkeeping's host-side figures, the
   * reset seed, the cap and round counters): with {@link #loadState} a run continues as if never
   * stopped (a training checkpoint). Reads the device's state first where it keeps it.
   */
  public void saveState(java.io.DataOutputStream out) throws java.io.IOException {
    backend.fetchState();
    out.writeInt(envs);
    out.writeLong(resetSeed);
    out.writeFloat(cap);
    out.writeInt(roundsSeen);
    out.writeBoolean(roundEnded);
    out.writeBoolean(wasReset);
    for (Buf b : Buf.values()) {
      ByteBuffer raw = state.raw(b).duplicate().clear();
      out.writeInt(raw.capacity());
      byte[] chunk = new byte[Math.min(raw.capacity(), 1 << 16)];
      while (raw.hasRemaining()) {
        int k = Math.min(chunk.length, raw.remaining());
        raw.get(chunk, 0, k);
        out.write(chunk, 0, k);
      }
    }
    backend.bookkeeper().save(out);
  }

  /**
   * Reads a state written by {@link #saveState} of a VecEnv of the same spec and number of envs
   * (else an IOException naming the difference) and makes it this one's; the next {@link #step()}
   * is the step the saved envs would have taken.
   */
  public void loadState(java.io.DataInputStream in) throws java.io.IOException {
    int savedEnvs = in.readInt();
    if (savedEnvs != envs) throw new java.io.IOException("the saved env state has " + savedEnvs + " envs, this run " + envs);
    long seed = in.readLong();
    float savedCap = in.readFloat();
    int rounds = in.readInt();
    boolean ended = in.readBoolean(), reset = in.readBoolean();
    for (Buf b : Buf.values()) {
      ByteBuffer raw = state.raw(b).duplicate().clear();
      int size = in.readInt();
      if (size != raw.capacity()) {
        throw new java.io.IOException("the saved env state's " + b + " has " + size + " bytes, this env " + raw.capacity()
            + " (another map or env config)");
      }
      byte[] chunk = new byte[Math.min(size, 1 << 16)];
      while (raw.hasRemaining()) {
        int k = Math.min(chunk.length, raw.remaining());
        in.readFully(chunk, 0, k);
        raw.put(chunk, 0, k);
      }
    }
    backend.bookkeeper().load(in);
    resetSeed = seed;
    cap = savedCap;
    roundsSeen = rounds;
    roundEnded = ended;
    wasReset = reset;
    backend.restore(seed);
  }

  @Override
  public void close() {
    backend.close();
  }
}

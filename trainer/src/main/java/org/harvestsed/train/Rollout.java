package org.harvestsed.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.rng.Draws;
import org.harvestsed.engine.sim.RoundMetrics;
import org.harvestsed.principal.PrincipalDriver;

/**
 * Rollout collection (CleanRL's storage loop): {@code T} steps of every env with the players'
 * policy, a principal run by its {@link PrincipalDriver} (none in phase 1). The storage lives on
 * the learner's device, allocated once per run as [step, actor] tensors with actor = env * n +
 * player: window codes, features, action ids, log-probabilities, values, rewards, dones (per env),
 * and V(final observation) at the steps that ended an episode. Per step the observation is copied
 * from the engine's buffers into its row (the one copy; the policy then reads that row), the
 * policy samples there and only the action ids go back. The loop is written once; where a step's
 * data goes and how the policy samples there is its {@link Sink}: with the learner on the CPU the
 * storage is written through direct views of its tensors' memory (plain memory copies, no tensor
 * op per row) and the policy samples in place ({@link HostSink}); on a GPU a step's inputs cross
 * in two copies through {@link Staging} (the observation with the previous step's rewards and
 * dones), are copied into their rows on the device, and the policy samples with tensor ops
 * ({@link DeviceSink}). Both give the same run (RolloutOnDeviceTest).
 * No Java heap copy of the observations, no per-step Java arrays.
 * {@link #nextValues()} is V of the state after each step: V(s_{t+1}), or V(final observation)
 * where the step ended an episode (a time-limit truncation: we bootstrap).
 */
final class Rollout implements AutoCloseable {
  final int steps, m, envs, n;
  private final NDManager storage;
  final NDArray codes, features, actions, logps, values, rewards, dones, finalValues, lastValues;
  private final NDArray[] codesAt, featuresAt;
  private final long[][] rows;
  private final long[] mBound;
  private final HostCopies copies;
  private final float[] episodeReturn;
  private final StepIo io;
  /** Where each step's data goes: the storage's memory ({@link HostSink}) or the device through {@link Staging} ({@link DeviceSink}). */
  private final Sink sink;
  // what the last collect saw
  double rewardSum, episodeReturnSum;
  int episodes;
  RoundMetrics round;

  Rollout(int steps, VecEnv env, NDManager learner, HostCopies copies) {
    this(steps, env, learner, copies, !learner.getDevice().isGpu());
  }

  /**
   * {@code onHost} (a CPU learner only): the storage written through views and the actions sampled
   * in place; else the tensor path a GPU takes, through {@link Staging} (tests force it on the CPU).
   */
  Rollout(int steps, VecEnv env, NDManager learner, HostCopies copies, boolean onHost) {
    this.steps = steps;
    this.copies = copies;
    envs = env.envs();
    n = env.players();
    m = envs * n;
    int view = env.spec().obsCells(), f = env.spec().scalars();
    storage = learner.newSubManager();
    codes = storage.zeros(new Shape(steps, m, view), DataType.UINT8);
    features = storage.zeros(new Shape(steps, m, f));
    actions = storage.zeros(new Shape(steps, m, 1), DataType.INT64); // [.., 1]: the sampler's shape, copied without a reshape
    logps = storage.zeros(new Shape(steps, m, 1));
    values = storage.zeros(new Shape(steps, m));
    rewards = storage.zeros(new Shape(steps, m));
    dones = storage.zeros(new Shape(steps, envs), DataType.UINT8);
    finalValues = storage.zeros(new Shape(steps, m));
    lastValues = storage.zeros(new Shape(m));
    codesAt = new NDArray[steps];
    featuresAt = new NDArray[steps];
    for (int t = 0; t < steps; t++) {
      codesAt[t] = codes.get(t);
      featuresAt[t] = features.get(t);
    }
    rows = Copy.rows(steps);
    mBound = new long[] {m};
    episodeReturn = new float[m];
    io = StepIo.of(env);
    if (onHost && learner.getDevice().isGpu()) throw new IllegalArgumentException("a rollout on the host needs a CPU learner");
    // views index with int: a storage over 2 GB (never the case on the quickstart or paper configs) takes the tensor path
    boolean cpu = onHost && (long) steps * Math.max(io.codeBytes(), io.featureBytes()) <= Integer.MAX_VALUE;
    sink = cpu ? new HostSink() : new DeviceSink(new Staging(io, m, learner, copies));
  }

  /** Writes what carries from one rollout to the next: the players' returns of the episodes in progress (a training checkpoint). */
  void save(java.io.DataOutputStream out) throws java.io.IOException {
    Checkpoint.writeFloats(out, episodeReturn);
  }

  void load(java.io.DataInputStream in) throws java.io.IOException {
    Checkpoint.readFloats(in, episodeReturn);
  }

  /** Players' returns of the episodes in progress restart from 0 (after env.reset). */
  void restartEpisodes() {
    java.util.Arrays.fill(episodeReturn, 0f);
  }

  /**
   * {@link #steps} steps of every env; {@code driver} null: no principal acts (phase 1). Step t
   * samples the players' actions with the uniforms of {@code draws} at tick {@code firstTick + t}.
   */
  void collect(VecEnv env, PlayerPolicy policy, PrincipalDriver driver, Draws draws, long firstTick) {
    FloatBuffer r = env.rewards();
    ByteBuffer done = env.dones();
    rewardSum = 0;
    episodeReturnSum = 0;
    episodes = 0;
    round = null;
    for (int t = 0; t < steps; t++) {
      if (driver != null) driver.beforeStep(env);
      sink.observation(t, policy);
      policy.draw(draws, firstTick + t);
      try (NDScope scope = new NDScope()) {
        sink.sample(t, policy);
      }
      env.step();
      sink.outcome(t, policy);
      boolean anyDone = false;
      for (int e = 0; e < envs; e++) anyDone |= done.get(e) != 0;
      for (int k = 0; k < m; k++) {
        float x = r.get(k);
        rewardSum += x;
        episodeReturn[k] += x;
        if (done.get(k / n) != 0) {
          episodeReturnSum += episodeReturn[k];
          episodes++;
          episodeReturn[k] = 0f;
        }
      }
      if (anyDone) {
        try (NDScope scope = new NDScope()) {
          Copy.into(finalValues, rows[t], rows[t + 1], policy.values(policy.finalObsOnDevice(), policy.finalFeatsOnDevice()));
        }
      }
      if (driver != null) driver.afterStep(env);
      if (env.roundEnded()) round = RoundMetrics.mean(env.lastRoundMetrics());
    }
    sink.finish();
    try (NDScope scope = new NDScope()) {
      Copy.all(lastValues, mBound, policy.values(policy.obsOnDevice(), policy.featsOnDevice()));
    }
  }

  /**
   * Where a rollout step's data goes and how the policy samples there: step t's observation into
   * row t of the storage, the actions sampled on it (ids, log-probabilities and values into row t),
   * then, after the env's step, its rewards and dones. The loop of {@link #collect} is written once
   * over it; the two implementations give the same run (RolloutOnDeviceTest).
   */
  private interface Sink {
    /** Step t's observation (the env's current one) into row t. */
    void observation(int t, PlayerPolicy policy);

    /** Samples step t's actions into the engine's action buffer with the policy's last draw; ids, log-probs and values into row t (tensors in the caller's scope). */
    void sample(int t, PlayerPolicy policy);

    /** After the env's step: step t's rewards and dones (into row t now, or with the next send). */
    void outcome(int t, PlayerPolicy policy);

    /** After the last step: whatever is still on its way into the storage. */
    void finish();

    void close();
  }

  /**
   * The CPU learner's sink: the storage is written through direct views of its tensors' memory
   * (plain memory copies, no tensor op per row) and the policy samples in place ({@link
   * PlayerPolicy#sampleOnHost}).
   */
  private final class HostSink implements Sink {
    /** Codes, features, rewards, dones as bytes; ids, log-probs, values typed. */
    private final ByteBuffer codesMem = PlayerPolicy.view(codes), featuresMem = PlayerPolicy.view(features),
        rewardsMem = PlayerPolicy.view(rewards), donesMem = PlayerPolicy.view(dones);
    private final LongBuffer actionsMem = PlayerPolicy.view(actions).asLongBuffer();
    private final FloatBuffer logpsMem = PlayerPolicy.view(logps).asFloatBuffer(), valuesMem = PlayerPolicy.view(values).asFloatBuffer();

    @Override
    public void observation(int t, PlayerPolicy policy) {
      io.copyObservation(codesMem, t * io.codeBytes(), featuresMem, t * io.featureBytes());
      copies.in(policy.obs);
      copies.in(policy.feats);
    }

    @Override
    public void sample(int t, PlayerPolicy policy) {
      policy.sampleOnHost(codesAt[t], featuresAt[t], actionsMem, logpsMem, valuesMem, t * m);
    }

    @Override
    public void outcome(int t, PlayerPolicy policy) {
      io.copyOutcome(rewardsMem, t * io.rewardBytes(), donesMem, t * io.doneBytes());
      copies.in(policy.rewards);
      copies.in(policy.dones);
    }

    @Override
    public void finish() {}

    @Override
    public void close() {}
  }

  /**
   * The tensor path a GPU learner takes: a step's inputs cross in two copies through {@link
   * Staging} (the observation with the previous step's rewards and dones), are copied into their
   * rows on the device, and the policy samples with tensor ops ({@link PlayerPolicy#sample}).
   */
  private final class DeviceSink implements Sink {
    private final Staging staging;

    DeviceSink(Staging staging) {
      this.staging = staging;
    }

    @Override
    public void observation(int t, PlayerPolicy policy) { // one send: this step's observation and the previous step's rewards and dones
      staging.stageObservation();
      staging.send();
      Copy.into(codes, rows[t], rows[t + 1], staging.codes);
      Copy.into(features, rows[t], rows[t + 1], staging.features);
      if (t > 0) storeOutcome(t - 1);
    }

    @Override
    public void sample(int t, PlayerPolicy policy) {
      NDList out = policy.sample(codesAt[t], featuresAt[t]);
      Copy.into(actions, rows[t], rows[t + 1], out.get(0));
      Copy.into(logps, rows[t], rows[t + 1], out.get(1));
      Copy.into(values, rows[t], rows[t + 1], out.get(2));
    }

    @Override
    public void outcome(int t, PlayerPolicy policy) {
      staging.stageOutcome(); // sent with the next step's observation
    }

    @Override
    public void finish() {
      staging.sendOutcome();
      storeOutcome(steps - 1);
    }

    /** The staged rewards and dones (of step t) into their rows. */
    private void storeOutcome(int t) {
      Copy.into(rewards, rows[t], rows[t + 1], staging.rewards);
      Copy.into(dones, rows[t], rows[t + 1], staging.dones);
    }

    @Override
    public void close() {
      staging.close();
    }
  }

  /**
   * [T, m] on the learner's device, in the caller's scope: V(s_{t+1}) (the next row's value, the
   * last row's from {@link #lastValues}), or V(final observation) where step t ended the episode.
   */
  NDArray nextValues() {
    NDArray next = values.get("1:").concat(lastValues.reshape(1, m), 0);
    NDArray d = doneMask();
    return finalValues.mul(d).add(next.mul(d.neg().add(1f)));
  }

  /** [T, m] 1 where step t ended the actor's episode, else 0, on the learner's device (the caller's scope). */
  NDArray doneMask() {
    return dones.toType(DataType.FLOAT32, false).reshape(steps, envs, 1).repeat(2, n).reshape(steps, m);
  }

  @Override
  public void close() {
    sink.close();
    storage.close();
  }
}

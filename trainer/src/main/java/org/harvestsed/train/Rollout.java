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
 * policy samples there and only the action ids go back. With the learner on the CPU the storage
 * is written through direct views of its tensors' memory (plain memory copies, no tensor op per
 * row) and the policy samples in place ({@link PlayerPolicy#sampleOnHost}); on a GPU a step's
 * inputs cross in two copies through {@link Staging} (the observation with the previous step's
 * rewards and dones), are copied into their rows on the device, and the policy samples with
 * tensor ops ({@link PlayerPolicy#sample}). Both paths give the same run (RolloutOnDeviceTest).
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
  /** The storage's memory (CPU learner only, else null): codes, features, rewards, dones as bytes; ids, log-probs, values typed. */
  private final ByteBuffer codesMem, featuresMem, rewardsMem, donesMem;
  private final LongBuffer actionsMem;
  private final FloatBuffer logpsMem, valuesMem;
  private final StepIo io;
  /** The tensor path's way onto the learner (null on the host path). */
  private final Staging staging;
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
    staging = cpu ? null : new Staging(io, m, learner, copies);
    codesMem = cpu ? PlayerPolicy.view(codes) : null;
    featuresMem = cpu ? PlayerPolicy.view(features) : null;
    rewardsMem = cpu ? PlayerPolicy.view(rewards) : null;
    donesMem = cpu ? PlayerPolicy.view(dones) : null;
    actionsMem = cpu ? PlayerPolicy.view(actions).asLongBuffer() : null;
    logpsMem = cpu ? PlayerPolicy.view(logps).asFloatBuffer() : null;
    valuesMem = cpu ? PlayerPolicy.view(values).asFloatBuffer() : null;
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
      long[] lo = rows[t], hi = rows[t + 1];
      if (driver != null) driver.beforeStep(env);
      boolean host = staging == null;
      if (host) {
        io.copyObservation(codesMem, t * io.codeBytes(), featuresMem, t * io.featureBytes());
        copies.in(policy.obs);
        copies.in(policy.feats);
      } else { // one send: this step's observation and the previous step's rewards and dones
        staging.stageObservation();
        staging.send();
        Copy.into(codes, lo, hi, staging.codes);
        Copy.into(features, lo, hi, staging.features);
        if (t > 0) storeOutcome(t - 1);
      }
      policy.draw(draws, firstTick + t);
      try (NDScope scope = new NDScope()) {
        if (host) {
          policy.sampleOnHost(codesAt[t], featuresAt[t], actionsMem, logpsMem, valuesMem, t * m);
        } else {
          NDList out = policy.sample(codesAt[t], featuresAt[t]);
          Copy.into(actions, lo, hi, out.get(0));
          Copy.into(logps, lo, hi, out.get(1));
          Copy.into(values, lo, hi, out.get(2));
        }
      }
      env.step();
      if (host) {
        io.copyOutcome(rewardsMem, t * io.rewardBytes(), donesMem, t * io.doneBytes());
        copies.in(policy.rewards);
        copies.in(policy.dones);
      } else {
        staging.stageOutcome(); // sent with the next step's observation
      }
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
          Copy.into(finalValues, lo, hi, policy.values(policy.finalObsOnDevice(), policy.finalFeatsOnDevice()));
        }
      }
      if (driver != null) driver.afterStep(env);
      if (env.roundEnded()) round = RoundMetrics.mean(env.lastRoundMetrics());
    }
    if (staging != null) {
      staging.sendOutcome();
      storeOutcome(steps - 1);
    }
    try (NDScope scope = new NDScope()) {
      Copy.all(lastValues, mBound, policy.values(policy.obsOnDevice(), policy.featsOnDevice()));
    }
  }

  /** Tensor path: the staged rewards and dones (of step t) into their rows. */
  private void storeOutcome(int t) {
    Copy.into(rewards, rows[t], rows[t + 1], staging.rewards);
    Copy.into(dones, rows[t], rows[t + 1], staging.dones);
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
    if (staging != null) staging.close();
    storage.close();
  }
}

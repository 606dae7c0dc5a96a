package org.harvestsed.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.harvestsed.engine.VecEnv;
import org.harvestsed.engine.config.Config;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.principal.Principal;
import org.harvestsed.principal.PrincipalDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The principal's transitions (issue 14's three defects): what it observes in an evaluated round,
 * where each reward lands, and what the last period of a batch bootstraps from.
 */
class PrincipalLearnerTest {
  static final String YAML = """
      env: {episode_length: 100, tax: {period: 10}, voting: {round_periods: 5}}
      run: {envs: 4, seed: 3}
      train: {total_steps: 4096, num_steps: 16, num_minibatches: 2, update_epochs: 1, phase1_steps: 0, cap_anneal_steps: 64,
              principal_batch: 12, principal_minibatches: 2, checkpoint_every: 1000}
      """;

  static {
    System.setProperty("ai.djl.offline", "true");
  }

  /**
   * Defect 1: Trainer.evaluateRound never added to the period incomes, so the learned principal
   * saw zeros (or stale numbers) in every evaluated round. Its observation must hold the pre-tax
   * incomes of the period that just ended.
   */
  @Test
  void inAnEvaluatedRoundTheLearnedPrincipalSeesTheIncomesOfThePeriodThatEnded(@TempDir Path dir) {
    Config c = Config.parse(YAML, "t");
    int n = c.env().players();
    List<float[]> seen = new ArrayList<>(), expected = new ArrayList<>();
    try (Trainer t = new Trainer(c, TrainConfig.parse(c.train()), dir)) {
      LearnedPrincipal learned = t.learnedPrincipal();
      t.useBaseline(new Principal() { // the learned principal, watched: the observation it acts on vs the engine's incomes
        @Override
        public int[] levels(int env, int period) {
          return learned.levels(env, period);
        }

        @Override
        public String name() {
          return "watched";
        }

        @Override
        public void act(VecEnv env, int period) {
          learned.act(env, period);
          float[] obs = learned.lastObservation();
          float[] mine = new float[n], truth = new float[n];
          System.arraycopy(obs, 0, mine, 0, n); // env 0's incomes
          for (int i = 0; i < n; i++) truth[i] = env.state().ints(Buf.PERIOD_END_INCOME).get(i) / 10f;
          seen.add(mine);
          expected.add(truth);
        }
      });
      t.evaluateRound(12);
    }
    assertThat(seen).hasSize(5);
    double total = 0;
    for (int p = 1; p < seen.size(); p++) { // period 0 follows a reset: no period has ended yet
      assertThat(seen.get(p)).as("incomes observed at the start of period %d", p).containsExactly(expected.get(p));
      for (float x : expected.get(p)) total += x;
    }
    assertThat(total).as("random players ate apples in the round, so the observed incomes are not all 0").isGreaterThan(0);
  }

  /**
   * Defects 2 and 3, over many batches of a principal acting on random players, with rewards that
   * name the action (the rate of bracket 0 in force during the period) and a learning rate of 0
   * (the critic stays fixed, so bootstrap values can be compared across batches): every reward
   * lies in the row of its own action, and every transition's next value is V of the state after
   * it (the next row's value; for the last row of a batch, the first row of the next batch), or 0
   * where the period ended the round.
   */
  @Test
  void rewardsLandBesideTheirActionsAndTheLastPeriodOfABatchBootstrapsFromTheNextState() {
    Config c = Config.parse(YAML, "t");
    TrainConfig tc = TrainConfig.parse(c.train());
    int envs = 4, levels = c.env().rateLevels(), b = c.env().brackets();
    List<PrincipalLearner.BatchView> batches = new ArrayList<>();
    try (NDManager nd = NDManager.newBaseManager();
         PrincipalNet net = new PrincipalNet(nd, PrincipalObservation.size(c.env()), b, levels, 5);
         Adam opt = new Adam(net);
         VecEnv env = VecEnv.create(c.env(), envs, "java", 1)) {
      PrincipalLearner learner = new PrincipalLearner(net, opt, tc, envs, nd, new HostCopies(), new org.harvestsed.engine.rng.Draws(2, org.harvestsed.engine.rng.Purpose.PRINCIPAL_SHUFFLE));
      learner.schedule(0f, 0.01f);
      learner.inspector = batches::add;
      LearnedPrincipal p = new LearnedPrincipal(net, c.env(), 2);
      p.learnWith(learner);
      p.rewardFrom((e, out) -> {
        for (int k = 0; k < envs; k++) out[k] = e.state().floats(Buf.RATES).get(k * b);
      });
      PrincipalDriver driver = new PrincipalDriver(p);
      env.reset(1);
      for (int s = 0; s < 1000; s++) {
        driver.beforeStep(env);
        env.stepRandom();
        driver.afterStep(env);
      }
    }
    assertThat(batches).as("updates").hasSizeGreaterThan(20);
    for (int k = 0; k < batches.size(); k++) {
      PrincipalLearner.BatchView v = batches.get(k);
      assertThat(v.rows() * envs).as("batch %d is full", k).isGreaterThanOrEqualTo(tc.principalBatch());
      for (int i = 0; i < v.rows() * envs; i++) {
        assertThat(v.reward()[i]).as("batch %d transition %d: reward of its own action", k, i).isEqualTo((float) v.levels()[i * b] / (levels - 1));
        float following;
        if (i + envs < v.rows() * envs) following = v.value()[i + envs];
        else if (k + 1 < batches.size()) following = batches.get(k + 1).value()[i % envs];
        else continue;
        assertThat(v.next()[i]).as("batch %d transition %d: bootstrap", k, i).isEqualTo(v.done()[i] ? 0f : following);
      }
    }
  }

  /**
   * One forward pass per period: the observation batch goes to the learner once per period start,
   * its values bootstrapping the period that just ended, and once more only at a period start
   * whose update changed the network (the principal then acts on the updated one).
   */
  @Test
  void aPeriodCostsOneForwardPassAndAnUpdateOneMore() {
    Config c = Config.parse(YAML, "t");
    int envs = 4, periods = 40;
    HostCopies passes = new HostCopies();
    long updates = updatesOnRandomPlayers(c, envs, periods, passes);
    // a batch of 12 = 3 periods of 4 envs: one update per chunk, one chunk per update here
    assertThat(updates).isEqualTo((periods - 1) / 3);
    long upload = 4L * envs * PrincipalObservation.size(c.env());
    assertThat(passes.toLearner()).isEqualTo((periods + updates) * upload);
  }

  /**
   * When one period of all envs holds more transitions than principal_batch (paper scale: 4096
   * envs, batch 512), the complete transitions are split by env into batch-sized updates: here 16
   * envs and a batch of 4 give 4 updates per period, so 2,734 updates in paper.yaml's phase 2
   * (341 periods x 8) follow from the same rule.
   */
  @Test
  void aPeriodOfManyEnvsGivesSeveralUpdates() {
    Config c = Config.parse(YAML.replace("run: {envs: 4, seed: 3}", "run: {envs: 16, seed: 3}")
        .replace("principal_batch: 12, principal_minibatches: 2", "principal_batch: 4, principal_minibatches: 2"), "t");
    int envs = 16, periods = 6;
    // the period started at step 0 is complete at the start of period 1, and so on: 5 complete periods updated
    assertThat(updatesOnRandomPlayers(c, envs, periods, new HostCopies())).isEqualTo((long) (periods - 1) * envs / 4);
  }

  /**
   * The updates of a learned principal with a fresh learner over {@code periods} periods of
   * {@code envs} envs of random players; its observation uploads are counted into {@code passes}.
   */
  static long updatesOnRandomPlayers(Config c, int envs, int periods, HostCopies passes) {
    try (NDManager nd = NDManager.newBaseManager();
         PrincipalNet net = new PrincipalNet(nd, PrincipalObservation.size(c.env()), c.env().brackets(), c.env().rateLevels(), 5);
         Adam opt = new Adam(net);
         VecEnv env = VecEnv.create(c.env(), envs, "java", 1)) {
      PrincipalLearner learner = new PrincipalLearner(net, opt, TrainConfig.parse(c.train()), envs, nd, new HostCopies(), new org.harvestsed.engine.rng.Draws(2, org.harvestsed.engine.rng.Purpose.PRINCIPAL_SHUFFLE));
      LearnedPrincipal p = new LearnedPrincipal(net, c.env(), 2);
      p.countInto(passes);
      p.learnWith(learner);
      PrincipalDriver driver = new PrincipalDriver(p);
      env.reset(1);
      for (int s = 0; s < periods * c.env().taxPeriod(); s++) {
        driver.beforeStep(env);
        env.stepRandom();
        driver.afterStep(env);
      }
      return learner.updates();
    }
  }
}

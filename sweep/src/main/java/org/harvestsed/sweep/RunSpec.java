package org.harvestsed.sweep;

import java.io.Serializable;
import java.util.List;

/**
 * One run of a sweep: one Spark task, one directory {@code OUT/runs/ID}.
 *
 * @param kind          {@link Kind#TRAIN}: train the seed's players and principal (both phases);
 *                      {@link Kind#FINETUNE}: from that run's phase-1 checkpoint, fine-tune the players under
 *                      {@code principal} for {@code finetuneSteps}, then evaluate
 * @param id            the run's directory name under OUT/runs (unique within a sweep)
 * @param seed          the training seed (the unit of replication)
 * @param configYaml    the run's whole config (the base with the spec's settings and this run's axis values)
 * @param axes          this run's values of the env./train. axes, "key=value" joined by ", " (empty without such axes)
 * @param principal     FINETUNE: the principal (free_market, flat:x, fixed:a,b,c, saez or learned)
 * @param socialChoice  FINETUNE: the social choice function it is fine-tuned and evaluated under
 * @param trainId       FINETUNE: the id of its TRAIN run (empty when the players start from scratch)
 * @param finetune      FINETUNE: how the players are trained ({@link Finetune})
 * @param evalSeeds     FINETUNE: evaluation rounds (seeds Evaluation.evaluationSeed(1..evalSeeds))
 * @param learnedModes  FINETUNE of learned: "sampling" and/or "mode", one result row each
 * @param failAttempts  test hook: the first this-many attempts throw (injected task failures); 0 in a real sweep
 */
public record RunSpec(Kind kind, String id, long seed, String configYaml, String axes, String principal, String socialChoice,
    String trainId, Finetune finetune, int evalSeeds, List<String> learnedModes, int failAttempts) implements Serializable {

  /**
   * The spec's {@code finetune:} section.
   *
   * @param steps       env steps of player training: the budget
   * @param fromScratch the players start from scratch (from: scratch), else from the TRAIN run's phase-1 checkpoint
   * @param tolerance   apples per round: stop early once the last quarter of the rounds moved less than this (0: run the budget)
   * @param minSteps    env steps before the convergence rule may stop a run
   */
  public record Finetune(long steps, boolean fromScratch, double tolerance, long minSteps) implements Serializable {
    public static final Finetune NONE = new Finetune(0, false, 0, 0);
  }

  public long finetuneSteps() {
    return finetune.steps();
  }

  public boolean fromScratch() {
    return finetune.fromScratch();
  }


  public enum Kind { TRAIN, FINETUNE }

  public RunSpec withFailAttempts(int n) {
    return new RunSpec(kind, id, seed, configYaml, axes, principal, socialChoice, trainId, finetune, evalSeeds, learnedModes, n);
  }
}

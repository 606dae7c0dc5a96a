package org.harvestsed.engine.config;

import java.util.Arrays;
import org.harvestsed.engine.map.GameMap;

/**
 * Everything that defines the game, immutable and validated: map, sizes and rule parameters.
 * One spec serves every backend (the OpenCL kernels get these values as generated constants).
 * Field names follow the YAML keys of {@code env:} in a config; validation errors name them.
 *
 * @param map               the map (preset or generated), unpadded
 * @param players           players per env (n)
 * @param viewAhead         cells seen ahead (9)
 * @param viewBehind        cells seen behind (1)
 * @param viewLeft          cells seen to the left (5)
 * @param viewRight         cells seen to the right (5)
 * @param regrowthProb      P[min(k, len-1)] for an empty apple site with k apples within the radius
 * @param regrowthRadiusSq  neighbourhood: offsets with dr^2 + dc^2 <= this, the site itself excluded
 * @param regrowUnderPlayers whether an apple may regrow under a player (Melting Pot: yes; SSD: no)
 * @param zap               whether action 7 (ZAP) exists
 * @param zapLength         beam length ahead
 * @param zapHalfWidth      beam half-width (lanes -w..w)
 * @param zapRemoval        steps a hit player stays off the map
 * @param zapCooldown       steps after firing during which ZAP is ignored
 * @param zapFireCost       extrinsic reward subtracted from the shooter
 * @param zapHitPenalty     extrinsic reward subtracted from a hit player
 * @param episodeLength     steps per episode (a multiple of taxPeriod)
 * @param taxPeriod         steps per tax period
 * @param bracketCutoffs    lower cutoffs tau_0 = 0 < tau_1 < ...; the last bracket is open
 * @param rateLevels        L: rates are {0, 1/(L-1), ..., 1}
 * @param divergenceLimit   max |phi(new) - phi(old)| per period; +inf = off
 * @param roundPeriods      tax periods per voting round
 * @param socialChoice      how eta is chosen at a round start
 * @param objective         the principal's objective
 * @param objectiveIncome   which income the objective counts: pre-tax apples (the paper) or post-tax income
 * @param types             how the players' types (sigma, beta) are drawn at a reset
 */
public record EnvSpec(
    GameMap map,
    int players,
    int viewAhead, int viewBehind, int viewLeft, int viewRight,
    float[] regrowthProb, int regrowthRadiusSq, boolean regrowUnderPlayers,
    boolean zap, int zapLength, int zapHalfWidth, int zapRemoval, int zapCooldown,
    float zapFireCost, float zapHitPenalty,
    int episodeLength, int taxPeriod,
    float[] bracketCutoffs, int rateLevels, float divergenceLimit,
    int roundPeriods, SocialChoice socialChoice, Objective objective, ObjectiveIncome objectiveIncome, Types types) {

  public static final int NOOP = 0, FORWARD = 1, BACKWARD = 2, STEP_LEFT = 3, STEP_RIGHT = 4,
      TURN_LEFT = 5, TURN_RIGHT = 6, ZAP = 7;

  public EnvSpec {
    regrowthProb = regrowthProb.clone();
    bracketCutoffs = bracketCutoffs.clone();
    validate(map, players, viewAhead, viewBehind, viewLeft, viewRight, regrowthProb, regrowthRadiusSq,
        zapLength, zapHalfWidth, zapRemoval, zapCooldown, zapFireCost, zapHitPenalty,
        episodeLength, taxPeriod, bracketCutoffs, rateLevels, divergenceLimit, roundPeriods);
  }

  /** The most players one map may hold: OCC stores player indices as shorts. */
  public static final int MAX_PLAYERS = Short.MAX_VALUE;

  private static void validate(GameMap map, int players, int va, int vb, int vl, int vr, float[] p, int radiusSq,
      int zapLength, int zapHalfWidth, int zapRemoval, int zapCooldown, float fireCost, float hitPenalty,
      int episodeLength, int taxPeriod, float[] cutoffs, int levels, float delta, int roundPeriods) {
    if (players < 1) throw ConfigException.at("env.players", players + " is not allowed; need at least 1 player");
    if (players > MAX_PLAYERS) {
      throw ConfigException.at("env.players", players + " players are more than one map can hold (" + MAX_PLAYERS
          + ": the occupancy layer stores player indices as 16-bit numbers); use at most " + MAX_PLAYERS
          + " players per map and more envs");
    }
    if (map.spawnCount() < players) {
      throw ConfigException.at("env.players", players + " players do not fit on map " + map.name + ", which has "
          + map.spawnCount() + " spawn points; use at most " + map.spawnCount() + " players or a bigger map");
    }
    int[] view = {va, vb, vl, vr};
    String[] viewKeys = {"ahead", "behind", "left", "right"};
    for (int i = 0; i < 4; i++) {
      if (view[i] < 0 || view[i] > 64) {
        throw ConfigException.at("env.view." + viewKeys[i], view[i] + " is outside the allowed range [0, 64]");
      }
    }
    if (p.length < 2 || p.length > 64) {
      throw ConfigException.at("env.regrowth.probabilities", "has " + p.length + " entries; give 2 to 64 (P[min(k, len-1)])");
    }
    for (int i = 0; i < p.length; i++) {
      if (!(p[i] >= 0f && p[i] <= 1f)) {
        throw ConfigException.at("env.regrowth.probabilities[" + i + "]", p[i] + " is outside [0, 1]");
      }
    }
    if (p[0] != 0f) {
      throw ConfigException.at("env.regrowth.probabilities[0]", p[0]
          + " must be 0: a site with no apple nearby never regrows (the patch is lost)");
    }
    if (radiusSq < 1 || radiusSq > 64) {
      throw ConfigException.at("env.regrowth.radius_sq", radiusSq + " is outside [1, 64]; 4 is Melting Pot's radius 2, 2 the SSD rule");
    }
    if (zapLength < 1 || zapLength > 64) throw ConfigException.at("env.zap.length", zapLength + " is outside [1, 64]");
    if (zapHalfWidth < 0 || zapHalfWidth > 64) throw ConfigException.at("env.zap.half_width", zapHalfWidth + " is outside [0, 64]");
    if (zapRemoval < 1) throw ConfigException.at("env.zap.removal_steps", zapRemoval + " must be at least 1");
    if (zapCooldown < 0) throw ConfigException.at("env.zap.cooldown", zapCooldown + " must be at least 0");
    if (!Float.isFinite(fireCost) || fireCost < 0) throw ConfigException.at("env.zap.fire_cost", fireCost + " must be a finite number >= 0");
    if (!Float.isFinite(hitPenalty) || hitPenalty < 0) throw ConfigException.at("env.zap.hit_penalty", hitPenalty + " must be a finite number >= 0");
    if (taxPeriod < 1) throw ConfigException.at("env.tax.period", taxPeriod + " must be at least 1");
    if (episodeLength < 1 || episodeLength % taxPeriod != 0) {
      throw ConfigException.at("env.episode_length", episodeLength + " must be a positive multiple of env.tax.period (" + taxPeriod + ")");
    }
    if (cutoffs.length < 1 || cutoffs.length > 16) {
      throw ConfigException.at("env.tax.brackets", "has " + cutoffs.length + " cutoffs; give 1 to 16 lower cutoffs starting at 0, e.g. [0, 10, 20]");
    }
    if (cutoffs[0] != 0f) throw ConfigException.at("env.tax.brackets[0]", cutoffs[0] + " must be 0 (the first bracket starts at 0)");
    for (int i = 1; i < cutoffs.length; i++) {
      if (!Float.isFinite(cutoffs[i]) || !(cutoffs[i] > cutoffs[i - 1])) {
        throw ConfigException.at("env.tax.brackets[" + i + "]", cutoffs[i] + " is not greater than the previous cutoff "
            + cutoffs[i - 1] + "; cutoffs must be finite and strictly increasing");
      }
    }
    if (levels < 2 || levels > 1001) throw ConfigException.at("env.tax.levels", levels + " is not allowed; need 2 to 1001 rate levels");
    if (!(delta > 0f)) throw ConfigException.at("env.tax.divergence_limit", delta + " must be > 0 (omit it or use .inf for no limit)");
    if (roundPeriods < 1) throw ConfigException.at("env.voting.round_periods", roundPeriods + " must be at least 1");
    long round = (long) roundPeriods * taxPeriod;
    if (round % episodeLength != 0 && episodeLength % round != 0) {
      throw ConfigException.at("env.voting.round_periods", roundPeriods + " periods of " + taxPeriod + " steps = " + round
          + " steps neither divides nor is a multiple of env.episode_length (" + episodeLength + ")");
    }
    if (round > Integer.MAX_VALUE / 2) throw ConfigException.at("env.voting.round_periods", "round of " + round + " steps is too long");
  }

  /** The same rules on another map with another player count (validated like any spec). */
  public EnvSpec withMap(GameMap newMap, int newPlayers) {
    return new EnvSpec(newMap, newPlayers, viewAhead, viewBehind, viewLeft, viewRight, regrowthProb, regrowthRadiusSq,
        regrowUnderPlayers, zap, zapLength, zapHalfWidth, zapRemoval, zapCooldown, zapFireCost, zapHitPenalty,
        episodeLength, taxPeriod, bracketCutoffs, rateLevels, divergenceLimit, roundPeriods, socialChoice, objective, objectiveIncome, types);
  }

  /** The same game with another social choice function. */
  public EnvSpec withSocialChoice(SocialChoice choice) {
    return new EnvSpec(map, players, viewAhead, viewBehind, viewLeft, viewRight, regrowthProb, regrowthRadiusSq,
        regrowUnderPlayers, zap, zapLength, zapHalfWidth, zapRemoval, zapCooldown, zapFireCost, zapHitPenalty,
        episodeLength, taxPeriod, bracketCutoffs, rateLevels, divergenceLimit, roundPeriods, choice, objective, objectiveIncome, types);
  }

  // ---- derived sizes (computed from the fields; cheap) ----

  public int actions() {
    return zap ? 8 : 7;
  }

  public int brackets() {
    return bracketCutoffs.length;
  }

  public int obsRows() {
    return viewAhead + viewBehind + 1;
  }

  public int obsCols() {
    return viewLeft + viewRight + 1;
  }

  public int obsCells() {
    return obsRows() * obsCols();
  }

  /** Float features per player: sigma, beta, B rates, period fraction, period income, eta. */
  public int scalars() {
    return 5 + brackets();
  }

  /** Whether the step taken at episode step {@code t} (0-based, before the step) is a tax period's last. */
  public boolean endsPeriod(int t) {
    return (t + 1) % taxPeriod == 0;
  }

  /** Whether the step taken at episode step {@code t} is the episode's last (then the env resets). */
  public boolean endsEpisode(int t) {
    return t + 1 == episodeLength;
  }

  /** Whether the step taken at tick {@code tick} (steps since reset(seed)) is a voting round's last. */
  public boolean endsRound(long tick) {
    return (tick + 1) % roundSteps() == 0;
  }

  public int roundSteps() {
    return roundPeriods * taxPeriod;
  }

  /** Rate of a level: level / (L - 1) in float, the same expression in every backend. */
  public float rateOfLevel(int level) {
    return (float) level / (float) (rateLevels - 1);
  }

  public float[] regrowthProb() {
    return regrowthProb.clone();
  }

  public float[] bracketCutoffs() {
    return bracketCutoffs.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EnvSpec s && s.toString().equals(toString()) && s.map.equals(map);
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    return "EnvSpec[map=" + map.name + ", players=" + players + ", view=" + viewAhead + "/" + viewBehind + "/" + viewLeft + "/" + viewRight
        + ", regrowth=" + Arrays.toString(regrowthProb) + " r2<=" + regrowthRadiusSq + " underPlayers=" + regrowUnderPlayers
        + ", zap=" + zap + "(" + zapLength + "," + zapHalfWidth + "," + zapRemoval + "," + zapCooldown + "," + zapFireCost + "," + zapHitPenalty + ")"
        + ", episode=" + episodeLength + ", period=" + taxPeriod + ", brackets=" + Arrays.toString(bracketCutoffs) + ", levels=" + rateLevels
        + ", delta=" + divergenceLimit + ", roundPeriods=" + roundPeriods + ", choice=" + socialChoice + ", objective=" + objective + ", objectiveIncome=" + objectiveIncome + ", types=" + types + "]";
  }
}

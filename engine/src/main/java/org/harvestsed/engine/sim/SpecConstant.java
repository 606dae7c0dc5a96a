package org.harvestsed.engine.sim;

import java.util.function.Function;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.config.SocialChoice;
import org.harvestsed.engine.map.GameMap;
import org.harvestsed.engine.rng.Purpose;
import org.harvestsed.engine.state.Layout;

/**
 * Every constant of the spec that a device implementation of the step reads, with its value from
 * the {@link EnvSpec} and {@link Layout}: the one list from which the OpenCL kernels' header
 * ({@code KernelSource}: {@code #define NAME value}) and the TornadoVM kernel's spec arrays
 * ({@code tornado/.../Packing}: int entries in {@code spec}, float entries in {@code fspec}, each at
 * its {@link #index}) are both written. The kernels use only these names, never a literal.
 */
public enum SpecConstant {
  N(Kind.INT, l -> l.players),
  CELLS(Kind.INT, l -> l.cells),
  BRACKETS(Kind.INT, l -> l.spec.brackets()),
  VIEW_AHEAD(Kind.INT, l -> l.spec.viewAhead()),
  VIEW_LEFT(Kind.INT, l -> l.spec.viewLeft()),
  OBS_ROWS(Kind.INT, l -> l.spec.obsRows()),
  OBS_COLS(Kind.INT, l -> l.spec.obsCols()),
  VIEW(Kind.INT, l -> l.spec.obsCells()),
  SCALARS(Kind.INT, l -> l.spec.scalars()),
  NUM_ACTIONS(Kind.INT, l -> l.spec.actions()),
  TAX_PERIOD(Kind.INT, l -> l.spec.taxPeriod()),
  EPISODE_LENGTH(Kind.INT, l -> l.spec.episodeLength()),
  ROUND_STEPS(Kind.INT, l -> l.spec.roundSteps()),
  RATE_LEVELS(Kind.INT, l -> l.spec.rateLevels()),
  HAS_DIVERGENCE_LIMIT(Kind.INT, l -> hasDivergenceLimit(l.spec) ? 1 : 0),
  /** 0 where there is no limit (HAS_DIVERGENCE_LIMIT 0). */
  DIVERGENCE_LIMIT(Kind.FLOAT, l -> hasDivergenceLimit(l.spec) ? l.spec.divergenceLimit() : 0f),
  ZAP(Kind.INT, l -> l.spec.zap() ? 1 : 0),
  ZAP_LENGTH(Kind.INT, l -> l.spec.zapLength()),
  ZAP_HALF_WIDTH(Kind.INT, l -> l.spec.zapHalfWidth()),
  ZAP_REMOVAL(Kind.INT, l -> l.spec.zapRemoval()),
  ZAP_COOLDOWN(Kind.INT, l -> l.spec.zapCooldown()),
  ZAP_FIRE_COST(Kind.FLOAT, l -> l.spec.zapFireCost()),
  ZAP_HIT_PENALTY(Kind.FLOAT, l -> l.spec.zapHitPenalty()),
  REGROW_UNDER_PLAYERS(Kind.INT, l -> l.spec.regrowUnderPlayers() ? 1 : 0),
  NUM_PROB(Kind.INT, l -> l.spec.regrowthProb().length),
  NUM_SITES(Kind.INT, l -> l.sites.length),
  NUM_SPAWNS(Kind.INT, l -> l.spawns.length),
  NUM_COMPONENTS(Kind.INT, l -> l.components),
  MAJORITY(Kind.INT, l -> l.spec.socialChoice() == SocialChoice.MAJORITY ? 1 : 0),
  CELL_EMPTY(Kind.INT, l -> (int) GameMap.EMPTY),
  CELL_WALL(Kind.INT, l -> (int) GameMap.WALL),
  CELL_APPLE(Kind.INT, l -> (int) GameMap.APPLE),
  CELL_NEW_APPLE(Kind.INT, l -> (int) JavaBackend.NEW_APPLE),
  ACTION_FORWARD(Kind.INT, l -> EnvSpec.FORWARD),
  ACTION_BACKWARD(Kind.INT, l -> EnvSpec.BACKWARD),
  ACTION_STEP_LEFT(Kind.INT, l -> EnvSpec.STEP_LEFT),
  ACTION_STEP_RIGHT(Kind.INT, l -> EnvSpec.STEP_RIGHT),
  ACTION_TURN_LEFT(Kind.INT, l -> EnvSpec.TURN_LEFT),
  ACTION_TURN_RIGHT(Kind.INT, l -> EnvSpec.TURN_RIGHT),
  ACTION_ZAP(Kind.INT, l -> EnvSpec.ZAP),
  PURPOSE_SPAWN(Kind.UINT, l -> Purpose.SPAWN.code),
  PURPOSE_MOVE_ORDER(Kind.UINT, l -> Purpose.MOVE_ORDER.code),
  PURPOSE_REGROWTH(Kind.UINT, l -> Purpose.REGROWTH.code),
  PURPOSE_RESPAWN(Kind.UINT, l -> Purpose.RESPAWN.code),
  PURPOSE_POLICY(Kind.UINT, l -> Purpose.POLICY.code),
  PURPOSE_VOTE(Kind.UINT, l -> Purpose.VOTE.code);

  /** The value's type: an int, an int the kernels read as unsigned (a {@code u} literal), a float. */
  public enum Kind { INT, UINT, FLOAT }

  public final Kind kind;
  private final Function<Layout, Number> value;
  private int index = -1;

  SpecConstant(Kind kind, Function<Layout, Number> value) {
    this.kind = kind;
    this.value = value;
  }

  /** How many int (and uint) constants, and how many float ones: the lengths of the two lists. */
  public static final int INTS, FLOATS;

  static {
    int ints = 0, floats = 0;
    for (SpecConstant c : values()) c.index = c.isFloat() ? floats++ : ints++;
    INTS = ints;
    FLOATS = floats;
  }

  public boolean isFloat() {
    return kind == Kind.FLOAT;
  }

  /** The position among the constants of its list (the int ones, or the float ones), in declaration order. */
  public int index() {
    return index;
  }

  /** The value of an int constant. */
  public int intValue(Layout l) {
    if (isFloat()) throw new IllegalStateException(this + " is a float constant");
    return value.apply(l).intValue();
  }

  /** The value of a float constant. */
  public float floatValue(Layout l) {
    if (!isFloat()) throw new IllegalStateException(this + " is an int constant");
    return value.apply(l).floatValue();
  }

  private static boolean hasDivergenceLimit(EnvSpec s) {
    return s.divergenceLimit() != Float.POSITIVE_INFINITY;
  }
}

package org.harvestsed.engine.sim;

import java.util.ArrayList;
import java.util.List;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.config.SocialChoice;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.Layout;

/**
 * Every global-memory access of the OpenCL step (kernels/*.cl), phase by phase: the one list from
 * which {@link StepTraffic} counts the step's bytes and {@code opencl/AccessModel} its 32-byte
 * sectors. A row is keyed by its {@link Phase}, how often it happens ({@link Every}: every step,
 * at a period's, round's or episode's end, amortised over the steps between), and how a kernel's
 * loop spreads its elements over lanes in the per-env mapping and in the group mapping
 * ({@link Spread}; {@code null}: the mapping has no such access). The one row that is not a
 * phase's is the group mapping's load and store of the env's cells around a launch's steps
 * ({@link Every#LAUNCH}, phase {@code null}).
 *
 * <p>Conventions: players act at random (the action draw's writes are counted); counts are upper
 * bounds where the kernel reads conditionally (DIR in turns, GRID under each window cell, the
 * zap beams at full length, every player firing with probability 1 / actions, cooldowns
 * ignored); data-dependent rare accesses are left out: the SITE_APPLES updates of an eaten or
 * grown apple, EATEN of the other players a window shows, the group mapping's NEARBY atomics, the
 * zap hits and the spawn draws. The read-only tables (SITES, FWD_STEP, PROB, ...) are left out: a
 * few hundred bytes shared by all envs, in cache. A row that reads and writes a buffer counts both
 * and is marked written.
 */
public final class PhaseAccesses {
  private PhaseAccesses() {}

  /** How often an access happens, as a fraction of the steps. */
  public enum Every {
    STEP, PERIOD, ROUND, EPISODE,
    /** once per launch (the group mapping's load and store of the cells): 1 / steps per launch */
    LAUNCH;

    /** The share of the steps at which it happens. */
    public double perStep(EnvSpec s, int stepsPerLaunch) {
      return switch (this) {
        case STEP -> 1;
        case PERIOD -> 1.0 / s.taxPeriod();
        case ROUND -> 1.0 / s.roundSteps();
        case EPISODE -> 1.0 / s.episodeLength();
        case LAUNCH -> 1.0 / stepsPerLaunch;
      };
    }
  }

  /** How the lanes of a warp are spread over an access's elements (kernels' loops; AccessModel turns this into addresses). */
  public enum Spread {
    /** the env's elements of the buffer in order: lane = element (group), or element k of 32 envs (per env) */
    PLAYERS,
    /** one element of the env's own: every lane of the env at it (group), or lane = env (per env) */
    ENV_ELEMENT,
    /** the env's N * VIEW observation bytes, in order */
    OBS_BYTES,
    /** the window cells behind the observation bytes (observe.cl window_cell) */
    WINDOW_CELLS,
    /** the env's apple sites in site order (regrowth.cl) */
    SITES,
    /** the env's CELLS cells in order (step_group.cl load/store, final.cl, reset.cl) */
    CELLS,
    /** the env's N * SCALARS floats, player-major, lane = player (scalars.cl) */
    SCALARS,
    /** lanes at unrelated cells (the players' positions; each player's own window): a sector per lane */
    SCATTERED,
    /** one lane: a phase the rules make sequential (ONE) */
    SEQUENTIAL
  }

  /**
   * One access: its phase ({@code null} for the launch's load and store), how often it happens, the
   * buffer, whether it writes, the elements of one env it touches each time, and its spread in the
   * per-env and the group mapping.
   */
  public record Access(Phase phase, Every every, Buf buf, boolean write, double elements, Spread env, Spread group) {
    /** Elements per env-step: the elements times how often. */
    public double perStep(EnvSpec s, int stepsPerLaunch) {
      return elements * every.perStep(s, stepsPerLaunch);
    }

    /** The phase's name (lower case), with when it happens unless every step. */
    public String label() {
      String p = phase == null ? "launch load/store (group, local cells)" : phase.name().toLowerCase(java.util.Locale.ROOT);
      return every == Every.STEP || every == Every.LAUNCH ? p : p + " (" + every.name().toLowerCase(java.util.Locale.ROOT) + " end)";
    }
  }

  /** The step's accesses for layout {@code l}, in phase order; zap's rows only where the spec has zap on. */
  public static List<Access> of(Layout l) {
    EnvSpec s = l.spec;
    double n = l.players, b = s.brackets(), f = s.scalars(), sites = l.sites.length, c = l.cells;
    double zappers = s.zap() ? n / s.actions() : 0, beam = (2.0 * s.zapHalfWidth() + 1) * s.zapLength();
    boolean limit = s.divergenceLimit() != Float.POSITIVE_INFINITY;
    Spread p = Spread.PLAYERS, one = Spread.SEQUENTIAL, own = Spread.ENV_ELEMENT;
    Every step = Every.STEP, period = Every.PERIOD, round = Every.ROUND, episode = Every.EPISODE;
    List<Access> a = new ArrayList<>();
    add(a, Phase.RANDOM_ACTIONS, step, Buf.ACTIONS, true, n, p, p);
    add(a, Phase.PERIOD_START, period, Buf.PENDING_LEVELS, false, b, p, p);
    add(a, Phase.PERIOD_START, period, Buf.RATES, true, limit ? 2 * b : b, p, p); // read only for the divergence limit
    add(a, Phase.PERIOD_START, period, Buf.RATE_SUM, true, 2 * b, p, p);
    if (s.zap()) {
      add(a, Phase.RESPAWN, step, Buf.ZAP_FLAGS, true, n, p, p);
      add(a, Phase.RESPAWN, step, Buf.REMOVED, false, n, p, one);
    }
    add(a, Phase.TURNS, step, Buf.POS, false, n, p, p);
    add(a, Phase.TURNS, step, Buf.ACTIONS, false, n, p, p);
    add(a, Phase.TURNS, step, Buf.DIR, true, 2 * n, p, p);
    add(a, Phase.MOVES, step, Buf.ORDER, true, 6 * n, p, one); // init, swaps r/w, read in order
    add(a, Phase.MOVES, step, Buf.POS, true, 2 * n, p, one);
    add(a, Phase.MOVES, step, Buf.ACTIONS, false, n, p, one);
    add(a, Phase.MOVES, step, Buf.DIR, false, n, p, one);
    add(a, Phase.MOVES, step, Buf.GRID, false, n, Spread.WINDOW_CELLS, one);
    add(a, Phase.MOVES, step, Buf.OCC, true, 3 * n, Spread.WINDOW_CELLS, one); // target read, two writes
    if (s.zap()) {
      add(a, Phase.ZAPS, step, Buf.POS, false, n, p, p);
      add(a, Phase.ZAPS, step, Buf.COOLDOWN, true, 2 * n, p, p);
      add(a, Phase.ZAPS, step, Buf.ACTIONS, false, n, p, p);
      add(a, Phase.ZAPS, step, Buf.DIR, false, zappers, p, p);
      add(a, Phase.ZAPS, step, Buf.ZAP_FLAGS, true, zappers + n, p, p); // fired flags, then the hits pass reads all
      add(a, Phase.ZAPS, step, Buf.GRID, false, zappers * beam, Spread.WINDOW_CELLS, Spread.SCATTERED);
      add(a, Phase.ZAPS, step, Buf.OCC, false, zappers * beam, Spread.WINDOW_CELLS, Spread.SCATTERED);
    }
    add(a, Phase.CONSUMPTION, step, Buf.POS, false, n, p, p);
    add(a, Phase.CONSUMPTION, step, Buf.GRID, true, 2 * n, Spread.WINDOW_CELLS, Spread.SCATTERED);
    add(a, Phase.CONSUMPTION, step, Buf.EATEN, true, 2 * n, p, p); // written, read back by the count update pass
    add(a, Phase.CONSUMPTION, step, Buf.NEARBY, true, n, p, p); // restarts at 0
    add(a, Phase.REGROWTH, step, Buf.GRID, false, sites, Spread.SITES, Spread.SITES);
    add(a, Phase.REGROWTH, step, Buf.SITE_APPLES, false, sites, Spread.SITES, Spread.SITES);
    add(a, Phase.REGROWTH, step, Buf.GRID, false, sites, Spread.SITES, one); // the apply pass
    observeWindows(a, l, step, true);
    add(a, Phase.INCOME, step, Buf.EATEN, false, n, p, p);
    add(a, Phase.INCOME, step, Buf.PERIOD_INCOME, true, 2 * n, p, p);
    add(a, Phase.INCOME, step, Buf.ROUND_APPLES, true, 2 * n, p, p);
    add(a, Phase.TAXES, step, Buf.TAX, true, n, p, p); // 0 or the period's tax
    add(a, Phase.TAXES, step, Buf.LUMP, true, n, p, p);
    add(a, Phase.TAXES, period, Buf.PERIOD_INCOME, false, n, p, p);
    add(a, Phase.TAXES, period, Buf.RATES, false, n * b, own, own);
    add(a, Phase.TAXES, period, Buf.TAX, false, n, p, one); // the sum in player order
    add(a, Phase.TAXES, period, Buf.TAX, false, n, p, p); // the lumps
    add(a, Phase.TAXES, period, Buf.REVENUE, true, 2, own, one);
    for (Buf r : new Buf[] {Buf.EATEN, Buf.SIGMA, Buf.BETA, Buf.NEARBY, Buf.LUMP}) add(a, Phase.REWARDS, step, r, false, n, p, p);
    if (s.zap()) add(a, Phase.REWARDS, step, Buf.ZAP_FLAGS, false, n, p, p);
    for (Buf w : new Buf[] {Buf.R_INT, Buf.R_EXT, Buf.REWARD}) add(a, Phase.REWARDS, step, w, true, n, p, p);
    add(a, Phase.CLOCK, step, Buf.T, true, 2, own, one); // read at the step's start, written here
    add(a, Phase.CLOCK, step, Buf.TICK, true, 2, own, one);
    add(a, Phase.CLOCK, period, Buf.PERIOD_INCOME, true, 2 * n, p, p);
    add(a, Phase.CLOCK, period, Buf.PERIOD_END_INCOME, true, n, p, p);
    add(a, Phase.ROUND_END, round, Buf.ROUND_APPLES, true, 2 * n, p, p); // snapshot, restart
    add(a, Phase.ROUND_END, round, Buf.ROUND_END_APPLES, true, n, p, p);
    add(a, Phase.ROUND_END, round, Buf.RATE_SUM, true, 2 * b, p, p);
    add(a, Phase.ROUND_END, round, Buf.ROUND_END_RATE_SUM, true, b, p, p);
    add(a, Phase.ROUND_END, round, Buf.GRID, false, sites, Spread.SITES, Spread.SCATTERED); // each patch's sites
    add(a, Phase.ROUND_END, round, Buf.ETA, true, s.socialChoice() == SocialChoice.MAJORITY ? 2 : 1, own, one);
    add(a, Phase.ROUND_END, round, Buf.REVENUE, true, 2, own, one);
    for (Buf w : new Buf[] {Buf.ROUND_END_ETA, Buf.ROUND_END_REVENUE, Buf.ROUND_END_LEFT, Buf.ROUND_END_LOST}) {
      add(a, Phase.ROUND_END, round, w, true, 1, own, one);
    }
    observeScalars(a, l, step);
    add(a, Phase.KEEP_FINAL, step, Buf.DONE, true, 1, own, one); // 0, or 1 at the episode's end
    add(a, Phase.KEEP_FINAL, episode, Buf.OBS, false, n * l.spec.obsCells(), Spread.OBS_BYTES, Spread.OBS_BYTES);
    add(a, Phase.KEEP_FINAL, episode, Buf.FINAL_OBS, true, n * l.spec.obsCells(), Spread.OBS_BYTES, Spread.OBS_BYTES);
    add(a, Phase.KEEP_FINAL, episode, Buf.OBS_SCALARS, false, n * f, p, p);
    add(a, Phase.KEEP_FINAL, episode, Buf.FINAL_SCALARS, true, n * f, p, p);
    add(a, Phase.KEEP_FINAL, episode, Buf.GRID, false, c, Spread.CELLS, Spread.CELLS);
    add(a, Phase.KEEP_FINAL, episode, Buf.FINAL_GRID, true, c, Spread.CELLS, Spread.CELLS);
    for (Buf r : new Buf[] {Buf.POS, Buf.DIR}) add(a, Phase.KEEP_FINAL, episode, r, false, n, p, p);
    for (Buf w : new Buf[] {Buf.FINAL_POS, Buf.FINAL_DIR}) add(a, Phase.KEEP_FINAL, episode, w, true, n, p, p);
    add(a, Phase.RESET_EPISODE, episode, Buf.GRID, true, c, Spread.CELLS, Spread.CELLS);
    add(a, Phase.RESET_EPISODE, episode, Buf.OCC, true, c + n, Spread.CELLS, Spread.CELLS); // cleared, then the spawns
    add(a, Phase.RESET_EPISODE, episode, Buf.SITE_APPLES, true, sites, Spread.SITES, Spread.SITES);
    for (Buf w : new Buf[] {Buf.POS, Buf.COOLDOWN, Buf.REMOVED, Buf.PERIOD_INCOME}) add(a, Phase.RESET_EPISODE, episode, w, true, n, p, p);
    add(a, Phase.RESET_EPISODE, episode, Buf.POS, true, n, p, one); // the spawns, in player order
    add(a, Phase.RESET_EPISODE, episode, Buf.DIR, true, n, p, one);
    add(a, Phase.RESET_EPISODE, episode, Buf.T, true, 1, own, one);
    observeWindows(a, l, episode, false); // the new episode's first observation
    observeScalars(a, l, episode);
    add(a, Phase.COUNT_APPLES, period, Buf.GRID, false, sites, Spread.SITES, one);
    add(a, Phase.COUNT_APPLES, period, Buf.PERIOD_START_APPLES, true, 1, own, one);
    // not a phase: the group mapping's load and store of the env's cells around the launch's steps
    add(a, null, Every.LAUNCH, Buf.GRID, true, 2 * c, null, Spread.CELLS);
    add(a, null, Every.LAUNCH, Buf.OCC, true, 2 * c, null, Spread.CELLS);
    add(a, null, Every.LAUNCH, Buf.SITE_APPLES, true, 2 * sites, null, Spread.SITES); // the warp mapping's local counts only
    return a;
  }

  /** observe.cl observe_windows: per-env, a player's window row by row; group, byte k of the env's OBS in work-item k mod LSZ. */
  private static void observeWindows(List<Access> a, Layout l, Every every, boolean countNearby) {
    double n = l.players, nv = n * l.spec.obsCells();
    Spread p = Spread.PLAYERS;
    add(a, Phase.OBSERVE_WINDOWS, every, Buf.OBS, true, nv, Spread.OBS_BYTES, Spread.OBS_BYTES);
    add(a, Phase.OBSERVE_WINDOWS, every, Buf.GRID, false, nv, Spread.WINDOW_CELLS, Spread.WINDOW_CELLS);
    add(a, Phase.OBSERVE_WINDOWS, every, Buf.OCC, false, nv, Spread.WINDOW_CELLS, Spread.WINDOW_CELLS);
    add(a, Phase.OBSERVE_WINDOWS, every, Buf.POS, false, n, p, null);
    add(a, Phase.OBSERVE_WINDOWS, every, Buf.DIR, false, n, p, null);
    add(a, Phase.OBSERVE_WINDOWS, every, Buf.POS, false, nv, null, Spread.OBS_BYTES); // group: every byte reads its player's POS and DIR
    add(a, Phase.OBSERVE_WINDOWS, every, Buf.DIR, false, nv, null, Spread.OBS_BYTES);
    if (countNearby) add(a, Phase.OBSERVE_WINDOWS, every, Buf.NEARBY, true, n, p, null); // group: atomics where a window shows an eater
  }

  /** scalars.cl observe_scalars. */
  private static void observeScalars(List<Access> a, Layout l, Every every) {
    double n = l.players;
    Spread p = Spread.PLAYERS, own = Spread.ENV_ELEMENT;
    add(a, Phase.OBSERVE_SCALARS, every, Buf.T, false, 1, own, own);
    add(a, Phase.OBSERVE_SCALARS, every, Buf.ETA, false, 1, own, own);
    for (Buf r : new Buf[] {Buf.SIGMA, Buf.BETA, Buf.PERIOD_INCOME}) add(a, Phase.OBSERVE_SCALARS, every, r, false, n, p, p);
    add(a, Phase.OBSERVE_SCALARS, every, Buf.RATES, false, n * l.spec.brackets(), own, own);
    add(a, Phase.OBSERVE_SCALARS, every, Buf.OBS_SCALARS, true, n * l.spec.scalars(), Spread.SCALARS, Spread.SCALARS);
  }

  private static void add(List<Access> a, Phase phase, Every every, Buf buf, boolean write, double elements, Spread env, Spread group) {
    if (elements > 0) a.add(new Access(phase, every, buf, write, elements, env, group));
  }
}

package org.harvestsed.engine.sim;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import org.harvestsed.engine.config.EnvSpec;
import org.harvestsed.engine.config.SocialChoice;
import org.harvestsed.engine.map.GameMap;
import org.harvestsed.engine.rng.Philox;
import org.harvestsed.engine.rng.Purpose;
import org.harvestsed.engine.rng.Rng;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;

/**
 * The reference backend: plain Java over the flat buffers, parallel over envs. It defines correct
 * behaviour; every other backend must match it bit for bit. One step of one env ({@link #stepEnv})
 * runs the phases of {@link Phase} in order, each a method declared here in that order; between the
 * respawns and the turns, {@code load} fills the worker's heap copies of the grid and of what
 * windows show (not a rule: a cache rebuilt every step). After the phases, the host bookkeeping
 * ({@link Bookkeeper#afterStep}: principal reward, round metrics) runs for every backend alike.
 * Rendering the windows before the rewards is equivalent to docs/RULES.md's order: the windows depend
 * only on the grid and positions, which nothing after regrowth changes.
 */
public final class JavaBackend implements Backend {
  public static final byte NEW_APPLE = 4; // regrowth's mark between its decide and apply passes (kernels)
  /** Window code of a cell where another player stands. */
  public static final byte SEEN_PLAYER = 3;

  private final EnvSpec spec;
  private final org.harvestsed.engine.config.Types types;
  private final Layout l;
  private final EnvState state;
  private final Bookkeeper book;
  private final EnvParallel par;
  private final Worker[] workers;
  private final int n, cells, brackets, view, scalars;
  private final float[] prob;
  private final float[] cutoffs;
  private final ByteBuffer grid, obs, done, finalObs, finalGrid, siteApples;
  private final ShortBuffer occ;
  private final IntBuffer pos, dir, cooldown, removed, zapFlags, eaten, nearby, income, roundApples, order,
      pending, t, tick, actions, finalPos, finalDir;
  private final FloatBuffer sigma, beta, rates, tax, lump, rExt, rInt, eta, revenue, obsScalars, reward,
      finalScalars, principalReward, rateSum, endEta, endRevenue, endRateSum;
  private final IntBuffer endApples, endLeft, endLost, periodEndIncome, periodStartApples;
  private long seed;
  private int k0, k1;
  private boolean randomActions;
  private float cap = 1f;
  private final EnvParallel.RangeTask stepTask = this::stepRange;
  private final EnvParallel.RangeTask resetTask = this::resetRange;

  /**
   * Per-thread scratch. {@code grid} and {@code vis} are heap copies of the env being stepped,
   * loaded from GRID (and POS) after the respawns and kept in step with every write to the
   * buffers until the windows are rendered: {@code grid} is GRID, {@code vis} is what a window
   * shows (GRID with {@link #SEEN_PLAYER} on every cell a player stands on). They are rebuilt at
   * every step, so nothing outside the step can make them stale; they only make the hot loops
   * read plain arrays instead of the buffers.
   */
  private static final class Worker {
    final int[] block = new int[4];
    final Bookkeeper.Scratch book;
    final float[] sigma, votes, sorted;
    final byte[] grid, vis, window;
    final int[] eaters, grown, drawing, order;
    final float[] scalars;

    Worker(Layout l) {
      book = new Bookkeeper.Scratch(l);
      sigma = new float[l.players];
      votes = new float[l.players];
      sorted = new float[l.players];
      grid = new byte[l.cells];
      vis = new byte[l.cells];
      window = new byte[Math.min(l.players, WINDOW_BATCH) * l.spec.obsCells()];
      eaters = new int[l.players];
      grown = new int[l.sites.length];
      drawing = new int[l.sites.length + 1];
      order = new int[l.players];
      scalars = new float[l.players * l.spec.scalars()];
    }
  }

  public JavaBackend(Layout layout, int envs, int threads) {
    this(new EnvState(layout, envs), threads);
  }

  /** A java backend over existing buffers (accelerator backends use it to reset on the host). */
  public JavaBackend(EnvState state, int threads) {
    Layout layout = state.layout;
    int envs = state.envs;
    this.l = layout;
    this.spec = layout.spec;
    this.types = spec.types();
    this.state = state;
    this.book = new Bookkeeper(state);
    int th = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    this.par = new EnvParallel(Math.min(th, envs));
    this.workers = new Worker[par.threads()];
    for (int w = 0; w < workers.length; w++) workers[w] = new Worker(layout);
    n = layout.players;
    cells = layout.cells;
    brackets = spec.brackets();
    view = spec.obsCells();
    scalars = spec.scalars();
    prob = spec.regrowthProb();
    cutoffs = spec.bracketCutoffs();
    grid = state.bytes(Buf.GRID);
    obs = state.bytes(Buf.OBS);
    done = state.bytes(Buf.DONE);
    finalObs = state.bytes(Buf.FINAL_OBS);
    finalGrid = state.bytes(Buf.FINAL_GRID);
    siteApples = state.bytes(Buf.SITE_APPLES);
    finalPos = state.ints(Buf.FINAL_POS);
    finalDir = state.ints(Buf.FINAL_DIR);
    occ = state.shorts(Buf.OCC);
    pos = state.ints(Buf.POS);
    dir = state.ints(Buf.DIR);
    cooldown = state.ints(Buf.COOLDOWN);
    removed = state.ints(Buf.REMOVED);
    zapFlags = state.ints(Buf.ZAP_FLAGS);
    eaten = state.ints(Buf.EATEN);
    nearby = state.ints(Buf.NEARBY);
    income = state.ints(Buf.PERIOD_INCOME);
    roundApples = state.ints(Buf.ROUND_APPLES);
    order = state.ints(Buf.ORDER);
    pending = state.ints(Buf.PENDING_LEVELS);
    t = state.ints(Buf.T);
    tick = state.ints(Buf.TICK);
    actions = state.ints(Buf.ACTIONS);
    sigma = state.floats(Buf.SIGMA);
    beta = state.floats(Buf.BETA);
    rates = state.floats(Buf.RATES);
    tax = state.floats(Buf.TAX);
    lump = state.floats(Buf.LUMP);
    rExt = state.floats(Buf.R_EXT);
    rInt = state.floats(Buf.R_INT);
    eta = state.floats(Buf.ETA);
    revenue = state.floats(Buf.REVENUE);
    obsScalars = state.floats(Buf.OBS_SCALARS);
    reward = state.floats(Buf.REWARD);
    finalScalars = state.floats(Buf.FINAL_SCALARS);
    principalReward = state.floats(Buf.PRINCIPAL_REWARD);
    rateSum = state.floats(Buf.RATE_SUM);
    endEta = state.floats(Buf.ROUND_END_ETA);
    endRevenue = state.floats(Buf.ROUND_END_REVENUE);
    endRateSum = state.floats(Buf.ROUND_END_RATE_SUM);
    endApples = state.ints(Buf.ROUND_END_APPLES);
    endLeft = state.ints(Buf.ROUND_END_LEFT);
    endLost = state.ints(Buf.ROUND_END_LOST);
    periodEndIncome = state.ints(Buf.PERIOD_END_INCOME);
    periodStartApples = state.ints(Buf.PERIOD_START_APPLES);
  }

  @Override
  public String name() {
    return "java";
  }

  @Override
  public EnvState state() {
    return state;
  }

  @Override
  public Bookkeeper bookkeeper() {
    return book;
  }

  @Override
  public void reset(long seed) {
    this.seed = seed;
    this.k0 = Rng.k0(seed);
    this.k1 = Rng.k1(seed);
    par.run(state.envs, resetTask);
  }

  @Override
  public void restore(long seed) {
    this.seed = seed;
    this.k0 = Rng.k0(seed);
    this.k1 = Rng.k1(seed);
  }

  @Override
  public void step(boolean randomActions, float cap) {
    this.randomActions = randomActions;
    this.cap = cap;
    par.run(state.envs, stepTask);
  }

  @Override
  public void stepMany(int steps, boolean randomActions, float cap) {
    for (int k = 0; k < steps; k++) step(randomActions, cap);
  }

  @Override
  public void close() {
    par.close();
  }

  private void resetRange(int worker, int from, int to) {
    Worker w = workers[worker];
    for (int e = from; e < to; e++) resetEnv(e, w);
  }

  private void stepRange(int worker, int from, int to) {
    Worker w = workers[worker];
    for (int e = from; e < to; e++) stepEnv(e, w);
  }

  // ------------------------------------------------------------------ step: the phases in order (Phase)

  /** One step of env e: the phases of {@link Phase}, in order (the kernels' step_env and StepKernel.harvestStep call the same). */
  void stepEnv(int e, Worker w) {
    final int t0 = t.get(e);
    final int tk = tick.get(e);
    if (randomActions) drawRandomActions(e, tk, w);
    if (t0 % spec.taxPeriod() == 0) periodStart(e);
    if (spec.zap()) respawn(e, tk, w);
    load(e, w);
    turns(e);
    moves(e, tk, w);
    if (spec.zap()) zaps(e, w);
    consumption(e, w);
    regrowth(e, tk, w);
    observeWindows(e, true, w);
    boolean periodEnd = spec.endsPeriod(t0);
    income(e);
    taxes(e, periodEnd);
    rewards(e);
    clock(e, t0, tk, periodEnd);
    if (spec.endsRound(tk)) roundEnd(e, (tk + 1) / spec.roundSteps(), w);
    observeScalars(e, w);
    if (spec.endsEpisode(t0)) {
      keepFinal(e);
      resetEpisode(e, tk + 1, w);
      load(e, w);
      observeWindows(e, false, w); // the step's outputs (eaten, nearby, rewards) stay the old episode's
      observeScalars(e, w);
    } else {
      done.put(e, (byte) 0);
    }
    if (periodEnd) countApples(e);
    book.afterStep(e, w.book);
  }


  /**
   * Loads env e into the worker's heap copies: {@code grid} = GRID, {@code vis} = GRID with
   * {@link #SEEN_PLAYER} where a player stands (players off the map are not drawn).
   */
  void load(int e, Worker w) {
    grid.get(e * cells, w.grid, 0, cells);
    System.arraycopy(w.grid, 0, w.vis, 0, cells);
    int pb = e * n;
    for (int i = 0; i < n; i++) {
      int p = pos.get(pb + i);
      if (p >= 0) w.vis[p] = SEEN_PLAYER;
    }
  }

  void drawRandomActions(int e, int tk, Worker w) {
    int na = spec.actions();
    for (int i = 0; i < n; i++) {
      if ((i & 3) == 0) Philox.block(i >>> 2, tk, e, Purpose.POLICY.code, k0, k1, w.block);
      actions.put(e * n + i, Philox.below(w.block[i & 3], na));
    }
  }

  /**
   * The principal's pending levels take effect: rate = level / (L - 1), clamped to within the
   * divergence limit of the rate in force (old - delta, old + delta), then capped: min(rate, cap).
   */
  void periodStart(int e) {
    float delta = spec.divergenceLimit();
    for (int b = 0; b < brackets; b++) {
      int k = e * brackets + b;
      float r = spec.rateOfLevel(pending.get(k));
      if (delta != Float.POSITIVE_INFINITY) {
        float old = rates.get(k);
        float lo = old - delta;
        float hi = old + delta;
        if (r < lo) r = lo;
        if (r > hi) r = hi;
      }
      if (r > cap) r = cap;
      rates.put(k, r);
      rateSum.put(k, rateSum.get(k) + r);
    }
  }

  /**
   * Removed players count down; at 0 they respawn on a free spawn point (RESPAWN stream), or
   * wait one more step if none is free. Also clears the step's zap flags.
   */
  void respawn(int e, int tk, Worker w) {
    int pb = e * n;
    for (int i = 0; i < n; i++) {
      zapFlags.put(pb + i, 0);
      int r = removed.get(pb + i);
      if (r > 0) {
        r--;
        removed.put(pb + i, r);
        if (r == 0 && !placeOnFreeSpawn(e, i, tk, Purpose.RESPAWN, w)) removed.put(pb + i, 1);
      }
    }
  }

  /** TURN_LEFT: o = (o + 3) mod 4; TURN_RIGHT: o = (o + 1) mod 4. Removed players do nothing. */
  void turns(int e) {
    int pb = e * n;
    for (int i = 0; i < n; i++) {
      if (pos.get(pb + i) < 0) continue;
      int a = actions.get(pb + i);
      if (a == EnvSpec.TURN_LEFT) dir.put(pb + i, (dir.get(pb + i) + 3) & 3);
      else if (a == EnvSpec.TURN_RIGHT) dir.put(pb + i, (dir.get(pb + i) + 1) & 3);
    }
  }

  /**
   * The step's move order: Fisher-Yates over 0..n-1, for i = n-1 down to 1 swap order[i] with
   * order[j], j = below(value i of the MOVE_ORDER stream, i + 1).
   */
  void moveOrder(int e, int tk, Worker w) {
    int[] ord = w.order; // shuffled on the heap, then stored to ORDER at once
    for (int i = 0; i < n; i++) ord[i] = i;
    int cached = -1;
    for (int i = n - 1; i >= 1; i--) {
      if ((i >>> 2) != cached) {
        cached = i >>> 2;
        Philox.block(cached, tk, e, Purpose.MOVE_ORDER.code, k0, k1, w.block);
      }
      int j = Philox.below(w.block[i & 3], i + 1);
      int tmp = ord[i];
      ord[i] = ord[j];
      ord[j] = tmp;
    }
    order.put(e * n, ord, 0, n);
  }

  /**
   * Moves, sequentially in the step's order: FORWARD along o, BACKWARD o+2, STEP_LEFT o+3,
   * STEP_RIGHT o+1; the player moves iff the target is not WALL (outside the map reads as WALL)
   * and no player stands there at that moment.
   */
  void moves(int e, int tk, Worker w) {
    moveOrder(e, tk, w);
    int pb = e * n;
    int g = e * cells;
    byte[] vis = w.vis;
    for (int k = 0; k < n; k++) {
      int i = w.order[k];
      int p = pos.get(pb + i);
      if (p < 0) continue;
      int a = actions.get(pb + i);
      if (a < EnvSpec.FORWARD || a > EnvSpec.STEP_RIGHT) continue;
      int o = dir.get(pb + i);
      int md = switch (a) {
        case EnvSpec.FORWARD -> o;
        case EnvSpec.BACKWARD -> (o + 2) & 3;
        case EnvSpec.STEP_LEFT -> (o + 3) & 3;
        default -> (o + 1) & 3;
      };
      int q = p + l.fwdStep[md];
      byte target = vis[q]; // WALL, another player, or the free cell's EMPTY/APPLE
      if (target != GameMap.WALL && target != SEEN_PLAYER) {
        occ.put(g + p, (short) -1);
        occ.put(g + q, (short) i);
        pos.put(pb + i, q);
        vis[p] = w.grid[p];
        vis[q] = SEEN_PLAYER;
      }
    }
  }

  /**
   * Zaps, simultaneous on the post-move positions. A player on the map whose cooldown is 0 and
   * whose action is ZAP fires (cooldown := zap.cooldown); otherwise a positive cooldown counts
   * down. The beam covers lanes l = -w..w; along each lane, cells f = 1..length ahead until the
   * first WALL; every other player in it is hit. Hit players leave the map for removal_steps.
   */
  void zaps(int e, Worker w) {
    int pb = e * n;
    int g = e * cells;
    int hw = spec.zapHalfWidth();
    int len = spec.zapLength();
    for (int i = 0; i < n; i++) {
      int p = pos.get(pb + i);
      if (p < 0) continue;
      int cd = cooldown.get(pb + i);
      if (cd > 0) {
        cooldown.put(pb + i, cd - 1);
        continue;
      }
      if (actions.get(pb + i) != EnvSpec.ZAP) continue;
      cooldown.put(pb + i, spec.zapCooldown());
      zapFlags.put(pb + i, zapFlags.get(pb + i) | 1);
      int o = dir.get(pb + i);
      int fs = l.fwdStep[o];
      int rs = l.rightStep[o];
      for (int lane = -hw; lane <= hw; lane++) {
        for (int f = 1; f <= len; f++) {
          int q = p + f * fs + lane * rs;
          if (w.grid[q] == GameMap.WALL) break;
          int j = occ.get(g + q);
          if (j >= 0 && j != i) zapFlags.put(pb + j, zapFlags.get(pb + j) | 2);
        }
      }
    }
    for (int j = 0; j < n; j++) {
      if ((zapFlags.get(pb + j) & 2) != 0) {
        int p = pos.get(pb + j);
        occ.put(g + p, (short) -1);
        w.vis[p] = w.grid[p];
        pos.put(pb + j, -1);
        removed.put(pb + j, spec.zapRemoval());
      }
    }
  }

  /**
   * Each player on the map standing on an APPLE eats it: the cell becomes EMPTY, a_i = 1, and the
   * sites around it count one apple less (SITE_APPLES).
   */
  void consumption(int e, Worker w) {
    int pb = e * n;
    int g = e * cells;
    for (int i = 0; i < n; i++) {
      int p = pos.get(pb + i);
      int a = 0;
      if (p >= 0 && w.grid[p] == GameMap.APPLE) {
        grid.put(g + p, GameMap.EMPTY);
        w.grid[p] = GameMap.EMPTY;
        addAround(e, l.siteOfCell[p], -1);
        a = 1;
      }
      eaten.put(pb + i, a);
    }
  }

  /**
   * Synchronous regrowth: every EMPTY apple site (not under a player unless regrow_under_players)
   * with k apples in its neighbourhood, read from the post-consumption grid, becomes APPLE iff
   * u &lt; P[min(k, len-1)]. k is SITE_APPLES, kept up to date by consumption and regrowth (no
   * recount). P[0] = 0, so k = 0 never regrows and no draw is made for it. The
   * sites that draw (EMPTY, k &gt; 0, not under a player unless allowed) take, in site order, the
   * values 0, 1, 2, ... of the step's REGROWTH stream: the m-th uses word m &amp; 3 of block m &gt;&gt;&gt; 2,
   * so every word of a Philox call is used. Decisions are collected first and applied after, so
   * the result does not depend on the order in which sites are decided.
   */
  void regrowth(int e, int tk, Worker w) {
    int g = e * cells;
    int sb = e * l.sites.length;
    byte[] gr = w.grid;
    byte[] vis = w.vis;
    int[] sites = l.sites;
    int kmax = prob.length - 1;
    boolean under = spec.regrowUnderPlayers();
    // the sites that draw, in site order, collected without branches (whether a site is EMPTY is
    // close to a coin flip, which a branch would mispredict half the time)
    int[] drawing = w.drawing;
    int count = 0;
    for (int s = 0; s < sites.length; s++) {
      int q = sites[s];
      int empty = (gr[q] - 1) >>> 31;                          // 1 iff EMPTY (0); WALL 1, APPLE 2 give 0
      int near = -(siteApples.get(sb + s) & 0xFF) >>> 31;      // 1 iff k > 0
      int free = under ? 1 : -(vis[q] ^ SEEN_PLAYER) >>> 31;   // 1 iff no player stands there
      drawing[count] = s;
      count += empty & near & free;
    }
    int grown = 0;
    for (int m = 0; m < count; m++) { // the m-th draw is word m & 3 of block m >>> 2
      int s = drawing[m];
      int k = Math.min(siteApples.get(sb + s) & 0xFF, kmax);
      if ((m & 3) == 0) Philox.block(m >>> 2, tk, e, Purpose.REGROWTH.code, k0, k1, w.block);
      if (Philox.uniform(w.block[m & 3]) < prob[k]) w.grown[grown++] = s;
    }
    for (int k = 0; k < grown; k++) {
      int s = w.grown[k];
      int q = sites[s];
      grid.put(g + q, GameMap.APPLE);
      gr[q] = GameMap.APPLE;
      if (vis[q] != SEEN_PLAYER) vis[q] = GameMap.APPLE;
      addAround(e, s, 1);
    }
  }

  /** SITE_APPLES of every site around site s grows by {@code delta} (an apple appeared or went at s). */
  private void addAround(int e, int s, int delta) {
    int sb = e * l.sites.length;
    int[] nbs = l.siteNeighbours;
    for (int k = l.siteNeighbourStart[s]; k < l.siteNeighbourStart[s + 1]; k++) {
      int t = sb + nbs[k];
      siteApples.put(t, (byte) (siteApples.get(t) + delta));
    }
  }

  /**
   * Recomputes SITE_APPLES of env e from its GRID. The step keeps SITE_APPLES up to date by itself;
   * this is for code that writes GRID from outside a step (tests, tools editing a state).
   */
  public static void recountSiteApples(EnvState state, int e) {
    Layout l = state.layout;
    ByteBuffer grid = state.bytes(Buf.GRID);
    ByteBuffer counts = state.bytes(Buf.SITE_APPLES);
    int g = e * l.cells;
    int sb = e * l.sites.length;
    for (int s = 0; s < l.sites.length; s++) {
      int k = 0;
      for (int j = l.siteNeighbourStart[s]; j < l.siteNeighbourStart[s + 1]; j++) {
        if (grid.get(g + l.sites[l.siteNeighbours[j]]) == GameMap.APPLE) k++;
      }
      counts.put(sb + s, (byte) k);
    }
  }

  /**
   * Egocentric windows: window cell (r, c) shows world cell pos + (ahead - r) fwd + (c - left) right;
   * codes 0 EMPTY, 1 WALL or outside, 2 APPLE, 3 another player (hiding what is under it). The
   * observer's own cell shows the grid under it. A removed player sees all 1 (nothing).
   * With {@code countNearby}, also sums for each player a_j over the other players j in its
   * window (NEARBY, which the rewards use). Each window is read from the worker's {@code vis} copy
   * (rows of the padded grid, never out of range: the padding is the view range) and written to
   * OBS in one bulk copy per batch of up to 32 players.
   */
  void observeWindows(int e, boolean countNearby, Worker w) {
    int pb = e * n;
    byte[] vis = w.vis;
    byte[] win = w.window;
    int rows = spec.obsRows();
    int cols = spec.obsCols();
    int self = spec.viewAhead() * cols + spec.viewLeft();
    int batch = win.length / view; // windows rendered on the heap, then stored to OBS batch by batch
    for (int i0 = 0; i0 < n; i0 += batch) {
      int i1 = Math.min(n, i0 + batch);
      for (int i = i0, wb = 0; i < i1; i++, wb += view) {
        int p = pos.get(pb + i);
        if (p < 0) {
          java.util.Arrays.fill(win, wb, wb + view, GameMap.WALL);
          continue;
        }
        int o = dir.get(pb + i);
        int fs = l.fwdStep[o];
        int rs = l.rightStep[o];
        int rowStart = p + spec.viewAhead() * fs - spec.viewLeft() * rs;
        if (rs == 1 || rs == -1) {
          // N and S: each window row is a run of a grid row (reversed for S)
          for (int r = 0, k = wb; r < rows; r++, k += cols) {
            int q = rowStart - r * fs;
            if (rs == 1) forwardCopy(vis, q, win, k, cols);
            else reverseCopy(vis, q, win, k, cols);
          }
        } else {
          // E and W: each window row runs along a grid column (stride +-row width), gathered eight cells per store
          for (int r = 0, k = wb; r < rows; r++, k += cols) stridedCopy(vis, rowStart - r * fs, rs, win, k, cols);
        }
        win[wb + self] = w.grid[p];
      }
      obs.put((pb + i0) * view, win, 0, (i1 - i0) * view);
    }
    if (countNearby) nearby(e, w);
  }

  /** Windows rendered on the heap before one bulk store to OBS (a bulk store per window costs more than the copy). */
  private static final int WINDOW_BATCH = 32;

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * dst[to + c] = src[from + c] for c = 0 .. len-1, eight bytes at a time; a tail shorter than eight
   * is one more eight-byte copy ending at the run's end (overlapping bytes already written with the
   * same values), so an 11-byte row is two loads and two stores.
   */
  private static void forwardCopy(byte[] src, int from, byte[] dst, int to, int len) {
    if (len < 8) {
      for (int c = 0; c < len; c++) dst[to + c] = src[from + c];
      return;
    }
    int c = 0;
    for (; c + 8 <= len; c += 8) LONGS.set(dst, to + c, (long) LONGS.get(src, from + c));
    if (c < len) LONGS.set(dst, to + len - 8, (long) LONGS.get(src, from + len - 8));
  }

  /** dst[to + c] = src[from - c] for c = 0 .. len-1, eight bytes at a time (the tail as in {@link #forwardCopy}). */
  private static void reverseCopy(byte[] src, int from, byte[] dst, int to, int len) {
    if (len < 8) {
      for (int c = 0; c < len; c++) dst[to + c] = src[from - c];
      return;
    }
    int c = 0;
    for (; c + 8 <= len; c += 8) LONGS.set(dst, to + c, Long.reverseBytes((long) LONGS.get(src, from - c - 7)));
    if (c < len) LONGS.set(dst, to + len - 8, Long.reverseBytes((long) LONGS.get(src, from - (len - 8) - 7)));
  }

  /** dst[to + c] = src[from + c * stride] for c = 0 .. len-1, eight bytes gathered into one store (the tail as in {@link #forwardCopy}). */
  private static void stridedCopy(byte[] src, int from, int stride, byte[] dst, int to, int len) {
    if (len < 8) {
      for (int c = 0; c < len; c++) dst[to + c] = src[from + c * stride];
      return;
    }
    int c = 0;
    for (; c + 8 <= len; c += 8) LONGS.set(dst, to + c, gather8(src, from + c * stride, stride));
    if (c < len) LONGS.set(dst, to + len - 8, gather8(src, from + (len - 8) * stride, stride));
  }

  private static long gather8(byte[] s, int q, int d) {
    return (s[q] & 0xFFL) | (s[q + d] & 0xFFL) << 8 | (s[q + 2 * d] & 0xFFL) << 16 | (s[q + 3 * d] & 0xFFL) << 24
        | (s[q + 4 * d] & 0xFFL) << 32 | (s[q + 5 * d] & 0xFFL) << 40 | (s[q + 6 * d] & 0xFFL) << 48 | (s[q + 7 * d] & 0xFFL) << 56;
  }

  /**
   * NEARBY: for each player on the map, the sum of a_j over the other players j inside its window
   * (0 for removed players). Only players that ate count, so the work is per eater: with few
   * players per map each player is tested against each eater; with more players than cells in
   * the box around an eater from which it can be seen, the players in that box are visited
   * instead. Both give the same integer sums.
   */
  void nearby(int e, Worker w) {
    int pb = e * n;
    int m = 0;
    for (int j = 0; j < n; j++) {
      nearby.put(pb + j, 0);
      if (eaten.get(pb + j) != 0) w.eaters[m++] = j;
    }
    if (m == 0) return;
    int reach = l.viewReach();
    if ((long) n <= (long) (2 * reach + 1) * (2 * reach + 1)) {
      for (int i = 0; i < n; i++) {
        int p = pos.get(pb + i);
        if (p < 0) continue;
        int o = dir.get(pb + i);
        int sum = 0;
        for (int k = 0; k < m; k++) {
          int j = w.eaters[k];
          if (j != i && l.sees(p, o, pos.get(pb + j))) sum += eaten.get(pb + j);
        }
        nearby.put(pb + i, sum);
      }
      return;
    }
    int g = e * cells;
    int pw = l.pw;
    for (int k = 0; k < m; k++) {
      int j = w.eaters[k];
      int pj = pos.get(pb + j);
      int rj = pj / pw;
      int cj = pj % pw;
      int r0 = Math.max(rj - reach, l.pad), r1 = Math.min(rj + reach, l.pad + l.rows - 1);
      int c0 = Math.max(cj - reach, l.pad), c1 = Math.min(cj + reach, l.pad + l.cols - 1);
      for (int r = r0; r <= r1; r++) {
        for (int c = c0; c <= c1; c++) {
          int q = r * pw + c;
          if (q == pj || w.vis[q] != SEEN_PLAYER) continue;
          int i = occ.get(g + q);
          if (l.sees(q, dir.get(pb + i), pj)) nearby.put(pb + i, nearby.get(pb + i) + eaten.get(pb + j));
        }
      }
    }
  }

  /** This step's apples into the period income and the round's apples. */
  void income(int e) {
    int pb = e * n;
    for (int i = 0; i < n; i++) {
      int a = eaten.get(pb + i);
      income.put(pb + i, income.get(pb + i) + a);
      roundApples.put(pb + i, roundApples.get(pb + i) + a);
    }
  }

  /**
   * At a period's last step: tax_i = T(w_i); sumT in player order; lump_i = sumT / n - tax_i; the
   * round's revenue grows by sumT. At every other step TAX and LUMP are 0.
   */
  void taxes(int e, boolean periodEnd) {
    int pb = e * n;
    if (!periodEnd) {
      for (int i = 0; i < n; i++) {
        tax.put(pb + i, 0f);
        lump.put(pb + i, 0f);
      }
      return;
    }
    float sum = Taxes.periodTaxes(income, pb, n, cutoffs, rates, e * brackets, tax, pb);
    float mean = sum / (float) n;
    for (int i = 0; i < n; i++) lump.put(pb + i, mean - tax.get(pb + i));
    revenue.put(e, revenue.get(e) + sum);
  }


  /**
   * r_int = sigma a + (1 - sigma) nearby; r_ext = a (+ lump at a period end) (- fire cost if it
   * fired) (- hit penalty if hit); r = beta r_ext + (1 - beta) r_int.
   */
  void rewards(int e) {
    int pb = e * n;
    boolean zap = spec.zap();
    for (int i = 0; i < n; i++) {
      float a = (float) eaten.get(pb + i);
      float s = sigma.get(pb + i);
      float b = beta.get(pb + i);
      float ri = s * a + (1f - s) * (float) nearby.get(pb + i);
      float re = a + lump.get(pb + i);
      if (zap) {
        int f = zapFlags.get(pb + i);
        if ((f & 1) != 0) re = re - spec.zapFireCost();
        if ((f & 2) != 0) re = re - spec.zapHitPenalty();
      }
      rInt.put(pb + i, ri);
      rExt.put(pb + i, re);
      reward.put(pb + i, b * re + (1f - b) * ri);
    }
  }

  /** The clock moves on; at a period's end its incomes are kept (for the principals) and restart. */
  void clock(int e, int t0, int tk, boolean periodEnd) {
    t.put(e, t0 + 1);
    tick.put(e, tk + 1);
    if (periodEnd) {
      int pb = e * n;
      for (int i = 0; i < n; i++) {
        periodEndIncome.put(pb + i, income.get(pb + i));
        income.put(pb + i, 0);
      }
    }
  }

  /**
   * A round's last step: snapshot what the round metrics need (ROUND_END_*: A_i, eta, revenue,
   * rate sums, apples left, lost patches = sites of patches without any apple), then start round
   * {@code next}; with the majority rule the players vote anew: eta = 0 if the mean vote (sum in
   * player order / n) is > 0.5, else 1. Mean and median of the fixed types do not change.
   */
  void roundEnd(int e, int next, Worker w) {
    int pb = e * n;
    for (int i = 0; i < n; i++) endApples.put(pb + i, roundApples.get(pb + i));
    endEta.put(e, eta.get(e));
    endRevenue.put(e, revenue.get(e));
    for (int b = 0; b < brackets; b++) endRateSum.put(e * brackets + b, rateSum.get(e * brackets + b));
    int g = e * cells;
    int left = 0;
    int lost = 0;
    for (int c = 0; c < l.components; c++) {
      int alive = l.applesInPatch(grid, g, c);
      left += alive;
      if (alive == 0) lost += l.compStart[c + 1] - l.compStart[c];
    }
    endLeft.put(e, left);
    endLost.put(e, lost);
    if (spec.socialChoice() == SocialChoice.MAJORITY) {
      float sum = 0f;
      for (int i = 0; i < n; i++) sum += vote(e, next, i, w);
      eta.put(e, sum / (float) n > 0.5f ? 0f : 1f);
    }
    startRound(e);
  }

  /** Player i's vote for round {@code round}: uniform of block (i, round, e, VOTE), word 0. */
  float vote(int e, int round, int i, Worker w) {
    Philox.block(i, round, e, Purpose.VOTE.code, k0, k1, w.block);
    return Philox.uniform(w.block[0]);
  }

  /** A round starts: its accumulators restart (eta was set by the caller). */
  void startRound(int e) {
    int pb = e * n;
    for (int i = 0; i < n; i++) roundApples.put(pb + i, 0);
    revenue.put(e, 0f);
    for (int b = 0; b < brackets; b++) rateSum.put(e * brackets + b, 0f);
  }

  /** Float features: sigma, beta, rates[B], (t mod period) / period, period income, eta. */
  void observeScalars(int e, Worker w) {
    int pb = e * n;
    float frac = (float) (t.get(e) % spec.taxPeriod()) / (float) spec.taxPeriod();
    float et = eta.get(e);
    float[] out = w.scalars; // filled on the heap, then stored to OBS_SCALARS at once
    for (int i = 0; i < n; i++) {
      int k = i * scalars;
      out[k] = sigma.get(pb + i);
      out[k + 1] = beta.get(pb + i);
      for (int b = 0; b < brackets; b++) out[k + 2 + b] = rates.get(e * brackets + b);
      out[k + 2 + brackets] = frac;
      out[k + 3 + brackets] = (float) income.get(pb + i);
      out[k + 4 + brackets] = et;
    }
    obsScalars.put(pb * scalars, out, 0, n * scalars);
  }

  /** An episode's last step: DONE = 1, and its last observation and state are kept for the learner and the trace. */
  void keepFinal(int e) {
    done.put(e, (byte) 1);
    int pb = e * n;
    int ob = pb * view;
    finalObs.put(ob, obs, ob, n * view);
    int sb = pb * scalars;
    finalScalars.put(sb, obsScalars, sb, n * scalars);
    finalGrid.put(e * cells, grid, e * cells, cells);
    for (int i = 0; i < n; i++) {
      finalPos.put(pb + i, pos.get(pb + i));
      finalDir.put(pb + i, dir.get(pb + i));
    }
  }

  /**
   * A new episode in env e: full apple map (so every site has all its neighbour sites' apples
   * around it), every player on a random free spawn point. The last
   * step's outputs (eaten, rewards, taxes, zap flags) are left as they are.
   */
  void resetEpisode(int e, int tk, Worker w) {
    int g = e * cells;
    l.writeInitialGrid(grid, g);
    for (int c = 0; c < cells; c++) occ.put(g + c, (short) -1);
    int sb = e * l.sites.length;
    for (int s = 0; s < l.sites.length; s++) siteApples.put(sb + s, (byte) (l.siteNeighbourStart[s + 1] - l.siteNeighbourStart[s]));
    int pb = e * n;
    for (int i = 0; i < n; i++) {
      pos.put(pb + i, -1);
      cooldown.put(pb + i, 0);
      removed.put(pb + i, 0);
      income.put(pb + i, 0);
    }
    for (int i = 0; i < n; i++) placeOnFreeSpawn(e, i, tk, Purpose.SPAWN, w);
    t.put(e, 0);
  }

  /**
   * Puts player i on a uniformly random free spawn point by rejection: attempt a draws block
   * (i, tick, e, purpose | a << 8); word 0 picks the spawn point, word 1 >>> 30 the orientation.
   * Returns false (player stays off the map) if no spawn point is free.
   */
  boolean placeOnFreeSpawn(int e, int i, int tk, Purpose p, Worker w) {
    int g = e * cells;
    int[] sp = l.spawns;
    boolean anyFree = false;
    for (int s : sp) {
      if (occ.get(g + s) < 0) {
        anyFree = true;
        break;
      }
    }
    if (!anyFree) return false;
    for (int a = 0; ; a++) {
      Philox.block(i, tk, e, p.code | (a << 8), k0, k1, w.block);
      int cell = sp[Philox.below(w.block[0], sp.length)];
      if (occ.get(g + cell) < 0) {
        occ.put(g + cell, (short) i);
        pos.put(e * n + i, cell);
        dir.put(e * n + i, w.block[1] >>> 30);
        return true;
      }
    }
  }

  /** PERIOD_START_APPLES = the apples on the map of env e (every apple stands on an apple site), for the principal's next observation. */
  void countApples(int e) {
    int g = e * cells;
    int apples = 0;
    for (int site : l.sites) if (grid.get(g + site) == GameMap.APPLE) apples++;
    periodStartApples.put(e, apples);
  }

  // ------------------------------------------------------------------ full reset

  /** Full reset of env e: types (drawn once per env), rates 0, round 0, a fresh episode. */
  void resetEnv(int e, Worker w) {
    int pb = e * n;
    for (int i = 0; i < n; i++) {
      Philox.block(i, 0, e, Purpose.TYPES.code, k0, k1, w.block);
      sigma.put(pb + i, types.sigma(w.block[0], w.block[1]));
      beta.put(pb + i, types.beta(w.block[0], w.block[1]));
    }
    for (int b = 0; b < brackets; b++) {
      pending.put(e * brackets + b, 0);
      rates.put(e * brackets + b, 0f);
    }
    tick.put(e, 0);
    done.put(e, (byte) 0);
    for (int i = 0; i < n; i++) {
      w.sigma[i] = sigma.get(pb + i);
      w.votes[i] = spec.socialChoice() == SocialChoice.MAJORITY ? vote(e, 0, i, w) : 0f;
    }
    eta.put(e, Welfare.eta(spec.socialChoice(), w.sigma, w.votes, n, w.sorted));
    startRound(e);
    book.reset(e, w.book);
    resetEpisode(e, 0, w);
    for (int i = 0; i < n; i++) {
      zapFlags.put(pb + i, 0);
      eaten.put(pb + i, 0);
      periodEndIncome.put(pb + i, 0);
      tax.put(pb + i, 0f);
      lump.put(pb + i, 0f);
      rExt.put(pb + i, 0f);
      rInt.put(pb + i, 0f);
      reward.put(pb + i, 0f);
      actions.put(pb + i, 0);
    }
    load(e, w);
    observeWindows(e, true, w);
    observeScalars(e, w);
    countApples(e);
  }
}

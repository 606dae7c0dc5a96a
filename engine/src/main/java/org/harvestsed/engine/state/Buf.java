package org.harvestsed.engine.state;

/**
 * Every buffer of the engine, with its element type, shape and {@link Role} (who reads it, and when). All are flat, structure of
 * arrays, env-major, allocated once off-heap in native byte order (so OpenCL and DJL can use
 * them without a copy). {@code C} = padded cells of {@link Layout}, {@code N} = players,
 * {@code B} = brackets, {@code V} = view rows x cols, {@code F} = scalar features, {@code S} = apple sites.
 */
public enum Buf {
  // ---- env state (the env owns it) ----
  /** [env, C] byte: EMPTY 0, WALL 1, APPLE 2 (players are not drawn). */
  GRID(Type.BYTE, Dim.CELLS, Role.STATE),
  /** [env, C] short: index of the player on the cell, -1 if none (so at most 32,767 players per map). */
  OCC(Type.SHORT, Dim.CELLS, Role.STATE),
  /** [env, N] int: padded cell of each player, -1 while removed. */
  POS(Type.INT, Dim.PLAYERS, Role.STATE),
  /** [env, N] int: orientation N=0 E=1 S=2 W=3. */
  DIR(Type.INT, Dim.PLAYERS, Role.STATE),
  /** [env, N] int: steps during which ZAP is still ignored. */
  COOLDOWN(Type.INT, Dim.PLAYERS, Role.STATE),
  /** [env, N] int: steps left off the map (0 = on the map). */
  REMOVED(Type.INT, Dim.PLAYERS, Role.STATE),
  /** [env, N] int: bit 0 fired this step, bit 1 hit this step. */
  ZAP_FLAGS(Type.INT, Dim.PLAYERS, Role.STATE),
  /** [env, N] int: a_i, apples eaten this step (0 or 1). */
  EATEN(Type.INT, Dim.PLAYERS, Role.STEP),
  /** [env, N] int: sum of a_j over the other players j in i's window this step. */
  NEARBY(Type.INT, Dim.PLAYERS, Role.STATE),
  /** [env, N] int: pre-tax apple income so far this period (w_i). */
  PERIOD_INCOME(Type.INT, Dim.PLAYERS, Role.STATE),
  /** [env, N] int: w_i of the last period that ended (snapshot at its last step, for principals). */
  PERIOD_END_INCOME(Type.INT, Dim.PLAYERS, Role.PERIOD),
  /** [env, N] int: apples collected so far this round (A_i). */
  ROUND_APPLES(Type.INT, Dim.PLAYERS, Role.PERIOD),
  /** [env, N] float: selfishness sigma_i. */
  SIGMA(Type.FLOAT, Dim.PLAYERS, Role.STATE),
  /** [env, N] float: trust beta_i. */
  BETA(Type.FLOAT, Dim.PLAYERS, Role.STATE),
  /** [env, N] int: scratch for the step's move order. */
  ORDER(Type.INT, Dim.PLAYERS, Role.STATE),
  /** [env, B] int: rate levels the principal chose for the next period. */
  PENDING_LEVELS(Type.INT, Dim.BRACKETS, Role.INPUT),
  /** [env, B] float: effective rates in force (after cap and divergence limit). */
  RATES(Type.FLOAT, Dim.BRACKETS, Role.PERIOD),
  /** [env, N] float: T(w_i) at a period's last step, else 0. */
  TAX(Type.FLOAT, Dim.PLAYERS, Role.STATE),
  /** [env, N] float: redistribution lump at a period's last step, else 0. */
  LUMP(Type.FLOAT, Dim.PLAYERS, Role.STATE),
  /** [env, N] float: extrinsic reward. */
  R_EXT(Type.FLOAT, Dim.PLAYERS, Role.STATE),
  /** [env, N] float: intrinsic reward. */
  R_INT(Type.FLOAT, Dim.PLAYERS, Role.STATE),
  /** [env] int: step within the episode, 0-based, of the next step. */
  T(Type.INT, Dim.ONE, Role.STEP),
  /** [env] int: steps since reset(seed): the RNG's tick. */
  TICK(Type.INT, Dim.ONE, Role.PERIOD),
  /** [env] float: eta of the current round. */
  ETA(Type.FLOAT, Dim.ONE, Role.PERIOD),
  /** [env] float: tax revenue collected so far this round. */
  REVENUE(Type.FLOAT, Dim.ONE, Role.STATE),
  /** [env, B] float: sum of the rates in force at this round's period starts. */
  RATE_SUM(Type.FLOAT, Dim.BRACKETS, Role.STATE),
  // ---- snapshots taken at a round's last step, before the next round starts (for host metrics) ----
  /** [env, N] int: A_i of the round that just ended. */
  ROUND_END_APPLES(Type.INT, Dim.PLAYERS, Role.ROUND),
  /** [env] float: eta of the round that just ended. */
  ROUND_END_ETA(Type.FLOAT, Dim.ONE, Role.ROUND),
  /** [env] float: tax revenue of the round that just ended. */
  ROUND_END_REVENUE(Type.FLOAT, Dim.ONE, Role.ROUND),
  /** [env, B] float: RATE_SUM of the round that just ended. */
  ROUND_END_RATE_SUM(Type.FLOAT, Dim.BRACKETS, Role.ROUND),
  /** [env] int: apples on the map at the round's end. */
  ROUND_END_LEFT(Type.INT, Dim.ONE, Role.ROUND),
  /** [env] int: apple sites whose patch holds no apple at the round's end (lost patches). */
  ROUND_END_LOST(Type.INT, Dim.ONE, Role.ROUND),
  // ---- IO (the trainer reads or writes these) ----
  /** [env, N] int: actions in. */
  ACTIONS(Type.INT, Dim.PLAYERS, Role.INPUT),
  /** [env, N, V] byte: egocentric window codes 0 EMPTY, 1 WALL/outside, 2 APPLE, 3 player. */
  OBS(Type.BYTE, Dim.OBS, Role.STEP),
  /** [env, N, F] float: sigma, beta, rates[B], period fraction, period income, eta. */
  OBS_SCALARS(Type.FLOAT, Dim.SCALARS, Role.STEP),
  /** [env, N] float: r_i. */
  REWARD(Type.FLOAT, Dim.PLAYERS, Role.STEP),
  /** [env] byte: 1 when the step ended the episode (time-limit truncation). */
  DONE(Type.BYTE, Dim.ONE, Role.STEP),
  /** [env, N, V] byte: last observation of the episode that just ended (valid where DONE). */
  FINAL_OBS(Type.BYTE, Dim.OBS, Role.EPISODE),
  /** [env, N, F] float: last scalar observation of the episode that just ended. */
  FINAL_SCALARS(Type.FLOAT, Dim.SCALARS, Role.EPISODE),
  /** [env, C] byte: the grid at the end of the episode that just ended (valid where DONE). */
  FINAL_GRID(Type.BYTE, Dim.CELLS, Role.STATE),
  /** [env, N] int: positions at the end of the episode that just ended (valid where DONE). */
  FINAL_POS(Type.INT, Dim.PLAYERS, Role.STATE),
  /** [env, N] int: orientations at the end of the episode that just ended (valid where DONE). */
  FINAL_DIR(Type.INT, Dim.PLAYERS, Role.STATE),
  /** [env] float: the principal's reward for the period that ended this step (increase of O), else 0. */
  PRINCIPAL_REWARD(Type.FLOAT, Dim.ONE, Role.HOST),
  // ---- derived env state, kept up to date by every backend ----
  /**
   * [env, S] uchar (read as unsigned): apples on the sites of each apple site's regrowth
   * neighbourhood (Layout.siteNeighbours), updated when an apple is eaten or grows; regrowth reads
   * it instead of recounting the neighbourhood.
   */
  SITE_APPLES(Type.BYTE, Dim.SITES, Role.STATE),
  /**
   * [env] int: apples on the map when the current tax period started (the principal's apple
   * fraction, docs/RULES.md section 4): written at reset and at every period's last step, after
   * an episode reset at that step, so the host never scans the grid for it.
   */
  PERIOD_START_APPLES(Type.INT, Dim.ONE, Role.PERIOD);

  public enum Type {
    BYTE(1), SHORT(2), INT(4), FLOAT(4);
    public final int bytes;

    Type(int bytes) {
      this.bytes = bytes;
    }
  }

  public enum Dim { ONE, PLAYERS, BRACKETS, CELLS, OBS, SCALARS, SITES }

  public final Type type;
  public final Dim dim;
  /** Who reads the buffer and when: what a device backend moves between host and device, and when ({@link Role}). */
  public final Role role;

  Buf(Type type, Dim dim, Role role) {
    this.type = type;
    this.dim = dim;
    this.role = role;
  }

  /** Elements per env. */
  public long perEnv(Layout l) {
    return switch (dim) {
      case ONE -> 1;
      case PLAYERS -> l.players;
      case BRACKETS -> l.spec.brackets();
      case CELLS -> l.cells;
      case OBS -> (long) l.players * l.spec.obsCells();
      case SCALARS -> (long) l.players * l.spec.scalars();
      case SITES -> Math.max(1, l.sites.length); // one unused element on maps without sites (no empty buffers)
    };
  }

  public long bytesPerEnv(Layout l) {
    return perEnv(l) * type.bytes;
  }
}

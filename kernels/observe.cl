/*
 * Egocentric windows: cell (r, c) shows pos + (VIEW_AHEAD - r) fwd + (c - VIEW_LEFT) right; codes
 * 0 EMPTY, 1 WALL/outside, 2 APPLE, 3 another player; a removed player sees all 1. With
 * count_nearby, NEARBY = sum of a_j over the other players j in the window: in the group and warp
 * mappings each observation byte adds its player's share (SUM_ADD) to NEARBY, which consumption
 * set to 0, in the same pass that writes the byte.
 */
/* What player i sees in cell q of an env's grid and occupancy; a player there other than i adds its a_j (eaten, the env's
   EATEN) to *sum. (Always inlined: it runs once per observation byte, and a call per byte cost the warp mapping ~10% of its
   step's instructions at Oclgrind's -Oz.) */
__attribute__((always_inline)) inline uchar window_code_in(CELL_SPACE const uchar* grid, CELL_SPACE const short* occ,
    __global const int* eaten, int i, int q, int* sum) {
  int j = occ[q];
  if (j >= 0 && j != i) {
    *sum += eaten[j];
    return 3;
  }
  return grid[q];
}

/* window_code_in on player i's env in s (pb: the env's first player). */
__attribute__((always_inline)) inline uchar window_code(State* s, int pb, int i, int q, int* sum) {
  return window_code_in(s->grid, s->occ, s->EATEN + pb, i, q, sum);
}

/* The cell (r, c) of the window of a player at pos facing o. */
inline int window_cell(State* s, int pos, int o, int r, int c) {
  return pos + (VIEW_AHEAD - r) * s->FWD_STEP[o] + (c - VIEW_LEFT) * s->RIGHT_STEP[o];
}

/* Player i (on the map) at pos facing o: its window row by row, written to out if write; returns NEARBY's sum. */
inline int window(State* s, int pb, int i, int pos, int o, __global uchar* restrict out, int write) {
  int fs = s->FWD_STEP[o];
  int rs = s->RIGHT_STEP[o];
  int row_start = window_cell(s, pos, o, 0, 0);
  int sum = 0;
  for (int r = 0; r < OBS_ROWS; r++) {
    int q = row_start - r * fs;
    for (int c = 0; c < OBS_COLS; c++) {
      uchar code = window_code(s, pb, i, q, &sum);
      if (write) out[r * OBS_COLS + c] = code;
      q += rs;
    }
  }
  return sum;
}

void observe_windows(State* s, int e, int count_nearby, const Params* p) {
  int pb = e * N;
  __global uchar* restrict obs = s->OBS + pb * VIEW;
#if GROUP
#if STAGE_PLAYERS
  /* each window's cell (0, 0) and its row and column steps, once per player, in the staged players'
     slots (free after the moves; a player off the map gets column step 0, which no window has) */
  __local int* origin = p->pl->pos;
  __local int* row_step = p->pl->dir;
  __local int* col_step = p->pl->act;
  for (int i = LID; i < N; i += LSZ) {
    int pos = s->POS[pb + i];
    int o = s->DIR[pb + i];
    origin[i] = pos >= 0 ? window_cell(s, pos, o, 0, 0) : 0;
    row_step[i] = s->FWD_STEP[o];
    col_step[i] = pos >= 0 ? s->RIGHT_STEP[o] : 0;
  }
  SYNC_LOCAL();
#endif
  /* the env's N * VIEW bytes of OBS in order, byte k in work-item k mod LSZ: the env's writes coalesce */
#if STAGE_PLAYERS
  int loaded = -1; /* the player whose window origin and steps the work-item holds */
  int org = 0, rs = 0, cs = 0;
#endif
  /* the env's cells and EATEN, read from s once (per byte, -Oz reloaded them from the State struct) */
  CELL_SPACE const uchar* grid = s->grid;
  CELL_SPACE const short* occ = s->occ;
  __global const int* eaten = s->EATEN + pb;
  for (int k = LID; k < N * VIEW; k += LSZ) {
    int i = k / VIEW;
    uchar code = CELL_WALL;
    int cell = k - i * VIEW;
    int r = cell / OBS_COLS;
    int c = cell - r * OBS_COLS;
#if STAGE_PLAYERS
    if (i != loaded) {
      loaded = i;
      org = origin[i];
      rs = row_step[i];
      cs = col_step[i];
    }
    int on_map = cs != 0;
#else
    int pos = s->POS[pb + i];
    int on_map = pos >= 0;
#endif
    if (on_map) {
      int seen = 0;
#if STAGE_PLAYERS
      int q = org - r * rs + c * cs; /* window_cell(pos, o, r, c), as window() steps it */
#else
      int q = window_cell(s, pos, s->DIR[pb + i], r, c);
#endif
      code = window_code_in(grid, occ, eaten, i, q, &seen);
      if (count_nearby && seen != 0) SUM_ADD(&s->NEARBY[pb + i], seen);
    }
    obs[k] = code;
  }
  /* (the slots' next writers, the moves and the reset's observation, come after a SYNC()) */
#else
  for (int i = 0; i < N; i++) {
    __global uchar* restrict out = obs + i * VIEW;
    int pos = s->POS[pb + i];
    if (pos < 0) {
      for (int k = 0; k < VIEW; k++) out[k] = CELL_WALL;
      if (count_nearby) s->NEARBY[pb + i] = 0;
      continue;
    }
    int sum = window(s, pb, i, pos, s->DIR[pb + i], out, 1);
    if (count_nearby) s->NEARBY[pb + i] = sum;
  }
#endif
}

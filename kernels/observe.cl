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
__attribute__((always_inline)) inline uchar window_code(CELL_SPACE const uchar* grid, CELL_SPACE const short* occ,
    __global const int* eaten, int i, int q, int* sum) {
  int j = occ[q];
  if (j >= 0 && j != i) {
    *sum += eaten[j];
    return 3;
  }
  return grid[q];
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
  CELL_SPACE const uchar* grid = s->grid;
  CELL_SPACE const short* occ = s->occ;
  __global const int* eaten = s->EATEN + pb;
  int sum = 0;
  for (int r = 0; r < OBS_ROWS; r++) {
    int q = row_start - r * fs;
    for (int c = 0; c < OBS_COLS; c++) {
      uchar code = window_code(grid, occ, eaten, i, q, &sum);
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
  /* each window's cell (0, 0) and its row and column steps, once per player, as one int4 in the staged players'
     slots (pos, dir, act and order: 4 N ints, free after the moves; a player off the map gets column step 0, which no
     window has) */
  __local int4* win = (__local int4*) p->pl->pos;
  for (int i = LID; i < N; i += LSZ) {
    int pos = s->POS[pb + i];
    int o = s->DIR[pb + i];
    win[i] = pos >= 0 ? (int4) (window_cell(s, pos, o, 0, 0), s->FWD_STEP[o], s->RIGHT_STEP[o], 0) : (int4) (0);
  }
  SYNC_LOCAL();
#endif
  /* the env's N * VIEW bytes of OBS; byte k = i * VIEW + cell is cell (r, c) of player i's window. A pass writes PPP
     players' windows, PPP * VIEW consecutive bytes, one per slot t = LID + j * LSZ < PPP * VIEW (PPP = LSZ / VIEW, at
     least 1: the windows that fit in the work-items), so in each pass the work-items write consecutive bytes. A
     work-item's slots are the same player offset and cell in every pass: it divides once per slot, then steps through
     the players (the byte-by-byte loop divided twice per byte and reloaded the player's window origin at each new
     player: 7.6% of the warp mapping's step at Oclgrind's -Oz). At the default 11x11 window the slots fill 121 of 128
     lanes (at worst, about half) */
  int ppp = max(1, LSZ / VIEW);
  /* the env's cells and EATEN, read from s once (per byte, -Oz reloaded them from the State struct) */
  CELL_SPACE const uchar* grid = s->grid;
  CELL_SPACE const short* occ = s->occ;
  __global const int* eaten = s->EATEN + pb;
  int slots = ppp * VIEW;
  for (int j = 0; j < (slots + LSZ - 1) / LSZ; j++) { /* the same trip count in every work-item (PoCL 3.1: see moves.cl) */
    int t = LID + j * LSZ;
    if (t >= slots) continue;
    int first = t / VIEW;
    int cell = t - first * VIEW;
    int r = cell / OBS_COLS;
    int c = cell - r * OBS_COLS;
    __global uchar* restrict out = obs + t; /* byte first * VIEW + cell; a pass on, slots bytes on */
    for (int i = first; i < N; i += ppp, out += slots) {
      uchar code = CELL_WALL;
#if STAGE_PLAYERS
      int4 w = win[i]; /* origin, row step, column step */
      int on_map = w.z != 0;
#else
      int pos = s->POS[pb + i];
      int on_map = pos >= 0;
#endif
      if (on_map) {
        int seen = 0;
#if STAGE_PLAYERS
        int q = w.x - r * w.y + c * w.z; /* window_cell(pos, o, r, c), as window() steps it */
#else
        int q = window_cell(s, pos, s->DIR[pb + i], r, c);
#endif
        code = window_code(grid, occ, eaten, i, q, &seen);
        if (count_nearby && seen != 0) SUM_ADD(&s->NEARBY[pb + i], seen);
      }
      *out = code;
    }
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

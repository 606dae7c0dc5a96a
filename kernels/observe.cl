/*
 * Egocentric windows: cell (r, c) shows pos + (VIEW_AHEAD - r) fwd + (c - VIEW_LEFT) right; codes
 * 0 EMPTY, 1 WALL/outside, 2 APPLE, 3 another player; a removed player sees all 1. With
 * count_nearby, NEARBY = sum of a_j over the other players j in the window.
 */
void observe_windows(State* s, int e, int count_nearby) {
  int pb = e * N;
  /* env-local views, read once: the stores to obs (uchar) may alias any global memory */
  __global const short* restrict occ = s->OCC + e * CELLS;
  __global const uchar* restrict grid = s->GRID + e * CELLS;
  __global const int* restrict eaten = s->EATEN + pb;
  __global uchar* restrict obs = s->OBS + pb * VIEW;
  for (int i = 0; i < N; i++) {
    __global uchar* restrict out = obs + i * VIEW;
    int pos = s->POS[pb + i];
    if (pos < 0) {
      for (int k = 0; k < VIEW; k++) out[k] = CELL_WALL;
      if (count_nearby) s->NEARBY[pb + i] = 0;
      continue;
    }
    int o = s->DIR[pb + i];
    int fs = s->FWD_STEP[o];
    int rs = s->RIGHT_STEP[o];
    int row_start = pos + VIEW_AHEAD * fs - VIEW_LEFT * rs;
    int sum = 0;
    for (int r = 0; r < OBS_ROWS; r++) {
      int q = row_start - r * fs;
      for (int c = 0; c < OBS_COLS; c++) {
        int j = occ[q];
        uchar code;
        if (j >= 0 && j != i) {
          code = 3;
          sum += eaten[j];
        } else {
          code = grid[q];
        }
        out[r * OBS_COLS + c] = code;
        q += rs;
      }
    }
    if (count_nearby) s->NEARBY[pb + i] = sum;
  }
}

/* Synchronous regrowth: decide every site on the post-consumption grid, then apply. */
void regrowth(State* s, int e, uint tick, const Params* p) {
  __global uchar* restrict grid = s->GRID + e * CELLS;
#if !REGROW_UNDER_PLAYERS
  __global const int* restrict occ = s->OCC + e * CELLS;
#endif
  __global const int* restrict sites = s->SITES;
  __global const int* restrict nb = s->NEIGHBOURHOOD;
  int cached = -1;
  int any = 0;
  uint w[4];
  for (int site = 0; site < NUM_SITES; site++) {
    int q = sites[site];
    if (grid[q] != CELL_EMPTY) continue;
#if !REGROW_UNDER_PLAYERS
    if (occ[q] >= 0) continue;
#endif
    int k = 0;
    for (int d = 0; d < NUM_NEIGHBOURS && k < NUM_PROB - 1; d++) {
      if (grid[q + nb[d]] == CELL_APPLE) k++;
    }
    if (k == 0) continue;
    if ((site >> 2) != cached) {
      cached = site >> 2;
      philox((uint) cached, tick, (uint) e, PURPOSE_REGROWTH, p->k0, p->k1, w);
    }
    if (uniform01(w[site & 3]) < s->PROB[k]) {
      grid[q] = CELL_NEW_APPLE;
      any = 1;
    }
  }
  if (!any) return;
  for (int site = 0; site < NUM_SITES; site++) {
    int q = sites[site];
    if (grid[q] == CELL_NEW_APPLE) grid[q] = CELL_APPLE;
  }
}

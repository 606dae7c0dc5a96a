/* Synchronous regrowth: decide every site on the post-consumption grid, then apply. */
void regrowth(State* s, int e, uint tick, const Params* p) {
  int g = e * CELLS;
  int cached = -1;
  int any = 0;
  uint w[4];
  for (int site = 0; site < NUM_SITES; site++) {
    int q = g + s->SITES[site];
    if (s->GRID[q] != CELL_EMPTY) continue;
#if !REGROW_UNDER_PLAYERS
    if (s->OCC[q] >= 0) continue;
#endif
    int k = 0;
    for (int d = 0; d < NUM_NEIGHBOURS && k < NUM_PROB - 1; d++) {
      if (s->GRID[q + s->NEIGHBOURHOOD[d]] == CELL_APPLE) k++;
    }
    if (k == 0) continue;
    if ((site >> 2) != cached) {
      cached = site >> 2;
      philox((uint) cached, tick, (uint) e, PURPOSE_REGROWTH, p->k0, p->k1, w);
    }
    if (uniform01(w[site & 3]) < s->PROB[k]) {
      s->GRID[q] = CELL_NEW_APPLE;
      any = 1;
    }
  }
  if (!any) return;
  for (int site = 0; site < NUM_SITES; site++) {
    int q = g + s->SITES[site];
    if (s->GRID[q] == CELL_NEW_APPLE) s->GRID[q] = CELL_APPLE;
  }
}

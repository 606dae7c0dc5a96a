/*
 * Synchronous regrowth: decide every site on the post-consumption state, then apply. k is
 * SITE_APPLES (kept up to date by consumption and by the apply pass here). The sites that draw
 * (EMPTY, k > 0, not under a player unless allowed) take values 0, 1, 2, ... of the step's
 * REGROWTH stream in site order, as in JavaBackend.regrowth.
 */
void regrowth(State* s, int e, uint tick, const Params* p) {
  __global uchar* restrict grid = s->GRID + e * CELLS;
#if !REGROW_UNDER_PLAYERS
  __global const short* restrict occ = s->OCC + e * CELLS;
#endif
  __global const uchar* counts = s->SITE_APPLES + e * NUM_SITES; /* not restrict: the apply pass writes it */
  __global const int* restrict sites = s->SITES;
  int drawn = 0; /* the m-th site that draws uses word m & 3 of block m >> 2 */
  int any = 0;
  uint w[4];
  for (int site = 0; site < NUM_SITES; site++) {
    int q = sites[site];
    if (grid[q] != CELL_EMPTY) continue;
    int k = counts[site];
    if (k == 0) continue;
#if !REGROW_UNDER_PLAYERS
    if (occ[q] >= 0) continue;
#endif
    if (k > NUM_PROB - 1) k = NUM_PROB - 1;
    if ((drawn & 3) == 0) philox((uint) (drawn >> 2), tick, (uint) e, PURPOSE_REGROWTH, p->k0, p->k1, w);
    if (uniform01(w[drawn & 3]) < s->PROB[k]) {
      grid[q] = CELL_NEW_APPLE;
      any = 1;
    }
    drawn++;
  }
  if (!any) return;
  for (int site = 0; site < NUM_SITES; site++) {
    int q = sites[site];
    if (grid[q] == CELL_NEW_APPLE) {
      grid[q] = CELL_APPLE;
      add_around(s, e, site, 1);
    }
  }
}

/*
 * Synchronous regrowth: decide every site on the post-consumption state, then apply. k is
 * SITE_APPLES (kept up to date by consumption and by the apply pass here). The sites that draw
 * (EMPTY, k > 0, not under a player unless allowed) take values 0, 1, 2, ... of the step's
 * REGROWTH stream in site order, as in JavaBackend.regrowth: the sites are decided LSZ at a time,
 * site base + LID in work-item LID, which numbers its draw by a prefix sum over the group.
 */
void regrowth(State* s, int e, uint tick, const Params* p) {
  __global const uchar* counts = s->SITE_APPLES + e * NUM_SITES; /* not restrict: the apply pass writes it */
  __global const int* restrict sites = s->SITES;
  int drawn = 0; /* draws of the sites before this round */
  int any = 0;
  int cached = -1; /* the m-th site that draws uses word m & 3 of block m >> 2 */
  uint w[4];
  for (int base = 0; base < NUM_SITES; base += LSZ) {
    int site = base + LID;
    int q = 0;
    int k = 0;
    if (site < NUM_SITES) {
      q = sites[site];
      if (s->grid[q] == CELL_EMPTY) k = counts[site];
#if !REGROW_UNDER_PLAYERS
      if (k > 0 && s->occ[q] >= 0) k = 0;
#endif
    }
    int round_draws;
    int m = drawn + group_scan(p, k > 0, &round_draws);
    if (k > 0) {
      if (k > NUM_PROB - 1) k = NUM_PROB - 1;
      if ((m >> 2) != cached) {
        cached = m >> 2;
        philox((uint) cached, tick, (uint) e, PURPOSE_REGROWTH, p->k0, p->k1, w);
      }
      if (uniform01(w[m & 3]) < s->PROB[k]) {
        s->grid[q] = CELL_NEW_APPLE;
        any = 1;
      }
    }
    drawn += round_draws;
  }
  if (group_sum(p, any) == 0) return;
  SYNC();
  /* apply in one work-item: the neighbourhoods of new apples overlap */
  ONE for (int site = 0; site < NUM_SITES; site++) {
    int q = sites[site];
    if (s->grid[q] == CELL_NEW_APPLE) {
      s->grid[q] = CELL_APPLE;
      add_around(s, e, site, 1);
    }
  }
}

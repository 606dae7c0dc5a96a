/*
 * Synchronous regrowth: decide every site on the post-consumption state, then apply. k is
 * SITE_APPLES (kept up to date by consumption and by the apply pass here). The sites that draw
 * (EMPTY, k > 0, not under a player unless allowed) take values 0, 1, 2, ... of the step's
 * REGROWTH stream in site order, as in JavaBackend.regrowth: the sites are decided LSZ at a time,
 * site base + LID in work-item LID, which numbers its draw by counting the drawing sites before it
 * (group_count_before);
 * in the group and warp mappings each Philox block of the round is computed once, by one work-item,
 * and shared in local memory. The apply pass adds the new apples to the counts (ORDER_FREE_LOOP).
 */
void regrowth(State* s, int e, uint tick, const Params* p) {
  COUNT_SPACE const COUNT_T* counts = s->counts; /* not restrict: the apply pass writes it */
  __global const int* restrict sites = s->SITES;
  CELL_SPACE uchar* grid = s->grid; /* read from s once (per site, -Oz reloaded it from the State struct) */
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
      if (grid[q] == CELL_EMPTY) k = counts[site];
#if !REGROW_UNDER_PLAYERS
      if (k > 0 && s->occ[q] >= 0) k = 0;
#endif
    }
    int round_draws;
    int m = drawn + group_count_before(p, k > 0, &round_draws);
#if GROUP
    /* the round's draws drawn .. drawn + round_draws - 1 use blocks drawn >> 2 ..: block first + LID in work-item LID */
    int first = drawn >> 2;
    int blocks = round_draws == 0 ? 0 : ((drawn + round_draws - 1) >> 2) - first + 1;
    if (LID < blocks) {
      philox((uint) (first + LID), tick, (uint) e, PURPOSE_REGROWTH, p->k0, p->k1, w);
      for (int j = 0; j < 4; j++) p->sh->words[4 * LID + j] = w[j];
    }
    SYNC_LOCAL();
#endif
    if (k > 0) {
      if (k > NUM_PROB - 1) k = NUM_PROB - 1;
#if GROUP
      uint x = p->sh->words[m - 4 * first];
#else
      if ((m >> 2) != cached) {
        cached = m >> 2;
        philox((uint) cached, tick, (uint) e, PURPOSE_REGROWTH, p->k0, p->k1, w);
      }
      uint x = w[m & 3];
#endif
      if (uniform01(x) < s->PROB[k]) {
        grid[q] = CELL_NEW_APPLE;
        any = 1;
      }
    }
    drawn += round_draws;
  }
  int grown;
  group_count_before(p, any, &grown);
#if !WARP
  if (grown == 0) return; /* (in the warp mapping every env of the work-group reaches the barrier below) */
#endif
  SYNC();
  /* the new apples' counts, where an apple grew: order-free additions (the neighbourhoods overlap) */
  if (grown != 0) ORDER_FREE_LOOP(site, NUM_SITES) {
    int q = sites[site];
    if (grid[q] == CELL_NEW_APPLE) {
      grid[q] = CELL_APPLE;
      add_around(s, site, 1);
    }
  }
}

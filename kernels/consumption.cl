/* SITE_APPLES of every site around site `site` grows by delta (an apple appeared or went there); order-free (common.h). */
void add_around(State* s, int site, int delta) {
  COUNT_SPACE COUNT_T* counts = s->counts;
  for (int k = s->SITE_NEIGHBOUR_START[site]; k < s->SITE_NEIGHBOUR_START[site + 1]; k++) COUNT_ADD(&counts[s->SITE_NEIGHBOURS[k]], delta);
}

/*
 * Each player on the map standing on an APPLE eats it (players in parallel: one per cell); the
 * sites around each eaten apple count one apple less: at once, by local atomics, where the counts
 * are in local memory (LOCAL_COUNTS: order-free), else after a barrier in one work-item
 * (neighbourhoods overlap). NEARBY restarts at 0 here; the observation pass adds to it.
 */
void consumption(State* s, int e) {
  int pb = e * N;
  for (int i = LID; i < N; i += LSZ) {
    int pos = s->POS[pb + i];
    int a = 0;
    if (pos >= 0 && s->grid[pos] == CELL_APPLE) {
      s->grid[pos] = CELL_EMPTY;
      a = 1;
#if LOCAL_COUNTS
      add_around(s, s->SITE_OF_CELL[pos], -1);
#endif
    }
    s->EATEN[pb + i] = a;
    s->NEARBY[pb + i] = 0;
  }
#if !LOCAL_COUNTS
#if !TEST_RACE /* OclgrindTest's deliberately racy variant leaves this barrier out */
  SYNC();
#endif
  ONE for (int i = 0; i < N; i++) {
    if (s->EATEN[pb + i] != 0) add_around(s, s->SITE_OF_CELL[s->POS[pb + i]], -1);
  }
#endif
}

/* SITE_APPLES of every site around site `site` grows by delta (an apple appeared or went there). */
void add_around(State* s, int e, int site, int delta) {
  __global uchar* restrict counts = s->SITE_APPLES + e * NUM_SITES;
  for (int k = s->SITE_NEIGHBOUR_START[site]; k < s->SITE_NEIGHBOUR_START[site + 1]; k++) {
    int t = s->SITE_NEIGHBOURS[k];
    counts[t] = (uchar) (counts[t] + delta);
  }
}

/*
 * Each player on the map standing on an APPLE eats it (players in parallel: one per cell); then the
 * sites around each eaten apple count one apple less (one work-item: neighbourhoods overlap).
 */
void consumption(State* s, int e) {
  int pb = e * N;
  for (int i = LID; i < N; i += LSZ) {
    int pos = s->POS[pb + i];
    int a = 0;
    if (pos >= 0 && s->grid[pos] == CELL_APPLE) {
      s->grid[pos] = CELL_EMPTY;
      a = 1;
    }
    s->EATEN[pb + i] = a;
  }
#if !TEST_RACE /* OclgrindTest's deliberately racy variant leaves this barrier out */
  SYNC();
#endif
  ONE for (int i = 0; i < N; i++) {
    if (s->EATEN[pb + i] != 0) add_around(s, e, s->SITE_OF_CELL[s->POS[pb + i]], -1);
  }
}

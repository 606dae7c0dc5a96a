/* SITE_APPLES of every site around site `site` grows by delta (an apple appeared or went there). */
void add_around(State* s, int e, int site, int delta) {
  __global uchar* restrict counts = s->SITE_APPLES + e * NUM_SITES;
  for (int k = s->SITE_NEIGHBOUR_START[site]; k < s->SITE_NEIGHBOUR_START[site + 1]; k++) {
    int t = s->SITE_NEIGHBOURS[k];
    counts[t] = (uchar) (counts[t] + delta);
  }
}

/* Each player on the map standing on an APPLE eats it; the sites around it count one apple less. */
void consumption(State* s, int e) {
  int pb = e * N;
  int g = e * CELLS;
  for (int i = 0; i < N; i++) {
    int pos = s->POS[pb + i];
    int a = 0;
    if (pos >= 0 && s->GRID[g + pos] == CELL_APPLE) {
      s->GRID[g + pos] = CELL_EMPTY;
      add_around(s, e, s->SITE_OF_CELL[pos], -1);
      a = 1;
    }
    s->EATEN[pb + i] = a;
  }
}

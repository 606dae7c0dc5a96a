/* A new episode: full apple map, every player on a random free spawn point, t = 0. */
void reset_episode(State* s, int e, uint tick, const Params* p) {
  int g = e * CELLS;
  for (int c = 0; c < CELLS; c++) {
    s->GRID[g + c] = s->INITIAL_GRID[c];
    s->OCC[g + c] = -1;
  }
  /* a full apple map: every site has all its neighbour sites' apples around it */
  for (int site = 0; site < NUM_SITES; site++) {
    s->SITE_APPLES[e * NUM_SITES + site] = (uchar) (s->SITE_NEIGHBOUR_START[site + 1] - s->SITE_NEIGHBOUR_START[site]);
  }
  int pb = e * N;
  for (int i = 0; i < N; i++) {
    s->POS[pb + i] = -1;
    s->COOLDOWN[pb + i] = 0;
    s->REMOVED[pb + i] = 0;
    s->PERIOD_INCOME[pb + i] = 0;
  }
  for (int i = 0; i < N; i++) place_on_free_spawn(s, e, i, tick, PURPOSE_SPAWN, p);
  s->T[e] = 0;
}

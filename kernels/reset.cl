/*
 * A new episode: full apple map, every player on a random free spawn point (in player order, one
 * work-item), t = 0.
 */
void reset_episode(State* s, int e, uint tick, const Params* p) {
  for (int c = LID; c < CELLS; c += LSZ) {
    s->grid[c] = s->INITIAL_GRID[c];
    s->occ[c] = -1;
  }
  /* a full apple map: every site has all its neighbour sites' apples around it */
  for (int site = LID; site < NUM_SITES; site += LSZ) {
    s->counts[site] = (COUNT_T) (s->SITE_NEIGHBOUR_START[site + 1] - s->SITE_NEIGHBOUR_START[site]);
  }
  int pb = e * N;
  for (int i = LID; i < N; i += LSZ) {
    s->POS[pb + i] = -1;
    s->COOLDOWN[pb + i] = 0;
    s->REMOVED[pb + i] = 0;
    s->PERIOD_INCOME[pb + i] = 0;
  }
  SYNC();
  ONE {
    for (int i = 0; i < N; i++) place_on_free_spawn(s, e, i, tick, PURPOSE_SPAWN, p);
    s->T[e] = 0;
  }
}

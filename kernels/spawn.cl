/*
 * Puts player i on a uniformly random free spawn point by rejection: attempt a draws block
 * (i, tick, e, purpose | a << 8); word 0 picks the spawn point, word 1 >> 30 the orientation.
 * Returns 0 (player stays off the map) if no spawn point is free.
 */
int place_on_free_spawn(State* s, int e, int i, uint tick, uint purpose, const Params* p) {
  int any_free = 0;
  for (int k = 0; k < NUM_SPAWNS; k++) {
    if (s->occ[s->SPAWNS[k]] < 0) {
      any_free = 1;
      break;
    }
  }
  if (!any_free) return 0;
  uint w[4];
  for (uint a = 0;; a++) {
    philox((uint) i, tick, (uint) e, purpose | (a << 8), p->k0, p->k1, w);
    int cell = s->SPAWNS[below(w[0], NUM_SPAWNS)];
    if (s->occ[cell] < 0) {
      s->occ[cell] = (short) i;
      s->POS[e * N + i] = cell;
      s->DIR[e * N + i] = (int) (w[1] >> 30);
      return 1;
    }
  }
}

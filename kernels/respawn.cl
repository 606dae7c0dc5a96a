/* Clears zap flags. Removed players count down; at 0 they respawn (RESPAWN stream) or wait a step: in player order, one work-item. */
void respawn(State* s, int e, uint tick, const Params* p) {
  int pb = e * N;
  for (int i = LID; i < N; i += LSZ) s->ZAP_FLAGS[pb + i] = 0;
  SYNC();
  ONE for (int i = 0; i < N; i++) {
    int r = s->REMOVED[pb + i];
    if (r > 0) {
      r--;
      s->REMOVED[pb + i] = r;
      if (r == 0 && !place_on_free_spawn(s, e, i, tick, PURPOSE_RESPAWN, p)) s->REMOVED[pb + i] = 1;
    }
  }
}

/* Simultaneous zaps on post-move positions; hit players leave the map for ZAP_REMOVAL steps. */
void zaps(State* s, int e) {
  int pb = e * N;
  for (int i = LID; i < N; i += LSZ) {
    int pos = s->POS[pb + i];
    if (pos < 0) continue;
    int cd = s->COOLDOWN[pb + i];
    if (cd > 0) {
      s->COOLDOWN[pb + i] = cd - 1;
      continue;
    }
    if (s->ACTIONS[pb + i] != ACTION_ZAP) continue;
    s->COOLDOWN[pb + i] = ZAP_COOLDOWN;
    FLAG_OR(&s->ZAP_FLAGS[pb + i], 1);
    int o = s->DIR[pb + i];
    int fs = s->FWD_STEP[o];
    int rs = s->RIGHT_STEP[o];
    for (int lane = -ZAP_HALF_WIDTH; lane <= ZAP_HALF_WIDTH; lane++) {
      for (int f = 1; f <= ZAP_LENGTH; f++) {
        int q = pos + f * fs + lane * rs;
        if (s->grid[q] == CELL_WALL) break;
        int j = s->occ[q];
        if (j >= 0 && j != i) FLAG_OR(&s->ZAP_FLAGS[pb + j], 2);
      }
    }
  }
  SYNC();
  for (int j = LID; j < N; j += LSZ) {
    if ((s->ZAP_FLAGS[pb + j] & 2) != 0) {
      s->occ[s->POS[pb + j]] = -1;
      s->POS[pb + j] = -1;
      s->REMOVED[pb + j] = ZAP_REMOVAL;
    }
  }
}

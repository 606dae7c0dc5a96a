/* The step's move order: Fisher-Yates, value i of the MOVE_ORDER stream picks j in [0, i]. */
void move_order(State* s, int e, uint tick, const Params* p) {
  int pb = e * N;
  for (int i = 0; i < N; i++) s->ORDER[pb + i] = i;
  uint w[4];
  int cached = -1;
  for (int i = N - 1; i >= 1; i--) {
    if ((i >> 2) != cached) {
      cached = i >> 2;
      philox((uint) cached, tick, (uint) e, PURPOSE_MOVE_ORDER, p->k0, p->k1, w);
    }
    int j = below(w[i & 3], i + 1);
    int tmp = s->ORDER[pb + i];
    s->ORDER[pb + i] = s->ORDER[pb + j];
    s->ORDER[pb + j] = tmp;
  }
}

/* Sequential moves (one work-item) in the step's order: into a non-WALL cell with no player at that moment. */
void moves(State* s, int e, uint tick, const Params* p) {
  if (LID != 0) return; /* sequential: one work-item */
  move_order(s, e, tick, p);
  int pb = e * N;
  for (int k = 0; k < N; k++) {
    int i = s->ORDER[pb + k];
    int pos = s->POS[pb + i];
    if (pos < 0) continue;
    int a = s->ACTIONS[pb + i];
    if (a < ACTION_FORWARD || a > ACTION_STEP_RIGHT) continue;
    int o = s->DIR[pb + i];
    int md = a == ACTION_FORWARD ? o : a == ACTION_BACKWARD ? ((o + 2) & 3) : a == ACTION_STEP_LEFT ? ((o + 3) & 3) : ((o + 1) & 3);
    int q = pos + s->FWD_STEP[md];
    if (s->grid[q] != CELL_WALL && s->occ[q] < 0) {
      s->occ[pos] = -1;
      s->occ[q] = (short) i;
      s->POS[pb + i] = q;
    }
  }
}

/* A round starts: its accumulators restart. */
void start_round(State* s, int e) {
  int pb = e * N;
  for (int i = LID; i < N; i += LSZ) s->ROUND_APPLES[pb + i] = 0;
  ONE s->REVENUE[e] = 0.0f;
  for (int b = LID; b < BRACKETS; b += LSZ) s->RATE_SUM[e * BRACKETS + b] = 0.0f;
}

/* A round's last step: snapshot for the host's metrics, then start round `next` (majority: new vote). */
void round_end(State* s, int e, uint next, const Params* p) {
  int pb = e * N;
  for (int i = LID; i < N; i += LSZ) s->ROUND_END_APPLES[pb + i] = s->ROUND_APPLES[pb + i];
  ONE {
    s->ROUND_END_ETA[e] = s->ETA[e];
    s->ROUND_END_REVENUE[e] = s->REVENUE[e];
  }
  for (int b = LID; b < BRACKETS; b += LSZ) s->ROUND_END_RATE_SUM[e * BRACKETS + b] = s->RATE_SUM[e * BRACKETS + b];
  /* patches in parallel; the integer counts summed over the group */
  int left = 0;
  int lost = 0;
  for (int c = LID; c < NUM_COMPONENTS; c += LSZ) {
    int alive = 0;
    for (int k = s->COMP_START[c]; k < s->COMP_START[c + 1]; k++) {
      if (s->grid[s->SITES[s->COMP_MEMBERS[k]]] == CELL_APPLE) alive++;
    }
    left += alive;
    if (alive == 0) lost += s->COMP_START[c + 1] - s->COMP_START[c];
  }
  left = group_sum(p, left);
  lost = group_sum(p, lost);
  ONE {
    s->ROUND_END_LEFT[e] = left;
    s->ROUND_END_LOST[e] = lost;
  }
#if MAJORITY
  /* the float sum in player order: one work-item */
  ONE {
    float sum = 0.0f;
    uint w[4];
    for (int i = 0; i < N; i++) {
      philox((uint) i, next, (uint) e, PURPOSE_VOTE, p->k0, p->k1, w);
      sum += uniform01(w[0]);
    }
    s->ETA[e] = div_rn(sum, (float) N) > 0.5f ? 0.0f : 1.0f;
  }
#endif
  SYNC();
  start_round(s, e);
}

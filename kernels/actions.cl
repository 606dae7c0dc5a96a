/* Scripted (random) players: uniform actions from the POLICY stream, block (i / 4, tick, e, POLICY), word i mod 4. */
void draw_random_actions(State* s, int e, uint tick, const Params* p) {
  uint w[4];
  for (int blk = LID; blk < (N + 3) / 4; blk += LSZ) {
    philox((uint) blk, tick, (uint) e, PURPOSE_POLICY, p->k0, p->k1, w);
    for (int k = 0; k < 4; k++) {
      int i = blk * 4 + k;
      if (i < N) s->ACTIONS[e * N + i] = below(w[k], NUM_ACTIONS);
    }
  }
}

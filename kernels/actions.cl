/* Scripted (random) players: uniform actions from the POLICY stream, block (i / 4, tick, e, POLICY), word i mod 4. */
void draw_random_actions(State* s, int e, uint tick, const Params* p) {
  uint w[4];
  for (int i = 0; i < N; i++) {
    if ((i & 3) == 0) philox((uint) (i >> 2), tick, (uint) e, PURPOSE_POLICY, p->k0, p->k1, w);
    s->ACTIONS[e * N + i] = below(w[i & 3], NUM_ACTIONS);
  }
}

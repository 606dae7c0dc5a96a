/* TURN_LEFT: o = (o + 3) mod 4; TURN_RIGHT: o = (o + 1) mod 4. */
void turns(State* s, int e) {
  int pb = e * N;
  for (int i = LID; i < N; i += LSZ) {
    if (s->POS[pb + i] < 0) continue;
    int a = s->ACTIONS[pb + i];
    if (a == ACTION_TURN_LEFT) s->DIR[pb + i] = (s->DIR[pb + i] + 3) & 3;
    else if (a == ACTION_TURN_RIGHT) s->DIR[pb + i] = (s->DIR[pb + i] + 1) & 3;
  }
}

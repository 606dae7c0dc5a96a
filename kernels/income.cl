/* This step's apples into the period income and the round's apples. */
void income(State* s, int e) {
  int pb = e * N;
  for (int i = LID; i < N; i += LSZ) {
    int a = s->EATEN[pb + i];
    s->PERIOD_INCOME[pb + i] += a;
    s->ROUND_APPLES[pb + i] += a;
  }
}

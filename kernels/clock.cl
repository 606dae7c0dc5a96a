/* The clock moves on; at a period's end its incomes are kept (for the principals) and restart. */
void clock(State* s, int e, int t0, uint tk, int period_end) {
  int pb = e * N;
  ONE {
    s->T[e] = t0 + 1;
    s->TICK[e] = (int) (tk + 1);
  }
  if (period_end) {
    for (int i = LID; i < N; i += LSZ) {
      s->PERIOD_END_INCOME[pb + i] = s->PERIOD_INCOME[pb + i];
      s->PERIOD_INCOME[pb + i] = 0;
    }
  }
}

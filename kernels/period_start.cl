/* Period start: pending levels take effect (divergence limit, then cap); RATE_SUM accumulates. */
void period_start(State* s, int e, const Params* p) {
  for (int b = LID; b < BRACKETS; b += LSZ) {
    int k = e * BRACKETS + b;
    float r = div_rn((float) s->PENDING_LEVELS[k], (float) (RATE_LEVELS - 1));
#if HAS_DIVERGENCE_LIMIT
    float old = s->RATES[k];
    float lo = old - DIVERGENCE_LIMIT;
    float hi = old + DIVERGENCE_LIMIT;
    if (r < lo) r = lo;
    if (r > hi) r = hi;
#endif
    if (r > p->cap) r = p->cap;
    s->RATES[k] = r;
    s->RATE_SUM[k] = s->RATE_SUM[k] + r;
  }
}

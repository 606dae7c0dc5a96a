/* The part of income w inside bracket b. */
inline float amount_in(State* s, float w, int b) {
  float lo = s->CUTOFFS[b];
  if (b == BRACKETS - 1) return w > lo ? w - lo : 0.0f;
  float hi = s->CUTOFFS[b + 1];
  if (w > hi) return hi - lo;
  return w > lo ? w - lo : 0.0f;
}

/*
 * At a period's last step: tax_i = T(w_i); lump_i = (sum tax) / n - tax_i; revenue += sum tax.
 * Other steps: TAX = LUMP = 0. (period_end is the same for every work-item of a group.)
 */
void taxes(State* s, int e, int period_end, const Params* p) {
  int pb = e * N;
  if (!period_end) {
    for (int i = LID; i < N; i += LSZ) {
      s->TAX[pb + i] = 0.0f;
      s->LUMP[pb + i] = 0.0f;
    }
    return;
  }
  for (int i = LID; i < N; i += LSZ) {
    float w = (float) s->PERIOD_INCOME[pb + i];
    float t = 0.0f;
    for (int b = 0; b < BRACKETS; b++) t = t + s->RATES[e * BRACKETS + b] * amount_in(s, w, b);
    s->TAX[pb + i] = t;
  }
  SYNC();
  /* the float sum in player order: one work-item */
  ONE {
    float sum = 0.0f;
    for (int i = 0; i < N; i++) sum = sum + s->TAX[pb + i];
    p->sh->sum = sum;
    s->REVENUE[e] = s->REVENUE[e] + sum;
  }
  SYNC();
  float mean = div_rn(p->sh->sum, (float) N);
  for (int i = LID; i < N; i += LSZ) s->LUMP[pb + i] = mean - s->TAX[pb + i];
}

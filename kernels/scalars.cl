/* Float features: sigma, beta, rates[B], (t mod period) / period, period income, eta. */
void observe_scalars(State* s, int e) {
  int pb = e * N;
  float frac = div_rn((float) (s->T[e] % TAX_PERIOD), (float) TAX_PERIOD);
  float eta = s->ETA[e];
  for (int i = LID; i < N; i += LSZ) {
    int k = (pb + i) * SCALARS;
    s->OBS_SCALARS[k] = s->SIGMA[pb + i];
    s->OBS_SCALARS[k + 1] = s->BETA[pb + i];
    for (int b = 0; b < BRACKETS; b++) s->OBS_SCALARS[k + 2 + b] = s->RATES[e * BRACKETS + b];
    s->OBS_SCALARS[k + 2 + BRACKETS] = frac;
    s->OBS_SCALARS[k + 3 + BRACKETS] = (float) s->PERIOD_INCOME[pb + i];
    s->OBS_SCALARS[k + 4 + BRACKETS] = eta;
  }
}

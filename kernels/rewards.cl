/* r_int = sigma a + (1 - sigma) nearby; r_ext = a + lump - costs; r = beta r_ext + (1 - beta) r_int. */
void rewards(State* s, int e) {
  int pb = e * N;
  for (int i = LID; i < N; i += LSZ) {
    float a = (float) s->EATEN[pb + i];
    float sg = s->SIGMA[pb + i];
    float bt = s->BETA[pb + i];
    float ri = sg * a + (1.0f - sg) * (float) s->NEARBY[pb + i];
    float re = a + s->LUMP[pb + i];
#if ZAP
    int f = s->ZAP_FLAGS[pb + i];
    if ((f & 1) != 0) re = re - ZAP_FIRE_COST;
    if ((f & 2) != 0) re = re - ZAP_HIT_PENALTY;
#endif
    s->R_INT[pb + i] = ri;
    s->R_EXT[pb + i] = re;
    s->REWARD[pb + i] = bt * re + (1.0f - bt) * ri;
  }
}

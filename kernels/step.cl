/*
 * One step of env e, the phases in the order of docs/RULES.md section 3 (the same as JavaBackend.stepEnv).
 * The host's Bookkeeper then computes the principal's reward and round metrics from the snapshots.
 */
void draw_random_actions(State* s, int e, uint tick, const Params* p) {
  uint w[4];
  for (int i = 0; i < N; i++) {
    if ((i & 3) == 0) philox((uint) (i >> 2), tick, (uint) e, PURPOSE_POLICY, p->k0, p->k1, w);
    s->ACTIONS[e * N + i] = below(w[i & 3], NUM_ACTIONS);
  }
}

/* Apples on the map of env e (every apple stands on an apple site): PERIOD_START_APPLES. */
int apples_on_map(State* s, int e) {
  int g = e * CELLS;
  int apples = 0;
  for (int k = 0; k < NUM_SITES; k++) if (s->GRID[g + s->SITES[k]] == CELL_APPLE) apples++;
  return apples;
}

void step_env(State* s, int e, const Params* p) {
  int t0 = s->T[e];
  uint tk = (uint) s->TICK[e];
  int pb = e * N;
#if !SKIP_ACTIONS
  if (p->random_actions) draw_random_actions(s, e, tk, p);
#endif
  if (t0 % TAX_PERIOD == 0) period_start(s, e, p);
#if ZAP
  respawn(s, e, tk, p);
#endif
  turns(s, e);
#if !SKIP_MOVES
  moves(s, e, tk, p);
#endif
#if ZAP
  zaps(s, e);
#endif
  consumption(s, e);
#if !SKIP_REGROWTH
  regrowth(s, e, tk, p);
#endif
#if !SKIP_OBSERVE
  observe_windows(s, e, 1);
#endif
  int period_end = (t0 + 1) % TAX_PERIOD == 0;
  for (int i = 0; i < N; i++) {
    int a = s->EATEN[pb + i];
    s->PERIOD_INCOME[pb + i] += a;
    s->ROUND_APPLES[pb + i] += a;
  }
  if (period_end) {
    taxes(s, e);
  } else {
    for (int i = 0; i < N; i++) {
      s->TAX[pb + i] = 0.0f;
      s->LUMP[pb + i] = 0.0f;
    }
  }
#if !SKIP_REWARDS
  rewards(s, e);
#endif
  s->T[e] = t0 + 1;
  s->TICK[e] = (int) (tk + 1);
  if (period_end) {
    for (int i = 0; i < N; i++) {
      s->PERIOD_END_INCOME[pb + i] = s->PERIOD_INCOME[pb + i];
      s->PERIOD_INCOME[pb + i] = 0;
    }
  }
  if ((tk + 1) % ROUND_STEPS == 0) round_end(s, e, (tk + 1) / ROUND_STEPS, p);
  observe_scalars(s, e);
  if (t0 + 1 == EPISODE_LENGTH) {
    s->DONE[e] = 1;
    int ob = e * N * VIEW;
    for (int k = 0; k < N * VIEW; k++) s->FINAL_OBS[ob + k] = s->OBS[ob + k];
    int sb = e * N * SCALARS;
    for (int k = 0; k < N * SCALARS; k++) s->FINAL_SCALARS[sb + k] = s->OBS_SCALARS[sb + k];
    int g = e * CELLS;
    for (int c = 0; c < CELLS; c++) s->FINAL_GRID[g + c] = s->GRID[g + c];
    for (int i = 0; i < N; i++) {
      s->FINAL_POS[pb + i] = s->POS[pb + i];
      s->FINAL_DIR[pb + i] = s->DIR[pb + i];
    }
    reset_episode(s, e, tk + 1, p);
    observe_windows(s, e, 0);
    observe_scalars(s, e);
  } else {
    s->DONE[e] = 0;
  }
  if (period_end) s->PERIOD_START_APPLES[e] = apples_on_map(s, e);
}

/* One step of every env: one work-item per env. */
__kernel void harvest_step(STATE_ARGS, TABLE_ARGS, int envs, uint k0, uint k1, float cap, int random_actions) {
  int e = get_global_id(0);
  if (e >= envs) return;
  State st;
  STATE_INIT(st);
  Params p = {k0, k1, cap, random_actions};
  step_env(&st, e, &p);
}

/* `steps` steps of every env in one launch (scripted players); the host ends a launch at a period end. */
__kernel void harvest_step_many(STATE_ARGS, TABLE_ARGS, int envs, uint k0, uint k1, float cap, int random_actions, int steps) {
  int e = get_global_id(0);
  if (e >= envs) return;
  State st;
  STATE_INIT(st);
  Params p = {k0, k1, cap, random_actions};
  for (int k = 0; k < steps; k++) step_env(&st, e, &p);
}

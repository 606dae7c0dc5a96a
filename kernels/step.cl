/*
 * One step of env e, the phases in the order of docs/RULES.md section 3 (the same as JavaBackend.stepEnv).
 * The host's Bookkeeper then computes the principal's reward and round metrics from the snapshots.
 * s->grid and s->occ are env e's grid and occupancy (in __local memory when the group mapping keeps
 * them there; see common.h for LID, LSZ, ONE and SYNC).
 */
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

/* Copies of the state at an episode's end, before the reset. */
void final_copies(State* s, int e) {
  int pb = e * N;
  int ob = e * N * VIEW;
  for (int k = LID; k < N * VIEW; k += LSZ) s->FINAL_OBS[ob + k] = s->OBS[ob + k];
  int sb = e * N * SCALARS;
  for (int k = LID; k < N * SCALARS; k += LSZ) s->FINAL_SCALARS[sb + k] = s->OBS_SCALARS[sb + k];
  int g = e * CELLS;
  for (int c = LID; c < CELLS; c += LSZ) s->FINAL_GRID[g + c] = s->grid[c];
  for (int i = LID; i < N; i += LSZ) {
    s->FINAL_POS[pb + i] = s->POS[pb + i];
    s->FINAL_DIR[pb + i] = s->DIR[pb + i];
  }
}

void step_env(State* s, int e, const Params* p) {
  int t0 = s->T[e];
  uint tk = (uint) s->TICK[e];
  int pb = e * N;
  SYNC(); /* every work-item has read T and TICK */
#if !SKIP_ACTIONS
  if (p->random_actions) draw_random_actions(s, e, tk, p);
#endif
  if (t0 % TAX_PERIOD == 0) period_start(s, e, p);
  SYNC();
#if ZAP
  respawn(s, e, tk, p);
  SYNC();
#endif
  turns(s, e);
  SYNC();
#if !SKIP_MOVES
  moves(s, e, tk, p);
  SYNC();
#endif
#if ZAP
  zaps(s, e);
  SYNC();
#endif
  consumption(s, e);
  SYNC();
#if !SKIP_REGROWTH
  regrowth(s, e, tk, p);
  SYNC();
#endif
#if !SKIP_OBSERVE
  observe_windows(s, e, 1);
#endif
  int period_end = (t0 + 1) % TAX_PERIOD == 0;
  for (int i = LID; i < N; i += LSZ) {
    int a = s->EATEN[pb + i];
    s->PERIOD_INCOME[pb + i] += a;
    s->ROUND_APPLES[pb + i] += a;
  }
  if (period_end) {
    taxes(s, e, p);
  } else {
    for (int i = LID; i < N; i += LSZ) {
      s->TAX[pb + i] = 0.0f;
      s->LUMP[pb + i] = 0.0f;
    }
  }
  SYNC();
#if !SKIP_REWARDS
  rewards(s, e);
#endif
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
  SYNC();
  if ((tk + 1) % ROUND_STEPS == 0) {
    round_end(s, e, (tk + 1) / ROUND_STEPS, p);
    SYNC();
  }
  observe_scalars(s, e);
  if (t0 + 1 == EPISODE_LENGTH) {
    ONE s->DONE[e] = 1;
    SYNC();
    final_copies(s, e);
    SYNC();
    reset_episode(s, e, tk + 1, p);
    SYNC();
    observe_windows(s, e, 0);
    observe_scalars(s, e);
  } else {
    ONE s->DONE[e] = 0;
  }
  SYNC();
}

#if !GROUP
/* The per-env mapping: one work-item per env, the env's cells where they are (global memory). */
void step_envs(State* st, int e, const Params* p, int steps) {
  st->grid = st->GRID + e * CELLS;
  st->occ = st->OCC + e * CELLS;
  for (int k = 0; k < steps; k++) step_env(st, e, p);
}

/* One step of every env: one work-item per env. */
__kernel void harvest_step(STATE_ARGS, TABLE_ARGS, int envs, uint k0, uint k1, float cap, int random_actions) {
  int e = get_global_id(0);
  if (e >= envs) return;
  State st;
  STATE_INIT(st);
  Shared sh;
  Params p = {k0, k1, cap, random_actions, &sh};
  step_envs(&st, e, &p, 1);
}

/* `steps` steps of every env in one launch (scripted players); the host ends a launch at a period end. */
__kernel void harvest_step_many(STATE_ARGS, TABLE_ARGS, int envs, uint k0, uint k1, float cap, int random_actions, int steps) {
  int e = get_global_id(0);
  if (e >= envs) return;
  State st;
  STATE_INIT(st);
  Shared sh;
  Params p = {k0, k1, cap, random_actions, &sh};
  step_envs(&st, e, &p, steps);
}
#endif

/*
 * One step of env e: the phases of engine/.../sim/Phase.java in order (as JavaBackend.stepEnv and StepKernel.harvestStep),
 * each defined in its own file of kernels/ (docs/RULES.md section 3).
 * The host's Bookkeeper then computes the principal's reward and round metrics from the snapshots.
 * s->grid, s->occ and s->counts are env e's grid, occupancy and SITE_APPLES (in __local memory when
 * the group or warp mapping keeps them there; see common.h for LID, LSZ, ONE and SYNC).
 */
void step_env(State* s, int e, const Params* p) {
  int t0 = s->T[e];
  uint tk = (uint) s->TICK[e];
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
  observe_windows(s, e, 1, p);
#endif
  int period_end = (t0 + 1) % TAX_PERIOD == 0;
  income(s, e);
  taxes(s, e, period_end, p);
  SYNC();
#if !SKIP_REWARDS
  rewards(s, e);
#endif
  clock(s, e, t0, tk, period_end);
  SYNC();
  if ((tk + 1) % ROUND_STEPS == 0) {
    round_end(s, e, (tk + 1) / ROUND_STEPS, p);
    SYNC();
  }
  observe_scalars(s, e);
  if (t0 + 1 == EPISODE_LENGTH) {
    SYNC();
    keep_final(s, e);
    SYNC();
    reset_episode(s, e, tk + 1, p);
    SYNC();
    observe_windows(s, e, 0, p);
    observe_scalars(s, e);
  } else {
    ONE s->DONE[e] = 0;
  }
  SYNC();
  if (period_end) count_apples(s, e);
}

#if !GROUP
/* The per-env mapping: one work-item per env, the env's cells where they are (global memory). */
void step_envs(State* st, int e, const Params* p, int steps) {
  st->grid = st->GRID + e * CELLS;
  st->occ = st->OCC + e * CELLS;
  st->counts = st->SITE_APPLES + e * NUM_SITES;
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

/*
 * One step of env e: the phases of engine/.../sim/Phase.java in order (as JavaBackend.stepEnv and StepKernel.harvestStep),
 * each defined in its own file of kernels/ (docs/RULES.md section 3).
 * The host's Bookkeeper then computes the principal's reward and round metrics from the snapshots.
 */
void step_env(State* s, int e, const Params* p) {
  int t0 = s->T[e];
  uint tk = (uint) s->TICK[e];
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
  income(s, e);
  taxes(s, e, period_end);
#if !SKIP_REWARDS
  rewards(s, e);
#endif
  clock(s, e, t0, tk, period_end);
  if ((tk + 1) % ROUND_STEPS == 0) round_end(s, e, (tk + 1) / ROUND_STEPS, p);
  observe_scalars(s, e);
  if (t0 + 1 == EPISODE_LENGTH) {
    keep_final(s, e);
    reset_episode(s, e, tk + 1, p);
    observe_windows(s, e, 0);
    observe_scalars(s, e);
  } else {
    s->DONE[e] = 0;
  }
  if (period_end) count_apples(s, e);
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

/*
 * The group mapping of the step (for GPUs): one work-group steps one env, its work-items sharing
 * the phases as step_env lays out (common.h). The env's grid and occupancy are loaded into __local
 * memory where they fit the device's (LOCAL_CELLS), and written back after the launch's steps;
 * otherwise the same code works on them in global memory.
 */
#if GROUP
void step_group(State* st, int e, const Params* p, int steps, CELL_SPACE uchar* grid, CELL_SPACE short* occ) {
  int g = e * CELLS;
#if LOCAL_CELLS
  for (int c = LID; c < CELLS; c += LSZ) {
    grid[c] = st->GRID[g + c];
    occ[c] = st->OCC[g + c];
  }
  SYNC();
#endif
  st->grid = grid;
  st->occ = occ;
  for (int k = 0; k < steps; k++) step_env(st, e, p); /* ends with SYNC() */
#if LOCAL_CELLS
  for (int c = LID; c < CELLS; c += LSZ) {
    st->GRID[g + c] = grid[c];
    st->OCC[g + c] = occ[c];
  }
#endif
}

#if LOCAL_CELLS
#define GROUP_CELLS __local uchar grid[CELLS]; __local short occ[CELLS]
#else
#define GROUP_CELLS __global uchar* grid = GRID_ + e * CELLS; __global short* occ = OCC_ + e * CELLS
#endif

/* Work-group e steps env e `steps` times (the host launches envs work-groups). */
#define STEP_GROUP(steps) \
  int e = get_group_id(0); \
  __local Shared sh; \
  GROUP_CELLS; \
  State st; \
  STATE_INIT(st); \
  Params p = {k0, k1, cap, random_actions, &sh}; \
  step_group(&st, e, &p, steps, grid, occ)

/* One step of every env. */
__kernel void harvest_step(STATE_ARGS, TABLE_ARGS, int envs, uint k0, uint k1, float cap, int random_actions) {
  STEP_GROUP(1);
}

/* `steps` steps of every env in one launch (scripted players); the host ends a launch at a period end. */
__kernel void harvest_step_many(STATE_ARGS, TABLE_ARGS, int envs, uint k0, uint k1, float cap, int random_actions, int steps) {
  STEP_GROUP(steps);
}
#endif

/*
 * The group and warp mappings of the step (for GPUs): one work-group steps one env (group), or
 * WARP_SIZE work-items step one env and a work-group holds ENVS_PER_GROUP envs (warp); the
 * work-items of an env share the phases as step_env lays out (common.h). The env's grid and
 * occupancy (and, in the warp mapping, its SITE_APPLES counts) are loaded into __local memory where
 * they fit the device's (LOCAL_CELLS, LOCAL_COUNTS), and written back after the launch's steps;
 * otherwise the same code works on them in global memory.
 */
#if GROUP
/*
 * The copies of the env's cells between global and __local memory move CELL_VEC cells per access:
 * 8 where CELLS is a multiple of 8 (env e's cells then start 8-aligned in GRID and OCC, 16 bytes in
 * OCC; the __local arrays are declared 16-aligned), else 1.
 */
#if CELLS % 8 == 0
#define CELL_VEC 8
#define CELL_VEC_T(t) t##8
#else
#define CELL_VEC 1
#define CELL_VEC_T(t) t
#endif

void step_group(State* st, int e, const Params* p, int steps, CELL_SPACE uchar* grid, CELL_SPACE short* occ, COUNT_SPACE COUNT_T* counts) {
  int g = e * CELLS;
#if LOCAL_CELLS
  for (int c = LID; c < CELLS / CELL_VEC; c += LSZ) {
    ((__local CELL_VEC_T(uchar)*) grid)[c] = ((__global const CELL_VEC_T(uchar)*) (st->GRID + g))[c];
    ((__local CELL_VEC_T(short)*) occ)[c] = ((__global const CELL_VEC_T(short)*) (st->OCC + g))[c];
  }
#endif
#if LOCAL_COUNTS
  for (int k = LID; k < NUM_SITES; k += LSZ) counts[k] = st->SITE_APPLES[e * NUM_SITES + k];
#endif
#if LOCAL_CELLS
  SYNC_LOCAL();
#endif
  st->grid = grid;
  st->occ = occ;
  st->counts = counts;
  for (int k = 0; k < steps; k++) step_env(st, e, p); /* ends with SYNC() */
#if LOCAL_CELLS
  for (int c = LID; c < CELLS / CELL_VEC; c += LSZ) {
    ((__global CELL_VEC_T(uchar)*) (st->GRID + g))[c] = ((__local const CELL_VEC_T(uchar)*) grid)[c];
    ((__global CELL_VEC_T(short)*) (st->OCC + g))[c] = ((__local const CELL_VEC_T(short)*) occ)[c];
  }
#endif
#if LOCAL_COUNTS
  for (int k = LID; k < NUM_SITES; k += LSZ) st->SITE_APPLES[e * NUM_SITES + k] = (uchar) counts[k];
#endif
}

#if LOCAL_CELLS
#define GROUP_CELLS __local uchar grids[ENVS_PER_GROUP][CELLS] __attribute__((aligned(16))); \
  __local short occs[ENVS_PER_GROUP][CELLS] __attribute__((aligned(16))); \
  __local uchar* grid = grids[SLOT]; __local short* occ = occs[SLOT]
#else
#define GROUP_CELLS __global uchar* grid = GRID_ + e * CELLS; __global short* occ = OCC_ + e * CELLS
#endif
#if LOCAL_COUNTS
#define GROUP_COUNTS __local int countss[ENVS_PER_GROUP][NUM_SITES > 0 ? NUM_SITES : 1]; __local int* counts = countss[SLOT]
#else
#define GROUP_COUNTS __global uchar* counts = SITE_APPLES_ + e * NUM_SITES
#endif
#if STAGE_PLAYERS
#define GROUP_PLAYERS __local Players players[ENVS_PER_GROUP]
#define PARAMS_INIT {k0, k1, cap, random_actions, &sh[SLOT], &players[SLOT]}
#else
#define GROUP_PLAYERS
#define PARAMS_INIT {k0, k1, cap, random_actions, &sh[SLOT]}
#endif

/* Env e = group * ENVS_PER_GROUP + SLOT steps `steps` times (the host launches envs / ENVS_PER_GROUP work-groups). */
#define STEP_GROUP(steps) \
  int e = get_group_id(0) * ENVS_PER_GROUP + SLOT; \
  __local Shared sh[ENVS_PER_GROUP]; \
  GROUP_CELLS; \
  GROUP_COUNTS; \
  GROUP_PLAYERS; \
  State st; \
  STATE_INIT(st); \
  Params p = PARAMS_INIT; \
  step_group(&st, e, &p, steps, grid, occ, counts)

/* One step of every env. */
__kernel void harvest_step(STATE_ARGS, TABLE_ARGS, int envs, uint k0, uint k1, float cap, int random_actions) {
  STEP_GROUP(1);
}

/* `steps` steps of every env in one launch (scripted players); the host ends a launch at a period end. */
__kernel void harvest_step_many(STATE_ARGS, TABLE_ARGS, int envs, uint k0, uint k1, float cap, int random_actions, int steps) {
  STEP_GROUP(steps);
}
#endif

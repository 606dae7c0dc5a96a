/*
 * Sequential moves (one work-item) in the step's order: into a non-WALL cell with no player at that
 * moment. The order is Fisher-Yates: value i of the MOVE_ORDER stream picks j in [0, i].
 * With STAGE_PLAYERS (the warp mapping with local cells) the env's work-items first copy the players'
 * POS, DIR and ACTIONS into local memory and compute the order's Philox blocks (one each), so the
 * chain of work-item 0 reads no global memory; they copy POS and ORDER back after it.
 */
void moves(State* s, int e, uint tick, const Params* p) {
  int pb = e * N;
#if STAGE_PLAYERS
  __local Players* pl = p->pl;
  for (int i = LID; i < N; i += LSZ) {
    pl->pos[i] = s->POS[pb + i];
    pl->dir[i] = s->DIR[pb + i];
    pl->act[i] = s->ACTIONS[pb + i];
  }
  /* the same trip count in every work-item: PoCL 3.1 miscomputed this loop written as b = LID; b < ...; b += LSZ
     once some work-items ran it twice (N > 128; the parity suite's 300-player case), and Oclgrind did not */
  for (int k = 0; k < ((N + 3) / 4 + LSZ - 1) / LSZ; k++) {
    int b = LID + k * LSZ;
    if (b < (N + 3) / 4) {
      uint w[4];
      philox((uint) b, tick, (uint) e, PURPOSE_MOVE_ORDER, p->k0, p->k1, w);
      for (int j = 0; j < 4; j++) pl->words[4 * b + j] = w[j];
    }
  }
  SYNC_LOCAL();
  __local int* pos = pl->pos;
  __local const int* dir = pl->dir;
  __local const int* act = pl->act;
  __local int* order = pl->order;
#else
  __global int* pos = s->POS + pb;
  __global const int* dir = s->DIR + pb;
  __global const int* act = s->ACTIONS + pb;
  __global int* order = s->ORDER + pb;
#endif
  ONE {
    for (int i = 0; i < N; i++) order[i] = i;
    uint w[4];
    int cached = -1;
    for (int i = N - 1; i >= 1; i--) {
#if STAGE_PLAYERS
      uint x = pl->words[i];
#else
      if ((i >> 2) != cached) {
        cached = i >> 2;
        philox((uint) cached, tick, (uint) e, PURPOSE_MOVE_ORDER, p->k0, p->k1, w);
      }
      uint x = w[i & 3];
#endif
      int j = below(x, i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
    int fwd[4];
    for (int o = 0; o < 4; o++) fwd[o] = s->FWD_STEP[o];
    CELL_SPACE const uchar* grid = s->grid; /* read from s once (per player, -Oz reloaded them from the State struct) */
    CELL_SPACE short* occ = s->occ;
    for (int k = 0; k < N; k++) {
      int i = order[k];
      int from = pos[i];
      if (from < 0) continue;
      int a = act[i];
      if (a < ACTION_FORWARD || a > ACTION_STEP_RIGHT) continue;
      int o = dir[i];
      int md = a == ACTION_FORWARD ? o : a == ACTION_BACKWARD ? ((o + 2) & 3) : a == ACTION_STEP_LEFT ? ((o + 3) & 3) : ((o + 1) & 3);
      int q = from + fwd[md];
      if (grid[q] != CELL_WALL && occ[q] < 0) {
        occ[from] = -1;
        occ[q] = (short) i;
        pos[i] = q;
      }
    }
  }
#if STAGE_PLAYERS
#if !TEST_RACE /* OclgrindTest's deliberately racy variant of the warp mapping leaves this barrier out */
  SYNC_LOCAL();
#endif
  for (int i = LID; i < N; i += LSZ) {
    s->POS[pb + i] = pos[i];
    s->ORDER[pb + i] = order[i];
  }
#endif
}

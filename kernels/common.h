/*
 * Common header of the harvest-sed kernels. The host prepends a generated header (spec.h) that
 * defines every spec constant (N, CELLS, TAX_PERIOD, cell codes, purposes, ...) and the State
 * struct with one pointer per engine buffer (named as in Buf.java), plus STATE_ARGS/TABLE_ARGS.
 * Float arithmetic keeps the Java reference's order of operations; no contraction to FMA.
 */
#pragma OPENCL FP_CONTRACT OFF

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

/* Philox4x32-10 (Salmon et al., SC'11), the same as rng/Philox.java. */
inline void philox(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint out[4]) {
  for (int r = 0; r < 10; r++) {
    uint hi0 = mul_hi(PHILOX_M0, c0);
    uint lo0 = PHILOX_M0 * c0;
    uint hi1 = mul_hi(PHILOX_M1, c2);
    uint lo1 = PHILOX_M1 * c2;
    uint n0 = hi1 ^ c1 ^ k0;
    uint n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 += PHILOX_W0;
    k1 += PHILOX_W1;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/* (x >>> 8) * 2^-24 */
inline float uniform01(uint x) {
  return (float) (x >> 8) * 0x1.0p-24f;
}

/* (x * n) >>> 32 */
inline int below(uint x, int n) {
  return (int) mul_hi(x, (uint) n);
}

/*
 * The two mappings of the step (KernelSource.Mapping; spec.h defines GROUP, GROUP_MAX, CELL_SPACE):
 * GROUP 0, one work-item steps one env; GROUP 1, one work-group steps one env. The phases are
 * written once for both: what the rules let run in parallel loops over i = LID, LID + LSZ, ...;
 * what they make sequential runs in work-item 0 (ONE); SYNC() separates the phases. In the per-env
 * mapping LID is 0, LSZ 1 and SYNC() nothing, so the loops are the plain serial ones.
 */
#if GROUP
#define LID ((int) get_local_id(0))
#define LSZ ((int) get_local_size(0))
#define SYNC() barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE)
#define SHARED __local
/* flags several work-items may set on one player in the same phase (zaps) */
#define FLAG_OR(p, v) atomic_or(p, v)
#else
#define LID 0
#define LSZ 1
#define SYNC()
#define SHARED
#define FLAG_OR(p, v) (*(p) |= (v))
#endif
#define ONE if (LID == 0)

/* Values the work-items of a group exchange (in __local memory; private in the per-env mapping). */
typedef struct {
  float sum;
  int part[GROUP_MAX];
} Shared;

/* Kernel-wide inputs that are not buffers, and the group's shared values. */
typedef struct {
  uint k0, k1;
  float cap;
  int random_actions;
  SHARED Shared* sh;
} Params;

/*
 * The sum over the group of each work-item's v (integers: any order gives the same sum); every
 * work-item gets it. In the per-env mapping, v itself.
 */
int group_sum(const Params* p, int v) {
#if GROUP
  p->sh->part[LID] = v;
  SYNC();
  int total = 0;
  for (int k = 0; k < LSZ; k++) total += p->sh->part[k];
  SYNC();
  return total;
#else
  return v;
#endif
}

/*
 * Exclusive prefix sum over the group of each work-item's v, in work-item order: work-item l gets
 * v_0 + ... + v_(l-1); *total gets the sum of all. In the per-env mapping, 0 and v.
 */
int group_scan(const Params* p, int v, int* total) {
#if GROUP
  p->sh->part[LID] = v;
  SYNC();
  int before = 0;
  int all = 0;
  for (int k = 0; k < LSZ; k++) {
    int x = p->sh->part[k];
    if (k < LID) before += x;
    all += x;
  }
  SYNC();
  *total = all;
  return before;
#else
  *total = v;
  return 0;
#endif
}

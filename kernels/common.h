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
 * The three mappings of the step (KernelSource.Shape; spec.h defines GROUP, WARP, WARP_SIZE,
 * ENVS_PER_GROUP, GROUP_MAX, CELL_SPACE, LOCAL_COUNTS, STAGE_PLAYERS):
 * GROUP 0, one work-item steps one env; GROUP 1, one work-group steps one env; GROUP 1 and WARP 1,
 * WARP_SIZE (32) work-items step one env, ENVS_PER_GROUP envs per work-group (env slot SLOT).
 * The phases are written once for all three: what the rules let run in parallel loops over
 * i = LID, LID + LSZ, ...; what they make sequential runs in work-item 0 of the env (ONE); SYNC()
 * separates the phases. In the per-env mapping LID is 0, LSZ 1 and SYNC() nothing, so the loops are
 * the plain serial ones.
 * SYNC() fences global and local memory: the phases exchange per-player values through global
 * buffers (POS after the moves, EATEN, TAX, ...). SYNC_LOCAL() fences local memory only, where the
 * work-items share nothing else (the scans and sums, the shared Philox words, the staged players).
 * In the warp mapping both are work-group barriers over the group's ENVS_PER_GROUP envs (the portable
 * form: PoCL and Oclgrind run it), so every barrier is reached under conditions the envs share
 * (T and TICK: envs run in lockstep) and the host launches whole groups (ENVS_PER_GROUP divides
 * the envs). A sub-group barrier would do on devices with cl_khr_subgroups; it is not used.
 */
#if GROUP
#if WARP
#define LID ((int) (get_local_id(0) & (WARP_SIZE - 1)))
#define LSZ WARP_SIZE
#define SLOT ((int) (get_local_id(0) / WARP_SIZE))
#else
#define LID ((int) get_local_id(0))
#define LSZ ((int) get_local_size(0))
#define SLOT 0
#endif
#define SYNC() barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE)
#define SYNC_LOCAL() barrier(CLK_LOCAL_MEM_FENCE)
#define SHARED __local
/* flags several work-items may set on one player in the same phase (zaps) */
#define FLAG_OR(p, v) atomic_or(p, v)
/* integer sums several work-items add to (NEARBY: the observation bytes of one player) */
#define SUM_ADD(p, v) atomic_add(p, v)
#else
#define LID 0
#define LSZ 1
#define SLOT 0
#define SYNC()
#define SYNC_LOCAL()
#define SHARED
#define FLAG_OR(p, v) (*(p) |= (v))
#define SUM_ADD(p, v) (*(p) += (v))
#endif
#define ONE if (LID == 0)

/*
 * The apple counts around the sites (SITE_APPLES) of env e, s->counts: in global memory as uchar,
 * or (LOCAL_COUNTS, the warp mapping with local cells) staged in local memory as int. Their updates
 * are order-free integer additions: with LOCAL_COUNTS every work-item adds with a local atomic
 * (ORDER_FREE_LOOP runs the loop over the work-items); otherwise one work-item adds them in turn.
 */
#if LOCAL_COUNTS
#define COUNT_ADD(p, d) atomic_add(p, d)
#define ORDER_FREE_LOOP(i, n) for (int i = LID; i < (n); i += LSZ)
#else
#define COUNT_ADD(p, d) (*(p) = (COUNT_T) (*(p) + (d)))
#define ORDER_FREE_LOOP(i, n) if (LID == 0) for (int i = 0; i < (n); i++)
#endif

/*
 * Correctly rounded a / b, which parity needs (the rates, the lump, the period fraction, the vote).
 * The host builds with -cl-fp32-correctly-rounded-divide-sqrt and -DCORRECTLY_ROUNDED_DIVIDE=1 where
 * the device supports it; elsewhere OpenCL lets a / b be 2.5 ulp off, and q moves to the neighbour
 * float while that one's residual a - q b (exact, by fma, which OpenCL rounds correctly) is smaller.
 * A quotient of two floats is never half-way between two floats, so the float of smallest residual
 * is the rounded quotient. (ParityTest runs this path too, with -Dharvest.opencl.divide=fixup.)
 */
#ifndef CORRECTLY_ROUNDED_DIVIDE
#define CORRECTLY_ROUNDED_DIVIDE 0
#endif
inline float div_rn(float a, float b) {
  float q = a / b;
#if !CORRECTLY_ROUNDED_DIVIDE
  for (int k = 0; k < 3; k++) {
    float r = fabs(fma(-q, b, a));
    float up = nextafter(q, INFINITY);
    float down = nextafter(q, -INFINITY);
    float ru = fabs(fma(-up, b, a));
    float rd = fabs(fma(-down, b, a));
    if (ru < r && ru <= rd) q = up;
    else if (rd < r) q = down;
    else break;
  }
#endif
  return q;
}

/* Values the work-items of an env exchange (in __local memory; private in the per-env mapping). */
typedef struct {
  float sum;
  int part[GROUP_MAX];
#if GROUP
  /* the Philox blocks one round of regrowth draws from, each computed once (regrowth.cl) */
  uint words[4 * (GROUP_MAX / 4 + 2)];
#endif
} Shared;

#if STAGE_PLAYERS
/* The per-player state the move chain reads, staged in local memory (moves.cl), and the MOVE_ORDER values. */
typedef struct {
  int pos[N] __attribute__((aligned(16))); /* with dir, act and order: N int4 for observe.cl */
  int dir[N];
  int act[N];
  int order[N];
  uint words[(N + 3) / 4 * 4];
} Players;
#endif

/* Kernel-wide inputs that are not buffers, and the env's shared values. */
typedef struct {
  uint k0, k1;
  float cap;
  int random_actions;
  SHARED Shared* sh;
#if STAGE_PLAYERS
  __local Players* pl;
#endif
} Params;

/*
 * The sum over the group of each work-item's v (integers: any order gives the same sum); every
 * work-item gets it. In the per-env mapping, v itself.
 */
int group_sum(const Params* p, int v) {
#if GROUP
  p->sh->part[LID] = v;
  SYNC_LOCAL();
  int total = 0;
  for (int k = 0; k < LSZ; k++) total += p->sh->part[k];
  SYNC_LOCAL();
  return total;
#else
  return v;
#endif
}

/*
 * For a flag (0 or 1) of each work-item of the group: how many work-items before it, in work-item
 * order, have the flag set; *total gets how many have it set. In the group and warp mappings the
 * flags meet in local memory as bits (part[w] holds those of work-items 32 w .. 32 w + 31, set by
 * local atomics: order-free), so each work-item reads LSZ / 32 words, not LSZ values. In the
 * per-env mapping, 0 and the flag.
 */
int group_count_before(const Params* p, int flag, int* total) {
#if GROUP
  SHARED int* bits = p->sh->part;
  int words = (LSZ + 31) / 32;
  if (LID < words) bits[LID] = 0;
  SYNC_LOCAL();
  if (flag) atomic_or(&bits[LID >> 5], (int) (1u << (LID & 31)));
  SYNC_LOCAL();
  int before = 0;
  int all = 0;
  for (int w = 0; w < words; w++) {
    uint b = (uint) bits[w];
    if (w < (LID >> 5)) before += popcount(b);
    else if (w == (LID >> 5)) before += popcount(b & ((1u << (LID & 31)) - 1u));
    all += popcount(b);
  }
  SYNC_LOCAL();
  *total = all;
  return before;
#else
  *total = flag;
  return 0;
#endif
}

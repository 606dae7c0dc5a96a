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

/* Kernel-wide inputs that are not buffers. */
typedef struct {
  uint k0, k1;
  float cap;
  int random_actions;
} Params;

/* salient (internal) — the Philox stream's state, for inlined draws.
 *
 * src/base/rng.c wraps Philox4x32-10 as a gsl_rng_type; every GSL draw then goes
 * through the type's function pointer.  The engine's hot samplers
 * (src/base/draw.c) call sal_rng_uniform instead: when the generator is a Philox
 * stream it reads the state directly, inlined, and hands out exactly the
 * numbers gsl_rng_uniform would (same counter, same order, same scaling), so
 * outputs do not change; any other generator falls back to GSL.
 * tests/test_rng.c checks the two paths give the same stream.
 *
 * Blocks are made ahead, SAL_PHILOX_BATCH at a time.  One Philox4x32-10
 * block is ten dependent rounds of 32x32->64-bit multiplies: about 16 ns
 * for four outputs on one scalar lane, latency-bound.  Consecutive blocks of
 * a stream are independent (counter-based), so a batch of eight is computed
 * side by side in the lanes of AVX2 registers when the processor has them
 * (src/base/rng.c, chosen at run time), for about a third of the cost a number.
 * The numbers are the same bits either way: the batch is the same function
 * of the same counters.  A stream's first refill after a reset makes one
 * block only, since many streams (a policy's coin, a parameter) draw a few
 * numbers a run and a whole batch would be wasted on them. */
#ifndef SAL_RNG_INT_H
#define SAL_RNG_INT_H

#include <Random123/philox.h>
#include <stdint.h>

#include "salient/rng.h"

#define SAL_PHILOX_BATCH 8 /* blocks made at once after the first */

/* Counter layout: ctr = { block, stream, run_lo, run_hi }, key = { seed_lo,
 * seed_hi }.  buf holds `have` outputs of consecutive blocks, handed out in
 * order; ctr.v[0] is the block after the last one made. */
typedef struct {
    philox4x32_ctr_t ctr;
    philox4x32_key_t key;
    uint32_t buf[4 * SAL_PHILOX_BATCH];
    unsigned next;   /* index of the next unused output in buf */
    unsigned have;   /* outputs in buf; next == have: refill */
    unsigned refills; /* since the last reset: the first makes one block */
    int wrapped;     /* the block counter has wrapped */
} sal_philox_state;

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SAL_HAVE_AVX2_PATH 1
/* Philox4x32-10 on eight counters side by side: word w of counter j is lane
 * j of x[w], in and out.  One round (Salmon et al., "Parallel random
 * numbers: as easy as 1, 2, 3", SC11, and Random123's philox.h, whose
 * constants these are):
 *   (hi0, lo0) = M0 * x0,  (hi1, lo1) = M1 * x2   (32x32 -> 64 bits)
 *   x = (hi1 ^ x1 ^ k0, lo1, hi0 ^ x3 ^ k1, lo0),  then the key is bumped.
 * _mm256_mul_epu32 multiplies the even 32-bit lanes only, so the odd lanes
 * are shifted down and multiplied apart, and the halves blended back.  Call
 * it only where the processor has AVX2 (src/base/rng.c asks). */
__attribute__((target("avx2"))) static inline void sal_philox8_avx2(__m256i x[4], uint32_t k0,
                                                                    uint32_t k1)
{
    const __m256i m0 = _mm256_set1_epi32((int)PHILOX_M4x32_0);
    const __m256i m1 = _mm256_set1_epi32((int)PHILOX_M4x32_1);
    __m256i x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
    for (int r = 0; r < 10; r++) {
        __m256i pe0 = _mm256_mul_epu32(x0, m0);
        __m256i po0 = _mm256_mul_epu32(_mm256_srli_epi64(x0, 32), m0);
        __m256i pe1 = _mm256_mul_epu32(x2, m1);
        __m256i po1 = _mm256_mul_epu32(_mm256_srli_epi64(x2, 32), m1);
        __m256i lo0 = _mm256_blend_epi32(pe0, _mm256_slli_epi64(po0, 32), 0xAA);
        __m256i hi0 = _mm256_blend_epi32(_mm256_srli_epi64(pe0, 32), po0, 0xAA);
        __m256i lo1 = _mm256_blend_epi32(pe1, _mm256_slli_epi64(po1, 32), 0xAA);
        __m256i hi1 = _mm256_blend_epi32(_mm256_srli_epi64(pe1, 32), po1, 0xAA);
        x0 = _mm256_xor_si256(_mm256_xor_si256(hi1, x1), _mm256_set1_epi32((int)k0));
        x2 = _mm256_xor_si256(_mm256_xor_si256(hi0, x3), _mm256_set1_epi32((int)k1));
        x1 = lo1;
        x3 = lo0;
        k0 += PHILOX_W32_0;
        k1 += PHILOX_W32_1;
    }
    x[0] = x0;
    x[1] = x1;
    x[2] = x2;
    x[3] = x3;
}
#endif

/* Refills buf (src/base/rng.c): out of line, once every 4 or 32 numbers. */
void sal_philox_refill(sal_philox_state *s);

/* The batch itself, exposed for tests/test_rng.c: n consecutive blocks from
 * counter c under key k into out[4 n], on the portable path or on the best
 * one this processor has (they must agree). */
void sal_philox_blocks_portable(philox4x32_ctr_t c, philox4x32_key_t k, uint32_t *out, unsigned n);
void sal_philox_blocks(philox4x32_ctr_t c, philox4x32_key_t k, uint32_t *out, unsigned n);

/* Inlined always: a call here would cost as much as the function pointer
 * this header exists to avoid (GCC keeps it out of line otherwise). */
#if defined(__GNUC__)
#define SAL_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define SAL_ALWAYS_INLINE inline
#endif

static SAL_ALWAYS_INLINE uint32_t sal_philox_next(sal_philox_state *s)
{
    if (s->next == s->have)
        sal_philox_refill(s);
    return s->buf[s->next++];
}

/* A uniform on [0, 1) with 32 random bits: gsl_rng_uniform(g), inlined for
 * Philox streams. */
static SAL_ALWAYS_INLINE double sal_rng_uniform(gsl_rng *g)
{
    if (g->type == sal_rng_philox)
        return sal_philox_next((sal_philox_state *)g->state) * 0x1p-32;
    return g->type->get_double(g->state);
}

#endif

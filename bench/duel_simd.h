/* The bare duel of bench_speed.c vectorised over runs, as NumPy's duel is:
 * eight runs side by side in the lanes of AVX-512 registers, each on its own
 * Philox stream, drawing with the engine's PTRS Poisson sampler.  Lane j
 * gives the very numbers the engine gives run r0 + j (bench_speed checks it
 * bit for bit), because
 *
 *   - each lane computes Philox4x32-10 of its own counter (block, stream,
 *     run_lo, run_hi), the stream the engine gives the sector;
 *   - PTRS consumes its uniforms in pairs (U, V), so a lane's pair is words
 *     (0, 1) of a fresh block or (2, 3) of the block it kept: the order of
 *     the scalar stream;
 *   - the arithmetic is the scalar code's, operation by operation, in IEEE
 *     double (sqrt, division and floor are correctly rounded in both; the
 *     file is compiled as ISO C, so no multiply-add is contracted);
 *   - the slow test (about one draw in four) takes its logarithms eight at
 *     a time from glibc's libmvec, and leaves to the engine's own function,
 *     sal_ptrs_accept, every lane whose two sides come within 1e-9 (and all
 *     of them without libmvec).
 *
 * Only means >= 10 take PTRS; below, the engine inverts with one uniform,
 * which would break the pairs, so the kernel declines (returns -1) and the
 * bench says so.  Not in the library: the engine
 * runs one run at a time through heterogeneous steps, and this shows what
 * the same draws cost when nothing else is done. */
#ifndef DUEL_SIMD_H
#define DUEL_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__)
#define DUEL_SIMD 1
#include <immintrin.h>

#define SIMD_TARGET __attribute__((target("avx512f,avx512dq,avx512vl,avx2")))

/* Philox4x32-10 of eight counters (x0 = block, x1 = stream, x2 = run_lo,
 * x3 = run_hi), one per 32-bit lane: the library's round (src/base/rng_int.h). */
SIMD_TARGET static inline void philox8_lanes(__m256i x0, __m256i x1, __m256i x2, __m256i x3,
                                             uint32_t k0, uint32_t k1, __m256i w[4])
{
    w[0] = x0;
    w[1] = x1;
    w[2] = x2;
    w[3] = x3;
    sal_philox8_avx2(w, k0, k1);
}

/* Eight streams: lane j's next pair is (0, 1) of block blk[j] when its bit
 * of `half` is clear, else (2, 3) of the block kept in w2, w3. */
typedef struct {
    __m256i blk, sid, run_lo, run_hi, w2, w3;
    __mmask8 half;
    uint32_t k0, k1;
} lanes8;

SIMD_TARGET static inline void lanes8_pair(lanes8 *s, __mmask8 want, __m512d *U, __m512d *V)
{
    __mmask8 fresh = want & (__mmask8)~s->half;
    __m256i u0 = s->w2, u1 = s->w3;
    if (fresh) {
        __m256i w[4];
        philox8_lanes(s->blk, s->sid, s->run_lo, s->run_hi, s->k0, s->k1, w);
        u0 = _mm256_mask_blend_epi32(fresh, u0, w[0]);
        u1 = _mm256_mask_blend_epi32(fresh, u1, w[1]);
        s->w2 = _mm256_mask_blend_epi32(fresh, s->w2, w[2]);
        s->w3 = _mm256_mask_blend_epi32(fresh, s->w3, w[3]);
        s->blk = _mm256_mask_add_epi32(s->blk, fresh, s->blk, _mm256_set1_epi32(1));
    }
    s->half ^= want;
    const __m512d scale = _mm512_set1_pd(0x1p-32);
    *U = _mm512_sub_pd(_mm512_mul_pd(_mm512_cvtepu32_pd(u0), scale), _mm512_set1_pd(0.5));
    *V = _mm512_mul_pd(_mm512_cvtepu32_pd(u1), scale);
}

#ifdef DUEL_MVEC
/* glibc's vector log (libmvec), eight lanes; within a few ulps of log(). */
__m512d _ZGVeN8v_log(__m512d x);
#endif

/* PTRS's slow test (sal_ptrs_accept) for the lanes of `slow`; the lanes it
 * accepts.  With libmvec the logs are taken eight at a time; a lane whose
 * two sides come within 1e-9 of each other (where a few ulps of difference
 * from the scalar log could matter), or whose k is past the log-factorial
 * table, is decided by the scalar function itself, so every decision is the
 * engine's. */
SIMD_TARGET static inline __mmask8 ptrs_slow8(__mmask8 slow, __m512d mu, __m512d b, __m512d a,
                                              __m512d us, __m512d V, __m512d kk)
{
    __mmask8 accept = 0, scalar = slow;
#ifdef DUEL_MVEC
    size_t nlf;
    const double *lf = sal_log_factorial_table(&nlf);
    __mmask8 in_table = _mm512_cmp_pd_mask(kk, _mm512_set1_pd((double)nlf), _CMP_LT_OQ);
    __mmask8 vec = slow & in_table;
    if (vec) {
        __m512d inv_alpha =
            _mm512_add_pd(_mm512_set1_pd(1.1239),
                          _mm512_div_pd(_mm512_set1_pd(1.1328), _mm512_sub_pd(b, _mm512_set1_pd(3.4))));
        __m512d hat = _mm512_add_pd(_mm512_div_pd(a, _mm512_mul_pd(us, us)), b);
        __m512d lhs = _ZGVeN8v_log(_mm512_div_pd(_mm512_mul_pd(V, inv_alpha), hat));
        __m256i ki = _mm512_cvttpd_epi32(_mm512_mask_blend_pd(vec, _mm512_setzero_pd(), kk));
        __m512d lfk = _mm512_i32gather_pd(ki, lf, 8);
        __m512d rhs = _mm512_sub_pd(
            _mm512_add_pd(_mm512_sub_pd(_mm512_setzero_pd(), mu), _mm512_mul_pd(kk, _ZGVeN8v_log(mu))), lfk);
        __m512d gap = _mm512_sub_pd(lhs, rhs);
        __mmask8 yes = _mm512_cmp_pd_mask(gap, _mm512_set1_pd(-1e-9), _CMP_LT_OQ);
        __mmask8 no = _mm512_cmp_pd_mask(gap, _mm512_set1_pd(1e-9), _CMP_GT_OQ);
        accept = vec & yes;
        scalar = slow & (__mmask8)~((vec & yes) | (vec & no));
    }
#endif
    if (scalar) {
        double mu_[8], b_[8], a_[8], us_[8], V_[8], k_[8];
        _mm512_storeu_pd(mu_, mu);
        _mm512_storeu_pd(b_, b);
        _mm512_storeu_pd(a_, a);
        _mm512_storeu_pd(us_, us);
        _mm512_storeu_pd(V_, V);
        _mm512_storeu_pd(k_, kk);
        for (int j = 0; j < 8; j++)
            if (scalar >> j & 1) {
                sal_ptrs c = {mu_[j], b_[j], a_[j], 0};
                if (sal_ptrs_accept(&c, us_[j], V_[j], k_[j]))
                    accept |= (__mmask8)(1u << j);
            }
    }
    return accept;
}

/* Runs r0 .. r0 + 7 of the duel; their final strengths in A_out, B_out.
 *
 * Each lane goes through its own days on its own: a lane is drawing either
 * its day's blue losses (phase 0) or red's (phase 1), and every pass makes
 * one PTRS attempt in every lane still going, with the constants of that
 * lane's current mean.  A lane whose attempt is accepted moves on (to red's
 * draw, or to the next day), whatever the others do; so no lane waits for
 * the unluckiest, and a pass is about eight attempts' work.  The order of
 * the draws within a lane, hence its stream, is the scalar kernel's.
 *
 * -1 when a mean falls below 10 (then the lanes' streams are not the
 * engine's: run those runs one at a time). */
SIMD_TARGET static int duel8(uint64_t seed, uint64_t r0, uint32_t sid, double A0, double B0,
                             double ca, double cb, int H, double A_out[8], double B_out[8])
{
    lanes8 s;
    uint32_t lo[8], hi[8];
    for (int j = 0; j < 8; j++) {
        lo[j] = (uint32_t)(r0 + (uint64_t)j);
        hi[j] = (uint32_t)((r0 + (uint64_t)j) >> 32);
    }
    s.blk = _mm256_setzero_si256();
    s.sid = _mm256_set1_epi32((int)sid);
    s.run_lo = _mm256_loadu_si256((const __m256i *)(const void *)lo);
    s.run_hi = _mm256_loadu_si256((const __m256i *)(const void *)hi);
    s.w2 = s.w3 = _mm256_setzero_si256();
    s.half = 0;
    s.k0 = (uint32_t)seed;
    s.k1 = (uint32_t)(seed >> 32);
    const __m512d zero = _mm512_setzero_pd(), half = _mm512_set1_pd(0.5);
    __m512d A = _mm512_set1_pd(A0), B = _mm512_set1_pd(B0), cA = zero;
    __m512d day = zero;
    __mmask8 phase = 0; /* lanes drawing red's losses */
    __mmask8 live = (A0 > 0 && B0 > 0 && H >= 0) ? 0xff : 0;
    while (live) {
        /* the current mean: blue's losses a B, then red's b A (start-of-day A, B) */
        __m512d mu = _mm512_mask_blend_pd(phase, _mm512_mul_pd(_mm512_set1_pd(ca), B),
                                          _mm512_mul_pd(_mm512_set1_pd(cb), A));
        if (_mm512_cmp_pd_mask(mu, _mm512_set1_pd(10), _CMP_LT_OQ) & live)
            return -1;
        __m512d b = _mm512_add_pd(_mm512_set1_pd(0.931),
                                  _mm512_mul_pd(_mm512_set1_pd(2.53), _mm512_sqrt_pd(mu)));
        __m512d a = _mm512_add_pd(_mm512_set1_pd(-0.059), _mm512_mul_pd(_mm512_set1_pd(0.02483), b));
        __m512d vr = _mm512_sub_pd(_mm512_set1_pd(0.9277),
                                   _mm512_div_pd(_mm512_set1_pd(3.6224),
                                                 _mm512_sub_pd(b, _mm512_set1_pd(2))));
        /* one attempt: sal_draw_poisson's loop body, operation by operation */
        __m512d U, V;
        lanes8_pair(&s, live, &U, &V);
        __m512d us = _mm512_sub_pd(half, _mm512_abs_pd(U));
        __m512d t = _mm512_add_pd(_mm512_div_pd(_mm512_mul_pd(_mm512_set1_pd(2), a), us), b);
        t = _mm512_add_pd(_mm512_add_pd(_mm512_mul_pd(t, U), mu), _mm512_set1_pd(0.43));
        __m512d kk = _mm512_roundscale_pd(t, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
        __mmask8 quick = _mm512_cmp_pd_mask(us, _mm512_set1_pd(0.07), _CMP_GE_OQ) &
                         _mm512_cmp_pd_mask(V, vr, _CMP_LE_OQ);
        __mmask8 cheap_no = _mm512_cmp_pd_mask(kk, zero, _CMP_LT_OQ) |
                            (_mm512_cmp_pd_mask(us, _mm512_set1_pd(0.013), _CMP_LT_OQ) &
                             _mm512_cmp_pd_mask(V, us, _CMP_GT_OQ));
        __mmask8 accept = live & quick;
        __mmask8 slow = live & (__mmask8)~quick & (__mmask8)~cheap_no;
        if (slow)
            accept |= ptrs_slow8(slow, mu, b, a, us, V, kk);
        /* blue's draw done: keep it, draw red's next */
        __mmask8 first = accept & (__mmask8)~phase;
        cA = _mm512_mask_blend_pd(first, cA, kk);
        /* red's draw done: the day's losses, A -= (cA < A ? cA : A), which is
         * min_pd's own rule; then the next day, or the lane stops */
        __mmask8 second = accept & phase;
        if (second) {
            A = _mm512_mask_sub_pd(A, second, A, _mm512_min_pd(cA, A));
            B = _mm512_mask_sub_pd(B, second, B, _mm512_min_pd(kk, B));
            day = _mm512_mask_add_pd(day, second, day, _mm512_set1_pd(1));
            __mmask8 go_on = _mm512_cmp_pd_mask(day, _mm512_set1_pd(H), _CMP_LE_OQ) &
                             _mm512_cmp_pd_mask(A, zero, _CMP_GT_OQ) &
                             _mm512_cmp_pd_mask(B, zero, _CMP_GT_OQ);
            live &= (__mmask8)~(second & (__mmask8)~go_on);
        }
        phase ^= accept;
    }
    _mm512_storeu_pd(A_out, A);
    _mm512_storeu_pd(B_out, B);
    return 0;
}

static int duel_simd_available(void)
{
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx2");
}
#else
static int duel_simd_available(void)
{
    return 0;
}
#endif

#endif

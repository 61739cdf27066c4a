/* Philox4x32-10 from Random123 as a gsl_rng_type (see include/salient/rng.h).
 * The state and the inlined step are in src/base/rng_int.h, shared with the fast
 * path of the engine's samplers (src/base/draw.c); the refill, and its batch of
 * blocks made side by side, are here. */
#include "salient/rng.h"

#include "base/rng_int.h"

#include <string.h>

typedef sal_philox_state philox_state;

/* n consecutive blocks from counter c, one Random123 call each. */
void sal_philox_blocks_portable(philox4x32_ctr_t c, philox4x32_key_t k, uint32_t *out, unsigned n)
{
    for (unsigned j = 0; j < n; j++, c.v[0]++) {
        philox4x32_ctr_t o = philox4x32(c, k);
        memcpy(out + (size_t)4 * j, o.v, sizeof o.v);
    }
}

#ifdef SAL_HAVE_AVX2_PATH
/* Eight blocks at once: lane j of x[0..3] is word 0..3 of block c + j. */
__attribute__((target("avx2"))) static void blocks8_avx2(philox4x32_ctr_t c, philox4x32_key_t k,
                                                          uint32_t *out)
{
    __m256i x[4] = {_mm256_add_epi32(_mm256_set1_epi32((int)c.v[0]),
                                     _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)),
                    _mm256_set1_epi32((int)c.v[1]), _mm256_set1_epi32((int)c.v[2]),
                    _mm256_set1_epi32((int)c.v[3])};
    sal_philox8_avx2(x, k.v[0], k.v[1]);
    __m256i x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
    /* Transpose words-by-lane into blocks in order: after the two unpacks,
     * u0..u3 hold blocks (0|4), (1|5), (2|6), (3|7) in their 128-bit halves. */
    __m256i t0 = _mm256_unpacklo_epi32(x0, x1), t1 = _mm256_unpackhi_epi32(x0, x1);
    __m256i t2 = _mm256_unpacklo_epi32(x2, x3), t3 = _mm256_unpackhi_epi32(x2, x3);
    __m256i u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
    __m256i u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
    _mm256_storeu_si256((__m256i *)(void *)(out + 0), _mm256_permute2x128_si256(u0, u1, 0x20));
    _mm256_storeu_si256((__m256i *)(void *)(out + 8), _mm256_permute2x128_si256(u2, u3, 0x20));
    _mm256_storeu_si256((__m256i *)(void *)(out + 16), _mm256_permute2x128_si256(u0, u1, 0x31));
    _mm256_storeu_si256((__m256i *)(void *)(out + 24), _mm256_permute2x128_si256(u2, u3, 0x31));
}
#endif

/* The best path this processor has.  The counter of a block inside the
 * batch is c.v[0] + j with no carry into c.v[1]: callers keep the batch
 * below the wrap (sal_philox_refill). */
void sal_philox_blocks(philox4x32_ctr_t c, philox4x32_key_t k, uint32_t *out, unsigned n)
{
#ifdef SAL_HAVE_AVX2_PATH
    if (n == 8 && __builtin_cpu_supports("avx2")) {
        blocks8_avx2(c, k, out);
        return;
    }
#endif
    sal_philox_blocks_portable(c, k, out, n);
}

void sal_philox_refill(philox_state *s)
{
    unsigned n = 1;
    /* a batch only after the first refill, and never across the wrap of
     * the block word (there one block at a time notes the wrap) */
    if (s->refills++ > 0 && s->ctr.v[0] <= UINT32_MAX - SAL_PHILOX_BATCH)
        n = SAL_PHILOX_BATCH;
    sal_philox_blocks(s->ctr, s->key, s->buf, n);
    s->ctr.v[0] += n;
    if (s->ctr.v[0] == 0)
        s->wrapped = 1;
    s->next = 0;
    s->have = 4 * n;
}

static void philox_position(philox_state *s, uint64_t seed, uint64_t run, uint32_t stream)
{
    memset(s, 0, sizeof *s);
    s->key.v[0] = (uint32_t)seed;
    s->key.v[1] = (uint32_t)(seed >> 32);
    s->ctr.v[1] = stream;
    s->ctr.v[2] = (uint32_t)run;
    s->ctr.v[3] = (uint32_t)(run >> 32);
}

static void philox_set(void *vstate, unsigned long seed)
{
    philox_position(vstate, (uint64_t)seed, 0, 0);
}

static unsigned long philox_get(void *vstate)
{
    return sal_philox_next(vstate);
}

/* [0, 1) with 32 random bits, as GSL's 32-bit generators give. */
static double philox_get_double(void *vstate)
{
    return sal_philox_next(vstate) * 0x1p-32;
}

static const gsl_rng_type philox_type = {
    "philox4x32-10",
    0xffffffffUL,
    0,
    sizeof(philox_state),
    philox_set,
    philox_get,
    philox_get_double,
};

const gsl_rng_type *sal_rng_philox = &philox_type;

gsl_rng *sal_rng_alloc(uint64_t seed, uint64_t run, uint32_t stream)
{
    gsl_rng *r = gsl_rng_alloc(sal_rng_philox);
    if (r)
        sal_rng_reset(r, seed, run, stream);
    return r;
}

void sal_rng_reset(gsl_rng *r, uint64_t seed, uint64_t run, uint32_t stream)
{
    philox_position(r->state, seed, run, stream);
}

int sal_rng_exhausted(const gsl_rng *r)
{
    return ((const philox_state *)r->state)->wrapped;
}

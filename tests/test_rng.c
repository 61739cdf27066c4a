/* Philox streams: known-answer vectors, keyed streams, GSL integration. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "base/rng_int.h"
#include "salient/rng.h"

/* Random123's published known-answer vectors for Philox4x32-10 (Random123
 * examples/kat_vectors), checked on the raw function and, for the zero
 * vector, through our generator; then the counter layout {block, stream,
 * run_lo, run_hi} and key {seed_lo, seed_hi} that rng.h promises. */
#include <Random123/philox.h>

static void test_known_answers(void **st)
{
    (void)st;
    philox4x32_ctr_t c1 = {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}};
    philox4x32_key_t k1 = {{0xffffffff, 0xffffffff}};
    philox4x32_ctr_t o = philox4x32(c1, k1);
    uint32_t ones[4] = {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd};
    assert_memory_equal(o.v, ones, sizeof ones);

    philox4x32_ctr_t c2 = {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}};
    philox4x32_key_t k2 = {{0xa4093822, 0x299f31d0}};
    o = philox4x32(c2, k2);
    uint32_t pi[4] = {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1};
    assert_memory_equal(o.v, pi, sizeof pi);

    gsl_rng *r = sal_rng_alloc(0, 0, 0);
    assert_non_null(r);
    uint32_t zero[4] = {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8};
    for (int i = 0; i < 4; i++)
        assert_int_equal(gsl_rng_get(r), zero[i]);

    /* layout: stream (seed, run, id), blocks 0 and 1 */
    uint64_t seed = ((uint64_t)0x299f31d0 << 32) | 0xa4093822;
    uint64_t run = ((uint64_t)0x03707344 << 32) | 0x13198a2e;
    sal_rng_reset(r, seed, run, 0x85a308d3);
    for (uint32_t block = 0; block < 2; block++) {
        philox4x32_ctr_t c = {{block, 0x85a308d3, 0x13198a2e, 0x03707344}};
        o = philox4x32(c, k2);
        for (int i = 0; i < 4; i++)
            assert_int_equal(gsl_rng_get(r), o.v[i]);
    }
    gsl_rng_free(r);
}

/* Same key, same sequence; reset returns to the start. */
static void test_same_key_same_sequence(void **st)
{
    (void)st;
    gsl_rng *a = sal_rng_alloc(42, 7, 3), *b = sal_rng_alloc(42, 7, 3);
    uint32_t first[100];
    for (int i = 0; i < 100; i++) {
        first[i] = (uint32_t)gsl_rng_get(a);
        assert_int_equal(first[i], gsl_rng_get(b));
    }
    sal_rng_reset(a, 42, 7, 3);
    for (int i = 0; i < 100; i++)
        assert_int_equal(first[i], gsl_rng_get(a));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* Streams that differ in one coordinate must not coincide, and their
 * uniforms must be uncorrelated: the sample correlation of n pairs has
 * standard deviation 1/sqrt(n); we allow 5 of them. */
static void check_pair_independent(gsl_rng *x, gsl_rng *y)
{
    const int n = 200000;
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    int same = 0;
    for (int i = 0; i < n; i++) {
        unsigned long ux = gsl_rng_get(x), uy = gsl_rng_get(y);
        same += ux == uy;
        double u = ux * 0x1p-32, v = uy * 0x1p-32;
        sx += u; sy += v; sxx += u * u; syy += v * v; sxy += u * v;
    }
    double cov = sxy / n - (sx / n) * (sy / n);
    double corr = cov / sqrt((sxx / n - sx * sx / n / n) * (syy / n - sy * sy / n / n));
    assert_true(fabs(corr) < 5.0 / sqrt(n));
    assert_true(same < 5); /* 32-bit collisions: expected n/2^32 ~ 0 */
}

static void test_different_keys_independent(void **st)
{
    (void)st;
    gsl_rng *base = sal_rng_alloc(1, 0, 0);
    gsl_rng *other[3] = {sal_rng_alloc(2, 0, 0), sal_rng_alloc(1, 1, 0),
                         sal_rng_alloc(1, 0, 1)};
    for (int k = 0; k < 3; k++) {
        sal_rng_reset(base, 1, 0, 0);
        check_pair_independent(base, other[k]);
        gsl_rng_free(other[k]);
    }
    gsl_rng_free(base);
}

/* Uniformity: chi-square over 64 bins, compared with the 0.999 quantile. */
static void test_uniform_chi_square(void **st)
{
    (void)st;
    gsl_rng *r = sal_rng_alloc(12345, 3, 9);
    enum { BINS = 64, N = 640000 };
    long h[BINS] = {0};
    for (int i = 0; i < N; i++) {
        double u = gsl_rng_uniform(r);
        assert_true(u >= 0.0 && u < 1.0);
        h[(int)(u * BINS)]++;
    }
    double chi = 0, e = (double)N / BINS;
    for (int i = 0; i < BINS; i++)
        chi += (h[i] - e) * (h[i] - e) / e;
    assert_true(chi < gsl_cdf_chisq_Pinv(0.999, BINS - 1));
    gsl_rng_free(r);
}

/* A run replayed alone equals the same run drawn inside a batch, whatever
 * the order of the batch: here a "run" is 50 Poisson draws from stream
 * (seed, run, 1), and the batch goes backwards through runs 0..9. */
static void draw_run(gsl_rng *r, uint64_t seed, uint64_t run, unsigned out[50])
{
    sal_rng_reset(r, seed, run, 1);
    for (int i = 0; i < 50; i++)
        out[i] = gsl_ran_poisson(r, 30.0 + i);
}

static void test_replay_equals_batch(void **st)
{
    (void)st;
    gsl_rng *r = gsl_rng_alloc(sal_rng_philox);
    unsigned batch[10][50], alone[50];
    for (int run = 9; run >= 0; run--)
        draw_run(r, 2024, (uint64_t)run, batch[run]);
    gsl_rng *fresh = sal_rng_alloc(0, 0, 0);
    draw_run(fresh, 2024, 6, alone);
    assert_memory_equal(alone, batch[6], sizeof alone);
    gsl_rng_free(fresh);
    gsl_rng_free(r);
}

/* gsl_rng_set reseeds like any GSL generator: seed s equals stream (s,0,0). */
static void test_gsl_set(void **st)
{
    (void)st;
    gsl_rng *a = gsl_rng_alloc(sal_rng_philox), *b = sal_rng_alloc(99, 0, 0);
    gsl_rng_set(a, 99);
    for (int i = 0; i < 10; i++)
        assert_int_equal(gsl_rng_get(a), gsl_rng_get(b));
    assert_string_equal(gsl_rng_name(a), "philox4x32-10");
    assert_true(gsl_rng_max(a) == 0xffffffffUL);
    assert_false(sal_rng_exhausted(a));
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* The inlined path of the engine's samplers (src/base/rng_int.h) hands out the
 * very numbers gsl_rng_uniform gives on the same stream, across many
 * blocks, interleaved with gsl_rng_get on the same generator; and a
 * generator of another type falls back to GSL. */
static void test_inline_uniform_same_stream(void **st)
{
    (void)st;
    gsl_rng *a = sal_rng_alloc(7, 123456789, 0x10000001);
    gsl_rng *b = sal_rng_alloc(7, 123456789, 0x10000001);
    for (int i = 0; i < 100003; i++) {
        if (i % 5 == 3) { /* mixed use of one generator keeps the order */
            assert_int_equal(gsl_rng_get(a), gsl_rng_get(b));
            continue;
        }
        double x = sal_rng_uniform(a), y = gsl_rng_uniform(b);
        assert_true(x == y);
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng *m = gsl_rng_alloc(gsl_rng_mt19937), *n = gsl_rng_alloc(gsl_rng_mt19937);
    for (int i = 0; i < 1000; i++) {
        double x = sal_rng_uniform(m), y = gsl_rng_uniform(n);
        assert_true(x == y);
    }
    gsl_rng_free(m);
    gsl_rng_free(n);
}

/* The batch of blocks made side by side (AVX2 where the processor has it)
 * equals Random123's philox4x32 called block by block, for counters and
 * keys drawn over the whole range, every batch length. */
static void test_batch_equals_random123(void **st)
{
    (void)st;
    gsl_rng *pick = sal_rng_alloc(31337, 0, 0);
    for (int trial = 0; trial < 2000; trial++) {
        philox4x32_ctr_t c;
        philox4x32_key_t k;
        for (int i = 0; i < 4; i++)
            c.v[i] = (uint32_t)gsl_rng_get(pick);
        k.v[0] = (uint32_t)gsl_rng_get(pick);
        k.v[1] = (uint32_t)gsl_rng_get(pick);
        c.v[0] &= 0x7fffffff; /* the batch never crosses the wrap */
        unsigned n = 1 + (unsigned)trial % SAL_PHILOX_BATCH;
        uint32_t fast[4 * SAL_PHILOX_BATCH], slow[4 * SAL_PHILOX_BATCH];
        sal_philox_blocks(c, k, fast, n);
        sal_philox_blocks_portable(c, k, slow, n);
        assert_memory_equal(fast, slow, 4 * n * sizeof *fast);
        for (unsigned j = 0; j < n; j++, c.v[0]++) {
            philox4x32_ctr_t o = philox4x32(c, k);
            assert_memory_equal(fast + 4 * j, o.v, sizeof o.v);
        }
    }
    gsl_rng_free(pick);
}

/* Near the end of a stream (block word 2^32 - 11) the batches stop short
 * of the wrap: every number is still Random123's, and the stream reports
 * itself exhausted exactly when the last block, 2^32 - 1, has been made. */
static void test_wrap_of_block_counter(void **st)
{
    (void)st;
    gsl_rng *r = sal_rng_alloc(5, 6, 7);
    sal_philox_state *s = r->state;
    s->ctr.v[0] = UINT32_MAX - 10;
    philox4x32_ctr_t c = s->ctr;
    philox4x32_key_t k = s->key;
    for (uint32_t block = UINT32_MAX - 10;; block++) {
        c.v[0] = block;
        philox4x32_ctr_t o = philox4x32(c, k);
        for (int i = 0; i < 4; i++) {
            assert_false(sal_rng_exhausted(r) && !(block == UINT32_MAX && i > 0));
            assert_int_equal(gsl_rng_get(r), o.v[i]);
        }
        if (block == UINT32_MAX)
            break;
    }
    assert_true(sal_rng_exhausted(r));
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answers),
        cmocka_unit_test(test_same_key_same_sequence),
        cmocka_unit_test(test_different_keys_independent),
        cmocka_unit_test(test_uniform_chi_square),
        cmocka_unit_test(test_replay_equals_batch),
        cmocka_unit_test(test_gsl_set),
        cmocka_unit_test(test_inline_uniform_same_stream),
        cmocka_unit_test(test_batch_equals_random123),
        cmocka_unit_test(test_wrap_of_block_counter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

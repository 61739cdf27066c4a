/* Ensemble summaries, against independent truth: exact order statistics of
 * sorted samples, exact integer sums (__int128), long-double means, brute
 * force over every split of a sample; merges compared byte for byte. */
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "salient/rng.h"
#include "salient/summary.h"
#include "ensemble/summary_int.h"

/* ---- helpers ------------------------------------------------------------- */

typedef struct {
    unsigned char *p;
    size_t n;
} bytes;

static bytes sketch_bytes(const sal_sketch *s)
{
    bytes b = {NULL, sal_sketch_serialised_size(s)};
    b.p = malloc(b.n);
    assert_non_null(b.p);
    assert_int_equal(sal_sketch_serialise(s, b.p, b.n), SAL_OK);
    return b;
}

static bytes summary_bytes(const sal_summary *s)
{
    bytes b = {NULL, sal_summary_serialised_size(s)};
    b.p = malloc(b.n);
    assert_non_null(b.p);
    assert_int_equal(sal_summary_serialise(s, b.p, b.n), SAL_OK);
    return b;
}

static void assert_same_bytes(bytes a, bytes b)
{
    assert_int_equal(a.n, b.n);
    assert_memory_equal(a.p, b.p, a.n);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The documented definition: x_k, k = floor(q (n - 1)), of the sorted sample. */
static double exact_quantile(const double *sorted, size_t n, double q)
{
    return sorted[(size_t)floor(q * (double)(n - 1))];
}

/* K and gamma = 2^(1/K) for accuracy a, computed here independently. */
static double gamma_of(double a)
{
    double K = ceil(log(2.0) / log((1 + a) / (1 - a)));
    return pow(2.0, 1.0 / K);
}

static const double QS[] = {0.0,  0.001, 0.01, 0.05, 0.1,  0.25,  0.3333,
                            0.5,  0.6,   0.75, 0.9,  0.95, 0.99, 0.999, 1.0};
#define NQ (sizeof QS / sizeof QS[0])

/* Checks every quantile of s against the sorted finite sample: relative
 * error within a' — or, for values collapsed below the floor, absolute
 * error within gamma^(2-M) times the largest magnitude of that sign. */
static void check_quantiles(const sal_sketch *s, double *v, size_t n,
                            double requested)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            v[m++] = v[i];
    qsort(v, m, sizeof *v, cmp_double);
    assert_int_equal(sal_sketch_count(s), m);
    double a = sal_sketch_accuracy(s);
    double g = gamma_of(requested);
    assert_true(a <= requested);
    assert_true(fabs(a - (g - 1) / (g + 1)) <= 1e-12 * a + 1e-14);
    double floor_rel = pow(g, 2.0 - sal_sketch_max_buckets(s)) *
                       (1 + 1e-9);
    double maxpos = m ? (v[m - 1] > 0 ? v[m - 1] : 0) : 0;
    double maxneg = m ? (v[0] < 0 ? -v[0] : 0) : 0;
    for (size_t i = 0; i < NQ; i++) {
        double x = exact_quantile(v, m, QS[i]);
        double e = sal_sketch_quantile(s, QS[i]);
        double err = fabs(e - x);
        if (err <= a * fabs(x))
            continue;
        double H = x > 0 ? maxpos : maxneg;
        if (err <= floor_rel * H)
            continue;
        fail_msg("q=%g: estimate %.17g, exact %.17g, rel err %.3g > %.3g", QS[i],
                 e, x, err / fabs(x), a);
    }
    assert_true(sal_sketch_quantile(s, 0.0) == v[0]);
    assert_true(sal_sketch_quantile(s, 1.0) == v[m - 1]);
    assert_true(sal_sketch_min(s) == v[0]);
    assert_true(sal_sketch_max(s) == v[m - 1]);
    long double ref = 0;
    for (size_t i = 0; i < m; i++)
        ref += v[i];
    ref /= m;
    double mean = sal_sketch_mean(s);
    assert_true(fabsl(mean - ref) <= 1e-12L * fabsl(ref) + 1e-300L);
}

/* ---- exact sums ----------------------------------------------------------- */

__extension__ typedef __int128 i128;

static void test_xsum_against_int128(void **st)
{
    (void)st;
    /* x = n 2^-30 with |n| < 2^60 (so each is exact in a double when n has
     * at most 53 significant bits): the exact sum is an int128 times 2^-30,
     * and converting an int128 to double rounds correctly */
    gsl_rng *r = sal_rng_alloc(5, 0, 0);
    for (int trial = 0; trial < 40; trial++) {
        sal_xsum a;
        sal_xsum_init(&a);
        i128 ref = 0;
        int n = 1 + (int)gsl_rng_uniform_int(r, 3000);
        for (int i = 0; i < n; i++) {
            int64_t k = (int64_t)(gsl_rng_get(r) & 0x1fffff) << 32 | gsl_rng_get(r);
            k >>= gsl_rng_uniform_int(r, 50);          /* many magnitudes */
            k <<= gsl_rng_uniform_int(r, 8);           /* < 2^61, 53 bits */
            if (gsl_rng_uniform(r) < 0.5)
                k = -k;
            assert_int_equal(sal_xsum_add(&a, ldexp((double)k, -30)), SAL_OK);
            ref += k;
        }
        double want = ldexp((double)ref, -30);
        assert_true(sal_xsum_value(&a) == want);
    }
    gsl_rng_free(r);
}

static void test_xsum_rounding_and_range(void **st)
{
    (void)st;
    sal_xsum a;
    double big = ldexp(1, 53);
    /* cancellation */
    sal_xsum_init(&a);
    sal_xsum_add(&a, 1e100);
    sal_xsum_add(&a, 1.0);
    sal_xsum_add(&a, -1e100);
    assert_true(sal_xsum_value(&a) == 1.0);
    /* ties to even, and the sticky bit */
    sal_xsum_init(&a);
    sal_xsum_add(&a, big);
    sal_xsum_add(&a, 1.0);
    assert_true(sal_xsum_value(&a) == big);
    sal_xsum_add(&a, ldexp(1, -600));
    assert_true(sal_xsum_value(&a) == big + 2);
    sal_xsum_init(&a);
    sal_xsum_add(&a, big + 2);
    sal_xsum_add(&a, 1.0);
    assert_true(sal_xsum_value(&a) == big + 4);
    /* negative */
    sal_xsum_init(&a);
    sal_xsum_add(&a, -big);
    sal_xsum_add(&a, -1.0);
    sal_xsum_add(&a, -ldexp(1, -1000));
    assert_true(sal_xsum_value(&a) == -(big + 2));
    sal_xsum_add(&a, 0.25);
    assert_true(sal_xsum_value(&a) == -big);
    /* subnormals are exact */
    sal_xsum_init(&a);
    sal_xsum_add(&a, 4.9406564584124654e-324);
    sal_xsum_add(&a, 4.9406564584124654e-324);
    sal_xsum_add(&a, DBL_MIN);
    assert_true(sal_xsum_value(&a) == DBL_MIN + 2 * 4.9406564584124654e-324);
    sal_xsum_add(&a, -DBL_MIN);
    assert_true(sal_xsum_value(&a) == 2 * 4.9406564584124654e-324);
    /* past DBL_MAX and back */
    sal_xsum_init(&a);
    sal_xsum_add(&a, DBL_MAX);
    sal_xsum_add(&a, DBL_MAX);
    assert_true(sal_xsum_value(&a) == HUGE_VAL);
    sal_xsum_add(&a, -DBL_MAX);
    assert_true(sal_xsum_value(&a) == DBL_MAX);
    /* refused */
    assert_int_equal(sal_xsum_add(&a, NAN), SAL_ERANGE);
    assert_int_equal(sal_xsum_add(&a, -HUGE_VAL), SAL_ERANGE);
    assert_true(sal_xsum_value(&a) == DBL_MAX);
    /* empty, and exact zero from opposite values */
    sal_xsum_init(&a);
    assert_true(sal_xsum_value(&a) == 0.0);
    sal_xsum_add(&a, 0.1);
    sal_xsum_add(&a, -0.1);
    assert_true(sal_xsum_value(&a) == 0.0 && !signbit(sal_xsum_value(&a)));
}

/* Doubling by self-merges: 40 merges push the carry counter past its limit
 * many times over; the value must stay exactly x 2^k. */
static void test_xsum_carries(void **st)
{
    (void)st;
    const double xs[] = {0.7, -3.25e-200, DBL_MAX / 1e12, -1.0 / 3};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        sal_xsum a, b;
        sal_xsum_init(&a);
        sal_xsum_add(&a, xs[i]);
        for (int k = 1; k <= 40; k++) {
            b = a;
            sal_xsum_merge(&a, &b);
            assert_true(sal_xsum_value(&a) == ldexp(xs[i], k));
        }
        /* and back down by subtracting 2^40 - 1 copies, added one by one as
         * powers of two */
        for (int k = 0; k < 40; k++)
            sal_xsum_add(&a, -ldexp(xs[i], k));
        assert_true(sal_xsum_value(&a) == xs[i]);
    }
}

/* ---- quantiles ------------------------------------------------------------- */

enum { NS = 20000 };

static void run_sample(double *v, size_t n, double accuracy, uint32_t M)
{
    sal_sketch *s = sal_sketch_alloc(accuracy, M);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++) {
        int stt = sal_sketch_add(s, v[i]);
        assert_int_equal(stt, isfinite(v[i]) ? SAL_OK : SAL_ERANGE);
    }
    check_quantiles(s, v, n, accuracy ? accuracy : SAL_SKETCH_ACCURACY);
    sal_sketch_free(s);
}

static void test_quantiles_known_samples(void **st)
{
    (void)st;
    double *v = malloc(NS * sizeof *v);
    gsl_rng *r = sal_rng_alloc(11, 0, 0);
    const double acc[] = {0, 0.01, 0.05, 0.001};
    for (size_t ai = 0; ai < 4; ai++) {
        double a = acc[ai];
        uint32_t M = a == 0.001 ? 65536 : 0;
        for (int i = 0; i < NS; i++)
            v[i] = gsl_ran_flat(r, 0, 1000);
        run_sample(v, NS, a, M);
        for (int i = 0; i < NS; i++)
            v[i] = gsl_ran_lognormal(r, 0, 2);
        run_sample(v, NS, a, M);
        for (int i = 0; i < NS; i++)
            v[i] = gsl_ran_gaussian(r, 100) + 20;
        run_sample(v, NS, a, M);
        /* point masses, including zero and a negative one */
        const double pm[] = {-7.5, 0.0, 3.0, 1e6};
        for (int i = 0; i < NS; i++)
            v[i] = pm[gsl_rng_uniform_int(r, 4)];
        run_sample(v, NS, a, M);
        for (int i = 0; i < NS; i++)
            v[i] = 0.0;
        run_sample(v, NS, a, M);
        /* counts of a war: many zeros, a heavy tail, a few NaN and inf */
        for (int i = 0; i < NS; i++) {
            double u = gsl_rng_uniform(r);
            v[i] = u < 0.3 ? 0.0 : u < 0.31 ? NAN : u < 0.311 ? HUGE_VAL
                 : floor(gsl_ran_pareto(r, 1.2, 10));
        }
        run_sample(v, NS, a, M);
        /* negatives only, many decades */
        for (int i = 0; i < NS; i++)
            v[i] = -exp(gsl_ran_flat(r, -20, 20));
        run_sample(v, NS, a, M);
    }
    /* collapsing: a range far past M buckets; the low end is only
     * absolutely accurate, as check_quantiles allows */
    for (int i = 0; i < NS; i++)
        v[i] = (i & 1 ? -1 : 1) * exp(gsl_ran_flat(r, -300, 300));
    run_sample(v, NS, 0, 64);
    for (int i = 0; i < NS; i++)
        v[i] = gsl_ran_lognormal(r, 0, 3);
    run_sample(v, NS, 0.02, 16);
    gsl_rng_free(r);
    free(v);
}

/* The mapping alone, over the whole double range: the median of 0, x, 2x
 * must be x within a' (0 and 2x keep the clamp to min/max out of play and
 * are close enough to x not to collapse it). */
static void test_every_magnitude(void **st)
{
    (void)st;
    gsl_rng *r = sal_rng_alloc(12, 0, 0);
    sal_sketch *s = sal_sketch_alloc(0, 0);
    double a = sal_sketch_accuracy(s);
    assert_true(fabs(a - 0.0049510108) < 1e-9); /* (2^(1/70)-1)/(2^(1/70)+1) */
    for (int i = 0; i < 100000; i++) {
        uint64_t b = ((uint64_t)gsl_rng_get(r) << 32) | gsl_rng_get(r);
        double x;
        memcpy(&x, &b, sizeof x);
        if (!isfinite(x) || fabs(x) < DBL_MIN || fabs(x) > DBL_MAX / 4)
            continue;
        sal_sketch_clear(s);
        sal_sketch_add(s, x);
        sal_sketch_add(s, 0.0);
        sal_sketch_add(s, 2 * x);
        double e = sal_sketch_quantile(s, 0.5);
        if (!(fabs(e - x) <= a * fabs(x)))
            fail_msg("x=%.17g estimate %.17g", x, e);
    }
    /* boundaries: powers of two and their neighbours */
    for (int k = -1021; k < 1023; k += 7) {
        double p = ldexp(1, k);
        const double xs[] = {p, nextafter(p, 0), nextafter(p, HUGE_VAL)};
        for (int j = 0; j < 3; j++) {
            sal_sketch_clear(s);
            sal_sketch_add(s, xs[j]);
            sal_sketch_add(s, 0);
            sal_sketch_add(s, HUGE_VAL);  /* refused, does not count */
            sal_sketch_add(s, 2 * xs[j]);
            double e = sal_sketch_quantile(s, 0.5);
            assert_true(fabs(e - xs[j]) <= a * xs[j]);
        }
    }
    sal_sketch_free(s);
    gsl_rng_free(r);
}

static void test_edge_values(void **st)
{
    (void)st;
    sal_sketch *s = sal_sketch_alloc(0, 0), *t = sal_sketch_alloc(0, 0);
    /* empty */
    assert_true(isnan(sal_sketch_quantile(s, 0.5)));
    assert_true(isnan(sal_sketch_mean(s)));
    assert_true(isnan(sal_sketch_min(s)) && isnan(sal_sketch_max(s)));
    /* NaN and inf are counted apart */
    assert_int_equal(sal_sketch_add(s, NAN), SAL_ERANGE);
    assert_int_equal(sal_sketch_add(s, -HUGE_VAL), SAL_ERANGE);
    assert_int_equal(sal_sketch_nonfinite(s), 2);
    assert_int_equal(sal_sketch_count(s), 0);
    /* -0 is +0: same bytes, +0 min */
    sal_sketch_add(s, -0.0);
    sal_sketch_add(t, 0.0);
    sal_sketch_add(t, NAN);
    sal_sketch_add(t, HUGE_VAL);
    bytes a = sketch_bytes(s), b = sketch_bytes(t);
    assert_same_bytes(a, b);
    free(a.p);
    free(b.p);
    assert_false(signbit(sal_sketch_min(s)));
    /* subnormals count as zero but keep their exact min/max/sum */
    sal_sketch_clear(s);
    sal_sketch_add(s, 1e-310);
    sal_sketch_add(s, 3e-310);
    assert_true(sal_sketch_quantile(s, 0.0) == 1e-310);
    double med = sal_sketch_quantile(s, 0.5);
    assert_true(med >= 1e-310 && med <= 3e-310);
    assert_true(sal_sketch_sum(s) == 1e-310 + 3e-310);
    /* q outside [0, 1] */
    assert_true(isnan(sal_sketch_quantile(s, -0.1)));
    assert_true(isnan(sal_sketch_quantile(s, 1.5)));
    assert_true(isnan(sal_sketch_quantile(s, NAN)));
    /* bad parameters */
    assert_null(sal_sketch_alloc(-0.1, 0));
    assert_null(sal_sketch_alloc(0.6, 0));
    assert_null(sal_sketch_alloc(NAN, 0));
    assert_null(sal_sketch_alloc(0, 8));
    assert_null(sal_sketch_alloc(0, (1u << 20) + 1));
    sal_sketch *u = sal_sketch_alloc(0.01, 0), *w = sal_sketch_alloc(0, 4096);
    assert_int_equal(sal_sketch_merge(s, u), SAL_EINPUT);
    assert_int_equal(sal_sketch_merge(s, w), SAL_EINPUT);
    assert_int_equal(sal_sketch_merge(s, s), SAL_EINPUT);
    sal_sketch_free(u);
    sal_sketch_free(w);
    sal_sketch_free(s);
    sal_sketch_free(t);
}

/* ---- merges ----------------------------------------------------------------- */

/* A sample meant to be hard: both signs, zeros, -0, NaN, inf, subnormals,
 * and a range that makes a 32-bucket store collapse. */
static double hard_value(gsl_rng *r)
{
    double u = gsl_rng_uniform(r);
    if (u < 0.05)
        return 0.0;
    if (u < 0.07)
        return -0.0;
    if (u < 0.08)
        return NAN;
    if (u < 0.085)
        return u < 0.0825 ? HUGE_VAL : -HUGE_VAL;
    if (u < 0.09)
        return 1e-310 * (u - 0.0875);
    double x = exp(gsl_ran_flat(r, -40, 40));
    return u < 0.4 ? -x : x;
}

/* Every split of a 10-value sample into contiguous pieces (2^9 of them),
 * merged forwards, backwards and as a left-leaning tree, over 3 orderings
 * of the sample: always the bytes of the one-sketch result. */
static void test_merge_every_split(void **st)
{
    (void)st;
    enum { N = 10 };
    gsl_rng *r = sal_rng_alloc(13, 0, 0);
    double v[N];
    const uint32_t Ms[] = {16, 0};
    for (int mi = 0; mi < 2; mi++) {
        for (int i = 0; i < N; i++)
            v[i] = hard_value(r);
        sal_sketch *all = sal_sketch_alloc(0, Ms[mi]);
        for (int i = 0; i < N; i++)
            sal_sketch_add(all, v[i]);
        bytes want = sketch_bytes(all);
        for (int perm = 0; perm < 3; perm++) {
            gsl_ran_shuffle(r, v, N, sizeof v[0]);
            for (unsigned cuts = 0; cuts < (1u << (N - 1)); cuts++) {
                sal_sketch *piece[N];
                int np = 0;
                piece[np++] = sal_sketch_alloc(0, Ms[mi]);
                for (int i = 0; i < N; i++) {
                    if (i > 0 && (cuts >> (i - 1) & 1))
                        piece[np++] = sal_sketch_alloc(0, Ms[mi]);
                    sal_sketch_add(piece[np - 1], v[i]);
                }
                for (int how = 0; how < 3; how++) {
                    sal_sketch *acc = sal_sketch_alloc(0, Ms[mi]);
                    if (how == 0)
                        for (int p = 0; p < np; p++)
                            assert_int_equal(sal_sketch_merge(acc, piece[p]), SAL_OK);
                    else if (how == 1)
                        for (int p = np - 1; p >= 0; p--)
                            assert_int_equal(sal_sketch_merge(acc, piece[p]), SAL_OK);
                    else {
                        /* pairwise tree, level by level (mutates the
                         * pieces, so it comes last) */
                        sal_sketch *lvl[N];
                        int cnt = np;
                        memcpy(lvl, piece, sizeof lvl);
                        while (cnt > 1) {
                            int k = 0;
                            for (int p = 0; p + 1 < cnt; p += 2) {
                                assert_int_equal(sal_sketch_merge(lvl[p + 1], lvl[p]), SAL_OK);
                                lvl[k++] = lvl[p + 1];
                            }
                            if (cnt & 1)
                                lvl[k++] = lvl[cnt - 1];
                            cnt = k;
                        }
                        assert_int_equal(sal_sketch_merge(acc, lvl[0]), SAL_OK);
                    }
                    bytes got = sketch_bytes(acc);
                    assert_same_bytes(want, got);
                    free(got.p);
                    sal_sketch_free(acc);
                }
                for (int p = 0; p < np; p++)
                    sal_sketch_free(piece[p]);
            }
        }
        free(want.p);
        sal_sketch_free(all);
    }
    gsl_rng_free(r);
}

/* Large samples: random permutations, random numbers of pieces, random
 * merge orders, small and default stores. */
static void test_merge_random_splits(void **st)
{
    (void)st;
    enum { N = 20000 };
    gsl_rng *r = sal_rng_alloc(14, 0, 0);
    double *v = malloc(N * sizeof *v);
    const uint32_t Ms[] = {32, 0};
    for (int mi = 0; mi < 2; mi++) {
        for (int i = 0; i < N; i++)
            v[i] = hard_value(r);
        sal_sketch *all = sal_sketch_alloc(0, Ms[mi]);
        for (int i = 0; i < N; i++)
            sal_sketch_add(all, v[i]);
        bytes want = sketch_bytes(all);
        for (int trial = 0; trial < 20; trial++) {
            gsl_ran_shuffle(r, v, N, sizeof v[0]);
            int np = 1 + (int)gsl_rng_uniform_int(r, 16);
            sal_sketch *piece[16];
            for (int p = 0; p < np; p++)
                piece[p] = sal_sketch_alloc(0, Ms[mi]);
            for (int i = 0; i < N; i++)
                sal_sketch_add(piece[gsl_rng_uniform_int(r, np)], v[i]);
            int order[16];
            for (int p = 0; p < np; p++)
                order[p] = p;
            gsl_ran_shuffle(r, order, np, sizeof order[0]);
            for (int p = 1; p < np; p++)
                assert_int_equal(sal_sketch_merge(piece[order[0]], piece[order[p]]),
                                 SAL_OK);
            bytes got = sketch_bytes(piece[order[0]]);
            assert_same_bytes(want, got);
            free(got.p);
            for (int p = 0; p < np; p++)
                sal_sketch_free(piece[p]);
        }
        free(want.p);
        sal_sketch_free(all);
    }
    free(v);
    gsl_rng_free(r);
}

/* ---- serialisation ------------------------------------------------------------ */

static void test_sketch_serialise(void **st)
{
    (void)st;
    /* the format, pinned: little-endian whatever the machine */
    sal_sketch *s = sal_sketch_alloc(0, 0);
    sal_sketch_add(s, 1.0);
    sal_sketch_add(s, -2.0);
    sal_sketch_add(s, 0.0);
    bytes b = sketch_bytes(s);
    const unsigned char head[] = {
        'S', 'A', 'L', 'K', 2, 0, 0, 0,  /* magic, version 2, flags 0 */
        70, 0, 0, 0, 0, 8, 0, 0,         /* K = 70, M = 2048          */
        0, 0, 0, 0,                      /* xmax 0: no exact store    */
        3, 0, 0, 0, 0, 0, 0, 0,          /* count                     */
        1, 0, 0, 0, 0, 0, 0, 0,          /* zeros                     */
        0, 0, 0, 0, 0, 0, 0, 0,          /* non-finite                */
        0, 0, 0, 0, 0, 0, 0, 0xc0,       /* min -2.0                  */
        0, 0, 0, 0, 0, 0, 0xf0, 0x3f,    /* max 1.0                   */
    };
    assert_true(b.n > sizeof head);
    assert_memory_equal(b.p, head, sizeof head);
    /* positive store: one bucket, index 0 (1.0 is 2^0 b_0), count 1 */
    const unsigned char tail_pos[] = {0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
    const unsigned char tail_neg[] = {70, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
    assert_memory_equal(b.p + b.n - 24, tail_pos, 12);
    assert_memory_equal(b.p + b.n - 12, tail_neg, 12);
    free(b.p);
    sal_sketch_free(s);

    /* round trip, then both go on the same way */
    gsl_rng *r = sal_rng_alloc(15, 0, 0);
    s = sal_sketch_alloc(0.01, 64);
    for (int i = 0; i < 5000; i++)
        sal_sketch_add(s, hard_value(r));
    b = sketch_bytes(s);
    sal_sketch *t = NULL;
    size_t used = 0;
    assert_int_equal(sal_sketch_deserialise(&t, b.p, b.n, &used), SAL_OK);
    assert_int_equal(used, b.n);
    bytes c = sketch_bytes(t);
    assert_same_bytes(b, c);
    free(c.p);
    for (size_t i = 0; i < NQ; i++)
        assert_true(sal_sketch_quantile(s, QS[i]) == sal_sketch_quantile(t, QS[i]));
    assert_true(sal_sketch_mean(s) == sal_sketch_mean(t));
    assert_true(sal_sketch_accuracy(s) == sal_sketch_accuracy(t));
    for (int i = 0; i < 5000; i++) {
        double x = hard_value(r);
        sal_sketch_add(s, x);
        sal_sketch_add(t, x);
    }
    bytes d = sketch_bytes(s), e = sketch_bytes(t);
    assert_same_bytes(d, e);
    free(d.p);
    free(e.p);
    sal_sketch_free(t);

    /* too small a buffer */
    assert_int_equal(sal_sketch_serialise(s, b.p, 10), SAL_ERANGE);
    /* every truncation is refused */
    for (size_t n = 0; n < b.n; n++) {
        t = NULL;
        assert_int_equal(sal_sketch_deserialise(&t, b.p, n, NULL), SAL_EINPUT);
        assert_null(t);
    }
    /* a wrong version is refused; random corruption never crashes and,
     * when accepted, gives a sketch that serialises */
    unsigned char *x = malloc(b.n);
    memcpy(x, b.p, b.n);
    x[4] = 1; /* version 1, before the exact store */
    assert_int_equal(sal_sketch_deserialise(&t, x, b.n, NULL), SAL_EINPUT);
    for (int trial = 0; trial < 3000; trial++) {
        memcpy(x, b.p, b.n);
        int flips = 1 + (int)gsl_rng_uniform_int(r, 3);
        for (int f = 0; f < flips; f++)
            x[gsl_rng_uniform_int(r, b.n)] ^= (unsigned char)(1u << gsl_rng_uniform_int(r, 8));
        t = NULL;
        if (sal_sketch_deserialise(&t, x, b.n, NULL) == SAL_OK) {
            bytes y = sketch_bytes(t);
            (void)sal_sketch_quantile(t, 0.5);
            sal_sketch_add(t, 1.0);
            free(y.p);
            sal_sketch_free(t);
        } else {
            assert_null(t);
        }
    }
    free(x);
    free(b.p);
    sal_sketch_free(s);
    gsl_rng_free(r);
}

/* The 2^32 - 1 limit, reached through a hand-made sketch of that many
 * zeros (the format makes it cheap). */
static void test_count_limit(void **st)
{
    (void)st;
    sal_sketch *s = sal_sketch_alloc(0, 0);
    sal_sketch_add(s, 0.0);
    bytes b = sketch_bytes(s);
    for (int i = 0; i < 4; i++) {
        b.p[20 + i] = 0xff; /* count */
        b.p[28 + i] = 0xff; /* zeros */
    }
    sal_sketch *big = NULL;
    assert_int_equal(sal_sketch_deserialise(&big, b.p, b.n, NULL), SAL_OK);
    assert_int_equal(sal_sketch_count(big), UINT32_MAX);
    assert_int_equal(sal_sketch_add(big, 1.0), SAL_ERANGE);
    assert_int_equal(sal_sketch_merge(big, s), SAL_ERANGE);
    assert_int_equal(sal_sketch_merge(s, big), SAL_ERANGE);
    assert_int_equal(sal_sketch_count(s), 1);
    b.p[20] = 1; /* count 2^32 + ... : refused */
    sal_sketch *bad = NULL;
    assert_int_equal(sal_sketch_deserialise(&bad, b.p, b.n, NULL), SAL_EINPUT);
    free(b.p);
    sal_sketch_free(big);
    sal_sketch_free(s);
}

/* ---- memory ------------------------------------------------------------------- */

static void test_memory_bounded(void **st)
{
    (void)st;
    gsl_rng *r = sal_rng_alloc(16, 0, 0);
    sal_sketch *s = sal_sketch_alloc(0, 0);
    size_t empty = sal_sketch_bytes(s);
    /* 10^6 values spanning 600 decades, both signs */
    size_t at_1e5 = 0;
    double hi = 0;
    for (int i = 0; i < 1000000; i++) {
        double x = exp(gsl_ran_flat(r, -690, 690));
        if (x > hi)
            hi = x;
        sal_sketch_add(s, i % 3 ? x : -x);
        if (i == 100000)
            at_1e5 = sal_sketch_bytes(s);
    }
    size_t bytes_now = sal_sketch_bytes(s);
    /* the bound in summary.c: two stores of pow2ceil(M) 32-bit counts */
    assert_true(bytes_now <= empty + 2 * 2048 * 4);
    assert_true(bytes_now == at_1e5);
    /* the top of the range is still within a' */
    double p99 = sal_sketch_quantile(s, 0.999);
    assert_true(p99 > 0);
    assert_int_equal(sal_sketch_count(s), 1000000);
    sal_sketch_free(s);
    gsl_rng_free(r);
}

/* ---- ensemble summaries ------------------------------------------------------- */

enum { NM = 3, ND = 40, NE = 3, HORIZON = 39, RUNS = 6000 };

/* Run `run` of a fake ensemble: its series and event days depend on the
 * run index alone (its own Philox stream), as in the engine. */
static void fake_run(gsl_rng *r, uint64_t run, double *series, int32_t *ev)
{
    sal_rng_reset(r, 77, run, 0);
    double level = gsl_ran_lognormal(r, 7, 1);
    for (int d = 0; d < ND; d++) {
        double loss = gsl_ran_poisson(r, level / 50);
        series[0 * ND + d] = (d ? series[0 * ND + d - 1] : level) - loss; /* both signs */
        series[1 * ND + d] = gsl_ran_lognormal(r, d / 10.0, 2);           /* decades   */
        series[2 * ND + d] = d > 30 && gsl_rng_uniform(r) < 0.3 ? NAN : loss;
    }
    ev[0] = gsl_rng_uniform(r) < 0.7 ? (int32_t)gsl_rng_uniform_int(r, HORIZON + 1)
                                     : SAL_EVENT_NEVER;
    ev[1] = SAL_EVENT_NEVER;
    ev[2] = (int32_t)gsl_rng_uniform_int(r, 3) * 10; /* point masses 0, 10, 20 */
}

static sal_summary_layout fake_layout(void)
{
    sal_summary_layout l = {NM, ND, NE, HORIZON, 0, 0, 0};
    return l;
}

/* All runs, computed once (tests only read them, threads included). */
static double *runs_series;  /* RUNS x NM x ND */
static int32_t *runs_events; /* RUNS x NE */

static void make_runs(void)
{
    if (runs_series)
        return;
    runs_series = malloc((size_t)RUNS * NM * ND * sizeof *runs_series);
    runs_events = malloc((size_t)RUNS * NE * sizeof *runs_events);
    assert_non_null(runs_series);
    assert_non_null(runs_events);
    gsl_rng *r = sal_rng_alloc(0, 0, 0);
    for (uint64_t run = 0; run < RUNS; run++)
        fake_run(r, run, runs_series + run * NM * ND, runs_events + run * NE);
    gsl_rng_free(r);
}

static const double *run_series(uint64_t run) { return runs_series + run * NM * ND; }
static const int32_t *run_events(uint64_t run) { return runs_events + run * NE; }

/* Summarises runs [lo, hi) into s. */
static void add_block(sal_summary *s, uint64_t lo, uint64_t hi)
{
    make_runs();
    for (uint64_t run = lo; run < hi; run++)
        assert_int_equal(sal_summary_add_run(s, run_series(run), run_events(run)),
                         SAL_OK);
}

static void test_summary_against_truth(void **st)
{
    (void)st;
    sal_summary_layout l = fake_layout();
    sal_summary *s = sal_summary_alloc(&l);
    assert_non_null(s);
    add_block(s, 0, RUNS);
    assert_int_equal(sal_summary_runs(s), RUNS);

    /* every cell, against the sorted sample and a long-double mean */
    double *col = malloc(RUNS * sizeof *col);
    static int32_t days[NE][RUNS];
    for (int run = 0; run < RUNS; run++)
        for (int e = 0; e < NE; e++)
            days[e][run] = run_events((uint64_t)run)[e];
    for (int m = 0; m < NM; m++)
        for (int d = 0; d < ND; d++) {
            for (int run = 0; run < RUNS; run++)
                col[run] = run_series((uint64_t)run)[m * ND + d];
            const sal_sketch *c = sal_summary_cell(s, (uint32_t)m, (uint32_t)d);
            size_t nan = 0;
            for (int run = 0; run < RUNS; run++)
                nan += isnan(col[run]);
            assert_int_equal(sal_sketch_nonfinite(c), nan);
            check_quantiles(c, col, RUNS, SAL_SKETCH_ACCURACY);
            assert_true(sal_summary_mean(s, (uint32_t)m, (uint32_t)d) ==
                        sal_sketch_mean(c));
        }
    /* events: probability, day counts and quantiles exact */
    for (int e = 0; e < NE; e++) {
        int32_t hit[RUNS];
        size_t n = 0;
        for (int run = 0; run < RUNS; run++)
            if (days[e][run] != SAL_EVENT_NEVER)
                hit[n++] = days[e][run];
        assert_int_equal(sal_summary_event_count(s, (uint32_t)e), n);
        assert_true(sal_summary_event_probability(s, (uint32_t)e) ==
                    (double)n / RUNS);
        for (int32_t d = -1; d <= HORIZON + 1; d++) {
            uint64_t k = 0;
            for (size_t i = 0; i < n; i++)
                k += hit[i] == d;
            assert_int_equal(sal_summary_event_day_count(s, (uint32_t)e, d),
                             d < 0 || d > HORIZON ? 0 : k);
        }
        /* sort the days (insertion is fine at this size? use qsort on doubles) */
        double *hd = malloc((n ? n : 1) * sizeof *hd);
        for (size_t i = 0; i < n; i++)
            hd[i] = hit[i];
        qsort(hd, n, sizeof *hd, cmp_double);
        for (size_t i = 0; i < NQ; i++) {
            int32_t got = sal_summary_event_quantile(s, (uint32_t)e, QS[i]);
            if (n)
                assert_int_equal(got, (int32_t)exact_quantile(hd, n, QS[i]));
            else
                assert_int_equal(got, SAL_EVENT_NEVER);
        }
        free(hd);
    }
    assert_int_equal(sal_summary_event_quantile(s, 0, 1.5), SAL_EVENT_NEVER);
    assert_true(isnan(sal_summary_event_probability(s, NE)));
    assert_null(sal_summary_cell(s, NM, 0));
    assert_null(sal_summary_cell(s, 0, ND));
    assert_true(isnan(sal_summary_quantile(s, NM, 0, 0.5)));
    free(col);
    sal_summary_free(s);
}

/* Blocks of fixed and uneven sizes, merged in any order, by 1 or 2 OpenMP
 * threads with dynamic scheduling (so which thread gets which block is up
 * to the runtime): the serialised bytes never change. */
static void test_summary_blocks_bit_identical(void **st)
{
    (void)st;
    sal_summary_layout l = fake_layout();
    sal_summary *one = sal_summary_alloc(&l);
    add_block(one, 0, RUNS);
    bytes want = summary_bytes(one);

    /* fixed blocks B, merged forwards and backwards */
    const uint64_t Bs[] = {1, 7, 250, 1000, RUNS};
    for (size_t bi = 0; bi < sizeof Bs / sizeof Bs[0]; bi++) {
        uint64_t B = Bs[bi], nb = (RUNS + B - 1) / B;
        for (int dir = 0; dir < 2; dir++) {
            sal_summary *acc = sal_summary_alloc(&l), *blk = sal_summary_alloc(&l);
            for (uint64_t k = 0; k < nb; k++) {
                uint64_t b = dir ? nb - 1 - k : k;
                uint64_t hi = (b + 1) * B < RUNS ? (b + 1) * B : RUNS;
                sal_summary_clear(blk);
                add_block(blk, b * B, hi);
                assert_int_equal(sal_summary_merge(acc, blk), SAL_OK);
            }
            bytes got = summary_bytes(acc);
            assert_same_bytes(want, got);
            free(got.p);
            sal_summary_free(blk);
            sal_summary_free(acc);
        }
    }

    /* threads: each thread its own partial summary, merged as they finish */
    for (int threads = 1; threads <= 2; threads++) {
        sal_summary *acc = sal_summary_alloc(&l);
        int bad = 0;
#pragma omp parallel num_threads(threads)
        {
            sal_summary *part = sal_summary_alloc(&l);
#pragma omp for schedule(dynamic, 37)
            for (int run = 0; run < RUNS; run++)
                if (sal_summary_add_run(part, run_series((uint64_t)run),
                                        run_events((uint64_t)run)) != SAL_OK)
#pragma omp atomic write
                    bad = 1;
#pragma omp critical
            if (sal_summary_merge(acc, part) != SAL_OK)
                bad = 1;
            sal_summary_free(part);
        }
        assert_false(bad);
        bytes got = summary_bytes(acc);
        assert_same_bytes(want, got);
        free(got.p);
        sal_summary_free(acc);
    }

    /* the mean over blocks against a long-double reference */
    for (int m = 0; m < NM; m++)
        for (int d = 0; d < ND; d++) {
            long double ref = 0;
            size_t n = 0;
            for (int run = 0; run < RUNS; run++) {
                double x = run_series((uint64_t)run)[m * ND + d];
                if (!isnan(x)) {
                    ref += x;
                    n++;
                }
            }
            ref /= n;
            double got = sal_summary_mean(one, (uint32_t)m, (uint32_t)d);
            assert_true(fabsl(got - ref) <= 1e-12L * fabsl(ref));
        }

    free(want.p);
    sal_summary_free(one);
}

/* A merge in slices of cells (how the ensemble merges its threads'
 * summaries, several threads at once): any slicing, merged in any order,
 * gives the bytes of sal_summary_merge; the check refuses what
 * sal_summary_merge refuses. */
static void test_summary_merge_slices(void **st)
{
    (void)st;
    sal_summary_layout l = fake_layout();
    sal_summary *a = sal_summary_alloc(&l), *b = sal_summary_alloc(&l);
    add_block(a, 0, 2000);
    add_block(b, 2000, RUNS);
    sal_summary *whole = sal_summary_alloc(&l);
    assert_int_equal(sal_summary_merge(whole, a), SAL_OK);
    assert_int_equal(sal_summary_merge(whole, b), SAL_OK);
    bytes want = summary_bytes(whole);
    size_t nc = sal_summary_ncells(a);
    assert_int_equal(nc, (size_t)NM * ND);
    const size_t widths[] = {1, 7, 64, NM * ND, NM * ND + 5};
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
        sal_summary *dst = sal_summary_alloc(&l);
        assert_int_equal(sal_summary_merge(dst, a), SAL_OK);
        assert_int_equal(sal_summary_merge_check(dst, b), SAL_OK);
        size_t ns = (nc + widths[w] - 1) / widths[w];
        for (size_t k = 0; k < ns; k++) { /* the slices last to first */
            size_t lo = (ns - 1 - k) * widths[w];
            assert_int_equal(sal_summary_merge_cells(dst, b, lo, lo + widths[w]), SAL_OK);
        }
        sal_summary_merge_tail(dst, b);
        bytes got = summary_bytes(dst);
        assert_same_bytes(want, got);
        free(got.p);
        sal_summary_free(dst);
    }
    /* another layout, and itself */
    sal_summary_layout l2 = l;
    l2.ndays = ND - 1;
    l2.horizon = HORIZON - 1;
    sal_summary *other = sal_summary_alloc(&l2);
    assert_int_equal(sal_summary_merge_check(a, other), SAL_EINPUT);
    assert_int_equal(sal_summary_merge_check(a, a), SAL_EINPUT);
    sal_summary_free(other);
    free(want.p);
    sal_summary_free(whole);
    sal_summary_free(a);
    sal_summary_free(b);
}

static void test_summary_serialise_and_errors(void **st)
{
    (void)st;
    sal_summary_layout l = fake_layout();
    gsl_rng *r = sal_rng_alloc(0, 0, 0);
    sal_summary *s = sal_summary_alloc(&l);
    add_block(s, 0, 500);
    bytes b = summary_bytes(s);

    /* round trip; the copy goes on like the original (a checkpoint) */
    sal_summary *t = NULL;
    size_t used = 0;
    assert_int_equal(sal_summary_deserialise(&t, b.p, b.n, &used), SAL_OK);
    assert_int_equal(used, b.n);
    bytes c = summary_bytes(t);
    assert_same_bytes(b, c);
    free(c.p);
    const sal_summary_layout *ls = sal_summary_layout_of(s),
                             *lt = sal_summary_layout_of(t);
    assert_true(ls->nmetrics == lt->nmetrics && ls->ndays == lt->ndays &&
                ls->nevents == lt->nevents && ls->horizon == lt->horizon &&
                ls->accuracy == lt->accuracy &&
                ls->max_buckets == lt->max_buckets);
    assert_int_equal(ls->max_buckets, SAL_SKETCH_MAX_BUCKETS);
    assert_true(ls->accuracy < SAL_SKETCH_ACCURACY);
    add_block(s, 500, 800);
    add_block(t, 500, 800);
    bytes d = summary_bytes(s), e = summary_bytes(t);
    assert_same_bytes(d, e);
    free(d.p);
    free(e.p);
    /* a summary allocated from the resolved layout merges with it */
    sal_summary *u = sal_summary_alloc(sal_summary_layout_of(s));
    assert_non_null(u);
    assert_int_equal(sal_summary_merge(u, t), SAL_OK);
    assert_int_equal(sal_summary_merge(u, u), SAL_EINPUT);
    sal_summary_free(u);
    sal_summary_free(t);

    /* every truncation refused; corruption never crashes */
    for (size_t n = 0; n < b.n; n += 1 + n / 64) {
        t = NULL;
        assert_int_equal(sal_summary_deserialise(&t, b.p, n, NULL), SAL_EINPUT);
        assert_null(t);
    }
    unsigned char *x = malloc(b.n);
    for (int trial = 0; trial < 300; trial++) {
        memcpy(x, b.p, b.n);
        x[gsl_rng_uniform_int(r, b.n)] ^= (unsigned char)(1u << gsl_rng_uniform_int(r, 8));
        if (trial < 40)
            x[gsl_rng_uniform_int(r, 48)] ^= (unsigned char)(1u << gsl_rng_uniform_int(r, 8));
        t = NULL;
        if (sal_summary_deserialise(&t, x, b.n, NULL) == SAL_OK) {
            (void)sal_summary_quantile(t, 0, 0, 0.5);
            (void)sal_summary_event_quantile(t, 0, 0.5);
            sal_summary_free(t);
        } else {
            assert_null(t);
        }
    }
    free(x);
    free(b.p);

    /* a bad event day changes nothing */
    b = summary_bytes(s);
    double series[NM * ND] = {0};
    int32_t ev[NE] = {0, HORIZON + 1, 0};
    assert_int_equal(sal_summary_add_run(s, series, ev), SAL_ERANGE);
    ev[1] = -2;
    assert_int_equal(sal_summary_add_run(s, series, ev), SAL_ERANGE);
    c = summary_bytes(s);
    assert_same_bytes(b, c);
    free(b.p);
    free(c.p);

    /* layouts */
    sal_summary_layout bad = l;
    bad.horizon = -1;
    assert_null(sal_summary_alloc(&bad));
    bad = l;
    bad.accuracy = 0.7;
    assert_null(sal_summary_alloc(&bad));
    bad = l;
    bad.nmetrics = 1u << 20;
    bad.ndays = 1u << 20;
    assert_null(sal_summary_alloc(&bad));
    assert_null(sal_summary_alloc(NULL));
    bad = l;
    bad.ndays = ND + 1;
    u = sal_summary_alloc(&bad);
    assert_int_equal(sal_summary_merge(s, u), SAL_EINPUT);
    sal_summary_free(u);
    bad = l;
    bad.accuracy = 0.01;
    u = sal_summary_alloc(&bad);
    assert_int_equal(sal_summary_merge(s, u), SAL_EINPUT);
    sal_summary_free(u);

    /* strided input (day-major) equals metric-major */
    sal_summary *a1 = sal_summary_alloc(&l), *a2 = sal_summary_alloc(&l);
    double tr[ND * NM];
    int32_t evs[NE];
    for (uint64_t run = 0; run < 50; run++) {
        fake_run(r, run, series, evs);
        for (int m = 0; m < NM; m++)
            for (int dd = 0; dd < ND; dd++)
                tr[dd * NM + m] = series[m * ND + dd];
        sal_summary_add_run(a1, series, evs);
        sal_summary_strides dm = {0, 1, NM};
        sal_summary_add_runs(a2, 1, tr, &dm, evs);
    }
    d = summary_bytes(a1);
    e = summary_bytes(a2);
    assert_same_bytes(d, e);
    free(d.p);
    free(e.p);
    sal_summary_free(a1);
    sal_summary_free(a2);

    /* no events, no metrics */
    sal_summary_layout l0 = {0, 0, 0, 0, 0, 0, 0};
    sal_summary *z = sal_summary_alloc(&l0);
    assert_non_null(z);
    assert_int_equal(sal_summary_add_run(z, NULL, NULL), SAL_OK);
    b = summary_bytes(z);
    t = NULL;
    assert_int_equal(sal_summary_deserialise(&t, b.p, b.n, NULL), SAL_OK);
    assert_int_equal(sal_summary_runs(t), 1);
    free(b.p);
    sal_summary_free(t);
    sal_summary_free(z);

    sal_summary_free(s);
    gsl_rng_free(r);
}

/* Small cases where the quantile definition decides: with five far-apart
 * values, k = floor(q (n - 1)) picks exactly one of them. */
static void test_small_exact_definition(void **st)
{
    (void)st;
    sal_summary_layout l = {1, 1, 1, 40, 0, 0, 0};
    sal_summary *s = sal_summary_alloc(&l);
    const int32_t days[] = {3, 9, 1, SAL_EVENT_NEVER, 30, 7};
    const double vals[] = {20, 90, 10, NAN, 300, 70};
    for (int i = 0; i < 6; i++)
        assert_int_equal(sal_summary_add_run(s, &vals[i], &days[i]), SAL_OK);
    /* sorted days 1 3 7 9 30, values 10 20 70 90 300 */
    const double q[] = {0, 0.2, 0.3, 0.5, 0.74, 0.75, 0.95, 1};
    const int32_t dq[] = {1, 1, 3, 7, 7, 9, 9, 30};
    const double vq[] = {10, 10, 20, 70, 70, 90, 90, 300};
    double a = sal_sketch_accuracy(sal_summary_cell(s, 0, 0));
    for (int i = 0; i < 8; i++) {
        assert_int_equal(sal_summary_event_quantile(s, 0, q[i]), dq[i]);
        assert_true(fabs(sal_summary_quantile(s, 0, 0, q[i]) - vq[i]) <= a * vq[i]);
    }
    assert_true(sal_summary_event_probability(s, 0) == 5.0 / 6.0);
    assert_true(sal_summary_mean(s, 0, 0) == 98.0);
    assert_int_equal(sal_sketch_nonfinite(sal_summary_cell(s, 0, 0)), 1);
    sal_summary_free(s);
}

/* Exact quantiles (layout exact_max): with every run kept, each quantile is
 * the order statistic of the sorted sample itself (compared with ==); the
 * bytes do not depend on the blocks, their order or the threads; the
 * bytes round-trip, and a store out of order is refused.  Past exact_max
 * the summary answers from the sketch, within its bound, and the bytes
 * still do not depend on how the runs were split. */
static void test_summary_exact(void **st)
{
    (void)st;
    sal_summary_layout l = fake_layout();
    l.exact_max = RUNS;
    sal_summary *one = sal_summary_alloc(&l);
    assert_non_null(one);
    add_block(one, 0, RUNS);
    assert_int_equal(sal_summary_exact(one), 1);
    double *col = malloc(RUNS * sizeof *col);
    for (int m = 0; m < NM; m++)
        for (int d = 0; d < ND; d++) {
            size_t n = 0;
            for (int run = 0; run < RUNS; run++) {
                double x = run_series((uint64_t)run)[m * ND + d];
                if (!isnan(x))
                    col[n++] = x;
            }
            qsort(col, n, sizeof *col, cmp_double);
            const sal_sketch *c = sal_summary_cell(one, (uint32_t)m, (uint32_t)d);
            assert_true(sal_sketch_exact(c));
            for (size_t i = 0; i < NQ; i++)
                assert_true(sal_sketch_quantile(c, QS[i]) == exact_quantile(col, n, QS[i]));
        }
    free(col);
    bytes want = summary_bytes(one);
    /* blocks of 7 and of 1000, merged backwards */
    const uint64_t Bs[] = {7, 1000};
    for (size_t bi = 0; bi < 2; bi++) {
        uint64_t B = Bs[bi], nb = (RUNS + B - 1) / B;
        sal_summary *acc = sal_summary_alloc(&l), *blk = sal_summary_alloc(&l);
        for (uint64_t k = 0; k < nb; k++) {
            uint64_t b = nb - 1 - k, hi = (b + 1) * B < RUNS ? (b + 1) * B : RUNS;
            sal_summary_clear(blk);
            make_runs();
            assert_int_equal(sal_summary_add_runs(blk, hi - b * B, run_series(b * B), NULL,
                                                  run_events(b * B)), SAL_OK);
            assert_int_equal(sal_summary_merge(acc, blk), SAL_OK);
        }
        bytes got = summary_bytes(acc);
        assert_same_bytes(want, got);
        free(got.p);
        sal_summary_free(blk);
        sal_summary_free(acc);
    }
    /* the bytes back, and a store out of order refused */
    sal_summary *t = NULL;
    assert_int_equal(sal_summary_deserialise(&t, want.p, want.n, NULL), SAL_OK);
    bytes again = summary_bytes(t);
    assert_same_bytes(want, again);
    free(again.p);
    sal_summary_free(t);
    /* the first cell's store: after the 44-byte header, its counts, min,
     * max, sum digits and bucket stores; its last two values swapped */
    const sal_sketch *c0 = sal_summary_cell(one, 0, 0);
    size_t body = sal_sketch_serialised_size(c0) - 20; /* less the sketch's own header */
    size_t last = 44 + body - 8;
    unsigned char *x = malloc(want.n);
    memcpy(x, want.p, want.n);
    uint64_t maxbits = 0; /* the cell's largest value, where the store ends */
    for (int i = 7; i >= 0; i--)
        maxbits = maxbits << 8 | x[last + (size_t)i];
    double mx;
    memcpy(&mx, &maxbits, 8);
    assert_true(mx == sal_sketch_max(c0));
    assert_true(memcmp(x + last - 8, x + last, 8) != 0);
    memcpy(x + last - 8, want.p + last, 8);
    memcpy(x + last, want.p + last - 8, 8);
    assert_int_equal(sal_summary_deserialise(&t, x, want.n, NULL), SAL_EINPUT);
    assert_null(t);
    free(x);
    free(want.p);
    sal_summary_free(one);

    /* past exact_max: the sketch answers, and two halves below the cap
     * merge into the bytes of one summary of every run */
    l.exact_max = RUNS / 2;
    sal_summary *all = sal_summary_alloc(&l), *lo = sal_summary_alloc(&l),
                *hi = sal_summary_alloc(&l);
    add_block(all, 0, RUNS);
    add_block(lo, 0, RUNS / 2);
    add_block(hi, RUNS / 2, RUNS);
    assert_int_equal(sal_summary_exact(all), 0);
    assert_int_equal(sal_summary_exact(lo), 1);
    assert_int_equal(sal_summary_merge(lo, hi), SAL_OK);
    assert_int_equal(sal_summary_exact(lo), 0);
    bytes a = summary_bytes(all), b = summary_bytes(lo);
    assert_same_bytes(a, b);
    free(a.p);
    free(b.p);
    double *v = malloc(RUNS * sizeof *v);
    for (int run = 0; run < RUNS; run++)
        v[run] = run_series((uint64_t)run)[1 * ND + 20];
    check_quantiles(sal_summary_cell(all, 1, 20), v, RUNS, SAL_SKETCH_ACCURACY);
    free(v);
    /* layouts that differ in exact_max do not merge */
    sal_summary_layout l2 = l;
    l2.exact_max = 0;
    sal_summary *z = sal_summary_alloc(&l2);
    assert_int_equal(sal_summary_merge_check(z, all), SAL_EINPUT);
    sal_summary_free(z);
    sal_summary_free(all);
    sal_summary_free(lo);
    sal_summary_free(hi);
}

/* A summary whose cells disagree with its run count is refused. */
static void test_summary_inconsistent_refused(void **st)
{
    (void)st;
    sal_summary_layout l = {1, 1, 0, 0, 0, 0, 0};
    sal_summary *s = sal_summary_alloc(&l);
    bytes b = summary_bytes(s);
    sal_summary *t = NULL;
    assert_int_equal(sal_summary_deserialise(&t, b.p, b.n, NULL), SAL_OK);
    sal_summary_free(t);
    b.p[36] = 1; /* runs = 1, but the cell holds no value */
    assert_int_equal(sal_summary_deserialise(&t, b.p, b.n, NULL), SAL_EINPUT);
    assert_null(t);
    free(b.p);
    sal_summary_free(s);
}

/* A summary's memory follows the stated model and stops growing. */
static void test_summary_memory(void **st)
{
    (void)st;
    sal_summary_layout l = fake_layout();
    sal_summary *s = sal_summary_alloc(&l);
    add_block(s, 0, 2000);
    size_t b2 = sal_summary_bytes(s);
    add_block(s, 2000, 4000);
    size_t b4 = sal_summary_bytes(s);
    sal_summary *e = sal_summary_alloc(&l);
    size_t empty = sal_summary_bytes(e);
    sal_summary_free(e);
    assert_true(b4 <= empty + (size_t)NM * ND * 2 * 2048 * 4);
    assert_true(b4 < 2 * b2); /* growth only from new buckets, not runs */
    sal_summary_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xsum_against_int128),
        cmocka_unit_test(test_xsum_rounding_and_range),
        cmocka_unit_test(test_xsum_carries),
        cmocka_unit_test(test_quantiles_known_samples),
        cmocka_unit_test(test_every_magnitude),
        cmocka_unit_test(test_edge_values),
        cmocka_unit_test(test_merge_every_split),
        cmocka_unit_test(test_merge_random_splits),
        cmocka_unit_test(test_sketch_serialise),
        cmocka_unit_test(test_count_limit),
        cmocka_unit_test(test_memory_bounded),
        cmocka_unit_test(test_summary_against_truth),
        cmocka_unit_test(test_summary_blocks_bit_identical),
        cmocka_unit_test(test_summary_merge_slices),
        cmocka_unit_test(test_summary_serialise_and_errors),
        cmocka_unit_test(test_summary_memory),
        cmocka_unit_test(test_small_exact_definition),
        cmocka_unit_test(test_summary_inconsistent_refused),
        cmocka_unit_test(test_summary_exact),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    free(runs_series);
    free(runs_events);
    return failed;
}

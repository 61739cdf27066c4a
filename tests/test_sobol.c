/* Sobol' indices: the Saltelli design and estimators against functions whose
 * indices are known in closed form (Ishigami; a linear additive function),
 * and the scenario driver's thread-count independence and errors. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "salient/dist.h"
#include "salient/rng.h"
#include "salient/engine.h"
#include "salient/model.h"
#include "salient/sobol.h"

#define PI 3.141592653589793

/* Ishigami & Homma (1990), a = 7, b = 0.1: closed-form partial variances. */
static const double ish_a = 7, ish_b = 0.1;

static void ishigami_truth(double s1[3], double st[3])
{
    double p4 = pow(PI, 4), p8 = pow(PI, 8);
    double v1 = 0.5 * pow(1 + ish_b * p4 / 5, 2), v2 = ish_a * ish_a / 8;
    double v13 = ish_b * ish_b * p8 * (1.0 / 18 - 1.0 / 50);
    double v = v1 + v2 + v13;
    s1[0] = v1 / v, s1[1] = v2 / v, s1[2] = 0;
    st[0] = (v1 + v13) / v, st[1] = v2 / v, st[2] = v13 / v;
}

static double ishigami(const double *x)
{
    return sin(x[0]) + ish_a * pow(sin(x[1]), 2) + ish_b * pow(x[2], 4) * sin(x[0]);
}

/* Fills y (n (k + 2) values, the layout of salient/sobol.h) with f over the
 * design, each unit coordinate mapped through the inverse CDF of d[i]. */
static double *evaluate(size_t k, size_t n, const sal_dist *d, double (*f)(const double *))
{
    double *a = malloc(n * k * sizeof *a), *b = malloc(n * k * sizeof *b);
    double *y = malloc(n * (k + 2) * sizeof *y), x[64], xa[64], xb[64];
    assert_true(a && b && y && k <= 64);
    assert_int_equal(sal_sobol_design(k, n, a, b), SAL_OK);
    for (size_t j = 0; j < n; j++) {
        for (size_t i = 0; i < k; i++) {
            assert_true(a[j * k + i] > 0 && a[j * k + i] < 1);
            assert_true(b[j * k + i] > 0 && b[j * k + i] < 1);
            xa[i] = sal_dist_quantile(&d[i], a[j * k + i]);
            xb[i] = sal_dist_quantile(&d[i], b[j * k + i]);
        }
        y[j * (k + 2)] = f(xa);
        y[j * (k + 2) + 1] = f(xb);
        for (size_t i = 0; i < k; i++) {
            memcpy(x, xa, k * sizeof *x);
            x[i] = xb[i];
            y[j * (k + 2) + 2 + i] = f(x);
        }
    }
    free(a);
    free(b);
    return y;
}

static void test_ishigami(void **state)
{
    (void)state;
    sal_dist u = {SAL_DIST_UNIFORM, {-PI, PI, 0}, NULL, NULL, 0};
    sal_dist d[3] = {u, u, u};
    size_t n = 16384;
    double *y = evaluate(3, n, d, ishigami);
    sal_sobol_indices ix;
    assert_int_equal(sal_sobol_estimate(3, n, y, 100, 7, &ix), SAL_OK);
    double s1[3], st[3];
    ishigami_truth(s1, st);
    /* The rounded values, and the exact ones. */
    assert_close(s1[0], 0.314, 0.001);
    assert_close(st[2], 0.244, 0.001);
    for (int i = 0; i < 3; i++) {
        print_message("x%d: S1 %.4f [%.4f, %.4f] (%.4f)  ST %.4f [%.4f, %.4f] (%.4f)\n", i + 1,
                      ix.s1[i], ix.s1_lo[i], ix.s1_hi[i], s1[i], ix.st[i], ix.st_lo[i],
                      ix.st_hi[i], st[i]);
        assert_close(ix.s1[i], s1[i], 0.02);
        assert_close(ix.st[i], st[i], 0.02);
        assert_true(ix.s1_lo[i] <= ix.s1[i] && ix.s1[i] <= ix.s1_hi[i]);
        assert_true(ix.st_lo[i] <= ix.st[i] && ix.st[i] <= ix.st_hi[i]);
        /* the intervals are informative and not far from the truth */
        assert_true(ix.s1_hi[i] - ix.s1_lo[i] < 0.1);
        assert_true(ix.st_hi[i] - ix.st_lo[i] < 0.1);
        assert_true(s1[i] > ix.s1_lo[i] - 0.02 && s1[i] < ix.s1_hi[i] + 0.02);
        assert_true(st[i] > ix.st_lo[i] - 0.02 && st[i] < ix.st_hi[i] + 0.02);
    }
    double var = ish_a * ish_a / 8 + ish_b * pow(PI, 4) / 5 + ish_b * ish_b * pow(PI, 8) / 18 + 0.5;
    assert_close(ix.variance, var, 0.02 * var);
    assert_close(ix.mean, ish_a / 2, 0.05);
    assert_close(ix.noise, 0, 0.01); /* no noise: A and B share nothing */
    assert_true(ix.noise_lo < 0 && ix.noise_hi > 0);
    sal_sobol_indices_clear(&ix);
    free(y);
}

/* f = sum c_i x_i with independent inputs: S1_i = ST_i = c_i^2 var_i / sum. */
static const double lin_c[4] = {1.0, -2.0, 0.5, 3.0};
static double linear(const double *x)
{
    double s = 0;
    for (int i = 0; i < 4; i++)
        s += lin_c[i] * x[i];
    return s;
}

static void test_linear_additive(void **state)
{
    (void)state;
    sal_dist d[4] = {
        {SAL_DIST_UNIFORM, {0, 1, 0}, NULL, NULL, 0},     /* var 1/12 */
        {SAL_DIST_UNIFORM, {-2, 2, 0}, NULL, NULL, 0},    /* var 16/12 */
        {SAL_DIST_NORMAL, {10, 2, 0}, NULL, NULL, 0},     /* var 4 */
        {SAL_DIST_TRIANGULAR, {0, 1, 4}, NULL, NULL, 0},  /* var (0+1+16-0-0-4)/18 */
    };
    double var[4] = {1.0 / 12, 16.0 / 12, 4, 13.0 / 18}, tot = 0, s[4];
    for (int i = 0; i < 4; i++)
        tot += lin_c[i] * lin_c[i] * var[i];
    size_t n = 4096;
    double *y = evaluate(4, n, d, linear);
    sal_sobol_indices ix;
    assert_int_equal(sal_sobol_estimate(4, n, y, 50, 1, &ix), SAL_OK);
    for (int i = 0; i < 4; i++) {
        s[i] = lin_c[i] * lin_c[i] * var[i] / tot;
        print_message("x%d: S1 %.4f ST %.4f (%.4f)\n", i + 1, ix.s1[i], ix.st[i], s[i]);
        assert_close(ix.s1[i], s[i], 0.01);
        assert_close(ix.st[i], s[i], 0.01);
    }
    assert_close(ix.variance, tot, 0.01 * tot);
    sal_sobol_indices_clear(&ix);
    free(y);
}

/* Above SAL_SOBOL_SOBOL_INPUTS inputs the design is plain Monte Carlo:
 * the same closed form (S1_i = ST_i = c_i^2 / sum c^2 for f = sum c_i x_i,
 * x_i uniform) for 40 inputs, c_i = 1 + i % 5 so that the indices differ.
 * Tolerances, about 3 standard errors at n = 4096: 0.02 for S1 (the noisier
 * estimator), 0.008 for ST (0.002 of its own Monte Carlo error plus the
 * error of V, which divides every index: 1.6%, so 5% of ST_i). */
enum { HIGH_K = 40 };
static double linear_high(const double *x)
{
    double s = 0;
    for (int i = 0; i < HIGH_K; i++)
        s += (1 + i % 5) * x[i];
    return s;
}

static void test_linear_high_dimension(void **state)
{
    (void)state;
    assert_true(HIGH_K > SAL_SOBOL_SOBOL_INPUTS && HIGH_K <= SAL_SOBOL_MAX_INPUTS);
    sal_dist d[HIGH_K];
    double tot = 0;
    for (int i = 0; i < HIGH_K; i++) {
        d[i] = (sal_dist){SAL_DIST_UNIFORM, {0, 1, 0}, NULL, NULL, 0};
        tot += (1 + i % 5) * (1 + i % 5);
    }
    size_t n = 4096;
    double *y = evaluate(HIGH_K, n, d, linear_high);
    sal_sobol_indices ix;
    assert_int_equal(sal_sobol_estimate(HIGH_K, n, y, 0, 1, &ix), SAL_OK);
    double worst = 0;
    for (int i = 0; i < HIGH_K; i++) {
        double s = (1 + i % 5) * (1 + i % 5) / tot;
        worst = fmax(worst, fmax(fabs(ix.s1[i] - s), fabs(ix.st[i] - s)));
        assert_close(ix.s1[i], s, 0.02);
        assert_close(ix.st[i], s, 0.008);
    }
    print_message("40 inputs (Monte Carlo): worst |index - truth| %.4f\n", worst);
    /* the sample variance of 2n = 8192 points: standard error 1.6% */
    assert_close(ix.variance, tot / 12, 0.06 * tot / 12);
    sal_sobol_indices_clear(&ix);
    free(y);
}

/* The daily noise as the engine's stochastic mode sees it: one draw e_j per
 * design row, the same in A, B and every A_B^(i) of the row.  With
 * y = x1 + x2 e + e, x uniform on [-1, 1] (variance 1/3), e ~ N(0, 1):
 * V1 = 1/3, V2 = 0, V_e = 1, V_2e = 1/3, V = 5/3, and docs/sensitivity.md's
 * reading of the estimators gives S1_1 = ST_1 = 0.2, S1_2 = (V2 + V_2e)/V =
 * 0.2 (its interaction with the noise included), ST_2 = 0.2, and the noise
 * share V_e / V = 0.6. */
static void test_common_noise(void **state)
{
    (void)state;
    size_t k = 2, n = 16384, w = k + 2;
    sal_dist u = {SAL_DIST_UNIFORM, {-1, 1, 0}, NULL, NULL, 0};
    double *a = malloc(n * k * sizeof *a), *b = malloc(n * k * sizeof *b);
    double *y = malloc(n * w * sizeof *y);
    gsl_rng *g = sal_rng_alloc(5, 0, 0);
    assert_true(a && b && y && g);
    assert_int_equal(sal_sobol_design(k, n, a, b), SAL_OK);
    for (size_t j = 0; j < n; j++) {
        sal_rng_reset(g, 5, j, 0);
        double e = gsl_ran_gaussian(g, 1.0), xa[2], xb[2];
        for (size_t i = 0; i < k; i++) {
            xa[i] = sal_dist_quantile(&u, a[j * k + i]);
            xb[i] = sal_dist_quantile(&u, b[j * k + i]);
        }
        y[j * w + 0] = xa[0] + xa[1] * e + e;
        y[j * w + 1] = xb[0] + xb[1] * e + e;
        y[j * w + 2] = xb[0] + xa[1] * e + e;
        y[j * w + 3] = xa[0] + xb[1] * e + e;
    }
    sal_sobol_indices ix;
    assert_int_equal(sal_sobol_estimate(k, n, y, 100, 3, &ix), SAL_OK);
    print_message("S1 %.4f %.4f  ST %.4f %.4f  noise %.4f [%.4f, %.4f]\n", ix.s1[0], ix.s1[1],
                  ix.st[0], ix.st[1], ix.noise, ix.noise_lo, ix.noise_hi);
    assert_close(ix.variance, 5.0 / 3, 0.1);
    assert_close(ix.s1[0], 0.2, 0.03);
    assert_close(ix.s1[1], 0.2, 0.03);
    assert_close(ix.st[0], 0.2, 0.03);
    assert_close(ix.st[1], 0.2, 0.03);
    assert_close(ix.noise, 0.6, 0.03);
    assert_true(ix.noise_lo < ix.noise && ix.noise < ix.noise_hi);
    sal_sobol_indices_clear(&ix);
    gsl_rng_free(g);
    free(a);
    free(b);
    free(y);
}

static void test_estimate_errors(void **state)
{
    (void)state;
    double a[4], b[4];
    assert_int_equal(sal_sobol_design(0, 2, a, b), SAL_EINPUT);
    assert_int_equal(sal_sobol_design(SAL_SOBOL_MAX_INPUTS + 1, 1, a, b), SAL_EINPUT);
    assert_int_equal(sal_sobol_design(1, 0, a, b), SAL_EINPUT);
    assert_int_equal(sal_sobol_design(2, 2, a, b), SAL_OK);
    assert_close(a[0], 0.5, 0); /* GSL's first point after the origin */

    double y[3 * 8];
    for (int i = 0; i < 24; i++)
        y[i] = 4.25;
    sal_sobol_indices ix;
    assert_int_equal(sal_sobol_estimate(1, 8, y, 10, 1, &ix), SAL_EFAIL);
    assert_null(ix.s1);
    y[5] = NAN;
    assert_int_equal(sal_sobol_estimate(1, 8, y, 10, 1, &ix), SAL_ERANGE);
    assert_int_equal(sal_sobol_estimate(0, 8, y, 10, 1, &ix), SAL_EINPUT);
    assert_int_equal(sal_sobol_estimate(1, 1, y, 10, 1, &ix), SAL_EINPUT);
    assert_int_equal(sal_sobol_estimate(1, 8, y, 10, 1, NULL), SAL_EINPUT);
    /* no bootstrap: NaN intervals */
    for (int i = 0; i < 24; i++)
        y[i] = i % 5;
    assert_int_equal(sal_sobol_estimate(1, 8, y, 0, 1, &ix), SAL_OK);
    assert_true(isnan(ix.s1_lo[0]) && isnan(ix.st_hi[0]));
    sal_sobol_indices_clear(&ix);
}

static sal_model *read_model(const char *path)
{
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    int rc = sal_model_read(path, NULL, d, &m);
    sal_diags_free(d);
    assert_int_equal(rc, SAL_OK);
    return m;
}

static void assert_same(const sal_sobol_indices *x, const sal_sobol_indices *y)
{
    size_t k = x->k;
    assert_int_equal(k, y->k);
    assert_memory_equal(x->s1, y->s1, k * sizeof *x->s1);
    assert_memory_equal(x->s1_lo, y->s1_lo, k * sizeof *x->s1);
    assert_memory_equal(x->s1_hi, y->s1_hi, k * sizeof *x->s1);
    assert_memory_equal(x->st, y->st, k * sizeof *x->s1);
    assert_memory_equal(x->st_lo, y->st_lo, k * sizeof *x->s1);
    assert_memory_equal(x->st_hi, y->st_hi, k * sizeof *x->s1);
    assert_memory_equal(&x->variance, &y->variance, sizeof x->variance);
    assert_memory_equal(&x->noise, &y->noise, sizeof x->noise);
    assert_memory_equal(&x->noise_lo, &y->noise_lo, sizeof x->noise);
    assert_memory_equal(&x->noise_hi, &y->noise_hi, sizeof x->noise);
}

static void test_run_ishigami_threads(void **state)
{
    (void)state;
    sal_model *m = read_model("examples/ishigami.yaml");
    assert_int_equal(m->nuncertain, 3);
    sal_sobol_opts o = {0, -1, 2048, 40, 3, 0, 1, NULL, NULL};
    sal_sobol_indices one, two, three;
    assert_int_equal(sal_sobol_run(m, &o, &one, NULL), SAL_OK);
    o.threads = 2;
    assert_int_equal(sal_sobol_run(m, &o, &two, NULL), SAL_OK);
    o.threads = 3;
    assert_int_equal(sal_sobol_run(m, &o, &three, NULL), SAL_OK);
    assert_same(&one, &two);
    assert_same(&one, &three);
    double s1[3], st[3];
    ishigami_truth(s1, st);
    for (int i = 0; i < 3; i++) { /* N = 2^11: looser */
        assert_close(one.s1[i], s1[i], 0.05);
        assert_close(one.st[i], st[i], 0.05);
    }
    /* deterministic mode: the inputs come from the design, so the same */
    o.deterministic = 1;
    sal_sobol_indices_clear(&three);
    assert_int_equal(sal_sobol_run(m, &o, &three, NULL), SAL_OK);
    assert_same(&one, &three);
    sal_sobol_indices_clear(&one);
    sal_sobol_indices_clear(&two);
    sal_sobol_indices_clear(&three);
    sal_model_free(m);
}

/* The engine's stochastic mode: every evaluation of design row j is run j,
 * so the noise is common within a row and the result still does not depend
 * on the thread count; the mean-field mode gives other numbers. */
static void test_run_stochastic_threads(void **state)
{
    (void)state;
    sal_model *m = read_model("examples/every-section.yaml");
    assert_true(m->nuncertain >= 2 && m->nmetrics >= 2);
    sal_sobol_opts o = {1, 60, 64, 20, 11, 0, 1, NULL, NULL};
    sal_sobol_indices one, two, det;
    assert_int_equal(sal_sobol_run(m, &o, &one, NULL), SAL_OK);
    o.threads = 2;
    assert_int_equal(sal_sobol_run(m, &o, &two, NULL), SAL_OK);
    assert_same(&one, &two);
    o.deterministic = 1;
    assert_int_equal(sal_sobol_run(m, &o, &det, NULL), SAL_OK);
    assert_true(memcmp(one.st, det.st, one.k * sizeof *one.st) != 0);
    for (size_t i = 0; i < one.k; i++) {
        assert_true(isfinite(one.s1[i]) && isfinite(one.st[i]));
        assert_true(one.st[i] >= 0 && det.st[i] >= 0); /* a mean of squares */
    }
    sal_sobol_indices_clear(&one);
    sal_sobol_indices_clear(&two);
    sal_sobol_indices_clear(&det);
    sal_model_free(m);
}

typedef struct {
    int calls, stop_at;
    uint64_t last, total;
} prog_ctx;

static int on_progress(void *ctx, uint64_t done, uint64_t total)
{
    prog_ctx *p = ctx;
    assert_true(done > p->last && done <= total);
    p->calls++;
    p->last = done;
    p->total = total;
    return p->calls == p->stop_at;
}

/* Progress after every wave of rows; a stop leaves the first rows done, and
 * the first rows of the design are the design of a smaller N: the partial
 * result is bit for bit the result of that N. */
static void test_run_progress_stop(void **state)
{
    (void)state;
    sal_model *m = read_model("examples/ishigami.yaml");
    prog_ctx p = {0, 0, 0, 0};
    sal_sobol_opts o = {0, -1, 2048, 30, 3, 0, 2, on_progress, &p};
    sal_sobol_indices all, part, small;
    assert_int_equal(sal_sobol_run(m, &o, &all, NULL), SAL_OK);
    assert_int_equal(p.calls, 8); /* waves of 256 rows */
    assert_int_equal(p.last, 2048 * 5);
    assert_int_equal(p.total, 2048 * 5);
    p = (prog_ctx){0, 2, 0, 0};
    assert_int_equal(sal_sobol_run(m, &o, &part, NULL), SAL_EINTR);
    assert_int_equal(part.n, 512);
    o.nbase = 512;
    o.progress = NULL;
    assert_int_equal(sal_sobol_run(m, &o, &small, NULL), SAL_OK);
    assert_same(&part, &small);
    /* a stop asked on the last wave is no stop */
    o.nbase = 256;
    o.progress = on_progress;
    p = (prog_ctx){0, 1, 0, 0};
    sal_sobol_indices_clear(&small);
    assert_int_equal(sal_sobol_run(m, &o, &small, NULL), SAL_OK);
    sal_sobol_indices_clear(&all);
    sal_sobol_indices_clear(&part);
    sal_sobol_indices_clear(&small);
    sal_model_free(m);
}

static void test_run_errors(void **state)
{
    (void)state;
    sal_model *m = read_model("examples/ishigami.yaml");
    sal_diags *d = sal_diags_alloc();
    sal_sobol_indices ix;
    sal_sobol_opts o = {1, -1, 64, 0, 1, 0, 1, NULL, NULL};
    assert_int_equal(sal_sobol_run(m, &o, &ix, d), SAL_EINPUT); /* metric 1 of 1 */
    assert_null(ix.s1);
    o.metric = 0;
    o.day = 2;
    assert_int_equal(sal_sobol_run(m, &o, &ix, d), SAL_EINPUT);
    o.day = 0;
    o.nbase = 1;
    assert_int_equal(sal_sobol_run(m, &o, &ix, d), SAL_EINPUT);
    assert_int_equal(sal_diags_count(d), 3);
    assert_int_equal(sal_sobol_run(NULL, &o, &ix, d), SAL_EINPUT);
    sal_model_free(m);

    m = read_model("examples/minimal.yaml"); /* nothing uncertain */
    o.nbase = 64;
    assert_int_equal(sal_sobol_run(m, &o, &ix, d), SAL_EINPUT);
    assert_non_null(strstr(sal_diags_get(d, 3)->message, "no uncertain inputs"));
    sal_model_free(m);
    sal_diags_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ishigami),
        cmocka_unit_test(test_linear_additive),
        cmocka_unit_test(test_linear_high_dimension),
        cmocka_unit_test(test_common_noise),
        cmocka_unit_test(test_estimate_errors),
        cmocka_unit_test(test_run_ishigami_threads),
        cmocka_unit_test(test_run_stochastic_threads),
        cmocka_unit_test(test_run_progress_stop),
        cmocka_unit_test(test_run_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Given-data first-order indices against closed forms: y = x1 + 2 x2 with
 * (x1, x2) standard normal of correlation rho, whose first-order indices are
 *   S1 = (1 + 2 rho)^2 / (5 + 4 rho),  S2 = (2 + rho)^2 / (5 + 4 rho)
 * (E[y | x1] = (1 + 2 rho) x1, E[y | x2] = (2 + rho) x2, Var y = 5 + 4 rho);
 * an input y does not depend on (index 0); and the bias correction. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "salient/base.h"
#include "salient/givendata.h"

enum { N = 40000 };

static void draw(double rho, double *x1, double *x2, double *x3, double *y, size_t n,
                 unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    for (size_t i = 0; i < n; i++) {
        double a = gsl_ran_ugaussian(r), b = gsl_ran_ugaussian(r);
        x1[i] = a;
        x2[i] = rho * a + sqrt(1 - rho * rho) * b;
        x3[i] = gsl_ran_ugaussian(r);
        y[i] = x1[i] + 2 * x2[i];
    }
    gsl_rng_free(r);
}

/* Tolerance 0.02: the sampling error of eta^2 at N = 40,000 is below 0.005;
 * the loss from 50 classes (the variance of E[y|x] within a class of x) is
 * below 0.01 of Var E[y|x] for a normal input. */
static void test_correlated_linear(void **state)
{
    (void)state;
    static double x1[N], x2[N], x3[N], y[N];
    const double rhos[] = {0.0, 0.5, -0.6};
    for (int k = 0; k < 3; k++) {
        double rho = rhos[k];
        draw(rho, x1, x2, x3, y, N, 11u + (unsigned)k);
        double s1 = (1 + 2 * rho) * (1 + 2 * rho) / (5 + 4 * rho);
        double s2 = (2 + rho) * (2 + rho) / (5 + 4 * rho);
        double raw, cor;
        size_t m = sal_givendata_bins(N);
        assert_int_equal(m, 50);
        assert_int_equal(sal_givendata_first_order(x1, y, N, m, &raw, &cor), SAL_OK);
        assert_true(fabs(cor - s1) < 0.02);
        assert_true(raw >= cor);
        assert_int_equal(sal_givendata_first_order(x2, y, N, m, &raw, &cor), SAL_OK);
        assert_true(fabs(cor - s2) < 0.02);
        /* an input y does not depend on: 0 within the sampling error */
        assert_int_equal(sal_givendata_first_order(x3, y, N, m, &raw, &cor), SAL_OK);
        assert_true(fabs(cor) < 0.01);
    }
    /* the sum of the first-order indices exceeds 1 with positive correlation:
     * Sobol's decomposition does not hold, the given-data indices still do */
    assert_true((1 + 2 * 0.5) * (1 + 2 * 0.5) / 7.0 + 2.5 * 2.5 / 7.0 > 1);
}

/* The bias of the raw estimator for an irrelevant input is (M - 1)/(N - 1)
 * on average; the corrected one averages 0.  Over 200 small samples (N =
 * 400, M = 20, so the raw bias is 0.0476) the mean corrected index is within
 * 0.01 of 0 and the mean raw one within 0.01 of 0.0476. */
static void test_bias_correction(void **state)
{
    (void)state;
    enum { n = 400, reps = 200 };
    static double x1[n], x2[n], x3[n], y[n];
    double mr = 0, mc = 0;
    for (int k = 0; k < reps; k++) {
        draw(0, x1, x2, x3, y, n, 1000u + (unsigned)k);
        double raw, cor;
        assert_int_equal(sal_givendata_first_order(x3, y, n, 20, &raw, &cor), SAL_OK);
        mr += raw / reps, mc += cor / reps;
    }
    assert_true(fabs(mr - 19.0 / 399.0) < 0.01);
    assert_true(fabs(mc) < 0.01);
}

/* Ties: a value repeated (a particle replayed by many runs) stays in one
 * class; a constant y gives NaN; bad sizes and values are refused. */
static void test_edges(void **state)
{
    (void)state;
    double x[40], y[40], raw, cor;
    for (int i = 0; i < 40; i++)
        x[i] = i % 4, y[i] = i % 4; /* 4 distinct values, 10 copies each */
    assert_int_equal(sal_givendata_first_order(x, y, 40, 6, &raw, &cor), SAL_OK);
    assert_true(fabs(raw - 1) < 1e-12); /* y is a function of x: no class mixes values */
    assert_true(fabs(cor - 1) < 1e-12);
    for (int i = 0; i < 40; i++)
        y[i] = 3;
    assert_int_equal(sal_givendata_first_order(x, y, 40, 4, &raw, &cor), SAL_OK);
    assert_true(isnan(raw) && isnan(cor));
    assert_int_equal(sal_givendata_first_order(x, y, 7, 4, &raw, &cor), SAL_EINPUT);
    assert_int_equal(sal_givendata_first_order(x, y, 40, 1, &raw, &cor), SAL_EINPUT);
    y[3] = NAN;
    assert_int_equal(sal_givendata_first_order(x, y, 40, 4, &raw, &cor), SAL_ERANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_correlated_linear),
        cmocka_unit_test(test_bias_correction),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

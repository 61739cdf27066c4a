/* The engine's Poisson and binomial samplers (src/base/draw.c) against the exact
 * probability mass functions (GSL's gsl_ran_*_pdf), in every regime of the
 * algorithms: inversion below a mean of 10, transformed rejection above,
 * and the binomial's symmetry for p > 1/2.  A chi-square test of goodness of
 * fit on 1,000,000 draws each, tails pooled so that every cell expects at
 * least 5; the test fails at p < 1e-4 (a correct sampler fails one case in
 * 10,000 runs of it, and the seed is fixed, so it never flakes). */
#include "runutil.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "engine/engine_int.h"

enum { DRAWS = 1000000, MAXK = 400000 };

static double counts[MAXK];

/* Chi-square p-value of the counts against pmf over 0..kmax. */
static double chisq_p(double (*pmf)(unsigned, const double *), const double *par, int kmax)
{
    double chi = 0, e_acc = 0, o_acc = 0;
    int cells = 0;
    for (int k = 0; k <= kmax; k++) {
        e_acc += DRAWS * pmf((unsigned)k, par);
        o_acc += counts[k];
        if (e_acc >= 5 || k == kmax) {
            /* the last cell takes the upper tail */
            if (k == kmax) {
                double rest = 0;
                for (int j = k + 1; j < MAXK; j++)
                    o_acc += counts[j];
                for (unsigned j = (unsigned)k + 1; j < (unsigned)k + 100000; j++) {
                    double p = pmf(j, par);
                    rest += p;
                    if (p < 1e-300 && j > (unsigned)k + 100)
                        break;
                }
                e_acc += DRAWS * rest;
            }
            if (e_acc > 0) {
                chi += (o_acc - e_acc) * (o_acc - e_acc) / e_acc;
                cells++;
            }
            e_acc = o_acc = 0;
        }
    }
    return gsl_cdf_chisq_Q(chi, cells - 1);
}

static double poisson_pmf(unsigned k, const double *par)
{
    return gsl_ran_poisson_pdf(k, par[0]);
}

static double binomial_pmf(unsigned k, const double *par)
{
    return gsl_ran_binomial_pdf(k, par[1], (unsigned)par[0]);
}

static void test_poisson(void **state)
{
    (void)state;
    const double mus[] = {0.3, 4.5, 9.99, 10, 37.2, 500, 12345.6};
    gsl_rng *g = sal_rng_alloc(2024, 0, 1);
    for (size_t i = 0; i < sizeof mus / sizeof mus[0]; i++) {
        double mu = mus[i];
        memset(counts, 0, sizeof counts);
        double s = 0, s2 = 0;
        for (int d = 0; d < DRAWS; d++) {
            double k = sal_draw_poisson(g, mu);
            assert_true(k >= 0 && k == floor(k) && k < MAXK);
            counts[(int)k] += 1;
            s += k;
            s2 += k * k;
        }
        double mean = s / DRAWS, var = s2 / DRAWS - mean * mean;
        assert_close(mean, mu, 5 * sqrt(mu / DRAWS));
        assert_close(var, mu, 5 * sqrt((mu + 2 * mu * mu) / DRAWS));
        int kmax = (int)(mu + 10 * sqrt(mu) + 10);
        double p = chisq_p(poisson_pmf, &mu, kmax);
        if (p < 1e-4)
            fail_msg("Poisson(%g): chi-square p = %g", mu, p);
    }
    assert_close(sal_draw_poisson(g, 0), 0, 0);
    assert_close(sal_draw_poisson(g, -1), 0, 0);
    gsl_rng_free(g);
}

static void test_binomial(void **state)
{
    (void)state;
    const double cases[][2] = {{5, 0.3},    {40, 0.2},   {100, 0.1}, {101, 0.1},
                               {500, 0.25}, {1000, 0.7}, {20, 0.9},  {10000, 0.5},
                               {3, 0.999},  {250000, 0.01}};
    gsl_rng *g = sal_rng_alloc(2024, 0, 2);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double n = cases[i][0], p = cases[i][1];
        memset(counts, 0, sizeof counts);
        double s = 0, s2 = 0;
        for (int d = 0; d < DRAWS; d++) {
            double k = sal_draw_binomial(g, n, p);
            assert_true(k >= 0 && k <= n && k == floor(k));
            counts[(int)k] += 1;
            s += k;
            s2 += k * k;
        }
        double mean = s / DRAWS, var = s2 / DRAWS - mean * mean, v = n * p * (1 - p);
        assert_close(mean, n * p, 5 * sqrt(v / DRAWS) + 1e-12);
        assert_close(var, v, 5 * sqrt((2 * v * v + v) / DRAWS) + 1e-12);
        double sd = sqrt(v);
        int kmax = (int)fmin(n, n * p + 10 * sd + 10);
        double p_value = chisq_p(binomial_pmf, cases[i], kmax);
        if (p_value < 1e-4)
            fail_msg("Binomial(%g, %g): chi-square p = %g", n, p, p_value);
    }
    assert_close(sal_draw_binomial(g, 0, 0.5), 0, 0);
    assert_close(sal_draw_binomial(g, 10, 0), 0, 0);
    assert_close(sal_draw_binomial(g, 10, 1), 10, 0);
    gsl_rng_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poisson),
        cmocka_unit_test(test_binomial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

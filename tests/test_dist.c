/* Distributions: means and quantiles against closed forms and GSL's own
 * CDFs, sample means against the closed-form means (fixed seeds, so the
 * tolerances are deterministic, set at 6 standard errors), and the checks. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "salient/base.h"
#include "salient/dist.h"
#include "salient/rng.h"

static sal_dist mk(sal_dist_kind k, double a, double b, double c)
{
    sal_dist d;
    memset(&d, 0, sizeof d);
    d.kind = k;
    d.p[0] = a;
    d.p[1] = b;
    d.p[2] = c;
    return d;
}

/* sample mean of n draws, and the sample sd */
static void sample_moments(const sal_dist *d, size_t n, double *mean, double *sd)
{
    gsl_rng *r = sal_rng_alloc(12345, 0, 7);
    assert_non_null(r);
    double s = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        double x = sal_dist_sample(d, r);
        s += x;
        s2 += x * x;
    }
    gsl_rng_free(r);
    *mean = s / (double)n;
    *sd = sqrt(fmax(0, s2 / (double)n - *mean * *mean));
}

static void test_pert(void **st)
{
    (void)st;
    sal_dist d = mk(SAL_DIST_PERT, 3000, 11000, 12000);
    assert_int_equal(sal_dist_check(&d, NULL, 0), SAL_OK);
    assert_close(sal_dist_mean(&d), (3000 + 44000 + 12000) / 6.0, 1e-9);
    /* alpha = 1 + 4*8000/9000, beta = 1 + 4*1000/9000 */
    double al = 1 + 32.0 / 9, be = 1 + 4.0 / 9;
    for (double u = 0.05; u < 1; u += 0.15) {
        double q = sal_dist_quantile(&d, u);
        assert_close(q, 3000 + 9000 * gsl_cdf_beta_Pinv(u, al, be), 1e-6);
        assert_close(gsl_cdf_beta_P((q - 3000) / 9000, al, be), u, 1e-9);
    }
    double m, sd;
    size_t n = 200000;
    sample_moments(&d, n, &m, &sd);
    assert_close(m, sal_dist_mean(&d), 6 * sd / sqrt((double)n));
    /* PERT variance (mean-a)(b-mean)/7 */
    double mu = sal_dist_mean(&d);
    assert_close(sd, sqrt((mu - 3000) * (12000 - mu) / 7), 0.02 * sd);
}

static void test_triangular(void **st)
{
    (void)st;
    sal_dist d = mk(SAL_DIST_TRIANGULAR, 0, 2, 10);
    assert_int_equal(sal_dist_check(&d, NULL, 0), SAL_OK);
    assert_close(sal_dist_mean(&d), 4, 1e-12);
    assert_close(sal_dist_quantile(&d, 0.2), 2, 1e-12);          /* F(mode) = 0.2 */
    assert_close(sal_dist_quantile(&d, 0.1), sqrt(0.1 * 10 * 2), 1e-12);
    assert_close(sal_dist_quantile(&d, 0.9), 10 - sqrt(0.1 * 10 * 8), 1e-12);
    double m, sd;
    size_t n = 200000;
    sample_moments(&d, n, &m, &sd);
    assert_close(m, 4, 6 * sd / sqrt((double)n));
    /* variance (a^2+b^2+c^2-ab-ac-bc)/18 = (0+100+4-0-0-20)/18 */
    assert_close(sd, sqrt(84.0 / 18), 0.02 * sd);
}

static void test_uniform_normal_lognormal(void **st)
{
    (void)st;
    sal_dist u = mk(SAL_DIST_UNIFORM, 2, 6, 0);
    assert_close(sal_dist_mean(&u), 4, 1e-12);
    assert_close(sal_dist_quantile(&u, 0.25), 3, 1e-12);

    sal_dist n = mk(SAL_DIST_NORMAL, 10, 2, 0);
    assert_close(sal_dist_mean(&n), 10, 1e-12);
    assert_close(sal_dist_quantile(&n, 0.975), 10 + 2 * 1.959963984540054, 1e-9);
    assert_close(sal_dist_quantile(&n, 0.5), 10, 1e-12);

    sal_dist l = mk(SAL_DIST_LOGNORMAL, log(10000), 0.5, 0);
    assert_close(sal_dist_quantile(&l, 0.5), 10000, 1e-6);
    assert_close(sal_dist_mean(&l), 10000 * exp(0.125), 1e-6);
    assert_close(sal_dist_quantile(&l, 0.95), 10000 * exp(0.5 * 1.6448536269514722), 1e-6);

    double m, sd;
    size_t k = 200000;
    sample_moments(&l, k, &m, &sd);
    assert_close(m, sal_dist_mean(&l), 6 * sd / sqrt((double)k));
    sample_moments(&u, k, &m, &sd);
    assert_close(m, 4, 6 * sd / sqrt((double)k));
    assert_close(sd, 4 / sqrt(12.0), 0.02 * sd);
    sample_moments(&n, k, &m, &sd);
    assert_close(m, 10, 6 * sd / sqrt((double)k));
    assert_close(sd, 2, 0.02 * 2);
}

static void test_choice(void **st)
{
    (void)st;
    double values[] = {100000, 3000, 10000, 12000};
    double weights[] = {0.1, 0.2, 0.4, 0.3};
    sal_dist d = mk(SAL_DIST_CHOICE, 0, 0, 0);
    d.values = values;
    d.weights = weights;
    d.nchoice = 4;
    assert_int_equal(sal_dist_check(&d, NULL, 0), SAL_OK);
    assert_close(sal_dist_mean(&d), 10000 + 600 + 4000 + 3600, 1e-9);
    /* ascending: 3000 (0.2), 10000 (0.6), 12000 (0.9), 100000 (1) */
    assert_close(sal_dist_quantile(&d, 0.1), 3000, 0);
    assert_close(sal_dist_quantile(&d, 0.2), 3000, 0);
    assert_close(sal_dist_quantile(&d, 0.5), 10000, 0);
    assert_close(sal_dist_quantile(&d, 0.85), 12000, 0);
    assert_close(sal_dist_quantile(&d, 0.95), 100000, 0);
    assert_close(sal_dist_quantile(&d, 1.0), 100000, 0);
    gsl_rng *r = sal_rng_alloc(99, 1, 2);
    size_t count[4] = {0}, n = 100000;
    for (size_t i = 0; i < n; i++) {
        double x = sal_dist_sample(&d, r);
        size_t j;
        for (j = 0; j < 4 && values[j] != x; j++)
            ;
        assert_true(j < 4);
        count[j]++;
    }
    gsl_rng_free(r);
    for (size_t j = 0; j < 4; j++) {
        double p = weights[j], se = sqrt(p * (1 - p) / (double)n);
        assert_close((double)count[j] / (double)n, p, 6 * se);
    }
}

static void test_checks(void **st)
{
    (void)st;
    char why[256];
    sal_dist d = mk(SAL_DIST_PERT, 5, 4, 3);
    assert_int_equal(sal_dist_check(&d, why, sizeof why), SAL_EINPUT);
    assert_string_equal(why, "low 5 > high 3; expected low <= likely <= high");
    d = mk(SAL_DIST_PERT, 1, 7, 3);
    assert_int_equal(sal_dist_check(&d, why, sizeof why), SAL_EINPUT);
    assert_string_equal(why, "likely 7 is outside [1, 3]; expected low <= likely <= high");
    d = mk(SAL_DIST_PERT, 2, 2, 2);
    assert_int_equal(sal_dist_check(&d, why, sizeof why), SAL_EINPUT);
    d = mk(SAL_DIST_UNIFORM, 2, 2, 0);
    assert_int_equal(sal_dist_check(&d, why, sizeof why), SAL_EINPUT);
    assert_string_equal(why, "low 2 >= high 2; expected low < high");
    d = mk(SAL_DIST_NORMAL, 0, -1, 0);
    assert_int_equal(sal_dist_check(&d, why, sizeof why), SAL_EINPUT);
    assert_string_equal(why, "sd -1 is not positive; expected sd > 0");
    d = mk(SAL_DIST_LOGNORMAL, 0, 0, 0);
    assert_int_equal(sal_dist_check(&d, why, sizeof why), SAL_EINPUT);
    d = mk(SAL_DIST_TRIANGULAR, 0, NAN, 1);
    assert_int_equal(sal_dist_check(&d, why, sizeof why), SAL_EINPUT);
    assert_non_null(strstr(why, "not finite"));
    double v[] = {1, 2}, w[] = {0, 0}, wn[] = {1, -1};
    d = mk(SAL_DIST_CHOICE, 0, 0, 0);
    d.values = v;
    d.weights = w;
    d.nchoice = 2;
    assert_int_equal(sal_dist_check(&d, why, sizeof why), SAL_EINPUT);
    assert_string_equal(why, "the weights sum to 0; expected a positive sum");
    d.weights = wn;
    assert_int_equal(sal_dist_check(&d, why, sizeof why), SAL_EINPUT);
    d.nchoice = 0;
    assert_int_equal(sal_dist_check(&d, why, sizeof why), SAL_EINPUT);
}

static void test_format_and_clear(void **st)
{
    (void)st;
    char buf[128];
    sal_dist d = mk(SAL_DIST_PERT, 3000, 11000, 100000);
    sal_dist_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "pert(3000, 11000, 100000)");
    d = mk(SAL_DIST_LOGNORMAL, log(200), 0.3, 0);
    sal_dist_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "lognormal(median 200, sigma 0.3)");
    d = mk(SAL_DIST_CHOICE, 0, 0, 0);
    d.nchoice = 2;
    d.values = malloc(2 * sizeof(double));
    d.weights = malloc(2 * sizeof(double));
    assert_non_null(d.values);
    assert_non_null(d.weights);
    d.values[0] = 3000;
    d.values[1] = 10000;
    d.weights[0] = 1;
    d.weights[1] = 3;
    sal_dist_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "choice(3000: 0.25, 10000: 0.75)");
    sal_dist_format(&d, buf, 8); /* truncates, stays terminated */
    assert_int_equal(strlen(buf), 7);
    sal_dist_clear(&d);
    assert_null(d.values);
    assert_int_equal(d.nchoice, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pert),
        cmocka_unit_test(test_triangular),
        cmocka_unit_test(test_uniform_normal_lognormal),
        cmocka_unit_test(test_choice),
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_format_and_clear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

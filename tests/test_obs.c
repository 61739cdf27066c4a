/* Observations (salient/obs.h): the reader's bindings and labels, and the
 * observation model's likelihood of every form against values computed here
 * independently from the closed forms with libm's erf/erfc (tolerances
 * stated per check), censored tails against the Mills-ratio asymptotic
 * series, bias groups, as_of filtering, and sal_obs_draw's empirical CDF
 * against sal_obs_cdf (Kolmogorov-Smirnov bound at the 0.1% level, fixed
 * seeds). */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "salient/base.h"
#include "salient/model.h"
#include "salient/obs.h"
#include "salient/rng.h"

/* A small scenario: two metrics, one event (the policy 'push' records
 * event 'push' on day 10 at the latest: its condition is day >= 10). */
static const char SCENARIO[] =
    "scenario: {name: toy, start: 2024-11-01, horizon: 30, sides: [blue, red]}\n"
    "actors: {blue: {side: blue}, red: {side: red}}\n"
    "forces:\n"
    "  blue-1: {owner: blue, sector: front, strength: 1000}\n"
    "  red-1: {owner: red, sector: front, strength: 1000}\n"
    "sectors:\n"
    "  front: {attrition: {coefficients: {blue: 0.0001, red: 0.0001}}}\n"
    "policies:\n"
    "  push: {when: 'day >= 10', actions: [{event: pushed}]}\n"
    "metrics:\n"
    "  losses: casualties(blue-1)\n"
    "  ground: strength(red-1)\n";

enum { NDAYS = 31, NM = 2 };

static sal_model *model(void)
{
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    int rc = sal_model_read_buffer(SCENARIO, strlen(SCENARIO), "toy.yaml", NULL, d, &m);
    if (rc != SAL_OK && sal_diags_count(d) > 0) {
        char buf[600];
        sal_diag_format(sal_diags_get(d, 0), buf, sizeof buf);
        print_error("%s\n", buf);
    }
    sal_diags_free(d);
    assert_int_equal(rc, SAL_OK);
    return m;
}

static sal_obs_set *obs(const sal_model *m, const char *text)
{
    sal_diags *d = sal_diags_alloc();
    sal_obs_set *o = NULL;
    int rc = sal_obs_read_string("obs.yaml", text, strlen(text), m, &o, d);
    for (size_t i = 0; i < sal_diags_count(d); i++) {
        char buf[600];
        sal_diag_format(sal_diags_get(d, i), buf, sizeof buf);
        print_error("%s\n", buf);
    }
    sal_diags_free(d);
    assert_int_equal(rc, SAL_OK);
    return o;
}

/* losses(day) = 100 day, ground(day) = 5000 - 10 day */
static void series_fill(double *s)
{
    for (int t = 0; t < NDAYS; t++) {
        s[t * NM + 0] = 100.0 * t;
        s[t * NM + 1] = 5000.0 - 10.0 * t;
    }
}

static const double SQ2 = 1.41421356237309504880, LN2PI = 1.83787706640934548356;

/* log Phi(z) and log Q(z) from libm's erfc (fine where they do not underflow). */
static double lPhi(double z) { return log(0.5 * erfc(-z / SQ2)); }
static double lQ(double z) { return log(0.5 * erfc(z / SQ2)); }
/* log Q(z) for large z: the asymptotic series, error below 15/z^6 relative */
static double lQ_asym(double z)
{
    double z2 = z * z;
    return -0.5 * z2 - log(z) - 0.5 * LN2PI + log(1 - 1 / z2 + 3 / (z2 * z2));
}

static const char FORMS[] =
    "observations:\n"
    "  - {metric: losses, date: 2024-11-11, value: 1100, error: {lognormal: 0.3}, source: a}\n"
    "  - {metric: losses, date: 2024-11-11, value: 900, error: {normal: 150}, source: b}\n"
    "  - {metric: losses, date: 2024-11-21, range: [1500, 2600], error: {lognormal: 0.2}, source: c}\n"
    "  - {metric: losses, date: 2024-11-21, at_least: 2500, error: {lognormal: 0.25}, source: d,\n"
    "     reported: 2024-12-01}\n"
    "  - {metric: ground, date: 2024-11-21, at_most: 4700, error: {normal: 80}, source: e}\n"
    "  - {metric: losses, over: [2024-11-06, 2024-11-16], change: 1200, error: {lognormal: 0.1},\n"
    "     source: f}\n"
    "  - {metric: ground, over: [2024-11-06, 2024-11-16], per_day: {range: [-15, -8]},\n"
    "     error: {normal: 2}, source: g, id: ground-rate}\n"
    "  - {event: pushed, by: 2024-11-08, happened: false, source: h}\n"
    "  - {event: pushed, on: 2024-11-13, tolerance_days: 2, error: {misreport: 0.05}, source: i}\n";

static void test_reader(void **st)
{
    (void)st;
    sal_model *m = model();
    sal_obs_set *o = obs(m, FORMS);
    assert_int_equal(sal_obs_count(o), 9);
    assert_string_equal(sal_obs_label(o, 0), "losses@2024-11-11");
    assert_string_equal(sal_obs_label(o, 1), "losses@2024-11-11#2");
    assert_string_equal(sal_obs_label(o, 5), "losses@2024-11-06..2024-11-16");
    assert_string_equal(sal_obs_label(o, 6), "ground-rate");
    assert_string_equal(sal_obs_label(o, 7), "pushed@2024-11-08");
    assert_string_equal(sal_obs_label(o, 8), "pushed@2024-11-13");
    assert_string_equal(sal_obs_metric(o, 4), "ground");
    assert_string_equal(sal_obs_metric(o, 7), "pushed");
    assert_string_equal(sal_obs_source(o, 2), "c");
    assert_int_equal(sal_obs_kind(o, 2), SAL_OBS_RANGE);
    assert_int_equal(sal_obs_kind(o, 3), SAL_OBS_AT_LEAST);
    assert_true(isinf(sal_obs_hi(o, 3)) && sal_obs_lo(o, 3) == 2500);
    assert_int_equal(sal_obs_kind(o, 4), SAL_OBS_AT_MOST);
    assert_true(isinf(sal_obs_lo(o, 4)) && sal_obs_hi(o, 4) == 4700);
    assert_int_equal(sal_obs_quantity(o, 6), SAL_OBS_PER_DAY);
    assert_int_equal(sal_obs_kind(o, 6), SAL_OBS_RANGE);
    assert_int_equal(sal_obs_quantity(o, 8), SAL_OBS_EV_ON);
    assert_true(sal_obs_is_event(o, 8) && !sal_obs_is_event(o, 0));
    /* reported defaults to the last day described */
    assert_int_equal(sal_obs_reported_day(o, 0), 10);
    assert_int_equal(sal_obs_reported_day(o, 3), 30);
    assert_int_equal(sal_obs_reported_day(o, 8), 14);
    int32_t a, b, days[2];
    sal_obs_days(o, 8, &a, &b);
    assert_true(a == 10 && b == 14);
    assert_int_equal(sal_obs_truth_days(o, 5, days), 2);
    assert_true(days[0] == 5 && days[1] == 15);
    assert_int_equal(sal_obs_truth_days(o, 7, days), 0);
    int ek;
    double ep;
    sal_obs_error(o, 7, &ek, &ep);
    assert_true(ek == SAL_OBS_ERR_MISREPORT && ep == SAL_OBS_MISREPORT_DEFAULT);
    assert_int_equal(sal_obs_nbias(o), 0);
    assert_int_equal(sal_obs_bias_index(o, 0), -1);
    sal_obs_free(o);
    sal_model_free(m);
}

/* Every numeric form against the closed forms computed here. */
static void test_numeric_forms(void **st)
{
    (void)st;
    sal_model *m = model();
    sal_obs_set *o = obs(m, FORMS);
    double s[NDAYS * NM];
    series_fill(s);
    /* truths: losses(10) = 1000, losses(20) = 2000, ground(20) = 4800;
     * change 5..15 = 1000; ground per day = -10 */
    assert_close(sal_obs_truth(o, 0, s, NDAYS, NULL), 1000, 0);
    assert_close(sal_obs_truth(o, 5, s, NDAYS, NULL), 1000, 0);
    assert_close(sal_obs_truth(o, 6, s, NDAYS, NULL), -10, 1e-12);
    assert_true(isnan(sal_obs_truth(o, 7, s, NDAYS, NULL)));
    assert_true(isnan(sal_obs_truth(o, 2, s, 15, NULL))); /* run too short */
    assert_true(isnan(sal_obs_loglik_one(o, 2, s, 15, NULL, NULL)));
    /* relative tolerance 1e-12 on each log-likelihood (libm and GSL agree
     * to a few ulps; the terms are of order 1 to 10) */
    double z, want;
    z = (log(1100) - log(1000)) / 0.3;
    want = -0.5 * z * z - log(1100 * 0.3) - 0.5 * LN2PI;
    assert_close(sal_obs_loglik_one(o, 0, s, NDAYS, NULL, NULL), want, 1e-12 * fabs(want));
    z = (900 - 1000) / 150.0;
    want = -0.5 * z * z - log(150) - 0.5 * LN2PI;
    assert_close(sal_obs_loglik_one(o, 1, s, NDAYS, NULL, NULL), want, 1e-12 * fabs(want));
    double za = (log(1500) - log(2000)) / 0.2, zb = (log(2600) - log(2000)) / 0.2;
    want = log(0.5 * (erf(zb / SQ2) - erf(za / SQ2)));
    assert_close(sal_obs_loglik_one(o, 2, s, NDAYS, NULL, NULL), want, 1e-12 * fabs(want));
    want = lQ((log(2500) - log(2000)) / 0.25);
    assert_close(sal_obs_loglik_one(o, 3, s, NDAYS, NULL, NULL), want, 1e-12 * fabs(want));
    want = lPhi((4700 - 4800) / 80.0);
    assert_close(sal_obs_loglik_one(o, 4, s, NDAYS, NULL, NULL), want, 1e-12 * fabs(want));
    z = (log(1200) - log(1000)) / 0.1;
    want = -0.5 * z * z - log(1200 * 0.1) - 0.5 * LN2PI;
    assert_close(sal_obs_loglik_one(o, 5, s, NDAYS, NULL, NULL), want, 1e-12 * fabs(want));
    za = (-15 - -10) / 2.0;
    zb = (-8 - -10) / 2.0;
    want = log(0.5 * (erf(zb / SQ2) - erf(za / SQ2)));
    assert_close(sal_obs_loglik_one(o, 6, s, NDAYS, NULL, NULL), want, 1e-12 * fabs(want));
    /* the range's probability is the difference of two lognormal CDFs */
    double F = sal_obs_cdf(o, 2, 2600, s, NDAYS, NULL, NULL) - sal_obs_cdf(o, 2, 1500, s, NDAYS,
                                                                            NULL, NULL);
    assert_close(log(F), sal_obs_loglik_one(o, 2, s, NDAYS, NULL, NULL), 1e-12);
    sal_obs_free(o);
    sal_model_free(m);
}

/* Far tails: finite, and equal to the asymptotic series; impossible reports
 * get exactly the floor, never -inf or NaN. */
static void test_tails(void **st)
{
    (void)st;
    sal_model *m = model();
    sal_obs_set *o = obs(m,
        "observations:\n"
        "  - {metric: losses, date: 2024-11-11, at_least: 1e6, error: {lognormal: 0.1}, source: a}\n"
        "  - {metric: losses, date: 2024-11-11, range: [2e6, 3e6], error: {lognormal: 0.1}, source: b}\n"
        "  - {metric: losses, date: 2024-11-11, at_most: 10, error: {normal: 20}, source: c}\n"
        "  - {metric: losses, date: 2024-11-11, value: 500, error: {lognormal: 0.3}, source: d}\n"
        "  - {metric: losses, date: 2024-11-11, at_most: 5, error: {lognormal: 0.3}, source: e}\n"
        "  - {metric: losses, date: 2024-11-11, value: 1e300, error: {normal: 1e-300}, source: f}\n"
        "  - {metric: losses, date: 2024-11-11, at_least: 1e300, error: {normal: 1e100}, source: g}\n"
        "  - {metric: losses, date: 2024-11-11, range: [1e299, 1e300], error: {lognormal: 0.01},\n"
        "     source: h}\n");
    double s[NDAYS * NM];
    series_fill(s); /* losses(10) = 1000 */
    double za = (log(1e6) - log(1000)) / 0.1; /* 69 standard deviations */
    double ll = sal_obs_loglik_one(o, 0, s, NDAYS, NULL, NULL);
    assert_true(isfinite(ll));
    assert_close(ll, lQ_asym(za), 1e-9 * fabs(ll));
    za = (log(2e6) - log(1000)) / 0.1;
    double zb = (log(3e6) - log(1000)) / 0.1;
    ll = sal_obs_loglik_one(o, 1, s, NDAYS, NULL, NULL);
    double la = lQ_asym(za), lb = lQ_asym(zb);
    assert_close(ll, la + log1p(-exp(lb - la)), 1e-9 * fabs(ll));
    ll = sal_obs_loglik_one(o, 2, s, NDAYS, NULL, NULL); /* z = -49.5 */
    assert_close(ll, lQ_asym(49.5), 1e-9 * fabs(ll));
    /* truth 0 under a lognormal error: a positive figure is impossible (the
     * floor), a bound at or above 0 certain (log 1 = 0) */
    for (int t = 0; t < NDAYS; t++)
        s[t * NM] = 0;
    assert_true(sal_obs_loglik_one(o, 3, s, NDAYS, NULL, NULL) == SAL_OBS_LOGLIK_FLOOR);
    assert_true(sal_obs_loglik_one(o, 0, s, NDAYS, NULL, NULL) == SAL_OBS_LOGLIK_FLOOR);
    assert_true(sal_obs_loglik_one(o, 4, s, NDAYS, NULL, NULL) == 0);
    /* a figure 1e600 standard deviations off: the floor, not -inf */
    assert_true(sal_obs_loglik_one(o, 5, s, NDAYS, NULL, NULL) == SAL_OBS_LOGLIK_FLOOR);
    /* z of 1e200 (GSL's log erfc of it must not fail) and 68,000: the floor */
    series_fill(s);
    assert_true(sal_obs_loglik_one(o, 6, s, NDAYS, NULL, NULL) == SAL_OBS_LOGLIK_FLOOR);
    assert_true(sal_obs_loglik_one(o, 7, s, NDAYS, NULL, NULL) == SAL_OBS_LOGLIK_FLOOR);
    sal_obs_free(o);
    sal_model_free(m);
}

/* Reports of one group share one unknown; an ungrouped biased report has
 * its own; the bias multiplies the truth. */
static void test_bias(void **st)
{
    (void)st;
    sal_model *m = model();
    sal_obs_set *o = obs(m,
        "observations:\n"
        "  - {metric: losses, date: 2024-11-11, value: 1300, error: {lognormal: 0.2}, source: a,\n"
        "     bias_group: blue-claims, bias: {lognormal: {median: 1.5, sigma: 0.3}}}\n"
        "  - {metric: losses, date: 2024-11-21, value: 2900, error: {lognormal: 0.2}, source: b,\n"
        "     bias_group: blue-claims}\n"
        "  - {metric: ground, date: 2024-11-21, value: 4000, error: {normal: 100}, source: c,\n"
        "     bias: {lognormal: {median: 0.9, sigma: 0.05}}}\n"
        "  - {metric: ground, date: 2024-11-21, value: 4000, error: {normal: 100}, source: d}\n"
        "  - {metric: losses, date: 2024-11-25, at_least: 2000, error: {lognormal: 0.2}, source: e,\n"
        "     bias_group: blue-claims, bias: {lognormal: {median: 1.5, sigma: 0.3}}}\n");
    assert_int_equal(sal_obs_nbias(o), 2);
    assert_int_equal(sal_obs_bias_index(o, 0), 0);
    assert_int_equal(sal_obs_bias_index(o, 1), 0);
    assert_int_equal(sal_obs_bias_index(o, 4), 0);
    assert_int_equal(sal_obs_bias_index(o, 2), 1);
    assert_int_equal(sal_obs_bias_index(o, 3), -1);
    assert_string_equal(sal_obs_bias_name(o, 0), "blue-claims");
    assert_string_equal(sal_obs_bias_name(o, 1), "ground@2024-11-21");
    double lm, sg;
    sal_obs_bias_prior(o, 0, &lm, &sg);
    assert_close(lm, log(1.5), 1e-15);
    assert_close(sg, 0.3, 0);
    double s[NDAYS * NM], s2[NDAYS * NM];
    series_fill(s);
    for (int i = 0; i < NDAYS * NM; i++)
        s2[i] = 1.4 * s[i];
    double bias[2] = {1.4, 0.9}, one[2] = {1, 1};
    /* truth x bias: the same as the truth scaled with no bias */
    for (size_t i = 0; i < 2; i++)
        assert_close(sal_obs_loglik_one(o, i, s, NDAYS, NULL, bias),
                     sal_obs_loglik_one(o, i, s2, NDAYS, NULL, one), 1e-12);
    /* normal error after the bias: reported ~ N(0.9 x 4800, 100) */
    double z = (4000 - 0.9 * 4800) / 100.0;
    assert_close(sal_obs_loglik_one(o, 2, s, NDAYS, NULL, bias),
                 -0.5 * z * z - log(100) - 0.5 * LN2PI, 1e-11);
    /* report 3 has no bias: the vector's values do not touch it */
    assert_close(sal_obs_loglik_one(o, 3, s, NDAYS, NULL, bias),
                 sal_obs_loglik_one(o, 3, s, NDAYS, NULL, one), 0);
    /* a bias that is not a ratio (0, NaN): impossible, the floor */
    double zero[2] = {0, NAN};
    assert_true(sal_obs_loglik_one(o, 0, s, NDAYS, NULL, zero) == SAL_OBS_LOGLIK_FLOOR);
    assert_true(sal_obs_loglik_one(o, 2, s, NDAYS, NULL, zero) == SAL_OBS_LOGLIK_FLOOR);
    /* bias draws from the priors: the group's median within 4 standard errors */
    gsl_rng *g = sal_rng_alloc(99, 0, 1);
    double lsum = 0;
    const int n = 4000;
    for (int k = 0; k < n; k++) {
        sal_obs_bias_draw(o, g, bias);
        lsum += log(bias[0]);
    }
    assert_close(lsum / n, log(1.5), 4 * 0.3 / sqrt(n));
    gsl_rng_free(g);
    sal_obs_free(o);
    sal_model_free(m);
}

/* Events: the statement, the misreport probability, too-short runs. */
static void test_events(void **st)
{
    (void)st;
    sal_model *m = model();
    sal_obs_set *o = obs(m, FORMS);
    assert_int_equal(m->nevents, 2); /* pushed, and push (named after the policy) */
    int32_t ev[2] = {12, 12}; /* pushed on day 12 */
    const int k = sal_obs_index(o, 7);
    assert_string_equal(m->events[k], "pushed");
    assert_int_equal(sal_obs_index(o, 8), k);
    double p = SAL_OBS_MISREPORT_DEFAULT;
    /* "not by day 7": true of the run */
    assert_close(sal_obs_loglik_one(o, 7, NULL, NDAYS, ev, NULL), log(1 - p), 1e-15);
    /* "on day 12 +- 2": true */
    assert_close(sal_obs_loglik_one(o, 8, NULL, NDAYS, ev, NULL), log(0.95), 1e-15);
    ev[k] = 5; /* pushed on day 5: both reports wrong */
    assert_close(sal_obs_loglik_one(o, 7, NULL, NDAYS, ev, NULL), log(p), 1e-15);
    assert_close(sal_obs_loglik_one(o, 8, NULL, NDAYS, ev, NULL), log(0.05), 1e-15);
    ev[k] = -1; /* SAL_NEVER */
    assert_close(sal_obs_loglik_one(o, 8, NULL, NDAYS, ev, NULL), log(0.05), 1e-15);
    /* a run stopped at day 9 that has not seen it cannot judge day 12 +- 2,
     * but can judge "not by day 7" */
    assert_true(isnan(sal_obs_loglik_one(o, 8, NULL, 10, ev, NULL)));
    assert_close(sal_obs_loglik_one(o, 7, NULL, 10, ev, NULL), log(1 - p), 1e-15);
    assert_true(isnan(sal_obs_cdf(o, 8, 0, NULL, 10, ev, NULL)));
    /* the CDF of the 0/1 report and the draws' frequency (4 standard errors) */
    ev[k] = 12;
    assert_close(sal_obs_cdf(o, 8, 0.5, NULL, NDAYS, ev, NULL), 0.05, 1e-15);
    assert_close(sal_obs_cdf(o, 7, 0.5, NULL, NDAYS, ev, NULL), 1 - p, 1e-15);
    gsl_rng *g = sal_rng_alloc(5, 0, 2);
    int ones = 0;
    const int n = 20000;
    for (int j = 0; j < n; j++)
        ones += sal_obs_draw(o, 8, NULL, NDAYS, ev, NULL, g) == 1;
    assert_close((double)ones / n, 0.95, 4 * sqrt(0.95 * 0.05 / n));
    gsl_rng_free(g);
    sal_obs_free(o);
    sal_model_free(m);
}

/* as_of: the sum over reports made on or before it; the last day described. */
static void test_as_of(void **st)
{
    (void)st;
    sal_model *m = model();
    sal_obs_set *o = obs(m, FORMS);
    double s[NDAYS * NM];
    series_fill(s);
    int32_t ev[2] = {12, 12};
    /* reported days: 10, 10, 20, 30, 20, 15, 15, 7, 14 */
    const int32_t as_of[] = {6, 7, 10, 14, 15, 20, 29, 30, INT32_MAX};
    for (size_t a = 0; a < sizeof as_of / sizeof as_of[0]; a++) {
        double want = 0;
        int32_t last = -1, d1, d2;
        for (size_t i = 0; i < sal_obs_count(o); i++)
            if (sal_obs_reported_day(o, i) <= as_of[a]) {
                want += sal_obs_loglik_one(o, i, s, NDAYS, ev, NULL);
                sal_obs_days(o, i, &d1, &d2);
                last = d2 > last ? d2 : last;
            }
        assert_close(sal_obs_loglik(o, as_of[a], s, NDAYS, ev, NULL), want, 1e-12 * fabs(want));
        assert_int_equal(sal_obs_last_day(o, as_of[a]), last);
    }
    assert_int_equal(sal_obs_last_day(o, 6), -1);
    assert_true(sal_obs_loglik(o, 6, s, NDAYS, ev, NULL) == 0);
    assert_int_equal(sal_obs_last_day(o, 10), 10);
    assert_int_equal(sal_obs_last_day(o, INT32_MAX), 20);
    sal_obs_free(o);
    sal_model_free(m);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Kolmogorov-Smirnov: n draws of report i against sal_obs_cdf.  The bound
 * 1.95 / sqrt(n) is the 0.1% critical value of the KS statistic (Smirnov's
 * asymptotic distribution); fixed seeds make the test deterministic. */
static void ks_check(const sal_obs_set *o, size_t i, const double *s, const double *bias,
                     uint64_t seed)
{
    const size_t n = 20000;
    double *x = malloc(n * sizeof *x);
    assert_non_null(x);
    gsl_rng *g = sal_rng_alloc(seed, 0, 3);
    for (size_t k = 0; k < n; k++)
        x[k] = sal_obs_draw(o, i, s, NDAYS, NULL, bias, g);
    gsl_rng_free(g);
    qsort(x, n, sizeof *x, cmp_double);
    double dmax = 0;
    for (size_t k = 0; k < n; k++) {
        double F = sal_obs_cdf(o, i, x[k], s, NDAYS, NULL, bias);
        double dplus = (double)(k + 1) / (double)n - F, dminus = F - (double)k / (double)n;
        dmax = fmax(dmax, fmax(dplus, dminus));
    }
    free(x);
    if (!(dmax < 1.95 / sqrt((double)n)))
        fail_msg("report %zu: KS statistic %.4g above %.4g", i, dmax, 1.95 / sqrt((double)n));
}

static void test_draw_cdf(void **st)
{
    (void)st;
    sal_model *m = model();
    sal_obs_set *o = obs(m,
        "observations:\n"
        "  - {metric: losses, date: 2024-11-11, value: 1300, error: {lognormal: 0.2}, source: a,\n"
        "     bias_group: g, bias: {lognormal: {median: 1.5, sigma: 0.3}}}\n"
        "  - {metric: ground, over: [2024-11-06, 2024-11-16], per_day: -9, error: {normal: 3},\n"
        "     source: b, bias_group: g}\n"
        "  - {metric: ground, over: [2024-11-06, 2024-11-16], change: {at_most: -50},\n"
        "     error: {lognormal: 0.3}, source: c}\n");
    double s[NDAYS * NM], bias[1] = {1.3};
    series_fill(s);
    ks_check(o, 0, s, bias, 11);
    ks_check(o, 1, s, bias, 12);
    ks_check(o, 2, s, bias, 13); /* a negative truth under a lognormal error */
    /* and the median of report 0's figure is truth x bias */
    assert_close(sal_obs_cdf(o, 0, 1000 * 1.3, s, NDAYS, NULL, bias), 0.5, 1e-12);
    /* the censored likelihood is the CDF's mass: at_most -50 of a change of -100 x E */
    assert_close(sal_obs_loglik_one(o, 2, s, NDAYS, NULL, bias),
                 log(sal_obs_cdf(o, 2, -50, s, NDAYS, NULL, bias)), 1e-12);
    sal_obs_free(o);
    sal_model_free(m);
}

/* A bad file is refused whole, with positions. */
static void test_refused(void **st)
{
    (void)st;
    sal_model *m = model();
    const char *text = "observations:\n  - {metric: lossses, date: 2024-11-11, value: 1,\n"
                       "     error: {lognormal: 0.1}, source: a}\n";
    sal_diags *d = sal_diags_alloc();
    sal_obs_set *o = (sal_obs_set *)d; /* must be reset to NULL */
    assert_int_equal(sal_obs_read_string("bad.yaml", text, strlen(text), m, &o, d), SAL_EINPUT);
    assert_null(o);
    assert_int_equal(sal_diags_count(d), 1);
    const sal_diag *e = sal_diags_get(d, 0);
    assert_int_equal(e->line, 2);
    assert_int_equal(e->col, 14);
    assert_non_null(strstr(e->message, "did you mean 'losses'"));
    sal_diags_free(d);
    sal_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader),   cmocka_unit_test(test_numeric_forms),
        cmocka_unit_test(test_tails),    cmocka_unit_test(test_bias),
        cmocka_unit_test(test_events),   cmocka_unit_test(test_as_of),
        cmocka_unit_test(test_draw_cdf), cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

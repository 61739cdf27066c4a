/* Simulation-based calibration of salient calibrate (Talts, Betancourt,
 * Simpson, Vehtari and Gelman 2018) on a stochastic scenario
 * (tests/calib/duel.yaml: a square-law duel with Poisson casualties and three
 * uncertain inputs) with reports of both sides' losses, two of them by a
 * biased source (one bias unknown, lognormal prior):
 *
 *   for each replication r: a truth (theta, b) drawn from the priors and a
 *   run of its own key; synthetic reports y = truth x b x LN(0, 0.1^2)
 *   (written here, independently of the observation model's code); a
 *   calibration on them; the rank of the truth among L = 99 draws from the
 *   posterior (ties broken at random).
 *
 * If the sampler targets the posterior, each rank is uniform on 0..L.  The
 * ranks are binned in 10 bins and tested by chi-square at 1%, Bonferroni-
 * corrected over the four unknowns (each at 0.25%).  The suite runs
 * SALIENT_SBC_REPS replications (default 30, at 100 particles; 10 under
 * AddressSanitizer); the full
 * check (200 replications, docs/calibration.md) sets it to 200. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "salient/salient.h"

#define L 99
#define BINS 10
#define NPAR 4

static const struct {
    const char *metric, *date;
    int day, biased;
} reports[] = {
    {"red_losses", "2024-01-06", 5, 0},
    {"blue_losses", "2024-01-08", 7, 0},
    {"blue_losses", "2024-01-11", 10, 1},
    {"red_losses", "2024-01-16", 15, 1},
};
enum { NREP = sizeof reports / sizeof reports[0] };

static int metric_of(const sal_model *m, const char *name)
{
    for (size_t k = 0; k < m->nmetrics; k++)
        if (strcmp(m->metrics[k].name, name) == 0)
            return (int)k;
    return -1;
}

/* The synthetic observations file of one truth. */
static void write_obs(char *buf, size_t size, const sal_model *m, const double *series,
                      double bias, gsl_rng *g)
{
    int w = snprintf(buf, size, "observations:\n");
    for (int k = 0; k < NREP; k++) {
        double t = series[(size_t)reports[k].day * m->nmetrics +
                          (size_t)metric_of(m, reports[k].metric)];
        double y = (t > 0 ? t : 0.5) * (reports[k].biased ? bias : 1) *
                   exp(0.1 * gsl_ran_gaussian(g, 1.0));
        w += snprintf(buf + w, size - (size_t)w,
                      "  - {metric: %s, date: %s, value: %.6f, error: {lognormal: 0.1}, "
                      "source: \"synthetic\"%s}\n",
                      reports[k].metric, reports[k].date, y,
                      reports[k].biased ? ", bias: {lognormal: {median: 1.3, sigma: 0.2}}, "
                                          "bias_group: claims" : "");
    }
}

/* One replication: the ranks of the truth's four unknowns. */
static void replicate(const sal_model *m, uint64_t r, int ranks[NPAR])
{
    gsl_rng *g = sal_rng_alloc(4242, r, 1);
    double truth[NPAR];
    for (size_t u = 0; u < 3; u++)
        truth[u] = sal_dist_sample(&m->uncertain[u].dist, g);
    truth[3] = exp(log(1.3) + 0.2 * gsl_ran_gaussian(g, 1.0));
    sal_run *run = sal_run_alloc(m);
    sal_run_opts ro = {.seed = 999, .run = r, .inputs = truth};
    assert_int_equal(sal_run_exec(run, &ro, NULL), SAL_OK);
    char text[4096];
    write_obs(text, sizeof text, m, sal_run_series(run), truth[3], g);
    sal_run_free(run);
    sal_obs_set *obs = NULL;
    sal_diags *d = sal_diags_alloc();
    assert_int_equal(sal_obs_read_string("sbc.yaml", text, strlen(text), m, &obs, d), SAL_OK);
    sal_calib_opts co = {.particles = 100, .seed = 7 + r, .as_of = INT32_MAX,
                         .min_distinct = 10, .threads = 2};
    sal_calib *c = NULL;
    assert_int_equal(sal_calib_alloc(m, obs, &co, &c, d), SAL_OK);
    assert_int_equal(sal_calib_init(c, d), SAL_OK);
    while (!sal_calib_done(c))
        assert_int_equal(sal_calib_step(c, d), SAL_OK);
    const sal_smc *s = sal_calib_smc(c);
    size_t n = sal_smc_nparticles(s);
    for (int k = 0; k < NPAR; k++)
        ranks[k] = 0;
    for (int l = 0; l < L; l++) {
        /* equal weights after the last resampling: a uniform particle */
        const double *x = sal_smc_x(s, gsl_rng_uniform_int(g, (unsigned long)n));
        for (int k = 0; k < NPAR; k++)
            ranks[k] += x[k] < truth[k] || (x[k] == truth[k] && gsl_rng_uniform(g) < 0.5);
    }
    sal_calib_free(c);
    sal_obs_free(obs);
    sal_diags_free(d);
    gsl_rng_free(g);
}

static void sbc_ranks_uniform(void **state)
{
    (void)state;
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    assert_int_equal(sal_model_read("tests/calib/duel.yaml", NULL, d, &m), SAL_OK);
    sal_diags_free(d);
    assert_int_equal(m->nuncertain, 3);
    const char *env = getenv("SALIENT_SBC_REPS");
#ifdef __SANITIZE_ADDRESS__
    int reps = env ? atoi(env) : 10; /* the sanitised build checks memory, not statistics */
#else
    int reps = env ? atoi(env) : 30;
#endif
    if (reps < 10)
        reps = 10;
    int count[NPAR][BINS];
    memset(count, 0, sizeof count);
    for (int r = 0; r < reps; r++) {
        int ranks[NPAR];
        replicate(m, (uint64_t)r, ranks);
        for (int k = 0; k < NPAR; k++)
            count[k][ranks[k] * BINS / (L + 1)]++;
    }
    /* chi-square against the uniform, 9 degrees of freedom, each unknown at
     * 1% / 4 (Bonferroni) */
    double crit = gsl_cdf_chisq_Qinv(0.01 / NPAR, BINS - 1), e = (double)reps / BINS;
    for (int k = 0; k < NPAR; k++) {
        double x2 = 0;
        for (int b = 0; b < BINS; b++)
            x2 += (count[k][b] - e) * (count[k][b] - e) / e;
        print_message("SBC unknown %d: chi2 %.2f (critical %.2f over %d replications)\n", k, x2,
                      crit, reps);
        assert_true(x2 < crit);
    }
    sal_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sbc_ranks_uniform),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The generic SMC sampler against closed forms (Bayesian linear regression):
 *
 *   theta ~ N(m0, S0), reports y_k = a_k . theta + c_k + e_k, e_k ~ N(0, s_k^2)
 *   posterior: P = S0^-1 + A^T R^-1 A,  mean = P^-1 (S0^-1 m0 + A^T R^-1 (y - c))
 *
 * Tolerances (issue 15): each posterior mean within 0.1 posterior sd, each sd
 * within 10%, the correlation within 0.1, with >= 1,000 distinct particles.
 * A stochastic variant adds to every report a noise drawn from the particle's
 * key (tau e'_k, e'_k ~ N(0, 1) from the key's stream): the marginal posterior
 * of theta is then the same closed form with s_k^2 + tau^2, which the key
 * move (ii) must reach.  And the sampler's results do not depend on the
 * thread count, and survive a save/load bit for bit. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "salient/base.h"
#include "salient/rng.h"
#include "salient/smc.h"

#define NREP 5

typedef struct {
    double m0[2], s0[2];
    double a[NREP][2], c[NREP], y[NREP], sd[NREP];
    double tau; /* key noise (0: deterministic) */
    gsl_rng *rng[8];
} lin;

static void lin_init(lin *L, double tau)
{
    memset(L, 0, sizeof *L);
    L->m0[0] = 1, L->m0[1] = -2;
    L->s0[0] = 2, L->s0[1] = 1.5;
    const double a[NREP][2] = {{1, 0}, {0, 1}, {1, 1}, {1, -0.5}, {2, 1}};
    const double c[NREP] = {0, 3, -1, 0.5, 2};
    const double y[NREP] = {2.1, 0.7, 0.2, 2.9, 4.1};
    const double sd[NREP] = {1.0, 0.8, 1.2, 1.5, 2.0};
    memcpy(L->a, a, sizeof a);
    memcpy(L->c, c, sizeof c);
    memcpy(L->y, y, sizeof y);
    memcpy(L->sd, sd, sizeof sd);
    L->tau = tau;
    for (int t = 0; t < 8; t++)
        L->rng[t] = sal_rng_alloc(0, 0, 0);
}

static void lin_free(lin *L)
{
    for (int t = 0; t < 8; t++)
        gsl_rng_free(L->rng[t]);
}

/* The exact posterior: mean[2], sd[2], correlation. */
static void lin_truth(const lin *L, double mean[2], double sd[2], double *corr)
{
    double P[2][2] = {{1 / (L->s0[0] * L->s0[0]), 0}, {0, 1 / (L->s0[1] * L->s0[1])}};
    double b[2] = {L->m0[0] * P[0][0], L->m0[1] * P[1][1]};
    for (int k = 0; k < NREP; k++) {
        double v = L->sd[k] * L->sd[k] + L->tau * L->tau;
        for (int i = 0; i < 2; i++) {
            b[i] += L->a[k][i] * (L->y[k] - L->c[k]) / v;
            for (int j = 0; j < 2; j++)
                P[i][j] += L->a[k][i] * L->a[k][j] / v;
        }
    }
    double det = P[0][0] * P[1][1] - P[0][1] * P[1][0];
    double S[2][2] = {{P[1][1] / det, -P[0][1] / det}, {-P[1][0] / det, P[0][0] / det}};
    mean[0] = S[0][0] * b[0] + S[0][1] * b[1];
    mean[1] = S[1][0] * b[0] + S[1][1] * b[1];
    sd[0] = sqrt(S[0][0]);
    sd[1] = sqrt(S[1][1]);
    *corr = S[0][1] / (sd[0] * sd[1]);
}

static void lin_draw(void *ctx, gsl_rng *r, double *x)
{
    const lin *L = ctx;
    for (int i = 0; i < 2; i++)
        x[i] = L->m0[i] + L->s0[i] * gsl_ran_gaussian(r, 1.0);
}

static double lin_prior(void *ctx, const double *x)
{
    const lin *L = ctx;
    double lp = 0;
    for (int i = 0; i < 2; i++) {
        double z = (x[i] - L->m0[i]) / L->s0[i];
        lp -= 0.5 * z * z;
    }
    return lp;
}

static int lin_loglik(void *ctx, size_t w, const double *x, uint64_t key, double *ll)
{
    lin *L = ctx;
    gsl_rng *r = L->rng[w];
    sal_rng_reset(r, 99, key, 7);
    double s = 0;
    for (int k = 0; k < NREP; k++) {
        double mu = L->a[k][0] * x[0] + L->a[k][1] * x[1] + L->c[k];
        if (L->tau > 0)
            mu += L->tau * gsl_ran_gaussian(r, 1.0);
        double z = (L->y[k] - mu) / L->sd[k];
        s -= 0.5 * z * z;
    }
    *ll = s;
    return SAL_OK;
}

static const sal_smc_coord coords[2] = {{SAL_SMC_REAL, 0, 0}, {SAL_SMC_REAL, 0, 0}};

static sal_smc *run_smc(lin *L, size_t n, int threads, uint64_t seed)
{
    sal_smc_model m = {2, coords, L->tau > 0, L, lin_draw, lin_prior, NULL, lin_loglik};
    sal_smc_opts o = {n, seed, 0.5, 10, 0, 0, threads, 0, 0, NULL, NULL};
    sal_smc *s = sal_smc_alloc(&m, &o);
    assert_non_null(s);
    assert_int_equal(sal_smc_init(s), SAL_OK);
    int guard = 0;
    while (!sal_smc_done(s) && guard++ < 200)
        assert_int_equal(sal_smc_step(s), SAL_OK);
    assert_true(sal_smc_done(s));
    return s;
}

static void check_against_truth(lin *L, sal_smc *s)
{
    double tm[2], ts[2], tc;
    lin_truth(L, tm, ts, &tc);
    size_t n = sal_smc_nparticles(s);
    double m[2] = {0, 0}, v[2][2] = {{0, 0}, {0, 0}};
    for (size_t i = 0; i < n; i++) {
        const double *x = sal_smc_x(s, i);
        double w = sal_smc_weight(s, i);
        m[0] += w * x[0], m[1] += w * x[1];
    }
    for (size_t i = 0; i < n; i++) {
        const double *x = sal_smc_x(s, i);
        double w = sal_smc_weight(s, i);
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++)
                v[a][b] += w * (x[a] - m[a]) * (x[b] - m[b]);
    }
    for (int a = 0; a < 2; a++) {
        assert_close(m[a], tm[a], 0.1 * ts[a]);
        assert_close(sqrt(v[a][a]), ts[a], 0.1 * ts[a]);
    }
    assert_close(v[0][1] / sqrt(v[0][0] * v[1][1]), tc, 0.1);
    const sal_smc_stage *last = sal_smc_stage_get(s, sal_smc_nstages(s) - 1);
    assert_true(last->distinct >= 1000);
    assert_close(last->temperature, 1.0, 0);
}

static void closed_form(void **state)
{
    (void)state;
    lin L;
    lin_init(&L, 0);
    sal_smc *s = run_smc(&L, 2000, 2, 11);
    check_against_truth(&L, s);
    sal_smc_free(s);
    lin_free(&L);
}

static void closed_form_stochastic(void **state)
{
    (void)state;
    lin L;
    lin_init(&L, 0.7);
    sal_smc *s = run_smc(&L, 2000, 2, 12);
    check_against_truth(&L, s);
    sal_smc_free(s);
    lin_free(&L);
}

static void same_for_any_thread_count(void **state)
{
    (void)state;
    lin L;
    lin_init(&L, 0.5);
    sal_smc *a = run_smc(&L, 300, 1, 5), *b = run_smc(&L, 300, 3, 5);
    assert_int_equal(sal_smc_nstages(a), sal_smc_nstages(b));
    for (size_t i = 0; i < 300; i++) {
        assert_memory_equal(sal_smc_x(a, i), sal_smc_x(b, i), 2 * sizeof(double));
        assert_true(sal_smc_key(a, i) == sal_smc_key(b, i));
    }
    sal_smc_free(a);
    sal_smc_free(b);
    lin_free(&L);
}

/* Stop after stage 2, save, load into a fresh sampler, finish: the same
 * particles as an uninterrupted run. */
static void save_load_resumes_exactly(void **state)
{
    (void)state;
    lin L;
    lin_init(&L, 0.5);
    sal_smc *ref = run_smc(&L, 200, 2, 8);
    sal_smc_model m = {2, coords, 1, &L, lin_draw, lin_prior, NULL, lin_loglik};
    sal_smc_opts o = {200, 8, 0.5, 10, 0, 0, 2, 0, 0, NULL, NULL};
    sal_smc *a = sal_smc_alloc(&m, &o);
    assert_int_equal(sal_smc_init(a), SAL_OK);
    assert_int_equal(sal_smc_step(a), SAL_OK);
    assert_int_equal(sal_smc_step(a), SAL_OK);
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(sal_smc_save(a, f), SAL_OK);
    sal_smc_free(a);
    rewind(f);
    sal_smc *b = sal_smc_alloc(&m, &o);
    assert_int_equal(sal_smc_load(b, f), SAL_OK);
    fclose(f);
    while (!sal_smc_done(b))
        assert_int_equal(sal_smc_step(b), SAL_OK);
    assert_int_equal(sal_smc_nstages(b), sal_smc_nstages(ref));
    for (size_t i = 0; i < 200; i++)
        assert_memory_equal(sal_smc_x(b, i), sal_smc_x(ref, i), 2 * sizeof(double));
    sal_smc_free(b);
    sal_smc_free(ref);
    lin_free(&L);
}

/* Too few particles survive (min_distinct above N): SAL_EFAIL, and the last
 * stage record says how many there were. */
static void too_few_distinct_fails(void **state)
{
    (void)state;
    lin L;
    lin_init(&L, 0);
    sal_smc_model m = {2, coords, 0, &L, lin_draw, lin_prior, NULL, lin_loglik};
    sal_smc_opts o = {100, 3, 0.5, 101, 1, 0, 1, 0, 0, NULL, NULL};
    sal_smc *s = sal_smc_alloc(&m, &o);
    assert_int_equal(sal_smc_init(s), SAL_OK);
    assert_int_equal(sal_smc_step(s), SAL_EFAIL);
    assert_true(sal_smc_stage_get(s, sal_smc_nstages(s) - 1)->distinct <= 100);
    sal_smc_free(s);
    lin_free(&L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(closed_form),
        cmocka_unit_test(closed_form_stochastic),
        cmocka_unit_test(same_for_any_thread_count),
        cmocka_unit_test(save_load_resumes_exactly),
        cmocka_unit_test(too_few_distinct_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

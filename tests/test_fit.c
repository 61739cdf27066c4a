/* The fit: Engel's Iwo Jima coefficients, the Poisson duel, and recovery of
 * known coefficients from battles generated with the library's own
 * simulator (every law, fractional exponents, reinforcements on both sides,
 * A0 = 0), noise-free, rounded and with Poisson noise; the standard errors
 * against an independent finite-difference computation and against the
 * spread of repeated fits.
 *
 * Tolerances (stated per test, measured values in brackets):
 *   noise-free data        1e-7 relative for a, b; 1e-7 absolute for p, q
 *                          [1e-10: the integrator's accuracy]
 *   rounded to whole troops  within 4 classical standard errors, which are
 *                          valid here (rounding errors are independent)
 *   Poisson noise          within 4 bootstrap standard errors (50
 *                          replicates) and within 8% [0.3-2.2%]
 *   free law, Poisson      |p - p0|, |q - q0| <= 0.1 with 10^5 troops a side
 *                          [rms 0.027 over 20 seeds]
 *   10^5 days, Poisson     a, b within 1% [rms 0.05% over 10 seeds] */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <omp.h>

#include "salient/battle.h"
#include "salient/fit.h"
#include "salient/lanchester.h"
#include "salient/rng.h"

static sal_battle *read_shared(const char *name)
{
    sal_diags *d = sal_diags_alloc();
    sal_battle *b = NULL;
    assert_int_equal(sal_battle_read(test_data_path(name), &b, d), SAL_OK);
    sal_diags_free(d);
    return b;
}

static void fit_law(const sal_battle *b, sal_law law, sal_fit_result *r)
{
    sal_fit_opts o;
    sal_fit_opts_init(&o);
    o.law = law;
    sal_diags *d = sal_diags_alloc();
    int st = sal_fit_battle(b, &o, r, d);
    if (st != SAL_OK)
        fail_msg("%s fit: status %d: %s", sal_law_name(law), st,
                 sal_diags_count(d) ? sal_diags_get(d, 0)->message : "");
    assert_true(r->converged);
    sal_diags_free(d);
}

#define assert_rel(x, y, tol) assert_close((x) / (y), 1.0, (tol))

/* Engel (1954): a = 0.0544, b = 0.0106 within 0.5%; the square law fits
 * better than the linear and logarithmic laws, and the free law finds the
 * square law's exponents (within 0.01) with an SSE no larger. */
static void test_iwojima(void **st)
{
    (void)st;
    sal_battle *b = read_shared("iwojima-engel.csv");
    sal_fit_result sq, lin, lg, fr;
    fit_law(b, SAL_LAW_SQUARE, &sq);
    fit_law(b, SAL_LAW_LINEAR, &lin);
    fit_law(b, SAL_LAW_LOG, &lg);
    fit_law(b, SAL_LAW_FREE, &fr);
    assert_rel(sq.a, 0.0544, 0.005);
    assert_rel(sq.b, 0.0106, 0.005);
    assert_true(sq.p == 1 && sq.q == 0 && sq.se_p == 0 && sq.se_q == 0);
    assert_true(sq.sse < lin.sse && sq.sse < lg.sse);
    assert_true(sq.r2 > 0.99999);
    assert_int_equal(sq.n, 72);
    assert_int_equal(sq.k, 2);
    /* the series is Engel's model rounded to whole soldiers: residuals are
     * rounding errors, SSE about 72/12 */
    assert_true(sq.sse < 20);
    assert_close(fr.p, 1, 0.01);
    assert_close(fr.q, 0, 0.01);
    assert_true(fr.sse <= sq.sse * (1 + 1e-9));
    assert_int_equal(fr.k, 4);
    sal_battle_free(b);
}

/* The Poisson duel: a = 0.020, b = 0.030 within 5%. */
static void test_duel(void **st)
{
    (void)st;
    sal_battle *b = read_shared("duel-square-poisson.csv");
    sal_fit_result r;
    fit_law(b, SAL_LAW_SQUARE, &r);
    assert_rel(r.a, 0.020, 0.05);
    assert_rel(r.b, 0.030, 0.05);
    assert_true(r.se_a > 0 && r.se_b > 0);
    sal_battle_free(b);
}

/* ---- generated battles ------------------------------------------------- */

typedef struct {
    const char *name;
    sal_law law;
    sal_lanchester m;   /* a, b filled in for the free law (see scen_make) */
    double A0, B0;
    int n;
    int day[3];
    double rA[3], rB[3];
} scen;

static const scen scens[] = {
    {"square", SAL_LAW_SQUARE, {0.02, 0.03, 1, 0}, 12000, 9000, 30, {0}, {0}, {0}},
    {"square, reinforced both sides", SAL_LAW_SQUARE, {0.03, 0.015, 1, 0}, 8000, 10000, 40,
     {5, 10, 20}, {2000, 0, 3000}, {0, 1500, 0}},
    {"square, A0 = 0 (Iwo Jima-like)", SAL_LAW_SQUARE, {0.05, 0.01, 1, 0}, 0, 20000, 30,
     {1, 3, 6}, {50000, 6000, 13000}, {0}},
    {"linear, reinforced both sides", SAL_LAW_LINEAR, {2e-6, 3e-6, 1, 1}, 10000, 8000, 40,
     {8, 15, 0}, {1000, 2000, 0}, {0, 1000, 0}},
    {"linear, A0 = 0", SAL_LAW_LINEAR, {4e-6, 1e-6, 1, 1}, 0, 15000, 30, {1, 4, 0},
     {20000, 5000, 0}, {0}},
    {"log, reinforced both sides", SAL_LAW_LOG, {0.02, 0.035, 0, 1}, 9000, 7000, 40,
     {6, 12, 0}, {1500, 0, 0}, {0, 800, 0}},
    {"log, A0 = 0", SAL_LAW_LOG, {0.03, 0.02, 0, 1}, 0, 12000, 30, {1, 2, 0},
     {10000, 3000, 0}, {0}},
    {"free p=0.7 q=0.4", SAL_LAW_FREE, {0, 0, 0.7, 0.4}, 10000, 8000, 40, {10, 0, 0},
     {2000, 0, 0}, {0}},
    {"free p=0.5 q=0.5", SAL_LAW_FREE, {0, 0, 0.5, 0.5}, 10000, 8000, 40, {0}, {0}, {0}},
    {"free p=1.2 q=0.2, B reinforced", SAL_LAW_FREE, {0, 0, 1.2, 0.2}, 10000, 8000, 30,
     {5, 0, 0}, {0}, {1000, 0, 0}},
    {"free p=0.8 q=0.3, A0 = 0", SAL_LAW_FREE, {0, 0, 0.8, 0.3}, 0, 12000, 30, {1, 3, 0},
     {15000, 4000, 0}, {0}},
};
enum { NSCEN = sizeof scens / sizeof scens[0] };

/* The battle's reinforcements; the free law's a, b are chosen for losses
 * of 1.5% (A) and 2% (B) a day at the start. */
static sal_battle *scen_make(const scen *s, sal_lanchester *m)
{
    sal_battle *b = sal_battle_alloc((size_t)s->n + 1);
    assert_non_null(b);
    for (int k = 0; k < 3; k++)
        if (s->day[k]) {
            b->reinf_A[s->day[k]] = s->rA[k];
            b->reinf_B[s->day[k]] = s->rB[k];
        }
    *m = s->m;
    if (s->law == SAL_LAW_FREE) {
        double Ar = s->A0 > 0 ? s->A0 : 10000;
        m->a = 0.015 * Ar / (pow(s->B0, m->p) * pow(Ar, m->q));
        m->b = 0.02 * s->B0 / (pow(Ar, m->p) * pow(s->B0, m->q));
    }
    return b;
}

static void deterministic(sal_lanchester_ws *ws, const scen *s, const sal_lanchester *m,
                          sal_battle *b)
{
    assert_int_equal(sal_lanchester_path(ws, m, s->A0, s->B0, (size_t)s->n, b->reinf_A,
                                         b->reinf_B, b->A, b->B), SAL_OK);
}

static void test_exact_recovery(void **st)
{
    (void)st;
    sal_lanchester_ws *ws = sal_lanchester_ws_alloc();
    for (int i = 0; i < NSCEN; i++) {
        sal_lanchester m;
        sal_battle *b = scen_make(&scens[i], &m);
        deterministic(ws, &scens[i], &m, b);
        sal_fit_result r;
        fit_law(b, scens[i].law, &r);
        print_message("  %-34s a %+.1e b %+.1e p %+.1e q %+.1e\n", scens[i].name,
                      r.a / m.a - 1, r.b / m.b - 1, r.p - m.p, r.q - m.q);
        assert_rel(r.a, m.a, 1e-7);
        assert_rel(r.b, m.b, 1e-7);
        assert_close(r.p, m.p, 1e-7);
        assert_close(r.q, m.q, 1e-7);
        assert_true(r.sse < 1e-6 * b->B[0] * b->B[0] && r.r2 > 1 - 1e-12);
        sal_battle_free(b);
    }
    sal_lanchester_ws_free(ws);
}

/* Rounded to whole troops: the residuals are independent rounding errors,
 * the case the classical standard errors are made for; every estimate lies
 * within 4 of them of the truth. */
static void test_rounded_recovery(void **st)
{
    (void)st;
    sal_lanchester_ws *ws = sal_lanchester_ws_alloc();
    for (int i = 0; i < NSCEN; i++) {
        sal_lanchester m;
        sal_battle *b = scen_make(&scens[i], &m);
        deterministic(ws, &scens[i], &m, b);
        for (size_t d = 0; d < b->n; d++) {
            b->A[d] = round(b->A[d]);
            b->B[d] = round(b->B[d]);
        }
        sal_fit_result r;
        fit_law(b, scens[i].law, &r);
        assert_close(r.a, m.a, 4 * r.se_a);
        assert_close(r.b, m.b, 4 * r.se_b);
        assert_close(r.p, m.p, 4 * r.se_p);
        assert_close(r.q, m.q, 4 * r.se_q);
        sal_battle_free(b);
    }
    sal_lanchester_ws_free(ws);
}

/* Poisson casualties (the classic laws): within 4 bootstrap standard
 * errors and within 8%. */
static void test_noisy_recovery(void **st)
{
    (void)st;
    sal_lanchester_ws *ws = sal_lanchester_ws_alloc();
    gsl_rng *rng = sal_rng_alloc(0, 0, 0);
    for (int i = 0; i < NSCEN; i++) {
        if (scens[i].law == SAL_LAW_FREE)
            continue;
        sal_lanchester m;
        sal_battle *b = scen_make(&scens[i], &m);
        sal_rng_reset(rng, 2024, (uint64_t)i, 7);
        assert_int_equal(sal_lanchester_sample(ws, &m, SAL_NOISE_POISSON, 0, rng, scens[i].A0,
                                               scens[i].B0, (size_t)scens[i].n, b->reinf_A,
                                               b->reinf_B, b->A, b->B), SAL_OK);
        sal_fit_result r;
        fit_law(b, scens[i].law, &r);
        double se[4];
        int failed;
        assert_int_equal(sal_fit_bootstrap(b, NULL, &r, 50, 99, se, &failed, NULL), SAL_OK);
        assert_int_equal(failed, 0);
        print_message("  %-34s a %+.4f (boot se %.4f) b %+.4f (%.4f)\n", scens[i].name,
                      r.a / m.a - 1, se[0] / m.a, r.b / m.b - 1, se[1] / m.b);
        assert_close(r.a, m.a, 4 * se[0]);
        assert_close(r.b, m.b, 4 * se[1]);
        assert_rel(r.a, m.a, 0.08);
        assert_rel(r.b, m.b, 0.08);
        sal_battle_free(b);
    }
    gsl_rng_free(rng);
    sal_lanchester_ws_free(ws);
}

/* Free exponents under Poisson noise, with 10^5 troops a side and
 * reinforcements on both sides (so the exponents are identifiable). */
static void test_noisy_free(void **st)
{
    (void)st;
    const double pq[3][2] = {{0.7, 0.4}, {0.5, 0.5}, {1.2, 0.2}};
    sal_lanchester_ws *ws = sal_lanchester_ws_alloc();
    gsl_rng *rng = sal_rng_alloc(0, 0, 0);
    for (int i = 0; i < 3; i++) {
        double A0 = 200000, B0 = 160000;
        sal_lanchester m = {0.015 * A0 / (pow(B0, pq[i][0]) * pow(A0, pq[i][1])),
                            0.02 * B0 / (pow(A0, pq[i][0]) * pow(B0, pq[i][1])), pq[i][0],
                            pq[i][1]};
        sal_battle *b = sal_battle_alloc(41);
        b->reinf_A[10] = 0.3 * A0;
        b->reinf_B[20] = 0.3 * B0;
        sal_rng_reset(rng, 5, (uint64_t)i, 0);
        assert_int_equal(sal_lanchester_sample(ws, &m, SAL_NOISE_POISSON, 0, rng, A0, B0, 40,
                                               b->reinf_A, b->reinf_B, b->A, b->B), SAL_OK);
        sal_fit_result r;
        fit_law(b, SAL_LAW_FREE, &r);
        print_message("  free p=%.1f q=%.1f: p %.3f q %.3f\n", m.p, m.q, r.p, r.q);
        assert_close(r.p, m.p, 0.1);
        assert_close(r.q, m.q, 0.1);
        sal_battle_free(b);
    }
    gsl_rng_free(rng);
    sal_lanchester_ws_free(ws);
}

/* ---- the standard errors ------------------------------------------------ */

/* se from an independent computation: the Jacobian of the residuals in the
 * natural parameters (a, b[, p, q]) by central differences of
 * sal_lanchester_path, cov = s^2 (J^T J)^-1 by Gauss-Jordan elimination.
 * Agreement to 1e-3 relative checks the sensitivities, the reference
 * scaling, the chain rule and the delta method at once. */
static void fd_se(const sal_battle *b, const sal_fit_result *r, double se[4])
{
    int k = (int)r->k;
    size_t n = b->n;
    sal_lanchester_ws *ws = sal_lanchester_ws_alloc();
    double *Ap = malloc(n * sizeof(double)), *Bp = malloc(n * sizeof(double));
    double *Am = malloc(n * sizeof(double)), *Bm = malloc(n * sizeof(double));
    double *J = malloc(2 * n * 4 * sizeof(double));
    const double th[4] = {r->a, r->b, r->p, r->q};
    for (int j = 0; j < k; j++) {
        double h = j < 2 ? 1e-5 * th[j] : 1e-5;
        double tp[4], tm[4];
        memcpy(tp, th, sizeof tp);
        memcpy(tm, th, sizeof tm);
        tp[j] += h;
        tm[j] -= h;
        if (tm[j] < 0) { /* an exponent at 0: one-sided, second order */
            double t2[4];
            memcpy(t2, th, sizeof t2);
            t2[j] += 2 * h;
            const sal_lanchester m0 = {th[0], th[1], th[2], th[3]},
                                 m1 = {tp[0], tp[1], tp[2], tp[3]},
                                 m2 = {t2[0], t2[1], t2[2], t2[3]};
            sal_lanchester_path(ws, &m0, b->A[0], b->B[0], n - 1, b->reinf_A, b->reinf_B, Am, Bm);
            sal_lanchester_path(ws, &m1, b->A[0], b->B[0], n - 1, b->reinf_A, b->reinf_B, Ap, Bp);
            double *A2 = malloc(n * sizeof(double)), *B2 = malloc(n * sizeof(double));
            sal_lanchester_path(ws, &m2, b->A[0], b->B[0], n - 1, b->reinf_A, b->reinf_B, A2, B2);
            for (size_t t = 1; t < n; t++) {
                J[(2 * (t - 1)) * 4 + (size_t)j] = (-3 * Am[t] + 4 * Ap[t] - A2[t]) / (2 * h);
                J[(2 * (t - 1) + 1) * 4 + (size_t)j] = (-3 * Bm[t] + 4 * Bp[t] - B2[t]) / (2 * h);
            }
            free(A2);
            free(B2);
            continue;
        }
        const sal_lanchester mp = {tp[0], tp[1], tp[2], tp[3]}, mm = {tm[0], tm[1], tm[2], tm[3]};
        assert_int_equal(sal_lanchester_path(ws, &mp, b->A[0], b->B[0], n - 1, b->reinf_A,
                                             b->reinf_B, Ap, Bp), SAL_OK);
        assert_int_equal(sal_lanchester_path(ws, &mm, b->A[0], b->B[0], n - 1, b->reinf_A,
                                             b->reinf_B, Am, Bm), SAL_OK);
        for (size_t t = 1; t < n; t++) {
            J[(2 * (t - 1)) * 4 + (size_t)j] = (Ap[t] - Am[t]) / (2 * h);
            J[(2 * (t - 1) + 1) * 4 + (size_t)j] = (Bp[t] - Bm[t]) / (2 * h);
        }
    }
    double M[4][8] = {{0}};
    for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++)
            for (size_t t = 0; t < 2 * (n - 1); t++)
                M[i][j] += J[t * 4 + (size_t)i] * J[t * 4 + (size_t)j];
        M[i][k + i] = 1;
    }
    for (int c = 0; c < k; c++) { /* Gauss-Jordan, J^T J is positive definite */
        double piv = M[c][c];
        for (int j = 0; j < 2 * k; j++)
            M[c][j] /= piv;
        for (int i = 0; i < k; i++)
            if (i != c) {
                double f = M[i][c];
                for (int j = 0; j < 2 * k; j++)
                    M[i][j] -= f * M[c][j];
            }
    }
    for (int j = 0; j < 4; j++)
        se[j] = j < k ? sqrt(r->s2 * M[j][k + j]) : 0;
    free(Ap); free(Bp); free(Am); free(Bm); free(J);
    sal_lanchester_ws_free(ws);
}

static void test_se_finite_differences(void **st)
{
    (void)st;
    sal_battle *b = read_shared("duel-square-poisson.csv");
    sal_fit_result r;
    double se[4];
    fit_law(b, SAL_LAW_SQUARE, &r);
    fd_se(b, &r, se);
    assert_rel(r.se_a, se[0], 1e-3);
    assert_rel(r.se_b, se[1], 1e-3);
    assert_close(r.cov[0][0], r.se_a * r.se_a, 1e-12 * r.se_a * r.se_a);
    fit_law(b, SAL_LAW_FREE, &r);
    fd_se(b, &r, se);
    assert_rel(r.se_a, se[0], 1e-3);
    assert_rel(r.se_b, se[1], 1e-3);
    assert_rel(r.se_p, se[2], 1e-3);
    assert_rel(r.se_q, se[3], 1e-3);
    sal_battle_free(b);
    b = read_shared("iwojima-engel.csv");
    fit_law(b, SAL_LAW_LINEAR, &r);
    fd_se(b, &r, se);
    assert_rel(r.se_a, se[0], 1e-3);
    assert_rel(r.se_b, se[1], 1e-3);
    sal_battle_free(b);
}

/* What the standard errors mean under Poisson noise, against the truth:
 * over 40 generated duels the root-mean-square error of a-hat is the real
 * uncertainty.  The parametric bootstrap (100 replicates) of one duel must
 * match it within a factor 2; the classical standard error, which assumes
 * independent residuals, understates it by more than 3 (docs/fitting.md).
 * The bootstrap gives the same bytes with 1 and 2 threads. */
static void test_se_meaning(void **st)
{
    (void)st;
    const scen *s = &scens[0];
    sal_lanchester m;
    sal_battle *b = scen_make(s, &m);
    sal_lanchester_ws *ws = sal_lanchester_ws_alloc();
    gsl_rng *rng = sal_rng_alloc(0, 0, 0);
    double ss = 0, se_classic = 0, se_boot[4], se_boot1[4];
    enum { K = 40 };
    sal_fit_result r0;
    for (int i = 0; i < K; i++) {
        sal_rng_reset(rng, 77, (uint64_t)i, 0);
        sal_lanchester_sample(ws, &m, SAL_NOISE_POISSON, 0, rng, s->A0, s->B0, (size_t)s->n,
                              b->reinf_A, b->reinf_B, b->A, b->B);
        sal_fit_result r;
        fit_law(b, SAL_LAW_SQUARE, &r);
        ss += (r.a - m.a) * (r.a - m.a);
        se_classic += r.se_a / K;
        if (i == 0) {
            r0 = r;
            int failed;
            omp_set_num_threads(2);
            assert_int_equal(sal_fit_bootstrap(b, NULL, &r, 100, 1, se_boot, &failed, NULL), SAL_OK);
            omp_set_num_threads(1);
            assert_int_equal(sal_fit_bootstrap(b, NULL, &r, 100, 1, se_boot1, &failed, NULL), SAL_OK);
            assert_memory_equal(se_boot, se_boot1, sizeof se_boot);
            assert_true(se_boot[2] == 0 && se_boot[3] == 0);
        }
    }
    double rmse = sqrt(ss / K);
    print_message("  rmse of a-hat %.3g, bootstrap se %.3g, classical se %.3g\n", rmse,
                  se_boot[0], se_classic);
    assert_true(se_boot[0] > rmse / 2 && se_boot[0] < 2 * rmse);
    assert_true(se_classic * 3 < rmse);
    assert_true(r0.converged);
    gsl_rng_free(rng);
    sal_lanchester_ws_free(ws);
    sal_battle_free(b);
}

/* Calibration over random battles, not hand-picked ones: 30 battles drawn
 * from a seeded generator (a classic law at random, 10^3 to 10^5 troops a
 * side, A0 = 0 one time in six, daily losses 0.5-3.5% at the start, 10 to
 * 60 days, up to 3 random reinforcements, Poisson casualties).  If the
 * bootstrap standard errors are right, z = (estimate - truth) / se is about
 * N(0, 1): the rms of the 60 z values (a and b) must lie in [0.6, 1.5]
 * (about 4 standard deviations of its sampling error, with 60 bootstrap
 * replicates each) and no |z| may exceed 5.  [Measured: 1.02 over 150.] */
static void test_bootstrap_calibration(void **st)
{
    (void)st;
    sal_lanchester_ws *ws = sal_lanchester_ws_alloc();
    gsl_rng *u = sal_rng_alloc(31, 0, 0), *g = sal_rng_alloc(32, 0, 0);
    double zs = 0, zmax = 0;
    enum { K = 30 };
    for (int it = 0; it < K; it++) {
        sal_law law = (sal_law)(it % 3);
        int n = 10 + (int)(50 * gsl_rng_uniform(u));
        double A0 = it % 6 == 5 ? 0 : pow(10, 3 + 2 * gsl_rng_uniform(u));
        double B0 = pow(10, 3 + 2 * gsl_rng_uniform(u)), Ar = A0 > 0 ? A0 : B0, p = 1, q = 0;
        sal_law_exponents(law, &p, &q);
        double la = 0.005 + 0.03 * gsl_rng_uniform(u), lb = 0.005 + 0.03 * gsl_rng_uniform(u);
        sal_lanchester m = {la * Ar / (pow(B0, p) * pow(Ar, q)),
                            lb * B0 / (pow(Ar, p) * pow(B0, q)), p, q};
        sal_battle *b = sal_battle_alloc((size_t)n + 1);
        if (A0 == 0)
            b->reinf_A[1] = Ar;
        for (int k = (int)(4 * gsl_rng_uniform(u)); k > 0; k--) {
            int d = 1 + (int)(n * gsl_rng_uniform(u));
            if (gsl_rng_uniform(u) < 0.5)
                b->reinf_A[d] += 0.2 * Ar * gsl_rng_uniform(u);
            else
                b->reinf_B[d] += 0.2 * B0 * gsl_rng_uniform(u);
        }
        assert_int_equal(sal_lanchester_sample(ws, &m, SAL_NOISE_POISSON, 0, g, A0, B0,
                                               (size_t)n, b->reinf_A, b->reinf_B, b->A, b->B),
                         SAL_OK);
        sal_fit_result r;
        fit_law(b, law, &r);
        double se[4];
        int failed;
        assert_int_equal(sal_fit_bootstrap(b, NULL, &r, 60, 3, se, &failed, NULL), SAL_OK);
        const double z[2] = {(r.a - m.a) / se[0], (r.b - m.b) / se[1]};
        for (int j = 0; j < 2; j++) {
            zs += z[j] * z[j];
            zmax = fmax(zmax, fabs(z[j]));
        }
        sal_battle_free(b);
    }
    double rms = sqrt(zs / (2 * K));
    print_message("  rms z %.2f, max |z| %.2f over %d battles\n", rms, zmax, K);
    assert_true(rms > 0.6 && rms < 1.5);
    assert_true(zmax < 5);
    gsl_rng_free(u);
    gsl_rng_free(g);
    sal_lanchester_ws_free(ws);
}

/* ---- the rest ---------------------------------------------------------- */

/* The fitted series is the law's path; SSE and R^2 recomputed from it:
 * R^2 = 1 - SSE / SST, SST summed over both columns, each about its own
 * mean, over rows 1..n-1. */
static void test_series_sse_r2(void **st)
{
    (void)st;
    sal_battle *b = read_shared("iwojima-engel.csv");
    sal_fit_result r;
    fit_law(b, SAL_LAW_LOG, &r);
    double A[37], B[37];
    assert_int_equal(sal_fit_series(b, &r, A, B), SAL_OK);
    assert_true(A[0] == b->A[0] && B[0] == b->B[0]);
    double sse = 0, mA = 0, mB = 0, sst = 0;
    for (int t = 1; t < 37; t++) {
        sse += (A[t] - b->A[t]) * (A[t] - b->A[t]) + (B[t] - b->B[t]) * (B[t] - b->B[t]);
        mA += b->A[t] / 36;
        mB += b->B[t] / 36;
    }
    for (int t = 1; t < 37; t++)
        sst += (b->A[t] - mA) * (b->A[t] - mA) + (b->B[t] - mB) * (b->B[t] - mB);
    assert_rel(r.sse, sse, 1e-9);
    assert_rel(r.sse_A + r.sse_B, sse, 1e-9);
    assert_close(r.r2, 1 - sse / sst, 1e-9);
    assert_rel(r.s2, sse / (72 - 2), 1e-9);
    sal_battle_free(b);
}

static void test_unfittable(void **st)
{
    (void)st;
    sal_fit_opts o;
    sal_fit_opts_init(&o);
    o.name = "x.csv";
    sal_fit_result r;
    sal_diags *d = sal_diags_alloc();
    sal_battle *b = sal_battle_alloc(3);
    const double A[3] = {100, 95, 91}, B[3] = {90, 80, 71};
    memcpy(b->A, A, sizeof A);
    memcpy(b->B, B, sizeof B);
    /* 3 rows: 4 observations, enough for a classic law, not for the free law */
    assert_int_equal(sal_fit_battle(b, &o, &r, d), SAL_OK);
    o.law = SAL_LAW_FREE;
    assert_int_equal(sal_fit_battle(b, &o, &r, d), SAL_EINPUT);
    assert_string_equal(sal_diags_get(d, 0)->file, "x.csv");
    assert_non_null(strstr(sal_diags_get(d, 0)->message, "expected at least 4 rows"));
    o.law = SAL_LAW_SQUARE;
    b->B[0] = b->B[1] = b->B[2] = 0;
    assert_int_equal(sal_fit_battle(b, &o, &r, d), SAL_EINPUT);
    assert_non_null(strstr(sal_diags_get(d, 1)->message, "side B is 0 on every day"));
    b->B[1] = -1;
    assert_int_equal(sal_fit_battle(b, &o, &r, d), SAL_EINPUT);
    /* no losses at all on B's side: the fit ends (either way) without
     * crashing, and the fitted b costs B less than half a soldier */
    for (int t = 0; t < 3; t++)
        b->B[t] = 90;
    int s = sal_fit_battle(b, &o, &r, d);
    assert_true(s == SAL_OK || s == SAL_EFAIL);
    assert_true(r.b >= 0 && r.b * 100 * 2 < 0.5);
    sal_battle_free(b);
    sal_diags_free(d);
}

/* The longest series a file may hold (SAL_BATTLE_MAX_ROWS rows: 10^5 days,
 * issue 21): a square-law battle reinforced on both sides (a = 2e-5, b =
 * 1e-5, A0 = 20,000, B0 = 30,000, 60 and 70 troops a day, the battle of
 * bench/fit_long.sh) with Poisson casualties, which ends with A annihilated
 * and held at 0 for its last ~1,000 days.  Written as CSV and read back by
 * the file reader, then fitted: it converges, every statistic is finite,
 * N = 2 x 10^5 residuals, and a, b come back within 1% of the truth
 * [rms 0.05% over 10 seeds].  Its time is bench/fit_long.sh's, not this
 * test's (a second or two). */
static void test_longest_series(void **st)
{
    (void)st;
    const size_t n = SAL_BATTLE_MAX_ROWS;
    const sal_lanchester m = {2e-5, 1e-5, 1, 0};
    sal_battle *g = sal_battle_alloc(n);
    assert_non_null(g);
    for (size_t d = 1; d < n; d++) {
        g->reinf_A[d] = 60;
        g->reinf_B[d] = 70;
    }
    sal_lanchester_ws *ws = sal_lanchester_ws_alloc();
    gsl_rng *rng = sal_rng_alloc(2024, 0, 21);
    assert_int_equal(sal_lanchester_sample(ws, &m, SAL_NOISE_POISSON, 0, rng, 20000, 30000,
                                           n - 1, g->reinf_A, g->reinf_B, g->A, g->B), SAL_OK);
    size_t cap = 64 + n * 64, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    len += (size_t)snprintf(csv, cap, "day,A,B,reinf_A,reinf_B\n");
    for (size_t d = 0; d < n; d++)
        len += (size_t)snprintf(csv + len, cap - len, "%zu,%.0f,%.0f,%.0f,%.0f\n", d, g->A[d],
                                g->B[d], g->reinf_A[d], g->reinf_B[d]);
    assert_true(len < cap);
    assert_true(g->A[n - 1] == 0 && g->B[n - 1] > 0); /* the zero crossing is in it */
    sal_diags *d = sal_diags_alloc();
    sal_battle *b = NULL;
    assert_int_equal(sal_battle_parse(csv, len, "long.csv", &b, d), SAL_OK);
    assert_int_equal(b->n, n);
    sal_fit_result r;
    fit_law(b, SAL_LAW_SQUARE, &r);
    print_message("  10^5 days: a %+.5f b %+.5f, %d iterations\n", r.a / m.a - 1, r.b / m.b - 1,
                  r.iterations);
    assert_int_equal(r.n, 2 * (n - 1));
    assert_int_equal(r.k, 2);
    assert_true(r.p == 1 && r.q == 0);
    assert_true(isfinite(r.se_a) && r.se_a > 0 && isfinite(r.se_b) && r.se_b > 0);
    assert_true(isfinite(r.sse) && r.sse > 0 && r.r2 > 0.99 && r.r2 < 1);
    assert_rel(r.a, m.a, 0.01);
    assert_rel(r.b, m.b, 0.01);
    sal_battle_free(b);
    sal_battle_free(g);
    sal_diags_free(d);
    free(csv);
    gsl_rng_free(rng);
    sal_lanchester_ws_free(ws);
}

/* A fit that runs out of iterations says so (SAL_EFAIL, converged 0, a
 * message) and still reports the best point it found; the caller's GSL
 * error handler is restored afterwards. */
static void my_handler(const char *reason, const char *file, int line, int err)
{
    (void)reason; (void)file; (void)line; (void)err;
}

static void test_no_convergence(void **st)
{
    (void)st;
    sal_battle *b = read_shared("duel-square-poisson.csv");
    sal_fit_opts o;
    sal_fit_opts_init(&o);
    o.maxiter = 1;
    o.name = "duel";
    sal_fit_result r;
    sal_diags *d = sal_diags_alloc();
    gsl_error_handler_t *prev = gsl_set_error_handler(my_handler);
    assert_int_equal(sal_fit_battle(b, &o, &r, d), SAL_EFAIL);
    assert_ptr_equal(gsl_set_error_handler(prev), my_handler);
    assert_false(r.converged);
    assert_int_equal(r.starts, 3);
    assert_true(isfinite(r.a) && r.a > 0 && isfinite(r.sse));
    assert_int_equal(sal_diags_count(d), 1);
    assert_string_equal(sal_diags_get(d, 0)->file, "duel");
    assert_non_null(strstr(sal_diags_get(d, 0)->message, "did not converge"));
    sal_diags_free(d);
    sal_battle_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iwojima),
        cmocka_unit_test(test_duel),
        cmocka_unit_test(test_exact_recovery),
        cmocka_unit_test(test_rounded_recovery),
        cmocka_unit_test(test_noisy_recovery),
        cmocka_unit_test(test_noisy_free),
        cmocka_unit_test(test_se_finite_differences),
        cmocka_unit_test(test_se_meaning),
        cmocka_unit_test(test_bootstrap_calibration),
        cmocka_unit_test(test_series_sse_r2),
        cmocka_unit_test(test_unfittable),
        cmocka_unit_test(test_no_convergence),
        cmocka_unit_test(test_longest_series),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

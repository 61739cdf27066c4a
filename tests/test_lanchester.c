/* The attrition law against closed forms and conserved quantities, the
 * sensitivities against finite differences, and the stochastic mode against
 * the deterministic path and the noise moments.
 *
 * Tolerances.  The integrator keeps each step's local error below
 * 1e-8 + 1e-10 |y|; over 30-60 days of smooth dynamics the global error
 * stays near 1e-12 relative (measured), so closed forms are checked to 1e-9 relative to
 * the initial strength (a thousandfold margin) unless stated otherwise. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "salient/lanchester.h"
#include "salient/rng.h"

#define REL 1e-9

static sal_lanchester_ws *ws;

static int setup(void **st)
{
    (void)st;
    ws = sal_lanchester_ws_alloc();
    return ws ? 0 : -1;
}

static int teardown(void **st)
{
    (void)st;
    sal_lanchester_ws_free(ws);
    return 0;
}

/* Square law, no reinforcements: with w = sqrt(ab),
 *   A(t) = A0 cosh(wt) - sqrt(a/b) B0 sinh(wt),
 *   B(t) = B0 cosh(wt) - sqrt(b/a) A0 sinh(wt),
 * and b A^2 - a B^2 is constant (d/dt = -2abAB + 2abAB = 0). */
static void test_square_closed_form(void **st)
{
    (void)st;
    sal_lanchester m = {0.01, 0.02, 1, 0};
    enum { N = 40 };
    double A[N + 1], B[N + 1], A0 = 10000, B0 = 8000;
    assert_int_equal(sal_lanchester_path(ws, &m, A0, B0, N, NULL, NULL, A, B), SAL_OK);
    double w = sqrt(m.a * m.b), inv0 = m.b * A0 * A0 - m.a * B0 * B0;
    for (int d = 0; d <= N; d++) {
        double ea = A0 * cosh(w * d) - sqrt(m.a / m.b) * B0 * sinh(w * d);
        double eb = B0 * cosh(w * d) - sqrt(m.b / m.a) * A0 * sinh(w * d);
        assert_close(A[d], ea, REL * A0);
        assert_close(B[d], eb, REL * A0);
        double inv = m.b * A[d] * A[d] - m.a * B[d] * B[d];
        assert_close(inv, inv0, 1e-8 * m.b * A0 * A0);
    }
    /* and at fractional times through sal_lanchester_advance */
    double y[2] = {A0, B0}, t = 0;
    const double dt[] = {0.37, 1.5, 0.01, 2.25, 7};
    for (size_t i = 0; i < sizeof dt / sizeof dt[0]; i++) {
        assert_int_equal(sal_lanchester_advance(ws, &m, y, NULL, dt[i]), SAL_OK);
        t += dt[i];
        assert_close(y[0], A0 * cosh(w * t) - sqrt(m.a / m.b) * B0 * sinh(w * t), REL * A0);
        assert_close(y[1], B0 * cosh(w * t) - sqrt(m.b / m.a) * A0 * sinh(w * t), REL * A0);
    }
}

/* Square law, B annihilated inside a day.  B reaches 0 at
 * tau = atanh(sqrt(a/b) B0 / A0) / w; A then holds
 * sqrt(A0^2 - (a/b) B0^2) (from the invariant) and B stays exactly 0. */
static void test_square_annihilation(void **st)
{
    (void)st;
    sal_lanchester m = {0.02, 0.05, 1, 0};
    double A0 = 5000, B0 = 4000, w = sqrt(m.a * m.b);
    double tau = atanh(sqrt(m.a / m.b) * B0 / A0) / w;
    assert_true(tau > 10 && tau < 30 && fabs(tau - round(tau)) > 0.1);
    enum { N = 40 };
    double A[N + 1], B[N + 1];
    assert_int_equal(sal_lanchester_path(ws, &m, A0, B0, N, NULL, NULL, A, B), SAL_OK);
    double Aend = sqrt(A0 * A0 - m.a / m.b * B0 * B0);
    for (int d = 0; d <= N; d++) {
        assert_true(A[d] >= 0 && B[d] >= 0 && isfinite(A[d]) && isfinite(B[d]));
        if (d > tau) {
            assert_true(B[d] == 0.0);
            assert_close(A[d], Aend, REL * A0);
        } else {
            assert_true(B[d] > 0);
            assert_close(B[d], B0 * cosh(w * d) - sqrt(m.b / m.a) * A0 * sinh(w * d), REL * A0);
        }
    }
    /* stopping just past the crossing: B is 0, A already at its end value */
    double y[2] = {A0, B0};
    assert_int_equal(sal_lanchester_advance(ws, &m, y, NULL, tau + 1e-6), SAL_OK);
    assert_true(y[1] == 0.0);
    assert_close(y[0], Aend, REL * A0);
}

/* Linear law: b A - a B is constant, and A follows the logistic
 * A' = cA - bA^2 with c = bA0 - aB0:  A(t) = (c/b) / (1 + (c/(b A0) - 1) e^{-ct}). */
static void test_linear_law(void **st)
{
    (void)st;
    sal_lanchester m = {2e-6, 3e-6, 1, 1};
    enum { N = 60 };
    double A[N + 1], B[N + 1], A0 = 12000, B0 = 10000;
    assert_int_equal(sal_lanchester_path(ws, &m, A0, B0, N, NULL, NULL, A, B), SAL_OK);
    double c = m.b * A0 - m.a * B0;
    for (int d = 0; d <= N; d++) {
        assert_close(m.b * A[d] - m.a * B[d], c, 1e-9 * m.b * A0);
        double e = (c / m.b) / (1 + (c / (m.b * A0) - 1) * exp(-c * d));
        assert_close(A[d], e, REL * A0);
    }
    assert_true(B[N] < 0.5 * B0); /* the dynamics did something */
}

/* Logarithmic law: A' = -aA + rA  =>  A(t) = rA/a + (A0 - rA/a) e^{-at},
 * independent of B (p = 0, B^0 = 1); likewise B. */
static void test_log_law(void **st)
{
    (void)st;
    sal_lanchester m = {0.03, 0.05, 0, 1};
    enum { N = 30 };
    double A[N + 1], B[N + 1], rA[N + 1], rB[N + 1];
    for (int d = 0; d <= N; d++) {
        rA[d] = d ? 100 : 0;
        rB[d] = 0;
    }
    double A0 = 9000, B0 = 7000;
    assert_int_equal(sal_lanchester_path(ws, &m, A0, B0, N, rA, rB, A, B), SAL_OK);
    for (int d = 0; d <= N; d++) {
        double eq = 100 / m.a;
        assert_close(A[d], eq + (A0 - eq) * exp(-m.a * d), REL * A0);
        assert_close(B[d], B0 * exp(-m.b * d), REL * B0);
    }
}

/* Free exponents: dA/dB = (a B^p A^q) / (b A^p B^q) separates into
 * b A^(p-q) dA = a B^(p-q) dB, so  b A^e - a B^e  is constant with
 * e = p - q + 1 (e != 0). */
static void test_free_invariant(void **st)
{
    (void)st;
    const double pq[][2] = {{0.5, 0.25}, {0.8, 0.6}, {1.3, 0.2}, {0.3, 0.9}};
    for (size_t i = 0; i < sizeof pq / sizeof pq[0]; i++) {
        double p = pq[i][0], q = pq[i][1], e = p - q + 1;
        double A0 = 8000, B0 = 6000;
        /* coefficients that take about 1/3 of B over 30 days */
        sal_lanchester m = {0.01 * A0 / (pow(B0, p) * pow(A0, q)),
                            0.012 * B0 / (pow(A0, p) * pow(B0, q)), p, q};
        enum { N = 30 };
        double A[N + 1], B[N + 1];
        assert_int_equal(sal_lanchester_path(ws, &m, A0, B0, N, NULL, NULL, A, B), SAL_OK);
        double inv0 = m.b * pow(A0, e) - m.a * pow(B0, e);
        double scale = m.b * pow(A0, e);
        for (int d = 0; d <= N; d++)
            assert_close(m.b * pow(A[d], e) - m.a * pow(B[d], e), inv0, 1e-8 * scale);
        assert_true(B[N] < 0.8 * B0);
    }
}

/* Square law with constant reinforcements rA, rB on both sides: the
 * equilibrium is A* = rB/b, B* = rA/a, and the deviations follow the
 * homogeneous closed form. */
static void square_reinf_exact(const sal_lanchester *m, double A0, double B0,
                               double rA, double rB, double t, double *A, double *B)
{
    double w = sqrt(m->a * m->b), As = rB / m->b, Bs = rA / m->a;
    double x = A0 - As, y = B0 - Bs;
    *A = As + x * cosh(w * t) - sqrt(m->a / m->b) * y * sinh(w * t);
    *B = Bs + y * cosh(w * t) - sqrt(m->b / m->a) * x * sinh(w * t);
}

static void test_square_reinforcements(void **st)
{
    (void)st;
    sal_lanchester m = {0.02, 0.015, 1, 0};
    enum { N = 25 };
    double A[N + 1], B[N + 1], rA[N + 1], rB[N + 1];
    for (int d = 0; d <= N; d++) {
        rA[d] = d ? 150 : 0;
        rB[d] = d ? 90 : 0;
    }
    double A0 = 9000, B0 = 11000;
    assert_int_equal(sal_lanchester_path(ws, &m, A0, B0, N, rA, rB, A, B), SAL_OK);
    for (int d = 0; d <= N; d++) {
        double ea, eb;
        square_reinf_exact(&m, A0, B0, 150, 90, d, &ea, &eb);
        assert_close(A[d], ea, REL * A0);
        assert_close(B[d], eb, REL * A0);
    }
    /* a schedule: 3000 troops on day 3 only (a constant 3000/day through
     * (2, 3]), the rest none: composed piecewise from the closed form */
    for (int d = 0; d <= N; d++)
        rA[d] = rB[d] = 0;
    rA[3] = 3000;
    assert_int_equal(sal_lanchester_path(ws, &m, A0, B0, N, rA, rB, A, B), SAL_OK);
    double a2, b2, a3, b3, ea, eb;
    square_reinf_exact(&m, A0, B0, 0, 0, 2, &a2, &b2);
    square_reinf_exact(&m, a2, b2, 3000, 0, 1, &a3, &b3);
    assert_close(A[3], a3, REL * A0);
    assert_close(B[3], b3, REL * A0);
    square_reinf_exact(&m, a3, b3, 0, 0, N - 3, &ea, &eb);
    assert_close(A[N], ea, REL * A0);
    assert_close(B[N], eb, REL * A0);
    /* by hand, day 3 to first order: A gains 3000 and loses about a*B */
    assert_close(A[3] - A[2], 3000 - m.a * B[2], 0.02 * 3000);
}

/* A side at zero: with no enemy fire reaching it, or arrivals slower than
 * its losses, it stays at exactly 0 and never goes negative. */
static void test_zero_strength(void **st)
{
    (void)st;
    enum { N = 5 };
    double A[N + 1], B[N + 1], rA[N + 1] = {0, 100, 100, 100, 100, 100};
    /* square law: arrivals 100/day against losses a*B = 1000/day: held at 0,
     * and B (p = 1) loses nothing to a side of 0 */
    sal_lanchester sq = {0.05, 0.01, 1, 0};
    assert_int_equal(sal_lanchester_path(ws, &sq, 0, 20000, N, rA, NULL, A, B), SAL_OK);
    for (int d = 0; d <= N; d++) {
        assert_true(A[d] == 0.0);
        assert_true(B[d] == 20000.0);
    }
    /* linear law (q = 1): a side of 0 takes no losses, so arrivals build it
     * up; with a = b = 0 the path is A0 + sum of arrivals, exactly */
    sal_lanchester none = {0, 0, 1, 1};
    assert_int_equal(sal_lanchester_path(ws, &none, 0, 500, N, rA, NULL, A, B), SAL_OK);
    for (int d = 0; d <= N; d++)
        assert_close(A[d], 100.0 * d, 1e-9);
    /* Iwo Jima's day 1 (Engel): 54,000 land through the day into 0 under
     * the square law; A(1) = 54000 - a * int_0^1 B dt with B falling from
     * 21,500 by b * int A dt.  To second order:
     * int B = B0 - b * 54000/6, A(1) = 54000 - a * (B0 - b*9000). */
    sal_lanchester iwo = {0.0544, 0.0106, 1, 0};
    double ra[2] = {0, 54000}, a1[2], b1[2];
    assert_int_equal(sal_lanchester_path(ws, &iwo, 0, 21500, 1, ra, NULL, a1, b1), SAL_OK);
    assert_close(a1[1], 54000 - iwo.a * (21500 - iwo.b * 9000), 1.0);
    assert_close(a1[1], 52835, 5.0); /* Engel's table, rounded */
    assert_close(b1[1], 21220, 5.0);
}

/* Sensitivities to (log a, log b, p, q) against central differences of the
 * path, relative step 1e-5: agreement to 1e-5 of the largest entry. */
static void check_sens(const sal_lanchester *m, double A0, double B0, size_t n,
                       const double *rA, const double *rB)
{
    double A[64], B[64], dA[256], dB[256], Ap[64], Bp[64], Am[64], Bm[64];
    assert_true(n < 64);
    assert_int_equal(sal_lanchester_path_sens(ws, m, A0, B0, n, rA, rB, A, B, dA, dB), SAL_OK);
    for (int j = 0; j < 4; j++) {
        const double h = 1e-5;
        sal_lanchester mp = *m, mm = *m;
        switch (j) {
        case 0: mp.a *= exp(h); mm.a *= exp(-h); break;
        case 1: mp.b *= exp(h); mm.b *= exp(-h); break;
        case 2: mp.p += h; mm.p -= h; break;
        default: mp.q += h; mm.q -= h; break;
        }
        if (mm.q < 0 || mm.p < 0)
            continue; /* one-sided at the boundary: skip */
        assert_int_equal(sal_lanchester_path(ws, &mp, A0, B0, n, rA, rB, Ap, Bp), SAL_OK);
        assert_int_equal(sal_lanchester_path(ws, &mm, A0, B0, n, rA, rB, Am, Bm), SAL_OK);
        double big = 0;
        for (size_t d = 0; d <= n; d++)
            big = fmax(big, fmax(fabs(dA[4 * d + j]), fabs(dB[4 * d + j])));
        for (size_t d = 0; d <= n; d++) {
            assert_close(dA[4 * d + (size_t)j], (Ap[d] - Am[d]) / (2 * h), 1e-5 * big + 1e-6);
            assert_close(dB[4 * d + (size_t)j], (Bp[d] - Bm[d]) / (2 * h), 1e-5 * big + 1e-6);
        }
    }
}

static void test_sensitivities(void **st)
{
    (void)st;
    double rA[21] = {0}, rB[21] = {0};
    rA[2] = 3000;
    rB[5] = 1000;
    sal_lanchester sq = {0.02, 0.03, 1, 0}, lin = {2e-6, 3e-6, 1, 1},
                   lg = {0.03, 0.02, 0, 1}, fr = {0.004, 0.006, 0.8, 0.3};
    check_sens(&sq, 8000, 7000, 20, rA, rB);
    check_sens(&lin, 8000, 7000, 20, rA, rB);
    check_sens(&lg, 8000, 7000, 20, rA, rB);
    check_sens(&fr, 8000, 7000, 20, rA, rB);
    /* starting from zero (Iwo Jima's day 0) */
    double ri[11] = {0, 54000, 0, 6000};
    check_sens(&(sal_lanchester){0.0544, 0.0106, 1, 0}, 0, 21500, 10, ri, NULL);
    check_sens(&(sal_lanchester){0.0544, 0.0106, 0.9, 0.1}, 0, 21500, 10, ri, NULL);
    /* through an annihilation (B first 0 on days 27, 3 and 2), with
     * exponents in (0, 1) where the law is not Lipschitz at 0 */
    check_sens(&(sal_lanchester){0.0197, 0.0302, 1, 0.01}, 12000, 9000, 30, NULL, NULL);
    check_sens(&(sal_lanchester){0.0197, 0.0302, 1, 0.3}, 12000, 9000, 30, NULL, NULL);
    check_sens(&(sal_lanchester){0.05, 0.08, 0.8, 0.5}, 12000, 9000, 30, NULL, NULL);
}

/* Stochastic mean vs deterministic path.  For the square law the one-day
 * flow is affine in the state, so E[X(d)] equals the deterministic path
 * exactly while no cap binds (lanchester.h).  10,000 runs; each day's mean
 * must lie within 5 standard errors (sample sd / sqrt(n)) of the path. */
static void test_stochastic_mean(void **st)
{
    (void)st;
    enum { N = 20, RUNS = 10000 };
    sal_lanchester m = {0.02, 0.03, 1, 0};
    double rA[N + 1] = {0}, rB[N + 1] = {0}, A[N + 1], B[N + 1], dA[N + 1], dB[N + 1];
    rA[4] = 800;
    rB[9] = 500;
    assert_int_equal(sal_lanchester_path(ws, &m, 6000, 4000, N, rA, rB, dA, dB), SAL_OK);
    static double sA[N + 1], sB[N + 1], qA[N + 1], qB[N + 1];
    memset(sA, 0, sizeof sA); memset(sB, 0, sizeof sB);
    memset(qA, 0, sizeof qA); memset(qB, 0, sizeof qB);
    gsl_rng *r = sal_rng_alloc(7, 0, 1);
    for (int run = 0; run < RUNS; run++) {
        sal_rng_reset(r, 7, (uint64_t)run, 1);
        assert_int_equal(sal_lanchester_sample(ws, &m, SAL_NOISE_POISSON, 0, r, 6000, 4000,
                                               N, rA, rB, A, B), SAL_OK);
        for (int d = 0; d <= N; d++) {
            assert_true(A[d] >= 0 && B[d] >= 0 && A[d] == floor(A[d]));
            sA[d] += A[d]; qA[d] += A[d] * A[d];
            sB[d] += B[d]; qB[d] += B[d] * B[d];
        }
    }
    gsl_rng_free(r);
    for (int d = 1; d <= N; d++) {
        double mA = sA[d] / RUNS, mB = sB[d] / RUNS;
        double seA = sqrt((qA[d] / RUNS - mA * mA) / (RUNS - 1));
        double seB = sqrt((qB[d] / RUNS - mB * mB) / (RUNS - 1));
        assert_true(seA > 0 && seB > 0);
        assert_close(mA, dA[d], 5 * seA);
        assert_close(mB, dB[d], 5 * seB);
    }
}

/* One day's casualties from a fixed state, n draws: sample mean within 5
 * standard errors of mu, sample variance within 5 standard errors
 * (sqrt((m4 - s^4)/n), from the sample's fourth central moment) of
 * mu + mu^2/k (negative binomial) or mu (Poisson). */
static void check_day_moments(sal_noise noise, double k)
{
    enum { RUNS = 20000 };
    sal_lanchester m = {0.02, 0.03, 1, 0};
    double A[2], B[2], dA[2], dB[2];
    assert_int_equal(sal_lanchester_path(ws, &m, 12000, 9000, 1, NULL, NULL, dA, dB), SAL_OK);
    double mu = 12000 - dA[1]; /* about a * B = 180 */
    static double c[RUNS];
    gsl_rng *r = sal_rng_alloc(11, 0, 2);
    double s = 0;
    for (int i = 0; i < RUNS; i++) {
        assert_int_equal(sal_lanchester_sample(ws, &m, noise, k, r, 12000, 9000, 1,
                                               NULL, NULL, A, B), SAL_OK);
        c[i] = 12000 - A[1];
        s += c[i];
    }
    gsl_rng_free(r);
    double mean = s / RUNS, m2 = 0, m4 = 0;
    for (int i = 0; i < RUNS; i++) {
        double e = c[i] - mean;
        m2 += e * e;
        m4 += e * e * e * e;
    }
    m2 /= RUNS - 1;
    m4 /= RUNS;
    double var = noise == SAL_NOISE_NEGBIN ? mu + mu * mu / k : mu;
    assert_close(mean, mu, 5 * sqrt(m2 / RUNS));
    assert_close(m2, var, 5 * sqrt((m4 - m2 * m2) / RUNS));
}

static void test_noise_moments(void **st)
{
    (void)st;
    check_day_moments(SAL_NOISE_POISSON, 0);
    check_day_moments(SAL_NOISE_NEGBIN, 5);
    check_day_moments(SAL_NOISE_NEGBIN, 50);
}

/* No strength below zero, whatever the law and noise, through
 * annihilations; a side at 0 without arrivals stays at 0; same seed, same
 * path. */
static void test_never_negative(void **st)
{
    (void)st;
    enum { N = 40 };
    const sal_lanchester laws[] = {{0.05, 0.2, 1, 0}, {2e-5, 8e-5, 1, 1},
                                   {0.05, 0.3, 0, 1}, {0.02, 0.2, 0.7, 0.4}};
    double A[N + 1], B[N + 1], A2[N + 1], B2[N + 1], rB[N + 1] = {0};
    rB[30] = 50; /* arrivals into an annihilated side: it rises again */
    gsl_rng *r = sal_rng_alloc(3, 0, 0);
    for (size_t l = 0; l < sizeof laws / sizeof laws[0]; l++)
        for (int noise = -1; noise <= 1; noise++)
            for (int run = 0; run < 20; run++) {
                int st2;
                if (noise < 0)
                    st2 = sal_lanchester_path(ws, &laws[l], 3000, 800, N, NULL, rB, A, B);
                else {
                    sal_rng_reset(r, 3, (uint64_t)run, 0);
                    st2 = sal_lanchester_sample(ws, &laws[l], (sal_noise)noise, 2, r, 3000,
                                                800, N, NULL, rB, A, B);
                }
                assert_int_equal(st2, SAL_OK);
                for (int d = 0; d <= N; d++) {
                    assert_true(isfinite(A[d]) && isfinite(B[d]));
                    assert_true(A[d] >= 0 && B[d] >= 0);
                    if (d > 0 && d != 30 && B[d - 1] == 0)
                        assert_true(B[d] == 0.0);
                }
                if (noise >= 0) {
                    sal_rng_reset(r, 3, (uint64_t)run, 0);
                    assert_int_equal(sal_lanchester_sample(ws, &laws[l], (sal_noise)noise, 2,
                                                           r, 3000, 800, N, NULL, rB, A2, B2),
                                     SAL_OK);
                    assert_memory_equal(A, A2, sizeof A);
                    assert_memory_equal(B, B2, sizeof B);
                }
            }
    gsl_rng_free(r);
    /* the square law and the fractional law annihilate B by day 30 */
    sal_lanchester_path(ws, &laws[0], 3000, 800, N, NULL, NULL, A, B);
    assert_true(B[N] == 0.0);
}

static void test_bad_input(void **st)
{
    (void)st;
    double A[3], B[3], y[2] = {100, 100};
    char why[128];
    sal_lanchester neg = {0.1, 0.1, -1, 0}, nan_a = {NAN, 0.1, 1, 0}, ok = {0.1, 0.1, 1, 0};
    assert_int_equal(sal_lanchester_check(&neg, why, sizeof why), SAL_EINPUT);
    assert_non_null(strstr(why, "p = -1"));
    assert_int_equal(sal_lanchester_check(&nan_a, why, sizeof why), SAL_EINPUT);
    assert_int_equal(sal_lanchester_path(ws, &neg, 1, 1, 2, NULL, NULL, A, B), SAL_EINPUT);
    assert_int_equal(sal_lanchester_path(ws, &ok, -1, 1, 2, NULL, NULL, A, B), SAL_EINPUT);
    double bad_r[3] = {0, -5, 0};
    assert_int_equal(sal_lanchester_path(ws, &ok, 1, 1, 2, bad_r, NULL, A, B), SAL_EINPUT);
    assert_int_equal(sal_lanchester_advance(ws, &ok, y, NULL, 0), SAL_EINPUT);
    assert_int_equal(sal_lanchester_advance(ws, &ok, y, NULL, NAN), SAL_EINPUT);
    sal_law law;
    assert_int_equal(sal_law_parse("square", &law), SAL_OK);
    assert_int_equal(law, SAL_LAW_SQUARE);
    assert_int_equal(sal_law_parse("logarithmic", &law), SAL_OK);
    assert_int_equal(law, SAL_LAW_LOG);
    assert_int_equal(sal_law_parse("cubic", &law), SAL_EINPUT);
    assert_string_equal(sal_law_name(SAL_LAW_LINEAR), "linear");
    double p = -1, q = -1;
    sal_law_exponents(SAL_LAW_LOG, &p, &q);
    assert_true(p == 0 && q == 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_square_closed_form),
        cmocka_unit_test(test_square_annihilation),
        cmocka_unit_test(test_linear_law),
        cmocka_unit_test(test_log_law),
        cmocka_unit_test(test_free_invariant),
        cmocka_unit_test(test_square_reinforcements),
        cmocka_unit_test(test_zero_strength),
        cmocka_unit_test(test_sensitivities),
        cmocka_unit_test(test_stochastic_mean),
        cmocka_unit_test(test_noise_moments),
        cmocka_unit_test(test_never_negative),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

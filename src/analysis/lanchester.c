/* The generalized Lanchester law, deterministic and stochastic
 * (include/salient/lanchester.h).
 *
 * State vector of the integrator, dimension 2 or 2 + 2*4 with sensitivities:
 *
 *     y[0] = A, y[1] = B,
 *     y[2 + 2j] = dA/dtheta_j, y[3 + 2j] = dB/dtheta_j,
 *     theta = (log a, log b, p, q).
 *
 * With L_A = a B^p A^q and L_B = b A^p B^q (powers of max(x, 0), 0^0 = 1):
 *
 *     A' = rA - L_A,        B' = rB - L_B,
 *     S_Aj' = -(dL_A/dA S_Aj + dL_A/dB S_Bj + dL_A/dtheta_j),
 *     S_Bj' = -(dL_B/dA S_Aj + dL_B/dB S_Bj + dL_B/dtheta_j),
 *
 *     dL_A/dA = q L_A / A,  dL_A/dB = p L_A / B,
 *     dL_A/dtheta = (L_A, 0, L_A ln B, L_A ln A),
 *     dL_B/dA = p L_B / A,  dL_B/dB = q L_B / B,
 *     dL_B/dtheta = (0, L_B, L_B ln A, L_B ln B),
 *
 * each term taken as 0 where its strength is 0 (the limit from above for
 * the exponents in use).
 *
 * Zero strength.  A side is "pinned" at 0 while it is at 0 and its raw
 * derivative rA - L_A is not positive: then A' = 0 and its sensitivities
 * stay 0 (a pinned side is 0 for every nearby theta).  A side that goes
 * below 0 during a step has crossed zero inside it: the crossing time is
 * located by bisection on the length of that step (to 1e-13 day), the state
 * is taken there, the side is set to exactly 0 and pinned, and the
 * integrator restarts.  The other side's trajectory and sensitivities are
 * continuous through the crossing, because its loss rate is continuous in the
 * pinned side's strength. */
#include "salient/lanchester.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_randist.h>

#define NSENS 4              /* parameters with sensitivities */
#define DIM_FULL (2 + 2 * NSENS)
#define MAX_STEPS 200000     /* per call of advance: a runaway guard */
/* A path of n days may take at most PATH_STEPS_PER_DAY * n + PATH_STEPS_BASE
 * steps (bisection steps included).  A smooth path takes one or two a day
 * and an annihilation some 45 more; a law that chatters at a zero (a side
 * killed, reinforced and killed again within 1e-13 day, e.g. q = 1e-9 with
 * a huge b: the fit's trial points reach such laws) would take MAX_STEPS
 * on every such day.  Past the budget the path fails, as any integration
 * failure does (the fit treats the point as inadmissible), so the cost of
 * one path is linear in its days whatever the law (docs/fitting.md, "Cost"). */
#define PATH_STEPS_PER_DAY 16
/* Zero crossings in one day: a side is annihilated once; the chattering
 * law above crosses at every step.  Past this the day fails at once. */
#define MAX_CROSSINGS 8
#define PATH_STEPS_BASE 4096
#define CROSS_TOL 1e-13      /* days: bisection width of a zero crossing */
#define SENS_FLOOR 1e-6      /* troops: see rhs_sens */

typedef struct {
    double a, b, p, q;
    double r[2];
    int pinned[2];
    int sens;
} rhs_par;

struct sal_lanchester_ws {
    gsl_odeiv2_step *step[2];     /* [0]: dimension 2, [1]: DIM_FULL */
    gsl_odeiv2_evolve *evolve[2];
    gsl_odeiv2_control *control;
    double y0[DIM_FULL], ytry[DIM_FULL], yerr[DIM_FULL];
    double h;                     /* last step size, the next first guess */
    long budget;                  /* steps left to this path; < 0: no budget */
    rhs_par par;
};

const char *sal_law_name(sal_law law)
{
    switch (law) {
    case SAL_LAW_SQUARE: return "square";
    case SAL_LAW_LINEAR: return "linear";
    case SAL_LAW_LOG: return "log";
    case SAL_LAW_FREE: return "free";
    }
    return "unknown";
}

int sal_law_parse(const char *name, sal_law *law)
{
    static const struct { const char *name; sal_law law; } names[] = {
        {"square", SAL_LAW_SQUARE}, {"linear", SAL_LAW_LINEAR},
        {"log", SAL_LAW_LOG},       {"logarithmic", SAL_LAW_LOG},
        {"free", SAL_LAW_FREE},
    };
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) {
            *law = names[i].law;
            return SAL_OK;
        }
    return SAL_EINPUT;
}

void sal_law_exponents(sal_law law, double *p, double *q)
{
    switch (law) {
    case SAL_LAW_SQUARE: *p = 1; *q = 0; break;
    case SAL_LAW_LINEAR: *p = 1; *q = 1; break;
    case SAL_LAW_LOG: *p = 0; *q = 1; break;
    case SAL_LAW_FREE: break;
    }
}

int sal_lanchester_check(const sal_lanchester *m, char *why, size_t whylen)
{
    const double v[4] = {m->a, m->b, m->p, m->q};
    static const char *const names[4] = {"a", "b", "p", "q"};
    for (int i = 0; i < 4; i++)
        if (!isfinite(v[i]) || v[i] < 0) {
            if (why && whylen)
                snprintf(why, whylen, "%s = %g; expected a finite number >= 0",
                         names[i], v[i]);
            return SAL_EINPUT;
        }
    return SAL_OK;
}

/* x^e for a strength x (negative counts as 0), with 0^0 = 1. */
static double pow0(double x, double e)
{
    if (e == 0)
        return 1;
    if (!(x > 0))
        return 0;
    return e == 1 ? x : pow(x, e);
}

void sal_lanchester_rates(const sal_lanchester *m, double A, double B,
                          double *lossA, double *lossB)
{
    *lossA = m->a * pow0(B, m->p) * pow0(A, m->q);
    *lossB = m->b * pow0(A, m->p) * pow0(B, m->q);
}

/* The sensitivity right-hand sides, given the loss rates at (A, B).  The
 * coefficients q L_A / A etc. grow without bound as a side with an exponent
 * in (0, 1) nears 0 (the law is not Lipschitz there); the strength in their
 * denominators is floored at SENS_FLOOR troops, which keeps them finite.
 * A side crosses [0, SENS_FLOOR] in a single step at any realistic loss
 * rate, and its own sensitivity is reset to 0 when it is pinned, so the
 * floor changes the sensitivities by far less than the integration
 * tolerance (tested against finite differences through annihilations). */
static void rhs_sens(const rhs_par *P, double A, double B, double LA,
                     double LB, const int hold[2], const double y[], double f[])
{
    double lA = A > 0 ? log(A) : 0, lB = B > 0 ? log(B) : 0;
    double iA = A > 0 ? 1 / fmax(A, SENS_FLOOR) : 0, iB = B > 0 ? 1 / fmax(B, SENS_FLOOR) : 0;
    double dAA = P->q * LA * iA, dAB = P->p * LA * iB;
    double dBA = P->p * LB * iA, dBB = P->q * LB * iB;
    const double thA[NSENS] = {LA, 0, LA * lB, LA * lA};
    const double thB[NSENS] = {0, LB, LB * lA, LB * lB};
    for (int j = 0; j < NSENS; j++) {
        double sA = y[2 + 2 * j], sB = y[3 + 2 * j];
        f[2 + 2 * j] = hold[0] ? 0 : -(dAA * sA + dAB * sB + thA[j]);
        f[3 + 2 * j] = hold[1] ? 0 : -(dBA * sA + dBB * sB + thB[j]);
    }
}

static int rhs(double t, const double y[], double f[], void *vp)
{
    (void)t;
    const rhs_par *P = vp;
    double A = y[0] > 0 ? y[0] : 0, B = y[1] > 0 ? y[1] : 0;
    double LA = P->a * pow0(B, P->p) * pow0(A, P->q);
    double LB = P->b * pow0(A, P->p) * pow0(B, P->q);
    double fa = P->r[0] - LA, fb = P->r[1] - LB;
    const int hold[2] = {P->pinned[0] && fa <= 0, P->pinned[1] && fb <= 0};
    f[0] = hold[0] ? 0 : fa;
    f[1] = hold[1] ? 0 : fb;
    if (P->sens)
        rhs_sens(P, A, B, LA, LB, hold, y, f);
    return GSL_SUCCESS;
}

sal_lanchester_ws *sal_lanchester_ws_alloc(void)
{
    sal_lanchester_ws *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    const size_t dims[2] = {2, DIM_FULL};
    for (int i = 0; i < 2; i++) {
        w->step[i] = gsl_odeiv2_step_alloc(gsl_odeiv2_step_rk8pd, dims[i]);
        w->evolve[i] = gsl_odeiv2_evolve_alloc(dims[i]);
    }
    w->control = gsl_odeiv2_control_y_new(SAL_LANCHESTER_ABSTOL,
                                          SAL_LANCHESTER_RELTOL);
    if (!w->step[0] || !w->step[1] || !w->evolve[0] || !w->evolve[1] ||
        !w->control) {
        sal_lanchester_ws_free(w);
        return NULL;
    }
    w->h = 0.25;
    w->budget = -1;
    return w;
}

void sal_lanchester_ws_free(sal_lanchester_ws *w)
{
    if (!w)
        return;
    for (int i = 0; i < 2; i++) {
        if (w->step[i])
            gsl_odeiv2_step_free(w->step[i]);
        if (w->evolve[i])
            gsl_odeiv2_evolve_free(w->evolve[i]);
    }
    if (w->control)
        gsl_odeiv2_control_free(w->control);
    free(w);
}

static int all_finite(const double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(y[i]))
            return 0;
    return 1;
}

/* Side i (unpinned) is positive at the start of the last step, of length
 * len from w->y0, and negative at its end.  Finds the shortest step after
 * which it is <= 0 (to CROSS_TOL) and leaves that state in w->ytry. */
static int locate_zero(sal_lanchester_ws *w, const gsl_odeiv2_system *sys,
                       gsl_odeiv2_step *s, int i, double len, double *at)
{
    double lo = 0, hi = len;
    while (hi - lo > CROSS_TOL) {
        if (w->budget >= 0 && --w->budget < 0)
            return SAL_EFAIL;
        double mid = 0.5 * (lo + hi);
        memcpy(w->ytry, w->y0, sys->dimension * sizeof(double));
        gsl_odeiv2_step_reset(s);
        if (gsl_odeiv2_step_apply(s, 0, mid, w->ytry, w->yerr, NULL, NULL,
                                  sys) != GSL_SUCCESS)
            return SAL_EFAIL;
        if (w->ytry[i] > 0)
            lo = mid;
        else
            hi = mid;
    }
    memcpy(w->ytry, w->y0, sys->dimension * sizeof(double));
    gsl_odeiv2_step_reset(s);
    if (gsl_odeiv2_step_apply(s, 0, hi, w->ytry, w->yerr, NULL, NULL, sys) !=
        GSL_SUCCESS)
        return SAL_EFAIL;
    *at = hi;
    return SAL_OK;
}

static void pin(sal_lanchester_ws *w, double *y, size_t dim, int i)
{
    y[i] = 0;
    for (size_t k = 2 + (size_t)i; k < dim; k += 2)
        y[k] = 0;
    w->par.pinned[i] = 1;
}

/* After a step from (t0, w->y0) to (*t, y): releases sides that rose off
 * zero and stops at the first zero crossing, if any.  Returns 1 when the
 * flags changed (the evolver must restart), 2 when a side crossed zero
 * (likewise), 0 if not, or a negative status. */
static int after_step(sal_lanchester_ws *w, const gsl_odeiv2_system *sys,
                      gsl_odeiv2_step *s, double t0, double *t, double *y)
{
    size_t dim = sys->dimension;
    int changed = 0, first = -1;
    double when = INFINITY;
    for (int i = 0; i < 2; i++) {
        if (w->par.pinned[i]) {
            if (y[i] > 0) {
                w->par.pinned[i] = 0;
                changed = 1;
            } else if (y[i] < 0) {
                pin(w, y, dim, i); /* rounding of a held side */
            }
        } else if (y[i] < 0) {
            double at;
            if (locate_zero(w, sys, s, i, *t - t0, &at) != SAL_OK)
                return -SAL_EFAIL;
            if (at < when) {
                when = at;
                first = i;
            }
        }
    }
    if (first < 0)
        return changed;
    if (first == 0 && y[1] < 0 && !w->par.pinned[1]) /* both: refresh ytry */
        if (locate_zero(w, sys, s, 0, when, &when) != SAL_OK)
            return -SAL_EFAIL;
    memcpy(y, w->ytry, dim * sizeof(double));
    *t = t0 + when;
    for (int i = 0; i < 2; i++)
        if (!w->par.pinned[i] && !(y[i] > 0))
            pin(w, y, dim, i);
    return 2;
}

/* Integrates the system in w->par over (0, dt]: the core of every mode. */
static int integrate(sal_lanchester_ws *w, size_t dim, double *y, double dt)
{
    int full = dim == DIM_FULL;
    gsl_odeiv2_system sys = {rhs, NULL, dim, &w->par};
    gsl_odeiv2_step *s = w->step[full];
    gsl_odeiv2_evolve *e = w->evolve[full];
    w->par.sens = full;
    for (int i = 0; i < 2; i++) {
        w->par.pinned[i] = 0;
        if (!(y[i] > 0))
            pin(w, y, dim, i);
    }
    gsl_odeiv2_evolve_reset(e);
    gsl_odeiv2_step_reset(s);
    double t = 0, h = w->h < dt ? w->h : dt;
    int crossings = 0;
    for (long n = 0; t < dt; n++) {
        if (n > MAX_STEPS || (w->budget >= 0 && --w->budget < 0))
            return SAL_EFAIL;
        double t0 = t;
        memcpy(w->y0, y, dim * sizeof(double));
        if (gsl_odeiv2_evolve_apply(e, w->control, s, &sys, &t, dt, &h, y) !=
                GSL_SUCCESS ||
            !all_finite(y, dim)) {
            memcpy(y, w->y0, dim * sizeof(double));
            return SAL_EFAIL;
        }
        int c = after_step(w, &sys, s, t0, &t, y);
        if (c < 0)
            return -c;
        if (c == 2 && ++crossings > MAX_CROSSINGS)
            return SAL_EFAIL;
        if (c) {
            gsl_odeiv2_evolve_reset(e);
            gsl_odeiv2_step_reset(s);
        }
    }
    if (h > 0 && isfinite(h))
        w->h = h;
    return SAL_OK;
}

static int check_state(const sal_lanchester *m, double A, double B)
{
    if (sal_lanchester_check(m, NULL, 0) != SAL_OK)
        return SAL_EINPUT;
    if (!isfinite(A) || !isfinite(B) || A < 0 || B < 0)
        return SAL_EINPUT;
    return SAL_OK;
}

static void set_model(sal_lanchester_ws *w, const sal_lanchester *m)
{
    w->par.a = m->a;
    w->par.b = m->b;
    w->par.p = m->p;
    w->par.q = m->q;
}

static int set_rates(sal_lanchester_ws *w, double rA, double rB)
{
    if (!isfinite(rA) || !isfinite(rB) || rA < 0 || rB < 0)
        return SAL_EINPUT;
    w->par.r[0] = rA;
    w->par.r[1] = rB;
    return SAL_OK;
}

int sal_lanchester_advance(sal_lanchester_ws *w, const sal_lanchester *m,
                           double y[2], const double rate[2], double dt)
{
    if (!w || !m || !y || check_state(m, y[0], y[1]) != SAL_OK ||
        !isfinite(dt) || !(dt > 0))
        return SAL_EINPUT;
    set_model(w, m);
    if (set_rates(w, rate ? rate[0] : 0, rate ? rate[1] : 0) != SAL_OK)
        return SAL_EINPUT;
    double z[2] = {y[0], y[1]};
    int st = integrate(w, 2, z, dt);
    if (st == SAL_OK) {
        y[0] = z[0];
        y[1] = z[1];
    }
    return st;
}

/* Day-by-day driver shared by the deterministic paths. */
static int path_days(sal_lanchester_ws *w, const sal_lanchester *m, size_t dim,
                     double *y, size_t ndays, const double *rA,
                     const double *rB, double *A, double *B, double *dA,
                     double *dB)
{
    set_model(w, m);
    long days = ndays < 100000000 ? (long)ndays : 100000000;
    w->budget = PATH_STEPS_BASE + PATH_STEPS_PER_DAY * days;
    for (size_t d = 0;; d++) {
        A[d] = y[0];
        B[d] = y[1];
        for (int j = 0; dA && j < NSENS; j++) {
            dA[NSENS * d + (size_t)j] = y[2 + 2 * j];
            dB[NSENS * d + (size_t)j] = y[3 + 2 * j];
        }
        if (d == ndays) {
            w->budget = -1;
            return SAL_OK;
        }
        int st = set_rates(w, rA ? rA[d + 1] : 0, rB ? rB[d + 1] : 0);
        if (st == SAL_OK)
            st = integrate(w, dim, y, 1.0);
        if (st != SAL_OK) {
            w->budget = -1;
            return st;
        }
    }
}

int sal_lanchester_path(sal_lanchester_ws *w, const sal_lanchester *m,
                        double A0, double B0, size_t ndays, const double *rA,
                        const double *rB, double *A, double *B)
{
    if (!w || !m || !A || !B || check_state(m, A0, B0) != SAL_OK)
        return SAL_EINPUT;
    double y[2] = {A0, B0};
    return path_days(w, m, 2, y, ndays, rA, rB, A, B, NULL, NULL);
}

int sal_lanchester_path_sens(sal_lanchester_ws *w, const sal_lanchester *m,
                             double A0, double B0, size_t ndays,
                             const double *rA, const double *rB, double *A,
                             double *B, double *dA, double *dB)
{
    if (!w || !m || !A || !B || !dA || !dB ||
        check_state(m, A0, B0) != SAL_OK || !(m->a > 0) || !(m->b > 0))
        return SAL_EINPUT;
    double y[DIM_FULL] = {A0, B0};
    return path_days(w, m, DIM_FULL, y, ndays, rA, rB, A, B, dA, dB);
}

/* One day's casualties with mean mu, at most cap. */
static double draw(gsl_rng *rng, sal_noise noise, double k, double mu, double cap)
{
    if (!(mu > 0) || !(cap > 0))
        return 0;
    double c;
    if (noise == SAL_NOISE_NEGBIN)
        /* NB(k, p) with p = k / (k + mu): mean mu, variance mu + mu^2/k */
        c = gsl_ran_negative_binomial(rng, k / (k + mu), k);
    else
        c = gsl_ran_poisson(rng, mu);
    return c < cap ? c : cap;
}

int sal_lanchester_sample(sal_lanchester_ws *w, const sal_lanchester *m,
                          sal_noise noise, double k, gsl_rng *rng, double A0,
                          double B0, size_t ndays, const double *rA,
                          const double *rB, double *A, double *B)
{
    if (!w || !m || !rng || !A || !B || check_state(m, A0, B0) != SAL_OK ||
        (noise != SAL_NOISE_POISSON && noise != SAL_NOISE_NEGBIN) ||
        (noise == SAL_NOISE_NEGBIN && !(k > 0 && isfinite(k))))
        return SAL_EINPUT;
    set_model(w, m);
    A[0] = A0;
    B[0] = B0;
    for (size_t d = 1; d <= ndays; d++) {
        double RA = rA ? rA[d] : 0, RB = rB ? rB[d] : 0;
        if (set_rates(w, RA, RB) != SAL_OK)
            return SAL_EINPUT;
        double y[2] = {A[d - 1], B[d - 1]};
        int st = integrate(w, 2, y, 1.0);
        if (st != SAL_OK)
            return st;
        /* the day's deterministic loss: start + arrivals - end */
        double hA = A[d - 1] + RA, hB = B[d - 1] + RB;
        double cA = draw(rng, noise, k, hA - y[0], hA);
        double cB = draw(rng, noise, k, hB - y[1], hB);
        A[d] = hA - cA;
        B[d] = hB - cB;
    }
    return SAL_OK;
}

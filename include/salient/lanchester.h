/* salient — the generalized Lanchester attrition law of two sides, A and B.
 *
 * State equations (t in days, strengths in troops):
 *
 *     dA/dt = -a * B^p * A^q + rA(t)
 *     dB/dt = -b * A^p * B^q + rB(t)
 *
 *   square law       p = 1, q = 0   (aimed fire)
 *   linear law       p = 1, q = 1   (area fire)
 *   logarithmic law  p = 0, q = 1   (losses from one's own numbers only)
 *   free exponents   any p, q >= 0  (Weiss, Helmbold)
 *
 * Conventions at zero strength (docs/fitting.md):
 *   - powers use max(x, 0), with 0^0 = 1 and 0^e = 0 for e > 0, as C's pow;
 *     so under the square law a side with no troops ashore but troops
 *     arriving (Iwo Jima, day 1) loses a*B from its first minute;
 *   - strengths never go below zero: a side that reaches 0 inside a day is
 *     stopped there exactly (the crossing time is located) and takes no
 *     further losses; it stays at 0 while its losses would exceed its
 *     reinforcements, and leaves 0 as soon as they do not.
 *
 * Reinforcements.  A day d is the interval (d-1, d].  The troops listed for
 * day d arrive at a constant rate through that interval, so the right-hand
 * side is smooth within a day and the integrator is restarted at every day
 * boundary.  Arrays of reinforcements are indexed by day like the battle CSV
 * (salient/battle.h): r[d] for d = 1..ndays; r[0] is ignored.
 *
 * Deterministic mode integrates the equations with GSL's embedded
 * Runge-Kutta-Prince-Dormand (8,9) stepper (gsl_odeiv2_step_rk8pd) under
 * the local error test |err_i| <= SAL_LANCHESTER_ABSTOL +
 * SAL_LANCHESTER_RELTOL * |y_i| on every component.
 *
 * Stochastic mode draws each day's casualties.  The expected casualties of
 * side A on day d are the deterministic loss of that day from the current
 * state:
 *
 *     mu_A = A(d-1) + R_A(d) - Phi_A(A(d-1), B(d-1); d)
 *
 * where Phi is the deterministic one-day flow (the ODE above integrated over
 * (d-1, d] from the current state) and R_A(d) the troops that arrive on day
 * d; likewise mu_B.  Casualties C ~ Poisson(mu) or negative binomial with
 * mean mu and variance mu + mu^2/k, capped at A(d-1) + R_A(d) (no side can
 * lose more troops than it has that day); then A(d) = A(d-1) + R_A(d) - C_A.
 * With this definition E[A(d) | state] = Phi_A(state) whenever the cap does
 * not bind, so for the square law, whose flow is affine in the state, the
 * mean of many runs equals the deterministic path exactly (tested). */
#ifndef SALIENT_LANCHESTER_H
#define SALIENT_LANCHESTER_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "salient/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Local error tolerances of the deterministic integration (per step). */
#define SAL_LANCHESTER_RELTOL 1e-10
#define SAL_LANCHESTER_ABSTOL 1e-8

/* The four attrition laws. */
typedef enum {
    SAL_LAW_SQUARE = 0, /* p = 1, q = 0 */
    SAL_LAW_LINEAR = 1, /* p = 1, q = 1 */
    SAL_LAW_LOG = 2,    /* p = 0, q = 1 */
    SAL_LAW_FREE = 3    /* p, q estimated / given */
} sal_law;

/* Coefficients of the law.  a: A's losses per day per unit of B^p A^q;
 * b: B's losses per day per unit of A^p B^q. */
typedef struct {
    double a, b;
    double p, q;
} sal_lanchester;

/* Daily casualty noise of the stochastic mode. */
typedef enum {
    SAL_NOISE_POISSON = 0, /* variance mu */
    SAL_NOISE_NEGBIN = 1   /* variance mu + mu^2/k */
} sal_noise;

/* "square", "linear", "log", "free". */
const char *sal_law_name(sal_law law);
/* Parses a law name (also "logarithmic").  SAL_OK or SAL_EINPUT. */
int sal_law_parse(const char *name, sal_law *law);
/* The exponents of a classic law (free: leaves p, q untouched). */
void sal_law_exponents(sal_law law, double *p, double *q);

/* SAL_OK when a, b, p, q are finite and non-negative; otherwise SAL_EINPUT
 * with the reason in why ("p = -1; expected p >= 0"). */
int sal_lanchester_check(const sal_lanchester *m, char *why, size_t whylen);

/* The instantaneous loss rates a*B^p*A^q and b*A^p*B^q (troops/day) at the
 * strengths A, B (negative strengths count as 0). */
void sal_lanchester_rates(const sal_lanchester *m, double A, double B,
                          double *lossA, double *lossB);

/* Integration workspace (GSL stepper, error control, scratch).  One per
 * thread; reused across calls without allocating. */
typedef struct sal_lanchester_ws sal_lanchester_ws;

sal_lanchester_ws *sal_lanchester_ws_alloc(void);
void sal_lanchester_ws_free(sal_lanchester_ws *w);

/* Advances the state y = {A, B} by dt days (0 < dt <= 1 is typical, any
 * dt > 0 works) with constant reinforcement rates rate = {rA, rB} troops per
 * day.  SAL_OK; SAL_EINPUT for a bad model, negative or non-finite state,
 * rates or dt; SAL_EFAIL if the integrator fails (the state is then
 * unchanged). */
int sal_lanchester_advance(sal_lanchester_ws *w, const sal_lanchester *m,
                           double y[2], const double rate[2], double dt);

/* The deterministic path over days 0..ndays from (A0, B0): A[d], B[d] for
 * d = 0..ndays (arrays of ndays + 1), with reinforcements rA[d], rB[d]
 * arriving through day d (rA, rB may be NULL for none).  Status as
 * sal_lanchester_advance. */
int sal_lanchester_path(sal_lanchester_ws *w, const sal_lanchester *m,
                        double A0, double B0, size_t ndays, const double *rA,
                        const double *rB, double *A, double *B);

/* The same path with its sensitivities to the parameter vector
 * theta = (log a, log b, p, q), integrated alongside the state (forward
 * sensitivity equations; a and b must be > 0):
 *     dA[4*d + j] = dA(d)/dtheta_j,   dB[4*d + j] = dB(d)/dtheta_j. */
int sal_lanchester_path_sens(sal_lanchester_ws *w, const sal_lanchester *m,
                             double A0, double B0, size_t ndays,
                             const double *rA, const double *rB, double *A,
                             double *B, double *dA, double *dB);

/* One stochastic path over days 0..ndays (see the top of this file for the
 * definition of the daily mean).  k is the negative binomial dispersion
 * (k > 0; ignored for Poisson).  Draws come from rng in a fixed order (A then
 * B, day by day), so a (seed, run, stream) reproduces the path.  A0 and B0
 * are used as given (whole numbers give whole-number paths). */
int sal_lanchester_sample(sal_lanchester_ws *w, const sal_lanchester *m,
                          sal_noise noise, double k, gsl_rng *rng, double A0,
                          double B0, size_t ndays, const double *rA,
                          const double *rB, double *A, double *B);

#ifdef __cplusplus
}
#endif
#endif

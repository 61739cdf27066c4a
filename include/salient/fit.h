/* salient — nonlinear least-squares fit of the attrition law to a daily
 * battle series (docs/fitting.md).
 *
 * Model: the law of salient/lanchester.h integrated from the observed row-0
 * state (A_0, B_0) with the listed reinforcements, giving the path
 * A(d; theta), B(d; theta) for d = 1..n-1.
 *
 * Estimator: theta minimises the plain sum of squares over both columns
 *
 *     SSE(theta) = sum_{d=1}^{n-1} (A(d) - A_d)^2 + (B(d) - B_d)^2
 *
 * (row 0 is the initial condition and fits exactly), with GSL's
 * gsl_multifit_nlinear trust-region solver (Levenberg-Marquardt with
 * geodesic acceleration) and the exact Jacobian from the forward
 * sensitivity equations.  Internally a and b are fitted as logarithms of
 * coefficients scaled by reference strengths (positivity and conditioning),
 * and reported in the units of the law.  Starting values come from a
 * regression of each day's losses on B^p A^q; the free law is started from
 * the fits of the three classic laws and keeps the lowest SSE.
 *
 * Standard errors: cov = s^2 (J^T J)^-1, s^2 = SSE / (N - k), N = 2(n-1)
 * residuals, k parameters, J the Jacobian at the optimum, carried to (a, b)
 * by the delta method.  They assume independent residuals of equal
 * variance; the residuals of a trajectory fit are serially correlated, so
 * they understate the uncertainty of noisy data (docs/fitting.md quantifies
 * it).  sal_fit_bootstrap gives the parametric-bootstrap alternative. */
#ifndef SALIENT_FIT_H
#define SALIENT_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "salient/base.h"
#include "salient/battle.h"
#include "salient/lanchester.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    sal_law law;        /* default SAL_LAW_SQUARE */
    int maxiter;        /* iterations per start (default 200) */
    double xtol;        /* step test on the fitted parameters (default 1e-9) */
    double gtol;        /* gradient test (default 1e-10) */
    const char *name;   /* the data's name in messages (default "<data>") */
    /* called after each integration of the path (NULL: none), with the
     * integrations done so far in this fit; a progress line, not a result */
    void (*progress)(void *ctx, long paths);
    void *progress_ctx;
} sal_fit_opts;

typedef struct {
    sal_law law;
    double a, b, p, q;              /* estimates (p, q fixed for a classic law) */
    double se_a, se_b, se_p, se_q;  /* standard errors; 0 for a fixed exponent,
                                       NaN when J is rank deficient */
    double cov[4][4];               /* covariance of (a, b, p, q) */
    double sse;                     /* sum of squared residuals, both columns */
    double sse_A, sse_B;            /* its two parts */
    double r2;                      /* 1 - SSE / SST (docs/fitting.md) */
    double s2;                      /* SSE / (N - k) */
    size_t n;                       /* N: residuals, 2 (rows - 1) */
    size_t k;                       /* parameters fitted: 2, or 4 (free) */
    int iterations;                 /* solver iterations of the kept start */
    int starts;                     /* starting points tried */
    int converged;                  /* 1 when the solver's tests were met */
} sal_fit_result;

/* Default options (square law). */
void sal_fit_opts_init(sal_fit_opts *o);

/* Fits the law opts->law (opts may be NULL: defaults) to data.  Returns
 * SAL_OK when converged; SAL_EFAIL when no start converged (res holds the
 * best point found, res->converged == 0, and diags says why); SAL_ERANGE
 * when a statistic of the result (an estimate, the SSE, R^2, a standard
 * error) is not finite: no result (diags says which); SAL_EINPUT
 * when the data cannot be fitted (too few rows for the law's parameters,
 * negative or non-finite values, a side at 0 on every day). */
int sal_fit_battle(const sal_battle *data, const sal_fit_opts *opts,
                   sal_fit_result *res, sal_diags *diags);

/* The fitted path: A[d], B[d] for d = 0..data->n - 1 (arrays of data->n). */
int sal_fit_series(const sal_battle *data, const sal_fit_result *res,
                   double *A, double *B);

/* Parametric bootstrap of the standard errors: nboot series are simulated
 * from the fitted law (sal_lanchester_sample, Poisson casualties, from the
 * observed row 0 with the observed reinforcements; stream (seed, i, 0) for
 * replicate i), each is refitted, and se[0..3] receive the standard
 * deviations of the nboot estimates of (a, b, p, q) (0 for fixed exponents).
 * *nfailed counts replicates whose fit did not converge (left out).
 * Meaningful when the data's noise is of the Poisson kind; see
 * docs/fitting.md. */
int sal_fit_bootstrap(const sal_battle *data, const sal_fit_opts *opts,
                      const sal_fit_result *res, int nboot, uint64_t seed,
                      double se[4], int *nfailed, sal_diags *diags);

#ifdef __cplusplus
}
#endif
#endif

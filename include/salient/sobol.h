/* salient — global sensitivity: Sobol' indices from a Saltelli design.
 *
 * For a scalar output Y = f(X_1, ..., X_k) of independent inputs, the
 * first-order index S_i = Var(E[Y | X_i]) / Var(Y) is the share of the
 * variance X_i explains alone, and the total index
 * ST_i = E[Var(Y | X_~i)] / Var(Y) the share it has a hand in, interactions
 * included (Sobol' 1993, 2001).  docs/sensitivity.md gives the method.
 *
 * Design (Saltelli 2002; Saltelli et al. 2010, Comput. Phys. Commun. 181:259):
 * two n x k matrices A and B from one 2k-dimensional Sobol' sequence (GSL's
 * gsl_qrng_sobol: A its first k coordinates, B its last k), mapped to the
 * inputs' distributions by their inverse CDFs, and k matrices A_B^(i): A
 * with its column i taken from B.  n (k + 2) evaluations in all.
 *
 * Outputs are laid out by design row j, so that any number of threads may
 * fill them and the estimate reads them in one fixed order:
 *
 *   y[j (k + 2) + 0]      f(A_j)
 *   y[j (k + 2) + 1]      f(B_j)
 *   y[j (k + 2) + 2 + i]  f(A_B^(i)_j)
 *
 * Estimators, with V the variance of the 2n values f(A), f(B):
 *   S_i  = mean_j f(B_j) (f(A_B^(i)_j) - f(A_j)) / V     (Saltelli et al. 2010)
 *   ST_i = mean_j (f(A_j) - f(A_B^(i)_j))^2 / 2 / V      (Jansen 1999)
 *   noise = (mean_j f(A_j) f(B_j) - mean f(A) mean f(B)) / V
 * Confidence intervals: percentile bootstrap over design rows, each
 * replicate drawing its rows from its own Philox stream (seed, replicate,
 * SAL_STREAM_SOBOL), so the intervals do not depend on the thread count. */
#ifndef SALIENT_SOBOL_H
#define SALIENT_SOBOL_H

#include <stddef.h>
#include <stdint.h>

#include "salient/base.h"
#include "salient/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The design needs 2k dimensions.  GSL's Sobol' sequence has 40, so up to
 * SAL_SOBOL_SOBOL_INPUTS inputs use it (quasi-Monte Carlo); above, A and B
 * are plain Monte Carlo points from a fixed Philox stream.  Halton-type
 * sequences, the usual high-dimensional alternative, were tried and rejected:
 * on a 48-input additive function their total indices erred by 0.02 at
 * n = 4096 against 0.002 for Monte Carlo (their high-dimensional projections
 * are correlated).  A real scenario has dozens of uncertain inputs (the
 * flagship 48); the bootstrap intervals carry the Monte Carlo error. */
#define SAL_SOBOL_SOBOL_INPUTS 20
#define SAL_SOBOL_MAX_INPUTS 256
/* The largest base sample: GSL's Sobol' sequence has 2^30 points. */
#define SAL_SOBOL_MAX_BASE ((size_t)1 << 30)
/* Stream kind of the bootstrap's resampling (see salient/engine.h); the
 * Monte Carlo design of more than SAL_SOBOL_SOBOL_INPUTS inputs draws from
 * stream SAL_STREAM_SOBOL - 1 of seed 0, run 0. */
#define SAL_STREAM_SOBOL 0x30000000u
/* Confidence level of the bootstrap intervals. */
#define SAL_SOBOL_LEVEL 0.95

typedef struct {
    size_t k;         /* inputs */
    size_t n;         /* base sample (design rows) */
    size_t nboot;     /* bootstrap replicates, 0 = no intervals */
    double mean;      /* of the 2n values f(A), f(B) */
    double variance;  /* V, the same (divisor 2n - 1) */
    /* Cov(f(A), f(B)) / V.  A_j and B_j share nothing but their row's daily
     * noise, so this is the share of the variance the noise explains alone,
     * Var(E[Y | noise]) / V, which no input's S1 includes; about 0 (sampling
     * error) for a deterministic output.  Bounds as below. */
    double noise, noise_lo, noise_hi;
    /* k values each, owned; the interval bounds are NaN when nboot = 0 */
    double *s1, *s1_lo, *s1_hi;
    double *st, *st_lo, *st_hi;
} sal_sobol_indices;

/* Fills a and b (n x k each, row-major) with the first n points of the
 * 2k-dimensional Sobol' sequence (Monte Carlo points above
 * SAL_SOBOL_SOBOL_INPUTS inputs), every coordinate in (0, 1).  SAL_EINPUT
 * when k is 0 or above SAL_SOBOL_MAX_INPUTS or n is 0 or above
 * SAL_SOBOL_MAX_BASE; SAL_ENOMEM. */
int sal_sobol_design(size_t k, size_t n, double *a, double *b);

/* The indices from the outputs y (n (k + 2) values laid out as above), with
 * nboot bootstrap replicates drawn from streams keyed by seed.  SAL_OK;
 * SAL_EINPUT for bad sizes; SAL_ERANGE when a value is NaN or infinite;
 * SAL_EFAIL when the output does not vary (V = 0: the indices are
 * undefined); SAL_ENOMEM.  *out is overwritten (clear it first if it holds
 * indices); on error it is left empty (all NULL). */
int sal_sobol_estimate(size_t k, size_t n, const double *y, size_t nboot, uint64_t seed,
                       sal_sobol_indices *out);

/* Releases the arrays of *ix (the struct is the caller's). */
void sal_sobol_indices_clear(sal_sobol_indices *ix);

typedef struct {
    size_t metric;      /* index into model->metrics */
    int day;            /* day of the metric, 0 .. horizon; -1 = the horizon */
    size_t nbase;       /* n, a power of 2 for the Sobol' sequence's balance */
    size_t nboot;       /* bootstrap replicates (200 is a good default) */
    uint64_t seed;      /* the runs' noise and the bootstrap */
    /* 0: every evaluation in the engine's stochastic mode, with run index j
     * for all k + 2 evaluations of design row j (common daily noise within
     * a row); 1: the deterministic (mean-field) mode. */
    int deterministic;
    int threads;        /* OpenMP threads, 0 = OpenMP's default */
    /* Called on the calling thread after each wave of design rows (rows are
     * run in waves, in order) with the runs done and the runs in all,
     * n (k + 2); non-zero asks to stop.  May be NULL. */
    int (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
} sal_sobol_opts;

/* Sensitivity of metric o->metric on day o->day of model m to each of its
 * m->nuncertain inputs: n (k + 2) runs in parallel, one run workspace per
 * thread, results bit-identical for any thread count.  SAL_OK; SAL_EINPUT
 * for bad options (no uncertain inputs, too many, a day or metric out of
 * range), with a diagnostic; a run's error (SAL_ERANGE, ...) with the
 * engine's diagnostic and the design row, for the lowest failing row;
 * SAL_EFAIL when the metric does not vary; SAL_ENOMEM; SAL_EINTR when
 * progress asked to stop before the last row: *out then holds the indices
 * of the rows done (out->n of them: the first rows of a Sobol' sequence are
 * a design too), or is empty when fewer than 2 were.  diags may be NULL. */
int sal_sobol_run(const sal_model *m, const sal_sobol_opts *o, sal_sobol_indices *out,
                  sal_diags *diags);

/* An upper bound, in bytes, of the memory sal_sobol_run needs for model m
 * with these options: the design (A, B: n x k each), the outputs
 * (n (k + 2)) and the bootstrap replicates (2 x nboot x k) are held whole,
 * plus 16 MiB for the run workspaces.  For a caller to refuse up front a
 * design that would not fit (as sal_ensemble_memory_bound). */
uint64_t sal_sobol_memory_bound(const sal_model *m, const sal_sobol_opts *o);

#ifdef __cplusplus
}
#endif
#endif

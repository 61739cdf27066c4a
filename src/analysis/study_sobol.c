/* salient — the Sobol' indices of a study: one Saltelli design for all the
 * chosen metrics at once (each run gives every metric), for any number of
 * uncertain inputs.
 *
 * Design (salient/sobol.h): n rows of two input points A_j, B_j and the k
 * points A_B^(i)_j (A_j with input i taken from B_j), n (k + 2) runs.  The
 * unit-cube points are those of sal_sobol_design, as in `salient
 * sensitivity` (GSL's Sobol' sequence up to 20 inputs, Monte Carlo beyond,
 * docs/sensitivity.md), up to SAL_SOBOL_MAX_INPUTS; beyond that, plain Monte
 * Carlo here: row j draws its 2k uniforms on (0, 1) from the Philox stream
 * (seed, j, SAL_STREAM_STUDY), so a row is the same on any thread.  The
 * estimators need only independent A and B; the price of Monte Carlo is a
 * slower convergence (error ~ n^-1/2 instead of nearly n^-1), which the
 * bootstrap intervals show.  The runs of
 * row j all use run index j: common daily noise within a row (the noise
 * share is then Cov(f(A), f(B)) / V, salient/sobol.h).  The indices and
 * their intervals come from sal_sobol_estimate. */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "salient/engine.h"
#include "salient/rng.h"
#include "salient/study.h"

static void row_inputs(size_t k, const double *xa, const double *xb, size_t e, double *x)
{
    memcpy(x, e == 1 ? xb : xa, k * sizeof *x);
    if (e >= 2)
        x[e - 2] = xb[e - 2];
}

/* The design and the workspaces of one sal_study_sobol. */
typedef struct {
    const sal_model *m;
    const size_t *metrics;  /* the metrics estimated */
    size_t nmetrics;
    const sal_study_opts *o;
    size_t k, n, w;         /* inputs, rows, evaluations per row (k + 2) */
    double *a, *b;          /* n x k: the two input points of each row */
    double *y;              /* nmetrics x n x w: the last day's value of each */
    int nt;                 /* threads */
    sal_run **ws;           /* a run workspace per thread */
    double *xs;             /* nt x k: the inputs of a thread's evaluation */
    gsl_rng **rs;           /* a stream per thread */
} sobol_job;

static int job_alloc(sobol_job *j)
{
    size_t k = j->k, n = j->n;
    j->a = malloc(n * k * sizeof *j->a);
    j->b = malloc(n * k * sizeof *j->b);
    j->y = malloc(n * j->w * (j->nmetrics ? j->nmetrics : 1) * sizeof *j->y);
    j->nt = j->o->threads > 0 ? j->o->threads : omp_get_max_threads();
    j->ws = calloc((size_t)j->nt, sizeof *j->ws);
    j->xs = malloc((size_t)j->nt * k * sizeof *j->xs);
    j->rs = calloc((size_t)j->nt, sizeof *j->rs);
    int rc = j->a && j->b && j->y && j->ws && j->xs && j->rs ? SAL_OK : SAL_ENOMEM;
    for (int t = 0; rc == SAL_OK && t < j->nt; t++)
        if (!(j->ws[t] = sal_run_alloc(j->m)) ||
            !(j->rs[t] = sal_rng_alloc(j->o->seed, 0, SAL_STREAM_STUDY)))
            rc = SAL_ENOMEM;
    return rc;
}

static void job_free(sobol_job *j)
{
    for (int t = 0; t < j->nt; t++) {
        if (j->ws)
            sal_run_free(j->ws[t]);
        if (j->rs && j->rs[t])
            gsl_rng_free(j->rs[t]);
    }
    free(j->ws);
    free(j->rs);
    free(j->xs);
    free(j->a);
    free(j->b);
    free(j->y);
}

/* The points A and B of every row on the unit cube (Sobol' up to
 * SAL_SOBOL_MAX_INPUTS inputs, Monte Carlo beyond), then through each
 * input's quantile function. */
static int design(sobol_job *j)
{
    size_t k = j->k, n = j->n;
    double *a = j->a, *b = j->b;
    int rc = SAL_OK;
    if (k <= SAL_SOBOL_MAX_INPUTS) {
        rc = sal_sobol_design(k, n, a, b);
    } else {
        for (size_t r = 0; r < n; r++) {
            sal_rng_reset(j->rs[0], j->o->seed, r, SAL_STREAM_STUDY);
            for (size_t i = 0; i < k; i++)
                a[r * k + i] = gsl_rng_uniform_pos(j->rs[0]);
            for (size_t i = 0; i < k; i++)
                b[r * k + i] = gsl_rng_uniform_pos(j->rs[0]);
        }
    }
    for (size_t r = 0; rc == SAL_OK && r < n; r++)
        for (size_t i = 0; i < k; i++) {
            a[r * k + i] = sal_dist_quantile(&j->m->uncertain[i].dist, a[r * k + i]);
            b[r * k + i] = sal_dist_quantile(&j->m->uncertain[i].dist, b[r * k + i]);
        }
    return rc;
}

/* Evaluation e of design row r on workspace t (diags: the engine's
 * messages, or NULL); the status of the run. */
static int evaluate(const sobol_job *j, int t, size_t r, size_t e, sal_diags *diags)
{
    double *x = j->xs + (size_t)t * j->k;
    row_inputs(j->k, j->a + r * j->k, j->b + r * j->k, e, x);
    sal_run_opts ro = {.seed = j->o->seed, .run = r, .inputs = x};
    return sal_run_exec(j->ws[t], &ro, diags);
}

/* The evaluations of row r on thread t into y; the first that fails (or
 * gives a value that is not finite) lowers *failed to its index r w + e. */
static void run_row(sobol_job *j, int t, size_t r, size_t *failed)
{
    size_t w = j->w, n = j->n, day = (size_t)j->m->horizon, nm = j->m->nmetrics;
    for (size_t e = 0; e < w; e++) {
        int st = evaluate(j, t, r, e, NULL);
        const double *series = sal_run_series(j->ws[t]);
        for (size_t q = 0; q < j->nmetrics; q++) {
            double v = series[day * nm + j->metrics[q]];
            j->y[q * n * w + r * w + e] = v;
            if (st != SAL_OK || !isfinite(v))
                st = SAL_ERANGE;
        }
        if (st != SAL_OK) {
#pragma omp critical(sal_study_sobol_fail)
            if (r * w + e < *failed)
                *failed = r * w + e;
            break;
        }
    }
}

/* The rows in waves, in order, so that a stop (progress returning nonzero)
 * or a failure leaves a prefix of the design done (*done rows); the index
 * of the first evaluation that failed, or SIZE_MAX. */
static size_t run_rows(sobol_job *j, int (*progress)(void *, uint64_t, uint64_t), void *ctx,
                       size_t *done, int *stopped)
{
    const size_t wave = 64;
    size_t n = j->n, w = j->w, failed = SIZE_MAX;
    for (size_t lo = 0; lo < n; lo += wave) {
        size_t hi = n - lo < wave ? n : lo + wave;
#pragma omp parallel for num_threads(j->nt) schedule(dynamic, 1)
        for (size_t r = lo; r < hi; r++)
            run_row(j, omp_get_thread_num(), r, &failed);
        *done = hi;
        if (failed != SIZE_MAX)
            break;
        if (progress && progress(ctx, (uint64_t)(hi * w), (uint64_t)(n * w)) && hi < n) {
            *stopped = 1;
            break;
        }
    }
    return failed;
}

/* The evaluation that failed, again on one thread for the engine's
 * diagnostic; its status (SAL_ERANGE if it now succeeds). */
static int report_failure(sobol_job *j, size_t failed, sal_diags *diags)
{
    size_t r = failed / j->w, e = failed % j->w;
    int rc = evaluate(j, 0, r, e, diags);
    if (rc == SAL_OK)
        rc = SAL_ERANGE;
    sal_diags_add(diags, j->m->file ? j->m->file : "scenario", 0, 0,
                  "the sensitivity run of design row %zu, evaluation %zu failed (%s)", r, e,
                  sal_strstatus(rc));
    return rc;
}

int sal_study_sobol(const sal_model *m, const size_t *metrics, size_t nmetrics,
                    const sal_study_opts *o, sal_sobol_indices *out, int *ok,
                    int (*progress)(void *, uint64_t, uint64_t), void *ctx, sal_diags *diags)
{
    sobol_job j = {.m = m, .metrics = metrics, .nmetrics = nmetrics, .o = o,
                   .k = m->nuncertain, .n = (size_t)o->sobol_base, .w = m->nuncertain + 2};
    for (size_t q = 0; q < nmetrics; q++) {
        memset(&out[q], 0, sizeof out[q]);
        ok[q] = 0;
    }
    if (j.k == 0 || j.n < 2 || j.n > SAL_SOBOL_MAX_BASE)
        return SAL_EINPUT;
    int rc = job_alloc(&j);
    if (rc == SAL_OK)
        rc = design(&j);
    size_t done_rows = 0;
    int stopped = 0;
    if (rc == SAL_OK) {
        size_t failed = run_rows(&j, progress, ctx, &done_rows, &stopped);
        if (failed != SIZE_MAX)
            rc = report_failure(&j, failed, diags);
    }
    /* The rows done are a design too (the first rows of the sequence, or
     * independent rows): estimate on them.  A metric that does not vary has
     * no indices (sal_sobol_estimate: SAL_EFAIL) and is skipped. */
    for (size_t q = 0; rc == SAL_OK && q < nmetrics && done_rows >= 2; q++) {
        /* the rows of metric q lie together: y[q n w + j w + e] */
        int r = sal_sobol_estimate(j.k, done_rows, j.y + q * j.n * j.w, o->sobol_nboot, o->seed,
                                   &out[q]);
        if (r == SAL_OK)
            ok[q] = 1;
        else if (r != SAL_EFAIL)
            rc = r;
    }
    job_free(&j);
    if (rc == SAL_OK && stopped)
        return SAL_EINTR;
    return rc;
}

/* salient — the Sobol' indices of a study: one Saltelli design for all the
 * chosen metrics at once (each run gives every metric), for any number of
 * uncertain inputs.
 *
 * The design is run by src/analysis/saltelli.c (as for `salient
 * sensitivity`): the points of sal_sobol_design up to SAL_SOBOL_MAX_INPUTS
 * inputs, plain Monte Carlo beyond (docs/sensitivity.md).  The runs of row
 * j all use run index j: common daily noise within a row (the noise share
 * is then Cov(f(A), f(B)) / V, salient/sobol.h).  The indices and their
 * intervals come from sal_sobol_estimate. */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "salient/engine.h"
#include "salient/study.h"
#include "analysis/saltelli.h"

/* The metrics of one sal_study_sobol and their outputs. */
typedef struct {
    const size_t *metrics;  /* the metrics estimated */
    size_t nmetrics;
    double *y;              /* nmetrics x n x w: the last day's value of each */
} study_y;

/* Every metric's last day of evaluation e of row r into y; SAL_ERANGE when
 * the run failed or a value is not finite. */
static int study_eval(const saltelli *s, sal_run *ws, size_t r, size_t e, const double *x)
{
    const study_y *sy = s->ctx;
    sal_run_opts ro = {.seed = s->seed, .run = r, .inputs = x};
    int st = sal_run_exec(ws, &ro, NULL);
    const double *series = sal_run_series(ws);
    size_t n = s->n, w = s->w, day = (size_t)s->m->horizon, nm = s->m->nmetrics;
    for (size_t q = 0; q < sy->nmetrics; q++) {
        double v = series[day * nm + sy->metrics[q]];
        sy->y[q * n * w + r * w + e] = v;
        if (st != SAL_OK || !isfinite(v))
            st = SAL_ERANGE;
    }
    return st;
}

/* The evaluation that failed, again on one thread for the engine's
 * diagnostic; its status (SAL_ERANGE if it now succeeds). */
static int report_failure(saltelli *s, sal_diags *diags)
{
    size_t r = s->failed / s->w, e = s->failed % s->w;
    saltelli_inputs(s, r, e, s->xs);
    sal_run_opts ro = {.seed = s->seed, .run = r, .inputs = s->xs};
    int rc = sal_run_exec(s->ws[0], &ro, diags);
    if (rc == SAL_OK)
        rc = SAL_ERANGE;
    sal_diags_add(diags, s->m->file ? s->m->file : "scenario", 0, 0,
                  "the sensitivity run of design row %zu, evaluation %zu failed (%s)", r, e,
                  sal_strstatus(rc));
    return rc;
}

int sal_study_sobol(const sal_model *m, const size_t *metrics, size_t nmetrics,
                    const sal_study_opts *o, sal_sobol_indices *out, int *ok,
                    int (*progress)(void *, uint64_t, uint64_t), void *ctx, sal_diags *diags)
{
    study_y sy = {.metrics = metrics, .nmetrics = nmetrics};
    saltelli s = {.m = m, .k = m->nuncertain, .n = (size_t)o->sobol_base,
                  .w = m->nuncertain + 2, .seed = o->seed,
                  .nt = o->threads > 0 ? o->threads : omp_get_max_threads(), .wave = 64,
                  .eval = study_eval, .ctx = &sy};
    for (size_t q = 0; q < nmetrics; q++) {
        memset(&out[q], 0, sizeof out[q]);
        ok[q] = 0;
    }
    if (s.k == 0 || s.n < 2 || s.n > SAL_SOBOL_MAX_BASE)
        return SAL_EINPUT;
    sy.y = malloc(s.n * s.w * (nmetrics ? nmetrics : 1) * sizeof *sy.y);
    int rc = saltelli_alloc(&s);
    if (!sy.y)
        rc = SAL_ENOMEM;
    size_t done_rows = 0;
    int stopped = 0;
    if (rc == SAL_OK) {
        done_rows = saltelli_run(&s, progress, ctx, &stopped);
        if (s.failed != SIZE_MAX)
            rc = report_failure(&s, diags);
    }
    /* The rows done are a design too (the first rows of the sequence, or
     * independent rows): estimate on them.  A metric that does not vary has
     * no indices (sal_sobol_estimate: SAL_EFAIL) and is skipped. */
    for (size_t q = 0; rc == SAL_OK && q < nmetrics && done_rows >= 2; q++) {
        /* the rows of metric q lie together: y[q n w + r w + e] */
        int r = sal_sobol_estimate(s.k, done_rows, sy.y + q * s.n * s.w, o->sobol_nboot,
                                   o->seed, &out[q]);
        if (r == SAL_OK)
            ok[q] = 1;
        else if (r != SAL_EFAIL)
            rc = r;
    }
    saltelli_free(&s);
    free(sy.y);
    if (rc == SAL_OK && stopped)
        return SAL_EINTR;
    return rc;
}

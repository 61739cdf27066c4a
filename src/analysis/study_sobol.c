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

int sal_study_sobol(const sal_model *m, const size_t *metrics, size_t nmetrics,
                    const sal_study_opts *o, sal_sobol_indices *out, int *ok,
                    int (*progress)(void *, uint64_t, uint64_t), void *ctx, sal_diags *diags)
{
    size_t k = m->nuncertain, n = (size_t)o->sobol_base, w = k + 2, nm = m->nmetrics;
    size_t day = (size_t)m->horizon;
    for (size_t q = 0; q < nmetrics; q++) {
        memset(&out[q], 0, sizeof out[q]);
        ok[q] = 0;
    }
    if (k == 0 || n < 2 || n > SAL_SOBOL_MAX_BASE)
        return SAL_EINPUT;
    double *a = malloc(n * k * sizeof *a), *b = malloc(n * k * sizeof *b);
    double *y = malloc(n * w * (nmetrics ? nmetrics : 1) * sizeof *y);
    int nt = o->threads > 0 ? o->threads : omp_get_max_threads();
    sal_run **ws = calloc((size_t)nt, sizeof *ws);
    double *xs = malloc((size_t)nt * k * sizeof *xs);
    gsl_rng **rs = calloc((size_t)nt, sizeof *rs);
    int rc = a && b && y && ws && xs && rs ? SAL_OK : SAL_ENOMEM;
    for (int t = 0; rc == SAL_OK && t < nt; t++)
        if (!(ws[t] = sal_run_alloc(m)) || !(rs[t] = sal_rng_alloc(o->seed, 0, SAL_STREAM_STUDY)))
            rc = SAL_ENOMEM;
    if (rc == SAL_OK && k <= SAL_SOBOL_MAX_INPUTS) {
        rc = sal_sobol_design(k, n, a, b);
    } else if (rc == SAL_OK) {
        for (size_t j = 0; j < n; j++) {
            sal_rng_reset(rs[0], o->seed, j, SAL_STREAM_STUDY);
            for (size_t i = 0; i < k; i++)
                a[j * k + i] = gsl_rng_uniform_pos(rs[0]);
            for (size_t i = 0; i < k; i++)
                b[j * k + i] = gsl_rng_uniform_pos(rs[0]);
        }
    }
    for (size_t j = 0; rc == SAL_OK && j < n; j++)
        for (size_t i = 0; i < k; i++) {
            a[j * k + i] = sal_dist_quantile(&m->uncertain[i].dist, a[j * k + i]);
            b[j * k + i] = sal_dist_quantile(&m->uncertain[i].dist, b[j * k + i]);
        }
    /* rows in waves, in order: a stop leaves a prefix of the design done */
    const size_t wave = 64;
    size_t done_rows = 0, failed = SIZE_MAX;
    int stopped = 0;
    for (size_t lo = 0; rc == SAL_OK && lo < n; lo += wave) {
        size_t hi = n - lo < wave ? n : lo + wave;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
        for (size_t j = lo; j < hi; j++) {
            int t = omp_get_thread_num();
            double *x = xs + (size_t)t * k;
            for (size_t e = 0; e < w; e++) {
                row_inputs(k, a + j * k, b + j * k, e, x);
                sal_run_opts ro = {.seed = o->seed, .run = j, .deterministic = 0, .inputs = x, .series = NULL, .event_days = NULL};
                int st = sal_run_exec(ws[t], &ro, NULL);
                const double *series = sal_run_series(ws[t]);
                for (size_t q = 0; q < nmetrics; q++) {
                    double v = series[day * nm + metrics[q]];
                    y[q * n * w + j * w + e] = v;
                    if (st != SAL_OK || !isfinite(v))
                        st = SAL_ERANGE;
                }
                if (st != SAL_OK) {
#pragma omp critical(sal_study_sobol_fail)
                    if (j * w + e < failed)
                        failed = j * w + e;
                    break;
                }
            }
        }
        done_rows = hi;
        if (failed != SIZE_MAX)
            break;
        if (progress && progress(ctx, (uint64_t)(hi * w), (uint64_t)(n * w)) && hi < n) {
            stopped = 1;
            break;
        }
    }
    if (rc == SAL_OK && failed != SIZE_MAX) {
        /* again on one thread, for the engine's diagnostic */
        size_t j = failed / w, e = failed % w;
        double *x = xs;
        row_inputs(k, a + j * k, b + j * k, e, x);
        sal_run_opts ro = {.seed = o->seed, .run = j, .deterministic = 0, .inputs = x, .series = NULL, .event_days = NULL};
        rc = sal_run_exec(ws[0], &ro, diags);
        if (rc == SAL_OK)
            rc = SAL_ERANGE;
        sal_diags_add(diags, m->file ? m->file : "scenario", 0, 0,
                      "the sensitivity run of design row %zu, evaluation %zu failed (%s)", j, e,
                      sal_strstatus(rc));
    }
    /* The rows done are a design too (the first rows of the sequence, or
     * independent rows): estimate on them.  A metric that does not vary has
     * no indices (sal_sobol_estimate: SAL_EFAIL) and is skipped. */
    for (size_t q = 0; rc == SAL_OK && q < nmetrics && done_rows >= 2; q++) {
        /* the rows of metric q lie together: y[q n w + j w + e] */
        int r = sal_sobol_estimate(k, done_rows, y + q * n * w, o->sobol_nboot, o->seed, &out[q]);
        if (r == SAL_OK)
            ok[q] = 1;
        else if (r != SAL_EFAIL)
            rc = r;
    }
    for (int t = 0; t < nt; t++) {
        if (ws)
            sal_run_free(ws[t]);
        if (rs && rs[t])
            gsl_rng_free(rs[t]);
    }
    free(ws);
    free(rs);
    free(xs);
    free(a);
    free(b);
    free(y);
    if (rc == SAL_OK && stopped)
        return SAL_EINTR;
    return rc;
}

/* salient — running a Saltelli design (src/analysis/saltelli.h; the design
 * and its estimators: docs/sensitivity.md, Saltelli et al. 2010). */
#include "analysis/saltelli.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "salient/rng.h"
#include "salient/sobol.h"
#include "salient/study.h"

/* Plain Monte Carlo points beyond SAL_SOBOL_MAX_INPUTS: row r from its own
 * stream.  The estimators need only independent A and B; the price is a
 * slower convergence (error ~ n^-1/2 instead of nearly n^-1), which the
 * bootstrap intervals show. */
static int monte_carlo(const saltelli *s)
{
    size_t k = s->k;
    gsl_rng *g = sal_rng_alloc(s->seed, 0, SAL_STREAM_STUDY);
    if (!g)
        return SAL_ENOMEM;
    for (size_t r = 0; r < s->n; r++) {
        sal_rng_reset(g, s->seed, r, SAL_STREAM_STUDY);
        for (size_t i = 0; i < k; i++)
            s->a[r * k + i] = gsl_rng_uniform_pos(g);
        for (size_t i = 0; i < k; i++)
            s->b[r * k + i] = gsl_rng_uniform_pos(g);
    }
    gsl_rng_free(g);
    return SAL_OK;
}

int saltelli_alloc(saltelli *s)
{
    size_t k = s->k, n = s->n;
    s->failed = SIZE_MAX;
    s->a = malloc(n * k * sizeof *s->a);
    s->b = malloc(n * k * sizeof *s->b);
    s->ws = calloc((size_t)s->nt, sizeof *s->ws);
    s->xs = malloc((size_t)s->nt * k * sizeof *s->xs);
    if (!s->a || !s->b || !s->ws || !s->xs)
        return SAL_ENOMEM;
    for (int t = 0; t < s->nt; t++)
        if (!(s->ws[t] = sal_run_alloc(s->m)))
            return SAL_ENOMEM;
    int rc = k <= SAL_SOBOL_MAX_INPUTS ? sal_sobol_design(k, n, s->a, s->b) : monte_carlo(s);
    if (rc != SAL_OK)
        return rc;
    for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < k; i++) {
            const sal_dist *d = &s->m->uncertain[i].dist;
            s->a[r * k + i] = sal_dist_quantile(d, s->a[r * k + i]);
            s->b[r * k + i] = sal_dist_quantile(d, s->b[r * k + i]);
        }
    return SAL_OK;
}

void saltelli_free(saltelli *s)
{
    for (int t = 0; s->ws && t < s->nt; t++)
        sal_run_free(s->ws[t]);
    free(s->ws);
    free(s->xs);
    free(s->a);
    free(s->b);
    s->ws = NULL;
    s->xs = s->a = s->b = NULL;
}

void saltelli_inputs(const saltelli *s, size_t r, size_t e, double *x)
{
    const double *xa = s->a + r * s->k, *xb = s->b + r * s->k;
    memcpy(x, e == 1 ? xb : xa, s->k * sizeof *x);
    if (e >= 2)
        x[e - 2] = xb[e - 2];
}

/* Row r on thread t: its evaluations in order until one fails, which lowers
 * s->failed to its slot. */
static void run_row(saltelli *s, int t, size_t r)
{
    size_t w = s->w;
    double *x = s->xs + (size_t)t * s->k;
    for (size_t e = 0; e < w; e++) {
        saltelli_inputs(s, r, e, x);
        if (s->eval(s, s->ws[t], r, e, x) != SAL_OK) {
#pragma omp critical(sal_saltelli_fail)
            if (r * w + e < s->failed) {
                /* atomic, as other threads read it outside the critical section */
#pragma omp atomic write
                s->failed = r * w + e;
            }
            return;
        }
    }
}

/* Rows lo .. hi - 1 on the threads; a row after one that failed is not run
 * (the lowest failure is the one reported). */
static void run_rows(saltelli *s, size_t lo, size_t hi)
{
#pragma omp parallel for num_threads(s->nt) schedule(dynamic, 4)
    for (size_t r = lo; r < hi; r++) {
        size_t f;
#pragma omp atomic read
        f = s->failed;
        if (f < r * s->w)
            continue;
        run_row(s, omp_get_thread_num(), r);
    }
}

size_t saltelli_run(saltelli *s, int (*progress)(void *, uint64_t, uint64_t), void *pctx,
                    int *stopped)
{
    size_t n = s->n, w = s->w, done = 0;
    *stopped = 0;
    for (size_t lo = 0; lo < n; lo += s->wave) {
        size_t hi = n - lo < s->wave ? n : lo + s->wave;
        run_rows(s, lo, hi);
        done = hi;
        if (s->failed != SIZE_MAX)
            break;
        if (progress && progress(pctx, (uint64_t)(hi * w), (uint64_t)(n * w)) && hi < n) {
            *stopped = 1;
            break;
        }
    }
    return done;
}

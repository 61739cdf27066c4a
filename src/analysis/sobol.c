/* salient — Sobol' indices from a Saltelli design (see salient/sobol.h and
 * docs/sensitivity.md).
 *
 * Determinism: every model output goes to its own slot y[row, matrix], so
 * the threads' schedule cannot change a value; every sum runs over rows in
 * row order on one thread; every bootstrap replicate draws from its own
 * counter-based stream.  The bytes of the result therefore do not depend on
 * the number of threads. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <omp.h>

#include "salient/dist.h"
#include "salient/engine.h"
#include "salient/rng.h"
#include "salient/sobol.h"
#include "analysis/saltelli.h"

int sal_sobol_design(size_t k, size_t n, double *a, double *b)
{
    if (k == 0 || k > SAL_SOBOL_MAX_INPUTS || n == 0 || n > SAL_SOBOL_MAX_BASE || !a || !b)
        return SAL_EINPUT;
    int qmc = k <= SAL_SOBOL_SOBOL_INPUTS;
    gsl_qrng *q = qmc ? gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k)) : NULL;
    gsl_rng *r = qmc ? NULL : sal_rng_alloc(0, 0, SAL_STREAM_SOBOL - 1);
    if (!q && !r)
        return SAL_ENOMEM;
    double v[2 * SAL_SOBOL_MAX_INPUTS];
    /* GSL's sequence starts at its first point after the origin (all 0.5),
     * and past the origin no coordinate of a Sobol' point is 0; the guard
     * only keeps an inverse CDF away from its infinite ends whatever
     * happens. */
    const double tiny = 0x1p-31;
    for (size_t j = 0; j < n; j++) {
        if (q)
            gsl_qrng_get(q, v);
        else
            for (size_t i = 0; i < 2 * k; i++)
                v[i] = gsl_rng_uniform_pos(r);
        for (size_t i = 0; i < 2 * k; i++)
            if (!(v[i] > 0.0))
                v[i] = tiny;
            else if (!(v[i] < 1.0))
                v[i] = 1.0 - tiny;
        memcpy(a + j * k, v, k * sizeof *v);
        memcpy(b + j * k, v + k, k * sizeof *v);
    }
    if (q)
        gsl_qrng_free(q);
    else
        gsl_rng_free(r);
    return SAL_OK;
}

void sal_sobol_indices_clear(sal_sobol_indices *ix)
{
    if (!ix)
        return;
    free(ix->s1);
    free(ix->s1_lo);
    free(ix->s1_hi);
    free(ix->st);
    free(ix->st_lo);
    free(ix->st_hi);
    memset(ix, 0, sizeof *ix);
}

/* The estimators over rows rows[0..n-1] (all rows in order when rows is
 * NULL, else a bootstrap resample drawn from rng), with outputs centred on
 * c: a constant shift leaves every estimator's expectation unchanged but
 * keeps f(B) (f(A_B) - f(A)) from carrying the mean squared into its
 * variance (Saltelli et al. 2010, section 3).  s1 and st get k values;
 * returns V (0 when the output does not vary). */
static double estimate_rows(size_t k, size_t n, const double *y, double c, gsl_rng *rng,
                            double *s1, double *st, double *mean, double *noise)
{
    size_t w = k + 2;
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    for (size_t i = 0; i < k; i++)
        s1[i] = st[i] = 0;
    for (size_t t = 0; t < n; t++) {
        size_t j = rng ? (size_t)gsl_rng_uniform_int(rng, (unsigned long)n) : t;
        const double *r = y + j * w;
        double fa = r[0] - c, fb = r[1] - c;
        sa += fa;
        sb += fb;
        saa += fa * fa;
        sbb += fb * fb;
        sab += fa * fb;
        for (size_t i = 0; i < k; i++) {
            double fab = r[2 + i] - c;
            s1[i] += fb * (fab - fa);
            st[i] += (fa - fab) * (fa - fab);
        }
    }
    double nn = (double)n, s = sa + sb;
    double v = (saa + sbb - s * s / (2 * nn)) / (2 * nn - 1);
    if (mean)
        *mean = c + s / (2 * nn);
    if (!(v > 0) || n < 2) {
        for (size_t i = 0; i < k; i++)
            s1[i] = st[i] = NAN;
        *noise = NAN;
        return 0;
    }
    *noise = (sab / nn - (sa / nn) * (sb / nn)) / v;
    for (size_t i = 0; i < k; i++) {
        s1[i] = s1[i] / nn / v;
        st[i] = st[i] / nn / 2 / v;
    }
    return v;
}

/* Percentile interval of the finite values among x[0..n-1] (sorted in
 * place), by linear interpolation between order statistics. */
static void percentile(double *x, size_t n, double *lo, double *hi)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            x[m++] = x[i];
    if (m == 0) {
        *lo = *hi = NAN;
        return;
    }
    gsl_sort(x, 1, m);
    double tail = (1 - SAL_SOBOL_LEVEL) / 2;
    *lo = gsl_stats_quantile_from_sorted_data(x, 1, m, tail);
    *hi = gsl_stats_quantile_from_sorted_data(x, 1, m, 1 - tail);
}

/* The nboot resamples of the rows, resample b from stream (seed, b)
 * whatever the thread: their indices into bs1, bst (nboot x k) and bnoise;
 * SAL_OK or SAL_ENOMEM. */
static int resample(size_t k, size_t n, const double *y, double c, size_t nboot, uint64_t seed,
                    int threads, double *bs1, double *bst, double *bnoise)
{
    int nomem = 0;
    /* read by the num_threads clause below, which neither analyser sees */
    // cppcheck-suppress unreadVariable
    int nt = threads > 0 ? threads : omp_get_max_threads(); // NOLINT(clang-analyzer-deadcode.DeadStores)
#pragma omp parallel num_threads(nt)
    {
        gsl_rng *g = sal_rng_alloc(seed, 0, SAL_STREAM_SOBOL);
        if (!g) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(static)
        for (size_t b = 0; b < nboot; b++) {
            if (!g)
                continue;
            sal_rng_reset(g, seed, b, SAL_STREAM_SOBOL);
            estimate_rows(k, n, y, c, g, bs1 + b * k, bst + b * k, NULL, &bnoise[b]);
        }
        if (g)
            gsl_rng_free(g);
    }
    return nomem ? SAL_ENOMEM : SAL_OK;
}

/* The bootstrap's percentile intervals into r (its indices set); SAL_OK or
 * SAL_ENOMEM. */
static int bootstrap(size_t k, size_t n, const double *y, double c, size_t nboot, uint64_t seed,
                     int threads, sal_sobol_indices *r)
{
    double *bs1 = malloc(nboot * k * sizeof *bs1), *bst = malloc(nboot * k * sizeof *bst);
    double *col = malloc(nboot * sizeof *col), *bnoise = malloc(nboot * sizeof *bnoise);
    int rc = bs1 && bst && col && bnoise
                 ? resample(k, n, y, c, nboot, seed, threads, bs1, bst, bnoise)
                 : SAL_ENOMEM;
    if (rc == SAL_OK) {
        percentile(bnoise, nboot, &r->noise_lo, &r->noise_hi);
        for (size_t i = 0; i < k; i++) {
            for (size_t b = 0; b < nboot; b++)
                col[b] = bs1[b * k + i];
            percentile(col, nboot, &r->s1_lo[i], &r->s1_hi[i]);
            for (size_t b = 0; b < nboot; b++)
                col[b] = bst[b * k + i];
            percentile(col, nboot, &r->st_lo[i], &r->st_hi[i]);
        }
    }
    free(bs1);
    free(bst);
    free(col);
    free(bnoise);
    return rc;
}

static int estimate(size_t k, size_t n, const double *y, size_t nboot, uint64_t seed,
                    int threads, sal_sobol_indices *out)
{
    memset(out, 0, sizeof *out);
    if (k == 0 || n < 2 || !y || n > SAL_SOBOL_MAX_BASE)
        return SAL_EINPUT;
    size_t w = k + 2;
    for (size_t t = 0; t < n * w; t++)
        if (!isfinite(y[t]))
            return SAL_ERANGE;
    double c = 0;
    for (size_t j = 0; j < n; j++)
        c += y[j * w] + y[j * w + 1];
    c /= 2.0 * (double)n;

    sal_sobol_indices r = {k, n, nboot, 0, 0, NAN, NAN, NAN, NULL, NULL, NULL, NULL, NULL, NULL};
    r.s1 = malloc(k * sizeof *r.s1);
    r.s1_lo = malloc(k * sizeof *r.s1_lo);
    r.s1_hi = malloc(k * sizeof *r.s1_hi);
    r.st = malloc(k * sizeof *r.st);
    r.st_lo = malloc(k * sizeof *r.st_lo);
    r.st_hi = malloc(k * sizeof *r.st_hi);
    int rc = SAL_OK;
    if (!r.s1 || !r.s1_lo || !r.s1_hi || !r.st || !r.st_lo || !r.st_hi) {
        rc = SAL_ENOMEM;
    } else {
        r.variance = estimate_rows(k, n, y, c, NULL, r.s1, r.st, &r.mean, &r.noise);
        r.noise_lo = r.noise_hi = NAN;
        for (size_t i = 0; i < k; i++)
            r.s1_lo[i] = r.s1_hi[i] = r.st_lo[i] = r.st_hi[i] = NAN;
        if (!(r.variance > 0))
            rc = SAL_EFAIL;
        else if (nboot)
            rc = bootstrap(k, n, y, c, nboot, seed, threads, &r);
    }
    if (rc != SAL_OK)
        sal_sobol_indices_clear(&r);
    else
        *out = r;
    return rc;
}

int sal_sobol_estimate(size_t k, size_t n, const double *y, size_t nboot, uint64_t seed,
                       sal_sobol_indices *out)
{
    if (!out)
        return SAL_EINPUT;
    return estimate(k, n, y, nboot, seed, 0, out);
}

static const char *matrix_name(size_t e, char *buf, size_t len)
{
    if (e == 0)
        snprintf(buf, len, "A");
    else if (e == 1)
        snprintf(buf, len, "B");
    else
        snprintf(buf, len, "A_B^(%zu)", e - 1);
    return buf;
}

/* One evaluation: the metric's value, or an engine status. */
static int eval(sal_run *r, const sal_sobol_opts *o, size_t day, size_t nmetrics, uint64_t row,
                const double *x, double *val, sal_diags *diags)
{
    sal_run_opts ro = {.seed = o->seed, .run = row, .deterministic = o->deterministic ? 1 : 0, .inputs = x, .series = NULL, .event_days = NULL};
    int rc = sal_run_exec(r, &ro, diags);
    if (rc != SAL_OK)
        return rc;
    *val = sal_run_series(r)[day * nmetrics + o->metric];
    return isfinite(*val) ? SAL_OK : SAL_ERANGE;
}

/* The options checked against model m; SAL_OK, or SAL_EINPUT with a
 * diagnostic. */
static int check_opts(const sal_model *m, const sal_sobol_opts *o, const char *file,
                      sal_diags *diags)
{
    size_t k = m->nuncertain, n = o->nbase;
    if (k == 0) {
        sal_diags_add(diags, file, 0, 0,
                      "the scenario has no uncertain inputs; expected at least one number "
                      "given as a distribution");
        return SAL_EINPUT;
    }
    if (k > SAL_SOBOL_MAX_INPUTS) {
        sal_diags_add(diags, file, m->uncertain[SAL_SOBOL_MAX_INPUTS].line,
                      m->uncertain[SAL_SOBOL_MAX_INPUTS].col,
                      "%zu uncertain inputs; the Saltelli design handles at most %d (fix the "
                      "others)",
                      k, SAL_SOBOL_MAX_INPUTS);
        return SAL_EINPUT;
    }
    if (o->metric >= m->nmetrics) {
        sal_diags_add(diags, file, 0, 0, "metric %zu out of range; the scenario has %zu", o->metric,
                      m->nmetrics);
        return SAL_EINPUT;
    }
    if (o->day < -1 || o->day > m->horizon) {
        sal_diags_add(diags, file, 0, 0, "day %d out of range; expected 0 to the horizon, %d",
                      o->day, m->horizon);
        return SAL_EINPUT;
    }
    if (n < 2 || n > SAL_SOBOL_MAX_BASE) {
        sal_diags_add(diags, file, 0, 0, "base sample %zu; expected 2 to 2^30", n);
        return SAL_EINPUT;
    }
    return SAL_OK;
}

/* A Saltelli design being run (src/analysis/saltelli.c) for one metric on
 * one day: its outputs. */
typedef struct {
    saltelli s;
    const sal_sobol_opts *o;
    const char *file;
    size_t day;
    double *y;           /* n x w outputs */
} sobol_job;

/* The metric's value of evaluation e of row r into y. */
static int sobol_eval(const saltelli *s, sal_run *ws, size_t r, size_t e, const double *x)
{
    const sobol_job *j = s->ctx;
    return eval(ws, j->o, j->day, s->m->nmetrics, r, x, &j->y[r * s->w + e], NULL);
}

/* The failed run again on one thread, for the engine's diagnostic; its
 * status. */
static int report_failure(sobol_job *j, sal_diags *diags)
{
    const saltelli *s = &j->s;
    size_t r = s->failed / s->w, e = s->failed % s->w;
    double x[SAL_SOBOL_MAX_INPUTS], v = 0;
    char mat[32];
    saltelli_inputs(s, r, e, x);
    int rc = eval(s->ws[0], j->o, j->day, s->m->nmetrics, r, x, &v, diags);
    if (rc == SAL_OK) /* cannot differ from the parallel pass; be safe */
        rc = SAL_EFAIL;
    sal_diags_add(diags, j->file, 0, 0, "the run of design row %zu, matrix %s failed (%s)", r,
                  matrix_name(e, mat, sizeof mat), sal_strstatus(rc));
    if (rc == SAL_ERANGE && !isfinite(v))
        sal_diags_add(diags, j->file, 0, 0, "metric '%s' is %g on day %zu",
                      s->m->metrics[j->o->metric].name, v, j->day);
    return rc;
}

/* The indices of the first rows done; the status, with a diagnostic. */
static int indices(const sobol_job *j, size_t rows, sal_sobol_indices *out, sal_diags *diags)
{
    int rc = estimate(j->s.k, rows, j->y, j->o->nboot, j->o->seed, j->o->threads, out);
    if (rc == SAL_EFAIL)
        sal_diags_add(diags, j->file, 0, 0,
                      "metric '%s' on day %zu does not vary over the design (variance 0); "
                      "its Sobol' indices are undefined",
                      j->s.m->metrics[j->o->metric].name, j->day);
    else if (rc == SAL_ENOMEM)
        sal_diags_add(diags, j->file, 0, 0, "out of memory for the bootstrap");
    return rc;
}

/* The design run and its indices estimated; the status of sal_sobol_run. */
static int run_design(sobol_job *j, sal_sobol_indices *out, sal_diags *diags)
{
    int stopped;
    const sal_sobol_opts *o = j->o;
    size_t rows = saltelli_run(&j->s, o->progress, o->progress_ctx, &stopped);
    if (j->s.failed != SIZE_MAX)
        return report_failure(j, diags);
    if (stopped && rows < 2)
        return SAL_EINTR;
    int rc = indices(j, rows, out, diags);
    return rc == SAL_OK && stopped ? SAL_EINTR : rc;
}

int sal_sobol_run(const sal_model *m, const sal_sobol_opts *o, sal_sobol_indices *out,
                  sal_diags *diags)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!m || !o || !out)
        return SAL_EINPUT;
    const char *file = m->file ? m->file : "scenario";
    int rc = check_opts(m, o, file, diags);
    if (rc != SAL_OK)
        return rc;
    sobol_job j = {.o = o, .file = file,
                   .day = o->day < 0 ? (size_t)m->horizon : (size_t)o->day};
    j.s = (saltelli){.m = m, .k = m->nuncertain, .n = o->nbase, .w = m->nuncertain + 2,
                     .seed = o->seed, .nt = o->threads > 0 ? o->threads : omp_get_max_threads(),
                     .wave = 256, .eval = sobol_eval, .ctx = &j};
    j.y = malloc(j.s.n * j.s.w * sizeof *j.y);
    rc = j.y ? saltelli_alloc(&j.s) : SAL_ENOMEM;
    if (rc == SAL_OK)
        rc = run_design(&j, out, diags);
    saltelli_free(&j.s);
    free(j.y);
    return rc;
}

uint64_t sal_sobol_memory_bound(const sal_model *m, const sal_sobol_opts *o)
{
    double k = (double)m->nuncertain;
    double need = (double)o->nbase * (3 * k + 2) * 8 + (double)o->nboot * (2 * k + 2) * 8 +
                  (double)(1 << 24);
    return need > 1.8e19 ? UINT64_MAX : (uint64_t)need;
}

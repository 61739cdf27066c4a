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
    double *bs1 = nboot ? malloc(nboot * k * sizeof *bs1) : NULL;
    double *bst = nboot ? malloc(nboot * k * sizeof *bst) : NULL;
    double *col = nboot ? malloc(nboot * sizeof *col) : NULL;
    double *bnoise = nboot ? malloc(nboot * sizeof *bnoise) : NULL;
    int rc = SAL_OK;
    if (!r.s1 || !r.s1_lo || !r.s1_hi || !r.st || !r.st_lo || !r.st_hi ||
        (nboot && (!bs1 || !bst || !col || !bnoise))) {
        rc = SAL_ENOMEM;
        goto done;
    }
    r.variance = estimate_rows(k, n, y, c, NULL, r.s1, r.st, &r.mean, &r.noise);
    r.noise_lo = r.noise_hi = NAN;
    if (!(r.variance > 0)) {
        rc = SAL_EFAIL;
        goto done;
    }
    for (size_t i = 0; i < k; i++)
        r.s1_lo[i] = r.s1_hi[i] = r.st_lo[i] = r.st_hi[i] = NAN;
    if (nboot) {
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
        if (nomem) {
            rc = SAL_ENOMEM;
            goto done;
        }
        percentile(bnoise, nboot, &r.noise_lo, &r.noise_hi);
        for (size_t i = 0; i < k; i++) {
            for (size_t b = 0; b < nboot; b++)
                col[b] = bs1[b * k + i];
            percentile(col, nboot, &r.s1_lo[i], &r.s1_hi[i]);
            for (size_t b = 0; b < nboot; b++)
                col[b] = bst[b * k + i];
            percentile(col, nboot, &r.st_lo[i], &r.st_hi[i]);
        }
    }
done:
    free(bs1);
    free(bst);
    free(col);
    free(bnoise);
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

/* The inputs of evaluation e (0 = A, 1 = B, 2 + i = A_B^(i)) of a row. */
static void row_inputs(size_t k, const double *xa, const double *xb, size_t e, double *x)
{
    memcpy(x, e == 1 ? xb : xa, k * sizeof *x);
    if (e >= 2)
        x[e - 2] = xb[e - 2];
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

int sal_sobol_run(const sal_model *m, const sal_sobol_opts *o, sal_sobol_indices *out,
                  sal_diags *diags)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!m || !o || !out)
        return SAL_EINPUT;
    const char *file = m->file ? m->file : "scenario";
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
    size_t w = k + 2, day = o->day < 0 ? (size_t)m->horizon : (size_t)o->day;
    double *a = malloc(n * k * sizeof *a), *b = malloc(n * k * sizeof *b);
    double *y = malloc(n * w * sizeof *y);
    sal_run **ws = NULL;
    double *xs = NULL;
    int rc = SAL_OK, nt_alloc = 0;
    if (!a || !b || !y) {
        rc = SAL_ENOMEM;
        goto done;
    }
    rc = sal_sobol_design(k, n, a, b);
    if (rc != SAL_OK)
        goto done;
    /* Map the unit cube to the inputs once: a and b now hold input values. */
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < k; i++) {
            a[j * k + i] = sal_dist_quantile(&m->uncertain[i].dist, a[j * k + i]);
            b[j * k + i] = sal_dist_quantile(&m->uncertain[i].dist, b[j * k + i]);
        }

    size_t nm = m->nmetrics, failed = SIZE_MAX; /* lowest failing slot j w + e */
    int nt = o->threads > 0 ? o->threads : omp_get_max_threads();
    ws = calloc((size_t)nt, sizeof *ws);
    nt_alloc = ws ? nt : 0;
    xs = malloc((size_t)nt * k * sizeof *xs);
    if (!ws || !xs) {
        rc = SAL_ENOMEM;
        goto done;
    }
    for (int t = 0; t < nt; t++)
        if (!(ws[t] = sal_run_alloc(m))) {
            rc = SAL_ENOMEM;
            goto done;
        }
    /* Rows go in waves, in order, so that a stop leaves a prefix of the
     * design done, and progress is reported from this thread only. */
    const size_t wave = 256;
    size_t done_rows = 0;
    int stopped = 0;
    for (size_t lo = 0; lo < n; lo += wave) {
        size_t hi = n - lo < wave ? n : lo + wave;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 4)
        for (size_t j = lo; j < hi; j++) {
            size_t f;
#pragma omp atomic read
            f = failed;
            if (f < j * w)
                continue; /* a lower row failed: its error is the one reported */
            int t = omp_get_thread_num();
            double *x = xs + (size_t)t * k;
            for (size_t e = 0; e < w; e++) {
                row_inputs(k, a + j * k, b + j * k, e, x);
                if (eval(ws[t], o, day, nm, j, x, &y[j * w + e], NULL) != SAL_OK) {
#pragma omp critical(sal_sobol_fail)
                    if (j * w + e < failed) {
                        /* atomic, as other threads read it outside the critical section */
#pragma omp atomic write
                        failed = j * w + e;
                    }
                    break;
                }
            }
        }
        done_rows = hi;
        if (failed != SIZE_MAX)
            break;
        if (o->progress && o->progress(o->progress_ctx, (uint64_t)(hi * w), (uint64_t)(n * w)) &&
            hi < n) {
            stopped = 1;
            break;
        }
    }
    if (failed != SIZE_MAX) {
        /* Again on one thread, for the engine's diagnostic. */
        size_t j = failed / w, e = failed % w;
        double x[SAL_SOBOL_MAX_INPUTS], v = 0;
        char mat[32];
        row_inputs(k, a + j * k, b + j * k, e, x);
        rc = eval(ws[0], o, day, nm, j, x, &v, diags);
        if (rc == SAL_OK) /* cannot differ from the parallel pass; be safe */
            rc = SAL_EFAIL;
        sal_diags_add(diags, file, 0, 0,
                      "the run of design row %zu, matrix %s failed (%s)", j,
                      matrix_name(e, mat, sizeof mat), sal_strstatus(rc));
        if (rc == SAL_ERANGE && !isfinite(v))
            sal_diags_add(diags, file, 0, 0, "metric '%s' is %g on day %zu",
                          m->metrics[o->metric].name, v, day);
        goto done;
    }
    if (stopped && done_rows < 2) {
        rc = SAL_EINTR;
        goto done;
    }
    rc = estimate(k, done_rows, y, o->nboot, o->seed, o->threads, out);
    if (rc == SAL_EFAIL)
        sal_diags_add(diags, file, 0, 0,
                      "metric '%s' on day %zu does not vary over the design (variance 0); "
                      "its Sobol' indices are undefined",
                      m->metrics[o->metric].name, day);
    else if (rc == SAL_ENOMEM)
        sal_diags_add(diags, file, 0, 0, "out of memory for the bootstrap");
    if (rc == SAL_OK && stopped)
        rc = SAL_EINTR;
done:
    if (ws)
        for (int t = 0; t < nt_alloc; t++)
            sal_run_free(ws[t]);
    free(ws);
    free(xs);
    free(a);
    free(b);
    free(y);
    return rc;
}

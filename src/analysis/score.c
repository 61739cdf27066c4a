/* salient — proper scores of a forecast against reports (salient/score.h,
 * docs/scores.md): the weighted fair CRPS in its sorted O(n log n) form,
 * interval, Brier and log scores, and the quantiles and PIT of a mixture
 * forecast by exact evaluation of its CDF and bisection. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>

#include "salient/base.h"
#include "salient/score.h"

/* The pair term of the fair CRPS, sorted: with the members in increasing
 * order and W_j the weight strictly before member j (weights summing to 1),
 *     1/2 sum_{i != j} w_i w_j |x_i - x_j| = sum_{i < j} w_i w_j (x_j - x_i)
 *         = sum_j w_j x_j (W_j - (1 - W_j - w_j)),
 * each member counted with the weight below it minus the weight above. */
static double pair_term(const double *xs, const double *ws, size_t n)
{
    double below = 0, s = 0;
    for (size_t j = 0; j < n; j++) {
        double above = 1 - below - ws[j];
        s += ws[j] * xs[j] * (below - above);
        below += ws[j];
    }
    return s;
}

double sal_crps_fair(const double *x, const double *w, size_t n, double y)
{
    if (n < 2 || !x || !isfinite(y))
        return NAN;
    double *xs = malloc(2 * n * sizeof *xs);
    if (!xs)
        return NAN;
    double *ws = xs + n, wsum = 0;
    for (size_t i = 0; i < n; i++) {
        xs[i] = x[i];
        ws[i] = w ? w[i] : 1.0;
        if (!(ws[i] >= 0) || !isfinite(x[i])) {
            free(xs);
            return NAN;
        }
        wsum += ws[i];
    }
    double a = 0, w2 = 0;
    for (size_t i = 0; i < n; i++) {
        ws[i] /= wsum;
        a += ws[i] * fabs(xs[i] - y);
        w2 += ws[i] * ws[i];
    }
    /* GSL sorts the members and carries their weights along */
    gsl_sort2(xs, 1, ws, 1, n);
    double b = pair_term(xs, ws, n);
    free(xs);
    if (!(1 - w2 > 1e-12))
        return NAN;
    return a - b / (1 - w2);
}

double sal_interval_score(double lo, double hi, double y, double alpha)
{
    double s = hi - lo;
    if (y < lo)
        s += 2 / alpha * (lo - y);
    if (y > hi)
        s += 2 / alpha * (y - hi);
    return s;
}

double sal_brier_score(double p, int happened)
{
    double d = p - (happened ? 1.0 : 0.0);
    return d * d;
}

double sal_log_score(double p, size_t n)
{
    double e = 1.0 / (2.0 * (double)(n ? n : 1));
    if (p < e)
        p = e;
    if (p > 1 - e)
        p = 1 - e;
    return -log(p);
}

/* ---- the mixture forecast ----------------------------------------------- */

double sal_mixture_cdf(const sal_mixture *f, double y)
{
    double s = 0, wsum = 0;
    for (size_t i = 0; i < f->n; i++) {
        double w = f->w ? f->w[i] : 1.0;
        if (w > 0)
            s += w * f->cdf(f->ctx, i, y);
        wsum += w;
    }
    return wsum > 0 ? s / wsum : NAN;
}

/* Widens [lo, hi] around guess by doubling steps until F(lo) < p <= F(hi);
 * 0 when found. */
static int bracket(const sal_mixture *f, double p, double guess, double *lo, double *hi)
{
    double step = fmax(1.0, fabs(guess));
    double a = guess, b = guess;
    while (sal_mixture_cdf(f, b) < p) {
        a = b;
        b = guess + step;
        step *= 2;
        if (!(fabs(b) < 1e300))
            return -1;
    }
    step = fmax(1.0, fabs(guess));
    while (!(sal_mixture_cdf(f, a) < p)) {
        b = a;
        a = guess - step;
        step *= 2;
        if (!(fabs(a) < 1e300))
            return -1;
    }
    *lo = a;
    *hi = b;
    return 0;
}

double sal_mixture_quantile(const sal_mixture *f, double p, double guess)
{
    if (!(p > 0 && p < 1) || !isfinite(guess))
        return NAN;
    double lo, hi;
    if (bracket(f, p, guess, &lo, &hi) != 0)
        return NAN;
    /* invariant F(lo) < p <= F(hi): the answer is in (lo, hi] */
    for (int it = 0; it < 200 && hi - lo > 1e-9 * fmax(1.0, fabs(hi)); it++) {
        double mid = lo + (hi - lo) / 2;
        if (sal_mixture_cdf(f, mid) < p)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

/* ---- one report ---------------------------------------------------------- */

static void blank(sal_score_row *o)
{
    double nan = NAN;
    *o = (sal_score_row){nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, -1, -1};
}

/* A guess inside the forecast's support: the weighted median of the draws,
 * else 0. */
static double support_guess(const sal_mixture *f, const double *draws)
{
    if (!draws || f->n == 0)
        return 0;
    double *xs = malloc(f->n * sizeof *xs);
    if (!xs)
        return draws[0];
    memcpy(xs, draws, f->n * sizeof *xs);
    gsl_sort(xs, 1, f->n);
    double g = xs[f->n / 2];
    free(xs);
    return isfinite(g) ? g : 0;
}

int sal_score_numeric(const sal_mixture *f, const double *draws, sal_report_kind k, double lo,
                      double hi, sal_score_row *o)
{
    blank(o);
    if (!f || f->n == 0 || k == SAL_REPORT_EVENT || (k == SAL_REPORT_RANGE && !(lo <= hi)))
        return SAL_EINPUT;
    double g = support_guess(f, draws);
    double *q[5] = {&o->q05, &o->q25, &o->q50, &o->q75, &o->q95};
    static const double ps[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (int i = 0; i < 5; i++)
        *q[i] = sal_mixture_quantile(f, ps[i], g);
    if (k == SAL_REPORT_VALUE) {
        double y = lo;
        o->pit_lo = o->pit_hi = sal_mixture_cdf(f, y);
        o->crps = draws ? sal_crps_fair(draws, f->w, f->n, y) : NAN;
        o->is50 = sal_interval_score(o->q25, o->q75, y, 0.5);
        o->is90 = sal_interval_score(o->q05, o->q95, y, 0.1);
        o->in50 = y >= o->q25 && y <= o->q75;
        o->in90 = y >= o->q05 && y <= o->q95;
        return SAL_OK;
    }
    /* censored: the PIT is the interval the report's figure lies in, and
     * what was reported is the event "the figure lies in [lo, hi]" */
    o->pit_lo = k == SAL_REPORT_AT_MOST ? 0.0 : sal_mixture_cdf(f, lo);
    o->pit_hi = k == SAL_REPORT_AT_LEAST ? 1.0 : sal_mixture_cdf(f, hi);
    o->prob = fmax(0.0, o->pit_hi - o->pit_lo);
    o->log_score = sal_log_score(o->prob, f->n);
    o->brier = sal_brier_score(o->prob, 1);
    return SAL_OK;
}

void sal_score_event(double p, size_t n, sal_score_row *o)
{
    blank(o);
    o->prob = p;
    o->log_score = sal_log_score(p, n);
    o->brier = sal_brier_score(p, 1);
}

/* ---- an ensemble's runs --------------------------------------------------- */

uint64_t sal_run_paths_bytes(size_t nruns, size_t ncols, size_t nevents)
{
    return (uint64_t)sizeof(sal_run_paths) + (uint64_t)nruns * (8 + 8 + 8 * ncols + 8 * nevents) +
           (uint64_t)ncols * 8;
}

sal_run_paths *sal_run_paths_alloc(size_t nruns, size_t ncols, size_t nevents)
{
    sal_run_paths *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->nruns = nruns;
    p->ncols = ncols;
    p->nevents = nevents;
    size_t nr = nruns ? nruns : 1, nc = ncols ? ncols : 1;
    p->run = malloc(nr * sizeof *p->run);
    p->weight = malloc(nr * sizeof *p->weight);
    p->col_metric = malloc(nc * sizeof *p->col_metric);
    p->col_day = malloc(nc * sizeof *p->col_day);
    p->value = nruns > SIZE_MAX / nc / sizeof(double) ? NULL : malloc(nr * nc * sizeof(double));
    p->event_day = malloc(nr * (nevents ? nevents : 1) * sizeof(double));
    if (!p->run || !p->weight || !p->col_metric || !p->col_day || !p->value || !p->event_day) {
        sal_run_paths_free(p);
        return NULL;
    }
    for (size_t i = 0; i < nruns; i++) {
        p->run[i] = i;
        p->weight[i] = 1.0 / (double)nruns;
    }
    for (size_t i = 0; i < nruns * ncols; i++)
        p->value[i] = NAN;
    for (size_t i = 0; i < nruns * nevents; i++)
        p->event_day[i] = -1;
    return p;
}

void sal_run_paths_free(sal_run_paths *p)
{
    if (!p)
        return;
    free(p->run);
    free(p->weight);
    free(p->col_metric);
    free(p->col_day);
    free(p->value);
    free(p->event_day);
    free(p);
}

long sal_run_paths_col(const sal_run_paths *p, uint32_t k, int32_t d)
{
    for (size_t c = 0; c < p->ncols; c++)
        if (p->col_metric[c] == k && p->col_day[c] == d)
            return (long)c;
    return -1;
}

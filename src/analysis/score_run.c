/* salient — an ensemble's runs scored against an observations file
 * (salient/score.h, docs/scores.md).  Each report's forecast is the
 * mixture, over the runs and over the report's bias prior, of the
 * distribution of the reported figure given the run: F(y) = sum_i w_i
 * sum_j v_j F(y | truth_i, bias_j), the bias nodes b_j = exp(mu + sigma
 * x_j) and weights v_j those of Gauss-Hermite quadrature for a standard
 * normal x (GSL's fixed-point rules).  Reports are independent: scored in
 * parallel, each with its own buffers and random stream. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>

#include "salient/date.h"
#include "salient/obs.h"
#include "salient/rng.h"
#include "salient/score.h"

/* One report's forecast: run i's series rebuilt from its path columns in a
 * scratch buffer (NaN elsewhere) before each call into the observation
 * model, which reads only the days sal_obs_truth_days names. */
typedef struct {
    const sal_obs_set *o;
    const sal_model *m;
    const sal_run_paths *p;
    const char *obs_path;    /* for messages */
    size_t report;
    size_t ndays;
    double *series;          /* ndays x nmetrics, scratch */
    int32_t *events;         /* nevents, scratch */
    size_t ncols;
    long cols[2];            /* the path columns the report reads */
    int32_t days[2];
    uint32_t metric;
    double *bias;            /* nbias values, all 1 but the report's own */
    int bi;                  /* the report's bias index, -1: none */
    size_t nnodes;
    double *node_bias;       /* the report's bias at each node: exp(mu + sigma x_j) */
    const double *node_x, *node_w; /* the standard normal's nodes and weights */
} fc;

static void load_run(fc *f, size_t i)
{
    const sal_run_paths *p = f->p;
    size_t nm = f->m->nmetrics;
    for (size_t k = 0; k < f->ncols; k++)
        f->series[(size_t)f->days[k] * nm + f->metric] = p->value[i * p->ncols + (size_t)f->cols[k]];
    for (size_t e = 0; e < p->nevents; e++) {
        double d = p->event_day[i * p->nevents + e];
        f->events[e] = d >= 0 ? (int32_t)d : -1;
    }
}

/* F(y | run i): the bias integrated over its nodes. */
static double run_cdf(void *ctx, size_t i, double y)
{
    fc *f = ctx;
    load_run(f, i);
    if (f->bi < 0)
        return sal_obs_cdf(f->o, f->report, y, f->series, f->ndays, f->events, f->bias);
    double s = 0;
    for (size_t j = 0; j < f->nnodes; j++) {
        f->bias[f->bi] = f->node_bias[j];
        s += f->node_w[j] * sal_obs_cdf(f->o, f->report, y, f->series, f->ndays, f->events,
                                        f->bias);
    }
    f->bias[f->bi] = 1;
    return s;
}

/* The probability of what an event report said, given run i: 1 - p when
 * it is true of the run, p (the misreport probability) when not. */
static double run_event_prob(fc *f, size_t i)
{
    load_run(f, i);
    return exp(sal_obs_loglik_one(f->o, f->report, f->series, f->ndays, f->events, f->bias));
}

/* Gauss-Hermite nodes and weights for E[g(X)], X ~ N(0, 1): GSL's rule
 * for the weight exp(-x^2 / 2), weights normalised to sum 1. */
static int hermite(size_t n, double *x, double *w)
{
    gsl_integration_fixed_workspace *ws =
        gsl_integration_fixed_alloc(gsl_integration_fixed_hermite, n, 0.0, 0.5, 0.0, 0.0);
    if (!ws)
        return SAL_ENOMEM;
    const double *nx = gsl_integration_fixed_nodes(ws), *nw = gsl_integration_fixed_weights(ws);
    double s = 0;
    for (size_t j = 0; j < n; j++)
        s += nw[j];
    for (size_t j = 0; j < n; j++) {
        x[j] = nx[j];
        w[j] = nw[j] / s;
    }
    gsl_integration_fixed_free(ws);
    return SAL_OK;
}

/* The path columns report i reads; SAL_EINPUT (named) when one is missing. */
static int find_columns(fc *f, sal_diags *diags)
{
    const sal_obs_set *o = f->o;
    size_t i = f->report;
    f->ncols = sal_obs_truth_days(o, i, f->days);
    f->metric = (uint32_t)sal_obs_index(o, i);
    for (size_t k = 0; k < f->ncols; k++) {
        f->cols[k] = sal_run_paths_col(f->p, f->metric, f->days[k]);
        if (f->cols[k] < 0) {
            int line, col;
            char date[16];
            sal_obs_pos(o, i, &line, &col);
            sal_date_format(sal_date_to_days(f->m->start_year, f->m->start_month,
                                             f->m->start_day) + f->days[k], date);
            sal_diags_add(diags, f->obs_path, line, col,
                          "report '%s' needs %s on %s, which the ensemble's runs did not keep; "
                          "run the ensemble with --observations FILE (or --series %s and that "
                          "date in --dates)",
                          sal_obs_label(o, i), sal_obs_metric(o, i), date, sal_obs_metric(o, i));
            return SAL_EINPUT;
        }
    }
    return SAL_OK;
}

/* One draw of the reported figure per run, for the CRPS. */
static int draws_of(fc *f, uint64_t seed, double *x)
{
    gsl_rng *g = sal_rng_alloc(seed, f->report, SAL_SCORE_STREAM);
    if (!g)
        return SAL_ENOMEM;
    size_t nb = sal_obs_nbias(f->o);
    for (size_t i = 0; i < f->p->nruns; i++) {
        load_run(f, i);
        if (f->bi >= 0) {
            double mu, sigma;
            sal_obs_bias_prior(f->o, (size_t)f->bi, &mu, &sigma);
            f->bias[f->bi] = exp(mu + gsl_ran_gaussian(g, sigma));
        }
        x[i] = sal_obs_draw(f->o, f->report, f->series, f->ndays, f->events, nb ? f->bias : NULL,
                            g);
    }
    if (f->bi >= 0)
        f->bias[f->bi] = 1;
    gsl_rng_free(g);
    return SAL_OK;
}

static sal_report_kind kind_of(int k)
{
    switch (k) {
    case SAL_OBS_AT_LEAST: return SAL_REPORT_AT_LEAST;
    case SAL_OBS_AT_MOST: return SAL_REPORT_AT_MOST;
    case SAL_OBS_RANGE: return SAL_REPORT_RANGE;
    case SAL_OBS_EVENT: return SAL_REPORT_EVENT;
    default: return SAL_REPORT_VALUE;
    }
}

/* Scores report f->report into *row. */
static int score_one(fc *f, const sal_score_opts *opts, double *x, sal_score_report *row,
                     sal_diags *diags)
{
    const sal_obs_set *o = f->o;
    size_t i = f->report, n = f->p->nruns;
    row->report = i;
    row->test = sal_obs_reported_day(o, i) > opts->as_of;
    if (sal_obs_is_event(o, i)) {
        double p = 0;
        for (size_t r = 0; r < n; r++)
            p += f->p->weight[r] * run_event_prob(f, r);
        sal_score_event(p, n, &row->s);
        return SAL_OK;
    }
    int rc = find_columns(f, diags);
    if (rc != SAL_OK)
        return rc;
    f->bi = sal_obs_bias_index(o, i);
    if (f->bi >= 0) {
        double mu, sigma;
        sal_obs_bias_prior(o, (size_t)f->bi, &mu, &sigma);
        for (size_t j = 0; j < f->nnodes; j++)
            f->node_bias[j] = exp(mu + sigma * f->node_x[j]);
    }
    rc = draws_of(f, opts->seed, x);
    if (rc != SAL_OK)
        return rc;
    sal_mixture mix = {n, f->p->weight, run_cdf, f};
    return sal_score_numeric(&mix, x, kind_of(sal_obs_kind(o, i)), sal_obs_lo(o, i),
                             sal_obs_hi(o, i), &row->s);
}

/* A thread's buffers. */
typedef struct {
    double *series, *bias, *x, *node_bias;
    int32_t *events;
} bufs;

static void bufs_free(bufs *b)
{
    free(b->series);
    free(b->bias);
    free(b->x);
    free(b->node_bias);
    free(b->events);
}

static int bufs_alloc(bufs *b, const sal_model *m, const sal_obs_set *o, const sal_run_paths *p,
                      size_t nnodes)
{
    size_t ndays = (size_t)m->horizon + 1, nm = m->nmetrics ? m->nmetrics : 1;
    size_t nb = sal_obs_nbias(o);
    memset(b, 0, sizeof *b);
    b->series = malloc(ndays * nm * sizeof *b->series);
    b->bias = malloc((nb ? nb : 1) * sizeof *b->bias);
    b->x = malloc((p->nruns ? p->nruns : 1) * sizeof *b->x);
    b->node_bias = malloc(nnodes * sizeof *b->node_bias);
    b->events = malloc((p->nevents ? p->nevents : 1) * sizeof *b->events);
    if (!b->series || !b->bias || !b->x || !b->node_bias || !b->events)
        return SAL_ENOMEM;
    for (size_t k = 0; k < ndays * nm; k++)
        b->series[k] = NAN;
    for (size_t k = 0; k < nb; k++)
        b->bias[k] = 1;
    return SAL_OK;
}

int sal_score_reports(const sal_model *m, const sal_obs_set *o, const sal_run_paths *p,
                      const sal_score_opts *opts, sal_score_report *rows, sal_diags *diags)
{
    size_t nr = sal_obs_count(o);
    size_t nnodes = opts->bias_nodes ? opts->bias_nodes : 16;
    if (!p || p->nruns < 2)
        return SAL_EINPUT;
    double *ux = malloc(2 * nnodes * sizeof *ux);
    if (!ux || hermite(nnodes, ux, ux + nnodes) != SAL_OK) {
        free(ux);
        return SAL_ENOMEM;
    }
    /* no idle threads with their buffers: at most one per report (read by
     * num_threads below, which the analysers do not see) */
    int T = opts->threads > 0 ? opts->threads : omp_get_max_threads();
    T = (size_t)T > nr ? (nr ? (int)nr : 1) : T; // NOLINT(clang-analyzer-deadcode.DeadStores)
    int status = SAL_OK;
    size_t failed = nr; /* the lowest failing report: its diagnostic, whatever the threads */
#pragma omp parallel num_threads(T)
    {
        bufs b;
        int rc = bufs_alloc(&b, m, o, p, nnodes);
        sal_diags *mine = sal_diags_alloc();
        size_t myfail = nr;
        int myrc = rc == SAL_OK && mine ? SAL_OK : SAL_ENOMEM;
#pragma omp for schedule(dynamic, 1)
        for (size_t i = 0; i < nr; i++) {
            if (myrc != SAL_OK || myfail < nr)
                continue;
            fc f = {.o = o, .m = m, .p = p, .obs_path = opts->obs_path, .report = i, .ndays = (size_t)m->horizon + 1,
                    .series = b.series, .events = b.events, .bias = b.bias, .bi = -1,
                    .nnodes = nnodes, .node_bias = b.node_bias, .node_x = ux,
                    .node_w = ux + nnodes};
            memset(&rows[i], 0, sizeof rows[i]);
            int r = score_one(&f, opts, b.x, &rows[i], mine);
            if (r == SAL_EINPUT)
                myfail = i;
            else if (r != SAL_OK)
                myrc = r;
        }
#pragma omp critical
        {
            if (myrc != SAL_OK && status == SAL_OK)
                status = myrc;
            if (myfail < failed) {
                failed = myfail;
                status = status == SAL_OK || status == SAL_EINPUT ? SAL_EINPUT : status;
            }
        }
        sal_diags_free(mine);
        bufs_free(&b);
    }
    free(ux);
    if (status == SAL_EINPUT && failed < nr) {
        /* the lowest failing report's message, found again on this thread */
        fc f = {.o = o, .m = m, .p = p, .obs_path = opts->obs_path, .report = failed};
        find_columns(&f, diags);
    }
    return status;
}

/* ---- the summary ---------------------------------------------------------- */

/* Means kept as sums and counts. */
typedef struct {
    size_t reports, values, probs, in50, in90, ncrps, nref;
    double crps, crps_ref, is50, is90, logs, brier;
} acc;

static void acc_add(acc *a, const sal_score_report *r, const sal_score_report *ref)
{
    const sal_score_row *s = &r->s;
    a->reports++;
    if (s->in50 >= 0) {
        a->values++;
        a->in50 += (size_t)s->in50;
        a->in90 += (size_t)s->in90;
        a->is50 += s->is50;
        a->is90 += s->is90;
        if (isfinite(s->crps) && (!ref || isfinite(ref->s.crps))) {
            a->ncrps++;
            a->crps += s->crps;
            if (ref) {
                a->nref++;
                a->crps_ref += ref->s.crps;
            }
        }
    }
    if (isfinite(s->log_score)) {
        a->probs++;
        a->logs += s->log_score;
        a->brier += s->brier;
    }
}

static sal_score_summary acc_row(const acc *a, const char *metric, int test)
{
    double nv = (double)a->values, np = (double)a->probs, nc = (double)a->ncrps;
    sal_score_summary r = {metric, test, a->reports, a->values, a->probs, NAN, NAN, NAN,
                           NAN,    NAN,  NAN,        NAN,       NAN,      NAN};
    if (a->values) {
        r.coverage50 = (double)a->in50 / nv;
        r.coverage90 = (double)a->in90 / nv;
        r.is50 = a->is50 / nv;
        r.is90 = a->is90 / nv;
    }
    if (a->ncrps)
        r.crps = a->crps / nc;
    if (a->nref) {
        r.crps_reference = a->crps_ref / (double)a->nref;
        r.crps_skill = r.crps_reference > 0 ? 1 - r.crps / r.crps_reference : NAN;
    }
    if (a->probs) {
        r.log_score = a->logs / np;
        r.brier = a->brier / np;
    }
    return r;
}

int sal_score_summarise(const sal_obs_set *o, const sal_score_report *rows,
                        const sal_score_report *ref, sal_score_summary **out, size_t *n)
{
    size_t nr = sal_obs_count(o);
    /* at most one row per report and set, and two overall rows */
    sal_score_summary *s = malloc((nr + 2) * sizeof *s);
    if (!s)
        return SAL_ENOMEM;
    size_t k = 0;
    for (int test = 0; test <= 1; test++) {
        acc all = {0};
        for (size_t i = 0; i < nr; i++) {
            if (rows[i].test != test)
                continue;
            acc_add(&all, &rows[i], ref ? &ref[i] : NULL);
            const char *name = sal_obs_metric(o, i);
            size_t first = i; /* a metric's row is made at its first report in the set */
            for (size_t j = 0; j < i && first == i; j++)
                if (rows[j].test == test && strcmp(sal_obs_metric(o, j), name) == 0)
                    first = j;
            if (first != i)
                continue;
            acc a = {0};
            for (size_t j = i; j < nr; j++)
                if (rows[j].test == test && strcmp(sal_obs_metric(o, j), name) == 0)
                    acc_add(&a, &rows[j], ref ? &ref[j] : NULL);
            s[k++] = acc_row(&a, name, test);
        }
        if (all.reports) {
            s[k] = acc_row(&all, NULL, test);
            /* CRPS and interval scores of different units are never
             * averaged together */
            s[k].crps = s[k].crps_reference = s[k].crps_skill = NAN;
            s[k].is50 = s[k].is90 = NAN;
            k++;
        }
    }
    *out = s;
    *n = k;
    return SAL_OK;
}

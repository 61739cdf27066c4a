/* Calibration: a scenario, its observations and the engine behind the
 * generic SMC sampler (include/salient/calibrate.h; docs/calibration.md).
 *
 * A particle's coordinates are the model's uncertain inputs (in model order)
 * followed by one bias per bias unknown of the observations.  Its key u is
 * the engine's run index under the calibration's seed: the run of a
 * particle is sal_run_exec(seed, run = u, inputs = theta), stopped after the
 * last day a report made by as_of describes, and
 *
 *   log L(theta, b, u) = sal_obs_loglik(as_of, series, last_day + 1, events, b).
 *
 * Priors: each input's distribution (log densities below; a choice or a
 * fixed input is a discrete coordinate refreshed from its prior), each bias
 * lognormal with the file's median and sigma. */
#include "salient/calibrate.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "salient/dist.h"
#include "salient/engine.h"
#include "salient/rng.h"

/* Streams of the predictive checks (apart from the engine's and the
 * sampler's: see smc.c). */
#define PRED_PRIOR 0xF4000000u
#define PRED_POST 0xF5000000u
#define PRED_BIAS 0xF6000000u

#define LOG_SQRT_2PI 0.91893853320467274178

typedef struct {
    sal_run *r;
    double *series;      /* (horizon + 1) x nmetrics */
    int32_t *ev;
    double *bias;        /* nbias (predictive draws) */
    int failed;
    uint64_t fail_key;
    double *fail_x;
} worker;

struct sal_calib {
    const sal_model *m;
    const sal_obs_set *obs;
    sal_calib_opts o;
    size_t nunc, nbias, dim, nobs;
    sal_smc_coord *coord;
    int32_t as_of, last_day, last_all;
    int threads;
    worker *w;
    sal_smc *smc;
    double *post_in;     /* N x nunc: the posterior's inputs, for sal_calib_posterior */
    uint64_t *post_key;
    const char **names;
};

/* ---- priors ------------------------------------------------------------- */

/* log density of an input's distribution at x (constants included);
 * -INFINITY outside the support.  PERT: a Beta(alpha, beta) on [a, b]
 * (src/base/dist.c gives alpha and beta). */
static double dist_logpdf(const sal_dist *d, double x)
{
    const double *p = d->p;
    switch (d->kind) {
    case SAL_DIST_PERT: {
        double a = p[0], m = p[1], b = p[2];
        if (!(x >= a && x <= b) || !(b > a))
            return -INFINITY;
        double al = 1 + 4 * (m - a) / (b - a), be = 1 + 4 * (b - m) / (b - a);
        double z = (x - a) / (b - a);
        if (z <= 0 || z >= 1)
            return -INFINITY;
        return (al - 1) * log(z) + (be - 1) * log1p(-z) - gsl_sf_lnbeta(al, be) - log(b - a);
    }
    case SAL_DIST_UNIFORM:
        return x >= p[0] && x <= p[1] && p[1] > p[0] ? -log(p[1] - p[0]) : -INFINITY;
    case SAL_DIST_TRIANGULAR: {
        double a = p[0], c = p[1], b = p[2];
        if (!(x > a && x < b))
            return -INFINITY;
        double v = x < c ? 2 * (x - a) / ((b - a) * (c - a)) : x > c ? 2 * (b - x) / ((b - a) * (b - c))
                                                                     : 2 / (b - a);
        return v > 0 ? log(v) : -INFINITY;
    }
    case SAL_DIST_LOGNORMAL: {
        if (!(x > 0))
            return -INFINITY;
        double z = (log(x) - p[0]) / p[1];
        return -log(x) - log(p[1]) - LOG_SQRT_2PI - 0.5 * z * z;
    }
    case SAL_DIST_NORMAL: {
        double z = (x - p[0]) / p[1];
        return -log(p[1]) - LOG_SQRT_2PI - 0.5 * z * z;
    }
    default: return 0; /* discrete: left out (smc.h) */
    }
}

static sal_smc_coord input_coord(const sal_dist *d)
{
    double lo, hi;
    sal_dist_support(d, &lo, &hi);
    switch (d->kind) {
    case SAL_DIST_PERT:
    case SAL_DIST_UNIFORM:
    case SAL_DIST_TRIANGULAR: return (sal_smc_coord){SAL_SMC_BOUNDED, lo, hi};
    case SAL_DIST_LOGNORMAL: return (sal_smc_coord){SAL_SMC_POSITIVE, 0, INFINITY};
    case SAL_DIST_NORMAL: return (sal_smc_coord){SAL_SMC_REAL, -INFINITY, INFINITY};
    default: return (sal_smc_coord){SAL_SMC_DISCRETE, lo, hi};
    }
}

static void cal_prior_draw(void *ctx, gsl_rng *r, double *x)
{
    const sal_calib *c = ctx;
    for (size_t u = 0; u < c->nunc; u++)
        x[u] = sal_dist_sample(&c->m->uncertain[u].dist, r);
    for (size_t k = 0; k < c->nbias; k++) {
        double lm, sg;
        sal_obs_bias_prior(c->obs, k, &lm, &sg);
        x[c->nunc + k] = exp(lm + sg * gsl_ran_gaussian(r, 1.0));
    }
}

static double cal_log_prior(void *ctx, const double *x)
{
    const sal_calib *c = ctx;
    double lp = 0;
    for (size_t u = 0; u < c->nunc; u++)
        if (c->coord[u].kind != SAL_SMC_DISCRETE)
            lp += dist_logpdf(&c->m->uncertain[u].dist, x[u]);
    for (size_t k = 0; k < c->nbias; k++) {
        double lm, sg, b = x[c->nunc + k];
        sal_obs_bias_prior(c->obs, k, &lm, &sg);
        if (!(b > 0))
            return -INFINITY;
        double z = (log(b) - lm) / sg;
        lp += -log(b) - log(sg) - LOG_SQRT_2PI - 0.5 * z * z;
    }
    return lp;
}

static double cal_draw_coord(void *ctx, size_t k, gsl_rng *r)
{
    const sal_calib *c = ctx;
    return sal_dist_sample(&c->m->uncertain[k].dist, r);
}

/* ---- the likelihood: one run to the last reported day ------------------- */

static int cal_loglik(void *ctx, size_t wi, const double *x, uint64_t key, double *ll)
{
    sal_calib *c = ctx;
    worker *w = &c->w[wi];
    sal_run_opts ro = {.seed = c->o.seed, .run = key, .inputs = x, .series = w->series,
                       .event_days = w->ev, .last_day = c->last_day};
    int rc = sal_run_exec(w->r, &ro, NULL);
    if (rc != SAL_OK) {
        if (!w->failed) {
            w->failed = 1;
            w->fail_key = key;
            memcpy(w->fail_x, x, c->dim * sizeof *x);
        }
        return rc;
    }
    *ll = sal_obs_loglik(c->obs, c->as_of, w->series, (size_t)c->last_day + 1, w->ev,
                         c->nbias ? x + c->nunc : NULL);
    if (isnan(*ll))
        *ll = -INFINITY;
    return SAL_OK;
}

/* ---- allocation ---------------------------------------------------------- */

static int workers_alloc(sal_calib *c)
{
    c->w = calloc((size_t)c->threads, sizeof *c->w);
    if (!c->w)
        return SAL_ENOMEM;
    size_t cells = ((size_t)c->m->horizon + 1) * (c->m->nmetrics ? c->m->nmetrics : 1);
    for (int t = 0; t < c->threads; t++) {
        worker *w = &c->w[t];
        w->r = sal_run_alloc(c->m);
        w->series = malloc(cells * sizeof *w->series);
        w->ev = malloc((c->m->nevents + 1) * sizeof *w->ev);
        w->bias = malloc((c->nbias + 1) * sizeof *w->bias);
        w->fail_x = malloc((c->dim + 1) * sizeof *w->fail_x);
        if (!w->r || !w->series || !w->ev || !w->bias || !w->fail_x)
            return SAL_ENOMEM;
    }
    return SAL_OK;
}

int sal_calib_alloc(const sal_model *m, const sal_obs_set *obs, const sal_calib_opts *o,
                    sal_calib **out, sal_diags *d)
{
    *out = NULL;
    if (!m || !obs || !o)
        return SAL_EINPUT;
    int32_t last = sal_obs_last_day(obs, o->as_of);
    if (last < 0) {
        if (d)
            sal_diags_add(d, m->file, 0, 0, "no report was made on or before the as-of date; "
                          "expected at least one report to calibrate on");
        return SAL_EINPUT;
    }
    if (m->nuncertain + sal_obs_nbias(obs) == 0) {
        if (d)
            sal_diags_add(d, m->file, 0, 0, "the scenario has no uncertain input and the "
                          "reports no bias: there is nothing to calibrate");
        return SAL_EINPUT;
    }
    sal_calib *c = calloc(1, sizeof *c);
    if (!c)
        return SAL_ENOMEM;
    c->m = m;
    c->obs = obs;
    c->o = *o;
    if (!c->o.particles)
        c->o.particles = 1000;
    size_t n = c->o.particles;
    if (!c->o.min_distinct) {
        size_t md = n / 10 > 100 ? n / 10 : 100;
        c->o.min_distinct = md < n / 2 ? md : n / 2;
    }
    c->nunc = m->nuncertain;
    c->nbias = sal_obs_nbias(obs);
    c->dim = c->nunc + c->nbias;
    c->nobs = sal_obs_count(obs);
    c->as_of = o->as_of;
    /* the engine's last_day 0 means the horizon: a calibration on day-0
     * reports runs one more day */
    c->last_day = last < 1 ? (m->horizon < 1 ? m->horizon : 1) : last;
    c->last_all = sal_obs_last_day(obs, INT32_MAX);
    c->threads = o->threads > 0 ? o->threads : omp_get_max_threads();
    c->coord = calloc(c->dim, sizeof *c->coord);
    c->post_in = calloc(n * (c->nunc ? c->nunc : 1), sizeof *c->post_in);
    c->post_key = calloc(n, sizeof *c->post_key);
    c->names = calloc(c->nunc + 1, sizeof *c->names);
    int st = c->coord && c->post_in && c->post_key && c->names ? workers_alloc(c) : SAL_ENOMEM;
    if (st != SAL_OK) {
        sal_calib_free(c);
        return st;
    }
    for (size_t u = 0; u < c->nunc; u++) {
        c->coord[u] = input_coord(&m->uncertain[u].dist);
        c->names[u] = m->uncertain[u].name;
    }
    for (size_t k = 0; k < c->nbias; k++)
        c->coord[c->nunc + k] = (sal_smc_coord){SAL_SMC_POSITIVE, 0, INFINITY};
    sal_smc_model sm = {c->dim, c->coord, 1, c, cal_prior_draw, cal_log_prior, cal_draw_coord,
                        cal_loglik};
    sal_smc_opts so = {n, c->o.seed, c->o.cess_fraction, c->o.min_distinct, c->o.max_sweeps, 0,
                       c->threads, c->o.rank, c->o.ranks, c->o.share, c->o.share_ctx};
    if (!(c->smc = sal_smc_alloc(&sm, &so))) {
        sal_calib_free(c);
        return SAL_ENOMEM;
    }
    *out = c;
    return SAL_OK;
}

void sal_calib_free(sal_calib *c)
{
    if (!c)
        return;
    for (int t = 0; c->w && t < c->threads; t++) {
        sal_run_free(c->w[t].r);
        free(c->w[t].series);
        free(c->w[t].ev);
        free(c->w[t].bias);
        free(c->w[t].fail_x);
    }
    free(c->w);
    sal_smc_free(c->smc);
    free(c->coord);
    free(c->post_in);
    free(c->post_key);
    free(c->names);
    free(c);
}

/* A failed run re-run alone, for its diagnostic. */
static void explain_failure(sal_calib *c, sal_diags *d)
{
    for (int t = 0; t < c->threads; t++) {
        worker *w = &c->w[t];
        if (!w->failed)
            continue;
        if (d) {
            sal_run_opts ro = {.seed = c->o.seed, .run = w->fail_key, .inputs = w->fail_x,
                               .last_day = c->last_day};
            sal_run_exec(w->r, &ro, d);
        }
        break;
    }
    for (int t = 0; t < c->threads; t++)
        c->w[t].failed = 0;
}

int sal_calib_init(sal_calib *c, sal_diags *d)
{
    int st = sal_smc_init(c->smc);
    if (st == SAL_ERANGE || st == SAL_EINPUT)
        explain_failure(c, d);
    return st;
}

int sal_calib_step(sal_calib *c, sal_diags *d)
{
    int st = sal_smc_step(c->smc);
    if (st == SAL_ERANGE || st == SAL_EINPUT)
        explain_failure(c, d);
    return st;
}

int sal_calib_done(const sal_calib *c) { return sal_smc_done(c->smc); }
const sal_smc *sal_calib_smc(const sal_calib *c) { return c->smc; }
size_t sal_calib_min_distinct(const sal_calib *c) { return c->o.min_distinct; }
int32_t sal_calib_last_day(const sal_calib *c) { return c->last_day; }
size_t sal_calib_ninputs(const sal_calib *c) { return c->nunc; }
size_t sal_calib_nbias(const sal_calib *c) { return c->nbias; }
const sal_model *sal_calib_model(const sal_calib *c) { return c->m; }
const sal_obs_set *sal_calib_obs(const sal_calib *c) { return c->obs; }
int32_t sal_calib_as_of(const sal_calib *c) { return c->as_of; }
uint64_t sal_calib_seed(const sal_calib *c) { return c->o.seed; }

int sal_calib_save(const sal_calib *c, FILE *f) { return sal_smc_save(c->smc, f); }
int sal_calib_load(sal_calib *c, FILE *f) { return sal_smc_load(c->smc, f); }

/* The branch day of the forecast: the day after as_of (0: no branch when
 * every report counts). */
static int branch_day(const sal_calib *c)
{
    return c->as_of >= 0 && c->as_of < c->m->horizon ? c->as_of + 1 : 0;
}

void sal_calib_posterior(const sal_calib *c, sal_posterior *p)
{
    /* the arrays are the calibration's: filled here, read by the ensemble */
    size_t n = sal_smc_nparticles(c->smc);
    for (size_t i = 0; i < n; i++) {
        memcpy(c->post_in + i * c->nunc, sal_smc_x(c->smc, i), c->nunc * sizeof(double));
        c->post_key[i] = sal_smc_key(c->smc, i);
    }
    *p = (sal_posterior){.n = n, .ninputs = c->nunc, .names = c->names, .inputs = c->post_in,
                         .keys = c->post_key, .seed = c->o.seed, .branch_day = branch_day(c)};
}

/* ---- predictive checks ---------------------------------------------------- */

/* One predictive run k: prior (inputs and biases from the priors) or
 * posterior (particle k, branched at as_of + 1 onto (fseed, k)); its draw
 * of every report into y[i * n + k] and its CDFs at the reports' bounds
 * into flo/fhi. */
static int predictive_run(sal_calib *c, int post, uint64_t fseed, size_t k, double *y,
                          double *flo, double *fhi)
{
    worker *w = &c->w[omp_get_thread_num()];
    size_t n = sal_smc_nparticles(c->smc);
    gsl_rng *g = sal_rng_alloc(c->o.seed, k, 0);
    if (!g)
        return SAL_ENOMEM;
    const double *bias = w->bias;
    sal_run_opts ro = {.seed = c->o.seed, .run = k, .series = w->series, .event_days = w->ev,
                       .last_day = c->last_all};
    if (post) {
        const double *x = sal_smc_x(c->smc, k);
        ro.inputs = x;
        ro.run = sal_smc_key(c->smc, k);
        ro.branch_day = branch_day(c);
        ro.branch_seed = fseed;
        ro.branch_run = k;
        bias = x + c->nunc;
    } else {
        for (size_t b = 0; b < c->nbias; b++) {
            double lm, sg;
            sal_obs_bias_prior(c->obs, b, &lm, &sg);
            sal_rng_reset(g, c->o.seed, k, PRED_BIAS | (uint32_t)b);
            w->bias[b] = exp(lm + sg * gsl_ran_gaussian(g, 1.0));
        }
    }
    int rc = sal_run_exec(w->r, &ro, NULL);
    size_t nd = (size_t)(c->last_all < 1 ? c->m->horizon : c->last_all) + 1;
    for (size_t i = 0; rc == SAL_OK && i < c->nobs; i++) {
        sal_rng_reset(g, c->o.seed, k, (post ? PRED_POST : PRED_PRIOR) | (uint32_t)i);
        y[i * n + k] = sal_obs_draw(c->obs, i, w->series, nd, w->ev, c->nbias ? bias : NULL, g);
        if (!post)
            continue;
        double lo = sal_obs_lo(c->obs, i), hi = sal_obs_hi(c->obs, i);
        if (sal_obs_kind(c->obs, i) == SAL_OBS_EVENT)
            lo = hi - 0.5;
        flo[i * n + k] = isfinite(lo) ? sal_obs_cdf(c->obs, i, lo, w->series, nd, w->ev,
                                                    c->nbias ? bias : NULL) : 0;
        fhi[i * n + k] = isfinite(hi) ? sal_obs_cdf(c->obs, i, hi, w->series, nd, w->ev,
                                                    c->nbias ? bias : NULL) : 1;
    }
    gsl_rng_free(g);
    return rc;
}

/* The 5%, 50% and 95% quantiles of the finite values of v (sorted in place). */
static void quantiles3(double *v, size_t n, double q[3])
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            v[m++] = v[i];
    if (m == 0) {
        q[0] = q[1] = q[2] = NAN;
        return;
    }
    gsl_sort(v, 1, m);
    q[0] = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.05);
    q[1] = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.5);
    q[2] = gsl_stats_quantile_from_sorted_data(v, 1, m, 0.95);
}

static double mean_finite(const double *v, size_t n)
{
    double s = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            s += v[i], m++;
    return m ? s / (double)m : NAN;
}

int sal_calib_predictive(const sal_calib *cc, uint64_t fseed, sal_calib_check *out,
                         sal_diags *d)
{
    sal_calib *c = (sal_calib *)cc; /* the workers' buffers only */
    size_t n = sal_smc_nparticles(c->smc), no = c->nobs ? c->nobs : 1;
    if (n == 0) /* never (sal_smc_alloc wants 2 or more): j % n below */
        return SAL_EINPUT;
    double *y0 = malloc(no * n * sizeof *y0), *y1 = malloc(no * n * sizeof *y1);
    double *flo = malloc(no * n * sizeof *flo), *fhi = malloc(no * n * sizeof *fhi);
    int st = y0 && y1 && flo && fhi ? SAL_OK : SAL_ENOMEM;
    int *rc = st == SAL_OK ? calloc(2 * n, sizeof *rc) : NULL;
    if (!rc)
        st = SAL_ENOMEM;
    if (st == SAL_OK) {
        /* run j: particle j - n of the posterior from j = n on, else j of
         * the prior (no j % n: the analyser cannot see n > 0 in the loop) */
#pragma omp parallel for schedule(dynamic, 4) num_threads(c->threads)
        for (size_t j = 0; j < 2 * n; j++)
            rc[j] = predictive_run(c, j >= n, fseed, j >= n ? j - n : j, j >= n ? y1 : y0, flo,
                                   fhi);
        for (size_t j = 0; j < 2 * n && st == SAL_OK; j++)
            if (rc[j] != SAL_OK) {
                st = rc[j];
                if (d)
                    sal_diags_add(d, c->m->file, 0, 0, "a %s predictive run (%zu) failed: %s",
                                  j >= n ? "posterior" : "prior", j >= n ? j - n : j,
                                  sal_strstatus(st));
            }
    }
    for (size_t i = 0; st == SAL_OK && i < c->nobs; i++) {
        sal_calib_check *k = &out[i];
        k->pit_lo = mean_finite(flo + i * n, n);
        k->pit_hi = mean_finite(fhi + i * n, n);
        quantiles3(y0 + i * n, n, k->prior);
        quantiles3(y1 + i * n, n, k->post);
        k->fit = sal_obs_reported_day(c->obs, i) <= c->as_of;
        k->cannot = k->pit_hi < 0.01 || k->pit_lo > 0.99;
    }
    free(y0);
    free(y1);
    free(flo);
    free(fhi);
    free(rc);
    return st;
}

/* salient — the runs of a scenario made for scenario discovery: each run's
 * inputs, last-day metrics, event days and chosen metrics on chosen days,
 * on OpenMP threads, each run named by (seed, run) so that the record does
 * not depend on the threads (docs/discover.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "salient/discover.h"
#include "salient/date.h"
#include "salient/engine.h"

/* A copy of n names, name(ctx, i) each; NULL on out of memory. */
static char **copy_names(size_t n, const char *(*name)(const sal_model *, size_t),
                         const sal_model *m)
{
    char **v = calloc(n + 1, sizeof *v);
    for (size_t i = 0; v && i < n; i++) {
        const char *s = name(m, i);
        v[i] = malloc(strlen(s) + 1);
        if (!v[i]) {
            for (size_t k = 0; k < i; k++)
                free(v[k]);
            free(v);
            return NULL;
        }
        strcpy(v[i], s);
    }
    return v;
}

static const char *input_name(const sal_model *m, size_t i)
{
    return m->uncertain[i].name;
}

static const char *metric_name(const sal_model *m, size_t i)
{
    return m->metrics[i].name;
}

static const char *event_name(const sal_model *m, size_t i)
{
    return m->events[i];
}

int sal_disc_runs_init_model(sal_disc_runs *r, const sal_model *m)
{
    memset(r, 0, sizeof *r);
    r->ninputs = m->nuncertain;
    r->nmetrics = m->nmetrics;
    r->nevents = m->nevents;
    r->inputs = copy_names(m->nuncertain, input_name, m);
    r->metrics = copy_names(m->nmetrics, metric_name, m);
    r->events = copy_names(m->nevents, event_name, m);
    r->categorical = calloc(m->nuncertain + 1, sizeof *r->categorical);
    if (!r->inputs || !r->metrics || !r->events || !r->categorical) {
        sal_disc_runs_free(r);
        return SAL_ENOMEM;
    }
    for (size_t j = 0; j < m->nuncertain; j++)
        r->categorical[j] = m->uncertain[j].dist.kind == SAL_DIST_CHOICE;
    r->start = sal_date_to_days(m->start_year, m->start_month, m->start_day);
    r->horizon = m->horizon;
    r->seed = m->seed;
    return SAL_OK;
}

/* Copies run i's record out of the workspace. */
static void keep(sal_disc_runs *r, const sal_run *ws, size_t i)
{
    const sal_model *m = sal_run_model(ws);
    size_t nm = m->nmetrics, nd = sal_run_ndays(ws);
    const double *series = sal_run_series(ws);
    memcpy(r->x + i * r->ninputs, sal_run_inputs(ws), r->ninputs * sizeof *r->x);
    memcpy(r->last + i * nm, series + (nd - 1) * nm, nm * sizeof *r->last);
    const int32_t *ev = sal_run_event_days(ws);
    for (size_t e = 0; e < r->nevents; e++)
        r->event_day[i * r->nevents + e] = ev[e] == SAL_NEVER ? INFINITY : (double)ev[e];
    for (size_t k = 0; k < r->npairs; k++)
        r->pair[i * r->npairs + k] = series[(size_t)r->pair_day[k] * nm + r->pair_metric[k]];
}

static int alloc_data(sal_disc_runs *r, uint64_t runs, const size_t *pm, const int *pd,
                      size_t np)
{
    size_t n = (size_t)runs;
    r->n = n;
    r->npairs = np;
    r->run = malloc((n + 1) * sizeof *r->run);
    r->x = malloc((n * r->ninputs + 1) * sizeof *r->x);
    r->last = malloc((n * r->nmetrics + 1) * sizeof *r->last);
    r->event_day = malloc((n * r->nevents + 1) * sizeof *r->event_day);
    r->pair = malloc((n * np + 1) * sizeof *r->pair);
    r->pair_metric = malloc((np + 1) * sizeof *r->pair_metric);
    r->pair_day = malloc((np + 1) * sizeof *r->pair_day);
    if (!r->run || !r->x || !r->last || !r->event_day || !r->pair || !r->pair_metric ||
        !r->pair_day)
        return SAL_ENOMEM;
    if (np) {
        memcpy(r->pair_metric, pm, np * sizeof *pm);
        memcpy(r->pair_day, pd, np * sizeof *pd);
    }
    for (size_t i = 0; i < n; i++)
        r->run[i] = i;
    return SAL_OK;
}

int sal_disc_runs_simulate(sal_disc_runs *r, const sal_model *m, uint64_t seed, uint64_t runs,
                           int threads, const size_t *pair_metric, const int *pair_day,
                           size_t npairs, sal_diags *diags)
{
    for (size_t k = 0; k < npairs; k++)
        if (pair_metric[k] >= m->nmetrics || pair_day[k] < 0 || pair_day[k] > m->horizon)
            return SAL_EINPUT;
    if (runs == 0 || alloc_data(r, runs, pair_metric, pair_day, npairs) != SAL_OK)
        return runs == 0 ? SAL_EINPUT : SAL_ENOMEM;
    long first_bad = -1;
    int oom = 0;
    /* read by the num_threads clause below, which neither analyser sees */
    // cppcheck-suppress unreadVariable
    int nt = threads > 0 ? threads : omp_get_max_threads(); // NOLINT(clang-analyzer-deadcode.DeadStores)
#pragma omp parallel num_threads(nt)
    {
        sal_run *ws = sal_run_alloc(m);
        if (!ws) {
#pragma omp atomic write
            oom = 1;
        }
#pragma omp for schedule(dynamic, 16)
        for (long i = 0; i < (long)runs; i++) {
            if (!ws)
                continue;
            sal_run_opts o = {seed, (uint64_t)i, 0, NULL, NULL, NULL};
            if (sal_run_exec(ws, &o, NULL) != SAL_OK) {
#pragma omp critical(sal_disc_sim_fail)
                if (first_bad < 0 || i < first_bad)
                    first_bad = i;
                continue;
            }
            keep(r, ws, (size_t)i);
        }
        sal_run_free(ws);
    }
    if (oom)
        return SAL_ENOMEM;
    if (first_bad >= 0) {
        /* the lowest failing run again, for its message */
        sal_run *ws = sal_run_alloc(m);
        sal_run_opts o = {seed, (uint64_t)first_bad, 0, NULL, NULL, NULL};
        if (ws)
            sal_run_exec(ws, &o, diags);
        sal_run_free(ws);
        return SAL_ERANGE;
    }
    return SAL_OK;
}

/* Helpers for the engine tests: scenarios from YAML text, runs, lookups. */
#ifndef SAL_RUNUTIL_H
#define SAL_RUNUTIL_H

#include <math.h>
#include <string.h>

#include "testutil.h"
#include "salient/salient.h"

/* Reads a scenario from text; fails the test (printing the errors) if it
 * does not read. */
static inline sal_model *load_variant(const char *yaml, const char *variant)
{
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    int rc = sal_model_read_buffer(yaml, strlen(yaml), "test.yaml", variant, d, &m);
    if (rc != SAL_OK) {
        char buf[1024];
        for (size_t i = 0; i < sal_diags_count(d); i++) {
            sal_diag_format(sal_diags_get(d, i), buf, sizeof buf);
            print_error("%s\n", buf);
        }
        sal_diags_free(d);
        fail_msg("the test scenario does not read (status %d)", rc);
    }
    sal_diags_free(d);
    return m;
}

static inline sal_model *load(const char *yaml)
{
    return load_variant(yaml, NULL);
}

/* Runs m once in r (allocated by the caller); fails the test on error. */
static inline void exec_ok(sal_run *r, int det, uint64_t seed, uint64_t run)
{
    sal_diags *d = sal_diags_alloc();
    sal_run_opts o = {.seed = seed, .run = run, .deterministic = det, .inputs = NULL, .series = NULL, .event_days = NULL};
    int rc = sal_run_exec(r, &o, d);
    if (rc != SAL_OK) {
        char buf[1024];
        for (size_t i = 0; i < sal_diags_count(d); i++) {
            sal_diag_format(sal_diags_get(d, i), buf, sizeof buf);
            print_error("%s\n", buf);
        }
        sal_diags_free(d);
        fail_msg("the run failed (status %d)", rc);
    }
    sal_diags_free(d);
}

/* A workspace for m with one run done. */
static inline sal_run *run_once(const sal_model *m, int det, uint64_t seed, uint64_t run)
{
    sal_run *r = sal_run_alloc(m);
    assert_non_null(r);
    exec_ok(r, det, seed, run);
    return r;
}

static inline int metric_index(const sal_model *m, const char *name)
{
    for (size_t k = 0; k < m->nmetrics; k++)
        if (strcmp(m->metrics[k].name, name) == 0)
            return (int)k;
    fail_msg("no metric '%s'", name);
    return -1;
}

/* Metric `name` on day `day` of the last run in r. */
static inline double at(const sal_run *r, const char *name, int day)
{
    int k = metric_index(sal_run_model(r), name);
    return sal_run_series(r)[(size_t)day * sal_run_nmetrics(r) + (size_t)k];
}

static inline int event_index(const sal_model *m, const char *name)
{
    for (size_t e = 0; e < m->nevents; e++)
        if (strcmp(m->events[e], name) == 0)
            return (int)e;
    fail_msg("no event '%s'", name);
    return -1;
}

static inline int event_day(const sal_run *r, const char *name)
{
    return sal_run_event_days(r)[event_index(sal_run_model(r), name)];
}

static inline size_t force_index(const sal_model *m, const char *name)
{
    for (size_t f = 0; f < m->nforces; f++)
        if (strcmp(m->forces[f].name, name) == 0)
            return f;
    fail_msg("no force '%s'", name);
    return 0;
}

static inline sal_force_account account(const sal_run *r, const char *force)
{
    sal_force_account a;
    assert_int_equal(sal_run_force(r, force_index(sal_run_model(r), force), &a), SAL_OK);
    return a;
}

/* |x - y| <= rel * max(1, |y|) */
#define assert_rel(x, y, rel)                                                       \
    do {                                                                            \
        double xr_ = (x), yr_ = (y);                                                \
        double tr_ = (rel) * (fabs(yr_) > 1 ? fabs(yr_) : 1);                       \
        if (!(fabs(xr_ - yr_) <= tr_))                                              \
            fail_msg("%s = %.15g, expected %.15g (rel %.2g)", #x, xr_, yr_, (double)(rel)); \
    } while (0)

#endif

/* salient — what 'salient score' reads from an ensemble's results database
 * (salient/score.h): its metadata, its runs' paths and event days, their
 * weights; and the scores it writes back there (salient/scores_out.h). */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salient/date.h"
#include "salient/score.h"

static const char *const hint =
    "expected the results.sqlite of 'salient ensemble ... --series M1,M2' or "
    "'--observations FILE' (docs/scores.md)";

static int open_ro(const char *path, sqlite3 **db)
{
    if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(*db);
        *db = NULL;
        return SAL_EIO;
    }
    return SAL_OK;
}

int sal_results_meta_get(const char *path, const char *key, char *buf, size_t n)
{
    sqlite3 *db;
    if (open_ro(path, &db) != SAL_OK)
        return SAL_EIO;
    sqlite3_stmt *st = NULL;
    int rc = SAL_EINPUT;
    if (sqlite3_prepare_v2(db, "SELECT value FROM metadata WHERE key = ?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
            snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
            rc = SAL_OK;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

/* One integer from a query, or -1. */
static long long one_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int sal_run_paths_size(const char *path, size_t *nruns, size_t *ncols, sal_diags *diags)
{
    sqlite3 *db;
    if (open_ro(path, &db) != SAL_OK) {
        sal_diags_add(diags, path, 0, 0, "cannot open the database; %s", hint);
        return SAL_EINPUT;
    }
    long long r = one_int(db, "SELECT COUNT(DISTINCT run) FROM paths");
    long long c = one_int(db, "SELECT COUNT(*) FROM (SELECT DISTINCT metric, date FROM paths)");
    sqlite3_close(db);
    if (r < 0 || c < 0) {
        sal_diags_add(diags, path, 0, 0, "no paths table; %s", hint);
        return SAL_EINPUT;
    }
    *nruns = (size_t)r;
    *ncols = (size_t)c;
    return SAL_OK;
}

typedef struct {
    const char *path;
    sqlite3 *db;
    const sal_model *m;
    long start;
    sal_run_paths *p;
    sal_diags *diags;
} reader;

static int metric_of(const sal_model *m, const char *name)
{
    for (size_t k = 0; name && k < m->nmetrics; k++)
        if (strcmp(m->metrics[k].name, name) == 0)
            return (int)k;
    return -1;
}

static int event_of(const sal_model *m, const char *name)
{
    for (size_t e = 0; name && e < m->nevents; e++)
        if (strcmp(m->events[e], name) == 0)
            return (int)e;
    return -1;
}

/* A date column as days from the start, or INT32_MIN. */
static int32_t day_of(const reader *r, sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    int y, mo, d;
    if (!s || sal_date_parse(s, &y, &mo, &d) != 0)
        return INT32_MIN;
    return (int32_t)(sal_date_to_days(y, mo, d) - r->start);
}

static int bad(reader *r, const char *what)
{
    sal_diags_add(r->diags, r->path, 0, 0, "%s; %s", what, hint);
    return SAL_EINPUT;
}

/* The columns: every (metric, date) of the first run, in table order. */
static int read_columns(reader *r)
{
    sqlite3_stmt *st = NULL;
    int rc = SAL_OK;
    size_t c = 0;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT metric, date FROM paths WHERE run = (SELECT MIN(run) FROM "
                           "paths) ORDER BY metric, date",
                           -1, &st, NULL) != SQLITE_OK)
        return bad(r, "no paths table");
    while (rc == SAL_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        int k = metric_of(r->m, name);
        int32_t d = day_of(r, st, 1);
        if (k < 0 || d < 0 || d > r->m->horizon || c >= r->p->ncols) {
            char msg[512];
            snprintf(msg, sizeof msg, "the paths table has metric '%s' on %s, which the "
                     "scenario does not", name ? name : "", sqlite3_column_text(st, 1)
                     ? (const char *)sqlite3_column_text(st, 1) : "(no date)");
            rc = bad(r, msg);
            break;
        }
        r->p->col_metric[c] = (uint32_t)k;
        r->p->col_day[c++] = d;
    }
    sqlite3_finalize(st);
    if (rc == SAL_OK && c != r->p->ncols)
        rc = bad(r, "the first run's paths are not those of the others");
    return rc;
}

/* The runs' indices (in order) and their values. */
static int read_values(reader *r)
{
    sal_run_paths *p = r->p;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT run, metric, date, value FROM paths ORDER BY run, metric, date",
                           -1, &st, NULL) != SQLITE_OK)
        return bad(r, "no paths table");
    long i = -1, next = 0;
    int rc = SAL_OK;
    long long prev = -1;
    while (rc == SAL_OK && sqlite3_step(st) == SQLITE_ROW) {
        long long run = sqlite3_column_int64(st, 0);
        if (run != prev) {
            if ((size_t)++i >= p->nruns) {
                rc = bad(r, "the paths table changed while read");
                break;
            }
            p->run[i] = (uint64_t)run;
            prev = run;
            next = 0;
        }
        /* the table's key order (run, metric, date) is the columns' order:
         * the next column is the row's, else it is looked up */
        const char *name = (const char *)sqlite3_column_text(st, 1);
        int32_t day = day_of(r, st, 2);
        long c = next;
        if (!((size_t)c < p->ncols && p->col_day[c] == day && name &&
              strcmp(r->m->metrics[p->col_metric[c]].name, name) == 0)) {
            int k = metric_of(r->m, name);
            c = k < 0 ? -1 : sal_run_paths_col(p, (uint32_t)k, day);
        }
        next = c + 1;
        if (c < 0) {
            char msg[256];
            snprintf(msg, sizeof msg, "run %lld has a path (%s on %s) the first run has not",
                     run, (const char *)sqlite3_column_text(st, 1),
                     (const char *)sqlite3_column_text(st, 2));
            rc = bad(r, msg);
            break;
        }
        int t = sqlite3_column_type(st, 3);
        p->value[(size_t)i * p->ncols + (size_t)c] =
            t == SQLITE_NULL ? NAN : sqlite3_column_double(st, 3);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The row of run `run` (binary search: p->run is increasing), or -1. */
static long row_of(const sal_run_paths *p, uint64_t run)
{
    size_t lo = 0, hi = p->nruns;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->run[mid] < run)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->nruns && p->run[lo] == run ? (long)lo : -1;
}

static int read_events(reader *r)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db, "SELECT run, event, date FROM run_events", -1, &st, NULL) !=
        SQLITE_OK)
        return bad(r, "no run_events table");
    int rc = SAL_OK;
    while (rc == SAL_OK && sqlite3_step(st) == SQLITE_ROW) {
        long i = row_of(r->p, (uint64_t)sqlite3_column_int64(st, 0));
        int e = event_of(r->m, (const char *)sqlite3_column_text(st, 1));
        if (i < 0 || e < 0) {
            rc = bad(r, "the run_events table names a run or an event the paths and the "
                        "scenario do not");
            break;
        }
        int32_t d = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 : day_of(r, st, 2);
        r->p->event_day[(size_t)i * r->p->nevents + (size_t)e] = d == INT32_MIN ? NAN : d;
    }
    sqlite3_finalize(st);
    return rc;
}

/* The runs' weights, rows named 'weight' of the runs table (run, name,
 * value), when there are any (normalised). */
static int read_weights(reader *r)
{
    if (one_int(r->db, "SELECT COUNT(*) FROM runs WHERE name = 'weight'") <= 0)
        return SAL_OK;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(r->db, "SELECT run, value FROM runs WHERE name = 'weight'", -1, &st, NULL) != SQLITE_OK)
        return bad(r, "the runs table's weights do not read");
    sal_run_paths *p = r->p;
    for (size_t i = 0; i < p->nruns; i++)
        p->weight[i] = NAN;
    int rc = SAL_OK;
    while (rc == SAL_OK && sqlite3_step(st) == SQLITE_ROW) {
        long i = row_of(p, (uint64_t)sqlite3_column_int64(st, 0));
        double w = sqlite3_column_double(st, 1);
        if (i >= 0)
            p->weight[i] = w;
        if (!(w >= 0) || !isfinite(w))
            rc = bad(r, "a run's weight is negative or not a number");
    }
    sqlite3_finalize(st);
    double sum = 0;
    for (size_t i = 0; rc == SAL_OK && i < p->nruns; i++) {
        if (isnan(p->weight[i]))
            rc = bad(r, "a run of the paths table has no weight in the runs table");
        sum += p->weight[i];
    }
    if (rc == SAL_OK && !(sum > 0))
        rc = bad(r, "the runs' weights sum to 0");
    for (size_t i = 0; rc == SAL_OK && i < p->nruns; i++)
        p->weight[i] /= sum;
    return rc;
}

int sal_run_paths_read(const char *path, const sal_model *m, sal_run_paths **out,
                       sal_diags *diags)
{
    *out = NULL;
    size_t nruns, ncols;
    int rc = sal_run_paths_size(path, &nruns, &ncols, diags);
    if (rc != SAL_OK)
        return rc;
    reader r = {.path = path, .m = m, .diags = diags,
                .start = sal_date_to_days(m->start_year, m->start_month, m->start_day)};
    if (nruns == 0 || ncols == 0)
        return bad(&r, "the paths table is empty");
    r.p = sal_run_paths_alloc(nruns, ncols, m->nevents);
    if (!r.p)
        return SAL_ENOMEM;
    if (open_ro(path, &r.db) != SAL_OK)
        rc = bad(&r, "cannot open the database");
    if (rc == SAL_OK)
        rc = read_columns(&r);
    if (rc == SAL_OK)
        rc = read_values(&r);
    if (rc == SAL_OK)
        rc = read_events(&r);
    if (rc == SAL_OK)
        rc = read_weights(&r);
    sqlite3_close(r.db);
    if (rc != SAL_OK) {
        sal_run_paths_free(r.p);
        return rc;
    }
    *out = r.p;
    return SAL_OK;
}

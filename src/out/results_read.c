/* salient — the runs of a results database read back, for scenario
 * discovery.  The one place that knows how results.sqlite lays out runs
 * (docs/ensemble.md): the table runs wide (run, inputs..., metrics...) as
 * written today, or long (run, name, value); run_events and paths when an
 * ensemble wrote them; weights when a calibration did. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salient/date.h"
#include "salient/out.h"

typedef struct {
    sqlite3 *db;
    const char *path;
    char *why;
    size_t whylen;
} rd;

static int fail(rd *d, const char *fmt, const char *a)
{
    char msg[200];
    snprintf(msg, sizeof msg, fmt, a);
    snprintf(d->why, d->whylen, "%s: %s", d->path, msg);
    return SAL_EINPUT;
}

static int has_table(rd *d, const char *name)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

static char *dup(const char *s)
{
    char *c = malloc(strlen(s ? s : "") + 1);
    if (c)
        strcpy(c, s ? s : "");
    return c;
}

/* Appends the texts of column 0 of sql's rows to *v (n of them). */
static int names(rd *d, const char *sql, char ***v, size_t *n)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(d, "%s", sqlite3_errmsg(d->db));
    int rc = SAL_OK;
    while (rc == SAL_OK && sqlite3_step(st) == SQLITE_ROW) {
        char **nv = realloc(*v, (*n + 2) * sizeof *nv);
        if (!nv) {
            rc = SAL_ENOMEM;
            break;
        }
        *v = nv;
        nv[*n] = dup((const char *)sqlite3_column_text(st, 0));
        rc = nv[*n] ? SAL_OK : SAL_ENOMEM;
        *n += rc == SAL_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

static int find(char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return (int)i;
    return -1;
}

static int meta(rd *d, sal_disc_runs *r)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, "SELECT key, value FROM metadata", -1, &st, NULL) != SQLITE_OK)
        return fail(d, "no table metadata (%s); expected the results of salient ensemble",
                    sqlite3_errmsg(d->db));
    int have = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        const char *v = (const char *)sqlite3_column_text(st, 1);
        int y, m, dd;
        if (k && v && strcmp(k, "start") == 0 && sal_date_parse(v, &y, &m, &dd) == 0) {
            r->start = sal_date_to_days(y, m, dd);
            have |= 1;
        }
        if (k && v && strcmp(k, "seed") == 0)
            r->seed = strtoull(v, NULL, 10);
        if (k && v && strcmp(k, "horizon") == 0) {
            r->horizon = (int)strtol(v, NULL, 10);
            have |= 2;
        }
    }
    sqlite3_finalize(st);
    return have == 3 ? SAL_OK : fail(d, "%s", "metadata without start and horizon");
}

/* The runs table's columns after run; long when they are (name, value). */
static int columns(rd *d, char ***cols, size_t *nc, int *longform)
{
    int rc = names(d, "SELECT name FROM pragma_table_info('runs') WHERE name <> 'run' "
                      "ORDER BY cid", cols, nc);
    *longform = rc == SAL_OK && *nc == 2 && strcmp((*cols)[0], "name") == 0 &&
                strcmp((*cols)[1], "value") == 0;
    return rc;
}

/* Splits the names of the runs' values into inputs and metrics (those of
 * quantiles), in their order. */
static int split(sal_disc_runs *r, char **cols, size_t nc)
{
    r->inputs = calloc(nc + 1, sizeof *r->inputs);
    r->categorical = calloc(nc + 1, sizeof *r->categorical);
    if (!r->inputs || !r->categorical)
        return SAL_ENOMEM;
    for (size_t c = 0; c < nc; c++)
        if (find(r->metrics, r->nmetrics, cols[c]) < 0 && !(r->inputs[r->ninputs++] = dup(cols[c])))
            return SAL_ENOMEM;
    return SAL_OK;
}

static int alloc_runs(sal_disc_runs *r, size_t n)
{
    r->n = n;
    r->run = calloc(n + 1, sizeof *r->run);
    r->x = malloc((n * r->ninputs + 1) * sizeof *r->x);
    r->last = malloc((n * r->nmetrics + 1) * sizeof *r->last);
    if (!r->run || !r->x || !r->last)
        return SAL_ENOMEM;
    for (size_t i = 0; i < n * r->ninputs; i++)
        r->x[i] = NAN;
    for (size_t i = 0; i < n * r->nmetrics; i++)
        r->last[i] = NAN;
    return SAL_OK;
}

static size_t count_runs(rd *d, int longform)
{
    sqlite3_stmt *st;
    size_t n = 0;
    if (sqlite3_prepare_v2(d->db, longform ? "SELECT COUNT(DISTINCT run) FROM runs"
                                           : "SELECT COUNT(*) FROM runs",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = (size_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void put(sal_disc_runs *r, size_t i, const char *name, sqlite3_stmt *st, int col)
{
    double v = sqlite3_column_type(st, col) == SQLITE_NULL ? NAN : sqlite3_column_double(st, col);
    int k = find(r->inputs, r->ninputs, name);
    if (k >= 0) {
        r->x[i * r->ninputs + (size_t)k] = v;
        return;
    }
    k = find(r->metrics, r->nmetrics, name);
    if (k >= 0)
        r->last[i * r->nmetrics + (size_t)k] = v;
}

/* The values: one row per run (wide) or per (run, name) (long), by run. */
static int values(rd *d, sal_disc_runs *r, char **cols, size_t nc, int longform)
{
    sqlite3_stmt *st;
    const char *sql = longform ? "SELECT run, name, value FROM runs ORDER BY run" : "SELECT * FROM runs ORDER BY run";
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(d, "table runs: %s", sqlite3_errmsg(d->db));
    size_t i = 0;
    int first = 1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        uint64_t run = (uint64_t)sqlite3_column_int64(st, 0);
        if (!first && run != r->run[i])
            i++;
        if (i >= r->n)
            break;
        first = 0;
        r->run[i] = run;
        if (longform)
            put(r, i, (const char *)sqlite3_column_text(st, 1), st, 2);
        else
            for (size_t c = 0; c < nc; c++)
                put(r, i, cols[c], st, (int)c + 1);
    }
    sqlite3_finalize(st);
    r->n = first ? 0 : i + 1 < r->n ? i + 1 : r->n;
    return r->n ? SAL_OK : fail(d, "%s", "the table runs is empty; expected one row per run");
}

/* The index of run `run` (runs are sorted), or -1. */
static long run_index(const sal_disc_runs *r, uint64_t run)
{
    size_t a = 0, b = r->n;
    while (a < b) {
        size_t m = (a + b) / 2;
        if (r->run[m] < run)
            a = m + 1;
        else
            b = m;
    }
    return a < r->n && r->run[a] == run ? (long)a : -1;
}

static int event_days(rd *d, sal_disc_runs *r)
{
    r->event_day = malloc((r->n * r->nevents + 1) * sizeof *r->event_day);
    if (!r->event_day)
        return SAL_ENOMEM;
    for (size_t i = 0; i < r->n * r->nevents; i++)
        r->event_day[i] = INFINITY;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, "SELECT run, event, date FROM run_events", -1, &st, NULL) !=
        SQLITE_OK)
        return fail(d, "table run_events: %s; expected columns run, event, date",
                    sqlite3_errmsg(d->db));
    while (sqlite3_step(st) == SQLITE_ROW) {
        long i = run_index(r, (uint64_t)sqlite3_column_int64(st, 0));
        const char *ev = (const char *)sqlite3_column_text(st, 1);
        const char *date = (const char *)sqlite3_column_text(st, 2);
        int e = ev ? find(r->events, r->nevents, ev) : -1, y, m, dd;
        if (i < 0 || e < 0 || !date || sal_date_parse(date, &y, &m, &dd) != 0)
            continue;
        r->event_day[(size_t)i * r->nevents + (size_t)e] = (double)(sal_date_to_days(y, m, dd) - r->start);
    }
    sqlite3_finalize(st);
    return SAL_OK;
}

static int weights(rd *d, sal_disc_runs *r)
{
    r->w = calloc(r->n + 1, sizeof *r->w);
    if (!r->w)
        return SAL_ENOMEM;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, "SELECT run, weight FROM weights", -1, &st, NULL) != SQLITE_OK)
        return fail(d, "table weights: %s; expected columns run, weight", sqlite3_errmsg(d->db));
    while (sqlite3_step(st) == SQLITE_ROW) {
        long i = run_index(r, (uint64_t)sqlite3_column_int64(st, 0));
        if (i >= 0)
            r->w[i] = sqlite3_column_double(st, 1);
    }
    sqlite3_finalize(st);
    return SAL_OK;
}

static int open_db(rd *d, const char *path, char *why, size_t whylen)
{
    d->path = path;
    d->why = why;
    d->whylen = whylen;
    if (sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fail(d, "cannot open it (%s)", d->db ? sqlite3_errmsg(d->db) : "out of memory");
        sqlite3_close(d->db);
        return SAL_EINPUT;
    }
    return SAL_OK;
}

static int read_all(rd *d, sal_disc_runs *r)
{
    int rc = meta(d, r);
    if (rc == SAL_OK && !has_table(d, "runs"))
        rc = fail(d, "%s", "no table runs; expected the results of salient ensemble");
    if (rc == SAL_OK)
        rc = names(d, "SELECT metric FROM quantiles WHERE day = 0 ORDER BY rowid", &r->metrics,
                   &r->nmetrics);
    if (rc == SAL_OK)
        rc = names(d, "SELECT event FROM events ORDER BY rowid", &r->events, &r->nevents);
    char **cols = NULL;
    size_t nc = 0;
    int longform = 0;
    if (rc == SAL_OK)
        rc = columns(d, &cols, &nc, &longform);
    if (rc == SAL_OK && longform) {
        for (size_t c = 0; c < nc; c++)
            free(cols[c]);
        nc = 0;
        rc = names(d, "SELECT DISTINCT name FROM runs ORDER BY rowid", &cols, &nc);
    }
    if (rc == SAL_OK)
        rc = split(r, cols, nc);
    size_t n = rc == SAL_OK ? count_runs(d, longform) : 0;
    if (rc == SAL_OK && n == 0)
        rc = fail(d, "%s", "the table runs is empty (an ensemble run with --no-runs-csv keeps no "
                           "runs); expected one row per run");
    if (rc == SAL_OK)
        rc = alloc_runs(r, n);
    if (rc == SAL_OK)
        rc = values(d, r, cols, nc, longform);
    for (size_t c = 0; c < nc; c++)
        free(cols[c]);
    free(cols);
    if (rc == SAL_OK && has_table(d, "run_events"))
        rc = event_days(d, r);
    else if (rc == SAL_OK)
        snprintf(r->missing, sizeof r->missing,
                 "%s has no table run_events; run 'salient discover SCENARIO --runs N', "
                 "which makes its own runs", d->path);
    if (rc == SAL_OK && has_table(d, "weights"))
        rc = weights(d, r);
    return rc;
}

int sal_results_read_runs(const char *path, sal_disc_runs *r, char *why, size_t whylen)
{
    memset(r, 0, sizeof *r);
    rd d = {0};
    if (open_db(&d, path, why, whylen) != SAL_OK)
        return SAL_EINPUT;
    int rc = read_all(&d, r);
    sqlite3_close(d.db);
    if (rc != SAL_OK)
        sal_disc_runs_free(r);
    return rc;
}

int sal_results_read_pairs(const char *path, sal_disc_runs *r, const size_t *pm, const int *pd,
                           size_t np, char *why, size_t whylen)
{
    if (np == 0)
        return SAL_OK;
    rd d = {0};
    if (open_db(&d, path, why, whylen) != SAL_OK)
        return SAL_EINPUT;
    int rc = SAL_OK;
    if (!has_table(&d, "paths")) {
        snprintf(r->missing, sizeof r->missing,
                 "%s has no table paths (per-run metrics on dates); run 'salient discover "
                 "SCENARIO --runs N', which makes its own runs", path);
        sqlite3_close(d.db);
        return SAL_OK;
    }
    r->pair = malloc((r->n * np + 1) * sizeof *r->pair);
    r->pair_metric = malloc(np * sizeof *r->pair_metric);
    r->pair_day = malloc(np * sizeof *r->pair_day);
    sqlite3_stmt *st = NULL;
    if (!r->pair || !r->pair_metric || !r->pair_day)
        rc = SAL_ENOMEM;
    else if (sqlite3_prepare_v2(d.db, "SELECT run, value FROM paths WHERE metric = ? AND date = ?",
                                -1, &st, NULL) != SQLITE_OK)
        rc = fail(&d, "table paths: %s; expected columns run, date, metric, value",
                  sqlite3_errmsg(d.db));
    for (size_t k = 0; rc == SAL_OK && k < np; k++) {
        char date[16];
        sal_date_format(r->start + pd[k], date);
        r->pair_metric[k] = pm[k];
        r->pair_day[k] = pd[k];
        for (size_t i = 0; i < r->n; i++)
            r->pair[i * np + k] = NAN;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, r->metrics[pm[k]], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
        size_t got = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            long i = run_index(r, (uint64_t)sqlite3_column_int64(st, 0));
            if (i >= 0 && sqlite3_column_type(st, 1) != SQLITE_NULL) {
                r->pair[(size_t)i * np + k] = sqlite3_column_double(st, 1);
                got++;
            }
        }
        if (got == 0) {
            snprintf(r->missing, sizeof r->missing, "%s: the table paths holds no value of '%s' "
                     "on %s", path, r->metrics[pm[k]], date);
            free(r->pair);
            r->pair = NULL;
            r->npairs = 0;
            break;
        }
        r->npairs = k + 1;
    }
    sqlite3_finalize(st);
    sqlite3_close(d.db);
    return rc;
}

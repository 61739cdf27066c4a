/* salient — the results of scenario discovery as files: boxes.csv,
 * trajectory.csv and tables in results.sqlite (docs/discover.md), each
 * written under a temporary name and renamed into place. */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/db_bind.h"
#include "out/db_seal.h"
#include "out/discover_db.h"
#include "salient/date.h"
#include "salient/out.h"
#include "salient/ensemble.h"

/* The levels of categorical input j in the box, "1 3". */
static void subset(char *buf, size_t n, const sal_disc_result *r, size_t j, uint64_t levels)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t l = 0; l < r->nlevels[j]; l++) {
        if (!(levels >> l & 1))
            continue;
        char v[40];
        sal_fmt_num(v, sizeof v, r->levels[j * SAL_DISC_MAX_LEVELS + l]);
        int w = snprintf(buf + k, n - k, "%s%s", k ? " " : "", v);
        if (w < 0 || (size_t)w >= n - k)
            return;
        k += (size_t)w;
    }
}

static int restricts(const sal_disc_result *r, const sal_disc_range *g, size_t j)
{
    if (r->nlevels[j])
        return g[j].levels != (r->nlevels[j] >= 64 ? ~(uint64_t)0
                                                   : ((uint64_t)1 << r->nlevels[j]) - 1);
    return g[j].lower > r->lo[j] || g[j].upper < r->hi[j];
}

static void num(FILE *f, double x)
{
    char b[40];
    sal_fmt_num(b, sizeof b, isfinite(x) ? x : NAN);
    fputc(',', f);
    fputs(b, f);
}

int sal_disc_csv_boxes(FILE *f, const char *question, const sal_disc_result *r,
                       const sal_disc_runs *runs)
{
    if (!r)
        return SAL_OK;
    for (size_t b = 0; b < r->nboxes; b++) {
        const sal_disc_box *x = &r->boxes[b];
        for (size_t j = 0; j < r->p; j++) {
            if (!restricts(r, x->box.range, j))
                continue;
            char sub[1024] = "";
            if (r->nlevels[j])
                subset(sub, sizeof sub, r, j, x->box.range[j].levels);
            if (question) {
                sal_csv_field(f, question);
                fputc(',', f);
            }
            fprintf(f, "%zu,", b + 1);
            sal_csv_field(f, runs->inputs[j]);
            num(f, r->nlevels[j] ? NAN : x->box.range[j].lower);
            num(f, r->nlevels[j] ? NAN : x->box.range[j].upper);
            fputc(',', f);
            sal_csv_field(f, sub);
            num(f, x->qp[j]);
            num(f, x->stability[j]);
            num(f, x->box.coverage);
            num(f, x->box.density);
            num(f, x->box.mass);
            fputc('\n', f);
        }
    }
    return ferror(f) ? SAL_EIO : SAL_OK;
}

static int write_boxes(FILE *f, const sal_disc_result *r, const sal_disc_runs *runs)
{
    fputs(SAL_DISC_BOXES_HEADER "\n", f);
    return sal_disc_csv_boxes(f, NULL, r, runs);
}

/* "x1;x3": the inputs a step restricts. */
static void restricted_names(FILE *f, const sal_disc_result *r, const sal_disc_runs *runs,
                             const sal_disc_range *g)
{
    int first = 1;
    char buf[4096] = "";
    size_t k = 0;
    for (size_t j = 0; j < r->p; j++)
        if (restricts(r, g, j)) {
            int w = snprintf(buf + k, sizeof buf - k, "%s%s", first ? "" : ";", runs->inputs[j]);
            if (w > 0 && (size_t)w < sizeof buf - k)
                k += (size_t)w;
            first = 0;
        }
    fputc(',', f);
    sal_csv_field(f, buf);
}

static int write_trajectory(FILE *f, const sal_disc_result *r, const sal_disc_runs *runs)
{
    fputs("box,step,coverage,density,mass,restricted,inputs,chosen\n", f);
    for (size_t b = 0; b < r->nboxes; b++) {
        const sal_disc_box *x = &r->boxes[b];
        for (size_t s = 0; s < x->nsteps; s++) {
            const sal_disc_step *st = &x->steps[s];
            fprintf(f, "%zu,%zu", b + 1, s);
            num(f, st->coverage);
            num(f, st->density);
            num(f, st->mass);
            fprintf(f, ",%zu", st->nrestricted);
            restricted_names(f, r, runs, st->range);
            fprintf(f, ",%d\n", s == x->chosen);
        }
    }
    return ferror(f) ? SAL_EIO : SAL_OK;
}

/* ---- SQLite -------------------------------------------------------------- */

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? SAL_OK : SAL_EIO;
}

static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? SAL_OK : SAL_EIO;
    sqlite3_reset(st);
    return rc;
}

static int db_boxes(sqlite3 *db, int question, const sal_disc_result *r,
                    const sal_disc_runs *runs)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT INTO discover_boxes VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", -1,
                           &st, NULL) != SQLITE_OK)
        return SAL_EIO;
    int rc = SAL_OK;
    for (size_t b = 0; rc == SAL_OK && b < r->nboxes; b++) {
        const sal_disc_box *x = &r->boxes[b];
        for (size_t j = 0; rc == SAL_OK && j < r->p; j++) {
            if (!restricts(r, x->box.range, j))
                continue;
            char sub[1024] = "";
            if (r->nlevels[j])
                subset(sub, sizeof sub, r, j, x->box.range[j].levels);
            sqlite3_bind_int(st, 1, question);
            sqlite3_bind_int64(st, 2, (sqlite3_int64)b + 1);
            sqlite3_bind_text(st, 3, runs->inputs[j], -1, SQLITE_STATIC);
            sal_db_bind_num(st, 4, r->nlevels[j] ? NAN : x->box.range[j].lower);
            sal_db_bind_num(st, 5, r->nlevels[j] ? NAN : x->box.range[j].upper);
            if (r->nlevels[j])
                sqlite3_bind_text(st, 6, sub, -1, SQLITE_TRANSIENT);
            else
                sqlite3_bind_null(st, 6);
            sal_db_bind_num(st, 7, x->qp[j]);
            sal_db_bind_num(st, 8, x->stability[j]);
            sal_db_bind_num(st, 9, x->box.coverage);
            sal_db_bind_num(st, 10, x->box.density);
            sal_db_bind_num(st, 11, x->box.mass);
            sqlite3_bind_int(st, 12, x->met);
            rc = step_done(st);
        }
    }
    sqlite3_finalize(st);
    return rc;
}

static int db_trajectory(sqlite3 *db, int question, const sal_disc_result *r)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT INTO discover_trajectory VALUES (?,?,?,?,?,?,?,?)", -1,
                           &st, NULL) != SQLITE_OK)
        return SAL_EIO;
    int rc = SAL_OK;
    for (size_t b = 0; rc == SAL_OK && b < r->nboxes; b++)
        for (size_t s = 0; rc == SAL_OK && s < r->boxes[b].nsteps; s++) {
            const sal_disc_step *x = &r->boxes[b].steps[s];
            sqlite3_bind_int(st, 1, question);
            sqlite3_bind_int64(st, 2, (sqlite3_int64)b + 1);
            sqlite3_bind_int64(st, 3, (sqlite3_int64)s);
            sal_db_bind_num(st, 4, x->coverage);
            sal_db_bind_num(st, 5, x->density);
            sal_db_bind_num(st, 6, x->mass);
            sqlite3_bind_int64(st, 7, (sqlite3_int64)x->nrestricted);
            sqlite3_bind_int(st, 8, s == r->boxes[b].chosen);
            rc = step_done(st);
        }
    sqlite3_finalize(st);
    return rc;
}

static int db_inputs(sqlite3 *db, int question, const sal_disc_result *r,
                     const sal_disc_runs *runs)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT INTO discover_inputs VALUES (?,?,?,?,?,?,?)", -1, &st,
                           NULL) != SQLITE_OK)
        return SAL_EIO;
    int rc = SAL_OK;
    for (size_t j = 0; rc == SAL_OK && j < r->p; j++) {
        char sub[1024] = "";
        if (r->nlevels[j])
            subset(sub, sizeof sub, r, j, ~(uint64_t)0);
        sqlite3_bind_int(st, 1, question);
        sqlite3_bind_text(st, 2, runs->inputs[j], -1, SQLITE_STATIC);
        sal_db_bind_num(st, 3, r->lo[j]);
        sal_db_bind_num(st, 4, r->hi[j]);
        if (r->nlevels[j])
            sqlite3_bind_text(st, 5, sub, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(st, 5);
        sqlite3_bind_int(st, 6, r->irrelevant[j]);
        sqlite3_bind_int64(st, 7, (sqlite3_int64)j);
        rc = step_done(st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The first box's two inputs of least quasi-p-value (then lowest index). */
static void top_two(const sal_disc_result *r, size_t *a, size_t *b)
{
    *a = *b = r->p;
    const double *qp = r->nboxes ? r->boxes[0].qp : NULL;
    for (size_t j = 0; qp && j < r->p; j++) {
        if (isnan(qp[j]))
            continue;
        if (*a == r->p || qp[j] < qp[*a]) {
            *b = *a;
            *a = j;
        } else if (*b == r->p || qp[j] < qp[*b]) {
            *b = j;
        }
    }
    for (size_t j = 0; j < r->p && (*a == r->p || *b == r->p); j++)
        if (j != *a && j != *b) {
            if (*a == r->p)
                *a = j;
            else
                *b = j;
        }
}

/* At most 2000 runs, evenly spaced, for the report's scatter. */
static int db_points(sqlite3 *db, int question, const sal_disc_result *r,
                     const sal_disc_runs *runs, const unsigned char *y)
{
    size_t a, b;
    top_two(r, &a, &b);
    if (a >= r->p)
        return SAL_OK;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT INTO discover_points VALUES (?,?,?,?,?,?)", -1, &st,
                           NULL) != SQLITE_OK)
        return SAL_EIO;
    size_t stride = runs->n > 2000 ? (runs->n + 1999) / 2000 : 1;
    int rc = SAL_OK;
    for (size_t i = 0; rc == SAL_OK && i < runs->n; i += stride) {
        const double *xi = runs->x + i * runs->ninputs;
        sqlite3_bind_int(st, 1, question);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)runs->run[i]);
        sal_db_bind_num(st, 3, xi[a]);
        sal_db_bind_num(st, 4, b < r->p ? xi[b] : NAN);
        sqlite3_bind_int(st, 5, y[i]);
        sqlite3_bind_int(st, 6, r->nboxes && sal_disc_contains(r, r->boxes[0].box.range, xi));
        rc = step_done(st);
    }
    sqlite3_finalize(st);
    char *q = sqlite3_mprintf("INSERT INTO discover VALUES (%d, 'x', %Q), (%d, 'y', %Q)", question,
                              runs->inputs[a], question, b < r->p ? runs->inputs[b] : "");
    if (rc == SAL_OK)
        rc = q ? exec(db, q) : SAL_ENOMEM;
    sqlite3_free(q);
    return rc;
}

/* The question's keys: what was asked and on what (the study's questions
 * add their id, words, seed, claim and, unanswered, why). */
static int db_meta(sqlite3 *db, int question, const sal_disc_runs *runs, const unsigned char *y,
                   const sal_disc_meta *m)
{
    size_t cases = 0;
    for (size_t i = 0; y && i < runs->n; i++)
        cases += y[i];
    char n1[32], n2[32], thr[40], wt[8];
    snprintf(n1, sizeof n1, "%llu", (unsigned long long)runs->n);
    snprintf(n2, sizeof n2, "%llu", (unsigned long long)cases);
    snprintf(thr, sizeof thr, "%.17g", m->threshold);
    snprintf(wt, sizeof wt, "%d", runs->w != NULL);
    const char *kv[][2] = {{"method", m->method}, {"where", m->where},   {"runs", n1},
                           {"cases", y ? n2 : NULL}, {"threshold", thr}, {"weighted", wt},
                           {"id", m->id},         {"question", m->question},
                           {"seed", m->seed_file}, {"claim", m->claim},  {"why", m->why}};
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT INTO discover VALUES (?,?,?)", -1, &st, NULL) != SQLITE_OK)
        return SAL_EIO;
    int rc = SAL_OK;
    for (size_t k = 0; rc == SAL_OK && k < sizeof kv / sizeof *kv; k++) {
        if (!kv[k][1] || (k >= 6 && !*kv[k][1]))
            continue; /* the study's keys only when given */
        sqlite3_bind_int(st, 1, question);
        sqlite3_bind_text(st, 2, kv[k][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, kv[k][1], -1, SQLITE_STATIC);
        rc = step_done(st);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The ensemble's own tables, copied so that `salient report` shows them;
 * without a source, a minimal metadata and empty quantiles and events. */
static int db_source(sqlite3 *db, const sal_disc_runs *runs, const sal_disc_meta *m)
{
    if (m->source) {
        char *q = sqlite3_mprintf("ATTACH %Q AS src; CREATE TABLE metadata AS SELECT * FROM "
                                  "src.metadata; CREATE TABLE quantiles AS SELECT * FROM "
                                  "src.quantiles; CREATE TABLE events AS SELECT * FROM "
                                  "src.events;", m->source);
        int rc = q ? exec(db, q) : SAL_ENOMEM;
        sqlite3_free(q);
        return rc;
    }
    char start[16];
    sal_date_format(runs->start, start);
    char *q = sqlite3_mprintf(
        "CREATE TABLE metadata (key TEXT PRIMARY KEY, value TEXT);"
        "CREATE TABLE quantiles (metric TEXT, day INTEGER, date TEXT, mean REAL,"
        " p05 REAL, p25 REAL, p50 REAL, p75 REAL, p95 REAL, PRIMARY KEY (metric, day));"
        "CREATE TABLE events (event TEXT PRIMARY KEY, probability REAL,"
        " p05 INTEGER, p50 INTEGER, p95 INTEGER);"
        "INSERT INTO metadata VALUES ('format', 'salient-discover 1'), ('scenario', %Q),"
        " ('variant', NULL), ('seed', '%llu'), ('runs', '%llu'), ('runs_requested', '%llu'),"
        " ('partial', '0'), ('horizon', '%d'), ('start', %Q);",
        m->scenario ? m->scenario : "scenario", (unsigned long long)m->seed,
        (unsigned long long)runs->n, (unsigned long long)runs->n, runs->horizon, start);
    int rc = q ? exec(db, q) : SAL_ENOMEM;
    sqlite3_free(q);
    return rc;
}

int sal_disc_db_create(sqlite3 *db)
{
    return exec(db, "CREATE TABLE discover (question INTEGER, key TEXT, value TEXT,"
                    " PRIMARY KEY (question, key));"
                    "CREATE TABLE discover_boxes (question INTEGER, box INTEGER, input TEXT,"
                    " lower REAL, upper REAL, subset TEXT, quasi_p REAL, stability REAL,"
                    " coverage REAL, density REAL, mass REAL, met INTEGER);"
                    "CREATE TABLE discover_trajectory (question INTEGER, box INTEGER,"
                    " step INTEGER, coverage REAL, density REAL, mass REAL, restricted INTEGER,"
                    " chosen INTEGER);"
                    "CREATE TABLE discover_inputs (question INTEGER, input TEXT, lower REAL,"
                    " upper REAL, levels TEXT, irrelevant INTEGER, ord INTEGER);"
                    "CREATE TABLE discover_points (question INTEGER, run INTEGER, x REAL,"
                    " y REAL, \"case\" INTEGER, in_box INTEGER);");
}

int sal_disc_db_add(sqlite3 *db, int question, const sal_disc_result *r,
                    const sal_disc_runs *runs, const unsigned char *y, const sal_disc_meta *m)
{
    int rc = db_meta(db, question, runs, y, m);
    if (!r)
        return rc;
    if (rc == SAL_OK)
        rc = db_boxes(db, question, r, runs);
    if (rc == SAL_OK)
        rc = db_trajectory(db, question, r);
    if (rc == SAL_OK)
        rc = db_inputs(db, question, r, runs);
    if (rc == SAL_OK)
        rc = db_points(db, question, r, runs, y);
    return rc;
}

static int write_db(const char *path, const sal_disc_result *r, const sal_disc_runs *runs,
                    const unsigned char *y, const sal_disc_meta *m)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        sqlite3_close(db);
        return SAL_EIO;
    }
    int rc = exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
    if (rc == SAL_OK)
        rc = db_source(db, runs, m);
    if (rc == SAL_OK)
        rc = exec(db, "BEGIN;");
    if (rc == SAL_OK)
        rc = sal_disc_db_create(db);
    if (rc == SAL_OK)
        rc = sal_disc_db_add(db, 1, r, runs, y, m);
    if (rc == SAL_OK) /* every table under the seal that salient report verifies */
        rc = sal_db_seal(db);
    if (rc == SAL_OK)
        rc = exec(db, "COMMIT;");
    if (sqlite3_close(db) != SQLITE_OK)
        rc = SAL_EIO;
    return rc == SAL_OK ? SAL_OK : SAL_EIO;
}

enum { F_BOXES, F_TRAJ, F_DB, NFILES };

/* Every file under its temporary name, renamed only once all are complete:
 * an error leaves none of them (nor an earlier run's, which stay as they
 * were). */
int sal_disc_write(const char *dir, const sal_disc_result *r, const sal_disc_runs *runs,
                   const unsigned char *y, const sal_disc_meta *m)
{
    static const char *const names[NFILES] = {"boxes.csv", "trajectory.csv", "results.sqlite"};
    if (sal_mkdirs(dir) != SAL_OK)
        return SAL_EIO;
    sal_outfile *f[NFILES] = {NULL};
    int rc = SAL_OK;
    for (int i = 0; i < NFILES && rc == SAL_OK; i++)
        rc = sal_outfile_open(&f[i], dir, names[i], i != F_DB);
    if (rc == SAL_OK)
        rc = write_boxes(sal_outfile_stream(f[F_BOXES]), r, runs);
    if (rc == SAL_OK)
        rc = write_trajectory(sal_outfile_stream(f[F_TRAJ]), r, runs);
    for (int i = 0; i < NFILES; i++)
        if (f[i] && sal_outfile_close(f[i]) != SAL_OK)
            rc = SAL_EIO;
    if (rc == SAL_OK)
        rc = write_db(sal_outfile_temp_path(f[F_DB]), r, runs, y, m);
    for (int i = 0; i < NFILES && rc == SAL_OK; i++)
        rc = sal_outfile_commit(f[i]);
    for (int i = 0; i < NFILES; i++) {
        /* a rename that failed (a directory in the way) takes back those
         * already done: no partial set of files */
        if (rc != SAL_OK && sal_outfile_state(f[i]) == SAL_OUTFILE_COMMITTED)
            remove(sal_outfile_path(f[i]));
        sal_outfile_abort(f[i]);
    }
    return rc == SAL_OK ? SAL_OK : SAL_EIO;
}

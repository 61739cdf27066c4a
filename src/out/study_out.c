/* salient — the files of a study (docs/theses.md; the tables follow the
 * study results contract shared with `salient report`): the base ensemble's
 * quantiles.csv, events.csv and runs.csv, compare.csv with a variant column,
 * sobol.csv with a metric column, theses.csv, and one results.sqlite holding
 * all of it plus event curves, the variants' own summaries and the
 * provenance of every number.  Every file goes to a temporary name and is
 * renamed into place only when all of them are complete; nothing written
 * depends on the thread count or the clock. */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "salient/date.h"
#include "salient/out.h"
#include "salient/study.h"
#include "out/db_bind.h"
#include "out/db_seal.h"
#include "out/discover_db.h"

static void put_num(FILE *f, double x)
{
    char b[40];
    sal_fmt_num(b, sizeof b, isfinite(x) ? x : NAN);
    fputc(',', f);
    fputs(b, f);
}

static long start_of(const sal_model *m)
{
    return sal_date_to_days(m->start_year, m->start_month, m->start_day);
}

/* compare.csv: per variant, the rows sal_compare_write writes for its
 * comparison, each after the variant's name; the numbers are those the
 * study kept of it (sal_study_packed). */
static int write_compare_csv(FILE *f, const sal_study *s)
{
    int rc = sal_compare_write_header(f, 1);
    for (size_t v = 0; v < s->nvariants; v++)
        if (s->compare[v])
            rc |= sal_compare_write_rows(f, s->base, s->compare[v], s->base->variants[v],
                                         s->packed[v].cq, s->packed[v].ce);
    return rc ? SAL_EIO : SAL_OK;
}

static int write_sobol_csv(FILE *f, const sal_study *s)
{
    const sal_theses *t = s->theses;
    int rc = sal_sobol_write_header(f, 1);
    for (size_t k = 0; k < t->nsobol; k++)
        if (s->sobol_ok[k])
            rc |= sal_sobol_write_rows(f, s->base, t->sobol_metrics[k], &s->sobol[k]);
    return rc ? SAL_EIO : SAL_OK;
}

static int write_theses_csv(FILE *f, const sal_study *s)
{
    const sal_theses *t = s->theses;
    fputs("id,seed,claim,test,expect,value,lo,hi,probability,verdict,summary\n", f);
    for (size_t i = 0; i < t->ntheses; i++) {
        const sal_thesis *h = &t->theses[i];
        const sal_thesis_result *r = &s->results[i];
        char test[300], expect[100];
        sal_thesis_describe(h, s->base, test, sizeof test, expect, sizeof expect);
        sal_csv_field(f, h->id);
        fputc(',', f);
        sal_csv_field(f, h->seed ? h->seed : "");
        fputc(',', f);
        sal_csv_field(f, h->claim ? h->claim : "");
        fputc(',', f);
        sal_csv_field(f, test);
        fputc(',', f);
        sal_csv_field(f, expect);
        if (s->evaluated[i]) {
            put_num(f, r->value);
            put_num(f, r->lo);
            put_num(f, r->hi);
            put_num(f, r->probability);
            fputc(',', f);
            fputs(sal_verdict_name(r->verdict), f);
            fputc(',', f);
            sal_csv_field(f, r->summary);
        } else {
            fputs(",,,,,,not evaluated (the study was interrupted)", f);
        }
        fputc('\n', f);
    }
    return ferror(f) ? SAL_EIO : SAL_OK;
}

/* ---- SQLite: the study's tables beyond those of an ensemble ---------------- */

static const char schema[] =
    "CREATE TABLE event_curve (event TEXT, day INTEGER, date TEXT, probability REAL,"
    " PRIMARY KEY (event, day));"
    "CREATE TABLE variants (name TEXT PRIMARY KEY, ord INTEGER, description TEXT);"
    "CREATE TABLE variant_quantiles (variant TEXT, metric TEXT, day INTEGER, date TEXT, mean REAL,"
    " p05 REAL, p25 REAL, p50 REAL, p75 REAL, p95 REAL, PRIMARY KEY (variant, metric, day));"
    "CREATE TABLE variant_events (variant TEXT, event TEXT, probability REAL, p05 INTEGER,"
    " p50 INTEGER, p95 INTEGER, PRIMARY KEY (variant, event));"
    "CREATE TABLE compare (variant TEXT, kind TEXT, name TEXT, day INTEGER, date TEXT, a REAL,"
    " b REAL, diff_mean REAL, diff_p05 REAL, diff_p50 REAL, diff_p95 REAL, var_crn REAL,"
    " var_independent REAL, variance_reduction REAL);"
    "CREATE TABLE sobol (metric TEXT, input TEXT, S1 REAL, S1_lo REAL, S1_hi REAL, ST REAL,"
    " ST_lo REAL, ST_hi REAL, PRIMARY KEY (metric, input));"
    "CREATE TABLE theses (id TEXT PRIMARY KEY, ord INTEGER, seed TEXT, claim TEXT, test TEXT,"
    " expect TEXT, value REAL, lo REAL, hi REAL, probability REAL, verdict TEXT, summary TEXT,"
    " variant TEXT);"
    "CREATE TABLE parameters (path TEXT PRIMARY KEY, ord INTEGER, kind TEXT, value TEXT,"
    " source TEXT, description TEXT);"
    "CREATE TABLE seeds (file TEXT PRIMARY KEY, citation TEXT);";

typedef struct {
    sqlite3 *db;
    int rc;
} dbw;

/* Prepares sql (once per table) or records the failure. */
static sqlite3_stmt *prep(dbw *w, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (w->rc == SAL_OK && sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK)
        w->rc = SAL_EIO;
    return st;
}

static void step(dbw *w, sqlite3_stmt *st)
{
    if (w->rc == SAL_OK && sqlite3_step(st) != SQLITE_DONE)
        w->rc = SAL_EIO;
    sqlite3_reset(st);
}

static void db_curves(dbw *w, const sal_study *s)
{
    const sal_model *m = s->base;
    sqlite3_stmt *st = prep(w, "INSERT INTO event_curve VALUES (?,?,?,?)");
    double n = (double)sal_summary_runs(s->summary);
    long start = start_of(m);
    char date[16];
    for (size_t e = 0; w->rc == SAL_OK && e < m->nevents; e++) {
        uint64_t k = 0;
        for (int d = 0; d <= m->horizon && w->rc == SAL_OK; d++) {
            k += sal_summary_event_day_count(s->summary, (uint32_t)e, d);
            sqlite3_bind_text(st, 1, m->events[e], -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, d);
            sal_date_format(start + d, date);
            sqlite3_bind_text(st, 3, date, -1, SQLITE_TRANSIENT);
            sal_db_bind_num(st, 4, n > 0 ? (double)k / n : NAN);
            step(w, st);
        }
    }
    sqlite3_finalize(st);
}

static void db_variants(dbw *w, const sal_study *s)
{
    const sal_model *m = s->base;
    long start = start_of(m);
    char date[16];
    sqlite3_stmt *sv = prep(w, "INSERT INTO variants VALUES (?,?,?)");
    sqlite3_stmt *sq = prep(w, "INSERT INTO variant_quantiles VALUES (?,?,?,?,?,?,?,?,?,?)");
    sqlite3_stmt *se = prep(w, "INSERT INTO variant_events VALUES (?,?,?,?,?,?)");
    for (size_t v = 0; w->rc == SAL_OK && v < s->nvariants; v++) {
        const char *name = m->variants[v];
        sal_db_bind_text(sv, 1, name);
        sqlite3_bind_int(sv, 2, (int)v);
        sal_db_bind_text(sv, 3, m->variant_descriptions ? m->variant_descriptions[v] : NULL);
        step(w, sv);
        const sal_study_packed *p = &s->packed[v];
        const sal_model *mv = s->variants[v];
        size_t nd = (size_t)mv->horizon + 1;
        if (!s->compare[v])
            continue;
        for (size_t k = 0; w->rc == SAL_OK && k < mv->nmetrics; k++)
            for (int d = 0; d <= mv->horizon && w->rc == SAL_OK; d++) {
                const double *q = p->vq + (k * nd + (size_t)d) * 6;
                sal_db_bind_text(sq, 1, name);
                sqlite3_bind_text(sq, 2, mv->metrics[k].name, -1, SQLITE_STATIC);
                sqlite3_bind_int(sq, 3, d);
                sal_date_format(start + d, date);
                sqlite3_bind_text(sq, 4, date, -1, SQLITE_TRANSIENT);
                for (int j = 0; j < 6; j++) /* mean, p05, p25, p50, p75, p95 */
                    sal_db_bind_num(sq, 5 + j, q[j]);
                step(w, sq);
            }
        for (size_t e = 0; w->rc == SAL_OK && e < mv->nevents; e++) {
            sal_db_bind_text(se, 1, name);
            sqlite3_bind_text(se, 2, mv->events[e], -1, SQLITE_STATIC);
            sal_db_bind_num(se, 3, p->ve[e]);
            for (int j = 0; j < 3; j++)
                sal_db_bind_day(se, 4 + j, p->ve_day[e * 3 + (size_t)j]);
            step(w, se);
        }
    }
    sqlite3_finalize(sv);
    sqlite3_finalize(sq);
    sqlite3_finalize(se);
}

/* The rows of compare.csv (src/out/ensemble_out.c, sal_compare_write), per
 * variant. */
static void db_compare(dbw *w, const sal_study *s)
{
    const sal_model *a = s->base;
    long start = start_of(a);
    char date[16];
    int h = a->horizon;
    sqlite3_stmt *st = prep(w, "INSERT INTO compare VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (size_t v = 0; w->rc == SAL_OK && v < s->nvariants; v++) {
        const sal_compare *c = s->compare[v];
        const sal_study_packed *p = &s->packed[v];
        size_t nd = (size_t)h + 1;
        if (!c)
            continue;
        for (size_t i = 0; w->rc == SAL_OK && i < c->nmetrics; i++)
            for (int d = 0; d <= h && w->rc == SAL_OK; d++) {
                uint32_t ia = (uint32_t)c->metric_a[i];
                const double *q = p->cq + (i * nd + (size_t)d) * 6;
                sal_db_bind_text(st, 1, a->variants[v]);
                sqlite3_bind_text(st, 2, "metric", -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 3, a->metrics[ia].name, -1, SQLITE_STATIC);
                sqlite3_bind_int(st, 4, d);
                sal_date_format(start + d, date);
                sqlite3_bind_text(st, 5, date, -1, SQLITE_TRANSIENT);
                for (int j = 0; j < 6; j++) /* a, b, diff mean, p05, p50, p95 */
                    sal_db_bind_num(st, 6 + j, q[j]);
                sal_db_bind_num(st, 12, d == h ? c->var_diff[i] : NAN);
                sal_db_bind_num(st, 13, d == h ? c->var_indep[i] : NAN);
                sal_db_bind_num(st, 14,
                         d == h ? sal_compare_ratio(c->var_indep[i], c->var_diff[i]) : NAN);
                step(w, st);
            }
        sal_date_format(start + h, date);
        for (size_t e = 0; w->rc == SAL_OK && e < c->nevents; e++) {
            double pa = p->ce[e * 2], pb = p->ce[e * 2 + 1];
            sal_db_bind_text(st, 1, a->variants[v]);
            sqlite3_bind_text(st, 2, "event", -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, a->events[c->event_a[e]], -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 4, h);
            sqlite3_bind_text(st, 5, date, -1, SQLITE_TRANSIENT);
            sal_db_bind_num(st, 6, pa);
            sal_db_bind_num(st, 7, pb);
            sal_db_bind_num(st, 8, pb - pa);
            for (int k = 9; k <= 11; k++)
                sqlite3_bind_null(st, k);
            sal_db_bind_num(st, 12, c->event_var_diff[e]);
            sal_db_bind_num(st, 13, c->event_var_indep[e]);
            sal_db_bind_num(st, 14, sal_compare_ratio(c->event_var_indep[e], c->event_var_diff[e]));
            step(w, st);
        }
    }
    sqlite3_finalize(st);
}

static void db_sobol(dbw *w, const sal_study *s)
{
    const sal_theses *t = s->theses;
    sqlite3_stmt *st = prep(w, "INSERT INTO sobol VALUES (?,?,?,?,?,?,?,?)");
    for (size_t k = 0; w->rc == SAL_OK && k < t->nsobol; k++) {
        const sal_sobol_indices *ix = &s->sobol[k];
        for (size_t i = 0; s->sobol_ok[k] && i < ix->k && w->rc == SAL_OK; i++) {
            sal_db_bind_text(st, 1, t->sobol_metrics[k]);
            sal_db_bind_text(st, 2, s->base->uncertain[i].name);
            const double v[6] = {ix->s1[i], ix->s1_lo[i], ix->s1_hi[i],
                                 ix->st[i], ix->st_lo[i], ix->st_hi[i]};
            for (int c = 0; c < 6; c++)
                sal_db_bind_num(st, 3 + c, v[c]);
            step(w, st);
        }
    }
    sqlite3_finalize(st);
}

static void db_theses(dbw *w, const sal_study *s)
{
    const sal_theses *t = s->theses;
    sqlite3_stmt *st = prep(w, "INSERT INTO theses VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (size_t i = 0; w->rc == SAL_OK && i < t->ntheses; i++) {
        const sal_thesis *h = &t->theses[i];
        const sal_thesis_result *r = &s->results[i];
        char test[300], expect[100];
        sal_thesis_describe(h, s->base, test, sizeof test, expect, sizeof expect);
        sal_db_bind_text(st, 1, h->id);
        sqlite3_bind_int(st, 2, (int)i);
        sal_db_bind_text(st, 3, h->seed);
        sal_db_bind_text(st, 4, h->claim);
        sal_db_bind_text(st, 5, test);
        sal_db_bind_text(st, 6, expect);
        int ok = s->evaluated[i];
        sal_db_bind_num(st, 7, ok ? r->value : NAN);
        sal_db_bind_num(st, 8, ok ? r->lo : NAN);
        sal_db_bind_num(st, 9, ok ? r->hi : NAN);
        sal_db_bind_num(st, 10, ok ? r->probability : NAN);
        sal_db_bind_text(st, 11, ok ? sal_verdict_name(r->verdict) : NULL);
        sal_db_bind_text(st, 12, ok ? r->summary : "not evaluated (the study was interrupted)");
        sal_db_bind_text(st, 13, h->compare); /* the variant a compare test compares, else NULL */
        step(w, st);
    }
    sqlite3_finalize(st);
}

/* How to cite each seed file (the theses file's 'seeds'). */
static void db_seeds(dbw *w, const sal_study *s)
{
    const sal_theses *t = s->theses;
    sqlite3_stmt *st = prep(w, "INSERT INTO seeds VALUES (?,?)");
    for (size_t i = 0; w->rc == SAL_OK && i < t->nseeds; i++) {
        sal_db_bind_text(st, 1, t->seed_file[i]);
        sal_db_bind_text(st, 2, t->seed_cite[i]);
        step(w, st);
    }
    sqlite3_finalize(st);
}

static void db_parameters(dbw *w, const sal_study *s)
{
    sal_provenance_row *rows;
    size_t n;
    if (w->rc == SAL_OK && sal_model_provenance(s->base, &rows, &n) != SAL_OK) {
        w->rc = SAL_ENOMEM;
        return;
    }
    if (w->rc != SAL_OK)
        return;
    sqlite3_stmt *st = prep(w, "INSERT INTO parameters VALUES (?,?,?,?,?,?)");
    for (size_t i = 0; w->rc == SAL_OK && i < n; i++) {
        sal_db_bind_text(st, 1, rows[i].path);
        sqlite3_bind_int(st, 2, (int)i);
        sqlite3_bind_text(st, 3, rows[i].uncertain ? "uncertain" : "fixed", -1, SQLITE_STATIC);
        sal_db_bind_text(st, 4, rows[i].value);
        sal_db_bind_text(st, 5, rows[i].source);
        sal_db_bind_text(st, 6, rows[i].description);
        step(w, st);
    }
    sqlite3_finalize(st);
    sal_provenance_free(rows, n);
}

/* The discovery questions (src/analysis/study_disc.c): the tables of
 * `salient discover`, one question per number, file order. */
static void db_discover(dbw *w, const sal_study *s)
{
    const sal_theses *t = s->theses;
    if (w->rc != SAL_OK || t->nquestions == 0 || !s->disc_runs)
        return;
    w->rc = sal_disc_db_create(w->db);
    for (size_t i = 0; w->rc == SAL_OK && i < t->nquestions; i++) {
        const sal_question *q = &t->questions[i];
        const char *why = s->disc[i] ? NULL
                          : s->disc_why[i][0] ? s->disc_why[i]
                                              : "not answered (the study was interrupted)";
        sal_disc_meta m = {.method = q->cart ? "cart" : "prim", .where = q->where,
                           .seed = s->opts.seed, .threshold = q->threshold > 0 ? q->threshold : 0.8,
                           .id = q->id, .question = q->question, .seed_file = q->seed,
                           .claim = q->claim, .why = why};
        w->rc = sal_disc_db_add(w->db, (int)i + 1, s->disc[i], s->disc_runs, s->disc_y[i], &m);
    }
}

/* discover.csv: the boxes of every question, after its id. */
static int write_discover_csv(FILE *f, const sal_study *s)
{
    const sal_theses *t = s->theses;
    int rc = fputs("question," SAL_DISC_BOXES_HEADER "\n", f) < 0 ? SAL_EIO : SAL_OK;
    for (size_t i = 0; rc == SAL_OK && s->disc && i < t->nquestions; i++)
        rc = sal_disc_csv_boxes(f, t->questions[i].id, s->disc[i], s->disc_runs);
    return rc;
}

static void db_meta(dbw *w, const char *key, const char *value)
{
    sqlite3_stmt *st = prep(w, "INSERT OR REPLACE INTO metadata VALUES (?, ?)");
    sal_db_bind_text(st, 1, key);
    sal_db_bind_text(st, 2, value);
    step(w, st);
    sqlite3_finalize(st);
}

/* The ensemble's tables (sal_results_db_*), then the study's in a second
 * transaction on the same (temporary) file. */
static int write_db(const sal_study *s, const char *path)
{
    const sal_model *m = s->base;
    sal_results_db *rdb = NULL;
    int rc = sal_results_db_open(&rdb, path, m);
    size_t nrec = m->nuncertain + m->nmetrics;
    for (uint64_t r = 0; rc == SAL_OK && r < s->runs_done; r++)
        rc = sal_results_db_add_run(rdb, r, s->records + r * nrec, s->records + r * nrec +
                                                                       m->nuncertain);
    if (rc == SAL_OK)
        rc = sal_results_db_finish(rdb, s->summary, s->opts.seed, s->opts.runs,
                                   s->partial);
    sal_results_db_close(rdb);
    if (rc != SAL_OK)
        return rc;
    dbw w = {NULL, SAL_OK};
    if (sqlite3_open_v2(path, &w.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(w.db);
        return SAL_EIO;
    }
    if (sqlite3_exec(w.db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;", NULL,
                     NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(w.db, schema, NULL, NULL, NULL) != SQLITE_OK)
        w.rc = SAL_EIO;
    char buf[64];
    db_meta(&w, "title", m->name);
    db_meta(&w, "description", m->description);
    db_meta(&w, "study", "1");
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)s->opts.sobol_base);
    db_meta(&w, "sobol_base", buf);
    db_curves(&w, s);
    db_variants(&w, s);
    db_compare(&w, s);
    db_sobol(&w, s);
    db_theses(&w, s);
    db_seeds(&w, s);
    db_parameters(&w, s);
    db_discover(&w, s);
    if (w.rc == SAL_OK)
        w.rc = sal_db_seal(w.db);
    if (w.rc == SAL_OK && sqlite3_exec(w.db, "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
        w.rc = SAL_EIO;
    if (sqlite3_close(w.db) != SQLITE_OK && w.rc == SAL_OK)
        w.rc = SAL_EIO;
    return w.rc;
}

enum { F_QUANT, F_EVENTS, F_RUNS, F_COMPARE, F_SOBOL, F_THESES, F_DB, F_DISC, NFILES };
static const char *const names[NFILES] = {"quantiles.csv", "events.csv", "runs.csv",
                                          "compare.csv",   "sobol.csv",  "theses.csv",
                                          "results.sqlite", "discover.csv"};

int sal_study_write(const sal_study *s, const char *dir, sal_diags *diags)
{
    const sal_model *m = s->base;
    if (!s->summary)
        return SAL_EINPUT;
    if (sal_mkdirs(dir) != SAL_OK) {
        sal_diags_add(diags, dir, 0, 0, "cannot create the directory: %s", strerror(errno));
        return SAL_EIO;
    }
    sal_outfile *f[NFILES] = {NULL};
    int rc = SAL_OK;
    /* discover.csv only for a theses file that asks discovery questions */
    int nf = s->theses->nquestions ? NFILES : F_DISC;
    for (int i = 0; i < nf && rc == SAL_OK; i++)
        rc = sal_outfile_open(&f[i], dir, names[i], i != F_DB);
    if (rc == SAL_OK) {
        size_t nrec = m->nuncertain + m->nmetrics;
        rc |= sal_ensemble_write_quantiles(sal_outfile_stream(f[F_QUANT]), m, s->summary);
        rc |= sal_ensemble_write_events(sal_outfile_stream(f[F_EVENTS]), m, s->summary);
        rc |= sal_ensemble_write_runs_header(sal_outfile_stream(f[F_RUNS]), m);
        for (uint64_t r = 0; r < s->runs_done && rc == SAL_OK; r++)
            rc = sal_ensemble_write_run(sal_outfile_stream(f[F_RUNS]), m, r, s->records + r * nrec,
                                        s->records + r * nrec + m->nuncertain);
        rc |= write_compare_csv(sal_outfile_stream(f[F_COMPARE]), s);
        rc |= write_sobol_csv(sal_outfile_stream(f[F_SOBOL]), s);
        rc |= write_theses_csv(sal_outfile_stream(f[F_THESES]), s);
        if (nf > F_DISC)
            rc |= write_discover_csv(sal_outfile_stream(f[F_DISC]), s);
        for (int i = 0; i < nf; i++)
            rc |= sal_outfile_close(f[i]);
        if (rc == SAL_OK)
            rc = write_db(s, sal_outfile_temp_path(f[F_DB]));
    }
    /* the marker first, so that partial results never appear unmarked */
    char path[4200];
    snprintf(path, sizeof path, "%s/PARTIAL", dir);
    if (rc == SAL_OK && s->partial) {
        sal_outfile *p;
        rc = sal_outfile_open(&p, dir, "PARTIAL", 1);
        if (rc == SAL_OK) {
            fprintf(sal_outfile_stream(p), "interrupted: the study stopped before its end; the files hold the "
                         "parts finished (%llu of %llu base runs)\n",
                    (unsigned long long)s->runs_done, (unsigned long long)s->opts.runs);
            rc = sal_outfile_close(p);
            if (rc == SAL_OK)
                rc = sal_outfile_commit(p);
            sal_outfile_abort(p);
        }
    } else if (rc == SAL_OK) {
        unlink(path); /* a complete result replaces an earlier partial one */
    }
    for (int i = 0; i < nf && rc == SAL_OK; i++)
        rc = sal_outfile_commit(f[i]);
    for (int i = 0; i < nf; i++)
        sal_outfile_abort(f[i]);
    if (rc != SAL_OK) {
        sal_diags_add(diags, dir, 0, 0, "cannot write the results: %s",
                      errno ? strerror(errno) : "error");
        return rc == SAL_ENOMEM ? SAL_ENOMEM : SAL_EIO;
    }
    return SAL_OK;
}

/* ---- Markdown -------------------------------------------------------------- */

/* A table cell: pipes escaped, newlines as spaces. */
static void md_cell(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
}

static void md_num(FILE *f, double x)
{
    if (isnan(x))
        fputs("n/a", f);
    else if (fabs(x) >= 1000)
        fprintf(f, "%.0f", x);
    else
        fprintf(f, "%.3g", x);
}

/* Box b's restrictions: "x >= 3 (85%); y in [1, 2] (40%)", the
 * percentages the bootstrap's stability (when run). */
static void md_box(FILE *f, const sal_disc_result *r, const sal_disc_runs *runs, size_t b)
{
    const sal_disc_box *x = &r->boxes[b];
    size_t k = 0;
    for (size_t j = 0; j < r->p; j++) {
        if (isnan(x->qp[j]))
            continue;
        const sal_disc_range *g = &x->box.range[j];
        fprintf(f, "%s`", k++ ? "; " : "");
        md_cell(f, runs->inputs[j]);
        fputc('`', f);
        if (r->nlevels[j]) {
            fputs(" in {", f);
            for (size_t l = 0, n = 0; l < r->nlevels[j]; l++)
                if (g->levels >> l & 1)
                    fprintf(f, "%s%.6g", n++ ? ", " : "", r->levels[j * SAL_DISC_MAX_LEVELS + l]);
            fputc('}', f);
        } else if (isinf(g->lower) || isinf(g->upper)) {
            fputs(isinf(g->lower) ? " <= " : " >= ", f);
            md_num(f, isinf(g->lower) ? g->upper : g->lower);
        } else {
            fputs(" in [", f);
            md_num(f, g->lower);
            fputs(", ", f);
            md_num(f, g->upper);
            fputc(']', f);
        }
        if (!isnan(x->stability[j]))
            fprintf(f, " (%.0f%%)", 100 * x->stability[j]);
    }
    if (k == 0)
        fputs("no input restricted", f);
}

/* The discovery questions: each one's first box, or why it has none. */
static void md_questions(const sal_study *s, FILE *f)
{
    const sal_theses *t = s->theses;
    if (!t->nquestions || !s->disc_runs)
        return;
    fputs("\n| question | condition | cases of interest | first box (stability) | coverage | "
          "density | mass |\n|---|---|---|---|---|---|---|\n",
          f);
    for (size_t i = 0; i < t->nquestions; i++) {
        const sal_question *q = &t->questions[i];
        const sal_disc_result *r = s->disc[i];
        fputs("| ", f);
        md_cell(f, q->question ? q->question : q->id);
        fputs(" | `", f);
        md_cell(f, q->where);
        fputs("` | ", f);
        if (s->disc_y[i])
            fprintf(f, "%zu of %zu", s->disc_cases[i], s->disc_runs->n);
        fputs(" | ", f);
        if (!r || r->nboxes == 0) {
            fputs("none: ", f);
            md_cell(f, r ? "no leaf where the cases are the majority" : s->disc_why[i]);
            fputs(" | | | |\n", f);
            continue;
        }
        md_box(f, r, s->disc_runs, 0);
        const sal_disc_step *b = &r->boxes[0].box;
        fprintf(f, " | %.0f%% | %.0f%%%s | %.0f%% |\n", 100 * b->coverage, 100 * b->density,
                r->boxes[0].met ? "" : " (below the threshold)", 100 * b->mass);
    }
}

int sal_study_write_markdown(const sal_study *s, FILE *f)
{
    const sal_theses *t = s->theses;
    const sal_model *m = s->base;
    char d1[11];
    sal_date_format(start_of(m) + m->horizon, d1);
    fprintf(f, "Scenario `%s` (%s), %llu runs per variant, seed %llu, horizon %s%s.\n\n",
            t->scenario, m->name ? m->name : "", (unsigned long long)s->runs_done,
            (unsigned long long)s->opts.seed, d1, s->partial ? " (PARTIAL: interrupted)" : "");
    fputs("| thesis | seed | claim | test | expect | value [90% interval] | share on the "
          "predicted side | verdict |\n|---|---|---|---|---|---|---|---|\n",
          f);
    for (size_t i = 0; i < t->ntheses; i++) {
        const sal_thesis *h = &t->theses[i];
        const sal_thesis_result *r = &s->results[i];
        char test[300], expect[100];
        sal_thesis_describe(h, m, test, sizeof test, expect, sizeof expect);
        fputs("| ", f);
        md_cell(f, h->id);
        fputs(" | ", f);
        if (h->seed) {
            fputc('`', f);
            md_cell(f, h->seed);
            fputc('`', f);
        }
        fputs(" | ", f);
        md_cell(f, h->claim);
        fputs(" | ", f);
        md_cell(f, test);
        fputs(" | ", f);
        md_cell(f, expect);
        fputs(" | ", f);
        if (!s->evaluated[i]) {
            fputs("not evaluated | | |\n", f);
            continue;
        }
        md_num(f, r->value);
        fputs(" [", f);
        md_num(f, r->lo);
        fputs(", ", f);
        md_num(f, r->hi);
        fputs("] | ", f);
        if (isnan(r->probability))
            fputs("n/a", f);
        else
            fprintf(f, "%.0f%%", 100 * r->probability);
        fprintf(f, " | **%s** |\n", sal_verdict_name(r->verdict));
    }
    fputc('\n', f);
    for (size_t i = 0; i < t->ntheses; i++) {
        if (!s->evaluated[i])
            continue;
        fputs("- **", f);
        md_cell(f, t->theses[i].id);
        fputs("**: ", f);
        md_cell(f, s->results[i].summary);
        fputc('\n', f);
    }
    md_questions(s, f);
    return ferror(f) ? SAL_EIO : SAL_OK;
}

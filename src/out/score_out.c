/* salient — the scores of a forecast as files: DIR/scores.csv,
 * DIR/scores_summary.csv, and the tables scores and scores_summary in
 * DIR/results.sqlite (salient/score.h, docs/scores.md). */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "salient/date.h"
#include "salient/ensemble.h"
#include "salient/obs.h"
#include "salient/score.h"
#include "out/db_bind.h"
#include "out/db_seal.h"

static const char *kind_name(int k)
{
    static const char *const names[] = {"value", "at_least", "at_most", "range", "event"};
    return k >= 0 && k <= 4 ? names[k] : "?";
}

static const char *quantity_name(const sal_obs_set *o, size_t i)
{
    int q = sal_obs_quantity(o, i);
    if (sal_obs_is_event(o, i))
        return q == SAL_OBS_EV_ON ? "on" : "by";
    return q == SAL_OBS_CHANGE ? "change" : q == SAL_OBS_PER_DAY ? "per_day" : "on_day";
}

/* The text columns of report i: first, last, reported dates. */
typedef struct {
    char first[16], last[16], reported[16];
} dates;

static void dates_of(const sal_model *m, const sal_obs_set *o, size_t i, dates *d)
{
    long start = sal_date_to_days(m->start_year, m->start_month, m->start_day);
    int32_t a, b;
    sal_obs_days(o, i, &a, &b);
    sal_date_format(start + a, d->first);
    sal_date_format(start + b, d->last);
    sal_date_format(start + sal_obs_reported_day(o, i), d->reported);
}

/* The numbers of a row, in the CSV's order from lo. */
enum { NNUM = 17 };
static void numbers(const sal_obs_set *o, const sal_score_report *r, double *x)
{
    const sal_score_row *s = &r->s;
    double v[NNUM] = {sal_obs_lo(o, r->report), sal_obs_hi(o, r->report), s->q05, s->q25, s->q50,
                      s->q75, s->q95, s->pit_lo, s->pit_hi, s->crps, s->is50, s->is90, s->prob,
                      s->log_score, s->brier, s->in50 >= 0 ? s->in50 : NAN,
                      s->in90 >= 0 ? s->in90 : NAN};
    memcpy(x, v, sizeof v);
}

static const char *const num_cols[NNUM] = {
    "lo", "hi", "p05", "p25", "p50", "p75", "p95", "pit_lo", "pit_hi", "crps", "is50", "is90",
    "probability", "log_score", "brier", "in50", "in90"};

static void put_num(FILE *f, double x)
{
    char b[40];
    /* infinite bounds (at_least's hi, at_most's lo) as empty fields */
    sal_fmt_num(b, sizeof b, isfinite(x) ? x : NAN);
    fputc(',', f);
    fputs(b, f);
}

int sal_scores_write_csv(FILE *f, const sal_model *m, const sal_obs_set *o,
                         const sal_score_report *rows)
{
    fputs("report,metric,kind,quantity,first,last,reported,set", f);
    for (int k = 0; k < NNUM; k++)
        fprintf(f, ",%s", num_cols[k]);
    fputs(",source\n", f);
    for (size_t i = 0; i < sal_obs_count(o); i++) {
        const sal_score_report *r = &rows[i];
        dates d;
        dates_of(m, o, r->report, &d);
        sal_csv_field(f, sal_obs_label(o, r->report));
        fputc(',', f);
        sal_csv_field(f, sal_obs_metric(o, r->report));
        fprintf(f, ",%s,%s,%s,%s,%s,%s", kind_name(sal_obs_kind(o, r->report)),
                quantity_name(o, r->report), d.first, d.last, d.reported,
                r->test ? "test" : "fit");
        double x[NNUM];
        numbers(o, r, x);
        for (int k = 0; k < NNUM; k++)
            put_num(f, x[k]);
        fputc(',', f);
        sal_csv_field(f, sal_obs_source(o, r->report) ? sal_obs_source(o, r->report) : "");
        fputc('\n', f);
    }
    return ferror(f) ? SAL_EIO : SAL_OK;
}

static const char *const sum_cols[] = {"reports", "values", "probabilities", "coverage50",
                                       "coverage90", "crps", "is50", "is90", "log_score",
                                       "brier", "crps_reference", "crps_skill"};
enum { NSUM = sizeof sum_cols / sizeof *sum_cols };

static void sum_numbers(const sal_score_summary *r, double *x)
{
    double v[NSUM] = {(double)r->reports, (double)r->values, (double)r->probs, r->coverage50,
                      r->coverage90, r->crps, r->is50, r->is90, r->log_score, r->brier,
                      r->crps_reference, r->crps_skill};
    memcpy(x, v, sizeof v);
}

int sal_scores_write_summary_csv(FILE *f, const sal_score_summary *s, size_t n)
{
    fputs("set,metric", f);
    for (int k = 0; k < NSUM; k++)
        fprintf(f, ",%s", sum_cols[k]);
    fputc('\n', f);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s,", s[i].test ? "test" : "fit");
        sal_csv_field(f, s[i].metric ? s[i].metric : "(all)");
        double x[NSUM];
        sum_numbers(&s[i], x);
        for (int k = 0; k < NSUM; k++)
            put_num(f, x[k]);
        fputc('\n', f);
    }
    return ferror(f) ? SAL_EIO : SAL_OK;
}

/* ---- SQLite --------------------------------------------------------------- */

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? SAL_OK : SAL_EIO;
}

static int put_scores(sqlite3 *db, const sal_model *m, const sal_obs_set *o,
                      const sal_score_report *rows)
{
    char sql[1024] = "CREATE TABLE scores (report TEXT, metric TEXT, kind TEXT, quantity TEXT,"
                     " first TEXT, last TEXT, reported TEXT, \"set\" TEXT";
    for (int k = 0; k < NNUM; k++)
        snprintf(sql + strlen(sql), sizeof sql - strlen(sql), ", \"%s\" REAL", num_cols[k]);
    snprintf(sql + strlen(sql), sizeof sql - strlen(sql), ", source TEXT);");
    sqlite3_stmt *st = NULL;
    if (exec(db, sql) != SAL_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO scores VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                               "?,?,?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK)
        return SAL_EIO;
    int rc = SAL_OK;
    for (size_t i = 0; rc == SAL_OK && i < sal_obs_count(o); i++) {
        const sal_score_report *r = &rows[i];
        dates d;
        dates_of(m, o, r->report, &d);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, sal_obs_label(o, r->report), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, sal_obs_metric(o, r->report), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, kind_name(sal_obs_kind(o, r->report)), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, quantity_name(o, r->report), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, d.first, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 6, d.last, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 7, d.reported, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 8, r->test ? "test" : "fit", -1, SQLITE_STATIC);
        double x[NNUM];
        numbers(o, r, x);
        for (int k = 0; k < NNUM; k++)
            sal_db_bind_num(st, 9 + k, x[k]);
        sqlite3_bind_text(st, 9 + NNUM, sal_obs_source(o, r->report), -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = SAL_EIO;
    }
    sqlite3_finalize(st);
    return rc;
}

static int put_summary(sqlite3 *db, const sal_score_summary *s, size_t n)
{
    char sql[1024] = "CREATE TABLE scores_summary (\"set\" TEXT, metric TEXT";
    for (int k = 0; k < NSUM; k++)
        snprintf(sql + strlen(sql), sizeof sql - strlen(sql), ", \"%s\" REAL", sum_cols[k]);
    snprintf(sql + strlen(sql), sizeof sql - strlen(sql), ");");
    sqlite3_stmt *st = NULL;
    if (exec(db, sql) != SAL_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO scores_summary VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return SAL_EIO;
    int rc = SAL_OK;
    for (size_t i = 0; rc == SAL_OK && i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, s[i].test ? "test" : "fit", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, s[i].metric ? s[i].metric : "(all)", -1, SQLITE_STATIC);
        double x[NSUM];
        sum_numbers(&s[i], x);
        for (int k = 0; k < NSUM; k++)
            sal_db_bind_num(st, 3 + k, x[k]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = SAL_EIO;
    }
    sqlite3_finalize(st);
    return rc;
}

static int put_meta(sqlite3 *db, const char *key, const char *value)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO metadata VALUES (?, ?)", -1, &st, NULL) !=
        SQLITE_OK)
        return SAL_EIO;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? SAL_OK : SAL_EIO;
    sqlite3_finalize(st);
    return rc;
}

int sal_scores_write_db(const char *path, const sal_model *m, const sal_obs_set *o,
                        const sal_score_report *rows, const sal_score_summary *s, size_t n,
                        const char *obs_path, int32_t as_of)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return SAL_EIO;
    }
    char date[16];
    sal_date_format(sal_date_to_days(m->start_year, m->start_month, m->start_day) + as_of, date);
    int rc = exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;"
                      "DROP TABLE IF EXISTS scores; DROP TABLE IF EXISTS scores_summary;");
    if (rc == SAL_OK)
        rc = put_scores(db, m, o, rows);
    if (rc == SAL_OK)
        rc = put_summary(db, s, n);
    if (rc == SAL_OK)
        rc = put_meta(db, "scores_observations", obs_path);
    if (rc == SAL_OK)
        rc = put_meta(db, "scores_as_of", date);
    if (rc == SAL_OK) /* the new tables under the database's seal too */
        rc = sal_db_seal(db);
    if (rc == SAL_OK)
        rc = exec(db, "COMMIT; VACUUM;");
    sqlite3_close(db);
    return rc;
}

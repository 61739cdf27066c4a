/* salient — the seal of a results database (src/out/db_seal.h).
 *
 * SQLite's quick_check finds damaged pages and indexes, not a flipped bit
 * inside a value: a metric's name or a mean can change and the file still
 * reads.  So the writer stores, for every table, its row count and a hash
 * of its content (FNV-1a 64 over each value's type tag and bytes, rows in
 * rowid order: sal_hash_bytes), and the reader recomputes them.  The hash
 * guards against damage, not an adversary (who could rewrite it too); the
 * type and range checks below catch what a hand-edited database could hold
 * (text in a numeric column, a probability of 3). */
#include "out/db_seal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "salient/ensemble.h"
#include "salient/out.h"

int sal_db_table_hash(sqlite3 *db, const char *t, uint64_t *hash, sqlite3_int64 *rows)
{
    /* rows in rowid order; a WITHOUT ROWID table (paths, run_events) has
     * none, and a plain scan of it goes in its primary key's order */
    char *sql = sqlite3_mprintf("SELECT * FROM \"%w\" ORDER BY rowid", t);
    sqlite3_stmt *st = NULL;
    int rc = sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK ? SAL_OK : SAL_EIO;
    sqlite3_free(sql);
    if (rc != SAL_OK) {
        sql = sqlite3_mprintf("SELECT * FROM \"%w\"", t);
        rc = sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK ? SAL_OK : SAL_EIO;
        sqlite3_free(sql);
    }
    uint64_t h = 0;
    *rows = 0;
    int step;
    while (rc == SAL_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        ++*rows;
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            unsigned char tag = (unsigned char)sqlite3_column_type(st, c), b[8];
            h = sal_hash_bytes(&tag, 1, h);
            if (tag == SQLITE_INTEGER || tag == SQLITE_FLOAT) {
                uint64_t u;
                if (tag == SQLITE_INTEGER) {
                    u = (uint64_t)sqlite3_column_int64(st, c);
                } else {
                    double x = sqlite3_column_double(st, c);
                    memcpy(&u, &x, sizeof u);
                }
                for (int i = 0; i < 8; i++)
                    b[i] = (unsigned char)(u >> (8 * i));
                h = sal_hash_bytes(b, 8, h);
            } else if (tag == SQLITE_TEXT || tag == SQLITE_BLOB) {
                const void *p = tag == SQLITE_TEXT ? (const void *)sqlite3_column_text(st, c)
                                                   : sqlite3_column_blob(st, c);
                uint64_t n = (uint64_t)sqlite3_column_bytes(st, c);
                for (int i = 0; i < 8; i++)
                    b[i] = (unsigned char)(n >> (8 * i));
                h = sal_hash_bytes(b, 8, h);
                if (p && n)
                    h = sal_hash_bytes(p, (size_t)n, h);
            }
        }
    }
    if (rc == SAL_OK && step != SQLITE_DONE)
        rc = SAL_EIO;
    sqlite3_finalize(st);
    *hash = h;
    return rc;
}

int sal_db_seal(sqlite3 *db)
{
    if (sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS integrity (name TEXT PRIMARY KEY, "
                         "rows INTEGER, hash TEXT); DELETE FROM integrity;",
                     NULL, NULL, NULL) != SQLITE_OK)
        return SAL_EIO;
    sqlite3_stmt *names = NULL, *ins = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                    "name <> 'integrity' ORDER BY name", -1, &names,
                                NULL) == SQLITE_OK &&
                     sqlite3_prepare_v2(db, "INSERT INTO integrity VALUES (?, ?, ?)", -1, &ins,
                                        NULL) == SQLITE_OK
                 ? SAL_OK
                 : SAL_EIO;
    /* the names first: inserting while reading sqlite_master is not allowed to change it,
     * but integrity's rows are not tables, so the two do not interfere */
    while (rc == SAL_OK && sqlite3_step(names) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(names, 0);
        uint64_t h;
        sqlite3_int64 rows;
        char hex[17];
        rc = sal_db_table_hash(db, t, &h, &rows);
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
        sqlite3_reset(ins);
        sqlite3_bind_text(ins, 1, t, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 2, rows);
        sqlite3_bind_text(ins, 3, hex, -1, SQLITE_TRANSIENT);
        if (rc == SAL_OK && sqlite3_step(ins) != SQLITE_DONE)
            rc = SAL_EIO;
    }
    sqlite3_finalize(names);
    sqlite3_finalize(ins);
    return rc;
}

/* The first value of a one-value query, as text into buf ("" if none). */
static int query_text(sqlite3 *db, const char *sql, char *buf, size_t n)
{
    sqlite3_stmt *st = NULL;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int refuse(sal_diags *d, const char *path, const char *fmt, const char *a, const char *b)
{
    char msg[600];
    snprintf(msg, sizeof msg, fmt, a, b);
    sal_diags_add(d, path, 0, 0, "%s; the database is damaged or was edited: rebuild it with the "
                                 "command that wrote it (nothing was read from it or written)", msg);
    return SAL_EINPUT;
}

/* Every table against its seal. */
static int check_seal(sqlite3 *db, const char *path, sal_diags *d)
{
    char fmt[64];
    if (query_text(db, "SELECT value FROM metadata WHERE key = 'format'", fmt, sizeof fmt) != 0)
        fmt[0] = '\0';
    char have[8];
    query_text(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'integrity'",
               have, sizeof have);
    if (!have[0]) /* hand-made or older databases have none; ours since format 2 do */
        return strcmp(fmt, "salient-ensemble 1") == 0 || !fmt[0]
                   ? SAL_OK
                   : refuse(d, path, "table integrity: missing%s%s", "", "");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT m.name, i.rows, i.hash FROM sqlite_master m LEFT JOIN "
                               "integrity i ON i.name = m.name WHERE m.type = 'table' AND "
                               "m.name <> 'integrity'",
                           -1, &st, NULL) != SQLITE_OK)
        return refuse(d, path, "table integrity: cannot be read (%s)%s", sqlite3_errmsg(db), "");
    int rc = SAL_OK;
    while (rc == SAL_OK && sqlite3_step(st) == SQLITE_ROW) {
        char t[256], want[32];
        snprintf(t, sizeof t, "%s", (const char *)sqlite3_column_text(st, 0));
        if (sqlite3_column_type(st, 2) == SQLITE_NULL) {
            rc = refuse(d, path, "table %s: not listed in the table integrity%s", t, "");
            break;
        }
        snprintf(want, sizeof want, "%s", (const char *)sqlite3_column_text(st, 2));
        sqlite3_int64 rows_want = sqlite3_column_int64(st, 1), rows;
        uint64_t h;
        char hex[17];
        if (sal_db_table_hash(db, t, &h, &rows) != SAL_OK)
            rc = refuse(d, path, "table %s: cannot be read%s", t, "");
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
        if (rc == SAL_OK && (rows != rows_want || strcmp(hex, want) != 0))
            rc = refuse(d, path, "table %s: its content does not match its hash %s in the "
                                 "table integrity", t, want);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Known columns and the condition a bad value meets (when the table is
 * there): numbers where numbers belong, probabilities in [0, 1]. */
static const struct {
    const char *table, *column, *bad;
} checks[] = {
    {"quantiles", "metric", "typeof(metric) <> 'text'"},
    {"quantiles", "day", "typeof(day) <> 'integer' OR day < 0"},
    {"quantiles", "mean", "typeof(mean) NOT IN ('real', 'integer', 'null')"},
    {"quantiles", "p05", "typeof(p05) NOT IN ('real', 'integer', 'null')"},
    {"quantiles", "p25", "typeof(p25) NOT IN ('real', 'integer', 'null')"},
    {"quantiles", "p50", "typeof(p50) NOT IN ('real', 'integer', 'null')"},
    {"quantiles", "p75", "typeof(p75) NOT IN ('real', 'integer', 'null')"},
    {"quantiles", "p95", "typeof(p95) NOT IN ('real', 'integer', 'null')"},
    {"events", "event", "typeof(event) <> 'text'"},
    {"events", "probability",
     "typeof(probability) NOT IN ('real', 'integer', 'null') OR probability < 0 OR "
     "probability > 1"},
    {"events", "p05", "typeof(p05) NOT IN ('integer', 'null') OR p05 < 0"},
    {"events", "p50", "typeof(p50) NOT IN ('integer', 'null') OR p50 < 0"},
    {"events", "p95", "typeof(p95) NOT IN ('integer', 'null') OR p95 < 0"},
    {"runs", "run", "typeof(run) <> 'integer' OR run < 0"},
    {"runs", "value", "typeof(value) NOT IN ('real', 'integer', 'null')"},
};

static int check_types(sqlite3 *db, const char *path, sal_diags *d)
{
    for (size_t i = 0; i < sizeof checks / sizeof *checks; i++) {
        char sql[400], buf[32];
        snprintf(sql, sizeof sql, "SELECT 1 FROM pragma_table_info('%s') WHERE name = '%s'",
                 checks[i].table, checks[i].column);
        if (query_text(db, sql, buf, sizeof buf) != 0 || !buf[0])
            continue; /* not there: the reader says so if it needs it */
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE %s", checks[i].table,
                 checks[i].bad);
        if (query_text(db, sql, buf, sizeof buf) != 0 || strcmp(buf, "0") != 0) {
            char col[160];
            snprintf(col, sizeof col, "%s.%s", checks[i].table, checks[i].column);
            return refuse(d, path, "table %s: column %s holds a value of the wrong type or "
                                   "out of range", checks[i].table, col);
        }
    }
    return SAL_OK;
}

int sal_db_verify(sqlite3 *db, const char *path, sal_diags *diags)
{
    char ok[256];
    if (query_text(db, "PRAGMA quick_check", ok, sizeof ok) != 0) {
        sal_diags_add(diags, path, 0, 0, "cannot be read as SQLite (%s); expected the "
                      "results.sqlite written by salient (nothing was read from it or written)",
                      sqlite3_errmsg(db));
        return SAL_EINPUT;
    }
    if (strcmp(ok, "ok") != 0) {
        sal_diags_add(diags, path, 0, 0, "the database fails SQLite's quick_check (%s); it is "
                      "damaged: rebuild it with the command that wrote it (nothing was read from "
                      "it or written)", ok);
        return SAL_EINPUT;
    }
    int rc = check_seal(db, path, diags);
    return rc == SAL_OK ? check_types(db, path, diags) : rc;
}

int sal_results_verify(const char *path, sal_diags *diags)
{
    /* fopen first: its errno names a missing file, which SQLite's read-only
     * open would only call "unable to open" */
    FILE *probe = path ? fopen(path, "rb") : NULL;
    if (!probe) {
        sal_diags_add(diags, path ? path : "(null)", 0, 0,
                      "cannot open the results database (%s)", strerror(errno));
        return SAL_EINPUT;
    }
    fclose(probe);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sal_diags_add(diags, path, 0, 0, "cannot be opened as SQLite (%s); expected the "
                      "results.sqlite written by salient", db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return db ? SAL_EINPUT : SAL_ENOMEM;
    }
    int rc = sal_db_verify(db, path, diags);
    sqlite3_close(db);
    return rc;
}

/* salient — the results of an ensemble or a comparison as files: CSV tables
 * and one SQLite database, each written under a temporary name and renamed
 * into place, so a reader never sees half a file.  Nothing written depends
 * on the number of threads, so the bytes are the same for any. */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "salient/date.h"
#include "salient/ensemble.h"
#include "out/db_bind.h"
#include "out/db_seal.h"
#include "salient/out.h"

/* ---- whole-or-nothing files ------------------------------------------- */

int sal_mkdirs(const char *path)
{
    char buf[4096];
    size_t n = path ? strlen(path) : 0;
    if (n == 0 || n >= sizeof buf)
        return SAL_EIO;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return SAL_EIO;
        buf[i] = c;
    }
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? SAL_OK : SAL_EIO;
}

struct sal_outfile {
    char tmp[4096];
    char final[4096];
    FILE *f;        /* NULL for a file written by another library (SQLite) */
    int state;      /* SAL_OUTFILE_NONE .. SAL_OUTFILE_COMMITTED */
};

static int open_into(sal_outfile *o, const char *dir, const char *name, int stream)
{
    int a = snprintf(o->final, sizeof o->final, "%s/%s", dir, name);
    /* the writer's pid in the name lets a later writer tell a temporary
     * left by a killed process (sal_outfile_sweep) from one in use */
    int b = snprintf(o->tmp, sizeof o->tmp, "%s/.%s.%ld.XXXXXX", dir, name, (long)getpid());
    if (a < 0 || b < 0 || (size_t)b >= sizeof o->tmp || (size_t)a >= sizeof o->final)
        return SAL_EIO;
    /* the rename would replace whatever has the name: a directory fails,
     * but a device, a pipe or a symbolic link (--out /dev/null, /dev/stdout)
     * would be swapped for a regular file, which as root destroys it */
    struct stat st;
    if (lstat(o->final, &st) == 0 && !S_ISREG(st.st_mode)) {
        errno = S_ISDIR(st.st_mode) ? EISDIR : EEXIST;
        return SAL_EIO;
    }
    int fd = mkstemp(o->tmp);
    if (fd < 0)
        return SAL_EIO;
    /* mkstemp makes 0600; results are ordinary files (0666 less the umask) */
    mode_t um = umask(0);
    umask(um);
    fchmod(fd, 0666 & ~um);
    if (!stream) {
        o->state = SAL_OUTFILE_PENDING;
        return close(fd) == 0 ? SAL_OK : SAL_EIO;
    }
    o->f = fdopen(fd, "w");
    if (!o->f) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        errno = e;
        return SAL_EIO;
    }
    o->state = SAL_OUTFILE_OPEN;
    return SAL_OK;
}

int sal_outfile_open(sal_outfile **out, const char *dir, const char *name, int stream)
{
    *out = NULL;
    sal_outfile *o = calloc(1, sizeof *o);
    if (!o)
        return SAL_ENOMEM;
    int rc = open_into(o, dir, name, stream);
    if (rc != SAL_OK) {
        int e = errno;
        free(o);
        errno = e;
        return rc;
    }
    *out = o;
    return SAL_OK;
}

/* path's directory into dir ("." without a slash, "/" at the root) and
 * its last name; -1 when path names no file or is too long. */
static int split_path(const char *path, char dir[4096], const char **name)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!path || !*path || (slash && !slash[1]))
        return -1;
    if (!slash) {
        strcpy(dir, ".");
        *name = path;
        return 0;
    }
    size_t n = (size_t)(slash - path);
    if (n >= 4096)
        return -1;
    memcpy(dir, path, n);
    dir[n] = '\0';
    if (!n)
        strcpy(dir, "/");
    *name = slash + 1;
    return 0;
}

int sal_outfile_open_path(sal_outfile **o, const char *path, int stream)
{
    char dir[4096];
    const char *name;
    *o = NULL;
    if (split_path(path, dir, &name) != 0)
        return SAL_EIO;
    return sal_outfile_open(o, dir, name, stream);
}

int sal_outfile_sweep_path(const char *path)
{
    char dir[4096];
    const char *name;
    return split_path(path, dir, &name) == 0 ? sal_outfile_sweep(dir, name) : 0;
}

FILE *sal_outfile_stream(const sal_outfile *o)
{
    return o ? o->f : NULL;
}

const char *sal_outfile_temp_path(const sal_outfile *o)
{
    return o ? o->tmp : NULL;
}

const char *sal_outfile_path(const sal_outfile *o)
{
    return o ? o->final : NULL;
}

int sal_outfile_state(const sal_outfile *o)
{
    return o ? o->state : SAL_OUTFILE_NONE;
}

int sal_outfile_sweep(const char *dir, const char *name)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    char pre[512];
    int np = snprintf(pre, sizeof pre, ".%s.", name);
    if (np < 0 || (size_t)np >= sizeof pre) {
        closedir(dp);
        return 0;
    }
    int removed = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (strncmp(de->d_name, pre, (size_t)np) != 0)
            continue;
        /* .NAME.PID.XXXXXX: six random characters after the pid */
        const char *p = de->d_name + np;
        char *end;
        errno = 0;
        long pid = strtol(p, &end, 10);
        if (end == p || errno || pid <= 0 || *end != '.' || strlen(end + 1) != 6)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* alive (or not ours to judge): in use */
        char path[4400];
        int n = snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (n > 0 && (size_t)n < sizeof path && unlink(path) == 0)
            removed++;
    }
    closedir(dp);
    return removed;
}

int sal_outfile_close(sal_outfile *o)
{
    if (!o || o->state != SAL_OUTFILE_OPEN)
        return o && o->state == SAL_OUTFILE_PENDING ? SAL_OK : SAL_EIO;
    int bad = ferror(o->f) != 0;
    bad |= fflush(o->f) != 0;
    bad |= fsync(fileno(o->f)) != 0 && errno != EINVAL;
    bad |= fclose(o->f) != 0;
    o->f = NULL;
    o->state = SAL_OUTFILE_PENDING;
    return bad ? SAL_EIO : SAL_OK;
}

int sal_outfile_commit(sal_outfile *o)
{
    if (!o || o->state != SAL_OUTFILE_PENDING || rename(o->tmp, o->final) != 0)
        return SAL_EIO;
    o->state = SAL_OUTFILE_COMMITTED;
    return SAL_OK;
}

void sal_outfile_abort(sal_outfile *o)
{
    if (!o)
        return;
    int e = errno; /* for the caller's message after a failed write */
    if (o->state == SAL_OUTFILE_OPEN && o->f)
        fclose(o->f);
    if (o->state == SAL_OUTFILE_OPEN || o->state == SAL_OUTFILE_PENDING)
        unlink(o->tmp);
    free(o);
    errno = e;
}

/* ---- CSV ---------------------------------------------------------------- */

void sal_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static const double qs[5] = {0.05, 0.25, 0.5, 0.75, 0.95};

static long start_day(const sal_model *m)
{
    return sal_date_to_days(m->start_year, m->start_month, m->start_day);
}

static void put_num(FILE *f, double x)
{
    char b[40];
    sal_fmt_num(b, sizeof b, x);
    fputc(',', f);
    fputs(b, f);
}

int sal_ensemble_write_quantiles(FILE *f, const sal_model *m, const sal_summary *s)
{
    fputs("metric,day,date,mean,p05,p25,p50,p75,p95\n", f);
    long start = start_day(m);
    char date[16];
    for (size_t k = 0; k < m->nmetrics; k++)
        for (int d = 0; d <= m->horizon; d++) {
            sal_csv_field(f, m->metrics[k].name);
            sal_date_format(start + d, date);
            fprintf(f, ",%d,%s", d, date);
            put_num(f, sal_summary_mean(s, (uint32_t)k, (uint32_t)d));
            for (int q = 0; q < 5; q++)
                put_num(f, sal_summary_quantile(s, (uint32_t)k, (uint32_t)d, qs[q]));
            fputc('\n', f);
        }
    return ferror(f) ? SAL_EIO : SAL_OK;
}

static void put_day(FILE *f, int32_t d)
{
    if (d >= 0)
        fprintf(f, ",%d", (int)d);
    else
        fputc(',', f);
}

int sal_ensemble_write_events(FILE *f, const sal_model *m, const sal_summary *s)
{
    fputs("event,probability,p05,p50,p95\n", f);
    for (size_t e = 0; e < m->nevents; e++) {
        sal_csv_field(f, m->events[e]);
        put_num(f, sal_summary_event_probability(s, (uint32_t)e));
        put_day(f, sal_summary_event_quantile(s, (uint32_t)e, 0.05));
        put_day(f, sal_summary_event_quantile(s, (uint32_t)e, 0.5));
        put_day(f, sal_summary_event_quantile(s, (uint32_t)e, 0.95));
        fputc('\n', f);
    }
    return ferror(f) ? SAL_EIO : SAL_OK;
}

int sal_ensemble_write_runs_header(FILE *f, const sal_model *m)
{
    fputs("run", f);
    for (size_t u = 0; u < m->nuncertain; u++) {
        fputc(',', f);
        sal_csv_field(f, m->uncertain[u].name);
    }
    for (size_t k = 0; k < m->nmetrics; k++) {
        fputc(',', f);
        sal_csv_field(f, m->metrics[k].name);
    }
    fputc('\n', f);
    return ferror(f) ? SAL_EIO : SAL_OK;
}

int sal_ensemble_write_run(FILE *f, const sal_model *m, uint64_t run, const double *inputs,
                           const double *last)
{
    fprintf(f, "%llu", (unsigned long long)run);
    for (size_t u = 0; u < m->nuncertain; u++)
        put_num(f, inputs[u]);
    for (size_t k = 0; k < m->nmetrics; k++)
        put_num(f, last[k]);
    fputc('\n', f);
    return ferror(f) ? SAL_EIO : SAL_OK;
}

int sal_ensemble_write_paths_header(FILE *f)
{
    fputs("run,date,metric,value\n", f);
    return ferror(f) ? SAL_EIO : SAL_OK;
}

int sal_ensemble_write_paths(FILE *f, const sal_model *m, const sal_paths_spec *p, uint64_t run,
                             const double *tail)
{
    long start = start_day(m);
    char date[16];
    for (size_t t = 0; t < p->ndays; t++) {
        sal_date_format(start + p->days[t], date);
        for (size_t k = 0; k < p->nmetrics; k++) {
            fprintf(f, "%llu,%s,", (unsigned long long)run, date);
            sal_csv_field(f, m->metrics[p->metrics[k]].name);
            put_num(f, tail[t * p->nmetrics + k]);
            fputc('\n', f);
        }
    }
    return ferror(f) ? SAL_EIO : SAL_OK;
}

int sal_ensemble_write_run_events_header(FILE *f)
{
    fputs("run,event,date\n", f);
    return ferror(f) ? SAL_EIO : SAL_OK;
}

int sal_ensemble_write_run_events(FILE *f, const sal_model *m, const sal_paths_spec *p,
                                  uint64_t run, const double *tail)
{
    const double *ev = tail + p->ndays * p->nmetrics;
    long start = start_day(m);
    char date[16] = "";
    for (size_t e = 0; p->events && e < m->nevents; e++) {
        fprintf(f, "%llu,", (unsigned long long)run);
        sal_csv_field(f, m->events[e]);
        if (ev[e] >= 0)
            sal_date_format(start + (long)ev[e], date);
        fprintf(f, ",%s\n", ev[e] >= 0 ? date : "");
    }
    return ferror(f) ? SAL_EIO : SAL_OK;
}

double sal_compare_ratio(double indep, double crn)
{
    if (isnan(indep) || isnan(crn))
        return NAN;
    if (crn == 0)
        return indep == 0 ? NAN : INFINITY;
    return indep / crn;
}

int sal_compare_write_header(FILE *f, int with_variant)
{
    if (with_variant)
        fputs("variant,", f);
    fputs("kind,name,day,date,a,b,diff_mean,diff_p05,diff_p50,diff_p95,var_crn,var_independent,"
          "variance_reduction\n",
          f);
    return ferror(f) ? SAL_EIO : SAL_OK;
}

/* The six numbers of common metric i on day d: A's mean, B's, and the
 * difference's mean, 5th, 50th and 95th percentiles. */
static void metric_numbers(const sal_compare *c, size_t i, int d, double q[6])
{
    uint32_t k = (uint32_t)i, day = (uint32_t)d;
    q[0] = sal_summary_mean(c->a, (uint32_t)c->metric_a[i], day);
    q[1] = sal_summary_mean(c->b, (uint32_t)c->metric_b[i], day);
    q[2] = sal_summary_mean(c->diff, k, day);
    q[3] = sal_summary_quantile(c->diff, k, day, 0.05);
    q[4] = sal_summary_quantile(c->diff, k, day, 0.5);
    q[5] = sal_summary_quantile(c->diff, k, day, 0.95);
}

/* The row's first fields: the variant (if any), the kind and the name. */
static void row_start(FILE *f, const char *variant, const char *kind, const char *name)
{
    if (variant) {
        sal_csv_field(f, variant);
        fputc(',', f);
    }
    fputs(kind, f);
    fputc(',', f);
    sal_csv_field(f, name);
}

static void metric_rows(FILE *f, const sal_model *a, const sal_compare *c, const char *variant,
                        const double *cq)
{
    long start = start_day(a);
    char date[16];
    int h = a->horizon;
    size_t nd = (size_t)h + 1;
    for (size_t i = 0; i < c->nmetrics; i++)
        for (int d = 0; d <= h; d++) {
            double own[6];
            const double *q = cq ? cq + (i * nd + (size_t)d) * 6 : own;
            if (!cq)
                metric_numbers(c, i, d, own);
            row_start(f, variant, "metric", a->metrics[c->metric_a[i]].name);
            sal_date_format(start + d, date);
            fprintf(f, ",%d,%s", d, date);
            for (int j = 0; j < 6; j++)
                put_num(f, q[j]);
            if (d == h) {
                put_num(f, c->var_diff[i]);
                put_num(f, c->var_indep[i]);
                put_num(f, sal_compare_ratio(c->var_indep[i], c->var_diff[i]));
            } else {
                fputs(",,,", f);
            }
            fputc('\n', f);
        }
}

static void event_rows(FILE *f, const sal_model *a, const sal_compare *c, const char *variant,
                       const double *ce)
{
    char date[16];
    int h = a->horizon;
    sal_date_format(start_day(a) + h, date);
    for (size_t e = 0; e < c->nevents; e++) {
        double pa = ce ? ce[e * 2] : sal_summary_event_probability(c->a, (uint32_t)c->event_a[e]);
        double pb =
            ce ? ce[e * 2 + 1] : sal_summary_event_probability(c->b, (uint32_t)c->event_b[e]);
        row_start(f, variant, "event", a->events[c->event_a[e]]);
        fprintf(f, ",%d,%s", h, date);
        put_num(f, pa);
        put_num(f, pb);
        put_num(f, pb - pa);
        fputs(",,,", f);
        put_num(f, c->event_var_diff[e]);
        put_num(f, c->event_var_indep[e]);
        put_num(f, sal_compare_ratio(c->event_var_indep[e], c->event_var_diff[e]));
        fputc('\n', f);
    }
}

int sal_compare_write_rows(FILE *f, const sal_model *a, const sal_compare *c, const char *variant,
                           const double *cq, const double *ce)
{
    metric_rows(f, a, c, variant, cq);
    event_rows(f, a, c, variant, ce);
    return ferror(f) ? SAL_EIO : SAL_OK;
}

int sal_compare_write(FILE *f, const sal_model *a, const sal_model *b, const sal_compare *c)
{
    (void)b;
    int rc = sal_compare_write_header(f, 0);
    return sal_compare_write_rows(f, a, c, NULL, NULL, NULL) | rc;
}

/* ---- SQLite ------------------------------------------------------------- */

struct sal_results_db {
    sqlite3 *db;
    sqlite3_stmt *ins_run;
    sqlite3_stmt *ins_path, *ins_event; /* with per-run paths */
    const sal_paths_spec *paths;
    const sal_model *m;
};

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? SAL_OK : SAL_EIO;
}

void sal_results_db_close(sal_results_db *d)
{
    if (!d)
        return;
    sqlite3_finalize(d->ins_run);
    sqlite3_finalize(d->ins_path);
    sqlite3_finalize(d->ins_event);
    sqlite3_close(d->db);
    free(d);
}

int sal_results_db_open(sal_results_db **out, const char *path, const sal_model *m)
{
    *out = NULL;
    sal_results_db *d = calloc(1, sizeof *d);
    if (!d)
        return SAL_ENOMEM;
    d->m = m;
    if (sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        sal_results_db_close(d);
        return SAL_EIO;
    }
    /* The file is a temporary renamed into place only when complete, so no
     * rollback journal is needed: one transaction, no journal file beside. */
    int rc = exec(d->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;");
    rc |= exec(d->db,
               "CREATE TABLE metadata (key TEXT PRIMARY KEY, value TEXT);"
               "CREATE TABLE quantiles (metric TEXT, day INTEGER, date TEXT, mean REAL,"
               " p05 REAL, p25 REAL, p50 REAL, p75 REAL, p95 REAL, PRIMARY KEY (metric, day));"
               "CREATE TABLE events (event TEXT PRIMARY KEY, probability REAL,"
               " p05 INTEGER, p50 INTEGER, p95 INTEGER);");
    /* runs: a long table, a row per run and value (the run's drawn inputs,
     * then its metrics on the last day), in that order: no column limit
     * (SQLite's is 2,000 by default, and a wide table of more inputs and
     * metrics could not be created) */
    rc |= exec(d->db, "CREATE TABLE runs (run INTEGER, name TEXT, value REAL);");
    if (rc == SAL_OK &&
        sqlite3_prepare_v2(d->db, "INSERT INTO runs VALUES (?, ?, ?)", -1, &d->ins_run, NULL) !=
            SQLITE_OK)
        rc = SAL_EIO;
    if (rc != SAL_OK) {
        sal_results_db_close(d);
        return SAL_EIO;
    }
    *out = d;
    return SAL_OK;
}

int sal_results_db_add_run(sal_results_db *d, uint64_t run, const double *inputs,
                           const double *last)
{
    const sal_model *m = d->m;
    sqlite3_stmt *st = d->ins_run;
    for (size_t i = 0; i < m->nuncertain + m->nmetrics; i++) {
        int u = i < m->nuncertain;
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)run);
        sqlite3_bind_text(st, 2, u ? m->uncertain[i].name : m->metrics[i - m->nuncertain].name,
                          -1, SQLITE_STATIC);
        sal_db_bind_num(st, 3, u ? inputs[i] : last[i - m->nuncertain]);
        if (sqlite3_step(st) != SQLITE_DONE)
            return SAL_EIO;
    }
    return SAL_OK;
}

static int meta(sqlite3 *db, const char *key, const char *value);

/* ---- per-run paths and event days ----------------------------------------- */

int sal_results_db_paths(sal_results_db *d, const sal_paths_spec *p)
{
    /* WITHOUT ROWID on (run, metric, date): a score reads one metric on one
     * date across the runs, or a run's rows, by the key */
    int rc = exec(d->db, "CREATE TABLE paths (run INTEGER, date TEXT, metric TEXT, value REAL,"
                         " PRIMARY KEY (run, metric, date)) WITHOUT ROWID;"
                         "CREATE TABLE run_events (run INTEGER, event TEXT, date TEXT,"
                         " PRIMARY KEY (run, event)) WITHOUT ROWID;");
    if (rc == SAL_OK &&
        (sqlite3_prepare_v2(d->db, "INSERT INTO paths VALUES (?,?,?,?)", -1, &d->ins_path,
                            NULL) != SQLITE_OK ||
         sqlite3_prepare_v2(d->db, "INSERT INTO run_events VALUES (?,?,?)", -1, &d->ins_event,
                            NULL) != SQLITE_OK))
        rc = SAL_EIO;
    d->paths = p;
    return rc;
}

int sal_results_db_add_paths(sal_results_db *d, uint64_t run, const double *tail)
{
    const sal_paths_spec *p = d->paths;
    const sal_model *m = d->m;
    long start = start_day(m);
    char date[16];
    if (!p || !d->ins_path)
        return SAL_EINPUT;
    for (size_t t = 0; t < p->ndays; t++) {
        sal_date_format(start + p->days[t], date);
        for (size_t k = 0; k < p->nmetrics; k++) {
            sqlite3_stmt *st = d->ins_path;
            sqlite3_reset(st);
            sqlite3_bind_int64(st, 1, (sqlite3_int64)run);
            sqlite3_bind_text(st, 2, date, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 3, m->metrics[p->metrics[k]].name, -1, SQLITE_STATIC);
            sal_db_bind_num(st, 4, tail[t * p->nmetrics + k]);
            if (sqlite3_step(st) != SQLITE_DONE)
                return SAL_EIO;
        }
    }
    const double *ev = tail + p->ndays * p->nmetrics;
    for (size_t e = 0; p->events && e < m->nevents; e++) {
        sqlite3_stmt *st = d->ins_event;
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, (sqlite3_int64)run);
        sqlite3_bind_text(st, 2, m->events[e], -1, SQLITE_STATIC);
        if (ev[e] >= 0) {
            sal_date_format(start + (long)ev[e], date);
            sqlite3_bind_text(st, 3, date, -1, SQLITE_TRANSIENT);
        } else {
            sqlite3_bind_null(st, 3);
        }
        if (sqlite3_step(st) != SQLITE_DONE)
            return SAL_EIO;
    }
    return SAL_OK;
}

int sal_results_db_meta(sal_results_db *d, const char *key, const char *value)
{
    return meta(d->db, key, value);
}

static int meta(sqlite3 *db, const char *key, const char *value)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT INTO metadata VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK)
        return SAL_EIO;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (value)
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 2);
    int rc = sqlite3_step(st) == SQLITE_DONE ? SAL_OK : SAL_EIO;
    sqlite3_finalize(st);
    return rc;
}

int sal_results_db_finish(sal_results_db *d, const sal_summary *s, uint64_t seed,
                          uint64_t runs_requested, int partial)
{
    const sal_model *m = d->m;
    char buf[64], date[16];
    int rc = SAL_OK;
    long start = start_day(m);
    rc |= meta(d->db, "format", "salient-ensemble 2"); /* 2: runs as a long table */
    rc |= meta(d->db, "scenario", m->name);
    rc |= meta(d->db, "variant", m->variant);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)seed);
    rc |= meta(d->db, "seed", buf);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)runs_requested);
    rc |= meta(d->db, "runs_requested", buf);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)sal_summary_runs(s));
    rc |= meta(d->db, "runs", buf);
    rc |= meta(d->db, "partial", partial ? "1" : "0");
    snprintf(buf, sizeof buf, "%d", m->horizon);
    rc |= meta(d->db, "horizon", buf);
    sal_date_format(start, date);
    rc |= meta(d->db, "start", date);
    sal_fmt_num(buf, sizeof buf, sal_summary_layout_of(s)->accuracy);
    rc |= meta(d->db, "accuracy", buf);
    /* exact: every quantile an order statistic of the runs; sketch: within
     * the accuracy above (include/salient/summary.h) */
    rc |= meta(d->db, "quantiles", sal_summary_exact(s) ? "exact" : "sketch");

    sqlite3_stmt *st = NULL;
    if (rc == SAL_OK &&
        sqlite3_prepare_v2(d->db, "INSERT INTO quantiles VALUES (?,?,?,?,?,?,?,?,?)", -1, &st,
                           NULL) != SQLITE_OK)
        rc = SAL_EIO;
    for (size_t k = 0; rc == SAL_OK && k < m->nmetrics; k++)
        for (int day = 0; rc == SAL_OK && day <= m->horizon; day++) {
            sqlite3_reset(st);
            sqlite3_bind_text(st, 1, m->metrics[k].name, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, day);
            sal_date_format(start + day, date);
            sqlite3_bind_text(st, 3, date, -1, SQLITE_TRANSIENT);
            sal_db_bind_num(st, 4, sal_summary_mean(s, (uint32_t)k, (uint32_t)day));
            for (int q = 0; q < 5; q++)
                sal_db_bind_num(st, 5 + q,
                                sal_summary_quantile(s, (uint32_t)k, (uint32_t)day, qs[q]));
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = SAL_EIO;
        }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SAL_OK &&
        sqlite3_prepare_v2(d->db, "INSERT INTO events VALUES (?,?,?,?,?)", -1, &st, NULL) !=
            SQLITE_OK)
        rc = SAL_EIO;
    for (size_t e = 0; rc == SAL_OK && e < m->nevents; e++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, m->events[e], -1, SQLITE_STATIC);
        sal_db_bind_num(st, 2, sal_summary_event_probability(s, (uint32_t)e));
        sal_db_bind_day(st, 3, sal_summary_event_quantile(s, (uint32_t)e, 0.05));
        sal_db_bind_day(st, 4, sal_summary_event_quantile(s, (uint32_t)e, 0.5));
        sal_db_bind_day(st, 5, sal_summary_event_quantile(s, (uint32_t)e, 0.95));
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = SAL_EIO;
    }
    sqlite3_finalize(st);
    if (rc == SAL_OK)
        rc = sal_db_seal(d->db);
    if (rc == SAL_OK)
        rc = exec(d->db, "COMMIT;");
    return rc == SAL_OK ? SAL_OK : SAL_EIO;
}

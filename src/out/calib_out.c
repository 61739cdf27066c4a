/* The files of a calibration (docs/calibration.md): posterior.csv,
 * stages.csv, calibration.csv, their tables in results.sqlite, and the
 * posterior read back for --posterior DIR. */
#include "salient/calibrate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "salient/date.h"
#include "salient/out.h"
#include "salient/dist.h"
#include "out/db_seal.h"

static void num(FILE *f, double x)
{
    char b[40];
    sal_fmt_num(b, sizeof b, x);
    fputs(b, f);
}

static long start_days(const sal_model *m)
{
    return sal_date_to_days(m->start_year, m->start_month, m->start_day);
}

static void put_date(FILE *f, const sal_model *m, long day)
{
    char b[16];
    sal_date_format(start_days(m) + day, b);
    fputs(b, f);
}

int sal_calib_write_posterior(FILE *f, const sal_calib *c)
{
    const sal_model *m = sal_calib_model(c);
    const sal_obs_set *o = sal_calib_obs(c);
    const sal_smc *s = sal_calib_smc(c);
    size_t nu = sal_calib_ninputs(c), nb = sal_calib_nbias(c);
    fputs("particle,seed,key,as_of", f);
    for (size_t u = 0; u < nu; u++) {
        fputc(',', f);
        sal_csv_field(f, m->uncertain[u].name);
    }
    for (size_t k = 0; k < nb; k++) {
        char b[512];
        snprintf(b, sizeof b, "bias:%s", sal_obs_bias_name(o, k));
        fputc(',', f);
        sal_csv_field(f, b);
    }
    fputs(",weight,loglik\n", f);
    for (size_t i = 0; i < sal_smc_nparticles(s); i++) {
        fprintf(f, "%zu,%llu,%llu,", i, (unsigned long long)sal_calib_seed(c),
                (unsigned long long)sal_smc_key(s, i));
        put_date(f, m, sal_calib_as_of(c));
        const double *x = sal_smc_x(s, i);
        for (size_t k = 0; k < nu + nb; k++) {
            fputc(',', f);
            num(f, x[k]);
        }
        fputc(',', f);
        num(f, sal_smc_weight(s, i));
        fputc(',', f);
        num(f, sal_smc_loglik(s, i));
        fputc('\n', f);
    }
    return ferror(f) ? SAL_EIO : SAL_OK;
}

int sal_calib_write_stages(FILE *f, const sal_calib *c)
{
    const sal_smc *s = sal_calib_smc(c);
    fputs("stage,temperature,ess,distinct,acceptance,key_acceptance,sweeps,lambda,simulations\n",
          f);
    for (size_t k = 0; k < sal_smc_nstages(s); k++) {
        const sal_smc_stage *st = sal_smc_stage_get(s, k);
        fprintf(f, "%d,", st->stage);
        num(f, st->temperature);
        fputc(',', f);
        num(f, st->ess);
        fprintf(f, ",%zu,", st->distinct);
        num(f, st->acceptance);
        fputc(',', f);
        num(f, st->key_acceptance);
        fprintf(f, ",%d,", st->sweeps);
        num(f, st->lambda);
        fprintf(f, ",%llu\n", (unsigned long long)st->simulations);
    }
    return ferror(f) ? SAL_EIO : SAL_OK;
}

static const char *form_name(int kind)
{
    static const char *const names[] = {"value", "at_least", "at_most", "range", "event"};
    return kind >= 0 && kind <= 4 ? names[kind] : "?";
}

int sal_calib_write_checks(FILE *f, const sal_calib *c, const sal_calib_check *k)
{
    const sal_model *m = sal_calib_model(c);
    const sal_obs_set *o = sal_calib_obs(c);
    fputs("report,metric,reported,use,form,lo,hi,prior_p05,prior_p50,prior_p95,posterior_p05,"
          "posterior_p50,posterior_p95,pit_lo,pit_hi,verdict\n", f);
    for (size_t i = 0; i < sal_obs_count(o); i++) {
        sal_csv_field(f, sal_obs_label(o, i));
        fputc(',', f);
        sal_csv_field(f, sal_obs_metric(o, i));
        fputc(',', f);
        put_date(f, m, sal_obs_reported_day(o, i));
        fprintf(f, ",%s,%s", k[i].fit ? "fit" : "test", form_name(sal_obs_kind(o, i)));
        const double v[] = {sal_obs_lo(o, i), sal_obs_hi(o, i), k[i].prior[0], k[i].prior[1],
                            k[i].prior[2], k[i].post[0], k[i].post[1], k[i].post[2],
                            k[i].pit_lo, k[i].pit_hi};
        for (size_t j = 0; j < sizeof v / sizeof *v; j++) {
            fputc(',', f);
            if (isfinite(v[j]))
                num(f, v[j]);
        }
        fputc(',', f);
        if (k[i].cannot) {
            char b[1024];
            snprintf(b, sizeof b, "the model cannot reproduce report %s", sal_obs_label(o, i));
            sal_csv_field(f, b);
        } else {
            fputs("ok", f);
        }
        fputc('\n', f);
    }
    return ferror(f) ? SAL_EIO : SAL_OK;
}

/* ---- prior against posterior ------------------------------------------------ */

/* The weighted 5%, 50% and 95% quantiles of coordinate k of the particles:
 * the smallest value whose cumulative weight reaches q (idx: n scratch). */
static void post_quantiles(const sal_smc *s, size_t k, double *v, size_t *idx, double q[3])
{
    size_t n = sal_smc_nparticles(s);
    for (size_t i = 0; i < n; i++)
        v[i] = sal_smc_x(s, i)[k];
    gsl_sort_index(idx, v, 1, n);
    static const double at[3] = {0.05, 0.5, 0.95};
    double cum = 0;
    size_t j = 0;
    for (size_t i = 0; i < n && j < 3; i++) {
        cum += sal_smc_weight(s, idx[i]);
        while (j < 3 && cum >= at[j] * (1 - 1e-12))
            q[j++] = v[idx[i]];
    }
    for (; j < 3; j++) /* the weights' sum fell short of 1 by rounding */
        q[j] = v[idx[n - 1]];
}

/* Coordinate k's prior: its description and its 5%, 50% and 95% quantiles
 * (an input's distribution inverted; a bias's lognormal). */
static void prior_quantiles(const sal_calib *c, size_t k, char *desc, size_t size, double q[3])
{
    static const double at[3] = {0.05, 0.5, 0.95};
    size_t nu = sal_calib_ninputs(c);
    if (k < nu) {
        const sal_dist *d = &sal_calib_model(c)->uncertain[k].dist;
        sal_dist_format(d, desc, size);
        for (int j = 0; j < 3; j++)
            q[j] = sal_dist_quantile(d, at[j]);
        return;
    }
    double lm, sg;
    sal_obs_bias_prior(sal_calib_obs(c), k - nu, &lm, &sg);
    char b[40];
    sal_fmt_num(b, sizeof b, exp(lm));
    snprintf(desc, size, "lognormal(median %s, sigma ", b);
    sal_fmt_num(b, sizeof b, sg);
    snprintf(desc + strlen(desc), size - strlen(desc), "%s)", b);
    for (int j = 0; j < 3; j++)
        q[j] = exp(lm + sg * gsl_cdf_ugaussian_Pinv(at[j]));
}

/* What the reports taught about one coordinate (salient/calibrate.h). */
static void moved_by(const double prior[3], const double post[3], double *shrink, double *shift,
                     int *moved)
{
    double w0 = prior[2] - prior[0], w1 = post[2] - post[0];
    /* the prior's scale: the sd of a normal with the same 90% interval */
    double sd = w0 / (2 * 1.6448536269514722);
    *shrink = w0 > 0 ? 1 - w1 / w0 : NAN;
    *shift = sd > 0 ? (post[1] - prior[1]) / sd : NAN;
    *moved = w0 > 0 ? *shrink >= 0.10 || fabs(*shift) > 0.25 : post[1] != prior[1];
}

/* A choice's median jumps between its values on a small change of their
 * weights: its shift is that of its mean, in the prior's own sd. */
static void choice_shift(const sal_dist *d, const sal_smc *s, size_t k, double *shift, int *moved)
{
    double m0 = 0, v0 = 0, m1 = 0;
    for (size_t i = 0; i < d->nchoice; i++)
        m0 += d->weights[i] * d->values[i];
    for (size_t i = 0; i < d->nchoice; i++)
        v0 += d->weights[i] * (d->values[i] - m0) * (d->values[i] - m0);
    for (size_t i = 0; i < sal_smc_nparticles(s); i++)
        m1 += sal_smc_weight(s, i) * sal_smc_x(s, i)[k];
    *shift = v0 > 0 ? (m1 - m0) / sqrt(v0) : NAN;
    *moved = v0 > 0 && fabs(*shift) > 0.25;
}

int sal_calib_write_inputs(FILE *f, const sal_calib *c)
{
    const sal_model *m = sal_calib_model(c);
    const sal_smc *s = sal_calib_smc(c);
    size_t nu = sal_calib_ninputs(c), n = sal_smc_nparticles(s);
    double *v = malloc(n * sizeof *v);
    size_t *idx = malloc(n * sizeof *idx);
    if (!v || !idx) {
        free(v);
        free(idx);
        return SAL_ENOMEM;
    }
    fputs("input,prior,prior_p05,prior_p50,prior_p95,posterior_p05,posterior_p50,posterior_p95,"
          "shrink,shift,moved\n", f);
    for (size_t k = 0; k < sal_smc_dim(s); k++) {
        char name[512], desc[256];
        if (k < nu)
            snprintf(name, sizeof name, "%s", m->uncertain[k].name);
        else
            snprintf(name, sizeof name, "bias:%s", sal_obs_bias_name(sal_calib_obs(c), k - nu));
        double q[6], shrink, shift;
        int moved;
        prior_quantiles(c, k, desc, sizeof desc, q);
        post_quantiles(s, k, v, idx, q + 3);
        moved_by(q, q + 3, &shrink, &shift, &moved);
        if (k < nu && m->uncertain[k].dist.kind == SAL_DIST_CHOICE)
            choice_shift(&m->uncertain[k].dist, s, k, &shift, &moved);
        sal_csv_field(f, name);
        fputc(',', f);
        sal_csv_field(f, desc);
        const double w[] = {q[0], q[1], q[2], q[3], q[4], q[5], shrink, shift};
        for (size_t j = 0; j < sizeof w / sizeof *w; j++) {
            fputc(',', f);
            if (isfinite(w[j]))
                num(f, w[j]);
        }
        fprintf(f, ",%d\n", moved);
    }
    free(v);
    free(idx);
    return ferror(f) ? SAL_EIO : SAL_OK;
}

/* ---- CSV in -------------------------------------------------------------- */

/* The next field of line *p (quoted or not) into buf; *p after its comma.
 * Returns 0 at the end of the line. */
static int next_field(const char **p, char *buf, size_t size)
{
    const char *s = *p;
    if (!s)
        return 0;
    size_t n = 0;
    if (*s == '"') {
        s++;
        while (*s && !(*s == '"' && s[1] != '"')) {
            if (*s == '"')
                s++;
            if (n + 1 < size)
                buf[n++] = *s;
            s++;
        }
        if (*s == '"')
            s++;
    } else {
        while (*s && *s != ',' && *s != '\n' && *s != '\r') {
            if (n + 1 < size)
                buf[n++] = *s;
            s++;
        }
    }
    buf[n] = 0;
    *p = *s == ',' ? s + 1 : NULL;
    return 1;
}

static size_t count_fields(const char *line)
{
    char b[8];
    size_t n = 0;
    while (next_field(&line, b, sizeof b))
        n++;
    return n;
}

static int read_line(FILE *f, char **buf, size_t *cap)
{
    return getline(buf, cap, f) > 0;
}

static int import_rows(sqlite3 *db, const char *table, FILE *in, char **line, size_t *cap,
                       size_t ncol)
{
    char *sql = NULL;
    size_t len = strlen(table) * 2 + 64 + ncol * 2;
    if (!(sql = malloc(len)))
        return SAL_ENOMEM;
    char *q = sqlite3_mprintf("%q", table);
    int w = snprintf(sql, len, "INSERT INTO \"%s\" VALUES (", q ? q : "");
    sqlite3_free(q);
    for (size_t j = 0; j < ncol; j++)
        w += snprintf(sql + w, len - (size_t)w, j ? ",?" : "?");
    snprintf(sql + w, len - (size_t)w, ")");
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK ? SAL_OK : SAL_EIO;
    free(sql);
    char *field = malloc(4096);
    if (!field)
        rc = SAL_ENOMEM;
    while (rc == SAL_OK && read_line(in, line, cap)) {
        const char *p = *line;
        for (size_t j = 0; j < ncol; j++) {
            if (!next_field(&p, field, 4096) || !*field) {
                sqlite3_bind_null(st, (int)j + 1);
                continue;
            }
            char *end;
            double v = strtod(field, &end);
            if (*end == 0 && isfinite(v))
                sqlite3_bind_double(st, (int)j + 1, v);
            else
                sqlite3_bind_text(st, (int)j + 1, field, -1, SQLITE_TRANSIENT);
        }
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = SAL_EIO;
        sqlite3_reset(st);
    }
    free(field);
    sqlite3_finalize(st);
    return rc;
}

/* CREATE TABLE table with the columns of in's header line, then its rows:
 * columns without a type take each value's own (REAL or TEXT). */
static int import_csv(sqlite3 *db, const char *table, FILE *in)
{
    char *line = NULL, *sql = NULL;
    size_t cap = 0;
    int rc = read_line(in, &line, &cap) ? SAL_OK : SAL_EIO;
    size_t ncol = rc == SAL_OK ? count_fields(line) : 0;
    if (rc == SAL_OK) {
        size_t len = strlen(line) * 3 + strlen(table) * 2 + 64;
        sql = malloc(len);
        char *f = malloc(len);
        if (!sql || !f) {
            rc = SAL_ENOMEM;
        } else {
            char *q = sqlite3_mprintf("%q", table);
            int w = snprintf(sql, len, "CREATE TABLE \"%s\" (", q ? q : "");
            sqlite3_free(q);
            const char *p = line;
            for (size_t j = 0; next_field(&p, f, len); j++) {
                char *qf = sqlite3_mprintf("%w", f);
                w += snprintf(sql + w, len - (size_t)w, "%s\"%s\"", j ? ", " : "", qf ? qf : "");
                sqlite3_free(qf);
            }
            snprintf(sql + w, len - (size_t)w, ");");
            rc = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? SAL_OK : SAL_EIO;
        }
        free(f);
    }
    if (rc == SAL_OK)
        rc = import_rows(db, table, in, &line, &cap, ncol);
    free(sql);
    free(line);
    return rc;
}

int sal_sqlite_add_csv(const char *dbpath, const char *table, const char *csvpath)
{
    FILE *in = fopen(csvpath, "r");
    if (!in)
        return SAL_EIO;
    sqlite3 *db = NULL;
    int rc = sqlite3_open(dbpath, &db) == SQLITE_OK &&
                     sqlite3_exec(db, "BEGIN;", NULL, NULL, NULL) == SQLITE_OK
                 ? SAL_OK
                 : SAL_EIO;
    if (rc == SAL_OK)
        rc = import_csv(db, table, in);
    if (rc == SAL_OK) /* the new table under the seal that salient report verifies */
        rc = sal_db_seal(db);
    if (rc == SAL_OK)
        rc = sqlite3_exec(db, "COMMIT;", NULL, NULL, NULL) == SQLITE_OK ? SAL_OK : SAL_EIO;
    fclose(in);
    if (sqlite3_close(db) != SQLITE_OK)
        rc = SAL_EIO;
    return rc;
}

/* The hash of csvpath imported as import_csv imports it (into a database
 * in memory), or of the table posterior of dbpath; -1 when unreadable. */
static int csv_hash(const char *csvpath, uint64_t *h, sqlite3_int64 *rows)
{
    FILE *in = fopen(csvpath, "r");
    sqlite3 *mem = NULL;
    int rc = in && sqlite3_open(":memory:", &mem) == SQLITE_OK ? SAL_OK : SAL_EIO;
    if (rc == SAL_OK)
        rc = import_csv(mem, "posterior", in);
    if (rc == SAL_OK)
        rc = sal_db_table_hash(mem, "posterior", h, rows);
    if (in)
        fclose(in);
    sqlite3_close(mem);
    return rc;
}

int sal_posterior_check(const char *csvpath, const char *dbpath, sal_diags *d)
{
    struct stat sb;
    if (stat(dbpath, &sb) != 0 && errno == ENOENT)
        return SAL_OK; /* a posterior.csv on its own: nothing to set it against */
    int rc = sal_results_verify(dbpath, d);
    if (rc != SAL_OK)
        return rc;
    sqlite3 *db = NULL;
    uint64_t want, have;
    sqlite3_int64 nwant, nhave;
    rc = sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK ? SAL_OK : SAL_EIO;
    int has = 0;
    if (rc == SAL_OK) {
        sqlite3_stmt *st = NULL;
        has = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                     "name = 'posterior'", -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
        if (has)
            rc = sal_db_table_hash(db, "posterior", &want, &nwant);
    }
    sqlite3_close(db);
    if (rc != SAL_OK || !has) /* not a calibration's results: nothing to compare */
        return rc == SAL_OK ? SAL_OK : SAL_EIO;
    if (csv_hash(csvpath, &have, &nhave) != SAL_OK) {
        sal_diags_add(d, csvpath, 0, 0, "cannot read the posterior: %s", strerror(errno));
        return SAL_EIO;
    }
    if (have != want || nhave != nwant) {
        sal_diags_add(d, csvpath, 0, 0, "its content (%lld particles) differs from the table "
                      "posterior of %s (%lld), written and sealed with it by salient calibrate: "
                      "one of them was edited or damaged; run the calibration again",
                      (long long)nhave, dbpath, (long long)nwant);
        return SAL_EINPUT;
    }
    return SAL_OK;
}

int sal_sqlite_set_meta(const char *dbpath, const char *key, const char *value)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_open(dbpath, &db) == SQLITE_OK &&
                     sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK &&
                     sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO metadata VALUES (?, ?)", -1,
                                        &st, NULL) == SQLITE_OK
                 ? SAL_OK : SAL_EIO;
    if (rc == SAL_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SAL_OK : SAL_EIO;
    }
    sqlite3_finalize(st);
    /* the metadata changed under the seal: sealed again, or every reader
     * (report, score) would refuse the database as edited */
    if (rc == SAL_OK)
        rc = sal_db_seal(db);
    if (rc == SAL_OK)
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? SAL_OK : SAL_EIO;
    if (sqlite3_close(db) != SQLITE_OK)
        rc = SAL_EIO;
    return rc;
}

void sal_posterior_as_of(const sal_posterior *p, const sal_model *m, char date[16])
{
    sal_date_format(start_days(m) + (p->branch_day > 0 ? p->branch_day - 1 : 0), date);
}

/* ---- the posterior read back -------------------------------------------- */

void sal_posterior_clear(sal_posterior *p)
{
    if (!p)
        return;
    if (p->names)
        for (size_t c = 0; c < p->ninputs; c++)
            free((char *)p->names[c]);
    free((void *)p->names);
    free((void *)p->inputs);
    free((void *)p->keys);
    memset(p, 0, sizeof *p);
}

static int bad(sal_diags *d, const char *path, int line, const char *what)
{
    if (d)
        sal_diags_add(d, path, line, 1, "%s; expected the posterior.csv of 'salient calibrate'",
                      what);
    return SAL_EINPUT;
}

/* The header: input columns between as_of and the first bias: or weight. */
static int read_header(const char *line, const char *path, sal_posterior *p, size_t *ncol,
                       sal_diags *d)
{
    char f[1024];
    const char *s = line;
    static const char *const lead[] = {"particle", "seed", "key", "as_of"};
    for (int j = 0; j < 4; j++)
        if (!next_field(&s, f, sizeof f) || strcmp(f, lead[j]) != 0)
            return bad(d, path, 1, "the header does not start particle,seed,key,as_of");
    *ncol = count_fields(line);
    char **names = calloc(*ncol + 1, sizeof *names);
    if (!names)
        return SAL_ENOMEM;
    size_t n = 0;
    while (next_field(&s, f, sizeof f) && strncmp(f, "bias:", 5) != 0 &&
           strcmp(f, "weight") != 0)
        if (!(names[n++] = strdup(f)))
            break;
    p->names = (const char *const *)names;
    p->ninputs = n;
    return SAL_OK;
}

static int read_rows(FILE *in, const char *path, const sal_model *m, sal_posterior *p,
                     size_t ncol, sal_diags *d)
{
    char *line = NULL, f[1024];
    size_t cap = 0, n = 0, room = 0;
    double *x = NULL;
    uint64_t *keys = NULL;
    int rc = SAL_OK;
    for (int ln = 2; rc == SAL_OK && read_line(in, &line, &cap); ln++) {
        if (count_fields(line) != ncol) {
            rc = bad(d, path, ln, "a row has another number of fields than the header");
            break;
        }
        if (n == room) {
            room = room ? 2 * room : 1024;
            double *nx = realloc(x, room * (p->ninputs + 1) * sizeof *x);
            uint64_t *nk = nx ? realloc(keys, room * sizeof *keys) : NULL;
            if (nx)
                x = nx;
            if (nk)
                keys = nk;
            if (!nx || !nk) {
                rc = SAL_ENOMEM;
                break;
            }
        }
        const char *s = line;
        char *end;
        next_field(&s, f, sizeof f);
        next_field(&s, f, sizeof f);
        p->seed = strtoull(f, &end, 10);
        next_field(&s, f, sizeof f);
        keys[n] = strtoull(f, &end, 10);
        next_field(&s, f, sizeof f);
        int y, mo, da;
        if (sal_date_parse(f, &y, &mo, &da) != SAL_OK) {
            rc = bad(d, path, ln, "the as_of field is not a date");
            break;
        }
        p->branch_day = (int)(sal_date_to_days(y, mo, da) - start_days(m)) + 1;
        for (size_t c = 0; c < p->ninputs; c++) {
            next_field(&s, f, sizeof f);
            x[n * p->ninputs + c] = strtod(f, &end);
            if (*end || !*f)
                rc = bad(d, path, ln, "an input's value is not a number");
        }
        n++;
    }
    free(line);
    if (rc == SAL_OK && n == 0)
        rc = bad(d, path, 2, "no particle");
    if (rc == SAL_OK && (p->branch_day < 1 || p->branch_day > m->horizon))
        rc = bad(d, path, 2, "the as-of date is not within the scenario's horizon");
    p->inputs = x;
    p->keys = keys;
    p->n = n;
    return rc;
}

int sal_posterior_read(const char *path, const sal_model *m, sal_posterior *p, sal_diags *d)
{
    memset(p, 0, sizeof *p);
    FILE *in = fopen(path, "r");
    if (!in) {
        if (d)
            sal_diags_add(d, path, 0, 0, "cannot read the posterior: %s", strerror(errno));
        return SAL_EIO;
    }
    char *line = NULL;
    size_t cap = 0, ncol = 0;
    int rc = read_line(in, &line, &cap) ? read_header(line, path, p, &ncol, d)
                                        : bad(d, path, 1, "the file is empty");
    free(line);
    if (rc == SAL_OK)
        rc = read_rows(in, path, m, p, ncol, d);
    fclose(in);
    if (rc != SAL_OK)
        sal_posterior_clear(p);
    return rc;
}

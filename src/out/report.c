/* salient — the report: DIR/results.sqlite into DIR/report.html
 * (salient/report.h).  This file opens and checks the database, reads what
 * every section shares (metadata, metrics, dates, variants), and assembles
 * the page; the sections are in src/out/report_sect.c and src/out/report_charts.c,
 * the helpers they share with this file in src/out/report_data.c,
 * the page's style and script in src/out/report.css and src/out/report.js (carried
 * in the library by tools/embed.c, like Chart.js). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salient/date.h"
#include "salient/ensemble.h"
#include "salient/report.h"
#include "out/db_seal.h"
#include "out/report_int.h"
#include "base/util.h"

extern const unsigned char sal_chartjs[];
extern const size_t sal_chartjs_len;
extern const unsigned char sal_report_css[];
extern const size_t sal_report_css_len;
extern const unsigned char sal_report_js[];
extern const size_t sal_report_js_len;
extern const unsigned char sal_report_discover_js[];
extern const size_t sal_report_discover_js_len;
extern const unsigned char sal_report_calib_js[];
extern const size_t sal_report_calib_js_len;

/* Appends s to a list of strings (NULL-safe on out of memory: status). */
static void push(rpt_db *d, char ***v, size_t *n, const char *s)
{
    char **nv = realloc(*v, (*n + 1) * sizeof **v);
    char *c = sal_strdup(s);
    if (!nv || !c) {
        free(c);
        if (nv)
            *v = nv;
        d->status = d->status ? d->status : SAL_ENOMEM;
        return;
    }
    *v = nv;
    (*v)[(*n)++] = c;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static int table_exists(rpt_db *d, const char *name)
{
    if (d->status)
        return 0;
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(d->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           -1, &st, NULL) != SQLITE_OK) {
        sal_diags_add(d->diags, d->path, 0, 0, "cannot be read as SQLite (%s); %s",
                      sqlite3_errmsg(d->db), rpt_schema_hint);
        d->status = SAL_EINPUT;
        sqlite3_finalize(st);
        return 0;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        found = 1;
    else if (rc != SQLITE_DONE) {
        sal_diags_add(d->diags, d->path, 0, 0, "cannot be read as SQLite (%s); %s",
                      sqlite3_errmsg(d->db), rpt_schema_hint);
        d->status = SAL_EINPUT;
    }
    sqlite3_finalize(st);
    return found;
}

static char *meta_get(rpt_db *d, const char *key)
{
    sqlite3_stmt *st = rpt_prepare(d, "metadata", "SELECT value FROM metadata WHERE key = ?");
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    char *v = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        v = sal_strdup(rpt_col_text(st, 0));
        if (!v)
            d->status = SAL_ENOMEM;
    }
    sqlite3_finalize(st);
    return v;
}

static void require(rpt_db *d, const char *table)
{
    if (!d->status && !table_exists(d, table) && !d->status) {
        sal_diags_add(d->diags, d->path, 0, 0, "no table '%s'; %s", table, rpt_schema_hint);
        d->status = SAL_EINPUT;
    }
}

/* The variants in the order the study wrote them: the variants table, or
 * else the order they first appear in the other tables. */
static void load_variants(rpt_db *d)
{
    static const char *const from[][2] = {
        {"variants", "SELECT name, description FROM variants ORDER BY ord, rowid"},
        {"compare", "SELECT variant, NULL FROM compare GROUP BY variant ORDER BY MIN(rowid)"},
        {"variant_quantiles",
         "SELECT variant, NULL FROM variant_quantiles GROUP BY variant ORDER BY MIN(rowid)"},
        {"variant_events",
         "SELECT variant, NULL FROM variant_events GROUP BY variant ORDER BY MIN(rowid)"},
    };
    const int has[] = {d->has_variants, d->has_compare, d->has_vq, d->has_ve};
    for (size_t t = 0; t < 4 && !d->status; t++) {
        if (!has[t])
            continue;
        sqlite3_stmt *st = rpt_prepare(d, from[t][0], from[t][1]);
        while (st && !d->status && sqlite3_step(st) == SQLITE_ROW) {
            const char *name = rpt_col_text(st, 0);
            if (rpt_variant_index(d, name) >= 0)
                continue;
            size_t n = d->nvariants;
            push(d, &d->variants, &d->nvariants, name);
            push(d, &d->variant_desc, &n, rpt_col_text(st, 1));
        }
        sqlite3_finalize(st);
    }
}

/* The variant the evolving-difference chart bands first: the first, in the
 * study's order, that a thesis tests (the theses table's 'variant' column,
 * NULL for a thesis about the base).  A variant no thesis tests — a
 * calibration world, say — is an analyst's tool, not one of the questions;
 * with no such column or no thesis naming a variant, the first variant. */
static void load_band_variant(rpt_db *d)
{
    d->band_variant = 0;
    if (d->status || !d->has_theses || !d->nvariants)
        return;
    sqlite3_stmt *st = NULL;
    /* an older study's theses table has no 'variant' column: not an error */
    if (sqlite3_prepare_v2(d->db, "SELECT 1 FROM pragma_table_info('theses') WHERE name = 'variant'",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return;
    }
    sqlite3_finalize(st);
    st = rpt_prepare(d, "theses", "SELECT variant FROM theses WHERE variant IS NOT NULL");
    int best = -1;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        int v = rpt_variant_index(d, rpt_col_text(st, 0));
        if (v >= 0 && (best < 0 || v < best))
            best = v;
    }
    sqlite3_finalize(st);
    if (best >= 0)
        d->band_variant = best;
}

/* The metadata every section reads; returns the horizon and sets the start
 * date y-m-dd (d->status set on a missing or bad entry). */
static long load_meta(rpt_db *d, int *y, int *m, int *dd)
{
    d->scenario = meta_get(d, "scenario");
    d->title = meta_get(d, "title");
    d->description = meta_get(d, "description");
    d->variant = meta_get(d, "variant");
    d->start = meta_get(d, "start");
    d->seed = meta_get(d, "seed");
    d->runs = meta_get(d, "runs");
    d->runs_requested = meta_get(d, "runs_requested");
    d->key_metric = meta_get(d, "key_metric");
    d->sobol_base = meta_get(d, "sobol_base");
    d->quantiles = meta_get(d, "quantiles");
    d->accuracy = meta_get(d, "accuracy");
    char *partial = meta_get(d, "partial"), *horizon = meta_get(d, "horizon");
    char *study = meta_get(d, "study");
    d->partial = partial && strcmp(partial, "0") != 0;
    d->study = study && strcmp(study, "1") == 0;
    char *end = NULL;
    long h = horizon ? strtol(horizon, &end, 10) : -1;
    if (!d->status && (!horizon || *end || h < 0 || h > 1000000)) {
        sal_diags_add(d->diags, d->path, 0, 0,
                      "metadata 'horizon' is %s%s%s; expected a number of days", horizon ? "'" : "",
                      horizon ? horizon : "missing", horizon ? "'" : "");
        d->status = SAL_EINPUT;
    } else if (!d->status && (!d->start || sal_date_parse(d->start, y, m, dd) != 0)) {
        sal_diags_add(d->diags, d->path, 0, 0,
                      "metadata 'start' is %s%s%s; expected a date YYYY-MM-DD", d->start ? "'" : "",
                      d->start ? d->start : "missing", d->start ? "'" : "");
        d->status = SAL_EINPUT;
    } else if (!d->status && (!d->scenario || !d->runs || !d->seed)) {
        sal_diags_add(d->diags, d->path, 0, 0, "metadata lacks '%s'; %s",
                      !d->scenario ? "scenario" : !d->runs ? "runs" : "seed", rpt_schema_hint);
        d->status = SAL_EINPUT;
    }
    free(partial);
    free(horizon);
    free(study);
    return h;
}

/* d->dates: the date of each day of the horizon h from the start y-m-dd. */
static void load_dates(rpt_db *d, long h, int y, int m, int dd)
{
    d->horizon = (int)h;
    d->ndays = (size_t)h + 1;
    d->dates = calloc(d->ndays, sizeof *d->dates);
    if (!d->dates) {
        d->status = SAL_ENOMEM;
        return;
    }
    long day0 = sal_date_to_days(y, m, dd);
    for (size_t k = 0; k < d->ndays; k++) {
        char s[16];
        sal_date_format(day0 + (long)k, s);
        d->dates[k] = sal_strdup(s);
        if (!d->dates[k]) {
            d->status = SAL_ENOMEM;
            return;
        }
    }
}

static void load(rpt_db *d)
{
    require(d, "metadata");
    require(d, "quantiles");
    require(d, "events");
    if (d->status)
        return;
    int y = 0, m = 0, dd = 0;
    long h = load_meta(d, &y, &m, &dd);
    if (d->status)
        return;
    load_dates(d, h, y, m, dd);
    if (d->status)
        return;
    sqlite3_stmt *st = rpt_prepare(
        d, "quantiles", "SELECT metric FROM quantiles GROUP BY metric ORDER BY MIN(rowid)");
    while (st && !d->status && sqlite3_step(st) == SQLITE_ROW)
        push(d, &d->metrics, &d->nmetrics, rpt_col_text(st, 0));
    sqlite3_finalize(st);
    /* the columns every section reads, checked once here */
    st = rpt_prepare(d, "quantiles",
                     "SELECT metric, day, date, mean, p05, p25, p50, p75, p95 FROM quantiles LIMIT 0");
    sqlite3_finalize(st);
    st = rpt_prepare(d, "events", "SELECT event, probability, p05, p50, p95 FROM events LIMIT 0");
    sqlite3_finalize(st);

    d->has_curve = table_exists(d, "event_curve");
    d->has_variants = table_exists(d, "variants");
    d->has_vq = table_exists(d, "variant_quantiles");
    d->has_ve = table_exists(d, "variant_events");
    d->has_compare = table_exists(d, "compare");
    d->has_sobol = table_exists(d, "sobol");
    d->has_theses = table_exists(d, "theses");
    d->has_params = table_exists(d, "parameters");
    d->has_scores = table_exists(d, "scores") && table_exists(d, "scores_summary");
    d->has_discover = table_exists(d, "discover_boxes");
    d->has_change = table_exists(d, "forecast_change");
    load_variants(d);
    load_band_variant(d);
    if (table_exists(d, "seeds")) {
        st = rpt_prepare(d, "seeds", "SELECT file, citation FROM seeds ORDER BY rowid");
        while (st && !d->status && sqlite3_step(st) == SQLITE_ROW) {
            size_t n = d->nseeds;
            push(d, &d->seed_file, &d->nseeds, rpt_col_text(st, 0));
            push(d, &d->seed_cite, &n, rpt_col_text(st, 1));
        }
        sqlite3_finalize(st);
    }
    /* The key metric of the findings and of the counterfactual chart: the
     * one the study names (metadata key_metric), else the flagship's ground
     * held in Kursk, else the first. */
    d->key = d->nmetrics ? 0 : -1;
    if (d->key_metric && rpt_metric_index(d, d->key_metric) >= 0)
        d->key = rpt_metric_index(d, d->key_metric);
    else if (rpt_metric_index(d, "kursk_ground_km2") >= 0)
        d->key = rpt_metric_index(d, "kursk_ground_km2");
}

static void unload(rpt_db *d)
{
    free(d->title);
    free(d->description);
    free(d->scenario);
    free(d->variant);
    free(d->start);
    free(d->seed);
    free(d->runs);
    free(d->runs_requested);
    free(d->key_metric);
    free(d->sobol_base);
    free(d->quantiles);
    free(d->accuracy);
    free_list(d->metrics, d->nmetrics);
    free_list(d->dates, d->dates ? d->ndays : 0);
    free_list(d->variants, d->nvariants);
    free_list(d->variant_desc, d->nvariants);
    free_list(d->seed_file, d->nseeds);
    free_list(d->seed_cite, d->nseeds);
    sqlite3_close(d->db);
}

/* The whole page: head (style), body (sections), the chart data as JSON in
 * a non-executed script element, Chart.js, then the page's own script. */
/* report.js, with the discovery charts' script (src/out/report_discover.js)
 * spliced in before its self-check when the page has that section: a report
 * without one keeps report.js's bytes exactly. */
static void put_script(rpt_buf *page, int discover, int calib)
{
    const char *js = (const char *)sal_report_js;
    size_t n = sal_report_js_len, cut = n;
    static const char mark[] = "  // ---- self-check";
    for (size_t i = 0; (discover || calib) && i + sizeof mark - 1 <= n; i++)
        if (memcmp(js + i, mark, sizeof mark - 1) == 0) {
            cut = i;
            break;
        }
    rpt_putn(page, js, cut);
    if (cut < n && discover)
        rpt_putn(page, (const char *)sal_report_discover_js, sal_report_discover_js_len);
    if (cut < n && calib) /* likewise src/out/report_calib.js */
        rpt_putn(page, (const char *)sal_report_calib_js, sal_report_calib_js_len);
    rpt_putn(page, js + cut, n - cut);
}

static void assemble(rpt_db *d, rpt_buf *page)
{
    rpt_buf body = {0}, js = {0};
    int ncharts = 0;
    rpt_header(d, &body);
    rpt_bottom_line(d, &body);
    rpt_findings(d, &body);
    rpt_metrics(d, &body, &js, &ncharts);
    rpt_scores(d, &body);
    int calib = rpt_calibration(d, &body, &js, &ncharts);
    rpt_events(d, &body, &js, &ncharts);
    rpt_compare(d, &body, &js, &ncharts);
    rpt_sobol(d, &body, &js, &ncharts);
    rpt_discover(d, &body, &js, &ncharts);
    rpt_theses(d, &body);
    rpt_provenance(d, &body);

    const char *title = d->title && *d->title ? d->title : d->scenario;
    rpt_put(page, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<meta name=\"generator\" content=\"salient ");
    rpt_html(page, sal_version());
    rpt_put(page, "\">\n<title>");
    rpt_html(page, title);
    rpt_put(page, " \xe2\x80\x94 salient report</title>\n<style>\n");
    rpt_putn(page, (const char *)sal_report_css, sal_report_css_len);
    rpt_printf(page, "</style>\n</head>\n<body data-charts=\"%d\" data-rendered=\"0\">\n<main>\n",
               ncharts);
    rpt_putn(page, body.p, body.n);
    rpt_put(page, "<footer>Generated by salient ");
    rpt_html(page, sal_version());
    rpt_put(page, " from <code>results.sqlite</code>. Charts drawn with Chart.js 3.9.1 (MIT "
                  "licence), carried inside this file; the page needs no network.</footer>\n"
                  "</main>\n<script type=\"application/json\" id=\"salient-data\">{");
    rpt_putn(page, js.p, js.n);
    rpt_put(page, "\"version\":1}</script>\n<script>\n");
    rpt_putn(page, (const char *)sal_chartjs, sal_chartjs_len);
    rpt_put(page, "\n</script>\n<script>\n");
    put_script(page, d->has_discover, calib);
    rpt_put(page, "</script>\n</body>\n</html>\n");
    if (body.oom || js.oom)
        page->oom = 1;
    free(body.p);
    free(js.p);
}

int sal_report_write(const char *dir, sal_diags *diags)
{
    if (!dir)
        return SAL_EINPUT;
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/results.sqlite", dir) >= sizeof path) {
        sal_diags_add(diags, dir, 0, 0, "directory name too long");
        return SAL_EINPUT;
    }
    rpt_db d = {0};
    d.path = path;
    d.diags = diags;
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        sal_diags_add(diags, path, 0, 0, "cannot open the results database (%s); %s",
                      strerror(errno), rpt_schema_hint);
        return SAL_EINPUT;
    }
    fclose(probe);
    /* read-only: the report never changes the results it reports */
    if (sqlite3_open_v2(path, &d.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sal_diags_add(diags, path, 0, 0, "cannot be opened as SQLite (%s); %s",
                      d.db ? sqlite3_errmsg(d.db) : "out of memory", rpt_schema_hint);
        sqlite3_close(d.db);
        return SAL_EINPUT;
    }
    /* damage refused before anything is read (src/out/db_seal.c) */
    if (sal_db_verify(d.db, path, diags) != SAL_OK) {
        sqlite3_close(d.db);
        return SAL_EINPUT;
    }
    load(&d);
    rpt_buf page = {0};
    if (!d.status)
        assemble(&d, &page);
    int rc = d.status ? d.status : page.oom ? SAL_ENOMEM : SAL_OK;
    unload(&d);
    if (rc == SAL_OK) {
        sal_outfile *o;
        int err = 0; /* the first failure's errno: the abort's unlink may change it */
        errno = 0;
        rc = sal_outfile_open(&o, dir, "report.html", 1);
        err = rc != SAL_OK ? errno : 0;
        if (rc == SAL_OK) {
            if (fwrite(page.p, 1, page.n, sal_outfile_stream(o)) != page.n) {
                rc = SAL_EIO;
                err = errno;
            }
            int c = sal_outfile_close(o);
            if (c != SAL_OK && !err)
                err = errno;
            rc = rc ? rc : c;
            if (rc == SAL_OK && (rc = sal_outfile_commit(o)) != SAL_OK)
                err = errno;
            sal_outfile_abort(o); /* the temporary removed unless committed */
        }
        /* "No space left on device" said as such, not "input/output error" */
        if (rc != SAL_OK)
            sal_diags_add(diags, dir, 0, 0, "cannot write report.html in this directory: %s",
                          err ? strerror(err) : sal_strstatus(rc));
    }
    free(page.p);
    return rc;
}

/* salient — the report's "What the reports taught" (docs/report.md,
 * docs/calibration.md).  When DIR holds a calibration (the tables
 * prior_posterior and calibration of 'salient calibrate', in
 * DIR/results.sqlite or, for the main job, DIR/calibration/results.sqlite),
 * every uncertain input and source bias whose posterior moved is set against
 * its prior (median, 90% interval, how much the interval shrank), and every
 * report against its prior and posterior predictive 90% bands: a table and a
 * chart each.  The charts are drawn by src/out/report_calib.js. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/db_seal.h"
#include "out/report_int.h"

#define CAL_PRIOR "#a3acb5"
#define CAL_POST "#0072b2"
#define CAL_REPORT "#d55e00"

/* Where the calibration's tables are. */
typedef struct {
    sqlite3 *db;
    const char *path;
    int own;            /* db opened here (DIR/calibration/results.sqlite) */
    char buf[4200];
} cal_src;

static int has_table(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

static int has_both(sqlite3 *db)
{
    return has_table(db, "prior_posterior") && has_table(db, "calibration");
}

/* 1: found; 0: no calibration (no section); -1: a calibration database that
 * is damaged (d->status set, its diagnostic added). */
static int open_source(rpt_db *d, cal_src *c)
{
    if (has_both(d->db)) {
        *c = (cal_src){.db = d->db, .path = d->path};
        return 1;
    }
    const char *slash = strrchr(d->path, '/');
    int dirlen = slash ? (int)(slash - d->path) : 0;
    c->own = 1;
    snprintf(c->buf, sizeof c->buf, "%.*s%scalibration/results.sqlite", dirlen, d->path,
             slash ? "/" : "");
    c->path = c->buf;
    FILE *probe = fopen(c->path, "rb");
    if (!probe)
        return 0;
    fclose(probe);
    if (sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sal_diags_add(d->diags, c->path, 0, 0, "cannot be opened as SQLite (%s); %s",
                      c->db ? sqlite3_errmsg(c->db) : "out of memory", rpt_schema_hint);
        d->status = SAL_EINPUT;
        return -1;
    }
    /* damage refused as in DIR/results.sqlite (src/out/db_seal.c) */
    if (sal_db_verify(c->db, c->path, d->diags) != SAL_OK) {
        d->status = SAL_EINPUT;
        return -1;
    }
    return has_both(c->db);
}

static sqlite3_stmt *cal_prepare(rpt_db *d, const cal_src *c, const char *table, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
        sal_diags_add(d->diags, c->path, 0, 0, "table %s: %s; expected the tables of 'salient "
                      "calibrate' (docs/calibration.md)", table, sqlite3_errmsg(c->db));
        d->status = SAL_EINPUT;
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

/* ---- the rows ------------------------------------------------------------ */

typedef struct {
    char *name, *prior;  /* prior: an input's distribution as written */
    double q[6];         /* prior 5/50/95, posterior 5/50/95 */
    double v[4];         /* an input: shrink, shift; a report: lo, hi, pit_lo, pit_hi */
    int flag;            /* an input: moved; a report: the model cannot reproduce it */
    int fit;             /* a report made by the as-of date (else a test) */
} cal_row;

typedef struct {
    cal_row *r;
    size_t n;
    int oom;
} cal_rows;

static void rows_free(cal_rows *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        free(rs->r[i].name);
        free(rs->r[i].prior);
    }
    free(rs->r);
}

static char *dup_text(const char *s, int *oom)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (!p)
        *oom = 1;
    else
        memcpy(p, s, n + 1);
    return p;
}

static cal_row *rows_add(cal_rows *rs)
{
    cal_row *p = realloc(rs->r, (rs->n + 1) * sizeof *p);
    if (!p) {
        rs->oom = 1;
        return NULL;
    }
    rs->r = p;
    memset(&p[rs->n], 0, sizeof *p);
    return &p[rs->n++];
}

static void read_inputs(rpt_db *d, const cal_src *c, cal_rows *rs)
{
    sqlite3_stmt *st = cal_prepare(d, c, "prior_posterior",
                                   "SELECT input, prior, prior_p05, prior_p50, prior_p95, "
                                   "posterior_p05, posterior_p50, posterior_p95, shrink, shift, "
                                   "moved FROM prior_posterior ORDER BY rowid");
    while (st && !rs->oom && sqlite3_step(st) == SQLITE_ROW) {
        cal_row *r = rows_add(rs);
        if (!r)
            break;
        r->name = dup_text(rpt_col_text(st, 0), &rs->oom);
        r->prior = dup_text(rpt_col_text(st, 1), &rs->oom);
        for (int j = 0; j < 6; j++)
            r->q[j] = rpt_col_num(st, 2 + j);
        r->v[0] = rpt_col_num(st, 8);
        r->v[1] = rpt_col_num(st, 9);
        r->flag = rpt_col_num(st, 10) == 1;
    }
    sqlite3_finalize(st);
}

static void read_reports(rpt_db *d, const cal_src *c, cal_rows *rs)
{
    sqlite3_stmt *st = cal_prepare(d, c, "calibration",
                                   "SELECT report, use, prior_p05, prior_p50, prior_p95, "
                                   "posterior_p05, posterior_p50, posterior_p95, lo, hi, pit_lo, "
                                   "pit_hi, verdict FROM calibration ORDER BY rowid");
    while (st && !rs->oom && sqlite3_step(st) == SQLITE_ROW) {
        cal_row *r = rows_add(rs);
        if (!r)
            break;
        r->name = dup_text(rpt_col_text(st, 0), &rs->oom);
        r->fit = strcmp(rpt_col_text(st, 1), "fit") == 0;
        for (int j = 0; j < 6; j++)
            r->q[j] = rpt_col_num(st, 2 + j);
        for (int j = 0; j < 4; j++)
            r->v[j] = rpt_col_num(st, 8 + j);
        r->flag = strcmp(rpt_col_text(st, 12), "ok") != 0;
    }
    sqlite3_finalize(st);
}

/* ---- the charts' data ----------------------------------------------------- */

/* x on the scale where the prior's 90% interval is [0, 1]. */
static double unit(const double q[3], double x)
{
    double w = q[2] - q[0];
    return w > 0 ? (x - q[0]) / w : x - q[0];
}

/* "prior":[[lo,hi],...],"pm":[...] and the same of the posterior, on the
 * prior's unit scale; "raw": the six quantiles as they are. */
static void json_bands(rpt_buf *js, const cal_rows *rs, int moved_only)
{
    static const char *const key[] = {"prior", "post"};
    for (size_t p = 0; p < 2; p++) {
        rpt_printf(js, ",\"%s\":[", key[p]);
        for (size_t i = 0, k = 0; i < rs->n; i++) {
            const cal_row *r = &rs->r[i];
            if (moved_only && !r->flag)
                continue;
            rpt_put(js, k++ ? ",[" : "[");
            rpt_json_num(js, unit(r->q, r->q[3 * p]));
            rpt_put(js, ",");
            rpt_json_num(js, unit(r->q, r->q[3 * p + 2]));
            rpt_put(js, "]");
        }
        rpt_printf(js, "],\"%sm\":[", key[p]);
        for (size_t i = 0, k = 0; i < rs->n; i++)
            if (!moved_only || rs->r[i].flag) {
                rpt_put(js, k++ ? "," : "");
                rpt_json_num(js, unit(rs->r[i].q, rs->r[i].q[3 * p + 1]));
            }
        rpt_put(js, "]");
    }
    rpt_put(js, ",\"raw\":[");
    for (size_t i = 0, k = 0; i < rs->n; i++) {
        if (moved_only && !rs->r[i].flag)
            continue;
        rpt_put(js, k++ ? ",[" : "[");
        for (int j = 0; j < 6; j++) {
            rpt_put(js, j ? "," : "");
            rpt_json_num(js, rs->r[i].q[j]);
        }
        rpt_put(js, "]");
    }
    rpt_put(js, "]");
}

static void json_names(rpt_buf *js, const cal_rows *rs, int moved_only)
{
    rpt_put(js, "\"names\":[");
    for (size_t i = 0, k = 0; i < rs->n; i++)
        if (!moved_only || rs->r[i].flag) {
            rpt_put(js, k++ ? "," : "");
            rpt_json_str(js, rs->r[i].name);
        }
    rpt_put(js, "]");
}

/* The reported figure on its report's unit scale: "rep" the point (a
 * range's middle, a bound's bound), "rlo"/"rhi" a range's ends (null: none). */
static void json_reported(rpt_buf *js, const cal_rows *rs)
{
    static const char *const key[] = {"rep", "rlo", "rhi"};
    for (int p = 0; p < 3; p++) {
        rpt_printf(js, ",\"%s\":[", key[p]);
        for (size_t i = 0; i < rs->n; i++) {
            const cal_row *r = &rs->r[i];
            double lo = r->v[0], hi = r->v[1];
            int range = isfinite(lo) && isfinite(hi) && hi > lo;
            double y = p == 0 ? (range ? (lo + hi) / 2 : isfinite(lo) ? lo : hi)
                     : !range ? NAN : p == 1 ? lo : hi;
            rpt_put(js, i ? "," : "");
            rpt_json_num(js, isfinite(y) ? unit(r->q, y) : NAN);
        }
        rpt_put(js, "]");
    }
}

static void chart_card(rpt_buf *b, const char *id, const char *title, const char *sub,
                       size_t rows, int *ncharts)
{
    rpt_put(b, "<figure class=\"card\"><figcaption><b>");
    rpt_html(b, title);
    rpt_put(b, "</b><span>");
    rpt_html(b, sub);
    rpt_printf(b, "</span></figcaption><div class=\"chart\" style=\"height:%zupx\"><canvas "
                  "id=\"%s\" role=\"img\" aria-label=\"", 100 + 34 * rows, id);
    rpt_html(b, title);
    rpt_put(b, "\"></canvas></div></figure>\n");
    (*ncharts)++;
}

/* ---- the tables ----------------------------------------------------------- */

static void put_band(rpt_buf *b, const double q[3])
{
    rpt_put(b, "<td class=\"num\">");
    rpt_put_num(b, q[1]);
    rpt_put(b, "</td><td class=\"num muted\">");
    rpt_put_num(b, q[0]);
    rpt_put(b, " to ");
    rpt_put_num(b, q[2]);
    rpt_put(b, "</td>");
}

static void inputs_table(rpt_buf *b, const cal_rows *in)
{
    rpt_put(b, "<div class=\"scroll\"><table class=\"calib-inputs\">\n<thead><tr><th>Input</th>"
               "<th>Prior</th><th class=\"num\">Prior median</th><th class=\"num\">90%</th>"
               "<th class=\"num\">Posterior median</th><th class=\"num\">90%</th>"
               "<th class=\"num\">Interval shrank by</th><th class=\"num\">Median moved "
               "(prior sd)</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < in->n; i++) {
        const cal_row *r = &in->r[i];
        if (!r->flag)
            continue;
        rpt_put(b, "<tr class=\"moved\" data-input=\"");
        rpt_html(b, r->name);
        rpt_put(b, "\"><td><code>");
        rpt_html(b, r->name);
        rpt_put(b, "</code></td><td class=\"muted\">");
        rpt_html(b, r->prior);
        rpt_put(b, "</td>");
        put_band(b, r->q);
        put_band(b, r->q + 3);
        if (isfinite(r->v[0]))
            rpt_printf(b, "<td class=\"num\">%.0f%%</td>", 100 * r->v[0]);
        else
            rpt_put(b, "<td class=\"num\">n/a</td>");
        if (isfinite(r->v[1]))
            rpt_printf(b, "<td class=\"num\">%+.2f</td></tr>\n", r->v[1]);
        else
            rpt_put(b, "<td class=\"num\">n/a</td></tr>\n");
    }
    rpt_put(b, "</tbody></table></div>\n");
}

static void still_list(rpt_buf *b, const cal_rows *in, size_t moved)
{
    if (moved == in->n)
        return;
    rpt_put(b, "<p class=\"muted not-moved\">Not moved (the reports say little about them; "
               "their posterior is their prior): ");
    for (size_t i = 0, k = 0; i < in->n; i++)
        if (!in->r[i].flag) {
            rpt_put(b, k++ ? ", <code>" : "<code>");
            rpt_html(b, in->r[i].name);
            rpt_put(b, "</code>");
        }
    rpt_put(b, ".</p>\n");
}

static void reports_table(rpt_buf *b, const cal_rows *rp)
{
    rpt_put(b, "<details><summary>Every report: its prior and posterior predictive</summary>\n"
               "<div class=\"scroll\"><table class=\"calib-reports\">\n<thead><tr><th>Report</th>"
               "<th>Used</th><th class=\"num\">Reported</th><th class=\"num\">Prior "
               "predictive median</th><th class=\"num\">90%</th><th class=\"num\">Posterior "
               "predictive median</th><th class=\"num\">90%</th><th class=\"num\">PIT</th>"
               "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < rp->n; i++) {
        const cal_row *r = &rp->r[i];
        rpt_put(b, r->flag ? "<tr class=\"cannot\"><td><code>" : "<tr><td><code>");
        rpt_html(b, r->name);
        rpt_put(b, "</code></td><td>");
        rpt_put(b, r->fit ? "fit" : "test");
        rpt_put(b, "</td><td class=\"num\">");
        if (isfinite(r->v[0]) && isfinite(r->v[1]) && r->v[1] > r->v[0]) {
            rpt_put_num(b, r->v[0]);
            rpt_put(b, " to ");
            rpt_put_num(b, r->v[1]);
        } else if (isfinite(r->v[0]) && isfinite(r->v[1])) {
            rpt_put_num(b, r->v[0]);
        } else {
            rpt_put(b, isfinite(r->v[0]) ? "&ge; " : "&le; ");
            rpt_put_num(b, isfinite(r->v[0]) ? r->v[0] : r->v[1]);
        }
        rpt_put(b, "</td>");
        put_band(b, r->q);
        put_band(b, r->q + 3);
        rpt_put(b, "<td class=\"num\">");
        rpt_put_num(b, r->v[2]);
        if (r->v[3] != r->v[2]) {
            rpt_put(b, " to ");
            rpt_put_num(b, r->v[3]);
        }
        rpt_put(b, "</td></tr>\n");
    }
    rpt_put(b, "</tbody></table></div>\n</details>\n");
}

/* Honest failure (issue 15, item 4): every report the model cannot
 * reproduce, by name, above the tables. */
static void cannot_alert(rpt_buf *b, const cal_rows *rp)
{
    size_t n = 0;
    for (size_t i = 0; i < rp->n; i++)
        n += rp->r[i].flag != 0;
    if (!n)
        return;
    rpt_put(b, "<div class=\"partial\" role=\"alert\"><strong>The model cannot reproduce ");
    rpt_put(b, n == 1 ? "a report" : "some reports");
    rpt_put(b, ":</strong> ");
    for (size_t i = 0, k = 0; i < rp->n; i++)
        if (rp->r[i].flag) {
            rpt_put(b, k++ ? ", <code>" : "<code>");
            rpt_html(b, rp->r[i].name);
            rpt_put(b, "</code>");
        }
    rpt_put(b, " (posterior predictive PIT below 0.01 or above 0.99).</div>\n");
}

/* ---- the section ---------------------------------------------------------- */

static void section(const cal_src *c, const cal_rows *in, const cal_rows *rp,
                    rpt_buf *b, rpt_buf *js, int *ncharts)
{
    size_t moved = 0, fit = 0;
    for (size_t i = 0; i < in->n; i++)
        moved += in->r[i].flag != 0;
    for (size_t i = 0; i < rp->n; i++)
        fit += rp->r[i].fit != 0;
    rpt_put(b, "<section id=\"calibration\">\n<h2>What the reports taught</h2>\n<p class=\"explain\">");
    rpt_printf(b, "The scenario's uncertain inputs and the sources' biases conditioned on %zu "
                  "report%s (<code>salient calibrate</code>%s). An input <b>moved</b> when its "
                  "posterior 90%% interval is at least 10%% narrower than its prior's, or its "
                  "median moved by more than a quarter of the prior's standard deviation (that of "
                  "a normal with the prior's 90%% interval). %zu of %zu moved. In the charts each "
                  "row is on its own scale: 0 and 1 are its prior's (or, for a report, its prior "
                  "predictive) 5%% and 95%%; bars are 90%% intervals, ticks medians.</p>\n",
               fit, fit == 1 ? "" : "s", c->own ? ", in <code>calibration/</code>" : "", moved,
               in->n);
    cannot_alert(b, rp);
    rpt_put(b, "<div class=\"grid wide-cards\">\n");
    rpt_put(js, "\"calib\":{\"colors\":[\"" CAL_PRIOR "\",\"" CAL_POST "\",\"" CAL_REPORT "\"]");
    if (moved) {
        chart_card(b, "calib-inputs", "Prior against posterior", "the inputs that moved", moved,
                   ncharts);
        rpt_put(js, ",\"inputs\":{\"id\":\"calib-inputs\",");
        json_names(js, in, 1);
        json_bands(js, in, 1);
        rpt_put(js, "}");
    }
    if (rp->n) {
        chart_card(b, "calib-reports", "Each report on its fan", "before and after", rp->n,
                   ncharts);
        rpt_put(js, ",\"reports\":{\"id\":\"calib-reports\",");
        json_names(js, rp, 0);
        json_bands(js, rp, 0);
        json_reported(js, rp);
        rpt_put(js, "}");
    }
    rpt_put(js, "},");
    rpt_put(b, "</div>\n");
    if (moved)
        inputs_table(b, in);
    still_list(b, in, moved);
    reports_table(b, rp);
    rpt_put(b, "</section>\n");
}

int rpt_calibration(rpt_db *d, rpt_buf *b, rpt_buf *js, int *ncharts)
{
    if (d->status)
        return 0;
    cal_src c = {0};
    int found = open_source(d, &c);
    cal_rows in = {0}, rp = {0};
    if (found > 0) {
        read_inputs(d, &c, &in);
        read_reports(d, &c, &rp);
    }
    int shown = found > 0 && !d->status && !in.oom && !rp.oom && in.n > 0;
    if (shown)
        section(&c, &in, &rp, b, js, ncharts);
    if (in.oom || rp.oom)
        b->oom = 1;
    rows_free(&in);
    rows_free(&rp);
    if (c.own)
        sqlite3_close(c.db);
    return shown;
}

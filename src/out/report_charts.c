/* salient — the report's chart sections: fan charts, event-time curves,
 * counterfactual differences, Sobol' indices (src/out/report_int.h).
 *
 * Each section writes its HTML (figures with an empty <canvas>, and the
 * tables of the same numbers, so the page reads without its script and in
 * print) and appends its data to the page's JSON object; src/out/report.js
 * draws the canvases from that JSON with Chart.js. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/report_int.h"
#include "base/util.h"


static void json_arr(rpt_buf *js, const double *v, size_t n)
{
    rpt_put(js, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            rpt_put(js, ",");
        rpt_json_num(js, v[i]);
    }
    rpt_put(js, "]");
}

/* n doubles, all NaN (missing until read); NULL sets *oom. */
static double *nans(size_t n, int *oom)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        *oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = (double)NAN;
    return v;
}

/* A day column as an index into 0..ndays-1, or -1. */
static long day_index(const rpt_db *d, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) != SQLITE_INTEGER &&
        sqlite3_column_type(st, col) != SQLITE_FLOAT)
        return -1;
    double x = sqlite3_column_double(st, col);
    if (!(x >= 0) || x >= (double)d->ndays || x != floor(x))
        return -1;
    return (long)x;
}

/* A list of names in first-seen order. */
typedef struct {
    char **v;
    size_t n;
} names;

static long names_find(const names *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return (long)i;
    return -1;
}

static long names_add(names *l, const char *s, int *oom)
{
    long i = names_find(l, s);
    if (i >= 0)
        return i;
    char **nv = realloc(l->v, (l->n + 1) * sizeof *nv);
    char *c = sal_strdup(s);
    if (!nv || !c) {
        if (nv)
            l->v = nv;
        free(c);
        *oom = 1;
        return -1;
    }
    l->v = nv;
    l->v[l->n] = c;
    return (long)l->n++;
}

static void names_free(names *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

/* ---- fan charts --------------------------------------------------------- */

/* What every chart shares, in the page's JSON: the dates of the x axis and
 * the variants with their colours. */
static void fan_shared(const rpt_db *d, rpt_buf *js)
{
    rpt_put(js, "\"dates\":[");
    for (size_t k = 0; k < d->ndays; k++) {
        rpt_put(js, k ? "," : "");
        rpt_json_str(js, d->dates[k]);
    }
    rpt_put(js, "],\"base\":{\"name\":\"base\",\"color\":");
    rpt_json_str(js, rpt_variant_color(-1));
    rpt_put(js, "},\"variants\":[");
    for (size_t v = 0; v < d->nvariants; v++) {
        rpt_put(js, v ? ",{\"name\":" : "{\"name\":");
        rpt_json_str(js, d->variants[v]);
        rpt_put(js, ",\"color\":");
        rpt_json_str(js, rpt_variant_color((int)v));
        rpt_put(js, "}");
    }
    rpt_put(js, "],\"fans\":[");
}

/* The section's opening: how to read a fan, one key for every chart, and
 * the variant toggles. */
static void fan_intro(rpt_db *d, rpt_buf *b)
{
    size_t nv = d->nvariants;
    rpt_put(b, "<section id=\"outcomes\">\n<h2>Outcomes over time</h2>\n<p class=\"explain\">Each "
               "chart is a fan of the ensemble's runs: the line is the median day by day, the dark "
               "band holds the middle 50% of runs, the light band 90%.");
    if (d->quantiles && strcmp(d->quantiles, "exact") == 0)
        rpt_put(b, " The quantiles are exact: order statistics of the runs, day by day.");
    else if (d->quantiles && strcmp(d->quantiles, "sketch") == 0) {
        char *end = NULL;
        double a = d->accuracy ? strtod(d->accuracy, &end) : (double)NAN;
        rpt_put(b, " The runs were too many to keep for exact quantiles: each quantile comes from a "
                   "quantile sketch");
        if (end && !*end && a > 0)
            rpt_printf(b, " within %.2g%% of the exact value, so a band can move in steps of up to "
                          "that size", 100 * a);
        rpt_put(b, ".");
    }
    int toggles = d->has_vq && nv;
    if (toggles)
        rpt_put(b, " Tick a variant to draw its median on every chart (dashed, in the variant's "
                   "colour).");
    /* one key for every chart, instead of a legend crowding each */
    rpt_put(b, "</p>\n<div class=\"fan-key\"><span><i style=\"background:#2c3e50;height:3px\"></i>"
               "median</span><span><i style=\"background:rgba(44,62,80,0.34)\"></i>50% of runs</span>"
               "<span><i style=\"background:rgba(44,62,80,0.16)\"></i>90% of runs</span>");
    rpt_fan_reports_key(d, b);
    if (toggles) {
        rpt_put(b, "<span class=\"toggles\">variant medians:");
        for (size_t v = 0; v < nv; v++) {
            rpt_printf(b, " <label><input type=\"checkbox\" class=\"vtoggle\" value=\"%zu\"><span "
                          "class=\"swatch\" style=\"background:%s\"></span>",
                       v, rpt_variant_color((int)v));
            rpt_html(b, d->variants[v]);
            rpt_put(b, "</label>");
        }
        rpt_put(b, "</span>");
    }
    rpt_put(b, "</div>\n<div class=\"grid\">\n");
}

/* Metric m's quantiles q[j * nd + day] (st) and variant medians
 * vm[v * nd + day] (vst, may be NULL); returns 1 if a variant median was read. */
static int fan_read(const rpt_db *d, const char *m, sqlite3_stmt *st, sqlite3_stmt *vst,
                    double *q, double *vm)
{
    size_t nd = d->ndays;
    for (size_t i = 0; i < 5 * nd; i++)
        q[i] = (double)NAN;
    for (size_t i = 0; i < d->nvariants * nd; i++)
        vm[i] = (double)NAN;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        long day = day_index(d, st, 0);
        for (int j = 0; day >= 0 && j < 5; j++)
            q[(size_t)j * nd + (size_t)day] = rpt_col_num(st, 1 + j);
    }
    int vany = 0;
    if (vst) {
        sqlite3_reset(vst);
        sqlite3_bind_text(vst, 1, m, -1, SQLITE_STATIC);
        while (sqlite3_step(vst) == SQLITE_ROW) {
            int v = rpt_variant_index(d, rpt_col_text(vst, 0));
            long day = day_index(d, vst, 1);
            if (v >= 0 && day >= 0) {
                vm[(size_t)v * nd + (size_t)day] = rpt_col_num(vst, 2);
                vany = 1;
            }
        }
    }
    return vany;
}

/* A ceiling the runs pile up against (Donetsk's area, say): the band's top
 * reaches its largest value t and, on the last day, at least a quarter of
 * the runs sit at exactly t (p75 = t, or p50, p25) while p05 is below it.
 * Returns the lowest quantile j (1..3) at t then, and sets *t and *from
 * (the first day that quantile reached t); 0 when the metric has none. */
static int fan_ceiling(const double *q, size_t nd, double *t, size_t *from)
{
    double top = -INFINITY;
    for (size_t k = 0; k < nd; k++)
        if (q[4 * nd + k] > top)
            top = q[4 * nd + k];
    size_t h = nd - 1;
    if (!isfinite(top) || !(q[h] < top) || q[4 * nd + h] != top || q[3 * nd + h] != top)
        return 0;
    int j = 3;
    while (j > 1 && q[(size_t)(j - 1) * nd + h] == top)
        j--;
    size_t k = h;
    while (k > 0 && q[(size_t)j * nd + k - 1] == top)
        k--;
    *t = top;
    *from = k;
    return j;
}

/* The fan chart of metric k (m) and its data. */
static void fan_card(rpt_db *d, size_t k, const char *m, const double *q, const double *vm,
                     int vany, rpt_buf *b, rpt_buf *js, int *ncharts)
{
    size_t nd = d->ndays;
    rpt_printf(b, "<figure class=\"card\"><figcaption><b>");
    rpt_html(b, m);
    rpt_put(b, "</b><span>");
    rpt_put_date(b, d->dates[nd - 1]);
    rpt_put(b, ": median ");
    rpt_put_num(b, q[2 * nd + nd - 1]);
    rpt_put(b, ", 90% of runs ");
    rpt_put_num(b, q[nd - 1]);
    rpt_put(b, " to ");
    rpt_put_num(b, q[4 * nd + nd - 1]);
    double cap = (double)NAN;
    size_t from = 0;
    int cj = fan_ceiling(q, nd, &cap, &from);
    if (cj) {
        static const char *const share[] = {"", "75%", "50%", "25%"};
        rpt_printf(b, "</span><span class=\"ceiling\">at a ceiling: from ");
        rpt_put_date(b, d->dates[from]);
        rpt_printf(b, " at least %s of runs sit at exactly ", share[cj]);
        rpt_put_num(b, cap);
        rpt_put(b, ", the highest value of the band: a ceiling the runs pile up against (dashed "
                   "line), not a cut-off chart");
    }
    rpt_printf(b, "</span></figcaption><div class=\"chart\"><canvas id=\"fan-%zu\" "
                  "role=\"img\" aria-label=\"fan chart of ",
               k);
    rpt_html(b, m);
    rpt_put(b, "\"></canvas></div></figure>\n");
    (*ncharts)++;

    rpt_printf(js, "%s{\"id\":\"fan-%zu\",\"name\":", k ? "," : "", k);
    rpt_json_str(js, m);
    rpt_put(js, ",\"q\":[");
    for (int j = 0; j < 5; j++) {
        rpt_put(js, j ? "," : "");
        json_arr(js, q + (size_t)j * nd, nd);
    }
    rpt_put(js, "],\"variants\":[");
    for (size_t v = 0; vany && v < d->nvariants; v++) {
        rpt_printf(js, "%s{\"v\":%zu,\"p50\":", v ? "," : "", v);
        json_arr(js, vm + v * nd, nd);
        rpt_put(js, "}");
    }
    rpt_put(js, "]");
    if (cj) {
        rpt_put(js, ",\"cap\":");
        rpt_json_num(js, cap);
    }
    rpt_fan_reports(d, js, m); /* salient score's reports, when there are */
    rpt_put(js, "}");
}

void rpt_metrics(rpt_db *d, rpt_buf *b, rpt_buf *js, int *ncharts)
{
    size_t nd = d->ndays, nv = d->nvariants;
    fan_shared(d, js);
    fan_intro(d, b);
    sqlite3_stmt *st = rpt_prepare(d, "quantiles",
                                   "SELECT day, p05, p25, p50, p75, p95 FROM quantiles WHERE "
                                   "metric = ? ORDER BY day");
    sqlite3_stmt *vst = d->has_vq ? rpt_prepare(d, "variant_quantiles",
                                                "SELECT variant, day, p50 FROM variant_quantiles "
                                                "WHERE metric = ? ORDER BY rowid")
                                  : NULL;
    int oom = 0;
    double *q = nans(5 * nd, &oom), *vm = nans(nv * nd, &oom);
    for (size_t k = 0; st && q && vm && k < d->nmetrics; k++) {
        int vany = fan_read(d, d->metrics[k], st, vst, q, vm);
        fan_card(d, k, d->metrics[k], q, vm, vany, b, js, ncharts);
    }
    rpt_put(js, "],");
    rpt_put(b, "</div>\n</section>\n");
    sqlite3_finalize(st);
    sqlite3_finalize(vst);
    free(q);
    free(vm);
    if (oom)
        b->oom = 1;
}

/* ---- events ------------------------------------------------------------- */

/* The event_curve table: P(happened by day) per event, p[e * nd + day],
 * NaN where missing; events only in the curve table are added to ev after
 * those of the events table.  NULL when nothing was read. */
static double *ev_curve_read(rpt_db *d, names *ev, int *oom)
{
    size_t nd = d->ndays;
    double *p = NULL;
    size_t cap = 0;
    sqlite3_stmt *st = rpt_prepare(d, "event_curve",
                                   "SELECT event, day, probability FROM event_curve ORDER BY rowid");
    while (st && !*oom && sqlite3_step(st) == SQLITE_ROW) {
        long e = names_add(ev, rpt_col_text(st, 0), oom);
        long day = day_index(d, st, 1);
        if (e < 0)
            break;
        if (ev->n * nd > cap) {
            size_t ncap = ev->n * nd * 2;
            double *np = realloc(p, ncap * sizeof *np);
            if (!np) {
                *oom = 1;
                break;
            }
            for (size_t i = cap; i < ncap; i++)
                np[i] = (double)NAN;
            p = np;
            cap = ncap;
        }
        if (day >= 0 && p) /* p is NULL only while no day exists (nd = 0) */
            p[(size_t)e * nd + (size_t)day] = rpt_col_num(st, 2);
    }
    sqlite3_finalize(st);
    return p;
}

/* The chart of the event-time curves p (ev_curve_read) and its data. */
static void ev_curves(const rpt_db *d, const names *ev, const double *p, rpt_buf *b,
                      rpt_buf *js, int *ncharts, int *oom)
{
    size_t nd = d->ndays;
    /* A curve that never moves (certain from the first day, or never)
     * says nothing a table does not, and crowds the chart: left out. */
    size_t ndrawn = 0, nflat = 0;
    unsigned char *drawn = calloc(ev->n ? ev->n : 1, 1);
    for (size_t e = 0; p && drawn && e < ev->n; e++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t k = 0; k < nd; k++) {
            /* every slot below cap was set to NaN when p grew, and cap >= ev.n * nd
             * after each row; the analyser does not follow the realloc loop */
            double x = p[e * nd + k]; // NOLINT(clang-analyzer-core.uninitialized.Assign)
            if (!isnan(x)) {
                lo = x < lo ? x : lo;
                hi = x > hi ? x : hi;
            }
        }
        drawn[e] = hi > lo;
        ndrawn += drawn[e];
        nflat += !drawn[e];
    }
    if (!drawn)
        *oom = 1;
    if (ndrawn) {
        rpt_put(b, "<figure class=\"card wide\"><figcaption><b>Probability that each event has "
                   "happened, by date</b><span>base scenario: the share of runs in which the event "
                   "has occurred on or before each day");
        if (nflat)
            rpt_printf(b, "; %zu event%s that never change%s (certain from the first day, or "
                          "never) are in the table only",
                       nflat, nflat == 1 ? "" : "s", nflat == 1 ? "s" : "");
        rpt_put(b, "</span></figcaption><div class=\"chart tall\"><canvas id=\"event-curves\" "
                   "role=\"img\" aria-label=\"event-time curves\"></canvas></div></figure>\n");
        (*ncharts)++;
        rpt_put(js, "\"curves\":{\"id\":\"event-curves\",\"events\":[");
        int first = 1;
        for (size_t e = 0; e < ev->n; e++) {
            if (!drawn[e])
                continue;
            rpt_put(js, first ? "{\"name\":" : ",{\"name\":");
            first = 0;
            rpt_json_str(js, ev->v[e]);
            rpt_put(js, ",\"p\":");
            json_arr(js, p + e * nd, nd);
            rpt_put(js, "}");
        }
        rpt_put(js, "]},");
    }
    free(drawn);
}

/* One row of the events table (event, probability, p05, p50, p95). */
static void ev_row(const rpt_db *d, sqlite3_stmt *st, rpt_buf *b)
{
    rpt_put(b, "<tr><td><b>");
    rpt_html(b, rpt_col_text(st, 0));
    rpt_put(b, "</b></td><td class=\"num\">");
    rpt_put_pct(b, rpt_col_num(st, 1));
    const char *lo = rpt_day_date(d, rpt_col_num(st, 2)), *med = rpt_day_date(d, rpt_col_num(st, 3));
    const char *hi = rpt_day_date(d, rpt_col_num(st, 4));
    rpt_put(b, "</td><td class=\"date\">");
    if (*med)
        rpt_put_date(b, med);
    else
        rpt_put(b, "<span class=\"muted\">never</span>");
    rpt_put(b, "</td><td class=\"date\">");
    if (*lo && strcmp(lo, hi) != 0) {
        rpt_put_date(b, lo);
        rpt_put(b, " \xe2\x80\x93 ");
        rpt_put_date(b, hi);
    } else if (*lo)
        rpt_put_date(b, lo);
    rpt_put(b, "</td></tr>\n");
}

/* The table: probability by the horizon and the dates (base).  Returns the
 * base probabilities of the nbase events of the events table (NULL: out of
 * memory, *oom set). */
static double *ev_table(rpt_db *d, size_t nbase, rpt_buf *b, int *oom)
{
    rpt_put(b, "<div class=\"scroll\"><table class=\"events\">\n<thead><tr><th>Event</th>"
               "<th class=\"num\">By ");
    rpt_put_date(b, d->dates[d->ndays - 1]);
    rpt_put(b, "</th><th>When it happens: median</th><th>90% of those runs</th></tr></thead>\n"
               "<tbody>\n");
    double *pbase = nans(nbase, oom);
    sqlite3_stmt *st = rpt_prepare(d, "events", "SELECT event, probability, p05, p50, p95 FROM events ORDER BY rowid");
    for (size_t e = 0; st && pbase && sqlite3_step(st) == SQLITE_ROW; e++) {
        if (e < nbase)
            pbase[e] = rpt_col_num(st, 1);
        ev_row(d, st, b);
    }
    sqlite3_finalize(st);
    rpt_put(b, "</tbody></table></div>\n");
    return pbase;
}

/* Each variant's probability by the horizon, vp[v * nbase + e]: from its own
 * ensemble (variant_events), else from the comparison's event rows.  Sets
 * *any when a value was read. */
static void ev_variant_read(rpt_db *d, const names *ev, size_t nbase, double *vp, int *any)
{
    sqlite3_stmt *st = d->has_ve ? rpt_prepare(d, "variant_events",
                                               "SELECT variant, event, probability FROM variant_events")
                                 : rpt_prepare(d, "compare",
                                               "SELECT variant, name, b FROM compare WHERE kind = 'event'");
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        int v = rpt_variant_index(d, rpt_col_text(st, 0));
        long e = names_find(ev, rpt_col_text(st, 1));
        if (v >= 0 && e >= 0 && (size_t)e < nbase) {
            vp[(size_t)v * nbase + (size_t)e] = rpt_col_num(st, 2);
            *any = 1;
        }
    }
    sqlite3_finalize(st);
}

/* The matrix of the events by variant (vp, ev_variant_read) against the base. */
static void ev_variants(const rpt_db *d, const names *ev, size_t nbase, const double *pbase,
                        const double *vp, rpt_buf *b)
{
    size_t nv = d->nvariants;
    rpt_put(b, "<h3>Under each variant</h3>\n<p class=\"explain\">Probability by ");
    rpt_put_date(b, d->dates[d->ndays - 1]);
    rpt_put(b, " in each variant; the small number is the change from the base in percentage "
               "points, where it is at least one.</p>\n<div class=\"scroll\"><table "
               "class=\"matrix\">\n<thead><tr><th>Event</th><th class=\"num\">Base</th>");
    for (size_t v = 0; v < nv; v++) {
        rpt_printf(b, "<th class=\"num\"><span class=\"swatch\" style=\"background:%s\"></span>",
                   rpt_variant_color((int)v));
        rpt_html(b, d->variants[v]);
        rpt_put(b, "</th>");
    }
    rpt_put(b, "</tr></thead>\n<tbody>\n");
    for (size_t e = 0; e < nbase; e++) {
        rpt_put(b, "<tr><td><b>");
        rpt_html(b, ev->v[e]);
        rpt_put(b, "</b></td><td class=\"num\">");
        rpt_put_pct(b, pbase[e]);
        rpt_put(b, "</td>");
        for (size_t v = 0; v < nv; v++) {
            double x = vp[v * nbase + e], dlt = (x - pbase[e]) * 100;
            rpt_put(b, "<td class=\"num\">");
            rpt_put_pct(b, x);
            if (fabs(dlt) >= 1) /* 1 point: below, the table would flicker with noise */
                rpt_printf(b, " <span class=\"delta\">%s%.0f</span>",
                           dlt > 0 ? "+" : "\xe2\x88\x92", fabs(dlt));
            rpt_put(b, "</td>");
        }
        rpt_put(b, "</tr>\n");
    }
    rpt_put(b, "</tbody></table></div>\n");
}

void rpt_events(rpt_db *d, rpt_buf *b, rpt_buf *js, int *ncharts)
{
    size_t nv = d->nvariants;
    int oom = 0;
    names ev = {0};
    sqlite3_stmt *st = rpt_prepare(d, "events", "SELECT event FROM events ORDER BY rowid");
    while (st && sqlite3_step(st) == SQLITE_ROW)
        names_add(&ev, rpt_col_text(st, 0), &oom);
    sqlite3_finalize(st);
    size_t nbase = ev.n; /* events of the events table; the curve may add more */

    rpt_put(b, "<section id=\"events\">\n<h2>Events</h2>\n<p class=\"explain\">How the names "
               "relate: a name with a dot, <code>ladder.rung</code>, is a rung of an escalation "
               "ladder, recorded when the ladder reaches it; any other name is a policy (recorded "
               "each time the policy acts), a treaty coming into force, or an event a policy "
               "records. A policy and the rung it sets can look like one thing under two names "
               "(a policy that acknowledges the deployment, and the rung <i>acknowledge</i>): "
               "they differ when the rung is also reached another way, or was reached before the "
               "policy acted, so their numbers can differ slightly.</p>\n");
    if (d->has_curve) {
        double *p = ev_curve_read(d, &ev, &oom);
        ev_curves(d, &ev, p, b, js, ncharts, &oom);
        free(p);
    }
    double *pbase = ev_table(d, nbase, b, &oom);
    double *vp = nans(nv * (nbase ? nbase : 1), &oom);
    int any = 0;
    if ((d->has_ve || d->has_compare) && vp && pbase && nv)
        ev_variant_read(d, &ev, nbase, vp, &any);
    if (any)
        ev_variants(d, &ev, nbase, pbase, vp, b);
    rpt_put(b, "</section>\n");
    free(vp);
    free(pbase);
    names_free(&ev);
    if (oom)
        b->oom = 1;
}

/* ---- counterfactuals ---------------------------------------------------- */

/* compare rows of kind 'metric': per metric, variant and day the mean and
 * the 5/50/95% quantiles of B - A; at the horizon also a, b and the variance
 * reduction. */
enum { CD_MEAN, CD_P05, CD_P50, CD_P95, CD_N };

/* The compare rows read for the section. */
typedef struct {
    names mets;            /* the metrics compared, in first-seen order */
    size_t nm, nd, nv;     /* metrics, days, variants */
    double *cd;            /* cd[((m * nv + v) * CD_N + j) * nd + day] */
    double *hz;            /* hz[(m * nv + v) * 4 + j]: a, b, var red., day */
} cmp_data;

static void cmp_free(cmp_data *c)
{
    free(c->cd);
    free(c->hz);
    names_free(&c->mets);
}

/* Reads the compare table into c; 0, or -1 (c freed) on a failure. */
static int cmp_load(rpt_db *d, cmp_data *c, int *oom)
{
    size_t nd = d->ndays, nv = d->nvariants;
    c->nd = nd;
    c->nv = nv;
    sqlite3_stmt *st = rpt_prepare(d, "compare",
                                   "SELECT name FROM compare WHERE kind = 'metric' GROUP BY name "
                                   "ORDER BY MIN(rowid)");
    while (st && sqlite3_step(st) == SQLITE_ROW)
        names_add(&c->mets, rpt_col_text(st, 0), oom);
    sqlite3_finalize(st);
    size_t nm = c->nm = c->mets.n;
    double *cd = c->cd = nans(nm * nv * CD_N * nd, oom);
    double *hz = c->hz = nans(nm * nv * 4, oom);
    st = rpt_prepare(d, "compare",
                     "SELECT variant, name, day, a, b, diff_mean, diff_p05, diff_p50, diff_p95, "
                     "variance_reduction FROM compare WHERE kind = 'metric' ORDER BY rowid");
    while (st && cd && hz && sqlite3_step(st) == SQLITE_ROW) {
        int v = rpt_variant_index(d, rpt_col_text(st, 0));
        long m = names_find(&c->mets, rpt_col_text(st, 1));
        long day = day_index(d, st, 2);
        if (v < 0 || m < 0 || day < 0)
            continue;
        size_t base = ((size_t)m * nv + (size_t)v) * CD_N;
        for (int j = 0; j < CD_N; j++)
            cd[(base + (size_t)j) * nd + (size_t)day] = rpt_col_num(st, 5 + j);
        double *h = hz + ((size_t)m * nv + (size_t)v) * 4;
        if (isnan(h[3]) || (double)day >= h[3]) {
            h[0] = rpt_col_num(st, 3);
            h[1] = rpt_col_num(st, 4);
            h[2] = rpt_col_num(st, 9);
            h[3] = (double)day;
        }
    }
    sqlite3_finalize(st);
    if (!cd || !hz || d->status) {
        cmp_free(c);
        return -1;
    }
    return 0;
}

/* The section's opening: what common random numbers do, and the legend. */
static void cmp_intro(const rpt_db *d, rpt_buf *b)
{
    rpt_put(b, "<section id=\"counterfactuals\">\n<h2>Counterfactuals</h2>\n<p class=\"explain\">"
               "Each variant is run on the same random numbers as the base (common random "
               "numbers): run <i>k</i> of a variant meets the same chance events as run <i>k</i> of "
               "the base, so the difference between the two is the effect of the change, not of "
               "luck. Dots are the mean difference <i>variant \xe2\x88\x92 base</i> on ");
    rpt_put_date(b, d->dates[d->ndays - 1]);
    rpt_put(b, "; whiskers span 90% of the runs' differences. <i>CRN variance reduction</i>, in the "
               "table, is how many times smaller the variance of the difference is on common random "
               "numbers than it would be with independent runs: 50\xc3\x97 means the same precision "
               "as fifty times as many independent runs.</p>\n<ul class=\"legend\">\n");
    for (size_t v = 0; v < d->nvariants; v++) {
        rpt_printf(b, "<li><span class=\"swatch\" style=\"background:%s\"></span><b>",
                   rpt_variant_color((int)v));
        rpt_html(b, d->variants[v]);
        rpt_put(b, "</b>");
        if (*d->variant_desc[v]) {
            rpt_put(b, " \xe2\x80\x94 ");
            rpt_html(b, d->variant_desc[v]);
        }
        rpt_put(b, "</li>\n");
    }
    rpt_put(b, "</ul>\n<div class=\"grid\">\n");
}

/* Metric m's card (differences at the horizon) and its chart data. */
static void cmp_card(const rpt_db *d, const cmp_data *c, size_t m, rpt_buf *b, rpt_buf *js,
                     int *ncharts)
{
    size_t nd = c->nd, nv = c->nv;
    const double *cd = c->cd, *hz = c->hz;
    rpt_put(b, "<figure class=\"card\"><figcaption><b>");
    rpt_html(b, c->mets.v[m]);
    rpt_put(b, "</b><span>difference from the base on ");
    rpt_put_date(b, d->dates[nd - 1]);
    rpt_printf(b, "</span></figcaption><div class=\"chart\" style=\"height:%zupx\"><canvas "
                  "id=\"cmp-%zu\" role=\"img\" aria-label=\"differences in ",
               70 + 34 * nv, m);
    rpt_html(b, c->mets.v[m]);
    rpt_put(b, "\"></canvas></div></figure>\n");
    (*ncharts)++;
    rpt_printf(js, "%s{\"id\":\"cmp-%zu\",\"name\":", m ? "," : "", m);
    rpt_json_str(js, c->mets.v[m]);
    /* at the horizon: mean, p05, p50, p95 per variant */
    for (int j = 0; j < CD_N; j++) {
        static const char *const key[] = {"mean", "lo", "mid", "hi"};
        rpt_printf(js, ",\"%s\":[", key[j]);
        for (size_t v = 0; v < nv; v++) {
            /* nans() set every element of hz; the analyser does not see into it */
            double hday = hz[(m * nv + v) * 4 + 3]; // NOLINT(clang-analyzer-core.uninitialized.Assign)
            rpt_put(js, v ? "," : "");
            rpt_json_num(js, isnan(hday) ? (double)NAN
                                         : cd[((m * nv + v) * CD_N + (size_t)j) * nd +
                                              (size_t)hday]);
        }
        rpt_put(js, "]");
    }
    rpt_put(js, ",\"series\":[");
    for (size_t v = 0; v < nv; v++) {
        rpt_printf(js, "%s{\"v\":%zu,\"p05\":", v ? "," : "", v);
        json_arr(js, cd + ((m * nv + v) * CD_N + CD_P05) * nd, nd);
        rpt_put(js, ",\"p50\":");
        json_arr(js, cd + ((m * nv + v) * CD_N + CD_P50) * nd, nd);
        rpt_put(js, ",\"p95\":");
        json_arr(js, cd + ((m * nv + v) * CD_N + CD_P95) * nd, nd);
        rpt_put(js, "}");
    }
    rpt_put(js, "]}");
}

/* How a key metric's difference evolves: the key metric first. */
static void cmp_evolve(const rpt_db *d, const cmp_data *c, rpt_buf *b, rpt_buf *js, int *ncharts)
{
    long key = d->key >= 0 ? names_find(&c->mets, d->metrics[d->key]) : -1;
    if (key < 0)
        key = 0;
    if (c->nm) {
        rpt_put(b, "<figure class=\"card wide\"><figcaption><b>How the difference evolves</b>"
                   "<label>metric <select id=\"cmp-metric\">");
        for (size_t m = 0; m < c->nm; m++) {
            rpt_printf(b, "<option value=\"%zu\"%s>", m, (long)m == key ? " selected" : "");
            rpt_html(b, c->mets.v[m]);
            rpt_put(b, "</option>");
        }
        rpt_put(b, "</select></label><label>90% band of <select id=\"cmp-band\"><option "
                   "value=\"-1\">none</option>");
        for (size_t v = 0; v < c->nv; v++) {
            rpt_printf(b, "<option value=\"%zu\"%s>", v,
                       (int)v == d->band_variant ? " selected" : "");
            rpt_html(b, d->variants[v]);
            rpt_put(b, "</option>");
        }
        rpt_put(b, "</select></label><span>median difference from the base, day by day; the band "
                   "holds 90% of the runs' differences</span></figcaption><div class=\"chart tall\"><canvas "
                   "id=\"cmp-evolve\" role=\"img\" aria-label=\"difference over time\"></canvas>"
                   "</div></figure>\n");
        (*ncharts)++;
    }
    rpt_printf(js, "],\"evolve\":\"cmp-evolve\",\"key\":%ld},", key);
}

/* One row of the table: metric m, variant v at the horizon. */
static void cmp_row(const rpt_db *d, const cmp_data *c, size_t m, size_t v, rpt_buf *b)
{
    size_t nd = c->nd, nv = c->nv;
    const double *cd = c->cd;
    const double *h = c->hz + (m * nv + v) * 4;
    if (isnan(h[3]))
        return;
    size_t k = (m * nv + v) * CD_N;
    size_t day = (size_t)h[3];
    rpt_put(b, v ? "<tr><td></td><td>" : "<tr class=\"first\"><td><b>");
    if (!v) {
        rpt_html(b, c->mets.v[m]);
        rpt_put(b, "</b></td><td>");
    }
    rpt_printf(b, "<span class=\"swatch\" style=\"background:%s\"></span>",
               rpt_variant_color((int)v));
    rpt_html(b, d->variants[v]);
    rpt_put(b, "</td><td class=\"num\">");
    rpt_put_num(b, h[0]);
    rpt_put(b, "</td><td class=\"num\">");
    rpt_put_num(b, h[1]);
    rpt_put(b, "</td><td class=\"num\">");
    double mean = cd[(k + CD_MEAN) * nd + day];
    rpt_put(b, mean > 0 ? "+" : "");
    rpt_put_num(b, mean);
    rpt_put(b, "</td><td class=\"num\">");
    rpt_put_num(b, cd[(k + CD_P05) * nd + day]);
    rpt_put(b, " to ");
    rpt_put_num(b, cd[(k + CD_P95) * nd + day]);
    rpt_put(b, "</td><td class=\"num\">");
    if (isinf(h[2])) /* the difference is exactly constant */
        rpt_put(b, "\xe2\x88\x9e");
    else if (!isnan(h[2])) {
        rpt_put_num(b, h[2]);
        rpt_put(b, "\xc3\x97");
    }
    rpt_put(b, "</td></tr>\n");
}

void rpt_compare(rpt_db *d, rpt_buf *b, rpt_buf *js, int *ncharts)
{
    if (!d->has_compare)
        return;
    int oom = 0;
    cmp_data c = {0};
    if (cmp_load(d, &c, &oom) != 0) {
        b->oom |= oom;
        return;
    }
    cmp_intro(d, b);
    rpt_put(js, "\"compare\":{\"metrics\":[");
    for (size_t m = 0; m < c.nm; m++)
        cmp_card(d, &c, m, b, js, ncharts);
    rpt_put(b, "</div>\n");
    cmp_evolve(d, &c, b, js, ncharts);

    /* the numbers, at the horizon */
    rpt_put(b, "<div class=\"scroll\"><table class=\"compare\">\n<thead><tr><th>Metric</th>"
               "<th>Variant</th><th class=\"num\">Base mean</th><th class=\"num\">Variant mean</th>"
               "<th class=\"num\">Difference (mean)</th><th class=\"num\">90% of runs</th>"
               "<th class=\"num\" title=\"variance of the difference with independent streams "
               "divided by that with common random numbers\">CRN variance reduction</th></tr>"
               "</thead>\n<tbody>\n");
    for (size_t m = 0; m < c.nm; m++)
        for (size_t v = 0; v < c.nv; v++)
            cmp_row(d, &c, m, v, b);
    rpt_put(b, "</tbody></table></div>\n");

    rpt_put(b, "</section>\n");
    cmp_free(&c);
    if (oom)
        b->oom = 1;
}

/* ---- Sobol' indices ----------------------------------------------------- */

enum { SOBOL_BARS = 12 }; /* bars per chart; every input is in the table */

typedef struct {
    char *input;
    double s[6]; /* S1, S1_lo, S1_hi, ST, ST_lo, ST_hi */
    size_t ord;
} sobol_row;

/* Largest total index first; ties keep the file's order (qsort is not
 * stable, so the order is the last key). */
static int by_total(const void *pa, const void *pb)
{
    const sobol_row *x = pa, *y = pb;
    double a = isnan(x->s[3]) ? -1 : x->s[3], c = isnan(y->s[3]) ? -1 : y->s[3];
    if (a != c)
        return a > c ? -1 : 1;
    return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* The rows of one metric (st bound to it), sorted by total index; *n rows,
 * fewer on out of memory (*oom set). */
static sobol_row *sobol_read(sqlite3_stmt *st, const char *metric, size_t *np, int *oom)
{
    sobol_row *rows = NULL;
    size_t n = 0;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, metric, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        sobol_row *nr = realloc(rows, (n + 1) * sizeof *nr);
        const char *in = rpt_col_text(st, 0);
        char *c = sal_strdup(in);
        if (!nr || !c) {
            if (nr)
                rows = nr;
            free(c);
            *oom = 1;
            break;
        }
        rows = nr;
        rows[n].input = c;
        rows[n].ord = n;
        for (int j = 0; j < 6; j++)
            rows[n].s[j] = rpt_col_num(st, 1 + j);
        n++;
    }
    if (n > 1)
        qsort(rows, n, sizeof *rows, by_total);
    *np = n;
    return rows;
}

/* The card of metric m (name) and its chart data. */
static void sobol_card(size_t m, const char *name, const sobol_row *rows, size_t n, rpt_buf *b,
                       rpt_buf *js, int *ncharts)
{
    /* a chart of more than a dozen bars is read for its top anyway:
     * the rest are in the table */
    size_t shown = n < SOBOL_BARS ? n : SOBOL_BARS;
    rpt_put(b, "<figure class=\"card\"><figcaption><b>");
    rpt_html(b, name);
    if (shown < n)
        rpt_printf(b, "</b><span>the %zu largest of %zu uncertain inputs</span>", shown, n);
    else
        rpt_printf(b, "</b><span>%zu uncertain inputs</span>", n);
    rpt_printf(b, "</figcaption><div class=\"chart\" style=\"height:%zupx\"><canvas "
                  "id=\"sobol-%zu\" role=\"img\" aria-label=\"Sobol' indices of ",
               90 + 30 * shown, m);
    rpt_html(b, name);
    rpt_put(b, "\"></canvas></div></figure>\n");
    (*ncharts)++;
    rpt_printf(js, "%s{\"id\":\"sobol-%zu\",\"name\":", m ? "," : "", m);
    rpt_json_str(js, name);
    rpt_put(js, ",\"inputs\":[");
    for (size_t i = 0; i < shown; i++) {
        rpt_put(js, i ? "," : "");
        rpt_json_str(js, rows[i].input);
    }
    rpt_put(js, "]");
    static const char *const key[] = {"S1", "S1lo", "S1hi", "ST", "STlo", "SThi"};
    for (int j = 0; j < 6; j++) {
        rpt_printf(js, ",\"%s\":[", key[j]);
        for (size_t i = 0; i < shown; i++) {
            rpt_put(js, i ? "," : "");
            rpt_json_num(js, rows[i].s[j]);
        }
        rpt_put(js, "]");
    }
    rpt_put(js, "}");
}

/* The table rows of one metric (name): every input with its intervals. */
static void sobol_table(const char *name, const sobol_row *rows, size_t n, rpt_buf *tab)
{
    for (size_t i = 0; i < n; i++) {
        rpt_put(tab, i ? "<tr><td></td><td><code>" : "<tr class=\"first\"><td><b>");
        if (!i) {
            rpt_html(tab, name);
            rpt_put(tab, "</b></td><td><code>");
        }
        rpt_html(tab, rows[i].input);
        rpt_put(tab, "</code></td>");
        for (int j = 0; j < 6; j += 3) {
            rpt_put(tab, "<td class=\"num\">");
            rpt_put_num(tab, rows[i].s[j]);
            rpt_put(tab, "</td><td class=\"num muted\">");
            rpt_put_num(tab, rows[i].s[j + 1]);
            rpt_put(tab, " to ");
            rpt_put_num(tab, rows[i].s[j + 2]);
            rpt_put(tab, "</td>");
        }
        rpt_put(tab, "</tr>\n");
    }
}

void rpt_sobol(rpt_db *d, rpt_buf *b, rpt_buf *js, int *ncharts)
{
    if (!d->has_sobol)
        return;
    int oom = 0;
    names mets = {0};
    sqlite3_stmt *st = rpt_prepare(d, "sobol",
                                   "SELECT metric FROM sobol GROUP BY metric ORDER BY MIN(rowid)");
    while (st && sqlite3_step(st) == SQLITE_ROW)
        names_add(&mets, rpt_col_text(st, 0), &oom);
    sqlite3_finalize(st);
    st = rpt_prepare(d, "sobol",
                     "SELECT input, S1, S1_lo, S1_hi, ST, ST_lo, ST_hi FROM sobol WHERE metric = ? "
                     "ORDER BY rowid");
    if (!st) {
        names_free(&mets);
        return;
    }
    rpt_put(b, "<section id=\"sensitivity\">\n<h2>What drives the uncertainty</h2>\n<p "
               "class=\"explain\">Sobol' indices of each outcome at the horizon, one bar per "
               "uncertain input, largest first. The <b>first-order</b> index is the share of the "
               "outcome's variance the input explains alone; the <b>total</b> index the share it "
               "has a hand in, interactions included. An input whose total index is near zero "
               "could be fixed anywhere in its range without changing the result. Whiskers: 90% "
               "bootstrap intervals");
    if (d->sobol_base) {
        char s[64];
        rpt_fmt_count(s, sizeof s, d->sobol_base);
        rpt_put(b, " (Saltelli design, base sample ");
        rpt_html(b, s);
        rpt_put(b, ")");
    }
    rpt_put(b, ". The estimators are unbiased but noisy: a first-order estimate below 0, or an "
               "interval past 1, is sampling error, shown as it is rather than clipped. The key "
               "findings name an input as a driver only when the lower end of its total index's "
               "interval lies above the upper end of every other input's.</p>\n<div class=\"grid "
               "wide-cards\">\n");
    rpt_put(js, "\"sobol\":[");
    rpt_buf tab = {0};
    rpt_put(&tab, "<details><summary>Every index with its interval</summary>\n<div class=\"scroll\"><table class=\"sobol\">\n<thead><tr><th>Outcome</th>"
                  "<th>Input</th><th class=\"num\">First-order S1</th><th class=\"num\">90% "
                  "interval</th><th class=\"num\">Total ST</th><th class=\"num\">90% interval</th>"
                  "</tr></thead>\n<tbody>\n");
    for (size_t m = 0; m < mets.n && !oom; m++) {
        size_t n = 0;
        sobol_row *rows = sobol_read(st, mets.v[m], &n, &oom);
        sobol_card(m, mets.v[m], rows, n, b, js, ncharts);
        sobol_table(mets.v[m], rows, n, &tab);
        for (size_t i = 0; i < n; i++)
            free(rows[i].input);
        free(rows);
    }
    rpt_put(js, "],");
    rpt_put(&tab, "</tbody></table></div>\n</details>\n");
    rpt_put(b, "</div>\n");
    rpt_putn(b, tab.p, tab.n);
    rpt_put(b, "</section>\n");
    sqlite3_finalize(st);
    if (tab.oom || oom)
        b->oom = 1;
    free(tab.p);
    names_free(&mets);
}

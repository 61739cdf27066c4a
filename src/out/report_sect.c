/* salient — the report's text sections: header, key findings, theses,
 * provenance (src/out/report_int.h).  Every string from the database goes
 * through rpt_html; every number through rpt_fmt / rpt_fmt_pct. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/report_int.h"


/* "a to b" for an interval (en dash reads as minus next to negatives). */
static void put_range(rpt_buf *b, double lo, double hi)
{
    rpt_put_num(b, lo);
    rpt_put(b, " to ");
    rpt_put_num(b, hi);
}

void rpt_html_cited(const rpt_db *d, rpt_buf *b, const char *s)
{
    if (!s)
        return;
    while (*s) {
        /* the first seed file name from here, and which */
        const char *hit = NULL;
        size_t k = 0;
        for (size_t i = 0; i < d->nseeds; i++) {
            const char *h = *d->seed_file[i] ? strstr(s, d->seed_file[i]) : NULL;
            if (h && (!hit || h < hit)) {
                hit = h;
                k = i;
            }
        }
        if (!hit) {
            rpt_html(b, s);
            return;
        }
        size_t pre = (size_t)(hit - s) + strlen(d->seed_file[k]);
        char *part = malloc(pre + 1);
        if (!part) {
            b->oom = 1;
            return;
        }
        memcpy(part, s, pre);
        part[pre] = '\0';
        rpt_html(b, part);
        free(part);
        rpt_put(b, " <span class=\"cite\">(");
        rpt_html(b, d->seed_cite[k]);
        rpt_put(b, ")</span>");
        s += pre;
    }
}

static void badge(rpt_buf *b, const char *verdict)
{
    const char *cls = strcmp(verdict, "supported") == 0      ? "ok"
                      : strcmp(verdict, "contradicted") == 0 ? "bad"
                      : strcmp(verdict, "uncertain") == 0    ? "unsure"
                                                             : "other";
    rpt_printf(b, "<span class=\"badge %s\">", cls);
    rpt_html(b, *verdict ? verdict : "no verdict");
    rpt_put(b, "</span>");
}

void rpt_header(rpt_db *d, rpt_buf *b)
{
    const char *title = d->title && *d->title ? d->title : d->scenario;
    char s[64];
    rpt_put(b, "<header class=\"top\">\n<p class=\"kicker\">salient \xc2\xb7 ");
    rpt_put(b, d->study ? "study briefing" : "ensemble briefing");
    rpt_put(b, "</p>\n<h1>");
    rpt_html(b, title);
    rpt_put(b, "</h1>\n");
    if (d->description && *d->description) {
        rpt_put(b, "<p class=\"lede\">");
        rpt_html(b, d->description);
        rpt_put(b, "</p>\n");
    }
    if (d->partial) {
        rpt_put(b, "<div class=\"partial\" role=\"alert\"><strong>Partial results.</strong> The "
                   "ensemble was interrupted: every figure below summarises ");
        rpt_fmt_count(s, sizeof s, d->runs);
        rpt_html(b, s);
        rpt_put(b, " runs of the ");
        rpt_fmt_count(s, sizeof s, d->runs_requested ? d->runs_requested : "?");
        rpt_html(b, s);
        rpt_put(b, " asked for. Treat the probabilities and intervals as rougher than they "
                   "look.</div>\n");
    }
    rpt_put(b, "<dl class=\"facts\">\n<div><dt>Period</dt><dd>");
    rpt_put_date(b, d->dates[0]);
    rpt_put(b, " \xe2\x80\x93 ");
    rpt_put_date(b, d->dates[d->ndays - 1]);
    rpt_printf(b, " (%zu days)</dd></div>\n<div><dt>Runs</dt><dd>", d->ndays);
    rpt_fmt_count(s, sizeof s, d->runs);
    rpt_html(b, s);
    if (d->partial) {
        rpt_put(b, " of ");
        rpt_fmt_count(s, sizeof s, d->runs_requested ? d->runs_requested : "?");
        rpt_html(b, s);
    }
    rpt_put(b, "</dd></div>\n<div><dt>Seed</dt><dd>");
    rpt_html(b, d->seed);
    rpt_put(b, "</dd></div>\n<div><dt>Scenario</dt><dd><code>");
    rpt_html(b, d->scenario);
    rpt_put(b, "</code>");
    if (d->variant && *d->variant) {
        rpt_put(b, ", variant <code>");
        rpt_html(b, d->variant);
        rpt_put(b, "</code>");
    }
    rpt_put(b, "</dd></div>\n");
    if (d->nvariants)
        rpt_printf(b, "<div><dt>Variants</dt><dd>%zu against the base</dd></div>\n", d->nvariants);
    rpt_put(b, "</dl>\n<nav><a href=\"#bottom-line\">Bottom line</a><a href=\"#findings\">Key findings</a><a href=\"#outcomes\">Outcomes "
               "over time</a>");
    if (d->has_scores)
        rpt_put(b, "<a href=\"#scores\">Reports and scores</a>");
    rpt_put(b, "<a href=\"#events\">Events</a>");
    if (d->has_compare)
        rpt_put(b, "<a href=\"#counterfactuals\">Counterfactuals</a>");
    if (d->has_sobol)
        rpt_put(b, "<a href=\"#sensitivity\">Sensitivity</a>");
    if (d->has_theses)
        rpt_put(b, "<a href=\"#theses\">Theses</a>");
    if (d->has_params)
        rpt_put(b, "<a href=\"#provenance\">Provenance</a>");
    rpt_put(b, "</nav>\n</header>\n");
}

/* ---- key findings ------------------------------------------------------- */

/* Every thesis, grouped by verdict, as links to its row (its summary as the
 * link's title): all of them, compactly, so none is left out unexplained. */
static void findings_theses(rpt_db *d, rpt_buf *b)
{
    static const char *const verdicts[] = {"supported", "contradicted", "uncertain", NULL};
    sqlite3_stmt *st = rpt_prepare(d, "theses",
                                   "SELECT id, verdict, summary FROM theses ORDER BY ord, rowid");
    int n = 0, count[4] = {0};
    rpt_buf items[4] = {{0}};
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        const char *v = rpt_col_text(st, 1);
        int g = 0;
        while (verdicts[g] && strcmp(v, verdicts[g]) != 0)
            g++;
        n++;
        rpt_put(&items[g], count[g]++ ? ", <a href=\"#thesis-" : "<a href=\"#thesis-");
        rpt_html(&items[g], rpt_col_text(st, 0));
        rpt_put(&items[g], "\" title=\"");
        rpt_html(&items[g], rpt_col_text(st, 2));
        rpt_put(&items[g], "\">");
        rpt_html(&items[g], rpt_col_text(st, 0));
        rpt_put(&items[g], "</a>");
    }
    sqlite3_finalize(st);
    if (n > 0) {
        rpt_printf(b,
                   "<li>Of the <a href=\"#theses\">%d theses</a> drawn from the seed analyses, the "
                   "ensemble supports <b>%d</b>, contradicts <b>%d</b> and leaves <b>%d</b> "
                   "uncertain%s; all %d are listed here by verdict (hover for the summary; the claims "
                   "and numbers are in <a href=\"#theses\">Theses</a>).</li>\n",
                   n, count[0], count[1], count[2],
                   count[3] != 0 ? " (the rest carry no verdict)" : "", n);
        for (int g = 0; g < 4; g++) {
            if (!count[g])
                continue;
            rpt_put(b, "<li class=\"sub\">");
            badge(b, verdicts[g] ? verdicts[g] : "");
            rpt_put(b, " ");
            rpt_putn(b, items[g].p, items[g].n);
            rpt_put(b, "</li>\n");
        }
    }
    for (int g = 0; g < 4; g++) {
        if (items[g].oom)
            b->oom = 1;
        free(items[g].p);
    }
}

/* Appends ", <b>name</b>" (no comma for the first) to a list line. */
static void list_name(rpt_buf *l, int *n, const char *name)
{
    rpt_put(l, (*n)++ ? ", <b>" : "<b>");
    rpt_html(l, name);
    rpt_put(l, "</b>");
}

/* Events in three groups, so the uncertain ones stand out: those that
 * happen in some runs but not all, or later than the first day (at most
 * six, in the file's order, with their probability and typical date);
 * those certain from the first day; those that never happen. */
static void findings_events(rpt_db *d, rpt_buf *b)
{
    sqlite3_stmt *st = rpt_prepare(d, "events",
                                   "SELECT event, probability, p05, p50, p95 FROM events ORDER BY rowid");
    rpt_buf never = {0}, sure = {0};
    int nnever = 0, nsure = 0, shown = 0, more = 0;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        const char *ev = rpt_col_text(st, 0);
        double p = rpt_col_num(st, 1), last = rpt_col_num(st, 4);
        if (!(p > 0)) {
            list_name(&never, &nnever, ev);
            continue;
        }
        if (p >= 1 && last == 0) {
            list_name(&sure, &nsure, ev);
            continue;
        }
        if (shown == 6) {
            more++;
            continue;
        }
        shown++;
        rpt_put(b, "<li><b>");
        rpt_html(b, ev);
        rpt_put(b, "</b>: ");
        rpt_put_pct(b, p);
        rpt_put(b, " chance by ");
        rpt_put_date(b, d->dates[d->ndays - 1]);
        const char *med = rpt_day_date(d, rpt_col_num(st, 3));
        if (*med) {
            rpt_put(b, "; when it happens, typically ");
            const char *lo = rpt_day_date(d, rpt_col_num(st, 2));
            const char *hi = rpt_day_date(d, last);
            if (strcmp(lo, hi) == 0) {
                rpt_put(b, "on ");
                rpt_put_date(b, med);
            } else {
                rpt_put(b, "around ");
                rpt_put_date(b, med);
                rpt_put(b, " (90% of those runs: ");
                rpt_put_date(b, lo);
                rpt_put(b, " \xe2\x80\x93 ");
                rpt_put_date(b, hi);
                rpt_put(b, ")");
            }
        }
        rpt_put(b, ".</li>\n");
    }
    sqlite3_finalize(st);
    if (more)
        rpt_printf(b, "<li>%d more uncertain event%s in <a href=\"#events\">Events</a>.</li>\n", more,
                   more == 1 ? "" : "s");
    if (nsure) {
        rpt_put(b, "<li>In every run from the first day: ");
        rpt_putn(b, sure.p, sure.n);
        rpt_put(b, ".</li>\n");
    }
    if (nnever) {
        rpt_put(b, "<li>Never happened in any run: ");
        rpt_putn(b, never.p, never.n);
        rpt_put(b, ".</li>\n");
    }
    if (never.oom || sure.oom)
        b->oom = 1;
    free(never.p);
    free(sure.p);
}

static void findings_metrics(rpt_db *d, rpt_buf *b)
{
    sqlite3_stmt *st = rpt_prepare(d, "quantiles",
                                   "SELECT p05, p50, p95 FROM quantiles WHERE metric = ? AND day = ?");
    /* the key metric first, then the others in order: at most four */
    int order[4], n = 0;
    if (d->key >= 0)
        order[n++] = d->key;
    for (int k = 0; k < (int)d->nmetrics && n < 4; k++)
        if (k != d->key)
            order[n++] = k;
    for (int i = 0; st && i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, d->metrics[order[i]], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, d->horizon);
        if (sqlite3_step(st) != SQLITE_ROW)
            continue;
        rpt_put(b, "<li><b>");
        rpt_html(b, d->metrics[order[i]]);
        rpt_put(b, "</b> on ");
        rpt_put_date(b, d->dates[d->ndays - 1]);
        rpt_put(b, ": median ");
        rpt_put_num(b, rpt_col_num(st, 1));
        rpt_put(b, " (90% of runs: ");
        put_range(b, rpt_col_num(st, 0), rpt_col_num(st, 2));
        rpt_put(b, ").</li>\n");
    }
    sqlite3_finalize(st);
}

static void findings_compare(rpt_db *d, rpt_buf *b)
{
    if (!d->has_compare || d->key < 0)
        return;
    sqlite3_stmt *st = rpt_prepare(
        d, "compare",
        "SELECT variant, diff_mean, diff_p05, diff_p95 FROM compare WHERE kind = 'metric' AND "
        "name = ? AND day = (SELECT MAX(day) FROM compare WHERE kind = 'metric' AND name = ?) "
        "ORDER BY rowid");
    if (!st)
        return;
    const char *key = d->metrics[d->key];
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n++ == 0) {
            rpt_put(b, "<li>Against the base, on common random numbers, <b>");
            rpt_html(b, key);
            rpt_put(b, "</b> at the horizon changes by:<ul>\n");
        }
        double mean = rpt_col_num(st, 1);
        int v = rpt_variant_index(d, rpt_col_text(st, 0));
        rpt_printf(b, "<li><span class=\"swatch\" style=\"background:%s\"></span><b>",
                   rpt_variant_color(v));
        rpt_html(b, rpt_col_text(st, 0));
        rpt_put(b, "</b>: ");
        rpt_put(b, mean > 0 ? "+" : "");
        rpt_put_num(b, mean);
        rpt_put(b, " on average (90% of runs: ");
        put_range(b, rpt_col_num(st, 2), rpt_col_num(st, 3));
        rpt_put(b, ")</li>\n");
    }
    if (n)
        rpt_put(b, "</ul></li>\n");
    sqlite3_finalize(st);
}

/* Per Sobol' outcome, only what the intervals support: the inputs whose
 * total-index interval lies above every other input's (rpt_leaders), or
 * that none stands out (src/out/report_brief.c). */
static void findings_sobol(rpt_db *d, rpt_buf *b)
{
    if (!d->has_sobol)
        return;
    sqlite3_stmt *st = rpt_prepare(d, "sobol",
                                   "SELECT metric FROM sobol GROUP BY metric ORDER BY MIN(rowid)");
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        const char *m = rpt_col_text(st, 0);
        rpt_leaders l;
        if (rpt_leaders_read(d, m, &l) != 0) {
            b->oom = 1;
            break;
        }
        if (l.n) {
            rpt_put(b, "<li>");
            rpt_leaders_put(b, &l, m, 1);
            rpt_put(b, ".</li>\n");
        }
        rpt_leaders_free(&l);
    }
    sqlite3_finalize(st);
}

/* What the reports changed (the main job: forecast_change, written by the
 * CLI from the priors' ensemble and the posterior's): each headline outcome
 * on 1 April 2025, the priors' median and 90% band against the
 * posterior's. */
static void findings_change(rpt_db *d, rpt_buf *b)
{
    sqlite3_stmt *st = rpt_prepare(
        d, "forecast_change",
        "SELECT metric, date, prior_p05, prior_p50, prior_p95, posterior_p05, posterior_p50, "
        "posterior_p95 FROM forecast_change WHERE date = '2025-04-01' ORDER BY rowid");
    int n = 0;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        if (n++ == 0)
            rpt_put(b, "<li>What the reports of the calibration changed: the forecast of the "
                       "priors against the posterior's on 1 Apr 2025 (median, 90% interval).</li>\n");
        rpt_put(b, "<li class=\"sub\">");
        rpt_html(b, rpt_col_text(st, 0));
        rpt_put(b, ": priors ");
        rpt_put_num(b, rpt_col_num(st, 3));
        rpt_put(b, " (");
        put_range(b, rpt_col_num(st, 2), rpt_col_num(st, 4));
        rpt_put(b, "), posterior <b>");
        rpt_put_num(b, rpt_col_num(st, 6));
        rpt_put(b, "</b> (");
        put_range(b, rpt_col_num(st, 5), rpt_col_num(st, 7));
        rpt_put(b, ")</li>\n");
    }
    sqlite3_finalize(st);
}

void rpt_findings(rpt_db *d, rpt_buf *b)
{
    rpt_put(b, "<section id=\"findings\">\n<h2>Key findings</h2>\n<ul class=\"findings\">\n");
    if (d->has_change)
        findings_change(d, b);
    if (d->has_theses)
        findings_theses(d, b);
    findings_events(d, b);
    findings_metrics(d, b);
    findings_compare(d, b);
    findings_sobol(d, b);
    rpt_put(b, "</ul>\n</section>\n");
}

/* ---- theses ------------------------------------------------------------- */

void rpt_theses(rpt_db *d, rpt_buf *b)
{
    if (!d->has_theses)
        return;
    sqlite3_stmt *st = rpt_prepare(d, "theses",
                                   "SELECT id, seed, claim, test, expect, value, lo, hi, probability, "
                                   "verdict, summary FROM theses ORDER BY ord, rowid");
    if (!st)
        return;
    rpt_put(b, "<section id=\"theses\">\n<h2>Theses of the seed analyses</h2>\n<p class=\"explain\">"
               "Each main claim of the seed analyses, the variant or metric that tests it, and what "
               "this run of the ensemble says. <i>Value</i> is the tested quantity with its 90% "
               "interval; <i>share</i> is the share of runs on the side the claim predicts. The "
               "numbers come from the run that wrote this file.</p>\n"
               "<div class=\"scroll\"><table class=\"theses\">\n<thead><tr><th>Thesis</th>"
               "<th>Claim</th><th>Test</th><th class=\"num\">Value</th><th class=\"num\">Share</th>"
               "<th>Verdict</th><th>What the ensemble says</th></tr></thead>\n<tbody>\n");
    while (sqlite3_step(st) == SQLITE_ROW) {
        rpt_put(b, "<tr id=\"thesis-");
        rpt_html(b, rpt_col_text(st, 0));
        rpt_put(b, "\"><td><b>");
        rpt_html(b, rpt_col_text(st, 0));
        rpt_put(b, "</b><br><span class=\"muted\">");
        rpt_html_cited(d, b, rpt_col_text(st, 1));
        rpt_put(b, "</span></td><td class=\"claim\">");
        rpt_html(b, rpt_col_text(st, 2));
        rpt_put(b, "</td><td class=\"test\"><code>");
        rpt_html(b, rpt_col_text(st, 3));
        rpt_put(b, "</code>");
        if (*rpt_col_text(st, 4)) {
            rpt_put(b, "<br><span class=\"muted\">expects ");
            rpt_html(b, rpt_col_text(st, 4));
            rpt_put(b, "</span>");
        }
        rpt_put(b, "</td><td class=\"num\">");
        rpt_put_num(b, rpt_col_num(st, 5));
        double lo = rpt_col_num(st, 6), hi = rpt_col_num(st, 7);
        if (!isnan(lo) || !isnan(hi)) {
            rpt_put(b, "<br><span class=\"muted\">");
            put_range(b, lo, hi);
            rpt_put(b, "</span>");
        }
        rpt_put(b, "</td><td class=\"num\">");
        rpt_put_pct(b, rpt_col_num(st, 8));
        rpt_put(b, "</td><td>");
        badge(b, rpt_col_text(st, 9));
        rpt_put(b, "</td><td>");
        rpt_html(b, rpt_col_text(st, 10));
        rpt_put(b, "</td></tr>\n");
    }
    sqlite3_finalize(st);
    rpt_put(b, "</tbody></table></div>\n</details>\n</section>\n");
}

/* ---- provenance --------------------------------------------------------- */

/* One row of the provenance table: its paths (one per line), kind, value
 * and source (with the seeds' citations). */
static void prov_row(const rpt_db *d, rpt_buf *b, sqlite3_stmt *st)
{
    const char *kind = rpt_col_text(st, 1);
    rpt_put(b, "<tr><td><code>");
    /* the paths, one per line */
    const char *p = rpt_col_text(st, 0);
    for (const char *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
        char *one = malloc((size_t)(nl - p) + 1);
        if (!one) {
            b->oom = 1;
            break;
        }
        memcpy(one, p, (size_t)(nl - p));
        one[nl - p] = '\0';
        rpt_html(b, one);
        free(one);
        rpt_put(b, "</code><br><code>");
    }
    rpt_html(b, p);
    rpt_put(b, "</code>");
    if (*rpt_col_text(st, 4)) {
        rpt_put(b, "<br><span class=\"muted\">");
        rpt_html(b, rpt_col_text(st, 4));
        rpt_put(b, "</span>");
    }
    rpt_printf(b, "</td><td><span class=\"kind %s\">",
               strcmp(kind, "uncertain") == 0 ? "unc" : "fix");
    rpt_html(b, kind);
    rpt_put(b, "</span></td><td><code>");
    rpt_html(b, rpt_col_text(st, 2));
    rpt_put(b, "</code></td><td>");
    const char *src = rpt_col_text(st, 3);
    size_t sp = strspn(src, " \t\r\n");
    if (!src[sp])
        rpt_put(b, "<span class=\"badge bad\">no source</span>");
    else
        rpt_html_cited(d, b, src);
    rpt_put(b, "</td></tr>\n");
}

void rpt_provenance(rpt_db *d, rpt_buf *b)
{
    if (!d->has_params)
        return;
    sqlite3_stmt *st = rpt_prepare(d, "parameters",
                                   "SELECT COUNT(*), SUM(kind = 'uncertain'), SUM(source IS NULL OR "
                                   "TRIM(source, ' ' || char(9, 10, 13)) = '') FROM parameters");
    if (!st)
        return;
    long n = 0, unc = 0, nosrc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        n = sqlite3_column_int64(st, 0);
        unc = sqlite3_column_int64(st, 1);
        nosrc = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    /* one row per distinct number: parameters that share kind, value,
     * source and description (the same return delay of eleven forces, say)
     * are one row listing their paths */
    st = rpt_prepare(d, "parameters",
                     "SELECT GROUP_CONCAT(path, char(10)), kind, value, source, description "
                     "FROM (SELECT rowid AS r, * FROM parameters ORDER BY ord, rowid) GROUP BY kind, "
                     "value, source, description ORDER BY MIN(ord), MIN(r)");
    if (!st)
        return;
    rpt_put(b, "<section id=\"provenance\">\n<h2>Provenance</h2>\n<p class=\"explain\">");
    rpt_printf(b, "Every number of the scenario, as written in the file, and where it comes from: "
                  "%ld numbers, %ld of them uncertain (drawn afresh in each run from the "
                  "distribution shown). ",
               n, unc);
    if (nosrc)
        rpt_printf(b, "<span class=\"badge bad\">%ld without a source</span> (flagged below).", nosrc);
    else
        rpt_put(b, "Every one carries a source.");
    rpt_put(b, " Numbers that share their value, source and description are one row listing "
               "their paths.</p>\n<details class=\"prov\"><summary>The table of every number "
               "(folded; open to read or search)</summary>\n<p><input type=\"search\" "
               "id=\"prov-search\" placeholder=\"filter: a parameter, a value, a seed file, a "
               "word of a source\" aria-label=\"filter the provenance table\" size=\"60\"> "
               "<span id=\"prov-count\" class=\"muted\"></span></p>\n"
               "<div class=\"scroll\"><table class=\"prov\">\n<thead><tr><th>Parameter</th>"
               "<th>Kind</th><th>Value or distribution</th><th>Source</th></tr></thead>\n<tbody>\n");
    while (sqlite3_step(st) == SQLITE_ROW)
        prov_row(d, b, st);
    sqlite3_finalize(st);
    rpt_put(b, "</tbody></table></div>\n</details>\n</section>\n");
}

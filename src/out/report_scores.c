/* salient — the report's reports and scores (docs/report.md, docs/scores.md):
 * when DIR/results.sqlite holds the tables of 'salient score', each report
 * of a metric's value on a day is a point on that metric's fan (with a bar
 * for a range or a bound), coloured by fit or test, and a section lists the
 * summary and every report's scores. */
#include <math.h>
#include <string.h>

#include "out/report_int.h"

#define FIT_COLOR "#d55e00"
#define TEST_COLOR "#7b3294"

static long date_index(const rpt_db *d, const char *iso)
{
    for (size_t k = 0; iso && k < d->ndays; k++)
        if (strcmp(d->dates[k], iso) == 0)
            return (long)k;
    return -1;
}

const char *rpt_report_color(int test)
{
    return test ? TEST_COLOR : FIT_COLOR;
}

/* The fan's reports as JSON: ,"reports":[{"x":DATE,"y":Y,"lo":L,"hi":H,
 * "test":T}, ...]: y the value (a range's middle, a bound's bound), lo/hi
 * the bar (null: to the chart's edge; both null: no bar). */
void rpt_fan_reports(rpt_db *d, rpt_buf *js, const char *metric)
{
    if (!d->has_scores)
        return;
    sqlite3_stmt *st = rpt_prepare(d, "scores",
                                   "SELECT last, kind, lo, hi, \"set\" FROM scores WHERE metric = ? "
                                   "AND quantity = 'on_day' ORDER BY rowid");
    if (!st)
        return;
    sqlite3_bind_text(st, 1, metric, -1, SQLITE_STATIC);
    rpt_put(js, ",\"reports\":[");
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *date = rpt_col_text(st, 0), *kind = rpt_col_text(st, 1);
        if (date_index(d, date) < 0)
            continue;
        double lo = rpt_col_num(st, 2), hi = rpt_col_num(st, 3), y = lo;
        int bar = 1;
        if (strcmp(kind, "value") == 0)
            bar = 0;
        else if (strcmp(kind, "range") == 0)
            y = (lo + hi) / 2;
        else if (strcmp(kind, "at_most") == 0)
            y = hi;
        rpt_put(js, n++ ? ",{\"x\":" : "{\"x\":");
        rpt_json_str(js, date);
        rpt_put(js, ",\"y\":");
        rpt_json_num(js, y);
        rpt_put(js, ",\"bar\":");
        rpt_put(js, bar ? "true" : "false");
        rpt_put(js, ",\"lo\":");
        rpt_json_num(js, lo);
        rpt_put(js, ",\"hi\":");
        rpt_json_num(js, hi);
        rpt_printf(js, ",\"test\":%d}", strcmp(rpt_col_text(st, 4), "test") == 0);
    }
    rpt_put(js, "]");
    sqlite3_finalize(st);
}

void rpt_fan_reports_key(rpt_db *d, rpt_buf *b)
{
    if (!d->has_scores)
        return;
    rpt_put(b, "<span><i style=\"background:" FIT_COLOR ";border-radius:50%;width:9px;height:9px\">"
               "</i>report before the forecast (fit)</span><span><i style=\"background:" TEST_COLOR
               ";border-radius:50%;width:9px;height:9px\"></i>report after it (test)</span>");
}

static void cell_num(rpt_buf *b, double x)
{
    rpt_put(b, "<td class=\"num\">");
    rpt_put_num(b, x);
    rpt_put(b, "</td>");
}

static void cell_pct(rpt_buf *b, double x)
{
    rpt_put(b, "<td class=\"num\">");
    if (isnan(x))
        rpt_put(b, "\xe2\x80\x93");
    else
        rpt_put_pct(b, x);
    rpt_put(b, "</td>");
}

static void cell_text(rpt_buf *b, const char *s)
{
    rpt_put(b, "<td>");
    rpt_html(b, s);
    rpt_put(b, "</td>");
}

static void summary_table(rpt_db *d, rpt_buf *b)
{
    sqlite3_stmt *st = rpt_prepare(d, "scores_summary",
                                   "SELECT \"set\", metric, reports, coverage50, coverage90, crps, "
                                   "log_score, brier, crps_skill FROM scores_summary ORDER BY rowid");
    if (!st)
        return;
    rpt_put(b, "<table class=\"scores\"><thead><tr><th>set</th><th>metric or event</th>"
               "<th>reports</th><th>in 50% band</th><th>in 90% band</th><th>mean CRPS</th>"
               "<th>log score</th><th>Brier</th><th>CRPS skill</th></tr></thead><tbody>\n");
    while (sqlite3_step(st) == SQLITE_ROW) {
        rpt_put(b, "<tr>");
        cell_text(b, rpt_col_text(st, 0));
        cell_text(b, rpt_col_text(st, 1));
        cell_num(b, rpt_col_num(st, 2));
        cell_pct(b, rpt_col_num(st, 3));
        cell_pct(b, rpt_col_num(st, 4));
        for (int k = 5; k <= 8; k++)
            cell_num(b, rpt_col_num(st, k));
        rpt_put(b, "</tr>\n");
    }
    rpt_put(b, "</tbody></table>\n");
    sqlite3_finalize(st);
}

/* The reported figure as text: "1,100", "at least 3,000", "2,400 to 2,600",
 * "happened" / "did not happen". */
static void put_reported(rpt_buf *b, const char *kind, double lo, double hi)
{
    if (strcmp(kind, "event") == 0) {
        rpt_put(b, lo >= 1 ? "happened" : "did not happen");
        return;
    }
    if (strcmp(kind, "at_least") == 0)
        rpt_put(b, "at least ");
    if (strcmp(kind, "at_most") == 0)
        rpt_put(b, "at most ");
    rpt_put_num(b, strcmp(kind, "at_most") == 0 ? hi : lo);
    if (strcmp(kind, "range") == 0) {
        rpt_put(b, " to ");
        rpt_put_num(b, hi);
    }
}

static void reports_table(rpt_db *d, rpt_buf *b)
{
    sqlite3_stmt *st = rpt_prepare(
        d, "scores",
        "SELECT report, kind, reported, \"set\", lo, hi, p05, p50, p95, pit_lo, pit_hi, crps, "
        "probability, log_score, source FROM scores ORDER BY rowid");
    if (!st)
        return;
    rpt_put(b, "<table class=\"scores\"><thead><tr><th>report</th><th>made</th><th>set</th>"
               "<th>reported</th><th>forecast median</th><th>90% band</th><th>PIT</th>"
               "<th>CRPS</th><th>P(as reported)</th><th>log score</th><th>source</th></tr>"
               "</thead><tbody>\n");
    while (sqlite3_step(st) == SQLITE_ROW) {
        rpt_put(b, "<tr>");
        cell_text(b, rpt_col_text(st, 0));
        rpt_put(b, "<td>");
        rpt_put_date(b, rpt_col_text(st, 2));
        rpt_put(b, "</td>");
        const char *set = rpt_col_text(st, 3);
        rpt_printf(b, "<td style=\"color:%s\">", rpt_report_color(strcmp(set, "test") == 0));
        rpt_html(b, set);
        rpt_put(b, "</td><td>");
        put_reported(b, rpt_col_text(st, 1), rpt_col_num(st, 4), rpt_col_num(st, 5));
        rpt_put(b, "</td>");
        cell_num(b, rpt_col_num(st, 7));
        rpt_put(b, "<td class=\"num\">");
        if (!isnan(rpt_col_num(st, 6))) {
            rpt_put_num(b, rpt_col_num(st, 6));
            rpt_put(b, " \xe2\x80\x93 ");
            rpt_put_num(b, rpt_col_num(st, 8));
        }
        rpt_put(b, "</td><td class=\"num\">");
        double p0 = rpt_col_num(st, 9), p1 = rpt_col_num(st, 10);
        if (!isnan(p0)) {
            rpt_printf(b, "%.2f", p0);
            if (p1 != p0)
                rpt_printf(b, " \xe2\x80\x93 %.2f", p1);
        }
        rpt_put(b, "</td>");
        cell_num(b, rpt_col_num(st, 11));
        cell_pct(b, rpt_col_num(st, 12));
        cell_num(b, rpt_col_num(st, 13));
        cell_text(b, rpt_col_text(st, 14));
        rpt_put(b, "</tr>\n");
    }
    rpt_put(b, "</tbody></table>\n");
    sqlite3_finalize(st);
}

void rpt_scores(rpt_db *d, rpt_buf *b)
{
    if (!d->has_scores)
        return;
    rpt_put(b, "<section id=\"scores\">\n<h2>Reports and scores</h2>\n<p class=\"explain\">The "
               "forecast set against what was reported (<code>salient score</code>, "
               "docs/scores.md). A report made on or before the forecast's date is <b>fit</b> "
               "(the forecast could know it); a later one is <b>test</b>, and only those measure "
               "the forecast. The bands are of the <i>reported</i> figure: each run's value through "
               "the report's bias and error. The PIT is where the report fell in the forecast "
               "(near 0 or 1: a surprise; an interval for a bound or range). CRPS, interval and "
               "log scores: lower is better; CRPS skill: 1 &minus; CRPS / the reference's, higher "
               "is better.</p>\n");
    summary_table(d, b);
    reports_table(d, b);
    rpt_put(b, "</section>\n");
}

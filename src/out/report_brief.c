/* salient — the report's bottom line: one paragraph in plain words above the
 * key findings, generated from the numbers of the database (the headline
 * outcomes with their 90% bands and dates, how wide those bands are, the
 * inputs the Sobol' intervals single out, the theses' verdicts), and the
 * rule that says which inputs the intervals single out (src/out/report_int.h).
 * Every claim is one the tables below it bear out; where the numbers do not
 * settle a question (overlapping intervals) the paragraph says so. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/report_int.h"
#include "base/util.h"

/* ---- which inputs the intervals single out -------------------------------- */

void rpt_leaders_free(rpt_leaders *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->input[i]);
    free(l->input);
    free(l->st);
    free(l->lo);
    free(l->hi);
    memset(l, 0, sizeof *l);
}

/* Largest total index first (NaN last); ties keep the file's order. */
static void leaders_sort(rpt_leaders *l)
{
    for (size_t i = 1; i < l->n; i++)
        for (size_t j = i; j > 0; j--) {
            double a = isnan(l->st[j - 1]) ? -INFINITY : l->st[j - 1];
            double c = isnan(l->st[j]) ? -INFINITY : l->st[j];
            if (!(c > a))
                break;
            char *t = l->input[j];
            l->input[j] = l->input[j - 1];
            l->input[j - 1] = t;
            double *col[] = {l->st, l->lo, l->hi};
            for (int k = 0; k < 3; k++) {
                double x = col[k][j];
                col[k][j] = col[k][j - 1];
                col[k][j - 1] = x;
            }
        }
}

/* The leading group: the smallest k (at most 3) such that every one of the
 * k largest total indices has its 90% interval's lower end above the upper
 * end of every other input's interval.  Only then do the numbers say that
 * these inputs, and not the others, drive the outcome; 0 when no such k. */
static size_t leaders_group(const rpt_leaders *l)
{
    for (size_t k = 1; k <= 3 && k < l->n; k++) {
        double minlo = INFINITY, maxhi = -INFINITY;
        for (size_t i = 0; i < k; i++)
            minlo = isnan(l->lo[i]) ? -INFINITY : fmin(minlo, l->lo[i]);
        for (size_t i = k; i < l->n; i++)
            maxhi = isnan(l->hi[i]) ? INFINITY : fmax(maxhi, l->hi[i]);
        if (minlo > maxhi)
            return k;
    }
    return l->n == 1 ? 1 : 0;
}

int rpt_leaders_read(rpt_db *d, const char *metric, rpt_leaders *l)
{
    memset(l, 0, sizeof *l);
    sqlite3_stmt *st = rpt_prepare(d, "sobol",
                                   "SELECT input, ST, ST_lo, ST_hi FROM sobol WHERE metric = ? "
                                   "ORDER BY rowid");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, metric, -1, SQLITE_STATIC);
    int rc = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t n = l->n + 1;
        char **in = realloc(l->input, n * sizeof *in);
        if (in)
            l->input = in;
        double *a = realloc(l->st, n * sizeof *a);
        if (a)
            l->st = a;
        double *b = realloc(l->lo, n * sizeof *b);
        if (b)
            l->lo = b;
        double *c = realloc(l->hi, n * sizeof *c);
        if (c)
            l->hi = c;
        char *s = in && a && b && c ? sal_strdup(rpt_col_text(st, 0)) : NULL;
        if (!s) {
            rc = -1;
            break;
        }
        l->input[l->n] = s;
        l->st[l->n] = rpt_col_num(st, 1);
        l->lo[l->n] = rpt_col_num(st, 2);
        l->hi[l->n] = rpt_col_num(st, 3);
        l->n++;
    }
    sqlite3_finalize(st);
    if (rc) {
        rpt_leaders_free(l);
        return -1;
    }
    leaders_sort(l);
    l->k = leaders_group(l);
    return 0;
}

void rpt_leaders_put(rpt_buf *b, const rpt_leaders *l, const char *metric, int start)
{
    if (!l->n)
        return;
    if (l->k) {
        for (size_t i = 0; i < l->k; i++) {
            rpt_put(b, i == 0 ? "<b>" : i + 1 == l->k ? "</b> and <b>" : "</b>, <b>");
            rpt_html(b, l->input[i]);
        }
        rpt_put(b, "</b> drive");
        rpt_put(b, l->k == 1 ? "s " : " ");
        rpt_put(b, "most of the spread of <b>");
        rpt_html(b, metric);
        rpt_printf(b, "</b>: %s 90%% interval of the total Sobol' index lies above those of the "
                      "other %zu inputs (",
                   l->k == 1 ? "its" : "each one's", l->n - l->k);
        for (size_t i = 0; i < l->k; i++) {
            rpt_put(b, i ? "; " : "");
            rpt_put_num(b, l->lo[i]);
            rpt_put(b, " to ");
            rpt_put_num(b, l->hi[i]);
        }
        rpt_put(b, ")");
    } else {
        rpt_put(b, start ? "No input" : "no input");
        rpt_put(b, " stands out from the others in the spread of <b>");
        rpt_html(b, metric);
        rpt_put(b, "</b>: the largest total Sobol' index, <b>");
        rpt_html(b, l->input[0]);
        rpt_put(b, "</b>'s ");
        rpt_put_num(b, l->st[0]);
        rpt_put(b, " (90% interval ");
        rpt_put_num(b, l->lo[0]);
        rpt_put(b, " to ");
        rpt_put_num(b, l->hi[0]);
        rpt_put(b, "), overlaps the intervals of the next, so the sample does not rank them");
    }
}

/* ---- the paragraph ---------------------------------------------------------- */

/* How wide the 90% band is against the size of the median (or of the
 * band's larger end when the median is near zero), as a share; NaN when
 * it cannot be said. */
static double spread(double lo, double mid, double hi)
{
    double scale = fmax(fabs(mid), 0.5 * fmax(fabs(lo), fabs(hi)));
    return scale > 0 ? (hi - lo) / scale : (double)NAN;
}

/* Metric m at the horizon: p05, p50, p95 (0 if read). */
static int at_horizon(rpt_db *d, const char *m, double q[3])
{
    sqlite3_stmt *st = rpt_prepare(d, "quantiles",
                                   "SELECT p05, p50, p95 FROM quantiles WHERE metric = ? AND day = ?");
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, d->horizon);
    int rc = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        for (int j = 0; j < 3; j++)
            q[j] = rpt_col_num(st, j);
        rc = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

/* The headline outcomes: those whose forecast the reports changed (the
 * main job's forecast_change) when there are, else the key metric and the
 * next ones in order; at most four, in hl[], *n of them. */
static void headline(rpt_db *d, int *hl, int *n)
{
    *n = 0;
    sqlite3_stmt *st = d->has_change ? rpt_prepare(d, "forecast_change",
                                                   "SELECT metric FROM forecast_change GROUP BY "
                                                   "metric ORDER BY MIN(rowid)")
                                     : NULL;
    while (st && *n < 4 && sqlite3_step(st) == SQLITE_ROW) {
        int k = rpt_metric_index(d, rpt_col_text(st, 0));
        if (k >= 0)
            hl[(*n)++] = k;
    }
    sqlite3_finalize(st);
    if (*n)
        return;
    if (d->key >= 0)
        hl[(*n)++] = d->key;
    for (int k = 0; k < (int)d->nmetrics && *n < 3; k++)
        if (k != d->key)
            hl[(*n)++] = k;
}

/* Names of the headline metrics in one band of uncertainty (w in [lo, hi)). */
static int spread_list(rpt_buf *b, const int *hl, const double *w, int n, double lo, double hi,
                       const rpt_db *d, int said, const char *pre, const char *post)
{
    int c = 0;
    for (int i = 0; i < n; i++)
        if (w[i] >= lo && w[i] < hi)
            c++;
    if (!c)
        return said;
    rpt_put(b, said ? "; " : "The forecast is ");
    rpt_put(b, pre);
    int j = 0;
    for (int i = 0; i < n; i++) {
        if (!(w[i] >= lo && w[i] < hi))
            continue;
        rpt_put(b, j == 0 ? "<b>" : j + 1 == c ? " and <b>" : ", <b>");
        rpt_html(b, d->metrics[hl[i]]);
        rpt_put(b, "</b>");
        j++;
    }
    rpt_put(b, post);
    return said + 1;
}

/* The headline outcomes at the horizon, then how wide their bands are. */
static void bottom_outcomes(rpt_db *d, rpt_buf *b)
{
    int hl[4], n = 0, shown[4], ns = 0;
    double w[4];
    headline(d, hl, &n);
    for (int i = 0; i < n; i++) {
        double q[3];
        if (at_horizon(d, d->metrics[hl[i]], q) != 0 || isnan(q[1]))
            continue;
        rpt_put(b, ns == 0 ? "By " : ns + 1 == n ? " and <b>" : ", <b>");
        if (ns == 0) {
            rpt_put_date(b, d->dates[d->ndays - 1]);
            rpt_put(b, ", the end of the forecast, the median run has <b>");
        }
        rpt_html(b, d->metrics[hl[i]]);
        rpt_put(b, "</b> at ");
        rpt_put_num(b, q[1]);
        if (q[0] == q[2])
            rpt_put(b, " (as are at least 90% of runs)");
        else {
            rpt_put(b, " (90% of runs: ");
            rpt_put_num(b, q[0]);
            rpt_put(b, " to ");
            rpt_put_num(b, q[2]);
            rpt_put(b, ")");
        }
        w[ns] = q[0] == q[2] ? 0 : spread(q[0], q[1], q[2]);
        shown[ns++] = hl[i];
    }
    if (!ns)
        return;
    rpt_put(b, ". ");
    int said = spread_list(b, shown, w, ns, 0, 0.25, d, 0, "fairly sure of ",
                           " (a 90% band within a quarter of the median)");
    said = spread_list(b, shown, w, ns, 0.25, 1, d, said, "moderately uncertain about ",
                       " (a band up to the size of the median)");
    said = spread_list(b, shown, w, ns, 1, INFINITY, d, said, "very uncertain about ",
                       " (a band wider than the median)");
    rpt_put(b, said ? ". " : "");
}

/* The uncertain event nearest to even odds (0 < p < 1), with its typical
 * date: what a reader most needs to know is undecided. */
static void bottom_event(rpt_db *d, rpt_buf *b)
{
    sqlite3_stmt *st = rpt_prepare(d, "events",
                                   "SELECT event, probability, p50 FROM events WHERE probability > 0 "
                                   "AND probability < 1 ORDER BY ABS(probability - 0.5), rowid "
                                   "LIMIT 1");
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        const char *med = rpt_day_date(d, rpt_col_num(st, 2));
        rpt_put(b, "The most open question among the events is <b>");
        rpt_html(b, rpt_col_text(st, 0));
        rpt_put(b, "</b>: it happens in ");
        rpt_put_pct(b, rpt_col_num(st, 1));
        rpt_put(b, " of runs");
        if (*med) {
            rpt_put(b, ", typically around ");
            rpt_put_date(b, med);
        }
        rpt_put(b, ". ");
    }
    sqlite3_finalize(st);
}

/* The drivers of the key metric's spread (or of the first Sobol' outcome). */
static void bottom_drivers(rpt_db *d, rpt_buf *b)
{
    if (!d->has_sobol)
        return;
    char *m = NULL;
    sqlite3_stmt *st = rpt_prepare(d, "sobol",
                                   "SELECT metric FROM sobol GROUP BY metric "
                                   "ORDER BY metric <> ?, MIN(rowid) LIMIT 1");
    if (st) {
        sqlite3_bind_text(st, 1, d->key >= 0 ? d->metrics[d->key] : "", -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            m = sal_strdup(rpt_col_text(st, 0));
    }
    sqlite3_finalize(st);
    rpt_leaders l;
    if (m && rpt_leaders_read(d, m, &l) == 0 && l.n) {
        rpt_put(b, "Of the uncertain inputs (<a href=\"#sensitivity\">sensitivity</a>), ");
        rpt_leaders_put(b, &l, m, 0);
        rpt_put(b, ". ");
        rpt_leaders_free(&l);
    }
    free(m);
}

/* What the theses add up to. */
static void bottom_theses(rpt_db *d, rpt_buf *b)
{
    if (!d->has_theses)
        return;
    sqlite3_stmt *st = rpt_prepare(d, "theses",
                                   "SELECT COUNT(*), SUM(verdict = 'supported'), "
                                   "SUM(verdict = 'contradicted') FROM theses");
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        long n = sqlite3_column_int64(st, 0), ok = sqlite3_column_int64(st, 1),
             bad = sqlite3_column_int64(st, 2);
        if (n)
            rpt_printf(b, "Of the %ld <a href=\"#theses\">theses</a> drawn from the seed analyses, "
                          "the runs support %ld, contradict %ld and leave %ld undecided.",
                       n, ok, bad, n - ok - bad);
    }
    sqlite3_finalize(st);
}

void rpt_bottom_line(rpt_db *d, rpt_buf *b)
{
    rpt_put(b, "<section id=\"bottom-line\">\n<h2>Bottom line</h2>\n<p class=\"bottom\">");
    bottom_outcomes(d, b);
    bottom_event(d, b);
    bottom_drivers(d, b);
    bottom_theses(d, b);
    rpt_put(b, "</p>\n</section>\n");
}

/* salient — the report's section on scenario discovery (docs/discover.md):
 * read from the discover_* tables that `salient discover` writes.  Three
 * charts: PRIM's coverage/density trade-off with the chosen box marked;
 * each box's ranges against the inputs' full ranges (scaled to 0..1); the
 * runs on the two inputs the first box restricts most, cases coloured.
 * Then a table of every box's restrictions and the inputs found
 * irrelevant.  Every table has a column `question`: `salient discover`
 * writes question 1; a study one per discovery question of its theses
 * file, each shown under its question with a sentence that answers it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/report_int.h"

static char *disc_meta(rpt_db *d, int q, const char *key)
{
    sqlite3_stmt *st = rpt_prepare(d, "discover",
                                   "SELECT value FROM discover WHERE question = ? AND key = ?");
    char *v = NULL;
    if (!st)
        return NULL;
    sqlite3_bind_int(st, 1, q);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *s = rpt_col_text(st, 0);
        v = malloc(strlen(s) + 1);
        if (v)
            strcpy(v, s);
    }
    sqlite3_finalize(st);
    return v;
}

/* What the figures mean, once per section. */
static void explain(rpt_buf *b, int cart)
{
    rpt_put(b, "<p class=\"explain\">Scenario discovery: the runs where the "
               "condition holds (the <b>cases of interest</b>) against the rest, and the "
               "<b>boxes</b> of the uncertain inputs that hold them. A box's <b>coverage</b> is "
               "the share of all cases of interest it holds; its <b>density</b> the share of its "
               "runs that are cases; its <b>mass</b> the share of all runs inside it. ");
    if (cart)
        rpt_put(b, "Boxes are the leaves of a classification tree (CART) where the cases are the "
                   "majority.");
    else
        rpt_put(b, "PRIM peels the box down step by step, trading coverage for density; the "
                   "chosen box is the one of most coverage whose density reaches the threshold.");
}

/* The section's heading and, for `salient discover`, the explanation. */
static void intro(rpt_db *d, rpt_buf *b, int q, int study)
{
    char *where = disc_meta(d, q, "where"), *method = disc_meta(d, q, "method");
    char *runs = disc_meta(d, q, "runs"), *cases = disc_meta(d, q, "cases");
    int cart = method && strcmp(method, "cart") == 0;
    if (!study) {
        rpt_put(b, "<h2>In which worlds: <code>");
        rpt_html(b, where);
        rpt_put(b, "</code></h2>\n");
        explain(b, cart);
    } else {
        char *id = disc_meta(d, q, "id"), *words = disc_meta(d, q, "question");
        char *seed = disc_meta(d, q, "seed"), *claim = disc_meta(d, q, "claim");
        rpt_put(b, "<h3 id=\"discover-");
        rpt_html(b, id);
        rpt_put(b, "\">");
        rpt_html(b, words && *words ? words : id);
        rpt_put(b, "</h3>\n<p class=\"explain\"><code>");
        rpt_html(b, where);
        rpt_put(b, "</code>");
        if (claim && *claim) {
            rpt_put(b, " &mdash; the seed's claim: ");
            rpt_html(b, claim);
            if (seed && *seed) {
                rpt_put(b, " (<code>");
                rpt_html(b, seed);
                rpt_put(b, "</code>)");
            }
        }
        rpt_put(b, ".");
        free(id);
        free(words);
        free(seed);
        free(claim);
    }
    char r1[64] = "", r2[64] = "";
    if (runs)
        rpt_fmt_count(r1, sizeof r1, runs);
    if (cases)
        rpt_fmt_count(r2, sizeof r2, cases);
    rpt_put(b, " Method ");
    rpt_html(b, cart ? "CART" : "PRIM");
    rpt_put(b, ", ");
    rpt_html(b, cases ? r2 : "n/a");
    rpt_put(b, " cases of interest among ");
    rpt_html(b, r1);
    rpt_put(b, " runs.</p>\n");
    free(where);
    free(method);
    free(runs);
    free(cases);
}

/* One sentence that answers the question: the first box's figures and
 * restrictions, or why there is none. */
static void answer(rpt_db *d, rpt_buf *b, int q)
{
    char *why = disc_meta(d, q, "why"), *runs = disc_meta(d, q, "runs");
    char *cases = disc_meta(d, q, "cases");
    rpt_put(b, "<p class=\"answer\"><b>Answer.</b> ");
    if (why) {
        rpt_put(b, "None: ");
        rpt_html(b, why);
        rpt_put(b, ".</p>\n");
        free(why);
        free(runs);
        free(cases);
        return;
    }
    double nr = runs ? strtod(runs, NULL) : NAN, nc = cases ? strtod(cases, NULL) : NAN;
    double base = nr > 0 ? nc / nr : NAN;
    sqlite3_stmt *st = rpt_prepare(
        d, "discover_boxes",
        "SELECT b.input, b.lower, b.upper, b.subset, b.coverage, b.density, b.mass, b.met, "
        "b.stability FROM "
        "discover_boxes b JOIN discover_inputs i ON i.question = b.question AND i.input = b.input "
        "WHERE b.question = ? AND b.box = 1 ORDER BY i.ord");
    int n = 0;
    if (st)
        sqlite3_bind_int(st, 1, q);
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        char n1[64], n2[64];
        if (n++ == 0) {
            rpt_put(b, "A box of coverage ");
            rpt_put_pct(b, rpt_col_num(st, 4));
            rpt_put(b, " and density ");
            rpt_put_pct(b, rpt_col_num(st, 5));
            rpt_put(b, " (mass ");
            rpt_put_pct(b, rpt_col_num(st, 6));
            rpt_put(b, "; the base rate is ");
            rpt_put_pct(b, base);
            rpt_put(b, sqlite3_column_int(st, 7) ? "): " : "; below the threshold): ");
        } else {
            rpt_put(b, "; ");
        }
        rpt_html(b, rpt_col_text(st, 0));
        rpt_fmt(n1, sizeof n1, rpt_col_num(st, 1));
        rpt_fmt(n2, sizeof n2, rpt_col_num(st, 2));
        if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
            rpt_put(b, " one of ");
            rpt_html(b, rpt_col_text(st, 3));
        } else if (isnan(rpt_col_num(st, 1))) {
            rpt_put(b, " at most ");
            rpt_html(b, n2);
        } else if (isnan(rpt_col_num(st, 2))) {
            rpt_put(b, " at least ");
            rpt_html(b, n1);
        } else {
            rpt_put(b, " from ");
            rpt_html(b, n1);
            rpt_put(b, " to ");
            rpt_html(b, n2);
        }
        if (!isnan(rpt_col_num(st, 8))) {
            rpt_put(b, " (restricted in ");
            rpt_put_pct(b, rpt_col_num(st, 8));
            rpt_put(b, " of the bootstrap replicates)");
        }
    }
    sqlite3_finalize(st);
    if (n == 0) {
        rpt_put(b, "No restriction of an input survives its quasi-p-value: in these runs the "
                   "cases of interest are not told apart from the rest by any range of the "
                   "inputs (the base rate is ");
        rpt_put_pct(b, base);
        rpt_put(b, ")");
    }
    rpt_put(b, ".</p>\n");
    free(why);
    free(runs);
    free(cases);
}

/* The trade-off curve of box 1: coverage (x) against density (y). */
static void tradeoff(rpt_db *d, rpt_buf *b, rpt_buf *js, int *ncharts, int q)
{
    sqlite3_stmt *st = rpt_prepare(d, "discover_trajectory",
                                   "SELECT coverage, density, chosen, restricted FROM "
                                   "discover_trajectory WHERE question = ? AND box = 1 "
                                   "ORDER BY step");
    if (!st)
        return;
    sqlite3_bind_int(st, 1, q);
    rpt_buf cov = {0}, den = {0};
    long chosen = -1, k = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        rpt_put(&cov, k ? "," : "");
        rpt_json_num(&cov, rpt_col_num(st, 0));
        rpt_put(&den, k ? "," : "");
        rpt_json_num(&den, rpt_col_num(st, 1));
        if (sqlite3_column_int(st, 2))
            chosen = k;
        k++;
    }
    sqlite3_finalize(st);
    if (k > 0) {
        rpt_printf(b, "<figure class=\"card\"><figcaption><b>Coverage against density</b><span>"
                      "each step of the peeling trajectory; the chosen box ringed</span>"
                      "</figcaption><div class=\"chart\"><canvas id=\"disc-tradeoff-%d\" "
                      "role=\"img\" aria-label=\"PRIM trade-off between coverage and density\">"
                      "</canvas></div></figure>\n", q);
        (*ncharts)++;
        rpt_put(js, "\"tradeoff\":{\"coverage\":[");
        rpt_putn(js, cov.p, cov.n);
        rpt_put(js, "],\"density\":[");
        rpt_putn(js, den.p, den.n);
        rpt_printf(js, "],\"chosen\":%ld},", chosen);
    }
    free(cov.p);
    free(den.p);
}

/* Every box's continuous ranges, scaled to the input's full range. */
static void ranges(rpt_db *d, rpt_buf *b, rpt_buf *js, int *ncharts, int q)
{
    sqlite3_stmt *st = rpt_prepare(
        d, "discover_boxes",
        "SELECT b.box, b.input, b.lower, b.upper, i.lower, i.upper FROM discover_boxes b JOIN "
        "discover_inputs i ON i.question = b.question AND i.input = b.input WHERE b.question = ? "
        "AND b.subset IS NULL ORDER BY b.box, i.ord");
    if (!st)
        return;
    sqlite3_bind_int(st, 1, q);
    size_t n = 0;
    rpt_buf lab = {0}, val = {0};
    while (sqlite3_step(st) == SQLITE_ROW) {
        double lo = rpt_col_num(st, 4), hi = rpt_col_num(st, 5), w = hi - lo;
        double a = rpt_col_num(st, 2), z = rpt_col_num(st, 3);
        double fa = isnan(a) || !(w > 0) ? 0 : (a - lo) / w;
        double fz = isnan(z) || !(w > 0) ? 1 : (z - lo) / w;
        rpt_put(&lab, n ? "," : "");
        char name[600];
        snprintf(name, sizeof name, "box %d: %s", sqlite3_column_int(st, 0), rpt_col_text(st, 1));
        rpt_json_str(&lab, name);
        rpt_put(&val, n ? ",[" : "[");
        rpt_json_num(&val, fa);
        rpt_put(&val, ",");
        rpt_json_num(&val, fz);
        rpt_put(&val, "]");
        n++;
    }
    sqlite3_finalize(st);
    if (n > 0) {
        rpt_printf(b, "<figure class=\"card\"><figcaption><b>The boxes</b><span>each restricted "
                      "input's range in the box (dark) within its range over all runs "
                      "(0 to 1)</span></figcaption><div class=\"chart\" style=\"height:%zupx\">"
                      "<canvas id=\"disc-ranges-%d\" role=\"img\" aria-label=\"Ranges of the "
                      "boxes\"></canvas></div></figure>\n", 90 + 34 * n, q);
        (*ncharts)++;
        rpt_put(js, "\"ranges\":{\"labels\":[");
        rpt_putn(js, lab.p, lab.n);
        rpt_put(js, "],\"values\":[");
        rpt_putn(js, val.p, val.n);
        rpt_put(js, "]},");
    }
    free(lab.p);
    free(val.p);
}

/* The runs on the two inputs the first box restricts most. */
static void scatter(rpt_db *d, rpt_buf *b, rpt_buf *js, int *ncharts, int q)
{
    char *x = disc_meta(d, q, "x"), *y = disc_meta(d, q, "y");
    sqlite3_stmt *st = x ? rpt_prepare(d, "discover_points",
                                       "SELECT x, y, \"case\" FROM discover_points WHERE "
                                       "question = ? ORDER BY run")
                         : NULL;
    if (st)
        sqlite3_bind_int(st, 1, q);
    rpt_buf pts[2] = {{0}, {0}};
    size_t np[2] = {0, 0};
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        int c = sqlite3_column_int(st, 2) != 0;
        rpt_put(&pts[c], np[c]++ ? ",[" : "[");
        rpt_json_num(&pts[c], rpt_col_num(st, 0));
        rpt_put(&pts[c], ",");
        rpt_json_num(&pts[c], y && *y ? rpt_col_num(st, 1) : 0);
        rpt_put(&pts[c], "]");
    }
    sqlite3_finalize(st);
    if (np[0] + np[1] > 0) {
        rpt_printf(b, "<figure class=\"card\"><figcaption><b>The runs</b><span>on the two inputs "
                      "the first box restricts most; cases of interest in orange</span>"
                      "</figcaption><div class=\"chart\"><canvas id=\"disc-scatter-%d\" "
                      "role=\"img\" aria-label=\"Runs on two inputs\"></canvas></div></figure>\n",
                   q);
        (*ncharts)++;
        rpt_put(js, "\"scatter\":{\"x\":");
        rpt_json_str(js, x);
        rpt_put(js, ",\"y\":");
        rpt_json_str(js, y);
        rpt_put(js, ",\"rest\":[");
        rpt_putn(js, pts[0].p, pts[0].n);
        rpt_put(js, "],\"cases\":[");
        rpt_putn(js, pts[1].p, pts[1].n);
        rpt_put(js, "]},");
    }
    free(pts[0].p);
    free(pts[1].p);
    free(x);
    free(y);
}

static void table(rpt_db *d, rpt_buf *b, int q)
{
    sqlite3_stmt *st = rpt_prepare(
        d, "discover_boxes",
        "SELECT b.box, b.input, b.lower, b.upper, b.subset, b.quasi_p, b.stability, b.coverage, "
        "b.density, b.mass, i.lower, i.upper FROM discover_boxes b JOIN discover_inputs i ON "
        "i.question = b.question AND i.input = b.input WHERE b.question = ? ORDER BY b.box, "
        "i.ord");
    if (!st)
        return;
    sqlite3_bind_int(st, 1, q);
    rpt_put(b, "<div class=\"scroll\"><table class=\"sobol\">\n<thead><tr><th>Box</th><th>Input"
               "</th><th>In the box</th><th>Over all runs</th><th class=\"num\">Quasi-p</th>"
               "<th class=\"num\">Stability</th></tr></thead>\n<tbody>\n");
    int last = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int box = sqlite3_column_int(st, 0);
        char n1[64], n2[64], n3[64];
        rpt_put(b, "<tr><td>");
        if (box != last) {
            rpt_printf(b, "%d (", box);
            rpt_put_pct(b, rpt_col_num(st, 7));
            rpt_put(b, " coverage, ");
            rpt_put_pct(b, rpt_col_num(st, 8));
            rpt_put(b, " density, ");
            rpt_put_pct(b, rpt_col_num(st, 9));
            rpt_put(b, " mass)");
            last = box;
        }
        rpt_put(b, "</td><td>");
        rpt_html(b, rpt_col_text(st, 1));
        rpt_put(b, "</td><td>");
        if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
            rpt_put(b, "one of ");
            rpt_html(b, rpt_col_text(st, 4));
        } else {
            rpt_fmt(n1, sizeof n1, rpt_col_num(st, 2));
            rpt_fmt(n2, sizeof n2, rpt_col_num(st, 3));
            rpt_html(b, isnan(rpt_col_num(st, 2)) ? "up to " : isnan(rpt_col_num(st, 3)) ? "from " : "");
            rpt_html(b, isnan(rpt_col_num(st, 2)) ? n2 : n1);
            if (!isnan(rpt_col_num(st, 2)) && !isnan(rpt_col_num(st, 3))) {
                rpt_put(b, " to ");
                rpt_html(b, n2);
            }
        }
        rpt_fmt(n1, sizeof n1, rpt_col_num(st, 10));
        rpt_fmt(n2, sizeof n2, rpt_col_num(st, 11));
        rpt_put(b, "</td><td>");
        rpt_html(b, n1);
        rpt_put(b, " to ");
        rpt_html(b, n2);
        snprintf(n3, sizeof n3, "%.2g", rpt_col_num(st, 5));
        rpt_put(b, "</td><td class=\"num\">");
        rpt_html(b, n3);
        rpt_put(b, "</td><td class=\"num\">");
        if (isnan(rpt_col_num(st, 6)))
            rpt_put(b, "n/a");
        else
            rpt_put_pct(b, rpt_col_num(st, 6));
        rpt_put(b, "</td></tr>\n");
    }
    sqlite3_finalize(st);
    rpt_put(b, "</tbody></table></div>\n");
}

static void irrelevant(rpt_db *d, rpt_buf *b, int q)
{
    sqlite3_stmt *st = rpt_prepare(d, "discover_inputs",
                                   "SELECT input FROM discover_inputs WHERE question = ? AND "
                                   "irrelevant = 1 ORDER BY ord");
    if (!st)
        return;
    sqlite3_bind_int(st, 1, q);
    size_t n = 0;
    rpt_buf names = {0};
    while (sqlite3_step(st) == SQLITE_ROW) {
        rpt_put(&names, n++ ? ", " : "");
        rpt_html(&names, rpt_col_text(st, 0));
    }
    sqlite3_finalize(st);
    if (n) {
        rpt_printf(b, "<p class=\"explain\">Irrelevant (no box restricts them with a quasi-p-value "
                      "of 0.05 or less), %zu inputs: ", n);
        rpt_putn(b, names.p, names.n);
        rpt_put(b, ".</p>\n");
    }
    free(names.p);
}

/* Question q: its heading, answer, charts (their data in js, an element of
 * the array "discover"), table and irrelevant inputs. */
static void question(rpt_db *d, rpt_buf *b, rpt_buf *js, int *ncharts, int q, int study)
{
    intro(d, b, q, study);
    if (study)
        answer(d, b, q);
    char *why = disc_meta(d, q, "why");
    free(why);
    if (why)
        return; /* no answer: nothing more to show */
    rpt_printf(js, "{\"q\":%d,", q);
    rpt_put(b, "<div class=\"grid wide-cards\">\n");
    tradeoff(d, b, js, ncharts, q);
    ranges(d, b, js, ncharts, q);
    scatter(d, b, js, ncharts, q);
    rpt_put(js, "\"v\":1},");
    rpt_put(b, "</div>\n<details");
    rpt_put(b, study ? "" : " open");
    rpt_put(b, "><summary>Every box</summary>\n");
    table(d, b, q);
    rpt_put(b, "</details>\n");
    irrelevant(d, b, q);
}

void rpt_discover(rpt_db *d, rpt_buf *b, rpt_buf *js, int *ncharts)
{
    if (!d->has_discover)
        return;
    sqlite3_stmt *st = rpt_prepare(d, "discover",
                                   "SELECT question, MAX(key = 'id') FROM discover GROUP BY "
                                   "question ORDER BY question");
    if (!st)
        return;
    int qs[256], study[256], n = 0;
    while (n < 256 && sqlite3_step(st) == SQLITE_ROW) {
        qs[n] = sqlite3_column_int(st, 0);
        study[n++] = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    rpt_put(b, "<section id=\"discover\">\n");
    if (n && study[0]) {
        rpt_put(b, "<h2>In which worlds: the theses file's discovery questions</h2>\n");
        explain(b, 0);
        rpt_put(b, " Each question is answered on the study's base runs.</p>\n");
    }
    rpt_put(js, "\"discover\":[");
    for (int i = 0; i < n; i++)
        question(d, b, js, ncharts, qs[i], study[i]);
    rpt_put(js, "{\"v\":1}],");
    rpt_put(b, "<p class=\"explain\">Quasi-p-value: the chance that a restriction this strong "
               "would arise were the input irrelevant (Bryant and Lempert 2010); restrictions "
               "above 0.05 are dropped. Stability: the share of bootstrap replicates in which PRIM "
               "restricts the input too.</p>\n</section>\n");
}

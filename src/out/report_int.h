/* salient — internals of the report (src/out/report*.c): a growing text buffer
 * with the escapes the page needs, readable number formats, and the
 * database reader shared by the sections. */
#ifndef SALIENT_REPORT_INT_H
#define SALIENT_REPORT_INT_H

#include <stddef.h>
#include <sqlite3.h>

#include "salient/base.h"

/* The page is built in memory, then written in one go (whole or nothing). */
typedef struct {
    char *p;
    size_t n, cap;
    int oom; /* an allocation failed: the text is incomplete, report SAL_ENOMEM */
} rpt_buf;

void rpt_put(rpt_buf *b, const char *s);
void rpt_putn(rpt_buf *b, const char *s, size_t n);
void rpt_printf(rpt_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Text as HTML (element content and quoted attribute values): & < > " '
 * escaped.  NULL writes nothing. */
void rpt_html(rpt_buf *b, const char *s);
/* Text as a JSON string literal that is also safe inside <script>: quotes,
 * backslashes and control characters escaped as JSON requires, and < > &
 * and U+2028/U+2029 as \uXXXX, so scenario text holding "</script>" or
 * "<!--" cannot end or bend the script element.  NULL gives null. */
void rpt_json_str(rpt_buf *b, const char *s);
/* A number for the charts' data: %.6g (six significant digits are far below
 * the ensemble's own sampling error), null for NaN or infinity. */
void rpt_json_num(rpt_buf *b, double x);

/* Readable numbers for the text: three significant digits with thousands
 * separators ("12,300", "0.0452", "-1,250,000"), "n/a" for NaN. */
void rpt_fmt(char *buf, size_t n, double x);
/* A share in [0, 1] as a percentage: "73%", "<1%", ">99%", "0%", "100%". */
void rpt_fmt_pct(char *buf, size_t n, double p);
/* "2024-11-05" as "5 Nov 2024"; anything else copied as it is. */
void rpt_fmt_date(char *buf, size_t n, const char *iso);
/* The same, HTML-escaped into b. */
void rpt_put_date(rpt_buf *b, const char *iso);
void rpt_put_num(rpt_buf *b, double x);
void rpt_put_pct(rpt_buf *b, double p);

/* The database and what the report found in it. */
typedef struct {
    sqlite3 *db;
    const char *path;     /* for diagnostics */
    sal_diags *diags;
    int status;           /* first error (SAL_EINPUT for a malformed file) */
    /* metadata */
    char *title, *description, *scenario, *variant, *start, *seed, *runs, *runs_requested;
    char *key_metric;     /* optional metadata key_metric */
    char *sobol_base;     /* optional metadata sobol_base */
    char *quantiles;      /* optional metadata quantiles: "exact" or "sketch" */
    char *accuracy;       /* optional metadata accuracy (of a sketch) */
    int partial, horizon, study;
    int key;              /* the key metric (index in metrics), -1 without metrics */
    /* metrics (quantiles, in the order written) and their dates */
    size_t nmetrics;
    char **metrics;
    size_t ndays;
    char **dates;         /* dates[day], day 0..ndays-1 */
    /* optional tables present */
    int has_curve, has_variants, has_vq, has_ve, has_compare, has_sobol, has_theses, has_params;
    int has_scores;       /* the tables of 'salient score' */
    int has_discover;     /* discover_* tables (src/out/report_discover.c) */
    int has_change;       /* forecast_change: the priors' forecast against the posterior's */
    size_t nseeds;        /* the seeds table: how to cite each seed file */
    char **seed_file, **seed_cite;
    size_t nvariants;
    char **variants;      /* in ord order */
    char **variant_desc;
    /* The variant whose 90% band the evolving-difference chart shows first:
     * the first variant (in order) that a thesis tests, else 0 */
    int band_variant;
} rpt_db;

/* The database helpers (src/out/report_data.c) */
/* What a database not written by salient is told: "expected a results
 * database written by ..." */
extern const char *const rpt_schema_hint;
/* Prepares sql; on failure records "PATH: table TABLE: <sqlite's message>;
 * expected ..." and returns NULL. */
sqlite3_stmt *rpt_prepare(rpt_db *d, const char *table, const char *sql);
/* Column helpers: NULL reads as NaN / "" */
double rpt_col_num(sqlite3_stmt *st, int i);
const char *rpt_col_text(sqlite3_stmt *st, int i);
/* Index of a variant by name, or -1. */
int rpt_variant_index(const rpt_db *d, const char *name);
/* The date of a day ("" outside 0..horizon). */
const char *rpt_day_date(const rpt_db *d, double day);
/* An integer held as text, with thousands separators ("12000" -> "12,000"). */
void rpt_fmt_count(char *buf, size_t n, const char *digits);
/* Index of a metric by name, or -1. */
int rpt_metric_index(const rpt_db *d, const char *name);
/* The colour of variant v (-1: the base), a fixed colour-blind-safe
 * palette (Okabe-Ito), so a variant has one colour across every chart. */
const char *rpt_variant_color(int v);

/* Text as HTML (rpt_html) with, after every seed file name it holds, that
 * seed's citation (author, title, date; the seeds table) in a span. */
void rpt_html_cited(const rpt_db *d, rpt_buf *b, const char *s);

/* Sections (src/out/report_sect.c, src/out/report_charts.c).  Each appends its HTML
 * to b and its chart data (JSON members) to js, and counts its canvases. */
void rpt_header(rpt_db *d, rpt_buf *b);
void rpt_findings(rpt_db *d, rpt_buf *b);
void rpt_metrics(rpt_db *d, rpt_buf *b, rpt_buf *js, int *ncharts);
void rpt_events(rpt_db *d, rpt_buf *b, rpt_buf *js, int *ncharts);
void rpt_compare(rpt_db *d, rpt_buf *b, rpt_buf *js, int *ncharts);
void rpt_sobol(rpt_db *d, rpt_buf *b, rpt_buf *js, int *ncharts);
void rpt_theses(rpt_db *d, rpt_buf *b);
void rpt_provenance(rpt_db *d, rpt_buf *b);
/* src/out/report_scores.c: the reports on a fan (JSON member "reports"),
 * their key, their colour (fit or test), and the section of scores. */
void rpt_fan_reports(rpt_db *d, rpt_buf *js, const char *metric);
void rpt_fan_reports_key(rpt_db *d, rpt_buf *b);
const char *rpt_report_color(int test);
void rpt_scores(rpt_db *d, rpt_buf *b);
/* Scenario discovery (src/out/report_discover.c): the trade-off, the boxes,
 * the scatter of the two inputs restricted most. */
void rpt_discover(rpt_db *d, rpt_buf *b, rpt_buf *js, int *ncharts);
/* What the reports taught (src/out/report_calib.c): the calibration's prior
 * against posterior and its reports' predictive bands, when DIR (or
 * DIR/calibration) holds one.  1 when the section was written (the page
 * then carries src/out/report_calib.js). */
int rpt_calibration(rpt_db *d, rpt_buf *b, rpt_buf *js, int *ncharts);

/* The bottom line (src/out/report_brief.c): a paragraph in plain words
 * above the key findings, from the numbers. */
void rpt_bottom_line(rpt_db *d, rpt_buf *b);
/* The inputs of one Sobol' outcome, largest total index first, and how many
 * of them (k, at most 3) the 90% intervals single out: each of the first k
 * has its interval's lower end above every other input's upper end; 0 when
 * the intervals do not separate any. */
typedef struct {
    size_t n, k;
    char **input;
    double *st, *lo, *hi;
} rpt_leaders;
/* 0, or -1 (out of memory, or the table unreadable: l empty). */
int rpt_leaders_read(rpt_db *d, const char *metric, rpt_leaders *l);
void rpt_leaders_free(rpt_leaders *l);
/* "<b>X</b> drives most of the spread of <b>M</b>: ..." or, when k is 0,
 * that no input stands out ("No input" at the start of a sentence, start
 * non-zero); no final period. */
void rpt_leaders_put(rpt_buf *b, const rpt_leaders *l, const char *metric, int start);

#endif

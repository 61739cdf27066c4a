/* salient — the report's database helpers, shared by the sections
 * (report_sect.c, report_charts.c) and the file that loads the database
 * and assembles the page (report.c): statements, columns, the variants'
 * indices and colours, the dates of days.  Below the sections: nothing
 * here calls them (docs/architecture.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "out/report_int.h"

const char *const rpt_schema_hint =
    "expected a results database written by 'salient ensemble' or 'salient' (docs/report.md)";

sqlite3_stmt *rpt_prepare(rpt_db *d, const char *table, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (d->status)
        return NULL;
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK) {
        sal_diags_add(d->diags, d->path, 0, 0, "table '%s': %s; %s", table,
                      sqlite3_errmsg(d->db), rpt_schema_hint);
        d->status = SAL_EINPUT;
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

double rpt_col_num(sqlite3_stmt *st, int i)
{
    int t = sqlite3_column_type(st, i);
    if (t == SQLITE_INTEGER || t == SQLITE_FLOAT)
        return sqlite3_column_double(st, i);
    if (t == SQLITE_TEXT) { /* a number stored as text still reads */
        const char *s = (const char *)sqlite3_column_text(st, i);
        char *end;
        double x = s ? strtod(s, &end) : 0;
        if (s && *s && !*end)
            return x;
    }
    return (double)NAN;
}

const char *rpt_col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? (const char *)s : "";
}

int rpt_variant_index(const rpt_db *d, const char *name)
{
    for (size_t i = 0; i < d->nvariants; i++)
        if (strcmp(d->variants[i], name) == 0)
            return (int)i;
    return -1;
}

const char *rpt_day_date(const rpt_db *d, double day)
{
    if (!(day >= 0) || day >= (double)d->ndays)
        return "";
    return d->dates[(size_t)day];
}

int rpt_metric_index(const rpt_db *d, const char *name)
{
    for (size_t i = 0; i < d->nmetrics; i++)
        if (strcmp(d->metrics[i], name) == 0)
            return (int)i;
    return -1;
}

const char *rpt_variant_color(int v)
{
    /* Twenty distinct colours, so up to twenty variants never share one:
     * first Okabe & Ito (2008), "Color Universal Design", distinguishable
     * with the common colour-vision deficiencies (yellow left out,
     * unreadable on white), then colours of Kelly's (1965) list of maximum
     * contrast (K. L. Kelly, "Twenty-two colors of maximum contrast", Color
     * Engineering 3(6)) that differ from those and from the base; past
     * eight, tell them apart by name as well.  report.js draws the event
     * curves from the same list.  The base is a dark slate. */
    static const char *const pal[] = {
        "#d55e00", "#0072b2", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#8c564b", "#7f7f7f",
        "#875692", "#be0032", "#8db600", "#604e97", "#f99379", "#882d17", "#a1caf1", "#c2b280",
        "#dcd300", "#2b3d26", "#e68fac", "#654522"};
    if (v < 0)
        return "#2c3e50";
    return pal[(size_t)v % (sizeof pal / sizeof pal[0])];
}

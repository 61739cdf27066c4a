/* salient — the files of one run (salient run): series.csv, the metrics day
 * by day, and events.csv, the events in the order they happened. */
#include <stdio.h>

#include "salient/date.h"
#include "salient/ensemble.h"
#include "salient/out.h"

static long start_of(const sal_model *m)
{
    return sal_date_to_days(m->start_year, m->start_month, m->start_day);
}

int sal_run_write_series(FILE *f, const sal_run *r)
{
    const sal_model *m = sal_run_model(r);
    size_t nd = sal_run_ndays(r), nm = sal_run_nmetrics(r);
    const double *s = sal_run_series(r);
    long start = start_of(m);
    fputs("day,date", f);
    for (size_t k = 0; k < nm; k++) {
        fputc(',', f);
        sal_csv_field(f, m->metrics[k].name);
    }
    fputc('\n', f);
    char date[16], num[40];
    for (size_t d = 0; d < nd; d++) {
        sal_date_format(start + (long)d, date);
        fprintf(f, "%zu,%s", d, date);
        for (size_t k = 0; k < nm; k++) {
            sal_fmt_num(num, sizeof num, s[d * nm + k]);
            fprintf(f, ",%s", num);
        }
        fputc('\n', f);
    }
    return ferror(f) ? SAL_EIO : SAL_OK;
}

void sal_run_event_order(const sal_run *r, size_t *o)
{
    const sal_model *m = sal_run_model(r);
    const int32_t *days = sal_run_event_days(r);
    size_t n = m->nevents, k = 0;
    for (size_t e = 0; e < n; e++)
        if (days[e] >= 0)
            o[k++] = e;
    /* insertion sort by day: stable, and n is small */
    for (size_t i = 1; i < k; i++) {
        size_t x = o[i], j = i;
        while (j > 0 && days[o[j - 1]] > days[x]) {
            o[j] = o[j - 1];
            j--;
        }
        o[j] = x;
    }
    for (size_t e = 0; e < n; e++)
        if (days[e] < 0)
            o[k++] = e;
}

int sal_run_write_events(FILE *f, const sal_run *r, const size_t *order)
{
    const sal_model *m = sal_run_model(r);
    const int32_t *days = sal_run_event_days(r);
    long start = start_of(m);
    fputs("event,day,date\n", f);
    char date[16];
    for (size_t i = 0; i < m->nevents; i++) {
        size_t e = order[i];
        sal_csv_field(f, m->events[e]);
        if (days[e] >= 0) {
            sal_date_format(start + days[e], date);
            fprintf(f, ",%d,%s\n", (int)days[e], date);
        } else {
            fputs(",,\n", f);
        }
    }
    return ferror(f) ? SAL_EIO : SAL_OK;
}

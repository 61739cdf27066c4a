/* salient — sobol.csv, the one writer of the Sobol' indices: salient
 * sensitivity's file (one metric) and the study's (a metric column). */
#include <math.h>
#include <stdio.h>

#include "salient/ensemble.h"
#include "salient/out.h"

int sal_sobol_write_header(FILE *f, int with_metric)
{
    fputs(with_metric ? "metric,input,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi\n"
                      : "input,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi\n",
          f);
    return ferror(f) ? SAL_EIO : SAL_OK;
}

int sal_sobol_write_rows(FILE *f, const sal_model *m, const char *metric,
                         const sal_sobol_indices *ix)
{
    char num[40];
    for (size_t i = 0; i < ix->k; i++) {
        if (metric) {
            sal_csv_field(f, metric);
            fputc(',', f);
        }
        sal_csv_field(f, m->uncertain[i].name);
        const double v[6] = {ix->s1[i], ix->s1_lo[i], ix->s1_hi[i],
                             ix->st[i], ix->st_lo[i], ix->st_hi[i]};
        for (int c = 0; c < 6; c++) {
            /* NaN: no interval without a bootstrap */
            sal_fmt_num(num, sizeof num, isfinite(v[c]) ? v[c] : NAN);
            fprintf(f, ",%s", num);
        }
        fputc('\n', f);
    }
    return ferror(f) ? SAL_EIO : SAL_OK;
}

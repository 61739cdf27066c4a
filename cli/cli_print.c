/* salient CLI — what every command prints the same way: the diagnostics of
 * a job in file order, "salient CMD: message" errors, a command's help. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Diagnostics are printed in file order (line, then column; stable), so that
 * the messages of a scenario's base and of each variant read top to bottom. */
static int cmp_diag(const void *pa, const void *pb)
{
    const sal_diag *x = *(const sal_diag *const *)pa, *y = *(const sal_diag *const *)pb;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x < y ? -1 : x > y;
}

void cli_print_diags(const sal_diags *d)
{
    char buf[2048];
    size_t n = sal_diags_count(d), k = 0;
    const sal_diag **v = calloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        const sal_diag *e = sal_diags_get(d, i);
        if (e && !v) { /* out of memory: unsorted is better than nothing */
            sal_diag_format(e, buf, sizeof buf);
            fprintf(stderr, "%s\n", buf);
        } else if (e)
            v[k++] = e;
    }
    if (!v)
        return;
    qsort(v, k, sizeof *v, cmp_diag);
    for (size_t i = 0; i < k; i++) {
        sal_diag_format(v[i], buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
    free(v);
}

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "salient%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_usage(const cli_command *c, FILE *out)
{
    fputs(c->usage, out);
}

/* Thousands grouped ("550,070"), from the digits of "%.0f" of |x| < 1e15. */
static void grouped(char *b, size_t n, double x)
{
    char d[32], out[48];
    int len = snprintf(d, sizeof d, "%.0f", fabs(x)), k = 0;
    if (x < 0 && strcmp(d, "0") != 0)
        out[k++] = '-';
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = d[i];
    }
    out[k] = '\0';
    snprintf(b, n, "%s", out);
}

const char *cli_num(char *b, size_t n, double x)
{
    double a = fabs(x);
    if (isnan(x))
        snprintf(b, n, "-");
    else if (isinf(x))
        snprintf(b, n, "%s", x > 0 ? "inf" : "-inf");
    else if (a >= 1e15)
        snprintf(b, n, "%.3g", x); /* beyond any count this engine makes */
    else if (a >= 1000)
        grouped(b, n, x);
    else if (a != 0 && a < 0.001)
        snprintf(b, n, "%s0.001", x > 0 ? "<" : ">-");
    else
        snprintf(b, n, "%.4g", x);
    return b;
}

void cli_print_metrics(const sal_model *m)
{
    for (size_t i = 0; i < m->nmetrics; i++)
        fprintf(stderr, "%s %s", i ? "," : "", m->metrics[i].name);
    fputc('\n', stderr);
}

/* salient CLI — what every command prints the same way: the diagnostics of
 * a job in file order, "salient CMD: message" errors, a command's help. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

/* salient — the files of a fit (salient fit): the JSON of every law's fit
 * (--json) and the observed and fitted series (--out FILE). */
#include <math.h>
#include <stdio.h>

#include "salient/out.h"

static void json_num(FILE *f, const char *key, double x, int comma)
{
    if (isfinite(x))
        fprintf(f, "\"%s\": %.17g%s", key, x, comma ? ", " : "");
    else
        fprintf(f, "\"%s\": null%s", key, comma ? ", " : "");
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void json_result(FILE *f, const sal_fit_result *r)
{
    fprintf(f, "\"law\": \"%s\", ", sal_law_name(r->law));
    const struct {
        const char *name;
        double x;
    } v[] = {{"a", r->a},         {"b", r->b},         {"p", r->p},       {"q", r->q},
             {"se_a", r->se_a},   {"se_b", r->se_b},   {"se_p", r->se_p}, {"se_q", r->se_q},
             {"sse", r->sse},     {"sse_A", r->sse_A}, {"sse_B", r->sse_B},
             {"r2", r->r2},       {"s2", r->s2}};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        json_num(f, v[i].name, v[i].x, 1);
    fprintf(f, "\"n\": %zu, \"k\": %zu, \"iterations\": %d, \"starts\": %d, \"converged\": %s",
            r->n, r->k, r->iterations, r->starts, r->converged ? "true" : "false");
}

static void json_cov(FILE *f, const sal_fit_result *r)
{
    fprintf(f, ", \"cov\": [");
    for (int i = 0; i < 4; i++) {
        fprintf(f, "%s[", i ? ", " : "");
        for (int j = 0; j < 4; j++) {
            fprintf(f, "%s", j ? ", " : "");
            if (isfinite(r->cov[i][j]))
                fprintf(f, "%.17g", r->cov[i][j]);
            else
                fprintf(f, "null");
        }
        fprintf(f, "]");
    }
    fprintf(f, "]");
}

int sal_fit_write_json(FILE *f, const sal_battle *b, const char *name, const sal_fit_laws *l)
{
    const sal_fit_result *r = &l->fits[l->law];
    fprintf(f, "{\"data\": ");
    json_string(f, name);
    fprintf(f, ", \"rows\": %zu, ", b->n);
    json_result(f, r);
    json_cov(f, r);
    if (l->boot) {
        fprintf(f, ", \"bootstrap\": {\"replicates\": %d, \"seed\": %llu, \"failed\": %d, ",
                l->nboot, (unsigned long long)l->seed, l->nfail);
        json_num(f, "se_a", l->boot[0], 1);
        json_num(f, "se_b", l->boot[1], 1);
        json_num(f, "se_p", l->boot[2], 1);
        json_num(f, "se_q", l->boot[3], 0);
        fprintf(f, "}");
    }
    fprintf(f, ", \"laws\": [");
    for (int k = 0; k < SAL_FIT_NLAWS; k++) {
        fprintf(f, "%s{", k ? ", " : "");
        if (l->status[k] == SAL_OK || l->status[k] == SAL_EFAIL)
            json_result(f, &l->fits[k]);
        else
            fprintf(f, "\"law\": \"%s\", \"converged\": false", sal_law_name((sal_law)k));
        fprintf(f, "}");
    }
    fprintf(f, "]}\n");
    return ferror(f) ? SAL_EIO : SAL_OK;
}

int sal_fit_write_series(FILE *f, const sal_battle *b, const double *A, const double *B)
{
    fprintf(f, "day,A_obs,B_obs,A_fit,B_fit\n");
    for (size_t d = 0; d < b->n; d++)
        fprintf(f, "%zu,%.10g,%.10g,%.10g,%.10g\n", d, b->A[d], b->B[d], A[d], B[d]);
    return ferror(f) ? SAL_EIO : SAL_OK;
}

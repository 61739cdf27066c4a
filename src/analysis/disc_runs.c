/* salient — the runs scenario discovery reads, and the condition that
 * labels them: an expression over one run's record (docs/discover.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salient/date.h"
#include "salient/discover.h"
#include "salient/expr.h"
#include "salient/suggest.h"

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

void sal_disc_runs_free(sal_disc_runs *r)
{
    if (!r)
        return;
    free(r->run);
    free_names(r->inputs, r->ninputs);
    free(r->categorical);
    free(r->x);
    free_names(r->metrics, r->nmetrics);
    free(r->last);
    free_names(r->events, r->nevents);
    free(r->event_day);
    free(r->pair_metric);
    free(r->pair_day);
    free(r->pair);
    free(r->w);
    memset(r, 0, sizeof *r);
}

void sal_disc_runs_guess_categorical(sal_disc_runs *r)
{
    for (size_t j = 0; r->categorical && j < r->ninputs; j++) {
        double seen[SAL_DISC_FEW_LEVELS];
        size_t k = 0, i;
        for (i = 0; i < r->n; i++) {
            double v = r->x[i * r->ninputs + j];
            size_t a = 0;
            while (a < k && seen[a] != v)
                a++;
            if (a < k)
                continue;
            if (k == SAL_DISC_FEW_LEVELS)
                break;
            seen[k++] = v;
        }
        r->categorical[j] = i == r->n && k > 1 && r->n >= 4 * k;
    }
}

/* ---- the condition ------------------------------------------------------ */

enum { FN_LAST, FN_LAST_NAMED, FN_METRIC_AT, FN_EVENT_DAY, FN_DATE, FN_METRIC0 };

/* A date's index is stored shifted so that it is >= 0 for the resolver. */
#define DAY_SHIFT (1 << 24)

struct sal_disc_where {
    sal_expr *e;
    sal_expr_func *funcs;
    size_t nfuncs;
    size_t npairs;
    size_t *pm;
    int *pd;
    int events;
};

static int find(char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

static int unknown(const char *kind, char *const *names, size_t n, const char *name, char *why,
                   size_t whylen)
{
    const char *best = n ? sal_suggest(name, (const char *const *)names, n) : NULL;
    if (best)
        snprintf(why, whylen, "no %s named '%s'; did you mean '%s'?", kind, name, best);
    else if (n)
        snprintf(why, whylen, "no %s named '%s'; expected one of the %zu %ss of the runs "
                              "(first: '%s')", kind, name, n, kind, names[0]);
    else
        snprintf(why, whylen, "no %s named '%s': the runs have no %ss", kind, name, kind);
    return -1;
}

/* A date (YYYY-MM-DD) or a day index, as a day index from the start. */
static int parse_day(const sal_disc_runs *v, const char *s, long *day)
{
    int y, m, d;
    if (sal_date_parse(s, &y, &m, &d) == 0) {
        *day = sal_date_to_days(y, m, d) - v->start;
        return 0;
    }
    char *end;
    long k = strtol(s, &end, 10);
    if (*s && !*end && k >= 0) {
        *day = k;
        return 0;
    }
    return -1;
}

static int resolve(void *ctx, int id, int pos, const char *name, const int *prev, char *why,
                   size_t whylen)
{
    (void)prev;
    const sal_disc_runs *v = ctx;
    if ((id == FN_METRIC_AT && pos == 0) || id == FN_LAST_NAMED) {
        int k = find(v->metrics, v->nmetrics, name);
        return k >= 0 ? k : unknown("metric", v->metrics, v->nmetrics, name, why, whylen);
    }
    if (id == FN_EVENT_DAY) {
        int k = find(v->events, v->nevents, name);
        return k >= 0 ? k : unknown("event", v->events, v->nevents, name, why, whylen);
    }
    long day;
    if (parse_day(v, name, &day) != 0) {
        snprintf(why, whylen, "'%s' is not a date; expected YYYY-MM-DD (or a day index)", name);
        return -1;
    }
    if (id == FN_METRIC_AT && (day < 0 || day > v->horizon)) {
        char a[16], b[16];
        sal_date_format(v->start, a);
        sal_date_format(v->start + v->horizon, b);
        snprintf(why, whylen, "%s is outside the runs' days; expected a date from %s to %s",
                 name, a, b);
        return -1;
    }
    if (day < -DAY_SHIFT || day > DAY_SHIFT) {
        snprintf(why, whylen, "%s is too far from the start", name);
        return -1;
    }
    return (int)(day + DAY_SHIFT);
}

/* The host: last(NAME), metric(NAME, DATE), event_day(NAME), date(D), and
 * every metric whose name is an identifier as a bare name. */
static int build_host(sal_disc_where *w, const sal_disc_runs *v)
{
    static const sal_expr_func fixed[] = {
        {"last", 1, FN_LAST_NAMED, "metric"},
        {"metric", 2, FN_METRIC_AT, "metric, date"},
        {"event_day", 1, FN_EVENT_DAY, "event"},
        {"date", 1, FN_DATE, "YYYY-MM-DD"},
    };
    w->funcs = malloc((4 + v->nmetrics) * sizeof *w->funcs);
    if (!w->funcs)
        return SAL_ENOMEM;
    memcpy(w->funcs, fixed, sizeof fixed);
    w->nfuncs = 4;
    for (size_t k = 0; k < v->nmetrics; k++) {
        const char *s = v->metrics[k];
        int ident = *s && (s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'));
        for (const char *c = s; ident && *c; c++)
            ident = *c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                    (*c >= '0' && *c <= '9');
        if (ident && find((char *const *)v->metrics, k, s) < 0)
            w->funcs[w->nfuncs++] = (sal_expr_func){s, 0, FN_METRIC0 + (int)k, NULL};
    }
    return SAL_OK;
}

int sal_disc_where_compile(const char *src, const sal_disc_runs *v, sal_diags *diags,
                           sal_disc_where **out)
{
    return sal_disc_where_compile_at(src, v, "--where", 1, 1, diags, out);
}

int sal_disc_where_compile_at(const char *src, const sal_disc_runs *v, const char *file,
                              int line, int col, sal_diags *diags, sal_disc_where **out)
{
    *out = NULL;
    sal_disc_where *w = calloc(1, sizeof *w);
    if (!w || build_host(w, v) != SAL_OK) {
        free(w);
        return SAL_ENOMEM;
    }
    sal_expr_host host = {w->funcs, w->nfuncs, resolve, (void *)v};
    int rc = sal_expr_compile(src, &host, file, line, col, diags, &w->e);
    /* the host names the vocabulary's strings: not kept past compiling */
    free(w->funcs);
    w->funcs = NULL;
    w->nfuncs = 0;
    if (rc != SAL_OK) {
        sal_disc_where_free(w);
        return rc;
    }
    size_t nc = sal_expr_calls(w->e, NULL, 0);
    sal_expr_call *calls = malloc((nc + 1) * sizeof *calls);
    w->pm = malloc((nc + 1) * sizeof *w->pm);
    w->pd = malloc((nc + 1) * sizeof *w->pd);
    if (!calls || !w->pm || !w->pd) {
        free(calls);
        sal_disc_where_free(w);
        return SAL_ENOMEM;
    }
    sal_expr_calls(w->e, calls, nc);
    for (size_t k = 0; k < nc; k++) {
        if (calls[k].id == FN_EVENT_DAY)
            w->events = 1;
        if (calls[k].id != FN_METRIC_AT)
            continue;
        w->pm[w->npairs] = (size_t)calls[k].arg0;
        w->pd[w->npairs++] = calls[k].arg1 - DAY_SHIFT;
    }
    free(calls);
    *out = w;
    return SAL_OK;
}

void sal_disc_where_free(sal_disc_where *w)
{
    if (!w)
        return;
    sal_expr_free(w->e);
    free(w->funcs);
    free(w->pm);
    free(w->pd);
    free(w);
}

size_t sal_disc_where_pairs(const sal_disc_where *w, size_t *metric, int *day, size_t max)
{
    for (size_t k = 0; k < w->npairs && k < max; k++) {
        metric[k] = w->pm[k];
        day[k] = w->pd[k];
    }
    return w->npairs;
}

int sal_disc_where_uses_events(const sal_disc_where *w)
{
    return w->events;
}

/* One run's record while labelling: where each pair lies in r->pair. */
typedef struct {
    const sal_disc_runs *r;
    size_t i;
    const size_t *slot;  /* w's pair k is r's pair slot[k] */
    const sal_disc_where *w;
} record;

static double get(void *state, int id, int a0, int a1)
{
    const record *c = state;
    const sal_disc_runs *r = c->r;
    switch (id) {
    case FN_LAST_NAMED: return r->last[c->i * r->nmetrics + (size_t)a0];
    case FN_EVENT_DAY: return r->event_day[c->i * r->nevents + (size_t)a0];
    case FN_DATE: return (double)(a0 - DAY_SHIFT);
    case FN_METRIC_AT:
        for (size_t k = 0; k < c->w->npairs; k++)
            if (c->w->pm[k] == (size_t)a0 && c->w->pd[k] == a1 - DAY_SHIFT)
                return r->pair[c->i * r->npairs + c->slot[k]];
        return NAN;
    default: return r->last[c->i * r->nmetrics + (size_t)(id - FN_METRIC0)];
    }
}

/* Where each of w's pairs lies among r's; SAL_EINPUT when one is absent. */
static int match_pairs(const sal_disc_where *w, const sal_disc_runs *r, size_t *slot, char *why,
                       size_t whylen)
{
    for (size_t k = 0; k < w->npairs; k++) {
        size_t s = 0;
        while (s < r->npairs && !(r->pair_metric[s] == w->pm[k] && r->pair_day[s] == w->pd[k]))
            s++;
        if (s == r->npairs) {
            char date[16];
            sal_date_format(r->start + w->pd[k], date);
            snprintf(why, whylen, "the runs hold no value of metric '%s' on %s%s%s",
                     r->metrics[w->pm[k]], date, r->missing[0] ? ": " : "", r->missing);
            return SAL_EINPUT;
        }
        slot[k] = s;
    }
    return SAL_OK;
}

int sal_disc_where_label(const sal_disc_where *w, const sal_disc_runs *r, unsigned char *y,
                         char *why, size_t whylen)
{
    if (w->events && !r->event_day) {
        snprintf(why, whylen, "event_day() needs every run's event days, which the runs do not "
                              "hold%s%s", r->missing[0] ? ": " : "", r->missing);
        return SAL_EINPUT;
    }
    size_t *slot = malloc((w->npairs + 1) * sizeof *slot);
    if (!slot)
        return SAL_ENOMEM;
    int rc = match_pairs(w, r, slot, why, whylen);
    for (size_t i = 0; rc == SAL_OK && i < r->n; i++) {
        record c = {r, i, slot, w};
        double v = sal_expr_eval(w->e, get, &c);
        if (isnan(v)) {
            snprintf(why, whylen, "the condition is not a number for run %llu (a metric "
                                  "missing or NaN in that run)", (unsigned long long)r->run[i]);
            rc = SAL_ERANGE;
        }
        y[i] = v != 0;
    }
    free(slot);
    return rc;
}

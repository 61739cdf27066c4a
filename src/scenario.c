/* The scenario reader, part 1: messages, scalars, numbers and distributions,
 * parameters, the `scenario:` section, variants and the public entry points
 * (see include/salient/model.h and docs/scenario.md). */
#include "scenario_int.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salient/date.h"
#include "salient/expr.h"
#include "salient/suggest.h"

const sc_range SC_ANY = {-INFINITY, INFINITY, "a number"};
const sc_range SC_NONNEG = {0, INFINITY, "a number >= 0"};
const sc_range SC_SHARE = {0, 1, "a share between 0 and 1"};
const sc_range SC_POS = {0x1p-1074, INFINITY, "a number > 0"};

/* ---- messages --------------------------------------------------------- */

void sc_err(sc_reader *r, const yd_node *at, const char *fmt, ...)
{
    char msg[1000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = at ? at->line : 0, col = at ? at->col : 0;
    if (r->variant)
        sal_diags_add(r->diags, r->file, line, col, "in variant '%s': %s", r->variant, msg);
    else
        sal_diags_add(r->diags, r->file, line, col, "%s", msg);
    r->errors++;
}

const char *sc_suggest(const char *word, const char *const *cands, size_t n)
{
    return sal_suggest(word, cands, n);
}

char *sc_strdup_s(sc_reader *r, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (!p) {
        r->oom = 1;
        return NULL;
    }
    memcpy(p, s, n);
    return p;
}

int sc_keys(sc_reader *r, const yd_node *map, const char *const *allowed, const char *where)
{
    if (!map || map->kind != YD_MAP)
        return 0;
    size_t na = 0;
    while (allowed[na])
        na++;
    int bad = 0;
    for (size_t i = 0; i < map->n; i++) {
        const yd_node *k = yd_key(map, i);
        size_t j;
        for (j = 0; j < na; j++)
            if (strcmp(k->str, allowed[j]) == 0)
                break;
        if (j < na)
            continue;
        bad = 1;
        const char *s = sc_suggest(k->str, allowed, na);
        if (s) {
            sc_err(r, k, "unknown key '%s' in %s; did you mean '%s'?", k->str, where, s);
        } else {
            char list[600];
            size_t o = 0;
            list[0] = '\0';
            for (j = 0; j < na && o < sizeof list; j++) {
                int w = snprintf(list + o, sizeof list - o, "%s%s", j ? ", " : "", allowed[j]);
                if (w < 0)
                    break;
                o += (size_t)w;
            }
            sc_err(r, k, "unknown key '%s' in %s; expected one of: %s", k->str, where, list);
        }
    }
    return bad ? -1 : 0;
}

int sc_is_map(sc_reader *r, const yd_node *n, const char *what)
{
    if (n && n->kind == YD_MAP)
        return 1;
    sc_err(r, n, "%s is %s; expected a mapping (key: value lines)", what, yd_describe(n));
    return 0;
}

int sc_is_list(sc_reader *r, const yd_node *n, const char *what)
{
    if (n && n->kind == YD_SEQ)
        return 1;
    sc_err(r, n, "%s is %s; expected a list ([a, b] or '- ' lines)", what, yd_describe(n));
    return 0;
}

int sc_str(sc_reader *r, const yd_node *n, const char *what, const char **out)
{
    if (!n || n->kind != YD_SCALAR || yd_is_null(n) || n->len == 0) {
        sc_err(r, n, "%s is %s; expected a string", what, yd_describe(n));
        return -1;
    }
    *out = n->str;
    return 0;
}

int sc_strdup(sc_reader *r, const yd_node *n, const char *what, char **out)
{
    const char *s;
    if (sc_str(r, n, what, &s) != 0)
        return -1;
    *out = sc_strdup_s(r, s);
    return *out ? 0 : -1;
}

int sc_bool(sc_reader *r, const yd_node *n, const char *what, int *out)
{
    if (n && n->kind == YD_SCALAR && !n->quoted) {
        if (strcmp(n->str, "true") == 0 || strcmp(n->str, "yes") == 0) {
            *out = 1;
            return 0;
        }
        if (strcmp(n->str, "false") == 0 || strcmp(n->str, "no") == 0) {
            *out = 0;
            return 0;
        }
    }
    if (n && n->kind == YD_SCALAR && !yd_is_null(n))
        sc_err(r, n, "%s is '%s'; expected true or false", what, n->str);
    else
        sc_err(r, n, "%s is %s; expected true or false", what, yd_describe(n));
    return -1;
}

/* A plain scalar that is a finite number ("12000", "1.5e-3", "12_000"). */
static int scalar_number(const yd_node *n, double *v)
{
    if (!n || n->kind != YD_SCALAR || n->quoted || n->len == 0 || n->len > 64)
        return -1;
    char buf[80];
    size_t o = 0;
    for (const char *p = n->str; *p; p++) {
        if (*p == '_')
            continue;
        if (!strchr("0123456789+-.eE", *p))
            return -1;
        buf[o++] = *p;
    }
    buf[o] = '\0';
    if (o == 0)
        return -1;
    char *end;
    errno = 0;
    double x = strtod(buf, &end);
    if (*end != '\0' || end == buf || !isfinite(x))
        return -1;
    *v = x;
    return 0;
}

static void not_a_number(sc_reader *r, const yd_node *n, const char *what, const char *expect)
{
    if (n && n->kind == YD_SCALAR && n->quoted && scalar_number(&(yd_node){.kind = YD_SCALAR,
                                                                     .str = n->str,
                                                                     .len = n->len},
                                                           &(double){0}) == 0)
        sc_err(r, n, "%s is the quoted string \"%s\"; expected %s (write it without quotes)",
               what, n->str, expect);
    else if (n && n->kind == YD_SCALAR && !yd_is_null(n))
        sc_err(r, n, "%s is '%s', not a number; expected %s", what, n->str, expect);
    else
        sc_err(r, n, "%s is %s; expected %s", what, yd_describe(n), expect);
}

int sc_int(sc_reader *r, const yd_node *n, const char *what, long lo, long hi, long *out)
{
    double v;
    char expect[96];
    snprintf(expect, sizeof expect, "a whole number from %ld to %ld", lo, hi);
    if (scalar_number(n, &v) != 0) {
        not_a_number(r, n, what, expect);
        return -1;
    }
    if (v != floor(v) || v < (double)lo || v > (double)hi) {
        sc_err(r, n, "%s is %.15g; expected %s", what, v, expect);
        return -1;
    }
    *out = (long)v;
    return 0;
}

/* ---- growth of the model's arrays -------------------------------------- */

static int grow(sc_reader *r, void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? 2 * *cap : 16;
    void *p = realloc(*v, c * size);
    if (!p) {
        r->oom = 1;
        return -1;
    }
    *v = p;
    *cap = c;
    return 0;
}

static void add_provenance(sc_reader *r, const char *path, sal_num num, const char *source,
                           int param, const yd_node *at)
{
    sal_model *m = r->m;
    if (grow(r, (void **)&m->provenance, &r->capprov, m->nprovenance, sizeof *m->provenance))
        return;
    sal_provenance *p = &m->provenance[m->nprovenance];
    memset(p, 0, sizeof *p);
    p->path = sc_strdup_s(r, path);
    p->source = sc_strdup_s(r, source);
    p->num = num;
    p->param = param;
    p->line = at ? at->line : 0;
    p->col = at ? at->col : 0;
    m->nprovenance++;
}

static int add_uncertain(sc_reader *r, const char *path, sal_dist *d, const char *source,
                         const yd_node *at)
{
    sal_model *m = r->m;
    if (grow(r, (void **)&m->uncertain, &r->capunc, m->nuncertain, sizeof *m->uncertain)) {
        sal_dist_clear(d);
        return -1;
    }
    sal_uncertain *u = &m->uncertain[m->nuncertain];
    memset(u, 0, sizeof *u);
    u->name = sc_strdup_s(r, path);
    u->source = sc_strdup_s(r, source);
    u->dist = *d;
    u->line = at ? at->line : 0;
    u->col = at ? at->col : 0;
    return (int)m->nuncertain++;
}

void sc_inherit_source(sc_reader *r, size_t from, const yd_node *map)
{
    const yd_node *src = map && map->kind == YD_MAP ? yd_get(map, "source") : NULL;
    if (!src || src->kind != YD_SCALAR || yd_is_null(src))
        return;
    for (size_t i = from; i < r->m->nprovenance; i++)
        if (!r->m->provenance[i].source)
            r->m->provenance[i].source = sc_strdup_s(r, src->str);
}

int sc_add_event(sc_reader *r, const char *name)
{
    sal_model *m = r->m;
    int e = sc_event(m, name);
    if (e >= 0)
        return e;
    if (grow(r, (void **)&m->events, &r->capevents, m->nevents, sizeof *m->events))
        return -1;
    m->events[m->nevents] = sc_strdup_s(r, name);
    if (!m->events[m->nevents])
        return -1;
    return (int)m->nevents++;
}

/* ---- distributions ----------------------------------------------------- */

static const char *const DIST_KEYS[] = {"value", "pert", "uniform", "triangular",
                                        "lognormal", "normal", "choice", "param", NULL};

/* A list of exactly k plain numbers. */
static int number_list(sc_reader *r, const yd_node *n, const char *what, const char *form,
                       size_t k, double *out)
{
    if (!n || n->kind != YD_SEQ || n->n != k) {
        if (n && n->kind == YD_SEQ)
            sc_err(r, n, "%s has %zu numbers; expected %s", what, n->n, form);
        else
            sc_err(r, n, "%s is %s; expected %s", what, yd_describe(n), form);
        return -1;
    }
    for (size_t i = 0; i < k; i++) {
        if (scalar_number(n->kids[i], &out[i]) != 0) {
            not_a_number(r, n->kids[i], what, "a plain number in the list");
            return -1;
        }
    }
    return 0;
}

/* Support [lo, hi] of a distribution (unbounded sides are infinite). */
static void dist_support(const sal_dist *d, double *lo, double *hi)
{
    switch (d->kind) {
    case SAL_DIST_FIXED: *lo = *hi = d->p[0]; return;
    case SAL_DIST_PERT:
    case SAL_DIST_TRIANGULAR: *lo = d->p[0]; *hi = d->p[2]; return;
    case SAL_DIST_UNIFORM: *lo = d->p[0]; *hi = d->p[1]; return;
    case SAL_DIST_LOGNORMAL: *lo = 0; *hi = INFINITY; return;
    case SAL_DIST_NORMAL: *lo = -INFINITY; *hi = INFINITY; return;
    case SAL_DIST_CHOICE:
        *lo = INFINITY;
        *hi = -INFINITY;
        for (size_t i = 0; i < d->nchoice; i++) {
            *lo = fmin(*lo, d->values[i]);
            *hi = fmax(*hi, d->values[i]);
        }
        return;
    }
    *lo = -INFINITY;
    *hi = INFINITY;
}

static void num_support(const sal_model *m, sal_num n, double *lo, double *hi)
{
    if (n.u >= 0 && (size_t)n.u < m->nuncertain)
        dist_support(&m->uncertain[n.u].dist, lo, hi);
    else
        *lo = *hi = n.value;
}

/* Reports a support that leaves the range; 0 when inside. */
static int check_support(sc_reader *r, const yd_node *at, const char *what, const char *form,
                         double lo, double hi, sc_range range)
{
    if (isinf(lo) && lo < range.lo) {
        sc_err(r, at, "%s is %s, which is unbounded below; expected %s (use pert, triangular or uniform)",
               what, form, range.expect);
        return -1;
    }
    if (isinf(hi) && hi > range.hi) {
        sc_err(r, at, "%s is %s, which is unbounded above; expected %s (use pert, triangular or uniform)",
               what, form, range.expect);
        return -1;
    }
    if (lo < range.lo || (range.lo > 0 && lo <= 0 && range.lo < 1e-300)) {
        sc_err(r, at, "%s can be as low as %g; expected %s", what, lo, range.expect);
        return -1;
    }
    if (hi > range.hi) {
        sc_err(r, at, "%s can be as high as %g; expected %s", what, hi, range.expect);
        return -1;
    }
    return 0;
}

/* Reads the distribution under key `key` (node v) into d. */
static int read_dist(sc_reader *r, const char *key, const yd_node *v, const char *what,
                     sal_dist *d)
{
    char w[300];
    snprintf(w, sizeof w, "the %s of %s", key, what);
    memset(d, 0, sizeof *d);
    if (strcmp(key, "pert") == 0) {
        d->kind = SAL_DIST_PERT;
        return number_list(r, v, w, "[low, likely, high]", 3, d->p);
    }
    if (strcmp(key, "triangular") == 0) {
        d->kind = SAL_DIST_TRIANGULAR;
        return number_list(r, v, w, "[low, mode, high]", 3, d->p);
    }
    if (strcmp(key, "uniform") == 0) {
        d->kind = SAL_DIST_UNIFORM;
        return number_list(r, v, w, "[low, high]", 2, d->p);
    }
    if (strcmp(key, "normal") == 0) {
        d->kind = SAL_DIST_NORMAL;
        return number_list(r, v, w, "[mean, sd]", 2, d->p);
    }
    if (strcmp(key, "lognormal") == 0) {
        static const char *const LK[] = {"median", "sigma", "p5", "p95", NULL};
        d->kind = SAL_DIST_LOGNORMAL;
        if (!v || v->kind != YD_MAP) {
            sc_err(r, v, "%s is %s; expected {median: M, sigma: S} or {p5: A, p95: B}", w,
                   yd_describe(v));
            return -1;
        }
        if (sc_keys(r, v, LK, w) != 0)
            return -1;
        const yd_node *med = yd_get(v, "median"), *sig = yd_get(v, "sigma");
        const yd_node *p5 = yd_get(v, "p5"), *p95 = yd_get(v, "p95");
        double a, b;
        if (med && sig && !p5 && !p95) {
            if (scalar_number(med, &a) != 0) {
                not_a_number(r, med, w, "a median > 0");
                return -1;
            }
            if (scalar_number(sig, &b) != 0) {
                not_a_number(r, sig, w, "a sigma > 0 (the sd of log x)");
                return -1;
            }
            if (!(a > 0)) {
                sc_err(r, med, "the median %g of %s is not positive; expected a median > 0", a, w);
                return -1;
            }
            d->p[0] = log(a);
            d->p[1] = b;
            return 0;
        }
        if (p5 && p95 && !med && !sig) {
            if (scalar_number(p5, &a) != 0) {
                not_a_number(r, p5, w, "a 5th percentile > 0");
                return -1;
            }
            if (scalar_number(p95, &b) != 0) {
                not_a_number(r, p95, w, "a 95th percentile > 0");
                return -1;
            }
            if (!(a > 0) || !(b > a)) {
                sc_err(r, v, "%s has p5 %g and p95 %g; expected 0 < p5 < p95", w, a, b);
                return -1;
            }
            d->p[0] = (log(a) + log(b)) / 2;
            d->p[1] = (log(b) - log(a)) / (2 * 1.6448536269514722);
            return 0;
        }
        sc_err(r, v, "%s mixes or lacks keys; expected {median: M, sigma: S} or {p5: A, p95: B}", w);
        return -1;
    }
    if (strcmp(key, "choice") == 0) {
        d->kind = SAL_DIST_CHOICE;
        const yd_node *vals = v, *wts = NULL;
        if (v && v->kind == YD_MAP) {
            static const char *const CK[] = {"values", "weights", NULL};
            if (sc_keys(r, v, CK, w) != 0)
                return -1;
            vals = yd_get(v, "values");
            wts = yd_get(v, "weights");
            if (!vals) {
                sc_err(r, v, "%s has no 'values'; expected {values: [...], weights: [...]}", w);
                return -1;
            }
        }
        if (!vals || vals->kind != YD_SEQ || vals->n == 0 || vals->n > SC_MAX_LIST) {
            sc_err(r, vals, "%s is %s; expected {values: [a, b, ...], weights: [...]} or a list of values",
                   w, vals && vals->kind == YD_SEQ ? "an empty or overlong list" : yd_describe(vals));
            return -1;
        }
        if (wts && (wts->kind != YD_SEQ || wts->n != vals->n)) {
            sc_err(r, wts, "the weights of %s are %s; expected a list of %zu weights, one per value",
                   w, wts->kind == YD_SEQ ? "a list of another length" : yd_describe(wts), vals->n);
            return -1;
        }
        size_t k = vals->n;
        d->values = calloc(k, sizeof(double));
        d->weights = calloc(k, sizeof(double));
        d->nchoice = k;
        if (!d->values || !d->weights) {
            r->oom = 1;
            sal_dist_clear(d);
            return -1;
        }
        for (size_t i = 0; i < k; i++) {
            if (scalar_number(vals->kids[i], &d->values[i]) != 0) {
                not_a_number(r, vals->kids[i], w, "a plain number as value");
                sal_dist_clear(d);
                return -1;
            }
            d->weights[i] = 1;
            if (wts && scalar_number(wts->kids[i], &d->weights[i]) != 0) {
                not_a_number(r, wts->kids[i], w, "a plain number >= 0 as weight");
                sal_dist_clear(d);
                return -1;
            }
        }
        return 0;
    }
    sc_err(r, v, "%s: unknown distribution '%s'", what, key);
    return -1;
}

/* ---- parameters ------------------------------------------------------- */

static int resolve_param(sc_reader *r, int idx, const yd_node *at);

static int num_impl(sc_reader *r, const yd_node *n, const char *what, const char *path,
                    sc_range range, sal_num *out, int is_param, const char *param_name)
{
    out->value = NAN;
    out->u = -1;
    if (!n) {
        sc_err(r, n, "%s is missing; expected %s", what, range.expect);
        return -1;
    }
    if (n->kind == YD_SCALAR) {
        double v;
        if (scalar_number(n, &v) != 0) {
            char expect[200];
            snprintf(expect, sizeof expect, "%s or a distribution such as {pert: [low, likely, high]}",
                     range.expect);
            not_a_number(r, n, what, expect);
            return -1;
        }
        if (v < range.lo || v > range.hi || (range.lo > 0 && v <= 0)) {
            sc_err(r, n, "%s is %g; expected %s", what, v, range.expect);
            return -1;
        }
        out->value = v;
        add_provenance(r, path, *out, NULL, -1, n);
        return 0;
    }
    if (n->kind == YD_SEQ) {
        sc_err(r, n, "%s is a list; expected %s or a distribution such as {pert: [low, likely, high]}",
               what, range.expect);
        return -1;
    }
    /* a mapping: one value key, an optional source (and description for a
     * parameter) */
    static const char *const K[] = {"value", "pert", "uniform", "triangular", "lognormal",
                                     "normal", "choice", "param", "source", NULL};
    static const char *const KP[] = {"value", "pert", "uniform", "triangular", "lognormal",
                                     "normal", "choice", "param", "source", "description", NULL};
    if (sc_keys(r, n, is_param ? KP : K, what) != 0)
        return -1;
    const char *source = NULL;
    const yd_node *src = yd_get(n, "source");
    if (src && sc_str(r, src, "the source", &source) != 0)
        return -1;
    const char *key = NULL;
    const yd_node *v = NULL;
    for (size_t i = 0; DIST_KEYS[i]; i++) {
        const yd_node *x = yd_get(n, DIST_KEYS[i]);
        if (!x)
            continue;
        if (key) {
            sc_err(r, x, "%s has both '%s' and '%s'; expected one value or distribution", what, key,
                   DIST_KEYS[i]);
            return -1;
        }
        key = DIST_KEYS[i];
        v = x;
    }
    if (!key) {
        sc_err(r, n, "%s has no value; expected one of value, pert, uniform, triangular, lognormal, "
                     "normal, choice or param",
               what);
        return -1;
    }
    if (strcmp(key, "value") == 0) {
        double x;
        if (scalar_number(v, &x) != 0) {
            not_a_number(r, v, what, range.expect);
            return -1;
        }
        if (x < range.lo || x > range.hi || (range.lo > 0 && x <= 0)) {
            sc_err(r, v, "%s is %g; expected %s", what, x, range.expect);
            return -1;
        }
        out->value = x;
        add_provenance(r, path, *out, source, -1, n);
        return 0;
    }
    if (strcmp(key, "param") == 0) {
        const char *pn;
        if (sc_str(r, v, "the parameter name", &pn) != 0)
            return -1;
        int p = sc_param(r->m, pn);
        if (p < 0) {
            const char **c = calloc(r->m->nparams + 1, sizeof *c);
            size_t nc = 0;
            for (size_t i = 0; c && i < r->m->nparams; i++)
                if (!param_name || strcmp(r->m->params[i].name, param_name) != 0)
                    c[nc++] = r->m->params[i].name;
            const char *s = c ? sc_suggest(pn, c, nc) : NULL;
            if (s)
                sc_err(r, v, "%s refers to parameter '%s', which is not defined; did you mean '%s'?",
                       what, pn, s);
            else
                sc_err(r, v, "%s refers to parameter '%s', which is not defined; expected a name "
                             "under 'parameters:'",
                       what, pn);
            free(c);
            return -1;
        }
        if (resolve_param(r, p, v) != 0)
            return -1;
        *out = r->m->params[p].value;
        if (isnan(out->value) && out->u < 0)
            return -1; /* the parameter itself was bad, already reported */
        double lo, hi;
        num_support(r->m, *out, &lo, &hi);
        char form[160];
        snprintf(form, sizeof form, "parameter '%s'", pn);
        if (check_support(r, v, what, form, lo, hi, range) != 0)
            return -1;
        add_provenance(r, path, *out, source ? source : r->m->params[p].source, p, n);
        return 0;
    }
    sal_dist d;
    if (read_dist(r, key, v, what, &d) != 0)
        return -1;
    char why[300];
    if (sal_dist_check(&d, why, sizeof why) != 0) {
        sc_err(r, v, "bad %s for %s: %s", key, what, why);
        sal_dist_clear(&d);
        return -1;
    }
    double lo, hi;
    dist_support(&d, &lo, &hi);
    char form[64];
    snprintf(form, sizeof form, "a %s distribution", key);
    if (check_support(r, v, what, form, lo, hi, range) != 0) {
        sal_dist_clear(&d);
        return -1;
    }
    int u = add_uncertain(r, path, &d, source, n);
    if (u < 0)
        return -1;
    out->u = u;
    out->value = sal_dist_mean(&r->m->uncertain[u].dist);
    add_provenance(r, path, *out, source, -1, n);
    return 0;
}

int sc_num(sc_reader *r, const yd_node *n, const char *what, const char *path, sc_range range,
           sal_num *out)
{
    return num_impl(r, n, what, path, range, out, 0, NULL);
}

void sc_field(sc_reader *r, const yd_node *map, const char *key, const char *owner,
              const char *pathbase, double def, sc_range range, sal_num *out)
{
    out->value = def;
    out->u = -1;
    const yd_node *n = yd_get(map, key);
    if (!n)
        return;
    char what[256], path[512];
    snprintf(what, sizeof what, "'%s' of %s", key, owner);
    snprintf(path, sizeof path, "%s.%s", pathbase, key);
    if (sc_num(r, n, what, path, range, out) != 0) {
        out->value = def;
        out->u = -1;
    }
}

static int resolve_param(sc_reader *r, int idx, const yd_node *at)
{
    sal_param *p = &r->m->params[idx];
    if (r->pstate[idx] >= 2)
        return r->pstate[idx] == 2 ? 0 : -1;
    if (r->pstate[idx] == 1 || r->npchain >= 64) {
        char chain[700];
        size_t o = 0;
        int start = 0;
        for (int i = 0; i < r->npchain; i++)
            if (strcmp(r->pchain[i], p->name) == 0)
                start = i;
        chain[0] = '\0';
        for (int i = start; i < r->npchain && o < sizeof chain; i++) {
            int w = snprintf(chain + o, sizeof chain - o, "%s -> ", r->pchain[i]);
            if (w < 0)
                break;
            o += (size_t)w;
        }
        if (o < sizeof chain)
            snprintf(chain + o, sizeof chain - o, "%s", p->name);
        sc_err(r, at, "parameters refer to each other in a cycle (%s); expected a parameter "
                      "that ends in a number or a distribution",
               chain);
        return -1;
    }
    r->pstate[idx] = 1;
    r->pchain[r->npchain++] = p->name;
    const yd_node *n = yd_get(r->params, p->name);
    char what[160], path[200];
    snprintf(what, sizeof what, "parameter '%s'", p->name);
    snprintf(path, sizeof path, "parameters.%s", p->name);
    int rc = num_impl(r, n, what, path, SC_ANY, &p->value, 1, p->name);
    if (rc == 0 && n->kind == YD_MAP) {
        const yd_node *s = yd_get(n, "source"), *d = yd_get(n, "description");
        if (s)
            p->source = sc_strdup_s(r, s->str);
        if (d && sc_strdup(r, d, "the description", &p->description) != 0)
            rc = -1;
    }
    r->npchain--;
    r->pstate[idx] = rc == 0 ? 2 : 3;
    return rc;
}

/* ---- names and lookups ------------------------------------------------- */

#define FIND_IN(arr, count, nm)                                                \
    do {                                                                       \
        for (size_t i_ = 0; i_ < (count); i_++)                                \
            if ((arr)[i_].name && strcmp((arr)[i_].name, (nm)) == 0)           \
                return (int)i_;                                                \
        return -1;                                                             \
    } while (0)

int sc_actor(const sal_model *m, const char *name) { FIND_IN(m->actors, m->nactors, name); }
int sc_force(const sal_model *m, const char *name) { FIND_IN(m->forces, m->nforces, name); }
int sc_sector(const sal_model *m, const char *name) { FIND_IN(m->sectors, m->nsectors, name); }
int sc_pipeline(const sal_model *m, const char *name) { FIND_IN(m->pipelines, m->npipelines, name); }
int sc_treaty(const sal_model *m, const char *name) { FIND_IN(m->treaties, m->ntreaties, name); }
int sc_ladder(const sal_model *m, const char *name) { FIND_IN(m->ladders, m->nladders, name); }
int sc_param(const sal_model *m, const char *name) { FIND_IN(m->params, m->nparams, name); }
int sc_stock(const sal_actor *a, const char *name) { FIND_IN(a->stocks, a->nstocks, name); }

int sc_event(const sal_model *m, const char *name)
{
    for (size_t i = 0; i < m->nevents; i++)
        if (strcmp(m->events[i], name) == 0)
            return (int)i;
    return -1;
}

int sc_side(const sal_model *m, const char *name)
{
    for (int s = 0; s < 2; s++)
        if (m->sides[s] && strcmp(m->sides[s], name) == 0)
            return s;
    return -1;
}

/* The names of a kind, for suggestions (malloc'd array of borrowed names). */
static const char **names_of(const sal_model *m, const char *kind, size_t *n)
{
    size_t cnt = 0;
    const char **v = NULL;
#define COLLECT(arr, count)                                                    \
    do {                                                                       \
        v = calloc((count) + 1, sizeof *v);                                 \
        for (size_t i_ = 0; v && i_ < (count); i_++)                           \
            if ((arr)[i_].name)                                                \
                v[cnt++] = (arr)[i_].name;                                     \
    } while (0)
    if (strcmp(kind, "actor") == 0)
        COLLECT(m->actors, m->nactors);
    else if (strcmp(kind, "force") == 0)
        COLLECT(m->forces, m->nforces);
    else if (strcmp(kind, "sector") == 0)
        COLLECT(m->sectors, m->nsectors);
    else if (strcmp(kind, "pipeline") == 0)
        COLLECT(m->pipelines, m->npipelines);
    else if (strcmp(kind, "treaty") == 0)
        COLLECT(m->treaties, m->ntreaties);
    else if (strcmp(kind, "ladder") == 0)
        COLLECT(m->ladders, m->nladders);
    else if (strcmp(kind, "parameter") == 0)
        COLLECT(m->params, m->nparams);
    else if (strcmp(kind, "event") == 0) {
        v = calloc(m->nevents + 1, sizeof *v);
        for (size_t i = 0; v && i < m->nevents; i++)
            v[cnt++] = m->events[i];
    } else if (strcmp(kind, "side") == 0) {
        v = calloc(3, sizeof *v);
        for (int s = 0; v && s < 2; s++)
            if (m->sides[s])
                v[cnt++] = m->sides[s];
    }
#undef COLLECT
    *n = cnt;
    return v;
}

static int lookup(const sal_model *m, const char *kind, const char *name)
{
    if (strcmp(kind, "actor") == 0) return sc_actor(m, name);
    if (strcmp(kind, "force") == 0) return sc_force(m, name);
    if (strcmp(kind, "sector") == 0) return sc_sector(m, name);
    if (strcmp(kind, "pipeline") == 0) return sc_pipeline(m, name);
    if (strcmp(kind, "treaty") == 0) return sc_treaty(m, name);
    if (strcmp(kind, "ladder") == 0) return sc_ladder(m, name);
    if (strcmp(kind, "parameter") == 0) return sc_param(m, name);
    if (strcmp(kind, "event") == 0) return sc_event(m, name);
    if (strcmp(kind, "side") == 0) return sc_side(m, name);
    return -1;
}

static const char *section_of(const char *kind)
{
    if (strcmp(kind, "actor") == 0) return "under 'actors:'";
    if (strcmp(kind, "force") == 0) return "under 'forces:'";
    if (strcmp(kind, "sector") == 0) return "under 'sectors:'";
    if (strcmp(kind, "pipeline") == 0) return "under 'pipelines:'";
    if (strcmp(kind, "treaty") == 0) return "under 'treaties:'";
    if (strcmp(kind, "ladder") == 0) return "under 'ladders:'";
    if (strcmp(kind, "parameter") == 0) return "under 'parameters:'";
    if (strcmp(kind, "side") == 0) return "in 'scenario: sides'";
    if (strcmp(kind, "event") == 0)
        return "that some policy, treaty or ladder records";
    return "defined";
}

unsigned sc_kind_bit(const char *kind)
{
    static const char *const K[] = {"actor", "force", "sector", "pipeline", "policy",
                                    "treaty", "ladder", "metric", "parameter", NULL};
    for (unsigned i = 0; K[i]; i++)
        if (strcmp(K[i], kind) == 0)
            return 1u << i;
    return 0;
}

int sc_ref(sc_reader *r, const yd_node *n, const char *what, const char *kind, int *idx)
{
    const char *name;
    *idx = -1;
    if (sc_str(r, n, what, &name) != 0)
        return -1;
    int i = lookup(r->m, kind, name);
    if (i >= 0) {
        *idx = i;
        return 0;
    }
    if ((strcmp(kind, "side") == 0 && r->bad_sides) || (r->bad_sections & sc_kind_bit(kind)))
        return -1; /* the definitions are broken, already reported */
    size_t nc;
    const char **c = names_of(r->m, kind, &nc);
    const char *s = c ? sc_suggest(name, c, nc) : NULL;
    if (s)
        sc_err(r, n, "%s refers to %s '%s', which is not defined; did you mean '%s'?", what, kind,
               name, s);
    else
        sc_err(r, n, "%s refers to %s '%s', which is not defined; expected the name of %s %s %s",
               what, kind, name, strchr("aeiou", kind[0]) ? "an" : "a", kind, section_of(kind));
    free(c);
    return -1;
}

int sc_stock_ref(sc_reader *r, const yd_node *n, const char *what, int *actor, int *stock)
{
    const char *s;
    *actor = *stock = -1;
    if (sc_str(r, n, what, &s) != 0)
        return -1;
    const char *dot = strchr(s, '.');
    if (!dot || dot == s || !dot[1] || strchr(dot + 1, '.')) {
        sc_err(r, n, "%s is '%s'; expected a stock written actor.stock (e.g. russia.shells)", what, s);
        return -1;
    }
    char an[SC_MAX_NAME * 2 + 2];
    size_t la = (size_t)(dot - s);
    if (la >= sizeof an) {
        sc_err(r, n, "%s: the actor name in '%s' is too long; expected an actor name", what, s);
        return -1;
    }
    memcpy(an, s, la);
    an[la] = '\0';
    int a = sc_actor(r->m, an);
    if (a < 0) {
        size_t nc;
        const char **c = names_of(r->m, "actor", &nc);
        const char *sg = c ? sc_suggest(an, c, nc) : NULL;
        if (sg)
            sc_err(r, n, "%s refers to actor '%s', which is not defined; did you mean '%s'?", what,
                   an, sg);
        else
            sc_err(r, n, "%s refers to actor '%s', which is not defined; expected actor.stock with "
                         "an actor under 'actors:'",
                   what, an);
        free(c);
        return -1;
    }
    const sal_actor *ac = &r->m->actors[a];
    int k = sc_stock(ac, dot + 1);
    if (k < 0) {
        const char **c = calloc(ac->nstocks + 1, sizeof *c);
        for (size_t i = 0; c && i < ac->nstocks; i++)
            c[i] = ac->stocks[i].name;
        const char *sg = c ? sc_suggest(dot + 1, c, ac->nstocks) : NULL;
        if (sg)
            sc_err(r, n, "%s refers to stock '%s' of actor '%s', which is not defined; did you mean "
                         "'%s'?",
                   what, dot + 1, an, sg);
        else
            sc_err(r, n, "%s refers to stock '%s' of actor '%s', which is not defined; expected a "
                         "stock under 'actors: %s: stocks:'",
                   what, dot + 1, an, an);
        free(c);
        return -1;
    }
    *actor = a;
    *stock = k;
    return 0;
}

/* ---- days and dates --------------------------------------------------- */

static long start_days(const sal_model *m)
{
    return sal_date_to_days(m->start_year, m->start_month, m->start_day);
}

int sc_day_of(sc_reader *r, const yd_node *map, const char *owner, int *day)
{
    const yd_node *dn = yd_get(map, "date"), *kn = yd_get(map, "day");
    if (dn && kn) {
        sc_err(r, kn, "%s has both 'date' and 'day'; expected one of them", owner);
        return -1;
    }
    const sal_model *m = r->m;
    char first[11], last[11];
    sal_date_format(start_days(m), first);
    sal_date_format(start_days(m) + m->horizon, last);
    if (dn) {
        int y, mo, d;
        char what[300];
        snprintf(what, sizeof what, "the date of %s", owner);
        if (dn->kind != YD_SCALAR || sal_date_parse(dn->str, &y, &mo, &d) != 0) {
            if (dn->kind == YD_SCALAR && !yd_is_null(dn))
                sc_err(r, dn, "%s is '%s', not a calendar date; expected YYYY-MM-DD from %s to %s",
                       what, dn->str, first, last);
            else
                sc_err(r, dn, "%s is %s; expected a date YYYY-MM-DD", what, yd_describe(dn));
            return -1;
        }
        long z = sal_date_to_days(y, mo, d) - start_days(m);
        if (r->bad_calendar) {
            *day = 0;
            return 1;
        }
        if (z < 0 || z > m->horizon) {
            sc_err(r, dn, "%s %s is %s the scenario (%s to %s); expected a date within it", what,
                   dn->str, z < 0 ? "before the start of" : "after the end of", first, last);
            return -1;
        }
        *day = (int)z;
        return 1;
    }
    if (kn) {
        long v;
        char what[300];
        snprintf(what, sizeof what, "the day of %s", owner);
        if (r->bad_calendar) {
            *day = 0;
            return 1;
        }
        if (sc_int(r, kn, what, 0, m->horizon, &v) != 0)
            return -1;
        *day = (int)v;
        return 1;
    }
    return 0;
}

/* ---- the scenario: section -------------------------------------------- */

static const char *const TOP_KEYS[] = {"scenario", "actors", "forces", "sectors",
                                       "pipelines", "policies", "treaties", "ladders",
                                       "parameters", "metrics", "variants", NULL};

static int read_seed(sc_reader *r, const yd_node *n, uint64_t *out)
{
    if (n && n->kind == YD_SCALAR && !n->quoted && n->len > 0 && n->len <= 20) {
        const char *s = n->str;
        int ok = 1;
        for (const char *p = s; *p; p++)
            if (*p < '0' || *p > '9')
                ok = 0;
        if (ok) {
            errno = 0;
            char *end;
            unsigned long long v = strtoull(s, &end, 10);
            if (errno == 0 && *end == '\0') {
                *out = (uint64_t)v;
                return 0;
            }
        }
    }
    if (n && n->kind == YD_SCALAR && !yd_is_null(n))
        sc_err(r, n, "the seed is '%s'; expected a whole number from 0 to 18446744073709551615", n->str);
    else
        sc_err(r, n, "the seed is %s; expected a whole number from 0 to 18446744073709551615",
               yd_describe(n));
    return -1;
}

static void read_scenario(sc_reader *r, const yd_node *root)
{
    sal_model *m = r->m;
    const yd_node *s = yd_get(root, "scenario");
    m->start_year = 2000;
    m->start_month = 1;
    m->start_day = 1;
    m->horizon = 0;
    m->seed = 1;
    if (!s) {
        r->bad_calendar = r->bad_sides = 1;
        sc_err(r, root, "no 'scenario' section; expected 'scenario:' with name, start, horizon and sides");
        return;
    }
    if (!sc_is_map(r, s, "the 'scenario' section")) {
        r->bad_calendar = r->bad_sides = 1;
        return;
    }
    static const char *const K[] = {"name", "description", "start", "horizon", "seed", "sides", NULL};
    sc_keys(r, s, K, "the 'scenario' section");
    const yd_node *n;
    if (!(n = yd_get(s, "name")))
        sc_err(r, s, "the 'scenario' section has no 'name'; expected a name for the scenario");
    else
        sc_strdup(r, n, "the scenario name", &m->name);
    if ((n = yd_get(s, "description")))
        sc_strdup(r, n, "the scenario description", &m->description);
    if (!(n = yd_get(s, "start"))) {
        r->bad_calendar = 1;
        sc_err(r, s, "the 'scenario' section has no 'start'; expected the start date, e.g. start: 2024-11-01");
    } else if (n->kind != YD_SCALAR ||
               sal_date_parse(n->str, &m->start_year, &m->start_month, &m->start_day) != 0) {
        if (n->kind == YD_SCALAR && !yd_is_null(n))
            sc_err(r, n, "the start date is '%s', not a calendar date; expected YYYY-MM-DD", n->str);
        else
            sc_err(r, n, "the start date is %s; expected a date YYYY-MM-DD", yd_describe(n));
        m->start_year = 2000;
        m->start_month = 1;
        m->start_day = 1;
        r->bad_calendar = 1;
    }
    long h;
    if (!(n = yd_get(s, "horizon"))) {
        r->bad_calendar = 1;
        sc_err(r, s, "the 'scenario' section has no 'horizon'; expected the number of days to simulate");
    } else if (sc_int(r, n, "the horizon", 1, SC_MAX_HORIZON, &h) == 0) {
        m->horizon = (int)h;
    } else {
        r->bad_calendar = 1;
    }
    if ((n = yd_get(s, "seed")))
        read_seed(r, n, &m->seed);
    if (!(n = yd_get(s, "sides"))) {
        r->bad_sides = 1;
        sc_err(r, s, "the 'scenario' section has no 'sides'; expected the two sides, e.g. sides: [russia, ukraine]");
    } else if (n->kind != YD_SEQ || n->n != 2) {
        r->bad_sides = 1;
        sc_err(r, n, "the sides are %s; expected a list of two names, e.g. [russia, ukraine]",
               n->kind == YD_SEQ ? "a list of another length" : yd_describe(n));
    } else {
        for (int i = 0; i < 2; i++)
            if (sc_strdup(r, n->kids[i], "a side", &m->sides[i]) != 0)
                r->bad_sides = 1;
        if (m->sides[0] && m->sides[1] && strcmp(m->sides[0], m->sides[1]) == 0) {
            r->bad_sides = 1;
            sc_err(r, n->kids[1], "both sides are named '%s'; expected two different names",
                   m->sides[0]);
        }
    }
}

/* ---- building a model from a document ---------------------------------- */

typedef struct {
    sc_reader *r;
} missing_ctx;

static void on_missing(void *ctx, const yd_node *key, const yd_node *base_map)
{
    sc_reader *r = ctx;
    const char **c = calloc(base_map->n + 1, sizeof *c);
    for (size_t i = 0; c && i < base_map->n; i++)
        c[i] = yd_key(base_map, i)->str;
    const char *s = c ? sc_suggest(key->str, c, base_map->n) : NULL;
    if (s)
        sc_err(r, key, "'%s' is removed (set to null) but the base scenario has no such key here; "
                       "did you mean '%s'?",
               key->str, s);
    else
        sc_err(r, key, "'%s' is removed (set to null) but the base scenario has no such key here; "
                       "expected a key of the base scenario",
               key->str);
    free(c);
}

static const yd_node *find_variant(const yd_node *vars, const char *name)
{
    return vars && vars->kind == YD_MAP ? yd_get(vars, name) : NULL;
}

/* The document with variant `name` applied (extends chains first). */
static const yd_node *apply_variant(sc_reader *r, yd_arena *a, const yd_node *root,
                                    const char *name)
{
    const yd_node *vars = yd_get(root, "variants");
    const yd_node *chain[32];
    const char *names[32];
    int nchain = 0;
    const char *cur = name;
    while (cur) {
        const yd_node *v = find_variant(vars, cur);
        if (!v)
            return NULL; /* reported by the caller or by the section reader */
        for (int i = 0; i < nchain; i++) {
            if (strcmp(names[i], cur) == 0) {
                char path[600];
                size_t o = 0;
                path[0] = '\0';
                for (int j = i; j < nchain && o < sizeof path; j++) {
                    int w = snprintf(path + o, sizeof path - o, "%s -> ", names[j]);
                    if (w < 0)
                        break;
                    o += (size_t)w;
                }
                if (o < sizeof path)
                    snprintf(path + o, sizeof path - o, "%s", cur);
                sc_err(r, yd_get(chain[nchain - 1], "extends"),
                       "variants extend each other in a cycle (%s); expected a chain that ends at "
                       "the base scenario",
                       path);
                return NULL;
            }
        }
        if (nchain == 32) {
            sc_err(r, v, "variant '%s' extends a chain of more than 32 variants; expected a shorter chain",
                   name);
            return NULL;
        }
        if (v->kind != YD_MAP)
            return NULL; /* reported by read_variants */
        chain[nchain] = v;
        names[nchain++] = cur;
        const yd_node *e = yd_get(v, "extends");
        cur = NULL;
        if (e) {
            if (e->kind != YD_SCALAR || yd_is_null(e))
                return NULL; /* reported by read_variants */
            if (!find_variant(vars, e->str))
                return NULL;
            cur = e->str;
        }
    }
    const yd_node *doc = root;
    for (int i = nchain; i-- > 0;) {
        const yd_node *set = yd_get(chain[i], "set");
        if (!set)
            continue;
        if (set->kind != YD_MAP)
            return NULL;
        if (yd_get(set, "variants")) {
            sc_err(r, yd_get(set, "variants"), "a variant sets 'variants'; expected variants to "
                                                "change the scenario, not other variants");
            return NULL;
        }
        doc = yd_merge(a, doc, set, on_missing, r);
        if (!doc) {
            r->oom = 1;
            return NULL;
        }
    }
    return doc;
}

/* Checks the variants: section of the base document and lists the names. */
static void read_variants(sc_reader *r, const yd_node *root)
{
    sal_model *m = r->m;
    const yd_node *vars = yd_get(root, "variants");
    if (!vars || yd_is_null(vars))
        return;
    if (!sc_is_map(r, vars, "the 'variants' section"))
        return;
    if (vars->n > SC_MAX_ENTITIES) {
        sc_err(r, vars, "%zu variants; expected at most %d", vars->n, SC_MAX_ENTITIES);
        return;
    }
    m->variants = calloc(vars->n + 1, sizeof *m->variants);
    m->variant_descriptions = calloc(vars->n + 1, sizeof *m->variant_descriptions);
    if (!m->variants || !m->variant_descriptions) {
        r->oom = 1;
        return;
    }
    static const char *const K[] = {"description", "extends", "set", NULL};
    for (size_t i = 0; i < vars->n; i++) {
        const yd_node *k = yd_key(vars, i), *v = yd_val(vars, i);
        m->variants[m->nvariants] = sc_strdup_s(r, k->str);
        m->nvariants++;
        char where[200];
        snprintf(where, sizeof where, "variant '%s'", k->str);
        if (!sc_is_map(r, v, where))
            continue;
        sc_keys(r, v, K, where);
        const yd_node *n;
        if ((n = yd_get(v, "description")))
            sc_strdup(r, n, "the description", &m->variant_descriptions[i]);
        if ((n = yd_get(v, "extends"))) {
            char what[260];
            snprintf(what, sizeof what, "'extends' of %s", where);
            const char *e;
            if (sc_str(r, n, what, &e) == 0 && !find_variant(vars, e)) {
                const char **c = calloc(vars->n + 1, sizeof *c);
                for (size_t j = 0; c && j < vars->n; j++)
                    c[j] = yd_key(vars, j)->str;
                const char *s = c ? sc_suggest(e, c, vars->n) : NULL;
                if (s)
                    sc_err(r, n, "%s refers to variant '%s', which is not defined; did you mean '%s'?",
                           what, e, s);
                else
                    sc_err(r, n, "%s refers to variant '%s', which is not defined; expected a name "
                                 "under 'variants:'",
                           what, e);
                free(c);
            }
        }
        if ((n = yd_get(v, "set"))) {
            char what[260];
            snprintf(what, sizeof what, "'set' of %s", where);
            sc_is_map(r, n, what);
        } else if (!yd_get(v, "extends")) {
            sc_err(r, v, "%s has no 'set'; expected 'set:' with the parts of the scenario it changes",
                   where);
        }
    }
}

static void build(sc_reader *r, const yd_node *root)
{
    sal_model *m = r->m;
    if (!root) {
        sc_err(r, NULL, "the file is empty; expected a scenario (a mapping with a 'scenario:' section)");
        return;
    }
    if (root->kind != YD_MAP) {
        sc_err(r, root, "the top level is %s; expected a mapping with sections scenario, actors, "
                        "forces, sectors, ...",
               yd_describe(root));
        return;
    }
    sc_keys(r, root, TOP_KEYS, "the top level");
    read_scenario(r, root);
    /* parameters first: read on demand, so references may come in any order */
    const yd_node *params = yd_get(root, "parameters");
    if (params && !yd_is_null(params) && params->kind != YD_MAP)
        r->bad_sections |= sc_kind_bit("parameter");
    if (params && !yd_is_null(params) && sc_is_map(r, params, "the 'parameters' section")) {
        if (params->n > SC_MAX_ENTITIES) {
            r->bad_sections |= sc_kind_bit("parameter");
            sc_err(r, params, "%zu parameters; expected at most %d", params->n, SC_MAX_ENTITIES);
        } else {
            r->params = params;
            m->params = calloc(params->n + 1, sizeof *m->params);
            r->pstate = calloc(params->n + 1, sizeof *r->pstate);
            if (!m->params || !r->pstate) {
                r->oom = 1;
                return;
            }
            m->nparams = params->n;
            for (size_t i = 0; i < params->n; i++) {
                m->params[i].name = sc_strdup_s(r, yd_key(params, i)->str);
                m->params[i].value.value = NAN;
                m->params[i].value.u = -1;
            }
            for (size_t i = 0; i < params->n; i++)
                resolve_param(r, (int)i, yd_val(params, i));
        }
    }
    sc_read_sections(r, root);
}

static void reader_free(sc_reader *r)
{
    free(r->pstate);
    free(r->n_actor);
    free(r->n_force);
    free(r->n_sector);
    free(r->n_pipeline);
    free(r->n_policy);
    free(r->n_treaty);
    free(r->n_ladder);
    free(r->n_metric);
}

/* Builds a model from a parsed document (variant may be NULL). */
static int model_from_doc(yd_arena *a, const yd_node *root, const char *file,
                          const char *variant, sal_diags *diags, sal_model **out)
{
    *out = NULL;
    sal_model *m = calloc(1, sizeof *m);
    if (!m)
        return SAL_ENOMEM;
    sc_reader r;
    memset(&r, 0, sizeof r);
    r.file = file;
    r.diags = diags;
    r.m = m;
    m->file = sc_strdup_s(&r, file);
    /* the variants of the base are checked with the base */
    if (root && root->kind == YD_MAP)
        read_variants(&r, root);
    const yd_node *doc = root;
    if (variant) {
        const yd_node *vars = root && root->kind == YD_MAP ? yd_get(root, "variants") : NULL;
        if (!find_variant(vars, variant)) {
            size_t nc = m->nvariants;
            const char *s = sc_suggest(variant, (const char *const *)m->variants, nc);
            if (s)
                sc_err(&r, NULL, "unknown variant '%s'; did you mean '%s'?", variant, s);
            else if (nc)
                sc_err(&r, NULL, "unknown variant '%s'; expected one of the names under 'variants:'",
                       variant);
            else
                sc_err(&r, NULL, "unknown variant '%s'; the scenario defines no variants", variant);
            doc = NULL;
        } else if (r.errors == 0) {
            r.variant = variant;
            doc = apply_variant(&r, a, root, variant);
            m->variant = sc_strdup_s(&r, variant);
        } else {
            doc = NULL;
        }
    }
    if (doc || !variant)
        build(&r, doc);
    reader_free(&r);
    if (r.oom) {
        sal_model_free(m);
        return SAL_ENOMEM;
    }
    if (r.errors) {
        sal_model_free(m);
        return SAL_EINPUT;
    }
    *out = m;
    return SAL_OK;
}

static int read_file(const char *path, sal_diags *diags, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        sal_diags_add(diags, path, 0, 0, "cannot open the file: %s; expected a readable scenario file",
                      strerror(errno));
        return SAL_EIO;
    }
    size_t cap = 65536, n = 0;
    char *b = malloc(cap);
    if (!b) {
        fclose(f);
        return SAL_ENOMEM;
    }
    for (;;) {
        if (n == cap) {
            if (cap > (size_t)YD_MAX_BYTES) {
                free(b);
                fclose(f);
                sal_diags_add(diags, path, 0, 0, "the file is larger than %d MiB; expected a smaller "
                                                 "scenario file",
                              YD_MAX_BYTES >> 20);
                return SAL_EINPUT;
            }
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                fclose(f);
                return SAL_ENOMEM;
            }
            b = nb;
            cap *= 2;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(b);
        sal_diags_add(diags, path, 0, 0, "cannot read the file; expected a readable scenario file");
        return SAL_EIO;
    }
    *buf = b;
    *len = n;
    return SAL_OK;
}

int sal_model_read_buffer(const char *buf, size_t len, const char *name, const char *variant,
                          sal_diags *diags, sal_model **out)
{
    *out = NULL;
    if (!name)
        name = "<scenario>";
    yd_arena *a = yd_arena_alloc();
    if (!a)
        return SAL_ENOMEM;
    yd_node *root;
    int rc = yd_parse(a, buf, len, name, diags, &root);
    if (rc == SAL_OK)
        rc = model_from_doc(a, root, name, variant, diags, out);
    yd_arena_free(a);
    return rc;
}

int sal_model_read(const char *path, const char *variant, sal_diags *diags, sal_model **out)
{
    *out = NULL;
    char *buf;
    size_t len;
    int rc = read_file(path, diags, &buf, &len);
    if (rc != SAL_OK)
        return rc;
    rc = sal_model_read_buffer(buf, len, path, variant, diags, out);
    free(buf);
    return rc;
}

/* Copies the diagnostics of src into dst, leaving out those already in dst
 * (same place, same message once a "in variant 'x': " prefix is set
 * aside). */
static const char *strip_variant(const char *msg)
{
    if (strncmp(msg, "in variant '", 12) == 0) {
        const char *q = strstr(msg + 12, "': ");
        if (q)
            return q + 3;
    }
    return msg;
}

static void merge_diags(sal_diags *dst, const sal_diags *src)
{
    size_t nd = sal_diags_count(dst), ns = sal_diags_count(src);
    for (size_t i = 0; i < ns; i++) {
        const sal_diag *e = sal_diags_get(src, i);
        if (!e)
            continue;
        int seen = 0;
        for (size_t j = 0; j < nd && !seen; j++) {
            const sal_diag *x = sal_diags_get(dst, j);
            seen = x && x->line == e->line && x->col == e->col &&
                   strcmp(strip_variant(x->message), strip_variant(e->message)) == 0;
        }
        if (!seen)
            sal_diags_add(dst, e->file, e->line, e->col, "%s", e->message);
    }
}

int sal_model_check_buffer(const char *buf, size_t len, const char *name, const char *variant,
                           sal_diags *diags, size_t *nvariants)
{
    if (nvariants)
        *nvariants = 0;
    if (!name)
        name = "<scenario>";
    yd_arena *a = yd_arena_alloc();
    if (!a)
        return SAL_ENOMEM;
    yd_node *root;
    int rc = yd_parse(a, buf, len, name, diags, &root);
    if (rc != SAL_OK) {
        yd_arena_free(a);
        return rc;
    }
    sal_model *m;
    rc = model_from_doc(a, root, name, NULL, diags, &m);
    sal_model_free(m);
    if (rc == SAL_ENOMEM) {
        yd_arena_free(a);
        return rc;
    }
    const yd_node *vars = root && root->kind == YD_MAP ? yd_get(root, "variants") : NULL;
    size_t nv = vars && vars->kind == YD_MAP ? vars->n : 0;
    if (variant && !find_variant(vars, variant))
        nv = 1; /* reports the unknown name */
    for (size_t i = 0; i < nv; i++) {
        const char *vn = variant ? variant : yd_key(vars, i)->str;
        sal_diags *tmp = sal_diags_alloc();
        if (!tmp) {
            rc = SAL_ENOMEM;
            break;
        }
        int rv = model_from_doc(a, root, name, vn, tmp, &m);
        sal_model_free(m);
        merge_diags(diags, tmp);
        sal_diags_free(tmp);
        if (rv == SAL_ENOMEM) {
            rc = rv;
            break;
        }
        if (rv != SAL_OK && rc == SAL_OK)
            rc = rv;
        if (nvariants)
            (*nvariants)++;
        if (variant)
            break;
    }
    yd_arena_free(a);
    return rc;
}

int sal_model_check(const char *path, const char *variant, sal_diags *diags, size_t *nvariants)
{
    if (nvariants)
        *nvariants = 0;
    char *buf;
    size_t len;
    int rc = read_file(path, diags, &buf, &len);
    if (rc != SAL_OK)
        return rc;
    rc = sal_model_check_buffer(buf, len, path, variant, diags, nvariants);
    free(buf);
    return rc;
}

/* ---- freeing ---------------------------------------------------------- */

static void free_actions(sal_action *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sal_expr_free(a[i].amount);
    free(a);
}

void sal_model_free(sal_model *m)
{
    if (!m)
        return;
    free(m->file);
    free(m->name);
    free(m->description);
    free(m->sides[0]);
    free(m->sides[1]);
    free(m->variant);
    for (size_t i = 0; i < m->nuncertain; i++) {
        free(m->uncertain[i].name);
        free(m->uncertain[i].source);
        sal_dist_clear(&m->uncertain[i].dist);
    }
    free(m->uncertain);
    for (size_t i = 0; i < m->nparams; i++) {
        free(m->params[i].name);
        free(m->params[i].source);
        free(m->params[i].description);
    }
    free(m->params);
    for (size_t i = 0; i < m->nactors; i++) {
        for (size_t j = 0; j < m->actors[i].nstocks; j++)
            free(m->actors[i].stocks[j].name);
        free(m->actors[i].stocks);
        free(m->actors[i].name);
    }
    free(m->actors);
    for (size_t i = 0; i < m->nforces; i++) {
        free(m->forces[i].name);
        free(m->forces[i].arrivals);
        free(m->forces[i].source);
    }
    free(m->forces);
    for (size_t i = 0; i < m->nsectors; i++) {
        free(m->sectors[i].name);
        free(m->sectors[i].source);
    }
    free(m->sectors);
    for (size_t i = 0; i < m->npipelines; i++) {
        free(m->pipelines[i].name);
        sal_expr_free(m->pipelines[i].when);
        free(m->pipelines[i].source);
    }
    free(m->pipelines);
    for (size_t i = 0; i < m->npolicies; i++) {
        free(m->policies[i].name);
        sal_expr_free(m->policies[i].when);
        free(m->policies[i].requires);
        free_actions(m->policies[i].actions, m->policies[i].nactions);
        free(m->policies[i].source);
    }
    free(m->policies);
    for (size_t i = 0; i < m->ntreaties; i++) {
        free(m->treaties[i].name);
        free(m->treaties[i].parties);
        sal_expr_free(m->treaties[i].trigger);
        free(m->treaties[i].source);
    }
    free(m->treaties);
    for (size_t i = 0; i < m->nladders; i++) {
        free(m->ladders[i].name);
        for (size_t j = 0; j < m->ladders[i].nrungs; j++)
            free(m->ladders[i].rungs[j]);
        free(m->ladders[i].rungs);
        free(m->ladders[i].rung_events);
        free(m->ladders[i].source);
    }
    free(m->ladders);
    for (size_t i = 0; i < m->nmetrics; i++) {
        free(m->metrics[i].name);
        sal_expr_free(m->metrics[i].expr);
        free(m->metrics[i].description);
    }
    free(m->metrics);
    for (size_t i = 0; i < m->nevents; i++)
        free(m->events[i]);
    free(m->events);
    for (size_t i = 0; i < m->nvariants; i++) {
        free(m->variants[i]);
        if (m->variant_descriptions)
            free(m->variant_descriptions[i]);
    }
    free(m->variants);
    free(m->variant_descriptions);
    for (size_t i = 0; i < m->nprovenance; i++) {
        free(m->provenance[i].path);
        free(m->provenance[i].source);
    }
    free(m->provenance);
    free(m);
}

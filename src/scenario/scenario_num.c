/* The scenario reader: numbers, distributions and parameters (see
 * docs/scenario.md, "Numbers"). */
#include "scenario/scenario_int.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        if (sc_scalar_number(n->kids[i], &out[i]) != 0) {
            sc_not_a_number(r, n->kids[i], what, "a plain number in the list");
            return -1;
        }
    }
    return 0;
}

static void num_support(const sal_model *m, sal_num n, double *lo, double *hi)
{
    if (n.u >= 0 && (size_t)n.u < m->nuncertain)
        sal_dist_support(&m->uncertain[n.u].dist, lo, hi);
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
/* lognormal: {median: M, sigma: S} or {p5: A, p95: B} (w: what it is) */
static int read_lognormal(sc_reader *r, const yd_node *v, const char *w, sal_dist *d)
{
    static const char *const LK[] = {"median", "sigma", "p5", "p95", NULL};
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
        if (sc_scalar_number(med, &a) != 0) {
            sc_not_a_number(r, med, w, "a median > 0");
            return -1;
        }
        if (sc_scalar_number(sig, &b) != 0) {
            sc_not_a_number(r, sig, w, "a sigma > 0 (the sd of log x)");
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
        if (sc_scalar_number(p5, &a) != 0) {
            sc_not_a_number(r, p5, w, "a 5th percentile > 0");
            return -1;
        }
        if (sc_scalar_number(p95, &b) != 0) {
            sc_not_a_number(r, p95, w, "a 95th percentile > 0");
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

/* choice: [a, b, ...] or {values: [...], weights: [...]} (w: what it is) */
static int read_choice(sc_reader *r, const yd_node *v, const char *w, sal_dist *d)
{
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
        if (sc_scalar_number(vals->kids[i], &d->values[i]) != 0) {
            sc_not_a_number(r, vals->kids[i], w, "a plain number as value");
            sal_dist_clear(d);
            return -1;
        }
        d->weights[i] = 1;
        if (wts && sc_scalar_number(wts->kids[i], &d->weights[i]) != 0) {
            sc_not_a_number(r, wts->kids[i], w, "a plain number >= 0 as weight");
            sal_dist_clear(d);
            return -1;
        }
    }
    return 0;
}

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
        d->kind = SAL_DIST_LOGNORMAL;
        return read_lognormal(r, v, w, d);
    }
    if (strcmp(key, "choice") == 0) {
        d->kind = SAL_DIST_CHOICE;
        return read_choice(r, v, w, d);
    }
    sc_err(r, v, "%s: unknown distribution '%s'", what, key);
    return -1;
}

/* ---- parameters ------------------------------------------------------- */

/* The one value key of a number's mapping n (value, a distribution or
 * param): its name and node, or -1 (reported). */
static int num_key(sc_reader *r, const yd_node *n, const char *what, const char **keyp,
                   const yd_node **vp)
{
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
    *keyp = key;
    *vp = v;
    return 0;
}

/* {param: NAME}: the parameter's number, within range (v the name's node,
 * n the mapping; param_name the parameter being read, if one, which may not
 * refer to itself). */
static int num_param(sc_reader *r, const yd_node *n, const yd_node *v, const char *what,
                     const char *path, sc_range range, const char *source,
                     const char *param_name, sal_num *out)
{
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
        sc_err_undefined(r, v, what, "parameter", pn, c, nc, "a name under 'parameters:'");
        free(c);
        return -1;
    }
    if (sc_resolve_param(r, p) != 0)
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
    sc_add_provenance(r, path, *out, source ? source : r->m->params[p].source, p, n);
    return 0;
}

/* {KEY: ...} for a distribution KEY: an uncertain input, its support within
 * range. */
static int num_dist(sc_reader *r, const yd_node *n, const char *key, const yd_node *v,
                    const char *what, const char *path, sc_range range, const char *source,
                    sal_num *out)
{
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
    sal_dist_support(&d, &lo, &hi);
    char form[64];
    snprintf(form, sizeof form, "a %s distribution", key);
    if (check_support(r, v, what, form, lo, hi, range) != 0) {
        sal_dist_clear(&d);
        return -1;
    }
    int u = sc_add_uncertain(r, path, &d, source, n);
    if (u < 0)
        return -1;
    out->u = u;
    out->value = sal_dist_mean(&r->m->uncertain[u].dist);
    sc_add_provenance(r, path, *out, source, -1, n);
    return 0;
}

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
        if (sc_scalar_number(n, &v) != 0) {
            char expect[200];
            snprintf(expect, sizeof expect, "%s or a distribution such as {pert: [low, likely, high]}",
                     range.expect);
            sc_not_a_number(r, n, what, expect);
            return -1;
        }
        if (v < range.lo || v > range.hi || (range.lo > 0 && v <= 0)) {
            sc_err(r, n, "%s is %g; expected %s", what, v, range.expect);
            return -1;
        }
        out->value = v;
        sc_add_provenance(r, path, *out, NULL, -1, n);
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
    if (num_key(r, n, what, &key, &v) != 0)
        return -1;
    if (strcmp(key, "value") == 0) {
        double x;
        if (sc_scalar_number(v, &x) != 0) {
            sc_not_a_number(r, v, what, range.expect);
            return -1;
        }
        if (x < range.lo || x > range.hi || (range.lo > 0 && x <= 0)) {
            sc_err(r, v, "%s is %g; expected %s", what, x, range.expect);
            return -1;
        }
        out->value = x;
        sc_add_provenance(r, path, *out, source, -1, n);
        return 0;
    }
    if (strcmp(key, "param") == 0)
        return num_param(r, n, v, what, path, range, source, param_name, out);
    return num_dist(r, n, key, v, what, path, range, source, out);
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

int sc_resolve_param(sc_reader *r, int idx)
{
    sal_param *p = &r->m->params[idx];
    if (r->pstate[idx] >= 2)
        return r->pstate[idx] == 2 ? 0 : -1;
    /* sc_read_params reads a parameter after those it refers to: one
     * still being read here is a cycle it has reported */
    if (r->pstate[idx] == 1)
        return -1;
    r->pstate[idx] = 1;
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
    r->pstate[idx] = rc == 0 ? 2 : 3;
    return rc;
}


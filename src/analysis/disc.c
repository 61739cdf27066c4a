/* salient — what PRIM and CART share: the data checked and prepared (the
 * levels of categorical inputs), box membership, a box's coverage, density
 * and mass, and Bryant and Lempert's quasi-p-values (docs/discover.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>

#include "analysis/disc_int.h"

sal_disc_opts disc_opts(const sal_disc_opts *o, size_t n)
{
    sal_disc_opts r = {0};
    if (o)
        r = *o;
    if (!(r.alpha > 0))
        r.alpha = 0.05;
    if (!(r.min_mass > 0))
        r.min_mass = 0.05;
    if (!(r.threshold > 0))
        r.threshold = 0.8;
    if (r.boxes == 0)
        r.boxes = 1;
    if (!(r.max_qp > 0))
        r.max_qp = 0.05;
    if (r.min_leaf == 0)
        r.min_leaf = n / 50 > 5 ? n / 50 : 5;
    if (r.max_depth <= 0)
        r.max_depth = 4;
    return r;
}

static int check_opts(const sal_disc_opts *o, char *why, size_t whylen)
{
    if (o->alpha >= 0.5) {
        snprintf(why, whylen, "peeling share %g; expected a number in (0, 0.5)", o->alpha);
        return SAL_EINPUT;
    }
    if (o->min_mass >= 1 || o->threshold > 1 || o->max_qp > 1) {
        snprintf(why, whylen, "minimum mass %g, threshold %g, quasi-p bound %g; expected each "
                              "in (0, 1]", o->min_mass, o->threshold, o->max_qp);
        return SAL_EINPUT;
    }
    if (o->max_depth > 30) {
        snprintf(why, whylen, "tree depth %d; expected at most 30", o->max_depth);
        return SAL_EINPUT;
    }
    return SAL_OK;
}

/* The distinct values of categorical input j, sorted, into lv; their
 * number, or SAL_DISC_MAX_LEVELS + 1 when there are more. */
static size_t find_levels(const sal_disc_data *d, size_t j, double *lv)
{
    size_t k = 0;
    for (size_t i = 0; i < d->n; i++) {
        double v = d->x[i * d->p + j];
        size_t a = 0;
        while (a < k && lv[a] < v)
            a++;
        if (a < k && lv[a] == v)
            continue;
        if (k == SAL_DISC_MAX_LEVELS)
            return k + 1;
        memmove(lv + a + 1, lv + a, (k - a) * sizeof *lv);
        lv[a] = v;
        k++;
    }
    return k;
}

int sal_disc_check(const sal_disc_data *d, const sal_disc_opts *o, char *why, size_t whylen)
{
    if (!d || d->n == 0 || d->p == 0 || !d->x || !d->y) {
        snprintf(why, whylen, "no runs or no inputs; expected at least one of each");
        return SAL_EINPUT;
    }
    double w1 = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (d->y[i] > 1) {
            snprintf(why, whylen, "run %zu has label %d; expected 0 or 1", i, d->y[i]);
            return SAL_EINPUT;
        }
        double w = d->w ? d->w[i] : 1;
        if (!(w >= 0) || !isfinite(w)) {
            snprintf(why, whylen, "run %zu has weight %g; expected a finite number >= 0", i, w);
            return SAL_EINPUT;
        }
        w1 += d->y[i] ? w : 0;
        for (size_t j = 0; j < d->p; j++)
            if (!isfinite(d->x[i * d->p + j])) {
                snprintf(why, whylen, "run %zu: input %zu is not finite", i, j);
                return SAL_EINPUT;
            }
    }
    if (!(w1 > 0)) {
        snprintf(why, whylen, "no run is a case of interest; expected at least one");
        return SAL_EINPUT;
    }
    double lv[SAL_DISC_MAX_LEVELS];
    for (size_t j = 0; d->categorical && j < d->p; j++)
        if (d->categorical[j] && find_levels(d, j, lv) > SAL_DISC_MAX_LEVELS) {
            snprintf(why, whylen, "categorical input %zu has over %d levels", j,
                     SAL_DISC_MAX_LEVELS);
            return SAL_EINPUT;
        }
    sal_disc_opts f = disc_opts(o, d->n);
    return check_opts(&f, why, whylen);
}

sal_disc_result *disc_result_alloc(const sal_disc_data *d)
{
    sal_disc_result *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    size_t p = d->p;
    r->p = p;
    r->levels = calloc(p * SAL_DISC_MAX_LEVELS, sizeof *r->levels);
    r->nlevels = calloc(p, sizeof *r->nlevels);
    r->lo = malloc(p * sizeof *r->lo);
    r->hi = malloc(p * sizeof *r->hi);
    r->irrelevant = calloc(p, sizeof *r->irrelevant);
    if (!r->levels || !r->nlevels || !r->lo || !r->hi || !r->irrelevant) {
        sal_disc_result_free(r);
        return NULL;
    }
    for (size_t j = 0; j < p; j++) {
        r->lo[j] = INFINITY;
        r->hi[j] = -INFINITY;
        for (size_t i = 0; i < d->n; i++) {
            double v = d->x[i * p + j];
            r->lo[j] = v < r->lo[j] ? v : r->lo[j];
            r->hi[j] = v > r->hi[j] ? v : r->hi[j];
        }
        if (d->categorical && d->categorical[j])
            r->nlevels[j] = find_levels(d, j, r->levels + j * SAL_DISC_MAX_LEVELS);
    }
    return r;
}

static void step_clear(sal_disc_step *s)
{
    free(s->range);
    s->range = NULL;
}

void sal_disc_result_free(sal_disc_result *r)
{
    if (!r)
        return;
    for (size_t b = 0; b < r->nboxes; b++) {
        sal_disc_box *x = &r->boxes[b];
        step_clear(&x->box);
        for (size_t s = 0; s < x->nsteps; s++)
            step_clear(&x->steps[s]);
        free(x->steps);
        free(x->qp);
        free(x->stability);
    }
    free(r->boxes);
    free(r->levels);
    free(r->nlevels);
    free(r->lo);
    free(r->hi);
    free(r->irrelevant);
    free(r->replicates);
    free(r);
}

sal_disc_box *disc_box_add(sal_disc_result *r)
{
    sal_disc_box *nb = realloc(r->boxes, (r->nboxes + 1) * sizeof *nb);
    if (!nb)
        return NULL;
    r->boxes = nb;
    sal_disc_box *b = &nb[r->nboxes];
    memset(b, 0, sizeof *b);
    b->qp = malloc(r->p * sizeof *b->qp);
    b->stability = malloc(r->p * sizeof *b->stability);
    if (!b->qp || !b->stability) {
        free(b->qp);
        free(b->stability);
        return NULL;
    }
    for (size_t j = 0; j < r->p; j++)
        b->qp[j] = b->stability[j] = NAN;
    r->nboxes++;
    return b;
}

/* The index of value v among the sorted levels lv[0..k-1], -1 if absent. */
static int level_of(const double *lv, size_t k, double v)
{
    size_t a = 0, b = k;
    while (a < b) {
        size_t m = (a + b) / 2;
        if (lv[m] < v)
            a = m + 1;
        else
            b = m;
    }
    return a < k && lv[a] == v ? (int)a : -1;
}

int disc_ws_init(disc_ws *ws, const sal_disc_data *d, const sal_disc_result *r)
{
    memset(ws, 0, sizeof *ws);
    ws->d = d;
    ws->n = d->n;
    ws->p = d->p;
    ws->r = r;
    ws->lev = malloc(d->n * d->p * sizeof *ws->lev);
    if (!ws->lev)
        return SAL_ENOMEM;
    for (size_t i = 0; i < d->n; i++) {
        double w = disc_w(ws, i);
        ws->W += w;
        ws->W1 += d->y[i] ? w : 0;
        for (size_t j = 0; j < d->p; j++)
            ws->lev[i * d->p + j] =
                r->nlevels[j] ? level_of(r->levels + j * SAL_DISC_MAX_LEVELS, r->nlevels[j],
                                         d->x[i * d->p + j])
                              : -1;
    }
    return SAL_OK;
}

void disc_ws_free(disc_ws *ws)
{
    free(ws->lev);
    ws->lev = NULL;
}

static uint64_t all_levels(size_t k)
{
    return k >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << k) - 1;
}

sal_disc_range *disc_range_full(const disc_ws *ws)
{
    sal_disc_range *rg = malloc(ws->p * sizeof *rg);
    for (size_t j = 0; rg && j < ws->p; j++) {
        rg[j].lower = -INFINITY;
        rg[j].upper = INFINITY;
        rg[j].levels = all_levels(ws->r->nlevels[j]);
    }
    return rg;
}

int disc_in(const disc_ws *ws, const sal_disc_range *rg, size_t i, size_t skip)
{
    const double *xi = ws->d->x + i * ws->p;
    const int *li = ws->lev + i * ws->p;
    for (size_t j = 0; j < ws->p; j++) {
        if (j == skip)
            continue;
        if (li[j] >= 0) {
            if (!(rg[j].levels >> li[j] & 1))
                return 0;
        } else if (xi[j] < rg[j].lower || xi[j] > rg[j].upper) {
            return 0;
        }
    }
    return 1;
}

int sal_disc_contains(const sal_disc_result *r, const sal_disc_range *box, const double *xi)
{
    for (size_t j = 0; j < r->p; j++) {
        if (r->nlevels[j]) {
            int l = level_of(r->levels + j * SAL_DISC_MAX_LEVELS, r->nlevels[j], xi[j]);
            if (l < 0 || !(box[j].levels >> l & 1))
                return 0;
        } else if (xi[j] < box[j].lower || xi[j] > box[j].upper) {
            return 0;
        }
    }
    return 1;
}

int disc_restricts(const disc_ws *ws, const sal_disc_range *rg, size_t j)
{
    if (ws->r->nlevels[j])
        return rg[j].levels != all_levels(ws->r->nlevels[j]);
    return rg[j].lower > ws->r->lo[j] || rg[j].upper < ws->r->hi[j];
}

size_t disc_nrestricted(const disc_ws *ws, const sal_disc_range *rg)
{
    size_t k = 0;
    for (size_t j = 0; j < ws->p; j++)
        k += (size_t)disc_restricts(ws, rg, j);
    return k;
}

/* Weights (all, of interest) and counts of the alive runs in rg, input
 * skip ignored; and the sum of squared weights (for the effective size). */
typedef struct {
    double w, w1, ww;
    size_t runs, cases;
} tally;

static tally count(const disc_ws *ws, const sal_disc_range *rg, const unsigned char *alive,
                   size_t skip)
{
    tally t = {0};
    for (size_t i = 0; i < ws->n; i++) {
        if ((alive && !alive[i]) || !disc_in(ws, rg, i, skip))
            continue;
        double w = disc_w(ws, i);
        t.w += w;
        t.ww += w * w;
        t.runs++;
        if (ws->d->y[i]) {
            t.w1 += w;
            t.cases++;
        }
    }
    return t;
}

void disc_measure(const disc_ws *ws, const sal_disc_range *rg, const unsigned char *alive,
                  sal_disc_step *st)
{
    tally t = count(ws, rg, alive, ws->p);
    st->runs = t.runs;
    st->cases = t.cases;
    st->mass = t.w / ws->W;
    st->coverage = t.w1 / ws->W1;
    st->density = t.w > 0 ? t.w1 / t.w : 0;
    st->nrestricted = disc_nrestricted(ws, rg);
}

int disc_step_set(const disc_ws *ws, sal_disc_step *st, const sal_disc_range *rg,
                  const unsigned char *alive)
{
    st->range = malloc(ws->p * sizeof *st->range);
    if (!st->range)
        return SAL_ENOMEM;
    memcpy(st->range, rg, ws->p * sizeof *rg);
    disc_measure(ws, rg, alive, st);
    return SAL_OK;
}

/* P(X >= h), X ~ Binomial(t, p). */
static double binom_sf(double h, double t, double p)
{
    if (h <= 0)
        return 1;
    if (h > t)
        return 0;
    return gsl_cdf_binomial_Q((unsigned)(h - 1), p, (unsigned)t);
}

/* Quasi-p-value (Bryant and Lempert 2010, sec. 3.3): with the restriction
 * on input j lifted, the box B' holds T' runs of density p' = H'/T'.  Were
 * the restriction meaningless, the T runs of B would be T draws from B', so
 * its H cases of interest are judged by P(X >= H), X ~ Binomial(T, p').
 * With weights, T is the box's effective size (sum w)^2 / sum w^2 (Kish)
 * and H its density times T, rounded. */
void disc_quasi_p(const disc_ws *ws, const sal_disc_step *b, const unsigned char *alive,
                  double *qp)
{
    tally in = count(ws, b->range, alive, ws->p);
    double T = (double)in.runs, H = (double)in.cases;
    if (ws->d->w && in.ww > 0) {
        T = floor(in.w * in.w / in.ww + 0.5);
        H = floor(in.w1 / in.w * T + 0.5);
    }
    for (size_t j = 0; j < ws->p; j++) {
        qp[j] = NAN;
        if (!disc_restricts(ws, b->range, j) || in.runs == 0)
            continue;
        tally wide = count(ws, b->range, alive, j);
        double pw = wide.w > 0 ? wide.w1 / wide.w : 0;
        qp[j] = binom_sf(H, T, pw);
    }
}

int disc_begin(const sal_disc_data *d, const sal_disc_opts *opts, char *why, size_t whylen,
               sal_disc_opts *o, sal_disc_result **r, disc_ws *ws)
{
    int rc = sal_disc_check(d, opts, why, whylen);
    if (rc != SAL_OK)
        return rc;
    *o = disc_opts(opts, d->n);
    *r = disc_result_alloc(d);
    if (!*r || disc_ws_init(ws, d, *r) != SAL_OK) {
        sal_disc_result_free(*r);
        *r = NULL;
        return SAL_ENOMEM;
    }
    return SAL_OK;
}

void disc_mark_irrelevant(sal_disc_result *r, double max_qp)
{
    for (size_t j = 0; j < r->p; j++) {
        r->irrelevant[j] = 1;
        for (size_t k = 0; k < r->nboxes; k++)
            if (r->boxes[k].qp[j] <= max_qp)
                r->irrelevant[j] = 0;
    }
}

/* salient — CART (Breiman, Friedman, Olshen and Stone 1984) for scenario
 * discovery: a binary classification tree grown by weighted Gini impurity,
 * whose leaves of interest are reported as boxes (docs/discover.md).
 *
 * A node of weight W and density q has impurity G = 2 q (1 - q).  The split
 * chosen maximises W G - W_l G_l - W_r G_r over every input: for a
 * continuous input, thresholds halfway between consecutive distinct values
 * (left: x <= t, as scikit-learn's DecisionTreeClassifier); for a
 * categorical one, the levels ordered by density and cut between two
 * (Breiman et al. 1984, sec. 4.2.2: for two classes that order holds the
 * best subset).  Each side keeps at least min_leaf runs; growth stops at
 * max_depth, at a pure node or when no split lowers the impurity.  Ties go
 * to the lowest input, then the lowest threshold. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>

#include "analysis/disc_int.h"

typedef struct {
    const disc_ws *ws;
    const sal_disc_opts *o;
    sal_disc_result *r;
    double *v;
    size_t *order;
    int rc;
} grower;

typedef struct {
    int ok;
    size_t j;
    double t, gain;
    uint64_t left;  /* categorical: the levels that go left */
} split;

static double gini_w(double w, double w1)
{
    if (w <= 0)
        return 0;
    double q = w1 / w;
    return w * 2 * q * (1 - q);
}

static void offer(split *best, const split *c)
{
    if (c->gain > 1e-12 && (!best->ok || c->gain > best->gain))
        *best = *c;
}

/* Continuous input j over the node's runs idx[0..m-1]. */
static void split_range(grower *g, const size_t *idx, size_t m, size_t j, double G,
                        split *best)
{
    const disc_ws *ws = g->ws;
    for (size_t k = 0; k < m; k++)
        g->v[k] = ws->d->x[idx[k] * ws->p + j];
    gsl_sort_index(g->order, g->v, 1, m);
    double W = 0, W1 = 0, L = 0, L1 = 0;
    for (size_t k = 0; k < m; k++) {
        W += disc_w(ws, idx[k]);
        W1 += ws->d->y[idx[k]] ? disc_w(ws, idx[k]) : 0;
    }
    size_t minl = g->o->min_leaf;
    for (size_t k = 0; k + 1 < m; k++) {
        size_t i = idx[g->order[k]];
        L += disc_w(ws, i);
        L1 += ws->d->y[i] ? disc_w(ws, i) : 0;
        double a = g->v[g->order[k]], b = g->v[g->order[k + 1]];
        if (a == b || k + 1 < minl || m - k - 1 < minl)
            continue;
        split c = {1, j, a + (b - a) / 2, G - gini_w(L, L1) - gini_w(W - L, W1 - L1), 0};
        offer(best, &c);
    }
}

/* Categorical input j: levels by density, cut between two. */
static void split_levels(grower *g, const size_t *idx, size_t m, size_t j, double G,
                         split *best)
{
    const disc_ws *ws = g->ws;
    double lw[SAL_DISC_MAX_LEVELS] = {0}, lw1[SAL_DISC_MAX_LEVELS] = {0};
    size_t ln[SAL_DISC_MAX_LEVELS] = {0}, lidx[SAL_DISC_MAX_LEVELS] = {0};
    double dens[SAL_DISC_MAX_LEVELS] = {0};
    for (size_t k = 0; k < m; k++) {
        size_t i = idx[k];
        int l = ws->lev[i * ws->p + j];
        lw[l] += disc_w(ws, i);
        lw1[l] += ws->d->y[i] ? disc_w(ws, i) : 0;
        ln[l]++;
    }
    size_t np = 0;
    for (size_t l = 0; l < ws->r->nlevels[j]; l++)
        if (ln[l]) {
            dens[np] = lw[l] > 0 ? lw1[l] / lw[l] : 0;
            lidx[np++] = l;
        }
    size_t ord[SAL_DISC_MAX_LEVELS] = {0};
    gsl_sort_index(ord, dens, 1, np);
    double W = 0, W1 = 0, L = 0, L1 = 0;
    for (size_t a = 0; a < np; a++) {
        W += lw[lidx[a]];
        W1 += lw1[lidx[a]];
    }
    size_t nl = 0;
    uint64_t left = 0;
    for (size_t a = 0; a + 1 < np; a++) {
        size_t l = lidx[ord[a]];
        L += lw[l];
        L1 += lw1[l];
        nl += ln[l];
        left |= (uint64_t)1 << l;
        if (nl < g->o->min_leaf || m - nl < g->o->min_leaf)
            continue;
        split c = {1, j, 0, G - gini_w(L, L1) - gini_w(W - L, W1 - L1), left};
        offer(best, &c);
    }
}

static int add_leaf(grower *g, const sal_disc_range *rg)
{
    sal_disc_step st = {0};
    disc_measure(g->ws, rg, NULL, &st);
    if (st.density < 0.5 || st.cases == 0)
        return SAL_OK;
    sal_disc_box *b = disc_box_add(g->r);
    if (!b || disc_step_set(g->ws, &b->box, rg, NULL) != SAL_OK)
        return SAL_ENOMEM;
    b->met = b->box.density >= g->o->threshold;
    disc_quasi_p(g->ws, &b->box, NULL, b->qp);
    return SAL_OK;
}

/* Grows the node holding runs idx[0..m-1] inside box rg (recursion depth
 * at most max_depth <= 30). */
static void grow(grower *g, size_t *idx, size_t m, sal_disc_range *rg, int depth)
{
    const disc_ws *ws = g->ws;
    double W = 0, W1 = 0;
    for (size_t k = 0; k < m; k++) {
        W += disc_w(ws, idx[k]);
        W1 += ws->d->y[idx[k]] ? disc_w(ws, idx[k]) : 0;
    }
    split best = {0};
    if (depth < g->o->max_depth && m >= 2 * g->o->min_leaf && W1 > 0 && W1 < W)
        for (size_t j = 0; j < ws->p; j++) {
            if (ws->r->nlevels[j])
                split_levels(g, idx, m, j, gini_w(W, W1), &best);
            else
                split_range(g, idx, m, j, gini_w(W, W1), &best);
        }
    if (!best.ok) {
        if (g->rc == SAL_OK)
            g->rc = add_leaf(g, rg);
        return;
    }
    /* left runs first, in their order; then the right ones */
    size_t nl = 0, nr = 0, j = best.j;
    size_t *tmp = malloc(m * sizeof *tmp);
    if (!tmp) {
        g->rc = SAL_ENOMEM;
        return;
    }
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < m; k++) {
            size_t i = idx[k];
            int l = ws->lev[i * ws->p + j];
            int left = l >= 0 ? (int)(best.left >> l & 1) : ws->d->x[i * ws->p + j] <= best.t;
            if (left == !pass)
                tmp[pass ? nl + nr++ : nl++] = i;
        }
    memcpy(idx, tmp, m * sizeof *idx);
    free(tmp);
    sal_disc_range keep = rg[j];
    if (ws->r->nlevels[j])
        rg[j].levels = keep.levels & best.left;
    else
        rg[j].upper = best.t;
    grow(g, idx, nl, rg, depth + 1);
    rg[j] = keep;
    if (ws->r->nlevels[j])
        rg[j].levels = keep.levels & ~best.left;
    else
        rg[j].lower = best.t;
    grow(g, idx + nl, m - nl, rg, depth + 1);
    rg[j] = keep;
}

/* Boxes by decreasing coverage (stable: ties keep the tree's order). */
static void sort_boxes(sal_disc_result *r)
{
    for (size_t a = 1; a < r->nboxes; a++) {
        sal_disc_box b = r->boxes[a];
        size_t k = a;
        while (k > 0 && r->boxes[k - 1].box.coverage < b.box.coverage) {
            r->boxes[k] = r->boxes[k - 1];
            k--;
        }
        r->boxes[k] = b;
    }
}

int sal_cart(const sal_disc_data *d, const sal_disc_opts *opts, sal_disc_result **out,
             char *why, size_t whylen)
{
    *out = NULL;
    sal_disc_opts o;
    sal_disc_result *r;
    disc_ws ws;
    int rc = disc_begin(d, opts, why, whylen, &o, &r, &ws);
    if (rc != SAL_OK)
        return rc;
    grower g = {&ws, &o, r, malloc(d->n * sizeof(double)), malloc(d->n * sizeof(size_t)), SAL_OK};
    size_t *idx = malloc(d->n * sizeof *idx);
    sal_disc_range *rg = disc_range_full(&ws);
    if (!g.v || !g.order || !idx || !rg) {
        g.rc = SAL_ENOMEM;
    } else {
        for (size_t i = 0; i < d->n; i++)
            idx[i] = i;
        grow(&g, idx, d->n, rg, 0);
    }
    free(g.v);
    free(g.order);
    free(idx);
    free(rg);
    disc_ws_free(&ws);
    if (g.rc != SAL_OK) {
        sal_disc_result_free(r);
        return g.rc;
    }
    sort_boxes(r);
    disc_mark_irrelevant(r, o.max_qp);
    *out = r;
    return SAL_OK;
}

/* salient — PRIM, the patient rule induction method (Friedman and Fisher
 * 1999), as Bryant and Lempert (2010) use it for scenario discovery:
 * peeling, the trajectory, the chosen box, pasting, quasi-p-values,
 * covering and bootstrap stability (docs/discover.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <omp.h>

#include "analysis/disc_int.h"
#include "salient/rng.h"

/* The stream of bootstrap replicate r: (seed, r, SAL_DISC_STREAM). */
#define SAL_DISC_STREAM 0x40000001u

/* Scratch for one box search: the runs in the box, and sort buffers. */
typedef struct {
    size_t *idx, m;      /* alive runs inside the box */
    double *v;           /* m values */
    size_t *order;       /* their sorted order */
    double *pw, *pw1;    /* m + 1 prefix sums of weights (all, of interest) */
} scratch;

static void scratch_free(scratch *s)
{
    free(s->idx);
    free(s->v);
    free(s->order);
    free(s->pw);
    free(s->pw1);
}

static int scratch_alloc(scratch *s, size_t n)
{
    memset(s, 0, sizeof *s);
    s->idx = malloc(n * sizeof *s->idx);
    s->v = malloc(n * sizeof *s->v);
    s->order = malloc(n * sizeof *s->order);
    s->pw = malloc((n + 1) * sizeof *s->pw);
    s->pw1 = malloc((n + 1) * sizeof *s->pw1);
    if (!s->idx || !s->v || !s->order || !s->pw || !s->pw1) {
        scratch_free(s);
        return SAL_ENOMEM;
    }
    return SAL_OK;
}

/* One candidate peel (or paste): input j, end 0 (lower limit), 1 (upper)
 * or 2 (a level), the new limit t or the level; the weights it leaves. */
typedef struct {
    int ok;
    size_t j;
    int end, level;
    double t, w, w1;
} move;

/* The objective of a move from a box of weights (W, W1): the change of
 * density per unit of weight moved, |d' - d| / |W' - W| (EMA Workbench's
 * default "lenient1" criterion, after Friedman and Fisher 1999, sec. 8:
 * it puts peels of different sizes, an alpha share or a whole level, on
 * one scale).  A move of no weight changes nothing and is not offered. */
static double objective(const move *c, double W, double W1)
{
    double dw = fabs(c->w - W);
    return dw > 0 ? (c->w1 / c->w - W1 / W) / dw : -INFINITY;
}

/* Better: higher objective, then more weight; otherwise the earlier stays. */
static void offer(move *best, const move *c, double min_w, double W, double W1)
{
    if (!(c->w > 0 && c->w >= min_w && fabs(c->w - W) > 0))
        return;
    double oc = objective(c, W, W1), ob = best->ok ? objective(best, W, W1) : -INFINITY;
    if (!best->ok || oc > ob || (oc == ob && c->w > best->w))
        *best = *c;
}

/* The box's values of continuous input j, sorted, with prefix weights. */
static void sort_input(const disc_ws *ws, scratch *s, size_t j)
{
    for (size_t k = 0; k < s->m; k++)
        s->v[k] = ws->d->x[s->idx[k] * ws->p + j];
    gsl_sort_index(s->order, s->v, 1, s->m);
    s->pw[0] = s->pw1[0] = 0;
    for (size_t k = 0; k < s->m; k++) {
        size_t i = s->idx[s->order[k]];
        double w = disc_w(ws, i);
        s->pw[k + 1] = s->pw[k] + w;
        s->pw1[k + 1] = s->pw1[k] + (ws->d->y[i] ? w : 0);
    }
}

#define V(k) (s->v[s->order[k]])

/* Peels of continuous input j: the lower end removes the runs below t, the
 * value alpha * m runs up (moved past ties so that at least one run goes and
 * every run of value t stays); the upper end alike. */
static void peel_range(const disc_ws *ws, scratch *s, size_t j, double alpha, double min_w,
                       move *best)
{
    size_t m = s->m, a = (size_t)floor(alpha * (double)m);
    if (m < 2)
        return;
    a = a < 1 ? 1 : a;
    if (a >= m)
        return;
    sort_input(ws, s, j);
    double W = s->pw[m], W1 = s->pw1[m];
    size_t k = a;
    while (k > 0 && V(k - 1) == V(k))
        k--;
    if (k == 0)
        while (k < m && V(k) == V(0))
            k++;
    if (k < m) {
        move c = {1, j, 0, -1, V(k), W - s->pw[k], W1 - s->pw1[k]};
        offer(best, &c, min_w, W, W1);
    }
    k = m - 1 - a;  /* the last run kept */
    while (k + 1 < m && V(k + 1) == V(k))
        k++;
    if (k == m - 1) {
        while (k > 0 && V(k) == V(m - 1))
            k--;
        if (V(k) == V(m - 1))
            return;
    }
    move c = {1, j, 1, -1, V(k), s->pw[k + 1], s->pw1[k + 1]};
    offer(best, &c, min_w, W, W1);
}

/* Peels of categorical input j: one level present in the box at a time. */
static void peel_levels(const disc_ws *ws, const scratch *s, size_t j, double min_w, move *best)
{
    double lw[SAL_DISC_MAX_LEVELS] = {0}, lw1[SAL_DISC_MAX_LEVELS] = {0};
    size_t present = 0, nl = ws->r->nlevels[j];
    double W = 0, W1 = 0;
    for (size_t k = 0; k < s->m; k++) {
        size_t i = s->idx[k];
        int l = ws->lev[i * ws->p + j];
        double w = disc_w(ws, i);
        present += lw[l] == 0 && w > 0;
        lw[l] += w;
        lw1[l] += ws->d->y[i] ? w : 0;
        W += w;
        W1 += ws->d->y[i] ? w : 0;
    }
    if (present < 2)
        return;
    for (size_t l = 0; l < nl; l++)
        if (lw[l] > 0) {
            move c = {1, j, 2, (int)l, 0, W - lw[l], W1 - lw1[l]};
            offer(best, &c, min_w, W, W1);
        }
}

static void apply(sal_disc_range *rg, const move *mv)
{
    if (mv->end == 0)
        rg[mv->j].lower = mv->t;
    else if (mv->end == 1)
        rg[mv->j].upper = mv->t;
    else
        rg[mv->j].levels ^= (uint64_t)1 << mv->level;
}

/* The alive runs inside rg, into s->idx. */
static void gather(const disc_ws *ws, scratch *s, const sal_disc_range *rg,
                   const unsigned char *alive)
{
    s->m = 0;
    for (size_t i = 0; i < ws->n; i++)
        if (alive[i] && disc_in(ws, rg, i, ws->p))
            s->idx[s->m++] = i;
}

static int push_step(const disc_ws *ws, sal_disc_box *b, const sal_disc_range *rg,
                     const unsigned char *alive)
{
    sal_disc_step *ns = realloc(b->steps, (b->nsteps + 1) * sizeof *ns);
    if (!ns)
        return SAL_ENOMEM;
    b->steps = ns;
    memset(&ns[b->nsteps], 0, sizeof *ns);
    int rc = disc_step_set(ws, &ns[b->nsteps], rg, alive);
    if (rc == SAL_OK)
        b->nsteps++;
    return rc;
}

/* Peeling: the trajectory from the whole (alive) data down to the last box
 * of mass >= min_mass, stopping early at density 1. */
static int peel(const disc_ws *ws, scratch *s, const unsigned char *alive,
                const sal_disc_opts *o, sal_disc_box *b)
{
    sal_disc_range *rg = disc_range_full(ws);
    if (!rg)
        return SAL_ENOMEM;
    int rc = push_step(ws, b, rg, alive);
    double min_w = o->min_mass * ws->W;
    while (rc == SAL_OK && b->steps[b->nsteps - 1].density < 1) {
        gather(ws, s, rg, alive);
        move best = {0};
        for (size_t j = 0; j < ws->p; j++) {
            if (ws->r->nlevels[j])
                peel_levels(ws, s, j, min_w, &best);
            else
                peel_range(ws, s, j, o->alpha, min_w, &best);
        }
        if (!best.ok)
            break;
        apply(rg, &best);
        rc = push_step(ws, b, rg, alive);
    }
    free(rg);
    return rc;
}

/* Pastes of continuous input j at one end: the alpha * m alive runs
 * nearest outside that limit (ties kept together) that the other limits
 * admit.  A limit pasted past the data's range is lifted. */
static void paste_end(const disc_ws *ws, scratch *s, const sal_disc_range *rg, size_t j,
                      int end, double alpha, double W, double W1, move *best)
{
    double lim = end == 0 ? rg[j].lower : rg[j].upper;
    if (isinf(lim))
        return;
    size_t c = 0;
    for (size_t i = 0; i < ws->n; i++) {
        double x = ws->d->x[i * ws->p + j];
        if (s->pw1[i] != 0 && (end == 0 ? x < lim : x > lim) && disc_in(ws, rg, i, j)) {
            s->idx[c] = i;
            s->v[c++] = end == 0 ? -x : x;  /* nearest first after sorting */
        }
    }
    if (c == 0)
        return;
    gsl_sort_index(s->order, s->v, 1, c);
    size_t a = (size_t)floor(alpha * (double)s->m);
    a = a < 1 ? 1 : a > c ? c : a;
    while (a < c && V(a) == V(a - 1))
        a++;
    double aw = 0, aw1 = 0;
    for (size_t k = 0; k < a; k++) {
        size_t i = s->idx[s->order[k]];
        aw += disc_w(ws, i);
        aw1 += ws->d->y[i] ? disc_w(ws, i) : 0;
    }
    double t = end == 0 ? -V(a - 1) : V(a - 1);
    if (end == 0 ? t <= ws->r->lo[j] : t >= ws->r->hi[j])
        t = end == 0 ? -INFINITY : INFINITY;
    move mv = {1, j, end, -1, t, W + aw, W1 + aw1};
    offer(best, &mv, 0, W, W1);
}

/* Pastes of categorical input j: one excluded level at a time. */
static void paste_levels(const disc_ws *ws, const scratch *s, const sal_disc_range *rg,
                         size_t j, double W, double W1, move *best)
{
    double lw[SAL_DISC_MAX_LEVELS] = {0}, lw1[SAL_DISC_MAX_LEVELS] = {0};
    for (size_t i = 0; i < ws->n; i++) {
        int l = ws->lev[i * ws->p + j];
        if (s->pw1[i] == 0 || (rg[j].levels >> l & 1) || !disc_in(ws, rg, i, j))
            continue;
        lw[l] += disc_w(ws, i);
        lw1[l] += ws->d->y[i] ? disc_w(ws, i) : 0;
    }
    for (size_t l = 0; l < ws->r->nlevels[j]; l++)
        if (lw[l] > 0) {
            move mv = {1, j, 2, (int)l, 0, W + lw[l], W1 + lw1[l]};
            offer(best, &mv, 0, W, W1);
        }
}

/* Pasting (Friedman and Fisher 1999, sec. 5): widen the box by the move
 * that most raises its density, while one does.  s->pw1 is borrowed as the
 * alive flags (the buffers are free here). */
static void paste(const disc_ws *ws, scratch *s, sal_disc_range *rg, const unsigned char *alive,
                  double alpha)
{
    for (size_t i = 0; i < ws->n; i++)
        s->pw1[i] = alive[i];
    for (;;) {
        sal_disc_step st;
        disc_measure(ws, rg, alive, &st);
        s->m = st.runs;
        double W = st.mass * ws->W, W1 = st.coverage * ws->W1;
        move best = {0};
        for (size_t j = 0; j < ws->p; j++) {
            if (ws->r->nlevels[j]) {
                paste_levels(ws, s, rg, j, W, W1, &best);
                continue;
            }
            paste_end(ws, s, rg, j, 0, alpha, W, W1, &best);
            paste_end(ws, s, rg, j, 1, alpha, W, W1, &best);
        }
        if (!best.ok || !(best.w1 / best.w > st.density))
            return;
        apply(rg, &best);
    }
}

/* The step the analyst gets: `box` if asked; else, among the steps whose
 * density reaches the threshold, the one of most coverage, and of those the
 * densest (peeling that loses no case of interest only sharpens the box);
 * when none reaches it, the densest step. */
static size_t choose(const sal_disc_box *b, const sal_disc_opts *o)
{
    if (o->box > 0)
        return o->box < b->nsteps ? o->box : b->nsteps - 1;
    size_t best = 0;
    int met = 0;
    for (size_t k = 0; k < b->nsteps; k++) {
        const sal_disc_step *s = &b->steps[k], *c = &b->steps[best];
        if (s->density >= o->threshold) {
            if (!met || s->coverage > c->coverage ||
                (s->coverage == c->coverage && s->density > c->density))
                best = k;
            met = 1;
        } else if (!met && s->density > c->density) {
            best = k;
        }
    }
    return best;
}

/* Bryant and Lempert (2010, sec. 3.3) drop the restrictions whose
 * quasi-p-value says they may be chance: here the one of highest
 * quasi-p-value above max_qp is lifted, the others recomputed, until none
 * is above.  The box keeps only restrictions that the data support. */
static void prune(const disc_ws *ws, sal_disc_range *rg, const unsigned char *alive,
                  double max_qp, double *qp)
{
    sal_disc_step st = {0};
    st.range = rg;
    for (;;) {
        disc_quasi_p(ws, &st, alive, qp);
        size_t worst = ws->p;
        for (size_t j = 0; j < ws->p; j++)
            if (qp[j] > max_qp && (worst == ws->p || qp[j] > qp[worst]))
                worst = j;
        if (worst == ws->p)
            return;
        rg[worst].lower = -INFINITY;
        rg[worst].upper = INFINITY;
        rg[worst].levels = ws->r->nlevels[worst] >= 64 ? ~(uint64_t)0
                                                        : ((uint64_t)1 << ws->r->nlevels[worst]) - 1;
    }
}

/* One box among the alive runs: trajectory, choice, pasting, pruning. */
static int find_box(const disc_ws *ws, scratch *s, const unsigned char *alive,
                    const sal_disc_opts *o, sal_disc_box *b)
{
    int rc = peel(ws, s, alive, o, b);
    if (rc != SAL_OK)
        return rc;
    b->chosen = choose(b, o);
    sal_disc_range *rg = disc_range_full(ws);
    if (!rg)
        return SAL_ENOMEM;
    memcpy(rg, b->steps[b->chosen].range, ws->p * sizeof *rg);
    paste(ws, s, rg, alive, o->alpha);
    prune(ws, rg, alive, o->max_qp, b->qp);
    rc = disc_step_set(ws, &b->box, rg, alive);
    free(rg);
    if (rc != SAL_OK)
        return rc;
    b->met = b->box.density >= o->threshold;
    return SAL_OK;
}

static void drop_box(sal_disc_result *r)
{
    sal_disc_box *b = &r->boxes[--r->nboxes];
    free(b->box.range);
    for (size_t k = 0; k < b->nsteps; k++)
        free(b->steps[k].range);
    free(b->steps);
    free(b->qp);
    free(b->stability);
}

/* Boxes one after another (covering), each on the runs no earlier box
 * holds, while they meet the threshold (the first is kept regardless). */
static int cover(const disc_ws *ws, sal_disc_result *r, const sal_disc_opts *o)
{
    unsigned char *alive = malloc(ws->n);
    scratch s;
    if (!alive || scratch_alloc(&s, ws->n) != SAL_OK) {
        free(alive);
        return SAL_ENOMEM;
    }
    memset(alive, 1, ws->n);
    int rc = SAL_OK;
    for (size_t k = 0; rc == SAL_OK && k < o->boxes; k++) {
        sal_disc_box *b = disc_box_add(r);
        if (!b) {
            rc = SAL_ENOMEM;
            break;
        }
        rc = find_box(ws, &s, alive, o, b);
        if (rc == SAL_OK && k > 0 && !b->met) {
            drop_box(r);
            break;
        }
        size_t left = 0;
        for (size_t i = 0; rc == SAL_OK && i < ws->n; i++) {
            if (alive[i] && disc_in(ws, b->box.range, i, ws->p))
                alive[i] = 0;
            left += alive[i] && ws->d->y[i] && disc_w(ws, i) > 0;
        }
        if (left == 0)
            break;
    }
    scratch_free(&s);
    free(alive);
    return rc;
}

/* PRIM's first box on d; restricted[j] = 1 when it restricts input j with
 * a quasi-p-value <= max_qp.  SAL_EINPUT when d has no case of interest
 * (a replicate may draw none: then nothing is restricted). */
static int first_box(const sal_disc_data *d, const sal_disc_opts *o, unsigned char *restricted)
{
    memset(restricted, 0, d->p);
    sal_disc_opts one = *o;
    one.boxes = 1;
    sal_disc_result *r = disc_result_alloc(d);
    disc_ws ws;
    if (!r || disc_ws_init(&ws, d, r) != SAL_OK) {
        sal_disc_result_free(r);
        return SAL_ENOMEM;
    }
    int rc = ws.W1 > 0 ? cover(&ws, r, &one) : SAL_OK;
    for (size_t j = 0; rc == SAL_OK && r->nboxes && j < d->p; j++)
        restricted[j] = r->boxes[0].qp[j] <= o->max_qp;
    disc_ws_free(&ws);
    sal_disc_result_free(r);
    return rc;
}

/* Replicate k: n runs of d drawn with replacement from stream
 * (seed, k, SAL_DISC_STREAM), held as the distinct runs drawn, each
 * weighted by the times it was drawn (times its own weight).  The same
 * sample as n rows with repeats, except that a run drawn twice counts once
 * in the effective size of the quasi-p-value's binomial (Kish), not twice:
 * repeats are not new evidence. */
static int replicate(const sal_disc_data *d, const sal_disc_opts *o, unsigned k,
                     unsigned char *restricted)
{
    size_t n = d->n, p = d->p;
    double *x = malloc(n * p * sizeof *x), *w = calloc(n, sizeof *w);
    unsigned char *y = malloc(n);
    gsl_rng *g = sal_rng_alloc(o->seed, k, SAL_DISC_STREAM);
    int rc = SAL_ENOMEM;
    if (x && y && g && w) {
        for (size_t i = 0; i < n; i++)
            w[gsl_rng_uniform_int(g, n)] += 1;
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (w[i] == 0)
                continue;
            memcpy(x + m * p, d->x + i * p, p * sizeof *x);
            y[m] = d->y[i];
            w[m++] = w[i] * (d->w ? d->w[i] : 1);
        }
        sal_disc_data rd = {m, p, x, y, w, d->categorical};
        rc = first_box(&rd, o, restricted);
    }
    gsl_rng_free(g);
    free(x);
    free(w);
    free(y);
    return rc;
}

/* Stability of the first box: the share of replicates restricting each
 * input.  Replicates are independent and stored by index, so the threads
 * do not change the result. */
static int stability(const sal_disc_data *d, const sal_disc_opts *o, sal_disc_result *r)
{
    unsigned B = o->bootstrap;
    sal_disc_box *b = &r->boxes[0];
    unsigned char *flags = calloc((size_t)B * d->p, 1);
    if (!flags)
        return SAL_ENOMEM;
    int bad = 0;
    /* read by the num_threads clause below, which neither analyser sees */
    // cppcheck-suppress unreadVariable
    int nt = o->threads > 0 ? o->threads : omp_get_max_threads(); // NOLINT(clang-analyzer-deadcode.DeadStores)
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) reduction(| : bad)
    for (long k = 0; k < (long)B; k++)
        bad |= replicate(d, o, (unsigned)k, flags + (size_t)k * d->p) != SAL_OK;
    for (size_t j = 0; !bad && j < d->p; j++) {
        unsigned c = 0;
        for (unsigned k = 0; k < B; k++)
            c += flags[(size_t)k * d->p + j];
        b->stability[j] = (double)c / B;
    }
    if (bad) {
        free(flags);
        return SAL_ENOMEM;
    }
    r->replicates = flags;
    r->bootstrap = B;
    return SAL_OK;
}

int sal_prim(const sal_disc_data *d, const sal_disc_opts *opts, sal_disc_result **out,
             char *why, size_t whylen)
{
    *out = NULL;
    sal_disc_opts o;
    sal_disc_result *r;
    disc_ws ws;
    int rc = disc_begin(d, opts, why, whylen, &o, &r, &ws);
    if (rc != SAL_OK)
        return rc;
    rc = cover(&ws, r, &o);
    disc_ws_free(&ws);
    if (rc == SAL_OK && o.bootstrap) {
        rc = stability(d, &o, r);
    }
    if (rc != SAL_OK) {
        sal_disc_result_free(r);
        return rc;
    }
    disc_mark_irrelevant(r, o.max_qp);
    *out = r;
    return SAL_OK;
}

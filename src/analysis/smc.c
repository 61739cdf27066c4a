/* The tempered SMC sampler (see include/salient/smc.h for the equations;
 * docs/calibration.md for the method's choice and its checks). */
#include "salient/smc.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_heapsort.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>

#include "salient/base.h"
#include "salient/rng.h"

/* Purposes of the sampler's streams (the top bits keep them apart from the
 * engine's SAL_STREAM_* kinds, whose top nibble is 0, 1 or 2). */
#define PURPOSE_INIT 0xF0000000u
#define PURPOSE_RESAMPLE 0xF1000000u
#define PURPOSE_WALK 0xF2000000u
#define PURPOSE_KEY 0xF3000000u

struct sal_smc {
    sal_smc_model m;
    sal_smc_opts o;
    size_t n, d, nc;      /* particles, coordinates, continuous ones */
    size_t *cont;         /* indices of the continuous coordinates */
    double *x, *x2;       /* n x d, and the resampling buffer */
    uint64_t *key, *key2;
    double *ll, *ll2;
    double *logw;         /* normalised log weights */
    unsigned char *moved;
    unsigned char *acc;   /* n x 2: this sweep's acceptances (walk, key) */
    int *status;
    double *chol;         /* nc x nc lower factor of the proposal covariance */
    double *prop;         /* n x d proposals */
    gsl_rng **rng;        /* one per thread */
    int threads;
    size_t lo, hi;        /* this rank's share of the particles */
    unsigned char *pack;  /* n records of reclen bytes, for share */
    size_t reclen;
    double temp, lambda;
    int stage, done;
    uint64_t sims;
    sal_smc_stage *stages;
    size_t nstages, capstages;
};

/* ---- transforms: x (natural) <-> y (unconstrained) ----------------------- */

static double log_sigmoid(double y)
{
    return y > 0 ? -log1p(exp(-y)) : y - log1p(exp(y));
}

static double to_y(const sal_smc_coord *c, double x)
{
    double y;
    switch (c->kind) {
    case SAL_SMC_POSITIVE: y = log(x - c->lo); break;
    case SAL_SMC_BOUNDED: y = log(x - c->lo) - log(c->hi - x); break;
    default: return x;
    }
    /* a draw on the boundary (probability 0, but rounding) stays finite */
    return y < -700 ? -700 : y > 700 ? 700 : y;
}

static double from_y(const sal_smc_coord *c, double y)
{
    switch (c->kind) {
    case SAL_SMC_POSITIVE: return c->lo + exp(y);
    case SAL_SMC_BOUNDED: {
        double x = c->lo + (c->hi - c->lo) / (1 + exp(-y));
        return x < c->lo ? c->lo : x > c->hi ? c->hi : x;
    }
    default: return y;
    }
}

/* log |dx/dy| */
static double log_jac(const sal_smc_coord *c, double y)
{
    switch (c->kind) {
    case SAL_SMC_POSITIVE: return y;
    case SAL_SMC_BOUNDED: return log(c->hi - c->lo) + log_sigmoid(y) + log_sigmoid(-y);
    default: return 0;
    }
}

/* log p(x) + log|J(y)|: the prior density in y. */
static double log_prior_y(const sal_smc *s, const double *x)
{
    double lp = s->m.log_prior(s->m.ctx, x);
    if (!(lp > -INFINITY))
        return -INFINITY;
    for (size_t j = 0; j < s->nc; j++) {
        const sal_smc_coord *c = &s->m.coord[s->cont[j]];
        lp += log_jac(c, to_y(c, x[s->cont[j]]));
    }
    return lp;
}

/* ---- the ranks' shares ---------------------------------------------------- */

/* A particle's record between ranks: x, key, ll, status, moved and this
 * sweep's two acceptances (everything a loop over the particles writes). */
static size_t record_len(size_t d)
{
    return d * sizeof(double) + sizeof(uint64_t) + sizeof(double) + sizeof(int32_t) + 3;
}

static int split_alloc(sal_smc *s)
{
    s->lo = 0;
    s->hi = s->n;
    if (!s->o.share || s->o.ranks < 2)
        return SAL_OK;
    if (s->o.rank < 0 || s->o.rank >= s->o.ranks)
        return SAL_EINPUT;
    s->lo = s->n * (size_t)s->o.rank / (size_t)s->o.ranks;
    s->hi = s->n * ((size_t)s->o.rank + 1) / (size_t)s->o.ranks;
    s->reclen = record_len(s->d);
    s->pack = malloc(s->n * s->reclen);
    return s->pack ? SAL_OK : SAL_ENOMEM;
}

static void pack_one(const sal_smc *s, size_t i, unsigned char *p)
{
    int32_t st = s->status[i];
    memcpy(p, s->x + i * s->d, s->d * sizeof(double));
    p += s->d * sizeof(double);
    memcpy(p, &s->key[i], sizeof(uint64_t));
    memcpy(p + 8, &s->ll[i], sizeof(double));
    memcpy(p + 16, &st, sizeof st);
    p[20] = s->moved[i];
    p[21] = s->acc[2 * i];
    p[22] = s->acc[2 * i + 1];
}

static void unpack_one(sal_smc *s, size_t i, const unsigned char *p)
{
    int32_t st;
    memcpy(s->x + i * s->d, p, s->d * sizeof(double));
    p += s->d * sizeof(double);
    memcpy(&s->key[i], p, sizeof(uint64_t));
    memcpy(&s->ll[i], p + 8, sizeof(double));
    memcpy(&st, p + 16, sizeof st);
    s->status[i] = st;
    s->moved[i] = p[20];
    s->acc[2 * i] = p[21];
    s->acc[2 * i + 1] = p[22];
}

/* After a loop over this rank's share: every rank's particles everywhere. */
static int share_all(sal_smc *s)
{
    if (!s->pack)
        return SAL_OK;
    for (size_t i = s->lo; i < s->hi; i++)
        pack_one(s, i, s->pack + i * s->reclen);
    if (s->o.share(s->o.share_ctx, s->pack, s->reclen, s->n) != 0)
        return SAL_EIO;
    for (size_t i = 0; i < s->n; i++)
        if (i < s->lo || i >= s->hi)
            unpack_one(s, i, s->pack + i * s->reclen);
    return SAL_OK;
}

/* ---- allocation --------------------------------------------------------- */

sal_smc *sal_smc_alloc(const sal_smc_model *m, const sal_smc_opts *o)
{
    if (!m || !o || o->particles < 2 || m->dim == 0 || !m->coord || !m->prior_draw ||
        !m->log_prior || !m->loglik || o->particles > ((size_t)1 << 32) - 2)
        return NULL;
    sal_smc *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->m = *m;
    s->o = *o;
    if (!(s->o.cess_fraction > 0 && s->o.cess_fraction < 1))
        s->o.cess_fraction = 0.5;
    if (s->o.max_sweeps <= 0)
        s->o.max_sweeps = 50;
    if (!(s->o.moved_target > 0 && s->o.moved_target <= 1))
        s->o.moved_target = 0.95;
    s->n = o->particles;
    s->d = m->dim;
    for (size_t k = 0; k < s->d; k++)
        s->nc += m->coord[k].kind != SAL_SMC_DISCRETE;
    s->threads = o->threads > 0 ? o->threads : omp_get_max_threads();
    size_t n = s->n, d = s->d;
    s->cont = calloc(s->nc + 1, sizeof *s->cont);
    s->x = calloc(n * d, sizeof *s->x);
    s->x2 = calloc(n * d, sizeof *s->x2);
    s->prop = calloc(n * d, sizeof *s->prop);
    s->key = calloc(n, sizeof *s->key);
    s->key2 = calloc(n, sizeof *s->key2);
    s->ll = calloc(n, sizeof *s->ll);
    s->ll2 = calloc(n, sizeof *s->ll2);
    s->logw = calloc(n, sizeof *s->logw);
    s->moved = calloc(n, 1);
    s->acc = calloc(2 * n, 1);
    s->status = calloc(n, sizeof *s->status);
    s->chol = calloc(s->nc * s->nc + 1, sizeof *s->chol);
    s->rng = calloc((size_t)s->threads, sizeof *s->rng);
    int ok = s->cont && s->x && s->x2 && s->prop && s->key && s->key2 && s->ll && s->ll2 &&
             s->logw && s->moved && s->acc && s->status && s->chol && s->rng &&
             split_alloc(s) == SAL_OK;
    for (int t = 0; ok && t < s->threads; t++)
        ok = (s->rng[t] = sal_rng_alloc(o->seed, 0, 0)) != NULL;
    if (!ok) {
        sal_smc_free(s);
        return NULL;
    }
    for (size_t k = 0, j = 0; k < d; k++)
        if (m->coord[k].kind != SAL_SMC_DISCRETE)
            s->cont[j++] = k;
    s->lambda = 1;
    return s;
}

void sal_smc_free(sal_smc *s)
{
    if (!s)
        return;
    if (s->rng)
        for (int t = 0; t < s->threads; t++)
            if (s->rng[t])
                gsl_rng_free(s->rng[t]);
    free(s->rng);
    free(s->cont);
    free(s->x);
    free(s->x2);
    free(s->prop);
    free(s->key);
    free(s->key2);
    free(s->ll);
    free(s->ll2);
    free(s->logw);
    free(s->moved);
    free(s->acc);
    free(s->pack);
    free(s->status);
    free(s->chol);
    free(s->stages);
    free(s);
}

/* ---- helpers ------------------------------------------------------------ */

/* The stream of (stage, particle, purpose, sweep) on this thread. */
static gsl_rng *stream(sal_smc *s, size_t particle, uint32_t purpose, int sweep)
{
    gsl_rng *r = s->rng[omp_get_thread_num()];
    sal_rng_reset(r, s->o.seed, ((uint64_t)(uint32_t)s->stage << 32) | (uint64_t)particle,
                  purpose | ((uint32_t)sweep & 0x00FFFFFFu));
    return r;
}

static uint64_t draw_key(gsl_rng *r)
{
    uint64_t hi = gsl_rng_get(r), lo = gsl_rng_get(r);
    return (hi << 32 | lo) >> 1; /* 63 bits: a run index printable as signed */
}

static int first_error(const sal_smc *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->status[i] != SAL_OK)
            return s->status[i];
    return SAL_OK;
}

static int push_stage(sal_smc *s, const sal_smc_stage *st)
{
    if (s->nstages == s->capstages) {
        size_t cap = s->capstages ? 2 * s->capstages : 16;
        sal_smc_stage *p = realloc(s->stages, cap * sizeof *p);
        if (!p)
            return SAL_ENOMEM;
        s->stages = p;
        s->capstages = cap;
    }
    s->stages[s->nstages++] = *st;
    return SAL_OK;
}

/* Normalises log weights in place (log-sum-exp); returns 1 / sum W^2, or 0
 * when every weight is zero. */
static double normalise(double *logw, size_t n)
{
    double mx = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (logw[i] > mx)
            mx = logw[i];
    if (!(mx > -INFINITY))
        return 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += exp(logw[i] - mx);
    /* sum >= 1: the largest weight contributes exp(0) */
    double lz = mx + log(sum > 1 ? sum : 1), s2 = 0;
    for (size_t i = 0; i < n; i++) {
        logw[i] -= lz;
        s2 += exp(2 * logw[i]);
    }
    return 1 / s2;
}

/* ---- distinct particles ------------------------------------------------- */

typedef struct {
    const double *x;
    size_t d;
    uint64_t key;
} pview;

static int cmp_pview(const void *a, const void *b)
{
    const pview *p = a, *q = b;
    if (p->key != q->key)
        return p->key < q->key ? -1 : 1;
    return memcmp(p->x, q->x, p->d * sizeof *p->x);
}

/* Particles that differ in their coordinates (the key is left out: copies
 * that only drew new keys are not counted as distinct, which would flatter a
 * model whose runs hardly depend on the key). */
static size_t count_distinct(const sal_smc *s)
{
    if (s->n == 0)
        return 0;
    pview *v = malloc(s->n * sizeof *v);
    size_t *idx = malloc(s->n * sizeof *idx);
    size_t k = 0;
    if (v && idx) {
        for (size_t i = 0; i < s->n; i++)
            v[i] = (pview){s->x + i * s->d, s->d, 0};
        gsl_heapsort_index(idx, v, s->n, sizeof *v, cmp_pview);
        k = 1;
        for (size_t i = 1; i < s->n; i++)
            k += cmp_pview(&v[idx[i]], &v[idx[i - 1]]) != 0;
    }
    free(v);
    free(idx);
    return k;
}

/* ---- stage 0 ------------------------------------------------------------ */

int sal_smc_init(sal_smc *s)
{
    s->stage = 0;
    s->temp = 0;
    s->done = 0;
    s->nstages = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(s->threads)
    for (size_t i = s->lo; i < s->hi; i++) {
        gsl_rng *r = stream(s, i, PURPOSE_INIT, 0);
        double *x = s->x + i * s->d;
        s->m.prior_draw(s->m.ctx, r, x);
        s->key[i] = draw_key(r);
        s->status[i] = s->m.loglik(s->m.ctx, (size_t)omp_get_thread_num(), x, s->key[i],
                                   &s->ll[i]);
    }
    for (size_t i = 0; i < s->n; i++)
        s->logw[i] = -log((double)s->n);
    s->sims = s->n;
    int st = share_all(s);
    if (st == SAL_OK)
        st = first_error(s);
    if (st != SAL_OK)
        return st;
    sal_smc_stage rec = {0, 0, (double)s->n, count_distinct(s), NAN, NAN, 0, s->lambda, s->sims};
    return push_stage(s, &rec);
}

/* ---- 1. the next temperature -------------------------------------------- */

/* CESS(dt) / N = (sum W_i w_i)^2 / sum W_i w_i^2, w_i = exp(dt (ll_i - max)). */
static double cess(const sal_smc *s, double dt, double llmax)
{
    double a = 0, b = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (!(s->ll[i] > -INFINITY) || !(s->logw[i] > -INFINITY))
            continue;
        double lw = dt * (s->ll[i] - llmax);
        double W = exp(s->logw[i]);
        a += W * exp(lw);
        b += W * exp(2 * lw);
    }
    return b > 0 ? a * a / b : 0;
}

/* Bisection on dt in (0, 1 - t]: CESS is decreasing in dt; stop when the
 * bracket is below 1e-12 or after 100 halvings. */
static double next_temperature(const sal_smc *s)
{
    double llmax = -INFINITY;
    for (size_t i = 0; i < s->n; i++)
        if (s->logw[i] > -INFINITY && s->ll[i] > llmax)
            llmax = s->ll[i];
    double alpha = s->o.cess_fraction, hi = 1 - s->temp;
    if (cess(s, hi, llmax) >= alpha)
        return 1;
    double lo = 0;
    for (int it = 0; it < 100 && hi - lo > 1e-12; it++) {
        double mid = 0.5 * (lo + hi);
        if (cess(s, mid, llmax) >= alpha)
            lo = mid;
        else
            hi = mid;
    }
    /* lo > 0 always moves on, even when one particle dominates */
    return s->temp + (lo > 0 ? lo : hi);
}

/* ---- 2. systematic resampling ------------------------------------------- */

static void resample(sal_smc *s)
{
    gsl_rng *r = stream(s, s->n, PURPOSE_RESAMPLE, 0);
    double u = gsl_rng_uniform(r) / (double)s->n, cum = 0;
    size_t j = 0;
    for (size_t i = 0; i < s->n; i++) {
        cum += exp(s->logw[i]);
        while (j < s->n && u + (double)j / (double)s->n < cum) {
            memcpy(s->x2 + j * s->d, s->x + i * s->d, s->d * sizeof *s->x);
            s->key2[j] = s->key[i];
            s->ll2[j] = s->ll[i];
            j++;
        }
    }
    /* the sum of the weights may fall short of 1 by rounding: the last
     * particles repeat the last one with weight */
    for (size_t i = s->n; j < s->n && i-- > 0;)
        if (s->logw[i] > -INFINITY)
            for (; j < s->n; j++) {
                memcpy(s->x2 + j * s->d, s->x + i * s->d, s->d * sizeof *s->x);
                s->key2[j] = s->key[i];
                s->ll2[j] = s->ll[i];
            }
    double *tx = s->x; s->x = s->x2; s->x2 = tx;
    uint64_t *tk = s->key; s->key = s->key2; s->key2 = tk;
    double *tl = s->ll; s->ll = s->ll2; s->ll2 = tl;
    for (size_t i = 0; i < s->n; i++)
        s->logw[i] = -log((double)s->n);
}

/* ---- 3. the proposal covariance ----------------------------------------- */

/* chol = Cholesky factor of (lambda 2.38^2 / nc) Sigma, Sigma the weighted
 * covariance of y; a jitter on the diagonal (1e-10 of the mean variance,
 * growing tenfold) when Sigma is singular (a coordinate the population no
 * longer varies in). */
static int proposal(sal_smc *s)
{
    size_t nc = s->nc;
    if (nc == 0)
        return SAL_OK;
    gsl_matrix *c = gsl_matrix_calloc(nc, nc);
    double *mean = calloc(nc, sizeof *mean), *y = calloc(nc, sizeof *y);
    if (!c || !mean || !y) {
        gsl_matrix_free(c);
        free(mean);
        free(y);
        return SAL_ENOMEM;
    }
    for (size_t i = 0; i < s->n; i++) {
        double W = exp(s->logw[i]);
        for (size_t a = 0; a < nc; a++)
            mean[a] += W * to_y(&s->m.coord[s->cont[a]], s->x[i * s->d + s->cont[a]]);
    }
    for (size_t i = 0; i < s->n; i++) {
        double W = exp(s->logw[i]);
        for (size_t a = 0; a < nc; a++)
            y[a] = to_y(&s->m.coord[s->cont[a]], s->x[i * s->d + s->cont[a]]) - mean[a];
        for (size_t a = 0; a < nc; a++)
            for (size_t b = 0; b <= a; b++)
                *gsl_matrix_ptr(c, a, b) += W * y[a] * y[b];
    }
    double tr = 0;
    for (size_t a = 0; a < nc; a++)
        tr += gsl_matrix_get(c, a, a);
    double jitter = 1e-10 * (tr / (double)nc) + 1e-300, sc = s->lambda * 2.38 * 2.38 / (double)nc;
    gsl_matrix *f = gsl_matrix_alloc(nc, nc);
    int st = f ? GSL_EDOM : SAL_ENOMEM;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    for (int tries = 0; f && st != GSL_SUCCESS && tries < 40; tries++) {
        for (size_t a = 0; a < nc; a++)
            for (size_t b = 0; b <= a; b++) {
                double v = sc * gsl_matrix_get(c, a, b) + (a == b ? jitter : 0);
                gsl_matrix_set(f, a, b, v);
                gsl_matrix_set(f, b, a, v);
            }
        st = gsl_linalg_cholesky_decomp1(f);
        jitter *= 10; /* the next try, if this one failed, adds ten times more */
    }
    gsl_set_error_handler(old);
    if (st == GSL_SUCCESS)
        for (size_t a = 0; a < nc; a++)
            for (size_t b = 0; b < nc; b++)
                s->chol[a * nc + b] = b <= a ? gsl_matrix_get(f, a, b) : 0;
    gsl_matrix_free(f);
    gsl_matrix_free(c);
    free(mean);
    free(y);
    return st == GSL_SUCCESS ? SAL_OK : st == SAL_ENOMEM ? SAL_ENOMEM : SAL_EFAIL;
}

/* ---- 3. the moves --------------------------------------------------------- */

/* (i) for particle i: returns 1 if accepted. */
static int move_walk(sal_smc *s, size_t i, int sweep, int *status)
{
    gsl_rng *r = stream(s, i, PURPOSE_WALK, sweep);
    size_t d = s->d, nc = s->nc;
    const double *x = s->x + i * d;
    double *xp = s->prop + i * d;
    memcpy(xp, x, d * sizeof *x);
    double z[64], *zz = nc <= 64 ? z : malloc(nc * sizeof *zz);
    if (!zz) {
        *status = SAL_ENOMEM;
        return 0;
    }
    for (size_t a = 0; a < nc; a++)
        zz[a] = gsl_ran_gaussian_ziggurat(r, 1.0);
    for (size_t a = 0; a < nc; a++) {
        const sal_smc_coord *c = &s->m.coord[s->cont[a]];
        double y = to_y(c, x[s->cont[a]]);
        for (size_t b = 0; b <= a; b++)
            y += s->chol[a * nc + b] * zz[b];
        xp[s->cont[a]] = from_y(c, y);
    }
    if (zz != z)
        free(zz);
    for (size_t k = 0; k < d; k++)
        if (s->m.coord[k].kind == SAL_SMC_DISCRETE && gsl_rng_uniform(r) < 0.5)
            xp[k] = s->m.draw_coord(s->m.ctx, k, r);
    double lp1 = log_prior_y(s, xp);
    if (!(lp1 > -INFINITY))
        return 0;
    double ll1;
    *status = s->m.loglik(s->m.ctx, (size_t)omp_get_thread_num(), xp, s->key[i], &ll1);
    if (*status != SAL_OK || !(ll1 > -INFINITY))
        return 0;
    double lp0 = log_prior_y(s, x);
    double la = lp1 + s->temp * ll1 - lp0 - (s->ll[i] > -INFINITY ? s->temp * s->ll[i] : -INFINITY);
    if (la >= 0 || log(gsl_rng_uniform_pos(r)) < la) {
        memcpy(s->x + i * d, xp, d * sizeof *xp);
        s->ll[i] = ll1;
        return 1;
    }
    return 0;
}

/* (ii) for particle i: a fresh key; returns 1 if accepted. */
static int move_key(sal_smc *s, size_t i, int sweep, int *status)
{
    gsl_rng *r = stream(s, i, PURPOSE_KEY, sweep);
    uint64_t k1 = draw_key(r);
    double ll1;
    *status = s->m.loglik(s->m.ctx, (size_t)omp_get_thread_num(), s->x + i * s->d, k1, &ll1);
    if (*status != SAL_OK || !(ll1 > -INFINITY))
        return 0;
    double la = s->ll[i] > -INFINITY ? s->temp * (ll1 - s->ll[i]) : INFINITY;
    if (la >= 0 || log(gsl_rng_uniform_pos(r)) < la) {
        s->key[i] = k1;
        s->ll[i] = ll1;
        return 1;
    }
    return 0;
}

/* One sweep over every particle; adds the acceptances to *acc_w, *acc_k. */
static int sweep_all(sal_smc *s, int sweep, size_t *acc_w, size_t *acc_k)
{
#pragma omp parallel for schedule(dynamic, 4) num_threads(s->threads)
    for (size_t i = s->lo; i < s->hi; i++) {
        int st = SAL_OK, a = move_walk(s, i, sweep, &st), b = 0;
        if (st == SAL_OK && s->m.stochastic)
            b = move_key(s, i, sweep, &st);
        s->acc[2 * i] = (unsigned char)a;
        s->acc[2 * i + 1] = (unsigned char)b;
        s->status[i] = st;
        if (a) /* the key alone does not count: it may not matter */
            s->moved[i] = 1;
    }
    s->sims += s->n * (s->m.stochastic ? 2u : 1u);
    int sh = share_all(s);
    if (sh != SAL_OK)
        return sh;
    size_t aw = 0, ak = 0;
    for (size_t i = 0; i < s->n; i++) {
        aw += s->acc[2 * i];
        ak += s->acc[2 * i + 1];
    }
    *acc_k += ak;
    *acc_w += aw;
    return first_error(s);
}

/* Sweeps until the fraction moved reaches the target; lambda adapts after
 * each sweep towards an acceptance of 0.234 (Roberts, Gelman, Gilks 1997). */
static int move_all(sal_smc *s, sal_smc_stage *rec)
{
    memset(s->moved, 0, s->n);
    size_t tot_w = 0, tot_k = 0;
    int sweep = 0;
    rec->lambda = s->lambda;
    while (sweep < s->o.max_sweeps) {
        int st = proposal(s);
        if (st != SAL_OK)
            return st;
        size_t aw = 0, ak = 0;
        if ((st = sweep_all(s, sweep, &aw, &ak)) != SAL_OK)
            return st;
        sweep++;
        tot_w += aw;
        tot_k += ak;
        double acc = (double)aw / (double)s->n;
        s->lambda *= acc < 0.05 ? 0.3 : acc < 0.15 ? 0.6 : acc > 0.5 ? 1.6 : acc > 0.35 ? 1.2 : 1;
        s->lambda = s->lambda < 1e-6 ? 1e-6 : s->lambda > 10 ? 10 : s->lambda;
        size_t moved = 0;
        for (size_t i = 0; i < s->n; i++)
            moved += s->moved[i];
        if ((double)moved >= s->o.moved_target * (double)s->n)
            break;
    }
    rec->sweeps = sweep;
    rec->acceptance = (double)tot_w / (double)(s->n * (size_t)sweep);
    rec->key_acceptance = s->m.stochastic ? (double)tot_k / (double)(s->n * (size_t)sweep) : NAN;
    return SAL_OK;
}

int sal_smc_step(sal_smc *s)
{
    if (!s || s->nstages == 0)
        return SAL_EINPUT;
    if (s->done)
        return SAL_OK;
    double t1 = next_temperature(s);
    if (t1 > 1 || 1 - t1 < 1e-9)
        t1 = 1;
    for (size_t i = 0; i < s->n; i++)
        s->logw[i] = s->ll[i] > -INFINITY ? s->logw[i] + (t1 - s->temp) * s->ll[i] : -INFINITY;
    s->stage++;
    sal_smc_stage rec = {s->stage, t1, normalise(s->logw, s->n), 0, NAN, NAN, 0, s->lambda, 0};
    if (rec.ess == 0) {
        rec.simulations = s->sims;
        push_stage(s, &rec);
        return SAL_EFAIL;
    }
    s->temp = t1;
    resample(s);
    int st = move_all(s, &rec);
    rec.simulations = s->sims;
    rec.distinct = count_distinct(s);
    if (st == SAL_OK)
        st = push_stage(s, &rec);
    if (st != SAL_OK)
        return st;
    if (rec.distinct < s->o.min_distinct)
        return SAL_EFAIL;
    s->done = s->temp >= 1;
    return SAL_OK;
}

/* ---- accessors ---------------------------------------------------------- */

int sal_smc_done(const sal_smc *s) { return s->done; }
size_t sal_smc_nparticles(const sal_smc *s) { return s->n; }
size_t sal_smc_dim(const sal_smc *s) { return s->d; }
double sal_smc_temperature(const sal_smc *s) { return s->temp; }
const double *sal_smc_x(const sal_smc *s, size_t i) { return s->x + i * s->d; }
uint64_t sal_smc_key(const sal_smc *s, size_t i) { return s->key[i]; }
double sal_smc_loglik(const sal_smc *s, size_t i) { return s->ll[i]; }
double sal_smc_weight(const sal_smc *s, size_t i) { return exp(s->logw[i]); }
size_t sal_smc_nstages(const sal_smc *s) { return s->nstages; }

const sal_smc_stage *sal_smc_stage_get(const sal_smc *s, size_t k)
{
    return k < s->nstages ? &s->stages[k] : NULL;
}

/* ---- checkpoints -------------------------------------------------------- */

static const char magic[8] = "SALSMC1";

typedef struct {
    uint64_t n, d, nstages;
    int32_t stage, done;
    double temp, lambda;
    uint64_t sims;
} ckpt_head;

int sal_smc_save(const sal_smc *s, FILE *f)
{
    ckpt_head h = {s->n, s->d, s->nstages, s->stage, s->done, s->temp, s->lambda, s->sims};
    int ok = fwrite(magic, 1, 8, f) == 8 && fwrite(&h, sizeof h, 1, f) == 1 &&
             fwrite(s->x, sizeof *s->x, s->n * s->d, f) == s->n * s->d &&
             fwrite(s->key, sizeof *s->key, s->n, f) == s->n &&
             fwrite(s->ll, sizeof *s->ll, s->n, f) == s->n &&
             fwrite(s->logw, sizeof *s->logw, s->n, f) == s->n &&
             (s->nstages == 0 ||
              fwrite(s->stages, sizeof *s->stages, s->nstages, f) == s->nstages);
    return ok ? SAL_OK : SAL_EIO;
}

int sal_smc_load(sal_smc *s, FILE *f)
{
    char mg[8];
    ckpt_head h;
    if (fread(mg, 1, 8, f) != 8 || memcmp(mg, magic, 8) != 0 || fread(&h, sizeof h, 1, f) != 1)
        return SAL_EINPUT;
    if (h.n != s->n || h.d != s->d || h.nstages == 0 || h.nstages > 1000000)
        return SAL_EINPUT;
    sal_smc_stage *st = malloc((size_t)h.nstages * sizeof *st);
    if (!st)
        return SAL_ENOMEM;
    int ok = fread(s->x, sizeof *s->x, s->n * s->d, f) == s->n * s->d &&
             fread(s->key, sizeof *s->key, s->n, f) == s->n &&
             fread(s->ll, sizeof *s->ll, s->n, f) == s->n &&
             fread(s->logw, sizeof *s->logw, s->n, f) == s->n &&
             fread(st, sizeof *st, (size_t)h.nstages, f) == h.nstages;
    if (!ok) {
        free(st);
        return SAL_EINPUT;
    }
    free(s->stages);
    s->stages = st;
    s->nstages = s->capstages = (size_t)h.nstages;
    s->stage = h.stage;
    s->done = h.done;
    s->temp = h.temp;
    s->lambda = h.lambda;
    s->sims = h.sims;
    return SAL_OK;
}

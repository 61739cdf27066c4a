/* Nonlinear least-squares fit of the attrition law (include/salient/fit.h).
 *
 * Parameters.  The solver works on
 *
 *     x = (log a', log b', u, v),   a' = a * Bref^p * Aref^q,
 *                                   b' = b * Aref^p * Bref^q,
 *                                   p = u^2, q = v^2,
 *
 * so that L_A = a B^p A^q = a' (B/Bref)^p (A/Aref)^q: a' and b' are loss
 * rates in troops/day at the reference strengths Aref, Bref (the means of the
 * positive observations of each side).  Fitting log a and p directly would
 * couple them through d(log L)/dp = log B ~ 10, a condition number in the
 * hundreds; the reference scaling removes most of that, and the logarithms
 * keep a, b > 0.  The squares keep p, q >= 0 and make the boundary (the
 * square law's q = 0, the log law's p = 0) an ordinary stationary point the
 * solver can converge to, instead of a wall of rejected steps.  For a
 * classic law only the first two are free.  The covariance is computed in
 * the natural coordinates (log a', log b', p, q), so it stays meaningful at
 * u = 0 or v = 0, where dp/du = 0.
 *
 * Residuals r = (A(1) - A_1, B(1) - B_1, ..., A(n-1) - A_{n-1}, B(n-1) - B_{n-1}),
 * Jacobian from the sensitivities of sal_lanchester_path_sens (with respect
 * to log a, log b, p, q) by the chain rule:
 *
 *     dr/dx_0 = dr/dlog a,   dr/dx_1 = dr/dlog b,
 *     dr/dp|a',b' = dr/dp - log Bref dr/dlog a - log Aref dr/dlog b,
 *     dr/dq|a',b' = dr/dq - log Aref dr/dlog a - log Bref dr/dlog b,
 *     dr/du = 2u dr/dp|a',b',   dr/dv = 2v dr/dq|a',b'.
 *
 * Inadmissible points (p or q outside [0, P_MAX], a or b overflowing, an
 * integration failure) get a constant residual larger than any admissible
 * one, so the trust-region step is rejected and shortened. */
#include "salient/fit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_vector.h>

#include "salient/rng.h"

#define P_MAX 4.0      /* exponents searched in [0, P_MAX] */
#define RANK_TOL 1e-12 /* smallest / largest singular value of J */

typedef struct {
    const sal_battle *d;
    size_t k;          /* parameters: 2 or 4 */
    double p, q;       /* the exponents when k == 2 */
    double lnA, lnB;   /* log Aref, log Bref */
    double penalty;    /* residual of an inadmissible point */
    sal_lanchester_ws *ws;
    double *A, *B, *dA, *dB; /* path and sensitivities at xlast */
    double xlast[4];
    int have, ok;
    int natural;       /* Jacobian in (log a', log b', p, q), not (.., u, v) */
    const sal_fit_opts *o; /* for its progress callback */
    long paths;        /* integrations of the path so far */
} fit_ctx;

void sal_fit_opts_init(sal_fit_opts *o)
{
    memset(o, 0, sizeof *o);
    o->law = SAL_LAW_SQUARE;
    o->maxiter = 200;
    o->xtol = 1e-9;
    o->gtol = 1e-10;
    o->name = "<data>";
}

/* The law's coefficients at x; -1 when x is inadmissible. */
static int model_of(const fit_ctx *c, const double *x, sal_lanchester *m)
{
    m->p = c->k == 4 ? x[2] * x[2] : c->p;
    m->q = c->k == 4 ? x[3] * x[3] : c->q;
    m->a = exp(x[0] - m->p * c->lnB - m->q * c->lnA);
    m->b = exp(x[1] - m->p * c->lnA - m->q * c->lnB);
    if (!(m->p >= 0 && m->p <= P_MAX && m->q >= 0 && m->q <= P_MAX))
        return -1;
    return m->a > 0 && m->b > 0 && isfinite(m->a) && isfinite(m->b) ? 0 : -1;
}

/* The path and its sensitivities at x, cached: GSL asks for the Jacobian at
 * the point whose residuals it computed last. */
static int eval_path(fit_ctx *c, const double *x)
{
    if (c->have && memcmp(x, c->xlast, c->k * sizeof(double)) == 0)
        return c->ok;
    memcpy(c->xlast, x, c->k * sizeof(double));
    c->have = 1;
    sal_lanchester m;
    const sal_battle *d = c->d;
    c->ok = model_of(c, x, &m) == 0 &&
            sal_lanchester_path_sens(c->ws, &m, d->A[0], d->B[0], d->n - 1,
                                     d->reinf_A, d->reinf_B, c->A, c->B, c->dA,
                                     c->dB) == SAL_OK;
    c->paths++;
    if (c->o && c->o->progress)
        c->o->progress(c->o->progress_ctx, c->paths);
    return c->ok;
}

static int resid_f(const gsl_vector *xv, void *vp, gsl_vector *f)
{
    fit_ctx *c = vp;
    double x[4] = {0};
    for (size_t j = 0; j < c->k; j++)
        x[j] = gsl_vector_get(xv, j);
    int ok = eval_path(c, x);
    for (size_t t = 1; t < c->d->n; t++) {
        gsl_vector_set(f, 2 * (t - 1), ok ? c->A[t] - c->d->A[t] : c->penalty);
        gsl_vector_set(f, 2 * (t - 1) + 1, ok ? c->B[t] - c->d->B[t] : c->penalty);
    }
    return GSL_SUCCESS;
}

/* One row of J from the sensitivities s[0..3] (log a, log b, p, q). */
static void jac_row(const fit_ctx *c, const double *s, gsl_matrix *J, size_t row)
{
    gsl_matrix_set(J, row, 0, s[0]);
    gsl_matrix_set(J, row, 1, s[1]);
    if (c->k == 4) {
        double dp = s[2] - c->lnB * s[0] - c->lnA * s[1];
        double dq = s[3] - c->lnA * s[0] - c->lnB * s[1];
        gsl_matrix_set(J, row, 2, c->natural ? dp : 2 * c->xlast[2] * dp);
        gsl_matrix_set(J, row, 3, c->natural ? dq : 2 * c->xlast[3] * dq);
    }
}

static int resid_df(const gsl_vector *xv, void *vp, gsl_matrix *J)
{
    fit_ctx *c = vp;
    double x[4] = {0};
    for (size_t j = 0; j < c->k; j++)
        x[j] = gsl_vector_get(xv, j);
    if (!eval_path(c, x)) {
        gsl_matrix_set_zero(J);
        return GSL_SUCCESS;
    }
    for (size_t t = 1; t < c->d->n; t++) {
        jac_row(c, c->dA + 4 * t, J, 2 * (t - 1));
        jac_row(c, c->dB + 4 * t, J, 2 * (t - 1) + 1);
    }
    return GSL_SUCCESS;
}

/* ---- starting values --------------------------------------------------- */

/* Regression through the origin of each day's losses, start + arrivals -
 * end, on the day's mean of B^p A^q (trapezoid of its two ends):
 * a0 = sum(L x) / sum(x^2); likewise b0.  Returns x0 = (log a0', log b0'). */
static void regress_start(const fit_ctx *c, double p, double q, double x0[2])
{
    const sal_battle *d = c->d;
    const sal_lanchester unit = {1, 1, p, q};
    double num[2] = {0, 0}, den[2] = {0, 0}, mean[2] = {0, 0}, xs[2] = {0, 0};
    for (size_t t = 1; t < d->n; t++) {
        double u0[2], u1[2];
        sal_lanchester_rates(&unit, d->A[t - 1], d->B[t - 1], &u0[0], &u0[1]);
        sal_lanchester_rates(&unit, d->A[t], d->B[t], &u1[0], &u1[1]);
        const double loss[2] = {d->A[t - 1] + d->reinf_A[t] - d->A[t],
                                d->B[t - 1] + d->reinf_B[t] - d->B[t]};
        for (int s = 0; s < 2; s++) {
            double x = 0.5 * (u0[s] + u1[s]);
            num[s] += loss[s] * x;
            den[s] += x * x;
            xs[s] += x;
        }
        mean[0] += d->A[t];
        mean[1] += d->B[t];
    }
    for (int s = 0; s < 2; s++) {
        double coef = den[s] > 0 ? num[s] / den[s] : 0;
        if (!(coef > 0) || !isfinite(coef)) /* no net losses: 0.1% a day */
            coef = xs[s] > 0 ? 1e-3 * mean[s] / xs[s] : 1e-6;
        if (!(coef > 0) || !isfinite(coef))
            coef = 1e-6;
        /* log a' = log a + p log Bref + q log Aref (and b with A, B swapped) */
        x0[s] = log(coef) + (s == 0 ? p * c->lnB + q * c->lnA : p * c->lnA + q * c->lnB);
    }
}

/* ---- the solver -------------------------------------------------------- */

typedef struct {
    double x[4];
    double sse;
    int iterations;
    int converged;
} start_out;

static int solve(fit_ctx *c, const sal_fit_opts *o, const double *x0, start_out *out)
{
    size_t N = 2 * (c->d->n - 1);
    gsl_multifit_nlinear_fdf fdf;
    memset(&fdf, 0, sizeof fdf);
    fdf.f = resid_f;
    fdf.df = resid_df;
    fdf.n = N;
    fdf.p = c->k;
    fdf.params = c;
    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    par.trs = gsl_multifit_nlinear_trs_lmaccel;
    par.scale = gsl_multifit_nlinear_scale_more;
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, N, c->k);
    if (!w)
        return SAL_ENOMEM;
    double xs[4];
    memcpy(xs, x0, c->k * sizeof(double));
    gsl_vector_view xv = gsl_vector_view_array(xs, c->k);
    int info = 0, st = gsl_multifit_nlinear_init(&xv.vector, &fdf, w);
    if (st == GSL_SUCCESS)
        st = gsl_multifit_nlinear_driver((size_t)o->maxiter, o->xtol, o->gtol, 0.0,
                                         NULL, NULL, &info, w);
    const gsl_vector *x = gsl_multifit_nlinear_position(w);
    for (size_t j = 0; j < c->k; j++)
        out->x[j] = gsl_vector_get(x, j);
    double chi;
    gsl_blas_ddot(gsl_multifit_nlinear_residual(w), gsl_multifit_nlinear_residual(w), &chi);
    out->iterations = (int)gsl_multifit_nlinear_niter(w);
    gsl_multifit_nlinear_free(w);
    c->have = 0;
    /* the final point must be admissible (not a penalty plateau) */
    out->converged = st == GSL_SUCCESS && eval_path(c, out->x);
    out->sse = eval_path(c, out->x) ? chi : INFINITY;
    return SAL_OK;
}

/* Keeps the better of two starts: converged first, then lower SSE. */
static void keep_best(start_out *best, const start_out *s, int *have)
{
    if (!*have || (s->converged && !best->converged) ||
        (s->converged == best->converged && s->sse < best->sse)) {
        *best = *s;
        *have = 1;
    }
}

/* A classic law (k = 2) from the regression start; if that does not
 * converge, from starts 10 times larger and smaller. */
static int fit_fixed(fit_ctx *c, const sal_fit_opts *o, double p, double q,
                     start_out *best, int *starts)
{
    c->k = 2;
    c->p = p;
    c->q = q;
    double x0[2];
    regress_start(c, p, q, x0);
    int have = 0;
    const double shift[3] = {0, log(10.0), -log(10.0)};
    for (int i = 0; i < 3 && !(have && best->converged); i++) {
        const double xi[2] = {x0[0] + shift[i], x0[1] + shift[i]};
        start_out s;
        int st = solve(c, o, xi, &s);
        if (st != SAL_OK)
            return st;
        ++*starts;
        keep_best(best, &s, &have);
    }
    return SAL_OK;
}

/* The free law from the fits of the three classic laws and from
 * p = q = 1/2, keeping the lowest SSE.  An exponent of 0 starts at 0.01:
 * at v = 0 exactly the gradient in v vanishes and v would never move.  The
 * classic fits themselves are candidates too (points of the free law), so
 * the free law never reports a worse fit than the laws it contains. */
static int fit_free(fit_ctx *c, const sal_fit_opts *o, start_out *best, int *starts)
{
    static const double pq[4][2] = {{1, 0}, {1, 1}, {0, 1}, {0.5, 0.5}};
    int have = 0;
    for (int i = 0; i < 4; i++) {
        start_out classic, s;
        double x0[4];
        if (i < 3) {
            int st = fit_fixed(c, o, pq[i][0], pq[i][1], &classic, starts);
            if (st != SAL_OK)
                return st;
            memcpy(x0, classic.x, 2 * sizeof(double));
            classic.x[2] = sqrt(pq[i][0]);
            classic.x[3] = sqrt(pq[i][1]);
            keep_best(best, &classic, &have);
        } else {
            c->k = 2;
            regress_start(c, pq[i][0], pq[i][1], x0);
        }
        x0[2] = sqrt(fmax(pq[i][0], 0.01));
        x0[3] = sqrt(fmax(pq[i][1], 0.01));
        c->k = 4;
        int st = solve(c, o, x0, &s);
        if (st != SAL_OK)
            return st;
        ++*starts;
        keep_best(best, &s, &have);
    }
    return SAL_OK;
}

/* ---- covariance -------------------------------------------------------- */

/* C = s^2 (J^T J)^-1 in the natural coordinates (log a', log b', p, q)
 * from the SVD J = U S V^T: (J^T J)^-1 = V S^-2 V^T.  Returns 0 when J is
 * rank deficient (smallest / largest singular value below RANK_TOL). */
static int jac_cov(fit_ctx *c, const start_out *s, double s2, double C[4][4], int *oom)
{
    size_t N = 2 * (c->d->n - 1), k = c->k;
    gsl_matrix *J = gsl_matrix_alloc(N, k), *V = gsl_matrix_alloc(k, k);
    gsl_vector *S = gsl_vector_alloc(k), *work = gsl_vector_alloc(k);
    gsl_vector_view xv = gsl_vector_view_array((double *)s->x, k);
    int full = 0;
    *oom = !(J && V && S && work);
    if (!*oom) {
        c->natural = 1;
        c->have = 0;
        resid_df(&xv.vector, c, J);
        c->natural = 0;
        gsl_linalg_SV_decomp(J, V, S, work);
        full = gsl_vector_get(S, k - 1) > RANK_TOL * gsl_vector_get(S, 0);
    }
    for (size_t i = 0; full && i < k; i++)
        for (size_t j = 0; j < k; j++) {
            double v = 0;
            for (size_t l = 0; l < k; l++) {
                double sl = gsl_vector_get(S, l);
                v += gsl_matrix_get(V, i, l) * gsl_matrix_get(V, j, l) / (sl * sl);
            }
            C[i][j] = s2 * v;
        }
    gsl_matrix_free(J);
    gsl_matrix_free(V);
    gsl_vector_free(S);
    gsl_vector_free(work);
    return full;
}

/* cov(a, b, p, q) = G C G^T, G = d(a, b, p, q)/d(log a', log b', p, q)
 * (the delta method); NaN when J is rank deficient. */
static int covariance(fit_ctx *c, const start_out *s, sal_fit_result *res)
{
    double C[4][4] = {{0}}, G[4][4] = {{0}};
    int oom, full = jac_cov(c, s, res->s2, C, &oom);
    G[0][0] = res->a;
    G[1][1] = res->b;
    if (c->k == 4) {
        G[0][2] = -res->a * c->lnB;
        G[0][3] = -res->a * c->lnA;
        G[1][2] = -res->b * c->lnA;
        G[1][3] = -res->b * c->lnB;
        G[2][2] = G[3][3] = 1;
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            double v = 0;
            for (size_t l = 0; l < c->k; l++)
                for (size_t m = 0; m < c->k; m++)
                    v += G[i][l] * C[l][m] * G[j][m];
            res->cov[i][j] = full ? v : NAN;
        }
    return oom ? SAL_ENOMEM : SAL_OK;
}

/* ---- the result -------------------------------------------------------- */

static int fill_result(fit_ctx *c, sal_law law, const start_out *s, sal_fit_result *res)
{
    sal_lanchester m;
    model_of(c, s->x, &m);
    res->law = law;
    res->a = m.a;
    res->b = m.b;
    res->p = m.p;
    res->q = m.q;
    res->k = c->k;
    res->n = 2 * (c->d->n - 1);
    res->iterations = s->iterations;
    res->converged = s->converged;
    if (!eval_path(c, s->x))
        return SAL_EFAIL;
    const sal_battle *d = c->d;
    double mA = 0, mB = 0, sst = 0;
    res->sse_A = res->sse_B = 0;
    for (size_t t = 1; t < d->n; t++) {
        res->sse_A += (c->A[t] - d->A[t]) * (c->A[t] - d->A[t]);
        res->sse_B += (c->B[t] - d->B[t]) * (c->B[t] - d->B[t]);
        mA += d->A[t] / (double)(d->n - 1);
        mB += d->B[t] / (double)(d->n - 1);
    }
    for (size_t t = 1; t < d->n; t++)
        sst += (d->A[t] - mA) * (d->A[t] - mA) + (d->B[t] - mB) * (d->B[t] - mB);
    res->sse = res->sse_A + res->sse_B;
    res->r2 = sst > 0 ? 1 - res->sse / sst : NAN;
    res->s2 = res->sse / (double)(res->n - res->k);
    int st = covariance(c, s, res);
    res->se_a = sqrt(res->cov[0][0]);
    res->se_b = sqrt(res->cov[1][1]);
    res->se_p = c->k == 4 ? sqrt(res->cov[2][2]) : 0;
    res->se_q = c->k == 4 ? sqrt(res->cov[3][3]) : 0;
    return st;
}

/* ---- checks and entry points ------------------------------------------- */

static int check_data(const sal_battle *d, size_t k, sal_law law, const char *name,
                      sal_diags *diags)
{
    if (!d || d->n < SAL_BATTLE_MIN_ROWS) {
        sal_diags_add(diags, name, 0, 0, "%zu rows; expected at least %d (day 0 and two "
                      "days of fighting)", d ? d->n : 0, SAL_BATTLE_MIN_ROWS);
        return SAL_EINPUT;
    }
    if (2 * (d->n - 1) <= k) {
        sal_diags_add(diags, name, 0, 0, "%zu rows give %zu observations for the %zu "
                      "parameters of the %s law; expected at least %zu rows", d->n,
                      2 * (d->n - 1), k, sal_law_name(law), k / 2 + 2);
        return SAL_EINPUT;
    }
    int posA = 0, posB = 0;
    for (size_t t = 0; t < d->n; t++) {
        const double v[4] = {d->A[t], d->B[t], d->reinf_A[t], d->reinf_B[t]};
        for (int i = 0; i < 4; i++)
            if (!isfinite(v[i]) || v[i] < 0) {
                sal_diags_add(diags, name, 0, 0, "day %zu: a value %g; expected finite "
                              "numbers >= 0", t, v[i]);
                return SAL_EINPUT;
            }
        posA |= d->A[t] > 0;
        posB |= d->B[t] > 0;
    }
    if (!posA || !posB) {
        sal_diags_add(diags, name, 0, 0, "side %s is 0 on every day; expected troops on "
                      "both sides", posA ? "B" : "A");
        return SAL_EINPUT;
    }
    return SAL_OK;
}

/* log of the mean of the positive values of x[0..n-1]. */
static double log_ref(const double *x, size_t n)
{
    double s = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (x[i] > 0) {
            s += x[i];
            k++;
        }
    return log(s / (double)k);
}

static int ctx_init(fit_ctx *c, const sal_battle *d)
{
    memset(c, 0, sizeof *c);
    if (d->n < SAL_BATTLE_MIN_ROWS)
        return SAL_EINPUT; /* check_data said so already; kept for the analyser */
    c->d = d;
    c->lnA = log_ref(d->A, d->n);
    c->lnB = log_ref(d->B, d->n);
    double big = d->A[0] + d->B[0] + 1;
    for (size_t t = 0; t < d->n; t++)
        big += d->A[t] + d->B[t] + d->reinf_A[t] + d->reinf_B[t];
    c->penalty = 10 * big; /* every admissible path stays within big */
    c->ws = sal_lanchester_ws_alloc();
    c->A = malloc(d->n * sizeof(double));
    c->B = malloc(d->n * sizeof(double));
    c->dA = malloc(4 * d->n * sizeof(double));
    c->dB = malloc(4 * d->n * sizeof(double));
    return c->ws && c->A && c->B && c->dA && c->dB ? SAL_OK : SAL_ENOMEM;
}

static void ctx_free(fit_ctx *c)
{
    sal_lanchester_ws_free(c->ws);
    free(c->A);
    free(c->B);
    free(c->dA);
    free(c->dB);
}

static void fill_opts(const sal_fit_opts *in, sal_fit_opts *o)
{
    sal_fit_opts_init(o);
    if (!in)
        return;
    o->law = in->law;
    if (in->maxiter > 0)
        o->maxiter = in->maxiter;
    if (in->xtol > 0)
        o->xtol = in->xtol;
    if (in->gtol > 0)
        o->gtol = in->gtol;
    if (in->name)
        o->name = in->name;
    o->progress = in->progress;
    o->progress_ctx = in->progress_ctx;
}

/* The name of the first statistic of res that is not finite, or NULL.  A
 * NaN R^2 or standard error is no result (e.g. series of constant or
 * denormal values, near 1e-300, where every law fits with SSE 0). */
static const char *nonfinite_stat(const sal_fit_result *r)
{
    const struct {
        const char *name;
        double v;
    } s[] = {{"a", r->a}, {"b", r->b}, {"p", r->p}, {"q", r->q}, {"the SSE", r->sse},
             {"R^2", r->r2}, {"s^2", r->s2}, {"the standard error of a", r->se_a},
             {"the standard error of b", r->se_b}, {"the standard error of p", r->se_p},
             {"the standard error of q", r->se_q}};
    for (size_t i = 0; i < sizeof s / sizeof *s; i++)
        if (!isfinite(s[i].v))
            return s[i].name;
    return NULL;
}

/* The fit without touching GSL's error handler (the callers do). */
static int fit_core(const sal_battle *data, const sal_fit_opts *o, sal_fit_result *res,
                    sal_diags *diags)
{
    size_t k = o->law == SAL_LAW_FREE ? 4 : 2;
    memset(res, 0, sizeof *res);
    int st = check_data(data, k, o->law, o->name, diags);
    if (st != SAL_OK)
        return st;
    fit_ctx c;
    st = ctx_init(&c, data);
    c.o = o;
    start_out best;
    memset(&best, 0, sizeof best);
    int starts = 0;
    if (st == SAL_OK) {
        if (o->law == SAL_LAW_FREE) {
            st = fit_free(&c, o, &best, &starts);
        } else {
            double p = 1, q = 0;
            sal_law_exponents(o->law, &p, &q);
            st = fit_fixed(&c, o, p, q, &best, &starts);
        }
    }
    if (st == SAL_OK)
        st = fill_result(&c, o->law, &best, res);
    res->starts = starts;
    ctx_free(&c);
    const char *bad = st == SAL_OK ? nonfinite_stat(res) : NULL;
    if (bad) {
        sal_diags_add(diags, o->name, 0, 0, "the %s-law fit has no finite statistics (%s is "
                      "not a number): the data cannot determine the law (constant series, or "
                      "values too small to weigh, such as 1e-300); nothing to report",
                      sal_law_name(o->law), bad);
        return SAL_ERANGE;
    }
    if (st == SAL_OK && !res->converged) {
        sal_diags_add(diags, o->name, 0, 0, "the %s-law fit did not converge in %d "
                      "iterations from %d starting points; the best point found is "
                      "reported", sal_law_name(o->law), o->maxiter, starts);
        st = SAL_EFAIL;
    }
    return st;
}

int sal_fit_battle(const sal_battle *data, const sal_fit_opts *opts,
                   sal_fit_result *res, sal_diags *diags)
{
    sal_fit_opts o;
    fill_opts(opts, &o);
    /* GSL's default handler prints and aborts; the library never does */
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int st = fit_core(data, &o, res, diags);
    gsl_set_error_handler(old);
    return st;
}

int sal_fit_series(const sal_battle *data, const sal_fit_result *res, double *A, double *B)
{
    if (!data || !res || data->n == 0)
        return SAL_EINPUT;
    sal_lanchester_ws *ws = sal_lanchester_ws_alloc();
    if (!ws)
        return SAL_ENOMEM;
    const sal_lanchester m = {res->a, res->b, res->p, res->q};
    int st = sal_lanchester_path(ws, &m, data->A[0], data->B[0], data->n - 1,
                                 data->reinf_A, data->reinf_B, A, B);
    sal_lanchester_ws_free(ws);
    return st;
}

/* Replicate i of the bootstrap: simulate, refit, store the estimates. */
static int boot_one(const sal_battle *data, const sal_fit_opts *o, const sal_lanchester *m,
                    sal_lanchester_ws *ws, gsl_rng *rng, sal_battle *rep, double est[4])
{
    int st = sal_lanchester_sample(ws, m, SAL_NOISE_POISSON, 0, rng, data->A[0], data->B[0],
                                   data->n - 1, data->reinf_A, data->reinf_B, rep->A, rep->B);
    if (st != SAL_OK)
        return st;
    sal_fit_result r;
    st = fit_core(rep, o, &r, NULL);
    est[0] = r.a;
    est[1] = r.b;
    est[2] = r.p;
    est[3] = r.q;
    return st;
}

/* Runs the nboot replicates, in parallel; est[4i..4i+3] and ok[i] per
 * replicate.  Returns non-zero on out of memory. */
static int boot_run(const sal_battle *data, const sal_fit_opts *o, const sal_lanchester *m,
                    int nboot, uint64_t seed, double *est, int *ok)
{
    int oom = 0;
#pragma omp parallel reduction(| : oom)
    {
        sal_lanchester_ws *ws = sal_lanchester_ws_alloc();
        gsl_rng *rng = sal_rng_alloc(seed, 0, 0);
        sal_battle *rep = sal_battle_alloc(data->n);
        if (!ws || !rng || !rep)
            oom = 1;
        if (rep) {
            memcpy(rep->reinf_A, data->reinf_A, data->n * sizeof(double));
            memcpy(rep->reinf_B, data->reinf_B, data->n * sizeof(double));
        }
#pragma omp for schedule(dynamic)
        for (int i = 0; i < nboot; i++) {
            ok[i] = 0;
            if (!ws || !rng || !rep)
                continue;
            sal_rng_reset(rng, seed, (uint64_t)i, 0);
            ok[i] = boot_one(data, o, m, ws, rng, rep, est + 4 * (size_t)i) == SAL_OK;
        }
        sal_lanchester_ws_free(ws);
        gsl_rng_free(rng);
        sal_battle_free(rep);
    }
    return oom;
}

/* Standard deviations of the converged replicates, summed in replicate
 * order so that the result does not depend on the thread count.  Returns
 * the number used. */
static int boot_spread(const double *est, const int *ok, int nboot, double se[4])
{
    int used = 0;
    double mean[4] = {0}, ss[4] = {0};
    for (int i = 0; i < nboot; i++)
        if (ok[i]) {
            used++;
            for (int j = 0; j < 4; j++)
                mean[j] += est[4 * i + j];
        }
    for (int j = 0; j < 4 && used; j++)
        mean[j] /= used;
    for (int i = 0; i < nboot; i++)
        for (int j = 0; ok[i] && j < 4; j++)
            ss[j] += (est[4 * i + j] - mean[j]) * (est[4 * i + j] - mean[j]);
    for (int j = 0; j < 4; j++)
        se[j] = used > 1 ? sqrt(ss[j] / (used - 1)) : NAN;
    return used;
}

int sal_fit_bootstrap(const sal_battle *data, const sal_fit_opts *opts,
                      const sal_fit_result *res, int nboot, uint64_t seed,
                      double se[4], int *nfailed, sal_diags *diags)
{
    sal_fit_opts o;
    fill_opts(opts, &o);
    o.law = res->law;
    if (nboot < 2 || !data || data->n < SAL_BATTLE_MIN_ROWS) {
        sal_diags_add(diags, o.name, 0, 0, "a bootstrap of %d replicates; expected at "
                      "least 2 replicates of a series of at least %d rows", nboot,
                      SAL_BATTLE_MIN_ROWS);
        return SAL_EINPUT;
    }
    for (int j = 0; j < 4; j++)
        se[j] = NAN;
    double *est = malloc(4 * (size_t)nboot * sizeof(double));
    int *ok = malloc((size_t)nboot * sizeof(int));
    int st = est && ok ? SAL_OK : SAL_ENOMEM;
    const sal_lanchester m = {res->a, res->b, res->p, res->q};
    if (st == SAL_OK) {
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        if (boot_run(data, &o, &m, nboot, seed, est, ok))
            st = SAL_ENOMEM;
        gsl_set_error_handler(old);
    }
    int used = st == SAL_OK ? boot_spread(est, ok, nboot, se) : 0;
    if (res->law != SAL_LAW_FREE)
        se[2] = se[3] = 0;
    *nfailed = nboot - used;
    free(est);
    free(ok);
    if (st == SAL_OK && used < 2) {
        sal_diags_add(diags, o.name, 0, 0, "%d of %d bootstrap fits failed; expected most "
                      "to converge", nboot - used, nboot);
        st = SAL_EFAIL;
    }
    return st;
}

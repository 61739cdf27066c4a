/* Probability distributions of uncertain inputs (see include/salient/dist.h).
 *
 * Every distribution is sampled by inversion where a closed form or a GSL
 * inverse CDF exists, except PERT, lognormal and normal, which use GSL's own
 * samplers (gsl_ran_beta, gsl_ran_lognormal, gsl_ran_gaussian); quantiles
 * always come from the inverse CDF so that quasi-random designs see the same
 * distribution as Monte Carlo draws.
 *
 * Beta-PERT (Malcolm et al. 1959; Vose, "Risk Analysis", 2008, ch. 9):
 *   alpha = 1 + 4 (m - a) / (b - a),  beta = 1 + 4 (b - m) / (b - a),
 *   x = a + (b - a) Y with Y ~ Beta(alpha, beta),  mean = (a + 4 m + b) / 6. */
#include "salient/dist.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "salient/base.h"

static void pert_shape(const sal_dist *d, double *alpha, double *beta)
{
    double a = d->p[0], m = d->p[1], b = d->p[2];
    *alpha = 1.0 + 4.0 * (m - a) / (b - a);
    *beta = 1.0 + 4.0 * (b - m) / (b - a);
}

static int all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

/* Bounded distributions (PERT, uniform, triangular) whose parameters span
 * more than a double's arithmetic allows: b - a, or the triangular
 * quantile's (b - a)(c - a), overflows.  Such a distribution is evaluated
 * at a scale where nothing overflows (a power of two, so exact but for
 * parameters below 2^-1022 of the largest) and scaled back; *k receives the
 * exponent.  Returns 0 when no scaling is needed (the usual case: the
 * results are then the plain formulas' bits). */
static int scaled(const sal_dist *d, sal_dist *out, int *k)
{
    const double *p = d->p;
    double lo, hi, mid;
    switch (d->kind) {
    case SAL_DIST_PERT:
    case SAL_DIST_TRIANGULAR: lo = p[0]; mid = p[1]; hi = p[2]; break;
    case SAL_DIST_UNIFORM: lo = p[0]; mid = p[0]; hi = p[1]; break;
    default: return 0;
    }
    double w = hi - lo;
    if (isfinite(w * w) && isfinite(lo + 4 * mid + hi))
        return 0;
    double big = fmax(fabs(lo), fabs(hi));
    if (!isfinite(big) || !(big > 0))
        return 0;
    *k = ilogb(big);
    *out = *d;
    for (int i = 0; i < 3; i++)
        out->p[i] = ldexp(p[i], -*k);
    return 1;
}

/* x within [lo, hi] of a bounded distribution (rounding can leave it by an
 * ulp); other kinds unchanged. */
static double in_support(const sal_dist *d, double x)
{
    double lo, hi;
    switch (d->kind) {
    case SAL_DIST_PERT:
    case SAL_DIST_TRIANGULAR: lo = d->p[0]; hi = d->p[2]; break;
    case SAL_DIST_UNIFORM: lo = d->p[0]; hi = d->p[1]; break;
    default: return x;
    }
    return x < lo ? lo : x > hi ? hi : x;
}

static int not_finite(char *why, size_t whylen)
{
    snprintf(why, whylen, "a parameter is not finite; expected finite numbers");
    return SAL_EINPUT;
}

/* PERT and triangular: low <= likely (mode) <= high, low < high. */
static int check_three_point(const sal_dist *d, char *why, size_t whylen)
{
    const double *p = d->p;
    const char *w = d->kind == SAL_DIST_PERT ? "likely" : "mode";
    if (!all_finite(p, 3))
        return not_finite(why, whylen);
    if (p[0] > p[2]) {
        snprintf(why, whylen, "low %g > high %g; expected low <= %s <= high", p[0], p[2], w);
        return SAL_EINPUT;
    }
    if (p[1] < p[0] || p[1] > p[2]) {
        snprintf(why, whylen, "%s %g is outside [%g, %g]; expected low <= %s <= high", w, p[1],
                 p[0], p[2], w);
        return SAL_EINPUT;
    }
    if (!(p[0] < p[2])) {
        snprintf(why, whylen, "low %g = high %g; expected low < high (write a plain number for a fixed value)",
                 p[0], p[2]);
        return SAL_EINPUT;
    }
    return SAL_OK;
}

/* A choice: finite values, weights >= 0 with a positive finite sum, and a
 * finite mean. */
static int check_choice(const sal_dist *d, char *why, size_t whylen)
{
    if (d->nchoice == 0 || !d->values || !d->weights) {
        snprintf(why, whylen, "no values; expected at least one value");
        return SAL_EINPUT;
    }
    double sum = 0;
    for (size_t i = 0; i < d->nchoice; i++) {
        if (!isfinite(d->values[i]) || !isfinite(d->weights[i]))
            return not_finite(why, whylen);
        if (d->weights[i] < 0) {
            snprintf(why, whylen, "weight %g is negative; expected weights >= 0", d->weights[i]);
            return SAL_EINPUT;
        }
        sum += d->weights[i];
    }
    if (!(sum > 0)) {
        snprintf(why, whylen, "the weights sum to 0; expected a positive sum");
        return SAL_EINPUT;
    }
    /* the draws divide by the sum and the mean adds value x weight:
     * both must stay finite (1e308 + 1e308 is inf, and u x inf draws
     * the last value every time) */
    if (!isfinite(sum)) {
        snprintf(why, whylen, "the weights sum to more than %g; expected weights whose sum "
                 "is finite (divide them all by a common factor)", DBL_MAX);
        return SAL_EINPUT;
    }
    if (!isfinite(sal_dist_mean(d))) {
        snprintf(why, whylen, "the values times their weights overflow; expected smaller "
                 "values or weights");
        return SAL_EINPUT;
    }
    return SAL_OK;
}

int sal_dist_check(const sal_dist *d, char *why, size_t whylen)
{
    char tmp[8];
    if (!why || whylen == 0) {
        why = tmp;
        whylen = sizeof tmp;
    }
    why[0] = '\0';
    if (!d) {
        snprintf(why, whylen, "no distribution");
        return SAL_EINPUT;
    }
    const double *p = d->p;
    switch (d->kind) {
    case SAL_DIST_FIXED: return all_finite(p, 1) ? SAL_OK : not_finite(why, whylen);
    case SAL_DIST_PERT:
    case SAL_DIST_TRIANGULAR: return check_three_point(d, why, whylen);
    case SAL_DIST_UNIFORM:
        if (!all_finite(p, 2))
            return not_finite(why, whylen);
        if (!(p[0] < p[1])) {
            snprintf(why, whylen, "low %g >= high %g; expected low < high", p[0], p[1]);
            return SAL_EINPUT;
        }
        return SAL_OK;
    case SAL_DIST_LOGNORMAL:
    case SAL_DIST_NORMAL: {
        const char *w = d->kind == SAL_DIST_NORMAL ? "sd" : "sigma";
        if (!all_finite(p, 2))
            return not_finite(why, whylen);
        if (!(p[1] > 0)) {
            snprintf(why, whylen, "%s %g is not positive; expected %s > 0", w, p[1], w);
            return SAL_EINPUT;
        }
        return SAL_OK;
    }
    case SAL_DIST_CHOICE: return check_choice(d, why, whylen);
    }
    snprintf(why, whylen, "unknown distribution kind %d", (int)d->kind);
    return SAL_EINPUT;
}

static double clamp_u(double u)
{
    /* keep u inside (0, 1) so inverse CDFs stay finite */
    if (!(u > 0))
        u = 1e-300;
    if (!(u < 1))
        u = 1.0 - 0x1p-53;
    return u;
}

/* Discrete inverse CDF over the values taken in ascending order: the
 * smallest value v with P(X <= v) >= u.  O(n^2), n is small. */
static double choice_quantile(const sal_dist *d, double u)
{
    double total = 0;
    for (size_t i = 0; i < d->nchoice; i++)
        total += d->weights[i];
    double target = u * total;
    double best = NAN;
    for (size_t i = 0; i < d->nchoice; i++) {
        double v = d->values[i];
        double cum = 0;
        for (size_t j = 0; j < d->nchoice; j++)
            if (d->values[j] <= v)
                cum += d->weights[j];
        if (cum >= target && (isnan(best) || v < best))
            best = v;
    }
    if (isnan(best)) { /* rounding at u -> 1: the largest value */
        for (size_t i = 0; i < d->nchoice; i++)
            if (isnan(best) || d->values[i] > best)
                best = d->values[i];
    }
    return best;
}

static double quantile(const sal_dist *d, double u);

double sal_dist_quantile(const sal_dist *d, double u)
{
    sal_dist sd;
    int k;
    if (scaled(d, &sd, &k))
        return in_support(d, ldexp(quantile(&sd, u), k));
    return in_support(d, quantile(d, u));
}

/* PERT is a beta on [min, max] (pert_shape): its quantile and a draw. */
static double pert_quantile(const sal_dist *d, double u)
{
    double al, be;
    pert_shape(d, &al, &be);
    return d->p[0] + (d->p[2] - d->p[0]) * gsl_cdf_beta_Pinv(u, al, be);
}

static double pert_sample(const sal_dist *d, gsl_rng *r)
{
    double al, be;
    pert_shape(d, &al, &be);
    return d->p[0] + (d->p[2] - d->p[0]) * gsl_ran_beta(r, al, be);
}

static double quantile(const sal_dist *d, double u)
{
    u = clamp_u(u);
    const double *p = d->p;
    switch (d->kind) {
    case SAL_DIST_FIXED:
        return p[0];
    case SAL_DIST_PERT:
        return pert_quantile(d, u);
    case SAL_DIST_UNIFORM:
        return p[0] + u * (p[1] - p[0]);
    case SAL_DIST_TRIANGULAR: {
        double a = p[0], c = p[1], b = p[2];
        double fc = (c - a) / (b - a);
        if (u < fc)
            return a + sqrt(u * (b - a) * (c - a));
        return b - sqrt((1 - u) * (b - a) * (b - c));
    }
    case SAL_DIST_LOGNORMAL:
        return gsl_cdf_lognormal_Pinv(u, p[0], p[1]);
    case SAL_DIST_NORMAL:
        return p[0] + gsl_cdf_gaussian_Pinv(u, p[1]);
    case SAL_DIST_CHOICE:
        return choice_quantile(d, u);
    }
    return NAN;
}

static double sample(const sal_dist *d, gsl_rng *r);

double sal_dist_sample(const sal_dist *d, gsl_rng *r)
{
    sal_dist sd;
    int k;
    if (scaled(d, &sd, &k))
        return in_support(d, ldexp(sample(&sd, r), k));
    return in_support(d, sample(d, r));
}

static double sample(const sal_dist *d, gsl_rng *r)
{
    const double *p = d->p;
    switch (d->kind) {
    case SAL_DIST_FIXED:
        return p[0];
    case SAL_DIST_PERT:
        return pert_sample(d, r);
    case SAL_DIST_UNIFORM:
        return gsl_ran_flat(r, p[0], p[1]);
    case SAL_DIST_LOGNORMAL:
        return gsl_ran_lognormal(r, p[0], p[1]);
    case SAL_DIST_NORMAL:
        return p[0] + gsl_ran_gaussian(r, p[1]);
    case SAL_DIST_TRIANGULAR:
    case SAL_DIST_CHOICE:
        return quantile(d, gsl_rng_uniform_pos(r));
    }
    return NAN;
}

static double mean(const sal_dist *d);

double sal_dist_mean(const sal_dist *d)
{
    sal_dist sd;
    int k;
    if (scaled(d, &sd, &k))
        return in_support(d, ldexp(mean(&sd), k));
    return in_support(d, mean(d));
}

static double mean(const sal_dist *d)
{
    const double *p = d->p;
    switch (d->kind) {
    case SAL_DIST_FIXED:
        return p[0];
    case SAL_DIST_PERT:
        return (p[0] + 4 * p[1] + p[2]) / 6;
    case SAL_DIST_UNIFORM:
        return (p[0] + p[1]) / 2;
    case SAL_DIST_TRIANGULAR:
        return (p[0] + p[1] + p[2]) / 3;
    case SAL_DIST_LOGNORMAL:
        return exp(p[0] + p[1] * p[1] / 2);
    case SAL_DIST_NORMAL:
        return p[0];
    case SAL_DIST_CHOICE: {
        double s = 0, w = 0;
        for (size_t i = 0; i < d->nchoice; i++) {
            s += d->values[i] * d->weights[i];
            w += d->weights[i];
        }
        return w > 0 ? s / w : NAN;
    }
    }
    return NAN;
}

void sal_dist_clear(sal_dist *d)
{
    if (!d)
        return;
    free(d->values);
    free(d->weights);
    d->values = NULL;
    d->weights = NULL;
    d->nchoice = 0;
}

void sal_dist_format(const sal_dist *d, char *buf, size_t size)
{
    if (!buf || size == 0)
        return;
    const double *p = d->p;
    switch (d->kind) {
    case SAL_DIST_FIXED:
        snprintf(buf, size, "%g", p[0]);
        return;
    case SAL_DIST_PERT:
        snprintf(buf, size, "pert(%g, %g, %g)", p[0], p[1], p[2]);
        return;
    case SAL_DIST_UNIFORM:
        snprintf(buf, size, "uniform(%g, %g)", p[0], p[1]);
        return;
    case SAL_DIST_TRIANGULAR:
        snprintf(buf, size, "triangular(%g, %g, %g)", p[0], p[1], p[2]);
        return;
    case SAL_DIST_LOGNORMAL:
        snprintf(buf, size, "lognormal(median %g, sigma %g)", exp(p[0]), p[1]);
        return;
    case SAL_DIST_NORMAL:
        snprintf(buf, size, "normal(%g, %g)", p[0], p[1]);
        return;
    case SAL_DIST_CHOICE: {
        size_t n = 0;
        int w = snprintf(buf, size, "choice(");
        if (w < 0)
            return;
        n = (size_t)w;
        double total = 0;
        for (size_t i = 0; i < d->nchoice; i++)
            total += d->weights[i];
        for (size_t i = 0; i < d->nchoice && n < size; i++) {
            w = snprintf(buf + n, size - n, "%s%g: %.3g", i ? ", " : "", d->values[i],
                         total > 0 ? d->weights[i] / total : 0.0);
            if (w < 0)
                return;
            n += (size_t)w;
        }
        if (n < size)
            snprintf(buf + n, size - n, ")");
        return;
    }
    }
    snprintf(buf, size, "?");
}

/* The support [lo, hi] of d: its largest and smallest values, an unbounded
 * side infinite (the engine sizes delay queues and checks caller-supplied
 * inputs with it, the reader bounds what a parameter can reach). */
void sal_dist_support(const sal_dist *d, double *lo, double *hi)
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

/* The observation model (salient/obs.h; docs/observations.md, "Semantics").
 *
 * A numeric report i of a run with figure T (sal_obs_truth) and bias B is
 *
 *   lognormal error S:  R = T B E,  log E ~ N(0, S^2)   (median of R: T B)
 *   normal error SD:    R = T B + e, e ~ N(0, SD^2)
 *
 * With m = T B, the report's likelihood is
 *
 *   value y:            the density of R at y:
 *                         lognormal  f(y) = phi((log y - log m) / S) / (y S)
 *                         normal     f(y) = phi((y - m) / SD) / SD
 *   at_least / at_most
 *   / range [lo, hi]:   P(lo <= R <= hi) = Phi(z_hi) - Phi(z_lo), with
 *                         lognormal  z = (log x - log m) / S   (x <= 0: z = -inf)
 *                         normal     z = (x - m) / SD
 *
 * (for m < 0 under a lognormal error, R = -|m| E: the same with -R; for m = 0,
 * R = 0).  The interval's log probability is computed in log space in the
 * tails (log Phi(z) = log(erfc(-z / sqrt 2) / 2) with gsl_sf_log_erfc, and
 * log(Phi(b) - Phi(a)) = log Phi(b) + log1p(-exp(log Phi(a) - log Phi(b))),
 * mirrored for the upper tail) so that a report 40 standard deviations away
 * still gets a finite log-likelihood with its slope, and in the middle as
 * (erf(b / sqrt 2) - erf(a / sqrt 2)) / 2, exact near a = b.
 *
 * An event report says a statement (happened by D; happened within
 * D +- T; or their negation); the run makes it true or false; the report is
 * right with probability 1 - p and wrong with probability p (the misreport
 * probability), so its likelihood is 1 - p or p, never 0 or 1.
 *
 * Every log-likelihood term is at least SAL_OBS_LOGLIK_FLOOR (a report the
 * run cannot produce gets exactly the floor). */
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_erf.h>

#include "scenario/obs_int.h"

/* ---- the run's side ---------------------------------------------------------- */

double sal_obs_truth(const sal_obs_set *o, size_t i, const double *series, size_t ndays,
                     const int32_t *event_days)
{
    (void)event_days;
    const sal_obs_entry *e = &o->e[i];
    if (e->is_event || !series || (size_t)e->d2 >= ndays)
        return NAN;
    const size_t nm = o->nmetrics, k = (size_t)e->index;
    double v2 = series[(size_t)e->d2 * nm + k];
    if (e->quantity == SAL_OBS_ON_DAY)
        return v2;
    double change = v2 - series[(size_t)e->d1 * nm + k];
    return e->quantity == SAL_OBS_CHANGE ? change : change / (double)(e->d2 - e->d1);
}

int sal_obs_event_true(const sal_obs_set *o, size_t i, size_t ndays, const int32_t *event_days)
{
    const sal_obs_entry *e = &o->e[i];
    if (!e->is_event || !event_days || ndays == 0)
        return -1;
    const int32_t day = event_days[e->index], seen = (int32_t)ndays - 1;
    /* did it happen within [d1, d2]?  Known once the run has passed d2, or
     * once the event has happened (at or before the last day run). */
    int in;
    if (day >= 0 && day <= seen)
        in = day >= e->d1 && day <= e->d2;
    else if (seen >= e->d2)
        in = 0;
    else
        return -1;
    return in == (e->lo != 0);
}

/* The bias of report i: its unknown's value, 1 without a bias model. */
static double bias_of(const sal_obs_entry *e, const double *bias)
{
    return e->bias < 0 ? 1.0 : bias ? bias[e->bias] : NAN;
}

/* ---- Gaussian tails in log space ----------------------------------------------------- */

/* log Phi(z), finite wherever Phi(z) > 0 in real arithmetic: for z < -1 from
 * gsl_sf_log_erfc (no underflow), otherwise log1p of the small complement. */
static double log_Phi(double z)
{
    if (z == INFINITY)
        return 0.0;
    if (z == -INFINITY)
        return -INFINITY;
    if (z < -1.0)
        return gsl_sf_log_erfc(-z / M_SQRT2) - M_LN2;
    return log1p(-gsl_cdf_ugaussian_Q(z));
}

/* log(Phi(b) - Phi(a)) for a <= b, accurate in both tails and near a = b. */
static double log_gauss_interval(double a, double b)
{
    if (!(a < b))
        return -INFINITY;
    if (a > 0) /* upper tail: mirror */
        return log_gauss_interval(-b, -a);
    if (b < 0) {
        double lb = log_Phi(b), la = log_Phi(a);
        return lb + log1p(-exp(la - lb));
    }
    /* a <= 0 <= b: both erf terms carry their own sign, no cancellation */
    double ea = a == -INFINITY ? -1.0 : gsl_sf_erf(a / M_SQRT2);
    double eb = b == INFINITY ? 1.0 : gsl_sf_erf(b / M_SQRT2);
    return log(0.5 * (eb - ea));
}

static double floor_ll(double ll)
{
    return ll >= SAL_OBS_LOGLIK_FLOOR ? ll : SAL_OBS_LOGLIK_FLOOR; /* NaN too */
}

/* ---- numeric reports ------------------------------------------------------------------ */

/* z of x for the reported figure's distribution with centre m (lognormal:
 * m != 0, sign s = sign of m, so that R/s is lognormal). */
static double z_of(const sal_obs_entry *e, double m, double x)
{
    if (e->err == SAL_OBS_ERR_NORMAL)
        return (x - m) / e->err_param;
    double sx = m > 0 ? x : -x;
    if (sx <= 0)
        return -INFINITY;
    if (sx == INFINITY)
        return INFINITY;
    return (log(sx) - log(fabs(m))) / e->err_param;
}

/* log P(lo <= R <= hi). */
static double log_interval(const sal_obs_entry *e, double m, double lo, double hi)
{
    if (e->err == SAL_OBS_ERR_LOGNORMAL && m == 0)
        return lo <= 0 && 0 <= hi ? 0.0 : -INFINITY;
    if (e->err == SAL_OBS_ERR_LOGNORMAL && m < 0) /* -R lies in [-hi, -lo] */
        return log_gauss_interval(z_of(e, m, hi), z_of(e, m, lo));
    return log_gauss_interval(z_of(e, m, lo), z_of(e, m, hi));
}

/* log of the density of R at y. */
static double log_density(const sal_obs_entry *e, double m, double y)
{
    const double s = e->err_param;
    if (e->err == SAL_OBS_ERR_NORMAL) {
        double f = gsl_ran_gaussian_pdf(y - m, s);
        if (f > 0)
            return log(f);
        double z = (y - m) / s; /* GSL's density underflowed: its logarithm */
        return -0.5 * z * z - log(s) - 0.5 * log(2 * M_PI);
    }
    if (m == 0 || (m > 0) != (y > 0) || y == 0)
        return -INFINITY;
    double ay = fabs(y), f = gsl_ran_lognormal_pdf(ay, log(fabs(m)), s);
    if (f > 0)
        return log(f);
    double z = (log(ay) - log(fabs(m))) / s;
    return -0.5 * z * z - log(ay * s) - 0.5 * log(2 * M_PI);
}

/* ---- the public model ------------------------------------------------------------------ */

double sal_obs_loglik_one(const sal_obs_set *o, size_t i, const double *series, size_t ndays,
                          const int32_t *event_days, const double *bias)
{
    const sal_obs_entry *e = &o->e[i];
    if (e->is_event) {
        int t = sal_obs_event_true(o, i, ndays, event_days);
        if (t < 0)
            return NAN;
        return t ? log1p(-e->err_param) : log(e->err_param);
    }
    double truth = sal_obs_truth(o, i, series, ndays, event_days);
    if (isnan(truth))
        return NAN;
    double b = bias_of(e, bias), m = truth * b;
    if (!(b > 0) || !isfinite(m))
        return SAL_OBS_LOGLIK_FLOOR;
    if (e->kind == SAL_OBS_VALUE)
        return floor_ll(log_density(e, m, e->lo));
    return floor_ll(log_interval(e, m, e->lo, e->hi));
}

double sal_obs_loglik(const sal_obs_set *o, int32_t as_of, const double *series, size_t ndays,
                      const int32_t *event_days, const double *bias)
{
    double sum = 0;
    for (size_t i = 0; i < o->n; i++)
        if (o->e[i].reported <= as_of)
            sum += sal_obs_loglik_one(o, i, series, ndays, event_days, bias);
    return sum;
}

double sal_obs_draw(const sal_obs_set *o, size_t i, const double *series, size_t ndays,
                    const int32_t *event_days, const double *bias, gsl_rng *g)
{
    const sal_obs_entry *e = &o->e[i];
    if (e->is_event) {
        int t = sal_obs_event_true(o, i, ndays, event_days);
        if (t < 0)
            return NAN;
        int happened = t ? e->lo != 0 : e->lo == 0; /* what the run did */
        int wrong = gsl_rng_uniform(g) < e->err_param;
        return wrong ? !happened : happened;
    }
    double m = sal_obs_truth(o, i, series, ndays, event_days) * bias_of(e, bias);
    if (isnan(m))
        return NAN;
    if (e->err == SAL_OBS_ERR_NORMAL)
        return m + gsl_ran_gaussian(g, e->err_param);
    if (m == 0)
        return 0;
    double r = gsl_ran_lognormal(g, log(fabs(m)), e->err_param);
    return m > 0 ? r : -r;
}

double sal_obs_cdf(const sal_obs_set *o, size_t i, double y, const double *series, size_t ndays,
                   const int32_t *event_days, const double *bias)
{
    const sal_obs_entry *e = &o->e[i];
    if (e->is_event) {
        int t = sal_obs_event_true(o, i, ndays, event_days);
        if (t < 0 || isnan(y))
            return NAN;
        int happened = t ? e->lo != 0 : e->lo == 0;
        double p1 = happened ? 1 - e->err_param : e->err_param; /* P(report says 1) */
        return y < 0 ? 0 : y < 1 ? 1 - p1 : 1;
    }
    double m = sal_obs_truth(o, i, series, ndays, event_days) * bias_of(e, bias);
    if (isnan(m) || isnan(y))
        return NAN;
    if (e->err == SAL_OBS_ERR_NORMAL)
        return gsl_cdf_gaussian_P(y - m, e->err_param);
    if (m == 0)
        return y >= 0 ? 1 : 0;
    if (m > 0)
        return y > 0 ? gsl_cdf_lognormal_P(y, log(m), e->err_param) : 0;
    return y < 0 ? gsl_cdf_lognormal_Q(-y, log(-m), e->err_param) : 1;
}

void sal_obs_bias_draw(const sal_obs_set *o, gsl_rng *g, double *bias)
{
    for (size_t k = 0; k < o->nb; k++)
        bias[k] = gsl_ran_lognormal(g, o->b[k].log_median, o->b[k].sigma);
}

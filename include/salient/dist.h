/* salient — probability distributions of uncertain inputs.
 *
 * An analyst's "3,000 confirmed, 10,000-12,000 reported, talk of 100,000" is
 * a PERT or a discrete choice.  Every distribution can be sampled from a
 * gsl_rng and inverted (quantile), so that Monte Carlo draws and quasi-random
 * (Sobol) designs share one code path. */
#ifndef SALIENT_DIST_H
#define SALIENT_DIST_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    SAL_DIST_FIXED,      /* p[0] */
    SAL_DIST_PERT,       /* Beta-PERT, p = {low, likely, high}, lambda = 4 */
    SAL_DIST_UNIFORM,    /* p = {low, high} */
    SAL_DIST_TRIANGULAR, /* p = {low, mode, high} */
    SAL_DIST_LOGNORMAL,  /* p = {mu, sigma} of log x */
    SAL_DIST_NORMAL,     /* p = {mean, sd} */
    SAL_DIST_CHOICE      /* values[i] with weights[i] (normalised) */
} sal_dist_kind;

typedef struct {
    sal_dist_kind kind;
    double p[3];
    double *values;   /* SAL_DIST_CHOICE only, owned */
    double *weights;  /* SAL_DIST_CHOICE only, owned, sum 1 */
    size_t nchoice;
} sal_dist;

/* Checks the parameters (low <= likely <= high, low < high, sigma > 0,
 * weights >= 0 with a positive sum, all finite).  Returns SAL_OK or
 * SAL_EINPUT with a reason ("low 5 > high 3; expected low <= high") in why. */
int sal_dist_check(const sal_dist *d, char *why, size_t whylen);
double sal_dist_sample(const sal_dist *d, gsl_rng *r);
/* Inverse CDF at u in (0, 1). */
double sal_dist_quantile(const sal_dist *d, double u);
double sal_dist_mean(const sal_dist *d);
/* The support [lo, hi] of d (an unbounded side is infinite). */
void sal_dist_support(const sal_dist *d, double *lo, double *hi);
/* Releases values/weights (the struct itself is the caller's). */
void sal_dist_clear(sal_dist *d);
/* "pert(3000, 11000, 100000)" etc., for provenance tables. */
void sal_dist_format(const sal_dist *d, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif

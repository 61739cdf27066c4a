/* The observation model (salient/obs.h): stub, the real model follows. */
#include <math.h>

#include "scenario/obs_int.h"

double sal_obs_truth(const sal_obs_set *o, size_t i, const double *series, size_t ndays,
                     const int32_t *event_days)
{
    (void)o; (void)i; (void)series; (void)ndays; (void)event_days;
    return NAN;
}

int sal_obs_event_true(const sal_obs_set *o, size_t i, size_t ndays, const int32_t *event_days)
{
    (void)o; (void)i; (void)ndays; (void)event_days;
    return -1;
}

double sal_obs_loglik_one(const sal_obs_set *o, size_t i, const double *series, size_t ndays,
                          const int32_t *event_days, const double *bias)
{
    (void)o; (void)i; (void)series; (void)ndays; (void)event_days; (void)bias;
    return SAL_OBS_LOGLIK_FLOOR;
}

double sal_obs_loglik(const sal_obs_set *o, int32_t as_of, const double *series, size_t ndays,
                      const int32_t *event_days, const double *bias)
{
    (void)o; (void)as_of; (void)series; (void)ndays; (void)event_days; (void)bias;
    return SAL_OBS_LOGLIK_FLOOR;
}

double sal_obs_draw(const sal_obs_set *o, size_t i, const double *series, size_t ndays,
                    const int32_t *event_days, const double *bias, gsl_rng *g)
{
    (void)o; (void)i; (void)series; (void)ndays; (void)event_days; (void)bias; (void)g;
    return NAN;
}

double sal_obs_cdf(const sal_obs_set *o, size_t i, double y, const double *series, size_t ndays,
                   const int32_t *event_days, const double *bias)
{
    (void)o; (void)i; (void)y; (void)series; (void)ndays; (void)event_days; (void)bias;
    return NAN;
}

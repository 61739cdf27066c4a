/* salient — observations: reports of a scenario's metrics and events, and
 * the observation model that links a run to what a source reported.
 *
 * An observations file (YAML, docs/observations.md) holds reports: a figure
 * on a day (value / at_least / at_most / range), a change or a mean daily
 * change over a period, or an event that did or did not happen.  Reading it
 * against a scenario (sal_obs_read_file) checks every name, date and model
 * and binds the reports to the scenario's metric and event indices.
 *
 * The observation model (docs/observations.md, "Semantics"):
 *
 *   reported = truth x bias x error
 *
 * truth is the run's figure (the metric on the day, its change D2 - D1, or
 * that change / (D2 - D1)); bias is the source's reported/true ratio (one
 * unknown per bias_group, or per biased report without a group; 1 when the
 * report has no bias model); error is lognormal of median 1 ({lognormal: S}:
 * multiplies) or normal ({normal: SD}: added, in the metric's units, after
 * the bias: reported = truth x bias + N(0, SD^2)).  Bounds and ranges censor
 * the reported figure: their likelihood is P(lo <= reported <= hi).  An event
 * report is right with probability 1 - p and a misreport with probability p
 * (error: {misreport: p}, default SAL_OBS_MISREPORT_DEFAULT).
 *
 * Every log-likelihood returned here is finite: a report no run can produce
 * (truth <= 0 under a lognormal error with a positive figure, say) gets
 * SAL_OBS_LOGLIK_FLOOR, and every term is at least that floor.
 *
 * Series are day-major: series[day * nmetrics + metric] for day 0 .. ndays-1
 * (nmetrics the bound model's), as sal_run_series; event_days[e] is the first
 * day event e happened, SAL_NEVER (-1) if it had not by day ndays - 1
 * (model->events order), as sal_run_event_days. */
#ifndef SALIENT_OBS_H
#define SALIENT_OBS_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

#include "salient/base.h"
#include "salient/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The lowest value of any one report's log-likelihood (finite, so that a
 * sampler can temper it: beta x floor stays a number). */
#define SAL_OBS_LOGLIK_FLOOR (-1.0e6)
/* An event report's misreport probability when the file gives none. */
#define SAL_OBS_MISREPORT_DEFAULT 0.02

/* The form of a report. */
enum {
    SAL_OBS_VALUE = 0,    /* value: X (lo == hi == X)             */
    SAL_OBS_AT_LEAST = 1, /* at_least: X (lo = X, hi = +inf)      */
    SAL_OBS_AT_MOST = 2,  /* at_most: X (lo = -inf, hi = X)       */
    SAL_OBS_RANGE = 3,    /* range: [lo, hi]                      */
    SAL_OBS_EVENT = 4     /* event (lo == hi == 1 happened, 0 not) */
};

/* What a numeric report speaks of. */
enum {
    SAL_OBS_ON_DAY = 0,   /* the metric's value on its day             */
    SAL_OBS_CHANGE = 1,   /* over [D1, D2]: value(D2) - value(D1)      */
    SAL_OBS_PER_DAY = 2   /* over [D1, D2]: the change / (D2 - D1)     */
};

/* The error model of a report. */
enum {
    SAL_OBS_ERR_LOGNORMAL = 0, /* multiplies by LN(0, S^2): param S         */
    SAL_OBS_ERR_NORMAL = 1,    /* adds N(0, SD^2): param SD                 */
    SAL_OBS_ERR_MISREPORT = 2  /* events: wrong with probability param      */
};

/* What an event report says. */
enum {
    SAL_OBS_EV_BY = 0,    /* happened (or not) on or before its day        */
    SAL_OBS_EV_ON = 1     /* happened (or not) within day +- tolerance     */
};

typedef struct sal_obs_set sal_obs_set;   /* an observations file bound to a model */

/* Reads and checks an observations file against model m (which must outlive
 * the set).  On any error returns SAL_EINPUT with every problem in d
 * (file:line:col) and *out = NULL; SAL_EIO if the file cannot be read;
 * SAL_ENOMEM. */
int  sal_obs_read_file(const char *path, const sal_model *m, sal_obs_set **out, sal_diags *d);
int  sal_obs_read_string(const char *name, const char *text, size_t len, const sal_model *m,
                         sal_obs_set **out, sal_diags *d);
void sal_obs_free(sal_obs_set *o);

size_t      sal_obs_count(const sal_obs_set *o);
/* The report's label: its id: when given, else "metric@DATE",
 * "metric@D1..D2" or "event@DATE" ("#2", "#3" appended to repeats). */
const char *sal_obs_label(const sal_obs_set *o, size_t i);
const char *sal_obs_metric(const sal_obs_set *o, size_t i);  /* metric or event name */
int  sal_obs_is_event(const sal_obs_set *o, size_t i);
/* Index of the metric (model->metrics) or event (model->events). */
int  sal_obs_index(const sal_obs_set *o, size_t i);
const char *sal_obs_source(const sal_obs_set *o, size_t i);
/* Where the report's entry starts in the file (1-based). */
void sal_obs_pos(const sal_obs_set *o, size_t i, int *line, int *col);
int32_t sal_obs_reported_day(const sal_obs_set *o, size_t i);/* day index from the scenario start */
/* The days the report describes: numeric on a day d: [d, d]; over [D1, D2];
 * events by D: [0, D], on D +- T: [D - T, D + T] (clamped at 0). */
void sal_obs_days(const sal_obs_set *o, size_t i, int32_t *first, int32_t *last);
/* The days whose metric values the report's truth reads (1 or 2 of them,
 * into days[]); 0 for events. */
size_t sal_obs_truth_days(const sal_obs_set *o, size_t i, int32_t days[2]);
/* SAL_OBS_ON_DAY / CHANGE / PER_DAY for numeric reports, SAL_OBS_EV_BY /
 * SAL_OBS_EV_ON for events. */
int  sal_obs_quantity(const sal_obs_set *o, size_t i);
/* The error model: SAL_OBS_ERR_* and its parameter. */
void sal_obs_error(const sal_obs_set *o, size_t i, int *kind, double *param);
/* The bias unknown of report i (0 .. nbias-1), or -1 when it has none. */
int  sal_obs_bias_index(const sal_obs_set *o, size_t i);

/* Last day described by a report made on or before as_of (INT32_MAX: all);
 * -1 if none.  Runs that only serve the likelihood may stop there. */
int32_t sal_obs_last_day(const sal_obs_set *o, int32_t as_of);

size_t sal_obs_nbias(const sal_obs_set *o);                  /* bias unknowns: one per bias_group, one per ungrouped biased report */
const char *sal_obs_bias_name(const sal_obs_set *o, size_t k);/* the group, or the report's label */
void sal_obs_bias_prior(const sal_obs_set *o, size_t k, double *log_median, double *sigma); /* lognormal */
/* Draws every bias unknown from its prior into bias[0 .. nbias-1]. */
void sal_obs_bias_draw(const sal_obs_set *o, gsl_rng *g, double *bias);

/* The run's figure a numeric report speaks of (value on the day, change or
 * mean daily change over the period), from one run's series; NaN for events
 * or when a day it needs is at or beyond ndays. */
double sal_obs_truth(const sal_obs_set *o, size_t i, const double *series, size_t ndays,
                     const int32_t *event_days);
/* For an event report: 1 if what it says is true of the run, 0 if not, -1
 * if the run is too short to tell; -1 for numeric reports. */
int sal_obs_event_true(const sal_obs_set *o, size_t i, size_t ndays, const int32_t *event_days);
/* log p(report i | run, bias): error and bias models; censored forms the log
 * probability of their interval; events log(1 - p) or log(p).  bias has
 * sal_obs_nbias values (reported/true ratios; NULL when nbias is 0; a ratio
 * <= 0 or not finite counts as impossible).  Always finite and >=
 * SAL_OBS_LOGLIK_FLOOR; NaN only if the run is too short for the report
 * (a day it reads at or beyond ndays). */
double sal_obs_loglik_one(const sal_obs_set *o, size_t i, const double *series, size_t ndays,
                          const int32_t *event_days, const double *bias);
/* The sum over reports made on or before as_of (INT32_MAX: all). */
double sal_obs_loglik(const sal_obs_set *o, int32_t as_of, const double *series, size_t ndays,
                      const int32_t *event_days, const double *bias);
/* One draw of the figure report i would give for this run and bias (truth x
 * bias x error); for events 1 if the report would say it happened, else 0.
 * NaN if the run is too short. */
double sal_obs_draw(const sal_obs_set *o, size_t i, const double *series, size_t ndays,
                    const int32_t *event_days, const double *bias, gsl_rng *g);
/* The CDF of the reported figure at y given the run and bias: P(report <= y)
 * (for events, of the 0/1 report).  NaN if the run is too short. */
double sal_obs_cdf(const sal_obs_set *o, size_t i, double y, const double *series, size_t ndays,
                   const int32_t *event_days, const double *bias);
/* The report itself: its form (SAL_OBS_VALUE ... SAL_OBS_EVENT) and numbers
 * lo/hi (value: lo == hi; at_least: hi = +inf; at_most: lo = -inf; events:
 * 1 if it says the event happened, else 0). */
int    sal_obs_kind(const sal_obs_set *o, size_t i);
double sal_obs_lo(const sal_obs_set *o, size_t i);
double sal_obs_hi(const sal_obs_set *o, size_t i);

#ifdef __cplusplus
}
#endif
#endif

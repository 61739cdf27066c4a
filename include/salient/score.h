/* salient — proper scores of a forecast against reports (docs/scores.md).
 *
 * A forecast of one report is a weighted mixture over the ensemble's runs:
 * run i (weight w_i, the weights summing to 1) gives the reported figure
 * the distribution F_i (its value passed through the report's bias and
 * error models, obs.h), and the forecast is F(y) = sum_i w_i F_i(y).  The
 * median, the bands and the PIT come from F itself (integration: F is
 * evaluated exactly and inverted by bisection); the CRPS from one draw of
 * the reported figure per run, by the weighted "fair" ensemble estimator.
 * Every score is negatively oriented (lower is better) but the PIT.
 *
 * The functions here work on plain arrays and callbacks, so that they can
 * be checked against closed forms alone (tests/test_score.c). */
#ifndef SALIENT_SCORE_H
#define SALIENT_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "salient/base.h"
#include "salient/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The weighted fair CRPS of an ensemble x[0..n) with weights w (NULL:
 * 1/n each; else normalised to sum 1) against the outcome y:
 *     CRPS = sum_i w_i |x_i - y|
 *            - 1/2 * sum_{i != j} w_i w_j |x_i - x_j| / (1 - sum_i w_i^2)
 * (Ferro 2014 for equal weights, where it reads (1/n) sum |x_i - y| -
 * 1/(2 n (n - 1)) sum_{i != j} |x_i - x_j|: unbiased for the CRPS of the
 * distribution the members are drawn from).  O(n log n): the pair sum from
 * the sorted members.  NaN when n < 2, all the weight is on one member, a
 * weight is negative, or out of memory. */
double sal_crps_fair(const double *x, const double *w, size_t n, double y);

/* The interval score of the central (1 - alpha) band [lo, hi] for the
 * outcome y (Gneiting and Raftery 2007, eq. 43):
 *     (hi - lo) + 2/alpha (lo - y) 1{y < lo} + 2/alpha (y - hi) 1{y > hi}. */
double sal_interval_score(double lo, double hi, double y, double alpha);

/* The Brier score of probability p for an outcome that happened (1) or
 * not (0): (p - happened)^2. */
double sal_brier_score(double p, int happened);

/* The log score of the probability p given to what was reported, over an
 * ensemble of n runs: -ln p, p clamped to [1/(2n), 1 - 1/(2n)] so that an
 * outcome no run saw scores finitely. */
double sal_log_score(double p, size_t n);

/* A forecast of one numeric report: n runs, their weights (NULL: 1/n),
 * cdf(ctx, i, y) = F_i(y) = P(report <= y | run i), nondecreasing in y. */
typedef struct {
    size_t n;
    const double *w;
    double (*cdf)(void *ctx, size_t run, double y);
    void *ctx;
} sal_mixture;

/* F(y) = sum_i w_i F_i(y) (the weights normalised). */
double sal_mixture_cdf(const sal_mixture *f, double y);
/* The p-quantile of F: the y with F(y) = p, found by bisection once a
 * bracket [lo, hi] with F(lo) < p <= F(hi) is found by widening guess (a
 * point of F's support, e.g. a median draw) by doubling steps; to a width
 * of 1e-9 * max(1, |y|), at most 200 steps.  NaN when p is not in (0, 1)
 * or no bracket exists within 1e300. */
double sal_mixture_quantile(const sal_mixture *f, double p, double guess);

/* What a report is (obs.h's kinds). */
typedef enum {
    SAL_REPORT_VALUE,     /* value: y = lo */
    SAL_REPORT_AT_LEAST,  /* the figure reported >= lo */
    SAL_REPORT_AT_MOST,   /* <= hi */
    SAL_REPORT_RANGE,     /* in [lo, hi] */
    SAL_REPORT_EVENT      /* an event that happened or not */
} sal_report_kind;

/* The scores of one report; NaN where they do not apply. */
typedef struct {
    double q05, q25, q50, q75, q95; /* the forecast of the reported figure */
    double pit_lo, pit_hi;          /* equal for a value; [F(lo), F(hi)] when censored */
    double crps;                    /* values only */
    double is50, is90;              /* interval scores, values only */
    double prob;                    /* censored and events: the probability of what was reported */
    double log_score, brier;        /* censored and events */
    int in50, in90;                 /* values: the report inside the band (0/1); else -1 */
} sal_score_row;

/* Scores a numeric report of kind k (lo, hi as the kind says) against the
 * forecast f; draws: one draw of the reported figure per run (for the
 * CRPS; NULL: no CRPS).  SAL_OK, or SAL_EINPUT (bad kind or bounds). */
int sal_score_numeric(const sal_mixture *f, const double *draws, sal_report_kind k, double lo,
                      double hi, sal_score_row *out);
/* Scores an event report: p, the forecast probability of what was
 * reported (sum_i w_i P(report | run i)), over n runs. */
void sal_score_event(double p, size_t n, sal_score_row *out);

/* ---- an ensemble's runs, as 'salient score' reads them ------------------ */

/* The per-run paths and event days of an ensemble (ensemble.h's paths and
 * run_events tables), one row per run in run order. */
typedef struct {
    size_t nruns, ncols, nevents;
    uint64_t *run;        /* the runs' indices */
    double *weight;       /* their weights, summing to 1 */
    uint32_t *col_metric; /* per column: the model's metric index */
    int32_t *col_day;     /* and the day (from the start) */
    double *value;        /* nruns x ncols, run-major; NaN: not recorded */
    double *event_day;    /* nruns x nevents (the model's events): the day,
                             -1 when it did not happen */
} sal_run_paths;

/* Allocated with every value NaN, every event day -1, weights 1/nruns;
 * NULL when out of memory. */
sal_run_paths *sal_run_paths_alloc(size_t nruns, size_t ncols, size_t nevents);
void sal_run_paths_free(sal_run_paths *p);
/* The bytes sal_run_paths_alloc takes (for a memory check up front). */
uint64_t sal_run_paths_bytes(size_t nruns, size_t ncols, size_t nevents);
/* The column of metric k on day d, or -1 when the ensemble did not keep it. */
long sal_run_paths_col(const sal_run_paths *p, uint32_t k, int32_t d);

/* Reads the runs of DIR's results database (path: the .sqlite file) for
 * model m: the paths and run_events tables (written by 'salient ensemble
 * --series' or '--observations'), and the runs table's weight column when
 * it has one (a calibration's posterior; else 1/N).  SAL_EINPUT with a
 * diagnostic naming the file when it is not such a database, names a metric
 * or event m lacks, or a run lacks a path the others have; SAL_ENOMEM. */
int sal_run_paths_read(const char *path, const sal_model *m, sal_run_paths **out,
                       sal_diags *diags);
/* A metadata value of that database into buf (n bytes); SAL_EINPUT when
 * the key is absent, SAL_EIO when the file does not read. */
int sal_results_meta_get(const char *path, const char *key, char *buf, size_t n);
/* The number of runs and of path columns in it (for a memory check before
 * reading): SAL_OK or SAL_EINPUT (no paths table). */
int sal_run_paths_size(const char *path, size_t *nruns, size_t *ncols, sal_diags *diags);

#ifdef __cplusplus
}
#endif
#endif

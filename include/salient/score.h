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
#include <stdio.h>

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

/* ---- an ensemble scored against an observations file -------------------- */

struct sal_obs_set;

typedef struct {
    int32_t as_of;      /* the forecast's as-of day: reports made on or before
                           it are "fit", later ones "test" */
    uint64_t seed;      /* of the draws for the CRPS (Philox: report i draws
                           from stream (seed, i, SAL_SCORE_STREAM)) */
    int threads;        /* OpenMP threads over the reports (0: the default) */
    unsigned bias_nodes;/* Gauss-Hermite nodes over a bias's prior (0: 16) */
    const char *obs_path; /* the observations file, for messages */
} sal_score_opts;

#define SAL_SCORE_STREAM 0x53434f52u /* "SCOR" */

/* What one report scored. */
typedef struct {
    size_t report;      /* its index in the observations */
    int test;           /* 0: fit (made on or before as_of), 1: test */
    sal_score_row s;
} sal_score_report;

/* Scores every report of o (bound to model m) against the runs p: rows[i]
 * for report i (sal_obs_count(o) of them, allocated by the caller).  A
 * report's forecast is the runs' mixture of its reported figure: each run's
 * truth (sal_obs_truth) through the report's bias and error (sal_obs_cdf),
 * its bias integrated over its lognormal prior by Gauss-Hermite quadrature
 * (opts->bias_nodes nodes); the CRPS from one draw per run (sal_obs_draw,
 * the bias drawn from its prior).  Bit-identical for any threads.
 * SAL_EINPUT (diags name the report, file:line:col, and the path it needs)
 * when the runs lack a path a report needs; SAL_ENOMEM. */
int sal_score_reports(const sal_model *m, const struct sal_obs_set *o, const sal_run_paths *p,
                      const sal_score_opts *opts, sal_score_report *rows, sal_diags *diags);

/* One row of scores_summary.csv: the reports of one set (fit or test) and
 * one metric or event (metric NULL: all of them). */
typedef struct {
    const char *metric;  /* NULL: every report of the set */
    int test;
    size_t reports;      /* in this row */
    size_t values;       /* of them value reports (coverage, CRPS, interval scores) */
    size_t probs;        /* censored and event reports (log and Brier scores) */
    double coverage50, coverage90;  /* share of the value reports inside the band */
    double crps, is50, is90;        /* means over the value reports; NaN in the
                                       overall row (units are never mixed) */
    double log_score, brier;        /* means over censored and event reports */
    double crps_reference;          /* the reference's mean CRPS, same reports */
    double crps_skill;              /* 1 - crps / crps_reference */
} sal_score_summary;

/* The summary rows: for test = 0 then 1, one per metric or event with
 * reports in that set (in the order of first appearance), then the overall
 * row; ref (NULL: none) the reference's rows for the same reports.  *out
 * allocated (free()), *n rows.  SAL_ENOMEM. */
int sal_score_summarise(const struct sal_obs_set *o, const sal_score_report *rows,
                        const sal_score_report *ref, sal_score_summary **out, size_t *n);

/* ---- the files (src/out/score_out.c; docs/scores.md) ----------------------- */

/* DIR/scores.csv: one row per report (rows from sal_score_reports). */
int sal_scores_write_csv(FILE *f, const sal_model *m, const struct sal_obs_set *o,
                         const sal_score_report *rows);
/* DIR/scores_summary.csv. */
int sal_scores_write_summary_csv(FILE *f, const sal_score_summary *s, size_t n);
/* The tables scores and scores_summary (the CSV files' columns), replaced
 * in the results database at path (a copy of DIR's, renamed into place by
 * the caller), and the metadata keys scores_observations and scores_as_of,
 * in one transaction.  SAL_EIO. */
int sal_scores_write_db(const char *path, const sal_model *m, const struct sal_obs_set *o,
                        const sal_score_report *rows, const sal_score_summary *s, size_t n,
                        const char *obs_path, int32_t as_of);

#ifdef __cplusplus
}
#endif
#endif

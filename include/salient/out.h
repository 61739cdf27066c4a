/* salient — the output formats of one run, of a sensitivity analysis and of
 * a fit (src/out/; the ensemble's, the study's and the report's are in
 * ensemble.h, study.h and report.h).  Every writer takes an open stream and
 * returns SAL_OK or SAL_EIO (the stream's error flag); the caller writes the
 * file whole or not at all (sal_outfile_*, salient/ensemble.h). */
#ifndef SALIENT_OUT_H
#define SALIENT_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "salient/base.h"
#include "salient/discover.h"
#include "salient/battle.h"
#include "salient/engine.h"
#include "salient/ensemble.h"
#include "salient/fit.h"
#include "salient/model.h"
#include "salient/sobol.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the run on record (run.json; src/out/runinfo.c) -------------------- */

/* What made a job's outputs, written beside them as DIR/run.json (not into
 * the CSV files or results.sqlite, which stay byte-identical between equal
 * runs: these vary with the date, --threads and the ranks). */
typedef struct {
    const char *command;      /* "ensemble", "compare", ... */
    const char *command_line; /* as typed, arguments quoted where needed */
    int threads;              /* <= 0: OpenMP's default (omp_get_max_threads) */
    int ranks;                /* MPI ranks (<= 0: 1) */
    uint64_t seed;
    const char *scenario;     /* path, hashed; NULL: none (the built-in flagship) */
    const char *observations; /* path, hashed; NULL: none */
    int64_t time;             /* seconds since 1970 UTC; 0: now */
} sal_runinfo;

/* The SHA-256 of a file's bytes as 64 lowercase hex digits (FIPS 180-4,
 * computed by OpenSSL's libcrypto).  SAL_EIO when the file cannot be read,
 * hex then "". */
int sal_sha256_file(const char *path, char hex[65]);
/* run.json into an open stream; SAL_EIO when an input cannot be hashed or
 * the stream failed. */
int sal_runinfo_write_stream(FILE *f, const sal_runinfo *ri);
/* DIR/run.json, whole or not at all. */
int sal_runinfo_write(const char *dir, const sal_runinfo *ri);

/* ---- one run (salient run; src/out/run_out.c) --------------------------- */

/* series.csv: day, date, then one column per metric of the run's model. */
int sal_run_write_series(FILE *f, const sal_run *r);
/* The order events.csv and a summary list the events in: those that
 * happened by day (then model order), then those that did not.  order
 * holds the model's nevents indices. */
void sal_run_event_order(const sal_run *r, size_t *order);
/* events.csv: event, day, date, in that order (day and date empty for the
 * events that did not happen). */
int sal_run_write_events(FILE *f, const sal_run *r, const size_t *order);

/* ---- a comparison (salient compare, salient theses; ensemble_out.c) ---- */

/* The variance reduction of common random numbers, var_indep / var_crn:
 * infinite when var_crn is 0 and var_indep is not, NaN when either is NaN
 * or both are 0. */
double sal_compare_ratio(double var_indep, double var_crn);
/* compare.csv's header, after a variant column when with_variant is
 * non-zero (a study's file, several variants). */
int sal_compare_write_header(FILE *f, int with_variant);
/* compare.csv's rows for comparison c (a's names; the format of
 * sal_compare_write, salient/ensemble.h), each after variant when it is not
 * NULL.  The numbers of common metric i on day d are cq[(i * (horizon + 1)
 * + d) * 6 ..] (A's mean, B's, the difference's mean, p05, p50, p95) and
 * those of common event e ce[e * 2 ..] (P_A, P_B by the horizon) when given
 * (a study keeps them packed: sal_study_packed), else c's summaries'. */
int sal_compare_write_rows(FILE *f, const sal_model *a, const sal_compare *c, const char *variant,
                           const double *cq, const double *ce);

/* ---- Sobol' indices (salient sensitivity, salient theses) -------------- */

/* The header of sobol.csv: input,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi, after a
 * metric column when with_metric is non-zero (a study's file, several
 * metrics). */
int sal_sobol_write_header(FILE *f, int with_metric);
/* One row per input of model m (its uncertain inputs, in order), each
 * after the metric's name when metric is not NULL; a NaN or infinite
 * number is an empty field (no interval without a bootstrap). */
int sal_sobol_write_rows(FILE *f, const sal_model *m, const char *metric,
                         const sal_sobol_indices *ix);

/* ---- a fit (salient fit; src/out/fit_out.c) ------------------------------ */

enum { SAL_FIT_NLAWS = 4 };

/* Every law fitted to one battle series, the one reported, its bootstrap. */
typedef struct {
    sal_law law;                          /* the law reported */
    sal_fit_result fits[SAL_FIT_NLAWS];   /* by sal_law */
    int status[SAL_FIT_NLAWS];            /* sal_fit_battle's status of each */
    const double *boot;                   /* bootstrap s.e. of a, b, p, q; NULL: none */
    int nboot;                            /* bootstrap replicates asked for */
    int nfail;                            /* replicates that did not converge */
    uint64_t seed;                        /* the bootstrap's seed */
} sal_fit_laws;

/* The fit as one line of JSON (salient fit --json; docs/fitting.md):
 * the data's name and rows, the reported law's coefficients, errors and
 * covariance, the bootstrap, and every law's fit.  NaN and infinities are
 * null. */
int sal_fit_write_json(FILE *f, const sal_battle *b, const char *name, const sal_fit_laws *l);
/* The observed and fitted series: day,A_obs,B_obs,A_fit,B_fit. */
int sal_fit_write_series(FILE *f, const sal_battle *b, const double *A, const double *B);

/* ---- the check before any read of a results file (src/out/db_seal.c) ---
 *
 * SAL_OK when the results.sqlite at path opens read-only and passes the
 * checks of salient report (docs/report.md, "A damaged database"): SQLite's
 * quick_check, the seal (every table's rows and content hash as listed in
 * its table integrity when it was written) and the known columns' types
 * and ranges.  Else SAL_EINPUT (SAL_ENOMEM) and one diagnostic against path
 * saying what is wrong and naming the table.  Every command that reads a
 * results database (report, score, discover DIR) passes it first, so that
 * a damaged one is refused before anything is read from it or written. */
int sal_results_verify(const char *path, sal_diags *diags);

/* ---- reading the runs of a results file (src/out/results_read.c) ------
 *
 * The one place that knows how results.sqlite holds runs: the table runs
 * (wide: run, one column per input, one per metric; or long: run, name,
 * value), the metric names from quantiles, the events from events, every
 * run's event days from run_events (run, event, date) and weights from
 * weights (run, weight) when those tables exist.  What is not there is
 * said in r->missing.  SAL_EINPUT with the reason in why (no such file, not
 * a results file, no runs), SAL_ENOMEM. */
int sal_results_read_runs(const char *path, sal_disc_runs *r, char *why, size_t whylen);
/* The values of metric pair_metric[k] on day pair_day[k] for every run,
 * from the table paths (run, date, metric, value); without that table
 * r->npairs stays 0 (r->missing says so).  SAL_EINPUT when a value is
 * absent. */
int sal_results_read_pairs(const char *path, sal_disc_runs *r, const size_t *pair_metric,
                           const int *pair_day, size_t npairs, char *why, size_t whylen);

/* ---- outputs (src/out/discover_out.c; docs/discover.md) ----------------
 *
 * Into dir, each file whole or not at all: boxes.csv (box, input, lower,
 * upper, subset, quasi_p, stability, and the box's coverage, density,
 * mass), trajectory.csv (box, step, coverage, density, mass, restricted,
 * inputs, chosen) and results.sqlite with the same as tables
 * discover_boxes, discover_trajectory, plus discover_inputs (each input's
 * range, categorical, irrelevant), discover_points (the runs on the two
 * inputs the first box restricts most, for the report's scatter) and
 * discover (key, value: method, condition, runs, cases), every table with
 * a first column `question` (1 here; a study's questions are 1, 2, ...).  source: a
 * results.sqlite whose metadata, quantiles and events are copied in (so
 * that `salient report` shows them too), or NULL. */
typedef struct {
    const char *method;       /* "prim" or "cart" */
    const char *where;        /* the condition */
    const char *source;       /* results.sqlite to copy the ensemble's tables from, or NULL */
    const char *scenario;     /* its name, for the metadata when source is NULL */
    uint64_t seed;
    double threshold;
    /* a study's question (docs/theses.md); NULL or "" outside a study */
    const char *id, *question, *seed_file, *claim;
    const char *why;          /* why the question has no answer, or NULL */
} sal_disc_meta;

int sal_disc_write(const char *dir, const sal_disc_result *res, const sal_disc_runs *runs,
                   const unsigned char *y, const sal_disc_meta *meta);

#ifdef __cplusplus
}
#endif
#endif

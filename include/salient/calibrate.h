/* salient — calibration: the posterior of a scenario's uncertain inputs and
 * of the biases of its sources, given the reports made up to a date
 * (docs/calibration.md).
 *
 * Target: p(theta, u, b | reports made on or before as_of), theta the
 * scenario's uncertain inputs (priors from the model, salient/dist.h), u the
 * run's random key (the engine's run index under the calibration's seed), b
 * one bias per bias unknown of the observations (lognormal priors), with
 *
 *   p(reports | theta, u, b) = exp(sal_obs_loglik(as_of, run(theta, u), b))
 *
 * the observation model of the file (salient/obs.h).  Given u a run is a
 * deterministic function of theta, so an SMC sampler over (theta, log b, u)
 * (salient/smc.h) targets this posterior exactly: the error model plays the
 * part of the ABC kernel (Wilkinson 2013).  Runs stop at the last day a
 * report made by as_of describes.
 *
 * The forecast continues each particle (sal_calib_posterior, an ensemble
 * input source): replayed to as_of, then on fresh streams. */
#ifndef SALIENT_CALIBRATE_H
#define SALIENT_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "salient/base.h"
#include "salient/ensemble.h"
#include "salient/model.h"
#include "salient/obs.h"
#include "salient/smc.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    size_t particles;       /* N (0: 1000) */
    uint64_t seed;          /* the sampler's streams and the runs' keys */
    int32_t as_of;          /* day index from the scenario's start; INT32_MAX: all reports */
    double cess_fraction;   /* 0: 0.5 */
    size_t min_distinct;    /* 0: min(max(100, N / 10), N / 2) */
    int max_sweeps;         /* 0: 50 */
    int threads;            /* 0: OpenMP's default */
    /* Several processes: the sampler's loops split over the ranks, gathered
     * by share (sal_smc_opts in salient/smc.h); share NULL: one process. */
    int rank, ranks;
    int (*share)(void *share_ctx, unsigned char *buf, size_t rec, size_t n);
    void *share_ctx;
} sal_calib_opts;

typedef struct sal_calib sal_calib;

/* A calibration of model m on the reports of obs (both must outlive it).
 * SAL_EINPUT (with a diagnostic) when no report was made by as_of;
 * SAL_ENOMEM. */
int sal_calib_alloc(const sal_model *m, const sal_obs_set *obs, const sal_calib_opts *o,
                    sal_calib **out, sal_diags *d);
void sal_calib_free(sal_calib *c);
/* Stage 0 (the prior), then one tempering stage per call to step, until
 * done.  SAL_OK; SAL_EFAIL when fewer than min_distinct particles survive a
 * stage (the stage record says how many); SAL_ERANGE / SAL_EINPUT when a run
 * fails (its diagnostic in d). */
int sal_calib_init(sal_calib *c, sal_diags *d);
int sal_calib_step(sal_calib *c, sal_diags *d);
int sal_calib_done(const sal_calib *c);

const sal_smc *sal_calib_smc(const sal_calib *c);
size_t sal_calib_min_distinct(const sal_calib *c);
/* The last day the calibration's runs simulate. */
int32_t sal_calib_last_day(const sal_calib *c);
/* Coordinates of a particle: the model's uncertain inputs, then the biases. */
size_t sal_calib_ninputs(const sal_calib *c);
size_t sal_calib_nbias(const sal_calib *c);
const sal_model *sal_calib_model(const sal_calib *c);
const sal_obs_set *sal_calib_obs(const sal_calib *c);
int32_t sal_calib_as_of(const sal_calib *c);
uint64_t sal_calib_seed(const sal_calib *c);

/* The posterior as an ensemble input source (pointers into c, valid while it
 * lives): particles' inputs and keys, the calibration's seed, branch day
 * as_of + 1. */
void sal_calib_posterior(const sal_calib *c, sal_posterior *p);

/* The prior and posterior predictive of every report (calibration.csv): per
 * report the 5%, 50% and 95% quantiles of the reported figure under the
 * prior (N runs drawn from the priors, run k of the seed) and under the
 * posterior (particle k replayed to as_of, then on (forecast_seed, run k): the
 * forecast's own runs), and the PIT interval [pit_lo, pit_hi] of the report
 * under the posterior predictive (the mean over runs of the reported
 * figure's CDF at the report's bounds; a value has pit_lo == pit_hi; an
 * event report of 0/1 [F(y - 1/2), F(y)]). */
typedef struct {
    double prior[3], post[3];
    double pit_lo, pit_hi;
    int fit;          /* made on or before as_of */
    int cannot;       /* pit_hi < 0.01 or pit_lo > 0.99 */
} sal_calib_check;

int sal_calib_predictive(const sal_calib *c, uint64_t forecast_seed, sal_calib_check *out,
                         sal_diags *d);

/* The particle system after the last stage (sal_smc_save / sal_smc_load). */
int sal_calib_save(const sal_calib *c, FILE *f);
int sal_calib_load(sal_calib *c, FILE *f);

/* ---- files (src/out/calib_out.c) ---------------------------------------- */

/* posterior.csv: particle,seed,key,as_of,<every uncertain input>,
 * bias:<every bias unknown>,weight,loglik. */
int sal_calib_write_posterior(FILE *f, const sal_calib *c);
/* stages.csv: stage,temperature,ess,distinct,acceptance,key_acceptance,
 * sweeps,lambda,simulations. */
int sal_calib_write_stages(FILE *f, const sal_calib *c);
/* calibration.csv: report,metric,reported,use,form,lo,hi,prior_p05,
 * prior_p50,prior_p95,posterior_p05,posterior_p50,posterior_p95,pit_lo,
 * pit_hi,verdict. */
int sal_calib_write_checks(FILE *f, const sal_calib *c, const sal_calib_check *k);
/* prior_posterior.csv: per uncertain input (then bias unknown, named
 * bias:<unknown>): input,prior (its distribution),prior_p05,prior_p50,
 * prior_p95 (the distribution's quantiles), posterior_p05,posterior_p50,
 * posterior_p95 (the weighted particles'), shrink,shift,moved: shrink =
 * 1 - (posterior 90% width) / (prior 90% width); shift = the move of the
 * median in prior sd, the sd being that of a normal with the prior's 90%
 * width (width / 3.29); moved = 1 when shrink >= 0.10 or |shift| > 0.25 (a
 * prior of zero width: when the median changed).  A choice's shift is that
 * of its mean in its prior's sd (its median jumps between values).  Empty
 * where undefined. */
int sal_calib_write_inputs(FILE *f, const sal_calib *c);
/* A CSV file of ours (a header, then rows) as a table of an SQLite file
 * (numbers as REAL, other fields as TEXT, empty fields NULL). */
int sal_sqlite_add_csv(const char *dbpath, const char *table, const char *csvpath);

/* Sets key to value in the metadata table of an SQLite results file (the
 * forecast's as_of, which 'salient score' reads to tell fit from test), and
 * seals the database again (its table integrity), in one transaction. */
int sal_sqlite_set_meta(const char *dbpath, const char *key, const char *value);
/* The as-of date of a posterior (the day before its branch day). */
void sal_posterior_as_of(const sal_posterior *p, const sal_model *m, char date[16]);

/* Reads DIR/posterior.csv written by sal_calib_write_posterior: the inputs
 * by name (the bias columns left out), keys, seed and branch day.  Allocates
 * the arrays of *p (sal_posterior_clear frees them).  SAL_EINPUT with a
 * file:line diagnostic when the file is not one; SAL_EIO when unreadable. */
int sal_posterior_read(const char *path, const sal_model *m, sal_posterior *p, sal_diags *d);
/* Before it is read: when dbpath (the results.sqlite beside csvpath) is
 * there, it passes sal_results_verify and, if it holds the table posterior
 * (a calibration's, sealed with the file), csvpath imported as that table
 * was has the same rows and content hash; so a flipped digit in either is
 * refused (SAL_EINPUT, a diagnostic naming the file), not forecast from.
 * SAL_OK without dbpath (a posterior.csv on its own). */
int sal_posterior_check(const char *csvpath, const char *dbpath, sal_diags *d);
void sal_posterior_clear(sal_posterior *p);

#ifdef __cplusplus
}
#endif
#endif

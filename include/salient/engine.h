/* salient — the daily engine: one run of a scenario, day by day.
 *
 * A run simulates days 0 .. horizon of a sal_model (read with its variant
 * already applied).  Every day goes through the same steps, in this order
 * (docs/model.md gives every equation and its source):
 *
 *   (a) arrivals: tranches, wounded back to duty, stock flows, pipelines
 *   (b) treaties, policies (conditions, hazards, delays, actions), ladders
 *   (c) attrition per sector (the general Lanchester law, with noise)
 *   (d) killed / wounded split, wounded queued for return
 *   (e) learning (experience rises with days in combat)
 *   (f) break points (a contingent below its threshold withdraws)
 *   (g) ground change from the force ratio and posture
 *   (h) munitions consumed
 *   (i) metrics recorded
 *
 * Workspace.  sal_run_alloc() sizes every buffer a run can need from the
 * model, once; sal_run_exec() then runs any number of runs in it without
 * allocating (a diagnostic is allocated only when a run fails).  An
 * ensemble driver keeps one workspace per thread, calls sal_run_exec() for
 * each run index and reads the results through the accessors below before
 * the next run overwrites them.  The model is only read, so any number of
 * workspaces may share one model across threads.
 *
 * Random numbers.  A run is named by (seed, run index).  Every random draw
 * comes from a Philox stream (salient/rng.h) keyed by (seed, run, stream id),
 * and every consumer has its own stream, whose id is derived from the
 * consumer's *name* (a hash of "forces.dprk-kursk.strength", of a sector's
 * name, of a policy's name):
 *
 *   SAL_STREAM_PARAMS | h(input name)    the uncertain input, drawn once per run
 *   SAL_STREAM_SECTOR | h(sector name)   that sector's daily casualty noise
 *   SAL_STREAM_POLICY | h(policy name)   that policy's one-off and daily draws
 *
 * So run 17 draws the same numbers on any thread or rank, and a variant that
 * adds, removes or reorders entities leaves the draws of every other entity
 * unchanged: baseline and counterfactual share their random numbers (common
 * random numbers) wherever they share the thing that draws them.
 *
 * Modes.  Stochastic (the default): inputs drawn, daily casualties drawn
 * (Poisson or negative binomial), troops are whole numbers.  Deterministic
 * (mean-field): every input at its mean, casualties at their expected value,
 * hazards and one-off chances at their median outcome, troops continuous. */
#ifndef SALIENT_ENGINE_H
#define SALIENT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "salient/base.h"
#include "salient/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Stream kinds (the top four bits of a stream id; the low 28 bits hash the
 * name, see above). */
#define SAL_STREAM_PARAMS 0x00000000u
#define SAL_STREAM_SECTOR 0x10000000u
#define SAL_STREAM_POLICY 0x20000000u

/* The day an event has not happened by. */
#define SAL_NEVER (-1)

typedef struct sal_run sal_run;

typedef struct {
    uint64_t seed;        /* the scenario's seed, or the user's --seed */
    uint64_t run;         /* run index within the ensemble, 0 for one run */
    int deterministic;    /* 1: the mean-field path (no draws at all) */
    /* NULL: draw the uncertain inputs (their means when deterministic).
     * Otherwise model->nuncertain values to use instead, in either mode (a
     * quasi-random design point of a sensitivity analysis, e.g. from
     * sal_dist_quantile); each must lie in its distribution's support, or be
     * NaN: that input is then drawn as if inputs were NULL (a variant's
     * input that a posterior does not hold keeps its prior). */
    const double *inputs;
    /* NULL: the run writes its series and event days into the workspace.
     * Otherwise into these caller-owned buffers, (horizon + 1) x nmetrics
     * doubles (day-major, as sal_run_series) and nevents int32_t, so that an
     * ensemble driver can lay a block of runs side by side and summarise the
     * block at once without copying. */
    double *series;
    int32_t *event_days;
    /* The fields below are zero in every caller that does not need them,
     * and then change nothing.
     *
     * last_day: in 1 .. horizon - 1, the run stops after that day (the
     * series and event days of later days are left as they were: a
     * calibration reads only the days its reports describe); otherwise the
     * run goes to the horizon. */
    int last_day;
    /* branch_day > 0: from the start of that day on, every daily stream (the
     * sectors', the policies') is re-keyed by (branch_seed, branch_run)
     * instead of (seed, run): a forecast replays a particle (its inputs and
     * key) to the as-of date and continues it on fresh streams.  The inputs
     * and everything drawn before branch_day keep the (seed, run) streams. */
    int branch_day;
    uint64_t branch_seed, branch_run;
} sal_run_opts;

/* Everything that became of the troops of one force, in troops.  The
 * accounting identity, exact in stochastic mode (whole troops) and to
 * rounding in deterministic mode:
 *
 *   arrived = present + killed + wounded_away + awaiting + withdrawn + moved_out
 *
 * arrived counts the day-0 strength, tranches, pipeline deliveries, deploy
 * actions and troops moved in; wounded = wounded_away + awaiting + returned
 * (cumulative); casualties = killed + wounded. */
typedef struct {
    double arrived;
    double present;       /* strength now */
    double killed;
    double wounded;       /* cumulative, including those who came back */
    double wounded_away;  /* wounded who never return to duty */
    double awaiting;      /* wounded due back after the horizon or later */
    double returned;      /* wounded back to duty so far */
    double withdrawn;     /* troops withdrawn at or after the break point */
    double moved_out;     /* troops moved to other forces by policies */
    double peak;          /* the strength the break point refers to */
    double experience;    /* now */
    double fire;          /* fire-support factor of the last day in combat */
    int combat_days;      /* days in combat so far */
    int withdrawn_day;    /* day of the break, SAL_NEVER if none */
} sal_force_account;

/* A workspace sized for model m (which must outlive it).  NULL when out of
 * memory or when m is not a usable model (NULL, negative horizon). */
sal_run *sal_run_alloc(const sal_model *m);
void sal_run_free(sal_run *r);

/* Runs days 0 .. horizon.  Returns SAL_OK; SAL_EINPUT when opts->inputs holds
 * a value outside its distribution's support; SAL_ERANGE when a value would
 * leave its domain (an expression or a mechanism giving NaN or infinity):
 * the diagnostic names the expression (file:line:col) or the mechanism, and
 * the day and date.  After an error the results hold the days done so far.
 * diags may be NULL. */
int sal_run_exec(sal_run *r, const sal_run_opts *opts, sal_diags *diags);

/* Results of the last run (valid until the next sal_run_exec).  The series
 * is day-major: for an ensemble summary (salient/summary.h) its strides are
 * {run: (horizon + 1) * nmetrics when runs lie side by side, metric: 1,
 * day: nmetrics}, with sal_run_event_days as the event days. */
const sal_model *sal_run_model(const sal_run *r);
size_t sal_run_ndays(const sal_run *r);      /* horizon + 1 */
size_t sal_run_nmetrics(const sal_run *r);
/* The metric series, row-major by day: series[day * nmetrics + metric]. */
const double *sal_run_series(const sal_run *r);
/* The first day each event happened (model->events order), SAL_NEVER if not;
 * and how many times it was recorded. */
const int32_t *sal_run_event_days(const sal_run *r);
const int32_t *sal_run_event_counts(const sal_run *r);
/* The value each uncertain input took in this run (model->uncertain order). */
const double *sal_run_inputs(const sal_run *r);
/* The accounting of force f at the end of the run; SAL_EINPUT if out of range. */
int sal_run_force(const sal_run *r, size_t f, sal_force_account *out);
/* End-of-run state; NaN (or -1 for rung and treaty) when out of range. */
double sal_run_ground(const sal_run *r, size_t sector);
double sal_run_stock(const sal_run *r, size_t actor, size_t stock);
double sal_run_param(const sal_run *r, size_t param);
int sal_run_rung(const sal_run *r, size_t ladder);
int sal_run_treaty_day(const sal_run *r, size_t treaty);   /* SAL_NEVER if not in force */
/* Troops or amounts still in transit in pipeline p at the end of the run. */
double sal_run_in_transit(const sal_run *r, size_t pipeline);
/* The number of times policy p fired, and acted. */
int sal_run_policy_fired(const sal_run *r, size_t policy);
int sal_run_policy_acted(const sal_run *r, size_t policy);
/* Bytes held by the workspace (for the ensemble's memory model). */
size_t sal_run_bytes(const sal_run *r);

/* The stream id of a named consumer (kind | 28-bit hash of name), as the
 * engine derives it before resolving collisions within one model.  Exposed
 * for tests and for tools that reproduce one consumer's draws. */
uint32_t sal_run_stream_id(uint32_t kind, const char *name);

#ifdef __cplusplus
}
#endif
#endif

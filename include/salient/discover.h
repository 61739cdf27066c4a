/* salient — scenario discovery: which ranges of the uncertain inputs lead to
 * an outcome (docs/discover.md).
 *
 * The data are n runs, each with p inputs (row-major x[i * p + j]), a label
 * y[i] (1: a case of interest) and an optional weight w[i] (a calibration's
 * posterior weight; NULL: all 1).  A box restricts each input to a closed
 * range [lower, upper] (infinite when unrestricted) or, for a categorical
 * input (a `choice`), to a subset of its levels.  For a box B:
 *
 *   mass     = W(B) / W            (share of all the weight inside B)
 *   density  = W1(B) / W(B)        (share of the weight in B that is of interest)
 *   coverage = W1(B) / W1          (share of the cases of interest caught by B)
 *
 * with W the total weight, W1 that of the cases of interest.
 *
 * PRIM (Friedman and Fisher 1999, "Bump hunting in high-dimensional data";
 * Bryant and Lempert 2010, "Thinking inside the box"): peeling removes, at
 * each step, the alpha share of the box's runs at one end of one input (or
 * one level of a categorical input), whichever leaves the highest density,
 * until the mass would fall below min_mass or the density is 1.  The
 * sequence of boxes is the trajectory; the chosen box is the first on it (the
 * one with the most coverage) whose density reaches the threshold, or step
 * `box`.  Pasting then widens the chosen box by alpha shares while that
 * raises its density.  Each restriction gets Bryant and Lempert's
 * quasi-p-value, P(X >= H) with X ~ Binomial(T, p'), T and H the box's runs
 * and cases of interest, p' the density of the box without that restriction.
 * Stability: the share of `bootstrap` replicates (runs resampled with
 * replacement; replicate r draws from Philox stream (seed, r)) in which PRIM
 * restricts each input with a quasi-p-value <= 0.05.  Covering: the runs of
 * a box are removed and the next box sought, up to `boxes`.
 *
 * CART (Breiman et al. 1984): a binary classification tree grown by Gini
 * impurity (weighted), leaves of at least min_leaf runs, depth at most
 * max_depth; leaves whose density reaches 0.5 are reported as boxes.
 *
 * Everything is deterministic: ties go to the lowest input index, lower end
 * before upper; bootstrap replicates are independent streams whose results
 * are stored by replicate, so any thread count gives the same bits. */
#ifndef SALIENT_DISCOVER_H
#define SALIENT_DISCOVER_H

#include <stddef.h>
#include <stdint.h>

#include "salient/base.h"
#include "salient/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Categorical inputs have at most this many levels (a subset is a bit mask). */
#define SAL_DISC_MAX_LEVELS 64

typedef struct {
    size_t n, p;
    const double *x;           /* n x p, row-major; finite */
    const unsigned char *y;    /* n labels, 0 or 1 */
    const double *w;           /* n weights >= 0, or NULL (all 1) */
    const int *categorical;    /* p flags (non-zero: restrict by subsets), or NULL */
} sal_disc_data;

typedef struct {
    double alpha;       /* peeling and pasting share, 0: 0.05 */
    double min_mass;    /* peeling stops below this mass, 0: 0.05 */
    double threshold;   /* density the chosen box must reach, 0: 0.8 */
    size_t box;         /* > 0: choose trajectory step `box` instead (0: by threshold) */
    size_t boxes;       /* covering: at most this many boxes, 0: 1 */
    unsigned bootstrap; /* replicates for stability, 0: none */
    double max_qp;      /* a restriction counts in stability when qp <= this, 0: 0.05 */
    uint64_t seed;      /* of the bootstrap streams */
    int threads;        /* OpenMP threads for the replicates, 0: default */
    /* CART */
    size_t min_leaf;    /* 0: max(5, n / 50) */
    int max_depth;      /* 0: 4 */
} sal_disc_opts;

/* One input of a box: its limits, or its subset of levels (categorical). */
typedef struct {
    double lower, upper;  /* -INFINITY / INFINITY: no limit on that side */
    uint64_t levels;      /* categorical: bit k set when level k is in the box */
} sal_disc_range;

/* One box of the trajectory (or a CART leaf). */
typedef struct {
    double coverage, density, mass;
    size_t runs, cases;        /* runs in the box, and those of interest (counts) */
    size_t nrestricted;        /* inputs whose range is narrower than the data's */
    sal_disc_range *range;     /* p ranges */
} sal_disc_step;

/* A box found, with its restrictions. */
typedef struct {
    sal_disc_step box;         /* the chosen (and pasted) box */
    int met;                   /* its density reaches the threshold */
    sal_disc_step *steps;      /* PRIM's peeling trajectory (none for CART) */
    size_t nsteps;
    size_t chosen;             /* the trajectory step chosen (before pasting) */
    double *qp;                /* p quasi-p-values (NaN: input not restricted) */
    double *stability;         /* p shares of replicates (NaN: no bootstrap; PRIM's first box) */
} sal_disc_box;

typedef struct {
    size_t p;
    double *levels;            /* p x SAL_DISC_MAX_LEVELS level values (categorical) */
    size_t *nlevels;           /* p: levels of each categorical input (0: continuous) */
    double *lo, *hi;           /* p: the data's range of each input */
    sal_disc_box *boxes;
    size_t nboxes;
    unsigned bootstrap;        /* replicates run */
    unsigned char *replicates; /* bootstrap x p: replicate k restricts input j (qp <= max_qp) */
    int *irrelevant;           /* p: 1 when no box restricts it with qp <= max_qp */
} sal_disc_result;

/* Checks data and options: SAL_EINPUT with the reason in why (no runs, a
 * label not 0 or 1, a non-finite input, negative weight, no case of
 * interest, a categorical input with over SAL_DISC_MAX_LEVELS levels, an
 * option out of range). */
int sal_disc_check(const sal_disc_data *d, const sal_disc_opts *o, char *why, size_t whylen);

/* PRIM with covering and bootstrap stability.  o may be NULL (defaults).
 * SAL_OK and *out, SAL_EINPUT (see sal_disc_check), SAL_ENOMEM. */
int sal_prim(const sal_disc_data *d, const sal_disc_opts *o, sal_disc_result **out,
             char *why, size_t whylen);

/* CART: the leaves of interest as boxes, by decreasing coverage. */
int sal_cart(const sal_disc_data *d, const sal_disc_opts *o, sal_disc_result **out,
             char *why, size_t whylen);

void sal_disc_result_free(sal_disc_result *r);

/* Non-zero when run i of d lies in the box. */
int sal_disc_contains(const sal_disc_result *r, const sal_disc_range *box, const double *xi);

/* ---- the runs and the condition (src/analysis/disc_runs.c) ------------
 *
 * The record of every run of an ensemble that discovery reads: its drawn
 * inputs, its metrics on the last day, the first day of each event (day
 * index from the start; INFINITY: never happened) and, for the condition's
 * metric(NAME, DATE), chosen metrics on chosen days. */
typedef struct {
    size_t n;                 /* runs */
    uint64_t *run;            /* their indices */
    size_t ninputs;
    char **inputs;            /* names */
    int *categorical;         /* a `choice` input (or, read from a file, one of at most
                                 SAL_DISC_FEW_LEVELS distinct values) */
    double *x;                /* n x ninputs */
    size_t nmetrics;
    char **metrics;
    double *last;             /* n x nmetrics */
    size_t nevents;
    char **events;
    double *event_day;        /* n x nevents, or NULL when the record has none */
    size_t npairs;            /* metric(NAME, DATE) values held */
    size_t *pair_metric;
    int *pair_day;
    double *pair;             /* n x npairs */
    double *w;                /* n weights, or NULL */
    long start;               /* day 0 as days since 1970-01-01 */
    int horizon;
    uint64_t seed;            /* the runs' seed (the scenario's, or the ensemble's) */
    char missing[256];        /* what the source could not give (for messages) */
} sal_disc_runs;

/* Read from a file, an input with at most this many distinct values among
 * at least 4x as many runs is taken as categorical. */
#define SAL_DISC_FEW_LEVELS 12

void sal_disc_runs_free(sal_disc_runs *r);
/* Marks inputs of few distinct values as categorical (see above). */
void sal_disc_runs_guess_categorical(sal_disc_runs *r);

/* The condition that splits runs into cases of interest and the rest: an
 * expression (docs/expressions.md) over one run's record.  A metric's name
 * (or last(NAME)) is its value on the last day; metric(NAME, DATE) its
 * value on a date (2025-02-01) or day index; event_day(NAME) the day an
 * event first happened (+infinity if never); date(2025-02-01) a date, as a
 * day index.  Names are checked against the runs' metrics and events. */
typedef struct sal_disc_where sal_disc_where;

int sal_disc_where_compile(const char *src, const sal_disc_runs *vocab, sal_diags *diags,
                           sal_disc_where **out);
/* The same for a condition written in a file: errors at file:line:col of
 * its text (sal_expr_compile's positions).  The vocabulary is read only
 * while compiling. */
int sal_disc_where_compile_at(const char *src, const sal_disc_runs *vocab, const char *file,
                              int line, int col, sal_diags *diags, sal_disc_where **out);
void sal_disc_where_free(sal_disc_where *w);
/* The metric(NAME, DATE) pairs it reads (metric index, day), in order of
 * first appearance; returns how many (write up to max). */
size_t sal_disc_where_pairs(const sal_disc_where *w, size_t *metric, int *day, size_t max);
/* Non-zero when it reads event days. */
int sal_disc_where_uses_events(const sal_disc_where *w);
/* Labels every run: y[i] = 1 when the condition holds.  SAL_ERANGE when it
 * is NaN for a run (a metric missing), the run named in why; SAL_EINPUT
 * when it needs what the runs do not hold (event days, a metric on a date),
 * said in why. */
int sal_disc_where_label(const sal_disc_where *w, const sal_disc_runs *r, unsigned char *y,
                         char *why, size_t whylen);

/* The names, start and horizon of model m's runs (no runs yet): what a
 * condition is compiled against before the runs are made. */
int sal_disc_runs_init_model(sal_disc_runs *r, const sal_model *m);
/* Runs 0 .. runs - 1 of m under seed (threads: 0 OpenMP's default), into
 * r (from sal_disc_runs_init_model): inputs, last-day metrics, event days
 * and the values of metric pair_metric[k] on day pair_day[k].  Each run is
 * named by (seed, run), so the record does not depend on the threads.
 * SAL_ERANGE when a run fails (the lowest, re-run for diags), SAL_ENOMEM. */
int sal_disc_runs_simulate(sal_disc_runs *r, const sal_model *m, uint64_t seed, uint64_t runs,
                           int threads, const size_t *pair_metric, const int *pair_day,
                           size_t npairs, sal_diags *diags);


#ifdef __cplusplus
}
#endif
#endif

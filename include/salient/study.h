/* salient — studies: a scenario's base ensemble, every variant against the
 * base on common random numbers, Sobol' indices of chosen metrics, and the
 * theses of the seed analyses tested on all of it.
 *
 * A theses file (docs/theses.md gives the format) names the scenario, the
 * study's sizes and the theses, each a claim with a test:
 *
 *   metric test   {metric: M, at: DATE, expect: {above: x}}      on the base
 *   event test    {event: E, by: DATE, expect: {probability_above: p}}
 *   compare test  {compare: V, metric: M | event: E, ...}        V - base
 *
 * Evaluation (src/analysis/study.c; docs/theses.md states the same rules):
 *   metric and compare-metric tests: value = the mean of the metric (or of
 *     the per-run difference V - base on common random numbers) on the day,
 *     lo/hi its p05/p95 across runs, probability the share of runs on the
 *     side the thesis predicts; supported when probability >= 0.75,
 *     contradicted when <= 0.25, else uncertain.
 *   event tests: value = P(event by the day), lo/hi its 90% Wilson interval,
 *     probability = value; supported when the interval lies wholly on the
 *     predicted side of p, contradicted when wholly on the other, else
 *     uncertain.
 *   compare-event tests: value = P_V - P_base by the day, lo/hi a 90%
 *     normal interval from the paired (common-random-number) variance of the
 *     indicators' difference, probability the share, among the runs whose
 *     outcome the variant changed, of those it changed the predicted way;
 *     judged by the interval against 0 like an event test.
 *
 * The library never prints: errors go to sal_diags as file:line:col. */
#ifndef SALIENT_STUDY_H
#define SALIENT_STUDY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "salient/base.h"
#include "salient/discover.h"
#include "salient/ensemble.h"
#include "salient/model.h"
#include "salient/sobol.h"
#include "salient/summary.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- provenance -------------------------------------------------------- */

/* One number of a scenario for the provenance table. */
typedef struct {
    char *path;        /* "forces.dprk-kursk.strength" */
    int uncertain;     /* 1: drawn per run ("uncertain"), 0: "fixed" */
    char *value;       /* "12000" or "pert(3000, 11000, 12000)" */
    char *source;      /* NULL when the file gives none */
    char *description; /* the parameter's description, or NULL */
} sal_provenance_row;

/* Walks model m: every number written in the file (model->provenance, in
 * file order, one row per path: the first), then any uncertain input not
 * listed there.  *rows is an owned array of *n rows. */
int sal_model_provenance(const sal_model *m, sal_provenance_row **rows, size_t *n);
void sal_provenance_free(sal_provenance_row *rows, size_t n);

/* ---- theses files -------------------------------------------------------- */

typedef enum {
    SAL_EXPECT_INCREASE,     /* compare tests: V - base > 0 */
    SAL_EXPECT_DECREASE,     /* compare tests: V - base < 0 */
    SAL_EXPECT_ABOVE,        /* value > x[0] */
    SAL_EXPECT_BELOW,        /* value < x[0] */
    SAL_EXPECT_WITHIN,       /* x[0] <= value <= x[1] */
    SAL_EXPECT_PROB_ABOVE,   /* event tests: P > x[0] */
    SAL_EXPECT_PROB_BELOW    /* event tests: P < x[0] */
} sal_expect;

typedef enum { SAL_VERDICT_UNCERTAIN, SAL_VERDICT_SUPPORTED, SAL_VERDICT_CONTRADICTED } sal_verdict;

/* Where a name sits in the theses file, for the checks against the model. */
typedef struct {
    int line, col;
} sal_pos;

typedef struct {
    char *id;
    char *seed;        /* file name in ../shared/seeds/, may be NULL */
    char *claim;       /* may be NULL */
    char *compare;     /* variant, NULL for a test on the base */
    char *metric;      /* exactly one of metric and event */
    char *event;
    char *date;        /* at: / by: as written, NULL = the horizon */
    int day;           /* resolved by sal_theses_bind */
    sal_expect expect;
    double x[2];
    sal_pos at, at_compare, at_name, at_date;
} sal_thesis;

/* A discovery question (docs/theses.md, docs/discover.md): in which worlds
 * (ranges of the uncertain inputs) a condition on a run holds, answered by
 * PRIM (or CART) on the study's base runs. */
typedef struct {
    char *id;
    char *question;    /* the question in words, may be NULL */
    char *seed;        /* file name in ../shared/seeds/, may be NULL */
    char *claim;       /* may be NULL */
    char *where;       /* the condition (salient/discover.h's language), as written */
    char *where_raw;   /* a multi-line condition as it stands in the file (what is
                          compiled, so that positions are exact), or NULL */
    int cart;          /* method: 0 PRIM, 1 CART */
    double threshold;  /* density the chosen box must reach; 0: 0.8 */
    sal_pos at, at_where; /* the entry; where the condition's text starts */
    sal_disc_where *cond; /* compiled against the scenario by sal_theses_bind */
} sal_question;

typedef struct {
    char *file;        /* the theses file, for messages */
    char *dir;         /* its directory ("." when none) */
    char *scenario;    /* as written, relative to dir */
    sal_pos at_scenario;
    uint64_t runs;     /* study.runs, 0 = not given */
    uint64_t sobol_base; /* study.sensitivity.base, 0 = not given */
    char **sobol_metrics;
    sal_pos *at_sobol;
    size_t nsobol;
    sal_thesis *theses;
    size_t ntheses;
    sal_question *questions; /* the 'discover' section, file order */
    size_t nquestions;
    /* seeds: how to cite each seed file (author, title, date, from the
     * seed's own text), shown beside the file name in the report */
    char **seed_file, **seed_cite;
    size_t nseeds;
} sal_theses;

/* Reads a theses file.  SAL_EINPUT with every problem in diags (as
 * file:line:col, unknown keys with did-you-mean), SAL_EIO, SAL_ENOMEM. */
int sal_theses_read(const char *path, sal_diags *diags, sal_theses **out);
int sal_theses_read_buffer(const char *buf, size_t len, const char *name, sal_diags *diags,
                           sal_theses **out);
void sal_theses_free(sal_theses *t);

/* Checks the names of the theses file against the scenario's base model
 * (variants, metrics, events, dates within start .. horizon), with
 * did-you-mean errors pointing into the theses file, resolves each
 * thesis's day and compiles each discovery question's condition (errors at
 * their place in the file).  SAL_EINPUT with diags. */
int sal_theses_bind(sal_theses *t, const sal_model *m, sal_diags *diags);

/* "compare redeploy-to-donetsk: donetsk_ground_km2 on 2025-12-31" and
 * "increase" / "above 3000" / "P > 0.5", for tables. */
void sal_thesis_describe(const sal_thesis *t, const sal_model *m, char *test, size_t ntest,
                         char *expect, size_t nexpect);

/* ---- evaluation ------------------------------------------------------- */

typedef struct {
    double value, lo, hi, probability; /* NaN when undefined */
    sal_verdict verdict;
    char summary[400];
} sal_thesis_result;

const char *sal_verdict_name(sal_verdict v);

/* The share of the values summarised in sketch s that are above x (strictly)
 * and below x (strictly).  Read from the sketch's order statistics: exact
 * when x = 0 (the sketch keeps signs and zeros exactly), otherwise a value
 * within the sketch's relative accuracy of x may be counted on the wrong
 * side.  NaN when the sketch is empty. */
double sal_sketch_share_above(const sal_sketch *s, double x);
double sal_sketch_share_below(const sal_sketch *s, double x);

/* The 90% Wilson score interval of a proportion k / n
 * (z = 1.6448536269514722, the 0.95 normal quantile). */
void sal_wilson90(double k, double n, double *lo, double *hi);

/* Evaluates thesis t (bound to base model m).  s: the base summary (metric
 * and event tests); c: the comparison base (a) against t->compare (b), for
 * compare tests.  SAL_EINPUT when the needed summary is missing or the
 * name is not in it. */
int sal_thesis_evaluate(const sal_thesis *t, const sal_model *m, const sal_summary *s,
                        const sal_compare *c, sal_thesis_result *out);

/* ---- the study run ------------------------------------------------------ */

typedef struct {
    uint64_t runs;        /* per variant, >= 1 */
    uint64_t seed;
    int threads;          /* 0: OpenMP's default */
    uint64_t sobol_base;  /* n of the Saltelli design; 0: no Sobol' indices */
    size_t sobol_nboot;   /* bootstrap replicates, 0: 200 */
    /* Called on the calling thread between waves with the runs done and the
     * runs of the whole study; non-zero stops the study (SAL_EINTR). */
    int (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *ctx;
    /* The most memory the study may keep of the base's runs (every run's
     * whole series and event days, runs x (horizon + 1) x metrics doubles)
     * so that each variant is paired with them instead of running the base
     * again; 0: SAL_STUDY_PAIR_BYTES.  A study that needs more runs each
     * variant with its own copy of the base (sal_compare_run): the same
     * results, the same bytes, nearly twice the runs. */
    uint64_t pair_bytes;
    /* The base and every variant continue from a posterior's particles
     * (salient/ensemble.h, docs/calibration.md); NULL: their own draws.
     * Sobol' indices stay on the priors. */
    const sal_posterior *posterior;
} sal_study_opts;

/* The default of sal_study_opts.pair_bytes: 256 MiB, the flagship's 1,000
 * runs take 45 MB. */
#define SAL_STUDY_PAIR_BYTES ((uint64_t)256 << 20)

/* What a study keeps of a finished comparison: the numbers its files and
 * tables report, read from the summaries (whose sketches, tens of MB per
 * variant, are then dropped).  nd = horizon + 1 days. */
typedef struct {
    /* the variant alone, per metric k of the variant and day d:
     * vq[(k * nd + d) * 6 + j], j = mean, p05, p25, p50, p75, p95 */
    double *vq;
    /* per event e of the variant: ve[e] its probability by the horizon,
     * ve_day[e * 3 + j] the p05, p50, p95 of its day (SAL_EVENT_NEVER: none) */
    double *ve;
    int32_t *ve_day;
    /* per common metric i (sal_compare.metric_a/b) and day d:
     * cq[(i * nd + d) * 6 + j], j = mean of the base, mean of the variant,
     * mean, p05, p50, p95 of the difference variant - base */
    double *cq;
    /* per common event e: ce[e * 2 + j], j = P_base, P_variant by the horizon */
    double *ce;
} sal_study_packed;

/* The order of the numbers of sal_study_packed. */
enum { SAL_PACK_MEAN, SAL_PACK_P05, SAL_PACK_P25, SAL_PACK_P50, SAL_PACK_P75, SAL_PACK_P95 };
enum { SAL_PACK_A, SAL_PACK_B, SAL_PACK_DMEAN, SAL_PACK_D05, SAL_PACK_D50, SAL_PACK_D95 };

typedef struct {
    const sal_theses *theses;   /* borrowed */
    sal_model *base;            /* owned */
    sal_model **variants;       /* owned, base->nvariants, file order */
    size_t nvariants;
    sal_study_opts opts;
    int partial;                /* stopped before the end */
    uint64_t runs_done;         /* of the base ensemble */
    sal_summary *summary;       /* the base */
    double *records;            /* per base run: inputs, then last-day metrics */
    sal_compare **compare;      /* per variant, NULL when not run.  Once the
                                   study has run, its summaries (a, b, diff)
                                   are NULL: the theses that need them are
                                   judged and their numbers kept in packed[v]
                                   as soon as the variant is done; the rest
                                   (runs, common metrics and events, the
                                   variances) stays */
    sal_study_packed *packed;   /* per variant, valid when compare[v] is */
    sal_sobol_indices *sobol;   /* per theses->nsobol metric */
    int *sobol_ok;
    sal_thesis_result *results; /* per thesis */
    int *evaluated;
    /* Discovery (src/analysis/study_disc.c): the base runs as discovery
     * reads them (inputs, last-day metrics, event days, the metrics on the
     * dates the questions name; NULL without questions), and per question
     * its labels, its answer (NULL: none, the reason in disc_why). */
    sal_disc_runs *disc_runs;
    unsigned char **disc_y;
    sal_disc_result **disc;
    size_t *disc_cases;
    char (*disc_why)[256];
} sal_study;

/* Bootstrap replicates of the stability of a discovery question's box (as
 * `salient discover`'s default). */
#define SAL_STUDY_DISC_BOOTSTRAP 20u
/* A question is answered only when at least this many runs are cases of
 * interest and this many are not (fewer: its reason says so). */
#define SAL_STUDY_DISC_MIN_CASES 10u

/* Stream kind of the Monte Carlo design of a study's Sobol' indices. */
#define SAL_STREAM_STUDY 0x40000000u

/* The Sobol' indices of metrics[0 .. nmetrics-1] of model m at the horizon
 * from one Saltelli design of o->sobol_base rows (src/analysis/study_sobol.c: the
 * points of sal_sobol_design up to SAL_SOBOL_MAX_INPUTS inputs, Philox Monte
 * Carlo beyond), with o->sobol_nboot bootstrap replicates.  ok[q] is 1 when
 * out[q] holds indices (0: the metric does not vary).  progress as in
 * sal_study_opts, counting runs; SAL_EINTR keeps the rows done. */
int sal_study_sobol(const sal_model *m, const size_t *metrics, size_t nmetrics,
                    const sal_study_opts *o, sal_sobol_indices *out, int *ok,
                    int (*progress)(void *, uint64_t, uint64_t), void *ctx, sal_diags *diags);

/* The comparison c of study s with its base summary in place: c itself, or
 * a shallow copy in *view whose a is the base ensemble's summary (while the
 * comparison still has its summaries: during sal_study_run). */
const sal_compare *sal_study_compare_view(const sal_study *s, const sal_compare *c,
                                          sal_compare *view);

/* Reads the scenario of the theses file (or scenario_buf when not NULL,
 * named scenario_name, for an embedded flagship) with every variant, and
 * binds the theses.  SAL_EINPUT with diags. */
int sal_study_load(const sal_theses *t, const char *scenario_buf, size_t scenario_len,
                   const char *scenario_name, sal_diags *diags, sal_study **out);

/* Runs the study: the base ensemble (records kept for runs.csv), every
 * variant against the base on common random numbers (the base run once and
 * kept, each variant paired with it: src/analysis/study_pair.c; see pair_bytes), the
 * Sobol' indices at the horizon, the theses, and the discovery questions
 * (PRIM or CART on the base runs, bootstrap replicates from the seed).  SAL_OK; SAL_EINTR (progress asked to stop: the
 * parts finished are kept, partial set); the error of a failed run. */
int sal_study_run(sal_study *s, const sal_study_opts *o, sal_diags *diags);
void sal_study_free(sal_study *s);

/* Writes DIR/quantiles.csv, events.csv, runs.csv, compare.csv, sobol.csv,
 * theses.csv and results.sqlite (docs/theses.md), all whole or none, and
 * DIR/PARTIAL when the study is partial (removed otherwise). */
int sal_study_write(const sal_study *s, const char *dir, sal_diags *diags);

/* The theses as a Markdown table with the numbers of the study. */
int sal_study_write_markdown(const sal_study *s, FILE *f);

#ifdef __cplusplus
}
#endif
#endif

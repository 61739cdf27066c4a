/* salient (internal) — what a comparison on common random numbers keeps and
 * makes, shared by the ensemble's compare (src/ensemble/ensemble.c) and the study's
 * variants paired with the kept base runs (src/analysis/study_pair.c), so that the
 * two give the same numbers (src/ensemble/compare.c; the variances in
 * ensemble.c). */
#ifndef SAL_COMPARE_INT_H
#define SAL_COMPARE_INT_H

#include <stdint.h>

#include "salient/ensemble.h"
#include "salient/summary.h"

/* Moments kept per common metric at the horizon, as exact sums: of the
 * base arm (A), of the variant (B) and of their difference (D). */
enum { MOM_A, MOM_A2, MOM_B, MOM_B2, MOM_D, MOM_D2, NMOM };

/* A comparison of a against b on their common metrics and events (matched
 * by name, in a's order), with room for its variances; NULL when out of
 * memory. */
sal_compare *sal_compare_alloc_common(const sal_model *a, const sal_model *b);

/* One arm of a paired run: its series (days x nmetrics, day-major) and its
 * event days (-1: not seen). */
typedef struct {
    const double *series;
    size_t nmetrics;
    const int32_t *events;
} sal_compare_arm;

/* What a thread of a comparison accumulates over c's common metrics and
 * events (src/ensemble/compare.c), the ensemble's compare and the study's
 * variants alike. */
typedef struct {
    sal_summary *diff;  /* of the per-day differences B - A */
    double *dbuf;       /* a block's differences: block x nd x ncommon */
    sal_xsum *mom;      /* ncommon x NMOM, at the horizon */
    uint64_t *disc;     /* per common event: runs where exactly one arm saw it */
    size_t nd, nc, ne;  /* days, common metrics, common events */
} sal_compare_acc;

/* Room for blocks of `block` runs of nd days; SAL_OK or SAL_ENOMEM (then
 * free it all the same). */
int sal_compare_acc_alloc(sal_compare_acc *acc, const sal_compare *c, size_t nd, size_t block,
                          double accuracy);
void sal_compare_acc_free(sal_compare_acc *acc);
/* The one paired-moment kernel: run i of the block, arms a and b, folded
 * in: its per-day differences into the block's buffer, the exact sums of
 * A, A^2, B, B^2, D, D^2 at the horizon into mom (NaN and infinities are
 * refused by the sums and so left out), the discordant events into disc. */
void sal_compare_fold_run(const sal_compare *c, sal_compare_acc *acc, size_t i, sal_compare_arm a,
                          sal_compare_arm b);
/* The block's n runs of differences into acc->diff. */
int sal_compare_acc_add_block(sal_compare_acc *acc, size_t n);
/* from's moments and discordant counts added to into's (the difference
 * summaries are merged by the caller, whole or by slices). */
void sal_compare_acc_merge_sums(sal_compare_acc *into, const sal_compare_acc *from);

/* The threads of a driver (the ensemble's, the study's paired one): the
 * threads asked for (0: OpenMP's default), at most one per block of runs,
 * at least one (also when there are no runs: one idle thread). */
int sal_ensemble_nthreads(int threads, uint64_t runs, size_t block);
/* The blocks of a wave of T threads: progress, stops and (with
 * checkpoint_seconds <= 0) checkpoints come between waves. */
size_t sal_ensemble_wave_blocks(int T);

/* Fills c's variances of the paired differences and of independent arms
 * (the variance reduction of common random numbers) over c->runs runs,
 * from mom (c->nmetrics x NMOM) and, per common event, the count of runs
 * where exactly one arm saw it (disc); a holds the base arm's event counts,
 * c->b the variant's. */
void sal_compare_set_variances(sal_compare *c, const sal_summary *a, const sal_xsum *mom,
                               const uint64_t *disc);

#endif

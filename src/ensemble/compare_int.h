/* salient (internal) — what a comparison on common random numbers keeps and
 * makes, shared by the ensemble's compare (src/ensemble/ensemble.c) and the study's
 * variants paired with the kept base runs (src/analysis/study_pair.c), so that the
 * two give the same numbers. */
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

/* The one paired-moment kernel of a comparison (the ensemble's compare and
 * the study's variants): run r of arms a and b folded in over c's common
 * metrics and events: the per-day differences B - A into d (nd x
 * c->nmetrics), the horizon's exact sums of A, A^2, B, B^2, D, D^2 into mom
 * (c->nmetrics x NMOM; NaN and infinities are refused by the sums and so
 * left out), and into disc, per common event, 1 when exactly one arm saw
 * it. */
void sal_compare_fold_run(const sal_compare *c, size_t nd, sal_compare_arm a, sal_compare_arm b,
                          double *d, sal_xsum *mom, uint64_t *disc);

/* Fills c's variances of the paired differences and of independent arms
 * (the variance reduction of common random numbers) over c->runs runs,
 * from mom (c->nmetrics x NMOM) and, per common event, the count of runs
 * where exactly one arm saw it (disc); a holds the base arm's event counts,
 * c->b the variant's. */
void sal_compare_set_variances(sal_compare *c, const sal_summary *a, const sal_xsum *mom,
                               const uint64_t *disc);

#endif

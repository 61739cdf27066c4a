/* salient — mergeable, deterministic summaries of Monte Carlo ensembles.
 *
 * An ensemble of N runs (N up to 10^7 and beyond) is summarised per
 * (metric, day) by a mean and quantiles, and per event by the probability
 * that it happens by the horizon and the quantiles of its day.  Memory does
 * not grow with N, and every partial summary (one per thread, block of runs
 * or MPI rank) merges into another EXACTLY: every piece of state is an
 * integer count, an exact sum, or a min/max, so merging is associative and
 * commutative and the merged summary — and its serialised bytes — are the
 * same whatever the number of threads or ranks and whatever the merge order.
 * docs/ensemble.md gives the method, the error bounds and the memory model.
 *
 * Three layers:
 *   sal_xsum     an exact sum of doubles (a carry-save fixed-point
 *                accumulator over the whole double range), rounded once,
 *                correctly, when read;
 *   sal_sketch   a DDSketch quantile sketch (Masson, Rim, Lee, "DDSketch: a
 *                fast and fully-mergeable quantile sketch with relative-error
 *                guarantees", VLDB 2019) with an exact sum, count, min, max;
 *   sal_summary  an ensemble layout: nmetrics x ndays sketches and nevents
 *                exact day histograms.
 *
 * EXACT QUANTILES.  A summary whose layout has exact_max > 0 also keeps,
 * in each cell, every value while the cell holds at most exact_max of them,
 * sorted (a function of the multiset, so it merges and serialises
 * canonically like the rest); its quantiles are then the order statistics
 * themselves, with no error at all.  A cell past exact_max drops the values
 * and answers from the sketch, within the bound below.  The ensembles set
 * exact_max from a fixed memory budget (sal_summary_exact_cap): every
 * ensemble of up to exact_max runs has exact quantiles, which the memory
 * bound checked up front (sal_ensemble_memory_bound) counts.
 *
 * QUANTILE DEFINITION.  For n values sorted x_0 <= ... <= x_{n-1}, the
 * q-quantile is the order statistic x_k with k = floor(q (n - 1)), q (n - 1)
 * evaluated in double precision (numpy's method="lower"; it is always one of
 * the values, so event days stay whole days).  q = 0 is the minimum, q = 1
 * the maximum, both exact.
 *
 * ERROR BOUND (past exact_max).  A sketch built for relative accuracy a returns v with
 * |v - x_k| <= a' |x_k|, where a' = sal_sketch_accuracy() <= a (for the
 * default a = 0.005, a' = 0.0049510).  Two exceptions, both stated so they
 * can be checked: values with |x| < 2^-1022 (DBL_MIN, subnormals) are
 * counted as zero; and when one sign's values span more than max_buckets
 * buckets (a dynamic range of gamma^max_buckets, 6.4e8 for the defaults;
 * gamma = 2^(1/K), K = 70 buckets per octave), the smallest-magnitude
 * buckets are collapsed into one, so a quantile that falls there has
 * absolute error below gamma^(2 - max_buckets) times the largest magnitude
 * of that sign.  Event-day quantiles and probabilities are exact.
 *
 * SIZE LIMITS.  A sketch holds at most 2^32 - 1 finite values (its bucket
 * counts are 32-bit to halve the memory); adds and merges past that fail
 * with SAL_ERANGE and change nothing.  A summary holds at most 2^32 - 1 runs.
 *
 * Threads: each thread fills its own object and the results are merged.
 * Reading (quantiles, means, serialising) never modifies an object, so any
 * number of threads may read one at once while none writes to it. */
#ifndef SALIENT_SUMMARY_H
#define SALIENT_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "salient/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- exact sums ------------------------------------------------------- */

/* 68 signed 64-bit digits of 32 bits each cover 2^-1074 .. 2^1102 with
 * room for carries; digit k weighs 2^(32 k - 1074).  Treat as opaque. */
#define SAL_XSUM_DIGITS 68
typedef struct {
    uint32_t pending; /* additions since the last carry propagation */
    int64_t digit[SAL_XSUM_DIGITS];
} sal_xsum;

void sal_xsum_init(sal_xsum *a);
/* Adds x exactly.  NaN and infinities are refused with SAL_ERANGE. */
int sal_xsum_add(sal_xsum *a, double x);
/* a += b, exactly. */
void sal_xsum_merge(sal_xsum *a, const sal_xsum *b);
/* The sum rounded once to the nearest double (ties to even); +-HUGE_VAL if
 * it overflows.  The same for every order and grouping of the additions. */
double sal_xsum_value(const sal_xsum *a);

/* ---- quantile sketches ------------------------------------------------ */

#define SAL_SKETCH_ACCURACY 0.005
#define SAL_SKETCH_MAX_BUCKETS 2048u

typedef struct sal_sketch sal_sketch;

/* A sketch of relative accuracy `accuracy` in [1e-5, 0.5] (0 means
 * SAL_SKETCH_ACCURACY) holding at most max_buckets in [16, 2^20] buckets per
 * sign (0 means SAL_SKETCH_MAX_BUCKETS).  NULL on bad parameters or out of
 * memory.  Memory never exceeds
 *     sizeof(sal_sketch) (680) + 2 signs * 4 * pow2ceil(max_buckets)
 * plus its bucket tables (1.4 KiB at the default accuracy): 17 KiB + 1.4 KiB
 * for the defaults, whatever the number of values (docs/ensemble.md). */
sal_sketch *sal_sketch_alloc(double accuracy, uint32_t max_buckets);
void sal_sketch_free(sal_sketch *s);
/* Empties the sketch, keeping its parameters and memory. */
void sal_sketch_clear(sal_sketch *s);

/* Adds one value.  -0 is added as +0.  NaN and infinities are not added but
 * counted (sal_sketch_nonfinite) and refused with SAL_ERANGE; so is a value
 * past the 2^32 - 1 limit.  SAL_ENOMEM leaves the sketch unchanged. */
int sal_sketch_add(sal_sketch *s, double x);
/* dst += src.  SAL_EINPUT if their accuracy or max_buckets differ,
 * SAL_ERANGE if the count would pass 2^32 - 1 (dst unchanged); SAL_ENOMEM
 * leaves dst invalid (free it). */
int sal_sketch_merge(sal_sketch *dst, const sal_sketch *src);

/* The q-quantile (definition above) within the stated error; NaN when the
 * sketch is empty or q is not in [0, 1]. */
double sal_sketch_quantile(const sal_sketch *s, double q);
uint64_t sal_sketch_count(const sal_sketch *s);     /* finite values added */
uint64_t sal_sketch_nonfinite(const sal_sketch *s); /* NaN/inf refused     */
double sal_sketch_min(const sal_sketch *s);         /* NaN when empty      */
double sal_sketch_max(const sal_sketch *s);
double sal_sketch_sum(const sal_sketch *s);  /* exact sum, rounded once */
/* The correctly rounded sum divided by the count (one more rounding); NaN
 * when empty. */
double sal_sketch_mean(const sal_sketch *s);
/* The guaranteed relative accuracy a' (<= the accuracy asked for). */
double sal_sketch_accuracy(const sal_sketch *s);
/* 1 when the sketch holds its values (a summary's cell of at most
 * exact_max values): quantiles exact. */
int sal_sketch_exact(const sal_sketch *s);
uint32_t sal_sketch_max_buckets(const sal_sketch *s);
/* Heap bytes held now, counting its own mapping table if it has one. */
size_t sal_sketch_bytes(const sal_sketch *s);

/* Serialisation: a versioned, little-endian byte string that depends only
 * on the parameters and the multiset of values added, never on the order,
 * the merges or the machine; two sketches are equal iff their bytes are.
 * sal_sketch_serialise writes sal_sketch_serialised_size() bytes, or fails
 * with SAL_ERANGE if size is smaller.  sal_sketch_deserialise reads one
 * sketch from the start of buf, sets *used to the bytes read (if used is
 * not NULL), and returns SAL_EINPUT for anything malformed. */
size_t sal_sketch_serialised_size(const sal_sketch *s);
int sal_sketch_serialise(const sal_sketch *s, unsigned char *buf, size_t size);
int sal_sketch_deserialise(sal_sketch **out, const unsigned char *buf,
                           size_t size, size_t *used);

/* ---- ensemble summaries ----------------------------------------------- */

/* The day of an event that did not happen in a run. */
#define SAL_EVENT_NEVER (-1)

typedef struct {
    uint32_t nmetrics;    /* metrics per run                               */
    uint32_t ndays;       /* days of each series: 0 .. ndays - 1           */
    uint32_t nevents;     /* events per run                                */
    int32_t horizon;      /* event days run 0 .. horizon (>= 0)            */
    double accuracy;      /* of the sketches; 0 means SAL_SKETCH_ACCURACY  */
    uint32_t max_buckets; /* per sign and sketch; 0 means the default      */
    uint32_t exact_max;   /* values kept per cell for exact quantiles (at   */
                          /* most 2^28); 0: the sketch only                 */
} sal_summary_layout;

/* The memory budget of one summary's exact stores, and the exact_max it
 * gives a layout of nmetrics x ndays cells: every value of every cell fits
 * in SAL_SUMMARY_EXACT_BYTES (0 with no cells). */
#define SAL_SUMMARY_EXACT_BYTES ((uint64_t)256 << 20)
uint32_t sal_summary_exact_cap(uint32_t nmetrics, uint32_t ndays);

typedef struct sal_summary sal_summary;

/* NULL on a bad layout (nmetrics * ndays or nevents * (horizon + 1) past
 * 2^28, bad accuracy or max_buckets) or out of memory. */
sal_summary *sal_summary_alloc(const sal_summary_layout *layout);
void sal_summary_free(sal_summary *s);
/* Empties the summary, keeping its layout and memory: a thread can reuse
 * one summary for block after block without allocating. */
void sal_summary_clear(sal_summary *s);
/* The layout, with accuracy set to the guaranteed a' and max_buckets
 * resolved: allocating with it gives a summary that merges with this one. */
const sal_summary_layout *sal_summary_layout_of(const sal_summary *s);

/* Adds one run.  series[m * ndays + d] is metric m on day d (NaN when the
 * metric has no value that day: counted per cell, not summarised);
 * event_days[e] is the day event e happened, or SAL_EVENT_NEVER (may be
 * NULL when nevents is 0).  An event day outside -1 .. horizon is refused
 * with SAL_ERANGE before anything is added.  SAL_ENOMEM leaves the summary
 * invalid (free it). */
int sal_summary_add_run(sal_summary *s, const double *series,
                        const int32_t *event_days);

/* Where metric m of run r on day d sits: series[r * run + m * metric +
 * d * day].  The default (a NULL strides argument) is runs one after the
 * other, each metric-major: {nmetrics * ndays, ndays, 1}. */
typedef struct {
    size_t run, metric, day;
} sal_summary_strides;

/* Adds nruns runs at once; event_days[r * nevents + e] as above.  The
 * result is exactly that of adding them one by one, but faster: each
 * cell's buckets are visited for all the runs in a row while they are in
 * cache, so summarise runs in blocks of 16 to 64 when you can.  All event
 * days are checked before anything is added. */
int sal_summary_add_runs(sal_summary *s, size_t nruns, const double *series,
                         const sal_summary_strides *strides,
                         const int32_t *event_days);
/* dst += src.  SAL_EINPUT if the layouts differ, SAL_ERANGE past the
 * 2^32 - 1 run limit (dst unchanged); SAL_ENOMEM leaves dst invalid. */
int sal_summary_merge(sal_summary *dst, const sal_summary *src);

uint64_t sal_summary_runs(const sal_summary *s);
/* 1 when every quantile of the summary is exact (runs <= exact_max). */
int sal_summary_exact(const sal_summary *s);
/* The sketch of metric m on day d (NULL when out of range): count, min,
 * max, mean, quantiles.  Owned by the summary. */
const sal_sketch *sal_summary_cell(const sal_summary *s, uint32_t metric,
                                   uint32_t day);
/* Shorthands for sal_sketch_mean/quantile of a cell (NaN out of range). */
double sal_summary_mean(const sal_summary *s, uint32_t metric, uint32_t day);
double sal_summary_quantile(const sal_summary *s, uint32_t metric,
                            uint32_t day, double q);

/* Runs in which event e happened (by the horizon), and that count over the
 * runs (NaN with no runs). */
uint64_t sal_summary_event_count(const sal_summary *s, uint32_t event);
double sal_summary_event_probability(const sal_summary *s, uint32_t event);
/* Runs in which event e happened on day `day` (0 outside 0..horizon). */
uint64_t sal_summary_event_day_count(const sal_summary *s, uint32_t event,
                                     int32_t day);
/* The q-quantile (definition above, exact) of event e's day among the runs
 * where it happened; SAL_EVENT_NEVER if it never did or q is not in [0, 1]. */
int32_t sal_summary_event_quantile(const sal_summary *s, uint32_t event,
                                   double q);

/* Heap bytes held now. */
size_t sal_summary_bytes(const sal_summary *s);

/* Serialisation for MPI and checkpoints, with the guarantees of the
 * sketch's: the bytes depend only on the layout and the multiset of runs.
 * A deserialised summary accepts more runs and merges like the original. */
size_t sal_summary_serialised_size(const sal_summary *s);
int sal_summary_serialise(const sal_summary *s, unsigned char *buf,
                          size_t size);
int sal_summary_deserialise(sal_summary **out, const unsigned char *buf,
                            size_t size, size_t *used);

#ifdef __cplusplus
}
#endif
#endif

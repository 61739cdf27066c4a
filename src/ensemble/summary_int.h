/* salient — summary merges in slices, for merging one pair of summaries on
 * several threads at once (src/ensemble/ensemble.c).  Not part of the public API.
 *
 * sal_summary_merge(dst, src) is exactly: sal_summary_merge_check, then
 * sal_summary_merge_cells over 0 .. ncells - 1 (in any slices, in any order,
 * on any threads, as long as no two touch the same cell at once), then
 * sal_summary_merge_tail once.  Cells are independent, so the result is
 * the same bytes however the slices are cut. */
#ifndef SALIENT_SUMMARY_INT_H
#define SALIENT_SUMMARY_INT_H

#include <stddef.h>

#include "salient/summary.h"

/* SAL_OK if src can be merged into dst (same layout, runs within range);
 * changes nothing. */
int sal_summary_merge_check(const sal_summary *dst, const sal_summary *src);
/* Metrics x days cells (metric-major). */
size_t sal_summary_ncells(const sal_summary *s);
/* Merges cells lo .. hi - 1 of src into dst.  SAL_ENOMEM may leave some
 * merged. */
int sal_summary_merge_cells(sal_summary *dst, const sal_summary *src, size_t lo, size_t hi);
/* Merges the event counts and the run count (after every cell). */
void sal_summary_merge_tail(sal_summary *dst, const sal_summary *src);

#endif

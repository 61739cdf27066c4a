/* salient — daily battle series for fitting the attrition law.
 *
 * The file format (docs/fitting.md, ../shared/data/README.md): one header
 * line naming the five columns
 *
 *     day,A,B,reinf_A,reinf_B
 *
 * (in any order, each exactly once), then one row per day, days consecutive
 * from 0, comma-separated, no quoting, '\n' or "\r\n" line ends; blank lines
 * are allowed only at the end.  Fields may have blanks around them.
 *
 *   day        whole number, 0, 1, 2, ...
 *   A, B       strengths at the end of the day (row 0: the start), >= 0
 *   reinf_A,   troops arriving during the day at a constant rate through
 *   reinf_B    it, >= 0; 0 on row 0 (nothing arrives before the start)
 *
 * At least SAL_BATTLE_MIN_ROWS rows (day 0 and two days of fighting), at
 * most SAL_BATTLE_MAX_ROWS (refused at the first row past it).  Every
 * problem is reported with file, 1-based line and 1-based column (the
 * character position of the offending field; for a missing field or column,
 * the position just past the end of the line), what was wrong and what was
 * expected; the reader reports every problem it finds (at most
 * SAL_BATTLE_MAX_ERRORS), not just the first. */
#ifndef SALIENT_BATTLE_H
#define SALIENT_BATTLE_H

#include <stddef.h>

#include "salient/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SAL_BATTLE_MIN_ROWS 3
/* At most 100,000 days of fighting (the scenarios' horizon limit): a fit
 * costs about a millisecond a row (docs/fitting.md, "Cost"). */
#define SAL_BATTLE_MAX_ROWS 100001
#define SAL_BATTLE_MAX_ERRORS 50
#define SAL_BATTLE_MAX_BYTES (64L << 20)

typedef struct {
    size_t n;         /* rows: days 0 .. n - 1 */
    double *A;        /* [n] strength of side A at the end of each day */
    double *B;        /* [n] strength of side B */
    double *reinf_A;  /* [n] arrivals of side A through each day (row 0: 0) */
    double *reinf_B;  /* [n] arrivals of side B */
} sal_battle;

/* A series of n rows, all zero.  NULL when out of memory or n == 0. */
sal_battle *sal_battle_alloc(size_t n);
void sal_battle_free(sal_battle *b);

/* Reads a battle CSV.  On success *out is a new series (free it with
 * sal_battle_free).  Otherwise *out is NULL and the status is SAL_EINPUT
 * (malformed: every problem in diags) or SAL_EIO (the file could not be
 * read: diags says why, line 0) or SAL_ENOMEM. */
int sal_battle_read(const char *path, sal_battle **out, sal_diags *diags);

/* The same from text in memory; file names the text in messages. */
int sal_battle_parse(const char *text, size_t len, const char *file,
                     sal_battle **out, sal_diags *diags);

#ifdef __cplusplus
}
#endif
#endif

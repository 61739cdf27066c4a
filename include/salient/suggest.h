/* salient — "did you mean" suggestions for misspelt names and keys.
 *
 * Used by the expression compiler for unknown functions and names, and by
 * the scenario reader for unknown keys and entity names. */
#ifndef SALIENT_SUGGEST_H
#define SALIENT_SUGGEST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Edit distance between a and b, ignoring ASCII case: insertions, deletions,
 * substitutions and transpositions of adjacent characters each cost 1
 * (optimal string alignment distance).  Strings longer than 64 bytes are not
 * compared: returns a large number (INT_MAX / 2). */
int sal_edit_distance(const char *a, const char *b);

/* The candidate closest to word, or NULL when none is close enough.  Close
 * enough: distance at most 1 for words of up to 4 characters, 2 up to 8, 3
 * beyond, and less than the length of the shorter of the two (so "ab" never
 * suggests "xy").  Ties go to the earliest candidate; NULL entries are
 * skipped. */
const char *sal_suggest(const char *word, const char *const *candidates, size_t n);

#ifdef __cplusplus
}
#endif
#endif

/* "Did you mean" (see include/salient/suggest.h).
 *
 * Optimal string alignment distance (Damerau-Levenshtein restricted to
 * non-overlapping transpositions), computed with three rolling rows on the
 * stack: names and keys are short, and a suggestion for a 200-character word
 * would not help anyone anyway. */
#include "salient/suggest.h"

#include <limits.h>
#include <string.h>

enum { MAXLEN = 64, FAR = INT_MAX / 2 };

static int fold(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

int sal_edit_distance(const char *a, const char *b)
{
    if (!a || !b)
        return FAR;
    size_t n = strlen(a), m = strlen(b);
    if (n > MAXLEN || m > MAXLEN)
        return FAR;
    int rows[3][MAXLEN + 1];
    int *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = (int)i;
        int ca = fold((unsigned char)a[i - 1]);
        for (size_t j = 1; j <= m; j++) {
            int cb = fold((unsigned char)b[j - 1]);
            int cost = ca != cb;
            int d = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && ca == fold((unsigned char)b[j - 2]) &&
                fold((unsigned char)a[i - 2]) == cb && pp[j - 2] + 1 < d)
                d = pp[j - 2] + 1;
            cur[j] = d;
        }
        int *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

/* How far a word of this length may be from its suggestion. */
static int budget(size_t len)
{
    return len <= 4 ? 1 : len <= 8 ? 2 : 3;
}

const char *sal_suggest(const char *word, const char *const *candidates, size_t n)
{
    if (!word || !candidates || !*word)
        return NULL;
    size_t wl = strlen(word);
    const char *best = NULL;
    int bestd = FAR;
    for (size_t i = 0; i < n; i++) {
        const char *c = candidates[i];
        if (!c || !*c)
            continue;
        size_t cl = strlen(c);
        size_t shorter = wl < cl ? wl : cl;
        int d = sal_edit_distance(word, c);
        if (d <= budget(wl) && (size_t)d < shorter && d < bestd) {
            best = c;
            bestd = d;
        }
    }
    return best;
}

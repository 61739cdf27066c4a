/* libFuzzer harness: bytes -> the battle CSV reader of `salient fit`
 * (sal_battle_parse).
 *
 * Findings, besides crashes, sanitizer reports, leaks and hangs (abort):
 *   - SAL_OK without a series or with diagnostics, an error without a
 *     message, or a message at a line or column below 0 or past the text;
 *   - an accepted series that breaks the documented format: fewer than
 *     SAL_BATTLE_MIN_ROWS rows, a value that is not finite or is negative,
 *     reinforcements on row 0.
 * The same source is linked into tests/test_fuzz_replay.c (no libFuzzer). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "salient/battle.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    sal_diags *d = sal_diags_alloc();
    sal_battle *b = NULL;
    int rc = sal_battle_parse((const char *)data, size, "fuzz.csv", &b, d);
    if ((rc == SAL_OK) != (b != NULL))
        abort();
    size_t nd = sal_diags_count(d);
    if ((rc == SAL_OK) != (nd == 0))
        abort();
    if (nd > SAL_BATTLE_MAX_ERRORS + 1)
        abort();
    for (size_t i = 0; i < nd; i++) {
        const sal_diag *x = sal_diags_get(d, i);
        if (!x || !x->message || x->line < 0 || x->col < 0 || (size_t)x->line > lines + 1)
            abort();
    }
    sal_diags_free(d);
    if (b) {
        if (b->n < SAL_BATTLE_MIN_ROWS)
            abort();
        if (b->reinf_A[0] != 0 || b->reinf_B[0] != 0)
            abort();
        for (size_t i = 0; i < b->n; i++) {
            const double v[4] = {b->A[i], b->B[i], b->reinf_A[i], b->reinf_B[i]};
            for (int k = 0; k < 4; k++)
                if (!isfinite(v[k]) || v[k] < 0)
                    abort();
        }
        sal_battle_free(b);
    }
    return 0;
}

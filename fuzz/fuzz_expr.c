/* libFuzzer harness: bytes -> the expression compiler (sal_expr_compile) and,
 * for what compiles, the evaluator and the introspection calls.
 *
 * The host is a mock with functions of 0, 1 and 2 name arguments whose
 * resolver accepts a few names (and proposes others for did-you-mean), so
 * that host calls, name arguments and their errors are all reachable.
 * Findings, besides crashes, sanitizer reports, leaks and hangs (abort):
 *   - SAL_OK without an expression, or an error without a message, or a
 *     message before the line/column where the text starts;
 *   - the getter called with an id or argument the compiler did not resolve;
 *   - two evaluations of the same expression in the same state that differ
 *     (evaluation must be pure), or sal_expr_eval_finite passing a value
 *     that is not finite or differs from the plain evaluation;
 *   - a constant expression (sal_expr_is_const) that calls the host, or whose
 *     value differs with and without a getter;
 *   - sal_expr_calls listing a call the evaluator never makes.
 * The same source is linked into tests/test_fuzz_replay.c (no libFuzzer). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "salient/expr.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

enum { FZE_DAY, FZE_STRENGTH, FZE_STOCK, FZE_HAPPENED, FZE_NFUNCS };
static const sal_expr_func fze_funcs[] = {
    {"day", 0, FZE_DAY, NULL},
    {"strength", 1, FZE_STRENGTH, "force"},
    {"stock", 2, FZE_STOCK, "actor, stock"},
    {"happened", 1, FZE_HAPPENED, "event"},
};
static const char *const fze_names[] = {"a", "dprk-kursk", "ua.kursk", "shells", "x_1"};
#define FZE_NNAMES (sizeof fze_names / sizeof fze_names[0])

static int fze_resolve(void *ctx, int id, int pos, const char *name, const int *prev,
                       char *why, size_t whylen)
{
    (void)ctx;
    if (id < 0 || id >= FZE_NFUNCS || pos < 0 || pos > 1 || !name)
        abort();
    if (pos == 1 && (prev[0] < 0 || (size_t)prev[0] >= FZE_NNAMES))
        abort(); /* the first argument must have been resolved */
    for (size_t i = 0; i < FZE_NNAMES; i++)
        if (strcmp(name, fze_names[i]) == 0)
            return (int)i;
    /* a message as long as the caller allows, to exercise truncation */
    if (whylen > 0) {
        memset(why, 'w', whylen - 1);
        why[whylen - 1] = '\0';
        if (whylen > 12)
            memcpy(why, "no such name", 12);
    }
    return -1;
}

typedef struct {
    double vals[FZE_NFUNCS][FZE_NNAMES][FZE_NNAMES];
    int calls;
} fze_state;

static double fze_get(void *state, int id, int a0, int a1)
{
    fze_state *s = state;
    if (id < 0 || id >= FZE_NFUNCS)
        abort();
    int n = fze_funcs[id].nargs;
    if ((n >= 1) != (a0 >= 0) || (n >= 2) != (a1 >= 0))
        abort();
    if (a0 >= (int)FZE_NNAMES || a1 >= (int)FZE_NNAMES)
        abort();
    s->calls++;
    return s->vals[id][a0 < 0 ? 0 : a0][a1 < 0 ? 0 : a1];
}

/* Values of the state from the input bytes: a mix of ordinary, zero,
 * negative, tiny and huge numbers (the engine never hands NaN to an
 * expression). */
static void fze_fill(fze_state *s, uint32_t h)
{
    static const double pick[] = {0, 1, -1, 0.5, 30, 12000, 1e-300, -1e300, 1e308, 7};
    double *v = &s->vals[0][0][0];
    size_t n = sizeof s->vals / sizeof s->vals[0][0][0];
    for (size_t i = 0; i < n; i++) {
        h = h * 1664525u + 1013904223u;
        v[i] = pick[(h >> 24) % (sizeof pick / sizeof pick[0])];
    }
    s->calls = 0;
}

static int fze_same(double x, double y)
{
    return (isnan(x) && isnan(y)) || memcmp(&x, &y, sizeof x) == 0;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    if (size > SAL_EXPR_MAX_LEN + 16)
        return 0; /* refused by length before any work; not interesting */
    char *src = malloc(size + 1);
    if (!src)
        return 0;
    memcpy(src, data, size);
    src[size] = '\0';
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;

    const sal_expr_host host = {fze_funcs, FZE_NFUNCS, fze_resolve, NULL};
    sal_diags *d = sal_diags_alloc();
    sal_expr *e = NULL;
    /* the text starts at line 3, column 5 (as a YAML scalar would) */
    int rc = sal_expr_compile(src, &host, "fuzz.yaml", 3, 5, d, &e);
    if ((rc == SAL_OK) != (e != NULL))
        abort();
    size_t nd = sal_diags_count(d);
    if (rc == SAL_EINPUT && nd == 0)
        abort();
    if (rc == SAL_OK && nd != 0)
        abort();
    for (size_t i = 0; i < nd; i++) {
        const sal_diag *x = sal_diags_get(d, i);
        if (!x || !x->message || x->line < 3 || (x->line == 3 && x->col < 5))
            abort();
    }
    sal_diags_free(d);

    if (e) {
        fze_state s;
        fze_fill(&s, h);
        double v1 = sal_expr_eval(e, fze_get, &s);
        int calls1 = s.calls;
        double v2 = sal_expr_eval(e, fze_get, &s);
        if (!fze_same(v1, v2) || s.calls != 2 * calls1)
            abort();
        /* eval_finite stops at the first non-finite value of any step, even
         * one the plain value hides (1/0 > 1): OK means the same, finite
         * value; ERANGE a non-finite one, and always when v1 is not finite */
        double v3;
        int fr = sal_expr_eval_finite(e, fze_get, &s, &v3);
        if (fr == SAL_OK ? !(isfinite(v3) && fze_same(v1, v3))
                         : (fr != SAL_ERANGE || isfinite(v3)))
            abort();
        if (!isfinite(v1) && fr != SAL_ERANGE)
            abort();
        size_t ncalls = sal_expr_calls(e, NULL, 0);
        if (sal_expr_is_const(e)) {
            if (calls1 != 0 || ncalls != 0)
                abort();
            if (!fze_same(sal_expr_eval(e, NULL, NULL), v1))
                abort();
        }
        if (ncalls > 0) {
            sal_expr_call *c = calloc(ncalls, sizeof *c);
            if (c) {
                if (sal_expr_calls(e, c, ncalls) != ncalls)
                    abort();
                for (size_t i = 0; i < ncalls; i++) {
                    if (c[i].id < 0 || c[i].id >= FZE_NFUNCS || !sal_expr_uses(e, c[i].id))
                        abort();
                    if (c[i].arg0 >= (int)FZE_NNAMES || c[i].arg1 >= (int)FZE_NNAMES)
                        abort();
                }
                free(c);
            }
        }
        if (sal_expr_size(e) == 0 || !sal_expr_source(e) || strcmp(sal_expr_source(e), src) != 0 ||
            sal_expr_line(e) != 3 || sal_expr_col(e) != 5)
            abort();
        /* a second state: the same code, other values */
        fze_fill(&s, h ^ 0x9e3779b9u);
        (void)sal_expr_eval(e, fze_get, &s);
        sal_expr_free(e);
    }
    free(src);
    return 0;
}

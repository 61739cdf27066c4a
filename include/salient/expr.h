/* salient — the expression language of policy conditions, actions and metrics.
 *
 * An expression such as
 *     happened(kursk_incursion) and strength("dprk-kursk") < 0.6 * arrived("dprk-kursk")
 * is compiled once into a flat array of instructions, with every constant
 * sub-expression folded and every name argument resolved to an integer by the
 * host, then evaluated every simulated day.  Evaluation allocates nothing,
 * touches no string and does not recurse: it runs a short loop over the
 * instructions with a small stack on the C stack.  The language is described
 * in docs/expressions.md.
 *
 * The host (the scenario reader and the engine) supplies the state functions:
 * a table of names with their number of name arguments, a callback that turns
 * a name argument into an index at compile time, and a getter that returns a
 * value at eval time given (id, arg0, arg1). */
#ifndef SALIENT_EXPR_H
#define SALIENT_EXPR_H

#include <stddef.h>

#include "salient/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Hard limits: past them compilation fails with a clear message instead of
 * exhausting the C stack or the eval stack. */
enum {
    SAL_EXPR_MAX_LEN = 65536,  /* bytes of source text               */
    SAL_EXPR_MAX_DEPTH = 256,  /* nesting of (), calls, unary ops, ^ */
    SAL_EXPR_MAX_STACK = 512,  /* values pending during evaluation   */
    SAL_EXPR_MAX_NAME = 255    /* bytes of one name argument         */
};

/* A compiled expression (also declared in salient/model.h). */
typedef struct sal_expr sal_expr;

/* One host state function.  nargs == 0 is written as a bare identifier
 * (`day`, or `day()`); otherwise as name(arg) or name(arg, arg). */
typedef struct {
    const char *name;  /* "strength", "day" */
    int nargs;         /* number of name arguments, 0..2 */
    int id;            /* the host's id, passed back to resolve and get */
    const char *args;  /* for messages, e.g. "force" or "actor, stock"; may be NULL */
} sal_expr_func;

/* Resolves name argument `pos` (0 or 1) of host function `id` to an index
 * >= 0.  prev[0..pos-1] holds the arguments already resolved, so that
 * stock(actor, name) can look the stock up in that actor.  On failure returns
 * -1 and writes the reason, phrased for the user, into why: "no force named
 * 'kursk_dprk'; did you mean 'kursk-dprk'?" (sal_suggest helps). */
typedef int (*sal_expr_resolver)(void *ctx, int id, int pos, const char *name,
                                 const int *prev, char *why, size_t whylen);

typedef struct {
    const sal_expr_func *funcs;
    size_t nfuncs;
    sal_expr_resolver resolve;  /* may be NULL if no function takes arguments */
    void *ctx;
} sal_expr_host;

/* The value of host function `id` with resolved arguments (-1 when unused),
 * in the given state.  Must be pure: the compiler may drop calls whose value
 * cannot change the result (`x and false`). */
typedef double (*sal_expr_getter)(void *state, int id, int arg0, int arg1);

/* Compiles src.  file, line and col say where the text starts (a YAML scalar;
 * pass 1, 1 for a standalone expression): an error at byte offset k of the
 * first line is reported at col + k (counting UTF-8 characters), on later
 * lines at line + n, column 1 + characters from the line start.  host may be
 * NULL (built-ins only).  On success returns SAL_OK and *out; otherwise
 * SAL_EINPUT with every error found in diags (which may be NULL), or
 * SAL_ENOMEM, and *out = NULL. */
int sal_expr_compile(const char *src, const sal_expr_host *host,
                     const char *file, int line, int col, sal_diags *diags,
                     sal_expr **out);

/* Evaluates e: no allocation, no string work, no recursion; re-entrant, so
 * one compiled expression may be evaluated by many threads at once.  get may
 * be NULL for a constant expression (host calls then give NaN).  The result
 * may be NaN or infinite (log(-1), 1/0): see sal_expr_eval_finite. */
double sal_expr_eval(const sal_expr *e, sal_expr_getter get, void *state);

/* The same, but returns SAL_ERANGE when the value is NaN or infinite (the
 * value is still stored in *out) and SAL_OK otherwise. */
int sal_expr_eval_finite(const sal_expr *e, sal_expr_getter get, void *state,
                         double *out);

void sal_expr_free(sal_expr *e);

/* Introspection. */

/* Non-zero when e calls no host function: its value never changes. */
int sal_expr_is_const(const sal_expr *e);
/* Non-zero when e calls host function id (with any arguments). */
int sal_expr_uses(const sal_expr *e, int id);

/* One distinct host call of an expression. */
typedef struct {
    int id, arg0, arg1;
} sal_expr_call;

/* Writes up to max distinct host calls of e, in order of first appearance,
 * into out (may be NULL when max is 0); returns how many there are. */
size_t sal_expr_calls(const sal_expr *e, sal_expr_call *out, size_t max);

/* The source text, file, line and column given to sal_expr_compile, to name
 * the expression in a message ("file:line:col: metric 'x' is NaN"). */
const char *sal_expr_source(const sal_expr *e);
const char *sal_expr_file(const sal_expr *e);
int sal_expr_line(const sal_expr *e);
int sal_expr_col(const sal_expr *e);

/* Number of instructions after folding (1 for a constant): a measure of the
 * cost of one evaluation. */
size_t sal_expr_size(const sal_expr *e);

#ifdef __cplusplus
}
#endif
#endif

/* The expression language's evaluator (src/expr/expr_int.h): the body is
 * src/expr/expr_vm.h, compiled twice, plain and checked. */
#include <math.h>
#include <stddef.h>

#include "expr/expr_int.h"

/* ---- evaluation ------------------------------------------------------ */

/* NaN in, NaN out: a NaN metric must not be hidden by min/max. */
static double nan_min(double a, double b)
{
    return (isnan(a) || a < b) ? a : b;
}

static double nan_max(double a, double b)
{
    return (isnan(a) || a > b) ? a : b;
}

/* The three forms of a binary operator: x_ and y_ are its operands. */
#define BINARY(op_, expr_)                                                    \
    case op_: {                                                               \
        sp--;                                                                 \
        double x_ = sp[-1], y_ = sp[0];                                       \
        sp[-1] = (expr_);                                                     \
        break;                                                                \
    }                                                                         \
    case op_ + XK: {                                                          \
        double x_ = sp[-1], y_ = ip->u.k;                                     \
        sp[-1] = (expr_);                                                     \
        break;                                                                \
    }                                                                         \
    case op_ + KX: {                                                          \
        double x_ = ip->u.k, y_ = sp[-1];                                     \
        sp[-1] = (expr_);                                                     \
        break;                                                                \
    }
#define UN(fn_) (sp[-1] = fn_(sp[-1]))

/* The evaluator twice: `run` as the language defines it (NaN and infinity
 * are values), `run_checked` for sal_expr_eval_finite, which stops at the
 * first non-finite value any instruction produces and returns it.  One
 * body, so the two cannot drift apart; the plain one pays nothing. */
#define RUN_NAME run
#define CHECKED 0
#include "expr/expr_vm.h"
#undef RUN_NAME
#undef CHECKED
#define RUN_NAME run_checked
#define CHECKED 1
#include "expr/expr_vm.h"
#undef RUN_NAME
#undef CHECKED

double sal_expr_eval(const sal_expr *e, sal_expr_getter get, void *state)
{
    if (!e)
        return NAN;
    if (e->konst)
        return e->value;
    return run(e->code, get, state);
}

int sal_expr_eval_finite(const sal_expr *e, sal_expr_getter get, void *state,
                         double *out)
{
    double v = !e ? NAN : e->konst ? e->value : run_checked(e->code, get, state);
    if (out)
        *out = v;
    return isfinite(v) ? SAL_OK : SAL_ERANGE;
}

double ex_run(const ins *code)
{
    return run(code, NULL, NULL);
}

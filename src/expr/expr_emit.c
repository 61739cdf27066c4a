/* The expression language's code emission and constant folding
 * (src/expr/expr_int.h): postfix code appended as the parser goes, with a peephole
 * on its tail (see src/expr/expr.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "expr/expr_int.h"
#include "base/util.h"

void ex_emit(parser *p, ins in)
{
    if (p->stop)
        return;
    if (sal_grow(&p->code, &p->cap, p->n, sizeof *p->code, 64) != 0) {
        p->nomem = 1;
        ex_halt(p);
        return;
    }
    p->code[p->n++] = in;
}

void ex_emit_op(parser *p, int op, int32_t a)
{
    ex_emit(p, (ins){op, a, {0}});
}

val ex_dummy(const parser *p)
{
    return (val){p->n, 0, 0, 1, 0};
}

val ex_code_val(size_t start, int need, int boolean)
{
    return (val){start, 0, 0, need, boolean};
}

static void emit_k(parser *p, int op, double k)
{
    ins in = {op, 0, {0}};
    in.u.k = k;
    ex_emit(p, in);
}

val ex_konst(parser *p, double k)
{
    size_t s = p->n;
    emit_k(p, OP_CONST, k);
    /* a NaN or infinity is kept as code, not folded further: folding
     * `0/0 > 1` to 0 would hide from sal_expr_eval_finite the NaN that
     * evaluating it produces (the plain value is the same either way) */
    if (!isfinite(k))
        return ex_code_val(s, 1, 0);
    return (val){s, 1, k, 1, k == 0 || k == 1};
}

/* code[start..n) is an operator over constants: run it, keep the value. */
static val finish(parser *p, size_t start, int allk, int need, int boolean)
{
    if (p->stop)
        return ex_dummy(p);
    if (!allk)
        return ex_code_val(start, need, boolean);
    ex_emit_op(p, OP_RET, 0);
    if (p->stop)
        return ex_dummy(p);
    double k = ex_run(p->code + start);
    p->n = start;
    return ex_konst(p, k);
}

/* x op y, with a constant operand moved into the instruction. */
val ex_binary(parser *p, int op, val a, val b)
{
    if (p->stop)
        return ex_dummy(p);
    int boolean = op >= OP_LT && op <= OP_NE;
    if (a.konst && b.konst) {
        ex_emit_op(p, op, 0);
        return finish(p, a.start, 1, 1, boolean);
    }
    if (b.konst) {              /* b's code is the last instruction */
        p->n--;
        emit_k(p, op + XK, b.k);
        return ex_code_val(a.start, a.need, boolean);
    }
    if (a.konst) {              /* a's code is the one instruction before b's */
        memmove(p->code + a.start, p->code + a.start + 1,
                (p->n - a.start - 1) * sizeof *p->code);
        p->n--;
        emit_k(p, op + KX, a.k);
        return ex_code_val(a.start, b.need, boolean);
    }
    ex_emit_op(p, op, 0);
    return ex_code_val(a.start, ex_max_i(a.need, b.need + 1), boolean);
}

val ex_unary_op(parser *p, int op, val a)
{
    if (p->stop)
        return ex_dummy(p);
    ex_emit_op(p, op, 0);
    return finish(p, a.start, a.konst, a.need, op == OP_NOT || op == OP_TRUTH);
}

int ex_enter(parser *p, size_t pos)
{
    if (++p->depth > SAL_EXPR_MAX_DEPTH) {
        SYNTAX(p, pos, "expression nested too deeply (more than %d levels of "
               "parentheses, calls or operators); expected a simpler expression",
               SAL_EXPR_MAX_DEPTH);
        return 0;
    }
    return 1;
}

void ex_leave(parser *p)
{
    p->depth--;
}

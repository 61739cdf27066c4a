/* salient (internal) — the body of the expression evaluator, included
 * twice by src/expr/expr_vm.c: with CHECKED 0 as `run` (NaN and infinity are
 * ordinary values, docs/expressions.md) and with CHECKED 1 as
 * `run_checked` (the first non-finite value any instruction produces ends
 * the evaluation and is returned: sal_expr_eval_finite).  RUN_NAME names
 * the function.  No include guard: it is meant to be included twice. */
/* The analyser cannot know that compiled code keeps the stack balanced: the
 * compiler emits pushes and pops in pairs and bounds the depth by
 * SAL_EXPR_MAX_STACK (checked at compile time, and by fuzz/fuzz_expr.c), so
 * it reports reads of sp[-1] on an empty stack that cannot happen.
 * NOLINTBEGIN(clang-analyzer-core.uninitialized.Assign,clang-analyzer-core.uninitialized.UndefReturn,clang-analyzer-core.UndefinedBinaryOperatorResult,clang-analyzer-core.CallAndMessage) */
static double RUN_NAME(const ins *ip, sal_expr_getter get, void *state)
{
    double st[SAL_EXPR_MAX_STACK];
    double *sp = st;
    for (;;) {
        switch (ip->op) {
        case OP_RET: return sp[-1];
        case OP_CONST: *sp++ = ip->u.k; break;
        case OP_HOST:
            *sp++ = get ? get(state, ip->a, ip->u.arg.b, ip->u.arg.c) : NAN;
            break;
        case OP_NEG: sp[-1] = -sp[-1]; break;
        case OP_NOT: sp[-1] = sp[-1] == 0; break;
        case OP_TRUTH: sp[-1] = sp[-1] != 0; break;
        BINARY(OP_ADD, x_ + y_)
        BINARY(OP_SUB, x_ - y_)
        BINARY(OP_MUL, x_ * y_)
        BINARY(OP_DIV, x_ / y_)
        BINARY(OP_MOD, fmod(x_, y_))
        BINARY(OP_POW, pow(x_, y_))
        BINARY(OP_LT, x_ < y_)
        BINARY(OP_LE, x_ <= y_)
        BINARY(OP_GT, x_ > y_)
        BINARY(OP_GE, x_ >= y_)
        BINARY(OP_EQ, x_ == y_)
        BINARY(OP_NE, x_ != y_)
        BINARY(OP_MIN, nan_min(x_, y_))
        BINARY(OP_MAX, nan_max(x_, y_))
        case OP_CLAMP:
            sp -= 2;
            sp[-1] = nan_min(nan_max(sp[-1], sp[0]), sp[1]);
            break;
        case OP_ABS: UN(fabs); break;
        case OP_SQRT: UN(sqrt); break;
        case OP_EXP: UN(exp); break;
        case OP_LOG: UN(log); break;
        case OP_LOG10: UN(log10); break;
        case OP_SIN: UN(sin); break;
        case OP_COS: UN(cos); break;
        case OP_TAN: UN(tan); break;
        case OP_FLOOR: UN(floor); break;
        case OP_CEIL: UN(ceil); break;
        case OP_ROUND: UN(round); break;
        case OP_AND:
            if (sp[-1] == 0) {
                sp[-1] = 0;
                ip += ip->a;
                continue;
            }
            sp--;
            break;
        case OP_OR:
            if (sp[-1] != 0) {
                sp[-1] = 1;
                ip += ip->a;
                continue;
            }
            sp--;
            break;
        case OP_JZ:
            if (*--sp == 0) {
                ip += ip->a;
                continue;
            }
            break;
        case OP_JMP: ip += ip->a; continue;
        default: return NAN; /* unreachable: the compiler emits no other op */
        }
#if CHECKED
        /* the value an instruction just left on top (jumps have checked
         * theirs when it was pushed): the first NaN or infinity ends the
         * evaluation, so a comparison or a bound cannot hide it */
        if (sp > st && !isfinite(sp[-1]))
            return sp[-1];
#endif
        ip++;
    }
}
/* NOLINTEND(clang-analyzer-core.uninitialized.Assign,clang-analyzer-core.uninitialized.UndefReturn,clang-analyzer-core.UndefinedBinaryOperatorResult,clang-analyzer-core.CallAndMessage) */

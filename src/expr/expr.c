/* The expression language (see include/salient/expr.h, docs/expressions.md).
 *
 * One pass: a recursive-descent parser emits postfix code as it goes, so
 * there is no syntax tree to walk (a 30,000-term sum would otherwise recurse
 * 30,000 frames deep when folded).  Constant folding is a peephole on the
 * tail of the code: when every operand of an operator is a single CONST
 * instruction, the operator and its operands are run by the evaluator itself
 * and replaced by one CONST, so folded values are bit-identical to evaluated
 * ones.  A constant operand of a binary operator moves into the instruction
 * (x + k, k + x forms).  Short-circuit operators and if() use forward
 * jumps relative to the jumping instruction, so a block of code can be moved
 * (when a constant before it is dropped) without patching anything.
 *
 * Parse recursion is bounded by SAL_EXPR_MAX_DEPTH (each '(' costs about ten
 * C frames), and the evaluation stack needed is computed bottom-up and
 * bounded by SAL_EXPR_MAX_STACK, so eval can use a fixed array.
 *
 * This file is the public face (compile, free, introspection); the lexer,
 * parser, emitter and evaluator have a file each (src/expr/expr_int.h). */
#include <stdlib.h>
#include <string.h>

#include "expr/expr_int.h"

/* One allocation: the header, the code, then the two strings. */
static sal_expr *build(const parser *p, const val *v)
{
    const char *file = p->file ? p->file : "<expression>";
    size_t nf = strlen(file) + 1, code = (p->n + 1) * sizeof(ins);
    sal_expr *e = malloc(sizeof *e + code + p->len + 1 + nf);
    if (!e)
        return NULL;
    memcpy(e->code, p->code, p->n * sizeof(ins));
    e->code[p->n] = (ins){OP_RET, 0, {0}};
    char *src = (char *)e->code + code;
    memcpy(src, p->src, p->len);
    src[p->len] = '\0';
    memcpy(src + p->len + 1, file, nf);
    e->src = src;
    e->file = src + p->len + 1;
    e->line = p->line;
    e->col = p->col;
    e->n = p->n;
    e->konst = v->konst;
    e->value = v->konst ? v->k : 0;
    return e;
}

int sal_expr_compile(const char *src, const sal_expr_host *host,
                     const char *file, int line, int col, sal_diags *diags,
                     sal_expr **out)
{
    if (out)
        *out = NULL;
    parser p = {0};
    p.file = file;
    p.line = line;
    p.col = col;
    p.diags = diags;
    p.host = host;
    if (!src || !out) {
        sal_diags_add(diags, file, line, col, "no expression; expected a text such as 'day > 30'");
        return SAL_EINPUT;
    }
    p.len = strlen(src);
    p.src = src;
    if (p.len > SAL_EXPR_MAX_LEN) {
        sal_diags_add(diags, file, line, col, "expression is %zu bytes long; expected at "
                      "most %d", p.len, SAL_EXPR_MAX_LEN);
        return SAL_EINPUT;
    }
    val v;
    int ok = ex_parse_all(&p, &v);
    if (ok)
        *out = build(&p, &v);
    free(p.code);
    if (p.nomem || (ok && !*out))
        return SAL_ENOMEM;
    return ok ? SAL_OK : SAL_EINPUT;
}

void sal_expr_free(sal_expr *e)
{
    free(e);
}

/* ---- introspection -------------------------------------------------------- */

int sal_expr_is_const(const sal_expr *e)
{
    return e ? e->konst : 1;
}

int sal_expr_uses(const sal_expr *e, int id)
{
    for (size_t i = 0; e && i < e->n; i++)
        if (e->code[i].op == OP_HOST && e->code[i].a == id)
            return 1;
    return 0;
}

static int seen_before(const sal_expr *e, size_t i)
{
    const ins *c = &e->code[i];
    for (size_t j = 0; j < i; j++) {
        const ins *d = &e->code[j];
        if (d->op == OP_HOST && d->a == c->a && d->u.arg.b == c->u.arg.b &&
            d->u.arg.c == c->u.arg.c)
            return 1;
    }
    return 0;
}

size_t sal_expr_calls(const sal_expr *e, sal_expr_call *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; e && i < e->n; i++) {
        if (e->code[i].op != OP_HOST || seen_before(e, i))
            continue;
        if (out && n < max)
            out[n] = (sal_expr_call){e->code[i].a, e->code[i].u.arg.b, e->code[i].u.arg.c};
        n++;
    }
    return n;
}

const char *sal_expr_source(const sal_expr *e) { return e ? e->src : NULL; }
const char *sal_expr_file(const sal_expr *e) { return e ? e->file : NULL; }
int sal_expr_line(const sal_expr *e) { return e ? e->line : 0; }
int sal_expr_col(const sal_expr *e) { return e ? e->col : 0; }
size_t sal_expr_size(const sal_expr *e) { return e ? e->n : 0; }

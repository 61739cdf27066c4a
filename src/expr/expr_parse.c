/* The expression language's recursive-descent parser (src/expr/expr_int.h):
 * operators by precedence, built-in and state functions, if(), the
 * did-you-mean of unknown names; it emits code as it goes (expr_emit.c). */
#include <string.h>

#include "expr/expr_int.h"
#include "salient/suggest.h"

/* ---- the language's vocabulary --------------------------------------- */

typedef struct {
    const char *name;
    int op;
    int min, max;     /* arguments; max < 0: variadic */
    const char *args;
} builtin;

static const builtin builtins[] = {
    {"abs", OP_ABS, 1, 1, "x"},       {"sqrt", OP_SQRT, 1, 1, "x"},
    {"exp", OP_EXP, 1, 1, "x"},       {"log", OP_LOG, 1, 1, "x"},
    {"log10", OP_LOG10, 1, 1, "x"},   {"sin", OP_SIN, 1, 1, "x"},
    {"cos", OP_COS, 1, 1, "x"},       {"tan", OP_TAN, 1, 1, "x"},
    {"floor", OP_FLOOR, 1, 1, "x"},   {"ceil", OP_CEIL, 1, 1, "x"},
    {"round", OP_ROUND, 1, 1, "x"},   {"min", OP_MIN, 2, -1, "x, y, ..."},
    {"max", OP_MAX, 2, -1, "x, y, ..."},
    {"clamp", OP_CLAMP, 3, 3, "x, lo, hi"},
    {"if", OP_IF, 3, 3, "condition, then, else"},
};
#define NBUILTINS (sizeof builtins / sizeof builtins[0])

static const struct {
    const char *name;
    double value;
} constants[] = {
    {"true", 1.0}, {"false", 0.0}, {"pi", 3.14159265358979323846},
};
#define NCONSTANTS (sizeof constants / sizeof constants[0])

static val parse_or(parser *p);
static void skip_call(parser *p);
static val parse_not(parser *p);
static val parse_and(parser *p);
static val parse_unary(parser *p);

static val parse_group(parser *p)
{
    size_t lp = p->tok.pos;
    if (!ex_enter(p, lp))
        return ex_dummy(p);
    ex_lex(p);
    val a = parse_or(p);
    ex_leave(p);
    if (p->stop)
        return ex_dummy(p);
    if (p->tok.kind != T_RP) {
        char d[64], w[48];
        SYNTAX(p, p->tok.pos, "unexpected %s; expected ')' to close the '(' at %s",
               ex_tok_desc(p, d, sizeof d), ex_place(p, lp, w, sizeof w));
        return ex_dummy(p);
    }
    ex_lex(p);
    return a;
}

static const builtin *find_builtin(const char *s, size_t n)
{
    for (size_t i = 0; i < NBUILTINS; i++)
        if (strlen(builtins[i].name) == n && !memcmp(builtins[i].name, s, n))
            return &builtins[i];
    return NULL;
}

static const sal_expr_func *find_host(const parser *p, const char *s, size_t n)
{
    if (!p->host || !p->host->funcs)
        return NULL;
    for (size_t i = 0; i < p->host->nfuncs; i++) {
        const char *f = p->host->funcs[i].name;
        if (f && strlen(f) == n && !memcmp(f, s, n))
            return &p->host->funcs[i];
    }
    return NULL;
}

static int find_constant(const char *s, size_t n, double *v)
{
    for (size_t i = 0; i < NCONSTANTS; i++)
        if (strlen(constants[i].name) == n && !memcmp(constants[i].name, s, n)) {
            *v = constants[i].value;
            return 1;
        }
    return 0;
}

/* Arguments "(a, b, c)" of a built-in, the '(' being the current token.
 * Variadic min/max fold pairwise as they go: min(a,b,c) = min(min(a,b),c). */
static val parse_args(parser *p, const builtin *f, int *count)
{
    size_t lp = p->tok.pos;
    size_t start = p->n;
    val acc = ex_dummy(p);
    int allk = 1, need = 1, n = 0;
    ex_lex(p);
    while (!p->stop && p->tok.kind != T_RP) {
        val v = parse_or(p);
        if (p->stop)
            return ex_dummy(p);
        if (f->max < 0) {
            acc = n == 0 ? v : ex_binary(p, f->op, acc, v);
        } else {
            allk = allk && v.konst;
            need = ex_max_i(need, n + v.need);
        }
        n++;
        if (p->tok.kind == T_COMMA) {
            ex_lex(p);
            if (p->tok.kind == T_RP)
                SYNTAX(p, p->tok.pos, "unexpected ')' after ','; expected argument %d "
                       "of '%s'", n + 1, f->name);
            continue;
        }
        if (p->tok.kind != T_RP) {
            char d[64], w[48];
            SYNTAX(p, p->tok.pos, "unexpected %s; expected ',' or ')' to close the call "
                   "of '%s' at %s", ex_tok_desc(p, d, sizeof d), f->name,
                   ex_place(p, lp, w, sizeof w));
            return ex_dummy(p);
        }
    }
    if (p->stop)
        return ex_dummy(p);
    ex_lex(p);
    *count = n;
    if (f->max < 0)
        return n == 0 ? ex_dummy(p) : acc;
    return (val){start, allk, 0, need, 0};
}

static int arity_ok(parser *p, const builtin *f, int n, size_t pos)
{
    if (n >= f->min && (f->max < 0 || n <= f->max))
        return 1;
    if (f->max < 0)
        ex_error_at(p, pos, "'%s' takes at least %d arguments (%s), found %d", f->name,
                 f->min, f->args, n);
    else
        ex_error_at(p, pos, "'%s' takes %d argument%s (%s), found %d", f->name, f->min,
                 f->min == 1 ? "" : "s", f->args, n);
    return 0;
}

/* One argument of if(), which must be followed by `sep`; pos is the 'if'. */
static val if_arg(parser *p, tkind sep, int index, size_t lp, size_t pos)
{
    val v = parse_or(p);
    if (p->stop)
        return v;
    if (p->tok.kind != sep) {
        char d[64], w[48];
        if (p->tok.kind == T_RP)
            SYNTAX(p, pos, "'if' takes 3 arguments (condition, then, else), found %d",
                   index + 1);
        else if (p->tok.kind == T_COMMA)
            SYNTAX(p, pos, "'if' takes 3 arguments (condition, then, else), found "
                   "more than 3");
        else
            SYNTAX(p, p->tok.pos, "unexpected %s; expected %s in the call of 'if' at %s",
                   ex_tok_desc(p, d, sizeof d), sep == T_COMMA ? "','" : "')'",
                   ex_place(p, lp, w, sizeof w));
        return ex_dummy(p);
    }
    ex_lex(p);
    return v;
}

/* if(c, x, y): c JZ [x] JMP [y]; a constant c keeps one branch only. */
static val parse_if(parser *p, size_t pos)
{
    size_t lp = p->tok.pos, start = p->n;
    ex_lex(p);
    val c = if_arg(p, T_COMMA, 0, lp, pos);
    if (p->stop)
        return ex_dummy(p);
    if (c.konst) {
        p->n = start;
        int t = c.k != 0;
        val x = if_arg(p, T_COMMA, 1, lp, pos);
        size_t mid = p->n;
        val y = if_arg(p, T_RP, 2, lp, pos);
        if (p->stop)
            return ex_dummy(p);
        if (t) {
            p->n = mid;
            return x;
        }
        memmove(p->code + start, p->code + mid, (p->n - mid) * sizeof *p->code);
        p->n = start + (p->n - mid);
        y.start = start;
        return y;
    }
    size_t jz = p->n;
    ex_emit_op(p, OP_JZ, 0);
    val x = if_arg(p, T_COMMA, 1, lp, pos);
    size_t jmp = p->n;
    ex_emit_op(p, OP_JMP, 0);
    val y = if_arg(p, T_RP, 2, lp, pos);
    if (p->stop)
        return ex_dummy(p);
    p->code[jz].a = (int32_t)(jmp + 1 - jz);
    p->code[jmp].a = (int32_t)(p->n - jmp);
    return ex_code_val(start, ex_max_i(c.need, ex_max_i(x.need, y.need)), x.boolean && y.boolean);
}

static val parse_builtin(parser *p, const builtin *f, size_t pos)
{
    ex_lex(p);
    if (p->tok.kind != T_LP) {
        char d[64];
        SYNTAX(p, p->tok.pos, "unexpected %s after '%s'; expected '(': '%s' is a "
               "function, write %s(%s)", ex_tok_desc(p, d, sizeof d), f->name, f->name,
               f->name, f->args);
        return ex_dummy(p);
    }
    if (!ex_enter(p, p->tok.pos))
        return ex_dummy(p);
    val v;
    if (f->op == OP_IF) {
        v = parse_if(p, pos);
    } else {
        int n = 0;
        v = parse_args(p, f, &n);
        if (!p->stop && !arity_ok(p, f, n, pos)) {
            p->n = v.start;
            v = ex_konst(p, 0);
        } else if (f->max >= 0) {
            v = ex_unary_op(p, f->op, v);
        }
    }
    ex_leave(p);
    return v;
}

/* ---- state functions -------------------------------------------------- */

static const char *args_of(const sal_expr_func *f)
{
    return f->args ? f->args : f->nargs == 1 ? "name" : "name, name";
}

/* Resolves name argument t; reports the host's reason on failure. */
static int resolve_arg(parser *p, const sal_expr_func *f, const token *t, int pos,
                       const int *prev)
{
    size_t off = t->kind == T_STR ? 1 : 0;
    size_t len = t->len - 2 * off;
    char name[SAL_EXPR_MAX_NAME + 1], why[512] = "";
    if (len == 0) {
        ex_error_at(p, t->pos, "empty name; expected a name (%s) as argument %d of '%s'",
                 args_of(f), pos + 1, f->name);
        return -1;
    }
    if (len > SAL_EXPR_MAX_NAME) {
        ex_error_at(p, t->pos, "name of %zu bytes is too long; expected at most %d",
                 len, SAL_EXPR_MAX_NAME);
        return -1;
    }
    memcpy(name, p->src + t->pos + off, len);
    name[len] = '\0';
    if (!p->host->resolve) {
        ex_error_at(p, t->pos, "cannot resolve '%s' for '%s': the host gave no resolver",
                 name, f->name);
        return -1;
    }
    int idx = p->host->resolve(p->host->ctx, f->id, pos, name, prev, why, sizeof why);
    if (idx < 0) {
        if (why[0])
            ex_error_at(p, t->pos, "%s", why);
        else
            ex_error_at(p, t->pos, "unknown name '%s' for argument %d of '%s' (%s)", name,
                     pos + 1, f->name, args_of(f));
    }
    return idx;
}

static void arity_error(parser *p, const sal_expr_func *f, int n, size_t pos)
{
    if (f->nargs == 0)
        ex_error_at(p, pos, "'%s' takes no arguments, found %d; write %s", f->name, n,
                 f->name);
    else
        ex_error_at(p, pos, "'%s' takes %d argument%s (%s), found %d", f->name, f->nargs,
                 f->nargs == 1 ? "" : "s", args_of(f), n);
}

/* Name arguments of a state function, the '(' being the current token: all
 * are read first, so that a wrong count is one error, not a resolve error. */
static int parse_host_args(parser *p, const sal_expr_func *f, int arg[2], size_t pos)
{
    size_t lp = p->tok.pos;
    token names[2];
    int n = 0;
    ex_lex_arg(p);
    while (!p->stop && p->tok.kind != T_RP) {
        char d[64], w[48];
        if (p->tok.kind != T_NAME && p->tok.kind != T_STR) {
            SYNTAX(p, p->tok.pos, "unexpected %s; expected a name (%s) as argument %d "
                   "of '%s'", ex_tok_desc(p, d, sizeof d), args_of(f), n + 1, f->name);
            return 0;
        }
        if (n < 2)
            names[n] = p->tok;
        n++;
        ex_lex(p);
        if (p->tok.kind == T_COMMA) {
            ex_lex_arg(p);
            if (p->tok.kind == T_RP)
                SYNTAX(p, p->tok.pos, "unexpected ')' after ','; expected a name (%s) as "
                       "argument %d of '%s'", args_of(f), n + 1, f->name);
        } else if (p->tok.kind != T_RP) {
            SYNTAX(p, p->tok.pos, "unexpected %s; expected ',' or ')' to close the call "
                   "of '%s' at %s", ex_tok_desc(p, d, sizeof d), f->name,
                   ex_place(p, lp, w, sizeof w));
            return 0;
        }
    }
    if (p->stop)
        return 0;
    if (n != f->nargs) {
        arity_error(p, f, n, pos);
        ex_lex(p);
        return 0;
    }
    for (int i = 0; i < n; i++)
        if ((arg[i] = resolve_arg(p, f, &names[i], i, arg)) < 0)
            break;
    ex_lex(p);
    return n == 0 || arg[n - 1] >= 0;
}

/* Is the next non-blank character c?  Peeks without lexing, so that an error
 * about the current name is reported before any error in what follows. */
static int next_is(const parser *p, char c)
{
    size_t i = ex_skip_space(p, p->pos);
    return i < p->len && p->src[i] == c;
}

static val parse_host(parser *p, const sal_expr_func *f, size_t pos)
{
    int arg[2] = {-1, -1};
    if (f->nargs < 0 || f->nargs > 2) {
        ex_error_at(p, pos, "state function '%s' declares %d arguments; the host may "
                 "declare 0, 1 or 2", f->name, f->nargs);
        ex_lex(p);
        if (p->tok.kind == T_LP)
            skip_call(p);
        return p->stop ? ex_dummy(p) : ex_konst(p, 0);
    }
    if (!next_is(p, '(') && f->nargs > 0) {
        ex_error_at(p, pos, "'%s' takes %d argument%s (%s); write %s(%s)", f->name,
                 f->nargs, f->nargs == 1 ? "" : "s", args_of(f), f->name, args_of(f));
        ex_lex(p);
        return ex_konst(p, 0);
    }
    ex_lex(p);
    if (p->tok.kind == T_LP && !parse_host_args(p, f, arg, pos))
        return p->stop ? ex_dummy(p) : ex_konst(p, 0);
    size_t s = p->n;
    ins in = {OP_HOST, f->id, {0}};
    in.u.arg.b = arg[0];
    in.u.arg.c = arg[1];
    ex_emit(p, in);
    return ex_code_val(s, 1, 0);
}

/* ---- unknown names ----------------------------------------------------- */

/* Every name the user could have meant, for sal_suggest. */
static const char *closest(const parser *p, const char *word)
{
    const char *cand[64];
    size_t n = 0;
    for (size_t i = 0; i < NCONSTANTS; i++)
        cand[n++] = constants[i].name;
    for (size_t i = 0; i < NBUILTINS; i++)
        cand[n++] = builtins[i].name;
    const char *best = sal_suggest(word, cand, n);
    if (best || !p->host || !p->host->funcs)
        return best;
    for (size_t i = 0; i < p->host->nfuncs; i += 64) {
        size_t m = p->host->nfuncs - i < 64 ? p->host->nfuncs - i : 64;
        for (size_t j = 0; j < m; j++)
            cand[j] = p->host->funcs[i + j].name;
        const char *b = sal_suggest(word, cand, m);
        if (b && (!best || sal_edit_distance(word, b) < sal_edit_distance(word, best)))
            best = b;
    }
    return best;
}

/* After an unknown function, skip its balanced "(...)" so parsing goes on. */
static void skip_call(parser *p)
{
    size_t lp = p->tok.pos, i = p->pos;
    int open = 1;
    while (i < p->len && open > 0) {
        char c = p->src[i++];
        if (c == '(') {
            open++;
        } else if (c == ')') {
            open--;
        } else if (c == '"' || c == '\'') {
            while (i < p->len && p->src[i] != c && p->src[i] != '\n')
                i++;
            if (i < p->len && p->src[i] == c)
                i++;
        }
    }
    if (open > 0) {
        char w[48];
        SYNTAX(p, p->len, "unexpected end of expression; expected ')' to close the "
               "'(' at %s", ex_place(p, lp, w, sizeof w));
        return;
    }
    p->pos = i;
    ex_lex(p);
}

static val unknown_name(parser *p, size_t pos, size_t len)
{
    char word[SAL_EXPR_MAX_NAME + 1];
    size_t n = len > SAL_EXPR_MAX_NAME ? SAL_EXPR_MAX_NAME : len;
    memcpy(word, p->src + pos, n);
    word[n] = '\0';
    int call = next_is(p, '(');
    const char *best = closest(p, word);
    const char *what = call ? "function" : "name";
    if (best)
        ex_error_at(p, pos, "unknown %s '%s'; did you mean '%s'?", what, word, best);
    else if (call)
        ex_error_at(p, pos, "unknown function '%s'; expected a built-in function or a "
                 "state function (see docs/expressions.md)", word);
    else
        ex_error_at(p, pos, "unknown name '%s'; expected a number, true, false, pi, a "
                 "state value such as 'day', or a function call", word);
    ex_lex(p);
    if (call)
        skip_call(p);
    return p->stop ? ex_dummy(p) : ex_konst(p, 0);
}

static val parse_name(parser *p)
{
    size_t pos = p->tok.pos, len = p->tok.len;
    const char *s = p->src + pos;
    double v;
    if (find_constant(s, len, &v)) {
        ex_lex(p);
        return ex_konst(p, v);
    }
    const builtin *b = find_builtin(s, len);
    if (b)
        return parse_builtin(p, b, pos);
    const sal_expr_func *f = find_host(p, s, len);
    if (f)
        return parse_host(p, f, pos);
    return unknown_name(p, pos, len);
}

static val parse_primary(parser *p)
{
    char d[64];
    switch (p->tok.kind) {
    case T_NUM: {
        double v = p->tok.num;
        ex_lex(p);
        return ex_konst(p, v);
    }
    case T_LP: return parse_group(p);
    case T_NAME: return parse_name(p);
    case T_STR:
        SYNTAX(p, p->tok.pos, "unexpected %s; a quoted name may only be the argument "
               "of a state function, as in strength(\"dprk-kursk\")",
               ex_tok_desc(p, d, sizeof d));
        return ex_dummy(p);
    default:
        if (!p->stop)
            SYNTAX(p, p->tok.pos, "unexpected %s; expected a number, a name or '('",
                   ex_tok_desc(p, d, sizeof d));
        return ex_dummy(p);
    }
}

/* power := primary ['^' unary]: right-associative, and binds tighter than a
 * unary minus on its left (-2^2 = -4) but accepts one on its right (2^-1). */
static val parse_power(parser *p)
{
    val a = parse_primary(p);
    if (p->stop || p->tok.kind != T_CARET)
        return a;
    if (!ex_enter(p, p->tok.pos))
        return ex_dummy(p);
    ex_lex(p);
    val b = parse_unary(p);
    ex_leave(p);
    return ex_binary(p, OP_POW, a, b);
}

static val parse_unary(parser *p)
{
    tkind k = p->tok.kind;
    if (k != T_MINUS && k != T_PLUS)
        return parse_power(p);
    if (!ex_enter(p, p->tok.pos))
        return ex_dummy(p);
    ex_lex(p);
    val a = parse_unary(p);
    ex_leave(p);
    return k == T_MINUS ? ex_unary_op(p, OP_NEG, a) : a;
}

static val parse_prod(parser *p)
{
    val a = parse_unary(p);
    for (;;) {
        tkind k = p->tok.kind;
        if (p->stop || (k != T_STAR && k != T_SLASH && k != T_PCT))
            return a;
        ex_lex(p);
        val b = parse_unary(p);
        a = ex_binary(p, k == T_STAR ? OP_MUL : k == T_SLASH ? OP_DIV : OP_MOD, a, b);
    }
}

static val parse_sum(parser *p)
{
    val a = parse_prod(p);
    for (;;) {
        tkind k = p->tok.kind;
        if (p->stop || (k != T_PLUS && k != T_MINUS))
            return a;
        ex_lex(p);
        val b = parse_prod(p);
        a = ex_binary(p, k == T_PLUS ? OP_ADD : OP_SUB, a, b);
    }
}

static int cmp_op(tkind k)
{
    switch (k) {
    case T_LT: return OP_LT;
    case T_LE: return OP_LE;
    case T_GT: return OP_GT;
    case T_GE: return OP_GE;
    case T_EQ: return OP_EQ;
    case T_NE: return OP_NE;
    default: return -1;
    }
}

/* Comparisons do not chain: 0 < x < 1 would silently mean (0 < x) < 1. */
static val parse_cmp(parser *p)
{
    val a = parse_sum(p);
    int op = cmp_op(p->tok.kind);
    if (p->stop || op < 0)
        return a;
    ex_lex(p);
    val b = parse_sum(p);
    a = ex_binary(p, op, a, b);
    if (!p->stop && cmp_op(p->tok.kind) >= 0) {
        char d[64];
        SYNTAX(p, p->tok.pos, "unexpected %s after a comparison; comparisons do not "
               "chain, write 'a < b and b < c'", ex_tok_desc(p, d, sizeof d));
        return ex_dummy(p);
    }
    return a;
}

static val parse_not(parser *p)
{
    if (p->tok.kind != T_NOT)
        return parse_cmp(p);
    if (!ex_enter(p, p->tok.pos))
        return ex_dummy(p);
    ex_lex(p);
    val a = parse_not(p);
    ex_leave(p);
    return ex_unary_op(p, OP_NOT, a);
}

/* Operand of an and/or chain: drops a constant (it vanishes or decides the
 * chain), else notes it. */
typedef struct {
    int decided;      /* a constant operand fixed the result */
    int open;         /* a non-constant operand ends the code */
    int any;          /* some operand is not constant */
    int boolean;      /* the last non-constant operand is 0/1 already */
    int need;
    int32_t chain;    /* last jump placeholder; each links to the previous */
} chain_state;

static void chain_operand(parser *p, chain_state *c, val v, int is_and)
{
    if (v.konst) {
        p->n = v.start;
        if ((v.k != 0) != is_and)
            c->decided = 1;
        return;
    }
    c->open = c->any = 1;
    c->boolean = v.boolean;
    c->need = ex_max_i(c->need, v.need);
}

/* The end of a chain: every jump placeholder now targets it. */
static val chain_close(parser *p, chain_state *c, size_t start, int is_and)
{
    if (c->decided || !c->any) {
        p->n = start;
        return ex_konst(p, c->decided ? !is_and : is_and);
    }
    if (!c->open) {             /* constants after the last jump vanished */
        size_t last = (size_t)c->chain;
        c->chain = p->code[last].a;
        p->n = last;
    }
    if (!c->boolean)
        ex_emit_op(p, OP_TRUTH, 0);
    if (p->stop)
        return ex_dummy(p);
    for (int32_t j = c->chain; j >= 0;) {
        int32_t prev = p->code[j].a;
        p->code[j].a = (int32_t)(p->n - (size_t)j);
        j = prev;
    }
    return ex_code_val(start, c->need, 1);
}

/* a and b and c (or: a or b or c) as one chain: each operand but the last
 * jumps straight to the end when it decides the result, so a false first
 * condition costs one jump however long the chain.  Constants fold away
 * (getters are pure, so `x and false` is 0 without calling x). */
static val parse_chain(parser *p, int is_and)
{
    val (*sub)(parser *) = is_and ? parse_not : parse_and;
    tkind sep = is_and ? T_AND : T_OR;
    size_t start = p->n;
    val v = sub(p);
    if (p->stop || p->tok.kind != sep)
        return v;
    chain_state c = {0, 0, 0, 1, 1, -1};
    for (;;) {
        chain_operand(p, &c, v, is_and);
        if (p->stop || p->tok.kind != sep)
            break;
        ex_lex(p);
        if (c.open && !c.decided) {
            size_t j = p->n;
            ex_emit_op(p, is_and ? OP_AND : OP_OR, c.chain);
            c.chain = (int32_t)j;
            c.open = 0;
        }
        v = sub(p);
    }
    if (p->stop)
        return ex_dummy(p);
    return chain_close(p, &c, start, is_and);
}

static val parse_and(parser *p)
{
    return parse_chain(p, 1);
}

static val parse_or(parser *p)
{
    return parse_chain(p, 0);
}

static void trailing(parser *p)
{
    char d[64];
    const token *t = &p->tok;
    if (t->kind == T_RP) {
        SYNTAX(p, t->pos, "unexpected ')' with no matching '('; expected an operator "
               "or the end of the expression");
        return;
    }
    const char *kw[] = {"and", "or", "not"};
    char word[64] = "";
    if (t->kind == T_NAME && t->len < sizeof word) {
        memcpy(word, p->src + t->pos, t->len);
        word[t->len] = '\0';
    }
    const char *best = word[0] ? sal_suggest(word, kw, 3) : NULL;
    if (best)
        SYNTAX(p, t->pos, "unexpected %s; expected an operator or the end of the "
               "expression; did you mean '%s'?", ex_tok_desc(p, d, sizeof d), best);
    else
        SYNTAX(p, t->pos, "unexpected %s; expected an operator or the end of the "
               "expression", ex_tok_desc(p, d, sizeof d));
}

int ex_parse_all(parser *p, val *out)
{
    ex_lex(p);
    if (!p->stop && p->tok.kind == T_END) {
        ex_error_at(p, p->tok.pos, "empty expression; expected a number, a name or '('");
        return 0;
    }
    *out = parse_or(p);
    if (!p->stop && p->tok.kind != T_END)
        trailing(p);
    if (!p->stop && !p->nerr && out->need > SAL_EXPR_MAX_STACK)
        ex_error_at(p, 0, "expression too complex: it needs %d values pending at once, "
                 "the limit is %d; expected it split into simpler parts", out->need,
                 SAL_EXPR_MAX_STACK);
    return !p->nerr && !p->nomem;
}

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
 * bounded by SAL_EXPR_MAX_STACK, so eval can use a fixed array. */
#include "salient/expr.h"

#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salient/suggest.h"

enum {
    OP_RET, OP_CONST, OP_HOST,
    OP_NEG, OP_NOT, OP_TRUTH, OP_CLAMP,
    OP_ABS, OP_SQRT, OP_EXP, OP_LOG, OP_LOG10, OP_SIN, OP_COS, OP_TAN,
    OP_FLOOR, OP_CEIL, OP_ROUND,
    OP_AND,  /* falsy top: make it 0 and jump; else pop        */
    OP_OR,   /* truthy top: make it 1 and jump; else pop       */
    OP_JZ,   /* pop; jump when falsy (the condition of if())   */
    OP_JMP,
    OP_IF,   /* not emitted: marks if() in the built-in table  */
    /* Binary operators come in three forms: x op y on the stack, x op k and
     * k op x with the constant k inside the instruction, which halves the
     * instructions of typical conditions such as `day > 30`. */
    OP_ADD = 32, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_POW,
    OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_MIN, OP_MAX,
    XK = 16, /* OP_ADD + XK: x + k */
    KX = 32  /* OP_ADD + KX: k + x */
};

/* 16 bytes: op, then a host id or jump offset, then a constant or the two
 * resolved host arguments. */
typedef struct {
    int32_t op;
    int32_t a;
    union {
        double k;
        struct {
            int32_t b, c;
        } arg;
    } u;
} ins;

struct sal_expr {
    double value;       /* the value when konst */
    int konst;
    int line, col;
    size_t n;           /* instructions, RET excluded */
    const char *src, *file;  /* stored after the code */
    ins code[];
};

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
#include "expr_vm.h"
#undef RUN_NAME
#undef CHECKED
#define RUN_NAME run_checked
#define CHECKED 1
#include "expr_vm.h"
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

/* ---- lexer ----------------------------------------------------------- */

typedef enum {
    T_END, T_NUM, T_NAME, T_STR, T_LP, T_RP, T_COMMA,
    T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PCT, T_CARET,
    T_LT, T_LE, T_GT, T_GE, T_EQ, T_NE, T_AND, T_OR, T_NOT
} tkind;

typedef struct {
    tkind kind;
    size_t pos, len;  /* source span; for T_STR the quotes included */
    double num;
} token;

typedef struct {
    const char *src;
    size_t len;
    const sal_expr_host *host;
    const char *file;
    int line, col;
    sal_diags *diags;
    size_t pos;       /* lexer position */
    token tok;
    int depth;
    int nerr;
    int stop;         /* after a syntax error nothing more is parsed */
    int nomem;
    ins *code;
    size_t n, cap;
} parser;

/* A parsed sub-expression: its code is code[start .. n). */
typedef struct {
    size_t start;
    int konst;        /* the code is one CONST k */
    double k;
    int need;         /* eval stack slots needed */
    int boolean;      /* the value is always 0 or 1 */
} val;

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_alnum(int c) { return is_alpha(c) || is_digit(c); }
static int is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void where(const parser *p, size_t pos, int *line, int *col)
{
    int l = p->line, c = p->col > 0 ? p->col : 1;
    for (size_t i = 0; i < pos && i < p->len; i++) {
        unsigned char ch = (unsigned char)p->src[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = p->line > 0 ? l : 0;
    *col = p->line > 0 ? c : 0;
}

static void error_at(parser *p, size_t pos, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void error_at(parser *p, size_t pos, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line, col;
    where(p, pos, &line, &col);
    sal_diags_add(p->diags, p->file, line, col, "%s", msg);
    p->nerr++;
}

/* A syntax error derails the parse: report it and stop. */
#define SYNTAX(p, pos, ...) do { error_at((p), (pos), __VA_ARGS__); halt(p); } while (0)

static void halt(parser *p)
{
    p->stop = 1;
    p->tok.kind = T_END;
    p->tok.pos = p->len;
    p->tok.len = 0;
}

/* "name 'foo'", "number '12'", "')'", "the end of the expression". */
static const char *describe(const parser *p, const token *t, char *buf, size_t size)
{
    int len = t->len > 40 ? 40 : (int)t->len;
    const char *more = t->len > 40 ? "..." : "";
    const char *s = p->src + t->pos;
    switch (t->kind) {
    case T_END: snprintf(buf, size, "end of expression"); break;
    case T_NUM: snprintf(buf, size, "number '%.*s%s'", len, s, more); break;
    case T_NAME: snprintf(buf, size, "name '%.*s%s'", len, s, more); break;
    case T_STR: snprintf(buf, size, "string %.*s%s", len, s, more); break;
    default: snprintf(buf, size, "'%.*s'", len, s); break;
    }
    return buf;
}

static const char *tok_desc(const parser *p, char *buf, size_t size)
{
    return describe(p, &p->tok, buf, size);
}

/* Digits with '_' allowed between two digits (12_000). */
static int lex_digits(parser *p, size_t *i, char *buf, size_t *b, size_t start)
{
    const char *c = p->src;
    while (*i < p->len && is_digit(c[*i])) {
        if (*b < 100)
            buf[(*b)++] = c[*i];
        (*i)++;
        if (*i < p->len && c[*i] == '_') {
            if (*i + 1 < p->len && is_digit(c[*i + 1])) {
                (*i)++;
            } else {
                SYNTAX(p, *i, "misplaced '_' in number '%.*s'; '_' may only separate "
                       "digits, as in 12_000", (int)(*i + 1 - start), c + start);
                return 0;
            }
        }
    }
    return 1;
}

static int lex_exponent(parser *p, size_t *i, char *buf, size_t *b, size_t start)
{
    const char *c = p->src;
    size_t j = *i + 1;
    if (j < p->len && (c[j] == '+' || c[j] == '-'))
        j++;
    if (j >= p->len || !is_digit(c[j])) {
        SYNTAX(p, start, "number '%.*s' has no digits after '%c'; expected an "
               "exponent, as in 1e-3", (int)(j - start), c + start, c[*i]);
        return 0;
    }
    while (*i < j)
        buf[(*b)++] = c[(*i)++];
    return lex_digits(p, i, buf, b, start);
}

/* strtod reads the locale's decimal point, the language always '.'. */
static double to_double(char *buf)
{
    const char *dp = localeconv()->decimal_point;
    char *dot = strchr(buf, '.');
    if (dot && dp && dp[0] && dp[0] != '.' && !dp[1])
        *dot = dp[0];
    return strtod(buf, NULL);
}

static void lex_number(parser *p, size_t s)
{
    const char *c = p->src;
    char buf[128];
    size_t b = 0, i = s;
    if (!lex_digits(p, &i, buf, &b, s))
        return;
    if (i < p->len && c[i] == '.') {
        buf[b++] = '.';
        i++;
        if (i >= p->len || !is_digit(c[i])) {
            SYNTAX(p, s, "number '%.*s' has no digits after '.'; expected a digit, "
                   "as in 0.5", (int)(i - s), c + s);
            return;
        }
        if (!lex_digits(p, &i, buf, &b, s))
            return;
    }
    if (i < p->len && (c[i] == 'e' || c[i] == 'E') && !lex_exponent(p, &i, buf, &b, s))
        return;
    if (i < p->len && is_alpha(c[i])) {
        SYNTAX(p, i, "unexpected '%c' right after number '%.*s'; expected an operator, "
               "',' or ')'", c[i], (int)(i - s), c + s);
        return;
    }
    if (b >= 100) {
        SYNTAX(p, s, "number '%.20s...' has too many digits; expected at most 100", c + s);
        return;
    }
    buf[b] = '\0';
    p->tok = (token){T_NUM, s, i - s, to_double(buf)};
    p->pos = i;
    if (!isfinite(p->tok.num))
        SYNTAX(p, s, "number '%.*s' is too large; expected at most about 1.8e308",
               (int)(i - s), c + s);
}

static void lex_string(parser *p, size_t s)
{
    char q = p->src[s];
    size_t i = s + 1;
    while (i < p->len && p->src[i] != q && p->src[i] != '\n')
        i++;
    if (i >= p->len || p->src[i] != q) {
        SYNTAX(p, s, "unterminated string; expected a closing %c to match the one here", q);
        return;
    }
    p->tok = (token){T_STR, s, i + 1 - s, 0};
    p->pos = i + 1;
}

static const struct {
    const char *text;
    tkind kind;
} punct[] = {
    {"<=", T_LE}, {">=", T_GE}, {"==", T_EQ}, {"!=", T_NE}, {"(", T_LP},
    {")", T_RP},  {",", T_COMMA}, {"+", T_PLUS}, {"-", T_MINUS}, {"*", T_STAR},
    {"/", T_SLASH}, {"%", T_PCT}, {"^", T_CARET}, {"<", T_LT}, {">", T_GT},
};

/* Spellings from other languages, with the one this language wants. */
static const struct {
    const char *text, *hint;
} foreign[] = {
    {"**", "write '^' for a power"}, {"&&", "write 'and'"}, {"||", "write 'or'"},
    {"&", "write 'and'"}, {"|", "write 'or'"}, {"!", "write 'not'"},
    {"=", "write '==' to compare"},
};

static int starts(const parser *p, size_t i, const char *t)
{
    size_t n = strlen(t);
    return i + n <= p->len && memcmp(p->src + i, t, n) == 0;
}

static void lex_bad(parser *p, size_t s)
{
    for (size_t k = 0; k < sizeof foreign / sizeof foreign[0]; k++)
        if (starts(p, s, foreign[k].text)) {
            SYNTAX(p, s, "unexpected '%s'; %s", foreign[k].text, foreign[k].hint);
            return;
        }
    unsigned char ch = (unsigned char)p->src[s];
    size_t n = 1;
    while (ch >= 0xC0 && s + n < p->len && ((unsigned char)p->src[s + n] & 0xC0) == 0x80 && n < 4)
        n++;
    if (ch < 0x20 || ch == 0x7F)
        SYNTAX(p, s, "unexpected control character 0x%02X; expected a number, a name, "
               "an operator or a parenthesis", ch);
    else
        SYNTAX(p, s, "unexpected character '%.*s'; expected a number, a name, an "
               "operator or a parenthesis", (int)n, p->src + s);
}

static void lex_word(parser *p, size_t s)
{
    size_t i = s;
    while (i < p->len && is_alnum(p->src[i]))
        i++;
    tkind k = T_NAME;
    if (i - s == 3 && !memcmp(p->src + s, "and", 3))
        k = T_AND;
    else if (i - s == 2 && !memcmp(p->src + s, "or", 2))
        k = T_OR;
    else if (i - s == 3 && !memcmp(p->src + s, "not", 3))
        k = T_NOT;
    p->tok = (token){k, s, i - s, 0};
    p->pos = i;
}

static size_t skip_space(const parser *p, size_t i)
{
    while (i < p->len && is_space(p->src[i]))
        i++;
    return i;
}

static void lex_punct(parser *p, size_t s);

static void lex(parser *p)
{
    if (p->stop)
        return;
    size_t s = skip_space(p, p->pos);
    if (s >= p->len) {
        p->tok = (token){T_END, p->len, 0, 0};
        p->pos = p->len;
        return;
    }
    char c = p->src[s];
    if (is_digit(c) || (c == '.' && s + 1 < p->len && is_digit(p->src[s + 1])))
        lex_number(p, s);
    else if (is_alpha(c))
        lex_word(p, s);
    else if (c == '"' || c == '\'')
        lex_string(p, s);
    else
        lex_punct(p, s);
}

static void lex_punct(parser *p, size_t s)
{
    if (starts(p, s, "**")) {
        lex_bad(p, s);
        return;
    }
    for (size_t k = 0; k < sizeof punct / sizeof punct[0]; k++)
        if (starts(p, s, punct[k].text)) {
            p->tok = (token){punct[k].kind, s, strlen(punct[k].text), 0};
            p->pos = s + p->tok.len;
            return;
        }
    lex_bad(p, s);
}

/* Inside the parentheses of a state function the arguments are names, not
 * expressions, so a bare name may contain '-' and '.' (dprk-kursk). */
static int is_namech(int c) { return is_alnum(c) || c == '-' || c == '.'; }

static void lex_arg(parser *p)
{
    if (p->stop)
        return;
    size_t s = skip_space(p, p->pos), i = s;
    if (s < p->len && is_namech(p->src[s])) {
        while (i < p->len && is_namech(p->src[i]))
            i++;
        p->tok = (token){T_NAME, s, i - s, 0};
        p->pos = i;
        return;
    }
    p->pos = s;
    lex(p);
}

/* ---- code emission and folding --------------------------------------- */

static void emit(parser *p, ins in)
{
    if (p->stop)
        return;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        ins *c = realloc(p->code, cap * sizeof *c);
        if (!c) {
            p->nomem = 1;
            halt(p);
            return;
        }
        p->code = c;
        p->cap = cap;
    }
    p->code[p->n++] = in;
}

static void emit_op(parser *p, int op, int32_t a)
{
    emit(p, (ins){op, a, {0}});
}

static val dummy(const parser *p)
{
    return (val){p->n, 0, 0, 1, 0};
}

static val code_val(size_t start, int need, int boolean)
{
    return (val){start, 0, 0, need, boolean};
}

static void emit_k(parser *p, int op, double k)
{
    ins in = {op, 0, {0}};
    in.u.k = k;
    emit(p, in);
}

static val konst(parser *p, double k)
{
    size_t s = p->n;
    emit_k(p, OP_CONST, k);
    /* a NaN or infinity is kept as code, not folded further: folding
     * `0/0 > 1` to 0 would hide from sal_expr_eval_finite the NaN that
     * evaluating it produces (the plain value is the same either way) */
    if (!isfinite(k))
        return code_val(s, 1, 0);
    return (val){s, 1, k, 1, k == 0 || k == 1};
}

/* code[start..n) is an operator over constants: run it, keep the value. */
static val finish(parser *p, size_t start, int allk, int need, int boolean)
{
    if (p->stop)
        return dummy(p);
    if (!allk)
        return code_val(start, need, boolean);
    emit_op(p, OP_RET, 0);
    if (p->stop)
        return dummy(p);
    double k = run(p->code + start, NULL, NULL);
    p->n = start;
    return konst(p, k);
}

static int max_i(int a, int b) { return a > b ? a : b; }

/* x op y, with a constant operand moved into the instruction. */
static val binary(parser *p, int op, val a, val b)
{
    if (p->stop)
        return dummy(p);
    int boolean = op >= OP_LT && op <= OP_NE;
    if (a.konst && b.konst) {
        emit_op(p, op, 0);
        return finish(p, a.start, 1, 1, boolean);
    }
    if (b.konst) {              /* b's code is the last instruction */
        p->n--;
        emit_k(p, op + XK, b.k);
        return code_val(a.start, a.need, boolean);
    }
    if (a.konst) {              /* a's code is the one instruction before b's */
        memmove(p->code + a.start, p->code + a.start + 1,
                (p->n - a.start - 1) * sizeof *p->code);
        p->n--;
        emit_k(p, op + KX, a.k);
        return code_val(a.start, b.need, boolean);
    }
    emit_op(p, op, 0);
    return code_val(a.start, max_i(a.need, b.need + 1), boolean);
}

static val unary_op(parser *p, int op, val a)
{
    if (p->stop)
        return dummy(p);
    emit_op(p, op, 0);
    return finish(p, a.start, a.konst, a.need, op == OP_NOT || op == OP_TRUTH);
}

static int enter(parser *p, size_t pos)
{
    if (++p->depth > SAL_EXPR_MAX_DEPTH) {
        SYNTAX(p, pos, "expression nested too deeply (more than %d levels of "
               "parentheses, calls or operators); expected a simpler expression",
               SAL_EXPR_MAX_DEPTH);
        return 0;
    }
    return 1;
}

static void leave(parser *p)
{
    p->depth--;
}

/* "column 7" or "line 2, column 3" for a position in the source. */
static const char *place(const parser *p, size_t pos, char *buf, size_t size)
{
    int line, col, l0, c0;
    where(p, pos, &line, &col);
    where(p, 0, &l0, &c0);
    if (line != l0)
        snprintf(buf, size, "line %d, column %d", line, col);
    else
        snprintf(buf, size, "column %d", col);
    return buf;
}

/* ---- parser ---------------------------------------------------------- */

static val parse_or(parser *p);
static void skip_call(parser *p);
static val parse_not(parser *p);
static val parse_and(parser *p);
static val parse_unary(parser *p);

static val parse_group(parser *p)
{
    size_t lp = p->tok.pos;
    if (!enter(p, lp))
        return dummy(p);
    lex(p);
    val a = parse_or(p);
    leave(p);
    if (p->stop)
        return dummy(p);
    if (p->tok.kind != T_RP) {
        char d[64], w[48];
        SYNTAX(p, p->tok.pos, "unexpected %s; expected ')' to close the '(' at %s",
               tok_desc(p, d, sizeof d), place(p, lp, w, sizeof w));
        return dummy(p);
    }
    lex(p);
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
    val acc = dummy(p);
    int allk = 1, need = 1, n = 0;
    lex(p);
    while (!p->stop && p->tok.kind != T_RP) {
        val v = parse_or(p);
        if (p->stop)
            return dummy(p);
        if (f->max < 0) {
            acc = n == 0 ? v : binary(p, f->op, acc, v);
        } else {
            allk = allk && v.konst;
            need = max_i(need, n + v.need);
        }
        n++;
        if (p->tok.kind == T_COMMA) {
            lex(p);
            if (p->tok.kind == T_RP)
                SYNTAX(p, p->tok.pos, "unexpected ')' after ','; expected argument %d "
                       "of '%s'", n + 1, f->name);
            continue;
        }
        if (p->tok.kind != T_RP) {
            char d[64], w[48];
            SYNTAX(p, p->tok.pos, "unexpected %s; expected ',' or ')' to close the call "
                   "of '%s' at %s", tok_desc(p, d, sizeof d), f->name,
                   place(p, lp, w, sizeof w));
            return dummy(p);
        }
    }
    if (p->stop)
        return dummy(p);
    lex(p);
    *count = n;
    if (f->max < 0)
        return n == 0 ? dummy(p) : acc;
    return (val){start, allk, 0, need, 0};
}

static int arity_ok(parser *p, const builtin *f, int n, size_t pos)
{
    if (n >= f->min && (f->max < 0 || n <= f->max))
        return 1;
    if (f->max < 0)
        error_at(p, pos, "'%s' takes at least %d arguments (%s), found %d", f->name,
                 f->min, f->args, n);
    else
        error_at(p, pos, "'%s' takes %d argument%s (%s), found %d", f->name, f->min,
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
                   tok_desc(p, d, sizeof d), sep == T_COMMA ? "','" : "')'",
                   place(p, lp, w, sizeof w));
        return dummy(p);
    }
    lex(p);
    return v;
}

/* if(c, x, y): c JZ [x] JMP [y]; a constant c keeps one branch only. */
static val parse_if(parser *p, size_t pos)
{
    size_t lp = p->tok.pos, start = p->n;
    lex(p);
    val c = if_arg(p, T_COMMA, 0, lp, pos);
    if (p->stop)
        return dummy(p);
    if (c.konst) {
        p->n = start;
        int t = c.k != 0;
        val x = if_arg(p, T_COMMA, 1, lp, pos);
        size_t mid = p->n;
        val y = if_arg(p, T_RP, 2, lp, pos);
        if (p->stop)
            return dummy(p);
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
    emit_op(p, OP_JZ, 0);
    val x = if_arg(p, T_COMMA, 1, lp, pos);
    size_t jmp = p->n;
    emit_op(p, OP_JMP, 0);
    val y = if_arg(p, T_RP, 2, lp, pos);
    if (p->stop)
        return dummy(p);
    p->code[jz].a = (int32_t)(jmp + 1 - jz);
    p->code[jmp].a = (int32_t)(p->n - jmp);
    return code_val(start, max_i(c.need, max_i(x.need, y.need)), x.boolean && y.boolean);
}

static val parse_builtin(parser *p, const builtin *f, size_t pos)
{
    lex(p);
    if (p->tok.kind != T_LP) {
        char d[64];
        SYNTAX(p, p->tok.pos, "unexpected %s after '%s'; expected '(': '%s' is a "
               "function, write %s(%s)", tok_desc(p, d, sizeof d), f->name, f->name,
               f->name, f->args);
        return dummy(p);
    }
    if (!enter(p, p->tok.pos))
        return dummy(p);
    val v;
    if (f->op == OP_IF) {
        v = parse_if(p, pos);
    } else {
        int n = 0;
        v = parse_args(p, f, &n);
        if (!p->stop && !arity_ok(p, f, n, pos)) {
            p->n = v.start;
            v = konst(p, 0);
        } else if (f->max >= 0) {
            v = unary_op(p, f->op, v);
        }
    }
    leave(p);
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
        error_at(p, t->pos, "empty name; expected a name (%s) as argument %d of '%s'",
                 args_of(f), pos + 1, f->name);
        return -1;
    }
    if (len > SAL_EXPR_MAX_NAME) {
        error_at(p, t->pos, "name of %zu bytes is too long; expected at most %d",
                 len, SAL_EXPR_MAX_NAME);
        return -1;
    }
    memcpy(name, p->src + t->pos + off, len);
    name[len] = '\0';
    if (!p->host->resolve) {
        error_at(p, t->pos, "cannot resolve '%s' for '%s': the host gave no resolver",
                 name, f->name);
        return -1;
    }
    int idx = p->host->resolve(p->host->ctx, f->id, pos, name, prev, why, sizeof why);
    if (idx < 0) {
        if (why[0])
            error_at(p, t->pos, "%s", why);
        else
            error_at(p, t->pos, "unknown name '%s' for argument %d of '%s' (%s)", name,
                     pos + 1, f->name, args_of(f));
    }
    return idx;
}

static void arity_error(parser *p, const sal_expr_func *f, int n, size_t pos)
{
    if (f->nargs == 0)
        error_at(p, pos, "'%s' takes no arguments, found %d; write %s", f->name, n,
                 f->name);
    else
        error_at(p, pos, "'%s' takes %d argument%s (%s), found %d", f->name, f->nargs,
                 f->nargs == 1 ? "" : "s", args_of(f), n);
}

/* Name arguments of a state function, the '(' being the current token: all
 * are read first, so that a wrong count is one error, not a resolve error. */
static int parse_host_args(parser *p, const sal_expr_func *f, int arg[2], size_t pos)
{
    size_t lp = p->tok.pos;
    token names[2];
    int n = 0;
    lex_arg(p);
    while (!p->stop && p->tok.kind != T_RP) {
        char d[64], w[48];
        if (p->tok.kind != T_NAME && p->tok.kind != T_STR) {
            SYNTAX(p, p->tok.pos, "unexpected %s; expected a name (%s) as argument %d "
                   "of '%s'", tok_desc(p, d, sizeof d), args_of(f), n + 1, f->name);
            return 0;
        }
        if (n < 2)
            names[n] = p->tok;
        n++;
        lex(p);
        if (p->tok.kind == T_COMMA) {
            lex_arg(p);
            if (p->tok.kind == T_RP)
                SYNTAX(p, p->tok.pos, "unexpected ')' after ','; expected a name (%s) as "
                       "argument %d of '%s'", args_of(f), n + 1, f->name);
        } else if (p->tok.kind != T_RP) {
            SYNTAX(p, p->tok.pos, "unexpected %s; expected ',' or ')' to close the call "
                   "of '%s' at %s", tok_desc(p, d, sizeof d), f->name,
                   place(p, lp, w, sizeof w));
            return 0;
        }
    }
    if (p->stop)
        return 0;
    if (n != f->nargs) {
        arity_error(p, f, n, pos);
        lex(p);
        return 0;
    }
    for (int i = 0; i < n; i++)
        if ((arg[i] = resolve_arg(p, f, &names[i], i, arg)) < 0)
            break;
    lex(p);
    return n == 0 || arg[n - 1] >= 0;
}

/* Is the next non-blank character c?  Peeks without lexing, so that an error
 * about the current name is reported before any error in what follows. */
static int next_is(const parser *p, char c)
{
    size_t i = skip_space(p, p->pos);
    return i < p->len && p->src[i] == c;
}

static val parse_host(parser *p, const sal_expr_func *f, size_t pos)
{
    int arg[2] = {-1, -1};
    if (f->nargs < 0 || f->nargs > 2) {
        error_at(p, pos, "state function '%s' declares %d arguments; the host may "
                 "declare 0, 1 or 2", f->name, f->nargs);
        lex(p);
        if (p->tok.kind == T_LP)
            skip_call(p);
        return p->stop ? dummy(p) : konst(p, 0);
    }
    if (!next_is(p, '(') && f->nargs > 0) {
        error_at(p, pos, "'%s' takes %d argument%s (%s); write %s(%s)", f->name,
                 f->nargs, f->nargs == 1 ? "" : "s", args_of(f), f->name, args_of(f));
        lex(p);
        return konst(p, 0);
    }
    lex(p);
    if (p->tok.kind == T_LP && !parse_host_args(p, f, arg, pos))
        return p->stop ? dummy(p) : konst(p, 0);
    size_t s = p->n;
    ins in = {OP_HOST, f->id, {0}};
    in.u.arg.b = arg[0];
    in.u.arg.c = arg[1];
    emit(p, in);
    return code_val(s, 1, 0);
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
               "'(' at %s", place(p, lp, w, sizeof w));
        return;
    }
    p->pos = i;
    lex(p);
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
        error_at(p, pos, "unknown %s '%s'; did you mean '%s'?", what, word, best);
    else if (call)
        error_at(p, pos, "unknown function '%s'; expected a built-in function or a "
                 "state function (see docs/expressions.md)", word);
    else
        error_at(p, pos, "unknown name '%s'; expected a number, true, false, pi, a "
                 "state value such as 'day', or a function call", word);
    lex(p);
    if (call)
        skip_call(p);
    return p->stop ? dummy(p) : konst(p, 0);
}

static val parse_name(parser *p)
{
    size_t pos = p->tok.pos, len = p->tok.len;
    const char *s = p->src + pos;
    double v;
    if (find_constant(s, len, &v)) {
        lex(p);
        return konst(p, v);
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
        lex(p);
        return konst(p, v);
    }
    case T_LP: return parse_group(p);
    case T_NAME: return parse_name(p);
    case T_STR:
        SYNTAX(p, p->tok.pos, "unexpected %s; a quoted name may only be the argument "
               "of a state function, as in strength(\"dprk-kursk\")",
               tok_desc(p, d, sizeof d));
        return dummy(p);
    default:
        if (!p->stop)
            SYNTAX(p, p->tok.pos, "unexpected %s; expected a number, a name or '('",
                   tok_desc(p, d, sizeof d));
        return dummy(p);
    }
}

/* power := primary ['^' unary]: right-associative, and binds tighter than a
 * unary minus on its left (-2^2 = -4) but accepts one on its right (2^-1). */
static val parse_power(parser *p)
{
    val a = parse_primary(p);
    if (p->stop || p->tok.kind != T_CARET)
        return a;
    if (!enter(p, p->tok.pos))
        return dummy(p);
    lex(p);
    val b = parse_unary(p);
    leave(p);
    return binary(p, OP_POW, a, b);
}

static val parse_unary(parser *p)
{
    tkind k = p->tok.kind;
    if (k != T_MINUS && k != T_PLUS)
        return parse_power(p);
    if (!enter(p, p->tok.pos))
        return dummy(p);
    lex(p);
    val a = parse_unary(p);
    leave(p);
    return k == T_MINUS ? unary_op(p, OP_NEG, a) : a;
}

static val parse_prod(parser *p)
{
    val a = parse_unary(p);
    for (;;) {
        tkind k = p->tok.kind;
        if (p->stop || (k != T_STAR && k != T_SLASH && k != T_PCT))
            return a;
        lex(p);
        val b = parse_unary(p);
        a = binary(p, k == T_STAR ? OP_MUL : k == T_SLASH ? OP_DIV : OP_MOD, a, b);
    }
}

static val parse_sum(parser *p)
{
    val a = parse_prod(p);
    for (;;) {
        tkind k = p->tok.kind;
        if (p->stop || (k != T_PLUS && k != T_MINUS))
            return a;
        lex(p);
        val b = parse_prod(p);
        a = binary(p, k == T_PLUS ? OP_ADD : OP_SUB, a, b);
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
    lex(p);
    val b = parse_sum(p);
    a = binary(p, op, a, b);
    if (!p->stop && cmp_op(p->tok.kind) >= 0) {
        char d[64];
        SYNTAX(p, p->tok.pos, "unexpected %s after a comparison; comparisons do not "
               "chain, write 'a < b and b < c'", tok_desc(p, d, sizeof d));
        return dummy(p);
    }
    return a;
}

static val parse_not(parser *p)
{
    if (p->tok.kind != T_NOT)
        return parse_cmp(p);
    if (!enter(p, p->tok.pos))
        return dummy(p);
    lex(p);
    val a = parse_not(p);
    leave(p);
    return unary_op(p, OP_NOT, a);
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
    c->need = max_i(c->need, v.need);
}

/* The end of a chain: every jump placeholder now targets it. */
static val chain_close(parser *p, chain_state *c, size_t start, int is_and)
{
    if (c->decided || !c->any) {
        p->n = start;
        return konst(p, c->decided ? !is_and : is_and);
    }
    if (!c->open) {             /* constants after the last jump vanished */
        size_t last = (size_t)c->chain;
        c->chain = p->code[last].a;
        p->n = last;
    }
    if (!c->boolean)
        emit_op(p, OP_TRUTH, 0);
    if (p->stop)
        return dummy(p);
    for (int32_t j = c->chain; j >= 0;) {
        int32_t prev = p->code[j].a;
        p->code[j].a = (int32_t)(p->n - (size_t)j);
        j = prev;
    }
    return code_val(start, c->need, 1);
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
        lex(p);
        if (c.open && !c.decided) {
            size_t j = p->n;
            emit_op(p, is_and ? OP_AND : OP_OR, c.chain);
            c.chain = (int32_t)j;
            c.open = 0;
        }
        v = sub(p);
    }
    if (p->stop)
        return dummy(p);
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

/* ---- compile ------------------------------------------------------------ */

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
               "expression; did you mean '%s'?", tok_desc(p, d, sizeof d), best);
    else
        SYNTAX(p, t->pos, "unexpected %s; expected an operator or the end of the "
               "expression", tok_desc(p, d, sizeof d));
}

static int parse_all(parser *p, val *out)
{
    lex(p);
    if (!p->stop && p->tok.kind == T_END) {
        error_at(p, p->tok.pos, "empty expression; expected a number, a name or '('");
        return 0;
    }
    *out = parse_or(p);
    if (!p->stop && p->tok.kind != T_END)
        trailing(p);
    if (!p->stop && !p->nerr && out->need > SAL_EXPR_MAX_STACK)
        error_at(p, 0, "expression too complex: it needs %d values pending at once, "
                 "the limit is %d; expected it split into simpler parts", out->need,
                 SAL_EXPR_MAX_STACK);
    return !p->nerr && !p->nomem;
}

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
    int ok = parse_all(&p, &v);
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

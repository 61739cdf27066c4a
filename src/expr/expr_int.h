/* salient (internal) — the expression language's shared types and the
 * functions its files call across (the public face: salient/expr.h).
 *
 * src/expr/expr.c          sal_expr_compile and the introspection of compiled code
 * src/expr/expr_lex.c      the lexer and the diagnostics with their line:col
 * src/expr/expr_parse.c    the recursive-descent parser and the language's vocabulary
 * src/expr/expr_emit.c     code emission and constant folding
 * src/expr/expr_vm.c       evaluation: sal_expr_eval, sal_expr_eval_finite
 * src/expr/expr_vm.h       the evaluator's body, included twice by expr_vm.c */
#ifndef SAL_EXPR_INT_H
#define SAL_EXPR_INT_H

#include <stddef.h>
#include <stdint.h>

#include "salient/expr.h"

/* ---- compiled code ---------------------------------------------------- */

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

/* ---- the parser's state ------------------------------------------------ */

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

static inline int ex_max_i(int a, int b) { return a > b ? a : b; }

/* ---- expr_vm.c ---------------------------------------------------------- */

/* The plain evaluator run on code ending in OP_RET, for constant folding:
 * folded values are bit-identical to evaluated ones. */
double ex_run(const ins *code);

/* ---- expr_lex.c --------------------------------------------------------- */

/* The line and column of a position in the source (0, 0 without a line). */
void ex_where(const parser *p, size_t pos, int *line, int *col);
/* "column 7" or "line 2, column 3". */
const char *ex_place(const parser *p, size_t pos, char *buf, size_t size);
/* A diagnostic at a position in the source. */
void ex_error_at(parser *p, size_t pos, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Stops the parse: nothing more is read after a syntax error. */
void ex_halt(parser *p);
/* A syntax error derails the parse: report it and stop. */
#define SYNTAX(p, pos, ...) do { ex_error_at((p), (pos), __VA_ARGS__); ex_halt(p); } while (0)

/* The current token for a message: "name 'foo'", "')'", ... */
const char *ex_tok_desc(const parser *p, char *buf, size_t size);
size_t ex_skip_space(const parser *p, size_t i);
/* The next token into p->tok. */
void ex_lex(parser *p);
/* The next token inside a state function's parentheses, where a bare name
 * may hold '-' and '.'. */
void ex_lex_arg(parser *p);

/* ---- expr_emit.c -------------------------------------------------------- */

void ex_emit(parser *p, ins in);
void ex_emit_op(parser *p, int op, int32_t a);
/* What a failed parse returns: no code, one stack slot. */
val ex_dummy(const parser *p);
val ex_code_val(size_t start, int need, int boolean);
/* Emits CONST k. */
val ex_konst(parser *p, double k);
/* x op y and op x, folded when the operands are constants. */
val ex_binary(parser *p, int op, val a, val b);
val ex_unary_op(parser *p, int op, val a);
/* One level deeper (0 past SAL_EXPR_MAX_DEPTH, reported) and back. */
int ex_enter(parser *p, size_t pos);
void ex_leave(parser *p);

/* ---- expr_parse.c ------------------------------------------------------- */

/* The whole source into p->code; 1 when it compiled without error. */
int ex_parse_all(parser *p, val *out);

#endif

/* The expression language's lexer (src/expr/expr_int.h): tokens, and the
 * diagnostics with their line and column in the scenario file. */
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr/expr_int.h"

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_alnum(int c) { return is_alpha(c) || is_digit(c); }
static int is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void ex_where(const parser *p, size_t pos, int *line, int *col)
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

/* "column 7" or "line 2, column 3" for a position in the source. */
const char *ex_place(const parser *p, size_t pos, char *buf, size_t size)
{
    int line, col, l0, c0;
    ex_where(p, pos, &line, &col);
    ex_where(p, 0, &l0, &c0);
    if (line != l0)
        snprintf(buf, size, "line %d, column %d", line, col);
    else
        snprintf(buf, size, "column %d", col);
    return buf;
}

void ex_error_at(parser *p, size_t pos, const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line, col;
    ex_where(p, pos, &line, &col);
    sal_diags_add(p->diags, p->file, line, col, "%s", msg);
    p->nerr++;
}


void ex_halt(parser *p)
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

const char *ex_tok_desc(const parser *p, char *buf, size_t size)
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

size_t ex_skip_space(const parser *p, size_t i)
{
    while (i < p->len && is_space(p->src[i]))
        i++;
    return i;
}

static void lex_punct(parser *p, size_t s);

void ex_lex(parser *p)
{
    if (p->stop)
        return;
    size_t s = ex_skip_space(p, p->pos);
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

void ex_lex_arg(parser *p)
{
    if (p->stop)
        return;
    size_t s = ex_skip_space(p, p->pos), i = s;
    if (s < p->len && is_namech(p->src[s])) {
        while (i < p->len && is_namech(p->src[i]))
            i++;
        p->tok = (token){T_NAME, s, i - s, 0};
        p->pos = i;
        return;
    }
    p->pos = s;
    ex_lex(p);
}

/* Daily battle series: the CSV reader (include/salient/battle.h).
 *
 * The reader works on the whole text in memory, line by line, with byte
 * lengths (never C strings), so a NUL byte or a missing final newline is
 * just another character.  Columns in messages count characters (UTF-8 code
 * points), not bytes, from 1. */
#include "salient/battle.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salient/suggest.h"

enum { COL_DAY, COL_A, COL_B, COL_RA, COL_RB, NCOL };
static const char *const col_names[NCOL] = {"day", "A", "B", "reinf_A", "reinf_B"};
#define HEADER "day,A,B,reinf_A,reinf_B"

typedef struct {
    const char *s; /* trimmed text */
    size_t len;
    int col;       /* 1-based character column of its first character */
} field;

typedef struct {
    const char *file;
    sal_diags *diags;
    int errors;
    int field_of[NCOL];  /* header position of each column */
    size_t nfields;      /* fields in the header */
    int header_ok;
    double *v[NCOL - 1]; /* A, B, reinf_A, reinf_B by row */
    size_t n, cap;
    long expect_day;
    int oom;
} reader;

sal_battle *sal_battle_alloc(size_t n)
{
    if (n == 0)
        return NULL;
    sal_battle *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->n = n;
    b->A = calloc(n, sizeof(double));
    b->B = calloc(n, sizeof(double));
    b->reinf_A = calloc(n, sizeof(double));
    b->reinf_B = calloc(n, sizeof(double));
    if (!b->A || !b->B || !b->reinf_A || !b->reinf_B) {
        sal_battle_free(b);
        return NULL;
    }
    return b;
}

void sal_battle_free(sal_battle *b)
{
    if (!b)
        return;
    free(b->A);
    free(b->B);
    free(b->reinf_A);
    free(b->reinf_B);
    free(b);
}

static void error_at(reader *r, int line, int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void error_at(reader *r, int line, int col, const char *fmt, ...)
{
    r->errors++;
    if (r->errors > SAL_BATTLE_MAX_ERRORS)
        return;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->errors == SAL_BATTLE_MAX_ERRORS)
        sal_diags_add(r->diags, r->file, line, col,
                      "%s (and stopping after %d errors)", msg,
                      SAL_BATTLE_MAX_ERRORS);
    else
        sal_diags_add(r->diags, r->file, line, col, "%s", msg);
}

/* 1-based character column of byte offset off in a line. */
static int char_col(const char *line, size_t off)
{
    int c = 1;
    for (size_t i = 0; i < off; i++)
        c += ((unsigned char)line[i] & 0xC0) != 0x80;
    return c;
}

/* The text of a field for a message: at most 40 bytes, control bytes as '?'. */
static const char *show(const field *f, char buf[48])
{
    size_t n = f->len < 40 ? f->len : 40, k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)f->s[i];
        buf[k++] = (c < 0x20 || c == 0x7f || c == '\'') ? '?' : (char)c;
    }
    if (f->len > n) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = 0;
    return buf;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Splits a line into at most max fields; returns the number of fields. */
static size_t split(const char *line, size_t len, field *f, size_t max)
{
    size_t n = 0, start = 0;
    for (size_t i = 0;; i++) {
        if (i < len && line[i] != ',')
            continue;
        size_t a = start, b = i;
        while (a < b && is_blank(line[a]))
            a++;
        while (b > a && is_blank(line[b - 1]))
            b--;
        if (n < max) {
            f[n].s = line + a;
            f[n].len = b - a;
            f[n].col = char_col(line, a);
        }
        n++;
        if (i >= len)
            return n;
        start = i + 1;
    }
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Decimal number syntax: [+-] digits [. digits] [(e|E) [+-] digits], at
 * least one mantissa digit.  0 ok, 1 empty, 2 not a number, 3 out of range. */
static int parse_number(const field *f, double *v)
{
    const char *s = f->s;
    size_t n = f->len, i = 0, digits = 0;
    if (n == 0)
        return 1;
    if (s[i] == '+' || s[i] == '-')
        i++;
    for (; i < n && is_digit(s[i]); i++)
        digits++;
    if (i < n && s[i] == '.')
        for (i++; i < n && is_digit(s[i]); i++)
            digits++;
    if (digits == 0)
        return 2;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t e = ++i;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            e = ++i;
        while (i < n && is_digit(s[i]))
            i++;
        if (i == e)
            return 2;
    }
    if (i != n)
        return 2;
    char buf[128];
    if (n >= sizeof buf)
        return 3;
    memcpy(buf, s, n);
    buf[n] = 0;
    *v = strtod(buf, NULL);
    if (!isfinite(*v))
        return 3;
    if (*v == 0)
        *v = 0; /* -0 */
    return 0;
}

/* ---- header ----------------------------------------------------------- */

static int find_col(const field *f)
{
    for (int c = 0; c < NCOL; c++)
        if (strlen(col_names[c]) == f->len && memcmp(col_names[c], f->s, f->len) == 0)
            return c;
    return -1;
}

/* An unknown column name, with a suggestion among the columns still
 * missing (so "reinf_C" next to reinf_A suggests reinf_B).  Returns the
 * column suggested, or -1. */
static int unknown_col(reader *r, const field *f)
{
    char buf[48], name[64];
    size_t n = f->len < sizeof name - 1 ? f->len : sizeof name - 1;
    memcpy(name, f->s, n);
    name[n] = 0;
    const char *missing[NCOL];
    for (int c = 0; c < NCOL; c++)
        missing[c] = r->field_of[c] < 0 ? col_names[c] : NULL;
    const char *guess = memchr(f->s, 0, f->len) ? NULL : sal_suggest(name, missing, NCOL);
    if (f->len == 0) {
        error_at(r, 1, f->col, "empty column name in the header; expected the header " HEADER);
        return -1;
    }
    if (!guess) {
        error_at(r, 1, f->col,
                 "unknown column '%s'; expected one of day, A, B, reinf_A, reinf_B",
                 show(f, buf));
        return -1;
    }
    error_at(r, 1, f->col,
             "unknown column '%s'; expected one of day, A, B, reinf_A, reinf_B "
             "(did you mean '%s'?)", show(f, buf), guess);
    for (int c = 0; c < NCOL; c++)
        if (missing[c] == guess)
            return c;
    return -1;
}

/* Maps the header's names to columns; reports unknown, repeated and
 * missing ones (a missing column already suggested for a misspelt name is
 * not reported twice). */
static int parse_header(reader *r, const char *line, size_t len)
{
    field f[64];
    size_t n = split(line, len, f, 64);
    double v;
    if (parse_number(&f[0], &v) == 0) {
        error_at(r, 1, f[0].col,
                 "the first line is a row of numbers, not a header; expected the header "
                 "line " HEADER);
        return -1;
    }
    for (int c = 0; c < NCOL; c++)
        r->field_of[c] = -1;
    int bad = 0, known[64], suggested[NCOL] = {0};
    for (size_t i = 0; i < n && i < 64; i++) {
        int c = known[i] = find_col(&f[i]);
        if (c >= 0 && r->field_of[c] >= 0) {
            error_at(r, 1, f[i].col, "column '%s' appears twice; expected each of "
                     HEADER " once", col_names[c]);
            bad = 1;
        } else if (c >= 0) {
            r->field_of[c] = (int)i;
        }
    }
    for (size_t i = 0; i < n && i < 64; i++)
        if (known[i] < 0) {
            int c = unknown_col(r, &f[i]);
            if (c >= 0)
                suggested[c] = 1;
            bad = 1;
        }
    for (int c = 0; c < NCOL; c++)
        if (r->field_of[c] < 0 && !suggested[c]) {
            error_at(r, 1, char_col(line, len),
                     "missing column '%s'; expected the header " HEADER, col_names[c]);
            bad = 1;
        }
    r->nfields = n;
    return bad ? -1 : 0;
}

/* ---- rows ------------------------------------------------------------- */

static int grow(reader *r)
{
    if (r->n < r->cap)
        return 0;
    size_t cap = r->cap ? r->cap : 64;
    while (cap <= r->n)
        cap *= 2;
    for (int k = 0; k < NCOL - 1; k++) {
        double *p = realloc(r->v[k], cap * sizeof(double));
        if (!p)
            return -1;
        r->v[k] = p;
    }
    r->cap = cap;
    return 0;
}

static void check_day(reader *r, int line, const field *f)
{
    char buf[48];
    double v;
    int st = parse_number(f, &v);
    if (st == 1) {
        error_at(r, line, f->col, "empty day; expected day %ld", r->expect_day);
    } else if (st != 0 || v != floor(v) || fabs(v) > 1e15) {
        error_at(r, line, f->col, "day '%s' is not a whole number; expected day %ld",
                 show(f, buf), r->expect_day);
    } else if ((long)v != r->expect_day) {
        if (r->expect_day == 0)
            error_at(r, line, f->col, "the first day is %ld; expected day 0 "
                     "(days are consecutive from 0)", (long)v);
        else
            error_at(r, line, f->col, "day %ld follows day %ld; expected day %ld "
                     "(days are consecutive from 0)", (long)v, r->expect_day - 1,
                     r->expect_day);
        r->expect_day = (long)v;
    }
    r->expect_day++;
}

/* A strength or an arrival count; c is its column. */
static void check_value(reader *r, int line, const field *f, int c, double *out)
{
    char buf[48];
    int strength = c == COL_A || c == COL_B;
    const char *what = strength ? "a strength in troops >= 0"
                                : "a number of troops arriving >= 0";
    double v = 0;
    int st = parse_number(f, &v);
    if (st == 1)
        error_at(r, line, f->col, "empty field in column %s; expected %s",
                 col_names[c], what);
    else if (st == 2)
        error_at(r, line, f->col, "'%s' in column %s is not a number; expected %s",
                 show(f, buf), col_names[c], what);
    else if (st == 3)
        error_at(r, line, f->col, "'%s' in column %s is out of range; expected %s",
                 show(f, buf), col_names[c], what);
    else if (v < 0)
        error_at(r, line, f->col, "%s = %s is negative; expected %s", col_names[c],
                 show(f, buf), what);
    else if (!strength && r->n == 0 && v != 0)
        error_at(r, line, f->col, "%s = %s on day 0; expected 0 (row 0 is the state "
                 "before any fighting; arrivals are listed on the day they arrive)",
                 col_names[c], show(f, buf));
    *out = v;
}

static void parse_row(reader *r, const char *line, size_t len, int lineno)
{
    field f[NCOL + 1];
    size_t n = split(line, len, f, NCOL + 1);
    if (grow(r) != 0) {
        r->oom = 1;
        return;
    }
    if (n != r->nfields) {
        int col = n > r->nfields ? f[r->nfields].col : char_col(line, len);
        error_at(r, lineno, col, "the row has %zu field%s; expected %zu (" HEADER ")",
                 n, n == 1 ? "" : "s", r->nfields);
        r->expect_day++;
        r->n++;
        return;
    }
    check_day(r, lineno, &f[r->field_of[COL_DAY]]);
    for (int c = COL_A; c < NCOL; c++)
        check_value(r, lineno, &f[r->field_of[c]], c, &r->v[c - 1][r->n]);
    r->n++;
}

/* ---- the file --------------------------------------------------------- */

static int only_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_blank(s[i]) && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

static sal_battle *result(reader *r)
{
    sal_battle *b = sal_battle_alloc(r->n);
    if (!b)
        return NULL;
    memcpy(b->A, r->v[0], r->n * sizeof(double));
    memcpy(b->B, r->v[1], r->n * sizeof(double));
    memcpy(b->reinf_A, r->v[2], r->n * sizeof(double));
    memcpy(b->reinf_B, r->v[3], r->n * sizeof(double));
    return b;
}

/* Walks the lines up to end (past it: only blank lines). */
static void parse_lines(reader *r, const char *text, size_t end, int *lastline)
{
    size_t pos = 0;
    int lineno = 0;
    while (pos < end && !r->oom) {
        const char *nl = memchr(text + pos, '\n', end - pos);
        size_t len = nl ? (size_t)(nl - (text + pos)) : end - pos;
        const char *line = text + pos;
        pos += len + 1;
        lineno++;
        if (len > 0 && line[len - 1] == '\r')
            len--;
        if (lineno == 1) {
            if (parse_header(r, line, len) != 0)
                break;
            r->header_ok = 1;
        } else if (only_blank(line, len)) {
            error_at(r, lineno, 1, "empty line; expected a row " HEADER
                     " (blank lines only at the end of the file)");
        } else if (r->n >= SAL_BATTLE_MAX_ROWS) {
            /* the fit's cost grows with the rows (docs/fitting.md, "Cost"):
             * refused here, before any work */
            error_at(r, lineno, 1, "more than %d rows (days 0 to %d); expected at most %d "
                     "days of fighting", SAL_BATTLE_MAX_ROWS, SAL_BATTLE_MAX_ROWS - 1,
                     SAL_BATTLE_MAX_ROWS - 1);
            break;
        } else {
            parse_row(r, line, len, lineno);
        }
    }
    *lastline = lineno;
}

int sal_battle_parse(const char *text, size_t len, const char *file,
                     sal_battle **out, sal_diags *diags)
{
    *out = NULL;
    reader r;
    memset(&r, 0, sizeof r);
    r.file = file ? file : "<input>";
    r.diags = diags;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3; /* a UTF-8 byte-order mark, as spreadsheets write */
        len -= 3;
    }
    size_t end = len;
    while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' ||
                       is_blank(text[end - 1])))
        end--;
    if (end == 0 || only_blank(text, end)) {
        sal_diags_add(diags, r.file, 1, 1, "the file is empty; expected the header line "
                      HEADER " and at least %d rows", SAL_BATTLE_MIN_ROWS);
        return SAL_EINPUT;
    }
    /* keep the last line whole, with its trailing blanks */
    while (end < len && text[end] != '\n')
        end++;
    int lastline = 0;
    parse_lines(&r, text, end, &lastline);
    int status = SAL_OK;
    if (r.oom) {
        status = SAL_ENOMEM;
    } else if (r.header_ok && r.n < SAL_BATTLE_MIN_ROWS) {
        error_at(&r, lastline + 1, 1, "the file ends after %zu row%s; expected at least "
                 "%d (day 0, the starting state, and at least %d days of fighting)",
                 r.n, r.n == 1 ? "" : "s", SAL_BATTLE_MIN_ROWS,
                 SAL_BATTLE_MIN_ROWS - 1);
    }
    if (status == SAL_OK && r.errors)
        status = SAL_EINPUT;
    if (status == SAL_OK && !(*out = result(&r)))
        status = SAL_ENOMEM;
    for (int k = 0; k < NCOL - 1; k++)
        free(r.v[k]);
    return status;
}

int sal_battle_read(const char *path, sal_battle **out, sal_diags *diags)
{
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        sal_diags_add(diags, path, 0, 0, "cannot open the file (%s); expected a readable "
                      "CSV file", strerror(errno));
        return SAL_EIO;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    int status = buf ? SAL_OK : SAL_ENOMEM;
    while (status == SAL_OK) {
        if (len == cap) {
            char *p = cap < (size_t)SAL_BATTLE_MAX_BYTES ? realloc(buf, 2 * cap) : NULL;
            if (!p) {
                status = cap < (size_t)SAL_BATTLE_MAX_BYTES ? SAL_ENOMEM : SAL_EINPUT;
                break;
            }
            buf = p;
            cap *= 2;
        }
        size_t k = fread(buf + len, 1, cap - len, fp);
        len += k;
        if (k == 0)
            break;
    }
    if (status == SAL_OK && ferror(fp)) {
        sal_diags_add(diags, path, 0, 0, "cannot read the file (%s); expected a readable "
                      "CSV file", strerror(errno));
        status = SAL_EIO;
    } else if (status == SAL_EINPUT) {
        sal_diags_add(diags, path, 0, 0, "the file is larger than %ld MiB; expected a "
                      "daily battle series", SAL_BATTLE_MAX_BYTES >> 20);
    }
    fclose(fp);
    if (status == SAL_OK)
        status = sal_battle_parse(buf, len, path, out, diags);
    free(buf);
    return status;
}

/* salient — the report's text buffer, escapes and number formats
 * (src/out/report_int.h). */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/report_int.h"

static int grow(rpt_buf *b, size_t extra)
{
    if (b->oom)
        return -1;
    if (b->n + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + extra + 1) {
        if (cap > ((size_t)-1) / 2) {
            b->oom = 1;
            return -1;
        }
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void rpt_putn(rpt_buf *b, const char *s, size_t n)
{
    if (!s || grow(b, n))
        return;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void rpt_put(rpt_buf *b, const char *s)
{
    if (s)
        rpt_putn(b, s, strlen(s));
}

void rpt_printf(rpt_buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        rpt_putn(b, small, (size_t)n);
        return;
    }
    if (grow(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)n;
}

void rpt_html(rpt_buf *b, const char *s)
{
    if (!s)
        return;
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: break;
        }
        if (rep) {
            rpt_putn(b, run, (size_t)(s - run));
            rpt_put(b, rep);
            run = s + 1;
        }
    }
    rpt_putn(b, run, (size_t)(s - run));
}

void rpt_json_str(rpt_buf *b, const char *s)
{
    if (!s) {
        rpt_put(b, "null");
        return;
    }
    rpt_put(b, "\"");
    const unsigned char *u = (const unsigned char *)s;
    const unsigned char *run = u;
    for (; *u; u++) {
        char esc[8] = "";
        size_t skip = 1;
        if (*u == '"' || *u == '\\')
            snprintf(esc, sizeof esc, "\\%c", *u);
        else if (*u < 0x20 || *u == '<' || *u == '>' || *u == '&')
            snprintf(esc, sizeof esc, "\\u%04x", *u);
        else if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9)) {
            /* U+2028, U+2029: line terminators in older JavaScript */
            snprintf(esc, sizeof esc, "\\u%04x", u[2] == 0xA8 ? 0x2028 : 0x2029);
            skip = 3;
        }
        if (esc[0]) {
            rpt_putn(b, (const char *)run, (size_t)(u - run));
            rpt_put(b, esc);
            u += skip - 1;
            run = u + 1;
        }
    }
    rpt_putn(b, (const char *)run, (size_t)(u - run));
    rpt_put(b, "\"");
}

void rpt_json_num(rpt_buf *b, double x)
{
    if (!isfinite(x)) {
        rpt_put(b, "null");
        return;
    }
    if (x == 0) { /* -0 prints as 0 */
        rpt_put(b, "0");
        return;
    }
    rpt_printf(b, "%.6g", x);
}

/* Digits of a non-negative integer-valued number with thousands separators. */
static void commas(char *buf, size_t n, double ax, int neg)
{
    char digits[64];
    snprintf(digits, sizeof digits, "%.0f", ax);
    size_t len = strlen(digits), k = 0;
    char out[96];
    if (neg)
        out[k++] = '-';
    for (size_t i = 0; i < len && k + 2 < sizeof out; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    snprintf(buf, n, "%s", out);
}

void rpt_fmt(char *buf, size_t n, double x)
{
    if (isnan(x)) {
        snprintf(buf, n, "n/a");
        return;
    }
    if (isinf(x)) {
        snprintf(buf, n, "%sinfinite", x < 0 ? "minus " : "");
        return;
    }
    if (x == 0) {
        snprintf(buf, n, "0");
        return;
    }
    /* Round to three significant digits first (through printf, so the
     * rounding is the C library's correctly rounded one), then choose the
     * layout from the rounded value: 999.7 becomes 1,000, not "1e+03". */
    char e[32];
    snprintf(e, sizeof e, "%.2e", x);
    double r = strtod(e, NULL);
    double ar = fabs(r);
    if (ar >= 1000 && ar < 1e15)
        commas(buf, n, ar, r < 0);
    else if (ar >= 1e-3)
        snprintf(buf, n, "%.3g", r);
    else
        snprintf(buf, n, "%.2e", r);
}

void rpt_fmt_pct(char *buf, size_t n, double p)
{
    if (isnan(p))
        snprintf(buf, n, "n/a");
    else if (p <= 0)
        snprintf(buf, n, "0%%");
    else if (p >= 1)
        snprintf(buf, n, "100%%");
    else if (p < 0.01) /* rounding would print 0% or 1%: say which side */
        snprintf(buf, n, "<1%%");
    else if (p > 0.99)
        snprintf(buf, n, ">99%%");
    else
        snprintf(buf, n, "%.0f%%", p * 100);
}

void rpt_fmt_date(char *buf, size_t n, const char *iso)
{
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    /* exactly YYYY-MM-DD, digits where digits belong */
    int ok = iso && strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-';
    for (int i = 0; ok && i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)iso[i]))
            ok = 0;
    int y = 0, m = 0, d = 0;
    if (ok) {
        y = (int)strtol(iso, NULL, 10);
        m = (int)strtol(iso + 5, NULL, 10);
        d = (int)strtol(iso + 8, NULL, 10);
    }
    if (ok && m >= 1 && m <= 12 && d >= 1 && d <= 31)
        snprintf(buf, n, "%d %s %d", d, mon[m - 1], y);
    else
        snprintf(buf, n, "%s", iso ? iso : "");
}

void rpt_fmt_count(char *buf, size_t n, const char *digits)
{
    size_t len = digits ? strlen(digits) : 0;
    int plain = len > 0 && len < 40;
    for (size_t i = 0; plain && i < len; i++)
        plain = digits[i] >= '0' && digits[i] <= '9';
    if (!plain) {
        snprintf(buf, n, "%s", digits ? digits : "");
        return;
    }
    char out[64];
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    snprintf(buf, n, "%s", out);
}

/* The formats above, HTML-escaped into b. */
void rpt_put_date(rpt_buf *b, const char *iso)
{
    char s[64];
    rpt_fmt_date(s, sizeof s, iso);
    rpt_html(b, s);
}

void rpt_put_num(rpt_buf *b, double x)
{
    char s[64];
    rpt_fmt(s, sizeof s, x);
    rpt_html(b, s);
}

void rpt_put_pct(rpt_buf *b, double p)
{
    char s[32];
    rpt_fmt_pct(s, sizeof s, p);
    rpt_html(b, s);
}

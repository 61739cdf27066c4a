/* The reader's limits (docs/scenario.md, "Limits"): absurd inputs are refused
 * before any work starts, with the line and column where the limit is
 * passed, computed here independently from how each input is built.  The
 * big inputs are generated, never committed: a 1 GiB file is a sparse file
 * (a short head, then holes), so it costs no disk. */
#include "testutil.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "salient/model.h"

#define LIMIT_BYTES (64 << 20) /* YD_MAX_BYTES */

static const char HEAD[] = "scenario: {name: h, start: 2024-01-01, horizon: 10, sides: [a, b]}\n";

/* Reads buf (len bytes) and expects a refusal whose first message is at
 * line:col and contains what. */
static void refused_at(const char *buf, size_t len, int line, int col, const char *what)
{
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    int rc = sal_model_read_buffer(buf, len, "big.yaml", NULL, d, &m);
    assert_int_equal(rc, SAL_EINPUT);
    assert_null(m);
    assert_true(sal_diags_count(d) >= 1);
    const sal_diag *e = sal_diags_get(d, 0);
    if (e->line != line || e->col != col || !strstr(e->message, what))
        fail_msg("got %d:%d: %s; expected %d:%d: ...%s...", e->line, e->col, e->message, line, col,
                 what);
    sal_diags_free(d);
}

static void accepted(const char *buf)
{
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    int rc = sal_model_read_buffer(buf, strlen(buf), "ok.yaml", NULL, d, &m);
    if (rc != SAL_OK) {
        char msg[1200] = "";
        if (sal_diags_count(d))
            sal_diag_format(sal_diags_get(d, 0), msg, sizeof msg);
        fail_msg("refused: %s", msg);
    }
    sal_model_free(m);
    sal_diags_free(d);
}

/* A growing text buffer. */
typedef struct {
    char *s;
    size_t n, cap;
} text;

static void put(text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void put(text *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int w = vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
        va_end(ap);
        assert_true(w >= 0);
        if ((size_t)w < t->cap - t->n) {
            t->n += (size_t)w;
            return;
        }
        t->cap = 2 * t->cap + (size_t)w + 1;
        t->s = realloc(t->s, t->cap);
        assert_non_null(t->s);
    }
}

/* A 1 GiB file: refused after reading 64 MiB, at the byte where the limit
 * falls.  The file is HEAD, a comment line, then holes (NUL bytes) up to
 * 1 GiB: byte 2^26 is on line 3, at column 2^26 - len(HEAD + comment) + 1. */
static void test_file_of_1GiB(void **st)
{
    (void)st;
    char path[] = "/tmp/salient-big-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char comment[] = "# the rest of this file is 1 GiB of NUL bytes\n";
    assert_int_equal(write(fd, HEAD, sizeof HEAD - 1), (long)(sizeof HEAD - 1));
    assert_int_equal(write(fd, comment, sizeof comment - 1), (long)(sizeof comment - 1));
    assert_int_equal(ftruncate(fd, 1L << 30), 0);
    close(fd);
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    int rc = sal_model_read(path, NULL, d, &m);
    unlink(path);
    assert_int_equal(rc, SAL_EINPUT);
    assert_null(m);
    assert_int_equal(sal_diags_count(d), 1);
    const sal_diag *e = sal_diags_get(d, 0);
    assert_int_equal(e->line, 3);
    assert_int_equal(e->col, LIMIT_BYTES - (int)(sizeof HEAD - 1) - (int)(sizeof comment - 1) + 1);
    assert_non_null(strstr(e->message, "the file has 1073741824 bytes"));
    assert_non_null(strstr(e->message, "expected a scenario file of at most 64 MiB"));
    sal_diags_free(d);
}

/* The same limit on a buffer: 2^25 lines of "#\n" and one more byte; byte
 * 2^26 starts line 2^25 + 1. */
static void test_buffer_past_the_limit(void **st)
{
    (void)st;
    size_t len = (size_t)LIMIT_BYTES + 1;
    char *b = malloc(len);
    assert_non_null(b);
    for (size_t i = 0; i < len; i += 2) {
        b[i] = '#';
        if (i + 1 < len)
            b[i + 1] = '\n';
    }
    refused_at(b, len, (LIMIT_BYTES / 2) + 1, 1, "the limit of 64 MiB (67108864 bytes) is passed here");
    /* exactly at the limit: read (a file of comments only is empty) */
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    assert_int_equal(sal_model_read_buffer(b, len - 1, "big.yaml", NULL, d, &m), SAL_EINPUT);
    assert_true(sal_diags_count(d) >= 1);
    assert_null(strstr(sal_diags_get(d, 0)->message, "MiB"));
    sal_diags_free(d);
    free(b);
}

/* Nesting 10^5 deep, in flow and in block style, stops at level 65. */
static void test_nesting_1e5_deep(void **st)
{
    (void)st;
    enum { N = 100000 };
    char *b = malloc(4 * N + 16);
    assert_non_null(b);
    memset(b, '[', N);
    memset(b + N, ']', N);
    refused_at(b, 2 * N, 1, 65, "nests deeper than 64 levels");
    /* {a: {a: {a: ... 4 bytes a level: level 65 opens at column 4*64 + 1 */
    for (size_t i = 0; i < N; i++)
        memcpy(b + 4 * i, "{a: ", 4);
    refused_at(b, 4 * N, 1, 4 * 64 + 1, "nests deeper than 64 levels");
    /* block sequences "- - - ...": level 65 at column 2*64 + 1 */
    for (size_t i = 0; i < N; i++)
        memcpy(b + 2 * i, "- ", 2);
    b[2 * N] = 'x';
    refused_at(b, 2 * N + 1, 1, 2 * 64 + 1, "nests deeper than 64 levels");
    free(b);
}

/* An expression nested deep in a metric: refused at the 257th
 * parenthesis, counted from the column where the expression starts (3:6);
 * nested 10^5 deep it is 200,001 bytes, and its length is refused first. */
static void test_expression_deep(void **st)
{
    (void)st;
    text t = {NULL, 0, 0};
    for (int pass = 0; pass < 2; pass++) {
        int n = pass ? 100000 : 30000;
        t.n = 0;
        put(&t, "%smetrics:\n  m: ", HEAD);
        for (int i = 0; i < n; i++)
            put(&t, "(");
        put(&t, "1");
        for (int i = 0; i < n; i++)
            put(&t, ")");
        put(&t, "\n");
        if (pass)
            refused_at(t.s, t.n, 3, 6, "expression is 200001 bytes long; expected at most 65536");
        else
            refused_at(t.s, t.n, 3, 6 + 256, "nested too deeply");
    }
    free(t.s);
}

/* 2 million nodes: a list of 2,000,000 items "- x" is 2,000,001 nodes with
 * the list itself; the last item (line 2,000,000, column 3) is refused. */
static void test_two_million_nodes(void **st)
{
    (void)st;
    enum { N = 2000000 };
    char *b = malloc(4 * (size_t)N);
    assert_non_null(b);
    for (size_t i = 0; i < N; i++)
        memcpy(b + 4 * i, "- x\n", 4);
    refused_at(b, 4 * (size_t)N, N, 3, "the document has more than 2000000 nodes");
    /* one item fewer: the document is read (and refused as a scenario) */
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    assert_int_equal(sal_model_read_buffer(b, 4 * (size_t)(N - 1), "big.yaml", NULL, d, &m),
                     SAL_EINPUT);
    assert_true(sal_diags_count(d) >= 1);
    assert_non_null(strstr(sal_diags_get(d, 0)->message, "the top level is a list"));
    sal_diags_free(d);
    free(b);
}

/* A horizon of 10^7 days. */
static void test_horizon_1e7(void **st)
{
    (void)st;
    const char *b = "scenario: {name: h, start: 2024-01-01, horizon: 10000000, sides: [a, b]}\n";
    refused_at(b, strlen(b), 1, 49, "expected a whole number from 1 to 100000");
}

/* 10^5 forces, and 10^5 items in a list. */
static void test_absurd_entity_counts(void **st)
{
    (void)st;
    text t = {NULL, 0, 0};
    put(&t, "%sactors: {a: {side: a}, b: {side: b}}\nforces:\n", HEAD);
    for (int i = 0; i < 100000; i++)
        put(&t, "  f%d: {owner: a}\n", i);
    refused_at(t.s, t.n, 4, 3, "the 'forces' section has 100000 entries; expected at most 10000");
    t.n = 0;
    put(&t, "%sladders:\n  l:\n    rungs: [", HEAD);
    for (int i = 0; i < 100000; i++)
        put(&t, "r%d, ", i);
    put(&t, "r]\n");
    refused_at(t.s, t.n, 4, 12, "expected");
    free(t.s);
}

/* The size of a run: metrics x days and entities x days, refused at the
 * horizon; just under the bound, read. */
static void test_run_size(void **st)
{
    (void)st;
    text t = {NULL, 0, 0};
    /* 1,001 metrics x 1,000 days = 1,001,000 > 10^6 */
    put(&t, "scenario:\n  name: s\n  start: 2024-01-01\n  horizon: 999\n  sides: [a, b]\nmetrics:\n");
    for (int i = 0; i < 1001; i++)
        put(&t, "  m%d: day\n", i);
    refused_at(t.s, t.n, 4, 12, "a run of 1000 days records 1001 metrics a day, 1001000 values in all; "
                                "expected at most 1000000");
    /* 1,000 metrics x 1,000 days: at the bound, read */
    t.n = 0;
    put(&t, "scenario:\n  name: s\n  start: 2024-01-01\n  horizon: 999\n  sides: [a, b]\nmetrics:\n");
    for (int i = 0; i < 1000; i++)
        put(&t, "  m%d: day\n", i);
    accepted(t.s);
    /* 501 forces (in reserve) x 100,001 days > 5 x 10^7 entity-days */
    t.n = 0;
    put(&t, "scenario:\n  name: s\n  start: 2024-01-01\n  horizon: 100000\n  sides: [a, b]\n"
            "actors: {a: {side: a}, b: {side: b}}\nforces:\n");
    for (int i = 0; i < 501; i++)
        put(&t, "  f%d: {owner: a}\n", i);
    refused_at(t.s, t.n, 4, 12, "a run steps 501 entities");
    /* 499 forces and a metric: 500 x 100,001 = 50,000,500, still over; 498 + 1 fits */
    t.n = 0;
    put(&t, "scenario:\n  name: s\n  start: 2024-01-01\n  horizon: 100000\n  sides: [a, b]\n"
            "actors: {a: {side: a}, b: {side: b}}\nforces:\n");
    for (int i = 0; i < 498; i++)
        put(&t, "  f%d: {owner: a}\n", i);
    put(&t, "metrics:\n  d: day\n");
    accepted(t.s);
    /* in a variant, the message names it and points at the variant's horizon:
     * line 205 (HEAD, "metrics:", 200 metrics, "variants:", "  long:"), column
     * 31 (after "    set: {scenario: {horizon: ", 30 characters) */
    t.n = 0;
    put(&t, "%smetrics:\n", HEAD);
    for (int i = 0; i < 200; i++)
        put(&t, "  m%d: day\n", i);
    put(&t, "variants:\n  long:\n    set: {scenario: {horizon: 100000}}\n");
    refused_at(t.s, t.n, 205, 31, "in variant 'long': a run of 100001 days records 200 metrics");
    free(t.s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_of_1GiB),         cmocka_unit_test(test_buffer_past_the_limit),
        cmocka_unit_test(test_nesting_1e5_deep),     cmocka_unit_test(test_expression_deep),
        cmocka_unit_test(test_horizon_1e7),          cmocka_unit_test(test_absurd_entity_counts),
        cmocka_unit_test(test_run_size),             cmocka_unit_test(test_two_million_nodes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

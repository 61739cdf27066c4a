/* The battle CSV reader: the two shared datasets, the accepted variations
 * (column order, CRLF, BOM, blanks, trailing blank lines), and every kind of
 * malformed input with its exact line, column and message. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "salient/battle.h"

#define OK3 "0,100,90,0,0\n1,95,80,0,0\n2,91,71,0,0\n"
#define HDR "day,A,B,reinf_A,reinf_B\n"

/* Parses text; returns the status and leaves the diagnostics in *d. */
static int parse(const char *text, sal_battle **b, sal_diags **d)
{
    *d = sal_diags_alloc();
    assert_non_null(*d);
    return sal_battle_parse(text, strlen(text), "t.csv", b, *d);
}

/* text must be refused with exactly one diagnostic at (line, col) whose
 * message contains want. */
static void refused(const char *text, int line, int col, const char *want)
{
    sal_battle *b = (sal_battle *)1;
    sal_diags *d;
    assert_int_equal(parse(text, &b, &d), SAL_EINPUT);
    assert_null(b);
    if (sal_diags_count(d) != 1) {
        for (size_t i = 0; i < sal_diags_count(d); i++)
            print_message("  %s\n", sal_diags_get(d, i)->message);
        fail_msg("%zu diagnostics, expected 1", sal_diags_count(d));
    }
    const sal_diag *e = sal_diags_get(d, 0);
    assert_string_equal(e->file, "t.csv");
    if (e->line != line || e->col != col || !strstr(e->message, want))
        fail_msg("got %d:%d: %s; expected %d:%d: ...%s...", e->line, e->col, e->message,
                 line, col, want);
    sal_diags_free(d);
}

static void test_shared_datasets(void **st)
{
    (void)st;
    sal_diags *d = sal_diags_alloc();
    sal_battle *b;
    assert_int_equal(sal_battle_read(test_data_path("iwojima-engel.csv"), &b, d), SAL_OK);
    assert_int_equal(b->n, 37);
    assert_true(b->A[0] == 0 && b->B[0] == 21500);
    assert_true(b->reinf_A[1] == 54000 && b->reinf_A[3] == 6000 && b->reinf_A[6] == 13000);
    assert_true(b->A[36] == 51985 && b->B[36] == 217);
    double total = 0;
    for (size_t i = 0; i < b->n; i++)
        total += b->reinf_A[i] + b->reinf_B[i];
    assert_true(total == 73000);
    sal_battle_free(b);
    assert_int_equal(sal_battle_read(test_data_path("duel-square-poisson.csv"), &b, d), SAL_OK);
    assert_int_equal(b->n, 31);
    assert_true(b->A[0] == 12000 && b->B[0] == 9000 && b->B[30] == 0 && b->A[30] == 9554);
    sal_battle_free(b);
    assert_int_equal(sal_diags_count(d), 0);
    sal_diags_free(d);
}

/* Column order is free; CRLF, a UTF-8 BOM, blanks around fields, decimals,
 * exponents and trailing blank lines are accepted. */
static void test_accepted_variations(void **st)
{
    (void)st;
    const char *texts[] = {
        HDR OK3,
        "\xEF\xBB\xBF" HDR OK3,
        "day,A,B,reinf_A,reinf_B\r\n0,100,90,0,0\r\n1,95,80,0,0\r\n2,91,71,0,0\r\n",
        "reinf_B, B ,A,day,reinf_A\n0,90,100,0,0\n0,80,95,1,0\n0,71,91,2,0",
        HDR "0, 100 ,90,0,0\n1,9.5e1,80.0,0,0\n2,+91,71,0,0\n\n\n  \n",
        HDR "0,100,90,-0,0\n1,95,80,0,0\n2,91,71,0,0\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        sal_battle *b;
        sal_diags *d;
        int s = parse(texts[i], &b, &d);
        if (s != SAL_OK)
            fail_msg("text %zu refused: %s", i, sal_diags_get(d, 0)->message);
        assert_int_equal(b->n, 3);
        assert_true(b->A[0] == 100 && b->A[1] == 95 && b->A[2] == 91);
        assert_true(b->B[0] == 90 && b->B[1] == 80 && b->B[2] == 71);
        assert_true(b->reinf_A[0] == 0 && !signbit(b->reinf_A[0]));
        sal_battle_free(b);
        sal_diags_free(d);
    }
}

static void test_header_errors(void **st)
{
    (void)st;
    refused("", 1, 1, "the file is empty; expected the header line");
    refused("\n\n  \n", 1, 1, "the file is empty");
    refused("day,A,B,reinf_A\n" OK3, 1, 16, "missing column 'reinf_B'");
    refused("day,A,B,reinf_A,reinf_B,extra\n" OK3, 1, 25,
            "unknown column 'extra'; expected one of day, A, B, reinf_A, reinf_B");
    refused("day,a,B,reinf_A,reinf_B\n" OK3, 1, 5, "unknown column 'a'; expected one of "
            "day, A, B, reinf_A, reinf_B (did you mean 'A'?)");
    refused("day,A,B,B,reinf_A,reinf_B\n" OK3, 1, 9, "column 'B' appears twice");
    refused(OK3, 1, 1, "the first line is a row of numbers, not a header");
    refused("day,A,,reinf_A,reinf_B,B\n" OK3, 1, 7, "empty column name");
    /* the suggestion goes to a column still missing, reported once */
    refused("day,A,B,reinf_A,reinf_C\n" OK3, 1, 17, "unknown column 'reinf_C'; expected one "
            "of day, A, B, reinf_A, reinf_B (did you mean 'reinf_B'?)");
}

static void test_row_errors(void **st)
{
    (void)st;
    refused(HDR "0,100,90,0,0\n1,95,abc,0,0\n2,91,71,0,0\n", 3, 6,
            "'abc' in column B is not a number; expected a strength in troops >= 0");
    refused(HDR "0,100,90,0,0\n1,95,80,x1,0\n2,91,71,0,0\n", 3, 9,
            "'x1' in column reinf_A is not a number; expected a number of troops arriving");
    refused(HDR "0,100,90,0,0\n1,-95,80,0,0\n2,91,71,0,0\n", 3, 3,
            "A = -95 is negative; expected a strength in troops >= 0");
    refused(HDR "0,100,90,0,0\n1,95,80,0,-3\n2,91,71,0,0\n", 3, 11, "reinf_B = -3 is negative");
    refused(HDR "0,100,90,0,0\n1,95,80,0,0\n3,91,71,0,0\n", 4, 1,
            "day 3 follows day 1; expected day 2 (days are consecutive from 0)");
    refused(HDR "1,100,90,0,0\n2,95,80,0,0\n3,91,71,0,0\n", 2, 1, "the first day is 1; expected day 0");
    refused(HDR "0,100,90,0,0\n1,95,80,0,0\n2,91,71,0,0\n2,90,70,0,0\n", 5, 1,
            "day 2 follows day 2; expected day 3");
    refused(HDR "0,100,90,0,0\none,95,80,0,0\n2,91,71,0,0\n", 3, 1,
            "day 'one' is not a whole number; expected day 1");
    refused(HDR "0,100,90,0,0\n1,95,80,0\n2,91,71,0,0\n", 3, 10,
            "the row has 4 fields; expected 5");
    refused(HDR "0,100,90,0,0\n1,95,80,0,0,0\n2,91,71,0,0\n", 3, 13,
            "the row has 6 fields; expected 5");
    refused(HDR "0,100,90,0,0\n1,95,80,0,0\n", 4, 1,
            "the file ends after 2 rows; expected at least 3");
    refused(HDR, 2, 1, "the file ends after 0 rows");
    refused(HDR "0,100,90,0,0\n\n1,95,80,0,0\n2,91,71,0,0\n", 3, 1, "empty line");
    refused(HDR "0,100,90,7,0\n1,95,80,0,0\n2,91,71,0,0\n", 2, 10, "reinf_A = 7 on day 0; expected 0");
    refused(HDR "0,100,90,0,0\n1,95,inf,0,0\n2,91,71,0,0\n", 3, 6, "'inf' in column B is not a number");
    refused(HDR "0,100,90,0,0\n1,95,1e400,0,0\n2,91,71,0,0\n", 3, 6, "is out of range");
    refused(HDR "0,100,90,0,0\n1,95,,0,0\n2,91,71,0,0\n", 3, 6, "empty field in column B");
    refused(HDR "0,100,90,0,0\n1,95,\"80\",0,0\n2,91,71,0,0\n", 3, 6, "is not a number");
    refused(HDR "0,100,90,0,0\n1,95,0x50,0,0\n2,91,71,0,0\n", 3, 6, "'0x50' in column B");
    /* columns count characters, not bytes: 'é' is two bytes, one column */
    refused(HDR "0,100,90,0,0\n1,95,\xC3\xA9t\xC3\xA9,0,0\n2,91,71,0,0\n", 3, 6, "in column B");
    refused(HDR "0,100,90,0,0\n1,95,80,\xC3\xA9,0\n2,91,71,0,0\n", 3, 9, "in column reinf_A");
    /* a NUL byte inside a field is text, not the end of the input */
    const char nul[] = HDR "0,100,90,0,0\n1,95,8\0000,0,0\n2,91,71,0,0\n";
    sal_battle *b;
    sal_diags *d = sal_diags_alloc();
    assert_int_equal(sal_battle_parse(nul, sizeof nul - 1, "t.csv", &b, d), SAL_EINPUT);
    assert_int_equal(sal_diags_get(d, 0)->line, 3);
    assert_int_equal(sal_diags_get(d, 0)->col, 6);
    sal_diags_free(d);
}

/* Every problem is reported, in file order, up to the cap. */
static void test_many_errors(void **st)
{
    (void)st;
    sal_battle *b;
    sal_diags *d;
    assert_int_equal(parse(HDR "0,100,90,0,0\n1,x,80,0,0\n2,91,-1,0,0\n4,91,71,0,0\n", &b, &d),
                     SAL_EINPUT);
    assert_int_equal(sal_diags_count(d), 3);
    const int want[3][2] = {{3, 3}, {4, 6}, {5, 1}};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sal_diags_get(d, (size_t)i)->line, want[i][0]);
        assert_int_equal(sal_diags_get(d, (size_t)i)->col, want[i][1]);
    }
    sal_diags_free(d);
    /* columns count characters: 'dí' is 3 bytes, 2 columns, so 'xyz' sits at
     * column 24 (byte 25) and the end of the 26-character line is column 27 */
    assert_int_equal(parse("A,B,d\xC3\xAD,reinf_A,reinf_B,xyz\n" OK3, &b, &d), SAL_EINPUT);
    assert_int_equal(sal_diags_count(d), 3);
    assert_int_equal(sal_diags_get(d, 0)->col, 5);
    assert_int_equal(sal_diags_get(d, 1)->col, 24);
    assert_non_null(strstr(sal_diags_get(d, 1)->message, "unknown column 'xyz'"));
    assert_int_equal(sal_diags_get(d, 2)->col, 27);
    assert_non_null(strstr(sal_diags_get(d, 2)->message, "missing column 'day'"));
    sal_diags_free(d);
    /* 200 bad rows: capped, with the last message saying so */
    size_t cap = 40000, k = 0;
    char *text = malloc(cap);
    k += (size_t)snprintf(text + k, cap - k, HDR "0,1,1,0,0\n");
    for (int i = 1; i <= 200; i++)
        k += (size_t)snprintf(text + k, cap - k, "%d,1,z,0,0\n", i);
    d = sal_diags_alloc();
    assert_int_equal(sal_battle_parse(text, k, "t.csv", &b, d), SAL_EINPUT);
    assert_int_equal(sal_diags_count(d), SAL_BATTLE_MAX_ERRORS);
    assert_non_null(strstr(sal_diags_get(d, SAL_BATTLE_MAX_ERRORS - 1)->message,
                           "stopping after"));
    sal_diags_free(d);
    free(text);
}

static void test_unreadable(void **st)
{
    (void)st;
    sal_battle *b = (sal_battle *)1;
    sal_diags *d = sal_diags_alloc();
    assert_int_equal(sal_battle_read("/nonexistent/battle.csv", &b, d), SAL_EIO);
    assert_null(b);
    assert_int_equal(sal_diags_count(d), 1);
    assert_string_equal(sal_diags_get(d, 0)->file, "/nonexistent/battle.csv");
    assert_non_null(strstr(sal_diags_get(d, 0)->message, "cannot open"));
    sal_diags_free(d);
    assert_null(sal_battle_alloc(0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_datasets),
        cmocka_unit_test(test_accepted_variations),
        cmocka_unit_test(test_header_errors),
        cmocka_unit_test(test_row_errors),
        cmocka_unit_test(test_many_errors),
        cmocka_unit_test(test_unreadable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

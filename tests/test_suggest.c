/* Did-you-mean: the edit distance against hand-computed values, and which
 * candidates are (and are not) suggested. */
#include "testutil.h"

#include <string.h>

#include "salient/suggest.h"

/* Distances worked out by hand (optimal string alignment, case ignored). */
static void test_distance(void **st)
{
    (void)st;
    static const struct {
        const char *a, *b;
        int d;
    } cases[] = {
        {"", "", 0},          {"", "abc", 3},         {"abc", "", 3},
        {"abc", "abc", 0},    {"kitten", "sitting", 3}, {"flaw", "lawn", 2},
        {"ca", "ac", 1},      /* one transposition */
        {"ca", "abc", 3},     /* OSA: no edit inside a transposed pair */
        {"strenght", "strength", 1}, {"casualites", "casualties", 1},
        {"Day", "day", 0},    {"TRUE", "true", 0},   {"dya", "day", 1},
        {"kursk_dprk", "kursk-dprk", 1}, {"shells", "shell", 1},
        {"ground", "grond", 1}, {"abcdef", "badcfe", 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int d = sal_edit_distance(cases[i].a, cases[i].b);
        if (d != cases[i].d)
            fail_msg("distance('%s', '%s') = %d, expected %d", cases[i].a, cases[i].b, d,
                     cases[i].d);
        assert_int_equal(sal_edit_distance(cases[i].b, cases[i].a), d); /* symmetric */
    }
    char long_word[80];
    memset(long_word, 'a', sizeof long_word - 1);
    long_word[sizeof long_word - 1] = '\0';
    assert_true(sal_edit_distance(long_word, long_word) > 1000);
    assert_true(sal_edit_distance(NULL, "a") > 1000);
}

static const char *const names[] = {
    "day",   "strength", "casualties", "killed", "arrived", "ground",
    "stock", "days_since", "happened", "rung", "param", "side_strength",
    "min",   "max",      "abs",        "sqrt",
};
#define NNAMES (sizeof names / sizeof names[0])

static void expect(const char *word, const char *want)
{
    const char *got = sal_suggest(word, names, NNAMES);
    if (want == NULL && got != NULL)
        fail_msg("suggest('%s') = '%s', expected none", word, got);
    if (want != NULL && (got == NULL || strcmp(got, want) != 0))
        fail_msg("suggest('%s') = '%s', expected '%s'", word, got ? got : "(none)", want);
}

static void test_typos_found(void **st)
{
    (void)st;
    expect("strenght", "strength");     /* transposition */
    expect("strngth", "strength");      /* deletion */
    expect("streength", "strength");    /* insertion */
    expect("casualites", "casualties");
    expect("casulaties", "casualties");
    expect("dya", "day");
    expect("Day", "day");               /* case only */
    expect("grond", "ground");
    expect("days-since", "days_since");
    expect("dayssince", "days_since");
    expect("hapened", "happened");
    expect("happend", "happened");
    expect("side_strenth", "side_strength");
    expect("kiled", "killed");
    expect("stok", "stock");
    expect("maxx", "max");
    expect("sqr", "sqrt");
}

static void test_unrelated_words(void **st)
{
    (void)st;
    expect("foo", NULL);
    expect("x", NULL);
    expect("qz", NULL);
    expect("ab", "abs");          /* short, but one insertion away */
    expect("zzzzzz", NULL);
    expect("population", NULL);
    expect("morale", NULL);
    expect("strengthening_of_the_front", NULL);
    expect("", NULL);
    assert_null(sal_suggest(NULL, names, NNAMES));
    assert_null(sal_suggest("day", NULL, 3));
    assert_null(sal_suggest("day", names, 0));
}

/* Ties go to the earliest candidate; NULL and empty entries are skipped. */
static void test_ties_and_holes(void **st)
{
    (void)st;
    const char *const c[] = {NULL, "", "bat", "cat", "hat"};
    assert_string_equal(sal_suggest("rat", c, 5), "bat");
    const char *const d[] = {"cat", "bat"};
    assert_string_equal(sal_suggest("rat", d, 2), "cat");
    const char *const e[] = {"carts", "cat"};
    assert_string_equal(sal_suggest("cats", e, 2), "carts"); /* both 1: earliest */
    const char *const f[] = {"dogs", "cat"};
    assert_string_equal(sal_suggest("cats", f, 2), "cat");  /* closest wins */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_typos_found),
        cmocka_unit_test(test_unrelated_words),
        cmocka_unit_test(test_ties_and_holes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

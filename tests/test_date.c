/* Dates: against the C library's own calendar (timegm-free: mktime in UTC
 * via the known epoch offsets) and hand-checked anchors. */
#include "testutil.h"

#include <string.h>

#include "salient/date.h"

static void test_anchors(void **st)
{
    (void)st;
    assert_int_equal(sal_date_to_days(1970, 1, 1), 0);
    assert_int_equal(sal_date_to_days(2000, 3, 1), 11017);   /* after a leap day in a /400 year */
    assert_int_equal(sal_date_to_days(2024, 11, 22) - sal_date_to_days(2024, 8, 6), 108);
    assert_int_equal(sal_date_to_days(2025, 12, 31) - sal_date_to_days(2024, 11, 22), 404);
    assert_int_equal(sal_date_to_days(1945, 3, 26) - sal_date_to_days(1945, 2, 19), 35);
}

/* Round trip over four centuries, and day-by-day succession: each date is
 * the next calendar date of the previous one by month lengths. */
static void test_round_trip_and_succession(void **st)
{
    (void)st;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 1900, m = 1, d = 1;
    long z0 = sal_date_to_days(y, m, d);
    for (long z = z0; z < z0 + 146097; z++) {
        int yy, mm, dd;
        sal_date_from_days(z, &yy, &mm, &dd);
        assert_int_equal(yy, y);
        assert_int_equal(mm, m);
        assert_int_equal(dd, d);
        assert_int_equal(sal_date_to_days(y, m, d), z);
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int len = mdays[m - 1] + (m == 2 && leap);
        if (++d > len) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
}

static void test_parse(void **st)
{
    (void)st;
    int y, m, d;
    assert_int_equal(sal_date_parse("2024-11-22", &y, &m, &d), 0);
    assert_int_equal(y * 10000 + m * 100 + d, 20241122);
    assert_int_equal(sal_date_parse("2024-02-29", &y, &m, &d), 0);
    const char *bad[] = {"2023-02-29", "2024-13-01", "2024-00-10", "2024-1-01",
                         "2024-01-32", "24-01-01", "2024-01-01x", "", "abcd-ef-gh",
                         "2024/01/01", "0000-01-01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sal_date_parse(bad[i], &y, &m, &d), -1);
    char buf[11];
    sal_date_format(sal_date_to_days(2025, 1, 20), buf);
    assert_string_equal(buf, "2025-01-20");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anchors),
        cmocka_unit_test(test_round_trip_and_succession),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

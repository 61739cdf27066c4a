/* Calendar dates as day numbers (see include/salient/date.h). */
#include "salient/date.h"

#include <stdio.h>
#include <string.h>

long sal_date_to_days(int year, int month, int day)
{
    long y = (long)year - (month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;                                       /* [0, 399] */
    long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1; /* [0, 365] */
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;               /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void sal_date_from_days(long z, int *year, int *month, int *day)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int)(y + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int sal_date_parse(const char *s, int *year, int *month, int *day)
{
    static const int pattern[] = {1, 1, 1, 1, 0, 1, 1, 0, 1, 1};
    for (int i = 0; i < 10; i++) {
        if (!s[i] || (pattern[i] ? !is_digit(s[i]) : s[i] != '-'))
            return -1;
    }
    if (s[10] != '\0')
        return -1;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return -1;
    /* a real date survives the round trip */
    int yy, mm, dd;
    sal_date_from_days(sal_date_to_days(y, m, d), &yy, &mm, &dd);
    if (yy != y || mm != m || dd != d)
        return -1;
    *year = y;
    *month = m;
    *day = d;
    return 0;
}

void sal_date_format(long days, char *buf)
{
    int y, m, d;
    sal_date_from_days(days, &y, &m, &d);
    char tmp[48];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    memcpy(buf, tmp, 10);
    buf[10] = '\0';
}

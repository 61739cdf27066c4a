/* salient — calendar dates as day numbers (proleptic Gregorian).
 *
 * The scenario counts days from its start date; outputs print both the day
 * index and the ISO date.  Conversions use H. Hinnant's days_from_civil
 * algorithm (http://howardhinnant.github.io/date_algorithms.html), exact for
 * every date representable here. */
#ifndef SALIENT_DATE_H
#define SALIENT_DATE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Days since 1970-01-01 of a valid date. */
long sal_date_to_days(int year, int month, int day);
/* Inverse of sal_date_to_days. */
void sal_date_from_days(long days, int *year, int *month, int *day);
/* Parses "YYYY-MM-DD" (exactly; a real calendar date, year 1..9999).
 * Returns 0 on success, -1 otherwise. */
int sal_date_parse(const char *s, int *year, int *month, int *day);
/* Writes "YYYY-MM-DD" into buf (at least 11 bytes). */
void sal_date_format(long days, char *buf);

#ifdef __cplusplus
}
#endif
#endif

/* salient (internal) — binding a value that may be missing to a statement
 * parameter (src/out/db_bind.c), one rule for every SQLite writer of
 * src/out/: a missing value is stored as NULL, never as a sentinel. */
#ifndef SALIENT_DB_BIND_H
#define SALIENT_DB_BIND_H

#include <sqlite3.h>
#include <stdint.h>

/* x, or NULL when x is not finite (NaN: not measured; inf: undefined). */
void sal_db_bind_num(sqlite3_stmt *st, int i, double x);

/* The day d, or NULL when d < 0 (the event did not happen). */
void sal_db_bind_day(sqlite3_stmt *st, int i, int32_t d);

/* The text s (copied), or NULL when s is NULL. */
void sal_db_bind_text(sqlite3_stmt *st, int i, const char *s);

#endif

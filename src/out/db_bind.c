/* salient — binding a value that may be missing (src/out/db_bind.h). */
#include "out/db_bind.h"

#include <math.h>

void sal_db_bind_num(sqlite3_stmt *st, int i, double x)
{
    if (isfinite(x))
        sqlite3_bind_double(st, i, x);
    else
        sqlite3_bind_null(st, i);
}

void sal_db_bind_day(sqlite3_stmt *st, int i, int32_t d)
{
    if (d >= 0)
        sqlite3_bind_int(st, i, d);
    else
        sqlite3_bind_null(st, i);
}

void sal_db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

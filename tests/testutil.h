/* Helpers shared by the cmocka tests. */
#ifndef SAL_TESTUTIL_H
#define SAL_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

/* Path of a file in ../shared/data (or $SALIENT_DATA). */
static inline const char *test_data_path(const char *name)
{
    static char buf[4096];
    const char *dir = getenv("SALIENT_DATA");
    snprintf(buf, sizeof buf, "%s/%s", dir ? dir : "../shared/data", name);
    return buf;
}

/* Asserts |x - y| <= tol with a readable message. */
#define assert_close(x, y, tol)                                               \
    do {                                                                      \
        double x_ = (x), y_ = (y), t_ = (tol);                                \
        if (!(fabs(x_ - y_) <= t_))                                           \
            fail_msg("%s = %.12g, expected %.12g within %.3g", #x, x_, y_, t_); \
    } while (0)

#endif

/* salient — numbers as text, the same in every file the library writes
 * (CSV, JSON, the report's provenance): the shortest of %.15g / %.17g
 * that reads back as the same double. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "salient/base.h"

void sal_fmt_num(char *buf, size_t n, double x)
{
    if (isnan(x)) {
        if (n)
            buf[0] = '\0';
        return;
    }
    snprintf(buf, n, "%.15g", x);
    if (strtod(buf, NULL) != x)
        snprintf(buf, n, "%.17g", x);
}

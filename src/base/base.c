/* Status strings and the diagnostics list (see include/salient/base.h). */
#include "salient/base.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *sal_strstatus(int status)
{
    switch (status) {
    case SAL_OK: return "success";
    case SAL_EFAIL: return "the computation failed";
    case SAL_EINPUT: return "bad input";
    case SAL_ENOMEM: return "out of memory";
    case SAL_EIO: return "input/output error";
    case SAL_ERANGE: return "value out of range";
    case SAL_EINTR: return "interrupted";
    default: return "unknown status";
    }
}

struct sal_diags {
    sal_diag *v;
    size_t n, cap;
    size_t dropped; /* entries lost to out-of-memory, still counted */
};

sal_diags *sal_diags_alloc(void)
{
    return calloc(1, sizeof(sal_diags));
}

void sal_diags_free(sal_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free((char *)d->v[i].file);
        free((char *)d->v[i].message);
    }
    free(d->v);
    free(d);
}

void sal_diags_add(sal_diags *d, const char *file, int line, int col,
                   const char *fmt, ...)
{
    if (!d)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    if (sal_grow(&d->v, &d->cap, d->n, sizeof *d->v, 8) != 0) {
        d->dropped++;
        return;
    }
    sal_diag *e = &d->v[d->n];
    e->file = sal_strdup(file ? file : "<input>");
    e->message = sal_strdup(msg);
    e->line = line;
    e->col = col;
    if (!e->file || !e->message) {
        free((char *)e->file);
        free((char *)e->message);
        d->dropped++;
        return;
    }
    d->n++;
}

size_t sal_diags_count(const sal_diags *d)
{
    return d ? d->n + d->dropped : 0;
}

const sal_diag *sal_diags_get(const sal_diags *d, size_t i)
{
    return (d && i < d->n) ? &d->v[i] : NULL;
}

void sal_diag_format(const sal_diag *e, char *buf, size_t size)
{
    if (!e || !buf || size == 0)
        return;
    if (e->line > 0 && e->col > 0)
        snprintf(buf, size, "%s:%d:%d: error: %s", e->file, e->line, e->col,
                 e->message);
    else if (e->line > 0)
        snprintf(buf, size, "%s:%d: error: %s", e->file, e->line, e->message);
    else
        snprintf(buf, size, "%s: error: %s", e->file, e->message);
}

#ifndef SAL_VERSION
#define SAL_VERSION "unknown"
#endif
const char *sal_version(void)
{
    return SAL_VERSION;
}

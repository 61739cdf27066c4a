/* salient — the helpers of src/base/util.h: string copies, a list of
 * names, and the byte codec of the binary formats. */
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *sal_strdup(const char *s)
{
    return s ? sal_strndup(s, strlen(s)) : NULL;
}

char *sal_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

int sal_grow(void *v, size_t *cap, size_t n, size_t size, size_t first)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? 2 * *cap : first;
    void **pv = v;
    void *p = realloc(*pv, c * size);
    if (!p)
        return -1;
    *pv = p;
    *cap = c;
    return 0;
}

void sal_join_names(char *buf, size_t size, const char *const *v, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && o < size; i++) {
        int w = snprintf(buf + o, size - o, "%s%s", i ? ", " : "", v[i]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

void sal_le_put(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

uint64_t sal_le_get(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

uint64_t sal_dbits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

double sal_bitsd(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* salient (internal) — the small helpers every layer uses, once
 * (src/base/util.c): copies of strings, a list of names for a message, and
 * the byte codec of the binary
 * formats (ensemble summaries, checkpoints): little-endian integers, and
 * doubles as their IEEE-754 bits. */
#ifndef SAL_BASE_UTIL_H
#define SAL_BASE_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* A malloc'd copy of s (NULL for NULL, or when out of memory). */
char *sal_strdup(const char *s);
/* A malloc'd copy of the n bytes at s, with a '\0' after them (NULL when
 * out of memory). */
char *sal_strndup(const char *s, size_t n);

/* Makes room for item n of the array *v of capacity *cap (items of size
 * bytes): when n reaches *cap, doubles it (to `first` from 0).  0, or -1
 * when out of memory (*v and *cap unchanged).  v is the address of the
 * array's pointer, whatever its type. */
int sal_grow(void *v, size_t *cap, size_t n, size_t size, size_t first);

/* The n names of v joined by ", " into buf (size > 0), cut at its end when
 * they do not fit: for the "expected one of: ..." of a message. */
void sal_join_names(char *buf, size_t size, const char *const *v, size_t n);

/* v's low `bytes` bytes (1 to 8) at p, least significant first. */
void sal_le_put(unsigned char *p, uint64_t v, int bytes);
/* The `bytes` bytes (1 to 8) at p as a little-endian number. */
uint64_t sal_le_get(const unsigned char *p, int bytes);
/* A double's IEEE-754 bits, and back (bit for bit: NaN payloads kept). */
uint64_t sal_dbits(double x);
double sal_bitsd(uint64_t u);

#endif

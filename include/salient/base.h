/* salient — base types shared by every module: status codes and diagnostics.
 *
 * Library functions return an int status (SAL_OK on success) and never print
 * or exit.  Anything the user must read (a bad CSV cell, a misspelt YAML key)
 * goes into a sal_diags list with file, line and column, for the caller (the
 * CLI) to print. */
#ifndef SALIENT_BASE_H
#define SALIENT_BASE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    SAL_OK = 0,
    SAL_EFAIL = 1,   /* the job failed (no convergence, numerical breakdown) */
    SAL_EINPUT = 2,  /* bad input: the diagnostics say where and why         */
    SAL_ENOMEM = 3,  /* out of memory                                         */
    SAL_EIO = 4,     /* a file could not be read or written                   */
    SAL_ERANGE = 5,  /* a value left its domain (NaN, infinity, negative)     */
    SAL_EINTR = 6    /* interrupted by the caller                             */
};

/* A short, constant, human description of a status code. */
const char *sal_strstatus(int status);

/* One diagnostic: where (file, 1-based line and column; 0 when unknown) and
 * what.  The message reads "what was wrong; what was expected". */
typedef struct {
    const char *file;
    int line;
    int col;
    const char *message;
} sal_diag;

typedef struct sal_diags sal_diags;

sal_diags *sal_diags_alloc(void);
void sal_diags_free(sal_diags *d);
/* Adds an error; printf-style message.  Never fails visibly: on out of
 * memory the entry is dropped but the error count still rises. */
void sal_diags_add(sal_diags *d, const char *file, int line, int col,
                   const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
size_t sal_diags_count(const sal_diags *d);
const sal_diag *sal_diags_get(const sal_diags *d, size_t i);
/* Formats entry i as "file:line:col: error: message" into buf (truncating). */
void sal_diag_format(const sal_diag *e, char *buf, size_t size);

/* Numbers as the shortest of %.15g / %.17g that reads back the same double;
 * NaN as an empty field (src/base/numfmt.c). */
void sal_fmt_num(char *buf, size_t n, double x);

/* The library's version string, e.g. "0.1.0". */
const char *sal_version(void);

/* CRC-32C (Castagnoli, as iSCSI) of n bytes at p, continuing crc (0 to
 * start): sal_crc32c(0, "123456789", 9) == 0xE3069283. */
uint32_t sal_crc32c(uint32_t crc, const void *p, size_t n);

#ifdef __cplusplus
}
#endif
#endif

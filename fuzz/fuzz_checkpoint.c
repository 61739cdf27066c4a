/* libFuzzer harness: bytes -> the checkpoint reader of `salient ensemble
 * --resume` (sal_checkpoint_read, then sal_checkpoint_log_check and
 * sal_checkpoint_log_next on the run log).
 *
 * Input: u16 little-endian n, then n bytes of DIR/checkpoint/state, then the
 * rest as DIR/checkpoint/runs.bin, written into a directory of this process.
 * Findings, besides crashes, sanitizer reports, leaks and hangs (abort):
 *   - a state read SAL_OK without a summary, with diagnostics, or whose
 *     summary counts other runs than its `done`; SAL_EINPUT without a
 *     message;
 *   - a log that its check accepts but whose records then do not read,
 *     or a refusal without a message naming the log.
 * The same source is linked into tests/test_fuzz_replay.c (no libFuzzer). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "salient/ensemble.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static char fuzz_ckpt_dir[64];

static int put_file(const char *name, const uint8_t *p, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/checkpoint/%s", fuzz_ckpt_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int bad = n && fwrite(p, 1, n, f) != n;
    return fclose(f) != 0 || bad ? -1 : 0;
}

/* The log of a state that read: checked, then read record by record. */
static void fuzz_log(const sal_checkpoint_id *have)
{
    char path[128];
    snprintf(path, sizeof path, "%s/checkpoint/runs.bin", fuzz_ckpt_dir);
    sal_diags *d = sal_diags_alloc();
    int rc = sal_checkpoint_log_check(path, have, have->done, d);
    if (rc == SAL_EINPUT && (sal_diags_count(d) != 1 || !strstr(sal_diags_get(d, 0)->message, " ")))
        abort();
    if (rc == SAL_OK && sal_diags_count(d) != 0)
        abort();
    sal_diags_free(d);
    if (rc != SAL_OK || have->records > 4096)
        return;
    FILE *f = fopen(path, "rb");
    double *rec = malloc((have->records + 1) * sizeof *rec);
    if (!f || !rec || fseek(f, SAL_CKPT_LOG_HEADER, SEEK_SET) != 0)
        abort();
    for (uint64_t r = 0; r < have->done; r++)
        if (sal_checkpoint_log_next(f, r, rec, have->records) != SAL_OK)
            abort(); /* the check passed it */
    free(rec);
    fclose(f);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    if (!fuzz_ckpt_dir[0]) {
        snprintf(fuzz_ckpt_dir, sizeof fuzz_ckpt_dir, "/tmp/salient-fuzz-ckpt-%ld",
                 (long)getpid());
        char cd[96];
        snprintf(cd, sizeof cd, "%s/checkpoint", fuzz_ckpt_dir);
        if (sal_mkdirs(cd) != SAL_OK)
            abort();
    }
    if (size < 2)
        return 0;
    size_t n = (size_t)data[0] | (size_t)data[1] << 8;
    if (n > size - 2)
        n = size - 2;
    if (put_file("state", data + 2, n) != 0 || put_file("runs.bin", data + 2 + n, size - 2 - n))
        abort();
    sal_checkpoint_id have;
    sal_summary *s = NULL;
    sal_diags *d = sal_diags_alloc();
    int rc = sal_checkpoint_read(fuzz_ckpt_dir, &have, &s, d);
    if ((rc == SAL_OK) != (s != NULL))
        abort();
    if (rc == SAL_OK && (sal_diags_count(d) != 0 || sal_summary_runs(s) != have.done))
        abort();
    if (rc == SAL_EINPUT && sal_diags_count(d) == 0)
        abort();
    sal_diags_free(d);
    sal_summary_free(s);
    if (rc == SAL_OK)
        fuzz_log(&have);
    return 0;
}

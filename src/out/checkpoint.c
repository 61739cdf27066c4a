/* salient — ensemble checkpoints: what an interrupted ensemble needs to go
 * on and end with the bytes of an uninterrupted one (docs/ensemble.md,
 * "Interruption and resume").
 *
 * A checkpoint is DIR/checkpoint/state, written whole (sal_outfile: a
 * temporary renamed into place) so that a kill at any moment leaves the
 * previous state or the new one.  It holds what the ensemble belongs to
 * (the scenario's bytes hashed, the variant, seed, runs requested, the
 * record length and the accuracy), the number of runs done, and the
 * serialised summary of exactly those runs (summary.h: the bytes depend
 * only on the multiset of runs, so merging the rest in later gives the
 * uninterrupted summary).  The per-run records (for runs.csv and the runs
 * table) are an append-only log beside it, DIR/checkpoint/runs.bin, kept by
 * the caller: the state's `done` says how much of the log is valid.
 *
 * Format 1, little-endian, written byte by byte:
 *     "SALC" u16 1 u16 0
 *     u64 scenario FNV-1a hash  u64 scenario size
 *     u32 variant length  variant bytes
 *     u64 seed  u64 runs requested  u32 record doubles  u32 flags  f64 accuracy
 *     u64 done  u64 summary length  summary bytes
 *     u64 FNV-1a hash of every byte before it
 * A state that is short, has a bad hash or a summary that does not read is
 * refused with SAL_EINPUT: never half-read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "salient/ensemble.h"
#include "base/util.h"

enum { CKPT_VERSION = 1 };

/* FNV-1a, 64 bits: identifies a file and guards the state against damage
 * (not an adversary: a checkpoint is the user's own file). */
#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

uint64_t sal_hash_bytes(const void *p, size_t n, uint64_t h)
{
    const unsigned char *c = p;
    if (h == 0)
        h = FNV_OFFSET;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= FNV_PRIME;
    }
    return h;
}

int sal_checkpoint_id_file(sal_checkpoint_id *id, const char *path)
{
    memset(id, 0, sizeof *id);
    FILE *f = fopen(path, "rb");
    if (!f)
        return SAL_EIO;
    unsigned char buf[65536];
    uint64_t h = 0, n = 0;
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        h = sal_hash_bytes(buf, got, h);
        n += got;
    }
    int bad = ferror(f) != 0;
    fclose(f);
    if (bad)
        return SAL_EIO;
    id->scenario_hash = n ? h : FNV_OFFSET;
    id->scenario_size = n;
    return SAL_OK;
}

/* ---- bytes -------------------------------------------------------------- */

typedef struct {
    unsigned char *p;
    size_t n, cap;
    int oom;
} buf;

static void put(buf *b, const void *src, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n)
            cap *= 2;
        unsigned char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}

/* v as `bytes` little-endian bytes (src/base/util.h) */
static void put_le(buf *b, uint64_t v, int bytes)
{
    unsigned char c[8];
    sal_le_put(c, v, bytes);
    put(b, c, (size_t)bytes);
}

static int ckpt_dir(char *out, size_t n, const char *dir)
{
    int k = snprintf(out, n, "%s/checkpoint", dir);
    return k > 0 && (size_t)k < n ? SAL_OK : SAL_EIO;
}

int sal_checkpoint_write(const char *dir, const sal_checkpoint_id *id, const sal_summary *s)
{
    char cd[4096];
    if (!dir || !id || !s || ckpt_dir(cd, sizeof cd, dir) != SAL_OK || sal_mkdirs(cd) != SAL_OK)
        return SAL_EIO;
    size_t sn = sal_summary_serialised_size(s);
    unsigned char *sb = malloc(sn ? sn : 1);
    if (!sb)
        return SAL_ENOMEM;
    if (sal_summary_serialise(s, sb, sn) != SAL_OK) {
        free(sb);
        return SAL_ENOMEM;
    }
    buf b = {NULL, 0, 0, 0};
    size_t vl = strnlen(id->variant, sizeof id->variant);
    put(&b, "SALC", 4);
    put_le(&b, CKPT_VERSION, 2);
    put_le(&b, 0, 2);
    put_le(&b, id->scenario_hash, 8);
    put_le(&b, id->scenario_size, 8);
    put_le(&b, vl, 4);
    put(&b, id->variant, vl);
    put_le(&b, id->seed, 8);
    put_le(&b, id->runs, 8);
    put_le(&b, id->records, 4);
    put_le(&b, id->flags, 4);
    put_le(&b, sal_dbits(id->accuracy), 8);
    put_le(&b, sal_summary_runs(s), 8);
    put_le(&b, sn, 8);
    put(&b, sb, sn);
    free(sb);
    if (!b.oom)
        put_le(&b, sal_hash_bytes(b.p, b.n, 0), 8);
    if (b.oom) {
        free(b.p);
        return SAL_ENOMEM;
    }
    sal_outfile *o;
    int rc = sal_outfile_open(&o, cd, "state", 1);
    if (rc == SAL_OK) {
        if (fwrite(b.p, 1, b.n, sal_outfile_stream(o)) != b.n)
            rc = SAL_EIO;
        if (sal_outfile_close(o) != SAL_OK || rc != SAL_OK || sal_outfile_commit(o) != SAL_OK)
            rc = SAL_EIO;
        sal_outfile_abort(o);
    }
    free(b.p);
    return rc;
}

/* The part of state p (n bytes, its trailer checked) after the scenario's
 * hash and size, from offset at on: the variant, the run counts and the
 * summary into id and *out; why it is not usable, or NULL. */
static const char *decode_runs(const unsigned char *p, size_t n, size_t at,
                               sal_checkpoint_id *id, sal_summary **out)
{
    uint64_t vl = sal_le_get(p + at, 4);
    at += 4;
    if (vl >= sizeof id->variant || at + vl + 48 + 8 > n)
        return "its variant name is too long";
    memcpy(id->variant, p + at, (size_t)vl);
    id->variant[vl] = '\0';
    at += (size_t)vl;
    id->seed = sal_le_get(p + at, 8);
    id->runs = sal_le_get(p + at + 8, 8);
    id->records = (uint32_t)sal_le_get(p + at + 16, 4);
    id->flags = (uint32_t)sal_le_get(p + at + 20, 4);
    id->accuracy = sal_bitsd(sal_le_get(p + at + 24, 8));
    id->done = sal_le_get(p + at + 32, 8);
    uint64_t sn = sal_le_get(p + at + 40, 8);
    at += 48;
    size_t used = 0;
    if (sn != n - 8 - at)
        return "its summary length does not match its size";
    if (sal_summary_deserialise(out, p + at, (size_t)sn, &used) != SAL_OK || used != sn)
        return "its summary does not read";
    if (sal_summary_runs(*out) != id->done || id->done > id->runs)
        return "its run counts disagree";
    return NULL;
}

/* State p (got of its n bytes read) into id and *out; why it is not
 * usable, or NULL. */
static const char *decode(const unsigned char *p, size_t n, size_t got, sal_checkpoint_id *id,
                          sal_summary **out)
{
    /* fixed part before the variant, after it, and the trailer */
    if (got != n || n < 4 + 4 + 16 + 4 + 8)
        return "it is cut short";
    if (memcmp(p, "SALC", 4) != 0)
        return "it does not start with SALC";
    if (sal_le_get(p + 4, 2) != CKPT_VERSION)
        return "its format version is not 1";
    if (sal_le_get(p + n - 8, 8) != sal_hash_bytes(p, n - 8, 0))
        return "its checksum does not match (damaged or cut short)";
    id->scenario_hash = sal_le_get(p + 8, 8);
    id->scenario_size = sal_le_get(p + 16, 8);
    return decode_runs(p, n, 24, id, out);
}

int sal_checkpoint_read(const char *dir, sal_checkpoint_id *id, sal_summary **out,
                        sal_diags *diags)
{
    char cd[4096], path[4200];
    *out = NULL;
    memset(id, 0, sizeof *id);
    if (!dir || ckpt_dir(cd, sizeof cd, dir) != SAL_OK)
        return SAL_EIO;
    snprintf(path, sizeof path, "%s/state", cd);
    FILE *f = fopen(path, "rb");
    if (!f)
        return SAL_EIO; /* errno says why: ENOENT, no checkpoint */
    struct stat st;
    /* a state is a few MiB at most (summary.h); refuse a huge file unread */
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0 || st.st_size > ((off_t)1 << 34)) {
        fclose(f);
        sal_diags_add(diags, path, 0, 0, "not a checkpoint state (bad size); expected a file "
                                         "written by salient ensemble");
        return SAL_EINPUT;
    }
    size_t n = (size_t)st.st_size;
    unsigned char *p = malloc(n ? n : 1);
    if (!p) {
        fclose(f);
        return SAL_ENOMEM;
    }
    size_t got = fread(p, 1, n, f);
    fclose(f);
    const char *why = decode(p, n, got, id, out);
    free(p);
    if (why) {
        sal_summary_free(*out);
        *out = NULL;
        sal_diags_add(diags, path, 0, 0, "not a usable checkpoint: %s; expected the state "
                                         "written by salient ensemble (start the ensemble "
                                         "afresh without --resume)", why);
        return SAL_EINPUT;
    }
    return SAL_OK;
}

int sal_checkpoint_match(const sal_checkpoint_id *want, const sal_checkpoint_id *have,
                         const char *dir, sal_diags *diags)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/checkpoint/state", dir ? dir : ".");
    char what[1024] = "";
    size_t k = 0;
#define DIFF(...)                                                                          \
    do {                                                                                   \
        if (k < sizeof what)                                                               \
            k += (size_t)snprintf(what + k, sizeof what - k, "%s", k ? "; " : "");         \
        if (k < sizeof what)                                                               \
            k += (size_t)snprintf(what + k, sizeof what - k, __VA_ARGS__);                 \
    } while (0)
    if (want->scenario_hash != have->scenario_hash || want->scenario_size != have->scenario_size)
        DIFF("the scenario file is not the same (%llu bytes now, %llu then, or other bytes)",
             (unsigned long long)want->scenario_size, (unsigned long long)have->scenario_size);
    if (strcmp(want->variant, have->variant) != 0)
        DIFF("the variant is %s%s%s, not %s%s%s", *want->variant ? "'" : "",
             *want->variant ? want->variant : "the base", *want->variant ? "'" : "",
             *have->variant ? "'" : "", *have->variant ? have->variant : "the base",
             *have->variant ? "'" : "");
    if (want->seed != have->seed)
        DIFF("the seed is %llu, not %llu", (unsigned long long)want->seed,
             (unsigned long long)have->seed);
    if (want->runs != have->runs)
        DIFF("--runs is %llu, not %llu", (unsigned long long)want->runs,
             (unsigned long long)have->runs);
    if ((want->flags ^ have->flags) & SAL_CKPT_RUNS_CSV)
        DIFF("--no-runs-csv is %s now and was %s then",
             want->flags & SAL_CKPT_RUNS_CSV ? "off" : "on",
             have->flags & SAL_CKPT_RUNS_CSV ? "off" : "on");
    if ((want->flags ^ have->flags) & (SAL_CKPT_PATHS | SAL_CKPT_PATHS_HASH))
        DIFF("--series, --dates or --observations (the per-run paths) differ");
    if ((want->flags ^ have->flags) &
        ~(uint32_t)(SAL_CKPT_RUNS_CSV | SAL_CKPT_PATHS | SAL_CKPT_PATHS_HASH))
        DIFF("the options differ (flags %u, not %u)", want->flags, have->flags);
    if (want->records != have->records)
        DIFF("a run record is %u numbers, not %u", want->records, have->records);
    if (sal_dbits(want->accuracy) != sal_dbits(have->accuracy))
        DIFF("the accuracy is %g, not %g", want->accuracy, have->accuracy);
#undef DIFF
    if (!k)
        return SAL_OK;
    sal_diags_add(diags, path, 0, 0, "this checkpoint belongs to another ensemble: %s; expected "
                                     "the scenario, --variant, --seed, --runs and "
                                     "--no-runs-csv, --series and --dates of the interrupted run", what);
    return SAL_EINPUT;
}

int sal_checkpoint_remove(const char *dir)
{
    char cd[4096], path[4200];
    if (!dir || ckpt_dir(cd, sizeof cd, dir) != SAL_OK)
        return SAL_EIO;
    int bad = 0;
    snprintf(path, sizeof path, "%s/state", cd);
    bad |= remove(path) != 0 && errno != ENOENT;
    snprintf(path, sizeof path, "%s/runs.bin", cd);
    bad |= remove(path) != 0 && errno != ENOENT;
    sal_outfile_sweep(cd, "state");
    bad |= remove(cd) != 0 && errno != ENOENT;
    return bad ? SAL_EIO : SAL_OK;
}

/* ---- the run log ---------------------------------------------------------- */

size_t sal_checkpoint_log_record_size(uint32_t records)
{
    return 8 + 8 * (size_t)records + 4;
}

int sal_checkpoint_log_header(FILE *f, const sal_checkpoint_id *id)
{
    buf b = {NULL, 0, 0, 0};
    put(&b, "SALR", 4);
    put_le(&b, 1, 2);
    put_le(&b, 0, 2);
    put_le(&b, id->scenario_hash, 8);
    put_le(&b, id->scenario_size, 8);
    put_le(&b, id->seed, 8);
    put_le(&b, id->runs, 8);
    put_le(&b, id->records, 4);
    put_le(&b, id->flags, 4);
    if (!b.oom)
        put_le(&b, sal_crc32c(0, b.p, b.n), 4);
    int ok = !b.oom && b.n == SAL_CKPT_LOG_HEADER && fwrite(b.p, 1, b.n, f) == b.n;
    free(b.p);
    return ok ? SAL_OK : SAL_EIO;
}

/* Eight little-endian bytes of u into c, and the CRC continued over them. */
static uint32_t put8(unsigned char c[8], uint64_t u, uint32_t crc)
{
    for (int i = 0; i < 8; i++)
        c[i] = (unsigned char)(u >> (8 * i));
    return sal_crc32c(crc, c, 8);
}

int sal_checkpoint_log_append(FILE *f, uint64_t run, const double *a, size_t na,
                              const double *b, size_t nb)
{
    unsigned char c[8];
    uint32_t crc = put8(c, run, 0);
    int bad = fwrite(c, 1, 8, f) != 8;
    for (size_t i = 0; i < na + nb && !bad; i++) {
        crc = put8(c, sal_dbits(i < na ? a[i] : b[i - na]), crc);
        bad = fwrite(c, 1, 8, f) != 8;
    }
    for (int i = 0; i < 4; i++)
        c[i] = (unsigned char)(crc >> (8 * i));
    return bad || fwrite(c, 1, 4, f) != 4 ? SAL_EIO : SAL_OK;
}

/* Why record `run` at p (of size bytes) is not usable, or NULL. */
static const char *bad_record(const unsigned char *p, size_t size, uint64_t run)
{
    if (sal_le_get(p + size - 4, 4) != sal_crc32c(0, p, size - 4))
        return "its checksum does not match (damaged)";
    if (sal_le_get(p, 8) != run)
        return "it holds another run";
    return NULL;
}

int sal_checkpoint_log_next(FILE *f, uint64_t run, double *rec, uint32_t records)
{
    size_t size = sal_checkpoint_log_record_size(records);
    unsigned char small[512], *p = size <= sizeof small ? small : malloc(size);
    if (!p)
        return SAL_ENOMEM;
    int st = fread(p, 1, size, f) == size && !bad_record(p, size, run) ? SAL_OK : SAL_EINPUT;
    for (uint32_t i = 0; st == SAL_OK && i < records; i++)
        rec[i] = sal_bitsd(sal_le_get(p + 8 + 8 * (size_t)i, 8));
    if (p != small)
        free(p);
    return st;
}

/* Why the header h does not belong to id, or NULL. */
static const char *bad_header(const unsigned char *h, const sal_checkpoint_id *id)
{
    if (memcmp(h, "SALR", 4) != 0 || sal_le_get(h + 4, 2) != 1)
        return "it does not start with the header SALR of format 1";
    if (sal_le_get(h + 48, 4) != sal_crc32c(0, h, 48))
        return "the checksum of its header does not match (damaged)";
    if (sal_le_get(h + 8, 8) != id->scenario_hash || sal_le_get(h + 16, 8) != id->scenario_size ||
        sal_le_get(h + 24, 8) != id->seed || sal_le_get(h + 32, 8) != id->runs ||
        sal_le_get(h + 40, 4) != id->records || sal_le_get(h + 44, 4) != id->flags)
        return "its header belongs to another ensemble than the state";
    return NULL;
}

int sal_checkpoint_log_check(const char *path, const sal_checkpoint_id *id, uint64_t done,
                             sal_diags *diags)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return SAL_EIO;
    size_t size = sal_checkpoint_log_record_size(id->records);
    unsigned char h[SAL_CKPT_LOG_HEADER];
    unsigned char *p = malloc(size);
    const char *why = NULL;
    uint64_t run = 0;
    if (!p) {
        fclose(f);
        return SAL_ENOMEM;
    }
    if (fread(h, 1, sizeof h, f) != sizeof h)
        why = "it is shorter than its header";
    else
        why = bad_header(h, id);
    int in_header = why != NULL;
    while (!why && run < done) {
        if (fread(p, 1, size, f) != size)
            why = "it ends before this record, which the state counts";
        else
            why = bad_record(p, size, run);
        run += !why;
    }
    int rerr = ferror(f);
    free(p);
    fclose(f);
    if (rerr)
        return SAL_EIO;
    if (!why)
        return SAL_OK;
    if (in_header)
        sal_diags_add(diags, path, 0, 0, "not a usable run log: %s; expected the log written "
                      "by salient ensemble (start the ensemble afresh without --resume)", why);
    else
        sal_diags_add(diags, path, 0, 0, "record %llu (run %llu, bytes %llu to %llu) is not "
                      "usable: %s; expected the %llu records the checkpoint counts, each with "
                      "its CRC-32C (start the ensemble afresh without --resume)",
                      (unsigned long long)run, (unsigned long long)run,
                      (unsigned long long)(SAL_CKPT_LOG_HEADER + run * size),
                      (unsigned long long)(SAL_CKPT_LOG_HEADER + (run + 1) * size - 1), why,
                      (unsigned long long)done);
    return SAL_EINPUT;
}

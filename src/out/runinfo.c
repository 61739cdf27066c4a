/* salient — run.json: the run on record (issue 19, item 8).  Beside the
 * outputs of a job, what made them: the version, the UTC date and time, the
 * command line, the thread and rank counts, the seed, and the SHA-256 of the
 * scenario file (and of the observations file when one was read).  It is a
 * file of its own because these vary between equal runs (the date, --threads,
 * the ranks): the CSV files and results.sqlite stay byte-identical.
 *
 * SHA-256 (FIPS 180-4) from OpenSSL's libcrypto (EVP digest interface). */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "salient/out.h"

int sal_sha256_file(const char *path, char hex[65])
{
    hex[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f)
        return SAL_EIO;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    size_t got;
    while (ok && (got = fread(buf, 1, sizeof buf, f)) > 0)
        ok = EVP_DigestUpdate(ctx, buf, got) == 1;
    ok = ok && !ferror(f) && EVP_DigestFinal_ex(ctx, md, &n) == 1 && n == 32;
    EVP_MD_CTX_free(ctx);
    fclose(f);
    if (!ok)
        return ctx ? SAL_EIO : SAL_ENOMEM;
    for (size_t i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return SAL_OK;
}

/* s as a JSON string ("null" for NULL). */
static void json_str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* "path": ..., "sha256": ... of one input file (NULL: null). */
static int json_input(FILE *f, const char *key, const char *path)
{
    char hex[65] = "";
    int rc = path ? sal_sha256_file(path, hex) : SAL_OK;
    fprintf(f, "  \"%s\": ", key);
    if (!path) {
        fputs("null", f);
    } else {
        fputs("{\"path\": ", f);
        json_str(f, path);
        fputs(", \"sha256\": ", f);
        json_str(f, hex);
        fputc('}', f);
    }
    return rc;
}

int sal_runinfo_write_stream(FILE *f, const sal_runinfo *ri)
{
    char when[32];
    time_t now = ri->time ? ri->time : time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int threads = ri->threads;
#ifdef _OPENMP
    if (threads <= 0)
        threads = omp_get_max_threads();
#endif
    fputs("{\n  \"salient\": ", f);
    json_str(f, sal_version());
    fputs(",\n  \"command\": ", f);
    json_str(f, ri->command);
    fputs(",\n  \"command_line\": ", f);
    json_str(f, ri->command_line);
    fprintf(f, ",\n  \"utc\": \"%s\",\n  \"threads\": %d,\n  \"ranks\": %d,\n", when,
            threads > 0 ? threads : 1, ri->ranks > 0 ? ri->ranks : 1);
    fprintf(f, "  \"seed\": %llu,\n", (unsigned long long)ri->seed);
    int rc = json_input(f, "scenario", ri->scenario);
    fputs(",\n", f);
    int ro = json_input(f, "observations", ri->observations);
    fputs("\n}\n", f);
    if (rc == SAL_OK)
        rc = ro;
    return rc == SAL_OK && ferror(f) ? SAL_EIO : rc;
}

int sal_runinfo_write(const char *dir, const sal_runinfo *ri)
{
    sal_outfile *o = NULL;
    int rc = sal_outfile_open(&o, dir, "run.json", 1);
    if (rc == SAL_OK)
        rc = sal_runinfo_write_stream(sal_outfile_stream(o), ri);
    if (rc == SAL_OK)
        rc = sal_outfile_close(o);
    if (rc == SAL_OK)
        rc = sal_outfile_commit(o);
    sal_outfile_abort(o);
    return rc;
}

/* libFuzzer harness: bytes -> the scenario reader (sal_model_read_buffer),
 * the base and then every variant the file defines, and sal_model_check_buffer.
 *
 * What counts as a finding: a crash, a sanitizer report, a leak, a hang
 * (libFuzzer's -timeout), memory past -rss_limit_mb, or a broken contract,
 * which the harness turns into an abort:
 *   - a refusal (SAL_EINPUT) must leave *out NULL and at least one message,
 *     and every message must name the file, a line >= 0 and a column >= 0;
 *   - a model that reads must satisfy the counts the engine relies on
 *     (horizon in 1..SC_MAX_HORIZON, a run's series within SC_MAX_SERIES,
 *     every index in range).
 * The same source is linked into tests/test_fuzz_replay.c (no libFuzzer) to
 * replay fuzz/regress/scenario/ and the seed corpus in `make test`. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "salient/model.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

#define FZS_NAME "fuzz.yaml"

static void fzs_check_diags(const sal_diags *d, int rc)
{
    size_t n = sal_diags_count(d);
    if (rc == SAL_EINPUT && n == 0)
        abort(); /* refused without saying why */
    if (rc == SAL_OK && n != 0)
        abort(); /* accepted yet complained */
    for (size_t i = 0; i < n; i++) {
        const sal_diag *e = sal_diags_get(d, i);
        if (!e || !e->message || !e->file || e->line < 0 || e->col < 0)
            abort();
        if (strcmp(e->file, FZS_NAME) != 0)
            abort();
    }
}

static int fzs_idx_ok(int i, size_t n) { return i >= 0 && (size_t)i < n; }

static void fzs_check_model(const sal_model *m)
{
    if (m->horizon < 1 || m->horizon > 100000)
        abort();
    /* the size of a run is bounded (docs/scenario.md, Limits) */
    if (m->nmetrics * ((size_t)m->horizon + 1) > 1000000)
        abort();
    for (size_t f = 0; f < m->nforces; f++) {
        const sal_force *fo = &m->forces[f];
        if (!fzs_idx_ok(fo->owner, m->nactors))
            abort();
        if (fo->sector != -1 && !fzs_idx_ok(fo->sector, m->nsectors))
            abort();
        for (size_t t = 0; t < fo->narrivals; t++) {
            const sal_tranche *tr = &fo->arrivals[t];
            if (tr->event >= 0 ? !fzs_idx_ok(tr->event, m->nevents)
                               : (tr->day < 0 || tr->day > m->horizon))
                abort();
        }
    }
    for (size_t u = 0; u < m->nuncertain; u++)
        if (!m->uncertain[u].name)
            abort();
    for (size_t p = 0; p < m->npolicies; p++)
        for (size_t a = 0; a < m->policies[p].nactions; a++) {
            const sal_action *ac = &m->policies[p].actions[a];
            if (ac->kind == SAL_ACT_EVENT && !fzs_idx_ok(ac->event, m->nevents))
                abort();
        }
    for (size_t l = 0; l < m->nladders; l++)
        if (m->ladders[l].nrungs < 2 || !fzs_idx_ok(m->ladders[l].initial, m->ladders[l].nrungs))
            abort();
    for (size_t i = 0; i < m->nmetrics; i++)
        if (!m->metrics[i].expr || !m->metrics[i].name)
            abort();
}

/* Reads variant v (NULL = base) and checks the contract; returns the model
 * or NULL. */
static sal_model *fzs_read(const char *buf, size_t len, const char *v)
{
    sal_diags *d = sal_diags_alloc();
    if (!d)
        return NULL;
    sal_model *m = NULL;
    int rc = sal_model_read_buffer(buf, len, FZS_NAME, v, d, &m);
    fzs_check_diags(d, rc);
    if ((rc == SAL_OK) != (m != NULL))
        abort();
    if (m)
        fzs_check_model(m);
    sal_diags_free(d);
    return m;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    sal_model *base = fzs_read(buf, size, NULL);
    if (base) {
        /* every variant: the file was accepted whole, so each must read */
        for (size_t i = 0; i < base->nvariants; i++) {
            sal_model *m = fzs_read(buf, size, base->variants[i]);
            if (!m)
                abort();
            sal_model_free(m);
        }
        sal_model_free(base);
    }
    return 0;
}

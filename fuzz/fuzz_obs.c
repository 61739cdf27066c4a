/* libFuzzer harness: bytes -> the observations reader (sal_obs_read_string)
 * against a fixed scenario (two metrics, two events, 30 days: the one of
 * tests/data/obs/toy.yaml), then the observation model on every report that
 * reads.
 *
 * What counts as a finding: a crash, a sanitizer report, a leak, a hang, or
 * a broken contract, which the harness turns into an abort:
 *   - a refusal must leave *out NULL and at least one message naming the
 *     file with a line >= 0 and a column >= 0; an acceptance no message;
 *   - an accepted set must be consistent: labels unique and non-empty,
 *     indices in range, days ordered within the horizon, reported on or
 *     after the last day described, lo <= hi, error parameters > 0, bias
 *     indices in range with finite priors;
 *   - the model must keep its promises on any run: the log-likelihood of
 *     every report finite and >= SAL_OBS_LOGLIK_FLOOR (NaN only when the run
 *     is too short for it), the CDF in [0, 1] and non-decreasing, draws not
 *     NaN, on series that are zero, growing, falling or huge.
 * The same source is linked into tests/test_fuzz_replay.c (no libFuzzer) to
 * replay fuzz/regress/obs/ and the seed corpus in `make test`. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "salient/model.h"
#include "salient/obs.h"
#include "salient/rng.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

#define FZO_NAME "fuzz.obs.yaml"

static const char FZO_SCENARIO[] =
    "scenario: {name: toy, start: 2024-11-01, horizon: 30, sides: [blue, red]}\n"
    "actors: {blue: {side: blue}, red: {side: red}}\n"
    "forces:\n"
    "  blue-1: {owner: blue, sector: front, strength: 1000}\n"
    "  red-1: {owner: red, sector: front, strength: 1000}\n"
    "sectors:\n"
    "  front: {attrition: {coefficients: {blue: 0.0001, red: 0.0001}}}\n"
    "policies:\n"
    "  push: {when: 'day >= 10', actions: [{event: pushed}]}\n"
    "metrics:\n"
    "  losses: casualties(blue-1)\n"
    "  red_strength: strength(red-1)\n";

enum { FZO_NDAYS = 31, FZO_NM = 2 };

static void fzo_check_diags(const sal_diags *d, int rc)
{
    size_t n = sal_diags_count(d);
    if (rc == SAL_EINPUT && n == 0)
        abort();
    if (rc == SAL_OK && n != 0)
        abort();
    for (size_t i = 0; i < n; i++) {
        const sal_diag *e = sal_diags_get(d, i);
        if (!e || !e->message || !e->file || e->line < 0 || e->col < 0)
            abort();
        if (strcmp(e->file, FZO_NAME) != 0)
            abort();
    }
}

static void fzo_check_set(const sal_obs_set *o, const sal_model *m)
{
    size_t n = sal_obs_count(o), nb = sal_obs_nbias(o);
    if (n == 0)
        abort();
    for (size_t i = 0; i < n; i++) {
        const char *l = sal_obs_label(o, i);
        if (!l || !*l || !sal_obs_source(o, i) || !sal_obs_metric(o, i))
            abort();
        for (size_t j = 0; j < i; j++)
            if (strcmp(l, sal_obs_label(o, j)) == 0)
                abort();
        int ev = sal_obs_is_event(o, i), k = sal_obs_index(o, i);
        if (k < 0 || (size_t)k >= (ev ? m->nevents : m->nmetrics))
            abort();
        int32_t d1, d2;
        sal_obs_days(o, i, &d1, &d2);
        if (d1 < 0 || d1 > d2 || d2 > m->horizon || sal_obs_reported_day(o, i) < d2)
            abort();
        int kind = sal_obs_kind(o, i), ek;
        double ep, lo = sal_obs_lo(o, i), hi = sal_obs_hi(o, i);
        if (kind < SAL_OBS_VALUE || kind > SAL_OBS_EVENT || (kind == SAL_OBS_EVENT) != ev)
            abort();
        if (!(lo <= hi) || (kind == SAL_OBS_VALUE && lo != hi))
            abort();
        sal_obs_error(o, i, &ek, &ep);
        if (!(ep > 0) || !isfinite(ep) || (ev != (ek == SAL_OBS_ERR_MISREPORT)))
            abort();
        int b = sal_obs_bias_index(o, i);
        if (b < -1 || (b >= 0 && (size_t)b >= nb))
            abort();
    }
    for (size_t k = 0; k < nb; k++) {
        double lm, s;
        sal_obs_bias_prior(o, k, &lm, &s);
        if (!sal_obs_bias_name(o, k) || !isfinite(lm) || !(s > 0) || !isfinite(s))
            abort();
    }
}

/* Series: 0 zero, 1 growing, 2 falling below 0, 3 huge. */
static void fzo_series(int kind, double *s)
{
    for (int t = 0; t < FZO_NDAYS; t++)
        for (int j = 0; j < FZO_NM; j++)
            s[t * FZO_NM + j] = kind == 0 ? 0 : kind == 1 ? 37.5 * t + j
                              : kind == 2 ? 100 - 9.0 * t : 1e300 * (t + 1);
}

static void fzo_check_model(const sal_obs_set *o)
{
    double s[FZO_NDAYS * FZO_NM], bias[64];
    int32_t ev[2] = {12, -1};
    size_t nb = sal_obs_nbias(o);
    gsl_rng *g = sal_rng_alloc(1, 0, 0);
    if (!g)
        return;
    for (int kind = 0; kind < 4; kind++) {
        fzo_series(kind, s);
        for (size_t k = 0; k < nb && k < 64; k++)
            bias[k] = kind == 3 ? 1e-300 : 0.5 + 0.25 * (double)k;
        if (nb > 64)
            break;
        for (size_t i = 0; i < sal_obs_count(o); i++) {
            int32_t d1, d2;
            sal_obs_days(o, i, &d1, &d2);
            size_t nd = kind == 1 ? (size_t)d2 : FZO_NDAYS; /* a run one day short */
            double ll = sal_obs_loglik_one(o, i, s, nd, ev, bias);
            if (isnan(ll) ? (nd > (size_t)d2) : !(ll >= SAL_OBS_LOGLIK_FLOOR && isfinite(ll)))
                abort();
            double x = sal_obs_draw(o, i, s, FZO_NDAYS, ev, bias, g);
            if (isnan(x))
                abort();
            double c0 = sal_obs_cdf(o, i, x - 1, s, FZO_NDAYS, ev, bias);
            double c1 = sal_obs_cdf(o, i, x, s, FZO_NDAYS, ev, bias);
            if (!(c0 >= 0 && c0 <= c1 && c1 <= 1))
                abort();
        }
        double sum = sal_obs_loglik(o, INT32_MAX, s, FZO_NDAYS, ev, bias);
        if (!isfinite(sum))
            abort();
    }
    gsl_rng_free(g);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    if (!d || sal_model_read_buffer(FZO_SCENARIO, sizeof FZO_SCENARIO - 1, "toy.yaml", NULL, d,
                                    &m) != SAL_OK) {
        sal_diags_free(d);
        abort(); /* the fixed scenario must read */
    }
    sal_diags_free(d);
    d = sal_diags_alloc();
    sal_obs_set *o = NULL;
    int rc = sal_obs_read_string(FZO_NAME, (const char *)data, size, m, &o, d);
    if (d)
        fzo_check_diags(d, rc);
    if ((rc == SAL_OK) != (o != NULL))
        abort();
    if (o) {
        fzo_check_set(o, m);
        fzo_check_model(o);
    }
    sal_obs_free(o);
    sal_diags_free(d);
    sal_model_free(m);
    return 0;
}

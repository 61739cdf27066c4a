/* libFuzzer harness: bytes -> a scenario (sal_model_read_buffer) -> the
 * engine.  For the base and every variant the reader accepts, within a work
 * budget (below), it runs the engine through the public API and checks the
 * contracts of include/salient/engine.h and docs/model.md:
 *
 *   - a run returns SAL_OK with no diagnostics, or SAL_ERANGE with at least
 *     one message naming the file (a NaN or infinity stops the run with a
 *     message; it never comes out silently); a run fails drawing its inputs
 *     only if one of them has unbounded support (normal, lognormal);
 *   - after a run that succeeded: every metric of every day is finite; per
 *     force every account is finite and >= 0 (whole troops in stochastic
 *     mode), arrived = present + killed + wounded away + awaiting +
 *     withdrawn + moved out and wounded = wounded away + awaiting + returned
 *     (exact in whole troops below 2^50, to rounding otherwise), the peak is
 *     at least the strength, experience lies in [0, 1], combat days and the
 *     break day within the run; every stock lies in [0, its cap]; the ground
 *     of each sector in [0, contested]; pipelines' amounts in transit finite
 *     and >= 0; event days within the run and set exactly when the event was
 *     recorded; rungs within their ladder; a policy acted at most once per
 *     firing (at most once in all unless it repeats); every drawn input
 *     within its distribution's support (its mean in deterministic mode);
 *     the accessors answer NaN / -1 / SAL_EINPUT out of range;
 *   - determinism: the same (seed, run) gives the same results, bit for
 *     bit, in another workspace that ran something else before; the run
 *     replayed with its own drawn inputs passed as opts.inputs gives them
 *     again; the deterministic run gives the same results for any seed and
 *     run index; a failure is the same failure with the same message;
 *   - a two-run ensemble (sal_ensemble_run, one thread; small models, and
 *     one input in four, by a hash of its bytes, as it is slow) succeeds
 *     iff both runs do, hands on_run each run's inputs and last day as the
 *     single runs gave them, and summarises exactly their values (each
 *     cell's count, min, max and mean; each event's count and days); it
 *     fails with a message when one of them fails.
 * A broken contract aborts.
 *
 * Inputs the reader refuses return -1, which tells libFuzzer not to keep them
 * in the corpus: the reader's errors are fuzz_scenario's, and mutations of
 * a model that reads reach the engine far more often.
 *
 * Budget: a run costs about (horizon + 1) x (entities + expression size).
 * Models above FZG_RUN_BUDGET units are not run (the reader allows 50
 * million entity-days, far too slow for a fuzzer), and one input runs at
 * most FZG_INPUT_BUDGET units over its base and its first FZG_VARIANTS
 * variants together.
 *
 * The same source is linked into tests/test_fuzz_replay.c (no libFuzzer) to
 * replay fuzz/regress/engine/ and the accepted seeds in `make test`. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "salient/engine.h"
#include "salient/ensemble.h"
#include "salient/expr.h"
#include "salient/model.h"
#include "salient/summary.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

#define FZG_NAME "fuzz.yaml"
#define FZG_RUN_BUDGET 60000.0    /* cost units of one run */
#define FZG_INPUT_BUDGET 240000.0 /* of one run of every model of an input */
#define FZG_ENS_CELLS 5000.0      /* metrics x days of an ensemble's summary */
#define FZG_VARIANTS 8            /* variants run (the first ones) */

/* ---- the cost of a run ------------------------------------------------ */

static double fzg_expr_cost(const sal_expr *e)
{
    return e ? (double)sal_expr_size(e) : 0;
}

static double fzg_cost(const sal_model *m)
{
    double per_day = 1.0 + (double)m->nforces + (double)m->nsectors + (double)m->npipelines +
                     (double)m->npolicies + (double)m->ntreaties + (double)m->nladders +
                     (double)m->nmetrics + (double)m->nevents + (double)m->nuncertain;
    for (size_t a = 0; a < m->nactors; a++)
        per_day += (double)m->actors[a].nstocks;
    for (size_t f = 0; f < m->nforces; f++)
        per_day += (double)m->forces[f].narrivals;
    for (size_t p = 0; p < m->npipelines; p++)
        per_day += fzg_expr_cost(m->pipelines[p].when);
    for (size_t p = 0; p < m->npolicies; p++) {
        per_day += fzg_expr_cost(m->policies[p].when);
        for (size_t k = 0; k < m->policies[p].nactions; k++)
            per_day += 1 + fzg_expr_cost(m->policies[p].actions[k].amount);
    }
    for (size_t t = 0; t < m->ntreaties; t++)
        per_day += fzg_expr_cost(m->treaties[t].trigger);
    for (size_t k = 0; k < m->nmetrics; k++)
        per_day += fzg_expr_cost(m->metrics[k].expr);
    return per_day * ((double)m->horizon + 1);
}

/* ---- a snapshot of a run's results, for bitwise comparison ------------ */

typedef struct {
    unsigned char *buf;
    size_t len, cap;
} fzg_bytes;

static void fzg_put(fzg_bytes *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = (b->cap + n) * 2;
        unsigned char *nb = realloc(b->buf, cap);
        if (!nb)
            abort();
        b->buf = nb;
        b->cap = cap;
    }
    if (n)
        memcpy(b->buf + b->len, p, n);
    b->len += n;
}

static void fzg_put_d(fzg_bytes *b, double x)
{
    fzg_put(b, &x, sizeof x);
}

static void fzg_put_i(fzg_bytes *b, int x)
{
    fzg_put(b, &x, sizeof x);
}

/* The day a failed run stopped on, from its first message ("day N (...")
 * or -1 when it failed before day 0 (drawing its inputs). */
static int fzg_fail_day(const sal_diags *d)
{
    const sal_diag *e = sal_diags_count(d) ? sal_diags_get(d, 0) : NULL;
    const char *p = e && e->message ? strstr(e->message, "day ") : NULL;
    if (!p || p[4] < '0' || p[4] > '9')
        return -1;
    return atoi(p + 4);
}

/* Everything a run left that the same run must leave again: the status and
 * messages, and the results of the days it did. */
static void fzg_snap(fzg_bytes *b, const sal_run *r, int rc, const sal_diags *d)
{
    const sal_model *m = sal_run_model(r);
    b->len = 0;
    fzg_put_i(b, rc);
    for (size_t i = 0; i < sal_diags_count(d); i++) {
        const sal_diag *e = sal_diags_get(d, i);
        fzg_put_i(b, e->line);
        fzg_put_i(b, e->col);
        fzg_put(b, e->message, strlen(e->message) + 1);
    }
    size_t days = sal_run_ndays(r);
    if (rc != SAL_OK) {
        int fd = fzg_fail_day(d);
        if (fd < 0)
            return; /* the run never started: the workspace holds the last run's */
        days = (size_t)fd; /* the rows of the days finished */
    }
    fzg_put(b, sal_run_series(r), days * m->nmetrics * sizeof(double));
    fzg_put(b, sal_run_event_days(r), m->nevents * sizeof(int32_t));
    fzg_put(b, sal_run_event_counts(r), m->nevents * sizeof(int32_t));
    fzg_put(b, sal_run_inputs(r), m->nuncertain * sizeof(double));
    for (size_t f = 0; f < m->nforces; f++) {
        sal_force_account a;
        if (sal_run_force(r, f, &a) != SAL_OK)
            abort();
        const double v[] = {a.arrived, a.present,  a.killed,    a.wounded, a.wounded_away,
                            a.awaiting, a.returned, a.withdrawn, a.moved_out, a.peak,
                            a.experience, a.fire};
        fzg_put(b, v, sizeof v);
        fzg_put_i(b, a.combat_days);
        fzg_put_i(b, a.withdrawn_day);
    }
    for (size_t s = 0; s < m->nsectors; s++)
        fzg_put_d(b, sal_run_ground(r, s));
    for (size_t a = 0; a < m->nactors; a++)
        for (size_t k = 0; k < m->actors[a].nstocks; k++)
            fzg_put_d(b, sal_run_stock(r, a, k));
    for (size_t p = 0; p < m->nparams; p++)
        fzg_put_d(b, sal_run_param(r, p));
    for (size_t l = 0; l < m->nladders; l++)
        fzg_put_i(b, sal_run_rung(r, l));
    for (size_t t = 0; t < m->ntreaties; t++)
        fzg_put_i(b, sal_run_treaty_day(r, t));
    for (size_t p = 0; p < m->npipelines; p++)
        fzg_put_d(b, sal_run_in_transit(r, p));
    for (size_t p = 0; p < m->npolicies; p++) {
        fzg_put_i(b, sal_run_policy_fired(r, p));
        fzg_put_i(b, sal_run_policy_acted(r, p));
    }
}

static void fzg_same(const fzg_bytes *a, const fzg_bytes *b)
{
    if (a->len != b->len || memcmp(a->buf, b->buf, a->len) != 0)
        abort(); /* the same run gave other results */
}

/* ---- the contracts of one run ----------------------------------------- */

static void fzg_check_diags(const sal_diags *d, int rc)
{
    size_t n = sal_diags_count(d);
    if (rc == SAL_OK) {
        if (n != 0)
            abort(); /* succeeded yet complained */
        return;
    }
    if (rc != SAL_ERANGE)
        abort(); /* a run of an accepted model fails only on a value out of its domain */
    if (n == 0)
        abort(); /* failed without saying why */
    for (size_t i = 0; i < n; i++) {
        const sal_diag *e = sal_diags_get(d, i);
        if (!e || !e->message || !e->message[0] || !e->file || e->line < 0 || e->col < 0)
            abort();
        if (strcmp(e->file, FZG_NAME) != 0)
            abort();
    }
}

static int fzg_whole(double x)
{
    return x == floor(x);
}

/* a == b to rounding, at the scale of the terms */
static int fzg_close(double a, double b, double scale, int exact)
{
    if (exact)
        return a == b;
    return fabs(a - b) <= 1e-9 * scale + 1e-9;
}

/* The support of d from the definitions of docs/scenario.md, written here
 * again on purpose rather than calling sal_dist_support: the check below
 * holds the engine's draws against an independent statement of the
 * support, which a bug in the library's own would otherwise pass; and an
 * unknown kind aborts where the library answers the whole line. */
static void fzg_support(const sal_dist *d, double *lo, double *hi)
{
    switch (d->kind) {
    case SAL_DIST_FIXED: *lo = *hi = d->p[0]; return;
    case SAL_DIST_PERT:
    case SAL_DIST_TRIANGULAR: *lo = d->p[0]; *hi = d->p[2]; return;
    case SAL_DIST_UNIFORM: *lo = d->p[0]; *hi = d->p[1]; return;
    case SAL_DIST_LOGNORMAL: *lo = 0; *hi = INFINITY; return;
    case SAL_DIST_NORMAL: *lo = -INFINITY; *hi = INFINITY; return;
    case SAL_DIST_CHOICE:
        *lo = INFINITY;
        *hi = -INFINITY;
        for (size_t i = 0; i < d->nchoice; i++) {
            *lo = fmin(*lo, d->values[i]);
            *hi = fmax(*hi, d->values[i]);
        }
        return;
    }
    abort(); /* an unknown distribution */
}

static void fzg_check_force(const sal_run *r, size_t f, int det)
{
    const sal_model *m = sal_run_model(r);
    sal_force_account a;
    if (sal_run_force(r, f, &a) != SAL_OK)
        abort();
    const double parts[] = {a.arrived, a.present,  a.killed,    a.wounded, a.wounded_away,
                            a.awaiting, a.returned, a.withdrawn, a.moved_out, a.peak};
    double scale = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!isfinite(parts[i]) || parts[i] < 0)
            abort(); /* an account not finite or negative */
        if (!det && !fzg_whole(parts[i]))
            abort(); /* a fraction of a troop in stochastic mode */
        scale += parts[i];
    }
    /* whole troops below 2^50: every sum is exact */
    int exact = !det && scale < 0x1p50;
    double sum = a.present + a.killed + a.wounded_away + a.awaiting + a.withdrawn + a.moved_out;
    if (!fzg_close(sum, a.arrived, scale, exact))
        abort(); /* arrived != present + killed + away + awaiting + withdrawn + moved out */
    if (!fzg_close(a.wounded_away + a.awaiting + a.returned, a.wounded, scale, exact))
        abort(); /* wounded != away + awaiting + returned */
    if (a.peak < a.present && !fzg_close(a.peak, a.present, scale, 0))
        abort(); /* the peak below the strength */
    if (!(a.experience >= 0 && a.experience <= 1))
        abort();
    if (!(a.fire >= 0 && a.fire <= 1))
        abort();
    if (a.combat_days < 0 || a.combat_days > m->horizon + 1)
        abort();
    if (a.withdrawn_day < SAL_NEVER || a.withdrawn_day > m->horizon)
        abort();
}

static void fzg_check_ok(const sal_run *r, int det)
{
    const sal_model *m = sal_run_model(r);
    size_t days = sal_run_ndays(r), nm = sal_run_nmetrics(r);
    if (days != (size_t)m->horizon + 1 || nm != m->nmetrics)
        abort();
    const double *s = sal_run_series(r);
    for (size_t i = 0; i < days * nm; i++)
        if (!isfinite(s[i]))
            abort(); /* a metric not finite in a run that succeeded */
    const double *in = sal_run_inputs(r);
    for (size_t u = 0; u < m->nuncertain; u++) {
        const sal_dist *d = &m->uncertain[u].dist;
        double lo, hi;
        fzg_support(d, &lo, &hi);
        if (!isfinite(in[u]) || in[u] < lo || in[u] > hi)
            abort(); /* an input drawn outside its distribution */
        if (det && in[u] != sal_dist_mean(d))
            abort(); /* the deterministic run takes the mean */
    }
    for (size_t f = 0; f < m->nforces; f++)
        fzg_check_force(r, f, det);
    for (size_t a = 0; a < m->nactors; a++)
        for (size_t k = 0; k < m->actors[a].nstocks; k++) {
            double v = sal_run_stock(r, a, k);
            double cap = sal_num_value(m->actors[a].stocks[k].cap, in);
            if (isnan(cap) || cap < 0)
                cap = INFINITY;
            if (!isfinite(v) || v < 0 || v > cap)
                abort(); /* a stock outside [0, cap] */
        }
    for (size_t sec = 0; sec < m->nsectors; sec++) {
        double g = sal_run_ground(r, sec);
        double gmax = sal_num_value(m->sectors[sec].ground_max, in);
        if (!(gmax > 0))
            gmax = 0;
        if (!isfinite(g) || g < 0 || g > gmax)
            abort(); /* the ground outside [0, contested] */
    }
    for (size_t p = 0; p < m->npipelines; p++) {
        double x = sal_run_in_transit(r, p);
        if (!isfinite(x) || x < 0)
            abort();
    }
    const int32_t *ev = sal_run_event_days(r), *evn = sal_run_event_counts(r);
    for (size_t e = 0; e < m->nevents; e++) {
        if (ev[e] < SAL_NEVER || ev[e] > m->horizon || evn[e] < 0)
            abort();
        if ((ev[e] >= 0) != (evn[e] > 0))
            abort(); /* a day without a record or a record without a day */
    }
    for (size_t l = 0; l < m->nladders; l++) {
        int g = sal_run_rung(r, l);
        if (g < 0 || (size_t)g >= m->ladders[l].nrungs)
            abort();
    }
    for (size_t t = 0; t < m->ntreaties; t++) {
        int d = sal_run_treaty_day(r, t);
        if (d < SAL_NEVER || d > m->horizon)
            abort();
        int e = m->treaties[t].event;
        if (d >= 0 && e >= 0 && (ev[e] < 0 || ev[e] > d))
            abort(); /* in force without its event recorded by then */
    }
    for (size_t p = 0; p < m->npolicies; p++) {
        int fired = sal_run_policy_fired(r, p), acted = sal_run_policy_acted(r, p);
        if (acted < 0 || fired < acted || fired > acted + 1)
            abort(); /* acted more than fired, or fired twice without acting */
        if (!m->policies[p].repeat && fired > 1)
            abort(); /* a policy without repeat fired twice */
        if (!m->policies[p].enabled && fired != 0)
            abort();
    }
    for (size_t k = 0; k < m->nparams; k++)
        if (!isfinite(sal_run_param(r, k)))
            abort();
    /* out of range */
    sal_force_account a;
    if (sal_run_force(r, m->nforces, &a) != SAL_EINPUT || !isnan(sal_run_ground(r, m->nsectors)) ||
        !isnan(sal_run_stock(r, m->nactors, 0)) || !isnan(sal_run_param(r, m->nparams)) ||
        sal_run_rung(r, m->nladders) != -1 || sal_run_treaty_day(r, m->ntreaties) != -1 ||
        !isnan(sal_run_in_transit(r, m->npipelines)) ||
        sal_run_policy_fired(r, m->npolicies) != -1 || sal_run_policy_acted(r, m->npolicies) != -1)
        abort();
}

/* A run that failed before day 0 failed drawing its inputs: only an input
 * of unbounded support (normal, lognormal) may draw, or average to, a
 * number that is not finite; a bounded one lies within finite bounds. */
static void fzg_check_draw_failed(const sal_model *m)
{
    for (size_t u = 0; u < m->nuncertain; u++) {
        sal_dist_kind k = m->uncertain[u].dist.kind;
        if (k == SAL_DIST_NORMAL || k == SAL_DIST_LOGNORMAL)
            return;
    }
    abort(); /* a bounded input drew NaN or infinity */
}

/* One run: its contracts, and its snapshot into b. */
static int fzg_exec(sal_run *r, uint64_t seed, uint64_t run, int det, const double *inputs,
                    fzg_bytes *b)
{
    sal_diags *d = sal_diags_alloc();
    if (!d)
        abort();
    sal_run_opts o = {.seed = seed, .run = run, .deterministic = det, .inputs = inputs};
    int rc = sal_run_exec(r, &o, d);
    fzg_check_diags(d, rc);
    if (rc == SAL_OK)
        fzg_check_ok(r, det);
    else if (!inputs && fzg_fail_day(d) < 0)
        fzg_check_draw_failed(sal_run_model(r));
    fzg_snap(b, r, rc, d);
    sal_diags_free(d);
    return rc;
}

/* ---- a tiny ensemble -------------------------------------------------- */

/* What a single run gave, to compare with the ensemble's run of that index. */
typedef struct {
    double *inputs; /* nuncertain */
    double *series; /* (horizon + 1) x nmetrics */
    int32_t *events; /* nevents */
} fzg_rec;

static fzg_rec *fzg_rec_of(const sal_run *r)
{
    const sal_model *m = sal_run_model(r);
    size_t ns = sal_run_ndays(r) * m->nmetrics;
    fzg_rec *k = calloc(1, sizeof *k);
    if (!k || !(k->inputs = malloc((m->nuncertain + 1) * sizeof(double))) ||
        !(k->series = malloc((ns + 1) * sizeof(double))) ||
        !(k->events = malloc((m->nevents + 1) * sizeof(int32_t))))
        abort();
    memcpy(k->inputs, sal_run_inputs(r), m->nuncertain * sizeof(double));
    memcpy(k->series, sal_run_series(r), ns * sizeof(double));
    memcpy(k->events, sal_run_event_days(r), m->nevents * sizeof(int32_t));
    return k;
}

static void fzg_rec_free(fzg_rec *k)
{
    if (k) {
        free(k->inputs);
        free(k->series);
        free(k->events);
        free(k);
    }
}

typedef struct {
    const sal_model *m;
    uint64_t n;
    fzg_rec *const *rec;
} fzg_ens;

static int fzg_on_run(void *ctx, uint64_t run, const double *inputs, const double *last)
{
    fzg_ens *e = ctx;
    if (run != e->n || run > 1)
        abort(); /* not in run order */
    const sal_model *m = e->m;
    const fzg_rec *k = e->rec[run];
    if (memcmp(inputs, k->inputs, m->nuncertain * sizeof(double)) != 0 ||
        memcmp(last, k->series + (size_t)m->horizon * m->nmetrics,
               m->nmetrics * sizeof(double)) != 0)
        abort(); /* the ensemble's run is not the single run of that index */
    e->n++;
    return 0;
}

/* Two runs as an ensemble (run k = rec[k], NULL when that run failed
 * alone): it succeeds iff both did, with their numbers. */
static void fzg_ensemble(const sal_model *m, uint64_t seed, fzg_rec *const rec[2])
{
    int ok = rec[0] && rec[1];
    fzg_ens e = {m, 0, rec};
    sal_ensemble_opts o = {.seed = seed, .first = 0, .runs = 2, .threads = 1,
                           .on_run = ok ? fzg_on_run : NULL, .ctx = &e};
    sal_diags *d = sal_diags_alloc();
    if (!d)
        abort();
    sal_summary *s = NULL;
    uint64_t done = 0;
    int rc = sal_ensemble_run(m, &o, &s, &done, d);
    if (!ok) {
        if (rc != SAL_ERANGE || s || sal_diags_count(d) == 0)
            abort(); /* a run fails alone but not in an ensemble, or silently */
        sal_diags_free(d);
        return;
    }
    if (rc != SAL_OK || !s || sal_diags_count(d) != 0 || sal_summary_runs(s) != 2 || e.n != 2)
        abort(); /* both runs succeed alone but not in an ensemble */
    /* every cell holds the two runs' values: count, min, max, mean */
    for (size_t i = 0; i < m->nmetrics; i++)
        for (size_t day = 0; day <= (size_t)m->horizon; day++) {
            double x0 = rec[0]->series[day * m->nmetrics + i];
            double x1 = rec[1]->series[day * m->nmetrics + i];
            const sal_sketch *c = sal_summary_cell(s, (uint32_t)i, (uint32_t)day);
            if (!c || sal_sketch_count(c) != 2 || sal_sketch_min(c) != fmin(x0, x1) ||
                sal_sketch_max(c) != fmax(x0, x1))
                abort();
            double mean = sal_summary_mean(s, (uint32_t)i, (uint32_t)day);
            double want = x0 / 2 + x1 / 2;
            if (!(fabs(mean - want) <= 1e-12 * (fabs(x0) + fabs(x1)) + 1e-300))
                abort();
        }
    /* every event: the runs where it happened, and on which day */
    for (size_t ev = 0; ev < m->nevents; ev++) {
        int32_t d0 = rec[0]->events[ev], d1 = rec[1]->events[ev];
        if (sal_summary_event_count(s, (uint32_t)ev) != (uint64_t)(d0 >= 0) + (uint64_t)(d1 >= 0))
            abort();
        for (int k = 0; k < 2; k++) {
            int32_t dk = k ? d1 : d0;
            if (dk >= 0 && sal_summary_event_day_count(s, (uint32_t)ev, dk) !=
                               (uint64_t)(d0 == dk) + (uint64_t)(d1 == dk))
                abort();
        }
    }
    sal_summary_free(s);
    sal_diags_free(d);
}

/* ---- one model -------------------------------------------------------- */

static void fzg_model(const sal_model *m, int ens)
{
    sal_run *r1 = sal_run_alloc(m), *r2 = sal_run_alloc(m);
    if (!r1 || !r2)
        abort(); /* an accepted model within the budget has a workspace */
    fzg_bytes a = {0}, b = {0}, c = {0};
    uint64_t seed = m->seed;
    fzg_rec *rec[2] = {NULL, NULL};

    /* stochastic: (seed, 0) in a fresh workspace; (seed, 1), then (seed, 0)
     * again, in another */
    int rc0 = fzg_exec(r1, seed, 0, 0, NULL, &a);
    if (rc0 == SAL_OK)
        rec[0] = fzg_rec_of(r1);
    if (fzg_exec(r2, seed, 1, 0, NULL, &c) == SAL_OK)
        rec[1] = fzg_rec_of(r2);
    fzg_exec(r2, seed, 0, 0, NULL, &b);
    fzg_same(&a, &b);
    if (rc0 == SAL_OK) {
        /* the same run with its drawn inputs given back */
        fzg_exec(r2, seed, 0, 0, rec[0]->inputs, &b);
        fzg_same(&a, &b);
    }
    /* another seed */
    fzg_exec(r1, seed ^ 0x5eed5eedull, 7, 0, NULL, &c);

    /* deterministic: the same for any seed and run index */
    fzg_exec(r1, seed, 0, 1, NULL, &a);
    fzg_exec(r2, seed + 12345, 3, 1, NULL, &b);
    fzg_same(&a, &b);

    if (ens && (double)m->nmetrics * ((double)m->horizon + 1) <= FZG_ENS_CELLS)
        fzg_ensemble(m, seed, rec);

    fzg_rec_free(rec[0]);
    fzg_rec_free(rec[1]);
    free(a.buf);
    free(b.buf);
    free(c.buf);
    sal_run_free(r1);
    sal_run_free(r2);
}

static sal_model *fzg_read(const char *buf, size_t len, const char *v)
{
    sal_diags *d = sal_diags_alloc();
    if (!d)
        return NULL;
    sal_model *m = NULL;
    int rc = sal_model_read_buffer(buf, len, FZG_NAME, v, d, &m);
    if ((rc == SAL_OK) != (m != NULL))
        abort();
    sal_diags_free(d);
    return m;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    sal_model *base = fzg_read(buf, size, NULL);
    if (!base)
        return -1; /* libFuzzer: keep it out of the corpus (the reader is
                      fuzz_scenario's), so mutations start from models */
    double left = FZG_INPUT_BUDGET;
    /* the ensemble costs about 25 ms whatever the model (sanitizers, its
     * summary): one input in four runs it, chosen by the input's bytes */
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 16777619u;
    int ens = (h & 3u) == 0;
    /* the first FZG_VARIANTS variants: reading every variant of a file is
     * fuzz_scenario's work, and each reading costs as much as the base's */
    size_t nv = base->nvariants < FZG_VARIANTS ? base->nvariants : FZG_VARIANTS;
    for (size_t i = 0; i <= nv; i++) {
        sal_model *m = i == 0 ? base : fzg_read(buf, size, base->variants[i - 1]);
        if (!m)
            abort(); /* the file was accepted whole, so each variant reads */
        double cost = fzg_cost(m);
        if (cost <= FZG_RUN_BUDGET && cost <= left) {
            left -= cost;
            fzg_model(m, ens);
        }
        if (m != base)
            sal_model_free(m);
        if (left < 1)
            break;
    }
    sal_model_free(base);
    return 0;
}

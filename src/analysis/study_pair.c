/* salient — the study's base ensemble run once and every variant paired with
 * it on common random numbers, without running the base again.
 *
 * sal_compare_run runs both arms of a comparison for each run index; a study
 * of V variants that called it for each would run the base V + 1 times.
 * Here the base ensemble keeps each run's whole series and event days (the
 * store, src/analysis/study_int.h), and a variant's pass runs only the variant and
 * takes the base arm of run r from the store.  Everything a comparison holds
 * is computed as sal_compare_run computes it (src/ensemble/ensemble.c): the variant's
 * summary, the summary of the per-day differences B - A, the exact sums of
 * the horizon moments and the counts of discordant events.  Summaries and
 * exact sums merge exactly (salient/summary.h), so the way runs are cut into
 * blocks and spread over threads changes no bit: the results, and the study's
 * files, are those of the unpaired path, for any thread count.
 *
 * The driver is that of src/ensemble/ensemble.c: blocks of runs shared by OpenMP
 * threads in waves, one workspace and partial summaries per thread, the
 * failure of the lowest run index reported (re-run alone for its
 * diagnostic), progress and stops between waves on the calling thread. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "ensemble/compare_int.h"
#include "salient/engine.h"
#include "analysis/study_int.h"

typedef struct {
    sal_run *ws;
    double *series;      /* variant pass: block x nd x nmetrics of b */
    int32_t *events;     /* variant pass: block x nevents of b */
    sal_summary *sum;    /* the base, or the variant */
    sal_compare_acc pair; /* variant pass */
    int fail_rc;
    int fail_variant;    /* -1: a summary refused a block (no run to re-run) */
    uint64_t fail_run;
    double *pin;         /* a posterior particle's inputs */
} ptls;

typedef struct {
    const sal_study_store *st;
    const sal_model *b;  /* NULL: the base pass */
    const sal_ensemble_opts *o;
    size_t block;
    double *records;     /* base pass */
    size_t reclen;
    const sal_compare *c; /* variant pass: the common metrics and events */
} pjob;

uint64_t sal_study_store_bytes(const sal_model *m, uint64_t runs)
{
    uint64_t nd = m->horizon >= 0 ? (uint64_t)m->horizon + 1 : 0;
    double b = (double)runs * ((double)nd * (double)m->nmetrics * 8.0 + (double)m->nevents * 4.0);
    return b >= 1.8e19 ? UINT64_MAX : (uint64_t)b;
}

int sal_study_store_alloc(sal_study_store *st, const sal_model *m, uint64_t runs)
{
    memset(st, 0, sizeof *st);
    if (m->horizon < 0 || sal_study_store_bytes(m, runs) > (uint64_t)SIZE_MAX / 2)
        return SAL_ENOMEM;
    st->m = m;
    st->runs = runs;
    st->nd = (size_t)m->horizon + 1;
    st->series = malloc((size_t)runs * st->nd * (m->nmetrics ? m->nmetrics : 1) * sizeof(double));
    st->events = malloc((size_t)runs * (m->nevents ? m->nevents : 1) * sizeof(int32_t));
    if (!st->series || !st->events) {
        sal_study_store_free(st);
        return SAL_ENOMEM;
    }
    return SAL_OK;
}

void sal_study_store_free(sal_study_store *st)
{
    free(st->series);
    free(st->events);
    memset(st, 0, sizeof *st);
}

static void tls_free(ptls *t)
{
    sal_run_free(t->ws);
    free(t->series);
    free(t->events);
    sal_summary_free(t->sum);
    sal_compare_acc_free(&t->pair);
    free(t->pin);
}

static int tls_alloc(ptls *t, const pjob *j)
{
    memset(t, 0, sizeof *t);
    const sal_model *m = j->b ? j->b : j->st->m;
    size_t nd = j->st->nd;
    sal_summary_layout l = sal_ensemble_layout(m, j->o->accuracy);
    t->ws = sal_run_alloc(m);
    t->sum = sal_summary_alloc(&l);
    t->pin = malloc((m->nuncertain + 1) * sizeof *t->pin);
    if (!t->ws || !t->sum || !t->pin)
        return SAL_ENOMEM;
    if (!j->b)
        return SAL_OK;
    t->series = malloc(j->block * nd * (m->nmetrics ? m->nmetrics : 1) * sizeof(double));
    t->events = malloc(j->block * (m->nevents ? m->nevents : 1) * sizeof(int32_t));
    if (!t->series || !t->events)
        return SAL_ENOMEM;
    return sal_compare_acc_alloc(&t->pair, j->c, nd, j->block, j->o->accuracy);
}

static void fail(ptls *t, int rc, uint64_t run, int variant)
{
    if (!t->fail_rc || run < t->fail_run) {
        t->fail_rc = rc;
        t->fail_run = run;
        t->fail_variant = variant;
    }
}

/* Base pass: runs r0 .. r0 + n - 1 straight into the store, their records,
 * and the block folded into the thread's summary. */
static void base_block(const pjob *j, ptls *t, uint64_t r0, size_t n)
{
    const sal_study_store *st = j->st;
    const sal_model *m = st->m;
    size_t nd = st->nd, nm = m->nmetrics, ne = m->nevents;
    for (size_t i = 0; i < n; i++) {
        uint64_t run = r0 + i;
        double *ser = st->series + run * nd * nm;
        sal_run_opts ro = sal_posterior_run_opts(j->o->posterior, m, j->o->seed, run, t->pin);
        ro.series = ser;
        ro.event_days = st->events + run * ne;
        int rc = sal_run_exec(t->ws, &ro, NULL);
        if (rc != SAL_OK) {
            fail(t, rc, run, 0);
            return;
        }
        double *p = j->records + run * j->reclen;
        if (m->nuncertain)
            memcpy(p, sal_run_inputs(t->ws), m->nuncertain * sizeof(double));
        if (nm)
            memcpy(p + m->nuncertain, ser + (nd - 1) * nm, nm * sizeof(double));
    }
    sal_summary_strides sd = {nd * nm, 1, nm};
    int rc = sal_summary_add_runs(t->sum, n, st->series + r0 * nd * nm, &sd, st->events + r0 * ne);
    if (rc != SAL_OK)
        fail(t, rc, r0, -1);
}

/* Variant pass: runs r0 .. r0 + n - 1 of b, each against the stored run of
 * the base, folded as src/ensemble/ensemble.c's do_block folds a comparison. */
static void variant_block(const pjob *j, ptls *t, uint64_t r0, size_t n)
{
    const sal_study_store *st = j->st;
    const sal_compare *c = j->c;
    size_t nd = st->nd, na = st->m->nmetrics, nb = j->b->nmetrics;
    size_t nea = st->m->nevents, neb = j->b->nevents;
    for (size_t i = 0; i < n; i++) {
        uint64_t run = r0 + i;
        double *sb = t->series + i * nd * nb;
        int32_t *eb = t->events + i * neb;
        sal_run_opts ro = sal_posterior_run_opts(j->o->posterior, j->b, j->o->seed, run, t->pin);
        ro.series = sb;
        ro.event_days = eb;
        int rc = sal_run_exec(t->ws, &ro, NULL);
        if (rc != SAL_OK) {
            fail(t, rc, run, 1);
            return;
        }
        sal_compare_arm arm_a = {st->series + run * nd * na, na, st->events + run * nea};
        sal_compare_arm arm_b = {sb, nb, eb};
        sal_compare_fold_run(c, &t->pair, i, arm_a, arm_b);
    }
    sal_summary_strides sb = {nd * nb, 1, nb};
    int rc = sal_summary_add_runs(t->sum, n, t->series, &sb, t->events);
    if (rc == SAL_OK)
        rc = sal_compare_acc_add_block(&t->pair, n);
    if (rc != SAL_OK)
        fail(t, rc, r0, -1);
}

/* Re-runs the failing run alone, for its diagnostic. */
static void report_failure(const pjob *j, const ptls *t, sal_diags *diags)
{
    if (!diags || t->fail_variant < 0)
        return;
    const sal_model *m = t->fail_variant ? j->b : j->st->m;
    sal_run *r = sal_run_alloc(m);
    double *in = malloc((m->nuncertain + 1) * sizeof *in);
    if (r && in) {
        sal_run_opts ro = sal_posterior_run_opts(j->o->posterior, m, j->o->seed, t->fail_run, in);
        sal_run_exec(r, &ro, diags);
    }
    free(in);
    sal_run_free(r);
}

static void free_tls(ptls *tl, int n)
{
    for (int i = 0; tl && i < n; i++)
        tls_free(&tl[i]);
    free(tl);
}

/* The wave loop; on SAL_OK or SAL_EINTR the merged results are in tl[0]. */
static int drive(const pjob *j, ptls **tlp, int *ntlp, uint64_t *done_out, sal_diags *diags)
{
    const sal_ensemble_opts *o = j->o;
    uint64_t total = o->runs;
    int T = sal_ensemble_nthreads(o->threads, total, j->block);
    ptls *tl = calloc((size_t)T, sizeof *tl);
    if (!tl)
        return SAL_ENOMEM;
    *tlp = tl;
    *ntlp = T;
    for (int i = 0; i < T; i++)
        if (tls_alloc(&tl[i], j) != SAL_OK)
            return SAL_ENOMEM;
    size_t wave_blocks = sal_ensemble_wave_blocks(T);
    uint64_t done = 0, wave_first = 0;
    uint64_t wave_n = total < wave_blocks * j->block ? total : wave_blocks * j->block;
    long nb = (long)((wave_n + j->block - 1) / j->block);
    int status = SAL_OK, quit = 0;

#pragma omp parallel num_threads(T)
    {
        ptls *t = &tl[omp_get_thread_num()];
        while (!quit) {
#pragma omp for schedule(dynamic, 1)
            for (long b = 0; b < nb; b++) {
                uint64_t r0 = wave_first + (uint64_t)b * j->block;
                uint64_t n = wave_n - (uint64_t)b * j->block;
                if (n > j->block)
                    n = j->block;
                if (j->b)
                    variant_block(j, t, r0, (size_t)n);
                else
                    base_block(j, t, r0, (size_t)n);
            }
#pragma omp single
            {
                int failed = -1;
                for (int i = 0; i < T; i++)
                    if (tl[i].fail_rc && (failed < 0 || tl[i].fail_run < tl[failed].fail_run))
                        failed = i;
                if (failed >= 0) {
                    status = tl[failed].fail_rc;
                    report_failure(j, &tl[failed], diags);
                    quit = 1;
                } else {
                    done += wave_n;
                    if (done >= total)
                        quit = 1;
                    else if (o->progress && o->progress(o->ctx, done, total) != 0) {
                        status = SAL_EINTR;
                        quit = 1;
                    }
                    wave_first = done;
                    wave_n = total - done < wave_blocks * j->block ? total - done
                                                                   : wave_blocks * j->block;
                    nb = (long)((wave_n + j->block - 1) / j->block);
                }
            }
        }
    }
    if (status == SAL_OK && o->progress)
        o->progress(o->ctx, done, total);
    *done_out = done;
    if (status != SAL_OK && status != SAL_EINTR)
        return status;
    for (int i = 1; i < T; i++) {
        if (sal_summary_merge(tl[0].sum, tl[i].sum) != SAL_OK)
            return SAL_ENOMEM;
        if (j->b) {
            if (sal_summary_merge(tl[0].pair.diff, tl[i].pair.diff) != SAL_OK)
                return SAL_ENOMEM;
            sal_compare_acc_merge_sums(&tl[0].pair, &tl[i].pair);
        }
    }
    return status;
}

static int check_opts(const sal_model *m, const sal_ensemble_opts *o, uint64_t room)
{
    if (!m || !o || o->runs == 0 || o->runs > room || m->horizon < 0 || o->threads < 0 ||
        o->runs > UINT32_MAX)
        return SAL_EINPUT;
    return SAL_OK;
}

int sal_study_pair_base(sal_study_store *st, const sal_ensemble_opts *o, double *records,
                        size_t reclen, sal_summary **out, uint64_t *done, sal_diags *diags)
{
    *out = NULL;
    *done = 0;
    if (check_opts(st->m, o, st->runs) != SAL_OK ||
        reclen != st->m->nuncertain + st->m->nmetrics)
        return SAL_EINPUT;
    pjob j = {.st = st, .o = o, .block = o->block ? o->block : SAL_ENSEMBLE_BLOCK,
              .records = records, .reclen = reclen};
    ptls *tl = NULL;
    int n = 0;
    int rc = drive(&j, &tl, &n, done, diags);
    if (rc == SAL_OK || rc == SAL_EINTR) {
        *out = tl[0].sum;
        tl[0].sum = NULL;
    }
    free_tls(tl, n);
    return rc;
}

/* The summary of the stored base runs 0 .. runs - 1. */
static sal_summary *store_summary(const sal_study_store *st, uint64_t runs, double accuracy)
{
    const sal_model *m = st->m;
    sal_summary_layout l = sal_ensemble_layout(m, accuracy);
    sal_summary *s = sal_summary_alloc(&l);
    size_t nd = st->nd, nm = m->nmetrics, ne = m->nevents;
    sal_summary_strides sd = {nd * nm, 1, nm};
    for (uint64_t r = 0; s && r < runs; r += SAL_ENSEMBLE_BLOCK) {
        uint64_t n = runs - r < SAL_ENSEMBLE_BLOCK ? runs - r : SAL_ENSEMBLE_BLOCK;
        if (sal_summary_add_runs(s, (size_t)n, st->series + r * nd * nm, &sd,
                                 st->events + r * ne) != SAL_OK) {
            sal_summary_free(s);
            s = NULL;
        }
    }
    return s;
}

int sal_study_pair_variant(const sal_study_store *st, const sal_summary *base_summary,
                           uint64_t base_runs, const sal_model *b, const sal_ensemble_opts *o,
                           sal_compare **out, uint64_t *done, sal_diags *diags)
{
    const sal_model *a = st->m;
    *out = NULL;
    *done = 0;
    if (check_opts(a, o, st->runs) != SAL_OK || check_opts(b, o, UINT64_MAX) != SAL_OK ||
        a->horizon != b->horizon || o->runs > base_runs)
        return SAL_EINPUT;
    /* the common metrics and events, matched by name as sal_compare_run does */
    sal_compare *c = sal_compare_alloc_common(a, b);
    if (!c)
        return SAL_ENOMEM;
    pjob j = {.st = st, .b = b, .o = o, .block = o->block ? o->block : SAL_ENSEMBLE_BLOCK,
              .c = c};
    ptls *tl = NULL;
    int n = 0;
    int rc = drive(&j, &tl, &n, done, diags);
    if (rc == SAL_OK || rc == SAL_EINTR) {
        c->runs = *done;
        c->b = tl[0].sum;
        c->diff = tl[0].pair.diff;
        tl[0].sum = tl[0].pair.diff = NULL;
        /* the base over the same runs: the base ensemble's summary when the
         * comparison has them all, else rebuilt from the store */
        const sal_summary *sa = base_summary;
        if (c->runs != base_runs) {
            c->a = store_summary(st, c->runs, o->accuracy);
            sa = c->a;
            if (!c->a)
                rc = SAL_ENOMEM;
        }
        if (sa)
            sal_compare_set_variances(c, sa, tl[0].pair.mom, tl[0].pair.disc);
    }
    free_tls(tl, n);
    if (rc != SAL_OK && rc != SAL_EINTR) {
        sal_compare_free(c);
        return rc;
    }
    *out = c;
    return rc;
}

/* salient — the ensemble driver: blocks of runs claimed by whichever OpenMP
 * thread is free, one workspace and one partial summary per thread, partial
 * summaries merged exactly (so the bytes do not depend on the threads or the
 * schedule), per-run records handed to the caller in run order as soon as
 * the runs before them are done.  The same loop runs one model (an
 * ensemble) or two on the same streams (a comparison). */
#include <math.h>
#include <omp.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "salient/dist.h"
#include "salient/engine.h"
#include "salient/ensemble.h"
#include "ensemble/compare_int.h"
#include "ensemble/summary_int.h"


typedef struct {
    sal_run *ws[2];
    double *series[2];   /* block x ndays x nmetrics, day-major per run */
    int32_t *events[2];  /* block x nevents */
    sal_summary *sum[2];
    sal_compare_acc pair; /* compare only */
    int fail_rc;
    int merge_rc;        /* of this thread's share of the final merge */
    int fail_model;
    uint64_t fail_run;
    double *pin[2];      /* posterior: the run's inputs */
} tls;

typedef struct {
    const sal_model *m[2];
    int nmodels;
    const sal_ensemble_opts *o;
    size_t ndays;
    size_t block;
    const sal_compare *c;    /* compare: the common metrics and events */
    size_t reclen;           /* doubles per run record (ensemble with on_run) */
    long *pcol[2];           /* posterior: each input's column, -1 if none */
} job;

/* The posterior's column named name (the last one), or -1. */
static long posterior_column(const sal_posterior *p, const char *name)
{
    long col = -1;
    for (size_t c = 0; c < p->ninputs; c++)
        if (strcmp(p->names[c], name) == 0)
            col = (long)c;
    return col;
}

/* The options of run `run` of m under posterior p (none: its own streams
 * from seed): particle run mod N replayed to the branch day, its inputs
 * (from the columns pcol, or by name when pcol is NULL) into in, NaN where
 * the particle has none or a value outside the input's support. */
static sal_run_opts posterior_opts(const sal_posterior *p, const sal_model *m, const long *pcol,
                                   uint64_t seed, uint64_t run, double *in)
{
    sal_run_opts ro = {.seed = seed, .run = run};
    if (!p || p->n == 0)
        return ro;
    size_t part = (size_t)(run % p->n);
    for (size_t u = 0; u < m->nuncertain; u++) {
        long c = pcol ? pcol[u] : posterior_column(p, m->uncertain[u].name);
        double v = c >= 0 ? p->inputs[part * p->ninputs + (size_t)c] : NAN, lo, hi;
        sal_dist_support(&m->uncertain[u].dist, &lo, &hi);
        in[u] = v >= lo && v <= hi ? v : NAN;
    }
    ro.inputs = in;
    ro.seed = p->seed;
    ro.run = p->keys[part];
    ro.branch_day = p->branch_day;
    ro.branch_seed = seed;
    ro.branch_run = run;
    return ro;
}

/* The options of run `run` of model k: its own streams, or the posterior
 * particle run mod N replayed to the branch day (salient/ensemble.h). */
static sal_run_opts run_opts(const job *j, int k, uint64_t run, double *in, double *series,
                             int32_t *ev)
{
    const sal_posterior *p = j->o->posterior;
    sal_run_opts ro = posterior_opts(p, j->m[k], p ? j->pcol[k] : NULL, j->o->seed, run, in);
    ro.series = series;
    ro.event_days = ev;
    return ro;
}

sal_run_opts sal_posterior_run_opts(const sal_posterior *p, const sal_model *m, uint64_t seed,
                                    uint64_t run, double *in)
{
    return posterior_opts(p, m, NULL, seed, run, in);
}

/* The posterior's column of each input of each model. */
static int posterior_columns(job *j)
{
    const sal_posterior *p = j->o->posterior;
    if (!p)
        return SAL_OK;
    if (p->n == 0 || !p->keys || (p->ninputs && (!p->inputs || !p->names)) || p->branch_day < 1)
        return SAL_EINPUT;
    for (int k = 0; k < j->nmodels; k++) {
        const sal_model *m = j->m[k];
        if (!(j->pcol[k] = malloc((m->nuncertain + 1) * sizeof(long))))
            return SAL_ENOMEM;
        for (size_t u = 0; u < m->nuncertain; u++)
            j->pcol[k][u] = posterior_column(p, m->uncertain[u].name);
    }
    return SAL_OK;
}

sal_summary_layout sal_ensemble_layout(const sal_model *m, double accuracy)
{
    sal_summary_layout l = {
        .nmetrics = (uint32_t)m->nmetrics,
        .ndays = (uint32_t)(m->horizon + 1),
        .nevents = (uint32_t)m->nevents,
        .horizon = m->horizon,
        .accuracy = accuracy,
        .max_buckets = 0,
        .exact_max = sal_summary_exact_cap((uint32_t)m->nmetrics, (uint32_t)(m->horizon + 1)),
    };
    return l;
}

static void tls_free(tls *t)
{
    for (int k = 0; k < 2; k++) {
        sal_run_free(t->ws[k]);
        free(t->series[k]);
        free(t->events[k]);
        sal_summary_free(t->sum[k]);
        free(t->pin[k]);
    }
    sal_compare_acc_free(&t->pair);
}

static int tls_alloc(tls *t, const job *j)
{
    memset(t, 0, sizeof *t);
    for (int k = 0; k < j->nmodels; k++) {
        const sal_model *m = j->m[k];
        sal_summary_layout l = sal_ensemble_layout(m, j->o->accuracy);
        t->ws[k] = sal_run_alloc(m);
        t->series[k] = malloc(j->block * j->ndays * (m->nmetrics ? m->nmetrics : 1) * sizeof(double));
        t->events[k] = malloc(j->block * (m->nevents ? m->nevents : 1) * sizeof(int32_t));
        t->sum[k] = sal_summary_alloc(&l);
        t->pin[k] = malloc((m->nuncertain + 1) * sizeof(double));
        if (!t->ws[k] || !t->series[k] || !t->events[k] || !t->sum[k] || !t->pin[k])
            return SAL_ENOMEM;
    }
    if (j->nmodels == 2)
        return sal_compare_acc_alloc(&t->pair, j->c, j->ndays, j->block, j->o->accuracy);
    return SAL_OK;
}

/* Run i of the block's record: inputs, last-day metrics, then (with
 * paths) the chosen metrics on the chosen days, day-major, and the event
 * days (-1: did not happen). */
static void fill_record(const job *j, const tls *t, size_t i, double *p)
{
    const sal_model *m = j->m[0];
    size_t nd = j->ndays, nm = m->nmetrics;
    const double *series = t->series[0] + i * nd * nm;
    if (m->nuncertain)
        memcpy(p, sal_run_inputs(t->ws[0]), m->nuncertain * sizeof(double));
    if (nm)
        memcpy(p + m->nuncertain, series + (nd - 1) * nm, nm * sizeof(double));
    const sal_paths_spec *ps = j->o->paths;
    if (!ps)
        return;
    double *q = p + m->nuncertain + nm;
    for (size_t d = 0; d < ps->ndays; d++)
        for (size_t k = 0; k < ps->nmetrics; k++)
            *q++ = series[(size_t)ps->days[d] * nm + ps->metrics[k]];
    if (ps->events)
        for (size_t e = 0; e < m->nevents; e++)
            *q++ = (double)t->events[0][i * m->nevents + e];
}

/* Runs one block and folds it into the thread's summaries; per-run records go
 * to rec (NULL when not wanted).  A failure is recorded in t, not reported:
 * the calling thread reports the lowest failing run after the wave. */
static void do_block(const job *j, tls *t, uint64_t r0, size_t n, double *rec)
{
    size_t nd = j->ndays;
    for (size_t i = 0; i < n; i++) {
        uint64_t run = r0 + i;
        for (int k = 0; k < j->nmodels; k++) {
            const sal_model *m = j->m[k];
            sal_run_opts ro = run_opts(j, k, run, t->pin[k], t->series[k] + i * nd * m->nmetrics,
                                       t->events[k] + i * m->nevents);
            int rc = sal_run_exec(t->ws[k], &ro, NULL);
            if (rc != SAL_OK) {
                if (!t->fail_rc || run < t->fail_run) {
                    t->fail_rc = rc;
                    t->fail_run = run;
                    t->fail_model = k;
                }
                return;
            }
        }
        if (rec)
            fill_record(j, t, i, rec + i * j->reclen);
        if (j->nmodels == 2) {
            size_t na = j->m[0]->nmetrics, nb = j->m[1]->nmetrics;
            sal_compare_arm a = {t->series[0] + i * nd * na, na,
                                 t->events[0] + i * j->m[0]->nevents};
            sal_compare_arm b = {t->series[1] + i * nd * nb, nb,
                                 t->events[1] + i * j->m[1]->nevents};
            sal_compare_fold_run(j->c, &t->pair, i, a, b);
        }
    }
    for (int k = 0; k < j->nmodels; k++) {
        const sal_model *m = j->m[k];
        sal_summary_strides st = {nd * m->nmetrics, 1, m->nmetrics};
        int rc = sal_summary_add_runs(t->sum[k], n, t->series[k], &st, t->events[k]);
        if (rc != SAL_OK && !t->fail_rc) {
            t->fail_rc = rc;
            t->fail_run = r0;
            t->fail_model = -1;
        }
    }
    if (j->nmodels == 2) {
        int rc = sal_compare_acc_add_block(&t->pair, n);
        if (rc != SAL_OK && !t->fail_rc) {
            t->fail_rc = rc;
            t->fail_run = r0;
            t->fail_model = -1;
        }
    }
}

/* Re-runs the failing run alone, for its diagnostic. */
static void report_failure(const job *j, const tls *t, sal_diags *diags)
{
    if (!diags || t->fail_model < 0)
        return;
    sal_run *r = sal_run_alloc(j->m[t->fail_model]);
    double *in = malloc((j->m[t->fail_model]->nuncertain + 1) * sizeof *in);
    if (r && in) {
        sal_run_opts ro = run_opts(j, t->fail_model, t->fail_run, in, NULL, NULL);
        sal_run_exec(r, &ro, diags);
    }
    free(in);
    sal_run_free(r);
}

/* ---- scheduling ------------------------------------------------------
 *
 * Blocks are claimed in index order from one counter by whichever thread is
 * free: no barrier between blocks, so a thread that is slow (or descheduled
 * by another process) holds up nobody.  The threads meet only at the end of
 * an epoch: the end of the ensemble, a stop, a failure or a checkpoint.
 *
 * Determinism: a block's runs, and so what it adds to a summary, depend only
 * on its index; summaries merge exactly, so which thread summarised which
 * block never shows in the bytes.  Records reach on_run in run order through
 * a ring of `ring` block slots: the thread that finishes block b publishes
 * fin[b % ring] = b + 1 (release), and the calling thread hands blocks
 * ready, ready + 1, ... to on_run as they become finished (acquire), then
 * advances `ready` (release), which frees their slots.  A block is claimed
 * only below ready + ring, so a slot is never overwritten before it is
 * flushed.  Claims are always the prefix 0 .. next - 1, so a stop or a
 * failure leaves exactly the first `next` blocks run. */
enum { CLAIM_NONE, CLAIM_GOT, CLAIM_FULL };

/* Shared by the threads and touched once per block of runs, too rarely for
 * the cache line its fields share to cost anything measurable: not padded. */
typedef struct {
    uint64_t limit;   /* end of the epoch (blocks); written between barriers only */
    uint64_t nblocks;
    uint64_t ring;    /* slots in fin and rec */
    _Atomic uint64_t *fin;
    double *rec;      /* ring x block x reclen, when records are kept */
    _Atomic uint64_t next;   /* the next block to claim */
    _Atomic uint64_t ready;  /* blocks finished and flushed, a prefix; the calling thread writes it */
    _Atomic int stop;        /* claim nothing more in this epoch */
} sched;

/* Slots in the ring, in blocks: how far the threads may run ahead of the
 * oldest block not yet flushed (a slow or descheduled thread, or the calling
 * thread busy in on_run or descheduled) before they wait.  Measured under
 * load, 80 blocks of the duel (16 ms) were not enough: the other thread spun
 * for most of a second.  So up to RING_BYTES of records, at least 8 blocks
 * per thread plus 64; without records a slot is only its 8-byte mark. */
enum { RING_BYTES = 4 << 20, RING_MAX = 4096 };

static uint64_t ring_blocks(uint64_t T, uint64_t block, uint64_t reclen, int records)
{
    uint64_t lo = 8 * T + 64;
    if (!records)
        return lo + RING_MAX;
    uint64_t n = RING_BYTES / (block * (reclen ? reclen : 1) * sizeof(double));
    n = n < RING_MAX ? n : RING_MAX;
    return n > lo ? n : lo;
}

static int claim(sched *s, uint64_t *b)
{
    uint64_t n = atomic_load_explicit(&s->next, memory_order_relaxed);
    for (;;) {
        if (atomic_load_explicit(&s->stop, memory_order_relaxed) || n >= s->limit)
            return CLAIM_NONE;
        if (n >= atomic_load_explicit(&s->ready, memory_order_acquire) + s->ring)
            return CLAIM_FULL;
        if (atomic_compare_exchange_weak_explicit(&s->next, &n, n + 1, memory_order_relaxed,
                                                  memory_order_relaxed)) {
            *b = n;
            return CLAIM_GOT;
        }
    }
}

/* The calling thread's state between blocks (it alone touches it). */
typedef struct {
    uint64_t progressed;  /* runs last reported to progress */
    double last_ckpt;
    int flush_failed, interrupted, ckpt_due;
} caller;

/* The first run of block b, for b in 0 .. nblocks (runs_of(nblocks) is the
 * number of runs).  Every block holds j->block runs but the last.  (Cutting
 * the last few blocks smaller, so that the threads end closer together, was
 * measured slower on the flagship: adding 8 runs to a summary costs nearly
 * what adding 32 does, one pass over all its cells.) */
static uint64_t runs_of(const job *j, uint64_t b)
{
    uint64_t r = b * j->block;
    return r < j->o->runs ? r : j->o->runs;
}

/* On the calling thread: hands the finished prefix of blocks to on_run in
 * order, reports progress, and ends the epoch when a checkpoint is due or
 * progress asks to stop.  Called between its own blocks and at the end of
 * an epoch. */
static void service(const job *j, sched *s, caller *c)
{
    const sal_ensemble_opts *o = j->o;
    uint64_t r = atomic_load_explicit(&s->ready, memory_order_relaxed), r0 = r;
    while (!c->flush_failed &&
           atomic_load_explicit(&s->fin[r % s->ring], memory_order_acquire) == r + 1) {
        if (s->rec) {
            const double *p = s->rec + (r % s->ring) * j->block * j->reclen;
            uint64_t first = runs_of(j, r), n = runs_of(j, r + 1) - first;
            for (uint64_t i = 0; i < n; i++)
                if (o->on_run(o->ctx, o->first + first + i, p + i * j->reclen,
                              p + i * j->reclen + j->m[0]->nuncertain) != 0) {
                    c->flush_failed = 1;
                    atomic_store_explicit(&s->stop, 1, memory_order_relaxed);
                    break;
                }
            if (c->flush_failed)
                break;
        }
        r++;
        atomic_store_explicit(&s->ready, r, memory_order_release);
    }
    /* progress for every advance but the last (reported once all is done) */
    if (r != r0 && r < s->nblocks && o->progress && !c->interrupted) {
        c->progressed = runs_of(j, r);
        if (o->progress(o->ctx, c->progressed, o->runs) != 0) {
            c->interrupted = 1;
            atomic_store_explicit(&s->stop, 1, memory_order_relaxed);
        }
    }
    if (o->checkpoint && j->nmodels == 1 && o->checkpoint_seconds > 0 && !c->ckpt_due &&
        omp_get_wtime() - c->last_ckpt >= o->checkpoint_seconds) {
        c->ckpt_due = 1;
        atomic_store_explicit(&s->stop, 1, memory_order_relaxed);
    }
}

/* A checkpoint at the end of an epoch, on the calling thread while the
 * others wait: every finished run has gone to on_run (service), so merging
 * the partial summaries into thread 0's (and emptying them: merges are
 * exact, the final result does not change) gives the summary of exactly the
 * runs on_run has seen. */
static int checkpoint(const job *j, tls *tl, int T)
{
    for (int i = 1; i < T; i++) {
        if (sal_summary_merge(tl[0].sum[0], tl[i].sum[0]) != SAL_OK)
            return SAL_ENOMEM;
        sal_summary_clear(tl[i].sum[0]);
    }
    return j->o->checkpoint(j->o->ctx, tl[0].sum[0]) != 0 ? SAL_EIO : SAL_OK;
}

/* The blocks before a stop_after stop (sal_ensemble_opts): enough to hold
 * its runs; nblocks when there is none. */
static uint64_t stop_blocks(const job *j, const sched *s)
{
    uint64_t k = j->o->stop_after;
    if (k == 0 || k >= j->o->runs)
        return s->nblocks;
    return (k + j->block - 1) / j->block;
}

/* The end of an epoch's claims: all of the epoch's checkpoints run between
 * waves of wave_blocks when checkpoint_seconds <= 0 (after every wave). */
static uint64_t epoch_limit(const job *j, const sched *s, uint64_t wave_blocks)
{
    uint64_t n = atomic_load_explicit(&s->next, memory_order_relaxed), lim = s->nblocks;
    if (j->o->checkpoint && j->nmodels == 1 && j->o->checkpoint_seconds <= 0)
        lim = s->nblocks - n < wave_blocks ? s->nblocks : n + wave_blocks;
    uint64_t stop = stop_blocks(j, s);
    return stop < lim ? stop : lim;
}

/* The summaries merged at the end: each model's, and the differences. */
static int merge_targets(const job *j, tls *t, sal_summary **out)
{
    int n = 0;
    for (int k = 0; k < j->nmodels; k++)
        out[n++] = t->sum[k];
    if (j->nmodels == 2)
        out[n++] = t->pair.diff;
    return n;
}

/* Before the final merge, on one thread: whether every partial summary
 * fits into thread 0's (the run counts add up within range). */
static int merge_check(const job *j, tls *tl, int nt)
{
    sal_summary *dst[3], *src[3];
    int n = merge_targets(j, &tl[0], dst);
    for (int g = 0; g < n; g++) {
        uint64_t runs = sal_summary_runs(dst[g]);
        for (int i = 1; i < nt; i++) {
            merge_targets(j, &tl[i], src);
            if (sal_summary_merge_check(dst[g], src[g]) != SAL_OK)
                return SAL_ERANGE;
            runs += sal_summary_runs(src[g]);
        }
        if (runs > UINT32_MAX)
            return SAL_ERANGE;
    }
    return SAL_OK;
}

enum { MERGE_CHUNK = 64 }; /* cells a thread merges at a time */

/* The cells of every thread's summaries into thread 0's, in chunks shared
 * among the threads of the team (a worksharing loop: every thread calls
 * it).  A failure is left in the merging thread's merge_rc. */
static void merge_cells(const job *j, tls *tl, int nt)
{
    sal_summary *dst[3];
    int n = merge_targets(j, &tl[0], dst);
    long chunks[3], all = 0;
    for (int g = 0; g < n; g++) {
        chunks[g] = (long)((sal_summary_ncells(dst[g]) + MERGE_CHUNK - 1) / MERGE_CHUNK);
        all += chunks[g];
    }
    tls *me = &tl[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
    for (long q = 0; q < all; q++) {
        int g = 0;
        long k = q;
        while (k >= chunks[g])
            k -= chunks[g++];
        size_t lo = (size_t)k * MERGE_CHUNK;
        for (int i = 1; i < nt && me->merge_rc == SAL_OK; i++) {
            sal_summary *src[3];
            merge_targets(j, &tl[i], src);
            me->merge_rc = sal_summary_merge_cells(dst[g], src[g], lo, lo + MERGE_CHUNK);
        }
    }
}

/* The schedule of maxblocks blocks for T threads: the ring of block marks,
 * and of records when on_run wants them (s zeroed by the caller). */
static int sched_init(const job *j, sched *s, uint64_t maxblocks, int T, uint64_t wave_blocks)
{
    int records = j->o->on_run && j->nmodels == 1;
    s->nblocks = maxblocks;
    s->ring = ring_blocks((uint64_t)T, j->block, j->reclen, records);
    atomic_init(&s->next, 0);
    atomic_init(&s->ready, 0);
    atomic_init(&s->stop, 0);
    s->fin = malloc(s->ring * sizeof *s->fin);
    if (records)
        s->rec = malloc(s->ring * j->block * (j->reclen ? j->reclen : 1) * sizeof(double));
    if (!s->fin || (records && !s->rec)) {
        free(s->fin);
        free(s->rec);
        return SAL_ENOMEM;
    }
    for (uint64_t i = 0; i < s->ring; i++)
        atomic_init(&s->fin[i], 0); /* block b's mark is b + 1: none is 0 */
    s->limit = epoch_limit(j, s, wave_blocks);
    return SAL_OK;
}

/* Before the first epoch, on the calling thread once every thread has
 * allocated its workspace: whether to go on (*status, *quit). */
static void begin(const job *j, tls *tl, int alloc_failed, uint64_t maxblocks, caller *c,
                  int *status, int *quit)
{
    if (alloc_failed) {
        *status = SAL_ENOMEM;
        *quit = 1;
    } else if (j->o->resume_from && j->nmodels == 1 &&
               sal_summary_merge(tl[0].sum[0], j->o->resume_from) != SAL_OK) {
        /* a resumed ensemble starts from the summary of the runs
         * already done; merges are exact, so the result is the one
         * an uninterrupted run gives */
        *status = SAL_EINPUT;
        *quit = 1;
    }
    *quit |= maxblocks == 0;
    c->last_ckpt = omp_get_wtime();
}

/* One thread's part of an epoch: claims blocks and runs them until the
 * epoch's claims end; thread 0 (the calling thread) also hands the finished
 * prefix to on_run between its blocks. */
static void work(const job *j, sched *s, caller *c, tls *t, int me)
{
    for (;;) {
        if (me == 0)
            service(j, s, c);
        uint64_t b;
        int got = claim(s, &b);
        if (got == CLAIM_NONE)
            break;
        if (got == CLAIM_FULL) { /* the oldest block is still running */
            sched_yield();
            continue;
        }
        uint64_t r0 = runs_of(j, b), n = runs_of(j, b + 1) - r0;
        do_block(j, t, j->o->first + r0, (size_t)n,
                 s->rec ? s->rec + (b % s->ring) * j->block * j->reclen : NULL);
        if (t->fail_rc) /* its records are never flushed: no mark */
            atomic_store_explicit(&s->stop, 1, memory_order_relaxed);
        else
            atomic_store_explicit(&s->fin[b % s->ring], b + 1, memory_order_release);
    }
}

/* The end of an epoch: every block claimed has finished or failed; on the
 * calling thread alone, while the others wait.  Decides whether to quit
 * (*status, *quit), takes a checkpoint when one is due, and opens the next
 * epoch. */
static void end_epoch(const job *j, sched *s, caller *c, tls *tl, int nt, uint64_t wave_blocks,
                      sal_diags *diags, int *status, int *quit)
{
    const sal_ensemble_opts *o = j->o;
    service(j, s, c);
    int failed = -1;
    for (int i = 0; i < nt; i++)
        if (tl[i].fail_rc && (failed < 0 || tl[i].fail_run < tl[failed].fail_run))
            failed = i;
    uint64_t ready = atomic_load_explicit(&s->ready, memory_order_relaxed);
    if (failed >= 0) {
        *status = tl[failed].fail_rc;
        report_failure(j, &tl[failed], diags);
        *quit = 1;
    } else if (c->flush_failed) {
        *status = SAL_EIO;
        *quit = 1;
    } else if (ready >= s->nblocks) {
        *quit = 1;
    } else if (c->interrupted || ready >= stop_blocks(j, s)) {
        *status = SAL_EINTR;
        *quit = 1;
    } else {
        if (o->checkpoint && j->nmodels == 1 && (c->ckpt_due || o->checkpoint_seconds <= 0)) {
            if (checkpoint(j, tl, nt) != SAL_OK) {
                *status = SAL_EIO;
                *quit = 1;
            }
            c->ckpt_due = 0;
            c->last_ckpt = omp_get_wtime();
        }
        s->limit = epoch_limit(j, s, wave_blocks);
        atomic_store_explicit(&s->stop, 0, memory_order_relaxed);
    }
    if (*quit && (*status == SAL_OK || *status == SAL_EINTR) && merge_check(j, tl, nt) != SAL_OK)
        *status = SAL_ENOMEM;
}

/* After merge_cells: a merge failure, else the tails of the summaries and
 * the paired moments of every thread into thread 0's. */
static int merge_rest(const job *j, tls *tl, int nt)
{
    for (int i = 0; i < nt; i++)
        if (tl[i].merge_rc != SAL_OK)
            return tl[i].merge_rc;
    for (int i = 1; i < nt; i++) {
        for (int k = 0; k < j->nmodels; k++)
            sal_summary_merge_tail(tl[0].sum[k], tl[i].sum[k]);
        if (j->nmodels == 2) {
            sal_summary_merge_tail(tl[0].pair.diff, tl[i].pair.diff);
            sal_compare_acc_merge_sums(&tl[0].pair, &tl[i].pair);
        }
    }
    return SAL_OK;
}

/* The loop shared by ensembles and comparisons.  On SAL_OK or SAL_EINTR the
 * merged summaries are left in tl[0]. */
static int drive(const job *j, tls **tlp, int *ntlp, uint64_t *done_out, sal_diags *diags)
{
    const sal_ensemble_opts *o = j->o;
    uint64_t total = o->runs;
    uint64_t maxblocks = (total + j->block - 1) / j->block;
    int T = sal_ensemble_nthreads(o->threads, total, j->block);
    tls *tl = calloc((size_t)T, sizeof *tl);
    if (!tl)
        return SAL_ENOMEM;
    *tlp = tl;
    *ntlp = T;
    uint64_t wave_blocks = sal_ensemble_wave_blocks(T);
    sched s = {0};
    if (sched_init(j, &s, maxblocks, T, wave_blocks) != SAL_OK)
        return SAL_ENOMEM;

    caller c = {0};
    int status = SAL_OK, quit = 0, nt = 1, alloc_failed = 0;

#pragma omp parallel num_threads(T)
    {
        int me = omp_get_thread_num();
        tls *t = &tl[me];
        /* each thread allocates (and first touches) its own workspace */
        if (tls_alloc(t, j) != SAL_OK) {
#pragma omp atomic write
            alloc_failed = 1;
        }
#pragma omp barrier
#pragma omp master
        {
            nt = omp_get_num_threads(); /* OpenMP may give fewer than T */
            begin(j, tl, alloc_failed, maxblocks, &c, &status, &quit);
        }
#pragma omp barrier
        while (!quit) {
            work(j, &s, &c, t, me);
#pragma omp barrier
#pragma omp master
            end_epoch(j, &s, &c, tl, nt, wave_blocks, diags, &status, &quit);
#pragma omp barrier
        }
        /* the partial summaries into thread 0's, all threads merging
         * slices of cells (the bytes do not depend on the slicing:
         * summary_int.h) */
        if (status == SAL_OK || status == SAL_EINTR)
            merge_cells(j, tl, nt);
    }
    *ntlp = T;
    uint64_t done = runs_of(j, atomic_load_explicit(&s.ready, memory_order_relaxed));
    free(s.fin);
    free(s.rec);
    /* the last report: the runs finished, which a stop's caller gets too */
    if ((status == SAL_OK || (status == SAL_EINTR && done != c.progressed)) && o->progress)
        o->progress(o->ctx, done, total);
    *done_out = done;
    if (status != SAL_OK && status != SAL_EINTR)
        return status;
    int rc = merge_rest(j, tl, nt);
    return rc != SAL_OK ? rc : status;
}

uint64_t sal_ensemble_memory_bound(const sal_model *m, const sal_ensemble_opts *o, int compare)
{
    if (!m || !o || m->horizon < 0)
        return 0;
    uint64_t block = o->block ? o->block : SAL_ENSEMBLE_BLOCK;
    uint64_t T = o->threads > 0 ? (uint64_t)o->threads : (uint64_t)omp_get_max_threads();
    uint64_t nblocks = o->runs ? (o->runs + block - 1) / block : 1;
    if (T < 1)
        T = 1;
    if (T > nblocks)
        T = nblocks;
    uint64_t days = (uint64_t)m->horizon + 1, nm = m->nmetrics, ne = m->nevents;
    /* a sketch at its cap: 680 bytes of struct and exact sum, two stores of
     * pow2ceil(max_buckets) 32-bit counts (docs/ensemble.md, memory model),
     * whatever the accuracy: the cap is in buckets */
    uint64_t cell = 680 + (uint64_t)2 * 4 * SAL_SKETCH_MAX_BUCKETS;
    double sum = 1536.0 + (double)nm * (double)days * (double)cell +
                 (double)ne * (double)(days + 1) * 8.0;
    /* the exact stores (include/salient/summary.h): every run's value of
     * every cell, held once across the threads' partial summaries and once
     * more in the merged one, each store up to twice its size while it
     * grows */
    uint64_t xmax = sal_summary_exact_cap((uint32_t)nm, (uint32_t)days);
    double xruns = (double)(o->runs < xmax ? o->runs : xmax);
    double exact = 4.0 * xruns * (double)nm * (double)days * 8.0;
    double ws = 0;
    sal_run *r = sal_run_alloc(m);
    if (r) {
        ws = (double)sal_run_bytes(r) + 4096;
        sal_run_free(r);
    }
    double buf = (double)block * (double)days * (double)(nm ? nm : 1) * 8.0 +
                 (double)block * (double)(ne ? ne : 1) * 4.0;
    int k = compare ? 2 : 1;
    /* compare: two summaries, a difference summary, two of everything */
    double per_thread = k * (ws + buf + sum) + (compare ? sum + buf : 0);
    double rec = 0;
    if (!compare && o->on_run) {
        uint64_t reclen = sal_ensemble_record_len(m, o);
        rec = (double)ring_blocks(T, block, reclen, 1) * (double)block *
              (double)(reclen ? reclen : 1) * 8.0;
    }
    rec += (double)ring_blocks(T, block, sal_ensemble_record_len(m, o), !compare && o->on_run) *
           8.0; /* marks */
    double total = (double)T * per_thread + rec + (o->resume_from ? sum : 0) + (double)(1 << 20) +
                   (compare ? 3 : 1) * exact;
    return total >= 1.8e19 ? UINT64_MAX : (uint64_t)total;
}

size_t sal_ensemble_record_len(const sal_model *m, const sal_ensemble_opts *o)
{
    size_t n = m->nuncertain + m->nmetrics;
    const sal_paths_spec *p = o ? o->paths : NULL;
    if (p)
        n += p->nmetrics * p->ndays + (p->events ? m->nevents : 0);
    return n;
}

int sal_paths_check(const sal_model *m, const sal_paths_spec *p)
{
    if (!m || !p || (p->nmetrics && !p->metrics) || (p->ndays && !p->days))
        return SAL_EINPUT;
    for (size_t k = 0; k < p->nmetrics; k++)
        if (p->metrics[k] >= m->nmetrics)
            return SAL_EINPUT;
    for (size_t d = 0; d < p->ndays; d++)
        if (p->days[d] < 0 || p->days[d] > m->horizon || (d && p->days[d] <= p->days[d - 1]))
            return SAL_EINPUT;
    return SAL_OK;
}

static int check_opts(const sal_model *m, const sal_ensemble_opts *o)
{
    if (!m || !o || o->runs == 0 || m->horizon < 0 || o->threads < 0 ||
        o->runs > UINT32_MAX || o->first > UINT64_MAX - o->runs)
        return SAL_EINPUT;
    if (o->paths && sal_paths_check(m, o->paths) != SAL_OK)
        return SAL_EINPUT;
    return SAL_OK;
}

static void free_tls(tls *tl, int n)
{
    for (int i = 0; tl && i < n; i++)
        tls_free(&tl[i]);
    free(tl);
}

/* The runs of job j (its posterior columns found first): *tl the n
 * threads' tables, their merged summaries in tl[0]; SAL_OK, SAL_EINTR (a
 * prefix done) or the failure. */
static int run_job(job *j, tls **tl, int *n, uint64_t *done, sal_diags *diags)
{
    int rc = posterior_columns(j);
    if (rc == SAL_OK)
        rc = drive(j, tl, n, done, diags);
    free(j->pcol[0]);
    free(j->pcol[1]);
    j->pcol[0] = j->pcol[1] = NULL;
    return rc;
}

int sal_ensemble_run(const sal_model *m, const sal_ensemble_opts *o, sal_summary **out,
                     uint64_t *done, sal_diags *diags)
{
    uint64_t dummy;
    if (!done)
        done = &dummy;
    *done = 0;
    if (out)
        *out = NULL;
    if (!out || check_opts(m, o) != SAL_OK)
        return SAL_EINPUT;
    job j = {.m = {m, NULL}, .nmodels = 1, .o = o, .ndays = (size_t)m->horizon + 1,
             .block = o->block ? o->block : SAL_ENSEMBLE_BLOCK,
             .reclen = sal_ensemble_record_len(m, o)};
    tls *tl = NULL;
    int n = 0;
    int rc = run_job(&j, &tl, &n, done, diags);
    if ((rc == SAL_OK || rc == SAL_EINTR) && tl) {
        *out = tl[0].sum[0];
        tl[0].sum[0] = NULL;
    }
    free_tls(tl, n);
    return rc;
}

/* ---- comparisons ----------------------------------------------------- */

void sal_compare_free(sal_compare *c)
{
    if (!c)
        return;
    free(c->metric_a);
    free(c->metric_b);
    free(c->event_a);
    free(c->event_b);
    sal_summary_free(c->a);
    sal_summary_free(c->b);
    sal_summary_free(c->diff);
    free(c->var_diff);
    free(c->var_indep);
    free(c->event_var_diff);
    free(c->event_var_indep);
    free(c);
}

static double sample_var(const sal_xsum *s, const sal_xsum *s2, double n)
{
    if (n < 2)
        return NAN;
    double x = sal_xsum_value(s), x2 = sal_xsum_value(s2);
    double v = (x2 - x * x / n) / (n - 1);
    return v < 0 ? 0 : v;
}

sal_compare *sal_compare_alloc_common(const sal_model *a, const sal_model *b)
{
    sal_compare *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    size_t nm = a->nmetrics ? a->nmetrics : 1, ne = a->nevents ? a->nevents : 1;
    c->metric_a = malloc(nm * sizeof(size_t));
    c->metric_b = malloc(nm * sizeof(size_t));
    c->event_a = malloc(ne * sizeof(size_t));
    c->event_b = malloc(ne * sizeof(size_t));
    c->var_diff = malloc(nm * sizeof(double));
    c->var_indep = malloc(nm * sizeof(double));
    c->event_var_diff = malloc(ne * sizeof(double));
    c->event_var_indep = malloc(ne * sizeof(double));
    if (!c->metric_a || !c->metric_b || !c->event_a || !c->event_b || !c->var_diff ||
        !c->var_indep || !c->event_var_diff || !c->event_var_indep) {
        sal_compare_free(c);
        return NULL;
    }
    for (size_t i = 0; i < a->nmetrics; i++)
        for (size_t k = 0; k < b->nmetrics; k++)
            if (strcmp(a->metrics[i].name, b->metrics[k].name) == 0) {
                c->metric_a[c->nmetrics] = i;
                c->metric_b[c->nmetrics++] = k;
                break;
            }
    for (size_t i = 0; i < a->nevents; i++)
        for (size_t k = 0; k < b->nevents; k++)
            if (strcmp(a->events[i], b->events[k]) == 0) {
                c->event_a[c->nevents] = i;
                c->event_b[c->nevents++] = k;
                break;
            }
    return c;
}

void sal_compare_set_variances(sal_compare *c, const sal_summary *a, const sal_xsum *mom,
                               const uint64_t *disc)
{
    double rn = (double)c->runs;
    for (size_t i = 0; i < c->nmetrics; i++) {
        const sal_xsum *x = mom + i * NMOM;
        c->var_diff[i] = sample_var(&x[MOM_D], &x[MOM_D2], rn);
        c->var_indep[i] = sample_var(&x[MOM_A], &x[MOM_A2], rn) + sample_var(&x[MOM_B], &x[MOM_B2], rn);
    }
    for (size_t e = 0; e < c->nevents; e++) {
        double ca = (double)sal_summary_event_count(a, (uint32_t)c->event_a[e]);
        double cb = (double)sal_summary_event_count(c->b, (uint32_t)c->event_b[e]);
        double dc = (double)disc[e];
        if (rn < 2) {
            c->event_var_diff[e] = c->event_var_indep[e] = NAN;
            continue;
        }
        /* the indicators' sample variances, from exact counts */
        c->event_var_diff[e] = (dc - (cb - ca) * (cb - ca) / rn) / (rn - 1);
        c->event_var_indep[e] = (ca * (rn - ca) + cb * (rn - cb)) / (rn * (rn - 1));
    }
}

int sal_compare_run(const sal_model *a, const sal_model *b, const sal_ensemble_opts *o,
                    sal_compare **out, uint64_t *done, sal_diags *diags)
{
    uint64_t dummy;
    if (!done)
        done = &dummy;
    *done = 0;
    if (out)
        *out = NULL;
    if (!out || check_opts(a, o) != SAL_OK || check_opts(b, o) != SAL_OK ||
        a->horizon != b->horizon)
        return SAL_EINPUT;
    sal_compare *c = sal_compare_alloc_common(a, b);
    if (!c)
        return SAL_ENOMEM;
    job j = {.m = {a, b}, .nmodels = 2, .o = o, .ndays = (size_t)a->horizon + 1,
             .block = o->block ? o->block : SAL_ENSEMBLE_BLOCK, .c = c};
    tls *tl = NULL;
    int n = 0;
    int rc = run_job(&j, &tl, &n, done, diags);
    if ((rc == SAL_OK || rc == SAL_EINTR) && tl) {
        c->runs = *done;
        c->a = tl[0].sum[0];
        c->b = tl[0].sum[1];
        c->diff = tl[0].pair.diff;
        tl[0].sum[0] = tl[0].sum[1] = NULL;
        tl[0].pair.diff = NULL;
        sal_compare_set_variances(c, c->a, tl[0].pair.mom, tl[0].pair.disc);
    }
    free_tls(tl, n);
    if (rc != SAL_OK && rc != SAL_EINTR) {
        sal_compare_free(c);
        return rc;
    }
    *out = c;
    return rc;
}

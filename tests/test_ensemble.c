/* The ensemble driver: the serialised summary does not depend on the
 * threads; quantiles agree with those of all the runs kept and sorted, within
 * the sketch's stated accuracy; event probabilities and day quantiles are
 * exact against counting; runs reach on_run in order; a stop request leaves
 * the summary of the runs finished; a failing run is named; a comparison of
 * a variant with itself is exactly zero and common random numbers reduce the
 * variance of a difference. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runutil.h"
#include "salient/ensemble.h"

/* A square-law duel with Poisson noise, an uncertain coefficient and a
 * policy that fires at a random day (or not at all). */
static const char duel[] =
    "scenario: {name: duel, start: 2024-11-01, horizon: 30, seed: 11, sides: [blue, red]}\n"
    "parameters:\n"
    "  a: {uniform: [0.01, 0.03]}\n"
    "actors:\n"
    "  blue: {side: blue}\n"
    "  red: {side: red}\n"
    "forces:\n"
    "  B: {owner: blue, sector: s, role: assault, strength: 5000, exposure: 1}\n"
    "  R: {owner: red, sector: s, role: defence, strength: 4000, exposure: 1}\n"
    "sectors:\n"
    "  s:\n"
    "    posture: {blue: attack, red: hold}\n"
    "    defence: 1\n"
    "    attrition:\n"
    "      law: square\n"
    "      coefficients:\n"
    "        blue: {param: a}\n"
    "        red: 0.02\n"
    "      noise: poisson\n"
    "policies:\n"
    "  call-help:\n"
    "    when: 'strength(R) < 3000'\n"
    "    hazard: 0.2\n"
    "metrics:\n"
    "  blue: strength(B)\n"
    "  red: strength(R)\n"
    "  blue_killed: casualties(B)\n"
    "variants:\n"
    "  more-red:\n"
    "    set:\n"
    "      forces:\n"
    "        R: {strength: 4200}\n";

static unsigned char *serialise(const sal_summary *s, size_t *n)
{
    *n = sal_summary_serialised_size(s);
    unsigned char *b = malloc(*n);
    assert_non_null(b);
    assert_int_equal(sal_summary_serialise(s, b, *n), SAL_OK);
    return b;
}

static sal_summary *ensemble(const sal_model *m, uint64_t runs, int threads, unsigned block)
{
    sal_ensemble_opts o = {.seed = 3, .runs = runs, .threads = threads, .block = block};
    sal_summary *s = NULL;
    uint64_t done = 0;
    assert_int_equal(sal_ensemble_run(m, &o, &s, &done, NULL), SAL_OK);
    assert_int_equal(done, runs);
    assert_int_equal(sal_summary_runs(s), runs);
    return s;
}

static void test_threads_same_bytes(void **state)
{
    (void)state;
    sal_model *m = load(duel);
    size_t n1, n;
    sal_summary *s1 = ensemble(m, 1000, 1, 0);
    unsigned char *b1 = serialise(s1, &n1);
    /* threads and block sizes: the split of the runs must not matter */
    int threads[] = {2, 3, 2, 1};
    unsigned blocks[] = {0, 7, 1, 1000};
    for (int i = 0; i < 4; i++) {
        sal_summary *s = ensemble(m, 1000, threads[i], blocks[i]);
        unsigned char *b = serialise(s, &n);
        assert_int_equal(n, n1);
        assert_memory_equal(b, b1, n);
        free(b);
        sal_summary_free(s);
    }
    free(b1);
    sal_summary_free(s1);
    sal_model_free(m);
}

/* Every run kept, for the checks against exact statistics. */
typedef struct {
    const sal_model *m;
    uint64_t next;      /* the run on_run expects next */
    int out_of_order;
    double *last;       /* runs x nmetrics */
    double *inputs;
} keep;

static int keep_run(void *ctx, uint64_t run, const double *inputs, const double *last)
{
    keep *k = ctx;
    if (run != k->next)
        k->out_of_order = 1;
    k->next = run + 1;
    memcpy(k->last + run * k->m->nmetrics, last, k->m->nmetrics * sizeof(double));
    memcpy(k->inputs + run * k->m->nuncertain, inputs, k->m->nuncertain * sizeof(double));
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void test_quantiles_and_events_exact(void **state)
{
    (void)state;
    enum { N = 600 };
    sal_model *m = load(duel);
    size_t nm = m->nmetrics;
    keep k = {.m = m};
    k.last = malloc(N * nm * sizeof(double));
    k.inputs = malloc(N * m->nuncertain * sizeof(double));
    assert_non_null(k.last);
    assert_non_null(k.inputs);
    sal_ensemble_opts o = {.seed = 5, .runs = N, .threads = 2, .on_run = keep_run, .ctx = &k};
    sal_summary *s = NULL;
    assert_int_equal(sal_ensemble_run(m, &o, &s, NULL, NULL), SAL_OK);
    assert_false(k.out_of_order);
    assert_int_equal(k.next, N);

    /* the records are those of single runs, and count the events */
    sal_run *r = sal_run_alloc(m);
    assert_non_null(r);
    size_t ne = m->nevents;
    uint64_t *happened = calloc(ne, sizeof *happened);
    int32_t *days = malloc((size_t)N * ne * sizeof *days);
    for (uint64_t i = 0; i < N; i++) {
        exec_ok(r, 0, 5, i);
        const double *sr = sal_run_series(r) + (size_t)m->horizon * nm;
        assert_memory_equal(sr, k.last + i * nm, nm * sizeof(double));
        assert_memory_equal(sal_run_inputs(r), k.inputs + i * m->nuncertain,
                            m->nuncertain * sizeof(double));
        for (size_t e = 0; e < ne; e++) {
            days[i * ne + e] = sal_run_event_days(r)[e];
            happened[e] += days[i * ne + e] >= 0;
        }
    }
    sal_run_free(r);
    int call = event_index(m, "call-help");
    assert_true(happened[call] > N / 10 && happened[call] < N); /* a random event */
    for (size_t e = 0; e < ne; e++) {
        assert_int_equal(sal_summary_event_count(s, (uint32_t)e), happened[e]);
        assert_true(sal_summary_event_probability(s, (uint32_t)e) ==
                    (double)happened[e] / N);
        /* day quantiles: exact order statistics among the runs where it happened */
        double *v = malloc(N * sizeof *v);
        size_t n = 0;
        for (size_t i = 0; i < N; i++)
            if (days[i * ne + e] >= 0)
                v[n++] = days[i * ne + e];
        qsort(v, n, sizeof *v, cmp_double);
        double qs[] = {0, 0.05, 0.5, 0.95, 1};
        for (int q = 0; q < 5; q++) {
            int32_t got = sal_summary_event_quantile(s, (uint32_t)e, qs[q]);
            if (n == 0)
                assert_int_equal(got, SAL_EVENT_NEVER);
            else
                assert_int_equal(got, (int32_t)v[(size_t)floor(qs[q] * (double)(n - 1))]);
        }
        free(v);
    }

    /* metric quantiles at the horizon within a' of the exact order statistic */
    double acc = sal_sketch_accuracy(sal_summary_cell(s, 0, (uint32_t)m->horizon));
    for (size_t j = 0; j < nm; j++) {
        double *v = malloc(N * sizeof *v);
        long double sum = 0;
        for (size_t i = 0; i < N; i++) {
            v[i] = k.last[i * nm + j];
            sum += v[i];
        }
        qsort(v, N, sizeof *v, cmp_double);
        double qs[] = {0.05, 0.25, 0.5, 0.75, 0.95};
        for (int q = 0; q < 5; q++) {
            double x = v[(size_t)floor(qs[q] * (N - 1))];
            double got = sal_summary_quantile(s, (uint32_t)j, (uint32_t)m->horizon, qs[q]);
            assert_close(got, x, acc * fabs(x));
        }
        double mean = sal_summary_mean(s, (uint32_t)j, (uint32_t)m->horizon);
        assert_close(mean, (double)(sum / N), 1e-9 * fabs((double)(sum / N)));
        free(v);
    }
    free(days);
    free(happened);
    free(k.last);
    free(k.inputs);
    sal_summary_free(s);
    sal_model_free(m);
}

/* The scheduler under stress: blocks of one run on more threads than
 * cores, so the ring of run records (4096 blocks here) wraps several times
 * and threads overtake each other; checkpoints every few blocks
 * end epochs mid-way (checkpoint_seconds tiny but positive: due whenever
 * the calling thread looks).  The records reach on_run in order and equal
 * those of one thread; progress only grows and ends at the total; every
 * checkpoint holds exactly the runs on_run has seen; the summary's bytes
 * are those of one thread. */
typedef struct {
    keep k;
    uint64_t last_done, calls;
    int backwards, ckpt_bad, ckpts;
} stress;

static int stress_run(void *ctx, uint64_t run, const double *inputs, const double *last)
{
    return keep_run(&((stress *)ctx)->k, run, inputs, last);
}

static int stress_progress(void *ctx, uint64_t done, uint64_t total)
{
    stress *p = ctx;
    if (done < p->last_done || done > total)
        p->backwards = 1;
    p->last_done = done;
    p->calls++;
    return 0;
}

static int stress_ckpt(void *ctx, const sal_summary *s)
{
    stress *p = ctx;
    if (sal_summary_runs(s) != p->k.next)
        p->ckpt_bad = 1;
    p->ckpts++;
    return 0;
}

static void test_scheduler_stress(void **state)
{
    (void)state;
    enum { N = 15000 };
    sal_model *m = load(duel);
    size_t nm = m->nmetrics, nu = m->nuncertain;
    sal_summary *want = ensemble(m, N, 1, 0);
    size_t nw;
    unsigned char *bw = serialise(want, &nw);
    stress ref = {.k = {.m = m}};
    ref.k.last = malloc(N * nm * sizeof(double));
    ref.k.inputs = malloc(N * nu * sizeof(double));
    assert_non_null(ref.k.last);
    assert_non_null(ref.k.inputs);
    for (int pass = 0; pass < 3; pass++) {
        int threads = pass == 0 ? 1 : pass == 1 ? 4 : 3;
        stress p = {.k = {.m = m}};
        p.k.last = malloc(N * nm * sizeof(double));
        p.k.inputs = malloc(N * nu * sizeof(double));
        assert_non_null(p.k.last);
        assert_non_null(p.k.inputs);
        sal_ensemble_opts o = {.seed = 3, .runs = N, .threads = threads, .block = 1,
                               .on_run = stress_run, .progress = stress_progress, .ctx = &p};
        if (pass == 2) {
            o.checkpoint = stress_ckpt;
            o.checkpoint_seconds = 1e-9;
        }
        sal_summary *s = NULL;
        uint64_t done = 0;
        assert_int_equal(sal_ensemble_run(m, &o, &s, &done, NULL), SAL_OK);
        assert_int_equal(done, N);
        assert_false(p.k.out_of_order);
        assert_int_equal(p.k.next, N);
        assert_false(p.backwards);
        assert_int_equal(p.last_done, N);
        assert_true(p.calls >= 2);
        if (pass == 2) {
            assert_false(p.ckpt_bad);
            assert_true(p.ckpts >= 2);
        }
        size_t n;
        unsigned char *b = serialise(s, &n);
        assert_int_equal(n, nw);
        assert_memory_equal(b, bw, n);
        free(b);
        sal_summary_free(s);
        if (pass == 0) {
            memcpy(ref.k.last, p.k.last, N * nm * sizeof(double));
            memcpy(ref.k.inputs, p.k.inputs, N * nu * sizeof(double));
        } else {
            assert_memory_equal(p.k.last, ref.k.last, N * nm * sizeof(double));
            assert_memory_equal(p.k.inputs, ref.k.inputs, N * nu * sizeof(double));
        }
        free(p.k.last);
        free(p.k.inputs);
    }
    free(ref.k.last);
    free(ref.k.inputs);
    free(bw);
    sal_summary_free(want);
    sal_model_free(m);
}

typedef struct {
    uint64_t stop_at, calls, last_done;
} stopper;

static int stop_progress(void *ctx, uint64_t done, uint64_t total)
{
    stopper *p = ctx;
    (void)total;
    p->calls++;
    p->last_done = done;
    return done >= p->stop_at;
}

static void test_stop(void **state)
{
    (void)state;
    sal_model *m = load(duel);
    stopper p = {.stop_at = 300};
    sal_ensemble_opts o = {.seed = 3, .runs = 5000, .threads = 2, .block = 32,
                           .progress = stop_progress, .ctx = &p};
    sal_summary *s = NULL;
    uint64_t done = 0;
    assert_int_equal(sal_ensemble_run(m, &o, &s, &done, NULL), SAL_EINTR);
    assert_non_null(s);
    assert_true(done >= 300 && done < 5000);
    assert_int_equal(p.last_done, done);
    assert_int_equal(sal_summary_runs(s), done);
    /* exactly the first `done` runs */
    sal_summary *full = ensemble(m, done, 1, 0);
    size_t n1, n2;
    unsigned char *a = serialise(s, &n1), *b = serialise(full, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    free(a);
    free(b);
    sal_summary_free(full);
    sal_summary_free(s);
    sal_model_free(m);
}

/* stop_after: the stop falls on the block that holds its run, whatever the
 * threads' schedule (a progress callback sees the prefix only when the
 * calling thread looks): 300 runs in blocks of 32 stop after exactly 10
 * blocks for 1, 2 and 4 threads, with exactly the first 320 runs summarised;
 * a stop_after of all the runs or more is no stop. */
static void test_stop_after(void **state)
{
    (void)state;
    sal_model *m = load(duel);
    sal_summary *full = ensemble(m, 320, 1, 0);
    size_t nf;
    unsigned char *want = serialise(full, &nf);
    for (int t = 1; t <= 4; t *= 2) {
        sal_ensemble_opts o = {.seed = 3, .runs = 5000, .threads = t, .block = 32, .stop_after = 300};
        sal_summary *s = NULL;
        uint64_t done = 0;
        assert_int_equal(sal_ensemble_run(m, &o, &s, &done, NULL), SAL_EINTR);
        assert_int_equal(done, 320);
        size_t n;
        unsigned char *got = serialise(s, &n);
        assert_int_equal(n, nf);
        assert_memory_equal(got, want, n);
        free(got);
        sal_summary_free(s);
    }
    sal_ensemble_opts o = {.seed = 3, .runs = 320, .threads = 2, .block = 32, .stop_after = 320};
    sal_summary *s = NULL;
    uint64_t done = 0;
    assert_int_equal(sal_ensemble_run(m, &o, &s, &done, NULL), SAL_OK);
    assert_int_equal(done, 320);
    sal_summary_free(s);
    free(want);
    sal_summary_free(full);
    sal_model_free(m);
}

static void test_failure_named(void **state)
{
    (void)state;
    sal_model *m = load("scenario: {name: nan, start: 2024-11-01, horizon: 10, sides: [blue, red]}\n"
                        "actors:\n"
                        "  blue: {side: blue}\n"
                        "  red: {side: red}\n"
                        "forces:\n"
                        "  A: {owner: blue, strength: 0}\n"
                        "metrics:\n"
                        "  share: 'if(day >= 3, killed(A) / strength(A), 0)'\n");
    sal_diags *d = sal_diags_alloc();
    sal_ensemble_opts o = {.seed = 1, .runs = 100, .threads = 2};
    sal_summary *s = NULL;
    assert_int_equal(sal_ensemble_run(m, &o, &s, NULL, d), SAL_ERANGE);
    assert_null(s);
    assert_true(sal_diags_count(d) >= 1);
    char buf[1024];
    sal_diag_format(sal_diags_get(d, 0), buf, sizeof buf);
    /* the lowest failing run, whatever thread met it first */
    assert_non_null(strstr(buf, "run 0 "));
    sal_diags_free(d);
    sal_model_free(m);
}

static void test_compare(void **state)
{
    (void)state;
    sal_model *a = load(duel), *a2 = load(duel), *b = load_variant(duel, "more-red");
    sal_ensemble_opts o = {.seed = 9, .runs = 800, .threads = 2};
    sal_compare *c = NULL;
    /* a variant against itself: every difference exactly zero */
    assert_int_equal(sal_compare_run(a, a2, &o, &c, NULL, NULL), SAL_OK);
    assert_int_equal(c->nmetrics, a->nmetrics);
    for (size_t i = 0; i < c->nmetrics; i++) {
        for (uint32_t d = 0; d <= (uint32_t)a->horizon; d++) {
            const sal_sketch *k = sal_summary_cell(c->diff, (uint32_t)i, d);
            assert_true(sal_sketch_min(k) == 0 && sal_sketch_max(k) == 0);
        }
        assert_true(c->var_diff[i] == 0);
    }
    for (size_t e = 0; e < c->nevents; e++)
        assert_true(c->event_var_diff[e] == 0);
    sal_compare_free(c);

    /* a small change: common random numbers shrink the variance a lot */
    assert_int_equal(sal_compare_run(a, b, &o, &c, NULL, NULL), SAL_OK);
    assert_int_equal(c->runs, 800);
    for (size_t i = 0; i < c->nmetrics; i++)
        assert_true(c->var_indep[i] / c->var_diff[i] > 5);
    /* the diff summary's mean is the difference of the means (to rounding) */
    double h = a->horizon;
    double dm = sal_summary_mean(c->diff, 0, (uint32_t)h);
    assert_close(dm, sal_summary_mean(c->b, 0, (uint32_t)h) - sal_summary_mean(c->a, 0, (uint32_t)h),
                 1e-9 * 5000);
    /* thread-independent */
    sal_ensemble_opts o1 = o;
    o1.threads = 1;
    sal_compare *c1 = NULL;
    assert_int_equal(sal_compare_run(a, b, &o1, &c1, NULL, NULL), SAL_OK);
    size_t n1, n2;
    unsigned char *x = serialise(c->diff, &n1), *y = serialise(c1->diff, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(x, y, n1);
    for (size_t i = 0; i < c->nmetrics; i++)
        assert_true(c->var_diff[i] == c1->var_diff[i] && c->var_indep[i] == c1->var_indep[i]);
    free(x);
    free(y);
    sal_compare_free(c1);
    sal_compare_free(c);
    sal_model_free(a);
    sal_model_free(a2);
    sal_model_free(b);
}

/* Checkpoints: at each one on_run has seen exactly the runs the summary
 * holds; a summary taken at a checkpoint, passed back as resume_from with
 * the remaining runs, gives the bytes of the uninterrupted ensemble, for
 * any threads on either side.  The state file round-trips, and refuses
 * another ensemble and every truncation. */
typedef struct {
    uint64_t seen;        /* runs on_run has seen */
    int bad;              /* a checkpoint whose summary disagreed with seen */
    int n;                /* checkpoints taken */
    sal_summary *at;      /* the summary of checkpoint `want` (a copy) */
    int want;
} ckpt_ctx;

static int ck_run(void *ctx, uint64_t run, const double *inputs, const double *last)
{
    ckpt_ctx *c = ctx;
    (void)inputs;
    (void)last;
    if (run != c->seen)
        c->bad = 1;
    c->seen = run + 1;
    return 0;
}

static int ck_save(void *ctx, const sal_summary *s)
{
    ckpt_ctx *c = ctx;
    if (sal_summary_runs(s) != c->seen)
        c->bad = 1;
    if (c->n++ == c->want) {
        c->at = sal_summary_alloc(sal_summary_layout_of(s));
        assert_non_null(c->at);
        assert_int_equal(sal_summary_merge(c->at, s), SAL_OK);
    }
    return 0;
}

static void test_checkpoint_resume(void **state)
{
    (void)state;
    enum { N = 1500 };
    sal_model *m = load(duel);
    sal_summary *full = ensemble(m, N, 1, 0);
    size_t nf;
    unsigned char *bf = serialise(full, &nf);
    for (int t = 1; t <= 2; t++) {
        for (int want = 0; want < 4; want++) {
            ckpt_ctx c = {.want = want};
            sal_ensemble_opts o = {.seed = 3, .runs = N, .threads = t, .on_run = ck_run,
                                   .ctx = &c, .checkpoint = ck_save, .checkpoint_seconds = 0};
            sal_summary *s = NULL;
            assert_int_equal(sal_ensemble_run(m, &o, &s, NULL, NULL), SAL_OK);
            assert_false(c.bad);
            assert_true(c.n >= 4);
            /* checkpoints change nothing in the result */
            size_t n;
            unsigned char *b = serialise(s, &n);
            assert_int_equal(n, nf);
            assert_memory_equal(b, bf, n);
            free(b);
            sal_summary_free(s);
            /* resumed from checkpoint `want` with the other thread count */
            uint64_t k = sal_summary_runs(c.at);
            assert_true(k > 0 && k < N);
            ckpt_ctx c2 = {.seen = k, .want = -1};
            sal_ensemble_opts o2 = {.seed = 3, .first = k, .runs = N - k, .threads = 3 - t,
                                    .on_run = ck_run, .ctx = &c2, .resume_from = c.at};
            uint64_t done = 0;
            assert_int_equal(sal_ensemble_run(m, &o2, &s, &done, NULL), SAL_OK);
            assert_int_equal(done, N - k);
            assert_int_equal(c2.seen, N);
            assert_false(c2.bad);
            b = serialise(s, &n);
            assert_int_equal(n, nf);
            assert_memory_equal(b, bf, n);
            free(b);
            sal_summary_free(s);
            sal_summary_free(c.at);
        }
    }

    /* the state file: round trip, identity checks, every truncation */
    char dir[] = "/tmp/salient-ckpt-XXXXXX";
    assert_non_null(mkdtemp(dir));
    sal_checkpoint_id id = {.scenario_hash = 42, .scenario_size = 7, .variant = "v",
                            .seed = 3, .runs = N, .records = 4, .flags = SAL_CKPT_RUNS_CSV};
    assert_int_equal(sal_checkpoint_write(dir, &id, full), SAL_OK);
    sal_checkpoint_id got;
    sal_summary *back = NULL;
    sal_diags *d = sal_diags_alloc();
    assert_int_equal(sal_checkpoint_read(dir, &got, &back, d), SAL_OK);
    assert_int_equal(got.done, N);
    assert_int_equal(sal_checkpoint_match(&id, &got, dir, d), SAL_OK);
    assert_int_equal(sal_diags_count(d), 0);
    size_t n;
    unsigned char *b = serialise(back, &n);
    assert_int_equal(n, nf);
    assert_memory_equal(b, bf, n);
    free(b);
    sal_summary_free(back);
    sal_checkpoint_id other = id;
    other.seed = 4;
    snprintf(other.variant, sizeof other.variant, "w");
    assert_int_equal(sal_checkpoint_match(&other, &got, dir, d), SAL_EINPUT);
    char msg[2048];
    sal_diag_format(sal_diags_get(d, 0), msg, sizeof msg);
    assert_non_null(strstr(msg, "the seed is 4, not 3"));
    assert_non_null(strstr(msg, "the variant is 'w', not 'v'"));

    char path[256];
    snprintf(path, sizeof path, "%s/checkpoint/state", dir);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *all = malloc(1 << 22);
    size_t len = fread(all, 1, 1 << 22, f);
    fclose(f);
    /* truncations (every one up to 600 bytes, then a stride) and flips */
    for (size_t cut = 0; cut < len; cut += cut < 600 ? 1 : 997) {
        f = fopen(path, "wb");
        fwrite(all, 1, cut, f);
        fclose(f);
        back = NULL;
        assert_int_equal(sal_checkpoint_read(dir, &got, &back, d), SAL_EINPUT);
        assert_null(back);
    }
    for (size_t at = 0; at < len; at += 131) {
        all[at] ^= 0x10;
        f = fopen(path, "wb");
        fwrite(all, 1, len, f);
        fclose(f);
        all[at] ^= 0x10;
        back = NULL;
        assert_int_equal(sal_checkpoint_read(dir, &got, &back, d), SAL_EINPUT);
        assert_null(back);
    }
    free(all);
    assert_int_equal(sal_checkpoint_remove(dir), SAL_OK);
    assert_int_equal(sal_checkpoint_read(dir, &got, &back, d), SAL_EIO);
    assert_int_equal(rmdir(dir), 0);
    sal_diags_free(d);
    free(bf);
    sal_summary_free(full);
    sal_model_free(m);
}

static void test_bad_options(void **state)
{
    (void)state;
    sal_model *m = load(duel);
    sal_summary *s = NULL;
    sal_ensemble_opts o = {.seed = 1, .runs = 0};
    assert_int_equal(sal_ensemble_run(m, &o, &s, NULL, NULL), SAL_EINPUT);
    assert_null(s);
    o.runs = 10;
    o.threads = -1;
    assert_int_equal(sal_ensemble_run(m, &o, &s, NULL, NULL), SAL_EINPUT);
    assert_int_equal(sal_ensemble_run(NULL, &o, &s, NULL, NULL), SAL_EINPUT);
    sal_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_same_bytes),
        cmocka_unit_test(test_quantiles_and_events_exact),
        cmocka_unit_test(test_scheduler_stress),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_stop_after),
        cmocka_unit_test(test_failure_named),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_checkpoint_resume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Theses files and their evaluation (src/analysis/study.c, src/analysis/study_run.c):
 * the reader's errors (file:line:col, did-you-mean), the name checks against
 * the scenario, the shares read from sketches, the Wilson interval, and the
 * verdicts of a study of tiny scenarios whose answers are known in closed
 * form. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "salient/salient.h"
#include "salient/study.h"

/* x ~ uniform(0, 1), metric mx = x; a policy with daily hazard 0.01 and no
 * condition records event 'strike'.  Variant 'plus' shifts x by 0.1 (same
 * input name, so the same uniform draw: the difference is 0.1 in every
 * run); variant 'twice' doubles the hazard (the same daily draws: every day
 * the policy fires at 0.01 it fires at 0.02 too). */
static const char scenario[] =
    "scenario: {name: tiny, start: 2025-01-01, horizon: 99, seed: 7, sides: [blue, red]}\n"
    "parameters:\n"
    "  x: {uniform: [0, 1]}\n"
    "actors:\n"
    "  blue: {side: blue}\n"
    "  red: {side: red}\n"
    "forces:\n"
    "  blue-1: {owner: blue, sector: front, strength: 1000}\n"
    "  red-1: {owner: red, sector: front, strength: 1000}\n"
    "sectors:\n"
    "  front: {attrition: {coefficients: {blue: 0.0001, red: 0.0001}}}\n"
    "policies:\n"
    "  strike: {hazard: 0.01, actions: [{event: strike}]}\n"
    "metrics:\n"
    "  mx: param(x)\n"
    "variants:\n"
    "  plus: {set: {parameters: {x: {uniform: [0.1, 1.1]}}}}\n"
    "  twice: {set: {policies: {strike: {hazard: 0.02}}}}\n";

static const char theses_head[] = "study: {scenario: tiny.yaml, runs: 4000}\n"
                                  "theses:\n";

static sal_theses *read_theses(const char *body, sal_diags *d, int expect_rc)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s%s", theses_head, body);
    sal_theses *t = NULL;
    int rc = sal_theses_read_buffer(buf, strlen(buf), "t.theses.yaml", d, &t);
    if (rc != expect_rc) {
        for (size_t i = 0; i < sal_diags_count(d); i++) {
            char m[1024];
            sal_diag_format(sal_diags_get(d, i), m, sizeof m);
            print_message("%s\n", m);
        }
        fail_msg("sal_theses_read_buffer returned %d, expected %d", rc, expect_rc);
    }
    return t;
}

/* The first diagnostic formatted, to compare with the expected text. */
static const char *first_diag(const sal_diags *d)
{
    static char m[1024];
    if (sal_diags_count(d) == 0)
        return "";
    sal_diag_format(sal_diags_get(d, 0), m, sizeof m);
    return m;
}

static void expect_read_error(const char *body, const char *msg)
{
    sal_diags *d = sal_diags_alloc();
    sal_theses *t = read_theses(body, d, SAL_EINPUT);
    assert_null(t);
    assert_string_equal(first_diag(d), msg);
    sal_diags_free(d);
}

/* The seeds' citations: read in order; a seed cited twice, or without its
 * citation, is an error at its place. */
static void test_reader_seeds(void **state)
{
    (void)state;
    sal_diags *d = sal_diags_alloc();
    sal_theses *t = read_theses("  - {id: a, test: {metric: mx, expect: {above: 1}}}\n"
                                "seeds:\n"
                                "  - {file: 000_x.txt, cite: \"A. Author, Title, 5 Nov 2024\"}\n"
                                "  - {file: 001_y.txt, cite: \"B. Author, Other, undated\"}\n",
                                d, SAL_OK);
    assert_non_null(t);
    assert_int_equal(t->nseeds, 2);
    assert_string_equal(t->seed_file[1], "001_y.txt");
    assert_string_equal(t->seed_cite[0], "A. Author, Title, 5 Nov 2024");
    sal_theses_free(t);
    sal_diags_free(d);
    expect_read_error("  - {id: a, test: {metric: mx, expect: {above: 1}}}\n"
                      "seeds:\n"
                      "  - {file: 000_x.txt, cite: a}\n"
                      "  - {file: 000_x.txt, cite: b}\n",
                      "t.theses.yaml:6:12: error: seed '000_x.txt' is cited twice; expected one "
                      "entry per file");
    expect_read_error("  - {id: a, test: {metric: mx, expect: {above: 1}}}\n"
                      "seeds:\n"
                      "  - {file: 000_x.txt}\n",
                      "t.theses.yaml:5:5: error: a seed needs 'file' and 'cite'; expected "
                      "{file: NAME.txt, cite: \"Author, Title, Publisher, date\"}");
}

static void test_reader_errors(void **state)
{
    (void)state;
    expect_read_error("  - {id: a, tset: {metric: mx, expect: {above: 1}}}\n",
                      "t.theses.yaml:3:13: error: unknown key 'tset' in thesis 'a'; did you mean "
                      "'test'?");
    expect_read_error("  - {id: a, test: {metric: mx, expect: increse}}\n",
                      "t.theses.yaml:3:40: error: 'expect' of thesis 'a' is 'increse'; did you "
                      "mean 'increase'?");
    expect_read_error("  - {id: a, test: {metric: mx, expect: increase}}\n",
                      "t.theses.yaml:3:40: error: 'expect' of thesis 'a' is 'increase' but the "
                      "test compares nothing; expected 'compare: VARIANT' (or {above: x} / "
                      "{below: x})");
    expect_read_error("  - {id: a, test: {event: strike, expect: {abov: 1}}}\n",
                      "t.theses.yaml:3:44: error: unknown key 'abov' in 'expect' of thesis 'a'; "
                      "did you mean 'above'?");
    expect_read_error("  - {id: a, test: {metric: mx, expect: {within: [2, 1]}}}\n",
                      "t.theses.yaml:3:49: error: 'within' of 'expect' of thesis 'a' is [2, 1]; "
                      "expected lo <= hi");
    expect_read_error("  - {id: a, test: {metric: mx, event: strike, expect: {above: 1}}}\n",
                      "t.theses.yaml:3:39: error: the test of thesis 'a' has both 'metric' and "
                      "'event'; expected one of them");
    expect_read_error("  - {id: a, test: {event: strike, expect: {probability_above: 2}}}\n",
                      "t.theses.yaml:3:63: error: 'probability_above' of 'expect' of thesis 'a' "
                      "is 2; expected a probability between 0 and 1");
    expect_read_error("  - {id: a, test: {metric: mx, expect: {above: 1}}}\n"
                      "  - {id: a, test: {metric: mx, expect: {above: 2}}}\n",
                      "t.theses.yaml:4:10: error: thesis 'a' is defined twice (first at line 3); "
                      "expected unique ids");
    sal_diags *d = sal_diags_alloc();
    sal_theses *t = NULL;
    const char *bad = "study: {scenario: s.yaml, sensitivity: {metrics: [mx], base: 100}}\n"
                      "theses: []\n";
    assert_int_equal(sal_theses_read_buffer(bad, strlen(bad), "b.yaml", d, &t), SAL_EINPUT);
    assert_string_equal(first_diag(d), "b.yaml:1:62: error: 'study.sensitivity.base' is 100; "
                                       "expected a power of 2 (64, 128, 256, ...)");
    sal_diags_free(d);
}

static sal_study *load(const char *body, sal_diags *d, int expect_rc)
{
    sal_theses *t = read_theses(body, d, SAL_OK);
    sal_study *s = NULL;
    int rc = sal_study_load(t, scenario, strlen(scenario), "tiny.yaml", d, &s);
    assert_int_equal(rc, expect_rc);
    if (rc != SAL_OK)
        sal_theses_free(t);
    return s;
}

static void expect_bind_error(const char *body, const char *msg)
{
    sal_diags *d = sal_diags_alloc();
    sal_study *s = load(body, d, SAL_EINPUT);
    assert_null(s);
    assert_string_equal(first_diag(d), msg);
    sal_diags_free(d);
}

static void test_bind_errors(void **state)
{
    (void)state;
    expect_bind_error("  - {id: a, test: {compare: plsu, metric: mx, expect: increase}}\n",
                      "t.theses.yaml:3:29: error: no variant 'plsu' in the scenario; did you "
                      "mean 'plus'?");
    expect_bind_error("  - {id: a, test: {metric: my, expect: {above: 1}}}\n",
                      "t.theses.yaml:3:28: error: no metric 'my' in the scenario; did you mean "
                      "'mx'?");
    expect_bind_error("  - {id: a, test: {event: strik, expect: {probability_above: 0.5}}}\n",
                      "t.theses.yaml:3:27: error: no event 'strik' in the scenario; did you mean "
                      "'strike'?");
    expect_bind_error("  - {id: a, test: {metric: mx, at: 2025-04-11, expect: {above: 1}}}\n",
                      "t.theses.yaml:3:36: error: the date of thesis 'a', 2025-04-11, is after "
                      "the end of the scenario (2025-01-01 to 2025-04-10); expected a date "
                      "within it");
    expect_bind_error("  - {id: a, test: {metric: mx, at: 2025-02-30, expect: {above: 1}}}\n",
                      "t.theses.yaml:3:36: error: the date of thesis 'a' is '2025-02-30', not a "
                      "calendar date; expected YYYY-MM-DD from 2025-01-01 to 2025-04-10");
}

static void test_sketch_share(void **state)
{
    (void)state;
    sal_sketch *s = sal_sketch_alloc(0, 0);
    const double v[] = {-3, -2, 0, 0, 1, 5, 1e-300, -1e-300};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        assert_int_equal(sal_sketch_add(s, v[i]), SAL_OK);
    /* exact at 0: 1, 5, 1e-300 above; -3, -2, -1e-300 below */
    assert_close(sal_sketch_share_above(s, 0), 3.0 / 8, 0);
    assert_close(sal_sketch_share_below(s, 0), 3.0 / 8, 0);
    /* away from the values: exact too */
    assert_close(sal_sketch_share_above(s, 2), 1.0 / 8, 0);
    assert_close(sal_sketch_share_below(s, -2.5), 1.0 / 8, 0);
    assert_close(sal_sketch_share_above(s, 10), 0, 0);
    assert_close(sal_sketch_share_below(s, -10), 0, 0);
    sal_sketch_free(s);
    s = sal_sketch_alloc(0, 0);
    assert_true(isnan(sal_sketch_share_above(s, 0)));
    sal_sketch_free(s);
}

static void test_wilson(void **state)
{
    (void)state;
    /* The bounds are the roots p of (k/n - p)^2 = z^2 p (1 - p) / n. */
    const double z = 1.6448536269514722;
    const double cases[][2] = {{50, 100}, {3, 40}, {37, 37}, {0, 10}, {1234, 4000}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double k = cases[i][0], n = cases[i][1], lo, hi;
        sal_wilson90(k, n, &lo, &hi);
        assert_true(lo <= k / n && k / n <= hi);
        double p = k / n;
        assert_close((p - lo) * (p - lo), z * z * lo * (1 - lo) / n, 1e-12);
        assert_close((p - hi) * (p - hi), z * z * hi * (1 - hi) / n, 1e-12);
    }
}

static const sal_thesis_result *result_of(const sal_study *s, const char *id)
{
    for (size_t i = 0; i < s->theses->ntheses; i++)
        if (strcmp(s->theses->theses[i].id, id) == 0) {
            assert_true(s->evaluated[i]);
            return &s->results[i];
        }
    fail_msg("no thesis %s", id);
    return NULL;
}

static void test_closed_form(void **state)
{
    (void)state;
    const char *body =
        /* x ~ U(0, 1): P(x > 0.2) = 0.8, P(x > 0.9) = 0.1, P(0.3 <= x <= 0.6) = 0.3 */
        "  - {id: above, test: {metric: mx, at: 2025-02-01, expect: {above: 0.2}}}\n"
        "  - {id: above-far, test: {metric: mx, expect: {above: 0.9}}}\n"
        "  - {id: within, test: {metric: mx, expect: {within: [0.3, 0.6]}}}\n"
        "  - {id: below, test: {metric: mx, expect: {below: 0.5}}}\n"
        /* P(strike by day d) = 1 - 0.99^(d + 1) */
        "  - {id: ev-low, test: {event: strike, by: 2025-03-10, expect: {probability_above: 0.3}}}\n"
        "  - {id: ev-high, test: {event: strike, by: 2025-03-10, expect: {probability_above: 0.8}}}\n"
        "  - {id: ev-below, test: {event: strike, expect: {probability_below: 0.8}}}\n"
        /* plus - base = 0.1 in every run */
        "  - {id: cmp-up, test: {compare: plus, metric: mx, expect: increase}}\n"
        "  - {id: cmp-down, test: {compare: plus, metric: mx, expect: decrease}}\n"
        /* twice - base: P by the horizon 0.99^100 - 0.98^100, every discordant run up */
        "  - {id: cmp-ev, test: {compare: twice, event: strike, expect: increase}}\n";
    sal_diags *d = sal_diags_alloc();
    sal_study *s = load(body, d, SAL_OK);
    assert_non_null(s);
    sal_study_opts o = {.runs = 4000, .seed = 7, .threads = 2};
    assert_int_equal(sal_study_run(s, &o, d), SAL_OK);
    const double acc = 0.005; /* the sketches' relative accuracy */
    const sal_thesis_result *r = result_of(s, "above");
    /* 4000 runs: a share's standard error is at most 0.008; 0.03 is > 3.5 of them */
    assert_close(r->value, 0.5, 0.015);
    /* an order statistic's standard error: sqrt(0.05 0.95 / 4000) = 0.0034 */
    assert_close(r->lo, 0.05, 0.015);
    assert_close(r->hi, 0.95, 0.015);
    assert_close(r->probability, 0.8, 0.03);
    assert_int_equal(r->verdict, SAL_VERDICT_SUPPORTED);
    r = result_of(s, "above-far");
    assert_close(r->probability, 0.1, 0.03);
    assert_int_equal(r->verdict, SAL_VERDICT_CONTRADICTED);
    r = result_of(s, "within");
    assert_close(r->probability, 0.3, 0.03);
    assert_int_equal(r->verdict, SAL_VERDICT_UNCERTAIN);
    r = result_of(s, "below");
    assert_close(r->probability, 0.5, 0.03);
    assert_int_equal(r->verdict, SAL_VERDICT_UNCERTAIN);

    /* 2025-03-10 is day 68: P = 1 - 0.99^69 = 0.500 */
    double p68 = 1 - pow(0.99, 69), p99 = 1 - pow(0.99, 100);
    r = result_of(s, "ev-low");
    assert_close(r->value, p68, 0.03);
    assert_close(r->probability, r->value, 0);
    double lo, hi;
    sal_wilson90(r->value * 4000, 4000, &lo, &hi);
    assert_close(r->lo, lo, 1e-12);
    assert_close(r->hi, hi, 1e-12);
    assert_int_equal(r->verdict, SAL_VERDICT_SUPPORTED);
    r = result_of(s, "ev-high");
    assert_int_equal(r->verdict, SAL_VERDICT_CONTRADICTED);
    r = result_of(s, "ev-below");
    assert_close(r->value, p99, 0.03);
    assert_int_equal(r->verdict, SAL_VERDICT_SUPPORTED);

    r = result_of(s, "cmp-up");
    assert_close(r->value, 0.1, 1e-9);
    assert_close(r->lo, 0.1, 0.1 * acc + 1e-9);
    assert_close(r->hi, 0.1, 0.1 * acc + 1e-9);
    assert_close(r->probability, 1, 0);
    assert_int_equal(r->verdict, SAL_VERDICT_SUPPORTED);
    r = result_of(s, "cmp-down");
    assert_close(r->probability, 0, 0);
    assert_int_equal(r->verdict, SAL_VERDICT_CONTRADICTED);

    r = result_of(s, "cmp-ev");
    assert_close(r->value, pow(0.99, 100) - pow(0.98, 100), 0.03);
    assert_close(r->probability, 1, 0); /* no run loses the event */
    assert_true(r->lo > 0);
    assert_int_equal(r->verdict, SAL_VERDICT_SUPPORTED);

    const sal_theses *t = s->theses;
    sal_study_free(s);
    sal_theses_free((sal_theses *)t);
    sal_diags_free(d);
}

/* Two summaries are equal iff their serialised bytes are (summary.h). */
static void assert_same_summary(const sal_summary *x, const sal_summary *y)
{
    assert_non_null(x);
    assert_non_null(y);
    size_t nx = sal_summary_serialised_size(x), ny = sal_summary_serialised_size(y);
    assert_int_equal(nx, ny);
    unsigned char *bx = malloc(nx), *by = malloc(ny);
    assert_non_null(bx);
    assert_non_null(by);
    assert_int_equal(sal_summary_serialise(x, bx, nx), SAL_OK);
    assert_int_equal(sal_summary_serialise(y, by, ny), SAL_OK);
    assert_memory_equal(bx, by, nx);
    free(bx);
    free(by);
}

static void assert_same_doubles(const double *x, const double *y, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(isnan(x[i]) && isnan(y[i])))
            assert_memory_equal(&x[i], &y[i], sizeof(double));
}

typedef struct {
    uint64_t stop_at; /* stop once the study's count reaches it; 0: never */
} stop_ctx;

static int stop_progress(void *ctx, uint64_t done, uint64_t total)
{
    const stop_ctx *c = ctx;
    (void)total;
    return c->stop_at && done >= c->stop_at;
}

/* A study with every variant paired with the kept runs of the base (the
 * default) and the same study with each variant on its own copy of the base
 * (sal_compare_run, pair_bytes = 1 keeps nothing): the same numbers, bit
 * for bit, for 1 and 2 threads; and both stop in a variant's runs. */
static void test_paired_is_unpaired(void **state)
{
    (void)state;
    const char *body = "  - {id: cmp-up, test: {compare: plus, metric: mx, expect: increase}}\n"
                       "  - {id: cmp-ev, test: {compare: twice, event: strike, expect: increase}}\n";
    const uint64_t runs = 1000;
    /* stop_at: never; inside the first variant's runs, at 512 of them.  The
     * two paths stop at different points after that (the paired driver at
     * the end of a wave of 256 runs, the ensemble's scheduler once the
     * prefix of finished blocks passes it, and a block or so later), so
     * after a stop only the base and the stop itself are compared. */
    const uint64_t stops[] = {0, runs + 512};
    for (int threads = 1; threads <= 2; threads++)
        for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++) {
            sal_diags *d = sal_diags_alloc();
            sal_study *s[2];
            for (int p = 0; p < 2; p++) {
                s[p] = load(body, d, SAL_OK);
                assert_non_null(s[p]);
                stop_ctx sc = {stops[k]};
                sal_study_opts o = {.runs = runs, .seed = 11, .threads = threads,
                                    .progress = stop_progress, .ctx = &sc,
                                    .pair_bytes = p ? 1 : 0};
                assert_int_equal(sal_study_run(s[p], &o, d), stops[k] ? SAL_EINTR : SAL_OK);
            }
            assert_int_equal(s[0]->partial, s[1]->partial);
            assert_int_equal(s[0]->runs_done, runs);
            assert_int_equal(s[1]->runs_done, runs);
            assert_same_summary(s[0]->summary, s[1]->summary);
            const sal_model *m = s[0]->base;
            assert_memory_equal(s[0]->records, s[1]->records,
                                runs * (m->nuncertain + m->nmetrics) * sizeof(double));
            size_t compared = 0;
            for (size_t v = 0; v < s[0]->nvariants; v++) {
                const sal_compare *c0 = s[0]->compare[v], *c1 = s[1]->compare[v];
                assert_true((c0 == NULL) == (c1 == NULL));
                if (!c0)
                    continue;
                compared++;
                sal_compare w0, w1;
                c0 = sal_study_compare_view(s[0], c0, &w0);
                c1 = sal_study_compare_view(s[1], c1, &w1);
                if (stops[k]) {
                    assert_int_equal(c0->runs, 512);
                    assert_true(c1->runs >= 512 && c1->runs < runs);
                    continue;
                }
                assert_int_equal(c0->runs, c1->runs);
                assert_int_equal(c0->runs, runs);
                assert_int_equal(c0->nmetrics, c1->nmetrics);
                assert_int_equal(c0->nevents, c1->nevents);
                /* the numbers kept of the comparison: every cell's mean and
                 * quantiles of both arms and of the difference */
                const sal_model *mv = s[0]->variants[v];
                size_t nd = (size_t)m->horizon + 1;
                const sal_study_packed *p0 = &s[0]->packed[v], *p1 = &s[1]->packed[v];
                assert_same_doubles(p0->vq, p1->vq, mv->nmetrics * nd * 6);
                assert_same_doubles(p0->ve, p1->ve, mv->nevents);
                assert_memory_equal(p0->ve_day, p1->ve_day, mv->nevents * 3 * sizeof(int32_t));
                assert_same_doubles(p0->cq, p1->cq, c0->nmetrics * nd * 6);
                assert_same_doubles(p0->ce, p1->ce, c0->nevents * 2);
                /* the summaries were dropped once their numbers were kept */
                assert_null(s[0]->compare[v]->b);
                assert_null(s[0]->compare[v]->diff);
                assert_same_doubles(c0->var_diff, c1->var_diff, c0->nmetrics);
                assert_same_doubles(c0->var_indep, c1->var_indep, c0->nmetrics);
                assert_same_doubles(c0->event_var_diff, c1->event_var_diff, c0->nevents);
                assert_same_doubles(c0->event_var_indep, c1->event_var_indep, c0->nevents);
                /* 'plus' adds 0.1 to x in every run: the paired difference
                 * (the base's mean near 0.5 and the variant's near 0.6) */
                if (strcmp(m->variants[v], "plus") == 0) {
                    const double *q = p0->cq + 99 * 6;
                    assert_close(q[SAL_PACK_DMEAN], 0.1, 1e-9);
                    assert_close(q[SAL_PACK_D05], 0.1, 0.1 * 0.005 + 1e-12);
                    assert_close(q[SAL_PACK_D95], 0.1, 0.1 * 0.005 + 1e-12);
                    assert_close(q[SAL_PACK_A], 0.5, 0.05);
                    assert_close(q[SAL_PACK_B] - q[SAL_PACK_A], 0.1, 1e-9);
                }
            }
            assert_int_equal(compared, stops[k] ? 1 : 2);
            for (size_t i = 0; i < s[0]->theses->ntheses && !stops[k]; i++) {
                assert_int_equal(s[0]->evaluated[i], s[1]->evaluated[i]);
                const sal_thesis_result *r0 = &s[0]->results[i], *r1 = &s[1]->results[i];
                assert_same_doubles(&r0->value, &r1->value, 1);
                assert_same_doubles(&r0->lo, &r1->lo, 1);
                assert_same_doubles(&r0->hi, &r1->hi, 1);
                assert_same_doubles(&r0->probability, &r1->probability, 1);
                assert_int_equal(r0->verdict, r1->verdict);
                assert_string_equal(r0->summary, r1->summary);
            }
            for (int p = 0; p < 2; p++) {
                const sal_theses *t = s[p]->theses;
                sal_study_free(s[p]);
                sal_theses_free((sal_theses *)t);
            }
            sal_diags_free(d);
        }
}

static void test_provenance(void **state)
{
    (void)state;
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    assert_int_equal(sal_model_read_buffer(scenario, strlen(scenario), "tiny.yaml", NULL, d, &m),
                     SAL_OK);
    sal_provenance_row *rows;
    size_t n;
    assert_int_equal(sal_model_provenance(m, &rows, &n), SAL_OK);
    int found_x = 0, found_strength = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(rows[i].path, rows[j].path);
        if (strcmp(rows[i].path, "parameters.x") == 0) {
            found_x = 1;
            assert_true(rows[i].uncertain);
            assert_string_equal(rows[i].value, "uniform(0, 1)");
            assert_null(rows[i].source);
        }
        if (strcmp(rows[i].path, "forces.blue-1.strength") == 0) {
            found_strength = 1;
            assert_false(rows[i].uncertain);
            assert_string_equal(rows[i].value, "1000");
        }
    }
    assert_true(found_x);
    assert_true(found_strength);
    sal_provenance_free(rows, n);
    sal_model_free(m);
    sal_diags_free(d);
}

/* Discovery questions: the cases of 'mx > 0.7' are exactly the runs with
 * x > 0.7 (mx = x), so PRIM's box is x >= 0.7 within one peel (0.05 of x's
 * range, by Friedman and Fisher's alpha) with density and coverage near 1;
 * the same answers, labels and records, bit for bit, from the paired study
 * (records from the kept base runs) and the unpaired one (pair_bytes = 1:
 * records from the ensemble's per-run paths and event days), for 1 and 2
 * threads, for conditions on last-day metrics, event days and a metric on
 * a date; and the reader's and binder's errors at their place. */
static void test_questions(void **state)
{
    (void)state;
    const char *body = "  - {id: t, test: {metric: mx, expect: {above: 0.5}}}\n"
                       "discover:\n"
                       "  - {id: high, where: mx > 0.7}\n"
                       "  - {id: early, where: 'event_day(strike) < date(2025-01-21)',"
                       " method: cart}\n"
                       "  - {id: on-day,"
                       " where: 'metric(mx, 2025-02-01) < 0.2 or metric(mx, 10) > 0.9'}\n"
                       "  - {id: none, where: mx > 5}\n";
    const uint64_t runs = 1000;
    sal_study *ref = NULL;
    for (int k = 0; k < 4; k++) {
        sal_diags *d = sal_diags_alloc();
        sal_study *s = load(body, d, SAL_OK);
        assert_non_null(s);
        sal_study_opts o = {.runs = runs, .seed = 11, .threads = 1 + k % 2,
                            .pair_bytes = k < 2 ? 0 : 1};
        assert_int_equal(sal_study_run(s, &o, d), SAL_OK);
        assert_non_null(s->disc_runs);
        assert_int_equal(s->disc_runs->n, runs);
        assert_int_equal(s->disc_runs->npairs, 2);
        if (!ref) {
            ref = s;
            sal_diags_free(d);
            continue;
        }
        const sal_disc_runs *a = ref->disc_runs, *b = s->disc_runs;
        assert_memory_equal(a->x, b->x, runs * a->ninputs * sizeof(double));
        assert_memory_equal(a->last, b->last, runs * a->nmetrics * sizeof(double));
        assert_memory_equal(a->event_day, b->event_day, runs * a->nevents * sizeof(double));
        assert_memory_equal(a->pair, b->pair, runs * a->npairs * sizeof(double));
        for (size_t i = 0; i < 4; i++) {
            assert_true((ref->disc[i] == NULL) == (s->disc[i] == NULL));
            assert_string_equal(ref->disc_why[i], s->disc_why[i]);
            assert_int_equal(ref->disc_cases[i], s->disc_cases[i]);
            if (!s->disc[i])
                continue;
            const sal_disc_result *r0 = ref->disc[i], *r1 = s->disc[i];
            assert_int_equal(r0->nboxes, r1->nboxes);
            for (size_t j = 0; j < r0->nboxes; j++) {
                assert_memory_equal(r0->boxes[j].box.range, r1->boxes[j].box.range,
                                    r0->p * sizeof(sal_disc_range));
                assert_same_doubles(&r0->boxes[j].box.density, &r1->boxes[j].box.density, 1);
                assert_same_doubles(r0->boxes[j].stability, r1->boxes[j].stability, r0->p);
            }
        }
        const sal_theses *t = s->theses;
        sal_study_free(s);
        sal_theses_free((sal_theses *)t);
        sal_diags_free(d);
    }
    /* x > 0.7 exactly */
    const sal_disc_result *r = ref->disc[0];
    assert_non_null(r);
    assert_true(r->boxes[0].met);
    assert_close(r->boxes[0].box.range[0].lower, 0.7, 0.05);
    assert_true(r->boxes[0].box.density >= 0.95 && r->boxes[0].box.coverage >= 0.95);
    /* the event's days: P(strike by day 19) = 1 - 0.99^20 = 0.182 */
    assert_close((double)ref->disc_cases[1] / (double)runs, 0.182, 0.04);
    assert_non_null(ref->disc[1]);
    /* mx on a date is x: 0.2 + 0.1 of the runs */
    assert_close((double)ref->disc_cases[2] / (double)runs, 0.3, 0.05);
    /* no case of interest: no answer, the reason kept */
    assert_null(ref->disc[3]);
    assert_int_equal(ref->disc_cases[3], 0);
    assert_non_null(strstr(ref->disc_why[3], "no run is a case of interest"));
    const sal_theses *t = ref->theses;
    sal_study_free(ref);
    sal_theses_free((sal_theses *)t);

    expect_read_error("  - {id: t, test: {metric: mx, expect: {above: 0.5}}}\n"
                      "discover:\n  - {id: q, where: mx > 1, method: crat}\n",
                      "t.theses.yaml:5:36: error: 'method' of discovery question 'q' is 'crat'; "
                      "did you mean 'cart'?");
    expect_bind_error("  - {id: t, test: {metric: mx, expect: {above: 0.5}}}\n"
                      "discover:\n  - {id: q, where: 'event_day(strik) < 3'}\n",
                      "t.theses.yaml:5:31: error: no event named 'strik'; did you mean "
                      "'strike'?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader_errors),
        cmocka_unit_test(test_reader_seeds), cmocka_unit_test(test_bind_errors),
        cmocka_unit_test(test_sketch_share),  cmocka_unit_test(test_wilson),
        cmocka_unit_test(test_closed_form),   cmocka_unit_test(test_provenance),
        cmocka_unit_test(test_paired_is_unpaired), cmocka_unit_test(test_questions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

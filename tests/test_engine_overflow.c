/* Overflows and rounding in the engine found with the engine's fuzz harness
 * (fuzz/fuzz_engine.c) and the probes written with it: each once let an
 * infinity into the results, a NaN drop casualties, or a stock pass its cap,
 * without stopping the run.  Now:
 *   - a pipeline whose amounts in transit at the horizon overflow stops the
 *     run with SAL_ERANGE on that day (it left sal_run_in_transit = inf);
 *   - troops joining a withdrawn force that overflow its troops arrived or
 *     withdrawn stop the run (they became inf);
 *   - a side whose strength x exposure weights overflow still takes its
 *     casualties, shared in the same proportions (inf/inf = NaN shares
 *     dropped them all);
 *   - a transfer or a delivery that fills a stock to its cap leaves it at
 *     the cap (stock + (cap - stock) rounds to above it: 0.3 + 0.6 > 0.9);
 *   - a PERT, triangular or uniform input whose range overflows a double
 *     (pert: [-1e308, 0, 1e308]) drew NaN or inf, and its mean could be inf,
 *     so every run of a valid scenario failed: now drawn, inverted and
 *     averaged at a scale where nothing overflows, within its support.
 * The fuzz inputs themselves are in fuzz/regress/engine/. */
#include "runutil.h"

#include <gsl/gsl_rng.h>

#define HEAD(h) "scenario: {name: t, start: 2024-11-01, horizon: " #h ", sides: [blue, red]}\n"

/* Runs yaml in both modes: fails with SAL_ERANGE on `day` with `expect` in
 * the message, placed on `line` (where the entity at fault is defined);
 * runs clean with the horizon one day shorter. */
static void fails_on(const char *body, int day, const char *expect, int line)
{
    char y[4096];
    for (int det = 0; det < 2; det++)
        for (int h = day - 1; h <= day; h++) {
            snprintf(y, sizeof y,
                     "scenario: {name: t, start: 2024-11-01, horizon: %d, sides: [blue, red]}\n%s",
                     h, body);
            sal_model *m = load(y);
            sal_run *r = sal_run_alloc(m);
            assert_non_null(r);
            sal_diags *d = sal_diags_alloc();
            sal_run_opts o = {.seed = 1, .deterministic = det};
            int rc = sal_run_exec(r, &o, d);
            if (h < day) {
                if (rc != SAL_OK)
                    fail_msg("fails before day %d (det %d)", day, det);
            } else {
                assert_int_equal(rc, SAL_ERANGE);
                assert_int_equal(sal_diags_count(d), 1);
                char msg[2048], when[64];
                sal_diag_format(sal_diags_get(d, 0), msg, sizeof msg);
                snprintf(when, sizeof when, "day %d (2024-11-%02d)", day, 1 + day);
                if (!strstr(msg, expect) || !strstr(msg, when))
                    fail_msg("message '%s' lacks '%s' or '%s'", msg, expect, when);
                if (sal_diags_get(d, 0)->line != line || !(sal_diags_get(d, 0)->col > 0))
                    fail_msg("message '%s' not on line %d", msg, line);
            }
            sal_diags_free(d);
            sal_run_free(r);
            sal_model_free(m);
        }
}

static void test_pipeline_in_transit(void **state)
{
    (void)state;
    /* 1e308 a day from nowhere from day 1, due after the horizon: the
     * second day's sum is inf */
    fails_on("actors:\n  blue: {side: blue, stocks: {shells: 0}}\n  red: {side: red}\n"
             "pipelines:\n  make: {to: blue.shells, rate: 1e308, delay: 100, when: 'day >= 1'}\n",
             2, "pipeline 'make': sending 1e+308 made the amount in transit not finite", 6);
}

static void test_join_withdrawn(void **state)
{
    (void)state;
    /* b1 breaks on day 1; from day 2, 1e308 troops a day join the withdrawn */
    fails_on("actors:\n  blue: {side: blue}\n  red: {side: red}\n"
             "forces:\n"
             "  b1: {owner: blue, sector: front, strength: 1000, break_point: 0.9}\n"
             "  r1: {owner: red, sector: front, strength: 1000}\n"
             "sectors:\n  front: {attrition: {coefficients: {blue: 0.5, red: 0}}}\n"
             "policies:\n  more:\n    when: day >= 2\n    repeat: true\n"
             "    actions: [{deploy: {force: b1, amount: 1e308}}]\n",
             3, "force 'b1' (withdrawn): 1e+308 troops joining make the troops arrived or "
                "withdrawn not finite", 6);
}

static void test_huge_exposure(void **state)
{
    (void)state;
    /* the same two forces with exposure 1 and 1e300 (1e10 x 1e300 = inf):
     * the shares, and so every casualty, are the same */
    const char *fmt = HEAD(5) "actors:\n  blue: {side: blue}\n  red: {side: red}\n"
                              "forces:\n"
                              "  b1: {owner: blue, sector: front, strength: 1e10, exposure: %s}\n"
                              "  b2: {owner: blue, sector: front, strength: 1e10, exposure: %s}\n"
                              "  r1: {owner: red, sector: front, strength: 1000}\n"
                              "sectors:\n  front: {attrition: {coefficients: {blue: 0.1, red: "
                              "0.0001}}}\n"
                              "metrics:\n  c1: casualties(b1)\n  c2: casualties(b2)\n";
    char y1[2048], y2[2048];
    snprintf(y1, sizeof y1, fmt, "1", "1");
    snprintf(y2, sizeof y2, fmt, "1e300", "1e300");
    sal_model *m1 = load(y1), *m2 = load(y2);
    for (int det = 0; det < 2; det++) {
        sal_run *r1 = run_once(m1, det, 3, 0), *r2 = run_once(m2, det, 3, 0);
        for (int day = 0; day <= 5; day++) {
            assert_true(at(r1, "c1", day) + at(r1, "c2", day) > 0);
            assert_true(at(r2, "c1", day) == at(r1, "c1", day));
            assert_true(at(r2, "c2", day) == at(r1, "c2", day));
        }
        sal_run_free(r1);
        sal_run_free(r2);
    }
    sal_model_free(m1);
    sal_model_free(m2);
}

static void test_fill_to_cap(void **state)
{
    (void)state;
    const char *ys[] = {
        HEAD(3) "actors:\n  blue: {side: blue, stocks: {shells: {initial: 0.3, cap: 0.9}, spare: 5}}\n"
                "  red: {side: red}\n"
                "policies:\n  give: {actions: [{transfer: {from: blue.spare, to: blue.shells, amount: 1}}]}\n"
                "metrics:\n  s: stock(blue, shells)\n",
        HEAD(3) "actors:\n  blue: {side: blue, stocks: {shells: {initial: 0.3, cap: 0.9}}}\n"
                "  red: {side: red}\n"
                "pipelines:\n  make: {to: blue.shells, rate: 1}\n"
                "metrics:\n  s: stock(blue, shells)\n",
    };
    for (size_t i = 0; i < 2; i++) {
        sal_model *m = load(ys[i]);
        for (int det = 0; det < 2; det++) {
            sal_run *r = run_once(m, det, 1, 0);
            assert_true(at(r, "s", 0) == 0.9);
            assert_true(sal_run_stock(r, 0, 0) == 0.9);
            sal_run_free(r);
        }
        sal_model_free(m);
    }
}

static void test_huge_ranges(void **state)
{
    (void)state;
    const double ps[][3] = {{-1e308, 0, 1e308}, {0, 1e308, 1.7e308}, {-1.7e308, -1.7e308, 1.7e308},
                            {-1e200, 3, 1e200}, {1, 2, 3}};
    const sal_dist_kind kinds[] = {SAL_DIST_PERT, SAL_DIST_TRIANGULAR, SAL_DIST_UNIFORM};
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(g);
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
        for (size_t k = 0; k < 3; k++) {
            sal_dist d = {.kind = kinds[k], .p = {ps[i][0], ps[i][1], ps[i][2]}};
            if (kinds[k] == SAL_DIST_UNIFORM)
                d.p[1] = d.p[2];
            double lo = d.p[0], hi = kinds[k] == SAL_DIST_UNIFORM ? d.p[1] : d.p[2];
            char why[256];
            assert_int_equal(sal_dist_check(&d, why, sizeof why), SAL_OK);
            double mu = sal_dist_mean(&d);
            assert_true(isfinite(mu) && mu >= lo && mu <= hi);
            double sum = 0;
            for (int j = 0; j < 2000; j++) {
                double x = sal_dist_sample(&d, g), q = sal_dist_quantile(&d, (j + 0.5) / 2000);
                if (!(isfinite(x) && x >= lo && x <= hi && isfinite(q) && q >= lo && q <= hi))
                    fail_msg("kind %d [%g, %g]: drew %g, quantile %g", (int)kinds[k], lo, hi, x, q);
                sum += x / 2000;
            }
            /* the draws are those of the distribution: the mean within 10% of the range */
            assert_true(fabs(sum - mu) <= 0.1 * (hi / 2 - lo / 2) * 2);
        }
    gsl_rng_free(g);
    /* and a scenario with such an input runs in both modes */
    sal_model *m = load(HEAD(2) "parameters:\n  x: {pert: [-1e308, 0, 1e308]}\n"
                                "actors:\n  blue: {side: blue}\n  red: {side: red}\n"
                                "metrics:\n  m: param(x) / 1e300\n");
    for (int det = 0; det < 2; det++)
        for (uint64_t run = 0; run < 20; run++)
            sal_run_free(run_once(m, det, 5, run));
    sal_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipeline_in_transit),
        cmocka_unit_test(test_join_withdrawn),
        cmocka_unit_test(test_huge_exposure),
        cmocka_unit_test(test_fill_to_cap),
        cmocka_unit_test(test_huge_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* NaN and infinity never enter the state (issue 7, item 2): a scenario built
 * to make each mechanism produce one stops the run with SAL_ERANGE and a
 * message naming the expression (at its file:line:col) or the mechanism,
 * and the day; the ensemble driver stops the same way and returns no
 * summary.  Each case is checked to run cleanly one day earlier (the
 * horizon before the bad day), so the failure is the mechanism's and not a
 * broken scenario's. */
#include "runutil.h"

#include "salient/ensemble.h"

#define HEAD(h)                                                                     \
    "scenario: {name: t, start: 2024-11-01, horizon: " #h ", sides: [blue, red]}\n"

typedef struct {
    const char *name;
    const char *body;   /* after the scenario line; the run fails on `day` */
    int day;
    const char *expect; /* in the message */
    int line;           /* the line of the expression, or of the force, sector,
                           stock or pipeline at fault */
} nf_case;

static const nf_case cases[] = {
    {"metric 0/0", "actors:\n  blue: {side: blue}\n  red: {side: red}\n"
                   "forces:\n  A: {owner: blue, strength: 0}\n"
                   "metrics:\n  ratio: 'if(day >= 4, killed(A) / strength(A), 0)'\n",
     4, "metric 'ratio'", 8},
    {"policy condition", "actors:\n  blue: {side: blue}\n  red: {side: red}\n"
                         "forces:\n  A: {owner: blue, strength: 10}\n"
                         "policies:\n  p: {when: 'if(day >= 3, log(day - 5) > 0, 0)'}\n",
     3, "the condition of a policy", 8},
    {"pipeline condition", "actors:\n  blue: {side: blue, stocks: {shells: 0}}\n  red: {side: red}\n"
                           "pipelines:\n  pl: {to: blue.shells, rate: 1, when: 'if(day >= 2, 0 / 0 > 1, 1)'}\n",
     2, "the condition of a pipeline", 6},
    {"treaty trigger", "actors:\n  blue: {side: blue}\n  red: {side: red}\n"
                       "treaties:\n  t: {parties: [blue, red], trigger: 'if(day >= 5, 1 / 0, 0) > 1'}\n",
     5, "the trigger of a treaty", 6},
    {"deploy amount", "actors:\n  blue: {side: blue}\n  red: {side: red}\n"
                      "forces:\n  A: {owner: blue, strength: 10}\n"
                      "policies:\n  p: {when: day == 2, actions: [{deploy: {force: A, amount: 'sqrt(1 - day)'}}]}\n",
     2, "the amount of a deploy action", 8},
    {"set value", "actors:\n  blue: {side: blue}\n  red: {side: red}\n"
                  "forces:\n  A: {owner: blue, strength: 10}\n"
                  "policies:\n  p: {when: day == 3, actions: [{set: {force: A, field: multiplier, value: 'exp(1000)'}}]}\n",
     3, "the value of a set action", 8},
    /* mechanisms without an expression of their own: placed where the
     * force, sector, stock or pipeline at fault is defined */
    {"arrivals overflow", "actors:\n  blue: {side: blue}\n  red: {side: red}\n"
                          "forces:\n  A: {owner: blue, strength: 1e308}\n"
                          "policies:\n  p: {when: day >= 3, actions: [{deploy: {force: A, amount: 1e308}}]}\n",
     3, "force 'A': 1e+308 troops joining 1e+308 present give a strength or experience that is not finite", 6},
    {"effective strength", "actors:\n  blue: {side: blue}\n  red: {side: red}\n"
                           "forces:\n  A: {owner: blue, sector: s, strength: 100}\n"
                           "  B: {owner: red, sector: s, strength: 100}\n"
                           "sectors:\n  s: {attrition: {coefficients: {blue: 0.001, red: 0.001}}}\n"
                           "policies:\n  p: {when: day == 2, actions: [{set: {force: A, field: multiplier, value: 1e307}}]}\n",
     2, "sector 's': the effective strength of side 'blue' is infinite", 9},
    {"attrition law", "actors:\n  blue: {side: blue}\n  red: {side: red}\n"
                      "forces:\n  A: {owner: blue, sector: s, strength: 1e300}\n"
                      "  B: {owner: red, sector: s, strength: 1e300}\n"
                      "sectors:\n  s: {intensity: 0, attrition: {p: 2, coefficients: {blue: 1, red: 1}}}\n"
                      "policies:\n  p: {when: day == 3, actions: [{set: {sector: s, field: intensity, value: 1}}]}\n",
     3, "sector 's': the attrition law gives infinite losses", 9},
    {"stock flow", "actors:\n  blue: {side: blue, stocks: {shells: {initial: 1e308, flow: 3e307}}}\n  red: {side: red}\n",
     2, "stock 'blue.shells': a flow of 3e+307 overflowed it", 3},
    {"pipeline delivery", "actors:\n  blue: {side: blue, stocks: {shells: 1.5e308}}\n  red: {side: red}\n"
                          "pipelines:\n  pl: {to: blue.shells, rate: 1e308, delay: 2, when: 'day < 1'}\n",
     2, "pipeline 'pl': delivering 1e+308 made a stock that is not finite", 6},
    {"transfer", "actors:\n  blue: {side: blue, stocks: {shells: 1.5e308}}\n  red: {side: red, stocks: {shells: 1.5e308}}\n"
                 "policies:\n  p: {when: day == 4, actions: [{transfer: {from: red.shells, to: blue.shells, amount: 1e308}}]}\n",
     4, "a transfer of 1e+308 made a stock that is not finite", 6},
};

static char *yaml_of(const nf_case *c, int horizon)
{
    static char buf[4096];
    snprintf(buf, sizeof buf,
             "scenario: {name: t, start: 2024-11-01, horizon: %d, sides: [blue, red]}\n%s", horizon,
             c->body);
    return buf;
}

static void test_each_mechanism(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const nf_case *c = &cases[i];
        /* clean up to the day before */
        sal_model *m = load(yaml_of(c, c->day - 1));
        sal_run *r = sal_run_alloc(m);
        assert_non_null(r);
        sal_diags *d = sal_diags_alloc();
        sal_run_opts o = {.seed = 1, .run = 0, .deterministic = 0, .inputs = NULL, .series = NULL, .event_days = NULL};
        int rc = sal_run_exec(r, &o, d);
        if (rc != SAL_OK)
            fail_msg("%s: fails before day %d", c->name, c->day);
        for (size_t k = 0; k < (size_t)c->day * m->nmetrics; k++)
            assert_true(isfinite(sal_run_series(r)[k]));
        sal_run_free(r);
        sal_model_free(m);
        sal_diags_free(d);

        /* and stops on the day, in both modes */
        for (int det = 0; det < 2; det++) {
            m = load(yaml_of(c, 10));
            r = sal_run_alloc(m);
            d = sal_diags_alloc();
            sal_run_opts o2 = {.seed = 1, .run = 0, .deterministic = det, .inputs = NULL, .series = NULL, .event_days = NULL};
            rc = sal_run_exec(r, &o2, d);
            if (rc != SAL_ERANGE)
                fail_msg("%s: status %d, expected SAL_ERANGE", c->name, rc);
            assert_int_equal(sal_diags_count(d), 1);
            char msg[2048], day[64];
            sal_diag_format(sal_diags_get(d, 0), msg, sizeof msg);
            snprintf(day, sizeof day, "day %d (2024-11-%02d)", c->day, 1 + c->day);
            if (!strstr(msg, c->expect) || !strstr(msg, day))
                fail_msg("%s: message '%s' lacks '%s' or '%s'", c->name, msg, c->expect, day);
            if (sal_diags_get(d, 0)->line != c->line || !(sal_diags_get(d, 0)->col > 0))
                fail_msg("%s: at %d:%d, expected line %d", c->name, sal_diags_get(d, 0)->line,
                         sal_diags_get(d, 0)->col, c->line);
            sal_diags_free(d);
            sal_run_free(r);
            sal_model_free(m);
        }
    }
}

/* The ensemble stops on the lowest failing run and returns no summary. */
static void test_ensemble_stops(void **state)
{
    (void)state;
    /* fails only in runs whose drawn x is above 0.5, on day 6 */
    const char *y = HEAD(10) "parameters:\n  x: {uniform: [0, 1]}\n"
                             "actors:\n  blue: {side: blue}\n  red: {side: red}\n"
                             "metrics:\n  m: 'if(day >= 6 and param(x) > 0.5, 0 / 0, day)'\n";
    sal_model *m = load(y);
    for (int t = 1; t <= 2; t++) {
        sal_ensemble_opts o = {.seed = 9, .runs = 500, .threads = t};
        sal_summary *s = (sal_summary *)1;
        sal_diags *d = sal_diags_alloc();
        assert_int_equal(sal_ensemble_run(m, &o, &s, NULL, d), SAL_ERANGE);
        assert_null(s);
        assert_int_equal(sal_diags_count(d), 1);
        char msg[2048];
        sal_diag_format(sal_diags_get(d, 0), msg, sizeof msg);
        assert_non_null(strstr(msg, "metric 'm'"));
        assert_non_null(strstr(msg, "day 6 (2024-11-07)"));
        /* the lowest failing run, whatever the threads: check it by hand */
        sal_run *r = sal_run_alloc(m);
        uint64_t first = 0;
        for (;; first++) {
            sal_run_opts ro = {.seed = 9, .run = first, .deterministic = 0, .inputs = NULL, .series = NULL, .event_days = NULL};
            if (sal_run_exec(r, &ro, NULL) != SAL_OK)
                break;
        }
        sal_run_free(r);
        char want[64];
        snprintf(want, sizeof want, "of run %llu (seed 9)", (unsigned long long)first);
        if (!strstr(msg, want))
            fail_msg("'%s' lacks '%s'", msg, want);
        sal_diags_free(d);
    }
    sal_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_mechanism),
        cmocka_unit_test(test_ensemble_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

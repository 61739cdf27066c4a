/* Golden files: small scenarios in deterministic mode (tests/golden/NAME/
 * scenario.yaml) with their expected series.csv and events.csv.  Two checks
 * each:
 *   1. the engine reproduces the checked-in series.csv;
 *   2. series.csv itself equals an independent computation written here by
 *      hand (the daily difference equations of docs/model.md), so that the
 *      golden files are known to be right, not only unchanged.
 * tests/cli/run_golden.sh checks 'salient run --deterministic' against the
 * same files. */
#include "runutil.h"

#include <stdio.h>
#include <stdlib.h>

enum { MAXCOL = 16, MAXDAY = 128 };

typedef struct {
    char names[MAXCOL][32];
    int ncol, nday;
    double v[MAXDAY][MAXCOL];
} csv;

static void read_csv(const char *path, csv *c)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    char line[4096];
    memset(c, 0, sizeof *c);
    assert_non_null(fgets(line, sizeof line, f));
    for (char *tok = strtok(line, ",\n"); tok; tok = strtok(NULL, ",\n")) {
        assert_true(c->ncol < MAXCOL);
        snprintf(c->names[c->ncol++], sizeof c->names[0], "%s", tok);
    }
    while (fgets(line, sizeof line, f)) {
        assert_true(c->nday < MAXDAY);
        int k = 0;
        for (char *tok = strtok(line, ",\n"); tok; tok = strtok(NULL, ",\n"), k++)
            c->v[c->nday][k] = k == 1 ? 0 : strtod(tok, NULL); /* column 1: the date */
        assert_int_equal(k, c->ncol);
        assert_close(c->v[c->nday][0], c->nday, 0);
        c->nday++;
    }
    fclose(f);
}

static int col(const csv *c, const char *name)
{
    for (int k = 0; k < c->ncol; k++)
        if (strcmp(c->names[k], name) == 0)
            return k;
    fail_msg("no column %s", name);
    return -1;
}

/* Runs the golden scenario and checks it against its series.csv (check 1);
 * returns the file for check 2. */
static sal_model *golden(const char *name, csv *c, sal_run **out)
{
    char path[256];
    snprintf(path, sizeof path, "tests/golden/%s/scenario.yaml", name);
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    assert_int_equal(sal_model_read(path, NULL, d, &m), SAL_OK);
    sal_diags_free(d);
    snprintf(path, sizeof path, "tests/golden/%s/series.csv", name);
    read_csv(path, c);
    sal_run *r = run_once(m, 1, 1, 0);
    assert_int_equal(c->nday, (int)sal_run_ndays(r));
    assert_int_equal(c->ncol, 2 + (int)m->nmetrics);
    for (int t = 0; t < c->nday; t++)
        for (size_t k = 0; k < m->nmetrics; k++) {
            assert_string_equal(c->names[2 + k], m->metrics[k].name);
            assert_rel(sal_run_series(r)[(size_t)t * m->nmetrics + k], c->v[t][2 + k], 1e-13);
        }
    *out = r;
    return m;
}

#define EXPECT(name, t, value) assert_rel(c.v[t][col(&c, name)], (value), 1e-11)

static void test_golden_duel(void **state)
{
    (void)state;
    csv c;
    sal_run *r;
    sal_model *m = golden("duel", &c, &r);
    double A = 10000, B = 6000, ka = 0, ca = 0, kb = 0, back[64] = {0};
    for (int t = 0; t <= 30; t++) {
        A += back[t];                         /* (a) wounded back after 7 days */
        double EA = A * 0.8, EB = B * 1.5;     /* red holds under attack */
        double la = fmin(0.02 * EB, A), lb = fmin(0.05 * EA, B);
        A -= la;
        B -= lb;
        ka += 0.3 * la;
        ca += la;
        kb += 0.25 * lb;
        back[t + 7] += 0.7 * la * 0.5;
        EXPECT("a", t, A);
        EXPECT("b", t, B);
        EXPECT("ka", t, ka);
        EXPECT("ca", t, ca);
        EXPECT("kb", t, kb);
    }
    sal_run_free(r);
    sal_model_free(m);
}

static void test_golden_supply(void **state)
{
    (void)state;
    csv c;
    sal_run *r;
    sal_model *m = golden("supply", &c, &r);
    double stock = 3000, ally = 100000, cb = 0;
    for (int t = 0; t <= 30; t++) {
        stock += 400;                 /* production */
        ally -= 500;                  /* sent today ... */
        if (t >= 10)
            stock += 500;             /* ... arrives 10 days later */
        double demand = 20 * 50000 / 1000.0;
        double fire = 0.25 + 0.75 * fmin(1, stock / demand);
        cb += 0.0002 * 50000 * fire;
        stock -= fmin(stock, demand);
        EXPECT("shells", t, stock);
        EXPECT("ally", t, ally);
        EXPECT("cb", t, cb);
    }
    /* the shortage bit: fire below 1 on some days, full on others */
    assert_true(c.v[5][col(&c, "cb")] - c.v[4][col(&c, "cb")] < 10 - 1e-9);
    sal_run_free(r);
    sal_model_free(m);
}

static void test_golden_learning(void **state)
{
    (void)state;
    csv c;
    sal_run *r;
    sal_model *m = golden("learning", &c, &r);
    double D = 8000, R = 20000, U = 15000, xd = 0.3, kd = 0;
    int broken = -1;
    for (int t = 0; t <= 60; t++) {
        double EB = D * xd * 0.6 + R * 0.7, ER = U * 0.8;
        double lb = fmin(0.03 * ER, D + R), lr = fmin(0.01 * EB, U);
        double wD = D * 2, wR = R * 1; /* assault 2, defence 1 */
        double cD = lb * wD / (wD + wR), cR = lb * wR / (wD + wR);
        assert_true(cD <= D && cR <= R);
        int fought = D > 0;
        D -= cD;
        R -= cR;
        U -= lr;
        kd += 0.4 * cD;
        if (fought)
            xd += 0.04 * (0.9 - xd);
        if (broken < 0 && D < 0.5 * 8000) {
            broken = t;
            D = 0;
        }
        EXPECT("d", t, D);
        EXPECT("r", t, R);
        EXPECT("u", t, U);
        EXPECT("kd", t, kd);
    }
    assert_true(broken > 0 && broken < 60);
    sal_force_account a = account(r, "D");
    assert_int_equal(a.withdrawn_day, broken);
    sal_run_free(r);
    sal_model_free(m);
}

static void test_golden_policy(void **state)
{
    (void)state;
    csv c;
    sal_run *r;
    sal_model *m = golden("policy", &c, &r);
    /* the pact on day 3; the offensive at risk from day 3 fires when
     * 0.8^n <= 1/2, n = 4: day 6, acting on day 8 */
    int n = 0;
    double surv = 1;
    while (surv > 0.5)
        surv *= 0.8, n++;
    int fire = 3 + n - 1, acts = fire + 2;
    assert_int_equal(acts, 8);
    double g = 500;
    for (int t = 0; t <= 40; t++) {
        if (t >= acts)
            g -= 4 * log(4500.0 / 1000.0 / 1.5) / log(2.0);
        EXPECT("g", t, g);
        EXPECT("a", t, t >= acts ? 4500 : 3000);
        EXPECT("rung", t, t >= acts ? 2 : 0);
        EXPECT("pact", t, t >= 3);
    }
    /* events.csv: by day, then the order of the model */
    FILE *f = fopen("tests/golden/policy/events.csv", "r");
    assert_non_null(f);
    char buf[2048];
    size_t k = fread(buf, 1, sizeof buf - 1, f);
    buf[k] = '\0';
    fclose(f);
    assert_string_equal(buf, "event,day,date\n"
                             "L.low,0,2024-11-01\n"
                             "pact,3,2024-11-04\n"
                             "L.mid,8,2024-11-09\n"
                             "L.high,8,2024-11-09\n"
                             "offensive,8,2024-11-09\n"
                             "reinforce,8,2024-11-09\n");
    assert_int_equal(event_day(r, "L.high"), 8);
    assert_int_equal(event_day(r, "reinforce"), 8);
    sal_run_free(r);
    sal_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_duel),
        cmocka_unit_test(test_golden_supply),
        cmocka_unit_test(test_golden_learning),
        cmocka_unit_test(test_golden_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The daily engine, mechanism by mechanism, against cases computed by hand
 * in the test (the daily difference equations, closed forms, counts). */
#include "runutil.h"

#include <omp.h>

#include "engine/engine_int.h" /* sal_share */

#define HEAD(h)                                                                     \
    "scenario: {name: t, start: 2024-11-01, horizon: " #h ", sides: [blue, red]}\n" \
    "actors:\n  blue: {side: blue}\n  red: {side: red}\n"

/* ---- (c) the attrition law ------------------------------------------- */

/* A square-law duel in deterministic mode against the daily difference
 * equations A' = A - a B, B' = B - b A, both from the start of the day. */
static void test_duel_square(void **state)
{
    (void)state;
    const char *y = HEAD(60)
        "forces:\n"
        "  A: {owner: blue, sector: s, strength: 1000, experience: 1}\n"
        "  B: {owner: red, sector: s, strength: 800, experience: 1}\n"
        "sectors:\n"
        "  s:\n"
        "    posture: {blue: attack, red: attack}\n"
        "    attrition: {coefficients: {blue: 0.01, red: 0.02}}\n"
        "metrics: {a: strength(A), b: strength(B), ka: killed(A), ca: casualties(A)}\n";
    sal_model *m = load(y);
    sal_run *r = run_once(m, 1, 1, 0);
    double A = 1000, B = 800, cas = 0;
    for (int t = 0; t <= 60; t++) {
        double la = fmin(0.01 * B, A), lb = fmin(0.02 * A, B);
        A -= la;
        B -= lb;
        cas += la;
        assert_rel(at(r, "a", t), A, 1e-12);
        assert_rel(at(r, "b", t), B, 1e-12);
        assert_rel(at(r, "ca", t), cas, 1e-12);
        assert_rel(at(r, "ka", t), 0.25 * cas, 1e-12); /* default killed share */
    }
    /* B is wiped out (0.02 * 1000^2 > 0.01 * 800^2; about day 45 in the
     * continuous solution), never below zero */
    assert_true(at(r, "b", 60) == 0);
    assert_true(at(r, "b", 40) > 0);
    assert_true(at(r, "a", 60) > 0);
    sal_run_free(r);
    sal_model_free(m);
}

/* Helmbold/Weiss exponents, intensity, posture: L_s = I a_s E_o^p N_s^q
 * with the defence multiplier on the holding side's fire. */
static void test_duel_general(void **state)
{
    (void)state;
    const char *y = HEAD(30)
        "forces:\n"
        "  A: {owner: blue, sector: s, strength: 5000, experience: 0.6, interoperability: 0.5,"
        " multiplier: 1.5}\n"
        "  B: {owner: red, sector: s, strength: 3000, experience: 0.9}\n"
        "sectors:\n"
        "  s:\n"
        "    posture: {blue: attack, red: hold}\n"
        "    intensity: 0.8\n"
        "    defence: 1.7\n"
        "    attrition: {p: 0.6, q: 0.4, coefficients: {blue: 0.02, red: 0.03}}\n"
        "metrics: {a: strength(A), b: strength(B)}\n";
    sal_model *m = load(y);
    sal_run *r = run_once(m, 1, 1, 0);
    double A = 5000, B = 3000;
    for (int t = 0; t <= 30; t++) {
        double EA = A * 0.6 * 0.5 * 1.5;
        double EB = B * 0.9 * 1.7; /* red holds under attack */
        double la = fmin(0.8 * 0.02 * pow(EB, 0.6) * pow(A, 0.4), A);
        double lb = fmin(0.8 * 0.03 * pow(EA, 0.6) * pow(B, 0.4), B);
        A -= la;
        B -= lb;
        assert_rel(at(r, "a", t), A, 1e-11);
        assert_rel(at(r, "b", t), B, 1e-11);
    }
    sal_run_free(r);
    sal_model_free(m);
}

/* Both sides holding: intensity times hold_intensity; linear law. */
static void test_both_hold(void **state)
{
    (void)state;
    const char *y = HEAD(10)
        "forces:\n"
        "  A: {owner: blue, sector: s, strength: 2000, experience: 1}\n"
        "  B: {owner: red, sector: s, strength: 1000, experience: 1}\n"
        "sectors:\n"
        "  s:\n"
        "    hold_intensity: 0.25\n"
        "    defence: 3\n"
        "    attrition: {law: linear, coefficients: {blue: 0.00001, red: 0.00002}}\n"
        "metrics: {a: strength(A), b: strength(B)}\n";
    sal_model *m = load(y);
    sal_run *r = run_once(m, 1, 1, 0);
    double A = 2000, B = 1000;
    for (int t = 0; t <= 10; t++) {
        /* no one attacks: no defence multiplier, a quarter of the intensity */
        double la = 0.25 * 0.00001 * B * A, lb = 0.25 * 0.00002 * A * B;
        A -= la;
        B -= lb;
        assert_rel(at(r, "a", t), A, 1e-12);
        assert_rel(at(r, "b", t), B, 1e-12);
    }
    sal_run_free(r);
    sal_model_free(m);
}

/* Stochastic casualties: Poisson mean and variance, negative binomial
 * variance mu + mu^2 / k, over many runs (the law set to a constant mean:
 * p = q = 0). */
static void noise_moments(const char *noise, double k, double *mean, double *var, int runs)
{
    char y[1024];
    snprintf(y, sizeof y, HEAD(1)
             "forces:\n"
             "  A: {owner: blue, sector: s, strength: 1000000}\n"
             "  B: {owner: red, sector: s, strength: 1000000}\n"
             "sectors:\n"
             "  s:\n"
             "    posture: {blue: attack, red: attack}\n"
             "    attrition: {p: 0, q: 0, coefficients: {blue: 50, red: 0}, noise: %s%s}\n"
             "metrics: {ca: casualties(A), cb: casualties(B)}\n",
             noise, k > 0 ? ", dispersion: 5" : "");
    sal_model *m = load(y);
    sal_run *r = sal_run_alloc(m);
    double s = 0, s2 = 0;
    for (int i = 0; i < runs; i++) {
        exec_ok(r, 0, 99, (uint64_t)i);
        double c = at(r, "ca", 0);
        assert_true(c == floor(c));
        assert_true(at(r, "cb", 1) == 0);
        s += c;
        s2 += c * c;
    }
    *mean = s / runs;
    *var = (s2 - s * s / runs) / (runs - 1);
    sal_run_free(r);
    sal_model_free(m);
}

static void test_noise(void **state)
{
    (void)state;
    int n = 20000;
    double mean, var;
    noise_moments("poisson", 0, &mean, &var, n);
    /* mean 50: sd of the sample mean 0.05, of the sample variance ~0.5 */
    assert_close(mean, 50, 4 * sqrt(50.0 / n));
    assert_close(var, 50, 4 * sqrt((50 + 2 * 2500.0) / n));
    noise_moments("negbin", 5, &mean, &var, n);
    /* k = 5: variance 50 + 2500/5 = 550 */
    assert_close(mean, 50, 4 * sqrt(550.0 / n));
    assert_close(var, 550, 0.08 * 550);
    /* none in a stochastic run: the mean, whole, the fraction carried */
    noise_moments("none", 0, &mean, &var, 10);
    assert_close(mean, 50, 0);
    assert_close(var, 0, 0);
}

/* ---- (c) casualty sharing by exposure ------------------------------- */

static void test_share_unit(void **state)
{
    (void)state;
    double q[4], out[4];
    /* proportional to the weights */
    const double w1[] = {2000, 3000}, c1[] = {1000, 3000};
    sal_share(100, 2, w1, c1, 0, q, out);
    assert_close(out[0], 40, 1e-12);
    assert_close(out[1], 60, 1e-12);
    /* a cap reached: the excess goes to the others */
    const double w2[] = {1000, 100}, c2[] = {100, 1000};
    sal_share(500, 2, w2, c2, 0, q, out);
    assert_close(out[0], 100, 1e-12);
    assert_close(out[1], 400, 1e-12);
    /* whole troops: floors 2, 2, 2 and the one left to the first of the
     * equal remainders */
    const double w3[] = {1, 1, 1}, c3[] = {10, 10, 10};
    sal_share(7, 3, w3, c3, 1, q, out);
    assert_close(out[0], 3, 0);
    assert_close(out[1], 2, 0);
    assert_close(out[2], 2, 0);
    /* largest remainders: 10 * (0.55, 0.3, 0.15) = 5.5, 3, 1.5 -> 6, 3, 1
     * (ties at .5 to the lowest index) */
    const double w4[] = {55, 30, 15}, c4[] = {100, 100, 100};
    sal_share(10, 3, w4, c4, 1, q, out);
    assert_close(out[0], 6, 0);
    assert_close(out[1], 3, 0);
    assert_close(out[2], 1, 0);
    /* everything present: every force at its cap */
    const double w5[] = {1, 5, 0.5}, c5[] = {3, 4, 5};
    sal_share(12, 3, w5, c5, 1, q, out);
    assert_close(out[0] + out[1] + out[2], 12, 0);
    assert_close(out[0], 3, 0);
    assert_close(out[1], 4, 0);
    assert_close(out[2], 5, 0);
}

/* Two forces of one side: assault (exposure 2 by default) and support
 * (0.25) share the side's losses by strength x exposure. */
static void test_share_roles(void **state)
{
    (void)state;
    const char *y = HEAD(1)
        "forces:\n"
        "  A1: {owner: blue, sector: s, role: assault, strength: 1000, experience: 1}\n"
        "  A2: {owner: blue, sector: s, role: support, strength: 4000, experience: 1}\n"
        "  B: {owner: red, sector: s, strength: 2000, experience: 1}\n"
        "sectors:\n"
        "  s:\n"
        "    attrition: {coefficients: {blue: 0.01, red: 0}}\n"
        "metrics: {c1: casualties(A1), c2: casualties(A2)}\n";
    sal_model *m = load(y);
    sal_run *r = run_once(m, 1, 1, 0);
    /* day 0: blue loses 0.2 * 0.01 * 2000 = 20 (both hold) */
    double L = 0.2 * 0.01 * 2000, w1 = 1000 * 2.0, w2 = 4000 * 0.25;
    assert_rel(at(r, "c1", 0), L * w1 / (w1 + w2), 1e-12);
    assert_rel(at(r, "c2", 0), L * w2 / (w1 + w2), 1e-12);
    sal_run_free(r);
    /* stochastic: whole troops, and the shares still add up */
    r = run_once(m, 0, 5, 0);
    sal_force_account a1 = account(r, "A1"), a2 = account(r, "A2");
    assert_true(a1.killed + a1.wounded == floor(a1.killed + a1.wounded));
    assert_true(a1.killed + a1.wounded > a2.killed + a2.wounded);
    sal_run_free(r);
    sal_model_free(m);
}

/* ---- (d) killed, wounded, return to duty ---------------------------- */

static void test_wounded_return(void **state)
{
    (void)state;
    /* fighting on day 0 only: a policy stops it from day 1 */
    const char *y = HEAD(12)
        "forces:\n"
        "  A: {owner: blue, sector: s, strength: 1000, experience: 1, killed_share: 0.5,"
        " wounded_return: 0.6, return_delay: 4.6}\n"
        "  B: {owner: red, sector: s, strength: 1000, experience: 1}\n"
        "sectors:\n"
        "  s:\n"
        "    posture: {blue: attack, red: attack}\n"
        "    attrition: {coefficients: {blue: 0.1, red: 0}}\n"
        "policies:\n"
        "  stop: {when: day >= 1, actions: [{set: {sector: s, field: intensity, value: 0}}]}\n"
        "metrics: {a: strength(A), k: killed(A), c: casualties(A)}\n";
    sal_model *m = load(y);
    sal_run *r = run_once(m, 1, 1, 0);
    double c = 0.1 * 1000; /* day 0 losses */
    for (int t = 0; t <= 12; t++) {
        /* 4.6 days rounds to 5: back on day 5 */
        double expect = t < 5 ? 1000 - c : 1000 - c + 0.5 * c * 0.6;
        assert_rel(at(r, "a", t), expect, 1e-12);
        assert_rel(at(r, "k", t), 0.5 * c, 1e-12);
        assert_rel(at(r, "c", t), c, 1e-12);
    }
    sal_force_account a = account(r, "A");
    assert_rel(a.returned, 30, 1e-12);
    assert_rel(a.wounded_away, 20, 1e-12);
    assert_close(a.awaiting, 0, 1e-12);
    sal_run_free(r);
    /* a return due after the horizon: still awaiting at the end */
    sal_model_free(m);
    const char *y2 = HEAD(3)
        "forces:\n"
        "  A: {owner: blue, sector: s, strength: 1000, experience: 1, killed_share: 0,"
        " wounded_return: 1, return_delay: 10}\n"
        "  B: {owner: red, sector: s, strength: 1000, experience: 1}\n"
        "sectors:\n  s: {attrition: {coefficients: {blue: 0.1, red: 0}}}\n";
    m = load(y2);
    r = run_once(m, 1, 1, 0);
    a = account(r, "A");
    assert_close(a.returned, 0, 0);
    assert_rel(a.awaiting, a.wounded, 1e-12);
    assert_rel(a.arrived, a.present + a.awaiting, 1e-12);
    sal_run_free(r);
    sal_model_free(m);
}

/* ---- (e) learning ----------------------------------------------------- */

/* x_n = max - (max - x0)(1 - r)^n after n days in combat; and the
 * opponent's losses follow the rising effectiveness. */
static void test_learning(void **state)
{
    (void)state;
    const char *y = HEAD(29)
        "forces:\n"
        "  A: {owner: blue, sector: s, strength: 1000, experience: 0.2, experience_max: 0.8,"
        " learning_rate: 0.05}\n"
        "  B: {owner: red, sector: s, strength: 100000, experience: 1}\n"
        "sectors:\n"
        "  s:\n"
        "    posture: {blue: attack, red: attack}\n"
        "    attrition: {coefficients: {blue: 0, red: 0.001}}\n"
        "metrics: {cb: casualties(B)}\n";
    sal_model *m = load(y);
    sal_run *r = run_once(m, 1, 1, 0);
    double cum = 0;
    for (int t = 0; t <= 29; t++) {
        double x = 0.8 - 0.6 * pow(0.95, t); /* experience during day t */
        cum += 0.001 * 1000 * x;
        assert_rel(at(r, "cb", t), cum, 1e-12);
    }
    sal_force_account a = account(r, "A");
    assert_int_equal(a.combat_days, 30);
    assert_rel(a.experience, 0.8 - 0.6 * pow(0.95, 30), 1e-13);
    /* B never learns (rate 0) and stays at 1 */
    assert_close(account(r, "B").experience, 1, 0);
    sal_run_free(r);
    sal_model_free(m);
}

/* ---- (f) break points ------------------------------------------------ */

static void test_break_point(void **state)
{
    (void)state;
    const char *y = HEAD(20)
        "forces:\n"
        "  A: {owner: blue, sector: s, strength: 1000, experience: 1, break_point: 0.55,"
        " arrivals: [{day: 15, size: 300}]}\n"
        "  B: {owner: red, sector: s, strength: 2000, experience: 1}\n"
        "sectors:\n"
        "  s:\n"
        "    posture: {blue: attack, red: attack}\n"
        "    attrition: {coefficients: {blue: 0.05, red: 0}}\n"
        "metrics: {a: strength(A), arr: arrived(A)}\n";
    sal_model *m = load(y);
    sal_run *r = run_once(m, 1, 1, 0);
    /* by hand: 100 lost a day; the first day the strength ends below 550 */
    double A = 1000;
    int broke = -1;
    for (int t = 0; t <= 20; t++) {
        if (broke < 0) {
            A -= 100;
            if (A < 0.55 * 1000)
                broke = t;
        }
        assert_rel(at(r, "a", t), broke >= 0 ? 0 : A, 1e-12);
    }
    assert_int_equal(broke, 4);
    sal_force_account a = account(r, "A");
    assert_int_equal(a.withdrawn_day, 4);
    /* 500 withdrawn at the break, the tranche of day 15 joins them */
    assert_rel(a.withdrawn, 500 + 300, 1e-12);
    assert_rel(a.arrived, 1300, 1e-12);
    assert_rel(at(r, "arr", 20), 1300, 1e-12);
    assert_rel(a.arrived, a.present + a.killed + a.wounded_away + a.awaiting + a.withdrawn, 1e-12);
    sal_run_free(r);
    sal_model_free(m);
}

/* ---- (g) ground ------------------------------------------------------ */

static void test_ground(void **state)
{
    (void)state;
    const char *y = HEAD(40)
        "forces:\n"
        "  A: {owner: blue, sector: s, strength: 3000, experience: 1}\n"
        "  B: {owner: red, sector: s, strength: 1000, experience: 1}\n"
        "sectors:\n"
        "  s:\n"
        "    posture: {blue: attack, red: hold}\n"
        "    defence: 1.25\n"
        "    intensity: 0.5\n"
        "    attrition: {coefficients: {blue: 0, red: 0}}\n"
        "    ground: {holder: red, held: 100, contested: 200, advance_rate: 2,"
        " ratio_threshold: 1.2}\n"
        "metrics: {g: ground(s)}\n";
    sal_model *m = load(y);
    sal_run *r = run_once(m, 1, 1, 0);
    /* R = 3000 / (1000 * 1.25) = 2.4 = twice the threshold: g(R) = 1 */
    double G = 100;
    for (int t = 0; t <= 40; t++) {
        G = fmax(0, G - 0.5 * 2 * 1.0);
        assert_rel(at(r, "g", t), G, 1e-12);
    }
    sal_run_free(r);
    sal_model_free(m);

    /* below the threshold nothing moves; the holder counter-attacking
     * retakes ground, up to all of it */
    const char *y2 = HEAD(30)
        "forces:\n"
        "  A: {owner: blue, sector: s, strength: 1000, experience: 1}\n"
        "  B: {owner: red, sector: s, strength: 5000, experience: 1}\n"
        "sectors:\n"
        "  s:\n"
        "    posture: {blue: attack, red: attack}\n"
        "    attrition: {coefficients: {blue: 0, red: 0}}\n"
        "    ground: {holder: red, held: 150, contested: 200, advance_rate: 3}\n"
        "metrics: {g: ground(s)}\n";
    m = load(y2);
    r = run_once(m, 1, 1, 0);
    /* red attacks at R = 5 (threshold 1): log2(5) = 2.3219 shares of 3 km2;
     * blue at R = 0.2 gains nothing */
    G = 150;
    for (int t = 0; t <= 30; t++) {
        G = fmin(200, G + 3 * log(5.0) / log(2.0));
        assert_rel(at(r, "g", t), G, 1e-12);
    }
    sal_run_free(r);
    sal_model_free(m);

    /* nobody defending: the cap, 4 x the rate */
    const char *y3 = HEAD(5)
        "forces:\n"
        "  A: {owner: blue, sector: s, strength: 1000}\n"
        "sectors:\n"
        "  s:\n"
        "    posture: {blue: attack}\n"
        "    attrition: {coefficients: {blue: 0.1, red: 0.1}}\n"
        "    ground: {holder: red, contested: 100, advance_rate: 2}\n"
        "metrics: {g: ground(s)}\n";
    m = load(y3);
    r = run_once(m, 1, 1, 0);
    for (int t = 0; t <= 5; t++)
        assert_rel(at(r, "g", t), fmax(0, 100 - 8.0 * (t + 1)), 1e-12);
    sal_run_free(r);
    sal_model_free(m);
}

/* ---- (a) arrivals, stocks, pipelines --------------------------------- */

static void test_tranches(void **state)
{
    (void)state;
    const char *y = HEAD(12)
        "forces:\n"
        "  A: {owner: blue, strength: 100, arrivals: [{day: 3, size: 50},"
        " {after: go, delay: 2, size: 7}, {after: go, size: 5}, {after: never, size: 1000}]}\n"
        "policies:\n"
        "  go: {when: day >= 5}\n"
        "  never: {when: day < 0}\n"
        "metrics: {a: arrived(A), s: strength(A)}\n";
    sal_model *m = load(y);
    sal_run *r = run_once(m, 0, 1, 0);
    assert_int_equal(event_day(r, "go"), 5);
    for (int t = 0; t <= 12; t++) {
        /* day 3: 50; the event of day 5 is seen by the arrivals of day 6
         * (delay 0) and of day 7 (delay 2) */
        double e = 100 + (t >= 3 ? 50 : 0) + (t >= 6 ? 5 : 0) + (t >= 7 ? 7 : 0);
        assert_close(at(r, "a", t), e, 0);
        assert_close(at(r, "s", t), e, 0);
    }
    sal_run_free(r);
    sal_model_free(m);
}

static void test_stocks(void **state)
{
    (void)state;
    const char *y =
        "scenario: {name: t, start: 2024-11-01, horizon: 8, sides: [blue, red]}\n"
        "actors:\n"
        "  blue: {side: blue, stocks: {down: {initial: 100, flow: -30},"
        " up: {initial: 80, flow: 50, cap: 200}, made: 0, src: 25}}\n"
        "forces:\n  F: {owner: blue}\n"
        "pipelines:\n"
        "  prod: {to: blue.made, rate: 10, delay: 3}\n"
        "  feed: {from: blue.src, to: F, rate: 10, delay: 2}\n"
        "metrics: {down: 'stock(blue, down)', up: 'stock(blue, up)', made: 'stock(blue, made)',"
        " src: 'stock(blue, src)', f: arrived(F)}\n";
    sal_model *m = load(y);
    sal_run *r = run_once(m, 1, 1, 0);
    double down = 100, up = 80, src = 25, f = 0;
    double sent[9] = {0};
    for (int t = 0; t <= 8; t++) {
        down = fmax(0, down - 30);
        up = fmin(200, up + 50);
        sent[t] = fmin(10, src);
        src -= sent[t];
        if (t >= 2)
            f += sent[t - 2];
        assert_close(at(r, "down", t), down, 1e-12);
        assert_close(at(r, "up", t), up, 1e-12);
        /* made on day t: 10 a day sent from day 0, each arriving 3 days on */
        assert_close(at(r, "made", t), 10.0 * fmax(0, t - 3 + 1), 1e-12);
        assert_close(at(r, "src", t), src, 1e-12);
        assert_close(at(r, "f", t), f, 1e-12);
    }
    assert_close(sal_run_in_transit(r, 0), 30, 1e-12); /* sent days 6-8 */
    sal_run_free(r);
    sal_model_free(m);

    /* whole troops in a stochastic run: 2.5 a day arrive as floor(2.5 k) */
    const char *y2 = HEAD(20)
        "forces:\n  F: {owner: blue}\n"
        "pipelines:\n  recruits: {to: F, rate: 2.5, delay: 0}\n"
        "metrics: {f: arrived(F)}\n";
    m = load(y2);
    r = run_once(m, 0, 3, 0);
    for (int t = 0; t <= 20; t++)
        assert_close(at(r, "f", t), floor(2.5 * (t + 1)), 0);
    sal_run_free(r);
    sal_model_free(m);
}

/* ---- (h) fire support and munitions ---------------------------------- */

static void test_fire_support(void **state)
{
    (void)state;
    const char *y =
        "scenario: {name: t, start: 2024-11-01, horizon: 6, sides: [blue, red]}\n"
        "actors:\n"
        "  blue: {side: blue, stocks: {shells: {initial: 500, flow: 250}}}\n"
        "  red: {side: red}\n"
        "forces:\n"
        "  A: {owner: blue, sector: s, strength: 40000, experience: 1, munitions: blue.shells,"
        " shells_per_day: 20}\n"
        "  A2: {owner: blue, sector: s, strength: 10000, experience: 1, munitions: blue.shells,"
        " shells_per_day: 20}\n"
        "  B: {owner: red, sector: s, strength: 1000000, experience: 1}\n"
        "sectors:\n"
        "  s:\n"
        "    posture: {blue: attack, red: attack}\n"
        "    fire_floor: 0.3\n"
        "    attrition: {coefficients: {blue: 0, red: 0.0001}}\n"
        "metrics: {cb: casualties(B), sh: 'stock(blue, shells)'}\n";
    sal_model *m = load(y);
    sal_run *r = run_once(m, 1, 1, 0);
    double stock = 500, cum = 0;
    for (int t = 0; t <= 6; t++) {
        stock += 250;                                  /* (a) flow */
        double demand = 20 * 50000 / 1000.0;           /* 1000 shells */
        double share = fmin(1, stock / demand);
        double fire = 0.3 + 0.7 * share;
        cum += 0.0001 * 50000 * fire;                  /* red's losses */
        stock -= fmin(stock, demand);                  /* (h) */
        assert_rel(at(r, "cb", t), cum, 1e-12);
        assert_close(at(r, "sh", t), stock, 1e-9);
    }
    sal_force_account a = account(r, "A");
    assert_rel(a.fire, 0.3 + 0.7 * 0.25, 1e-12);
    sal_run_free(r);
    sal_model_free(m);
}

/* ---- (b) policies and actions ---------------------------------------- */

static void test_actions(void **state)
{
    (void)state;
    const char *y =
        "scenario: {name: t, start: 2024-11-01, horizon: 6, sides: [blue, red]}\n"
        "actors:\n"
        "  blue: {side: blue, stocks: {men: 1500, shells: 100, store: {initial: 90, cap: 120}}}\n"
        "  red: {side: red}\n"
        "parameters: {k: 2}\n"
        "forces:\n"
        "  A: {owner: blue, strength: 100, experience: 0.5}\n"
        "  R: {owner: blue, strength: 40, experience: 0.9}\n"
        "policies:\n"
        "  p:\n"
        "    when: day == 2\n"
        "    actions:\n"
        "      - deploy: {force: A, amount: 1000, from: blue.men}\n"
        "      - deploy: {force: A, amount: 1000, from: blue.men}\n"
        "      - move: {from: R, to: A, amount: 100}\n"
        "      - transfer: {from: blue.shells, to: blue.store, amount: param(k) * 40}\n"
        "      - set: {param: k, value: param(k) + 1}\n"
        "metrics: {a: strength(A), r: strength(R), men: 'stock(blue, men)', sh: 'stock(blue, shells)',"
        " st: 'stock(blue, store)', k: param(k)}\n";
    sal_model *m = load(y);
    sal_run *r = run_once(m, 1, 1, 0);
    assert_close(at(r, "a", 1), 100, 0);
    /* 1000 + the 500 left in the stock + all 40 of R */
    assert_close(at(r, "a", 2), 100 + 1500 + 40, 1e-12);
    assert_close(at(r, "men", 2), 0, 0);
    assert_close(at(r, "r", 2), 0, 0);
    /* 80 wanted, 100 on hand, room for 30 in the store */
    assert_close(at(r, "sh", 2), 70, 1e-12);
    assert_close(at(r, "st", 2), 120, 1e-12);
    assert_close(at(r, "k", 1), 2, 0);
    assert_close(at(r, "k", 6), 3, 0);
    sal_force_account a = account(r, "A"), rr = account(r, "R");
    /* experience: the strength-weighted mean of who joined */
    assert_rel(a.experience, (100 * 0.5 + 1500 * 0.5 + 40 * 0.9) / 1640, 1e-12);
    assert_rel(rr.moved_out, 40, 0);
    assert_rel(rr.arrived, rr.present + rr.moved_out, 0);
    assert_rel(a.arrived, 1640, 0);
    sal_run_free(r);
    sal_model_free(m);
}

/* Set actions change the fight: multiplier, posture, coefficient, role. */
static void test_set_fields(void **state)
{
    (void)state;
    const char *y = HEAD(6)
        "forces:\n"
        "  A: {owner: blue, sector: s, strength: 1000, experience: 1}\n"
        "  A2: {owner: blue, sector: s, strength: 1000, experience: 1, role: assault}\n"
        "  B: {owner: red, sector: s, strength: 1000, experience: 1}\n"
        "sectors:\n"
        "  s:\n"
        "    posture: {blue: attack, red: hold}\n"
        "    defence: 2\n"
        "    attrition: {coefficients: {blue: 0.001, red: 0.001}}\n"
        "policies:\n"
        "  p:\n"
        "    when: day == 3\n"
        "    actions:\n"
        "      - set: {force: A, field: multiplier, value: 3}\n"
        "      - set: {sector: s, field: posture, side: blue, value: hold}\n"
        "      - set: {sector: s, field: coefficient, side: red, value: 0.002}\n"
        "      - set: {force: A2, field: role, value: support}\n"
        "metrics: {a: casualties(A), a2: casualties(A2), b: casualties(B)}\n";
    sal_model *m = load(y);
    sal_run *r = run_once(m, 1, 1, 0);
    double A = 1000, A2 = 1000, B = 1000, ca = 0, ca2 = 0, cb = 0;
    for (int t = 0; t <= 6; t++) {
        int after = t >= 3;
        double EA = A * (after ? 3 : 1) + A2;
        double EB = B * (after ? 1 : 2); /* defence only while blue attacks */
        double I = after ? 0.2 : 1;      /* both hold: hold_intensity */
        double lblue = I * 0.001 * EB, lred = I * (after ? 0.002 : 0.001) * EA;
        double w = A * 1.0, w2 = A2 * (after ? 0.25 : 2.0);
        double la = lblue * w / (w + w2), la2 = lblue * w2 / (w + w2);
        A -= la;
        A2 -= la2;
        B -= lred;
        ca += la;
        ca2 += la2;
        cb += lred;
        assert_rel(at(r, "a", t), ca, 1e-12);
        assert_rel(at(r, "a2", t), ca2, 1e-12);
        assert_rel(at(r, "b", t), cb, 1e-12);
    }
    sal_run_free(r);
    sal_model_free(m);
}

/* The daily hazard: the firing day is geometric, P(K = k) = (1-h)^k h;
 * deterministic mode fires on the median day. */
static void test_hazard(void **state)
{
    (void)state;
    const char *y = HEAD(200)
        "policies:\n  p: {hazard: 0.1}\n";
    sal_model *m = load(y);
    sal_run *r = sal_run_alloc(m);
    enum { RUNS = 20000, BINS = 31 };
    double count[BINS] = {0};
    for (int i = 0; i < RUNS; i++) {
        exec_ok(r, 0, 7, (uint64_t)i);
        int d = event_day(r, "p");
        assert_true(d >= 0); /* P(K > 200) = 0.9^201 ~ 6e-10 */
        count[d < BINS - 1 ? d : BINS - 1] += 1;
        assert_int_equal(sal_run_policy_fired(r, 0), 1);
    }
    double chi2 = 0;
    for (int k = 0; k < BINS; k++) {
        double p = k < BINS - 1 ? pow(0.9, k) * 0.1 : pow(0.9, BINS - 1);
        double e = RUNS * p;
        chi2 += (count[k] - e) * (count[k] - e) / e;
    }
    /* 30 degrees of freedom: P(chi2 > 70) ~ 5e-5 */
    assert_true(chi2 < 70);
    exec_ok(r, 1, 7, 0);
    /* median: the first k with 0.9^(k+1) <= 1/2, k = 6 */
    assert_int_equal(event_day(r, "p"), 6);
    sal_run_free(r);
    sal_model_free(m);
}

/* The one-off probability, drawn once per run. */
static void test_probability(void **state)
{
    (void)state;
    const char *y = HEAD(5)
        "policies:\n  p: {probability: 0.3, repeat: true}\n  q: {probability: 0.6}\n";
    sal_model *m = load(y);
    sal_run *r = sal_run_alloc(m);
    enum { RUNS = 20000 };
    int n = 0;
    for (int i = 0; i < RUNS; i++) {
        exec_ok(r, 0, 11, (uint64_t)i);
        int d = event_day(r, "p");
        if (d >= 0) {
            n++;
            assert_int_equal(d, 0);
            /* it may fire at all: then every day (hazard 1, repeat) */
            assert_int_equal(sal_run_event_counts(r)[event_index(m, "p")], 6);
        }
    }
    assert_close((double)n / RUNS, 0.3, 4 * sqrt(0.3 * 0.7 / RUNS));
    exec_ok(r, 1, 11, 0); /* median outcome: 0.3 never, 0.6 always */
    assert_int_equal(event_day(r, "p"), -1);
    assert_int_equal(event_day(r, "q"), 0);
    sal_run_free(r);
    sal_model_free(m);
}

/* Treaties gate the policies that require them; the delay between firing
 * and acting. */
static void test_treaty(void **state)
{
    (void)state;
    const char *y = HEAD(20)
        "treaties:\n"
        "  pact: {parties: [blue, red], trigger: day >= 5}\n"
        "  dead: {parties: [blue], trigger: day < 0}\n"
        "policies:\n"
        "  now: {requires: pact}\n"
        "  later: {requires: [pact], delay: 3, actions: [{event: arrived}]}\n"
        "  both: {requires: [pact, dead]}\n"
        "  early: {when: 'not happened(pact)'}\n";
    sal_model *m = load(y);
    sal_run *r = run_once(m, 0, 1, 0);
    assert_int_equal(event_day(r, "pact"), 5);
    assert_int_equal(sal_run_treaty_day(r, 0), 5);
    assert_int_equal(sal_run_treaty_day(r, 1), -1);
    assert_int_equal(event_day(r, "now"), 5);
    assert_int_equal(event_day(r, "later"), 8);
    assert_int_equal(event_day(r, "arrived"), 8);
    assert_int_equal(event_day(r, "both"), -1);
    assert_int_equal(event_day(r, "early"), 0);
    assert_int_equal(sal_run_policy_fired(r, 1), 1);
    assert_int_equal(sal_run_policy_acted(r, 1), 1);
    sal_run_free(r);
    sal_model_free(m);
}

/* Ladders: rungs only go up, each rung passed is reached that day. */
static void test_ladder(void **state)
{
    (void)state;
    const char *y = HEAD(10)
        "ladders:\n  L: {rungs: [a, b, c, d], initial: a}\n"
        "policies:\n"
        "  up: {when: day == 2, actions: [{escalate: {ladder: L, to: c}}]}\n"
        "  down: {when: day == 4, actions: [{escalate: {ladder: L, to: b}}]}\n"
        "metrics: {rung: rung(L)}\n";
    sal_model *m = load(y);
    sal_run *r = run_once(m, 0, 1, 0);
    assert_int_equal(event_day(r, "L.a"), 0);
    assert_int_equal(event_day(r, "L.b"), 2);
    assert_int_equal(event_day(r, "L.c"), 2);
    assert_int_equal(event_day(r, "L.d"), -1);
    assert_close(at(r, "rung", 1), 0, 0);
    assert_close(at(r, "rung", 2), 2, 0);
    assert_close(at(r, "rung", 10), 2, 0); /* never down */
    sal_run_free(r);
    m->ladders[0].descend = 1; /* a ladder that may go down */
    r = run_once(m, 0, 1, 0);
    assert_close(at(r, "rung", 4), 1, 0);
    assert_int_equal(event_day(r, "L.b"), 2);
    sal_run_free(r);
    sal_model_free(m);
}

/* ---- failures ---------------------------------------------------------- */

static int run_status(const char *yaml, const char *expect_in_message, int *line)
{
    sal_model *m = load(yaml);
    sal_run *r = sal_run_alloc(m);
    sal_diags *d = sal_diags_alloc();
    sal_run_opts o = {.seed = 1, .run = 0, .deterministic = 0, .inputs = NULL, .series = NULL, .event_days = NULL};
    int rc = sal_run_exec(r, &o, d);
    assert_true(sal_diags_count(d) >= 1);
    const sal_diag *e = sal_diags_get(d, 0);
    if (!strstr(e->message, expect_in_message))
        fail_msg("message '%s' lacks '%s'", e->message, expect_in_message);
    *line = e->line;
    sal_diags_free(d);
    sal_run_free(r);
    sal_model_free(m);
    return rc;
}

static void test_nan_stops(void **state)
{
    (void)state;
    int line;
    /* a metric 0/0 on day 3 */
    const char *y1 = HEAD(10)
        "forces:\n  A: {owner: blue, strength: 0}\n"
        "metrics:\n"
        "  ok: day\n"
        "  bad: 'if(day >= 3, strength(A) / strength(A), 0)'\n";
    assert_int_equal(run_status(y1, "metric 'bad'", &line), SAL_ERANGE);
    assert_int_equal(line, 9);
    assert_int_equal(run_status(y1, "day 3 (2024-11-04) of run 0", &line), SAL_ERANGE);
    /* an action amount */
    const char *y2 = HEAD(10)
        "forces:\n  A: {owner: blue, strength: 10}\n"
        "policies:\n"
        "  p: {when: day == 2, actions: [{deploy: {force: A, amount: 'log(day - 5)'}}]}\n";
    assert_int_equal(run_status(y2, "deploy", &line), SAL_ERANGE);
    assert_int_equal(line, 8);
    /* a law that overflows */
    const char *y3 = HEAD(10)
        "forces:\n"
        "  A: {owner: blue, sector: s, strength: 1e300, experience: 1}\n"
        "  B: {owner: red, sector: s, strength: 1e300, experience: 1}\n"
        "sectors:\n  s: {attrition: {p: 2, coefficients: {blue: 1, red: 1}}}\n";
    assert_int_equal(run_status(y3, "sector 's': the attrition law", &line), SAL_ERANGE);
}

/* ---- reproducibility --------------------------------------------------- */

static void test_same_bytes(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s", "examples/every-section.yaml");
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    assert_int_equal(sal_model_read(path, NULL, d, &m), SAL_OK);
    sal_diags_free(d);
    size_t cells = (size_t)(m->horizon + 1) * m->nmetrics;
    sal_run *a = sal_run_alloc(m), *b = sal_run_alloc(m);
    exec_ok(a, 0, 42, 3);
    exec_ok(b, 0, 42, 9); /* b does something else first, then the same run */
    exec_ok(b, 0, 42, 3);
    assert_memory_equal(sal_run_series(a), sal_run_series(b), cells * sizeof(double));
    assert_memory_equal(sal_run_event_days(a), sal_run_event_days(b), m->nevents * sizeof(int32_t));
    assert_memory_equal(sal_run_inputs(a), sal_run_inputs(b), m->nuncertain * sizeof(double));
    exec_ok(b, 0, 42, 4);
    assert_true(memcmp(sal_run_series(a), sal_run_series(b), cells * sizeof(double)) != 0);
    sal_run_free(a);
    sal_run_free(b);
    sal_model_free(m);
}

/* Runs feed an ensemble summary as they finish (the ensemble driver's
 * loop): a block of runs written side by side into the caller's buffers,
 * summarised at once; the summary's mean equals the mean of the runs, and
 * the caller's buffers hold exactly what the workspace's would. */
static void test_feeds_summary(void **state)
{
    (void)state;
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    assert_int_equal(sal_model_read("examples/every-section.yaml", NULL, d, &m), SAL_OK);
    sal_diags_free(d);
    sal_run *r = sal_run_alloc(m), *r2 = sal_run_alloc(m);
    size_t nd = (size_t)m->horizon + 1, nm = m->nmetrics, ne = m->nevents;
    sal_summary_layout lay = {(uint32_t)nm, (uint32_t)nd, (uint32_t)ne, m->horizon, 0, 0, 0};
    sal_summary *s = sal_summary_alloc(&lay);
    assert_non_null(s);
    enum { RUNS = 32 };
    double *block = calloc(RUNS * nd * nm, sizeof *block);
    int32_t *days = calloc(RUNS * ne, sizeof *days);
    assert_non_null(block);
    assert_non_null(days);
    int k = metric_index(m, "dprk_casualties");
    double sum = 0;
    for (uint64_t i = 0; i < RUNS; i++) {
        sal_run_opts o = {.seed = 1, .run = i, .deterministic = 0, .inputs = NULL, .series = block + i * nd * nm, .event_days = days + i * ne};
        assert_int_equal(sal_run_exec(r, &o, NULL), SAL_OK);
        assert_ptr_equal(sal_run_series(r), block + i * nd * nm);
        exec_ok(r2, 0, 1, i); /* the same run into the workspace's own buffers */
        assert_memory_equal(sal_run_series(r2), block + i * nd * nm, nd * nm * sizeof(double));
        assert_memory_equal(sal_run_event_days(r2), days + i * ne, ne * sizeof(int32_t));
        sum += block[i * nd * nm + 100 * nm + (size_t)k];
    }
    sal_summary_strides st = {nd * nm, 1, nm};
    assert_int_equal(sal_summary_add_runs(s, RUNS, block, &st, days), SAL_OK);
    assert_int_equal(sal_summary_runs(s), RUNS);
    assert_rel(sal_summary_mean(s, (uint32_t)k, 100), sum / RUNS, 1e-12);
    assert_true(sum > 0);
    /* the treaty is in force from day 0 in every run */
    assert_int_equal(sal_summary_event_count(s, (uint32_t)event_index(m, "treaty-in-force")), RUNS);
    free(block);
    free(days);
    sal_summary_free(s);
    sal_run_free(r);
    sal_run_free(r2);
    sal_model_free(m);
}

/* Workspaces on two threads sharing one model give the bytes of a serial
 * loop: nothing in a run depends on another workspace or on the thread. */
static void test_threads(void **state)
{
    (void)state;
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    assert_int_equal(sal_model_read("examples/every-section.yaml", NULL, d, &m), SAL_OK);
    sal_diags_free(d);
    enum { RUNS = 48 };
    size_t cells = (size_t)(m->horizon + 1) * m->nmetrics;
    double *serial = calloc(RUNS * cells, sizeof *serial), *par = calloc(RUNS * cells, sizeof *par);
    assert_non_null(serial);
    assert_non_null(par);
    sal_run *r = sal_run_alloc(m);
    for (int i = 0; i < RUNS; i++) {
        sal_run_opts o = {.seed = 3, .run = (uint64_t)i, .deterministic = 0, .inputs = NULL, .series = serial + (size_t)i * cells, .event_days = NULL};
        assert_int_equal(sal_run_exec(r, &o, NULL), SAL_OK);
    }
    sal_run_free(r);
    int bad = 0;
#pragma omp parallel num_threads(2) reduction(+ : bad)
    {
        sal_run *w = sal_run_alloc(m);
        if (!w)
            bad++;
#pragma omp for schedule(dynamic, 1)
        for (int i = RUNS - 1; i >= 0; i--) { /* another order, too */
            sal_run_opts o = {.seed = 3, .run = (uint64_t)i, .deterministic = 0, .inputs = NULL, .series = par + (size_t)i * cells, .event_days = NULL};
            if (!w || sal_run_exec(w, &o, NULL) != SAL_OK)
                bad++;
        }
        sal_run_free(w);
    }
    assert_int_equal(bad, 0);
    assert_memory_equal(serial, par, RUNS * cells * sizeof(double));
    free(serial);
    free(par);
    sal_model_free(m);
}

/* Common random numbers: a variant that changes some entities leaves the
 * draws of every input it shares with the base unchanged (streams are
 * keyed by name, not by position), and a variant that changes nothing the
 * engine sees gives the same bytes. */
static void test_common_random_numbers(void **state)
{
    (void)state;
    const char *base_yaml = HEAD(30)
        "parameters:\n"
        "  a: {uniform: [0, 1]}\n"
        "  b: {pert: [1, 2, 5]}\n"
        "forces:\n"
        "  A: {owner: blue, sector: s, strength: {pert: [900, 1000, 1500]}}\n"
        "  B: {owner: red, sector: s, strength: 1000, arrivals: [{day: 3, size: {uniform: [10, 20]}}]}\n"
        "sectors:\n  s: {attrition: {coefficients: {blue: 0.01, red: 0.01}}}\n"
        "policies:\n  p: {hazard: 0.1}\n  q: {hazard: 0.2}\n"
        "metrics: {a: strength(A)}\n"
        "variants:\n"
        "  fewer: {set: {forces: {B: {arrivals: []}}, policies: {p: {enabled: false}}}}\n"
        "  same: {description: nothing, set: {policies: {q: {hazard: 0.2}}}}\n";
    sal_model *m0 = load(base_yaml), *m1 = load_variant(base_yaml, "fewer"),
              *m2 = load_variant(base_yaml, "same");
    assert_true(m1->nuncertain < m0->nuncertain); /* the tranche's input is gone */
    sal_run *r0 = sal_run_alloc(m0), *r1 = sal_run_alloc(m1), *r2 = sal_run_alloc(m2);
    int compared = 0;
    for (uint64_t run = 0; run < 20; run++) {
        exec_ok(r0, 0, 5, run);
        exec_ok(r1, 0, 5, run);
        exec_ok(r2, 0, 5, run);
        for (size_t u = 0; u < m1->nuncertain; u++)
            for (size_t v = 0; v < m0->nuncertain; v++)
                if (strcmp(m1->uncertain[u].name, m0->uncertain[v].name) == 0) {
                    assert_true(sal_run_inputs(r1)[u] == sal_run_inputs(r0)[v]);
                    compared++;
                }
        /* policy q draws from its own stream: the same firing day */
        assert_int_equal(event_day(r1, "q"), event_day(r0, "q"));
        assert_memory_equal(sal_run_series(r0), sal_run_series(r2), 31 * sizeof(double));
    }
    assert_int_equal(compared, 20 * 3);
    assert_true(sal_run_stream_id(SAL_STREAM_POLICY, "p") != sal_run_stream_id(SAL_STREAM_POLICY, "q"));
    assert_true((sal_run_stream_id(SAL_STREAM_SECTOR, "p") & 0xF0000000u) == SAL_STREAM_SECTOR);
    sal_run_free(r0);
    sal_run_free(r1);
    sal_run_free(r2);
    sal_model_free(m0);
    sal_model_free(m1);
    sal_model_free(m2);
}

/* The calibration's options (last_day, branch, NaN inputs): a run stopped
 * after day L holds the first L + 1 days of the full run; a branch keeps
 * every day before it, changes some later day and is itself reproducible;
 * NaN inputs are
 * drawn as without inputs. */
static void test_calibration_options(void **state)
{
    (void)state;
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    assert_int_equal(sal_model_read("examples/every-section.yaml", NULL, d, &m), SAL_OK);
    sal_diags_free(d);
    size_t nm = m->nmetrics, nd = (size_t)m->horizon + 1, ne = m->nevents;
    double *full = calloc(nd * nm, sizeof *full), *part = calloc(nd * nm, sizeof *part);
    int32_t *ev = calloc(ne + 1, sizeof *ev);
    assert_non_null(full);
    assert_non_null(part);
    sal_run *r = sal_run_alloc(m);
    sal_run_opts o = {.seed = 4, .run = 9, .series = full, .event_days = ev};
    assert_int_equal(sal_run_exec(r, &o, NULL), SAL_OK);
    int L = m->horizon / 3, B = m->horizon / 2;
    assert_true(L > 0);
    sal_run_opts ol = {.seed = 4, .run = 9, .series = part, .event_days = ev, .last_day = L};
    assert_int_equal(sal_run_exec(r, &ol, NULL), SAL_OK);
    assert_memory_equal(part, full, (size_t)(L + 1) * nm * sizeof(double));
    double *again = calloc(nd * nm, sizeof *again);
    assert_non_null(again);
    sal_run_opts br = {.seed = 4, .run = 9, .series = part, .event_days = ev,
                       .branch_day = B, .branch_seed = 77, .branch_run = 10};
    assert_int_equal(sal_run_exec(r, &br, NULL), SAL_OK);
    assert_memory_equal(part, full, (size_t)B * nm * sizeof(double));
    assert_memory_not_equal(part + (size_t)B * nm, full + (size_t)B * nm,
                            (nd - (size_t)B) * nm * sizeof(double));
    br.series = again;
    assert_int_equal(sal_run_exec(r, &br, NULL), SAL_OK);
    assert_memory_equal(part, again, nd * nm * sizeof(double));
    free(again);
    double *nan_in = calloc(m->nuncertain + 1, sizeof *nan_in);
    assert_non_null(nan_in);
    for (size_t u = 0; u < m->nuncertain; u++)
        nan_in[u] = NAN;
    sal_run_opts on = {.seed = 4, .run = 9, .inputs = nan_in, .series = part, .event_days = ev};
    assert_int_equal(sal_run_exec(r, &on, NULL), SAL_OK);
    assert_memory_equal(part, full, nd * nm * sizeof(double));
    free(nan_in);
    free(full);
    free(part);
    free(ev);
    sal_run_free(r);
    sal_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duel_square),   cmocka_unit_test(test_duel_general),
        cmocka_unit_test(test_both_hold),     cmocka_unit_test(test_noise),
        cmocka_unit_test(test_share_unit),    cmocka_unit_test(test_share_roles),
        cmocka_unit_test(test_wounded_return), cmocka_unit_test(test_learning),
        cmocka_unit_test(test_break_point),   cmocka_unit_test(test_ground),
        cmocka_unit_test(test_tranches),      cmocka_unit_test(test_stocks),
        cmocka_unit_test(test_fire_support),  cmocka_unit_test(test_actions),
        cmocka_unit_test(test_set_fields),    cmocka_unit_test(test_hazard),
        cmocka_unit_test(test_probability),   cmocka_unit_test(test_treaty),
        cmocka_unit_test(test_ladder),        cmocka_unit_test(test_nan_stops),
        cmocka_unit_test(test_same_bytes),    cmocka_unit_test(test_feeds_summary),
        cmocka_unit_test(test_threads),       cmocka_unit_test(test_common_random_numbers),
        cmocka_unit_test(test_calibration_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

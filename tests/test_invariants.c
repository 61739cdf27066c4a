/* Invariants of the engine on random scenarios: a seeded generator writes
 * scenario files that use every section and action, and every run of them
 * must keep
 *   - per force: arrived = present + killed + wounded away + awaiting +
 *     withdrawn + moved out, exactly in whole troops in stochastic mode,
 *     and wounded = wounded away + awaiting + returned;
 *   - no negative strength, stock or ground, ground within what is
 *     contested, every metric finite;
 *   - the same bytes from the same seed and run, whatever ran before in the
 *     workspace;
 *   - in a zero-intensity world, no casualties, the ground unchanged, and
 *     strength = arrived - moved out. */
#include "runutil.h"

#include <stdarg.h>
#include <stdint.h>

/* ---- a seeded generator of scenarios ---------------------------------- */

static uint64_t rng_state;

static uint64_t next(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double unif(double a, double b)
{
    return a + (b - a) * ((double)(next() >> 11) * 0x1p-53);
}

static int pick(int n)
{
    return (int)(next() % (uint64_t)n);
}

typedef struct {
    char *buf;
    size_t len, cap;
} text;

static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        t->cap = t->cap * 2 + (size_t)n + 64;
        t->buf = realloc(t->buf, t->cap);
        assert_non_null(t->buf);
    }
}

static const char *ACTORS[] = {"blue", "red", "ally"}; /* ally fights for blue */
static const char *STOCKS[] = {"shells", "men"};

typedef struct {
    int nf, ns, np, npol, ntreaty, ladder, horizon;
    int sector[8];      /* of each force, -1 reserve */
    int owner[8];
    int has_ground[4];
    double contested[4], held[4];
} shape;

/* A number: plain, or (one time in four) a distribution around it. */
static void num(text *t, double lo, double hi, int whole)
{
    double a = unif(lo, hi);
    if (whole)
        a = floor(a);
    switch (pick(8)) {
    case 0: {
        double b = unif(lo, hi), c = unif(lo, hi);
        double x[3] = {a, b, c};
        for (int i = 0; i < 3; i++)
            for (int j = i + 1; j < 3; j++)
                if (x[j] < x[i]) {
                    double s = x[i];
                    x[i] = x[j];
                    x[j] = s;
                }
        if (x[0] == x[2])
            put(t, "%.6g", a);
        else
            put(t, "{pert: [%.6g, %.6g, %.6g]}", x[0], x[1], x[2]);
        return;
    }
    case 1: {
        double b = unif(lo, hi);
        if (a == b)
            put(t, "%.6g", a);
        else
            put(t, "{uniform: [%.6g, %.6g]}", a < b ? a : b, a < b ? b : a);
        return;
    }
    default: put(t, "%.6g", a); return;
    }
}

static void gen(text *t, uint64_t seed, int zero, shape *sh)
{
    rng_state = seed * 7919 + 17;
    memset(sh, 0, sizeof *sh);
    sh->horizon = 10 + pick(70);
    sh->ns = 1 + pick(3);
    sh->nf = 2 + pick(6);
    sh->np = pick(4);
    sh->npol = pick(5);
    sh->ntreaty = pick(2);
    sh->ladder = pick(2);
    put(t, "scenario: {name: random-%llu, start: 2024-11-01, horizon: %d, seed: %llu, "
           "sides: [blue, red]}\n",
        (unsigned long long)seed, sh->horizon, (unsigned long long)seed);
    put(t, "parameters:\n  k: ");
    num(t, 0, 3, 0);
    put(t, "\nactors:\n");
    for (int a = 0; a < 3; a++) {
        put(t, "  %s:\n    side: %s\n    stocks:\n", ACTORS[a], a == 1 ? "red" : "blue");
        put(t, "      shells: {initial: ");
        num(t, 0, 200000, 0);
        put(t, ", flow: %.6g", unif(-2000, 5000));
        if (pick(3) == 0)
            put(t, ", cap: %.6g", unif(200000, 400000));
        put(t, "}\n      men: {initial: ");
        num(t, 0, 20000, 1);
        put(t, ", flow: %.6g}\n", unif(0, 100));
    }
    put(t, "  neutral: {side: none}\n");
    /* forces: the first two fight in sector 0, one per side */
    put(t, "forces:\n");
    for (int f = 0; f < sh->nf; f++) {
        sh->owner[f] = f < 2 ? f : pick(3);
        sh->sector[f] = f < 2 ? 0 : pick(sh->ns + 1) - 1;
        put(t, "  f%d:\n    owner: %s\n", f, ACTORS[sh->owner[f]]);
        if (sh->sector[f] >= 0)
            put(t, "    sector: s%d\n", sh->sector[f]);
        static const char *ROLES[] = {"assault", "defence", "support"};
        put(t, "    role: %s\n    strength: ", ROLES[pick(3)]);
        num(t, 0, 30000, 1);
        int ntr = pick(3);
        if (ntr) {
            put(t, "\n    arrivals:\n");
            for (int i = 0; i < ntr; i++) {
                if (pick(2) && sh->npol > 0) {
                    put(t, "      - {after: p%d, delay: %d, size: ", pick(sh->npol), pick(10));
                } else {
                    put(t, "      - {day: %d, size: ", pick(sh->horizon + 1));
                }
                num(t, 0, 5000, 1);
                put(t, "}\n");
            }
        } else {
            put(t, "\n");
        }
        double x = unif(0, 0.9);
        put(t, "    experience: %.6g\n    experience_max: %.6g\n", x, x + unif(0, 1 - x));
        put(t, "    learning_rate: %.6g\n    interoperability: ", unif(0, 0.1));
        num(t, 0.2, 1, 0);
        if (pick(2))
            put(t, "\n    exposure: %.6g", unif(0, 3));
        put(t, "\n    multiplier: %.6g\n    killed_share: ", unif(0.5, 2));
        num(t, 0, 1, 0);
        put(t, "\n    wounded_return: ");
        num(t, 0, 1, 0);
        put(t, "\n    return_delay: ");
        num(t, 0, 40, 0);
        put(t, "\n    break_point: %.6g\n", pick(3) ? 0 : unif(0, 0.7));
        if (pick(2))
            put(t, "    munitions: %s.shells\n    shells_per_day: %.6g\n",
                ACTORS[pick(3)], unif(0, 200));
    }
    put(t, "sectors:\n");
    for (int s = 0; s < sh->ns; s++) {
        static const char *POST[] = {"attack", "hold"};
        put(t, "  s%d:\n    posture: {blue: %s, red: %s}\n", s, POST[pick(2)], POST[pick(2)]);
        int law = pick(4);
        double scale = law == 0 ? 1e-3 : law == 1 ? 1e-7 : law == 2 ? 3e-3 : 1e-4;
        static const char *LAW[] = {"square", "linear", "logarithmic"};
        put(t, "    attrition:\n");
        if (law < 3)
            put(t, "      law: %s\n", LAW[law]);
        else
            put(t, "      p: %.6g\n      q: %.6g\n", unif(0.3, 1), unif(0, 0.7));
        put(t, "      coefficients: {blue: %.6g, red: ", unif(0, 10) * scale);
        num(t, 0, 10 * scale, 0);
        put(t, "}\n");
        int noise = pick(3);
        static const char *NOISE[] = {"none", "poisson", "negbin"};
        put(t, "      noise: %s\n", NOISE[noise]);
        if (noise == 2) {
            put(t, "      dispersion: ");
            num(t, 0.5, 20, 0);
            put(t, "\n");
        }
        put(t, "    intensity: %.6g\n", zero ? 0.0 : unif(0, 2));
        put(t, "    defence: %.6g\n    hold_intensity: %.6g\n    fire_floor: %.6g\n",
            unif(0.5, 3), unif(0, 1), unif(0, 1));
        if (pick(3)) {
            sh->has_ground[s] = 1;
            sh->contested[s] = floor(unif(10, 2000));
            sh->held[s] = floor(unif(0, sh->contested[s]));
            put(t, "    ground: {holder: %s, held: %.6g, contested: %.6g, advance_rate: %.6g, "
                   "ratio_threshold: %.6g}\n",
                pick(2) ? "blue" : "red", sh->held[s], sh->contested[s], unif(0, 20),
                unif(0, 3));
        }
    }
    if (sh->np) {
        put(t, "pipelines:\n");
        for (int p = 0; p < sh->np; p++) {
            put(t, "  pl%d:\n", p);
            int fa = pick(3), fk = pick(2), from = pick(2);
            if (from)
                put(t, "    from: %s.%s\n", ACTORS[fa], STOCKS[fk]);
            if (pick(2))
                put(t, "    to: f%d\n", pick(sh->nf));
            else /* a stock, never the one it comes from */
                put(t, "    to: %s.%s\n", ACTORS[fa], STOCKS[from ? 1 - fk : fk]);
            put(t, "    rate: ");
            num(t, 0, 300, 0);
            put(t, "\n    delay: ");
            num(t, 0, 30, 0);
            put(t, "\n");
            if (pick(2))
                put(t, "    when: day >= %d\n", pick(sh->horizon));
        }
    }
    if (sh->ntreaty)
        put(t, "treaties:\n  t0: {parties: [blue, ally], trigger: 'day >= %d'}\n",
            pick(sh->horizon));
    if (sh->ladder)
        put(t, "ladders:\n  L: {rungs: [r0, r1, r2, r3], initial: r%d}\n", pick(2));
    if (sh->npol) {
        put(t, "policies:\n");
        for (int p = 0; p < sh->npol; p++) {
            put(t, "  p%d:\n", p);
            switch (pick(3)) {
            case 0: put(t, "    when: day >= %d\n", pick(sh->horizon)); break;
            case 1: put(t, "    when: 'strength(f%d) < %.6g * arrived(f%d)'\n", pick(sh->nf),
                        unif(0, 1), pick(sh->nf)); break;
            default: break;
            }
            if (pick(2)) {
                put(t, "    hazard: ");
                num(t, 0, 1, 0);
                put(t, "\n");
            }
            if (pick(3) == 0) {
                put(t, "    probability: ");
                num(t, 0, 1, 0);
                put(t, "\n");
            }
            put(t, "    delay: %d\n    repeat: %s\n", pick(5), pick(2) ? "true" : "false");
            if (sh->ntreaty && pick(2))
                put(t, "    requires: t0\n");
            int na = 1 + pick(4);
            put(t, "    actions:\n");
            for (int a = 0; a < na; a++) {
                int f = pick(sh->nf), g = pick(sh->nf);
                switch (pick(7)) {
                case 0: {
                    double amt = unif(-100, 3000);
                    if (pick(2))
                        put(t, "      - deploy: {force: f%d, amount: %.6g, from: %s.men}\n", f, amt,
                            ACTORS[pick(3)]);
                    else
                        put(t, "      - deploy: {force: f%d, amount: %.6g}\n", f, amt);
                    break;
                }
                case 1:
                    if (f == g)
                        g = (f + 1) % sh->nf;
                    put(t, "      - move: {from: f%d, to: f%d, amount: 'strength(f%d) * %.6g'}\n",
                        f, g, f, unif(0, 1.2));
                    break;
                case 2:
                    put(t, "      - transfer: {from: %s.shells, to: %s.shells, amount: %.6g}\n",
                        ACTORS[0], ACTORS[1 + pick(2)], unif(-10, 50000));
                    break;
                case 3: {
                    static const char *FF[] = {"multiplier", "exposure", "interoperability"};
                    int k = pick(6);
                    if (k < 3)
                        put(t, "      - set: {force: f%d, field: %s, value: %.6g}\n", f, FF[k],
                            unif(-0.5, 2));
                    else if (k == 3)
                        put(t, "      - set: {force: f%d, field: role, value: %s}\n", f,
                            pick(2) ? "support" : "assault");
                    else if (k == 4)
                        put(t, "      - set: {sector: s%d, field: %s, value: %.6g}\n",
                            pick(sh->ns), zero ? "defence" : pick(2) ? "intensity" : "defence",
                            unif(0, 2));
                    else
                        put(t, "      - set: {sector: s%d, field: posture, side: %s, value: %s}\n",
                            pick(sh->ns), pick(2) ? "blue" : "red", pick(2) ? "attack" : "hold");
                    break;
                }
                case 4:
                    if (sh->np)
                        put(t, "      - set: {pipeline: pl%d, value: %.6g}\n", pick(sh->np),
                            unif(0, 500));
                    else
                        put(t, "      - set: {param: k, value: 'param(k) + 1'}\n");
                    break;
                case 5:
                    if (sh->ladder)
                        put(t, "      - escalate: {ladder: L, to: r%d}\n", pick(4));
                    else
                        put(t, "      - event: ev%d\n", pick(3));
                    break;
                default:
                    put(t, "      - set: {sector: s%d, field: coefficient, side: red, value: %.6g}\n",
                        pick(sh->ns), unif(0, 0.01));
                    break;
                }
            }
        }
    }
    put(t, "metrics:\n");
    for (int f = 0; f < sh->nf; f++)
        put(t, "  F%d: strength(f%d)\n", f, f);
    for (int a = 0; a < 3; a++)
        for (int k = 0; k < 2; k++)
            put(t, "  K%d%d: 'stock(%s, %s)'\n", a, k, ACTORS[a], STOCKS[k]);
    for (int s = 0; s < sh->ns; s++)
        if (sh->has_ground[s])
            put(t, "  G%d: ground(s%d)\n", s, s);
    put(t, "  sides: 'side_strength(s0, blue) + side_strength(s0, red) + rung_or_zero'\n");
}

/* The generator writes placeholders that depend on what exists. */
static void fix_up(text *t, const shape *sh)
{
    char *p;
    const char *rz = sh->ladder ? "rung(L)     " : "0           ";
    while ((p = strstr(t->buf, "rung_or_zero")))
        memcpy(p, rz, 12);
}

/* ---- the checks ------------------------------------------------------- */

/* How much happened in the random runs, so that the invariants are known to
 * have been exercised. */
static struct {
    int killed, returned, awaiting, withdrawn, moved, acted, ground_moved, zero_ok;
} seen;

static int is_whole(double x)
{
    return x == floor(x);
}

static void check_run(const sal_run *r, const shape *sh, int det, int zero, uint64_t seed)
{
    const sal_model *m = sal_run_model(r);
    for (size_t f = 0; f < m->nforces; f++) {
        sal_force_account a;
        assert_int_equal(sal_run_force(r, f, &a), SAL_OK);
        double parts[] = {a.present, a.killed, a.wounded_away, a.awaiting, a.withdrawn,
                          a.moved_out, a.returned, a.wounded};
        for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
            if (!(parts[i] >= 0) || !isfinite(parts[i]))
                fail_msg("scenario %llu force f%zu: part %zu is %g", (unsigned long long)seed, f,
                         i, parts[i]);
            if (!det && !is_whole(parts[i]))
                fail_msg("scenario %llu force f%zu: part %zu = %.17g is not whole",
                         (unsigned long long)seed, f, i, parts[i]);
        }
        double sum = a.present + a.killed + a.wounded_away + a.awaiting + a.withdrawn + a.moved_out;
        double wsum = a.wounded_away + a.awaiting + a.returned;
        if (det) {
            assert_rel(sum, a.arrived, 1e-9);
            assert_rel(wsum, a.wounded, 1e-9);
        } else if (sum != a.arrived || wsum != a.wounded) {
            fail_msg("scenario %llu force f%zu: arrived %.17g != %.17g or wounded %.17g != %.17g",
                     (unsigned long long)seed, f, a.arrived, sum, a.wounded, wsum);
        }
        seen.killed += a.killed > 0;
        seen.returned += a.returned > 0;
        seen.awaiting += a.awaiting > 0;
        seen.withdrawn += a.withdrawn > 0;
        seen.moved += a.moved_out > 0;
        if (zero) {
            assert_true(a.killed == 0 && a.wounded == 0 && a.withdrawn == 0);
            if (!(fabs(a.present - (a.arrived - a.moved_out)) <= 1e-9 * fmax(1, a.arrived)))
                fail_msg("scenario %llu force f%zu: present %.17g, arrived - moved out %.17g",
                         (unsigned long long)seed, f, a.present, a.arrived - a.moved_out);
        }
    }
    size_t nd = sal_run_ndays(r), nm = sal_run_nmetrics(r);
    const double *s = sal_run_series(r);
    for (size_t d = 0; d < nd; d++)
        for (size_t k = 0; k < nm; k++) {
            double v = s[d * nm + k];
            if (!isfinite(v) || v < 0)
                fail_msg("scenario %llu: metric %s is %g on day %zu", (unsigned long long)seed,
                         m->metrics[k].name, v, d);
            const char *name = m->metrics[k].name;
            if (name[0] == 'G') {
                int sec = name[1] - '0';
                if (v > sh->contested[sec])
                    fail_msg("scenario %llu: ground %g > contested %g", (unsigned long long)seed,
                             v, sh->contested[sec]);
                if (zero)
                    assert_close(v, sh->held[sec], 0);
                seen.ground_moved += v != sh->held[sec];
            }
        }
    for (size_t p = 0; p < m->npolicies; p++)
        seen.acted += sal_run_policy_acted(r, p) > 0;
    const int32_t *ev = sal_run_event_days(r);
    for (size_t e = 0; e < m->nevents; e++)
        assert_true(ev[e] >= -1 && ev[e] <= m->horizon);
}

static void scenarios(int zero, int count)
{
    text t = {NULL, 0, 0};
    for (int i = 0; i < count; i++) {
        uint64_t seed = (uint64_t)i + (zero ? 100000 : 0);
        shape sh;
        t.len = 0;
        gen(&t, seed, zero, &sh);
        fix_up(&t, &sh);
        sal_model *m = load(t.buf);
        sal_run *r = sal_run_alloc(m), *r2 = sal_run_alloc(m);
        assert_non_null(r);
        assert_non_null(r2);
        size_t cells = sal_run_ndays(r) * sal_run_nmetrics(r);
        for (uint64_t run = 0; run < 3; run++) {
            exec_ok(r, 0, seed, run);
            check_run(r, &sh, 0, zero, seed);
            /* the same run in another workspace that ran something else */
            exec_ok(r2, 0, seed, run + 1);
            exec_ok(r2, 0, seed, run);
            if (memcmp(sal_run_series(r), sal_run_series(r2), cells * sizeof(double)) != 0 ||
                memcmp(sal_run_event_days(r), sal_run_event_days(r2),
                       m->nevents * sizeof(int32_t)) != 0)
                fail_msg("scenario %llu run %llu: not the same bytes", (unsigned long long)seed,
                         (unsigned long long)run);
        }
        exec_ok(r, 1, seed, 0);
        check_run(r, &sh, 1, zero, seed);
        sal_run_free(r);
        sal_run_free(r2);
        sal_model_free(m);
    }
    free(t.buf);
}

static void test_random(void **state)
{
    (void)state;
    memset(&seen, 0, sizeof seen);
    scenarios(0, 300);
    /* forces x runs: each mechanism happened many times */
    print_message("killed %d returned %d awaiting %d withdrawn %d moved %d acted %d ground %d\n", seen.killed, seen.returned, seen.awaiting, seen.withdrawn, seen.moved, seen.acted, seen.ground_moved);
    assert_true(seen.killed > 500);
    assert_true(seen.returned > 100);
    assert_true(seen.awaiting > 100);
    assert_true(seen.withdrawn > 50);
    assert_true(seen.moved > 50);
    assert_true(seen.acted > 300);
    assert_true(seen.ground_moved > 1000);
}

static void test_zero_intensity(void **state)
{
    (void)state;
    scenarios(1, 100);
}

/* The generator itself: it must use every section and action somewhere
 * (otherwise the invariants above would test less than they claim). */
static void test_generator_covers(void **state)
{
    (void)state;
    text t = {NULL, 0, 0};
    const char *want[] = {"deploy:", "move:", "transfer:", "set: {force", "set: {sector",
                          "escalate:", "pipelines:", "treaties:", "ladders:", "requires:",
                          "after:", "negbin", "poisson", "pert:", "uniform:", "munitions:",
                          "break_point: 0.", "ground:", "field: role", "field: posture"};
    int found[sizeof want / sizeof want[0]] = {0};
    for (int i = 0; i < 300; i++) {
        shape sh;
        t.len = 0;
        gen(&t, (uint64_t)i, 0, &sh);
        for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
            found[k] += strstr(t.buf, want[k]) != NULL;
    }
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
        if (found[k] < 10)
            fail_msg("the generator wrote '%s' in only %d scenarios", want[k], found[k]);
    free(t.buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generator_covers),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_zero_intensity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

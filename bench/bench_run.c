/* Benchmark of the daily engine: run-days per second on one core for
 *   - a bare two-sided stochastic Lanchester duel (Poisson casualties on both
 *     sides every day, two metrics),
 *   - the same duel with no metrics (the engine alone),
 *   - the shipped examples (every section of the scenario language),
 * and how the cost grows with the number of forces and sectors.  Not a test:
 * run it by hand (`make bench`) and read the numbers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "salient/salient.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static sal_model *read_text(const char *text)
{
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    if (sal_model_read_buffer(text, strlen(text), "bench.yaml", NULL, d, &m) != SAL_OK) {
        char buf[1024];
        for (size_t i = 0; i < sal_diags_count(d); i++) {
            sal_diag_format(sal_diags_get(d, i), buf, sizeof buf);
            fprintf(stderr, "%s\n", buf);
        }
        exit(1);
    }
    sal_diags_free(d);
    return m;
}

/* Runs m for about `secs` seconds; prints run-days per second. */
static double bench(const char *label, const sal_model *m, int det, double secs)
{
    sal_run *r = sal_run_alloc(m);
    if (!r)
        exit(1);
    sal_run_opts o = {1, 0, det, NULL, NULL, NULL};
    double t0 = now(), t;
    uint64_t runs = 0;
    do {
        for (int i = 0; i < 16; i++) {
            o.run = runs++;
            if (sal_run_exec(r, &o, NULL) != SAL_OK) {
                fprintf(stderr, "%s: run failed\n", label);
                exit(1);
            }
        }
        t = now() - t0;
    } while (t < secs);
    double rd = (double)runs * (double)(m->horizon + 1) / t;
    printf("  %-44s %10.3g run-days/s  %8.0f ns/run-day  (%llu runs, %zu bytes of workspace)\n",
           label, rd, 1e9 / rd, (unsigned long long)runs, sal_run_bytes(r));
    sal_run_free(r);
    return rd;
}

static const char *DUEL =
    "scenario: {name: duel, start: 2024-11-01, horizon: 365, sides: [blue, red]}\n"
    "actors:\n  blue: {side: blue}\n  red: {side: red}\n"
    "forces:\n"
    "  A: {owner: blue, sector: s, strength: 1000000, experience: 1}\n"
    "  B: {owner: red, sector: s, strength: 800000, experience: 1}\n"
    "sectors:\n"
    "  s: {posture: {blue: attack, red: attack}, attrition: {coefficients: {blue: 0.0005, red: "
    "0.0006}, noise: poisson}}\n";

/* killed_share 1: no killed/wounded split, the two Poisson draws alone */
static const char *DUEL_PURE =
    "scenario: {name: duel, start: 2024-11-01, horizon: 365, sides: [blue, red]}\n"
    "actors:\n  blue: {side: blue}\n  red: {side: red}\n"
    "forces:\n"
    "  A: {owner: blue, sector: s, strength: 1000000, experience: 1, killed_share: 1}\n"
    "  B: {owner: red, sector: s, strength: 800000, experience: 1, killed_share: 1}\n"
    "sectors:\n"
    "  s: {posture: {blue: attack, red: attack}, attrition: {coefficients: {blue: 0.0005, red: "
    "0.0006}, noise: poisson}}\n";

static sal_model *wide(int nsectors, int forces_per_side)
{
    static char buf[1 << 16];
    size_t n = 0;
    n += (size_t)snprintf(buf + n, sizeof buf - n,
                          "scenario: {name: wide, start: 2024-11-01, horizon: 365, sides: [blue, "
                          "red]}\nactors:\n  blue: {side: blue}\n  red: {side: red}\nforces:\n");
    for (int s = 0; s < nsectors; s++)
        for (int f = 0; f < 2 * forces_per_side; f++)
            n += (size_t)snprintf(buf + n, sizeof buf - n,
                                  "  f%d-%d: {owner: %s, sector: s%d, strength: 100000, role: %s, "
                                  "killed_share: 0.3, wounded_return: 0.4, learning_rate: 0.01}\n",
                                  s, f, f % 2 ? "red" : "blue", s, f % 4 < 2 ? "assault" : "defence");
    n += (size_t)snprintf(buf + n, sizeof buf - n, "sectors:\n");
    for (int s = 0; s < nsectors; s++)
        n += (size_t)snprintf(buf + n, sizeof buf - n,
                              "  s%d: {posture: {blue: attack}, attrition: {coefficients: {blue: "
                              "0.0005, red: 0.0005}, noise: negbin}, ground: {holder: red, "
                              "contested: 1000, advance_rate: 1}}\n", s);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "metrics:\n  g: ground(s0)\n");
    return read_text(buf);
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 1.0;
    printf("salient daily engine, one core (%.1f s per case)\n", secs);
    char with_metrics[2048];
    snprintf(with_metrics, sizeof with_metrics, "%smetrics: {a: strength(A), b: strength(B)}\n",
             DUEL);
    sal_model *duel = read_text(DUEL), *duelm = read_text(with_metrics);
    sal_model *duelp = read_text(DUEL_PURE);
    bench("duel, 2 Poisson draws a day, nothing else", duelp, 0, secs);
    double base = bench("duel, Poisson + binomial killed split", duel, 0, secs);
    bench("the same with 2 metrics", duelm, 0, secs);
    bench("duel, deterministic", duel, 1, secs);
    const char *ex[] = {"examples/every-section.yaml", "examples/minimal.yaml", "examples/duel.yaml"};
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
        sal_diags *d = sal_diags_alloc();
        sal_model *m = NULL;
        if (sal_model_read(ex[i], NULL, d, &m) == SAL_OK) {
            double rd = bench(ex[i], m, 0, secs);
            printf("  %-44s %10.2fx the bare duel's cost per run-day\n", "", base / rd);
            sal_model_free(m);
        }
        sal_diags_free(d);
    }
    printf("cost with the number of sectors and forces (negbin, learning, returns):\n");
    int shapes[][2] = {{1, 1}, {1, 4}, {4, 1}, {4, 4}, {16, 2}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        char label[64];
        snprintf(label, sizeof label, "%d sectors x %d forces a side", shapes[i][0], shapes[i][1]);
        sal_model *m = wide(shapes[i][0], shapes[i][1]);
        bench(label, m, 0, secs);
        sal_model_free(m);
    }
    sal_model_free(duel);
    sal_model_free(duelm);
    sal_model_free(duelp);
    return 0;
}

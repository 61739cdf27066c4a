/* Micro-benchmark of sal_expr_eval: nanoseconds per evaluation of typical
 * policy conditions and metrics, against the same expression hand-written in
 * C.  Not a test: run it by hand (`make bench`) and read the numbers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "salient/expr.h"

enum { H_DAY, H_STRENGTH, H_HAPPENED, H_DAYS_SINCE, H_STOCK };

static const sal_expr_func funcs[] = {
    {"day", 0, H_DAY, NULL},
    {"strength", 1, H_STRENGTH, "force"},
    {"happened", 1, H_HAPPENED, "event"},
    {"days_since", 1, H_DAYS_SINCE, "event"},
    {"stock", 2, H_STOCK, "actor, stock"},
};

static int resolve(void *ctx, int id, int pos, const char *name, const int *prev,
                   char *why, size_t whylen)
{
    (void)ctx; (void)id; (void)pos; (void)prev; (void)why; (void)whylen;
    return (int)(name[0] % 4);
}

typedef struct {
    double day, strength[4], happened[4], since[4], stock[4][4];
} state;

static double get(void *p, int id, int a, int b)
{
    const state *s = p;
    switch (id) {
    case H_DAY: return s->day;
    case H_STRENGTH: return s->strength[a];
    case H_HAPPENED: return s->happened[a];
    case H_DAYS_SINCE: return s->since[a];
    default: return s->stock[a][b];
    }
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double by_hand(const state *s)
{
    return (s->happened[1] != 0 && s->since[1] > 30 &&
            s->strength[0] < 0.6 * 12000 && s->stock[1][2] > 1e5) ? 1.0 : 0.0;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000000L;
    const char *srcs[] = {
        "42 * 1_000 / 7",
        "day",
        "day > 30",
        "happened(a) and days_since(a) > 30 and strength(d) < 0.6 * 12_000 and stock(a, b) > 1e5",
        "max(0, strength(d) - strength(e)) / (1 + exp(-day / 30))",
        "if(day % 7 == 0, min(strength(d), strength(e), strength(f)), 0)",
    };
    sal_expr_host host = {funcs, sizeof funcs / sizeof funcs[0], resolve, NULL};
    state s = {0};
    for (int i = 0; i < 4; i++) {
        s.strength[i] = 5000 + 1000 * i;
        s.happened[i] = i & 1;
        s.since[i] = 40;
        for (int j = 0; j < 4; j++)
            s.stock[i][j] = 2e5;
    }
    printf("%-90s %6s %10s\n", "expression", "instr", "ns/eval");
    for (size_t k = 0; k < sizeof srcs / sizeof srcs[0]; k++) {
        sal_expr *e = NULL;
        if (sal_expr_compile(srcs[k], &host, "bench", 1, 1, NULL, &e) != SAL_OK) {
            fprintf(stderr, "bench: '%s' does not compile\n", srcs[k]);
            return 1;
        }
        double sum = 0, t0 = now();
        for (long i = 0; i < n; i++) {
            s.day = (double)(i & 1023);
            sum += sal_expr_eval(e, get, &s);
        }
        double dt = now() - t0;
        printf("%-90s %6zu %10.2f   (checksum %g)\n", srcs[k], sal_expr_size(e), 1e9 * dt / n, sum);
        sal_expr_free(e);
    }
    double sum = 0, t0 = now();
    for (long i = 0; i < n; i++) {
        s.day = (double)(i & 1023);
        s.since[1] = (double)(i & 63);
        sum += by_hand(&s);
    }
    printf("%-90s %6s %10.2f   (checksum %g)\n", "the 4-clause condition written in C", "-",
           1e9 * (now() - t0) / n, sum);
    return 0;
}

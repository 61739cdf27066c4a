/* Writes the generated battles of tests/data/gen/ (see README.md there)
 * with the library's own simulator.  Not part of the build; to regenerate:
 *
 *   make && cc -std=c11 -Iinclude -fopenmp tests/data/gen/generate.c \
 *        build/libsalient.a $(pkg-config --libs gsl) -lm -o /tmp/generate && \
 *   /tmp/generate tests/data/gen
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salient/salient.h"

typedef struct {
    const char *file;
    sal_lanchester m;
    double A0, B0;
    int days;
    int rday[3];
    double rA[3], rB[3];
    int noisy;        /* Poisson casualties from stream (2024, run, 0) */
    uint64_t run;
} battle;

static const battle battles[] = {
    {"linear-reinf-poisson.csv", {2e-6, 3e-6, 1, 1}, 10000, 8000, 40, {8, 15, 0},
     {1000, 2000, 0}, {0, 1000, 0}, 1, 1},
    {"log-a0-poisson.csv", {0.03, 0.02, 0, 1}, 0, 12000, 30, {1, 2, 0}, {10000, 3000, 0},
     {0}, 1, 2},
    {"square-reinf-poisson.csv", {0.03, 0.015, 1, 0}, 8000, 10000, 40, {5, 10, 20},
     {2000, 0, 3000}, {0, 1500, 0}, 1, 3},
    {"free-0.7-0.4.csv", {0.0084, 0.0091, 0.7, 0.4}, 10000, 8000, 40, {10, 25, 0},
     {2000, 0, 0}, {0, 1500, 0}, 0, 0},
};

static int write_one(const char *dir, const battle *t, sal_lanchester_ws *ws, gsl_rng *rng)
{
    size_t n = (size_t)t->days + 1;
    sal_battle *b = sal_battle_alloc(n);
    for (int k = 0; k < 3; k++)
        if (t->rday[k]) {
            b->reinf_A[t->rday[k]] = t->rA[k];
            b->reinf_B[t->rday[k]] = t->rB[k];
        }
    int st;
    if (t->noisy) {
        sal_rng_reset(rng, 2024, t->run, 0);
        st = sal_lanchester_sample(ws, &t->m, SAL_NOISE_POISSON, 0, rng, t->A0, t->B0, n - 1,
                                   b->reinf_A, b->reinf_B, b->A, b->B);
    } else {
        st = sal_lanchester_path(ws, &t->m, t->A0, t->B0, n - 1, b->reinf_A, b->reinf_B,
                                 b->A, b->B);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, t->file);
    FILE *f = st == SAL_OK ? fopen(path, "w") : NULL;
    if (!f)
        return -1;
    fprintf(f, "day,A,B,reinf_A,reinf_B\n");
    for (size_t d = 0; d < n; d++)
        fprintf(f, t->noisy ? "%zu,%.0f,%.0f,%.0f,%.0f\n" : "%zu,%.4f,%.4f,%.0f,%.0f\n", d,
                b->A[d], b->B[d], b->reinf_A[d], b->reinf_B[d]);
    sal_battle_free(b);
    return fclose(f);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    sal_lanchester_ws *ws = sal_lanchester_ws_alloc();
    gsl_rng *rng = sal_rng_alloc(0, 0, 0);
    for (size_t i = 0; i < sizeof battles / sizeof battles[0]; i++)
        if (write_one(dir, &battles[i], ws, rng) != 0) {
            fprintf(stderr, "generate: cannot write %s\n", battles[i].file);
            return 1;
        }
    gsl_rng_free(rng);
    sal_lanchester_ws_free(ws);
    return 0;
}

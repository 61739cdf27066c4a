/* Exact Poisson and binomial draws, fast for large counts (src/base/draw.c),
 * used by the engine's daily noise and by the bench's vectorised duel. */
#ifndef SAL_BASE_DRAW_H
#define SAL_BASE_DRAW_H

#include <math.h>
#include <stddef.h>

#include <gsl/gsl_rng.h>

double sal_draw_poisson(gsl_rng *g, double mu);
double sal_draw_binomial(gsl_rng *g, double n, double p);

/* The pieces of the Poisson sampler for means >= 10 (PTRS, src/base/draw.c), for
 * code that runs its loop elsewhere and must give the same draws
 * (bench/duel_simd.h, the duel vectorised over runs). */
typedef struct {
    double mu, b, a, vr;
} sal_ptrs;
/* PTRS's constants for mean mu >= 10 (Hörmann 1993, table 1); inline, as
 * it is part of every draw. */
static inline sal_ptrs sal_ptrs_setup(double mu)
{
    sal_ptrs c;
    c.mu = mu;
    c.b = 0.931 + 2.53 * sqrt(mu);
    c.a = -0.059 + 0.02483 * c.b;
    c.vr = 0.9277 - 3.6224 / (c.b - 2);
    return c;
}
int sal_ptrs_accept(const sal_ptrs *c, double us, double V, double k);
/* log(k!) for k < *n as the samplers use it (filled on first use). */
const double *sal_log_factorial_table(size_t *n);

#endif

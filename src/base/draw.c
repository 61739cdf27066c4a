/* Daily noise of the engine: Poisson and binomial counts, drawn exactly.
 *
 * Why not gsl_ran_poisson / gsl_ran_binomial: the engine draws two Poisson
 * counts and a binomial split per force every simulated day, with means of
 * hundreds to thousands.  GSL reduces a large Poisson mean through a loop of
 * gamma draws and uses BTPE for the binomial; both cost several hundred
 * nanoseconds there, which would make the samplers the whole cost of a run.
 * Hörmann's transformed rejection with squeeze draws both with about 2.3
 * uniforms, a square root and, in about one draw in four, two logarithms
 * (counted at mean 500: 1.145 attempts and 0.27 slow tests a draw):
 *
 *   W. Hörmann, "The transformed rejection method for generating Poisson
 *   random variables", Insurance: Mathematics and Economics 12 (1993) 39-45
 *   (PTRS);
 *   W. Hörmann, "The generation of binomial random variates", Journal of
 *   Statistical Computation and Simulation 46 (1993) 101-110 (BTRS).
 *
 * These are the algorithms NumPy uses for the same draws.  Small means use
 * the exact classical methods (multiplication for Poisson, inversion by
 * sequential search for the binomial).  tests/test_draw.c checks every
 * regime against the exact probability mass function. */
#include "base/draw.h"
#include "base/rng_int.h"

#include <math.h>
#include <pthread.h>

#include <gsl/gsl_rng.h>

/* log(k!) : exact values below 16, Stirling's series above (error < 1e-14
 * relative for k >= 16). */
static double log_factorial_series(double k)
{
    static const double table[16] = {
        0.0,
        0.0,
        0.69314718055994530942,
        1.79175946922805500081,
        3.17805383034794561964,
        4.78749174278204599425,
        6.57925121201010099506,
        8.52516136106541430017,
        10.60460290274525022842,
        12.80182748008146961121,
        15.10441257307551529523,
        17.50230784587388583929,
        19.98721449566188614952,
        22.55216385312342288557,
        25.19122118273868150009,
        27.89927138384089156609,
    };
    if (k < 16)
        return table[(int)k];
    double x = k + 1, x2 = 1 / (x * x);
    /* ln Gamma(x) = (x - 1/2) ln x - x + ln(2 pi)/2 + 1/(12x) - 1/(360x^3) + 1/(1260x^5) - ... */
    double series = (1.0 / 12 - x2 * (1.0 / 360 - x2 * (1.0 / 1260 - x2 / 1680))) / x;
    return (x - 0.5) * log(x) - x + 0.91893853320467274178 + series;
}

/* The slow paths of both samplers need log(k!) for k near the mean (up to
 * four per binomial draw).  Below LF_TABLE it is a table lookup instead of a
 * log: the table holds log_factorial_series(k) itself, so every value, and
 * hence every accept/reject decision and every output, is the same as
 * without the table.  16 KiB, filled once per process (pthread_once: safe
 * when the first draws happen on several threads at once). */
#define LF_TABLE 2048
static double lf_table[LF_TABLE];
static pthread_once_t lf_once = PTHREAD_ONCE_INIT;

static void lf_fill(void)
{
    for (int k = 0; k < LF_TABLE; k++)
        lf_table[k] = log_factorial_series(k);
}

const double *sal_log_factorial_table(size_t *n)
{
    pthread_once(&lf_once, lf_fill);
    *n = LF_TABLE;
    return lf_table;
}

static double log_factorial(double k)
{
    if (k < LF_TABLE) {
        pthread_once(&lf_once, lf_fill);
        return lf_table[(int)k];
    }
    return log_factorial_series(k);
}

/* PTRS's slow test, for a candidate k that neither the squeeze accepted nor
 * the cheap tests rejected: accept when V h(us) <= P(k), in logs,
 *   log(V alpha^-1 / (a / us^2 + b)) <= -mu + k log mu - log k!  */
int sal_ptrs_accept(const sal_ptrs *c, double us, double V, double k)
{
    double inv_alpha = 1.1239 + 1.1328 / (c->b - 3.4);
    return log(V * inv_alpha / (c->a / (us * us) + c->b)) <=
           -c->mu + k * log(c->mu) - log_factorial(k);
}

double sal_draw_poisson(gsl_rng *g, double mu)
{
    if (!(mu > 0))
        return 0;
    if (mu < 10) {
        /* inversion: walk the cumulative pmf from 0 with one uniform; about
         * mu + 1 steps */
        double u = sal_rng_uniform(g), f = exp(-mu), F = f, k = 0;
        while (u >= F) {
            k += 1;
            f *= mu / k;
            F += f;
            if (f < 1e-300 && k > mu) /* rounding left a sliver of mass */
                return sal_draw_poisson(g, mu);
        }
        return k;
    }
    sal_ptrs c = sal_ptrs_setup(mu);
    for (;;) {
        double U = sal_rng_uniform(g) - 0.5;
        double V = sal_rng_uniform(g);
        double us = 0.5 - fabs(U);
        double k = floor((2 * c.a / us + c.b) * U + mu + 0.43);
        if (us >= 0.07 && V <= c.vr)
            return k;
        if (k < 0 || (us < 0.013 && V > us))
            continue;
        if (sal_ptrs_accept(&c, us, V, k)) /* about one draw in four */
            return k;
    }
}

/* Binomial(n, p) for p <= 1/2. */
static double binomial_low(gsl_rng *g, double n, double p)
{
    double q = 1 - p;
    if (n * p < 10) {
        /* inversion: walk the pmf from 0; about n p + 1 steps */
        double s = p / q, f = exp(n * log1p(-p)), u = sal_rng_uniform(g), k = 0;
        for (;;) {
            if (u < f)
                return k;
            if (k >= n) /* rounding left a sliver of mass: start again */
                return binomial_low(g, n, p);
            u -= f;
            k += 1;
            f *= s * (n - k + 1) / k;
        }
    }
    double spq = sqrt(n * p * q);
    double b = 1.15 + 2.53 * spq;
    double a = -0.0873 + 0.0248 * b + 0.01 * p;
    double c = n * p + 0.5;
    double vr = 0.92 - 4.2 / b;
    double m = 0, h = NAN, lpq = 0, alpha = 0;
    for (;;) {
        double U = sal_rng_uniform(g) - 0.5;
        double V = sal_rng_uniform(g);
        double us = 0.5 - fabs(U);
        double k = floor((2 * a / us + b) * U + c);
        if (k < 0 || k > n)
            continue;
        if (us >= 0.07 && V <= vr)
            return k;
        if (isnan(h)) { /* the slow path's constants, once per draw at most */
            alpha = (2.83 + 5.1 / b) * spq;
            m = floor((n + 1) * p);
            h = log_factorial(m) + log_factorial(n - m);
            lpq = log(p / q);
        }
        V = log(V * alpha / (a / (us * us) + b));
        if (V <= h - log_factorial(k) - log_factorial(n - k) + (k - m) * lpq)
            return k;
    }
}

double sal_draw_binomial(gsl_rng *g, double n, double p)
{
    if (!(n > 0) || !(p > 0))
        return 0;
    if (p >= 1)
        return n;
    return p <= 0.5 ? binomial_low(g, n, p) : n - binomial_low(g, n, 1 - p);
}

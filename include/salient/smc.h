/* salient — a sequential Monte Carlo sampler with adaptive likelihood
 * tempering, over a parameter vector and a random key, with a log-likelihood
 * callback (no scenario needed: testable on closed forms).
 *
 * Target (docs/calibration.md): the posterior of (x, u), x the parameters
 * with prior p(x), u a random key with a uniform prior over 64-bit keys (the
 * stream key of a stochastic simulator, so that given u the likelihood is a
 * deterministic function of x), reached through the tempered sequence
 *
 *   pi_t(x, u)  propto  p(x) L(x, u)^t,   0 = t_0 < t_1 < ... < t_S = 1
 *
 * (Del Moral, Doucet and Jasra 2006).  Each stage:
 *   1. the next temperature t' by bisection so that the conditional ESS
 *      (Zhou, Johansen and Aston 2016) of the incremental weights
 *      w_i = L_i^(t' - t) is a fraction alpha of N:
 *        CESS = N (sum_i W_i w_i)^2 / sum_i W_i w_i^2 = alpha N
 *      (adaptive tempering, Jasra, Stephens, Doucet and Tsagaris 2011);
 *   2. reweighting W_i propto W_i w_i, systematic resampling to equal weights;
 *   3. MCMC sweeps invariant for pi_t', alternating
 *      (i) random-walk Metropolis on the continuous coordinates in an
 *          unconstrained space y (log of positive, logit of bounded ones),
 *          y' = y + L z, L L^T = (lambda 2.38^2 / d) Sigma, Sigma the
 *          population's covariance of y; discrete coordinates refreshed
 *          from their prior (each with probability 1/2); u held fixed;
 *            log a = [log p(x') + log|J(y')| + t log L(x', u)]
 *                  - [log p(x)  + log|J(y)|  + t log L(x, u)];
 *      (ii) a fresh key u' from its prior with x held fixed:
 *            log a = t [log L(x, u') - log L(x, u)];
 *      sweeps repeat until the fraction of particles that move (i) moved
 *      at least once reaches `moved_target` (or `max_sweeps`); lambda
 *      adapts to the acceptance rate of (i).
 * A stage stops the sampler with SAL_EFAIL when fewer than `min_distinct`
 * distinct particles remain after its moves.
 *
 * Every random draw comes from a Philox stream keyed by (seed, stage,
 * particle, purpose, sweep): results are bit-identical for any thread count.
 * The state after each stage can be saved and loaded (byte-identical
 * resumption). */
#ifndef SALIENT_SMC_H
#define SALIENT_SMC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <gsl/gsl_rng.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How a coordinate is moved. */
typedef enum {
    SAL_SMC_REAL,      /* the real line: y = x */
    SAL_SMC_POSITIVE,  /* (lo, inf): y = log(x - lo) */
    SAL_SMC_BOUNDED,   /* (lo, hi): y = log((x - lo) / (hi - x)) */
    SAL_SMC_DISCRETE   /* refreshed from its prior (draw_coord) */
} sal_smc_kind;

typedef struct {
    sal_smc_kind kind;
    double lo, hi;
} sal_smc_coord;

typedef struct {
    size_t dim;                 /* coordinates of x */
    const sal_smc_coord *coord; /* dim entries */
    int stochastic;             /* 1: the likelihood depends on the key (move (ii)) */
    void *ctx;
    /* Draws every coordinate of x from the prior. */
    void (*prior_draw)(void *ctx, gsl_rng *rng, double *x);
    /* log p(x) of the continuous coordinates, up to a constant (discrete
     * coordinates must be a priori independent of the rest; their prior is
     * left out); -INFINITY outside the support. */
    double (*log_prior)(void *ctx, const double *x);
    /* Draws discrete coordinate k from its prior (may be NULL without any). */
    double (*draw_coord)(void *ctx, size_t k, gsl_rng *rng);
    /* log L(x, key) on worker `worker` (0 .. threads - 1: a per-thread
     * workspace).  SAL_OK with *ll finite or -INFINITY (impossible); any
     * other status stops the sampler. */
    int (*loglik)(void *ctx, size_t worker, const double *x, uint64_t key, double *ll);
} sal_smc_model;

typedef struct {
    size_t particles;       /* N */
    uint64_t seed;
    double cess_fraction;   /* alpha, 0 < alpha < 1 (0: 0.5) */
    size_t min_distinct;    /* stop below this many distinct particles */
    int max_sweeps;         /* cap on MCMC sweeps per stage (0: 50) */
    double moved_target;    /* (0: 0.95) */
    int threads;            /* 0: OpenMP's default */
    /* Several processes (MPI ranks; NULL share: one process).  Rank r of K
     * evaluates the contiguous share [N r / K, N (r + 1) / K) of each loop
     * over the particles, then share(share_ctx, buf, rec, N) must fill every
     * record of buf (N records of rec bytes, this rank's already in place)
     * with the other ranks' (an all-gather), returning 0 on success.  Every
     * particle's work depends on its own streams only, so the state after
     * each loop, and every result, is the same bytes for any K.  Every rank
     * calls init, step and load alike (one may save for all). */
    int rank, ranks;
    int (*share)(void *share_ctx, unsigned char *buf, size_t rec, size_t n);
    void *share_ctx;
} sal_smc_opts;

/* One stage's record (stage 0 is the prior). */
typedef struct {
    int stage;
    double temperature;
    double ess;          /* after reweighting, before resampling: 1 / sum W_i^2 */
    size_t distinct;     /* particles with distinct coordinates after the moves */
    double acceptance;   /* of the random-walk move (i), over all sweeps */
    double key_acceptance; /* of the key move (ii) (NaN if not stochastic) */
    int sweeps;
    double lambda;       /* the random-walk scale factor used */
    uint64_t simulations; /* likelihood evaluations so far */
} sal_smc_stage;

typedef struct sal_smc sal_smc;

/* A sampler for model m (which must outlive it); NULL on out of memory or
 * bad options (N < 2, dim 0). */
sal_smc *sal_smc_alloc(const sal_smc_model *m, const sal_smc_opts *o);
void sal_smc_free(sal_smc *s);
/* Stage 0: N draws from the prior and their likelihoods. */
int sal_smc_init(sal_smc *s);
/* One tempering stage (1-3 above).  SAL_OK; SAL_EFAIL when fewer than
 * min_distinct particles remain or every particle is impossible (the last
 * stage record says which); a callback's status. */
int sal_smc_step(sal_smc *s);
/* 1 when the temperature has reached 1 and that stage's moves are done. */
int sal_smc_done(const sal_smc *s);

size_t sal_smc_nparticles(const sal_smc *s);
size_t sal_smc_dim(const sal_smc *s);
double sal_smc_temperature(const sal_smc *s);
/* Particle i: its coordinates, key, log-likelihood and normalised weight. */
const double *sal_smc_x(const sal_smc *s, size_t i);
uint64_t sal_smc_key(const sal_smc *s, size_t i);
double sal_smc_loglik(const sal_smc *s, size_t i);
double sal_smc_weight(const sal_smc *s, size_t i);
size_t sal_smc_nstages(const sal_smc *s);
const sal_smc_stage *sal_smc_stage_get(const sal_smc *s, size_t k);

/* The state after the last stage, written to / read from a binary stream
 * (exact doubles).  Load checks that N and dim match the sampler's;
 * SAL_EINPUT if not or if the stream is not a checkpoint, SAL_EIO on a
 * read or write error. */
int sal_smc_save(const sal_smc *s, FILE *f);
int sal_smc_load(sal_smc *s, FILE *f);

#ifdef __cplusplus
}
#endif
#endif

/* salient — counter-based random streams.
 *
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
 * SC11), from Random123, wrapped as a gsl_rng_type so that every GSL
 * distribution (gsl_ran_poisson, gsl_ran_beta, ...) draws from it.
 *
 * A stream is named by (seed, run, stream id).  The seed is the Philox key;
 * run and stream id sit in the upper words of the counter and the lower word
 * counts 128-bit blocks.  Distinct (seed, run, stream) triples therefore
 * address disjoint counter ranges: run 17 draws the same numbers whether it
 * is computed alone, first, last, on thread 3 or on MPI rank 9.  One stream
 * yields 2^32 blocks = 2^34 32-bit outputs before it would wrap; a run that
 * asks for more gets SAL_ERANGE from sal_rng_exhausted() (never a silent
 * overlap). */
#ifndef SALIENT_RNG_H
#define SALIENT_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The generator type.  gsl_rng_alloc(sal_rng_philox) gives a generator keyed
 * by gsl_rng_default_seed with run 0 and stream 0; gsl_rng_set(r, s) rekeys
 * it with seed s, run 0, stream 0.  Outputs are 32-bit integers; doubles
 * have 32 random bits, as with GSL's own mt19937. */
extern const gsl_rng_type *sal_rng_philox;

/* Allocates a generator positioned at the start of stream (seed, run, id).
 * Returns NULL on out of memory. */
gsl_rng *sal_rng_alloc(uint64_t seed, uint64_t run, uint32_t stream);

/* Repositions r (which must be of type sal_rng_philox) at the start of
 * stream (seed, run, id).  Cheap: no allocation. */
void sal_rng_reset(gsl_rng *r, uint64_t seed, uint64_t run, uint32_t stream);

/* Non-zero if the stream has used up its 2^32 blocks and wrapped. */
int sal_rng_exhausted(const gsl_rng *r);

#ifdef __cplusplus
}
#endif
#endif

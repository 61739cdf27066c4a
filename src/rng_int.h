/* salient (internal) — the Philox stream's state, for inlined draws.
 *
 * src/rng.c wraps Philox4x32-10 as a gsl_rng_type; every GSL draw then goes
 * through the type's function pointer (about 4 ns a uniform, most of it the
 * call and the lost inlining).  The engine's hot samplers (src/draw.c) call
 * sal_rng_uniform instead: when the generator is a Philox stream it reads the
 * state directly, inlined, and hands out exactly the numbers gsl_rng_uniform
 * would (same counter, same order, same scaling), so outputs do not change;
 * any other generator falls back to GSL.  tests/test_rng.c checks the two
 * paths give the same stream. */
#ifndef SAL_RNG_INT_H
#define SAL_RNG_INT_H

#include <Random123/philox.h>
#include <stdint.h>

#include "salient/rng.h"

/* Counter layout: ctr = { block, stream, run_lo, run_hi }, key = { seed_lo,
 * seed_hi }.  Each Philox call turns one counter into four 32-bit outputs,
 * handed out in order; the block word then advances. */
typedef struct {
    philox4x32_ctr_t ctr;
    philox4x32_key_t key;
    philox4x32_ctr_t out; /* the current block of four outputs */
    unsigned next;        /* index of the next unused output, 4 = none */
    int wrapped;          /* the block counter has wrapped */
} sal_philox_state;

/* Inlined always: a call here would cost as much as the function pointer
 * this header exists to avoid (GCC keeps it out of line otherwise). */
#if defined(__GNUC__)
#define SAL_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define SAL_ALWAYS_INLINE inline
#endif

static SAL_ALWAYS_INLINE uint32_t sal_philox_next(sal_philox_state *s)
{
    if (s->next == 4) {
        s->out = philox4x32(s->ctr, s->key);
        if (++s->ctr.v[0] == 0)
            s->wrapped = 1;
        s->next = 0;
    }
    return s->out.v[s->next++];
}

/* A uniform on [0, 1) with 32 random bits: gsl_rng_uniform(g), inlined for
 * Philox streams. */
static SAL_ALWAYS_INLINE double sal_rng_uniform(gsl_rng *g)
{
    if (g->type == sal_rng_philox)
        return sal_philox_next((sal_philox_state *)g->state) * 0x1p-32;
    return g->type->get_double(g->state);
}

#endif

/* Philox4x32-10 from Random123 as a gsl_rng_type (see include/salient/rng.h).
 * The state and the step are in src/rng_int.h, shared with the inlined fast
 * path of the engine's samplers (src/draw.c). */
#include "salient/rng.h"

#include "rng_int.h"

#include <string.h>

typedef sal_philox_state philox_state;

static void philox_position(philox_state *s, uint64_t seed, uint64_t run,
                            uint32_t stream)
{
    memset(s, 0, sizeof *s);
    s->key.v[0] = (uint32_t)seed;
    s->key.v[1] = (uint32_t)(seed >> 32);
    s->ctr.v[1] = stream;
    s->ctr.v[2] = (uint32_t)run;
    s->ctr.v[3] = (uint32_t)(run >> 32);
    s->next = 4;
}

static void philox_set(void *vstate, unsigned long seed)
{
    philox_position(vstate, (uint64_t)seed, 0, 0);
}

static unsigned long philox_get(void *vstate)
{
    return sal_philox_next(vstate);
}

/* [0, 1) with 32 random bits, as GSL's 32-bit generators give. */
static double philox_get_double(void *vstate)
{
    return sal_philox_next(vstate) * 0x1p-32;
}

static const gsl_rng_type philox_type = {
    "philox4x32-10",
    0xffffffffUL,
    0,
    sizeof(philox_state),
    philox_set,
    philox_get,
    philox_get_double,
};

const gsl_rng_type *sal_rng_philox = &philox_type;

gsl_rng *sal_rng_alloc(uint64_t seed, uint64_t run, uint32_t stream)
{
    gsl_rng *r = gsl_rng_alloc(sal_rng_philox);
    if (r)
        sal_rng_reset(r, seed, run, stream);
    return r;
}

void sal_rng_reset(gsl_rng *r, uint64_t seed, uint64_t run, uint32_t stream)
{
    philox_position(r->state, seed, run, stream);
}

int sal_rng_exhausted(const gsl_rng *r)
{
    return ((const philox_state *)r->state)->wrapped;
}

/* Step (g) of the day, the ground law (see docs/model.md): in each sector
 * the attacker gains I * advance_rate * g(E_a / E_d) kilometres a day, with
 * g below; the sector step (attrition.c) calls it once the day's effective
 * strengths E are known.  Change the ground law here. */
#include "engine/engine_int.h"

#include <math.h>

/* A rout: with the defender gone (or its fire nil) the attacker takes
 * ground at this many times the reference rate, and never faster. */
#define ADVANCE_CAP 4.0
#define LN2 0.69314718055994530942

/* g(R): the share of the reference advance rate gained at effective force
 * ratio R = E_attacker / E_defender.  Zero up to the threshold R0, then
 * rising with the logarithm of the ratio (Helmbold 1990 found advance
 * rates growing only slowly, roughly with the log of the force ratio), 1 at
 * twice the threshold, at most ADVANCE_CAP. */
static double advance_share(double R, double R0)
{
    if (!(R > 0))
        return 0;
    if (!(R0 > 0) || isinf(R))
        return ADVANCE_CAP;
    double g = log(R / R0) / LN2;
    return g < 0 ? 0 : g > ADVANCE_CAP ? ADVANCE_CAP : g;
}

/* (g) ground held by the sector's holder changes by what the holder gains
 * attacking minus what the other side gains attacking. */
void sal_ground_step(sal_run *r, size_t s)
{
    if (!(r->s_gmax[s] > 0) || !(r->s_int[s] > 0) || !(r->s_adv[s] > 0))
        return;
    double gain[2] = {0, 0};
    for (int side = 0; side < 2; side++) {
        double Ea = r->s_E[2 * s + (size_t)side], Ed = r->s_E[2 * s + (size_t)(1 - side)];
        if (!r->s_post[2 * s + (size_t)side] || !(Ea > 0))
            continue;
        double R = Ed > 0 ? Ea / Ed : INFINITY;
        gain[side] = r->s_int[s] * r->s_adv[s] * advance_share(R, r->s_thr[s]);
    }
    int h = r->s_holder[s];
    double g = r->s_ground[s] + gain[h] - gain[1 - h];
    if (!isfinite(g)) {
        sal_run_fail_at(r, r->m->sectors[s].line, r->m->sectors[s].col,
                        "sector '%s': the ground held became %g", r->m->sectors[s].name, g);
        return;
    }
    r->s_ground[s] = g < 0 ? 0 : g > r->s_gmax[s] ? r->s_gmax[s] : g;
}


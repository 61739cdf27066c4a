/* Steps (c) to (h) of the day, sector by sector (see docs/model.md):
 *
 *   (c) attrition: the general Lanchester law on effective strengths
 *         E_s = D_s * sum_f S_f x_f i_f F_f m_f
 *         L_s = I * a_s * E_o^p * N_s^q          (expected losses of side s)
 *       drawn Poisson or negative binomial in stochastic mode, shared
 *       among the side's forces by strength x exposure;
 *   (d) each force's casualties split into killed, wounded away and
 *       wounded queued to return after the return delay;
 *   (e) learning: x += r (x_max - x) for every day in combat;
 *   (f) break points: a force below break_point x peak withdraws;
 *   (g) ground: the attacker gains I * advance_rate * g(E_a / E_d)
 *       (ground.c);
 *   (h) munitions: the fire support drawn today leaves the stocks.
 *
 * Both sides' losses come from the state at the start of the step
 * (simultaneous fire), as in the daily difference form of Lanchester's
 * equations used to fit battle data (Engel 1954). */
#include "engine/engine_int.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>

/* Today's casualties of one side: expected value mu, at most n present. */
static double draw_losses(sal_run *r, size_t s, int side, double mu, double n)
{
    if (!(mu > 0) || !(n > 0))
        return 0;
    double c;
    gsl_rng *g = r->rng_sector[s];
    switch (r->det ? 0 : r->s_noise[s]) {
    case 1: /* Poisson: independent losses at a constant daily rate */
        c = sal_draw_poisson(g, mu);
        break;
    case 2: { /* negative binomial (gamma-Poisson mixture), var = mu + mu^2/k */
        double k = r->s_k[s];
        c = sal_draw_poisson(g, gsl_ran_gamma(g, k, mu / k));
        break;
    }
    default:
        if (r->det) {
            c = mu;
        } else {
            /* no noise in a stochastic run: the mean, in whole troops, the
             * fraction carried to the next day */
            double *carry = &r->s_carry[2 * s + (size_t)side];
            double x = mu + *carry;
            c = floor(x);
            *carry = x - c;
        }
        break;
    }
    return c < n ? c : n;
}

void sal_share(double c, size_t n, const double *w, const double *cap, int integer,
               double *q, double *out)
{
    /* Water-filling: shares proportional to the weights; a force whose
     * share would pass its cap takes its cap and drops out, and the rest is
     * shared again among the others.  In whole troops, the floors of the
     * shares are handed out and the remainder goes one by one to the
     * largest fractional parts (Hamilton's method), lowest index first on
     * ties.  q marks active forces (q[i] >= 0) and holds quotas. */
    if (n == 1) { /* one force on the side: the common case */
        out[0] = c < cap[0] ? c : cap[0];
        return;
    }
    double rem = c;
    for (size_t i = 0; i < n; i++) {
        out[i] = 0;
        q[i] = cap[i] > 0 && w[i] > 0 ? 0 : -1;
    }
    while (rem > 0) {
        double W = 0;
        for (size_t i = 0; i < n; i++)
            if (q[i] >= 0)
                W += w[i];
        if (!(W > 0))
            break;
        int sat = 0;
        for (size_t i = 0; i < n; i++) {
            if (q[i] < 0)
                continue;
            if (rem * (w[i] / W) >= cap[i]) {
                out[i] = cap[i];
                q[i] = -1;
                sat = 1;
            }
        }
        if (sat) {
            rem = c;
            for (size_t i = 0; i < n; i++)
                rem -= out[i];
            continue;
        }
        double given = 0;
        for (size_t i = 0; i < n; i++) {
            if (q[i] < 0)
                continue;
            double x = rem * (w[i] / W);
            if (integer) {
                out[i] = floor(x);
                q[i] = x - out[i];
            } else {
                out[i] = x;
            }
            given += out[i];
        }
        if (integer) {
            double left = rem - given; /* whole, fewer than the active forces */
            while (left >= 1) {
                size_t best = n;
                for (size_t i = 0; i < n; i++)
                    if (q[i] >= 0 && (best == n || q[i] > q[best]))
                        best = i;
                if (best == n)
                    break;
                out[best] += 1;
                q[best] = -1; /* one extra each at most */
                left -= 1;
            }
        }
        break;
    }
}

/* A binomial draw of n trials (whole), or its mean in deterministic mode. */
static double binom(sal_run *r, size_t s, double p, double n)
{
    if (!(n > 0) || !(p > 0))
        return 0;
    if (p >= 1)
        return n;
    if (r->det)
        return n * p;
    return sal_draw_binomial(r->rng_sector[s], n, p);
}

/* (d) and (e) for one force that lost c troops today. */
static void apply_losses(sal_run *r, size_t s, int f, double c)
{
    if (c > r->f_str[f])
        c = r->f_str[f];
    if (c > 0) {
        r->f_str[f] -= c;
        double k = binom(r, s, r->f_ks[f], c);
        double w = c - k;
        double back = binom(r, s, r->f_wr[f], w);
        r->f_kil[f] += k;
        r->f_wnd[f] += w;
        r->f_away[f] += w - back;
        if (back > 0) {
            r->f_wait[f] += back;
            int d = r->f_delay[f], len = r->f_ring_len[f];
            /* due back on day t + d; later than the horizon, they wait */
            if (len > 0 && d < len && r->day + d <= r->horizon)
                r->ring[r->f_ring_off[f] + (size_t)((r->day + d) % len)] += back;
        }
    }
}

/* (c) the losses of each side, then (d) shared, (e) learning. */
static int fight(sal_run *r, size_t s)
{
    size_t a = r->sec_off[s], b = r->sec_off[s + 1];
    double I = r->s_I[s];
    double C[2];
    for (int side = 0; side < 2; side++) {
        double Eo = r->s_E[2 * s + (size_t)(1 - side)];
        double N = r->s_N[2 * s + (size_t)side];
        double p = r->s_p[s], q = r->s_q[s];
        double L = I * r->s_coef[2 * s + (size_t)side] * (p == 1 ? Eo : pow(Eo, p)) *
                   (q == 0 ? 1 : q == 1 ? N : pow(N, q));
        if (!isfinite(L)) {
            const sal_sector *sec = &r->m->sectors[s];
            sal_run_fail_at(r, sec->line, sec->col,
                            "sector '%s': the attrition law gives %s losses for side '%s' "
                            "(intensity %g, coefficient %g, E_other %g, N %g, p %g, q %g); "
                            "expected a finite number: lower the coefficient",
                            sec->name, isnan(L) ? "NaN" : "infinite",
                            r->m->sides[side] ? r->m->sides[side] : "?", I,
                            r->s_coef[2 * s + (size_t)side], Eo, N, p, q);
            return -1;
        }
        C[side] = draw_losses(r, s, side, L, N);
    }
    for (int side = 0; side < 2; side++) {
        /* the side's forces present today, weighted by strength x exposure */
        size_t n = 0;
        double W = 0;
        for (size_t i = a; i < b; i++) {
            int f = r->sec_forces[i];
            if (r->f_side[f] != side || !(r->f_str[f] > 0))
                continue;
            r->g_idx[n] = f;
            r->g_cap[n] = r->f_str[f];
            r->g_w[n] = r->f_str[f] * r->f_expo[f];
            W += r->g_w[n];
            n++;
        }
        int bystr = !(W > 0);
        if (bystr) { /* nobody exposed: by strength alone */
            W = 0;
            for (size_t j = 0; j < n; j++) {
                r->g_w[j] = r->g_cap[j];
                W += r->g_w[j];
            }
        }
        if (!isfinite(W)) {
            /* the weights overflowed (a huge exposure or huge strengths):
             * the same proportions, each factor scaled by its largest, so
             * that the shares are not inf/inf = NaN and today's casualties
             * are not silently lost */
            double smax = 0, emax = 0;
            for (size_t j = 0; j < n; j++) {
                smax = fmax(smax, r->g_cap[j]);
                emax = fmax(emax, r->f_expo[r->g_idx[j]]);
            }
            for (size_t j = 0; j < n; j++)
                r->g_w[j] = r->g_cap[j] / smax * (bystr ? 1 : r->f_expo[r->g_idx[j]] / emax);
        }
        sal_share(C[side], n, r->g_w, r->g_cap, !r->det, r->g_q, r->g_out);
        double lost = 0;
        for (size_t j = 0; j < n; j++) {
            int f = r->g_idx[j];
            apply_losses(r, s, f, r->g_out[j]);
            lost += r->g_out[j];
            /* (e) a day in combat: experience rises toward its ceiling,
             * x_n = x_max - (x_max - x_0) (1 - r)^n (never down) */
            if (r->f_xmax[f] > r->f_x[f])
                r->f_x[f] += r->f_rate[f] * (r->f_xmax[f] - r->f_x[f]);
            r->f_cdays[f]++;
        }
        r->s_loss[2 * s + (size_t)side] = lost;
    }
    return 0;
}

/* (f) a force whose strength falls below break_point x peak withdraws. */
static void break_points(sal_run *r, size_t s)
{
    for (size_t i = r->sec_off[s]; i < r->sec_off[s + 1]; i++) {
        int f = r->sec_forces[i];
        if (r->f_out[f] || !(r->f_bp[f] > 0))
            continue;
        if (r->f_str[f] < r->f_bp[f] * r->f_peak[f]) {
            r->f_wdr[f] += r->f_str[f];
            r->f_str[f] = 0;
            r->f_out[f] = 1;
            r->f_wday[f] = r->day;
        }
    }
}

/* Today's intensity and troops per side in each sector, whether it
 * fights, and the munitions demand on each stock with the share of it
 * supplied. */
static void sector_demand(sal_run *r)
{
    for (size_t k = 0; k < r->nstk; k++)
        r->demand[k] = 0;
    for (size_t s = 0; s < r->ns; s++) {
        int att0 = r->s_post[2 * s], att1 = r->s_post[2 * s + 1];
        double I = r->s_int[s] * (att0 || att1 ? 1 : r->s_hold[s]);
        /* two accumulators, not N[side]: no store-to-load chain per force */
        double N[2] = {0, 0}, n0 = 0, n1 = 0;
        for (size_t i = r->sec_off[s]; i < r->sec_off[s + 1]; i++) {
            int f = r->sec_forces[i];
            double x = r->f_str[f];
            if (r->f_side[f])
                n1 += x;
            else
                n0 += x;
        }
        N[0] = n0;
        N[1] = n1;
        r->s_I[s] = I;
        r->s_N[2 * s] = N[0];
        r->s_N[2 * s + 1] = N[1];
        r->s_fight[s] = I > 0 && N[0] > 0 && N[1] > 0;
        r->s_loss[2 * s] = r->s_loss[2 * s + 1] = 0;
        if (!r->s_fight[s])
            continue;
        /* shells wanted: shells_per_day per 1,000 troops at full intensity */
        for (size_t i = r->sec_off[s]; i < r->sec_off[s + 1]; i++) {
            int f = r->sec_forces[i];
            if (r->f_stock[f] >= 0 && r->f_spd[f] > 0)
                r->demand[r->f_stock[f]] += r->f_spd[f] * r->f_str[f] / 1000.0 * I;
        }
    }
    /* a stock short of what all its users want supplies each the same share */
    for (size_t k = 0; k < r->nstk; k++)
        r->supply[k] = r->demand[k] > r->stock[k] ? r->stock[k] / r->demand[k] : 1;
}

/* (h) munitions consumed: what was supplied. */
static void munitions_used(sal_run *r)
{
    for (size_t k = 0; k < r->nstk; k++)
        if (r->demand[k] > 0) {
            double used = r->demand[k] < r->stock[k] ? r->demand[k] : r->stock[k];
            r->stock[k] -= used;
        }
}

void sal_sector_step(sal_run *r)
{
    sector_demand(r); /* today's intensity, troops per side, munitions demand */
    for (size_t s = 0; s < r->ns; s++) {
        int moving = r->s_gmax[s] > 0 && r->s_int[s] > 0 && r->s_adv[s] > 0 &&
                     (r->s_post[2 * s] || r->s_post[2 * s + 1]);
        if (!r->s_fight[s] && !moving)
            continue;
        /* effective strengths: troops x experience x interoperability x
         * fire support x multiplier, times the defence multiplier of a
         * holding side under attack */
        double E[2] = {0, 0}, e0 = 0, e1 = 0;
        double floor_ = r->s_floor[s];
        int fighting = r->s_fight[s];
        for (size_t i = r->sec_off[s]; i < r->sec_off[s + 1]; i++) {
            int f = r->sec_forces[i];
            double fire = 1;
            if (r->f_stock[f] >= 0 && r->f_spd[f] > 0)
                fire = floor_ + (1 - floor_) * r->supply[r->f_stock[f]];
            if (fighting)
                r->f_fire[f] = fire;
            double e = r->f_str[f] * r->f_x[f] * r->f_inter[f] * fire * r->f_mult[f];
            if (r->f_side[f])
                e1 += e;
            else
                e0 += e;
        }
        E[0] = e0;
        E[1] = e1;
        for (int side = 0; side < 2; side++)
            if (!r->s_post[2 * s + (size_t)side] && r->s_post[2 * s + (size_t)(1 - side)])
                E[side] *= r->s_def[s];
        r->s_E[2 * s] = E[0];
        r->s_E[2 * s + 1] = E[1];
        /* one check covers every factor of every force here: an infinite
         * strength, experience or multiplier makes its side's sum inf (or
         * NaN, times a zero) */
        if (!isfinite(E[0]) || !isfinite(E[1])) {
            int bad = isfinite(E[0]) ? 1 : 0;
            sal_run_fail_at(r, r->m->sectors[s].line, r->m->sectors[s].col,
                            "sector '%s': the effective strength of side '%s' is %s "
                            "(troops x experience x interoperability x fire x multiplier "
                            "x defence); expected a finite number: look for a huge "
                            "multiplier or defence set by a policy",
                            r->m->sectors[s].name, r->m->sides[bad] ? r->m->sides[bad] : "?",
                            isnan(E[bad]) ? "NaN" : "infinite");
            return;
        }
        if (r->s_fight[s]) {
            if (fight(r, s) != 0)
                return;
            break_points(r, s);
        }
        sal_ground_step(r, s);   /* (g), ground.c */
        if (r->status)
            return;
    }
    munitions_used(r); /* (h) */
}

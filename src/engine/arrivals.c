/* Step (a) of the day (see docs/model.md): tranches arriving, the wounded
 * back to duty, stock flows, and the pipelines sending and delivering. */
#include "engine/engine_int.h"

#include <math.h>

/* Delivers what pipeline p sent `x` of today. */
static void deliver(sal_run *r, size_t p, double x)
{
    r->p_done[p] += x;
    if (r->p_force[p] >= 0) {
        int f = r->p_force[p];
        sal_run_join(r, f, x, r->f_x0[f]);
    } else if (r->p_to[p] >= 0) {
        int k = r->p_to[p];
        double room = r->stk_cap[k] - r->stock[k];
        if (x > room) { /* a full store: what does not fit is lost */
            r->p_lost[p] += x - room;
            x = room;
        }
        r->stock[k] += x;
        if (r->stock[k] > r->stk_cap[k]) /* stock + (cap - stock) rounded above cap */
            r->stock[k] = r->stk_cap[k];
        if (!isfinite(r->stock[k])) /* an unbounded store overflowed */
            sal_run_fail_at(r, r->m->pipelines[p].line, r->m->pipelines[p].col,
                            "pipeline '%s': delivering %g made a stock that is not finite; "
                            "expected a finite stock (give it a capacity)",
                            r->m->pipelines[p].name, x);
    }
}

/* Tranches: on their day, or `delay` days after their event; an event
 * recorded after today's arrivals is seen tomorrow. */
static void tranches(sal_run *r, int t)
{
    for (size_t i = 0; i < r->ntranche; i++) {
        if (r->tr_done[i])
            continue;
        int due = r->tr_day[i];
        if (r->tr_event[i] >= 0) {
            int e = r->ev_day[r->tr_event[i]];
            if (e < 0)
                continue;
            due = e + r->tr_delay[i];
        }
        if (due <= t) {
            r->tr_done[i] = 1;
            int f = r->tr_force[i];
            sal_run_join(r, f, r->tr_size[i], r->f_x0[f]);
        }
    }
}

/* Wounded back to duty (queued by (d) on the day they were hit). */
static void wounded_back(sal_run *r, int t)
{
    for (size_t f = 0; f < r->nf; f++) {
        int len = r->f_ring_len[f];
        if (!len)
            continue;
        double *slot = &r->ring[r->f_ring_off[f] + (size_t)(t % len)];
        double x = *slot;
        if (x > 0) {
            *slot = 0;
            r->f_wait[f] -= x;
            if (r->f_wait[f] < 0) /* rounding, in continuous troops only */
                r->f_wait[f] = 0;
            r->f_ret[f] += x;
            if (r->f_out[f]) {
                r->f_wdr[f] += x;
            } else {
                r->f_str[f] += x;
                if (r->f_str[f] > r->f_peak[f])
                    r->f_peak[f] = r->f_str[f];
            }
        }
    }
}

/* Stock flows: production, recruitment, spending; bounded by [0, cap].
 * -1 on an overflow (reported). */
static int stock_flows(sal_run *r)
{
    for (size_t k = 0; k < r->nstk; k++) {
        if (r->stk_flow[k] == 0)
            continue;
        double v = r->stock[k] + r->stk_flow[k];
        v = v < 0 ? 0 : v > r->stk_cap[k] ? r->stk_cap[k] : v;
        if (!isfinite(v)) {
            size_t a = 0;
            while (r->stk_off[a + 1] <= k)
                a++;
            const sal_actor *ac = &r->m->actors[a];
            const sal_stock *st = &ac->stocks[k - r->stk_off[a]];
            sal_run_fail_at(r, st->line, st->col,
                            "stock '%s.%s': a flow of %g overflowed it; expected a finite stock "
                            "(give it a capacity)",
                            ac->name, st->name, r->stk_flow[k]);
            return -1;
        }
        r->stock[k] = v;
    }
    return 0;
}

/* Pipeline p sends today's amount (when its condition holds) into its
 * delay queue.  -1 on a failure (reported). */
static int send(sal_run *r, size_t p, int t)
{
    const sal_pipeline *pl = &r->m->pipelines[p];
    int on = 1;
    if (pl->when) {
        double v;
        if (sal_run_eval(r, pl->when, "the condition of a pipeline", &v) != SAL_OK)
            return -1;
        on = v != 0;
    }
    if (!on || !(r->p_rate[p] > 0))
        return 0;
    double x = r->p_rate[p];
    int from = r->p_from[p];
    double avail = from >= 0 ? r->stock[from] : INFINITY;
    if (!r->det && r->p_force[p] >= 0) {
        /* whole troops: the fraction is carried to the next day */
        double want = x + r->p_carry[p];
        x = floor(want);
        r->p_carry[p] = want - x;
        if (x > floor(avail))
            x = floor(avail);
    } else if (x > avail) {
        x = avail;
    }
    if (from >= 0)
        r->stock[from] -= x;
    r->p_sent[p] += x;
    int d = r->p_delay[p], len = r->p_ring_len[p];
    if (t + d > r->horizon || d >= len) {
        /* still in transit at the horizon (sal_run_in_transit): a
         * huge rate from nowhere overflows the sum */
        r->p_late[p] += x;
        if (!isfinite(r->p_late[p])) {
            sal_run_fail_at(r, pl->line, pl->col,
                            "pipeline '%s': sending %g made the amount in transit "
                            "not finite; expected a finite amount (lower its rate)",
                            pl->name, x);
            return -1;
        }
    } else {
        r->ring[r->p_ring_off[p] + (size_t)((t + d) % len)] += x;
    }
    return 0;
}

void sal_arrivals_step(sal_run *r)
{
    int t = r->day;
    tranches(r, t);
    wounded_back(r, t);
    if (stock_flows(r) != 0)
        return;
    /* pipelines: send today's amount, deliver what was sent `delay` days ago */
    for (size_t p = 0; p < r->np; p++) {
        if (send(r, p, t) != 0)
            return;
        int len = r->p_ring_len[p];
        double *slot = &r->ring[r->p_ring_off[p] + (size_t)(t % len)];
        double x = *slot;
        *slot = 0;
        if (x > 0)
            deliver(r, p, x);
    }
}

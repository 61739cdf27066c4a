/* The day loop (the top of the engine, see docs/architecture.md): the
 * start of a run (inputs drawn, state set from the model) and
 * sal_run_exec, which calls the steps of each day in order: (a) arrivals
 * (arrivals.c), (b) policies (policy.c), (c)-(h) the sector step
 * (attrition.c, ground.c), (i) metrics (here).  The workspace and the
 * services the steps share are in run.c (docs/model.md for the model). */
#include "engine/engine_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "salient/date.h"
#include "salient/dist.h"
#include "salient/rng.h"

/* ---- small helpers ---------------------------------------------------- */

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

static double nonneg(double x)
{
    return x > 0 ? x : 0;
}

/* Troops are whole in stochastic mode: an amount drawn or computed as a real
 * number is rounded to the nearest whole troop. */
static double whole(const sal_run *r, double x)
{
    return r->det ? x : floor(x + 0.5);
}

/* ---- the start of a run ----------------------------------------------- */

static int draw_inputs(sal_run *r, const sal_run_opts *o)
{
    const sal_model *m = r->m;
    for (size_t u = 0; u < r->nunc; u++) {
        const sal_dist *d = &m->uncertain[u].dist;
        double v;
        if (o->inputs && !isnan(o->inputs[u])) {
            v = o->inputs[u];
            if (!isfinite(v) || v < r->in_lo[u] || v > r->in_hi[u]) {
                r->status = SAL_EINPUT;
                if (r->diags)
                    sal_diags_add(r->diags, m->file, m->uncertain[u].line, m->uncertain[u].col,
                                  "the value %g given for uncertain input '%s' is outside its "
                                  "distribution; expected a value in [%g, %g]",
                                  v, m->uncertain[u].name, r->in_lo[u], r->in_hi[u]);
                return r->status;
            }
        } else if (r->det) {
            v = sal_dist_mean(d);
        } else {
            sal_rng_reset(r->rng_input, r->seed, r->run, r->sid_input[u]);
            v = sal_dist_sample(d, r->rng_input);
        }
        if (!isfinite(v)) {
            r->status = SAL_ERANGE;
            if (r->diags)
                sal_diags_add(r->diags, m->file, m->uncertain[u].line, m->uncertain[u].col,
                              "uncertain input '%s' drew %g; expected a finite number",
                              m->uncertain[u].name, v);
            return r->status;
        }
        r->draws[u] = v;
    }
    return SAL_OK;
}

#define NUM(n) sal_num_value((n), r->draws)

/* Stocks at the start: capacity (none: infinite), flow, initial amount. */
static void start_stocks(sal_run *r)
{
    const sal_model *m = r->m;
    for (size_t a = 0; a < m->nactors; a++)
        for (size_t k = 0; k < m->actors[a].nstocks; k++) {
            const sal_stock *st = &m->actors[a].stocks[k];
            size_t i = r->stk_off[a] + k;
            double cap = NUM(st->cap);
            r->stk_cap[i] = isnan(cap) || cap < 0 ? INFINITY : cap;
            r->stk_flow[i] = NUM(st->flow);
            double v = nonneg(NUM(st->initial));
            r->stock[i] = v > r->stk_cap[i] ? r->stk_cap[i] : v;
        }
}

/* Forces at the start, from the model and this run's draws. */
static void start_forces(sal_run *r)
{
    const sal_model *m = r->m;
    for (size_t f = 0; f < r->nf; f++) {
        const sal_force *fo = &m->forces[f];
        double s0 = whole(r, nonneg(NUM(fo->strength)));
        r->f_str[f] = r->f_peak[f] = r->f_arr[f] = s0;
        r->f_kil[f] = r->f_wnd[f] = r->f_away[f] = r->f_wait[f] = r->f_ret[f] = 0;
        r->f_wdr[f] = r->f_mov[f] = 0;
        r->f_out[f] = 0;
        r->f_wday[f] = SAL_NEVER;
        r->f_cdays[f] = 0;
        r->f_x[f] = r->f_x0[f] = clamp01(NUM(fo->experience));
        r->f_xmax[f] = clamp01(NUM(fo->experience_max));
        r->f_rate[f] = clamp01(NUM(fo->learning_rate));
        r->f_inter[f] = clamp01(NUM(fo->interoperability));
        r->f_expo[f] = nonneg(NUM(fo->exposure));
        r->f_mult[f] = nonneg(NUM(fo->multiplier));
        r->f_ks[f] = clamp01(NUM(fo->killed_share));
        r->f_wr[f] = r->f_ring_len[f] > 0 ? clamp01(NUM(fo->wounded_return)) : 0;
        r->f_delay[f] = sal_run_days(NUM(fo->return_delay), 1);
        r->f_bp[f] = clamp01(NUM(fo->break_point));
        r->f_spd[f] = nonneg(NUM(fo->shells_per_day));
        r->f_role[f] = (int)fo->role;
        r->f_fire[f] = 1;
    }
}

/* Arrival tranches, flattened over forces in model order. */
static void start_tranches(sal_run *r)
{
    const sal_model *m = r->m;
    size_t t = 0;
    for (size_t f = 0; f < r->nf; f++)
        for (size_t i = 0; i < m->forces[f].narrivals; i++, t++) {
            const sal_tranche *tr = &m->forces[f].arrivals[i];
            r->tr_size[t] = whole(r, nonneg(NUM(tr->size)));
            r->tr_event[t] = tr->event >= 0 && (size_t)tr->event < r->nev ? tr->event : -1;
            r->tr_day[t] = tr->event >= 0 ? 0 : tr->day;
            r->tr_delay[t] = sal_run_days(NUM(tr->delay), 0);
            /* an event tranche whose event is not known never arrives */
            r->tr_done[t] = tr->event >= 0 && r->tr_event[t] < 0;
        }
}

/* Sectors at the start. */
static void start_sectors(sal_run *r)
{
    const sal_model *m = r->m;
    for (size_t s = 0; s < r->ns; s++) {
        const sal_sector *se = &m->sectors[s];
        r->s_int[s] = nonneg(NUM(se->intensity));
        r->s_def[s] = nonneg(NUM(se->defence));
        r->s_hold[s] = nonneg(NUM(se->hold_intensity));
        r->s_p[s] = nonneg(NUM(se->p));
        r->s_q[s] = nonneg(NUM(se->q));
        r->s_k[s] = NUM(se->dispersion) > 0 ? NUM(se->dispersion) : 10;
        r->s_floor[s] = clamp01(NUM(se->fire_floor));
        r->s_gmax[s] = nonneg(NUM(se->ground_max));
        double g = nonneg(NUM(se->ground));
        r->s_ground[s] = g > r->s_gmax[s] ? r->s_gmax[s] : g;
        r->s_adv[s] = nonneg(NUM(se->advance_rate));
        r->s_thr[s] = nonneg(NUM(se->ratio_threshold));
        r->s_noise[s] = r->det ? 0 : se->noise;
        r->s_holder[s] = se->holder == 0 ? 0 : 1;
        for (int k = 0; k < 2; k++) {
            r->s_coef[2 * s + k] = nonneg(NUM(se->coeff[k]));
            r->s_post[2 * s + k] = se->posture[k] == SAL_POSTURE_ATTACK;
            r->s_carry[2 * s + k] = 0;
            r->s_loss[2 * s + k] = 0;
        }
    }
}

/* Pipelines at the start, with the flat indices of their stocks. */
static void start_pipelines(sal_run *r)
{
    const sal_model *m = r->m;
    for (size_t p = 0; p < r->np; p++) {
        const sal_pipeline *pl = &m->pipelines[p];
        r->p_rate[p] = nonneg(NUM(pl->rate));
        r->p_delay[p] = sal_run_days(NUM(pl->delay), 0);
        r->p_carry[p] = r->p_sent[p] = r->p_done[p] = r->p_late[p] = r->p_lost[p] = 0;
        r->p_from[p] = pl->from_actor >= 0 && (size_t)pl->from_actor < r->nact
                           ? (int)(r->stk_off[pl->from_actor] + (size_t)pl->from_stock) : -1;
        r->p_to[p] = pl->to_force < 0 && pl->to_actor >= 0 && (size_t)pl->to_actor < r->nact
                         ? (int)(r->stk_off[pl->to_actor] + (size_t)pl->to_stock) : -1;
        r->p_force[p] = pl->to_force >= 0 && (size_t)pl->to_force < r->nf ? pl->to_force : -1;
    }
}

static int start(sal_run *r, const sal_run_opts *o)
{
    const sal_model *m = r->m;
    r->seed = o->seed;
    r->run = o->run;
    r->series = o->series ? o->series : r->own_series;
    r->ev_day = o->event_days ? o->event_days : r->own_ev_day;
    r->det = o->deterministic != 0;
    r->day = 0;
    r->status = SAL_OK;
    r->start_days = sal_date_to_days(m->start_year, m->start_month, m->start_day);
    if (draw_inputs(r, o) != SAL_OK)
        return r->status;
    for (size_t s = 0; s < r->ns; s++)
        sal_rng_reset(r->rng_sector[s], r->seed, r->run, r->sid_sector[s]);
    for (size_t p = 0; p < r->npol; p++)
        sal_rng_reset(r->rng_policy[p], r->seed, r->run, r->sid_policy[p]);

    start_stocks(r);
    start_forces(r);
    start_tranches(r);
    start_sectors(r);
    start_pipelines(r);
    memset(r->ring, 0, r->nring * sizeof *r->ring);
    for (size_t i = 0; i < r->npar; i++)
        r->par[i] = NUM(m->params[i].value);
    for (size_t e = 0; e < r->nev; e++)
        r->ev_day[e] = SAL_NEVER, r->ev_count[e] = 0;
    for (size_t i = 0; i < r->ntr; i++)
        r->t_day[i] = SAL_NEVER;
    sal_policy_start(r);
    return r->status;
}

/* ---- (i) metrics ------------------------------------------------------ */

static void record_metrics(sal_run *r)
{
    double *row = r->series + (size_t)r->day * r->nmet;
    for (size_t k = 0; k < r->nmet; k++) {
        const sal_metric *mt = &r->m->metrics[k];
        double v = 0;
        if (mt->expr && sal_expr_eval_finite(mt->expr, sal_run_get, r, &v) != SAL_OK) {
            sal_run_fail(r, mt->expr, "metric '%s' (%s) is %s; expected a finite number (look "
                                      "for 0/0, e.g. write x / max(1, y))",
                         mt->name, sal_expr_source(mt->expr), isnan(v) ? "NaN" : "infinite");
            return;
        }
        row[k] = v;
    }
}

/* ---- the run ---------------------------------------------------------- */

/* The branch: every daily stream continues from (seed, run) = (branch_seed,
 * branch_run); the diagnostics name the branch's run from then on. */
static void rekey(sal_run *r, uint64_t seed, uint64_t run)
{
    for (size_t s = 0; s < r->ns; s++)
        sal_rng_reset(r->rng_sector[s], seed, run, r->sid_sector[s]);
    for (size_t p = 0; p < r->npol; p++)
        sal_rng_reset(r->rng_policy[p], seed, run, r->sid_policy[p]);
}

int sal_run_exec(sal_run *r, const sal_run_opts *opts, sal_diags *diags)
{
    if (!r || !opts)
        return SAL_EINPUT;
    r->diags = diags;
    if (start(r, opts) == SAL_OK) {
        int last = opts->last_day > 0 && opts->last_day < r->horizon ? opts->last_day : r->horizon;
        for (int t = 0; t <= last; t++) {
            r->day = t;
            if (t == opts->branch_day && t > 0)
                rekey(r, opts->branch_seed, opts->branch_run);
            sal_arrivals_step(r);     /* (a) */
            if (r->status)
                break;
            sal_policy_step(r);       /* (b) */
            if (r->status)
                break;
            sal_sector_step(r);       /* (c)-(h) */
            if (r->status)
                break;
            record_metrics(r);        /* (i) */
            if (r->status)
                break;
        }
    }
    r->diags = NULL;
    return r->status;
}

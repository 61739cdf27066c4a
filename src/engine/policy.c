/* Step (b) of the day: treaties, policies and escalation ladders (see
 * docs/model.md, "Policies").
 *
 *   treaties   a treaty comes into force on the first day its trigger is
 *              true, records its event, and stays in force;
 *   policies   a policy at risk today (enabled, passed its one-off chance,
 *              not pending, not spent, its treaties in force, its condition
 *              true) fires with its daily hazard h; its actions run `delay`
 *              days later (at once when the delay is 0);
 *   ladders    an escalate action moves a ladder up to a rung, recording
 *              the event of every rung it reaches on the way.
 *
 * Order within the step: treaties, then the actions that fall due today
 * (policies that fired earlier), then each policy in file order; a policy
 * sees the effects of those before it. */
#include "engine/engine_int.h"

#include <math.h>

#include "salient/expr.h"

#define NUM(n) sal_num_value((n), r->draws)

/* Default casualty exposure of a role (the same as the reader's defaults,
 * docs/scenario.md): a policy that changes a force's role changes its
 * exposure to the new role's default. */
static double role_exposure(int role)
{
    switch (role) {
    case SAL_ROLE_ASSAULT: return 2.0;
    case SAL_ROLE_SUPPORT: return 0.25;
    default: return 1.0;
    }
}

static void ladder_to(sal_run *r, int l, int rung)
{
    const sal_ladder *la = &r->m->ladders[l];
    if (rung < 0 || (size_t)rung >= la->nrungs)
        return;
    int cur = r->l_rung[l];
    if (rung > cur) {
        /* climbing passes every rung between: each is reached today */
        for (int k = cur + 1; k <= rung; k++)
            sal_run_event(r, la->rung_events[k]);
        r->l_rung[l] = rung;
    } else if (rung < cur && la->descend) {
        r->l_rung[l] = rung;
    }
}

void sal_policy_start(sal_run *r)
{
    const sal_model *m = r->m;
    for (size_t l = 0; l < r->nl; l++) {
        const sal_ladder *la = &m->ladders[l];
        int init = la->initial >= 0 && (size_t)la->initial < la->nrungs ? la->initial : 0;
        r->l_rung[l] = init;
        /* the starting rung (and those below it) are reached on day 0 */
        for (int k = 0; k <= init && (size_t)k < la->nrungs; k++)
            sal_run_event(r, la->rung_events[k]);
    }
    for (size_t i = 0; i < r->npol; i++) {
        const sal_policy *p = &m->policies[i];
        /* the one-off chance: always drawn first from the policy's own
         * stream, so changing it in a variant moves no other draw */
        double u = gsl_rng_uniform(r->rng_policy[i]);
        double prob = NUM(p->probability);
        int pass = r->det ? prob >= 0.5 : u < prob;
        r->pol_ok[i] = p->enabled && pass;
        r->pol_done[i] = 0;
        r->pol_due[i] = -1;
        r->pol_fired[i] = r->pol_acted[i] = 0;
        double h = NUM(p->hazard);
        r->pol_haz[i] = h < 0 ? 0 : h > 1 ? 1 : h;
        r->pol_delay[i] = sal_run_days(NUM(p->delay), 0);
        r->pol_surv[i] = 1;
    }
}

/* An amount or value of an action, finite. */
static int amount(sal_run *r, const sal_action *a, const char *what, double *v)
{
    *v = 0;
    if (!a->amount)
        return SAL_OK;
    return sal_run_eval(r, a->amount, what, v);
}

static double whole_down(const sal_run *r, double x)
{
    return r->det ? x : floor(x);
}

static double rounded(const sal_run *r, double x)
{
    return r->det ? x : floor(x + 0.5);
}

static void act_set(sal_run *r, const sal_action *a, double v)
{
    double pos = v > 0 ? v : 0;
    switch (a->field) {
    case SAL_FIELD_FORCE_MULTIPLIER:
        if (a->force >= 0)
            r->f_mult[a->force] = pos;
        break;
    case SAL_FIELD_FORCE_ROLE:
        if (a->force >= 0) {
            int role = (int)floor(v + 0.5);
            if (role < SAL_ROLE_ASSAULT || role > SAL_ROLE_SUPPORT) {
                sal_run_fail(r, a->amount, "a role value %g; expected assault, defence or support",
                             v);
                return;
            }
            r->f_role[a->force] = role;
            r->f_expo[a->force] = role_exposure(role);
        }
        break;
    case SAL_FIELD_FORCE_EXPOSURE:
        if (a->force >= 0)
            r->f_expo[a->force] = pos;
        break;
    case SAL_FIELD_FORCE_INTEROPERABILITY:
        if (a->force >= 0)
            r->f_inter[a->force] = pos > 1 ? 1 : pos;
        break;
    case SAL_FIELD_SECTOR_INTENSITY:
        if (a->sector >= 0)
            r->s_int[a->sector] = pos;
        break;
    case SAL_FIELD_SECTOR_DEFENCE:
        if (a->sector >= 0)
            r->s_def[a->sector] = pos;
        break;
    case SAL_FIELD_SECTOR_POSTURE:
        if (a->sector >= 0 && (a->side == 0 || a->side == 1))
            r->s_post[2 * a->sector + a->side] = (int)floor(v + 0.5) == SAL_POSTURE_ATTACK;
        break;
    case SAL_FIELD_SECTOR_COEFF:
        if (a->sector >= 0 && (a->side == 0 || a->side == 1))
            r->s_coef[2 * a->sector + a->side] = pos;
        break;
    case SAL_FIELD_PIPELINE_RATE:
        if (a->pipeline >= 0)
            r->p_rate[a->pipeline] = pos;
        break;
    case SAL_FIELD_PARAM:
        if (a->param >= 0)
            r->par[a->param] = v;
        break;
    }
}

static void act_one(sal_run *r, const sal_action *a)
{
    double v;
    switch (a->kind) {
    case SAL_ACT_DEPLOY: {
        if (amount(r, a, "the amount of a deploy action", &v) != SAL_OK || a->force < 0)
            return;
        double n = rounded(r, v > 0 ? v : 0);
        if (a->actor >= 0) { /* troops come out of a stock (manpower) */
            size_t k = r->stk_off[a->actor] + (size_t)a->stock;
            double avail = whole_down(r, r->stock[k]);
            if (n > avail)
                n = avail;
            r->stock[k] -= n;
        }
        sal_run_join(r, a->force, n, r->f_x0[a->force]);
        return;
    }
    case SAL_ACT_MOVE: {
        if (amount(r, a, "the amount of a move action", &v) != SAL_OK || a->force < 0 ||
            a->force2 < 0)
            return;
        int f = a->force, g = a->force2;
        double n = rounded(r, v > 0 ? v : 0);
        if (n > r->f_str[f])
            n = r->f_str[f];
        if (!(n > 0))
            return;
        r->f_str[f] -= n;
        r->f_mov[f] += n;
        /* troops sent elsewhere are not lost: the break point refers to
         * the peak net of them */
        r->f_peak[f] -= n;
        if (r->f_peak[f] < r->f_str[f])
            r->f_peak[f] = r->f_str[f];
        sal_run_join(r, g, n, r->f_x[f]);
        return;
    }
    case SAL_ACT_TRANSFER: {
        if (amount(r, a, "the amount of a transfer action", &v) != SAL_OK || a->actor < 0 ||
            a->actor2 < 0)
            return;
        size_t from = r->stk_off[a->actor] + (size_t)a->stock;
        size_t to = r->stk_off[a->actor2] + (size_t)a->stock2;
        double n = v > 0 ? v : 0;
        if (n > r->stock[from])
            n = r->stock[from];
        /* only what fits is moved: a transfer loses nothing */
        double room = r->stk_cap[to] - r->stock[to];
        if (n > room)
            n = room;
        if (!(n > 0) || from == to)
            return;
        r->stock[from] -= n;
        r->stock[to] += n;
        if (r->stock[to] > r->stk_cap[to]) /* stock + (cap - stock) rounded above cap */
            r->stock[to] = r->stk_cap[to];
        if (!isfinite(r->stock[to])) /* an unbounded store overflowed */
            sal_run_fail(r, a->amount, "a transfer of %g made a stock that is not finite; "
                                       "expected a finite stock (give it a capacity)", n);
        return;
    }
    case SAL_ACT_SET:
        if (amount(r, a, "the value of a set action", &v) != SAL_OK)
            return;
        act_set(r, a, v);
        return;
    case SAL_ACT_ESCALATE:
        if (a->ladder >= 0)
            ladder_to(r, a->ladder, a->rung);
        return;
    case SAL_ACT_EVENT:
        sal_run_event(r, a->event);
        return;
    }
}

static void act(sal_run *r, size_t i)
{
    const sal_policy *p = &r->m->policies[i];
    for (size_t k = 0; k < p->nactions && r->status == SAL_OK; k++)
        act_one(r, &p->actions[k]);
    r->pol_acted[i]++;
    r->pol_due[i] = -1;
    if (p->repeat)
        r->pol_surv[i] = 1;
    else
        r->pol_done[i] = 1;
}

void sal_policy_step(sal_run *r)
{
    const sal_model *m = r->m;
    int t = r->day;
    for (size_t i = 0; i < r->ntr; i++) {
        if (r->t_day[i] >= 0)
            continue;
        const sal_treaty *tr = &m->treaties[i];
        double v = 1;
        if (tr->trigger && sal_run_eval(r, tr->trigger, "the trigger of a treaty", &v) != SAL_OK)
            return;
        if (v != 0) {
            r->t_day[i] = t;
            sal_run_event(r, tr->event);
        }
    }
    for (size_t i = 0; i < r->npol; i++) {
        if (r->pol_due[i] == t) {
            act(r, i);
            if (r->status)
                return;
        }
    }
    for (size_t i = 0; i < r->npol; i++) {
        if (!r->pol_ok[i] || r->pol_done[i] || r->pol_due[i] >= 0)
            continue;
        const sal_policy *p = &m->policies[i];
        int gated = 0;
        for (size_t k = 0; k < p->nrequires && !gated; k++) {
            int tr = p->requires[k];
            gated = tr < 0 || (size_t)tr >= r->ntr || r->t_day[tr] < 0;
        }
        if (gated)
            continue;
        if (p->when) {
            double v;
            if (sal_run_eval(r, p->when, "the condition of a policy", &v) != SAL_OK)
                return;
            if (v == 0)
                continue;
        }
        /* at risk today: fires with probability h.  Deterministic mode
         * takes the median outcome: it fires on the first day the chance
         * of having fired, 1 - (1-h)^n after n days at risk, reaches 1/2. */
        double h = r->pol_haz[i];
        int fire;
        if (r->det) {
            r->pol_surv[i] *= 1 - h;
            fire = r->pol_surv[i] <= 0.5;
        } else {
            fire = h >= 1 || gsl_rng_uniform(r->rng_policy[i]) < h;
        }
        if (!fire)
            continue;
        r->pol_fired[i]++;
        if (r->pol_delay[i] == 0) {
            act(r, i);
            if (r->status)
                return;
        } else {
            r->pol_due[i] = t + r->pol_delay[i];
        }
    }
}

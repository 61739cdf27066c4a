/* The run workspace and the services the steps use (the bottom of the
 * engine, see docs/architecture.md): the workspace's one allocation, the
 * random stream ids, failures, the state functions that expressions read,
 * the shared actions (an event, troops joining a force), and the accessors
 * of include/salient/engine.h.  Nothing here calls a step or the day loop. */
#include "engine/engine_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salient/date.h"
#include "salient/dist.h"
#include "salient/rng.h"

/* ---- small helpers ---------------------------------------------------- */

int sal_run_days(double d, int lo)
{
    if (!(d >= lo)) /* also NaN */
        return lo;
    if (d > 1e9)
        return 1000000000;
    return (int)floor(d + 0.5) < lo ? lo : (int)floor(d + 0.5);
}

static double num_upper(const sal_model *m, sal_num n)
{
    if (n.u < 0 || (size_t)n.u >= m->nuncertain)
        return n.value;
    double lo, hi;
    sal_dist_support(&m->uncertain[n.u].dist, &lo, &hi);
    return hi;
}

/* The length of a delay queue for delays up to `maxdays`: one slot per day
 * in flight plus today's.  A delay that ends past the horizon never needs a
 * slot (what is sent then is still in transit at the end). */
static int ring_len(double maxdays, int lo, int horizon)
{
    int d = isfinite(maxdays) ? sal_run_days(maxdays, lo) : horizon + 1;
    if (d > horizon)
        d = horizon;
    return d + 1;
}

/* ---- stream ids ------------------------------------------------------- */

uint32_t sal_run_stream_id(uint32_t kind, const char *name)
{
    /* FNV-1a, 32 bits (Fowler, Noll, Vo) */
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return kind | (h & 0x0FFFFFFFu);
}

/* Ids for n named consumers of one kind, collisions resolved by probing in
 * model order (so distinct consumers never share a stream). */
static void stream_ids(uint32_t kind, size_t n, const char *(*name)(const sal_model *, size_t),
                       const sal_model *m, uint32_t *out)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t id = sal_run_stream_id(kind, name(m, i));
        for (size_t j = 0; j < i; j++)
            if (out[j] == id) {
                id = kind | ((id + 1) & 0x0FFFFFFFu);
                j = (size_t)-1; /* restart the scan */
            }
        out[i] = id;
    }
}

static const char *input_name(const sal_model *m, size_t i)
{
    return m->uncertain[i].name;
}

static const char *sector_name(const sal_model *m, size_t i)
{
    return m->sectors[i].name;
}

static const char *policy_name(const sal_model *m, size_t i)
{
    return m->policies[i].name;
}

/* ---- the workspace ---------------------------------------------------- */

/* Carves arrays out of one block: a first pass with base NULL measures, the
 * second assigns. */
typedef struct {
    char *base;
    size_t off;
    int overflow;
} arena;

static void *take(arena *a, size_t n, size_t size)
{
    if (size && n > ((size_t)-1 >> 2) / size) {
        a->overflow = 1;
        return NULL;
    }
    a->off = (a->off + 15) & ~(size_t)15;
    void *p = a->base ? a->base + a->off : NULL;
    a->off += n * size;
    return p;
}

#define TAKE(a, ptr, n) ((ptr) = take((a), (n), sizeof *(ptr)))

static void layout(sal_run *r, arena *a)
{
    size_t nf = r->nf, ns = r->ns, np = r->np;
    TAKE(a, r->rng_sector, ns);
    TAKE(a, r->rng_policy, r->npol);
    TAKE(a, r->sid_input, r->nunc);
    TAKE(a, r->sid_sector, ns);
    TAKE(a, r->sid_policy, r->npol);
    TAKE(a, r->draws, r->nunc);
    TAKE(a, r->in_lo, r->nunc);
    TAKE(a, r->in_hi, r->nunc);
    TAKE(a, r->stk_off, r->nact + 1);
    TAKE(a, r->stock, r->nstk);
    TAKE(a, r->stk_flow, r->nstk);
    TAKE(a, r->stk_cap, r->nstk);
    TAKE(a, r->demand, r->nstk);
    TAKE(a, r->supply, r->nstk);
    int **ints[] = {&r->f_side, &r->f_sector, &r->f_stock, &r->f_role, &r->f_delay,
                    &r->f_wday, &r->f_cdays, &r->f_ring_len};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        TAKE(a, *ints[i], nf);
    TAKE(a, r->f_out, nf);
    double **dbl[] = {&r->f_str,  &r->f_peak, &r->f_arr, &r->f_kil,   &r->f_wnd,  &r->f_away,
                      &r->f_wait, &r->f_ret,  &r->f_wdr, &r->f_mov,   &r->f_x,    &r->f_x0,
                      &r->f_xmax, &r->f_rate, &r->f_inter, &r->f_expo, &r->f_mult, &r->f_ks,
                      &r->f_wr,   &r->f_bp,   &r->f_spd, &r->f_fire,  &r->g_w,    &r->g_cap,
                      &r->g_q,    &r->g_out};
    for (size_t i = 0; i < sizeof dbl / sizeof dbl[0]; i++)
        TAKE(a, *dbl[i], nf);
    TAKE(a, r->g_idx, nf);
    TAKE(a, r->f_ring_off, nf);
    int **ti[] = {&r->tr_force, &r->tr_day, &r->tr_event, &r->tr_delay};
    for (size_t i = 0; i < sizeof ti / sizeof ti[0]; i++)
        TAKE(a, *ti[i], r->ntranche);
    TAKE(a, r->tr_size, r->ntranche);
    TAKE(a, r->tr_done, r->ntranche);
    TAKE(a, r->sec_off, ns + 1);
    TAKE(a, r->sec_forces, nf);
    double **sd[] = {&r->s_int, &r->s_def, &r->s_hold, &r->s_p, &r->s_q, &r->s_k, &r->s_floor,
                     &r->s_ground, &r->s_gmax, &r->s_adv, &r->s_thr, &r->s_I};
    for (size_t i = 0; i < sizeof sd / sizeof sd[0]; i++)
        TAKE(a, *sd[i], ns);
    double **s2[] = {&r->s_coef, &r->s_carry, &r->s_N, &r->s_E, &r->s_loss};
    for (size_t i = 0; i < sizeof s2 / sizeof s2[0]; i++)
        TAKE(a, *s2[i], 2 * ns);
    TAKE(a, r->s_post, 2 * ns);
    TAKE(a, r->s_noise, ns);
    TAKE(a, r->s_holder, ns);
    TAKE(a, r->s_fight, ns);
    double **pd[] = {&r->p_rate, &r->p_carry, &r->p_sent, &r->p_done, &r->p_late, &r->p_lost};
    for (size_t i = 0; i < sizeof pd / sizeof pd[0]; i++)
        TAKE(a, *pd[i], np);
    int **pi[] = {&r->p_delay, &r->p_from, &r->p_to, &r->p_force, &r->p_ring_len};
    for (size_t i = 0; i < sizeof pi / sizeof pi[0]; i++)
        TAKE(a, *pi[i], np);
    TAKE(a, r->p_ring_off, np);
    TAKE(a, r->ring, r->nring);
    TAKE(a, r->par, r->npar);
    TAKE(a, r->own_ev_day, r->nev);
    TAKE(a, r->ev_count, r->nev);
    TAKE(a, r->t_day, r->ntr);
    TAKE(a, r->l_rung, r->nl);
    TAKE(a, r->pol_ok, r->npol);
    TAKE(a, r->pol_done, r->npol);
    int **qi[] = {&r->pol_due, &r->pol_delay, &r->pol_fired, &r->pol_acted};
    for (size_t i = 0; i < sizeof qi / sizeof qi[0]; i++)
        TAKE(a, *qi[i], r->npol);
    TAKE(a, r->pol_haz, r->npol);
    TAKE(a, r->pol_surv, r->npol);
    TAKE(a, r->own_series, (size_t)(r->horizon + 1) * r->nmet);
}

/* The model's counts, and the slots of the delay queues: wounded per
 * force, in transit per pipeline. */
static void run_sizes(sal_run *r, const sal_model *m)
{
    r->m = m;
    r->horizon = m->horizon;
    r->nf = m->nforces;
    r->ns = m->nsectors;
    r->np = m->npipelines;
    r->npol = m->npolicies;
    r->ntr = m->ntreaties;
    r->nl = m->nladders;
    r->nmet = m->nmetrics;
    r->nev = m->nevents;
    r->nunc = m->nuncertain;
    r->npar = m->nparams;
    r->nact = m->nactors;
    for (size_t a = 0; a < m->nactors; a++)
        r->nstk += m->actors[a].nstocks;
    for (size_t f = 0; f < m->nforces; f++)
        r->ntranche += m->forces[f].narrivals;
    /* delay queues: wounded per force, in transit per pipeline */
    size_t nring = 0;
    for (size_t f = 0; f < m->nforces; f++) {
        const sal_force *fo = &m->forces[f];
        if (fo->sector >= 0 && num_upper(m, fo->wounded_return) > 0)
            nring += (size_t)ring_len(num_upper(m, fo->return_delay), 1, r->horizon);
    }
    for (size_t p = 0; p < m->npipelines; p++)
        nring += (size_t)ring_len(num_upper(m, m->pipelines[p].delay), 0, r->horizon);
    r->nring = nring;
}

/* The random streams: their ids, the generators; and each input's support.
 * -1 when out of memory. */
static int run_streams(sal_run *r)
{
    const sal_model *m = r->m;
    stream_ids(SAL_STREAM_PARAMS, r->nunc, input_name, m, r->sid_input);
    stream_ids(SAL_STREAM_SECTOR, r->ns, sector_name, m, r->sid_sector);
    stream_ids(SAL_STREAM_POLICY, r->npol, policy_name, m, r->sid_policy);
    int ok = (r->rng_input = sal_rng_alloc(0, 0, 0)) != NULL;
    for (size_t s = 0; ok && s < r->ns; s++)
        ok = (r->rng_sector[s] = sal_rng_alloc(0, 0, r->sid_sector[s])) != NULL;
    for (size_t p = 0; ok && p < r->npol; p++)
        ok = (r->rng_policy[p] = sal_rng_alloc(0, 0, r->sid_policy[p])) != NULL;
    if (!ok)
        return -1;
    r->bytes += (1 + r->ns + r->npol) * (sizeof(gsl_rng) + 64);
    for (size_t u = 0; u < r->nunc; u++)
        sal_dist_support(&m->uncertain[u].dist, &r->in_lo[u], &r->in_hi[u]);
    return 0;
}

/* The static structure: stocks, the forces of each sector, queue offsets,
 * the force of each tranche. */
static void run_structure(sal_run *r)
{
    const sal_model *m = r->m;
    r->stk_off[0] = 0;
    for (size_t i = 0; i < m->nactors; i++)
        r->stk_off[i + 1] = r->stk_off[i] + m->actors[i].nstocks;
    for (size_t f = 0; f < r->nf; f++) {
        const sal_force *fo = &m->forces[f];
        int side = fo->owner >= 0 && (size_t)fo->owner < m->nactors ? m->actors[fo->owner].side : -1;
        r->f_side[f] = side == 0 || side == 1 ? side : -1;
        /* a force fights only in a real sector and on a real side */
        r->f_sector[f] = fo->sector >= 0 && (size_t)fo->sector < r->ns && r->f_side[f] >= 0
                             ? fo->sector : -1;
        r->f_stock[f] = -1;
        if (fo->supply_actor >= 0 && (size_t)fo->supply_actor < m->nactors &&
            fo->supply_stock >= 0 &&
            (size_t)fo->supply_stock < m->actors[fo->supply_actor].nstocks)
            r->f_stock[f] = (int)(r->stk_off[fo->supply_actor] + (size_t)fo->supply_stock);
    }
    size_t k = 0;
    for (size_t s = 0; s < r->ns; s++) {
        r->sec_off[s] = k;
        for (size_t f = 0; f < r->nf; f++)
            if (r->f_sector[f] == (int)s)
                r->sec_forces[k++] = (int)f;
    }
    r->sec_off[r->ns] = k;
    size_t off = 0;
    for (size_t f = 0; f < r->nf; f++) {
        const sal_force *fo = &m->forces[f];
        r->f_ring_off[f] = off;
        r->f_ring_len[f] = 0;
        if (fo->sector >= 0 && num_upper(m, fo->wounded_return) > 0) {
            r->f_ring_len[f] = ring_len(num_upper(m, fo->return_delay), 1, r->horizon);
            off += (size_t)r->f_ring_len[f];
        }
    }
    for (size_t p = 0; p < r->np; p++) {
        const sal_pipeline *pl = &m->pipelines[p];
        r->p_ring_off[p] = off;
        r->p_ring_len[p] = ring_len(num_upper(m, pl->delay), 0, r->horizon);
        off += (size_t)r->p_ring_len[p];
    }
    size_t t = 0;
    for (size_t f = 0; f < r->nf; f++)
        for (size_t i = 0; i < m->forces[f].narrivals; i++)
            r->tr_force[t++] = (int)f;
}

sal_run *sal_run_alloc(const sal_model *m)
{
    if (!m || m->horizon < 0 || m->horizon > 100000000)
        return NULL;
    sal_run *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    run_sizes(r, m);
    arena a = {NULL, 0, 0};
    layout(r, &a);
    if (a.overflow || !(r->block = calloc(1, a.off + 16))) {
        free(r);
        return NULL;
    }
    r->bytes = sizeof *r + a.off + 16;
    a = (arena){r->block, 0, 0};
    layout(r, &a);
    r->series = r->own_series;
    r->ev_day = r->own_ev_day;

    if (run_streams(r) != 0) {
        sal_run_free(r);
        return NULL;
    }

    run_structure(r);
    return r;
}

void sal_run_free(sal_run *r)
{
    if (!r)
        return;
    if (r->block) {
        for (size_t s = 0; s < r->ns; s++)
            if (r->rng_sector[s])
                gsl_rng_free(r->rng_sector[s]);
        for (size_t p = 0; p < r->npol; p++)
            if (r->rng_policy[p])
                gsl_rng_free(r->rng_policy[p]);
    }
    if (r->rng_input)
        gsl_rng_free(r->rng_input);
    free(r->block);
    free(r);
}

/* ---- failures --------------------------------------------------------- */

static void run_vfail(sal_run *r, const char *file, int line, int col, const char *fmt,
                      va_list ap)
{
    if (r->status == SAL_OK)
        r->status = SAL_ERANGE;
    if (!r->diags)
        return;
    char msg[1024], date[16];
    vsnprintf(msg, sizeof msg, fmt, ap);
    sal_date_format(r->start_days + r->day, date);
    if (r->det)
        sal_diags_add(r->diags, file, line, col, "day %d (%s) of the deterministic run: %s", r->day,
                      date, msg);
    else
        sal_diags_add(r->diags, file, line, col, "day %d (%s) of run %llu (seed %llu): %s", r->day,
                      date, (unsigned long long)r->run, (unsigned long long)r->seed, msg);
}

void sal_run_fail(sal_run *r, const sal_expr *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *file = e && sal_expr_file(e) ? sal_expr_file(e) : r->m->file;
    run_vfail(r, file, e ? sal_expr_line(e) : 0, e ? sal_expr_col(e) : 0, fmt, ap);
    va_end(ap);
}

void sal_run_fail_at(sal_run *r, int line, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    run_vfail(r, r->m->file, line, col, fmt, ap);
    va_end(ap);
}

int sal_run_eval(sal_run *r, const sal_expr *e, const char *what, double *out)
{
    if (sal_expr_eval_finite(e, sal_run_get, r, out) == SAL_OK)
        return SAL_OK;
    sal_run_fail(r, e, "%s '%s' is %s; expected a finite number (look for 0/0, log or sqrt of "
                       "a negative number, or an overflow)",
                 what, sal_expr_source(e) ? sal_expr_source(e) : "?", isnan(*out) ? "NaN" : "infinite");
    return SAL_ERANGE;
}

/* ---- the state that expressions read ---------------------------------- */

double sal_run_get(void *state, int id, int a0, int a1)
{
    const sal_run *r = state;
    switch (id) {
    case SAL_FN_DAY: return r->day;
    case SAL_FN_STRENGTH: return (size_t)a0 < r->nf ? r->f_str[a0] : NAN;
    case SAL_FN_CASUALTIES: return (size_t)a0 < r->nf ? r->f_kil[a0] + r->f_wnd[a0] : NAN;
    case SAL_FN_KILLED: return (size_t)a0 < r->nf ? r->f_kil[a0] : NAN;
    case SAL_FN_ARRIVED: return (size_t)a0 < r->nf ? r->f_arr[a0] : NAN;
    case SAL_FN_GROUND: return (size_t)a0 < r->ns ? r->s_ground[a0] : NAN;
    case SAL_FN_STOCK:
        if ((size_t)a0 < r->nact && a1 >= 0 && r->stk_off[a0] + (size_t)a1 < r->stk_off[a0 + 1])
            return r->stock[r->stk_off[a0] + (size_t)a1];
        return NAN;
    case SAL_FN_DAYS_SINCE:
        if ((size_t)a0 >= r->nev)
            return NAN;
        return r->ev_day[a0] < 0 ? -1.0 : (double)(r->day - r->ev_day[a0]);
    case SAL_FN_HAPPENED: return (size_t)a0 < r->nev ? (r->ev_day[a0] >= 0) : NAN;
    case SAL_FN_RUNG: return (size_t)a0 < r->nl ? r->l_rung[a0] : NAN;
    case SAL_FN_PARAM: return (size_t)a0 < r->npar ? r->par[a0] : NAN;
    case SAL_FN_SIDE_STRENGTH: {
        if ((size_t)a0 >= r->ns || (a1 != 0 && a1 != 1))
            return NAN;
        double n = 0;
        for (size_t i = r->sec_off[a0]; i < r->sec_off[a0 + 1]; i++)
            if (r->f_side[r->sec_forces[i]] == a1)
                n += r->f_str[r->sec_forces[i]];
        return n;
    }
    }
    return NAN;
}

/* ---- shared actions --------------------------------------------------- */

void sal_run_event(sal_run *r, int e)
{
    if (e < 0 || (size_t)e >= r->nev)
        return;
    if (r->ev_day[e] < 0)
        r->ev_day[e] = r->day;
    r->ev_count[e]++;
}

void sal_run_join(sal_run *r, int f, double n, double x)
{
    if (!(n > 0))
        return;
    r->f_arr[f] += n;
    if (r->f_out[f]) { /* a broken force stays out: newcomers join the withdrawn */
        r->f_wdr[f] += n;
        if (!isfinite(r->f_arr[f]) || !isfinite(r->f_wdr[f]))
            sal_run_fail_at(r, r->m->forces[f].line, r->m->forces[f].col,
                            "force '%s' (withdrawn): %g troops joining make the troops "
                            "arrived or withdrawn not finite; expected finite numbers",
                            r->m->forces[f].name, n);
        return;
    }
    double s = r->f_str[f], before = s;
    /* newcomers dilute (or raise) the force's experience: the strength-
     * weighted mean of the two */
    r->f_x[f] = (s * r->f_x[f] + n * x) / (s + n);
    s += n;
    r->f_str[f] = s;
    if (s > r->f_peak[f])
        r->f_peak[f] = s;
    /* the values written: an overflow here would carry inf (or, in the
     * mean, inf/inf = NaN) into every later day; the troops arrived count
     * those lost before, so they can overflow while the strength does not */
    if (!isfinite(s) || !isfinite(r->f_x[f]) || !isfinite(r->f_arr[f]))
        sal_run_fail_at(r, r->m->forces[f].line, r->m->forces[f].col,
                        "force '%s': %g troops joining %g present give a strength or "
                        "experience that is not finite; expected finite numbers",
                        r->m->forces[f].name, n, before);
}

/* ---- accessors -------------------------------------------------------- */

const sal_model *sal_run_model(const sal_run *r)
{
    return r->m;
}

size_t sal_run_ndays(const sal_run *r)
{
    return (size_t)r->horizon + 1;
}

size_t sal_run_nmetrics(const sal_run *r)
{
    return r->nmet;
}

const double *sal_run_series(const sal_run *r)
{
    return r->series;
}

const int32_t *sal_run_event_days(const sal_run *r)
{
    return r->ev_day;
}

const int32_t *sal_run_event_counts(const sal_run *r)
{
    return r->ev_count;
}

const double *sal_run_inputs(const sal_run *r)
{
    return r->draws;
}

int sal_run_force(const sal_run *r, size_t f, sal_force_account *out)
{
    if (!r || f >= r->nf || !out)
        return SAL_EINPUT;
    out->arrived = r->f_arr[f];
    out->present = r->f_str[f];
    out->killed = r->f_kil[f];
    out->wounded = r->f_wnd[f];
    out->wounded_away = r->f_away[f];
    out->awaiting = r->f_wait[f];
    out->returned = r->f_ret[f];
    out->withdrawn = r->f_wdr[f];
    out->moved_out = r->f_mov[f];
    out->peak = r->f_peak[f];
    out->experience = r->f_x[f];
    out->fire = r->f_fire[f];
    out->combat_days = r->f_cdays[f];
    out->withdrawn_day = r->f_wday[f];
    return SAL_OK;
}

double sal_run_ground(const sal_run *r, size_t s)
{
    return s < r->ns ? r->s_ground[s] : NAN;
}

double sal_run_stock(const sal_run *r, size_t a, size_t k)
{
    if (a >= r->nact || r->stk_off[a] + k >= r->stk_off[a + 1])
        return NAN;
    return r->stock[r->stk_off[a] + k];
}

double sal_run_param(const sal_run *r, size_t p)
{
    return p < r->npar ? r->par[p] : NAN;
}

int sal_run_rung(const sal_run *r, size_t l)
{
    return l < r->nl ? r->l_rung[l] : -1;
}

int sal_run_treaty_day(const sal_run *r, size_t t)
{
    return t < r->ntr ? r->t_day[t] : -1;
}

double sal_run_in_transit(const sal_run *r, size_t p)
{
    if (p >= r->np)
        return NAN;
    double x = r->p_late[p];
    for (int i = 0; i < r->p_ring_len[p]; i++)
        x += r->ring[r->p_ring_off[p] + (size_t)i];
    return x;
}

int sal_run_policy_fired(const sal_run *r, size_t p)
{
    return p < r->npol ? r->pol_fired[p] : -1;
}

int sal_run_policy_acted(const sal_run *r, size_t p)
{
    return p < r->npol ? r->pol_acted[p] : -1;
}

size_t sal_run_bytes(const sal_run *r)
{
    return r ? r->bytes : 0;
}

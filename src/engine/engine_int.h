/* salient (internal) — the run workspace shared by the engine's modules.
 *
 * The engine's files, from the bottom up (docs/architecture.md; a file
 * calls only the ones below it, checked by scripts/layers.sh):
 *
 * src/engine/run.c       the workspace, its accessors, and the services the
 *                        steps use: failures, expression state, events,
 *                        troops joining a force
 * src/engine/ground.c    (g) the ground law, called by the sector step
 * src/engine/arrivals.c  (a) tranches, wounded back, stock flows, pipelines
 * src/engine/policy.c    (b) treaties, policies and their actions, ladders
 * src/engine/attrition.c (c)-(h) the sector step: effective strength, the
 *                        attrition law and its noise, casualty sharing,
 *                        killed/wounded split, learning, break points,
 *                        munitions
 * src/engine/engine.c    the start of a run, (i) metrics, and the day loop
 * src/base/draw.c        exact Poisson and binomial samplers for the noise
 *
 * State lives in flat arrays, one per quantity (structure of arrays), carved
 * from one allocation made by sal_run_alloc; a run only overwrites them. */
#ifndef SAL_ENGINE_INT_H
#define SAL_ENGINE_INT_H

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>

#include "salient/engine.h"
#include "base/draw.h"
#include "salient/expr.h"
#include "salient/model.h"

struct sal_run {
    const sal_model *m;
    int horizon;
    size_t nf, ns, np, npol, ntr, nl, nmet, nev, nunc, npar, nact, nstk, ntranche;

    /* the run under way */
    uint64_t seed, run;
    int det;               /* deterministic (mean-field) mode */
    int day;               /* the day being simulated */
    int status;            /* SAL_OK until something fails */
    sal_diags *diags;      /* where failures are reported (may be NULL) */
    long start_days;       /* the start date as days since 1970-01-01 */

    /* random streams */
    gsl_rng *rng_input;    /* reset once per uncertain input */
    gsl_rng **rng_sector;  /* one per sector */
    gsl_rng **rng_policy;  /* one per policy */
    uint32_t *sid_input, *sid_sector, *sid_policy;  /* their stream ids */
    double *draws;         /* [nunc] the inputs of this run */
    double *in_lo, *in_hi; /* [nunc] each input's support, for opts->inputs */

    /* stocks, flattened: actor a's stock k is at stk_off[a] + k */
    size_t *stk_off;       /* [nact + 1] */
    double *stock, *stk_flow, *stk_cap;
    double *demand;        /* today's munitions demand on each stock */
    double *supply;        /* min(1, stock / demand): the share supplied */

    /* forces */
    int *f_side, *f_sector, *f_stock, *f_role, *f_delay, *f_wday, *f_cdays;
    unsigned char *f_out;  /* withdrawn at its break point */
    double *f_str, *f_peak, *f_arr, *f_kil, *f_wnd, *f_away, *f_wait, *f_ret, *f_wdr,
        *f_mov;
    double *f_x, *f_x0, *f_xmax, *f_rate, *f_inter, *f_expo, *f_mult, *f_ks, *f_wr, *f_bp,
        *f_spd, *f_fire;
    /* scratch for sharing one side's casualties among its forces */
    double *g_w, *g_cap, *g_q, *g_out;
    int *g_idx;
    int *f_ring_len;       /* wounded queue length (0: none) */
    size_t *f_ring_off;    /* into ring[] */

    /* tranches, flattened over forces */
    int *tr_force, *tr_day, *tr_event, *tr_delay;
    double *tr_size;
    unsigned char *tr_done;

    /* sectors: forces in sector s are sec_forces[sec_off[s] .. sec_off[s+1]) */
    size_t *sec_off;
    int *sec_forces;
    double *s_int, *s_def, *s_hold, *s_coef /* [2 ns] */, *s_p, *s_q, *s_k, *s_floor,
        *s_ground, *s_gmax, *s_adv, *s_thr, *s_carry /* [2 ns] */;
    int *s_post /* [2 ns] */, *s_noise, *s_holder;
    /* today's values, per sector (I) and per side (N, E, losses) */
    double *s_I, *s_N, *s_E, *s_loss;
    unsigned char *s_fight;

    /* pipelines */
    double *p_rate, *p_carry, *p_sent, *p_done, *p_late, *p_lost;
    int *p_delay, *p_from, *p_to, *p_force, *p_ring_len;
    size_t *p_ring_off;

    /* the delay queues of forces (wounded) and pipelines (in transit) */
    double *ring;
    size_t nring;

    /* parameters, events, treaties, ladders, policies */
    double *par;
    int32_t *ev_day, *ev_count;
    int *t_day;            /* day each treaty came into force, SAL_NEVER */
    int *l_rung;
    unsigned char *pol_ok;     /* passed its one-off chance this run */
    unsigned char *pol_done;   /* fired and acted, no repeat */
    int *pol_due;              /* day its pending actions are due, -1 none */
    int *pol_delay, *pol_fired, *pol_acted;
    double *pol_haz, *pol_surv;

    /* metrics: series[day * nmet + k]; the workspace's own buffers, or the
     * caller's (sal_run_opts.series, .event_days) during a run */
    double *series, *own_series;
    int32_t *own_ev_day;

    size_t bytes;
    void *block;           /* the one allocation everything above lives in */
};

/* run.c: the services every step may call */
double sal_run_get(void *state, int id, int arg0, int arg1);
/* Records event e today (first day kept, count raised). */
void sal_run_event(sal_run *r, int e);
/* Adds n troops to force f (they count as arrived; they join the withdrawn
 * if the force has broken).  x is their experience. */
void sal_run_join(sal_run *r, int f, double n, double x);
/* Reports a failure of day r->day: status SAL_ERANGE and a message.  e may
 * be NULL; when given, the message is placed at its file:line:col. */
void sal_run_fail(sal_run *r, const sal_expr *e, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The same for a mechanism: the message is placed at line:col of the model
 * file, where the force, sector, stock or pipeline at fault is defined. */
void sal_run_fail_at(sal_run *r, int line, int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Evaluates e in the run's state; on NaN or infinity reports it (naming
 * `what`) and returns SAL_ERANGE. */
int sal_run_eval(sal_run *r, const sal_expr *e, const char *what, double *out);
/* A whole number of days from a drawn delay: nearest, never below lo. */
int sal_run_days(double d, int lo);

/* arrivals.c: (a) */
void sal_arrivals_step(sal_run *r);

/* policy.c: (b), and the run-start state of policies and ladders */
void sal_policy_start(sal_run *r);
void sal_policy_step(sal_run *r);

/* draw.c: exact Poisson and binomial draws (base/draw.h) */

/* ground.c: (g) in sector s, once its effective strengths s_E are set */
void sal_ground_step(sal_run *r, size_t s);

/* attrition.c: (c)-(h) */
void sal_sector_step(sal_run *r);
/* Shares total casualties c among n forces idx[] by weight w[] without
 * giving any force more than its cap[]; integer: whole troops (largest
 * remainders).  Writes out[i]; exposed for the unit tests. */
void sal_share(double c, size_t n, const double *w, const double *cap, int integer,
               double *q, double *out);

#endif

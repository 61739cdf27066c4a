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
    const sal_model *m;    /* the model run (not owned) */
    int horizon;           /* the last day simulated (days 0 .. horizon) */
    size_t nf;             /* forces */
    size_t ns;             /* sectors */
    size_t np;             /* pipelines */
    size_t npol;           /* policies */
    size_t ntr;            /* treaties */
    size_t nl;             /* ladders */
    size_t nmet;           /* metrics (columns of series) */
    size_t nev;            /* events */
    size_t nunc;           /* uncertain inputs */
    size_t npar;           /* parameters */
    size_t nact;           /* actors */
    size_t nstk;           /* stocks, all actors together */
    size_t ntranche;       /* arrival tranches, all forces together */

    /* the run under way */
    uint64_t seed;         /* the ensemble's seed */
    uint64_t run;          /* the run's number in the ensemble */
    int det;               /* deterministic (mean-field) mode */
    int day;               /* the day being simulated */
    int status;            /* SAL_OK until something fails */
    sal_diags *diags;      /* where failures are reported (may be NULL) */
    long start_days;       /* the start date as days since 1970-01-01 */

    /* random streams */
    gsl_rng *rng_input;    /* reset once per uncertain input */
    gsl_rng **rng_sector;  /* one per sector */
    gsl_rng **rng_policy;  /* one per policy */
    uint32_t *sid_input;   /* [nunc] stream id of each input */
    uint32_t *sid_sector;  /* [ns] stream id of each sector */
    uint32_t *sid_policy;  /* [npol] stream id of each policy */
    double *draws;         /* [nunc] the inputs of this run */
    double *in_lo, *in_hi; /* [nunc] each input's support, for opts->inputs */

    /* stocks, flattened: actor a's stock k is at stk_off[a] + k */
    size_t *stk_off;       /* [nact + 1] */
    double *stock;         /* [nstk] the amount in store */
    double *stk_flow;      /* [nstk] added each day (negative: spent), in (a) */
    double *stk_cap;       /* [nstk] capacity (infinity: none) */
    double *demand;        /* [nstk] today's munitions demand on each stock */
    double *supply;        /* [nstk] min(1, stock / demand): the share supplied */

    /* forces [nf] */
    int *f_side;           /* side 0 or 1 */
    int *f_sector;         /* the sector it fights in, -1 none */
    int *f_stock;          /* the stock it draws shells from (flat index), -1 none */
    int *f_role;           /* sal_role: assault, defence, support */
    int *f_delay;          /* days before a wounded troop returns */
    int *f_wday;           /* day it withdrew at its break point, SAL_NEVER */
    int *f_cdays;          /* days in combat so far */
    unsigned char *f_out;  /* withdrawn at its break point */
    double *f_str;         /* troops present now */
    double *f_peak;        /* the most troops ever present (for break points) */
    double *f_arr;         /* troops arrived, the initial strength included */
    double *f_kil;         /* killed */
    double *f_wnd;         /* wounded, all */
    double *f_away;        /* wounded who never return */
    double *f_wait;        /* wounded queued to return */
    double *f_ret;         /* wounded returned to duty */
    double *f_wdr;         /* troops withdrawn with the force broken */
    double *f_mov;         /* troops moved out by policies */
    double *f_x;           /* experience now, in [0, 1] */
    double *f_x0;          /* experience of newcomers */
    double *f_xmax;        /* the experience learning tends to */
    double *f_rate;        /* learning rate per day in combat */
    double *f_inter;       /* interoperability, in [0, 1] */
    double *f_expo;        /* casualty exposure (its weight in sharing losses) */
    double *f_mult;        /* strength multiplier (set by policies) */
    double *f_ks;          /* share of casualties killed */
    double *f_wr;          /* share of the wounded who return */
    double *f_bp;          /* break point: withdraws below f_bp x f_peak */
    double *f_spd;         /* shells per day per 1,000 troops at full intensity */
    double *f_fire;        /* today's fire-support factor, in [fire_floor, 1] */
    /* scratch for sharing one side's casualties among its forces (sal_share) */
    double *g_w;           /* weights */
    double *g_cap;         /* caps: the troops each force has */
    double *g_q;           /* sal_share's own scratch */
    double *g_out;         /* each force's share */
    int *g_idx;            /* the forces shared among */
    int *f_ring_len;       /* wounded queue length (0: none) */
    size_t *f_ring_off;    /* into ring[] */

    /* tranches [ntranche], flattened over forces in model order */
    int *tr_force;         /* the force it joins */
    int *tr_day;           /* its day (0 for an event tranche) */
    int *tr_event;         /* the event it waits for, -1 none */
    int *tr_delay;         /* days after its event */
    double *tr_size;       /* troops */
    unsigned char *tr_done; /* arrived (or never will) */

    /* sectors [ns]: forces in sector s are sec_forces[sec_off[s] .. sec_off[s+1]) */
    size_t *sec_off;       /* [ns + 1] */
    int *sec_forces;       /* [nf] forces grouped by sector (those in none left out) */
    double *s_int;         /* combat intensity I when a side attacks */
    double *s_def;         /* defence multiplier of a holding side attacked */
    double *s_hold;        /* intensity, as a share of s_int, when both hold */
    double *s_coef;        /* [2 ns] attrition coefficient a of each side */
    double *s_p;           /* exponent of the enemy's effective strength */
    double *s_q;           /* exponent of the own side's troops */
    double *s_k;           /* negative binomial dispersion k */
    double *s_floor;       /* fire-support factor of a force with no shells */
    double *s_ground;      /* ground held by the holder */
    double *s_gmax;        /* the most ground there is to hold */
    double *s_adv;         /* reference advance rate per day */
    double *s_thr;         /* force ratio below which there is no advance */
    double *s_carry;       /* [2 ns] fraction of a troop carried to the next day */
    int *s_post;           /* [2 ns] 1: the side attacks, 0: it holds */
    int *s_noise;          /* 0 none, 1 Poisson, 2 negative binomial */
    int *s_holder;         /* the side holding the ground, 0 or 1 */
    /* today's values, per sector (I) and per side (N, E, losses) */
    double *s_I;           /* [ns] intensity */
    double *s_N;           /* [2 ns] troops */
    double *s_E;           /* [2 ns] effective strength */
    double *s_loss;        /* [2 ns] casualties */
    unsigned char *s_fight; /* [ns] both sides present and fighting */

    /* pipelines [np] */
    double *p_rate;        /* amount sent per day */
    double *p_carry;       /* fraction of a troop carried to the next day */
    double *p_sent;        /* sent so far */
    double *p_done;        /* delivered so far */
    double *p_late;        /* sent too late to arrive by the horizon */
    double *p_lost;        /* delivered to a full store, lost */
    int *p_delay;          /* days in transit */
    int *p_from;           /* the stock it draws on (flat index), -1: none */
    int *p_to;             /* the stock it delivers to (flat index), -1: none */
    int *p_force;          /* the force it delivers to, -1: none */
    int *p_ring_len;       /* in-transit queue length */
    size_t *p_ring_off;    /* into ring[] */

    /* the delay queues of forces (wounded) and pipelines (in transit) */
    double *ring;          /* [nring] every queue, one slot per day */
    size_t nring;          /* slots in all */

    /* parameters, events, treaties, ladders, policies */
    double *par;           /* [npar] parameter values (policies may set them) */
    int32_t *ev_day;       /* [nev] first day of each event, SAL_NEVER */
    int32_t *ev_count;     /* [nev] times it happened */
    int *t_day;            /* day each treaty came into force, SAL_NEVER */
    int *l_rung;           /* [nl] each ladder's rung now */
    unsigned char *pol_ok;     /* passed its one-off chance this run */
    unsigned char *pol_done;   /* fired and acted, no repeat */
    int *pol_due;              /* day its pending actions are due, -1 none */
    int *pol_delay;            /* days from firing to acting */
    int *pol_fired;            /* times fired */
    int *pol_acted;            /* times acted */
    double *pol_haz;           /* chance of firing each day its condition holds */
    double *pol_surv;          /* deterministic mode: chance of not having fired yet */

    /* metrics: series[day * nmet + k]; the workspace's own buffers, or the
     * caller's (sal_run_opts.series, .event_days) during a run */
    double *series;        /* [(horizon + 1) nmet] the series being written */
    double *own_series;    /* the workspace's own series */
    int32_t *own_ev_day;   /* the workspace's own event days */

    size_t bytes;          /* the size of block */
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

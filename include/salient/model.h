/* salient — the in-memory scenario model (model v1).
 *
 * The scenario reader (src/scenario/scenario.c) turns a YAML file into a sal_model;
 * the engine (src/engine/engine.c) runs it day by day.  This header is the contract
 * between them: every field below is documented in docs/scenario.md (the YAML
 * key) and docs/model.md (the equation that uses it).
 *
 * Numbers.  Any number in a scenario may be uncertain.  An uncertain number
 * is registered once in model->uncertain[] (its distribution, its source, and
 * a path name such as "forces.dprk-kursk.strength") and drawn once per run
 * (epistemic uncertainty).  Fields hold a sal_num: a plain value, or the
 * index of the uncertain input it takes its value from.  Daily noise
 * (casualty draws, hazards) is drawn inside the run from its own stream.
 *
 * Names.  Every entity has a unique name within its kind; references between
 * entities are resolved to indices by the reader, so the engine never
 * compares strings. */
#ifndef SALIENT_MODEL_H
#define SALIENT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "salient/base.h"
#include "salient/dist.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Compiled expression (defined in salient/expr.h). */
typedef struct sal_expr sal_expr;

/* A number of the model: value, or uncertain input u (u >= 0). */
typedef struct {
    double value; /* used when u < 0; when u >= 0 the reader stores the
                     distribution's mean here (for the mean-field path) */
    int u;        /* index into model->uncertain, or -1 */
} sal_num;

/* One uncertain input: drawn once per run. */
typedef struct {
    char *name;   /* "parameters.dprk_total", "forces.dprk-kursk.strength" */
    sal_dist dist;
    char *source; /* citation string, may be NULL */
    int line, col;
} sal_uncertain;

/* A named scenario parameter (parameters: section), readable as param(name). */
typedef struct {
    char *name;
    sal_num value;
    char *source;
    char *description;
} sal_param;

/* Where a number of the scenario came from, for the provenance table: one
 * entry per number written in the file (defaults are not listed), in file
 * order.  A number taken from a parameter ({param: NAME}) names it. */
typedef struct {
    char *path;   /* "forces.dprk-kursk.strength", "parameters.dprk_total" */
    sal_num num;  /* the value, or the uncertain input it is drawn from */
    char *source; /* citation string, NULL when none was given */
    int param;    /* index of the parameter it refers to, or -1 */
    int line, col;
} sal_provenance;

typedef struct {
    char *name;  /* "shells", "manpower", "cash", "political_cost" */
    sal_num initial;
    sal_num flow;    /* added every day (production, recruitment), >= 0 or < 0 */
    sal_num cap;     /* upper bound, value INFINITY when none */
    int line, col;   /* where the stock is defined (its key) */
} sal_stock;

typedef struct {
    char *name;      /* "russia", "dprk", "ukraine", "rok", "usa", "uk" */
    int side;        /* 0 or 1 (the two sides of model->sides), -1 = not a belligerent */
    sal_stock *stocks;
    size_t nstocks;
} sal_actor;

typedef enum { SAL_ROLE_ASSAULT, SAL_ROLE_DEFENCE, SAL_ROLE_SUPPORT } sal_role;
typedef enum { SAL_POSTURE_HOLD, SAL_POSTURE_ATTACK } sal_posture;

/* A tranche of a force's arrival schedule: size troops arrive on day `day`,
 * or `delay` days after event `event` happens (event >= 0). */
typedef struct {
    sal_num size;
    int day;      /* day index from the scenario start; used when event < 0 */
    int event;    /* index into model->events, or -1 */
    sal_num delay;
} sal_tranche;

typedef struct {
    char *name;
    int owner;            /* actor index */
    int sector;           /* sector index, -1 = in reserve (no combat) */
    sal_role role;
    sal_num strength;     /* present on day 0 */
    sal_tranche *arrivals;
    size_t narrivals;
    /* quality */
    sal_num experience;   /* initial, 0..1 */
    sal_num experience_max;   /* ceiling, 0..1 */
    sal_num learning_rate;    /* per day in combat: x += r * (max - x) */
    sal_num interoperability; /* 0..1, the host-command / language barrier */
    sal_num exposure;     /* share weight of casualties; default by role at read
                             time: assault 2, defence 1, support 0.25 */
    sal_num multiplier;   /* authorisation / other multiplier, default 1 */
    /* casualties */
    sal_num killed_share;     /* fraction of casualties killed */
    sal_num wounded_return;   /* fraction of wounded returning to duty */
    sal_num return_delay;     /* days until they return */
    sal_num break_point;      /* withdraw when strength < break_point * peak */
    /* munitions drawn for fire support */
    int supply_actor;     /* actor index, -1 = no munitions model */
    int supply_stock;     /* stock index within that actor */
    sal_num shells_per_day;   /* per 1,000 troops present at full intensity */
    char *source;
    int line, col;        /* where the force is defined (its mapping) */
} sal_force;

/* The attrition law of a sector, per side (see docs/model.md):
 *   losses_s = intensity * coeff_s * E_other^p * N_s^q   per day
 * with E the effective strength of the other side and N the side's own. */
typedef struct {
    char *name;
    sal_num p, q;
    sal_num coeff[2];        /* per side */
    sal_num intensity;       /* 0 = no fighting */
    sal_num defence;         /* multiplier on a holding side's fire when attacked */
    sal_num hold_intensity;  /* intensity factor when both sides hold */
    sal_posture posture[2];
    int noise;               /* 0 none (mean-field), 1 Poisson, 2 negative binomial */
    sal_num dispersion;      /* negative binomial k */
    sal_num fire_floor;      /* fire support factor with no munitions at all */
    /* ground */
    int holder;              /* side that holds the contested ground */
    sal_num ground;          /* km2 held by `holder` on day 0 */
    sal_num ground_max;      /* km2 contested in all */
    sal_num advance_rate;    /* km2/day at the reference force ratio */
    sal_num ratio_threshold; /* force ratio below which an attack gains nothing */
    char *source;
    int line, col;           /* where the sector is defined (its mapping) */
} sal_sector;

/* A pipeline moves a stock with a delay: from an actor's stock (or from
 * nowhere: production, recruitment) to an actor's stock or to a force. */
typedef struct {
    char *name;
    int from_actor, from_stock;  /* -1 = produced from nothing */
    int to_actor, to_stock;      /* -1 when to_force is used */
    int to_force;                /* -1 when to an actor stock */
    sal_num rate;                /* per day */
    sal_num delay;               /* days in transit (training, transport) */
    sal_expr *when;              /* active while true; NULL = always */
    char *source;
    int line, col;               /* where the pipeline is defined (its mapping) */
} sal_pipeline;

typedef enum {
    SAL_ACT_DEPLOY,    /* force += amount (from an optional actor stock) */
    SAL_ACT_MOVE,      /* move amount from force to force */
    SAL_ACT_SET,       /* set a field to a value */
    SAL_ACT_TRANSFER,  /* move amount between actor stocks */
    SAL_ACT_ESCALATE,  /* ladder to rung */
    SAL_ACT_EVENT      /* record an event */
} sal_action_kind;

/* Fields an action may set. */
typedef enum {
    SAL_FIELD_FORCE_MULTIPLIER, SAL_FIELD_FORCE_ROLE, SAL_FIELD_FORCE_EXPOSURE,
    SAL_FIELD_FORCE_INTEROPERABILITY,
    SAL_FIELD_SECTOR_INTENSITY, SAL_FIELD_SECTOR_DEFENCE,
    SAL_FIELD_SECTOR_POSTURE,   /* with side */
    SAL_FIELD_SECTOR_COEFF,     /* with side */
    SAL_FIELD_PIPELINE_RATE,
    SAL_FIELD_PARAM
} sal_field;

typedef struct {
    sal_action_kind kind;
    int force, force2;        /* deploy/move/set force */
    int actor, stock;         /* deploy source, transfer from */
    int actor2, stock2;       /* transfer to */
    int sector, side;         /* set sector field */
    int pipeline, param;      /* set pipeline rate / param */
    int ladder, rung;         /* escalate */
    int event;                /* event to record */
    sal_field field;
    sal_expr *amount;         /* amount or value; NULL when not used */
} sal_action;

typedef struct {
    char *name;
    int enabled;
    sal_expr *when;           /* condition; NULL = always true */
    sal_num hazard;           /* daily probability while the condition holds; value 1 = certain */
    sal_num probability;      /* one-off chance, drawn once per run, that the policy can ever fire */
    sal_num delay;            /* days from firing to acting */
    int repeat;               /* 0 fires once; 1 may fire again after acting */
    int *requires;            /* treaty indices that must be in force */
    size_t nrequires;
    sal_action *actions;      /* the reader appends one last SAL_ACT_EVENT that
                                 records the event named after the policy */
    size_t nactions;
    char *source;
} sal_policy;

typedef struct {
    char *name;
    int *parties;             /* actor indices */
    size_t nparties;
    sal_expr *trigger;        /* in force from the first day this is true */
    int event;                /* event recorded when it comes into force */
    char *source;
} sal_treaty;

typedef struct {
    char *name;
    char **rungs;             /* ordered, rung 0 is the starting state */
    size_t nrungs;
    int *rung_events;         /* event recorded when each rung is reached */
    int initial;
    int actors[2];            /* the actor or dyad that climbs it, -1 = none */
    char *source;
    int descend;              /* (engine) 1: an escalate action may also lower the
                                 rung; 0, the default: rungs only go up */
} sal_ladder;

typedef struct {
    char *name;
    sal_expr *expr;
    char *description;
} sal_metric;

struct sal_model {
    char *file;               /* the scenario file, for messages */
    char *name;
    char *description;
    int start_year, start_month, start_day;
    int horizon;              /* days simulated after day 0 */
    uint64_t seed;
    char *sides[2];
    char *variant;            /* the applied variant, NULL for the base */

    sal_uncertain *uncertain; size_t nuncertain;
    sal_param *params;        size_t nparams;
    sal_actor *actors;        size_t nactors;
    sal_force *forces;        size_t nforces;
    sal_sector *sectors;      size_t nsectors;
    sal_pipeline *pipelines;  size_t npipelines;
    sal_policy *policies;     size_t npolicies;
    sal_treaty *treaties;     size_t ntreaties;
    sal_ladder *ladders;      size_t nladders;
    sal_metric *metrics;      size_t nmetrics;
    char **events;            size_t nevents;   /* every event name used */
    char **variants;          size_t nvariants; /* names, for --variant checks */
    char **variant_descriptions;                /* [nvariants], entries may be NULL */
    sal_provenance *provenance; size_t nprovenance;
};
typedef struct sal_model sal_model;

/* State functions available to expressions (ids for sal_expr_func). */
enum {
    SAL_FN_DAY,         /* day                        */
    SAL_FN_STRENGTH,    /* strength(force)            */
    SAL_FN_CASUALTIES,  /* casualties(force) killed + wounded, cumulative */
    SAL_FN_KILLED,      /* killed(force)              */
    SAL_FN_ARRIVED,     /* arrived(force) cumulative arrivals */
    SAL_FN_GROUND,      /* ground(sector) km2 held by the sector's holder */
    SAL_FN_STOCK,       /* stock(actor, name)         */
    SAL_FN_DAYS_SINCE,  /* days_since(event), -1 if it has not happened */
    SAL_FN_HAPPENED,    /* happened(event) 1 or 0     */
    SAL_FN_RUNG,        /* rung(ladder) index         */
    SAL_FN_PARAM,       /* param(name)                */
    SAL_FN_SIDE_STRENGTH, /* side_strength(sector, side) */
    SAL_FN_COUNT
};

/* Reads and validates a scenario.  variant may be NULL.  The whole file is
 * checked, every variant included, so that a file `salient check` refuses is
 * never run.  On any error returns SAL_EINPUT with every problem found in
 * diags and *out = NULL. */
int sal_model_read(const char *path, const char *variant, sal_diags *diags,
                   sal_model **out);
/* The same from a buffer; name is used in messages. */
int sal_model_read_buffer(const char *buf, size_t len, const char *name,
                          const char *variant, sal_diags *diags,
                          sal_model **out);
void sal_model_free(sal_model *m);

/* The index of m's metric (event) named name, or -1. */
int sal_model_metric(const sal_model *m, const char *name);
int sal_model_event(const sal_model *m, const char *name);
/* The name of m's metric nearest to name, for a "did you mean", or NULL
 * (none near enough, or out of memory). */
const char *sal_model_metric_near(const sal_model *m, const char *name);

/* Checks a scenario file: the base and every variant (or only `variant`
 * when not NULL), reporting every problem found once.  Returns SAL_OK,
 * SAL_EINPUT, SAL_EIO or SAL_ENOMEM; *nvariants (may be NULL) receives the
 * number of variants checked. */
int sal_model_check(const char *path, const char *variant, sal_diags *diags,
                    size_t *nvariants);
int sal_model_check_buffer(const char *buf, size_t len, const char *name,
                           const char *variant, sal_diags *diags,
                           size_t *nvariants);

/* Value of a number given the run's draws (draws[u] for uncertain input u). */
static inline double sal_num_value(sal_num n, const double *draws)
{
    return n.u >= 0 ? draws[n.u] : n.value;
}

#ifdef __cplusplus
}
#endif
#endif

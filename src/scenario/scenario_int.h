/* salient (internal) — the scenario reader's shared context and helpers.
 *
 * src/scenario/scenario.c        the scenario: section, variants, the public entry points
 * src/scenario/scenario_util.c   messages, scalars, lookups with did-you-mean, dates
 * src/scenario/scenario_num.c    numbers, distributions, parameters
 * src/scenario/scenario_sect.c   the entity sections (actors ... ladders, metrics), the
 *                       expressions in them and the cross-checks
 * src/scenario/scenario_policy.c policies and their actions
 * src/scenario/scenario_expr.c   expressions: host functions and name resolution */
#ifndef SAL_SCENARIO_INT_H
#define SAL_SCENARIO_INT_H

#include <stdarg.h>
#include <stddef.h>

#include "salient/model.h"
#include "scenario/yamldoc.h"

enum {
    SC_MAX_ENTITIES = 10000,   /* per section */
    SC_MAX_HORIZON = 100000,   /* days */
    SC_MAX_NAME = 64,          /* characters in a name */
    SC_MAX_LIST = 10000,       /* items of a list (rungs, tranches, choices) */
    SC_MAX_ERRORS = 500,       /* messages kept from one reading */
    SC_MAX_CHECK_WORK = 10000000, /* document nodes x variants checked at once */
    SC_MAX_SERIES = 1000000,   /* metrics x (horizon + 1): a run's daily series */
    SC_MAX_RUN_WORK = 50000000 /* entities x (horizon + 1): a run's daily work */
};

/* A numeric range a field must lie in, and how to say it. */
typedef struct {
    double lo, hi;
    const char *expect; /* "a number >= 0", "a share between 0 and 1" */
} sc_range;

extern const sc_range SC_ANY, SC_NONNEG, SC_SHARE, SC_POS;

typedef struct {
    const char *file;
    sal_diags *diags;
    const char *variant;    /* prefix of messages while reading a variant */
    sal_model *m;
    int errors;
    int oom;
    /* parameters, read on demand (references may come before) */
    const yd_node *params;  /* the parameters: mapping, or NULL */
    int *pstate;            /* 0 unread, 1 being read, 2 read, 3 bad */
    size_t capunc, capprov, capevents;
    /* parts already reported broken: later checks that depend on them stay
     * silent instead of cascading */
    int bad_calendar;       /* start or horizon missing or invalid */
    int bad_sides;          /* sides missing or invalid */
    unsigned bad_sections;  /* bit per kind (sc_kind_bit) whose section is not a mapping */
    /* nodes of each entity, by index (for the second pass) */
    const yd_node **n_actor, **n_force, **n_sector, **n_pipeline, **n_policy,
        **n_treaty, **n_ladder, **n_metric;
} sc_reader;

/* Reports an error at node `at` (NULL: no position). */
void sc_err(sc_reader *r, const yd_node *at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* "WHAT refers to KIND 'NAME', which is not defined; " then a did-you-mean
 * among the n candidates (none when cands is NULL), else "expected HINT". */
void sc_err_undefined(sc_reader *r, const yd_node *at, const char *what, const char *kind,
                      const char *name, const char *const *cands, size_t n, const char *hint);

/* Unknown keys of map against allowed (NULL-terminated) with did-you-mean;
 * where: "force 'dprk-kursk'". Returns 0 if every key is allowed. */
int sc_keys(sc_reader *r, const yd_node *map, const char *const *allowed, const char *where);
/* Checks n is a mapping (or a list); reports "WHAT is X; expected a mapping". */
int sc_is_map(sc_reader *r, const yd_node *n, const char *what);
int sc_is_list(sc_reader *r, const yd_node *n, const char *what);
/* A non-empty string (scalar, not null); *out stays borrowed. */
int sc_str(sc_reader *r, const yd_node *n, const char *what, const char **out);
int sc_strdup(sc_reader *r, const yd_node *n, const char *what, char **out);
int sc_bool(sc_reader *r, const yd_node *n, const char *what, int *out);
int sc_int(sc_reader *r, const yd_node *n, const char *what, long lo, long hi, long *out);
/* A number field: plain, distribution, {value:}, {param:}, with source.
 * path: "forces.dprk-kursk.strength" (uncertain name and provenance). */
int sc_num(sc_reader *r, const yd_node *n, const char *what, const char *path,
           sc_range range, sal_num *out);
/* The same for key `key` of map, with default def when absent. */
void sc_field(sc_reader *r, const yd_node *map, const char *key, const char *owner,
              const char *pathbase, double def, sc_range range, sal_num *out);
/* A day index: `date: YYYY-MM-DD` or `day: N` (keys of map), within
 * [0, horizon].  Returns 1 when found, 0 when neither key is there, -1 on
 * error. */
int sc_day_of(sc_reader *r, const yd_node *map, const char *owner, int *day);

/* Name lookups: index or -1. */
int sc_find(char *const *names, size_t stride_bytes, const void *base, size_t n, const char *name);
int sc_actor(const sal_model *m, const char *name);
int sc_force(const sal_model *m, const char *name);
int sc_sector(const sal_model *m, const char *name);
int sc_pipeline(const sal_model *m, const char *name);
int sc_treaty(const sal_model *m, const char *name);
int sc_ladder(const sal_model *m, const char *name);
int sc_param(const sal_model *m, const char *name);
int sc_event(const sal_model *m, const char *name);
int sc_side(const sal_model *m, const char *name);
int sc_stock(const sal_actor *a, const char *name);

/* Resolves a reference at node n to an entity of a kind; reports an
 * undefined name with did-you-mean.  kind: "actor", "force", ... */
int sc_ref(sc_reader *r, const yd_node *n, const char *what, const char *kind, int *idx);
/* "actor.stock" reference. */
int sc_stock_ref(sc_reader *r, const yd_node *n, const char *what, int *actor, int *stock);
/* Registers an event name (deduplicated); returns its index or -1. */
int sc_add_event(sc_reader *r, const char *name);

/* The best suggestion among candidates for a misspelt word, or NULL. */
const char *sc_suggest(const char *word, const char *const *cands, size_t n);

/* Gives provenance entries [from, nprovenance) that have no source the
 * source of their enclosing entity (a tranche, a stock, a force...). */
void sc_inherit_source(sc_reader *r, size_t from, const yd_node *map);
/* The keys every entity may end with: its 'source' into *source (and onto
 * the provenance entries from eprov0 on that have none, as
 * sc_inherit_source), and its 'description', checked to be text. */
void sc_source_description(sc_reader *r, const yd_node *v, size_t eprov0, char **source);

/* scenario_util.c: a plain scalar that is a finite number; the message for
 * one that is not; the provenance and uncertain-input lists. */
int sc_scalar_number(const yd_node *n, double *v);
void sc_not_a_number(sc_reader *r, const yd_node *n, const char *what, const char *expect);
void sc_add_provenance(sc_reader *r, const char *path, sal_num num, const char *source,
                       int param, const yd_node *at);
int sc_add_uncertain(sc_reader *r, const char *path, sal_dist *d, const char *source,
                     const yd_node *at);
/* scenario_num.c: reads parameter idx (once). */
int sc_resolve_param(sc_reader *r, int idx);
/* scenario_param.c: every parameter read, each after those it refers to;
 * cycles and chains longer than SC_MAX_PCHAIN reported. */
enum { SC_MAX_PCHAIN = 64 };
void sc_read_params(sc_reader *r);

/* A bit per entity kind for bad_sections ("actor", "force", ...). */
unsigned sc_kind_bit(const char *kind);

/* scenario_sect.c */
void sc_read_sections(sc_reader *r, const yd_node *root);
/* scenario_names.c: a valid entity name (reported when not). */
int sc_name_ok(sc_reader *r, const yd_node *k, const char *kind);
/* scenario_expr.c: a scalar compiled as an expression against the model's
 * names; NULL (reported, with the position inside the file) on error. */
sal_expr *sc_compile(sc_reader *r, const yd_node *n, const char *what);
/* scenario_names.c: one of names (NULL-terminated) -> values[i]; reported
 * with did-you-mean. */
int sc_enum_value(sc_reader *r, const yd_node *n, const char *what,
                  const char *const *names, const int *values);
/* scenario_names.c: a rung of ladder l, or -1 (reported). */
int sc_rung_ref(sc_reader *r, const sal_ladder *l, const yd_node *n, const char *what);
extern const char *const SC_ROLE_NAMES[], *const SC_POSTURE_NAMES[];
extern const int SC_ROLE_VALUES[], SC_POSTURE_VALUES[];

/* scenario_policy.c: the events a policy records (before anything refers to
 * events), then the policy itself. */
void sc_policy_events(sc_reader *r, size_t i, const yd_node *v);
void sc_read_policy(sc_reader *r, size_t i, const yd_node *v);

char *sc_strdup_s(sc_reader *r, const char *s);

/* scenario.c: reads a whole file, but never more than YD_MAX_BYTES + 1 bytes
 * (refused with the line and column where the limit falls).  what: "scenario
 * file", "observations file" (for messages). */
int sc_read_file(const char *path, const char *what, sal_diags *diags, char **buf, size_t *len);

#endif

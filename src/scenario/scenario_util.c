/* The scenario reader: messages, scalars, growth of the model's arrays, name
 * lookups with did-you-mean, dates (see src/scenario/scenario_int.h). */
#include "scenario/scenario_int.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salient/date.h"
#include "salient/suggest.h"

const sc_range SC_ANY = {-INFINITY, INFINITY, "a number"};
const sc_range SC_NONNEG = {0, INFINITY, "a number >= 0"};
const sc_range SC_SHARE = {0, 1, "a share between 0 and 1"};
const sc_range SC_POS = {0x1p-1074, INFINITY, "a number > 0"};

/* ---- messages --------------------------------------------------------- */

void sc_err(sc_reader *r, const yd_node *at, const char *fmt, ...)
{
    r->errors++;
    if (r->errors > SC_MAX_ERRORS)
        return;
    if (r->errors == SC_MAX_ERRORS) {
        sal_diags_add(r->diags, r->file, 0, 0,
                      "too many errors; only the first %d are shown (fix these first)",
                      SC_MAX_ERRORS - 1);
        return;
    }
    char msg[1000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = at ? at->line : 0, col = at ? at->col : 0;
    if (r->variant)
        sal_diags_add(r->diags, r->file, line, col, "in variant '%s': %s", r->variant, msg);
    else
        sal_diags_add(r->diags, r->file, line, col, "%s", msg);
}

void sc_err_undefined(sc_reader *r, const yd_node *at, const char *what, const char *kind,
                      const char *name, const char *const *cands, size_t n, const char *hint)
{
    const char *s = cands ? sc_suggest(name, cands, n) : NULL;
    if (s)
        sc_err(r, at, "%s refers to %s '%s', which is not defined; did you mean '%s'?", what,
               kind, name, s);
    else
        sc_err(r, at, "%s refers to %s '%s', which is not defined; expected %s", what, kind, name,
               hint);
}

const char *sc_suggest(const char *word, const char *const *cands, size_t n)
{
    return sal_suggest(word, cands, n);
}

char *sc_strdup_s(sc_reader *r, const char *s)
{
    if (!s)
        return NULL;
    char *p = sal_strdup(s);
    if (!p)
        r->oom = 1;
    return p;
}

int sc_keys(sc_reader *r, const yd_node *map, const char *const *allowed, const char *where)
{
    if (!map || map->kind != YD_MAP)
        return 0;
    size_t na = 0;
    while (allowed[na])
        na++;
    int bad = 0;
    for (size_t i = 0; i < map->n; i++) {
        const yd_node *k = yd_key(map, i);
        size_t j;
        for (j = 0; j < na; j++)
            if (strcmp(k->str, allowed[j]) == 0)
                break;
        if (j < na)
            continue;
        bad = 1;
        const char *s = sc_suggest(k->str, allowed, na);
        if (s) {
            sc_err(r, k, "unknown key '%s' in %s; did you mean '%s'?", k->str, where, s);
        } else {
            char list[600];
            size_t o = 0;
            list[0] = '\0';
            for (j = 0; j < na && o < sizeof list; j++) {
                int w = snprintf(list + o, sizeof list - o, "%s%s", j ? ", " : "", allowed[j]);
                if (w < 0)
                    break;
                o += (size_t)w;
            }
            sc_err(r, k, "unknown key '%s' in %s; expected one of: %s", k->str, where, list);
        }
    }
    return bad ? -1 : 0;
}

int sc_is_map(sc_reader *r, const yd_node *n, const char *what)
{
    if (n && n->kind == YD_MAP)
        return 1;
    sc_err(r, n, "%s is %s; expected a mapping (key: value lines)", what, yd_describe(n));
    return 0;
}

int sc_is_list(sc_reader *r, const yd_node *n, const char *what)
{
    if (n && n->kind == YD_SEQ)
        return 1;
    sc_err(r, n, "%s is %s; expected a list ([a, b] or '- ' lines)", what, yd_describe(n));
    return 0;
}

int sc_str(sc_reader *r, const yd_node *n, const char *what, const char **out)
{
    if (!n || n->kind != YD_SCALAR || yd_is_null(n) || n->len == 0) {
        sc_err(r, n, "%s is %s; expected a string", what, yd_describe(n));
        return -1;
    }
    *out = n->str;
    return 0;
}

int sc_strdup(sc_reader *r, const yd_node *n, const char *what, char **out)
{
    const char *s;
    if (sc_str(r, n, what, &s) != 0)
        return -1;
    *out = sc_strdup_s(r, s);
    return *out ? 0 : -1;
}

int sc_bool(sc_reader *r, const yd_node *n, const char *what, int *out)
{
    if (n && n->kind == YD_SCALAR && !n->quoted) {
        if (strcmp(n->str, "true") == 0 || strcmp(n->str, "yes") == 0) {
            *out = 1;
            return 0;
        }
        if (strcmp(n->str, "false") == 0 || strcmp(n->str, "no") == 0) {
            *out = 0;
            return 0;
        }
    }
    if (n && n->kind == YD_SCALAR && !yd_is_null(n))
        sc_err(r, n, "%s is '%s'; expected true or false", what, n->str);
    else
        sc_err(r, n, "%s is %s; expected true or false", what, yd_describe(n));
    return -1;
}

/* A plain scalar that is a finite number ("12000", "1.5e-3", "12_000"). */
int sc_scalar_number(const yd_node *n, double *v)
{
    if (!n || n->kind != YD_SCALAR || n->quoted || n->len == 0 || n->len > 64)
        return -1;
    char buf[80];
    size_t o = 0;
    for (const char *p = n->str; *p; p++) {
        if (*p == '_')
            continue;
        if (!strchr("0123456789+-.eE", *p))
            return -1;
        buf[o++] = *p;
    }
    buf[o] = '\0';
    if (o == 0)
        return -1;
    char *end;
    errno = 0;
    double x = strtod(buf, &end);
    if (*end != '\0' || end == buf || !isfinite(x))
        return -1;
    *v = x;
    return 0;
}

void sc_not_a_number(sc_reader *r, const yd_node *n, const char *what, const char *expect)
{
    if (n && n->kind == YD_SCALAR && n->quoted && sc_scalar_number(&(yd_node){.kind = YD_SCALAR,
                                                                     .str = n->str,
                                                                     .len = n->len},
                                                           &(double){0}) == 0)
        sc_err(r, n, "%s is the quoted string \"%s\"; expected %s (write it without quotes)",
               what, n->str, expect);
    else if (n && n->kind == YD_SCALAR && !n->quoted && r->params && r->params->kind == YD_MAP &&
             yd_get(r->params, n->str))
        /* the reader can tell the fix: a parameter's name where its value is meant */
        sc_err(r, n, "%s is '%s', not a number; '%s' is a parameter: write {param: %s} to use "
                     "its value",
               what, n->str, n->str, n->str);
    else if (n && n->kind == YD_SCALAR && !yd_is_null(n))
        sc_err(r, n, "%s is '%s', not a number; expected %s", what, n->str, expect);
    else
        sc_err(r, n, "%s is %s; expected %s", what, yd_describe(n), expect);
}

int sc_int(sc_reader *r, const yd_node *n, const char *what, long lo, long hi, long *out)
{
    double v;
    char expect[96];
    snprintf(expect, sizeof expect, "a whole number from %ld to %ld", lo, hi);
    if (sc_scalar_number(n, &v) != 0) {
        sc_not_a_number(r, n, what, expect);
        return -1;
    }
    if (v != floor(v) || v < (double)lo || v > (double)hi) {
        sc_err(r, n, "%s is %.15g; expected %s", what, v, expect);
        return -1;
    }
    *out = (long)v;
    return 0;
}

/* ---- growth of the model's arrays -------------------------------------- */

static int grow(sc_reader *r, void **v, size_t *cap, size_t n, size_t size)
{
    if (sal_grow(v, cap, n, size, 16) != 0) {
        r->oom = 1;
        return -1;
    }
    return 0;
}

void sc_add_provenance(sc_reader *r, const char *path, sal_num num, const char *source,
                           int param, const yd_node *at)
{
    sal_model *m = r->m;
    if (grow(r, (void **)&m->provenance, &r->capprov, m->nprovenance, sizeof *m->provenance))
        return;
    sal_provenance *p = &m->provenance[m->nprovenance];
    memset(p, 0, sizeof *p);
    p->path = sc_strdup_s(r, path);
    p->source = sc_strdup_s(r, source);
    p->num = num;
    p->param = param;
    p->line = at ? at->line : 0;
    p->col = at ? at->col : 0;
    m->nprovenance++;
}

int sc_add_uncertain(sc_reader *r, const char *path, sal_dist *d, const char *source,
                         const yd_node *at)
{
    sal_model *m = r->m;
    if (grow(r, (void **)&m->uncertain, &r->capunc, m->nuncertain, sizeof *m->uncertain)) {
        sal_dist_clear(d);
        return -1;
    }
    sal_uncertain *u = &m->uncertain[m->nuncertain];
    memset(u, 0, sizeof *u);
    u->name = sc_strdup_s(r, path);
    u->source = sc_strdup_s(r, source);
    u->dist = *d;
    u->line = at ? at->line : 0;
    u->col = at ? at->col : 0;
    return (int)m->nuncertain++;
}

void sc_inherit_source(sc_reader *r, size_t from, const yd_node *map)
{
    const yd_node *src = map && map->kind == YD_MAP ? yd_get(map, "source") : NULL;
    if (!src || src->kind != YD_SCALAR || yd_is_null(src))
        return;
    for (size_t i = from; i < r->m->nprovenance; i++)
        if (!r->m->provenance[i].source)
            r->m->provenance[i].source = sc_strdup_s(r, src->str);
}

void sc_source_description(sc_reader *r, const yd_node *v, size_t eprov0, char **source)
{
    const yd_node *n = yd_get(v, "source");
    if (n)
        sc_strdup(r, n, "the source", source);
    sc_inherit_source(r, eprov0, v);
    if ((n = yd_get(v, "description")))
        sc_str(r, n, "the description", &(const char *){0});
}

int sc_add_event(sc_reader *r, const char *name)
{
    sal_model *m = r->m;
    int e = sc_event(m, name);
    if (e >= 0)
        return e;
    if (grow(r, (void **)&m->events, &r->capevents, m->nevents, sizeof *m->events))
        return -1;
    m->events[m->nevents] = sc_strdup_s(r, name);
    if (!m->events[m->nevents])
        return -1;
    return (int)m->nevents++;
}

/* ---- names and lookups ------------------------------------------------- */

#define FIND_IN(arr, count, nm)                                                \
    do {                                                                       \
        for (size_t i_ = 0; i_ < (count); i_++)                                \
            if ((arr)[i_].name && strcmp((arr)[i_].name, (nm)) == 0)           \
                return (int)i_;                                                \
        return -1;                                                             \
    } while (0)

int sc_actor(const sal_model *m, const char *name) { FIND_IN(m->actors, m->nactors, name); }
int sc_force(const sal_model *m, const char *name) { FIND_IN(m->forces, m->nforces, name); }
int sc_sector(const sal_model *m, const char *name) { FIND_IN(m->sectors, m->nsectors, name); }
int sc_pipeline(const sal_model *m, const char *name) { FIND_IN(m->pipelines, m->npipelines, name); }
int sc_treaty(const sal_model *m, const char *name) { FIND_IN(m->treaties, m->ntreaties, name); }
int sc_ladder(const sal_model *m, const char *name) { FIND_IN(m->ladders, m->nladders, name); }
int sc_param(const sal_model *m, const char *name) { FIND_IN(m->params, m->nparams, name); }
int sc_stock(const sal_actor *a, const char *name) { FIND_IN(a->stocks, a->nstocks, name); }

int sc_event(const sal_model *m, const char *name)
{
    for (size_t i = 0; i < m->nevents; i++)
        if (strcmp(m->events[i], name) == 0)
            return (int)i;
    return -1;
}

int sal_model_metric(const sal_model *m, const char *name)
{
    FIND_IN(m->metrics, m->nmetrics, name);
}

int sal_model_event(const sal_model *m, const char *name)
{
    return sc_event(m, name);
}

const char *sal_model_metric_near(const sal_model *m, const char *name)
{
    const char **c = calloc(m->nmetrics + 1, sizeof *c);
    if (!c)
        return NULL;
    for (size_t i = 0; i < m->nmetrics; i++)
        c[i] = m->metrics[i].name;
    const char *s = sal_suggest(name, c, m->nmetrics);
    free(c);
    return s;
}

int sc_side(const sal_model *m, const char *name)
{
    for (int s = 0; s < 2; s++)
        if (m->sides[s] && strcmp(m->sides[s], name) == 0)
            return s;
    return -1;
}

/* The names of a kind, for suggestions (malloc'd array of borrowed names). */
static const char **names_of(const sal_model *m, const char *kind, size_t *n)
{
    size_t cnt = 0;
    const char **v = NULL;
#define COLLECT(arr, count)                                                    \
    do {                                                                       \
        v = calloc((count) + 1, sizeof *v);                                 \
        for (size_t i_ = 0; v && i_ < (count); i_++)                           \
            if ((arr)[i_].name)                                                \
                v[cnt++] = (arr)[i_].name;                                     \
    } while (0)
    if (strcmp(kind, "actor") == 0)
        COLLECT(m->actors, m->nactors);
    else if (strcmp(kind, "force") == 0)
        COLLECT(m->forces, m->nforces);
    else if (strcmp(kind, "sector") == 0)
        COLLECT(m->sectors, m->nsectors);
    else if (strcmp(kind, "pipeline") == 0)
        COLLECT(m->pipelines, m->npipelines);
    else if (strcmp(kind, "treaty") == 0)
        COLLECT(m->treaties, m->ntreaties);
    else if (strcmp(kind, "ladder") == 0)
        COLLECT(m->ladders, m->nladders);
    else if (strcmp(kind, "parameter") == 0)
        COLLECT(m->params, m->nparams);
    else if (strcmp(kind, "event") == 0) {
        v = calloc(m->nevents + 1, sizeof *v);
        for (size_t i = 0; v && i < m->nevents; i++)
            v[cnt++] = m->events[i];
    } else if (strcmp(kind, "side") == 0) {
        v = calloc(3, sizeof *v);
        for (int s = 0; v && s < 2; s++)
            if (m->sides[s])
                v[cnt++] = m->sides[s];
    }
#undef COLLECT
    *n = cnt;
    return v;
}

static int lookup(const sal_model *m, const char *kind, const char *name)
{
    if (strcmp(kind, "actor") == 0) return sc_actor(m, name);
    if (strcmp(kind, "force") == 0) return sc_force(m, name);
    if (strcmp(kind, "sector") == 0) return sc_sector(m, name);
    if (strcmp(kind, "pipeline") == 0) return sc_pipeline(m, name);
    if (strcmp(kind, "treaty") == 0) return sc_treaty(m, name);
    if (strcmp(kind, "ladder") == 0) return sc_ladder(m, name);
    if (strcmp(kind, "parameter") == 0) return sc_param(m, name);
    if (strcmp(kind, "event") == 0) return sc_event(m, name);
    if (strcmp(kind, "side") == 0) return sc_side(m, name);
    return -1;
}

static const char *section_of(const char *kind)
{
    if (strcmp(kind, "actor") == 0) return "under 'actors:'";
    if (strcmp(kind, "force") == 0) return "under 'forces:'";
    if (strcmp(kind, "sector") == 0) return "under 'sectors:'";
    if (strcmp(kind, "pipeline") == 0) return "under 'pipelines:'";
    if (strcmp(kind, "treaty") == 0) return "under 'treaties:'";
    if (strcmp(kind, "ladder") == 0) return "under 'ladders:'";
    if (strcmp(kind, "parameter") == 0) return "under 'parameters:'";
    if (strcmp(kind, "side") == 0) return "in 'scenario: sides'";
    if (strcmp(kind, "event") == 0)
        return "that some policy, treaty or ladder records";
    return "defined";
}

unsigned sc_kind_bit(const char *kind)
{
    static const char *const K[] = {"actor", "force", "sector", "pipeline", "policy",
                                    "treaty", "ladder", "metric", "parameter", NULL};
    for (unsigned i = 0; K[i]; i++)
        if (strcmp(K[i], kind) == 0)
            return 1u << i;
    return 0;
}

int sc_ref(sc_reader *r, const yd_node *n, const char *what, const char *kind, int *idx)
{
    const char *name;
    *idx = -1;
    if (sc_str(r, n, what, &name) != 0)
        return -1;
    int i = lookup(r->m, kind, name);
    if (i >= 0) {
        *idx = i;
        return 0;
    }
    if ((strcmp(kind, "side") == 0 && r->bad_sides) || (r->bad_sections & sc_kind_bit(kind)))
        return -1; /* the definitions are broken, already reported */
    size_t nc;
    const char **c = names_of(r->m, kind, &nc);
    const char *s = c ? sc_suggest(name, c, nc) : NULL;
    if (s)
        sc_err(r, n, "%s refers to %s '%s', which is not defined; did you mean '%s'?", what, kind,
               name, s);
    else
        sc_err(r, n, "%s refers to %s '%s', which is not defined; expected the name of %s %s %s",
               what, kind, name, strchr("aeiou", kind[0]) ? "an" : "a", kind, section_of(kind));
    free(c);
    return -1;
}

int sc_stock_ref(sc_reader *r, const yd_node *n, const char *what, int *actor, int *stock)
{
    const char *s;
    *actor = *stock = -1;
    if (sc_str(r, n, what, &s) != 0)
        return -1;
    const char *dot = strchr(s, '.');
    if (!dot || dot == s || !dot[1] || strchr(dot + 1, '.')) {
        sc_err(r, n, "%s is '%s'; expected a stock written actor.stock (e.g. russia.shells)", what, s);
        return -1;
    }
    char an[SC_MAX_NAME * 2 + 2];
    size_t la = (size_t)(dot - s);
    if (la >= sizeof an) {
        sc_err(r, n, "%s: the actor name in '%s' is too long; expected an actor name", what, s);
        return -1;
    }
    memcpy(an, s, la);
    an[la] = '\0';
    int a = sc_actor(r->m, an);
    if (a < 0) {
        size_t nc;
        const char **c = names_of(r->m, "actor", &nc);
        sc_err_undefined(r, n, what, "actor", an, c, c ? nc : 0,
                         "actor.stock with an actor under 'actors:'");
        free(c);
        return -1;
    }
    const sal_actor *ac = &r->m->actors[a];
    int k = sc_stock(ac, dot + 1);
    if (k < 0) {
        const char **c = calloc(ac->nstocks + 1, sizeof *c);
        for (size_t i = 0; c && i < ac->nstocks; i++)
            c[i] = ac->stocks[i].name;
        const char *sg = c ? sc_suggest(dot + 1, c, ac->nstocks) : NULL;
        if (sg)
            sc_err(r, n, "%s refers to stock '%s' of actor '%s', which is not defined; did you mean "
                         "'%s'?",
                   what, dot + 1, an, sg);
        else
            sc_err(r, n, "%s refers to stock '%s' of actor '%s', which is not defined; expected a "
                         "stock under 'actors: %s: stocks:'",
                   what, dot + 1, an, an);
        free(c);
        return -1;
    }
    *actor = a;
    *stock = k;
    return 0;
}

/* ---- days and dates --------------------------------------------------- */

static long start_days(const sal_model *m)
{
    return sal_date_to_days(m->start_year, m->start_month, m->start_day);
}

int sc_day_of(sc_reader *r, const yd_node *map, const char *owner, int *day)
{
    const yd_node *dn = yd_get(map, "date"), *kn = yd_get(map, "day");
    if (dn && kn) {
        sc_err(r, kn, "%s has both 'date' and 'day'; expected one of them", owner);
        return -1;
    }
    const sal_model *m = r->m;
    char first[11], last[11];
    sal_date_format(start_days(m), first);
    sal_date_format(start_days(m) + m->horizon, last);
    if (dn) {
        int y, mo, d;
        char what[300];
        snprintf(what, sizeof what, "the date of %s", owner);
        if (dn->kind != YD_SCALAR || sal_date_parse(dn->str, &y, &mo, &d) != 0) {
            if (dn->kind == YD_SCALAR && !yd_is_null(dn))
                sc_err(r, dn, "%s is '%s', not a calendar date; expected YYYY-MM-DD from %s to %s",
                       what, dn->str, first, last);
            else
                sc_err(r, dn, "%s is %s; expected a date YYYY-MM-DD", what, yd_describe(dn));
            return -1;
        }
        long z = sal_date_to_days(y, mo, d) - start_days(m);
        if (r->bad_calendar) {
            *day = 0;
            return 1;
        }
        if (z < 0 || z > m->horizon) {
            sc_err(r, dn, "%s %s is %s the scenario (%s to %s); expected a date within it", what,
                   dn->str, z < 0 ? "before the start of" : "after the end of", first, last);
            return -1;
        }
        *day = (int)z;
        return 1;
    }
    if (kn) {
        long v;
        char what[300];
        snprintf(what, sizeof what, "the day of %s", owner);
        if (r->bad_calendar) {
            *day = 0;
            return 1;
        }
        if (sc_int(r, kn, what, 0, m->horizon, &v) != 0)
            return -1;
        *day = (int)v;
        return 1;
    }
    return 0;
}


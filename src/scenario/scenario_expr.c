/* The scenario reader: expressions, compiled with the state functions of
 * model.h (SAL_FN_*) and names resolved against the model with
 * did-you-mean (see docs/expressions.md). */
#include "scenario/scenario_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salient/expr.h"

/* ---- expressions ------------------------------------------------------ */

static const sal_expr_func HOST[] = {
    {"day", 0, SAL_FN_DAY, NULL},
    {"strength", 1, SAL_FN_STRENGTH, "force"},
    {"casualties", 1, SAL_FN_CASUALTIES, "force"},
    {"killed", 1, SAL_FN_KILLED, "force"},
    {"arrived", 1, SAL_FN_ARRIVED, "force"},
    {"ground", 1, SAL_FN_GROUND, "sector"},
    {"stock", 2, SAL_FN_STOCK, "actor, stock"},
    {"days_since", 1, SAL_FN_DAYS_SINCE, "event"},
    {"happened", 1, SAL_FN_HAPPENED, "event"},
    {"rung", 1, SAL_FN_RUNG, "ladder"},
    {"param", 1, SAL_FN_PARAM, "parameter"},
    {"side_strength", 2, SAL_FN_SIDE_STRENGTH, "sector, side"},
};

static const char *fn_kind(int id, int pos)
{
    switch (id) {
    case SAL_FN_STRENGTH:
    case SAL_FN_CASUALTIES:
    case SAL_FN_KILLED:
    case SAL_FN_ARRIVED: return "force";
    case SAL_FN_GROUND: return "sector";
    case SAL_FN_STOCK: return pos == 0 ? "actor" : "stock";
    case SAL_FN_DAYS_SINCE:
    case SAL_FN_HAPPENED: return "event";
    case SAL_FN_RUNG: return "ladder";
    case SAL_FN_PARAM: return "parameter";
    case SAL_FN_SIDE_STRENGTH: return pos == 0 ? "sector" : "side";
    }
    return "name";
}

/* A stock of the actor named just before (prev[0]), or -1 with why. */
static int resolve_stock(const sal_model *m, const char *name, const int *prev, char *why,
                         size_t whylen)
{
    const sal_actor *a = prev[0] >= 0 && (size_t)prev[0] < m->nactors ? &m->actors[prev[0]] : NULL;
    if (!a) {
        snprintf(why, whylen, "no actor for stock '%s'", name);
        return -1;
    }
    int idx = sc_stock(a, name);
    if (idx >= 0)
        return idx;
    const char **c = calloc(a->nstocks + 1, sizeof *c);
    size_t nc = 0;
    for (size_t i = 0; c && i < a->nstocks; i++)
        c[nc++] = a->stocks[i].name;
    const char *s = c ? sc_suggest(name, c, nc) : NULL;
    if (s)
        snprintf(why, whylen, "actor '%s' has no stock named '%s'; did you mean '%s'?", a->name,
                 name, s);
    else
        snprintf(why, whylen, "actor '%s' has no stock named '%s'", a->name, name);
    free(c);
    return -1;
}

/* The kind of entity other than kind that is named name ("actor" for
 * strength(ally) when ally is an actor), NULL when none is.  *example: a
 * name of the kind expected that belongs to it (an actor's force), or NULL. */
static const char *other_kind(const sal_model *m, const char *kind, const char *name,
                              const char **example)
{
    *example = NULL;
    for (size_t i = 0; strcmp(kind, "actor") != 0 && i < m->nactors; i++)
        if (m->actors[i].name && strcmp(m->actors[i].name, name) == 0) {
            for (size_t f = 0; strcmp(kind, "force") == 0 && f < m->nforces; f++)
                if (m->forces[f].owner == (int)i && m->forces[f].name && !*example)
                    *example = m->forces[f].name;
            return "actor";
        }
#define OTHER(k, arr, count)                                                   \
    for (size_t i = 0; strcmp(kind, k) != 0 && i < (count); i++)              \
        if ((arr)[i].name && strcmp((arr)[i].name, name) == 0)                 \
            return k;
    OTHER("force", m->forces, m->nforces)
    OTHER("sector", m->sectors, m->nsectors)
    OTHER("ladder", m->ladders, m->nladders)
    OTHER("parameter", m->params, m->nparams)
#undef OTHER
    if (strcmp(kind, "side") != 0 && sc_side(m, name) >= 0)
        return "side";
    return NULL;
}

/* "'ally' is an actor, not a force; expected a force such as 'ally-1' (a
 * force of actor 'ally')": the reader can tell what was meant. */
static int wrong_kind(const sal_model *m, const char *kind, const char *name, char *why,
                      size_t whylen)
{
    const char *ex, *other = other_kind(m, kind, name, &ex);
    if (!other)
        return 0;
    const char *an = strchr("aeiou", other[0]) ? "an" : "a";
    if (ex)
        snprintf(why, whylen, "'%s' is %s %s, not a %s; expected a %s such as '%s' (a %s of %s "
                              "'%s')",
                 name, an, other, kind, kind, ex, kind, other, name);
    else
        snprintf(why, whylen, "'%s' is %s %s, not a %s; expected the name of a %s", name, an,
                 other, kind, kind);
    return 1;
}

static int resolve(void *ctx, int id, int pos, const char *name, const int *prev, char *why,
                   size_t whylen)
{
    sc_reader *r = ctx;
    const sal_model *m = r->m;
    const char *kind = fn_kind(id, pos);
    const char **c = NULL;
    size_t nc = 0;
    int idx;
    if (strcmp(kind, "stock") == 0)
        return resolve_stock(m, name, prev, why, whylen);
#define TRY(cond, arr, count)                                                  \
    if (cond) {                                                                \
        for (size_t i = 0; i < (count); i++)                                   \
            if ((arr)[i].name && strcmp((arr)[i].name, name) == 0)             \
                return (int)i;                                                 \
        c = calloc((count) + 1, sizeof *c);                                 \
        for (size_t i = 0; c && i < (count); i++)                              \
            if ((arr)[i].name)                                                 \
                c[nc++] = (arr)[i].name;                                       \
    }
    TRY(strcmp(kind, "force") == 0, m->forces, m->nforces)
    else TRY(strcmp(kind, "sector") == 0, m->sectors, m->nsectors)
    else TRY(strcmp(kind, "actor") == 0, m->actors, m->nactors)
    else TRY(strcmp(kind, "ladder") == 0, m->ladders, m->nladders)
    else TRY(strcmp(kind, "parameter") == 0, m->params, m->nparams)
    else if (strcmp(kind, "event") == 0) {
        idx = sc_event(m, name);
        if (idx >= 0)
            return idx;
        c = calloc(m->nevents + 1, sizeof *c);
        for (size_t i = 0; c && i < m->nevents; i++)
            c[nc++] = m->events[i];
    } else if (strcmp(kind, "side") == 0) {
        idx = sc_side(m, name);
        if (idx >= 0)
            return idx;
        c = calloc(3, sizeof *c);
        for (int s = 0; c && s < 2; s++)
            if (m->sides[s])
                c[nc++] = m->sides[s];
    }
#undef TRY
    if (strcmp(kind, "event") != 0 && wrong_kind(m, kind, name, why, whylen)) {
        free(c); /* the name is of another kind: said so */
        return -1;
    }
    const char *s = c ? sc_suggest(name, c, nc) : NULL;
    const sal_treaty *t = NULL;
    for (size_t i = 0; strcmp(kind, "event") == 0 && i < m->ntreaties; i++)
        if (m->treaties[i].name && strcmp(m->treaties[i].name, name) == 0 &&
            m->treaties[i].event >= 0 &&
            (size_t)m->treaties[i].event < m->nevents)
            t = &m->treaties[i];
    if (t) /* a treaty is required by name but waited for by its event */
        snprintf(why, whylen, "no event named '%s'; treaty '%s' records the event '%s' when it "
                              "comes into force: expected that name",
                 name, name, m->events[t->event]);
    else if (s)
        snprintf(why, whylen, "no %s named '%s'; did you mean '%s'?", kind, name, s);
    else if (strcmp(kind, "event") == 0)
        snprintf(why, whylen, "no event named '%s'; expected an event that a policy, treaty or "
                              "ladder records",
                 name);
    else
        snprintf(why, whylen, "no %s named '%s'", kind, name);
    free(c);
    return -1;
}

/* Compiles a scalar as an expression; NULL (reported) on error. */
sal_expr *sc_compile(sc_reader *r, const yd_node *n, const char *what)
{
    if (!n)
        return NULL;
    if (n->kind != YD_SCALAR || yd_is_null(n)) {
        sc_err(r, n, "%s is %s; expected an expression such as \"day > 30\" or a number", what,
               yd_describe(n));
        return NULL;
    }
    sal_expr_host host = {HOST, sizeof HOST / sizeof HOST[0], resolve, r};
    sal_diags *tmp = sal_diags_alloc();
    if (!tmp) {
        r->oom = 1;
        return NULL;
    }
    int line = n->line, col = n->col;
    const char *text = n->str;
    if (n->raw) {
        text = n->raw;
        line = n->rline;
        col = n->rcol;
    } else if (n->style == 1 || n->style == 2) {
        col++;
    }
    sal_expr *e = NULL;
    int rc = sal_expr_compile(text, &host, r->file, line, col, tmp, &e);
    if (rc == SAL_ENOMEM)
        r->oom = 1;
    size_t k = sal_diags_count(tmp);
    for (size_t i = 0; i < k; i++) {
        const sal_diag *d = sal_diags_get(tmp, i);
        if (!d)
            continue;
        yd_node at = {.line = d->line, .col = d->col};
        sc_err(r, &at, "in %s: %s", what, d->message);
    }
    if (rc != SAL_OK && k == 0 && rc != SAL_ENOMEM)
        sc_err(r, n, "%s does not compile; expected a valid expression", what);
    sal_diags_free(tmp);
    return rc == SAL_OK ? e : NULL;
}


/* The scenario reader, part 2: the entity sections (actors, forces, sectors,
 * pipelines, policies, treaties, ladders, metrics), the expressions in them
 * and the cross-checks between entities (see docs/scenario.md). */
#include "scenario_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salient/expr.h"

/* ---- names ------------------------------------------------------------ */

static int name_ok(sc_reader *r, const yd_node *k, const char *kind)
{
    const char *s = k->str;
    size_t n = strlen(s);
    int ok = n > 0 && n <= SC_MAX_NAME &&
             ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'));
    for (size_t i = 0; ok && i < n; i++) {
        char c = s[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-';
    }
    if (!ok)
        sc_err(r, k, "'%s' is not a valid %s name; expected letters, digits, '_' and '-', "
                     "starting with a letter, at most %d characters",
               s, kind, SC_MAX_NAME);
    return ok;
}

/* The mapping of a section, or NULL when absent or wrong (reported). */
static const yd_node *section(sc_reader *r, const yd_node *root, const char *key,
                              const char *kind)
{
    const yd_node *v = yd_get(root, key);
    if (!v || yd_is_null(v))
        return NULL;
    if (v->kind != YD_MAP) {
        r->bad_sections |= sc_kind_bit(kind);
        sc_err(r, v, "the '%s' section is %s; expected a mapping of names to %s definitions "
                     "(name: {...})",
               key, yd_describe(v), kind);
        return NULL;
    }
    if (v->n > SC_MAX_ENTITIES) {
        r->bad_sections |= sc_kind_bit(kind);
        sc_err(r, v, "the '%s' section has %zu entries; expected at most %d", key, v->n,
               SC_MAX_ENTITIES);
        return NULL;
    }
    return v;
}

#define ALLOC_SECTION(sec, arr, count, nodes)                                  \
    do {                                                                       \
        size_t n_ = (sec) ? (sec)->n : 0;                                      \
        (arr) = calloc(n_ + 1, sizeof *(arr));                                 \
        (nodes) = calloc(n_ + 1, sizeof *(nodes));                             \
        if (!(arr) || !(nodes)) {                                              \
            r->oom = 1;                                                        \
            return;                                                            \
        }                                                                      \
        (count) = n_;                                                          \
        for (size_t i_ = 0; i_ < n_; i_++) {                                   \
            (nodes)[i_] = yd_val((sec), i_);                                   \
            if (name_ok(r, yd_key((sec), i_), kind_))                          \
                (arr)[i_].name = sc_strdup_s(r, yd_key((sec), i_)->str);       \
        }                                                                      \
    } while (0)

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

static int resolve(void *ctx, int id, int pos, const char *name, const int *prev, char *why,
                   size_t whylen)
{
    sc_reader *r = ctx;
    const sal_model *m = r->m;
    const char *kind = fn_kind(id, pos);
    const char **c = NULL;
    size_t nc = 0;
    int idx = -1;
    if (strcmp(kind, "stock") == 0) {
        const sal_actor *a = prev[0] >= 0 && (size_t)prev[0] < m->nactors ? &m->actors[prev[0]] : NULL;
        if (!a) {
            snprintf(why, whylen, "no actor for stock '%s'", name);
            return -1;
        }
        idx = sc_stock(a, name);
        if (idx >= 0)
            return idx;
        c = calloc(a->nstocks + 1, sizeof *c);
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
    const char *s = c ? sc_suggest(name, c, nc) : NULL;
    if (s)
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
static sal_expr *compile(sc_reader *r, const yd_node *n, const char *what)
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

/* ---- actors ----------------------------------------------------------- */

static void read_actor(sc_reader *r, size_t i, const yd_node *v)
{
    sal_actor *a = &r->m->actors[i];
    a->side = -1;
    char where[128], base[128];
    snprintf(where, sizeof where, "actor '%s'", a->name);
    snprintf(base, sizeof base, "actors.%s", a->name);
    if (yd_is_null(v))
        return; /* an actor with no side and no stocks */
    if (!sc_is_map(r, v, where))
        return;
    static const char *const K[] = {"side", "stocks", "description", NULL};
    sc_keys(r, v, K, where);
    const yd_node *n;
    if ((n = yd_get(v, "side"))) {
        char what[160];
        snprintf(what, sizeof what, "the side of %s", where);
        if (n->kind == YD_SCALAR && strcmp(n->str, "none") == 0)
            a->side = -1;
        else
            sc_ref(r, n, what, "side", &a->side);
    }
    if ((n = yd_get(v, "description")))
        sc_str(r, n, "the description", &(const char *){0});
    const yd_node *st = yd_get(v, "stocks");
    if (!st || yd_is_null(st))
        return;
    char what[160];
    snprintf(what, sizeof what, "the stocks of %s", where);
    if (!sc_is_map(r, st, what))
        return;
    if (st->n > SC_MAX_LIST) {
        sc_err(r, st, "%s: %zu stocks; expected at most %d", what, st->n, SC_MAX_LIST);
        return;
    }
    a->stocks = calloc(st->n + 1, sizeof *a->stocks);
    if (!a->stocks) {
        r->oom = 1;
        return;
    }
    a->nstocks = st->n;
    static const char *const SK[] = {"initial", "flow", "cap", "source", NULL};
    for (size_t j = 0; j < st->n; j++) {
        const yd_node *k = yd_key(st, j), *sv = yd_val(st, j);
        sal_stock *s = &a->stocks[j];
        s->initial = (sal_num){0, -1};
        s->flow = (sal_num){0, -1};
        s->cap = (sal_num){INFINITY, -1};
        if (!name_ok(r, k, "stock"))
            continue;
        s->name = sc_strdup_s(r, k->str);
        char sw[200], sb[200];
        snprintf(sw, sizeof sw, "stock '%s' of %s", k->str, where);
        snprintf(sb, sizeof sb, "%s.stocks.%s", base, k->str);
        int spec = sv->kind == YD_MAP &&
                   (yd_get(sv, "initial") || yd_get(sv, "flow") || yd_get(sv, "cap"));
        if (!spec) {
            char p2[220];
            snprintf(p2, sizeof p2, "%s.initial", sb);
            sc_num(r, sv, sw, p2, SC_NONNEG, &s->initial);
            continue;
        }
        sc_keys(r, sv, SK, sw);
        size_t prov0 = r->m->nprovenance;
        sc_field(r, sv, "initial", sw, sb, 0, SC_NONNEG, &s->initial);
        sc_field(r, sv, "flow", sw, sb, 0, SC_ANY, &s->flow);
        sc_field(r, sv, "cap", sw, sb, INFINITY, SC_NONNEG, &s->cap);
        const yd_node *src = yd_get(sv, "source");
        if (src && sc_str(r, src, "the source", &(const char *){0}) == 0)
            sc_inherit_source(r, prov0, sv);
        if (s->initial.u < 0 && s->cap.u < 0 && s->initial.value > s->cap.value)
            sc_err(r, yd_get(sv, "initial"), "the initial %g of %s is above its cap %g; expected "
                                             "initial <= cap",
                   s->initial.value, sw, s->cap.value);
    }
}

/* ---- forces ----------------------------------------------------------- */

static int enum_value(sc_reader *r, const yd_node *n, const char *what,
                      const char *const *names, const int *values)
{
    const char *s;
    if (sc_str(r, n, what, &s) != 0)
        return -1;
    size_t k = 0;
    for (; names[k]; k++)
        if (strcmp(names[k], s) == 0)
            return values[k];
    char list[200];
    size_t o = 0;
    list[0] = '\0';
    for (size_t j = 0; j < k && o < sizeof list; j++) {
        int w = snprintf(list + o, sizeof list - o, "%s%s", j ? ", " : "", names[j]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    const char *sg = sc_suggest(s, names, k);
    if (sg)
        sc_err(r, n, "%s is '%s'; did you mean '%s'?", what, s, sg);
    else
        sc_err(r, n, "%s is '%s'; expected one of: %s", what, s, list);
    return -1;
}

static const char *const ROLE_NAMES[] = {"assault", "defence", "defense", "support", NULL};
static const int ROLE_VALUES[] = {SAL_ROLE_ASSAULT, SAL_ROLE_DEFENCE, SAL_ROLE_DEFENCE,
                                  SAL_ROLE_SUPPORT};
static const char *const POSTURE_NAMES[] = {"attack", "hold", NULL};
static const int POSTURE_VALUES[] = {SAL_POSTURE_ATTACK, SAL_POSTURE_HOLD};

/* Default casualty exposure by role (docs/scenario.md). */
static double role_exposure(int role)
{
    switch (role) {
    case SAL_ROLE_ASSAULT: return 2.0;
    case SAL_ROLE_SUPPORT: return 0.25;
    default: return 1.0;
    }
}

static void read_arrivals(sc_reader *r, sal_force *f, const yd_node *list, const char *where,
                          const char *base)
{
    char what[200];
    snprintf(what, sizeof what, "the arrivals of %s", where);
    if (yd_is_null(list))
        return;
    if (!sc_is_list(r, list, what))
        return;
    if (list->n > SC_MAX_LIST) {
        sc_err(r, list, "%s: %zu tranches; expected at most %d", what, list->n, SC_MAX_LIST);
        return;
    }
    f->arrivals = calloc(list->n + 1, sizeof *f->arrivals);
    if (!f->arrivals) {
        r->oom = 1;
        return;
    }
    static const char *const K[] = {"size", "date", "day", "after", "delay", "source", NULL};
    for (size_t i = 0; i < list->n; i++) {
        const yd_node *t = list->kids[i];
        sal_tranche *tr = &f->arrivals[f->narrivals++];
        tr->size = (sal_num){0, -1};
        tr->delay = (sal_num){0, -1};
        tr->day = 0;
        tr->event = -1;
        char tw[260], tb[260];
        snprintf(tw, sizeof tw, "tranche %zu of %s", i + 1, where);
        snprintf(tb, sizeof tb, "%s.arrivals[%zu]", base, i + 1);
        if (!sc_is_map(r, t, tw))
            continue;
        sc_keys(r, t, K, tw);
        size_t prov0 = r->m->nprovenance;
        const yd_node *sz = yd_get(t, "size");
        if (!sz) {
            sc_err(r, t, "%s has no 'size'; expected the number of troops arriving", tw);
        } else {
            char sw[300], sp[300];
            snprintf(sw, sizeof sw, "the size of %s", tw);
            snprintf(sp, sizeof sp, "%s.size", tb);
            sc_num(r, sz, sw, sp, SC_NONNEG, &tr->size);
        }
        const yd_node *after = yd_get(t, "after");
        int got = sc_day_of(r, t, tw, &tr->day);
        if (after) {
            if (got != 0) {
                sc_err(r, after, "%s has both 'after' and a date or day; expected one of them", tw);
                continue;
            }
            char aw[300];
            snprintf(aw, sizeof aw, "'after' of %s", tw);
            sc_ref(r, after, aw, "event", &tr->event);
            tr->day = 0;
            sc_field(r, t, "delay", tw, tb, 0, SC_NONNEG, &tr->delay);
        } else if (got == 0) {
            sc_err(r, t, "%s has no 'date', 'day' or 'after'; expected when it arrives", tw);
        } else if (yd_get(t, "delay")) {
            sc_err(r, yd_get(t, "delay"), "%s has a 'delay' without 'after'; expected a delay only "
                                          "after an event",
                   tw);
        }
        const yd_node *src = yd_get(t, "source");
        if (src && sc_str(r, src, "the source", &(const char *){0}) == 0)
            sc_inherit_source(r, prov0, t);
    }
}

static void read_force(sc_reader *r, size_t i, const yd_node *v)
{
    sal_force *f = &r->m->forces[i];
    char where[128], base[128];
    snprintf(where, sizeof where, "force '%s'", f->name);
    snprintf(base, sizeof base, "forces.%s", f->name);
    f->owner = -1;
    f->sector = -1;
    f->role = SAL_ROLE_DEFENCE;
    f->supply_actor = f->supply_stock = -1;
    static const struct {
        const char *key;
        double def;
        const sc_range *range;
        size_t off;
    } NUMS[] = {
        {"strength", 0, &SC_NONNEG, offsetof(sal_force, strength)},
        {"experience", 0.5, &SC_SHARE, offsetof(sal_force, experience)},
        {"experience_max", 1, &SC_SHARE, offsetof(sal_force, experience_max)},
        {"learning_rate", 0, &SC_SHARE, offsetof(sal_force, learning_rate)},
        {"interoperability", 1, &SC_SHARE, offsetof(sal_force, interoperability)},
        {"multiplier", 1, &SC_NONNEG, offsetof(sal_force, multiplier)},
        {"killed_share", 0.25, &SC_SHARE, offsetof(sal_force, killed_share)},
        {"wounded_return", 0, &SC_SHARE, offsetof(sal_force, wounded_return)},
        {"return_delay", 30, &SC_NONNEG, offsetof(sal_force, return_delay)},
        {"break_point", 0, &SC_SHARE, offsetof(sal_force, break_point)},
        {"shells_per_day", 0, &SC_NONNEG, offsetof(sal_force, shells_per_day)},
    };
    for (size_t k = 0; k < sizeof NUMS / sizeof NUMS[0]; k++)
        *(sal_num *)((char *)f + NUMS[k].off) = (sal_num){NUMS[k].def, -1};
    f->exposure = (sal_num){1, -1};
    if (!sc_is_map(r, v, where))
        return;
    size_t eprov0 = r->m->nprovenance;
    static const char *const K[] = {"owner", "sector", "role", "strength", "arrivals",
                                    "experience", "experience_max", "learning_rate",
                                    "interoperability", "exposure", "multiplier",
                                    "killed_share", "wounded_return", "return_delay",
                                    "break_point", "munitions", "shells_per_day", "source",
                                    "description", NULL};
    sc_keys(r, v, K, where);
    const yd_node *n;
    char what[200];
    if (!(n = yd_get(v, "owner"))) {
        sc_err(r, v, "%s has no 'owner'; expected the actor it belongs to", where);
    } else {
        snprintf(what, sizeof what, "the owner of %s", where);
        sc_ref(r, n, what, "actor", &f->owner);
    }
    if ((n = yd_get(v, "sector")) && !yd_is_null(n) &&
        !(n->kind == YD_SCALAR && strcmp(n->str, "reserve") == 0)) {
        snprintf(what, sizeof what, "the sector of %s", where);
        sc_ref(r, n, what, "sector", &f->sector);
    }
    if ((n = yd_get(v, "role"))) {
        snprintf(what, sizeof what, "the role of %s", where);
        int ro = enum_value(r, n, what, ROLE_NAMES, ROLE_VALUES);
        if (ro >= 0)
            f->role = (sal_role)ro;
    }
    for (size_t k = 0; k < sizeof NUMS / sizeof NUMS[0]; k++)
        sc_field(r, v, NUMS[k].key, where, base, NUMS[k].def, *NUMS[k].range,
                 (sal_num *)((char *)f + NUMS[k].off));
    sc_field(r, v, "exposure", where, base, role_exposure((int)f->role), SC_NONNEG, &f->exposure);
    if ((n = yd_get(v, "arrivals")))
        read_arrivals(r, f, n, where, base);
    if ((n = yd_get(v, "munitions"))) {
        snprintf(what, sizeof what, "the munitions of %s", where);
        sc_stock_ref(r, n, what, &f->supply_actor, &f->supply_stock);
    } else if ((n = yd_get(v, "shells_per_day"))) {
        sc_err(r, n, "%s has 'shells_per_day' but no 'munitions'; expected 'munitions: actor.stock' "
                     "naming the stock it draws from",
               where);
    }
    if ((n = yd_get(v, "source")))
        sc_strdup(r, n, "the source", &f->source);
    if (n && n->kind == YD_SCALAR && !yd_is_null(n))
        sc_inherit_source(r, eprov0, v);
    if ((n = yd_get(v, "description")))
        sc_str(r, n, "the description", &(const char *){0});
    if (f->experience.u < 0 && f->experience_max.u < 0 &&
        f->experience.value > f->experience_max.value)
        sc_err(r, yd_get(v, "experience") ? yd_get(v, "experience") : v,
               "the experience %g of %s is above its experience_max %g; expected experience <= "
               "experience_max",
               f->experience.value, where, f->experience_max.value);
}

/* ---- sectors ---------------------------------------------------------- */

/* A mapping from side names to values: calls fn for each side given. */
static int per_side(sc_reader *r, const yd_node *n, const char *what, const yd_node *out[2])
{
    out[0] = out[1] = NULL;
    if (!sc_is_map(r, n, what))
        return -1;
    for (size_t i = 0; i < n->n; i++) {
        const yd_node *k = yd_key(n, i);
        int s = -1;
        char w[260];
        snprintf(w, sizeof w, "a key of %s", what);
        if (sc_ref(r, k, w, "side", &s) == 0)
            out[s] = yd_val(n, i);
    }
    return 0;
}

static void read_sector(sc_reader *r, size_t i, const yd_node *v)
{
    sal_model *m = r->m;
    sal_sector *s = &m->sectors[i];
    char where[128], base[128], what[260];
    snprintf(where, sizeof where, "sector '%s'", s->name);
    snprintf(base, sizeof base, "sectors.%s", s->name);
    s->p = (sal_num){1, -1};
    s->q = (sal_num){0, -1};
    s->coeff[0] = s->coeff[1] = (sal_num){0, -1};
    s->intensity = (sal_num){1, -1};
    s->defence = (sal_num){1, -1};
    s->hold_intensity = (sal_num){0.2, -1};
    s->posture[0] = s->posture[1] = SAL_POSTURE_HOLD;
    s->noise = 1;
    s->dispersion = (sal_num){10, -1};
    s->fire_floor = (sal_num){0.3, -1};
    s->holder = 1;
    s->ground = (sal_num){0, -1};
    s->ground_max = (sal_num){0, -1};
    s->advance_rate = (sal_num){0, -1};
    s->ratio_threshold = (sal_num){1, -1};
    if (!sc_is_map(r, v, where))
        return;
    size_t eprov0 = r->m->nprovenance;
    static const char *const K[] = {"posture", "attrition", "intensity", "defence",
                                    "hold_intensity", "fire_floor", "ground", "source",
                                    "description", NULL};
    sc_keys(r, v, K, where);
    const yd_node *n, *sv[2];
    if ((n = yd_get(v, "posture"))) {
        snprintf(what, sizeof what, "the posture of %s", where);
        if (per_side(r, n, what, sv) == 0)
            for (int k = 0; k < 2; k++)
                if (sv[k]) {
                    char w[300];
                    snprintf(w, sizeof w, "the posture of side '%s' in %s", m->sides[k], where);
                    int p = enum_value(r, sv[k], w, POSTURE_NAMES, POSTURE_VALUES);
                    if (p >= 0)
                        s->posture[k] = (sal_posture)p;
                }
    }
    sc_field(r, v, "intensity", where, base, 1, SC_NONNEG, &s->intensity);
    sc_field(r, v, "defence", where, base, 1, SC_NONNEG, &s->defence);
    sc_field(r, v, "hold_intensity", where, base, 0.2, SC_NONNEG, &s->hold_intensity);
    sc_field(r, v, "fire_floor", where, base, 0.3, SC_SHARE, &s->fire_floor);
    const yd_node *a = yd_get(v, "attrition");
    snprintf(what, sizeof what, "the attrition of %s", where);
    if (!a) {
        sc_err(r, v, "%s has no 'attrition'; expected 'attrition:' with at least 'coefficients' "
                     "per side",
               where);
    } else if (sc_is_map(r, a, what)) {
        static const char *const AK[] = {"law", "p", "q", "coefficients", "noise", "dispersion",
                                         NULL};
        sc_keys(r, a, AK, what);
        char ab[160];
        snprintf(ab, sizeof ab, "%s.attrition", base);
        if ((n = yd_get(a, "law"))) {
            static const char *const LAWS[] = {"square", "linear", "logarithmic", NULL};
            static const int LV[] = {0, 1, 2};
            char w[300];
            snprintf(w, sizeof w, "the law of %s", what);
            int law = enum_value(r, n, w, LAWS, LV);
            if (law == 1)
                s->p = s->q = (sal_num){1, -1};
            else if (law == 2)
                s->p = (sal_num){0, -1}, s->q = (sal_num){1, -1};
        }
        sal_num p = s->p, q = s->q;
        sc_field(r, a, "p", what, ab, p.value, SC_NONNEG, &s->p);
        sc_field(r, a, "q", what, ab, q.value, SC_NONNEG, &s->q);
        const yd_node *c = yd_get(a, "coefficients");
        char cw[300];
        snprintf(cw, sizeof cw, "the coefficients of %s", what);
        if (!c) {
            sc_err(r, a, "%s has no 'coefficients'; expected the attrition coefficient of each side, "
                         "e.g. coefficients: {%s: 0.0001, %s: 0.0001}",
                   what, m->sides[0] ? m->sides[0] : "a", m->sides[1] ? m->sides[1] : "b");
        } else if (per_side(r, c, cw, sv) == 0) {
            for (int k = 0; k < 2; k++) {
                if (!sv[k]) {
                    if (m->sides[k] && !r->bad_sides)
                        sc_err(r, c, "%s lack side '%s'; expected a coefficient for each side", cw,
                               m->sides[k]);
                    continue;
                }
                char w[300], pth[300];
                snprintf(w, sizeof w, "the coefficient of side '%s' in %s", m->sides[k], where);
                snprintf(pth, sizeof pth, "%s.coefficients.%s", ab, m->sides[k]);
                sc_num(r, sv[k], w, pth, SC_NONNEG, &s->coeff[k]);
            }
        }
        if ((n = yd_get(a, "noise"))) {
            static const char *const NZ[] = {"none", "poisson", "negbin", NULL};
            static const int NV[] = {0, 1, 2};
            char w[300];
            snprintf(w, sizeof w, "the noise of %s", what);
            int z = enum_value(r, n, w, NZ, NV);
            if (z >= 0)
                s->noise = z;
        }
        sc_field(r, a, "dispersion", what, ab, 10, SC_POS, &s->dispersion);
        if (yd_get(a, "dispersion") && s->noise != 2)
            sc_err(r, yd_get(a, "dispersion"), "%s has a 'dispersion' but its noise is not negbin; "
                                               "expected 'noise: negbin' with a dispersion",
                   what);
    }
    const yd_node *g = yd_get(v, "ground");
    if (g) {
        snprintf(what, sizeof what, "the ground of %s", where);
        if (sc_is_map(r, g, what)) {
            static const char *const GK[] = {"holder", "held", "contested", "advance_rate",
                                             "ratio_threshold", "source", NULL};
            sc_keys(r, g, GK, what);
            size_t gprov0 = r->m->nprovenance;
            char gb[160];
            snprintf(gb, sizeof gb, "%s.ground", base);
            if (!(n = yd_get(g, "holder"))) {
                sc_err(r, g, "%s has no 'holder'; expected the side that holds the contested "
                             "ground on day 0",
                       what);
            } else {
                char w[300];
                snprintf(w, sizeof w, "the holder of %s", what);
                sc_ref(r, n, w, "side", &s->holder);
                if (s->holder < 0)
                    s->holder = 1;
            }
            if (!yd_get(g, "contested"))
                sc_err(r, g, "%s has no 'contested'; expected the km2 contested in all", what);
            sc_field(r, g, "contested", what, gb, 0, SC_NONNEG, &s->ground_max);
            sc_field(r, g, "held", what, gb, s->ground_max.value, SC_NONNEG, &s->ground);
            if (!yd_get(g, "held"))
                s->ground = s->ground_max; /* all of it, the same draw */
            sc_field(r, g, "advance_rate", what, gb, 0, SC_NONNEG, &s->advance_rate);
            sc_field(r, g, "ratio_threshold", what, gb, 1, SC_NONNEG, &s->ratio_threshold);
            if (yd_get(g, "contested") && s->ground.u < 0 && s->ground_max.u < 0 &&
                s->ground.value > s->ground_max.value)
                sc_err(r, yd_get(g, "held"), "%s: %g km2 held is more than the %g km2 contested; "
                                             "expected held <= contested",
                       what, s->ground.value, s->ground_max.value);
            const yd_node *src = yd_get(g, "source");
            if (src && sc_str(r, src, "the source", &(const char *){0}) == 0)
                sc_inherit_source(r, gprov0, g);
        }
    }
    if ((n = yd_get(v, "source")))
        sc_strdup(r, n, "the source", &s->source);
    if (n && n->kind == YD_SCALAR && !yd_is_null(n))
        sc_inherit_source(r, eprov0, v);
    if ((n = yd_get(v, "description")))
        sc_str(r, n, "the description", &(const char *){0});
}

/* ---- pipelines -------------------------------------------------------- */

static void read_pipeline(sc_reader *r, size_t i, const yd_node *v)
{
    sal_model *m = r->m;
    sal_pipeline *p = &m->pipelines[i];
    char where[128], base[128], what[260];
    snprintf(where, sizeof where, "pipeline '%s'", p->name);
    snprintf(base, sizeof base, "pipelines.%s", p->name);
    p->from_actor = p->from_stock = p->to_actor = p->to_stock = p->to_force = -1;
    p->rate = (sal_num){0, -1};
    p->delay = (sal_num){0, -1};
    if (!sc_is_map(r, v, where))
        return;
    size_t eprov0 = r->m->nprovenance;
    static const char *const K[] = {"from", "to", "rate", "delay", "when", "source",
                                    "description", NULL};
    sc_keys(r, v, K, where);
    const yd_node *n;
    if ((n = yd_get(v, "from")) && !yd_is_null(n)) {
        snprintf(what, sizeof what, "'from' of %s", where);
        sc_stock_ref(r, n, what, &p->from_actor, &p->from_stock);
    }
    if (!(n = yd_get(v, "to"))) {
        sc_err(r, v, "%s has no 'to'; expected an actor stock (actor.stock) or a force", where);
    } else {
        snprintf(what, sizeof what, "'to' of %s", where);
        if (n->kind == YD_SCALAR && strchr(n->str, '.'))
            sc_stock_ref(r, n, what, &p->to_actor, &p->to_stock);
        else
            sc_ref(r, n, what, "force", &p->to_force);
    }
    if (!yd_get(v, "rate"))
        sc_err(r, v, "%s has no 'rate'; expected the amount moved per day", where);
    sc_field(r, v, "rate", where, base, 0, SC_NONNEG, &p->rate);
    sc_field(r, v, "delay", where, base, 0, SC_NONNEG, &p->delay);
    if ((n = yd_get(v, "source")))
        sc_strdup(r, n, "the source", &p->source);
    if (n && n->kind == YD_SCALAR && !yd_is_null(n))
        sc_inherit_source(r, eprov0, v);
    if ((n = yd_get(v, "description")))
        sc_str(r, n, "the description", &(const char *){0});
    if (p->from_actor >= 0 && p->from_actor == p->to_actor && p->from_stock == p->to_stock)
        sc_err(r, yd_get(v, "to"), "%s moves a stock into itself; expected different 'from' and 'to'",
               where);
}

/* ---- treaties and ladders --------------------------------------------- */

static void read_treaty_events(sc_reader *r, size_t i, const yd_node *v)
{
    sal_treaty *t = &r->m->treaties[i];
    t->event = -1;
    if (!t->name || !v || v->kind != YD_MAP)
        return;
    const yd_node *e = yd_get(v, "event");
    const char *name = t->name;
    if (e) {
        if (e->kind != YD_SCALAR || yd_is_null(e) || !name_ok(r, e, "event"))
            return;
        name = e->str;
    }
    t->event = sc_add_event(r, name);
}

static void read_treaty(sc_reader *r, size_t i, const yd_node *v)
{
    sal_treaty *t = &r->m->treaties[i];
    char where[128], what[260];
    snprintf(where, sizeof where, "treaty '%s'", t->name);
    if (!sc_is_map(r, v, where))
        return;
    static const char *const K[] = {"parties", "trigger", "event", "source", "description", NULL};
    sc_keys(r, v, K, where);
    const yd_node *n;
    if (!(n = yd_get(v, "parties"))) {
        sc_err(r, v, "%s has no 'parties'; expected the list of actors bound by it", where);
    } else {
        snprintf(what, sizeof what, "the parties of %s", where);
        if (sc_is_list(r, n, what)) {
            if (n->n == 0 || n->n > SC_MAX_LIST) {
                sc_err(r, n, "%s: %zu parties; expected at least one", what, n->n);
            } else {
                t->parties = calloc(n->n, sizeof *t->parties);
                if (!t->parties) {
                    r->oom = 1;
                    return;
                }
                for (size_t j = 0; j < n->n; j++) {
                    int a;
                    if (sc_ref(r, n->kids[j], what, "actor", &a) != 0)
                        continue;
                    for (size_t q = 0; q < t->nparties; q++)
                        if (t->parties[q] == a)
                            sc_err(r, n->kids[j], "%s names '%s' twice; expected each party once",
                                   what, n->kids[j]->str);
                    t->parties[t->nparties++] = a;
                }
            }
        }
    }
    if (!yd_get(v, "trigger"))
        sc_err(r, v, "%s has no 'trigger'; expected an expression saying when it comes into force "
                     "(\"true\" if it is in force from the start)",
               where);
    if ((n = yd_get(v, "source")))
        sc_strdup(r, n, "the source", &t->source);
    if ((n = yd_get(v, "description")))
        sc_str(r, n, "the description", &(const char *){0});
}

static void read_ladder_rungs(sc_reader *r, size_t i, const yd_node *v)
{
    sal_ladder *l = &r->m->ladders[i];
    char where[128], what[260];
    snprintf(where, sizeof where, "ladder '%s'", l->name);
    l->actors[0] = l->actors[1] = -1;
    if (!sc_is_map(r, v, where))
        return;
    const yd_node *n = yd_get(v, "rungs");
    if (!n) {
        sc_err(r, v, "%s has no 'rungs'; expected the ordered list of its rungs", where);
        return;
    }
    snprintf(what, sizeof what, "the rungs of %s", where);
    if (!sc_is_list(r, n, what))
        return;
    if (n->n < 2 || n->n > SC_MAX_LIST) {
        sc_err(r, n, "%s: %zu rungs; expected at least 2 (the starting state and a step up)", what,
               n->n);
        return;
    }
    l->rungs = calloc(n->n, sizeof *l->rungs);
    l->rung_events = calloc(n->n, sizeof *l->rung_events);
    if (!l->rungs || !l->rung_events) {
        r->oom = 1;
        return;
    }
    for (size_t j = 0; j < n->n; j++) {
        const yd_node *k = n->kids[j];
        l->rung_events[j] = -1;
        if (k->kind != YD_SCALAR || yd_is_null(k)) {
            sc_err(r, k, "rung %zu of %s is %s; expected a rung name", j + 1, where, yd_describe(k));
            continue;
        }
        if (!name_ok(r, k, "rung"))
            continue;
        for (size_t q = 0; q < l->nrungs; q++)
            if (l->rungs[q] && strcmp(l->rungs[q], k->str) == 0)
                sc_err(r, k, "%s names rung '%s' twice; expected each rung once", where, k->str);
        l->rungs[l->nrungs] = sc_strdup_s(r, k->str);
        if (l->name) {
            char ev[2 * SC_MAX_NAME + 2];
            snprintf(ev, sizeof ev, "%s.%s", l->name, k->str);
            l->rung_events[l->nrungs] = sc_add_event(r, ev);
        }
        l->nrungs++;
    }
}

static int rung_index(const sal_ladder *l, const char *s)
{
    for (size_t j = 0; j < l->nrungs; j++)
        if (l->rungs[j] && strcmp(l->rungs[j], s) == 0)
            return (int)j;
    return -1;
}

static int rung_ref(sc_reader *r, const sal_ladder *l, const yd_node *n, const char *what)
{
    const char *s;
    if (sc_str(r, n, what, &s) != 0)
        return -1;
    int k = rung_index(l, s);
    if (k >= 0)
        return k;
    if (l->nrungs == 0)
        return -1; /* the rungs are broken, already reported */
    const char *sg = sc_suggest(s, (const char *const *)l->rungs, l->nrungs);
    if (sg)
        sc_err(r, n, "%s refers to rung '%s', which ladder '%s' does not have; did you mean '%s'?",
               what, s, l->name, sg);
    else
        sc_err(r, n, "%s refers to rung '%s', which ladder '%s' does not have; expected one of its "
                     "rungs",
               what, s, l->name);
    return -1;
}

static void read_ladder(sc_reader *r, size_t i, const yd_node *v)
{
    sal_ladder *l = &r->m->ladders[i];
    char where[128], what[260];
    snprintf(where, sizeof where, "ladder '%s'", l->name);
    if (!v || v->kind != YD_MAP)
        return; /* reported with the rungs */
    static const char *const K[] = {"actors", "rungs", "initial", "source", "description", NULL};
    sc_keys(r, v, K, where);
    const yd_node *n;
    if ((n = yd_get(v, "actors"))) {
        snprintf(what, sizeof what, "the actors of %s", where);
        if (sc_is_list(r, n, what)) {
            if (n->n < 1 || n->n > 2)
                sc_err(r, n, "%s: %zu actors; expected one actor or a dyad of two", what, n->n);
            else
                for (size_t j = 0; j < n->n; j++)
                    sc_ref(r, n->kids[j], what, "actor", &l->actors[j]);
        }
    }
    l->initial = 0;
    if ((n = yd_get(v, "initial")) && l->nrungs > 0) {
        snprintf(what, sizeof what, "the initial rung of %s", where);
        int k = rung_ref(r, l, n, what);
        if (k >= 0)
            l->initial = k;
    }
    if ((n = yd_get(v, "source")))
        sc_strdup(r, n, "the source", &l->source);
    if ((n = yd_get(v, "description")))
        sc_str(r, n, "the description", &(const char *){0});
}

/* ---- policies --------------------------------------------------------- */

static const char *const ACTION_KEYS[] = {"deploy", "move", "set", "transfer", "escalate",
                                          "event", NULL};

/* Registers the events policies record: their own name and every `event:`
 * action (before expressions and tranches refer to them). */
static void policy_events(sc_reader *r, size_t i, const yd_node *v)
{
    sal_policy *p = &r->m->policies[i];
    if (p->name)
        sc_add_event(r, p->name);
    if (!v || v->kind != YD_MAP)
        return;
    const yd_node *acts = yd_get(v, "actions");
    if (!acts || acts->kind != YD_SEQ)
        return;
    for (size_t j = 0; j < acts->n; j++) {
        const yd_node *e = yd_get(acts->kids[j], "event");
        if (e && e->kind == YD_SCALAR && !yd_is_null(e) && e->str[0] && name_ok(r, e, "event"))
            sc_add_event(r, e->str);
    }
}

static sal_expr *const_expr(sc_reader *r, int value, const yd_node *at, const char *what)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%d", value);
    yd_node n = *at;
    n.str = buf;
    n.len = strlen(buf);
    n.style = 0;
    return compile(r, &n, what);
}

static void read_set(sc_reader *r, sal_action *a, const yd_node *b, const char *aw)
{
    static const char *const K[] = {"force", "sector", "pipeline", "param", "field", "side",
                                    "value", NULL};
    sc_keys(r, b, K, aw);
    const char *targets[] = {"force", "sector", "pipeline", "param"};
    const yd_node *tn = NULL;
    int tk = -1;
    for (int k = 0; k < 4; k++) {
        const yd_node *x = yd_get(b, targets[k]);
        if (!x)
            continue;
        if (tn) {
            sc_err(r, x, "%s names both a %s and a %s; expected one target", aw, targets[tk],
                   targets[k]);
            return;
        }
        tn = x;
        tk = k;
    }
    if (!tn) {
        sc_err(r, b, "%s has no target; expected one of force, sector, pipeline or param", aw);
        return;
    }
    const yd_node *fn = yd_get(b, "field"), *vn = yd_get(b, "value"), *sn = yd_get(b, "side");
    char w[300];
    snprintf(w, sizeof w, "the %s of %s", targets[tk], aw);
    const char *field = fn && fn->kind == YD_SCALAR ? fn->str : NULL;
    if (fn && !field) {
        sc_err(r, fn, "the field of %s is %s; expected a field name", aw, yd_describe(fn));
        return;
    }
    int is_enum = 0;
    const char *const *enames = NULL;
    const int *evals = NULL;
    int need_side = 0;
    switch (tk) {
    case 0: {
        sc_ref(r, tn, w, "force", &a->force);
        static const char *const F[] = {"multiplier", "role", "exposure", "interoperability", NULL};
        static const sal_field FV[] = {SAL_FIELD_FORCE_MULTIPLIER, SAL_FIELD_FORCE_ROLE,
                                       SAL_FIELD_FORCE_EXPOSURE, SAL_FIELD_FORCE_INTEROPERABILITY};
        if (!fn) {
            sc_err(r, b, "%s has no 'field'; expected one of multiplier, role, exposure, "
                         "interoperability",
                   aw);
            return;
        }
        int k = enum_value(r, fn, "the field of a force", F, (const int[]){0, 1, 2, 3});
        if (k < 0)
            return;
        a->field = FV[k];
        if (k == 1) {
            is_enum = 1;
            enames = ROLE_NAMES;
            evals = ROLE_VALUES;
        }
        break;
    }
    case 1: {
        sc_ref(r, tn, w, "sector", &a->sector);
        static const char *const F[] = {"intensity", "defence", "posture", "coefficient", NULL};
        static const sal_field FV[] = {SAL_FIELD_SECTOR_INTENSITY, SAL_FIELD_SECTOR_DEFENCE,
                                       SAL_FIELD_SECTOR_POSTURE, SAL_FIELD_SECTOR_COEFF};
        if (!fn) {
            sc_err(r, b, "%s has no 'field'; expected one of intensity, defence, posture, "
                         "coefficient",
                   aw);
            return;
        }
        int k = enum_value(r, fn, "the field of a sector", F, (const int[]){0, 1, 2, 3});
        if (k < 0)
            return;
        a->field = FV[k];
        need_side = k >= 2;
        if (k == 2) {
            is_enum = 1;
            enames = POSTURE_NAMES;
            evals = POSTURE_VALUES;
        }
        break;
    }
    case 2:
        sc_ref(r, tn, w, "pipeline", &a->pipeline);
        a->field = SAL_FIELD_PIPELINE_RATE;
        if (fn && strcmp(field, "rate") != 0) {
            sc_err(r, fn, "the field of a pipeline is '%s'; expected rate", field);
            return;
        }
        break;
    case 3:
        sc_ref(r, tn, w, "parameter", &a->param);
        a->field = SAL_FIELD_PARAM;
        if (fn && strcmp(field, "value") != 0) {
            sc_err(r, fn, "a parameter has no field '%s'; expected no 'field' (or field: value)",
                   field);
            return;
        }
        break;
    }
    if (need_side) {
        if (!sn) {
            sc_err(r, b, "%s sets a sector's %s without 'side'; expected the side it applies to",
                   aw, field);
        } else {
            char sw[300];
            snprintf(sw, sizeof sw, "the side of %s", aw);
            sc_ref(r, sn, sw, "side", &a->side);
        }
    } else if (sn) {
        sc_err(r, sn, "%s has a 'side' that field '%s' does not use; expected no side", aw,
               field ? field : "value");
    }
    if (!vn) {
        sc_err(r, b, "%s has no 'value'; expected the new value", aw);
        return;
    }
    char vw[300];
    snprintf(vw, sizeof vw, "the value of %s", aw);
    if (is_enum) {
        int ev = enum_value(r, vn, vw, enames, evals);
        if (ev >= 0)
            a->amount = const_expr(r, ev, vn, vw);
    } else {
        a->amount = compile(r, vn, vw);
    }
}

static void read_action(sc_reader *r, sal_policy *p, size_t j, const yd_node *x, const char *where)
{
    sal_model *m = r->m;
    sal_action *a = &p->actions[p->nactions++];
    memset(a, 0, sizeof *a);
    a->force = a->force2 = a->actor = a->stock = a->actor2 = a->stock2 = -1;
    a->sector = a->side = a->pipeline = a->param = a->ladder = a->rung = a->event = -1;
    char aw[260];
    snprintf(aw, sizeof aw, "action %zu of %s", j + 1, where);
    if (!x || x->kind != YD_MAP || x->n != 1) {
        if (x && x->kind == YD_MAP)
            sc_err(r, x, "%s has %zu keys; expected one action per list item, e.g. "
                         "- deploy: {force: F, amount: N}",
                   aw, x->n);
        else
            sc_err(r, x, "%s is %s; expected a mapping such as - deploy: {force: F, amount: N}", aw,
                   yd_describe(x));
        a->kind = SAL_ACT_EVENT;
        return;
    }
    const yd_node *k = yd_key(x, 0), *b = yd_val(x, 0);
    static const sal_action_kind KV[] = {SAL_ACT_DEPLOY, SAL_ACT_MOVE, SAL_ACT_SET,
                                         SAL_ACT_TRANSFER, SAL_ACT_ESCALATE, SAL_ACT_EVENT};
    int kind = -1;
    for (int q = 0; ACTION_KEYS[q]; q++)
        if (strcmp(k->str, ACTION_KEYS[q]) == 0)
            kind = q;
    if (kind < 0) {
        const char *sg = sc_suggest(k->str, ACTION_KEYS, 6);
        if (sg)
            sc_err(r, k, "unknown action '%s' in %s; did you mean '%s'?", k->str, where, sg);
        else
            sc_err(r, k, "unknown action '%s' in %s; expected one of: deploy, move, set, transfer, "
                         "escalate, event",
                   k->str, where);
        a->kind = SAL_ACT_EVENT;
        return;
    }
    a->kind = KV[kind];
    snprintf(aw, sizeof aw, "action %zu (%s) of %s", j + 1, k->str, where);
    char w[300];
    if (a->kind == SAL_ACT_EVENT) {
        if (b->kind == YD_SCALAR && !yd_is_null(b) && b->str[0] && sc_event(m, b->str) >= 0)
            a->event = sc_event(m, b->str);
        else if (b->kind != YD_SCALAR || yd_is_null(b))
            sc_err(r, b, "%s is %s; expected an event name", aw, yd_describe(b));
        return; /* a bad name was reported when events were collected */
    }
    if (!sc_is_map(r, b, aw))
        return;
    const yd_node *n;
    switch (a->kind) {
    case SAL_ACT_DEPLOY: {
        static const char *const K[] = {"force", "amount", "from", NULL};
        sc_keys(r, b, K, aw);
        snprintf(w, sizeof w, "the force of %s", aw);
        if (!(n = yd_get(b, "force")))
            sc_err(r, b, "%s has no 'force'; expected the force that receives the troops", aw);
        else
            sc_ref(r, n, w, "force", &a->force);
        if ((n = yd_get(b, "from"))) {
            snprintf(w, sizeof w, "'from' of %s", aw);
            sc_stock_ref(r, n, w, &a->actor, &a->stock);
        }
        break;
    }
    case SAL_ACT_MOVE: {
        static const char *const K[] = {"from", "to", "amount", NULL};
        sc_keys(r, b, K, aw);
        snprintf(w, sizeof w, "'from' of %s", aw);
        if (!(n = yd_get(b, "from")))
            sc_err(r, b, "%s has no 'from'; expected the force troops leave", aw);
        else
            sc_ref(r, n, w, "force", &a->force);
        snprintf(w, sizeof w, "'to' of %s", aw);
        if (!(n = yd_get(b, "to")))
            sc_err(r, b, "%s has no 'to'; expected the force troops join", aw);
        else
            sc_ref(r, n, w, "force", &a->force2);
        if (a->force >= 0 && a->force == a->force2)
            sc_err(r, n, "%s moves force '%s' into itself; expected two different forces", aw,
                   m->forces[a->force].name);
        break;
    }
    case SAL_ACT_TRANSFER: {
        static const char *const K[] = {"from", "to", "amount", NULL};
        sc_keys(r, b, K, aw);
        snprintf(w, sizeof w, "'from' of %s", aw);
        if (!(n = yd_get(b, "from")))
            sc_err(r, b, "%s has no 'from'; expected the stock (actor.stock) it draws on", aw);
        else
            sc_stock_ref(r, n, w, &a->actor, &a->stock);
        snprintf(w, sizeof w, "'to' of %s", aw);
        if (!(n = yd_get(b, "to")))
            sc_err(r, b, "%s has no 'to'; expected the stock (actor.stock) it fills", aw);
        else
            sc_stock_ref(r, n, w, &a->actor2, &a->stock2);
        break;
    }
    case SAL_ACT_ESCALATE: {
        static const char *const K[] = {"ladder", "to", NULL};
        sc_keys(r, b, K, aw);
        snprintf(w, sizeof w, "the ladder of %s", aw);
        if (!(n = yd_get(b, "ladder")))
            sc_err(r, b, "%s has no 'ladder'; expected the ladder to climb", aw);
        else
            sc_ref(r, n, w, "ladder", &a->ladder);
        if (!(n = yd_get(b, "to"))) {
            sc_err(r, b, "%s has no 'to'; expected the rung reached", aw);
        } else if (a->ladder >= 0) {
            snprintf(w, sizeof w, "'to' of %s", aw);
            a->rung = rung_ref(r, &m->ladders[a->ladder], n, w);
            if (a->rung >= 0)
                a->event = m->ladders[a->ladder].rung_events[a->rung];
        }
        return;
    }
    case SAL_ACT_SET:
        read_set(r, a, b, aw);
        return;
    default:
        return;
    }
    /* deploy, move, transfer: an amount */
    if (!(n = yd_get(b, "amount"))) {
        sc_err(r, b, "%s has no 'amount'; expected a number or an expression", aw);
        return;
    }
    snprintf(w, sizeof w, "the amount of %s", aw);
    a->amount = compile(r, n, w);
}

static void read_policy(sc_reader *r, size_t i, const yd_node *v)
{
    sal_model *m = r->m;
    sal_policy *p = &m->policies[i];
    char where[128], base[128], what[260];
    snprintf(where, sizeof where, "policy '%s'", p->name);
    snprintf(base, sizeof base, "policies.%s", p->name);
    p->enabled = 1;
    p->hazard = (sal_num){1, -1};
    p->probability = (sal_num){1, -1};
    p->delay = (sal_num){0, -1};
    if (!sc_is_map(r, v, where))
        return;
    size_t eprov0 = r->m->nprovenance;
    static const char *const K[] = {"when", "hazard", "probability", "delay", "repeat",
                                    "enabled", "requires", "actions", "source", "description",
                                    NULL};
    sc_keys(r, v, K, where);
    const yd_node *n;
    if ((n = yd_get(v, "when"))) {
        snprintf(what, sizeof what, "the condition ('when') of %s", where);
        p->when = compile(r, n, what);
    }
    sc_field(r, v, "hazard", where, base, 1, SC_SHARE, &p->hazard);
    sc_field(r, v, "probability", where, base, 1, SC_SHARE, &p->probability);
    sc_field(r, v, "delay", where, base, 0, SC_NONNEG, &p->delay);
    if ((n = yd_get(v, "repeat"))) {
        snprintf(what, sizeof what, "'repeat' of %s", where);
        sc_bool(r, n, what, &p->repeat);
    }
    if ((n = yd_get(v, "enabled"))) {
        snprintf(what, sizeof what, "'enabled' of %s", where);
        sc_bool(r, n, what, &p->enabled);
    }
    if ((n = yd_get(v, "requires"))) {
        snprintf(what, sizeof what, "'requires' of %s", where);
        if (n->kind == YD_SCALAR && !yd_is_null(n)) {
            p->requires = calloc(1, sizeof *p->requires);
            if (!p->requires) {
                r->oom = 1;
                return;
            }
            if (sc_ref(r, n, what, "treaty", &p->requires[0]) == 0)
                p->nrequires = 1;
        } else if (sc_is_list(r, n, what) && n->n <= SC_MAX_LIST) {
            p->requires = calloc(n->n + 1, sizeof *p->requires);
            if (!p->requires) {
                r->oom = 1;
                return;
            }
            for (size_t j = 0; j < n->n; j++)
                if (sc_ref(r, n->kids[j], what, "treaty", &p->requires[p->nrequires]) == 0)
                    p->nrequires++;
        }
    }
    const yd_node *acts = yd_get(v, "actions");
    size_t na = 0;
    if (acts && !yd_is_null(acts)) {
        snprintf(what, sizeof what, "the actions of %s", where);
        if (sc_is_list(r, acts, what)) {
            if (acts->n > SC_MAX_LIST)
                sc_err(r, acts, "%s: %zu actions; expected at most %d", what, acts->n, SC_MAX_LIST);
            else
                na = acts->n;
        }
    }
    /* every policy records its own name as an event when it acts (last) */
    p->actions = calloc(na + 1, sizeof *p->actions);
    if (!p->actions) {
        r->oom = 1;
        return;
    }
    for (size_t j = 0; j < na; j++)
        read_action(r, p, j, acts->kids[j], where);
    sal_action *self = &p->actions[p->nactions++];
    memset(self, 0, sizeof *self);
    self->kind = SAL_ACT_EVENT;
    self->force = self->force2 = self->actor = self->stock = self->actor2 = self->stock2 = -1;
    self->sector = self->side = self->pipeline = self->param = self->ladder = self->rung = -1;
    self->event = p->name ? sc_event(m, p->name) : -1;
    if ((n = yd_get(v, "source")))
        sc_strdup(r, n, "the source", &p->source);
    if (n && n->kind == YD_SCALAR && !yd_is_null(n))
        sc_inherit_source(r, eprov0, v);
    if ((n = yd_get(v, "description")))
        sc_str(r, n, "the description", &(const char *){0});
}

/* ---- metrics ---------------------------------------------------------- */

static void read_metric(sc_reader *r, size_t i, const yd_node *v)
{
    sal_metric *mt = &r->m->metrics[i];
    char where[128], what[200];
    snprintf(where, sizeof where, "metric '%s'", mt->name);
    snprintf(what, sizeof what, "the expression of %s", where);
    if (v->kind == YD_MAP) {
        static const char *const K[] = {"expr", "description", NULL};
        sc_keys(r, v, K, where);
        const yd_node *n = yd_get(v, "expr");
        if (!n)
            sc_err(r, v, "%s has no 'expr'; expected the expression it records", where);
        else
            mt->expr = compile(r, n, what);
        if ((n = yd_get(v, "description")))
            sc_strdup(r, n, "the description", &mt->description);
        return;
    }
    mt->expr = compile(r, v, what);
}

/* ---- the sections in order -------------------------------------------- */

void sc_read_sections(sc_reader *r, const yd_node *root)
{
    sal_model *m = r->m;
    const char *kind_;
    const yd_node *actors = section(r, root, "actors", "actor");
    const yd_node *forces = section(r, root, "forces", "force");
    const yd_node *sectors = section(r, root, "sectors", "sector");
    const yd_node *pipes = section(r, root, "pipelines", "pipeline");
    const yd_node *pols = section(r, root, "policies", "policy");
    const yd_node *treats = section(r, root, "treaties", "treaty");
    const yd_node *ladders = section(r, root, "ladders", "ladder");
    const yd_node *metrics = section(r, root, "metrics", "metric");
    /* 1. every name first, so references may point anywhere */
    kind_ = "actor";
    ALLOC_SECTION(actors, m->actors, m->nactors, r->n_actor);
    kind_ = "force";
    ALLOC_SECTION(forces, m->forces, m->nforces, r->n_force);
    kind_ = "sector";
    ALLOC_SECTION(sectors, m->sectors, m->nsectors, r->n_sector);
    kind_ = "pipeline";
    ALLOC_SECTION(pipes, m->pipelines, m->npipelines, r->n_pipeline);
    kind_ = "policy";
    ALLOC_SECTION(pols, m->policies, m->npolicies, r->n_policy);
    kind_ = "treaty";
    ALLOC_SECTION(treats, m->treaties, m->ntreaties, r->n_treaty);
    kind_ = "ladder";
    ALLOC_SECTION(ladders, m->ladders, m->nladders, r->n_ladder);
    kind_ = "metric";
    ALLOC_SECTION(metrics, m->metrics, m->nmetrics, r->n_metric);
    /* 2. actors (their stocks are referenced as actor.stock) */
    for (size_t i = 0; i < m->nactors; i++)
        read_actor(r, i, r->n_actor[i]);
    /* 3. events: treaties, ladder rungs, policies */
    for (size_t i = 0; i < m->ntreaties; i++)
        read_treaty_events(r, i, r->n_treaty[i]);
    for (size_t i = 0; i < m->nladders; i++)
        read_ladder_rungs(r, i, r->n_ladder[i]);
    for (size_t i = 0; i < m->npolicies; i++)
        policy_events(r, i, r->n_policy[i]);
    /* 4. the rest */
    for (size_t i = 0; i < m->nsectors; i++)
        read_sector(r, i, r->n_sector[i]);
    for (size_t i = 0; i < m->nforces; i++)
        read_force(r, i, r->n_force[i]);
    for (size_t i = 0; i < m->npipelines; i++)
        read_pipeline(r, i, r->n_pipeline[i]);
    for (size_t i = 0; i < m->ntreaties; i++)
        read_treaty(r, i, r->n_treaty[i]);
    for (size_t i = 0; i < m->nladders; i++)
        read_ladder(r, i, r->n_ladder[i]);
    for (size_t i = 0; i < m->npolicies; i++)
        read_policy(r, i, r->n_policy[i]);
    for (size_t i = 0; i < m->nmetrics; i++)
        read_metric(r, i, r->n_metric[i]);
    /* 5. expressions of pipelines and treaties (every name is known) */
    for (size_t i = 0; i < m->npipelines; i++) {
        const yd_node *v = r->n_pipeline[i], *n;
        if (v && v->kind == YD_MAP && (n = yd_get(v, "when"))) {
            char what[200];
            snprintf(what, sizeof what, "the condition ('when') of pipeline '%s'",
                     m->pipelines[i].name);
            m->pipelines[i].when = compile(r, n, what);
        }
    }
    for (size_t i = 0; i < m->ntreaties; i++) {
        const yd_node *v = r->n_treaty[i], *n;
        if (v && v->kind == YD_MAP && (n = yd_get(v, "trigger"))) {
            char what[200];
            snprintf(what, sizeof what, "the trigger of treaty '%s'", m->treaties[i].name);
            m->treaties[i].trigger = compile(r, n, what);
        }
    }
    /* 6. cross-checks */
    for (size_t i = 0; i < m->nforces; i++) {
        const sal_force *f = &m->forces[i];
        const yd_node *an = f->owner >= 0 ? r->n_actor[f->owner] : NULL;
        const yd_node *sn = an && an->kind == YD_MAP ? yd_get(an, "side") : NULL;
        int tried = sn && !(sn->kind == YD_SCALAR && strcmp(sn->str, "none") == 0);
        if (f->sector >= 0 && f->owner >= 0 && m->actors[f->owner].side < 0 && !tried &&
            !r->bad_sides)
            sc_err(r, yd_get(r->n_force[i], "sector"),
                   "force '%s' fights in sector '%s' but its owner '%s' is on no side; expected "
                   "'side:' on actor '%s'",
                   f->name, m->sectors[f->sector].name, m->actors[f->owner].name,
                   m->actors[f->owner].name);
    }
}

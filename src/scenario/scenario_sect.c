/* The scenario reader, part 2: the entity sections (actors, forces, sectors,
 * pipelines, policies, treaties, ladders, metrics), the expressions in them
 * and the cross-checks between entities (see docs/scenario.md). */
#include "scenario/scenario_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "salient/expr.h"

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
            if (sc_name_ok(r, yd_key((sec), i_), kind_))                          \
                (arr)[i_].name = sc_strdup_s(r, yd_key((sec), i_)->str);       \
        }                                                                      \
    } while (0)

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
        s->line = k->line;
        s->col = k->col;
        if (!sc_name_ok(r, k, "stock"))
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

/* The numbers of a force: key, default, range and where in sal_force. */
static const struct {
    const char *key;
    double def;
    const sc_range *range;
    size_t off;
} FORCE_NUMS[] = {
    {"strength", 0, &SC_NONNEG, offsetof(sal_force, strength)},
    {"experience", 1.0, &SC_SHARE, offsetof(sal_force, experience)},
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

/* A force's owner, sector and role. */
static void force_refs(sc_reader *r, sal_force *f, const yd_node *v, const char *where)
{
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
        int ro = sc_enum_value(r, n, what, SC_ROLE_NAMES, SC_ROLE_VALUES);
        if (ro >= 0)
            f->role = (sal_role)ro;
    }
}

static void read_force(sc_reader *r, size_t i, const yd_node *v)
{
    sal_force *f = &r->m->forces[i];
    char where[128], base[128];
    f->line = v->line;
    f->col = v->col;
    snprintf(where, sizeof where, "force '%s'", f->name);
    snprintf(base, sizeof base, "forces.%s", f->name);
    f->owner = -1;
    f->sector = -1;
    f->role = SAL_ROLE_DEFENCE;
    f->supply_actor = f->supply_stock = -1;
    for (size_t k = 0; k < sizeof FORCE_NUMS / sizeof FORCE_NUMS[0]; k++)
        *(sal_num *)((char *)f + FORCE_NUMS[k].off) = (sal_num){FORCE_NUMS[k].def, -1};
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
    force_refs(r, f, v, where);
    for (size_t k = 0; k < sizeof FORCE_NUMS / sizeof FORCE_NUMS[0]; k++)
        sc_field(r, v, FORCE_NUMS[k].key, where, base, FORCE_NUMS[k].def, *FORCE_NUMS[k].range,
                 (sal_num *)((char *)f + FORCE_NUMS[k].off));
    sc_field(r, v, "exposure", where, base, role_exposure((int)f->role), SC_NONNEG, &f->exposure);
    if ((n = yd_get(v, "arrivals")))
        read_arrivals(r, f, n, where, base);
    if ((n = yd_get(v, "munitions"))) {
        char what[200];
        snprintf(what, sizeof what, "the munitions of %s", where);
        sc_stock_ref(r, n, what, &f->supply_actor, &f->supply_stock);
    } else if ((n = yd_get(v, "shells_per_day"))) {
        sc_err(r, n, "%s has 'shells_per_day' but no 'munitions'; expected 'munitions: actor.stock' "
                     "naming the stock it draws from",
               where);
    }
    sc_source_description(r, v, eprov0, &f->source);
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

/* A sector's defaults: the square law, both sides holding, Poisson noise
 * (docs/scenario.md). */
static void sector_defaults(sal_sector *s)
{
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
}

/* posture: {side: attack|hold} */
static void sector_posture(sc_reader *r, sal_sector *s, const yd_node *n, const char *where)
{
    const yd_node *sv[2];
    char what[260];
    snprintf(what, sizeof what, "the posture of %s", where);
    if (per_side(r, n, what, sv) != 0)
        return;
    for (int k = 0; k < 2; k++)
        if (sv[k]) {
            char w[300];
            snprintf(w, sizeof w, "the posture of side '%s' in %s", r->m->sides[k], where);
            int p = sc_enum_value(r, sv[k], w, SC_POSTURE_NAMES, SC_POSTURE_VALUES);
            if (p >= 0)
                s->posture[k] = (sal_posture)p;
        }
}

/* attrition.coefficients: {side: a} (what: "the attrition of ...", ab its path) */
static void sector_coefficients(sc_reader *r, sal_sector *s, const yd_node *a, const char *where,
                                const char *what, const char *ab)
{
    const sal_model *m = r->m;
    const yd_node *c = yd_get(a, "coefficients"), *sv[2];
    char cw[300];
    snprintf(cw, sizeof cw, "the coefficients of %s", what);
    if (!c) {
        sc_err(r, a, "%s has no 'coefficients'; expected the attrition coefficient of each side, "
                     "e.g. coefficients: {%s: 0.0001, %s: 0.0001}",
               what, m->sides[0] ? m->sides[0] : "a", m->sides[1] ? m->sides[1] : "b");
        return;
    }
    if (per_side(r, c, cw, sv) != 0)
        return;
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

/* attrition: {law, p, q, coefficients, noise, dispersion} (a, a mapping) */
static void sector_attrition(sc_reader *r, sal_sector *s, const yd_node *a, const char *where,
                             const char *what, const char *base)
{
    static const char *const AK[] = {"law", "p", "q", "coefficients", "noise", "dispersion",
                                     NULL};
    const yd_node *n;
    sc_keys(r, a, AK, what);
    char ab[160];
    snprintf(ab, sizeof ab, "%s.attrition", base);
    if ((n = yd_get(a, "law"))) {
        static const char *const LAWS[] = {"square", "linear", "logarithmic", NULL};
        static const int LV[] = {0, 1, 2};
        char w[300];
        snprintf(w, sizeof w, "the law of %s", what);
        int law = sc_enum_value(r, n, w, LAWS, LV);
        if (law == 1)
            s->p = s->q = (sal_num){1, -1};
        else if (law == 2)
            s->p = (sal_num){0, -1}, s->q = (sal_num){1, -1};
    }
    sal_num p = s->p, q = s->q;
    sc_field(r, a, "p", what, ab, p.value, SC_NONNEG, &s->p);
    sc_field(r, a, "q", what, ab, q.value, SC_NONNEG, &s->q);
    sector_coefficients(r, s, a, where, what, ab);
    if ((n = yd_get(a, "noise"))) {
        static const char *const NZ[] = {"none", "poisson", "negbin", NULL};
        static const int NV[] = {0, 1, 2};
        char w[300];
        snprintf(w, sizeof w, "the noise of %s", what);
        int z = sc_enum_value(r, n, w, NZ, NV);
        if (z >= 0)
            s->noise = z;
    }
    sc_field(r, a, "dispersion", what, ab, 10, SC_POS, &s->dispersion);
    if (yd_get(a, "dispersion") && s->noise != 2)
        sc_err(r, yd_get(a, "dispersion"), "%s has a 'dispersion' but its noise is not negbin; "
                                           "expected 'noise: negbin' with a dispersion",
               what);
}

/* ground: {holder, held, contested, advance_rate, ratio_threshold, source} */
static void sector_ground(sc_reader *r, sal_sector *s, const yd_node *g, const char *where,
                          const char *base)
{
    char what[260];
    const yd_node *n;
    snprintf(what, sizeof what, "the ground of %s", where);
    if (!sc_is_map(r, g, what))
        return;
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

static void read_sector(sc_reader *r, size_t i, const yd_node *v)
{
    sal_model *m = r->m;
    sal_sector *s = &m->sectors[i];
    char where[128], base[128], what[260];
    s->line = v->line;
    s->col = v->col;
    snprintf(where, sizeof where, "sector '%s'", s->name);
    snprintf(base, sizeof base, "sectors.%s", s->name);
    sector_defaults(s);
    if (!sc_is_map(r, v, where))
        return;
    size_t eprov0 = r->m->nprovenance;
    static const char *const K[] = {"posture", "attrition", "intensity", "defence",
                                    "hold_intensity", "fire_floor", "ground", "source",
                                    "description", NULL};
    sc_keys(r, v, K, where);
    const yd_node *n;
    if ((n = yd_get(v, "posture")))
        sector_posture(r, s, n, where);
    sc_field(r, v, "intensity", where, base, 1, SC_NONNEG, &s->intensity);
    sc_field(r, v, "defence", where, base, 1, SC_NONNEG, &s->defence);
    sc_field(r, v, "hold_intensity", where, base, 0.2, SC_NONNEG, &s->hold_intensity);
    sc_field(r, v, "fire_floor", where, base, 0.3, SC_SHARE, &s->fire_floor);
    const yd_node *a = yd_get(v, "attrition");
    snprintf(what, sizeof what, "the attrition of %s", where);
    if (!a)
        sc_err(r, v, "%s has no 'attrition'; expected 'attrition:' with at least 'coefficients' "
                     "per side",
               where);
    else if (sc_is_map(r, a, what))
        sector_attrition(r, s, a, where, what, base);
    const yd_node *g = yd_get(v, "ground");
    if (g)
        sector_ground(r, s, g, where, base);
    sc_source_description(r, v, eprov0, &s->source);
}

/* ---- pipelines -------------------------------------------------------- */

static void read_pipeline(sc_reader *r, size_t i, const yd_node *v)
{
    sal_model *m = r->m;
    sal_pipeline *p = &m->pipelines[i];
    char where[128], base[128], what[260];
    p->line = v->line;
    p->col = v->col;
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
    sc_source_description(r, v, eprov0, &p->source);
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
        if (e->kind != YD_SCALAR || yd_is_null(e) || !sc_name_ok(r, e, "event"))
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
        if (!sc_name_ok(r, k, "rung"))
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

static void read_ladder(sc_reader *r, size_t i, const yd_node *v)
{
    sal_ladder *l = &r->m->ladders[i];
    char where[128], what[260];
    snprintf(where, sizeof where, "ladder '%s'", l->name);
    if (!v || v->kind != YD_MAP)
        return; /* reported with the rungs */
    static const char *const K[] = {"actors", "rungs", "initial", "descend", "source",
                                    "description", NULL};
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
        int k = sc_rung_ref(r, l, n, what);
        if (k >= 0)
            l->initial = k;
    }
    if ((n = yd_get(v, "descend"))) {
        snprintf(what, sizeof what, "'descend' of %s", where);
        sc_bool(r, n, what, &l->descend);
    }
    if ((n = yd_get(v, "source")))
        sc_strdup(r, n, "the source", &l->source);
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
            mt->expr = sc_compile(r, n, what);
        if ((n = yd_get(v, "description")))
            sc_strdup(r, n, "the description", &mt->description);
        return;
    }
    mt->expr = sc_compile(r, v, what);
}

/* ---- the sections in order -------------------------------------------- */

/* Step 5 of sc_read_sections: the expressions of pipelines and treaties,
 * once every name is known. */
static void read_late_exprs(sc_reader *r)
{
    sal_model *m = r->m;
    for (size_t i = 0; i < m->npipelines; i++) {
        const yd_node *v = r->n_pipeline[i], *n;
        if (v && v->kind == YD_MAP && (n = yd_get(v, "when"))) {
            char what[200];
            snprintf(what, sizeof what, "the condition ('when') of pipeline '%s'",
                     m->pipelines[i].name);
            m->pipelines[i].when = sc_compile(r, n, what);
        }
    }
    for (size_t i = 0; i < m->ntreaties; i++) {
        const yd_node *v = r->n_treaty[i], *n;
        if (v && v->kind == YD_MAP && (n = yd_get(v, "trigger"))) {
            char what[200];
            snprintf(what, sizeof what, "the trigger of treaty '%s'", m->treaties[i].name);
            m->treaties[i].trigger = sc_compile(r, n, what);
        }
    }
}

/* Step 6 of sc_read_sections: a force fighting in a sector needs an owner
 * on a side. */
static void cross_check(sc_reader *r)
{
    const sal_model *m = r->m;
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
        sc_policy_events(r, i, r->n_policy[i]);
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
        sc_read_policy(r, i, r->n_policy[i]);
    for (size_t i = 0; i < m->nmetrics; i++)
        read_metric(r, i, r->n_metric[i]);
    /* 5. expressions of pipelines and treaties (every name is known) */
    read_late_exprs(r);
    /* 6. cross-checks */
    cross_check(r);
}

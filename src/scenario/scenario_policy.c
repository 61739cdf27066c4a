/* The scenario reader: policies and their actions (see docs/scenario.md,
 * "policies"). */
#include "scenario/scenario_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salient/expr.h"
#include "base/util.h"

/* ---- policies --------------------------------------------------------- */

static const char *const ACTION_KEYS[] = {"deploy", "move", "set", "transfer", "escalate",
                                          "event", NULL};

/* Registers the events policies record: their own name and every `event:`
 * action (before expressions and tranches refer to them). */
void sc_policy_events(sc_reader *r, size_t i, const yd_node *v)
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
        if (e && e->kind == YD_SCALAR && !yd_is_null(e) && e->str[0] && sc_name_ok(r, e, "event"))
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
    return sc_compile(r, &n, what);
}

/* What a set action's field takes: an enumeration (role, posture) or an
 * expression, and whether it needs a side. */
typedef struct {
    int is_enum;
    const char *const *enames;
    const int *evals;
    int need_side;
} set_kind;

/* The one target of a set action (force, sector, pipeline or param): its
 * index in targets and its node, or -1 (reported). */
static int set_target(sc_reader *r, const yd_node *b, const char *aw, const char *const *targets,
                      const yd_node **tnp)
{
    const yd_node *tn = NULL;
    int tk = -1;
    for (int k = 0; k < 4; k++) {
        const yd_node *x = yd_get(b, targets[k]);
        if (!x)
            continue;
        if (tn) {
            sc_err(r, x, "%s names both a %s and a %s; expected one target", aw, targets[tk],
                   targets[k]);
            return -1;
        }
        tn = x;
        tk = k;
    }
    if (!tn) {
        sc_err(r, b, "%s has no target; expected one of force, sector, pipeline or param", aw);
        return -1;
    }
    *tnp = tn;
    return tk;
}

/* The field fn of a force or a sector (what), one of the four names F:
 * sets a->field from FV and returns its index, or -1 on an error
 * (reported; b is the action, aw what it is). */
static int enum_field(sc_reader *r, sal_action *a, const yd_node *b, const char *aw,
                      const yd_node *fn, const char *what, const char *const *F,
                      const sal_field *FV)
{
    if (!fn) {
        char list[200];
        sal_join_names(list, sizeof list, F, 4);
        sc_err(r, b, "%s has no 'field'; expected one of %s", aw, list);
        return -1;
    }
    char fw[64];
    snprintf(fw, sizeof fw, "the field of a %s", what);
    int k = sc_enum_value(r, fn, fw, F, (const int[]){0, 1, 2, 3});
    if (k >= 0)
        a->field = FV[k];
    return k;
}

/* A field whose value is one of names (with their values). */
static void enum_value(set_kind *sk, const char *const *names, const int *values)
{
    sk->is_enum = 1;
    sk->enames = names;
    sk->evals = values;
}

/* The target tn (of kind tk, w what it is) and its field fn (field its
 * name, NULL when absent): a->field and what the value is (sk); -1 on an
 * error (reported). */
static int set_field(sc_reader *r, sal_action *a, const yd_node *b, const char *aw, int tk,
                     const yd_node *tn, const char *w, const yd_node *fn, const char *field,
                     set_kind *sk)
{
    switch (tk) {
    case 0: {
        sc_ref(r, tn, w, "force", &a->force);
        static const char *const F[] = {"multiplier", "role", "exposure", "interoperability", NULL};
        static const sal_field FV[] = {SAL_FIELD_FORCE_MULTIPLIER, SAL_FIELD_FORCE_ROLE,
                                       SAL_FIELD_FORCE_EXPOSURE, SAL_FIELD_FORCE_INTEROPERABILITY};
        int k = enum_field(r, a, b, aw, fn, "force", F, FV);
        if (k < 0)
            return -1;
        if (k == 1)
            enum_value(sk, SC_ROLE_NAMES, SC_ROLE_VALUES);
        break;
    }
    case 1: {
        sc_ref(r, tn, w, "sector", &a->sector);
        static const char *const F[] = {"intensity", "defence", "posture", "coefficient", NULL};
        static const sal_field FV[] = {SAL_FIELD_SECTOR_INTENSITY, SAL_FIELD_SECTOR_DEFENCE,
                                       SAL_FIELD_SECTOR_POSTURE, SAL_FIELD_SECTOR_COEFF};
        int k = enum_field(r, a, b, aw, fn, "sector", F, FV);
        if (k < 0)
            return -1;
        sk->need_side = k >= 2;
        if (k == 2)
            enum_value(sk, SC_POSTURE_NAMES, SC_POSTURE_VALUES);
        break;
    }
    case 2:
        sc_ref(r, tn, w, "pipeline", &a->pipeline);
        a->field = SAL_FIELD_PIPELINE_RATE;
        if (fn && strcmp(field, "rate") != 0) {
            sc_err(r, fn, "the field of a pipeline is '%s'; expected rate", field);
            return -1;
        }
        break;
    case 3:
        sc_ref(r, tn, w, "parameter", &a->param);
        a->field = SAL_FIELD_PARAM;
        if (fn && strcmp(field, "value") != 0) {
            sc_err(r, fn, "a parameter has no field '%s'; expected no 'field' (or field: value)",
                   field);
            return -1;
        }
        break;
    }
    return 0;
}

/* The side (sn) and the value (vn) of a set action. */
static void set_value(sc_reader *r, sal_action *a, const yd_node *b, const char *aw,
                      const char *field, const set_kind *sk, const yd_node *sn, const yd_node *vn)
{
    if (sk->need_side) {
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
    if (sk->is_enum) {
        int ev = sc_enum_value(r, vn, vw, sk->enames, sk->evals);
        if (ev >= 0)
            a->amount = const_expr(r, ev, vn, vw);
    } else {
        a->amount = sc_compile(r, vn, vw);
    }
}

static void read_set(sc_reader *r, sal_action *a, const yd_node *b, const char *aw)
{
    static const char *const K[] = {"force", "sector", "pipeline", "param", "field", "side",
                                    "value", NULL};
    sc_keys(r, b, K, aw);
    const char *const targets[] = {"force", "sector", "pipeline", "param"};
    const yd_node *tn = NULL;
    int tk = set_target(r, b, aw, targets, &tn);
    if (tk < 0)
        return;
    const yd_node *fn = yd_get(b, "field"), *vn = yd_get(b, "value"), *sn = yd_get(b, "side");
    char w[300];
    snprintf(w, sizeof w, "the %s of %s", targets[tk], aw);
    const char *field = fn && fn->kind == YD_SCALAR ? fn->str : NULL;
    if (fn && !field) {
        sc_err(r, fn, "the field of %s is %s; expected a field name", aw, yd_describe(fn));
        return;
    }
    set_kind sk = {0, NULL, NULL, 0};
    if (set_field(r, a, b, aw, tk, tn, w, fn, field, &sk) != 0)
        return;
    set_value(r, a, b, aw, field, &sk, sn, vn);
}

/* The value of key in action b (aw: what the action is), or NULL after
 * "has no 'key'; expected" what it should be (why). */
static const yd_node *action_key(sc_reader *r, const yd_node *b, const char *key, const char *aw,
                                 const char *why)
{
    const yd_node *n = yd_get(b, key);
    if (!n)
        sc_err(r, b, "%s has no '%s'; expected %s", aw, key, why);
    return n;
}

/* deploy: {force, amount, from} (aw: what the action is) */
static void act_deploy(sc_reader *r, sal_action *a, const yd_node *b, const char *aw)
{
    char w[300];
    const yd_node *n;
    static const char *const K[] = {"force", "amount", "from", NULL};
    sc_keys(r, b, K, aw);
    snprintf(w, sizeof w, "the force of %s", aw);
    if ((n = action_key(r, b, "force", aw, "the force that receives the troops")))
        sc_ref(r, n, w, "force", &a->force);
    if ((n = yd_get(b, "from"))) {
        snprintf(w, sizeof w, "'from' of %s", aw);
        sc_stock_ref(r, n, w, &a->actor, &a->stock);
    }
}

/* {from, to, amount} of a move (forces) or a transfer (stocks: actor.stock),
 * why[2] what from and to should be; the node of 'to', or NULL. */
static const yd_node *from_to(sc_reader *r, sal_action *a, const yd_node *b, const char *aw,
                              int stocks, const char *const why[2])
{
    static const char *const K[] = {"from", "to", "amount", NULL};
    sc_keys(r, b, K, aw);
    static const char *const key[2] = {"from", "to"};
    const yd_node *n = NULL;
    for (int i = 0; i < 2; i++) {
        char w[300];
        snprintf(w, sizeof w, "'%s' of %s", key[i], aw);
        if (!(n = action_key(r, b, key[i], aw, why[i])))
            continue;
        if (stocks)
            sc_stock_ref(r, n, w, i ? &a->actor2 : &a->actor, i ? &a->stock2 : &a->stock);
        else
            sc_ref(r, n, w, "force", i ? &a->force2 : &a->force);
    }
    return n;
}

/* move: {from, to, amount}: troops from one force to another (aw: what the action is) */
static void act_move(sc_reader *r, sal_action *a, const yd_node *b, const char *aw)
{
    static const char *const why[2] = {"the force troops leave", "the force troops join"};
    const yd_node *n = from_to(r, a, b, aw, 0, why);
    if (a->force >= 0 && a->force == a->force2)
        sc_err(r, n, "%s moves force '%s' into itself; expected two different forces", aw,
               r->m->forces[a->force].name);
}

/* transfer: {from, to, amount}: between stocks (aw: what the action is) */
static void act_transfer(sc_reader *r, sal_action *a, const yd_node *b, const char *aw)
{
    static const char *const why[2] = {"the stock (actor.stock) it draws on",
                                       "the stock (actor.stock) it fills"};
    from_to(r, a, b, aw, 1, why);
}

/* escalate: {ladder, to} (aw: what the action is) */
static void act_escalate(sc_reader *r, sal_action *a, const yd_node *b, const char *aw)
{
    const sal_model *m = r->m;
    char w[300];
    const yd_node *n;
    static const char *const K[] = {"ladder", "to", NULL};
    sc_keys(r, b, K, aw);
    snprintf(w, sizeof w, "the ladder of %s", aw);
    if ((n = action_key(r, b, "ladder", aw, "the ladder to climb")))
        sc_ref(r, n, w, "ladder", &a->ladder);
    if ((n = action_key(r, b, "to", aw, "the rung reached")) && a->ladder >= 0) {
        snprintf(w, sizeof w, "'to' of %s", aw);
        a->rung = sc_rung_ref(r, &m->ladders[a->ladder], n, w);
        if (a->rung >= 0)
            a->event = m->ladders[a->ladder].rung_events[a->rung];
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
    case SAL_ACT_DEPLOY:
        act_deploy(r, a, b, aw);
        break;
    case SAL_ACT_MOVE:
        act_move(r, a, b, aw);
        break;
    case SAL_ACT_TRANSFER:
        act_transfer(r, a, b, aw);
        break;
    case SAL_ACT_ESCALATE:
        act_escalate(r, a, b, aw);
        return;
    case SAL_ACT_SET:
        read_set(r, a, b, aw);
        return;
    default:
        return;
    }
    /* deploy, move, transfer: an amount */
    if (!(n = action_key(r, b, "amount", aw, "a number or an expression")))
        return;
    snprintf(w, sizeof w, "the amount of %s", aw);
    a->amount = sc_compile(r, n, w);
}

/* requires: a treaty or a list of treaties (n).  -1 when out of memory. */
static int read_requires(sc_reader *r, sal_policy *p, const yd_node *n, const char *where)
{
    char what[260];
    snprintf(what, sizeof what, "'requires' of %s", where);
    if (n->kind == YD_SCALAR && !yd_is_null(n)) {
        p->requires = calloc(1, sizeof *p->requires);
        if (!p->requires) {
            r->oom = 1;
            return -1;
        }
        if (sc_ref(r, n, what, "treaty", &p->requires[0]) == 0)
            p->nrequires = 1;
    } else if (sc_is_list(r, n, what) && n->n <= SC_MAX_LIST) {
        p->requires = calloc(n->n + 1, sizeof *p->requires);
        if (!p->requires) {
            r->oom = 1;
            return -1;
        }
        for (size_t j = 0; j < n->n; j++)
            if (sc_ref(r, n->kids[j], what, "treaty", &p->requires[p->nrequires]) == 0)
                p->nrequires++;
    }
    return 0;
}

/* The actions of policy p, then its own event, recorded when it acts
 * (last).  -1 when out of memory. */
static int read_actions(sc_reader *r, sal_policy *p, const yd_node *v, const char *where)
{
    char what[260];
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
        return -1;
    }
    for (size_t j = 0; j < na; j++)
        read_action(r, p, j, acts->kids[j], where);
    sal_action *self = &p->actions[p->nactions++];
    memset(self, 0, sizeof *self);
    self->kind = SAL_ACT_EVENT;
    self->force = self->force2 = self->actor = self->stock = self->actor2 = self->stock2 = -1;
    self->sector = self->side = self->pipeline = self->param = self->ladder = self->rung = -1;
    self->event = p->name ? sc_event(r->m, p->name) : -1;
    return 0;
}

void sc_read_policy(sc_reader *r, size_t i, const yd_node *v)
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
        p->when = sc_compile(r, n, what);
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
    if ((n = yd_get(v, "requires")) && read_requires(r, p, n, where) != 0)
        return;
    if (read_actions(r, p, v, where) != 0)
        return;
    sc_source_description(r, v, eprov0, &p->source);
}


/* The scenario reader: every key read into the model, defaults,
 * distributions, parameters shared, sources kept, variants merged, every
 * error collected, limits on absurd input. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "salient/date.h"
#include "salient/expr.h"
#include "salient/model.h"

static sal_model *read_ok(const char *path, const char *variant)
{
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    int rc = sal_model_read(path, variant, d, &m);
    if (rc != SAL_OK) {
        char buf[1024];
        for (size_t i = 0; i < sal_diags_count(d); i++) {
            sal_diag_format(sal_diags_get(d, i), buf, sizeof buf);
            print_error("%s\n", buf);
        }
    }
    assert_int_equal(rc, SAL_OK);
    assert_int_equal(sal_diags_count(d), 0);
    sal_diags_free(d);
    assert_non_null(m);
    return m;
}

/* Reads a buffer expected to fail; returns the diagnostics. */
static sal_diags *read_bad(const char *text, const char *variant)
{
    sal_diags *d = sal_diags_alloc();
    sal_model *m = (sal_model *)1;
    int rc = sal_model_read_buffer(text, strlen(text), "t.yaml", variant, d, &m);
    assert_int_equal(rc, SAL_EINPUT);
    assert_null(m);
    assert_true(sal_diags_count(d) > 0);
    return d;
}

static sal_model *buf_ok(const char *text, const char *variant)
{
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    int rc = sal_model_read_buffer(text, strlen(text), "t.yaml", variant, d, &m);
    if (rc != SAL_OK) {
        char buf[1024];
        for (size_t i = 0; i < sal_diags_count(d); i++) {
            sal_diag_format(sal_diags_get(d, i), buf, sizeof buf);
            print_error("%s\n", buf);
        }
    }
    assert_int_equal(rc, SAL_OK);
    sal_diags_free(d);
    return m;
}

static int has_diag(const sal_diags *d, int line, int col, const char *needle)
{
    for (size_t i = 0; i < sal_diags_count(d); i++) {
        const sal_diag *e = sal_diags_get(d, i);
        if (e && e->line == line && e->col == col && strstr(e->message, needle))
            return 1;
    }
    return 0;
}

static int force_idx(const sal_model *m, const char *n)
{
    for (size_t i = 0; i < m->nforces; i++)
        if (strcmp(m->forces[i].name, n) == 0)
            return (int)i;
    fail_msg("no force %s", n);
    return -1;
}
static int actor_idx(const sal_model *m, const char *n)
{
    for (size_t i = 0; i < m->nactors; i++)
        if (strcmp(m->actors[i].name, n) == 0)
            return (int)i;
    fail_msg("no actor %s", n);
    return -1;
}
static int event_idx(const sal_model *m, const char *n)
{
    for (size_t i = 0; i < m->nevents; i++)
        if (strcmp(m->events[i], n) == 0)
            return (int)i;
    return -1;
}
static int param_idx(const sal_model *m, const char *n)
{
    for (size_t i = 0; i < m->nparams; i++)
        if (strcmp(m->params[i].name, n) == 0)
            return (int)i;
    fail_msg("no parameter %s", n);
    return -1;
}
static const sal_provenance *prov(const sal_model *m, const char *path)
{
    for (size_t i = 0; i < m->nprovenance; i++)
        if (strcmp(m->provenance[i].path, path) == 0)
            return &m->provenance[i];
    fail_msg("no provenance entry %s", path);
    return NULL;
}

static void test_every_section(void **st)
{
    (void)st;
    sal_model *m = read_ok("examples/every-section.yaml", NULL);
    assert_string_equal(m->name, "every-section");
    assert_int_equal(m->start_year * 10000 + m->start_month * 100 + m->start_day, 20241101);
    assert_int_equal(m->horizon, 120);
    assert_true(m->seed == 20241101u);
    assert_string_equal(m->sides[0], "russia");
    assert_string_equal(m->sides[1], "ukraine");
    assert_null(m->variant);
    assert_int_equal(m->nactors, 4);
    assert_int_equal(m->nforces, 4);
    assert_int_equal(m->nsectors, 1);
    assert_int_equal(m->npipelines, 2);
    assert_int_equal(m->npolicies, 2);
    assert_int_equal(m->ntreaties, 1);
    assert_int_equal(m->nladders, 1);
    assert_int_equal(m->nparams, 8);
    assert_int_equal(m->nmetrics, 9);
    assert_int_equal(m->nvariants, 3);

    /* parameters */
    int pt = param_idx(m, "dprk_total");
    const sal_param *p = &m->params[pt];
    assert_true(p->value.u >= 0);
    const sal_uncertain *u = &m->uncertain[p->value.u];
    assert_int_equal(u->dist.kind, SAL_DIST_PERT);
    assert_close(u->dist.p[0], 3000, 0);
    assert_close(u->dist.p[1], 11000, 0);
    assert_close(u->dist.p[2], 12000, 0);
    assert_string_equal(u->name, "parameters.dprk_total");
    assert_non_null(strstr(u->source, "Zelensky 10,000"));
    assert_string_equal(p->description, "North Korean troops sent in all");
    assert_int_equal(u->line, 14);
    const sal_param *ps = &m->params[param_idx(m, "dprk_share_of_total")];
    assert_int_equal(ps->value.u, -1);
    assert_close(ps->value.value, 0.9, 0);

    /* actors and stocks */
    const sal_actor *ru = &m->actors[actor_idx(m, "russia")];
    assert_int_equal(ru->side, 0);
    assert_int_equal(ru->nstocks, 2);
    assert_string_equal(ru->stocks[0].name, "shells");
    assert_close(ru->stocks[0].initial.value, 2000000, 0);
    assert_close(ru->stocks[0].flow.value, 30000, 0);
    assert_close(ru->stocks[0].cap.value, 5000000, 0);
    assert_close(ru->stocks[1].initial.value, 50000, 0);
    assert_true(isinf(ru->stocks[1].cap.value));
    assert_close(ru->stocks[1].flow.value, 0, 0);
    const sal_actor *dp = &m->actors[actor_idx(m, "dprk")];
    assert_int_equal(dp->side, 0);
    assert_int_equal(dp->stocks[1].initial.u, p->value.u); /* {param: dprk_total} */
    assert_int_equal(m->actors[actor_idx(m, "ukraine")].side, 1);
    assert_int_equal(m->actors[actor_idx(m, "rok")].side, -1);

    /* the force with every key */
    const sal_force *f = &m->forces[force_idx(m, "dprk-kursk")];
    assert_int_equal(f->owner, actor_idx(m, "dprk"));
    assert_int_equal(f->sector, 0);
    assert_int_equal(f->role, SAL_ROLE_ASSAULT);
    assert_close(f->strength.value, 0, 0);
    assert_int_equal(f->narrivals, 3);
    assert_int_equal(f->arrivals[0].day, 4);
    assert_int_equal(f->arrivals[0].event, -1);
    assert_close(f->arrivals[0].size.value, 3000, 0);
    assert_int_equal(f->arrivals[1].day, 20);
    assert_int_equal(f->arrivals[1].size.u, p->value.u);
    assert_int_equal(f->arrivals[2].event, event_idx(m, "rok-lethal-aid"));
    assert_close(f->arrivals[2].delay.value, 14, 0);
    assert_true(f->arrivals[2].size.u >= 0);
    assert_int_equal(m->uncertain[f->arrivals[2].size.u].dist.kind, SAL_DIST_CHOICE);
    assert_close(f->experience.value, 0.2, 0);
    assert_close(f->experience_max.value, 0.8, 0);
    assert_close(f->learning_rate.value, 0.01, 0);
    assert_true(f->interoperability.u >= 0);
    const sal_uncertain *ui = &m->uncertain[f->interoperability.u];
    assert_string_equal(ui->name, "forces.dprk-kursk.interoperability");
    assert_non_null(strstr(ui->source, "language barrier"));
    assert_close(f->exposure.value, 2.5, 0);
    assert_close(f->multiplier.value, 1, 0);
    assert_int_equal(f->killed_share.u, m->params[param_idx(m, "dprk_killed_share")].value.u);
    assert_close(f->wounded_return.value, 0.3, 0);
    assert_close(f->return_delay.value, 45, 0);
    assert_close(f->break_point.value, 0.4, 0);
    assert_int_equal(f->supply_actor, actor_idx(m, "russia"));
    assert_int_equal(f->supply_stock, 0);
    assert_close(f->shells_per_day.value, 20, 0);
    assert_string_equal(f->source, "seed analyses");
    const sal_force *res = &m->forces[force_idx(m, "russia-reserve")];
    assert_int_equal(res->sector, -1);
    assert_int_equal(res->supply_actor, -1);

    /* the sector */
    const sal_sector *s = &m->sectors[0];
    assert_string_equal(s->name, "kursk");
    assert_int_equal(s->posture[0], SAL_POSTURE_ATTACK);
    assert_int_equal(s->posture[1], SAL_POSTURE_HOLD);
    assert_close(s->p.value, 1, 0);
    assert_close(s->q.value, 0, 0);
    assert_int_equal(s->coeff[0].u, m->params[param_idx(m, "coeff_ua")].value.u);
    assert_close(s->coeff[1].value, 0.00008, 0);
    assert_int_equal(s->noise, 2);
    assert_int_equal(s->dispersion.u, m->params[param_idx(m, "noise_k")].value.u);
    assert_close(s->intensity.value, 1, 0);
    assert_close(s->defence.value, 1.5, 0);
    assert_close(s->hold_intensity.value, 0.2, 0);
    assert_close(s->fire_floor.value, 0.3, 0);
    assert_int_equal(s->holder, 1);
    assert_close(s->ground.value, 600, 0);
    assert_close(s->ground_max.value, 1300, 0);
    assert_close(s->advance_rate.value, 2, 0);
    assert_close(s->ratio_threshold.value, 1.2, 0);
    assert_string_equal(s->source, "Kursk salient since August 2024");

    /* pipelines */
    const sal_pipeline *pl = &m->pipelines[0];
    assert_string_equal(pl->name, "dprk-shells");
    assert_int_equal(pl->from_actor, actor_idx(m, "dprk"));
    assert_int_equal(pl->from_stock, 0);
    assert_int_equal(pl->to_actor, actor_idx(m, "russia"));
    assert_int_equal(pl->to_stock, 0);
    assert_int_equal(pl->to_force, -1);
    assert_close(pl->rate.value, 8000, 0);
    assert_close(pl->delay.value, 30, 0);
    assert_non_null(pl->when);
    assert_true(sal_expr_uses(pl->when, SAL_FN_HAPPENED));
    const sal_pipeline *p2 = &m->pipelines[1];
    assert_int_equal(p2->from_actor, -1);
    assert_int_equal(p2->to_force, force_idx(m, "russia-kursk"));
    assert_null(p2->when);

    /* treaty and ladder, and their events */
    const sal_treaty *t = &m->treaties[0];
    assert_int_equal(t->nparties, 2);
    assert_int_equal(t->parties[1], actor_idx(m, "dprk"));
    assert_int_equal(t->event, event_idx(m, "treaty-in-force"));
    assert_non_null(t->trigger);
    const sal_ladder *l = &m->ladders[0];
    assert_int_equal(l->nrungs, 4);
    assert_string_equal(l->rungs[3], "lethal");
    assert_int_equal(l->initial, 0);
    assert_int_equal(l->descend, 1);
    assert_int_equal(l->actors[0], actor_idx(m, "rok"));
    assert_int_equal(l->actors[1], -1);
    assert_int_equal(l->rung_events[3], event_idx(m, "rok-aid.lethal"));

    /* policies and every action */
    const sal_policy *pa = &m->policies[0];
    assert_string_equal(pa->name, "rok-lethal-aid");
    assert_close(pa->hazard.value, 0.02, 0);
    assert_true(pa->probability.u >= 0);
    assert_close(pa->delay.value, 7, 0);
    assert_int_equal(pa->repeat, 0);
    assert_int_equal(pa->enabled, 1);
    assert_true(sal_expr_uses(pa->when, SAL_FN_ARRIVED));
    assert_true(sal_expr_uses(pa->when, SAL_FN_CASUALTIES));
    assert_int_equal(pa->nactions, 3); /* escalate, event, implicit own event */
    assert_int_equal(pa->actions[0].kind, SAL_ACT_ESCALATE);
    assert_int_equal(pa->actions[0].ladder, 0);
    assert_int_equal(pa->actions[0].rung, 3);
    assert_int_equal(pa->actions[1].kind, SAL_ACT_EVENT);
    assert_int_equal(pa->actions[1].event, event_idx(m, "rok-arms"));
    assert_int_equal(pa->actions[2].kind, SAL_ACT_EVENT);
    assert_int_equal(pa->actions[2].event, event_idx(m, "rok-lethal-aid"));

    const sal_policy *pr = &m->policies[1];
    assert_int_equal(pr->repeat, 1);
    assert_int_equal(pr->nrequires, 1);
    assert_int_equal(pr->requires[0], 0);
    assert_int_equal(pr->nactions, 11);
    const sal_action *a = pr->actions;
    assert_int_equal(a[0].kind, SAL_ACT_DEPLOY);
    assert_int_equal(a[0].force, force_idx(m, "dprk-kursk"));
    assert_int_equal(a[0].actor, actor_idx(m, "dprk"));
    assert_int_equal(a[0].stock, 1);
    assert_close(sal_expr_eval(a[0].amount, NULL, NULL), 2000, 0);
    assert_int_equal(a[1].kind, SAL_ACT_MOVE);
    assert_int_equal(a[1].force, force_idx(m, "russia-reserve"));
    assert_int_equal(a[1].force2, force_idx(m, "russia-kursk"));
    assert_true(sal_expr_uses(a[1].amount, SAL_FN_STRENGTH));
    assert_int_equal(a[2].kind, SAL_ACT_TRANSFER);
    assert_int_equal(a[2].actor, actor_idx(m, "dprk"));
    assert_int_equal(a[2].stock, 0);
    assert_int_equal(a[2].actor2, actor_idx(m, "russia"));
    assert_int_equal(a[2].stock2, 0);
    assert_int_equal(a[3].kind, SAL_ACT_SET);
    assert_int_equal(a[3].field, SAL_FIELD_FORCE_MULTIPLIER);
    assert_close(sal_expr_eval(a[3].amount, NULL, NULL), 1.1, 1e-15);
    assert_int_equal(a[4].field, SAL_FIELD_FORCE_ROLE);
    assert_close(sal_expr_eval(a[4].amount, NULL, NULL), SAL_ROLE_SUPPORT, 0);
    assert_int_equal(a[5].field, SAL_FIELD_SECTOR_POSTURE);
    assert_int_equal(a[5].sector, 0);
    assert_int_equal(a[5].side, 1);
    assert_close(sal_expr_eval(a[5].amount, NULL, NULL), SAL_POSTURE_ATTACK, 0);
    assert_int_equal(a[6].field, SAL_FIELD_SECTOR_COEFF);
    assert_int_equal(a[6].side, 0);
    assert_true(sal_expr_uses(a[6].amount, SAL_FN_PARAM));
    assert_int_equal(a[7].field, SAL_FIELD_SECTOR_INTENSITY);
    assert_int_equal(a[7].side, -1);
    assert_int_equal(a[8].field, SAL_FIELD_PIPELINE_RATE);
    assert_int_equal(a[8].pipeline, 0);
    assert_int_equal(a[9].field, SAL_FIELD_PARAM);
    assert_int_equal(a[9].param, param_idx(m, "dprk_share_of_total"));
    assert_int_equal(a[10].kind, SAL_ACT_EVENT);
    assert_int_equal(a[10].event, event_idx(m, "dprk-reinforce"));

    /* metrics */
    assert_string_equal(m->metrics[1].name, "dprk_casualties");
    assert_string_equal(m->metrics[1].description, "Killed and wounded, cumulative");
    assert_true(sal_expr_uses(m->metrics[4].expr, SAL_FN_STOCK));
    assert_true(sal_expr_uses(m->metrics[7].expr, SAL_FN_SIDE_STRENGTH));
    sal_expr_call calls[4];
    assert_int_equal(sal_expr_calls(m->metrics[4].expr, calls, 4), 1);
    assert_int_equal(calls[0].arg0, actor_idx(m, "russia"));
    assert_int_equal(calls[0].arg1, 0);

    /* variants listed with descriptions */
    assert_string_equal(m->variants[0], "no-dprk");
    assert_non_null(strstr(m->variant_descriptions[0], "counterfactual"));
    assert_null(m->variant_descriptions[2]);

    /* provenance: plain numbers too, with sources */
    const sal_provenance *pv = prov(m, "forces.russia-kursk.strength");
    assert_string_equal(pv->source, "reported Russian grouping");
    assert_close(pv->num.value, 45000, 0);
    pv = prov(m, "forces.dprk-kursk.arrivals[1].size");
    assert_string_equal(pv->source, "White House estimate");
    pv = prov(m, "forces.dprk-kursk.killed_share");
    assert_int_equal(pv->param, param_idx(m, "dprk_killed_share"));
    assert_non_null(strstr(pv->source, "assumption"));
    pv = prov(m, "actors.russia.stocks.shells.initial"); /* the stock's source */
    assert_string_equal(pv->source, "assumption");
    assert_int_equal(pv->line, 29);
    pv = prov(m, "actors.ukraine.stocks.shells.initial");
    assert_null(pv->source);
    pv = prov(m, "forces.dprk-kursk.wounded_return"); /* the force's source */
    assert_string_equal(pv->source, "seed analyses");
    pv = prov(m, "sectors.kursk.ground.contested");
    assert_string_equal(pv->source, "ISW maps, November 2024");
    sal_model_free(m);
}

static void test_defaults(void **st)
{
    (void)st;
    sal_model *m = read_ok("examples/minimal.yaml", NULL);
    assert_true(m->seed == 1);
    const sal_force *f = &m->forces[0];
    assert_int_equal(f->role, SAL_ROLE_DEFENCE);
    assert_int_equal(f->narrivals, 0);
    assert_close(f->experience.value, 1, 0);
    assert_close(f->experience_max.value, 1, 0);
    assert_close(f->learning_rate.value, 0, 0);
    assert_close(f->interoperability.value, 1, 0);
    assert_close(f->exposure.value, 1, 0);
    assert_close(f->multiplier.value, 1, 0);
    assert_close(f->killed_share.value, 0.25, 0);
    assert_close(f->wounded_return.value, 0, 0);
    assert_close(f->return_delay.value, 30, 0);
    assert_close(f->break_point.value, 0, 0);
    assert_int_equal(f->supply_actor, -1);
    const sal_sector *s = &m->sectors[0];
    assert_close(s->p.value, 1, 0);
    assert_close(s->q.value, 0, 0);
    assert_int_equal(s->noise, 1);
    assert_close(s->intensity.value, 1, 0);
    assert_close(s->defence.value, 1, 0);
    assert_int_equal(s->posture[0], SAL_POSTURE_HOLD);
    assert_close(s->ground_max.value, 0, 0);
    assert_int_equal(m->nuncertain, 0);
    assert_int_equal(m->nevents, 0);
    sal_model_free(m);

    /* exposure follows the role; laws set p and q */
    m = buf_ok("scenario: {name: x, start: 2024-01-01, horizon: 10, sides: [a, b]}\n"
               "actors: {a: {side: a}, b: {side: b}}\n"
               "forces:\n"
               "  f1: {owner: a, sector: s1, role: assault}\n"
               "  f2: {owner: b, sector: s2, role: support}\n"
               "sectors:\n"
               "  s1: {attrition: {law: linear, coefficients: {a: 1, b: 1}}}\n"
               "  s2: {attrition: {law: logarithmic, q: 0.5, coefficients: {a: 1, b: 1}}}\n",
               NULL);
    assert_close(m->forces[0].exposure.value, 2, 0);
    assert_close(m->forces[1].exposure.value, 0.25, 0);
    assert_close(m->sectors[0].p.value, 1, 0);
    assert_close(m->sectors[0].q.value, 1, 0);
    assert_close(m->sectors[1].p.value, 0, 0);
    assert_close(m->sectors[1].q.value, 0.5, 0);
    sal_model_free(m);
}

static const char *const HEAD =
    "scenario: {name: d, start: 2024-01-01, horizon: 10, sides: [a, b]}\n"
    "parameters:\n";

static sal_model *params_model(const char *body)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s%s", HEAD, body);
    return buf_ok(buf, NULL);
}

static void test_distributions(void **st)
{
    (void)st;
    sal_model *m = params_model(
        "  pe: {pert: [1, 2, 4]}\n"
        "  un: {uniform: [1, 3]}\n"
        "  tr: {triangular: [0, 1, 5]}\n"
        "  ln: {lognormal: {median: 100, sigma: 0.5}}\n"
        "  l2: {lognormal: {p5: 10, p95: 1000}}\n"
        "  no: {normal: [5, 2]}\n"
        "  ch: {choice: {values: [3000, 10000], weights: [1, 3]}}\n"
        "  ce: {choice: [1, 2, 3, 4]}\n"
        "  va: {value: 12_000, source: plain}\n"
        "  pl: 7.5e-3\n"
        "  rf: {param: pe}\n");
    assert_int_equal(m->nuncertain, 8);
    const sal_dist *d;
    d = &m->uncertain[m->params[0].value.u].dist;
    assert_int_equal(d->kind, SAL_DIST_PERT);
    assert_close(d->p[2], 4, 0);
    d = &m->uncertain[m->params[1].value.u].dist;
    assert_int_equal(d->kind, SAL_DIST_UNIFORM);
    assert_close(d->p[1], 3, 0);
    d = &m->uncertain[m->params[2].value.u].dist;
    assert_int_equal(d->kind, SAL_DIST_TRIANGULAR);
    assert_close(d->p[1], 1, 0);
    d = &m->uncertain[m->params[3].value.u].dist;
    assert_int_equal(d->kind, SAL_DIST_LOGNORMAL);
    assert_close(d->p[0], log(100), 1e-12);
    assert_close(d->p[1], 0.5, 0);
    d = &m->uncertain[m->params[4].value.u].dist;
    assert_close(sal_dist_quantile(d, 0.05), 10, 1e-9);
    assert_close(sal_dist_quantile(d, 0.95), 1000, 1e-7);
    d = &m->uncertain[m->params[5].value.u].dist;
    assert_int_equal(d->kind, SAL_DIST_NORMAL);
    d = &m->uncertain[m->params[6].value.u].dist;
    assert_int_equal(d->kind, SAL_DIST_CHOICE);
    assert_int_equal(d->nchoice, 2);
    assert_close(sal_dist_mean(d), 8250, 1e-9);
    d = &m->uncertain[m->params[7].value.u].dist;
    assert_int_equal(d->nchoice, 4);
    assert_close(sal_dist_mean(d), 2.5, 1e-12);
    assert_int_equal(m->params[8].value.u, -1);
    assert_close(m->params[8].value.value, 12000, 0);
    assert_string_equal(m->params[8].source, "plain");
    assert_close(m->params[9].value.value, 0.0075, 0);
    assert_int_equal(m->params[10].value.u, m->params[0].value.u); /* shared draw */
    /* the uncertain value's .value holds the mean, for deterministic mode */
    assert_close(m->params[0].value.value, (1 + 8 + 4) / 6.0, 1e-12);
    sal_model_free(m);
}

static void test_variants(void **st)
{
    (void)st;
    sal_model *m = read_ok("examples/every-section.yaml", "no-dprk");
    assert_string_equal(m->variant, "no-dprk");
    const sal_force *f = &m->forces[force_idx(m, "dprk-kursk")];
    assert_int_equal(f->narrivals, 0);
    assert_int_equal(f->role, SAL_ROLE_ASSAULT); /* kept from the base */
    assert_close(f->experience.value, 0.2, 0);
    assert_close(m->pipelines[0].rate.value, 0, 0);
    assert_close(m->pipelines[0].delay.value, 30, 0); /* merged, not replaced */
    sal_model_free(m);

    /* extends: support-roles-only first, then its own set */
    m = read_ok("examples/every-section.yaml", "support-no-shells");
    f = &m->forces[force_idx(m, "dprk-kursk")];
    assert_int_equal(f->role, SAL_ROLE_SUPPORT);
    assert_close(f->exposure.value, 2.5, 0); /* explicit in the base */
    assert_int_equal(m->policies[1].enabled, 0);
    assert_int_equal(m->policies[0].enabled, 1);
    sal_model_free(m);

    /* null deletes; new entities may be added */
    m = buf_ok("scenario: {name: v, start: 2024-01-01, horizon: 10, sides: [a, b]}\n"
               "actors: {a: {side: a}, b: {side: b}}\n"
               "forces: {f1: {owner: a, strength: 5}, f2: {owner: b, strength: 6}}\n"
               "variants:\n"
               "  drop: {set: {forces: {f1: null, f3: {owner: a, strength: 7}}, "
               "scenario: {horizon: 20}}}\n",
               "drop");
    assert_int_equal(m->nforces, 2);
    assert_string_equal(m->forces[0].name, "f2");
    assert_string_equal(m->forces[1].name, "f3");
    assert_close(m->forces[1].strength.value, 7, 0);
    assert_int_equal(m->horizon, 20);
    sal_model_free(m);

    sal_diags *d = read_bad("scenario: {name: v, start: 2024-01-01, horizon: 10, sides: [a, b]}\n"
                            "variants: {x: {set: {}}}\n",
                            "y");
    assert_true(has_diag(d, 0, 0, "unknown variant 'y'"));
    sal_diags_free(d);
}

static void test_every_error_reported(void **st)
{
    (void)st;
    sal_diags *d = read_bad("scenario: {name: e, start: 2024-01-01, horizon: 10, sides: [a, b]}\n"
                            "actors: {a: {side: a}, b: {side: c}}\n"
                            "forces:\n"
                            "  f: {owner: a, strenght: 5, killed_share: 2}\n"
                            "metrics: {m: 'strength(g) +'}\n",
                            NULL);
    assert_true(has_diag(d, 2, 34, "refers to side 'c'"));
    assert_true(has_diag(d, 4, 17, "unknown key 'strenght' in force 'f'; did you mean 'strength'?"));
    assert_true(has_diag(d, 4, 44, "'killed_share' of force 'f' is 2; expected a share"));
    assert_true(has_diag(d, 5, 24, "no force named 'g'"));
    assert_int_equal(sal_diags_count(d), 5);
    sal_diags_free(d);
}

/* Errors inside multi-line expressions point at the exact line and column. */
static void test_expression_positions(void **st)
{
    (void)st;
    sal_diags *d = read_bad("scenario: {name: e, start: 2024-01-01, horizon: 10, sides: [a, b]}\n"
                            "metrics:\n"
                            "  lit: |\n"
                            "    day > 3 and\n"
                            "      strength(x1) > 2\n"
                            "  plain: day +\n"
                            "     strength(x2)\n"
                            "  dq: \"day + strength(x3)\"\n"
                            "  sq: 'day + strength(x4)'\n",
                            NULL);
    assert_true(has_diag(d, 5, 16, "no force named 'x1'"));
    assert_true(has_diag(d, 7, 15, "no force named 'x2'"));
    assert_true(has_diag(d, 8, 23, "no force named 'x3'"));
    assert_true(has_diag(d, 9, 23, "no force named 'x4'"));
    assert_int_equal(sal_diags_count(d), 4);
    sal_diags_free(d);
}

static void test_check_dedupes(void **st)
{
    (void)st;
    const char *text = "scenario: {name: c, start: 2024-01-01, horizon: 10, sides: [a, b]}\n"
                       "actors: {a: {side: a}, b: {side: b}}\n"
                       "forces: {f: {owner: a, strength: -1}}\n"
                       "variants:\n"
                       "  v1: {set: {scenario: {horizon: 5}}}\n"
                       "  v2: {set: {forces: {f: {owner: z}}}}\n";
    sal_diags *d = sal_diags_alloc();
    size_t nv = 0;
    assert_int_equal(sal_model_check_buffer(text, strlen(text), "c.yaml", NULL, d, &nv), SAL_EINPUT);
    assert_int_equal(nv, 2);
    /* the base error once, plus the error of v2 */
    assert_int_equal(sal_diags_count(d), 2);
    assert_true(has_diag(d, 3, 34, "is -1"));
    assert_true(has_diag(d, 6, 34, "in variant 'v2': the owner of force 'f' refers to actor 'z'"));
    sal_diags_free(d);

    const char *good = "scenario: {name: c, start: 2024-01-01, horizon: 10, sides: [a, b]}\n"
                       "variants: {v1: {set: {scenario: {horizon: 5}}}}\n";
    d = sal_diags_alloc();
    assert_int_equal(sal_model_check_buffer(good, strlen(good), "c.yaml", NULL, d, &nv), SAL_OK);
    assert_int_equal(nv, 1);
    assert_int_equal(sal_diags_count(d), 0);
    sal_diags_free(d);
}

static void test_dates(void **st)
{
    (void)st;
    sal_model *m = buf_ok("scenario: {name: d, start: 2024-02-28, horizon: 400, sides: [a, b]}\n"
                          "actors: {a: {side: a}}\n"
                          "forces:\n"
                          "  f:\n"
                          "    owner: a\n"
                          "    arrivals:\n"
                          "      - {date: 2024-03-01, size: 1}\n"
                          "      - {date: 2025-04-02, size: 2}\n"
                          "      - {day: 0, size: 3}\n",
                          NULL);
    assert_int_equal(m->forces[0].arrivals[0].day, 2);  /* across 29 February */
    assert_int_equal(m->forces[0].arrivals[1].day, 399);
    assert_int_equal(m->forces[0].arrivals[2].day, 0);
    sal_model_free(m);
}

static void test_limits(void **st)
{
    (void)st;
    /* billion laughs: refused quickly with a clear message */
    char bomb[4096];
    size_t o = (size_t)snprintf(bomb, sizeof bomb, "a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 0; i < 9; i++) {
        char p = (char)('a' + i), q = (char)('b' + i);
        o += (size_t)snprintf(bomb + o, sizeof bomb - o,
                              "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", q, q,
                              p, p, p, p, p, p, p, p, p, p);
    }
    sal_diags *d = read_bad(bomb, NULL);
    assert_true(has_diag(d, 7, 8, "aliases expand the document past"));
    sal_diags_free(d);
    /* deep nesting */
    char deep[1024];
    memset(deep, '[', 300);
    memset(deep + 300, ']', 300);
    deep[600] = '\0';
    d = read_bad(deep, NULL);
    assert_true(has_diag(d, 1, 65, "nests deeper than 64 levels"));
    sal_diags_free(d);
    /* a horizon past the limit */
    d = read_bad("scenario: {name: h, start: 2024-01-01, horizon: 100001, sides: [a, b]}\n", NULL);
    assert_true(has_diag(d, 1, 49, "expected a whole number from 1 to 100000"));
    sal_diags_free(d);
    /* aliases within the budget are fine */
    sal_model *m = buf_ok("scenario: {name: h, start: 2024-01-01, horizon: 10, sides: [a, b]}\n"
                          "actors: {a: &side {side: a}, a2: *side}\n",
                          NULL);
    assert_int_equal(m->actors[1].side, 0);
    sal_model_free(m);
    /* NUL bytes and invalid UTF-8 are refused, not crashed on */
    const char nul[] = "scenario:\0 {x}\n";
    d = sal_diags_alloc();
    sal_model *mm = NULL;
    assert_int_equal(sal_model_read_buffer(nul, sizeof nul - 1, "n.yaml", NULL, d, &mm), SAL_EINPUT);
    assert_null(mm);
    assert_true(sal_diags_count(d) >= 1);
    sal_diags_free(d);
    d = read_bad("scenario: \xff\xfe\n", NULL);
    assert_true(has_diag(d, 1, 11, "not valid UTF-8"));
    sal_diags_free(d);
}

/* Absurd inputs stay cheap: at most 500 messages from one reading, and a
 * bound on variants x document size for check. */
static void test_error_and_work_caps(void **st)
{
    (void)st;
    size_t cap = 1 << 20, o = 0;
    char *b = malloc(cap);
    assert_non_null(b);
    o += (size_t)snprintf(b + o, cap - o, "scenario: {name: c, start: 2024-01-01, horizon: 10, "
                                          "sides: [a, b]}\nforces:\n");
    for (int i = 0; i < 800; i++)
        o += (size_t)snprintf(b + o, cap - o, "  f%d: {owner: a, strength: -1}\n", i);
    sal_diags *d = read_bad(b, NULL);
    assert_int_equal(sal_diags_count(d), 500);
    assert_non_null(strstr(sal_diags_get(d, 499)->message, "too many errors"));
    sal_diags_free(d);

    o = (size_t)snprintf(b, cap, "scenario: {name: c, start: 2024-01-01, horizon: 10, "
                                 "sides: [a, b]}\nparameters:\n");
    for (int i = 0; i < 8000; i++)
        o += (size_t)snprintf(b + o, cap - o, "  p%d: {pert: [1, 2, 3]}\n", i);
    o += (size_t)snprintf(b + o, cap - o, "variants:\n");
    for (int i = 0; i < 400; i++)
        o += (size_t)snprintf(b + o, cap - o, "  v%d: {set: {scenario: {horizon: 5}}}\n", i);
    d = sal_diags_alloc();
    size_t nv;
    assert_int_equal(sal_model_check_buffer(b, o, "w.yaml", NULL, d, &nv), SAL_EINPUT);
    assert_int_equal(sal_diags_count(d), 1);
    assert_true(has_diag(d, 8004, 3, "checking 400 variants of a document of"));
    sal_diags_free(d);
    /* one variant at a time is fine */
    d = sal_diags_alloc();
    assert_int_equal(sal_model_check_buffer(b, o, "w.yaml", "v399", d, &nv), SAL_OK);
    assert_int_equal(nv, 1);
    sal_diags_free(d);
    free(b);
}

static void test_io_errors(void **st)
{
    (void)st;
    sal_diags *d = sal_diags_alloc();
    sal_model *m = (sal_model *)1;
    assert_int_equal(sal_model_read("/nonexistent/x.yaml", NULL, d, &m), SAL_EIO);
    assert_null(m);
    assert_true(has_diag(d, 0, 0, "cannot open the file"));
    sal_diags_free(d);
    sal_model_free(NULL); /* a no-op */
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *b = malloc(1 << 20);
    assert_non_null(b);
    *len = fread(b, 1, 1 << 20, f);
    fclose(f);
    return b;
}

/* Every prefix of a full scenario is read without a crash or a leak: either
 * a model or SAL_EINPUT with at least one diagnostic, each with a position
 * inside the file. */
static void test_truncations(void **st)
{
    (void)st;
    size_t len;
    char *text = slurp("examples/every-section.yaml", &len);
    int lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    size_t ok = 0, bad = 0;
    for (size_t cut = 0; cut <= len; cut += 3) {
        sal_diags *d = sal_diags_alloc();
        sal_model *m = NULL;
        int rc = sal_model_read_buffer(text, cut, "cut.yaml", NULL, d, &m);
        if (rc == SAL_OK) {
            assert_non_null(m);
            ok++;
        } else {
            assert_int_equal(rc, SAL_EINPUT);
            assert_null(m);
            assert_true(sal_diags_count(d) > 0);
            for (size_t k = 0; k < sal_diags_count(d); k++) {
                const sal_diag *e = sal_diags_get(d, k);
                assert_true(e->line >= 0 && e->line <= lines);
            }
            bad++;
        }
        sal_model_free(m);
        sal_diags_free(d);
    }
    assert_true(bad > 100);
    assert_true(ok >= 1); /* the whole file */
    free(text);
}

/* Deterministic random byte edits (a fixed LCG): never a crash, a hang or a
 * leak; the status is always OK or EINPUT. */
static void test_mutations(void **st)
{
    (void)st;
    size_t len;
    char *text = slurp("examples/every-section.yaml", &len);
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    static const char alphabet[] = "{}[]:,-'\"&*!|>#\n \t0a.%@`";
    uint64_t x = 88172645463325252u;
    size_t refused = 0;
    for (int round = 0; round < 600; round++) {
        memcpy(buf, text, len);
        int edits = 1 + round % 4;
        for (int k = 0; k < edits; k++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            size_t at = (size_t)(x >> 33) % len;
            buf[at] = alphabet[(x >> 20) % (sizeof alphabet - 1)];
        }
        sal_diags *d = sal_diags_alloc();
        sal_model *m = NULL;
        int rc = sal_model_read_buffer(buf, len, "mut.yaml", NULL, d, &m);
        assert_true(rc == SAL_OK || rc == SAL_EINPUT);
        assert_true((rc == SAL_OK) == (m != NULL));
        refused += rc != SAL_OK;
        sal_model_free(m);
        sal_diags_free(d);
        /* and through every variant */
        d = sal_diags_alloc();
        size_t nv;
        rc = sal_model_check_buffer(buf, len, "mut.yaml", NULL, d, &nv);
        assert_true(rc == SAL_OK || rc == SAL_EINPUT);
        assert_true((rc == SAL_OK) == (sal_diags_count(d) == 0));
        sal_diags_free(d);
    }
    assert_true(refused > 100);
    free(buf);
    free(text);
}

/* A chain of n parameters p0 <- p1 <- ... <- p(n-1), listed upwards or
 * downwards, in a malloc'd document. */
static char *param_chain(int n, int down)
{
    size_t cap = 200 + (size_t)n * 40;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t o = (size_t)snprintf(buf, cap, "%s", HEAD);
    for (int k = 0; k < n; k++) {
        int i = down ? n - 1 - k : k;
        if (i == 0)
            o += (size_t)snprintf(buf + o, cap - o, "  p0: 7\n");
        else
            o += (size_t)snprintf(buf + o, cap - o, "  p%d: {param: p%d}\n", i, i - 1);
    }
    return buf;
}

static int any_diag(const sal_diags *d, const char *needle)
{
    for (size_t i = 0; i < sal_diags_count(d); i++)
        if (strstr(sal_diags_get(d, i)->message, needle))
            return 1;
    return 0;
}

/* Issue 21, hole 7: the depth of a chain is the graph's, whatever the
 * order; too deep is never called a cycle; a real cycle still is. */
static void test_param_chains(void **st)
{
    (void)st;
    for (int down = 0; down < 2; down++) {
        char *text = param_chain(64, down);
        sal_model *m = buf_ok(text, NULL);
        assert_int_equal(m->nparams, 64);
        for (size_t i = 0; i < m->nparams; i++)
            assert_close(m->params[i].value.value, 7, 0);
        sal_model_free(m);
        free(text);
        int lens[] = {65, 5000};
        for (int k = 0; k < 2; k++) {
            text = param_chain(lens[k], down);
            sal_diags *d = read_bad(text, NULL);
            assert_int_equal(sal_diags_count(d), 1);
            assert_true(any_diag(d, "too deep"));
            assert_false(any_diag(d, "cycle"));
            /* at the top of the chain: the first line listed downwards */
            assert_true(any_diag(d, down || lens[k] == 65 ? "parameter 'p" : ""));
            sal_diags_free(d);
            free(text);
        }
    }
    sal_diags *d = read_bad("scenario: {name: d, start: 2024-01-01, horizon: 10, sides: [a, b]}\n"
                            "parameters:\n  a: {param: b}\n  b: {param: c}\n  c: {param: a}\n"
                            "  d: {param: d}\n  e: {param: a}\n", NULL);
    assert_true(has_diag(d, 5, 14, "cycle (a -> b -> c -> a)"));
    assert_true(has_diag(d, 6, 14, "cycle (d -> d)"));
    assert_int_equal(sal_diags_count(d), 2); /* e refers to a broken one: not repeated */
    sal_diags_free(d);
}

/* Issue 21, hole 5: a NUL (a "\0" escape) inside any scalar, key or value,
 * is refused where the scalar starts, not cut short. */
static void test_nul_scalars(void **st)
{
    (void)st;
    sal_diags *d = read_bad("scenario: {name: \"mini\\0mal\", start: 2024-01-01, horizon: 10, "
                            "sides: [a, b]}\n", NULL);
    assert_true(has_diag(d, 1, 18, "NUL character"));
    sal_diags_free(d);
    d = read_bad("scenario: {name: d, start: 2024-01-01, horizon: 10, sides: [a, b]}\n"
                 "metrics:\n  m: \"day\\0 garbage )))((( unknown(x)\"\n"
                 "  \"k\\0ey\": day\n", NULL);
    assert_true(has_diag(d, 3, 6, "NUL character"));
    assert_true(has_diag(d, 4, 3, "NUL character"));
    sal_diags_free(d);
    /* a backslash-zero in single quotes is two characters, not a NUL */
    sal_model *m = buf_ok("scenario: {name: d, start: 2024-01-01, horizon: 10, sides: [a, b], "
                          "description: 'a\\0b'}\n", NULL);
    sal_model_free(m);
}

/* Issue 21, hole 6: weights whose sum overflows are refused at the
 * distribution; large finite ones draw in proportion. */
static void test_choice_overflow(void **st)
{
    (void)st;
    sal_diags *d = read_bad("scenario: {name: d, start: 2024-01-01, horizon: 10, sides: [a, b]}\n"
                            "parameters:\n"
                            "  w: {choice: {values: [1, 2], weights: [1e308, 1e308]}}\n", NULL);
    assert_true(has_diag(d, 3, 15, "the weights sum to more than"));
    sal_diags_free(d);
    d = read_bad("scenario: {name: d, start: 2024-01-01, horizon: 10, sides: [a, b]}\n"
                 "parameters:\n"
                 "  w: {choice: {values: [1e300, 2], weights: [1e300, 1]}}\n", NULL);
    assert_true(has_diag(d, 3, 15, "overflow"));
    sal_diags_free(d);
    sal_model *m = params_model("  w: {choice: {values: [1, 2], weights: [1e307, 1e307]}}\n");
    const sal_dist *dist = &m->uncertain[m->params[0].value.u].dist;
    assert_close(sal_dist_mean(dist), 1.5, 1e-15);
    assert_close(sal_dist_quantile(dist, 0.25), 1, 0);
    assert_close(sal_dist_quantile(dist, 0.75), 2, 0);
    sal_model_free(m);
}

/* Issue 21, "Also": a huge value (a 2 MiB description) is refused by the
 * documented limit of 1 MiB a value, where it starts. */
static void test_huge_value(void **st)
{
    (void)st;
    size_t n = 2u << 20;
    char *text = malloc(n + 200);
    assert_non_null(text);
    int o = snprintf(text, 200, "scenario: {name: d, start: 2024-01-01, horizon: 10, sides: [a, b],"
                                " description: \"");
    memset(text + o, 'x', n);
    snprintf(text + o + n, 200, "\"}\n");
    sal_diags *d = read_bad(text, NULL);
    assert_true(has_diag(d, 1, 81, "expected at most 1048576 (1 MiB)"));
    sal_diags_free(d);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_section),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_distributions),
        cmocka_unit_test(test_variants),
        cmocka_unit_test(test_every_error_reported),
        cmocka_unit_test(test_expression_positions),
        cmocka_unit_test(test_check_dedupes),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_error_and_work_caps),
        cmocka_unit_test(test_io_errors),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_param_chains),
        cmocka_unit_test(test_nul_scalars),
        cmocka_unit_test(test_choice_overflow),
        cmocka_unit_test(test_huge_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The observations reader (salient/obs.h, docs/observations.md): an
 * observations file read with the scenario reader's YAML tree and helpers,
 * so that its messages have the same file:line:col form, limits and
 * did-you-mean, and checked against the scenario it speaks of.
 *
 * One pass over the entries: each is read into a sal_obs_entry (its metric
 * or event, its days, its figure, its error model), then the bias groups are
 * resolved (one unknown per group, one per ungrouped biased report) and the
 * labels made unique.  Every problem is reported; any problem refuses the
 * whole file. */
#include "scenario/obs_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salient/date.h"
#include "salient/suggest.h"
#include "scenario/scenario_int.h"

/* The reader: the scenario reader's context (for its messages and lookups;
 * the model is only read) and the set being built. */
typedef struct {
    sc_reader r;
    sal_obs_set *o;
    long start;        /* the scenario's first day, in days since 1970 */
    size_t capb;
    const yd_node **group_at;   /* per bias unknown: the node that named it */
    const yd_node **model_at;   /* per bias unknown: where its model was given, or NULL */
} obs_reader;

static const char *const TOP_KEYS[] = {"observations", "description", NULL};
static const char *const ALL_KEYS[] = {
    "id", "metric", "event", "date", "over", "reported", "value", "at_least", "at_most",
    "range", "change", "per_day", "error", "bias", "bias_group", "by", "on",
    "tolerance_days", "happened", "source", "note", NULL};
static const char *const METRIC_KEYS[] = {
    "id", "metric", "date", "over", "reported", "value", "at_least", "at_most", "range",
    "change", "per_day", "error", "bias", "bias_group", "source", "note", NULL};
static const char *const EVENT_KEYS[] = {
    "id", "event", "by", "on", "tolerance_days", "happened", "reported", "error", "source",
    "note", NULL};
/* The figure forms of a report on a day, and of a change or daily mean. */
static const char *const DAY_FORMS[] = {"value", "at_least", "at_most", "range", NULL};
static const char *const PERIOD_FORMS[] = {"change", "per_day", NULL};

static int in_list(const char *k, const char *const *list)
{
    for (size_t j = 0; list[j]; j++)
        if (strcmp(k, list[j]) == 0)
            return 1;
    return 0;
}

/* ---- dates -------------------------------------------------------------- */

/* A date YYYY-MM-DD as a day index from the scenario start.  within: 1 to
 * require it inside the scenario's days 0 .. horizon (0: any day on or
 * after the start). */
static int obs_date(obs_reader *q, const yd_node *n, const char *what, int within, int32_t *day)
{
    const sal_model *m = q->r.m;
    char first[11], last[11];
    sal_date_format(q->start, first);
    sal_date_format(q->start + m->horizon, last);
    int y, mo, d;
    if (!n || n->kind != YD_SCALAR || sal_date_parse(n->str, &y, &mo, &d) != 0) {
        if (n && n->kind == YD_SCALAR && !yd_is_null(n))
            sc_err(&q->r, n, "%s is '%s', not a calendar date; expected YYYY-MM-DD from %s to %s",
                   what, n->str, first, last);
        else
            sc_err(&q->r, n, "%s is %s; expected a date YYYY-MM-DD", what, yd_describe(n));
        return -1;
    }
    long z = sal_date_to_days(y, mo, d) - q->start;
    if (z < 0 || (within && z > m->horizon)) {
        sc_err(&q->r, n, "%s, %s, is %s the scenario (%s to %s); expected a date within it", what,
               n->str, z < 0 ? "before the start of" : "after the end of", first, last);
        return -1;
    }
    if (z > INT32_MAX / 2) {
        sc_err(&q->r, n, "%s, %s, is too far in the future; expected a date before year 9999", what,
               n->str);
        return -1;
    }
    *day = (int32_t)z;
    return 0;
}

static void day_text(const obs_reader *q, int32_t day, char buf[11])
{
    sal_date_format(q->start + day, buf);
}

/* ---- numbers -------------------------------------------------------------- */

static int obs_number(obs_reader *q, const yd_node *n, const char *what, const char *expect,
                      double *v)
{
    if (sc_scalar_number(n, v) != 0) {
        sc_not_a_number(&q->r, n, what, expect);
        return -1;
    }
    return 0;
}

/* A number > 0 (and <= hi, or < hi when open). */
static int obs_positive(obs_reader *q, const yd_node *n, const char *what, double hi, int open,
                        double *v)
{
    char expect[80];
    if (isinf(hi))
        snprintf(expect, sizeof expect, "a number > 0");
    else
        snprintf(expect, sizeof expect, "a number > 0 and %s %g", open ? "below" : "at most", hi);
    if (obs_number(q, n, what, expect, v) != 0)
        return -1;
    if (!(*v > 0) || *v > hi || (open && *v == hi)) {
        sc_err(&q->r, n, "%s is %.15g; expected %s", what, *v, expect);
        return -1;
    }
    return 0;
}

/* ---- the figure ---------------------------------------------------------- */

/* The one key of map among forms that is present; reports none or two.
 * Returns its index in forms, or -1. */
static int one_of(obs_reader *q, const yd_node *map, const char *const *forms, const char *what,
                  const char *expect)
{
    int found = -1;
    for (int j = 0; forms[j]; j++) {
        const yd_node *k = NULL;
        for (size_t i = 0; i < map->n; i++)
            if (strcmp(yd_key(map, i)->str, forms[j]) == 0)
                k = yd_key(map, i);
        if (!k)
            continue;
        if (found >= 0) {
            sc_err(&q->r, k, "%s has both '%s' and '%s'; expected one of them (%s)", what,
                   forms[found], forms[j], expect);
            return -1;
        }
        found = j;
    }
    if (found < 0)
        sc_err(&q->r, map, "%s has no figure; expected %s", what, expect);
    return found;
}

/* range: [lo, hi] */
static int read_range(obs_reader *q, const yd_node *n, const char *what, double *lo, double *hi)
{
    char w[300];
    if (!n || n->kind != YD_SEQ || n->n != 2) {
        if (n && n->kind == YD_SEQ)
            sc_err(&q->r, n, "the range of %s is a list of %zu item%s; expected a list of two "
                             "numbers [lo, hi]", what, n->n, n->n == 1 ? "" : "s");
        else
            sc_err(&q->r, n, "the range of %s is %s; expected a list of two numbers [lo, hi]", what,
                   yd_describe(n));
        return -1;
    }
    snprintf(w, sizeof w, "the low end of the range of %s", what);
    if (obs_number(q, n->kids[0], w, "a number", lo) != 0)
        return -1;
    snprintf(w, sizeof w, "the high end of the range of %s", what);
    if (obs_number(q, n->kids[1], w, "a number", hi) != 0)
        return -1;
    if (!(*lo < *hi)) {
        sc_err(&q->r, n, "the range of %s is [%.15g, %.15g], whose low end is not below its high "
                         "end; expected [lo, hi] with lo < hi (value: for a single figure)",
               what, *lo, *hi);
        return -1;
    }
    return 0;
}

/* Reads form j (value, at_least, at_most, range) from node n into e. */
static int read_form(obs_reader *q, int j, const yd_node *n, const char *what, sal_obs_entry *e)
{
    static const int KIND[] = {SAL_OBS_VALUE, SAL_OBS_AT_LEAST, SAL_OBS_AT_MOST, SAL_OBS_RANGE};
    e->kind = KIND[j];
    char w[300];
    snprintf(w, sizeof w, "the %s of %s", DAY_FORMS[j], what);
    switch (e->kind) {
    case SAL_OBS_VALUE:
        if (obs_number(q, n, w, "a number", &e->lo) != 0)
            return -1;
        e->hi = e->lo;
        return 0;
    case SAL_OBS_AT_LEAST:
        e->hi = INFINITY;
        return obs_number(q, n, w, "a number", &e->lo);
    case SAL_OBS_AT_MOST:
        e->lo = -INFINITY;
        return obs_number(q, n, w, "a number", &e->hi);
    default:
        return read_range(q, n, what, &e->lo, &e->hi);
    }
}

/* The figure of a report on a day, or of a change or daily mean over a
 * period (a number, or a mapping with one of value/at_least/at_most/range).
 * Returns the node of the figure (for later checks), NULL on error. */
static const yd_node *read_figure(obs_reader *q, const yd_node *map, const char *what,
                                  sal_obs_entry *e)
{
    if (e->quantity == SAL_OBS_ON_DAY) {
        int j = one_of(q, map, DAY_FORMS, what, "value:, at_least:, at_most: or range: [lo, hi]");
        if (j < 0)
            return NULL;
        const yd_node *n = yd_get(map, DAY_FORMS[j]);
        return read_form(q, j, n, what, e) == 0 ? n : NULL;
    }
    int p = one_of(q, map, PERIOD_FORMS, what, "change: or per_day: with over: [D1, D2]");
    if (p < 0)
        return NULL;
    e->quantity = p == 0 ? SAL_OBS_CHANGE : SAL_OBS_PER_DAY;
    const yd_node *n = yd_get(map, PERIOD_FORMS[p]);
    char w[300];
    snprintf(w, sizeof w, "the %s of %s", PERIOD_FORMS[p], what);
    if (n && n->kind == YD_MAP) {
        if (sc_keys(&q->r, n, DAY_FORMS, w) != 0)
            return NULL;
        int j = one_of(q, n, DAY_FORMS, w, "a number, or one of value:, at_least:, at_most:, "
                                           "range: [lo, hi]");
        if (j < 0)
            return NULL;
        const yd_node *f = yd_get(n, DAY_FORMS[j]);
        return read_form(q, j, f, w, e) == 0 ? f : NULL;
    }
    return read_form(q, 0, n, w, e) == 0 ? n : NULL;
}

/* The figure against its error model: a figure on a day is a count or an
 * amount (never negative); a lognormal error never gives exactly 0 (a
 * change may be negative: a negative truth times a lognormal error). */
static void check_figure(obs_reader *q, const yd_node *at, const char *what,
                         const sal_obs_entry *e)
{
    double low = e->kind == SAL_OBS_AT_MOST ? e->hi : e->lo;
    if (e->quantity == SAL_OBS_ON_DAY && low < 0) {
        sc_err(&q->r, at, "%s gives the negative figure %.15g for metric '%s' on a day; expected "
                          "a count or an amount >= 0",
               what, low, q->r.m->metrics[e->index].name);
        return;
    }
    if (e->err == SAL_OBS_ERR_LOGNORMAL && e->kind == SAL_OBS_VALUE && e->lo == 0)
        sc_err(&q->r, at, "%s gives the figure 0 with a lognormal error, which multiplies and so "
                          "never gives 0; expected a figure other than 0, or error: {normal: SD}",
               what);
}

/* ---- error and bias models ------------------------------------------------ */

/* n is a mapping of one key, the model (w: what it is, expect: the
 * models it may be); else reported. */
static int one_model(obs_reader *q, const yd_node *n, const char *w, const char *expect)
{
    if (n->kind == YD_MAP && n->n == 1)
        return 1;
    if (n->kind == YD_MAP)
        sc_err(&q->r, n, "%s has %zu models; expected one: %s", w, n->n, expect);
    else
        sc_err(&q->r, n, "%s is %s; expected %s", w, yd_describe(n), expect);
    return 0;
}

/* error: {lognormal: S} | {normal: SD} for numeric reports, {misreport: p}
 * for events. */
static void read_error(obs_reader *q, const yd_node *map, const char *what, sal_obs_entry *e)
{
    static const char *const NUMERIC[] = {"lognormal", "normal", NULL};
    static const char *const EVENT[] = {"misreport", NULL};
    const yd_node *n = yd_get(map, "error");
    char w[300];
    snprintf(w, sizeof w, "the error model of %s", what);
    if (!n) {
        if (e->is_event) {
            e->err = SAL_OBS_ERR_MISREPORT;
            e->err_param = SAL_OBS_MISREPORT_DEFAULT;
        } else {
            sc_err(&q->r, map, "%s has no error model; expected error: {lognormal: SIGMA} (median "
                               "1) or error: {normal: SD} (in the metric's units)",
                   what);
        }
        return;
    }
    const char *const *keys = e->is_event ? EVENT : NUMERIC;
    const char *expect = e->is_event ? "{misreport: P} with 0 < P < 0.5"
                                     : "{lognormal: SIGMA} or {normal: SD}";
    if (!one_model(q, n, w, expect))
        return;
    const yd_node *k = yd_key(n, 0), *v = yd_val(n, 0);
    if (!in_list(k->str, keys)) {
        const char *s = sal_suggest(k->str, keys, e->is_event ? 1 : 2);
        if (s)
            sc_err(&q->r, k, "unknown error model '%s' in %s; did you mean '%s'?", k->str, what, s);
        else if (in_list(k->str, e->is_event ? NUMERIC : EVENT))
            sc_err(&q->r, k, "the error model '%s' is for %s reports; %s is %s report: expected %s",
                   k->str, e->is_event ? "numeric" : "event", what,
                   e->is_event ? "an event" : "a numeric", expect);
        else
            sc_err(&q->r, k, "unknown error model '%s' in %s; expected %s", k->str, what, expect);
        return;
    }
    if (e->is_event) {
        e->err = SAL_OBS_ERR_MISREPORT;
        snprintf(w, sizeof w, "the misreport probability of %s", what);
        obs_positive(q, v, w, 0.5, 1, &e->err_param);
        return;
    }
    e->err = strcmp(k->str, "lognormal") == 0 ? SAL_OBS_ERR_LOGNORMAL : SAL_OBS_ERR_NORMAL;
    snprintf(w, sizeof w, "the %s of %s", e->err == SAL_OBS_ERR_LOGNORMAL ? "lognormal error's sigma"
                                          : "normal error's standard deviation", what);
    obs_positive(q, v, w, e->err == SAL_OBS_ERR_LOGNORMAL ? 10 : INFINITY, 0, &e->err_param);
}

/* A bias model read from an entry, until the groups are resolved. */
typedef struct {
    const yd_node *at;     /* the bias: node, NULL when none */
    const yd_node *group;  /* the bias_group: node, NULL when none */
    double log_median, sigma;
    int ok;
} obs_bias_in;

/* bias: {lognormal: {median: M, sigma: S}} */
static void read_bias(obs_reader *q, const yd_node *map, const char *what, obs_bias_in *b)
{
    static const char *const OUTER[] = {"lognormal", NULL};
    static const char *const INNER[] = {"median", "sigma", NULL};
    const yd_node *n = yd_get(map, "bias");
    b->at = n;
    b->group = yd_get(map, "bias_group");
    b->ok = 0;
    if (b->group) {
        const char *g;
        char w[300];
        snprintf(w, sizeof w, "the bias_group of %s", what);
        if (sc_str(&q->r, b->group, w, &g) != 0)
            b->group = NULL;
        else if (strlen(g) > SC_MAX_NAME) {
            sc_err(&q->r, b->group, "%s has %zu characters; expected a name of at most %d", w,
                   strlen(g), SC_MAX_NAME);
            b->group = NULL;
        }
    }
    if (!n)
        return;
    char w[300];
    snprintf(w, sizeof w, "the bias model of %s", what);
    const char *expect = "{lognormal: {median: M, sigma: S}} (the reported/true ratio)";
    if (!one_model(q, n, w, expect))
        return;
    if (sc_keys(&q->r, n, OUTER, w) != 0)
        return;
    const yd_node *ln = yd_val(n, 0);
    if (!sc_is_map(&q->r, ln, w) || sc_keys(&q->r, ln, INNER, w) != 0)
        return;
    const yd_node *mn = yd_get(ln, "median"), *sn = yd_get(ln, "sigma");
    if (!mn || !sn) {
        sc_err(&q->r, ln, "%s has no '%s'; expected %s", w, mn ? "sigma" : "median", expect);
        return;
    }
    double med, sig;
    char wm[340], ws[340];
    snprintf(wm, sizeof wm, "the median of %s", w);
    snprintf(ws, sizeof ws, "the sigma of %s", w);
    int bad = obs_positive(q, mn, wm, 1e6, 0, &med);
    bad |= obs_positive(q, sn, ws, 10, 0, &sig);
    if (bad)
        return;
    b->log_median = log(med);
    b->sigma = sig;
    b->ok = 1;
}

/* ---- one entry -------------------------------------------------------------- */

/* metric: NAME (with did-you-mean among the scenario's metrics). */
static int read_metric(obs_reader *q, const yd_node *n, const char *what, int *idx)
{
    const sal_model *m = q->r.m;
    const char *name;
    char w[300];
    snprintf(w, sizeof w, "the metric of %s", what);
    if (sc_str(&q->r, n, w, &name) != 0)
        return -1;
    int k = sal_model_metric(m, name);
    if (k >= 0) {
        *idx = k;
        return 0;
    }
    const char *s = sal_model_metric_near(m, name);
    if (s)
        sc_err(&q->r, n, "%s refers to metric '%s', which is not defined; did you mean '%s'?", what,
               name, s);
    else
        sc_err(&q->r, n, "%s refers to metric '%s', which is not defined; expected the name of a "
                         "metric under 'metrics:' of scenario '%s'",
               what, name, m->name ? m->name : "?");
    return -1;
}

/* Keys that belong to the other kind of report. */
static int misplaced_keys(obs_reader *q, const yd_node *map, int is_event, const char *what)
{
    const char *const *mine = is_event ? EVENT_KEYS : METRIC_KEYS;
    int bad = 0;
    for (size_t i = 0; i < map->n; i++) {
        const yd_node *k = yd_key(map, i);
        if (!in_list(k->str, ALL_KEYS) || in_list(k->str, mine))
            continue;
        bad = 1;
        sc_err(&q->r, k, "'%s' does not apply to %s, which is %s report; expected the keys of %s "
                         "report (docs/observations.md)",
               k->str, what, is_event ? "an event" : "a metric", is_event ? "an event" : "a metric");
    }
    return bad;
}

/* A figure of the wrong kind for the dates given: the first of forms that
 * map holds is refused (-1, reported), the message saying what the figure
 * is (kind) and what to write instead (pre, the form's name, post); 0 when
 * map holds none. */
static int refuse_form(obs_reader *q, const yd_node *map, const char *const *forms,
                       const char *what, const char *kind, const char *pre, const char *post)
{
    for (int j = 0; forms[j]; j++)
        if (yd_get(map, forms[j])) {
            sc_err(&q->r, yd_get(map, forms[j]), "%s gives '%s', %s; expected %s%s:%s", what,
                   forms[j], kind, pre, forms[j], post);
            return -1;
        }
    return 0;
}

/* date: DATE, or over: [D1, D2]. */
static int read_metric_days(obs_reader *q, const yd_node *map, const char *what, sal_obs_entry *e)
{
    const yd_node *dn = yd_get(map, "date"), *on = yd_get(map, "over");
    char w[300];
    if (dn && on) {
        sc_err(&q->r, on, "%s has both 'date' and 'over'; expected date: (a figure on a day) or "
                          "over: [D1, D2] (a change over a period)", what);
        return -1;
    }
    if (!dn && !on) {
        sc_err(&q->r, map, "%s has no 'date' or 'over'; expected date: DATE (a figure on a day) or "
                           "over: [D1, D2] (a change over a period)", what);
        return -1;
    }
    if (dn) {
        snprintf(w, sizeof w, "the date of %s", what);
        e->quantity = SAL_OBS_ON_DAY;
        if (obs_date(q, dn, w, 1, &e->d2) != 0)
            return -1;
        e->d1 = e->d2;
        return refuse_form(q, map, PERIOD_FORMS, what, "a figure about a period, with a date",
                           "over: [D1, D2] with ",
                           ", or value:/at_least:/at_most:/range: with date:");
    }
    e->quantity = SAL_OBS_CHANGE; /* or per day: read_figure decides */
    if (!on || on->kind != YD_SEQ || on->n != 2) {
        sc_err(&q->r, on, "the period of %s is %s; expected over: [D1, D2], two dates", what,
               yd_describe(on));
        return -1;
    }
    snprintf(w, sizeof w, "the first day of the period of %s", what);
    int bad = obs_date(q, on->kids[0], w, 1, &e->d1);
    snprintf(w, sizeof w, "the last day of the period of %s", what);
    bad |= obs_date(q, on->kids[1], w, 1, &e->d2);
    if (bad)
        return -1;
    if (e->d1 >= e->d2) {
        sc_err(&q->r, on, "the period of %s, [%s, %s], does not end after it starts; expected "
                          "over: [D1, D2] with D1 before D2",
               what, on->kids[0]->str, on->kids[1]->str);
        return -1;
    }
    return refuse_form(q, map, DAY_FORMS, what, "a figure on a day, with a period",
                       "change: or per_day: with over:, or date: with ", "");
}

/* A numeric report: its days, figure, error. */
static void read_numeric(obs_reader *q, const yd_node *map, const char *what, sal_obs_entry *e)
{
    if (read_metric_days(q, map, what, e) != 0)
        return;
    read_error(q, map, what, e);
    int errors = q->r.errors;
    const yd_node *f = read_figure(q, map, what, e);
    if (f && q->r.errors == errors)
        check_figure(q, f, what, e);
}

/* An event report: by: DATE with happened:, or on: DATE (tolerance_days:). */
static void read_event(obs_reader *q, const yd_node *map, const char *what, sal_obs_entry *e)
{
    const yd_node *by = yd_get(map, "by"), *on = yd_get(map, "on");
    const yd_node *tol = yd_get(map, "tolerance_days"), *hap = yd_get(map, "happened");
    char w[300];
    e->kind = SAL_OBS_EVENT;
    read_error(q, map, what, e);
    if (by && on) {
        sc_err(&q->r, on, "%s has both 'by' and 'on'; expected by: DATE (happened or not on or "
                          "before it) or on: DATE (happened on that day)", what);
        return;
    }
    if (!by && !on) {
        sc_err(&q->r, map, "%s has no 'by' or 'on'; expected by: DATE with happened: true|false, "
                           "or on: DATE (with tolerance_days:)", what);
        return;
    }
    int happened = 1;
    snprintf(w, sizeof w, "'happened' of %s", what);
    if (hap && sc_bool(&q->r, hap, w, &happened) != 0)
        return;
    e->lo = e->hi = happened;
    if (by) {
        e->quantity = SAL_OBS_EV_BY;
        if (!hap) {
            sc_err(&q->r, map, "%s has 'by' but no 'happened'; expected happened: true or "
                               "happened: false", what);
            return;
        }
        if (tol) {
            sc_err(&q->r, tol, "%s has 'tolerance_days' with 'by'; expected it only with on: DATE",
                   what);
            return;
        }
        snprintf(w, sizeof w, "the day 'by' of %s", what);
        e->d1 = 0;
        obs_date(q, by, w, 1, &e->d2);
        return;
    }
    e->quantity = SAL_OBS_EV_ON;
    int32_t d;
    long t = 0;
    snprintf(w, sizeof w, "the day 'on' of %s", what);
    if (obs_date(q, on, w, 1, &d) != 0)
        return;
    snprintf(w, sizeof w, "'tolerance_days' of %s", what);
    if (tol && sc_int(&q->r, tol, w, 0, q->r.m->horizon, &t) != 0)
        return;
    if (d + t > q->r.m->horizon) {
        char last[11];
        day_text(q, q->r.m->horizon, last);
        sc_err(&q->r, tol ? tol : on, "%s describes days up to %ld days after the scenario's end "
                                      "(%s); expected on: +- tolerance_days within the scenario",
               what, (long)(d + t - q->r.m->horizon), last);
        return;
    }
    e->d1 = d - (int32_t)t < 0 ? 0 : d - (int32_t)t;
    e->d2 = d + (int32_t)t;
}

/* id:, source:, reported: (after the days are known), note:. */
static void read_common(obs_reader *q, const yd_node *map, const char *what, sal_obs_entry *e)
{
    const yd_node *src = yd_get(map, "source"), *id = yd_get(map, "id");
    const yd_node *rep = yd_get(map, "reported"), *note = yd_get(map, "note");
    char w[300];
    const char *s;
    if (!src)
        sc_err(&q->r, map, "%s has no 'source'; expected source: \"who said it, when, where it was "
                           "reported\"", what);
    else if (src->kind == YD_SCALAR && src->len == 0)
        sc_err(&q->r, src, "the source of %s is empty; expected who said it, when, where it was "
                           "reported", what);
    else {
        snprintf(w, sizeof w, "the source of %s", what);
        if (sc_str(&q->r, src, w, &s) == 0)
            e->source = sc_strdup_s(&q->r, s);
    }
    if (note) {
        snprintf(w, sizeof w, "the note of %s", what);
        sc_str(&q->r, note, w, &s);
    }
    if (id) {
        snprintf(w, sizeof w, "the id of %s", what);
        if (sc_str(&q->r, id, w, &s) == 0) {
            size_t len = strlen(s), j;
            for (j = 0; j < len && (unsigned char)s[j] >= 0x20 && s[j] != 0x7f; j++)
                ;
            if (len > OBS_MAX_LABEL || j < len)
                sc_err(&q->r, id, "%s is not a usable label; expected at most %d characters on "
                                  "one line", w, OBS_MAX_LABEL);
            else
                e->label = sc_strdup_s(&q->r, s);
        }
    }
    e->reported = e->d2;
    if (rep) {
        int32_t day;
        snprintf(w, sizeof w, "the day %s was reported", what);
        if (obs_date(q, rep, w, 0, &day) != 0)
            return;
        if (day < e->d2) {
            char last[11];
            day_text(q, e->d2, last);
            sc_err(&q->r, rep, "%s was reported on %s, before %s, the last day it describes; "
                               "expected a date on or after %s",
                   what, rep->str, last, last);
            return;
        }
        e->reported = day;
    }
}

/* One entry of the observations list. */
static void read_entry(obs_reader *q, const yd_node *map, size_t i, sal_obs_entry *e,
                       obs_bias_in *b)
{
    char what[64];
    snprintf(what, sizeof what, "observation %zu", i + 1);
    memset(e, 0, sizeof *e);
    e->line = map->line;
    e->col = map->col;
    e->bias = -1;
    e->index = -1;
    if (!sc_is_map(&q->r, map, what))
        return;
    sc_keys(&q->r, map, ALL_KEYS, what);
    const yd_node *mn = yd_get(map, "metric"), *en = yd_get(map, "event");
    if (mn && en) {
        sc_err(&q->r, en, "%s has both 'metric' and 'event'; expected one of them", what);
        return;
    }
    if (!mn && !en) {
        sc_err(&q->r, map, "%s has no 'metric' or 'event'; expected metric: NAME (a figure) or "
                           "event: NAME (something that did or did not happen)", what);
        return;
    }
    e->is_event = en != NULL;
    if (misplaced_keys(q, map, e->is_event, what))
        return;
    int ok = e->is_event ? sc_ref(&q->r, en, what, "event", &e->index) == 0
                         : read_metric(q, mn, what, &e->index) == 0;
    if (!ok)
        return;
    if (e->is_event)
        read_event(q, map, what, e);
    else {
        read_numeric(q, map, what, e);
        read_bias(q, map, what, b);
    }
    read_common(q, map, what, e);
}

/* ---- bias unknowns and labels ------------------------------------------------ */

static int add_bias(obs_reader *q, const char *name, const yd_node *at)
{
    sal_obs_set *o = q->o;
    if (o->nb == q->capb) {
        size_t c = q->capb ? 2 * q->capb : 8;
        sal_obs_bias *nb = realloc(o->b, c * sizeof *nb);
        const yd_node **g = realloc(q->group_at, c * sizeof *g);
        if (g)
            q->group_at = g;
        const yd_node **mm = g ? realloc(q->model_at, c * sizeof *mm) : NULL;
        if (nb)
            o->b = nb;
        if (mm)
            q->model_at = mm;
        if (!nb || !g || !mm) {
            q->r.oom = 1;
            return -1;
        }
        q->capb = c;
    }
    sal_obs_bias *b = &o->b[o->nb];
    memset(b, 0, sizeof *b);
    b->name = sc_strdup_s(&q->r, name);
    b->line = at->line;
    b->col = at->col;
    q->group_at[o->nb] = at;
    q->model_at[o->nb] = NULL;
    return (int)o->nb++;
}

static int find_group(const obs_reader *q, const char *name)
{
    for (size_t k = 0; k < q->o->nb; k++)
        if (q->group_at[k] && q->group_at[k]->kind == YD_SCALAR &&
            strcmp(q->group_at[k]->str, name) == 0 && strcmp(q->o->b[k].name, name) == 0)
            return (int)k;
    return -1;
}

/* Gives report i its bias unknown: its group's (created on first sight,
 * its model taken from whichever report of the group gives one, and the same
 * on every report that repeats it), or its own when it has a model and no
 * group. */
static void resolve_bias(obs_reader *q, size_t i, const obs_bias_in *b)
{
    sal_obs_entry *e = &q->o->e[i];
    int k;
    if (b->group) {
        k = find_group(q, b->group->str);
        if (k < 0)
            k = add_bias(q, b->group->str, b->group);
    } else if (b->at && b->ok) {
        k = add_bias(q, e->label, b->at);
    } else {
        return;
    }
    if (k < 0)
        return;
    e->bias = k;
    if (!b->at || !b->ok)
        return;
    sal_obs_bias *u = &q->o->b[k];
    if (!q->model_at[k]) {
        q->model_at[k] = b->at;
        u->log_median = b->log_median;
        u->sigma = b->sigma;
        u->line = b->at->line;
        u->col = b->at->col;
    } else if (u->log_median != b->log_median || u->sigma != b->sigma) {
        sc_err(&q->r, b->at, "observation %zu gives bias_group '%s' a bias model other than the one "
                             "at line %d; expected the same model on every report of a group (or "
                             "on one of them only)",
               i + 1, u->name, q->model_at[k]->line);
    }
}

/* Every group needs a model on at least one of its reports. */
static void check_groups(obs_reader *q)
{
    for (size_t k = 0; k < q->o->nb; k++)
        if (!q->model_at[k])
            sc_err(&q->r, q->group_at[k], "bias_group '%s' has no bias model; expected bias: "
                                          "{lognormal: {median: M, sigma: S}} on one of its reports",
                   q->o->b[k].name);
}

/* The automatic label of a report: metric@DATE, metric@D1..D2, event@DATE. */
static void auto_label(const obs_reader *q, const sal_obs_entry *e, char *buf, size_t size)
{
    const sal_model *m = q->r.m;
    const char *name = e->is_event ? m->events[e->index] : m->metrics[e->index].name;
    char a[11], b[11];
    day_text(q, e->d1, a);
    day_text(q, e->d2, b);
    if (e->is_event && e->quantity == SAL_OBS_EV_ON)
        day_text(q, (e->d1 + e->d2 + 1) / 2, b); /* the day it names (d1 may be clamped) */
    if (!e->is_event && e->quantity != SAL_OBS_ON_DAY)
        snprintf(buf, size, "%s@%s..%s", name, a, b);
    else
        snprintf(buf, size, "%s@%s", name, b);
}

static int label_used(const sal_obs_set *o, size_t upto, const char *s)
{
    for (size_t j = 0; j < upto; j++)
        if (o->e[j].label && strcmp(o->e[j].label, s) == 0)
            return (int)j + 1;
    return 0;
}

/* Labels: ids must be unique; automatic labels get "#2", "#3"... when taken. */
static void make_labels(obs_reader *q, const yd_node *list)
{
    sal_obs_set *o = q->o;
    for (size_t i = 0; i < o->n; i++) {
        if (!o->e[i].label)
            continue;
        int j = label_used(o, i, o->e[i].label);
        if (j)
            sc_err(&q->r, yd_get(list->kids[i], "id"), "observation %zu has the id '%s' of "
                                                       "observation %d; expected unique ids",
                   i + 1, o->e[i].label, j);
    }
    for (size_t i = 0; i < o->n; i++) {
        if (o->e[i].label)
            continue;
        char base[OBS_MAX_LABEL + 100], s[OBS_MAX_LABEL + 140];
        auto_label(q, &o->e[i], base, sizeof base);
        snprintf(s, sizeof s, "%s", base);
        for (int k = 2; label_used(o, o->n, s); k++)
            snprintf(s, sizeof s, "%s#%d", base, k);
        o->e[i].label = sc_strdup_s(&q->r, s);
    }
}

/* ---- the file -------------------------------------------------------------------- */

static void read_list(obs_reader *q, const yd_node *root)
{
    if (!root) {
        sc_err(&q->r, NULL, "the file is empty; expected 'observations:' with a list of reports");
        return;
    }
    if (root->kind != YD_MAP) {
        sc_err(&q->r, root, "the top level is %s; expected a mapping with 'observations:'",
               yd_describe(root));
        return;
    }
    sc_keys(&q->r, root, TOP_KEYS, "the top level");
    const yd_node *d = yd_get(root, "description"), *list = yd_get(root, "observations");
    const char *s;
    if (d)
        sc_str(&q->r, d, "the description", &s);
    if (!list) {
        sc_err(&q->r, root, "no 'observations' list; expected 'observations:' with a list of "
                            "reports");
        return;
    }
    if (!sc_is_list(&q->r, list, "'observations'"))
        return;
    if (list->n == 0 || list->n > OBS_MAX_REPORTS) {
        sc_err(&q->r, list, "'observations' has %zu reports; expected 1 to %d", list->n,
               OBS_MAX_REPORTS);
        return;
    }
    sal_obs_set *o = q->o;
    obs_bias_in *b = calloc(list->n, sizeof *b);
    o->e = calloc(list->n, sizeof *o->e);
    if (!b || !o->e) {
        free(b);
        q->r.oom = 1;
        return;
    }
    for (size_t i = 0; i < list->n; i++, o->n++)
        read_entry(q, list->kids[i], i, &o->e[i], &b[i]);
    if (!q->r.errors)
        make_labels(q, list);
    for (size_t i = 0; i < o->n && !q->r.errors && !q->r.oom; i++)
        resolve_bias(q, i, &b[i]);
    if (!q->r.errors && !q->r.oom)
        check_groups(q);
    free(b);
}

int sal_obs_read_string(const char *name, const char *text, size_t len, const sal_model *m,
                        sal_obs_set **out, sal_diags *d)
{
    *out = NULL;
    if (!name)
        name = "<observations>";
    if (!m || !text)
        return SAL_EINPUT;
    yd_arena *a = yd_arena_alloc();
    obs_reader q;
    memset(&q, 0, sizeof q);
    q.o = calloc(1, sizeof *q.o);
    if (!a || !q.o) {
        yd_arena_free(a);
        free(q.o);
        return SAL_ENOMEM;
    }
    q.o->m = m;
    q.o->nmetrics = m->nmetrics;
    q.r.file = name;
    q.r.diags = d;
    q.r.m = (sal_model *)m; /* only read: lookups and suggestions */
    q.start = sal_date_to_days(m->start_year, m->start_month, m->start_day);
    yd_node *root;
    int rc = yd_parse(a, text, len, name, d, &root);
    if (rc == SAL_OK)
        read_list(&q, root);
    yd_arena_free(a);
    free(q.group_at);
    free(q.model_at);
    if (rc == SAL_OK)
        rc = q.r.oom ? SAL_ENOMEM : q.r.errors ? SAL_EINPUT : SAL_OK;
    if (rc != SAL_OK) {
        sal_obs_free(q.o);
        return rc;
    }
    *out = q.o;
    return SAL_OK;
}

int sal_obs_read_file(const char *path, const sal_model *m, sal_obs_set **out, sal_diags *d)
{
    *out = NULL;
    char *buf;
    size_t len;
    int rc = sc_read_file(path, "observations file", d, &buf, &len);
    if (rc != SAL_OK)
        return rc;
    rc = sal_obs_read_string(path, buf, len, m, out, d);
    free(buf);
    return rc;
}

/* ---- accessors -------------------------------------------------------------------- */

void sal_obs_free(sal_obs_set *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n; i++) {
        free(o->e[i].label);
        free(o->e[i].source);
    }
    for (size_t k = 0; k < o->nb; k++)
        free(o->b[k].name);
    free(o->e);
    free(o->b);
    free(o);
}

size_t sal_obs_count(const sal_obs_set *o) { return o ? o->n : 0; }
const char *sal_obs_label(const sal_obs_set *o, size_t i) { return o->e[i].label; }
const char *sal_obs_metric(const sal_obs_set *o, size_t i)
{
    const sal_obs_entry *e = &o->e[i];
    return e->is_event ? o->m->events[e->index] : o->m->metrics[e->index].name;
}
int sal_obs_is_event(const sal_obs_set *o, size_t i) { return o->e[i].is_event; }
int sal_obs_index(const sal_obs_set *o, size_t i) { return o->e[i].index; }
const char *sal_obs_source(const sal_obs_set *o, size_t i) { return o->e[i].source; }
void sal_obs_pos(const sal_obs_set *o, size_t i, int *line, int *col)
{
    *line = o->e[i].line;
    *col = o->e[i].col;
}
int32_t sal_obs_reported_day(const sal_obs_set *o, size_t i) { return o->e[i].reported; }
void sal_obs_days(const sal_obs_set *o, size_t i, int32_t *first, int32_t *last)
{
    *first = o->e[i].d1;
    *last = o->e[i].d2;
}
size_t sal_obs_truth_days(const sal_obs_set *o, size_t i, int32_t days[2])
{
    const sal_obs_entry *e = &o->e[i];
    if (e->is_event)
        return 0;
    if (e->quantity == SAL_OBS_ON_DAY) {
        days[0] = e->d2;
        return 1;
    }
    days[0] = e->d1;
    days[1] = e->d2;
    return 2;
}
int sal_obs_quantity(const sal_obs_set *o, size_t i) { return o->e[i].quantity; }
void sal_obs_error(const sal_obs_set *o, size_t i, int *kind, double *param)
{
    *kind = o->e[i].err;
    *param = o->e[i].err_param;
}
int sal_obs_bias_index(const sal_obs_set *o, size_t i) { return o->e[i].bias; }
int sal_obs_kind(const sal_obs_set *o, size_t i) { return o->e[i].kind; }
double sal_obs_lo(const sal_obs_set *o, size_t i) { return o->e[i].lo; }
double sal_obs_hi(const sal_obs_set *o, size_t i) { return o->e[i].hi; }

int32_t sal_obs_last_day(const sal_obs_set *o, int32_t as_of)
{
    int32_t last = -1;
    for (size_t i = 0; o && i < o->n; i++)
        if (o->e[i].reported <= as_of && o->e[i].d2 > last)
            last = o->e[i].d2;
    return last;
}

size_t sal_obs_nbias(const sal_obs_set *o) { return o ? o->nb : 0; }
const char *sal_obs_bias_name(const sal_obs_set *o, size_t k) { return o->b[k].name; }
void sal_obs_bias_prior(const sal_obs_set *o, size_t k, double *log_median, double *sigma)
{
    *log_median = o->b[k].log_median;
    *sigma = o->b[k].sigma;
}

/* A synthetic report in place of report i (twin experiments): the same
 * metric, days, form, error and bias, a new figure.  lo/hi as sal_obs_lo /
 * sal_obs_hi give them for the form (a value lo == hi; an event 0 or 1). */
int sal_obs_set_figure(sal_obs_set *o, size_t i, double lo, double hi)
{
    if (!o || i >= o->n || isnan(lo) || isnan(hi) || lo > hi)
        return SAL_EINPUT;
    sal_obs_entry *e = &o->e[i];
    int ok;
    switch (e->kind) {
    case SAL_OBS_VALUE: ok = lo == hi && isfinite(lo); break;
    case SAL_OBS_AT_LEAST: ok = isfinite(lo) && hi == INFINITY; break;
    case SAL_OBS_AT_MOST: ok = lo == -INFINITY && isfinite(hi); break;
    case SAL_OBS_RANGE: ok = isfinite(lo) && isfinite(hi); break;
    default: ok = lo == hi && (lo == 0 || lo == 1); break;
    }
    if (!ok)
        return SAL_EINPUT;
    e->lo = lo, e->hi = hi;
    return SAL_OK;
}

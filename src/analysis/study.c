/* salient — theses files: reading (through the scenario reader's YAML tree
 * and helpers, so every error is file:line:col with did-you-mean), checking
 * the names against the scenario, and the evaluation rules of a thesis
 * (include/salient/study.h and docs/theses.md state them). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_int.h"
#include "analysis/study_int.h"
#include "base/util.h"
#include "salient/date.h"
#include "salient/study.h"
#include "salient/suggest.h"

/* ---- reading -------------------------------------------------------------- */

static void pos_of(sal_pos *p, const yd_node *n)
{
    p->line = n ? n->line : 0;
    p->col = n ? n->col : 0;
}

void sal_theses_free(sal_theses *t)
{
    if (!t)
        return;
    free(t->file);
    free(t->dir);
    free(t->scenario);
    for (size_t i = 0; i < t->nsobol; i++)
        free(t->sobol_metrics[i]);
    free(t->sobol_metrics);
    free(t->at_sobol);
    for (size_t i = 0; i < t->nseeds; i++) {
        free(t->seed_file[i]);
        free(t->seed_cite[i]);
    }
    free(t->seed_file);
    free(t->seed_cite);
    for (size_t i = 0; i < t->ntheses; i++) {
        sal_thesis *h = &t->theses[i];
        free(h->id);
        free(h->seed);
        free(h->claim);
        free(h->compare);
        free(h->metric);
        free(h->event);
        free(h->date);
    }
    free(t->theses);
    for (size_t i = 0; i < t->nquestions; i++) {
        sal_question *q = &t->questions[i];
        free(q->id);
        free(q->question);
        free(q->seed);
        free(q->claim);
        free(q->where);
        free(q->where_raw);
        sal_disc_where_free(q->cond);
    }
    free(t->questions);
    free(t);
}

/* A whole number from lo to hi. */
static int read_count(sc_reader *r, const yd_node *n, const char *what, long lo, long hi,
                      uint64_t *out)
{
    long v;
    if (sc_int(r, n, what, lo, hi, &v) != 0)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

/* A finite number. */
static int read_number(sc_reader *r, const yd_node *n, const char *what, double *out)
{
    if (sc_scalar_number(n, out) != 0) {
        sc_not_a_number(r, n, what, "a number");
        return -1;
    }
    return 0;
}

static void read_study(sc_reader *r, sal_theses *t, const yd_node *st)
{
    static const char *const keys[] = {"scenario", "runs", "sensitivity", NULL};
    static const char *const skeys[] = {"metrics", "base", NULL};
    if (!sc_is_map(r, st, "'study'"))
        return;
    sc_keys(r, st, keys, "'study'");
    const yd_node *n = yd_get(st, "scenario");
    if (!n)
        sc_err(r, st, "'study' has no 'scenario'; expected the scenario file, relative to this "
                      "file");
    else if (sc_strdup(r, n, "the scenario of 'study'", &t->scenario) == 0)
        pos_of(&t->at_scenario, n);
    if ((n = yd_get(st, "runs")))
        read_count(r, n, "'study.runs'", 1, 100000000, &t->runs);
    const yd_node *se = yd_get(st, "sensitivity");
    if (!se || !sc_is_map(r, se, "'study.sensitivity'"))
        return;
    sc_keys(r, se, skeys, "'study.sensitivity'");
    if ((n = yd_get(se, "base"))) {
        /* a power of 2 keeps the Sobol' sequence balanced (salient/sobol.h) */
        if (read_count(r, n, "'study.sensitivity.base'", 2, 1L << 20, &t->sobol_base) == 0 &&
            (t->sobol_base & (t->sobol_base - 1)) != 0) {
            sc_err(r, n, "'study.sensitivity.base' is %llu; expected a power of 2 (64, 128, 256, "
                         "...)",
                   (unsigned long long)t->sobol_base);
            t->sobol_base = 0;
        }
    } else {
        sc_err(r, se, "'study.sensitivity' has no 'base'; expected the base sample, e.g. 128");
    }
    const yd_node *ms = yd_get(se, "metrics");
    if (!ms) {
        sc_err(r, se, "'study.sensitivity' has no 'metrics'; expected a list of metric names");
        return;
    }
    if (!sc_is_list(r, ms, "'study.sensitivity.metrics'"))
        return;
    t->sobol_metrics = calloc(ms->n ? ms->n : 1, sizeof *t->sobol_metrics);
    t->at_sobol = calloc(ms->n ? ms->n : 1, sizeof *t->at_sobol);
    if (!t->sobol_metrics || !t->at_sobol) {
        r->oom = 1;
        return;
    }
    for (size_t i = 0; i < ms->n; i++) {
        char *s;
        if (sc_strdup(r, ms->kids[i], "a metric of 'study.sensitivity'", &s) != 0)
            continue;
        pos_of(&t->at_sobol[t->nsobol], ms->kids[i]);
        t->sobol_metrics[t->nsobol++] = s;
    }
}

static const char *const expect_words[] = {"increase", "decrease", NULL};
static const char *const expect_keys[] = {"above",           "below",           "within",
                                          "probability_above", "probability_below", NULL};

static void read_expect(sc_reader *r, sal_thesis *h, const yd_node *e, const char *what)
{
    if (e->kind == YD_SCALAR && !yd_is_null(e)) {
        for (int i = 0; expect_words[i]; i++)
            if (strcmp(e->str, expect_words[i]) == 0) {
                h->expect = i == 0 ? SAL_EXPECT_INCREASE : SAL_EXPECT_DECREASE;
                return;
            }
        const char *s = sal_suggest(e->str, expect_words, 2);
        if (s)
            sc_err(r, e, "%s is '%s'; did you mean '%s'?", what, e->str, s);
        else
            sc_err(r, e, "%s is '%s'; expected increase, decrease, {above: x}, {below: x}, "
                         "{within: [lo, hi]}, {probability_above: p} or {probability_below: p}",
                   what, e->str);
        return;
    }
    if (e->kind != YD_MAP || e->n != 1) {
        sc_err(r, e, "%s is %s; expected increase, decrease or a mapping of one key such as "
                     "{above: x}",
               what, e->kind == YD_MAP ? "a mapping of several keys" : yd_describe(e));
        return;
    }
    if (sc_keys(r, e, expect_keys, what) != 0)
        return;
    const yd_node *k = yd_key(e, 0), *v = yd_val(e, 0);
    char w[300];
    snprintf(w, sizeof w, "'%s' of %s", k->str, what);
    if (strcmp(k->str, "within") == 0) {
        if (!sc_is_list(r, v, w))
            return;
        if (v->n != 2) {
            sc_err(r, v, "%s has %zu numbers; expected two, [lo, hi]", w, v->n);
            return;
        }
        if (read_number(r, v->kids[0], w, &h->x[0]) != 0 ||
            read_number(r, v->kids[1], w, &h->x[1]) != 0)
            return;
        if (!(h->x[0] <= h->x[1]))
            sc_err(r, v, "%s is [%g, %g]; expected lo <= hi", w, h->x[0], h->x[1]);
        h->expect = SAL_EXPECT_WITHIN;
        return;
    }
    if (read_number(r, v, w, &h->x[0]) != 0)
        return;
    if (strncmp(k->str, "probability_", 12) == 0) {
        if (h->x[0] < 0 || h->x[0] > 1)
            sc_err(r, v, "%s is %g; expected a probability between 0 and 1", w, h->x[0]);
        h->expect = k->str[12] == 'a' ? SAL_EXPECT_PROB_ABOVE : SAL_EXPECT_PROB_BELOW;
    } else {
        h->expect = k->str[0] == 'a' ? SAL_EXPECT_ABOVE : SAL_EXPECT_BELOW;
    }
}

/* seeds: a list of {file: NAME.txt, cite: "Author, Title, Publisher, date"}:
 * how the report cites each seed beside its file name. */
static void read_seeds(sc_reader *r, sal_theses *t, const yd_node *l)
{
    static const char *const keys[] = {"file", "cite", NULL};
    if (!sc_is_list(r, l, "'seeds'"))
        return;
    t->seed_file = calloc(l->n ? l->n : 1, sizeof *t->seed_file);
    t->seed_cite = calloc(l->n ? l->n : 1, sizeof *t->seed_cite);
    if (!t->seed_file || !t->seed_cite) {
        r->oom = 1;
        return;
    }
    for (size_t i = 0; i < l->n; i++) {
        const yd_node *n = l->kids[i];
        if (!sc_is_map(r, n, "a seed"))
            continue;
        sc_keys(r, n, keys, "a seed");
        const yd_node *f = yd_get(n, "file"), *c = yd_get(n, "cite");
        if (!f || !c) {
            sc_err(r, n, "a seed needs 'file' and 'cite'; expected {file: NAME.txt, cite: "
                         "\"Author, Title, Publisher, date\"}");
            continue;
        }
        char *fs = NULL, *cs = NULL;
        if (sc_strdup(r, f, "the file of a seed", &fs) != 0 ||
            sc_strdup(r, c, "the citation of a seed", &cs) != 0) {
            free(fs);
            free(cs);
            continue;
        }
        int dup = 0;
        for (size_t k = 0; k < t->nseeds; k++)
            dup |= t->seed_file[k] && strcmp(t->seed_file[k], fs) == 0;
        if (dup) {
            sc_err(r, f, "seed '%s' is cited twice; expected one entry per file", fs);
            free(fs);
            free(cs);
            continue;
        }
        t->seed_file[t->nseeds] = fs;
        t->seed_cite[t->nseeds++] = cs;
    }
}

/* The id of thesis n (what names it in messages, size wn): 0 when it is
 * new and kept (t->ntheses counts it, so it is freed with t), -1 on an
 * error (reported). */
static int read_thesis_id(sc_reader *r, sal_theses *t, const yd_node *n, char *what, size_t wn)
{
    static const char *const keys[] = {"id", "seed", "claim", "test", NULL};
    sal_thesis *h = &t->theses[t->ntheses];
    const yd_node *x = yd_get(n, "id");
    if (x && x->kind == YD_SCALAR && !yd_is_null(x) && x->len && x->len < 100)
        snprintf(what, wn, "thesis '%s'", x->str);
    sc_keys(r, n, keys, what);
    if (!x) {
        sc_err(r, n, "%s has no 'id'; expected a short name such as 'salient-falls'", what);
        return -1;
    }
    if (sc_strdup(r, x, "the id of a thesis", &h->id) != 0)
        return -1;
    for (size_t i = 0; i < t->ntheses; i++)
        if (strcmp(t->theses[i].id, h->id) == 0) {
            sc_err(r, x, "thesis '%s' is defined twice (first at line %d); expected unique ids",
                   h->id, t->theses[i].at.line);
            free(h->id);
            h->id = NULL;
            return -1;
        }
    t->ntheses++;
    snprintf(what, wn, "thesis '%s'", h->id);
    return 0;
}

/* What test te of h (tw what it is) names: the variant, the metric or the
 * event, and the date. */
static void read_test_names(sc_reader *r, sal_thesis *h, const yd_node *te, const char *tw)
{
    const yd_node *x;
    if ((x = yd_get(te, "compare")) && sc_strdup(r, x, "the variant to compare", &h->compare) == 0)
        pos_of(&h->at_compare, x);
    const yd_node *mn = yd_get(te, "metric"), *en = yd_get(te, "event");
    if (mn && en)
        sc_err(r, en, "%s has both 'metric' and 'event'; expected one of them", tw);
    else if (!mn && !en)
        sc_err(r, te, "%s has neither 'metric' nor 'event'; expected one of them", tw);
    else if (mn && sc_strdup(r, mn, "the metric of a test", &h->metric) == 0)
        pos_of(&h->at_name, mn);
    else if (en && sc_strdup(r, en, "the event of a test", &h->event) == 0)
        pos_of(&h->at_name, en);
    const yd_node *at = yd_get(te, "at"), *by = yd_get(te, "by");
    if (at && mn == NULL && en)
        sc_err(r, at, "%s tests an event and has 'at'; expected 'by: DATE'", tw);
    else if (by && en == NULL && mn)
        sc_err(r, by, "%s tests a metric and has 'by'; expected 'at: DATE'", tw);
    const yd_node *dn = at ? at : by;
    if (dn && sc_strdup(r, dn, "the date of a test", &h->date) == 0)
        pos_of(&h->at_date, dn);
}

/* Which expectations make sense for which test: h's expectation e (ew what
 * it is) against what the test compares and names. */
static void check_expect(sc_reader *r, const sal_thesis *h, const yd_node *e, const char *ew)
{
    int prob = h->expect == SAL_EXPECT_PROB_ABOVE || h->expect == SAL_EXPECT_PROB_BELOW;
    int dir = h->expect == SAL_EXPECT_INCREASE || h->expect == SAL_EXPECT_DECREASE;
    if (dir && !h->compare)
        sc_err(r, e, "%s is '%s' but the test compares nothing; expected 'compare: VARIANT' "
                     "(or {above: x} / {below: x})",
               ew, h->expect == SAL_EXPECT_INCREASE ? "increase" : "decrease");
    else if (h->event && !h->compare && !prob)
        sc_err(r, e, "%s: an event test expects {probability_above: p} or "
                     "{probability_below: p}",
               ew);
    else if (h->event && h->compare && !dir)
        sc_err(r, e, "%s: a compare test of an event expects increase or decrease", ew);
    else if (h->metric && prob)
        sc_err(r, e, "%s: a metric test expects {above: x}, {below: x} or {within: [lo, hi]}"
                     "%s; probabilities are for events",
               ew, h->compare ? ", increase or decrease" : "");
}

static void read_thesis(sc_reader *r, sal_theses *t, const yd_node *n, size_t idx)
{
    static const char *const tkeys[] = {"compare", "metric", "event", "at", "by", "expect", NULL};
    sal_thesis *h = &t->theses[t->ntheses];
    memset(h, 0, sizeof *h);
    h->day = -1;
    pos_of(&h->at, n);
    char what[200];
    snprintf(what, sizeof what, "thesis %zu", idx + 1);
    if (!sc_is_map(r, n, what) || read_thesis_id(r, t, n, what, sizeof what) != 0)
        return;
    const yd_node *x;
    if ((x = yd_get(n, "seed")))
        sc_strdup(r, x, "the seed of a thesis", &h->seed);
    if ((x = yd_get(n, "claim")))
        sc_strdup(r, x, "the claim of a thesis", &h->claim);
    const yd_node *te = yd_get(n, "test");
    if (!te) {
        sc_err(r, n, "%s has no 'test'; expected {metric: M, at: DATE, expect: ...} or "
                     "{event: E, ...} or {compare: VARIANT, ...}",
               what);
        return;
    }
    char tw[240];
    snprintf(tw, sizeof tw, "the test of %s", what);
    if (!sc_is_map(r, te, tw))
        return;
    sc_keys(r, te, tkeys, tw);
    pos_of(&h->at, te);
    read_test_names(r, h, te, tw);
    const yd_node *e = yd_get(te, "expect");
    if (!e) {
        sc_err(r, te, "%s has no 'expect'; expected increase, decrease, {above: x}, {below: x}, "
                      "{within: [lo, hi]}, {probability_above: p} or {probability_below: p}",
               tw);
        return;
    }
    char ew[260];
    snprintf(ew, sizeof ew, "'expect' of %s", what);
    read_expect(r, h, e, ew);
    if (!r->errors)
        check_expect(r, h, e, ew);
}

/* ---- discovery questions -------------------------------------------------- */

static const char *const methods[] = {"prim", "cart", NULL};

/* The condition's text and where it starts, as the scenario's expressions
 * are located (sc_compile): a multi-line scalar by its raw text, a quoted
 * one one column in. */
static void read_where(sc_reader *r, sal_question *q, const yd_node *n, const char *what)
{
    if (n->kind != YD_SCALAR || yd_is_null(n) || n->len == 0) {
        sc_err(r, n, "%s is %s; expected a condition on a run such as "
                     "'event_day(E) < date(2025-12-31)' or 'M > 3000'",
               what, n->kind == YD_SCALAR && !yd_is_null(n) ? "empty" : yd_describe(n));
        return;
    }
    q->where = sc_strdup_s(r, n->str);
    if (n->raw)
        q->where_raw = sc_strdup_s(r, n->raw);
    q->at_where.line = n->raw ? n->rline : n->line;
    q->at_where.col = n->raw ? n->rcol : n->col + (n->style == 1 || n->style == 2);
}

static void read_method(sc_reader *r, sal_question *q, const yd_node *n, const char *what)
{
    if (n->kind == YD_SCALAR && !yd_is_null(n))
        for (int i = 0; methods[i]; i++)
            if (strcmp(n->str, methods[i]) == 0) {
                q->cart = i == 1;
                return;
            }
    const char *s = n->kind == YD_SCALAR && !yd_is_null(n) ? sal_suggest(n->str, methods, 2) : NULL;
    if (s)
        sc_err(r, n, "%s is '%s'; did you mean '%s'?", what, n->str, s);
    else
        sc_err(r, n, "%s is %s; expected prim or cart", what,
               n->kind == YD_SCALAR && !yd_is_null(n) ? "not a method" : yd_describe(n));
}

static void read_question(sc_reader *r, sal_theses *t, const yd_node *n, size_t idx)
{
    static const char *const keys[] = {"id",    "question", "seed",      "claim",
                                       "where", "method",   "threshold", NULL};
    sal_question *q = &t->questions[t->nquestions];
    memset(q, 0, sizeof *q);
    pos_of(&q->at, n);
    char what[200];
    snprintf(what, sizeof what, "discovery question %zu", idx + 1);
    if (!sc_is_map(r, n, what))
        return;
    const yd_node *x = yd_get(n, "id");
    if (x && x->kind == YD_SCALAR && !yd_is_null(x) && x->len && x->len < 100)
        snprintf(what, sizeof what, "discovery question '%s'", x->str);
    sc_keys(r, n, keys, what);
    if (!x) {
        sc_err(r, n, "%s has no 'id'; expected a short name such as 'lethal-aid-worlds'", what);
        return;
    }
    if (sc_strdup(r, x, "the id of a discovery question", &q->id) != 0)
        return;
    for (size_t i = 0; i < t->nquestions; i++)
        if (strcmp(t->questions[i].id, q->id) == 0) {
            sc_err(r, x, "discovery question '%s' is defined twice (first at line %d); expected "
                         "unique ids",
                   q->id, t->questions[i].at.line);
            free(q->id);
            q->id = NULL;
            return;
        }
    t->nquestions++; /* from here on q is freed with t */
    snprintf(what, sizeof what, "discovery question '%s'", q->id);
    if ((x = yd_get(n, "question")))
        sc_strdup(r, x, "the question of a discovery question", &q->question);
    if ((x = yd_get(n, "seed")))
        sc_strdup(r, x, "the seed of a discovery question", &q->seed);
    if ((x = yd_get(n, "claim")))
        sc_strdup(r, x, "the claim of a discovery question", &q->claim);
    char w[260];
    snprintf(w, sizeof w, "'method' of %s", what);
    if ((x = yd_get(n, "method")))
        read_method(r, q, x, w);
    snprintf(w, sizeof w, "'threshold' of %s", what);
    if ((x = yd_get(n, "threshold")) && read_number(r, x, w, &q->threshold) == 0 &&
        !(q->threshold > 0 && q->threshold <= 1)) {
        sc_err(r, x, "%s is %g; expected a density above 0 and at most 1 (default 0.8)", w,
               q->threshold);
        q->threshold = 0;
    }
    snprintf(w, sizeof w, "'where' of %s", what);
    if ((x = yd_get(n, "where")))
        read_where(r, q, x, w);
    else
        sc_err(r, n, "%s has no 'where'; expected the condition on a run, such as "
                     "'event_day(E) < date(2025-12-31)'",
               what);
}

static void read_questions(sc_reader *r, sal_theses *t, const yd_node *list)
{
    if (!sc_is_list(r, list, "'discover'"))
        return;
    t->questions = calloc(list->n ? list->n : 1, sizeof *t->questions);
    if (!t->questions) {
        r->oom = 1;
        return;
    }
    for (size_t i = 0; i < list->n; i++)
        read_question(r, t, list->kids[i], i);
}

static char *dir_of(const char *path)
{
    const char *s = strrchr(path, '/');
    size_t n = s ? (size_t)(s - path) : 0;
    if (s && n == 0)
        n = 1; /* "/x.yaml" */
    char *d = malloc(n ? n + 1 : 2);
    if (!d)
        return NULL;
    if (n) {
        memcpy(d, path, n);
        d[n] = '\0';
    } else {
        strcpy(d, ".");
    }
    return d;
}

int sal_theses_read_buffer(const char *buf, size_t len, const char *name, sal_diags *diags,
                           sal_theses **out)
{
    static const char *const keys[] = {"study", "theses", "discover", "seeds", NULL};
    *out = NULL;
    if (!name)
        name = "<theses>";
    sal_theses *t = calloc(1, sizeof *t);
    yd_arena *a = yd_arena_alloc();
    if (!t || !a || !(t->file = sal_strdup(name)) || !(t->dir = dir_of(name))) {
        sal_theses_free(t);
        yd_arena_free(a);
        return SAL_ENOMEM;
    }
    yd_node *root = NULL;
    int rc = yd_parse(a, buf, len, name, diags, &root);
    if (rc != SAL_OK) {
        sal_theses_free(t);
        yd_arena_free(a);
        return rc;
    }
    sc_reader r;
    memset(&r, 0, sizeof r);
    r.file = name;
    r.diags = diags;
    if (!root || yd_is_null(root)) {
        sc_err(&r, NULL, "the file is empty; expected 'study:' and 'theses:' sections");
    } else if (sc_is_map(&r, root, "the theses file")) {
        sc_keys(&r, root, keys, "the theses file");
        const yd_node *st = yd_get(root, "study");
        if (st)
            read_study(&r, t, st);
        else
            sc_err(&r, root, "the theses file has no 'study' section; expected 'study: "
                             "{scenario: FILE.yaml, runs: N}'");
        const yd_node *sd = yd_get(root, "seeds");
        if (sd)
            read_seeds(&r, t, sd);
        const yd_node *th = yd_get(root, "theses");
        if (!th) {
            sc_err(&r, root, "the theses file has no 'theses' section; expected a list of "
                             "theses");
        } else if (sc_is_list(&r, th, "'theses'")) {
            t->theses = calloc(th->n ? th->n : 1, sizeof *t->theses);
            if (!t->theses)
                r.oom = 1;
            for (size_t i = 0; t->theses && i < th->n; i++)
                read_thesis(&r, t, th->kids[i], i);
        }
        const yd_node *dq = yd_get(root, "discover");
        if (dq)
            read_questions(&r, t, dq);
    }
    yd_arena_free(a);
    if (r.oom || r.errors) {
        sal_theses_free(t);
        return r.oom ? SAL_ENOMEM : SAL_EINPUT;
    }
    *out = t;
    return SAL_OK;
}

int sal_theses_read(const char *path, sal_diags *diags, sal_theses **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        sal_diags_add(diags, path, 0, 0, "cannot open the file: %s; expected a readable theses "
                                         "file",
                      strerror(errno));
        return SAL_EIO;
    }
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    int rc = b ? SAL_OK : SAL_ENOMEM;
    while (rc == SAL_OK) {
        if (n == cap) {
            char *nb = cap < (size_t)YD_MAX_BYTES ? realloc(b, cap * 2) : NULL;
            if (!nb) {
                rc = cap < (size_t)YD_MAX_BYTES ? SAL_ENOMEM : SAL_EINPUT;
                if (rc == SAL_EINPUT)
                    sal_diags_add(diags, path, 0, 0, "the file is larger than %d MiB; expected "
                                                     "a smaller theses file",
                                  YD_MAX_BYTES >> 20);
                break;
            }
            b = nb;
            cap *= 2;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (rc == SAL_OK && ferror(f)) {
        sal_diags_add(diags, path, 0, 0, "cannot read the file; expected a readable theses file");
        rc = SAL_EIO;
    }
    fclose(f);
    if (rc == SAL_OK)
        rc = sal_theses_read_buffer(b, n, path, diags, out);
    free(b);
    return rc;
}

/* ---- names against the scenario ------------------------------------------- */

static int find(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return (int)i;
    return -1;
}

static int check_name(const sal_theses *t, sal_diags *d, const char *kind, const char *name,
                      sal_pos p, const char *const *v, size_t n)
{
    if (find(v, n, name) >= 0)
        return 0;
    const char *s = sal_suggest(name, v, n);
    if (s)
        sal_diags_add(d, t->file, p.line, p.col, "no %s '%s' in the scenario; did you mean '%s'?",
                      kind, name, s);
    else if (n == 0)
        sal_diags_add(d, t->file, p.line, p.col, "no %s '%s' in the scenario; it has no %ss",
                      kind, name, kind);
    else {
        char list[600];
        sal_join_names(list, sizeof list, v, n);
        sal_diags_add(d, t->file, p.line, p.col, "no %s '%s' in the scenario; expected one of: %s",
                      kind, name, list);
    }
    return -1;
}

int sal_theses_bind(sal_theses *t, const sal_model *m, sal_diags *d)
{
    int bad = 0;
    const char **metrics = calloc(m->nmetrics + 1, sizeof *metrics);
    if (!metrics)
        return SAL_ENOMEM;
    for (size_t i = 0; i < m->nmetrics; i++)
        metrics[i] = m->metrics[i].name;
    const char *const *events = (const char *const *)m->events;
    const char *const *variants = (const char *const *)m->variants;
    for (size_t i = 0; i < t->nsobol; i++)
        bad |= check_name(t, d, "metric", t->sobol_metrics[i], t->at_sobol[i], metrics,
                          m->nmetrics) != 0;
    if (t->nsobol && m->nuncertain == 0) {
        sal_diags_add(d, t->file, t->at_sobol[0].line, t->at_sobol[0].col,
                      "the scenario has no uncertain input; expected 'study.sensitivity' only "
                      "for a scenario with distributions");
        bad = 1;
    }
    long start = sal_date_to_days(m->start_year, m->start_month, m->start_day);
    char first[11], last[11];
    sal_date_format(start, first);
    sal_date_format(start + m->horizon, last);
    for (size_t i = 0; i < t->ntheses; i++) {
        sal_thesis *h = &t->theses[i];
        if (h->compare)
            bad |= check_name(t, d, "variant", h->compare, h->at_compare, variants,
                              m->nvariants) != 0;
        if (h->metric)
            bad |= check_name(t, d, "metric", h->metric, h->at_name, metrics, m->nmetrics) != 0;
        if (h->event)
            bad |= check_name(t, d, "event", h->event, h->at_name, events, m->nevents) != 0;
        h->day = m->horizon;
        if (h->date) {
            int y, mo, dd;
            if (sal_date_parse(h->date, &y, &mo, &dd) != 0) {
                sal_diags_add(d, t->file, h->at_date.line, h->at_date.col,
                              "the date of thesis '%s' is '%s', not a calendar date; expected "
                              "YYYY-MM-DD from %s to %s",
                              h->id, h->date, first, last);
                bad = 1;
                continue;
            }
            long z = sal_date_to_days(y, mo, dd) - start;
            if (z < 0 || z > m->horizon) {
                sal_diags_add(d, t->file, h->at_date.line, h->at_date.col,
                              "the date of thesis '%s', %s, is %s the scenario (%s to %s); "
                              "expected a date within it",
                              h->id, h->date, z < 0 ? "before the start of" : "after the end of",
                              first, last);
                bad = 1;
                continue;
            }
            h->day = (int)z;
        }
    }
    free(metrics);
    int rc = sal_study_bind_questions(t, m, d);
    if (rc == SAL_ENOMEM)
        return rc;
    return bad || rc != SAL_OK ? SAL_EINPUT : SAL_OK;
}

void sal_thesis_describe(const sal_thesis *t, const sal_model *m, char *test, size_t ntest,
                         char *expect, size_t nexpect)
{
    char date[11];
    sal_date_format(sal_date_to_days(m->start_year, m->start_month, m->start_day) + t->day,
                    date);
    const char *name = t->metric ? t->metric : t->event;
    const char *prep = t->metric ? "on" : "by";
    if (t->compare)
        snprintf(test, ntest, "%s - base: %s %s %s", t->compare, name, prep, date);
    else
        snprintf(test, ntest, "%s %s %s", name, prep, date);
    switch (t->expect) {
    case SAL_EXPECT_INCREASE: snprintf(expect, nexpect, "increase"); break;
    case SAL_EXPECT_DECREASE: snprintf(expect, nexpect, "decrease"); break;
    case SAL_EXPECT_ABOVE: snprintf(expect, nexpect, "above %.6g", t->x[0]); break;
    case SAL_EXPECT_BELOW: snprintf(expect, nexpect, "below %.6g", t->x[0]); break;
    case SAL_EXPECT_WITHIN:
        snprintf(expect, nexpect, "within [%.6g, %.6g]", t->x[0], t->x[1]);
        break;
    case SAL_EXPECT_PROB_ABOVE: snprintf(expect, nexpect, "probability above %.6g", t->x[0]); break;
    case SAL_EXPECT_PROB_BELOW: snprintf(expect, nexpect, "probability below %.6g", t->x[0]); break;
    }
}

/* ---- evaluation ------------------------------------------------------------ */

const char *sal_verdict_name(sal_verdict v)
{
    return v == SAL_VERDICT_SUPPORTED ? "supported"
           : v == SAL_VERDICT_CONTRADICTED ? "contradicted"
                                           : "uncertain";
}

/* The number of values x_k (k = 0 .. n-1, sorted) with x_k <= x, from the
 * sketch's order statistics: the largest k whose quantile is <= x, found by
 * bisection.  q = (k + 0.5) / (n - 1) makes floor(q (n - 1)) = k exactly
 * (salient/summary.h's quantile definition) without a rounding hazard.  A
 * sketch returns v_k with |v_k - x_k| <= a |x_k| and the sign of x_k, so the
 * count is exact for x = 0; for other x only values within a relative a of x
 * can be misplaced. */
static uint64_t count_le(const sal_sketch *s, double x, int strict)
{
    uint64_t n = sal_sketch_count(s);
    if (n == 0)
        return 0;
    if (n == 1) {
        double v = sal_sketch_quantile(s, 0);
        return strict ? v < x : v <= x;
    }
    /* values are non-decreasing in k: find the first k with v_k > x (or >= x) */
    uint64_t lo = 0, hi = n; /* answer in [lo, hi] */
    while (lo < hi) {
        uint64_t k = lo + (hi - lo) / 2;
        double q = k + 1 == n ? 1.0 : ((double)k + 0.5) / (double)(n - 1);
        double v = sal_sketch_quantile(s, q);
        int in = strict ? v < x : v <= x;
        if (in)
            lo = k + 1;
        else
            hi = k;
    }
    return lo;
}

double sal_sketch_share_above(const sal_sketch *s, double x)
{
    uint64_t n = sal_sketch_count(s);
    if (n == 0)
        return NAN;
    return (double)(n - count_le(s, x, 0)) / (double)n;
}

double sal_sketch_share_below(const sal_sketch *s, double x)
{
    uint64_t n = sal_sketch_count(s);
    if (n == 0)
        return NAN;
    return (double)count_le(s, x, 1) / (double)n;
}

/* Wilson (1927): the p with |k/n - p| = z sqrt(p (1 - p) / n), i.e.
 *   centre = (k/n + z^2 / 2n) / (1 + z^2 / n)
 *   half   = z / (1 + z^2 / n) * sqrt(k/n (1 - k/n) / n + z^2 / 4n^2). */
void sal_wilson90(double k, double n, double *lo, double *hi)
{
    const double z = 1.6448536269514722;
    if (!(n > 0)) {
        *lo = *hi = NAN;
        return;
    }
    double p = k / n, z2 = z * z, den = 1 + z2 / n;
    double centre = (p + z2 / (2 * n)) / den;
    double half = z / den * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    *lo = fmax(0, centre - half);
    *hi = fmin(1, centre + half);
}

/* P(event by day) from the summary's exact day counts. */
static double event_by(const sal_summary *s, uint32_t e, int day, double *k)
{
    uint64_t c = 0;
    for (int d = 0; d <= day; d++)
        c += sal_summary_event_day_count(s, e, d);
    *k = (double)c;
    uint64_t n = sal_summary_runs(s);
    return n ? (double)c / (double)n : NAN;
}

static void judge_share(sal_thesis_result *r)
{
    r->verdict = r->probability >= 0.75   ? SAL_VERDICT_SUPPORTED
                 : r->probability <= 0.25 ? SAL_VERDICT_CONTRADICTED
                                          : SAL_VERDICT_UNCERTAIN;
}

/* The interval [lo, hi] against the threshold p, the thesis predicting
 * values above p (above = 1) or below it. */
static void judge_interval(sal_thesis_result *r, double p, int above)
{
    r->verdict = SAL_VERDICT_UNCERTAIN; /* NaN bounds, or an interval across p */
    if (isnan(r->lo) || isnan(r->hi))
        return;
    if (above ? r->lo > p : r->hi < p)
        r->verdict = SAL_VERDICT_SUPPORTED;
    else if (above ? r->hi <= p : r->lo >= p)
        r->verdict = SAL_VERDICT_CONTRADICTED;
}

/* Numbers in sentences: 3 significant figures, thousands as written. */
static void fmt(char *b, size_t n, double x)
{
    if (isnan(x))
        snprintf(b, n, "n/a");
    else if (fabs(x) >= 1000)
        snprintf(b, n, "%.0f", x);
    else
        snprintf(b, n, "%.3g", x);
}

static void pct(char *b, size_t n, double p)
{
    if (isnan(p))
        snprintf(b, n, "n/a");
    else
        snprintf(b, n, "%.0f%%", 100 * p);
}

/* The metric's summary the thesis reads: the base's (s), or the paired
 * difference of its variant (c); *k its index there; NULL when it is not
 * there. */
static const sal_summary *metric_source(const sal_thesis *t, const sal_model *m,
                                        const sal_summary *s, const sal_compare *c, int *k)
{
    *k = -1;
    if (!t->compare) {
        *k = sal_model_metric(m, t->metric);
        return s;
    }
    if (!c)
        return NULL;
    for (size_t i = 0; i < c->nmetrics; i++)
        if (strcmp(m->metrics[c->metric_a[i]].name, t->metric) == 0)
            *k = (int)i;
    return c->diff;
}

/* *p: the share of the runs in sk on the side the thesis predicts; -1
 * for an expectation a metric test cannot have. */
static int metric_share(const sal_thesis *t, const sal_sketch *sk, double *p)
{
    switch (t->expect) {
    case SAL_EXPECT_INCREASE: *p = sal_sketch_share_above(sk, 0); return 0;
    case SAL_EXPECT_DECREASE: *p = sal_sketch_share_below(sk, 0); return 0;
    case SAL_EXPECT_ABOVE: *p = sal_sketch_share_above(sk, t->x[0]); return 0;
    case SAL_EXPECT_BELOW: *p = sal_sketch_share_below(sk, t->x[0]); return 0;
    case SAL_EXPECT_WITHIN:
        *p = 1 - sal_sketch_share_below(sk, t->x[0]) - sal_sketch_share_above(sk, t->x[1]);
        return 0;
    default: return -1;
    }
}

/* out->summary of a metric test (date the day tested). */
static void metric_summary(const sal_thesis *t, const char *date, sal_thesis_result *out)
{
    char v[32], lo[32], hi[32], pr[32], x0[32], x1[32];
    fmt(x0, sizeof x0, t->x[0]);
    fmt(x1, sizeof x1, t->x[1]);
    fmt(v, sizeof v, out->value);
    fmt(lo, sizeof lo, out->lo);
    fmt(hi, sizeof hi, out->hi);
    pct(pr, sizeof pr, out->probability);
    const char *side = t->expect == SAL_EXPECT_INCREASE   ? "an increase"
                       : t->expect == SAL_EXPECT_DECREASE ? "a decrease"
                       : t->expect == SAL_EXPECT_ABOVE    ? "above"
                       : t->expect == SAL_EXPECT_BELOW    ? "below"
                                                          : "within";
    char thr[80] = "";
    if (t->expect == SAL_EXPECT_ABOVE || t->expect == SAL_EXPECT_BELOW)
        snprintf(thr, sizeof thr, " %s", x0);
    else if (t->expect == SAL_EXPECT_WITHIN)
        snprintf(thr, sizeof thr, " [%s, %s]", x0, x1);
    if (t->compare)
        snprintf(out->summary, sizeof out->summary,
                 "On %s, %s changes %s by %s on average (90%% of runs between %s and %s); "
                 "%s of runs show %s%s.",
                 date, t->compare, t->metric, v, lo, hi, pr, side, thr);
    else
        snprintf(out->summary, sizeof out->summary,
                 "On %s, %s averages %s (90%% of runs between %s and %s); %s of runs are "
                 "%s%s.",
                 date, t->metric, v, lo, hi, pr, side, thr);
}

/* A metric test: the metric's mean, 90% interval and share of runs on the
 * predicted side on the thesis's day, in the base or as a paired change. */
static int evaluate_metric(const sal_thesis *t, const sal_model *m, const sal_summary *s,
                           const sal_compare *c, const char *date, sal_thesis_result *out)
{
    if (t->compare && !c)
        return SAL_EINPUT;
    int k;
    const sal_summary *src = metric_source(t, m, s, c, &k);
    if (!src || k < 0)
        return SAL_EINPUT;
    const sal_sketch *sk = sal_summary_cell(src, (uint32_t)k, (uint32_t)t->day);
    if (!sk || sal_sketch_count(sk) == 0)
        return SAL_EINPUT;
    out->value = sal_sketch_mean(sk);
    out->lo = sal_sketch_quantile(sk, 0.05);
    out->hi = sal_sketch_quantile(sk, 0.95);
    if (metric_share(t, sk, &out->probability) != 0)
        return SAL_EINPUT;
    judge_share(out);
    metric_summary(t, date, out);
    return SAL_OK;
}

/* An event test in the base: P(event by the day) with Wilson's interval. */
static int evaluate_event(const sal_thesis *t, const sal_model *m, const sal_summary *s,
                          const char *date, sal_thesis_result *out)
{
    int e = s ? sal_model_event(m, t->event) : -1;
    if (e < 0)
        return SAL_EINPUT;
    double k, n = (double)sal_summary_runs(s);
    out->value = event_by(s, (uint32_t)e, t->day, &k);
    sal_wilson90(k, n, &out->lo, &out->hi);
    out->probability = out->value;
    judge_interval(out, t->x[0], t->expect == SAL_EXPECT_PROB_ABOVE);
    char v[32], lo[32], hi[32], pr[32];
    pct(v, sizeof v, out->value);
    pct(lo, sizeof lo, out->lo);
    pct(hi, sizeof hi, out->hi);
    pct(pr, sizeof pr, t->x[0]);
    snprintf(out->summary, sizeof out->summary,
             "%s happens by %s in %s of runs (90%% interval %s to %s); the thesis needs %s "
             "%s.",
             t->event, date, v, lo, hi,
             t->expect == SAL_EXPECT_PROB_ABOVE ? "more than" : "less than", pr);
    return SAL_OK;
}

/* An event test against a variant: the change of P(event by the day). */
static int evaluate_event_change(const sal_thesis *t, const sal_model *m, const sal_compare *c,
                                 const char *date, sal_thesis_result *out)
{
    if (!c)
        return SAL_EINPUT;
    int ce = -1;
    for (size_t i = 0; i < c->nevents; i++)
        if (strcmp(m->events[c->event_a[i]], t->event) == 0)
            ce = (int)i;
    if (ce < 0)
        return SAL_EINPUT;
    double ka, kb, n = (double)c->runs;
    double pa = event_by(c->a, (uint32_t)c->event_a[ce], t->day, &ka);
    double pb = event_by(c->b, (uint32_t)c->event_b[ce], t->day, &kb);
    out->value = pb - pa;
    /* The variance of the per-run difference of the indicators: paired
     * (common random numbers) at the horizon, where the compare counted the
     * discordant runs; before it, var(A) + var(B), an upper bound under the
     * positive correlation common random numbers give. */
    double var;
    int at_h = t->day == m->horizon;
    if (at_h)
        var = c->event_var_diff[ce];
    else
        var = n > 1 ? (ka * (n - ka) + kb * (n - kb)) / (n * (n - 1)) : NAN;
    double half = 1.6448536269514722 * sqrt(var / n);
    out->lo = out->value - half;
    out->hi = out->value + half;
    int up = t->expect == SAL_EXPECT_INCREASE;
    if (at_h && n > 1) {
        /* discordant runs D: sum of squared differences = (n-1) var + n mean^2 */
        double disc = round((n - 1) * var + (kb - ka) * (kb - ka) / n);
        double nup = (disc + (kb - ka)) / 2, ndown = (disc - (kb - ka)) / 2;
        if (disc > 0)
            out->probability = (up ? nup : ndown) / disc;
    }
    judge_interval(out, 0, up);
    char v[32], lo[32], d[32], dl[32], dh[32];
    pct(v, sizeof v, pa);
    pct(lo, sizeof lo, pb);
    snprintf(d, sizeof d, "%+.1f", 100 * out->value);
    snprintf(dl, sizeof dl, "%+.1f", 100 * out->lo);
    snprintf(dh, sizeof dh, "%+.1f", 100 * out->hi);
    snprintf(out->summary, sizeof out->summary,
             "%s by %s: %s of runs in the base, %s with %s, a change of %s points (90%% "
             "interval %s to %s).",
             t->event, date, v, lo, t->compare, d, dl, dh);
    return SAL_OK;
}

int sal_thesis_evaluate(const sal_thesis *t, const sal_model *m, const sal_summary *s,
                        const sal_compare *c, sal_thesis_result *out)
{
    memset(out, 0, sizeof *out);
    out->value = out->lo = out->hi = out->probability = NAN;
    out->verdict = SAL_VERDICT_UNCERTAIN;
    char date[11];
    sal_date_format(sal_date_to_days(m->start_year, m->start_month, m->start_day) + t->day,
                    date);
    if (t->metric)
        return evaluate_metric(t, m, s, c, date, out);
    if (!t->compare)
        return evaluate_event(t, m, s, date, out);
    return evaluate_event_change(t, m, c, date, out);
}

/* The scenario reader: the `scenario:` section, variants, building a model
 * from a document, the public entry points and sal_model_free (see
 * include/salient/model.h and docs/scenario.md). */
#include "scenario/scenario_int.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "salient/date.h"
#include "salient/expr.h"
#include "salient/suggest.h"

/* ---- the scenario: section -------------------------------------------- */

static const char *const TOP_KEYS[] = {"scenario", "actors", "forces", "sectors",
                                       "pipelines", "policies", "treaties", "ladders",
                                       "parameters", "metrics", "variants", NULL};

static int read_seed(sc_reader *r, const yd_node *n, uint64_t *out)
{
    if (n && n->kind == YD_SCALAR && !n->quoted && n->len > 0 && n->len <= 20) {
        const char *s = n->str;
        int ok = 1;
        for (const char *p = s; *p; p++)
            if (*p < '0' || *p > '9')
                ok = 0;
        if (ok) {
            errno = 0;
            char *end;
            unsigned long long v = strtoull(s, &end, 10);
            if (errno == 0 && *end == '\0') {
                *out = (uint64_t)v;
                return 0;
            }
        }
    }
    if (n && n->kind == YD_SCALAR && !yd_is_null(n))
        sc_err(r, n, "the seed is '%s'; expected a whole number from 0 to 18446744073709551615", n->str);
    else
        sc_err(r, n, "the seed is %s; expected a whole number from 0 to 18446744073709551615",
               yd_describe(n));
    return -1;
}

static void read_scenario(sc_reader *r, const yd_node *root)
{
    sal_model *m = r->m;
    const yd_node *s = yd_get(root, "scenario");
    m->start_year = 2000;
    m->start_month = 1;
    m->start_day = 1;
    m->horizon = 0;
    m->seed = 1;
    if (!s) {
        r->bad_calendar = r->bad_sides = 1;
        sc_err(r, root, "no 'scenario' section; expected 'scenario:' with name, start, horizon and sides");
        return;
    }
    if (!sc_is_map(r, s, "the 'scenario' section")) {
        r->bad_calendar = r->bad_sides = 1;
        return;
    }
    static const char *const K[] = {"name", "description", "start", "horizon", "seed", "sides", NULL};
    sc_keys(r, s, K, "the 'scenario' section");
    const yd_node *n;
    if (!(n = yd_get(s, "name")))
        sc_err(r, s, "the 'scenario' section has no 'name'; expected a name for the scenario");
    else
        sc_strdup(r, n, "the scenario name", &m->name);
    if ((n = yd_get(s, "description")))
        sc_strdup(r, n, "the scenario description", &m->description);
    if (!(n = yd_get(s, "start"))) {
        r->bad_calendar = 1;
        sc_err(r, s, "the 'scenario' section has no 'start'; expected the start date, e.g. start: 2024-11-01");
    } else if (n->kind != YD_SCALAR ||
               sal_date_parse(n->str, &m->start_year, &m->start_month, &m->start_day) != 0) {
        if (n->kind == YD_SCALAR && !yd_is_null(n))
            sc_err(r, n, "the start date is '%s', not a calendar date; expected YYYY-MM-DD", n->str);
        else
            sc_err(r, n, "the start date is %s; expected a date YYYY-MM-DD", yd_describe(n));
        m->start_year = 2000;
        m->start_month = 1;
        m->start_day = 1;
        r->bad_calendar = 1;
    }
    long h;
    if (!(n = yd_get(s, "horizon"))) {
        r->bad_calendar = 1;
        sc_err(r, s, "the 'scenario' section has no 'horizon'; expected the number of days to simulate");
    } else if (sc_int(r, n, "the horizon", 1, SC_MAX_HORIZON, &h) == 0) {
        m->horizon = (int)h;
    } else {
        r->bad_calendar = 1;
    }
    if ((n = yd_get(s, "seed")))
        read_seed(r, n, &m->seed);
    if (!(n = yd_get(s, "sides"))) {
        r->bad_sides = 1;
        sc_err(r, s, "the 'scenario' section has no 'sides'; expected the two sides, e.g. sides: [russia, ukraine]");
    } else if (n->kind != YD_SEQ || n->n != 2) {
        r->bad_sides = 1;
        sc_err(r, n, "the sides are %s; expected a list of two names, e.g. [russia, ukraine]",
               n->kind == YD_SEQ ? "a list of another length" : yd_describe(n));
    } else {
        for (int i = 0; i < 2; i++)
            if (sc_strdup(r, n->kids[i], "a side", &m->sides[i]) != 0)
                r->bad_sides = 1;
        if (m->sides[0] && m->sides[1] && strcmp(m->sides[0], m->sides[1]) == 0) {
            r->bad_sides = 1;
            sc_err(r, n->kids[1], "both sides are named '%s'; expected two different names",
                   m->sides[0]);
        }
    }
}

/* ---- building a model from a document ---------------------------------- */

static void on_missing(void *ctx, const yd_node *key, const yd_node *base_map)
{
    sc_reader *r = ctx;
    const char **c = calloc(base_map->n + 1, sizeof *c);
    for (size_t i = 0; c && i < base_map->n; i++)
        c[i] = yd_key(base_map, i)->str;
    const char *s = c ? sc_suggest(key->str, c, base_map->n) : NULL;
    if (s)
        sc_err(r, key, "'%s' is removed (set to null) but the base scenario has no such key here; "
                       "did you mean '%s'?",
               key->str, s);
    else
        sc_err(r, key, "'%s' is removed (set to null) but the base scenario has no such key here; "
                       "expected a key of the base scenario",
               key->str);
    free(c);
}

static const yd_node *find_variant(const yd_node *vars, const char *name)
{
    return vars && vars->kind == YD_MAP ? yd_get(vars, name) : NULL;
}

/* The document with variant `name` applied (extends chains first). */
/* chain gets the variants applied (at most 32), the named one first. */
static const yd_node *apply_variant(sc_reader *r, yd_arena *a, const yd_node *root,
                                    const char *name, const yd_node *chain[32], int *pnchain)
{
    const yd_node *vars = yd_get(root, "variants");
    const char *names[32];
    int nchain = 0;
    *pnchain = 0;
    const char *cur = name;
    while (cur) {
        const yd_node *v = find_variant(vars, cur);
        if (!v)
            return NULL; /* reported by the caller or by the section reader */
        for (int i = 0; i < nchain; i++) {
            if (strcmp(names[i], cur) == 0) {
                char path[600];
                size_t o = 0;
                path[0] = '\0';
                for (int j = i; j < nchain && o < sizeof path; j++) {
                    int w = snprintf(path + o, sizeof path - o, "%s -> ", names[j]);
                    if (w < 0)
                        break;
                    o += (size_t)w;
                }
                if (o < sizeof path)
                    snprintf(path + o, sizeof path - o, "%s", cur);
                sc_err(r, yd_get(chain[nchain - 1], "extends"),
                       "variants extend each other in a cycle (%s); expected a chain that ends at "
                       "the base scenario",
                       path);
                return NULL;
            }
        }
        if (nchain == 32) {
            sc_err(r, v, "variant '%s' extends a chain of more than 32 variants; expected a shorter chain",
                   name);
            return NULL;
        }
        if (v->kind != YD_MAP)
            return NULL; /* reported by read_variants */
        chain[nchain] = v;
        names[nchain++] = cur;
        *pnchain = nchain;
        const yd_node *e = yd_get(v, "extends");
        cur = NULL;
        if (e) {
            if (e->kind != YD_SCALAR || yd_is_null(e))
                return NULL; /* reported by read_variants */
            if (!find_variant(vars, e->str))
                return NULL;
            cur = e->str;
        }
    }
    const yd_node *doc = root;
    for (int i = nchain; i-- > 0;) {
        const yd_node *set = yd_get(chain[i], "set");
        if (!set)
            continue;
        if (set->kind != YD_MAP)
            return NULL;
        if (yd_get(set, "variants")) {
            sc_err(r, yd_get(set, "variants"), "a variant sets 'variants'; expected variants to "
                                                "change the scenario, not other variants");
            return NULL;
        }
        doc = yd_merge(a, doc, set, on_missing, r);
        if (!doc) {
            r->oom = 1;
            return NULL;
        }
    }
    return doc;
}

/* A variant may add entities, so a misspelt name in its 'set' reads as a new,
 * incomplete entity ("force 'dprk-kursq' has no 'owner'"), an error that
 * does not say what went wrong.  When reading the variant failed, each name
 * its chain adds that is close to a name of the base in the same section gets
 * one more error at that name, with the base's name.  A complete new entity
 * with a close name (dprk-kursk-2) is left alone: the variant read clean. */
static void hint_added_names(sc_reader *r, const yd_node *root, const yd_node *const *chain,
                             int nchain)
{
    static const char *const sections[] = {"actors", "forces", "sectors", "pipelines", "treaties",
                                           "ladders", "policies", "parameters", "metrics"};
    for (int i = 0; i < nchain; i++) {
        const yd_node *set = yd_get(chain[i], "set");
        for (size_t s = 0; set && set->kind == YD_MAP && s < sizeof sections / sizeof *sections;
             s++) {
            const yd_node *over = yd_get(set, sections[s]);
            const yd_node *base = yd_get(root, sections[s]);
            if (!over || over->kind != YD_MAP || !base || base->kind != YD_MAP || base->n == 0)
                continue;
            const char **names = calloc(base->n, sizeof *names);
            if (!names) {
                r->oom = 1;
                return;
            }
            for (size_t j = 0; j < base->n; j++)
                names[j] = yd_key(base, j)->str;
            for (size_t j = 0; j < over->n; j++) {
                const yd_node *k = yd_key(over, j);
                if (yd_get(base, k->str) || yd_is_null(yd_val(over, j)))
                    continue;
                const char *near = sc_suggest(k->str, names, base->n);
                if (near)
                    sc_err(r, k,
                           "'%s' is not in the base's %s, so the variant adds it as a new entry; "
                           "did you mean '%s'?",
                           k->str, sections[s], near);
            }
            free(names);
        }
    }
}

/* Checks the variants: section of the base document and lists the names. */
static void read_variants(sc_reader *r, const yd_node *root)
{
    sal_model *m = r->m;
    const yd_node *vars = yd_get(root, "variants");
    if (!vars || yd_is_null(vars))
        return;
    if (!sc_is_map(r, vars, "the 'variants' section"))
        return;
    if (vars->n > SC_MAX_ENTITIES) {
        sc_err(r, vars, "%zu variants; expected at most %d", vars->n, SC_MAX_ENTITIES);
        return;
    }
    m->variants = calloc(vars->n + 1, sizeof *m->variants);
    m->variant_descriptions = calloc(vars->n + 1, sizeof *m->variant_descriptions);
    if (!m->variants || !m->variant_descriptions) {
        r->oom = 1;
        return;
    }
    static const char *const K[] = {"description", "extends", "set", NULL};
    for (size_t i = 0; i < vars->n; i++) {
        const yd_node *k = yd_key(vars, i), *v = yd_val(vars, i);
        m->variants[m->nvariants] = sc_strdup_s(r, k->str);
        m->nvariants++;
        char where[200];
        snprintf(where, sizeof where, "variant '%s'", k->str);
        if (!sc_is_map(r, v, where))
            continue;
        sc_keys(r, v, K, where);
        const yd_node *n;
        if ((n = yd_get(v, "description")))
            sc_strdup(r, n, "the description", &m->variant_descriptions[i]);
        if ((n = yd_get(v, "extends"))) {
            char what[260];
            snprintf(what, sizeof what, "'extends' of %s", where);
            const char *e;
            if (sc_str(r, n, what, &e) == 0 && !find_variant(vars, e)) {
                const char **c = calloc(vars->n + 1, sizeof *c);
                for (size_t j = 0; c && j < vars->n; j++)
                    c[j] = yd_key(vars, j)->str;
                sc_err_undefined(r, n, what, "variant", e, c, c ? vars->n : 0,
                                 "a name under 'variants:'");
                free(c);
            }
        }
        if ((n = yd_get(v, "set"))) {
            char what[260];
            snprintf(what, sizeof what, "'set' of %s", where);
            sc_is_map(r, n, what);
        } else if (!yd_get(v, "extends")) {
            sc_err(r, v, "%s has no 'set'; expected 'set:' with the parts of the scenario it changes",
                   where);
        }
    }
}

static void build(sc_reader *r, const yd_node *root)
{
    sal_model *m = r->m;
    if (!root) {
        sc_err(r, NULL, "the file is empty; expected a scenario (a mapping with a 'scenario:' section)");
        return;
    }
    if (root->kind != YD_MAP) {
        sc_err(r, root, "the top level is %s; expected a mapping with sections scenario, actors, "
                        "forces, sectors, ...",
               yd_describe(root));
        return;
    }
    sc_keys(r, root, TOP_KEYS, "the top level");
    read_scenario(r, root);
    /* parameters first, each after those it refers to (any order in the file) */
    const yd_node *params = yd_get(root, "parameters");
    if (params && !yd_is_null(params) && params->kind != YD_MAP)
        r->bad_sections |= sc_kind_bit("parameter");
    if (params && !yd_is_null(params) && sc_is_map(r, params, "the 'parameters' section")) {
        if (params->n > SC_MAX_ENTITIES) {
            r->bad_sections |= sc_kind_bit("parameter");
            sc_err(r, params, "%zu parameters; expected at most %d", params->n, SC_MAX_ENTITIES);
        } else {
            r->params = params;
            m->params = calloc(params->n + 1, sizeof *m->params);
            r->pstate = calloc(params->n + 1, sizeof *r->pstate);
            if (!m->params || !r->pstate) {
                r->oom = 1;
                return;
            }
            m->nparams = params->n;
            for (size_t i = 0; i < params->n; i++) {
                m->params[i].name = sc_strdup_s(r, yd_key(params, i)->str);
                m->params[i].value.value = NAN;
                m->params[i].value.u = -1;
            }
            sc_read_params(r);
        }
    }
    sc_read_sections(r, root);
}

/* The size of one run, bounded before any work starts (docs/scenario.md,
 * "Limits").  A run keeps its daily series, metrics x (horizon + 1) doubles
 * (and an ensemble a block of 32 of them per thread, and a summary per
 * metric and day), and steps every entity through every day, with delay
 * queues of up to horizon + 1 values per force and pipeline.  So:
 *   metrics x (horizon + 1)            <= SC_MAX_SERIES   (8 MB a run)
 *   entities x (horizon + 1)           <= SC_MAX_RUN_WORK (400 MB of queues at most)
 * where entities counts forces, tranches, sectors, stocks, pipelines,
 * policies, treaties, ladders, metrics, events and uncertain inputs.  The
 * error points at the horizon, the one number every such run multiplies. */
static void check_run_size(sc_reader *r, const yd_node *doc)
{
    const sal_model *m = r->m;
    size_t days = (size_t)m->horizon + 1;
    size_t stocks = 0, tranches = 0;
    for (size_t i = 0; i < m->nactors; i++)
        stocks += m->actors[i].nstocks;
    for (size_t i = 0; i < m->nforces; i++)
        tranches += m->forces[i].narrivals;
    size_t ent = m->nforces + tranches + m->nsectors + stocks + m->npipelines + m->npolicies +
                 m->ntreaties + m->nladders + m->nmetrics + m->nevents + m->nuncertain;
    const yd_node *h = yd_get(yd_get(doc, "scenario"), "horizon");
    /* every factor is at most SC_MAX_HORIZON + 1 or a few times
     * SC_MAX_ENTITIES x SC_MAX_LIST, so the products fit in size_t */
    if (m->nmetrics * days > (size_t)SC_MAX_SERIES)
        sc_err(r, h, "a run of %zu days records %zu metrics a day, %zu values in all; expected at "
                     "most %d (a shorter horizon or fewer metrics)",
               days, m->nmetrics, m->nmetrics * days, SC_MAX_SERIES);
    else if (ent * days > (size_t)SC_MAX_RUN_WORK)
        sc_err(r, h, "a run steps %zu entities (forces, tranches, sectors, stocks, pipelines, "
                     "policies, treaties, ladders, metrics, events, uncertain inputs) through %zu "
                     "days, %zu entity-days; expected at most %d (a shorter horizon or fewer "
                     "entities)",
               ent, days, ent * days, SC_MAX_RUN_WORK);
}

static void reader_free(sc_reader *r)
{
    free(r->pstate);
    free(r->n_actor);
    free(r->n_force);
    free(r->n_sector);
    free(r->n_pipeline);
    free(r->n_policy);
    free(r->n_treaty);
    free(r->n_ladder);
    free(r->n_metric);
}

/* Builds a model from a parsed document (variant may be NULL). */
static int model_from_doc(yd_arena *a, const yd_node *root, const char *file,
                          const char *variant, sal_diags *diags, sal_model **out)
{
    *out = NULL;
    sal_model *m = calloc(1, sizeof *m);
    if (!m)
        return SAL_ENOMEM;
    sc_reader r = {.file = file, .diags = diags, .m = m};
    m->file = sc_strdup_s(&r, file);
    /* the variants of the base are checked with the base */
    if (root && root->kind == YD_MAP)
        read_variants(&r, root);
    const yd_node *doc = root;
    const yd_node *chain[32];
    int nchain = 0;
    if (variant) {
        const yd_node *vars = root && root->kind == YD_MAP ? yd_get(root, "variants") : NULL;
        if (!find_variant(vars, variant)) {
            size_t nc = m->nvariants;
            const char *s = sc_suggest(variant, (const char *const *)m->variants, nc);
            if (s)
                sc_err(&r, NULL, "unknown variant '%s'; did you mean '%s'?", variant, s);
            else if (nc)
                sc_err(&r, NULL, "unknown variant '%s'; expected one of the names under 'variants:'",
                       variant);
            else
                sc_err(&r, NULL, "unknown variant '%s'; the scenario defines no variants", variant);
            doc = NULL;
        } else if (r.errors == 0) {
            r.variant = variant;
            doc = apply_variant(&r, a, root, variant, chain, &nchain);
            m->variant = sc_strdup_s(&r, variant);
        } else {
            doc = NULL;
        }
    }
    if (doc || !variant)
        build(&r, doc);
    if (doc && r.errors == 0 && !r.oom)
        check_run_size(&r, doc);
    if (variant && doc && r.errors)
        hint_added_names(&r, root, chain, nchain);
    reader_free(&r);
    if (r.oom) {
        sal_model_free(m);
        return SAL_ENOMEM;
    }
    if (r.errors) {
        sal_model_free(m);
        return SAL_EINPUT;
    }
    *out = m;
    return SAL_OK;
}

/* Reads a whole scenario file, but never more than YD_MAX_BYTES + 1 bytes:
 * a 1 GB file is refused after reading 64 MiB (with the line and column
 * where the limit falls), not read into memory whole. */
int sc_read_file(const char *path, const char *what, sal_diags *diags, char **buf,
                 size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        sal_diags_add(diags, path, 0, 0, "cannot open the file: %s; expected a readable %s",
                      strerror(errno), what);
        return SAL_EIO;
    }
    const size_t limit = (size_t)YD_MAX_BYTES;
    size_t cap = 65536, n = 0;
    char *b = malloc(cap);
    if (!b) {
        fclose(f);
        return SAL_ENOMEM;
    }
    for (;;) {
        if (n == cap) {
            if (cap > limit)
                break; /* holds limit + 1 bytes or more: too long */
            size_t ncap = 2 * cap > limit + 1 ? limit + 1 : 2 * cap;
            char *nb = realloc(b, ncap);
            if (!nb) {
                free(b);
                fclose(f);
                return SAL_ENOMEM;
            }
            b = nb;
            cap = ncap;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    struct stat st;
    long long size = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
    fclose(f);
    if (bad) {
        free(b);
        sal_diags_add(diags, path, 0, 0, "cannot read the file; expected a readable %s", what);
        return SAL_EIO;
    }
    if (n > limit) {
        int line, col;
        yd_offset_pos(b, n, limit, &line, &col);
        free(b);
        if (size > 0)
            sal_diags_add(diags, path, line, col,
                          "the file has %lld bytes and the limit of %d MiB (%zu bytes) is passed "
                          "here; expected a %s of at most %d MiB",
                          size, YD_MAX_BYTES >> 20, limit, what, YD_MAX_BYTES >> 20);
        else
            sal_diags_add(diags, path, line, col,
                          "the input goes on past the limit of %d MiB (%zu bytes) here; expected "
                          "a %s of at most %d MiB",
                          YD_MAX_BYTES >> 20, limit, what, YD_MAX_BYTES >> 20);
        return SAL_EINPUT;
    }
    *buf = b;
    *len = n;
    return SAL_OK;
}

int sal_model_read_buffer(const char *buf, size_t len, const char *name, const char *variant,
                          sal_diags *diags, sal_model **out)
{
    *out = NULL;
    if (!name)
        name = "<scenario>";
    /* A file is refused whole: running the base of a file whose variants are
     * broken would hide the errors that `salient check` reports. */
    int rc = sal_model_check_buffer(buf, len, name, NULL, diags, NULL);
    if (rc != SAL_OK)
        return rc;
    yd_arena *a = yd_arena_alloc();
    if (!a)
        return SAL_ENOMEM;
    yd_node *root;
    rc = yd_parse(a, buf, len, name, diags, &root);
    if (rc == SAL_OK)
        rc = model_from_doc(a, root, name, variant, diags, out);
    yd_arena_free(a);
    return rc;
}

int sal_model_read(const char *path, const char *variant, sal_diags *diags, sal_model **out)
{
    *out = NULL;
    char *buf;
    size_t len;
    int rc = sc_read_file(path, "scenario file", diags, &buf, &len);
    if (rc != SAL_OK)
        return rc;
    rc = sal_model_read_buffer(buf, len, path, variant, diags, out);
    free(buf);
    return rc;
}

/* Copies the diagnostics of src into dst, leaving out those already in dst
 * (same place, same message once a "in variant 'x': " prefix is set
 * aside). */
static const char *strip_variant(const char *msg)
{
    if (strncmp(msg, "in variant '", 12) == 0) {
        const char *q = strstr(msg + 12, "': ");
        if (q)
            return q + 3;
    }
    return msg;
}

static void merge_diags(sal_diags *dst, const sal_diags *src)
{
    size_t nd = sal_diags_count(dst), ns = sal_diags_count(src);
    for (size_t i = 0; i < ns && sal_diags_count(dst) < (size_t)2 * SC_MAX_ERRORS; i++) {
        const sal_diag *e = sal_diags_get(src, i);
        if (!e)
            continue;
        int seen = 0;
        for (size_t j = 0; j < nd && !seen; j++) {
            const sal_diag *x = sal_diags_get(dst, j);
            seen = x && x->line == e->line && x->col == e->col &&
                   strcmp(strip_variant(x->message), strip_variant(e->message)) == 0;
        }
        if (!seen)
            sal_diags_add(dst, e->file, e->line, e->col, "%s", e->message);
    }
}

int sal_model_check_buffer(const char *buf, size_t len, const char *name, const char *variant,
                           sal_diags *diags, size_t *nvariants)
{
    if (nvariants)
        *nvariants = 0;
    if (!name)
        name = "<scenario>";
    yd_arena *a = yd_arena_alloc();
    if (!a)
        return SAL_ENOMEM;
    yd_node *root;
    int rc = yd_parse(a, buf, len, name, diags, &root);
    if (rc != SAL_OK) {
        yd_arena_free(a);
        return rc;
    }
    sal_model *m;
    rc = model_from_doc(a, root, name, NULL, diags, &m);
    sal_model_free(m);
    if (rc == SAL_ENOMEM) {
        yd_arena_free(a);
        return rc;
    }
    const yd_node *vars = root && root->kind == YD_MAP ? yd_get(root, "variants") : NULL;
    size_t nv = vars && vars->kind == YD_MAP ? vars->n : 0;
    if (variant && !find_variant(vars, variant))
        nv = 1; /* reports the unknown name */
    /* each variant rebuilds the whole model: bound the total work */
    if (!variant && nv > 1 && root->size > SC_MAX_CHECK_WORK / nv) {
        sal_diags_add(diags, name, vars->line, vars->col,
                      "checking %zu variants of a document of %zu nodes is too much work; expected "
                      "at most %zu variants for a document this size (check them one at a time "
                      "with --variant)",
                      nv, root->size, (size_t)SC_MAX_CHECK_WORK / root->size);
        yd_arena_free(a);
        return SAL_EINPUT;
    }
    for (size_t i = 0; i < nv; i++) {
        const char *vn = variant ? variant : yd_key(vars, i)->str;
        sal_diags *tmp = sal_diags_alloc();
        if (!tmp) {
            rc = SAL_ENOMEM;
            break;
        }
        int rv = model_from_doc(a, root, name, vn, tmp, &m);
        sal_model_free(m);
        merge_diags(diags, tmp);
        sal_diags_free(tmp);
        if (rv == SAL_ENOMEM) {
            rc = rv;
            break;
        }
        if (rv != SAL_OK && rc == SAL_OK)
            rc = rv;
        if (nvariants)
            (*nvariants)++;
        if (variant || sal_diags_count(diags) >= (size_t)2 * SC_MAX_ERRORS)
            break;
    }
    yd_arena_free(a);
    return rc;
}

int sal_model_check(const char *path, const char *variant, sal_diags *diags, size_t *nvariants)
{
    if (nvariants)
        *nvariants = 0;
    char *buf;
    size_t len;
    int rc = sc_read_file(path, "scenario file", diags, &buf, &len);
    if (rc != SAL_OK)
        return rc;
    rc = sal_model_check_buffer(buf, len, path, variant, diags, nvariants);
    free(buf);
    return rc;
}

/* ---- freeing ---------------------------------------------------------- */

static void free_actions(sal_action *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sal_expr_free(a[i].amount);
    free(a);
}

/* One piece on purpose: one free per owned field of sal_model, in the order
 * of model.h, so that a new field's free goes next to its neighbours' and a
 * missing one shows. */
void sal_model_free(sal_model *m)
{
    if (!m)
        return;
    free(m->file);
    free(m->name);
    free(m->description);
    free(m->sides[0]);
    free(m->sides[1]);
    free(m->variant);
    for (size_t i = 0; i < m->nuncertain; i++) {
        free(m->uncertain[i].name);
        free(m->uncertain[i].source);
        sal_dist_clear(&m->uncertain[i].dist);
    }
    free(m->uncertain);
    for (size_t i = 0; i < m->nparams; i++) {
        free(m->params[i].name);
        free(m->params[i].source);
        free(m->params[i].description);
    }
    free(m->params);
    for (size_t i = 0; i < m->nactors; i++) {
        for (size_t j = 0; j < m->actors[i].nstocks; j++)
            free(m->actors[i].stocks[j].name);
        free(m->actors[i].stocks);
        free(m->actors[i].name);
    }
    free(m->actors);
    for (size_t i = 0; i < m->nforces; i++) {
        free(m->forces[i].name);
        free(m->forces[i].arrivals);
        free(m->forces[i].source);
    }
    free(m->forces);
    for (size_t i = 0; i < m->nsectors; i++) {
        free(m->sectors[i].name);
        free(m->sectors[i].source);
    }
    free(m->sectors);
    for (size_t i = 0; i < m->npipelines; i++) {
        free(m->pipelines[i].name);
        sal_expr_free(m->pipelines[i].when);
        free(m->pipelines[i].source);
    }
    free(m->pipelines);
    for (size_t i = 0; i < m->npolicies; i++) {
        free(m->policies[i].name);
        sal_expr_free(m->policies[i].when);
        free(m->policies[i].requires);
        free_actions(m->policies[i].actions, m->policies[i].nactions);
        free(m->policies[i].source);
    }
    free(m->policies);
    for (size_t i = 0; i < m->ntreaties; i++) {
        free(m->treaties[i].name);
        free(m->treaties[i].parties);
        sal_expr_free(m->treaties[i].trigger);
        free(m->treaties[i].source);
    }
    free(m->treaties);
    for (size_t i = 0; i < m->nladders; i++) {
        free(m->ladders[i].name);
        for (size_t j = 0; j < m->ladders[i].nrungs; j++)
            free(m->ladders[i].rungs[j]);
        free(m->ladders[i].rungs);
        free(m->ladders[i].rung_events);
        free(m->ladders[i].source);
    }
    free(m->ladders);
    for (size_t i = 0; i < m->nmetrics; i++) {
        free(m->metrics[i].name);
        sal_expr_free(m->metrics[i].expr);
        free(m->metrics[i].description);
    }
    free(m->metrics);
    for (size_t i = 0; i < m->nevents; i++)
        free(m->events[i]);
    free(m->events);
    for (size_t i = 0; i < m->nvariants; i++) {
        free(m->variants[i]);
        if (m->variant_descriptions)
            free(m->variant_descriptions[i]);
    }
    free(m->variants);
    free(m->variant_descriptions);
    for (size_t i = 0; i < m->nprovenance; i++) {
        free(m->provenance[i].path);
        free(m->provenance[i].source);
    }
    free(m->provenance);
    free(m);
}

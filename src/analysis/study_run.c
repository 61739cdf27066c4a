/* salient — the study run: the base ensemble, every variant against the base
 * on common random numbers, Sobol' indices of the chosen metrics at the
 * horizon, and the theses evaluated on them (salient/study.h).  Also the
 * provenance walk of a model.  Every part is bit-identical for any thread
 * count because each is (ensemble.c, sobol.c), and the study only reads
 * their results in a fixed order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salient/study.h"
#include "analysis/study_int.h"
#include "base/util.h"

/* ---- provenance ----------------------------------------------------------- */

void sal_provenance_free(sal_provenance_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free(rows[i].path);
        free(rows[i].value);
        free(rows[i].source);
        free(rows[i].description);
    }
    free(rows);
}

static int add_row(sal_provenance_row *rows, size_t *n, const sal_model *m, const char *path,
                   sal_num num, const char *source, const char *description)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(rows[i].path, path) == 0)
            return SAL_OK; /* the first mention of a path wins */
    char buf[256];
    if (num.u >= 0)
        sal_dist_format(&m->uncertain[num.u].dist, buf, sizeof buf);
    else
        sal_fmt_num(buf, sizeof buf, num.value);
    if (num.u < 0 && isinf(num.value))
        snprintf(buf, sizeof buf, "%s", num.value > 0 ? "inf" : "-inf");
    sal_provenance_row *r = &rows[*n];
    r->path = sal_strdup(path);
    r->uncertain = num.u >= 0;
    r->value = sal_strdup(buf);
    r->source = sal_strdup(source);
    r->description = sal_strdup(description);
    (*n)++;
    if (!r->path || !r->value || (source && !r->source) || (description && !r->description))
        return SAL_ENOMEM;
    return SAL_OK;
}

int sal_model_provenance(const sal_model *m, sal_provenance_row **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    size_t cap = m->nprovenance + m->nuncertain + 1;
    sal_provenance_row *v = calloc(cap, sizeof *v);
    if (!v)
        return SAL_ENOMEM;
    int rc = SAL_OK;
    for (size_t i = 0; rc == SAL_OK && i < m->nprovenance; i++) {
        const sal_provenance *p = &m->provenance[i];
        const char *src = p->source, *desc = NULL;
        sal_num num = p->num;
        if (p->param >= 0 && (size_t)p->param < m->nparams && !src)
            /* a number taken from a parameter carries the parameter's source
             * when it has none of its own */
            src = m->params[p->param].source;
        if (strncmp(p->path, "parameters.", 11) == 0)
            for (size_t k = 0; k < m->nparams; k++)
                if (strcmp(m->params[k].name, p->path + 11) == 0)
                    desc = m->params[k].description;
        rc = add_row(v, n, m, p->path, num, src, desc);
    }
    for (size_t u = 0; rc == SAL_OK && u < m->nuncertain; u++)
        rc = add_row(v, n, m, m->uncertain[u].name, (sal_num){.value = NAN, .u = (int)u},
                     m->uncertain[u].source, NULL);
    if (rc != SAL_OK) {
        sal_provenance_free(v, *n);
        *n = 0;
        return rc;
    }
    *rows = v;
    return SAL_OK;
}

/* ---- loading ----------------------------------------------------------------- */

void sal_study_free(sal_study *s)
{
    if (!s)
        return;
    sal_model_free(s->base);
    for (size_t i = 0; i < s->nvariants; i++) {
        if (s->variants)
            sal_model_free(s->variants[i]);
        if (s->compare)
            sal_compare_free(s->compare[i]);
        if (s->packed) {
            free(s->packed[i].vq);
            free(s->packed[i].ve);
            free(s->packed[i].ve_day);
            free(s->packed[i].cq);
            free(s->packed[i].ce);
        }
    }
    free(s->variants);
    free(s->compare);
    free(s->packed);
    for (size_t i = 0; s->theses && s->sobol && i < s->theses->nsobol; i++)
        sal_sobol_indices_clear(&s->sobol[i]);
    free(s->sobol);
    free(s->sobol_ok);
    sal_summary_free(s->summary);
    free(s->records);
    free(s->results);
    free(s->evaluated);
    sal_study_disc_free(s);
    free(s);
}

static int read_model(const char *buf, size_t len, const char *path, const char *variant,
                      sal_diags *d, sal_model **m)
{
    return buf ? sal_model_read_buffer(buf, len, path, variant, d, m)
               : sal_model_read(path, variant, d, m);
}

int sal_study_load(const sal_theses *t, const char *buf, size_t len, const char *name,
                   sal_diags *diags, sal_study **out)
{
    *out = NULL;
    char path[4096];
    if (buf)
        snprintf(path, sizeof path, "%s", name ? name : t->scenario);
    else if (t->scenario[0] == '/' || strcmp(t->dir, ".") == 0)
        snprintf(path, sizeof path, "%s", t->scenario);
    else
        snprintf(path, sizeof path, "%s/%s", t->dir, t->scenario);
    sal_study *s = calloc(1, sizeof *s);
    if (!s)
        return SAL_ENOMEM;
    s->theses = t;
    int rc = read_model(buf, len, path, NULL, diags, &s->base);
    if (rc != SAL_OK) {
        /* the theses file names the scenario: say so where it does */
        if (rc == SAL_EIO)
            sal_diags_add(diags, t->file, t->at_scenario.line, t->at_scenario.col,
                          "cannot read the scenario '%s'; expected a file relative to this one",
                          t->scenario);
        sal_study_free(s);
        return rc;
    }
    size_t nv = s->base->nvariants;
    s->variants = calloc(nv + 1, sizeof *s->variants);
    s->compare = calloc(nv + 1, sizeof *s->compare);
    s->packed = calloc(nv + 1, sizeof *s->packed);
    s->sobol = calloc(t->nsobol + 1, sizeof *s->sobol);
    s->sobol_ok = calloc(t->nsobol + 1, sizeof *s->sobol_ok);
    s->results = calloc(t->ntheses + 1, sizeof *s->results);
    s->evaluated = calloc(t->ntheses + 1, sizeof *s->evaluated);
    if (!s->variants || !s->compare || !s->packed || !s->sobol || !s->sobol_ok || !s->results ||
        !s->evaluated) {
        sal_study_free(s);
        return SAL_ENOMEM;
    }
    s->nvariants = nv;
    for (size_t i = 0; i < nv && rc == SAL_OK; i++)
        rc = read_model(buf, len, path, s->base->variants[i], diags, &s->variants[i]);
    if (rc == SAL_OK)
        rc = sal_theses_bind((sal_theses *)t, s->base, diags);
    if (rc != SAL_OK) {
        sal_study_free(s);
        return rc;
    }
    *out = s;
    return SAL_OK;
}

const sal_compare *sal_study_compare_view(const sal_study *s, const sal_compare *c,
                                          sal_compare *view)
{
    if (!c || c->a)
        return c;
    *view = *c;
    view->a = s->summary;
    return view;
}

/* ---- running -------------------------------------------------------------------- */

/* One progress count over the whole study: each part reports its own runs,
 * shifted by the runs of the parts before it. */
typedef struct {
    sal_study *s;
    uint64_t offset, total;
    uint64_t nrec;      /* doubles per record */
    const sal_paths_spec *paths; /* the discovery questions' (unpaired base), or NULL */
} run_ctx;

static int on_progress(void *ctx, uint64_t done, uint64_t total)
{
    run_ctx *c = ctx;
    (void)total;
    const sal_study_opts *o = &c->s->opts;
    return o->progress ? o->progress(o->ctx, c->offset + done, c->total) : 0;
}

static int on_run(void *ctx, uint64_t run, const double *inputs, const double *last)
{
    run_ctx *c = ctx;
    const sal_model *m = c->s->base;
    double *r = c->s->records + run * c->nrec;
    memcpy(r, inputs, m->nuncertain * sizeof *r);
    memcpy(r + m->nuncertain, last, m->nmetrics * sizeof *r);
    if (c->paths)
        sal_study_disc_keep(c->s, run, inputs, last, c->paths);
    return 0;
}

/* Judges the theses of variant `variant` (NULL: those of the base) with
 * comparison c (NULL for the base's). */
static void judge(sal_study *s, const char *variant, const sal_compare *c)
{
    const sal_theses *t = s->theses;
    sal_compare view;
    if (c)
        c = sal_study_compare_view(s, c, &view);
    for (size_t i = 0; i < t->ntheses; i++) {
        const sal_thesis *h = &t->theses[i];
        if (variant ? !h->compare || strcmp(h->compare, variant) != 0 : h->compare != NULL)
            continue;
        s->evaluated[i] = sal_thesis_evaluate(h, s->base, s->summary, c, &s->results[i]) == SAL_OK;
    }
}

static const double pack_qs[5] = {0.05, 0.25, 0.5, 0.75, 0.95};

/* A variant's comparison is done (whole, or on the runs before a stop):
 * its theses are judged, the numbers the study reports are kept in
 * s->packed[v], and its summaries are dropped (the rest of the comparison
 * stays). */
static int finish_variant(sal_study *s, size_t v)
{
    sal_compare *cc = s->compare[v];
    judge(s, s->base->variants[v], cc);
    sal_compare view;
    const sal_compare *c = sal_study_compare_view(s, cc, &view);
    const sal_model *mv = s->variants[v];
    size_t nd = (size_t)s->base->horizon + 1;
    sal_study_packed *p = &s->packed[v];
    p->vq = malloc((mv->nmetrics ? mv->nmetrics : 1) * nd * 6 * sizeof *p->vq);
    p->ve = malloc((mv->nevents ? mv->nevents : 1) * sizeof *p->ve);
    p->ve_day = malloc((mv->nevents ? mv->nevents : 1) * 3 * sizeof *p->ve_day);
    p->cq = malloc((c->nmetrics ? c->nmetrics : 1) * nd * 6 * sizeof *p->cq);
    p->ce = malloc((c->nevents ? c->nevents : 1) * 2 * sizeof *p->ce);
    if (!p->vq || !p->ve || !p->ve_day || !p->cq || !p->ce)
        return SAL_ENOMEM;
    for (size_t k = 0; k < mv->nmetrics; k++)
        for (size_t d = 0; d < nd; d++) {
            double *q = p->vq + (k * nd + d) * 6;
            q[SAL_PACK_MEAN] = sal_summary_mean(c->b, (uint32_t)k, (uint32_t)d);
            for (int j = 0; j < 5; j++)
                q[SAL_PACK_P05 + j] = sal_summary_quantile(c->b, (uint32_t)k, (uint32_t)d, pack_qs[j]);
        }
    for (size_t e = 0; e < mv->nevents; e++) {
        p->ve[e] = sal_summary_event_probability(c->b, (uint32_t)e);
        p->ve_day[e * 3] = sal_summary_event_quantile(c->b, (uint32_t)e, 0.05);
        p->ve_day[e * 3 + 1] = sal_summary_event_quantile(c->b, (uint32_t)e, 0.5);
        p->ve_day[e * 3 + 2] = sal_summary_event_quantile(c->b, (uint32_t)e, 0.95);
    }
    for (size_t i = 0; i < c->nmetrics; i++)
        for (size_t d = 0; d < nd; d++) {
            uint32_t ia = (uint32_t)c->metric_a[i], ib = (uint32_t)c->metric_b[i];
            double *q = p->cq + (i * nd + d) * 6;
            q[SAL_PACK_A] = sal_summary_mean(c->a, ia, (uint32_t)d);
            q[SAL_PACK_B] = sal_summary_mean(c->b, ib, (uint32_t)d);
            q[SAL_PACK_DMEAN] = sal_summary_mean(c->diff, (uint32_t)i, (uint32_t)d);
            q[SAL_PACK_D05] = sal_summary_quantile(c->diff, (uint32_t)i, (uint32_t)d, 0.05);
            q[SAL_PACK_D50] = sal_summary_quantile(c->diff, (uint32_t)i, (uint32_t)d, 0.5);
            q[SAL_PACK_D95] = sal_summary_quantile(c->diff, (uint32_t)i, (uint32_t)d, 0.95);
        }
    for (size_t e = 0; e < c->nevents; e++) {
        p->ce[e * 2] = sal_summary_event_probability(c->a, (uint32_t)c->event_a[e]);
        p->ce[e * 2 + 1] = sal_summary_event_probability(c->b, (uint32_t)c->event_b[e]);
    }
    sal_summary_free(cc->a);
    sal_summary_free(cc->b);
    sal_summary_free(cc->diff);
    cc->a = cc->b = cc->diff = NULL;
    return SAL_OK;
}

/* Every variant against the base, each on its own copy of the base
 * (sal_compare_run runs both arms): the path of a study too big to keep the
 * base's runs. */
static int run_variants_unpaired(sal_study *s, sal_ensemble_opts *eo, run_ctx *c,
                                 sal_diags *diags)
{
    for (size_t v = 0; v < s->nvariants && !s->partial; v++) {
        uint64_t done = 0;
        int rc = sal_compare_run(s->base, s->variants[v], eo, &s->compare[v], &done, diags);
        if (rc == SAL_EINTR)
            s->partial = 1;
        else if (rc != SAL_OK)
            return rc;
        /* A complete comparison's summary of the base is the base ensemble's
         * (the same runs, merged exactly): drop the copy, a third of the
         * comparison's memory (sal_study_compare_view puts the base back). */
        if (rc == SAL_OK && s->compare[v]->runs == s->runs_done) {
            sal_summary_free(s->compare[v]->a);
            s->compare[v]->a = NULL;
        }
        if ((rc = finish_variant(s, v)) != SAL_OK)
            return rc;
        c->offset += 2 * eo->runs;
    }
    return SAL_OK;
}

/* The base ensemble on its own (its records through on_run, with the
 * discovery questions' paths and event days when there are questions). */
static int run_base_unpaired(sal_study *s, sal_ensemble_opts *eo, run_ctx *c, sal_diags *diags)
{
    size_t np = s->disc_runs ? s->disc_runs->npairs : 0;
    uint32_t *pm = malloc((np + 1) * sizeof *pm);
    int32_t *pd = malloc((np + 1) * sizeof *pd);
    sal_paths_spec ps;
    if (!pm || !pd) {
        free(pm);
        free(pd);
        return SAL_ENOMEM;
    }
    if (sal_study_disc_paths(s, &ps, pm, pd)) {
        c->paths = &ps;
        eo->paths = &ps;
    }
    eo->on_run = on_run;
    int rc = sal_ensemble_run(s->base, eo, &s->summary, &s->runs_done, diags);
    eo->on_run = NULL;
    eo->paths = NULL;
    c->paths = NULL;
    free(pm);
    free(pd);
    if (rc == SAL_EINTR)
        s->partial = 1;
    else if (rc != SAL_OK)
        return rc;
    c->offset += eo->runs;
    return SAL_OK;
}

/* The base ensemble and every variant paired with its kept runs
 * (src/analysis/study_pair.c): the base is run once. */
static int run_paired(sal_study *s, sal_study_store *st, sal_ensemble_opts *eo, run_ctx *c,
                      sal_diags *diags)
{
    int rc = sal_study_pair_base(st, eo, s->records, (size_t)c->nrec, &s->summary, &s->runs_done,
                                 diags);
    if (rc == SAL_EINTR)
        s->partial = 1;
    else if (rc != SAL_OK)
        goto out;
    sal_study_disc_from_store(s, st, s->runs_done);
    c->offset += eo->runs;
    for (size_t v = 0; v < s->nvariants && !s->partial; v++) {
        uint64_t done = 0;
        rc = sal_study_pair_variant(st, s->summary, s->runs_done, s->variants[v], eo,
                                    &s->compare[v], &done, diags);
        if (rc == SAL_EINTR)
            s->partial = 1;
        else if (rc != SAL_OK)
            goto out;
        if ((rc = finish_variant(s, v)) != SAL_OK)
            goto out;
        c->offset += eo->runs;
    }
    rc = SAL_OK;
out:
    sal_study_store_free(st);
    return rc;
}

int sal_study_run(sal_study *s, const sal_study_opts *o, sal_diags *diags)
{
    const sal_theses *t = s->theses;
    const sal_model *m = s->base;
    if (o->runs == 0 || o->runs > UINT32_MAX)
        return SAL_EINPUT;
    s->opts = *o;
    if (s->opts.sobol_nboot == 0)
        s->opts.sobol_nboot = 200;
    uint64_t pair_bytes = o->pair_bytes ? o->pair_bytes : SAL_STUDY_PAIR_BYTES;
    /* the store of the base's runs, when allowed and when it can be had
     * (else each variant runs its own copy of the base: the same results) */
    sal_study_store st = {0};
    int paired = s->nvariants > 0 && sal_study_store_bytes(m, o->runs) <= pair_bytes &&
                 sal_study_store_alloc(&st, m, o->runs) == SAL_OK;
    int sobol = o->sobol_base > 0 && t->nsobol > 0 && m->nuncertain > 0;
    run_ctx c = {.s = s, .nrec = m->nuncertain + m->nmetrics};
    c.total = o->runs * (1 + (paired ? 1 : 2) * (uint64_t)s->nvariants);
    if (sobol)
        c.total += o->sobol_base * (m->nuncertain + 2);
    s->records = malloc((size_t)o->runs * (c.nrec ? c.nrec : 1) * sizeof *s->records);
    if (!s->records || sal_study_disc_prepare(s, o->runs) != SAL_OK) {
        sal_study_store_free(&st);
        return SAL_ENOMEM;
    }
    sal_ensemble_opts eo = {.seed = o->seed, .runs = o->runs, .threads = o->threads,
                            .progress = on_progress, .ctx = &c, .posterior = o->posterior};
    int rc;
    if (paired) {
        rc = run_paired(s, &st, &eo, &c, diags); /* frees the store */
    } else {
        rc = run_base_unpaired(s, &eo, &c, diags);
        if (rc == SAL_OK)
            rc = run_variants_unpaired(s, &eo, &c, diags);
    }
    if (rc != SAL_OK)
        return rc;
    if (sobol && !s->partial) {
        size_t *idx = malloc(t->nsobol * sizeof *idx);
        if (!idx)
            return SAL_ENOMEM;
        for (size_t k = 0; k < t->nsobol; k++)
            idx[k] = (size_t)sal_model_metric(m, t->sobol_metrics[k]);
        rc = sal_study_sobol(m, idx, t->nsobol, &s->opts, s->sobol, s->sobol_ok, on_progress,
                             &c, diags);
        free(idx);
        if (rc == SAL_EINTR)
            s->partial = 1;
        else if (rc != SAL_OK)
            return rc;
    }
    /* the theses of the variants were judged as each was done */
    judge(s, NULL, NULL);
    /* the questions on the whole base only, as the Sobol' indices */
    if (!s->partial && (rc = sal_study_disc_run(s)) != SAL_OK)
        return rc;
    return s->partial ? SAL_EINTR : SAL_OK;
}

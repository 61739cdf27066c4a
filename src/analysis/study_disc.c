/* salient — a study's discovery questions (docs/theses.md): each question's
 * condition compiled against the scenario, the base runs' records kept as
 * discovery reads them (inputs, last-day metrics, event days, the metrics on
 * the dates the conditions name), and PRIM or CART run on them once the
 * study is done.  The records come from the base's kept runs (the paired
 * study) or from the ensemble's per-run paths (the unpaired one), so the
 * answers are those of `salient discover` on the same runs, and like them
 * the same bits for any thread count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salient/study.h"
#include "analysis/study_int.h"

int sal_study_bind_questions(sal_theses *t, const sal_model *m, sal_diags *d)
{
    if (t->nquestions == 0)
        return SAL_OK;
    sal_disc_runs vocab;
    int rc = sal_disc_runs_init_model(&vocab, m);
    if (rc != SAL_OK)
        return rc;
    int bad = 0;
    for (size_t i = 0; i < t->nquestions; i++) {
        sal_question *q = &t->questions[i];
        sal_disc_where_free(q->cond);
        q->cond = NULL;
        if (!q->where)
            continue;
        rc = sal_disc_where_compile_at(q->where_raw ? q->where_raw : q->where, &vocab, t->file,
                                       q->at_where.line, q->at_where.col, d, &q->cond);
        if (rc == SAL_ENOMEM)
            break;
        bad |= rc != SAL_OK;
        rc = SAL_OK;
    }
    sal_disc_runs_free(&vocab);
    return rc == SAL_ENOMEM ? rc : bad ? SAL_EINPUT : SAL_OK;
}

void sal_study_disc_free(sal_study *s)
{
    size_t nq = s->theses ? s->theses->nquestions : 0;
    if (s->disc_runs) {
        sal_disc_runs_free(s->disc_runs);
        free(s->disc_runs);
    }
    for (size_t i = 0; i < nq; i++) {
        if (s->disc_y)
            free(s->disc_y[i]);
        if (s->disc)
            sal_disc_result_free(s->disc[i]);
    }
    free(s->disc_y);
    free(s->disc);
    free(s->disc_cases);
    free(s->disc_why);
    s->disc_runs = NULL;
    s->disc_y = NULL;
    s->disc = NULL;
    s->disc_cases = NULL;
    s->disc_why = NULL;
}

/* Adds (metric, day) to r's pairs unless there. */
static void add_pair(sal_disc_runs *r, size_t metric, int day)
{
    for (size_t k = 0; k < r->npairs; k++)
        if (r->pair_metric[k] == metric && r->pair_day[k] == day)
            return;
    r->pair_metric[r->npairs] = metric;
    r->pair_day[r->npairs++] = day;
}

/* The union of the questions' metric(NAME, DATE) pairs, in order of first
 * appearance. */
static int collect_pairs(sal_disc_runs *r, const sal_theses *t)
{
    size_t max = 0;
    for (size_t i = 0; i < t->nquestions; i++)
        if (t->questions[i].cond)
            max += sal_disc_where_pairs(t->questions[i].cond, NULL, NULL, 0);
    r->npairs = 0;
    r->pair_metric = calloc(max + 1, sizeof *r->pair_metric);
    r->pair_day = calloc(max + 1, sizeof *r->pair_day);
    size_t *pm = malloc((max + 1) * sizeof *pm);
    int *pd = malloc((max + 1) * sizeof *pd);
    int rc = r->pair_metric && r->pair_day && pm && pd ? SAL_OK : SAL_ENOMEM;
    for (size_t i = 0; rc == SAL_OK && i < t->nquestions; i++) {
        if (!t->questions[i].cond)
            continue;
        size_t n = sal_disc_where_pairs(t->questions[i].cond, pm, pd, max);
        for (size_t k = 0; k < n; k++)
            add_pair(r, pm[k], pd[k]);
    }
    free(pm);
    free(pd);
    return rc;
}

int sal_study_disc_prepare(sal_study *s, uint64_t runs)
{
    const sal_theses *t = s->theses;
    size_t nq = t->nquestions, n = (size_t)runs;
    if (nq == 0)
        return SAL_OK;
    s->disc_y = calloc(nq, sizeof *s->disc_y);
    s->disc = calloc(nq, sizeof *s->disc);
    s->disc_cases = calloc(nq, sizeof *s->disc_cases);
    s->disc_why = calloc(nq, sizeof *s->disc_why);
    s->disc_runs = calloc(1, sizeof *s->disc_runs);
    if (!s->disc_y || !s->disc || !s->disc_cases || !s->disc_why || !s->disc_runs ||
        sal_disc_runs_init_model(s->disc_runs, s->base) != SAL_OK) {
        free(s->disc_runs); /* init_model cleans up after itself */
        s->disc_runs = NULL;
        return SAL_ENOMEM;
    }
    sal_disc_runs *r = s->disc_runs;
    if (collect_pairs(r, t) != SAL_OK)
        return SAL_ENOMEM;
    r->seed = s->opts.seed;
    r->run = malloc((n + 1) * sizeof *r->run);
    r->x = malloc((n * r->ninputs + 1) * sizeof *r->x);
    r->last = malloc((n * r->nmetrics + 1) * sizeof *r->last);
    r->event_day = malloc((n * r->nevents + 1) * sizeof *r->event_day);
    r->pair = malloc((n * r->npairs + 1) * sizeof *r->pair);
    if (!r->run || !r->x || !r->last || !r->event_day || !r->pair)
        return SAL_ENOMEM;
    for (size_t i = 0; i < n; i++)
        r->run[i] = i;
    return SAL_OK;
}

int sal_study_disc_paths(const sal_study *s, sal_paths_spec *ps, uint32_t *metrics,
                         int32_t *days)
{
    const sal_disc_runs *r = s->disc_runs;
    memset(ps, 0, sizeof *ps);
    if (!r)
        return 0;
    size_t nm = 0, nd = 0;
    for (size_t k = 0; k < r->npairs; k++) {
        size_t a = 0, b = 0;
        while (a < nm && metrics[a] != (uint32_t)r->pair_metric[k])
            a++;
        if (a == nm)
            metrics[nm++] = (uint32_t)r->pair_metric[k];
        while (b < nd && days[b] < r->pair_day[k])
            b++;
        if (b == nd || days[b] != r->pair_day[k]) { /* kept increasing */
            memmove(days + b + 1, days + b, (nd - b) * sizeof *days);
            days[b] = r->pair_day[k];
            nd++;
        }
    }
    *ps = (sal_paths_spec){metrics, nm, days, nd, 1};
    return 1;
}

/* Run `run`'s inputs and last-day metrics (inputs, then last) into the
 * record. */
static void keep_common(sal_disc_runs *r, uint64_t run, const double *inputs,
                        const double *last)
{
    memcpy(r->x + run * r->ninputs, inputs, r->ninputs * sizeof *r->x);
    memcpy(r->last + run * r->nmetrics, last, r->nmetrics * sizeof *r->last);
}

void sal_study_disc_keep(sal_study *s, uint64_t run, const double *inputs, const double *last,
                         const sal_paths_spec *ps)
{
    sal_disc_runs *r = s->disc_runs;
    if (!r)
        return;
    keep_common(r, run, inputs, last);
    const double *paths = last + r->nmetrics;
    const double *ev = paths + ps->ndays * ps->nmetrics;
    for (size_t e = 0; e < r->nevents; e++)
        r->event_day[run * r->nevents + e] = ev[e] < 0 ? INFINITY : ev[e];
    for (size_t k = 0; k < r->npairs; k++) {
        size_t a = 0, d = 0;
        while (ps->metrics[a] != (uint32_t)r->pair_metric[k])
            a++;
        while (ps->days[d] != r->pair_day[k])
            d++;
        r->pair[run * r->npairs + k] = paths[d * ps->nmetrics + a];
    }
}

void sal_study_disc_from_store(sal_study *s, const sal_study_store *st, uint64_t runs)
{
    sal_disc_runs *r = s->disc_runs;
    if (!r)
        return;
    size_t nm = r->nmetrics, nrec = r->ninputs + nm;
    for (uint64_t i = 0; i < runs; i++) {
        const double *rec = s->records + i * nrec, *ser = st->series + i * st->nd * nm;
        keep_common(r, i, rec, rec + r->ninputs);
        for (size_t e = 0; e < r->nevents; e++) {
            int32_t d = st->events[i * r->nevents + e];
            r->event_day[i * r->nevents + e] = d < 0 ? INFINITY : (double)d;
        }
        for (size_t k = 0; k < r->npairs; k++)
            r->pair[i * r->npairs + k] = ser[(size_t)r->pair_day[k] * nm + r->pair_metric[k]];
    }
}

/* Question i: its labels, then PRIM or CART.  A question the runs cannot
 * answer (no case of interest, a condition that is NaN in a run) keeps the
 * reason in disc_why and does not stop the study; only SAL_ENOMEM does. */
static int answer(sal_study *s, size_t i)
{
    const sal_question *q = &s->theses->questions[i];
    sal_disc_runs *r = s->disc_runs;
    char *why = s->disc_why[i];
    if (!q->cond)
        return SAL_OK;
    s->disc_y[i] = malloc(r->n + 1);
    if (!s->disc_y[i])
        return SAL_ENOMEM;
    int rc = sal_disc_where_label(q->cond, r, s->disc_y[i], why, sizeof *s->disc_why);
    if (rc != SAL_OK) { /* no labels, no cases to count */
        free(s->disc_y[i]);
        s->disc_y[i] = NULL;
        return rc == SAL_ENOMEM ? rc : SAL_OK;
    }
    for (size_t k = 0; k < r->n; k++)
        s->disc_cases[i] += s->disc_y[i][k];
    /* a box around a handful of runs is chance (its restrictions pass their
     * quasi-p-values by luck among dozens of inputs): none is sought */
    size_t c = s->disc_cases[i], min = SAL_STUDY_DISC_MIN_CASES;
    if (c == 0 || c == r->n) {
        snprintf(why, sizeof *s->disc_why, "%s run is a case of interest", c ? "every" : "no");
        return SAL_OK;
    }
    if (c < min || r->n - c < min) {
        snprintf(why, sizeof *s->disc_why,
                 "%s %zu of the %zu runs are cases of interest; a box needs at least %zu runs "
                 "on either side",
                 c < min ? "only" : "all but", c < min ? c : r->n - c, r->n, min);
        return SAL_OK;
    }
    sal_disc_data d = {r->n, r->ninputs, r->x, s->disc_y[i], NULL, r->categorical};
    sal_disc_opts o = {.threshold = q->threshold, .bootstrap = SAL_STUDY_DISC_BOOTSTRAP,
                       .seed = s->opts.seed, .threads = s->opts.threads};
    rc = q->cart ? sal_cart(&d, &o, &s->disc[i], why, sizeof *s->disc_why)
                 : sal_prim(&d, &o, &s->disc[i], why, sizeof *s->disc_why);
    return rc == SAL_ENOMEM ? rc : SAL_OK;
}

int sal_study_disc_run(sal_study *s)
{
    if (!s->disc_runs)
        return SAL_OK;
    s->disc_runs->n = (size_t)s->runs_done;
    for (size_t i = 0; i < s->theses->nquestions; i++) {
        int rc = answer(s, i);
        if (rc != SAL_OK)
            return rc;
    }
    return SAL_OK;
}

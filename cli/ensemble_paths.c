/* salient CLI — the per-run paths of 'salient ensemble' (cli/ensemble_int.h):
 * --series M1,M2 names the metrics, --dates D1,D2 the dates (default: the
 * dates the reports of --observations describe, else every 7th day from the
 * start and the last day), and the runs' event days come with them. */
#include <stdlib.h>
#include <string.h>

#include "ensemble_int.h"
#include "salient/date.h"

void ens_paths_free(ens_paths *p)
{
    free(p->metrics);
    free(p->days);
    memset(p, 0, sizeof *p);
}

static void no_metric(const sal_model *m, const char *name)
{
    const char *best = sal_model_metric_near(m, name);
    if (best) {
        cli_error("ensemble", "--series: no metric '%s' in %s; did you mean '%s'?", name,
                  m->file ? m->file : "the scenario", best);
        return;
    }
    fprintf(stderr, "salient ensemble: --series: no metric '%s' in %s; expected one of:", name,
            m->file ? m->file : "the scenario");
    cli_print_metrics(m);
}

/* Adds metric k unless it is there; 0 or -1 (out of memory). */
static int add_metric(ens_paths *p, uint32_t k)
{
    for (size_t i = 0; i < p->spec.nmetrics; i++)
        if (p->metrics[i] == k)
            return 0;
    uint32_t *q = realloc(p->metrics, (p->spec.nmetrics + 1) * sizeof *q);
    if (!q)
        return -1;
    p->metrics = q;
    p->metrics[p->spec.nmetrics++] = k;
    return 0;
}

static int add_day(ens_paths *p, int32_t d)
{
    int32_t *q = realloc(p->days, (p->spec.ndays + 1) * sizeof *q);
    if (!q)
        return -1;
    p->days = q;
    p->days[p->spec.ndays++] = d;
    return 0;
}

static int cmp_day(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The days sorted, each once. */
static void sort_days(ens_paths *p)
{
    qsort(p->days, p->spec.ndays, sizeof *p->days, cmp_day);
    size_t n = 0;
    for (size_t i = 0; i < p->spec.ndays; i++)
        if (n == 0 || p->days[i] != p->days[n - 1])
            p->days[n++] = p->days[i];
    p->spec.ndays = n;
}

static int parse_series(ens_paths *p, const sal_model *m, const char *list)
{
    char *s = strdup(list), *save = NULL;
    if (!s)
        return EXIT_JOB;
    int st = 0;
    for (char *tok = strtok_r(s, ",", &save); tok && !st; tok = strtok_r(NULL, ",", &save)) {
        int k = sal_model_metric(m, tok);
        if (k < 0) {
            no_metric(m, tok);
            st = EXIT_USAGE;
        } else if (add_metric(p, (uint32_t)k)) {
            st = EXIT_JOB;
        }
    }
    free(s);
    if (!st && p->spec.nmetrics == 0) {
        cli_error("ensemble", "--series '%s' names no metric; expected M1,M2,...", list);
        st = EXIT_USAGE;
    }
    return st;
}

static int parse_dates(ens_paths *p, const sal_model *m, const char *list)
{
    long start = sal_date_to_days(m->start_year, m->start_month, m->start_day);
    char first[16], last[16];
    sal_date_format(start, first);
    sal_date_format(start + m->horizon, last);
    char *s = strdup(list), *save = NULL;
    if (!s)
        return EXIT_JOB;
    int st = 0;
    for (char *tok = strtok_r(s, ",", &save); tok && !st; tok = strtok_r(NULL, ",", &save)) {
        int y, mo, d;
        if (sal_date_parse(tok, &y, &mo, &d) != 0) {
            cli_error("ensemble", "--dates: '%s' is not a date; expected YYYY-MM-DD", tok);
            st = EXIT_USAGE;
            break;
        }
        long day = sal_date_to_days(y, mo, d) - start;
        if (day < 0 || day > m->horizon) {
            cli_error("ensemble", "--dates: %s is outside the scenario's days, %s to %s", tok,
                      first, last);
            st = EXIT_USAGE;
        } else if (add_day(p, (int32_t)day)) {
            st = EXIT_JOB;
        }
    }
    free(s);
    if (!st && p->spec.ndays == 0) {
        cli_error("ensemble", "--dates '%s' names no date; expected D1,D2,... (YYYY-MM-DD)", list);
        st = EXIT_USAGE;
    }
    return st;
}

int ens_paths_resolve(ens_paths *p, const sal_model *m, const char *series, const char *dates,
                      const char *obs)
{
    memset(p, 0, sizeof *p);
    if (!series && !dates && !obs)
        return 0;
    int st = 0;
    if (series)
        st = parse_series(p, m, series);
    if (!st && dates)
        st = parse_dates(p, m, dates);
    if (!st && obs)
        st = ens_paths_from_observations(p, m, obs, series == NULL, dates == NULL);
    if (!st && p->spec.nmetrics == 0) {
        cli_error("ensemble", "--dates needs --series M1,M2 (or --observations FILE): the "
                              "metrics whose paths to keep");
        st = EXIT_USAGE;
    }
    if (!st && p->spec.ndays == 0) { /* every 7th day and the last */
        for (int32_t d = 0; !st && d <= m->horizon; d += 7)
            st = add_day(p, d) ? EXIT_JOB : 0;
        if (!st && p->days[p->spec.ndays - 1] != m->horizon)
            st = add_day(p, m->horizon) ? EXIT_JOB : 0;
    }
    if (st) {
        ens_paths_free(p);
        return st;
    }
    sort_days(p);
    p->spec.metrics = p->metrics;
    p->spec.days = p->days;
    p->spec.events = 1;
    p->on = 1;
    return 0;
}

int ens_paths_from_observations(ens_paths *p, const sal_model *m, const char *obs,
                                int want_metrics, int want_dates)
{
    sal_obs_set *o = NULL;
    sal_diags *d = cli_diags("ensemble");
    if (!d)
        return EXIT_JOB;
    int rc = sal_obs_read_file(obs, m, &o, d);
    cli_print_diags(d);
    sal_diags_free(d);
    if (rc != SAL_OK) {
        if (rc == SAL_EIO)
            cli_error("ensemble", "cannot read --observations '%s'", obs);
        return rc == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
    }
    int st = 0;
    for (size_t i = 0; i < sal_obs_count(o) && !st; i++) {
        if (sal_obs_is_event(o, i))
            continue; /* the runs' event days are kept with any paths */
        int32_t days[2];
        size_t nd = sal_obs_truth_days(o, i, days);
        if (want_metrics && add_metric(p, (uint32_t)sal_obs_index(o, i)))
            st = EXIT_JOB;
        for (size_t k = 0; want_dates && k < nd && !st; k++)
            st = add_day(p, days[k]) ? EXIT_JOB : 0;
    }
    /* reports of events only: their days need no metric, but the files
     * need one; the first of the scenario's */
    if (!st && want_metrics && p->spec.nmetrics == 0 && m->nmetrics)
        st = add_metric(p, 0) ? EXIT_JOB : 0;
    if (!st && want_dates && p->spec.ndays == 0)
        st = add_day(p, m->horizon) ? EXIT_JOB : 0;
    sal_obs_free(o);
    return st;
}

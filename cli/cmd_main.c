/* The main job, run by 'salient' alone (or with the options below): the
 * flagship built into the binary calibrated on its reports (the
 * observations built in, or --observations FILE) as of 22 November 2024 (or
 * --as-of DATE), then its study from the posterior (base, every variant on
 * common random numbers branching on the as-of date, theses, Sobol' indices
 * on the priors), and what the reports changed: the priors' forecast of the
 * headline outcomes against the posterior's (forecast_change.csv) and the
 * given-data first-order indices of the headline outcomes on the posterior
 * (sensitivity_posterior.csv), then report.html.  docs/flagship.md. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "salient/date.h"
#include "salient/givendata.h"

static const char usage[] =
    "usage: salient [--as-of DATE] [--observations FILE] [--particles N] [--runs R]\n"
    "               [--seed S] [--threads T] [--out DIR] [--quiet]\n"
    "\n"
    "The main job: calibrates the flagship (scenarios/kursk-2024.yaml, built in) on\n"
    "its reports (scenarios/kursk-2024.observations.yaml, built in, or FILE) made by\n"
    "DATE (default: all of them, i.e. 22 November 2024), then runs its study from the\n"
    "posterior.  Writes in DIR (default salient-out):\n"
    "  calibration/   the calibration (as 'salient calibrate', with the scenario and\n"
    "                 observations it used: scenario.yaml, observations.yaml)\n"
    "  theses.csv quantiles.csv events.csv runs.csv compare.csv sobol.csv\n"
    "                 discover.csv results.sqlite   the study from the posterior\n"
    "                 (sobol.csv: on the priors; discover.csv: in which worlds)\n"
    "  forecast_change.csv   the priors' forecast against the posterior's\n"
    "  sensitivity_posterior.csv   given-data first-order indices on the posterior\n"
    "  report.html\n"
    "\n"
    "Options:\n"
    "      --as-of DATE        condition on the reports made on or before DATE\n"
    "      --observations FILE the reports (default: the flagship's, built in)\n"
    "  -N, --particles N       calibration particles (default 1000)\n"
    "  -n, --runs R            runs per variant of the study (default 1000)\n"
    "  -s, --seed S            the random seed (default: the scenario's)\n"
    "  -t, --threads T         OpenMP threads\n"
    "  -o, --out DIR           where to write (default salient-out)\n"
    "  -q, --quiet             no summaries on stdout\n";

/* The headline outcomes of issue 16 and the dates their bands are shown on. */
static const char *const headline[] = {"dprk_casualties", "dprk_killed", "kursk_ground_km2",
                                       "donetsk_ground_km2", "russia_casualties"};
enum { NHEAD = sizeof headline / sizeof *headline };
static const int show_dates[][3] = {{2024, 11, 22}, {2025, 1, 1}, {2025, 4, 1}, {2025, 9, 1}};
enum { NDATES = sizeof show_dates / sizeof *show_dates };

typedef struct {
    const char *as_of, *obs, *seed, *threads, *dir;
    uint64_t particles, runs;
    int quiet;
} main_opts;

static int metric_of(const sal_model *m, const char *name)
{
    for (size_t k = 0; k < m->nmetrics; k++)
        if (strcmp(m->metrics[k].name, name) == 0)
            return (int)k;
    return -1;
}

/* A buffer written whole to dir/name. */
static int write_buffer(const char *dir, const char *name, const unsigned char *b, size_t n)
{
    sal_outfile *f = NULL;
    if (sal_outfile_open(&f, dir, name, 1) != SAL_OK)
        return -1;
    int bad = fwrite(b, 1, n, sal_outfile_stream(f)) != n || sal_outfile_close(f) != SAL_OK ||
              sal_outfile_commit(f) != SAL_OK;
    sal_outfile_abort(f); /* frees the handle; removes the temporary unless committed */
    return bad ? -1 : 0;
}

/* Day index of a calendar date in model m (may lie past the horizon). */
static long day_of(const sal_model *m, int y, int mo, int d)
{
    return sal_date_to_days(y, mo, d) -
           sal_date_to_days(m->start_year, m->start_month, m->start_day);
}

static void write_change_rows(FILE *f, const sal_model *m, const sal_summary *pr,
                              const sal_summary *po)
{
    static const double q[3] = {0.05, 0.5, 0.95};
    fputs("metric,date,prior_p05,prior_p50,prior_p95,posterior_p05,posterior_p50,"
          "posterior_p95,prior_p95_over_p05,posterior_p95_over_p05\n", f);
    for (int h = 0; h < NHEAD; h++) {
        int k = metric_of(m, headline[h]);
        for (int t = 0; k >= 0 && t <= NDATES; t++) {
            long day = t < NDATES ? day_of(m, show_dates[t][0], show_dates[t][1],
                                           show_dates[t][2]) : m->horizon;
            if (day < 0 || day > m->horizon)
                continue;
            char ds[11], b[32];
            sal_date_format(sal_date_to_days(m->start_year, m->start_month, m->start_day) + day,
                            ds);
            fprintf(f, "%s,%s", headline[h], ds);
            double v[2][3];
            for (int s = 0; s < 2; s++)
                for (int j = 0; j < 3; j++)
                    v[s][j] = sal_summary_quantile(s ? po : pr, (uint32_t)k, (uint32_t)day, q[j]);
            for (int s = 0; s < 2; s++)
                for (int j = 0; j < 3; j++) {
                    sal_fmt_num(b, sizeof b, v[s][j]);
                    fprintf(f, ",%s", b);
                }
            for (int s = 0; s < 2; s++) {
                if (v[s][0] > 0) {
                    sal_fmt_num(b, sizeof b, v[s][2] / v[s][0]);
                    fprintf(f, ",%s", b);
                } else {
                    fputs(",", f); /* p5 of 0: no finite ratio */
                }
            }
            fputc('\n', f);
        }
    }
    for (size_t e = 0; e < m->nevents; e++) {
        char b1[32], b2[32];
        sal_fmt_num(b1, sizeof b1, sal_summary_event_probability(pr, (uint32_t)e));
        sal_fmt_num(b2, sizeof b2, sal_summary_event_probability(po, (uint32_t)e));
        fprintf(f, "P(%s),by horizon,,%s,,,%s,,,\n", m->events[e], b1, b2);
    }
}

/* Given-data first-order indices of each headline outcome at the horizon on
 * each uncertain input, from the base runs of the study (on the posterior:
 * dependent inputs, where Sobol' indices do not apply). */
static int write_givendata(FILE *f, const sal_study *s, int quiet)
{
    const sal_model *m = s->base;
    size_t n = (size_t)s->runs_done, nrec = m->nuncertain + m->nmetrics;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    if (!x || !y) {
        free(x), free(y);
        return -1;
    }
    size_t bins = sal_givendata_bins(n);
    fputs("metric,input,first_order,first_order_raw,bins,runs\n", f);
    if (!quiet)
        printf("  given-data first-order indices on the posterior at the horizon "
               "(largest three; sensitivity_posterior.csv):\n");
    for (int h = 0; h < NHEAD; h++) {
        int k = metric_of(m, headline[h]);
        if (k < 0)
            continue;
        for (size_t i = 0; i < n; i++)
            y[i] = s->records[i * nrec + m->nuncertain + (size_t)k];
        double top[3] = {-INFINITY, -INFINITY, -INFINITY};
        size_t topi[3] = {0, 0, 0};
        for (size_t u = 0; u < m->nuncertain; u++) {
            for (size_t i = 0; i < n; i++)
                x[i] = s->records[i * nrec + u];
            double raw, cor;
            if (sal_givendata_first_order(x, y, n, bins, &raw, &cor) != SAL_OK || isnan(cor))
                continue;
            char b1[32], b2[32];
            sal_fmt_num(b1, sizeof b1, cor);
            sal_fmt_num(b2, sizeof b2, raw);
            fprintf(f, "%s,", headline[h]);
            sal_csv_field(f, m->uncertain[u].name);
            fprintf(f, ",%s,%s,%zu,%zu\n", b1, b2, bins, n);
            for (int j = 0; j < 3; j++)
                if (cor > top[j]) {
                    for (int l = 2; l > j; l--)
                        top[l] = top[l - 1], topi[l] = topi[l - 1];
                    top[j] = cor, topi[j] = u;
                    break;
                }
        }
        if (!quiet) {
            printf("    %-20s", headline[h]);
            for (int j = 0; j < 3 && isfinite(top[j]); j++)
                printf(" %s %.2f", m->uncertain[topi[j]].name, top[j]);
            putchar('\n');
        }
    }
    free(x), free(y);
    return 0;
}

static void print_change(const sal_model *m, const sal_summary *pr, const sal_summary *po)
{
    printf("What the reports changed: the priors' forecast against the posterior's "
           "(median [90%% band]; forecast_change.csv)\n");
    long d1 = day_of(m, 2025, 4, 1);
    for (int h = 0; h < NHEAD; h++) {
        int k = metric_of(m, headline[h]);
        if (k < 0 || d1 > m->horizon)
            continue;
        double v[2][3];
        for (int s = 0; s < 2; s++)
            for (int j = 0; j < 3; j++)
                v[s][j] = sal_summary_quantile(s ? po : pr, (uint32_t)k, (uint32_t)d1,
                                               j == 0 ? 0.05 : j == 1 ? 0.5 : 0.95);
        printf("  %-20s on 2025-04-01  priors %8.0f [%8.0f, %8.0f]  posterior %8.0f [%8.0f, "
               "%8.0f]\n",
               headline[h], v[0][1], v[0][0], v[0][2], v[1][1], v[1][0], v[1][2]);
    }
    /* the scenario's named events (policies' and triggers' names carry '-'
     * or '.'; all are in forecast_change.csv) */
    for (size_t e = 0; e < m->nevents; e++)
        if (!strpbrk(m->events[e], "-."))
            printf("  P(%s) by the horizon: priors %.0f%%, posterior %.0f%%\n", m->events[e],
               100 * sal_summary_event_probability(pr, (uint32_t)e),
               100 * sal_summary_event_probability(po, (uint32_t)e));
}

/* dir/name written whole by write(f, s, quiet), and added to dir's
 * results.sqlite as table name without ".csv"; 0 or -1. */
static int write_table(const char *dir, const char *name, const sal_study *s,
                       const sal_summary *pr, int quiet)
{
    sal_outfile *f = NULL;
    if (sal_outfile_open(&f, dir, name, 1) != SAL_OK)
        return -1;
    int bad = 0;
    if (pr)
        write_change_rows(sal_outfile_stream(f), s->base, pr, s->summary);
    else
        bad = write_givendata(sal_outfile_stream(f), s, quiet) != 0;
    if (!bad)
        bad = sal_outfile_close(f) != SAL_OK;
    if (!bad)
        bad = sal_outfile_commit(f) != SAL_OK;
    sal_outfile_abort(f); /* frees the handle; removes the temporary unless committed */
    if (bad)
        return -1;
    char db[4200], csv[4200], table[64];
    snprintf(db, sizeof db, "%s/results.sqlite", dir);
    snprintf(csv, sizeof csv, "%s/%s", dir, name);
    snprintf(table, sizeof table, "%.*s", (int)(strlen(name) - 4), name);
    return sal_sqlite_add_csv(db, table, csv) == SAL_OK ? 0 : -1;
}

/* After the study from the posterior: the priors' forecast (the same runs,
 * seed and model, inputs from the priors), set against it
 * (forecast_change.csv, also a table of results.sqlite that the report's key
 * findings read); and the given-data indices (sensitivity_posterior.csv). */
static int after_study(const sal_study *s, const char *dir, const cli_args *a, void *ctx)
{
    (void)ctx;
    const sal_model *m = s->base;
    sal_diags *d = cli_diags(NULL);
    if (!d)
        return -1;
    sal_ensemble_opts eo = {.seed = s->opts.seed, .runs = s->runs_done,
                            .threads = (int)a->threads};
    sal_summary *pr = NULL;
    int rc = sal_ensemble_run(m, &eo, &pr, NULL, d);
    if (rc != SAL_OK) {
        cli_print_diags(d);
        cli_error(NULL, "the priors' forecast failed (%s)", sal_strstatus(rc));
        sal_diags_free(d);
        return -1;
    }
    if (!a->quiet)
        print_change(m, pr, s->summary);
    int bad = write_table(dir, "forecast_change.csv", s, pr, 1) != 0 ||
              write_table(dir, "sensitivity_posterior.csv", s, NULL, a->quiet) != 0;
    if (bad)
        cli_error(NULL, "cannot write %s/forecast_change.csv or sensitivity_posterior.csv", dir);
    sal_summary_free(pr);
    sal_diags_free(d);
    return bad ? -1 : 0;
}

static int read_main_options(int argc, char **argv, main_opts *o)
{
    enum { OPT_ASOF = 1000, OPT_OBS };
    static const struct option opts[] = {
        {"as-of", required_argument, NULL, OPT_ASOF},
        {"observations", required_argument, NULL, OPT_OBS},
        {"particles", required_argument, NULL, 'N'},
        {"runs", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"threads", required_argument, NULL, 't'},
        {"out", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {NULL, 0, NULL, 0},
    };
    *o = (main_opts){.dir = "salient-out", .particles = 1000, .runs = 1000};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":N:n:s:t:o:q", opts, NULL)) != -1) {
        switch (c) {
        case OPT_ASOF: o->as_of = optarg; break;
        case OPT_OBS: o->obs = optarg; break;
        case 'N':
            if (cli_count(NULL, "particles", optarg, &o->particles) || !o->particles)
                return EXIT_USAGE;
            break;
        case 'n':
            if (cli_count(NULL, "runs", optarg, &o->runs) || !o->runs)
                return EXIT_USAGE;
            break;
        case 's': o->seed = optarg; break;
        case 't': o->threads = optarg; break;
        case 'o': o->dir = optarg; break;
        case 'q': o->quiet = 1; break;
        case ':':
            cli_error(NULL, "option '%s' needs a value", argv[optind - 1]);
            return EXIT_USAGE;
        default:
            cli_error(NULL, "unknown option '%s'", argv[optind - 1]);
            fputs(usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error(NULL, "'%s' is not a command; see 'salient --help'", argv[optind]);
        return EXIT_USAGE;
    }
    if (!*o->dir) {
        cli_error(NULL, "--out needs a directory");
        return EXIT_USAGE;
    }
    return 0;
}

/* 'salient calibrate' on the built-in scenario (and observations, unless
 * --observations), into DIR/calibration. */
static int calibrate_step(const main_opts *o, char *caldir, size_t n)
{
    snprintf(caldir, n, "%s/calibration", o->dir);
    if (sal_mkdirs(caldir) != SAL_OK ||
        write_buffer(caldir, "scenario.yaml", sal_flagship_yaml, sal_flagship_yaml_len) ||
        (!o->obs &&
         write_buffer(caldir, "observations.yaml", sal_flagship_obs, sal_flagship_obs_len))) {
        cli_error(NULL, "cannot write in '%s'", caldir);
        return EXIT_JOB;
    }
    char scen[4300], obs[4300], np[32];
    snprintf(scen, sizeof scen, "%s/scenario.yaml", caldir);
    snprintf(obs, sizeof obs, "%s/observations.yaml", caldir);
    snprintf(np, sizeof np, "%llu", (unsigned long long)o->particles);
    const char *v[20];
    int k = 0;
    v[k++] = "calibrate", v[k++] = scen, v[k++] = "--observations", v[k++] = o->obs ? o->obs : obs;
    v[k++] = "--particles", v[k++] = np, v[k++] = "--out", v[k++] = caldir;
    if (o->as_of)
        v[k++] = "--as-of", v[k++] = o->as_of;
    if (o->seed)
        v[k++] = "--seed", v[k++] = o->seed;
    if (o->threads)
        v[k++] = "--threads", v[k++] = o->threads;
    if (o->quiet)
        v[k++] = "--quiet";
    v[k] = NULL;
    return cmd_calibrate.run(k, (char **)v);
}

int cli_default_study(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return 0;
    }
    main_opts o;
    int rc = read_main_options(argc, argv, &o);
    if (rc)
        return rc;
    char caldir[4200];
    rc = calibrate_step(&o, caldir, sizeof caldir);
    if (rc)
        return rc;
    cli_args a = {.cmd = &cmd_theses, .runs = o.runs, .seed = o.seed, .quiet = o.quiet};
    if (o.threads && cli_count(NULL, "threads", o.threads, &a.threads))
        return EXIT_USAGE;
    cli_study_out out = {.dir = o.dir, .files = 1, .report = 1, .posterior = caldir,
                         .after = after_study};
    return cli_study_main(NULL, &a, &out);
}

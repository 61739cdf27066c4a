/* salient check — validates a scenario file (the base and every variant) and
 * reports every problem as file:line:col: error: what; expected what. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "salient/model.h"
#include "salient/obs.h"

static const char usage[] =
    "usage: salient check FILE [--variant NAME] [--observations OBS]\n"
    "\n"
    "Validates a scenario file: unknown or misspelt keys, wrong types, missing\n"
    "keys, undefined references, cycles, impossible ranges, dates outside the\n"
    "scenario, expressions that do not compile.  Every problem is reported, one\n"
    "per line, as\n"
    "    FILE:LINE:COL: error: what was wrong; what was expected\n"
    "The base scenario and every variant are checked (only NAME with --variant).\n"
    "With --observations, the observations file OBS is then checked against the\n"
    "scenario (its base, or variant NAME): unknown metrics and events, dates\n"
    "outside the scenario, missing sources, error and bias models, impossible\n"
    "figures (docs/observations.md), reported in the same form.\n"
    "\n"
    "Options:\n"
    "  -v, --variant NAME   check the base and variant NAME only\n"
    "  -o, --observations OBS  check the observations file OBS against the scenario\n"
    "  -q, --quiet          print nothing when the file is clean\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 clean (one summary line on stdout), 2 on any error or bad usage.\n"
    "The keys are described in docs/scenario.md and docs/observations.md.\n";

/* Prints the diagnostics and the error count of a refused file. */
static int refuse(sal_diags *d, int rc, const char *path)
{
    cli_print_diags(d);
    size_t n = sal_diags_count(d);
    if (rc == SAL_ENOMEM)
        cli_error("check", "out of memory while checking %s", path);
    else
        fprintf(stderr, "%s: %zu error%s\n", path, n, n == 1 ? "" : "s");
    sal_diags_free(d);
    return rc == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
}

/* Checks observations file obs against model m; prints its summary unless
 * quiet.  Returns the exit status. */
static int check_observations(const sal_model *m, const char *obs, int quiet)
{
    sal_diags *d = cli_diags("check");
    if (!d)
        return EXIT_JOB;
    sal_obs_set *o = NULL;
    int rc = sal_obs_read_file(obs, m, &o, d);
    if (rc != SAL_OK)
        return refuse(d, rc, obs);
    sal_diags_free(d);
    if (!quiet) {
        size_t n = sal_obs_count(o), nev = 0, nb = sal_obs_nbias(o);
        int32_t last = sal_obs_last_day(o, INT32_MAX), rep = -1;
        for (size_t i = 0; i < n; i++) {
            nev += (size_t)sal_obs_is_event(o, i);
            if (sal_obs_reported_day(o, i) > rep)
                rep = sal_obs_reported_day(o, i);
        }
        printf("%s: ok: %zu report%s (%zu of metrics, %zu of events) on scenario '%s'; "
               "%zu bias unknown%s; last day described %d, last reported %d\n",
               obs, n, n == 1 ? "" : "s", n - nev, nev, m->name ? m->name : "", nb,
               nb == 1 ? "" : "s", (int)last, (int)rep);
    }
    sal_obs_free(o);
    return 0;
}

/* "  LABEL (N): a, b, c" wrapped at 78 columns, the names in the order of
 * the file ("  LABEL (0): none" when there are none). */
static void print_names(const char *label, const char *const *names, size_t n)
{
    int col = printf("  %s (%zu):", label, n);
    if (n == 0)
        col += printf(" none");
    for (size_t i = 0; i < n; i++) {
        int w = (int)strlen(names[i]) + (i + 1 < n ? 2 : 1);
        if (col + w > 78 && i > 0)
            col = printf("\n   ");
        col += printf(" %s%s", names[i], i + 1 < n ? "," : "");
    }
    printf("\n");
}

/* What was checked: each variant (only --variant's when given), the
 * metrics and the events, by name. */
static void print_checked(const sal_model *m, const char *variant)
{
    const char *one[1] = {variant};
    if (variant)
        print_names("variant", one, 1);
    else
        print_names("variants", (const char *const *)m->variants, m->nvariants);
    const char **metric = malloc((m->nmetrics + 1) * sizeof *metric);
    if (metric) {
        for (size_t i = 0; i < m->nmetrics; i++)
            metric[i] = m->metrics[i].name;
        print_names("metrics", metric, m->nmetrics);
        free(metric);
    }
    print_names("events", (const char *const *)m->events, m->nevents);
}

/* The summary of a clean scenario: one line of counts, then the names. */
static void print_summary(const char *path, const sal_model *m, size_t nv, const char *variant)
{
    /* "1 day", "2 days": counts read as an analyst would write them */
    struct { size_t n; const char *one, *many; } cnt[] = {
        {(size_t)m->horizon + 1, "day", "days"},       {m->nactors, "actor", "actors"},
        {m->nforces, "force", "forces"},           {m->nsectors, "sector", "sectors"},
        {m->npipelines, "pipeline", "pipelines"},  {m->npolicies, "policy", "policies"},
        {m->ntreaties, "treaty", "treaties"},      {m->nladders, "ladder", "ladders"},
        {m->nparams, "parameter", "parameters"},   {m->nmetrics, "metric", "metrics"},
        {m->nevents, "event", "events"},           {m->nuncertain, "uncertain input", "uncertain inputs"},
    };
    /* days = horizon + 1: day 0 (the start) to day horizon, as run prints */
    char d0[16], d1[16];
    long start = sal_date_to_days(m->start_year, m->start_month, m->start_day);
    sal_date_format(start, d0);
    sal_date_format(start + m->horizon, d1);
    printf("%s: ok: scenario '%s', %zu %s (%s to %s);", path, m->name ? m->name : "", cnt[0].n,
           cnt[0].n == 1 ? cnt[0].one : cnt[0].many, d0, d1);
    for (size_t i = 1; i < sizeof cnt / sizeof cnt[0]; i++)
        printf("%s %zu %s", i == 1 ? "" : ",", cnt[i].n, cnt[i].n == 1 ? cnt[i].one : cnt[i].many);
    printf("; the base and %zu variant%s checked\n", nv, nv == 1 ? "" : "s");
    print_checked(m, variant);
}

static int run_check(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPT_QUIET, CLI_OPT_HELP,
        {"variant", required_argument, NULL, 'v'},
        {"observations", required_argument, NULL, 'o'},
        CLI_OPT_END,
    };
    const char *variant = NULL, *obs = NULL;
    int quiet = 0, c;
    optind = 1;
    opterr = 0;
    if (cli_long_check("check", argc, argv, "v:o:qh", opts))
        return EXIT_USAGE;
    while ((c = getopt_long(argc, argv, "v:o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'v': variant = optarg; break;
        case 'o': obs = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        default:
            if (optopt == 'v' || (optind > 0 && optind <= argc &&
                                  strncmp(argv[optind - 1], "--variant", 9) == 0))
                cli_error("check", "option --variant needs a NAME; see 'salient help check'");
            else if (optopt == 'o' || (optind > 0 && optind <= argc &&
                                       strncmp(argv[optind - 1], "--obs", 5) == 0))
                cli_error("check", "option --observations needs a FILE; see 'salient help check'");
            else
                cli_error("check", "unknown option '%s'; see 'salient help check'", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    const char *path = cli_scenario_operand("check", argc, argv);
    if (!path)
        return EXIT_USAGE;
    sal_diags *d = cli_diags("check");
    if (!d)
        return EXIT_JOB;
    size_t nv = 0;
    int rc = sal_model_check(path, variant, d, &nv);
    if (rc != SAL_OK)
        return refuse(d, rc, path);
    sal_diags_free(d);
    if (quiet && !obs)
        return 0;
    /* the summary, from the base model (the variant's with --variant and
     * --observations: the observations speak of the model they are checked
     * against) */
    d = sal_diags_alloc();
    sal_model *m = NULL;
    if (!d || sal_model_read(path, obs ? variant : NULL, d, &m) != SAL_OK) {
        cli_print_diags(d);
        sal_diags_free(d);
        cli_error("check", "could not re-read %s", path);
        return EXIT_JOB;
    }
    if (!quiet)
        print_summary(path, m, nv, variant);
    sal_diags_free(d);
    rc = obs ? check_observations(m, obs, quiet) : 0;
    sal_model_free(m);
    return rc;
}

const cli_command cmd_check = {
    "check", run_check, "validate a scenario file and every variant", usage,
};

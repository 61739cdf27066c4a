/* salient sensitivity — first-order and total Sobol' indices of one metric
 * for every uncertain input of a scenario (salient/sobol.h): DIR/sobol.csv
 * and a table.  The file is written under a temporary name and renamed into
 * place, so that it is whole or absent. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "salient/date.h"
#include "salient/ensemble.h"
#include "salient/model.h"
#include "salient/out.h"
#include "salient/sobol.h"
#include "salient/suggest.h"

static const char usage[] =
    "usage: salient sensitivity FILE --metric NAME --base N [--day D] [--variant NAME]\n"
    "                           [--seed S] [--threads T] [--bootstrap B] [--out DIR]\n"
    "                           [--deterministic]\n"
    "\n"
    "Global sensitivity of one metric, on one day, to every uncertain input of\n"
    "the scenario: first-order (S1) and total (ST) Sobol' indices from a\n"
    "Saltelli design of N rows on GSL's Sobol' sequence (a Monte Carlo design\n"
    "above 20 inputs), N (k + 2) runs for k inputs (at most 256), with\n"
    "percentile bootstrap 95% intervals.  Writes\n"
    "  DIR/sobol.csv   input,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi (one row per input,\n"
    "                  in the scenario's order of uncertain inputs)\n"
    "and prints the same as a table, with the share of the variance that is the\n"
    "daily noise alone (noise; see below).\n"
    "\n"
    "S1 is the share of the metric's variance an input explains alone; ST the\n"
    "share it has a hand in, with its interactions.  An input with ST near 0\n"
    "can be fixed at any value in its range without changing the result.\n"
    "\n"
    "Noise.  By default every run is the engine's stochastic run, and the k + 2\n"
    "runs of design row j share run index j, hence the same daily noise, so\n"
    "that the differences the estimators take come from the inputs, not from\n"
    "chance.  --deterministic uses the mean-field path instead (no noise).\n"
    "The results are the same bytes whatever the number of threads.\n"
    "\n"
    "Options:\n"
    "  -m, --metric NAME     the metric (required)\n"
    "  -n, --base N          base sample, 2 to 2^30 rows; a power of 2 keeps the\n"
    "                        Sobol' sequence balanced (required; 1024 to 16384 is usual)\n"
    "  -D, --day D           the day of the metric (default: the horizon)\n"
    "  -v, --variant NAME    the counterfactual NAME of the scenario\n"
    "  -s, --seed S          seed of the runs' noise and of the bootstrap\n"
    "                        (default: the scenario's seed)\n"
    "  -t, --threads T       threads (default: OMP_NUM_THREADS or all cores)\n"
    "  -b, --bootstrap B     bootstrap resamples of the rows, 0 for none (default 200)\n"
    "  -o, --out DIR         where to write (default salient-out/sensitivity; created)\n"
    "  -d, --deterministic   run the mean-field path (no daily noise)\n"
    "  -q, --quiet           no table\n"
    "  -h, --help            show this help\n"
    "\n"
    "On a terminal a progress line shows the runs done, runs/s and time left.\n"
    "Ctrl-C stops after the current wave of rows and writes the indices of the\n"
    "rows done (the first rows of a Sobol' sequence are a design too), marked\n"
    "by DIR/PARTIAL.\n"
    "\n"
    "Exit status: 0 success; 1 a run failed (the message names the design row\n"
    "and the engine's error), the metric does not vary, the file could not be\n"
    "written, or interrupted (partial results); 2 bad usage, a bad scenario or\n"
    "a design that would not fit in memory (SALIENT_MEMORY_LIMIT sets the\n"
    "limit; nothing written).\n"
    "The method and its validation on the Ishigami function: docs/sensitivity.md.\n";

/* Writes DIR/sobol.csv whole (sal_outfile: temporary file, then rename);
 * 0 or -1 with errno set. */
static int write_csv(const char *dir, const sal_model *m, const sal_sobol_indices *ix)
{
    static const char *const names[] = {"sobol.csv", "PARTIAL"};
    cli_sweep(dir, names, 2);
    sal_outfile *o;
    if (sal_outfile_open(&o, dir, "sobol.csv", 1) != SAL_OK)
        return -1;
    int bad = sal_sobol_write_header(sal_outfile_stream(o), 0) != SAL_OK;
    bad |= sal_sobol_write_rows(sal_outfile_stream(o), m, NULL, ix) != SAL_OK;
    bad = bad || sal_outfile_close(o) != SAL_OK || sal_outfile_commit(o) != SAL_OK;
    sal_outfile_abort(o); /* errno kept */
    return bad ? -1 : 0;
}

static void interval(char *buf, size_t n, double lo, double hi)
{
    if (isnan(lo) || isnan(hi))
        snprintf(buf, n, "%s", "");
    else
        snprintf(buf, n, "[%.4f, %.4f]", lo, hi);
}

static void table(const sal_model *m, const sal_sobol_indices *ix, const char *metric,
                  size_t day, uint64_t seed, int det, const char *dir, size_t base)
{
    long start = sal_date_to_days(m->start_year, m->start_month, m->start_day);
    char date[16], a[48], b[48];
    sal_date_format(start + (long)day, date);
    printf("%s%s%s: Sobol' indices of '%s' on day %zu (%s)\n", m->name ? m->name : "scenario",
           m->variant ? ", variant " : "", m->variant ? m->variant : "", metric, day, date);
    char stopped[64] = "";
    if (ix->n < base)
        snprintf(stopped, sizeof stopped, " (interrupted: of %zu)", base);
    printf("%zu inputs, base N = %zu%s, %zu runs; %s, seed %llu\n", ix->k, ix->n, stopped,
           ix->n * (ix->k + 2),
           det ? "deterministic (mean-field)" : "stochastic, common noise within a design row",
           (unsigned long long)seed);
    printf("metric mean %.6g, variance %.6g", ix->mean, ix->variance);
    if (ix->nboot)
        printf("; 95%% percentile intervals from %zu bootstrap resamples\n", ix->nboot);
    else
        printf("; no intervals (--bootstrap 0)\n");
    size_t w = 5;
    for (size_t i = 0; i < ix->k; i++)
        if (strlen(m->uncertain[i].name) > w)
            w = strlen(m->uncertain[i].name);
    if (ix->nboot)
        printf("\n  %-*s %8s  %-18s %8s  %s\n", (int)w, "input", "S1", "95% interval", "ST",
               "95% interval");
    else
        printf("\n  %-*s %8s  %-18s %8s\n", (int)w, "input", "S1", "", "ST");
    double s1 = 0, st = 0;
    for (size_t i = 0; i < ix->k; i++) {
        interval(a, sizeof a, ix->s1_lo[i], ix->s1_hi[i]);
        interval(b, sizeof b, ix->st_lo[i], ix->st_hi[i]);
        if (ix->nboot)
            printf("  %-*s %8.4f  %-18s %8.4f  %s\n", (int)w, m->uncertain[i].name, ix->s1[i],
                   a, ix->st[i], b);
        else
            printf("  %-*s %8.4f  %-18s %8.4f\n", (int)w, m->uncertain[i].name, ix->s1[i], "",
                   ix->st[i]);
        s1 += ix->s1[i];
        st += ix->st[i];
    }
    printf("  %-*s %8.4f  %-18s %8.4f\n", (int)w, "sum", s1, "", st);
    if (!det) {
        interval(a, sizeof a, ix->noise_lo, ix->noise_hi);
        printf("  %-*s %8.4f  %s\n", (int)w, "noise", ix->noise, a);
    }
    printf("\nS1 sums to 1 when the inputs act additively; ST - S1 is an input's share\n"
           "in interactions.%s  Wrote %s/sobol.csv\n",
           det ? "" : "  noise: the share of the daily noise alone (in no S1).", dir);
}

/* Looks the metric up by name; prints a did-you-mean when it is not there. */
static int find_metric(const sal_model *m, const char *path, const char *name, size_t *out)
{
    int k = sal_model_metric(m, name);
    if (k >= 0) {
        *out = (size_t)k;
        return 0;
    }
    if (m->nmetrics == 0) {
        fprintf(stderr, "%s: error: no metric '%s'; the scenario has no metrics section\n",
                path, name);
        return -1;
    }
    const char *best = sal_model_metric_near(m, name);
    if (best) {
        fprintf(stderr, "%s: error: no metric '%s'; did you mean '%s'?\n", path, name, best);
    } else {
        fprintf(stderr, "%s: error: no metric '%s'; expected one of:", path, name);
        cli_print_metrics(m);
    }
    return -1;
}

/* The command line of 'salient sensitivity'. */
typedef struct {
    cli_args a;   /* --seed, --out, --quiet, --stop-after */
    const char *metric, *base_s, *day_s, *variant, *threads_s, *boot_s;
    const char *path, *dir;
    uint64_t base, threads, boot, day;
    int det;
} sens_args;

/* The numbers of the command line; 0, or the message and EXIT_USAGE. */
static int numbers(sens_args *s)
{
    if (!s->base_s) {
        cli_error("sensitivity", "no --base N given (the rows of the design; try 4096)");
        return EXIT_USAGE;
    }
    if (cli_parse_u64(s->base_s, &s->base) != 0 || s->base < 2 || s->base > SAL_SOBOL_MAX_BASE) {
        cli_error("sensitivity", "the base sample '%s' is not a whole number from 2 to %zu",
                  s->base_s, SAL_SOBOL_MAX_BASE);
        return EXIT_USAGE;
    }
    if (cli_seed_check(&s->a))
        return EXIT_USAGE;
    /* --threads is read here, after --base, with its own message */
    if (s->threads_s && (cli_parse_u64(s->threads_s, &s->threads) != 0 || s->threads < 1 ||
                         s->threads > 1024)) {
        cli_error("sensitivity", "the thread count '%s' is not a whole number from 1 to 1024",
                  s->threads_s);
        return EXIT_USAGE;
    }
    if (s->boot_s && (cli_parse_u64(s->boot_s, &s->boot) != 0 || s->boot > 100000)) {
        cli_error("sensitivity", "the bootstrap count '%s' is not a whole number from 0 to 100000",
                  s->boot_s);
        return EXIT_USAGE;
    }
    if (s->day_s && (cli_parse_u64(s->day_s, &s->day) != 0 || s->day > 100000)) {
        cli_error("sensitivity", "the day '%s' is not a whole number >= 0", s->day_s);
        return EXIT_USAGE;
    }
    return 0;
}

/* Reads the command line into s; -1 to go on, else the exit status. */
static int parse(int argc, char **argv, sens_args *s)
{
    static const struct option opts[] = {
        CLI_OPT_THREADS, CLI_OPT_SEED, CLI_OPT_OUT, CLI_OPT_QUIET, CLI_OPT_STOP_AFTER,
        CLI_OPT_HELP,
        {"metric", required_argument, NULL, 'm'},
        {"base", required_argument, NULL, 'n'},
        {"day", required_argument, NULL, 'D'},
        {"variant", required_argument, NULL, 'v'},
        {"bootstrap", required_argument, NULL, 'b'},
        {"deterministic", no_argument, NULL, 'd'},
        CLI_OPT_END,
    };
    int c;
    *s = (sens_args){.a = cli_args_start(&cmd_sensitivity, "threads"), .boot = 200};
    while ((c = cli_getopt(&s->a, argc, argv, ":m:n:D:v:s:t:b:o:dqh", opts)) > 0) {
        switch (c) {
        case 'm': s->metric = optarg; break;
        case 'n': s->base_s = optarg; break;
        case 'D': s->day_s = optarg; break;
        case 'v': s->variant = optarg; break;
        case 't': s->threads_s = optarg; break;
        case 'b': s->boot_s = optarg; break;
        case 'd': s->det = 1; break;
        default: break;
        }
    }
    if (s->a.status >= 0)
        return s->a.status;
    if (!(s->path = cli_scenario_operand("sensitivity", argc, argv)))
        return EXIT_USAGE;
    if (!s->metric || !*s->metric) {
        cli_error("sensitivity", "no --metric NAME given; see 'salient help sensitivity'");
        return EXIT_USAGE;
    }
    if (numbers(s))
        return EXIT_USAGE;
    s->dir = cli_outdir(&s->a, "salient-out/sensitivity");
    return s->dir ? -1 : EXIT_USAGE;
}

/* The metric and day of model m in o, the memory checked; 0, or the
 * message and the exit status. */
static int prepare(const sens_args *s, const sal_model *m, sal_sobol_opts *o)
{
    if (find_metric(m, s->path, s->metric, &o->metric) != 0)
        return EXIT_USAGE;
    if (s->day_s) {
        if (s->day > (uint64_t)m->horizon) {
            fprintf(stderr, "%s: error: day %llu is past the horizon; expected 0 to %d\n",
                    s->path, (unsigned long long)s->day, m->horizon);
            return EXIT_USAGE;
        }
        o->day = (int)s->day;
    }
    int st = cli_memory_check("sensitivity", sal_sobol_memory_bound(m, o), "the Saltelli design",
                              "a smaller --base needs less");
    if (st)
        return st;
    if (s->base & (s->base - 1))
        fprintf(stderr, "salient sensitivity: note: N = %llu is not a power of 2; the Sobol' "
                        "sequence is balanced at powers of 2\n", (unsigned long long)s->base);
    return 0;
}

/* DIR/sobol.csv (and DIR/PARTIAL when partial) and the table; the exit
 * status. */
static int write_results(const sens_args *s, const sal_model *m, const sal_sobol_opts *o,
                         const sal_sobol_indices *ix, int partial)
{
    const char *dir = s->dir;
    if (sal_mkdirs(dir) != 0) {
        cli_error("sensitivity", "cannot create the directory '%s': %s", dir, strerror(errno));
        return EXIT_JOB;
    }
    int lk = cli_lock_dir("sensitivity", dir);
    if (lk)
        return lk;
    uint64_t total = s->base * (ix->k + 2), done = (uint64_t)ix->n * (ix->k + 2);
    /* the marker first, so that partial results never appear unmarked */
    if (partial)
        cli_mark_partial(dir, 1, done, total);
    if (write_csv(dir, m, ix) != 0) {
        cli_error("sensitivity", "cannot write %s/sobol.csv: %s", dir, strerror(errno));
        return EXIT_JOB;
    }
    if (!partial)
        cli_mark_partial(dir, 0, done, total); /* a complete result replaces a partial one */
    if (!s->a.quiet)
        table(m, ix, s->metric, o->day < 0 ? (size_t)m->horizon : (size_t)o->day, o->seed, s->det,
              dir, (size_t)s->base);
    if (!partial)
        return 0;
    fprintf(stderr,
            "salient sensitivity: interrupted: indices from the first %zu of %llu design "
            "rows written (%s/PARTIAL)\n",
            ix->n, (unsigned long long)s->base, dir);
    return EXIT_JOB;
}

/* The design run on model m and its results written; the exit status. */
static int sensitivity(const sens_args *s, const sal_model *m, sal_diags *d)
{
    sal_sobol_indices ix = {0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL};
    cli_progress prog;
    cli_progress_init(&prog, s->a.stop_after);
    sal_sobol_opts o = {0, -1, (size_t)s->base, (size_t)s->boot, cli_seed_or(&s->a, m->seed),
                        s->det, (int)s->threads, cli_progress_update, &prog};
    int status = prepare(s, m, &o);
    if (status)
        return status;
    cli_signals_catch();
    int rc = sal_sobol_run(m, &o, &ix, d);
    cli_progress_end(&prog);
    int partial = rc == SAL_EINTR && ix.s1;
    if (rc != SAL_OK && !partial) {
        cli_print_diags(d);
        if (rc == SAL_EINPUT) {
            status = EXIT_USAGE;
        } else {
            cli_error("sensitivity", "%s; nothing was written", sal_strstatus(rc));
            status = EXIT_JOB;
        }
    } else {
        status = write_results(s, m, &o, &ix, partial);
    }
    cli_signals_restore();
    sal_sobol_indices_clear(&ix);
    return status;
}

static int run_sensitivity(int argc, char **argv)
{
    sens_args s;
    int st = parse(argc, argv, &s);
    if (st >= 0)
        return st;
    sal_model *m = NULL;
    sal_diags *d = NULL;
    st = cli_read_job("sensitivity", s.path, s.variant, &m, &d);
    if (st)
        return st;
    st = sensitivity(&s, m, d);
    sal_model_free(m);
    sal_diags_free(d);
    return st;
}

const cli_command cmd_sensitivity = {
    "sensitivity", run_sensitivity,
    "Sobol' indices of a metric for every uncertain input (Saltelli design)", usage,
};

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
    "      --stop-after K    (for tests) stop as if interrupted once K runs are done\n"
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
    sal_outfile o;
    if (sal_outfile_open(&o, dir, "sobol.csv", 1) != SAL_OK)
        return -1;
    FILE *f = o.f;
    fputs("input,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi\n", f);
    for (size_t i = 0; i < ix->k; i++) {
        const double v[6] = {ix->s1[i], ix->s1_lo[i], ix->s1_hi[i],
                             ix->st[i], ix->st_lo[i], ix->st_hi[i]};
        char num[40];
        sal_csv_field(f, m->uncertain[i].name);
        for (int c = 0; c < 6; c++) {
            sal_fmt_num(num, sizeof num, v[c]); /* NaN: no interval without a bootstrap */
            fprintf(f, ",%s", num);
        }
        fputc('\n', f);
    }
    if (sal_outfile_close(&o) != SAL_OK || sal_outfile_commit(&o) != SAL_OK) {
        int e = errno;
        sal_outfile_abort(&o);
        errno = e;
        return -1;
    }
    return 0;
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
    for (size_t i = 0; i < m->nmetrics; i++)
        if (strcmp(m->metrics[i].name, name) == 0) {
            *out = i;
            return 0;
        }
    if (m->nmetrics == 0) {
        fprintf(stderr, "%s: error: no metric '%s'; the scenario has no metrics section\n",
                path, name);
        return -1;
    }
    const char **names = malloc(m->nmetrics * sizeof *names);
    const char *best = NULL;
    if (names) {
        for (size_t i = 0; i < m->nmetrics; i++)
            names[i] = m->metrics[i].name;
        best = sal_suggest(name, names, m->nmetrics);
        free(names);
    }
    if (best) {
        fprintf(stderr, "%s: error: no metric '%s'; did you mean '%s'?\n", path, name, best);
    } else {
        fprintf(stderr, "%s: error: no metric '%s'; expected one of:", path, name);
        for (size_t i = 0; i < m->nmetrics; i++)
            fprintf(stderr, "%s %s", i ? "," : "", m->metrics[i].name);
        fputc('\n', stderr);
    }
    return -1;
}

static int run_sensitivity(int argc, char **argv)
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
    const char *metric = NULL, *base_s = NULL, *day_s = NULL, *variant = NULL,
               *threads_s = NULL, *boot_s = NULL;
    int det = 0, c;
    /* --threads is read here, after --base, with its own message */
    cli_args a = cli_args_start(&cmd_sensitivity, "threads");
    while ((c = cli_getopt(&a, argc, argv, ":m:n:D:v:s:t:b:o:dqh", opts)) > 0) {
        switch (c) {
        case 'm': metric = optarg; break;
        case 'n': base_s = optarg; break;
        case 'D': day_s = optarg; break;
        case 'v': variant = optarg; break;
        case 't': threads_s = optarg; break;
        case 'b': boot_s = optarg; break;
        case 'd': det = 1; break;
        default: break;
        }
    }
    if (a.status >= 0)
        return a.status;
    const char *path = cli_scenario_operand("sensitivity", argc, argv);
    if (!path)
        return EXIT_USAGE;
    if (!metric || !*metric) {
        cli_error("sensitivity", "no --metric NAME given; see 'salient help sensitivity'");
        return EXIT_USAGE;
    }
    uint64_t base = 0, seed = 0, threads = 0, boot = 200, day = 0;
    if (!base_s) {
        cli_error("sensitivity", "no --base N given (the rows of the design; try 4096)");
        return EXIT_USAGE;
    }
    if (cli_parse_u64(base_s, &base) != 0 || base < 2 || base > SAL_SOBOL_MAX_BASE) {
        cli_error("sensitivity", "the base sample '%s' is not a whole number from 2 to %zu",
                  base_s, SAL_SOBOL_MAX_BASE);
        return EXIT_USAGE;
    }
    if (cli_seed("sensitivity", a.seed, &seed))
        return EXIT_USAGE;
    if (threads_s && (cli_parse_u64(threads_s, &threads) != 0 || threads < 1 || threads > 1024)) {
        cli_error("sensitivity", "the thread count '%s' is not a whole number from 1 to 1024",
                  threads_s);
        return EXIT_USAGE;
    }
    if (boot_s && (cli_parse_u64(boot_s, &boot) != 0 || boot > 100000)) {
        cli_error("sensitivity", "the bootstrap count '%s' is not a whole number from 0 to 100000",
                  boot_s);
        return EXIT_USAGE;
    }
    if (day_s && (cli_parse_u64(day_s, &day) != 0 || day > 100000)) {
        cli_error("sensitivity", "the day '%s' is not a whole number >= 0", day_s);
        return EXIT_USAGE;
    }
    const char *dir = cli_outdir(&a, "salient-out/sensitivity");
    if (!dir)
        return EXIT_USAGE;
    sal_model *m = NULL;
    sal_diags *d = NULL;
    int st = cli_read_job("sensitivity", path, variant, &m, &d);
    if (st)
        return st;
    int status = 0;
    sal_sobol_indices ix = {0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL};
    cli_progress prog;
    cli_progress_init(&prog, a.stop_after);
    sal_sobol_opts o = {0, -1, (size_t)base, (size_t)boot, a.seed ? seed : m->seed, det,
                        (int)threads, cli_progress_update, &prog};
    if (find_metric(m, path, metric, &o.metric) != 0) {
        status = EXIT_USAGE;
        goto out;
    }
    if (day_s) {
        if (day > (uint64_t)m->horizon) {
            fprintf(stderr, "%s: error: day %llu is past the horizon; expected 0 to %d\n", path,
                    (unsigned long long)day, m->horizon);
            status = EXIT_USAGE;
            goto out;
        }
        o.day = (int)day;
    }
    {
        /* the design (A, B: N x k each), the outputs (N x (k + 2)) and the
         * bootstrap replicates (2 x boot x k) are held whole: refuse up front
         * what cannot fit */
        double k = (double)m->nuncertain;
        double need = (double)base * (3 * k + 2) * 8 + (double)boot * (2 * k + 2) * 8 +
                      (double)(1 << 24);
        status = cli_memory_check("sensitivity", need > 1.8e19 ? UINT64_MAX : (uint64_t)need,
                                  "the Saltelli design",
                                  "a smaller --base needs less");
        if (status)
            goto out;
    }
    if (base & (base - 1))
        fprintf(stderr, "salient sensitivity: note: N = %llu is not a power of 2; the Sobol' "
                        "sequence is balanced at powers of 2\n", (unsigned long long)base);
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
        goto out;
    }
    if (sal_mkdirs(dir) != 0) {
        cli_error("sensitivity", "cannot create the directory '%s': %s", dir, strerror(errno));
        status = EXIT_JOB;
        goto out;
    }
    if ((status = cli_lock_dir("sensitivity", dir)) != 0)
        goto out;
    uint64_t total = (uint64_t)base * (ix.k + 2), done = (uint64_t)ix.n * (ix.k + 2);
    /* the marker first, so that partial results never appear unmarked */
    if (partial)
        cli_mark_partial(dir, 1, done, total);
    if (write_csv(dir, m, &ix) != 0) {
        cli_error("sensitivity", "cannot write %s/sobol.csv: %s", dir, strerror(errno));
        status = EXIT_JOB;
        goto out;
    }
    if (!partial)
        cli_mark_partial(dir, 0, done, total); /* a complete result replaces a partial one */
    if (!a.quiet)
        table(m, &ix, metric, o.day < 0 ? (size_t)m->horizon : (size_t)o.day, o.seed, det, dir,
              (size_t)base);
    if (partial) {
        fprintf(stderr,
                "salient sensitivity: interrupted: indices from the first %zu of %llu design "
                "rows written (%s/PARTIAL)\n",
                ix.n, (unsigned long long)base, dir);
        status = EXIT_JOB;
    }
out:
    cli_signals_restore();
    sal_sobol_indices_clear(&ix);
    sal_model_free(m);
    sal_diags_free(d);
    return status;
}

const cli_command cmd_sensitivity = {
    "sensitivity", run_sensitivity,
    "Sobol' indices of a metric for every uncertain input (Saltelli design)", usage,
};

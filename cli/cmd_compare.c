/* salient compare — two variants of a scenario on common random numbers:
 * the distribution of the difference B - A per metric and day, the change in
 * each event's probability, and the variance reduction the shared streams
 * buy over independent ones.  DIR/compare.csv, written whole or not at all. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "salient/date.h"
#include "salient/ensemble.h"
#include "salient/out.h"

static const char usage[] =
    "usage: salient compare FILE --variant A [--variant B] [--runs N] [--threads T]\n"
    "                       [--seed S] [--out DIR] [--quiet] [--posterior DIR]\n"
    "\n"
    "Runs variants A and B of a scenario with common random numbers: run k of B\n"
    "uses the seed and run index of run k of A, so every input, sector and policy\n"
    "the two share draws the same numbers, and the difference B - A shows the\n"
    "effect of the change rather than the noise.  'base' names the scenario\n"
    "without a variant; with one --variant, A is the base and B that variant.\n"
    "Writes DIR/compare.csv:\n"
    "  kind,name,day,date,a,b,diff_mean,diff_p05,diff_p50,diff_p95,\n"
    "  var_crn,var_independent,variance_reduction\n"
    "kind 'metric': one row per metric (common to A and B) and day: a and b are\n"
    "the means, diff_* the distribution of the per-run difference B - A; on the\n"
    "last day, var_crn is the variance of that difference, var_independent is\n"
    "var(A) + var(B) (the variance with independent streams) and\n"
    "variance_reduction their ratio.  kind 'event': a and b are the probabilities\n"
    "by the horizon, diff_mean b - a, and the variances of the difference of the\n"
    "indicators.  The bytes are the same for any number of threads.\n"
    "\n"
    "Options:\n"
    "  -v, --variant NAME    A the first time, B the second ('base': no variant)\n"
    "  -n, --runs N          runs of each variant (default 1000)\n"
    "  -t, --threads T       OpenMP threads (default: OMP_NUM_THREADS or all cores)\n"
    "  -s, --seed S          the random seed (default: the scenario's seed)\n"
    "  -o, --out DIR         where to write (default salient-out/compare; created)\n"
    "  -q, --quiet           no summary on stdout\n"
    "      --posterior DIR   both variants continue from the particles of 'salient\n"
    "                        calibrate ... --out DIR' (run k: particle k mod N to the\n"
    "                        as-of date, then (seed, run k); docs/calibration.md)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Progress and Ctrl-C as for 'salient ensemble' (partial results marked by\n"
    "DIR/PARTIAL, exit 1).  Exit status: 0 success; 1 a run failed, the file\n"
    "could not be written or the comparison was interrupted; 2 bad usage, a\n"
    "bad scenario or a job whose memory bound exceeds what is available\n"
    "(SALIENT_MEMORY_LIMIT sets it; nothing written).\n";

static void print_summary(const sal_model *a, const sal_model *b, const sal_compare *c,
                          const char *dir)
{
    uint32_t h = (uint32_t)a->horizon;
    const char *na = a->variant ? a->variant : "base", *nb = b->variant ? b->variant : "base";
    char d1[16];
    sal_date_format(sal_date_to_days(a->start_year, a->start_month, a->start_day) + h, d1);
    printf("%s: %s (A) vs %s (B), %llu runs each on common random numbers, on %s (day %u)\n",
           a->name ? a->name : "scenario", na, nb, (unsigned long long)c->runs, d1, h);
    enum { MAXROWS = 12 };
    if (c->nmetrics) {
        printf("\n  %-22s %11s %11s %11s %11s %11s %9s\n", "metric", "A mean", "B mean",
               "B-A mean", "B-A p05", "B-A p95", "var. red.");
        for (size_t i = 0; i < c->nmetrics && i < MAXROWS; i++) {
            char v[6][32];
            printf("  %-22s %11s %11s %11s %11s %11s %9s\n", a->metrics[c->metric_a[i]].name,
                   cli_num(v[0], 32, sal_summary_mean(c->a, (uint32_t)c->metric_a[i], h)),
                   cli_num(v[1], 32, sal_summary_mean(c->b, (uint32_t)c->metric_b[i], h)),
                   cli_num(v[2], 32, sal_summary_mean(c->diff, (uint32_t)i, h)),
                   cli_num(v[3], 32, sal_summary_quantile(c->diff, (uint32_t)i, h, 0.05)),
                   cli_num(v[4], 32, sal_summary_quantile(c->diff, (uint32_t)i, h, 0.95)),
                   cli_num(v[5], 32, sal_compare_ratio(c->var_indep[i], c->var_diff[i])));
        }
        if (c->nmetrics > MAXROWS)
            printf("  ... and %zu more in %s/compare.csv\n", c->nmetrics - MAXROWS, dir);
    }
    if (c->nevents) {
        printf("\n  %-22s %11s %11s %11s %9s\n", "event", "P in A", "P in B", "B-A", "var. red.");
        for (size_t e = 0; e < c->nevents && e < MAXROWS; e++) {
            double pa = sal_summary_event_probability(c->a, (uint32_t)c->event_a[e]);
            double pb = sal_summary_event_probability(c->b, (uint32_t)c->event_b[e]);
            double r = sal_compare_ratio(c->event_var_indep[e], c->event_var_diff[e]);
            char v[32];
            printf("  %-22s %11.4f %11.4f %+11.4f %9s\n", a->events[c->event_a[e]], pa, pb,
                   pb - pa, cli_num(v, sizeof v, r));
        }
        if (c->nevents > MAXROWS)
            printf("  ... and %zu more in %s/compare.csv\n", c->nevents - MAXROWS, dir);
    }
    printf("\nB-A p05 to p95: the 90%% interval of the difference; variance reduction (var. red.):\n"
           "var(A) + var(B) over var(B - A) with common random numbers ('-': neither varies,\n"
           "'inf': B - A does not vary)\n"
           "wrote %s/compare.csv\n", dir);
}

/* The command line of 'salient compare'. */
typedef struct {
    cli_args a;          /* --runs, --threads, --seed, --out, --quiet, --stop-after */
    const char *var[2];  /* A and B: "base" or a variant's name */
    const char *path, *dir, *posterior;
    uint64_t runs;
} cmp_args;

/* Reads the command line into s; -1 to go on, else the exit status. */
static int parse(int argc, char **argv, cmp_args *s)
{
    static const struct option opts[] = {
        CLI_OPT_RUNS, CLI_OPT_THREADS, CLI_OPT_SEED, CLI_OPT_OUT, CLI_OPT_QUIET,
        CLI_OPT_STOP_AFTER, CLI_OPT_HELP,
        {"variant", required_argument, NULL, 'v'},
        {"posterior", required_argument, NULL, 1000},
        CLI_OPT_END,
    };
    int nvar = 0;
    *s = (cmp_args){.a = cli_args_start(&cmd_compare, NULL)};
    /* --variant A, then B; --posterior DIR */
    int c;
    while ((c = cli_getopt(&s->a, argc, argv, ":n:v:t:s:o:qh", opts)) > 0) {
        if (c == 1000) {
            s->posterior = optarg;
            continue;
        }
        if (nvar == 2) {
            cli_error("compare", "more than two --variant given; expected A and B");
            return EXIT_USAGE;
        }
        s->var[nvar++] = optarg;
    }
    if (s->a.status >= 0)
        return s->a.status;
    if (!(s->path = cli_scenario_operand("compare", argc, argv)))
        return EXIT_USAGE;
    if (nvar == 0) {
        cli_error("compare", "no --variant given; expected --variant A [--variant B]");
        return EXIT_USAGE;
    }
    if (nvar == 1) {
        s->var[1] = s->var[0];
        s->var[0] = "base";
    }
    s->runs = s->a.runs ? s->a.runs : 1000;
    if (cli_seed_check(&s->a))
        return EXIT_USAGE;
    s->dir = cli_outdir(&s->a, "salient-out/compare");
    return s->dir ? -1 : EXIT_USAGE;
}

/* The two variants read, of one horizon, their comparison's memory
 * checked; 0, or the exit status with nothing to free. */
static int read_models(const cmp_args *s, sal_model *m[2])
{
    for (int k = 0; k < 2; k++) {
        /* var[k] is "base" or the optarg of a --variant, which getopt_long
         * never leaves NULL for a required_argument option */
        // NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker)
        const char *v = strcmp(s->var[k], "base") == 0 ? NULL : s->var[k];
        int st = cli_read_model("compare", s->path, v, &m[k]);
        if (st) {
            sal_model_free(m[0]);
            m[0] = NULL;
            return st;
        }
    }
    int st = 0;
    if (m[0]->horizon != m[1]->horizon) {
        cli_error("compare", "the variants have different horizons (%d and %d days)",
                  m[0]->horizon, m[1]->horizon);
        st = EXIT_USAGE;
    } else {
        /* refused before anything is written if the summaries cannot fit */
        sal_ensemble_opts mo = {.runs = s->runs, .threads = (int)s->a.threads};
        uint64_t need = sal_ensemble_memory_bound(m[0], &mo, 1);
        uint64_t nb = sal_ensemble_memory_bound(m[1], &mo, 1);
        if (cli_memory_check("compare", need > nb ? need : nb, "the comparison",
                             "fewer --threads, metrics or days need less") != 0)
            st = EXIT_USAGE;
    }
    if (st) {
        sal_model_free(m[0]);
        sal_model_free(m[1]);
        m[0] = m[1] = NULL;
    }
    return st;
}

/* DIR/compare.csv (and DIR/PARTIAL when partial) written whole; 0 or
 * EXIT_JOB after the message. */
static int write_results(const cmp_args *s, sal_model *m[2], const sal_compare *cmp, int partial,
                         uint64_t ndone)
{
    sal_outfile *fc = NULL;
    int bad = sal_outfile_open(&fc, s->dir, "compare.csv", 1) != SAL_OK;
    if (!bad) {
        bad |= sal_compare_write(sal_outfile_stream(fc), m[0], m[1], cmp) != SAL_OK;
        bad |= sal_outfile_close(fc) != SAL_OK;
    }
    if (!bad)
        cli_mark_partial(s->dir, partial, ndone, s->runs);
    bad = bad || sal_outfile_commit(fc) != SAL_OK;
    sal_outfile_abort(fc); /* errno kept */
    if (bad) {
        cli_error("compare", "cannot write the results in '%s': %s", s->dir, strerror(errno));
        return EXIT_JOB;
    }
    return 0;
}

/* The comparison of m[0] and m[1] run and written; the exit status. */
static int compare(const cmp_args *s, sal_model *m[2], sal_diags *d)
{
    const char *dir = s->dir;
    if (sal_mkdirs(dir) != SAL_OK) {
        cli_error("compare", "cannot create the directory '%s': %s", dir, strerror(errno));
        return EXIT_JOB;
    }
    int lk = cli_lock_dir("compare", dir);
    if (lk)
        return lk;
    static const char *const names[] = {"compare.csv", "PARTIAL"};
    cli_sweep(dir, names, 2);
    cli_progress prog;
    cli_progress_init(&prog, s->a.stop_after);
    sal_posterior post;
    if (cli_read_posterior("compare", s->posterior, m[0], &post) != 0)
        return EXIT_USAGE;
    sal_ensemble_opts eo = {.seed = cli_seed_or(&s->a, m[0]->seed), .runs = s->runs,
                            .threads = (int)s->a.threads, .progress = cli_progress_update,
                            .ctx = &prog, .posterior = s->posterior ? &post : NULL,
                            .stop_after = s->a.stop_after};
    uint64_t ndone = 0;
    sal_compare *cmp = NULL;
    /* caught until the files are written or removed (run_compare): a
     * second Ctrl-C must not leave temporaries behind */
    cli_signals_catch();
    int rc = sal_compare_run(m[0], m[1], &eo, &cmp, &ndone, d);
    sal_posterior_clear(&post);
    cli_progress_end(&prog);
    if (rc != SAL_OK && rc != SAL_EINTR) {
        cli_print_diags(d);
        cli_error("compare", "the comparison failed (%s); nothing was written",
                  sal_strstatus(rc));
        return EXIT_JOB;
    }
    int partial = rc == SAL_EINTR;
    int status = write_results(s, m, cmp, partial, ndone);
    if (!status)
        status = cli_write_runinfo("compare", s->dir, (int)s->a.threads, 1,
                                   cli_seed_or(&s->a, m[0]->seed), s->path, NULL);
    if (!status && !s->a.quiet)
        print_summary(m[0], m[1], cmp, dir);
    if (!status && partial) {
        fprintf(stderr,
                "salient compare: interrupted: partial results of %llu of %llu runs written "
                "(%s/PARTIAL)\n",
                (unsigned long long)ndone, (unsigned long long)s->runs, dir);
        status = EXIT_JOB;
    }
    sal_compare_free(cmp);
    return status;
}

static int run_compare(int argc, char **argv)
{
    cmp_args s;
    int st = parse(argc, argv, &s);
    if (st >= 0)
        return st;
    sal_model *m[2] = {NULL, NULL};
    if ((st = read_models(&s, m)) != 0)
        return st;
    sal_diags *d = cli_diags("compare");
    st = d ? compare(&s, m, d) : EXIT_JOB;
    cli_signals_restore();
    sal_diags_free(d);
    sal_model_free(m[0]);
    sal_model_free(m[1]);
    return st;
}

const cli_command cmd_compare = {
    "compare", run_compare,
    "two variants on common random numbers: the difference and its variance reduction", usage,
};

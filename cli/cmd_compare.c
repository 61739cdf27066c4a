/* salient compare — two variants of a scenario on common random numbers:
 * the distribution of the difference B - A per metric and day, the change in
 * each event's probability, and the variance reduction the shared streams
 * buy over independent ones.  DIR/compare.csv, written whole or not at all. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "salient/date.h"
#include "salient/ensemble.h"

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
    "      --stop-after K    (for tests) stop as if interrupted once K runs are done\n"
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
    printf("%s: %s (A) vs %s (B), %llu runs each on common random numbers, day %u\n",
           a->name ? a->name : "scenario", na, nb, (unsigned long long)c->runs, h);
    enum { MAXROWS = 12 };
    if (c->nmetrics) {
        printf("\n  %-22s %11s %11s %11s %11s %11s %9s\n", "metric", "A mean", "B mean",
               "B-A mean", "B-A p05", "B-A p95", "var. red.");
        for (size_t i = 0; i < c->nmetrics && i < MAXROWS; i++) {
            double r = c->var_diff[i] > 0 ? c->var_indep[i] / c->var_diff[i]
                                          : (c->var_indep[i] > 0 ? INFINITY : NAN);
            printf("  %-22s %11.5g %11.5g %11.5g %11.5g %11.5g %9.3g\n",
                   a->metrics[c->metric_a[i]].name,
                   sal_summary_mean(c->a, (uint32_t)c->metric_a[i], h),
                   sal_summary_mean(c->b, (uint32_t)c->metric_b[i], h),
                   sal_summary_mean(c->diff, (uint32_t)i, h),
                   sal_summary_quantile(c->diff, (uint32_t)i, h, 0.05),
                   sal_summary_quantile(c->diff, (uint32_t)i, h, 0.95), r);
        }
        if (c->nmetrics > MAXROWS)
            printf("  ... and %zu more in %s/compare.csv\n", c->nmetrics - MAXROWS, dir);
    }
    if (c->nevents) {
        printf("\n  %-22s %11s %11s %11s %9s\n", "event", "P in A", "P in B", "B-A", "var. red.");
        for (size_t e = 0; e < c->nevents && e < MAXROWS; e++) {
            double pa = sal_summary_event_probability(c->a, (uint32_t)c->event_a[e]);
            double pb = sal_summary_event_probability(c->b, (uint32_t)c->event_b[e]);
            double r = c->event_var_diff[e] > 0
                           ? c->event_var_indep[e] / c->event_var_diff[e]
                           : (c->event_var_indep[e] > 0 ? INFINITY : NAN);
            printf("  %-22s %11.4f %11.4f %+11.4f %9.3g\n", a->events[c->event_a[e]], pa, pb,
                   pb - pa, r);
        }
        if (c->nevents > MAXROWS)
            printf("  ... and %zu more in %s/compare.csv\n", c->nevents - MAXROWS, dir);
    }
    printf("\nvariance reduction: var(A) + var(B) over var(B - A) with common random numbers\n"
           "wrote %s/compare.csv\n", dir);
}

static int run_compare(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPT_RUNS, CLI_OPT_THREADS, CLI_OPT_SEED, CLI_OPT_OUT, CLI_OPT_QUIET,
        CLI_OPT_STOP_AFTER, CLI_OPT_HELP,
        {"variant", required_argument, NULL, 'v'},
        {"posterior", required_argument, NULL, 1000},
        CLI_OPT_END,
    };
    const char *var[2] = {NULL, NULL}, *postdir = NULL;
    int nvar = 0, c;
    cli_args a = cli_args_start(&cmd_compare, NULL);
    /* --variant A, then B; --posterior DIR */
    while ((c = cli_getopt(&a, argc, argv, ":n:v:t:s:o:qh", opts)) > 0) {
        if (c == 1000) {
            postdir = optarg;
            continue;
        }
        if (nvar == 2) {
            cli_error("compare", "more than two --variant given; expected A and B");
            return EXIT_USAGE;
        }
        var[nvar++] = optarg;
    }
    if (a.status >= 0)
        return a.status;
    const char *path = cli_scenario_operand("compare", argc, argv);
    if (!path)
        return EXIT_USAGE;
    if (nvar == 0) {
        cli_error("compare", "no --variant given; expected --variant A [--variant B]");
        return EXIT_USAGE;
    }
    if (nvar == 1) {
        var[1] = var[0];
        var[0] = "base";
    }
    uint64_t runs = a.runs ? a.runs : 1000, seed = 0;
    if (cli_seed("compare", a.seed, &seed))
        return EXIT_USAGE;
    const char *dir = cli_outdir(&a, "salient-out/compare");
    if (!dir)
        return EXIT_USAGE;
    sal_model *m[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        /* var[k] is "base" or the optarg of a --variant, which getopt_long
         * never leaves NULL for a required_argument option */
        // NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker)
        const char *v = strcmp(var[k], "base") == 0 ? NULL : var[k];
        int st = cli_read_model("compare", path, v, &m[k]);
        if (st) {
            sal_model_free(m[0]);
            return st;
        }
    }
    if (m[0]->horizon != m[1]->horizon) {
        cli_error("compare", "the variants have different horizons (%d and %d days)",
                  m[0]->horizon, m[1]->horizon);
        sal_model_free(m[0]);
        sal_model_free(m[1]);
        return EXIT_USAGE;
    }
    if (!a.seed)
        seed = m[0]->seed;
    sal_posterior post;
    if (cli_read_posterior("compare", postdir, m[0], &post) != 0) {
        sal_model_free(m[0]);
        sal_model_free(m[1]);
        return EXIT_USAGE;
    }
    {
        /* refused before anything is written if the summaries cannot fit */
        sal_ensemble_opts mo = {.runs = runs, .threads = (int)a.threads};
        uint64_t need = sal_ensemble_memory_bound(m[0], &mo, 1);
        uint64_t nb = sal_ensemble_memory_bound(m[1], &mo, 1);
        if (cli_memory_check("compare", need > nb ? need : nb, "the comparison",
                             "fewer --threads, metrics or days need less") != 0) {
            sal_model_free(m[0]);
            sal_model_free(m[1]);
            return EXIT_USAGE;
        }
    }
    int status = 0;
    sal_outfile fc;
    memset(&fc, 0, sizeof fc);
    sal_compare *cmp = NULL;
    sal_diags *d = cli_diags("compare");
    cli_progress prog;
    if (!d) {
        status = EXIT_JOB;
        goto done;
    }
    if (sal_mkdirs(dir) != SAL_OK) {
        cli_error("compare", "cannot create the directory '%s': %s", dir, strerror(errno));
        status = EXIT_JOB;
        goto done;
    }
    static const char *const names[] = {"compare.csv", "PARTIAL"};
    cli_sweep(dir, names, 2);
    cli_progress_init(&prog, a.stop_after);
    sal_ensemble_opts eo = {.seed = seed, .runs = runs, .threads = (int)a.threads,
                            .progress = cli_progress_update, .ctx = &prog,
                            .posterior = postdir ? &post : NULL};
    uint64_t ndone = 0;
    /* caught until the files are written or removed: a second Ctrl-C
     * must not leave temporaries behind */
    cli_signals_catch();
    int rc = sal_compare_run(m[0], m[1], &eo, &cmp, &ndone, d);
    cli_progress_end(&prog);
    if (rc != SAL_OK && rc != SAL_EINTR) {
        cli_print_diags(d);
        cli_error("compare", "the comparison failed (%s); nothing was written",
                  sal_strstatus(rc));
        status = EXIT_JOB;
        goto done;
    }
    int partial = rc == SAL_EINTR;
    int bad = sal_outfile_open(&fc, dir, "compare.csv", 1) != SAL_OK;
    if (!bad) {
        bad |= sal_compare_write(fc.f, m[0], m[1], cmp) != SAL_OK;
        bad |= sal_outfile_close(&fc) != SAL_OK;
    }
    if (!bad)
        cli_mark_partial(dir, partial, ndone, runs);
    if (bad || sal_outfile_commit(&fc) != SAL_OK) {
        cli_error("compare", "cannot write the results in '%s': %s", dir, strerror(errno));
        status = EXIT_JOB;
        goto done;
    }
    if (!a.quiet)
        print_summary(m[0], m[1], cmp, dir);
    if (partial) {
        fprintf(stderr,
                "salient compare: interrupted: partial results of %llu of %llu runs written "
                "(%s/PARTIAL)\n",
                (unsigned long long)ndone, (unsigned long long)runs, dir);
        status = EXIT_JOB;
    }
done:
    sal_posterior_clear(&post);
    sal_outfile_abort(&fc);
    sal_compare_free(cmp);
    sal_diags_free(d);
    sal_model_free(m[0]);
    sal_model_free(m[1]);
    cli_signals_restore();
    return status;
}

const cli_command cmd_compare = {
    "compare", run_compare,
    "two variants on common random numbers: the difference and its variance reduction", usage,
};

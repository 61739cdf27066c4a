/* salient ensemble — N runs of a scenario summarised: DIR/quantiles.csv,
 * DIR/events.csv, DIR/runs.csv and DIR/results.sqlite, all written whole or
 * not at all.  Also the progress line and the Ctrl-C handling shared with
 * 'salient compare'. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "salient/date.h"
#include "salient/ensemble.h"

static const char usage[] =
    "usage: salient ensemble FILE --runs N [--variant NAME] [--threads T] [--seed S]\n"
    "                        [--out DIR] [--no-runs-csv] [--quiet]\n"
    "\n"
    "Runs a scenario N times (runs 0 .. N-1 of the seed), each drawing its uncertain\n"
    "inputs and its daily noise from its own random streams, and writes\n"
    "  DIR/quantiles.csv   metric,day,date,mean,p05,p25,p50,p75,p95\n"
    "  DIR/events.csv      event,probability,p05,p50,p95 (the day, among the runs\n"
    "                      where the event happened; empty when it never did)\n"
    "  DIR/runs.csv        run, its drawn inputs, its metrics on the last day\n"
    "  DIR/results.sqlite  the same as tables metadata, quantiles, events, runs\n"
    "Every file is written whole or not at all, and the bytes are the same for\n"
    "any number of threads.  Memory does not grow with N: runs are summarised\n"
    "(quantiles within 0.5%, means and event statistics exact) and streamed to\n"
    "runs.csv, which --no-runs-csv switches off (with the runs table).\n"
    "\n"
    "On a terminal a progress line shows runs done, runs/s and time left.\n"
    "Ctrl-C (SIGINT) or SIGTERM stops after the runs under way: the files then\n"
    "summarise the runs finished, DIR/PARTIAL says so, metadata has partial = 1,\n"
    "and the exit status is 1.\n"
    "\n"
    "Options:\n"
    "  -n, --runs N          number of runs (default 1000)\n"
    "  -v, --variant NAME    run the counterfactual NAME of the scenario\n"
    "  -t, --threads T       OpenMP threads (default: OMP_NUM_THREADS or all cores)\n"
    "  -s, --seed S          the random seed (default: the scenario's seed)\n"
    "  -o, --out DIR         where to write (default salient-out/ensemble; created)\n"
    "      --no-runs-csv     do not write the per-run rows\n"
    "  -q, --quiet           no summary on stdout\n"
    "      --stop-after K    (for tests) stop as if interrupted once K runs are done\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 success; 1 a run failed (the message names it), the files could\n"
    "not be written, or the ensemble was interrupted (partial results written);\n"
    "2 bad usage or a bad scenario (file:line:col messages, nothing written).\n"
    "docs/ensemble.md describes the summaries, the files and the memory model.\n";

/* ---- shared with cmd_compare.c ----------------------------------------- */

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

void cli_signals_catch(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void cli_signals_restore(void)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_init(cli_progress *p, uint64_t stop_after)
{
    memset(p, 0, sizeof *p);
    p->tty = isatty(STDERR_FILENO);
    p->t0 = now();
    p->stop_after = stop_after;
}

int cli_progress_update(void *ctx, uint64_t done, uint64_t total)
{
    cli_progress *p = ctx;
    if (p->tty) {
        double t = now();
        /* at most five lines a second, and always the last one */
        if (done >= total || t - p->last >= 0.2) {
            p->last = t;
            double el = t - p->t0, rate = el > 0 ? (double)done / el : 0;
            double left = rate > 0 ? (double)(total - done) / rate : 0;
            fprintf(stderr, "\r%llu/%llu runs  %.0f runs/s  %d:%02d left   ",
                    (unsigned long long)done, (unsigned long long)total, rate,
                    (int)(left / 60), (int)fmod(left, 60));
            fflush(stderr);
            p->shown = 1;
        }
    }
    return stop_flag || (p->stop_after && done >= p->stop_after);
}

void cli_progress_end(cli_progress *p)
{
    if (p->tty && p->shown)
        fputc('\n', stderr);
}

int cli_parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    for (const char *q = s; *q; q++)
        if (*q < '0' || *q > '9')
            return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

void cli_mark_partial(const char *dir, int partial, uint64_t done, uint64_t total)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/PARTIAL", dir);
    if (!partial) {
        unlink(path); /* a complete result replaces an earlier partial one */
        return;
    }
    sal_outfile o;
    if (sal_outfile_open(&o, dir, "PARTIAL", 1) != SAL_OK)
        return;
    fprintf(o.f, "interrupted: the results summarise runs 0 to %llu, %llu of the %llu asked for\n",
            (unsigned long long)(done ? done - 1 : 0), (unsigned long long)done,
            (unsigned long long)total);
    if (sal_outfile_close(&o) != SAL_OK || sal_outfile_commit(&o) != SAL_OK)
        sal_outfile_abort(&o);
}

/* ---- the command --------------------------------------------------------- */

typedef struct {
    const sal_model *m;
    FILE *runs;            /* NULL with --no-runs-csv */
    sal_results_db *db;
    cli_progress prog;
} ens_ctx;

static int on_run(void *ctx, uint64_t run, const double *inputs, const double *last)
{
    ens_ctx *c = ctx;
    if (sal_ensemble_write_run(c->runs, c->m, run, inputs, last) != SAL_OK)
        return 1;
    return sal_results_db_add_run(c->db, run, inputs, last) != SAL_OK;
}

static int on_progress(void *ctx, uint64_t done, uint64_t total)
{
    return cli_progress_update(&((ens_ctx *)ctx)->prog, done, total);
}

static void print_summary(const sal_model *m, const sal_summary *s, uint64_t seed,
                          const char *dir, int runs_csv)
{
    uint32_t h = (uint32_t)m->horizon;
    char d1[16];
    sal_date_format(sal_date_to_days(m->start_year, m->start_month, m->start_day) + h, d1);
    printf("%s%s%s: %llu runs, seed %llu, %d days to %s\n", m->name ? m->name : "scenario",
           m->variant ? ", variant " : "", m->variant ? m->variant : "",
           (unsigned long long)sal_summary_runs(s), (unsigned long long)seed, m->horizon + 1, d1);
    enum { MAXROWS = 12 };
    if (m->nmetrics) {
        printf("\nmetrics on %s:  %12s %12s %12s %12s\n", d1, "mean", "p05", "p50", "p95");
        for (size_t k = 0; k < m->nmetrics && k < MAXROWS; k++)
            printf("  %-24s %12.6g %12.6g %12.6g %12.6g\n", m->metrics[k].name,
                   sal_summary_mean(s, (uint32_t)k, h),
                   sal_summary_quantile(s, (uint32_t)k, h, 0.05),
                   sal_summary_quantile(s, (uint32_t)k, h, 0.5),
                   sal_summary_quantile(s, (uint32_t)k, h, 0.95));
        if (m->nmetrics > MAXROWS)
            printf("  ... and %zu more in %s/quantiles.csv\n", m->nmetrics - MAXROWS, dir);
    }
    if (m->nevents) {
        printf("\nevents by %s:  %11s  %s\n", d1, "probability", "day p05 / p50 / p95");
        for (size_t e = 0; e < m->nevents && e < MAXROWS; e++) {
            int32_t a = sal_summary_event_quantile(s, (uint32_t)e, 0.05);
            printf("  %-24s %11.4f", m->events[e], sal_summary_event_probability(s, (uint32_t)e));
            if (a >= 0)
                printf("  %d / %d / %d", (int)a,
                       (int)sal_summary_event_quantile(s, (uint32_t)e, 0.5),
                       (int)sal_summary_event_quantile(s, (uint32_t)e, 0.95));
            putchar('\n');
        }
        if (m->nevents > MAXROWS)
            printf("  ... and %zu more in %s/events.csv\n", m->nevents - MAXROWS, dir);
    }
    printf("\nwrote %s/quantiles.csv, events.csv, %sresults.sqlite\n", dir,
           runs_csv ? "runs.csv, " : "");
}

int cli_read_model(const char *cmd, const char *path, const char *variant, sal_model **m)
{
    sal_diags *d = sal_diags_alloc();
    if (!d) {
        cli_error(cmd, "out of memory");
        return EXIT_JOB;
    }
    int rc = sal_model_read(path, variant, d, m);
    if (rc != SAL_OK) {
        cli_print_diags(d);
        if (rc == SAL_ENOMEM)
            cli_error(cmd, "out of memory while reading %s", path);
        else if (sal_diags_count(d))
            fprintf(stderr, "%s: %zu error%s; nothing was run\n", path, sal_diags_count(d),
                    sal_diags_count(d) == 1 ? "" : "s");
        sal_diags_free(d);
        return rc == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
    }
    sal_diags_free(d);
    return 0;
}

static int run_ensemble(int argc, char **argv)
{
    enum { OPT_NORUNS = 1000, OPT_STOP };
    static const struct option opts[] = {
        {"runs", required_argument, NULL, 'n'},
        {"variant", required_argument, NULL, 'v'},
        {"threads", required_argument, NULL, 't'},
        {"seed", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'},
        {"no-runs-csv", no_argument, NULL, OPT_NORUNS},
        {"stop-after", required_argument, NULL, OPT_STOP},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *variant = NULL, *dir = "salient-out/ensemble", *seed_s = NULL;
    uint64_t runs = 1000, threads = 0, seed = 0, stop_after = 0;
    int quiet = 0, runs_csv = 1, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":n:v:t:s:o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (cli_parse_u64(optarg, &runs) != 0 || runs == 0 || runs > UINT32_MAX) {
                cli_error("ensemble", "--runs '%s' is not a whole number from 1 to 4294967295",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        case 'v': variant = optarg; break;
        case 't':
            if (cli_parse_u64(optarg, &threads) != 0 || threads == 0 || threads > 1024) {
                cli_error("ensemble", "--threads '%s' is not a whole number from 1 to 1024",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        case 's': seed_s = optarg; break;
        case 'o': dir = optarg; break;
        case 'q': quiet = 1; break;
        case OPT_NORUNS: runs_csv = 0; break;
        case OPT_STOP:
            if (cli_parse_u64(optarg, &stop_after) != 0) {
                cli_error("ensemble", "--stop-after '%s' is not a whole number", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': fputs(usage, stdout); return 0;
        case ':':
            cli_error("ensemble", "option '%s' needs a value; see 'salient help ensemble'",
                      argv[optind - 1]);
            return EXIT_USAGE;
        default:
            cli_error("ensemble", "unknown option '%s'; see 'salient help ensemble'",
                      argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        cli_error("ensemble", "%s; see 'salient help ensemble'",
                  argc - optind < 1 ? "no scenario FILE given" : "more than one FILE given");
        return EXIT_USAGE;
    }
    if (seed_s && cli_parse_u64(seed_s, &seed) != 0) {
        cli_error("ensemble",
                  "the seed '%s' is not a whole number from 0 to 18446744073709551615", seed_s);
        return EXIT_USAGE;
    }
    if (!*dir) {
        cli_error("ensemble", "the output directory is empty; expected --out DIR");
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    sal_model *m = NULL;
    int st = cli_read_model("ensemble", path, variant, &m);
    if (st)
        return st;
    if (!seed_s)
        seed = m->seed;

    int status = 0;
    sal_outfile fq, fe, fr, fdb;
    memset(&fq, 0, sizeof fq);
    fe = fr = fdb = fq;
    ens_ctx ctx = {.m = m};
    sal_summary *s = NULL;
    sal_diags *d = sal_diags_alloc();
    if (!d) {
        cli_error("ensemble", "out of memory");
        sal_model_free(m);
        return EXIT_JOB;
    }
    if (sal_mkdirs(dir) != SAL_OK) {
        cli_error("ensemble", "cannot create the directory '%s': %s", dir, strerror(errno));
        status = EXIT_JOB;
        goto done;
    }
    if ((runs_csv && sal_outfile_open(&fr, dir, "runs.csv", 1) != SAL_OK) ||
        sal_outfile_open(&fdb, dir, "results.sqlite", 0) != SAL_OK ||
        sal_results_db_open(&ctx.db, fdb.tmp, m) != SAL_OK) {
        cli_error("ensemble", "cannot write in '%s': %s", dir, strerror(errno));
        status = EXIT_JOB;
        goto done;
    }
    if (runs_csv) {
        ctx.runs = fr.f;
        sal_ensemble_write_runs_header(fr.f, m);
    }
    cli_progress_init(&ctx.prog, stop_after);
    sal_ensemble_opts eo = {
        .seed = seed, .first = 0, .runs = runs, .threads = (int)threads,
        .on_run = runs_csv ? on_run : NULL, .progress = on_progress, .ctx = &ctx,
    };
    uint64_t done = 0;
    cli_signals_catch();
    int rc = sal_ensemble_run(m, &eo, &s, &done, d);
    cli_signals_restore();
    cli_progress_end(&ctx.prog);
    if (rc != SAL_OK && rc != SAL_EINTR) {
        cli_print_diags(d);
        if (rc == SAL_EIO)
            cli_error("ensemble", "cannot write the runs in '%s': %s", dir, strerror(errno));
        else
            cli_error("ensemble", "the ensemble failed (%s); nothing was written",
                      sal_strstatus(rc));
        status = EXIT_JOB;
        goto done;
    }
    int partial = rc == SAL_EINTR;
    int bad = sal_outfile_open(&fq, dir, "quantiles.csv", 1) != SAL_OK ||
              sal_outfile_open(&fe, dir, "events.csv", 1) != SAL_OK;
    if (!bad) {
        bad |= sal_ensemble_write_quantiles(fq.f, m, s) != SAL_OK;
        bad |= sal_ensemble_write_events(fe.f, m, s) != SAL_OK;
        bad |= sal_results_db_finish(ctx.db, s, seed, runs, partial) != SAL_OK;
        sal_results_db_close(ctx.db);
        ctx.db = NULL;
        bad |= sal_outfile_close(&fq) != SAL_OK;
        bad |= sal_outfile_close(&fe) != SAL_OK;
        bad |= sal_outfile_close(&fdb) != SAL_OK;
        if (runs_csv)
            bad |= sal_outfile_close(&fr) != SAL_OK;
    }
    /* the marker first, so that partial results never appear unmarked */
    if (!bad)
        cli_mark_partial(dir, partial, done, runs);
    if (bad || sal_outfile_commit(&fq) != SAL_OK || sal_outfile_commit(&fe) != SAL_OK ||
        sal_outfile_commit(&fdb) != SAL_OK || (runs_csv && sal_outfile_commit(&fr) != SAL_OK)) {
        cli_error("ensemble", "cannot write the results in '%s': %s", dir, strerror(errno));
        status = EXIT_JOB;
        goto done;
    }
    if (!quiet)
        print_summary(m, s, seed, dir, runs_csv);
    if (partial) {
        fprintf(stderr,
                "salient ensemble: interrupted: partial results of %llu of %llu runs written "
                "(%s/PARTIAL)\n",
                (unsigned long long)done, (unsigned long long)runs, dir);
        status = EXIT_JOB;
    }
done:
    sal_results_db_close(ctx.db);
    sal_outfile_abort(&fq);
    sal_outfile_abort(&fe);
    sal_outfile_abort(&fr);
    sal_outfile_abort(&fdb);
    sal_summary_free(s);
    sal_diags_free(d);
    sal_model_free(m);
    return status;
}

const cli_command cmd_ensemble = {
    "ensemble", run_ensemble, "run a scenario N times: quantiles, event probabilities, runs",
    usage,
};

/* salient run — one run of a scenario: DIR/series.csv, DIR/events.csv and a
 * one-screen summary.  Files are written under temporary names and renamed
 * into place, so that each is whole or absent. */
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
#include "salient/engine.h"
#include "salient/ensemble.h"
#include "salient/model.h"
#include "salient/out.h"

static const char usage[] =
    "usage: salient run FILE [--variant NAME] [--seed S] [--run K] [--out DIR]\n"
    "                        [--deterministic]\n"
    "\n"
    "Runs a scenario once, day by day from its start to its horizon, and writes\n"
    "  DIR/series.csv   day, date, then one column per metric of the scenario\n"
    "  DIR/events.csv   event, day, date: the events that happened, in order,\n"
    "                   then those that did not (day and date empty)\n"
    "and prints a summary: the metrics on the last day, what became of each\n"
    "force, the ground of each sector and the events with their dates.\n"
    "\n"
    "A run draws every uncertain input once and the daily noise (casualties,\n"
    "policy hazards) from random streams named by the seed and the run index,\n"
    "so the same seed and run give the same bytes.\n"
    "\n"
    "Options:\n"
    "  -v, --variant NAME    run the counterfactual NAME of the scenario\n"
    "  -s, --seed S          the random seed (default: the scenario's seed)\n"
    "  -r, --run K           the run index, to redo run K of an ensemble (default 0)\n"
    "  -o, --out DIR         where to write (default salient-out/run; created)\n"
    "  -d, --deterministic   the mean-field path: inputs at their means, expected\n"
    "                        casualties, hazards at their median outcome\n"
    "  -q, --quiet           no summary\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 success; 1 the run failed (a value became NaN or infinite:\n"
    "the message names the expression or mechanism and the day) or the files\n"
    "could not be written; 2 bad usage or a bad scenario (file:line:col\n"
    "messages, nothing written).  The model is described in docs/model.md.\n";

/* ---- output helpers --------------------------------------------------- */

/* For the summary: whole numbers without decimals, else 6 digits. */
static void fmt_short(char *buf, size_t n, double x)
{
    if (fabs(x) < 1e15 && x == floor(x))
        snprintf(buf, n, "%.0f", x);
    else
        snprintf(buf, n, "%.6g", x);
}

static void summary(const sal_run *r, const sal_model *m, const size_t *order, long start,
                    uint64_t seed, int det, const char *dir)
{
    size_t nd = sal_run_ndays(r), nm = sal_run_nmetrics(r);
    const double *s = sal_run_series(r);
    const int32_t *days = sal_run_event_days(r);
    char d0[16], d1[16], a[32], b[32], c[32], e[32], g[32];
    sal_date_format(start, d0);
    sal_date_format(start + (long)nd - 1, d1);
    printf("%s%s%s: %zu days, %s to %s; seed %llu, %s\n", m->name ? m->name : "scenario",
           m->variant ? ", variant " : "", m->variant ? m->variant : "", nd, d0, d1,
           (unsigned long long)seed, det ? "deterministic (mean-field)" : "stochastic");
    enum { MAXROWS = 12 };
    if (nm) {
        printf("\nmetrics on %s (day %zu):\n", d1, nd - 1);
        for (size_t k = 0; k < nm && k < MAXROWS; k++) {
            fmt_short(a, sizeof a, s[(nd - 1) * nm + k]);
            printf("  %-28s %14s\n", m->metrics[k].name, a);
        }
        if (nm > MAXROWS)
            printf("  ... and %zu more in %s/series.csv\n", nm - MAXROWS, dir);
    }
    if (m->nforces) {
        printf("\n  %-22s %10s %10s %10s %10s %10s\n", "force", "arrived", "present", "killed",
               "wounded", "withdrawn");
        for (size_t f = 0; f < m->nforces && f < MAXROWS; f++) {
            sal_force_account x;
            sal_run_force(r, f, &x);
            fmt_short(a, sizeof a, x.arrived);
            fmt_short(b, sizeof b, x.present);
            fmt_short(c, sizeof c, x.killed);
            fmt_short(e, sizeof e, x.wounded);
            fmt_short(g, sizeof g, x.withdrawn);
            printf("  %-22s %10s %10s %10s %10s %10s", m->forces[f].name, a, b, c, e, g);
            if (x.withdrawn_day >= 0) {
                char wd[16];
                sal_date_format(start + x.withdrawn_day, wd);
                printf("  broke %s", wd);
            }
            putchar('\n');
        }
        if (m->nforces > MAXROWS)
            printf("  ... and %zu more forces\n", m->nforces - MAXROWS);
    }
    int any = 0;
    for (size_t i = 0; i < m->nsectors; i++) {
        const sal_sector *se = &m->sectors[i];
        if (!(se->ground_max.value > 0) && se->ground_max.u < 0)
            continue;
        if (!any++)
            putchar('\n');
        fmt_short(a, sizeof a, sal_run_ground(r, i));
        printf("  ground %-15s %s km2 held by %s\n", se->name, a,
               m->sides[se->holder == 0 ? 0 : 1] ? m->sides[se->holder == 0 ? 0 : 1] : "?");
    }
    size_t happened = 0;
    for (size_t i = 0; i < m->nevents; i++)
        happened += days[i] >= 0;
    if (m->nevents) {
        printf("\nevents (%zu of %zu happened):\n", happened, m->nevents);
        for (size_t i = 0; i < happened && i < MAXROWS; i++) {
            size_t ev = order[i];
            sal_date_format(start + days[ev], d0);
            printf("  %s  day %-5d %s\n", d0, (int)days[ev], m->events[ev]);
        }
        if (happened > MAXROWS)
            printf("  ... and %zu more in %s/events.csv\n", happened - MAXROWS, dir);
    }
    printf("\nwrote %s/series.csv and %s/events.csv\n", dir, dir);
}

/* The command line of 'salient run'. */
typedef struct {
    cli_args a;  /* --seed, --out, --quiet */
    const char *variant, *path, *dir;
    uint64_t runix;
    int det;
} run_args;

/* Reads the command line into s; -1 to go on, else the exit status. */
static int parse(int argc, char **argv, run_args *s)
{
    static const struct option opts[] = {
        CLI_OPT_SEED, CLI_OPT_OUT, CLI_OPT_QUIET, CLI_OPT_HELP,
        {"variant", required_argument, NULL, 'v'},
        {"run", required_argument, NULL, 'r'},
        {"deterministic", no_argument, NULL, 'd'},
        CLI_OPT_END,
    };
    const char *run_s = NULL;
    int c;
    *s = (run_args){.a = cli_args_start(&cmd_run, NULL)};
    while ((c = cli_getopt(&s->a, argc, argv, ":v:s:r:o:dqh", opts)) > 0) {
        switch (c) {
        case 'v': s->variant = optarg; break;
        case 'r': run_s = optarg; break;
        case 'd': s->det = 1; break;
        default: break;
        }
    }
    if (s->a.status >= 0)
        return s->a.status;
    s->path = cli_scenario_operand("run", argc, argv);
    if (!s->path || cli_seed_check(&s->a))
        return EXIT_USAGE;
    if (run_s && cli_parse_u64(run_s, &s->runix) != 0) {
        cli_error("run", "the run index '%s' is not a whole number >= 0", run_s);
        return EXIT_USAGE;
    }
    s->dir = cli_outdir(&s->a, "salient-out/run");
    return s->dir ? -1 : EXIT_USAGE;
}

/* DIR/series.csv and DIR/events.csv, both or neither; 0 or EXIT_JOB after
 * the message. */
static int write_files(const sal_run *r, const size_t *order, const char *dir)
{
    if (sal_mkdirs(dir) != 0) {
        cli_error("run", "cannot create the directory '%s': %s", dir, strerror(errno));
        return EXIT_JOB;
    }
    int lk = cli_lock_dir("run", dir);
    if (lk)
        return lk;
    static const char *const names[] = {"series.csv", "events.csv"};
    cli_sweep(dir, names, 2);
    int status = 0;
    sal_outfile *fs = NULL, *fe = NULL;
    if (sal_outfile_open(&fs, dir, "series.csv", 1) != SAL_OK ||
        sal_outfile_open(&fe, dir, "events.csv", 1) != SAL_OK) {
        cli_error("run", "cannot write in '%s': %s", dir, strerror(errno));
        status = EXIT_JOB;
    } else {
        int bad = sal_run_write_series(sal_outfile_stream(fs), r) != SAL_OK;
        bad |= sal_run_write_events(sal_outfile_stream(fe), r, order) != SAL_OK;
        bad |= sal_outfile_close(fs) != SAL_OK;
        bad |= sal_outfile_close(fe) != SAL_OK;
        if (bad || sal_outfile_commit(fs) != SAL_OK || sal_outfile_commit(fe) != SAL_OK) {
            cli_error("run", "cannot write the results in '%s': %s", dir, strerror(errno));
            if (sal_outfile_state(fs) == SAL_OUTFILE_COMMITTED)
                unlink(sal_outfile_path(fs)); /* one without the other would mislead */
            status = EXIT_JOB;
        }
    }
    sal_outfile_abort(fs);
    sal_outfile_abort(fe);
    return status;
}

/* The run of model m in workspace r, its files and summary; the exit
 * status. */
static int one_run(const run_args *s, const sal_model *m, sal_run *r, sal_diags *d)
{
    uint64_t seed = cli_seed_or(&s->a, m->seed);
    sal_run_opts o = {seed, s->runix, s->det, NULL, NULL, NULL};
    int rc = sal_run_exec(r, &o, d);
    if (rc != SAL_OK) {
        cli_print_diags(d);
        cli_error("run", "the run failed (%s); nothing was written", sal_strstatus(rc));
        return rc == SAL_EINPUT ? EXIT_USAGE : EXIT_JOB;
    }
    size_t *order = malloc((m->nevents + 1) * sizeof *order);
    if (!order) {
        cli_error("run", "out of memory");
        return EXIT_JOB;
    }
    sal_run_event_order(r, order);
    int status = write_files(r, order, s->dir);
    if (status == 0 && !s->a.quiet) {
        long start = sal_date_to_days(m->start_year, m->start_month, m->start_day);
        summary(r, m, order, start, seed, s->det, s->dir);
    }
    free(order);
    return status;
}

static int run_run(int argc, char **argv)
{
    run_args s;
    int st = parse(argc, argv, &s);
    if (st >= 0)
        return st;
    sal_model *m = NULL;
    sal_diags *d = NULL;
    if ((st = cli_read_job("run", s.path, s.variant, &m, &d)) != 0)
        return st;
    sal_run *r = sal_run_alloc(m);
    if (!r) {
        cli_error("run", "out of memory for a run of %s", s.path);
        st = EXIT_JOB;
    } else {
        st = one_run(&s, m, r, d);
    }
    sal_run_free(r);
    sal_model_free(m);
    sal_diags_free(d);
    return st;
}

const cli_command cmd_run = {
    "run", run_run, "run a scenario once: daily series, events and a summary", usage,
};

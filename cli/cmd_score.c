/* salient score — an ensemble's runs set against reports: DIR/scores.csv,
 * DIR/scores_summary.csv and the tables scores and scores_summary in
 * DIR/results.sqlite (docs/scores.md).  The options and the flow; the
 * scores are the library's (src/analysis/score*.c, src/out/score*.c). */
#include <errno.h>
#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "salient/date.h"
#include "salient/ensemble.h"
#include "salient/obs.h"
#include "salient/score.h"

static const char usage[] =
    "usage: salient score DIR --observations FILE [--reference DIR2] [--as-of DATE]\n"
    "                     [--threads T] [--seed S] [--quiet]\n"
    "\n"
    "Sets the runs of an ensemble (DIR, from 'salient ensemble SCENARIO\n"
    "--observations FILE --out DIR', which keeps the paths the reports need)\n"
    "against the reports of FILE, and writes\n"
    "  DIR/scores.csv          per report: the forecast of the reported figure\n"
    "                          (p05, p25, p50, p75, p95), the PIT (an interval\n"
    "                          [F(lo), F(hi)] for a bound or range), the CRPS and\n"
    "                          the interval scores of the 50% and 90% bands (value\n"
    "                          reports), the probability of what was reported with\n"
    "                          its log and Brier scores (bounds, ranges, events),\n"
    "                          and whether the report is 'fit' or 'test'\n"
    "  DIR/scores_summary.csv  per set (fit, test) and metric, and overall: the\n"
    "                          coverage of the 50% and 90% bands, mean CRPS and\n"
    "                          interval scores (never across metrics), mean log\n"
    "                          and Brier scores, and with --reference the CRPS\n"
    "                          skill against the reference forecast\n"
    "and the tables scores and scores_summary in DIR/results.sqlite, which\n"
    "'salient report DIR' then shows.  The forecast of a report is the mixture\n"
    "over the runs (weighted when the runs table has a weight column) of its\n"
    "figure through the report's bias and error models, evaluated exactly and\n"
    "inverted by bisection for the bands and the PIT; the CRPS is the fair\n"
    "ensemble estimator on one draw per run.  A report made on or before the\n"
    "forecast's as-of date (--as-of, else the ensemble's as-of, else its start)\n"
    "is 'fit', a later one 'test': only 'test' rows measure the forecast.\n"
    "\n"
    "Options:\n"
    "      --observations FILE  the reports (docs/observations.md); required\n"
    "      --reference DIR2  a reference forecast scored on the same reports\n"
    "                        (CRPS skill = 1 - CRPS / CRPS of the reference)\n"
    "      --as-of DATE      the forecast's as-of date (YYYY-MM-DD)\n"
    "  -t, --threads T       OpenMP threads over the reports (same bytes for any)\n"
    "  -s, --seed S          the seed of the draws for the CRPS (default 1)\n"
    "  -q, --quiet           no summary on stdout\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 written; 1 the files could not be written; 2 bad usage, a\n"
    "damaged or edited results.sqlite (checked as 'salient report' checks it),\n"
    "a DIR without per-run paths or whose scenario changed since, a bad\n"
    "observations file (file:line:col messages), a report whose path the\n"
    "ensemble did not keep, or a job that would not fit in memory (nothing\n"
    "written).  docs/scores.md defines every score.\n";

typedef struct {
    cli_args a;
    const char *dir, *obs, *ref, *as_of;
    uint64_t seed;
} score_opts;

static int read_options(int argc, char **argv, score_opts *o)
{
    enum { OPT_OBS = 1000, OPT_REF, OPT_ASOF };
    static const struct option opts[] = {
        CLI_OPT_THREADS, CLI_OPT_SEED, CLI_OPT_QUIET, CLI_OPT_HELP,
        {"observations", required_argument, NULL, OPT_OBS},
        {"reference", required_argument, NULL, OPT_REF},
        {"as-of", required_argument, NULL, OPT_ASOF},
        CLI_OPT_END,
    };
    *o = (score_opts){.a = cli_args_start(&cmd_score, NULL), .seed = 1};
    int c;
    while ((c = cli_getopt(&o->a, argc, argv, ":t:s:qh", opts)) > 0) {
        switch (c) {
        case OPT_OBS: o->obs = optarg; break;
        case OPT_REF: o->ref = optarg; break;
        case OPT_ASOF: o->as_of = optarg; break;
        default: break;
        }
    }
    if (o->a.status >= 0)
        return o->a.status;
    o->dir = cli_operand("score", argc, argv, "no DIR given (the ensemble's directory)",
                         "more than one DIR given");
    if (!o->dir || cli_seed_check(&o->a))
        return EXIT_USAGE;
    o->seed = cli_seed_or(&o->a, 1);
    if (!o->obs) {
        cli_error("score", "no --observations FILE given: the reports to score against");
        return EXIT_USAGE;
    }
    return -1;
}

/* One forecast: an ensemble's model, the reports bound to it, its runs. */
typedef struct {
    char db[4200];
    sal_model *m;
    sal_obs_set *o;
    sal_run_paths *p;
    sal_score_report *rows;
} forecast;

static void forecast_free(forecast *f)
{
    free(f->rows);
    sal_run_paths_free(f->p);
    sal_obs_free(f->o);
    sal_model_free(f->m);
}

/* The scenario the ensemble of dir ran, read again and checked to be the
 * same bytes; 0 or the exit status.  The database is verified first, as
 * salient report does: score copies it into its own results, and a damaged
 * one would come out resealed as if whole. */
static int read_scenario(const char *dir, forecast *f)
{
    char path[4200], hash[64], variant[512] = "";
    snprintf(f->db, sizeof f->db, "%s/results.sqlite", dir);
    int st = cli_verify_results("score", f->db);
    if (st)
        return st;
    int rc = sal_results_meta_get(f->db, "scenario_path", path, sizeof path);
    if (rc == SAL_EIO) {
        cli_error("score", "cannot read '%s': %s", f->db, strerror(errno));
        return EXIT_USAGE;
    }
    if (rc != SAL_OK || sal_results_meta_get(f->db, "scenario_hash", hash, sizeof hash)) {
        cli_error("score", "%s: no per-run paths (its metadata has no scenario_path); run "
                  "'salient ensemble SCENARIO --observations FILE --out %s' first", f->db, dir);
        return EXIT_USAGE;
    }
    sal_results_meta_get(f->db, "variant", variant, sizeof variant);
    sal_checkpoint_id id;
    char now[64];
    if (sal_checkpoint_id_file(&id, path) != SAL_OK) {
        cli_error("score", "%s: the scenario it ran, '%s', cannot be read: %s", f->db, path,
                  strerror(errno));
        return EXIT_USAGE;
    }
    snprintf(now, sizeof now, "%016llx", (unsigned long long)id.scenario_hash);
    if (strcmp(now, hash) != 0) {
        cli_error("score", "%s: the scenario '%s' has changed since the ensemble ran (hash %s, "
                  "then %s); run the ensemble again", f->db, path, now, hash);
        return EXIT_USAGE;
    }
    return cli_read_model("score", path, *variant ? variant : NULL, &f->m);
}

/* Refused (printed) when the runs' paths, the rows and each thread's
 * buffers (a draw per run, a day-major series) would not fit. */
static int memory_refused(const score_opts *so, const forecast *f, size_t nruns, size_t ncols)
{
    uint64_t threads = so->a.threads ? so->a.threads : (uint64_t)omp_get_max_threads();
    uint64_t need = sal_run_paths_bytes(nruns, ncols, f->m->nevents) +
                    (uint64_t)sal_obs_count(f->o) * sizeof(sal_score_report) +
                    threads * ((uint64_t)nruns * 16 +
                               (uint64_t)(f->m->horizon + 1) * (f->m->nmetrics + 1) * 8);
    return cli_memory_check("score", need, "the runs' paths", "fewer runs or dates need less") != 0;
}

/* The forecast of dir against the observations; 0 or the exit status. */
static int load(const score_opts *so, const char *dir, forecast *f)
{
    int st = read_scenario(dir, f);
    if (st)
        return st;
    sal_diags *d = cli_diags("score");
    if (!d)
        return EXIT_JOB;
    int rc = sal_obs_read_file(so->obs, f->m, &f->o, d);
    size_t nruns = 0, ncols = 0;
    if (rc == SAL_OK)
        rc = sal_run_paths_size(f->db, &nruns, &ncols, d);
    if (rc == SAL_OK && memory_refused(so, f, nruns, ncols)) {
        sal_diags_free(d);
        return EXIT_USAGE;
    }
    if (rc == SAL_OK)
        rc = sal_run_paths_read(f->db, f->m, &f->p, d);
    if (rc == SAL_OK && f->p->nruns < 2) {
        cli_error("score", "%s: %zu run; a forecast needs at least 2", f->db, f->p->nruns);
        rc = SAL_EINPUT;
    }
    cli_print_diags(d);
    sal_diags_free(d);
    if (rc == SAL_EIO)
        cli_error("score", "cannot read '%s': %s", so->obs, strerror(errno));
    return rc == SAL_OK ? 0 : rc == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
}

static long start_of(const sal_model *m)
{
    return sal_date_to_days(m->start_year, m->start_month, m->start_day);
}

/* The as-of date (a day number): --as-of, else the ensemble's as_of
 * metadata, else its start. */
static int as_of_date(const score_opts *so, const forecast *f, long *date)
{
    char buf[64];
    const char *s = so->as_of;
    if (!s && sal_results_meta_get(f->db, "as_of", buf, sizeof buf) == SAL_OK)
        s = buf;
    *date = start_of(f->m);
    if (!s)
        return 0;
    int y, mo, dd;
    if (sal_date_parse(s, &y, &mo, &dd) != 0) {
        cli_error("score", "--as-of '%s' is not a date; expected YYYY-MM-DD", s);
        return EXIT_USAGE;
    }
    *date = sal_date_to_days(y, mo, dd);
    return 0;
}

/* The as-of date as a day of forecast f (its start may differ from the
 * reference's). */
static int32_t as_of_day(const forecast *f, long date)
{
    long d = date - start_of(f->m);
    return d < -1 ? -1 : d > INT32_MAX ? INT32_MAX : (int32_t)d;
}

static int score(const score_opts *so, forecast *f, int32_t as_of)
{
    size_t n = sal_obs_count(f->o);
    f->rows = calloc(n ? n : 1, sizeof *f->rows);
    sal_diags *d = cli_diags("score");
    if (!f->rows || !d) {
        sal_diags_free(d);
        return EXIT_JOB;
    }
    sal_score_opts opts = {.as_of = as_of, .seed = so->seed, .threads = (int)so->a.threads,
                           .obs_path = so->obs};
    int rc = sal_score_reports(f->m, f->o, f->p, &opts, f->rows, d);
    cli_print_diags(d);
    sal_diags_free(d);
    if (rc == SAL_OK)
        return 0;
    if (rc != SAL_EINPUT)
        cli_error("score", "scoring failed: %s", sal_strstatus(rc));
    return rc == SAL_EINPUT ? EXIT_USAGE : EXIT_JOB;
}

/* Copies the file src to the (open, empty) temporary of o. */
static int copy_file(const char *src, const sal_outfile *o)
{
    FILE *in = fopen(src, "rb"), *out = fopen(sal_outfile_temp_path(o), "wb");
    char buf[65536];
    size_t got;
    int bad = !in || !out;
    while (!bad && (got = fread(buf, 1, sizeof buf, in)) > 0)
        bad = fwrite(buf, 1, got, out) != got;
    bad |= in && ferror(in);
    if (in)
        fclose(in);
    if (out)
        bad |= fclose(out) != 0;
    return bad;
}

static int write_files(const score_opts *so, const forecast *f, const sal_score_summary *s,
                       size_t ns, int32_t as_of)
{
    const char *dir = so->dir;
    static const char *const names[] = {"scores.csv", "scores_summary.csv", "results.sqlite"};
    cli_sweep(dir, names, 3);
    sal_outfile *fs = NULL, *fm = NULL, *fdb = NULL;
    int bad = sal_outfile_open(&fs, dir, "scores.csv", 1) != SAL_OK ||
              sal_outfile_open(&fm, dir, "scores_summary.csv", 1) != SAL_OK ||
              sal_outfile_open(&fdb, dir, "results.sqlite", 0) != SAL_OK;
    if (!bad) {
        bad |= sal_scores_write_csv(sal_outfile_stream(fs), f->m, f->o, f->rows) != SAL_OK;
        bad |= sal_scores_write_summary_csv(sal_outfile_stream(fm), s, ns) != SAL_OK;
        bad |= copy_file(f->db, fdb);
        bad |= !bad && sal_scores_write_db(sal_outfile_temp_path(fdb), f->m, f->o, f->rows, s,
                                           ns, so->obs, as_of) != SAL_OK;
        bad |= sal_outfile_close(fs) != SAL_OK;
        bad |= sal_outfile_close(fm) != SAL_OK;
        bad |= sal_outfile_close(fdb) != SAL_OK;
    }
    if (bad || sal_outfile_commit(fs) != SAL_OK || sal_outfile_commit(fm) != SAL_OK ||
        sal_outfile_commit(fdb) != SAL_OK) {
        cli_error("score", "cannot write the scores in '%s': %s", dir, strerror(errno));
        bad = 1;
    }
    /* every file opened ends here: removed unless committed */
    sal_outfile_abort(fs);
    sal_outfile_abort(fm);
    sal_outfile_abort(fdb);
    return bad ? EXIT_JOB : 0;
}

/* A number in a column of width w, "-" when it does not apply. */
static void put_col(double x, int w, int prec)
{
    if (x != x) /* NaN */
        printf(" %*s", w, "-");
    else
        printf(" %*.*f", w, prec, x);
}

static void print_summary(const score_opts *so, const sal_score_summary *s, size_t n)
{
    printf("%-5s %-28s %7s %6s %6s %12s %9s %9s%s\n", "set", "metric", "reports", "cov50",
           "cov90", "mean CRPS", "log score", "Brier", so->ref ? "  CRPS skill" : "");
    for (size_t i = 0; i < n; i++) {
        printf("%-5s %-28s %7zu", s[i].test ? "test" : "fit", s[i].metric ? s[i].metric : "(all)",
               s[i].reports);
        put_col(s[i].coverage50, 6, 2);
        put_col(s[i].coverage90, 6, 2);
        if (s[i].crps != s[i].crps)
            printf(" %12s", "-");
        else
            printf(" %12.6g", s[i].crps);
        put_col(s[i].log_score, 9, 4);
        put_col(s[i].brier, 9, 4);
        if (so->ref)
            put_col(s[i].crps_skill, 11, 4);
        putchar('\n');
    }
    printf("\nwrote %s/scores.csv, scores_summary.csv, and the scores tables in "
           "results.sqlite\n", so->dir);
}

static int run_score(int argc, char **argv)
{
    score_opts so;
    int st = read_options(argc, argv, &so);
    if (st >= 0)
        return st;
    forecast f = {0}, r = {0};
    long as_of = 0;
    sal_score_summary *s = NULL;
    size_t ns = 0;
    st = load(&so, so.dir, &f);
    if (!st)
        st = as_of_date(&so, &f, &as_of);
    if (!st && so.ref) {
        st = load(&so, so.ref, &r);
        if (!st && sal_obs_count(r.o) != sal_obs_count(f.o)) {
            cli_error("score", "the reports read differently against the reference's "
                      "scenario");
            st = EXIT_USAGE;
        }
    }
    if (!st)
        st = score(&so, &f, as_of_day(&f, as_of));
    if (!st && so.ref)
        st = score(&so, &r, as_of_day(&r, as_of));
    if (!st && sal_score_summarise(f.o, f.rows, so.ref ? r.rows : NULL, &s, &ns) != SAL_OK) {
        cli_error("score", "out of memory");
        st = EXIT_JOB;
    }
    if (!st)
        st = write_files(&so, &f, s, ns, as_of_day(&f, as_of));
    if (!st && !so.a.quiet)
        print_summary(&so, s, ns);
    free(s);
    forecast_free(&f);
    forecast_free(&r);
    return st;
}

const cli_command cmd_score = {
    "score", run_score, "set an ensemble's runs against reports: PIT, CRPS, coverage, skill",
    usage,
};

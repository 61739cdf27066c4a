/* salient calibrate — the posterior of a scenario's uncertain inputs (and of
 * its sources' biases) given the reports made up to a date, and the forecast
 * that continues from it (docs/calibration.md).  The options and the flow;
 * the method is src/analysis/smc.c and src/analysis/calibrate.c. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "calibrate_mpi.h"
#include "cli.h"
#include "salient/calibrate.h"
#include "salient/date.h"
#include "salient/ensemble.h"

static const char usage[] =
    "usage: salient calibrate FILE --observations OBS [--as-of DATE] [--particles N]\n"
    "                         [--runs R] [--seed S] [--threads T] [--variant NAME]\n"
    "                         [--min-distinct K] [--max-sweeps M] [--out DIR] [--quiet]\n"
    "       salient calibrate FILE --observations OBS [the same options] --resume DIR\n"
    "\n"
    "Conditions the scenario on the reports of OBS made on or before DATE (default:\n"
    "every report): the posterior of its uncertain inputs and of each bias unknown,\n"
    "by a sequential Monte Carlo sampler with adaptive likelihood tempering whose\n"
    "particles carry the inputs, the biases and the random key of their run\n"
    "(docs/calibration.md).  Runs stop at the last day a report describes.  Then\n"
    "the forecast: run k replays particle k mod N to the as-of date and continues\n"
    "on fresh streams (seed S, run k) to the horizon.  Writes in DIR:\n"
    "  posterior.csv       particle,seed,key,as_of,<inputs>,bias:<unknowns>,weight,loglik\n"
    "  stages.csv          stage,temperature,ess,distinct,acceptance,key_acceptance,\n"
    "                      sweeps,lambda,simulations\n"
    "  calibration.csv     per report: the prior and posterior predictive 5/50/95%\n"
    "                      of the reported figure, the report, its PIT, a verdict\n"
    "  prior_posterior.csv per input and bias: prior and posterior 5/50/95%, how\n"
    "                      much the 90% interval shrank, whether the input moved\n"
    "  quantiles.csv, events.csv, runs.csv  the forecast, as 'salient ensemble'\n"
    "  results.sqlite      the forecast's tables and posterior, stages, calibration\n"
    "Every file is written whole or not at all; the bytes are the same for any\n"
    "--threads, and under 'mpirun -np K' (Open MPI: the sampler's particles split\n"
    "over the ranks; rank 0 writes) for any K.  DIR is usable as --posterior DIR\n"
    "of ensemble, compare and theses.\n"
    "\n"
    "Options:\n"
    "      --observations OBS  the reports (docs/observations.md)\n"
    "      --as-of DATE      condition on the reports made on or before DATE\n"
    "  -N, --particles N     particles (default 1000)\n"
    "  -n, --runs R          forecast runs (default: N)\n"
    "  -s, --seed S          the random seed (default: the scenario's seed)\n"
    "  -t, --threads T       OpenMP threads (default: OMP_NUM_THREADS or all cores)\n"
    "  -v, --variant NAME    calibrate the counterfactual NAME of the scenario\n"
    "      --min-distinct K  stop when fewer distinct particles survive a stage\n"
    "                        (default max(100, N/10), at most N/2)\n"
    "      --max-sweeps M    MCMC sweeps per stage at most (default 50)\n"
    "  -o, --out DIR         where to write (default salient-out/calibrate; created)\n"
    "      --resume DIR      go on from DIR/checkpoint (saved after every stage)\n"
    "  -q, --quiet           no summary on stdout\n"
    "      --crash-after K   (for tests) kill itself (SIGKILL) after stage K's checkpoint\n"
    "      --stop-after K    (for tests) stop as if interrupted after stage K\n"
    "  -h, --help            show this help\n"
    "\n"
    "On a terminal a progress line shows the stage, temperature, ESS and runs/s.\n"
    "Ctrl-C stops after the stage under way, keeping DIR/checkpoint; the same\n"
    "command with --resume DIR then gives the bytes of an uninterrupted run.\n"
    "Exit status: 0 success; 1 the sampler degenerated (fewer than K distinct\n"
    "particles: the message says what to change), a run failed, the files could\n"
    "not be written or the job was interrupted; 2 bad usage, a bad scenario or\n"
    "observations file, or a job that would not fit in memory.\n";

typedef struct {
    cli_args a;
    const char *path, *obs, *as_of, *variant, *resume, *dir;
    uint64_t particles, runs, min_distinct, max_sweeps, crash_after;
} cal_opts;

static int read_options(int argc, char **argv, cal_opts *o)
{
    enum { OPT_OBS = 1000, OPT_ASOF, OPT_RESUME, OPT_MIND, OPT_SWEEPS, OPT_CRASH };
    static const struct option opts[] = {
        CLI_OPT_RUNS, CLI_OPT_THREADS, CLI_OPT_SEED, CLI_OPT_OUT, CLI_OPT_QUIET,
        CLI_OPT_STOP_AFTER, CLI_OPT_HELP,
        {"particles", required_argument, NULL, 'N'},
        {"variant", required_argument, NULL, 'v'},
        {"observations", required_argument, NULL, OPT_OBS},
        {"as-of", required_argument, NULL, OPT_ASOF},
        {"resume", required_argument, NULL, OPT_RESUME},
        {"min-distinct", required_argument, NULL, OPT_MIND},
        {"max-sweeps", required_argument, NULL, OPT_SWEEPS},
        {"crash-after", required_argument, NULL, OPT_CRASH},
        CLI_OPT_END,
    };
    *o = (cal_opts){.a = cli_args_start(&cmd_calibrate, NULL), .particles = 1000};
    int c, bad = 0;
    while (!bad && (c = cli_getopt(&o->a, argc, argv, ":n:N:v:t:s:o:qh", opts)) > 0) {
        switch (c) {
        case 'N': bad = cli_count("calibrate", "particles", optarg, &o->particles); break;
        case 'v': o->variant = optarg; break;
        case OPT_OBS: o->obs = optarg; break;
        case OPT_ASOF: o->as_of = optarg; break;
        case OPT_RESUME: o->resume = optarg; break;
        case OPT_MIND: bad = cli_count("calibrate", "min-distinct", optarg, &o->min_distinct); break;
        case OPT_SWEEPS: bad = cli_count("calibrate", "max-sweeps", optarg, &o->max_sweeps); break;
        case OPT_CRASH: bad = cli_count("calibrate", "crash-after", optarg, &o->crash_after); break;
        default: break;
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (o->a.status >= 0)
        return o->a.status;
    o->path = cli_scenario_operand("calibrate", argc, argv);
    if (!o->path || cli_seed_check(&o->a))
        return EXIT_USAGE;
    if (!o->obs) {
        cli_error("calibrate", "no observations; expected --observations FILE");
        return EXIT_USAGE;
    }
    if (o->particles < 10 || o->particles > 10000000 || o->max_sweeps > 10000) {
        cli_error("calibrate", "--particles must lie in 10 .. 10000000 and --max-sweeps in "
                  "0 .. 10000");
        return EXIT_USAGE;
    }
    o->runs = o->a.runs ? o->a.runs : o->particles;
    const char *out = o->a.out;
    if (o->resume && out && strcmp(o->resume, out) != 0) {
        cli_error("calibrate", "--resume '%s' and --out '%s' differ; give --resume DIR alone",
                  o->resume, out);
        return EXIT_USAGE;
    }
    o->dir = o->resume ? o->resume : out ? out : "salient-out/calibrate";
    if (!*o->dir) {
        cli_error("calibrate", "the output directory is empty; expected --out DIR");
        return EXIT_USAGE;
    }
    return -1;
}

/* ---- the job ------------------------------------------------------------- */

typedef struct {
    const cal_opts *o;
    const cal_world *w;     /* the MPI ranks (one process without mpirun) */
    sal_model *m;
    sal_obs_set *obs;
    sal_calib *c;
    sal_diags *d;
    uint64_t seed;
    int32_t as_of;
    uint64_t id;            /* what a checkpoint belongs to */
    char ckdir[4200], ckpath[4300];
    double t0;
} cal_job;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Under mpirun, every rank goes on only if every rank can (st < 0): else
 * this rank's status, or 1 when another rank failed (it said why). */
static int agree(const cal_job *j, int st)
{
    if (cal_mpi_all(j->w, st < 0))
        return -1;
    return st >= 0 ? st : EXIT_JOB;
}

/* A hash of a file's bytes (0 if unreadable). */
static uint64_t file_hash(const char *path, uint64_t h)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return h;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        h = sal_hash_bytes(buf, n, h);
    fclose(f);
    return h;
}

/* The as-of day: --as-of DATE, or the day of the last report made. */
static int job_as_of(cal_job *j)
{
    const sal_model *m = j->m;
    long start = sal_date_to_days(m->start_year, m->start_month, m->start_day);
    if (!j->o->as_of) {
        int32_t last = 0;
        for (size_t i = 0; i < sal_obs_count(j->obs); i++)
            if (sal_obs_reported_day(j->obs, i) > last)
                last = sal_obs_reported_day(j->obs, i);
        j->as_of = last > m->horizon ? m->horizon : last;
        return -1;
    }
    int y, mo, d;
    if (sal_date_parse(j->o->as_of, &y, &mo, &d) != SAL_OK) {
        cli_error("calibrate", "--as-of '%s' is not a date; expected YYYY-MM-DD", j->o->as_of);
        return EXIT_USAGE;
    }
    long day = sal_date_to_days(y, mo, d) - start;
    if (day < 0 || day > m->horizon) {
        cli_error("calibrate", "--as-of %s is outside the scenario's days (day %ld of 0 .. %d); "
                  "expected a date within its horizon", j->o->as_of, day, m->horizon);
        return EXIT_USAGE;
    }
    j->as_of = (int32_t)day;
    return -1;
}

static int job_read(cal_job *j)
{
    const cal_opts *o = j->o;
    int st = cli_read_job("calibrate", o->path, o->variant, &j->m, &j->d);
    if (st)
        return st;
    j->seed = cli_seed_or(&o->a, j->m->seed);
    int rc = sal_obs_read_file(o->obs, j->m, &j->obs, j->d);
    if (rc != SAL_OK) {
        cli_print_diags(j->d);
        if (rc == SAL_EIO)
            cli_error("calibrate", "cannot read '%s': %s", o->obs, strerror(errno));
        return rc == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
    }
    st = job_as_of(j);
    if (st >= 0)
        return st;
    /* what a checkpoint belongs to: both files, the variant and every
     * option that changes the result */
    uint64_t h = file_hash(o->path, 1469598103934665603ull);
    h = file_hash(o->obs, h);
    uint64_t v[] = {j->seed, o->particles, o->runs, (uint64_t)j->as_of, o->min_distinct,
                    o->max_sweeps};
    h = sal_hash_bytes(v, sizeof v, h);
    j->id = o->variant ? sal_hash_bytes(o->variant, strlen(o->variant), h) : h;
    return -1;
}

/* Memory: per thread a run workspace and its series; the particles; the
 * predictive draws; the forecast's ensemble. */
static int job_memory(cal_job *j)
{
    const cal_opts *o = j->o;
    const sal_model *m = j->m;
    double T = o->a.threads ? (double)o->a.threads : (double)omp_get_max_threads();
    double N = (double)o->particles;
    sal_run *r = sal_run_alloc(m);
    double ws = r ? (double)sal_run_bytes(r) : 0;
    sal_run_free(r);
    double dim = (double)(m->nuncertain + sal_obs_nbias(j->obs)) + 1;
    double nobs = (double)sal_obs_count(j->obs) + 1;
    double need = T * (ws + (double)(m->horizon + 1) * (double)(m->nmetrics + 1) * 8) +
                  N * (dim * 8 * 5 + 64) + 4 * nobs * N * 8;
    sal_ensemble_opts eo = {.runs = o->runs, .threads = (int)o->a.threads};
    double total = need + (double)sal_ensemble_memory_bound(m, &eo, 0);
    return cli_memory_check("calibrate", total >= 1.8e19 ? UINT64_MAX : (uint64_t)total,
                            "the calibration", "fewer --particles or --threads need less")
               ? EXIT_USAGE : -1;
}

/* ---- checkpoints: DIR/checkpoint/calibrate, written whole after a stage --- */

static int save_checkpoint(cal_job *j)
{
    if (j->w->rank > 0) /* rank 0 writes for every rank: they hold the same state */
        return 0;
    sal_outfile *f = NULL;
    if (sal_mkdirs(j->ckdir) != SAL_OK || sal_outfile_open_path(&f, j->ckpath, 1) != SAL_OK)
        return 1;
    FILE *s = sal_outfile_stream(f);
    int bad = fwrite(&j->id, sizeof j->id, 1, s) != 1 || sal_calib_save(j->c, s) != SAL_OK;
    bad |= sal_outfile_close(f) != SAL_OK;
    bad = bad || sal_outfile_commit(f) != SAL_OK;
    sal_outfile_abort(f);
    return bad;
}

static int load_checkpoint(cal_job *j)
{
    FILE *f = fopen(j->ckpath, "rb");
    uint64_t id = 0;
    int ok = f && fread(&id, sizeof id, 1, f) == 1 && id == j->id &&
             sal_calib_load(j->c, f) == SAL_OK;
    if (f)
        fclose(f);
    if (!ok && j->w->rank == 0) {
        cli_error("calibrate", "--resume %s: %s; expected the checkpoint of this command "
                  "(same files, variant, seed, --particles, --runs, --as-of)", j->o->dir,
                  f ? "the checkpoint belongs to another calibration or is damaged"
                    : "there is no checkpoint");
    }
    return ok ? -1 : EXIT_USAGE;
}

/* ---- the stages ------------------------------------------------------------ */

static void progress(const cal_job *j, cli_progress *p)
{
    if (!p->tty || j->w->rank > 0)
        return;
    const sal_smc *s = sal_calib_smc(j->c);
    const sal_smc_stage *st = sal_smc_stage_get(s, sal_smc_nstages(s) - 1);
    double el = now() - j->t0;
    fprintf(stderr, "\rstage %d  temperature %.4f  ESS %.0f  distinct %zu  %.0f runs/s   ",
            st->stage, st->temperature, st->ess, st->distinct,
            el > 0 ? (double)st->simulations / el : 0);
    fflush(stderr);
    p->shown = 1;
}

static int degenerate(const cal_job *j)
{
    if (j->w->rank > 0) /* every rank holds the same stages: rank 0 says it */
        return EXIT_JOB;
    const sal_smc *s = sal_calib_smc(j->c);
    const sal_smc_stage *st = sal_smc_stage_get(s, sal_smc_nstages(s) - 1);
    if (st->ess == 0)
        cli_error("calibrate", "stage %d: no particle can reproduce the reports (every "
                  "likelihood is zero); loosen the error models in %s or widen the priors",
                  st->stage, j->o->obs);
    else
        cli_error("calibrate", "stage %d (temperature %.4g): %zu distinct particles survived, "
                  "fewer than %zu (acceptance %.3f over %d sweeps); use more --particles, "
                  "more moves (--max-sweeps), or a looser error model in %s",
                  st->stage, st->temperature, st->distinct, sal_calib_min_distinct(j->c),
                  st->acceptance, st->sweeps, j->o->obs);
    return EXIT_JOB;
}

static int run_failed(const cal_job *j, int rc)
{
    cli_print_diags(j->d); /* the failed run's diagnostic, on the rank that ran it */
    if (j->w->rank > 0)
        return EXIT_JOB;
    cli_error("calibrate", "the calibration failed (%s)", sal_strstatus(rc));
    return EXIT_JOB;
}

static int job_sample(cal_job *j)
{
    const cal_opts *o = j->o;
    sal_calib_opts co = {.particles = o->particles, .seed = j->seed, .as_of = j->as_of,
                         .min_distinct = o->min_distinct, .max_sweeps = (int)o->max_sweeps,
                         .threads = (int)o->a.threads, .rank = j->w->rank,
                         .ranks = j->w->size, .share = j->w->on ? cal_mpi_share : NULL,
                         .share_ctx = (void *)j->w};
    int rc = sal_calib_alloc(j->m, j->obs, &co, &j->c, j->d);
    int st = rc == SAL_OK ? -1 : rc == SAL_EINPUT ? EXIT_USAGE : EXIT_JOB;
    if (st >= 0 && j->w->rank == 0)
        cli_print_diags(j->d);
    if ((st = agree(j, st)) >= 0)
        return st;
    snprintf(j->ckdir, sizeof j->ckdir, "%s/checkpoint", o->dir);
    snprintf(j->ckpath, sizeof j->ckpath, "%s/calibrate", j->ckdir);
    if (j->w->rank == 0)
        sal_outfile_sweep(j->ckdir, "calibrate");
    if ((st = agree(j, o->resume ? load_checkpoint(j) : -1)) >= 0)
        return st;
    cli_progress p;
    cli_progress_init(&p, 0);
    j->t0 = now();
    if (!o->resume) {
        rc = sal_calib_init(j->c, j->d);
        if (rc != SAL_OK)
            return run_failed(j, rc);
    }
    const sal_smc *s = sal_calib_smc(j->c);
    for (;;) {
        progress(j, &p);
        int stage = sal_smc_stage_get(s, sal_smc_nstages(s) - 1)->stage;
        int bad = save_checkpoint(j);
        if (bad)
            cli_error("calibrate", "cannot write the checkpoint in '%s': %s", j->ckdir,
                      strerror(errno));
        /* the other ranks wait for it: a kill after this stage resumes from it */
        if (!cal_mpi_all(j->w, !bad))
            return EXIT_JOB;
        if (o->crash_after && (uint64_t)stage >= o->crash_after) {
            fflush(NULL);
            raise(SIGKILL);
        }
        if (sal_calib_done(j->c))
            break;
        int stop = cli_progress_update(&(cli_progress){0}, 0, 1) ||
                   (o->a.stop_after && (uint64_t)stage >= o->a.stop_after);
        /* Ctrl-C may reach the ranks at different stages: any stops all */
        if (!cal_mpi_all(j->w, !stop)) {
            cli_progress_end(&p);
            if (j->w->rank == 0)
                fprintf(stderr, "salient calibrate: interrupted after stage %d; the same "
                        "command with --resume %s goes on\n", stage, o->dir);
            return EXIT_JOB;
        }
        rc = sal_calib_step(j->c, j->d);
        if (rc != SAL_OK) {
            cli_progress_end(&p);
            return rc == SAL_EFAIL ? degenerate(j) : run_failed(j, rc);
        }
    }
    cli_progress_end(&p);
    return -1;
}

/* ---- the files ---------------------------------------------------------- */

enum { F_POST, F_STAGES, F_CHECKS, F_INPUTS, F_QUANT, F_EVENTS, F_RUNS, F_DB, NFILES };
static const char *const names[NFILES] = {"posterior.csv", "stages.csv", "calibration.csv",
                                          "prior_posterior.csv", "quantiles.csv", "events.csv",
                                          "runs.csv", "results.sqlite"};

typedef struct {
    const sal_model *m;
    FILE *runs;
    sal_results_db *db;
} fc_ctx;

static int on_run(void *ctx, uint64_t run, const double *inputs, const double *last)
{
    fc_ctx *c = ctx;
    if (sal_ensemble_write_run(c->runs, c->m, run, inputs, last) != SAL_OK)
        return 1;
    return sal_results_db_add_run(c->db, run, inputs, last) != SAL_OK;
}

/* The forecast from the posterior: quantiles, events, runs, results.sqlite. */
static int write_forecast(cal_job *j, sal_outfile **f, sal_summary **s)
{
    fc_ctx ctx = {.m = j->m, .runs = sal_outfile_stream(f[F_RUNS])};
    if (sal_results_db_open(&ctx.db, sal_outfile_temp_path(f[F_DB]), j->m) != SAL_OK)
        return SAL_EIO;
    sal_ensemble_write_runs_header(sal_outfile_stream(f[F_RUNS]), j->m);
    sal_posterior post;
    sal_calib_posterior(j->c, &post);
    sal_ensemble_opts eo = {.seed = j->seed, .runs = j->o->runs, .threads = (int)j->o->a.threads,
                            .on_run = on_run, .ctx = &ctx, .posterior = &post};
    int rc = sal_ensemble_run(j->m, &eo, s, NULL, j->d);
    if (rc == SAL_OK) {
        rc = sal_ensemble_write_quantiles(sal_outfile_stream(f[F_QUANT]), j->m, *s);
        if (rc == SAL_OK)
            rc = sal_ensemble_write_events(sal_outfile_stream(f[F_EVENTS]), j->m, *s);
        if (rc == SAL_OK)
            rc = sal_results_db_finish(ctx.db, *s, j->seed, j->o->runs, 0);
    }
    sal_results_db_close(ctx.db);
    return rc;
}

static int write_calibration(cal_job *j, sal_outfile **f)
{
    size_t no = sal_obs_count(j->obs);
    sal_calib_check *k = calloc(no + 1, sizeof *k);
    if (!k)
        return SAL_ENOMEM;
    int rc = sal_calib_predictive(j->c, j->seed, k, j->d);
    if (rc == SAL_OK)
        rc = sal_calib_write_checks(sal_outfile_stream(f[F_CHECKS]), j->c, k);
    size_t bad = 0;
    for (size_t i = 0; rc == SAL_OK && i < no; i++)
        if (k[i].cannot && bad++ < 20)
            fprintf(stderr, "salient calibrate: the model cannot reproduce report %s "
                    "(posterior predictive PIT [%.4f, %.4f])\n", sal_obs_label(j->obs, i),
                    k[i].pit_lo, k[i].pit_hi);
    free(k);
    return rc;
}

static int job_write(cal_job *j, sal_summary **s)
{
    const char *dir = j->o->dir;
    sal_outfile *f[NFILES] = {NULL};
    cli_sweep(dir, names, NFILES);
    int rc = SAL_OK;
    for (int i = 0; i < NFILES && rc == SAL_OK; i++)
        rc = sal_outfile_open(&f[i], dir, names[i], i != F_DB);
    if (rc == SAL_OK)
        rc = sal_calib_write_posterior(sal_outfile_stream(f[F_POST]), j->c);
    if (rc == SAL_OK)
        rc = sal_calib_write_stages(sal_outfile_stream(f[F_STAGES]), j->c);
    if (rc == SAL_OK)
        rc = sal_calib_write_inputs(sal_outfile_stream(f[F_INPUTS]), j->c);
    if (rc == SAL_OK)
        rc = write_calibration(j, f);
    if (rc == SAL_OK)
        rc = write_forecast(j, f, s);
    for (int i = 0; i < NFILES; i++)
        if (sal_outfile_state(f[i]) == SAL_OUTFILE_OPEN && sal_outfile_close(f[i]) != SAL_OK)
            rc = rc == SAL_OK ? SAL_EIO : rc;
    static const char *const tables[] = {"posterior", "stages", "calibration", "prior_posterior"};
    for (int i = 0; i < 4 && rc == SAL_OK; i++)
        rc = sal_sqlite_add_csv(sal_outfile_temp_path(f[F_DB]), tables[i], sal_outfile_temp_path(f[i]));
    if (rc == SAL_OK) { /* for 'salient score': reports made by then are fit, later ones test */
        char date[16];
        sal_date_format(sal_date_to_days(j->m->start_year, j->m->start_month, j->m->start_day) +
                            j->as_of, date);
        rc = sal_sqlite_set_meta(sal_outfile_temp_path(f[F_DB]), "as_of", date);
    }
    for (int i = 0; i < NFILES && rc == SAL_OK; i++)
        rc = sal_outfile_commit(f[i]);
    for (int i = 0; i < NFILES; i++)
        sal_outfile_abort(f[i]);
    if (rc != SAL_OK) {
        cli_print_diags(j->d);
        cli_error("calibrate", "cannot write the results in '%s' (%s)", dir, sal_strstatus(rc));
        return EXIT_JOB;
    }
    return -1;
}

static void print_summary(const cal_job *j, const sal_summary *s)
{
    const sal_smc *sm = sal_calib_smc(j->c);
    const sal_smc_stage *st = sal_smc_stage_get(sm, sal_smc_nstages(sm) - 1);
    char d[16];
    sal_date_format(sal_date_to_days(j->m->start_year, j->m->start_month, j->m->start_day) +
                        j->as_of, d);
    printf("%s: calibrated on the reports made by %s: %zu particles, %d stages, %zu distinct "
           "at the end, %llu simulations to day %d\n", j->m->name ? j->m->name : "scenario", d,
           sal_smc_nparticles(sm), st->stage, st->distinct,
           (unsigned long long)st->simulations, sal_calib_last_day(j->c));
    printf("forecast: %llu runs from the posterior to day %d\n",
           (unsigned long long)sal_summary_runs(s), j->m->horizon);
    printf("wrote %s/posterior.csv, stages.csv, calibration.csv, prior_posterior.csv, "
           "quantiles.csv, events.csv, runs.csv, results.sqlite\n", j->o->dir);
}

/* The files and the model read on every rank, the problems printed by rank 0
 * only (the other ranks' stderr is closed meanwhile); every rank agrees. */
static int job_start(cal_job *j)
{
    int err = -1;
    if (j->w->rank > 0) {
        fflush(stderr);
        err = dup(2);
        int nul = open("/dev/null", O_WRONLY);
        if (nul >= 0) {
            dup2(nul, 2);
            close(nul);
        }
    }
    int st = job_read(j);
    if (st < 0)
        st = job_memory(j);
    if (err >= 0) {
        fflush(stderr);
        dup2(err, 2);
        close(err);
    }
    if (st < 0 && j->w->rank == 0 && sal_mkdirs(j->o->dir) != SAL_OK) {
        cli_error("calibrate", "cannot create the directory '%s': %s", j->o->dir,
                  strerror(errno));
        st = EXIT_JOB;
    }
    return agree(j, st);
}

static int run_calibrate(int argc, char **argv)
{
    cal_opts o;
    int st = read_options(argc, argv, &o);
    if (st >= 0)
        return st;
    cal_world w;
    cal_mpi_start(&w);
    cal_job j = {.o = &o, .w = &w};
    sal_summary *s = NULL;
    st = job_start(&j);
    if (st < 0) {
        cli_signals_catch();
        st = job_sample(&j);
    }
    if (st < 0 && w.rank > 0) /* rank 0 holds the same particles and writes */
        st = 0;
    if (st < 0)
        st = job_write(&j, &s);
    if (st < 0) {
        unlink(j.ckpath);
        rmdir(j.ckdir);
        if (!o.a.quiet)
            print_summary(&j, s);
        st = 0;
    }
    cal_mpi_end(&w);
    cli_signals_restore();
    sal_summary_free(s);
    sal_calib_free(j.c);
    sal_obs_free(j.obs);
    sal_model_free(j.m);
    sal_diags_free(j.d);
    return st;
}

const cli_command cmd_calibrate = {
    "calibrate", run_calibrate,
    "condition a scenario on reports: posterior, predictive checks, forecast", usage,
};

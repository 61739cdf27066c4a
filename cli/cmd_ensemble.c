/* salient ensemble — N runs of a scenario summarised: DIR/quantiles.csv,
 * DIR/events.csv, DIR/runs.csv and DIR/results.sqlite, all written whole or
 * not at all.  The options and the flow; checkpoints and --resume are in
 * cli/ensemble_resume.c, Open MPI in cli/ensemble_mpi.c. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ensemble_int.h"
#include "salient/calibrate.h"
#include "salient/date.h"
#include "salient/ensemble.h"

static const char usage[] =
    "usage: salient ensemble FILE --runs N [--variant NAME] [--threads T] [--seed S]\n"
    "                        [--out DIR] [--no-runs-csv] [--quiet] [--checkpoint-every S]\n"
    "                        [--series M1,M2 [--dates D1,D2]] [--observations FILE]\n"
    "                        [--posterior DIR]\n"
    "       salient ensemble FILE --runs N [the same options] --resume DIR\n"
    "\n"
    "Runs a scenario N times (runs 0 .. N-1 of the seed), each drawing its uncertain\n"
    "inputs and its daily noise from its own random streams, and writes\n"
    "  DIR/quantiles.csv   metric,day,date,mean,p05,p25,p50,p75,p95\n"
    "  DIR/events.csv      event,probability,p05,p50,p95 (the day, among the runs\n"
    "                      where the event happened; empty when it never did)\n"
    "  DIR/runs.csv        run, its drawn inputs, its metrics on the last day\n"
    "  DIR/results.sqlite  the same as tables metadata, quantiles, events, runs\n"
    "and with --series (or --observations):\n"
    "  DIR/paths.csv       run,date,metric,value: each chosen metric in every run\n"
    "                      on each chosen date\n"
    "  DIR/run_events.csv  run,event,date: each event's day in each run (empty:\n"
    "                      none); both also tables of results.sqlite\n"
    "  DIR/run.json        the run on record (version, time, command, hashes)\n"
    "Every file is written whole or not at all, and the bytes are the same for\n"
    "any number of threads.  Memory does not grow with N: runs are summarised\n"
    "(quantiles within 0.5%, means and event statistics exact) and streamed to\n"
    "runs.csv (--no-runs-csv: none, nor the runs table).\n"
    "\n"
    "On a terminal a progress line shows runs done, runs/s and time left.\n"
    "Ctrl-C (SIGINT) or SIGTERM stops after the runs under way: the files then\n"
    "summarise the runs finished, DIR/PARTIAL says so, metadata has partial = 1,\n"
    "and the exit status is 1.  DIR/checkpoint/ keeps what a resume needs; it is\n"
    "also saved every S seconds (--checkpoint-every, default 10), so that after a\n"
    "kill -9 or a crash the same command with --resume DIR goes on from there and\n"
    "writes the same bytes as an uninterrupted run (any --threads).  A resume\n"
    "checks that the scenario file, variant, seed, --runs and --no-runs-csv are\n"
    "those of the checkpoint.  A complete ensemble removes DIR/checkpoint/.\n"
    "\n"
    "Options:\n"
    "  -n, --runs N          number of runs (default 1000)\n"
    "  -v, --variant NAME    run the counterfactual NAME of the scenario\n"
    "  -t, --threads T       OpenMP threads (default: OMP_NUM_THREADS or all cores)\n"
    "  -s, --seed S          the random seed (default: the scenario's seed)\n"
    "  -o, --out DIR         where to write (default salient-out/ensemble; created)\n"
    "      --no-runs-csv     do not write the per-run rows (runs.csv)\n"
    "      --series M1,M2    keep the paths of these metrics in every run\n"
    "      --dates D1,D2     on these dates (YYYY-MM-DD; default: the dates the\n"
    "                        reports of --observations describe, else every 7th\n"
    "                        day from the start and the last day)\n"
    "      --observations FILE  keep the paths the reports of FILE need (their\n"
    "                        metrics unless --series, their dates unless --dates),\n"
    "                        for 'salient score' (docs/scores.md)\n"
    "      --posterior DIR   continue from the particles of 'salient calibrate ... --out\n"
    "                        DIR': run k replays particle k mod N to the as-of date,\n"
    "                        then goes on on (seed, run k) (docs/calibration.md)\n"
    "  -q, --quiet           no summary on stdout\n"
    "      --resume DIR      go on from DIR/checkpoint (and write in DIR)\n"
    "      --checkpoint-every S  save a checkpoint every S seconds (0: after every\n"
    "                        wave of runs; default 10)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 success; 1 a run failed (the message names it), the files could\n"
    "not be written, or the ensemble was interrupted (partial results written);\n"
    "2 bad usage or a bad scenario (file:line:col messages, nothing written), a\n"
    "job whose memory bound exceeds what is available (SALIENT_MEMORY_LIMIT sets\n"
    "it), or a --resume whose checkpoint is missing, damaged or another's.\n"
    "docs/ensemble.md describes the summaries, the files, the memory model and\n"
    "interruption and resume.\n";

/* A sal_ensemble_opts.on_run on rank 0: runs.csv, paths.csv and
 * run_events.csv, their tables, and the checkpoint's log. */
static int on_run(void *ctx, uint64_t run, const double *inputs, const double *last)
{
    ens_ctx *c = ctx;
    if (ens_record_add(c, run, inputs, last))
        return 1;
    return c->log && sal_checkpoint_log_append(c->log, run, inputs, c->reclen, NULL, 0) != SAL_OK;
}

static int on_progress(void *ctx, uint64_t done, uint64_t total)
{
    ens_ctx *c = ctx;
    /* a deterministic SIGKILL for the tests: when the prefix of finished
     * runs first reaches K (progress follows that prefix), before the next
     * checkpoint is written */
    if (c->crash_after && c->offset + done >= c->crash_after) {
        fflush(NULL);
        raise(SIGKILL);
    }
    return cli_progress_update(&c->prog, c->offset + done, c->offset + total);
}

static void print_summary(const sal_model *m, const sal_summary *s, uint64_t seed,
                          const char *dir, int runs_csv, int paths)
{
    uint32_t h = (uint32_t)m->horizon;
    char d1[16];
    sal_date_format(sal_date_to_days(m->start_year, m->start_month, m->start_day) + h, d1);
    printf("%s%s%s: %llu runs, seed %llu, %d days to %s\n", m->name ? m->name : "scenario",
           m->variant ? ", variant " : "", m->variant ? m->variant : "",
           (unsigned long long)sal_summary_runs(s), (unsigned long long)seed, m->horizon + 1, d1);
    enum { MAXROWS = 12 };
    if (m->nmetrics) {
        printf("\nmetrics on %s (" CLI_BAND "):\n  %-24s %12s %12s %12s %12s\n", d1, "", "mean",
               "p05", "p50", "p95");
        for (size_t k = 0; k < m->nmetrics && k < MAXROWS; k++) {
            char v[4][32];
            printf("  %-24s %12s %12s %12s %12s\n", m->metrics[k].name,
                   cli_num(v[0], 32, sal_summary_mean(s, (uint32_t)k, h)),
                   cli_num(v[1], 32, sal_summary_quantile(s, (uint32_t)k, h, 0.05)),
                   cli_num(v[2], 32, sal_summary_quantile(s, (uint32_t)k, h, 0.5)),
                   cli_num(v[3], 32, sal_summary_quantile(s, (uint32_t)k, h, 0.95)));
        }
        if (m->nmetrics > MAXROWS)
            printf("  ... and %zu more in %s/quantiles.csv\n", m->nmetrics - MAXROWS, dir);
    }
    if (m->nevents) {
        printf("\nevents by %s:  %11s  %s\n", d1, "probability", "day p05 / p50 / p95 (90% interval)");
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
    printf("\nwrote %s/quantiles.csv, events.csv, %s%sresults.sqlite\n", dir,
           runs_csv ? "runs.csv, " : "", paths ? "paths.csv, run_events.csv, " : "");
}

/* ---- the command line ----------------------------------------------------- */

typedef struct {
    cli_args a;            /* --runs, --threads, --seed, --out, --quiet, --stop-after */
    const char *path, *variant, *resume, *dir, *posterior;
    const char *series, *dates, *obs;  /* per-run paths; NULL: not given */
    uint64_t runs, every, crash_after;
    int runs_csv;
} ens_opts;

/* -1 to go on, else the exit status. */
static int read_options(int argc, char **argv, ens_opts *o)
{
    enum { OPT_NORUNS = 1000, OPT_RESUME, OPT_EVERY, OPT_CRASH, OPT_SERIES, OPT_DATES, OPT_OBS, OPT_POSTERIOR };
    static const struct option opts[] = {
        CLI_OPT_RUNS, CLI_OPT_THREADS, CLI_OPT_SEED, CLI_OPT_OUT, CLI_OPT_QUIET,
        CLI_OPT_STOP_AFTER, CLI_OPT_HELP,
        {"variant", required_argument, NULL, 'v'},
        {"no-runs-csv", no_argument, NULL, OPT_NORUNS},
        {"resume", required_argument, NULL, OPT_RESUME},
        {"checkpoint-every", required_argument, NULL, OPT_EVERY},
        {"crash-after", required_argument, NULL, OPT_CRASH},
        {"series", required_argument, NULL, OPT_SERIES},
        {"dates", required_argument, NULL, OPT_DATES},
        {"observations", required_argument, NULL, OPT_OBS},
        {"posterior", required_argument, NULL, OPT_POSTERIOR},
        CLI_OPT_END,
    };
    *o = (ens_opts){.a = cli_args_start(&cmd_ensemble, NULL), .every = 10, .runs_csv = 1};
    int c;
    while ((c = cli_getopt(&o->a, argc, argv, ":n:v:t:s:o:qh", opts)) > 0) {
        switch (c) {
        case 'v': o->variant = optarg; break;
        case OPT_RESUME: o->resume = optarg; break;
        case OPT_NORUNS: o->runs_csv = 0; break;
        case OPT_SERIES: o->series = optarg; break;
        case OPT_DATES: o->dates = optarg; break;
        case OPT_OBS: o->obs = optarg; break;
        case OPT_POSTERIOR: o->posterior = optarg; break;
        case OPT_EVERY:
            if (cli_parse_u64(optarg, &o->every) != 0 || o->every > 86400) {
                cli_error("ensemble", "--checkpoint-every '%s' is not a whole number of seconds "
                          "from 0 to 86400", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_CRASH:
            if (cli_count("ensemble", "crash-after", optarg, &o->crash_after))
                return EXIT_USAGE;
            break;
        default: break;
        }
    }
    if (o->a.status >= 0)
        return o->a.status;
    o->runs = o->a.runs ? o->a.runs : 1000;
    o->path = cli_scenario_operand("ensemble", argc, argv);
    if (!o->path || cli_seed_check(&o->a))
        return EXIT_USAGE;
    const char *out = o->a.out;
    if (o->resume && out && strcmp(o->resume, out) != 0) {
        cli_error("ensemble", "--resume '%s' and --out '%s' differ; a resumed ensemble writes "
                  "in the directory it resumes (give --resume DIR alone)", o->resume, out);
        return EXIT_USAGE;
    }
    o->dir = o->resume ? o->resume : out ? out : "salient-out/ensemble";
    if (!*o->dir) {
        cli_error("ensemble", "the output directory is empty; expected --%s DIR",
                  o->resume ? "resume" : "out");
        return EXIT_USAGE;
    }
    return -1;
}

/* ---- the job: each step returns -1 to go on, else the exit status -------- */

typedef struct {
    const ens_opts *o;
    ens_world *w;
    const sal_model *m;
    const ens_paths *paths;  /* paths->on: per-run paths kept */
    int records;             /* per-run records: runs.csv or paths */
    uint64_t seed;
    uint64_t lo, hi;       /* this rank's runs: contiguous, so rank order is run order */
    ens_ctx ctx;
    sal_outfile *fq, *fe, *fr, *fdb, *fp, *fev;
    sal_summary *s, *prev; /* the summary, and the one resumed */
    sal_diags *d;
    int ckpt;              /* one process: checkpoints kept */
    int fresh_ckpt;        /* a checkpoint this job began (removed if it fails) */
    int partial;           /* interrupted on some rank */
    uint64_t done;         /* runs done on every rank */
    const sal_posterior *post; /* --posterior, or NULL */
} ens_job;

/* The checkpoint this job keeps, and the one it resumes. */
static int job_checkpoint(ens_job *j)
{
    const ens_opts *o = j->o;
    if (o->resume && j->w->size > 1) {
        if (j->w->rank == 0)
            cli_error("ensemble", "--resume is not available under mpirun yet; resume with one "
                      "process (any --threads)");
        return EXIT_USAGE;
    }
    int st = 0;
    if (j->ckpt)
        st = ens_checkpoint_id(&j->ctx, o->path, o->variant, j->seed, o->runs);
    if (!st && o->resume)
        st = ens_resume_read(&j->ctx, &j->prev, j->d);
    return st ? st : -1;
}

/* The temporaries of writers killed in DIR (SIGKILL, power loss) removed:
 * every name this command writes. */
static void sweep_dir(const char *dir)
{
    static const char *const names[] = {"quantiles.csv", "events.csv", "runs.csv",
                                        "results.sqlite", "PARTIAL", "paths.csv",
                                        "run_events.csv"};
    cli_sweep(dir, names, sizeof names / sizeof *names);
    char cd[4200];
    snprintf(cd, sizeof cd, "%s/checkpoint", dir);
    sal_outfile_sweep(cd, "state");
}

/* The scenario's path and bytes in the metadata, so that 'salient score'
 * can read the model again and know it is the same. */
static int paths_metadata(ens_job *j)
{
    const ens_opts *o = j->o;
    sal_checkpoint_id id;
    char buf[4200];
    if (sal_checkpoint_id_file(&id, o->path) != SAL_OK)
        return 1;
    int bad = sal_results_db_meta(j->ctx.db, "scenario_path",
                                  realpath(o->path, buf) ? buf : o->path) != SAL_OK;
    snprintf(buf, sizeof buf, "%016llx", (unsigned long long)id.scenario_hash);
    bad |= sal_results_db_meta(j->ctx.db, "scenario_hash", buf) != SAL_OK;
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)id.scenario_size);
    bad |= sal_results_db_meta(j->ctx.db, "scenario_size", buf) != SAL_OK;
    if (o->obs)
        bad |= sal_results_db_meta(j->ctx.db, "observations",
                                   realpath(o->obs, buf) ? buf : o->obs) != SAL_OK;
    return bad;
}

/* paths.csv and run_events.csv (rank 0), their tables and metadata. */
static int open_paths(ens_job *j)
{
    const char *dir = j->o->dir;
    if (sal_outfile_open(&j->fp, dir, "paths.csv", 1) != SAL_OK ||
        sal_outfile_open(&j->fev, dir, "run_events.csv", 1) != SAL_OK ||
        sal_results_db_paths(j->ctx.db, &j->paths->spec) != SAL_OK || paths_metadata(j))
        return 1;
    j->ctx.fpaths = sal_outfile_stream(j->fp);
    j->ctx.fevents = sal_outfile_stream(j->fev);
    return sal_ensemble_write_paths_header(j->ctx.fpaths) != SAL_OK ||
           sal_ensemble_write_run_events_header(j->ctx.fevents) != SAL_OK;
}

/* The directory, runs.csv (or a rank's records) and results.sqlite opened. */
static int job_outputs(ens_job *j)
{
    const char *dir = j->o->dir;
    int ok = 1, runs_csv = j->o->runs_csv, rank = j->w->rank;
    if (rank == 0) {
        if (sal_mkdirs(dir) != SAL_OK) {
            cli_error("ensemble", "cannot create the directory '%s': %s", dir, strerror(errno));
            ok = 0;
        } else if ((sweep_dir(dir), 0) ||
                   (runs_csv && sal_outfile_open(&j->fr, dir, "runs.csv", 1) != SAL_OK) ||
                   sal_outfile_open(&j->fdb, dir, "results.sqlite", 0) != SAL_OK) {
            cli_error("ensemble", "cannot write in '%s': %s", dir, strerror(errno));
            ok = 0;
        } else {
            /* SQLite's failures do not set errno: no stale one is printed */
            int rc = sal_results_db_open(&j->ctx.db, sal_outfile_temp_path(j->fdb), j->m);
            if (rc != SAL_OK)
                cli_error("ensemble", "cannot create the database of '%s/results.sqlite' "
                          "(%s)", dir, rc == SAL_ENOMEM ? "out of memory" :
                          "SQLite refused its tables or a write to the disk");
            ok = rc == SAL_OK;
            if (ok && j->paths->on && open_paths(j)) {
                cli_error("ensemble", "cannot write the paths in '%s': %s", dir,
                          errno ? strerror(errno) : "SQLite refused a table or a write");
                ok = 0;
            }
        }
    }
    ok = ens_mpi_all(j->w, ok);
    if (ok && rank > 0 && j->records) {
        char name[64];
        snprintf(name, sizeof name, "runs.rank%d", rank);
        ok = sal_outfile_open(&j->fr, dir, name, 1) == SAL_OK;
    }
    if (!ens_mpi_all(j->w, ok))
        return EXIT_JOB;
    if (runs_csv || (rank > 0 && j->records)) {
        j->ctx.runs = sal_outfile_stream(j->fr);
        if (rank == 0)
            sal_ensemble_write_runs_header(sal_outfile_stream(j->fr), j->m);
    }
    return -1;
}

/* This rank's runs (after a resume, those left). */
static int job_run(ens_job *j)
{
    const ens_opts *o = j->o;
    ens_ctx *ctx = &j->ctx;
    if (j->ckpt && ens_log_open(ctx, o->resume != NULL, &j->fresh_ckpt) != 0)
        return o->resume ? EXIT_USAGE : EXIT_JOB;
    cli_progress_init(&ctx->prog, o->a.stop_after);
    ctx->prog.base = ctx->offset;
    if (j->w->rank > 0)
        ctx->prog.tty = 0;
    sal_ensemble_opts eo = {
        .seed = j->seed, .first = j->lo + ctx->offset, .runs = j->hi - j->lo - ctx->offset,
        .threads = (int)o->a.threads,
        .on_run = !j->records ? NULL : j->w->rank == 0 ? on_run : ens_mpi_on_run,
        .paths = j->paths->on ? &j->paths->spec : NULL,
        .progress = on_progress, .ctx = ctx,
        .resume_from = j->prev, .checkpoint = j->ckpt ? ens_checkpoint : NULL,
        .checkpoint_seconds = (double)o->every, .posterior = j->post,
        /* --stop-after counts from run 0; a resume has done offset already */
        .stop_after = !o->a.stop_after ? 0
                      : o->a.stop_after > ctx->offset ? o->a.stop_after - ctx->offset : 1,
    };
    uint64_t done = 0;
    int rc = eo.runs > 0 ? sal_ensemble_run(j->m, &eo, &j->s, &done, j->d) : SAL_OK;
    if (eo.runs == 0) { /* more ranks than runs, or resumed with nothing left */
        sal_summary_layout l = sal_ensemble_layout(j->m, 0);
        j->s = sal_summary_alloc(&l);
        rc = j->s && (!j->prev || sal_summary_merge(j->s, j->prev) == SAL_OK) ? SAL_OK
                                                                            : SAL_ENOMEM;
    }
    j->done = done + ctx->offset;
    /* interrupted: the checkpoint of every run finished, beside the partial
     * files, for --resume */
    if (rc == SAL_EINTR && j->ckpt && ens_checkpoint(ctx, j->s))
        cli_error("ensemble", "cannot write the checkpoint in '%s/checkpoint': %s", o->dir,
                  strerror(errno));
    cli_progress_end(&ctx->prog);
    if (rc != SAL_OK && rc != SAL_EINTR) {
        cli_print_diags(j->d);
        if (rc == SAL_EIO)
            cli_error("ensemble", "cannot write the runs in '%s': %s", o->dir, strerror(errno));
        else
            cli_error("ensemble", "the ensemble failed (%s); nothing was written",
                      sal_strstatus(rc));
    }
    if (!ens_mpi_all(j->w, rc == SAL_OK || rc == SAL_EINTR))
        return EXIT_JOB;
    if (ctx->log) {
        fclose(ctx->log);
        ctx->log = NULL;
    }
    j->partial = !ens_mpi_all(j->w, rc != SAL_EINTR);
    return -1;
}

/* Under mpirun: every rank's summary and records on rank 0, whose job goes
 * on; the other ranks end here. */
static int job_gather(ens_job *j)
{
    ens_world *w = j->w;
    if (w->size < 2)
        return -1;
    int bad = 0, runs_csv = j->records;
    if (w->rank > 0 && runs_csv)
        bad |= sal_outfile_close(j->fr) != SAL_OK;
    bad |= ens_mpi_gather_summaries(w, &j->s, &j->done) != 0;
    bad |= !ens_mpi_all(w, !bad);
    if (!bad && w->rank == 0 && runs_csv)
        bad |= ens_mpi_collect_runs(w, &j->ctx, j->o->dir, j->o->runs) != 0;
    bad |= !ens_mpi_all(w, !bad);
    if (w->rank > 0) /* rank 0 has read (and removed) the records */
        return bad || j->partial ? EXIT_JOB : 0;
    if (bad) {
        cli_error("ensemble", "cannot gather the results of the ranks in '%s'", j->o->dir);
        return EXIT_JOB;
    }
    return -1;
}

/* The files written whole, the checkpoint removed once it has served, the
 * summary. */
static int job_write(ens_job *j)
{
    const ens_opts *o = j->o;
    const char *dir = o->dir;
    int runs_csv = o->runs_csv;
    int bad = sal_outfile_open(&j->fq, dir, "quantiles.csv", 1) != SAL_OK ||
              sal_outfile_open(&j->fe, dir, "events.csv", 1) != SAL_OK;
    if (!bad) {
        bad |= sal_ensemble_write_quantiles(sal_outfile_stream(j->fq), j->m, j->s) != SAL_OK;
        bad |= sal_ensemble_write_events(sal_outfile_stream(j->fe), j->m, j->s) != SAL_OK;
        bad |= sal_results_db_finish(j->ctx.db, j->s, j->seed, o->runs, j->partial) != SAL_OK;
        sal_results_db_close(j->ctx.db);
        j->ctx.db = NULL;
        if (j->post) { /* a forecast from a posterior: its as-of date, for 'salient score' */
            char date[16];
            sal_posterior_as_of(j->post, j->m, date);
            bad |= sal_sqlite_set_meta(sal_outfile_temp_path(j->fdb), "as_of", date) != SAL_OK;
        }
        bad |= sal_outfile_close(j->fq) != SAL_OK;
        bad |= sal_outfile_close(j->fe) != SAL_OK;
        bad |= sal_outfile_close(j->fdb) != SAL_OK;
        if (runs_csv)
            bad |= sal_outfile_close(j->fr) != SAL_OK;
        if (j->paths->on) {
            bad |= sal_outfile_close(j->fp) != SAL_OK;
            bad |= sal_outfile_close(j->fev) != SAL_OK;
        }
    }
    /* the marker first, so that partial results never appear unmarked */
    if (!bad)
        cli_mark_partial(dir, j->partial, j->done, o->runs);
    if (bad || sal_outfile_commit(j->fq) != SAL_OK || sal_outfile_commit(j->fe) != SAL_OK ||
        sal_outfile_commit(j->fdb) != SAL_OK ||
        (runs_csv && sal_outfile_commit(j->fr) != SAL_OK) ||
        (j->paths->on && (sal_outfile_commit(j->fp) != SAL_OK ||
                          sal_outfile_commit(j->fev) != SAL_OK))) {
        cli_error("ensemble", "cannot write the results in '%s': %s", dir, strerror(errno));
        return EXIT_JOB;
    }
    if (cli_write_runinfo("ensemble", dir, (int)o->a.threads, j->w->size, j->seed, o->path, o->obs))
        return EXIT_JOB;
    /* complete: the checkpoint has served (a kill before this line leaves
     * it, and a resume then rewrites the same files) */
    if (!j->partial && j->ckpt)
        sal_checkpoint_remove(dir);
    j->fresh_ckpt = 0;
    if (!o->a.quiet)
        print_summary(j->m, j->s, j->seed, dir, runs_csv, j->paths->on);
    if (!j->partial)
        return 0;
    fprintf(stderr,
            "salient ensemble: interrupted: partial results of %llu of %llu runs written "
            "(%s/PARTIAL)%s%s%s\n",
            (unsigned long long)j->done, (unsigned long long)o->runs, dir,
            j->ckpt ? "; the same command with --resume " : "", j->ckpt ? dir : "",
            j->ckpt ? " finishes it" : "");
    return EXIT_JOB;
}

static void job_end(ens_job *j, int status)
{
    if (j->ctx.log)
        fclose(j->ctx.log);
    /* a fresh ensemble that failed leaves no checkpoint (nothing written) */
    if (j->fresh_ckpt && status != 0)
        sal_checkpoint_remove(j->o->dir);
    sal_summary_free(j->prev);
    sal_results_db_close(j->ctx.db);
    sal_outfile_abort(j->fq);
    sal_outfile_abort(j->fe);
    sal_outfile_abort(j->fr);
    sal_outfile_abort(j->fdb);
    sal_outfile_abort(j->fp);
    sal_outfile_abort(j->fev);
    sal_summary_free(j->s);
    sal_diags_free(j->d);
}

/* The ensemble of a model read on every rank; the exit status. */
static int ensemble(const ens_opts *o, ens_world *w, const sal_model *m, const ens_paths *paths,
                    const sal_posterior *post)
{
    ens_job j = {.o = o, .w = w, .m = m, .seed = cli_seed_or(&o->a, m->seed),
                 .ckpt = w->size == 1, .paths = paths, .records = o->runs_csv || paths->on,
                 .post = post};
    j.lo = o->runs * (uint64_t)w->rank / (uint64_t)w->size;
    j.hi = o->runs * (uint64_t)(w->rank + 1) / (uint64_t)w->size;
    j.ctx = (ens_ctx){.m = m, .dir = o->dir, .crash_after = o->crash_after,
                      .runs_csv = o->runs_csv, .paths = paths->on ? &paths->spec : NULL};
    /* refused before anything is written if the summaries cannot fit */
    sal_ensemble_opts mo = {.runs = j.hi > j.lo ? j.hi - j.lo : 1, .threads = (int)o->a.threads,
                            .on_run = j.records ? on_run : NULL, .paths = j.ctx.paths};
    j.ctx.reclen = sal_ensemble_record_len(m, &mo);
    int st = cli_memory_check("ensemble", sal_ensemble_memory_bound(m, &mo, 0), "the ensemble",
                              "fewer --threads, metrics or days need less");
    if (!ens_mpi_all(w, st == 0))
        return EXIT_USAGE;
    /* the directory locked for the whole job, by rank 0 for every rank;
     * a resume of a directory that does not exist creates none */
    if (w->rank == 0) {
        struct stat sb;
        if (!o->resume && sal_mkdirs(o->dir) != SAL_OK) {
            cli_error("ensemble", "cannot create the directory '%s': %s", o->dir,
                      strerror(errno));
            st = EXIT_JOB;
        } else if (stat(o->dir, &sb) == 0) {
            st = cli_lock_dir("ensemble", o->dir);
        }
    }
    if (!ens_mpi_all(w, st == 0))
        return st ? st : EXIT_USAGE;
    j.d = cli_diags("ensemble");
    if (!j.d)
        return EXIT_JOB;
    st = job_checkpoint(&j);
    if (st < 0)
        st = job_outputs(&j);
    if (st < 0) {
        /* caught from here until the files are written or removed: a Ctrl-C
         * during a resume's replay stops after the first wave (partial files
         * and the checkpoint written), and a second one leaves no temporaries */
        cli_signals_catch();
        st = job_run(&j);
    }
    if (st < 0)
        st = job_gather(&j);
    if (st < 0)
        st = job_write(&j);
    job_end(&j, st);
    return st;
}

static int run_ensemble(int argc, char **argv)
{
    ens_opts o;
    int st = read_options(argc, argv, &o);
    if (st >= 0)
        return st;
    ens_world w;
    ens_mpi_start(&w);
    sal_model *m = NULL;
    st = ens_mpi_read_model(&w, o.path, o.variant, &m);
    ens_paths paths = {0};
    sal_posterior post;
    memset(&post, 0, sizeof post);
    if (!st) { /* every rank resolves them (a bad option is printed by each) */
        st = ens_paths_resolve(&paths, m, o.series, o.dates, o.obs);
        st = ens_mpi_all(&w, st == 0) ? 0 : st ? st : EXIT_USAGE;
    }
    if (!st)
        st = cli_read_posterior("ensemble", o.posterior, m, &post);
    if (!st)
        st = ensemble(&o, &w, m, &paths, o.posterior ? &post : NULL);
    ens_paths_free(&paths);
    sal_posterior_clear(&post);
    sal_model_free(m);
    ens_mpi_end(&w);
    cli_signals_restore();
    return st;
}

const cli_command cmd_ensemble = {
    "ensemble", run_ensemble, "run a scenario N times: quantiles, event probabilities, runs",
    usage,
};

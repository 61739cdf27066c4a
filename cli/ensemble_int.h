/* salient CLI (internal) — the pieces of 'salient ensemble':
 *
 *   cli/cmd_ensemble.c      the options, the flow, the summary
 *   cli/ensemble_record.c   a run's record: kept by the command, replayed by
 *                           the resume, gathered by the MPI ranks
 *   cli/ensemble_resume.c   checkpoints: what one belongs to, the run log
 *                           beside it, the replay of that log on --resume
 *   cli/ensemble_mpi.c      Open MPI: every rank's share of the runs
 *                           gathered on rank 0 (compiled with SAL_MPI when
 *                           Open MPI is found; without, one process) */
#ifndef SALIENT_ENSEMBLE_INT_H
#define SALIENT_ENSEMBLE_INT_H

#include <stdio.h>

#include "cli.h"

typedef struct {
    const sal_model *m;
    FILE *runs;            /* rank 0: runs.csv (NULL with --no-runs-csv); other
                              ranks: their records for rank 0 (NULL: none) */
    int runs_csv;          /* runs.csv and the runs table written */
    const sal_paths_spec *paths; /* per-run paths and event days; NULL: none */
    FILE *fpaths, *fevents;      /* rank 0: paths.csv, run_events.csv */
    size_t reclen;         /* numbers in a run's record (sal_ensemble_record_len) */
    sal_results_db *db;
    cli_progress prog;
    /* checkpoints (one process only) */
    FILE *log;             /* DIR/checkpoint/runs.bin, appended; NULL: none */
    const char *dir;
    sal_checkpoint_id id;
    uint64_t offset;       /* runs done before a resume */
    uint64_t crash_after;  /* --crash-after (tests): SIGKILL itself there */
} ens_ctx;

/* ---- ensemble_record.c --------------------------------------------------- */

/* A run's record (its drawn inputs, its metrics on the last day, its
 * paths: c->reclen numbers from inputs) as raw doubles: the checkpoint's
 * log and the ranks' temporaries.  0 or 1. */
int ens_record_write(FILE *f, const ens_ctx *c, const double *inputs);
/* A run's record into runs.csv and the runs table, paths.csv,
 * run_events.csv and their tables.  0 or 1. */
int ens_record_add(ens_ctx *c, uint64_t run, const double *inputs, const double *last);

/* ---- ensemble_resume.c --------------------------------------------------- */

/* What the checkpoint of this ensemble belongs to, into c->id; 0, or the
 * message and the exit status. */
int ens_checkpoint_id(ens_ctx *c, const char *path, const char *variant, uint64_t seed,
                      uint64_t runs);
/* The checkpoint of c->dir to go on from, checked against c->id: its
 * summary into *prev and its runs into c->offset; 0, or the message and the
 * exit status. */
int ens_resume_read(ens_ctx *c, sal_summary **prev, sal_diags *d);
/* Opens the run log (fresh: after the state of zero runs, *fresh set;
 * resumed: cut to the state's runs and replayed); 0 or -1 (printed). */
int ens_log_open(ens_ctx *c, int resume, int *fresh);
/* A sal_ensemble_opts.checkpoint callback (ctx: an ens_ctx): the log
 * flushed, then the state written.  0 or 1. */
int ens_checkpoint(void *ctx, const sal_summary *s);

/* ---- ensemble_paths.c ----------------------------------------------------- */

typedef struct {
    int on;
    sal_paths_spec spec;   /* points into metrics and days */
    uint32_t *metrics;
    int32_t *days;
} ens_paths;

/* The per-run paths of --series, --dates and --observations (each may be
 * NULL; all NULL: none, p->on = 0); 0, or the message and the exit status. */
int ens_paths_resolve(ens_paths *p, const sal_model *m, const char *series, const char *dates,
                      const char *obs);
/* The metrics (when want_metrics) and dates (when want_dates) the reports
 * of the observations file obs need, added to p; 0, or the message and the
 * exit status. */
int ens_paths_from_observations(ens_paths *p, const sal_model *m, const char *obs,
                                int want_metrics, int want_dates);
void ens_paths_free(ens_paths *p);

/* ---- ensemble_mpi.c ------------------------------------------------------ */

typedef struct {
    int rank, size, on;
} ens_world;

/* Joins the ranks when started by mpirun; else one process (rank 0 of 1). */
void ens_mpi_start(ens_world *w);
void ens_mpi_end(ens_world *w);
/* Logical AND of ok over the ranks. */
int ens_mpi_all(ens_world *w, int ok);
/* Reads the scenario on every rank, rank 0 printing the problems, once. */
int ens_mpi_read_model(ens_world *w, const char *path, const char *variant, sal_model **m);
/* Every rank's summary merged into rank 0's; *done summed.  0 on success. */
int ens_mpi_gather_summaries(ens_world *w, sal_summary **s, uint64_t *done);
/* On rank 0: the other ranks' records into runs.csv and the runs table in
 * rank order, their temporaries removed.  0 on success. */
int ens_mpi_collect_runs(ens_world *w, ens_ctx *c, const char *dir, uint64_t runs);
/* A sal_ensemble_opts.on_run for ranks other than 0 (ctx: an ens_ctx): the
 * record kept as raw doubles in c->runs for rank 0. */
int ens_mpi_on_run(void *ctx, uint64_t run, const double *inputs, const double *last);

#endif

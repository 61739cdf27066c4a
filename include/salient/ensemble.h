/* salient — ensembles of runs and counterfactual comparisons.
 *
 * An ensemble runs a model N times (run indices first .. first + N - 1 under
 * one seed) and folds every run into a mergeable summary (salient/summary.h):
 * memory does not grow with N.  Runs go in fixed blocks, claimed in index
 * order by whichever OpenMP thread is free (no barrier between blocks), each
 * thread owning one sal_run workspace, one block buffer and one partial
 * summary.  Since summaries merge exactly, the result — and its serialised
 * bytes — are the same for any number of threads and any schedule.
 *
 * The calling thread (and only it) calls the caller's callbacks: on_run once
 * per finished run IN RUN ORDER (for a runs.csv that does not depend on the
 * threads), as soon as every earlier run has finished (between its own
 * blocks, while the other threads run theirs), the last ones before
 * returning; and progress each time the finished prefix of runs grows.  A
 * non-zero return from progress stops the ensemble after the blocks under
 * way: the summary then holds exactly runs first .. first + done - 1 (blocks
 * are claimed in order, so they are a prefix), on_run has seen them all,
 * the last call to progress had that done, and the call returns SAL_EINTR.  A CLI stops on SIGINT by having its signal handler set a flag
 * that progress returns.
 *
 * The library never prints: failures are reported in diags (the lowest run
 * index that failed, re-run serially for its message). */
#ifndef SALIENT_ENSEMBLE_H
#define SALIENT_ENSEMBLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "salient/base.h"
#include "salient/engine.h"
#include "salient/model.h"
#include "salient/summary.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SAL_ENSEMBLE_BLOCK 32u

/* Per-run paths (docs/ensemble.md, "Per-run paths"): chosen metrics on
 * chosen days of every run, and every run's event days, added to the run's
 * record.  Days count from the start (0 .. horizon), increasing. */
typedef struct {
    const uint32_t *metrics;  /* model metric indices */
    size_t nmetrics;
    const int32_t *days;
    size_t ndays;
    int events;               /* non-zero: the record carries the event days */
} sal_paths_spec;
/* A posterior as an input source (salient calibrate, docs/calibration.md):
 * N particles, each the values of some uncertain inputs (by name) and the
 * random key of its run.  Run r of an ensemble on it replays particle
 * r mod N (its inputs; its daily streams keyed by (seed, keys[r mod N]))
 * up to branch_day - 1 and continues from branch_day on the ensemble's own
 * streams (the ensemble's seed, run r): the state the reports spoke about is
 * kept, the future is fresh.  An input of the model the posterior does not
 * hold, or whose value lies outside the model's distribution (a variant
 * that redefines it), is drawn from the model's prior. */
typedef struct {
    size_t n;                  /* particles, >= 1 */
    size_t ninputs;
    const char *const *names;  /* ninputs input names */
    const double *inputs;      /* n x ninputs, particle-major */
    const uint64_t *keys;      /* n run keys */
    uint64_t seed;             /* the seed the keys belong to */
    int branch_day;            /* the first day on fresh streams (>= 1) */
} sal_posterior;

/* The engine options of run `run` of model m under seed `seed`: its own
 * streams when p is NULL; otherwise particle run mod N of p replayed to the
 * branch day as above (in: m->nuncertain doubles of the caller's, filled
 * with the particle's inputs by name, NaN where drawn from the prior).
 * series and event_days are left NULL for the caller. */
sal_run_opts sal_posterior_run_opts(const sal_posterior *p, const sal_model *m, uint64_t seed,
                                    uint64_t run, double *in);

typedef struct {
    uint64_t seed;
    uint64_t first;       /* first run index (an MPI rank's share starts here) */
    uint64_t runs;        /* number of runs, >= 1 */
    int threads;          /* 0: OpenMP's default (OMP_NUM_THREADS) */
    unsigned block;       /* runs per block, 0: SAL_ENSEMBLE_BLOCK */
    double accuracy;      /* of the sketches, 0: SAL_SKETCH_ACCURACY */
    /* Called on the calling thread in run order.  inputs: the run's drawn
     * uncertain inputs (model->nuncertain); last: its metrics on the last
     * day (model->nmetrics), followed in memory, when paths is set, by its
     * paths (paths->ndays x paths->nmetrics, day-major: the value of metric
     * paths->metrics[k] on day paths->days[d] at [d * nmetrics + k]) and,
     * when paths->events, its event days (model->nevents doubles, -1 for
     * an event that did not happen): sal_ensemble_record_len numbers from
     * inputs in all.  Non-zero stops the ensemble with SAL_EIO.  May be
     * NULL. */
    int (*on_run)(void *ctx, uint64_t run, const double *inputs, const double *last);
    /* Called on the calling thread with the runs finished so far (a prefix)
     * whenever it grows, and once at the end; non-zero asks to stop
     * (SAL_EINTR).  May be NULL. */
    int (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *ctx;
    /* A stop at a given point (a CLI's --stop-after, which stands in for
     * Ctrl-C in tests): when non-zero, the call stops as a stop asked by
     * progress does (SAL_EINTR) once the finished prefix of its runs holds
     * at least stop_after runs, unless that is all of them.  Unlike a
     * progress callback, which sees the prefix only when the calling thread
     * looks, it claims no block past the one holding run stop_after - 1, so
     * where it stops does not depend on how the threads are scheduled.
     * 0: no such stop. */
    uint64_t stop_after;
    /* ---- added for interruption and resume (docs/ensemble.md); zero
     * (the default of a designated initialiser) switches them off ---- */
    /* A summary of runs already done (runs 0 .. first - 1, from a
     * checkpoint), merged into the result first; its layout must be the
     * model's.  Not changed.  NULL: none. */
    const sal_summary *resume_from;
    /* Called on the calling thread, the other threads idle, at most every
     * checkpoint_seconds (0: after every wave of 4 blocks per thread, at
     * least 8), with the summary of every run so far (resume_from
     * included): on_run has then seen exactly the runs it holds, so the
     * caller can save both as a checkpoint.  Not
     * called after the last block or a stop (the caller has the result).
     * Non-zero stops the ensemble with SAL_EIO.  May be NULL. */
    int (*checkpoint)(void *ctx, const sal_summary *s);
    double checkpoint_seconds;
    /* Per-run paths and event days in the records handed to on_run; NULL:
     * none.  Not copied: must outlive the call. */
    const sal_paths_spec *paths;
    /* Runs continue from a posterior's particles (above); NULL: every run
     * draws its inputs and streams from (seed, run). */
    const sal_posterior *posterior;
} sal_ensemble_opts;

/* The numbers in a run's record: inputs, last-day metrics, paths and event
 * days (see on_run). */
size_t sal_ensemble_record_len(const sal_model *m, const sal_ensemble_opts *o);
/* SAL_OK if the spec fits model m (indices and days in range, days
 * increasing), else SAL_EINPUT. */
int sal_paths_check(const sal_model *m, const sal_paths_spec *p);

/* Runs the ensemble of model m.  On SAL_OK, *out is the summary of all the
 * runs; on SAL_EINTR (progress asked to stop), *out is the summary of the
 * runs finished, *done of them (always the first *done indices).  Otherwise
 * *out is NULL: SAL_ERANGE a run failed (diags say which, where and when),
 * SAL_EIO on_run refused, SAL_ENOMEM, SAL_EINPUT bad options.  done may be
 * NULL; diags may be NULL. */
int sal_ensemble_run(const sal_model *m, const sal_ensemble_opts *o, sal_summary **out,
                     uint64_t *done, sal_diags *diags);

/* An upper bound, in bytes, of the memory sal_ensemble_run (compare = 0)
 * or sal_compare_run (compare = 1, model m standing for both) needs with
 * these options: per thread a run workspace, a block buffer and a partial
 * summary at its largest (every sketch at its bucket cap, 17 KiB at the
 * default accuracy), plus the record buffers and a resumed summary.  For a
 * caller to refuse up front a job that would not fit (typical ensembles
 * use a fifth to a half of it). */
uint64_t sal_ensemble_memory_bound(const sal_model *m, const sal_ensemble_opts *o, int compare);

/* The layout of the summary of model m (metrics x days 0..horizon, events). */
sal_summary_layout sal_ensemble_layout(const sal_model *m, double accuracy);

/* ---- counterfactuals with common random numbers ------------------------ */

/* Two variants of one scenario run on the same (seed, run) for each run
 * index, so every entity they share draws the same numbers (engine.h).
 * Metrics and events are matched by name; those of only one variant are
 * left out of the differences. */
typedef struct {
    uint64_t runs;           /* runs summarised (all, or those before a stop) */
    size_t nmetrics;         /* metrics common to both */
    size_t *metric_a, *metric_b; /* their indices in model a and model b */
    size_t nevents;          /* events common to both */
    size_t *event_a, *event_b;
    sal_summary *a, *b;      /* each variant alone (its own layout) */
    sal_summary *diff;       /* B - A per common metric and day; no events */
    /* At the horizon, per common metric: the variance of B - A with common
     * random numbers, and var(A) + var(B), the variance of the difference
     * had the variants drawn independent streams.  Computed from exact sums
     * of x and x^2 (sample variances, divisor runs - 1; NaN below 2 runs). */
    double *var_diff, *var_indep;
    /* Per common event: the same for the indicator "happened by the
     * horizon" (discordant runs counted exactly). */
    double *event_var_diff, *event_var_indep;
} sal_compare;

/* Runs both variants (a and b read from one file with their variants
 * applied, so they share seed and horizon).  Options as sal_ensemble_run;
 * on_run is not called.  Results as sal_ensemble_run, in *out. */
int sal_compare_run(const sal_model *a, const sal_model *b, const sal_ensemble_opts *o,
                    sal_compare **out, uint64_t *done, sal_diags *diags);
void sal_compare_free(sal_compare *c);

/* ---- results files ------------------------------------------------------ */

/* A file written whole or not at all (opaque): opened under a temporary
 * name in its directory, renamed into place by sal_outfile_commit.  Every
 * file opened is ended by one sal_outfile_abort, which removes the
 * temporary unless it was committed and frees the handle. */
typedef struct sal_outfile sal_outfile;

/* Where a file is (sal_outfile_state). */
enum {
    SAL_OUTFILE_NONE = 0,      /* no file (a NULL handle) */
    SAL_OUTFILE_OPEN = 1,      /* the temporary, open for writing */
    SAL_OUTFILE_PENDING = 2,   /* the temporary, closed, not yet renamed */
    SAL_OUTFILE_COMMITTED = 3  /* renamed into place */
};

/* Creates directory dir and its parents (like mkdir -p). */
int sal_mkdirs(const char *dir);
/* Opens dir/.name.PID.XXXXXX for writing into *o (as a stdio stream when
 * stream is non-zero; otherwise the file is created empty and closed, for a
 * library that opens paths itself).  SAL_EIO (errno set) or SAL_ENOMEM on
 * failure, *o then NULL.  dir/name must be a regular file or not exist: a
 * directory is refused with EISDIR, anything else (a device, a pipe, a
 * symbolic link) with EEXIST, never replaced by the rename. */
int sal_outfile_open(sal_outfile **o, const char *dir, const char *name, int stream);
/* The same for a full path: the temporary goes in path's directory. */
int sal_outfile_open_path(sal_outfile **o, const char *path, int stream);
/* The stream to write (NULL when not opened as a stream, or closed). */
FILE *sal_outfile_stream(const sal_outfile *o);
/* The temporary's path, for a library that opens paths itself (SQLite). */
const char *sal_outfile_temp_path(const sal_outfile *o);
/* The final path, dir/name. */
const char *sal_outfile_path(const sal_outfile *o);
/* One of SAL_OUTFILE_NONE .. SAL_OUTFILE_COMMITTED. */
int sal_outfile_state(const sal_outfile *o);
/* Removes the temporaries of dir/name (".name.PID.XXXXXX") left by writers
 * that no longer exist (killed by SIGKILL, power loss): a process that is
 * alive keeps its own.  Returns how many were removed. */
int sal_outfile_sweep(const char *dir, const char *name);
/* The same for a full path (its directory and last name). */
int sal_outfile_sweep_path(const char *path);
/* Flushes and closes the stream (if any), keeping the temporary file;
 * SAL_EIO if anything failed to reach the disk. */
int sal_outfile_close(sal_outfile *o);
/* Renames the closed temporary into place. */
int sal_outfile_commit(sal_outfile *o);
/* Removes the temporary unless it was committed, and frees o (NULL:
 * nothing); errno is kept, for the caller's message. */
void sal_outfile_abort(sal_outfile *o);

/* sal_fmt_num (numbers as text) is in base.h. */
/* A CSV field, quoted when it holds a comma, quote or newline. */
void sal_csv_field(FILE *f, const char *s);

/* DIR/quantiles.csv: metric,day,date,mean,p05,p25,p50,p75,p95. */
int sal_ensemble_write_quantiles(FILE *f, const sal_model *m, const sal_summary *s);
/* DIR/events.csv: event,probability,p05,p50,p95 (day quantiles among the
 * runs where it happened; empty when it never did). */
int sal_ensemble_write_events(FILE *f, const sal_model *m, const sal_summary *s);
/* The header of runs.csv (run, the uncertain inputs, the metrics) and one
 * row. */
int sal_ensemble_write_runs_header(FILE *f, const sal_model *m);
int sal_ensemble_write_run(FILE *f, const sal_model *m, uint64_t run, const double *inputs,
                           const double *last);
/* DIR/compare.csv (docs/ensemble.md). */
int sal_compare_write(FILE *f, const sal_model *a, const sal_model *b, const sal_compare *c);

/* The SQLite results file, written in one transaction (docs/ensemble.md
 * gives the schema).  Open, add runs in order (or none), finish, close.
 * Everything stored depends only on the model, the options and the runs, so
 * the file's bytes do not depend on the threads. */
typedef struct sal_results_db sal_results_db;
int sal_results_db_open(sal_results_db **out, const char *path, const sal_model *m);
int sal_results_db_add_run(sal_results_db *db, uint64_t run, const double *inputs,
                           const double *last);
/* Writes the metadata, quantiles and events tables and commits.  partial:
 * the ensemble stopped before runs_requested. */
int sal_results_db_finish(sal_results_db *db, const sal_summary *s, uint64_t seed,
                          uint64_t runs_requested, int partial);
void sal_results_db_close(sal_results_db *db);
/* Adds the tables paths (run, date, metric, value) and run_events (run,
 * event, date: NULL when it did not happen) for the records of spec p,
 * filled by sal_results_db_add_paths (tail: the record after the last-day
 * metrics).  Call after open, before the runs. */
int sal_results_db_paths(sal_results_db *db, const sal_paths_spec *p);
int sal_results_db_add_paths(sal_results_db *db, uint64_t run, const double *tail);
/* A metadata row (key, value), e.g. the scenario's path and hash. */
int sal_results_db_meta(sal_results_db *db, const char *key, const char *value);
/* DIR/paths.csv (run,date,metric,value) and DIR/run_events.csv
 * (run,event,date; date empty when it did not happen): headers, and the
 * rows of one run from its record's tail. */
int sal_ensemble_write_paths_header(FILE *f);
int sal_ensemble_write_paths(FILE *f, const sal_model *m, const sal_paths_spec *p, uint64_t run,
                             const double *tail);
int sal_ensemble_write_run_events_header(FILE *f);
int sal_ensemble_write_run_events(FILE *f, const sal_model *m, const sal_paths_spec *p,
                                  uint64_t run, const double *tail);

/* ---- checkpoints (src/out/checkpoint.c; docs/ensemble.md) ------------------------
 *
 * DIR/checkpoint/state: what an ensemble belongs to and the summary of its
 * first `done` runs, written whole; DIR/checkpoint/runs.bin: the caller's
 * append-only log of per-run records (record doubles each, in run order),
 * valid up to done records. */
typedef struct {
    uint64_t scenario_hash;   /* sal_hash_bytes of the scenario file */
    uint64_t scenario_size;
    char variant[256];        /* "" for the base */
    uint64_t seed;
    uint64_t runs;            /* runs requested */
    uint32_t records;         /* doubles per record (uncertain inputs + metrics) */
    uint32_t flags;           /* options that change the output: SAL_CKPT_* */
    double accuracy;          /* of the sketches (0: the default) */
    uint64_t done;            /* read back: the runs the state summarises */
} sal_checkpoint_id;

/* runs.csv and the runs table are written: records are kept in runs.bin */
#define SAL_CKPT_RUNS_CSV 1u
/* per-run paths are kept (records in runs.bin); the bits from 8 up hold 24
 * bits of a hash of the paths' metrics and days */
#define SAL_CKPT_PATHS 2u
#define SAL_CKPT_PATHS_HASH 0xffffff00u

/* FNV-1a (64-bit) of n bytes, continuing from h (0 to start). */
uint64_t sal_hash_bytes(const void *p, size_t n, uint64_t h);
/* Fills id's scenario_hash and scenario_size from the file (the rest
 * zeroed); SAL_EIO if it cannot be read. */
int sal_checkpoint_id_file(sal_checkpoint_id *id, const char *path);
/* Writes DIR/checkpoint/state for summary s (done = its runs), whole. */
int sal_checkpoint_write(const char *dir, const sal_checkpoint_id *id, const sal_summary *s);
/* Reads it back: SAL_OK, SAL_EIO when there is none (errno ENOENT) or it
 * cannot be read, SAL_EINPUT when it is malformed (diags say why). */
int sal_checkpoint_read(const char *dir, sal_checkpoint_id *id, sal_summary **s,
                        sal_diags *diags);
/* SAL_OK if `have` (read) belongs to the ensemble `want` describes; else
 * SAL_EINPUT and a diagnostic naming every difference. */
int sal_checkpoint_match(const sal_checkpoint_id *want, const sal_checkpoint_id *have,
                         const char *dir, sal_diags *diags);
/* Removes DIR/checkpoint (state, runs.bin, the directory). */
int sal_checkpoint_remove(const char *dir);

/* The run log, DIR/checkpoint/runs.bin (format 1, little-endian): a header
 * of SAL_CKPT_LOG_HEADER bytes,
 *     "SALR" u16 1 u16 0  u64 scenario hash  u64 scenario size  u64 seed
 *     u64 runs requested  u32 record doubles  u32 flags  u32 CRC-32C of the
 *     48 bytes before,
 * then a record a run, in run order, of sal_checkpoint_log_record_size bytes:
 *     u64 run  record doubles (IEEE 754 bits)  u32 CRC-32C of the bytes
 *     before it in the record.
 * A kill -9 may tear the last record; the state's `done` says how many are
 * valid, and records past it are dropped.  A damaged record before it is
 * refused, never replayed. */
#define SAL_CKPT_LOG_HEADER 52
size_t sal_checkpoint_log_record_size(uint32_t records);
/* Writes the header for id; 0 or SAL_EIO. */
int sal_checkpoint_log_header(FILE *f, const sal_checkpoint_id *id);
/* Appends the record of run: na doubles a, then nb doubles b; 0 or SAL_EIO. */
int sal_checkpoint_log_append(FILE *f, uint64_t run, const double *a, size_t na,
                              const double *b, size_t nb);
/* Checks the log at path: its header against id, then its first `done`
 * records (checksums and run numbers).  SAL_OK; SAL_EIO when it cannot be
 * read (errno says why); SAL_EINPUT when it is short, damaged or another
 * ensemble's (diags name the file and the record); SAL_ENOMEM. */
int sal_checkpoint_log_check(const char *path, const sal_checkpoint_id *id, uint64_t done,
                             sal_diags *diags);
/* Reads the next record of f, which must be run's, into rec[id records];
 * SAL_OK, or SAL_EINPUT when it is short or damaged. */
int sal_checkpoint_log_next(FILE *f, uint64_t run, double *rec, uint32_t records);

#ifdef __cplusplus
}
#endif
#endif

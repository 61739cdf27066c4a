/* salient CLI — shared declarations of the subcommands.  The CLI is the only
 * code that prints to the terminal or chooses an exit status:
 *   0 success, 1 the job failed, 2 bad usage or bad input. */
#ifndef SALIENT_CLI_H
#define SALIENT_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "salient/salient.h"

enum { EXIT_JOB = 1, EXIT_USAGE = 2 };

/* The flagship scenario, its theses and its observations, carried in the
 * binary (Makefile, EMBED_CLI): the main job and 'salient theses' run them
 * when no file is given. */
extern const unsigned char sal_flagship_yaml[];
extern const size_t sal_flagship_yaml_len;
extern const unsigned char sal_flagship_theses[];
extern const size_t sal_flagship_theses_len;
extern const unsigned char sal_flagship_obs[];
extern const size_t sal_flagship_obs_len;

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *usage; /* full help text, printed by "salient help NAME" */
} cli_command;

/* Prints every diagnostic of d to stderr, one per line. */
void cli_print_diags(const sal_diags *d);
/* The end of an "expected one of:" line on stderr: m's metric names, then
 * a newline. */
void cli_print_metrics(const sal_model *m);
/* Prints "salient NAME: message" to stderr. */
void cli_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* x as a person reads it in a table (b, n >= 24): "550,070", "12.35",
 * "<0.001", "-" for not a number (no "nan", no "5.5007e+05"). */
const char *cli_num(char *b, size_t n, double x);
/* The band every summary prints: the 5th to 95th percentiles. */
#define CLI_BAND "90%% interval: p05 to p95" /* a printf format */
/* Prints the help text of a command to the given stream. */
void cli_usage(const cli_command *c, FILE *out);

/* The subcommands, one file each: cli/cmd_NAME.c */
extern const cli_command cmd_fit;
extern const cli_command cmd_check;
extern const cli_command cmd_run;
extern const cli_command cmd_sensitivity;
extern const cli_command cmd_ensemble;
extern const cli_command cmd_compare;
extern const cli_command cmd_calibrate;
extern const cli_command cmd_theses;
extern const cli_command cmd_report;
extern const cli_command cmd_score;
extern const cli_command cmd_discover;

/* The main job (cli/cmd_main.c): the flagship calibrated on its reports,
 * then its study from the posterior, into salient-out/.  argv[0] is
 * "salient"; options as in 'salient --help'. */
int cli_default_study(int argc, char **argv);

/* ---- options and operands (cli/cli_args.c) ----------------------------- */

int cli_parse_u64(const char *s, uint64_t *out);

/* The options most commands share, read by cli_getopt by their long names:
 * --runs, --threads, --stop-after, --seed, --out, --quiet and --help, and
 * the messages for a missing value or an unknown option. */
typedef struct {
    const cli_command *cmd;
    const char *own;        /* a shared long name the command reads itself */
    uint64_t runs;          /* 0: not given */
    uint64_t threads;       /* 0: not given */
    uint64_t stop_after;    /* --stop-after (tests): 0, never */
    const char *seed, *out; /* NULL: not given */
    int quiet;
    int scanned;            /* the long names checked (cli_long_check) */
    int status;             /* -1 while reading; then 0 (--help) or EXIT_USAGE */
} cli_args;

/* The shared options' entries for a command's struct option table, and the
 * table's end.  A command's own long-only options take codes from 1000. */
enum { CLI_OPT_STOP = 900 };
#define CLI_OPT_RUNS {"runs", required_argument, NULL, 'n'}
#define CLI_OPT_THREADS {"threads", required_argument, NULL, 't'}
#define CLI_OPT_SEED {"seed", required_argument, NULL, 's'}
#define CLI_OPT_OUT {"out", required_argument, NULL, 'o'}
#define CLI_OPT_QUIET {"quiet", no_argument, NULL, 'q'}
#define CLI_OPT_HELP {"help", no_argument, NULL, 'h'}
#define CLI_OPT_STOP_AFTER {"stop-after", required_argument, NULL, CLI_OPT_STOP}
#define CLI_OPT_END {NULL, 0, NULL, 0}

/* Starts reading argv's options for cmd (getopt_long's state reset). */
cli_args cli_args_start(const cli_command *cmd, const char *own);
/* The next option that is the command's own (its code; optarg set), or 0
 * when the options are over or one ended the command (a->status >= 0). */
int cli_getopt(cli_args *a, int argc, char **argv, const char *shortopts,
               const struct option *opts);
/* Every long option of argv named exactly as in opts (getopt_long alone
 * takes a prefix: "--run 10" for "--runs 10"): 0, or "unknown option
 * '--run'; did you mean '--runs'?" printed and EXIT_USAGE.  Called by
 * cli_getopt before its first option. */
int cli_long_check(const char *cmd, int argc, char **argv, const char *shortopts,
                   const struct option *opts);
/* A whole number >= 0 for --NAME; 0, or the message and EXIT_USAGE. */
int cli_count(const char *cmd, const char *name, const char *arg, uint64_t *out);
/* A whole number from lo to hi for --NAME; 0, or the message and EXIT_USAGE. */
int cli_range(const char *cmd, const char *name, const char *arg, uint64_t lo, uint64_t hi,
              uint64_t *out);
/* The one operand left after the options, or NULL after printing none (no
 * operand) or many (more than one). */
const char *cli_operand(const char *cmd, int argc, char **argv, const char *none,
                        const char *many);
/* The scenario FILE, the one operand of most commands (NULL: printed). */
const char *cli_scenario_operand(const char *cmd, int argc, char **argv);
/* The one seed rule of every command: --seed S, a whole number from 0 to
 * 2^64 - 1 (cli_parse_u64: no sign, no space), else the command's default
 * (the scenario's seed; the fit's bootstrap: 1).  cli_seed_check refuses a
 * bad --seed before anything is read (0, or the message and EXIT_USAGE);
 * cli_seed_or is the seed once the default is known. */
int cli_seed_check(const cli_args *a);
uint64_t cli_seed_or(const cli_args *a, uint64_t dflt);
/* The output directory, --out or dflt; NULL after the message when --out
 * is empty. */
const char *cli_outdir(const cli_args *a, const char *dflt);

/* ---- reading (cli/cli_read.c) ------------------------------------------- */

/* A diagnostics list, or NULL after "out of memory". */
sal_diags *cli_diags(const char *cmd);
/* Reads a scenario, printing its diagnostics; 0 or the exit status. */
int cli_read_model(const char *cmd, const char *path, const char *variant, sal_model **m);
/* Reads a scenario as cli_read_model, and allocates the diagnostics list of
 * the job that runs it; 0, or the exit status with nothing to free. */
int cli_read_job(const char *cmd, const char *path, const char *variant, sal_model **m,
                 sal_diags **d);

/* DIR/posterior.csv of 'salient calibrate' into *p for model m (nothing
 * when dir is NULL); 0, or the exit status after the message. */
int cli_read_posterior(const char *cmd, const char *dir, const sal_model *m, sal_posterior *p);

/* A results database checked before it is read (sal_results_verify: SQLite's
 * quick_check, its seal, its columns); 0, or the exit status (2 damaged,
 * edited or missing; 1 out of memory) after the message naming the file
 * and the table. */
int cli_verify_results(const char *cmd, const char *path);

/* ---- studies (cli/cmd_theses.c) ---------------------------------------- */

/* What a study writes and prints. */
typedef struct {
    const char *dir;
    int files;    /* the files in dir */
    int markdown; /* the theses table as Markdown instead of the summary */
    int report;   /* dir/report.html too (the main job) */
    const char *posterior; /* --posterior DIR, or NULL */
    /* Called once the study's files are written and before the report (the
     * main job's own files); non-zero: the job failed.  May be NULL. */
    int (*after)(const sal_study *s, const char *dir, const cli_args *a, void *ctx);
    void *ctx;
} cli_study_out;

/* A study of the theses file path (NULL: the flagship built in); a: --runs,
 * --threads, --seed, --quiet, --stop-after.  Returns the exit status. */
int cli_study_main(const char *path, const cli_args *a, const cli_study_out *out);

/* ---- progress and Ctrl-C (cli/cli_progress.c) ---------------------------- */

typedef struct {
    int tty;               /* stderr is a terminal: show the progress line */
    int shown;
    double t0, last;
    uint64_t stop_after;   /* --stop-after (tests): stop once this many are done */
    uint64_t base;         /* runs done before this process (a resume) */
} cli_progress;
void cli_progress_init(cli_progress *p, uint64_t stop_after);
/* A sal_ensemble_opts.progress callback (ctx: a cli_progress); asks to stop
 * after SIGINT/SIGTERM (see cli_signals_catch) or --stop-after. */
int cli_progress_update(void *ctx, uint64_t done, uint64_t total);
void cli_progress_end(cli_progress *p);
void cli_signals_catch(void);
void cli_signals_restore(void);

/* ---- memory (cli/cli_memory.c) ------------------------------------------ */

/* The memory a job may plan for, in bytes (0 unknown): SALIENT_MEMORY_LIMIT
 * if set, else the least of MemAvailable, the cgroup's room and RLIMIT_AS. */
uint64_t cli_memory_available(void);
/* 0 if need fits, else prints "CMD: WHAT would need up to X GiB ... (HINT)"
 * and returns EXIT_USAGE. */
int cli_memory_check(const char *cmd, uint64_t need, const char *what, const char *hint);

/* ---- output files (cli/cli_files.c) -------------------------------------- */

/* The program's arguments as main received them (for run.json). */
extern int cli_argc;
extern char **cli_argv;
/* DIR/run.json: the command line, threads (0: OpenMP's default), ranks,
 * seed and the hashes of the input files (observations may be NULL);
 * 0, or the message and EXIT_JOB. */
int cli_write_runinfo(const char *cmd, const char *dir, int threads, int ranks, uint64_t seed,
                      const char *scenario, const char *observations);
/* DIR/PARTIAL written (whole) when partial, removed otherwise. */
void cli_mark_partial(const char *dir, int partial, uint64_t done, uint64_t total);
/* The temporaries of writers killed in DIR (SIGKILL, power loss) removed,
 * for each of the n names a command writes there. */
void cli_sweep(const char *dir, const char *const *names, size_t n);
/* Locks the output directory dir (which must exist) for the rest of the
 * process (cli/cli_files.c): 0, or the message printed and the exit status
 * (EXIT_USAGE, "DIR is in use by process N", when another job holds it). */
int cli_lock_dir(const char *cmd, const char *dir);

#endif

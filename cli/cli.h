/* salient CLI — shared declarations of the subcommands.  The CLI is the only
 * code that prints to the terminal or chooses an exit status:
 *   0 success, 1 the job failed, 2 bad usage or bad input. */
#ifndef SALIENT_CLI_H
#define SALIENT_CLI_H

#include "salient/salient.h"

enum { EXIT_JOB = 1, EXIT_USAGE = 2 };

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *usage; /* full help text, printed by "salient help NAME" */
} cli_command;

/* Prints every diagnostic of d to stderr, one per line. */
void cli_print_diags(const sal_diags *d);
/* Prints "salient NAME: message" to stderr. */
void cli_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Prints the help text of a command to the given stream. */
void cli_usage(const cli_command *c, FILE *out);

/* The subcommands, one file each: cli/cmd_NAME.c */
extern const cli_command cmd_fit;
extern const cli_command cmd_check;
extern const cli_command cmd_run;
extern const cli_command cmd_sensitivity;
extern const cli_command cmd_ensemble;
extern const cli_command cmd_compare;
extern const cli_command cmd_theses;
extern const cli_command cmd_report;

/* The main job: the flagship study into salient-out/ (cli/cmd_theses.c). */
int cli_default_study(void);

/* Shared by ensemble and compare (cli/cmd_ensemble.c). */
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
int cli_parse_u64(const char *s, uint64_t *out);
/* Reads a scenario, printing its diagnostics; 0 or the exit status. */
int cli_read_model(const char *cmd, const char *path, const char *variant, sal_model **m);
/* The memory a job may plan for, in bytes (0 unknown): SALIENT_MEMORY_LIMIT
 * if set, else the least of MemAvailable, the cgroup's room and RLIMIT_AS. */
uint64_t cli_memory_available(void);
/* 0 if need fits, else prints "CMD: WHAT would need up to X GiB ... (HINT)"
 * and returns EXIT_USAGE. */
int cli_memory_check(const char *cmd, uint64_t need, const char *what, const char *hint);
/* DIR/PARTIAL written (whole) when partial, removed otherwise. */
void cli_mark_partial(const char *dir, int partial, uint64_t done, uint64_t total);

#endif

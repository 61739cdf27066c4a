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

#endif

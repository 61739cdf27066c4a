/* salient — command-line entry point: subcommands in the style of git.
 *
 *   salient [COMMAND] [OPTIONS] [ARGS]
 *
 * With no command it runs the main job (see default_job below). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const cli_command *const commands[] = {
    &cmd_fit,
    &cmd_check,
    &cmd_run,
    &cmd_sensitivity,
    &cmd_ensemble,
    &cmd_compare,
    &cmd_calibrate,
    &cmd_theses,
    &cmd_report,
    &cmd_score,
    &cmd_discover,
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static void print_help(FILE *out)
{
    fprintf(out,
            "usage: salient [--version] [--help] COMMAND [ARGS]\n"
            "\n"
            "salient simulates wars in which a third state sends troops and\n"
            "munitions to one side, and the responses that follow.\n"
            "\n"
            "Commands:\n");
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out,
            "  %-12s %s\n"
            "\n"
            "With no command, salient runs its main job: the flagship calibrated on its\n"
            "reports of 22 November 2024, then its study from the posterior, into\n"
            "salient-out/ (options --as-of DATE, --observations FILE, --particles N,\n"
            "--runs R, --seed S, --threads T, --out DIR, --quiet; docs/flagship.md).\n"
            "'salient help COMMAND' describes one command.\n"
            "Exit status: 0 success, 1 the job failed, 2 bad usage or input.\n",
            "help", "show the help of a command");
}

static const cli_command *find_command(const char *name)
{
    for (int i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

/* "'ensembel' is not a command; did you mean 'ensemble'?" (exit 2): names
 * are matched exactly, a near one is only suggested. */
static int no_command(const char *name)
{
    const char *names[NCOMMANDS + 1];
    for (int i = 0; i < NCOMMANDS; i++)
        names[i] = commands[i]->name;
    names[NCOMMANDS] = "help";
    const char *near = sal_suggest(name, names, NCOMMANDS + 1);
    if (near)
        cli_error(NULL, "'%s' is not a command; did you mean '%s'?", name, near);
    else
        cli_error(NULL, "'%s' is not a command; see 'salient --help'", name);
    return EXIT_USAGE;
}

/* The main job run by "salient" alone (or with its options): the flagship
 * built into the binary calibrated on its built-in reports, then its study
 * from the posterior, into salient-out/, its report.html and a short summary
 * (cli/cmd_main.c).  Engel's Iwo Jima fit, the main job before the
 * flagship, stays one command away: salient fit --builtin iwojima. */
static int default_job(int argc, char **argv)
{
    fprintf(stderr, "salient: no command given, so running the main job: the flagship calibrated "
                    "on its reports of 22 November 2024, then its study, into salient-out/ "
                    "(see 'salient --help' for the commands)\n");
    return cli_default_study(argc, argv);
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2)
        return default_job(argc, argv);
    const char *a = argv[1];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
        print_help(stdout);
        return 0;
    }
    if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
        printf("salient %s\n", sal_version());
        return 0;
    }
    /* options without a command: the main job's (salient --as-of DATE ...) */
    if (a[0] == '-' && a[1] == '-' && a[2])
        return default_job(argc, argv);
    if (strcmp(a, "help") == 0) {
        if (argc < 3) {
            print_help(stdout);
            return 0;
        }
        const cli_command *c = find_command(argv[2]);
        if (!c)
            return no_command(argv[2]);
        cli_usage(c, stdout);
        return 0;
    }
    const cli_command *c = find_command(a);
    if (!c)
        return no_command(a);
    return c->run(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
    /* the command line as typed, for run.json: getopt_long permutes argv */
    char **copy = malloc(((size_t)argc + 1) * sizeof *copy);
    if (copy)
        memcpy(copy, argv, ((size_t)argc + 1) * sizeof *copy);
    cli_argc = argc;
    cli_argv = copy ? copy : argv;
    int rc = dispatch(argc, argv);
    free(copy);
    /* stdio reports a full disk under standard output (> /dev/full, a
     * report printed into a file) only when it writes: checked here, or a
     * cut-off listing would exit 0 (issue 21) */
    errno = 0;
    int flushed = fflush(stdout) == 0;
    int err = errno;
    if (!flushed || ferror(stdout)) {
        cli_error(NULL, "cannot write the standard output: %s",
                  err ? strerror(err) : "a write failed");
        if (rc == 0)
            rc = EXIT_JOB;
    }
    return rc;
}

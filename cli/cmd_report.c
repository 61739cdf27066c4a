/* salient report — rebuilds DIR/report.html from DIR/results.sqlite (the
 * library's sal_report_write; the default run calls the same function). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "salient/report.h"

static const char usage[] =
    "usage: salient report DIR\n"
    "\n"
    "Reads DIR/results.sqlite (from 'salient ensemble ... --out DIR', or the\n"
    "salient-out/ of the default run) and writes DIR/report.html: one\n"
    "self-contained page that works offline (Chart.js is inside it) with the\n"
    "scenario, key findings, fan charts of every metric, event-time curves,\n"
    "counterfactual differences, Sobol' sensitivity, the theses and the source\n"
    "of every parameter.  Sections whose tables the database lacks are left\n"
    "out, so a plain ensemble gives a shorter report.  The same database gives\n"
    "the same bytes.  The file is written whole or not at all.\n"
    "\n"
    "Options:\n"
    "  -h, --help   show this help\n"
    "\n"
    "Exit status: 0 written, 2 bad usage or a missing or malformed database\n"
    "(nothing written), 1 the report could not be written.\n"
    "The page and the tables it reads are described in docs/report.md.\n";

static int run_report(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPT_HELP,
        CLI_OPT_END,
    };
    cli_args a = cli_args_start(&cmd_report, NULL);
    cli_getopt(&a, argc, argv, "h", opts); /* --help only: none of its own */
    if (a.status >= 0)
        return a.status;
    const char *dir =
        cli_operand("report", argc, argv, "no DIR given", "more than one DIR given");
    if (!dir)
        return EXIT_USAGE;
    sal_diags *d = cli_diags("report");
    if (!d)
        return EXIT_JOB;
    struct stat sb;
    int lk = stat(dir, &sb) == 0 ? cli_lock_dir("report", dir) : 0;
    if (lk) {
        sal_diags_free(d);
        return lk;
    }
    sal_outfile_sweep(dir, "report.html"); /* a killed writer's temporary */
    int rc = sal_report_write(dir, d);
    cli_print_diags(d);
    sal_diags_free(d);
    if (rc == SAL_EINPUT)
        return EXIT_USAGE;
    if (rc == SAL_EIO)
        return EXIT_JOB; /* the message above says why, with the system's reason */
    if (rc != SAL_OK) {
        cli_error("report", "%s", sal_strstatus(rc));
        return EXIT_JOB;
    }
    printf("wrote %s/report.html\n", dir);
    return 0;
}

const cli_command cmd_report = {
    "report",
    run_report,
    "rebuild DIR/report.html from DIR/results.sqlite",
    usage,
};

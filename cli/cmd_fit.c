/* salient fit — placeholder until the fit lands (see issue 3). */
#include <stdio.h>

#include "cli.h"

static int run_fit(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("fit", "not yet implemented");
    return EXIT_JOB;
}

const cli_command cmd_fit = {
    "fit", run_fit, "fit the Lanchester law to daily battle data",
    "usage: salient fit DATA.csv\n",
};

/* salient CLI — built-in battle series (salient fit --builtin NAME). */
#ifndef SALIENT_CLI_IWOJIMA_H
#define SALIENT_CLI_IWOJIMA_H

#include "salient/battle.h"

typedef struct {
    const char *name;     /* "iwojima" */
    const char *title;    /* one line for the report */
    const char *sides;    /* what A and B are */
    const char *citation; /* where the numbers come from */
    double a, b;          /* the published square-law coefficients */
} cli_builtin_info;

/* The built-in series called name as a new sal_battle (NULL if there is no
 * such series or out of memory), and its description in *info. */
sal_battle *cli_builtin_battle(const char *name, const cli_builtin_info **info);

/* The names of the built-in series, comma-separated, for messages. */
const char *cli_builtin_names(void);

#endif

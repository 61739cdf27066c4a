/* salient CLI — reading a scenario the one way every command does: its
 * diagnostics printed in file order, then how many, and the exit status
 * (2 bad input, 1 out of memory). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

sal_diags *cli_diags(const char *cmd)
{
    sal_diags *d = sal_diags_alloc();
    if (!d)
        cli_error(cmd, "out of memory");
    return d;
}

/* After a failed read of NAME (rc its status): the diagnostics and how
 * many; the exit status. */
static int read_failed(const char *cmd, int rc, const sal_diags *d, const char *name)
{
    cli_print_diags(d);
    size_t n = sal_diags_count(d);
    if (rc == SAL_ENOMEM)
        cli_error(cmd, "out of memory while reading %s", name);
    else if (n)
        fprintf(stderr, "%s: %zu error%s; nothing was run\n", name, n, n == 1 ? "" : "s");
    return rc == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
}

int cli_read_model(const char *cmd, const char *path, const char *variant, sal_model **m)
{
    sal_diags *d = cli_diags(cmd);
    if (!d)
        return EXIT_JOB;
    int rc = sal_model_read(path, variant, d, m);
    int st = rc == SAL_OK ? 0 : read_failed(cmd, rc, d, path);
    sal_diags_free(d);
    return st;
}

int cli_read_job(const char *cmd, const char *path, const char *variant, sal_model **m,
                 sal_diags **d)
{
    int st = cli_read_model(cmd, path, variant, m);
    if (st)
        return st;
    *d = cli_diags(cmd);
    if (*d)
        return 0;
    sal_model_free(*m);
    *m = NULL;
    return EXIT_JOB;
}

int cli_read_posterior(const char *cmd, const char *dir, const sal_model *m, sal_posterior *p)
{
    memset(p, 0, sizeof *p);
    if (!dir)
        return 0;
    sal_diags *d = cli_diags(cmd);
    if (!d)
        return EXIT_JOB;
    char path[4200], db[4200];
    snprintf(path, sizeof path, "%s/posterior.csv", dir);
    snprintf(db, sizeof db, "%s/results.sqlite", dir);
    /* checked against the sealed copy in the calibration's database first */
    int rc = sal_posterior_check(path, db, d);
    if (rc == SAL_OK)
        rc = sal_posterior_read(path, m, p, d);
    int st = rc == SAL_OK ? 0 : read_failed(cmd, rc == SAL_EIO ? SAL_EINPUT : rc, d, path);
    sal_diags_free(d);
    return st;
}

int cli_verify_results(const char *cmd, const char *path)
{
    sal_diags *d = cli_diags(cmd);
    if (!d)
        return EXIT_JOB;
    int rc = sal_results_verify(path, d);
    cli_print_diags(d);
    sal_diags_free(d);
    return rc == SAL_OK ? 0 : rc == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
}

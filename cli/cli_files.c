/* salient CLI — the output directory's bookkeeping shared by the writers:
 * DIR/PARTIAL for interrupted results, and the sweep of the temporaries
 * that killed writers left. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void cli_mark_partial(const char *dir, int partial, uint64_t done, uint64_t total)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/PARTIAL", dir);
    if (!partial) {
        unlink(path); /* a complete result replaces an earlier partial one */
        return;
    }
    sal_outfile *o;
    if (sal_outfile_open(&o, dir, "PARTIAL", 1) != SAL_OK)
        return;
    fprintf(sal_outfile_stream(o),
            "interrupted: the results summarise runs 0 to %llu, %llu of the %llu asked for\n",
            (unsigned long long)(done ? done - 1 : 0), (unsigned long long)done,
            (unsigned long long)total);
    if (sal_outfile_close(o) == SAL_OK)
        sal_outfile_commit(o);
    sal_outfile_abort(o); /* the temporary removed unless committed */
}

void cli_sweep(const char *dir, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sal_outfile_sweep(dir, names[i]);
}

int cli_argc;
char **cli_argv;

/* a as a shell reads it into b (room for 4 * strlen(a) + 3): bare when
 * it is plain, else in single quotes.  Returns the length written. */
static size_t quoted(char *b, const char *a)
{
    static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                                "_./=:,@%+-";
    size_t k = 0;
    if (*a && strspn(a, plain) == strlen(a)) {
        strcpy(b, a);
        return strlen(a);
    }
    b[k++] = '\'';
    for (; *a; a++) {
        if (*a == '\'') { /* ' ends the quote, \' is the quote, ' reopens */
            memcpy(b + k, "'\\''", 4);
            k += 4;
        } else {
            b[k++] = *a;
        }
    }
    b[k++] = '\'';
    b[k] = '\0';
    return k;
}

int cli_write_runinfo(const char *cmd, const char *dir, int threads, int ranks, uint64_t seed,
                      const char *scenario, const char *observations)
{
    size_t n = 1;
    for (int i = 0; i < cli_argc; i++)
        n += 4 * strlen(cli_argv[i]) + 3;
    char *line = calloc(n, 1);
    if (!line) {
        cli_error(cmd, "out of memory");
        return EXIT_JOB;
    }
    size_t k = 0;
    for (int i = 0; i < cli_argc; i++) {
        if (i)
            line[k++] = ' ';
        k += quoted(line + k, cli_argv[i]);
    }
    sal_runinfo ri = {.command = cmd, .command_line = line, .threads = threads,
                      .ranks = ranks, .seed = seed, .scenario = scenario,
                      .observations = observations};
    int rc = sal_runinfo_write(dir, &ri);
    free(line);
    if (rc == SAL_OK)
        return 0;
    cli_error(cmd, "cannot write %s/run.json: %s", dir,
              rc == SAL_ENOMEM ? "out of memory" : strerror(errno));
    return EXIT_JOB;
}

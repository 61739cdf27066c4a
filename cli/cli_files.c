/* salient CLI — the output directory's bookkeeping shared by the writers:
 * DIR/PARTIAL for interrupted results, and the sweep of the temporaries
 * that killed writers left. */
#include <stdio.h>
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

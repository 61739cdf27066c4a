/* salient CLI (internal) — a run's record in 'salient ensemble' (its drawn
 * inputs, its metrics on the last day, and with --series or --observations
 * its paths and event days): kept by the command, replayed from a
 * checkpoint's log and gathered from the MPI ranks, all through here.
 */
#include <stdio.h>

#include "ensemble_int.h"

int ens_record_write(FILE *f, const ens_ctx *c, const double *inputs)
{
    return fwrite(inputs, sizeof *inputs, c->reclen, f) != c->reclen;
}

int ens_record_add(ens_ctx *c, uint64_t run, const double *inputs, const double *last)
{
    if (c->runs_csv && (sal_ensemble_write_run(c->runs, c->m, run, inputs, last) != SAL_OK ||
                        sal_results_db_add_run(c->db, run, inputs, last) != SAL_OK))
        return 1;
    if (!c->paths)
        return 0;
    const double *tail = last + c->m->nmetrics;
    return sal_ensemble_write_paths(c->fpaths, c->m, c->paths, run, tail) != SAL_OK ||
           (c->fevents &&
            sal_ensemble_write_run_events(c->fevents, c->m, c->paths, run, tail) != SAL_OK) ||
           sal_results_db_add_paths(c->db, run, tail) != SAL_OK;
}

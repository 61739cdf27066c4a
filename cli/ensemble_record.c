/* salient CLI (internal) — a run's record in 'salient ensemble' (its drawn
 * inputs, its metrics on the last day): kept by the command, replayed from
 * a checkpoint's log and gathered from the MPI ranks, all through here.
 */
#include <stdio.h>

#include "ensemble_int.h"

int ens_record_write(FILE *f, const sal_model *m, const double *inputs, const double *last)
{
    size_t nu = m->nuncertain, nm = m->nmetrics;
    return fwrite(inputs, sizeof *inputs, nu, f) != nu || fwrite(last, sizeof *last, nm, f) != nm;
}

int ens_record_add(ens_ctx *c, uint64_t run, const double *inputs, const double *last)
{
    if (sal_ensemble_write_run(c->runs, c->m, run, inputs, last) != SAL_OK)
        return 1;
    return sal_results_db_add_run(c->db, run, inputs, last) != SAL_OK;
}


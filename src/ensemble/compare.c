/* salient — what a comparison on common random numbers accumulates, and
 * the paired-moment kernel that folds a run into it: one for the
 * ensemble's compare (ensemble.c) and the study's variants
 * (src/analysis/study_pair.c), so that the two give the same numbers. */
#include <omp.h>
#include <stdlib.h>

#include "ensemble/compare_int.h"

int sal_ensemble_nthreads(int threads, uint64_t runs, size_t block)
{
    int T = threads > 0 ? threads : omp_get_max_threads();
    uint64_t maxblocks = (runs + block - 1) / block;
    if ((uint64_t)T > maxblocks)
        T = (int)maxblocks;
    return T < 1 ? 1 : T;
}

/* Four blocks per thread, at least eight: enough to balance the threads
 * within a wave. */
enum { WAVE_BLOCKS_PER_THREAD = 4, WAVE_MIN_BLOCKS = 8 };

size_t sal_ensemble_wave_blocks(int T)
{
    size_t w = (size_t)T * WAVE_BLOCKS_PER_THREAD;
    return w < WAVE_MIN_BLOCKS ? WAVE_MIN_BLOCKS : w;
}

int sal_compare_acc_alloc(sal_compare_acc *acc, const sal_compare *c, size_t nd, size_t block,
                          double accuracy)
{
    size_t nc = c->nmetrics, ne = c->nevents;
    *acc = (sal_compare_acc){.nd = nd, .nc = nc, .ne = ne};
    sal_summary_layout l = {.nmetrics = (uint32_t)nc, .ndays = (uint32_t)nd, .nevents = 0,
                            .horizon = (int32_t)nd - 1, .accuracy = accuracy,
                            .exact_max = sal_summary_exact_cap((uint32_t)nc, (uint32_t)nd)};
    acc->diff = sal_summary_alloc(&l);
    acc->dbuf = malloc(block * nd * (nc ? nc : 1) * sizeof(double));
    acc->mom = malloc((nc ? nc : 1) * NMOM * sizeof(sal_xsum));
    acc->disc = calloc(ne ? ne : 1, sizeof(uint64_t));
    if (!acc->diff || !acc->dbuf || !acc->mom || !acc->disc)
        return SAL_ENOMEM;
    for (size_t i = 0; i < nc * NMOM; i++)
        sal_xsum_init(&acc->mom[i]);
    return SAL_OK;
}

void sal_compare_acc_free(sal_compare_acc *acc)
{
    sal_summary_free(acc->diff);
    free(acc->dbuf);
    free(acc->mom);
    free(acc->disc);
    acc->diff = NULL;
    acc->dbuf = NULL;
    acc->mom = NULL;
    acc->disc = NULL;
}

void sal_compare_fold_run(const sal_compare *c, sal_compare_acc *acc, size_t i, sal_compare_arm a,
                          sal_compare_arm b)
{
    size_t nd = acc->nd, nc = acc->nc, na = a.nmetrics, nb = b.nmetrics;
    const double *sa = a.series, *sb = b.series;
    double *d = acc->dbuf + i * nd * nc;
    for (size_t day = 0; day < nd; day++)
        for (size_t k = 0; k < nc; k++)
            d[day * nc + k] = sb[day * nb + c->metric_b[k]] - sa[day * na + c->metric_a[k]];
    for (size_t k = 0; k < nc; k++) {
        double xa = sa[(nd - 1) * na + c->metric_a[k]], xb = sb[(nd - 1) * nb + c->metric_b[k]];
        double dd = xb - xa;
        sal_xsum *x = acc->mom + k * NMOM;
        sal_xsum_add(&x[MOM_A], xa);
        sal_xsum_add(&x[MOM_A2], xa * xa);
        sal_xsum_add(&x[MOM_B], xb);
        sal_xsum_add(&x[MOM_B2], xb * xb);
        sal_xsum_add(&x[MOM_D], dd);
        sal_xsum_add(&x[MOM_D2], dd * dd);
    }
    for (size_t e = 0; e < acc->ne; e++)
        acc->disc[e] += (a.events[c->event_a[e]] >= 0) != (b.events[c->event_b[e]] >= 0);
}

int sal_compare_acc_add_block(sal_compare_acc *acc, size_t n)
{
    sal_summary_strides st = {acc->nd * acc->nc, 1, acc->nc};
    return sal_summary_add_runs(acc->diff, n, acc->dbuf, &st, NULL);
}

void sal_compare_acc_merge_sums(sal_compare_acc *into, const sal_compare_acc *from)
{
    for (size_t k = 0; k < into->nc * NMOM; k++)
        sal_xsum_merge(&into->mom[k], &from->mom[k]);
    for (size_t e = 0; e < into->ne; e++)
        into->disc[e] += from->disc[e];
}

/* salient — the paired-moment kernel of a comparison on common random
 * numbers, the one the ensemble's compare (ensemble.c) and the study's
 * variants (src/analysis/study_pair.c) both fold their runs with, so that
 * the two give the same numbers. */
#include "ensemble/compare_int.h"

void sal_compare_fold_run(const sal_compare *c, size_t nd, sal_compare_arm a, sal_compare_arm b,
                          double *d, sal_xsum *mom, uint64_t *disc)
{
    size_t nc = c->nmetrics, na = a.nmetrics, nb = b.nmetrics;
    const double *sa = a.series, *sb = b.series;
    for (size_t day = 0; day < nd; day++)
        for (size_t k = 0; k < nc; k++)
            d[day * nc + k] = sb[day * nb + c->metric_b[k]] - sa[day * na + c->metric_a[k]];
    for (size_t k = 0; k < nc; k++) {
        double xa = sa[(nd - 1) * na + c->metric_a[k]], xb = sb[(nd - 1) * nb + c->metric_b[k]];
        double dd = xb - xa;
        sal_xsum *x = mom + k * NMOM;
        /* NaN/inf are refused by the sums and so left out */
        sal_xsum_add(&x[MOM_A], xa);
        sal_xsum_add(&x[MOM_A2], xa * xa);
        sal_xsum_add(&x[MOM_B], xb);
        sal_xsum_add(&x[MOM_B2], xb * xb);
        sal_xsum_add(&x[MOM_D], dd);
        sal_xsum_add(&x[MOM_D2], dd * dd);
    }
    for (size_t e = 0; e < c->nevents; e++)
        disc[e] += (a.events[c->event_a[e]] >= 0) != (b.events[c->event_b[e]] >= 0);
}

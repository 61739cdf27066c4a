/* Given-data first-order indices (include/salient/givendata.h): the
 * correlation ratio of an outcome on one input, estimated from a sample of
 * the joint distribution by classes of the input at its quantiles
 * (Plischke, Borgonovo and Smith 2013), with Kelley's bias correction. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_sort.h>

#include "salient/base.h"
#include "salient/givendata.h"

size_t sal_givendata_bins(size_t n)
{
    size_t m = (size_t)floor(sqrt((double)n));
    if (m > 50)
        m = 50;
    return m < 2 ? 2 : m;
}

/* Class of the point of rank r among n in m classes: equal counts, except
 * that a point tied with its predecessor stays in the predecessor's class
 * (so a repeated value, e.g. one particle replayed by several runs, is never
 * split between classes). */
static size_t class_of(size_t r, size_t n, size_t m)
{
    return r * m / n;
}

int sal_givendata_first_order(const double *x, const double *y, size_t n, size_t bins,
                              double *raw, double *corrected)
{
    *raw = *corrected = NAN;
    if (bins < 2 || n == 0 || bins > n / 2 || n > SIZE_MAX / sizeof(size_t))
        return SAL_EINPUT;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]) || !isfinite(y[i]))
            return SAL_ERANGE;
    size_t *idx = malloc(n * sizeof *idx);
    double *sum = calloc(bins, sizeof *sum);
    size_t *cnt = calloc(bins, sizeof *cnt);
    if (!idx || !sum || !cnt) {
        free(idx), free(sum), free(cnt);
        return SAL_ENOMEM;
    }
    gsl_sort_index(idx, x, 1, n);
    double ybar = 0;
    for (size_t i = 0; i < n; i++)
        ybar += y[i];
    ybar /= (double)n;
    size_t c = 0;
    for (size_t r = 0; r < n; r++) {
        size_t i = idx[r];
        if (r == 0 || x[i] != x[idx[r - 1]])
            c = class_of(r, n, bins);
        sum[c] += y[i] - ybar, cnt[c]++;
    }
    double sst = 0, ssb = 0;
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        sst += (y[i] - ybar) * (y[i] - ybar);
    for (size_t k = 0; k < bins; k++)
        if (cnt[k]) {
            ssb += sum[k] * sum[k] / (double)cnt[k];
            used++;
        }
    free(idx), free(sum), free(cnt);
    if (!(sst > 0))
        return SAL_OK;
    *raw = ssb / sst;
    /* classes emptied by ties do not count as classes */
    if (n > used)
        *corrected = 1 - ((sst - ssb) / (double)(n - used)) / (sst / (double)(n - 1));
    return SAL_OK;
}

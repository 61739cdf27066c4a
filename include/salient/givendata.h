/* salient — given-data first-order sensitivity indices, valid for dependent
 * inputs (a posterior's): Plischke, Borgonovo and Smith (2013), "Global
 * sensitivity measures from given data", Eur. J. Oper. Res. 226.
 *
 * The first-order index of input x for outcome y is the correlation ratio
 *
 *   eta^2 = Var(E[y | x]) / Var(y),
 *
 * which needs no independence between the inputs: it is estimated from any
 * sample (x_i, y_i), i = 1..N, of the joint distribution (here the runs of an
 * ensemble on a posterior), by cutting x into M classes of (nearly) equal
 * size at its empirical quantiles and taking
 *
 *   eta^2_hat = sum_m n_m (ybar_m - ybar)^2 / sum_i (y_i - ybar)^2.
 *
 * eta^2_hat is biased upwards by about (M - 1) / (N - 1) (1 - eta^2) (the
 * class means' own sampling noise); the corrected estimate is Kelley's
 * epsilon^2 (Kelley 1935, the bias correction of the correlation ratio that
 * Plischke et al. discuss):
 *
 *   eps^2 = 1 - [SSW / (N - M)] / [SST / (N - 1)],
 *
 * SSW the within-class, SST the total sum of squares.  eps^2 can fall a
 * little below 0 when x explains nothing; it is returned as is. */
#ifndef SALIENT_GIVENDATA_H
#define SALIENT_GIVENDATA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The default number of classes for n points: min(50, floor(sqrt(n))), at
 * least 2. */
size_t sal_givendata_bins(size_t n);

/* eta^2_hat (*raw) and its corrected eps^2 (*corrected) of x for y (n
 * points, classes of x at its quantiles, ties kept in one class where the
 * boundary allows).  SAL_EINPUT when n < 2 bins or bins < 2; SAL_ERANGE when
 * a value is not finite; when y does not vary both are NaN (SAL_OK);
 * SAL_ENOMEM. */
int sal_givendata_first_order(const double *x, const double *y, size_t n, size_t bins,
                              double *raw, double *corrected);

#ifdef __cplusplus
}
#endif
#endif

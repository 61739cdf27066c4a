/* salient — internals shared by PRIM (src/analysis/prim.c) and CART
 * (src/analysis/cart.c): the data prepared once, box membership and the
 * figures of a box (not installed). */
#ifndef SALIENT_DISC_INT_H
#define SALIENT_DISC_INT_H

#include <stddef.h>

#include "salient/discover.h"

typedef struct {
    const sal_disc_data *d;
    size_t n, p;
    int *lev;          /* n x p: level index of a categorical cell, -1 otherwise */
    double W, W1;      /* total weight, and of the cases of interest (all runs) */
    const sal_disc_result *r;  /* levels and data ranges */
} disc_ws;

/* Default options filled in. */
sal_disc_opts disc_opts(const sal_disc_opts *o, size_t n);

/* A result with the levels and ranges of d; NULL on out of memory. */
sal_disc_result *disc_result_alloc(const sal_disc_data *d);
/* The workspace of d for result r (SAL_ENOMEM). */
int disc_ws_init(disc_ws *ws, const sal_disc_data *d, const sal_disc_result *r);
void disc_ws_free(disc_ws *ws);
/* The start of PRIM and CART: d and opts checked (SAL_EINVAL, why), the
 * options with their defaults (*o), an empty result (*r) and its
 * workspace (ws); SAL_ENOMEM with *r NULL. */
int disc_begin(const sal_disc_data *d, const sal_disc_opts *opts, char *why, size_t whylen,
               sal_disc_opts *o, sal_disc_result **r, disc_ws *ws);
/* The end of PRIM and CART: an input is irrelevant when no box of r
 * restricts it with a quasi-p-value of max_qp or less. */
void disc_mark_irrelevant(sal_disc_result *r, double max_qp);

static inline double disc_w(const disc_ws *ws, size_t i)
{
    return ws->d->w ? ws->d->w[i] : 1.0;
}

/* p unrestricted ranges (every level in), or NULL. */
sal_disc_range *disc_range_full(const disc_ws *ws);
/* Run i lies in box rg, input `skip` ignored (p: none). */
int disc_in(const disc_ws *ws, const sal_disc_range *rg, size_t i, size_t skip);
/* Inputs rg restricts. */
size_t disc_nrestricted(const disc_ws *ws, const sal_disc_range *rg);
int disc_restricts(const disc_ws *ws, const sal_disc_range *rg, size_t j);
/* The figures of box rg over the runs with alive[i] (NULL: all); st->range
 * is left alone. */
void disc_measure(const disc_ws *ws, const sal_disc_range *rg, const unsigned char *alive,
                  sal_disc_step *st);
/* A step holding a copy of rg and its figures (SAL_ENOMEM). */
int disc_step_set(const disc_ws *ws, sal_disc_step *st, const sal_disc_range *rg,
                  const unsigned char *alive);
/* Bryant and Lempert's quasi-p-value of every restriction of box b (NaN for
 * the others) among the alive runs, into qp[p]. */
void disc_quasi_p(const disc_ws *ws, const sal_disc_step *b, const unsigned char *alive,
                  double *qp);
/* Appends a box to r (its arrays allocated, steps none); NULL on ENOMEM. */
sal_disc_box *disc_box_add(sal_disc_result *r);

#endif

/* salient (internal) — running a Saltelli design (src/analysis/saltelli.c),
 * shared by 'salient sensitivity' (sobol.c: one metric on one day) and the
 * study (study_sobol.c: several metrics at the horizon).
 *
 * The design: n rows of two input points A_r, B_r and the k points
 * A_B^(i)_r (A_r with input i taken from B_r), w = k + 2 evaluations a row,
 * every evaluation of row r run with run index r.  The unit-cube points are
 * those of sal_sobol_design up to SAL_SOBOL_MAX_INPUTS inputs; beyond, row r
 * draws its 2k uniforms on (0, 1) from the Philox stream (seed, r,
 * SAL_STREAM_STUDY), so a row is the same on any thread.  Each point goes
 * through its input's quantile function.  What an evaluation yields is the
 * caller's (eval), each into its own slot, so the threads' schedule cannot
 * change a value. */
#ifndef SALIENT_SALTELLI_H
#define SALIENT_SALTELLI_H

#include <stddef.h>
#include <stdint.h>

#include "salient/engine.h"

typedef struct saltelli saltelli;

/* Evaluation e (0 = A, 1 = B, 2 + i = A_B^(i)) of row r with inputs x on
 * workspace ws: stores what it yields (s->ctx is the caller's) and returns
 * SAL_OK or the failure.  Called from several threads at once. */
typedef int (*saltelli_eval)(const saltelli *s, sal_run *ws, size_t r, size_t e,
                             const double *x);

struct saltelli {
    const sal_model *m;
    size_t k, n, w;      /* inputs, rows, evaluations a row (k + 2) */
    uint64_t seed;       /* the Monte Carlo design's stream (k > SAL_SOBOL_MAX_INPUTS) */
    int nt;              /* threads */
    size_t wave;         /* rows between two progress reports */
    saltelli_eval eval;
    void *ctx;           /* the caller's, for eval */
    double *a, *b;       /* n x k each: the input values of A and B */
    sal_run **ws;        /* nt workspaces */
    double *xs;          /* nt x k: a thread's inputs */
    size_t failed;       /* lowest failing slot r w + e; SIZE_MAX: none */
};

/* The design's points mapped to the inputs, and a workspace per thread;
 * SAL_OK or SAL_ENOMEM.  saltelli_free in every case. */
int saltelli_alloc(saltelli *s);
void saltelli_free(saltelli *s);

/* The inputs of evaluation e of row r into x[k]. */
void saltelli_inputs(const saltelli *s, size_t r, size_t e, double *x);

/* The rows in waves, in order, so that a stop (progress returning nonzero,
 * called from this thread only) or a failure (s->failed) leaves a prefix of
 * the design done; the rows done, *stopped set on a stop. */
size_t saltelli_run(saltelli *s, int (*progress)(void *, uint64_t, uint64_t), void *pctx,
                    int *stopped);

#endif

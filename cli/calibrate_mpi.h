/* salient CLI — 'salient calibrate' under Open MPI (cli/calibrate_mpi.c).
 * Every rank runs the sampler on its share of the particles; the shares are
 * gathered to every rank after each loop over them (sal_smc_opts.share), so
 * every rank holds the whole particle system and rank 0 writes the files. */
#ifndef SALIENT_CLI_CALIBRATE_MPI_H
#define SALIENT_CLI_CALIBRATE_MPI_H

#include <stddef.h>

typedef struct {
    int rank, size, on;
} cal_world;

/* Joins the ranks when started by mpirun; else one process (rank 0 of 1). */
void cal_mpi_start(cal_world *w);
void cal_mpi_end(cal_world *w);
/* Logical AND of ok over the ranks. */
int cal_mpi_all(const cal_world *w, int ok);
/* A sal_smc_opts.share (ctx: the cal_world): buf's N records of rec bytes,
 * rank r's share [N r / K, N (r + 1) / K) in place, filled from every rank.
 * 0 on success. */
int cal_mpi_share(void *ctx, unsigned char *buf, size_t rec, size_t n);

#endif

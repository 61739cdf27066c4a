/* salient CLI — 'salient calibrate' under Open MPI (cli/calibrate_mpi.h).
 * Without mpirun no MPI function is called; built without SAL_MPI (Open MPI
 * not found, or MPI=0) this is one process. */
#include <stdlib.h>

#include "calibrate_mpi.h"

#ifdef SAL_MPI
#include <mpi.h>

void cal_mpi_start(cal_world *w)
{
    w->rank = 0;
    w->size = 1;
    w->on = getenv("OMPI_COMM_WORLD_SIZE") != NULL || getenv("PMI_SIZE") != NULL;
    if (!w->on)
        return;
    MPI_Init(NULL, NULL);
    MPI_Comm_rank(MPI_COMM_WORLD, &w->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &w->size);
}

void cal_mpi_end(cal_world *w)
{
    if (w->on)
        MPI_Finalize();
    w->on = 0;
}

int cal_mpi_all(const cal_world *w, int ok)
{
    if (!w->on || w->size < 2)
        return ok;
    int in = ok != 0, out = 0;
    MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    return out;
}

/* One all-gather of records (a contiguous type of rec bytes keeps the counts
 * in records, far below INT_MAX for any --particles allowed). */
int cal_mpi_share(void *ctx, unsigned char *buf, size_t rec, size_t n)
{
    const cal_world *w = ctx;
    if (!w->on || w->size < 2)
        return 0;
    if (rec > 0x7fffffff || n > 0x7fffffff)
        return 1;
    int *cnt = malloc((size_t)w->size * sizeof *cnt), *off = malloc((size_t)w->size * sizeof *off);
    /* a failed malloc must not leave the other ranks waiting in the gather:
     * every rank learns of it first */
    int bad = !cal_mpi_all(w, cnt && off);
    if (!bad && cnt && off) {
        for (int r = 0; r < w->size; r++) {
            size_t lo = n * (size_t)r / (size_t)w->size, hi = n * ((size_t)r + 1) / (size_t)w->size;
            off[r] = (int)lo;
            cnt[r] = (int)(hi - lo);
        }
        MPI_Datatype t;
        MPI_Type_contiguous((int)rec, MPI_UNSIGNED_CHAR, &t);
        MPI_Type_commit(&t);
        bad = MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, buf, cnt, off, t,
                             MPI_COMM_WORLD) != MPI_SUCCESS;
        MPI_Type_free(&t);
    }
    free(cnt);
    free(off);
    return bad;
}
#else
void cal_mpi_start(cal_world *w)
{
    w->rank = 0;
    w->size = 1;
    w->on = 0;
}
void cal_mpi_end(cal_world *w)
{
    (void)w;
}
int cal_mpi_all(const cal_world *w, int ok)
{
    (void)w;
    return ok;
}
int cal_mpi_share(void *ctx, unsigned char *buf, size_t rec, size_t n)
{
    (void)ctx;
    (void)buf;
    (void)rec;
    (void)n;
    return 0;
}
#endif

/* salient CLI — 'salient ensemble' under Open MPI (cli/ensemble_int.h).
 *
 * Rank r runs the contiguous share [N r / K, N (r + 1) / K) of the runs with
 * all its threads.  Rank 0 writes every file: the partial summaries are
 * serialised, gathered and merged (exactly, so the bytes are those of one
 * process), and the other ranks' per-run records, kept in binary temporary
 * files in DIR, are appended to runs.csv and the runs table in rank order,
 * which is run order.  Without mpirun no MPI function is called; built
 * without SAL_MPI (Open MPI not found, or MPI=0) this is one process. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#include "ensemble_int.h"

int ens_mpi_on_run(void *ctx, uint64_t run, const double *inputs, const double *last)
{
    ens_ctx *c = ctx;
    (void)run;
    (void)last;
    return ens_record_write(c->runs, c, inputs);
}

int ens_mpi_read_model(ens_world *w, const char *path, const char *variant, sal_model **m)
{
    if (w->rank == 0)
        return cli_read_model("ensemble", path, variant, m);
    sal_diags *d = sal_diags_alloc(); /* rank 0 prints the problems, once */
    int st = d && sal_model_read(path, variant, d, m) == SAL_OK ? 0 : EXIT_USAGE;
    sal_diags_free(d);
    return st;
}

#ifdef SAL_MPI
#include <mpi.h>

void ens_mpi_start(ens_world *w)
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

void ens_mpi_end(ens_world *w)
{
    if (w->on)
        MPI_Finalize();
    w->on = 0;
}

/* Logical AND of ok over the ranks. */
int ens_mpi_all(ens_world *w, int ok)
{
    if (!w->on || w->size < 2)
        return ok;
    int in = ok != 0, out = 0;
    MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    return out;
}

/* Every rank's summary merged into rank 0's; *done summed.  0 on success
 * (on every rank: a failure anywhere is reported by mpi_all after). */
int ens_mpi_gather_summaries(ens_world *w, sal_summary **s, uint64_t *done)
{
    unsigned long long mine = *done, sum = 0;
    MPI_Reduce(&mine, &sum, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, 0, MPI_COMM_WORLD);
    if (w->rank == 0)
        *done = sum;
    size_t n = sal_summary_serialised_size(*s);
    unsigned char *buf = malloc(n ? n : 1);
    int len = buf && n < (size_t)1 << 30 && sal_summary_serialise(*s, buf, n) == SAL_OK ? (int)n : -1;
    int *lens = NULL, *offs = NULL;
    unsigned char *all = NULL;
    int bad = len < 0;
    if (w->rank == 0) {
        lens = calloc((size_t)w->size, sizeof *lens);
        offs = calloc((size_t)w->size, sizeof *offs);
        if (!lens || !offs)
            bad = 1;
    }
    MPI_Gather(&len, 1, MPI_INT, lens, 1, MPI_INT, 0, MPI_COMM_WORLD);
    long total = 0;
    if (w->rank == 0 && lens && offs) {
        for (int r = 0; r < w->size; r++) {
            if (lens[r] < 0 || total + lens[r] > (1L << 30))
                bad = 1;
            offs[r] = (int)total;
            total += lens[r] > 0 ? lens[r] : 0;
        }
        all = malloc(total ? (size_t)total : 1);
        if (!all)
            bad = 1;
    }
    bad = !ens_mpi_all(w, !bad);
    if (!bad) {
        MPI_Gatherv(buf, len, MPI_UNSIGNED_CHAR, all, lens, offs, MPI_UNSIGNED_CHAR, 0,
                    MPI_COMM_WORLD);
        for (int r = 1; w->rank == 0 && r < w->size && !bad; r++) {
            sal_summary *p = NULL;
            /* on rank 0 lens and offs are not NULL here: bad was set when they
             * were, and mpi_all (an MPI_Allreduce) gives every rank that verdict */
            // NOLINTNEXTLINE(clang-analyzer-core.NullDereference)
            if (sal_summary_deserialise(&p, all + offs[r], (size_t)lens[r], NULL) != SAL_OK ||
                sal_summary_merge(*s, p) != SAL_OK)
                bad = 1;
            sal_summary_free(p);
        }
    }
    free(buf);
    free(lens);
    free(offs);
    free(all);
    return bad;
}

/* On rank 0: the other ranks' records (temporary files named by rank) into
 * runs.csv and the runs table, in rank order; the temporaries removed. */
int ens_mpi_collect_runs(ens_world *w, ens_ctx *c, const char *dir, uint64_t runs)
{
    size_t nu = c->m->nuncertain, rl = c->reclen;
    double *rec = malloc((rl ? rl : 1) * sizeof *rec);
    int bad = !rec;
    for (int r = 1; r < w->size && !bad; r++) {
        char pat[64];
        snprintf(pat, sizeof pat, ".runs.rank%d.", r);
        /* the temporary's random suffix is not known here: look it up */
        DIR *dp = opendir(dir);
        struct dirent *de;
        char path[4400] = "";
        while (dp && (de = readdir(dp)))
            if (strncmp(de->d_name, pat, strlen(pat)) == 0)
                snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (dp)
            closedir(dp);
        FILE *f = path[0] ? fopen(path, "rb") : NULL;
        if (!f) {
            bad = 1;
            break;
        }
        uint64_t run = runs * (uint64_t)r / (uint64_t)w->size;
        while (!bad && fread(rec, sizeof *rec, rl, f) == rl) {
            bad |= ens_record_add(c, run, rec, rec + nu);
            run++;
        }
        bad |= ferror(f) != 0;
        fclose(f);
        unlink(path);
    }
    free(rec);
    return bad;
}
#else
void ens_mpi_start(ens_world *w)
{
    w->rank = 0;
    w->size = 1;
    w->on = 0;
}
void ens_mpi_end(ens_world *w)
{
    (void)w;
}
int ens_mpi_all(ens_world *w, int ok)
{
    (void)w;
    return ok;
}
int ens_mpi_gather_summaries(ens_world *w, sal_summary **s, uint64_t *done)
{
    (void)w;
    (void)s;
    (void)done;
    return 0;
}
int ens_mpi_collect_runs(ens_world *w, ens_ctx *c, const char *dir, uint64_t runs)
{
    (void)w;
    (void)c;
    (void)dir;
    (void)runs;
    return 0;
}
#endif

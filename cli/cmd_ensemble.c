/* salient ensemble — N runs of a scenario summarised: DIR/quantiles.csv,
 * DIR/events.csv, DIR/runs.csv and DIR/results.sqlite, all written whole or
 * not at all.  Also the progress line and the Ctrl-C handling shared with
 * 'salient compare'. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "cli.h"
#include "salient/date.h"
#include "salient/ensemble.h"

static const char usage[] =
    "usage: salient ensemble FILE --runs N [--variant NAME] [--threads T] [--seed S]\n"
    "                        [--out DIR] [--no-runs-csv] [--quiet] [--checkpoint-every S]\n"
    "       salient ensemble FILE --runs N [the same options] --resume DIR\n"
    "\n"
    "Runs a scenario N times (runs 0 .. N-1 of the seed), each drawing its uncertain\n"
    "inputs and its daily noise from its own random streams, and writes\n"
    "  DIR/quantiles.csv   metric,day,date,mean,p05,p25,p50,p75,p95\n"
    "  DIR/events.csv      event,probability,p05,p50,p95 (the day, among the runs\n"
    "                      where the event happened; empty when it never did)\n"
    "  DIR/runs.csv        run, its drawn inputs, its metrics on the last day\n"
    "  DIR/results.sqlite  the same as tables metadata, quantiles, events, runs\n"
    "Every file is written whole or not at all, and the bytes are the same for\n"
    "any number of threads.  Memory does not grow with N: runs are summarised\n"
    "(quantiles within 0.5%, means and event statistics exact) and streamed to\n"
    "runs.csv, which --no-runs-csv switches off (with the runs table).\n"
    "\n"
    "On a terminal a progress line shows runs done, runs/s and time left.\n"
    "Ctrl-C (SIGINT) or SIGTERM stops after the runs under way: the files then\n"
    "summarise the runs finished, DIR/PARTIAL says so, metadata has partial = 1,\n"
    "and the exit status is 1.  DIR/checkpoint/ keeps what a resume needs; it is\n"
    "also saved every S seconds (--checkpoint-every, default 10), so that after a\n"
    "kill -9 or a crash the same command with --resume DIR goes on from there and\n"
    "writes the same bytes as an uninterrupted run (any --threads).  A resume\n"
    "checks that the scenario file, variant, seed, --runs and --no-runs-csv are\n"
    "those of the checkpoint.  A complete ensemble removes DIR/checkpoint/.\n"
    "\n"
    "Options:\n"
    "  -n, --runs N          number of runs (default 1000)\n"
    "  -v, --variant NAME    run the counterfactual NAME of the scenario\n"
    "  -t, --threads T       OpenMP threads (default: OMP_NUM_THREADS or all cores)\n"
    "  -s, --seed S          the random seed (default: the scenario's seed)\n"
    "  -o, --out DIR         where to write (default salient-out/ensemble; created)\n"
    "      --no-runs-csv     do not write the per-run rows\n"
    "  -q, --quiet           no summary on stdout\n"
    "      --resume DIR      go on from DIR/checkpoint (and write in DIR)\n"
    "      --checkpoint-every S  save a checkpoint every S seconds (0: after every\n"
    "                        wave of runs; default 10)\n"
    "      --stop-after K    (for tests) stop as if interrupted once K runs are done\n"
    "      --crash-after K   (for tests) kill itself (SIGKILL) once K runs are done\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 success; 1 a run failed (the message names it), the files could\n"
    "not be written, or the ensemble was interrupted (partial results written);\n"
    "2 bad usage or a bad scenario (file:line:col messages, nothing written), a\n"
    "job whose memory bound exceeds what is available (SALIENT_MEMORY_LIMIT sets\n"
    "it), or a --resume whose checkpoint is missing, damaged or another's.\n"
    "docs/ensemble.md describes the summaries, the files, the memory model and\n"
    "interruption and resume.\n";

/* ---- shared with cmd_compare.c ----------------------------------------- */

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

void cli_signals_catch(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void cli_signals_restore(void)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_progress_init(cli_progress *p, uint64_t stop_after)
{
    memset(p, 0, sizeof *p);
    p->tty = isatty(STDERR_FILENO);
    p->t0 = now();
    p->stop_after = stop_after;
}

int cli_progress_update(void *ctx, uint64_t done, uint64_t total)
{
    cli_progress *p = ctx;
    int stop = stop_flag || (p->stop_after && done >= p->stop_after);
    if (p->tty) {
        double t = now();
        /* at most five lines a second, and always the last one */
        if (done >= total || stop || t - p->last >= 0.2) {
            p->last = t;
            /* runs of this process only (a resume starts at base) */
            double el = t - p->t0,
                   rate = el > 0 && done > p->base ? (double)(done - p->base) / el : 0;
            double left = rate > 0 ? (double)(total - done) / rate : 0;
            fprintf(stderr, "\r%llu/%llu runs  %.0f runs/s  %d:%02d left   ",
                    (unsigned long long)done, (unsigned long long)total, rate,
                    (int)(left / 60), (int)fmod(left, 60));
            fflush(stderr);
            p->shown = 1;
        }
    }
    return stop;
}

void cli_progress_end(cli_progress *p)
{
    if (p->tty && p->shown)
        fputc('\n', stderr);
}

void cli_mark_partial(const char *dir, int partial, uint64_t done, uint64_t total)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/PARTIAL", dir);
    if (!partial) {
        unlink(path); /* a complete result replaces an earlier partial one */
        return;
    }
    sal_outfile o;
    if (sal_outfile_open(&o, dir, "PARTIAL", 1) != SAL_OK)
        return;
    fprintf(o.f, "interrupted: the results summarise runs 0 to %llu, %llu of the %llu asked for\n",
            (unsigned long long)(done ? done - 1 : 0), (unsigned long long)done,
            (unsigned long long)total);
    if (sal_outfile_close(&o) != SAL_OK || sal_outfile_commit(&o) != SAL_OK)
        sal_outfile_abort(&o);
}

/* ---- memory: refuse up front what would not fit ------------------------ */

/* Reads the first unsigned number of a one-line file; 0 when absent or "max". */
static uint64_t read_u64_file(const char *path)
{
    FILE *f = fopen(path, "r");
    unsigned long long v = 0;
    if (f) {
        /* a number the kernel wrote; a failed conversion leaves 0 (unknown) */
        if (fscanf(f, "%llu", &v) != 1) // NOLINT(cert-err34-c)
            v = 0;
        fclose(f);
    }
    return (uint64_t)v;
}

uint64_t cli_memory_available(void)
{
    /* SALIENT_MEMORY_LIMIT (bytes) overrides: a user's own cap, and what
     * the tests use to make the refusal deterministic */
    const char *env = getenv("SALIENT_MEMORY_LIMIT");
    uint64_t lim;
    if (env && cli_parse_u64(env, &lim) == 0 && lim > 0)
        return lim;
    uint64_t avail = 0;
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        unsigned long long kb;
        while (fgets(line, sizeof line, f))
            /* the kernel's own line; no match leaves the figure unknown */
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) { // NOLINT(cert-err34-c)
                avail = (uint64_t)kb * 1024;
                break;
            }
        fclose(f);
    }
#ifdef _SC_PHYS_PAGES
    if (!avail) {
        long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
        if (pages > 0 && psz > 0)
            avail = (uint64_t)pages * (uint64_t)psz;
    }
#endif
    /* a cgroup v2 limit (containers, systemd slices) below that */
    uint64_t cmax = read_u64_file("/sys/fs/cgroup/memory.max");
    if (cmax) {
        uint64_t used = read_u64_file("/sys/fs/cgroup/memory.current");
        uint64_t room = cmax > used ? cmax - used : 0;
        if (!avail || room < avail)
            avail = room;
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (!avail || (uint64_t)rl.rlim_cur < avail))
        avail = (uint64_t)rl.rlim_cur;
    return avail;
}

static void fmt_bytes(char *buf, size_t n, uint64_t b)
{
    static const char *unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double x = (double)b;
    int u = 0;
    while (x >= 1024 && u < 6)
        x /= 1024, u++;
    snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", x, unit[u]);
}

int cli_memory_check(const char *cmd, uint64_t need, const char *what, const char *hint)
{
    uint64_t avail = cli_memory_available();
    if (!avail || need <= avail)
        return 0;
    char a[32], b[32];
    fmt_bytes(a, sizeof a, need);
    fmt_bytes(b, sizeof b, avail);
    cli_error(cmd, "%s would need up to %s of memory, more than the %s available%s; nothing "
                   "was run (%s)",
              what, a, b, getenv("SALIENT_MEMORY_LIMIT") ? " (SALIENT_MEMORY_LIMIT)" : "", hint);
    return EXIT_USAGE;
}

/* ---- the command --------------------------------------------------------- */

typedef struct {
    const sal_model *m;
    FILE *runs;            /* NULL with --no-runs-csv */
    sal_results_db *db;
    cli_progress prog;
    /* checkpoints (one process only) */
    FILE *log;             /* DIR/checkpoint/runs.bin, appended; NULL: none */
    const char *dir;
    sal_checkpoint_id id;
    uint64_t offset;       /* runs done before a resume */
    uint64_t crash_after;  /* --crash-after (tests): SIGKILL itself there */
} ens_ctx;

static int on_run(void *ctx, uint64_t run, const double *inputs, const double *last)
{
    ens_ctx *c = ctx;
    if (sal_ensemble_write_run(c->runs, c->m, run, inputs, last) != SAL_OK)
        return 1;
    if (c->log) {
        size_t nu = c->m->nuncertain, nm = c->m->nmetrics;
        if (fwrite(inputs, sizeof *inputs, nu, c->log) != nu ||
            fwrite(last, sizeof *last, nm, c->log) != nm)
            return 1;
    }
    return sal_results_db_add_run(c->db, run, inputs, last) != SAL_OK;
}

/* A record from the log into runs.csv and the runs table (not the log). */
static int on_run_replay(ens_ctx *c, uint64_t run, const double *inputs, const double *last)
{
    if (sal_ensemble_write_run(c->runs, c->m, run, inputs, last) != SAL_OK)
        return 1;
    return sal_results_db_add_run(c->db, run, inputs, last) != SAL_OK;
}

static int on_progress(void *ctx, uint64_t done, uint64_t total)
{
    ens_ctx *c = ctx;
    /* a deterministic SIGKILL for the tests: at a wave's end, before the
     * checkpoint of that wave, with the last wave's records in the log */
    if (c->crash_after && c->offset + done >= c->crash_after) {
        fflush(NULL);
        raise(SIGKILL);
    }
    return cli_progress_update(&c->prog, c->offset + done, c->offset + total);
}

/* The run records reach the log (and the disk) before the state that
 * counts them: a kill between the two leaves records past the state's
 * count, which a resume cuts off. */
static int flush_log(FILE *log)
{
    if (!log)
        return 0;
    return fflush(log) != 0 || (fsync(fileno(log)) != 0 && errno != EINVAL);
}

static int on_checkpoint(void *ctx, const sal_summary *s)
{
    ens_ctx *c = ctx;
    if (flush_log(c->log))
        return 1;
    return sal_checkpoint_write(c->dir, &c->id, s) != SAL_OK;
}

/* A rank other than 0 keeps its records as raw doubles for rank 0. */
static int on_run_binary(void *ctx, uint64_t run, const double *inputs, const double *last)
{
    ens_ctx *c = ctx;
    (void)run;
    size_t nu = c->m->nuncertain, nm = c->m->nmetrics;
    return fwrite(inputs, sizeof *inputs, nu, c->runs) != nu ||
           fwrite(last, sizeof *last, nm, c->runs) != nm;
}

/* ---- Open MPI (built with SAL_MPI, used when started by mpirun) ---------
 *
 * Rank r runs the contiguous share [N r / K, N (r + 1) / K) of the runs with
 * all its threads.  Rank 0 writes every file: the partial summaries are
 * serialised, gathered and merged (exactly, so the bytes are those of one
 * process), and the other ranks' per-run records, kept in binary temporary
 * files in DIR, are appended to runs.csv and the runs table in rank order,
 * which is run order.  Without mpirun no MPI function is called. */
typedef struct {
    int rank, size, on;
} mpi_world;

#ifdef SAL_MPI
#include <mpi.h>

static void mpi_start(mpi_world *w)
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

static void mpi_end(mpi_world *w)
{
    if (w->on)
        MPI_Finalize();
    w->on = 0;
}

/* Logical AND of ok over the ranks. */
static int mpi_all(mpi_world *w, int ok)
{
    if (!w->on || w->size < 2)
        return ok;
    int in = ok != 0, out = 0;
    MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    return out;
}

/* Every rank's summary merged into rank 0's; *done summed.  0 on success
 * (on every rank: a failure anywhere is reported by mpi_all after). */
static int mpi_gather_summaries(mpi_world *w, sal_summary **s, uint64_t *done)
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
    bad = !mpi_all(w, !bad);
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
static int mpi_collect_runs(mpi_world *w, ens_ctx *c, const char *dir, uint64_t runs)
{
    const sal_model *m = c->m;
    size_t nu = m->nuncertain, nm = m->nmetrics, rl = nu + nm;
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
            bad |= sal_ensemble_write_run(c->runs, m, run, rec, rec + nu) != SAL_OK;
            bad |= sal_results_db_add_run(c->db, run, rec, rec + nu) != SAL_OK;
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
static void mpi_start(mpi_world *w)
{
    w->rank = 0;
    w->size = 1;
    w->on = 0;
}
static void mpi_end(mpi_world *w)
{
    (void)w;
}
static int mpi_all(mpi_world *w, int ok)
{
    (void)w;
    return ok;
}
static int mpi_gather_summaries(mpi_world *w, sal_summary **s, uint64_t *done)
{
    (void)w;
    (void)s;
    (void)done;
    return 0;
}
static int mpi_collect_runs(mpi_world *w, ens_ctx *c, const char *dir, uint64_t runs)
{
    (void)w;
    (void)c;
    (void)dir;
    (void)runs;
    return 0;
}
#endif

static void print_summary(const sal_model *m, const sal_summary *s, uint64_t seed,
                          const char *dir, int runs_csv)
{
    uint32_t h = (uint32_t)m->horizon;
    char d1[16];
    sal_date_format(sal_date_to_days(m->start_year, m->start_month, m->start_day) + h, d1);
    printf("%s%s%s: %llu runs, seed %llu, %d days to %s\n", m->name ? m->name : "scenario",
           m->variant ? ", variant " : "", m->variant ? m->variant : "",
           (unsigned long long)sal_summary_runs(s), (unsigned long long)seed, m->horizon + 1, d1);
    enum { MAXROWS = 12 };
    if (m->nmetrics) {
        printf("\nmetrics on %s:  %12s %12s %12s %12s\n", d1, "mean", "p05", "p50", "p95");
        for (size_t k = 0; k < m->nmetrics && k < MAXROWS; k++)
            printf("  %-24s %12.6g %12.6g %12.6g %12.6g\n", m->metrics[k].name,
                   sal_summary_mean(s, (uint32_t)k, h),
                   sal_summary_quantile(s, (uint32_t)k, h, 0.05),
                   sal_summary_quantile(s, (uint32_t)k, h, 0.5),
                   sal_summary_quantile(s, (uint32_t)k, h, 0.95));
        if (m->nmetrics > MAXROWS)
            printf("  ... and %zu more in %s/quantiles.csv\n", m->nmetrics - MAXROWS, dir);
    }
    if (m->nevents) {
        printf("\nevents by %s:  %11s  %s\n", d1, "probability", "day p05 / p50 / p95");
        for (size_t e = 0; e < m->nevents && e < MAXROWS; e++) {
            int32_t a = sal_summary_event_quantile(s, (uint32_t)e, 0.05);
            printf("  %-24s %11.4f", m->events[e], sal_summary_event_probability(s, (uint32_t)e));
            if (a >= 0)
                printf("  %d / %d / %d", (int)a,
                       (int)sal_summary_event_quantile(s, (uint32_t)e, 0.5),
                       (int)sal_summary_event_quantile(s, (uint32_t)e, 0.95));
            putchar('\n');
        }
        if (m->nevents > MAXROWS)
            printf("  ... and %zu more in %s/events.csv\n", m->nevents - MAXROWS, dir);
    }
    printf("\nwrote %s/quantiles.csv, events.csv, %sresults.sqlite\n", dir,
           runs_csv ? "runs.csv, " : "");
}

int cli_read_model(const char *cmd, const char *path, const char *variant, sal_model **m)
{
    sal_diags *d = sal_diags_alloc();
    if (!d) {
        cli_error(cmd, "out of memory");
        return EXIT_JOB;
    }
    int rc = sal_model_read(path, variant, d, m);
    if (rc != SAL_OK) {
        cli_print_diags(d);
        if (rc == SAL_ENOMEM)
            cli_error(cmd, "out of memory while reading %s", path);
        else if (sal_diags_count(d))
            fprintf(stderr, "%s: %zu error%s; nothing was run\n", path, sal_diags_count(d),
                    sal_diags_count(d) == 1 ? "" : "s");
        sal_diags_free(d);
        return rc == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
    }
    sal_diags_free(d);
    return 0;
}

/* Opens DIR/checkpoint/runs.bin for appending.  Fresh: the state of zero
 * runs is written first, then the log emptied (a kill between the two
 * leaves a state of 0 runs whose log a resume cuts to nothing).  Resumed:
 * the log is cut to the state's runs (records written after the last state
 * are dropped; they are run again) and replayed into runs.csv and the runs
 * table, so those are the bytes of an uninterrupted run.  0 or -1 (printed). */
static int open_log(ens_ctx *c, int resume, int *fresh)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/checkpoint/runs.bin", c->dir);
    size_t rl = c->id.records;
    int keep = (c->id.flags & SAL_CKPT_RUNS_CSV) != 0;
    if (!resume) {
        sal_summary_layout l = sal_ensemble_layout(c->m, 0);
        sal_summary *empty = sal_summary_alloc(&l);
        int bad = !empty || sal_checkpoint_write(c->dir, &c->id, empty) != SAL_OK;
        sal_summary_free(empty);
        if (!bad) {
            *fresh = 1;
            if (keep) {
                c->log = fopen(path, "wb");
                bad = !c->log;
            } else if (remove(path) != 0 && errno != ENOENT) {
                bad = 1;
            }
        }
        if (bad)
            cli_error("ensemble", "cannot write the checkpoint in '%s/checkpoint': %s", c->dir,
                      strerror(errno));
        return bad ? -1 : 0;
    }
    if (!keep)
        return 0;
    uint64_t need = c->offset * rl * sizeof(double);
    c->log = fopen(path, "r+b");
    /* killed between the first state and the log's creation: an empty log */
    if (!c->log && errno == ENOENT && c->offset == 0)
        c->log = fopen(path, "w+b");
    struct stat st;
    if (!c->log || fstat(fileno(c->log), &st) != 0) {
        cli_error("ensemble", "cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    if ((uint64_t)st.st_size < need) {
        cli_error("ensemble", "%s holds %llu bytes, fewer than the %llu runs of the checkpoint "
                  "need (%llu); the checkpoint is damaged: start afresh with --out", path,
                  (unsigned long long)st.st_size, (unsigned long long)c->offset,
                  (unsigned long long)need);
        return -1;
    }
    if (ftruncate(fileno(c->log), (off_t)need) != 0) {
        cli_error("ensemble", "cannot cut '%s' to its checkpoint: %s", path, strerror(errno));
        return -1;
    }
    double *rec = malloc((rl ? rl : 1) * sizeof *rec);
    int bad = !rec;
    for (uint64_t run = 0; !bad && run < c->offset; run++) {
        bad = fread(rec, sizeof *rec, rl, c->log) != rl;
        if (!bad)
            bad = on_run_replay(c, run, rec, rec + c->m->nuncertain);
    }
    free(rec);
    if (bad || fseek(c->log, 0, SEEK_END) != 0) {
        cli_error("ensemble", "cannot replay the runs of '%s' into runs.csv and results.sqlite",
                  path);
        return -1;
    }
    return 0;
}

/* The temporaries of writers killed in DIR (SIGKILL, power loss) removed:
 * every name this command writes. */
static void sweep_dir(const char *dir)
{
    static const char *names[] = {"quantiles.csv", "events.csv", "runs.csv", "results.sqlite",
                                  "PARTIAL"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        sal_outfile_sweep(dir, names[i]);
    char cd[4200];
    snprintf(cd, sizeof cd, "%s/checkpoint", dir);
    sal_outfile_sweep(cd, "state");
}

static int run_ensemble(int argc, char **argv)
{
    enum { OPT_NORUNS = 1000, OPT_STOP, OPT_RESUME, OPT_EVERY, OPT_CRASH };
    static const struct option opts[] = {
        {"runs", required_argument, NULL, 'n'},
        {"variant", required_argument, NULL, 'v'},
        {"threads", required_argument, NULL, 't'},
        {"seed", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'},
        {"no-runs-csv", no_argument, NULL, OPT_NORUNS},
        {"stop-after", required_argument, NULL, OPT_STOP},
        {"resume", required_argument, NULL, OPT_RESUME},
        {"checkpoint-every", required_argument, NULL, OPT_EVERY},
        {"crash-after", required_argument, NULL, OPT_CRASH},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *variant = NULL, *dir = "salient-out/ensemble", *seed_s = NULL, *out_s = NULL,
               *resume_s = NULL;
    uint64_t runs = 1000, threads = 0, seed = 0, stop_after = 0, every = 10, crash_after = 0;
    int quiet = 0, runs_csv = 1, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":n:v:t:s:o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (cli_parse_u64(optarg, &runs) != 0 || runs == 0 || runs > UINT32_MAX) {
                cli_error("ensemble", "--runs '%s' is not a whole number from 1 to 4294967295",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        case 'v': variant = optarg; break;
        case 't':
            if (cli_parse_u64(optarg, &threads) != 0 || threads == 0 || threads > 1024) {
                cli_error("ensemble", "--threads '%s' is not a whole number from 1 to 1024",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        case 's': seed_s = optarg; break;
        case 'o': out_s = optarg; break;
        case OPT_RESUME: resume_s = optarg; break;
        case OPT_EVERY:
            if (cli_parse_u64(optarg, &every) != 0 || every > 86400) {
                cli_error("ensemble", "--checkpoint-every '%s' is not a whole number of seconds "
                          "from 0 to 86400", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_CRASH:
            if (cli_parse_u64(optarg, &crash_after) != 0) {
                cli_error("ensemble", "--crash-after '%s' is not a whole number", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'q': quiet = 1; break;
        case OPT_NORUNS: runs_csv = 0; break;
        case OPT_STOP:
            if (cli_parse_u64(optarg, &stop_after) != 0) {
                cli_error("ensemble", "--stop-after '%s' is not a whole number", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': fputs(usage, stdout); return 0;
        case ':':
            cli_error("ensemble", "option '%s' needs a value; see 'salient help ensemble'",
                      argv[optind - 1]);
            return EXIT_USAGE;
        default:
            cli_error("ensemble", "unknown option '%s'; see 'salient help ensemble'",
                      argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        cli_error("ensemble", "%s; see 'salient help ensemble'",
                  argc - optind < 1 ? "no scenario FILE given" : "more than one FILE given");
        return EXIT_USAGE;
    }
    if (seed_s && cli_parse_u64(seed_s, &seed) != 0) {
        cli_error("ensemble",
                  "the seed '%s' is not a whole number from 0 to 18446744073709551615", seed_s);
        return EXIT_USAGE;
    }
    if (resume_s && out_s && strcmp(resume_s, out_s) != 0) {
        cli_error("ensemble", "--resume '%s' and --out '%s' differ; a resumed ensemble writes "
                  "in the directory it resumes (give --resume DIR alone)", resume_s, out_s);
        return EXIT_USAGE;
    }
    if (resume_s)
        dir = resume_s;
    else if (out_s)
        dir = out_s;
    if (!*dir) {
        cli_error("ensemble", "the output directory is empty; expected --%s DIR",
                  resume_s ? "resume" : "out");
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    mpi_world w;
    mpi_start(&w);
    sal_model *m = NULL;
    int st;
    if (w.rank == 0) {
        st = cli_read_model("ensemble", path, variant, &m);
    } else { /* rank 0 prints the problems, once */
        sal_diags *dd = sal_diags_alloc();
        st = dd && sal_model_read(path, variant, dd, &m) == SAL_OK ? 0 : EXIT_USAGE;
        sal_diags_free(dd);
    }
    if (st) {
        mpi_end(&w);
        return st;
    }
    if (!seed_s)
        seed = m->seed;
    /* this rank's share of the runs: contiguous, so rank order is run order */
    uint64_t lo = runs * (uint64_t)w.rank / (uint64_t)w.size;
    uint64_t hi = runs * (uint64_t)(w.rank + 1) / (uint64_t)w.size;
    {
        /* refused before anything is written if the summaries cannot fit */
        sal_ensemble_opts mo = {.runs = hi > lo ? hi - lo : 1, .threads = (int)threads,
                                .on_run = runs_csv ? on_run : NULL};
        st = cli_memory_check("ensemble", sal_ensemble_memory_bound(m, &mo, 0), "the ensemble",
                              "fewer --threads, metrics or days need less");
        if (!mpi_all(&w, st == 0)) {
            sal_model_free(m);
            mpi_end(&w);
            return EXIT_USAGE;
        }
    }

    int status = 0;
    sal_outfile fq, fe, fr, fdb;
    memset(&fq, 0, sizeof fq);
    fe = fr = fdb = fq;
    ens_ctx ctx = {.m = m, .dir = dir, .crash_after = crash_after};
    sal_summary *s = NULL, *prev = NULL;
    int ckpt = w.size == 1, fresh_ckpt = 0;
    sal_diags *d = sal_diags_alloc();
    if (!d) {
        cli_error("ensemble", "out of memory");
        sal_model_free(m);
        mpi_end(&w);
        return EXIT_JOB;
    }
    /* ---- what a checkpoint belongs to, and the one resumed ---- */
    if (resume_s && w.size > 1) {
        if (w.rank == 0)
            cli_error("ensemble", "--resume is not available under mpirun yet; resume with one "
                      "process (any --threads)");
        status = EXIT_USAGE;
        goto done;
    }
    if (ckpt) {
        if (sal_checkpoint_id_file(&ctx.id, path) != SAL_OK) {
            cli_error("ensemble", "cannot read '%s' again to identify it: %s", path,
                      strerror(errno));
            status = EXIT_JOB;
            goto done;
        }
        snprintf(ctx.id.variant, sizeof ctx.id.variant, "%s", variant ? variant : "");
        ctx.id.seed = seed;
        ctx.id.runs = runs;
        ctx.id.records = (uint32_t)(m->nuncertain + m->nmetrics);
        ctx.id.flags = runs_csv ? SAL_CKPT_RUNS_CSV : 0;
    }
    if (resume_s) {
        sal_checkpoint_id have;
        int rr = sal_checkpoint_read(dir, &have, &prev, d);
        if (rr == SAL_EIO) {
            cli_error("ensemble", "nothing to resume in '%s': no readable %s/checkpoint/state "
                      "(%s); an ensemble that finished removes its checkpoint", dir, dir,
                      strerror(errno));
            status = EXIT_USAGE;
            goto done;
        }
        if (rr != SAL_OK || sal_checkpoint_match(&ctx.id, &have, dir, d) != SAL_OK) {
            cli_print_diags(d);
            status = rr == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
            goto done;
        }
        const sal_summary_layout *pl = sal_summary_layout_of(prev);
        if (pl->nmetrics != m->nmetrics || pl->ndays != (uint32_t)m->horizon + 1 ||
            pl->nevents != m->nevents) {
            cli_error("ensemble", "%s/checkpoint/state: its summary does not fit the scenario's "
                      "metrics, days and events; start afresh with --out", dir);
            status = EXIT_USAGE;
            goto done;
        }
        ctx.offset = have.done;
    }
    int ok = 1;
    if (w.rank == 0) {
        if (sal_mkdirs(dir) != SAL_OK) {
            cli_error("ensemble", "cannot create the directory '%s': %s", dir, strerror(errno));
            ok = 0;
        } else if ((sweep_dir(dir), 0) ||
                   (runs_csv && sal_outfile_open(&fr, dir, "runs.csv", 1) != SAL_OK) ||
                   sal_outfile_open(&fdb, dir, "results.sqlite", 0) != SAL_OK ||
                   sal_results_db_open(&ctx.db, fdb.tmp, m) != SAL_OK) {
            cli_error("ensemble", "cannot write in '%s': %s", dir, strerror(errno));
            ok = 0;
        }
    }
    ok = mpi_all(&w, ok);
    if (ok && w.rank > 0 && runs_csv) {
        char name[64];
        snprintf(name, sizeof name, "runs.rank%d", w.rank);
        ok = sal_outfile_open(&fr, dir, name, 1) == SAL_OK;
    }
    if (!mpi_all(&w, ok)) {
        status = EXIT_JOB;
        goto done;
    }
    if (runs_csv) {
        ctx.runs = fr.f;
        if (w.rank == 0)
            sal_ensemble_write_runs_header(fr.f, m);
    }
    /* caught from here until the files are written or removed: a Ctrl-C
     * during a resume's replay stops after the first wave (partial files
     * and the checkpoint written), and a second one leaves no temporaries */
    cli_signals_catch();
    if (ckpt && open_log(&ctx, resume_s != NULL, &fresh_ckpt) != 0) {
        status = resume_s ? EXIT_USAGE : EXIT_JOB;
        goto done;
    }
    cli_progress_init(&ctx.prog, stop_after);
    ctx.prog.base = ctx.offset;
    if (w.rank > 0)
        ctx.prog.tty = 0;
    sal_ensemble_opts eo = {
        .seed = seed, .first = lo + ctx.offset, .runs = hi - lo - ctx.offset,
        .threads = (int)threads,
        .on_run = !runs_csv ? NULL : w.rank == 0 ? on_run : on_run_binary,
        .progress = on_progress, .ctx = &ctx,
        .resume_from = prev, .checkpoint = ckpt ? on_checkpoint : NULL,
        .checkpoint_seconds = (double)every,
    };
    uint64_t done = 0;
    int rc = eo.runs > 0 ? sal_ensemble_run(m, &eo, &s, &done, d) : SAL_OK;
    if (eo.runs == 0) { /* more ranks than runs, or resumed with nothing left */
        sal_summary_layout l = sal_ensemble_layout(m, 0);
        s = sal_summary_alloc(&l);
        rc = s && (!prev || sal_summary_merge(s, prev) == SAL_OK) ? SAL_OK : SAL_ENOMEM;
    }
    done += ctx.offset;
    /* interrupted: the checkpoint of every run finished, beside the partial
     * files, for --resume */
    if (rc == SAL_EINTR && ckpt && (flush_log(ctx.log) || sal_checkpoint_write(dir, &ctx.id, s) != SAL_OK))
        cli_error("ensemble", "cannot write the checkpoint in '%s/checkpoint': %s", dir,
                  strerror(errno));
    cli_progress_end(&ctx.prog);
    if (rc != SAL_OK && rc != SAL_EINTR) {
        cli_print_diags(d);
        if (rc == SAL_EIO)
            cli_error("ensemble", "cannot write the runs in '%s': %s", dir, strerror(errno));
        else
            cli_error("ensemble", "the ensemble failed (%s); nothing was written",
                      sal_strstatus(rc));
    }
    if (!mpi_all(&w, rc == SAL_OK || rc == SAL_EINTR)) {
        status = EXIT_JOB;
        goto done;
    }
    if (ctx.log) {
        fclose(ctx.log);
        ctx.log = NULL;
    }
    int partial = !mpi_all(&w, rc != SAL_EINTR);
    uint64_t total_done = done;
    int bad = 0;
    if (w.size > 1) {
        if (w.rank > 0 && runs_csv)
            bad |= sal_outfile_close(&fr) != SAL_OK;
        bad |= mpi_gather_summaries(&w, &s, &total_done) != 0;
        bad |= !mpi_all(&w, !bad);
        if (!bad && w.rank == 0 && runs_csv)
            bad |= mpi_collect_runs(&w, &ctx, dir, runs) != 0;
        bad |= !mpi_all(&w, !bad);
        if (w.rank > 0) { /* rank 0 has read (and removed) the records */
            status = bad ? EXIT_JOB : partial ? EXIT_JOB : 0;
            goto done;
        }
        if (bad) {
            cli_error("ensemble", "cannot gather the results of the ranks in '%s'", dir);
            status = EXIT_JOB;
            goto done;
        }
    }
    bad = sal_outfile_open(&fq, dir, "quantiles.csv", 1) != SAL_OK ||
          sal_outfile_open(&fe, dir, "events.csv", 1) != SAL_OK;
    if (!bad) {
        bad |= sal_ensemble_write_quantiles(fq.f, m, s) != SAL_OK;
        bad |= sal_ensemble_write_events(fe.f, m, s) != SAL_OK;
        bad |= sal_results_db_finish(ctx.db, s, seed, runs, partial) != SAL_OK;
        sal_results_db_close(ctx.db);
        ctx.db = NULL;
        bad |= sal_outfile_close(&fq) != SAL_OK;
        bad |= sal_outfile_close(&fe) != SAL_OK;
        bad |= sal_outfile_close(&fdb) != SAL_OK;
        if (runs_csv)
            bad |= sal_outfile_close(&fr) != SAL_OK;
    }
    /* the marker first, so that partial results never appear unmarked */
    if (!bad)
        cli_mark_partial(dir, partial, total_done, runs);
    if (bad || sal_outfile_commit(&fq) != SAL_OK || sal_outfile_commit(&fe) != SAL_OK ||
        sal_outfile_commit(&fdb) != SAL_OK || (runs_csv && sal_outfile_commit(&fr) != SAL_OK)) {
        cli_error("ensemble", "cannot write the results in '%s': %s", dir, strerror(errno));
        status = EXIT_JOB;
        goto done;
    }
    /* complete: the checkpoint has served (a kill before this line leaves
     * it, and a resume then rewrites the same files) */
    if (!partial && ckpt)
        sal_checkpoint_remove(dir);
    fresh_ckpt = 0;
    if (!quiet)
        print_summary(m, s, seed, dir, runs_csv);
    if (partial) {
        fprintf(stderr,
                "salient ensemble: interrupted: partial results of %llu of %llu runs written "
                "(%s/PARTIAL)%s%s%s\n",
                (unsigned long long)total_done, (unsigned long long)runs, dir,
                ckpt ? "; the same command with --resume " : "", ckpt ? dir : "",
                ckpt ? " finishes it" : "");
        status = EXIT_JOB;
    }
done:
    if (ctx.log)
        fclose(ctx.log);
    /* a fresh ensemble that failed leaves no checkpoint (nothing written) */
    if (fresh_ckpt && status != 0)
        sal_checkpoint_remove(dir);
    sal_summary_free(prev);
    sal_results_db_close(ctx.db);
    sal_outfile_abort(&fq);
    sal_outfile_abort(&fe);
    sal_outfile_abort(&fr);
    sal_outfile_abort(&fdb);
    sal_summary_free(s);
    sal_diags_free(d);
    sal_model_free(m);
    mpi_end(&w);
    cli_signals_restore();
    return status;
}

const cli_command cmd_ensemble = {
    "ensemble", run_ensemble, "run a scenario N times: quantiles, event probabilities, runs",
    usage,
};

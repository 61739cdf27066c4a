/* salient CLI — checkpoints of 'salient ensemble' (cli/ensemble_int.h):
 * DIR/checkpoint/state, the summary of the runs done and what they belong
 * to (src/out/checkpoint.c), and DIR/checkpoint/runs.bin beside it, the log of
 * their records, so that --resume ends with the bytes of an uninterrupted
 * run: runs.csv and the runs table are rebuilt from the log. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "ensemble_int.h"

/* The run records reach the log (and the disk) before the state that
 * counts them: a kill between the two leaves records past the state's
 * count, which a resume cuts off. */
static int flush_log(FILE *log)
{
    if (!log)
        return 0;
    return fflush(log) != 0 || (fsync(fileno(log)) != 0 && errno != EINVAL);
}

int ens_checkpoint(void *ctx, const sal_summary *s)
{
    ens_ctx *c = ctx;
    if (flush_log(c->log))
        return 1;
    return sal_checkpoint_write(c->dir, &c->id, s) != SAL_OK;
}

/* 24 bits of FNV-1a of the paths' metrics and days, for the flags */
static uint32_t paths_hash(const sal_paths_spec *p)
{
    uint64_t h = sal_hash_bytes(p->metrics, p->nmetrics * sizeof *p->metrics, 0);
    h = sal_hash_bytes(p->days, p->ndays * sizeof *p->days, h);
    h = sal_hash_bytes(&p->events, sizeof p->events, h);
    return (uint32_t)(h ^ (h >> 32)) << 8;
}

int ens_checkpoint_id(ens_ctx *c, const char *path, const char *variant, uint64_t seed,
                      uint64_t runs)
{
    if (sal_checkpoint_id_file(&c->id, path) != SAL_OK) {
        cli_error("ensemble", "cannot read '%s' again to identify it: %s", path,
                  strerror(errno));
        return EXIT_JOB;
    }
    snprintf(c->id.variant, sizeof c->id.variant, "%s", variant ? variant : "");
    c->id.seed = seed;
    c->id.runs = runs;
    c->id.records = (uint32_t)c->reclen;
    c->id.flags = c->runs_csv ? SAL_CKPT_RUNS_CSV : 0;
    if (c->paths)
        c->id.flags |= SAL_CKPT_PATHS | paths_hash(c->paths);
    return 0;
}

int ens_resume_read(ens_ctx *c, sal_summary **prev, sal_diags *d)
{
    const char *dir = c->dir;
    sal_checkpoint_id have;
    int rr = sal_checkpoint_read(dir, &have, prev, d);
    if (rr == SAL_EIO) {
        cli_error("ensemble", "nothing to resume in '%s': no readable %s/checkpoint/state "
                  "(%s); an ensemble that finished removes its checkpoint", dir, dir,
                  strerror(errno));
        return EXIT_USAGE;
    }
    if (rr != SAL_OK || sal_checkpoint_match(&c->id, &have, dir, d) != SAL_OK) {
        cli_print_diags(d);
        return rr == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
    }
    const sal_summary_layout *pl = sal_summary_layout_of(*prev);
    const sal_model *m = c->m;
    if (pl->nmetrics != m->nmetrics || pl->ndays != (uint32_t)m->horizon + 1 ||
        pl->nevents != m->nevents) {
        cli_error("ensemble", "%s/checkpoint/state: its summary does not fit the scenario's "
                  "metrics, days and events; start afresh with --out", dir);
        return EXIT_USAGE;
    }
    c->offset = have.done;
    /* every record the state counts checked before anything in DIR changes */
    if (!(c->id.flags & SAL_CKPT_RUNS_CSV))
        return 0;
    /* a state of zero runs takes nothing from the log, which the resume
     * writes afresh: a kill between the first state and the log's header
     * leaves no log, or one shorter than its header */
    if (have.done == 0)
        return 0;
    char path[4400];
    snprintf(path, sizeof path, "%s/checkpoint/runs.bin", dir);
    int lc = sal_checkpoint_log_check(path, &c->id, have.done, d);
    if (lc == SAL_EIO)
        cli_error("ensemble", "cannot read '%s': %s", path, strerror(errno));
    else if (lc != SAL_OK)
        cli_print_diags(d);
    return lc == SAL_OK ? 0 : lc == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
}

/* Opens DIR/checkpoint/runs.bin for appending.  Fresh: the state of zero
 * runs is written first, then the log emptied (a kill between the two
 * leaves a state of 0 runs whose log a resume cuts to nothing).  Resumed:
 * the log is cut to the state's runs (records written after the last state
 * are dropped; they are run again) and replayed into runs.csv and the runs
 * table, so those are the bytes of an uninterrupted run.  0 or -1 (printed). */
int ens_log_open(ens_ctx *c, int resume, int *fresh)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/checkpoint/runs.bin", c->dir);
    size_t rl = c->id.records;
    int keep = (c->id.flags & (SAL_CKPT_RUNS_CSV | SAL_CKPT_PATHS)) != 0;
    if (!resume) {
        sal_summary_layout l = sal_ensemble_layout(c->m, 0);
        sal_summary *empty = sal_summary_alloc(&l);
        int bad = !empty || sal_checkpoint_write(c->dir, &c->id, empty) != SAL_OK;
        sal_summary_free(empty);
        if (!bad) {
            *fresh = 1;
            if (keep) {
                c->log = fopen(path, "wb");
                bad = !c->log || sal_checkpoint_log_header(c->log, &c->id) != SAL_OK;
            } else if (remove(path) != 0 && errno != ENOENT) {
                bad = 1;
            }
        }
        if (bad) {
            int err = errno;
            /* no empty checkpoint/ left behind (a full disk) */
            sal_checkpoint_remove(c->dir);
            cli_error("ensemble", "cannot write the checkpoint in '%s/checkpoint': %s", c->dir,
                      strerror(err));
        }
        return bad ? -1 : 0;
    }
    if (!keep)
        return 0;
    uint64_t need = SAL_CKPT_LOG_HEADER + c->offset * sal_checkpoint_log_record_size(c->id.records);
    /* a state of zero runs: the log (none, or cut short by a kill before its
     * header was whole) is written afresh */
    c->log = fopen(path, c->offset == 0 ? "w+b" : "r+b");
    if (c->offset == 0) {
        if (c->log && (sal_checkpoint_log_header(c->log, &c->id) != SAL_OK || fflush(c->log) != 0)) {
            cli_error("ensemble", "cannot write '%s': %s", path, strerror(errno));
            return -1;
        }
    }
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
    /* records past the state's count (a torn last one among them) are
     * dropped: those runs are run again */
    if (fflush(c->log) != 0 || ftruncate(fileno(c->log), (off_t)need) != 0 ||
        fseek(c->log, SAL_CKPT_LOG_HEADER, SEEK_SET) != 0) {
        cli_error("ensemble", "cannot cut '%s' to its checkpoint: %s", path, strerror(errno));
        return -1;
    }
    double *rec = malloc((rl ? rl : 1) * sizeof *rec);
    int bad = !rec;
    for (uint64_t run = 0; !bad && run < c->offset; run++) {
        bad = sal_checkpoint_log_next(c->log, run, rec, c->id.records) != SAL_OK;
        if (!bad)
            bad = ens_record_add(c, run, rec, rec + c->m->nuncertain);
    }
    free(rec);
    if (bad || fseek(c->log, 0, SEEK_END) != 0) {
        cli_error("ensemble", "cannot replay the runs of '%s' into runs.csv and results.sqlite",
                  path);
        return -1;
    }
    return 0;
}

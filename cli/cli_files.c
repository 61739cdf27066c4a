/* salient CLI — the output directory's bookkeeping shared by the writers:
 * DIR/PARTIAL for interrupted results, the sweep of the temporaries
 * that killed writers left, and the lock that keeps two jobs apart. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

void cli_mark_partial(const char *dir, int partial, uint64_t done, uint64_t total)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/PARTIAL", dir);
    if (!partial) {
        unlink(path); /* a complete result replaces an earlier partial one */
        return;
    }
    sal_outfile *o;
    if (sal_outfile_open(&o, dir, "PARTIAL", 1) != SAL_OK)
        return;
    fprintf(sal_outfile_stream(o),
            "interrupted: the results summarise runs 0 to %llu, %llu of the %llu asked for\n",
            (unsigned long long)(done ? done - 1 : 0), (unsigned long long)done,
            (unsigned long long)total);
    if (sal_outfile_close(o) == SAL_OK)
        sal_outfile_commit(o);
    sal_outfile_abort(o); /* the temporary removed unless committed */
}

void cli_sweep(const char *dir, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sal_outfile_sweep(dir, names[i]);
}

/* ---- the lock of an output directory ------------------------------------
 *
 * DIR/.salient-lock, locked with fcntl (F_SETLK, a write lock on the whole
 * file) for the whole job by every command that writes a directory; the
 * kernel releases it when the process dies in any way, so a kill -9 never
 * leaves DIR locked.  The file is removed at exit (atexit), and a job that
 * locked a file someone removed meanwhile (its inode no longer the path's)
 * tries again, so two jobs never hold two different files.  One lock per
 * process: the commands write one directory each. */
static int lock_fd = -1;
static char lock_path[4200];

static void unlock_at_exit(void)
{
    if (lock_fd < 0)
        return;
    unlink(lock_path);
    close(lock_fd);
    lock_fd = -1;
}

/* The pid holding the lock of fd's file, or 0 if none. */
static long lock_holder(int fd)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK)
        return 0;
    return (long)fl.l_pid;
}

int cli_lock_dir(const char *cmd, const char *dir)
{
    if (lock_fd >= 0)
        return 0;
    snprintf(lock_path, sizeof lock_path, "%s/.salient-lock", dir);
    for (int tries = 0; tries < 100; tries++) {
        int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            cli_error(cmd, "cannot create the lock file '%s': %s", lock_path, strerror(errno));
            return EXIT_JOB;
        }
        struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        if (fcntl(fd, F_SETLK, &fl) != 0) {
            int err = errno;
            long pid = lock_holder(fd);
            close(fd);
            if (err == EACCES || err == EAGAIN) {
                if (pid)
                    cli_error(cmd, "'%s' is in use by process %ld (another salient job writes "
                              "there); wait for it or choose another directory", dir, pid);
                else
                    cli_error(cmd, "'%s' is in use by another process (another salient job "
                              "writes there); wait for it or choose another directory", dir);
                return EXIT_USAGE;
            }
            cli_error(cmd, "cannot lock '%s': %s", lock_path, strerror(err));
            return EXIT_JOB;
        }
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(lock_path, &b) == 0 && a.st_ino == b.st_ino &&
            a.st_dev == b.st_dev) {
            char pid[32];
            int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) != 0 || write(fd, pid, (size_t)n) != n) {
                /* the pid in the file is for people; the lock is what counts */
            }
            lock_fd = fd;
            atexit(unlock_at_exit);
            return 0;
        }
        close(fd); /* removed by the job that held it: lock the new one */
    }
    cli_error(cmd, "cannot lock '%s': it keeps being replaced", lock_path);
    return EXIT_JOB;
}

int cli_argc;
char **cli_argv;

/* a as a shell reads it into b (room for 4 * strlen(a) + 3): bare when
 * it is plain, else in single quotes.  Returns the length written. */
static size_t quoted(char *b, const char *a)
{
    static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                                "_./=:,@%+-";
    size_t k = 0;
    if (*a && strspn(a, plain) == strlen(a)) {
        strcpy(b, a);
        return strlen(a);
    }
    b[k++] = '\'';
    for (; *a; a++) {
        if (*a == '\'') { /* ' ends the quote, \' is the quote, ' reopens */
            memcpy(b + k, "'\\''", 4);
            k += 4;
        } else {
            b[k++] = *a;
        }
    }
    b[k++] = '\'';
    b[k] = '\0';
    return k;
}

int cli_write_runinfo(const char *cmd, const char *dir, int threads, int ranks, uint64_t seed,
                      const char *scenario, const char *observations)
{
    /* a writer of run.json killed in this directory left its temporary:
     * the commands' own sweeps name only their result files */
    sal_outfile_sweep(dir, "run.json");
    size_t n = 1;
    for (int i = 0; i < cli_argc; i++)
        n += 4 * strlen(cli_argv[i]) + 3;
    char *line = calloc(n, 1);
    if (!line) {
        cli_error(cmd, "out of memory");
        return EXIT_JOB;
    }
    size_t k = 0;
    for (int i = 0; i < cli_argc; i++) {
        if (i)
            line[k++] = ' ';
        k += quoted(line + k, cli_argv[i]);
    }
    sal_runinfo ri = {.command = cmd, .command_line = line, .threads = threads,
                      .ranks = ranks, .seed = seed, .scenario = scenario,
                      .observations = observations};
    int rc = sal_runinfo_write(dir, &ri);
    free(line);
    if (rc == SAL_OK)
        return 0;
    cli_error(cmd, "cannot write %s/run.json: %s", dir,
              rc == SAL_ENOMEM ? "out of memory" : strerror(errno));
    return EXIT_JOB;
}

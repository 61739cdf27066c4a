/* salient CLI — the progress line on a terminal (runs done, runs/s, time
 * left) and Ctrl-C: SIGINT or SIGTERM asks a long job to stop after the
 * runs under way, so that it can write what it has. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

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

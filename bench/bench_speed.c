/* The speed of salient, measured honestly (issue 5, item 8).  Not a test:
 * `make bench` runs it and prints run-days per second per core for
 *
 *   (a) the ensembles of every shipped scenario (the .yaml files of
 *       examples/ and scenarios/), one thread, summaries included;
 *   (b) a bare two-sided stochastic Lanchester duel (Poisson casualties on
 *       both sides every day) run through the engine as a scenario;
 *   (c) the same duel as a tight C kernel on the project's Philox streams
 *       and samplers, checked to give the engine's numbers bit for bit;
 *   (c') the same kernel vectorised over runs, as NumPy's duel is: eight
 *       runs in the lanes of AVX-512 registers (bench/duel_simd.h), also
 *       checked against the engine bit for bit;
 *   (d) the scaling from 1 to 2 threads (omp_set_num_threads);
 *   (e) how the cost grows with the horizon, the forces and the sectors;
 *   (f) the same duel vectorised with NumPy on one core
 *       (bench/duel_numpy.py), with the ratio, and a check that the C and
 *       NumPy duels agree in distribution.
 *
 * Every number is the best and the median of REPS repetitions of about SECS
 * seconds each (wall clock).  The best is what the code can do; the median
 * says how much a shared machine took away.  "cpu" is the process CPU time
 * over the wall time of the best repetition: below 100% per thread the
 * thread was waiting for a core; "per CPU-s" is the best rate over that
 * share, run-days per CPU-second (per core when the cores are not shared).
 *
 * Usage: bench_speed [SECS [REPS]]   (default 0.25 s, 5 repetitions) */
#include <glob.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine_int.h" /* sal_draw_poisson: the engine's own sampler */
#include "base/rng_int.h"    /* PHILOX_M4x32_0 ... for the vectorised duel */
#include "salient/salient.h"

static double SECS = 0.25;
static int REPS = 5;

static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Rates of REPS repetitions: best, median, CPU share of the best. */
typedef struct {
    double best, median, cpu;
} rate;

static rate summarise(double *rates, const double *cpus, int n)
{
    rate r = {0, 0, 0};
    for (int i = 0; i < n; i++)
        if (rates[i] > r.best) {
            r.best = rates[i];
            r.cpu = cpus[i];
        }
    qsort(rates, (size_t)n, sizeof *rates, cmp_double);
    r.median = n % 2 ? rates[n / 2] : 0.5 * (rates[n / 2 - 1] + rates[n / 2]);
    return r;
}

/* Per core: the rates over threads.  The last column divides the best
 * repetition's rate by the CPU time it actually got (run-days per
 * CPU-second): what one core does when it is not shared, near enough, on a
 * machine where other work takes turns on the cores. */
static void print_rate(const char *label, rate r, int threads)
{
    printf("  %-46s %9.3g %9.3g  %6.1f", label, r.best / threads, r.median / threads,
           1e9 / (r.best / threads));
    if (isnan(r.cpu))
        printf("      -          -\n");
    else
        printf("  %4.0f%%  %9.3g\n", 100 * r.cpu / threads, r.best / r.cpu);
    fflush(stdout);
}

static void print_head(const char *what)
{
    printf("\n%s\n  %-46s %9s %9s  %6s  %5s  %9s\n", what, "", "best", "median", "ns/rd", "cpu",
           "per CPU-s");
}

static sal_model *read_text(const char *text)
{
    sal_diags *d = sal_diags_alloc();
    sal_model *m = NULL;
    if (sal_model_read_buffer(text, strlen(text), "bench.yaml", NULL, d, &m) != SAL_OK) {
        char buf[1024];
        for (size_t i = 0; i < sal_diags_count(d); i++) {
            sal_diag_format(sal_diags_get(d, i), buf, sizeof buf);
            fprintf(stderr, "%s\n", buf);
        }
        exit(1);
    }
    sal_diags_free(d);
    return m;
}

/* ---- (b) the duel through the engine -------------------------------- */

/* The bare duel: blue A against red B in one sector, both attacking, square
 * law (p = 1, q = 0), Poisson noise, every casualty killed (killed_share 1:
 * no binomial split), no break point.  Each day the engine computes
 *   L_A = a B,  L_B = b A,  c_X ~ Poisson(L_X),  X -= min(c_X, X)
 * with a = 0.0005, b = 0.0006: about 400-600 casualties a side a day. */
#define DUEL_A0 1000000.0
#define DUEL_B0 800000.0
#define DUEL_a 0.0005
#define DUEL_b 0.0006
#define DUEL_H 365
#define DUEL_SEED 20241101u

static const char *DUEL_PURE =
    "scenario: {name: duel, start: 2024-11-01, horizon: 365, sides: [blue, red]}\n"
    "actors:\n  blue: {side: blue}\n  red: {side: red}\n"
    "forces:\n"
    "  A: {owner: blue, sector: s, strength: 1000000, experience: 1, killed_share: 1}\n"
    "  B: {owner: red, sector: s, strength: 800000, experience: 1, killed_share: 1}\n"
    "sectors:\n"
    "  s: {posture: {blue: attack, red: attack}, attrition: {coefficients: {blue: 0.0005, red: "
    "0.0006}, noise: poisson}}\n";

#include "duel_simd.h"

/* Runs model m one run after another on one workspace for about SECS; the
 * rate of each of REPS repetitions. */
static rate bench_engine(const sal_model *m, int det)
{
    double rates[64], cpus[64];
    sal_run *r = sal_run_alloc(m);
    if (!r)
        exit(1);
    sal_run_opts o = {.seed = DUEL_SEED, .run = 0, .deterministic = det, .inputs = NULL, .series = NULL, .event_days = NULL};
    uint64_t next = 0;
    for (int k = 0; k < REPS; k++) {
        double t0 = wall(), c0 = cpu(), t;
        uint64_t runs = 0;
        do {
            for (int i = 0; i < 8; i++, runs++) {
                o.run = next++;
                if (sal_run_exec(r, &o, NULL) != SAL_OK) {
                    fprintf(stderr, "bench: a run failed\n");
                    exit(1);
                }
            }
            t = wall() - t0;
        } while (t < SECS);
        rates[k] = (double)runs * (double)(m->horizon + 1) / t;
        cpus[k] = (cpu() - c0) / t;
    }
    sal_run_free(r);
    return summarise(rates, cpus, REPS);
}

/* ---- (c) the duel as a tight kernel --------------------------------- */

/* One run of the duel: the engine's arithmetic and nothing else, on the
 * stream the engine gives sector "s" (seed, run, SAL_STREAM_SECTOR | h("s")),
 * drawing blue's losses then red's each day with the engine's sampler.  So
 * its final strengths equal the engine's exactly (checked below). */
static void duel_kernel(gsl_rng *g, uint64_t seed, uint64_t run, uint32_t sid, double *A_out,
                        double *B_out)
{
    sal_rng_reset(g, seed, run, sid);
    double A = DUEL_A0, B = DUEL_B0;
    for (int t = 0; t <= DUEL_H && A > 0 && B > 0; t++) {
        double cA = sal_draw_poisson(g, DUEL_a * B);
        double cB = sal_draw_poisson(g, DUEL_b * A);
        A -= cA < A ? cA : A;
        B -= cB < B ? cB : B;
    }
    *A_out = A;
    *B_out = B;
}

/* Eight runs r0 .. r0 + 7 of the duel into A, B: one at a time (the kernel
 * above) or side by side (vec: bench/duel_simd.h).  -1 when the vectorised
 * kernel cannot run here or declines these runs. */
static int duel_group(gsl_rng *g, uint32_t sid, uint64_t r0, int vec, double A[8], double B[8])
{
    if (vec) {
#ifdef DUEL_SIMD
        if (duel_simd_available())
            return duel8(DUEL_SEED, r0, sid, DUEL_A0, DUEL_B0, DUEL_a, DUEL_b, DUEL_H, A, B);
#endif
        return -1;
    }
    for (int j = 0; j < 8; j++)
        duel_kernel(g, DUEL_SEED, r0 + (uint64_t)j, sid, &A[j], &B[j]);
    return 0;
}

/* (c), (c') a kernel for about SECS, REPS times; -1 in best when the
 * vectorised kernel cannot run here. */
static rate bench_kernel(uint32_t sid, int vec)
{
    rate none = {-1, -1, NAN};
    double rates[64], cpus[64];
    gsl_rng *g = sal_rng_alloc(DUEL_SEED, 0, sid);
    uint64_t next = 0;
    double sink = 0;
    for (int k = 0; k < REPS; k++) {
        double t0 = wall(), c0 = cpu(), t;
        uint64_t runs = 0;
        do {
            for (int i = 0; i < 8; i++, runs += 8, next += 8) {
                double A[8], B[8];
                if (duel_group(g, sid, next, vec, A, B)) {
                    gsl_rng_free(g);
                    return none;
                }
                sink += A[0] - B[7];
            }
            t = wall() - t0;
        } while (t < SECS);
        rates[k] = (double)runs * (DUEL_H + 1) / t;
        cpus[k] = (cpu() - c0) / t;
    }
    gsl_rng_free(g);
    if (sink == 42) /* keeps the runs from being optimised away */
        printf(" ");
    return summarise(rates, cpus, REPS);
}

/* A kernel on T threads: `runs` runs (rounded up to groups of eight) split
 * statically in one parallel region per repetition (one barrier: a thread
 * that waits spins in OpenMP for a while, which would be counted as work
 * otherwise).  The same runs, hence the same numbers, whatever T. */
static rate bench_kernel_threads(uint32_t sid, int T, long runs, int vec)
{
    double rates[64], cpus[64];
    omp_set_num_threads(T);
    double sink = 0;
    long groups = (runs + 7) / 8;
    runs = 8 * groups;
    for (int k = 0; k < REPS; k++) {
        double t0 = wall(), c0 = cpu();
#pragma omp parallel reduction(+ : sink)
        {
            gsl_rng *g = sal_rng_alloc(DUEL_SEED, 0, sid);
#pragma omp for schedule(static)
            for (long i = 0; i < groups; i++) {
                double A[8], B[8];
                if (duel_group(g, sid, 8 * (uint64_t)i, vec, A, B) == 0)
                    sink += A[0] - B[7];
            }
            gsl_rng_free(g);
        }
        double t = wall() - t0;
        rates[k] = (double)runs * (DUEL_H + 1) / t;
        cpus[k] = (cpu() - c0) / t;
    }
    if (sink == 42)
        printf(" ");
    return summarise(rates, cpus, REPS);
}

/* A kernel's final strengths against the engine's, run by run (n a
 * multiple of 8). */
static int kernel_matches_engine(const sal_model *m, uint32_t sid, int n, int vec)
{
    sal_run *r = sal_run_alloc(m);
    gsl_rng *g = sal_rng_alloc(DUEL_SEED, 0, sid);
    int same = 0;
    for (int i = 0; i < n; i += 8) {
        double A[8], B[8];
        if (duel_group(g, sid, (uint64_t)i, vec, A, B))
            break;
        for (int j = 0; j < 8; j++) {
            sal_run_opts o = {.seed = DUEL_SEED, .run = (uint64_t)(i + j), .deterministic = 0, .inputs = NULL, .series = NULL, .event_days = NULL};
            sal_force_account fa, fb;
            if (sal_run_exec(r, &o, NULL) != SAL_OK || sal_run_force(r, 0, &fa) != SAL_OK ||
                sal_run_force(r, 1, &fb) != SAL_OK)
                break;
            same += A[j] == fa.present && B[j] == fb.present;
        }
    }
    gsl_rng_free(g);
    sal_run_free(r);
    return same;
}

/* ---- (f) NumPy ------------------------------------------------------ */

typedef struct {
    long n;
    double mA, sA, mB, sB;
} moments;

static moments kernel_moments(uint32_t sid, long n)
{
    gsl_rng *g = sal_rng_alloc(DUEL_SEED, 0, sid);
    double sa = 0, saa = 0, sb = 0, sbb = 0;
    for (long i = 0; i < n; i++) {
        double A, B;
        duel_kernel(g, DUEL_SEED, (uint64_t)i, sid, &A, &B);
        sa += A;
        saa += A * A;
        sb += B;
        sbb += B * B;
    }
    gsl_rng_free(g);
    moments mo = {n, sa / (double)n, 0, sb / (double)n, 0};
    /* sample variances; the sums are far below 2^53 squared, and n >> 1 */
    mo.sA = sqrt((saa - sa * mo.mA) / (double)(n - 1));
    mo.sB = sqrt((sbb - sb * mo.mB) / (double)(n - 1));
    return mo;
}

/* Runs bench/duel_numpy.py; returns 0 and its rates and moments, or -1. */
static int run_numpy(long runs, rate *out, moments *mo)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 taskset -c 0 "
                              "/usr/bin/python3 bench/duel_numpy.py %ld %d 2>&1",
             runs, REPS);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    double rates[64], cpus[64];
    int n = 0, got = 0;
    char line[512];
    while (fgets(line, sizeof line, p)) {
        double c;
        if (n < 64 && sscanf(line, "rate %lf %lf", &rates[n], &c) == 2)
            cpus[n++] = c; /* CPU share, measured inside Python */
        else if (sscanf(line, "moments %ld %lf %lf %lf %lf", &mo->n, &mo->mA, &mo->sA, &mo->mB,
                        &mo->sB) == 5)
            got = 1;
        else
            fputs(line, stderr);
    }
    if (pclose(p) != 0 || n == 0 || !got)
        return -1;
    *out = summarise(rates, cpus, n);
    return 0;
}

/* ---- (a), (d) ensembles --------------------------------------------- */

/* Runs per ensemble so that one lasts about SECS on one thread. */
static uint64_t calibrate(const sal_model *m)
{
    sal_ensemble_opts o = {0};
    o.seed = DUEL_SEED;
    o.runs = 64;
    o.threads = 1;
    sal_summary *s = NULL;
    double t0 = wall();
    if (sal_ensemble_run(m, &o, &s, NULL, NULL) != SAL_OK)
        return 0;
    double t = wall() - t0;
    sal_summary_free(s);
    double n = 64 * SECS / (t > 1e-6 ? t : 1e-6);
    return n < 64 ? 64 : n > 1e7 ? 10000000 : (uint64_t)n;
}

static rate bench_ensemble(const sal_model *m, uint64_t runs, int T)
{
    double rates[64], cpus[64];
    omp_set_num_threads(T);
    for (int k = 0; k < REPS; k++) {
        sal_ensemble_opts o = {0};
        o.seed = DUEL_SEED;
        o.runs = runs;
        o.threads = T;
        sal_summary *s = NULL;
        double t0 = wall(), c0 = cpu();
        if (sal_ensemble_run(m, &o, &s, NULL, NULL) != SAL_OK) {
            fprintf(stderr, "bench: the ensemble failed\n");
            exit(1);
        }
        double t = wall() - t0;
        sal_summary_free(s);
        rates[k] = (double)runs * (double)(m->horizon + 1) / t;
        cpus[k] = (cpu() - c0) / t;
    }
    return summarise(rates, cpus, REPS);
}

/* The wall-clock speed-up of 2 threads over 1, and the work done per
 * CPU-second at 2 threads over that at 1: near 1 when the threads do not
 * slow each other (no shared writes, no waiting), whatever else the machine
 * runs.  The wall speed-up reaches 2 x that only with two idle cores. */
static void speedup(const char *label, rate one, rate two, const char *target)
{
    printf("  %-46s speed-up %.2fx%s; work per CPU-second %.2f of 1 thread's\n", label,
           two.best / one.best, target, (two.best / two.cpu) / (one.best / one.cpu));
}

/* ---- (e) generated scenarios ---------------------------------------- */

/* nsec sectors, each with fps forces a side (half assault, half defence),
 * negative binomial noise, killed/wounded split with returns, learning,
 * ground: every mechanism of the daily step except policies. */
static sal_model *wide(int nsec, int fps, int horizon)
{
    static char buf[1 << 17];
    size_t n = 0;
    n += (size_t)snprintf(buf + n, sizeof buf - n,
                          "scenario: {name: wide, start: 2024-11-01, horizon: %d, sides: [blue, "
                          "red]}\nactors:\n  blue: {side: blue}\n  red: {side: red}\nforces:\n",
                          horizon);
    for (int s = 0; s < nsec; s++)
        for (int f = 0; f < 2 * fps; f++)
            n += (size_t)snprintf(buf + n, sizeof buf - n,
                                  "  f%d-%d: {owner: %s, sector: s%d, strength: 100000, role: %s, "
                                  "killed_share: 0.3, wounded_return: 0.4, learning_rate: 0.01}\n",
                                  s, f, f % 2 ? "red" : "blue", s, f % 4 < 2 ? "assault" : "defence");
    n += (size_t)snprintf(buf + n, sizeof buf - n, "sectors:\n");
    for (int s = 0; s < nsec; s++)
        n += (size_t)snprintf(buf + n, sizeof buf - n,
                              "  s%d: {posture: {blue: attack}, attrition: {coefficients: {blue: "
                              "0.0001, red: 0.0001}, noise: negbin}, ground: {holder: red, "
                              "contested: 1000, advance_rate: 1}}\n", s);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "metrics:\n  g: ground(s0)\n");
    return read_text(buf);
}

static void machine(void)
{
    char host[256] = "?", model[256] = "?", line[512];
    gethostname(host, sizeof host);
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        while (fgets(line, sizeof line, f))
            if (!strncmp(line, "model name", 10)) {
                char *c = strchr(line, ':');
                if (c) {
                    snprintf(model, sizeof model, "%s", c + 2);
                    model[strcspn(model, "\n")] = 0;
                }
                break;
            }
        fclose(f);
    }
    double la[3] = {0, 0, 0};
    f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf %lf %lf", &la[0], &la[1], &la[2]) != 3)
            la[0] = la[1] = la[2] = 0;
        fclose(f);
    }
    time_t now = time(NULL);
    char date[64];
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    printf("%s, %ld cores (%s), load average %.2f %.2f %.2f\n", date, sysconf(_SC_NPROCESSORS_ONLN),
           model, la[0], la[1], la[2]);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        SECS = atof(argv[1]);
    if (argc > 2)
        REPS = atoi(argv[2]);
    if (!(SECS > 0) || REPS < 1 || REPS > 64) {
        fprintf(stderr, "usage: bench_speed [SECS > 0 [REPS 1..64]]\n");
        return 2;
    }
    printf("salient speed: run-days per second per core, best and median of %d x %.2f s\n", REPS,
           SECS);
    machine();
    uint32_t sid = sal_run_stream_id(SAL_STREAM_SECTOR, "s");
    sal_model *duel = read_text(DUEL_PURE);

    print_head("(b), (c) the bare duel (2 Poisson draws a run-day)");
    rate eng = bench_engine(duel, 0);
    print_rate("(b) through the engine (scenario, 1 run a time)", eng, 1);
    rate ker = bench_kernel(sid, 0);
    print_rate("(c) tight C kernel, same streams and sampler", ker, 1);
    rate det = bench_engine(duel, 1);
    print_rate("    the engine, deterministic (no draws)", det, 1);
    int same = kernel_matches_engine(duel, sid, 200, 0);
    printf("  kernel = engine, final strengths bit for bit: %d of 200 runs%s\n", same,
           same == 200 ? "" : "   <-- MISMATCH");
    printf("  engine costs %.2fx the kernel per run-day (%.2fx per CPU-second; target <= 3x)\n",
           ker.best / eng.best, (ker.best / ker.cpu) / (eng.best / eng.cpu));
    rate vec = bench_kernel(sid, 1);
    if (vec.best > 0) {
        print_rate("(c') the kernel vectorised over runs (AVX-512)", vec, 1);
        int vsame = kernel_matches_engine(duel, sid, 200, 1);
        printf("  vectorised kernel = engine, bit for bit: %d of 200 runs%s\n", vsame,
               vsame == 200 ? "" : "   <-- MISMATCH");
        printf("  engine costs %.2fx the vectorised kernel per run-day (%.2fx per CPU-second)\n",
               vec.best / eng.best, (vec.best / vec.cpu) / (eng.best / eng.cpu));
    } else {
        printf("  (c') vectorised kernel: not run (needs x86-64 with AVX-512F/DQ/VL)\n");
    }

    print_head("(f) the same duel in NumPy, vectorised over runs, one core");
    rate np_rate;
    moments np_mo;
    const long npruns = 20000;
    if (run_numpy(npruns, &np_rate, &np_mo) == 0) {
        print_rate("NumPy (bench/duel_numpy.py, 20000 runs at once)", np_rate, 1);
        printf("  C kernel / NumPy: %.2fx (%.2fx per CPU-second; target >= 3x); engine / NumPy: "
               "%.2fx (%.2fx)\n",
               ker.best / np_rate.best, (ker.best / ker.cpu) / (np_rate.best / np_rate.cpu),
               eng.best / np_rate.best, (eng.best / eng.cpu) / (np_rate.best / np_rate.cpu));
        if (vec.best > 0)
            printf("  vectorised C kernel / NumPy: %.2fx (%.2fx per CPU-second; target >= 3x)\n",
                   vec.best / np_rate.best, (vec.best / vec.cpu) / (np_rate.best / np_rate.cpu));
        /* Same distribution: the means of the final strengths differ by less
         * than 4 standard errors of their difference (a false alarm once in
         * 16,000), and the standard deviations by less than 5% (their own
         * standard error is about 0.5% at 20,000 runs). */
        moments c = kernel_moments(sid, npruns);
        double zA = (c.mA - np_mo.mA) / sqrt(c.sA * c.sA / (double)c.n + np_mo.sA * np_mo.sA / (double)np_mo.n);
        double zB = (c.mB - np_mo.mB) / sqrt(c.sB * c.sB / (double)c.n + np_mo.sB * np_mo.sB / (double)np_mo.n);
        double rA = c.sA / np_mo.sA, rB = c.sB / np_mo.sB;
        int ok = fabs(zA) < 4 && fabs(zB) < 4 && fabs(rA - 1) < 0.05 && fabs(rB - 1) < 0.05;
        printf("  final A: C mean %.1f sd %.1f, NumPy mean %.1f sd %.1f (z = %+.2f, sd ratio %.3f)\n",
               c.mA, c.sA, np_mo.mA, np_mo.sA, zA, rA);
        printf("  final B: C mean %.1f sd %.1f, NumPy mean %.1f sd %.1f (z = %+.2f, sd ratio %.3f)\n",
               c.mB, c.sB, np_mo.mB, np_mo.sB, zB, rB);
        printf("  C and NumPy duels agree (|z| < 4, sd within 5%%): %s\n", ok ? "yes" : "NO");
    } else {
        printf("  NumPy duel not run: /usr/bin/python3 with numpy (python3-numpy) is needed\n");
    }

    print_head("(a) ensembles of the shipped scenarios, 1 thread (summaries included)");
    glob_t gl;
    memset(&gl, 0, sizeof gl);
    glob("examples/*.yaml", 0, NULL, &gl);
    glob("scenarios/*.yaml", GLOB_APPEND, NULL, &gl);
    for (size_t i = 0; i < gl.gl_pathc; i++) {
        sal_diags *d = sal_diags_alloc();
        sal_model *m = NULL;
        if (sal_model_read(gl.gl_pathv[i], NULL, d, &m) == SAL_OK) {
            uint64_t runs = calibrate(m);
            if (runs) {
                rate r = bench_ensemble(m, runs, 1);
                char label[128];
                snprintf(label, sizeof label, "%s (%llu runs x %d days)", gl.gl_pathv[i],
                         (unsigned long long)runs, m->horizon + 1);
                print_rate(label, r, 1);
            } else {
                printf("  %s: the ensemble fails\n", gl.gl_pathv[i]);
            }
            sal_model_free(m);
        } else { /* e.g. a file beside the scenarios that is not one */
            char buf[512] = "";
            if (sal_diags_count(d))
                sal_diag_format(sal_diags_get(d, 0), buf, sizeof buf);
            printf("  %s: skipped, not a scenario (%.100s)\n", gl.gl_pathv[i], buf);
        }
        sal_diags_free(d);
    }
    globfree(&gl);

    print_head("(d) 1 -> 2 threads (per-core rates; the speed-up is 2 x their ratio)");
    {
        /* runs for about SECS on one thread at the kernel's rate above */
        long kruns = (long)(ker.best * SECS / (DUEL_H + 1)) + 2;
        rate k1 = bench_kernel_threads(sid, 1, kruns, 0), k2 = bench_kernel_threads(sid, 2, kruns, 0);
        print_rate("kernel duel, 1 thread", k1, 1);
        print_rate("kernel duel, 2 threads", k2, 2);
        speedup("", k1, k2, " (target >= 1.8x)");
        if (vec.best > 0) {
            long vruns = (long)(vec.best * SECS / (DUEL_H + 1)) + 16;
            k1 = bench_kernel_threads(sid, 1, vruns, 1);
            k2 = bench_kernel_threads(sid, 2, vruns, 1);
            print_rate("vectorised kernel duel, 1 thread", k1, 1);
            print_rate("vectorised kernel duel, 2 threads", k2, 2);
            speedup("", k1, k2, " (target >= 1.8x)");
        }
        uint64_t runs = 2 * calibrate(duel);
        rate e1 = bench_ensemble(duel, runs, 1), e2 = bench_ensemble(duel, runs, 2);
        print_rate("ensemble of the duel, 1 thread", e1, 1);
        print_rate("ensemble of the duel, 2 threads", e2, 2);
        speedup("", e1, e2, "");
        sal_diags *d = sal_diags_alloc();
        sal_model *m = NULL;
        if (sal_model_read("examples/every-section.yaml", NULL, d, &m) == SAL_OK) {
            runs = 2 * calibrate(m);
            e1 = bench_ensemble(m, runs, 1);
            e2 = bench_ensemble(m, runs, 2);
            print_rate("ensemble of every-section.yaml, 1 thread", e1, 1);
            print_rate("ensemble of every-section.yaml, 2 threads", e2, 2);
            speedup("", e1, e2, "");
            sal_model_free(m);
        }
        sal_diags_free(d);
        omp_set_num_threads(1);
    }

    print_head("(e) cost with horizon, forces and sectors (generated; negbin, split, learning, "
               "ground; 1 run a time)");
    int shapes[][3] = {{1, 1, 90},  {1, 1, 365}, {1, 1, 1460}, {1, 2, 365}, {1, 4, 365},
                       {1, 8, 365}, {4, 1, 365}, {16, 1, 365}, {4, 4, 365}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        char label[96];
        snprintf(label, sizeof label, "%2d sector(s) x %d force(s) a side, %4d days", shapes[i][0],
                 shapes[i][1], shapes[i][2] + 1);
        sal_model *m = wide(shapes[i][0], shapes[i][1], shapes[i][2]);
        rate r = bench_engine(m, 0);
        print_rate(label, r, 1);
        printf("  %-46s %9.1f ns per run-day per force (per CPU-second)\n", "",
               1e9 * r.cpu / r.best / (2.0 * shapes[i][0] * shapes[i][1]));
        sal_model_free(m);
    }
    sal_model_free(duel);
    return 0;
}

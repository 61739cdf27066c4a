/* salient fit — fits the Lanchester attrition law to a daily battle series
 * (docs/fitting.md): the requested law with standard errors, and a
 * comparison of the four laws on the same data.  --out is written under a
 * temporary name and renamed into place, so it is whole or absent. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "iwojima.h"
#include "salient/battle.h"
#include "salient/ensemble.h"
#include "salient/fit.h"
#include "salient/lanchester.h"
#include "salient/out.h"

static const char usage[] =
    "usage: salient fit DATA.csv [--law LAW] [--json] [--out FILE] [--bootstrap N]\n"
    "       salient fit --builtin iwojima [OPTIONS]\n"
    "\n"
    "Fits the Lanchester attrition law\n"
    "    dA/dt = -a * B^p * A^q + rA(t),   dB/dt = -b * A^p * B^q + rB(t)\n"
    "to a daily battle series by nonlinear least squares: the law is integrated\n"
    "from the day-0 strengths with the listed reinforcements, and a, b (and p, q\n"
    "for the free law) minimise the sum of squared differences from the observed\n"
    "strengths of both sides on days 1..n.  Prints the coefficients with their\n"
    "standard errors, the SSE and R^2, and the same fit for every law, so the\n"
    "laws can be compared on the data.\n"
    "\n"
    "DATA.csv has the header day,A,B,reinf_A,reinf_B and one row per day from\n"
    "day 0: the strengths at the end of the day (day 0: at the start) and the\n"
    "troops arriving during it (docs/fitting.md).\n"
    "\n"
    "Options:\n"
    "  -l, --law LAW        square (p=1, q=0; default), linear (p=q=1),\n"
    "                       log (p=0, q=1) or free (p and q fitted too)\n"
    "  -j, --json           one JSON object on stdout instead of the report: a, b,\n"
    "                       p, q, se_a, se_b, se_p, se_q, sse, r2, law, n,\n"
    "                       converged, ... and \"laws\", the other laws' fits\n"
    "  -o, --out FILE       write day,A_obs,B_obs,A_fit,B_fit (the fitted law)\n"
    "  -B, --bootstrap N    also parametric-bootstrap standard errors from N\n"
    "                       simulated battles (Poisson casualties) refitted\n"
    "  -s, --seed S         the bootstrap's random seed (default 1)\n"
    "  -b, --builtin NAME   fit a built-in series instead of a file: iwojima\n"
    "                       (Engel 1954, Iwo Jima 1945; the default job of salient)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Standard errors are s^2 (J^T J)^-1 at the optimum, s^2 = SSE/(n-k); they\n"
    "assume independent residuals, and the residuals of a whole-trajectory fit\n"
    "are serially correlated, so on noisy data they understate the uncertainty\n"
    "(about tenfold for Poisson casualties): use --bootstrap for those.\n"
    "\n"
    "Exit status: 0 success; 1 the fit did not converge or FILE could not be\n"
    "written; 2 bad usage or bad data (file:line:col messages, no FILE written).\n";

typedef struct {
    sal_law law;
    int json;
    const char *out;
    const char *builtin;
    const char *file;
    int nboot;
    uint64_t seed;
} fit_args;

/* ---- arguments --------------------------------------------------------- */

/* Reads the fit's own option c; 0, or the message and EXIT_USAGE. */
static int option(int c, fit_args *a, const char *arg)
{
    uint64_t v;
    switch (c) {
    case 'l':
        if (sal_law_parse(arg, &a->law) != SAL_OK) {
            cli_error("fit", "--law '%s' is not a law; expected square, linear, log or free",
                      arg);
            return EXIT_USAGE;
        }
        return 0;
    case 'j': a->json = 1; return 0;
    case 'b': a->builtin = arg; return 0;
    case 'B':
        if (cli_range("fit", "bootstrap", arg, 2, 100000, &v))
            return EXIT_USAGE;
        a->nboot = (int)v;
        return 0;
    default:
        return 0;
    }
}

/* -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, fit_args *a)
{
    static const struct option opts[] = {
        CLI_OPT_OUT, CLI_OPT_SEED, CLI_OPT_HELP,
        {"law", required_argument, NULL, 'l'},
        {"json", no_argument, NULL, 'j'},
        {"builtin", required_argument, NULL, 'b'},
        {"bootstrap", required_argument, NULL, 'B'},
        CLI_OPT_END,
    };
    memset(a, 0, sizeof *a);
    a->law = SAL_LAW_SQUARE;
    cli_args ca = cli_args_start(&cmd_fit, NULL);
    int c;
    while ((c = cli_getopt(&ca, argc, argv, ":l:jo:b:B:s:h", opts)) > 0)
        if (option(c, a, optarg))
            return EXIT_USAGE;
    if (ca.status >= 0)
        return ca.status;
    if (cli_seed_check(&ca))
        return EXIT_USAGE;
    a->seed = cli_seed_or(&ca, 1);
    a->out = ca.out;
    if (optind < argc)
        a->file = argv[optind++];
    if (optind < argc) {
        cli_error("fit", "unexpected argument '%s'; expected one DATA.csv", argv[optind]);
        return EXIT_USAGE;
    }
    if (!a->file == !a->builtin) {
        cli_error("fit", a->file ? "give either DATA.csv or --builtin, not both"
                                 : "no data; expected DATA.csv or --builtin iwojima "
                                   "(see 'salient fit --help')");
        return EXIT_USAGE;
    }
    return -1;
}

/* ---- data -------------------------------------------------------------- */

static int load(const fit_args *a, sal_battle **b, const cli_builtin_info **info)
{
    *info = NULL;
    if (a->builtin) {
        *b = cli_builtin_battle(a->builtin, info);
        if (!*b) {
            cli_error("fit", "no built-in series '%s'; expected one of: %s", a->builtin,
                      cli_builtin_names());
            return EXIT_USAGE;
        }
        return -1;
    }
    sal_diags *d = sal_diags_alloc();
    int st = d ? sal_battle_read(a->file, b, d) : SAL_ENOMEM;
    if (d)
        cli_print_diags(d);
    sal_diags_free(d);
    if (st == SAL_OK)
        return -1;
    if (st == SAL_ENOMEM)
        cli_error("fit", "out of memory");
    return st == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
}

/* The progress line of a long fit, on a terminal only: the law being
 * fitted and the integrations of the path so far (their number is not
 * known in advance: the solver stops when it converges). */
typedef struct {
    int tty, shown, law;
    size_t days;
    double t0, last;
} fit_progress;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void on_progress(void *ctx, long paths)
{
    fit_progress *p = ctx;
    double t = now_s();
    if (!p->tty || t - p->last < 0.5 || t - p->t0 < 1)
        return;
    p->last = t;
    p->shown = 1;
    fprintf(stderr, "\rfit: %s law, %ld integrations of the %zu-day path, %.0f s ",
            sal_law_name((sal_law)p->law), paths, p->days, t - p->t0);
    fflush(stderr);
}

/* Fits every law; the requested one reports its problems on stderr. */
static void fit_laws(const sal_battle *b, const char *name, sal_law law, sal_fit_laws *l)
{
    fit_progress prog = {.tty = isatty(STDERR_FILENO), .days = b->n - 1, .t0 = now_s()};
    for (int k = 0; k < SAL_FIT_NLAWS; k++) {
        sal_fit_opts o;
        sal_fit_opts_init(&o);
        o.law = (sal_law)k;
        o.name = name;
        o.progress = on_progress;
        o.progress_ctx = &prog;
        prog.law = k;
        sal_diags *d = sal_diags_alloc();
        l->status[k] = sal_fit_battle(b, &o, &l->fits[k], d);
        if (prog.shown) {
            fprintf(stderr, "\r%60s\r", "");
            prog.shown = 0;
        }
        if (k == (int)law && d)
            cli_print_diags(d);
        sal_diags_free(d);
    }
}

/* ---- the report -------------------------------------------------------- */

static const char *equations(sal_law law)
{
    switch (law) {
    case SAL_LAW_SQUARE: return "dA/dt = -a*B + rA,  dB/dt = -b*A + rB";
    case SAL_LAW_LINEAR: return "dA/dt = -a*A*B + rA,  dB/dt = -b*A*B + rB";
    case SAL_LAW_LOG: return "dA/dt = -a*A + rA,  dB/dt = -b*B + rB";
    case SAL_LAW_FREE: return "dA/dt = -a*B^p*A^q + rA,  dB/dt = -b*A^p*B^q + rB";
    }
    return "";
}

/* A coefficient (relative error shown) or an exponent (fixed notation). */
static void coef_row(const char *name, double x, double se, double boot, int nboot)
{
    char rel[32] = "", val[32];
    int exponent = name[0] == 'p' || name[0] == 'q';
    if (!exponent && x != 0 && isfinite(se))
        snprintf(rel, sizeof rel, "(%.2g%%)", 100 * se / fabs(x));
    snprintf(val, sizeof val, exponent ? "%.6f" : "%.6g", x);
    if (nboot)
        printf("  %-4s %14s   %-10.3g %-10s  %.3g\n", name, val, se, rel, boot);
    else
        printf("  %-4s %14s   %-10.3g %s\n", name, val, se, rel);
}

static void print_coefs(const sal_fit_result *r, const double *boot, int nboot)
{
    printf("  coef       estimate   std. error%s\n",
           nboot ? "            bootstrap s.e." : "");
    coef_row("a", r->a, r->se_a, boot ? boot[0] : 0, nboot);
    coef_row("b", r->b, r->se_b, boot ? boot[1] : 0, nboot);
    if (r->law == SAL_LAW_FREE) {
        coef_row("p", r->p, r->se_p, boot ? boot[2] : 0, nboot);
        coef_row("q", r->q, r->se_q, boot ? boot[3] : 0, nboot);
    }
}

static void print_comparison(const sal_fit_laws *l, sal_law law)
{
    int best = -1;
    for (int k = 0; k < 3; k++)
        if (l->status[k] == SAL_OK && (best < 0 || l->fits[k].sse < l->fits[best].sse))
            best = k;
    printf("\nThe four laws on the same data (least squares over A and B):\n");
    printf("  law      %12s %12s %6s %6s %12s %10s   (* reported above)\n", "a", "b", "p",
           "q", "SSE", "R^2");
    for (int k = 0; k < SAL_FIT_NLAWS; k++) {
        const sal_fit_result *r = &l->fits[k];
        printf("%s %-7s", k == (int)law ? "*" : " ", sal_law_name((sal_law)k));
        if (l->status[k] != SAL_OK && l->status[k] != SAL_EFAIL) {
            printf("  (not fitted: %s)\n", sal_strstatus(l->status[k]));
            continue;
        }
        printf(" %12.6g %12.6g %6.3f %6.3f %12.6g %10.6f", r->a, r->b, r->p, r->q, r->sse,
               r->r2);
        if (l->status[k] == SAL_EFAIL)
            printf("  did not converge");
        else if (k == best)
            printf("  lowest SSE of the classic laws");
        else if (k == SAL_LAW_FREE)
            printf("  (p, q fitted: 2 more parameters)");
        putchar('\n');
    }
}

static void print_report(const sal_battle *b, const char *name, const cli_builtin_info *info,
                         const sal_fit_laws *l, sal_law law, const double *boot,
                         int nboot)
{
    const sal_fit_result *r = &l->fits[law];
    if (info)
        printf("%s\n  %s; source: %s\n\n", info->title, info->sides, info->citation);
    else
        printf("%s: %zu days (day 0 to day %zu)\n\n", name, b->n, b->n - 1);
    printf("%s law  %s", sal_law_name(law), equations(law));
    if (law != SAL_LAW_FREE)
        printf("  (p = %g, q = %g)", r->p, r->q);
    printf("\n\n");
    print_coefs(r, boot, nboot);
    printf("\n  SSE %.6g over %zu observations (A and B on days 1-%zu), R^2 = %.8f\n",
           r->sse, r->n, b->n - 1, r->r2);
    printf("  %s after %d iterations (%d starting point%s)\n",
           r->converged ? "converged" : "DID NOT CONVERGE", r->iterations, r->starts,
           r->starts == 1 ? "" : "s");
    if (info && law == SAL_LAW_SQUARE)
        printf("  Engel (1954) published a = %g, b = %g: the fit differs by %+.4f%% and "
               "%+.4f%%.\n", info->a, info->b, 100 * (r->a / info->a - 1),
               100 * (r->b / info->b - 1));
    print_comparison(l, law);
    printf("\nStandard errors: s^2 (J^T J)^-1 at the optimum, for independent residuals;\n"
           "on noisy data they understate the uncertainty (serially correlated\n"
           "residuals): use --bootstrap N.  See docs/fitting.md.\n");
}

/* ---- --out ------------------------------------------------------------- */

/* Writes FILE whole or not at all (sal_outfile: a temporary file in the same
 * directory, renamed into place). */
static int write_series(const char *path, const sal_battle *b, const sal_fit_result *r)
{
    double *A = malloc(b->n * sizeof(double)), *B = malloc(b->n * sizeof(double));
    sal_outfile *o = NULL;
    int ok = A && B && sal_fit_series(b, r, A, B) == SAL_OK;
    int err = ok ? 0 : ENOMEM;
    /* a temporary left by a fit killed while writing this file goes first */
    sal_outfile_sweep_path(path);
    if (ok && sal_outfile_open_path(&o, path, 1) != SAL_OK) {
        ok = 0;
        err = errno;
    }
    if (ok) {
        ok = sal_fit_write_series(sal_outfile_stream(o), b, A, B) == SAL_OK;
        ok = sal_outfile_close(o) == SAL_OK && ok;
        ok = ok && sal_outfile_commit(o) == SAL_OK;
        if (!ok)
            err = errno;
    }
    sal_outfile_abort(o); /* errno kept */
    if (!ok)
        cli_error("fit", "cannot write '%s': %s%s", path, err ? strerror(err) : "out of memory",
                  err == EEXIST ? " and is not a regular file (a device, pipe or symbolic link "
                                  "is never replaced); expected a file name" : "");
    free(A);
    free(B);
    return ok ? 0 : -1;
}

/* ---- the command ------------------------------------------------------- */

static int bootstrap(const sal_battle *b, const char *name, const sal_fit_result *r,
                     const fit_args *a, double se[4], int *nfail)
{
    sal_fit_opts o;
    sal_fit_opts_init(&o);
    o.law = a->law;
    o.name = name;
    sal_diags *d = sal_diags_alloc();
    int st = sal_fit_bootstrap(b, &o, r, a->nboot, a->seed, se, nfail, d);
    if (d)
        cli_print_diags(d);
    sal_diags_free(d);
    return st;
}

static int run_fit(int argc, char **argv)
{
    fit_args a;
    int st = parse_args(argc, argv, &a);
    if (st >= 0)
        return st;
    sal_battle *b = NULL;
    const cli_builtin_info *info;
    if ((st = load(&a, &b, &info)) >= 0)
        return st;
    char bname[64];
    snprintf(bname, sizeof bname, "builtin:%s", a.builtin ? a.builtin : "");
    const char *name = a.file ? a.file : bname;
    sal_fit_laws l = {.law = a.law, .nboot = a.nboot, .seed = a.seed};
    fit_laws(b, name, a.law, &l);
    int fst = l.status[a.law];
    if (fst != SAL_OK && fst != SAL_EFAIL) {
        sal_battle_free(b);
        return fst == SAL_EINPUT ? EXIT_USAGE : EXIT_JOB;
    }
    double boot[4] = {0, 0, 0, 0};
    int status = fst == SAL_OK ? 0 : EXIT_JOB;
    if (a.nboot && fst == SAL_OK && bootstrap(b, name, &l.fits[a.law], &a, boot, &l.nfail) != SAL_OK)
        status = EXIT_JOB;
    l.boot = a.nboot ? boot : NULL;
    if (a.json)
        sal_fit_write_json(stdout, b, name, &l);
    else
        print_report(b, name, info, &l, a.law, l.boot, a.nboot);
    if (a.out && status == 0 && write_series(a.out, b, &l.fits[a.law]) != 0)
        status = EXIT_JOB;
    else if (a.out && status != 0)
        cli_error("fit", "'%s' not written: the fit failed", a.out);
    sal_battle_free(b);
    return status;
}

const cli_command cmd_fit = {
    "fit", run_fit, "fit the Lanchester law to daily battle data", usage,
};

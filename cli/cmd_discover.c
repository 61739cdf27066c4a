/* salient discover — scenario discovery: which ranges of the uncertain
 * inputs lead to an outcome, by PRIM or CART (salient/discover.h,
 * docs/discover.md), on the runs of an ensemble's results or on runs made
 * here from a scenario. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "salient/salient.h"

static const char usage[] =
    "usage: salient discover DIR --where EXPR [--method prim|cart] [--threshold D]\n"
    "                        [--box K] [--boxes K] [--bootstrap B] [--seed S]\n"
    "                        [--threads T] [--out DIR2]\n"
    "       salient discover SCENARIO --where EXPR --runs N [--variant NAME] [...]\n"
    "\n"
    "Scenario discovery (Bryant and Lempert 2010): splits the runs into cases of\n"
    "interest (EXPR true) and the rest, and finds the boxes of the uncertain\n"
    "inputs (ranges, or subsets of a choice's values) that hold the cases of\n"
    "interest.  DIR is an ensemble's results (DIR/results.sqlite, its runs\n"
    "table); with a scenario file the N runs are made first (on threads; the\n"
    "same runs as 'salient ensemble' with that seed).\n"
    "\n"
    "EXPR is an expression (docs/expressions.md) on one run: a metric's name\n"
    "(or last(NAME)) is its value on the last day; metric(NAME, 2025-02-01) its\n"
    "value on a date; event_day(NAME) the day an event first happened, from the\n"
    "start (+infinity if never); date(2025-02-01) a date as such a day.  E.g.\n"
    "  --where 'event_day(rok_lethal_aid) < date(2025-12-31)'\n"
    "  --where 'dprk_killed > 3000'\n"
    "\n"
    "Writes into DIR2 boxes.csv (per box and restricted input: limits or subset,\n"
    "quasi-p-value, bootstrap stability, the box's coverage, density, mass),\n"
    "trajectory.csv (PRIM's peeling trajectory), results.sqlite (the same as\n"
    "tables, with the ensemble's own tables) and report.html; prints the boxes.\n"
    "\n"
    "Options:\n"
    "  -w, --where EXPR      the condition (required)\n"
    "  -m, --method M        prim (default) or cart\n"
    "  -T, --threshold D     density the chosen box must reach (default 0.8)\n"
    "  -k, --box K           choose step K of the trajectory instead\n"
    "  -K, --boxes K         covering: up to K boxes, each on the runs outside the\n"
    "                        earlier ones (default 1)\n"
    "  -b, --bootstrap B     replicates for the stability of the first box\n"
    "                        (default 20; 0: none)\n"
    "  -P, --max-qp Q        PRIM drops restrictions whose quasi-p-value is above Q\n"
    "                        (default 0.05; 1 keeps every restriction)\n"
    "  -n, --runs N          runs to make from a scenario file\n"
    "  -v, --variant NAME    the scenario's variant NAME\n"
    "  -s, --seed S          seed of the runs and of the bootstrap (default: the\n"
    "                        scenario's, or the ensemble's)\n"
    "  -t, --threads T       threads (default: OMP_NUM_THREADS or all cores)\n"
    "  -o, --out DIR2        where to write (default DIR/discover, or\n"
    "                        salient-out/discover for a scenario)\n"
    "  -q, --quiet           print nothing\n"
    "  -h, --help            show this help\n"
    "\n"
    "Results are the same bytes for any --threads.\n"
    "Exit status: 0 success; 1 a run failed or a file could not be written;\n"
    "2 bad usage, a bad condition or scenario, a damaged or edited\n"
    "DIR/results.sqlite (checked as 'salient report' checks it), or runs\n"
    "without what EXPR needs.\n";

typedef struct {
    const char *where, *method, *variant, *threshold, *box, *boxes, *boot, *max_qp;
    sal_disc_opts o;
    int cart;
} job;

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int number(const char *name, const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = s ? strtod(s, &end) : 0;
    if (s && (errno || end == s || *end || !(v >= lo && v <= hi))) {
        cli_error("discover", "--%s '%s' is not a number from %g to %g", name, s, lo, hi);
        return EXIT_USAGE;
    }
    if (s)
        *out = v;
    return 0;
}

static int options(job *j, const cli_args *a)
{
    if (!j->where || !*j->where) {
        cli_error("discover", "no --where EXPR given; see 'salient help discover'");
        return EXIT_USAGE;
    }
    if (j->method && strcmp(j->method, "prim") != 0 && strcmp(j->method, "cart") != 0) {
        cli_error("discover", "--method '%s': expected prim or cart", j->method);
        return EXIT_USAGE;
    }
    j->cart = j->method && strcmp(j->method, "cart") == 0;
    double thr = 0.8, box = 0, boxes = 1, boot = 20, qp = 0.05;
    if (number("threshold", j->threshold, 1e-9, 1, &thr) || number("box", j->box, 1, 1e6, &box) ||
        number("max-qp", j->max_qp, 1e-300, 1, &qp) ||
        number("boxes", j->boxes, 1, 100, &boxes) || number("bootstrap", j->boot, 0, 10000, &boot))
        return EXIT_USAGE;
    if (floor(box) != box || floor(boxes) != boxes || floor(boot) != boot) {
        cli_error("discover", "--box, --boxes and --bootstrap take whole numbers");
        return EXIT_USAGE;
    }
    j->o.threshold = thr;
    j->o.max_qp = qp;
    j->o.box = (size_t)box;
    j->o.boxes = (size_t)boxes;
    j->o.bootstrap = (unsigned)boot;
    j->o.threads = (int)a->threads;
    return 0;
}

/* The runs of a results directory, with what EXPR needs. */
static int runs_from_dir(const char *dir, job *j, sal_disc_runs *r, sal_disc_where **w,
                         char *db, size_t dbn)
{
    char why[512];
    snprintf(db, dbn, "%s/results.sqlite", dir);
    int st = cli_verify_results("discover", db); /* damage refused before any read */
    if (st)
        return st;
    int rc = sal_results_read_runs(db, r, why, sizeof why);
    if (rc != SAL_OK) {
        fprintf(stderr, "%s\n", rc == SAL_ENOMEM ? "salient discover: out of memory" : why);
        return rc == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
    }
    sal_disc_runs_guess_categorical(r);
    sal_diags *d = cli_diags("discover");
    if (!d)
        return EXIT_JOB;
    rc = sal_disc_where_compile(j->where, r, d, w);
    cli_print_diags(d);
    sal_diags_free(d);
    if (rc != SAL_OK)
        return rc == SAL_EINPUT ? EXIT_USAGE : EXIT_JOB;
    size_t np = sal_disc_where_pairs(*w, NULL, NULL, 0);
    size_t *pm = malloc((np + 1) * sizeof *pm);
    int *pd = malloc((np + 1) * sizeof *pd);
    rc = pm && pd ? SAL_OK : SAL_ENOMEM;
    if (rc == SAL_OK) {
        sal_disc_where_pairs(*w, pm, pd, np);
        rc = sal_results_read_pairs(db, r, pm, pd, np, why, sizeof why);
    }
    free(pm);
    free(pd);
    if (rc != SAL_OK)
        fprintf(stderr, "%s\n", rc == SAL_ENOMEM ? "salient discover: out of memory" : why);
    return rc == SAL_OK ? 0 : rc == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
}

/* The runs made here from a scenario. */
static int runs_from_scenario(const char *path, job *j, const cli_args *a, sal_disc_runs *r,
                              sal_disc_where **w, uint64_t *seed, char **name)
{
    if (a->runs == 0) {
        cli_error("discover", "%s is a scenario file: give --runs N (the runs to make), or an "
                              "ensemble's results directory", path);
        return EXIT_USAGE;
    }
    sal_model *m = NULL;
    sal_diags *d = NULL;
    int st = cli_read_job("discover", path, j->variant, &m, &d);
    if (st)
        return st;
    *seed = cli_seed_or(a, m->seed);
    int rc = sal_disc_runs_init_model(r, m);
    if (rc == SAL_OK)
        rc = sal_disc_where_compile(j->where, r, d, w);
    size_t np = rc == SAL_OK ? sal_disc_where_pairs(*w, NULL, NULL, 0) : 0;
    size_t *pm = malloc((np + 1) * sizeof *pm);
    int *pd = malloc((np + 1) * sizeof *pd);
    if (rc == SAL_OK && (!pm || !pd))
        rc = SAL_ENOMEM;
    if (rc == SAL_OK) {
        sal_disc_where_pairs(*w, pm, pd, np);
        rc = sal_disc_runs_simulate(r, m, *seed, a->runs, (int)a->threads, pm, pd, np, d);
    }
    free(pm);
    free(pd);
    cli_print_diags(d);
    if (rc == SAL_OK && m->name) {
        *name = malloc(strlen(m->name) + 1);
        if (*name)
            strcpy(*name, m->name);
    }
    sal_diags_free(d);
    sal_model_free(m);
    if (rc == SAL_ERANGE)
        cli_error("discover", "a run failed; nothing was written");
    else if (rc == SAL_ENOMEM)
        cli_error("discover", "out of memory");
    return rc == SAL_OK ? 0 : rc == SAL_EINPUT ? EXIT_USAGE : EXIT_JOB;
}

static void print_range(const sal_disc_result *r, const sal_disc_runs *runs, size_t b, size_t jx)
{
    const sal_disc_range *g = &r->boxes[b].box.range[jx];
    printf("    %-36s ", runs->inputs[jx]);
    if (r->nlevels[jx]) {
        printf("in {");
        int first = 1;
        for (size_t l = 0; l < r->nlevels[jx]; l++)
            if (g->levels >> l & 1) {
                printf("%s%g", first ? "" : ", ", r->levels[jx * SAL_DISC_MAX_LEVELS + l]);
                first = 0;
            }
        printf("}");
    } else if (isinf(g->lower)) {
        printf("<= %.6g", g->upper);
    } else if (isinf(g->upper)) {
        printf(">= %.6g", g->lower);
    } else {
        printf("in [%.6g, %.6g]", g->lower, g->upper);
    }
    printf("   (of %.6g .. %.6g)  quasi-p %.2g", r->lo[jx], r->hi[jx], r->boxes[b].qp[jx]);
    if (!isnan(r->boxes[b].stability[jx]))
        printf("  stability %.0f%%", 100 * r->boxes[b].stability[jx]);
    printf("\n");
}

static void print_result(const sal_disc_result *r, const sal_disc_runs *runs, size_t cases,
                         const job *j, const char *out)
{
    printf("%s on %zu runs, %zu cases of interest (%.1f%%): %s\n", j->cart ? "CART" : "PRIM",
           runs->n, cases, 100.0 * (double)cases / (double)runs->n, j->where);
    for (size_t b = 0; b < r->nboxes; b++) {
        const sal_disc_box *x = &r->boxes[b];
        if (x->nsteps) {
            const sal_disc_step *c = &x->steps[x->chosen];
            printf("box %zu: step %zu of %zu on the trajectory: coverage %.1f%%, density %.1f%%, "
                   "%zu inputs restricted; pasted, restrictions of quasi-p > %g dropped:\n", b + 1,
                   x->chosen, x->nsteps - 1, 100 * c->coverage, 100 * c->density, c->nrestricted,
                   j->o.max_qp > 0 ? j->o.max_qp : 0.05);
        }
        printf("box %zu: coverage %.1f%%, density %.1f%%, mass %.1f%%%s\n", b + 1,
               100 * x->box.coverage, 100 * x->box.density, 100 * x->box.mass,
               x->met ? "" : " (below the threshold)");
        for (size_t jx = 0; jx < r->p; jx++)
            if (!isnan(x->qp[jx]))
                print_range(r, runs, b, jx);
    }
    if (r->nboxes == 0)
        printf("no box: no leaf of the tree where the cases of interest are the majority\n");
    size_t nirr = 0;
    for (size_t jx = 0; jx < r->p; jx++)
        nirr += (size_t)r->irrelevant[jx];
    printf("irrelevant (no box restricts them with quasi-p <= 0.05): %zu of %zu inputs\n", nirr,
           r->p);
    printf("Wrote %s/boxes.csv, trajectory.csv, results.sqlite and report.html\n", out);
}

static const char *const out_names[] = {"boxes.csv", "trajectory.csv", "results.sqlite",
                                        "report.html"};
enum { NOUT = sizeof out_names / sizeof *out_names };

/* Removes what this job committed in out: a failed report.html leaves no
 * partial set of files. */
static void remove_outputs(const char *out)
{
    char path[PATH_MAX + 64];
    for (int i = 0; i < NOUT; i++) {
        snprintf(path, sizeof path, "%s/%s", out, out_names[i]);
        remove(path);
    }
}

/* The results and report.html into out, locked against other jobs (as every
 * command's output directory: cli_lock_dir) from the first file to exit;
 * the directory is made only now, once there is something to write, and
 * the files appear all together or not at all. */
static int write_out(const char *out, const sal_disc_result *r, const sal_disc_runs *runs,
                     const unsigned char *y, const sal_disc_meta *meta)
{
    if (sal_mkdirs(out) != SAL_OK) {
        cli_error("discover", "cannot create the directory '%s': %s", out, strerror(errno));
        return EXIT_JOB;
    }
    int st = cli_lock_dir("discover", out);
    if (st)
        return st;
    cli_sweep(out, out_names, NOUT);
    /* caught until the files are written or removed: a Ctrl-C must not
     * leave temporaries or half of the files behind */
    cli_signals_catch();
    if (sal_disc_write(out, r, runs, y, meta) != SAL_OK) {
        cli_error("discover", "cannot write the results into %s: %s; nothing was written", out,
                  strerror(errno));
        st = EXIT_JOB;
    } else {
        sal_diags *dg = cli_diags("discover");
        if (!dg || sal_report_write(out, dg) != SAL_OK) {
            if (dg)
                cli_print_diags(dg);
            remove_outputs(out);
            cli_error("discover", "cannot write %s/report.html; nothing was written", out);
            st = EXIT_JOB;
        }
        sal_diags_free(dg);
    }
    cli_signals_restore();
    return st;
}

static int discover(job *j, sal_disc_runs *runs, sal_disc_where *w, const char *out,
                    sal_disc_meta *meta, int quiet)
{
    char why[512];
    unsigned char *y = malloc(runs->n + 1);
    if (!y)
        return EXIT_JOB;
    int rc = sal_disc_where_label(w, runs, y, why, sizeof why);
    if (rc != SAL_OK) {
        cli_error("discover", "%s", rc == SAL_ENOMEM ? "out of memory" : why);
        free(y);
        return rc == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
    }
    size_t cases = 0;
    for (size_t i = 0; i < runs->n; i++)
        cases += y[i];
    sal_disc_data d = {runs->n, runs->ninputs, runs->x, y, runs->w, runs->categorical};
    sal_disc_result *r = NULL;
    rc = j->cart ? sal_cart(&d, &j->o, &r, why, sizeof why) : sal_prim(&d, &j->o, &r, why, sizeof why);
    if (rc != SAL_OK) {
        cli_error("discover", "%s", rc == SAL_ENOMEM ? "out of memory" : why);
        free(y);
        return rc == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
    }
    meta->threshold = j->o.threshold;
    int st = write_out(out, r, runs, y, meta);
    if (!st && !quiet)
        print_result(r, runs, cases, j, out);
    sal_disc_result_free(r);
    free(y);
    return st;
}

static int run_discover(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPT_RUNS, CLI_OPT_THREADS, CLI_OPT_SEED, CLI_OPT_OUT, CLI_OPT_QUIET, CLI_OPT_HELP,
        {"where", required_argument, NULL, 'w'},
        {"method", required_argument, NULL, 'm'},
        {"threshold", required_argument, NULL, 'T'},
        {"box", required_argument, NULL, 'k'},
        {"boxes", required_argument, NULL, 'K'},
        {"bootstrap", required_argument, NULL, 'b'},
        {"variant", required_argument, NULL, 'v'},
        {"max-qp", required_argument, NULL, 'P'},
        CLI_OPT_END,
    };
    job j = {0};
    int c;
    cli_args a = cli_args_start(&cmd_discover, NULL);
    while ((c = cli_getopt(&a, argc, argv, ":n:t:s:o:qhw:m:T:k:K:b:v:P:", opts)) > 0) {
        switch (c) {
        case 'w': j.where = optarg; break;
        case 'm': j.method = optarg; break;
        case 'T': j.threshold = optarg; break;
        case 'k': j.box = optarg; break;
        case 'K': j.boxes = optarg; break;
        case 'b': j.boot = optarg; break;
        case 'v': j.variant = optarg; break;
        case 'P': j.max_qp = optarg; break;
        default: break;
        }
    }
    if (a.status >= 0)
        return a.status;
    const char *src = cli_operand("discover", argc, argv,
                                  "no DIR or SCENARIO given; see 'salient help discover'",
                                  "expected one DIR or SCENARIO");
    if (!src || options(&j, &a) || cli_seed_check(&a))
        return EXIT_USAGE;
    sal_disc_runs runs = {0};
    sal_disc_where *w = NULL;
    char db[PATH_MAX + 32] = "", dflt[PATH_MAX + 32], *name = NULL;
    uint64_t seed = 0;
    int dir = is_dir(src), st;
    struct stat any;
    if (!dir && stat(src, &any) != 0) {
        cli_error("discover", "%s: no such results directory or scenario file", src);
        return EXIT_USAGE;
    }
    if (dir) {
        st = runs_from_dir(src, &j, &runs, &w, db, sizeof db);
        seed = cli_seed_or(&a, runs.seed);
        snprintf(dflt, sizeof dflt, "%s/discover", src);
    } else {
        st = runs_from_scenario(src, &j, &a, &runs, &w, &seed, &name);
        snprintf(dflt, sizeof dflt, "salient-out/discover");
    }
    j.o.seed = seed;
    const char *out = cli_outdir(&a, dflt);
    if (!out)
        st = EXIT_USAGE;
    if (!st && dir) {
        struct stat s1, s2;
        if (stat(src, &s1) == 0 && stat(out, &s2) == 0 && s1.st_dev == s2.st_dev &&
            s1.st_ino == s2.st_ino) {
            cli_error("discover", "--out %s would overwrite the ensemble's results; expected "
                                  "another directory", out);
            st = EXIT_USAGE;
        }
    }
    sal_disc_meta meta = {.method = j.cart ? "cart" : "prim", .where = j.where,
                          .source = dir ? db : NULL, .scenario = name, .seed = seed};
    if (!st)
        st = discover(&j, &runs, w, out, &meta, a.quiet);
    free(name);
    sal_disc_where_free(w);
    sal_disc_runs_free(&runs);
    return st;
}

const cli_command cmd_discover = {
    "discover", run_discover,
    "scenario discovery: the input ranges that lead to an outcome (PRIM, CART)", usage,
};

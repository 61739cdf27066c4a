/* salient theses — a study of a scenario and the theses of its seed
 * analyses: the base ensemble, every variant against the base on common
 * random numbers, Sobol' indices, each thesis's verdict; written to DIR whole
 * or not at all.  With no file, the flagship built into the binary.  Also
 * the main job (cli_default_study, run by 'salient' alone). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "salient/date.h"
#include "salient/study.h"

#include "salient/report.h"

static const char usage[] =
    "usage: salient theses [THESES.yaml] [--runs N] [--threads T] [--seed S]\n"
    "                      [--out DIR] [--markdown] [--quiet] [--posterior DIR]\n"
    "\n"
    "Runs the study of a theses file (docs/theses.md): the scenario it names, its\n"
    "base ensemble, every variant against the base on common random numbers, the\n"
    "Sobol' indices of the metrics under 'sensitivity', and each thesis tested on\n"
    "them (supported, contradicted or uncertain, with the numbers).  With no file,\n"
    "the flagship built into salient (scenarios/kursk-2024.theses.yaml).  Writes\n"
    "  DIR/quantiles.csv, events.csv, runs.csv   the base ensemble\n"
    "  DIR/compare.csv     every variant against the base (a variant column)\n"
    "  DIR/sobol.csv       metric,input,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi\n"
    "  DIR/theses.csv      id,seed,claim,test,expect,value,lo,hi,probability,\n"
    "                      verdict,summary\n"
    "  DIR/discover.csv    the boxes of the file's discovery questions (if any)\n"
    "  DIR/results.sqlite  all of it, with event curves, the variants' summaries\n"
    "                      and the provenance of every number (docs/theses.md)\n"
    "Every file is written whole or not at all and the bytes are the same for any\n"
    "number of threads.  On a terminal a progress line shows the runs; Ctrl-C\n"
    "writes the parts finished, marked by DIR/PARTIAL (exit 1).\n"
    "\n"
    "Options:\n"
    "  -n, --runs N          runs per variant (default: the file's study.runs, else 1000)\n"
    "  -t, --threads T       OpenMP threads (default: OMP_NUM_THREADS or all cores)\n"
    "  -s, --seed S          the random seed (default: the scenario's seed)\n"
    "  -o, --out DIR         where to write (default salient-out/theses; created)\n"
    "  -m, --markdown        print the theses table as Markdown (docs/theses.md) instead\n"
    "                        of the summary; files are then written only with --out\n"
    "  -q, --quiet           no summary on stdout\n"
    "      --posterior DIR   the base and every variant continue from the particles of\n"
    "                        'salient calibrate ... --out DIR' (docs/calibration.md);\n"
    "                        Sobol' indices stay on the priors\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 success; 1 a run failed, the files could not be written or the\n"
    "study was interrupted; 2 bad usage, a bad theses file or scenario (nothing run).\n";

/* Whether event e is named by a thesis (the summary's events when there are
 * many). */
static int thesis_event(const sal_theses *t, const char *e)
{
    for (size_t i = 0; i < t->ntheses; i++)
        if (t->theses[i].event && strcmp(t->theses[i].event, e) == 0)
            return 1;
    return 0;
}

/* Items separated by ", " and wrapped at 100 columns, continuation lines
 * indented by 4. */
static void wrap_item(int *col, int *first, const char *item)
{
    int w = (int)strlen(item) + (*first ? 0 : 2);
    if (!*first) {
        if (*col + w > 100) {
            fputs(",\n    ", stdout);
            *col = 4;
        } else {
            fputs(", ", stdout);
        }
    }
    fputs(item, stdout);
    *col += w;
    *first = 0;
}

/* Box b's restriction of input j: "x >= 3", "x <= 5", "x in [3, 5]",
 * "x in {1, 3}". */
static void print_restriction(const sal_disc_result *r, const sal_disc_range *g, size_t j,
                              const char *name)
{
    printf(" %s", name);
    if (r->nlevels[j]) {
        printf(" in {");
        for (size_t l = 0, k = 0; l < r->nlevels[j]; l++)
            if (g->levels >> l & 1)
                printf("%s%g", k++ ? ", " : "", r->levels[j * SAL_DISC_MAX_LEVELS + l]);
        printf("}");
    } else if (isinf(g->lower)) {
        printf(" <= %.4g", g->upper);
    } else if (isinf(g->upper)) {
        printf(" >= %.4g", g->lower);
    } else {
        printf(" in [%.4g, %.4g]", g->lower, g->upper);
    }
}

/* Each discovery question's first box, or why it has none. */
static void print_questions(const sal_study *s)
{
    const sal_theses *t = s->theses;
    if (!t->nquestions || !s->disc)
        return;
    printf("  in which worlds (discover.csv):\n");
    for (size_t i = 0; i < t->nquestions; i++) {
        const sal_disc_result *r = s->disc[i];
        printf("    %s: ", t->questions[i].id);
        if (!r) {
            printf("no answer: %s\n", s->disc_why[i][0] ? s->disc_why[i] : "not run");
            continue;
        }
        printf("%zu cases of %zu runs", s->disc_cases[i], s->disc_runs->n);
        if (r->nboxes == 0) {
            printf("; no box\n");
            continue;
        }
        const sal_disc_box *x = &r->boxes[0];
        printf("; box: coverage %.0f%%, density %.0f%%, mass %.0f%%:", 100 * x->box.coverage,
               100 * x->box.density, 100 * x->box.mass);
        size_t k = 0;
        for (size_t j = 0; j < r->p; j++)
            if (!isnan(x->qp[j])) {
                printf("%s", k++ ? ";" : "");
                print_restriction(r, &x->box.range[j], j, s->disc_runs->inputs[j]);
            }
        printf("%s\n", k ? "" : " no input restricted");
    }
}

static void print_summary(const sal_study *s, const char *dir, int files)
{
    const sal_model *m = s->base;
    const sal_theses *t = s->theses;
    uint32_t h = (uint32_t)m->horizon;
    char d1[11], a[32], b[32], c[32], item[200];
    sal_date_format(sal_date_to_days(m->start_year, m->start_month, m->start_day) + h, d1);
    printf("%s: %llu runs for the base and each of %zu variants, seed %llu, to %s\n",
           m->name ? m->name : "study", (unsigned long long)s->runs_done, s->nvariants,
           (unsigned long long)s->opts.seed, d1);
    printf("  %-26s %10s  [" CLI_BAND "]\n", "on that day", "median");
    for (size_t k = 0; k < m->nmetrics && k < 6; k++)
        printf("  %-26s %10s  [%s to %s]\n", m->metrics[k].name,
               cli_num(a, sizeof a, sal_summary_quantile(s->summary, (uint32_t)k, h, 0.5)),
               cli_num(b, sizeof b, sal_summary_quantile(s->summary, (uint32_t)k, h, 0.05)),
               cli_num(c, sizeof c, sal_summary_quantile(s->summary, (uint32_t)k, h, 0.95)));
    if (m->nmetrics > 6)
        printf("  ... and %zu more metrics in %s/quantiles.csv\n", m->nmetrics - 6, dir);
    int col = printf("  P(by %s): ", d1), first = 1;
    for (size_t e = 0; e < m->nevents; e++) {
        if (m->nevents > 8 && !thesis_event(t, m->events[e]))
            continue;
        snprintf(item, sizeof item, "%s %.0f%%", m->events[e],
                 100 * sal_summary_event_probability(s->summary, (uint32_t)e));
        wrap_item(&col, &first, item);
    }
    putchar('\n');
    int nv[3] = {0, 0, 0};
    for (size_t i = 0; i < t->ntheses; i++)
        if (s->evaluated[i])
            nv[s->results[i].verdict]++;
    printf("  theses: %d supported, %d contradicted, %d uncertain (of %zu; %s/theses.csv)\n",
           nv[SAL_VERDICT_SUPPORTED], nv[SAL_VERDICT_CONTRADICTED], nv[SAL_VERDICT_UNCERTAIN],
           t->ntheses, dir);
    for (int v = SAL_VERDICT_CONTRADICTED; v >= SAL_VERDICT_UNCERTAIN; v -= 2) {
        if (!nv[v])
            continue;
        col = printf("    %s: ", sal_verdict_name((sal_verdict)v));
        first = 1;
        for (size_t i = 0; i < t->ntheses; i++)
            if (s->evaluated[i] && (int)s->results[i].verdict == v)
                wrap_item(&col, &first, t->theses[i].id);
        putchar('\n');
    }
    print_questions(s);
    if (files)
        printf("wrote %s/: theses.csv quantiles.csv events.csv runs.csv compare.csv sobol.csv "
               "%sresults.sqlite\n",
               dir, t->nquestions ? "discover.csv " : "");
}

/* The temporaries of writers killed in DIR (SIGKILL, power loss) removed:
 * every name a study writes, its report included. */
static void sweep_dir(const char *dir)
{
    static const char *const names[] = {"quantiles.csv", "events.csv",  "runs.csv",
                                        "compare.csv",   "sobol.csv",   "theses.csv",
                                        "results.sqlite", "report.html", "PARTIAL",
                                        "discover.csv"};
    cli_sweep(dir, names, sizeof names / sizeof *names);
}

/* The theses file at path (NULL: the flagship's, built in) and its
 * scenario into *t and *s; 0, or the exit status after the messages. */
static int study_load(const char *path, sal_diags *d, sal_theses **t, sal_study **s)
{
    int rc;
    if (path)
        rc = sal_theses_read(path, d, t);
    else
        rc = sal_theses_read_buffer((const char *)sal_flagship_theses, sal_flagship_theses_len,
                                    "scenarios/kursk-2024.theses.yaml (built in)", d, t);
    if (rc == SAL_OK)
        rc = path ? sal_study_load(*t, NULL, 0, NULL, d, s)
                  : sal_study_load(*t, (const char *)sal_flagship_yaml, sal_flagship_yaml_len,
                                   "scenarios/kursk-2024.yaml (built in)", d, s);
    if (rc == SAL_OK)
        return 0;
    cli_print_diags(d);
    if (rc == SAL_ENOMEM)
        cli_error("theses", "out of memory");
    else
        fprintf(stderr, "%s: %zu error%s; nothing was run\n", path ? path : "built-in study",
                sal_diags_count(d), sal_diags_count(d) == 1 ? "" : "s");
    return rc == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
}

/* The files of study s into dir, locked from here to their end (the study
 * before it writes nothing), and run.json (a->threads; the input hashed is
 * the theses file at path, NULL: the built-in flagship); 0 or the exit
 * status after the messages. */
static int study_files(const sal_study *s, const char *dir, const cli_args *a, const char *path,
                       sal_diags *d)
{
    if (sal_mkdirs(dir) != SAL_OK) {
        cli_error("theses", "cannot create the directory '%s': %s", dir, strerror(errno));
        return EXIT_JOB;
    }
    int status = cli_lock_dir("theses", dir);
    if (status != 0)
        return status;
    sweep_dir(dir);
    if (sal_study_write(s, dir, d) != SAL_OK) {
        cli_print_diags(d);
        cli_error("theses", "nothing was written in '%s'", dir);
        return EXIT_JOB;
    }
    if (cli_write_runinfo("theses", dir, (int)a->threads, 1, s->opts.seed, path, NULL))
        return EXIT_JOB;
    return 0;
}

/* dir/report.html from the study's files; 0 or EXIT_JOB. */
static int study_report(const char *dir, const cli_args *a)
{
    int status = 0;
    sal_diags *rd = sal_diags_alloc();
    if (!rd || sal_report_write(dir, rd) != SAL_OK) {
        if (rd)
            cli_print_diags(rd);
        cli_error(NULL, "cannot write %s/report.html", dir);
        status = EXIT_JOB;
    } else if (!a->quiet) {
        printf("report: %s/report.html\n", dir);
    }
    sal_diags_free(rd);
    return status;
}

/* Shared by 'salient theses' and the main job (a: --runs, --threads,
 * --seed, --quiet, --stop-after).  path NULL: the flagship. */
int cli_study_main(const char *path, const cli_args *a, const cli_study_out *out)
{
    sal_theses *t = NULL;
    sal_study *s = NULL;
    const char *dir = out->dir;
    sal_posterior post;
    memset(&post, 0, sizeof post);
    sal_diags *d = cli_diags("theses");
    if (!d)
        return EXIT_JOB;
    int status = study_load(path, d, &t, &s);
    if (status != 0)
        goto done;
    if (cli_seed_check(a)) {
        status = EXIT_USAGE;
        goto done;
    }
    uint64_t runs = a->runs ? a->runs : t->runs ? t->runs : 1000;
    if (cli_read_posterior("theses", out->posterior, s->base, &post) != 0) {
        status = EXIT_USAGE;
        goto done;
    }
    cli_progress prog;
    cli_progress_init(&prog, a->stop_after);
    sal_study_opts o = {.runs = runs, .seed = cli_seed_or(a, s->base->seed),
                        .threads = (int)a->threads, .sobol_base = t->sobol_base, .progress = cli_progress_update,
                        .ctx = &prog, .posterior = out->posterior ? &post : NULL};
    /* caught until the files are written or removed: a second Ctrl-C must
     * not leave temporaries behind */
    cli_signals_catch();
    int rc = sal_study_run(s, &o, d);
    cli_progress_end(&prog);
    if (rc != SAL_OK && rc != SAL_EINTR) {
        cli_print_diags(d);
        cli_error("theses", "the study failed (%s); nothing was written", sal_strstatus(rc));
        status = EXIT_JOB;
        goto done;
    }
    if (out->files && (status = study_files(s, dir, a, path, d)) != 0)
        goto done;
    cli_signals_restore();
    if (out->markdown)
        sal_study_write_markdown(s, stdout);
    else if (!a->quiet)
        print_summary(s, dir, out->files);
    if (out->after && out->files && !s->partial && out->after(s, dir, a, out->ctx) != 0)
        status = EXIT_JOB;
    if (out->report && out->files && !status)
        status = study_report(dir, a);
    if (s->partial) {
        fprintf(stderr, "salient theses: interrupted: the parts finished were written (%s/PARTIAL)\n",
                dir);
        status = EXIT_JOB;
    }
done:
    cli_signals_restore();
    sal_posterior_clear(&post);
    sal_study_free(s);
    sal_theses_free(t);
    sal_diags_free(d);
    return status;
}

static int run_theses(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_OPT_RUNS, CLI_OPT_THREADS, CLI_OPT_SEED, CLI_OPT_OUT, CLI_OPT_QUIET,
        CLI_OPT_STOP_AFTER, CLI_OPT_HELP,
        {"markdown", no_argument, NULL, 'm'},
        {"posterior", required_argument, NULL, 1000},
        CLI_OPT_END,
    };
    cli_study_out out = {0};
    cli_args a = cli_args_start(&cmd_theses, NULL);
    /* --markdown and --posterior are its own options */
    int c;
    while ((c = cli_getopt(&a, argc, argv, ":n:t:s:o:mqh", opts)) > 0) {
        if (c == 'm')
            out.markdown = 1;
        else
            out.posterior = optarg;
    }
    if (a.status >= 0)
        return a.status;
    if (argc - optind > 1) {
        cli_error("theses", "more than one theses FILE given; see 'salient help theses'");
        return EXIT_USAGE;
    }
    out.dir = cli_outdir(&a, "salient-out/theses");
    if (!out.dir)
        return EXIT_USAGE;
    out.files = !out.markdown || a.out; /* with --markdown, files only with --out */
    return cli_study_main(argc - optind == 1 ? argv[optind] : NULL, &a, &out);
}

const cli_command cmd_theses = {
    "theses", run_theses,
    "a study: base, variants on common random numbers, Sobol' indices, theses tested", usage,
};

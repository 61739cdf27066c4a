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

/* The flagship scenario and its theses, carried in the binary (Makefile,
 * EMBED_CLI). */
extern const unsigned char sal_flagship_yaml[];
extern const size_t sal_flagship_yaml_len;
extern const unsigned char sal_flagship_theses[];
extern const size_t sal_flagship_theses_len;

#include "salient/report.h"

static const char usage[] =
    "usage: salient theses [THESES.yaml] [--runs N] [--threads T] [--seed S]\n"
    "                      [--out DIR] [--markdown] [--quiet]\n"
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
    "      --stop-after K    (for tests) stop as if interrupted once K runs are done\n"
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

/* A number for the summary: whole above 1000, else 4 significant figures. */
static const char *num(char *b, size_t n, double x)
{
    if (fabs(x) >= 1000)
        snprintf(b, n, "%.0f", x);
    else
        snprintf(b, n, "%.4g", x);
    return b;
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
    printf("  %-26s %10s  %s\n", "on that day", "median", "[90% band]");
    for (size_t k = 0; k < m->nmetrics && k < 6; k++)
        printf("  %-26s %10s  [%s, %s]\n", m->metrics[k].name,
               num(a, sizeof a, sal_summary_quantile(s->summary, (uint32_t)k, h, 0.5)),
               num(b, sizeof b, sal_summary_quantile(s->summary, (uint32_t)k, h, 0.05)),
               num(c, sizeof c, sal_summary_quantile(s->summary, (uint32_t)k, h, 0.95)));
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
    if (files)
        printf("wrote %s/: theses.csv quantiles.csv events.csv runs.csv compare.csv sobol.csv "
               "results.sqlite\n",
               dir);
}

/* The temporaries of writers killed in DIR (SIGKILL, power loss) removed:
 * every name a study writes, its report included. */
static void sweep_dir(const char *dir)
{
    static const char *const names[] = {"quantiles.csv", "events.csv",  "runs.csv",
                                        "compare.csv",   "sobol.csv",   "theses.csv",
                                        "results.sqlite", "report.html", "PARTIAL"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        sal_outfile_sweep(dir, names[i]);
}

/* Shared by 'salient theses' and the main job.  path NULL: the flagship. */
static int study_main(const char *path, uint64_t runs, uint64_t threads, const char *seed_s,
                      const char *dir, int write_files, int markdown, int quiet,
                      uint64_t stop_after, int report)
{
    int status = 0;
    sal_theses *t = NULL;
    sal_study *s = NULL;
    sal_diags *d = sal_diags_alloc();
    if (!d) {
        cli_error("theses", "out of memory");
        return EXIT_JOB;
    }
    int rc;
    if (path)
        rc = sal_theses_read(path, d, &t);
    else
        rc = sal_theses_read_buffer((const char *)sal_flagship_theses, sal_flagship_theses_len,
                                    "scenarios/kursk-2024.theses.yaml (built in)", d, &t);
    if (rc == SAL_OK)
        rc = path ? sal_study_load(t, NULL, 0, NULL, d, &s)
                  : sal_study_load(t, (const char *)sal_flagship_yaml, sal_flagship_yaml_len,
                                   "scenarios/kursk-2024.yaml (built in)", d, &s);
    if (rc != SAL_OK) {
        cli_print_diags(d);
        if (rc == SAL_ENOMEM)
            cli_error("theses", "out of memory");
        else
            fprintf(stderr, "%s: %zu error%s; nothing was run\n", path ? path : "built-in study",
                    sal_diags_count(d), sal_diags_count(d) == 1 ? "" : "s");
        status = rc == SAL_ENOMEM ? EXIT_JOB : EXIT_USAGE;
        goto done;
    }
    uint64_t seed = s->base->seed;
    if (seed_s && cli_parse_u64(seed_s, &seed) != 0) {
        cli_error("theses", "the seed '%s' is not a whole number from 0 to 18446744073709551615",
                  seed_s);
        status = EXIT_USAGE;
        goto done;
    }
    if (!runs)
        runs = t->runs ? t->runs : 1000;
    cli_progress prog;
    cli_progress_init(&prog, stop_after);
    sal_study_opts o = {.runs = runs, .seed = seed, .threads = (int)threads,
                        .sobol_base = t->sobol_base, .progress = cli_progress_update,
                        .ctx = &prog};
    /* caught until the files are written or removed: a second Ctrl-C must
     * not leave temporaries behind */
    cli_signals_catch();
    rc = sal_study_run(s, &o, d);
    cli_progress_end(&prog);
    if (rc != SAL_OK && rc != SAL_EINTR) {
        cli_print_diags(d);
        cli_error("theses", "the study failed (%s); nothing was written", sal_strstatus(rc));
        status = EXIT_JOB;
        goto done;
    }
    if (write_files) {
        sweep_dir(dir);
        rc = sal_study_write(s, dir, d);
        if (rc != SAL_OK) {
            cli_print_diags(d);
            cli_error("theses", "nothing was written in '%s'", dir);
            status = EXIT_JOB;
            goto done;
        }
    }
    cli_signals_restore();
    if (markdown)
        sal_study_write_markdown(s, stdout);
    else if (!quiet)
        print_summary(s, dir, write_files);
    if (report && write_files) {
        sal_diags *rd = sal_diags_alloc();
        if (!rd || sal_report_write(dir, rd) != SAL_OK) {
            if (rd)
                cli_print_diags(rd);
            cli_error(NULL, "cannot write %s/report.html", dir);
            status = EXIT_JOB;
        } else if (!quiet) {
            printf("report: %s/report.html\n", dir);
        }
        sal_diags_free(rd);
    }
    if (s->partial) {
        fprintf(stderr, "salient theses: interrupted: the parts finished were written (%s/PARTIAL)\n",
                dir);
        status = EXIT_JOB;
    }
done:
    cli_signals_restore();
    sal_study_free(s);
    sal_theses_free(t);
    sal_diags_free(d);
    return status;
}

int cli_default_study(void)
{
    return study_main(NULL, 0, 0, NULL, "salient-out", 1, 0, 0, 0, 1);
}

static int run_theses(int argc, char **argv)
{
    enum { OPT_STOP = 1000 };
    static const struct option opts[] = {
        {"runs", required_argument, NULL, 'n'},
        {"threads", required_argument, NULL, 't'},
        {"seed", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'},
        {"markdown", no_argument, NULL, 'm'},
        {"quiet", no_argument, NULL, 'q'},
        {"stop-after", required_argument, NULL, OPT_STOP},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL, *seed_s = NULL;
    uint64_t runs = 0, threads = 0, stop_after = 0;
    int markdown = 0, quiet = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":n:t:s:o:mqh", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (cli_parse_u64(optarg, &runs) != 0 || runs == 0 || runs > UINT32_MAX) {
                cli_error("theses", "--runs '%s' is not a whole number from 1 to 4294967295",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        case 't':
            if (cli_parse_u64(optarg, &threads) != 0 || threads == 0 || threads > 1024) {
                cli_error("theses", "--threads '%s' is not a whole number from 1 to 1024",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        case 's': seed_s = optarg; break;
        case 'o': dir = optarg; break;
        case 'm': markdown = 1; break;
        case 'q': quiet = 1; break;
        case OPT_STOP:
            if (cli_parse_u64(optarg, &stop_after) != 0) {
                cli_error("theses", "--stop-after '%s' is not a whole number", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h': fputs(usage, stdout); return 0;
        case ':':
            cli_error("theses", "option '%s' needs a value; see 'salient help theses'",
                      argv[optind - 1]);
            return EXIT_USAGE;
        default:
            cli_error("theses", "unknown option '%s'; see 'salient help theses'",
                      argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (argc - optind > 1) {
        cli_error("theses", "more than one theses FILE given; see 'salient help theses'");
        return EXIT_USAGE;
    }
    if (dir && !*dir) {
        cli_error("theses", "the output directory is empty; expected --out DIR");
        return EXIT_USAGE;
    }
    int write_files = !markdown || dir;
    return study_main(argc - optind == 1 ? argv[optind] : NULL, runs, threads, seed_s,
                      dir ? dir : "salient-out/theses", write_files, markdown, quiet, stop_after,
                      0);
}

const cli_command cmd_theses = {
    "theses", run_theses,
    "a study: base, variants on common random numbers, Sobol' indices, theses tested", usage,
};

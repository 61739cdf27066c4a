/* salient CLI — the options and operands the commands share: one reading of
 * --runs, --threads, --stop-after, --seed, --out, --quiet and --help, and
 * one wording of every message about them. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    for (const char *q = s; *q; q++)
        if (*q < '0' || *q > '9')
            return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

cli_args cli_args_start(const cli_command *cmd, const char *own)
{
    optind = 1;
    opterr = 0;
    return (cli_args){.cmd = cmd, .own = own, .status = -1};
}

int cli_count(const char *cmd, const char *name, const char *arg, uint64_t *out)
{
    if (cli_parse_u64(arg, out) == 0)
        return 0;
    cli_error(cmd, "--%s '%s' is not a whole number", name, arg);
    return EXIT_USAGE;
}

int cli_range(const char *cmd, const char *name, const char *arg, uint64_t lo,
                    uint64_t hi, uint64_t *out)
{
    if (cli_parse_u64(arg, out) == 0 && *out >= lo && *out <= hi)
        return 0;
    cli_error(cmd, "--%s '%s' is not a whole number from %llu to %llu", name, arg,
              (unsigned long long)lo, (unsigned long long)hi);
    return EXIT_USAGE;
}

/* The long name of the option getopt_long returned as c, NULL for none. */
static const char *long_name(const struct option *opts, int c)
{
    for (; opts->name; opts++)
        if (opts->val == c)
            return opts->name;
    return NULL;
}

/* Reads option c if it is a shared one; 1 when it was (a->status set if it
 * ends the command), 0 when it is the command's own. */
static int shared(cli_args *a, int c, const char *name, char **argv)
{
    const char *cmd = a->cmd->name;
    if (c == ':' || c == '?') {
        cli_error(cmd, c == ':' ? "option '%s' needs a value; see 'salient help %s'"
                                : "unknown option '%s'; see 'salient help %s'",
                  argv[optind - 1], cmd);
        a->status = EXIT_USAGE;
        return 1;
    }
    if (!name || (a->own && strcmp(name, a->own) == 0))
        return 0;
    int bad = 0;
    if (strcmp(name, "runs") == 0) {
        bad = cli_range(cmd, name, optarg, 1, UINT32_MAX, &a->runs);
    } else if (strcmp(name, "threads") == 0) {
        bad = cli_range(cmd, name, optarg, 1, 1024, &a->threads);
    } else if (strcmp(name, "stop-after") == 0) {
        bad = cli_count(cmd, name, optarg, &a->stop_after);
    } else if (strcmp(name, "seed") == 0) {
        a->seed = optarg;
    } else if (strcmp(name, "out") == 0) {
        a->out = optarg;
    } else if (strcmp(name, "quiet") == 0) {
        a->quiet = 1;
    } else if (strcmp(name, "help") == 0) {
        cli_usage(a->cmd, stdout);
        a->status = 0;
    } else {
        return 0;
    }
    if (bad)
        a->status = EXIT_USAGE;
    return 1;
}

/* The entry of opts named exactly name (n bytes), NULL for none. */
static const struct option *exact(const struct option *opts, const char *name, size_t n)
{
    for (; opts->name; opts++)
        if (strlen(opts->name) == n && strncmp(opts->name, name, n) == 0)
            return opts;
    return NULL;
}

/* "unknown option '--run'; did you mean '--runs'?" (did-you-mean from the
 * library's suggestions over the command's own long names). */
static void unknown_long(const char *cmd, const char *arg, size_t n,
                         const struct option *opts)
{
    const char *names[64];
    size_t k = 0;
    char word[65];
    for (; opts->name && k < 64; opts++)
        names[k++] = opts->name;
    snprintf(word, sizeof word, "%.*s", (int)(n < 64 ? n : 64), arg + 2);
    const char *near = sal_suggest(word, names, k);
    const char *help = cmd ? cmd : "";
    if (near)
        cli_error(cmd, "unknown option '%.*s'; did you mean '--%s'?", (int)n + 2, arg, near);
    else
        cli_error(cmd, "unknown option '%.*s'; see 'salient help %s'", (int)n + 2, arg, help);
}

/* 1 when the short option arg (a lone "-x") takes its value from the next
 * argument. */
static int short_takes_next(const char *arg, const char *shortopts)
{
    if (arg[1] == '\0' || arg[2] != '\0' || arg[1] == ':')
        return 0;
    const char *p = strchr(shortopts, arg[1]);
    return p && p[1] == ':';
}

int cli_long_check(const char *cmd, int argc, char **argv, const char *shortopts,
                   const struct option *opts)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "--") == 0)
            return 0;
        if (s[0] != '-' || s[1] == '\0')
            continue;
        if (s[1] != '-') {
            i += short_takes_next(s, shortopts);
            continue;
        }
        size_t n = strcspn(s + 2, "=");
        const struct option *o = exact(opts, s + 2, n);
        if (!o) { /* getopt_long would take a prefix ("--run" for "--runs"): no */
            unknown_long(cmd, s, n, opts);
            return EXIT_USAGE;
        }
        if (o->has_arg == required_argument && s[2 + n] != '=')
            i++;
    }
    return 0;
}

int cli_getopt(cli_args *a, int argc, char **argv, const char *shortopts,
               const struct option *opts)
{
    int c;
    if (!a->scanned) {
        a->scanned = 1;
        if (cli_long_check(a->cmd->name, argc, argv, shortopts, opts))
            a->status = EXIT_USAGE;
    }
    while (a->status < 0 && (c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1)
        if (!shared(a, c, long_name(opts, c), argv))
            return c;
    return 0;
}

const char *cli_operand(const char *cmd, int argc, char **argv, const char *none,
                        const char *many)
{
    if (argc - optind == 1)
        return argv[optind];
    cli_error(cmd, "%s; see 'salient help %s'", argc - optind < 1 ? none : many, cmd);
    return NULL;
}

const char *cli_scenario_operand(const char *cmd, int argc, char **argv)
{
    return cli_operand(cmd, argc, argv, "no scenario FILE given", "more than one FILE given");
}

int cli_seed_check(const cli_args *a)
{
    uint64_t seed;
    if (!a->seed || cli_parse_u64(a->seed, &seed) == 0)
        return 0;
    cli_error(a->cmd->name, "--seed '%s' is not a whole number from 0 to 18446744073709551615",
              a->seed);
    return EXIT_USAGE;
}

uint64_t cli_seed_or(const cli_args *a, uint64_t dflt)
{
    uint64_t seed = dflt;
    if (a->seed && cli_parse_u64(a->seed, &seed) != 0)
        seed = dflt; /* refused by cli_seed_check before */
    return seed;
}

const char *cli_outdir(const cli_args *a, const char *dflt)
{
    if (!a->out)
        return dflt;
    if (*a->out)
        return a->out;
    cli_error(a->cmd->name, "the output directory is empty; expected --out DIR");
    return NULL;
}

/* salient CLI — memory: a job whose bound exceeds what the machine (or
 * its cgroup, or RLIMIT_AS, or SALIENT_MEMORY_LIMIT) has is refused up
 * front, before anything is written. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/resource.h>

#include "cli.h"

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

/* Replays the fuzz harnesses (fuzz/fuzz_*.c) without libFuzzer, in the plain
 * and the sanitizer builds: every regression input under fuzz/regress/<harness>/
 * (inputs that once crashed, hung, leaked or broke a contract, each fixed in
 * the library) and the seed corpora the fuzzers start from.  A harness
 * aborts on any broken contract and the sanitizers abort on memory errors,
 * so a test here fails by crashing; it also asserts that each corpus it was
 * meant to replay is there (an empty run would prove nothing). */
#define _DEFAULT_SOURCE /* d_type, DT_DIR */
#include "testutil.h"

#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#define FUZZ_ENTRY fuzz_scenario_one
#include "../fuzz/fuzz_scenario.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_expr_one
#include "../fuzz/fuzz_expr.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_battle_one
#include "../fuzz/fuzz_battle.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_engine_one
#include "../fuzz/fuzz_engine.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_obs_one
#include "../fuzz/fuzz_obs.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_checkpoint_one
#include "../fuzz/fuzz_checkpoint.c"
#undef FUZZ_ENTRY

typedef int (*entry_fn)(const uint8_t *, size_t);

static int replay_file(entry_fn fn, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    /* libFuzzer hands the harness a buffer of exactly n bytes: copy into
     * one, so that ASan sees a read past the end as libFuzzer would */
    uint8_t *exact = malloc(n ? n : 1);
    assert_non_null(exact);
    memcpy(exact, buf, n);
    free(buf);
    fn(exact, n);
    free(exact);
    return 1;
}

/* Replays every regular file of dir whose name ends with suffix ("" = any),
 * descending into subdirectories; returns how many. */
static size_t replay_dir(entry_fn fn, const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            count += replay_dir(fn, path, suffix);
            continue;
        }
        size_t nl = strlen(e->d_name), sl = strlen(suffix);
        if (nl >= sl && strcmp(e->d_name + nl - sl, suffix) == 0)
            count += (size_t)replay_file(fn, path);
    }
    closedir(d);
    return count;
}

static void test_scenario_regressions(void **st)
{
    (void)st;
    replay_dir(fuzz_scenario_one, "fuzz/regress/scenario", "");
}

static void test_scenario_seeds(void **st)
{
    (void)st;
    assert_true(replay_dir(fuzz_scenario_one, "examples", ".yaml") >= 4);
    assert_true(replay_dir(fuzz_scenario_one, "tests/bad", ".yaml") >= 50);
    assert_true(replay_dir(fuzz_scenario_one, "tests/golden", ".yaml") >= 1);
    replay_dir(fuzz_scenario_one, "scenarios", ".yaml");
}

static void test_expr_regressions(void **st)
{
    (void)st;
    replay_dir(fuzz_expr_one, "fuzz/regress/expr", "");
}

static void test_expr_seeds(void **st)
{
    (void)st;
    assert_true(replay_dir(fuzz_expr_one, "fuzz/seeds/expr", "") >= 10);
}

static void test_battle_regressions(void **st)
{
    (void)st;
    replay_dir(fuzz_battle_one, "fuzz/regress/battle", "");
}

static void test_battle_seeds(void **st)
{
    (void)st;
    assert_true(replay_dir(fuzz_battle_one, "tests/data", ".csv") >= 10);
}

static void test_engine_regressions(void **st)
{
    (void)st;
    replay_dir(fuzz_engine_one, "fuzz/regress/engine", "");
}

static void test_engine_seeds(void **st)
{
    (void)st;
    assert_true(replay_dir(fuzz_engine_one, "examples", ".yaml") >= 4);
    assert_true(replay_dir(fuzz_engine_one, "tests/golden", ".yaml") >= 4);
    replay_dir(fuzz_engine_one, "scenarios", ".yaml");
}

static void test_obs_regressions(void **st)
{
    (void)st;
    replay_dir(fuzz_obs_one, "fuzz/regress/obs", "");
}

static void test_obs_seeds(void **st)
{
    (void)st;
    assert_true(replay_dir(fuzz_obs_one, "tests/bad/obs", ".yaml") >= 25);
    assert_true(replay_dir(fuzz_obs_one, "tests/data/obs", ".yaml") >= 2);
    replay_dir(fuzz_obs_one, "scenarios", ".observations.yaml");
}

/* A real checkpoint (a state of 3 runs and their log) in the harness's
 * input format, then every byte of it changed once and every cut: the
 * harness's contracts hold on each (issue 21: the checkpoint reader). */
static void test_checkpoint_seed(void **st)
{
    (void)st;
    sal_summary_layout l = {.nmetrics = 1, .ndays = 3, .nevents = 1, .horizon = 2};
    sal_summary *s = sal_summary_alloc(&l);
    assert_non_null(s);
    for (int r = 0; r < 3; r++) {
        double series[3] = {r, r + 1.5, r * 2.0};
        int32_t ev = r == 1 ? SAL_EVENT_NEVER : r;
        assert_int_equal(sal_summary_add_run(s, series, &ev), SAL_OK);
    }
    char dir[] = "/tmp/salient-ckseed-XXXXXX";
    assert_non_null(mkdtemp(dir));
    sal_checkpoint_id id = {.scenario_hash = 9, .scenario_size = 99, .seed = 1, .runs = 5,
                            .records = 2, .flags = SAL_CKPT_RUNS_CSV};
    assert_int_equal(sal_checkpoint_write(dir, &id, s), SAL_OK);
    sal_summary_free(s);
    char path[128];
    snprintf(path, sizeof path, "%s/checkpoint/state", dir);
    size_t ns;
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *buf = malloc(1 << 20);
    ns = fread(buf + 2, 1, (1 << 20) - 4096, f);
    fclose(f);
    assert_true(ns > 0 && ns < 65536);
    buf[0] = (uint8_t)ns;
    buf[1] = (uint8_t)(ns >> 8);
    snprintf(path, sizeof path, "%s/log", dir);
    f = fopen(path, "w+b");
    assert_int_equal(sal_checkpoint_log_header(f, &id), SAL_OK);
    for (uint64_t r = 0; r < 3; r++) {
        double a[1] = {(double)r}, b[1] = {0.25};
        assert_int_equal(sal_checkpoint_log_append(f, r, a, 1, b, 1), SAL_OK);
    }
    rewind(f);
    size_t nl = fread(buf + 2 + ns, 1, 4096, f);
    fclose(f);
    size_t n = 2 + ns + nl;
    fuzz_checkpoint_one(buf, n);
    for (size_t i = 0; i < n; i += 1 + i / 64) {
        buf[i] ^= 0x10;
        fuzz_checkpoint_one(buf, n);
        buf[i] ^= 0x10;
        fuzz_checkpoint_one(buf, i);
    }
    free(buf);
    unlink(path);
    sal_checkpoint_remove(dir);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenario_regressions), cmocka_unit_test(test_scenario_seeds),
        cmocka_unit_test(test_expr_regressions),     cmocka_unit_test(test_expr_seeds),
        cmocka_unit_test(test_battle_regressions),   cmocka_unit_test(test_battle_seeds),
        cmocka_unit_test(test_engine_regressions),   cmocka_unit_test(test_engine_seeds),
        cmocka_unit_test(test_obs_regressions),      cmocka_unit_test(test_obs_seeds),
        cmocka_unit_test(test_checkpoint_seed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

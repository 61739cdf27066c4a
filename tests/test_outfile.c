/* Files written whole or not at all (sal_outfile, salient/ensemble.h) and
 * the base helpers under them (src/base/util.h): each state checked against
 * what the file system holds (stat, the directory's entries), the byte
 * codec against bytes written by hand. */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "salient/ensemble.h"

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Entries of dir other than . and .. */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    const struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

static void test_states(void **st)
{
    (void)st;
    char dir[] = "/tmp/salient-outfile-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/a.csv", dir);

    assert_int_equal(sal_outfile_state(NULL), SAL_OUTFILE_NONE);
    sal_outfile *o = NULL;
    assert_int_equal(sal_outfile_open(&o, dir, "a.csv", 1), SAL_OK);
    assert_int_equal(sal_outfile_state(o), SAL_OUTFILE_OPEN);
    assert_string_equal(sal_outfile_path(o), path);
    assert_true(exists(sal_outfile_temp_path(o)));
    assert_false(exists(path)); /* nothing under the final name yet */
    fputs("x\n", sal_outfile_stream(o));
    assert_int_equal(sal_outfile_close(o), SAL_OK);
    assert_int_equal(sal_outfile_state(o), SAL_OUTFILE_PENDING);
    assert_null(sal_outfile_stream(o));
    assert_false(exists(path));
    assert_int_equal(sal_outfile_commit(o), SAL_OK);
    assert_int_equal(sal_outfile_state(o), SAL_OUTFILE_COMMITTED);
    assert_true(exists(path));
    assert_int_equal(entries(dir), 1); /* the temporary became the file */
    sal_outfile_abort(o);              /* a committed file stays */
    assert_true(exists(path));

    /* aborted before its commit: no trace */
    assert_int_equal(sal_outfile_open_path(&o, path, 1), SAL_OK);
    fputs("half", sal_outfile_stream(o));
    sal_outfile_abort(o);
    assert_int_equal(entries(dir), 1);
    FILE *f = fopen(path, "r");
    char line[8] = "";
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "x\n"); /* the earlier file, whole */

    /* no directory: refused, no handle */
    char missing[160];
    snprintf(missing, sizeof missing, "%s/no/such", dir);
    assert_int_equal(sal_outfile_open(&o, missing, "b.csv", 1), SAL_EIO);
    assert_null(o);
    assert_int_equal(sal_outfile_close(NULL), SAL_EIO);
    assert_int_equal(sal_outfile_commit(NULL), SAL_EIO);
    sal_outfile_abort(NULL);

    unlink(path);
    rmdir(dir);
}

static void test_codec(void **st)
{
    (void)st;
    unsigned char b[8];
    sal_le_put(b, 0x0102030405060708ull, 8);
    static const unsigned char want[8] = {8, 7, 6, 5, 4, 3, 2, 1};
    assert_memory_equal(b, want, 8);
    assert_int_equal(sal_le_get(b, 8), 0x0102030405060708ull);
    assert_int_equal(sal_le_get(b, 2), 0x0708);
    sal_le_put(b, 0xfffe, 2);
    assert_int_equal(b[0], 0xfe);
    assert_int_equal(b[1], 0xff);
    /* IEEE-754 bits by hand: 1.0 = 0x3ff0000000000000, -0.0 the sign bit */
    assert_int_equal(sal_dbits(1.0), 0x3ff0000000000000ull);
    assert_int_equal(sal_dbits(-0.0), 0x8000000000000000ull);
    assert_true(signbit(sal_bitsd(0x8000000000000000ull)));
    assert_true(isnan(sal_bitsd(sal_dbits(NAN))));
}

static void test_strings(void **st)
{
    (void)st;
    assert_null(sal_strdup(NULL));
    char *s = sal_strdup("kursk");
    assert_string_equal(s, "kursk");
    free(s);
    s = sal_strndup("kursk-2024", 5);
    assert_string_equal(s, "kursk");
    free(s);
    static const char *const v[] = {"a", "bb", "ccc"};
    char buf[16];
    sal_join_names(buf, sizeof buf, v, 3);
    assert_string_equal(buf, "a, bb, ccc");
    sal_join_names(buf, 6, v, 3); /* cut at the end of the buffer */
    assert_string_equal(buf, "a, bb");
    sal_join_names(buf, sizeof buf, v, 0);
    assert_string_equal(buf, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_codec),
        cmocka_unit_test(test_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Issue 21, hole 1: the CRC-32C of the checkpoint's run log against its
 * published check value (RFC 3720: "123456789" -> 0xE3069283) and a bit
 * loop; every single-bit flip of a log's header or of a counted record is
 * refused, naming the record; a torn record past the count is not read. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "salient/ensemble.h"

static uint32_t crc_bitwise(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    }
    return ~c;
}

static void test_crc32c(void **st)
{
    (void)st;
    assert_int_equal(sal_crc32c(0, "123456789", 9), 0xE3069283u);
    unsigned char b[300];
    for (size_t i = 0; i < sizeof b; i++)
        b[i] = (unsigned char)(i * 37 + 11);
    for (size_t n = 0; n <= sizeof b; n += 7)
        assert_int_equal(sal_crc32c(0, b, n), crc_bitwise(b, n));
    /* continued over two pieces = over the whole */
    assert_int_equal(sal_crc32c(sal_crc32c(0, b, 100), b + 100, 200), sal_crc32c(0, b, 300));
}

static void test_log_flips(void **st)
{
    (void)st;
    char path[] = "/tmp/salient-log-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w+b");
    sal_checkpoint_id id = {.scenario_hash = 42, .scenario_size = 7, .seed = 3, .runs = 10,
                            .records = 3, .flags = SAL_CKPT_RUNS_CSV};
    assert_int_equal(sal_checkpoint_log_header(f, &id), SAL_OK);
    for (uint64_t r = 0; r < 4; r++) {
        double a[2] = {(double)r, 0.5}, b[1] = {-1.0 * (double)r};
        assert_int_equal(sal_checkpoint_log_append(f, r, a, 2, b, 1), SAL_OK);
    }
    fputs("torn", f); /* a fifth record cut short by a kill */
    fclose(f);
    sal_diags *d = sal_diags_alloc();
    assert_int_equal(sal_checkpoint_log_check(path, &id, 4, d), SAL_OK);
    assert_int_equal(sal_checkpoint_log_check(path, &id, 5, d), SAL_EINPUT); /* short */
    sal_diags_free(d);
    size_t rec = sal_checkpoint_log_record_size(3), n = SAL_CKPT_LOG_HEADER + 4 * rec;
    for (size_t byte = 0; byte < n; byte++)
        for (int bit = 0; bit < 8; bit += 3) {
            FILE *g = fopen(path, "r+b");
            fseek(g, (long)byte, SEEK_SET);
            int c = fgetc(g);
            fseek(g, (long)byte, SEEK_SET);
            fputc(c ^ (1 << bit), g);
            fclose(g);
            d = sal_diags_alloc();
            assert_int_equal(sal_checkpoint_log_check(path, &id, 4, d), SAL_EINPUT);
            char want[64];
            if (byte < SAL_CKPT_LOG_HEADER)
                snprintf(want, sizeof want, "not a usable run log");
            else
                snprintf(want, sizeof want, "record %zu (run %zu,",
                         (byte - SAL_CKPT_LOG_HEADER) / rec, (byte - SAL_CKPT_LOG_HEADER) / rec);
            assert_non_null(strstr(sal_diags_get(d, 0)->message, want));
            sal_diags_free(d);
            g = fopen(path, "r+b");
            fseek(g, (long)byte, SEEK_SET);
            fputc(c, g);
            fclose(g);
        }
    /* another ensemble's log */
    sal_checkpoint_id other = id;
    other.seed = 4;
    d = sal_diags_alloc();
    assert_int_equal(sal_checkpoint_log_check(path, &other, 4, d), SAL_EINPUT);
    sal_diags_free(d);
    /* read back */
    f = fopen(path, "rb");
    fseek(f, SAL_CKPT_LOG_HEADER, SEEK_SET);
    double r3[3];
    for (uint64_t r = 0; r < 4; r++) {
        assert_int_equal(sal_checkpoint_log_next(f, r, r3, 3), SAL_OK);
        assert_true(r3[0] == (double)r && r3[1] == 0.5 && r3[2] == -1.0 * (double)r);
    }
    assert_int_equal(sal_checkpoint_log_next(f, 4, r3, 3), SAL_EINPUT);
    fclose(f);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32c),
        cmocka_unit_test(test_log_flips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

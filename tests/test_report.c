/* The report (src/report*.c): number formats and escapes against
 * hand-written expected strings, and sal_report_write on small databases
 * built here with SQLite (sections present or absent, NULLs, the same bytes
 * twice, nothing written for a bad database).  The browser side is
 * tests/cli/report_browser.sh. */
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "salient/salient.h"
#include "out/report_int.h"

static void fmt_is(double x, const char *want)
{
    char buf[64];
    rpt_fmt(buf, sizeof buf, x);
    if (strcmp(buf, want) != 0)
        fail_msg("rpt_fmt(%.17g) = '%s', expected '%s'", x, buf, want);
}

static void test_fmt(void **state)
{
    (void)state;
    fmt_is(0, "0");
    fmt_is(-0.0, "0");
    fmt_is(12345, "12,300");
    fmt_is(999.7, "1,000");   /* rounds up across the layout boundary */
    fmt_is(999.4, "999");
    fmt_is(1234567, "1,230,000");
    fmt_is(-1250000, "-1,250,000");
    fmt_is(0.04523, "0.0452");
    fmt_is(12.35, "12.3");    /* 12.35 is 12.3499999... in binary */
    fmt_is(1, "1");
    fmt_is(5e-5, "5.00e-05");
    fmt_is(2e15, "2e+15");
    fmt_is(NAN, "n/a");
    fmt_is(INFINITY, "infinite");
    fmt_is(-INFINITY, "minus infinite");
}

static void pct_is(double p, const char *want)
{
    char buf[32];
    rpt_fmt_pct(buf, sizeof buf, p);
    if (strcmp(buf, want) != 0)
        fail_msg("rpt_fmt_pct(%.17g) = '%s', expected '%s'", p, buf, want);
}

static void test_pct_date_count(void **state)
{
    (void)state;
    pct_is(0, "0%");
    pct_is(0.004, "<1%");
    pct_is(0.005, "<1%"); /* never "0%" for a share above zero */
    pct_is(0.0099, "<1%");
    pct_is(0.5, "50%");
    pct_is(0.734, "73%");
    pct_is(0.995, ">99%");
    pct_is(1, "100%");
    pct_is(NAN, "n/a");
    char buf[64];
    rpt_fmt_date(buf, sizeof buf, "2024-11-05");
    assert_string_equal(buf, "5 Nov 2024");
    rpt_fmt_date(buf, sizeof buf, "2025-12-31");
    assert_string_equal(buf, "31 Dec 2025");
    rpt_fmt_date(buf, sizeof buf, "2025-13-01");
    assert_string_equal(buf, "2025-13-01");
    rpt_fmt_count(buf, sizeof buf, "1000000");
    assert_string_equal(buf, "1,000,000");
    rpt_fmt_count(buf, sizeof buf, "999");
    assert_string_equal(buf, "999");
    rpt_fmt_count(buf, sizeof buf, "12a");
    assert_string_equal(buf, "12a");
}

static void test_escapes(void **state)
{
    (void)state;
    rpt_buf b = {0};
    rpt_html(&b, "<a href='x'>&\"</a>");
    assert_string_equal(b.p, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    b.n = 0;
    rpt_json_str(&b, "q\"b\\s</script>\n\x01<!-- \xe2\x80\xa8\xe2\x80\xa9 \xc3\xa9");
    assert_string_equal(b.p, "\"q\\\"b\\\\s\\u003c/script\\u003e\\u000a\\u0001\\u003c!-- "
                             "\\u2028\\u2029 \xc3\xa9\"");
    b.n = 0;
    rpt_json_str(&b, NULL);
    rpt_put(&b, ",");
    rpt_json_num(&b, NAN);
    rpt_put(&b, ",");
    rpt_json_num(&b, -0.0);
    rpt_put(&b, ",");
    rpt_json_num(&b, 1234567.891);
    rpt_put(&b, ",");
    rpt_json_num(&b, 0.1);
    assert_string_equal(b.p, "null,null,0,1.23457e+06,0.1");
    assert_int_equal(b.oom, 0);
    free(b.p);
}

/* ---- sal_report_write on small databases -------------------------------- */

static char dir[64];

static void exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("sql: %s", err ? err : "?");
}

/* A plain ensemble's tables: 2 metrics over 3 days, 2 events. */
static void make_db(const char *extra)
{
    char path[128];
    snprintf(path, sizeof path, "%s/results.sqlite", dir);
    unlink(path);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    exec(db, "CREATE TABLE metadata (key TEXT PRIMARY KEY, value TEXT);"
             "CREATE TABLE quantiles (metric TEXT, day INTEGER, date TEXT, mean REAL, p05 REAL,"
             " p25 REAL, p50 REAL, p75 REAL, p95 REAL, PRIMARY KEY (metric, day));"
             "CREATE TABLE events (event TEXT PRIMARY KEY, probability REAL, p05 INTEGER,"
             " p50 INTEGER, p95 INTEGER);"
             "INSERT INTO metadata VALUES ('format','salient-ensemble 1'),('scenario','T <x>'),"
             " ('variant',NULL),('seed','7'),('runs_requested','1000'),('runs','1000'),"
             " ('partial','0'),('horizon','2'),('start','2024-12-30'),('accuracy','0.005');"
             /* zeta first in the file: the report keeps the file's order */
             "INSERT INTO quantiles VALUES ('zeta',0,'2024-12-30',1,1,1,1,1,1),"
             " ('zeta',1,'2024-12-31',2,1,1.5,2,2.5,3),('zeta',2,'2025-01-01',3,1,2,3,4,5),"
             " ('alpha',0,'2024-12-30',0,0,0,0,0,0),('alpha',1,'2024-12-31',NULL,NULL,NULL,NULL,NULL,NULL),"
             " ('alpha',2,'2025-01-01',12345,100,200,12345,40000,1234567);"
             "INSERT INTO events VALUES ('e-sure',1,0,1,2),('e-never',0,NULL,NULL,NULL),"
             " ('e-start',1,0,0,0);");
    if (extra)
        exec(db, extra);
    sqlite3_close(db);
}

static char *slurp(const char *name, size_t *n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)len + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
    p[len] = '\0';
    fclose(f);
    *n = (size_t)len;
    return p;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/salient-test-report-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/results.sqlite", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/report.html", dir);
    unlink(path);
    return rmdir(dir);
}

static void test_plain(void **state)
{
    (void)state;
    make_db(NULL);
    sal_diags *d = sal_diags_alloc();
    assert_int_equal(sal_report_write(dir, d), SAL_OK);
    assert_int_equal(sal_diags_count(d), 0);
    size_t n1, n2;
    char *a = slurp("report.html", &n1);
    assert_non_null(a);
    assert_non_null(strstr(a, "<body data-charts=\"2\" data-rendered=\"0\">"));
    assert_non_null(strstr(a, "<h1>T &lt;x&gt;</h1>"));
    assert_non_null(strstr(a, "30 Dec 2024 \xe2\x80\x93 1 Jan 2025 (3 days)"));
    assert_non_null(strstr(a, "<b>alpha</b> on 1 Jan 2025: median 12,300 (90% of runs: 100 to 1,230,000)"));
    assert_non_null(strstr(a, "Never happened in any run: <b>e-never</b>."));
    assert_non_null(strstr(a, "In every run from the first day: <b>e-start</b>."));
    assert_non_null(strstr(a, "<b>e-sure</b>: 100% chance by 1 Jan 2025; when it happens, typically "
                              "around 31 Dec 2024 (90% of those runs: 30 Dec 2024 \xe2\x80\x93 1 Jan 2025)."));
    /* the file's order (zeta before alpha), a NULL day as null */
    char *z = strstr(a, "\"id\":\"fan-0\",\"name\":\"zeta\"");
    char *al = strstr(a, "\"id\":\"fan-1\",\"name\":\"alpha\"");
    assert_non_null(z);
    assert_non_null(al);
    assert_non_null(strstr(al, "\"q\":[[0,null,100],[0,null,200],[0,null,12345],[0,null,40000],[0,null,1.23457e+06]]"));
    /* no optional sections, no partial banner */
    assert_null(strstr(a, "id=\"counterfactuals\""));
    assert_null(strstr(a, "id=\"theses\""));
    assert_null(strstr(a, "Partial results"));
    /* the same database, the same bytes */
    assert_int_equal(sal_report_write(dir, d), SAL_OK);
    char *b = slurp("report.html", &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    free(a);
    free(b);
    sal_diags_free(d);
}

static void test_study_tables(void **state)
{
    (void)state;
    make_db("UPDATE metadata SET value = '1' WHERE key = 'partial';"
            "UPDATE metadata SET value = '250' WHERE key = 'runs';"
            "CREATE TABLE theses (id TEXT PRIMARY KEY, ord INTEGER, seed TEXT, claim TEXT, test TEXT,"
            " expect TEXT, value REAL, lo REAL, hi REAL, probability REAL, verdict TEXT, summary TEXT);"
            "INSERT INTO theses VALUES ('B',2,'s.txt','c2','t','> 0',1,0,2,0.9,'supported','ok'),"
            " ('A',1,'s.txt','c1 </script>','t','< 0',NULL,NULL,NULL,NULL,'contradicted','no');"
            "CREATE TABLE parameters (path TEXT PRIMARY KEY, ord INTEGER, kind TEXT, value TEXT,"
            " source TEXT, description TEXT);"
            "INSERT INTO parameters VALUES ('p.a',1,'uncertain','pert(1, 2, 3)','seed 000',NULL),"
            " ('p.b',2,'fixed','4',NULL,NULL),('p.c',3,'fixed','5','  ',NULL);");
    sal_diags *d = sal_diags_alloc();
    assert_int_equal(sal_report_write(dir, d), SAL_OK);
    size_t n;
    char *a = slurp("report.html", &n);
    assert_non_null(a);
    assert_non_null(strstr(a, "250 runs of the 1,000 asked for"));
    assert_non_null(strstr(a, "supports <b>1</b>, contradicts <b>1</b> and leaves <b>0</b>"));
    /* ord order: A before B */
    char *ta = strstr(a, "<tr id=\"thesis-A\">"), *tb = strstr(a, "<tr id=\"thesis-B\">");
    assert_true(ta && tb && ta < tb);
    assert_non_null(strstr(a, "c1 &lt;/script&gt;"));
    assert_non_null(strstr(a, "3 numbers, 1 of them uncertain"));
    assert_non_null(strstr(a, "2 without a source"));
    free(a);
    sal_diags_free(d);
}

/* The evolving-difference chart's band starts on the first variant (in the
 * variants table's order) that a thesis tests, not on the first variant:
 * here 'calib' (ord 0) is tested by no thesis, 'cf' (ord 1) and 'other'
 * (ord 2) are, in the opposite order in the theses table.  Without the
 * theses' variant column (an older study) it is the first variant. */
static void test_band_variant(void **state)
{
    (void)state;
    static const char tables[] =
        "CREATE TABLE variants (name TEXT PRIMARY KEY, ord INTEGER, description TEXT);"
        "INSERT INTO variants VALUES ('other',2,NULL),('calib',0,'calibration world'),"
        " ('cf',1,NULL);"
        "CREATE TABLE compare (variant TEXT, kind TEXT, name TEXT, day INTEGER, date TEXT, a REAL,"
        " b REAL, diff_mean REAL, diff_p05 REAL, diff_p50 REAL, diff_p95 REAL, var_crn REAL,"
        " var_independent REAL, variance_reduction REAL);"
        "INSERT INTO compare SELECT v.name, 'metric', 'zeta', q.day, q.date, 1, 2, 1, 0, 1, 2,"
        " NULL, NULL, NULL FROM variants v, quantiles q WHERE q.metric = 'zeta';";
    static const char theses_new[] =
        "CREATE TABLE theses (id TEXT PRIMARY KEY, ord INTEGER, seed TEXT, claim TEXT, test TEXT,"
        " expect TEXT, value REAL, lo REAL, hi REAL, probability REAL, verdict TEXT, summary TEXT,"
        " variant TEXT);"
        "INSERT INTO theses VALUES ('A',0,NULL,'c','t','> 0',1,0,2,0.9,'supported','ok',NULL),"
        " ('B',1,NULL,'c','t','> 0',1,0,2,0.9,'supported','ok','other'),"
        " ('C',2,NULL,'c','t','> 0',1,0,2,0.9,'supported','ok','cf');";
    static const char theses_old[] =
        "CREATE TABLE theses (id TEXT PRIMARY KEY, ord INTEGER, seed TEXT, claim TEXT, test TEXT,"
        " expect TEXT, value REAL, lo REAL, hi REAL, probability REAL, verdict TEXT, summary TEXT);"
        "INSERT INTO theses VALUES ('B',1,NULL,'c','t','> 0',1,0,2,0.9,'supported','ok');";
    const char *const cases[][2] = {
        {theses_new, "<option value=\"1\" selected>cf</option>"},
        {theses_old, "<option value=\"0\" selected>calib</option>"},
    };
    for (size_t k = 0; k < 2; k++) {
        char sql[2048];
        snprintf(sql, sizeof sql, "%s%s", tables, cases[k][0]);
        make_db(sql);
        sal_diags *d = sal_diags_alloc();
        assert_int_equal(sal_report_write(dir, d), SAL_OK);
        size_t n;
        char *a = slurp("report.html", &n);
        assert_non_null(a);
        char *band = strstr(a, "<select id=\"cmp-band\">");
        assert_non_null(band);
        char *end = strstr(band, "</select>");
        assert_non_null(end);
        *end = '\0';
        assert_non_null(strstr(band, cases[k][1]));
        /* one option selected, the variants in their order */
        char *first = strstr(band, " selected");
        assert_non_null(first);
        assert_null(strstr(first + 1, " selected"));
        char *o0 = strstr(band, ">calib<"), *o1 = strstr(band, ">cf<"), *o2 = strstr(band, ">other<");
        assert_true(o0 && o1 && o2 && o0 < o1 && o1 < o2);
        free(a);
        sal_diags_free(d);
    }
}

/* The bottom line: the headline outcomes with their bands and date, how
 * wide the key metric's band is, the drivers only when the intervals
 * separate them (here: a's [0.5, 0.7] above b's and c's upper ends; then
 * b's interval raised to overlap a's, and nothing stands out), the theses'
 * verdicts counted; every thesis listed in the key findings. */
static void test_bottom_line(void **state)
{
    (void)state;
    static const char tables[] =
        "CREATE TABLE sobol (metric TEXT, input TEXT, S1 REAL, S1_lo REAL, S1_hi REAL, ST REAL,"
        " ST_lo REAL, ST_hi REAL);"
        "INSERT INTO sobol VALUES ('zeta','b',0.1,0,0.2,0.2,0.1,0.3),"
        " ('zeta','a',0.5,0.4,0.6,0.6,0.5,0.7),('zeta','c',0,0,0.1,0.05,0,0.45);"
        "CREATE TABLE theses (id TEXT PRIMARY KEY, ord INTEGER, seed TEXT, claim TEXT, test TEXT,"
        " expect TEXT, value REAL, lo REAL, hi REAL, probability REAL, verdict TEXT, summary TEXT);"
        "INSERT INTO theses VALUES ('T1',1,NULL,'c','t','> 0',1,0,2,0.9,'supported','s1'),"
        " ('T2',2,NULL,'c','t','> 0',1,0,2,0.5,'uncertain','s2'),"
        " ('T3',3,NULL,'c','t','> 0',1,0,2,0.9,'supported','s3'),"
        " ('T4',4,NULL,'c','t','> 0',1,0,2,0.1,'contradicted','s4');";
    for (int k = 0; k < 2; k++) {
        char sql[2048];
        snprintf(sql, sizeof sql, "%s%s", tables,
                 k ? "UPDATE sobol SET ST_hi = 0.55 WHERE input = 'b';" : "");
        make_db(sql);
        sal_diags *d = sal_diags_alloc();
        assert_int_equal(sal_report_write(dir, d), SAL_OK);
        size_t n;
        char *a = slurp("report.html", &n);
        assert_non_null(a);
        char *bl = strstr(a, "<section id=\"bottom-line\">"), *kf = strstr(a, "<section id=\"findings\">");
        assert_true(bl && kf && bl < kf);
        assert_non_null(strstr(bl, "By 1 Jan 2025, the end of the forecast, the median run has "
                                   "<b>zeta</b> at 3 (90% of runs: 1 to 5) and <b>alpha</b> at "
                                   "12,300 (90% of runs: 100 to 1,230,000)."));
        assert_non_null(strstr(bl, "The forecast is very uncertain about <b>zeta</b> and "
                                   "<b>alpha</b> (a band wider than the median)."));
        if (k == 0)
            assert_non_null(strstr(bl, "<b>a</b> drives most of the spread of <b>zeta</b>: its 90% "
                                       "interval of the total Sobol' index lies above those of the "
                                       "other 2 inputs (0.5 to 0.7)."));
        else
            assert_non_null(strstr(bl, "no input stands out from the others in the spread of "
                                       "<b>zeta</b>"));
        assert_non_null(strstr(bl, "the runs support 2, contradict 1 and leave 1 undecided."));
        /* the key findings claim no more than the intervals */
        assert_non_null(strstr(kf, k ? "<li>No input stands out from the others in the spread of "
                                       "<b>zeta</b>"
                                     : "<li><b>a</b> drives most of the spread of <b>zeta</b>"));
        assert_null(strstr(kf, "Most of the uncertainty"));
        /* every thesis in the key findings, grouped by verdict */
        assert_non_null(strstr(kf, "<span class=\"badge ok\">supported</span> <a href=\"#thesis-T1\" "
                                   "title=\"s1\">T1</a>, <a href=\"#thesis-T3\" title=\"s3\">T3</a>"));
        assert_non_null(strstr(kf, "<span class=\"badge unsure\">uncertain</span> <a href=\"#thesis-T2\""));
        free(a);
        sal_diags_free(d);
    }
}

/* A metric whose runs pile up at a ceiling says so on its chart (here zeta's
 * p75 = p95 = 5, its largest value, on the last day), with the line's value
 * in the chart data; the fans say whether their quantiles are exact. */
static void test_ceiling_and_exact(void **state)
{
    (void)state;
    make_db("UPDATE quantiles SET p75 = 5 WHERE metric = 'zeta' AND day = 2;"
            "INSERT INTO metadata VALUES ('quantiles','exact');");
    sal_diags *d = sal_diags_alloc();
    assert_int_equal(sal_report_write(dir, d), SAL_OK);
    size_t n;
    char *a = slurp("report.html", &n);
    assert_non_null(a);
    assert_non_null(strstr(a, "at a ceiling: from 1 Jan 2025 at least 25% of runs sit at exactly 5,"));
    assert_non_null(strstr(a, "\"cap\":5"));
    assert_non_null(strstr(a, "The quantiles are exact"));
    /* alpha has no ceiling: one caption only */
    assert_null(strstr(strstr(a, "at a ceiling") + 1, "at a ceiling"));
    free(a);
    sal_diags_free(d);
    make_db("INSERT INTO metadata VALUES ('quantiles','sketch');");
    d = sal_diags_alloc();
    assert_int_equal(sal_report_write(dir, d), SAL_OK);
    a = slurp("report.html", &n);
    assert_non_null(a);
    assert_non_null(strstr(a, "quantile sketch within 0.5% of the exact value"));
    assert_null(strstr(a, "at a ceiling"));
    free(a);
    sal_diags_free(d);
}

static void test_bad(void **state)
{
    (void)state;
    make_db("DROP TABLE events;");
    char path[128];
    snprintf(path, sizeof path, "%s/report.html", dir);
    unlink(path);
    sal_diags *d = sal_diags_alloc();
    assert_int_equal(sal_report_write(dir, d), SAL_EINPUT);
    assert_int_equal(sal_diags_count(d), 1);
    char buf[512], want[160];
    sal_diag_format(sal_diags_get(d, 0), buf, sizeof buf);
    snprintf(want, sizeof want, "%s/results.sqlite: error: no table 'events'", dir);
    assert_true(strncmp(buf, want, strlen(want)) == 0);
    size_t n;
    char *a = slurp("report.html", &n);
    assert_null(a); /* nothing written */
    sal_diags_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fmt),
        cmocka_unit_test(test_pct_date_count),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_study_tables),
        cmocka_unit_test(test_band_variant),
        cmocka_unit_test(test_bottom_line),
        cmocka_unit_test(test_ceiling_and_exact),
        cmocka_unit_test(test_bad),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

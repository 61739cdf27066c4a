/* The expression language, checked against independent truth: the same
 * arithmetic written in C, libm, hand-worked truth tables, a mock host with
 * known values, exact error positions, the limits, and random expression
 * trees printed to text and compared with a direct recursive evaluation. */
#include "testutil.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include "salient/expr.h"
#include "salient/rng.h"
#include "salient/suggest.h"

/* ---- a mock host -------------------------------------------------------- */

enum { H_DAY, H_STRENGTH, H_STOCK, H_V, H_HAPPENED };

static const sal_expr_func funcs[] = {
    {"day", 0, H_DAY, NULL},
    {"strength", 1, H_STRENGTH, "force"},
    {"stock", 2, H_STOCK, "actor, stock"},
    {"v", 1, H_V, "variable"},
    {"happened", 1, H_HAPPENED, "event"},
};

static const char *const forces[] = {"dprk-kursk", "ua-kursk", "ru 810th"};
static const char *const actors[] = {"russia", "ukraine"};
static const char *const stocks[2][2] = {{"shells", "manpower"}, {"shells", "drones"}};
static const char *const vars[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
static const char *const events[] = {"incursion", "treaty"};

static int lookup(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return (int)i;
    return -1;
}

static int refuse(const char *kind, const char *name, const char *const *list, size_t n,
                  char *why, size_t whylen)
{
    const char *best = sal_suggest(name, list, n);
    if (best)
        snprintf(why, whylen, "no %s named '%s'; did you mean '%s'?", kind, name, best);
    else
        snprintf(why, whylen, "no %s named '%s'", kind, name);
    return -1;
}

static int resolve(void *ctx, int id, int pos, const char *name, const int *prev,
                   char *why, size_t whylen)
{
    int *nresolve = ctx;
    (*nresolve)++;
    const char *const *list = NULL;
    size_t n = 0;
    const char *kind = "name";
    switch (id) {
    case H_STRENGTH: list = forces; n = 3; kind = "force"; break;
    case H_V: list = vars; n = 8; kind = "variable"; break;
    case H_HAPPENED: list = events; n = 2; kind = "event"; break;
    case H_STOCK:
        if (pos == 0) {
            list = actors; n = 2; kind = "actor";
        } else {
            int k = lookup(name, stocks[prev[0]], 2);
            if (k < 0)
                snprintf(why, whylen, "%s has no stock named '%s'", actors[prev[0]], name);
            return k;
        }
        break;
    default: return -1;
    }
    int k = lookup(name, list, n);
    return k >= 0 ? k : refuse(kind, name, list, n, why, whylen);
}

typedef struct {
    double day;
    double strength[3];
    double stock[2][2];
    double v[8];
    double happened[2];
    int calls;
} mstate;

static double get(void *state, int id, int a, int b)
{
    mstate *s = state;
    s->calls++;
    switch (id) {
    case H_DAY: assert_int_equal(a, -1); assert_int_equal(b, -1); return s->day;
    case H_STRENGTH: assert_int_equal(b, -1); return s->strength[a];
    case H_STOCK: return s->stock[a][b];
    case H_V: return s->v[a];
    case H_HAPPENED: return s->happened[a];
    default: fail_msg("unknown host id %d", id); return NAN;
    }
}

static int nresolve;
static const sal_expr_host host = {funcs, sizeof funcs / sizeof funcs[0], resolve, &nresolve};

static mstate base_state(void)
{
    mstate s = {30, {12000, 8000, 500}, {{2e6, 1e5}, {4e5, 3e3}},
                {1, 2, 0.5, -3, 0, 10, 1e-3, 7}, {1, 0}, 0};
    return s;
}

/* NaN matches NaN, infinities match exactly, else relative 1e-12. */
static int same(double x, double y)
{
    if (isnan(x) || isnan(y))
        return isnan(x) && isnan(y);
    if (x == y)
        return 1;
    if (isinf(x) || isinf(y))
        return 0;
    return fabs(x - y) <= 1e-12 * fmax(fabs(x), fabs(y));
}

static sal_expr *compile_ok(const char *src)
{
    sal_diags *d = sal_diags_alloc();
    sal_expr *e = NULL;
    int st = sal_expr_compile(src, &host, "t.yaml", 1, 1, d, &e);
    if (st != SAL_OK) {
        char buf[1200] = "";
        if (sal_diags_count(d))
            sal_diag_format(sal_diags_get(d, 0), buf, sizeof buf);
        fail_msg("'%s' failed to compile (%d): %s", src, st, buf);
    }
    assert_int_equal(sal_diags_count(d), 0);
    sal_diags_free(d);
    return e;
}

static double eval_src(const char *src, mstate *s)
{
    sal_expr *e = compile_ok(src);
    double v = sal_expr_eval(e, get, s);
    sal_expr_free(e);
    return v;
}

static void check(const char *src, double want, mstate *s)
{
    double got = eval_src(src, s);
    if (!same(got, want))
        fail_msg("'%s' = %.17g, expected %.17g", src, got, want);
}

/* ---- values against C --------------------------------------------------- */

static void test_arithmetic_table(void **st)
{
    (void)st;
    mstate s = base_state();
    const struct {
        const char *src;
        double want;
    } t[] = {
        {"12", 12},                 {"0.5", 0.5},              {".25", .25},
        {"1e-3", 1e-3},             {"2.5E+2", 2.5e2},         {"1_000", 1000},
        {"12_000.5", 12000.5},      {"1_2_3", 123},            {"1e1_0", 1e10},
        {"true", 1},                {"false", 0},              {"pi", 3.14159265358979323846},
        {"1 + 2 * 3", 1 + 2 * 3},   {"(1 + 2) * 3", (1 + 2) * 3},
        {"10 - 4 - 3", 10 - 4 - 3}, {"100 / 10 / 5", 100.0 / 10 / 5},
        {"2 ^ 3 ^ 2", pow(2, pow(3, 2))},  {"(2 ^ 3) ^ 2", pow(pow(2, 3), 2)},
        {"-2 ^ 2", -pow(2, 2)},     {"(-2) ^ 2", pow(-2, 2)},  {"2 ^ -1", pow(2, -1)},
        {"-3 ^ 2", -9},             {"2 * 3 ^ 2", 2 * pow(3, 2)},
        {"2 ^ 3 * 2", pow(2, 3) * 2}, {"- - 3", 3},           {"+3", 3},
        {"-(2)^2", -4},             {"2 ^ -2 ^ 2", pow(2, -pow(2, 2))},
        {"7 % 3", fmod(7, 3)},      {"-7 % 3", fmod(-7, 3)},   {"7.5 % -2", fmod(7.5, -2)},
        {"2 * 7 % 4", fmod(2 * 7, 4)}, {"1 + 7 % 4", 1 + fmod(7, 4)},
        {"1 / 3", 1.0 / 3},         {"1 / 0", INFINITY},       {"-1 / 0", -INFINITY},
        {"0 / 0", NAN},             {"1 - 2 + 3", 1 - 2 + 3},  {"2 * 3 / 4 * 5", 2.0 * 3 / 4 * 5},
        {"1 + 1 == 2", 1},          {"1 + 1 != 2", 0},         {"3 > 2", 1},
        {"3 >= 3", 1},              {"3 < 3", 0},              {"3 <= 2", 0},
        {"-1 < 0", 1},              {"(1 < 2) < 3", 1},        {"0 / 0 == 0 / 0", 0},
        {"0 / 0 != 0 / 0", 1},      {"1 < 0 / 0", 0},
        {"not 1 == 2", 1},          {"not 0 and 0", 0},        {"1 or 0 and 0", 1},
        {"(1 or 0) and 0", 0},      {"not not 5", 1},          {"2 and 3", 1},
        {"0 or -0.5", 1},           {"0 / 0 and 1", 1},        {"not 0 / 0", 0},
        {"if(1, 2, 3)", 2},         {"if(0, 2, 3)", 3},        {"if(0 / 0, 2, 3)", 2},
        {"if(1 < 2, 10, 1 / 0)", 10},
        {"min(3, 1, 2)", 1},        {"max(3, 1, 2, 9, -4)", 9}, {"min(2, 0 / 0)", NAN},
        {"max(0 / 0, 2)", NAN},     {"clamp(5, 0, 3)", 3},     {"clamp(-5, 0, 3)", 0},
        {"clamp(2, 0, 3)", 2},      {"clamp(0 / 0, 0, 3)", NAN},
        {"abs(-2.5)", 2.5},         {"sqrt(2)", sqrt(2)},      {"exp(1)", exp(1)},
        {"log(10)", log(10)},       {"log10(1000)", 3},        {"sin(1)", sin(1)},
        {"cos(1)", cos(1)},         {"tan(1)", tan(1)},        {"floor(-2.5)", -3},
        {"ceil(-2.5)", -2},         {"round(2.5)", 3},         {"round(-2.5)", -3},
        {"log(-1)", NAN},           {"log(0)", -INFINITY},     {"sqrt(-1)", NAN},
        {"3 * (2 + min(4, 5)) ^ 2 / 4 - 1", 3 * pow(2 + 4, 2) / 4 - 1},
        {"  1\n+\t2 ", 3},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        check(t[i].src, t[i].want, &s);
}

/* Truthiness is != 0 (so NaN is true); and/or/not give 1 or 0.  Each case
 * is run on host values (jumps at eval time) and on literals (folded). */
static void test_boolean_truth_tables(void **st)
{
    (void)st;
    const double vals[] = {0, 1, -2.5, 0.25, NAN};
    const char *lit[] = {"0", "1", "-2.5", "0.25", "(0 / 0)"};
    char src[128];
    for (int i = 0; i < 5; i++) {
        mstate s = base_state();
        s.v[0] = vals[i];
        double a = vals[i];
        check("not v(a)", a == 0, &s);
        snprintf(src, sizeof src, "not %s", lit[i]);
        check(src, a == 0, &s);
        for (int j = 0; j < 5; j++) {
            double b = vals[j];
            s.v[1] = b;
            check("v(a) and v(b)", a != 0 && b != 0, &s);
            check("v(a) or v(b)", a != 0 || b != 0, &s);
            check("if(v(a), v(b), 7)", a != 0 ? b : 7, &s);
            check("v(a) < v(b)", a < b, &s);
            check("v(a) == v(b)", a == b, &s);
            check("v(a) != v(b)", a != b, &s);
            snprintf(src, sizeof src, "%s and %s", lit[i], lit[j]);
            check(src, a != 0 && b != 0, &s);
            snprintf(src, sizeof src, "%s or %s", lit[i], lit[j]);
            check(src, a != 0 || b != 0, &s);
            snprintf(src, sizeof src, "v(a) and %s", lit[j]);
            check(src, a != 0 && b != 0, &s);
            snprintf(src, sizeof src, "%s or v(a)", lit[j]);
            check(src, b != 0 || a != 0, &s);
        }
    }
}

typedef double (*fn1)(double);

/* min and max propagate NaN (a NaN metric must not be hidden). */
static double vmin(double a, double b) { return (isnan(a) || isnan(b)) ? NAN : (a < b ? a : b); }
static double vmax(double a, double b) { return (isnan(a) || isnan(b)) ? NAN : (a > b ? a : b); }

static void test_math_against_libm(void **st)
{
    (void)st;
    const struct {
        const char *name;
        fn1 f;
    } fns[] = {
        {"abs", fabs}, {"sqrt", sqrt}, {"exp", exp}, {"log", log}, {"log10", log10},
        {"sin", sin},  {"cos", cos},   {"tan", tan}, {"floor", floor}, {"ceil", ceil},
        {"round", round},
    };
    const double xs[] = {-1e3, -2.5, -1, -0.5, 0, 1e-300, 0.3, 1, 2.5, 10, 700, 710,
                         1e300, INFINITY, -INFINITY, NAN};
    char src[128];
    mstate s = base_state();
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
            double x = xs[k], want = fns[i].f(x);
            s.v[0] = x;
            snprintf(src, sizeof src, "%s(v(a))", fns[i].name);
            check(src, want, &s);
            if (isfinite(x)) {
                snprintf(src, sizeof src, "%s(%.17g)", fns[i].name, x);
                check(src, want, &s);
            }
        }
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
        for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
            double x = xs[i], y = xs[k];
            s.v[0] = x;
            s.v[1] = y;
            check("v(a) ^ v(b)", pow(x, y), &s);
            check("v(a) % v(b)", fmod(x, y), &s);
            check("v(a) / v(b)", x / y, &s);
            check("v(a) * v(b) - v(b)", x * y - y, &s);
            check("min(v(a), v(b))", vmin(x, y), &s);
            check("max(v(a), v(b))", vmax(x, y), &s);
            double c = vmin(vmax(x, -1), y); /* lo > hi: hi wins */
            check("clamp(v(a), -1, v(b))", c, &s);
        }
}

/* ---- the host ----------------------------------------------------------- */

static void test_host_functions(void **st)
{
    (void)st;
    mstate s = base_state();
    check("day", 30, &s);
    check("day()", 30, &s);
    check("day ( )", 30, &s);
    check("strength(dprk-kursk)", 12000, &s);
    check("strength( ua-kursk )", 8000, &s);
    check("strength(\"ru 810th\")", 500, &s);
    check("strength('dprk-kursk') / strength(\"ua-kursk\")", 1.5, &s);
    check("stock(russia, shells)", 2e6, &s);
    check("stock(ukraine, drones)", 3e3, &s);
    check("stock(ukraine,shells) + stock(russia,manpower)", 4e5 + 1e5, &s);
    check("happened(incursion) and not happened(treaty)", 1, &s);
    check("day > 7 and strength(dprk-kursk) < 0.6 * 20_000", 0, &s);
    check("max(0, 1 - strength(dprk-kursk) / 12_000)", 0, &s);
    check("if(happened(treaty), 1, 2 * day)", 60, &s);
    s.day = 100;
    check("day % 7 == 2", 1, &s);
}

/* Short circuits and if() skip the host calls they do not need. */
static void test_host_calls_skipped(void **st)
{
    (void)st;
    mstate s = base_state();
    const struct {
        const char *src;
        double want;
        int calls;
    } t[] = {
        {"day > 100 and strength(dprk-kursk) > 0", 0, 1},
        {"day > 100 and strength(dprk-kursk) > 0 and strength(ua-kursk) > 0", 0, 1},
        {"day > 1 and strength(dprk-kursk) > 1e6 and strength(ua-kursk) > 0", 0, 2},
        {"day > 1 and strength(dprk-kursk) > 0 and strength(ua-kursk) > 0", 1, 3},
        {"day < 100 or strength(dprk-kursk) > 0 or strength(ua-kursk) > 0", 1, 1},
        {"day > 100 or strength(dprk-kursk) < 0 or strength(ua-kursk) > 0", 1, 3},
        {"(day > 100 and strength(ua-kursk)) or (day < 100 and strength(dprk-kursk))", 1, 3},
        {"day < 100 and strength(dprk-kursk) > 0", 1, 2},
        {"day < 100 or strength(dprk-kursk) > 0", 1, 1},
        {"if(day > 10, strength(dprk-kursk), strength(ua-kursk))", 12000, 2},
        {"if(day > 99, strength(dprk-kursk), strength(ua-kursk))", 8000, 2},
        {"false and day", 0, 0},
        {"true or day", 1, 0},
        {"day and false", 0, 0},   /* pure getters: the call is dropped */
        {"day or true", 1, 0},
        {"if(1, day, strength(ua-kursk))", 30, 1},
        {"1 + 2 * 3", 7, 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        s.calls = 0;
        check(t[i].src, t[i].want, &s);
        if (s.calls != t[i].calls)
            fail_msg("'%s' made %d host calls, expected %d", t[i].src, s.calls, t[i].calls);
    }
}

static void test_introspection(void **st)
{
    (void)st;
    sal_expr *e = compile_ok("strength(dprk-kursk) + strength(dprk-kursk) + "
                             "strength(ua-kursk) + day + stock(ukraine, drones)");
    assert_false(sal_expr_is_const(e));
    assert_true(sal_expr_uses(e, H_STRENGTH));
    assert_true(sal_expr_uses(e, H_DAY));
    assert_true(sal_expr_uses(e, H_STOCK));
    assert_false(sal_expr_uses(e, H_V));
    assert_int_equal(sal_expr_calls(e, NULL, 0), 4);
    sal_expr_call c[4];
    assert_int_equal(sal_expr_calls(e, c, 2), 4);
    assert_int_equal(c[0].id, H_STRENGTH);
    assert_int_equal(c[0].arg0, 0);
    assert_int_equal(c[0].arg1, -1);
    assert_int_equal(c[1].id, H_STRENGTH);
    assert_int_equal(c[1].arg0, 1);
    assert_int_equal(sal_expr_calls(e, c, 4), 4);
    assert_int_equal(c[2].id, H_DAY);
    assert_int_equal(c[3].id, H_STOCK);
    assert_int_equal(c[3].arg0, 1);
    assert_int_equal(c[3].arg1, 1);
    sal_expr_free(e);

    sal_diags *d = sal_diags_alloc();
    assert_int_equal(sal_expr_compile("day + 1", &host, "scen.yaml", 42, 17, d, &e), SAL_OK);
    assert_string_equal(sal_expr_source(e), "day + 1");
    assert_string_equal(sal_expr_file(e), "scen.yaml");
    assert_int_equal(sal_expr_line(e), 42);
    assert_int_equal(sal_expr_col(e), 17);
    sal_expr_free(e);
    sal_diags_free(d);

    assert_null(sal_expr_source(NULL));
    assert_true(isnan(sal_expr_eval(NULL, get, NULL)));
    sal_expr_free(NULL);
}

/* Constants fold: a constant expression is one instruction; host-dependent
 * parts keep only what they need. */
static void test_folding(void **st)
{
    (void)st;
    const struct {
        const char *src;
        int konst;
        size_t size;
    } t[] = {
        {"1 + 2 * 3", 1, 1},
        {"sqrt(16) + max(1, 2, 3) ^ 2 - clamp(5, 0, 1)", 1, 1},
        {"-(-(3))", 1, 1},
        {"if(1 > 0, 2, 3)", 1, 1},
        {"day + (1 + 2)", 0, 2},      /* HOST, ADD k */
        {"sqrt(4) * day", 0, 2},      /* HOST, k MUL */
        {"1 - day", 0, 2},
        {"day * 0", 0, 2},            /* not folded: NaN * 0 is NaN */
        {"true and day", 0, 2},       /* HOST, TRUTH */
        {"day and true", 0, 2},
        {"false or day", 0, 2},
        {"day and 1 and day", 0, 4},  /* HOST, AND, HOST, TRUTH */
        {"day and false", 1, 1},
        {"if(1, day, strength(dprk-kursk))", 0, 1},
        {"if(0, day, strength(dprk-kursk))", 0, 1},
        {"min(1, 2, day)", 0, 2},
        {"(day > 1) == 1", 0, 3},
        {"day > 1 and day < 5", 0, 5},           /* no TRUTH after a comparison */
        {"day > 1 and day < 5 and day != 3", 0, 8},
        {"day > 1 or if(day, day < 2, 0)", 0, 9},
        {"day > 1 or if(day, day, 0)", 0, 9},    /* if() of a non-boolean: TRUTH */
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        sal_expr *e = compile_ok(t[i].src);
        if (sal_expr_is_const(e) != t[i].konst || sal_expr_size(e) != t[i].size)
            fail_msg("'%s': const %d size %zu, expected const %d size %zu", t[i].src,
                     sal_expr_is_const(e), sal_expr_size(e), t[i].konst, t[i].size);
        sal_expr_free(e);
    }
    sal_expr *e = compile_ok("if(0, day, strength(dprk-kursk))");
    assert_false(sal_expr_uses(e, H_DAY));
    assert_true(sal_expr_uses(e, H_STRENGTH));
    sal_expr_free(e);
    /* a constant needs no getter at all */
    e = compile_ok("2 ^ 10");
    assert_true(sal_expr_eval(e, NULL, NULL) == 1024);
    sal_expr_free(e);
    /* a non-constant without a getter gives NaN, not a crash */
    e = compile_ok("day + 1");
    assert_true(isnan(sal_expr_eval(e, NULL, NULL)));
    sal_expr_free(e);
}

static void test_eval_finite(void **st)
{
    (void)st;
    mstate s = base_state();
    const struct {
        const char *src;
        int status;
        double want;
    } t[] = {
        {"1 / 0", SAL_ERANGE, INFINITY}, {"log(0)", SAL_ERANGE, -INFINITY},
        {"0 / 0", SAL_ERANGE, NAN},      {"log(v(d))", SAL_ERANGE, NAN},
        {"day / 2", SAL_OK, 15},         {"v(e) / v(e)", SAL_ERANGE, NAN},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        sal_expr *e = compile_ok(t[i].src);
        double v = 0;
        assert_int_equal(sal_expr_eval_finite(e, get, &s, &v), t[i].status);
        assert_true(same(v, t[i].want));
        sal_expr_free(e);
    }
}

/* Numbers read the same whatever the C locale's decimal point. */
static void test_locale_independent(void **st)
{
    (void)st;
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "de_DE"};
    const char *ok = NULL;
    for (size_t i = 0; i < 4 && !ok; i++)
        ok = setlocale(LC_NUMERIC, names[i]);
    mstate s = base_state();
    check("0.5 + 1_000.25", 1000.75, &s);
    setlocale(LC_NUMERIC, "C");
    (void)ok; /* without a comma-decimal locale installed, only "C" was checked */
}

/* ---- errors --------------------------------------------------------------- */

typedef struct {
    const char *src;
    int line, col;     /* of the first error; the text starts at 7:12 */
    const char *msg;   /* a substring of its message */
} bad;

static void check_bad(const bad *b)
{
    sal_diags *d = sal_diags_alloc();
    sal_expr *e = (sal_expr *)&e; /* must be reset to NULL */
    int st = sal_expr_compile(b->src, &host, "s.yaml", 7, 12, d, &e);
    if (st != SAL_EINPUT)
        fail_msg("'%s' compiled with status %d, expected SAL_EINPUT", b->src, st);
    assert_null(e);
    assert_true(sal_diags_count(d) >= 1);
    const sal_diag *g = sal_diags_get(d, 0);
    char buf[1200];
    sal_diag_format(g, buf, sizeof buf);
    if (g->line != b->line || g->col != b->col || !strstr(g->message, b->msg))
        fail_msg("'%s': got \"%s\", expected s.yaml:%d:%d and \"%s\"", b->src, buf,
                 b->line, b->col, b->msg);
    assert_string_equal(g->file, "s.yaml");
    sal_diags_free(d);
}

static void test_compile_errors(void **st)
{
    (void)st;
    const bad t[] = {
        {"", 7, 12, "empty expression; expected a number, a name or '('"},
        {"   ", 7, 15, "empty expression"},
        {"1 +", 7, 15, "unexpected end of expression; expected a number, a name or '('"},
        {")", 7, 12, "unexpected ')'; expected a number, a name or '('"},
        {"(1 + 2", 7, 18, "expected ')' to close the '(' at column 12"},
        {"1 + 2)", 7, 17, "unexpected ')' with no matching '('"},
        {"1 2", 7, 14, "unexpected number '2'; expected an operator or the end"},
        {"strenght(dprk-kursk)", 7, 12, "unknown function 'strenght'; did you mean 'strength'?"},
        {"strength(dprk_kursk)", 7, 21, "no force named 'dprk_kursk'; did you mean 'dprk-kursk'?"},
        {"stock(russia, drones)", 7, 26, "russia has no stock named 'drones'"},
        {"stock(rusia, shells)", 7, 18, "no actor named 'rusia'; did you mean 'russia'?"},
        {"min(1)", 7, 12, "'min' takes at least 2 arguments (x, y, ...), found 1"},
        {"clamp(1, 2)", 7, 12, "'clamp' takes 3 arguments (x, lo, hi), found 2"},
        {"sqrt(1, 2)", 7, 12, "'sqrt' takes 1 argument (x), found 2"},
        {"strength(a, b)", 7, 12, "'strength' takes 1 argument (force), found 2"},
        {"strength()", 7, 12, "'strength' takes 1 argument (force), found 0"},
        {"stock(russia)", 7, 12, "'stock' takes 2 arguments (actor, stock), found 1"},
        {"strength", 7, 12, "'strength' takes 1 argument (force); write strength(force)"},
        {"day(1)", 7, 12, "'day' takes no arguments, found 1"},
        {"if(day, 1)", 7, 12, "'if' takes 3 arguments (condition, then, else), found 2"},
        {"if(day, 1, 2, 3)", 7, 12, "'if' takes 3 arguments (condition, then, else), found more"},
        {"'dprk", 7, 12, "unterminated string"},
        {"strength(\"dprk-kursk)", 7, 21, "unterminated string"},
        {"\"x\" + 1", 7, 12, "unexpected string \"x\"; a quoted name may only be the argument"},
        {"1 < 2 < 3", 7, 18, "comparisons do not chain"},
        {"day && 1", 7, 16, "unexpected '&&'; write 'and'"},
        {"day || 1", 7, 16, "unexpected '||'; write 'or'"},
        {"!day", 7, 12, "unexpected '!'; write 'not'"},
        {"day = 1", 7, 16, "unexpected '='; write '==' to compare"},
        {"2 ** 3", 7, 14, "unexpected '**'; write '^' for a power"},
        {"1.e3", 7, 12, "number '1.' has no digits after '.'"},
        {"1__000", 7, 13, "misplaced '_' in number"},
        {"1_", 7, 13, "misplaced '_' in number '1_'"},
        {"1e+", 7, 12, "number '1e+' has no digits after 'e'"},
        {"2x", 7, 13, "unexpected 'x' right after number '2'"},
        {"1e999", 7, 12, "number '1e999' is too large"},
        {"3 @ 4", 7, 14, "unexpected character '@'"},
        {"3 \x01 4", 7, 14, "unexpected control character 0x01"},
        {"sqrt", 7, 16, "expected '(': 'sqrt' is a function, write sqrt(x)"},
        {"sqrt + 1", 7, 17, "unexpected '+' after 'sqrt'"},
        {"dya > 3", 7, 12, "unknown name 'dya'; did you mean 'day'?"},
        {"TRUE", 7, 12, "unknown name 'TRUE'; did you mean 'true'?"},
        {"foo + 1", 7, 12, "unknown name 'foo'; expected a number"},
        {"frobnicate(1)", 7, 12, "unknown function 'frobnicate'; expected a built-in"},
        {"day adn 1", 7, 16, "did you mean 'and'?"},
        {"max(1, 2", 7, 20, "expected ',' or ')' to close the call of 'max' at column 15"},
        {"strength(dprk-kursk", 7, 31, "expected ',' or ')' to close the call of 'strength'"},
        {"max(1, 2,)", 7, 21, "unexpected ')' after ','; expected argument 3 of 'max'"},
        {"clamp(1, 2, 3,)", 7, 26, "unexpected ')' after ','; expected argument 4 of 'clamp'"},
        {"strength(dprk-kursk,)", 7, 32, "unexpected ')' after ','; expected a name (force) as argument 2"},
        {"min(, 1)", 7, 16, "unexpected ','; expected a number, a name or '('"},
        {"strength(+)", 7, 21, "expected a name (force) as argument 1 of 'strength'"},
        {"strength('')", 7, 21, "empty name"},
        {"not", 7, 15, "unexpected end of expression; expected a number"},
        {"1 + not 0", 7, 16, "unexpected 'not'; expected a number, a name or '('"},
        {"day >", 7, 17, "unexpected end of expression"},
        {"foo(1", 7, 12, "unknown function 'foo'"},
        {"day > 1 and\n  foo", 8, 3, "unknown name 'foo'"},
        {"(day > 1 and\n  foo + (1", 8, 3, "unknown name 'foo'"},
        {"strength('\xc3\xa9') @", 7, 21, "no force named '\xc3\xa9'"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        check_bad(&t[i]);
}

/* Every error after the first is reported too, each at its own place. */
static void test_several_errors(void **st)
{
    (void)st;
    const struct {
        const char *src;
        size_t n;
        int cols[3];
        const char *msg[3];
    } t[] = {
        {"strenght(x) + foo + strength(bad)", 3, {12, 26, 41},
         {"did you mean 'strength'?", "unknown name 'foo'", "no force named 'bad'"}},
        {"strength('\xc3\xa9') @", 2, {21, 26}, {"no force named", "unexpected character '@'"}},
        {"foo(1, (2, \")\"), 3) + min(1) + x", 3, {12, 34, 43},
         {"unknown function 'foo'", "'min' takes at least 2", "unknown name 'x'"}},
        {"(day > 1 and\n  foo + (1", 2, {3, 11}, {"unknown name 'foo'", "expected ')' to close the '(' at line 8, column 9"}},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        sal_diags *d = sal_diags_alloc();
        sal_expr *e = NULL;
        assert_int_equal(sal_expr_compile(t[i].src, &host, "s.yaml", 7, 12, d, &e), SAL_EINPUT);
        assert_null(e);
        if (sal_diags_count(d) != t[i].n)
            fail_msg("'%s': %zu errors, expected %zu", t[i].src, sal_diags_count(d), t[i].n);
        for (size_t k = 0; k < t[i].n; k++) {
            const sal_diag *g = sal_diags_get(d, k);
            if (g->col != t[i].cols[k] || !strstr(g->message, t[i].msg[k]))
                fail_msg("'%s' error %zu: col %d \"%s\", expected col %d \"%s\"", t[i].src, k,
                         g->col, g->message, t[i].cols[k], t[i].msg[k]);
        }
        sal_diags_free(d);
    }
}

/* Misuse by the caller: no crash, a status and (when possible) a message. */
static void test_bad_calls(void **st)
{
    (void)st;
    sal_diags *d = sal_diags_alloc();
    sal_expr *e = NULL;
    assert_int_equal(sal_expr_compile(NULL, &host, "s.yaml", 1, 1, d, &e), SAL_EINPUT);
    assert_null(e);
    assert_int_equal(sal_diags_count(d), 1);
    assert_int_equal(sal_expr_compile("1", &host, "s.yaml", 1, 1, d, NULL), SAL_EINPUT);
    /* no diags list: still a status */
    assert_int_equal(sal_expr_compile("1 +", &host, "s.yaml", 1, 1, NULL, &e), SAL_EINPUT);
    assert_null(e);
    /* no host: built-ins only */
    assert_int_equal(sal_expr_compile("max(1, 2)", NULL, NULL, 1, 1, d, &e), SAL_OK);
    assert_true(sal_expr_eval(e, NULL, NULL) == 2);
    assert_string_equal(sal_expr_file(e), "<expression>");
    sal_expr_free(e);
    size_t before = sal_diags_count(d);
    assert_int_equal(sal_expr_compile("day", NULL, "s.yaml", 1, 1, d, &e), SAL_EINPUT);
    assert_int_equal(sal_diags_count(d), before + 1);
    assert_non_null(strstr(sal_diags_get(d, before)->message, "unknown name 'day'"));
    /* a host without a resolver cannot take name arguments */
    sal_expr_host h = {funcs, 5, NULL, NULL};
    assert_int_equal(sal_expr_compile("strength(x)", &h, "s.yaml", 1, 1, d, &e), SAL_EINPUT);
    assert_non_null(strstr(sal_diags_get(d, before + 1)->message, "no resolver"));
    assert_int_equal(sal_expr_compile("day + 1", &h, "s.yaml", 1, 1, d, &e), SAL_OK);
    sal_expr_free(e);
    /* a host function declaring 3 arguments is refused, not overrun */
    const sal_expr_func bad3[] = {{"f3", 3, 0, NULL}};
    sal_expr_host h3 = {bad3, 1, resolve, &nresolve};
    assert_int_equal(sal_expr_compile("f3(a, b, c) + 1", &h3, "s.yaml", 1, 1, d, &e), SAL_EINPUT);
    assert_non_null(strstr(sal_diags_get(d, before + 2)->message, "declares 3 arguments"));
    /* unknown position: no line or column */
    assert_int_equal(sal_expr_compile("1 +", &host, "s.yaml", 0, 0, d, &e), SAL_EINPUT);
    assert_int_equal(sal_diags_get(d, before + 3)->line, 0);
    sal_diags_free(d);
}

/* ---- limits ----------------------------------------------------------------- */

static char *repeat(const char *pre, size_t n, const char *mid, const char *post)
{
    size_t lp = strlen(pre), lm = strlen(mid), lq = strlen(post);
    char *s = malloc(n * (lp + lq) + lm + 1);
    assert_non_null(s);
    char *q = s;
    for (size_t i = 0; i < n; i++, q += lp)
        memcpy(q, pre, lp);
    memcpy(q, mid, lm);
    q += lm;
    for (size_t i = 0; i < n; i++, q += lq)
        memcpy(q, post, lq);
    *q = '\0';
    return s;
}

static void error_of(char *src, int col, const char *msg)
{
    bad b = {src, 7, col, msg};
    check_bad(&b);
    free(src);
}

static void value_of(char *src, double want)
{
    mstate s = base_state();
    check(src, want, &s);
    free(src);
}

static void test_limits(void **st)
{
    (void)st;
    const char *deep = "nested too deeply (more than 256 levels";
    error_of(repeat("(", 100000, "", ""), 12, "expression is 100000 bytes long; expected at most 65536");
    error_of(repeat("(", 60000, "", ""), 12 + 256, deep);
    error_of(repeat("(", 20000, "1", ")"), 12 + 256, deep);
    value_of(repeat("(", 256, "1", ")"), 1);
    error_of(repeat("(", 257, "1", ")"), 12 + 256, deep);
    value_of(repeat("-", 256, "1", ""), 1);
    error_of(repeat("-", 257, "1", ""), 12 + 256, deep);
    error_of(repeat("not ", 300, "1", ""), 12 + 4 * 256, deep);
    error_of(repeat("2^", 300, "1", ""), 12 + 1 + 2 * 256, deep);
    value_of(repeat("abs(", 256, "1", ")"), 1);
    error_of(repeat("abs(", 257, "1", ")"), 12 + 4 * 256 + 3, deep);
    error_of(repeat("strength(", 3, "", ")"), 29, "expected ',' or ')' to close the call of 'strength'");
    error_of(repeat("foo(", 10000, "", ""), 12, "unknown function 'foo'");
    /* clamp keeps two values pending per level: 256 levels overflow the stack */
    value_of(repeat("clamp(day, 0, ", 200, "day", ")"), 30);
    error_of(repeat("clamp(day, 0, ", 256, "day", ")"), 12, "expression too complex");
    /* long but flat: fine, and folded */
    value_of(repeat("1+", 32767, "1", ""), 32768);
    value_of(repeat("day+", 16383, "day", ""), 30 * 16384.0);
    value_of(repeat("min(day, ", 200, "1", ")"), 1);
    error_of(repeat("1+", 32768, "1", ""), 12, "bytes long");
    char name[300];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    char src[400];
    snprintf(src, sizeof src, "strength(%s)", name);
    check_bad(&(bad){src, 7, 21, "name of 299 bytes is too long"});
    snprintf(src, sizeof src, "%s + 1", name);
    check_bad(&(bad){src, 7, 12, "unknown name 'xxxx"});
}

/* ---- random trees ------------------------------------------------------------ */

enum { K_NUM, K_VAR, K_DAY, K_UN, K_BIN, K_FN, K_IF };
enum { U_NEG, U_NOT, U_ABS, U_SQRT, U_EXP, U_LOG, U_SIN, U_COS, U_FLOOR, U_CEIL, U_ROUND, NU };
enum { B_OR, B_AND, B_LT, B_LE, B_GT, B_GE, B_EQ, B_NE, B_ADD, B_SUB, B_MUL, B_DIV,
       B_MOD, B_POW, NB };
enum { F_MIN, F_MAX, F_CLAMP };

typedef struct node {
    int kind, op, n;
    double num;
    int var;
    struct node *k[4];
} node;

typedef struct {
    node pool[400];
    int used;
    gsl_rng *r;
} gen;

static int pick(gen *g, int n)
{
    return (int)gsl_rng_uniform_int(g->r, (unsigned long)n);
}

static double random_number(gen *g)
{
    static const double special[] = {0, 1, 2, 3, 0.5, 10, 1e3, 1e-3, 0.1, 7};
    double x = pick(g, 3) ? special[pick(g, 10)] : gsl_rng_uniform(g->r) * 10;
    return pick(g, 10) < 3 ? -x : x;
}

static node *grow(gen *g, int depth)
{
    node *n = &g->pool[g->used++];
    memset(n, 0, sizeof *n);
    int room = g->used + 12 < (int)(sizeof g->pool / sizeof g->pool[0]);
    if (depth >= 7 || !room || pick(g, 10) < 2 + depth) {
        n->kind = pick(g, 5) < 2 ? K_NUM : pick(g, 6) ? K_VAR : K_DAY;
        n->num = random_number(g);
        n->var = pick(g, 8);
        return n;
    }
    int r = pick(g, 20);
    n->kind = r < 5 ? K_UN : r < 16 ? K_BIN : r < 19 ? K_FN : K_IF;
    n->op = n->kind == K_UN ? pick(g, NU) : n->kind == K_BIN ? pick(g, NB) : pick(g, 3);
    n->n = n->kind == K_UN ? 1 : n->kind == K_BIN ? 2 : n->kind == K_IF ? 3
         : n->op == F_CLAMP ? 3 : 2 + pick(g, 3);
    for (int i = 0; i < n->n; i++)
        n->k[i] = grow(g, depth + 1);
    return n;
}


static double ref_un(int op, double x)
{
    switch (op) {
    case U_NEG: return -x;
    case U_NOT: return x == 0;
    case U_ABS: return fabs(x);
    case U_SQRT: return sqrt(x);
    case U_EXP: return exp(x);
    case U_LOG: return log(x);
    case U_SIN: return sin(x);
    case U_COS: return cos(x);
    case U_FLOOR: return floor(x);
    case U_CEIL: return ceil(x);
    default: return round(x);
    }
}

static double ref_bin(int op, double a, double b)
{
    switch (op) {
    case B_OR: return a != 0 || b != 0;
    case B_AND: return a != 0 && b != 0;
    case B_LT: return a < b;
    case B_LE: return a <= b;
    case B_GT: return a > b;
    case B_GE: return a >= b;
    case B_EQ: return a == b;
    case B_NE: return a != b;
    case B_ADD: return a + b;
    case B_SUB: return a - b;
    case B_MUL: return a * b;
    case B_DIV: return a / b;
    case B_MOD: return fmod(a, b);
    default: return pow(a, b);
    }
}

static double ref(const node *n, const mstate *s)
{
    switch (n->kind) {
    case K_NUM: return n->num;
    case K_VAR: return s->v[n->var];
    case K_DAY: return s->day;
    case K_UN: return ref_un(n->op, ref(n->k[0], s));
    case K_BIN: return ref_bin(n->op, ref(n->k[0], s), ref(n->k[1], s));
    case K_IF: return ref(n->k[0], s) != 0 ? ref(n->k[1], s) : ref(n->k[2], s);
    default: break;
    }
    if (n->op == F_CLAMP)
        return vmin(vmax(ref(n->k[0], s), ref(n->k[1], s)), ref(n->k[2], s));
    double v = ref(n->k[0], s);
    for (int i = 1; i < n->n; i++)
        v = n->op == F_MIN ? vmin(v, ref(n->k[i], s)) : vmax(v, ref(n->k[i], s));
    return v;
}

/* Precedence levels of docs/expressions.md, loosest first. */
enum { L_OR = 1, L_AND, L_NOT, L_CMP, L_SUM, L_PROD, L_UNARY, L_POW, L_ATOM };

static int level(const node *n)
{
    static const int bin[NB] = {L_OR, L_AND, L_CMP, L_CMP, L_CMP, L_CMP, L_CMP, L_CMP,
                                L_SUM, L_SUM, L_PROD, L_PROD, L_PROD, L_POW};
    switch (n->kind) {
    case K_NUM: return signbit(n->num) ? L_UNARY : L_ATOM; /* "-0" too */
    case K_UN: return n->op == U_NEG ? L_UNARY : n->op == U_NOT ? L_NOT : L_ATOM;
    case K_BIN: return bin[n->op];
    default: return L_ATOM;
    }
}

typedef struct {
    char *buf;
    size_t len, cap;
    gen *g;
} out;

static void put(out *o, const char *s)
{
    size_t n = strlen(s);
    assert_true(o->len + n < o->cap);
    memcpy(o->buf + o->len, s, n + 1);
    o->len += n;
}

static void print(out *o, const node *n, int min);

static void print_args(out *o, const char *name, const node *n)
{
    put(o, name);
    put(o, "(");
    for (int i = 0; i < n->n; i++) {
        if (i)
            put(o, pick(o->g, 2) ? ", " : ",");
        print(o, n->k[i], L_OR);
    }
    put(o, ")");
}

/* Only the parentheses the grammar needs, plus a few at random. */
static void print(out *o, const node *n, int min)
{
    static const char *un[NU] = {"-", "not ", "abs", "sqrt", "exp", "log", "sin", "cos",
                                 "floor", "ceil", "round"};
    static const char *bin[NB] = {" or ", " and ", " < ", " <= ", " > ", " >= ", " == ",
                                  " != ", " + ", " - ", " * ", " / ", " % ", "^"};
    static const char *vname[8] = {"a", "b", "c", "d", "e", "f", "g", "h"};
    int lv = level(n), paren = lv < min || pick(o->g, 12) == 0;
    char tmp[64];
    if (paren)
        put(o, "(");
    switch (n->kind) {
    case K_NUM:
        snprintf(tmp, sizeof tmp, "%.17g", n->num);
        put(o, tmp);
        break;
    case K_VAR:
        snprintf(tmp, sizeof tmp, "v(%s)", vname[n->var]);
        put(o, tmp);
        break;
    case K_DAY: put(o, "day"); break;
    case K_UN:
        if (n->op == U_NEG || n->op == U_NOT) {
            put(o, un[n->op]);
            print(o, n->k[0], lv);
        } else {
            print_args(o, un[n->op], n);
        }
        break;
    case K_BIN: {
        /* left-associative levels take their own level on the left, one
         * more on the right; comparisons do not nest; ^ is the reverse */
        int l = lv + (lv == L_CMP), r = lv + 1;
        if (lv == L_POW) {
            l = L_ATOM;
            r = L_UNARY;
        }
        print(o, n->k[0], l);
        put(o, bin[n->op]);
        print(o, n->k[1], r);
        break;
    }
    case K_IF: print_args(o, "if", n); break;
    default: print_args(o, n->op == F_MIN ? "min" : n->op == F_MAX ? "max" : "clamp", n);
    }
    if (paren)
        put(o, ")");
}

static void test_random_trees(void **st)
{
    (void)st;
    static gen g;
    g.r = sal_rng_alloc(20241104, 0, 7);
    assert_non_null(g.r);
    char buf[32768];
    int nconst = 0;
    for (int iter = 0; iter < 4000; iter++) {
        g.used = 0;
        node *root = grow(&g, 0);
        out o = {buf, 0, sizeof buf, &g};
        buf[0] = '\0';
        print(&o, root, L_OR);
        sal_expr *e = compile_ok(buf);
        nconst += sal_expr_is_const(e);
        for (int k = 0; k < 4; k++) {
            mstate s = base_state();
            s.day = pick(&g, 400);
            for (int i = 0; i < 8; i++)
                s.v[i] = random_number(&g);
            double want = ref(root, &s), got = sal_expr_eval(e, get, &s);
            if (!same(got, want))
                fail_msg("tree %d state %d: '%s' = %.17g, expected %.17g", iter, k, buf,
                         got, want);
        }
        sal_expr_free(e);
    }
    assert_true(nconst > 100);     /* both folded and run-time paths were seen */
    assert_true(nconst < 3900);
    gsl_rng_free(g.r);
}

/* Mutated expressions (characters deleted, inserted, replaced) never crash:
 * they compile, or fail with at least one error placed inside the text. */
static void test_mutations(void **st)
{
    (void)st;
    static gen g;
    static const char alphabet[] = "()(),,+-*/%^<>=!&|\"'_.e0123456789 \tnotandorvdayabsmin\xc3\xa9\n";
    g.r = sal_rng_alloc(7, 1, 2);
    char buf[32768];
    for (int iter = 0; iter < 3000; iter++) {
        g.used = 0;
        node *root = grow(&g, 2);
        out o = {buf, 0, sizeof buf - 64, &g};
        print(&o, root, L_OR);
        size_t len = o.len;
        for (int m = 1 + pick(&g, 4); m > 0 && len > 0; m--) {
            size_t at = (size_t)pick(&g, (int)len);
            char c = alphabet[pick(&g, (int)sizeof alphabet - 1)];
            switch (pick(&g, 3)) {
            case 0: memmove(buf + at, buf + at + 1, len - at); len--; break;
            case 1: memmove(buf + at + 1, buf + at, len - at + 1); buf[at] = c; len++; break;
            default: buf[at] = c; break;
            }
        }
        buf[len] = '\0';
        sal_diags *d = sal_diags_alloc();
        sal_expr *e = NULL;
        int status = sal_expr_compile(buf, &host, "m.yaml", 1, 1, d, &e);
        if (status == SAL_OK) {
            mstate s = base_state();
            (void)sal_expr_eval(e, get, &s);
            assert_int_equal(sal_diags_count(d), 0);
        } else {
            assert_int_equal(status, SAL_EINPUT);
            assert_null(e);
            assert_true(sal_diags_count(d) >= 1);
            for (size_t k = 0; k < sal_diags_count(d); k++) {
                const sal_diag *x = sal_diags_get(d, k);
                assert_true(x->line >= 1 && x->col >= 1 && x->col <= (int)len + 1);
                assert_true(strlen(x->message) > 10);
            }
        }
        sal_expr_free(e);
        sal_diags_free(d);
    }
    gsl_rng_free(g.r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arithmetic_table),
        cmocka_unit_test(test_boolean_truth_tables),
        cmocka_unit_test(test_math_against_libm),
        cmocka_unit_test(test_host_functions),
        cmocka_unit_test(test_host_calls_skipped),
        cmocka_unit_test(test_introspection),
        cmocka_unit_test(test_folding),
        cmocka_unit_test(test_eval_finite),
        cmocka_unit_test(test_locale_independent),
        cmocka_unit_test(test_compile_errors),
        cmocka_unit_test(test_several_errors),
        cmocka_unit_test(test_bad_calls),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_random_trees),
        cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Built-in battle series: J. H. Engel's Iwo Jima series.
 *
 * Source: J. H. Engel, "A verification of Lanchester's law", Journal of the
 * Operations Research Society of America (Operations Research) 2 (1954)
 * 163-171, as retold in M. Braun, Differential Equations and Their
 * Applications (Springer).  Iwo Jima, 19 February to 26 March 1945 (36 days);
 * A = United States, B = Japan.  The series is Engel's *fitted* square-law
 * model, rounded to whole soldiers, not the raw daily record: Japanese
 * initial strength 21,500 with no reinforcements; the US lands 54,000 on
 * day 1, 6,000 on day 3 and 13,000 on day 6 (no US troops ashore on day 0);
 * a = 0.0544 (US losses per Japanese soldier per day), b = 0.0106 (Japanese
 * losses per US soldier per day).  The rows are a copy of
 * ../shared/data/iwojima-engel.csv (tests/cli/fit_builtin.sh checks that
 * they agree). */
#include "iwojima.h"

#include <string.h>

/* day d = row index: A, B, reinf_A, reinf_B */
static const double iwojima[37][4] = {
    {0, 21500, 0, 0},
    {52835, 21220, 54000, 0},
    {51696, 20666, 0, 0},
    {56587, 20092, 6000, 0},
    {55511, 19498, 0, 0},
    {54466, 18915, 0, 0},
    {66454, 18274, 13000, 0},
    {65479, 17575, 0, 0},
    {64541, 16886, 0, 0},
    {63641, 16207, 0, 0},
    {62778, 15537, 0, 0},
    {61951, 14876, 0, 0},
    {61159, 14223, 0, 0},
    {60403, 13579, 0, 0},
    {59682, 12943, 0, 0},
    {58995, 12314, 0, 0},
    {58342, 11692, 0, 0},
    {57723, 11077, 0, 0},
    {57137, 10468, 0, 0},
    {56584, 9865, 0, 0},
    {56063, 9268, 0, 0},
    {55575, 8677, 0, 0},
    {55119, 8090, 0, 0},
    {54695, 7508, 0, 0},
    {54302, 6930, 0, 0},
    {53941, 6357, 0, 0},
    {53610, 5787, 0, 0},
    {53311, 5220, 0, 0},
    {53042, 4656, 0, 0},
    {52804, 4095, 0, 0},
    {52597, 3537, 0, 0},
    {52420, 2980, 0, 0},
    {52272, 2425, 0, 0},
    {52156, 1872, 0, 0},
    {52069, 1320, 0, 0},
    {52012, 768, 0, 0},
    {51985, 217, 0, 0},
};

static const cli_builtin_info iwojima_info = {
    "iwojima",
    "Iwo Jima, 19 Feb - 26 Mar 1945 (Engel's square-law series, 37 days)",
    "A = United States, B = Japan",
    "J. H. Engel, \"A verification of Lanchester's law\", Operations Research 2 "
    "(1954) 163-171",
    0.0544,
    0.0106,
};

sal_battle *cli_builtin_battle(const char *name, const cli_builtin_info **info)
{
    if (!name || strcmp(name, iwojima_info.name) != 0)
        return NULL;
    size_t n = sizeof iwojima / sizeof iwojima[0];
    sal_battle *b = sal_battle_alloc(n);
    if (!b)
        return NULL;
    for (size_t d = 0; d < n; d++) {
        b->A[d] = iwojima[d][0];
        b->B[d] = iwojima[d][1];
        b->reinf_A[d] = iwojima[d][2];
        b->reinf_B[d] = iwojima[d][3];
    }
    *info = &iwojima_info;
    return b;
}

const char *cli_builtin_names(void)
{
    return "iwojima";
}

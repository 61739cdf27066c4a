/* The scenario reader: names, enumerations and rung references, the
 * checks shared by the entity sections (scenario_sect.c) and the policies
 * (scenario_policy.c), below both (docs/architecture.md). */
#include "scenario/scenario_int.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>

/* ---- names ------------------------------------------------------------ */

int sc_name_ok(sc_reader *r, const yd_node *k, const char *kind)
{
    const char *s = k->str;
    size_t n = strlen(s);
    int ok = n > 0 && n <= SC_MAX_NAME &&
             ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'));
    for (size_t i = 0; ok && i < n; i++) {
        char c = s[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-';
    }
    if (!ok)
        sc_err(r, k, "'%s' is not a valid %s name; expected letters, digits, '_' and '-', "
                     "starting with a letter, at most %d characters",
               s, kind, SC_MAX_NAME);
    return ok;
}

/* ---- enumerations ----------------------------------------------------- */

int sc_enum_value(sc_reader *r, const yd_node *n, const char *what,
                      const char *const *names, const int *values)
{
    const char *s;
    if (sc_str(r, n, what, &s) != 0)
        return -1;
    size_t k = 0;
    for (; names[k]; k++)
        if (strcmp(names[k], s) == 0)
            return values[k];
    char list[200];
    sal_join_names(list, sizeof list, names, k);
    const char *sg = sc_suggest(s, names, k);
    if (sg)
        sc_err(r, n, "%s is '%s'; did you mean '%s'?", what, s, sg);
    else
        sc_err(r, n, "%s is '%s'; expected one of: %s", what, s, list);
    return -1;
}

const char *const SC_ROLE_NAMES[] = {"assault", "defence", "defense", "support", NULL};
const int SC_ROLE_VALUES[] = {SAL_ROLE_ASSAULT, SAL_ROLE_DEFENCE, SAL_ROLE_DEFENCE,
                                  SAL_ROLE_SUPPORT};
const char *const SC_POSTURE_NAMES[] = {"attack", "hold", NULL};
const int SC_POSTURE_VALUES[] = {SAL_POSTURE_ATTACK, SAL_POSTURE_HOLD};

/* ---- rungs ------------------------------------------------------------ */

static int rung_index(const sal_ladder *l, const char *s)
{
    for (size_t j = 0; j < l->nrungs; j++)
        if (l->rungs[j] && strcmp(l->rungs[j], s) == 0)
            return (int)j;
    return -1;
}

int sc_rung_ref(sc_reader *r, const sal_ladder *l, const yd_node *n, const char *what)
{
    const char *s;
    if (sc_str(r, n, what, &s) != 0)
        return -1;
    int k = rung_index(l, s);
    if (k >= 0)
        return k;
    if (l->nrungs == 0)
        return -1; /* the rungs are broken, already reported */
    const char *sg = sc_suggest(s, (const char *const *)l->rungs, l->nrungs);
    if (sg)
        sc_err(r, n, "%s refers to rung '%s', which ladder '%s' does not have; did you mean '%s'?",
               what, s, l->name, sg);
    else
        sc_err(r, n, "%s refers to rung '%s', which ladder '%s' does not have; expected one of its "
                     "rungs",
               what, s, l->name);
    return -1;
}

/* salient — the order in which parameters are read.
 *
 * Parameters refer to each other with {param: NAME}, in any order of the
 * file.  They form a directed graph (an edge from a parameter to each one
 * it refers to), searched here once, depth first, with an explicit stack
 * (no recursion, whatever the length of a chain): a reference to a
 * parameter still on the stack closes a cycle; a parameter whose longest
 * chain of references is longer than SC_MAX_PCHAIN is too deep.  The depth
 * is a property of the graph, so the limit is the same whatever the order
 * the parameters are listed in (docs/scenario.md, "Limits").  Each
 * parameter is read when the search leaves it (post-order), after every
 * parameter it refers to: reading one never recurses into another. */
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_int.h"
#include "base/util.h"

typedef struct {
    int to;
    const yd_node *at; /* the name in {param: NAME}, for messages */
} pedge;

typedef struct {
    pedge *e;
    size_t n, cap;
} plist;

/* Every {param: NAME} under n naming a defined parameter.  The document
 * nests at most YD_MAX_DEPTH levels, which bounds this recursion. */
static int collect(const sal_model *m, const yd_node *n, plist *out)
{
    if (!n || n->kind == YD_SCALAR)
        return 0;
    size_t items = n->kind == YD_MAP ? 2 * n->n : n->n;
    for (size_t i = 0; i < items; i++) {
        const yd_node *k = n->kids[i];
        if (n->kind == YD_MAP && i % 2 == 0) {
            const yd_node *v = n->kids[i + 1];
            int to = strcmp(k->str, "param") == 0 && v->kind == YD_SCALAR ? sc_param(m, v->str)
                                                                           : -1;
            if (to >= 0) {
                if (sal_grow(&out->e, &out->cap, out->n, sizeof *out->e, 4) != 0)
                    return -1;
                out->e[out->n++] = (pedge){to, v};
            }
            continue;
        }
        if (collect(m, k, out) != 0)
            return -1;
    }
    return 0;
}

typedef struct {
    sc_reader *r;
    plist *refs;
    int *color; /* 0 not seen, 1 on the stack, 2 done */
    int *depth; /* parameters in the longest chain from here (0: bad) */
    int *stack; /* the parameters on the search's path */
    size_t *next; /* per parameter on the path: its next reference */
    int top;
} psearch;

/* "a -> b -> ... -> z" into buf: at most the first four and the last. */
static void chain_text(char *buf, size_t size, const char *const *names, int n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && o < size; i++) {
        if (n > 6 && i == 4) {
            i = n - 2;
            o += (size_t)snprintf(buf + o, size - o, " -> ...");
            continue;
        }
        if (o < size)
            o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? " -> " : "", names[i]);
    }
}

/* The reference at the top of the stack goes back to `to`, on the stack:
 * the parameters from `to` to the top are a cycle, reported once. */
static void report_cycle(psearch *s, int to, const yd_node *at)
{
    sal_model *m = s->r->m;
    int from = s->top;
    while (from > 0 && s->stack[from] != to)
        from--;
    int n = s->top - from + 2;
    const char **names = malloc((size_t)n * sizeof *names);
    char chain[700] = "";
    if (names) {
        for (int i = 0; i < n - 1; i++)
            names[i] = m->params[s->stack[from + i]].name;
        names[n - 1] = m->params[to].name;
        chain_text(chain, sizeof chain, names, n);
        free(names);
    }
    sc_err(s->r, at, "parameters refer to each other in a cycle (%s); expected a parameter "
                     "that ends in a number or a distribution", chain);
    for (int i = from; i <= s->top; i++)
        s->r->pstate[s->stack[i]] = 3;
}

/* Parameter v is too deep: its longest chain named, following the deepest
 * reference at each step. */
static void report_deep(psearch *s, int v)
{
    sal_model *m = s->r->m;
    const char *names[SC_MAX_PCHAIN + 2];
    int n = 0;
    for (int at = v; at >= 0 && n < SC_MAX_PCHAIN + 2;) {
        names[n++] = m->params[at].name;
        int best = -1;
        for (size_t i = 0; i < s->refs[at].n; i++) {
            int to = s->refs[at].e[i].to;
            if (best < 0 || s->depth[to] > s->depth[best])
                best = to;
        }
        at = best;
    }
    char chain[700];
    chain_text(chain, sizeof chain, names, n);
    sc_err(s->r, yd_val(s->r->params, (size_t)v),
           "parameter '%s' starts a chain of %d parameters, too deep (%s); expected chains of "
           "{param: ...} references at most %d long", m->params[v].name, s->depth[v], chain,
           SC_MAX_PCHAIN);
}

/* The search leaves v: its depth from its references' (a bad reference
 * makes it bad, silently: that one was reported), then v read. */
static void finish(psearch *s, int v)
{
    sc_reader *r = s->r;
    int d = 0, bad = r->pstate[v] == 3;
    for (size_t i = 0; i < s->refs[v].n; i++) {
        int to = s->refs[v].e[i].to;
        if (r->pstate[to] == 3 || s->depth[to] == 0)
            bad = 1;
        else if (s->depth[to] > d)
            d = s->depth[to];
    }
    s->color[v] = 2;
    s->depth[v] = bad ? 0 : d + 1;
    if (bad) {
        r->pstate[v] = 3;
    } else if (s->depth[v] > SC_MAX_PCHAIN) {
        report_deep(s, v);
        s->depth[v] = 0;
        r->pstate[v] = 3;
    } else {
        sc_resolve_param(r, v);
    }
}

static void search_from(psearch *s, int root)
{
    s->top = 0;
    s->stack[0] = root;
    s->next[0] = 0;
    s->color[root] = 1;
    while (s->top >= 0) {
        int v = s->stack[s->top];
        size_t *k = &s->next[s->top];
        if (*k == s->refs[v].n) {
            finish(s, v);
            s->top--;
            continue;
        }
        const pedge *e = &s->refs[v].e[(*k)++];
        if (s->color[e->to] == 1) {
            report_cycle(s, e->to, e->at);
        } else if (s->color[e->to] == 0) {
            s->color[e->to] = 1;
            s->top++;
            s->stack[s->top] = e->to;
            s->next[s->top] = 0;
        }
    }
}

void sc_read_params(sc_reader *r)
{
    size_t n = r->m->nparams;
    psearch s = {.r = r};
    s.refs = calloc(n + 1, sizeof *s.refs);
    s.color = calloc(n + 1, sizeof *s.color);
    s.depth = calloc(n + 1, sizeof *s.depth);
    s.stack = calloc(n + 1, sizeof *s.stack);
    s.next = calloc(n + 1, sizeof *s.next);
    int oom = !s.refs || !s.color || !s.depth || !s.stack || !s.next;
    for (size_t i = 0; !oom && i < n; i++)
        oom = collect(r->m, yd_val(r->params, i), &s.refs[i]) != 0;
    for (size_t i = 0; !oom && i < n; i++)
        if (s.color[i] == 0)
            search_from(&s, (int)i);
    if (oom)
        r->oom = 1;
    for (size_t i = 0; s.refs && i < n; i++)
        free(s.refs[i].e);
    free(s.refs);
    free(s.color);
    free(s.depth);
    free(s.stack);
    free(s.next);
}

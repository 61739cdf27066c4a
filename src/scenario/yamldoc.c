/* A YAML document as a tree with positions (see src/scenario/yamldoc.h). */
#include "scenario/yamldoc.h"

#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "base/util.h"

struct yd_arena {
    yd_node **v;
    size_t n, cap;
    size_t total; /* nodes created by the parser, including alias copies */
};

yd_arena *yd_arena_alloc(void)
{
    return calloc(1, sizeof(yd_arena));
}

void yd_arena_free(yd_arena *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i]->str);
        free(a->v[i]->raw);
        free(a->v[i]->kids);
        free(a->v[i]);
    }
    free(a->v);
    free(a);
}

static yd_node *node_new(yd_arena *a, yd_kind kind, int line, int col)
{
    if (sal_grow(&a->v, &a->cap, a->n, sizeof *a->v, 256) != 0)
        return NULL;
    yd_node *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->kind = kind;
    x->line = line;
    x->col = col;
    x->size = 1;
    a->v[a->n++] = x;
    return x;
}

/* Children are appended through this; for mappings `slots` counts keys and
 * values (pairs = slots / 2). */
static int append(yd_node *x, size_t *slots, yd_node *k)
{
    if (sal_grow(&x->kids, &x->cap, *slots, sizeof *x->kids, 8) != 0)
        return -1;
    x->kids[(*slots)++] = k;
    return 0;
}

yd_node *yd_get(const yd_node *map, const char *key)
{
    if (!map || map->kind != YD_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(yd_key(map, i)->str, key) == 0)
            return yd_val(map, i);
    return NULL;
}

int yd_is_null(const yd_node *n)
{
    if (!n || n->kind != YD_SCALAR || n->quoted)
        return 0;
    const char *s = n->str;
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

const char *yd_describe(const yd_node *n)
{
    if (!n)
        return "nothing";
    switch (n->kind) {
    case YD_MAP: return "a mapping";
    case YD_SEQ: return "a list";
    case YD_SCALAR: break;
    }
    if (yd_is_null(n))
        return "an empty value";
    return n->quoted ? "a quoted string" : "a string";
}

/* ---- parsing ---------------------------------------------------------- */

typedef struct {
    yd_node *node;
    size_t slots;
    char *anchor;
} frame;

typedef struct {
    char *name;
    yd_node *node;
} anchor;

typedef struct {
    yd_arena *a;
    const char *file;
    sal_diags *diags;
    const char *buf;
    size_t len;
    frame stack[YD_MAX_DEPTH + 1];
    int depth;
    anchor *anchors;
    size_t nanchors, capanchors;
    yd_node *root;
    int errors;
    int oom;
} builder;

/* Counts a node the parser is about to create against YD_MAX_NODES: a 64 MiB
 * file of short items would otherwise build some 20 million nodes (3 GB)
 * before the reader could refuse it.  Returns -1 (reported) past the limit. */
static int count_node(builder *b, int line, int col)
{
    if (b->a->total >= (size_t)YD_MAX_NODES) {
        sal_diags_add(b->diags, b->file, line, col,
                      "the document has more than %d nodes (values, lists and mappings) by here; "
                      "expected a smaller scenario",
                      YD_MAX_NODES);
        b->errors++;
        return -1;
    }
    b->a->total++;
    return 0;
}

/* An alias: a new node at the alias's position whose children are the
 * anchor's own children, shared, not copied.  The tree is read-only once
 * built (the reader and yd_merge never change a node), so sharing is safe,
 * and an alias costs O(its direct children) instead of O(its subtree): a
 * 600-byte chain of aliases used to copy up to YD_MAX_NODES nodes (1.7 s and
 * 200 MB) before the budget check stopped it (found by fuzz/fuzz_scenario.c).
 * The budget still counts the expanded size, which is what the reader walks. */
static yd_node *alias_of(builder *b, const yd_node *src, int line, int col)
{
    yd_node *x = node_new(b->a, src->kind, line, col);
    if (!x)
        return NULL;
    x->quoted = src->quoted;
    x->style = src->style;
    x->size = src->size;
    x->n = src->n;
    if (src->str) {
        x->str = sal_strndup(src->str, src->len);
        if (!x->str)
            return NULL;
        x->len = src->len;
    }
    if (src->raw) {
        x->raw = sal_strndup(src->raw, strlen(src->raw));
        if (!x->raw)
            return NULL;
        x->rline = src->rline;
        x->rcol = src->rcol;
    }
    size_t slots = src->kind == YD_MAP ? 2 * src->n : src->n;
    if (slots) {
        x->kids = malloc(slots * sizeof *x->kids);
        if (!x->kids)
            return NULL;
        memcpy(x->kids, src->kids, slots * sizeof *x->kids);
        x->cap = slots;
    }
    return x;
}

typedef struct {
    const yd_node *map;
    size_t i;
} keyref;

static int cmp_keyref(const void *pa, const void *pb)
{
    const keyref *a = pa, *b = pb;
    int c = strcmp(yd_key(a->map, a->i)->str, yd_key(b->map, b->i)->str);
    if (c)
        return c;
    return a->i < b->i ? -1 : a->i > b->i;
}

static void check_duplicates(builder *b, const yd_node *map)
{
    if (map->n < 2)
        return;
    keyref *r = malloc(map->n * sizeof *r);
    if (!r) {
        b->oom = 1;
        return;
    }
    for (size_t i = 0; i < map->n; i++) {
        r[i].map = map;
        r[i].i = i;
    }
    qsort(r, map->n, sizeof *r, cmp_keyref);
    for (size_t i = 1; i < map->n; i++) {
        const yd_node *k0 = yd_key(map, r[i - 1].i), *k = yd_key(map, r[i].i);
        if (strcmp(k0->str, k->str) == 0) {
            /* r is sorted by (key, position): report every later copy
             * against the first one */
            size_t first = i - 1;
            while (first > 0 && strcmp(yd_key(map, r[first - 1].i)->str, k->str) == 0)
                first--;
            const yd_node *k1 = yd_key(map, r[first].i);
            if (b->errors >= 500)
                continue; /* enough said */
            sal_diags_add(b->diags, b->file, k->line, k->col,
                          "duplicate key '%s' (first at line %d); expected each key once",
                          k->str, k1->line);
            b->errors++;
        }
    }
    free(r);
}

/* Attaches a finished node to the open container (or makes it the root). */
static int attach(builder *b, yd_node *x)
{
    if (b->depth == 0) {
        b->root = x;
        return 0;
    }
    frame *f = &b->stack[b->depth - 1];
    yd_node *p = f->node;
    if (p->kind == YD_MAP && f->slots % 2 == 0 && x->kind != YD_SCALAR) {
        sal_diags_add(b->diags, b->file, x->line, x->col,
                      "%s used as a mapping key; expected a plain name as key",
                      yd_describe(x));
        b->errors++;
        return -1;
    }
    if (append(p, &f->slots, x) != 0) {
        b->oom = 1;
        return -1;
    }
    p->size += x->size;
    if (p->kind == YD_MAP)
        p->n = f->slots / 2;
    else
        p->n = f->slots;
    return 0;
}

static int add_anchor(builder *b, const char *name, yd_node *x)
{
    if (!name)
        return 0;
    if (sal_grow(&b->anchors, &b->capanchors, b->nanchors, sizeof *b->anchors, 8) != 0)
        return -1;
    char *nm = sal_strndup(name, strlen(name));
    if (!nm)
        return -1;
    b->anchors[b->nanchors].name = nm;
    b->anchors[b->nanchors].node = x;
    b->nanchors++;
    return 0;
}

static yd_node *find_anchor(builder *b, const char *name)
{
    /* the latest definition wins, as in YAML */
    for (size_t i = b->nanchors; i-- > 0;)
        if (strcmp(b->anchors[i].name, name) == 0)
            return b->anchors[i].node;
    return NULL;
}

/* 1-based line and column of a byte offset (for reader errors). */
void yd_offset_pos(const char *buf, size_t len, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (buf[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* libyaml marks an error found at the end of input on the line after the
 * last newline; a file cut short is better shown at the end of its last line
 * of text, where the reader will look. */
static void clamp_to_text(const char *buf, size_t len, int *line, int *col)
{
    size_t end = len;
    while (end > 0 && (buf[end - 1] == '\n' || buf[end - 1] == '\r'))
        end--;
    int lines = 1;
    size_t start = 0; /* of the last line of text */
    for (size_t i = 0; i < end; i++)
        if (buf[i] == '\n') {
            lines++;
            start = i + 1;
        }
    if (*line > lines) {
        *line = lines;
        *col = (int)(end - start) + 1;
    }
}

static void syntax_error(builder *b, yaml_parser_t *p)
{
    int line, col;
    if (p->error == YAML_READER_ERROR) {
        yd_offset_pos(b->buf, b->len, p->problem_offset, &line, &col);
        sal_diags_add(b->diags, b->file, line, col,
                      "the file is not valid UTF-8 text (%s); expected a UTF-8 YAML file",
                      p->problem ? p->problem : "unreadable");
    } else if (p->error == YAML_MEMORY_ERROR) {
        b->oom = 1;
        return;
    } else {
        line = (int)p->problem_mark.line + 1;
        col = (int)p->problem_mark.column + 1;
        clamp_to_text(b->buf, b->len, &line, &col);
        const char *what = p->problem ? p->problem : "malformed YAML";
        if (p->context)
            sal_diags_add(b->diags, b->file, line, col,
                          "YAML syntax: %s %s; expected well-formed YAML (is the file cut short, "
                          "or a quote, bracket or indent off?)",
                          what, p->context);
        else
            sal_diags_add(b->diags, b->file, line, col,
                          "YAML syntax: %s; expected well-formed YAML (is the file cut short, "
                          "or a quote, bracket or indent off?)",
                          what);
    }
    b->errors++;
}

/* Keeps the file text of a multi-line plain scalar or of a block scalar
 * (after its header line), so that expressions in it report exact columns. */
static int set_raw(builder *b, yd_node *x, const yaml_event_t *ev)
{
    size_t s = ev->start_mark.index, e = ev->end_mark.index;
    if (e > b->len || s >= e)
        return 0;
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    if (x->style == 3 || x->style == 4) {
        while (s < e && b->buf[s] != '\n')
            s++;
        if (s >= e)
            return 0;
        s++;
        line++;
        col = 1;
    } else if (x->style != 0 || !memchr(b->buf + s, '\n', e - s)) {
        return 0;
    }
    x->raw = sal_strndup(b->buf + s, e - s);
    if (!x->raw)
        return -1;
    x->rline = line;
    x->rcol = col;
    return 0;
}

static int is_str_tag(const yaml_char_t *tag)
{
    return tag && strcmp((const char *)tag, YAML_STR_TAG) == 0;
}

/* The handlers of yd_parse, one per kind of event: each returns 1 to stop
 * the parse (an error reported), 0 to go on; out of memory sets b->oom. */

static int on_scalar(builder *b, const yaml_event_t *ev, int line, int col)
{
    if (count_node(b, line, col) != 0)
        return 1;
    if (ev->data.scalar.length > YD_MAX_SCALAR) {
        sal_diags_add(b->diags, b->file, line, col,
                      "this value is %zu bytes long; expected at most %d (1 MiB)",
                      ev->data.scalar.length, YD_MAX_SCALAR);
        b->errors++;
        return 1;
    }
    /* a "\0" escape (or a NUL in the file) would end the C string early
     * and the rest would be silently lost */
    if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length)) {
        sal_diags_add(b->diags, b->file, line, col,
                      "this value holds a NUL character (\\0); expected text without NUL "
                      "characters");
        b->errors++;
    }
    yd_node *x = node_new(b->a, YD_SCALAR, line, col);
    if (!x || !(x->str = sal_strndup((const char *)ev->data.scalar.value, ev->data.scalar.length))) {
        b->oom = 1;
        return 0;
    }
    x->len = ev->data.scalar.length;
    x->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
                is_str_tag(ev->data.scalar.tag);
    switch (ev->data.scalar.style) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: x->style = 1; break;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: x->style = 2; break;
    case YAML_LITERAL_SCALAR_STYLE: x->style = 3; break;
    case YAML_FOLDED_SCALAR_STYLE: x->style = 4; break;
    default: x->style = 0; break;
    }
    if (set_raw(b, x, ev) != 0) {
        b->oom = 1;
        return 0;
    }
    if (add_anchor(b, (const char *)ev->data.scalar.anchor, x) != 0)
        b->oom = 1;
    else if (attach(b, x) != 0)
        return 1;
    return 0;
}

/* The start of a mapping or a sequence: a frame on the stack. */
static int on_start(builder *b, const yaml_event_t *ev, int line, int col)
{
    if (b->depth >= YD_MAX_DEPTH) {
        sal_diags_add(b->diags, b->file, line, col,
                      "the document nests deeper than %d levels; expected a flatter document",
                      YD_MAX_DEPTH);
        b->errors++;
        return 1;
    }
    if (count_node(b, line, col) != 0)
        return 1;
    int ismap = ev->type == YAML_MAPPING_START_EVENT;
    yd_node *x = node_new(b->a, ismap ? YD_MAP : YD_SEQ, line, col);
    if (!x) {
        b->oom = 1;
        return 0;
    }
    const yaml_char_t *an = ismap ? ev->data.mapping_start.anchor
                                  : ev->data.sequence_start.anchor;
    frame *f = &b->stack[b->depth++];
    f->node = x;
    f->slots = 0;
    f->anchor = an ? sal_strndup((const char *)an, strlen((const char *)an)) : NULL;
    if (an && !f->anchor)
        b->oom = 1;
    return 0;
}

/* The end of a mapping or a sequence: its frame popped, the node attached. */
static int on_end(builder *b, yaml_parser_t *p)
{
    if (b->depth == 0) {
        /* libyaml balances start and end events; this keeps a broken
         * event stream from reading stack[-1] */
        syntax_error(b, p);
        return 1;
    }
    frame *f = &b->stack[--b->depth];
    yd_node *x = f->node;
    if (x->kind == YD_MAP)
        check_duplicates(b, x);
    if (add_anchor(b, f->anchor, x) != 0)
        b->oom = 1;
    /* add_anchor copied the name: the frame's copy, made by on_start, goes
     * (the analyser does not follow the frame from on_start to here) */
    free(f->anchor); // NOLINT(clang-analyzer-unix.Malloc)
    f->anchor = NULL;
    if (!b->oom && attach(b, x) != 0)
        return 1;
    return 0;
}

/* An alias: a copy of its anchor's node, within the node budget. */
static int on_alias(builder *b, const yaml_event_t *ev, int line, int col)
{
    const char *name = (const char *)ev->data.alias.anchor;
    yd_node *src = find_anchor(b, name);
    if (!src) {
        sal_diags_add(b->diags, b->file, line, col,
                      "alias '*%s' refers to no anchor defined before it; expected '&%s' earlier",
                      name, name);
        b->errors++;
        return 1;
    }
    if (b->a->total + src->size > (size_t)YD_MAX_NODES) {
        sal_diags_add(b->diags, b->file, line, col,
                      "aliases expand the document past %d nodes; expected a document "
                      "without nested alias chains (an alias bomb?)",
                      YD_MAX_NODES);
        b->errors++;
        return 1;
    }
    yd_node *x = alias_of(b, src, line, col);
    if (!x) {
        b->oom = 1;
        return 0;
    }
    b->a->total += src->size;
    if (attach(b, x) != 0)
        return 1;
    return 0;
}

int yd_parse(yd_arena *a, const char *buf, size_t len, const char *file,
             sal_diags *diags, yd_node **root)
{
    *root = NULL;
    if (len > (size_t)YD_MAX_BYTES) {
        /* refused before libyaml sees a byte; the position is the first byte
         * past the limit, so the user sees how far the file may go */
        int line, col;
        yd_offset_pos(buf, len, (size_t)YD_MAX_BYTES, &line, &col);
        sal_diags_add(diags, file, line, col,
                      "the file has %zu bytes and the limit of %d MiB (%d bytes) is passed here; "
                      "expected a scenario file of at most %d MiB",
                      len, YD_MAX_BYTES >> 20, YD_MAX_BYTES, YD_MAX_BYTES >> 20);
        return SAL_EINPUT;
    }
    builder b;
    memset(&b, 0, sizeof b);
    b.a = a;
    b.file = file;
    b.diags = diags;
    b.buf = buf;
    b.len = len;

    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return SAL_ENOMEM;
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    int docs = 0, done = 0;
    while (!done && !b.oom) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            syntax_error(&b, &p);
            break;
        }
        int line = (int)ev.start_mark.line + 1, col = (int)ev.start_mark.column + 1;
        int stop = 0;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                sal_diags_add(diags, file, line, col,
                              "a second YAML document starts here; expected one document per file");
                b.errors++;
                stop = 1;
            }
            break;
        case YAML_SCALAR_EVENT: stop = on_scalar(&b, &ev, line, col); break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: stop = on_start(&b, &ev, line, col); break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: stop = on_end(&b, &p); break;
        case YAML_ALIAS_EVENT: stop = on_alias(&b, &ev, line, col); break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (stop)
            break;
    }
    yaml_parser_delete(&p);
    while (b.depth > 0)
        free(b.stack[--b.depth].anchor);
    for (size_t i = 0; i < b.nanchors; i++)
        free(b.anchors[i].name);
    free(b.anchors);
    if (b.oom)
        return SAL_ENOMEM;
    if (b.errors)
        return SAL_EINPUT;
    *root = b.root;
    return SAL_OK;
}

/* ---- merge ------------------------------------------------------------ */

yd_node *yd_merge(yd_arena *a, const yd_node *base, const yd_node *over,
                  yd_missing_fn missing, void *ctx)
{
    if (!base || !over || base->kind != YD_MAP || over->kind != YD_MAP)
        return (yd_node *)over;
    yd_node *x = node_new(a, YD_MAP, base->line, base->col);
    if (!x)
        return NULL;
    size_t slots = 0;
    for (size_t i = 0; i < base->n; i++) {
        const char *k = yd_key(base, i)->str;
        yd_node *ov = yd_get(over, k);
        if (ov && yd_is_null(ov))
            continue; /* deleted */
        yd_node *v = yd_val(base, i);
        if (ov) {
            v = yd_merge(a, v, ov, missing, ctx);
            if (!v)
                return NULL;
        }
        if (append(x, &slots, yd_key(base, i)) != 0 || append(x, &slots, v) != 0)
            return NULL;
    }
    for (size_t i = 0; i < over->n; i++) {
        yd_node *k = yd_key(over, i), *v = yd_val(over, i);
        if (yd_get(base, k->str))
            continue;
        if (yd_is_null(v)) {
            if (missing)
                missing(ctx, k, base);
            continue;
        }
        if (append(x, &slots, k) != 0 || append(x, &slots, v) != 0)
            return NULL;
    }
    x->n = slots / 2;
    return x;
}

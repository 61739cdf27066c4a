/* salient (internal) — a YAML document as a tree of nodes with positions.
 *
 * Built from libyaml's event parser, so that every node keeps its 1-based
 * line and column, aliases are expanded under a budget (no alias bombs),
 * nesting is bounded, and duplicate mapping keys are refused.  Variants are
 * applied by yd_merge, a deep merge of mappings that keeps the positions of
 * the nodes it takes from either side.  All nodes live in one arena. */
#ifndef SAL_YAMLDOC_H
#define SAL_YAMLDOC_H

#include <stddef.h>

#include "salient/base.h"

enum {
    YD_MAX_DEPTH = 64,          /* nesting levels */
    YD_MAX_NODES = 2000000,     /* nodes, aliases counted expanded */
    YD_MAX_BYTES = 64 << 20,    /* input size */
    YD_MAX_SCALAR = 1 << 20     /* one value (a name, a description, an expression) */
};

typedef enum { YD_SCALAR, YD_SEQ, YD_MAP } yd_kind;

typedef struct yd_node yd_node;
struct yd_node {
    yd_kind kind;
    int line, col;     /* 1-based */
    int quoted;        /* scalar written quoted or as a block: always a string */
    int style;         /* scalar: 0 plain, 1 'single', 2 "double", 3 | literal, 4 > folded */
    char *str;         /* scalar text (NUL-terminated) */
    char *raw;         /* multi-line plain or block scalar: the text as it stands in the
                          file (indentation kept), so positions inside it are exact */
    int rline, rcol;   /* where raw starts */
    size_t len;
    yd_node **kids;    /* sequence items; mapping: key 2i, value 2i+1 */
    size_t n;          /* items (sequence) or pairs (mapping) */
    size_t cap;
    size_t size;       /* nodes in this subtree, for the alias budget */
};

typedef struct yd_arena yd_arena;

yd_arena *yd_arena_alloc(void);
void yd_arena_free(yd_arena *a);

/* Parses buf into *root (NULL for an empty stream).  Returns SAL_OK or
 * SAL_EINPUT (errors in diags, against file) or SAL_ENOMEM. */
int yd_parse(yd_arena *a, const char *buf, size_t len, const char *file,
             sal_diags *diags, yd_node **root);

/* 1-based line and column (UTF-8 characters) of byte offset off of buf,
 * e.g. where a size limit is reached. */
void yd_offset_pos(const char *buf, size_t len, size_t off, int *line, int *col);

/* Mapping access. */
static inline yd_node *yd_key(const yd_node *map, size_t i) { return map->kids[2 * i]; }
static inline yd_node *yd_val(const yd_node *map, size_t i) { return map->kids[2 * i + 1]; }
yd_node *yd_get(const yd_node *map, const char *key);

/* A plain null (empty, ~, null, Null, NULL, not quoted). */
int yd_is_null(const yd_node *n);

/* Deep merge of over onto base: mappings merge key by key (recursively),
 * a null value in over deletes the key, anything else replaces.  Returns a
 * new tree sharing unchanged subtrees with the inputs; NULL on out of
 * memory.  *ndeleted_missing counts deletions of keys base does not have
 * (reported through missing(), with the key node and the base mapping). */
typedef void (*yd_missing_fn)(void *ctx, const yd_node *key, const yd_node *base_map);
yd_node *yd_merge(yd_arena *a, const yd_node *base, const yd_node *over,
                  yd_missing_fn missing, void *ctx);

/* Describes a node's kind for messages: "a mapping", "a list", "a string", ... */
const char *yd_describe(const yd_node *n);

#endif

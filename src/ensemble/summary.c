/* Mergeable, deterministic ensemble summaries (see include/salient/summary.h
 * and docs/ensemble.md).
 *
 * The one rule behind every structure here: the state must be a function
 * of the multiset of values added, never of their order or grouping.  Then
 * a summary built by one thread equals, bit for bit, one merged from any
 * number of partial summaries in any order.  Integer counts, exact sums,
 * min and max have that property; a floating-point running sum does not,
 * which is why sums go through sal_xsum.
 *
 * Memory model (per sketch, K buckets per octave, M = max_buckets):
 *   struct sal_sketch                       680 bytes, 552 of them the
 *                                           68-digit exact sum
 *   two ring buffers of 32-bit counts       4 * cap each, cap = the power of
 *                                           two >= max(16, the index span in
 *                                           use), never above pow2ceil(M)
 * so at most 680 + 8 * pow2ceil(M) bytes (17,064 for the default M = 2048),
 * whatever the number of values.  Values in [L, H] of one sign use about
 * K log2(H/L) + 1 buckets: 70 per factor of two at the default accuracy,
 * 1396 for 1 .. 1e6.  The mapping tables (bucket boundaries, a lookup
 * table, representatives: 1,432 bytes for K = 70) are
 * shared by all the sketches of a summary. */
#include "salient/summary.h"
#include "ensemble/summary_int.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- bit access --------------------------------------------------------- */

#define FRAC_MASK ((UINT64_C(1) << 52) - 1)
#define EXP_ALL (UINT64_C(0x7ff) << 52)
#define SIGN_BIT (UINT64_C(1) << 63)
#define TWO32 4294967296.0

/* ---- exact sums ----------------------------------------------------------
 *
 * A double is m * 2^(p - 1074) with m < 2^53 an integer and p in 0..2045
 * (p = biased exponent - 1, or 0 for subnormals).  m << (p mod 32) spans at
 * most 85 bits, i.e. three 32-bit digits from digit p / 32 on; each is
 * added into a signed 64-bit slot.  Slots therefore stay exact for 2^31
 * additions between carry propagations ("carry-save"), which we do every
 * 2^29 (a margin that keeps merges and the propagation itself in range).
 * Normalised form — digits 0..66 in [0, 2^32), the sign in digit 67 — is
 * unique for each integer, so it serialises canonically. */

#define XSUM_TOP (SAL_XSUM_DIGITS - 1)
#define XSUM_LIMIT (UINT32_C(1) << 29)

void sal_xsum_init(sal_xsum *a)
{
    memset(a, 0, sizeof *a);
}

static void xsum_normalise(sal_xsum *a)
{
    for (int k = 0; k < XSUM_TOP; k++) {
        int64_t low = (int64_t)((uint64_t)a->digit[k] & 0xffffffffu);
        int64_t carry = (a->digit[k] - low) / (int64_t)4294967296LL;
        a->digit[k] = low;
        a->digit[k + 1] += carry;
    }
    a->pending = 0;
}

/* The sign is applied without a branch ((v ^ mask) - mask negates when mask
 * is all ones): the signs of a metric's values are not predictable. */
static inline void xsum_add_finite(sal_xsum *a, uint64_t b)
{
    uint32_t be = (uint32_t)(b >> 52) & 0x7ff;
    uint64_t m = (b & FRAC_MASK) | ((uint64_t)(be != 0) << 52);
    uint32_t p = be ? be - 1 : 0, k = p >> 5, s = p & 31;
    uint64_t low = m << s; /* bits 0..63 of m * 2^s */
    int64_t mask = -(int64_t)(b >> 63);
    a->digit[k] += ((int64_t)(low & 0xffffffffu) ^ mask) - mask;
    a->digit[k + 1] += ((int64_t)(low >> 32) ^ mask) - mask;
    a->digit[k + 2] += ((int64_t)((m >> 1) >> (63 - s)) ^ mask) - mask;
    if (++a->pending >= XSUM_LIMIT)
        xsum_normalise(a);
}

int sal_xsum_add(sal_xsum *a, double x)
{
    uint64_t b = sal_dbits(x);
    if ((b & ~SIGN_BIT) >= EXP_ALL)
        return SAL_ERANGE;
    xsum_add_finite(a, b);
    return SAL_OK;
}

/* |digit| < (pending + 1) 2^32 holds for both; with each pending below
 * 2^29 the sum stays below 2^62. */
void sal_xsum_merge(sal_xsum *a, const sal_xsum *b)
{
    for (int k = 0; k < SAL_XSUM_DIGITS; k++)
        a->digit[k] += b->digit[k];
    a->pending += b->pending + 1;
    if (a->pending >= XSUM_LIMIT)
        xsum_normalise(a);
}

static int clz32(uint32_t v)
{
    int n = 0;
    while (!(v & 0x80000000u)) {
        v <<= 1;
        n++;
    }
    return n;
}

double sal_xsum_value(const sal_xsum *in)
{
    sal_xsum a = *in;
    xsum_normalise(&a);
    int neg = a.digit[XSUM_TOP] < 0;
    if (neg) {
        for (int k = 0; k < SAL_XSUM_DIGITS; k++)
            a.digit[k] = -a.digit[k];
        xsum_normalise(&a);
    }
    int t = XSUM_TOP;
    while (t >= 0 && a.digit[t] == 0)
        t--;
    if (t < 0)
        return 0.0;
    /* The 96-bit window of digits t, t-1, t-2; m64 is its top 64 bits from
     * the leading one, sticky says whether anything below is non-zero. */
    uint64_t w2 = (uint64_t)a.digit[t];
    uint64_t w1 = t >= 1 ? (uint64_t)a.digit[t - 1] : 0;
    uint64_t w0 = t >= 2 ? (uint64_t)a.digit[t - 2] : 0;
    int lz = clz32((uint32_t)w2);
    uint64_t m64 = (w2 << (32 + lz)) | (w1 << lz) | (lz ? w0 >> (32 - lz) : 0);
    int sticky = lz ? (w0 & ((UINT64_C(1) << (32 - lz)) - 1)) != 0 : 0;
    for (int k = t - 3; k >= 0 && !sticky; k--)
        sticky = a.digit[k] != 0;
    /* weight of m64's bit 0: 2^(32 (t - 2) + 32 - lz - 1074) */
    int e = 32 * (t - 2) + 32 - lz - 1074;
    uint64_t mant = m64 >> 11, rem = m64 & 0x7ff;
    if (rem > 0x400 || (rem == 0x400 && (sticky || (mant & 1))))
        mant++;
    /* mant <= 2^53 is exact in a double and ldexp only scales — except
     * below 2^-1022, where the sum (a multiple of 2^-1074 with fewer than 53
     * bits) was never rounded in the first place. */
    double v = ldexp((double)mant, e + 11);
    return neg ? -v : v;
}

/* ---- the DDSketch index mapping -------------------------------------------
 *
 * Bucket j of octave e holds x in [2^e b_j, 2^e b_{j+1}), b_j ~ 2^(j/K), so
 * consecutive boundaries differ by a factor gamma = 2^(1/K) and the bucket's
 * harmonic-mean representative 2 lo hi / (lo + hi) is within
 * (hi - lo) / (hi + lo) ~ (gamma - 1) / (gamma + 1) of every value in it.
 *
 * The index comes from the bits alone: the exponent gives e, and the top
 * tbits of the fraction pick a table cell that holds at most one boundary,
 * so one comparison finishes the job — no log() per value.  The boundaries
 * are computed with + * / only (a fixed Horner series for exp), never
 * libm, so the mapping is the same on every IEEE-754 machine and a sketch
 * serialised on one rank means the same buckets on another. */

#define SK_KMAX 40000u
#define SK_MMIN 16u
#define SK_MMAX (UINT32_C(1) << 20)
#define LN2 0.693147180559945309417232121458176568

typedef struct {
    uint32_t K, tbits;
    uint64_t *bound; /* K + 1 fraction boundaries in units of 2^-52 */
    uint16_t *cell;  /* 2^tbits: the bucket at the start of each cell */
    double *rep;     /* K representatives in [1, 2) */
    double alpha;    /* guaranteed relative accuracy */
    size_t bytes;
} sk_map;

static double exp_series(double y)
{
    double p = 1.0;
    for (int n = 24; n >= 1; n--)
        p = 1.0 + y * p / n;
    return p;
}

/* The K whose gamma = 2^(1/K) meets accuracy a: ceil(ln 2 / ln((1+a)/(1-a))). */
static uint32_t map_k(double a)
{
    double k = ceil(LN2 / log((1.0 + a) / (1.0 - a)));
    return k < 1 ? 1 : (uint32_t)k;
}

static void map_free(sk_map *mp)
{
    if (!mp)
        return;
    free(mp->bound);
    free(mp->cell);
    free(mp->rep);
    free(mp);
}

static sk_map *map_alloc(uint32_t K)
{
    if (K < 1 || K > SK_KMAX)
        return NULL;
    sk_map *mp = calloc(1, sizeof *mp);
    if (!mp)
        return NULL;
    mp->K = K;
    mp->bound = malloc((K + 1) * sizeof *mp->bound);
    mp->rep = malloc(K * sizeof *mp->rep);
    if (!mp->bound || !mp->rep) {
        map_free(mp);
        return NULL;
    }
    mp->bound[0] = 0;
    for (uint32_t j = 1; j < K; j++) {
        double v = exp_series((double)j / K * LN2); /* in (1, 2) */
        mp->bound[j] = (uint64_t)((v - 1.0) * 0x1p52); /* exact */
    }
    mp->bound[K] = UINT64_C(1) << 52;
    uint64_t gap = UINT64_MAX;
    double alpha = 0;
    for (uint32_t j = 0; j < K; j++) {
        if (mp->bound[j + 1] <= mp->bound[j]) { /* cannot happen for K <= SK_KMAX */
            map_free(mp);
            return NULL;
        }
        uint64_t g = mp->bound[j + 1] - mp->bound[j];
        if (g < gap)
            gap = g;
        double lo = 1.0 + (double)mp->bound[j] * 0x1p-52;
        double hi = 1.0 + (double)mp->bound[j + 1] * 0x1p-52;
        mp->rep[j] = 2.0 * lo * hi / (lo + hi);
        double a = (hi - lo) / (hi + lo);
        if (a > alpha)
            alpha = a;
    }
    /* plus a few ulps of x for the rounding of the representative itself */
    mp->alpha = alpha + 0x1p-49;
    uint32_t T = 1;
    while ((UINT64_C(1) << (52 - T)) >= gap)
        T++;
    mp->tbits = T;
    mp->cell = malloc(((size_t)1 << T) * sizeof *mp->cell);
    if (!mp->cell) {
        map_free(mp);
        return NULL;
    }
    uint32_t j = 0;
    for (size_t c = 0; c < ((size_t)1 << T); c++) {
        uint64_t start = (uint64_t)c << (52 - T);
        while (mp->bound[j + 1] <= start)
            j++;
        mp->cell[c] = (uint16_t)j;
    }
    mp->bytes = sizeof *mp + (K + 1) * sizeof *mp->bound +
                K * sizeof *mp->rep + ((size_t)1 << T) * sizeof *mp->cell;
    return mp;
}

/* Index of a positive normal magnitude (sign cleared, exponent 1..2046). */
static inline int32_t map_index(const sk_map *mp, uint64_t mag)
{
    int32_t e = (int32_t)(mag >> 52) - 1023;
    uint64_t f = mag & FRAC_MASK;
    uint32_t j = mp->cell[f >> (52 - mp->tbits)];
    j += f >= mp->bound[j + 1];
    return e * (int32_t)mp->K + (int32_t)j;
}

static double map_value(const sk_map *mp, int32_t i)
{
    int32_t K = (int32_t)mp->K, e = i / K, j = i % K;
    if (j < 0) {
        j += K;
        e--;
    }
    return ldexp(mp->rep[j], e);
}

static int32_t map_imin(const sk_map *mp) { return -1022 * (int32_t)mp->K; }
static int32_t map_imax(const sk_map *mp) { return 1024 * (int32_t)mp->K - 1; }

/* ---- collapsing dense stores ----------------------------------------------
 *
 * Counts for indexes lo..hi live in a ring buffer of cap (a power of two)
 * slots, index i at slot i & (cap - 1); every slot outside lo..hi is zero.
 * The span hi - lo + 1 never exceeds M: when a new highest index arrives,
 * counts below hi - M + 1 are added into bucket hi - M + 1 ("collapsing
 * lowest", as in DDSketch).  Because the floor hi - M + 1 only rises, a
 * value of index i ends in bucket max(i, final hi - M + 1) whatever the
 * order of arrival or merging: collapsing keeps the store order-free.
 * The ring makes a moving window cost O(shift), not O(M). */

typedef struct {
    uint32_t *c;
    uint32_t cap; /* 0 until the first value */
    int32_t lo, hi;
    uint64_t n;
} sk_store;

static uint32_t pow2ceil(uint32_t v)
{
    uint32_t p = 1;
    while (p < v)
        p <<= 1;
    return p;
}

static int store_add(sk_store *st, int32_t i, uint32_t w, uint32_t M)
{
    if (st->n && i >= st->lo && i <= st->hi) {
        st->c[(uint32_t)i & (st->cap - 1)] += w;
        st->n += w;
        return SAL_OK;
    }
    int64_t nlo, nhi;
    if (!st->n) {
        nlo = nhi = i;
    } else if (i > st->hi) {
        nhi = i;
        nlo = (int64_t)i - M + 1 > st->lo ? (int64_t)i - M + 1 : st->lo;
    } else {
        int64_t floor = (int64_t)st->hi - M + 1;
        if (i < floor)
            i = (int32_t)floor;
        nlo = i < st->lo ? i : st->lo;
        nhi = st->hi;
    }
    uint32_t span = (uint32_t)(nhi - nlo + 1);
    uint64_t moved = 0;
    /* the old indexes that survive, and those collapsed into nlo */
    int64_t keep_lo = st->n ? (st->lo > nlo ? st->lo : nlo) : 1;
    int64_t keep_hi = st->n ? st->hi : 0;
    int64_t gone_hi = st->n ? (nlo - 1 < st->hi ? nlo - 1 : st->hi) : 0;
    if (span > st->cap) {
        uint32_t cap = pow2ceil(span < 16 ? 16 : span);
        uint32_t *c = calloc(cap, sizeof *c);
        if (!c)
            return SAL_ENOMEM;
        for (int64_t k = st->n ? st->lo : 1; k <= gone_hi; k++)
            moved += st->c[(uint32_t)k & (st->cap - 1)];
        for (int64_t k = keep_lo; k <= keep_hi; k++)
            c[(uint32_t)k & (cap - 1)] = st->c[(uint32_t)k & (st->cap - 1)];
        free(st->c);
        st->c = c;
        st->cap = cap;
    } else {
        for (int64_t k = st->n ? st->lo : 1; k <= gone_hi; k++) {
            uint32_t *slot = &st->c[(uint32_t)k & (st->cap - 1)];
            moved += *slot;
            *slot = 0;
        }
    }
    st->lo = (int32_t)nlo;
    st->hi = (int32_t)nhi;
    /* moved + w fit: they are counted in n <= 2^32 - 1 */
    st->c[(uint32_t)nlo & (st->cap - 1)] += (uint32_t)moved;
    st->c[(uint32_t)i & (st->cap - 1)] += w;
    st->n += w;
    return SAL_OK;
}

static uint32_t store_at(const sk_store *st, int32_t i)
{
    return st->c[(uint32_t)i & (st->cap - 1)];
}

static void store_clear(sk_store *st)
{
    if (st->c)
        memset(st->c, 0, st->cap * sizeof *st->c);
    st->lo = st->hi = 0;
    st->n = 0;
}

/* ---- sketches ------------------------------------------------------------ */

/* The fields every add touches come first, to share cache lines. */
struct sal_sketch {
    uint64_t count, zero;
    double min, max; /* +inf, -inf while empty */
    sk_store pos, neg;
    const sk_map *map;
    uint32_t maxb; /* M */
    uint64_t nonfinite;
    sk_map *own; /* the map, when this sketch owns it; NULL in a summary */
    /* The exact store: while xmax > 0 and count <= xmax, val[0 .. count)
     * holds every finite value added, sorted ascending (-0 as +0), so a
     * quantile is an order statistic read directly; past xmax it is freed
     * and the buckets answer.  Sorted, it is a function of the multiset. */
    double *val;
    uint32_t vcap, xmax;
    sal_xsum sum;
};

static void sketch_init(sal_sketch *s, const sk_map *mp, uint32_t M)
{
    memset(s, 0, sizeof *s);
    s->map = mp;
    s->maxb = M;
    s->min = HUGE_VAL;
    s->max = -HUGE_VAL;
}

static void sketch_release(sal_sketch *s)
{
    free(s->pos.c);
    free(s->neg.c);
    free(s->val);
    map_free(s->own);
}

/* ---- the exact store --------------------------------------------------- */

static int exact_on(const sal_sketch *s)
{
    return s->xmax && s->count <= s->xmax;
}

static void exact_drop(sal_sketch *s)
{
    free(s->val);
    s->val = NULL;
    s->vcap = 0;
}

/* Room for n values (n <= xmax): capacity doubled, never above xmax. */
static int exact_reserve(sal_sketch *s, uint32_t n)
{
    if (n <= s->vcap)
        return SAL_OK;
    uint64_t cap = s->vcap ? s->vcap : 16;
    while (cap < n)
        cap *= 2;
    if (cap > s->xmax)
        cap = s->xmax;
    double *v = realloc(s->val, (size_t)cap * sizeof *v);
    if (!v)
        return SAL_ENOMEM;
    s->val = v;
    s->vcap = (uint32_t)cap;
    return SAL_OK;
}

static void sort_small(double *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* val[0 .. n0) and add[0 .. n), both sorted, merged from the back into
 * val[0 .. n0 + n) (room reserved): the one sorted order of the multiset. */
static void exact_merge_sorted(double *val, uint32_t n0, const double *add, size_t n)
{
    size_t i = n0, j = n, k = n0 + n;
    while (j > 0) {
        if (i > 0 && val[i - 1] > add[j - 1])
            val[--k] = val[--i];
        else
            val[--k] = add[--j];
    }
}

/* The same for add unsorted (sorted here, in place). */
static void exact_merge_in(double *val, uint32_t n0, double *add, size_t n)
{
    if (n < 48)
        sort_small(add, n);
    else
        qsort(add, n, sizeof *add, cmp_double);
    exact_merge_sorted(val, n0, add, n);
}

static int params_ok(double accuracy, uint32_t M)
{
    return accuracy >= 1e-5 && accuracy <= 0.5 && M >= SK_MMIN && M <= SK_MMAX;
}

sal_sketch *sal_sketch_alloc(double accuracy, uint32_t max_buckets)
{
    if (accuracy == 0)
        accuracy = SAL_SKETCH_ACCURACY;
    if (max_buckets == 0)
        max_buckets = SAL_SKETCH_MAX_BUCKETS;
    if (!params_ok(accuracy, max_buckets))
        return NULL;
    sal_sketch *s = malloc(sizeof *s);
    sk_map *mp = map_alloc(map_k(accuracy));
    if (!s || !mp) {
        free(s);
        map_free(mp);
        return NULL;
    }
    sketch_init(s, mp, max_buckets);
    s->own = mp;
    return s;
}

void sal_sketch_free(sal_sketch *s)
{
    if (!s)
        return;
    sketch_release(s);
    free(s);
}

void sal_sketch_clear(sal_sketch *s)
{
    store_clear(&s->pos);
    store_clear(&s->neg);
    s->count = s->zero = s->nonfinite = 0; /* the exact store keeps its memory */
    s->min = HUGE_VAL;
    s->max = -HUGE_VAL;
    sal_xsum_init(&s->sum);
}

static inline int sketch_add(sal_sketch *s, double x)
{
    uint64_t b = sal_dbits(x), mag = b & ~SIGN_BIT;
    if (mag >= EXP_ALL) {
        s->nonfinite++;
        return SAL_ERANGE;
    }
    if (s->count >= UINT32_MAX)
        return SAL_ERANGE;
    if (mag < (UINT64_C(1) << 52)) {
        /* zero, or subnormal (below the mapping's range); -0 becomes +0 so
         * that min and max do not depend on which zero came first */
        if (mag == 0)
            x = 0.0, b = 0;
        s->zero++;
    } else {
        sk_store *st = b & SIGN_BIT ? &s->neg : &s->pos;
        int32_t i = map_index(s->map, mag);
        if (st->n && i >= st->lo && i <= st->hi) {
            st->c[(uint32_t)i & (st->cap - 1)]++;
            st->n++;
        } else {
            int rc = store_add(st, i, 1, s->maxb);
            if (rc)
                return rc;
        }
    }
    s->count++;
    if (x < s->min)
        s->min = x;
    if (x > s->max)
        s->max = x;
    xsum_add_finite(&s->sum, b);
    return SAL_OK;
}

int sal_sketch_add(sal_sketch *s, double x)
{
    uint64_t n0 = s->count;
    /* room first, so that SAL_ENOMEM leaves the sketch unchanged */
    if (s->xmax && n0 < s->xmax && exact_reserve(s, (uint32_t)n0 + 1) != SAL_OK)
        return SAL_ENOMEM;
    int rc = sketch_add(s, x);
    if (rc != SAL_OK || !s->xmax)
        return rc;
    if (!exact_on(s)) {
        exact_drop(s);
        return SAL_OK;
    }
    double v = x == 0 ? 0.0 : x;
    exact_merge_in(s->val, (uint32_t)n0, &v, 1);
    return SAL_OK;
}

/* After sketch_add of n values x[0], x[stride], ... to s (holding n0
 * before): the finite ones into the exact store, or the store dropped when
 * the count passed xmax.  tmp has room for n. */
static int exact_add_block(sal_sketch *s, uint64_t n0, const double *x, size_t stride, size_t n,
                           double *tmp)
{
    if (!exact_on(s)) {
        if (s->val)
            exact_drop(s);
        return SAL_OK;
    }
    if (s->count == n0)
        return SAL_OK;
    if (exact_reserve(s, (uint32_t)s->count) != SAL_OK)
        return SAL_ENOMEM;
    size_t k = 0;
    for (size_t r = 0; r < n; r++) {
        double v = x[r * stride];
        if (isfinite(v))
            tmp[k++] = v == 0 ? 0.0 : v;
    }
    exact_merge_in(s->val, (uint32_t)n0, tmp, k);
    return SAL_OK;
}

static int store_merge(sk_store *dst, const sk_store *src, uint32_t M)
{
    /* src's buckets all inside dst's span (the usual case when merging the
     * partial summaries of one ensemble): the store_add of each bucket below
     * would only add its count, so add them directly */
    if (dst->n && src->n && src->lo >= dst->lo && src->hi <= dst->hi) {
        for (int64_t k = src->lo; k <= src->hi; k++)
            dst->c[(uint32_t)k & (dst->cap - 1)] += store_at(src, (int32_t)k);
        dst->n += src->n;
        return SAL_OK;
    }
    /* highest first, so the floor is final before the rest arrive */
    for (int64_t k = src->hi; src->n && k >= src->lo; k--) {
        uint32_t w = store_at(src, (int32_t)k);
        if (w) {
            int st = store_add(dst, (int32_t)k, w, M);
            if (st)
                return st;
        }
    }
    return SAL_OK;
}

int sal_sketch_merge(sal_sketch *dst, const sal_sketch *src)
{
    if (dst == src || dst->map->K != src->map->K || dst->maxb != src->maxb)
        return SAL_EINPUT;
    if (dst->count + src->count > UINT32_MAX)
        return SAL_ERANGE;
    if (dst->xmax != src->xmax)
        return SAL_EINPUT;
    int st = store_merge(&dst->pos, &src->pos, dst->maxb);
    if (!st)
        st = store_merge(&dst->neg, &src->neg, dst->maxb);
    if (st)
        return st;
    if (dst->xmax && dst->count + src->count <= dst->xmax) {
        uint32_t n0 = (uint32_t)dst->count;
        if (src->count) {
            if (exact_reserve(dst, n0 + (uint32_t)src->count) != SAL_OK)
                return SAL_ENOMEM;
            exact_merge_sorted(dst->val, n0, src->val, (size_t)src->count);
        }
    } else
        exact_drop(dst);
    dst->count += src->count;
    dst->zero += src->zero;
    dst->nonfinite += src->nonfinite;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
    sal_xsum_merge(&dst->sum, &src->sum);
    return SAL_OK;
}

double sal_sketch_quantile(const sal_sketch *s, double q)
{
    if (!s->count || !(q >= 0.0 && q <= 1.0))
        return NAN;
    if (q == 0.0)
        return s->min;
    if (q == 1.0)
        return s->max;
    uint64_t rank = (uint64_t)floor(q * (double)(s->count - 1));
    if (exact_on(s))
        return s->val[rank];
    uint64_t cum = 0;
    double v = s->max;
    int found = 0;
    for (int64_t k = s->neg.hi; s->neg.n && k >= s->neg.lo && !found; k--) {
        cum += store_at(&s->neg, (int32_t)k);
        if (cum > rank) {
            v = -map_value(s->map, (int32_t)k);
            found = 1;
        }
    }
    if (!found) {
        cum += s->zero;
        if (cum > rank) {
            v = 0.0;
            found = 1;
        }
    }
    for (int64_t k = s->pos.lo; s->pos.n && k <= s->pos.hi && !found; k++) {
        cum += store_at(&s->pos, (int32_t)k);
        if (cum > rank) {
            v = map_value(s->map, (int32_t)k);
            found = 1;
        }
    }
    /* the true quantile lies in [min, max], so clamping only helps */
    if (v < s->min)
        v = s->min;
    if (v > s->max)
        v = s->max;
    return v;
}

uint64_t sal_sketch_count(const sal_sketch *s) { return s->count; }
uint64_t sal_sketch_nonfinite(const sal_sketch *s) { return s->nonfinite; }
double sal_sketch_min(const sal_sketch *s) { return s->count ? s->min : NAN; }
double sal_sketch_max(const sal_sketch *s) { return s->count ? s->max : NAN; }
double sal_sketch_sum(const sal_sketch *s) { return sal_xsum_value(&s->sum); }
double sal_sketch_accuracy(const sal_sketch *s) { return s->map->alpha; }
int sal_sketch_exact(const sal_sketch *s) { return exact_on(s); }
uint32_t sal_sketch_max_buckets(const sal_sketch *s) { return s->maxb; }

double sal_sketch_mean(const sal_sketch *s)
{
    return s->count ? sal_xsum_value(&s->sum) / (double)s->count : NAN;
}

static size_t sketch_heap(const sal_sketch *s)
{
    return ((size_t)s->pos.cap + s->neg.cap) * sizeof(uint32_t) + (size_t)s->vcap * sizeof(double);
}

size_t sal_sketch_bytes(const sal_sketch *s)
{
    return sizeof *s + sketch_heap(s) + (s->own ? s->own->bytes : 0);
}

/* ---- serialisation ---------------------------------------------------------
 *
 * Little-endian, written byte by byte, doubles as their IEEE-754 bits.
 * Sketch:  "SALK" u16 version u16 0  u32 K  u32 M  u32 xmax  body
 * Summary: "SALS" u16 version u16 0  u32 nmetrics ndays nevents  i32 horizon
 *          u32 K  u32 M  u32 exact_max  u64 runs
 *          body x (nmetrics * ndays, metric-major)
 *          then per event: i32 lo  u32 len  u64 x len (day counts, trimmed)
 * body:    u64 count zero nonfinite  f64 min max
 *          u8 lo  u8 len  i64 x len      (normalised exact-sum digits, trimmed)
 *          store pos, store neg: i32 lo  u32 len  u32 x len (trimmed)
 *          f64 x count, ascending, when 0 < count <= xmax (the exact store)
 * (version 2 added xmax and the exact store; version 1 is refused)
 * Trimmed ranges start and end with non-zero entries (lo = 0 when empty),
 * which, with the order-free state, makes the bytes canonical. */

#define FORMAT_VERSION 2

typedef struct {
    unsigned char *p;
    size_t n, size;
} wbuf;

static void put_u8(wbuf *w, uint32_t v)
{
    if (w->n < w->size)
        w->p[w->n] = (unsigned char)v;
    w->n++;
}

static void put_uint(wbuf *w, uint64_t v, int bytes)
{
    unsigned char c[8];
    sal_le_put(c, v, bytes);
    for (int i = 0; i < bytes; i++)
        put_u8(w, c[i]);
}

static void put_u16(wbuf *w, uint32_t v) { put_uint(w, v, 2); }
static void put_u32(wbuf *w, uint32_t v) { put_uint(w, v, 4); }
static void put_u64(wbuf *w, uint64_t v) { put_uint(w, v, 8); }
static void put_i32(wbuf *w, int32_t v) { put_uint(w, (uint32_t)v, 4); }
static void put_f64(wbuf *w, double v) { put_uint(w, sal_dbits(v), 8); }

static void put_store(wbuf *w, const sk_store *st)
{
    if (!st->n) {
        put_i32(w, 0);
        put_u32(w, 0);
        return;
    }
    /* lo and hi always hold counts: lo, hi are set only by indexes added or
     * by the collapse floor, which then receives the collapsed counts */
    put_i32(w, st->lo);
    put_u32(w, (uint32_t)(st->hi - st->lo + 1));
    for (int64_t k = st->lo; k <= st->hi; k++)
        put_u32(w, store_at(st, (int32_t)k));
}

static void put_body(wbuf *w, const sal_sketch *s)
{
    put_u64(w, s->count);
    put_u64(w, s->zero);
    put_u64(w, s->nonfinite);
    put_f64(w, s->min);
    put_f64(w, s->max);
    sal_xsum a = s->sum;
    xsum_normalise(&a);
    int lo = 0, hi = XSUM_TOP;
    while (lo <= hi && a.digit[lo] == 0)
        lo++;
    while (hi >= lo && a.digit[hi] == 0)
        hi--;
    if (lo > hi)
        lo = 0, hi = -1;
    put_u8(w, (uint32_t)lo);
    put_u8(w, (uint32_t)(hi - lo + 1));
    for (int k = lo; k <= hi; k++)
        put_u64(w, (uint64_t)a.digit[k]);
    put_store(w, &s->pos);
    put_store(w, &s->neg);
    for (uint64_t k = 0; exact_on(s) && k < s->count; k++)
        put_f64(w, s->val[k]);
}

static void put_header(wbuf *w, const char magic[4])
{
    for (int i = 0; i < 4; i++)
        put_u8(w, (unsigned char)magic[i]);
    put_u16(w, FORMAT_VERSION);
    put_u16(w, 0);
}

/* The bytes put writes of x: into buf when it has room for them all (size
 * bytes), only counted when buf is NULL; how many. */
static size_t put_into(void (*put)(wbuf *, const void *), const void *x, unsigned char *buf,
                       size_t size)
{
    wbuf w = {buf, 0, buf ? size : 0};
    put(&w, x);
    return w.n;
}

/* x into buf whole (SAL_OK), or SAL_ERANGE when it has not room for it. */
static int serialise(void (*put)(wbuf *, const void *), const void *x, unsigned char *buf,
                     size_t size)
{
    if (!buf || size < put_into(put, x, NULL, 0))
        return SAL_ERANGE;
    put_into(put, x, buf, size);
    return SAL_OK;
}

static void put_sketch(wbuf *w, const void *x)
{
    const sal_sketch *s = x;
    put_header(w, "SALK");
    put_u32(w, s->map->K);
    put_u32(w, s->maxb);
    put_u32(w, s->xmax);
    put_body(w, s);
}

size_t sal_sketch_serialised_size(const sal_sketch *s)
{
    return put_into(put_sketch, s, NULL, 0);
}

int sal_sketch_serialise(const sal_sketch *s, unsigned char *buf, size_t size)
{
    return serialise(put_sketch, s, buf, size);
}

typedef struct {
    const unsigned char *p;
    size_t n, size;
    int bad;
} rbuf;

static uint64_t get_uint(rbuf *r, int bytes)
{
    if (r->bad || r->size - r->n < (size_t)bytes) {
        r->bad = 1;
        return 0;
    }
    uint64_t v = sal_le_get(r->p + r->n, bytes);
    r->n += bytes;
    return v;
}

static uint32_t get_u8(rbuf *r) { return (uint32_t)get_uint(r, 1); }
static uint32_t get_u16(rbuf *r) { return (uint32_t)get_uint(r, 2); }
static uint32_t get_u32(rbuf *r) { return (uint32_t)get_uint(r, 4); }
static uint64_t get_u64(rbuf *r) { return get_uint(r, 8); }
static int32_t get_i32(rbuf *r) { return (int32_t)get_u32(r); }
static double get_f64(rbuf *r) { return sal_bitsd(get_u64(r)); }

static int get_header(rbuf *r, const char magic[4])
{
    for (int i = 0; i < 4; i++)
        if (get_u8(r) != (unsigned char)magic[i])
            r->bad = 1;
    if (get_u16(r) != FORMAT_VERSION || get_u16(r) != 0)
        r->bad = 1;
    return !r->bad;
}

static int get_store(rbuf *r, sk_store *st, const sk_map *mp, uint32_t M)
{
    int32_t lo = get_i32(r);
    uint32_t len = get_u32(r);
    if (r->bad)
        return 0;
    if (len == 0)
        return lo == 0;
    if (len > M || lo < map_imin(mp) || (int64_t)lo + len - 1 > map_imax(mp) ||
        r->size - r->n < (size_t)len * 4)
        return 0;
    st->cap = pow2ceil(len < 16 ? 16 : len);
    st->c = calloc(st->cap, sizeof *st->c);
    if (!st->c)
        return 0;
    st->lo = lo;
    st->hi = (int32_t)(lo + (int64_t)len - 1);
    for (uint32_t k = 0; k < len; k++) {
        uint32_t v = get_u32(r);
        st->c[(uint32_t)(lo + (int64_t)k) & (st->cap - 1)] = v;
        st->n += v;
    }
    return store_at(st, st->lo) && store_at(st, st->hi);
}

/* The exact store of a body whose counts are read: count values, finite,
 * ascending, no -0, from min to max, as many zeros and subnormals as the
 * sketch counted; 0 if malformed. */
static int get_exact(rbuf *r, sal_sketch *s)
{
    if (!exact_on(s) || !s->count)
        return 1;
    if (r->size - r->n < (size_t)s->count * 8 || exact_reserve(s, (uint32_t)s->count) != SAL_OK)
        return 0;
    uint64_t zero = 0;
    for (uint64_t k = 0; k < s->count; k++) {
        double v = get_f64(r);
        uint64_t b = sal_dbits(v);
        if (!isfinite(v) || b == SIGN_BIT || (k && !(v >= s->val[k - 1])))
            return 0;
        zero += (b & ~SIGN_BIT) < (UINT64_C(1) << 52);
        s->val[k] = v;
    }
    return !r->bad && zero == s->zero && sal_dbits(s->val[0]) == sal_dbits(s->min) &&
           sal_dbits(s->val[s->count - 1]) == sal_dbits(s->max);
}

/* Reads a body into s (already initialised with its map and M); 0 if
 * malformed.  Checks every invariant the rest of the code relies on. */
static int get_body(rbuf *r, sal_sketch *s)
{
    s->count = get_u64(r);
    s->zero = get_u64(r);
    s->nonfinite = get_u64(r);
    s->min = get_f64(r);
    s->max = get_f64(r);
    uint32_t lo = get_u8(r), len = get_u8(r);
    if (r->bad || lo + len > SAL_XSUM_DIGITS || (len == 0 && lo != 0))
        return 0;
    for (uint32_t k = 0; k < len; k++) {
        int64_t d = (int64_t)get_u64(r);
        if (lo + k < XSUM_TOP && (d < 0 || d >= (int64_t)4294967296LL))
            return 0;
        s->sum.digit[lo + k] = d;
    }
    if (len && (s->sum.digit[lo] == 0 || s->sum.digit[lo + len - 1] == 0))
        return 0;
    if (!get_store(r, &s->pos, s->map, s->maxb) ||
        !get_store(r, &s->neg, s->map, s->maxb) || r->bad)
        return 0;
    if (s->count > UINT32_MAX || s->zero > s->count ||
        s->pos.n + s->neg.n != s->count - s->zero)
        return 0;
    if (!s->count)
        return sal_dbits(s->min) == sal_dbits(HUGE_VAL) &&
               sal_dbits(s->max) == sal_dbits(-HUGE_VAL) && len == 0;
    if (!isfinite(s->min) || !isfinite(s->max) || s->min > s->max ||
        sal_dbits(s->min) == SIGN_BIT || sal_dbits(s->max) == SIGN_BIT)
        return 0;
    if ((s->neg.n && s->min >= 0) || (s->pos.n && s->max <= 0) ||
        (s->zero && (s->min > 0 || s->max < 0)))
        return 0;
    return get_exact(r, s);
}

int sal_sketch_deserialise(sal_sketch **out, const unsigned char *buf,
                           size_t size, size_t *used)
{
    *out = NULL;
    rbuf r = {buf, 0, buf ? size : 0, 0};
    if (!get_header(&r, "SALK"))
        return SAL_EINPUT;
    uint32_t K = get_u32(&r), M = get_u32(&r), xmax = get_u32(&r);
    if (r.bad || K < 1 || K > SK_KMAX || M < SK_MMIN || M > SK_MMAX || xmax > (UINT32_C(1) << 28))
        return SAL_EINPUT;
    sal_sketch *s = malloc(sizeof *s);
    sk_map *mp = map_alloc(K);
    if (!s || !mp) {
        free(s);
        map_free(mp);
        return SAL_ENOMEM;
    }
    sketch_init(s, mp, M);
    s->own = mp;
    s->xmax = xmax;
    if (!get_body(&r, s)) {
        sal_sketch_free(s);
        return SAL_EINPUT;
    }
    if (used)
        *used = r.n;
    *out = s;
    return SAL_OK;
}

/* ---- ensemble summaries ---------------------------------------------------- */

#define LAYOUT_MAX (UINT64_C(1) << 28)

struct sal_summary {
    sal_summary_layout layout; /* accuracy = the map's alpha, M resolved */
    sk_map *map;
    size_t ncells;
    sal_sketch *cell;  /* ncells, metric-major */
    uint64_t *ev;      /* nevents x (horizon + 1) day counts */
    uint64_t *evn;     /* nevents: runs with the event */
    uint64_t runs;
};

static sal_summary *summary_alloc_k(const sal_summary_layout *l, uint32_t K,
                                    uint32_t M)
{
    if (l->horizon < 0 || l->exact_max > LAYOUT_MAX ||
        (uint64_t)l->nmetrics * l->ndays > LAYOUT_MAX ||
        (uint64_t)l->nevents * ((uint64_t)l->horizon + 1) > LAYOUT_MAX ||
        M < SK_MMIN || M > SK_MMAX)
        return NULL;
    sal_summary *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->map = map_alloc(K);
    s->ncells = (size_t)l->nmetrics * l->ndays;
    size_t nev = (size_t)l->nevents * ((size_t)l->horizon + 1);
    s->cell = malloc((s->ncells ? s->ncells : 1) * sizeof *s->cell);
    s->ev = calloc(nev ? nev : 1, sizeof *s->ev);
    s->evn = calloc(l->nevents ? l->nevents : 1, sizeof *s->evn);
    if (!s->map || !s->cell || !s->ev || !s->evn) {
        map_free(s->map);
        free(s->cell);
        free(s->ev);
        free(s->evn);
        free(s);
        return NULL;
    }
    for (size_t i = 0; i < s->ncells; i++) {
        sketch_init(&s->cell[i], s->map, M);
        s->cell[i].xmax = l->exact_max;
    }
    s->layout = *l;
    s->layout.accuracy = s->map->alpha;
    s->layout.max_buckets = M;
    return s;
}

sal_summary *sal_summary_alloc(const sal_summary_layout *l)
{
    if (!l)
        return NULL;
    double a = l->accuracy == 0 ? SAL_SKETCH_ACCURACY : l->accuracy;
    uint32_t M = l->max_buckets == 0 ? SAL_SKETCH_MAX_BUCKETS : l->max_buckets;
    if (!params_ok(a, M))
        return NULL;
    return summary_alloc_k(l, map_k(a), M);
}

void sal_summary_free(sal_summary *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->ncells; i++)
        sketch_release(&s->cell[i]);
    free(s->cell);
    free(s->ev);
    free(s->evn);
    map_free(s->map);
    free(s);
}

void sal_summary_clear(sal_summary *s)
{
    for (size_t i = 0; i < s->ncells; i++)
        sal_sketch_clear(&s->cell[i]);
    memset(s->ev, 0, (size_t)s->layout.nevents *
                         ((size_t)s->layout.horizon + 1) * sizeof *s->ev);
    memset(s->evn, 0, s->layout.nevents * sizeof *s->evn);
    s->runs = 0;
}

const sal_summary_layout *sal_summary_layout_of(const sal_summary *s)
{
    return &s->layout;
}

int sal_summary_add_runs(sal_summary *s, size_t nruns, const double *series,
                         const sal_summary_strides *strides,
                         const int32_t *event_days)
{
    const sal_summary_layout *l = &s->layout;
    sal_summary_strides def = {(size_t)l->nmetrics * l->ndays, l->ndays, 1};
    const sal_summary_strides *st = strides ? strides : &def;
    if (s->runs + nruns > UINT32_MAX || nruns > UINT32_MAX)
        return SAL_ERANGE;
    for (size_t i = 0; i < nruns * l->nevents; i++)
        if (event_days[i] < SAL_EVENT_NEVER || event_days[i] > l->horizon)
            return SAL_ERANGE;
    /* cell by cell, all runs in a row: the cell stays in cache (metric by
     * metric, day by day: the cells in memory order, which measured faster
     * on the flagship than day by day, although the latter reads the
     * ensemble's day-major series once instead of once per metric) */
    double *tmp = l->exact_max && nruns ? malloc(nruns * sizeof *tmp) : NULL;
    if (l->exact_max && nruns && !tmp)
        return SAL_ENOMEM;
    for (uint32_t m = 0; m < l->nmetrics; m++) {
        sal_sketch *row = &s->cell[(size_t)m * l->ndays];
        for (uint32_t d = 0; d < l->ndays; d++) {
            const double *x = series + m * st->metric + d * st->day;
            uint64_t n0 = row[d].count;
            for (size_t r = 0; r < nruns; r++)
                if (sketch_add(&row[d], x[r * st->run]) == SAL_ENOMEM) {
                    free(tmp);
                    return SAL_ENOMEM;
                }
            if (tmp && exact_add_block(&row[d], n0, x, st->run, nruns, tmp) != SAL_OK) {
                free(tmp);
                return SAL_ENOMEM;
            }
        }
    }
    free(tmp);
    size_t width = (size_t)l->horizon + 1;
    for (size_t r = 0; r < nruns; r++)
        for (uint32_t e = 0; e < l->nevents; e++) {
            int32_t day = event_days[r * l->nevents + e];
            if (day != SAL_EVENT_NEVER) {
                s->ev[(size_t)e * width + (size_t)day]++;
                s->evn[e]++;
            }
        }
    s->runs += nruns;
    return SAL_OK;
}

int sal_summary_add_run(sal_summary *s, const double *series,
                        const int32_t *event_days)
{
    return sal_summary_add_runs(s, 1, series, NULL, event_days);
}

static int layout_same(const sal_summary *a, const sal_summary *b)
{
    const sal_summary_layout *x = &a->layout, *y = &b->layout;
    return x->nmetrics == y->nmetrics && x->ndays == y->ndays &&
           x->nevents == y->nevents && x->horizon == y->horizon &&
           x->max_buckets == y->max_buckets && x->exact_max == y->exact_max &&
           a->map->K == b->map->K;
}

int sal_summary_merge_check(const sal_summary *dst, const sal_summary *src)
{
    if (dst == src || !layout_same(dst, src))
        return SAL_EINPUT;
    /* each cell holds at most runs values, so this bounds every cell too */
    if (dst->runs + src->runs > UINT32_MAX)
        return SAL_ERANGE;
    return SAL_OK;
}

size_t sal_summary_ncells(const sal_summary *s) { return s->ncells; }

int sal_summary_merge_cells(sal_summary *dst, const sal_summary *src, size_t lo, size_t hi)
{
    for (size_t i = lo; i < hi && i < dst->ncells; i++) {
        int st = sal_sketch_merge(&dst->cell[i], &src->cell[i]);
        if (st)
            return st;
    }
    return SAL_OK;
}

void sal_summary_merge_tail(sal_summary *dst, const sal_summary *src)
{
    size_t nev = (size_t)dst->layout.nevents * ((size_t)dst->layout.horizon + 1);
    for (size_t i = 0; i < nev; i++)
        dst->ev[i] += src->ev[i];
    for (uint32_t e = 0; e < dst->layout.nevents; e++)
        dst->evn[e] += src->evn[e];
    dst->runs += src->runs;
}

int sal_summary_merge(sal_summary *dst, const sal_summary *src)
{
    int st = sal_summary_merge_check(dst, src);
    if (!st)
        st = sal_summary_merge_cells(dst, src, 0, dst->ncells);
    if (!st)
        sal_summary_merge_tail(dst, src);
    return st;
}

uint64_t sal_summary_runs(const sal_summary *s) { return s->runs; }

int sal_summary_exact(const sal_summary *s)
{
    return s->layout.exact_max && s->runs <= s->layout.exact_max;
}

uint32_t sal_summary_exact_cap(uint32_t nmetrics, uint32_t ndays)
{
    uint64_t cells = (uint64_t)nmetrics * ndays;
    if (!cells)
        return 0;
    uint64_t cap = SAL_SUMMARY_EXACT_BYTES / (cells * sizeof(double));
    return (uint32_t)(cap > LAYOUT_MAX ? LAYOUT_MAX : cap);
}

const sal_sketch *sal_summary_cell(const sal_summary *s, uint32_t metric,
                                   uint32_t day)
{
    if (metric >= s->layout.nmetrics || day >= s->layout.ndays)
        return NULL;
    return &s->cell[(size_t)metric * s->layout.ndays + day];
}

double sal_summary_mean(const sal_summary *s, uint32_t metric, uint32_t day)
{
    const sal_sketch *c = sal_summary_cell(s, metric, day);
    return c ? sal_sketch_mean(c) : NAN;
}

double sal_summary_quantile(const sal_summary *s, uint32_t metric,
                            uint32_t day, double q)
{
    const sal_sketch *c = sal_summary_cell(s, metric, day);
    return c ? sal_sketch_quantile(c, q) : NAN;
}

uint64_t sal_summary_event_count(const sal_summary *s, uint32_t event)
{
    return event < s->layout.nevents ? s->evn[event] : 0;
}

double sal_summary_event_probability(const sal_summary *s, uint32_t event)
{
    if (event >= s->layout.nevents || !s->runs)
        return NAN;
    return (double)s->evn[event] / (double)s->runs;
}

uint64_t sal_summary_event_day_count(const sal_summary *s, uint32_t event,
                                     int32_t day)
{
    if (event >= s->layout.nevents || day < 0 || day > s->layout.horizon)
        return 0;
    return s->ev[(size_t)event * ((size_t)s->layout.horizon + 1) + (size_t)day];
}

int32_t sal_summary_event_quantile(const sal_summary *s, uint32_t event,
                                   double q)
{
    if (event >= s->layout.nevents || !s->evn[event] || !(q >= 0.0 && q <= 1.0))
        return SAL_EVENT_NEVER;
    uint64_t rank = (uint64_t)floor(q * (double)(s->evn[event] - 1)), cum = 0;
    const uint64_t *h = &s->ev[(size_t)event * ((size_t)s->layout.horizon + 1)];
    for (int32_t d = 0; d <= s->layout.horizon; d++) {
        cum += h[d];
        if (cum > rank)
            return d;
    }
    return SAL_EVENT_NEVER; /* unreachable: the counts sum to evn */
}

size_t sal_summary_bytes(const sal_summary *s)
{
    size_t b = sizeof *s + s->map->bytes + s->ncells * sizeof *s->cell +
               ((size_t)s->layout.nevents * ((size_t)s->layout.horizon + 1) +
                s->layout.nevents) * sizeof(uint64_t);
    for (size_t i = 0; i < s->ncells; i++)
        b += sketch_heap(&s->cell[i]);
    return b;
}

static void put_summary(wbuf *w, const void *x)
{
    const sal_summary *s = x;
    const sal_summary_layout *l = &s->layout;
    put_header(w, "SALS");
    put_u32(w, l->nmetrics);
    put_u32(w, l->ndays);
    put_u32(w, l->nevents);
    put_i32(w, l->horizon);
    put_u32(w, s->map->K);
    put_u32(w, l->max_buckets);
    put_u32(w, l->exact_max);
    put_u64(w, s->runs);
    for (size_t i = 0; i < s->ncells; i++)
        put_body(w, &s->cell[i]);
    for (uint32_t e = 0; e < l->nevents; e++) {
        const uint64_t *h = &s->ev[(size_t)e * ((size_t)l->horizon + 1)];
        int32_t lo = 0, hi = l->horizon;
        while (lo <= hi && !h[lo])
            lo++;
        while (hi >= lo && !h[hi])
            hi--;
        if (lo > hi)
            lo = 0, hi = -1;
        put_i32(w, lo);
        put_u32(w, (uint32_t)(hi - lo + 1));
        for (int32_t d = lo; d <= hi; d++)
            put_u64(w, h[d]);
    }
}

size_t sal_summary_serialised_size(const sal_summary *s)
{
    return put_into(put_summary, s, NULL, 0);
}

int sal_summary_serialise(const sal_summary *s, unsigned char *buf, size_t size)
{
    return serialise(put_summary, s, buf, size);
}

int sal_summary_deserialise(sal_summary **out, const unsigned char *buf,
                            size_t size, size_t *used)
{
    *out = NULL;
    rbuf r = {buf, 0, buf ? size : 0, 0};
    if (!get_header(&r, "SALS"))
        return SAL_EINPUT;
    sal_summary_layout l = {0};
    l.nmetrics = get_u32(&r);
    l.ndays = get_u32(&r);
    l.nevents = get_u32(&r);
    l.horizon = get_i32(&r);
    uint32_t K = get_u32(&r), M = get_u32(&r);
    l.exact_max = get_u32(&r);
    uint64_t runs = get_u64(&r);
    if (r.bad || K < 1 || K > SK_KMAX || M < SK_MMIN || M > SK_MMAX ||
        l.horizon < 0 || runs > UINT32_MAX || l.exact_max > LAYOUT_MAX ||
        (uint64_t)l.nmetrics * l.ndays > LAYOUT_MAX ||
        (uint64_t)l.nevents * ((uint64_t)l.horizon + 1) > LAYOUT_MAX)
        return SAL_EINPUT;
    /* every cell body takes at least 58 bytes and every event 8: refuse
     * before allocating memory that a short or hostile buffer does not
     * describe */
    if ((uint64_t)l.nmetrics * l.ndays > (r.size - r.n) / 58 ||
        l.nevents > (r.size - r.n) / 8)
        return SAL_EINPUT;
    sal_summary *s = summary_alloc_k(&l, K, M);
    if (!s)
        return SAL_ENOMEM;
    s->runs = runs;
    int ok = 1;
    for (size_t i = 0; i < s->ncells && ok; i++)
        ok = get_body(&r, &s->cell[i]) &&
             s->cell[i].count + s->cell[i].nonfinite == runs;
    for (uint32_t e = 0; e < l.nevents && ok; e++) {
        int32_t lo = get_i32(&r);
        uint32_t len = get_u32(&r);
        if (r.bad || (len == 0 && lo != 0) || lo < 0 ||
            (int64_t)lo + len - 1 > l.horizon) {
            ok = 0;
            break;
        }
        uint64_t *h = &s->ev[(size_t)e * ((size_t)l.horizon + 1)];
        for (uint32_t k = 0; k < len && ok; k++) {
            h[lo + (int64_t)k] = get_u64(&r);
            if (h[lo + (int64_t)k] > runs - s->evn[e])
                ok = 0;
            else
                s->evn[e] += h[lo + (int64_t)k];
        }
        if (ok && len && (!h[lo] || !h[lo + (int64_t)len - 1]))
            ok = 0;
    }
    if (!ok || r.bad) {
        sal_summary_free(s);
        return SAL_EINPUT;
    }
    if (used)
        *used = r.n;
    *out = s;
    return SAL_OK;
}

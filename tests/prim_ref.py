#!/usr/bin/env python3
"""An independent PRIM for tests/cli/discover_prim.sh, in plain Python (no
NumPy), written from Friedman and Fisher (1999) and Bryant and Lempert
(2010) rather than from src/analysis/prim.c: peeling alpha = 0.05 of the
box's runs at one end of one input, keeping the peel of highest density,
down to mass 0.05 or density 1; the box of most coverage among those of
density >= 0.8 (the denser on ties); pasting while it raises the density;
restrictions with quasi-p-value > 0.05 lifted, the worst first.  Continuous
inputs, unweighted runs.

  prim_ref.py gen SEED NOISE CSV    writes synthetic runs (x1..x7, hit)
  prim_ref.py prim CSV              prints the first box: one line per
                                    restricted input (name lower upper
                                    quasi_p), then coverage density mass
"""
import csv
import math
import random
import sys

ALPHA, MIN_MASS, THRESHOLD, MAX_QP = 0.05, 0.05, 0.8, 0.05


def gen(seed, noise, path):
    rnd = random.Random(seed)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["run"] + ["x%d" % (j + 1) for j in range(7)] + ["hit"])
        for i in range(2000):
            x = [rnd.random() for _ in range(7)]
            hit = 0.2 <= x[0] <= 0.5 and x[2] > 0.7
            if rnd.random() < noise:
                hit = not hit
            w.writerow([i] + [repr(v) for v in x] + [int(hit)])


def load(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    names = rows[0][1:-1]
    xs = [[float(v) for v in r[1:-1]] for r in rows[1:]]
    ys = [int(r[-1]) for r in rows[1:]]
    return names, xs, ys


def inside(x, box):
    return all(lo <= v <= hi for v, (lo, hi) in zip(x, box))


def figures(xs, ys, box):
    idx = [i for i, x in enumerate(xs) if inside(x, box)]
    cases = sum(ys[i] for i in idx)
    return idx, cases


def peel_candidates(xs, ys, idx, box, j):
    """The two peels of input j: (density, kept count, new box)."""
    vals = sorted(xs[i][j] for i in idx)
    m = len(vals)
    k = max(1, int(math.floor(ALPHA * m)))
    out = []
    # lower end: drop the runs below the value k runs up, at least one run
    t = vals[k]
    if t == vals[0]:
        t = next((v for v in vals if v > vals[0]), None)
    if t is not None:
        nb = list(box)
        nb[j] = (t, box[j][1])
        out.append(nb)
    t = vals[m - 1 - k]
    if t == vals[-1]:
        t = next((v for v in reversed(vals) if v < vals[-1]), None)
    if t is not None:
        nb = list(box)
        nb[j] = (box[j][0], t)
        out.append(nb)
    res = []
    for nb in out:
        kept = [i for i in idx if nb[j][0] <= xs[i][j] <= nb[j][1]]
        if kept:
            res.append((sum(ys[i] for i in kept) / len(kept), len(kept), nb))
    return res


def peel(xs, ys):
    n, p = len(xs), len(xs[0])
    total = sum(ys)
    box = [(-math.inf, math.inf)] * p
    steps = []
    while True:
        idx, cases = figures(xs, ys, box)
        steps.append((cases / total, cases / len(idx), len(idx) / n, list(box)))
        if cases == len(idx):
            break
        best = None
        for j in range(p):
            for dens, kept, nb in peel_candidates(xs, ys, idx, box, j):
                if kept < MIN_MASS * n:
                    continue
                if best is None or dens > best[0] or (dens == best[0] and kept > best[1]):
                    best = (dens, kept, nb)
        if best is None:
            break
        box = best[2]
    return steps


def choose(steps):
    met = [s for s in steps if s[1] >= THRESHOLD]
    if not met:
        return max(steps, key=lambda s: s[1])[3]
    best = met[0]
    for s in met[1:]:
        if s[0] > best[0] or (s[0] == best[0] and s[1] > best[1]):
            best = s
    return best[3]


def paste(xs, ys, box):
    lo = [min(x[j] for x in xs) for j in range(len(box))]
    hi = [max(x[j] for x in xs) for j in range(len(box))]
    while True:
        idx, cases = figures(xs, ys, box)
        m, dens = len(idx), cases / len(idx)
        best = None
        for j, (a, b) in enumerate(box):
            others = [i for i, x in enumerate(xs)
                      if inside(x[:j] + x[j + 1:], box[:j] + box[j + 1:])]
            for end in (0, 1):
                lim = box[j][end]
                if math.isinf(lim):
                    continue
                out = sorted((xs[i][j] for i in others
                              if (xs[i][j] < lim if end == 0 else xs[i][j] > lim)),
                             reverse=(end == 0))
                if not out:
                    continue
                k = min(len(out), max(1, int(math.floor(ALPHA * m))))
                while k < len(out) and out[k] == out[k - 1]:
                    k += 1
                t = out[k - 1]
                nb = list(box)
                if end == 0:
                    nb[j] = (-math.inf if t <= lo[j] else t, b)
                else:
                    nb[j] = (a, math.inf if t >= hi[j] else t)
                nidx, ncases = figures(xs, ys, nb)
                gain = (ncases / len(nidx) - dens) / (len(nidx) - m)
                if best is None or gain > best[0]:
                    best = (gain, ncases / len(nidx), nb)
        if best is None or not best[1] > dens:
            return box
        box = best[2]


def binom_sf(h, t, p):
    """P(X >= h), X ~ Binomial(t, p), summed in logs."""
    if h <= 0:
        return 1.0
    if p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    s = 0.0
    for k in range(h, t + 1):
        s += math.exp(math.lgamma(t + 1) - math.lgamma(k + 1) - math.lgamma(t - k + 1)
                      + k * math.log(p) + (t - k) * math.log1p(-p))
    return min(1.0, s)


def quasi_p(xs, ys, box, lo, hi):
    idx, cases = figures(xs, ys, box)
    qp = {}
    for j, (a, b) in enumerate(box):
        if not (a > lo[j] or b < hi[j]):
            continue
        wide = list(box)
        wide[j] = (-math.inf, math.inf)
        widx, wcases = figures(xs, ys, wide)
        qp[j] = binom_sf(cases, len(idx), wcases / len(widx))
    return qp


def prim(path):
    names, xs, ys = load(path)
    box = paste(xs, ys, choose(peel(xs, ys)))
    lo = [min(x[j] for x in xs) for j in range(len(box))]
    hi = [max(x[j] for x in xs) for j in range(len(box))]
    while True:
        qp = quasi_p(xs, ys, box, lo, hi)
        worst = max((j for j in qp if qp[j] > MAX_QP), key=lambda j: qp[j], default=None)
        if worst is None:
            break
        box[worst] = (-math.inf, math.inf)
    idx, cases = figures(xs, ys, box)
    for j in sorted(qp):
        print(names[j], box[j][0], box[j][1], "%.6g" % qp[j])
    print(cases / sum(ys), cases / len(idx), len(idx) / len(xs))


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    else:
        prim(sys.argv[2])

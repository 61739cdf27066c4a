#!/usr/bin/python3
"""The bare stochastic Lanchester duel of bench/bench_speed.c, vectorised with
NumPy on one core: the independent implementation the C numbers are set
beside.

Every day t = 0..horizon, both sides fire at once (square law):
    cA ~ Poisson(a * B),  cB ~ Poisson(b * A),   A -= min(cA, A),  B -= min(cB, B)
with a the coefficient of blue (A) and b that of red (B), exactly the duel the
engine runs (bench/bench_speed.c, DUEL_PURE).  The loop is over days; each day
is two Poisson draws over all runs at once (NumPy's Generator.poisson, which
uses Hormann's PTRS for means >= 10, the same algorithm as src/base/draw.c).

Usage: duel_numpy.py RUNS REPS [A0 B0 a b horizon]
Prints one line per repetition, "rate RUN_DAYS_PER_S CPU_SHARE" (CPU time
over wall time), then the moments of
the final strengths of the last repetition,
"moments N MEAN_A SD_A MEAN_B SD_B", for the statistical check in C."""
import os
import sys
import time

# one core: NumPy's random draws are single-threaded, but keep any BLAS quiet
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402


def duel(rng, runs, A0, B0, a, b, horizon):
    A = np.full(runs, A0, dtype=np.float64)
    B = np.full(runs, B0, dtype=np.float64)
    for _ in range(horizon + 1):
        cA = rng.poisson(a * B)  # blue's losses: red's fire
        cB = rng.poisson(b * A)
        A -= np.minimum(cA, A)
        B -= np.minimum(cB, B)
    return A, B


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    A0, B0, a, b, horizon = 1e6, 8e5, 0.0005, 0.0006, 365
    if len(sys.argv) > 7:
        A0, B0, a, b = map(float, sys.argv[3:7])
        horizon = int(sys.argv[7])
    rng = np.random.default_rng(20241101)
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        A, B = duel(rng, runs, A0, B0, a, b, horizon)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        print("rate %.6g %.6g" % (runs * (horizon + 1) / dt, dc / dt), flush=True)
    print("moments %d %.17g %.17g %.17g %.17g"
          % (runs, A.mean(), A.std(ddof=1), B.mean(), B.std(ddof=1)))


if __name__ == "__main__":
    main()

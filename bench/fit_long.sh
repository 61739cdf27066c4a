#!/bin/sh
# The cost of 'salient fit' in the length of the series (issue 21, hole 8;
# docs/fitting.md, "Cost"): generated daily series of 10^3, 10^4 and 10^5
# days (a square-law battle with reinforcements on both sides, integrated
# by Euler tenths of a day, then Poisson-like noise of +-sqrt(loss) from a
# fixed LCG so the file is the same on every machine), each fitted once
# with the default law (which also fits the other three for the
# comparison).  Prints seconds and microseconds per row.  Not a test: run
# by hand, on a quiet machine:  sh bench/fit_long.sh [build/salient]
set -u
SALIENT=${1:-build/salient}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gen() { # days file
    awk -v n="$1" 'BEGIN {
        a = 2e-5; b = 1e-5; A = 20000; B = 30000; rA = 60; rB = 70; s = 12345
        print "day,A,B,reinf_A,reinf_B"; printf "0,%.0f,%.0f,0,0\n", A, B
        for (d = 1; d <= n; d++) {
            for (k = 0; k < 10; k++) { dA = -a * B + rA; dB = -b * A + rB; A += dA / 10; B += dB / 10; if (A < 0) A = 0; if (B < 0) B = 0 }
            s = (s * 1103515245 + 12345) % 2147483648; u = s / 2147483648 - 0.5
            nA = A + 2 * u * sqrt(a * B); nB = B - 2 * u * sqrt(b * A)
            printf "%d,%.0f,%.0f,%d,%d\n", d, nA < 0 ? 0 : nA, nB < 0 ? 0 : nB, rA, rB
        } }' > "$2"
}
for n in ${FIT_DAYS:-1000 10000 100000}; do
    gen "$n" "$tmp/s.csv"
    t0=$(date +%s.%N)
    "$SALIENT" fit "$tmp/s.csv" > "$tmp/out" 2> "$tmp/err"
    st=$?
    t1=$(date +%s.%N)
    awk -v n="$n" -v t0="$t0" -v t1="$t1" -v st="$st" 'BEGIN {
        printf "%7d days: %8.2f s, %6.0f us/row (exit %d)\n", n, t1 - t0, 1e6 * (t1 - t0) / n, st }'
    grep -E "converged|SSE" "$tmp/out" | head -2
done

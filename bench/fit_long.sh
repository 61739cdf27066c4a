#!/bin/sh
# The cost of 'salient fit' in the length of the series (issue 21, hole 8;
# docs/fitting.md, "Cost"): generated daily series of 10^3, 10^4 and 10^5
# days, each fitted once with the default law (which also fits the other
# three for the comparison).  Two series of each length, both a square-law
# battle (a = 2e-5, b = 1e-5, A0 = 20,000, B0 = 30,000, 60 and 70 troops a
# day arriving) integrated by Euler tenths of a day, with a fixed LCG so
# that each file is the same on every machine:
#   smooth  the path itself, +-sqrt(loss) off it each day (not carried on);
#   noisy   Poisson casualties around each day's deterministic loss from the
#           day's observed start (as sal_lanchester_sample draws them), so
#           the noise accumulates and the series wanders off any smooth path.
# Prints wall and CPU seconds, microseconds per row, and the fit's
# convergence line.  Not a test: run by hand, on a quiet machine:
#   sh bench/fit_long.sh [build/salient]
#   FIT_DAYS="1000 10000" FIT_SERIES=noisy sh bench/fit_long.sh
# Measured (docs/fitting.md, "Cost"): CPU seconds of the whole fit, on
# 2026-12-05, a 2-core AMD EPYC shared with 5 other jobs (load 15-25; the
# wall times were 4-10 times longer):
#   noisy    1000 days: 0.49 s   10000 days: 6.7 s   100000 days: 40.6 s
#   smooth   1000 days: 0.35 s   10000 days: 4.6 s   100000 days: 742 s
# Linear in the rows.  The smooth 10^5-day series ends with side A
# annihilated and still reinforced, which costs the free law's trial
# points up to 16 times more an integration: its free law took 738 s of
# the 742 (docs/fitting.md says why).
set -u
SALIENT=${1:-build/salient}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gen() { # days noisy(0|1) file
    awk -v n="$1" -v noisy="$2" '
    function unif() { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648 }
    function poisson(mu,   k, p, L) { # inversion; by halves when e^-mu would underflow
        if (mu <= 0) return 0
        if (mu > 500) return poisson(mu / 2) + poisson(mu / 2)
        L = exp(-mu); k = 0; p = unif()
        while (p > L) { k++; p *= unif() }
        return k }
    BEGIN {
        a = 2e-5; b = 1e-5; A = 20000; B = 30000; rA = 60; rB = 70; s = 12345
        print "day,A,B,reinf_A,reinf_B"; printf "0,%.0f,%.0f,0,0\n", A, B
        for (d = 1; d <= n; d++) {
            A0 = A; B0 = B
            for (k = 0; k < 10; k++) { dA = -a * B + rA; dB = -b * A + rB; A += dA / 10; B += dB / 10; if (A < 0) A = 0; if (B < 0) B = 0 }
            if (noisy) {
                A = A0 + rA - poisson(A0 + rA - A); B = B0 + rB - poisson(B0 + rB - B)
                if (A < 0) A = 0; if (B < 0) B = 0
                printf "%d,%.0f,%.0f,%d,%d\n", d, A, B, rA, rB
            } else {
                u = unif() - 0.5
                nA = A + 2 * u * sqrt(a * B); nB = B - 2 * u * sqrt(b * A)
                printf "%d,%.0f,%.0f,%d,%d\n", d, nA < 0 ? 0 : nA, nB < 0 ? 0 : nB, rA, rB
            }
        } }' > "$3"
}
# sh bench/fit_long.sh --gen DAYS smooth|noisy FILE: the series alone
if [ "${1:-}" = --gen ]; then
    gen "$2" "$([ "$3" = noisy ] && echo 1 || echo 0)" "$4"
    exit
fi
# the CPU time from /usr/bin/time where there is one (the wall time alone
# on a shared machine says little)
timer=
[ -x /usr/bin/time ] && timer=/usr/bin/time
for series in ${FIT_SERIES:-smooth noisy}; do
    for n in ${FIT_DAYS:-1000 10000 100000}; do
        gen "$n" "$([ "$series" = noisy ] && echo 1 || echo 0)" "$tmp/s.csv"
        t0=$(date +%s.%N)
        if [ -n "$timer" ]; then
            $timer -f "%U %S" -o "$tmp/cpu" "$SALIENT" fit "$tmp/s.csv" > "$tmp/out" 2> "$tmp/err"
        else
            "$SALIENT" fit "$tmp/s.csv" > "$tmp/out" 2> "$tmp/err"
        fi
        st=$?
        t1=$(date +%s.%N)
        cpu=$( [ -n "$timer" ] && awk '{ print $1 + $2 }' "$tmp/cpu" || echo 0)
        awk -v s="$series" -v n="$n" -v t0="$t0" -v t1="$t1" -v c="$cpu" -v st="$st" 'BEGIN {
            printf "%-6s %7d days: %8.2f s wall, %8.2f s CPU, %6.0f us/row CPU (exit %d)\n",
                s, n, t1 - t0, c, 1e6 * c / n, st }'
        grep -E "converged|SSE" "$tmp/out" | head -2
        grep -E "^\* |^  (square|linear|log|free) " "$tmp/out"
    done
done

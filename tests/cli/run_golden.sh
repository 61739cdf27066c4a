#!/bin/sh
# 'salient run --deterministic' reproduces every golden file in tests/golden/
# (events exactly, series to 1e-12 relative); tests/test_golden.c checks the
# golden files themselves against hand computations.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
n=0
for d in tests/golden/*/; do
    g=$(basename "$d")
    n=$((n + 1))
    "$SALIENT" run -d -q "$d/scenario.yaml" --out "$tmp/$g" || { no "$g: run failed"; continue; }
    cmp -s "$d/events.csv" "$tmp/$g/events.csv" || no "$g: events.csv differs"
    awk -F, 'NR == FNR { for (i = 1; i <= NF; i++) want[FNR, i] = $i; rows = FNR; next }
             { got = FNR
               for (i = 1; i <= NF; i++) {
                   w = want[FNR, i]
                   if (FNR == 1 || i == 2) { if ($i != w) bad = 1; continue }
                   e = w < 0 ? -w : w; if (e < 1) e = 1
                   x = $i - w; if (x < 0) x = -x
                   if (x > 1e-12 * e) { bad = 1; print "row " FNR " col " i ": " $i " != " w }
               } }
             END { exit bad || got != rows }' "$d/series.csv" "$tmp/$g/series.csv" \
        || no "$g: series.csv differs"
done
[ "$n" -ge 4 ] || no "only $n golden scenarios"
echo "run_golden: $n scenarios, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# --posterior DIR: 'salient theses', 'salient compare' and 'salient ensemble'
# continue from the particles of one calibration the same way (run k:
# particle k mod N replayed to the as-of date, then (seed, run k)), so the
# study's base, the comparison's base and the ensemble agree byte for byte;
# bad posterior directories are refused with exit 2.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

f=examples/every-section.yaml
"$SALIENT" calibrate "$f" --observations tests/calib/every-section.observations.yaml \
    --particles 200 --min-distinct 20 -q --out "$tmp/c" || no "calibrate failed"
"$SALIENT" ensemble "$f" --posterior "$tmp/c" --runs 200 -q --no-runs-csv --out "$tmp/e" \
    || no "ensemble --posterior failed"
"$SALIENT" theses tests/study/every-section.theses.yaml --posterior "$tmp/c" --runs 200 -q \
    --out "$tmp/t" || no "theses --posterior failed"
cmp -s "$tmp/e/quantiles.csv" "$tmp/t/quantiles.csv" || no "the study's base is not the ensemble's"
cmp -s "$tmp/e/events.csv" "$tmp/t/events.csv" || no "the study's base events are not the ensemble's"
"$SALIENT" compare "$f" --variant no-dprk --posterior "$tmp/c" --runs 200 -q --out "$tmp/m" \
    || no "compare --posterior failed"
awk -F, 'NR == FNR { if (FNR > 1) m[$1 "," $2] = $4; next }
    FNR > 1 && $1 == "metric" { n++; if (m[$2 "," $3] != $5) bad++ }
    END { exit bad > 0 || n == 0 }' "$tmp/e/quantiles.csv" "$tmp/m/compare.csv" \
    || no "the comparison's base means are not the ensemble's"
# the posterior's runs differ from the prior's
"$SALIENT" ensemble "$f" --runs 200 -q --no-runs-csv --out "$tmp/p" || no "ensemble failed"
cmp -s "$tmp/e/quantiles.csv" "$tmp/p/quantiles.csv" && no "--posterior changed nothing"
# refused: no posterior.csv, a damaged one
"$SALIENT" ensemble "$f" --posterior "$tmp/none" --runs 10 -q --out "$tmp/x" 2>/dev/null
[ $? -eq 2 ] || no "a missing posterior was not refused with exit 2"
mkdir -p "$tmp/bad" && printf 'particle,seed\n0,1\n' > "$tmp/bad/posterior.csv"
"$SALIENT" ensemble "$f" --posterior "$tmp/bad" --runs 10 -q --out "$tmp/x" 2>"$tmp/err"
[ $? -eq 2 ] || no "a damaged posterior was not refused with exit 2"
grep -q 'posterior.csv:1:1: error' "$tmp/err" || no "the refusal does not name the file and line"
[ "$fail" -eq 0 ] && echo "calibrate_posterior: ok"
exit "$fail"

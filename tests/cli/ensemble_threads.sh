#!/bin/sh
# 'salient ensemble': every output file is the same bytes with 1, 2 and 3
# threads (runs.csv in run order, results.sqlite included), for a run count
# that is not a multiple of the block; and --no-runs-csv changes nothing else.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

f=examples/every-section.yaml
for t in 1 2 3; do
    "$SALIENT" ensemble "$f" --runs 777 --threads $t -q --out "$tmp/t$t" || no "--threads $t"
done
for t in 2 3; do
    for x in quantiles.csv events.csv runs.csv results.sqlite; do
        [ -s "$tmp/t1/$x" ] || no "no $x"
        cmp -s "$tmp/t1/$x" "$tmp/t$t/$x" || no "$x differs between 1 and $t threads"
    done
done
# run order whatever the threads
awk -F, 'NR > 1 && $1 != NR - 2 { bad = 1 } END { exit bad || NR != 778 }' "$tmp/t2/runs.csv" \
    || no "runs.csv not in run order"
"$SALIENT" ensemble "$f" --runs 777 --threads 2 -q --no-runs-csv --out "$tmp/n" || no "--no-runs-csv"
[ -e "$tmp/n/runs.csv" ] && no "--no-runs-csv wrote runs.csv"
cmp -s "$tmp/t1/quantiles.csv" "$tmp/n/quantiles.csv" || no "--no-runs-csv changed quantiles.csv"
cmp -s "$tmp/t1/events.csv" "$tmp/n/events.csv" || no "--no-runs-csv changed events.csv"
# OMP_NUM_THREADS is the default
OMP_NUM_THREADS=1 "$SALIENT" ensemble "$f" --runs 777 -q --out "$tmp/o1" || no "OMP 1"
cmp -s "$tmp/t1/results.sqlite" "$tmp/o1/results.sqlite" || no "OMP_NUM_THREADS=1 differs"

echo "ensemble_threads: $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# Issue 21, hole 4: a scenario with 2,100 uncertain inputs (past SQLite's
# default limit of 2,000 columns) runs as an ensemble: results.sqlite keeps
# the per-run values as a long table (run, name, value), one row per run and
# value, equal to runs.csv's; and no error message carries a stale errno.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
{
    cat examples/minimal.yaml
    echo "parameters:"
    i=0
    while [ $i -lt 2100 ]; do echo "  w$i: {uniform: [0, 1]}"; i=$((i + 1)); done
} > "$tmp/wide.yaml"
grep -q '^parameters:' examples/minimal.yaml && no "examples/minimal.yaml has parameters: the test must merge them"
"$SALIENT" ensemble "$tmp/wide.yaml" --runs 5 --threads 1 -q --out "$tmp/o" 2> "$tmp/err" ||
    no "ensemble of 2,100 inputs: exit $?: $(cat "$tmp/err")"
cols=$(head -1 "$tmp/o/runs.csv" | tr ',' '\n' | wc -l)
[ "$cols" -gt 2100 ] || no "runs.csv has $cols columns"
rows=$(sqlite3 "$tmp/o/results.sqlite" "SELECT count(*) FROM runs")
[ "$rows" -eq $((5 * (cols - 1))) ] || no "runs table: $rows rows, expected $((5 * (cols - 1)))"
# run 3's value of w1234 in both files (SQLite prints 16 digits)
col=$(head -1 "$tmp/o/runs.csv" | tr ',' '\n' | grep -n '^parameters\.w1234$' | cut -d: -f1)
csv=$(awk -F, -v c="$col" 'NR == 5 { print $c }' "$tmp/o/runs.csv")
db=$(sqlite3 "$tmp/o/results.sqlite" "SELECT printf('%.17g', value) FROM runs WHERE run = 3 AND name = 'parameters.w1234'")
awk -v a="$csv" -v b="$db" 'BEGIN { d = a - b; exit !(a != "" && d <= 1e-15 && -d <= 1e-15) }' || no "run 3, w1234: runs.csv '$csv', sqlite '$db' (column $col)"
echo "ensemble_wide: $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# Issue 21, holes 8 and 9: a fit whose statistics are not finite (values
# near 1e-300 growing with no reinforcements: SSE 0, R^2 and standard
# errors NaN) exits 1 with the reason and prints no result, writes no --out;
# a series longer than the documented row limit (100,001 rows) is refused
# with exit 2 at the first row past it, before any work.  The cost of long
# series is measured in bench/fit_long.sh, not here.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

for json in "" --json; do
    # shellcheck disable=SC2086
    "$SALIENT" fit tests/data/degenerate-tiny.csv $json --out "$tmp/o.csv" > "$tmp/out" 2> "$tmp/err"
    st=$?
    [ $st -eq 1 ] || no "degenerate$json: exit $st, expected 1"
    grep -q "error: the square-law fit has no finite statistics (R^2 is not a number)" "$tmp/err" ||
        no "degenerate$json: no reason in: $(cat "$tmp/err")"
    grep -qi "nan" "$tmp/out" && no "degenerate$json: NaN printed as a result: $(cat "$tmp/out")"
    [ -s "$tmp/out" ] && no "degenerate$json: results printed"
    [ -e "$tmp/o.csv" ] && no "degenerate$json: --out written"
done

awk 'BEGIN { print "day,A,B,reinf_A,reinf_B"
             for (d = 0; d <= 100001; d++) printf "%d,1000,1000,%d,%d\n", d, d ? 1 : 0, d ? 1 : 0 }' > "$tmp/long.csv"
"$SALIENT" fit "$tmp/long.csv" > "$tmp/out" 2> "$tmp/err"
st=$?
[ $st -eq 2 ] || no "100,002 rows: exit $st, expected 2"
grep -q "long.csv:100003:1: error: more than 100001 rows (days 0 to 100000); expected at most 100000 days of fighting" "$tmp/err" ||
    no "100,002 rows: message: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && no "100,002 rows: output printed"

echo "fit_integrity: $fail failed"
[ "$fail" -eq 0 ]

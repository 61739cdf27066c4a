#!/bin/sh
# 'salient run' on bad input: a broken scenario gives file:line:col messages,
# exit 2 and no output; a run that fails (a metric becomes NaN) gives the
# expression's position and the day, exit 1, and leaves earlier results
# untouched (files are written whole or not at all).
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

cat > "$tmp/bad.yaml" <<'Y'
scenario: {name: bad, start: 2024-11-01, horizon: 10, sides: [blue, red]}
actors:
  blue: {side: blue}
  red: {side: red}
forces:
  A: {owner: blue, strenght: 10}
Y
"$SALIENT" run "$tmp/bad.yaml" --out "$tmp/o1" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 2 ] || no "misspelt key: expected exit 2"
grep -q "^$tmp/bad.yaml:6:20: error: unknown key 'strenght'" "$tmp/err" || { no "misspelt key: message"; cat "$tmp/err"; }
[ -e "$tmp/o1" ] && no "misspelt key: output written"
[ -s "$tmp/out" ] && no "misspelt key: printed on stdout"

# a file cut short
head -c 700 examples/every-section.yaml > "$tmp/cut.yaml"
"$SALIENT" run "$tmp/cut.yaml" --out "$tmp/o2" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || no "cut file: expected exit 2"
grep -q "^$tmp/cut.yaml:[0-9]*:[0-9]*: error:" "$tmp/err" || no "cut file: no file:line:col"
[ -e "$tmp/o2" ] && no "cut file: output written"

"$SALIENT" run "$tmp/nope.yaml" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || no "missing file: expected exit 2"
grep -q 'cannot open the file' "$tmp/err" || no "missing file: message"

# a metric that becomes NaN on day 3
cat > "$tmp/nan.yaml" <<'Y'
scenario: {name: nan, start: 2024-11-01, horizon: 10, sides: [blue, red]}
actors:
  blue: {side: blue}
  red: {side: red}
forces:
  A: {owner: blue, strength: 0}
metrics:
  share: 'if(day >= 3, killed(A) / strength(A), 0)'
Y
mkdir "$tmp/o3" && echo old > "$tmp/o3/series.csv"
"$SALIENT" run "$tmp/nan.yaml" --out "$tmp/o3" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 1 ] || no "NaN metric: expected exit 1"
grep -q "^$tmp/nan.yaml:8:11: error: day 3 (2024-11-04) of run 0 (seed 1): metric 'share' .* is NaN" "$tmp/err" \
    || { no "NaN metric: message"; cat "$tmp/err"; }
grep -qx old "$tmp/o3/series.csv" || no "NaN metric: earlier series.csv overwritten"
[ -e "$tmp/o3/events.csv" ] && no "NaN metric: events.csv written"
[ "$(ls -A "$tmp/o3")" = series.csv ] || no "NaN metric: files left: $(ls -A "$tmp/o3")"

echo "run_bad: $fail failed"
[ "$fail" -eq 0 ]

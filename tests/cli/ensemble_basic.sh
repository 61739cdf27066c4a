#!/bin/sh
# 'salient ensemble': the files (columns, rows, dates, empty fields), the
# SQLite tables, reproducibility, the summary, no progress line when stderr
# is not a terminal (and one when it is), usage errors, a bad scenario
# (exit 2, file:line:col, nothing written), a failing run (exit 1, nothing
# written).
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
top=$(pwd)
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

f=examples/every-section.yaml
"$SALIENT" ensemble "$f" --runs 200 --out "$tmp/a" > "$tmp/out" 2> "$tmp/err" || { no "ensemble refused"; cat "$tmp/err"; }
[ -s "$tmp/err" ] && { no "wrote to stderr (progress when not a terminal?)"; cat "$tmp/err"; }
head -n 1 "$tmp/a/quantiles.csv" | grep -qx 'metric,day,date,mean,p05,p25,p50,p75,p95' || no "quantiles header"
# 9 metrics x 121 days + header
[ "$(wc -l < "$tmp/a/quantiles.csv")" -eq 1090 ] || no "quantiles rows: $(wc -l < "$tmp/a/quantiles.csv")"
grep -q '^dprk_strength,120,2025-03-01,' "$tmp/a/quantiles.csv" || no "quantiles last day"
grep -qx 'since_treaty,120,2025-03-01,120,120,120,120,120,120' "$tmp/a/quantiles.csv" || no "a constant metric"
head -n 1 "$tmp/a/events.csv" | grep -qx 'event,probability,p05,p50,p95' || no "events header"
grep -qx 'treaty-in-force,1,0,0,0' "$tmp/a/events.csv" || no "a certain event"
grep -qx 'rok-arms,0,,,' "$tmp/a/events.csv" || no "an event that never happens: empty days"
[ "$(wc -l < "$tmp/a/runs.csv")" -eq 201 ] || no "runs.csv rows"
head -n 1 "$tmp/a/runs.csv" | grep -q '^run,parameters.dprk_total,.*,dprk_strength,.*,lethal_aid$' || no "runs.csv header"
awk -F, 'NR == 1 { n = NF } NF != n { bad = 1 } END { exit bad }' "$tmp/a/runs.csv" || no "ragged runs.csv"
ls -A "$tmp/a" | grep -q '^\.' && no "temporary files left behind"
[ -e "$tmp/a/PARTIAL" ] && no "PARTIAL after a complete ensemble"
grep -q '^every-section: 200 runs, seed 20241101' "$tmp/out" || { no "summary head"; cat "$tmp/out"; }
grep -q 'treaty-in-force' "$tmp/out" || no "summary events"
# run k of the ensemble is 'salient run --run k'
"$SALIENT" run "$f" -q --run 17 --out "$tmp/r17" || no "run 17"
want=$(tail -n 1 "$tmp/r17/series.csv" | cut -d, -f3-)
got=$(awk -F, 'NR == 19' "$tmp/a/runs.csv" | cut -d, -f11-)
[ "$want" = "$got" ] || no "runs.csv row 17 is not run 17: '$got' vs '$want'"

if command -v sqlite3 > /dev/null; then
    q() { sqlite3 "$tmp/a/results.sqlite" "$1"; }
    [ "$(q 'select count(distinct run) from runs')" = 200 ] || no "sqlite runs"
    [ "$(q 'select count(*) from quantiles')" = 1089 ] || no "sqlite quantiles"
    [ "$(q "select value from metadata where key = 'partial'")" = 0 ] || no "sqlite partial"
    [ "$(q "select value from metadata where key = 'runs'")" = 200 ] || no "sqlite runs count"
    [ "$(q "select probability, p50 from events where event = 'treaty-in-force'")" = '1.0|0' ] || no "sqlite events"
    [ "$(q "select p05 is null from events where event = 'rok-arms'")" = 1 ] || no "sqlite NULL day"
    [ "$(q "select value = $(echo "$want" | cut -d, -f1) from runs where run = 17 and name = 'dprk_strength'")" = 1 ] || no "sqlite run 17"
fi

# the same command, the same bytes; another seed, other bytes
"$SALIENT" ensemble "$f" --runs 200 -q --out "$tmp/b" || no "second"
for x in quantiles.csv events.csv runs.csv results.sqlite; do
    cmp -s "$tmp/a/$x" "$tmp/b/$x" || no "$x not reproducible"
done
"$SALIENT" ensemble "$f" --runs 200 -q --seed 5 --out "$tmp/c" || no "--seed"
cmp -s "$tmp/a/runs.csv" "$tmp/c/runs.csv" && no "--seed 5 same runs"
"$SALIENT" ensemble "$f" --runs 50 -q --variant no-dprk --out "$tmp/v" || no "--variant"
grep -q '^dprk_strength,120,2025-03-01,0,0,0,0,0,0$' "$tmp/v/quantiles.csv" || no "no-dprk quantiles"

# a progress line on a terminal only
if command -v script > /dev/null; then
    script -qec "'$SALIENT' ensemble '$top/$f' --runs 300 -q --no-runs-csv --out '$tmp/p'" /dev/null > "$tmp/tty" 2>&1
    grep -q '300/300 runs .* runs/s .* left' "$tmp/tty" || { no "no progress line on a terminal"; cat "$tmp/tty"; }
fi

# usage
"$SALIENT" help ensemble | grep -q '^usage: salient ensemble FILE' || no "help"
"$SALIENT" ensemble > /dev/null 2>&1; [ $? -eq 2 ] || no "no FILE: exit 2"
"$SALIENT" ensemble "$f" --runs 0 > /dev/null 2>&1; [ $? -eq 2 ] || no "--runs 0: exit 2"
"$SALIENT" ensemble "$f" --runs x > /dev/null 2>&1; [ $? -eq 2 ] || no "--runs x: exit 2"
"$SALIENT" ensemble "$f" --threads 0 > /dev/null 2>&1; [ $? -eq 2 ] || no "--threads 0: exit 2"
"$SALIENT" ensemble "$f" --bogus > /dev/null 2>&1; [ $? -eq 2 ] || no "unknown option: exit 2"
"$SALIENT" ensemble "$f" --variant nope --out "$tmp/nv" > /dev/null 2>&1; [ $? -eq 2 ] || no "unknown variant: exit 2"
[ -e "$tmp/nv" ] && no "unknown variant: output written"

# a bad scenario: file:line:col, exit 2, nothing written
cat > "$tmp/bad.yaml" <<'Y'
scenario: {name: bad, start: 2024-11-01, horizon: 10, sides: [blue, red]}
actors:
  blue: {side: blue}
  red: {side: red}
forces:
  A: {owner: blue, strenght: 10}
Y
"$SALIENT" ensemble "$tmp/bad.yaml" --runs 10 --out "$tmp/o1" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 2 ] || no "bad scenario: exit 2"
grep -q "^$tmp/bad.yaml:6:20: error: unknown key 'strenght'" "$tmp/err" || { no "bad scenario: message"; cat "$tmp/err"; }
[ -e "$tmp/o1" ] && no "bad scenario: output written"

# a run that fails: exit 1, the run named, nothing written, old files kept
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
mkdir "$tmp/o3" && echo old > "$tmp/o3/quantiles.csv"
"$SALIENT" ensemble "$tmp/nan.yaml" --runs 100 --out "$tmp/o3" > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] || no "NaN metric: exit 1"
grep -q "^$tmp/nan.yaml:8:11: error: day 3 (2024-11-04) of run 0 (seed 1)" "$tmp/err" || { no "NaN: message"; cat "$tmp/err"; }
[ "$(ls -A "$tmp/o3")" = quantiles.csv ] || no "NaN: files left: $(ls -A "$tmp/o3")"
grep -qx old "$tmp/o3/quantiles.csv" || no "NaN: old file overwritten"

echo "ensemble_basic: $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# 'salient run': the files it writes (columns, rows, dates), the summary,
# reproducibility from the seed, --seed/--run/--variant/--deterministic,
# the default directory, usage errors, and an unwritable output directory.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
top=$(pwd)
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

f=examples/every-section.yaml
"$SALIENT" run "$f" --out "$tmp/a" > "$tmp/out" 2> "$tmp/err" || { no "run refused"; cat "$tmp/err"; }
[ -s "$tmp/err" ] && { no "run wrote to stderr"; cat "$tmp/err"; }
[ -f "$tmp/a/series.csv" ] || no "no series.csv"
[ -f "$tmp/a/events.csv" ] || no "no events.csv"
head -n 1 "$tmp/a/series.csv" | grep -qx 'day,date,dprk_strength,dprk_casualties,dprk_killed,ground_ukraine,russian_shells,rok_rung,since_treaty,ratio,lethal_aid' \
    || no "series.csv header: $(head -n 1 "$tmp/a/series.csv")"
# horizon 120: days 0..120 and a header
[ "$(wc -l < "$tmp/a/series.csv")" -eq 122 ] || no "series.csv rows: $(wc -l < "$tmp/a/series.csv")"
sed -n 2p "$tmp/a/series.csv" | grep -q '^0,2024-11-01,' || no "day 0 row"
tail -n 1 "$tmp/a/series.csv" | grep -q '^120,2025-03-01,' || no "last row date"
# every row has as many fields as the header
awk -F, 'NR == 1 { n = NF } NF != n { bad = 1 } END { exit bad }' "$tmp/a/series.csv" || no "ragged rows"
head -n 1 "$tmp/a/events.csv" | grep -qx 'event,day,date' || no "events.csv header"
# 8 events in the scenario; the treaty is in force from day 0
[ "$(wc -l < "$tmp/a/events.csv")" -eq 9 ] || no "events.csv rows"
grep -qx 'treaty-in-force,0,2024-11-01' "$tmp/a/events.csv" || no "treaty event"
grep -qx 'rok-aid.indirect,0,2024-11-01' "$tmp/a/events.csv" || no "initial rung event"
grep -q '^every-section: 121 days, 2024-11-01 to 2025-03-01; seed 20241101, stochastic' "$tmp/out" \
    || { no "summary head"; cat "$tmp/out"; }
grep -q 'metrics on 2025-03-01' "$tmp/out" || no "summary metrics"
grep -q 'dprk-kursk' "$tmp/out" || no "summary forces"
grep -q 'ground kursk' "$tmp/out" || no "summary ground"
grep -q 'events (' "$tmp/out" || no "summary events"
[ "$(wc -l < "$tmp/out")" -le 50 ] || no "summary longer than a screen"
ls -A "$tmp/a" | grep -q '^\.' && no "temporary files left behind"

# the same seed gives the same bytes; another seed or run index does not
"$SALIENT" run "$f" -q --out "$tmp/b" || no "second run"
cmp -s "$tmp/a/series.csv" "$tmp/b/series.csv" || no "same seed, different series"
cmp -s "$tmp/a/events.csv" "$tmp/b/events.csv" || no "same seed, different events"
"$SALIENT" run "$f" -q --seed 20241101 --out "$tmp/c" || no "--seed"
cmp -s "$tmp/a/series.csv" "$tmp/c/series.csv" || no "--seed equal to the scenario's differs"
"$SALIENT" run "$f" -q --seed 5 --out "$tmp/d" || no "--seed 5"
cmp -s "$tmp/a/series.csv" "$tmp/d/series.csv" && no "--seed 5 gave the same series"
"$SALIENT" run "$f" -q --run 1 --out "$tmp/e" || no "--run 1"
cmp -s "$tmp/a/series.csv" "$tmp/e/series.csv" && no "--run 1 gave the same series"

# a variant: no North Korean arrivals, so that column stays 0
"$SALIENT" run "$f" -q --variant no-dprk --out "$tmp/v" || no "--variant no-dprk"
awk -F, 'NR > 1 && $3 != 0 { bad = 1 } END { exit bad }' "$tmp/v/series.csv" || no "no-dprk: dprk_strength not 0"
"$SALIENT" run "$f" -q --variant no-such --out "$tmp/v2" 2> "$tmp/err"
[ $? -eq 2 ] || no "unknown variant: expected exit 2"
[ -e "$tmp/v2" ] && no "unknown variant: output written"

# deterministic: the mean-field path, the same whatever the seed
"$SALIENT" run "$f" --deterministic --out "$tmp/m1" > "$tmp/out" || no "--deterministic"
grep -q 'deterministic' "$tmp/out" || no "deterministic not in the summary"
"$SALIENT" run "$f" -d -q --seed 9 --out "$tmp/m2" || no "-d --seed 9"
cmp -s "$tmp/m1/series.csv" "$tmp/m2/series.csv" || no "deterministic depends on the seed"

# the default directory
mkdir "$tmp/cwd" && (cd "$tmp/cwd" && "$SALIENT" run -q "$top/examples/minimal.yaml") || no "default dir run"
[ -f "$tmp/cwd/salient-out/run/series.csv" ] || no "default dir: no salient-out/run/series.csv"

# usage
"$SALIENT" help run | grep -q '^usage: salient run FILE' || no "help run"
"$SALIENT" run --help | grep -q -- '--deterministic' || no "run --help"
"$SALIENT" run > /dev/null 2> "$tmp/err"; [ $? -eq 2 ] || no "no FILE: exit 2"
grep -q 'no scenario FILE' "$tmp/err" || no "no FILE: message"
"$SALIENT" run "$f" --bogus > /dev/null 2>&1; [ $? -eq 2 ] || no "unknown option: exit 2"
"$SALIENT" run "$f" --seed -3 > /dev/null 2>&1; [ $? -eq 2 ] || no "negative seed: exit 2"
"$SALIENT" run "$f" --seed > /dev/null 2>&1; [ $? -eq 2 ] || no "--seed without value: exit 2"
"$SALIENT" run "$f" "$f" > /dev/null 2>&1; [ $? -eq 2 ] || no "two FILEs: exit 2"

# an output directory that cannot be made: exit 1, nothing left
: > "$tmp/file"
"$SALIENT" run "$f" -q --out "$tmp/file/sub" 2> "$tmp/err"; [ $? -eq 1 ] || no "bad --out: exit 1"
grep -q 'cannot create the directory' "$tmp/err" || no "bad --out: message"

echo "run_basic: $fail failed"
[ "$fail" -eq 0 ]

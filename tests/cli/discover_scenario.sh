#!/bin/sh
# 'salient discover SCENARIO --runs N' makes the same runs as 'salient
# ensemble' with that seed: discovering on the ensemble's results and on the
# scenario gives the same boxes.csv and trajectory.csv, byte for byte (the
# choice input 'reinforcement' is categorical in both: declared a choice in
# the scenario, three distinct values in the results).  CART runs on both,
# alike; results do not depend on --threads; event_day() works on runs made
# here; nothing is written when the condition needs what the runs lack.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
f=examples/every-section.yaml
where='dprk_casualties > 240'

"$SALIENT" ensemble $f --runs 400 --out "$tmp/ens" -q || no "ensemble"
for m in prim cart; do
    "$SALIENT" discover "$tmp/ens" --where "$where" --method $m --out "$tmp/d-$m" -q ||
        no "discover DIR --method $m"
    "$SALIENT" discover $f --runs 400 --where "$where" --method $m --out "$tmp/s-$m" \
        --threads 1 -q || no "discover SCENARIO --method $m"
    "$SALIENT" discover $f --runs 400 --where "$where" --method $m --out "$tmp/t-$m" \
        --threads 2 -q || no "discover SCENARIO --method $m --threads 2"
    for x in boxes.csv trajectory.csv; do
        cmp -s "$tmp/d-$m/$x" "$tmp/s-$m/$x" || { no "$m: $x differs, DIR and SCENARIO";
            diff "$tmp/d-$m/$x" "$tmp/s-$m/$x" | head; }
        cmp -s "$tmp/s-$m/$x" "$tmp/t-$m/$x" || no "$m: $x differs, 1 and 2 threads"
    done
    cmp -s "$tmp/s-$m/results.sqlite" "$tmp/t-$m/results.sqlite" ||
        no "$m: results.sqlite differs, 1 and 2 threads"
    [ -s "$tmp/d-$m/boxes.csv" ] && [ "$(wc -l < "$tmp/d-$m/boxes.csv")" -ge 2 ] ||
        no "$m: no box"
done
# CART writes no trajectory rows; PRIM does
[ "$(wc -l < "$tmp/d-cart/trajectory.csv")" -eq 1 ] || no "CART wrote a trajectory"
[ "$(wc -l < "$tmp/d-prim/trajectory.csv")" -gt 2 ] || no "PRIM wrote no trajectory"
# the report of the ensemble's discovery keeps the ensemble's own tables
sqlite3 "$tmp/d-prim/results.sqlite" "SELECT COUNT(*) FROM quantiles" | grep -qv '^0$' ||
    no "the ensemble's quantiles not copied"
grep -q 'id="discover"' "$tmp/d-prim/report.html" || no "no discovery section in report.html"
# ... and draws every chart in a browser: the 9 fan charts and the 3 of discovery
if command -v chromium > /dev/null; then
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$tmp/profile" --window-size=1400,1000 \
        --dump-dom "file://$tmp/d-prim/report.html" 2> /dev/null > "$tmp/dom"
    tag=$(grep -o '<body[^>]*>' "$tmp/dom" | head -n 1)
    echo "$tag" | grep -q 'data-charts="12" data-rendered="12" data-errors="0"' ||
        no "report.html: not every chart drawn: $tag"
fi

# event days: the treaty comes into force on day 0 in every run, so
# 'event_day(treaty-in-force) > 5' holds nowhere; '< date(2024-11-05)' everywhere
"$SALIENT" discover $f --runs 50 --where 'event_day(treaty-in-force) > 5' --out "$tmp/e1" \
    2> "$tmp/err" > /dev/null; st=$?
[ $st -eq 2 ] && grep -q "no run is a case of interest" "$tmp/err" || no "event_day > 5: exit $st"
"$SALIENT" discover $f --runs 50 --where 'event_day(rok-arms) > date(2024-11-05) and
    event_day(treaty-in-force) < date(2024-11-05)' --out "$tmp/e2" -q || no "event_day"
grep -q ',1$' "$tmp/e2/trajectory.csv" || no "event_day: no trajectory"
# metric on a date from runs made here
"$SALIENT" discover $f --runs 200 --where 'metric(dprk_casualties, 2025-01-01) > 150' \
    --out "$tmp/e3" -q || no "metric(NAME, DATE)"
# ... but not from an ensemble's results without paths
"$SALIENT" discover "$tmp/ens" --where 'metric(dprk_casualties, 2025-01-01) > 150' \
    --out "$tmp/e4" 2> "$tmp/err" > /dev/null; st=$?
[ $st -eq 2 ] && grep -q "no table paths" "$tmp/err" || { no "paths missing: exit $st"; cat "$tmp/err"; }
[ -e "$tmp/e4" ] && no "paths missing: output written"

[ $fail -eq 0 ] && echo "discover_scenario: ok"
exit $fail

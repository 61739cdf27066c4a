#!/bin/sh
# The flagship scenario (scenarios/kursk-2024.yaml), simulated from Ukraine's
# incursion into Kursk oblast on 6 August 2024: it checks clean, it has the
# named outputs, every variant runs, and its deterministic (mean-field) run
# tells the history of August to November 2024 that the sources of
# 22 November describe (../shared/data/kursk-2024-sources.md), in the large:
#   - day 0 is 2024-08-06 and the horizon 2025-12-31;
#   - the salient grows in August: Ukraine holds more ground on 31 August than
#     on 6 August, and its peak falls in August (Ukraine, August 2024: 'somewhat
#     over 1,000 km2'); the prior's mean path need not reach 1,000: the peak is
#     a report the calibration conditions on, so only its month is checked;
#   - Russia retakes ground from September: less held on 11 November than at
#     the peak, more than nothing (Kyiv Independent, 11 Nov: 'around half');
#   - the North Koreans are in Kursk by early November (Zelensky: ~11,000 as
#     of 4 Nov; Pentagon: ~10,000), none before October;
#   - nothing acknowledged, no South Korean lethal aid and no mobilisation
#     before 22 November; the treaty's ratification steps and the strike
#     authorisations on their dates;
#   - the variants branch on 22 November (no-long-range-strikes on
#     17 November): up to the branch day their paths equal the base's.
# The figures themselves are reports (scenarios/kursk-2024.observations.yaml),
# checked here only for their names and dates: every metric and event they
# name exists in the scenario, every report was made by 22 November 2024.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
top=$(cd "$(dirname "$0")/../.." && pwd)
f="$top/scenarios/kursk-2024.yaml"
obs="$top/scenarios/kursk-2024.observations.yaml"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

"$SALIENT" check "$f" > "$tmp/check" 2>&1 || { cat "$tmp/check"; no "check"; }
grep -q "7 variants checked" "$tmp/check" || no "expected 7 variants: $(cat "$tmp/check")"
# The hand calibration is retired: no 'calibrated:' source, no 'calibration' variant.
grep -n "calibrated:" "$f" && no "a 'calibrated:' number is left in the scenario"
"$SALIENT" run "$f" --variant calibration --out "$tmp/x" -q > /dev/null 2>&1 && no "the variant 'calibration' still exists"

"$SALIENT" run "$f" --deterministic --out "$tmp/base" > /dev/null 2> "$tmp/err" || { cat "$tmp/err"; no "base run"; }
head -1 "$tmp/base/series.csv" > "$tmp/header"
for m in dprk_strength dprk_killed dprk_casualties kursk_ground_km2 donetsk_ground_km2 russia_casualties; do
    tr ',' '\n' < "$tmp/header" | grep -qx "$m" || no "metric $m missing"
done
for e in deployment_acknowledged rok_lethal_aid dprk_reinforcement kursk_salient_lost; do
    cut -d, -f1 "$tmp/base/events.csv" | grep -qx "$e" || no "event $e missing"
done
sed -n 2p "$tmp/base/series.csv" | grep -q '^0,2024-08-06,' || no "day 0 is not 2024-08-06"
tail -1 "$tmp/base/series.csv" | grep -q ',2025-12-31,' || no "the last day is not 2025-12-31"

# val METRIC DATE [DIR]: the metric on that date.
val() {
    awk -F, -v m="$1" -v d="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == m) c = i; next }
        $2 == d { print $c }' "${3:-$tmp/base}/series.csv"
}
# peak METRIC: the date of the metric's maximum (the first day it is reached).
peak() {
    awk -F, -v m="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == m) c = i; next }
        $c + 0 > best + 0 || NR == 2 { best = $c; d = $2 } END { print d }' "$tmp/base/series.csv"
}
# evday EVENT [DIR]: the date an event first happened (empty if never).
evday() { awk -F, -v e="$1" '$1 == e { print $3 }' "${2:-$tmp/base}/events.csv"; }
is() { # $1 = label, $2 = awk condition
    if awk "BEGIN { exit !($2) }"; then echo "ok   $1"; else no "$1 ($2)"; fi
}
g0=$(val kursk_ground_km2 2024-08-06); g31=$(val kursk_ground_km2 2024-08-31)
g11=$(val kursk_ground_km2 2024-11-11); pk=$(peak kursk_ground_km2)
is "the salient grows in August ($g0 -> $g31 km2)" "$g31 > $g0 + 300"
case "$pk" in 2024-08-*) echo "ok   the salient peaks in August ($pk)" ;; *) no "the salient peaks on $pk, not in August" ;; esac
is "Russia retakes ground by 11 November ($g11 of $g31 km2 left)" "$g11 < 0.9 * $g31 && $g11 > 0"
is "the Russian grouping in Kursk grows from 6 August to 10 November" \
    "$(val kursk_russia_side_strength 2024-11-10) > 2 * $(val kursk_russia_side_strength 2024-08-06)"
is "no North Koreans at the front in September" "$(val dprk_strength 2024-09-30) == 0"
is "North Koreans in Kursk by 4 November ($(val dprk_strength 2024-11-04))" "$(val dprk_strength 2024-11-04) > 3000"
is "North Koreans in Russia by 23 October ($(val dprk_in_russia 2024-10-23))" "$(val dprk_in_russia 2024-10-23) > 1000"
is "Russian losses on the whole front from 6 August" "$(val russia_casualties 2024-11-22) > 50000"
is "Russian gains in Ukraine from 6 August" "$(val ground_taken_km2 2024-11-22) > 100"
# Events on their dates, and nothing that had not happened by 22 November.
for pair in ratified-duma:2024-10-24 ratified-federation-council:2024-11-06 ratified-putin:2024-11-09 \
            ratified-kim:2024-11-11 putin-does-not-deny:2024-10-24 us-atacms-authorised:2024-11-17 \
            long-range-strikes:2024-11-20 dprk-to-kursk-1:2024-10-28; do
    e=${pair%%:*}; d=${pair#*:}
    [ "$(evday "$e")" = "$d" ] || no "$e on '$(evday "$e")', expected $d"
done
for e in deployment_acknowledged rok_lethal_aid rok-aid.defensive russia_mobilisation russia-dprk-treaty; do
    d=$(evday "$e")
    [ -z "$d" ] || [ "$d" \> 2024-11-22 ] || no "$e on $d, before the forecast date"
done

# Every variant runs, and branches on 22 November (no-long-range-strikes on
# 17 November): in the same stochastic run, its path equals the base's up to
# the day before (metrics on day 107 are the state at the end of 21 Nov).
"$SALIENT" run "$f" --run 3 --out "$tmp/stoch" > /dev/null 2> "$tmp/err" || { cat "$tmp/err"; no "stochastic run"; }
for v in no-dprk no-dprk-munitions support-roles-only redeploy-to-donetsk dprk-100k rok-lethal-aid no-long-range-strikes; do
    "$SALIENT" run "$f" --variant "$v" --run 3 --out "$tmp/$v" > /dev/null 2> "$tmp/err" \
        || { cat "$tmp/err"; no "variant $v"; continue; }
    last=107; [ "$v" = no-long-range-strikes ] && last=102
    a=$(awk -F, -v l="$last" '$1 <= l' "$tmp/stoch/series.csv" | cksum)
    b=$(awk -F, -v l="$last" '$1 <= l' "$tmp/$v/series.csv" | cksum)
    [ "$a" = "$b" ] || no "variant $v differs from the base before its branch day (day $((last + 1)))"
    cmp -s "$tmp/stoch/series.csv" "$tmp/$v/series.csv" && [ "$v" != rok-lethal-aid ] && no "variant $v changes nothing"
done
# The counterfactual without North Korean troops has none at the front, and
# no new North Korean casualties, from 22 November.
if [ -f "$tmp/no-dprk/series.csv" ]; then
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "dprk_casualties") c = i; if ($i == "dprk_strength") s = i }; next }
        $1 == 108 { c0 = $c } $1 > 108 && ($c != c0 || $s != 0) { bad = 1 } END { exit bad }' "$tmp/no-dprk/series.csv" \
        || no "no-dprk has North Koreans at the front, or new North Korean casualties, after 22 November"
fi

# The observations file: names exist in the scenario, reports dated by 22 Nov.
cut -d, -f1 "$tmp/base/events.csv" | sed 1d > "$tmp/events"
tr ',' '\n' < "$tmp/header" > "$tmp/metrics"
n=0
for m in $(sed -n 's/^  - metric: *\([A-Za-z0-9_.-]*\).*/\1/p' "$obs"); do
    n=$((n + 1)); grep -qx "$m" "$tmp/metrics" || no "observations: no metric '$m' in the scenario"
done
for e in $(sed -n 's/^  - event: *\([A-Za-z0-9_.-]*\).*/\1/p' "$obs"); do
    n=$((n + 1)); grep -qx "$e" "$tmp/events" || no "observations: no event '$e' in the scenario"
done
[ "$(grep -c '^  - ' "$obs")" -eq "$n" ] || no "observations: $n reports name a metric or an event, of $(grep -c '^  - ' "$obs")"
[ "$(grep -c '^    source:' "$obs")" -eq "$n" ] || no "observations: not every report has a source"
[ "$(grep -c '^    reported: ' "$obs")" -eq "$n" ] || no "observations: not every report says when it was reported"
late=$(sed -n 's/^    reported: *//p' "$obs" | awk '$1 > "2024-11-22"')
[ -z "$late" ] || no "observations: reported after 22 November 2024: $late"
echo "observations: $n reports checked"

[ "$fail" -eq 0 ] && echo "flagship: ok"
exit "$fail"

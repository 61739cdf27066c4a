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
# per-run paths and event days (--series, --dates): the same bytes for any
# threads, with or without runs.csv, and the values those of the quantiles'
# runs (day 120 of every run is its runs.csv row)
P="--series dprk_casualties,ground_ukraine --dates 2024-11-01,2024-12-15,2025-03-01"
for t in 1 3; do
    "$SALIENT" ensemble "$f" --runs 777 --threads $t -q $P --out "$tmp/p$t" || no "paths, $t threads"
done
"$SALIENT" ensemble "$f" --runs 777 --threads 2 -q $P --no-runs-csv --out "$tmp/pn" || no "paths --no-runs-csv"
for x in paths.csv run_events.csv results.sqlite; do
    [ -s "$tmp/p1/$x" ] || no "paths: no $x"
    cmp -s "$tmp/p1/$x" "$tmp/p3/$x" || no "paths: $x differs between 1 and 3 threads"
done
for x in paths.csv run_events.csv; do
    cmp -s "$tmp/p1/$x" "$tmp/pn/$x" || no "paths: $x differs with --no-runs-csv"
done
cmp -s "$tmp/t1/quantiles.csv" "$tmp/p1/quantiles.csv" || no "--series changed quantiles.csv"
[ "$(wc -l < "$tmp/p1/paths.csv")" -eq $((777 * 3 * 2 + 1)) ] || no "paths.csv: not 777 runs x 3 dates x 2 metrics"
[ "$(wc -l < "$tmp/p1/run_events.csv")" -eq $((777 * 8 + 1)) ] || no "run_events.csv: not 777 runs x 8 events"
# the last date's dprk_casualties is runs.csv's (column 12), run by run
awk -F, 'NR == FNR { if (FNR > 1) last[$1] = $12; next }
         $2 == "2025-03-01" && $3 == "dprk_casualties" { n++; if ($4 != last[$1]) bad = 1 }
         END { exit bad || n != 777 }' "$tmp/t1/runs.csv" "$tmp/p1/paths.csv"     || no "paths.csv: the last day's values are not runs.csv's"
# an event's day in run_events.csv agrees with events.csv's probability
p=$(awk -F, '$2 == "treaty-in-force" && $3 != "" { n++ } END { print n / 777 }' "$tmp/p1/run_events.csv")
[ "$p" = "$(awk -F, '$1 == "treaty-in-force" { print $2 }' "$tmp/t1/events.csv")" ] || no "run_events: treaty-in-force in $p of the runs"
[ "$(sqlite3 "$tmp/p1/results.sqlite" "select count(*) from paths; select count(*) from run_events where date is null")" = "$(printf '%s\n%s' $((777 * 6)) \
    "$(awk -F, 'NR > 1 && $3 == "" { n++ } END { print n + 0 }' "$tmp/p1/run_events.csv")")" ] \
    || no "the paths and run_events tables differ from the CSV files"
# bad options: exit 2, nothing written
"$SALIENT" ensemble "$f" --runs 5 -q --series dprk_casualtie --out "$tmp/bad1" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "did you mean 'dprk_casualties'" "$tmp/err" || no "--series misspelt: $(cat "$tmp/err")"
"$SALIENT" ensemble "$f" --runs 5 -q --series dprk_casualties --dates 2025-03-02 --out "$tmp/bad2" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "outside the scenario's days, 2024-11-01 to 2025-03-01" "$tmp/err" || no "--dates outside: $(cat "$tmp/err")"
"$SALIENT" ensemble "$f" --runs 5 -q --dates 2025-01-01 --out "$tmp/bad3" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "needs --series" "$tmp/err" || no "--dates alone: $(cat "$tmp/err")"
[ -e "$tmp/bad1" ] || [ -e "$tmp/bad2" ] || [ -e "$tmp/bad3" ] && no "a refused option wrote a directory"
# the default dates: every 7th day and the last (day 120)
"$SALIENT" ensemble "$f" --runs 2 -q --series rok_rung --out "$tmp/d7" || no "default dates"
[ "$(awk -F, 'NR > 1 && $1 == 0 { print $2 }' "$tmp/d7/paths.csv" | tr '\n' ' ')" = \
  "2024-11-01 2024-11-08 2024-11-15 2024-11-22 2024-11-29 2024-12-06 2024-12-13 2024-12-20 2024-12-27 2025-01-03 2025-01-10 2025-01-17 2025-01-24 2025-01-31 2025-02-07 2025-02-14 2025-02-21 2025-02-28 2025-03-01 " ] \
    || no "default dates: $(awk -F, 'NR > 1 && $1 == 0 { print $2 }' "$tmp/d7/paths.csv" | tr '\n' ' ')"

# memory checked up front: the paths' records count in the bound (41 MiB
# without, 59 MiB with every metric on every day, 2 threads), so a limit
# between the two refuses the paths and nothing is written
all=$(awk -F, '$1 == "dprk_strength" { printf "%s%s", n++ ? "," : "", $3 }' "$tmp/t1/quantiles.csv")
M=dprk_strength,dprk_casualties,dprk_killed,ground_ukraine,russian_shells,rok_rung,since_treaty,ratio,lethal_aid
SALIENT_MEMORY_LIMIT=50000000 "$SALIENT" ensemble "$f" --runs 100 --threads 2 -q --out "$tmp/mem0" \
    || no "the memory limit refused an ensemble without paths"
SALIENT_MEMORY_LIMIT=50000000 "$SALIENT" ensemble "$f" --runs 100 --threads 2 -q --series $M --dates "$all" \
    --out "$tmp/mem1" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "would need up to" "$tmp/err" || no "paths over the memory limit: $(cat "$tmp/err")"
[ -e "$tmp/mem1" ] && no "a refused ensemble wrote its directory"

# OMP_NUM_THREADS is the default
OMP_NUM_THREADS=1 "$SALIENT" ensemble "$f" --runs 777 -q --out "$tmp/o1" || no "OMP 1"
cmp -s "$tmp/t1/results.sqlite" "$tmp/o1/results.sqlite" || no "OMP_NUM_THREADS=1 differs"

echo "ensemble_threads: $fail failed"
[ "$fail" -eq 0 ]

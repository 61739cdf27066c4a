#!/bin/sh
# 'salient ensemble' and 'salient compare' stopped before the end: with
# --stop-after (the same path as Ctrl-C, deterministic) and with a real
# SIGINT / SIGTERM.  The files summarise the runs finished, DIR/PARTIAL and
# the metadata say so, the exit status is 1; a later complete run removes
# the marker.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

f=examples/every-section.yaml
"$SALIENT" ensemble "$f" --runs 5000 --threads 2 --stop-after 300 --out "$tmp/p" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 1 ] || no "stopped: exit 1"
grep -q 'interrupted: partial results of [0-9]* of 5000 runs' "$tmp/err" || { no "stopped: message"; cat "$tmp/err"; }
[ -f "$tmp/p/PARTIAL" ] || no "no PARTIAL"
done_runs=$(($(wc -l < "$tmp/p/runs.csv") - 1))
[ "$done_runs" -ge 300 ] && [ "$done_runs" -lt 5000 ] || no "runs done: $done_runs"
grep -q "$done_runs of the 5000" "$tmp/p/PARTIAL" || no "PARTIAL text: $(cat "$tmp/p/PARTIAL")"
# the partial summary is that of the runs finished
"$SALIENT" ensemble "$f" --runs "$done_runs" --threads 1 -q --out "$tmp/full" || no "the same runs in full"
for x in quantiles.csv events.csv runs.csv; do
    cmp -s "$tmp/p/$x" "$tmp/full/$x" || no "partial $x is not that of the runs finished"
done
if command -v sqlite3 > /dev/null; then
    [ "$(sqlite3 "$tmp/p/results.sqlite" "select value from metadata where key = 'partial'")" = 1 ] || no "sqlite partial flag"
    [ "$(sqlite3 "$tmp/p/results.sqlite" "select value from metadata where key = 'runs_requested'")" = 5000 ] || no "runs_requested"
fi
"$SALIENT" ensemble "$f" --runs 100 -q --out "$tmp/p" || no "complete after partial"
[ -e "$tmp/p/PARTIAL" ] && no "PARTIAL left after a complete run"

"$SALIENT" compare "$f" --variant no-dprk --runs 5000 --stop-after 300 -q --out "$tmp/c" 2> "$tmp/err"
[ $? -eq 1 ] || no "compare stopped: exit 1"
[ -f "$tmp/c/PARTIAL" ] && [ -f "$tmp/c/compare.csv" ] || no "compare partial files"

# real signals: a long ensemble, interrupted once it has started
for sig in INT TERM; do
    "$SALIENT" ensemble "$f" --runs 100000000 --no-runs-csv -q --out "$tmp/s$sig" 2> "$tmp/err" &
    pid=$!
    sleep 1
    kill -$sig $pid
    wait $pid
    st=$?
    [ $st -eq 1 ] || no "SIG$sig: exit $st, expected 1"
    [ -f "$tmp/s$sig/PARTIAL" ] || no "SIG$sig: no PARTIAL"
    [ -f "$tmp/s$sig/quantiles.csv" ] || no "SIG$sig: no quantiles.csv"
    ls -A "$tmp/s$sig" | grep -q '^\.' && no "SIG$sig: temporary files left"
done

echo "ensemble_partial: $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# Issue 21, hole 2: two writers on one output directory.  While an ensemble
# (seed 1) runs in DIR, a second one (seed 2) exits 2 at once with "DIR is
# in use by process N" (N the first one's pid) and changes nothing; so do
# compare, run and report on DIR.  The first is then killed (SIGKILL): the
# kernel releases its lock, and --resume with seed 1 finishes with the bytes
# of an uninterrupted seed-1 run (no row of seed 2's anywhere).
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2> /dev/null; rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
f=examples/every-section.yaml
N=20000
d="$tmp/d"
"$SALIENT" ensemble "$f" --runs $N --seed 1 -q --checkpoint-every 0 --threads 1 --out "$d" 2> "$tmp/err1" &
pid=$!
i=0
while [ ! -e "$d/checkpoint/runs.bin" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ -e "$d/.salient-lock" ] || no "no lock file while the first job runs"
for cmd in "ensemble $f --runs $N --seed 2 -q --out $d" "compare $f --variant no-dprk --runs 10 --out $d" \
           "run $f --out $d" "report $d"; do
    # shellcheck disable=SC2086
    "$SALIENT" $cmd > /dev/null 2> "$tmp/err2"
    st=$?
    [ $st -eq 2 ] || no "$cmd: exit $st while another job writes, expected 2"
    grep -q "'$d' is in use by process $pid " "$tmp/err2" || no "$cmd: message: $(cat "$tmp/err2")"
done
kill -9 $pid
wait $pid 2> /dev/null
pid=
"$SALIENT" ensemble "$f" --runs $N --seed 1 -q --threads 2 --resume "$d" 2> "$tmp/err" ||
    no "resume after the kill: exit $?: $(cat "$tmp/err")"
"$SALIENT" ensemble "$f" --runs $N --seed 1 -q --threads 2 --out "$tmp/ref" || no "reference run"
for x in quantiles.csv events.csv runs.csv results.sqlite; do
    cmp -s "$tmp/ref/$x" "$d/$x" || no "$x differs from the uninterrupted seed-1 run"
done
[ -e "$d/.salient-lock" ] && no "lock file left after the job"
echo "dir_lock: $fail failed"
[ "$fail" -eq 0 ]

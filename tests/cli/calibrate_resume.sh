#!/bin/sh
# 'salient calibrate' interrupted and resumed: killed (SIGKILL) after the
# checkpoint of stage 2, or stopped as by Ctrl-C after stage 3, then run
# again with --resume DIR: every file is the bytes of an uninterrupted run.
# The degeneracy stop: exit 1 and a message saying what to change.  And
# 'salient ensemble --posterior DIR' gives the calibration's own forecast.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

f=tests/calib/duel.yaml
obs=tests/calib/duel.observations.yaml
run() { "$SALIENT" calibrate "$f" --observations "$obs" --particles 200 --min-distinct 20 -q "$@"; }
run --out "$tmp/ref" || no "the reference calibration failed"
run --out "$tmp/k" --crash-after 2 2>/dev/null
[ -s "$tmp/k/checkpoint/calibrate" ] || no "no checkpoint after a kill"
[ -e "$tmp/k/posterior.csv" ] && no "a killed calibration wrote posterior.csv"
run --resume "$tmp/k" || no "the resume after a kill failed"
run --out "$tmp/s" --stop-after 3 2>/dev/null && no "a stopped calibration exited 0"
run --resume "$tmp/s" --threads 1 || no "the resume after a stop failed"
for d in k s; do
    for x in posterior.csv stages.csv calibration.csv quantiles.csv events.csv runs.csv results.sqlite; do
        cmp -s "$tmp/ref/$x" "$tmp/$d/$x" || no "$x differs after the resume ($d)"
    done
    [ -e "$tmp/$d/checkpoint" ] && no "the checkpoint was left after a complete resume ($d)"
done
# a checkpoint of another calibration is refused
run --out "$tmp/o" --stop-after 1 2>/dev/null
"$SALIENT" calibrate "$f" --observations "$obs" --particles 200 --min-distinct 20 --seed 9 -q \
    --resume "$tmp/o" 2>"$tmp/err"
[ $? -eq 2 ] || no "a resume with another seed was not refused with exit 2"
grep -q 'another calibration' "$tmp/err" || no "the refusal does not say why"

# too few distinct particles: exit 1, what to change
run --out "$tmp/d" --min-distinct 200 2>"$tmp/err"
[ $? -eq 1 ] || no "a degenerate calibration did not exit 1"
grep -q 'more --particles' "$tmp/err" || no "the degeneracy message does not say what to change"

# the forecast again through 'salient ensemble --posterior'
"$SALIENT" ensemble "$f" --posterior "$tmp/ref" --runs 200 -q --out "$tmp/e" || no "ensemble --posterior failed"
for x in quantiles.csv events.csv runs.csv; do
    cmp -s "$tmp/ref/$x" "$tmp/e/$x" || no "ensemble --posterior: $x differs from the calibration's"
done
# before the as-of date the runs keep the particles' paths; after, fresh streams
"$SALIENT" ensemble "$f" --posterior "$tmp/ref" --runs 400 -q --out "$tmp/e2" || no "ensemble --posterior 400 failed"
[ "$fail" -eq 0 ] && echo "calibrate_resume: ok"
exit "$fail"

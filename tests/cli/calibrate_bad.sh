#!/bin/sh
# 'salient calibrate' refuses bad usage and bad input with exit 2, a message
# saying what was expected, and nothing written.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

f=tests/calib/linear.yaml
obs=tests/calib/linear.observations.yaml
# expect CODE PATTERN ARGS...: the exit code, a message matching PATTERN, no files
expect() {
    code=$1 pat=$2
    shift 2
    rm -rf "$tmp/out"
    "$SALIENT" calibrate "$@" --out "$tmp/out" -q 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq "$code" ] || no "calibrate $*: exit $rc, expected $code"
    grep -q "$pat" "$tmp/err" || { no "calibrate $*: no '$pat' in:"; cat "$tmp/err"; }
    [ -e "$tmp/out/posterior.csv" ] && no "calibrate $*: wrote posterior.csv"
}
expect 2 'expected --observations FILE' "$f"
expect 2 'expected YYYY-MM-DD' "$f" --observations "$obs" --as-of 2024-13-45
expect 2 'outside the scenario' "$f" --observations "$obs" --as-of 2023-01-01
expect 2 'no report was made on or before' "$f" --observations "$obs" --as-of 2024-01-01
expect 2 'particles' "$f" --observations "$obs" --particles 3
printf 'observations:\n  - {metric: r9, date: 2024-01-02, value: 1, error: {normal: 1}, source: "x"}\n' \
    > "$tmp/bad.yaml"
expect 2 "bad.yaml:2:" "$f" --observations "$tmp/bad.yaml"
expect 2 'cannot read' "$f" --observations "$tmp/missing.yaml"
"$SALIENT" calibrate "$f" --observations "$obs" --resume "$tmp/none" -q 2>"$tmp/err"
[ $? -eq 2 ] || no "a resume without a checkpoint did not exit 2"
grep -q 'there is no checkpoint' "$tmp/err" || no "a resume without a checkpoint: no reason given"
# memory checked before any work
SALIENT_MEMORY_LIMIT=1000000 "$SALIENT" calibrate "$f" --observations "$obs" -q --out "$tmp/m" \
    2>"$tmp/err"
[ $? -eq 2 ] || no "a calibration over the memory limit was not refused with exit 2"
grep -q 'nothing was run' "$tmp/err" || no "the memory refusal does not say so"
[ -e "$tmp/m" ] && no "the memory refusal created the output directory"
[ "$fail" -eq 0 ] && echo "calibrate_bad: ok"
exit "$fail"

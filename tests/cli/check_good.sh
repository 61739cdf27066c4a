#!/bin/sh
# Every example scenario passes 'salient check' (exit 0, a summary line);
# --variant selects one variant; usage errors and missing files exit 2.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

for f in examples/*.yaml; do
    "$SALIENT" check "$f" > "$tmp/out" 2> "$tmp/err" || { no "$f refused"; cat "$tmp/err"; continue; }
    grep -q "^$f: ok: scenario" "$tmp/out" || no "$f: no summary line"
    [ -s "$tmp/err" ] && no "$f: wrote to stderr"
done

f=examples/every-section.yaml
"$SALIENT" check "$f" > "$tmp/out" 2>&1 || no "every-section refused"
grep -q '3 variants checked' "$tmp/out" || no "every-section: expected 3 variants checked"
grep -q '9 uncertain inputs' "$tmp/out" || no "every-section: expected 9 uncertain inputs"
"$SALIENT" check --variant no-dprk "$f" > "$tmp/out" 2>&1 || no "--variant no-dprk refused"
grep -q '1 variant checked' "$tmp/out" || no "--variant: expected 1 variant checked"
"$SALIENT" check -q "$f" > "$tmp/out" 2>&1 || no "-q refused"
[ -s "$tmp/out" ] && no "-q printed something"

"$SALIENT" check "$f" --variant no-dprc > "$tmp/out" 2> "$tmp/err"
[ $? -eq 2 ] || no "unknown variant: expected exit 2"
grep -q "unknown variant 'no-dprc'; did you mean 'no-dprk'?" "$tmp/err" || no "unknown variant: no did-you-mean"

"$SALIENT" check > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || no "no FILE: expected exit 2"
grep -q 'no scenario FILE' "$tmp/err" || no "no FILE: message"
"$SALIENT" check --bogus "$f" > /dev/null 2>&1
[ $? -eq 2 ] || no "unknown option: expected exit 2"
"$SALIENT" check "$tmp/does-not-exist.yaml" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || no "missing file: expected exit 2"
grep -q 'cannot open the file' "$tmp/err" || no "missing file: message"
"$SALIENT" help check | grep -q 'usage: salient check FILE' || no "help check"

# a scenario on standard input is not supported, but a directory is refused cleanly
"$SALIENT" check examples > /dev/null 2>&1
[ $? -eq 2 ] || no "a directory: expected exit 2"

echo "check_good: $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# Observations files (docs/observations.md) checked against a scenario:
# every malformed file in tests/bad/obs/ is refused by 'salient check
# SCENARIO --observations FILE' with exit status 2, no crash, and exactly
# the error lines of NAME.expected (as tests/cli/check_bad.sh does for
# scenarios; the scenario is tests/data/obs/toy.yaml, or the one named in
# NAME.scenario); the good file passes with its summary line; the
# observations example of docs/observations.md passes against
# examples/duel.yaml.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
root=$(cd "$(dirname "$0")/../.." && pwd)
fail=0
n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

cd "$root/tests/bad/obs" || exit 1
for f in *.yaml; do
    name=${f%.yaml}
    n=$((n + 1))
    scen=$root/tests/data/obs/toy.yaml
    [ -f "$name.scenario" ] && scen=$root/$(cat "$name.scenario")
    if [ ! -f "$name.expected" ]; then
        no "$name: no $name.expected"; continue
    fi
    "$SALIENT" check -q "$scen" --observations "$f" > "$tmp/out" 2> "$tmp/err"
    st=$?
    if [ "$st" -ne 2 ]; then
        no "$name: exit status $st, expected 2"; cat "$tmp/err"; continue
    fi
    if grep -q -e 'AddressSanitizer' -e 'runtime error' -e 'Segmentation' "$tmp/err"; then
        no "$name: crashed"; cat "$tmp/err"; continue
    fi
    [ -s "$tmp/out" ] && no "$name: wrote to stdout"
    grep ': error: ' "$tmp/err" | sort > "$tmp/got"
    sort "$name.expected" > "$tmp/want"
    if ! cmp -s "$tmp/got" "$tmp/want"; then
        no "$name: error lines differ (< expected, > got)"
        diff "$tmp/want" "$tmp/got"
    fi
done
[ "$n" -ge 25 ] || no "only $n files in tests/bad/obs, expected at least 25"

cd "$root" || exit 1
good=tests/data/obs/toy.observations.yaml
"$SALIENT" check tests/data/obs/toy.yaml --observations "$good" > "$tmp/out" 2> "$tmp/err" ||
    { no "$good refused"; cat "$tmp/err"; }
grep -q "^$good: ok: 8 reports (6 of metrics, 2 of events) on scenario 'toy'; 1 bias unknown; last day described 20, last reported 44$" "$tmp/out" ||
    { no "$good: summary line"; cat "$tmp/out"; }
[ -s "$tmp/err" ] && no "$good: wrote to stderr"
"$SALIENT" check -q tests/data/obs/toy.yaml --observations "$good" > "$tmp/out" 2>&1 || no "-q refused"
[ -s "$tmp/out" ] && no "-q printed something"

# a missing file, a missing argument
"$SALIENT" check tests/data/obs/toy.yaml --observations "$tmp/none.yaml" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || no "missing observations file: expected exit 2"
grep -q "none.yaml: error: cannot open the file: .*; expected a readable observations file" "$tmp/err" ||
    { no "missing file: message"; cat "$tmp/err"; }
"$SALIENT" check tests/data/obs/toy.yaml --observations > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || no "--observations without FILE: expected exit 2"
grep -q "needs a FILE" "$tmp/err" || { no "--observations without FILE: message"; cat "$tmp/err"; }

# the example of docs/observations.md (the yaml block after the marker)
awk '/<!-- duel-observations -->/ { on = 1; next } on && /^```yaml$/ { inb = 1; next }
     inb && /^```$/ { exit } inb { print }' docs/observations.md > "$tmp/duel.obs.yaml"
if [ ! -s "$tmp/duel.obs.yaml" ]; then
    no "docs/observations.md: no example for examples/duel.yaml"
else
    "$SALIENT" check -q examples/duel.yaml --observations "$tmp/duel.obs.yaml" ||
        no "the example of docs/observations.md is refused"
fi

# the real reports of "Every form" in docs/observations.md, against the flagship
# (once the flagship is simulated from August 2024 and has its observations file)
if [ -f scenarios/kursk-2024.observations.yaml ]; then
    "$SALIENT" check -q scenarios/kursk-2024.yaml --observations scenarios/kursk-2024.observations.yaml ||
        no "scenarios/kursk-2024.observations.yaml is refused"
    {
        echo "observations:"
        awk '/^## Every form/ { on = 1 } /^## Semantics/ { on = 0 } on' docs/observations.md |
            awk '/^```yaml$/ { inb = 1; next } /^```$/ { inb = 0; next } inb'
    } > "$tmp/forms.yaml"
    [ "$(grep -c -e '^  - metric:' -e '^  - event:' "$tmp/forms.yaml")" -ge 8 ] ||
        no "docs/observations.md: fewer than 8 examples under 'Every form'"
    "$SALIENT" check -q scenarios/kursk-2024.yaml --observations "$tmp/forms.yaml" ||
        no "the examples of 'Every form' in docs/observations.md are refused by the flagship"
fi

echo "check_obs: $n bad files, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# Every malformed scenario in tests/bad/ is refused by 'salient check' with
# exit status 2, no crash, and exactly the error lines of NAME.expected (each
# expected line must appear on stderr, and no other error line may).  An
# optional NAME.args holds extra arguments (e.g. --variant).
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../bad" || exit 1
fail=0
n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in *.yaml; do
    name=${f%.yaml}
    n=$((n + 1))
    args=""
    [ -f "$name.args" ] && args=$(cat "$name.args")
    if [ ! -f "$name.expected" ]; then
        echo "FAIL $name: no $name.expected"; fail=$((fail + 1)); continue
    fi
    # shellcheck disable=SC2086
    "$SALIENT" check "$f" $args > "$tmp/out" 2> "$tmp/err"
    st=$?
    if [ "$st" -ne 2 ]; then
        echo "FAIL $name: exit status $st, expected 2"; cat "$tmp/err"; fail=$((fail + 1)); continue
    fi
    if grep -q -e 'AddressSanitizer' -e 'runtime error' -e 'Segmentation' "$tmp/err"; then
        echo "FAIL $name: crashed"; cat "$tmp/err"; fail=$((fail + 1)); continue
    fi
    grep ': error: ' "$tmp/err" | sort > "$tmp/got"
    sort "$name.expected" > "$tmp/want"
    if ! cmp -s "$tmp/got" "$tmp/want"; then
        echo "FAIL $name: error lines differ (< expected, > got)"
        diff "$tmp/want" "$tmp/got"
        fail=$((fail + 1))
    fi
done
if [ "$n" -lt 45 ]; then
    echo "FAIL: only $n files in tests/bad, expected at least 45"; fail=$((fail + 1))
fi
echo "check_bad: $n files, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# A file whose variant is broken is refused by 'salient run' even when the run
# asks for the base: the same errors as 'salient check', exit 2, no output.
# (Regression: the base used to run while check refused the file.)
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in tests/bad/variant_breaks_ref.yaml tests/bad/cycle_variant.yaml tests/bad/variant_bad_value.yaml; do
    "$SALIENT" run "$f" --out "$tmp/o" > /dev/null 2> "$tmp/err"
    st=$?
    [ $st -eq 2 ] || { echo "FAIL: $f: run exit $st, expected 2"; fail=1; }
    [ -e "$tmp/o" ] && { echo "FAIL: $f: output written"; fail=1; rm -rf "$tmp/o"; }
    while IFS= read -r line; do
        grep -qF "$line" "$tmp/err" || { echo "FAIL: $f: missing '$line'"; cat "$tmp/err"; fail=1; }
    done < "${f%.yaml}.expected"
done
exit $fail

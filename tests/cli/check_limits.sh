#!/bin/sh
# Absurd scenarios (issue 7: a 1 GB file, nesting 10^5 deep, a 10^7-day
# horizon, absurd entity counts, a run too big for memory) are refused by
# `salient run` with exit status 2, an error at file:line:col, and no output
# directory, before any work starts.  The inputs are generated here (the
# 1 GiB file is sparse: a short head, then holes).
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
head='scenario: {name: h, start: 2024-01-01, horizon: 10, sides: [a, b]}'

# $1 = file, $2 = the expected error line (a grep -E pattern after FILE:)
refused() {
    out="$tmp/out-$(basename "$1" .yaml)"
    "$SALIENT" run "$1" --out "$out" > "$tmp/stdout" 2> "$tmp/stderr"
    st=$?
    if [ $st -ne 2 ]; then echo "FAIL $1: exit $st, expected 2"; cat "$tmp/stderr"; fail=1; fi
    if ! grep -Eq "^$1:$2" "$tmp/stderr"; then
        echo "FAIL $1: no '$1:$2' in:"; head -c 2000 "$tmp/stderr"; fail=1
    fi
    if [ -e "$out" ]; then echo "FAIL $1: output written"; fail=1; fi
    if grep -q -e 'AddressSanitizer' -e 'runtime error' "$tmp/stderr"; then
        echo "FAIL $1: crashed"; fail=1
    fi
}

# 1 GiB: byte 2^26 is on line 2, column 2^26 - (length of line 1 + 1) + 1
printf '%s\n' "$head" > "$tmp/big.yaml"
truncate -s 1G "$tmp/big.yaml"
col=$(( (1 << 26) - ${#head} - 1 + 1 ))
refused "$tmp/big.yaml" "2:$col: error: the file has 1073741824 bytes and the limit of 64 MiB"

# nesting 10^5 deep: [[[[...
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "["; for (i = 0; i < 100000; i++) printf "]"; print "" }' \
    > "$tmp/deep.yaml"
refused "$tmp/deep.yaml" "1:65: error: the document nests deeper than 64 levels"

# a 10^7-day horizon
printf 'scenario: {name: h, start: 2024-01-01, horizon: 10000000, sides: [a, b]}\n' > "$tmp/horizon.yaml"
refused "$tmp/horizon.yaml" "1:49: error: the horizon is 10000000; expected a whole number from 1 to 100000"

# 10^5 forces
{ printf '%s\nactors: {a: {side: a}, b: {side: b}}\nforces:\n' "$head"
  awk 'BEGIN { for (i = 0; i < 100000; i++) printf "  f%d: {owner: a}\n", i }'; } > "$tmp/forces.yaml"
refused "$tmp/forces.yaml" "4:3: error: the 'forces' section has 100000 entries; expected at most 10000"

# a run too big: 5,000 forces x 100,001 days
{ printf 'scenario: {name: h, start: 2024-01-01, horizon: 100000, sides: [a, b]}\n'
  printf 'actors: {a: {side: a}, b: {side: b}}\nforces:\n'
  awk 'BEGIN { for (i = 0; i < 5000; i++) printf "  f%d: {owner: a}\n", i }'; } > "$tmp/work.yaml"
refused "$tmp/work.yaml" "1:49: error: a run steps 5000 entities .* through 100001 days, 500005000 entity-days; expected at most 50000000"

# and 2,000 metrics x 10,001 days of series
{ printf 'scenario: {name: h, start: 2024-01-01, horizon: 10000, sides: [a, b]}\nmetrics:\n'
  awk 'BEGIN { for (i = 0; i < 2000; i++) printf "  m%d: day\n", i }'; } > "$tmp/series.yaml"
refused "$tmp/series.yaml" "1:49: error: a run of 10001 days records 2000 metrics a day, 20002000 values in all; expected at most 1000000"

exit $fail

#!/bin/sh
# Issue 21, hole 3: 'salient report' on a damaged results.sqlite.  Ten
# copies with 20 random bit flips each: every one is refused with exit 2
# naming the table (or failing SQLite's quick_check), or, when the flips
# touched no content (free space), gives the very same report.html; the
# earlier report.html is never changed by a refusal.  Text in a numeric
# column is refused: through the seal (the table's content hash) in a
# database of ours, and through the column checks in a hand-made one.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
flip() { # file offset: bit 2 of that byte flipped
    b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
    # shellcheck disable=SC2059
    printf "$(printf '\\%03o' $((b ^ 4)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2> /dev/null
}
d="$tmp/d"
"$SALIENT" ensemble examples/every-section.yaml --runs 200 --threads 1 -q --out "$d" || no "ensemble"
"$SALIENT" report "$d" > /dev/null || no "report of the whole database"
cp "$d/results.sqlite" "$tmp/good.sqlite"
cp "$d/report.html" "$tmp/good.html"
printf 'earlier report\n' > "$tmp/earlier.html"
size=$(wc -c < "$tmp/good.sqlite")
refused=0
for i in 1 2 3 4 5 6 7 8 9 10; do
    cp "$tmp/good.sqlite" "$d/results.sqlite"
    cp "$tmp/earlier.html" "$d/report.html"
    for off in $(awk -v s="$i" -v n="$size" 'BEGIN { srand(s); for (k = 0; k < 20; k++) print int(rand() * n) }'); do
        flip "$d/results.sqlite" "$off"
    done
    "$SALIENT" report "$d" > /dev/null 2> "$tmp/err"
    st=$?
    grep -q -e 'AddressSanitizer' -e 'runtime error' "$tmp/err" && no "flips $i: crashed"
    if [ $st -eq 0 ]; then
        cmp -s "$d/report.html" "$tmp/good.html" || no "flips $i: exit 0 with another report.html"
    else
        refused=$((refused + 1))
        [ $st -eq 2 ] || no "flips $i: exit $st, expected 2: $(cat "$tmp/err")"
        grep -q -e 'error: table [a-z_]*:' -e 'quick_check' -e 'cannot be opened as SQLite' -e 'cannot be read as SQLite' -e 'no table' "$tmp/err" ||
            no "flips $i: no table named: $(cat "$tmp/err")"
        cmp -s "$d/report.html" "$tmp/earlier.html" || no "flips $i: report.html changed by a refusal"
    fi
done
[ $refused -ge 5 ] || no "only $refused of 10 damaged databases refused"

cp "$tmp/good.sqlite" "$d/results.sqlite"
cp "$tmp/earlier.html" "$d/report.html"
sqlite3 "$d/results.sqlite" "UPDATE quantiles SET mean = 'hello' WHERE rowid = 3"
"$SALIENT" report "$d" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || no "mean = 'hello': exit not 2"
grep -q "results.sqlite: error: table quantiles: its content does not match its hash" "$tmp/err" || no "mean = 'hello': $(cat "$tmp/err")"
cmp -s "$d/report.html" "$tmp/earlier.html" || no "mean = 'hello': report.html changed"
# a database without a seal (hand-made, format 1): the column checks
sqlite3 "$d/results.sqlite" "DROP TABLE integrity; UPDATE metadata SET value = 'salient-ensemble 1' WHERE key = 'format'"
"$SALIENT" report "$d" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || no "unsealed, mean = 'hello': exit not 2"
grep -q "table quantiles: column quantiles.mean holds a value of the wrong type or out of range" "$tmp/err" || no "unsealed: $(cat "$tmp/err")"
sqlite3 "$d/results.sqlite" "UPDATE quantiles SET mean = 1 WHERE rowid = 3; UPDATE events SET probability = 3 WHERE rowid = 1"
"$SALIENT" report "$d" > /dev/null 2> "$tmp/err"
grep -q "column events.probability holds a value of the wrong type or out of range" "$tmp/err" || no "probability 3: $(cat "$tmp/err")"
# ours without its seal is refused
cp "$tmp/good.sqlite" "$d/results.sqlite"
sqlite3 "$d/results.sqlite" "DROP TABLE integrity"
"$SALIENT" report "$d" > /dev/null 2> "$tmp/err"
grep -q "table integrity: missing" "$tmp/err" || no "seal dropped: $(cat "$tmp/err")"
echo "report_damaged: $fail failed ($refused of 10 flipped databases refused)"
[ "$fail" -eq 0 ]

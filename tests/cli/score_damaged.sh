#!/bin/sh
# Issues 14 and 21: every command that reads a results.sqlite checks it as
# 'salient report' does (sal_results_verify: quick_check, the seal of table
# contents, the columns' types) before reading anything.  'salient score' on
# an edited or bit-flipped database, as DIR or as --reference, exits 2
# naming the file and the table and leaves DIR as it was (no scores file,
# no temporary, the database not resealed); 'salient discover DIR' likewise
# writes no --out directory.  And the writers that change a database after
# sealing it (calibrate's and ensemble --posterior's as-of date) seal it
# again, so their results are read back whole by report and score.  A
# calibration's posterior.csv is set against its sealed copy in the
# database before --posterior DIR reads it.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
toy=tests/data/score/toy.yaml
obs=tests/data/score/truth.yaml
# snap DIR: every file's name and checksum (what a refusal must not change)
snap() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs cksum); }

"$SALIENT" ensemble $toy --runs 100 --observations $obs -q --out "$tmp/good" || no "ensemble"
cp -r "$tmp/good" "$tmp/ref"
"$SALIENT" score "$tmp/good" --observations $obs -q || no "score of the whole database"

# refused DIR: exit 2, the message, DIR unchanged; $1 names the case,
# $2 the expected message, then score's arguments
refused() {
    what=$1 msg=$2
    shift 2
    before=$(snap "$tmp/d")
    "$SALIENT" score "$@" > "$tmp/out" 2> "$tmp/err"
    st=$?
    [ $st -eq 2 ] || no "$what: exit $st, expected 2: $(cat "$tmp/err")"
    grep -q -e "$msg" "$tmp/err" || no "$what: not '$msg': $(cat "$tmp/err")"
    grep -q -e 'AddressSanitizer' -e 'runtime error' "$tmp/err" && no "$what: crashed"
    [ ! -s "$tmp/out" ] || no "$what: printed results: $(head -3 "$tmp/out")"
    [ "$(snap "$tmp/d")" = "$before" ] || no "$what: the directory changed"
}
fresh() { rm -rf "$tmp/d"; cp -r "$tmp/ref" "$tmp/d"; }

# a value of the paths edited (the table is WITHOUT ROWID: by its key)
fresh
sqlite3 "$tmp/d/results.sqlite" "UPDATE paths SET value = value * 2 WHERE run = (SELECT MIN(run) FROM paths)"
refused "paths edited" "results.sqlite: error: table paths: its content does not match its hash" \
    "$tmp/d" --observations $obs
[ ! -e "$tmp/d/scores.csv" ] && [ ! -e "$tmp/d/scores_summary.csv" ] || no "paths edited: a scores file"
# the same after an earlier score: its files stay as they were
cp "$tmp/good/scores.csv" "$tmp/good/scores_summary.csv" "$tmp/d/"
refused "paths edited, earlier scores" "table paths: its content does not match" \
    "$tmp/d" --observations $obs
cmp -s "$tmp/d/scores.csv" "$tmp/good/scores.csv" || no "earlier scores.csv changed"

# the metadata edited (the scenario's hash, which score trusts)
fresh
sqlite3 "$tmp/d/results.sqlite" "UPDATE metadata SET value = 'x' || value WHERE key = 'seed'"
refused "metadata edited" "table metadata: its content does not match its hash" \
    "$tmp/d" --observations $obs
# the seal dropped, text in a numeric column of a hand-made (unsealed) one
fresh
sqlite3 "$tmp/d/results.sqlite" "DROP TABLE integrity"
refused "seal dropped" "table integrity: missing" "$tmp/d" --observations $obs
fresh
sqlite3 "$tmp/d/results.sqlite" "DROP TABLE integrity; UPDATE metadata SET value = 'salient-ensemble 1' WHERE key = 'format'; UPDATE quantiles SET p50 = 'many' WHERE rowid = 2"
refused "unsealed, text in quantiles.p50" "column quantiles.p50 holds a value of the wrong type" \
    "$tmp/d" --observations $obs
# bytes overwritten in the middle of the file: whatever is hit, never exit 0
fresh
size=$(wc -c < "$tmp/d/results.sqlite")
printf 'garbage!garbage!garbage!garbage!' |
    dd of="$tmp/d/results.sqlite" bs=1 seek=$((size / 2)) conv=notrunc 2> /dev/null
refused "bytes overwritten" "results.sqlite: error: " "$tmp/d" --observations $obs
# no database at all
fresh
rm "$tmp/d/results.sqlite"
refused "no database" "cannot open the results database (No such file" "$tmp/d" --observations $obs

# a damaged reference: refused, the scored DIR unchanged
fresh
cp -r "$tmp/ref" "$tmp/d2"
sqlite3 "$tmp/d2/results.sqlite" "UPDATE paths SET value = 0 WHERE run = (SELECT MAX(run) FROM paths)"
refused "damaged reference" "d2/results.sqlite: error: table paths" \
    "$tmp/d" --observations $obs --reference "$tmp/d2"

# discover DIR on a damaged database: exit 2, no --out directory
"$SALIENT" discover "$tmp/ref" --where 'figure > 1000' --out "$tmp/disc-good" -q 2> "$tmp/err" ||
    no "discover of the whole database: $(cat "$tmp/err")"
"$SALIENT" discover "$tmp/d2" --where 'figure > 1000' --out "$tmp/disc" -q 2> "$tmp/err"
st=$?
[ $st -eq 2 ] && grep -q "d2/results.sqlite: error: table paths: its content does not match" "$tmp/err" ||
    no "discover, damaged: exit $st: $(cat "$tmp/err")"
[ ! -e "$tmp/disc" ] || no "discover, damaged: wrote $(ls "$tmp/disc")"

# calibrate and ensemble --posterior set the as-of date after sealing:
# sealed again, so report and score read their results
"$SALIENT" calibrate tests/calib/linear.yaml --observations tests/calib/linear.observations.yaml \
    --particles 200 --threads 1 -q --out "$tmp/cal" || no "calibrate"
"$SALIENT" report "$tmp/cal" > /dev/null 2> "$tmp/err" || no "report of a calibration: $(cat "$tmp/err")"
"$SALIENT" ensemble tests/calib/linear.yaml --runs 50 --posterior "$tmp/cal" -q --out "$tmp/post" 2> "$tmp/err" ||
    no "ensemble --posterior: $(cat "$tmp/err")"
"$SALIENT" report "$tmp/post" > /dev/null 2> "$tmp/err" || no "report of a forecast from a posterior: $(cat "$tmp/err")"
[ "$(sqlite3 "$tmp/post/results.sqlite" "SELECT value FROM metadata WHERE key = 'as_of'")" != "" ] ||
    no "ensemble --posterior: no as_of"

# --posterior DIR: posterior.csv set against its sealed copy in DIR's
# database; a flipped digit in either, or a damaged database, is refused
# (exit 2, the file named, no forecast written); a posterior.csv on its own
# (no database beside it) is read as it is
post() { # case message dir
    "$SALIENT" ensemble tests/calib/linear.yaml --runs 20 --posterior "$3" -q --out "$tmp/pf" 2> "$tmp/err"
    st=$?
    [ $st -eq 2 ] && grep -q -e "$2" "$tmp/err" || no "$1: exit $st: $(cat "$tmp/err")"
    [ ! -e "$tmp/pf" ] || no "$1: a forecast written"
}
cp -r "$tmp/cal" "$tmp/c1"
awk -F, -v OFS=, 'NR == 3 { $5 = $5 + 1e-9 } { print }' "$tmp/cal/posterior.csv" > "$tmp/c1/posterior.csv"
post "posterior.csv edited" "c1/posterior.csv: error: its content (200 particles) differs from the table posterior" "$tmp/c1"
cp -r "$tmp/cal" "$tmp/c2"
sqlite3 "$tmp/c2/results.sqlite" "UPDATE posterior SET weight = 0.5 WHERE rowid = 2"
post "table posterior edited" "c2/results.sqlite: error: table posterior: its content does not match" "$tmp/c2"
cp -r "$tmp/cal" "$tmp/c3"
rm "$tmp/c3/results.sqlite"
"$SALIENT" ensemble tests/calib/linear.yaml --runs 20 --posterior "$tmp/c3" -q --out "$tmp/p3" 2> "$tmp/err" ||
    no "a posterior.csv on its own: $(cat "$tmp/err")"

echo "score_damaged: $fail failed"
[ "$fail" -eq 0 ]

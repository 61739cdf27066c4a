#!/bin/sh
# 'salient fit' on the shared datasets (../shared/data/README.md):
#   Iwo Jima --law square recovers Engel's a = 0.0544, b = 0.0106 within 0.5%,
#   and its SSE is below the linear and log laws' SSE;
#   the Poisson duel --law square recovers a = 0.020, b = 0.030 within 5%;
# the JSON keys, --out (columns, rows, observed values, whole-file rename),
# the built-in series equal to the CSV, the built-in fit's printout, --bootstrap.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
: "${SALIENT_DATA:?set SALIENT_DATA to ../shared/data}"
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
# jget KEY < json: the first (top-level) value of "KEY"
jget() { awk -v k="\"$1\": " '{ i = index($0, k); if (!i) exit 1; s = substr($0, i + length(k)); sub(/[,}\]].*/, "", s); print s; exit }'; }
# within X TRUTH RELTOL
within() { awk -v x="$1" -v t="$2" -v r="$3" 'BEGIN { d = x / t - 1; exit !(x != "" && d <= r && -d <= r) }'; }
lt() { awk -v x="$1" -v y="$2" 'BEGIN { exit !(x + 0 < y + 0) }'; }

iwo=$SALIENT_DATA/iwojima-engel.csv
duel=$SALIENT_DATA/duel-square-poisson.csv

for law in square linear log free; do
    "$SALIENT" fit "$iwo" --law $law --json > "$tmp/iwo-$law.json" 2> "$tmp/err" || { no "iwojima --law $law exit $?"; cat "$tmp/err"; }
    [ -s "$tmp/err" ] && { no "iwojima --law $law wrote to stderr"; cat "$tmp/err"; }
    [ "$(wc -l < "$tmp/iwo-$law.json")" -eq 1 ] || no "iwojima $law: JSON is not one line"
    [ "$(jget law < "$tmp/iwo-$law.json")" = "\"$law\"" ] || no "iwojima $law: law key"
done
j=$tmp/iwo-square.json
for k in a b p q se_a se_b se_p se_q sse r2 n converged; do
    v=$(jget $k < "$j") || no "JSON key $k missing"
done
a=$(jget a < "$j"); b=$(jget b < "$j")
within "$a" 0.0544 0.005 || no "iwojima a = $a, expected 0.0544 within 0.5%"
within "$b" 0.0106 0.005 || no "iwojima b = $b, expected 0.0106 within 0.5%"
[ "$(jget converged < "$j")" = true ] || no "iwojima: not converged"
[ "$(jget n < "$j")" = 72 ] || no "iwojima: n = $(jget n < "$j"), expected 72"
[ "$(jget p < "$j")" = 1 ] && [ "$(jget q < "$j")" = 0 ] || no "square law exponents"
[ "$(jget se_p < "$j")" = 0 ] || no "fixed exponent has a standard error"
lt 0 "$(jget se_a < "$j")" || no "se_a not positive"
sse=$(jget sse < "$j")
lt "$sse" "$(jget sse < "$tmp/iwo-linear.json")" || no "square SSE $sse not below linear"
lt "$sse" "$(jget sse < "$tmp/iwo-log.json")" || no "square SSE $sse not below log"
lt 0.99999 "$(jget r2 < "$j")" || no "iwojima R^2"
# the free law finds the square law's exponents
within "$(jget p < "$tmp/iwo-free.json")" 1 0.01 || no "free p on Iwo Jima"
awk -v q="$(jget q < "$tmp/iwo-free.json")" 'BEGIN { exit !(q < 0.01 && q >= 0) }' || no "free q on Iwo Jima"

"$SALIENT" fit "$duel" --json > "$tmp/duel.json" || no "duel exit $?"
within "$(jget a < "$tmp/duel.json")" 0.020 0.05 || no "duel a = $(jget a < "$tmp/duel.json"), expected 0.020 within 5%"
within "$(jget b < "$tmp/duel.json")" 0.030 0.05 || no "duel b = $(jget b < "$tmp/duel.json"), expected 0.030 within 5%"
[ "$(jget law < "$tmp/duel.json")" = '"square"' ] || no "default law is not square"

# --bootstrap: keys, and the same numbers from the same seed
"$SALIENT" fit "$duel" --json --bootstrap 40 --seed 3 > "$tmp/b1.json" || no "--bootstrap exit $?"
"$SALIENT" fit "$duel" --json --bootstrap 40 --seed 3 > "$tmp/b2.json" || no "--bootstrap exit $?"
grep -q '"bootstrap": {"replicates": 40, "seed": 3, "failed": 0, "se_a": ' "$tmp/b1.json" || no "bootstrap keys"
cmp -s "$tmp/b1.json" "$tmp/b2.json" || no "bootstrap not reproducible from its seed"

# --out: header, one row per day, observed columns equal to the CSV
"$SALIENT" fit "$iwo" --out "$tmp/series.csv" > "$tmp/report" || no "--out exit $?"
[ "$(head -n 1 "$tmp/series.csv")" = "day,A_obs,B_obs,A_fit,B_fit" ] || no "--out header"
[ "$(wc -l < "$tmp/series.csv")" -eq 38 ] || no "--out rows"
awk -F, 'NR > 1 { print $1 "," $2 "," $3 }' "$tmp/series.csv" > "$tmp/obs"
awk -F, 'NR > 1 { print $1 "," $2 "," $3 }' "$iwo" > "$tmp/want"
cmp -s "$tmp/obs" "$tmp/want" || no "--out observed columns differ from the CSV"
# fitted values within 2 soldiers of Engel's rounded model everywhere
awk -F, 'NR > 1 && (($4 - $2) > 2 || ($2 - $4) > 2 || ($5 - $3) > 2 || ($3 - $5) > 2) { bad = 1 } END { exit bad }' \
    "$tmp/series.csv" || no "--out fitted series far from the data"
ls -A "$tmp" | grep -q '^\.series' && no "temporary file left behind"

# the built-in series is the CSV: same observed columns, same fit
"$SALIENT" fit --builtin iwojima --out "$tmp/builtin.csv" --json > "$tmp/builtin.json" || no "--builtin exit $?"
cmp -s "$tmp/builtin.csv" "$tmp/series.csv" || no "built-in Iwo Jima differs from iwojima-engel.csv"
[ "$(jget a < "$tmp/builtin.json")" = "$a" ] || no "built-in fit differs from the file's"

# Engel's fit (the main job before the flagship study, still one command):
# coefficients with errors, the law comparison
"$SALIENT" fit --builtin iwojima > "$tmp/default" 2> "$tmp/err" || no "default job exit $?"
[ -s "$tmp/err" ] && no "default job wrote to stderr"
grep -q 'Iwo Jima' "$tmp/default" || no "default job: no title"
grep -q 'Engel' "$tmp/default" || no "default job: no citation"
within "$(awk '$1 == "a" { print $2; exit }' "$tmp/default")" 0.0544 0.005 || no "default job: a"
within "$(awk '$1 == "b" { print $2; exit }' "$tmp/default")" 0.0106 0.005 || no "default job: b"
grep -Eq '^  a +[0-9.e-]+ +[0-9.e-]+ +\(' "$tmp/default" || no "default job: a without its standard error"
for law in square linear log free; do
    grep -Eq "^[ *] $law " "$tmp/default" || no "default job: no $law row"
done
grep -q 'lowest SSE of the classic laws' "$tmp/default" || no "default job: no verdict"
grep -E '^\* square .*lowest SSE' "$tmp/default" > /dev/null || no "default job: square is not the best"
[ "$(wc -l < "$tmp/default")" -le 30 ] || no "default job longer than a screen"

echo "fit_datasets: $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# 'salient compare': a variant against itself differs by exactly zero; common
# random numbers reduce the variance of a small change by far more than 1;
# the same bytes for 1 and 2 threads; events; usage and bad input.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

f=examples/every-section.yaml
"$SALIENT" compare "$f" --variant base --variant base --runs 300 -q --out "$tmp/self" || no "self compare"
head -n 1 "$tmp/self/compare.csv" | grep -qx 'kind,name,day,date,a,b,diff_mean,diff_p05,diff_p50,diff_p95,var_crn,var_independent,variance_reduction' \
    || no "compare.csv header"
# 9 metrics x 121 days + 8 events + header
[ "$(wc -l < "$tmp/self/compare.csv")" -eq 1098 ] || no "rows: $(wc -l < "$tmp/self/compare.csv")"
awk -F, 'NR > 1 && $1 == "metric" && ($7 != 0 || $8 != 0 || $9 != 0 || $10 != 0 || $5 != $6) { bad = 1 }
         NR > 1 && $1 == "event" && ($7 != 0 || $5 != $6) { bad = 1 }
         NR > 1 && $11 != "" && $11 != 0 { bad = 1 } END { exit bad }' "$tmp/self/compare.csv" \
    || no "a variant against itself does not differ by exactly 0"

# a duel and a small change: CRN variance reduction well above 1
cat > "$tmp/duel.yaml" <<'Y'
scenario: {name: crn-duel, start: 2024-11-01, horizon: 30, seed: 11, sides: [blue, red]}
parameters:
  a: {uniform: [0.01, 0.03]}
actors:
  blue: {side: blue}
  red: {side: red}
forces:
  B: {owner: blue, sector: s, role: assault, strength: 5000, exposure: 1}
  R: {owner: red, sector: s, role: defence, strength: 4000, exposure: 1}
sectors:
  s:
    posture: {blue: attack, red: hold}
    defence: 1
    attrition:
      law: square
      coefficients:
        blue: {param: a}
        red: 0.02
      noise: poisson
metrics:
  blue: strength(B)
  red: strength(R)
variants:
  more-red:
    set:
      forces:
        R: {strength: 4200}
Y
"$SALIENT" compare "$tmp/duel.yaml" --variant more-red --runs 1000 --threads 1 --out "$tmp/d1" > "$tmp/out" || no "duel compare"
grep -q 'base (A) vs more-red (B), 1000 runs' "$tmp/out" || { no "summary"; cat "$tmp/out"; }
grep -q 'variance reduction' "$tmp/out" || no "summary: variance reduction"
awk -F, '$1 == "metric" && $3 == 30 { n++; if (!($13 > 5)) bad = 1 } END { exit bad || n != 2 }' "$tmp/d1/compare.csv" \
    || { no "CRN variance reduction not > 5"; grep ',30,' "$tmp/d1/compare.csv"; }
"$SALIENT" compare "$tmp/duel.yaml" --variant base --variant more-red --runs 1000 --threads 2 -q --out "$tmp/d2" || no "2 threads"
cmp -s "$tmp/d1/compare.csv" "$tmp/d2/compare.csv" || no "compare.csv differs between 1 and 2 threads"
ls -A "$tmp/d1" | grep -q '^\.' && no "temporary files left"

# the North Korean deployment removed: the whole strength is the difference
"$SALIENT" compare "$f" --variant no-dprk --runs 200 -q --out "$tmp/n" || no "no-dprk"
grep -q '^metric,dprk_strength,120,2025-03-01,[0-9.]*,0,-' "$tmp/n/compare.csv" || no "no-dprk row"
grep -q '^event,treaty-in-force,120,2025-03-01,1,1,0,,,,0,0,$' "$tmp/n/compare.csv" || no "certain event row"

# usage and bad input
"$SALIENT" help compare | grep -q '^usage: salient compare FILE' || no "help"
"$SALIENT" compare "$f" --runs 10 > /dev/null 2>&1; [ $? -eq 2 ] || no "no variant: exit 2"
"$SALIENT" compare "$f" -v a -v b -v c > /dev/null 2>&1; [ $? -eq 2 ] || no "three variants: exit 2"
"$SALIENT" compare "$f" --variant nope --out "$tmp/x" > /dev/null 2> "$tmp/err"; [ $? -eq 2 ] || no "unknown variant: exit 2"
[ -e "$tmp/x" ] && no "unknown variant: output written"
printf 'scenario: {name: x, start: 2024-11-01, horizon: 10, sides: [a, b]\n' > "$tmp/cut.yaml"
"$SALIENT" compare "$tmp/cut.yaml" --variant v --out "$tmp/y" > /dev/null 2> "$tmp/err"; [ $? -eq 2 ] || no "bad file: exit 2"
grep -q "^$tmp/cut.yaml:[0-9]*:[0-9]*: error:" "$tmp/err" || no "bad file: file:line:col"
[ -e "$tmp/y" ] && no "bad file: output written"

echo "compare_basic: $fail failed"
[ "$fail" -eq 0 ]

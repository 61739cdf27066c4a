#!/bin/sh
# 'salient sensitivity' on the Ishigami function (examples/ishigami.yaml) at
# N = 2^14: the indices match the analytic values within 0.02 (the issue's
# criterion; the estimates are within 0.001, see docs/sensitivity.md), the
# intervals hold the estimates, and the bytes of sobol.csv are the same for
# 1, 2 and 3 threads and in the mean-field mode (the function has no noise).
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

"$SALIENT" sensitivity examples/ishigami.yaml --metric ishigami --base 16384 --threads 1 \
    --out "$tmp/t1" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 0 ] || { no "exit status"; cat "$tmp/err"; }
[ -s "$tmp/err" ] && { no "stderr not empty"; cat "$tmp/err"; }
cat "$tmp/out"
grep -q "81920 runs" "$tmp/out" || no "table: run count"
grep -q "^  parameters.x3 " "$tmp/out" || no "table: input rows"
grep -q "^  noise  *-*0\.0" "$tmp/out" || no "table: noise share about 0 (no noise in the function)"
[ "$(head -n 1 "$tmp/t1/sobol.csv")" = "input,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi" ] || no "csv header"
[ "$(wc -l < "$tmp/t1/sobol.csv")" -eq 4 ] || no "csv: 3 rows"

# analytic (a = 7, b = 0.1): S1 = 0.3139 0.4424 0, ST = 0.5576 0.4424 0.2437
awk -F, 'NR > 1 {
    split("0.3139 0.4424 0.0000", s1, " "); split("0.5576 0.4424 0.2437", st, " ");
    i = NR - 1
    if ($1 != "parameters.x" i) { print "FAIL: row " i " is " $1; bad = 1 }
    d1 = $2 - s1[i]; dt = $5 - st[i]
    if (d1 < -0.02 || d1 > 0.02) { print "FAIL: S1 of " $1 " = " $2 ", expected " s1[i]; bad = 1 }
    if (dt < -0.02 || dt > 0.02) { print "FAIL: ST of " $1 " = " $5 ", expected " st[i]; bad = 1 }
    if (!($3 <= $2 && $2 <= $4 && $6 <= $5 && $5 <= $7)) { print "FAIL: interval of " $1; bad = 1 }
    if ($4 - $3 > 0.1 || $7 - $6 > 0.1) { print "FAIL: interval too wide for " $1; bad = 1 }
} END { exit bad }' "$tmp/t1/sobol.csv" || no "indices off the analytic values"

for t in 2 3; do
    "$SALIENT" sensitivity examples/ishigami.yaml -m ishigami -n 16384 -t $t -o "$tmp/t$t" -q \
        || no "threads $t: exit status"
    cmp "$tmp/t1/sobol.csv" "$tmp/t$t/sobol.csv" || no "threads $t: different bytes"
done
"$SALIENT" sensitivity examples/ishigami.yaml -m ishigami -n 16384 --deterministic -o "$tmp/det" -q \
    || no "deterministic: exit status"
cmp "$tmp/t1/sobol.csv" "$tmp/det/sobol.csv" || no "deterministic: different bytes"
"$SALIENT" sensitivity examples/ishigami.yaml -m ishigami -n 64 --deterministic -o "$tmp/d64" \
    | grep -q "^  noise" && no "deterministic: a noise line"
# another seed changes only the bootstrap: the same point estimates
"$SALIENT" sensitivity examples/ishigami.yaml -m ishigami -n 16384 --seed 9 --day 0 -o "$tmp/s9" -q \
    || no "seed 9: exit status"
cut -d, -f1,2,5 "$tmp/t1/sobol.csv" > "$tmp/a"
cut -d, -f1,2,5 "$tmp/s9/sobol.csv" > "$tmp/b"
cmp "$tmp/a" "$tmp/b" || no "seed: point estimates changed"
cmp -s "$tmp/t1/sobol.csv" "$tmp/s9/sobol.csv" && no "seed: bootstrap intervals did not change"
# no bootstrap: empty interval fields
"$SALIENT" sensitivity examples/ishigami.yaml -m ishigami -n 1024 -b 0 -o "$tmp/b0" -q || no "-b 0"
grep -q '^parameters.x1,[^,]*,,,[^,]*,,$' "$tmp/b0/sobol.csv" || { no "-b 0: empty intervals"; cat "$tmp/b0/sobol.csv"; }

[ $fail -eq 0 ] && echo "sensitivity_ishigami: ok"
exit $fail

#!/bin/sh
# 'salient calibrate' against a closed form (issue 15, docs/calibration.md):
# tests/calib/linear.yaml has two normal inputs and five metrics linear in
# them, reported on five dates with normal errors; the posterior is normal,
#   P = S0^-1 + A^T R^-1 A,  mean = P^-1 (S0^-1 m0 + A^T R^-1 (y - c)),
# computed here independently of the sampler.  Tolerances: each posterior
# mean within 0.1 posterior sd, each sd within 10%, the correlation within
# 0.1, with >= 1,000 distinct particles at the end.  Also: the bytes are the
# same for 1 and 2 threads; and a report made after --as-of changes nothing.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

f=tests/calib/linear.yaml
obs=tests/calib/linear.observations.yaml
"$SALIENT" calibrate "$f" --observations "$obs" --particles 2000 --threads 2 -q \
    --out "$tmp/a" || no "calibrate failed"
awk -F, '
function truth(   i, v, det) {
    # prior N(1, 2^2), N(-2, 1.5^2); reports y = a . theta + c + N(0, s^2)
    P11 = 1 / 4; P22 = 1 / 2.25; P12 = 0; b1 = 1 / 4; b2 = -2 / 2.25
    split("1 0 1 1 2", A1, " "); split("0 1 1 -0.5 1", A2, " ")
    split("20 23 19 20.5 22", C, " "); split("22.1 20.7 20.2 22.9 24.1", Y, " ")
    split("1 0.8 1.2 1.5 2", S, " ")
    for (i = 1; i <= 5; i++) {
        v = S[i] * S[i]
        P11 += A1[i] * A1[i] / v; P22 += A2[i] * A2[i] / v; P12 += A1[i] * A2[i] / v
        b1 += A1[i] * (Y[i] - C[i]) / v; b2 += A2[i] * (Y[i] - C[i]) / v
    }
    det = P11 * P22 - P12 * P12
    V11 = P22 / det; V22 = P11 / det; V12 = -P12 / det
    M1 = V11 * b1 + V12 * b2; M2 = V12 * b1 + V22 * b2
}
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
{ w = $col["weight"]; x = $col["parameters.t1"]; y = $col["parameters.t2"]
  sw += w; s1 += w * x; s2 += w * y; s11 += w * x * x; s22 += w * y * y; s12 += w * x * y }
END {
    truth()
    m1 = s1 / sw; m2 = s2 / sw
    v1 = s11 / sw - m1 * m1; v2 = s22 / sw - m2 * m2; c = s12 / sw - m1 * m2
    r = c / sqrt(v1 * v2); R = V12 / sqrt(V11 * V22)
    printf "t1 mean %.4f (exact %.4f) sd %.4f (%.4f); t2 mean %.4f (%.4f) sd %.4f (%.4f); corr %.3f (%.3f)\n",
        m1, M1, sqrt(v1), sqrt(V11), m2, M2, sqrt(v2), sqrt(V22), r, R
    bad = 0
    if ((m1 - M1) ^ 2 > 0.01 * V11 || (m2 - M2) ^ 2 > 0.01 * V22) bad = 1
    if (sqrt(v1) < 0.9 * sqrt(V11) || sqrt(v1) > 1.1 * sqrt(V11)) bad = 1
    if (sqrt(v2) < 0.9 * sqrt(V22) || sqrt(v2) > 1.1 * sqrt(V22)) bad = 1
    if (r - R > 0.1 || R - r > 0.1) bad = 1
    exit bad
}' "$tmp/a/posterior.csv" || no "the posterior is not the closed form's"
awk -F, 'END { exit !($4 >= 1000) }' "$tmp/a/stages.csv" || no "fewer than 1000 distinct particles"
grep -q 'cannot reproduce' "$tmp/a/calibration.csv" && no "a report flagged"
# results.sqlite: the forecast's tables, the calibration's, and the as-of date for 'salient score'
[ "$(sqlite3 "$tmp/a/results.sqlite" "SELECT value FROM metadata WHERE key = 'as_of';
    SELECT count(*) FROM posterior; SELECT count(*) FROM calibration;
    SELECT count(*) FROM stages WHERE stage = 0" | tr '\n' ' ')" = "2024-01-06 2000 5 1 " ] \
    || no "results.sqlite lacks the as-of date or a calibration table"

# threads: the same bytes
"$SALIENT" calibrate "$f" --observations "$obs" --particles 2000 --threads 1 -q \
    --out "$tmp/b" || no "calibrate --threads 1 failed"
for x in posterior.csv stages.csv calibration.csv quantiles.csv events.csv runs.csv results.sqlite; do
    cmp -s "$tmp/a/$x" "$tmp/b/$x" || no "$x differs between 1 and 2 threads"
done

# as-of honoured: a report made after the as-of date changes nothing (its
# own row of calibration.csv, a 'test' row, aside)
cp "$obs" "$tmp/later.yaml"
echo '  - {metric: r1, date: 2024-01-07, value: 40, error: {normal: 0.5}, source: "a later report"}' \
    >> "$tmp/later.yaml"
for o in "$obs" "$tmp/later.yaml"; do
    n=$(basename "$o" .yaml)
    "$SALIENT" calibrate "$f" --observations "$o" --as-of 2024-01-06 --particles 300 -q \
        --min-distinct 50 --out "$tmp/$n" || no "calibrate on $o failed"
done
for x in posterior.csv stages.csv quantiles.csv events.csv runs.csv; do
    cmp -s "$tmp/linear.observations/$x" "$tmp/later/$x" || no "a later report changed $x"
done
head -6 "$tmp/later/calibration.csv" | cmp -s - "$tmp/linear.observations/calibration.csv" \
    || no "a later report changed the rows of the others in calibration.csv"
grep -q '^r1@2024-01-07,r1,2024-01-07,test,' "$tmp/later/calibration.csv" \
    || no "the later report is not a test row"
[ "$fail" -eq 0 ] && echo "calibrate_closed_form: ok"
exit "$fail"

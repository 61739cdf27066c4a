#!/bin/sh
# 'salient fit' recovers the known coefficients of the generated battles in
# tests/data/gen (README.md there): other laws than the shared datasets',
# reinforcements on both sides, A0 = 0, free exponents.  Poisson battles:
# within 4 bootstrap standard errors (100 replicates) and 8%; the
# deterministic free-law battle: within 1e-5.  The generating law has the
# lowest SSE of the three classic laws.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../data/gen" || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
# jget KEY < json: the first value of "KEY" after the text AFTER (default: start)
jget() { awk -v k="\"$1\": " -v after="${2:-}" '{ s = $0; if (after != "") { i = index(s, after); if (!i) exit 1; s = substr(s, i) }
    i = index(s, k); if (!i) exit 1; s = substr(s, i + length(k)); sub(/[,}\]].*/, "", s); print s; exit }'; }
within() { awk -v x="$1" -v t="$2" -v r="$3" 'BEGIN { d = x / t - 1; exit !(x != "" && d <= r && -d <= r) }'; }
near() { awk -v x="$1" -v t="$2" -v s="$3" 'BEGIN { d = x - t; exit !(x != "" && s != "" && d <= 4 * s && -d <= 4 * s) }'; }
lt() { awk -v x="$1" -v y="$2" 'BEGIN { exit !(x + 0 < y + 0) }'; }

noisy() { # file law a b
    "$SALIENT" fit "$1" --law "$2" --json --bootstrap 100 --seed 1 > "$tmp/j" 2> "$tmp/err" || { no "$1: exit $?"; cat "$tmp/err"; return; }
    a=$(jget a < "$tmp/j"); b=$(jget b < "$tmp/j")
    sa=$(jget se_a '"bootstrap"' < "$tmp/j"); sb=$(jget se_b '"bootstrap"' < "$tmp/j")
    near "$a" "$3" "$sa" || no "$1: a = $a, expected $3 within 4 x $sa"
    near "$b" "$4" "$sb" || no "$1: b = $b, expected $4 within 4 x $sb"
    within "$a" "$3" 0.08 || no "$1: a = $a, expected $3 within 8%"
    within "$b" "$4" 0.08 || no "$1: b = $b, expected $4 within 8%"
    [ "$(jget failed '"bootstrap"' < "$tmp/j")" = 0 ] || no "$1: bootstrap fits failed"
    own=$(jget sse "{\"law\": \"$2\"" < "$tmp/j")
    for other in square linear log; do
        [ "$other" = "$2" ] && continue
        lt "$own" "$(jget sse "{\"law\": \"$other\"" < "$tmp/j")" || no "$1: $2 SSE $own not below $other"
    done
}
noisy linear-reinf-poisson.csv linear 2e-6 3e-6
noisy log-a0-poisson.csv log 0.03 0.02
noisy square-reinf-poisson.csv square 0.03 0.015

"$SALIENT" fit free-0.7-0.4.csv --law free --json > "$tmp/j" || no "free: exit $?"
within "$(jget a < "$tmp/j")" 0.0084 1e-5 || no "free: a = $(jget a < "$tmp/j")"
within "$(jget b < "$tmp/j")" 0.0091 1e-5 || no "free: b = $(jget b < "$tmp/j")"
within "$(jget p < "$tmp/j")" 0.7 1e-5 || no "free: p = $(jget p < "$tmp/j")"
within "$(jget q < "$tmp/j")" 0.4 1e-5 || no "free: q = $(jget q < "$tmp/j")"

echo "fit_generated: $fail failed"
[ "$fail" -eq 0 ]

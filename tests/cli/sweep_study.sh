#!/bin/sh
# The temporaries of a killed 'salient theses' or 'salient report' are swept
# by the next one, like every other writer's (kill_writers.sh): a dead
# writer's .NAME.PID.XXXXXX of every name these commands write is removed, a
# live writer's is kept.  (theses and report once never swept, so a study
# killed while writing left its temporaries for good.)
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
live=
trap 'rm -rf "$tmp"; [ -n "$live" ] && kill $live 2> /dev/null' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

names="quantiles.csv events.csv runs.csv compare.csv sobol.csv theses.csv results.sqlite PARTIAL report.html"
sleep 60 &
live=$!
mkdir -p "$tmp/t"
for n in $names; do
    : > "$tmp/t/.$n.999999999.AbCdEf"
    : > "$tmp/t/.$n.$live.AbCdEf"
done
"$SALIENT" theses tests/study/every-section.theses.yaml --runs 40 -q --out "$tmp/t" \
    || no "theses beside dead temporaries: exit $?"
for n in $names; do
    [ -e "$tmp/t/.$n.999999999.AbCdEf" ] && no "theses kept a dead writer's .$n temporary"
    [ -e "$tmp/t/.$n.$live.AbCdEf" ] || no "theses removed a live writer's .$n temporary"
done
[ -s "$tmp/t/theses.csv" ] || no "theses wrote no theses.csv"

: > "$tmp/t/.report.html.999999999.AbCdEf"
"$SALIENT" report "$tmp/t" > /dev/null || no "report beside a dead temporary: exit $?"
[ -e "$tmp/t/.report.html.999999999.AbCdEf" ] && no "report kept a dead writer's temporary"
[ -e "$tmp/t/.report.html.$live.AbCdEf" ] || no "report removed a live writer's temporary"
[ -s "$tmp/t/report.html" ] || no "report wrote no report.html"

echo "sweep_study: $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# 'salient theses' and the main job: every file the same bytes for 1 and 2
# threads; a bad theses file refused with file:line:col and exit 2, nothing
# written; Ctrl-C (--stop-after) gives partial files marked PARTIAL, exit 1;
# --markdown; 'salient' alone writes salient-out/ with every file.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

f=tests/study/every-section.theses.yaml
files="quantiles.csv events.csv runs.csv compare.csv sobol.csv theses.csv results.sqlite"
for t in 1 2; do
    "$SALIENT" theses "$f" --runs 150 --threads $t -q --out "$tmp/t$t" || no "--threads $t exit $?"
done
for x in $files; do
    [ -s "$tmp/t1/$x" ] || no "no $x"
    cmp -s "$tmp/t1/$x" "$tmp/t2/$x" || no "$x differs between 1 and 2 threads"
done
[ -e "$tmp/t1/PARTIAL" ] && no "a complete study marked PARTIAL"
# the tables of the study contract
for tab in metadata quantiles events runs event_curve variants variant_quantiles variant_events \
           compare sobol theses parameters; do
    n=$(sqlite3 "$tmp/t1/results.sqlite" "SELECT count(*) FROM $tab" 2>/dev/null)
    [ "${n:-0}" -gt 0 ] || no "table $tab missing or empty"
done
[ "$(sqlite3 "$tmp/t1/results.sqlite" "SELECT value FROM metadata WHERE key = 'study'")" = 1 ] \
    || no "metadata study != 1"
[ "$(sqlite3 "$tmp/t1/results.sqlite" "SELECT count(*) FROM variants")" = 3 ] || no "not 3 variants"
sqlite3 "$tmp/t1/results.sqlite" "SELECT verdict FROM theses" | grep -qvE '^(supported|contradicted|uncertain)$' \
    && no "a verdict outside supported/contradicted/uncertain"
[ "$(sed -n 1p "$tmp/t1/theses.csv")" = "id,seed,claim,test,expect,value,lo,hi,probability,verdict,summary" ] \
    || no "theses.csv header"
[ "$(head -c 8 "$tmp/t1/compare.csv")" = "variant," ] || no "compare.csv has no variant column"
[ "$(head -c 7 "$tmp/t1/sobol.csv")" = "metric," ] || no "sobol.csv has no metric column"
# the base's quantiles and events are those of 'salient ensemble' with the same runs
"$SALIENT" ensemble examples/every-section.yaml --runs 150 -q --out "$tmp/ens" || no "ensemble"
cmp -s "$tmp/ens/quantiles.csv" "$tmp/t1/quantiles.csv" || no "quantiles.csv differs from ensemble's"
cmp -s "$tmp/ens/runs.csv" "$tmp/t1/runs.csv" || no "runs.csv differs from ensemble's"

# a bad theses file: file:line:col, exit 2, nothing written
printf 'study: {scenario: ../../examples/every-section.yaml}\ntheses:\n  - {id: a, test: {compare: no-dprc, metric: ratio, expect: increase}}\n' > "$tmp/bad.yaml"
cp "$tmp/bad.yaml" tests/study/.bad-$$.yaml
"$SALIENT" theses tests/study/.bad-$$.yaml --out "$tmp/bad" 2> "$tmp/err"; st=$?
rm -f tests/study/.bad-$$.yaml
[ $st -eq 2 ] || no "bad theses file: exit $st, expected 2"
grep -q "\.bad-$$\.yaml:3:29: error: no variant 'no-dprc' in the scenario; did you mean 'no-dprk'?" "$tmp/err" \
    || { no "bad theses file message"; cat "$tmp/err"; }
[ -e "$tmp/bad" ] && no "a bad theses file created its output directory"
"$SALIENT" theses "$tmp/nothere.yaml" 2> "$tmp/err"; st=$?
[ $st -eq 2 ] || no "missing file: exit $st"
"$SALIENT" theses --runs 0 2> "$tmp/err"; [ $? -eq 2 ] || no "--runs 0 accepted"

# interrupted: partial files, marked
"$SALIENT" theses "$f" --runs 3000 -q --stop-after 3500 --out "$tmp/p" 2> "$tmp/err"; st=$?
[ $st -eq 1 ] || no "interrupted study: exit $st, expected 1"
[ -s "$tmp/p/PARTIAL" ] || no "no PARTIAL"
[ "$(sqlite3 "$tmp/p/results.sqlite" "SELECT value FROM metadata WHERE key = 'partial'")" = 1 ] \
    || no "metadata partial != 1"
ls -a "$tmp/p" | grep -q '^\.' && ls -a "$tmp/p" | grep -v '^\.\.\?$' | grep -q '^\.' && no "temporaries left"
# a complete study over it removes the marker
"$SALIENT" theses "$f" --runs 150 -q --out "$tmp/p" || no "rerun"
[ -e "$tmp/p/PARTIAL" ] && no "PARTIAL left after a complete study"

# --markdown: the table, no files unless --out
( cd "$tmp" && "$SALIENT" theses "$OLDPWD/$f" --runs 150 --markdown > md ) || no "--markdown exit"
grep -q '^| thesis | seed | claim |' "$tmp/md" || no "--markdown: no table"
[ "$(grep -c '^| dprk-\|^| support-\|^| treaty-\|^| rok-\|^| ground-' "$tmp/md")" -eq 6 ] || no "--markdown: not 6 rows"
[ -e "$tmp/salient-out" ] && no "--markdown without --out wrote files"

# the main job: the built-in flagship study into salient-out/ (plain build
# only: the full default study under the sanitizers takes minutes; the
# study's code is exercised under them above)
case "$SALIENT" in *build-san/*) echo "theses: $fail failed (main job skipped under the sanitizers)"; [ "$fail" -eq 0 ]; exit ;; esac
# The main job calibrates the flagship first (docs/flagship.md): at its full
# size (1,000 particles, 1,000 runs a variant) that is about 160 s of CPU, so
# the suite runs it with fewer particles and runs (the same code path as
# 'salient' alone; tests/cli/flagship_calibrated.sh checks its results).
( cd "$tmp" && "$SALIENT" --particles 150 --runs 200 > out 2> err ) || { no "main job exit $?"; cat "$tmp/err"; }
for x in $files forecast_change.csv sensitivity_posterior.csv calibration/posterior.csv; do
    [ -s "$tmp/salient-out/$x" ] || no "main job wrote no $x"
done
grep -q '^What the reports changed' "$tmp/out" || no "main job: no 'What the reports changed'"
grep -q 'theses: ' "$tmp/out" || no "main job: no theses line"
# once 'salient report' is in the build, the main job also writes report.html
if "$SALIENT" help report > /dev/null 2>&1; then
    [ -s "$tmp/salient-out/report.html" ] || no "main job wrote no report.html"
fi
# calibration (3 lines), study (about 17), what the reports changed (12),
# the given-data indices (6), the report: 38 for the flagship
[ "$(wc -l < "$tmp/out")" -le 44 ] || no "main job summary longer than 44 lines"

echo "theses: $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# 'salient report' on a calibration (issue 15, item 2): the section "What the
# reports taught".  A copy of tests/calib/linear.yaml gains a third normal
# input t3 that only an unreported metric uses: the reports inform t1 and t2
# (their posterior sd is well below their prior's, docs/calibration.md) and
# cannot inform t3, whose posterior is its prior.  So t1 and t2 are rows of the
# table of inputs that moved, t3 is not (it is listed as not moved), and
# prior_posterior.csv agrees.  The same section in the main job's layout (a
# study DIR with the calibration in DIR/calibration/); a damaged calibration
# database refused with exit 2 naming it; a report without a calibration has
# no such section.  In headless Chromium every chart of the page draws.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

sed -e 's/^  t2: {normal: \[-2, 1.5\]}$/&\n  t3: {normal: [5, 2]}/' \
    -e 's/^  r5: 22 + 2 \* param(t1) + param(t2)$/&\n  r6: 20 + param(t3)/' \
    tests/calib/linear.yaml > "$tmp/lin3.yaml"
if ! grep -q 't3: {normal' "$tmp/lin3.yaml" || ! grep -q 'r6: 20 + param(t3)' "$tmp/lin3.yaml"; then
    no "the fixture was not made"
fi
c="$tmp/c"
"$SALIENT" calibrate "$tmp/lin3.yaml" --observations tests/calib/linear.observations.yaml \
    --particles 1000 --seed 11 -q --out "$c" || no "calibrate"
# prior_posterior.csv: t1, t2 moved; t3 not, its prior quantiles those of N(5, 2)
# (fields counted from the end: the prior's description holds commas)
awk -F, 'NR > 1 { m[$1] = $NF; p05[$1] = $(NF - 8); p95[$1] = $(NF - 6) }
    END { bad = !(m["parameters.t1"] == 1 && m["parameters.t2"] == 1 && m["parameters.t3"] == 0)
          # N(5, 2): 5 -+ 1.644854 x 2, to 1e-6
          d1 = p05["parameters.t3"] - 1.710292746; d2 = p95["parameters.t3"] - 8.289707254
          bad += d1 * d1 > 1e-12 || d2 * d2 > 1e-12
          exit bad }' "$c/prior_posterior.csv" || { no "prior_posterior.csv:"; cat "$c/prior_posterior.csv"; }
"$SALIENT" report "$c" > /dev/null || no "report of the calibration"
h="$c/report.html"
sect() { sed -n '/<section id="calibration">/,/<\/section>/p' "$1"; }
sect "$h" > "$tmp/sect"
grep -q '<h2>What the reports taught</h2>' "$tmp/sect" || no "no section 'What the reports taught'"
for x in t1 t2; do
    grep -q "<tr class=\"moved\" data-input=\"parameters.$x\">" "$tmp/sect" || no "$x is not listed as moved"
done
grep -q 'data-input="parameters.t3"' "$tmp/sect" && no "t3, which no report informs, is listed as moved"
grep 'class="muted not-moved"' "$tmp/sect" | grep -q '<code>parameters.t3</code>' || no "t3 is not listed as not moved"
[ "$(grep -c '<tr><td><code>r[1-5]@2024-01-0[2-6]</code></td><td>fit</td>' "$tmp/sect")" -eq 5 ] \
    || no "the five reports are not in the table of reports"
for x in calib-inputs calib-reports; do
    grep -q "id=\"$x\"" "$tmp/sect" || no "the chart $x is missing"
done
grep -q '"calib":{' "$h" || no "no chart data"
grep -q 'what the reports taught (src/out/report_calib.js)' "$h" || no "the charts' script is not in the page"

# the main job's layout: a study DIR, its calibration in DIR/calibration
s="$tmp/s"
"$SALIENT" ensemble "$tmp/lin3.yaml" --posterior "$c" --runs 100 -q --out "$s" || no "ensemble --posterior"
"$SALIENT" report "$s" > /dev/null || no "report without a calibration"
grep -q 'id="calibration"' "$s/report.html" && no "a section without a calibration"
grep -q 'report_calib.js' "$s/report.html" && no "the charts' script without a calibration"
mkdir -p "$s/calibration" && cp "$c/results.sqlite" "$s/calibration/"
"$SALIENT" report "$s" > /dev/null || no "report with DIR/calibration"
sect "$s/report.html" | grep -q 'data-input="parameters.t1"' || no "DIR/calibration: t1 is not listed as moved"
sect "$s/report.html" | grep -q 'in <code>calibration/</code>' || no "DIR/calibration: not said where"
# damaged: refused, named, the earlier report.html left as it was
cp "$s/report.html" "$tmp/earlier.html"
sqlite3 "$s/calibration/results.sqlite" "UPDATE prior_posterior SET moved = 0" 2> /dev/null ||
    printf 'not a database' > "$s/calibration/results.sqlite"
"$SALIENT" report "$s" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || no "a damaged calibration database was not refused with exit 2"
grep -q 'calibration/results.sqlite' "$tmp/err" || no "the refusal does not name the calibration's database"
cmp -s "$s/report.html" "$tmp/earlier.html" || no "the refusal changed report.html"

# the page in a browser: no console message, every chart drawn
if command -v chromium > /dev/null; then
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$tmp/profile" --window-size=1400,1000 --enable-logging=stderr --v=0 \
        --dump-dom "file://$h" > "$tmp/dom" 2> "$tmp/log" || no "chromium failed"
    grep 'CONSOLE' "$tmp/log" && no "console messages"
    n=$(grep -c '<canvas' "$h")
    tag=$(grep -o '<body[^>]*>' "$tmp/dom" | head -n 1)
    echo "$tag" | grep -q "data-charts=\"$n\" data-rendered=\"$n\" data-errors=\"0\"" ||
        no "not every chart drew ($n canvases): $tag"
else
    no "chromium is not installed (scripts/deps.sh)"
fi
[ "$fail" -eq 0 ] && echo "report_calibration: ok"
exit "$fail"

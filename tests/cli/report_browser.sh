#!/bin/sh
# 'salient report' opened in a real browser: a report built from a plain
# 'salient ensemble' directory and one built with every study table (the
# variant tables, compare and sobol from real CLI runs of
# examples/every-section.yaml; theses, parameters and event curves from the
# fixture tests/data/report/study.sql) are loaded in headless Chromium.  The
# test fails on any console message or uncaught exception, and unless the
# page's own check finds every chart drawn (pixels of its data colours in its
# plot area: <body data-charts=N data-rendered=N data-errors=0>).  Also: the
# hostile text of the fixture shows as text and runs no script; the same
# database gives the same bytes; a partial ensemble is flagged.
set -u
keep=${KEEP:-}
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
[ -n "$keep" ] && echo "keeping $tmp"
[ -n "$keep" ] || trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
command -v chromium > /dev/null || { echo "FAIL: chromium is not installed (scripts/deps.sh)"; exit 1; }
command -v sqlite3 > /dev/null || { echo "FAIL: sqlite3 is not installed (scripts/deps.sh)"; exit 1; }

# open FILE NAME: dumps the DOM after load into $tmp/NAME.dom, the browser's
# log into $tmp/NAME.log (its own profile: runs in parallel do not clash)
open_page() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$tmp/profile-$2" --window-size=1400,1000 \
        --enable-logging=stderr --v=0 --dump-dom "file://$1" > "$tmp/$2.dom" 2> "$tmp/$2.log"
    st=$?
    [ $st -eq 0 ] || no "$2: chromium exited with $st"
    if grep -q 'CONSOLE' "$tmp/$2.log"; then
        no "$2: console messages:"; grep 'CONSOLE' "$tmp/$2.log"
    fi
}
# charts_ok NAME N: the page found N charts and drew all of them
charts_ok() {
    tag=$(grep -o '<body[^>]*>' "$tmp/$1.dom" | head -n 1)
    echo "$1: $tag"
    echo "$tag" | grep -q "data-charts=\"$2\"" || no "$1: expected $2 charts: $tag"
    echo "$tag" | grep -q "data-rendered=\"$2\"" || no "$1: not every chart rendered: $tag"
    echo "$tag" | grep -q 'data-errors="0"' || no "$1: page errors: $tag"
}

f=examples/every-section.yaml
# 1. a plain ensemble: 9 fan charts, no optional section
"$SALIENT" ensemble "$f" --runs 200 --out "$tmp/plain" > /dev/null || no "ensemble"
"$SALIENT" report "$tmp/plain" > "$tmp/out" 2>&1 || { no "report of a plain ensemble"; cat "$tmp/out"; }
grep -qx "wrote $tmp/plain/report.html" "$tmp/out" || { no "report's message"; cat "$tmp/out"; }
[ -s "$tmp/plain/report.html" ] || no "no report.html"
ls -A "$tmp/plain" | grep -q '^\.' && no "temporary files left behind"
for s in counterfactuals sensitivity theses provenance; do
    grep -q "id=\"$s\"" "$tmp/plain/report.html" && no "plain report has a $s section"
done
grep -Eq '<(script|img|link|iframe|object|embed)[^>]* (src|href)=|url\(' "$tmp/plain/report.html" &&
    no "the report loads something from outside itself"
grep -q 'Chart.js v3.9.1' "$tmp/plain/report.html" || no "Chart.js not inlined"
open_page "$tmp/plain/report.html" plain
charts_ok plain 9

# 2. the study tables
s="$tmp/study"
"$SALIENT" ensemble "$f" --runs 200 --out "$s" > /dev/null || no "ensemble (study)"
for v in no-dprk support-roles-only; do
    "$SALIENT" ensemble "$f" --runs 200 --variant "$v" --out "$tmp/v-$v" > /dev/null || no "ensemble $v"
    "$SALIENT" compare "$f" --variant "$v" --runs 200 --out "$tmp/c-$v" > /dev/null || no "compare $v"
done
"$SALIENT" sensitivity "$f" --metric dprk_casualties --base 64 --out "$tmp/sb" > /dev/null || no "sensitivity"
sqlite3 "$s/results.sqlite" > "$tmp/sql.out" 2>&1 <<SQL || { no "building the study tables"; cat "$tmp/sql.out"; }
.bail on
CREATE TABLE variants (name TEXT PRIMARY KEY, ord INTEGER, description TEXT);
INSERT INTO variants VALUES ('no-dprk', 1, 'The counterfactual without the North Korean deployment.');
INSERT INTO variants VALUES ('support-roles-only', 2, 'North Koreans kept in support roles.');
CREATE TABLE variant_quantiles (variant TEXT, metric TEXT, day INTEGER, date TEXT, mean REAL,
    p05 REAL, p25 REAL, p50 REAL, p75 REAL, p95 REAL, PRIMARY KEY (variant, metric, day));
CREATE TABLE variant_events (variant TEXT, event TEXT, probability REAL, p05 INTEGER, p50 INTEGER,
    p95 INTEGER, PRIMARY KEY (variant, event));
ATTACH '$tmp/v-no-dprk/results.sqlite' AS v1;
INSERT INTO variant_quantiles SELECT 'no-dprk', * FROM v1.quantiles;
INSERT INTO variant_events SELECT 'no-dprk', * FROM v1.events;
ATTACH '$tmp/v-support-roles-only/results.sqlite' AS v2;
INSERT INTO variant_quantiles SELECT 'support-roles-only', * FROM v2.quantiles;
INSERT INTO variant_events SELECT 'support-roles-only', * FROM v2.events;
CREATE TABLE compare (variant TEXT, kind TEXT, name TEXT, day INTEGER, date TEXT, a REAL, b REAL,
    diff_mean REAL, diff_p05 REAL, diff_p50 REAL, diff_p95 REAL, var_crn REAL, var_independent REAL,
    variance_reduction REAL);
CREATE TEMP TABLE c (kind TEXT, name TEXT, day INTEGER, date TEXT, a REAL, b REAL, diff_mean REAL,
    diff_p05 REAL, diff_p50 REAL, diff_p95 REAL, var_crn REAL, var_independent REAL, variance_reduction REAL);
.import --csv --skip 1 $tmp/c-no-dprk/compare.csv c
INSERT INTO compare SELECT 'no-dprk', * FROM c;
DELETE FROM c;
.import --csv --skip 1 $tmp/c-support-roles-only/compare.csv c
INSERT INTO compare SELECT 'support-roles-only', * FROM c;
-- the CSV's empty fields are NULLs in the contract
UPDATE compare SET var_crn = NULL WHERE var_crn = '';
UPDATE compare SET var_independent = NULL WHERE var_independent = '';
UPDATE compare SET variance_reduction = NULL WHERE variance_reduction = '';
UPDATE compare SET diff_p05 = NULL, diff_p50 = NULL, diff_p95 = NULL WHERE diff_p05 = '';
CREATE TABLE sobol (metric TEXT, input TEXT, S1 REAL, S1_lo REAL, S1_hi REAL, ST REAL, ST_lo REAL,
    ST_hi REAL, PRIMARY KEY (metric, input));
CREATE TEMP TABLE sb (input TEXT, S1 REAL, S1_lo REAL, S1_hi REAL, ST REAL, ST_lo REAL, ST_hi REAL);
.import --csv --skip 1 $tmp/sb/sobol.csv sb
INSERT INTO sobol SELECT 'dprk_casualties', * FROM sb;
.read tests/data/report/study.sql
SQL
"$SALIENT" report "$s" > "$tmp/out" 2>&1 || { no "report of the study"; cat "$tmp/out"; }
cp "$s/report.html" "$tmp/first.html"
"$SALIENT" report "$s" > /dev/null 2>&1 || no "report again"
cmp -s "$s/report.html" "$tmp/first.html" || no "the same database gave different bytes"
for sec in findings outcomes events counterfactuals sensitivity theses provenance; do
    grep -q "<section id=\"$sec\">" "$s/report.html" || no "study report lacks the $sec section"
done
grep -q 'no source' "$s/report.html" || no "a parameter without a source is not flagged"
grep -q '1 without a source' "$s/report.html" || no "the count of missing sources"
grep -q '<span class="badge ok">supported</span>' "$s/report.html" || no "verdict badge"
grep -q '<span class="badge bad">contradicted</span>' "$s/report.html" || no "verdict badge (contradicted)"
open_page "$s/report.html" study
# 9 fans + event curves + 9 differences + their evolution + 1 Sobol' chart
charts_ok study 21
grep -q 'data-pwned' "$tmp/study.dom" && grep -q 'data-pwned="1"' "$tmp/study.dom" && no "scenario text ran as script"
n=$(grep -o '<script' "$tmp/study.dom" | wc -l)
[ "$n" -eq 3 ] || no "script elements in the page: $n (3 expected: data, Chart.js, the page's)"
grep -q '<h1>Every section &lt;/script&gt;&lt;script&gt;' "$tmp/study.dom" || no "the title is not shown as text"
grep -q 'Free Russian forces for Donetsk &lt;/script&gt;&lt;b&gt;bold?&lt;/b&gt;' "$tmp/study.dom" ||
    grep -q 'free Russian forces for Donetsk &lt;/script&gt;&lt;b&gt;bold?&lt;/b&gt;' "$tmp/study.dom" || no "a claim is not shown as text"
grep -q '<b>not bold</b>' "$tmp/study.dom" && no "the description's markup was not escaped"
grep -q 'id="cmp-metric"' "$tmp/study.dom" || no "no metric choice for the evolution chart"
grep -q 'id="cmp-band"' "$tmp/study.dom" || no "no band choice for the evolution chart"
[ "$(grep -o 'class="vtoggle"' "$tmp/study.dom" | wc -l)" -eq 2 ] || no "variant toggles of the fan charts"
grep -q '<h3>Under each variant</h3>' "$tmp/study.dom" || no "no table of the variants' event probabilities"
grep -q '<option value="3" selected="">ground_ukraine</option>' "$tmp/study.dom" || no "key_metric not the chart's default"

# 3. a partial ensemble is flagged at the top
"$SALIENT" ensemble "$f" --runs 1000 --stop-after 300 --out "$tmp/part" > /dev/null 2>&1
"$SALIENT" report "$tmp/part" > /dev/null 2>&1 || no "report of a partial ensemble"
grep -q 'Partial results.' "$tmp/part/report.html" || no "partial results not flagged"
grep -q 'of the 1,000 asked for' "$tmp/part/report.html" || no "partial: runs asked for"

[ $fail -eq 0 ] && echo "report_browser: ok"
[ $fail -eq 0 ]

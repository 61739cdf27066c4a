#!/bin/sh
# 'salient report' opened in a real browser: reports built from a plain
# 'salient ensemble' directory, from a real study ('salient theses' on
# tests/study/every-section.theses.yaml: every table of the study contract),
# and from that study with hostile text added (tests/data/report/hostile.sql)
# are loaded in headless Chromium.  The test fails on any console message or
# uncaught exception, and unless the page's own check finds every chart
# drawn (pixels of its data colours in its plot area: the body's
# data-charts, data-rendered and data-errors attributes); the expected
# number of charts is counted from the database here.  Also: the hostile
# text shows as text and runs no script; the same database gives the same
# bytes; a partial ensemble is flagged.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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
# study_charts: the charts a study's page must draw, counted from the
# database q() reads: a fan per metric, the event curves when one moves, a
# card per compared metric and the evolution chart, a Sobol' chart per
# outcome, and per discovery question (a study with a discover: list) its
# trade-off (a peeling trajectory), its box ranges and its scatter of runs
study_charts() {
    disc=0
    if [ "$(q "SELECT COUNT(*) FROM sqlite_master WHERE name = 'discover_points'")" -eq 1 ]; then
        disc=$(( $(q "SELECT COUNT(DISTINCT question) FROM discover_trajectory WHERE box = 1") \
               + $(q "SELECT COUNT(DISTINCT question) FROM discover_boxes") \
               + $(q "SELECT COUNT(DISTINCT question) FROM discover_points") ))
    fi
    echo $(( $(q "SELECT COUNT(DISTINCT metric) FROM quantiles") \
           + $(q "SELECT COUNT(*) > 0 FROM (SELECT event FROM event_curve GROUP BY event HAVING MAX(probability) > MIN(probability))") \
           + $(q "SELECT COUNT(DISTINCT name) FROM compare WHERE kind = 'metric'") + 1 \
           + $(q "SELECT COUNT(DISTINCT metric) FROM sobol") + disc ))
}

# charts_ok NAME N: the page found N charts and drew all of them; every
# axis has a title and no two tick labels of an axis overlap (the page
# measures each label's box from Chart.js's label items: data-overlaps,
# data-untitled; the canvas at fault carries data-overlap / data-untitled)
charts_ok() {
    tag=$(grep -o '<body[^>]*>' "$tmp/$1.dom" | head -n 1)
    echo "$1: $tag"
    echo "$tag" | grep -q "data-charts=\"$2\"" || no "$1: expected $2 charts: $tag"
    echo "$tag" | grep -q "data-rendered=\"$2\"" || no "$1: not every chart rendered: $tag"
    echo "$tag" | grep -q 'data-errors="0"' || no "$1: page errors: $tag"
    echo "$tag" | grep -q 'data-overlaps="0"' ||
        no "$1: tick labels overlap: $(grep -o '<canvas id="[^"]*"[^>]*data-overlap="[^"]*"' "$tmp/$1.dom" | tr '\n' ' ')"
    echo "$tag" | grep -q 'data-untitled="0"' ||
        no "$1: axes without a title: $(grep -o '<canvas id="[^"]*"[^>]*data-untitled="[^"]*"' "$tmp/$1.dom" | tr '\n' ' ')"
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

# 2. a real study: every table of the study contract
s="$tmp/study"
"$SALIENT" theses tests/study/every-section.theses.yaml --runs 200 -q --out "$s" > /dev/null ||
    no "salient theses"
"$SALIENT" report "$s" > "$tmp/out" 2>&1 || { no "report of the study"; cat "$tmp/out"; }
cp "$s/report.html" "$tmp/first.html"
"$SALIENT" report "$s" > /dev/null 2>&1 || no "report again"
cmp -s "$s/report.html" "$tmp/first.html" || no "the same database gave different bytes"
for sec in findings outcomes events counterfactuals sensitivity theses provenance; do
    grep -q "<section id=\"$sec\">" "$s/report.html" || no "study report lacks the $sec section"
done
q() { sqlite3 "$s/results.sqlite" "$1"; }
want=$(study_charts)
nv=$(q "SELECT COUNT(*) FROM variants")
[ "$want" -gt 12 ] || no "the study has too few charts to test ($want)"
open_page "$s/report.html" study
charts_ok study "$want"
grep -q 'id="cmp-metric"' "$tmp/study.dom" || no "no metric choice for the evolution chart"
grep -q 'id="cmp-band"' "$tmp/study.dom" || no "no band choice for the evolution chart"
# the band shown first: the first variant (in the study's order) that a thesis tests
bv=$(q "SELECT (SELECT COUNT(*) FROM variants w WHERE w.ord < v.ord) || ' ' || v.name FROM variants v
        WHERE v.name IN (SELECT variant FROM theses) ORDER BY v.ord LIMIT 1")
[ -n "$bv" ] || no "no thesis tests a variant"
grep -q "<select id=\"cmp-band\">.*<option value=\"${bv%% *}\" selected=\"\">${bv#* }</option>" "$tmp/study.dom" ||
    no "the evolution chart's band does not start on '${bv#* }', the first variant a thesis tests"
[ "$(grep -o 'class="vtoggle"' "$tmp/study.dom" | wc -l)" -eq "$nv" ] || no "variant toggles of the fan charts"
grep -q '<h3>Under each variant</h3>' "$tmp/study.dom" || no "no table of the variants' event probabilities"
n=$(q "SELECT COUNT(*) FROM theses")
[ "$(grep -o '<tr id="thesis-' "$tmp/study.dom" | wc -l)" -eq "$n" ] || no "not every thesis is in the table"
# every parameter's path in the provenance table (rows that share value
# and source list their paths together), folded by default, with its filter
q "SELECT path FROM parameters" > "$tmp/paths"
while IFS= read -r p; do
    grep -qF "<code>$p</code>" "$tmp/study.dom" || no "parameter $p is not in the provenance table"
done < "$tmp/paths"
grep -q '<details class="prov"><summary>' "$tmp/study.dom" || no "the provenance table is not folded"
grep -q '<details class="prov" open' "$tmp/study.dom" && no "the provenance table opens unfolded"
grep -q 'id="prov-count" class="muted">[0-9]* of [0-9]* rows<' "$tmp/study.dom" || no "no provenance filter count"
n=$(q "SELECT COUNT(*) FROM (SELECT 1 FROM parameters GROUP BY kind, value, source, description)")
[ "$(sed -n '/<table class="prov">/,/<\/table>/p' "$tmp/study.dom" | grep -o '<tr><td><code>' | wc -l)" -eq "$n" ] ||
    no "the provenance table does not have one row per distinct number ($n)"

# 3. the same study with hostile text
h="$tmp/hostile"
mkdir "$h" && cp "$s/results.sqlite" "$h/" || no "copy"
sqlite3 "$h/results.sqlite" < tests/data/report/hostile.sql || no "adding the hostile text"
# sealed again as salient seals what it writes (tools/dbseal.c), so that the
# report reads it: the text is hostile, the database is not damaged
"$(dirname "$SALIENT")/tools/dbseal" "$h/results.sqlite" || no "sealing the hostile database"
"$SALIENT" report "$h" > "$tmp/out" 2>&1 || { no "report of the hostile study"; cat "$tmp/out"; }
grep -q 'no source' "$h/report.html" || no "a parameter without a source is not flagged"
grep -q '<span class="badge ok">supported</span>' "$h/report.html" || no "verdict badge (supported)"
grep -q '<span class="badge bad">contradicted</span>' "$h/report.html" || no "verdict badge (contradicted)"
open_page "$h/report.html" hostile
charts_ok hostile "$want"
grep -q 'data-pwned="1"' "$tmp/hostile.dom" && no "scenario text ran as script"
n=$(grep -o '<script' "$tmp/hostile.dom" | wc -l)
[ "$n" -eq 3 ] || no "script elements in the page: $n (3 expected: data, Chart.js, the page's)"
grep -q '<h1>Every section &lt;/script&gt;&lt;script&gt;' "$tmp/hostile.dom" || no "the title is not shown as text"
grep -q 'free Russian forces for Donetsk &lt;/script&gt;&lt;b&gt;bold?&lt;/b&gt;' "$tmp/hostile.dom" ||
    no "a claim is not shown as text"
grep -q '<b>not bold</b>' "$tmp/hostile.dom" && no "the description's markup was not escaped"
grep -q '<option value="[0-9]*" selected="">ground_ukraine</option>' "$tmp/hostile.dom" ||
    no "key_metric not the evolution chart's default"

# 4. a partial ensemble is flagged at the top
"$SALIENT" ensemble "$f" --runs 1000 --stop-after 300 --out "$tmp/part" > /dev/null 2>&1
"$SALIENT" report "$tmp/part" > /dev/null 2>&1 || no "report of a partial ensemble"
grep -q 'Partial results.' "$tmp/part/report.html" || no "partial results not flagged"
grep -q 'of the 1,000 asked for' "$tmp/part/report.html" || no "partial: runs asked for"

# 5. a scored ensemble (salient score): each report of a value on a day a
# point on its fan, placed inside the plot; the section of scores
toy=tests/data/score/toy.yaml
obs=tests/data/score/truth.yaml
"$SALIENT" ensemble $toy --runs 200 --observations $obs -q --out "$tmp/sc" || no "ensemble (scored)"
"$SALIENT" score "$tmp/sc" --observations $obs -q || no "score"
"$SALIENT" report "$tmp/sc" > /dev/null 2>&1 || no "report of a scored ensemble"
grep -q '<section id="scores">' "$tmp/sc/report.html" || no "no section of scores"
grep -q 'href="#scores"' "$tmp/sc/report.html" || no "no link to the scores"
open_page "$tmp/sc/report.html" scored
charts_ok scored 1
n=$(sqlite3 "$tmp/sc/results.sqlite" "SELECT COUNT(*) FROM scores WHERE quantity = 'on_day'")
[ "$n" -eq 5 ] || no "scored: $n reports of a day (5 expected)"
grep -q "data-reports=\"$n\"" "$tmp/scored.dom" || no "scored: not every report placed on its fan: $(grep -o '<body[^>]*>' "$tmp/scored.dom")"
[ "$(grep -o '<td style="color:[^"]*">test</td>' "$tmp/scored.dom" | wc -l)" -eq 5 ] || no "scored: the test rows of the table"
# the plain ensemble's page has none of it
grep -q 'id="scores"' "$tmp/plain/report.html" && no "a plain report has a scores section"

# 6. the flagship study (its counterfactual charts span tens of thousands
# on narrow cards, where tick labels once ran together): every chart drawn,
# every axis titled, no tick labels overlapping
"$SALIENT" theses --runs 64 --threads 2 -q --out "$tmp/flag" > /dev/null || no "salient theses (flagship)"
"$SALIENT" report "$tmp/flag" > /dev/null 2>&1 || no "report of the flagship study"
q() { sqlite3 "$tmp/flag/results.sqlite" "$1"; }
want=$(study_charts)
open_page "$tmp/flag/report.html" flagship
charts_ok flagship "$want"

[ $fail -eq 0 ] && echo "report_browser: ok"
[ $fail -eq 0 ]

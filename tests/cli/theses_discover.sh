#!/bin/sh
# Discovery questions in a theses file (docs/theses.md, docs/discover.md):
# the study answers each on its base runs, the same bytes for any thread
# count (OMP_NUM_THREADS=1 and 2, and --threads 1 and 2); each answer is the
# one 'salient discover' gives on the same runs (on the study's own
# results.sqlite for a last-day condition, on the scenario's runs for
# event days and metrics on dates: the study's base runs are those of
# 'salient ensemble' with the seed); a question no run answers says why;
# the report shows every question; every malformed question in
# tests/bad/theses/ is refused with exit 2, exactly the error lines of
# NAME.expected and nothing written.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

f=tests/study/discover.theses.yaml
files="quantiles.csv events.csv runs.csv compare.csv sobol.csv theses.csv discover.csv results.sqlite report.html"
for t in 1 2; do
    OMP_NUM_THREADS=$t "$SALIENT" theses "$f" -q --out "$tmp/o$t" || no "OMP_NUM_THREADS=$t: exit $?"
    "$SALIENT" report "$tmp/o$t" > /dev/null || no "report o$t"
    "$SALIENT" theses "$f" -q --threads $t --out "$tmp/t$t" || no "--threads $t: exit $?"
    "$SALIENT" report "$tmp/t$t" > /dev/null || no "report t$t"
done
for x in $files; do
    [ -s "$tmp/o1/$x" ] || no "no $x"
    cmp -s "$tmp/o1/$x" "$tmp/o2/$x" || no "$x differs between OMP_NUM_THREADS=1 and 2"
    cmp -s "$tmp/t1/$x" "$tmp/t2/$x" || no "$x differs between --threads 1 and 2"
    cmp -s "$tmp/o1/$x" "$tmp/t1/$x" || no "$x differs between OMP_NUM_THREADS=1 and --threads 1"
done
d=$tmp/t1
[ "$(sed -n 1p "$d/discover.csv")" = \
  "question,box,input,lower,upper,subset,quasi_p,stability,coverage,density,mass" ] ||
    no "discover.csv header: $(sed -n 1p "$d/discover.csv")"
for q in heavy-losses killed-treaty early-losses; do
    grep -q "^$q,1," "$d/discover.csv" || no "no box for $q in discover.csv"
done
grep -q "^never," "$d/discover.csv" && no "a box for the question no run answers"
q() { sqlite3 "$d/results.sqlite" "$1"; }
[ "$(q "SELECT value FROM discover WHERE question = 4 AND key = 'why'")" = \
  "no run is a case of interest" ] || no "question 4: no reason given"
[ "$(q "SELECT value FROM discover WHERE question = 4 AND key = 'cases'")" = 0 ] || no "question 4: cases"
[ "$(q "SELECT value FROM discover WHERE question = 2 AND key = 'method'")" = cart ] || no "question 2 is not CART"
[ "$(q "SELECT count(DISTINCT question) FROM discover")" = 4 ] || no "not 4 questions in the tables"
[ "$(q "SELECT count(*) FROM discover_trajectory WHERE question = 2")" = 0 ] || no "CART with a trajectory"

# each answer is salient discover's on the same runs, with the study's seed
sed 1d "$d/discover.csv" > "$tmp/study-boxes"
ans() { # QUESTION WHERE SOURCE [discover options]: boxes.csv rows, question first
    id=$1 where=$2 src=$3
    shift 3
    "$SALIENT" discover "$src" --where "$where" --out "$tmp/disc-$id" -q "$@" ||
        { no "discover $id: exit $?"; return; }
    sed 1d "$tmp/disc-$id/boxes.csv" | sed "s/^/$id,/"
}
{
    ans heavy-losses 'dprk_casualties > 240' "$d"
    ans killed-treaty 'dprk_killed > 62 and event_day(treaty-in-force) <= date(2024-11-01)' \
        examples/every-section.yaml --runs 400 --method cart
    ans early-losses 'metric(dprk_casualties, 2025-01-01) > 150' examples/every-section.yaml \
        --runs 400 --threshold 0.7
} > "$tmp/discover-boxes"
cmp -s "$tmp/study-boxes" "$tmp/discover-boxes" ||
    { no "the study's answers differ from salient discover's"; diff "$tmp/study-boxes" "$tmp/discover-boxes"; }

# the report: a section, each question under its id, the answer in words
for id in heavy-losses killed-treaty early-losses never; do
    grep -q "id=\"discover-$id\"" "$d/report.html" || no "report.html: no question $id"
done
grep -q 'class="answer"><b>Answer.</b> A box of coverage' "$d/report.html" || no "report.html: no answer"
grep -q 'None: no run is a case of interest' "$d/report.html" || no "report.html: no reason"
if command -v chromium > /dev/null; then
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$tmp/profile" --window-size=1400,1000 \
        --dump-dom "file://$d/report.html" 2> /dev/null > "$tmp/dom"
    tag=$(grep -o '<body[^>]*>' "$tmp/dom" | head -n 1)
    echo "$tag" | grep -q 'data-errors="0"' || no "report.html: a chart failed: $tag"
    n=$(echo "$tag" | sed 's/.*data-charts="\([0-9]*\)".*/\1/')
    echo "$tag" | grep -q "data-rendered=\"$n\"" || no "report.html: not every chart drawn: $tag"
fi

# a study without questions writes no discover.csv and no discover tables
"$SALIENT" theses tests/study/every-section.theses.yaml --runs 40 -q --out "$tmp/plain" || no "plain"
[ -e "$tmp/plain/discover.csv" ] && no "discover.csv without questions"
[ -z "$(sqlite3 "$tmp/plain/results.sqlite" "SELECT name FROM sqlite_master WHERE name LIKE 'discover%'")" ] ||
    no "discover tables without questions"

# malformed questions: exit 2, exactly the expected error lines, nothing written
n=0
cd tests/bad/theses || exit 1
for b in *.yaml; do
    name=${b%.yaml}
    n=$((n + 1))
    rm -rf "$tmp/bad"
    "$SALIENT" theses "$b" --runs 10 --out "$tmp/bad" > "$tmp/out" 2> "$tmp/err"; st=$?
    [ $st -eq 2 ] || { no "$name: exit $st, expected 2"; cat "$tmp/err"; continue; }
    grep -q -e 'AddressSanitizer' -e 'runtime error' -e 'Segmentation' "$tmp/err" &&
        { no "$name: crashed"; cat "$tmp/err"; continue; }
    [ -e "$tmp/bad" ] && no "$name: output written"
    grep ': error: ' "$tmp/err" | sort > "$tmp/got"
    sort "$name.expected" > "$tmp/want"
    cmp -s "$tmp/got" "$tmp/want" || { no "$name: error lines differ (< expected, > got)";
        diff "$tmp/want" "$tmp/got"; }
done
[ "$n" -ge 15 ] || no "only $n files in tests/bad/theses, expected at least 15"

echo "theses_discover: $fail failed"
[ "$fail" -eq 0 ]

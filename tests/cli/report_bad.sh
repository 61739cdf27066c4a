#!/bin/sh
# 'salient report' on a missing or malformed results database: exit 2, one
# clear error naming the file, and nothing written (an earlier report.html
# is left as it was).  Usage errors exit 2; 'salient help report' works.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

# bad DIR WHAT: exit 2, the error names DIR/results.sqlite and says WHAT,
# no report.html and no temporary left in DIR
bad() {
    "$SALIENT" report "$1" > "$tmp/out" 2> "$tmp/err"
    st=$?
    [ $st -eq 2 ] || no "$1: exit $st, expected 2"
    [ -s "$tmp/out" ] && { no "$1: wrote to stdout"; cat "$tmp/out"; }
    grep -q "^$1/results.sqlite: error: .*$2" "$tmp/err" || { no "$1: message"; cat "$tmp/err"; }
    [ -e "$1/report.html" ] && no "$1: report.html written"
    [ -d "$1" ] && ls -A "$1" | grep -q '^\.' && no "$1: temporary files left behind"
}

bad "$tmp/nowhere" "cannot open the results database"
mkdir "$tmp/empty-dir"
bad "$tmp/empty-dir" "cannot open the results database"
mkdir "$tmp/garbage"
head -c 4096 /dev/urandom > "$tmp/garbage/results.sqlite"
printf 'SQLite format 3\000 but not really' >> "$tmp/garbage/results.sqlite"
bad "$tmp/garbage" "cannot be read as SQLite"
mkdir "$tmp/text"
echo "metric,day" > "$tmp/text/results.sqlite"
bad "$tmp/text" "cannot be read as SQLite"
mkdir "$tmp/zero"
: > "$tmp/zero/results.sqlite"
bad "$tmp/zero" "no table 'metadata'"

# real databases with a table or a column removed
"$SALIENT" ensemble examples/minimal.yaml --runs 20 --out "$tmp/good" > /dev/null || no "ensemble"
"$SALIENT" report "$tmp/good" > /dev/null || no "report of a good database"
cp "$tmp/good/report.html" "$tmp/good.html"
if command -v sqlite3 > /dev/null; then
    mk() { # NAME SQL: a copy of the good database changed by SQL, its seal removed
        # (as a hand-made one: the seal is tested in report_damaged.sh)
        mkdir "$tmp/$1" && cp "$tmp/good/results.sqlite" "$tmp/$1/" && sqlite3 "$tmp/$1/results.sqlite" \
            "DROP TABLE integrity; UPDATE metadata SET value = 'salient-ensemble 1' WHERE key = 'format'; $2"
    }
    mk noquant "DROP TABLE quantiles;"
    bad "$tmp/noquant" "no table 'quantiles'"
    mk noevents "DROP TABLE events;"
    bad "$tmp/noevents" "no table 'events'"
    mk nocol "ALTER TABLE quantiles DROP COLUMN p25;"
    bad "$tmp/nocol" "table 'quantiles': no such column: p25"
    mk nostart "DELETE FROM metadata WHERE key = 'start';"
    bad "$tmp/nostart" "metadata 'start' is missing; expected a date YYYY-MM-DD"
    mk badhorizon "UPDATE metadata SET value = 'soon' WHERE key = 'horizon';"
    bad "$tmp/badhorizon" "metadata 'horizon' is 'soon'; expected a number of days"
    mk badtheses "CREATE TABLE theses (id TEXT, claim TEXT);"
    bad "$tmp/badtheses" "table 'theses': no such column"
    # an earlier report is left untouched by a failing rebuild
    mk keep "CREATE TABLE sobol (metric TEXT);"
    cp "$tmp/good.html" "$tmp/keep/report.html"
    "$SALIENT" report "$tmp/keep" > /dev/null 2>&1
    [ $? -eq 2 ] || no "keep: exit status"
    cmp -s "$tmp/keep/report.html" "$tmp/good.html" || no "a failing rebuild changed the earlier report"
else
    no "sqlite3 is not installed (scripts/deps.sh)"
fi

# usage
"$SALIENT" report > /dev/null 2> "$tmp/err"; [ $? -eq 2 ] || no "no DIR: exit status"
grep -q "salient report: no DIR given" "$tmp/err" || no "no DIR: message"
"$SALIENT" report a b > /dev/null 2> "$tmp/err"; [ $? -eq 2 ] || no "two DIRs: exit status"
"$SALIENT" report --bogus "$tmp/good" > /dev/null 2> "$tmp/err"; [ $? -eq 2 ] || no "bad option: exit status"
grep -q "unknown option '--bogus'" "$tmp/err" || no "bad option: message"
"$SALIENT" help report | grep -q '^usage: salient report DIR' || no "salient help report"
"$SALIENT" --help | grep -q '^  report ' || no "report missing from salient --help"

[ $fail -eq 0 ] && echo "report_bad: ok"
[ $fail -eq 0 ]

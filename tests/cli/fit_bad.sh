#!/bin/sh
# Malformed battle CSVs (tests/data/bad/NAME.csv): 'salient fit' exits 2,
# prints exactly the error lines of NAME.expected (file:line:col: error: ...)
# and writes no --out file.  Also a missing file and usage errors.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

mkdir "$tmp/o"
for f in tests/data/bad/*.csv; do
    name=$(basename "$f" .csv)
    n=$((n + 1))
    "$SALIENT" fit "$f" --out "$tmp/o/out.csv" > "$tmp/stdout" 2> "$tmp/err"
    st=$?
    [ "$st" -eq 2 ] || { no "$name: exit $st, expected 2"; cat "$tmp/err"; continue; }
    grep -q -e 'AddressSanitizer' -e 'runtime error' "$tmp/err" && no "$name: crashed"
    [ -n "$(ls -A "$tmp/o")" ] && { no "$name: files written: $(ls -A "$tmp/o")"; rm -f "$tmp/o/"* "$tmp/o/".??*; }
    [ -s "$tmp/stdout" ] && no "$name: wrote to stdout"
    grep ': error: ' "$tmp/err" > "$tmp/got"
    if ! cmp -s "$tmp/got" "tests/data/bad/$name.expected"; then
        no "$name: error lines differ (< expected, > got)"
        diff "tests/data/bad/$name.expected" "$tmp/got"
    fi
done
[ "$n" -ge 14 ] || no "only $n malformed files"

# a missing file: exit 2, its name in the message, no output
"$SALIENT" fit "$tmp/missing.csv" --out "$tmp/out.csv" 2> "$tmp/err" > /dev/null
[ $? -eq 2 ] || no "missing file: expected exit 2"
grep -q "^$tmp/missing.csv: error: cannot open the file" "$tmp/err" || { no "missing file message"; cat "$tmp/err"; }
[ -e "$tmp/out.csv" ] && no "missing file: --out written"

# a header-only file: 'too few rows' at line 2
printf 'day,A,B,reinf_A,reinf_B\n' > "$tmp/h.csv"
"$SALIENT" fit "$tmp/h.csv" 2> "$tmp/err" > /dev/null
[ $? -eq 2 ] || no "header only: expected exit 2"
grep -q "^$tmp/h.csv:2:1: error: the file ends after 0 rows" "$tmp/err" || no "header only message"

# three rows are enough for a classic law, not for the free law's 4 parameters
printf 'day,A,B,reinf_A,reinf_B\n0,100,90,0,0\n1,95,80,0,0\n2,91,71,0,0\n' > "$tmp/3.csv"
"$SALIENT" fit "$tmp/3.csv" > /dev/null 2>&1 || no "3 rows, square law: refused"
"$SALIENT" fit "$tmp/3.csv" --law free > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || no "3 rows, free law: expected exit 2"
grep -q 'expected at least 4 rows' "$tmp/err" || no "3 rows, free law: message"

# usage errors: exit 2 and a message naming the problem
t() { # expected-substring args...
    want=$1; shift
    "$SALIENT" fit "$@" > /dev/null 2> "$tmp/err"
    st=$?
    [ "$st" -eq 2 ] || no "fit $*: exit $st, expected 2"
    grep -q -- "$want" "$tmp/err" || { no "fit $*: message lacks '$want'"; cat "$tmp/err"; }
}
t "no data" 
t "'cubic' is not a law" --law cubic "$SALIENT_DATA/duel-square-poisson.csv"
t "unknown option '--nope'" --nope
t "needs a value" --law
t "unexpected argument" a.csv b.csv
t "not both" "$SALIENT_DATA/duel-square-poisson.csv" --builtin iwojima
t "no built-in series 'nope'" --builtin nope
t "--bootstrap '1'" --bootstrap 1 --builtin iwojima
t "--seed 'x'" --seed x --builtin iwojima
# one seed rule for every command: no sign, no space (strtoull would read
# " -5" as 2^64 - 5)
t "--seed ' -5'" --seed " -5" --builtin iwojima
t "--seed '-5'" --seed -5 --builtin iwojima
t "--bootstrap ' 5'" --bootstrap " 5" --builtin iwojima

echo "fit_bad: $n files, $fail failed"
[ "$fail" -eq 0 ]

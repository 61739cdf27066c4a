#!/bin/sh
# Runtime limits (issue 7, item 2): absurd option values and jobs whose
# memory would not fit are refused before any work, with a clear message,
# exit status 2 and nothing written.  SALIENT_MEMORY_LIMIT stands for a
# small machine so that the refusal does not depend on this one.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
data=${SALIENT_DATA:-../shared/data}
f=examples/every-section.yaml

# refused CMD... -- PATTERN: exit 2, the pattern on stderr, $tmp/o not created
refused() {
    pat=$1
    shift
    rm -rf "$tmp/o"
    timeout 60 "$SALIENT" "$@" > "$tmp/out" 2> "$tmp/err"
    st=$?
    [ $st -eq 2 ] || no "'$*': exit $st, expected 2"
    grep -q -- "$pat" "$tmp/err" || { no "'$*': no '$pat' in: $(cat "$tmp/err")"; }
    [ -e "$tmp/o" ] && no "'$*': wrote $tmp/o"
    [ -s "$tmp/out" ] && no "'$*': printed on stdout"
}

refused "--runs '1000000000000' is not a whole number from 1 to 4294967295" ensemble "$f" --runs 1000000000000 --out "$tmp/o"
refused "--runs '1e12'" ensemble "$f" --runs 1e12 --out "$tmp/o"
refused "--runs '0'" ensemble "$f" --runs 0 --out "$tmp/o"
refused "--runs '-5'" compare "$f" --variant no-dprk --runs -5 --out "$tmp/o"
refused "--runs '99999999999999999999999'" compare "$f" --variant no-dprk --runs 99999999999999999999999 --out "$tmp/o"
refused "--threads '100000'" ensemble "$f" --threads 100000 --out "$tmp/o"
refused "--threads '0'" compare "$f" --variant no-dprk --threads 0 --out "$tmp/o"
refused "seed '1e3'" ensemble "$f" --seed 1e3 --out "$tmp/o"
refused "base sample '1000000000000'" sensitivity examples/ishigami.yaml --metric ishigami --base 1000000000000 --out "$tmp/o"
refused "bootstrap count '1000000000'" sensitivity examples/ishigami.yaml --metric ishigami --base 1024 --bootstrap 1000000000 --out "$tmp/o"
refused "--bootstrap '1000000000000'" fit "$data/iwojima-engel.csv" --bootstrap 1000000000000 --out "$tmp/o/fit.csv"

# memory: the estimate is printed and nothing runs
SALIENT_MEMORY_LIMIT=1000000 refused "the ensemble would need up to [0-9.]* MiB of memory, more than the 976.6 KiB available (SALIENT_MEMORY_LIMIT)" \
    ensemble "$f" --runs 100 --out "$tmp/o"
SALIENT_MEMORY_LIMIT=1000000 refused "the comparison would need up to [0-9.]* MiB of memory" \
    compare "$f" --variant no-dprk --runs 100 --out "$tmp/o"
# 2^30 design rows of three inputs: 88 GiB, whatever this machine has
refused "the Saltelli design would need up to 88.0 GiB of memory" \
    sensitivity examples/ishigami.yaml --metric ishigami --base 1073741824 --out "$tmp/o"
# more threads need more: each thread adds the same working set, so the
# estimate is linear in --threads (the printed MiB are rounded to 0.1)
need() { SALIENT_MEMORY_LIMIT=1 "$SALIENT" ensemble "$f" --runs 1000 --threads "$1" --out "$tmp/o" 2>&1 | sed -n 's/.*need up to \([0-9.]*\) MiB.*/\1/p'; }
need1=$(need 1)
need2=$(need 2)
need8=$(need 8)
awk -v a="$need1" -v b="$need2" -v c="$need8" 'BEGIN { d = c - a - 7 * (b - a); exit !(a > 0 && b > a && d < 0.8 && d > -0.8) }' ||
    no "memory estimate 1, 2, 8 threads: $need1, $need2, $need8 MiB (not linear in the threads)"

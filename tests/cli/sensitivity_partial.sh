#!/bin/sh
# 'salient sensitivity' interrupted (--stop-after stands in for Ctrl-C): the
# indices of the rows done are written, marked by DIR/PARTIAL, exit 1; they
# are the same bytes as a full run with that N (the first rows of the design
# are the design of a smaller N); a complete run into the same directory
# removes the marker.  No progress line when stderr is not a terminal.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

# waves of 256 rows x 5 runs: 5000 runs are done within the 4th wave
"$SALIENT" sensitivity examples/ishigami.yaml -m ishigami -n 4096 --stop-after 5000 -t 2 \
    -o "$tmp/p" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 1 ] || no "interrupted: expected exit 1"
grep -q "interrupted: indices from the first 1024 of 4096 design rows" "$tmp/err" \
    || { no "interrupted: message"; cat "$tmp/err"; }
grep -q "runs/s" "$tmp/err" && no "a progress line on a file"
grep -q "base N = 1024 (interrupted: of 4096)" "$tmp/out" || no "interrupted: table"
[ -f "$tmp/p/PARTIAL" ] || no "no PARTIAL marker"
"$SALIENT" sensitivity examples/ishigami.yaml -m ishigami -n 1024 -o "$tmp/full" -q \
    || no "N = 1024: exit status"
cmp "$tmp/p/sobol.csv" "$tmp/full/sobol.csv" || no "partial result differs from N = 1024"
"$SALIENT" sensitivity examples/ishigami.yaml -m ishigami -n 1024 -o "$tmp/p" -q \
    || no "complete run: exit status"
[ -e "$tmp/p/PARTIAL" ] && no "complete run: PARTIAL left"
# one wave only (4 rows): a stop asked after the last wave changes nothing
"$SALIENT" sensitivity examples/ishigami.yaml -m ishigami -n 4 --stop-after 1 -o "$tmp/none" \
    > /dev/null 2> "$tmp/err"
[ $? -eq 0 ] || no "a stop on the last wave is no stop"

[ $fail -eq 0 ] && echo "sensitivity_partial: ok"
exit $fail

#!/bin/sh
# Issue 21, "also": writes that fail.  A disk that fills up mid-write is
# made without root by a file-size limit (ulimit -f) with SIGXFSZ ignored,
# so that a write past it fails with EFBIG as a full disk fails with
# ENOSPC: ensemble, run, report, score and fit --out each exit 1 with a
# message naming the directory or file and the reason, and leave no
# partial file and no temporary (an earlier report.html or scores.csv as it
# was).  A standard output on /dev/full exits 1 with "No space left on
# device", not 0 with the output lost.  An --out that names a device, pipe
# or symbolic link is refused, never replaced by a regular file.  A
# directory made read-only is tried only when not root (root writes
# anyway); skipped otherwise.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2> /dev/null; rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
snap() { (cd "$1" && find . | LC_ALL=C sort | while read -r f; do
    if [ -f "$f" ]; then cksum "$f"; else echo "$f"; fi; done); }
# limited KB CMD...: CMD with files limited to about KB kilobytes
limited() {
    kb=$1
    shift
    (trap '' XFSZ; ulimit -f $((kb * 2)) 2> /dev/null || ulimit -f "$kb"; exec "$@")
}
# no_temporaries DIR: no .NAME.PID.XXXXXX left
no_temporaries() {
    left=$(find "$1" -name '.*.*.*' -type f)
    [ -z "$left" ] || no "$2: temporaries left: $left"
}
ex=examples/every-section.yaml

# ensemble and run into a "full" disk: nothing written
limited 32 "$SALIENT" ensemble $ex --runs 200 --threads 1 -q --out "$tmp/e" 2> "$tmp/err"
st=$?
[ $st -eq 1 ] || no "ensemble: exit $st, expected 1"
grep -q "salient ensemble: cannot write .*$tmp/e.*: File too large" "$tmp/err" || no "ensemble: $(cat "$tmp/err")"
for f in quantiles.csv events.csv runs.csv results.sqlite; do
    [ ! -e "$tmp/e/$f" ] || no "ensemble: $f written"
done
[ ! -d "$tmp/e/checkpoint" ] || no "ensemble: a checkpoint directory left"
no_temporaries "$tmp/e" ensemble
limited 8 "$SALIENT" run $ex -q --out "$tmp/r" 2> "$tmp/err"
st=$?
[ $st -eq 1 ] && grep -q "cannot write .*File too large" "$tmp/err" || no "run: exit $st: $(cat "$tmp/err")"
[ -z "$(ls "$tmp/r" 2> /dev/null)" ] || no "run: wrote $(ls "$tmp/r")"

# report and score over earlier outputs: they stay as they were
"$SALIENT" ensemble tests/data/score/toy.yaml --runs 100 --observations tests/data/score/truth.yaml \
    -q --out "$tmp/d" || no "ensemble (toy)"
"$SALIENT" report "$tmp/d" > /dev/null || no "report"
"$SALIENT" score "$tmp/d" --observations tests/data/score/truth.yaml -q || no "score"
before=$(snap "$tmp/d")
limited 4 "$SALIENT" report "$tmp/d" > /dev/null 2> "$tmp/err"
st=$?
[ $st -eq 1 ] && grep -q "cannot write report.html in this directory: File too large" "$tmp/err" ||
    no "report: exit $st: $(cat "$tmp/err")"
[ "$(snap "$tmp/d")" = "$before" ] || no "report: the directory changed"
limited 4 "$SALIENT" score "$tmp/d" --observations tests/data/score/truth.yaml -q 2> "$tmp/err"
st=$?
[ $st -eq 1 ] && grep -q "cannot write the scores in .*: File too large" "$tmp/err" ||
    no "score: exit $st: $(cat "$tmp/err")"
[ "$(snap "$tmp/d")" = "$before" ] || no "score: the directory changed"

# fit --out into a "full" disk, and onto what is not a regular file
limited 1 "$SALIENT" fit --builtin iwojima --json --out "$tmp/f.csv" > /dev/null 2> "$tmp/err"
st=$?
[ $st -eq 1 ] && grep -q "cannot write '$tmp/f.csv': File too large" "$tmp/err" || no "fit --out: exit $st: $(cat "$tmp/err")"
[ ! -e "$tmp/f.csv" ] || no "fit --out: a partial file"
no_temporaries "$tmp" "fit --out"
ln -s "$tmp/target.csv" "$tmp/link.csv"
mkfifo "$tmp/fifo.csv" 2> /dev/null
for f in "$tmp/link.csv" "$tmp/fifo.csv"; do
    [ -e "$f" ] || [ -L "$f" ] || continue
    "$SALIENT" fit --builtin iwojima --json --out "$f" > /dev/null 2> "$tmp/err"
    st=$?
    [ $st -eq 1 ] && grep -q "is not a regular file" "$tmp/err" || no "fit --out $f: exit $st: $(cat "$tmp/err")"
done
[ -L "$tmp/link.csv" ] && [ ! -e "$tmp/target.csv" ] || no "fit --out a symbolic link: replaced or followed"
[ ! -p "$tmp/fifo.csv" ] && [ -e "$tmp/fifo.csv" ] && no "fit --out a pipe: replaced"
no_temporaries "$tmp" "fit --out, not a file"

# standard output on a full device
if [ -c /dev/full ]; then
    for cmd in "check examples/minimal.yaml" "fit --builtin iwojima --json" "help ensemble"; do
        # shellcheck disable=SC2086
        "$SALIENT" $cmd > /dev/full 2> "$tmp/err"
        st=$?
        [ $st -eq 1 ] && grep -q "cannot write the standard output: No space left on device" "$tmp/err" ||
            no "$cmd > /dev/full: exit $st: $(cat "$tmp/err")"
    done
else
    echo "write_fails: no /dev/full here: standard output not tried"
fi

# a directory made read-only after the ensemble (root writes anyway)
if [ "$(id -u)" != 0 ]; then
    chmod a-w "$tmp/d"
    before=$(snap "$tmp/d")
    "$SALIENT" report "$tmp/d" > /dev/null 2> "$tmp/err"
    st=$?
    [ $st -eq 1 ] && grep -q "cannot write report.html in this directory: Permission denied" "$tmp/err" ||
        no "report, read-only: exit $st: $(cat "$tmp/err")"
    [ "$(snap "$tmp/d")" = "$before" ] || no "report, read-only: the directory changed"
    chmod u+w "$tmp/d"
else
    echo "write_fails: run as root: the read-only directory is not tried"
fi

echo "write_fails: $fail failed"
[ "$fail" -eq 0 ]

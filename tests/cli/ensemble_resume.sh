#!/bin/sh
# Interrupt and resume (issue 7, item 4): an ensemble stopped by --stop-after
# (the Ctrl-C path, deterministic), by real SIGINT and SIGTERM, and killed by
# SIGKILL (at a deterministic point with --crash-after, before and after a
# checkpoint, and at random moments), then resumed with --resume DIR, ends
# with every file (quantiles.csv, events.csv, runs.csv, results.sqlite) the
# same bytes as an uninterrupted run of the same seed, for 1 and 2 threads
# on either side.  A checkpoint of another ensemble (scenario bytes, variant,
# seed, runs, --no-runs-csv) or a damaged one is refused with exit 2 and the
# files left as they were.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
f=examples/every-section.yaml
N=1200
files="quantiles.csv events.csv runs.csv results.sqlite"

"$SALIENT" ensemble "$f" --runs $N --threads 1 -q --out "$tmp/ref" || no "reference run"

# same DIR LABEL: DIR holds the reference's bytes, no PARTIAL, no checkpoint,
# no temporaries
same() {
    for x in $files; do
        cmp -s "$tmp/ref/$x" "$1/$x" || no "$2: $x differs from the uninterrupted run"
    done
    [ -e "$1/PARTIAL" ] && no "$2: PARTIAL left"
    [ -e "$1/checkpoint" ] && no "$2: checkpoint left after the end"
    ls -A "$1" | grep -q '^\.' && no "$2: temporaries left: $(ls -A "$1" | grep '^\.')"
}

# stopped (the Ctrl-C path) at several points, resumed with the other
# thread count; once stopped twice
for t in 1 2; do
    u=$((3 - t))
    for k in 1 300 900; do
        d="$tmp/stop-$t-$k"
        "$SALIENT" ensemble "$f" --runs $N --threads $t --stop-after $k -q --out "$d" 2> "$tmp/err"
        [ $? -eq 1 ] || no "stop $k: exit 1 expected"
        grep -q "the same command with --resume $d finishes it" "$tmp/err" || no "stop $k: the resume hint: $(cat "$tmp/err")"
        [ -f "$d/checkpoint/state" ] && [ -f "$d/PARTIAL" ] || no "stop $k: no checkpoint or PARTIAL"
        "$SALIENT" ensemble "$f" --runs $N --threads $u -q --resume "$d" || no "resume after stop $k"
        same "$d" "stopped at $k with $t thread(s), resumed with $u"
    done
done
d="$tmp/twice"
"$SALIENT" ensemble "$f" --runs $N --threads 2 --stop-after 200 -q --out "$d" 2> /dev/null
"$SALIENT" ensemble "$f" --runs $N --threads 1 --stop-after 700 -q --resume "$d" 2> /dev/null
[ $? -eq 1 ] || no "second stop: exit 1"
[ "$(($(wc -l < "$d/runs.csv") - 1))" -ge 700 ] || no "second stop: the partial runs.csv holds the runs of both parts"
"$SALIENT" ensemble "$f" --runs $N --threads 2 -q --resume "$d" || no "resume after two stops"
same "$d" "stopped twice"

# killed while resumed (after its replay, with records past the state),
# then resumed again
d="$tmp/again"
"$SALIENT" ensemble "$f" --runs $N --threads 1 --stop-after 200 -q --out "$d" 2> /dev/null
"$SALIENT" ensemble "$f" --runs $N --threads 2 --checkpoint-every 3600 --crash-after 800 -q --resume "$d" 2> /dev/null
[ $? -gt 128 ] || no "crash while resumed: expected death by SIGKILL"
"$SALIENT" ensemble "$f" --runs $N --threads 1 -q --resume "$d" || no "resume after a crash while resumed"
same "$d" "killed while resumed, resumed again"

# --no-runs-csv: the same for the other three files
"$SALIENT" ensemble "$f" --runs $N --no-runs-csv -q --out "$tmp/ref-nr" || no "reference --no-runs-csv"
d="$tmp/nr"
"$SALIENT" ensemble "$f" --runs $N --no-runs-csv --stop-after 400 -q --out "$d" 2> /dev/null
"$SALIENT" ensemble "$f" --runs $N --no-runs-csv --threads 2 -q --resume "$d" || no "resume --no-runs-csv"
for x in quantiles.csv events.csv results.sqlite; do
    cmp -s "$tmp/ref-nr/$x" "$d/$x" || no "--no-runs-csv resumed: $x differs"
done
[ -e "$d/runs.csv" ] && no "--no-runs-csv resumed: runs.csv written"

# per-run paths and event days: stopped, killed and resumed, the same bytes;
# a resume with other --series or --dates is refused
P="--series dprk_casualties,rok_rung --dates 2024-11-20,2025-02-01"
"$SALIENT" ensemble "$f" --runs $N $P --no-runs-csv -q --out "$tmp/ref-p" || no "reference --series"
for how in "--stop-after 500" "--checkpoint-every 0 --crash-after 700"; do
    d="$tmp/paths"
    rm -rf "$d"
    "$SALIENT" ensemble "$f" --runs $N $P --no-runs-csv --threads 2 $how -q --out "$d" 2> /dev/null
    "$SALIENT" ensemble "$f" --runs $N $P --series rok_rung --no-runs-csv -q --resume "$d" 2> "$tmp/err"
    [ $? -eq 2 ] && grep -q "the per-run paths) differ" "$tmp/err" || no "paths $how: other --series resumed: $(cat "$tmp/err")"
    "$SALIENT" ensemble "$f" --runs $N $P --no-runs-csv --threads 1 -q --resume "$d" || no "paths $how: resume"
    for x in quantiles.csv events.csv paths.csv run_events.csv results.sqlite; do
        cmp -s "$tmp/ref-p/$x" "$d/$x" || no "paths $how: $x differs after the resume"
    done
done

# SIGKILL at a deterministic point (a wave's end): with a checkpoint after
# every wave (the log then matches the state), and with none since the
# start (the log then holds records past the state, which the resume cuts)
for t in 1 2; do
    for every in 0 3600; do
        for k in 300 1000; do
            d="$tmp/crash-$t-$every-$k"
            "$SALIENT" ensemble "$f" --runs $N --threads $t --checkpoint-every $every --crash-after $k -q --out "$d" 2> /dev/null
            st=$?
            [ $st -eq 137 ] || [ $st -gt 128 ] || no "crash-after $k: exit $st, expected death by SIGKILL"
            [ -e "$d/quantiles.csv" ] && no "crash-after $k: a file appeared before the end"
            "$SALIENT" ensemble "$f" --runs $N --threads $((3 - t)) -q --resume "$d" || no "resume after crash $k (every $every, $t threads)"
            same "$d" "killed at $k (checkpoint every $every s, $t thread(s))"
        done
    done
done

# real signals: SIGINT and SIGTERM once the ensemble is under way
for sig in INT TERM; do
    d="$tmp/sig-$sig"
    "$SALIENT" ensemble "$f" --runs $N --threads 2 -q --out "$d" 2> /dev/null &
    pid=$!
    # wait until the first wave is done (the checkpoint of 0 runs is written first)
    i=0
    while [ ! -s "$d/checkpoint/runs.bin" ] && [ $i -lt 400 ] && kill -0 $pid 2> /dev/null; do
        sleep 0.05; i=$((i + 1))
    done
    kill -$sig $pid 2> /dev/null
    wait $pid
    st=$?
    if [ $st -eq 1 ]; then
        [ -f "$d/PARTIAL" ] && [ -f "$d/checkpoint/state" ] || no "SIG$sig: no PARTIAL or checkpoint"
        "$SALIENT" ensemble "$f" --runs $N --threads 1 -q --resume "$d" || no "resume after SIG$sig"
    else
        [ $st -eq 0 ] || no "SIG$sig: exit $st"   # finished before the signal
    fi
    same "$d" "SIG$sig"
done

# SIGKILL at random moments, checkpoints after every wave
seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
t0=$(date +%s%N)
"$SALIENT" ensemble "$f" --runs $N --threads 2 -q --out "$tmp/timing" > /dev/null
ms=$(( ($(date +%s%N) - t0) / 1000000 + 10 ))
for i in 1 2 3 4; do
    d="$tmp/rand-$i"
    delay=$(awk -v s="$seed" -v i="$i" -v ms="$ms" 'BEGIN { srand(s + i); printf "%.3f", rand() * ms / 1000 }')
    "$SALIENT" ensemble "$f" --runs $N --threads 2 --checkpoint-every 0 -q --out "$d" 2> /dev/null &
    pid=$!
    sleep "$delay"
    kill -9 $pid 2> /dev/null
    wait $pid 2> /dev/null
    for x in $files; do # any result file present is the complete one
        [ -e "$d/$x" ] && { cmp -s "$d/$x" "$tmp/ref/$x" || no "random kill $i at ${delay}s (seed $seed): $x incomplete"; }
    done
    if [ -f "$d/checkpoint/state" ]; then
        "$SALIENT" ensemble "$f" --runs $N --threads $((i % 2 + 1)) -q --resume "$d" || no "resume after random kill $i at ${delay}s (seed $seed)"
    elif [ ! -f "$d/quantiles.csv" ]; then
        # killed before the first checkpoint: nothing to resume, and nothing written
        "$SALIENT" ensemble "$f" --runs $N -q --resume "$d" 2> /dev/null
        [ $? -eq 2 ] || no "random kill $i: --resume without a checkpoint should exit 2"
        "$SALIENT" ensemble "$f" --runs $N -q --out "$d" || no "fresh run after random kill $i"
    fi
    same "$d" "random SIGKILL $i at ${delay}s of ${ms}ms (seed $seed)"
done

# refusals: another ensemble's checkpoint, a damaged one, none
d="$tmp/mis"
"$SALIENT" ensemble "$f" --runs $N --stop-after 300 -q --out "$d" 2> /dev/null
cp -r "$d" "$tmp/mis-before"
refuse() {
    pat=$1
    shift
    "$SALIENT" ensemble "$@" -q --resume "$d" > /dev/null 2> "$tmp/err"
    st=$?
    [ $st -eq 2 ] || no "resume $*: exit $st, expected 2"
    grep -q -- "$pat" "$tmp/err" || no "resume $*: no '$pat' in: $(cat "$tmp/err")"
    for x in $files PARTIAL checkpoint/state checkpoint/runs.bin; do
        cmp -s "$d/$x" "$tmp/mis-before/$x" || no "resume $*: $x changed by a refused resume"
    done
}
refuse "checkpoint/state: error: this checkpoint belongs to another ensemble: --runs is 1201, not 1200" "$f" --runs 1201
refuse "the seed is 5, not " "$f" --runs $N --seed 5
refuse "the variant is 'no-dprk', not the base" "$f" --runs $N --variant no-dprk
refuse "no-runs-csv is on now and was off then" "$f" --runs $N --no-runs-csv
cp "$f" "$tmp/edited.yaml"
echo "# one more line" >> "$tmp/edited.yaml"
refuse "the scenario file is not the same" "$tmp/edited.yaml" --runs $N
cp "$d/checkpoint/state" "$tmp/state"
head -c 1000 "$tmp/state" > "$d/checkpoint/state"
cp "$d/checkpoint/state" "$tmp/mis-before/checkpoint/state"
refuse "not a usable checkpoint" "$f" --runs $N
# one byte changed in the middle
size=$(wc -c < "$tmp/state")
{ head -c $((size / 2)) "$tmp/state"; printf 'Z'; tail -c $((size - size / 2 - 1)) "$tmp/state"; } > "$d/checkpoint/state"
cp "$d/checkpoint/state" "$tmp/mis-before/checkpoint/state"
refuse "its checksum does not match" "$f" --runs $N
cp "$tmp/state" "$d/checkpoint/state"
cp "$tmp/state" "$tmp/mis-before/checkpoint/state"
cp "$tmp/mis-before/checkpoint/runs.bin" "$tmp/log"
head -c 100 "$tmp/log" > "$d/checkpoint/runs.bin"
cp "$d/checkpoint/runs.bin" "$tmp/mis-before/checkpoint/runs.bin"
refuse "record 0 (run 0, bytes 52 to .*it ends before this record" "$f" --runs $N
# issue 21, hole 1: one bit flipped in a record the state counts, in the
# header; then a torn record past the count, which a resume drops
flip() { # file offset: bit 2 of that byte flipped
    b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
    # shellcheck disable=SC2059
    printf "$(printf '\\%03o' $((b ^ 4)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2> /dev/null
}
rec=$((12 + 8 * $(od -An -tu4 -j40 -N4 "$tmp/log" | tr -d ' ')))
cp "$tmp/log" "$d/checkpoint/runs.bin"
flip "$d/checkpoint/runs.bin" $((52 + 137 * rec + 30))
cmp -s "$tmp/log" "$d/checkpoint/runs.bin" && no "flip: the log did not change"
cp "$d/checkpoint/runs.bin" "$tmp/mis-before/checkpoint/runs.bin"
refuse "runs.bin: error: record 137 (run 137, bytes $((52 + 137 * rec)) to $((51 + 138 * rec))) is not usable: its checksum does not match" "$f" --runs $N
cp "$tmp/log" "$d/checkpoint/runs.bin"
flip "$d/checkpoint/runs.bin" 30
cp "$d/checkpoint/runs.bin" "$tmp/mis-before/checkpoint/runs.bin"
refuse "runs.bin: error: not a usable run log: the checksum of its header does not match" "$f" --runs $N
cp "$tmp/log" "$d/checkpoint/runs.bin"
head -c $((52 + rec / 2)) "$tmp/log" | tail -c $((rec / 2)) >> "$d/checkpoint/runs.bin"
"$SALIENT" ensemble "$f" --runs $N -q --resume "$d" 2> "$tmp/err" || no "resume after a torn last record: exit $?: $(cat "$tmp/err")"
same "$d" "resumed after a torn last record"
"$SALIENT" ensemble "$f" --runs $N -q --resume "$tmp/nowhere" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "nothing to resume" "$tmp/err" || no "--resume of a directory without a checkpoint"
[ -e "$tmp/nowhere" ] && no "--resume created a directory"
"$SALIENT" ensemble "$f" --runs $N -q --resume "$tmp/ref" 2> "$tmp/err"
[ $? -eq 2 ] || no "--resume of a finished ensemble: exit 2"

echo "ensemble_resume: $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# Whole files or none (issue 7, item 3): every writer (run, ensemble,
# compare, sensitivity, fit --out) is killed with SIGKILL at random moments
# while it rewrites a directory that holds the complete files of an earlier
# run (another seed).  Every file present afterwards must be byte for byte
# either the earlier complete file or the new complete one, never a mix or a
# piece.  A temporary left by the killed writer (.NAME.PID.XXXXXX) is removed
# by the next writer of that name, which then writes the new files whole.
# The moments are random (awk's srand, printed on failure); 8 per writer.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
data=${SALIENT_DATA:-../shared/data}

# cmd NAME SEED DIR: the writer NAME's command line, writing in DIR
cmd() {
    case $1 in
    run) echo "run examples/every-section.yaml --run 7 --seed $2 -q --out $3" ;;
    ensemble) echo "ensemble examples/every-section.yaml --runs 1500 --threads 2 --seed $2 -q --out $3" ;;
    compare) echo "compare examples/every-section.yaml --variant no-dprk --runs 800 --seed $2 -q --out $3" ;;
    sensitivity) echo "sensitivity examples/ishigami.yaml --metric ishigami --base 2048 --bootstrap 100 --seed $2 -q --out $3" ;;
    fit) echo "fit $data/duel-square-poisson.csv --bootstrap 60 --out $3/fit.csv" ;;
    esac
}

seedrand=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
k=0
for w in run ensemble compare sensitivity fit; do
    mkdir -p "$tmp/old-$w" "$tmp/new-$w"
    # the fit has no seed: the earlier file is another law's
    if [ $w = fit ]; then
        $SALIENT fit "$data/duel-square-poisson.csv" --law linear --out "$tmp/old-$w/fit.csv" > /dev/null || no "$w: old"
    else
        $SALIENT $(cmd $w 11 "$tmp/old-$w") > /dev/null || no "$w: old"
    fi
    $SALIENT $(cmd $w 12 "$tmp/new-$w") > /dev/null || no "$w: new"
    # how long a whole run takes, to spread the kills over it
    t0=$(date +%s%N)
    $SALIENT $(cmd $w 12 "$tmp/time-$w") > /dev/null 2>&1
    t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 + 5 ))
    i=0
    while [ $i -lt 8 ]; do
        i=$((i + 1)); k=$((k + 1))
        d="$tmp/k-$w-$i"
        cp -r "$tmp/old-$w" "$d"
        delay=$(awk -v s="$seedrand" -v k="$k" -v ms="$ms" 'BEGIN { srand(s + k); printf "%.3f", rand() * ms / 1000 }')
        $SALIENT $(cmd $w 12 "$d") > /dev/null 2>&1 &
        pid=$!
        sleep "$delay"
        kill -9 $pid 2> /dev/null
        wait $pid 2> /dev/null
        for f in "$d"/*; do
            [ -f "$f" ] || continue
            b=$(basename "$f")
            [ "$b" = run.json ] && continue # the time of the run: whole, but never the same bytes
            [ "$b" = PARTIAL ] && { no "$w: PARTIAL after a kill (seed $seedrand, kill $k)"; continue; }
            if ! cmp -s "$f" "$tmp/old-$w/$b" && ! cmp -s "$f" "$tmp/new-$w/$b"; then
                no "$w: $b is neither the old nor the new file after SIGKILL at ${delay}s (seed $seedrand, kill $k)"
            fi
        done
        # every file the old run had is still there, old or new
        for f in "$tmp/old-$w"/*; do
            [ -f "$d/$(basename "$f")" ] || no "$w: $(basename "$f") vanished after SIGKILL at ${delay}s"
        done
        # the next writer sweeps the dead one's temporaries and writes whole
        $SALIENT $(cmd $w 12 "$d") > /dev/null 2>&1 || no "$w: rerun after kill $k"
        ls -A "$d" | grep -q '^\.' && no "$w: temporaries left after the rerun: $(ls -A "$d" | grep '^\.')"
        for f in "$tmp/new-$w"/*; do
            [ "$(basename "$f")" = run.json ] && continue # its time differs by design
            cmp -s "$f" "$d/$(basename "$f")" || no "$w: rerun after kill $k: $(basename "$f") differs"
        done
        rm -rf "$d"
    done
done

# a live writer's temporary is not swept by another writer in the same DIR
mkdir -p "$tmp/live"
sleep 30 &
live=$!
: > "$tmp/live/.series.csv.$live.AbCdEf"
: > "$tmp/live/.series.csv.999999999.AbCdEf"
$SALIENT run examples/minimal.yaml -q --out "$tmp/live" || no "run beside a live temporary"
[ -e "$tmp/live/.series.csv.$live.AbCdEf" ] || no "a live writer's temporary was removed"
[ -e "$tmp/live/.series.csv.999999999.AbCdEf" ] && no "a dead writer's temporary was kept"
kill $live 2> /dev/null
wait $live 2> /dev/null

# every writer sweeps, fit included (a fit killed inside its short write
# window once left .fit.csv.PID.XXXXXX that the next fit never removed)
mkdir -p "$tmp/fitdead"
: > "$tmp/fitdead/.fit.csv.999999999.AbCdEf"
$SALIENT fit "$data/duel-square-poisson.csv" --out "$tmp/fitdead/fit.csv" > /dev/null || no "fit beside a dead temporary"
[ -e "$tmp/fitdead/.fit.csv.999999999.AbCdEf" ] && no "fit kept a dead writer's temporary"

echo "kill_writers: $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# 'mpirun -np K salient calibrate': the sampler's particles split over the
# ranks and gathered after every loop over them, so every file is the bytes
# of one process, for K = 2 and 3 (a share of 67 particles each), with 1 and
# 2 threads; a checkpoint written under mpirun resumes in one process and the
# other way round; the degeneracy stop says why once, with exit 1.  Skipped
# (and passing) when salient was built without Open MPI or mpirun is missing.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
if ! command -v mpirun > /dev/null || ! ldd "$SALIENT" 2> /dev/null | grep -q libmpi; then
    echo "calibrate_mpi: skipped (no Open MPI)"
    exit 0
fi
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
# root in containers and CI; Open MPI's own allocations are not ours to check
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
mpi() { mpirun --oversubscribe -np "$@" < /dev/null; }

files="calibration.csv events.csv posterior.csv prior_posterior.csv quantiles.csv results.sqlite runs.csv stages.csv"
same() { # same REF DIR WHAT
    for x in $files; do
        cmp -s "$tmp/$1/$x" "$tmp/$2/$x" || no "$3: $x differs from one process"
    done
    [ "$(ls -A "$tmp/$2" | tr '\n' ' ')" = "$files " ] || no "$3: files: $(ls -A "$tmp/$2")"
}
f=tests/calib/duel.yaml
obs=tests/calib/duel.observations.yaml
run() { "$SALIENT" calibrate "$f" --observations "$obs" --particles 201 --min-distinct 20 -q "$@"; }
run --threads 1 --out "$tmp/one" || no "one process"
[ "$(awk -F, 'NR > 1' "$tmp/one/stages.csv" | wc -l)" -ge 3 ] || no "fewer than 3 stages: too easy a test"
mpi 2 "$SALIENT" calibrate "$f" --observations "$obs" --particles 201 --min-distinct 20 -q \
    --threads 1 --out "$tmp/m2" || no "mpirun -np 2, 1 thread"
same one m2 "-np 2"
mpi 3 "$SALIENT" calibrate "$f" --observations "$obs" --particles 201 --min-distinct 20 -q \
    --threads 2 --out "$tmp/m3" || no "mpirun -np 3, 2 threads"
same one m3 "-np 3"

# interrupted under mpirun, resumed in one process; and the other way round
mpi 2 "$SALIENT" calibrate "$f" --observations "$obs" --particles 201 --min-distinct 20 -q \
    --threads 1 --stop-after 1 --out "$tmp/s" > /dev/null 2>&1 && no "a stopped calibration exited 0"
[ -s "$tmp/s/checkpoint/calibrate" ] || no "no checkpoint after a stop under mpirun"
run --resume "$tmp/s" || no "the resume in one process failed"
rm -rf "$tmp/s/checkpoint"
same one s "stopped under mpirun, resumed in one process"
run --out "$tmp/k" --crash-after 1 2> /dev/null
[ -s "$tmp/k/checkpoint/calibrate" ] || no "no checkpoint after a kill"
mpi 2 "$SALIENT" calibrate "$f" --observations "$obs" --particles 201 --min-distinct 20 -q \
    --threads 1 --resume "$tmp/k" || no "the resume under mpirun failed"
[ -e "$tmp/k/checkpoint" ] && no "the checkpoint was left after the resume under mpirun"
rm -rf "$tmp/k/checkpoint"
same one k "killed in one process, resumed under mpirun"

# too few distinct particles: exit 1 and the message once, from rank 0
mpi 2 "$SALIENT" calibrate "$f" --observations "$obs" --particles 201 --min-distinct 201 -q \
    --threads 1 --out "$tmp/d" > "$tmp/out" 2>&1
[ $? -eq 1 ] || no "a degenerate calibration under mpirun did not exit 1"
[ "$(grep -c 'more --particles' "$tmp/out")" -eq 1 ] || no "the degeneracy message is not said once"
# a bad observations file: exit 2, said once
printf 'reports:\n  - nonsense: 1\n' > "$tmp/bad.yaml"
mpi 2 "$SALIENT" calibrate "$f" --observations "$tmp/bad.yaml" -q --out "$tmp/b" > "$tmp/out" 2>&1
[ $? -eq 2 ] || no "a bad observations file under mpirun did not exit 2"
[ "$(grep -c "bad.yaml:1:1: error: unknown key 'reports'" "$tmp/out")" -eq 1 ] \
    || no "the bad file's problem is not said once, naming file:line:col"

echo "calibrate_mpi: $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# 'mpirun -np 2 salient ensemble': the same bytes in every file as one process
# with 1 and 2 threads, --no-runs-csv too, and more ranks than runs.  Skipped
# (and passing) when salient was built without Open MPI or mpirun is missing.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
if ! command -v mpirun > /dev/null || ! ldd "$SALIENT" 2> /dev/null | grep -q libmpi; then
    echo "ensemble_mpi: skipped (no Open MPI)"
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

f=examples/every-section.yaml
"$SALIENT" ensemble "$f" --runs 777 --threads 1 -q --out "$tmp/one" || no "one process"
mpi 2 "$SALIENT" ensemble "$f" --runs 777 --threads 1 -q --out "$tmp/mpi1" || no "mpirun -np 2, 1 thread"
mpi 2 "$SALIENT" ensemble "$f" --runs 777 --threads 2 -q --out "$tmp/mpi2" || no "mpirun -np 2, 2 threads"
for d in mpi1 mpi2; do
    for x in quantiles.csv events.csv runs.csv results.sqlite; do
        cmp -s "$tmp/one/$x" "$tmp/$d/$x" || no "$d: $x differs from one process"
    done
    [ "$(ls -A "$tmp/$d" | tr '\n' ' ')" = "events.csv quantiles.csv results.sqlite run.json runs.csv " ] \
        || no "$d: files: $(ls -A "$tmp/$d")"
done
# per-run paths and event days: rank 0 gathers them in run order
P="--series dprk_casualties,rok_rung --dates 2024-11-20,2025-02-01"
"$SALIENT" ensemble "$f" --runs 777 --threads 2 -q $P --out "$tmp/p1" || no "paths, one process"
mpi 2 "$SALIENT" ensemble "$f" --runs 777 --threads 1 -q $P --out "$tmp/pm" || no "paths, mpirun -np 2"
mpi 3 "$SALIENT" ensemble "$f" --runs 777 --threads 1 -q $P --no-runs-csv --out "$tmp/pn" || no "paths, -np 3, --no-runs-csv"
for x in runs.csv paths.csv run_events.csv results.sqlite; do
    cmp -s "$tmp/p1/$x" "$tmp/pm/$x" || no "paths: $x differs under mpirun -np 2"
done
for x in paths.csv run_events.csv; do
    cmp -s "$tmp/p1/$x" "$tmp/pn/$x" || no "paths: $x differs under mpirun -np 3 --no-runs-csv"
done
[ "$(ls -A "$tmp/pn" | tr '\n' ' ')" = "events.csv paths.csv quantiles.csv results.sqlite run.json run_events.csv " ] \
    || no "pn: files: $(ls -A "$tmp/pn")"
mpi 2 "$SALIENT" ensemble "$f" --runs 1 -q --no-runs-csv --out "$tmp/tiny" || no "more ranks than runs"
"$SALIENT" ensemble "$f" --runs 1 -q --no-runs-csv --out "$tmp/tiny1" || no "one run"
cmp -s "$tmp/tiny/quantiles.csv" "$tmp/tiny1/quantiles.csv" || no "one run on 2 ranks differs"

echo "ensemble_mpi: $fail failed"
[ "$fail" -eq 0 ]

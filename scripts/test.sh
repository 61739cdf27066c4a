#!/bin/sh
# The whole test suite: builds and runs every cmocka test and every CLI test,
# first in build/ (plain -O2), then in build-san/ (AddressSanitizer + UBSan).
# Ends with one line CI can read: "N passed, N failed".
set -u
JOBS=${JOBS:-2}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export SALIENT_DATA=${SALIENT_DATA:-$top/../shared/data}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}

passed=0
failed=0
failures=""
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

count() { # $1 = label, $2 = log file, $3 = exit status
    p=$(grep -o '\[  PASSED  \] [0-9]* test' "$2" | awk '{s+=$4} END {print s+0}')
    f=$(grep -o '\[  FAILED  \] [0-9]* test' "$2" | awk '{s+=$4} END {print s+0}')
    if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi  # crashed before its summary
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$f" -ne 0 ]; then
        failures="$failures $1"
        echo "---- $1 failed:"; tail -n 40 "$2"
    fi
}

for variant in plain san; do
    if [ $variant = san ]; then san=1; build=build-san; else san=0; build=build; fi
    echo "== building ($variant) in $build/"
    if ! make --no-print-directory -j"$JOBS" SAN=$san all tests > "$log/make" 2>&1; then
        cat "$log/make"; echo "0 passed, 1 failed (build $variant)"; exit 1
    fi
    if grep -q 'warning:' "$log/make"; then
        grep 'warning:' "$log/make"; failed=$((failed + 1)); failures="$failures warnings-$variant"
    fi
    for t in "$build"/tests/test_*; do
        [ -x "$t" ] || continue
        name="$variant/$(basename "$t")"
        "$t" > "$log/out" 2>&1; st=$?
        count "$name" "$log/out" $st
        echo "   $name: $(grep -c '^\[       OK \]' "$log/out") ok"
    done
    for s in tests/cli/*.sh; do
        [ -f "$s" ] || continue
        name="$variant/cli/$(basename "$s" .sh)"
        SALIENT="$top/$build/salient" sh "$s" > "$log/out" 2>&1; st=$?
        if [ $st -eq 0 ]; then passed=$((passed + 1)); echo "   $name: ok"
        else failed=$((failed + 1)); failures="$failures $name"; echo "---- $name failed:"; tail -n 40 "$log/out"; fi
    done
done

# the static analysers (scripts/lint.sh: cppcheck and clang-tidy), one test
echo "== lint (cppcheck, clang-tidy)"
if sh scripts/lint.sh > "$log/out" 2>&1; then
    passed=$((passed + 1)); echo "   $(tail -n 1 "$log/out")"
else
    failed=$((failed + 1)); failures="$failures lint"; echo "---- lint failed:"; tail -n 60 "$log/out"
fi

[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

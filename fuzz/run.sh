#!/bin/sh
# `make fuzz`: runs each libFuzzer harness in turn for FUZZ_TIME seconds
# (default 60), one process at a time (the machine is shared), with a
# per-input timeout and an RSS limit.  The working corpus grows in
# build-fuzz/corpus/<harness>/ (not committed) from the seeds below; a crash,
# hang, leak or broken contract is left in build-fuzz/found/<harness>/ to be
# copied to fuzz/regress/<harness>/ once fixed.  Prints one line per harness:
#   <harness>: clean|FOUND, <seconds> s, <executions> executions
# and appends it, dated, to build-fuzz/runs.log.
# Usage: fuzz/run.sh BUILD_DIR [harness ...]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
B=${1:-build-fuzz}
shift
harnesses=${*:-scenario expr battle engine obs checkpoint}
T=${FUZZ_TIME:-60}
TIMEOUT=${FUZZ_TIMEOUT:-10}
RSS=${FUZZ_RSS_MB:-2048}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for h in $harnesses; do
    corpus="$B/corpus/$h"
    found="$B/found/$h"
    mkdir -p "$corpus" "$found"
    # seeds: the shipped and test inputs of each reader, and past findings
    seeds=""
    case $h in
    scenario)
        seeds="examples tests/bad tests/golden"
        [ -d scenarios ] && seeds="$seeds scenarios"
        max_len=65536 ;;
    engine) # the models the reader accepts
        seeds="examples tests/golden"
        [ -d scenarios ] && seeds="$seeds scenarios"
        max_len=65536 ;;
    expr) seeds="fuzz/seeds/expr"; max_len=4096 ;;
    obs) # observations files, against the harness's fixed scenario
        seeds="tests/bad/obs tests/data/obs"
        [ -d scenarios ] && seeds="$seeds scenarios"
        max_len=16384 ;;
    battle) seeds="$B/seeds/battle"; max_len=16384
        mkdir -p "$B/seeds/battle"
        find tests/data ../shared/data -name '*.csv' -size -64k 2>/dev/null |
            while read -r f; do cp "$f" "$B/seeds/battle/$(echo "$f" | tr / _)"; done ;;
    checkpoint) # a real checkpoint of an interrupted ensemble: u16 n, state, runs.bin
        seeds="$B/seeds/checkpoint"; max_len=65536
        mkdir -p "$seeds"
        if [ -x build/salient ] && build/salient ensemble examples/minimal.yaml --runs 40 \
               --stop-after 10 -q --out "$B/seeds/ck-dir" 2> /dev/null; [ -f "$B/seeds/ck-dir/checkpoint/state" ]; then
            n=$(wc -c < "$B/seeds/ck-dir/checkpoint/state")
            { printf "$(printf '\\%03o\\%03o' $((n % 256)) $((n / 256)))"
              cat "$B/seeds/ck-dir/checkpoint/state" "$B/seeds/ck-dir/checkpoint/runs.bin"; } > "$seeds/minimal"
        fi ;;
    *) echo "unknown harness $h"; exit 2 ;;
    esac
    [ -d "fuzz/regress/$h" ] && seeds="$seeds fuzz/regress/$h"
    dict=""
    [ -f "fuzz/$h.dict" ] && dict="-dict=fuzz/$h.dict"
    log="$B/fuzz-$h.log"
    t0=$(date +%s)
    # shellcheck disable=SC2086
    "$B/fuzz_$h" "$corpus" $seeds $dict -max_total_time="$T" -timeout="$TIMEOUT" \
        -rss_limit_mb="$RSS" -malloc_limit_mb="$RSS" -max_len="$max_len" \
        -artifact_prefix="$found/" -print_final_stats=1 > "$log" 2>&1
    st=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
    secs=$(($(date +%s) - t0))
    if [ $st -eq 0 ]; then verdict=clean; else verdict=FOUND; status=1; fi
    line="$h: $verdict, ${secs} s, ${execs:-?} executions"
    echo "$line"
    echo "$(date -u +%Y-%m-%dT%H:%MZ) $line" >> "$B/runs.log"
    if [ $st -ne 0 ]; then
        grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$log" | head -n 20
        echo "(full log: $log)"
    fi
done
exit $status

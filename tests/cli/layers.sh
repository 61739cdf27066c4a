#!/bin/sh
# The layer check (scripts/layers.sh, docs/architecture.md) passes on this
# tree, with the objects of the build that made $SALIENT, and fails on
# copies with one breach injected each: a lower layer including a higher
# header, library code including salient.h, an object calling a function
# of a higher layer, and a step of the engine calling up into the day loop.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
top=$(cd "$(dirname "$0")/../.." && pwd)
obj=$(cd "$(dirname "$SALIENT")" && pwd)/obj
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

if ! sh "$top/scripts/layers.sh" "$top" "$obj"; then
    echo "FAIL: the layer check fails on the tree"; fails=$((fails + 1))
fi
[ -n "$(ls "$obj"/src/engine/*.o 2>/dev/null)" ] ||
    { echo "FAIL: no objects in $obj (build first)"; fails=$((fails + 1)); }

copy() { # a copy of the sources in $tmp/$1, without objects
    mkdir -p "$tmp/$1"
    cp -R "$top/src" "$top/cli" "$top/include" "$tmp/$1/"
}

expect_fail() { # $1 = case, $2 = what the message must name; the check runs on $tmp/$1
    if sh "$top/scripts/layers.sh" "$tmp/$1" "$tmp/$1/obj" > "$tmp/$1.out" 2>&1; then
        echo "FAIL: $1: the check passed"; fails=$((fails + 1))
    elif ! grep -q "$2" "$tmp/$1.out"; then
        echo "FAIL: $1: the message does not name $2:"; cat "$tmp/$1.out"; fails=$((fails + 1))
    fi
}

# a base file including the report's internals
copy inc
printf '#include "out/report_int.h"\n' >> "$tmp/inc/src/base/date.c"
expect_fail inc 'src/base/date.c (base) includes "out/report_int.h"'

# a public header of the engine including one of the analyses
copy hdr
sed -i 's|#include "salient/model.h"|#include "salient/model.h"\n#include "salient/study.h"|' \
    "$tmp/hdr/include/salient/engine.h"
expect_fail hdr 'include/salient/engine.h (engine) includes "salient/study.h"'

# library code including the face
copy face
printf '#include "salient/salient.h"\n' >> "$tmp/face/src/ensemble/summary.c"
expect_fail face 'src/ensemble/summary.c (ensemble) includes "salient/salient.h"'

# objects: a base file calling a function defined in out/ (through a
# declaration of its own, which the #include check cannot see)
mkdir -p "$tmp/sym/src/base" "$tmp/sym/src/out" "$tmp/sym/obj/src/base" "$tmp/sym/obj/src/out"
printf 'int sal_t_low(void);\nint sal_t_high(void);\nint sal_t_low(void) { return sal_t_high(); }\n' \
    > "$tmp/sym/src/base/low.c"
printf 'int sal_t_high(void);\nint sal_t_high(void) { return 1; }\n' > "$tmp/sym/src/out/high.c"
cc -c -o "$tmp/sym/obj/src/base/low.o" "$tmp/sym/src/base/low.c" &&
    cc -c -o "$tmp/sym/obj/src/out/high.o" "$tmp/sym/src/out/high.c" ||
    { echo "FAIL: cannot compile the symbol case"; fails=$((fails + 1)); }
expect_fail sym 'base/low (base) calls sal_t_high, defined in out/high'

# objects inside the engine: a step (policy.c) calling the day loop
mkdir -p "$tmp/loop/src/engine" "$tmp/loop/obj/src/engine"
printf 'int sal_run_exec_t(void);\nint sal_run_exec_t(void) { return 0; }\n' \
    > "$tmp/loop/src/engine/engine.c"
printf 'int sal_run_exec_t(void);\nint sal_pol_t(void);\nint sal_pol_t(void) { return sal_run_exec_t(); }\n' \
    > "$tmp/loop/src/engine/policy.c"
cc -c -o "$tmp/loop/obj/src/engine/engine.o" "$tmp/loop/src/engine/engine.c" &&
    cc -c -o "$tmp/loop/obj/src/engine/policy.o" "$tmp/loop/src/engine/policy.c" ||
    { echo "FAIL: cannot compile the loop case"; fails=$((fails + 1)); }
expect_fail loop 'engine/policy calls sal_run_exec_t, defined in engine/engine (a higher file'

# two peers of one rank calling each other (arrivals.c and attrition.c)
mkdir -p "$tmp/peer/src/engine" "$tmp/peer/obj/src/engine"
printf 'int sal_a_t(void);\nint sal_a_t(void) { return 0; }\n' > "$tmp/peer/src/engine/arrivals.c"
printf 'int sal_a_t(void);\nint sal_b_t(void);\nint sal_b_t(void) { return sal_a_t(); }\n' \
    > "$tmp/peer/src/engine/attrition.c"
cc -c -o "$tmp/peer/obj/src/engine/arrivals.o" "$tmp/peer/src/engine/arrivals.c" &&
    cc -c -o "$tmp/peer/obj/src/engine/attrition.o" "$tmp/peer/src/engine/attrition.c" ||
    { echo "FAIL: cannot compile the peer case"; fails=$((fails + 1)); }
expect_fail peer 'a peer of its rank'

[ -n "${LAYERS_SHOW:-}" ] && cat "$tmp"/*.out
if [ $fails -ne 0 ]; then echo "layers: $fails failures"; exit 1; fi
echo "layers: the tree passes, 6 injected breaches are caught"

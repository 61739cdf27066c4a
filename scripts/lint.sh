#!/bin/sh
# The static analysers over src/, cli/ and tools/: cppcheck and clang-tidy
# (the Debian 12 versions, 2.10 and 14), called by scripts/test.sh as one
# test.  Prints every finding and exits 1 if there is any.
#
# clang-tidy's checks are chosen in .clang-tidy (with the reasons for those
# left out).  cppcheck runs its warning, style, performance and portability
# classes except, with the reason:
#   variableScope            asks to move declarations into inner blocks, a
#                            matter of taste, not of correctness;
#   knownConditionTrueFalse  cppcheck 2.10 misreads `n = len < 40 ? len : 40`
#                            as "less than 1" and reports loops as dead;
#   duplicateConditionalAssign  `if (v == 0) v = 0;` turns -0 into +0 on
#                            purpose (battle.c), which it cannot see;
#   missingIncludeSystem     the system headers are not given to cppcheck.
# A suppression in the code is written `// cppcheck-suppress ID` or
# `NOLINT(check)` with a comment saying why.
#
# clang-tidy is the slow part (the analyser): files run two at a time, and a
# file whose preprocessed text, flags and .clang-tidy are unchanged since it
# last ran clean is not analysed again (stamps in build/lint/).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
JOBS=${JOBS:-2}
stamps=build/lint
mkdir -p "$stamps"
files=$(ls src/*/*.c cli/*.c tools/*.c 2>/dev/null)
pkg=$(pkg-config --cflags gsl yaml-0.1 sqlite3 2>/dev/null)
mpi=$(pkg-config --cflags ompi-c 2>/dev/null)
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc $pkg -DSAL_VERSION=\"lint\" -fopenmp"
status=0

echo "== cppcheck"
# shellcheck disable=SC2086
if ! cppcheck --quiet --std=c11 --inline-suppr --error-exitcode=1 \
    --enable=warning,style,performance,portability \
    --suppress=variableScope --suppress=knownConditionTrueFalse \
    --suppress=duplicateConditionalAssign --suppress=missingIncludeSystem \
    -D_POSIX_C_SOURCE=200809L -DSAL_MPI -Iinclude -Isrc $files; then
    status=1
fi

echo "== clang-tidy"
key() { # $1 = file: a hash of what clang-tidy would see
    # shellcheck disable=SC2086
    { clang -E $flags $mpi -DSAL_MPI "$1" 2>&1; cat .clang-tidy; echo "$flags $mpi"; } |
        sha1sum | cut -c1-40
}
todo=""
for f in $files; do
    k=$(key "$f")
    [ -f "$stamps/$k" ] || todo="$todo $f"
done
if [ -n "$todo" ]; then
    out=$(mktemp)
    export LINT_FLAGS="$flags $mpi -DSAL_MPI" LINT_OUT="$out"
    # shellcheck disable=SC2016,SC2086
    printf '%s\n' $todo | xargs -P "$JOBS" -I{} sh -c '
        f={}; t=$(mktemp)
        if clang-tidy --quiet "$f" -- $LINT_FLAGS > "$t" 2>&1; then rm -f "$t"
        else cat "$t" >> "$LINT_OUT"; rm -f "$t"; echo "$f" >> "$LINT_OUT.bad"; fi'
    for f in $todo; do
        if ! grep -qx "$f" "$out.bad" 2>/dev/null; then : > "$stamps/$(key "$f")"; fi
    done
    if [ -s "$out.bad" ]; then
        grep -E 'warning:|error:' -A3 "$out" | grep -v '^--$'
        status=1
    fi
    rm -f "$out" "$out.bad"
fi
echo "lint: $(echo "$files" | wc -w) files, $(echo "$todo" | wc -w) analysed by clang-tidy, $([ $status -eq 0 ] && echo clean || echo FINDINGS)"
exit $status

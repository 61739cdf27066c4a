#!/bin/sh
# Writes the outputs of every command on small fixed cases into $1, then a
# sha256 of each file into $1/SHA256SUMS (paths relative to $1).  Used by
# tests/cli/identical.sh to prove that a refactor leaves every output byte-
# identical: the sums of the code before the change are kept in
# tests/identical/before.sha256 and compared with those of the code now.
# A change that alters outputs on purpose regenerates that file
#   SALIENT=build/salient sh tests/identical/outputs.sh /tmp/x &&
#   cp /tmp/x/SHA256SUMS tests/identical/before.sha256
# and says why in its commit.
set -eu
S=${SALIENT:-build/salient}
o=$1
rm -rf "$o"; mkdir -p "$o"
for f in examples/minimal.yaml examples/duel.yaml examples/every-section.yaml scenarios/kursk-2024.yaml; do
    b=$(basename "$f" .yaml)
    "$S" run "$f" --out "$o/run-$b" -q
    "$S" run "$f" --out "$o/run-$b-det" -q --deterministic
    "$S" ensemble "$f" --runs 64 --threads 2 --out "$o/ens-$b" -q
    "$S" report "$o/ens-$b" > /dev/null
done
"$S" compare examples/every-section.yaml --variant no-dprk --runs 64 --threads 2 --out "$o/cmp" -q
"$S" sensitivity examples/ishigami.yaml --metric ishigami --base 64 --threads 2 --out "$o/sobol" > /dev/null
"$S" theses tests/study/every-section.theses.yaml --runs 48 --threads 2 --out "$o/theses" -q
"$S" report "$o/theses" > /dev/null
"$S" theses --runs 64 --threads 2 --out "$o/study" -q
"$S" report "$o/study" > /dev/null
"$S" fit --builtin iwojima --json > "$o/fit-iwojima.json"
"$S" fit --builtin iwojima --out "$o/fit-iwojima.csv" > "$o/fit-iwojima.txt"
"$S" check examples/every-section.yaml > "$o/check.txt"
# run.json is left out of the sums: it records the date and time, the
# command line and the thread count, which differ between equal runs (it is
# the one file meant to; every other output stays byte-identical).
(cd "$o" && find . -type f ! -name SHA256SUMS ! -name run.json | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)

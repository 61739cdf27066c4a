#!/bin/sh
# Every output of every command on the cases of tests/identical/outputs.sh is
# byte-identical to the outputs recorded in tests/identical/before.sha256
# (the code before the last refactor).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sh tests/identical/outputs.sh "$tmp/out"
if ! diff tests/identical/before.sha256 "$tmp/out/SHA256SUMS"; then
    echo "identical: outputs differ from tests/identical/before.sha256 (lines above)"; exit 1
fi
echo "identical: $(wc -l < tests/identical/before.sha256) files byte-identical"

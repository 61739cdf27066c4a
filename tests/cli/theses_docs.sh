#!/bin/sh
# docs/theses.md's numbers are generated, never typed: regenerating them with
# 'salient theses --markdown' must give the file as committed.  Plain build
# only: the full default study under the sanitizers takes minutes.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
case "$SALIENT" in *build-san/*) echo "theses_docs: skipped under the sanitizers"; exit 0 ;; esac
SALIENT="$SALIENT" sh scripts/theses-md.sh --check || { echo "FAIL: docs/theses.md differs from 'salient theses --markdown'"; exit 1; }
echo "theses_docs: 0 failed"

#!/bin/sh
# The YAML examples of docs/scenario.md, put together section by section
# under one scenario: header, make a scenario that passes 'salient check'
# (so the documentation's examples agree with each other and the reader).
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v dir="$tmp" '
    /^```yaml$/ { inblock = 1; n = 0; next }
    /^```$/ && inblock {
        inblock = 0
        if (n == 0 || body ~ /\{\.\.\.\}/) { body = ""; next }
        if (match(first, /^(parameters|actors|forces|sectors|pipelines|treaties|ladders|policies|metrics|variants):$/)) {
            sec = substr(first, 1, length(first) - 1)
            printf "%s", body >> (dir "/" sec)
            count++
        }
        body = ""
        next
    }
    inblock { if (n == 0) first = $0; else body = body $0 "\n"; n++ }
    END { print count > (dir "/count") }
' docs/scenario.md
{
    echo "scenario: {name: docs, start: 2024-11-01, horizon: 120, sides: [russia, ukraine]}"
    for s in parameters actors forces sectors pipelines treaties ladders policies metrics variants; do
        [ -f "$tmp/$s" ] || continue
        echo "$s:"
        cat "$tmp/$s"
    done
} > "$tmp/docs.yaml"
count=$(cat "$tmp/count")
if [ "$count" -lt 10 ]; then
    echo "FAIL: only $count section examples found in docs/scenario.md"; exit 1
fi
if ! "$SALIENT" check "$tmp/docs.yaml"; then
    echo "FAIL: the examples of docs/scenario.md do not make a valid scenario:"
    cat -n "$tmp/docs.yaml"
    exit 1
fi
echo "check_docs: $count examples ok"

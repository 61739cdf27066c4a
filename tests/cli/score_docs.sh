#!/bin/sh
# docs/scores.md's first example works as written: its observations file
# (the first yaml block) on examples/duel.yaml, 'salient ensemble --runs 200
# --observations' then 'salient score', prints the table the page shows;
# the same for the Scores section of docs/observations.md.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
awk '/^```yaml$/ { n++; on = n == 1; next } /^```$/ { on = 0 } on' docs/scores.md > "$tmp/obs.yaml"
awk 'st == 2 && /^```$/ { exit } st == 2 { print } st == 1 && /^```$/ { st = 2 }
     /^`salient score ens --observations duel-reports.yaml` prints$/ { st = 1 }' \
    docs/scores.md > "$tmp/want"
[ -s "$tmp/obs.yaml" ] && [ -s "$tmp/want" ] || no "the example or its output not found in docs/scores.md"
"$SALIENT" ensemble examples/duel.yaml --runs 200 --observations "$tmp/obs.yaml" -q --out "$tmp/ens" \
    || no "ensemble of the example"
"$SALIENT" score "$tmp/ens" --observations "$tmp/obs.yaml" > "$tmp/out" || no "score of the example"
head -n "$(wc -l < "$tmp/want")" "$tmp/out" | diff "$tmp/want" - || no "the printed table differs from docs/scores.md"
# the PIT the page works out by hand
awk -F, 'NR == 2 { exit !($16 > 0.1255 && $16 < 0.1257) }' "$tmp/ens/scores.csv" \
    || no "the first report's PIT is not 0.126: $(sed -n 2p "$tmp/ens/scores.csv")"
# docs/observations.md, "Scores": its first file scored as the page shows
awk '/<!-- duel-observations -->/ { f = 1; next } f && /^```yaml$/ { on = 1; next } on && /^```$/ { exit } on' \
    docs/observations.md > "$tmp/duel.obs.yaml"
awk 'st == 2 && /^```$/ { exit } st == 2 { print } st == 1 && /^```text$/ { st = 2 }
     /^which prints, for the three reports/ { st = 1 }' docs/observations.md > "$tmp/want2"
[ -s "$tmp/duel.obs.yaml" ] && [ -s "$tmp/want2" ] || no "docs/observations.md: the example or its scores not found"
"$SALIENT" ensemble examples/duel.yaml --runs 200 --observations "$tmp/duel.obs.yaml" -q --out "$tmp/ens2" \
    || no "ensemble of docs/observations.md's example"
"$SALIENT" score "$tmp/ens2" --observations "$tmp/duel.obs.yaml" > "$tmp/out2" || no "score of it"
head -n "$(wc -l < "$tmp/want2")" "$tmp/out2" | diff "$tmp/want2" - || no "docs/observations.md's scores differ"
echo "score_docs: $fail failed"
[ "$fail" -eq 0 ]

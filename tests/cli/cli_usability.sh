#!/bin/sh
# The rough edges a newcomer meets in the CLI (issue 19, items 10-14):
# did-you-mean for commands and options and no silent prefix match; the
# line 'salient' alone prints; no test-only options in the help; 'check'
# lists what it checked, with the day count of run; the interval level
# beside each band; a run.json beside the outputs.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
S=examples/every-section.yaml

# expect STATUS PATTERN CMD...: exit STATUS and stderr matching PATTERN
expect() {
    want=$1 pat=$2
    shift 2
    "$SALIENT" "$@" > "$tmp/out" 2> "$tmp/err"
    st=$?
    [ $st -eq "$want" ] || no "$*: exit $st, expected $want"
    [ -z "$pat" ] || grep -q -- "$pat" "$tmp/err" || { no "$*: stderr lacks '$pat'"; cat "$tmp/err"; }
}

# 10: did-you-mean; exact names only
expect 2 "'ensembel' is not a command; did you mean 'ensemble'?" ensembel $S
expect 2 "'ensembel' is not a command; did you mean 'ensemble'?" help ensembel
expect 2 "'zzzzzz' is not a command; see 'salient --help'" zzzzzz
expect 2 "unknown option '--rnus'; did you mean '--runs'?" ensemble --rnus 3 $S
expect 2 "unknown option '--run'; did you mean '--runs'?" ensemble --run 10 $S
expect 2 "unknown option '--run'; did you mean '--runs'?" compare --run=10 $S
expect 2 "unknown option '--varian'; did you mean '--variant'?" check --varian x $S
expect 2 "unknown option '--zzzz'; see 'salient help run'" run --zzzz $S
[ -e salient-out/ensemble/PARTIAL ] && no "a refused option started a job"
# an option's value that looks like an option is not taken for one
expect 0 "" check --variant=no-dprk $S
"$SALIENT" check -q $S > /dev/null 2>&1 || no "check -q: short options still read"

# 11: no test-only options in the help
for c in ensemble compare theses sensitivity; do
    "$SALIENT" help $c > "$tmp/help"
    grep -q -- '--stop-after\|--crash-after' "$tmp/help" && no "help $c lists a test-only option"
done

# 12: check lists what it checked; one day count (horizon + 1) everywhere
"$SALIENT" check $S > "$tmp/check" || no "check $S failed"
grep -q "^$S: ok: scenario 'every-section', 121 days (2024-11-01 to 2025-03-01);" "$tmp/check" \
    || { no "check: day count"; cat "$tmp/check"; }
grep -q "^  variants (3): no-dprk," "$tmp/check" || no "check: variants not listed"
grep -q "^  metrics (9): dprk_strength, dprk_casualties," "$tmp/check" || no "check: metrics not listed"
grep -q "^  events (8): treaty-in-force," "$tmp/check" || no "check: events not listed"
"$SALIENT" run $S --out "$tmp/run" > "$tmp/runout" || no "run $S failed"
grep -q "121 days, 2024-11-01 to 2025-03-01" "$tmp/runout" || no "run: day count"
"$SALIENT" ensemble $S -n 20 --out "$tmp/ens" > "$tmp/ensout" || no "ensemble $S failed"
grep -q "121 days to 2025-03-01" "$tmp/ensout" || no "ensemble: day count"
# the interval level beside each band; numbers as people read them
grep -q "^metrics on 2025-03-01 (90% interval: p05 to p95):" "$tmp/ensout" || no "ensemble: no level"
grep -q "day p05 / p50 / p95 (90% interval)" "$tmp/ensout" || no "ensemble events: no level"
"$SALIENT" compare $S -v no-dprk -n 20 --out "$tmp/cmp" > "$tmp/cmpout" || no "compare failed"
grep -q "B-A p05 to p95: the 90% interval" "$tmp/cmpout" || no "compare: no level"
"$SALIENT" theses tests/study/every-section.theses.yaml -n 40 --out "$tmp/th" > "$tmp/thout" || no "theses failed"
grep -q "\[90% interval: p05 to p95\]" "$tmp/thout" || no "theses: no level"
for f in ensout cmpout thout; do
    grep -Eiq '(^|[^a-z])nan([^a-z]|$)|[0-9]e[+-][0-9]' "$tmp/$f" && { no "$f: nan or e-notation"; cat "$tmp/$f"; }
done

# 8: run.json beside the outputs: version, UTC time, command line, threads,
# ranks, seed, the input's SHA-256 (as sha256sum computes it)
sum=$(sha256sum $S | cut -d' ' -f1)
for d in ens cmp; do
    j="$tmp/$d/run.json"
    [ -s "$j" ] || { no "$d: no run.json"; continue; }
    grep -q "\"salient\": \"$("$SALIENT" --version | cut -d' ' -f2)\"" "$j" || no "$d: version"
    grep -Eq '"utc": "20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"' "$j" || no "$d: utc"
    grep -q '"ranks": 1' "$j" || no "$d: ranks"
    grep -q '"seed": 20241101' "$j" || no "$d: seed"
    grep -q "\"sha256\": \"$sum\"" "$j" || { no "$d: scenario hash"; cat "$j"; }
    grep -q '"observations": null' "$j" || no "$d: observations"
done
grep -q "\"command_line\": \".*ensemble $S -n 20 --out $tmp/ens\"" "$tmp/ens/run.json" \
    || { no "ensemble: command line"; cat "$tmp/ens/run.json"; }
"$SALIENT" ensemble $S -n 20 --threads 1 --seed 7 --out "$tmp/ens1" -q
grep -q '"threads": 1' "$tmp/ens1/run.json" || no "ensemble: threads"
grep -q '"seed": 7' "$tmp/ens1/run.json" || no "ensemble: seed"
# the observations file is hashed too when one is read
o=scenarios/kursk-2024.observations.yaml
"$SALIENT" ensemble scenarios/kursk-2024.yaml -n 4 --observations $o --out "$tmp/obs" -q \
    || no "ensemble --observations failed"
grep -q "\"observations\": {\"path\": \"$o\", \"sha256\": \"$(sha256sum $o | cut -d' ' -f1)\"}" \
    "$tmp/obs/run.json" || { no "observations hash"; cat "$tmp/obs/run.json"; }
[ -s "$tmp/th/run.json" ] || no "theses: no run.json"
if command -v python3 > /dev/null; then
    for j in "$tmp/ens/run.json" "$tmp/cmp/run.json" "$tmp/th/run.json"; do
        python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$j" || no "$j: not JSON"
    done
fi

[ $fail -eq 0 ] && echo "cli_usability: ok"
exit $((fail > 0))

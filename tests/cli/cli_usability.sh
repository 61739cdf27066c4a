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

[ $fail -eq 0 ] && echo "cli_usability: ok"
exit $((fail > 0))

#!/bin/sh
# 'salient sensitivity' on bad input: usage errors and bad scenarios exit 2
# with a message (file:line:col for the scenario) and write nothing; an
# unknown metric gets a did-you-mean; a run that fails exits 1 naming the
# design row, leaving an earlier sobol.csv untouched.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
ish=examples/ishigami.yaml

# expect STATUS PATTERN ARGS...: the exit status, a line of stderr, nothing written
n=0
expect() {
    want=$1; pat=$2; shift 2
    n=$((n + 1))
    "$SALIENT" sensitivity "$@" --out "$tmp/o$n" > "$tmp/out" 2> "$tmp/err"; st=$?
    [ $st -eq "$want" ] || { no "$*: exit $st, expected $want"; cat "$tmp/err"; }
    grep -q -- "$pat" "$tmp/err" || { no "$*: no '$pat' in stderr"; cat "$tmp/err"; }
    [ -e "$tmp/o$n" ] && no "$*: output written"
    [ -s "$tmp/out" ] && no "$*: printed on stdout"
}

expect 2 "^$ish: error: no metric 'ishigam'; did you mean 'ishigami'?" $ish --metric ishigam --base 64
expect 2 "^$ish: error: no metric 'zzz'; expected one of: ishigami" $ish --metric zzz --base 64
expect 2 "no --metric" $ish --base 64
expect 2 "no --base" $ish --metric ishigami
expect 2 "base sample '1' is not" $ish --metric ishigami --base 1
expect 2 "base sample 'ten' is not" $ish --metric ishigami --base ten
expect 2 "base sample '2147483648' is not" $ish --metric ishigami --base 2147483648
expect 2 "thread count '0'" $ish --metric ishigami --base 64 --threads 0
expect 2 "bootstrap count '-1'" $ish --metric ishigami --base 64 --bootstrap -1
expect 2 "day 2 is past the horizon; expected 0 to 1" $ish --metric ishigami --base 64 --day 2
expect 2 "the day 'x'" $ish --metric ishigami --base 64 --day x
expect 2 "seed '-3'" $ish --metric ishigami --base 64 --seed -3
expect 2 "unknown option '--bogus'" $ish --metric ishigami --base 64 --bogus
expect 2 "no scenario FILE" --metric ishigami --base 64
expect 2 "cannot open the file" "$tmp/nope.yaml" --metric ishigami --base 64
expect 2 "variant" $ish --metric ishigami --base 64 --variant nope
printf 'scenario: {name: fixed, start: 2024-01-01, horizon: 1, sides: [a, b]}\nmetrics:\n  d: day\n' \
    > "$tmp/fixed.yaml"
expect 2 "^$tmp/fixed.yaml: error: the scenario has no uncertain inputs" "$tmp/fixed.yaml" \
    --metric d --base 64

# a misspelt key: the reader's file:line:col
sed 's/horizon: 1/horizn: 1/' $ish > "$tmp/typo.yaml"
expect 2 "^$tmp/typo.yaml:[0-9]*:[0-9]*: error: unknown key 'horizn'" "$tmp/typo.yaml" \
    --metric ishigami --base 64

# 257 uncertain inputs: more than the design handles (SAL_SOBOL_MAX_INPUTS,
# 256); the 257th is named
{
    echo "scenario: {name: many, start: 2024-01-01, horizon: 1, sides: [a, b]}"
    echo "parameters:"
    for i in $(seq 1 257); do echo "  p$i: {uniform: [0, 1]}"; done
    echo "metrics:"
    echo "  total: param(p1) + param(p257)"
} > "$tmp/many.yaml"
expect 2 "^$tmp/many.yaml:259:[0-9]*: error: 257 uncertain inputs;.*at most 256" "$tmp/many.yaml" \
    --metric total --base 64

# a metric that does not vary: exit 1
cat > "$tmp/flat.yaml" <<'Y'
scenario: {name: flat, start: 2024-01-01, horizon: 1, sides: [a, b]}
parameters:
  x: {uniform: [0, 1]}
metrics:
  flat: 0 * param(x) + 3
Y
expect 1 "does not vary" "$tmp/flat.yaml" --metric flat --base 64

# a run that fails: log(0) on the first design point (x = 0.5), exit 1,
# the engine's message and the design row; an earlier result stays
cat > "$tmp/nan.yaml" <<'Y'
scenario: {name: nan, start: 2024-01-01, horizon: 1, sides: [a, b]}
parameters:
  x: {uniform: [0, 1]}
metrics:
  bad: log(param(x) - 0.5)
Y
mkdir "$tmp/keep" && echo old > "$tmp/keep/sobol.csv"
"$SALIENT" sensitivity "$tmp/nan.yaml" --metric bad --base 64 --out "$tmp/keep" > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] || no "failing run: expected exit 1"
grep -q "^$tmp/nan.yaml:5:[0-9]*: error:" "$tmp/err" || { no "failing run: no file:line:col"; cat "$tmp/err"; }
grep -q "design row 0, matrix A failed" "$tmp/err" || { no "failing run: no design row"; cat "$tmp/err"; }
[ "$(cat "$tmp/keep/sobol.csv")" = old ] || no "failing run: earlier sobol.csv changed"
[ "$(ls -A "$tmp/keep")" = sobol.csv ] || no "failing run: temporary file left"

# help
"$SALIENT" help sensitivity | grep -q "^usage: salient sensitivity FILE --metric NAME --base N" \
    || no "help"
"$SALIENT" --help | grep -q "sensitivity" || no "listed in --help"

[ $fail -eq 0 ] && echo "sensitivity_bad: ok"
exit $fail

#!/bin/sh
# The help of the CLI and of 'salient fit': salient --help lists fit,
# --version prints the version, 'salient help fit' and 'salient fit --help'
# print the same text, which names every option.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

"$SALIENT" --help > "$tmp/help" || no "--help exit $?"
grep -Eq '^  fit +fit the Lanchester law' "$tmp/help" || no "--help does not list fit"
"$SALIENT" --version > "$tmp/v" || no "--version exit $?"
grep -Eq '^salient [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/v" || no "--version: $(cat "$tmp/v")"
"$SALIENT" help fit > "$tmp/h1" || no "help fit exit $?"
"$SALIENT" fit --help > "$tmp/h2" || no "fit --help exit $?"
cmp -s "$tmp/h1" "$tmp/h2" || no "'help fit' and 'fit --help' differ"
head -n 1 "$tmp/h1" | grep -q '^usage: salient fit DATA.csv' || no "usage line"
for o in --law --json --out --bootstrap --seed --builtin --help square linear log free \
         day,A,B,reinf_A,reinf_B 'Exit status'; do
    grep -q -- "$o" "$tmp/h1" || no "help lacks $o"
done
echo "fit_help: $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# 'salient score' (issue 14, items 2-3) on a toy whose truth is known
# (tests/data/score/toy.yaml, reports of the truth in truth.yaml): the
# forecast centred on the truth scores better than the shifted variant
# (CRPS, interval and log scores, coverage, skill against it as reference);
# the as-of date splits fit from test; the same bytes for any --threads;
# event reports' probabilities by hand; bad inputs refused with exit 2 and
# nothing written.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }
toy=tests/data/score/toy.yaml
obs=tests/data/score/truth.yaml
# col FILE SET METRIC COLUMN: a column of scores_summary.csv
col() {
    awk -F, -v s="$2" -v m="$3" -v c="$4" 'NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i; next }
        $1 == s && $2 == m { print $k[c] }' "$1"
}
# lt A B: A < B as numbers
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0 && a != "" && b != "") }'; }

"$SALIENT" ensemble $toy --runs 500 --observations $obs -q --out "$tmp/c" || no "ensemble (centred)"
"$SALIENT" ensemble $toy --variant shifted --runs 500 --observations $obs -q --out "$tmp/s" \
    || no "ensemble (shifted)"
[ "$(awk -F, 'NR > 1 && $1 == 0 { print $2 }' "$tmp/c/paths.csv" | tr '\n' ' ')" = \
  "2024-11-01 2024-11-06 2024-11-11 2024-11-16 2024-11-21 2024-12-01 " ] \
    || no "--observations: the paths' dates are not the reports' ($(awk -F, 'NR > 1 && $1 == 0 { print $2 }' "$tmp/c/paths.csv" | tr '\n' ' '))"
"$SALIENT" score "$tmp/c" --observations $obs -q --threads 1 || no "score (centred)"
"$SALIENT" score "$tmp/s" --observations $obs -q || no "score (shifted)"
for x in scores.csv scores_summary.csv; do
    [ -s "$tmp/c/$x" ] || no "no $x"
done
# every report is 'test' (made after the start, the default as-of) but
# the first, made on the start day
[ "$(cut -d, -f8 "$tmp/c/scores.csv" | tr '\n' ' ')" = "set fit test test test test test " ] \
    || no "fit/test: $(cut -d, -f8 "$tmp/c/scores.csv" | tr '\n' ' ')"
cc=$(col "$tmp/c/scores_summary.csv" test figure crps)
cs=$(col "$tmp/s/scores_summary.csv" test figure crps)
lt "$cc" "$cs" || no "the centred forecast's CRPS ($cc) is not below the shifted one's ($cs)"
for k in is90 log_score brier; do
    a=$(col "$tmp/c/scores_summary.csv" test figure $k)
    b=$(col "$tmp/s/scores_summary.csv" test figure $k)
    lt "$a" "$b" || no "the centred forecast's $k ($a) is not below the shifted one's ($b)"
done
[ "$(col "$tmp/c/scores_summary.csv" test figure coverage90)" = 1 ] || no "centred: 90% coverage not 1"
[ "$(col "$tmp/s/scores_summary.csv" test figure coverage90)" = 0 ] || no "shifted: 90% coverage not 0"
# the shifted forecast's PIT is low: the truth below most of its runs
awk -F, 'NR > 1 && $3 == "value" && !($16 < 0.05) { bad = 1 } END { exit bad }' "$tmp/s/scores.csv" \
    || no "shifted: a value report's PIT is not below 0.05"
# censored reports: PIT intervals [F(lo), 1] and [F(lo), F(hi)], the
# probability their width
awk -F, '$3 == "at_least" { if (!($17 == 1 && $16 > 0 && $16 < 1 && $21 - (1 - $16) < 1e-12 && (1 - $16) - $21 < 1e-12)) bad = 1; n++ }
         $3 == "range" { if (!($16 < $17 && $21 - ($17 - $16) < 1e-12 && ($17 - $16) - $21 < 1e-12)) bad = 1; n++ }
         END { exit bad || n != 2 }' "$tmp/c/scores.csv" || no "censored reports' PIT intervals"
# skill: the centred forecast against the shifted one as reference
"$SALIENT" score "$tmp/c" --observations $obs --reference "$tmp/s" -q --out-ignored 2> /dev/null \
    && no "an unknown option accepted"
"$SALIENT" score "$tmp/c" --observations $obs --reference "$tmp/s" -q --threads 2 || no "--reference"
sk=$(col "$tmp/c/scores_summary.csv" test figure crps_skill)
lt 0.5 "$sk" || no "skill against the shifted forecast ($sk) not above 0.5"
[ "$(col "$tmp/c/scores_summary.csv" test figure crps_reference)" = "$cs" ] \
    || no "the reference's CRPS is not the shifted forecast's own"
[ -z "$(col "$tmp/c/scores_summary.csv" test '(all)' crps)" ] || no "the overall row averages CRPS"
# --threads: the same bytes
cp "$tmp/c/scores.csv" "$tmp/scores-t2.csv"
"$SALIENT" score "$tmp/c" --observations $obs -q --threads 1 --reference "$tmp/s" || no "score again"
cmp -s "$tmp/c/scores.csv" "$tmp/scores-t2.csv" || no "scores.csv differs between 1 and 2 threads"
# the tables, for the report
[ "$(sqlite3 "$tmp/c/results.sqlite" "select count(*) from scores; select count(*) from scores_summary where metric = 'figure'")" = "$(printf '6\n2')" ] \
    || no "the scores tables"
# --as-of: reports made on or before it are fit
"$SALIENT" score "$tmp/c" --observations $obs --as-of 2024-11-11 -q || no "--as-of"
[ "$(cut -d, -f8 "$tmp/c/scores.csv" | tr '\n' ' ')" = "set fit fit fit test test test " ] \
    || no "--as-of 2024-11-11: $(cut -d, -f8 "$tmp/c/scores.csv" | tr '\n' ' ')"

# weights (rows named 'weight' in the runs table, as a calibration writes):
# equal weights change nothing; all the weight on the runs whose level is
# below the truth puts the report of day 0 high in the forecast.  Each edit
# is sealed again as salient seals what it writes (tools/dbseal.c): score
# refuses an edited database (tests/cli/score_damaged.sh)
dbseal="$(dirname "$SALIENT")/tools/dbseal"
"$SALIENT" score "$tmp/c" --observations $obs -q || no "score before the weights"
cp "$tmp/c/scores.csv" "$tmp/unweighted.csv"
mkdir "$tmp/w" && cp "$tmp/c/results.sqlite" "$tmp/w/" || no "copy"
sqlite3 "$tmp/w/results.sqlite" "INSERT INTO runs SELECT DISTINCT run, 'weight', 2 FROM runs" || no "weights"
"$dbseal" "$tmp/w/results.sqlite" || no "sealing the weights"
"$SALIENT" score "$tmp/w" --observations $obs -q || no "score with equal weights"
cmp -s "$tmp/w/scores.csv" "$tmp/unweighted.csv" || no "equal weights changed scores.csv"
sqlite3 "$tmp/w/results.sqlite" "UPDATE runs SET value = (SELECT v.value < 1000 FROM runs v WHERE v.run = runs.run AND v.name = 'parameters.level') WHERE name = 'weight'" || no "weights below"
"$dbseal" "$tmp/w/results.sqlite" || no "sealing the weights below"
"$SALIENT" score "$tmp/w" --observations $obs -q || no "score with weights"
awk -F, 'NR == 2 { exit !($16 > 0.75) }' "$tmp/w/scores.csv" || no "weighted: PIT of day 0 not above 0.75 (0.5 unweighted): $(sed -n 2p "$tmp/w/scores.csv")"
sqlite3 "$tmp/w/results.sqlite" "UPDATE runs SET value = -1 WHERE run = 3 AND name = 'weight'"
"$dbseal" "$tmp/w/results.sqlite" || no "sealing a negative weight"
"$SALIENT" score "$tmp/w" --observations $obs -q 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "weight is negative" "$tmp/err" || no "a negative weight: $(cat "$tmp/err")"

# the bias integrated over its prior (Gauss-Hermite), against the closed
# form: every run of the duel is the same (no uncertain input, no noise),
# so a report with a lognormal bias LN(ln 1.5, 0.3^2) and a lognormal error
# LN(0, 0.2^2) is LN(ln(1.5 t), 0.3^2 + 0.2^2) with t the run's value;
# its quantiles to a relative 1e-4 (the 16-node rule's error in the tails
# is below 1e-5)
cat > "$tmp/bias.yaml" << 'YAML'
observations:
  - metric: japanese_strength
    date: 1945-03-01
    value: 20000
    error: {lognormal: 0.2}
    bias: {lognormal: {median: 1.5, sigma: 0.3}}
    source: "a test of the bias integral"
YAML
"$SALIENT" ensemble examples/duel.yaml --runs 50 --observations "$tmp/bias.yaml" -q --out "$tmp/duel" || no "duel ensemble"
"$SALIENT" score "$tmp/duel" --observations "$tmp/bias.yaml" -q || no "duel score"
t=$(awk -F, 'NR == 2 { print $4 }' "$tmp/duel/paths.csv")
awk -F, -v t="$t" 'function off(a, b) { return (a - b) / b > 1e-4 || (b - a) / b > 1e-4 }
    NR == 2 { m = log(1.5 * t); s = sqrt(0.09 + 0.04)
              if (off($11, exp(m - 1.6448536269514722 * s)) || off($12, exp(m - 0.6744897501960817 * s)) ||
                  off($13, exp(m)) || off($14, exp(m + 0.6744897501960817 * s)) ||
                  off($15, exp(m + 1.6448536269514722 * s))) bad = 1; n++ }
    END { exit bad || n != 1 }' "$tmp/duel/scores.csv" \
    || no "the biased report's quantiles are not those of LN(ln(1.5 x $t), 0.13): $(sed -n 2p "$tmp/duel/scores.csv")"

# events: probabilities of what was reported, by hand (misreport 0.02)
ev=tests/data/score/events.yaml
"$SALIENT" ensemble examples/every-section.yaml --runs 100 --observations $ev -q --out "$tmp/e" || no "ensemble (events)"
"$SALIENT" score "$tmp/e" --observations $ev -q || no "score (events)"
awk -F, 'function off(a, b) { return a - b > 1e-12 || b - a > 1e-12 }
         $2 == "treaty-in-force" { if (off($21, 0.98) || off($22, -log(0.98)) || off($23, 0.0004)) bad = 1; n++ }
         $2 == "rok-aid.lethal" { if (off($21, 0.02) || off($22, -log(0.02)) || off($23, 0.9604)) bad = 1; n++ }
         END { exit bad || n != 2 }' "$tmp/e/scores.csv" || no "event reports: $(cut -d, -f2,21-23 "$tmp/e/scores.csv" | tr '\n' ' ')"

# bad inputs: exit 2, nothing written
"$SALIENT" ensemble $toy --runs 20 -q --out "$tmp/plain" || no "plain ensemble"
"$SALIENT" score "$tmp/plain" --observations $obs 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "no per-run paths" "$tmp/err" || no "no paths: $(cat "$tmp/err")"
"$SALIENT" ensemble $toy --runs 20 -q --series figure --dates 2024-11-01 --out "$tmp/few" || no "few dates"
"$SALIENT" score "$tmp/few" --observations $obs 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "truth.yaml:.*report 'figure@2024-11-06' needs figure on 2024-11-06" "$tmp/err" \
    || no "a missing path: $(cat "$tmp/err")"
[ -e "$tmp/few/scores.csv" ] && no "a refused score wrote scores.csv"
printf 'observations:\n  - metric: figur\n    date: 2024-11-02\n    value: 1\n    error: {lognormal: 0.1}\n    source: "x"\n' > "$tmp/bad.yaml"
"$SALIENT" score "$tmp/c" --observations "$tmp/bad.yaml" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "bad.yaml:2:" "$tmp/err" || no "a bad observations file: $(cat "$tmp/err")"
"$SALIENT" score "$tmp/c" 2> "$tmp/err"
[ $? -eq 2 ] || no "no --observations: exit 2"
# the scenario changed since the ensemble
cp $toy "$tmp/toy.yaml"
"$SALIENT" ensemble "$tmp/toy.yaml" --runs 20 --observations $obs -q --out "$tmp/ch" || no "ensemble (copy)"
echo "# changed" >> "$tmp/toy.yaml"
"$SALIENT" score "$tmp/ch" --observations $obs 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "has changed since the ensemble ran" "$tmp/err" || no "a changed scenario: $(cat "$tmp/err")"
ls -A "$tmp/c" | grep -q '^\.' && no "temporaries left: $(ls -A "$tmp/c")"

echo "score_basic: $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# The layer check (docs/architecture.md): fails when a lower layer uses a
# higher one.  Layers, low to high:
#
#   base < expr < scenario < engine < ensemble < analysis < out < cli
#
#   sh scripts/layers.sh [TOP [OBJ]]
#
# TOP is the tree to check (default: this checkout), OBJ its object folder
# (default: TOP/build/obj; the symbol checks are skipped if it has no
# objects).  Three checks:
#
# 1. #include lines: a file of src/LAYER/ (or cli/, or a public header of
#    include/salient/, whose layer is the table below) includes only headers
#    of its layer or lower ones.  salient.h, the face that includes them all,
#    is for cli/, tests, bench and fuzz only.
# 2. symbols (nm over OBJ/src/*/*.o and OBJ/cli/*.o): no object calls a
#    function or uses a variable defined in a higher layer (a call across
#    layers through a header declared lower is still a loop).
# 3. the same inside a layer, for the files ordered in SUBLAYERS below: a
#    file calls only files of a lower rank (peers of one rank do not call
#    each other).  A file not named there is not ranked.
#
# Prints every breach as "layers: FILE: ..." and exits 1 if there is one.
set -u
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
obj=${2:-$top/build/obj}
cd "$top" || exit 2

LAYERS="base expr scenario engine ensemble analysis out cli"

# The public headers, by layer (a new header gets a line here).
HEADERS="
base.h base
date.h base
dist.h base
rng.h base
suggest.h base
expr.h expr
model.h scenario
obs.h scenario
engine.h engine
summary.h ensemble
ensemble.h ensemble
lanchester.h analysis
battle.h analysis
fit.h analysis
sobol.h analysis
givendata.h analysis
study.h analysis
smc.h analysis
calibrate.h analysis
score.h analysis
discover.h analysis
report.h out
out.h out
salient.h cli
"

# Inside a layer: FOLDER, then its files from the bottom up, "|" between
# ranks (files of one rank are peers).
SUBLAYERS="
engine run | ground | arrivals policy attrition | engine
out ensemble_out report_buf | report_data checkpoint discover_out | study_out | report_charts report_sect report_discover report_calib | report
scenario yamldoc | scenario_util | scenario_num scenario_expr scenario_names | scenario_policy | scenario_sect | scenario | obs_read
"

rank() { # $1 = layer name: its rank, or nothing
    i=0
    for l in $LAYERS; do
        i=$((i + 1))
        [ "$l" = "$1" ] && { echo $i; return; }
    done
}

layer_of_header() { # $1 = path as included ("salient/x.h", "engine/x.h")
    case $1 in
    salient/*)
        echo "$HEADERS" | awk -v h="${1#salient/}" '$1 == h { print $2 }' ;;
    */*) echo "${1%%/*}" ;;
    esac
}

layer_of_file() { # $1 = path in the tree
    case $1 in
    src/*/*) f=${1#src/}; echo "${f%%/*}" ;;
    cli/*) echo cli ;;
    include/salient/*) layer_of_header "salient/${1#include/salient/}" ;;
    esac
}

bad=0
fail() { echo "layers: $*"; bad=1; }

# 1. #include lines
files=$(ls src/*/*.c src/*/*.h cli/*.c cli/*.h include/salient/*.h 2>/dev/null)
for f in $files; do
    lf=$(layer_of_file "$f")
    if [ -z "$lf" ] || [ -z "$(rank "$lf")" ]; then
        fail "$f: in no layer (add its folder or header to scripts/layers.sh)"; continue
    fi
    rf=$(rank "$lf")
    for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
        lh=$(layer_of_header "$h")
        [ -n "$lh" ] || continue   # a header next to the file, or generated
        rh=$(rank "$lh")
        if [ -z "$rh" ]; then
            fail "$f: includes \"$h\", in no known layer"
        elif [ "$rh" -gt "$rf" ]; then
            fail "$f ($lf) includes \"$h\" ($lh, a higher layer)"
        fi
    done
done

# 2. and 3. symbols
objs=""
for o in "$obj"/src/*/*.o "$obj"/cli/*.o; do  # skip objects of moved sources
    [ -f "$o" ] || continue
    rel=${o#"$obj"/}
    [ -f "${rel%.o}.c" ] && objs="$objs $o"
done
if [ -z "$objs" ]; then
    echo "layers: no objects in $obj, symbol checks skipped"
else
    # "object defined|undefined symbol", one line each
    # shellcheck disable=SC2086
    { nm -A --defined-only -g $objs | awk '{ sub(/:.*/, "", $1); print $1, "D", $NF }'
      nm -A -u $objs | awk '{ sub(/:.*/, "", $1); print $1, "U", $NF }'; } |
    awk -v obj="$obj/" -v layers="$LAYERS" -v sub_="$SUBLAYERS" '
        BEGIN {
            n = split(layers, L, " "); for (i = 1; i <= n; i++) R[L[i]] = i
            m = split(sub_, lines, "\n")
            for (i = 1; i <= m; i++) {
                k = split(lines[i], w, " "); if (k < 2) continue
                r = 1
                for (j = 2; j <= k; j++) {
                    if (w[j] == "|") { r++; continue }
                    S[w[1] "/" w[j]] = r
                }
            }
        }
        function short(o) { sub("^" obj, "", o); sub(/^src\//, "", o); sub(/\.o$/, "", o); return o }
        function layer(o) { return (o ~ /^cli\//) ? "cli" : substr(o, 1, index(o, "/") - 1) }
        $2 == "D" { def[$3] = short($1); next }
        { use[++nu] = short($1) " " $3 }
        END {
            bad = 0
            for (i = 1; i <= nu; i++) {
                split(use[i], u, " "); a = u[1]; s = u[2]
                if (!(s in def)) continue          # a library outside salient
                b = def[s]; if (a == b) continue
                la = layer(a); lb = layer(b)
                if (R[lb] > R[la]) {
                    printf "layers: %s (%s) calls %s, defined in %s (%s, a higher layer)\n", a, la, s, b, lb
                    bad = 1
                } else if (la == lb && (a in S) && (b in S) && S[b] >= S[a]) {
                    why = (S[b] > S[a]) ? "a higher file of its layer" : "a peer of its rank"
                    printf "layers: %s calls %s, defined in %s (%s)\n", a, s, b, why
                    bad = 1
                }
            }
            exit bad
        }' || bad=1
fi

if [ $bad -eq 0 ]; then echo "layers: ok ($(echo "$files" | wc -l) files$([ -n "$objs" ] && echo ", $(echo $objs | wc -w) objects"))"; fi
exit $bad

#!/bin/sh
# 'salient discover' against a second, independent PRIM (tests/prim_ref.py,
# plain Python) on the same synthetic runs: cases of interest exactly the
# box x1 in [0.2, 0.5] and x3 > 0.7 among seven inputs uniform on [0, 1],
# without and with 10% of labels flipped.  The runs are stored as an
# ensemble's results.sqlite (metadata, quantiles, events, runs); both
# programs must give the same first box: the same restricted inputs, each
# limit within 0.01, coverage and density within 0.01.  Both find the true
# box within 0.05 without noise, 0.1 with (tests/test_discover.c holds the
# tighter checks on its own data).  Also: bad conditions and options exit 2, nothing written.
set -u
: "${SALIENT:?set SALIENT to the salient binary}"
cd "$(dirname "$0")/../.." || exit 1
command -v python3 > /dev/null || { echo "SKIP: no python3"; exit 0; }
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
no() { echo "FAIL: $*"; fail=$((fail + 1)); }

# CSV -> DIR/results.sqlite laid out as salient ensemble writes it
to_db() {
    python3 - "$1" "$2" <<'PY'
import csv, sqlite3, sys
rows = list(csv.reader(open(sys.argv[1])))
db = sqlite3.connect(sys.argv[2])
db.executescript("""
CREATE TABLE metadata (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE quantiles (metric TEXT, day INTEGER, date TEXT, mean REAL, p05 REAL, p25 REAL,
  p50 REAL, p75 REAL, p95 REAL, PRIMARY KEY (metric, day));
CREATE TABLE events (event TEXT PRIMARY KEY, probability REAL, p05 INTEGER, p50 INTEGER,
  p95 INTEGER);
INSERT INTO metadata VALUES ('format', 'salient-ensemble 1'), ('scenario', 'synthetic'),
  ('variant', NULL), ('seed', '1'), ('runs_requested', '2000'), ('runs', '2000'),
  ('partial', '0'), ('horizon', '0'), ('start', '2024-11-22'), ('accuracy', '0.01');
INSERT INTO quantiles VALUES ('hit', 0, '2024-11-22', 0, 0, 0, 0, 0, 1);
INSERT INTO events VALUES ('e1', 0.5, 0, 0, 0);
""")
cols = ", ".join('"%s" REAL' % c for c in rows[0][1:])
db.execute("CREATE TABLE runs (run INTEGER PRIMARY KEY, %s)" % cols)
db.executemany("INSERT INTO runs VALUES (%s)" % ",".join("?" * len(rows[0])),
               [[int(r[0])] + [float(v) for v in r[1:]] for r in rows[1:]])
db.commit()
PY
}

# compare REF BOXES.CSV: same inputs, limits within 0.01, figures within 0.01
compare() {
    python3 - "$1" "$2" "$3" <<'PY'
import csv, math, sys
ref = open(sys.argv[1]).read().split("\n")
ref = [l.split() for l in ref if l.strip()]
figs = [float(v) for v in ref[-1]]
want = {r[0]: (float(r[1]), float(r[2])) for r in ref[:-1]}
got = {}
for r in csv.DictReader(open(sys.argv[2])):
    if r["box"] == "1":
        lo = float(r["lower"]) if r["lower"] else -math.inf
        hi = float(r["upper"]) if r["upper"] else math.inf
        got[r["input"]] = (lo, hi)
        cov, dens = float(r["coverage"]), float(r["density"])
bad = []
if set(got) != set(want):
    bad.append("inputs %s, python %s" % (sorted(got), sorted(want)))
for k in set(got) & set(want):
    for a, b in zip(got[k], want[k]):
        if not (a == b or abs(a - b) <= 0.01):
            bad.append("%s: %s, python %s" % (k, got[k], want[k]))
if abs(cov - figs[0]) > 0.01 or abs(dens - figs[1]) > 0.01:
    bad.append("coverage %g density %g, python %g %g" % (cov, dens, figs[0], figs[1]))
truth = {"x1": (0.2, 0.5), "x3": (0.7, math.inf)}
for k, (a, b) in truth.items():
    g = got.get(k, (-math.inf, math.inf))
    tol = float(sys.argv[3])
    if not (abs(g[0] - a) <= tol and (g[1] == b or abs(g[1] - b) <= tol)):
        bad.append("%s: %s, the truth %s" % (k, g, (a, b)))
if bad:
    print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
}

for case in "1 0" "2 0.1" "3 0.1"; do
    set -- $case
    d="$tmp/runs$1"
    mkdir -p "$d"
    python3 tests/prim_ref.py gen "$1" "$2" "$tmp/runs$1.csv"
    to_db "$tmp/runs$1.csv" "$d/results.sqlite"
    python3 tests/prim_ref.py prim "$tmp/runs$1.csv" > "$tmp/ref$1" || no "prim_ref.py failed"
    "$SALIENT" discover "$d" --where 'hit > 0.5' --bootstrap 0 --quiet > "$tmp/out" 2>&1 ||
        { no "seed $1: discover failed"; cat "$tmp/out"; continue; }
    tol=0.05
    [ "$2" = 0 ] || tol=0.1
    compare "$tmp/ref$1" "$d/discover/boxes.csv" $tol || no "seed $1 noise $2: the boxes differ"
    for f in boxes.csv trajectory.csv results.sqlite report.html; do
        [ -s "$d/discover/$f" ] || no "seed $1: no $f"
    done
done

# the same bytes for 1 and 2 threads, with the bootstrap
d="$tmp/runs2"
"$SALIENT" discover "$d" --where 'hit > 0.5' --threads 1 --out "$tmp/t1" --quiet || no "t1"
"$SALIENT" discover "$d" --where 'hit > 0.5' --threads 2 --out "$tmp/t2" --quiet || no "t2"
OMP_NUM_THREADS=1 "$SALIENT" discover "$d" --where 'hit > 0.5' --out "$tmp/o1" --quiet || no "o1"
OMP_NUM_THREADS=2 "$SALIENT" discover "$d" --where 'hit > 0.5' --out "$tmp/o2" --quiet || no "o2"
for f in boxes.csv trajectory.csv results.sqlite report.html; do
    cmp -s "$tmp/t1/$f" "$tmp/t2/$f" || no "$f differs between 1 and 2 threads"
    cmp -s "$tmp/o1/$f" "$tmp/o2/$f" || no "$f differs between OMP_NUM_THREADS=1 and 2"
    cmp -s "$tmp/o1/$f" "$tmp/t1/$f" || no "$f differs between OMP_NUM_THREADS=1 and --threads 1"
done
grep -q '^1,x1,' "$tmp/t1/boxes.csv" || no "no x1 row in boxes.csv"
awk -F, '$2 == "x1" && !($7 >= 0.9) { exit 1 }' "$tmp/t1/boxes.csv" || no "x1 not stable"

# bad input: exit 2, a message, nothing written
expect() {
    want=$1; pat=$2; shift 2
    rm -rf "$tmp/bad"
    "$SALIENT" discover "$@" --out "$tmp/bad" > "$tmp/out" 2> "$tmp/err"; st=$?
    [ $st -eq "$want" ] || { no "$*: exit $st, expected $want"; cat "$tmp/err"; }
    grep -q -- "$pat" "$tmp/err" || { no "$*: no '$pat' in stderr"; cat "$tmp/err"; }
    [ -e "$tmp/bad" ] && no "$*: output written"
}
expect 2 "^--where:1:1: error: unknown name 'hitt'; did you mean 'hit'?" "$d" --where 'hitt > 0.5'
expect 2 "^--where:1:11: error: no event named 'e2'; did you mean 'e1'?" "$d" --where 'event_day(e2) < 3'
expect 2 "has no table run_events" "$d" --where 'hit > 0.5 or event_day(e1) < 3'
expect 2 "has no table paths" "$d" --where 'metric(hit, 2024-11-22) > 0.5'
expect 2 "outside the runs' days" "$d" --where 'metric(hit, 2025-11-22) > 0.5'
expect 2 "not a date" "$d" --where 'hit > 0 and date(2025-13-45) > 0'
expect 2 "no --where" "$d"
expect 2 "expected prim or cart" "$d" --where 'hit > 0' --method svm
expect 2 "threshold" "$d" --where 'hit > 0' --threshold 2
expect 2 "no run is a case of interest" "$d" --where 'hit > 5'
expect 2 "give --runs N" examples/minimal.yaml --where 'day > 0'
expect 2 "no such results directory or scenario file" "$tmp/nowhere" --where 'hit > 0'
expect 2 "no table runs\|cannot open\|no table metadata" "$tmp" --where 'hit > 0'
"$SALIENT" discover "$d" --where 'hit > 0.5' --out "$d" 2> "$tmp/err" > /dev/null; st=$?
[ $st -eq 2 ] && grep -q "would overwrite" "$tmp/err" || no "--out DIR itself: exit $st"
[ -s "$d/results.sqlite" ] && sqlite3 "$d/results.sqlite" 'SELECT COUNT(*) FROM runs' > /dev/null ||
    no "--out DIR itself: the ensemble's results damaged"

# --out DIR2 is locked: while another process holds DIR2's lock, exit 2 and nothing written
mkdir -p "$tmp/locked"
python3 - "$tmp/locked/.salient-lock" "$tmp/lk" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.lockf(fd, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(30)
PY
lp=$!
i=0
while [ ! -e "$tmp/lk" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
"$SALIENT" discover "$d" --where 'hit > 0.5' --out "$tmp/locked" -q 2> "$tmp/err"; st=$?
[ $st -eq 2 ] && grep -q "is in use by process $lp" "$tmp/err" ||
    { no "DIR2 locked by $lp: exit $st"; cat "$tmp/err"; }
ls "$tmp/locked" | grep -q . && no "DIR2 locked: files written: $(ls "$tmp/locked")"
kill $lp 2> /dev/null
wait $lp 2> /dev/null
"$SALIENT" discover "$d" --where 'hit > 0.5' --out "$tmp/locked" -q || no "DIR2 after the lock"
[ -e "$tmp/locked/.salient-lock" ] && no "lock file left after the job"
# no partial set of files: a report that cannot be renamed into place (a
# directory in the way) takes the other files back, exit 1; so does a
# results.sqlite that cannot
for x in report.html results.sqlite; do
    rm -rf "$tmp/part"
    mkdir -p "$tmp/part/$x"
    "$SALIENT" discover "$d" --where 'hit > 0.5' --out "$tmp/part" -q 2> "$tmp/err"; st=$?
    [ $st -eq 1 ] || { no "$x in the way: exit $st, expected 1"; cat "$tmp/err"; }
    grep -q "nothing was written" "$tmp/err" || { no "$x in the way: message"; cat "$tmp/err"; }
    left=$(cd "$tmp/part" && ls -A | grep -v "^$x\$")
    [ -z "$left" ] || no "$x in the way: files left: $left"
done

[ $fail -eq 0 ] && echo "discover_prim: ok"
exit $fail

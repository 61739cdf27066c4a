#!/bin/sh
# Installs the Debian packages salient needs, when they are missing.
# As root it runs apt-get; otherwise it prints the exact command and fails.
# `deps.sh bench` checks instead the packages only the benchmarks need
# (`make bench`): NumPy, for the independent duel in bench/duel_numpy.py.
BENCH_PKGS="python3-numpy"
PKGS="gcc make pkg-config libgsl-dev librandom123-dev libyaml-dev libsqlite3-dev libssl-dev libcmocka-dev libopenmpi-dev openmpi-bin libjs-chart.js chromium sqlite3 python3 clang cppcheck clang-tidy"
[ "$1" = bench ] && PKGS="$BENCH_PKGS"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "salient: installing Debian packages:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || true
    apt-get install -y --no-install-recommends $missing >&2 || exit 1
else
    echo "salient: missing Debian packages. Run as root:" >&2
    echo "  apt-get install -y$missing" >&2
    exit 1
fi

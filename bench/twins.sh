#!/bin/sh
# The full twin experiment on the flagship (issue 16, item 6; docs/flagship.md,
# "Honest bands"): TWINS truths drawn from the prior, each calibrated on its own
# synthetic reports with N particles, and the coverage of the forecast's 50%
# and 90% bands of the headline outcomes on 1 Jan, 1 Apr and 1 Sep 2025.
#
#   make tests && sh bench/twins.sh [TWINS [N]]     (default 50 twins, 200 particles)
#
# A benchmark, never part of the suite (which runs 3 twins of 100 particles
# through the same program, tests/test_twins.c).  Each twin calibrates with N
# particles (runs to 22 November 2024) and forecasts N runs to the horizon.
set -u
cd "$(dirname "$0")/.." || exit 1
SALIENT_TWINS=${1:-50} SALIENT_TWIN_N=${2:-200} build/tests/test_twins

#!/bin/sh
# The full twin experiment on the flagship (issue 16, item 6; docs/flagship.md,
# "Honest bands"): TWINS truths drawn from the prior, each calibrated on its own
# synthetic reports with N particles, and the coverage of the forecast's 50%
# and 90% bands of the headline outcomes on 1 Jan, 1 Apr and 1 Sep 2025.
#
#   make tests && sh bench/twins.sh [TWINS [N [FIRST]]]  (default 50 twins from twin 0, 200 particles)
#
# Each twin prints a line "twin-inputs" (per uncertain input, 1 if its truth
# lay inside its posterior 90% interval) and "twin-bands" (per outcome and
# date, 1 if the 90% band covered the truth), so split runs (FIRST) add up.
#
# A benchmark, never part of the suite (which runs 3 twins of 100 particles
# through the same program, tests/test_twins.c).  Each twin calibrates with N
# particles (runs to 22 November 2024) and forecasts N runs to the horizon.
set -u
cd "$(dirname "$0")/.." || exit 1
SALIENT_TWINS=${1:-50} SALIENT_TWIN_N=${2:-200} SALIENT_TWIN_FIRST=${3:-0} build/tests/test_twins

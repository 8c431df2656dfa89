#!/bin/sh
# Install what is missing, build, and run divertsim with the arguments
# given; with none, it runs the bundled tour scenario.
#   ./run.sh                         the tour: divert(4) packet by packet
#   ./run.sh scenarios/05-natd.scn   any scenario
#   ./run.sh check scenarios/*.scn   a regression run
set -eu
cd "$(dirname "$0")"
sh scripts/deps.sh
sh scripts/build.sh build >/dev/null
exec ./build/tools/divertsim "$@"

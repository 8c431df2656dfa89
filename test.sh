#!/bin/sh
# Install what is missing, build, and run the whole test suite twice: as
# built, and under AddressSanitizer + UndefinedBehaviorSanitizer.  Ends with
# the line "N passed, N failed" for everything that ran.
set -eu
cd "$(dirname "$0")"
sh scripts/deps.sh
sh scripts/build.sh build
sh scripts/build.sh build-sanitize -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbuildtype=debug
status=0
meson test -C build --print-errorlogs || status=1
meson test -C build-sanitize --setup=sanitize --print-errorlogs || status=1
python3 scripts/test_summary.py build/meson-logs/testlog.json \
    build-sanitize/meson-logs/testlog-sanitize.json || status=1
exit $status

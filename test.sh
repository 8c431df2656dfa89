#!/bin/sh
# Install what is missing, build, and run the whole test suite twice: as
# built, and under AddressSanitizer + UndefinedBehaviorSanitizer; then the
# fuzz harnesses for a fixed number of inputs each.  Ends with
# the line "N passed, N failed" for everything that ran.
set -eu
cd "$(dirname "$0")"
sh scripts/deps.sh
sh scripts/build.sh build
sh scripts/build.sh build-sanitize -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbuildtype=debug
# libFuzzer harnesses (docs/fuzzing.md), run briefly as smoke tests.
CC=clang CXX=clang++ sh scripts/build.sh build-fuzz -Dfuzz=enabled \
    -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug \
    -Dtests=false -Dbench=disabled
status=0
meson test -C build --print-errorlogs || status=1
meson test -C build-sanitize --setup=sanitize --print-errorlogs || status=1
meson test -C build-fuzz --suite fuzz --print-errorlogs || status=1
python3 scripts/test_summary.py build/meson-logs/testlog.json \
    build-sanitize/meson-logs/testlog-sanitize.json \
    build-fuzz/meson-logs/testlog.json || status=1
exit $status

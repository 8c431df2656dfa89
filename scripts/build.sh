#!/bin/sh
# Configure (once) and build DIR (default build) with extra meson options.
set -eu
dir=${1:-build}
shift || true
if [ -f "$dir/build.ninja" ]; then
	meson configure "$dir" "$@" >/dev/null
else
	meson setup "$dir" "$@"
fi
ninja -C "$dir"

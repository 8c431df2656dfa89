#!/bin/sh
# Run one libFuzzer harness for a fixed number of inputs over a seed corpus
# made from the scenario files of the tree (docs/fuzzing.md).
#   usage: smoke.sh HARNESS KIND RUNS SOURCE_ROOT
# KIND: scenario (whole files), ipfw (the ipfw command lines of the
# scenarios), ipfw_diff (those lines, one or all of a file's at once,
# a NUL, a flag byte and a packet),
# div_output (a flag byte, an address, a packet).
set -eu
exe=$1 kind=$2 runs=$3 root=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
corpus="$tmp/corpus"
# UBSan reports are findings: stop at the first one.
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export UBSAN_OPTIONS
sh "$root/tests/fuzz/seeds.sh" "$kind" "$root" "$corpus"
# -seed fixed: the same inputs every time; leaks are findings too.
"$exe" -runs="$runs" -seed=1 -max_len=4096 -timeout=10 \
    -artifact_prefix="$tmp/" "$corpus" >"$tmp/log" 2>&1 || {
	tail -50 "$tmp/log"
	for a in "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-* "$tmp"/oom-*; do
		[ -f "$a" ] || continue
		echo "input $a:"
		od -c "$a" | head -20
	done
	exit 1
}
grep -E "^#[0-9]+.*DONE|Done [0-9]+ runs" "$tmp/log" | tail -1

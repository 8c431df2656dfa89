#!/bin/sh
# Standard output that cannot be written is an output error: every
# sub-command, with its stdout on /dev/full (ENOSPC at the first write) or
# closed, exits 2 and says so on stderr; the same commands with stdout on
# /dev/null exit as they always do.
#
#   stdout_full.sh DIVERTSIM SRCROOT
set -u
ds=$1
src=$2
[ -w /dev/full ] || { echo "no /dev/full: skipped"; exit 77; }
tmp=$(mktemp -d) && cd "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
msg='divertsim: write error on standard output: No space left on device'

# expect RC_NULL ARGS...: exit RC_NULL to /dev/null, 2 and msg to /dev/full
expect() {
	want=$1
	shift
	"$ds" "$@" >/dev/null 2>null.err
	rc=$?
	[ "$rc" = "$want" ] || fail "$* >/dev/null: exit $rc, not $want"
	grep -q 'write error' null.err && fail "$* >/dev/null: $(cat null.err)"
	"$ds" "$@" >/dev/full 2>full.err
	rc=$?
	[ "$rc" = 2 ] || fail "$* >/dev/full: exit $rc, not 2"
	grep -qxF "$msg" full.err || fail "$* >/dev/full: stderr: $(cat full.err)"
}

scn=$src/scenarios/01-read-incoming.scn
expect 0 run --trace-dir tr "$scn"
expect 0 run --no-traces "$src/scenarios/tour.scn"
expect 0 run -q --no-traces "$scn"
expect 0 run --no-traces --counters "$scn"
expect 0 run --no-traces --host H --ev ipfw "$scn"
expect 0 check "$scn" "$src/scenarios/05-natd.scn"
expect 0 check -q -j 2 "$scn" "$src/scenarios/05-natd.scn"
expect 0 lint "$scn"
expect 0 gen star -n 3
expect 0 story tr/events.jsonl 1
expect 0 --help
expect 0 --version
# A failing expectation (1) and a scenario error (2) stay failures.
expect 1 run --no-traces "$src/tests/scenarios/outcome/expect-fails.scn"
expect 2 check "$src/tests/scenarios/outcome/lint-recovery.scn"

# The trace files of a run whose stdout failed are whole all the same.
tail -c 1 tr/events.jsonl | od -An -c | grep -q '\\n' ||
	fail "events.jsonl does not end a line"

# A closed stdout: EBADF when there is something to write, no error when
# there is nothing (a run whose only output would be nothing at all is not
# possible, so `gen` with an error is used: its message goes to stderr).
"$ds" lint "$scn" >&- 2>closed.err
rc=$?
[ "$rc" = 2 ] || fail "lint >&-: exit $rc, not 2"
grep -qxF 'divertsim: write error on standard output: Bad file descriptor' \
    closed.err || fail "lint >&-: stderr: $(cat closed.err)"
"$ds" gen nosuchshape >&- 2>closed.err
rc=$?
grep -q 'write error' closed.err && fail "gen error >&-: $(cat closed.err)"
[ "$rc" = 2 ] || fail "gen nosuchshape >&-: exit $rc, not 2"
[ $failures = 0 ]

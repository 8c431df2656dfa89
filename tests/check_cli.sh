#!/bin/sh
# divertsim check for CI: -q prints failures and the closing line only;
# -j 2 prints exactly what -j 1 prints; --shard K/N slices cover every file
# once; no traces unless --trace-dir, then one folder per file (NAME-2/ for
# a second file of the same base name), emptied of an earlier run's pcaps;
# --junit writes a report that tests/junit_check.py validates.
#
#   check_cli.sh DIVERTSIM SRCROOT
set -u
ds=$1
src=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/divertsim-cli.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
status=0
fail() {
	echo "FAIL: $*"
	status=1
}

# A mix: passing files, a failing one, a scenario error, a failing at.
files="$src/scenarios/01-read-incoming.scn $src/scenarios/05-natd.scn
$src/tests/scenarios/outcome/expect-fails.scn
$src/tests/scenarios/outcome/lint-recovery.scn
$src/tests/scenarios/outcome/at-command-fails.scn
$src/scenarios/14-fragments.scn"

cd "$tmp" || exit 99
# shellcheck disable=SC2086
"$ds" check -j 1 $files >j1.out 2>j1.err
rc1=$?
# shellcheck disable=SC2086
"$ds" check -j 2 $files >j2.out 2>j2.err
rc2=$?
[ $rc1 = 2 ] || fail "check exited $rc1, not 2 (worst: a scenario error)"
[ $rc1 = $rc2 ] || fail "-j 2 exited $rc2, -j 1 $rc1"
cmp -s j1.out j2.out || fail "-j 2 stdout differs from -j 1"
cmp -s j1.err j2.err || fail "-j 2 stderr differs from -j 1"
tail -1 j1.out | grep -qx "3 passed, 3 failed" || fail "closing line: $(tail -1 j1.out)"
[ -e traces ] && fail "check wrote traces without --trace-dir"
# The cost file -j orders the work by (longest first): written after a
# check of several files, one line per file with its absolute path;
# with costs that reverse the file order, -j 2 still prints what -j 1 does.
DIVERTSIM_CHECK_COSTS=$tmp/costs
export DIVERTSIM_CHECK_COSTS
# shellcheck disable=SC2086
"$ds" check -j 1 $files >/dev/null 2>&1
[ "$(wc -l <costs)" = 6 ] || fail "the cost file has not one line per file"
for f in $files; do
	grep -q "^[0-9.]* $f\$" costs || fail "no cost for $f"
done
reverse_costs() {
	i=1
	for f in $files; do
		echo "$i $f"
		i=$((i + 1))
	done >costs
}
reverse_costs
# shellcheck disable=SC2086
"$ds" check -j 2 $files >j2r.out 2>j2r.err
cmp -s j1.out j2r.out || fail "-j 2 in cost order: stdout differs from -j 1"
cmp -s j1.err j2r.err || fail "-j 2 in cost order: stderr differs from -j 1"
reverse_costs
DIVERTSIM_CHECK_COSTS=
# shellcheck disable=SC2086
"$ds" check -j 2 $files >/dev/null 2>&1
grep -q "^1 " costs || fail "DIVERTSIM_CHECK_COSTS= still wrote the costs"
# A check rewrites the file only when a time moved by more than half (and
# half a millisecond): these files take milliseconds, not 1-6 seconds.
DIVERTSIM_CHECK_COSTS=$tmp/costs
# shellcheck disable=SC2086
"$ds" check -j 2 $files >/dev/null 2>&1
[ "$(wc -l <costs)" = 6 ] || fail "the cost file has not one line per file"
grep -q "^[1-6] " costs && fail "costs far from this run's not replaced"
unset DIVERTSIM_CHECK_COSTS
# What a directory's test in meson.build relies on: among files that pass,
# the failing expectation is named by file and line (the file's line 10,
# "expect a.ping.received == 2"; one ping of two is answered).
grep -qx "FAIL $src/tests/scenarios/outcome/expect-fails.scn:10: expect \
a.ping.received == 2 (got 1)" j1.out ||
    fail "the failing expectation is not named by file and line"

# -q: only failures and the closing line.
# shellcheck disable=SC2086
"$ds" check -q $files >q.out 2>q.err
grep -q '^PASS' q.out && fail "-q printed a PASS line"
grep -q 'FAIL .*expect-fails.scn (1 of 1 expectations failed)' q.out ||
    fail "-q lost a failing file"
grep -q "FAIL .*at-command-fails.scn (an 'at' command failed)" q.out ||
    fail "-q lost the failing at command"
tail -1 q.out | grep -qx "3 passed, 3 failed" || fail "-q closing line"

# Shards: each file in exactly one slice, the union is the whole.
: >shards
for k in 1 2 3; do
	# shellcheck disable=SC2086
	"$ds" check --shard $k/3 $files 2>/dev/null |
	    sed -n 's/^\(PASS\|FAIL\) \([^ :]*\) (.*/\2/p' >>shards
done
sort shards >shards.sorted
echo "$files" | tr ' ' '\n' | sort >all.sorted
cmp -s shards.sorted all.sorted || fail "shards do not cover each file once"
"$ds" check --shard 4/3 x.scn >/dev/null 2>&1 && fail "--shard 4/3 accepted"

# Trace folders: one per file, a second base name gets NAME-2.
mkdir -p a b out/t
cp "$src/scenarios/01-read-incoming.scn" a/t.scn
cp "$src/scenarios/01-read-incoming.scn" b/t.scn
touch out/t/old-host-em0.pcap out/t/notes.txt
"$ds" check --trace-dir out a/t.scn b/t.scn >tr.out 2>&1 ||
    fail "check --trace-dir: $(cat tr.out)"
[ -s out/t/events.jsonl ] || fail "no out/t/events.jsonl"
[ -s out/t-2/events.jsonl ] || fail "no out/t-2/events.jsonl"
[ -e out/t/old-host-em0.pcap ] && fail "a stale pcap stayed in out/t"
[ -e out/t/notes.txt ] || fail "a file not ours was removed from out/t"

# JUnit.
# shellcheck disable=SC2086
"$ds" check -j 2 --junit report.xml $files >/dev/null 2>&1
python3 "$src/tests/junit_check.py" report.xml 6 ||
    fail "the JUnit report is not valid"

[ $status = 0 ] && echo "check: -j, --shard, -q, traces and JUnit as documented"
exit $status

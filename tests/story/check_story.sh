#!/bin/sh
# `divertsim story` and the narration filters of `divertsim run`, against
# walks worked out by hand from tour.scn (the ping through gw's divert
# socket and its echo reply) and udp-noport.scn (a datagram and the ICMP
# port unreachable it causes).  Timings: 100Mbps links with 1ms delay and
# 2 bytes of point-to-point header, so an 84-byte datagram arrives
# 1ms + 86*80ns = 1.006880ms after it leaves.
#   usage: check_story.sh DIVERTSIM SOURCE_ROOT
set -u
ds=$1
root=$2
here=$root/tests/story
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# same NAME EXPECTED GOT
same() {
	if ! diff -u "$2" "$3" >"$tmp/diff"; then
		echo "FAIL $1"; cat "$tmp/diff"; fail=1
	else
		echo "ok $1"
	fi
}
narrated() { grep -E '^ *[0-9]+\.[0-9]{9} '; }

"$ds" run -q --trace-dir "$tmp/tour" "$root/scenarios/tour.scn" >/dev/null
"$ds" run -q --trace-dir "$tmp/np" "$here/udp-noport.scn" >/dev/null ||
    { echo "FAIL udp-noport.scn's expectation"; fail=1; }
"$ds" story --width 72 "$tmp/tour/events.jsonl" 1 >"$tmp/out"
same "story of the tour's ping, 72 columns" "$here/tour-72.story" "$tmp/out"
"$ds" story "$tmp/np/events.jsonl" 1 >"$tmp/out"
same "story of a datagram and its ICMP error" "$here/udp-noport.story" "$tmp/out"
# --why: the reasons run --why logged, under each ipfw step and drop,
# worked out by hand from tour.scn's rules (100 in recv em0, 200 out xmit
# em1, 65000) and the drop table; the option may follow the operands.
"$ds" run -q --why --trace-dir "$tmp/tourwhy" "$root/scenarios/tour.scn" \
    >/dev/null
"$ds" story "$tmp/tourwhy/events.jsonl" 1 --why >"$tmp/out"
same "story --why of the tour's ping" "$here/tour-why.story" "$tmp/out"
"$ds" run -q --why --trace-dir "$tmp/npwhy" "$here/udp-noport.scn" >/dev/null
"$ds" story --why "$tmp/npwhy/events.jsonl" 1 >"$tmp/out"
same "story --why of a datagram and its ICMP error" \
    "$here/udp-noport-why.story" "$tmp/out"
# Without --why, a file written by run --why tells the same story.
"$ds" story "$tmp/tourwhy/events.jsonl" 1 >"$tmp/out"
"$ds" story "$tmp/tour/events.jsonl" 1 >"$tmp/want"
same "story of a --why file without --why" "$tmp/want" "$tmp/out"
# --why and --width 60 together: every line fits.
w=$("$ds" story --width 60 --why "$tmp/tourwhy/events.jsonl" 1 |
    awk '{ if (length($0) > m) m = length($0) } END { print m }')
[ "$w" -le 60 ] && echo "ok story --why --width 60" ||
    { echo "FAIL story --why --width 60: a line of $w columns"; fail=1; }
# The story of the reply alone starts at the reply.
"$ds" story "$tmp/np/events.jsonl" 2 | head -1 >"$tmp/out"
echo "packet 2, made by B in answer to packet 1:" >"$tmp/want"
same "story of the ICMP error alone" "$tmp/want" "$tmp/out"

"$ds" run --no-traces --host gw --ev ipfw "$root/scenarios/tour.scn" |
    narrated >"$tmp/out"
same "run --host gw --ev ipfw" "$here/tour-gw-ipfw.narration" "$tmp/out"
"$ds" run --no-traces --lineage 2 "$root/scenarios/tour.scn" |
    narrated >"$tmp/out"
same "run --lineage 2" "$here/tour-lineage2.narration" "$tmp/out"
# --host hides the other hosts' ipfw command echoes too.
n=$("$ds" run --no-traces --host client "$root/scenarios/tour.scn" |
    grep -c '^gw#')
[ "$n" -eq 0 ] && echo "ok --host client hides gw# lines" ||
    { echo "FAIL --host client printed $n gw# lines"; fail=1; }
# Every line of a --width 50 run fits in 50 columns.
w=$("$ds" run --no-traces --width 50 "$root/scenarios/tour.scn" |
    narrated | awk '{ if (length($0) > m) m = length($0) } END { print m }')
[ "$w" -le 50 ] && echo "ok --width 50" ||
    { echo "FAIL --width 50: a narrated line of $w columns"; fail=1; }

# Bad input: a clear message and exit status 2.
for args in "run --ev nosuch x" "run --lineage 0 x" "run --width 10 x" \
    "run --host nosuch $root/scenarios/tour.scn" \
    "story $tmp/tour/events.jsonl 99" "story /dev/null" \
    "story $root/scenarios/tour.scn 1" \
    "story --why $tmp/tour/events.jsonl 1" \
    "story --bogus $tmp/tour/events.jsonl 1" \
    "story $tmp/tour/events.jsonl 1 2"; do
	# shellcheck disable=SC2086
	"$ds" $args >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 2 ] || [ ! -s "$tmp/err" ]; then
		echo "FAIL divertsim $args: exit $rc, stderr '$(cat "$tmp/err")'"
		fail=1
	else
		echo "ok divertsim $args: $(head -1 "$tmp/err")"
	fi
done
exit $fail

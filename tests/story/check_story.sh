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
# check --why --trace-dir writes the same why lists (no narration).
"$ds" check -q --why --trace-dir "$tmp/chk" "$root/scenarios/tour.scn" \
    >/dev/null
"$ds" story --why "$tmp/chk/tour/events.jsonl" 1 >"$tmp/out"
same "story --why of check --why's traces" "$here/tour-why.story" "$tmp/out"
# Without --why, a file written by run --why tells the same story.
"$ds" story "$tmp/tourwhy/events.jsonl" 1 >"$tmp/out"
"$ds" story "$tmp/tour/events.jsonl" 1 >"$tmp/want"
same "story of a --why file without --why" "$tmp/want" "$tmp/out"
# A tee'd fragment written back (tests/scenarios/tee-fragments-reinjected):
# the original of the first fragment is held (1480 of ? bytes), its copy
# dropped as a duplicate, said in the step and in --why; the third copy,
# after the datagram is gone, held alone with the length known (2960 +
# 1048 = 4008).
"$ds" run -q --why --trace-dir "$tmp/teer" \
    "$root/tests/scenarios/tee-fragments-reinjected.scn" >/dev/null
"$ds" story --why "$tmp/teer/events.jsonl" 1 >"$tmp/out"
for want in \
    '  9.    1.001120160 H        fragment held for reassembly: offset 0, 1480 data bytes; 1 held, 1480 of ? data bytes, waiting for the rest' \
    ' 13.    1.001130160 H        dropped: frag-bad on em0 (duplicate)' \
    '                               frag-bad: the fragment from 192.0.2.1 at offset 0 (1480 data bytes) duplicates one H holds already; ip_reass() keeps the copy that came first' \
    '                               frag-timeout: H did not get every fragment of the datagram from 192.0.2.1 within 30 s'; do
	if grep -qxF "$want" "$tmp/out"; then
		echo "ok story --why tells: $(echo "$want" | cut -c1-60)..."
	else
		echo "FAIL story --why lacks: $want"; fail=1
	fi
done
n=$(grep -c 'offset 2960, 1048 data bytes; 1 held, 1048 of 4008 data bytes' \
    "$tmp/out")
[ "$n" -eq 1 ] && echo "ok the last copy held alone, length known" ||
    { echo "FAIL the last copy's held step: $n lines"; fail=1; }
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
    "story $tmp/tour/events.jsonl 1 2" \
    "check --why $root/scenarios/tour.scn" \
    "lint --why $root/scenarios/tour.scn"; do
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
# --ev tcp keeps the TCP connection events and nothing else: each side of
# tcp-close.scn's first connection (a:49152 -> b:7) reaches ESTABLISHED,
# and the filtered lines are the unfiltered narration's tcp lines.
"$ds" run --no-traces --ev tcp "$root/tests/scenarios/tcp-close.scn" >"$tmp/tcpev" 2>&1
all=$("$ds" run --no-traces "$root/tests/scenarios/tcp-close.scn" 2>&1 |
    grep -E '^ +[0-9.]+ +[^ ]+ +tcp ')
got=$(grep -E '^ +[0-9.]+ +[^ ]+ +' "$tmp/tcpev")
if [ -n "$got" ] && [ "$got" = "$all" ] &&
    grep -q ' a  *tcp established conn 1 10.0.0.1:49152 > 10.0.0.2:7 ' "$tmp/tcpev" &&
    grep -q ' b  *tcp established conn 1 10.0.0.2:7 > 10.0.0.1:49152 ' "$tmp/tcpev"; then
	echo "ok run --ev tcp"
else
	echo "FAIL run --ev tcp:"; cat "$tmp/tcpev"
	fail=1
fi
# A --width with no value says so, not "no such option".
"$ds" story "$tmp/tour/events.jsonl" 1 --width >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q -- "--width needs a value" "$tmp/err"; then
	echo "ok story --width without a value"
else
	echo "FAIL story --width without a value: exit $rc, '$(head -1 "$tmp/err")'"
	fail=1
fi
exit $fail

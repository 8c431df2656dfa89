#!/bin/sh
# `divertsim view` and `run --html` on the command line: exit statuses,
# messages, the default output name, well-formed pictures, and the same
# page from both commands.
#   usage: cli_test.sh DIVERTSIM SOURCE_ROOT
set -u
ds=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$2" && pwd)
tour=$root/scenarios/tour.scn
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0

# expect RC DESCRIPTION CMD...: CMD exits RC.
expect() {
	want=$1
	what=$2
	shift 2
	n=$((n + 1))
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL $what: exit $got, expected $want"
		sed 's/^/    /' "$tmp/err"
		fail=$((fail + 1))
	else
		echo "ok $what"
	fi
}

# grep_err PATTERN DESCRIPTION: the last command's stderr says PATTERN.
grep_err() {
	n=$((n + 1))
	if grep -q "$1" "$tmp/err"; then
		echo "ok $2"
	else
		echo "FAIL $2: stderr lacks '$1':"
		sed 's/^/    /' "$tmp/err"
		fail=$((fail + 1))
	fi
}

expect 2 "view without a file" "$ds" view
grep_err "one scenario file" "view without a file says so"
expect 2 "view of a missing file" "$ds" view -o "$tmp/x.html" "$tmp/none.scn"
expect 2 "view with an unknown option" "$ds" view --bogus "$tour"
expect 2 "view into a missing folder" "$ds" view -o "$tmp/no/x.html" "$tour"
grep_err "cannot write $tmp/no/x.html" "the unwritable page is named"
expect 2 "--html is for run only" "$ds" check --html "$tmp/y.html" "$tour"
grep_err "option of run" "check --html says so"
printf 'host a\n  bogus line\n' >"$tmp/bad.scn"
expect 2 "view of a broken scenario" "$ds" view -o "$tmp/b.html" "$tmp/bad.scn"
n=$((n + 1))
if [ -e "$tmp/b.html" ]; then
	echo "FAIL a broken scenario left a page"
	fail=$((fail + 1))
else
	echo "ok a broken scenario leaves no page"
fi
expect 0 "view --help" "$ds" view --help

# The default name: NAME.html in the current folder.
n=$((n + 1))
if (cd "$tmp" && "$ds" view "$tour" >/dev/null 2>&1) &&
    [ -s "$tmp/tour.html" ]; then
	echo "ok view FILE writes NAME.html"
else
	echo "FAIL view FILE did not write tour.html"
	fail=$((fail + 1))
fi

# run --html writes the page view writes, byte for byte, and narrates.
expect 0 "run --html" "$ds" run --no-traces --html "$tmp/run.html" "$tour"
n=$((n + 1))
if grep -q "divert to port 8000" "$tmp/out" &&
    cmp -s "$tmp/run.html" "$tmp/tour.html"; then
	echo "ok run --html narrates and writes the same page as view"
else
	echo "FAIL run --html: page differs from view's, or no narration"
	fail=$((fail + 1))
fi

# With traces too: events.jsonl is written whole beside the page.
expect 0 "run --html with traces" "$ds" run -q --trace-dir "$tmp/tr" \
    --html "$tmp/tr.html" "$tour"
n=$((n + 1))
if cmp -s "$tmp/tr.html" "$tmp/tour.html" &&
    [ "$(wc -l <"$tmp/tr/events.jsonl")" -eq 26 ]; then
	echo "ok run --html keeps events.jsonl whole (26 events) and the page"
else
	echo "FAIL run --html with traces: page or events.jsonl differ"
	fail=$((fail + 1))
fi

# Pictures only: no page, two well-formed SVG files.
mkdir "$tmp/pic"
expect 0 "view --svg-topology --svg-sequence" sh -c "cd '$tmp/pic' &&
    '$ds' view --svg-topology t.svg --svg-sequence s.svg '$tour'"
n=$((n + 1))
if [ -e "$tmp/pic/tour.html" ]; then
	echo "FAIL --svg options also wrote a page"
	fail=$((fail + 1))
elif python3 -c '
import sys, xml.etree.ElementTree as E
for f in sys.argv[1:]:
    r = E.parse(f).getroot()
    assert r.tag == "{http://www.w3.org/2000/svg}svg", f
' "$tmp/pic/t.svg" "$tmp/pic/s.svg"; then
	echo "ok the pictures are SVG documents"
else
	echo "FAIL the pictures are not well-formed SVG"
	fail=$((fail + 1))
fi

# The topology says what the file says: addresses, an interface's MTU,
# the link's rate, delay and MTU, a program started by an `at` command;
# the sequence has lanes a, b and b's process on port 8000.
cat >"$tmp/lab.scn" <<'SCN'
host a
  ifconfig em0 inet 192.0.2.1/24
  ifconfig em0 mtu 576
host b
  ifconfig em0 inet 192.0.2.2/24
  ipfw add 100 divert 8000 icmp from any to any in
  ipfw add 65000 allow ip from any to any
link a:em0 b:em0 rate 10Mbps delay 5ms mtu 576
at 1500ms b divert 8000 reinject
at 2s a ping -c 1 192.0.2.2
expect b.divert.8000.read == 1
run
SCN
expect 0 "view of a lab scenario" "$ds" view --svg-topology "$tmp/lab.svg" \
    --svg-sequence "$tmp/labs.svg" "$tmp/lab.scn"
for want in '>em0 192.0.2.1/24 mtu 576<' '>em0 192.0.2.2/24<' \
    '>10 Mbit/s, 5 ms, MTU 576<' '>divert 8000 reinject (at 1500 ms)<'; do
	n=$((n + 1))
	if grep -qF "$want" "$tmp/lab.svg"; then
		echo "ok topology shows $want"
	else
		echo "FAIL topology lacks $want"
		fail=$((fail + 1))
	fi
done
n=$((n + 1))
lanes=$(grep -o '<g class="lane[^>]*>' "$tmp/labs.svg" |
    sed 's/.*data-host="\([^"]*\)" data-port="\([0-9]*\)".*/\1:\2/' |
    tr '\n' ' ')
if [ "$lanes" = "a:0 b:0 b:8000 " ]; then
	echo "ok lanes a, b, b:8000"
else
	echo "FAIL lanes '$lanes', expected 'a:0 b:0 b:8000 '"
	fail=$((fail + 1))
fi

# 14-fragments, one arrow per event, counted by hand: P 2 commands, 2
# fragment, 6 link-out; H1 3 x (link-in, ipfw 100), 2 frag-queued (the
# third fragment completes), reassembled, divert, read, write, ipfw 65000,
# deliver, then its echo: ipfw 200, divert, read, write, ipfw 65000,
# fragment, 3 link-out; P 3 link-in, 2 frag-queued, reassembled, deliver;
# H2 3 x (link-in, ipfw 100 tee, divert, ipfw 65000), 2 frag-queued,
# reassembled, deliver, 3 x (read, program-drop).  10 + 23 + 7 + 22 = 62
# steps, 6 of them frag-queued.
expect 0 "sequence of 14-fragments" "$ds" view --svg-sequence \
    "$tmp/frag.svg" "$root/scenarios/14-fragments.scn"
n=$((n + 1))
steps=$(grep -c '<g class="step ' "$tmp/frag.svg")
held=$(grep -c '<g class="step ev-frag-queued"' "$tmp/frag.svg")
if [ "$steps" -eq 62 ] && [ "$held" -eq 6 ]; then
	echo "ok 14-fragments: 62 steps, 6 fragments held"
else
	echo "FAIL 14-fragments: $steps steps ($held frag-queued), expected 62 (6)"
	fail=$((fail + 1))
fi

# The page holds everything: no URL it would fetch.
n=$((n + 1))
if [ ! -s "$tmp/tour.html" ] ||
    grep -Eq '(src|href)="(https?:)?//|@import|url\((https?:)?//' \
    "$tmp/tour.html"; then
	echo "FAIL the page refers to something outside itself"
	fail=$((fail + 1))
else
	echo "ok the page refers to nothing outside itself"
fi

echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]

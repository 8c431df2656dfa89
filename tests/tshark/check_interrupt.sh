#!/bin/sh
# SIGINT at a random moment of a busy run: the run ends at the current
# event with exit status 2, says so, prints the partial report, and leaves
# only whole files: every pcap read by tshark to its end (quiet interfaces
# included: a header and no record), every line of events.jsonl a complete
# JSON object.  SIGTERM the same.
set -eu
exe=$1
here=$(cd "$(dirname "$0")" && pwd)
command -v tshark >/dev/null || { echo "tshark missing"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check_whole() {
	sh "$here/whole.sh" "$1"
	n=$(tshark -r "$1/quiet-em0.pcap" 2>/dev/null | wc -l)
	[ "$n" -eq 0 ] || { echo "quiet-em0.pcap has $n records"; exit 1; }
	[ -s "$1/events.jsonl" ] || { echo "events.jsonl is empty"; exit 1; }
}

for sig in INT TERM; do
	out="$tmp/$sig"
	# 0.3 .. 1.5 s into a run of several seconds
	delay=$(awk 'BEGIN { srand(); printf "%.2f", 0.3 + rand() * 1.2 }')
	"$exe" run -q --pcapng --counters --trace-dir "$out" "$here/busy.scn" \
	    >"$tmp/stdout" 2>"$tmp/stderr" &
	pid=$!
	sleep "$delay"
	kill -"$sig" "$pid" || { echo "SIG$sig after ${delay}s: the run had already ended"; exit 1; }
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 2 ] || { echo "SIG$sig after ${delay}s: exit $rc, want 2"; cat "$tmp/stderr"; exit 1; }
	grep -q "interrupted by SIG$sig at [0-9]*\.[0-9]* s; the report below is partial" "$tmp/stderr" ||
	    { echo "SIG$sig: no message"; cat "$tmp/stderr"; exit 1; }
	# the partial report: expectations (none) and the counters
	grep -q "^a.ping.sent [0-9]" "$tmp/stdout" ||
	    { echo "SIG$sig: no partial report"; cat "$tmp/stdout"; exit 1; }
	check_whole "$out"
	echo "ok: SIG$sig after ${delay}s: $(grep '^a.ping.sent' "$tmp/stdout"), files whole"
done

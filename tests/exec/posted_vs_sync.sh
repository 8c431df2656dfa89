#!/bin/sh
# A sendto the shim posts (answered at once, taken by the simulator before
# the program's next request) gives the same bytes as one that waits for
# its answer: run each scenario with posting and again with
# DIVERTSIM_EXEC_SYNC=1 (every call waits), and compare the output,
# events.jsonl and every pcap.
#
# usage: posted_vs_sync.sh DIVERTSIM SCENARIO...
set -eu
exe=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for scn in "$@"; do
	rm -rf "$tmp/a" "$tmp/b"
	(cd "$(dirname "$scn")" && "$exe" run --counters --trace-dir "$tmp/a" \
	    "$(basename "$scn")") >"$tmp/a.out" 2>/dev/null || true
	(cd "$(dirname "$scn")" && DIVERTSIM_EXEC_SYNC=1 "$exe" run \
	    --counters --trace-dir "$tmp/b" "$(basename "$scn")") \
	    >"$tmp/b.out" 2>/dev/null || true
	sed -i "s|$tmp/[ab]|TRACES|" "$tmp/a.out" "$tmp/b.out"
	cmp "$tmp/a.out" "$tmp/b.out"
	n=0
	for f in "$tmp"/a/*; do
		cmp "$f" "$tmp/b/$(basename "$f")"
		n=$((n + 1))
	done
	[ "$n" -ge 3 ] || { echo "$scn: only $n trace files"; exit 1; }
	echo "ok: $scn: output and $n trace files identical"
done

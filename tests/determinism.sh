#!/bin/sh
# The same scenario gives byte-identical output, events.jsonl and pcaps
# (docs/architecture.md, "Determinism"): run one twice into two trace
# directories and compare everything.  A third argument VAR=VALUE is set
# for the second run only (exec/posted-vs-sync: DIVERTSIM_EXEC_SYNC=1).
set -eu
exe=$1
scn=$2
second=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$exe" run --counters --trace-dir "$tmp/a" "$scn" >"$tmp/a.out" 2>&1 || true
env ${second:+"$second"} "$exe" run --counters --trace-dir "$tmp/b" "$scn" \
    >"$tmp/b.out" 2>&1 || true
sed -i "s|$tmp/[ab]|TRACES|" "$tmp/a.out" "$tmp/b.out"
cmp "$tmp/a.out" "$tmp/b.out"
n=0
for f in "$tmp"/a/*; do
	cmp "$f" "$tmp/b/$(basename "$f")"
	n=$((n + 1))
done
[ "$n" -ge 3 ] || { echo "only $n trace files"; exit 1; }
echo "ok: output and $n trace files identical"

#!/bin/sh
# A real program under `divert PORT exec` gives the same results as the
# built-in program on the same traffic: every counter (but the exec
# program's own proc.* counters and the number of events, which counts
# its proc events) and every pcap, link and divert alike, byte for byte.
#   usage: compare_builtin.sh DIVERTSIM SCENARIO SED_EXPR
# SED_EXPR turns the scenario's `divert ... exec ...` line into the
# built-in program's.
set -eu
exe=$1
scn=$2
expr=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir=$(dirname "$scn")
sed "$expr" "$scn" >"$dir/.builtin-$$.scn"
trap 'rm -rf "$tmp" "$dir/.builtin-$$.scn"' EXIT
if cmp -s "$scn" "$dir/.builtin-$$.scn"; then
	echo "the sed expression changed nothing"
	exit 1
fi
"$exe" run -q --counters --trace-dir "$tmp/exec" "$scn" >"$tmp/exec.out" \
    2>/dev/null || true
"$exe" run -q --counters --trace-dir "$tmp/builtin" \
    "$dir/.builtin-$$.scn" >"$tmp/builtin.out" 2>/dev/null || true
for f in exec builtin; do
	grep -E '^[A-Za-z0-9_.-]+ [0-9]+$' "$tmp/$f.out" |
	    grep -vE '\.proc\.|^sim\.events ' >"$tmp/$f.counters"
done
[ -s "$tmp/exec.counters" ] || { echo "no counters"; exit 1; }
diff -u "$tmp/builtin.counters" "$tmp/exec.counters"
n=0
for f in "$tmp"/builtin/*.pcap; do
	cmp "$f" "$tmp/exec/$(basename "$f")"
	n=$((n + 1))
done
[ "$n" -ge 2 ] || { echo "only $n pcaps"; exit 1; }
echo "ok: $(wc -l <"$tmp/exec.counters") counters and $n pcaps identical"

#!/bin/sh
# `divertsim check -j 2` against `-j 1`: wall time of each (best of R
# runs), their ratio, and whether the two outputs are byte-identical, on
# two suites: the scenario library (scenarios/*.scn), and a heavier one
# (the library, tests/scenarios/*.scn and four generated topologies of
# 250 to 1,000 hosts).  Not a test: the machine's other load moves the
# figures.
#
#   bench/check_parallel.sh [DIVERTSIM [RUNS]]
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
ds=${1:-$here/build/tools/divertsim}
runs=${2:-3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/divertsim-par.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

best() {
	j=$1
	shift
	b=
	i=0
	while [ $i -lt "$runs" ]; do
		s=$(date +%s.%N)
		"$ds" check -j "$j" "$@" >"$tmp/j$j.out" 2>"$tmp/j$j.err"
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then
			b=$t
		fi
		i=$((i + 1))
	done
	echo "$b"
}

suite() {
	name=$1
	shift
	t1=$(best 1 "$@")
	t2=$(best 2 "$@")
	same=no
	cmp -s "$tmp/j1.out" "$tmp/j2.out" &&
	    cmp -s "$tmp/j1.err" "$tmp/j2.err" && same=yes
	printf '%s: %s files, best of %s runs, %s processors\n' "$name" "$#" \
	    "$runs" "$(getconf _NPROCESSORS_ONLN)"
	printf '  -j 1: %.3f s   -j 2: %.3f s   ratio %.2f   ' "$t1" "$t2" \
	    "$(echo "$t2 / $t1" | bc -l)"
	printf 'byte-identical: %s\n' "$same"
}

suite library "$here"/scenarios/*.scn
"$ds" gen chain -n 998 --divert-every 10 --count 3 >"$tmp/g1.scn"
"$ds" gen random -n 998 --degree 3 --seed 42 --divert-every 10 \
    --flows 4 >"$tmp/g2.scn"
"$ds" gen chain -n 250 --divert-every 5 --proto icmp --ttl 255 \
    >"$tmp/g3.scn"
"$ds" gen ring -n 9 --divert-every 2 --mtu 576 --size 1000 >"$tmp/g4.scn"
suite heavier "$here"/scenarios/*.scn "$here"/tests/scenarios/*.scn \
    "$tmp"/g1.scn "$tmp"/g2.scn "$tmp"/g3.scn "$tmp"/g4.scn

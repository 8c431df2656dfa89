#!/bin/sh
# `divertsim check -j 2` against `-j 1`: wall time of each, their ratio,
# and whether the two outputs are byte-identical, on three suites: the
# scenario library (scenarios/*.scn); the library and tests/scenarios/*.scn
# (the goal's set: -j 2 at most 0.6x of -j 1); and a heavier one (those and
# four generated topologies of 250 to 1,000 hosts).  Timed with hyperfine
# (mean and median of RUNS runs after 3 warm-up runs, which also fill the
# cost file the workers order the files by; RUNS/4 after one for the
# heavier suite) when it is installed, else the best of RUNS runs.
# CHECK_PARALLEL_LIGHT=1 skips the heavier suite.  Not a test: the
# machine's other load moves the figures, so the load average is printed
# before and after each suite.  CHECK_PARALLEL_RT=1 times every run under
# SCHED_FIFO (chrt -f 10, which needs CAP_SYS_NICE): other processes then
# wait while a run has the processors, as on an idle machine; without it,
# on a shared machine at load 8, a run gets a fraction of a processor and
# the ratio measures the scheduler (a -j 1 run of 60 ms of CPU time took
# 200 ms).  A run is tens of milliseconds, the whole script seconds.
#
#   bench/check_parallel.sh [DIVERTSIM [RUNS]]
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
ds=${1:-$here/build/tools/divertsim}
runs=${2:-20}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/divertsim-par.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
# A cost file of this script's own, not the user's.
DIVERTSIM_CHECK_COSTS=$tmp/costs
export DIVERTSIM_CHECK_COSTS

rt=
if [ -n "${CHECK_PARALLEL_RT:-}" ]; then
	rt="chrt -f 10"
	$rt true || exit 99
fi

load() {
	cut -d' ' -f1-3 /proc/loadavg
}

# best J FILES...: the best wall time of RUNS runs (without hyperfine).
best() {
	j=$1
	shift
	b=
	i=0
	while [ $i -lt "$runs" ]; do
		s=$(date +%s.%N)
		$rt "$ds" check -j "$j" "$@" >/dev/null 2>&1
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
	l0=$(load)
	"$ds" check -j 1 "$@" >"$tmp/j1.out" 2>"$tmp/j1.err"
	"$ds" check -j 2 "$@" >"$tmp/j2.out" 2>"$tmp/j2.err"
	same=no
	cmp -s "$tmp/j1.out" "$tmp/j2.out" &&
	    cmp -s "$tmp/j1.err" "$tmp/j2.err" && same=yes
	printf '%s: %s files, %s processors, load average before %s%s\n' \
	    "$name" "$#" "$(getconf _NPROCESSORS_ONLN)" "$l0" \
	    "${rt:+, timed under $rt}"
	if command -v hyperfine >/dev/null 2>&1; then
		$rt hyperfine -N -w "$warm" -r "$runs" \
		    --export-json "$tmp/h.json" \
		    -n j1 "$ds check -j 1 $*" \
		    -n j2 "$ds check -j 2 $*" >/dev/null 2>&1
		python3 - "$tmp/h.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
a, b = r["j1"], r["j2"]
for j, x in (("1", a), ("2", b)):
    print("  -j %s: mean %.1f ms, median %.1f ms, min %.1f ms "
          "(user %.1f ms, system %.1f ms)" %
          (j, x["mean"] * 1e3, x["median"] * 1e3, x["min"] * 1e3,
           x["user"] * 1e3, x["system"] * 1e3))
print("  ratio -j 2 / -j 1: mean %.2f, median %.2f, min %.2f" %
      (b["mean"] / a["mean"], b["median"] / a["median"],
       b["min"] / a["min"]))
PY
	else
		t1=$(best 1 "$@")
		t2=$(best 2 "$@")
		printf '  -j 1: %.3f s   -j 2: %.3f s   ratio %.2f (best of %s)\n' \
		    "$t1" "$t2" "$(echo "$t2 / $t1" | bc -l)" "$runs"
	fi
	printf '  byte-identical: %s; load average after %s\n' "$same" "$(load)"
}

warm=3
suite library "$here"/scenarios/*.scn
suite "library + tests" "$here"/scenarios/*.scn "$here"/tests/scenarios/*.scn
"$ds" gen chain -n 998 --divert-every 10 --count 3 >"$tmp/g1.scn"
"$ds" gen random -n 998 --degree 3 --seed 42 --divert-every 10 \
    --flows 4 >"$tmp/g2.scn"
"$ds" gen chain -n 250 --divert-every 5 --proto icmp --ttl 255 \
    >"$tmp/g3.scn"
"$ds" gen ring -n 9 --divert-every 2 --mtu 576 --size 1000 >"$tmp/g4.scn"
[ -n "${CHECK_PARALLEL_LIGHT:-}" ] && exit 0
# Seconds per run: fewer runs, one warm-up (which fills the cost file).
runs=$(( runs / 4 > 3 ? runs / 4 : 3 ))
warm=1
suite heavier "$here"/scenarios/*.scn "$here"/tests/scenarios/*.scn \
    "$tmp"/g1.scn "$tmp"/g2.scn "$tmp"/g3.scn "$tmp"/g4.scn

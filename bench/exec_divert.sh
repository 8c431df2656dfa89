#!/bin/sh
# Divert round trips per second of wall time through real programs under
# `divert PORT exec`, and through the built-in `reinject`, on the same
# scenario: N UDP datagrams from a to b, each diverted once on b's way in
# and written back.  A round trip is one recvfrom plus one sendto.
#
#   builtin        the built-in `reinject`
#   exec           examples/divert/two_sockets (one socket used): a
#                  FreeBSD-style select/recvfrom/sendto loop
#   exec-recvfrom  tests/exec/faulty in `reinject` mode: a blocking
#                  recvfrom/sendto loop
#
# Each is run R times; each line gives the wall-clock rate and the CPU
# time per round trip of the simulator and the program together (user +
# system, from /usr/bin/time when there is one), which moves less with the
# machine's other load than the wall clock does.  (lint's warning that
# no program binds port 8000 in the exec scenario, whose program binds it
# at run time, is kept out of the way.)
#
# usage: bench/exec_divert.sh [BUILD_DIR] [N] [R]   (default build, 100000, 3)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$(dirname "$here")/build}
n=${2:-100000}
runs=${3:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PATH="$build/examples/divert:$build/tests/exec:$PATH"
export PATH
timer=
[ -x /usr/bin/time ] && timer=/usr/bin/time

scenario() {	# DIVERT_LINE
	cat <<EOS
host a
  ifconfig em0 inet 10.0.0.1/24
host b
  ifconfig em0 inet 10.0.0.2/24
  ipfw add 100 divert 8000 udp from any to any in
  ipfw add 65000 allow ip from any to any
  $1
  listen udp 9
link a:em0 b:em0
at 1s a send udp 10.0.0.2:9 -c $n -i 10us
expect b.divert.8000.written == $n
run
EOS
}

scenario "divert 8000 reinject" >"$tmp/builtin.scn"
scenario "divert 7999 exec two_sockets 8000 8001" >"$tmp/exec.scn"
scenario "divert 8000 exec faulty reinject 8000" >"$tmp/exec-recvfrom.scn"
for k in builtin exec exec-recvfrom; do
	i=0
	while [ "$i" -lt "$runs" ]; do
		i=$((i + 1))
		s=$(date +%s.%N)
		if [ -n "$timer" ]; then
			$timer -o "$tmp/time" -f "%U %S" "$build/tools/divertsim" \
			    check --no-traces "$tmp/$k.scn" >"$tmp/$k.out" \
			    2>"$tmp/$k.err" || true
		else
			echo "0 0" >"$tmp/time"
			"$build/tools/divertsim" check --no-traces \
			    "$tmp/$k.scn" >"$tmp/$k.out" 2>"$tmp/$k.err" || true
		fi
		e=$(date +%s.%N)
		grep -q '^1 passed' "$tmp/$k.out" || {
			echo "$k: the scenario failed:" >&2
			cat "$tmp/$k.out" "$tmp/$k.err" >&2
			exit 1
		}
		awk -v n="$n" -v s="$s" -v e="$e" -v k="$k" \
		    -v t="$(tail -n 1 "$tmp/time")" 'BEGIN {
			split(t, c, " ")
			cpu = c[1] + c[2]
			printf "%-13s %d round trips in %.2fs wall: %6.0f " \
			    "round trips/s", k, n, e - s, n / (e - s)
			if (cpu > 0)
				printf ", %.1f us of CPU each", cpu * 1e6 / n
			printf "\n" }'
	done
done

#!/bin/sh
# Nothing started by `divert PORT exec` outlives the simulator: not at the
# end of a run, and not when the simulator itself is killed with SIGKILL
# while a program runs (the program is in its own process group and dies
# with its parent, PR_SET_PDEATHSIG, and so does a child it forked).
#   usage: no_leftover.sh DIVERTSIM   (faulty on PATH)
set -u
exe=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

alive() {
	# A zombie is not running: look at the state, not only kill -0.
	[ -r "/proc/$1/stat" ] &&
	    ! awk '{ exit ($3 == "Z") ? 0 : 1 }' "/proc/$1/stat"
}

# PID (or "none": never known) must end within 5s; WHAT names it.
must_end() {	# PID WHAT
	i=0
	while [ "$1" != none ] && alive "$1" && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ "$1" = none ]; then
		echo "$2: its pid was never known"
		fail=1
	elif alive "$1"; then
		echo "$2 (pid $1) outlived the simulator"
		kill -9 "$1"
		fail=1
	fi
}

scenario() {	# MODE RUN
	cat <<EOS
host a
  ifconfig em0 inet 10.0.0.1/24
host b
  ifconfig em0 inet 10.0.0.2/24
  ipfw add 100 divert 8000 icmp from any to any
  divert 8000 exec faulty $1 8000
link a:em0 b:em0
at 1s a ping -c 1 10.0.0.2
run $2
EOS
}

# 1. A normal end: the program sleeps in simulated time when the run ends.
scenario "pidfile=$tmp/pid1" 10s >"$tmp/end.scn"
"$exe" run -q --no-traces "$tmp/end.scn" >/dev/null 2>&1
must_end "$(cat "$tmp/pid1" 2>/dev/null || echo none)" \
    "the program, after the run ended"

# 2. The simulator is killed while the program computes (spins), and
# while a child the program forked waits outside the simulation.
scenario "forkspin=$tmp/child" 10s | sed 's/8000$/8000 -t 0s/' >"$tmp/kill.scn"
DIVERTSIM_EXEC_LIMIT_MS=60000 DIVERTSIM_EXEC_PIDS=1 \
    "$exe" run -q --no-traces "$tmp/kill.scn" >/dev/null 2>"$tmp/kill.err" &
sim=$!
i=0
while ! grep -q ' is pid ' "$tmp/kill.err" && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
pid=$(sed -n 's/.* is pid \([0-9]*\)$/\1/p' "$tmp/kill.err")
sleep 0.5	# it reads the ping and spins
if ! kill -9 "$sim"; then
	echo "the simulator ended before it could be killed"
	fail=1
fi
wait "$sim" 2>/dev/null
must_end "${pid:-none}" "the program, the simulator killed with SIGKILL"
must_end "$(cat "$tmp/child" 2>/dev/null || echo none)" \
    "the program's forked child, the simulator killed with SIGKILL"
[ $fail -eq 0 ] && echo "ok: nothing left running"
exit $fail

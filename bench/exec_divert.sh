#!/bin/sh
# Divert round trips per second of wall time through a real program under
# `divert PORT exec` (examples/divert/two_sockets, one socket used, a
# FreeBSD-style blocking select/recvfrom/sendto loop) and through the
# built-in `reinject`, on the same scenario: N UDP datagrams from a to b,
# each diverted once on b's way in and written back.  A round trip is one
# recvfrom plus one sendto.
#
# usage: bench/exec_divert.sh [BUILD_DIR] [N]    (default build, 100000)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$(dirname "$here")/build}
n=${2:-100000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PATH="$build/examples/divert:$build/tests/exec:$PATH"
export PATH

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
	s=$(date +%s.%N)
	"$build/tools/divertsim" check --no-traces "$tmp/$k.scn" >"$tmp/$k.out"
	e=$(date +%s.%N)
	awk -v n="$n" -v s="$s" -v e="$e" -v k="$k" 'BEGIN {
		printf "%-8s %d round trips in %.2fs wall: %.0f round trips/s\n",
		    k, n, e - s, n / (e - s) }'
done

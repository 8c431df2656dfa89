#!/bin/sh
# TCP bulk transfer through a chain of K routers: divertsim's TCP against
# ns-3's own InternetStack TCP (bench/ns3_tcp_baseline.cc) on the same
# chain and links (bench/gen_chain.sh's plan: 100Mbps, 1ms, MTU 1500),
# side by side in one run.  divertsim runs the chain plain and with one
# divert round trip per router for each data segment (gen_chain.sh -v
# divert: `divert 8000 ip from any to any in recv em0`, `reinject -t 0ns`).
#
# usage: bench/tcp_bench.sh [--build DIR] [--bytes B] [--no-callgrind] [K...]
#
# A packet-hop is one IP datagram (a data segment or an ACK) crossing one
# link.  divertsim: (h0.tcp.rcvtotal + h1.tcp.rcvtotal) * (K + 1), with no
# segment lost (checked); ns-3: IP datagrams received by any node.  Wall
# time is the whole process for both.  Instructions per packet-hop come
# from two callgrind runs of B/10 and B/5 bytes: (I2 - I1) / (hops2 -
# hops1), so set-up cost cancels.  "x" is divertsim's advantage.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build="$top/build-bench"
bytes=20000000
callgrind=1
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift ;;
	--bytes) bytes=$2; shift ;;
	--no-callgrind) callgrind=0 ;;
	-h|--help) sed -n '2,17p' "$0"; exit 0 ;;
	-*) echo "tcp_bench.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
ks=${*:-1 4 16}
ds=${DIVERTSIM:-$build/tools/divertsim}
ns3=$build/bench/ns3_tcp_baseline
for p in "$ds" "$ns3"; do
	[ -x "$p" ] || { echo "tcp_bench.sh: $p missing (build $build)" >&2; exit 2; }
done
[ "$callgrind" -eq 0 ] || command -v valgrind >/dev/null || callgrind=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# scenario K VARIANT BYTES: the chain with a TCP transfer h0 -> h1:9.
scenario() {
	sh "$here/gen_chain.sh" -k "$1" -v "$2" -n 1 |
	    sed -e 's/^  listen udp 9$/  listen tcp 9 discard/' \
	    -e "s/^at 1s h0 send udp \\([0-9.]*\\):9 .*/at 1s h0 connect tcp \\1:9 -b $3/" \
	    -e '/^expect /d'
	echo "expect h1.tcp.rcvbyte == $3"
	echo "expect h0.tcp.sndrexmitpack == 0"
}

# ds_run K VARIANT BYTES [PREFIX...]: prints "hops wall_s".
ds_run() {
	k=$1 v=$2 b=$3
	shift 3
	scenario "$k" "$v" "$b" > "$tmp/c.scn"
	t0=$(date +%s.%N)
	"$@" "$ds" check -q --counters --no-traces "$tmp/c.scn" > "$tmp/c.out" ||
	    { echo "tcp_bench.sh: divertsim run failed" >&2; cat "$tmp/c.out" >&2; exit 1; }
	t1=$(date +%s.%N)
	segs=$(awk '$1 == "h0.tcp.rcvtotal" || $1 == "h1.tcp.rcvtotal" { s += $2 } END { print s + 0 }' "$tmp/c.out")
	echo "$((segs * (k + 1))) $(echo "$t1 - $t0" | bc)"
}

# ns3_run K BYTES [PREFIX...]: prints "hops wall_s".
ns3_run() {
	k=$1 b=$2
	shift 2
	t0=$(date +%s.%N)
	"$@" "$ns3" --k="$k" --b="$b" > "$tmp/n.out"
	t1=$(date +%s.%N)
	hops=$(sed -n 's/.* hops=\([0-9]*\) .*/\1/p' "$tmp/n.out")
	echo "$hops $(echo "$t1 - $t0" | bc)"
}

# Instructions of one run under callgrind.
instr() {
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$@" \
	    > /dev/null 2> "$tmp/cg.err" || true
	sed -n 's/^==.*Collected : \([0-9]*\).*/\1/p' "$tmp/cg.err"
}

ipc_ds() {
	k=$1 v=$2 b1=$(($3 / 10)) b2=$(($3 / 5))
	scenario "$k" "$v" "$b1" > "$tmp/i1.scn"
	scenario "$k" "$v" "$b2" > "$tmp/i2.scn"
	"$ds" check -q --counters --no-traces "$tmp/i1.scn" > "$tmp/i1.out"
	"$ds" check -q --counters --no-traces "$tmp/i2.scn" > "$tmp/i2.out"
	h1=$(awk '$1 ~ /^h[01]\.tcp\.rcvtotal$/ { s += $2 } END { print s }' "$tmp/i1.out")
	h2=$(awk '$1 ~ /^h[01]\.tcp\.rcvtotal$/ { s += $2 } END { print s }' "$tmp/i2.out")
	i1=$(instr "$ds" check -q --no-traces "$tmp/i1.scn")
	i2=$(instr "$ds" check -q --no-traces "$tmp/i2.scn")
	echo "$(( (i2 - i1) / ((h2 - h1) * (k + 1)) ))"
}

ipc_ns3() {
	k=$1 b1=$(($2 / 10)) b2=$(($2 / 5))
	h1=$("$ns3" --k="$k" --b="$b1" | sed -n 's/.* hops=\([0-9]*\) .*/\1/p')
	h2=$("$ns3" --k="$k" --b="$b2" | sed -n 's/.* hops=\([0-9]*\) .*/\1/p')
	i1=$(instr "$ns3" --k="$k" --b="$b1")
	i2=$(instr "$ns3" --k="$k" --b="$b2")
	echo "$(( (i2 - i1) / (h2 - h1) ))"
}

printf '%-3s %-7s %12s %12s %7s %11s %11s %7s\n' K variant \
    "ns-3 hops/s" "ds hops/s" "wall x" "ns-3 i/hop" "ds i/hop" "instr x"
for k in $ks; do
	set -- $(ns3_run "$k" "$bytes")
	nh=$1 nw=$2
	ni=-
	[ "$callgrind" -eq 0 ] || ni=$(ipc_ns3 "$k" "$bytes")
	for v in plain divert; do
		set -- $(ds_run "$k" "$v" "$bytes")
		dh=$1 dw=$2
		di=-
		[ "$callgrind" -eq 0 ] || di=$(ipc_ds "$k" "$v" "$bytes")
		awk -v k="$k" -v v="$v" -v nh="$nh" -v nw="$nw" -v dh="$dh" \
		    -v dw="$dw" -v ni="$ni" -v di="$di" 'BEGIN {
			nr = nh / nw; dr = dh / dw
			ix = (ni != "-" && di != "-") ? sprintf("%.2f", ni / di) : "-"
			printf "%-3s %-7s %12.0f %12.0f %7.2f %11s %11s %7s\n",
			    k, v, nr, dr, dr / nr, ni, di, ix
		}'
	done
done

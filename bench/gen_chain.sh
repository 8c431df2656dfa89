#!/bin/sh
# Writes a chain scenario for the benchmarks: h0 - r1 - ... - rK - h1,
# one /24 per link (link i is 10.(i/256).(i%256).0/24, left end .1, right
# end .2), static routes, forwarding on the routers, one UDP flow h0 -> h1.
#
# usage: gen_chain.sh -k ROUTERS [-n PACKETS] [-s PAYLOAD] [-i INTERVAL]
#                     [-v plain|rules|divert] [-r RULES] [-t DIVERT_DELAY]
#                     [-d ROUTER]
#
# The flow goes from h0 to h1, or with -d D to router rD (its em0 address),
# for chains longer than a TTL can cross.
#
# plain   forwarding only (no ipfw commands at all)
# rules   every router runs RULES-1 non-matching count/deny rules + allow
# divert  every router diverts each incoming packet once to port 8000,
#         where `reinject -t DIVERT_DELAY` writes it back
set -eu

k=1; n=1000; s=512; iv=50us; variant=plain; nrules=100; dt=0ns; dst=0
while getopts k:n:s:i:v:r:t:d: opt; do
	case $opt in
	k) k=$OPTARG ;;
	n) n=$OPTARG ;;
	s) s=$OPTARG ;;
	i) iv=$OPTARG ;;
	v) variant=$OPTARG ;;
	r) nrules=$OPTARG ;;
	t) dt=$OPTARG ;;
	d) dst=$OPTARG ;;
	*) echo "usage: $0 -k ROUTERS [-n N] [-s SIZE] [-i T] [-v plain|rules|divert] [-r RULES] [-t T]" >&2; exit 2 ;;
	esac
done

awk -v k="$k" -v n="$n" -v s="$s" -v iv="$iv" -v variant="$variant" \
    -v nrules="$nrules" -v dt="$dt" -v dst="$dst" '
function net(i) { return "10." int(i / 256) "." (i % 256) }
function rules(   j) {
	# Rules that never match this flow (UDP 10/8 -> 10/8, port 9):
	# alternately count and deny on addresses and ports not in use.
	for (j = 1; j < nrules; j++) {
		if (j % 2)
			printf "  ipfw add %d count tcp from any to any %d\n", j * 10, 1000 + j
		else
			printf "  ipfw add %d deny ip from 192.168.%d.0/24 to any\n", j * 10, j % 256
	}
	printf "  ipfw add 65000 allow ip from any to any\n"
}
BEGIN {
	printf "title \"chain of %d routers, %s, %d packets of %d bytes\"\n\n", k, variant, n, s
	printf "host h0\n  ifconfig em0 inet %s.1/24\n  route add default %s.2\n\n", net(0), net(0)
	for (r = 1; r <= k; r++) {
		printf "host r%d\n  sysctl net.inet.ip.forwarding=1\n", r
		printf "  ifconfig em0 inet %s.2/24\n", net(r - 1)
		printf "  ifconfig em1 inet %s.1/24\n", net(r)
		if (r < k)
			printf "  route add default %s.2\n", net(r)
		if (r > 1)
			printf "  route add %s.0/24 %s.1\n", net(0), net(r - 1)
		if (variant == "rules")
			rules()
		else if (variant == "divert") {
			printf "  ipfw add 100 divert 8000 ip from any to any in recv em0\n"
			printf "  ipfw add 65000 allow ip from any to any\n"
			printf "  divert 8000 reinject -t %s\n", dt
		}
		if (r == dst)
			printf "  listen udp 9\n"
		printf "\n"
	}
	printf "host h1\n  ifconfig em0 inet %s.2/24\n  route add default %s.1\n  listen udp 9\n\n", net(k), net(k)
	for (r = 0; r <= k; r++)
		printf "link %s:em%d %s:em0\n", r == 0 ? "h0" : "r" r, r == 0 ? 0 : 1, r == k ? "h1" : "r" (r + 1)
	if (dst > 0) {
		to = net(dst - 1)
		sink = "r" dst
	} else {
		to = net(k)
		sink = "h1"
	}
	if (n > 0)
		printf "\nat 1s h0 send udp %s.2:9 -c %d -i %s -s %d\n", to, n, iv, s
	printf "\nexpect %s.udp.received == %d\n", sink, n
	printf "run\n"
}'

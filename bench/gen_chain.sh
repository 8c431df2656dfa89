#!/bin/sh
# Writes a chain scenario for the benchmarks: h0 - r1 - ... - rK - h1,
# one /24 per link (link i is 10.(i/256).(i%256).0/24, left end .1, right
# end .2), static routes, forwarding on the routers, one UDP flow h0 -> h1.
#
# usage: gen_chain.sh -k ROUTERS [-n PACKETS] [-s PAYLOAD] [-i INTERVAL]
#                     [-v VARIANT] [-r RULES] [-t DIVERT_DELAY]
#                     [-d ROUTER]
#
# The flow goes from h0 to h1, or with -d D to router rD (its em0 address),
# for chains longer than a TTL can cross.
#
# plain   forwarding only (no ipfw commands at all)
# rules   every router runs RULES-1 non-matching count/deny rules + allow
# divert  every router diverts each incoming packet once to port 8000,
#         where `reinject -t DIVERT_DELAY` writes it back
#
# Rule shapes (every router RULES-1 rules that never decide this flow,
# then `allow ip from any to any`; interfaces that the rules name and the
# routers lack, em5-em9, draw lint warnings: divertsim allows no
# interface without a link, and the rules are evaluated all the same):
# ports    deny udp ... to any 53,5353 / 1000-2000 (UDP, so the protocol
#          alone cannot reject them)
# iface    via / in recv / out xmit / recv+xmit on names the flow does
#          not cross in that direction
# addrlist address lists (three networks as source, two as destination)
# state    check-state first, then keep-state rules for other flows (a
#          state lookup per keep-state rule)
# simple   the shape of FreeBSD rc.firewall's "simple" ruleset (loopback,
#          spoofing and RFC 1918 denies on an outside interface em7,
#          service allows to 198.51.100.1), repeated to RULES-1
# table    a table lookup per rule: deny from table(1), deny to table(2),
#          allow udp from table(2) to port 53 (tables of RFC 1918 and
#          documentation networks the flow is not in)
# mix      the six never-matching shapes of bench/ipfw_rules.c in rotation
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
	*) echo "usage: $0 -k ROUTERS [-n N] [-s SIZE] [-i T] [-v plain|rules|divert|ports|iface|addrlist|state|simple|table|mix] [-r RULES] [-t T]" >&2; exit 2 ;;
	esac
done

awk -v k="$k" -v n="$n" -v s="$s" -v iv="$iv" -v variant="$variant" \
    -v nrules="$nrules" -v dt="$dt" -v dst="$dst" '
function net(i) { return "10." int(i / 256) "." (i % 256) }
function shape_rule(j,   m) {
	if (variant == "ports")
		return (j % 2) ? "deny udp from any to any 53,5353" : \
		    "deny udp from any to any 1000-2000"
	if (variant == "iface") {
		m = j % 4
		if (m == 0) return "deny ip from any to any via em5"
		if (m == 1) return "deny ip from any to any in recv em1"
		if (m == 2) return "deny ip from any to any out xmit em0"
		return "count ip from any to any recv em1 xmit em0"
	}
	if (variant == "addrlist")
		return (j % 2) ? \
		    "deny ip from 192.168.1.0/24,192.168.7.0/24,172.16.0.0/12 to any" : \
		    "deny ip from any to 198.51.100.0/24,203.0.113.0/24"
	if (variant == "state")
		return (j % 2) ? "allow tcp from any to any " (1000 + j) " keep-state" : \
		    "allow udp from me to any 53 keep-state"
	if (variant == "simple")
		return simple[(j - 1) % nsimple + 1]
	if (variant == "table") {
		m = j % 3
		if (m == 0) return "deny ip from table(1) to any"
		if (m == 1) return "deny ip from any to table(2)"
		return "allow udp from table(2) to any 53"
	}
	# mix
	return mix[(j - 1) % 6 + 1]
}
function shapes(   j) {
	# rc.firewall "simple" (lo0, spoofing, RFC 1918 and reserved nets on
	# the outside interface, then the service allows), outside = em7.
	nsimple = split("allow ip from any to any via lo0|" \
	    "deny ip from any to 127.0.0.0/8|deny ip from 127.0.0.0/8 to any|" \
	    "deny ip from 192.168.0.0/16 to any in via em7|" \
	    "deny ip from 198.51.100.0/24 to any in via em6|" \
	    "deny ip from any to 10.0.0.0/8 via em7|" \
	    "deny ip from any to 172.16.0.0/12 via em7|" \
	    "deny ip from any to 192.168.0.0/16 via em7|" \
	    "deny ip from any to 0.0.0.0/8 via em7|" \
	    "deny ip from any to 169.254.0.0/16 via em7|" \
	    "deny ip from any to 192.0.2.0/24 via em7|" \
	    "deny ip from any to 224.0.0.0/4 via em7|" \
	    "deny ip from any to 240.0.0.0/4 via em7|" \
	    "deny ip from 10.0.0.0/8 to any via em7|" \
	    "deny ip from 172.16.0.0/12 to any via em7|" \
	    "deny ip from 192.168.0.0/16 to any via em7|" \
	    "allow tcp from any to 198.51.100.1 25|" \
	    "allow tcp from any to 198.51.100.1 53|" \
	    "allow udp from any to 198.51.100.1 53|" \
	    "allow udp from 198.51.100.1 53 to any|" \
	    "allow tcp from any to 198.51.100.1 80|" \
	    "allow udp from 198.51.100.1 to any 53 keep-state|" \
	    "allow udp from 198.51.100.1 to any 123 keep-state", simple, "|")
	split("deny udp from 10.9.9.9 to any|deny tcp from any to any 80|" \
	    "deny ip from any to any via em9|deny udp from any to any 53,5353|" \
	    "deny icmp from any to any icmptypes 8|deny ip from any to 192.0.2.0/24", mix, "|")
	j = 1
	if (variant == "table") {
		printf "  ipfw table 1 add 192.168.0.0/16\n"
		printf "  ipfw table 1 add 172.16.0.0/12\n"
		printf "  ipfw table 2 add 198.51.100.0/24 53\n"
		printf "  ipfw table 2 add 203.0.113.7 80\n"
	}
	if (variant == "state") {
		printf "  ipfw add 10 check-state\n"
		j = 2
	}
	for (; j < nrules; j++)
		printf "  ipfw add %d %s\n", j * 10, shape_rule(j)
	printf "  ipfw add 65000 allow ip from any to any\n"
}
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
		else if (variant ~ /^(ports|iface|addrlist|state|simple|table|mix)$/)
			shapes()
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

#!/bin/sh
# Run the TCP scenarios with traces and let tshark judge the link pcaps:
# every connection is one stream (tcp.stream), tshark's "Follow TCP
# stream" gets back every byte the client wrote, and the expert summary
# of each pcap holds nothing at error level and nothing beyond what the
# scenario causes on purpose.  The summary is printed for each pcap.
#   usage: check_tcp_streams.sh DIVERTSIM
set -eu
exe=$1
here=$(cd "$(dirname "$0")/../scenarios" && pwd)
command -v tshark >/dev/null || { echo "tshark missing"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
# tshark checks the TCP checksum (pseudo-header included) only when asked;
# a bad one is an expert error.
ck='-o tcp.check_checksum:TRUE'

# Messages of a clean connection: the handshake and the close (chats).
clean='Connection establish request (SYN)
Connection establish acknowledge (SYN+ACK)
Connection finish (FIN)
This frame initiates the connection closing
This frame undergoes the connection closing'
# What a lost segment makes on purpose: retransmissions, duplicate ACKs,
# segments out of order, and the gap seen behind the loss.
loss="$clean
Duplicate ACK
This frame is a (suspected) retransmission
This frame is a (suspected) fast retransmission
This frame is a (suspected) out-of-order segment
Previous segment(s) not captured (common at capture start)"

# check SCENARIO PCAP STREAMS BYTES ALLOWED
check() {
	scn=$1 pcap=$2 nstreams=$3 bytes=$4 allowed=$5
	dir="$tmp/$scn"
	if [ ! -d "$dir" ]; then
		"$exe" run -q --trace-dir "$dir" "$here/$scn.scn" >/dev/null
	fi
	f="$dir/$pcap"
	n=$(tshark -r "$f" -T fields -e tcp.stream 2>/dev/null | sort -u |
	    grep -c .)
	if [ "$n" -ne "$nstreams" ]; then
		echo "FAIL $scn $pcap: $n streams, want $nstreams"
		fail=1
	fi
	s=0
	while [ "$s" -lt "$nstreams" ]; do
		# Follow's raw output: the client's bytes are the lines
		# without a leading tab, two hex digits a byte.
		got=$(tshark -r "$f" -q -z "follow,tcp,raw,$s" 2>/dev/null |
		    grep -E '^[0-9a-f]+$' | tr -d '\n' | wc -c)
		got=$((got / 2))
		if [ "$got" -ne "$bytes" ]; then
			echo "FAIL $scn $pcap stream $s: followed $got bytes," \
			    "want $bytes"
			fail=1
		fi
		s=$((s + 1))
	done
	echo "expert summary of $scn $pcap:"
	tshark -r "$f" $ck -Y _ws.expert -T fields -e _ws.expert.message \
	    2>/dev/null | tr ',' '\n' | sed -e 's/ (#[0-9]*)$//' \
	    -e 's/: server port [0-9]*$//' | sort | uniq -c |
	    sed 's/^/    /'
	errs=$(tshark -r "$f" $ck -Y '_ws.expert.severity >= error' \
	    2>/dev/null | grep -c . || true)
	if [ "$errs" -ne 0 ]; then
		echo "FAIL $scn $pcap: $errs frames with expert errors"
		fail=1
	fi
	tshark -r "$f" $ck -Y _ws.expert -T fields -e _ws.expert.message \
	    2>/dev/null | tr ',' '\n' | sed -e 's/ (#[0-9]*)$//' \
	    -e 's/: server port [0-9]*$//' | sort -u > "$tmp/msgs"
	printf '%s\n' "$allowed" | sort -u > "$tmp/allowed"
	extra=$(comm -23 "$tmp/msgs" "$tmp/allowed")
	if [ -n "$extra" ]; then
		echo "FAIL $scn $pcap: unexpected expert messages:"
		echo "$extra" | sed 's/^/    /'
		fail=1
	fi
}

# Three clean connections through natd, seen on both sides of it.
check tcp-natd-inside client-em0.pcap 3 100000 "$clean"
check tcp-natd-inside server-em0.pcap 3 100000 "$clean"
# PMTUD: the ten segments r1 could not forward are sent again, smaller.
check tcp-pmtud client-em0.pcap 1 100000 "$loss"
check tcp-pmtud server-em0.pcap 1 100000 "$clean"
# Loss on purpose: a slow divert reader, a program that drops.  The
# reader's queue also adds up to 20 ms of delay at once, more than the
# RTO allows for: a timeout fires while the ACKs are on their way and
# go-back-N resends what the server already had (tshark: spurious).
slow="$loss
This frame is a (suspected) spurious retransmission"
check tcp-slow-divert client-em0.pcap 2 500000 "$slow"
check tcp-slow-divert server-em0.pcap 2 500000 "$slow"
check tcp-divert-drop client-em0.pcap 1 146000 "$loss"
check tcp-divert-drop server-em0.pcap 1 146000 "$loss"
# ipfw's reset: the RST that send_pkt() builds (a bad checksum would be
# an expert error) ends the connect at its first SYN.
check tcp-reset-denied-syn out-em0.pcap 1 0 "Connection establish request (SYN)
Connection reset (RST)"
# The SYN and the SYN-ACK carry what FreeBSD sends with rfc1323=2 and
# SACK off: MSS 1460 (a 1500-byte MTU less 40), NOP, window scale 6, no
# timestamps, no SACK-permitted; DF on every segment (PMTUD).
syns=$(tshark -r "$tmp/tcp-natd-inside/client-em0.pcap" -Y 'tcp.flags.syn == 1' \
    -T fields -e tcp.options.mss_val -e tcp.options.wscale.shift \
    -e tcp.options.sack_perm -e tcp.options.timestamp.tsval \
    -e ip.flags.df 2>/dev/null | sort | uniq -c | tr -s ' \t' ' ')
want=' 6 1460 6 1'
if [ "$syns" != "$want" ]; then
	echo "FAIL SYN options: got '$syns', want '$want' (count mss ws df)"
	fail=1
fi
nodf=$(tshark -r "$tmp/tcp-natd-inside/client-em0.pcap" \
    -Y 'tcp && ip.flags.df == 0' 2>/dev/null | grep -c . || true)
[ "$nodf" -eq 0 ] || { echo "FAIL $nodf TCP segments without DF"; fail=1; }
# Initial sequence numbers come from the scenario seed: never 0, one per
# connection, the same for the same seed, others for another seed.
isns() {
	tshark -r "$1" -o tcp.relative_sequence_numbers:FALSE \
	    -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields \
	    -e tcp.seq 2>/dev/null | tr '\n' ' '
}
a=$(isns "$tmp/tcp-natd-inside/client-em0.pcap")
"$exe" run -q --trace-dir "$tmp/again" "$here/tcp-natd-inside.scn" >/dev/null
b=$(isns "$tmp/again/client-em0.pcap")
sed 's/^title /seed 7\ntitle /' "$here/tcp-natd-inside.scn" > "$tmp/seed7.scn"
"$exe" run -q --trace-dir "$tmp/seed7" "$tmp/seed7.scn" >/dev/null
c=$(isns "$tmp/seed7/client-em0.pcap")
n=$(echo "$a" | tr ' ' '\n' | grep -v '^0*$' | sort -u | grep -c .)
if [ "$n" -ne 3 ] || [ "$a" != "$b" ] || [ "$a" = "$c" ]; then
	echo "FAIL ISNs: seed 1 '$a', again '$b', seed 7 '$c'"
	fail=1
fi
[ "$fail" -eq 0 ] || exit 1
echo "ok: every TCP stream followed, no unexpected expert messages"

#!/bin/sh
# Run fragments-576.scn with traces and check the link pcaps with tshark's
# own dissection: 8 fragments at byte offsets 0, 552, ..., 3864 (552 data
# bytes each but the last, 144), MF on all but the last, one IP id, and
# nothing tshark calls malformed.  In run.pcapng, b's first 7 fragments
# each have a frag-queued record (held 1..7, 552 bytes more each time,
# the length unknown until the last), the 8th completes the datagram.
set -eu
exe=$1
here=$(cd "$(dirname "$0")" && pwd)
command -v tshark >/dev/null || { echo "tshark missing"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$exe" run -q --pcapng --trace-dir "$tmp" "$here/fragments-576.scn"
got=$(tshark -r "$tmp/run.pcapng" 2>/dev/null -T fields -e frame.comment \
    -Y 'frame.comment contains "frag-queued"' |
    sed -E 's/fragment [0-9]+:/fragment ID:/' | tr '\n' ';')
want=""
k=1
while [ $k -le 7 ]; do
	want="${want}frag-queued: em0 fragment ID:552@$(( (k - 1) * 552 ))+ queued: $k held, $(( k * 552 )) of ? data bytes, waiting for the rest;"
	k=$((k + 1))
done
if [ "$got" != "$want" ]; then
	echo "run.pcapng: frag-queued records differ"
	echo " got:  $got"
	echo " want: $want"
	exit 1
fi
for pcap in "$tmp/a-em0.pcap" "$tmp/b-em0.pcap"; do
	got=$(tshark -r "$pcap" 2>/dev/null -Y 'ip.src == 10.0.0.1' \
	    -o ip.defragment:FALSE -T fields -E separator=' ' \
	    -e ip.frag_offset -e ip.flags.mf -e ip.len | tr '\n' ';')
	# tshark prints ip.frag_offset in bytes in some versions and in
	# 8-byte units (as on the wire) in others: accept either.
	want='0 1 572;552 1 572;1104 1 572;1656 1 572;2208 1 572;2760 1 572;3312 1 572;3864 0 164;'
	want_units='0 1 572;69 1 572;138 1 572;207 1 572;276 1 572;345 1 572;414 1 572;483 0 164;'
	if [ "$got" != "$want" ] && [ "$got" != "$want_units" ]; then
		echo "$pcap: fragments differ"
		echo " got:  $got"
		echo " want: $want"
		exit 1
	fi
	ids=$(tshark -r "$pcap" 2>/dev/null -Y 'ip.src == 10.0.0.1' -T fields -e ip.id |
	    sort -u | wc -l)
	[ "$ids" -eq 1 ] || { echo "$pcap: $ids IP ids"; exit 1; }
	bad=$(tshark -r "$pcap" 2>/dev/null -Y '_ws.malformed || _ws.expert.severity >= error' | wc -l)
	[ "$bad" -eq 0 ] || { echo "$pcap: $bad malformed packets"; exit 1; }
done
# With reassembly on, tshark itself puts the datagram back together.
n=$(tshark -r "$tmp/b-em0.pcap" 2>/dev/null -Y 'udp.dstport == 9' -T fields \
    -e udp.length | tr -d '\n')
[ "$n" = "4008" ] || { echo "tshark reassembled udp.length '$n', want 4008"; exit 1; }
echo "ok: 8 fragments with the right offsets, 7 held (run.pcapng), reassembled by tshark"

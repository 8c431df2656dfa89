#!/bin/sh
# The divert socket's pcap holds each packet as read and as written (raw
# IPv4, link type 101): the echo request originated by H is read with the
# header checksum ip_output has not yet filled in (0x0000, bad) and written
# back unchanged; on the link it leaves with a correct checksum, because an
# outgoing write-back has its checksum recomputed (divert(4) DETAILS).
set -eu
exe=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$exe" run -q --trace-dir "$tmp" "$here/divert-checksums.scn" >/dev/null
div="$tmp/H-divert8000.pcap"
lt=$(tshark -r "$div" 2>/dev/null -T fields -e frame.encap_type | sort -u)
# Wireshark's encapsulation number for raw IP
[ "$lt" = "7" ] || { echo "divert pcap encapsulation '$lt', want 7 (raw IP)"; exit 1; }
got=$(tshark -r "$div" 2>/dev/null -o ip.check_checksum:TRUE -T fields \
    -E separator=' ' -e ip.src -e ip.dst -e icmp.type -e ip.checksum \
    -e ip.checksum.status | tr '\n' ';')
want='192.0.2.2 192.0.2.1 8 0x0000 0;192.0.2.2 192.0.2.1 8 0x0000 0;'
[ "$got" = "$want" ] || { echo "divert pcap: got '$got' want '$want'"; exit 1; }
wire=$(tshark -r "$tmp/H-em0.pcap" 2>/dev/null -o ip.check_checksum:TRUE \
    -Y 'icmp.type == 8' -T fields -e ip.checksum.status)
[ "$wire" = "1" ] || { echo "link pcap: checksum status '$wire', want 1 (good)"; exit 1; }
bad=$(tshark -r "$div" 2>/dev/null -Y '_ws.malformed' | wc -l)
[ "$bad" -eq 0 ] || { echo "malformed packets in $div"; exit 1; }
echo "ok: read and written with checksum 0, sent with a good one"

#!/bin/sh
# The event log agrees with itself on direction: a packet caught on the IN
# pass of an interface without an IPv4 address is read with sin_addr 0
# (divert_packet() finds no address), yet it is incoming, and both its
# `divert` and its `divert-read` events say "dir":"in".
#   usage: event_dir.sh DIVERTSIM SCENARIO
set -eu
exe=$1
scn=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$exe" run -q --trace-dir "$tmp" "$scn" >/dev/null
ev="$tmp/events.jsonl"
for kind in divert divert-read; do
	dirs=$(grep "\"ev\":\"$kind\"" "$ev" | grep -o '"dir":"[a-z]*"' |
	    sort -u | tr '\n' ' ')
	[ "$dirs" = '"dir":"in" ' ] ||
	    { echo "$kind events: $dirs, want only \"dir\":\"in\""; exit 1; }
done
grep '"ev":"divert-read"' "$ev" | grep -q '"sin_addr":"0.0.0.0"' ||
    { echo "divert-read: want sin_addr 0.0.0.0"; exit 1; }
echo "ok: divert and divert-read both incoming, sin_addr 0.0.0.0"

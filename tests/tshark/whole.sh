#!/bin/sh
# Whether every trace file of DIR is whole: each pcap and run.pcapng read to
# its end by tshark without an error, every line of events.jsonl (if any) a
# complete JSON object and the file ending with a newline.
#   usage: whole.sh DIR
set -eu
dir=$1
err=$(mktemp)
trap 'rm -f "$err"' EXIT
for p in "$dir"/*.pcap "$dir"/*.pcapng; do
	[ -f "$p" ] || continue
	tshark -r "$p" >/dev/null 2>"$err" || { echo "$p: $(cat "$err")"; exit 1; }
	# tshark warns about running as root: only errors count
	if grep -v 'Running as user' "$err" | grep -q .; then
		echo "$p: $(cat "$err")"
		exit 1
	fi
done
[ -f "$dir/events.jsonl" ] || exit 0
python3 - "$dir/events.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "rb") as f:
    data = f.read()
if data and not data.endswith(b"\n"):
    sys.exit(sys.argv[1] + " ends mid-line")
for line in data.splitlines():
    json.loads(line)
PY

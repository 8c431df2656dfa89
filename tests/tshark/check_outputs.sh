#!/bin/sh
# Output errors and limits end a run with exit status 2 and a message that
# names the file and the errno, never an abort, and leave whole files:
# symlinks in the trace folder never followed (their targets untouched), a folder
# in the place of a pcap, a write limit reached (ulimit -f, as a full file
# system: EFBIG), too many pcaps for the file descriptors (ulimit -n),
# --max-trace-bytes and --max-events.
set -eu
exe=$1
here=$(cd "$(dirname "$0")" && pwd)
scn="$here/busy.scn"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect_fail NAME PATTERN ARGS...: exit 2 and PATTERN on stderr
expect_fail() {
	name=$1 pat=$2
	shift 2
	rc=0
	"$@" >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
	[ "$rc" -eq 2 ] || { echo "$name: exit $rc, want 2"; cat "$tmp/stderr"; exit 1; }
	grep -q -- "$pat" "$tmp/stderr" ||
	    { echo "$name: no '$pat' in:"; cat "$tmp/stderr"; exit 1; }
	echo "ok: $name: $(grep -- "$pat" "$tmp/stderr" | head -1)"
}

# Whole files: every pcap read to its end, every JSON line complete.
check_whole() {
	sh "$here/whole.sh" "$1"
}

# Symlinks named like a trace file: removed as stale traces are (unlink,
# never followed), their targets left as they were, and real files made.
short="$here/divert-checksums.scn"
d="$tmp/link1"; mkdir "$d"
echo precious >"$tmp/target"
ln -s "$tmp/target" "$d/events.jsonl"
ln -s "$tmp/nowhere.pcap" "$d/H-em0.pcap"
"$exe" run -q --trace-dir "$d" "$short" >/dev/null ||
    { echo "symlinks in the trace folder: run failed"; exit 1; }
[ "$(cat "$tmp/target")" = precious ] || { echo "symlink target changed"; exit 1; }
[ ! -e "$tmp/nowhere.pcap" ] || { echo "dangling symlink followed"; exit 1; }
[ -f "$d/events.jsonl" ] && [ ! -L "$d/events.jsonl" ] &&
    [ -f "$d/H-em0.pcap" ] && [ ! -L "$d/H-em0.pcap" ] ||
    { echo "symlinks still in place of the traces"; exit 1; }
check_whole "$d"
echo "ok: symlinks in the trace folder removed, not followed"

# A folder in the place of the divert socket's pcap (opened at build).
d="$tmp/dir"; mkdir -p "$d/gw-divert8000.pcap"
expect_fail "folder as a pcap" "gw-divert8000.pcap: Is a directory (EISDIR)" \
    "$exe" run -q --trace-dir "$d" "$scn"

# A write limit, as a full disk: exit 2 naming the file and EFBIG; the
# files end on a whole record.
d="$tmp/full"
expect_fail "file size limit" \
    "output error: $d/[a-z0-9-]*\.[a-z]*: File too large (EFBIG) at [0-9.]* s" \
    sh -c "trap '' XFSZ; ulimit -f 512; exec \"\$@\"" sh \
    "$exe" run -q --pcapng --trace-dir "$d" "$scn"
check_whole "$d"

# More pcaps than file descriptors: refused before anything runs.
{
	echo 'title "20 links: 40 pcaps"'
	i=0
	while [ $i -lt 20 ]; do
		echo "host h$i"
		echo "host g$i"
		echo "link h$i:em0 g$i:em0"
		i=$((i + 1))
	done
	echo 'run 1ms'
} >"$tmp/many.scn"
# 40 pcaps and events.jsonl, counted before the folder is made or cleaned:
# a folder that did not exist is not created, the traces of an earlier run
# stay byte for byte, and no file is opened (a header-only pcap or an
# empty events.jsonl would be left otherwise).
expect_fail "ulimit -n 80" \
    "the run needs 42 trace files open at once (2 pcaps per link, 1 per divert socket, events.jsonl, run.pcapng), more than 16 (the file descriptor limit, ulimit -n, less 64)" \
    sh -c 'ulimit -n 80; exec "$@"' sh "$exe" run -q --trace-dir "$tmp/many" "$tmp/many.scn"
[ ! -e "$tmp/many" ] || { echo "ulimit -n 80: $tmp/many created:"; ls -la "$tmp/many"; exit 1; }
d="$tmp/earlier"
"$exe" run -q --trace-dir "$d" "$short" >/dev/null
before=$(cd "$d" && ls -la --time-style=+%s.%N && md5sum ./*)
expect_fail "ulimit -n 80, earlier traces" "the run needs 42 trace files" \
    sh -c 'ulimit -n 80; exec "$@"' sh "$exe" run -q --trace-dir "$d" "$tmp/many.scn"
after=$(cd "$d" && ls -la --time-style=+%s.%N && md5sum ./*)
[ "$before" = "$after" ] || { echo "ulimit -n 80: $d changed"; ls -la "$d"; exit 1; }
expect_fail "ulimit -n 80, --no-pcapng" "the run needs 41 trace files open at once (2 pcaps per link, 1 per divert socket, events.jsonl), more than 16" \
    sh -c 'ulimit -n 80; exec "$@"' sh "$exe" run -q --no-pcapng --trace-dir "$tmp/many" "$tmp/many.scn"
[ ! -e "$tmp/many" ] || { echo "ulimit -n 80 --no-pcapng: $tmp/many created"; exit 1; }
# The count at its edge (run.pcapng off): 7 links (14 pcaps), events.jsonl
# and a divert socket bound at time 0 are 16 files, which run; a second socket bound by
# an `at` line makes 17, refused up front.
{
	echo 'title "7 links and a divert socket: 16 trace files"'
	i=0
	while [ $i -lt 7 ]; do
		echo "host h$i"
		[ $i -ne 0 ] || echo "  divert 8000 reinject"
		echo "host g$i"
		echo "link h$i:em0 g$i:em0"
		i=$((i + 1))
	done
	echo 'expect sim.command_errors == 0'
} >"$tmp/edge.scn"
{ cat "$tmp/edge.scn"; echo 'run 1ms'; } >"$tmp/edge16.scn"
{ cat "$tmp/edge.scn"; echo 'at 1ms h1 divert 8001 reinject'; echo 'run 2ms'; } >"$tmp/edge17.scn"
sh -c 'ulimit -n 80; exec "$@"' sh "$exe" run -q --no-pcapng --trace-dir "$tmp/edge16" "$tmp/edge16.scn" >/dev/null ||
    { echo "ulimit -n 80: 16 trace files refused"; exit 1; }
[ "$(ls "$tmp/edge16" | wc -l)" -eq 16 ] || { echo "ulimit -n 80: not 16 files"; ls "$tmp/edge16"; exit 1; }
check_whole "$tmp/edge16"
expect_fail "ulimit -n 80, 17 files" "the run needs 17 trace files open at once" \
    sh -c 'ulimit -n 80; exec "$@"' sh "$exe" run -q --no-pcapng --trace-dir "$tmp/edge17" "$tmp/edge17.scn"
[ ! -e "$tmp/edge17" ] || { echo "ulimit -n 80, 17 files: folder created"; exit 1; }

# The limits of a run.
d="$tmp/bytes"
expect_fail "--max-trace-bytes" \
    "trace size limit of 100000 bytes reached (--max-trace-bytes) at 0\.0" \
    "$exe" run -q --pcapng --max-trace-bytes 100000 --trace-dir "$d" "$scn"
check_whole "$d"
sz=$(cat "$d"/* | wc -c)
[ "$sz" -le 100000 ] || { echo "--max-trace-bytes: $sz bytes written"; exit 1; }
expect_fail "--max-events" \
    "event limit of 1000 events reached (--max-events) at 0\.0" \
    "$exe" run -q --max-events 1000 --no-traces "$scn"
expect_fail "--max-events x" "--max-events: invalid number 'x'" \
    "$exe" run -q --max-events x --no-traces "$scn"
expect_fail "--max-trace-bytes 2^64" "--max-trace-bytes: '18446744073709551616' out of range" \
    "$exe" run -q --max-trace-bytes 18446744073709551616 "$scn"

#!/bin/sh
# Tests of `divertsim gen` (docs/generating.md).
#
#   gen.sh DIVERTSIM KIND [GEN-OPTIONS ...]
#	writes `divertsim gen KIND ...` to a temporary file, checks that a
#	second generation is byte-identical (the generator is deterministic),
#	then runs it with `divertsim check -q --no-traces`; the exit status
#	is check's.
#   gen.sh DIVERTSIM --doc FILE.md
#	checks that every excerpt in FILE.md that starts with a line
#	"$ divertsim gen ..." shows lines the command really writes, in the
#	same order ("..." stands for lines left out), so the page cannot drift.
set -u
ds=$1
shift
tmp=$(mktemp -d "${TMPDIR:-/tmp}/divertsim-gen.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

if [ "$1" = "--doc" ]; then
	# Split the page into excerpt files: the command, then the lines.
	awk -v dir="$tmp" '
		/^```/ { if (f != "") { close(f); f = "" }; inb = !inb; next }
		inb && /^\$ divertsim gen / {
			n++; f = dir "/ex" n
			sub(/^\$ divertsim /, ""); print > (f ".cmd"); next
		}
		inb && f != "" { print > f }
	' "$2"
	status=0
	for cmdf in "$tmp"/ex*.cmd; do
		[ -e "$cmdf" ] || { echo "gen.sh: no excerpts in $2" >&2; exit 1; }
		ex=${cmdf%.cmd}
		# The words of an excerpt's command are plain: no quoting.
		# shellcheck disable=SC2046
		"$ds" $(cat "$cmdf") >"$ex.out" || { status=1; continue; }
		if ! awk -v out="$ex.out" '
			BEGIN { while ((getline l < out) > 0) o[++n] = l; p = 1 }
			{ t = $0; gsub(/^[ \t]+|[ \t]+$/, "", t) }
			t == "..." { next }
			{
				while (p <= n && o[p] != $0) p++
				if (p > n) { print "not in output: " $0; bad = 1; exit }
				p++
			}
			END { exit bad }
		' "$ex"; then
			echo "gen.sh: excerpt of '$(cat "$cmdf")' in $2 is stale" >&2
			status=1
		fi
	done
	[ $status -eq 0 ] && echo "all excerpts of $2 match"
	exit $status
fi

scn="$tmp/gen-$1.scn"
if ! "$ds" gen "$@" >"$scn"; then
	echo "gen.sh: divertsim gen $* failed" >&2
	exit 1
fi
"$ds" gen "$@" >"$tmp/again.scn" || exit 1
if ! cmp -s "$scn" "$tmp/again.scn"; then
	echo "gen.sh: divertsim gen $* is not deterministic" >&2
	exit 1
fi
echo "divertsim gen $*: $(grep -c '^host ' "$scn") hosts," \
    "$(grep -c '^link ' "$scn") links, $(grep -c '^expect ' "$scn") expectations"
"$ds" check -q --no-traces "$scn"

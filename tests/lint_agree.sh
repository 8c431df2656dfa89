#!/bin/sh
# lint and run agree on validity: for every scenario given, and for broken
# copies of each (a program that does not exist, a port bound twice, a
# duplicated route, an interface no link joins, a counter of no host, a
# delete of a rule that does not exist, a gateway off-link), `divertsim
# lint` exits 2 exactly when `divertsim run` exits 2.
#
#   lint_agree.sh DIVERTSIM SCENARIO...
set -u
ds=$1
shift
tmp=$(mktemp -d "${TMPDIR:-/tmp}/divertsim-agree.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
status=0
n=0

agree() {
	"$ds" run --no-traces "$1" >/dev/null 2>"$tmp/run.err"
	r=$?
	"$ds" lint "$1" >/dev/null 2>"$tmp/lint.err"
	l=$?
	n=$((n + 1))
	if { [ $r = 2 ] && [ $l != 2 ]; } || { [ $r != 2 ] && [ $l != 0 ]; }
	then
		echo "$2: run exits $r, lint $l"
		sed 's/^/  run: /' "$tmp/run.err" | head -5
		sed 's/^/  lint: /' "$tmp/lint.err" | head -5
		status=1
	fi
}

for f in "$@"; do
	agree "$f" "$f"
	b=$(basename "$f" .scn)
	# The first host block gets each mistake in turn.
	host=$(sed -n 's/^host \([A-Za-z0-9_-]*\).*/\1/p' "$f" | head -1)
	[ -n "$host" ] || continue
	i=0
	for add in "divert 4242 no-such-program" \
	    "divert 4343 reinject@divert 4343 drop" \
	    "route add 198.51.100.0/24 203.0.113.1" \
	    "ifconfig em99 inet 198.18.0.1/24" \
	    "ipfw delete 65533" \
	    "divert 4444 retag notanumber"; do
		i=$((i + 1))
		awk -v h="$host" -v add="$add" '
			{ print }
			$1 == "host" && $2 == h && !done {
				n = split(add, a, "@")
				for (k = 1; k <= n; k++) print "  " a[k]
				done = 1
			}' "$f" >"$tmp/$b-$i.scn"
		agree "$tmp/$b-$i.scn" "$f (broken copy $i: $add)"
	done
	{ cat "$f"; echo "expect nosuchhost.ip.received == 0"; } \
	    >"$tmp/$b-x.scn"
	agree "$tmp/$b-x.scn" "$f (broken copy: a counter of no host)"
done
echo "$n files: lint and run $( [ $status = 0 ] && echo agree || echo disagree)"
exit $status

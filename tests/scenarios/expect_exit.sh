#!/bin/sh
# Run `divertsim run` on a scenario that must fail in a known way: the
# file's "# expect-exit: N" line gives the exit status, and every
# "# expect-stderr: TEXT" / "# expect-stdout: TEXT" line a text that must
# appear in that stream.
set -u
exe=$1
scn=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$(dirname "$scn")"
base=$(basename "$scn")
"$exe" run --no-traces "$base" >"$tmp/out" 2>"$tmp/err"
rc=$?
want=$(sed -n 's/^# expect-exit: //p' "$base")
fail=0
if [ "$rc" != "$want" ]; then
	echo "exit status $rc, expected $want"
	fail=1
fi
while IFS= read -r line; do
	case $line in
	"# expect-stderr: "*) f=err; text=${line#"# expect-stderr: "} ;;
	"# expect-stdout: "*) f=out; text=${line#"# expect-stdout: "} ;;
	*) continue ;;
	esac
	if ! grep -qF -- "$text" "$tmp/$f"; then
		echo "missing in std$f: $text"
		fail=1
	fi
done <"$base"
if [ $fail -ne 0 ]; then
	echo "--- stdout"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"
fi
exit $fail

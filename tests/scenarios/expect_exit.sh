#!/bin/sh
# Run `divertsim run` on a scenario that must end in a known way: the
# file's "# expect-exit: N" line gives the exit status, and every
# "# expect-stderr: TEXT" / "# expect-stdout: TEXT" line a text that must
# appear in that stream ("# expect-no-stderr: TEXT" and "# expect-stdout-
# lacks: TEXT" one that must not),
# "# expect-stdout-empty" that nothing at all is printed on standard output
# (an error found before time 0).  "# args: ..." adds options (--Werror,
# say).  `divertsim lint` must then agree with run on the file's validity:
# exit 2 exactly when run exits 2, with the same diagnostics on stderr.
set -u
exe=$1
scn=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$(dirname "$scn")"
base=$(basename "$scn")
args=$(sed -n 's/^# args: //p' "$base")
# shellcheck disable=SC2086
"$exe" run --no-traces $args "$base" >"$tmp/out" 2>"$tmp/err"
rc=$?
want=$(sed -n 's/^# expect-exit: //p' "$base")
fail=0
if [ "$rc" != "$want" ]; then
	echo "exit status $rc, expected $want"
	fail=1
fi
while IFS= read -r line; do
	neg=0
	case $line in
	"# expect-stderr: "*) f=err; text=${line#"# expect-stderr: "} ;;
	"# expect-stdout: "*) f=out; text=${line#"# expect-stdout: "} ;;
	"# expect-no-stderr: "*)
		f=err; neg=1; text=${line#"# expect-no-stderr: "} ;;
	"# expect-stdout-lacks: "*)
		f=out; neg=1; text=${line#"# expect-stdout-lacks: "} ;;
	"# expect-stdout-empty")
		if [ -s "$tmp/out" ]; then
			echo "stdout is not empty"
			fail=1
		fi
		continue ;;
	*) continue ;;
	esac
	if grep -qF -- "$text" "$tmp/$f"; then
		[ $neg = 0 ] && continue
		echo "unexpected in std$f: $text"
	else
		[ $neg = 1 ] && continue
		echo "missing in std$f: $text"
	fi
	fail=1
done <"$base"
# shellcheck disable=SC2086
"$exe" lint $args "$base" >"$tmp/lout" 2>"$tmp/lerr"
lrc=$?
if { [ "$rc" = 2 ] && [ "$lrc" != 2 ]; } ||
    { [ "$rc" != 2 ] && [ "$lrc" != 0 ]; }; then
	echo "lint exit status $lrc disagrees with run's $rc"
	fail=1
fi
# The same diagnostics, but for the closing line ("nothing simulated").
grep -v ': [0-9]* errors*\(, nothing simulated\)*$' "$tmp/err" >"$tmp/e1"
grep -v ': [0-9]* errors*\(, nothing simulated\)*$' "$tmp/lerr" >"$tmp/e2"
if [ "$rc" = 2 ] && ! cmp -s "$tmp/e1" "$tmp/e2"; then
	echo "lint's diagnostics differ from run's:"
	diff "$tmp/e1" "$tmp/e2"
	fail=1
fi
if [ $fail -ne 0 ]; then
	echo "--- stdout"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"
fi
exit $fail

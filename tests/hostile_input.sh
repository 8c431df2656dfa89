#!/bin/sh
# Hostile scenario files: a byte-order mark, control bytes, thousands of
# errors, an endless line, a huge file, an overflowing number, an empty
# file, and --trace-dir naming a file.  Each must get its message, fast,
# with output of a sane size.
#
#   hostile_input.sh DIVERTSIM
set -u
ds=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/divertsim-hostile.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
cd "$tmp" || exit 99
status=0

fail() {
	echo "FAIL: $*"
	status=1
}

# expect_rc WANT CMD...: run CMD, output in out/err.
expect_rc() {
	want=$1
	shift
	"$@" >out 2>err
	rc=$?
	[ "$rc" = "$want" ] || fail "$* exited $rc, not $want: $(head -3 err)"
}

has() {
	grep -qF -- "$2" "$1" || fail "$1 lacks: $2"
}

good='host a
  ifconfig em0 inet 10.0.0.1/24
host b
  ifconfig em0 inet 10.0.0.2/24
link a:em0 b:em0
expect b.ip.received >= 0
run'

# A UTF-8 byte-order mark before the first word is not part of it.
printf '\357\273\277%s\n' "$good" >bom.scn
expect_rc 0 "$ds" lint bom.scn
has out "bom.scn: ok"

# Control bytes are shown escaped, never raw.
printf 'ho\001st a\n%s\n' "$good" >ctl.scn
expect_rc 2 "$ds" lint ctl.scn
has err "ctl.scn:1:1: error: unknown command 'ho\\x01st'"
if tr -d '\n\t' <err | LC_ALL=C grep -q '[[:cntrl:]]'; then
	fail "a control byte reached the terminal"
fi

# Thousands of errors: the first 50, then how many more.
{ i=0; while [ $i -lt 3000 ]; do echo "bogus $i"; i=$((i + 1)); done; } \
    >many.scn
expect_rc 2 "$ds" lint many.scn
[ "$(grep -c ': error: ' err)" = 50 ] || fail "not 50 errors shown"
has err "many.scn: 2950 more errors"
has err "many.scn: 3000 errors"
[ "$(wc -c <err)" -lt 20000 ] || fail "3000 errors wrote $(wc -c <err) bytes"

# A 10 MB line: refused at once, not echoed.
{ printf 'title '; head -c 10000000 /dev/zero | tr '\0' x; echo; } >long.scn
expect_rc 2 "$ds" lint long.scn
has err "long.scn:1:1: error: line too long (10000006 bytes; at most 65536)"
[ "$(wc -c <err)" -lt 1000 ] || fail "a long line wrote $(wc -c <err) bytes"

# A file past the size limit.
# Sparse: refused on its size, before a byte of it is read.
echo "$good" >huge.scn
truncate -s 1100M huge.scn
expect_rc 2 "$ds" lint huge.scn
has err "huge.scn: error: file too large (more than 1024 MiB)"

# One wording for numbers out of range.
printf 'seed 99999999999999999999\n%s\n' "$good" >seed.scn
expect_rc 2 "$ds" lint seed.scn
has err "seed.scn:1:6: error: seed '99999999999999999999' out of range (0..4294967295)"

# An empty scenario (or comments only) is a warning; --Werror refuses it.
printf '# nothing here\n' >empty.scn
expect_rc 0 "$ds" lint empty.scn
has err "empty.scn: warning: empty scenario: nothing to simulate and nothing to check"
expect_rc 2 "$ds" lint --Werror empty.scn
has err "empty.scn: error: empty scenario: nothing to simulate and nothing to check [-Werror]"
expect_rc 2 "$ds" check --Werror empty.scn
has out "FAIL empty.scn (scenario error)"

# --trace-dir naming a regular file is an option error, before any file.
echo "$good" >ok.scn
: >afile
expect_rc 2 "$ds" run --trace-dir afile ok.scn
has err "divertsim: --trace-dir afile: not a directory"
grep -q "ok.scn" err && fail "--trace-dir afile blamed on the scenario"

[ $status = 0 ] && echo "hostile input: all handled"
exit $status

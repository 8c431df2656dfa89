#!/bin/sh
# The documented example program, built against the INSTALLED library:
# `meson install --destdir` into a temporary directory, then the example's
# sources, copied out of the tree, are compiled with nothing but
# `pkg-config --cflags --libs divertsim` and run on their scenario.  The
# counters it prints are checked against values worked out by hand, and
# docs/divert-programs.md must quote examples/program/thin.c whole.
#   usage: install_example.sh MESON BUILD_DIR SOURCE_ROOT SANITIZE CC...
set -u
if [ $# -lt 5 ]; then
	echo "usage: $0 MESON BUILD_DIR SOURCE_ROOT SANITIZE CC..." >&2
	exit 2
fi
meson=$1
build=$2
src=$3
sanitize=$4
shift 4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/divertsim-install.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
fail() {
	echo "FAIL: $*"
	exit 1
}

# The docs quote the example file whole, after a marker line.
awk '/^<!-- examples\/program\/thin.c -->$/ { m = 1; next }
    m == 1 && /^```c$/ { m = 2; next }
    m == 2 && /^```$/ { exit }
    m == 2 { print }' "$src/docs/divert-programs.md" > "$tmp/doc-thin.c"
if ! cmp -s "$tmp/doc-thin.c" "$src/examples/program/thin.c"; then
	diff -u "$src/examples/program/thin.c" "$tmp/doc-thin.c"
	fail "docs/divert-programs.md does not quote examples/program/thin.c"
fi

"$meson" install -C "$build" --destdir "$tmp/dest" --no-rebuild --quiet ||
    fail "meson install"
for f in include/divertsim/divertsim.h include/divertsim/program.h \
    include/divertsim/world.h; do
	[ -n "$(find "$tmp/dest" -path "*/$f")" ] || fail "$f not installed"
done
pc=$(find "$tmp/dest" -name divertsim.pc)
[ -n "$pc" ] && [ "$(echo "$pc" | wc -l)" -eq 1 ] ||
    fail "no single divertsim.pc installed: '$pc'"
# The .pc file names the real prefix; relocate it to the destdir, as a
# packager would, leaving GLib's and libpcap's .pc files alone.
mkdir "$tmp/pc"
sed "s|^prefix=|prefix=$tmp/dest|" "$pc" > "$tmp/pc/divertsim.pc"
PKG_CONFIG_PATH=$tmp/pc
export PKG_CONFIG_PATH
flags=$(pkg-config --cflags --libs divertsim) || fail "pkg-config"
echo "pkg-config --cflags --libs divertsim: $flags"

mkdir "$tmp/src"
cp "$src/examples/program/thin.c" "$src/examples/program/thin.scn" \
    "$tmp/src/" || exit 99
cd "$tmp/src" || exit 99
san=
[ "$sanitize" = none ] || san=-fsanitize=$sanitize
# shellcheck disable=SC2086 # flags are words by design
"$@" $san -Wall -Wextra -Werror -o thin thin.c $flags ||
    fail "the example does not build against the installed library"

# thin.scn by hand: two bursts of three pings, 1s apart, through thin 50
# on b's port 8000.  Each burst: requests 1 and 3 written back (answered),
# request 2 dropped by the program; 1s > 50ms, so the second burst starts
# afresh (without the timer's reset it would write only its 2nd request:
# 3 written, 3 answered).  Echo replies leave b, never diverted ("in").
./thin thin.scn b.divert.8000.read b.divert.8000.written \
    b.divert.8000.discarded b.ipfw.100.packets a.ping.received \
    > out 2>&1
rc=$?
cat out
[ "$rc" -eq 0 ] || fail "./thin thin.scn exited $rc"
cat > want <<'WANT'
b.divert.8000.read 6
b.divert.8000.written 4
b.divert.8000.discarded 2
b.ipfw.100.packets 6
a.ping.received 4
WANT
grep -v '^PASS ' out > got
cmp -s want got || { diff -u want got; fail "counters"; }

# Its argument check reports at the word at fault, before any simulation.
sed 's/thin 50$/thin 50ms/' thin.scn > bad.scn
./thin bad.scn > out 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "bad.scn: exit $rc, expected 2"
grep -q "bad.scn:10:20: error: IDLE_MS must be a number from 1 to 3600000, not '50ms'" out ||
    { cat out; fail "bad.scn: message"; }
echo "ok: the installed library builds and runs the example"

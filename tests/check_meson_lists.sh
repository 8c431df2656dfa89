#!/bin/sh
# Every source and scenario file in the tree is named in the meson.build
# that builds or runs it.  The meson files list their files one by one (no
# globbing, no existence checks), so a file added without its line would
# otherwise be left out silently: not compiled, or a test never run.
#   usage: check_meson_lists.sh SOURCE_ROOT
set -u
if [ $# -ne 1 ]; then
	echo "usage: $0 SOURCE_ROOT" >&2
	exit 2
fi
cd "$1" || exit 2

missing=0
checked=0
# check MESON_FILE WORD FILE: WORD must appear quoted in MESON_FILE.
check() {
	checked=$((checked + 1))
	if ! grep -qF "'$2'" "$1"; then
		echo "$3 is not listed in $1"
		missing=$((missing + 1))
	fi
}

for f in model/*.c model/*/*.c model/*/*.cc tools/*.c bench/*.c bench/*.cc; do
	[ -f "$f" ] || continue
	check "$(dirname "$f")/meson.build" "$(basename "$f")" "$f"
done
# Unit suites are named without their test_ prefix and .c suffix.
for f in tests/test_*.c; do
	[ -f "$f" ] || continue
	n=$(basename "$f" .c)
	check tests/meson.build "${n#test_}" "$f"
done
for f in tests/*.cc; do
	[ -f "$f" ] || continue
	check tests/meson.build "$(basename "$f")" "$f"
done
for f in tests/scenarios/*.scn tests/scenarios/outcome/*.scn scenarios/*.scn; do
	[ -f "$f" ] || continue
	check tests/scenarios/meson.build "$(basename "$f")" "$f"
done
echo "$checked files checked, $missing not listed"
[ "$missing" -eq 0 ]

#!/bin/sh
# Checks that every scenario file the documentation names (README.md,
# docs/*.md, docs/teaching/*.md, scenarios/README.md) exists and passes
# `divertsim check`, so a doc never sends a reader to a missing or broken
# example.
#   usage: test_docs.sh DIVERTSIM SOURCE_ROOT
set -u
if [ $# -ne 2 ]; then
	echo "usage: $0 DIVERTSIM SOURCE_ROOT" >&2
	exit 2
fi
ds=$1
root=$2
cd "$root" || exit 2

docs=$(ls README.md docs/*.md docs/teaching/*.md scenarios/README.md \
    2>/dev/null)
if [ -z "$docs" ]; then
	echo "no documentation found under $root" >&2
	exit 1
fi

# A name is a path ending in scenarios/NAME.scn; a relative prefix such as
# ../../ (a link from docs/teaching/) is dropped, since every path the docs
# give is meant from the top of the tree.  Names with globs or placeholders
# (scenarios/*.scn) do not match the pattern and are not checked.
names=$(grep -ohE '[A-Za-z0-9_./-]*scenarios/[A-Za-z0-9_.-]+\.scn' $docs |
    sed -e 's,^\(\.\./\|\./\)*,,' | sort -u)
if [ -z "$names" ]; then
	echo "the documentation names no scenario file" >&2
	exit 1
fi

fail=0
n=0
for f in $names; do
	n=$((n + 1))
	if [ ! -f "$f" ]; then
		echo "MISSING $f, named in: $(grep -lF "$f" $docs | tr '\n' ' ')"
		fail=$((fail + 1))
		continue
	fi
	if out=$("$ds" check --no-traces "$f" 2>&1); then
		echo "ok $f"
	else
		echo "FAILED $f (divertsim check):"
		echo "$out" | grep -v '^PASS' | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done
echo "$n scenario files named in the docs, $fail failed"
[ "$fail" -eq 0 ]

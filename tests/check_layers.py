#!/usr/bin/env python3
"""Fails when a lower layer of the library includes a header of a higher one.

The layer order below is the table "Layers" of docs/architecture.md; the
script checks that the two agree (same numbers, same places, same order),
so change both together.  Every source file under include/, model/ and
tools/ must belong to a layer, and each of its `#include "..."` lines that
names a file of the tree must name one in its own layer or a lower one.

usage: check_layers.py SOURCE_ROOT
"""

import os
import re
import sys

# (number, places): a place ending in "/" is a directory, anything else a
# file or a file stem ("model/ipfw_sim" covers ipfw_sim.c and ipfw_sim.h).
# The most specific place wins.  Keep in sync with docs/architecture.md.
LAYERS = [
    (1, ["model/ns3/", "model/sim/sim_sched"]),
    (2, ["model/sim/", "model/trace/"]),
    (3, ["model/pkt/"]),
    (4, ["model/wire/"]),
    (5, ["model/net/", "model/netinet/"]),
    (6, ["model/ipfw/", "model/ipfw_sim"]),
    (7, ["model/divert_queue"]),
    (8, ["model/apps/", "model/exec/", "include/divertsim/program.h",
         "include/divertsim/freebsd_divert.h"]),
    (9, ["model/scenario/", "include/divertsim/world.h",
         "include/divertsim/divertsim.h"]),
    (10, ["tools/"]),
]

SOURCE_EXT = (".c", ".h", ".cc")
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
DOC = "docs/architecture.md"
# Include directories of the build (meson's `inc`), in search order.
INCLUDE_DIRS = ["include", "model"]


def layer_of(path):
    """The layer number of a tree-relative path, or None."""
    best, best_len = None, -1
    stem = os.path.splitext(path)[0]
    for number, places in LAYERS:
        for place in places:
            if place.endswith("/"):
                hit = path.startswith(place)
            else:
                hit = stem == place or path == place
            if hit and len(place) > best_len:
                best, best_len = number, len(place)
    return best


def doc_layers(root):
    """(number, places) rows of the layer table in docs/architecture.md."""
    rows = []
    with open(os.path.join(root, DOC), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\|\s*(\d+)\s*\|[^|]*\|([^|]*)\|", line)
            if m is None:
                continue
            places = []
            for p in re.findall(r"`([^`]+)`", m.group(2)):
                # `model/ipfw_sim.[ch]` and `model/sim/sim_sched.[ch]`
                # name a stem.
                places.append(re.sub(r"\.\[[a-z]+\]$", "", p))
            rows.append((int(m.group(1)), places))
    return rows


def resolve(root, includer, name):
    """Tree-relative path of an included file, or None (system, ns-3)."""
    here = os.path.dirname(includer)
    for d in [here] + INCLUDE_DIRS:
        cand = os.path.normpath(os.path.join(d, name))
        if os.path.isfile(os.path.join(root, cand)):
            return cand
    return None


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    root = sys.argv[1]
    errors = []

    doc = doc_layers(root)
    mine = [(n, sorted(p)) for n, p in LAYERS]
    theirs = [(n, sorted(p)) for n, p in doc]
    if mine != theirs:
        errors.append("%s's layer table and tests/check_layers.py "
                      "disagree:\n  doc:    %s\n  script: %s"
                      % (DOC, theirs, mine))

    checked = 0
    for top in ("include", "model", "tools"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for fn in sorted(filenames):
                if not fn.endswith(SOURCE_EXT):
                    continue
                path = os.path.relpath(os.path.join(dirpath, fn), root)
                mine = layer_of(path)
                if mine is None:
                    errors.append("%s belongs to no layer: add its place "
                                  "to %s and to this script" % (path, DOC))
                    continue
                checked += 1
                with open(os.path.join(root, path), encoding="utf-8",
                          errors="replace") as f:
                    for lineno, line in enumerate(f, 1):
                        m = INCLUDE_RE.match(line)
                        if m is None:
                            continue
                        target = resolve(root, path, m.group(1))
                        if target is None:
                            continue
                        theirs = layer_of(target)
                        if theirs is None:
                            errors.append("%s:%d: includes %s, which "
                                          "belongs to no layer"
                                          % (path, lineno, target))
                        elif theirs > mine:
                            errors.append("%s:%d: layer %d includes %s "
                                          "of layer %d (a layer uses only "
                                          "the layers below it)"
                                          % (path, lineno, mine, target,
                                             theirs))
    for e in errors:
        print(e, file=sys.stderr)
    if checked == 0:
        print("no source file found under %s" % root, file=sys.stderr)
        return 1
    if not errors:
        print("%d files, every #include goes down or sideways" % checked)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

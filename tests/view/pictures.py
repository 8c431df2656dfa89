#!/usr/bin/env python3
"""The teaching pages' pictures, made from their scenarios.

A page under docs/teaching/ that shows img/NAME-topology.svg or
img/NAME-sequence.svg gets them from scenarios/NAME.scn through
`divertsim view --svg-topology/--svg-sequence`.  The build generates them
(--generate DIR); the docs test (--check DIR) fails when a committed copy
in docs/teaching/img/ differs from the generated one, is missing, or is
shown by no page, so that a picture cannot drift from its scenario;
--update rewrites the committed copies (after changing a scenario).

usage: pictures.py DIVERTSIM SOURCE_ROOT --generate DIR [--stamp FILE]
       pictures.py DIVERTSIM SOURCE_ROOT --check DIR
       pictures.py DIVERTSIM SOURCE_ROOT --update
"""

import glob
import os
import re
import subprocess
import sys

REF = re.compile(r"img/([A-Za-z0-9_.-]+)-(topology|sequence)\.svg")


def wanted(root):
    """{NAME: set of kinds} that the teaching pages show."""
    names = {}
    for page in sorted(glob.glob(os.path.join(root, "docs", "teaching",
                                              "*.md"))):
        with open(page, encoding="utf-8") as f:
            for m in REF.finditer(f.read()):
                names.setdefault(m.group(1), set()).add(m.group(2))
    return names


def generate(ds, root, out):
    os.makedirs(out, exist_ok=True)
    errors = 0
    for name, kinds in sorted(wanted(root).items()):
        scn = os.path.join(root, "scenarios", name + ".scn")
        if not os.path.exists(scn):
            print("a teaching page shows img/%s-*.svg, but there is no "
                  "scenarios/%s.scn" % (name, name))
            errors += 1
            continue
        cmd = [ds, "view"]
        for kind in sorted(kinds):
            cmd += ["--svg-" + kind, os.path.join(out, "%s-%s.svg" %
                                                  (name, kind))]
        r = subprocess.run(cmd + [scn], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, check=False)
        if r.returncode != 0:
            print("divertsim view %s: exit %d\n%s" % (
                scn, r.returncode, r.stderr.decode()))
            errors += 1
    return errors


def check(root, out):
    img = os.path.join(root, "docs", "teaching", "img")
    passed = failed = 0
    want = wanted(root)
    for name, kinds in sorted(want.items()):
        for kind in sorted(kinds):
            base = "%s-%s.svg" % (name, kind)
            committed = os.path.join(img, base)
            made = os.path.join(out, base)
            if not os.path.exists(committed):
                print("MISSING docs/teaching/img/%s (run pictures.py "
                      "--update)" % base)
                failed += 1
                continue
            with open(committed, "rb") as a, open(made, "rb") as b:
                same = a.read() == b.read()
            if same:
                passed += 1
            else:
                print("DRIFT docs/teaching/img/%s differs from what "
                      "scenarios/%s.scn gives now (run pictures.py "
                      "--update)" % (base, name))
                failed += 1
    for path in sorted(glob.glob(os.path.join(img, "*.svg"))):
        m = REF.search("img/" + os.path.basename(path))
        if m is None or m.group(2) not in want.get(m.group(1), ()):
            print("UNUSED docs/teaching/img/%s: no teaching page shows "
                  "it" % os.path.basename(path))
            failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        print(__doc__.strip().splitlines()[-3], file=sys.stderr)
        return 2
    ds, root, mode = args[0], args[1], args[2]
    if mode == "--update":
        return 1 if generate(ds, root, os.path.join(
            root, "docs", "teaching", "img")) else 0
    if len(args) < 4:
        return 2
    out = args[3]
    if mode == "--generate":
        if generate(ds, root, out):
            return 1
        if len(args) == 6 and args[4] == "--stamp":
            with open(args[5], "w", encoding="utf-8") as f:
                f.write("pictures of %d scenarios\n" % len(wanted(root)))
        return 0
    if mode == "--check":
        if generate(ds, root, out):
            return 1
        return check(root, out)
    return 2


sys.exit(main())

#!/usr/bin/env python3
"""The output quoted in the teaching pages and the lab's answer key is what
divertsim really prints, so a page cannot drift from the program.

A quoted block is marked by an HTML comment on the line(s) before its
fence:

    <!-- output: run --why scenarios/22-dynamic-state.scn -->
    ```
    ...lines...
    ```

runs `divertsim run --why scenarios/22-dynamic-state.scn` from the top of
the tree (with `--trace-dir` a temporary directory unless the words say
`--no-traces`), and every non-empty line of the block must be a line of
standard output, in the same order (other lines may come between; a
line `...` only marks such a gap).

    <!-- jsonl: scenarios/10-tag-altered-loop.scn -->

runs `divertsim run -q --why --trace-dir TMP WORDS` and every line of the
block must be a JSON object equal to an object of events.jsonl, in order.

Every file named on the command line must hold at least one such block;
every other page of docs/teaching/ (and lab/) is checked where it has one.

usage: check_doc_output.py DIVERTSIM SOURCE_ROOT [REQUIRED.md...]
"""

import glob
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

MARK = re.compile(r"^<!-- (output|jsonl): (.*?) -->\s*$")


def blocks(path):
    """(line number, kind, words, [lines]) of each marked block."""
    lines = open(path, encoding="utf-8").read().split("\n")
    out = []
    i = 0
    while i < len(lines):
        m = MARK.match(lines[i])
        i += 1
        if not m:
            continue
        at = i
        while i < len(lines) and lines[i].strip() == "":
            i += 1
        if i >= len(lines) or not lines[i].startswith("```"):
            out.append((at, m.group(1), m.group(2), None))
            continue
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        i += 1
        out.append((at, m.group(1), m.group(2), body))
    return out


def in_order(want, got):
    """The first wanted line not found after the previous one, or None."""
    k = 0
    for w in want:
        while k < len(got) and got[k] != w:
            k += 1
        if k == len(got):
            return w
        k += 1
    return None


def check_block(ds, root, tmp, kind, words, body):
    argv = shlex.split(words)
    if kind == "jsonl":
        argv = ["run", "-q", "--why", "--trace-dir", tmp] + argv
    elif "--no-traces" not in argv and "--trace-dir" not in argv:
        argv = argv[:1] + ["--trace-dir", tmp] + argv[1:]
    r = subprocess.run([ds] + argv, cwd=root, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    text = r.stdout.decode("utf-8")
    if kind == "output":
        want = [l.rstrip() for l in body if l.strip() not in ("", "...")]
        got = [l.rstrip() for l in text.split("\n")]
        missing = in_order(want, got)
        if missing is not None:
            return f"not in the output, or out of order: {missing}"
        return None
    with open(os.path.join(tmp, "events.jsonl"), encoding="utf-8") as f:
        got = [json.loads(l) for l in f]
    want = [json.loads(l) for l in body if l.strip() not in ("", "...")]
    k = 0
    for w in want:
        while k < len(got) and got[k] != w:
            k += 1
        if k == len(got):
            return f"no such event, or out of order: {json.dumps(w)}"
        k += 1
    return None


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    ds, root = sys.argv[1], sys.argv[2]
    required = set(os.path.normpath(p) for p in sys.argv[3:])
    pages = sorted(glob.glob(os.path.join(root, "docs", "teaching", "*.md")) +
                   glob.glob(os.path.join(root, "docs", "teaching", "lab",
                                          "*.md")))
    bad = n = 0
    for page in pages:
        rel = os.path.relpath(page, root)
        found = blocks(page)
        if rel in required and not found:
            print(f"{rel}: no checked output block")
            bad += 1
        for at, kind, words, body in found:
            n += 1
            if body is None:
                print(f"{rel}:{at}: the {kind} mark has no ``` block after it")
                bad += 1
                continue
            with tempfile.TemporaryDirectory() as tmp:
                err = check_block(ds, root, tmp, kind, words, body)
            if err is not None:
                print(f"{rel}:{at}: {kind}: {words}: {err}")
                bad += 1
        required.discard(rel)
    for rel in sorted(required):
        print(f"{rel}: missing")
        bad += 1
    print(f"{n} quoted blocks checked, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

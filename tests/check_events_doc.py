#!/usr/bin/env python3
"""Fails when events.jsonl carries an event type or a field that
docs/events.md does not document.

Runs every scenario of the library (scenarios/*.scn) with --why (so its
`why` fields too), traces in a temporary directory, collects each event type's keys (and the keys of a
loop's `cycle` steps), and compares them with the page: a section
"### `TYPE`" (several types may share one heading) and table rows whose
first cell names the field ("| `field` |" or "| `a`, `b` |").  Every drop
reason of model/netinet/ip_drop.c, and every name a call of
ip_drop_named() gives, must be named on the page too.

usage: check_events_doc.py DIVERTSIM SOURCE_ROOT
"""

import glob
import json
import os
import re
import subprocess
import sys
import tempfile


def doc_fields(path):
    """{event type: set of fields}, with '*' for the fields of every event
    and 'loop.cycle' for the keys named in the loop section's text."""
    fields = {}
    current = []
    section_text = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith("## "):
            current = ["*"] if "every event" in line else []
            continue
        m = re.match(r"### (.*)", line)
        if m:
            current = re.findall(r"`([a-z-]+)`", m.group(1))
            continue
        for ev in current:
            section_text.setdefault(ev, []).append(line)
        m = re.match(r"\| ((?:`[a-z_]+`(?:, )?)+) \|", line)
        if m:
            for ev in current:
                fields.setdefault(ev, set()).update(
                    re.findall(r"`([a-z_]+)`", m.group(1)))
    loop = "".join(section_text.get("loop", []))
    fields["loop.cycle"] = set(re.findall(r"`([a-z_]+)`", loop))
    return fields, "".join(sum(section_text.values(), []))


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ds, root = sys.argv[1], sys.argv[2]
    documented, text = doc_fields(os.path.join(root, "docs", "events.md"))
    seen = {}
    scenarios = sorted(glob.glob(os.path.join(root, "scenarios", "*.scn")))
    if not scenarios:
        print("no scenario under", root, file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        for scn in scenarios:
            out = os.path.join(tmp, os.path.basename(scn))
            r = subprocess.run([ds, "run", "-q", "--why", "--trace-dir", out,
                                scn],
                               stdout=subprocess.DEVNULL)
            if r.returncode != 0:
                print(f"{scn}: divertsim exited {r.returncode}")
                return 1
            with open(os.path.join(out, "events.jsonl")) as f:
                for line in f:
                    o = json.loads(line)
                    seen.setdefault(o["ev"], set()).update(o.keys())
                    for step in o.get("cycle", []):
                        seen.setdefault("loop.cycle", set()).update(step)
    bad = 0
    common = documented.get("*", set())
    for ev, keys in sorted(seen.items()):
        if ev not in documented:
            print(f"event type `{ev}` is not documented")
            bad += 1
            continue
        for k in sorted(keys - common - documented[ev]):
            print(f"field `{k}` of `{ev}` is not documented")
            bad += 1
    reasons = re.findall(r'\[DROP_[A-Z_0-9]+\] = \{? ?"([a-z-]+)"', open(
        os.path.join(root, "model", "netinet", "ip_drop.c")).read())
    # ...and the names given to ip_drop_named() anywhere in the model.
    for src in glob.glob(os.path.join(root, "model", "**", "*.c"),
                         recursive=True):
        # the reason is the third argument (a literal or a ?: of two)
        for arg in re.findall(r"ip_drop_named\([^,]+,[^,]+,([^,]+),",
                              open(src).read()):
            reasons += [r for r in re.findall(r'"([a-z-]+)"', arg)
                        if r not in reasons]
    for r in reasons:
        if f"`{r}`" not in text:
            print(f"drop reason `{r}` is not documented")
            bad += 1
    print(f"{len(seen)} event types, {len(reasons)} drop reasons checked, "
          f"{bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

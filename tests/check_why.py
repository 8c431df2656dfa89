#!/usr/bin/env python3
"""--why explains every ipfw step and every drop of every library scenario,
and changes nothing else.

Runs each scenarios/*.scn twice, with and without --why, and fails when
- an `ipfw` event of the --why run has no `why` list, or an empty one, or
  one whose last sentences do not name the matching rule ("rule N ...",
  or a state "from rule N");
- a `drop` event has no `why` sentence, or one that does not start with
  its reason ("no-route: ...");
- the events of the two runs differ once the `why` fields are removed;
- the narration differs once --why's indented lines are removed (the
  default output stays byte for byte what it was).

usage: check_why.py DIVERTSIM SOURCE_ROOT
"""

import glob
import json
import os
import re
import subprocess
import sys
import tempfile

# --why's lines: indented under the event's text (time and host), which
# itself starts with at most four spaces.
WHY_LINE = re.compile(r"^ {20,}\S")


def run(ds, scn, out, why):
    args = [ds, "run", "--trace-dir", out, scn]
    if why:
        args.insert(2, "--why")
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    events = []
    with open(os.path.join(out, "events.jsonl"), encoding="utf-8") as f:
        for line in f:
            events.append(json.loads(line))
    # The report names the trace directory, which differs between runs.
    text = r.stdout.decode("utf-8").replace(out, "TRACES")
    return r.returncode, text, events


def check_event(scn, o):
    """Problems with one event of a --why run."""
    why = o.get("why")
    if o["ev"] == "ipfw":
        if not isinstance(why, list) or not why or not all(why):
            return [f"{scn}: ipfw event without a why: {o}"]
        rule = str(o["rule"])
        named = any(re.search(r"\brule %s\b" % rule, s) for s in why)
        if not named:
            return [f"{scn}: ipfw why does not name rule {rule}: {why}"]
    elif o["ev"] == "drop":
        if not isinstance(why, list) or len(why) != 1:
            return [f"{scn}: drop without its sentence: {o}"]
        if not why[0].startswith(o["reason"] + ": "):
            return [f"{scn}: drop sentence not about {o['reason']}: {why}"]
    elif "why" in o and o["ev"] != "loop":
        return [f"{scn}: unexpected why on {o['ev']}"]
    return []


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ds, root = sys.argv[1], sys.argv[2]
    scenarios = sorted(glob.glob(os.path.join(root, "scenarios", "*.scn")))
    if not scenarios:
        print("no scenario under", root, file=sys.stderr)
        return 1
    problems = []
    n_ipfw = n_drop = 0
    with tempfile.TemporaryDirectory() as tmp:
        for scn in scenarios:
            name = os.path.basename(scn)
            rc0, out0, ev0 = run(ds, scn, os.path.join(tmp, "plain", name),
                                 False)
            rc1, out1, ev1 = run(ds, scn, os.path.join(tmp, "why", name),
                                 True)
            if rc0 != rc1:
                problems.append(f"{name}: exit {rc0} without --why, "
                                f"{rc1} with it")
            for o in ev1:
                problems += check_event(name, o)
                n_ipfw += o["ev"] == "ipfw"
                n_drop += o["ev"] == "drop"
            stripped = []
            for o in ev1:
                if o["ev"] in ("ipfw", "drop"):
                    o = {k: v for k, v in o.items() if k != "why"}
                stripped.append(o)
            if stripped != ev0:
                problems.append(f"{name}: events differ beyond `why`")
            kept = [l for l in out1.split("\n") if not WHY_LINE.match(l)]
            if "\n".join(kept) != out0:
                problems.append(f"{name}: narration differs beyond the "
                                f"--why lines")
    for p in problems:
        print(p)
    print(f"{len(scenarios)} scenarios, {n_ipfw} ipfw events and {n_drop} "
          f"drops explained, {len(problems)} problems")
    return 1 if problems or n_ipfw == 0 else 0


if __name__ == "__main__":
    sys.exit(main())

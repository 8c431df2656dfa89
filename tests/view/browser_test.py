#!/usr/bin/env python3
"""The page of `divertsim view` in a real browser (headless Chromium).

For each scenario below, writes its page, loads it with the page's
self-test hook (#selftest=N,HOST: step first, forward, forward, back with
the page's own buttons, click an arrow of packet 1, compare the ipfw
counters counted from the events with the chain's, end at step N showing
HOST's ipfw table), dumps the DOM Chromium rendered and checks it against
figures worked out by hand from the scenario files (the comments below
show the work), then saves a screenshot beside the pages.

Exit 77 (skipped) only when no Chromium is installed.

usage: browser_test.py DIVERTSIM SOURCE_ROOT OUTDIR
"""

import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile

# Each case: lanes (host, port) in order; the steps of packet 1 (lineage
# 1); all steps; N and HOST for the hook; HOST's ipfw table at step N as
# {rule: (packets, bytes)}; a text the explanation panel shows at step N.
CASES = [
    {
        # client em0 -> gw (diverts in at 100, out at 200, to 8000) ->
        # server.  Packet 1, the echo request: client link-out (1); gw
        # link-in, ipfw 100, divert, divert-read, divert-write, ipfw 65000,
        # forward, ipfw 200, divert, divert-read, divert-write, ipfw 65000,
        # link-out (13); server link-in, deliver (2): 16.  The reply: server
        # link-out, gw link-in, ipfw 65000, forward, ipfw 65000, link-out,
        # client link-in, deliver (8); with the ping command and ping-reply:
        # 26 steps.  Step 3 (from 0: command, link-out, link-in, ipfw) is
        # gw's rule 100 taking the 84-byte request (56 + 8 + 20).
        "scn": "tour",
        "lanes": [("client", "0"), ("gw", "0"), ("gw", "8000"),
                  ("server", "0")],
        "lineage1": 16, "steps": 26, "n": 3, "host": "gw",
        "fw": {"00100": (1, 84), "00200": (0, 0), "65000": (0, 0)},
        "text": "ipfw in em0: rule 00100 divert 8000",
        "topo": ["topo-gw"],
    },
    {
        # The tour again, at step 1: the client's request leaving em0 on
        # the first link (client:em0 - gw:em0); gw's rules untouched yet.
        "scn": "tour", "name": "tour-step1",
        "lanes": [("client", "0"), ("gw", "0"), ("gw", "8000"),
                  ("server", "0")],
        "lineage1": 16, "steps": 26, "n": 1, "host": "gw",
        "fw": {"00100": (0, 0), "00200": (0, 0), "65000": (0, 0)},
        "text": "client: sent out em0: 10.0.0.2 > 192.0.2.10",
        "topo": ["topo-client", "topo-link-0"],
    },
    {
        # natd on gw's em1 (rule 100 "via em1", port natd = 8668).  A UDP
        # request: client link-out (1); gw link-in, ipfw 65000 (em0 in:
        # rule 100 is via em1), forward, ipfw 100 out em1, divert,
        # divert-read, divert-write, ipfw 65000, link-out (9); server
        # link-in, deliver (2): 12.  Its echo: 12 too (server 1, gw 9:
        # link-in, ipfw 100, divert, read, write, ipfw 65000, forward,
        # ipfw 65000 out em0, link-out; client 2).  3 datagrams and 2
        # pings: 5 x 24 = 120, the two commands and two ping-replies: 124.
        # Step 5 is rule 100 taking the first datagram: 64 + 8 + 20 = 92
        # bytes; rule 65000 took it in on em0 at step 3.
        "scn": "05-natd",
        "lanes": [("client", "0"), ("gw", "0"), ("gw", "8668"),
                  ("server", "0")],
        "lineage1": 12, "steps": 124, "n": 5, "host": "gw",
        "fw": {"00100": (1, 92), "65000": (1, 92)},
        "text": "ipfw out em1: rule 00100 divert 8668",
        "topo": ["topo-gw"],
    },
    {
        # P1 pings H1, whose program rewrites the tag to 50: rule 100
        # diverts the request again, and the second write-back is the
        # loop.  Packet 1: P1 link-out (1); H1 link-in, ipfw 100, divert,
        # divert-read, divert-write, ipfw 100, divert, divert-read,
        # divert-write, ipfw 100, loop, drop (12): 13.  P2's request: 8
        # (P2 link-out; H2 link-in, ipfw 100, divert, read, write tag 150,
        # ipfw 65000, deliver); its reply: 5 (H2 ipfw 65000 out, link-out;
        # P2 link-in, deliver, ping-reply); two commands: 28.  At the end
        # H1's rule 100 has counted the request three times: 3 x 84.
        "scn": "10-tag-altered-loop",
        "lanes": [("P1", "0"), ("H1", "0"), ("H1", "8000"), ("P2", "0"),
                  ("H2", "0"), ("H2", "8000")],
        "lineage1": 13, "steps": 28, "n": -1, "host": "H1",
        "fw": {"00100": (3, 252), "65000": (0, 0)},
        "loops": 1,
    },
]

CHROMIUM_NAMES = ["chromium", "chromium-browser", "google-chrome"]
TIMEOUT = 120


class Dom(html.parser.HTMLParser):
    """The elements the checks read, from Chromium's --dump-dom."""

    def __init__(self):
        super().__init__()
        self.lanes, self.steps, self.buttons = [], [], set()
        self.ids, self.text, self.rows, self.topo_cur = {}, {}, [], []
        self._in, self._row = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if "id" in a:
            self.ids[a["id"]] = (tag, a)
        if tag == "g" and "cur" in cls and a.get("id", "").startswith(
                "topo-"):
            self.topo_cur.append(a["id"])
        if tag == "g" and "lane" in cls:
            self.lanes.append((a.get("data-host"), a.get("data-port")))
        if tag == "g" and "step" in cls:
            self.steps.append((int(a["data-step"]),
                               int(a["data-lineage"]), cls))
        if tag == "button" and "id" in a:
            self.buttons.add(a["id"])
        if tag == "tr":
            self._row = {"cls": cls, "cells": []}
            self.rows.append(self._row)
        if tag in ("td", "th") and self._row is not None:
            self._row["cells"].append("")
        if tag not in ("br", "input", "meta", "img", "rect", "line",
                       "path", "polygon", "ellipse"):
            self._in.append((tag, a.get("id")))

    def handle_endtag(self, tag):
        while self._in:
            t, _ = self._in.pop()
            if t == tag:
                break
        if tag == "table":
            self._row = None

    def handle_data(self, data):
        for _, i in self._in:
            if i is not None:
                self.text[i] = self.text.get(i, "") + data
        if self._row is not None and self._row["cells"] and \
                any(t in ("td", "th") for t, _ in self._in):
            self._row["cells"][-1] += data


def chromium():
    env = os.environ.get("CHROMIUM")
    if env:
        return env
    for n in CHROMIUM_NAMES:
        p = shutil.which(n)
        if p:
            return p
    return None


def browse(exe, url, extra, profile):
    # Root in CI needs --no-sandbox; a profile of our own, no first-run
    # work, no GPU; the timeout ends a hung browser.
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-dev-shm-usage", "--no-first-run",
           "--no-default-browser-check", "--disable-extensions",
           "--user-data-dir=" + profile] + extra + [url]
    return subprocess.run(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=TIMEOUT,
                          check=False)


def check_case(c, ds, root, out, exe, profile):
    errs = []
    page = os.path.join(out, c.get("name", c["scn"]) + ".html")
    scn = os.path.join(root, "scenarios", c["scn"] + ".scn")
    r = subprocess.run([ds, "view", "-o", page, scn], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=TIMEOUT, check=False)
    if r.returncode != 0:
        return ["divertsim view %s: exit %d: %s" % (scn, r.returncode,
                                                    r.stderr.decode())]
    url = "file://%s#selftest=%d,%s" % (os.path.abspath(page), c["n"],
                                        c["host"])
    r = browse(exe, url, ["--virtual-time-budget=5000", "--dump-dom"],
               profile)
    if r.returncode != 0 or not r.stdout:
        return ["chromium --dump-dom: exit %d: %s" % (
            r.returncode, r.stderr.decode()[-2000:])]
    d = Dom()
    d.feed(r.stdout.decode())
    if d.lanes != c["lanes"]:
        errs.append("lanes %s, expected %s" % (d.lanes, c["lanes"]))
    if len(d.steps) != c["steps"]:
        errs.append("%d steps drawn, expected %d" % (len(d.steps),
                                                    c["steps"]))
    lin1 = [s for s in d.steps if s[1] == 1]
    if len(lin1) != c["lineage1"]:
        errs.append("%d arrows of packet 1, expected %d" % (
            len(lin1), c["lineage1"]))
    for b in ("step-first", "step-back", "step-fwd", "step-last"):
        if b not in d.buttons:
            errs.append("no button #%s" % b)
    if "time-slider" not in d.ids:
        errs.append("no time slider")
    try:
        st = json.loads(d.text.get("selftest-result", ""))
    except ValueError:
        return errs + ["the page's self-test left no result: %r" %
                       d.text.get("selftest-result")]
    # Stepping moved the highlighted step: first, +1, +1, -1.
    if st["visited"] != [0, 1, 2, 1]:
        errs.append("steps visited %s, expected [0, 1, 2, 1]" %
                    st["visited"])
    if st["fw_mismatch"]:
        errs.append("ipfw counters from the events differ from the "
                    "chain's: %s" % st["fw_mismatch"])
    if st["lineage"] != 1 or st["lit"] != c["lineage1"] or \
            st["walk"] != c["lineage1"]:
        errs.append("clicking packet 1 lit %d arrows and %d walk lines "
                    "(lineage %d), expected %d" % (
                        st["lit"], st["walk"], st["lineage"],
                        c["lineage1"]))
    n = c["n"] if c["n"] >= 0 else c["steps"] - 1
    cur = [s[0] for s in d.steps if "current" in s[2]]
    if cur != [n]:
        errs.append("highlighted steps %s, expected [%d]" % (cur, n))
    lit = [s[0] for s in d.steps if "lin" in s[2]]
    if len(lit) != c["lineage1"] or any(s[1] != 1 for s in d.steps
                                         if "lin" in s[2]):
        errs.append("the DOM has %d lit arrows, expected packet 1's %d" %
                    (len(lit), c["lineage1"]))
    loops = [s for s in d.steps if "ev-loop" in s[2]]
    if len(loops) != c.get("loops", 0):
        errs.append("%d loop arrows, expected %d" % (len(loops),
                                                    c.get("loops", 0)))
    fw = {}
    for row in d.rows:
        cells = row["cells"]
        if len(cells) >= 3 and cells[0].isdigit():
            fw.setdefault(cells[0], (int(cells[1] or 0),
                                     int(cells[2] or 0)))
    for rule, want in c["fw"].items():
        if fw.get(rule) != want:
            errs.append("%s rule %s at step %d: %s, expected %s" % (
                c["host"], rule, n, fw.get(rule), want))
    if "text" in c and c["text"] not in d.text.get("step-text", ""):
        errs.append("the step panel says %r, expected it to contain %r" %
                    (d.text.get("step-text"), c["text"]))
    # The topology marks the step's host (and link, for a link event).
    if "topo" in c and d.topo_cur != c["topo"]:
        errs.append("topology marks %s at step %d, expected %s" % (
            d.topo_cur, n, c["topo"]))
    png = os.path.join(out, c.get("name", c["scn"]) + ".png")
    if os.path.exists(png):
        os.unlink(png)
    r = browse(exe, url, ["--virtual-time-budget=5000",
                          "--window-size=1400,1100",
                          "--screenshot=" + os.path.abspath(png)], profile)
    if r.returncode != 0 or not os.path.exists(png) or \
            os.path.getsize(png) < 10000:
        errs.append("no screenshot %s: %s" % (png, r.stderr.decode()[-500:]))
    return errs


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    ds, root, out = sys.argv[1:]
    exe = chromium()
    if exe is None:
        print("SKIP: no chromium (scripts/deps.sh installs it)")
        return 77
    os.makedirs(out, exist_ok=True)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="divertsim-chromium-") as prof:
        for c in CASES:
            try:
                errs = check_case(c, ds, root, out, exe, prof)
            except subprocess.TimeoutExpired as e:
                errs = ["timed out: %s" % " ".join(e.cmd[:2])]
            for e in errs:
                print("FAIL %s: %s" % (c.get("name", c["scn"]), e))
            if not errs:
                print("ok %s (page and screenshot in %s)" % (
                    c.get("name", c["scn"]), out))
            failed += bool(errs)
    print("%d passed, %d failed" % (len(CASES) - failed, failed))
    return 1 if failed else 0


sys.exit(main())

#!/usr/bin/env python3
"""The page of a 1,000-host generated scenario: under 10 MB, and it opens.

Generates `divertsim gen random -n 998` (998 routers and the two end hosts
h0 and h1, every fifth router diverting), writes its page, checks its size
and that every host is drawn in the topology, then loads it in headless
Chromium with the page's self-test hook and checks that the script ran to
its end (the controls work on the first drawn steps).  Without Chromium
only the size and the drawing are checked.

usage: scale_test.py DIVERTSIM OUTDIR
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

HOSTS = 1000
LIMIT = 10 * 1000 * 1000
TIMEOUT = 240


def main():
    ds, out = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    scn = os.path.join(out, "scale-1000.scn")
    page = os.path.join(out, "scale-1000.html")
    with open(scn, "w", encoding="utf-8") as f:
        subprocess.run([ds, "gen", "random", "-n", str(HOSTS - 2),
                        "--divert-every", "5", "--flows", "20"], stdout=f,
                       check=True, timeout=TIMEOUT)
    r = subprocess.run([ds, "view", "-o", page, scn], timeout=TIMEOUT,
                       check=False)
    if r.returncode != 0:
        print("FAIL: divertsim view exit %d" % r.returncode)
        return 1
    size = os.path.getsize(page)
    with open(page, encoding="utf-8") as f:
        text = f.read()
    hosts = len(re.findall(r'class="node host"', text))
    print("page of %d hosts: %d bytes (limit %d), %d hosts drawn" %
          (HOSTS, size, LIMIT, hosts))
    fails = 0
    if size >= LIMIT:
        print("FAIL: the page is %d bytes, not under %d" % (size, LIMIT))
        fails += 1
    if hosts != HOSTS:
        print("FAIL: %d hosts in the topology, expected %d" % (hosts, HOSTS))
        fails += 1
    exe = os.environ.get("CHROMIUM") or shutil.which("chromium") or \
        shutil.which("chromium-browser")
    if exe is None:
        print("no chromium: the page was not opened")
    else:
        with tempfile.TemporaryDirectory(prefix="divertsim-chr-") as prof:
            r = subprocess.run(
                [exe, "--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-dev-shm-usage", "--no-first-run",
                 "--user-data-dir=" + prof, "--virtual-time-budget=20000",
                 "--dump-dom", "file://%s#selftest=-1" %
                 os.path.abspath(page)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                timeout=TIMEOUT, check=False)
        dom = r.stdout.decode(errors="replace")
        m = re.search(r'<pre id="selftest-result">([^<]*)', dom)
        if r.returncode != 0 or m is None or \
                '"visited":[0,1,2,1]' not in m.group(1):
            print("FAIL: the page did not run in chromium (exit %d): %s" %
                  (r.returncode, m.group(1) if m else "no result"))
            fails += 1
        else:
            print("opened in chromium: %s" % m.group(1)[:120])
    print("%d passed, %d failed" % (1 if fails == 0 else 0, min(fails, 1)))
    return 1 if fails else 0


sys.exit(main())

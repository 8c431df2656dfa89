#!/usr/bin/env python3
"""Add up meson's test logs and print the plain 'N passed, N failed' line.

A test named check-dir/... is one `divertsim check` process over a
directory of scenario files: it counts as the files its closing line
("N passed, N failed") reports, so that a directory run counts as many
tests as it checks files.  If it ended without that line (a crash, a
timeout), or failed while the line names no failing file, it counts one
failure more.
"""
import json
import re
import sys

CLOSING = re.compile(r"^(\d+) passed, (\d+) failed$", re.M)

passed = failed = skipped = 0
files_passed = files_failed = dirs = 0
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            entry = json.loads(line)
            result = entry.get("result")
            ok = result in ("OK", "EXPECTEDFAIL")
            # meson names it "PROJECT:SUITE / check-dir/...".
            if re.search(r"(^|/ )check-dir/", entry.get("name", "")):
                found = CLOSING.findall(entry.get("stdout") or "")
                p, fl = (int(found[-1][0]), int(found[-1][1])) if found \
                    else (0, 0)
                if not ok and fl == 0:
                    fl = 1
                dirs += 1
                files_passed += p
                files_failed += fl
                passed += p
                failed += fl
                continue
            if ok:
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
if dirs:
    print(f"(of which {files_passed + files_failed} scenario files in "
          f"{dirs} check-dir runs: {files_passed} passed, "
          f"{files_failed} failed)")
tail = f", {skipped} skipped" if skipped else ""
print(f"{passed} passed, {failed} failed{tail}")
sys.exit(1 if failed or passed == 0 else 0)

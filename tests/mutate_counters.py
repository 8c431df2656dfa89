#!/usr/bin/env python3
"""Every counter of every library scenario, mutated by one character,
must be rejected by `divertsim lint` (an error at its line) unless the
mutant is itself a counter the scenario has (`lint --counters` lists
them).  Mutations: each character replaced by a neighbour (digit + 1,
letter + 1, '.' -> '_', others -> 'x') and each character deleted.

    mutate_counters.py DIVERTSIM SCENARIO...
"""
import os
import re
import subprocess
import sys
import tempfile

BATCH = 40  # below lint's cap of 50 reports per file


def mutants(name):
    out = []
    for i, c in enumerate(name):
        if c.isdigit():
            r = str((int(c) + 1) % 10)
        elif c.isalpha():
            r = chr((ord(c.lower()) - ord('a') + 1) % 26 + ord('a'))
        elif c == '.':
            r = '_'
        else:
            r = 'x'
        out.append(name[:i] + r + name[i + 1:])
        out.append(name[:i] + name[i + 1:])
    return [m for m in dict.fromkeys(out) if m != name and m]


def lint(exe, path, *args):
    p = subprocess.run([exe, 'lint'] + list(args) + [path],
                       capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def main():
    exe = sys.argv[1]
    bad = 0
    total = 0
    accepted = 0
    for scn in sys.argv[2:]:
        rc, out, err = lint(exe, scn, '--counters')
        if rc != 0:
            print(f'{scn}: does not lint: {err}')
            bad += 1
            continue
        valid = set(out.splitlines()[:-1])
        with open(scn) as f:
            lines = f.read().split('\n')
        body = [l for l in lines if not re.match(r'\s*expect\s', l)]
        counters = [l.split()[1] for l in lines
                    if re.match(r'\s*expect\s', l)]
        muts = []
        for c in counters:
            muts += mutants(c)
        for k in range(0, len(muts), BATCH):
            chunk = muts[k:k + BATCH]
            first = len(body) + 1
            text = '\n'.join(body + [f'expect {m} >= 0' for m in chunk])
            with tempfile.NamedTemporaryFile('w', suffix='.scn',
                                             delete=False) as t:
                t.write(text + '\n')
            _, _, err = lint(exe, t.name)
            os.unlink(t.name)
            flagged = set()
            for m in re.finditer(r':(\d+):\d+: error: ', err):
                flagged.add(int(m.group(1)))
            for j, m in enumerate(chunk):
                total += 1
                line = first + j
                if line in flagged:
                    if m in valid:
                        print(f'{scn}: valid counter {m} rejected')
                        bad += 1
                elif m not in valid:
                    print(f'{scn}: mutant {m} of a counter accepted')
                    bad += 1
                else:
                    accepted += 1
    print(f"{total} mutants ({accepted} are counters the scenario has), {bad} wrong")
    return 1 if bad else 0


sys.exit(main())

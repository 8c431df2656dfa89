#!/usr/bin/env python3
"""Wireshark finds nothing wrong in any trace of the library scenarios and
of README.md's example: no expert warning or error (no malformed packet, no
bad checksum), except the bad checksum divert(4) itself produces.

That exception: a packet diverted on ipfw's OUT pass is read before
ip_output() fills in its header checksum (0x0000 on the socket), and a
program writing it back unchanged writes that checksum again; FreeBSD's
div_output() lets ip_output() compute it.  So an IPv4 "Bad checksum" is
accepted only in a HOST-divertPORT.pcap, or on interface HOST:divertPORT of
run.pcapng, on a frame whose time is that of a `divert-read` or
`divert-write` with dir "out" on HOST:PORT (each such step excusing one
frame of each file).  Checksum checks of IPv4 and UDP are switched on (they
are off in tshark by default); TCP's stays off, since 19-tcp-natd.scn's
naive NAT (`rewrite ... fixsum`) leaves a wrong TCP checksum on purpose.
TCP's sequence analysis is off for run.pcapng only: it assumes a single
capture point, and run.pcapng shows each segment at every step of its way
(sent, received, read, written back), which it would call out of order.
The other bad checksum accepted is a scenario's own: what the `corrupt`
program (which flips a bit of the header checksum on purpose) writes back,
in its socket's pcap, at the time of its `divert-write`.

usage: check_expert.py DIVERTSIM SOURCE_ROOT
"""

import collections
import concurrent.futures
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

# Wireshark's PI_WARN; PI_CHAT and PI_NOTE are below it, PI_ERROR above.
WARN = 0x00600000
PREFS = ["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"]
RUN_PREFS = ["-o", "tcp.analyze_sequence_numbers:FALSE"]


def readme_example(root, tmp):
    """The README's scenario (the first ``` block with `host` and `run`)."""
    blocks, cur = [], None
    for line in open(os.path.join(root, "README.md"), encoding="utf-8"):
        if line.startswith("```"):
            if cur is None:
                cur = []
            else:
                blocks.append("".join(cur))
                cur = None
        elif cur is not None:
            cur.append(line)
    for block in blocks:
        if re.search(r"^host ", block, re.M) and re.search(r"^run ", block,
                                                           re.M):
            path = os.path.join(tmp, "readme-example.scn")
            with open(path, "w") as f:
                f.write(block)
            return path
    return None


def ns(epoch):
    """'1.001006880' -> 1001006880 (exact, no float)."""
    s, _, frac = epoch.partition(".")
    return int(s) * 10**9 + int((frac + "000000000")[:9])


def corrupt_sockets(scn):
    """(host, port) of every `divert PORT corrupt` in the scenario."""
    found, host = set(), None
    for line in open(scn, encoding="utf-8"):
        words = line.split("#")[0].split()
        if words[:1] == ["host"] and len(words) > 1:
            host = words[1]
        elif words[:1] == ["divert"] and "corrupt" in words and host:
            port = words[1]
            found.add((host, 8668 if port == "natd" else int(port)))
    return found


def check_dir(d, name, corrupt):
    out_steps = collections.Counter()
    with open(os.path.join(d, "events.jsonl")) as f:
        for line in f:
            o = json.loads(line)
            if o["ev"] == "divert-write" and \
                    (o["host"], o["port"]) in corrupt:
                out_steps[(o["host"], o["port"], o["t"])] += 1
            elif o["ev"] in ("divert-read", "divert-write") and \
                    o.get("dir") == "out":
                out_steps[(o["host"], o["port"], o["t"])] += 1
    problems = []
    pcaps = sorted(glob.glob(os.path.join(d, "*.pcap")))
    if not os.path.exists(os.path.join(d, "run.pcapng")):
        problems.append(f"{name}: no run.pcapng")
    else:
        pcaps.append(os.path.join(d, "run.pcapng"))
    for pcap in pcaps:
        base = os.path.basename(pcap)
        excused = collections.Counter(out_steps)
        prefs = PREFS + (RUN_PREFS if base == "run.pcapng" else [])
        r = subprocess.run(["tshark", "-r", pcap] + prefs + [
            "-Y", "_ws.expert", "-T", "fields", "-E", "separator=|",
            "-E", "occurrence=a", "-E", "aggregator=;",
            "-e", "frame.number", "-e", "frame.time_epoch",
            "-e", "_ws.expert.message", "-e", "_ws.expert.severity",
            "-e", "ip.checksum.status", "-e", "frame.interface_name"],
            capture_output=True, text=True)
        if r.returncode != 0:
            problems.append(f"{name}/{base}: tshark failed: {r.stderr}")
            continue
        for line in r.stdout.splitlines():
            num, epoch, msgs, sevs, status, ifname = line.split("|")
            # HOST-divertPORT.pcap, or interface HOST:divertPORT of
            # run.pcapng.
            m = re.fullmatch(r"(.+)[-:]divert(\d+)",
                             ifname if ifname else base[:-len(".pcap")])
            # Chats and notes (a TCP handshake, a retransmitted SYN) tell
            # of normal traffic; warnings and errors are findings.
            msgs = [m_ for m_, sv in zip(msgs.split(";"), sevs.split(";"))
                    if m_ and int(sv) >= WARN]
            if not msgs:
                continue
            ok = False
            if m and status.split(";")[0] == "0" and all(
                    x.startswith("Bad checksum") for x in msgs):
                key = (m.group(1), int(m.group(2)), ns(epoch))
                if excused[key] > 0:
                    excused[key] -= 1
                    ok = True
            if not ok:
                problems.append(f"{name}/{base} frame {num}: "
                                + "; ".join(msgs))
    return problems


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ds, root = sys.argv[1], sys.argv[2]
    problems = []
    n = 0
    with tempfile.TemporaryDirectory() as tmp:
        scns = sorted(glob.glob(os.path.join(root, "scenarios", "*.scn")))
        ex = readme_example(root, tmp)
        if ex is None:
            print("README.md has no example scenario")
            return 1
        def one(scn):
            name = os.path.basename(scn)[:-len(".scn")]
            d = os.path.join(tmp, name)
            subprocess.run([ds, "run", "-q", "--pcapng", "--trace-dir", d, scn],
                           stdout=subprocess.DEVNULL, check=False)
            if not os.path.exists(os.path.join(d, "events.jsonl")):
                return [f"{name}: no traces written"]
            return check_dir(d, name, corrupt_sockets(scn))

        # tshark starts slowly: two at a time.
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            for found in pool.map(one, scns + [ex]):
                problems += found
                n += 1
    for p in problems:
        print(p)
    print(f"{n} scenarios checked, {len(problems)} expert findings")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

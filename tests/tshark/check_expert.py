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
TCP's sequence analysis assumes a single capture point, and run.pcapng
shows each segment at every step of its way (sent, received, read, written
back), which it would call out of order or retransmitted.  Wireshark 4.0
cannot key TCP conversations by interface, and `-Y`/`-2 -R` filters do
not help (the analysis of a frame is made while every earlier frame is
dissected, whatever the filter), so for run.pcapng the analysis is split:
the whole file is read with sequence analysis off, and each capture point
holding TCP gets a file of its own, read with it on: a host interface (a
frame on it is either sent or received there, once), and each direction
of a divert socket (what the program read; what it wrote) and of a
loop-back interface (sent; received).  A self-test first makes sure the
split analysis still reports a segment really out of order on one
interface, and not the copies of one segment at two capture points.
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
import struct
import subprocess
import sys
import tempfile

# Wireshark's PI_WARN; PI_CHAT and PI_NOTE are below it, PI_ERROR above.
WARN = 0x00600000
# Wireshark's PI_SEQUENCE, the expert group of TCP's sequence analysis.
SEQUENCE = 0x02000000
# pcapng block types, link types and option codes.
SHB, IDB, EPB = 0x0A0D0D0A, 1, 6
LINKTYPE_NULL, LINKTYPE_PPP, LINKTYPE_RAW = 0, 9, 101
OPT_ENDOFOPT, IF_NAME, EPB_FLAGS = 0, 2, 2
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


def options(body, e):
    """{code: [value, ...]} of a pcapng options area."""
    found, at = {}, 0
    while at + 4 <= len(body):
        code, n = struct.unpack(e + "HH", body[at:at + 4])
        if code == OPT_ENDOFOPT:
            break
        found.setdefault(code, []).append(body[at + 4:at + 4 + n])
        at += 4 + (n + 3) // 4 * 4
    return found


def capture_points(path, outdir):
    """Split a pcapng (one section) into one file per capture point that
    holds TCP: [(label, path)].  A capture point is an interface, or one
    direction of a divert socket's or a loop-back's interface; each file
    keeps the section header and every interface description, so that
    interface ids and names stay those of the whole file."""
    data = open(path, "rb").read()
    e, at, head, ifs, points = "<", 0, [], [], {}
    while at < len(data):
        if data[at:at + 4] == b"\x0a\x0d\x0d\x0a":
            e = "<" if data[at + 8:at + 12] == b"\x4d\x3c\x2b\x1a" else ">"
        btype, blen = struct.unpack(e + "II", data[at:at + 8])
        block = data[at:at + blen]
        at += blen
        if btype == SHB:
            if head:
                raise ValueError(f"{path}: more than one section")
            head.append(block)
        elif btype == IDB:
            linktype = struct.unpack(e + "H", block[8:10])[0]
            name = options(block[16:-4], e).get(IF_NAME, [b""])[0]
            ifs.append((name.decode(), linktype))
            head.append(block)
        elif btype == EPB:
            iface, _, _, caplen = struct.unpack(e + "IIII", block[8:24])
            name, linktype = ifs[iface]
            pkt = block[28:28 + caplen]
            flags = options(block[28 + (caplen + 3) // 4 * 4:-4], e)
            direction = (struct.unpack(e + "I", flags[EPB_FLAGS][0])[0] & 3
                         if EPB_FLAGS in flags else 0)
            twice = (re.search(r":divert\d+$", name) or
                     linktype == LINKTYPE_NULL)
            key = (iface, direction if twice else None)
            off = {LINKTYPE_PPP: 2, LINKTYPE_NULL: 4,
                   LINKTYPE_RAW: 0}.get(linktype)
            tcp = (off is not None and len(pkt) > off + 9 and
                   pkt[off] >> 4 == 4 and pkt[off + 9] == 6)
            p = points.setdefault(key, [False, []])
            p[0] = p[0] or tcp
            p[1].append(block)
    found = []
    for (iface, direction), (tcp, blocks) in sorted(points.items(),
                                                     key=lambda kv: str(kv)):
        if not tcp:
            continue
        label = ifs[iface][0] + {None: "", 1: " in", 2: " out",
                                 0: " (no direction)"}[direction]
        out = os.path.join(outdir, f"point-{iface}-{direction}.pcapng")
        with open(out, "wb") as f:
            f.write(b"".join(head + blocks))
        found.append((label, out))
    return found


def sequence_findings(path, outdir):
    """TCP sequence analysis of each capture point of a pcapng: its
    warnings and errors, as "POINT at TIME: MESSAGE"."""
    found = []
    for label, part in capture_points(path, outdir):
        r = subprocess.run(["tshark", "-r", part, "-Y", "tcp.analysis.flags",
                            "-T", "fields", "-E", "separator=|",
                            "-E", "occurrence=a", "-E", "aggregator=;",
                            "-e", "frame.time_epoch",
                            "-e", "_ws.expert.message",
                            "-e", "_ws.expert.severity",
                            "-e", "_ws.expert.group"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            found.append(f"{label}: tshark failed: {r.stderr}")
            continue
        for line in r.stdout.splitlines():
            epoch, msgs, sevs, groups = line.split("|")
            for m, sv, g in zip(msgs.split(";"), sevs.split(";"),
                                groups.split(";")):
                if m and int(sv) >= WARN and int(g) == SEQUENCE:
                    found.append(f"{label} at {epoch}: {m}")
    return found


def ip_tcp(src, dst, seq, ack, flags, payload):
    """An IPv4 datagram holding one TCP segment (checksums left 0: the
    self-test reads it with checksum checks off)."""
    tcp = struct.pack(">HHIIBBHHH", 49152, 5001, seq, ack, 5 << 4, flags,
                      65535, 0, 0) + payload
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6,
                       0, bytes(src), bytes(dst)) + tcp


def self_test(tmp):
    """The split analysis on a capture made here: on a:em0 (PPP) segment 2
    is sent before segment 1, a real out-of-order; on a:divert8000 every
    segment is read and written back, twice at one time and place, which
    is no finding once reads and writes are apart."""
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = len(body) + 12
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)

    def opt(code, value):
        return (struct.pack("<HH", code, len(value)) + value +
                b"\0" * (-len(value) % 4))

    def idb(name, linktype):
        return block(IDB, struct.pack("<HHI", linktype, 0, 65535) +
                     opt(IF_NAME, name.encode()) + opt(OPT_ENDOFOPT, b""))

    def epb(iface, t, pkt, direction):
        return block(EPB, struct.pack("<IIIII", iface, t >> 32,
                                      t & 0xffffffff, len(pkt), len(pkt)) +
                     pkt + b"\0" * (-len(pkt) % 4) +
                     opt(EPB_FLAGS, struct.pack("<I", direction)) +
                     opt(OPT_ENDOFOPT, b""))

    a, b = [10, 0, 0, 2], [192, 0, 2, 10]
    segs = [ip_tcp(a, b, 1000 + 100 * i, 1, 0x18, b"x" * 100)
            for i in range(3)]
    blocks = [block(SHB, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)),
              idb("a:em0", LINKTYPE_PPP), idb("a:divert8000", LINKTYPE_RAW)]
    t = 1_000_000
    for i in (0, 2, 1):
        t += 1000
        blocks.append(epb(0, t, b"\x00\x21" + segs[i], 2))
    for i in range(3):
        t += 1000
        blocks.append(epb(1, t, segs[i], 1))
        blocks.append(epb(1, t, segs[i], 2))
    path = os.path.join(tmp, "self-test.pcapng")
    with open(path, "wb") as f:
        f.write(b"".join(blocks))
    found = sequence_findings(path, tmp)
    bad = [f for f in found if not f.startswith("a:em0 at ")]
    if not any(f.startswith("a:em0 at ") for f in found) or bad:
        return [f"self-test: split TCP analysis found {found}, expected "
                f"a:em0's out-of-order segment only"]
    return []


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
    if os.path.exists(os.path.join(d, "run.pcapng")):
        parts = os.path.join(d, "capture-points")
        os.mkdir(parts)
        problems += [f"{name}/run.pcapng {f}" for f in
                     sequence_findings(os.path.join(d, "run.pcapng"), parts)]
    return problems


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ds, root = sys.argv[1], sys.argv[2]
    problems = []
    n = 0
    with tempfile.TemporaryDirectory() as tmp:
        problems += self_test(tmp)
        scns = sorted(glob.glob(os.path.join(root, "scenarios", "*.scn")))
        ex = readme_example(root, tmp)
        if ex is None:
            print("README.md has no example scenario")
            return 1
        def one(scn):
            name = os.path.basename(scn)[:-len(".scn")]
            d = os.path.join(tmp, name)
            # run.pcapng is run's default.
            subprocess.run([ds, "run", "-q", "--trace-dir", d, scn],
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

#!/usr/bin/env python3
"""run.pcapng of scenarios/tour.scn, read back by tshark, against the run's
own narration, taken apart independently of the pcapng:

- the narration's lines (time, host, text) come from `divertsim run`'s
  standard output; each line's event type from the runs narrowed with
  `--ev TYPE` (for every type docs/events.md lists), its lineage from the
  runs narrowed with `--lineage N`; each narrowed narration is matched, in
  order, as a subsequence of the whole one;
- tshark must then list, in order, one record per narration line: the same
  time to the nanosecond, an interface of the line's host ("gw:em0",
  "gw:divert8000", or the host's own "gw"), the lineage as
  frame.packet_id (none for a line without one) and "TYPE: TEXT" as
  frame.comment;
- link-in and divert-read records are inbound, link-out and divert-write
  outbound, on HOST:IF and HOST:divertPORT; every divert-read's comment
  says "divert";
- `-Y 'frame.packet_id == N'` lists lineage N's narration, across hosts, in
  time order;
- the interfaces (parsed from the file's blocks here, not by libwiretap)
  are one per link end of the scenario (PPP, nanosecond resolution), one
  per divert socket (raw IPv4) and one per host (exported PDU);
- every per-link and divert pcap is a nanosecond pcap (magic 0xa1b23c4d);
- `run` writes run.pcapng by default (the tour above is run without
  `--pcapng`), `--no-pcapng` writes none; `check --trace-dir` writes
  none unless given `--pcapng`;
- under `--max-trace-bytes`, the files together stay within the budget
  and run.pcapng holds the first records of the unlimited run's, whole.

usage: check_pcapng.py DIVERTSIM SOURCE_ROOT
"""

import os
import re
import struct
import subprocess
import sys
import tempfile

LINE = re.compile(r"^\s*(\d+)\.(\d{9}) (\S+) +(.*)$")
# pcapng's epb_flags direction values.
INBOUND, OUTBOUND = 1, 2
LINKTYPE_PPP, LINKTYPE_RAW, LINKTYPE_UPPER_PDU = 9, 101, 252

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def narration(ds, scn, *opts):
    """[(t_ns, host, text)] of the narrative lines of a run."""
    r = subprocess.run([ds, "run", "--no-traces", *opts, scn],
                       capture_output=True, text=True)
    lines = []
    for line in r.stdout.splitlines():
        m = LINE.match(line)
        if m:
            lines.append((int(m.group(1)) * 10**9 + int(m.group(2)),
                          m.group(3), m.group(4)))
    return lines


def event_types(root):
    """Every event type docs/events.md has a heading for."""
    types = []
    with open(os.path.join(root, "docs", "events.md"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("### "):
                types += re.findall(r"`([a-z-]+)`", line)
    return types


def label(full, part, value, attr, what):
    """Give value to the lines of full that part is, in order."""
    i = 0
    for line in part:
        while i < len(full) and full[i][0] != line:
            i += 1
        if not check(i < len(full), f"{what} line not in the narration, "
                     f"in order: {line}"):
            return
        check(attr not in full[i][1], f"{what}: two values for {line}")
        full[i][1][attr] = value
        i += 1


def idbs(path):
    """[(name, linktype, tsresol)] of the pcapng's interface blocks."""
    data = open(path, "rb").read()
    out, off, endian = [], 0, "<"
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from(endian + "II", data, off)
        if btype == 0x0A0D0D0A:
            magic = data[off + 8:off + 12]
            endian = "<" if magic == b"\x4d\x3c\x2b\x1a" else ">"
            btype, blen = struct.unpack_from(endian + "II", data, off)
        if btype == 1:
            linktype = struct.unpack_from(endian + "H", data, off + 8)[0]
            name, tsresol, o = None, 6, off + 16
            while o + 4 <= off + blen - 4:
                code, olen = struct.unpack_from(endian + "HH", data, o)
                val = data[o + 4:o + 4 + olen]
                if code == 0:
                    break
                if code == 2:
                    name = val.decode()
                elif code == 9:
                    tsresol = val[0]
                o += 4 + (olen + 3) // 4 * 4
            out.append((name, linktype, tsresol))
        if blen < 12:
            break
        off += blen
    return out


def scenario_ifaces(scn):
    """Link ends "host:if" and divert sockets "host:divertPORT"."""
    ends, sockets, hosts, host = set(), set(), set(), None
    for line in open(scn, encoding="utf-8"):
        w = line.split("#")[0].split()
        if w[:1] == ["host"]:
            host = w[1]
            hosts.add(host)
        elif w[:1] == ["link"]:
            ends.update(w[1:3])
        elif w[:1] == ["divert"] and host is not None:
            sockets.add(f"{host}:divert{8668 if w[1] == 'natd' else w[1]}")
    return ends, sockets, hosts


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    ds, root = sys.argv[1], sys.argv[2]
    scn = os.path.join(root, "scenarios", "tour.scn")

    # The narration, each line with its type and lineage.
    full = [(line, {}) for line in narration(ds, scn)]
    check(len(full) > 20, f"tour narrates {len(full)} lines")
    for t in event_types(root):
        label(full, narration(ds, scn, "--ev", t), t, "ev", f"--ev {t}")
    n = 1
    while True:
        part = narration(ds, scn, "--lineage", str(n))
        if not part:
            break
        label(full, part, n, "lineage", f"--lineage {n}")
        n += 1
    check(n > 2, "tour has at least two lineages (request, reply)")

    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, "tour")
        # run.pcapng is run's default.
        r = subprocess.run([ds, "run", "--trace-dir", d, scn],
                           capture_output=True, text=True)
        check(r.returncode == 0 and r.stderr == "",
              f"run: exit {r.returncode}, stderr {r.stderr!r}")
        # libwiretap's log stays out of the run's output.
        check("Wiretap" not in r.stdout and "DEBUG" not in r.stdout,
              "libwiretap logged on standard output")
        pcapng = os.path.join(d, "run.pcapng")
        r = subprocess.run(["tshark", "-r", pcapng, "-T", "fields",
                            "-E", "separator=|",
                            "-e", "frame.time_epoch",
                            "-e", "frame.interface_name",
                            "-e", "frame.packet_flags_direction",
                            "-e", "frame.packet_id", "-e", "frame.comment"],
                           capture_output=True, text=True)
        check(r.returncode == 0, f"tshark -r run.pcapng: {r.stderr}")
        recs = [line.split("|", 4) for line in r.stdout.splitlines()]
        check(len(recs) == len(full),
              f"{len(recs)} records for {len(full)} narration lines")
        for i, ((line, lab), rec) in enumerate(zip(full, recs)):
            t, host, text = line
            epoch, ifname, flags, pid, comment = rec
            s, _, frac = epoch.partition(".")
            ev = lab.get("ev")
            want = f"{ev}: {text}" if ev else text
            where = f"record {i + 1} ({want})"
            check(int(s) * 10**9 + int((frac + "0" * 9)[:9]) == t,
                  f"{where}: time {epoch}, narrated {t} ns")
            check(ifname == host or ifname.startswith(host + ":"),
                  f"{where}: interface {ifname}, host {host}")
            check(pid == str(lab.get("lineage", "")),
                  f"{where}: packet id {pid!r}, lineage "
                  f"{lab.get('lineage')}")
            check(comment == want, f"{where}: comment {comment!r}")
            d_ = int(flags, 16) & 3 if flags else 0
            if ev in ("link-in", "link-out"):
                check(re.fullmatch(re.escape(host) + r":[a-z]+\d+", ifname)
                      and d_ == (INBOUND if ev == "link-in" else OUTBOUND),
                      f"{where}: on {ifname}, direction {d_}")
            elif ev in ("divert-read", "divert-write") and \
                    text.startswith(("recvfrom", "sendto")) and \
                    "refused" not in text and "returned" not in text:
                check(re.fullmatch(re.escape(host) + r":divert\d+", ifname)
                      and d_ == (INBOUND if ev == "divert-read"
                                 else OUTBOUND),
                      f"{where}: on {ifname}, direction {d_}")
            else:
                check(ifname == host and d_ == 0,
                      f"{where}: a step with no frame on {ifname}, "
                      f"direction {d_}")
            if ev == "divert-read":
                check("divert" in comment, f"{where}: no 'divert'")
        reads = sum(1 for _, lab in full if lab.get("ev") == "divert-read")
        check(reads == 2, f"tour narrates {reads} divert reads, not 2")

        # One packet's walk.
        for lin in range(1, n):
            r = subprocess.run(["tshark", "-r", pcapng, "-Y",
                                f"frame.packet_id == {lin}", "-T", "fields",
                                "-e", "frame.comment"],
                               capture_output=True, text=True)
            want = [(f"{lab['ev']}: " if "ev" in lab else "") + line[2]
                    for line, lab in full if lab.get("lineage") == lin]
            check(r.stdout.splitlines() == want,
                  f"packet_id == {lin}: {r.stdout.splitlines()} != {want}")

        # The interfaces.
        ends, sockets, hosts = scenario_ifaces(scn)
        got = idbs(pcapng)
        names = [g[0] for g in got]
        check(len(names) == len(set(names)), f"an interface twice: {names}")
        want = {e: LINKTYPE_PPP for e in ends}
        want.update({s: LINKTYPE_RAW for s in sockets})
        want.update({h: LINKTYPE_UPPER_PDU for h in hosts})
        check({g[0]: g[1] for g in got} == want,
              f"interfaces {got}, expected {want}")
        check(all(g[2] == 9 for g in got), f"not all nanosecond: {got}")

        for f in sorted(os.listdir(d)):
            if f.endswith(".pcap"):
                with open(os.path.join(d, f), "rb") as fp:
                    magic = struct.unpack("<I", fp.read(4))[0]
                check(magic == 0xa1b23c4d, f"{f}: magic {magic:#x}")

        d2 = os.path.join(tmp, "off")
        subprocess.run([ds, "run", "-q", "--no-pcapng", "--trace-dir", d2,
                        scn], capture_output=True)
        check(os.path.exists(os.path.join(d2, "gw-em0.pcap")) and
              not os.path.exists(os.path.join(d2, "run.pcapng")),
              "--no-pcapng: pcaps but no run.pcapng")
        # check: traces only with --trace-dir, run.pcapng only if asked.
        for sub, opts, want in (("check", [], False),
                                ("check-pcapng", ["--pcapng"], True)):
            dd = os.path.join(tmp, sub)
            r = subprocess.run([ds, "check", "-q", *opts, "--trace-dir", dd,
                                scn], capture_output=True, text=True)
            got = os.path.join(dd, "tour", "run.pcapng")
            check(r.returncode == 0 and
                  os.path.exists(os.path.join(dd, "tour", "events.jsonl")),
                  f"check {' '.join(opts)}: exit {r.returncode}, "
                  f"{r.stdout}{r.stderr}")
            check(os.path.exists(got) == want,
                  f"check {' '.join(opts)} --trace-dir: run.pcapng "
                  f"{'missing' if want else 'written'}")

        # The budget: counted record by record, whatever the batching.
        natd = os.path.join(root, "scenarios", "19-tcp-natd.scn")
        comments = []
        for sub, opts in (("all", []), ("cut", ["--max-trace-bytes",
                                                 "20000"])):
            dd = os.path.join(tmp, sub)
            r = subprocess.run([ds, "run", "-q", "--pcapng", *opts, "--trace-dir", dd,
                                natd], capture_output=True, text=True)
            r2 = subprocess.run(["tshark", "-r",
                                 os.path.join(dd, "run.pcapng"), "-T",
                                 "fields", "-e", "frame.comment"],
                                capture_output=True, text=True)
            check(r2.returncode == 0 and "appears to be" not in r2.stderr,
                  f"{sub}: run.pcapng unreadable: {r2.stderr}")
            comments.append(r2.stdout.splitlines())
        total = sum(os.path.getsize(os.path.join(dd, f))
                    for f in os.listdir(dd))
        check(r.returncode == 2 and "--max-trace-bytes" in r.stderr,
              f"--max-trace-bytes 20000: exit {r.returncode}, {r.stderr}")
        check(total <= 20000, f"--max-trace-bytes 20000: {total} bytes")
        check(0 < len(comments[1]) < len(comments[0]) and
              comments[1] == comments[0][:len(comments[1])],
              f"cut run.pcapng: {len(comments[1])} records, not a prefix "
              f"of the {len(comments[0])}")

    for f in failures:
        print("FAIL:", f)
    print(f"{len(full)} steps checked, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

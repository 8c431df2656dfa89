#!/usr/bin/env python3
"""drop_odd.py PORT: drop_odd.c in Python 3.

Writes back the 1st, 3rd, 5th ... packet read on divert port PORT and
drops the others.  Python has no IPPROTO_DIVERT constant; FreeBSD's value
is 258.  Under `divert PORT exec python3 drop_odd.py PORT` the socket,
bind, recvfrom and sendto calls CPython makes reach the simulator through
the preload shim.  A 10 s timeout (CPython waits with poll()) is simulated
time: with no packet for 10 s the script says so and goes on.
"""

import socket
import sys

IPPROTO_DIVERT = 258


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: drop_odd.py PORT")
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, IPPROTO_DIVERT)
    s.bind(("0.0.0.0", int(sys.argv[1])))
    s.settimeout(10.0)
    n = 0
    while True:
        try:
            pkt, addr = s.recvfrom(65535)
        except socket.timeout:
            print("drop_odd.py: idle for 10s", file=sys.stderr)
            continue
        # Written back with the address read: re-enters after the rule.
        if n % 2 == 0:
            s.sendto(pkt, addr)
        n += 1


main()

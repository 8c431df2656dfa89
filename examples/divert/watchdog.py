#!/usr/bin/env python3
"""watchdog.py PORT: a divert program with an idle watchdog on SIGALRM.

Writes back every packet read on divert port PORT.  A periodic
ITIMER_REAL (signal.setitimer, one tick a second) counts the ticks with
no packet since the one before; after 3 such ticks in a row the program
says so and exits.  Under `divert PORT exec` the timer counts simulated
time and SIGALRM interrupts the blocking recvfrom at the simulated
instant; CPython runs the handler and, as PEP 475 says, calls recvfrom
again unless the handler raised.
"""

import signal
import socket
import sys

IPPROTO_DIVERT = 258


class Idle(Exception):
    pass


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: watchdog.py PORT")
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, IPPROTO_DIVERT)
    s.bind(("0.0.0.0", int(sys.argv[1])))
    state = {"seen": 0, "idle": 0, "total": 0}

    def tick(sig, frame):
        state["idle"] = state["idle"] + 1 if state["seen"] == 0 else 0
        state["seen"] = 0
        if state["idle"] == 3:
            raise Idle()

    signal.signal(signal.SIGALRM, tick)
    signal.setitimer(signal.ITIMER_REAL, 1.0, 1.0)
    try:
        while True:
            pkt, addr = s.recvfrom(65535)
            state["seen"] += 1
            state["total"] += 1
            s.sendto(pkt, addr)
    except Idle:
        print("watchdog.py: idle for 3s after %d packets" % state["total"],
              file=sys.stderr)


if __name__ == "__main__":
    main()

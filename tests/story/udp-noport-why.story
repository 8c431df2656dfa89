packet 1, sent by A: send udp 192.0.2.2:9 -c 1
  1.    1.000000000 A        sent out em0: 192.0.2.1.49152 > 192.0.2.2.9: UDP, length 64 ttl 64
  2.    1.001007520 B        received on em0: 192.0.2.1.49152 > 192.0.2.2.9: UDP, length 64 ttl 64
  3.    1.001007520 B        delivered to UDP: 192.0.2.1 > 192.0.2.2
  4.    1.001007520 B        dropped: udp-noport on em0
                               udp-noport: no UDP socket is bound to port 9 on B

packet 2, made by B in answer to step 3 (packet 1):
  5.    1.001007520 B        sent out em0: 192.0.2.2 > 192.0.2.1: ICMP 192.0.2.2 udp port 9 unreachable, length 36 ttl 64
  6.    1.002012160 A        received on em0: 192.0.2.2 > 192.0.2.1: ICMP 192.0.2.2 udp port 9 unreachable, length 36 ttl 64
  7.    1.002012160 A        delivered to ICMP: 192.0.2.2 > 192.0.2.1

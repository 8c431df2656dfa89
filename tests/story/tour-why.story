packet 1, sent by client: ping -c 1 192.0.2.10
  1.    1.000000000 client   sent out em0: 10.0.0.2 > 192.0.2.10: ICMP echo request, id 24964, seq 0, length 64 ttl 64
  2.    1.001006880 gw       received on em0: 10.0.0.2 > 192.0.2.10: ICMP echo request, id 24964, seq 0, length 64 ttl 64
  3.    1.001006880 gw       ipfw in em0: rule 00100 divert 8000
                               rule 100 matches
  4.    1.001006880 gw       queued on divert socket 8000 (incoming, tag 100; 0 bytes queued before it)
  5.    1.001006880 gw       read by the program on port 8000: tag 100, sin_addr 10.0.0.1, ifname "em0"
  6.    1.001016880 gw       written back on port 8000 as incoming on em0, ipfw resumes after rule 100
  7.    1.001016880 gw       ipfw in em0: rule 65000 allow
                               rules 100 (divert 8000) skipped: re-entry after tag 100
                               rule 200: out: the packet is on its in pass
                               rule 65000 matches
  8.    1.001016880 gw       forwarded em0 -> em1
  9.    1.001016880 gw       ipfw out em1: rule 00200 divert 8000
                               rule 100: in: the packet is on its out pass
                               rule 200 matches
 10.    1.001016880 gw       queued on divert socket 8000 (outgoing, tag 200; 0 bytes queued before it)
 11.    1.001016880 gw       read by the program on port 8000: tag 200, sin_addr 0.0.0.0, ifname "em0"
 12.    1.001026880 gw       written back on port 8000 as outgoing, ipfw resumes after rule 200
 13.    1.001026880 gw       ipfw out em1: rule 65000 allow
                               rules 100 (divert 8000), 200 (divert 8000) skipped: re-entry after tag 200
                               rule 65000 matches
 14.    1.001026880 gw       sent out em1: 10.0.0.2 > 192.0.2.10: ICMP echo request, id 24964, seq 0, length 64 ttl 63
 15.    1.002033760 server   received on em0: 10.0.0.2 > 192.0.2.10: ICMP echo request, id 24964, seq 0, length 64 ttl 63
 16.    1.002033760 server   delivered to ICMP: 10.0.0.2 > 192.0.2.10

packet 2, made by server in answer to step 16 (packet 1):
 17.    1.002033760 server   sent out em0: 192.0.2.10 > 10.0.0.2: ICMP echo reply, id 24964, seq 0, length 64 ttl 64
 18.    1.003040640 gw       received on em1: 192.0.2.10 > 10.0.0.2: ICMP echo reply, id 24964, seq 0, length 64 ttl 64
 19.    1.003040640 gw       ipfw in em1: rule 65000 allow
                               rule 100: not recv em0 (packet recv em1)
                               rule 200: out: the packet is on its in pass
                               rule 65000 matches
 20.    1.003040640 gw       forwarded em1 -> em0
 21.    1.003040640 gw       ipfw out em0: rule 65000 allow
                               rule 100: in: the packet is on its out pass
                               rule 200: not xmit em1 (packet xmit em0)
                               rule 65000 matches
 22.    1.003040640 gw       sent out em0: 192.0.2.10 > 10.0.0.2: ICMP echo reply, id 24964, seq 0, length 64 ttl 63
 23.    1.004047520 client   received on em0: 192.0.2.10 > 10.0.0.2: ICMP echo reply, id 24964, seq 0, length 64 ttl 63
 24.    1.004047520 client   delivered to ICMP: 192.0.2.10 > 10.0.0.2
 25.    1.004047520 client   ping: 64 bytes from 192.0.2.10: icmp_seq=0 time=4.048 ms

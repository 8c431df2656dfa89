/*
 * One-line, tcpdump-like summaries of IPv4 datagrams for the event log and
 * test failure messages, e.g.
 *	10.0.0.2 > 192.0.2.10: ICMP echo request, id 1, seq 0, length 64 ttl 64
 *	10.0.0.2.49152 > 192.0.2.10.53: UDP, length 3000 (frag 4242:1480@0+) ttl 63
 *	10.0.0.2 > 192.0.2.10: udp (frag 4242:1480@1480+) ttl 63 [bad cksum 1234!]
 * Format, after tcpdump -n without -v:
 *  - first fragments and whole datagrams print the transport summary (UDP
 *    ports and payload length; ICMP type as print-icmp.c words it, and the
 *    ICMP message length); non-first fragments print only the protocol name
 *    (its /etc/protocols keyword: udp, icmp, tcp, gre, ..., or ip-proto-N),
 *    as tcpdump does for them;
 *  - "(frag ID:SIZE@OFFSET+)" for a fragment: IP id, payload bytes of this
 *    fragment, offset in bytes, '+' when MF is set (tcpdump 3.x's form);
 *  - "ttl N" always;
 *  - "[bad cksum X!]" (X: the stored header checksum, hex) when the header
 *    checksum is wrong; "[truncated-ip - N bytes missing!]" when ip_len
 *    exceeds the bytes given; "[|ip]" and friends for broken headers.
 * No allocation; snprintf-free, so it is cheap to call per event.
 */
#ifndef DIVERTSIM_WIRE_PRINT_H
#define DIVERTSIM_WIRE_PRINT_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A buffer this size always holds a whole summary. */
#define	WIRE_PRINT_MAX		256
/*
 * Write the summary of the len bytes at p (an IPv4 datagram) into buf of
 * size bytes, always NUL-terminated (truncated if size is too small).
 * Returns the length of the summary written, without the NUL.
 */
size_t		 wire_print_ip(char *buf, size_t size, const uint8_t *p,
		    size_t len);
/* The same, appended to s. */
void		 wire_print_ip_gstring(GString *s, const uint8_t *p, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_WIRE_PRINT_H */

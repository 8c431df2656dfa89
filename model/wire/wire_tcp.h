/*
 * TCP header wire format (RFC 793, RFC 9293): a view over the header bytes
 * (host-order values in and out, units in the names), the checksum with
 * the IPv4 pseudo-header, and the walk of the options for MSS as FreeBSD's
 * tcp_dooptions() does it.  TCP has no length field: the segment length
 * (ip_len minus the IP header) is the caller's.
 */
#ifndef DIVERTSIM_WIRE_TCP_H
#define DIVERTSIM_WIRE_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/wire_ip.h"

#ifdef __cplusplus
extern "C" {
#endif

#define	TCP_F_SPORT	0
#define	TCP_F_DPORT	2
#define	TCP_F_SEQ	4
#define	TCP_F_ACK	8
#define	TCP_F_OFF	12	/* data offset (4 bits, in 32-bit words) */
#define	TCP_F_FLAGS	13
#define	TCP_F_WIN	14
#define	TCP_F_SUM	16
#define	TCP_F_URP	18
#define	TCP_HDR_MIN_BYTES	20	/* sizeof(struct tcphdr) */
#define	TCP_HDR_MAX_BYTES	60

/* th_flags bits, FreeBSD's names and values (glibc's <netinet/tcp.h>
 * spells the first six with the same tokens). */
#define	TH_FIN	0x01
#define	TH_SYN	0x02
#define	TH_RST	0x04
#define	TH_PUSH	0x08
#define	TH_ACK	0x10
#define	TH_URG	0x20
#define	TH_ECE	0x40
#define	TH_CWR	0x80

/* Options (RFC 793, RFC 9293 section 3.2). */
#define	TCPOPT_EOL		0
#define	TCPOPT_NOP		1
#define	TCPOPT_MAXSEG		2
#define	TCPOLEN_MAXSEG		4

enum tcp_check {
	TCP_CHECK_OK,
	TCP_CHECK_TOOSHORT,	/* fewer than 20 bytes */
	TCP_CHECK_BADOFF,	/* data offset below 20 or beyond the bytes */
};

/* Getters: p points at the TCP header; tcp_check_len() must have passed
 * (the fixed fields need only 20 bytes). */
static inline uint16_t
tcp_get_sport(const uint8_t *p)
{
	return (wire_get16(p + TCP_F_SPORT));
}

static inline uint16_t
tcp_get_dport(const uint8_t *p)
{
	return (wire_get16(p + TCP_F_DPORT));
}

static inline uint32_t
tcp_get_seq(const uint8_t *p)
{
	return (wire_get32(p + TCP_F_SEQ));
}

static inline uint32_t
tcp_get_ack(const uint8_t *p)
{
	return (wire_get32(p + TCP_F_ACK));
}

/* Header length in bytes: th_off * 4. */
static inline unsigned
tcp_get_off_bytes(const uint8_t *p)
{
	return ((unsigned)(p[TCP_F_OFF] >> 4) * 4u);
}

static inline uint8_t
tcp_get_flags(const uint8_t *p)
{
	return (p[TCP_F_FLAGS]);
}

static inline uint16_t
tcp_get_win(const uint8_t *p)
{
	return (wire_get16(p + TCP_F_WIN));
}

static inline uint16_t
tcp_get_sum(const uint8_t *p)
{
	return (wire_get16(p + TCP_F_SUM));
}

static inline uint16_t
tcp_get_urp(const uint8_t *p)
{
	return (wire_get16(p + TCP_F_URP));
}

static inline void
tcp_set_sport(uint8_t *p, uint16_t port)
{
	wire_put16(p + TCP_F_SPORT, port);
}

static inline void
tcp_set_dport(uint8_t *p, uint16_t port)
{
	wire_put16(p + TCP_F_DPORT, port);
}

static inline void
tcp_set_seq(uint8_t *p, uint32_t seq)
{
	wire_put32(p + TCP_F_SEQ, seq);
}

static inline void
tcp_set_ack(uint8_t *p, uint32_t ack)
{
	wire_put32(p + TCP_F_ACK, ack);
}

/* off_bytes: a multiple of 4 from 20 to 60; the low 4 bits (reserved)
 * are cleared. */
static inline void
tcp_set_off_bytes(uint8_t *p, unsigned off_bytes)
{
	p[TCP_F_OFF] = (uint8_t)((off_bytes / 4u) << 4);
}

static inline void
tcp_set_flags(uint8_t *p, uint8_t flags)
{
	p[TCP_F_FLAGS] = flags;
}

static inline void
tcp_set_win(uint8_t *p, uint16_t win)
{
	wire_put16(p + TCP_F_WIN, win);
}

static inline void
tcp_set_sum(uint8_t *p, uint16_t sum)
{
	wire_put16(p + TCP_F_SUM, sum);
}

static inline void
tcp_set_urp(uint8_t *p, uint16_t urp)
{
	wire_put16(p + TCP_F_URP, urp);
}

/* Whether the len bytes at p hold a whole TCP header (options included). */
enum tcp_check	 tcp_check_len(const uint8_t *p, size_t len);
/* The checksum of the seg_len-byte segment at p with the pseudo-header of
 * src, dst (host order), computed with the sum field taken as 0. */
uint16_t	 tcp_sum_compute(const uint8_t *p, uint16_t seg_len,
		    uint32_t src, uint32_t dst);
/* Whether the stored checksum is right. */
bool		 tcp_sum_ok(const uint8_t *p, uint16_t seg_len, uint32_t src,
		    uint32_t dst);
/* Compute and store the checksum. */
void		 tcp_sum_fill(uint8_t *p, uint16_t seg_len, uint32_t src,
		    uint32_t dst);
/*
 * The MSS option of a SYN segment, walked as tcp_dooptions() does: EOL
 * ends the list, NOP is one byte, any other option needs a length from 2
 * to what is left (else the walk stops); an MSS option of a length other
 * than 4, or in a segment without SYN, is ignored.  Returns whether *mss
 * was set.  tcp_check_len() must have passed.
 */
bool		 tcp_opt_mss(const uint8_t *p, uint16_t *mss);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_WIRE_TCP_H */

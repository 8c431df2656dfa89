/*
 * ICMP wire format (RFC 792, RFC 1191 for the needfrag next-hop MTU): a
 * view over the message bytes (host-order values in and out) and struct
 * icmp_repr with parse/emit for the messages the model sends and reads:
 * echo request/reply, destination unreachable, time exceeded.
 */
#ifndef DIVERTSIM_WIRE_ICMP_H
#define DIVERTSIM_WIRE_ICMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/wire_ip.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Types and codes, FreeBSD's <netinet/ip_icmp.h> names (spelt with the
 * same tokens as glibc's copy, so both may be included).
 */
#define	ICMP_ECHOREPLY		0
#define	ICMP_UNREACH		3
#define	ICMP_UNREACH_NET	        0
#define	ICMP_UNREACH_HOST	        1
#define	ICMP_UNREACH_PROTOCOL	        2
#define	ICMP_UNREACH_PORT	        3
#define	ICMP_UNREACH_NEEDFRAG	        4
#define	ICMP_UNREACH_SRCFAIL	        5
#define	ICMP_UNREACH_NET_UNKNOWN        6
#define	ICMP_UNREACH_HOST_UNKNOWN       7
#define	ICMP_UNREACH_ISOLATED	        8
#define	ICMP_UNREACH_NET_PROHIB	        9
#define	ICMP_UNREACH_HOST_PROHIB        10
#define	ICMP_UNREACH_TOSNET	        11
#define	ICMP_UNREACH_TOSHOST	        12
#define	ICMP_UNREACH_FILTER_PROHIB      13
#define	ICMP_UNREACH_HOST_PRECEDENCE    14
#define	ICMP_UNREACH_PRECEDENCE_CUTOFF  15
#define	ICMP_ECHO		8
#define	ICMP_TIMXCEED		11
#define	ICMP_TIMXCEED_INTRANS	0
#define	ICMP_TIMXCEED_REASS	1

#define	ICMP_MINLEN	8	/* type, code, sum, 4 bytes of "rest" */

#define	ICMP_F_TYPE	0
#define	ICMP_F_CODE	1
#define	ICMP_F_SUM	2
#define	ICMP_F_ID	4	/* echo */
#define	ICMP_F_SEQ	6	/* echo */
#define	ICMP_F_NEXTMTU	6	/* unreach needfrag (RFC 1191) */
#define	ICMP_F_DATA	8	/* echo data, or the quoted datagram */

/* Getters: p points at the ICMP header; icmp_check_len() must pass. */
static inline uint8_t
icmp_get_type(const uint8_t *p)
{
	return (p[ICMP_F_TYPE]);
}

static inline uint8_t
icmp_get_code(const uint8_t *p)
{
	return (p[ICMP_F_CODE]);
}

static inline uint16_t
icmp_get_sum(const uint8_t *p)
{
	return (wire_get16(p + ICMP_F_SUM));
}

static inline uint16_t
icmp_get_echo_id(const uint8_t *p)
{
	return (wire_get16(p + ICMP_F_ID));
}

static inline uint16_t
icmp_get_echo_seq(const uint8_t *p)
{
	return (wire_get16(p + ICMP_F_SEQ));
}

static inline uint16_t
icmp_get_nextmtu_bytes(const uint8_t *p)
{
	return (wire_get16(p + ICMP_F_NEXTMTU));
}

static inline void
icmp_set_type(uint8_t *p, uint8_t type)
{
	p[ICMP_F_TYPE] = type;
}

static inline void
icmp_set_code(uint8_t *p, uint8_t code)
{
	p[ICMP_F_CODE] = code;
}

static inline void
icmp_set_sum(uint8_t *p, uint16_t sum)
{
	wire_put16(p + ICMP_F_SUM, sum);
}

static inline void
icmp_set_echo_id(uint8_t *p, uint16_t id)
{
	wire_put16(p + ICMP_F_ID, id);
}

static inline void
icmp_set_echo_seq(uint8_t *p, uint16_t seq)
{
	wire_put16(p + ICMP_F_SEQ, seq);
}

static inline void
icmp_set_nextmtu_bytes(uint8_t *p, uint16_t mtu)
{
	wire_put16(p + ICMP_F_NEXTMTU, mtu);
}

/* Whether type is an error message (unreach, source quench, redirect,
 * time exceeded, parameter problem), which icmp_error() never answers. */
bool		 icmp_type_is_error(uint8_t type);

enum icmp_check {
	ICMP_CHECK_OK = 0,
	ICMP_CHECK_TOOSHORT,	/* len < ICMP_MINLEN: icps_tooshort */
};

enum icmp_check	 icmp_check_len(const uint8_t *p, size_t len);

/* Checksum over the len bytes of the message, the sum field as zero. */
uint16_t	 icmp_sum_compute(const uint8_t *p, size_t len);
bool		 icmp_sum_ok(const uint8_t *p, size_t len);
void		 icmp_sum_fill(uint8_t *p, size_t len);

struct icmp_repr {
	uint8_t		 type;
	uint8_t		 code;
	uint16_t	 echo_id;	/* echo request / reply */
	uint16_t	 echo_seq;	/* echo request / reply */
	uint16_t	 nextmtu_bytes;	/* unreach needfrag; 0 otherwise */
	/*
	 * What follows the 8-byte header: the echo data, or for an error the
	 * quoted IP header and first 8 payload bytes.  parse: points into
	 * the parsed buffer; emit: copied after the header.
	 */
	const uint8_t	*data;
	size_t		 data_len_bytes;
};

/*
 * Fill r from len bytes at p (checksum not verified: icmp_sum_ok()).
 * For types other than echo, echo request and reply, the id/seq fields
 * are 0; nextmtu_bytes is read only for unreach needfrag.
 */
enum icmp_check	 icmp_repr_parse(const uint8_t *p, size_t len,
		    struct icmp_repr *r);
/* Bytes icmp_repr_emit() writes: 8 + r->data_len_bytes. */
size_t		 icmp_repr_len(const struct icmp_repr *r);
/* Write the message at p (icmp_repr_len(r) bytes), checksum filled. */
size_t		 icmp_repr_emit(const struct icmp_repr *r, uint8_t *p);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_WIRE_ICMP_H */

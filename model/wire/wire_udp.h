/*
 * UDP header wire format (RFC 768): a view over the 8 header bytes
 * (host-order values in and out) and struct udp_repr with parse/emit.
 * The checksum covers the IPv4 pseudo-header; a stored 0 means "no
 * checksum", and a computed 0 is sent as 0xffff.
 */
#ifndef DIVERTSIM_WIRE_UDP_H
#define DIVERTSIM_WIRE_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/wire_ip.h"

#ifdef __cplusplus
extern "C" {
#endif

#define	UDP_F_SPORT	0
#define	UDP_F_DPORT	2
#define	UDP_F_LEN	4	/* header + payload, bytes */
#define	UDP_F_SUM	6
#define	UDP_HDR_BYTES	8

/* Getters: p points at the UDP header; udp_check_len() must have passed. */
static inline uint16_t
udp_get_sport(const uint8_t *p)
{
	return (wire_get16(p + UDP_F_SPORT));
}

static inline uint16_t
udp_get_dport(const uint8_t *p)
{
	return (wire_get16(p + UDP_F_DPORT));
}

static inline uint16_t
udp_get_len_bytes(const uint8_t *p)
{
	return (wire_get16(p + UDP_F_LEN));
}

static inline uint16_t
udp_get_sum(const uint8_t *p)
{
	return (wire_get16(p + UDP_F_SUM));
}

static inline void
udp_set_sport(uint8_t *p, uint16_t port)
{
	wire_put16(p + UDP_F_SPORT, port);
}

static inline void
udp_set_dport(uint8_t *p, uint16_t port)
{
	wire_put16(p + UDP_F_DPORT, port);
}

static inline void
udp_set_len_bytes(uint8_t *p, uint16_t len_bytes)
{
	wire_put16(p + UDP_F_LEN, len_bytes);
}

static inline void
udp_set_sum(uint8_t *p, uint16_t sum)
{
	wire_put16(p + UDP_F_SUM, sum);
}

/*
 * Checks on the len bytes at p (the IP payload), as udp_input() makes
 * them: the header must fit, and uh_ulen must be at least 8 and no more
 * than len (FreeBSD counts both as udps_badlen; a shorter uh_ulen than the
 * IP payload trims the datagram).
 */
enum udp_check {
	UDP_CHECK_OK = 0,
	UDP_CHECK_TOOSHORT,	/* len < 8 */
	UDP_CHECK_BADLEN,	/* uh_ulen < 8 or uh_ulen > len */
};

enum udp_check	 udp_check_len(const uint8_t *p, size_t len);

/*
 * The checksum value to store for the datagram at p (uh_ulen bytes, the
 * sum field taken as zero), addresses in host order; never 0 (RFC 768).
 */
uint16_t	 udp_sum_compute(const uint8_t *p, uint32_t src, uint32_t dst);
/* Whether the stored checksum is right; a stored 0 (none) is right. */
bool		 udp_sum_ok(const uint8_t *p, uint32_t src, uint32_t dst);
void		 udp_sum_fill(uint8_t *p, uint32_t src, uint32_t dst);

struct udp_repr {
	uint16_t	 sport;
	uint16_t	 dport;
	uint16_t	 payload_len_bytes;	/* uh_ulen - 8 */
};

/* Fill r from len bytes at p; r is filled only on UDP_CHECK_OK. */
enum udp_check	 udp_repr_parse(const uint8_t *p, size_t len,
		    struct udp_repr *r);
/*
 * Write the header at p (the payload, r->payload_len_bytes bytes, must
 * already follow it) and fill the checksum with the pseudo-header of
 * src/dst when with_sum is true, else store 0.  Returns 8.
 */
size_t		 udp_repr_emit(const struct udp_repr *r, uint8_t *p,
		    uint32_t src, uint32_t dst, bool with_sum);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_WIRE_UDP_H */

/*
 * IPv4 header wire format (RFC 791), in two tiers as smoltcp's
 * src/wire/ipv4.rs:
 *  - a view: one inline getter and setter per field over the raw bytes
 *    (network order in the buffer, host-order values in and out, units in
 *    the names), valid once ip_check_len() has accepted the buffer;
 *  - struct ip_repr: the validated fields, with ip_repr_parse() and
 *    ip_repr_emit().
 * Also the big-endian load/store helpers every wire header uses.
 */
#ifndef DIVERTSIM_WIRE_IP_H
#define DIVERTSIM_WIRE_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Big-endian (network order) loads and stores. */
static inline uint16_t
wire_get16(const uint8_t *p)
{
	return ((uint16_t)((p[0] << 8) | p[1]));
}

static inline uint32_t
wire_get32(const uint8_t *p)
{
	return (((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3]);
}

static inline void
wire_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
wire_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Field layout (byte offsets). */
#define	IP_F_VHL	0	/* version (4 bits), header length (4 bits) */
#define	IP_F_TOS	1
#define	IP_F_LEN	2	/* total length, bytes */
#define	IP_F_ID		4
#define	IP_F_OFF	6	/* flags (3 bits), fragment offset (13 bits) */
#define	IP_F_TTL	8
#define	IP_F_PROTO	9
#define	IP_F_SUM	10
#define	IP_F_SRC	12
#define	IP_F_DST	16

#define	IP_HDR_MIN_BYTES	20	/* sizeof(struct ip) */
#define	IP_HDR_MAX_BYTES	60
/*
 * FreeBSD's (and glibc's <netinet/ip.h>) names, spelt with the same tokens
 * so that both headers can be included.  ip_off bits are host order.
 * Protocol numbers (IPPROTO_ICMP/TCP/UDP) come from <netinet/in.h>, which
 * this header leaves to its includer: glibc declares them as enum members,
 * so defining them here would clash.
 */
#define	IP_MAXPACKET	65535		/* largest ip_len */
#define	IP_RF 0x8000			/* reserved */
#define	IP_DF 0x4000			/* don't fragment */
#define	IP_MF 0x2000			/* more fragments */
#define	IP_OFFMASK 0x1fff		/* offset in 8-byte units */

/* Getters: p points at the header; ip_check_len() must have passed. */
static inline unsigned
ip_get_version(const uint8_t *p)
{
	return (p[IP_F_VHL] >> 4);
}

static inline unsigned
ip_get_hlen_bytes(const uint8_t *p)
{
	return ((p[IP_F_VHL] & 0x0fu) << 2);
}

static inline uint8_t
ip_get_tos(const uint8_t *p)
{
	return (p[IP_F_TOS]);
}

/* ip_len: the total length, header included. */
static inline uint16_t
ip_get_len_bytes(const uint8_t *p)
{
	return (wire_get16(p + IP_F_LEN));
}

static inline uint16_t
ip_get_id(const uint8_t *p)
{
	return (wire_get16(p + IP_F_ID));
}

/* The whole ip_off field: flags and offset, as FreeBSD's ntohs(ip_off). */
static inline uint16_t
ip_get_off_field(const uint8_t *p)
{
	return (wire_get16(p + IP_F_OFF));
}

static inline bool
ip_get_df(const uint8_t *p)
{
	return ((ip_get_off_field(p) & IP_DF) != 0);
}

static inline bool
ip_get_mf(const uint8_t *p)
{
	return ((ip_get_off_field(p) & IP_MF) != 0);
}

static inline uint16_t
ip_get_off_frag_units(const uint8_t *p)
{
	return (ip_get_off_field(p) & IP_OFFMASK);
}

static inline uint32_t
ip_get_off_bytes(const uint8_t *p)
{
	return ((uint32_t)ip_get_off_frag_units(p) << 3);
}

/* A fragment: MF set or a non-zero offset (FreeBSD's IP_MF|IP_OFFMASK). */
static inline bool
ip_is_fragment(const uint8_t *p)
{
	return ((ip_get_off_field(p) & (IP_MF | IP_OFFMASK)) != 0);
}

static inline uint8_t
ip_get_ttl(const uint8_t *p)
{
	return (p[IP_F_TTL]);
}

static inline uint8_t
ip_get_proto(const uint8_t *p)
{
	return (p[IP_F_PROTO]);
}

static inline uint16_t
ip_get_sum(const uint8_t *p)
{
	return (wire_get16(p + IP_F_SUM));
}

/* Addresses in host order (10.0.0.1 is 0x0a000001). */
static inline uint32_t
ip_get_src(const uint8_t *p)
{
	return (wire_get32(p + IP_F_SRC));
}

static inline uint32_t
ip_get_dst(const uint8_t *p)
{
	return (wire_get32(p + IP_F_DST));
}

/* Setters: none of them updates the checksum (see ip_sum_fill()). */
static inline void
ip_set_version(uint8_t *p, unsigned v)
{
	p[IP_F_VHL] = (uint8_t)((p[IP_F_VHL] & 0x0fu) | ((v & 0x0fu) << 4));
}

/* hlen_bytes must be a multiple of 4 between 0 and 60. */
static inline void
ip_set_hlen_bytes(uint8_t *p, unsigned hlen_bytes)
{
	p[IP_F_VHL] = (uint8_t)((p[IP_F_VHL] & 0xf0u) |
	    ((hlen_bytes >> 2) & 0x0fu));
}

static inline void
ip_set_tos(uint8_t *p, uint8_t tos)
{
	p[IP_F_TOS] = tos;
}

static inline void
ip_set_len_bytes(uint8_t *p, uint16_t len_bytes)
{
	wire_put16(p + IP_F_LEN, len_bytes);
}

static inline void
ip_set_id(uint8_t *p, uint16_t id)
{
	wire_put16(p + IP_F_ID, id);
}

static inline void
ip_set_off_field(uint8_t *p, uint16_t off)
{
	wire_put16(p + IP_F_OFF, off);
}

static inline void
ip_set_df(uint8_t *p, bool df)
{
	uint16_t off = ip_get_off_field(p);

	ip_set_off_field(p, df ? (uint16_t)(off | IP_DF) :
	    (uint16_t)(off & ~IP_DF));
}

static inline void
ip_set_mf(uint8_t *p, bool mf)
{
	uint16_t off = ip_get_off_field(p);

	ip_set_off_field(p, mf ? (uint16_t)(off | IP_MF) :
	    (uint16_t)(off & ~IP_MF));
}

/* units: 8-byte blocks, 0..8191; the flags are kept. */
static inline void
ip_set_off_frag_units(uint8_t *p, uint16_t units)
{
	ip_set_off_field(p, (uint16_t)((ip_get_off_field(p) & ~IP_OFFMASK) |
	    (units & IP_OFFMASK)));
}

/* off_bytes must be a multiple of 8 below 65536. */
static inline void
ip_set_off_bytes(uint8_t *p, uint32_t off_bytes)
{
	ip_set_off_frag_units(p, (uint16_t)(off_bytes >> 3));
}

static inline void
ip_set_ttl(uint8_t *p, uint8_t ttl)
{
	p[IP_F_TTL] = ttl;
}

static inline void
ip_set_proto(uint8_t *p, uint8_t proto)
{
	p[IP_F_PROTO] = proto;
}

static inline void
ip_set_sum(uint8_t *p, uint16_t sum)
{
	wire_put16(p + IP_F_SUM, sum);
}

static inline void
ip_set_src(uint8_t *p, uint32_t addr)
{
	wire_put32(p + IP_F_SRC, addr);
}

static inline void
ip_set_dst(uint8_t *p, uint32_t addr)
{
	wire_put32(p + IP_F_DST, addr);
}

/*
 * Structural checks on len bytes at p, in the order FreeBSD's ip_input()
 * makes them, so the first failure names the counter to bump (the header
 * checksum, checked by ip_input between BADHLEN and BADLEN, is separate:
 * ip_sum_ok()).  After IP_CHECK_OK every getter is safe, the header
 * (options included) is within len and so is ip_len.
 */
enum ip_check {
	IP_CHECK_OK = 0,
	IP_CHECK_TOOSHORT,	/* len < 20: ips_tooshort */
	IP_CHECK_BADVERS,	/* version != 4: ips_badvers */
	IP_CHECK_BADHLEN,	/* hlen < 20 or hlen > len: ips_badhlen */
	IP_CHECK_BADLEN,	/* ip_len < hlen: ips_badlen */
	IP_CHECK_TRUNCATED,	/* ip_len > len: ips_tooshort in FreeBSD */
	IP_CHECK_BADADDR,	/* 127/8 off a loopback: ips_badaddr */
	IP_CHECK_BADSUM,	/* header checksum wrong: ips_badsum */
};

enum ip_check	 ip_check_len(const uint8_t *p, size_t len);
/* Name of a check result ("ok", "tooshort", ...). */
const char	*ip_check_name(enum ip_check c);

/* Header checksum over hlen bytes with the sum field taken as zero. */
uint16_t	 ip_sum_compute(const uint8_t *p);
/* Whether the stored header checksum is right. */
bool		 ip_sum_ok(const uint8_t *p);
/* Compute and store the header checksum. */
void		 ip_sum_fill(uint8_t *p);

/* The validated header. */
struct ip_repr {
	uint32_t	 src;		/* host order */
	uint32_t	 dst;		/* host order */
	uint8_t		 proto;
	uint8_t		 ttl;
	uint8_t		 tos;
	uint16_t	 id;
	bool		 df;
	bool		 mf;
	uint32_t	 off_bytes;	/* fragment offset in bytes */
	uint16_t	 hlen_bytes;	/* parse: header with options; emit: 20 */
	uint16_t	 payload_len_bytes; /* ip_len - hlen */
	bool		 sum_ok;	/* parse only: header checksum right */
};

/*
 * Fill r from len bytes at p.  Returns ip_check_len()'s verdict; r is
 * filled only on IP_CHECK_OK.  Options are accepted (hlen_bytes > 20) and
 * skipped; a wrong checksum is reported in sum_ok, not refused.
 */
enum ip_check	 ip_repr_parse(const uint8_t *p, size_t len,
		    struct ip_repr *r);

/*
 * ip_input()'s header checks on the len bytes received at p, in FreeBSD's
 * order: fewer bytes than a header (TOOSHORT), version (BADVERS), header
 * length (BADHLEN), 127/8 source or destination unless it came in on a
 * loopback interface (BADADDR, RFC 1122), header checksum (BADSUM),
 * ip_len below the header length (BADLEN), fewer bytes than ip_len
 * (TRUNCATED, counted as ips_tooshort).  On IP_CHECK_OK r holds the parsed
 * header (ip_repr_parse()); bytes beyond ip_len are the caller's to trim.
 */
enum ip_check	 ip_input_check(const uint8_t *p, size_t len,
		    bool on_loopback, struct ip_repr *r);

/*
 * Write a 20-byte header without options from r at p (which must have 20
 * bytes): version 4, ip_len = 20 + r->payload_len_bytes, checksum filled.
 * Returns the header length written (20).
 */
size_t		 ip_repr_emit(const struct ip_repr *r, uint8_t *p);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_WIRE_IP_H */

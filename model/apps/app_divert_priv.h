/*
 * Private interface of the divert programs (model/apps): the per-packet
 * transformations as pure functions over bytes and a sockaddr, so that unit
 * tests call them without a socket, plus the argument helpers the
 * programs share.  Bytes are read and written through model/wire/ and
 * checksums through model/pkt/in_cksum.h.  Not part of the public API
 * (include/divertsim/program.h is).
 */
#ifndef DIVERTSIM_APP_DIVERT_PRIV_H
#define DIVERTSIM_APP_DIVERT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include <glib.h>

#include "divertsim/program.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The built-in programs (app_divert.c, app_natd.c). */
extern const struct divert_program divert_prog_reinject;
extern const struct divert_program divert_prog_drop;
extern const struct divert_program divert_prog_retag;
extern const struct divert_program divert_prog_outgoing;
extern const struct divert_program divert_prog_incoming;
extern const struct divert_program divert_prog_corrupt;
extern const struct divert_program divert_prog_rewrite;
extern const struct divert_program divert_prog_natd;

/* Argument parsers: strict decimal in [0, max]; dotted quad. */
bool		 app_parse_uint(const char *s, uint64_t max, uint64_t *out);
bool		 app_parse_addr(const char *s, struct in_addr *out);

/*
 * rewrite FIELD=VALUE ...: what to change.  `set` holds RW_* bits of the
 * fields given; the values beside them are meaningful only when set.
 */
#define	RW_SIN_PORT	0x0001u
#define	RW_SIN_ADDR	0x0002u
#define	RW_SIN_ZERO	0x0004u
#define	RW_NOADDR	0x0008u
#define	RW_IP_SRC	0x0010u
#define	RW_IP_DST	0x0020u
#define	RW_IP_TTL	0x0040u
#define	RW_IP_TOS	0x0080u
#define	RW_IP_LEN	0x0100u
#define	RW_IP_SUM	0x0200u	/* ip_sum=N */
#define	RW_IP_SUM_BAD	0x0400u	/* ip_sum=bad */
#define	RW_DF		0x0800u
#define	RW_TRUNCATE	0x1000u
#define	RW_FIXSUM	0x2000u

struct rewrite_spec {
	unsigned	 set;		/* RW_* */
	uint16_t	 sin_port;	/* tag, host order (divert(4)) */
	struct in_addr	 sin_addr;	/* network order */
	uint8_t		 sin_zero[8];	/* interface name, NUL padded */
	struct in_addr	 ip_src, ip_dst; /* network order */
	uint8_t		 ip_ttl, ip_tos;
	uint16_t	 ip_len, ip_sum;	/* host order */
	bool		 df;
	uint32_t	 truncate_bytes;	/* bytes kept */
};

/*
 * Parse the arguments of `rewrite`.  Returns false with *bad_arg the index
 * of the argument at fault and *err set.
 */
bool		 rewrite_parse(int argc, char *const argv[],
		    struct rewrite_spec *rs, int *bad_arg, GError **err);
/*
 * Apply rs to a packet read as (buf, *len, *to), in this order:
 *   1. the address: sin_port, sin_addr, sin_zero; noaddr sets *use_write;
 *   2. header fields: ip_src, ip_dst, ip_ttl, ip_tos, ip_len, df;
 *   3. the checksum: ip_sum=N stores N; ip_sum=bad stores the correct
 *      checksum with its lowest bit flipped; fixsum stores the correct
 *      one (ip_sum and fixsum exclude each other); otherwise untouched;
 *   4. truncate=N keeps the first N bytes (never grows the packet).
 * Header fields are changed only when *len holds a whole 20-byte header.
 */
void		 rewrite_apply(const struct rewrite_spec *rs, uint8_t *buf,
		    size_t *len, struct sockaddr_in *to, bool *use_write);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_APP_DIVERT_PRIV_H */

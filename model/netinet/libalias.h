/*
 * libalias: the address translation core that both NAT front ends share,
 * as FreeBSD's sys/netinet/libalias serves both natd(8) (a divert program)
 * and ipfw's in-kernel `nat` (ip_fw_nat.c).  One instance holds one alias
 * address and its link table; LibAliasOut()/LibAliasIn() translate a
 * datagram in place (the length never changes).  The front ends decide
 * what to do with what libalias ignored: natd writes it back (or drops it
 * with -deny_incoming), ipfw_nat() drops or passes it.
 */
#ifndef DIVERTSIM_LIBALIAS_H
#define DIVERTSIM_LIBALIAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Results of libalias_out()/libalias_in(), libalias's PKT_ALIAS_*. */
#define	PKT_ALIAS_OK			1	/* translated */
#define	PKT_ALIAS_IGNORED		2	/* left untouched */
/* libalias_in(): a non-first fragment of a datagram whose first fragment
 * was not translated: untouched. */
#define	PKT_ALIAS_UNRESOLVED_FRAGMENT	3

/* Mode bits (LibAliasSetMode()), with libalias's values. */
#define	PKT_ALIAS_SAME_PORTS		0x04	/* try the original port */
#define	PKT_ALIAS_UNREGISTERED_ONLY	0x10	/* only private sources */
#define	PKT_ALIAS_DENY_INCOMING		0x08	/* no links made from outside */
#define	PKT_ALIAS_RESET_ON_ADDR_CHANGE	0x20	/* new address: drop links */

/* Alias ports (and ICMP ids) are drawn from ALIAS_PORT_BASE up:
 * ALIAS_PORT_BASE + (random & ALIAS_PORT_MASK), GetNewPort()'s draw. */
#define	ALIAS_PORT_BASE			0x8000u
#define	ALIAS_PORT_MASK			0x7fffu
/* GET_NEW_PORT_MAX_ATTEMPTS: draws before GetNewPort() gives up. */
#define	GET_NEW_PORT_MAX_ATTEMPTS	20

struct libalias;

/* LibAliasInit(): no address (0.0.0.0), no mode bits, no links. */
struct libalias	*libalias_init(void);
void		 libalias_uninit(struct libalias *la);
/* LibAliasSetAddress(): addr in host order; with
 * PKT_ALIAS_RESET_ON_ADDR_CHANGE a different address drops every link but
 * the redirects (CleanupAliasData()). */
void		 libalias_set_address(struct libalias *la, uint32_t addr);
uint32_t	 libalias_address(const struct libalias *la);
/* LibAliasSetMode(): the bits of mask take their value from flags. */
void		 libalias_set_mode(struct libalias *la, unsigned flags,
		    unsigned mask);
unsigned	 libalias_mode(const struct libalias *la);
/* The seed of the alias port draws (libalias uses arc4random()). */
void		 libalias_set_seed(struct libalias *la, uint32_t seed);
bool		 libalias_has_seed(const struct libalias *la);
/* LibAliasOut()/LibAliasIn() on the datagram at buf (len bytes). */
int		 libalias_out(struct libalias *la, uint8_t *buf, size_t len);
int		 libalias_in(struct libalias *la, uint8_t *buf, size_t len);
/*
 * LibAliasRedirectPort(): a permanent link from alias port aport to
 * laddr:lport (host order).  False when aport or laddr:lport already has
 * a link.
 */
bool		 libalias_redirect_port(struct libalias *la, uint8_t proto,
		    uint32_t laddr, uint16_t lport, uint16_t aport);
/* LibAliasRedirectDelete() of every redirect (a reconfiguration). */
void		 libalias_redirect_delete_all(struct libalias *la);
/* Number of links, redirects included. */
unsigned	 libalias_nlinks(const struct libalias *la);

/*
 * A redirect_port as natd(8) and ipfw(8) write it: PROTO (tcp|udp),
 * ADDR:PORT[-PORT] and PORT[-PORT] (the alias ports; ranges of the same
 * size).  NULL on success, else what is wrong (to g_free()) and *bad
 * (0, 1, 2) the word at fault.
 */
struct libalias_redirect {
	uint8_t		 proto;
	uint32_t	 laddr;		/* host order */
	uint16_t	 lport, aport;	/* first ports */
	uint16_t	 count;		/* ports in the range */
};
char		*libalias_redirect_parse(const char *proto,
		    const char *target, const char *alias,
		    struct libalias_redirect *r, int *bad);
/* Install r (every port of its range); false when one is taken, and then
 * none of them is. */
bool		 libalias_redirect_add(struct libalias *la,
		    const struct libalias_redirect *r);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_LIBALIAS_H */

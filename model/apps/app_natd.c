/*
 * natd -a ADDR [-deny_incoming] [-same_ports] [-redirect_port ...]:
 * natd(8) with one alias address, on one
 * divert socket.  As natd's DoAliasing() does, the direction comes from
 * the address read (sin_addr INADDR_ANY: outgoing, LibAliasOut(); else
 * incoming, LibAliasIn()), an incoming packet libalias ignores is dropped
 * with -deny_incoming, and everything else is written back with exactly
 * the address it was read with.
 *
 * The translation is a small libalias (sys/netinet/libalias/alias.c,
 * alias_db.c), documented in docs/divert-programs.md:
 *  - a link per (protocol, original source address, original source port
 *    or ICMP echo id), found again by (protocol, alias port or id); the
 *    alias port is drawn as GetNewPort() (alias_db.c) draws it:
 *    ALIAS_PORT_BASE + (random & ALIAS_PORT_MASK), up to
 *    GET_NEW_PORT_MAX_ATTEMPTS (20) draws for one no other link of the
 *    protocol holds; with -same_ports the original port is tried first.
 *    The draws come from a generator seeded from the scenario's seed, the
 *    host and the divert port (libalias uses arc4random()).  Links do not
 *    record the remote end and never expire;
 *  - outgoing (IcmpAliasOut()): UDP, TCP, ICMP echo and timestamp
 *    requests (code 0) and replies by id, and ICMP errors about a packet
 *    that came in through a link (IcmpAliasOut2(): the quoted destination
 *    and port become the alias, the outer source too when the error comes
 *    from the host the quoted packet was for; the quoted header checksum
 *    is left alone, the ICMP one is adjusted);
 *  - incoming: their replies and ICMP errors quoting them (IcmpAliasIn2);
 *    other protocols and other ICMP types are left alone (ignored);
 *  - non-first fragments: outgoing ones get the alias source address
 *    (FragmentOut()); incoming ones are translated when the first fragment
 *    of the same (protocol, source, IP id) was, and are otherwise passed
 *    untouched (libalias would hold them as unresolved fragments);
 *  - every checksum touched is updated incrementally (RFC 1624), as
 *    libalias's DifferentialChecksum() does: the IP header checksum (an
 *    incoming write with a bad one would be dropped by ip_input()), the
 *    UDP/TCP checksum for the address and port (a UDP checksum of 0 stays
 *    0), the ICMP checksum for the id and for a quoted header.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "apps/app_divert_priv.h"
#include "divertsim/program.h"
#include "pkt/in_cksum.h"
#include "wire/wire_icmp.h"
#include "wire/wire_ip.h"
#include "wire/wire_udp.h"

/* ICMP query types libalias aliases by id, besides echo (RFC 792). */
#define	NATD_ICMP_SOURCEQUENCH	4
#define	NATD_ICMP_TSTAMP	13
#define	NATD_ICMP_TSTAMPREPLY	14
#define	NATD_ICMP_PARAMPROB	12

#define	TCP_F_SUM		16
#define	TCP_HDR_PORTS_SUM	18	/* bytes up to the end of th_sum */

struct natd_link {
	uint64_t	 out_key;	/* proto, original address and port */
	uint64_t	 in_key;	/* proto, alias port */
	uint8_t		 proto;
	uint32_t	 orig_addr;	/* host order */
	uint16_t	 orig_port;	/* or ICMP id */
	uint16_t	 alias_port;	/* or ICMP id */
};

/* An incoming first fragment that was translated (FragmentIn()). */
struct natd_frag {
	uint64_t	 key;		/* proto, remote source, IP id */
	uint32_t	 orig_addr;	/* host order */
};

struct natd_state {
	uint32_t	 alias;		/* host order */
	bool		 deny_incoming;
	GHashTable	*out_links;	/* &out_key -> link (owns the links) */
	GHashTable	*in_links;	/* &in_key -> link */
	GHashTable	*frags;		/* &key -> frag (owns) */
	bool		 same_ports;	/* -same_ports */
	bool		 seeded;	/* natd_set_seed() was called */
	uint32_t	 seed;
	GRand		*rand;		/* made at the first draw */
};

static uint64_t
natd_out_key(uint8_t proto, uint32_t addr, uint16_t port)
{

	return ((uint64_t)proto << 48 | (uint64_t)addr << 16 | port);
}

static uint64_t
natd_in_key(uint8_t proto, uint16_t alias_port)
{

	return ((uint64_t)proto << 16 | alias_port);
}

struct natd_state *
natd_new(struct in_addr alias, bool deny_incoming)
{
	struct natd_state *ns;

	ns = g_new0(struct natd_state, 1);
	ns->alias = ntohl(alias.s_addr);
	ns->deny_incoming = deny_incoming;
	ns->out_links = g_hash_table_new_full(g_int64_hash, g_int64_equal,
	    NULL, g_free);
	ns->in_links = g_hash_table_new(g_int64_hash, g_int64_equal);
	ns->frags = g_hash_table_new_full(g_int64_hash, g_int64_equal,
	    NULL, g_free);
	return (ns);
}

void
natd_set_same_ports(struct natd_state *ns, bool on)
{

	ns->same_ports = on;
}

void
natd_set_seed(struct natd_state *ns, uint32_t seed)
{

	if (ns->rand != NULL) {
		g_rand_free(ns->rand);
		ns->rand = NULL;
	}
	ns->seed = seed;
	ns->seeded = true;
}

void
natd_free(struct natd_state *ns)
{

	if (ns == NULL)
		return;
	g_hash_table_destroy(ns->in_links);
	g_hash_table_destroy(ns->out_links);
	g_hash_table_destroy(ns->frags);
	if (ns->rand != NULL)
		g_rand_free(ns->rand);
	g_free(ns);
}

bool
natd_deny_incoming(const struct natd_state *ns)
{

	return (ns->deny_incoming);
}

unsigned
natd_nlinks(const struct natd_state *ns)
{

	return (g_hash_table_size(ns->out_links));
}

static bool
natd_port_free(const struct natd_state *ns, uint8_t proto, uint16_t port)
{
	uint64_t k;

	k = natd_in_key(proto, port);
	return (!g_hash_table_contains(ns->in_links, &k));
}

static struct natd_link *natd_link_add(struct natd_state *ns, uint8_t proto,
    uint32_t addr, uint16_t port, uint16_t aport);

/* GetNewPort()'s draw: ALIAS_PORT_BASE + (arc4random() & ALIAS_PORT_MASK). */
static uint16_t
natd_random_port(struct natd_state *ns)
{

	if (ns->rand == NULL)
		ns->rand = g_rand_new_with_seed(ns->seed);
	return ((uint16_t)(NATD_PORT_BASE +
	    (g_rand_int(ns->rand) & NATD_PORT_MASK)));
}

/*
 * The link of an outgoing flow, made on first use (create), or NULL.
 * NULL too when GetNewPort() finds no free alias port in
 * GET_NEW_PORT_MAX_ATTEMPTS draws.
 */
static struct natd_link *
natd_link_out(struct natd_state *ns, uint8_t proto, uint32_t addr,
    uint16_t port, bool create)
{
	struct natd_link *lnk;
	uint64_t k;
	int tries;
	uint16_t aport;

	k = natd_out_key(proto, addr, port);
	lnk = g_hash_table_lookup(ns->out_links, &k);
	if (lnk != NULL || !create)
		return (lnk);

	/* -same_ports: the original port first, then random draws. */
	aport = ns->same_ports ? port : natd_random_port(ns);
	for (tries = 0; tries < NATD_PORT_TRIES; tries++) {
		if (natd_port_free(ns, proto, aport))
			break;
		aport = natd_random_port(ns);
	}
	if (tries == NATD_PORT_TRIES)
		return (NULL);
	return (natd_link_add(ns, proto, addr, port, aport));
}

/* AddLink(): a link from (proto, addr, port) to alias port aport. */
static struct natd_link *
natd_link_add(struct natd_state *ns, uint8_t proto, uint32_t addr,
    uint16_t port, uint16_t aport)
{
	struct natd_link *lnk;

	lnk = g_new0(struct natd_link, 1);
	lnk->out_key = natd_out_key(proto, addr, port);
	lnk->in_key = natd_in_key(proto, aport);
	lnk->proto = proto;
	lnk->orig_addr = addr;
	lnk->orig_port = port;
	lnk->alias_port = aport;
	g_hash_table_insert(ns->out_links, &lnk->out_key, lnk);
	g_hash_table_insert(ns->in_links, &lnk->in_key, lnk);
	return (lnk);
}

/*
 * -redirect_port: a permanent link from alias port aport to laddr:lport,
 * as LibAliasRedirectPort() makes one, so that a connection from outside
 * reaches the inside host and its replies go out from aport.  Returns
 * false when aport or laddr:lport already has a link.
 */
bool
natd_redirect_port(struct natd_state *ns, uint8_t proto, uint32_t laddr,
    uint16_t lport, uint16_t aport)
{
	uint64_t k;

	k = natd_out_key(proto, laddr, lport);
	if (!natd_port_free(ns, proto, aport) ||
	    g_hash_table_contains(ns->out_links, &k))
		return (false);
	(void)natd_link_add(ns, proto, laddr, lport, aport);
	return (true);
}

static struct natd_link *
natd_link_in(struct natd_state *ns, uint8_t proto, uint16_t aport)
{
	uint64_t k;

	k = natd_in_key(proto, aport);
	return (g_hash_table_lookup(ns->in_links, &k));
}

/*
 * Store v in the 16-bit field at f and update the checksums at sum1 and
 * sum2 (either may be NULL) for the change, RFC 1624 eqn. 3.
 */
static void
natd_set16(uint8_t *f, uint16_t v, uint8_t *sum1, uint8_t *sum2)
{
	uint16_t old;

	old = wire_get16(f);
	if (sum1 != NULL)
		wire_put16(sum1, in_cksum_update(wire_get16(sum1), old, v));
	if (sum2 != NULL)
		wire_put16(sum2, in_cksum_update(wire_get16(sum2), old, v));
	wire_put16(f, v);
}

static void
natd_set32(uint8_t *f, uint32_t v, uint8_t *sum1, uint8_t *sum2)
{

	natd_set16(f, (uint16_t)(v >> 16), sum1, sum2);
	natd_set16(f + 2, (uint16_t)v, sum1, sum2);
}

/*
 * A UDP checksum field, or NULL when the sender sent none (0), which
 * stays 0 (RFC 768).
 */
static uint8_t *
natd_udp_sum(uint8_t *udp)
{

	return (udp_get_sum(udp) == 0 ? NULL : udp + UDP_F_SUM);
}

/* A computed UDP checksum of 0 is sent as 0xffff (RFC 768). */
static void
natd_udp_sum_finish(uint8_t *sum)
{

	if (sum != NULL && wire_get16(sum) == 0)
		wire_put16(sum, 0xffff);
}

/*
 * The L4 header of buf, if whole enough to translate: the ports and the
 * checksum for UDP and TCP, the first 8 bytes for ICMP.
 */
static uint8_t *
natd_l4(uint8_t *buf, uint8_t proto, size_t *l4len)
{
	size_t hlen, need;

	hlen = ip_get_hlen_bytes(buf);
	*l4len = ip_get_len_bytes(buf) - hlen;
	need = proto == IPPROTO_TCP ? TCP_HDR_PORTS_SUM :
	    proto == IPPROTO_UDP ? UDP_HDR_BYTES : ICMP_MINLEN;
	return (*l4len >= need ? buf + hlen : NULL);
}

static uint8_t *
natd_l4_sum(uint8_t *l4, uint8_t proto)
{

	return (proto == IPPROTO_TCP ? l4 + TCP_F_SUM : natd_udp_sum(l4));
}

/*
 * The header an ICMP error quotes (ip2) and the 8 bytes after it (l42):
 * false when the message is too short to hold them, as libalias reads
 * the quoted header and ports without more checks.
 */
static bool
natd_quoted(uint8_t *icmp, size_t icmp_len, uint8_t **ip2, uint8_t **l42)
{
	size_t hlen2;

	if (icmp_len < ICMP_MINLEN + IP_HDR_MIN_BYTES)
		return (false);
	*ip2 = icmp + ICMP_F_DATA;
	hlen2 = ip_get_hlen_bytes(*ip2);
	if (hlen2 < IP_HDR_MIN_BYTES || icmp_len < ICMP_MINLEN + hlen2 + 8)
		return (false);
	*l42 = *ip2 + hlen2;
	return (true);
}

/*
 * IcmpAliasOut2(): an ICMP error this side sends about a packet that came
 * in through a link (its quoted destination and port are the original
 * ones).  The quoted destination and port (or echo id) become the alias
 * ones, the ICMP checksum follows; the quoted header's own checksum is
 * left as it is, as libalias leaves it; the outer source becomes the
 * alias address when the error comes from the quoted packet's
 * destination itself.
 */
static int
natd_out_icmp_error(struct natd_state *ns, uint8_t *buf, uint8_t *icmp,
    size_t icmp_len)
{
	struct natd_link *lnk;
	uint8_t *ip2, *l42, *isum;
	uint32_t odst2;
	uint8_t proto2;

	if (!natd_quoted(icmp, icmp_len, &ip2, &l42))
		return (NATD_IGNORED);
	proto2 = ip_get_proto(ip2);
	odst2 = ip_get_dst(ip2);
	isum = icmp + ICMP_F_SUM;
	switch (proto2) {
	case IPPROTO_UDP:
	case IPPROTO_TCP:
		lnk = natd_link_out(ns, proto2, odst2,
		    wire_get16(l42 + UDP_F_DPORT), false);
		break;
	case IPPROTO_ICMP:
		if (icmp_get_type(l42) != ICMP_ECHO &&
		    icmp_get_type(l42) != NATD_ICMP_TSTAMP)
			return (NATD_IGNORED);
		lnk = natd_link_out(ns, proto2, odst2, icmp_get_echo_id(l42),
		    false);
		break;
	default:
		return (NATD_IGNORED);
	}
	if (lnk == NULL)
		return (NATD_IGNORED);
	if (ip_get_src(buf) == odst2)
		natd_set32(buf + IP_F_SRC, ns->alias, buf + IP_F_SUM, NULL);
	natd_set32(ip2 + IP_F_DST, ns->alias, isum, NULL);
	if (proto2 == IPPROTO_ICMP)
		natd_set16(l42 + ICMP_F_ID, lnk->alias_port, isum, NULL);
	else
		natd_set16(l42 + UDP_F_DPORT, lnk->alias_port, isum, NULL);
	return (NATD_ALIASED);
}

int
natd_out(struct natd_state *ns, uint8_t *buf, size_t len)
{
	struct natd_link *lnk;
	uint8_t *l4, *l4sum, *ipsum;
	size_t l4len;
	uint32_t src;
	uint8_t proto, type;

	if (ip_check_len(buf, len) != IP_CHECK_OK)
		return (NATD_IGNORED);
	ipsum = buf + IP_F_SUM;
	src = ip_get_src(buf);
	proto = ip_get_proto(buf);

	/* FragmentOut(): no ports here, only the address. */
	if (ip_get_off_frag_units(buf) != 0) {
		natd_set32(buf + IP_F_SRC, ns->alias, ipsum, NULL);
		return (NATD_ALIASED);
	}

	switch (proto) {
	case IPPROTO_UDP:
	case IPPROTO_TCP:
		l4 = natd_l4(buf, proto, &l4len);
		if (l4 == NULL)
			return (NATD_IGNORED);
		lnk = natd_link_out(ns, proto, src, wire_get16(l4), true);
		if (lnk == NULL)
			return (NATD_IGNORED);
		/* The source address is also in the pseudo-header. */
		l4sum = natd_l4_sum(l4, proto);
		natd_set16(l4, lnk->alias_port, l4sum, NULL);
		natd_set32(buf + IP_F_SRC, ns->alias, ipsum, l4sum);
		if (proto == IPPROTO_UDP)
			natd_udp_sum_finish(l4sum);
		return (NATD_ALIASED);
	case IPPROTO_ICMP:
		l4 = natd_l4(buf, proto, &l4len);
		if (l4 == NULL)
			return (NATD_IGNORED);
		type = icmp_get_type(l4);
		/* IcmpAliasOut(): queries with code 0 and replies by id
		 * (IcmpAliasOut1()), errors by what they quote (Out2). */
		if (type == ICMP_UNREACH || type == NATD_ICMP_SOURCEQUENCH ||
		    type == ICMP_TIMXCEED || type == NATD_ICMP_PARAMPROB)
			return (natd_out_icmp_error(ns, buf, l4, l4len));
		if (!((type == ICMP_ECHO || type == NATD_ICMP_TSTAMP) &&
		    icmp_get_code(l4) == 0) && type != ICMP_ECHOREPLY &&
		    type != NATD_ICMP_TSTAMPREPLY)
			return (NATD_IGNORED);
		lnk = natd_link_out(ns, proto, src, icmp_get_echo_id(l4),
		    true);
		if (lnk == NULL)
			return (NATD_IGNORED);
		/* IcmpAliasOut1(): the ICMP checksum has no pseudo-header. */
		natd_set16(l4 + ICMP_F_ID, lnk->alias_port, l4 + ICMP_F_SUM,
		    NULL);
		natd_set32(buf + IP_F_SRC, ns->alias, ipsum, NULL);
		return (NATD_ALIASED);
	default:
		return (NATD_IGNORED);
	}
}

/*
 * IcmpAliasIn2(): an ICMP error about a packet we aliased quotes that
 * packet (source = alias address, source port or echo id = alias).  Put the
 * original address and port back into the quoted header and the original
 * address into the outer destination.  The quoted packet's own UDP/TCP/ICMP
 * checksum is left alone (its payload is cut short anyway), as libalias
 * does.
 */
static int
natd_in_icmp_error(struct natd_state *ns, uint8_t *buf, uint8_t *icmp,
    size_t icmp_len)
{
	struct natd_link *lnk;
	uint8_t *ip2, *l42, *isum;
	uint16_t old_sum2;
	uint8_t proto2;

	if (!natd_quoted(icmp, icmp_len, &ip2, &l42) ||
	    ip_get_src(ip2) != ns->alias)
		return (NATD_IGNORED);
	proto2 = ip_get_proto(ip2);
	isum = icmp + ICMP_F_SUM;
	switch (proto2) {
	case IPPROTO_UDP:
	case IPPROTO_TCP:
		lnk = natd_link_in(ns, proto2, wire_get16(l42));
		break;
	case IPPROTO_ICMP:
		if (icmp_get_type(l42) != ICMP_ECHO &&
		    icmp_get_type(l42) != NATD_ICMP_TSTAMP)
			return (NATD_IGNORED);
		lnk = natd_link_in(ns, proto2, icmp_get_echo_id(l42));
		break;
	default:
		return (NATD_IGNORED);
	}
	if (lnk == NULL)
		return (NATD_IGNORED);

	/*
	 * The outer ICMP checksum covers the quoted bytes, including the
	 * quoted header checksum, so every quoted change updates it too.
	 */
	old_sum2 = wire_get16(ip2 + IP_F_SUM);
	natd_set32(ip2 + IP_F_SRC, lnk->orig_addr, ip2 + IP_F_SUM, isum);
	wire_put16(isum, in_cksum_update(wire_get16(isum), old_sum2,
	    wire_get16(ip2 + IP_F_SUM)));
	if (proto2 == IPPROTO_ICMP)
		natd_set16(l42 + ICMP_F_ID, lnk->orig_port, isum, NULL);
	else
		natd_set16(l42, lnk->orig_port, isum, NULL);
	natd_set32(buf + IP_F_DST, lnk->orig_addr, buf + IP_F_SUM, NULL);
	return (NATD_ALIASED);
}

int
natd_in(struct natd_state *ns, uint8_t *buf, size_t len)
{
	struct natd_link *lnk;
	struct natd_frag *fr;
	uint8_t *l4, *l4sum, *ipsum;
	size_t l4len;
	uint64_t k;
	uint8_t proto, type;

	if (ip_check_len(buf, len) != IP_CHECK_OK)
		return (NATD_IGNORED);
	if (ip_get_dst(buf) != ns->alias)
		return (NATD_IGNORED);
	ipsum = buf + IP_F_SUM;
	proto = ip_get_proto(buf);

	/* FragmentIn(): by the first fragment's (proto, source, id). */
	if (ip_get_off_frag_units(buf) != 0) {
		k = natd_out_key(proto, ip_get_src(buf), ip_get_id(buf));
		fr = g_hash_table_lookup(ns->frags, &k);
		if (fr == NULL)
			return (NATD_UNRESOLVED);
		natd_set32(buf + IP_F_DST, fr->orig_addr, ipsum, NULL);
		return (NATD_ALIASED);
	}

	l4 = natd_l4(buf, proto, &l4len);
	lnk = NULL;
	switch (proto) {
	case IPPROTO_UDP:
	case IPPROTO_TCP:
		if (l4 == NULL)
			return (NATD_IGNORED);
		lnk = natd_link_in(ns, proto, wire_get16(l4 + UDP_F_DPORT));
		if (lnk == NULL)
			return (NATD_IGNORED);
		l4sum = natd_l4_sum(l4, proto);
		natd_set16(l4 + UDP_F_DPORT, lnk->orig_port, l4sum, NULL);
		natd_set32(buf + IP_F_DST, lnk->orig_addr, ipsum, l4sum);
		if (proto == IPPROTO_UDP)
			natd_udp_sum_finish(l4sum);
		break;
	case IPPROTO_ICMP:
		if (l4 == NULL)
			return (NATD_IGNORED);
		type = icmp_get_type(l4);
		if (type == ICMP_ECHOREPLY || type == NATD_ICMP_TSTAMPREPLY) {
			lnk = natd_link_in(ns, proto, icmp_get_echo_id(l4));
			if (lnk == NULL)
				return (NATD_IGNORED);
			natd_set16(l4 + ICMP_F_ID, lnk->orig_port,
			    l4 + ICMP_F_SUM, NULL);
			natd_set32(buf + IP_F_DST, lnk->orig_addr, ipsum, NULL);
			break;
		}
		if (type == ICMP_UNREACH || type == NATD_ICMP_SOURCEQUENCH ||
		    type == ICMP_TIMXCEED || type == NATD_ICMP_PARAMPROB)
			return (natd_in_icmp_error(ns, buf, l4, l4len));
		if (type != ICMP_ECHO && type != NATD_ICMP_TSTAMP)
			return (NATD_IGNORED);
		/*
		 * A query to the alias address (IcmpAliasIn1() through
		 * FindIcmpIn(create)): the link of that id if one exists
		 * (the query goes to its inside host); else, unless
		 * -deny_incoming, a new link from the alias address to
		 * itself with the same id, so this host's own reply keeps
		 * the id on the way out.
		 */
		lnk = natd_link_in(ns, proto, icmp_get_echo_id(l4));
		if (lnk == NULL) {
			if (ns->deny_incoming)
				return (NATD_IGNORED);
			(void)natd_link_add(ns, proto, ns->alias,
			    icmp_get_echo_id(l4), icmp_get_echo_id(l4));
			return (NATD_ALIASED);
		}
		natd_set16(l4 + ICMP_F_ID, lnk->orig_port, l4 + ICMP_F_SUM,
		    NULL);
		natd_set32(buf + IP_F_DST, lnk->orig_addr, ipsum, NULL);
		break;
	default:
		return (NATD_IGNORED);
	}

	/* A first fragment: remember where its followers go. */
	if (ip_get_mf(buf)) {
		fr = g_new0(struct natd_frag, 1);
		fr->key = natd_out_key(proto, ip_get_src(buf), ip_get_id(buf));
		fr->orig_addr = lnk->orig_addr;
		g_hash_table_replace(ns->frags, &fr->key, fr);
	}
	return (NATD_ALIASED);
}

/* -redirect_port tcp|udp ADDR:PORT PUBLICPORT, one of natd(8)'s forms. */
struct natd_redirect {
	uint8_t		 proto;
	uint32_t	 laddr;
	uint16_t	 lport, aport;
	int		 arg;		/* index of PUBLICPORT, for errors */
};

static bool
natd_parse_redirect(int argc, char *const argv[], int i,
    struct natd_redirect *r, int *bad_arg, GError **err)
{
	struct in_addr a;
	const char *colon;
	char *addr;
	uint64_t v;
	bool ok;

	if (i + 3 >= argc) {
		*bad_arg = argc;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0, "natd: "
		    "-redirect_port needs tcp|udp ADDR:PORT PUBLICPORT");
		return (false);
	}
	*bad_arg = i + 1;
	if (strcmp(argv[i + 1], "tcp") != 0 &&
	    strcmp(argv[i + 1], "udp") != 0) {
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
		    "natd: '%s' is not tcp or udp", argv[i + 1]);
		return (false);
	}
	r->proto = argv[i + 1][0] == 't' ? IPPROTO_TCP : IPPROTO_UDP;
	*bad_arg = i + 2;
	colon = strrchr(argv[i + 2], ':');
	ok = colon != NULL;
	if (ok) {
		addr = g_strndup(argv[i + 2], (gsize)(colon - argv[i + 2]));
		ok = app_parse_addr(addr, &a) &&
		    app_parse_uint(colon + 1, 65535, &v) && v > 0;
		g_free(addr);
	}
	if (!ok) {
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
		    "natd: '%s' is not ADDR:PORT", argv[i + 2]);
		return (false);
	}
	r->laddr = ntohl(a.s_addr);
	r->lport = (uint16_t)v;
	*bad_arg = i + 3;
	if (!app_parse_uint(argv[i + 3], 65535, &v) || v == 0) {
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
		    "natd: '%s' is not a port (1..65535)", argv[i + 3]);
		return (false);
	}
	r->aport = (uint16_t)v;
	r->arg = i + 3;
	return (true);
}

static bool
natd_init(int argc, char *const argv[], void **state, int *bad_arg,
    GError **err)
{
	struct natd_state *ns;
	struct in_addr alias;
	bool have_alias, deny, same;
	GArray *redirects;
	struct natd_redirect r;
	guint k;
	int i;

	have_alias = false;
	deny = false;
	same = false;
	alias.s_addr = 0;
	redirects = g_array_new(FALSE, FALSE, sizeof(struct natd_redirect));
	for (i = 0; i < argc; i++) {
		*bad_arg = i;
		if (strcmp(argv[i], "-a") == 0 ||
		    strcmp(argv[i], "-alias_address") == 0) {
			if (i + 1 >= argc) {
				*bad_arg = i + 1;
				g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
				    "natd: %s needs an address", argv[i]);
				g_array_free(redirects, TRUE);
				return (false);
			}
			i++;
			*bad_arg = i;
			if (!app_parse_addr(argv[i], &alias)) {
				g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
				    "natd: '%s' is not an IPv4 address",
				    argv[i]);
				g_array_free(redirects, TRUE);
				return (false);
			}
			have_alias = true;
		} else if (strcmp(argv[i], "-redirect_port") == 0) {
			if (!natd_parse_redirect(argc, argv, i, &r, bad_arg,
			    err)) {
				g_array_free(redirects, TRUE);
				return (false);
			}
			g_array_append_val(redirects, r);
			i += 3;
		} else if (strcmp(argv[i], "-deny_incoming") == 0 ||
		    strcmp(argv[i], "-d") == 0) {
			deny = true;
		} else if (strcmp(argv[i], "-same_ports") == 0 ||
		    strcmp(argv[i], "-s") == 0) {
			same = true;
		} else {
			g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
			    "natd: unknown option '%s'", argv[i]);
			g_array_free(redirects, TRUE);
			return (false);
		}
	}
	if (!have_alias) {
		*bad_arg = argc;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
		    "natd needs -a ADDR (the alias address)");
		g_array_free(redirects, TRUE);
		return (false);
	}
	ns = natd_new(alias, deny);
	natd_set_same_ports(ns, same);
	for (k = 0; k < redirects->len; k++) {
		r = g_array_index(redirects, struct natd_redirect, k);
		if (!natd_redirect_port(ns, r.proto, r.laddr, r.lport,
		    r.aport)) {
			*bad_arg = r.arg;
			g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
			    "natd: -redirect_port: port %u or %s already "
			    "redirected", r.aport, argv[r.arg - 1]);
			natd_free(ns);
			ns = NULL;
			break;
		}
	}
	g_array_free(redirects, TRUE);
	*state = ns;
	return (ns != NULL);
}

static void
natd_packet(struct proc *p, void *state, uint8_t *buf, size_t len,
    struct sockaddr_in *from)
{
	struct natd_state *ns = state;
	size_t ip_len;
	int status;

	/* The port draws: the scenario's seed, the host, the port. */
	if (!ns->seeded)
		natd_set_seed(ns, proc_seed(p));

	if (from->sin_addr.s_addr == htonl(INADDR_ANY)) {
		(void)natd_out(ns, buf, len);
	} else {
		status = natd_in(ns, buf, len);
		if (status == NATD_IGNORED && ns->deny_incoming)
			return;
	}
	/* natd writes ntohs(ip_len) bytes: aliasing may change the size. */
	ip_len = len >= IP_HDR_MIN_BYTES ? ip_get_len_bytes(buf) : len;
	if (ip_len < IP_HDR_MIN_BYTES || ip_len > len)
		ip_len = len;
	(void)proc_sendto(p, buf, ip_len, from, sizeof(*from));
}

static void
natd_fini(void *state)
{

	natd_free(state);
}

const struct divert_program divert_prog_natd = {
	.api_version = DIVERTSIM_PROGRAM_API_VERSION,
	.name = "natd",
	.usage = "natd -a ADDR [-deny_incoming] [-same_ports] "
	    "[-redirect_port tcp|udp ADDR:PORT PUBLICPORT]",
	.init = natd_init,
	.packet = natd_packet,
	.fini = natd_fini,
};

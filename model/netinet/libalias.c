/*
 * libalias: one translation core for natd(8) and ipfw's in-kernel nat, a
 * small sys/netinet/libalias (alias.c, alias_db.c):
 *  - a link per (protocol, original source address, original source port
 *    or ICMP echo id), found again by (protocol, alias port or id); the
 *    alias port is drawn as GetNewPort() (alias_db.c) draws it:
 *    ALIAS_PORT_BASE + (random & ALIAS_PORT_MASK), up to
 *    GET_NEW_PORT_MAX_ATTEMPTS draws for one no other link of the
 *    protocol holds; with PKT_ALIAS_SAME_PORTS the original port is tried
 *    first.  Links do not record the remote end and never expire;
 *  - outgoing (LibAliasOut()): UDP, TCP, ICMP echo and timestamp requests
 *    (code 0) and replies by id, and ICMP errors about a packet that came
 *    in through a link (IcmpAliasOut2(): the quoted destination and port
 *    become the alias, the outer source too when the error comes from the
 *    host the quoted packet was for; the quoted header checksum is left
 *    alone, the ICMP one is adjusted).  With PKT_ALIAS_UNREGISTERED_ONLY a
 *    source outside 10/8, 172.16/12 and 192.168/16 is left alone;
 *  - incoming (LibAliasIn()): replies and ICMP errors quoting an aliased
 *    packet (IcmpAliasIn2()); a query to the alias address makes a link to
 *    the alias itself unless PKT_ALIAS_DENY_INCOMING; other protocols and
 *    other ICMP types are ignored;
 *  - non-first fragments: outgoing ones get the alias source address
 *    (FragmentOut()); incoming ones are translated when the first fragment
 *    of the same (protocol, source, IP id) was (FragmentIn()), and are
 *    otherwise PKT_ALIAS_UNRESOLVED_FRAGMENT, untouched;
 *  - every checksum touched is updated incrementally (RFC 1624), as
 *    DifferentialChecksum() does: the IP header checksum, the UDP/TCP
 *    checksum for the address and port (a UDP checksum of 0 stays 0), the
 *    ICMP checksum for the id and for a quoted header.
 */
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <glib.h>

#include "netinet/libalias.h"
#include "pkt/in_cksum.h"
#include "wire/wire_icmp.h"
#include "wire/wire_ip.h"
#include "wire/wire_udp.h"

/* ICMP types libalias knows besides echo and unreach (RFC 792). */
#define	LA_ICMP_SOURCEQUENCH	4
#define	LA_ICMP_PARAMPROB	12
#define	LA_ICMP_TSTAMP		13
#define	LA_ICMP_TSTAMPREPLY	14

#define	TCP_F_SUM		16
#define	TCP_HDR_PORTS_SUM	18	/* bytes up to the end of th_sum */

struct alias_link {
	uint64_t	 out_key;	/* proto, original address and port */
	uint64_t	 in_key;	/* proto, alias port */
	uint8_t		 proto;
	bool		 permanent;	/* a redirect (LINK_PERMANENT) */
	uint32_t	 orig_addr;	/* host order */
	uint16_t	 orig_port;	/* or ICMP id */
	uint16_t	 alias_port;	/* or ICMP id */
};

/* An incoming first fragment that was translated (FragmentIn()). */
struct alias_frag {
	uint64_t	 key;		/* proto, remote source, IP id */
	uint32_t	 orig_addr;	/* host order */
};

struct libalias {
	uint32_t	 alias;		/* host order */
	unsigned	 mode;		/* PKT_ALIAS_* */
	GHashTable	*out_links;	/* &out_key -> link (owns the links) */
	GHashTable	*in_links;	/* &in_key -> link */
	GHashTable	*frags;		/* &key -> frag (owns) */
	bool		 seeded;
	uint32_t	 seed;
	GRand		*rand;		/* made at the first draw */
};

static uint64_t
out_key(uint8_t proto, uint32_t addr, uint16_t port)
{

	return ((uint64_t)proto << 48 | (uint64_t)addr << 16 | port);
}

static uint64_t
in_key(uint8_t proto, uint16_t alias_port)
{

	return ((uint64_t)proto << 16 | alias_port);
}

struct libalias *
libalias_init(void)
{
	struct libalias *la;

	la = g_new0(struct libalias, 1);
	la->out_links = g_hash_table_new_full(g_int64_hash, g_int64_equal,
	    NULL, g_free);
	la->in_links = g_hash_table_new(g_int64_hash, g_int64_equal);
	la->frags = g_hash_table_new_full(g_int64_hash, g_int64_equal,
	    NULL, g_free);
	return (la);
}

void
libalias_uninit(struct libalias *la)
{

	if (la == NULL)
		return;
	g_hash_table_destroy(la->in_links);
	g_hash_table_destroy(la->out_links);
	g_hash_table_destroy(la->frags);
	if (la->rand != NULL)
		g_rand_free(la->rand);
	g_free(la);
}

/* DeleteLink() of every link, the permanent ones only when asked. */
static void
cleanup_alias_data(struct libalias *la, bool delete_permanent)
{
	GHashTableIter it;
	struct alias_link *lnk;

	g_hash_table_iter_init(&it, la->out_links);
	while (g_hash_table_iter_next(&it, NULL, (gpointer *)&lnk)) {
		if (lnk->permanent && !delete_permanent)
			continue;
		g_hash_table_remove(la->in_links, &lnk->in_key);
		g_hash_table_iter_remove(&it);
	}
	g_hash_table_remove_all(la->frags);
}

void
libalias_set_address(struct libalias *la, uint32_t addr)
{

	if ((la->mode & PKT_ALIAS_RESET_ON_ADDR_CHANGE) != 0 &&
	    la->alias != addr)
		cleanup_alias_data(la, false);
	la->alias = addr;
}

uint32_t
libalias_address(const struct libalias *la)
{

	return (la->alias);
}

void
libalias_set_mode(struct libalias *la, unsigned flags, unsigned mask)
{

	la->mode = (flags & mask) | (la->mode & ~mask);
}

unsigned
libalias_mode(const struct libalias *la)
{

	return (la->mode);
}

void
libalias_set_seed(struct libalias *la, uint32_t seed)
{

	if (la->rand != NULL) {
		g_rand_free(la->rand);
		la->rand = NULL;
	}
	la->seed = seed;
	la->seeded = true;
}

bool
libalias_has_seed(const struct libalias *la)
{

	return (la->seeded);
}

unsigned
libalias_nlinks(const struct libalias *la)
{

	return (g_hash_table_size(la->out_links));
}

static bool
port_free(const struct libalias *la, uint8_t proto, uint16_t port)
{
	uint64_t k;

	k = in_key(proto, port);
	return (!g_hash_table_contains(la->in_links, &k));
}

/* GetNewPort()'s draw: ALIAS_PORT_BASE + (arc4random() & ALIAS_PORT_MASK). */
static uint16_t
random_port(struct libalias *la)
{

	if (la->rand == NULL)
		la->rand = g_rand_new_with_seed(la->seed);
	return ((uint16_t)(ALIAS_PORT_BASE +
	    (g_rand_int(la->rand) & ALIAS_PORT_MASK)));
}

/* AddLink(): a link from (proto, addr, port) to alias port aport. */
static struct alias_link *
add_link(struct libalias *la, uint8_t proto, uint32_t addr, uint16_t port,
    uint16_t aport)
{
	struct alias_link *lnk;

	lnk = g_new0(struct alias_link, 1);
	lnk->out_key = out_key(proto, addr, port);
	lnk->in_key = in_key(proto, aport);
	lnk->proto = proto;
	lnk->orig_addr = addr;
	lnk->orig_port = port;
	lnk->alias_port = aport;
	g_hash_table_insert(la->out_links, &lnk->out_key, lnk);
	g_hash_table_insert(la->in_links, &lnk->in_key, lnk);
	return (lnk);
}

/*
 * The link of an outgoing flow, made on first use (create), or NULL.
 * NULL too when GetNewPort() finds no free alias port in
 * GET_NEW_PORT_MAX_ATTEMPTS draws.
 */
static struct alias_link *
find_link_out(struct libalias *la, uint8_t proto, uint32_t addr,
    uint16_t port, bool create)
{
	struct alias_link *lnk;
	uint64_t k;
	int tries;
	uint16_t aport;

	k = out_key(proto, addr, port);
	lnk = g_hash_table_lookup(la->out_links, &k);
	if (lnk != NULL || !create)
		return (lnk);

	/* PKT_ALIAS_SAME_PORTS: the original port first, then draws. */
	aport = (la->mode & PKT_ALIAS_SAME_PORTS) != 0 ? port :
	    random_port(la);
	for (tries = 0; tries < GET_NEW_PORT_MAX_ATTEMPTS; tries++) {
		if (port_free(la, proto, aport))
			break;
		aport = random_port(la);
	}
	if (tries == GET_NEW_PORT_MAX_ATTEMPTS)
		return (NULL);
	return (add_link(la, proto, addr, port, aport));
}

static struct alias_link *
find_link_in(struct libalias *la, uint8_t proto, uint16_t aport)
{
	uint64_t k;

	k = in_key(proto, aport);
	return (g_hash_table_lookup(la->in_links, &k));
}

bool
libalias_redirect_port(struct libalias *la, uint8_t proto, uint32_t laddr,
    uint16_t lport, uint16_t aport)
{
	uint64_t k;

	k = out_key(proto, laddr, lport);
	if (!port_free(la, proto, aport) ||
	    g_hash_table_contains(la->out_links, &k))
		return (false);
	add_link(la, proto, laddr, lport, aport)->permanent = true;
	return (true);
}

void
libalias_redirect_delete_all(struct libalias *la)
{
	GHashTableIter it;
	struct alias_link *lnk;

	g_hash_table_iter_init(&it, la->out_links);
	while (g_hash_table_iter_next(&it, NULL, (gpointer *)&lnk)) {
		if (!lnk->permanent)
			continue;
		g_hash_table_remove(la->in_links, &lnk->in_key);
		g_hash_table_iter_remove(&it);
	}
}

/*
 * Store v in the 16-bit field at f and update the checksums at sum1 and
 * sum2 (either may be NULL) for the change, RFC 1624 eqn. 3.
 */
static void
set16(uint8_t *f, uint16_t v, uint8_t *sum1, uint8_t *sum2)
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
set32(uint8_t *f, uint32_t v, uint8_t *sum1, uint8_t *sum2)
{

	set16(f, (uint16_t)(v >> 16), sum1, sum2);
	set16(f + 2, (uint16_t)v, sum1, sum2);
}

/*
 * The L4 header of buf, if whole enough to translate: the ports and the
 * checksum for UDP and TCP, the first 8 bytes for ICMP.
 */
static uint8_t *
l4_header(uint8_t *buf, uint8_t proto, size_t *l4len)
{
	size_t hlen, need;

	hlen = ip_get_hlen_bytes(buf);
	*l4len = ip_get_len_bytes(buf) - hlen;
	need = proto == IPPROTO_TCP ? TCP_HDR_PORTS_SUM :
	    proto == IPPROTO_UDP ? UDP_HDR_BYTES : ICMP_MINLEN;
	return (*l4len >= need ? buf + hlen : NULL);
}

/*
 * Put addr into the IP address at addr_off and port into the port (or
 * ICMP id) at port_off of the L4 header, fixing the IP checksum and the
 * L4 one: TCP and UDP cover the address too (pseudo-header), ICMP only
 * the id.  A UDP checksum of 0 (none sent) stays 0, and a computed 0 is
 * sent as 0xffff (RFC 768).
 */
static void
alias_rewrite(uint8_t *buf, uint8_t *l4, uint8_t proto, size_t addr_off,
    uint32_t addr, size_t port_off, uint16_t port)
{
	uint8_t *l4sum, *addrsum;

	if (proto == IPPROTO_ICMP) {
		l4sum = l4 + ICMP_F_SUM;
		addrsum = NULL;
	} else {
		l4sum = proto == IPPROTO_TCP ? l4 + TCP_F_SUM :
		    udp_get_sum(l4) == 0 ? NULL : l4 + UDP_F_SUM;
		addrsum = l4sum;
	}
	set16(l4 + port_off, port, l4sum, NULL);
	set32(buf + addr_off, addr, buf + IP_F_SUM, addrsum);
	if (proto == IPPROTO_UDP && l4sum != NULL && wire_get16(l4sum) == 0)
		wire_put16(l4sum, 0xffff);
}

/*
 * The header an ICMP error quotes (ip2) and the 8 bytes after it (l42):
 * false when the message is too short to hold them, as libalias reads
 * the quoted header and ports without more checks.
 */
static bool
icmp_quoted(uint8_t *icmp, size_t icmp_len, uint8_t **ip2, uint8_t **l42)
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

static bool
icmp_is_error(uint8_t type)
{

	return (type == ICMP_UNREACH || type == LA_ICMP_SOURCEQUENCH ||
	    type == ICMP_TIMXCEED || type == LA_ICMP_PARAMPROB);
}

/*
 * The link an ICMP error's quoted packet belongs to: by its port (or echo
 * id) at port_off of the quoted L4 header, outgoing (the quoted packet
 * came in: its destination is the original address) or incoming (it went
 * out aliased: its source port is the alias).  NULL when none.
 */
static struct alias_link *
quoted_link(struct libalias *la, uint8_t *ip2, uint8_t *l42, bool out)
{
	uint8_t proto2 = ip_get_proto(ip2);
	uint16_t port;

	switch (proto2) {
	case IPPROTO_UDP:
	case IPPROTO_TCP:
		port = wire_get16(l42 + (out ? UDP_F_DPORT : 0));
		break;
	case IPPROTO_ICMP:
		if (icmp_get_type(l42) != ICMP_ECHO &&
		    icmp_get_type(l42) != LA_ICMP_TSTAMP)
			return (NULL);
		port = icmp_get_echo_id(l42);
		break;
	default:
		return (NULL);
	}
	return (out ? find_link_out(la, proto2, ip_get_dst(ip2), port, false) :
	    find_link_in(la, proto2, port));
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
icmp_alias_out2(struct libalias *la, uint8_t *buf, uint8_t *icmp,
    size_t icmp_len)
{
	struct alias_link *lnk;
	uint8_t *ip2, *l42, *isum;

	if (!icmp_quoted(icmp, icmp_len, &ip2, &l42) ||
	    (lnk = quoted_link(la, ip2, l42, true)) == NULL)
		return (PKT_ALIAS_IGNORED);
	isum = icmp + ICMP_F_SUM;
	if (ip_get_src(buf) == ip_get_dst(ip2))
		set32(buf + IP_F_SRC, la->alias, buf + IP_F_SUM, NULL);
	set32(ip2 + IP_F_DST, la->alias, isum, NULL);
	set16(l42 + (ip_get_proto(ip2) == IPPROTO_ICMP ? ICMP_F_ID :
	    UDP_F_DPORT), lnk->alias_port, isum, NULL);
	return (PKT_ALIAS_OK);
}

/*
 * IcmpAliasIn2(): an ICMP error about a packet we aliased quotes that
 * packet (source = alias address, source port or echo id = alias).  Put
 * the original address and port back into the quoted header and the
 * original address into the outer destination.  The quoted packet's own
 * UDP/TCP/ICMP checksum is left alone (its payload is cut short anyway),
 * as libalias does.
 */
static int
icmp_alias_in2(struct libalias *la, uint8_t *buf, uint8_t *icmp,
    size_t icmp_len)
{
	struct alias_link *lnk;
	uint8_t *ip2, *l42, *isum;
	uint16_t old_sum2;

	if (!icmp_quoted(icmp, icmp_len, &ip2, &l42) ||
	    ip_get_src(ip2) != la->alias ||
	    (lnk = quoted_link(la, ip2, l42, false)) == NULL)
		return (PKT_ALIAS_IGNORED);
	isum = icmp + ICMP_F_SUM;
	/*
	 * The outer ICMP checksum covers the quoted bytes, including the
	 * quoted header checksum, so every quoted change updates it too.
	 */
	old_sum2 = wire_get16(ip2 + IP_F_SUM);
	set32(ip2 + IP_F_SRC, lnk->orig_addr, ip2 + IP_F_SUM, isum);
	wire_put16(isum, in_cksum_update(wire_get16(isum), old_sum2,
	    wire_get16(ip2 + IP_F_SUM)));
	set16(l42 + (ip_get_proto(ip2) == IPPROTO_ICMP ? ICMP_F_ID : 0),
	    lnk->orig_port, isum, NULL);
	set32(buf + IP_F_DST, lnk->orig_addr, buf + IP_F_SUM, NULL);
	return (PKT_ALIAS_OK);
}

/* 10/8, 172.16/12, 192.168/16: LibAliasOut()'s UNREG_ADDR_* classes. */
static bool
is_unregistered(uint32_t a)
{

	return ((a >> 24) == 10 || (a >> 20) == 0xac1 || (a >> 16) == 0xc0a8);
}

/*
 * The port (or ICMP id) field of a first fragment's L4 header libalias
 * aliases, or -1: UDP and TCP by port, ICMP echo/timestamp requests with
 * code 0 and their replies by id (IcmpAliasOut1()); 0 for an ICMP error.
 */
static int
out_port_field(uint8_t proto, const uint8_t *l4)
{
	uint8_t type;

	if (proto != IPPROTO_ICMP)
		return (0);
	type = icmp_get_type(l4);
	if (icmp_is_error(type))
		return (0);
	if (((type == ICMP_ECHO || type == LA_ICMP_TSTAMP) &&
	    icmp_get_code(l4) == 0) || type == ICMP_ECHOREPLY ||
	    type == LA_ICMP_TSTAMPREPLY)
		return (ICMP_F_ID);
	return (-1);
}

/*
 * What both directions check first: a whole IPv4 header and the
 * protocols libalias handles.  The L4 header (NULL when too short) and
 * its length are returned through l4 and l4len.
 */
static bool
alias_prologue(uint8_t *buf, size_t len, uint8_t **l4, size_t *l4len)
{
	uint8_t proto;

	if (ip_check_len(buf, len) != IP_CHECK_OK)
		return (false);
	proto = ip_get_proto(buf);
	*l4 = NULL;
	*l4len = 0;
	if (ip_get_off_frag_units(buf) == 0)
		*l4 = l4_header(buf, proto, l4len);
	return (true);
}

int
libalias_out(struct libalias *la, uint8_t *buf, size_t len)
{
	struct alias_link *lnk;
	uint8_t *l4;
	size_t l4len;
	uint8_t proto;
	int pf;

	if (!alias_prologue(buf, len, &l4, &l4len))
		return (PKT_ALIAS_IGNORED);
	if ((la->mode & PKT_ALIAS_UNREGISTERED_ONLY) != 0 &&
	    !is_unregistered(ip_get_src(buf)))
		return (PKT_ALIAS_IGNORED);
	proto = ip_get_proto(buf);

	/* FragmentOut(): no ports here, only the address. */
	if (ip_get_off_frag_units(buf) != 0) {
		set32(buf + IP_F_SRC, la->alias, buf + IP_F_SUM, NULL);
		return (PKT_ALIAS_OK);
	}
	if ((proto != IPPROTO_UDP && proto != IPPROTO_TCP &&
	    proto != IPPROTO_ICMP) || l4 == NULL)
		return (PKT_ALIAS_IGNORED);
	pf = out_port_field(proto, l4);
	if (pf < 0)
		return (PKT_ALIAS_IGNORED);
	if (proto == IPPROTO_ICMP && pf == 0)
		return (icmp_alias_out2(la, buf, l4, l4len));
	lnk = find_link_out(la, proto, ip_get_src(buf), wire_get16(l4 + pf),
	    true);
	if (lnk == NULL)
		return (PKT_ALIAS_IGNORED);
	alias_rewrite(buf, l4, proto, IP_F_SRC, la->alias, (size_t)pf,
	    lnk->alias_port);
	return (PKT_ALIAS_OK);
}

int
libalias_in(struct libalias *la, uint8_t *buf, size_t len)
{
	struct alias_link *lnk;
	struct alias_frag *fr;
	uint8_t *l4;
	size_t l4len, pf;
	uint64_t k;
	uint8_t proto, type;

	if (!alias_prologue(buf, len, &l4, &l4len) ||
	    ip_get_dst(buf) != la->alias)
		return (PKT_ALIAS_IGNORED);
	proto = ip_get_proto(buf);

	/* FragmentIn(): by the first fragment's (proto, source, id). */
	if (ip_get_off_frag_units(buf) != 0) {
		k = out_key(proto, ip_get_src(buf), ip_get_id(buf));
		fr = g_hash_table_lookup(la->frags, &k);
		if (fr == NULL)
			return (PKT_ALIAS_UNRESOLVED_FRAGMENT);
		set32(buf + IP_F_DST, fr->orig_addr, buf + IP_F_SUM, NULL);
		return (PKT_ALIAS_OK);
	}
	if ((proto != IPPROTO_UDP && proto != IPPROTO_TCP &&
	    proto != IPPROTO_ICMP) || l4 == NULL)
		return (PKT_ALIAS_IGNORED);
	pf = UDP_F_DPORT;
	if (proto == IPPROTO_ICMP) {
		type = icmp_get_type(l4);
		if (icmp_is_error(type))
			return (icmp_alias_in2(la, buf, l4, l4len));
		if (type != ICMP_ECHOREPLY && type != LA_ICMP_TSTAMPREPLY &&
		    type != ICMP_ECHO && type != LA_ICMP_TSTAMP)
			return (PKT_ALIAS_IGNORED);
		pf = ICMP_F_ID;
	}
	lnk = find_link_in(la, proto, wire_get16(l4 + pf));
	if (lnk == NULL) {
		/*
		 * A query to the alias address (IcmpAliasIn1() through
		 * FindIcmpIn(create)): unless PKT_ALIAS_DENY_INCOMING, a new
		 * link from the alias address to itself with the same id,
		 * so this host's own reply keeps the id on the way out.
		 */
		if (proto != IPPROTO_ICMP || (la->mode &
		    PKT_ALIAS_DENY_INCOMING) != 0 ||
		    (type != ICMP_ECHO && type != LA_ICMP_TSTAMP))
			return (PKT_ALIAS_IGNORED);
		(void)add_link(la, proto, la->alias, icmp_get_echo_id(l4),
		    icmp_get_echo_id(l4));
		return (PKT_ALIAS_OK);
	}
	alias_rewrite(buf, l4, proto, IP_F_DST, lnk->orig_addr, pf,
	    lnk->orig_port);

	/* A first fragment: remember where its followers go. */
	if (ip_get_mf(buf)) {
		fr = g_new0(struct alias_frag, 1);
		fr->key = out_key(proto, ip_get_src(buf), ip_get_id(buf));
		fr->orig_addr = lnk->orig_addr;
		g_hash_table_replace(la->frags, &fr->key, fr);
	}
	return (PKT_ALIAS_OK);
}

/* "N" or "N-M" (1..65535, N <= M) into first and count. */
static bool
parse_port_range(const char *s, uint16_t *first, uint16_t *count)
{
	unsigned long lo, hi;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return (false);
	lo = strtoul(s, &end, 10);
	hi = lo;
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9')
			return (false);
		hi = strtoul(end + 1, &end, 10);
	}
	if (*end != '\0' || lo == 0 || hi > 65535 || lo > hi)
		return (false);
	*first = (uint16_t)lo;
	*count = (uint16_t)(hi - lo + 1);
	return (true);
}

char *
libalias_redirect_parse(const char *proto, const char *target,
    const char *alias, struct libalias_redirect *r, int *bad)
{
	const char *colon;
	char *addr;
	struct in_addr a;
	uint16_t lcount, acount;
	bool ok;

	memset(r, 0, sizeof(*r));
	*bad = 0;
	if (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0)
		return (g_strdup_printf("'%s' is not tcp or udp", proto));
	r->proto = proto[0] == 't' ? IPPROTO_TCP : IPPROTO_UDP;
	*bad = 1;
	colon = strrchr(target, ':');
	ok = colon != NULL;
	if (ok) {
		addr = g_strndup(target, (gsize)(colon - target));
		ok = inet_pton(AF_INET, addr, &a) == 1 &&
		    parse_port_range(colon + 1, &r->lport, &lcount);
		g_free(addr);
	}
	if (!ok)
		return (g_strdup_printf("'%s' is not ADDR:PORT[-PORT]",
		    target));
	r->laddr = ntohl(a.s_addr);
	*bad = 2;
	if (strchr(alias, ':') != NULL)
		return (g_strdup_printf("'%s': an alias address of its own "
		    "is not modelled (give PORT[-PORT])", alias));
	if (!parse_port_range(alias, &r->aport, &acount))
		return (g_strdup_printf("'%s' is not a port (1..65535) or "
		    "PORT-PORT", alias));
	/* setup_redir_port(): "port ranges must be equal in size". */
	if (lcount != acount)
		return (g_strdup_printf("'%s': port ranges must be equal in "
		    "size", alias));
	r->count = lcount;
	return (NULL);
}

bool
libalias_redirect_add(struct libalias *la, const struct libalias_redirect *r)
{
	unsigned i, k;

	for (i = 0; i < r->count; i++) {
		if (!libalias_redirect_port(la, r->proto, r->laddr,
		    (uint16_t)(r->lport + i), (uint16_t)(r->aport + i)))
			break;
	}
	if (i == r->count)
		return (true);
	/* Undo the ones made: a redirect is all or nothing. */
	for (k = 0; k < i; k++) {
		uint64_t key = in_key(r->proto, (uint16_t)(r->aport + k));
		struct alias_link *lnk = g_hash_table_lookup(la->in_links,
		    &key);

		g_hash_table_remove(la->in_links, &key);
		g_hash_table_remove(la->out_links, &lnk->out_key);
	}
	return (false);
}

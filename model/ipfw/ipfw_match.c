/*
 * One small test per match option, as the opcode cases of FreeBSD's
 * ipfw_chk() do, over the fields ipfw_args_dissect() filled once per
 * packet.  A test that cannot apply (ports of a non-first fragment, an
 * interface that is not there) does not match; `not` in front of it then
 * does, as ipfw(8) documents.
 */
#include <fnmatch.h>
#include <string.h>

#include <netinet/in.h>

#include <glib.h>

#include "ipfw/ipfw.h"
#include "ipfw/ipfw_engine.h"
#include "ipfw/ipfw_rule.h"
#include "ipfw/ipfw_table.h"



static bool
in_ranges(const struct ipfw_rule *r, const struct ipfw_opt *o, uint32_t v)
{
	for (unsigned k = 0; k < o->n; k++) {
		const struct ipfw_range *x = &r->ranges[o->first + k];

		if (v >= x->lo && v <= x->hi)
			return (true);
	}
	return (false);
}

static bool
in_addrs(const struct ipfw_rule *r, const struct ipfw_opt *o, uint32_t v)
{
	for (unsigned k = 0; k < o->n; k++) {
		const struct ipfw_addr *x = &r->addrs[o->first + k];

		if ((v & x->mask) == x->addr)
			return (true);
	}
	return (false);
}

/* flags_match(): every `set` bit present, every `clear` bit absent. */
static bool
flags_match(const struct ipfw_opt *o, uint8_t bits)
{
	return ((bits & o->u.flags.set) == o->u.flags.set &&
	    (bits & o->u.flags.clear) == 0);
}

/* iface_match(): by name, or by shell pattern (fnmatch) for globs. */
static bool
iface_match(const struct ipfw_opt *o, const char *name)
{
	if (name == NULL)
		return (false);
	if (o->glob)
		return (fnmatch(o->u.ifname, name, 0) == 0);
	return (strcmp(o->u.ifname, name) == 0);
}

static bool
match_proto(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	(void)r;
	return (a->proto == o->u.val);
}

static bool
match_src_me(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	(void)r;
	(void)o;
	return (a->is_me != NULL && a->is_me(a->me_ctx, a->src));
}

static bool
match_dst_me(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	(void)r;
	(void)o;
	return (a->is_me != NULL && a->is_me(a->me_ctx, a->dst));
}

static bool
match_src_addr(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	return (in_addrs(r, o, a->src));
}

static bool
match_dst_addr(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	return (in_addrs(r, o, a->dst));
}

/* O_IP_SRCPORT/O_IP_DSTPORT: TCP or UDP, offset 0 (has_ports says both). */
static bool
match_src_port(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	return (a->has_ports && in_ranges(r, o, a->sport));
}

static bool
match_dst_port(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	return (a->has_ports && in_ranges(r, o, a->dport));
}

/* O_IN: the inbound pass (oif == NULL in FreeBSD). */
static bool
match_in(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	(void)r;
	(void)o;
	return (a->dir == IPFW_DIR_IN);
}

/* O_RECV: the receive interface, on either pass (m->m_pkthdr.rcvif). */
static bool
match_recv(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	(void)r;
	return (iface_match(o, a->rcvif));
}

/* O_XMIT: only the outbound pass has a transmit interface. */
static bool
match_xmit(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	(void)r;
	return (a->dir == IPFW_DIR_OUT && iface_match(o, a->oif));
}

/* O_VIA: the transmit interface if there is one, else the receive one. */
static bool
match_via(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	(void)r;
	if (a->dir == IPFW_DIR_OUT && a->oif != NULL)
		return (iface_match(o, a->oif));
	return (iface_match(o, a->rcvif));
}

/* O_FRAG: a fragment other than the first. */
static bool
match_frag(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	(void)r;
	(void)o;
	return (a->frag_off != 0);
}

/*
 * The next option of an IP or TCP option list p[*i .. end): its kind,
 * where it starts and its length; NOPs skipped; false at EOL, the end
 * or a length below 2.  *i moves past the option.
 */
static bool
next_opt(const uint8_t *p, unsigned *i, unsigned end, uint8_t *kind,
    unsigned *at, unsigned *len)
{
	while (*i < end && p[*i] == 1)		/* NOP */
		(*i)++;
	if (*i >= end || p[*i] == 0)		/* EOL */
		return (false);
	if (*i + 1 >= end || p[*i + 1] < 2)
		return (false);
	*kind = p[*i];
	*at = *i;
	*len = p[*i + 1];
	*i += *len;
	return (true);
}

/* ipopts_match(): the IP_FW_IPOPT_* bits of the options present. */
static uint8_t
ipopt_bits(const struct ipfw_args *a)
{
	unsigned hl, i, at, len;
	uint8_t bits = 0, type;

	if (a->pkt == NULL || a->pkt_len < 20)
		return (0);
	hl = (a->pkt[0] & 0x0fu) * 4u;
	if (hl > a->pkt_len)
		hl = a->pkt_len;
	for (i = 20; next_opt(a->pkt, &i, hl, &type, &at, &len);) {
		switch (type) {
		case 137:		/* IPOPT_SSRR */
			bits |= 0x01;
			break;
		case 131:		/* IPOPT_LSRR */
			bits |= 0x02;
			break;
		case 7:			/* IPOPT_RR */
			bits |= 0x04;
			break;
		case 68:		/* IPOPT_TS */
			bits |= 0x08;
			break;
		default:
			break;
		}
	}
	return (bits);
}

static bool
match_ipopt(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	(void)r;
	/* Bare `ipoptions`: the header carries options at all. */
	if (o->u.flags.set == 0 && o->u.flags.clear == 0)
		return (a->has_ipoptions);
	return (flags_match(o, ipopt_bits(a)));
}

static bool
match_iplen(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	return (in_ranges(r, o, a->ip_len));
}

static bool
match_ipid(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	return (in_ranges(r, o, a->ip_id));
}

static bool
match_ipttl(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	return (in_ranges(r, o, a->ip_ttl));
}

static bool
match_iptos(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	(void)r;
	return (flags_match(o, a->ip_tos));
}

/* O_ICMPTYPE: ICMP, offset 0, type in the 32-bit map. */
static bool
match_icmptype(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	(void)r;
	return (a->proto == IPPROTO_ICMP && a->has_icmp_type &&
	    a->icmp_type < 32 && (o->u.val & (1u << a->icmp_type)) != 0);
}

/* O_DIVERTED: reinjected by a divert socket; 1 = in, 2 = out. */
static bool
match_diverted(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	(void)r;
	if (!a->tag_is_divert)
		return (false);
	return ((o->u.val & (a->tag_divert_out ? 2u : 1u)) != 0);
}

/* O_IP_SRC_LOOKUP/O_IP_DST_LOOKUP: in table N (with value V if given). */
static bool
match_table(const struct ipfw_opt *o, const struct ipfw_args *a,
    uint32_t addr)
{
	uint32_t v;

	if (!ipfw_table_lookup(a->tables, o->first, addr, &v))
		return (false);
	if (o->n != 0 && v != o->u.val)
		return (false);
	/* The value becomes the rule's tablearg: the one field of the
	 * walk's args a test writes (they are ipfw_chk()'s, not const). */
	((struct ipfw_args *)(uintptr_t)a)->tablearg = v;
	return (true);
}

/*
 * O_VERREVPATH: outgoing packets match; incoming ones when the route back
 * to the source leaves by the interface they came in on.
 */
static bool
match_verrevpath(const struct ipfw_args *a)
{
	if (a->dir == IPFW_DIR_OUT || a->rcvif == NULL)
		return (true);
	return (a->verify_path != NULL &&
	    a->verify_path(a->me_ctx, a->src, a->rcvif));
}

/* O_VERSRCREACH: a route to the source, the default one not counting. */
static bool
match_versrcreach(const struct ipfw_args *a)
{
	return (a->verify_path != NULL &&
	    a->verify_path(a->me_ctx, a->src, NULL));
}

/*
 * O_ANTISPOOF: an incoming packet whose source is on one of the host's
 * networks must have come in by the interface of that network's route;
 * everything else matches.
 */
static bool
match_antispoof(const struct ipfw_args *a)
{
	if (a->dir == IPFW_DIR_OUT || a->rcvif == NULL ||
	    a->is_local_net == NULL || !a->is_local_net(a->me_ctx, a->src))
		return (true);
	return (a->verify_path != NULL &&
	    a->verify_path(a->me_ctx, a->src, a->rcvif));
}

/* O_IP_SRC_SET/O_IP_DST_SET: in A/LEN and the host's bit set. */
static bool
match_set(const struct ipfw_rule *r, const struct ipfw_opt *o, uint32_t v)
{
	const struct ipfw_addr *b = &r->addrs[o->first];
	uint32_t h;

	if ((v & b->mask) != b->addr)
		return (false);
	h = v & ~b->mask;
	return ((b[1 + h / 32].addr & (1u << (h % 32))) != 0);
}

/* O_TAGGED: one of the packet's tags is in the list. */
static bool
match_tagged(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	if (a->tags == NULL)
		return (false);
	for (unsigned k = 0; k < *a->ntags; k++)
		if (in_ranges(r, o, a->tags[k]))
			return (true);
	return (false);
}

/* O_IPVER: every packet here is IPv4. */
static bool
match_ipver(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	(void)r;
	(void)a;
	return (o->u.val == 4);
}

/* O_TCPFLAGS: proto TCP, offset 0, flags_match() on th_flags. */
static bool
match_tcpflags(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	(void)r;
	return (a->has_tcp && flags_match(o, a->tcp_flags));
}

/* O_ESTAB: th_flags has TH_ACK or TH_RST. */
static bool
match_estab(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	(void)r;
	(void)o;
	return (a->has_tcp && (a->tcp_flags & (0x10 | 0x04)) != 0);
}

/*
 * The TCP options present, as tcpopts_match()/tcpopts_parse() walk them:
 * IP_FW_TCPOPT_* bits, and the MSS value when there is one.
 */
static uint8_t
tcpopt_bits(const struct ipfw_args *a, int *mss)
{
	unsigned hl, i, end, at, len;
	uint8_t bits = 0, kind;

	*mss = -1;
	if (!a->has_tcp || a->tcp_hlen <= 20)
		return (0);
	hl = (a->pkt[0] & 0x0fu) * 4u;
	end = hl + a->tcp_hlen;
	if (end > a->pkt_len)
		end = a->pkt_len;
	for (i = hl + 20; next_opt(a->pkt, &i, end, &kind, &at, &len);) {
		if (at + len > end)
			break;
		switch (kind) {
		case 2:				/* TCPOPT_MAXSEG */
			bits |= 0x01;
			if (len == 4)
				*mss = a->pkt[at + 2] << 8 | a->pkt[at + 3];
			break;
		case 3:				/* TCPOPT_WINDOW */
			bits |= 0x02;
			break;
		case 4:				/* TCPOPT_SACK_PERMITTED */
		case 5:				/* TCPOPT_SACK */
			bits |= 0x04;
			break;
		case 8:				/* TCPOPT_TIMESTAMP */
			bits |= 0x08;
			break;
		case 11: case 12: case 13:	/* TCPOPT_CC, CCNEW, CCECHO */
			bits |= 0x10;
			break;
		default:
			break;
		}
	}
	return (bits);
}

static bool
match_tcpopts(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	int mss;

	(void)r;
	return (a->has_tcp && flags_match(o, tcpopt_bits(a, &mss)));
}

static bool
match_tcpmss(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	int mss;

	(void)tcpopt_bits(a, &mss);
	return (a->has_tcp && mss >= 0 && in_ranges(r, o, (uint32_t)mss));
}

/* O_TCPDATALEN: ip_len - ip header - tcp header. */
static bool
match_tcpdatalen(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	unsigned hl;

	if (!a->has_tcp)
		return (false);
	hl = (a->pkt[0] & 0x0fu) * 4u + a->tcp_hlen;
	return (a->ip_len >= hl && in_ranges(r, o, a->ip_len - hl));
}

/*
 * One option's test.  A switch rather than a table of function pointers,
 * as ipfw_chk() is one switch: the compiler inlines the small tests, which
 * halves the cost of a rule that does not match.
 */
static inline bool
opt_match(const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	switch ((enum ipfw_op)o->op) {
	case IPFW_O_PROTO:	return (match_proto(r, o, a));
	case IPFW_O_SRC_ME:	return (match_src_me(r, o, a));
	case IPFW_O_SRC_ADDR:	return (match_src_addr(r, o, a));
	case IPFW_O_SRC_PORT:	return (match_src_port(r, o, a));
	case IPFW_O_DST_ME:	return (match_dst_me(r, o, a));
	case IPFW_O_DST_ADDR:	return (match_dst_addr(r, o, a));
	case IPFW_O_DST_PORT:	return (match_dst_port(r, o, a));
	case IPFW_O_IN:		return (match_in(r, o, a));
	case IPFW_O_RECV:	return (match_recv(r, o, a));
	case IPFW_O_XMIT:	return (match_xmit(r, o, a));
	case IPFW_O_VIA:	return (match_via(r, o, a));
	case IPFW_O_FRAG:	return (match_frag(r, o, a));
	case IPFW_O_IPOPT:	return (match_ipopt(r, o, a));
	case IPFW_O_IPLEN:	return (match_iplen(r, o, a));
	case IPFW_O_IPID:	return (match_ipid(r, o, a));
	case IPFW_O_IPTTL:	return (match_ipttl(r, o, a));
	case IPFW_O_IPTOS:	return (match_iptos(r, o, a));
	case IPFW_O_ICMPTYPE:	return (match_icmptype(r, o, a));
	case IPFW_O_DIVERTED:	return (match_diverted(r, o, a));
	case IPFW_O_IPVER:	return (match_ipver(r, o, a));
	case IPFW_O_TCPFLAGS:	return (match_tcpflags(r, o, a));
	case IPFW_O_ESTAB:	return (match_estab(r, o, a));
	case IPFW_O_TCPOPTS:	return (match_tcpopts(r, o, a));
	case IPFW_O_TCPSEQ:	return (a->has_tcp && a->tcp_seq == o->u.val);
	case IPFW_O_TCPACK:	return (a->has_tcp && a->tcp_ack == o->u.val);
	case IPFW_O_TCPWIN:
		return (a->has_tcp && in_ranges(r, o, a->tcp_win));
	case IPFW_O_TCPDATALEN:	return (match_tcpdatalen(r, o, a));
	case IPFW_O_TCPMSS:	return (match_tcpmss(r, o, a));
	case IPFW_O_SRC_SET:	return (match_set(r, o, a->src));
	case IPFW_O_DST_SET:	return (match_set(r, o, a->dst));
	case IPFW_O_TAGGED:	return (match_tagged(r, o, a));
	case IPFW_O_VERREVPATH:	return (match_verrevpath(a));
	case IPFW_O_VERSRCREACH: return (match_versrcreach(a));
	case IPFW_O_ANTISPOOF:	return (match_antispoof(a));
	case IPFW_O_SRC_TABLE:	return (match_table(o, a, a->src));
	case IPFW_O_DST_TABLE:	return (match_table(o, a, a->dst));
	case IPFW_O_NOPS:
		break;
	}
	g_assert_not_reached();
	return (false);
}

bool
ipfw_rule_match(const struct ipfw_rule *rule, const struct ipfw_args *args)
{
	/*
	 * Indexed, not a pointer to one past the end: a rule without options
	 * has no array at all (opts == NULL), and NULL + 0 is undefined.
	 */
	for (unsigned i = 0; i < rule->n_opts; i++) {
		const struct ipfw_opt *o = &rule->opts[i];
		bool m = opt_match(rule, o, args) != o->negate;

		/* An or-block holds when one of its options does (F_OR). */
		while (o->or_next && i + 1 < rule->n_opts) {
			o = &rule->opts[++i];
			if (!m)
				m = opt_match(rule, o, args) != o->negate;
		}
		if (!m)
			return (false);
	}
	return (true);
}

/* One option's test alone, for --why (ipfw_why.c). */
bool
ipfw_opt_match(const struct ipfw_rule *rule, const struct ipfw_opt *o,
    const struct ipfw_args *args)
{
	return (opt_match(rule, o, args));
}

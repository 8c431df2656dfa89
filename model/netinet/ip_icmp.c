/*
 * ICMP, as FreeBSD's sys/netinet/ip_icmp.c: icmp_input() (checksum, echo
 * answered by reflection, replies handed to ping sockets, errors counted)
 * and icmp_error() with its refusal rules (RFC 1122 3.2.2) and the
 * RFC 792 quote of the offending header plus 8 bytes (RFC 1191 next-hop
 * MTU for needfrag).
 *
 * badport_bandlim() limits port unreachables and echo replies to
 * net.inet.icmp.icmplim per second (6.x ppsratecheck(), 14's
 * counter_ratecheck()).
 *
 * Not modelled: timestamp and mask requests, redirects; ICMP errors are
 * counted but not passed to the sockets they concern.
 */
#include <string.h>

#include <netinet/in.h>

#include "net/host.h"
#include "net/if.h"
#include "netinet/icmp_var.h"
#include "netinet/in_pcb.h"
#include "netinet/ip_drop.h"
#include "netinet/ip_var.h"
#include "pkt/pkt.h"
#include "sim/counters.h"
#include "sim/sim_sched.h"
#include "wire/wire_icmp.h"
#include "wire/wire_ip.h"

#define	ICMP_ROUTERADVERT	9
#define	ICMP_ROUTERSOLICIT	10
#define	ICMP_TSTAMP		13
#define	ICMP_TSTAMPREPLY	14
#define	ICMP_IREQ		15
#define	ICMP_IREQREPLY		16
#define	ICMP_MASKREQ		17
#define	ICMP_MASKREPLY		18
#define	ICMP_REDIRECT		5

/*
 * net.inet.icmp.quotelen: bytes of the offending datagram's data an error
 * quotes at least 8 of (RFC 792).  6.x: 8; 14: 548, "576 - 28" (RFC 1812
 * 4.3.2.3).  (Both quote at least the whole TCP header; no TCP here.)
 */
#define	ICMP_QUOTELEN_6		8
#define	ICMP_QUOTELEN_14	548
#define	ICMP_QUOTE_MIN		8

#define	ICMP_HZ			1000	/* ticks a second (kern.hz) */

#define	IN_MULTICAST_H(a)	(((a) & 0xf0000000u) == 0xe0000000u)
#define	IN_EXPERIMENTAL_H(a)	(((a) & 0xf0000000u) == 0xf0000000u)
#define	IN_ZERONET_H(a)		(((a) >> 24) == 0)

/* FreeBSD's ICMP_INFOTYPE(): the queries and replies; an ICMP message of
 * any other type gets no error about it. */
static bool
icmp_infotype(uint8_t type)
{

	switch (type) {
	case ICMP_ECHOREPLY:
	case ICMP_ECHO:
	case ICMP_ROUTERADVERT:
	case ICMP_ROUTERSOLICIT:
	case ICMP_TSTAMP:
	case ICMP_TSTAMPREPLY:
	case ICMP_IREQ:
	case ICMP_IREQREPLY:
	case ICMP_MASKREQ:
	case ICMP_MASKREPLY:
		return (true);
	default:
		return (false);
	}
}

/* icmp_reflect()'s refusal of return addresses nobody can answer to. */
static bool
icmp_bad_return(uint32_t src)
{

	return (IN_MULTICAST_H(src) || IN_EXPERIMENTAL_H(src) ||
	    IN_ZERONET_H(src));
}

/*
 * icmp_reflect()'s source address: the address the offending datagram was
 * sent to when it is ours, else the address of the interface on the route
 * back to its source (icmp_rfi=0, FreeBSD's default).  Returns false when
 * there is no route back (icps_noroute).
 */
static bool
icmp_reflect_src(struct host *h, uint32_t odst, uint32_t osrc, uint32_t *src)
{

	if (in_localip(h, odst)) {
		*src = odst;
		return (true);
	}
	if (ip_select_src(h, osrc, src) != 0) {
		(*counters_slotf(h->sim->counters, "%s.icmp.noroute",
		    h->name))++;
		return (false);
	}
	return (true);
}

/*
 * badport_bandlim(): 0 when a response of this kind may go, -1 when
 * net.inet.icmp.icmplim responses went in this second already.  6.x
 * ppsratecheck() counts from its first call (curpps 1) and refuses once
 * curpps reaches the limit, so 199 go a second at the default 200;
 * 14's counter_ratecheck() starts its second at boot and refuses past the
 * limit (200 go), each new second starting at the first call after the
 * last one ended.  hz 1000 on both.  The refused are counted
 * (icmp.bandlim); FreeBSD only logs "Limiting ... packets/sec".
 */
int
badport_bandlim(struct host *h, int which)
{
	struct icmp_rate *r;
	uint64_t now = sim_now() / (SIM_NS_PER_S / ICMP_HZ);
	int lim = h->sysctl.icmplim;
	bool ok;

	if (h->icmp_rates == NULL)
		h->icmp_rates = g_new0(struct icmp_rate, BANDLIM_MAX);
	r = &h->icmp_rates[which];

	if (h->release < RELEASE_14) {
		if (lim <= 0)
			return (0);
		if (!r->used || now - r->last_ticks >= ICMP_HZ) {
			r->used = true;
			r->last_ticks = now;
			r->count = 1;
			ok = true;
		} else
			ok = ++r->count < lim;
	} else {
		if (lim == 0)
			return (0);
		if (now - r->last_ticks >= ICMP_HZ) {
			r->count = 0;
			r->over = false;
			r->last_ticks = now;
		}
		r->count++;
		if (!r->over && r->count > lim)
			r->over = true;
		ok = !r->over;
	}
	if (ok)
		return (0);
	h->icmpstat.bandlim++;
	return (-1);
}

void
icmp_error_bytes(struct host *h, const uint8_t *op, uint32_t olen,
    const struct ifnet *rcvif, int type, int code, uint32_t mtu)
{
	uint8_t msg[ICMP_MINLEN + IP_HDR_MAX_BYTES + ICMP_QUOTELEN_14];
	unsigned ohlen, qlen;
	uint32_t osrc, odst, oip_len, quote, src;

	(void)rcvif;
	/* icps_error: every call, before the refusals (not redirects). */
	if (type != ICMP_REDIRECT)
		h->icmpstat.error++;
	if (olen < IP_HDR_MIN_BYTES)
		return;
	ohlen = ip_get_hlen_bytes(op);
	if (ohlen < IP_HDR_MIN_BYTES || ohlen > olen)
		return;
	/* Only about the first fragment. */
	if (ip_get_off_frag_units(op) != 0)
		return;
	osrc = ip_get_src(op);
	odst = ip_get_dst(op);
	/* Never about a broadcast or multicast (M_BCAST|M_MCAST). */
	if (in_broadcast(h, odst) || IN_MULTICAST_H(odst))
		return;
	/* Never about an ICMP error (RFC 1122 3.2.2): icps_oldicmp. */
	if (ip_get_proto(op) == IPPROTO_ICMP && type != ICMP_REDIRECT) {
		if (olen < ohlen + ICMP_MINLEN)
			return;
		if (!icmp_infotype(icmp_get_type(op + ohlen))) {
			h->icmpstat.oldicmp++;
			return;
		}
	}

	/*
	 * icmpelen = max(8, min(icmp_quotelen, ip_len - hlen)); the quote is
	 * the header and that much data, as far as the bytes held go.
	 */
	oip_len = ip_get_len_bytes(op);
	qlen = h->release >= RELEASE_14 ? ICMP_QUOTELEN_14 : ICMP_QUOTELEN_6;
	if (oip_len < ohlen)
		oip_len = ohlen;
	if (oip_len - ohlen < qlen)
		qlen = oip_len - ohlen;
	if (qlen < ICMP_QUOTE_MIN)
		qlen = ICMP_QUOTE_MIN;
	quote = ohlen + qlen;
	if (quote > olen)
		quote = olen;
	if (quote < IP_HDR_MIN_BYTES)
		return;
	(*counters_slotf(h->sim->counters, "%s.icmp.outhist.%d", h->name,
	    type))++;
	/* icmp_reflect(): a source nobody can answer to is icps_badaddr. */
	if (icmp_bad_return(osrc)) {
		h->icmpstat.badaddr++;
		return;
	}
	if (!icmp_reflect_src(h, odst, osrc, &src))
		return;

	memset(msg, 0, ICMP_MINLEN);
	icmp_set_type(msg, (uint8_t)type);
	icmp_set_code(msg, (uint8_t)code);
	if (type == ICMP_UNREACH && code == ICMP_UNREACH_NEEDFRAG)
		icmp_set_nextmtu_bytes(msg, (uint16_t)mtu);
	memcpy(msg + ICMP_MINLEN, op, quote);
	icmp_sum_fill(msg, ICMP_MINLEN + quote);
	h->icmpstat.errors_sent++;
	(void)ip_send(h, src, osrc, IPPROTO_ICMP, IPDEFTTL, 0, false, msg,
	    ICMP_MINLEN + quote);
}

void
icmp_error(struct host *h, const struct pkt *orig, int type, int code,
    uint32_t mtu)
{

	icmp_error_bytes(h, orig->data, orig->len, orig->rcvif, type, code,
	    mtu);
}

/* An echo request answered in place of its sender (icmp_reflect()). */
static void
icmp_echo_reflect(struct host *h, const uint8_t *p, unsigned hlen,
    uint8_t *icmp, uint32_t icmplen)
{
	uint32_t osrc = ip_get_src(p), odst = ip_get_dst(p), src;

	if (icmp_bad_return(osrc))
		return;
	if (!icmp_reflect_src(h, odst, osrc, &src))
		return;
	(void)hlen;
	icmp_set_type(icmp, ICMP_ECHOREPLY);
	icmp_sum_fill(icmp, icmplen);
	/* A new datagram: fresh id, default TTL, TOS and DF as received. */
	(void)ip_send(h, src, osrc, IPPROTO_ICMP, IPDEFTTL, ip_get_tos(p),
	    ip_get_df(p), icmp, icmplen);
}

static void
icmp_to_ping(struct host *h, uint32_t src, const uint8_t *icmp,
    uint32_t icmplen)
{
	uint16_t id = icmp_get_echo_id(icmp), seq = icmp_get_echo_seq(icmp);
	guint i;

	for (i = 0; i < host_list_len(h->ping_pcbs); i++) {
		struct ping_pcb *pp = g_ptr_array_index(h->ping_pcbs, i);

		if (pp->id == id && pp->reply != NULL)
			pp->reply(pp->ctx, src, seq, icmp, icmplen);
	}
}

/*
 * The quoted datagram's protocol hears of the error through its
 * registered ctlinput, as icmp_input() calls pr_ctlinput.
 */
static void
icmp_notify(struct host *h, const uint8_t *icmp, uint32_t icmplen)
{
	const uint8_t *q = icmp + ICMP_MINLEN;
	uint32_t qlen = icmplen - ICMP_MINLEN;
	ipproto_ctlinput_t *ctl;

	if (icmplen < ICMP_MINLEN + IP_HDR_MIN_BYTES ||
	    ip_get_hlen_bytes(q) < IP_HDR_MIN_BYTES ||
	    qlen < ip_get_hlen_bytes(q) + 8)
		return;
	ctl = h->ip_ctlinput[ip_get_proto(q)];
	if (ctl != NULL)
		ctl(h, icmp_get_type(icmp), icmp_get_code(icmp),
		    icmp_get_nextmtu_bytes(icmp), q, qlen);
}

void
icmp_input(struct host *h, struct pkt *m)
{
	uint8_t *p = m->data;
	unsigned hlen = ip_get_hlen_bytes(p);
	uint32_t icmplen = m->len - hlen;
	uint8_t *icmp = p + hlen;

	if (icmp_check_len(icmp, icmplen) != ICMP_CHECK_OK) {
		ip_drop(h, m, DROP_ICMP_TOOSHORT, m->rcvif, 0);
		return;
	}
	if (!icmp_sum_ok(icmp, icmplen)) {
		ip_drop(h, m, DROP_ICMP_BADSUM, m->rcvif, 0);
		return;
	}
	switch (icmp_get_type(icmp)) {
	case ICMP_ECHO:
		h->icmpstat.echo_requests++;
		/* net.inet.icmp.bmcastecho=0: broadcast pings go unanswered. */
		if (in_broadcast(h, ip_get_dst(p)) ||
		    IN_MULTICAST_H(ip_get_dst(p))) {
			h->icmpstat.bmcastecho++;
			break;
		}
		if (badport_bandlim(h, BANDLIM_ICMP_ECHO) < 0)
			break;
		h->icmpstat.reflect++;
		(*counters_slotf(h->sim->counters, "%s.icmp.outhist.%d",
		    h->name, ICMP_ECHOREPLY))++;
		icmp_echo_reflect(h, p, hlen, icmp, icmplen);
		break;
	case ICMP_ECHOREPLY:
		h->icmpstat.echo_replies++;
		icmp_to_ping(h, ip_get_src(p), icmp, icmplen);
		break;
	case ICMP_UNREACH:
		h->icmpstat.unreach++;
		if (icmp_get_code(icmp) == ICMP_UNREACH_NEEDFRAG)
			h->icmpstat.needfrag++;
		icmp_notify(h, icmp, icmplen);
		break;
	case ICMP_TIMXCEED:
		h->icmpstat.timxceed++;
		break;
	default:
		break;
	}
	/* Read by the stack or a ping socket: done with, not dropped. */
	ip_consumed(m);
}

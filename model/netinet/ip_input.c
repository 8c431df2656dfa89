/*
 * The IPv4 receive path, as FreeBSD's sys/netinet/ip_input.c: ip_input()
 * (header checks in FreeBSD's order, the pfil IN hooks, "ours" with
 * reassembly and delivery through ip_protox[]) and ip_forward().
 *
 * Forwarding: release 6 takes ip_forward() (6.x, fastforwarding off);
 * release 14 takes ip_tryforward() for what it accepts and ip_forward()
 * for the rest (IP options, loopback rcvif), as 14's ip_input() does.
 *
 * Not modelled: IP options processing (options are carried, not acted
 * on), ICMP redirects, multicast.
 */
#include <errno.h>
#include <string.h>

#include <netinet/in.h>

#include "net/host.h"
#include "net/if.h"
#include "net/pfil.h"
#include "net/route.h"
#include "netinet/icmp_var.h"
#include "netinet/ip_drop.h"
#include "netinet/ip_var.h"
#include "pkt/in_cksum.h"
#include "pkt/pkt.h"
#include "sim/counters.h"
#include "sim/events.h"
#include "sim/sim_names.h"
#include "wire/wire_icmp.h"
#include "wire/wire_ip.h"
#include "wire/wire_print.h"

#define	IN_LOOPBACK_H(a)	(((a) >> 24) == 127)
#define	IN_MULTICAST_H(a)	(((a) & 0xf0000000u) == 0xe0000000u)
#define	IN_EXPERIMENTAL_H(a)	(((a) & 0xf0000000u) == 0xf0000000u)
#define	IN_ZERONET_H(a)		(((a) >> 24) == 0)
#define	INADDR_BROADCAST_H	0xffffffffu

/* Bytes of the offending datagram ip_forward() keeps for icmp_error(). */
#define	MCOPY_BYTES	(IP_HDR_MAX_BYTES + 8)

bool
in_broadcast(const struct host *h, uint32_t dst)
{
	guint i;
	unsigned j;

	if (dst == INADDR_BROADCAST_H)
		return (true);
	for (i = 0; i < h->ifnets->len; i++) {
		const struct ifnet *ifp = g_ptr_array_index(h->ifnets, i);

		for (j = 0; j < ifp->if_naddrs; j++) {
			const struct in_ifaddr *ia = &ifp->if_addrs[j];
			uint32_t mask = in_plen_mask(ia->ia_plen);

			if (ia->ia_plen >= 31)
				continue;
			if ((dst & mask) == (ia->ia_addr & mask) &&
			    (dst | mask) == INADDR_BROADCAST_H)
				return (true);
		}
	}
	return (false);
}

/* Whether the datagram is addressed to this host (ip_input's "ours"). */
static bool
ip_is_ours(const struct host *h, const struct pkt *m, uint32_t dst)
{

	if (in_localip(h, dst))
		return (true);
	/* Anything for 127/8 that came in on lo0 is ours. */
	if (IN_LOOPBACK_H(dst) && m->rcvif != NULL && m->rcvif->if_loopback)
		return (true);
	/* FreeBSD accepts INADDR_ANY and broadcasts as ours. */
	return (dst == 0 || in_broadcast(h, dst));
}

static void
ip_deliver_event(struct host *h, const struct pkt *m)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN], up[16];
	const uint8_t *p = m->data;
	const char *name;
	struct ev *e;

	e = ev_begin(h->sim->log, h->name, "deliver");
	if (e == NULL)
		return;
	ev_int(e, "proto", ip_get_proto(p));
	ev_addr(e, "src", ip_get_src(p));
	ev_addr(e, "dst", ip_get_dst(p));
	ev_int(e, "len", m->len);
	ev_int(e, "lineage", (int64_t)m->lineage);
	/* The narration spells the protocol in capitals ("deliver ICMP"). */
	name = inet_proto_name(ip_get_proto(p));
	if (name == NULL || ip_get_proto(p) == 0)
		name = "ip";
	for (size_t i = 0; i < sizeof(up) - 1; i++)
		if ((up[i] = g_ascii_toupper(name[i])) == '\0')
			break;
	up[sizeof(up) - 1] = '\0';
	ev_textf(e, "deliver %s %s > %s len %u", up,
	    inet_addr_str(ip_get_src(p), s), inet_addr_str(ip_get_dst(p), d),
	    m->len);
	ev_end(e);
}

static void
ip_forward_event(struct host *h, const struct pkt *m,
    const struct ifnet *out)
{
	char sum[WIRE_PRINT_MAX];
	struct ev *e;

	e = ev_begin(h->sim->log, h->name, "forward");
	if (e == NULL)
		return;
	/* Only the narrative line shows it. */
	sum[0] = '\0';
	if (ev_wants_text(e))
		ip_summary(m, sum, sizeof(sum));
	if (m->rcvif != NULL)
		ev_str(e, "in", m->rcvif->if_xname);
	else
		ev_null(e, "in");
	ev_str(e, "out", out->if_xname);
	ev_int(e, "len", m->len);
	ev_int(e, "lineage", (int64_t)m->lineage);
	ev_textf(e, "forward %s -> %s: %s",
	    m->rcvif != NULL ? m->rcvif->if_xname : "-", out->if_xname, sum);
	ev_end(e);
}

/*
 * Local delivery of a whole datagram (ip_input()'s "ours" tail): the
 * protocol's registered input, or rip_input() when there is none.
 */
static void
ip_deliver(struct host *h, struct pkt *m)
{
	ipproto_input_t *pr_input = h->ip_protox[ip_get_proto(m->data)];

	if (pr_input == NULL) {
		rip_input(h, m);
		return;
	}
	h->ipstat.delivered++;
	ip_deliver_event(h, m);
	pr_input(h, m);
}

/*
 * What each failed header check counts, as FreeBSD's ip_input() does; a
 * datagram shorter than its ip_len is ips_tooshort there, not ips_badlen.
 */
static const enum drop_reason ip_check_drop[] = {
	[IP_CHECK_TOOSHORT]	= DROP_TOOSHORT,
	[IP_CHECK_BADVERS]	= DROP_BADVERS,
	[IP_CHECK_BADHLEN]	= DROP_BADHLEN,
	[IP_CHECK_BADSUM]	= DROP_BADSUM,
	[IP_CHECK_BADLEN]	= DROP_BADLEN,
	[IP_CHECK_TRUNCATED]	= DROP_TOOSHORT,
	[IP_CHECK_BADADDR]	= DROP_BADADDR,
};

#define	IN_LINKLOCAL_H(a)	(((a) & 0xffff0000u) == 0xa9fe0000u)

/*
 * Whether 14's ip_tryforward() takes the packet rather than returning it
 * to ip_input(): release 14 only (6.x forwards through ip_forward(),
 * fastforwarding being off by default), forwarding on, no IP options
 * (ip_doopts 1), not from a loopback interface, no broadcast, multicast,
 * link-local or zero address, not for this host.
 */
static bool
ip_tryforward_takes(const struct host *h, const struct pkt *m)
{
	const uint8_t *p = m->data;
	uint32_t src = ip_get_src(p), dst = ip_get_dst(p);

	if (h->release < RELEASE_14 || !h->sysctl.forwarding)
		return (false);
	if (ip_get_hlen_bytes(p) != IP_HDR_MIN_BYTES)
		return (false);
	if (m->rcvif == NULL || m->rcvif->if_loopback)
		return (false);
	if (src == INADDR_BROADCAST_H || dst == INADDR_BROADCAST_H ||
	    IN_MULTICAST_H(src) || IN_MULTICAST_H(dst) ||
	    IN_LINKLOCAL_H(src) || IN_LINKLOCAL_H(dst) ||
	    src == 0 || dst == 0 || in_broadcast(h, dst))
		return (false);
	return (!in_localip(h, dst));
}

/*
 * ip_findroute(): the route to dst, or to ipfw fwd's next hop when the
 * packet carries one (the tag is used up); none: ips_noroute and
 * ips_cantforward, host unreachable, and the packet is dropped.
 */
static const struct rtentry *
ip_findroute(struct host *h, struct pkt *m, uint32_t dst)
{
	const struct rtentry *rt;

	if ((m->flags & PKT_F_IP_NEXTHOP) != 0) {
		m->flags &= ~PKT_F_IP_NEXTHOP;
		dst = m->fwd_nh;
	}
	rt = rt_lookup(h, dst);
	if (rt == NULL) {
		h->ipstat.cantforward++;
		icmp_error(h, m, ICMP_UNREACH, ICMP_UNREACH_HOST, 0);
		ip_drop(h, m, DROP_NOROUTE, m->rcvif, 0);
	}
	return (rt);
}

/*
 * ip_tryforward() after its IN hook (FreeBSD 14, ip_fastfwd.c): TTL,
 * incremental checksum, route, OUT hook, MTU, transmission.  Its counters
 * differ from ip_forward()'s: no route counts noroute and cantforward; an
 * OUT verdict other than pass (a divert too) counts nothing; DF and too
 * big counts cantfrag and sends needfrag, no cantforward; forwarded only
 * once if_output() has the packet.  Its ICMP errors quote the packet as
 * it is then (TTL already lowered, except for time exceeded).
 */
void
ip_tryforward(struct host *h, struct pkt *m)
{
	const struct rtentry *rt;
	struct ifnet *ifp;
	uint8_t *p = m->data;
	uint16_t oldw, neww;
	uint8_t ttl;
	GPtrArray *frags;

	ttl = ip_get_ttl(p);
	if (ttl <= 1) {
		icmp_error(h, m, ICMP_TIMXCEED, ICMP_TIMXCEED_INTRANS, 0);
		ip_drop(h, m, DROP_TTL, m->rcvif, 0);
		return;
	}
	oldw = wire_get16(p + IP_F_TTL);
	ip_set_ttl(p, (uint8_t)(ttl - 1));
	neww = wire_get16(p + IP_F_TTL);
	ip_set_sum(p, in_cksum_update(ip_get_sum(p), oldw, neww));

	/* "Next hop forced by pfil(9) hook?": ipfw fwd's address is the
	 * one routed to. */
	if ((rt = ip_findroute(h, m, ip_get_dst(p))) == NULL)
		return;
	ifp = rt->rt_ifp;
	ip_forward_event(h, m, ifp);

	(void)pfil_run_hooks(h, &m, ifp, PFIL_OUT);
	if (m == NULL)
		return;			/* "goto drop": no counter */
	/*
	 * fwd on the OUT pass: to this host, "forwardlocal" (back to
	 * ip_input() as ours); elsewhere, the route to the next hop.
	 */
	if ((m->flags & PKT_F_FASTFWD_OURS) != 0) {
		ip_input(h, m);
		return;
	}
	if ((m->flags & PKT_F_IP_NEXTHOP) != 0) {
		if ((rt = ip_findroute(h, m, 0)) == NULL)
			return;
		ifp = rt->rt_ifp;
	}
	p = m->data;
	if (ip_get_len_bytes(p) <= ifp->if_mtu) {
		if_output(ifp, m);
		h->ipstat.forwarded++;
		return;
	}
	if (ip_get_df(p)) {
		/* ips_cantfrag and needfrag with the next hop's MTU. */
		icmp_error(h, m, ICMP_UNREACH, ICMP_UNREACH_NEEDFRAG,
		    ifp->if_mtu);
		ip_drop(h, m, DROP_CANTFRAG, ifp, 0);
		return;
	}
	frags = g_ptr_array_new();
	if (ip_fragment(m, ifp->if_mtu, frags) != 0) {
		ip_drop(h, m, DROP_CANTFRAG, ifp, 0);
		g_ptr_array_free(frags, TRUE);
		return;
	}
	h->ipstat.fragmented++;
	h->ipstat.ofragments += frags->len;
	for (guint i = 0; i < frags->len; i++)
		if_output(ifp, g_ptr_array_index(frags, i));
	g_ptr_array_free(frags, TRUE);
	h->ipstat.forwarded++;
}

void
ip_input(struct host *h, struct pkt *m)
{
	struct ip_repr ip;
	enum ip_check c;
	const uint8_t *p;
	uint32_t dst;
	bool fastfwd;
	int error;

	/*
	 * M_FASTFWD_OURS (ipfw `fwd` to one of this host's addresses on the
	 * OUT pass; ip_output() queued it back here): straight to "ours",
	 * before ips_total and the IN hooks, as ip_input() does.
	 */
	if ((m->flags & PKT_F_FASTFWD_OURS) != 0) {
		m->flags &= ~PKT_F_FASTFWD_OURS;
		goto ours;
	}
	h->ipstat.received++;
	/* The checks of FreeBSD's ip_input(), in its order, at the wire. */
	c = ip_input_check(m->data, m->len,
	    m->rcvif != NULL && m->rcvif->if_loopback, &ip);
	switch (c) {
	case IP_CHECK_OK:
		break;
	default:
		g_assert((size_t)c < G_N_ELEMENTS(ip_check_drop));
		ip_drop(h, m, ip_check_drop[c], m->rcvif, 0);
		return;
	}
	/* Bytes beyond ip_len (link padding) are not the datagram's. */
	if (m->len > (uint32_t)ip.hlen_bytes + ip.payload_len_bytes)
		pkt_trim(m, (uint32_t)ip.hlen_bytes + ip.payload_len_bytes);

	/*
	 * 14's ip_input() hands every packet to ip_tryforward() when
	 * forwarding is on; it returns to ip_input() what it does not take
	 * (options, loopback rcvif, broadcast, multicast, link-local, 0, or
	 * local) and counts ips_total a second time for what it takes.
	 */
	fastfwd = ip_tryforward_takes(h, m);
	if (fastfwd)
		h->ipstat.received++;

	/* The pfil IN hooks: a firewall sees fragments one by one, before
	 * "ours"; an error has no one to go back to here. */
	error = pfil_run_hooks(h, &m, m->rcvif, PFIL_IN);
	if (m == NULL)
		return;
	g_assert(error == 0);
	p = m->data;
	dst = ip_get_dst(p);

	/*
	 * A next hop set by ipfw `fwd` on the IN pass (IPFIREWALL_FORWARD
	 * in 6.x, always in 14): to one of this host's addresses, "ours"
	 * whatever the destination; to another, forwarded to it directly,
	 * even a datagram that was for this host and with forwarding off
	 * (ip_forward(m, 1), or 14's ip_tryforward() when it takes it).
	 */
	if ((m->flags & PKT_F_FASTFWD_OURS) != 0) {
		m->flags &= ~PKT_F_FASTFWD_OURS;
		goto ours;
	}
	if ((m->flags & PKT_F_IP_NEXTHOP) != 0) {
		if (fastfwd)
			ip_tryforward(h, m);
		else
			ip_forward(h, m);
		return;
	}

	if (!ip_is_ours(h, m, dst)) {
		if (IN_MULTICAST_H(dst)) {
			/* No group memberships: ips_notmember. */
			ip_drop(h, m, DROP_NOTMEMBER, m->rcvif, 0);
			return;
		}
		if (!h->sysctl.forwarding) {
			ip_drop(h, m, DROP_CANTFORWARD, m->rcvif, 0);
			return;
		}
		if (fastfwd)
			ip_tryforward(h, m);
		else
			ip_forward(h, m);
		return;
	}

	/*
	 * Reassembly happens at "ours", after the firewall; ip_reass() counts
	 * and logs the completion.
	 */
ours:
	p = m->data;
	if (ip_is_fragment(p)) {
		m = ip_reass(h, m);
		if (m == NULL)
			return;
	}
	ip_deliver(h, m);
}

/*
 * ip_forward(): TTL, a copy of the header for ICMP, decrement, then
 * ip_output(IP_FORWARDING); errors become ICMP messages to the source as
 * FreeBSD's ip_forward() sends them.
 */
void
ip_forward(struct host *h, struct pkt *m)
{
	uint8_t mcopy[MCOPY_BYTES];
	const struct ifnet *rcvif = m->rcvif;
	const struct rtentry *rt;
	uint8_t *p = m->data;
	uint32_t dst = ip_get_dst(p), mlen, mtu;
	uint8_t ttl;
	int error;

	/* in_canforward(): never for 0/8, 127/8, multicast, class E. */
	if (IN_ZERONET_H(dst) || IN_LOOPBACK_H(dst) ||
	    IN_MULTICAST_H(dst) || IN_EXPERIMENTAL_H(dst)) {
		ip_drop(h, m, DROP_CANTFORWARD, rcvif, 0);
		return;
	}
	ttl = ip_get_ttl(p);
	if (ttl <= 1) {
		icmp_error(h, m, ICMP_TIMXCEED, ICMP_TIMXCEED_INTRANS, 0);
		ip_drop(h, m, DROP_TTL, rcvif, 0);
		return;
	}
	/*
	 * Keep the header and 8 bytes of data before the TTL changes, as
	 * FreeBSD keeps mcopy: ip_output() consumes the packet, and an error
	 * quotes the datagram as it arrived.
	 */
	mlen = m->len < MCOPY_BYTES ? m->len : MCOPY_BYTES;
	memcpy(mcopy, p, mlen);

	/*
	 * Decrement the TTL only: ip_forward() (6.x, and 14's slow path)
	 * leaves the header checksum stale until ip_output() recomputes it
	 * after the OUT hook, so a divert program reading it going out sees
	 * the stale sum.  (14's ip_tryforward() patches it, above.)
	 */
	ip_set_ttl(p, (uint8_t)(ttl - 1));

	/* ipfw fwd: ip_output() will route to the next hop. */
	rt = rt_lookup(h, (m->flags & PKT_F_IP_NEXTHOP) != 0 ? m->fwd_nh :
	    dst);
	mtu = rt != NULL ? rt->rt_ifp->if_mtu : 0;
	if (rt != NULL)
		ip_forward_event(h, m, rt->rt_ifp);
	else if (h->release < RELEASE_14) {
		/*
		 * 6.x ip_forward(): ip_rtaddr() fails before ip_output() is
		 * called: host unreachable about the packet, and neither
		 * ips_noroute nor ips_cantforward.
		 */
		icmp_error_bytes(h, mcopy, mlen, rcvif, ICMP_UNREACH,
		    ICMP_UNREACH_HOST, 0);
		ip_drop(h, m, DROP_FWD_NOROUTE, rcvif, 0);
		return;
	}

	error = ip_output(h, m, IP_FORWARDING);
	if (error == 0) {
		h->ipstat.forwarded++;
		return;
	}
	h->ipstat.cantforward++;
	switch (error) {
	case EMSGSIZE:
		/* RFC 1191: tell the source the next-hop MTU.  ip_forward()
		 * counts ips_cantfrag again after ip_output() did. */
		h->ipstat.cantfrag++;
		icmp_error_bytes(h, mcopy, mlen, rcvif, ICMP_UNREACH,
		    ICMP_UNREACH_NEEDFRAG, mtu);
		break;
	case EHOSTUNREACH:
	case ENETUNREACH:
		icmp_error_bytes(h, mcopy, mlen, rcvif, ICMP_UNREACH,
		    ICMP_UNREACH_HOST, 0);
		break;
	default:
		/* EACCES/EPERM: the firewall denied it; no message. */
		break;
	}
}

/*
 * The IPv4 send path, as FreeBSD's sys/netinet/ip_output.c: ip_output()
 * (route, pfil OUT hooks, header checksum, fragmentation or EMSGSIZE,
 * transmission), ip_fragment(), and ip_send() for datagrams this host
 * originates.
 */
#include <errno.h>
#include <string.h>

#include "net/host.h"
#include "net/if.h"
#include "net/pfil.h"
#include "net/route.h"
#include "netinet/ip_drop.h"
#include "netinet/ip_var.h"
#include "pkt/pkt.h"
#include "sim/counters.h"
#include "sim/events.h"
#include "sim/sim_sched.h"
#include "wire/wire_ip.h"
#include "wire/wire_print.h"

#define	IN_LOOPBACK_H(a)	(((a) >> 24) == 127)

int
ip_select_src(const struct host *h, uint32_t dst, uint32_t *src)
{
	const struct rtentry *rt;
	uint32_t a;

	rt = rt_lookup(h, dst);
	if (rt == NULL)
		return (EHOSTUNREACH);
	/* A local host route's ifa is the address itself (in_pcbladdr()). */
	if (rt->rt_flags & RTF_LOCAL) {
		*src = dst;
		return (0);
	}
	a = if_first_addr(rt->rt_ifp);
	if (a == 0)
		return (EADDRNOTAVAIL);
	*src = a;
	return (0);
}

int
ip_fragment(struct pkt *m, uint32_t mtu, GPtrArray *out)
{
	const uint8_t *p = m->data;
	unsigned hlen = ip_get_hlen_bytes(p);
	uint32_t ip_len = ip_get_len_bytes(p);
	uint16_t off_field = ip_get_off_field(p);
	uint32_t base_off = (uint32_t)(off_field & IP_OFFMASK) << 3;
	uint16_t keep = off_field & (IP_DF | IP_RF);
	uint16_t last_mf = off_field & IP_MF;
	uint32_t datalen, chunk, off;

	if (ip_len > m->len)
		ip_len = m->len;
	if (mtu <= hlen)
		return (EMSGSIZE);
	/* Data per fragment: what fits, rounded down to 8 bytes. */
	chunk = (mtu - hlen) & ~7u;
	if (chunk < 8)
		return (EMSGSIZE);
	datalen = ip_len - hlen;
	for (off = 0; off < datalen; off += chunk) {
		uint32_t n = datalen - off < chunk ? datalen - off : chunk;
		bool last = off + n >= datalen;
		struct pkt *f;
		uint16_t units;

		f = pkt_alloc(hlen + n);
		memcpy(f->data, p, hlen);
		memcpy(f->data + hlen, p + hlen + off, n);
		f->lineage = m->lineage;
		pkt_set_hist(f, m->hist);
		f->rcvif = m->rcvif;
		f->fw_ref = m->fw_ref;
		f->fw_calls = m->fw_calls;	/* m_dup_pkthdr() copies tags */
		f->flags = m->flags;
		ip_set_len_bytes(f->data, (uint16_t)(hlen + n));
		units = (uint16_t)((base_off + off) >> 3);
		/*
		 * MF on every fragment but the last; the last keeps the MF of
		 * the datagram it was cut from (a fragment refragmented on the
		 * way), as ip_fragment() does.
		 */
		ip_set_off_field(f->data, (uint16_t)(keep |
		    (last ? last_mf : IP_MF) | (units & IP_OFFMASK)));
		ip_set_sum(f->data, 0);
		ip_sum_fill(f->data);
		g_ptr_array_add(out, f);
	}
	pkt_dispose(m, PKT_FATE_FRAGMENTED);
	return (0);
}

static void
ip_fragment_event(struct host *h, const struct ifnet *ifp,
    const struct pkt *m, unsigned count)
{
	char sum[WIRE_PRINT_MAX];
	struct ev *e;

	e = ev_begin(h->sim->log, h->name, "fragment");
	if (e == NULL)
		return;
	/* Only the narrative line shows it. */
	sum[0] = '\0';
	if (ev_wants_text(e))
		ip_summary(m, sum, sizeof(sum));
	ev_str(e, "if", ifp->if_xname);
	ev_int(e, "count", count);
	ev_int(e, "len", m->len);
	ev_int(e, "lineage", (int64_t)m->lineage);
	ev_textf(e, "%s fragment into %u (mtu %u): %s", ifp->if_xname, count,
	    ifp->if_mtu, sum);
	ev_end(e);
}

/* The IP netisr's turn for a packet ip_output() sent back as ours. */
static void
ip_fastfwd_ours(void *arg)
{
	struct pkt *m = arg;

	pkt_hold(m, PKT_HELD_NONE);
	ip_input(m->rcvif->if_host, m);
}

int
ip_output(struct host *h, struct pkt *m, int flags)
{
	const struct rtentry *rt;
	struct ifnet *ifp;
	uint8_t *p;
	unsigned hlen;
	uint32_t ip_len, src, dst;
	GPtrArray *frags;
	int error;

	p = m->data;
	/*
	 * ip_output(): a datagram of this host (neither IP_FORWARDING nor
	 * IP_RAWOUTPUT) gets its version, header length and a fresh id
	 * here and counts ips_localout; a forwarded one or a raw write
	 * (divert) keeps its header as given, hlen from ip_hl.
	 */
	if ((flags & (IP_FORWARDING | IP_RAWOUTPUT)) == 0 &&
	    m->len >= IP_HDR_MIN_BYTES) {
		ip_set_version(p, 4);
		ip_set_hlen_bytes(p, IP_HDR_MIN_BYTES);
		ip_set_id(p, h->ip_id++);
		h->ipstat.sent++;
	}
	hlen = m->len >= IP_HDR_MIN_BYTES ? ip_get_hlen_bytes(p) : 0;
	if (hlen < IP_HDR_MIN_BYTES || hlen > m->len) {
		/* Only a raw write can get here with such a header. */
		ip_drop(h, m, DROP_BADHLEN, NULL, 0);
		return (EINVAL);
	}
	ip_len = ip_get_len_bytes(p);
	if (ip_len < hlen || ip_len > m->len) {
		ip_drop(h, m, DROP_BADLEN, NULL, 0);
		return (EINVAL);
	}
	dst = ip_get_dst(p);

	/* Route first: no route means EHOSTUNREACH before the firewall. */
	rt = rt_lookup(h, dst);
	if (rt == NULL) {
		ip_drop(h, m, DROP_NOROUTE, NULL, 0);
		return (EHOSTUNREACH);
	}
	ifp = rt->rt_ifp;

	/* The pfil OUT hooks: a firewall may divert, deny or pass it. */
	error = pfil_run_hooks(h, &m, ifp, PFIL_OUT);
	if (m == NULL)
		return (error);
	/*
	 * ip_output_pfil(): ipfw `fwd` to one of this host's addresses goes
	 * back to ip_input() through the IP netisr (rcvif lo0 when it had
	 * none), M_FASTFWD_OURS taking it to "ours"; to another address, the
	 * route to that next hop is used ("goto again", M_SKIP_FIREWALL: the
	 * hooks do not run twice).
	 */
	if ((m->flags & PKT_F_FASTFWD_OURS) != 0) {
		if (m->rcvif == NULL)
			m->rcvif = host_lo0(h);
		pkt_hold(m, PKT_HELD_EVENT);
		sim_schedule(0, ip_fastfwd_ours, m);
		return (0);
	}
	if ((m->flags & PKT_F_IP_NEXTHOP) != 0) {
		m->flags &= ~PKT_F_IP_NEXTHOP;
		m->flags |= PKT_F_SKIP_FIREWALL;
		rt = rt_lookup(h, m->fwd_nh);
		if (rt == NULL) {
			ip_drop(h, m, DROP_NOROUTE, NULL, 0);
			return (EHOSTUNREACH);
		}
		ifp = rt->rt_ifp;
	}
	p = m->data;
	hlen = ip_get_hlen_bytes(p);
	src = ip_get_src(p);
	dst = ip_get_dst(p);

	/* 127/8 must not appear on the wire (RFC 1122), as ip_output(). */
	if (!ifp->if_loopback && (IN_LOOPBACK_H(src) ||
	    IN_LOOPBACK_H(dst))) {
		ip_drop(h, m, DROP_BADADDR, ifp, 0);
		return (EADDRNOTAVAIL);
	}

	/*
	 * The header checksum is computed here, after the hook, always: this
	 * is why divert reads outgoing packets with whatever sum the upper
	 * layer left, as in FreeBSD's ip_output().
	 */
	ip_set_sum(p, 0);
	ip_sum_fill(p);

	ip_len = ip_get_len_bytes(p);
	if (ip_len <= ifp->if_mtu) {
		if_output(ifp, m);
		return (0);
	}
	/* Too big: DF means EMSGSIZE to the caller and no ICMP from here. */
	if (ip_get_df(p)) {
		ip_drop(h, m, DROP_CANTFRAG, ifp, 0);
		return (EMSGSIZE);
	}
	if (ifp->if_mtu < hlen + 8) {
		ip_drop(h, m, DROP_CANTFRAG, ifp, 0);
		return (EMSGSIZE);
	}
	if (ev_log_active(h->sim->log)) {
		uint32_t chunk = (ifp->if_mtu - hlen) & ~7u;

		ip_fragment_event(h, ifp, m,
		    (ip_len - hlen + chunk - 1) / chunk);
	}
	frags = g_ptr_array_new();
	error = ip_fragment(m, ifp->if_mtu, frags);
	g_assert(error == 0);
	h->ipstat.fragmented++;
	h->ipstat.ofragments += frags->len;
	/* pfil ran once, on the whole datagram: fragments go straight out. */
	for (guint i = 0; i < frags->len; i++)
		if_output(ifp, g_ptr_array_index(frags, i));
	g_ptr_array_free(frags, TRUE);
	return (0);
}

int
ip_send(struct host *h, uint32_t src, uint32_t dst, uint8_t proto,
    uint8_t ttl, uint8_t tos, bool df, const uint8_t *payload,
    uint32_t payload_len)
{
	return (ip_send_flags(h, src, dst, proto, ttl, tos, df, payload,
	    payload_len, 0));
}

int
ip_send_flags(struct host *h, uint32_t src, uint32_t dst, uint8_t proto,
    uint8_t ttl, uint8_t tos, bool df, const uint8_t *payload,
    uint32_t payload_len, uint32_t pkt_flags)
{
	struct pkt *m;
	uint8_t *p;
	int error;

	if (payload_len > IP_MAXPACKET - IP_HDR_MIN_BYTES)
		return (EMSGSIZE);
	m = pkt_alloc(IP_HDR_MIN_BYTES + payload_len);
	m->flags |= pkt_flags;
	p = m->data;
	memset(p, 0, IP_HDR_MIN_BYTES);
	ip_set_version(p, 4);
	ip_set_hlen_bytes(p, IP_HDR_MIN_BYTES);
	ip_set_tos(p, tos);
	ip_set_len_bytes(p, (uint16_t)(IP_HDR_MIN_BYTES + payload_len));
	/* ip_id: ip_output() numbers it (no IP_RAWOUTPUT). */
	ip_set_off_field(p, df ? IP_DF : 0);
	ip_set_ttl(p, ttl);
	ip_set_proto(p, proto);
	/* ip_sum stays 0: ip_output() fills it after the OUT hook. */
	ip_set_dst(p, dst);
	if (payload_len > 0)
		memcpy(p + IP_HDR_MIN_BYTES, payload, payload_len);
	if (src == 0) {
		error = ip_select_src(h, dst, &src);
		if (error == EHOSTUNREACH) {
			ip_drop(h, m, DROP_NOROUTE, NULL, 0);
			return (error);
		}
		if (error != 0) {
			ip_drop(h, m, DROP_NOSRCADDR, NULL, 0);
			return (error);
		}
	}
	ip_set_src(p, src);
	h->sim->packets++;
	return (ip_output(h, m, 0));
}

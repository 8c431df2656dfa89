/*
 * UDP, as FreeBSD's sys/netinet/udp_usrreq.c: sockets bound to a port on
 * INADDR_ANY, udp_input() (length and checksum checks, delivery, port
 * unreachable) and udp_output() with the pseudo-header checksum.
 */
#include <errno.h>
#include <string.h>

#include <netinet/in.h>

#include "net/host.h"
#include "net/if.h"
#include "netinet/icmp_var.h"
#include "netinet/ip_drop.h"
#include "netinet/ip_var.h"
#include "netinet/udp_var.h"
#include "pkt/pkt.h"
#include "sim/counters.h"
#include "wire/wire_icmp.h"
#include "wire/wire_ip.h"
#include "wire/wire_udp.h"

/* IANA's dynamic range, FreeBSD's net.inet.ip.portrange.first/last. */
#define	IPPORT_EPHEMERALFIRST	49152u
#define	IPPORT_EPHEMERALLAST	65535u

#define	IN_MULTICAST_H(a)	(((a) & 0xf0000000u) == 0xe0000000u)

static struct udp_pcb *
udp_pcb_lookup(const struct host *h, uint16_t lport)
{
	guint i;

	for (i = 0; i < host_list_len(h->udp_pcbs); i++) {
		struct udp_pcb *pcb = g_ptr_array_index(h->udp_pcbs, i);

		if (pcb->lport == lport)
			return (pcb);
	}
	return (NULL);
}

int
udp_pcb_bind(struct host *h, uint16_t lport, udp_input_fn fn, void *ctx,
    void (*detach)(void *ctx), struct udp_pcb **out)
{
	struct udp_pcb *pcb;

	if (lport == 0 || udp_pcb_lookup(h, lport) != NULL)
		return (EADDRINUSE);
	pcb = g_new0(struct udp_pcb, 1);
	pcb->h = h;
	pcb->lport = lport;
	pcb->input = fn;
	pcb->ctx = ctx;
	pcb->detach = detach;
	host_list_add(&h->udp_pcbs, pcb);
	*out = pcb;
	return (0);
}

uint16_t
udp_ephemeral_port(const struct host *h)
{
	uint32_t port;

	/* Sequential, not randomized: runs must repeat exactly. */
	for (port = IPPORT_EPHEMERALFIRST; port <= IPPORT_EPHEMERALLAST;
	    port++)
		if (udp_pcb_lookup(h, (uint16_t)port) == NULL)
			return ((uint16_t)port);
	return (0);
}

void
udp_pcb_free(struct udp_pcb *pcb)
{

	if (pcb == NULL)
		return;
	if (pcb->h->udp_pcbs != NULL)
		(void)g_ptr_array_remove(pcb->h->udp_pcbs, pcb);
	if (pcb->detach != NULL)
		pcb->detach(pcb->ctx);
	g_free(pcb);
}

int
udp_output(struct udp_pcb *pcb, uint32_t dst, uint16_t dport,
    const uint8_t *data, uint32_t len, uint8_t ttl, bool df)
{
	struct host *h = pcb->h;
	struct udp_repr r;
	uint32_t src = 0;
	uint8_t *dg;
	int error;

	if (len > IP_MAXPACKET - IP_HDR_MIN_BYTES - UDP_HDR_BYTES)
		return (EMSGSIZE);
	/*
	 * The pseudo-header needs the source address, which in_pcbconnect()
	 * picks by route; with no route ip_send() reports and counts it.
	 */
	(void)ip_select_src(h, dst, &src);
	dg = g_malloc(UDP_HDR_BYTES + len);
	if (len > 0)
		memcpy(dg + UDP_HDR_BYTES, data, len);
	r.sport = pcb->lport;
	r.dport = dport;
	r.payload_len_bytes = (uint16_t)len;
	udp_repr_emit(&r, dg, src, dst, true);
	error = ip_send(h, src, dst, IPPROTO_UDP, ttl, 0, df, dg,
	    UDP_HDR_BYTES + len);
	g_free(dg);
	return (error);
}

void
udp_input(struct host *h, struct pkt *m)
{
	const uint8_t *p = m->data;
	unsigned hlen = ip_get_hlen_bytes(p);
	uint32_t iplen = m->len - hlen, src, dst;
	const uint8_t *uh = p + hlen;
	struct udp_pcb *pcb;
	uint16_t ulen;

	switch (udp_check_len(uh, iplen)) {
	case UDP_CHECK_OK:
		break;
	case UDP_CHECK_TOOSHORT:
		ip_drop(h, m, DROP_UDP_HDROPS, m->rcvif, 0);
		return;
	case UDP_CHECK_BADLEN:
		ip_drop(h, m, DROP_UDP_BADLEN, m->rcvif, 0);
		return;
	}
	/* A uh_ulen shorter than the IP payload trims the datagram. */
	ulen = udp_get_len_bytes(uh);
	src = ip_get_src(p);
	dst = ip_get_dst(p);
	if (!udp_sum_ok(uh, src, dst)) {
		ip_drop(h, m, DROP_UDP_BADSUM, m->rcvif, 0);
		return;
	}
	/*
	 * 14's udp_input(): a datagram ipfw `fwd A,PORT` delivered here goes
	 * to the socket on PORT (PACKET_TAG_IPFORWARD); 6.x's looks up the
	 * destination port only.
	 */
	pcb = udp_pcb_lookup(h, (m->flags & PKT_F_IP_NEXTHOP) != 0 &&
	    m->fwd_port != 0 && h->release >= RELEASE_14 ? m->fwd_port :
	    udp_get_dport(uh));
	if (pcb == NULL) {
		if (in_broadcast(h, dst) || IN_MULTICAST_H(dst)) {
			/* udps_noportbcast: no ICMP about broadcasts. */
			ip_drop(h, m, DROP_UDP_NOPORTBCAST, m->rcvif, 0);
			return;
		}
		/* udp_input(): badport_bandlim() first, then the error. */
		if (badport_bandlim(h, BANDLIM_ICMP_UNREACH) == 0)
			icmp_error(h, m, ICMP_UNREACH, ICMP_UNREACH_PORT, 0);
		ip_drop(h, m, DROP_UDP_NOPORT, m->rcvif, 0);
		return;
	}
	h->udpstat.received++;
	if (pcb->input != NULL)
		pcb->input(pcb->ctx, pcb, src, udp_get_sport(uh), dst,
		    uh + UDP_HDR_BYTES, ulen - UDP_HDR_BYTES);
	ip_consumed(m);
}

/*
 * Interfaces: the address list with ifconfig's replace-or-alias rule, and
 * the two ends of a link: if_output() (loopback turnaround or hand-off to
 * the ns-3 device) and if_input() (the device's receive callback).
 */
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "net/host.h"
#include "net/if.h"
#include "net/route.h"
#include "netinet/ip_drop.h"
#include "netinet/ip_var.h"
#include "ns3/ns3_shim.h"
#include "pkt/pkt.h"
#include "sim/events.h"
#include "sim/sim_sched.h"
#include "trace/pcap_writer.h"
#include "wire/wire_print.h"

void
if_set_output_tap(struct ifnet *ifp, if_output_tap_fn fn, void *ctx)
{

	ifp->if_tap = fn;
	ifp->if_tap_ctx = ctx;
}

uint32_t
if_first_addr(const struct ifnet *ifp)
{

	return (ifp->if_naddrs > 0 ? ifp->if_addrs[0].ia_addr : 0);
}

bool
if_has_addr(const struct ifnet *ifp, uint32_t addr)
{
	unsigned i;

	for (i = 0; i < ifp->if_naddrs; i++)
		if (ifp->if_addrs[i].ia_addr == addr)
			return (true);
	return (false);
}

/*
 * ifconfig IF inet A/P replaces the interface's first address (SIOCAIFADDR
 * after deleting the old primary, as ifconfig(8) does without "alias");
 * with "alias" the address is appended.  Routes follow the addresses.
 */
bool
if_add_addr(struct ifnet *ifp, uint32_t addr, uint8_t plen, bool alias)
{
	unsigned i;

	if (alias || ifp->if_naddrs == 0) {
		for (i = 0; i < ifp->if_naddrs; i++)
			if (ifp->if_addrs[i].ia_addr == addr) {
				ifp->if_addrs[i].ia_plen = plen;
				rt_connected_update(ifp->if_host);
				return (true);
			}
		if (ifp->if_naddrs == IF_MAXADDRS)
			return (false);
		if (ifp->if_naddrs == 1 && ifp->if_addrs == &ifp->if_addr0) {
			ifp->if_addrs = g_new(struct in_ifaddr, IF_MAXADDRS);
			ifp->if_addrs[0] = ifp->if_addr0;
		}
		ifp->if_addrs[ifp->if_naddrs].ia_addr = addr;
		ifp->if_addrs[ifp->if_naddrs].ia_plen = plen;
		ifp->if_naddrs++;
		rt_addr_added(ifp->if_host, ifp, ifp->if_naddrs - 1);
		return (true);
	} else {
		ifp->if_addrs[0].ia_addr = addr;
		ifp->if_addrs[0].ia_plen = plen;
	}
	rt_connected_update(ifp->if_host);
	return (true);
}

/* link-out / link-in: what bpf on the interface would show. */
static void
if_event(struct host *h, const struct ifnet *ifp, const struct pkt *m,
    const char *kind, char dir)
{
	char sum[WIRE_PRINT_MAX];
	struct ev *e;
	struct ev_frame fr;

	e = ev_begin(h->sim->log, h->name, kind);
	if (e == NULL)
		return;
	/* For run.pcapng: the frame as the interface's bpf would show it. */
	fr.ifname = ifp->if_xname;
	fr.linktype = ifp->if_loopback ? PCAP_LINKTYPE_NULL :
	    ifp->if_dev != NULL ? PCAP_LINKTYPE_PPP : PCAP_LINKTYPE_RAW;
	fr.inbound = dir == '<';
	fr.bytes = m->data;
	fr.len = m->len;
	ev_frame(e, &fr);
	ip_summary(m, sum, sizeof(sum));
	ev_str(e, "if", ifp->if_xname);
	ev_int(e, "len", m->len);
	ev_int(e, "lineage", (int64_t)m->lineage);
	ev_str(e, "summary", sum);
	ev_textf(e, "%s %c %s", ifp->if_xname, dir, sum);
	ev_end(e);
}

/* if_simloop(): the looped packet re-enters ip_input as its own event. */
static void
if_simloop_input(void *arg)
{
	struct pkt *m = arg;
	struct ifnet *ifp = m->rcvif;
	struct host *h = ifp->if_host;

	pkt_hold(m, PKT_HELD_NONE);
	ifp->if_ipackets++;
	if_event(h, ifp, m, "link-in", '<');
	ip_input(h, m);
}

static void	if_input_lost(void *ctx, const uint8_t *bytes, size_t len,
		    const struct ns3_frame_tag *tag);

/* Park hist at the receiving end until the frame with cookie arrives. */
static void
if_fly_put(struct ifnet *to, uint64_t cookie, struct pkt_hist *hist)
{
	uint64_t *key = g_new(uint64_t, 1);

	if (to->if_fly == NULL)
		to->if_fly = g_hash_table_new_full(g_int64_hash,
		    g_int64_equal, g_free, NULL);
	*key = cookie;
	g_hash_table_insert(to->if_fly, key, hist);
}

/* The history a frame's cookie names (NULL for none), taken back. */
static struct pkt_hist *
if_fly_take(struct ifnet *ifp, uint64_t cookie)
{
	struct pkt_hist *hist;
	gpointer key;

	if (cookie == 0 || ifp->if_fly == NULL ||
	    !g_hash_table_steal_extended(ifp->if_fly, &cookie, &key,
	    (gpointer *)&hist))
		return (NULL);
	g_free(key);
	return (hist);
}

void
if_fly_flush(struct ifnet *ifp)
{
	GHashTableIter it;
	gpointer hist;

	if (ifp->if_fly == NULL)
		return;
	g_hash_table_iter_init(&it, ifp->if_fly);
	while (g_hash_table_iter_next(&it, NULL, &hist))
		pkt_hist_unref(hist);
	g_hash_table_destroy(ifp->if_fly);
	ifp->if_fly = NULL;
}

void
if_link(struct ifnet *a, struct ifnet *b, uint64_t rate_bps,
    uint64_t delay_ns, uint32_t mtu, uint32_t queue)
{
	struct host *ha = a->if_host, *hb = b->if_host;

	a->if_peer = b;
	b->if_peer = a;
	a->if_link_mtu = a->if_mtu = mtu;
	b->if_link_mtu = b->if_mtu = mtu;
	if (ha->sim->no_devices)
		return;
	if (ha->ns3_node == NULL)
		ha->ns3_node = ns3_node_create();
	if (hb->ns3_node == NULL)
		hb->ns3_node = ns3_node_create();
	ns3_link_create(ha->ns3_node, hb->ns3_node, rate_bps, delay_ns, mtu,
	    queue, &a->if_dev, &b->if_dev);
	ns3_dev_set_rx(a->if_dev, if_input, if_input_lost, a);
	ns3_dev_set_rx(b->if_dev, if_input, if_input_lost, b);
}

void
if_output(struct ifnet *ifp, struct pkt *m)
{
	struct host *h = ifp->if_host;
	struct ns3_frame_tag tag;

	if (ifp->if_loopback) {
		/*
		 * looutput()/if_simloop(): the packet is queued to the IP
		 * netisr with rcvif lo0; mbuf tags do not cross.
		 */
		if_event(h, ifp, m, "link-out", '>');
		ifp->if_opackets++;
		m->rcvif = ifp;
		m->fw_ref.info = 0;
		m->fw_ref.rulenum = 0;
		m->fw_ref.slot = 0;
		m->fw_calls.sp = 0;
		m->fw_calls.ntags = 0;	/* m_tag_delete_nonpersistent() */
		m->flags &= ~(PKT_F_IP_NEXTHOP | PKT_F_FASTFWD_OURS);
		pkt_hold(m, PKT_HELD_EVENT);
		sim_schedule(0, if_simloop_input, m);
		return;
	}
	if (ifp->if_dev == NULL) {
		if (ifp->if_tap != NULL) {
			if_event(h, ifp, m, "link-out", '>');
			ifp->if_opackets++;
			ifp->if_tap(ifp->if_tap_ctx, ifp, m);
			return;
		}
		ip_drop(h, m, DROP_IF_DOWN, ifp, 0);
		return;
	}
	tag.lineage = m->lineage;
	tag.cookie = m->hist != NULL && ifp->if_peer != NULL ?
	    ++ifp->if_peer->if_fly_next : 0;
	if (!ns3_dev_send(ifp->if_dev, m->data, m->len, &tag)) {
		ip_drop(h, m, DROP_QUEUE_FULL, ifp, 0);
		return;
	}
	if_event(h, ifp, m, "link-out", '>');
	ifp->if_opackets++;
	if (tag.cookie != 0) {
		if_fly_put(ifp->if_peer, tag.cookie, m->hist);
		m->hist = NULL;		/* the reference travels */
	}
	/* ns-3 copied the bytes. */
	pkt_dispose(m, PKT_FATE_LINK);
}

/* The packet a frame's bytes and tag stand for, received on ifp. */
static struct pkt *
if_frame_pkt(struct ifnet *ifp, const uint8_t *bytes, size_t len,
    const struct ns3_frame_tag *tag)
{
	struct pkt *m;

	m = pkt_from_bytes_lineage(bytes, (uint32_t)len,
	    tag != NULL ? tag->lineage : 0);
	/* The reference arrives with it. */
	m->hist = tag != NULL ? if_fly_take(ifp, tag->cookie) : NULL;
	m->rcvif = ifp;
	return (m);
}

void
if_input(void *ctx, const uint8_t *bytes, size_t len,
    const struct ns3_frame_tag *tag)
{
	struct ifnet *ifp = ctx;
	struct host *h = ifp->if_host;
	struct pkt *m;

	m = if_frame_pkt(ifp, bytes, len, tag);
	ifp->if_ipackets++;
	if_event(h, ifp, m, "link-in", '<');
	ip_input(h, m);
}

/*
 * The link's receive error model discarded a frame on its way to ifp (a
 * bad CRC: the driver counts if_ierrors and bpf never sees it): a drop,
 * link-lost, with the lineage it carried.
 */
static void
if_input_lost(void *ctx, const uint8_t *bytes, size_t len,
    const struct ns3_frame_tag *tag)
{
	struct ifnet *ifp = ctx;
	struct pkt *m;

	m = if_frame_pkt(ifp, bytes, len, tag);
	ip_drop(ifp->if_host, m, DROP_LINK_LOST, ifp, 0);
}

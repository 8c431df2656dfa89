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
		ifp->if_addrs[ifp->if_naddrs].ia_addr = addr;
		ifp->if_addrs[ifp->if_naddrs].ia_plen = plen;
		ifp->if_naddrs++;
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

	e = ev_begin(h->sim->log, h->name, kind);
	if (e == NULL)
		return;
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

	ifp->if_ipackets++;
	if_event(h, ifp, m, "link-in", '<');
	ip_input(h, m);
}

/* Queue a packet's identity at the receiving end of the link. */
static void
if_fly_push(struct ifnet *to, uint64_t lineage, struct pkt_hist *hist)
{
	if (to->if_fly_len == to->if_fly_cap) {
		unsigned ncap = to->if_fly_cap == 0 ? 16 : to->if_fly_cap * 2;
		struct if_inflight *n = g_new(struct if_inflight, ncap);

		for (unsigned i = 0; i < to->if_fly_len; i++)
			n[i] = to->if_fly[(to->if_fly_head + i) %
			    to->if_fly_cap];
		g_free(to->if_fly);
		to->if_fly = n;
		to->if_fly_head = 0;
		to->if_fly_cap = ncap;
	}
	to->if_fly[(to->if_fly_head + to->if_fly_len) % to->if_fly_cap] =
	    (struct if_inflight){ lineage, hist };
	to->if_fly_len++;
}

void
if_fly_flush(struct ifnet *ifp)
{
	while (ifp->if_fly_len > 0) {
		pkt_hist_unref(ifp->if_fly[ifp->if_fly_head].hist);
		ifp->if_fly_head = (ifp->if_fly_head + 1) % ifp->if_fly_cap;
		ifp->if_fly_len--;
	}
	g_free(ifp->if_fly);
	ifp->if_fly = NULL;
	ifp->if_fly_cap = 0;
}

void
if_output(struct ifnet *ifp, struct pkt *m)
{
	struct host *h = ifp->if_host;

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
		ip_drop_named(h, m, "if-down", NULL, ifp);
		return;
	}
	if (!ns3_dev_send(ifp->if_dev, m->data, m->len)) {
		ip_drop(h, m, DROP_QUEUE_FULL, ifp, 0);
		return;
	}
	if_event(h, ifp, m, "link-out", '>');
	ifp->if_opackets++;
	if (ifp->if_peer != NULL) {
		if_fly_push(ifp->if_peer, m->lineage, m->hist);
		m->hist = NULL;		/* the reference travels */
	}
	/* ns-3 copied the bytes. */
	pkt_free(m);
}

void
if_input(void *ctx, const uint8_t *bytes, size_t len)
{
	struct ifnet *ifp = ctx;
	struct host *h = ifp->if_host;
	struct if_inflight f = { 0, NULL };
	struct pkt *m;

	if (ifp->if_fly_len > 0) {
		f = ifp->if_fly[ifp->if_fly_head];
		ifp->if_fly_head = (ifp->if_fly_head + 1) % ifp->if_fly_cap;
		ifp->if_fly_len--;
	}
	m = pkt_from_bytes_lineage(bytes, (uint32_t)len, f.lineage);
	m->hist = f.hist;		/* the reference arrives with it */
	m->rcvif = ifp;
	ifp->if_ipackets++;
	if_event(h, ifp, m, "link-in", '<');
	ip_input(h, m);
}

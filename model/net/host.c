/*
 * A simulated host: creation with lo0, the stack's counters registered
 * under their contract names and its protocols in ip_protox[], interface
 * lookup, the `me` test, and the teardown of everything the host owns
 * (sockets, what attached modules registered, reassembly queues, routes,
 * interfaces).  Firewall and divert attach themselves (ipfw_attach(),
 * divert_attach()); this file does not know them.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "net/host.h"
#include "net/if.h"
#include "net/pfil.h"
#include "net/route.h"
#include "netinet/in_pcb.h"
#include "netinet/ip_var.h"
#include "netinet/udp_var.h"
#include "sim/counters.h"

#define	LOOPBACK_ADDR	0x7f000001u	/* 127.0.0.1 */
#define	LOOPBACK_MTU	16384u		/* FreeBSD's LOMTU */
#define	ETHER_MTU	1500u

struct host_sysuninit {
	void		(*fn)(void *arg);
	void		*arg;
};

/*
 * The counters of the contract (scenario-language.md "Counters"): one
 * table for every host, the values in the host itself.
 */
static const struct counter_kind host_counter_kinds[] = {
#define	IPC(f)	{ "ip." #f, offsetof(struct host, ipstat.f) }
	IPC(received), IPC(delivered), IPC(forwarded), IPC(sent),
	IPC(fragments), IPC(reassembled), IPC(fragmented),
	IPC(ofragments), IPC(badsum), IPC(noroute),
	IPC(ttl_exceeded), IPC(cantfrag), IPC(tooshort), IPC(badhlen),
	IPC(badlen), IPC(badvers), IPC(cantforward), IPC(fragdropped),
	IPC(fragtimeout), IPC(noproto),
#undef IPC
#define	ICC(f)	{ "icmp." #f, offsetof(struct host, icmpstat.f) }
	ICC(echo_requests), ICC(echo_replies), ICC(unreach),
	ICC(needfrag), ICC(timxceed), ICC(errors_sent), ICC(badsum),
	ICC(error), ICC(oldicmp), ICC(reflect), ICC(bmcastecho),
	ICC(badaddr), ICC(bandlim),
#undef ICC
#define	UDC(f)	{ "udp." #f, offsetof(struct host, udpstat.f) }
	UDC(received), UDC(noport), UDC(badsum),
#undef UDC
	{ "ipfw.denied", offsetof(struct host, fw_denied) },
};

/* HOST.if.NAME.qdrops and .ierrors of every interface. */
static const struct counter_kind if_counter_kinds[] = {
	{ "qdrops", offsetof(struct ifnet, if_oqdrops) },
	{ "ierrors", offsetof(struct ifnet, if_ierrors) },
};

static struct ifnet *
host_if_new(struct host *h, const char *name, uint32_t mtu, bool loopback)
{
	struct ifnet *ifp;

	ifp = g_new0(struct ifnet, 1);
	g_strlcpy(ifp->if_xname, name, sizeof(ifp->if_xname));
	ifp->if_host = h;
	ifp->if_index = h->ifnets->len;
	ifp->if_mtu = mtu;
	ifp->if_loopback = loopback;
	ifp->if_addrs = &ifp->if_addr0;
	g_ptr_array_add(h->ifnets, ifp);
	/* A hub with thousands of interfaces finds them by name in O(1). */
	if (h->if_byname == NULL && h->ifnets->len >= HOST_IF_HASH_MIN) {
		h->if_byname = g_hash_table_new(g_str_hash, g_str_equal);
		for (guint i = 0; i < h->ifnets->len; i++) {
			struct ifnet *x = g_ptr_array_index(h->ifnets, i);

			g_hash_table_insert(h->if_byname, x->if_xname, x);
		}
	} else if (h->if_byname != NULL)
		g_hash_table_insert(h->if_byname, ifp->if_xname, ifp);
	counters_register_group(h->sim->counters, &ifp->if_counters, h->name,
	    "if", ifp->if_xname, if_counter_kinds,
	    G_N_ELEMENTS(if_counter_kinds), ifp);
	return (ifp);
}

struct host *
host_new(struct sim_ctx *sim, const char *name, int release)
{
	struct host *h;
	struct ifnet *lo0;

	h = g_new0(struct host, 1);
	h->name = g_strdup(name);
	h->sim = sim;
	h->release = release;
	h->ipdivert = true;
	h->ifnets = g_ptr_array_new();
	rt_init(&h->rt);
	/* FreeBSD's defaults: not a router, ipfw loaded and enabled. */
	h->sysctl.forwarding = false;
	h->sysctl.fw_enable = true;
	h->sysctl.fw_one_pass = true;
	h->sysctl.fw_verbose = false;
	h->sysctl.fw_default_to_accept = false;
	h->sysctl.icmplim = 200;
	/* A fixed start keeps runs deterministic; ip_id counts from here. */
	h->ip_id = 1;
	h->reass = ip_reass_state_new();
	in_proto_init(h);
	h->sysuninit = g_array_new(FALSE, FALSE,
	    sizeof(struct host_sysuninit));
	counters_register_group(sim->counters, &h->counters, h->name, NULL,
	    NULL, host_counter_kinds, G_N_ELEMENTS(host_counter_kinds), h);

	lo0 = host_if_new(h, "lo0", LOOPBACK_MTU, true);
	if_add_addr(lo0, LOOPBACK_ADDR, 8, false);
	return (h);
}

void
host_sysuninit_add(struct host *h, void (*fn)(void *arg), void *arg)
{
	struct host_sysuninit u = { .fn = fn, .arg = arg };

	g_array_append_val(h->sysuninit, u);
}

void
host_free(struct host *h)
{
	guint i;

	if (h == NULL)
		return;
	/* Sockets first: their timers and state refer to the host. */
	while (host_list_len(h->udp_pcbs) > 0)
		udp_pcb_free(g_ptr_array_index(h->udp_pcbs,
		    h->udp_pcbs->len - 1));
	while (host_list_len(h->ping_pcbs) > 0) {
		struct ping_pcb *pp = g_ptr_array_index(h->ping_pcbs,
		    h->ping_pcbs->len - 1);

		g_ptr_array_remove_index(h->ping_pcbs, h->ping_pcbs->len - 1);
		if (pp->detach != NULL)
			pp->detach(pp->ctx);
		g_free(pp);
	}
	if (h->udp_pcbs != NULL)
		g_ptr_array_free(h->udp_pcbs, TRUE);
	if (h->ping_pcbs != NULL)
		g_ptr_array_free(h->ping_pcbs, TRUE);
	if (h->procs != NULL)
		g_ptr_array_free(h->procs, TRUE);
	/* Modules unload: pfil hooks first (ipfw), then the others. */
	pfil_head_free(h);
	for (i = h->sysuninit->len; i > 0; i--) {
		const struct host_sysuninit *u = &g_array_index(h->sysuninit,
		    struct host_sysuninit, i - 1);

		u->fn(u->arg);
	}
	g_array_free(h->sysuninit, TRUE);
	counters_unregister_owner(h->sim->counters, h->name);
	ip_reass_state_free(h->reass);
	in_proto_free(h);
	g_free(h->icmp_rates);
	rt_destroy(&h->rt);
	if (h->if_byname != NULL)
		g_hash_table_destroy(h->if_byname);
	for (i = 0; i < h->ifnets->len; i++) {
		struct ifnet *ifp = g_ptr_array_index(h->ifnets, i);

		if_fly_flush(ifp);
		if (ifp->if_addrs != &ifp->if_addr0)
			g_free(ifp->if_addrs);
		g_free(ifp);
	}
	g_ptr_array_free(h->ifnets, TRUE);
	g_free(h->name);
	g_free(h);
}

struct ifnet *
host_ifunit(const struct host *h, const char *name)
{
	guint i;

	if (h->if_byname != NULL)
		return (g_hash_table_lookup(h->if_byname, name));
	for (i = 0; i < h->ifnets->len; i++) {
		struct ifnet *ifp = g_ptr_array_index(h->ifnets, i);

		if (strcmp(ifp->if_xname, name) == 0)
			return (ifp);
	}
	return (NULL);
}

struct ifnet *
host_if_get_or_create(struct host *h, const char *name)
{
	struct ifnet *ifp;

	ifp = host_ifunit(h, name);
	if (ifp == NULL)
		ifp = host_if_new(h, name, ETHER_MTU, false);
	return (ifp);
}

struct ifnet *
host_lo0(const struct host *h)
{

	return (g_ptr_array_index(h->ifnets, 0));
}

struct ifnet *
ifa_ifwithaddr(const struct host *h, uint32_t addr)
{
	guint i;

	for (i = 0; i < h->ifnets->len; i++) {
		struct ifnet *ifp = g_ptr_array_index(h->ifnets, i);

		if (if_has_addr(ifp, addr))
			return (ifp);
	}
	return (NULL);
}

bool
in_localip(const struct host *h, uint32_t addr)
{

	return (ifa_ifwithaddr(h, addr) != NULL);
}

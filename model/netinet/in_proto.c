/*
 * The protocol switch of local delivery: FreeBSD's inetsw[] (in_proto.c),
 * ip_protox[] and ipproto_register()/ipproto_unregister() (ip_input.c), and
 * the no-protocol case of rip_input() (raw_ip.c).  ip_input() hands a
 * whole datagram for this host to h->ip_protox[proto]; adding a protocol
 * is a registration, not a case in ip_input().
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <netinet/in.h>

#include <glib.h>

#include "net/host.h"
#include "netinet/icmp_var.h"
#include "netinet/ip_drop.h"
#include "netinet/ip_var.h"
#include "netinet/tcp_var.h"
#include "netinet/udp_var.h"
#include "pkt/pkt.h"
#include "wire/wire_icmp.h"

/*
 * The protocols built into the stack (inetsw[]), as the tables every host
 * starts with.  They are shared: a host gets its own copy only when a
 * registration changes them (ipproto_own()), so a million idle hosts do
 * not carry a million copies of 4 KiB of mostly NULL pointers.
 */
static ipproto_input_t *const inetsw_input[IP_NPROTO] = {
	[IPPROTO_ICMP] = icmp_input,
	[IPPROTO_TCP] = tcp_input,
	[IPPROTO_UDP] = udp_input,
};
static ipproto_ctlinput_t *const inetsw_ctlinput[IP_NPROTO] = {
	[IPPROTO_TCP] = tcp_ctlinput,
};

struct ipprotosw {
	ipproto_input_t	*input[IP_NPROTO];
	ipproto_ctlinput_t *ctlinput[IP_NPROTO];
};

void
in_proto_init(struct host *h)
{

	h->ip_protox = inetsw_input;
	h->ip_ctlinput = inetsw_ctlinput;
	h->protosw = NULL;
}

/* The host's own, writable tables, copied from the shared ones first. */
static struct ipprotosw *
ipproto_own(struct host *h)
{
	struct ipprotosw *sw = h->protosw;

	if (sw == NULL) {
		sw = g_new(struct ipprotosw, 1);
		memcpy(sw->input, h->ip_protox, sizeof(sw->input));
		memcpy(sw->ctlinput, h->ip_ctlinput, sizeof(sw->ctlinput));
		h->protosw = sw;
		h->ip_protox = sw->input;
		h->ip_ctlinput = sw->ctlinput;
	}
	return (sw);
}

void
in_proto_free(struct host *h)
{

	g_free(h->protosw);
	h->protosw = NULL;
	h->ip_protox = inetsw_input;
	h->ip_ctlinput = inetsw_ctlinput;
}

int
ipproto_register_ctlinput(struct host *h, uint8_t proto,
    ipproto_ctlinput_t *ctlinput)
{

	if (h->ip_ctlinput[proto] != NULL)
		return (EEXIST);
	ipproto_own(h)->ctlinput[proto] = ctlinput;
	return (0);
}

int
ipproto_register(struct host *h, uint8_t proto, ipproto_input_t *input)
{

	g_assert(input != NULL);
	/* A slot still pointing at rip_input() is free (FreeBSD 14). */
	if (h->ip_protox[proto] != NULL)
		return (EEXIST);
	ipproto_own(h)->input[proto] = input;
	return (0);
}

int
ipproto_unregister(struct host *h, uint8_t proto)
{
	struct ipprotosw *sw;

	if (h->ip_protox[proto] == NULL)
		return (ENOENT);
	sw = ipproto_own(h);
	sw->input[proto] = NULL;
	sw->ctlinput[proto] = NULL;
	return (0);
}

void
rip_input(struct host *h, struct pkt *m)
{

	/*
	 * No raw socket wants it: rip_input() answers protocol unreachable
	 * and takes back ips_delivered, counting ips_noproto instead.
	 */
	icmp_error(h, m, ICMP_UNREACH, ICMP_UNREACH_PROTOCOL, 0);
	ip_drop(h, m, DROP_NOPROTO, m->rcvif, 0);
}

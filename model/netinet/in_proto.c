/*
 * The protocol switch of local delivery: FreeBSD's inetsw[] (in_proto.c),
 * ip_protox[] and ipproto_register()/ipproto_unregister() (ip_input.c), and
 * the no-protocol case of rip_input() (raw_ip.c).  ip_input() hands a
 * whole datagram for this host to h->ip_protox[proto]; adding a protocol
 * is a registration, not a case in ip_input().
 */
#include <errno.h>
#include <stddef.h>

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

/* The protocols built into the stack (inetsw[]). */
static const struct {
	uint8_t		 proto;
	ipproto_input_t	*input;
	ipproto_ctlinput_t *ctlinput;
} inetsw[] = {
	{ IPPROTO_ICMP,	icmp_input,	NULL },
	{ IPPROTO_TCP,	tcp_input,	tcp_ctlinput },
	{ IPPROTO_UDP,	udp_input,	NULL },
};

void
in_proto_init(struct host *h)
{
	size_t i;
	int error;

	for (i = 0; i < G_N_ELEMENTS(inetsw); i++) {
		error = ipproto_register(h, inetsw[i].proto, inetsw[i].input);
		g_assert(error == 0);
		if (inetsw[i].ctlinput != NULL)
			(void)ipproto_register_ctlinput(h, inetsw[i].proto,
			    inetsw[i].ctlinput);
	}
}

int
ipproto_register_ctlinput(struct host *h, uint8_t proto,
    ipproto_ctlinput_t *ctlinput)
{

	if (h->ip_ctlinput[proto] != NULL)
		return (EEXIST);
	h->ip_ctlinput[proto] = ctlinput;
	return (0);
}

int
ipproto_register(struct host *h, uint8_t proto, ipproto_input_t *input)
{

	g_assert(input != NULL);
	/* A slot still pointing at rip_input() is free (FreeBSD 14). */
	if (h->ip_protox[proto] != NULL)
		return (EEXIST);
	h->ip_protox[proto] = input;
	return (0);
}

int
ipproto_unregister(struct host *h, uint8_t proto)
{

	if (h->ip_protox[proto] == NULL)
		return (ENOENT);
	h->ip_protox[proto] = NULL;
	h->ip_ctlinput[proto] = NULL;
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

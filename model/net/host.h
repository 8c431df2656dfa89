/*
 * A simulated FreeBSD host: interfaces, routes, sysctls, the IPv4 stack's
 * statistics, the ipfw chain, the reassembly queues, the divert port table,
 * UDP and ping sockets, and processes.  Hosts share nothing; they meet only
 * through links.
 */
#ifndef DIVERTSIM_HOST_H
#define DIVERTSIM_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "net/if.h"
#include "net/route.h"
#include "sim/sim_ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ipfw_chain;
struct ip_reass_state;
struct divert_tab;
struct udp_pcb;
struct ping_pcb;

/* `release` values: whose behaviour the host follows where FreeBSD changed. */
#define	RELEASE_6	6
#define	RELEASE_14	14

struct host_sysctl {
	bool		 forwarding;		/* net.inet.ip.forwarding */
	bool		 fw_enable;		/* net.inet.ip.fw.enable */
	bool		 fw_one_pass;		/* net.inet.ip.fw.one_pass */
	bool		 fw_verbose;		/* net.inet.ip.fw.verbose */
	bool		 fw_default_to_accept;	/* ...fw.default_to_accept */
};

/* netstat -s -p ip; names as in docs/counters.md (HOST.ip.NAME). */
struct ipstat {
	uint64_t	 received, delivered, forwarded, sent, fragments,
			 reassembled, fragmented, ofragments, badsum, noroute,
			 ttl_exceeded, cantfrag, tooshort, badhlen, badlen,
			 badvers, cantforward, fragdropped, fragtimeout,
			 noproto;
};

struct icmpstat {	/* HOST.icmp.NAME */
	uint64_t	 echo_requests, echo_replies, unreach, needfrag,
			 timxceed, errors_sent, badsum;
};

struct udpstat {	/* HOST.udp.NAME */
	uint64_t	 received, noport, badsum;
};

struct host {
	char		*name;
	struct sim_ctx	*sim;
	int		 release;		/* RELEASE_6 or RELEASE_14 */
	bool		 ipdivert;		/* false: kernel without IPDIVERT */
	bool		 fw_loaded;		/* ipfw is in this kernel: the
						   scenario gives the host an
						   ipfw command somewhere */
	GPtrArray	*ifnets;		/* struct ifnet *; [0] is lo0 */
	struct rtable	 rt;
	struct host_sysctl sysctl;
	uint16_t	 ip_id;			/* next IP id for originated packets */
	struct ipstat	 ipstat;
	struct icmpstat	 icmpstat;
	struct udpstat	 udpstat;
	uint64_t	 fw_denied;		/* HOST.ipfw.denied */
	struct ipfw_chain *fw;
	struct ip_reass_state *reass;
	struct divert_tab *divert;
	GPtrArray	*udp_pcbs;		/* struct udp_pcb * */
	GPtrArray	*ping_pcbs;		/* struct ping_pcb * */
	GPtrArray	*procs;			/* struct proc * */
	void		*ns3_node;		/* ns3_node * */
};

/* A host with lo0 (127.0.0.1/8) and its counters registered. */
struct host	*host_new(struct sim_ctx *sim, const char *name, int release);
void		 host_free(struct host *h);
/* The interface named name, or NULL. */
struct ifnet	*host_ifunit(const struct host *h, const char *name);
/* The interface named name, created (unlinked, MTU 1500) if missing. */
struct ifnet	*host_if_get_or_create(struct host *h, const char *name);
struct ifnet	*host_lo0(const struct host *h);
/* ifa_ifwithaddr(): the interface owning addr, or NULL. */
struct ifnet	*ifa_ifwithaddr(const struct host *h, uint32_t addr);
/* Whether addr is one of this host's addresses (`me`). */
bool		 in_localaddr(const struct host *h, uint32_t addr);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_HOST_H */

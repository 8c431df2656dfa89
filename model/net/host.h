/*
 * A simulated FreeBSD host: interfaces, routes, sysctls, the IPv4 stack's
 * statistics, the reassembly queues, the protocol switch, the pfil hooks,
 * UDP and ping sockets, and processes.  Modules above the stack (ipfw,
 * divert) attach themselves to a host and keep their per-host state in the
 * slots below that they own (FreeBSD keeps such state in VNET variables);
 * the host never calls them.  Hosts share nothing; they meet only through
 * links.
 */
#ifndef DIVERTSIM_HOST_H
#define DIVERTSIM_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "net/if.h"
#include "net/pfil.h"
#include "net/route.h"
#include "netinet/ip_var.h"
#include "sim/counters.h"
#include "sim/sim_ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ipfw_chain;
struct ip_reass_state;
struct divert_tab;
struct udp_pcb;
struct ping_pcb;
struct tcp_host;
struct ipprotosw;

/* `release` values: whose behaviour the host follows where FreeBSD changed. */
#define	RELEASE_6	6
#define	RELEASE_14	14
#define	HOST_IF_HASH_MIN 16	/* interfaces before host_ifunit() hashes */

struct host_sysctl {
	bool		 forwarding;		/* net.inet.ip.forwarding */
	bool		 fw_enable;		/* net.inet.ip.fw.enable */
	bool		 fw_one_pass;		/* net.inet.ip.fw.one_pass */
	bool		 fw_verbose;		/* net.inet.ip.fw.verbose */
	bool		 fw_default_to_accept;	/* ...fw.default_to_accept */
	int		 icmplim;		/* net.inet.icmp.icmplim */
};

/*
 * badport_bandlim()'s state for one kind of response: 6.x ppsratecheck()
 * (window from its first call, lasttime/curpps) or 14's
 * counter_ratecheck() (window from boot, cr_ticks/cr_rate/cr_over).
 */
struct icmp_rate {
	bool		 used;			/* 6.x: lasttime set */
	uint64_t	 last_ticks;		/* lasttime / cr_ticks */
	int64_t		 count;			/* curpps / cr_rate */
	bool		 over;			/* 14: cr_over */
};
#define	BANDLIM_ICMP_UNREACH	0
#define	BANDLIM_ICMP_ECHO	1
#define	BANDLIM_ICMP_TSTAMP	2
#define	BANDLIM_MAX		3

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
	/* FreeBSD's icmpstat under its own meaning: icps_error (calls to
	 * icmp_error(), before its refusals), icps_oldicmp, icps_reflect,
	 * icps_bmcastecho, icps_badaddr; and the responses badport_bandlim()
	 * refused (FreeBSD only logs "Limiting ..."). */
	uint64_t	 error, oldicmp, reflect, bmcastecho, badaddr,
			 bandlim;
};

struct udpstat {	/* HOST.udp.NAME */
	uint64_t	 received, noport, badsum;
};

struct host {
	char		*name;
	struct sim_ctx	*sim;
	int		 release;		/* RELEASE_6 or RELEASE_14 */
	bool		 ipdivert;		/* false: kernel without IPDIVERT */
	GPtrArray	*ifnets;		/* struct ifnet *; [0] is lo0 */
	GHashTable	*if_byname;		/* if_xname -> ifnet, once a host
						   has HOST_IF_HASH_MIN ifs */
	struct rtable	 rt;
	struct host_sysctl sysctl;
	uint16_t	 ip_id;			/* next IP id for originated packets */
	struct ipstat	 ipstat;
	struct icmpstat	 icmpstat;
	struct udpstat	 udpstat;
	/* badport_bandlim()'s state, made by its first call. */
	struct icmp_rate *icmp_rates;		/* [BANDLIM_MAX] */
	uint64_t	 fw_denied;		/* HOST.ipfw.denied */
	struct ip_reass_state *reass;
	/* Local delivery by protocol (ip_protox[]); NULL: rip_input().
	 * Both tables are the stack's shared defaults (inetsw[]) until a
	 * registration changes them for this host, which then gets its own
	 * copy (ipproto_register()). */
	ipproto_input_t	*const *ip_protox;
	/* ICMP errors by the quoted protocol (pr_ctlinput); NULL: none. */
	ipproto_ctlinput_t *const *ip_ctlinput;
	struct ipprotosw *protosw;		/* the copy, or NULL */
	struct pfil_head pfil;			/* the firewall hooks */
	/* ipfw's slot: set by ipfw_attach() (NULL: no ipfw in the kernel). */
	struct ipfw_chain *fw;
	/* divert(4)'s slots, set by divert_attach(): the port table, and
	 * ip_divert_ptr, NULL on a kernel without IPDIVERT. */
	struct divert_tab *divert;
	ip_divert_packet_t *ip_divert_ptr;
	GArray		*sysuninit;		/* struct host_sysuninit */
	/* Made by their first element (host_list_add()): most hosts of a
	 * big world have none. */
	GPtrArray	*udp_pcbs;		/* struct udp_pcb * */
	GPtrArray	*ping_pcbs;		/* struct ping_pcb * */
	GPtrArray	*procs;			/* struct proc * */
	/* TCP's slot: made on the host's first TCP use (tcp_host_get()). */
	struct tcp_host	*tcp;
	void		*ns3_node;		/* ns3_node * */
	struct counter_group counters;		/* ipstat, icmpstat, udpstat,
						   fw_denied, by name */
};

/*
 * A host with lo0 (127.0.0.1/8), its counters registered and the stack's
 * own protocols (ICMP, UDP) in ip_protox[]; no firewall, no divert.
 */
/* The length of a list of struct host made on first use (NULL: empty). */
static inline guint
host_list_len(const GPtrArray *a)
{
	return (a != NULL ? a->len : 0);
}

/* Add p to such a list, making it if needed. */
static inline void
host_list_add(GPtrArray **a, gpointer p)
{
	if (*a == NULL)
		*a = g_ptr_array_new();
	g_ptr_array_add(*a, p);
}

struct host	*host_new(struct sim_ctx *sim, const char *name, int release);
/*
 * Frees the host: sockets, then the pfil hooks' destructors and the
 * teardowns registered with host_sysuninit_add() (newest first), then the
 * stack's own state.
 */
void		 host_free(struct host *h);
/*
 * A module's per-host teardown (VNET_SYSUNINIT's role), run by host_free()
 * in reverse order of registration.
 */
void		 host_sysuninit_add(struct host *h, void (*fn)(void *arg),
		    void *arg);
/* The interface named name, or NULL. */
struct ifnet	*host_ifunit(const struct host *h, const char *name);
/* The interface named name, created (unlinked, MTU 1500) if missing. */
struct ifnet	*host_if_get_or_create(struct host *h, const char *name);
struct ifnet	*host_lo0(const struct host *h);
/* ifa_ifwithaddr(): the interface owning addr, or NULL. */
struct ifnet	*ifa_ifwithaddr(const struct host *h, uint32_t addr);
/* in_localip(): whether addr is one of this host's addresses (`me`). */
bool		 in_localip(const struct host *h, uint32_t addr);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_HOST_H */

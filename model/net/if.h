/*
 * Network interfaces (FreeBSD's struct ifnet with its address list).
 * Addresses keep the order they were configured in: the first one is what
 * divert(4) reports in sin_addr for incoming packets.
 */
#ifndef DIVERTSIM_IF_H
#define DIVERTSIM_IF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "sim/counters.h"

#ifdef __cplusplus
extern "C" {
#endif

#define	IFNAMSIZ	16
#define	IF_MAXADDRS	8

struct host;
struct pkt;
typedef struct ns3_dev ns3_dev;
struct ns3_frame_tag;

struct pkt_hist;
struct ifnet;

/*
 * An output tap (for tests): set on an interface without a link device,
 * if_output() hands each packet to fn, which owns it, instead of dropping
 * it as "if-down".
 */
typedef void	(*if_output_tap_fn)(void *ctx, struct ifnet *ifp,
		    struct pkt *m);

struct in_ifaddr {
	uint32_t	 ia_addr;	/* host order */
	uint8_t		 ia_plen;	/* prefix length */
};

struct ifnet {
	char		 if_xname[IFNAMSIZ];
	struct host	*if_host;
	unsigned	 if_index;	/* position in host->ifnets */
	uint32_t	 if_mtu;	/* bytes; <= link MTU */
	uint32_t	 if_link_mtu;	/* the link's MTU (0 for lo0) */
	bool		 if_loopback;
	ns3_dev		*if_dev;	/* NULL for lo0 and unlinked ifs */
	struct ifnet	*if_peer;	/* the other end of the link */
	if_output_tap_fn if_tap;	/* see if_set_output_tap() */
	void		*if_tap_ctx;
	/*
	 * What the wire does not carry travels in the frame's tag: the
	 * lineage itself, and a cookie naming the divert history, which
	 * waits here (cookie -> struct pkt_hist *) until its frame arrives
	 * or is lost.
	 */
	GHashTable	*if_fly;
	uint64_t	 if_fly_next;	/* last cookie given out */
	/* The addresses: if_addr0 while there is at most one (nearly every
	 * interface of a big world), then a heap array of IF_MAXADDRS. */
	struct in_ifaddr *if_addrs;
	struct in_ifaddr if_addr0;
	unsigned	 if_naddrs;
	uint64_t	 if_opackets, if_ipackets, if_oqdrops;
	uint64_t	 if_ierrors;	/* frames the link lost on the way here */
	struct counter_group if_counters; /* HOST.if.NAME.{qdrops,ierrors} */
};

/* First IPv4 address of ifp (host order), or 0 (INADDR_ANY) if none. */
uint32_t	 if_first_addr(const struct ifnet *ifp);
/* Whether ifp owns addr. */
bool		 if_has_addr(const struct ifnet *ifp, uint32_t addr);
/* Add addr/plen; alias=false replaces the first address as ifconfig does
 * without "alias" (keeps the others). Returns false when the list is full. */
bool		 if_add_addr(struct ifnet *ifp, uint32_t addr, uint8_t plen,
		    bool alias);

/* Set (fn != NULL) or clear ifp's output tap. */
void		 if_set_output_tap(struct ifnet *ifp, if_output_tap_fn fn,
		    void *ctx);

/*
 * Transmit m on ifp (consumes m): the interface's output routine.  On lo0 the
 * packet comes back through ip_input() with rcvif lo0 as a separate event,
 * as FreeBSD's if_simloop() queues it.  A full link queue drops the packet
 * (counted as HOST.if.IF.qdrops).
 */
void		 if_output(struct ifnet *ifp, struct pkt *m);
/* Free what if_fly still holds (frames that never arrived). */
void		 if_fly_flush(struct ifnet *ifp);
/*
 * Join a and b (on two hosts) with a point-to-point link of rate, delay,
 * MTU and transmit queue length (packets); both interfaces take the
 * link's MTU.
 */
void		 if_link(struct ifnet *a, struct ifnet *b, uint64_t rate_bps,
		    uint64_t delay_ns, uint32_t mtu, uint32_t queue);
/* Link receive callback (ns3_rx_fn) with ctx = the struct ifnet. */
void		 if_input(void *ctx, const uint8_t *bytes, size_t len,
		    const struct ns3_frame_tag *tag);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IF_H */

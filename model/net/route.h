/*
 * The routing table: connected routes (one per interface prefix), static
 * host, network and default routes, and host routes for the host's own
 * addresses through lo0.  Lookup is longest-prefix match; among equal
 * prefixes the earliest entry wins, the derived (local and connected)
 * routes in interface and address order coming before the static ones.
 *
 * Cost: a lookup probes one hash table once per prefix length present
 * (longest first), whatever the number of routes; adding an address adds
 * its two routes; replacing one rebuilds the derived routes once, at the
 * next lookup or `route add`.  A hub with 60,000 interfaces builds in
 * linear time.
 */
#ifndef DIVERTSIM_ROUTE_H
#define DIVERTSIM_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ifnet;
struct host;

#define	RTF_GATEWAY	0x1	/* next hop is rt_gateway */
#define	RTF_HOST	0x2	/* /32 host route */
#define	RTF_LOCAL	0x4	/* one of the host's own addresses (via lo0) */
#define	RTF_STATIC	0x8	/* added by `route add` */

struct rtentry {	/* 32 bytes: a host holds a few of these */
	uint32_t	 rt_dst;	/* host order, masked */
	uint32_t	 rt_gateway;	/* host order; 0 when directly connected */
	struct ifnet	*rt_ifp;	/* outgoing interface */
	uint64_t	 rt_rank;	/* among equal prefixes, lower wins */
	unsigned	 rt_flags;
	uint8_t		 rt_plen;
};

struct rtable {
	struct rtentry	*rt;		/* every route, in no set order */
	unsigned	 n, cap;
	uint32_t	*slot;		/* hash of (rt_dst, rt_plen): 1 + the
					 * index of the best-ranked route, or
					 * 0 (empty) */
	unsigned	 nslot;		/* a power of two, or 0 */
	uint64_t	 plens;		/* bit p: some route has prefix p */
	uint64_t	 next_static;	/* rank of the next static route */
	bool		 stale;		/* derived routes to rebuild */
};

void		 rt_init(struct rtable *t);
void		 rt_destroy(struct rtable *t);
/* Address ia (index i of ifp's list) was appended: add its routes. */
void		 rt_addr_added(struct host *h, const struct ifnet *ifp,
		    unsigned i);
/* Addresses changed otherwise: rebuild the connected and local routes
 * (when next needed). */
void		 rt_connected_update(struct host *h);
/*
 * route add: gateway must be reachable over a connected route.  Returns 0,
 * or an errno (ENETUNREACH: gateway not on a connected network; EEXIST).
 */
int		 rt_add_static(struct host *h, uint32_t dst, uint8_t plen,
		    uint32_t gw);
/* Longest-prefix match for dst, NULL if none. */
const struct rtentry *rt_lookup(const struct host *h, uint32_t dst);

uint32_t	 in_plen_mask(uint8_t plen);	/* host-order netmask */

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_ROUTE_H */

/*
 * The routing table of one host.  Every route lives in one array; a hash
 * table keyed by (destination, prefix length) holds, for each key, the
 * route that wins among equal prefixes (the lowest rt_rank), and a bit mask
 * tells which prefix lengths exist.  rt_lookup() probes the lengths present,
 * longest first: the first hit is the longest-prefix match, as FreeBSD's
 * radix tree gives (rtalloc1()), at a cost independent of the table size.
 *
 * Ranks keep the order the table has always had: the derived routes of
 * interface i, address j (local route, then connected route) rank
 * ((i * IF_MAXADDRS) + j) * 2 + {0, 1}; static routes rank after every
 * derived route, in the order they were added.  Connected and local routes
 * are derived from the interface addresses: an appended address adds its
 * two routes; any other change marks them stale, and the next lookup or
 * `route add` rebuilds them once (static routes survive).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "net/host.h"
#include "net/if.h"
#include "net/route.h"

#define	RANK_STATIC	(1ull << 62)	/* above every derived rank */

uint32_t
in_plen_mask(uint8_t plen)
{

	if (plen == 0)
		return (0);
	if (plen >= 32)
		return (0xffffffffu);
	return (0xffffffffu << (32 - plen));
}

void
rt_init(struct rtable *t)
{

	memset(t, 0, sizeof(*t));
	t->next_static = RANK_STATIC;
}

void
rt_destroy(struct rtable *t)
{

	g_free(t->rt);
	g_free(t->slot);
	rt_init(t);
}

static unsigned
rt_hash(uint32_t dst, uint8_t plen, unsigned nslot)
{
	/* Fibonacci hashing of the key: the top bits of a 64-bit product. */
	uint64_t k = ((uint64_t)plen << 32 | dst) * 0x9e3779b97f4a7c15ull;

	return ((unsigned)(k >> 32) & (nslot - 1));
}

/* The slot of key (dst, plen): the one holding it, or the empty one where
 * it would go. */
static uint32_t *
rt_slot(const struct rtable *t, uint32_t dst, uint8_t plen)
{
	unsigned i = rt_hash(dst, plen, t->nslot);

	for (;; i = (i + 1) & (t->nslot - 1)) {
		uint32_t *s = &t->slot[i];
		const struct rtentry *r;

		if (*s == 0)
			return (s);
		r = &t->rt[*s - 1];
		if (r->rt_dst == dst && r->rt_plen == plen)
			return (s);
	}
}

/* Enter route idx in the hash when it beats the route of its key. */
static void
rt_index(struct rtable *t, unsigned idx)
{
	const struct rtentry *e = &t->rt[idx];
	uint32_t *s = rt_slot(t, e->rt_dst, e->rt_plen);

	if (*s == 0 || t->rt[*s - 1].rt_rank > e->rt_rank)
		*s = idx + 1;
	t->plens |= 1ull << e->rt_plen;
}

/* Hash every route again into nslot slots (load at most one half). */
static void
rt_reindex(struct rtable *t, unsigned nslot)
{
	g_free(t->slot);
	t->nslot = nslot;
	t->slot = g_new0(uint32_t, nslot);
	t->plens = 0;
	for (unsigned i = 0; i < t->n; i++)
		rt_index(t, i);
}

static void
rt_insert(struct rtable *t, const struct rtentry *e)
{
	if (t->n == t->cap) {
		/* Most hosts keep a handful of routes: start small. */
		t->cap = t->cap == 0 ? 4 : t->cap * 2;
		t->rt = g_renew(struct rtentry, t->rt, t->cap);
	}
	t->rt[t->n++] = *e;
	if (t->n * 2 > t->nslot)
		rt_reindex(t, t->nslot == 0 ? 8 : t->nslot * 2);
	else
		rt_index(t, t->n - 1);
}

/*
 * The routes FreeBSD derives from an address (in_ifinit(), ifa_maintain_
 * loopback_route()): a host route through lo0 (RTF_LOCAL, "UHS lo0" in
 * netstat -rn), and a connected route for the interface prefix.
 */
static void
rt_add_derived(struct host *h, const struct ifnet *ifp, unsigned j)
{
	const struct in_ifaddr *ia = &ifp->if_addrs[j];
	struct rtentry e = { 0 };
	uint64_t rank = ((uint64_t)ifp->if_index * IF_MAXADDRS + j) * 2;

	e.rt_dst = ia->ia_addr;
	e.rt_plen = 32;
	e.rt_ifp = host_lo0(h);
	e.rt_flags = RTF_HOST | RTF_LOCAL;
	e.rt_rank = rank;
	rt_insert(&h->rt, &e);
	if (ia->ia_plen < 32) {
		e.rt_dst = ia->ia_addr & in_plen_mask(ia->ia_plen);
		e.rt_plen = ia->ia_plen;
		e.rt_ifp = (struct ifnet *)ifp;
		e.rt_flags = 0;
		e.rt_rank = rank + 1;
		rt_insert(&h->rt, &e);
	}
}

void
rt_addr_added(struct host *h, const struct ifnet *ifp, unsigned i)
{

	if (!h->rt.stale)
		rt_add_derived(h, ifp, i);
}

void
rt_connected_update(struct host *h)
{

	h->rt.stale = true;
}

/* Rebuild the derived routes from the addresses, keeping static ones. */
static void
rt_rebuild(struct host *h)
{
	struct rtable *t = &h->rt;
	unsigned i, j, nstatic = 0;

	for (i = 0; i < t->n; i++)
		if (t->rt[i].rt_flags & RTF_STATIC)
			t->rt[nstatic++] = t->rt[i];
	t->n = nstatic;
	rt_reindex(t, t->nslot == 0 ? 8 : t->nslot);
	t->stale = false;
	for (i = 0; i < h->ifnets->len; i++) {
		const struct ifnet *ifp = g_ptr_array_index(h->ifnets, i);

		for (j = 0; j < ifp->if_naddrs; j++)
			rt_add_derived(h, ifp, j);
	}
}

/* The best route of exactly (dst, plen), or NULL. */
static const struct rtentry *
rt_find(const struct rtable *t, uint32_t dst, uint8_t plen)
{
	const uint32_t *s;

	if (t->nslot == 0 || (t->plens & (1ull << plen)) == 0)
		return (NULL);
	s = rt_slot(t, dst, plen);
	return (*s != 0 ? &t->rt[*s - 1] : NULL);
}

/*
 * Longest-prefix match.  With connected_only, only routes derived from an
 * interface prefix count: a key's best route is a connected one whenever
 * the key has one (they outrank static routes; local routes are /32,
 * connected ones never are).
 */
static const struct rtentry *
rt_match(const struct rtable *t, uint32_t dst, bool connected_only)
{
	uint64_t m = t->plens;

	while (m != 0) {
		unsigned p = 63u - (unsigned)__builtin_clzll(m);
		const struct rtentry *r;

		m &= ~(1ull << p);
		r = rt_find(t, dst & in_plen_mask((uint8_t)p), (uint8_t)p);
		if (r == NULL)
			continue;
		if (connected_only &&
		    (r->rt_flags & (RTF_STATIC | RTF_LOCAL | RTF_GATEWAY)))
			continue;
		return (r);
	}
	return (NULL);
}

/*
 * route add: the gateway must sit on a connected network (FreeBSD's
 * route(8) says "Network is unreachable" otherwise); the route uses the
 * interface of that network.
 */
int
rt_add_static(struct host *h, uint32_t dst, uint8_t plen, uint32_t gw)
{
	struct rtable *t = &h->rt;
	struct rtentry e = { 0 };
	const struct rtentry *via;

	if (plen > 32)
		return (EINVAL);
	if (t->stale)
		rt_rebuild(h);
	dst &= in_plen_mask(plen);
	if (rt_find(t, dst, plen) != NULL)
		return (EEXIST);
	if ((via = rt_match(t, gw, true)) == NULL)
		return (ENETUNREACH);
	e.rt_dst = dst;
	e.rt_plen = plen;
	e.rt_gateway = gw;
	e.rt_ifp = via->rt_ifp;
	e.rt_flags = RTF_STATIC | RTF_GATEWAY | (plen == 32 ? RTF_HOST : 0);
	e.rt_rank = t->next_static++;
	rt_insert(t, &e);
	return (0);
}

const struct rtentry *
rt_lookup(const struct host *h, uint32_t dst)
{

	/* The table is a cache of the addresses: bring it up to date. */
	if (h->rt.stale)
		rt_rebuild((struct host *)h);
	return (rt_match(&h->rt, dst, false));
}

/*
 * The routing table of one host: longest-prefix match over an array kept
 * sorted by prefix length (longest first, insertion order among equals).
 * Connected and local routes are derived from the interface addresses and
 * rebuilt on every address change; static routes survive the rebuild.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "net/host.h"
#include "net/if.h"
#include "net/route.h"

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

	t->rt = NULL;
	t->n = 0;
	t->cap = 0;
}

void
rt_destroy(struct rtable *t)
{

	g_free(t->rt);
	rt_init(t);
}

/*
 * Insert after every entry whose prefix is at least as long, so that the
 * array stays sorted longest first and the earliest of equal prefixes wins.
 */
static void
rt_insert(struct rtable *t, const struct rtentry *e)
{
	unsigned i;

	if (t->n == t->cap) {
		t->cap = t->cap == 0 ? 16 : t->cap * 2;
		t->rt = g_renew(struct rtentry, t->rt, t->cap);
	}
	for (i = 0; i < t->n; i++)
		if (t->rt[i].rt_plen < e->rt_plen)
			break;
	memmove(&t->rt[i + 1], &t->rt[i], (t->n - i) * sizeof(t->rt[0]));
	t->rt[i] = *e;
	t->n++;
}

/*
 * The routes FreeBSD derives from addresses (in_ifinit(), ifa_maintain_
 * loopback_route()): a host route through lo0 for each local address
 * (RTF_LOCAL, "UHS lo0" in netstat -rn), and one connected route per
 * interface prefix.
 */
void
rt_connected_update(struct host *h)
{
	struct rtable *t = &h->rt;
	struct rtentry *statics;
	struct ifnet *lo0;
	unsigned nstatic, i, j;

	nstatic = 0;
	statics = g_new(struct rtentry, t->n + 1);
	for (i = 0; i < t->n; i++)
		if (t->rt[i].rt_flags & RTF_STATIC)
			statics[nstatic++] = t->rt[i];
	t->n = 0;

	lo0 = host_lo0(h);
	for (i = 0; i < h->ifnets->len; i++) {
		struct ifnet *ifp = g_ptr_array_index(h->ifnets, i);

		for (j = 0; j < ifp->if_naddrs; j++) {
			const struct in_ifaddr *ia = &ifp->if_addrs[j];
			struct rtentry e = { 0 };

			e.rt_dst = ia->ia_addr;
			e.rt_plen = 32;
			e.rt_ifp = lo0;
			e.rt_flags = RTF_HOST | RTF_LOCAL;
			rt_insert(t, &e);
			if (ia->ia_plen < 32) {
				e.rt_dst = ia->ia_addr & in_plen_mask(ia->ia_plen);
				e.rt_plen = ia->ia_plen;
				e.rt_ifp = ifp;
				e.rt_flags = 0;
				rt_insert(t, &e);
			}
		}
	}
	for (i = 0; i < nstatic; i++)
		rt_insert(t, &statics[i]);
	g_free(statics);
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
	const struct rtentry *via = NULL;
	unsigned i;

	if (plen > 32)
		return (EINVAL);
	dst &= in_plen_mask(plen);
	for (i = 0; i < t->n; i++)
		if (t->rt[i].rt_dst == dst && t->rt[i].rt_plen == plen)
			return (EEXIST);
	for (i = 0; i < t->n; i++) {
		const struct rtentry *r = &t->rt[i];

		if (r->rt_flags & (RTF_STATIC | RTF_LOCAL | RTF_GATEWAY))
			continue;
		if ((gw & in_plen_mask(r->rt_plen)) == r->rt_dst) {
			via = r;
			break;
		}
	}
	if (via == NULL)
		return (ENETUNREACH);
	e.rt_dst = dst;
	e.rt_plen = plen;
	e.rt_gateway = gw;
	e.rt_ifp = via->rt_ifp;
	e.rt_flags = RTF_STATIC | RTF_GATEWAY | (plen == 32 ? RTF_HOST : 0);
	rt_insert(t, &e);
	return (0);
}

const struct rtentry *
rt_lookup(const struct host *h, uint32_t dst)
{
	const struct rtable *t = &h->rt;
	unsigned i;

	for (i = 0; i < t->n; i++) {
		const struct rtentry *r = &t->rt[i];

		if ((dst & in_plen_mask(r->rt_plen)) == r->rt_dst)
			return (r);
	}
	return (NULL);
}

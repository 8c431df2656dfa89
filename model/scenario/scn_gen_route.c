/*
 * The generator's address plan and static routes.
 *
 * Plan: link k (0-based, in the order the links are written) is the k-th
 * /30 of 10.0.0.0/8, then of 172.16.0.0/12, then of 192.168.0.0/16:
 * 10.0.0.0/30, 10.0.0.4/30, ...; the first host named on the link line
 * gets the first address of the /30 (.1, .5, ...), the other the second.
 * That is 2^22 + 2^18 + 2^14 = 4,472,832 links, enough for a chain of
 * four million routers or a 1,400 x 1,400 grid.
 *
 * Routes: routers get one route per end-host network that is not directly
 * connected, the most used gateway being folded into a default route; end
 * hosts get a default route to their router.  Only end-host networks are
 * routed, so an ICMP error a router sends may have no route back (harmless:
 * none is expected in a correct run).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <glib.h>

#include "scenario/scn_gen.h"
#include "scenario/scn_gen_priv.h"

/* The private blocks of RFC 1918, in the order the plan uses them. */
static const struct {
	uint32_t	 base;
	unsigned	 plen;
} plan_blocks[] = {
	{ 0x0a000000u, 8 },	/* 10.0.0.0/8 */
	{ 0xac100000u, 12 },	/* 172.16.0.0/12 */
	{ 0xc0a80000u, 16 },	/* 192.168.0.0/16 */
};

uint64_t
scn_gen_max_links(void)
{
	uint64_t n = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(plan_blocks); i++)
		n += 1ull << (GEN_PLAN_PLEN - plan_blocks[i].plen);
	return (n);
}

/* Network of link k: the k-th /30 of the plan. */
uint32_t
gen_link_net(unsigned k)
{
	uint64_t i = k;

	for (size_t b = 0; b < G_N_ELEMENTS(plan_blocks); b++) {
		uint64_t n = 1ull << (GEN_PLAN_PLEN - plan_blocks[b].plen);

		if (i < n)
			return (plan_blocks[b].base |
			    (uint32_t)(i << (32 - GEN_PLAN_PLEN)));
		i -= n;
	}
	g_assert_not_reached();
	return (0);
}

/* Address of node v on link k: the first of the /30 for side a, the
 * second for side b. */
uint32_t
gen_link_addr(const struct gen_topo *t, unsigned k, unsigned v)
{

	return (gen_link_net(k) | (LINK(t, k)->a == v ? 1u : 2u));
}

static int
route_cmp(const void *a, const void *b)
{
	const struct gen_route *x = a, *y = b;

	return (x->eh < y->eh ? -1 : x->eh > y->eh);
}

/*
 * Static routes toward every end-host network.  All end hosts on one router
 * share its shortest-path tree, so one search per such router suffices.
 * Pass one counts, per router and interface, the end hosts reached through
 * it; the interface reaching most (the higher one on a tie) becomes the
 * default route.  Pass two writes explicit routes for the others.
 */
void
gen_compute_routes(struct gen_topo *t)
{
	unsigned n = t->nodes->len;
	int *up = g_new(int, n);
	unsigned *queue = g_new(unsigned, n);

	for (unsigned i = 0; i < t->routers->len; i++) {
		struct gen_node *r = NODE(t, UIDX(t->routers, i));

		r->gwcount = g_new0(uint64_t, r->ifl->len);
		r->rt = g_array_new(FALSE, FALSE, sizeof(struct gen_route));
	}
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < t->routers->len; i++) {
			unsigned a = UIDX(t->routers, i);
			const GArray *att = NODE(t, a)->attached;
			unsigned reached;

			if (att == NULL)
				continue;
			reached = gen_bfs(t, a, up, NULL, queue);
			for (unsigned q = 1; q < reached; q++) {
				struct gen_node *r = NODE(t, queue[q]);

				if (pass == 0) {
					r->gwcount[up[queue[q]]] += att->len;
					continue;
				}
				if (up[queue[q]] == r->dflt_if)
					continue;
				for (unsigned j = 0; j < att->len; j++) {
					struct gen_route rt = {
					    .eh = UIDX(att, j),
					    .ifidx = (unsigned)up[queue[q]] };

					g_array_append_val(r->rt, rt);
				}
			}
		}
		if (pass != 0)
			break;
		for (unsigned i = 0; i < t->routers->len; i++) {
			struct gen_node *r = NODE(t, UIDX(t->routers, i));
			uint64_t best = 0;

			for (unsigned j = 0; j < r->ifl->len; j++) {
				if (r->gwcount[j] > 0 &&
				    r->gwcount[j] >= best) {
					best = r->gwcount[j];
					r->dflt_if = (int)j;
				}
			}
		}
	}
	for (unsigned i = 0; i < t->routers->len; i++) {
		struct gen_node *r = NODE(t, UIDX(t->routers, i));

		g_array_sort(r->rt, route_cmp);
		g_free(r->gwcount);
		r->gwcount = NULL;
	}
	g_free(up);
	g_free(queue);
}

unsigned
gen_attach_router(const struct gen_topo *t, unsigned eh)
{

	return (gen_peer(t, eh, 0));
}

/* The interface router r sends a packet for end host eh out of. */
unsigned
gen_route_lookup(const struct gen_topo *t, unsigned r, unsigned eh)
{
	const struct gen_node *nr = NODE(t, r);
	const struct gen_route key = { .eh = eh }, *hit;

	hit = nr->rt->len == 0 ? NULL : bsearch(&key, nr->rt->data,
	    nr->rt->len, sizeof(struct gen_route), route_cmp);
	if (hit != NULL)
		return (hit->ifidx);
	g_assert(nr->dflt_if >= 0);
	return ((unsigned)nr->dflt_if);
}


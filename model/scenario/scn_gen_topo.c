/*
 * The generator's topologies: nodes (routers r1, r2, ...; end hosts h0,
 * h1, ...), links in the order they are written, and each node's
 * interfaces em0, em1, ... in the order of its links.  The router is
 * always first on a link to an end host.
 */
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "scenario/scn_gen.h"
#include "scenario/scn_gen_priv.h"
#include "sim/sim_rng.h"

static unsigned
add_node(struct gen_topo *t, char prefix, unsigned num)
{
	struct gen_node nd = { .prefix = prefix, .num = num, .dflt_if = -1 };
	unsigned v = t->nodes->len;

	nd.ifl = g_array_new(FALSE, FALSE, sizeof(unsigned));
	g_array_append_val(t->nodes, nd);
	if (prefix == 'r')
		g_array_append_val(t->routers, v);
	return (v);
}

static void
add_link(struct gen_topo *t, unsigned a, unsigned b)
{
	struct gen_link l = { .a = a, .b = b };
	unsigned k = t->links->len;

	l.ifa = NODE(t, a)->ifl->len;
	l.ifb = NODE(t, b)->ifl->len;
	g_array_append_val(NODE(t, a)->ifl, k);
	g_array_append_val(NODE(t, b)->ifl, k);
	g_array_append_val(t->links, l);
}

/* Attach end host eh to router r (the router is first on the link). */
static void
attach(struct gen_topo *t, unsigned eh, unsigned r)
{
	struct gen_node *rn = NODE(t, r);

	add_link(t, r, eh);
	if (rn->attached == NULL)
		rn->attached = g_array_new(FALSE, FALSE, sizeof(unsigned));
	g_array_append_val(rn->attached, eh);
	g_array_append_val(t->ehosts, eh);
}

unsigned
gen_peer(const struct gen_topo *t, unsigned v, unsigned ifidx)
{
	const struct gen_link *l =
	    LINK(t, UIDX(NODE(t, v)->ifl, ifidx));

	return (l->a == v ? l->b : l->a);
}

/*
 * Breadth-first search over routers only (end hosts never forward) from
 * router src.  up[v] is the interface of v toward src on a shortest path,
 * the first found in interface order; -1 for src and for end hosts.  dist
 * may be NULL.  Returns the number of routers reached.
 */
unsigned
gen_bfs(const struct gen_topo *t, unsigned src, int *up, unsigned *dist,
    unsigned *queue)
{
	unsigned head = 0, tail = 0, n = t->nodes->len;
	bool *seen = g_new0(bool, n);

	for (unsigned i = 0; i < n; i++)
		up[i] = -1;
	seen[src] = true;
	if (dist != NULL)
		dist[src] = 0;
	queue[tail++] = src;
	while (head < tail) {
		unsigned v = queue[head++];
		const struct gen_node *nv = NODE(t, v);

		for (unsigned i = 0; i < nv->ifl->len; i++) {
			unsigned u = gen_peer(t, v, i);
			const struct gen_link *l = LINK(t, UIDX(nv->ifl, i));

			if (seen[u] || NODE(t, u)->prefix != 'r')
				continue;
			seen[u] = true;
			up[u] = (int)(l->a == u ? l->ifa : l->ifb);
			if (dist != NULL)
				dist[u] = dist[v] + 1;
			queue[tail++] = u;
		}
	}
	g_free(seen);
	return (tail);
}

/* The router farthest from src in hops, the first in r-order on a tie. */
static unsigned
farthest_router(const struct gen_topo *t, unsigned src)
{
	unsigned n = t->nodes->len, best = src;
	int *up = g_new(int, n);
	unsigned *dist = g_new0(unsigned, n);
	unsigned *queue = g_new(unsigned, n);

	(void)gen_bfs(t, src, up, dist, queue);
	for (unsigned i = 0; i < t->routers->len; i++) {
		unsigned r = UIDX(t->routers, i);

		if (dist[r] > dist[best])
			best = r;
	}
	g_free(up);
	g_free(dist);
	g_free(queue);
	return (best);
}

static bool
adjacent(const struct gen_topo *t, unsigned a, unsigned b)
{
	const struct gen_node *na = NODE(t, a);

	for (unsigned i = 0; i < na->ifl->len; i++)
		if (gen_peer(t, a, i) == b)
			return (true);
	return (false);
}

/* Router-to-router links of a random graph: N routers, average degree D. */
static uint64_t
random_edges(const struct scn_gen_opts *o)
{
	uint64_t m = ((uint64_t)o->n * o->degree + 1) / 2;

	return (m < (uint64_t)o->n - 1 ? (uint64_t)o->n - 1 : m);
}

/*
 * Links a kind will have, worked out before anything is built: at most
 * what the address plan holds.  A random graph's degree is lowered to what
 * N routers allow when it was not given.
 */
bool
gen_count_links(struct scn_gen_opts *o, uint64_t *nlinks, GError **err)
{
	uint64_t links = 0, leaves = 1, routers = 0, max = scn_gen_max_links();

	switch (o->kind) {
	case GEN_CHAIN:
		links = (uint64_t)o->n + 1;
		break;
	case GEN_STAR:
		links = o->n;
		break;
	case GEN_TREE:
		for (unsigned d = 0; d < o->n; d++) {
			routers += leaves;
			leaves *= o->fanout;
			if (leaves > max)
				break;
		}
		links = routers - 1 + leaves;
		break;
	case GEN_RING:
		links = (uint64_t)o->n + 2;
		break;
	case GEN_GRID:
		links = (uint64_t)o->h * (o->w - 1) +
		    (uint64_t)o->w * (o->h - 1) + 2;
		break;
	case GEN_RANDOM:
		if (o->degree > o->n - 1 && !o->degree_given)
			o->degree = o->n - 1;
		if (o->degree > o->n - 1) {
			g_set_error(err, G_OPTION_ERROR,
			    G_OPTION_ERROR_BAD_VALUE, "--degree: %u is more "
			    "than %u, the degree of a complete graph of %u "
			    "routers", o->degree, o->n - 1, o->n);
			return (false);
		}
		links = random_edges(o) + 2;
		break;
	case GEN_NKINDS:
		g_assert_not_reached();
	}
	if (links > max) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		    "%s of this size needs %" G_GUINT64_FORMAT " links; the "
		    "address plan (a /30 per link from 10.0.0.0/8, "
		    "172.16.0.0/12 and 192.168.0.0/16) holds %"
		    G_GUINT64_FORMAT,
		    scn_gen_kind_names[o->kind], links, max);
		return (false);
	}
	*nlinks = links;
	return (true);
}

static void
build_chain(struct gen_topo *t, const struct scn_gen_opts *o)
{
	unsigned h0, h1, prev = 0;

	h0 = add_node(t, 'h', 0);
	for (unsigned i = 1; i <= o->n; i++)
		(void)add_node(t, 'r', i);
	h1 = add_node(t, 'h', 1);
	/* Left to right, so that r_i's em0 faces h0 and em1 faces h1. */
	for (unsigned i = 0; i < o->n; i++) {
		unsigned r = UIDX(t->routers, i);

		if (i == 0)
			attach(t, h0, r);
		else
			add_link(t, prev, r);
		prev = r;
	}
	attach(t, h1, prev);
}

static void
build_star(struct gen_topo *t, const struct scn_gen_opts *o)
{
	unsigned hub = add_node(t, 'r', 1);

	for (unsigned i = 0; i < o->n; i++)
		attach(t, add_node(t, 'h', i), hub);
}

/* Routers numbered as a heap: r_i's children are r_{F(i-1)+2} ... */
static void
build_tree(struct gen_topo *t, const struct scn_gen_opts *o)
{
	unsigned f = o->fanout, nr = 0, level = 1, nleaf = 0;

	for (unsigned d = 0; d < o->n; d++) {
		nr += level;
		level *= f;
	}
	for (unsigned i = 1; i <= nr; i++)
		(void)add_node(t, 'r', i);
	for (unsigned i = 2; i <= nr; i++)
		add_link(t, UIDX(t->routers, (i - 2) / f), UIDX(t->routers,
		    i - 1));
	for (unsigned i = nr - level / f + 1; i <= nr; i++) {
		unsigned r = UIDX(t->routers, i - 1);

		for (unsigned j = 0; j < f; j++)
			attach(t, add_node(t, 'h', nleaf++), r);
	}
}

static void
build_ring(struct gen_topo *t, const struct scn_gen_opts *o)
{
	unsigned h0, h1;

	h0 = add_node(t, 'h', 0);
	for (unsigned i = 1; i <= o->n; i++)
		(void)add_node(t, 'r', i);
	h1 = add_node(t, 'h', 1);
	for (unsigned i = 0; i + 1 < o->n; i++)
		add_link(t, UIDX(t->routers, i), UIDX(t->routers, i + 1));
	add_link(t, UIDX(t->routers, o->n - 1), UIDX(t->routers, 0));
	attach(t, h0, UIDX(t->routers, 0));
	attach(t, h1, farthest_router(t, UIDX(t->routers, 0)));
}

static void
build_grid(struct gen_topo *t, const struct scn_gen_opts *o)
{
	unsigned h0, h1;

	h0 = add_node(t, 'h', 0);
	for (unsigned i = 1; i <= o->w * o->h; i++)
		(void)add_node(t, 'r', i);
	h1 = add_node(t, 'h', 1);
	/* Row by row: each router's link to the right, then the one down. */
	for (unsigned y = 0; y < o->h; y++) {
		for (unsigned x = 0; x < o->w; x++) {
			unsigned i = y * o->w + x;

			if (x + 1 < o->w)
				add_link(t, UIDX(t->routers, i),
				    UIDX(t->routers, i + 1));
			if (y + 1 < o->h)
				add_link(t, UIDX(t->routers, i),
				    UIDX(t->routers, i + o->w));
		}
	}
	attach(t, h0, UIDX(t->routers, 0));
	attach(t, h1, UIDX(t->routers, o->w * o->h - 1));
}

static void
build_random(struct gen_topo *t, const struct scn_gen_opts *o)
{
	uint64_t m = random_edges(o);
	struct sim_rng st;
	unsigned h0, h1;

	/* The project generator, in a stream of its own: the same seed gives
	 * the same graph on every machine. */
	sim_rng_seed(&st, sim_rng_stream_seed(o->seed, "gen random"));

	h0 = add_node(t, 'h', 0);
	for (unsigned i = 1; i <= o->n; i++)
		(void)add_node(t, 'r', i);
	h1 = add_node(t, 'h', 1);
	/* A random spanning tree keeps the graph connected: r_i joins one
	 * of r_1 .. r_{i-1}. */
	for (unsigned i = 1; i < o->n; i++)
		add_link(t, UIDX(t->routers, sim_rng_below(&st, i)),
		    UIDX(t->routers, i));
	while (t->links->len < m) {
		unsigned a = sim_rng_below(&st, o->n);
		unsigned b = sim_rng_below(&st, o->n);

		if (a == b)
			continue;
		if (a > b) {
			unsigned x = a;

			a = b;
			b = x;
		}
		if (adjacent(t, UIDX(t->routers, a), UIDX(t->routers, b)))
			continue;
		add_link(t, UIDX(t->routers, a), UIDX(t->routers, b));
	}
	attach(t, h0, UIDX(t->routers, 0));
	attach(t, h1, farthest_router(t, UIDX(t->routers, 0)));
}

void
gen_topo_free(struct gen_topo *t)
{

	for (unsigned i = 0; i < t->nodes->len; i++) {
		struct gen_node *nd = NODE(t, i);

		g_array_free(nd->ifl, TRUE);
		if (nd->attached != NULL)
			g_array_free(nd->attached, TRUE);
		if (nd->rt != NULL)
			g_array_free(nd->rt, TRUE);
		g_free(nd->gwcount);
	}
	g_array_free(t->nodes, TRUE);
	g_array_free(t->links, TRUE);
	g_array_free(t->ehosts, TRUE);
	g_array_free(t->routers, TRUE);
}


void
gen_topo_init(struct gen_topo *t)
{

	*t = (struct gen_topo){ 0 };
	t->nodes = g_array_new(FALSE, FALSE, sizeof(struct gen_node));
	t->links = g_array_new(FALSE, FALSE, sizeof(struct gen_link));
	t->ehosts = g_array_new(FALSE, FALSE, sizeof(unsigned));
	t->routers = g_array_new(FALSE, FALSE, sizeof(unsigned));
}

/* The nodes and links of o's kind; routers rK, r2K, ... divert. */
void
gen_build(struct gen_topo *t, const struct scn_gen_opts *o)
{
	switch (o->kind) {
	case GEN_CHAIN:
		build_chain(t, o);
		break;
	case GEN_STAR:
		build_star(t, o);
		break;
	case GEN_TREE:
		build_tree(t, o);
		break;
	case GEN_RING:
		build_ring(t, o);
		break;
	case GEN_GRID:
		build_grid(t, o);
		break;
	case GEN_RANDOM:
		build_random(t, o);
		break;
	case GEN_NKINDS:
		g_assert_not_reached();
	}
	if (o->divert_every > 0)
		for (unsigned i = o->divert_every; i <= t->routers->len;
		    i += o->divert_every)
			NODE(t, UIDX(t->routers, i - 1))->diverts = true;
}

/*
 * What a correct run of the generated scenario gives, worked out by
 * following every flow along the routes written, and the checks that a
 * correct run can give it at all: the fragment limit of the model and the
 * queues a packet waits in (link transmit queues, divert receive buffers).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "scenario/scn.h"
#include "scenario/scn_gen.h"
#include "scenario/scn_gen_priv.h"

#define	GEN_PPP_BYTES		2u	/* ns-3's point-to-point header */
#define	GEN_DIV_SOCKADDR_BYTES	16u	/* sbappendaddr()'s sockaddr_in */
#define	GEN_MAXFRAGS		16u	/* net.inet.ip.maxfragsperpacket */
#define	GEN_CHECK_MAX		4000000u /* arrivals followed at most */

/* One ipfw pass at a router: returns false when `drop` ended the packet. */
static bool
divert_pass(struct gen_node *nr, uint64_t count, bool drop, unsigned *npass)
{

	if (!nr->diverts)
		return (true);
	nr->reads += count;
	(*npass)++;
	return (!drop);
}

/*
 * Follow `count` packets from end host s (or, for an ICMP error, from
 * router `from`) to end host d through the routes written, adding what
 * each router and end host will count.  A diverting router reads a packet
 * once per ipfw pass that matches: the inbound pass, then the outbound pass
 * of the forwarded packet, which starts afresh (the divert tag is consumed
 * on input, as ipfw_check_packet() does); every read after the first at one
 * router counts sim.rediverts.  With `drop` the first read ends the packet.
 * A router that gets the packet with TTL 1 (after the inbound pass) does
 * not forward it and sends time exceeded back, as ip_forward() does, unless
 * the packet is itself an ICMP error (icmp_error()).  Returns whether the
 * packets arrive.
 */
static bool
walk(struct gen_topo *t, const struct scn_gen_opts *o, unsigned s, unsigned d,
    uint64_t count, unsigned ttl, bool is_error, int from)
{
	unsigned r = from >= 0 ? (unsigned)from : gen_attach_router(t, s);
	unsigned last = gen_attach_router(t, d);
	bool drop = strcmp(o->prog[0], "drop") == 0;
	bool here = from >= 0;		/* originated at r: no input pass */

	for (unsigned hops = 0; ; hops++) {
		struct gen_node *nr = NODE(t, r);
		unsigned npass = 0;

		g_assert(hops <= t->routers->len);
		if (!here) {
			if (o->via != GEN_VIA_OUT &&
			    !divert_pass(nr, count, drop, &npass))
				return (false);
			if (ttl <= 1) {
				nr->ttl_exceeded += count;
				if (!is_error)
					(void)walk(t, o, d, s, count,
					    GEN_DEFTTL, true, (int)r);
				return (false);
			}
			ttl--;
		}
		if (o->via != GEN_VIA_IN &&
		    !divert_pass(nr, count, drop, &npass))
			return (false);
		if (npass > 1)
			t->rediverts += count * (npass - 1);
		here = false;
		if (r == last) {
			if (is_error)
				NODE(t, d)->timxceed += count;
			return (true);
		}
		r = gen_peer(t, r, gen_route_lookup(t, r, d));
	}
}

/*
 * Flow f runs from end host f mod M to end host (f + M/2) mod M: with two
 * end hosts, h0 to h1 then back; in a star or a tree, across the middle.
 */
void
gen_flow_ends(const struct gen_topo *t, unsigned f, unsigned *s, unsigned *d)
{
	unsigned m = t->ehosts->len;

	*s = UIDX(t->ehosts, f % m);
	*d = UIDX(t->ehosts, (f + m / 2) % m);
}

void
gen_compute_expectations(struct gen_topo *t, const struct scn_gen_opts *o)
{
	const char *prog = o->prog[0];
	bool any_divert = false;
	unsigned ttl = o->ttl_given ? o->ttl : GEN_DEFTTL;
	unsigned mtu = o->mtu_given ? o->mtu : LINK_DEFAULT_MTU;

	for (unsigned i = 0; i < t->routers->len; i++)
		if (NODE(t, UIDX(t->routers, i))->diverts)
			any_divert = true;
	t->delivery_known = !any_divert || strcmp(prog, "drop") == 0 ||
	    strcmp(prog, "reinject") == 0;
	/* A fragmented datagram is reassembled before it is diverted
	 * (ipfw_divert()) and fragmented again on output: reads are then
	 * not a simple count of datagrams. */
	t->fragmented = o->size_bytes + GEN_HDR_BYTES > mtu;
	t->model_known = t->delivery_known && !t->fragmented;
	for (unsigned f = 0; f < o->flows; f++) {
		unsigned s, d;

		gen_flow_ends(t, f, &s, &d);
		if (o->proto == GEN_UDP)
			NODE(t, d)->listens = true;
		else
			NODE(t, s)->pings = true;
	}
	if (!t->delivery_known)
		return;
	for (unsigned f = 0; f < o->flows; f++) {
		unsigned s, d;

		gen_flow_ends(t, f, &s, &d);
		if (o->proto == GEN_UDP) {
			if (walk(t, o, s, d, o->count, ttl, false, -1))
				NODE(t, d)->udp_received += o->count;
		} else if (walk(t, o, s, d, o->count, ttl, false, -1)) {
			NODE(t, d)->echo_requests += o->count;
			/* The reply is a new datagram with the default TTL
			 * (icmp_reflect()). */
			if (walk(t, o, d, s, o->count, GEN_DEFTTL, false, -1))
				NODE(t, s)->ping_received += o->count;
		}
	}
}


/* ---- feasibility ------------------------------------------------------ */

/* Payload bytes of a fragment at MTU mtu: a multiple of 8 (ip_fragment()). */
static unsigned
frag_payload(unsigned mtu)
{

	return ((mtu - 20u) & ~7u);
}

/* Fragments of one datagram of the flows' size, 1 when it fits. */
static unsigned
gen_nfrags(const struct scn_gen_opts *o)
{
	unsigned mtu = o->mtu_given ? o->mtu : LINK_DEFAULT_MTU;
	unsigned dlen = o->size_bytes + GEN_HDR_BYTES, per;

	if (dlen <= mtu)
		return (1);
	per = frag_payload(mtu);
	return ((dlen - 20u + per - 1) / per);
}

/*
 * The model reassembles at most 16 fragments of one datagram (FreeBSD's
 * net.inet.ip.maxfragsperpacket, ip_reass()): a datagram cut into more
 * never arrives.
 */
bool
gen_check_fragments(const struct scn_gen_opts *o, GError **err)
{
	unsigned k = gen_nfrags(o);
	unsigned mtu = o->mtu_given ? o->mtu : LINK_DEFAULT_MTU;

	if (k <= GEN_MAXFRAGS)
		return (true);
	g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
	    "--size %u at MTU %u makes %u fragments per datagram; the model "
	    "reassembles at most %u (net.inet.ip.maxfragsperpacket), so "
	    "nothing would arrive: use --size %u or less, or a larger --mtu",
	    o->size_bytes, mtu, k, GEN_MAXFRAGS,
	    GEN_MAXFRAGS * frag_payload(mtu) + 20u - GEN_HDR_BYTES);
	return (false);
}

/*
 * A queue one flow's packets wait in: link k in one direction (ids 0 ..
 * 2 * links - 1), or the divert socket of router node v (2 * links + v).
 * Each arrival brings n units (frames, or packets for a socket) at time t.
 */
struct arrival {
	uint64_t	 t;
	uint32_t	 id;
	uint32_t	 n;
};

struct qcheck {
	struct gen_topo	*t;
	const struct scn_gen_opts *o;
	GArray		*arr;		/* struct arrival */
	uint64_t	 frame_ns;	/* transmission of the largest frame */
	uint64_t	 delay_ns;
	uint64_t	 service_ns;	/* the divert program's, per packet */
	unsigned	 k;		/* frames per datagram */
	unsigned	 npass;		/* divert reads per datagram, router */
	bool		 drop;
	bool		 too_many;
};

static void
add_arrival(struct qcheck *q, uint32_t id, uint64_t t, uint32_t n)
{
	struct arrival a = { .t = t, .id = id, .n = n };

	if (q->arr->len >= GEN_CHECK_MAX) {
		q->too_many = true;
		return;
	}
	g_array_append_val(q->arr, a);
}

/* The queue of v's interface ifidx, sending toward its peer. */
static uint32_t
link_qid(const struct gen_topo *t, unsigned v, unsigned ifidx)
{
	unsigned k = UIDX(NODE(t, v)->ifl, ifidx);

	return (2u * k + (LINK(t, k)->a == v ? 0u : 1u));
}

/* v's interface toward the end host d attached to it. */
static unsigned
if_toward(const struct gen_topo *t, unsigned v, unsigned d)
{
	const struct gen_link *l = LINK(t, UIDX(NODE(t, d)->ifl, 0));

	return (l->a == v ? l->ifa : l->ifb);
}

/*
 * The queues packet i of a flow from s to d meets, sent at time t0, with
 * its arrival times as if no queue delayed it (each hop adds the first
 * frame's transmission and the link delay; a diverting router first
 * reassembles and serves every pass): an estimate that is exact for one
 * flow and close for several.  Returns the time it reaches d.
 */
static uint64_t
follow(struct qcheck *q, unsigned s, unsigned d, uint64_t t0, unsigned ttl)
{
	struct gen_topo *t = q->t;
	unsigned r = gen_attach_router(t, s), last = gen_attach_router(t, d);
	uint64_t now = t0;

	add_arrival(q, link_qid(t, s, 0), now, q->k);
	now += q->frame_ns + q->delay_ns;
	for (;;) {
		const struct gen_node *nr = NODE(t, r);
		unsigned out;

		if (nr->diverts) {
			now += (uint64_t)(q->k - 1) * q->frame_ns;
			add_arrival(q, 2u * t->links->len + r, now, q->npass);
			if (q->drop)
				return (now);
			now += q->npass * q->service_ns;
		}
		if (ttl-- <= 1)
			return (now);
		out = r == last ? if_toward(t, r, d) :
		    gen_route_lookup(t, r, d);
		add_arrival(q, link_qid(t, r, out), now, q->k);
		now += q->frame_ns + q->delay_ns;
		if (r == last)
			return (now);
		r = gen_peer(t, r, out);
	}
}

static int
arrival_cmp(const void *a, const void *b)
{
	const struct arrival *x = a, *y = b;

	if (x->id != y->id)
		return (x->id < y->id ? -1 : 1);
	return (x->t < y->t ? -1 : x->t > y->t);
}

static void
queue_name(const struct gen_topo *t, uint32_t id, char *buf, size_t len)
{
	char a[16], b[16];

	if (id >= 2u * t->links->len) {
		snprintf(buf, len, "the receive buffer of %s's divert socket",
		    gen_node_name(t, id - 2u * t->links->len, a, sizeof(a)));
		return;
	}
	{
		const struct gen_link *l = LINK(t, id / 2);
		bool ab = id % 2 == 0;

		snprintf(buf, len, "the queue of %s:em%u toward %s",
		    gen_node_name(t, ab ? l->a : l->b, a, sizeof(a)),
		    ab ? l->ifa : l->ifb,
		    gen_node_name(t, ab ? l->b : l->a, b, sizeof(b)));
	}
}

/*
 * Whether every queue keeps what the flows put in it: ns-3's transmit
 * queue holds LINK_DEFAULT_QUEUE packets besides the one on the wire; a
 * divert socket holds what fits in its receive buffer besides the packet
 * the program is handling (sbappendaddr()).  Each queue is followed with
 * the work it has left at each arrival.
 */
bool
gen_check_queues(struct gen_topo *t, const struct scn_gen_opts *o,
    GError **err)
{
	struct qcheck q = { .t = t, .o = o };
	uint64_t rate = o->rate_given ? o->rate_bps : LINK_DEFAULT_RATE_BPS;
	unsigned mtu = o->mtu_given ? o->mtu : LINK_DEFAULT_MTU;
	unsigned dlen = o->size_bytes + GEN_HDR_BYTES;
	unsigned frame = (dlen <= mtu ? dlen : 20u + frag_payload(mtu)) +
	    GEN_PPP_BYTES;
	uint64_t sock_cap, busy = 0, pos_t = 0;
	unsigned ttl = o->ttl_given ? o->ttl : GEN_DEFTTL;
	uint32_t cur = UINT32_MAX;
	bool ok = true;

	q.arr = g_array_new(FALSE, FALSE, sizeof(struct arrival));
	q.k = gen_nfrags(o);
	q.frame_ns = ((uint64_t)frame * 8u * 1000000000ull + rate - 1) / rate;
	q.delay_ns = o->delay_given ? o->delay_ns : LINK_DEFAULT_DELAY_NS;
	q.service_ns = o->service_given ? o->service_ns :
	    DIVERT_DEFAULT_SERVICE_NS;
	q.npass = o->via == GEN_VIA_BOTH ? 2 : 1;
	q.drop = strcmp(o->prog[0], "drop") == 0;
	sock_cap = (o->rcvbuf_given ? o->rcvbuf : DIVERT_DEFAULT_RCVBUF) /
	    (dlen + GEN_DIV_SOCKADDR_BYTES);
	for (unsigned f = 0; f < o->flows && !q.too_many; f++) {
		unsigned s, d;

		gen_flow_ends(t, f, &s, &d);
		for (unsigned i = 0; i < o->count && !q.too_many; i++) {
			uint64_t t0 = GEN_START_NS + f * GEN_STAGGER_NS +
			    i * o->interval_ns, at;

			at = follow(&q, s, d, t0, ttl);
			/* The echo reply leaves as soon as the request is in
			 * (a new datagram, default TTL). */
			if (o->proto == GEN_ICMP)
				(void)follow(&q, d, s, at, GEN_DEFTTL);
		}
	}
	t->queues_checked = !q.too_many;
	if (q.too_many) {
		g_array_free(q.arr, TRUE);
		return (true);
	}
	g_array_sort(q.arr, arrival_cmp);
	for (unsigned i = 0; i < q.arr->len && ok; i++) {
		const struct arrival *a = &g_array_index(q.arr, struct arrival,
		    i);
		bool sock = a->id >= 2u * t->links->len;
		uint64_t unit = sock ? q.service_ns : q.frame_ns;
		uint64_t cap = sock ? sock_cap : LINK_DEFAULT_QUEUE;
		uint64_t waiting;
		char name[96];

		if (a->id != cur) {
			cur = a->id;
			busy = 0;
		}
		/* Units still in the queue: all the work left but the one
		 * being served. */
		if (busy <= a->t)
			waiting = a->n - 1;
		else
			waiting = (busy - a->t + unit - 1) / unit - 1 + a->n;
		busy = (busy > a->t ? busy : a->t) + a->n * unit;
		pos_t = a->t;
		if (waiting <= cap)
			continue;
		queue_name(t, a->id, name, sizeof(name));
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		    "the traffic asked for overflows %s (%" G_GUINT64_FORMAT
		    " %s) at about %" G_GUINT64_FORMAT ".%06" G_GUINT64_FORMAT
		    "s, so a correct run would drop packets: use a longer "
		    "--interval, %s", name, cap,
		    sock ? "packets of this size" : "packets",
		    pos_t / 1000000000u, pos_t / 1000u % 1000000u,
		    sock ? "a shorter -t in --program, a larger -b, or fewer "
		    "--flows" : "a higher --rate, fewer --flows or a smaller "
		    "--size");
		ok = false;
	}
	g_array_free(q.arr, TRUE);
	return (ok);
}

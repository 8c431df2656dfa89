/*
 * Dynamic rules for keep-state / check-state, after FreeBSD's
 * lookup_dyn_rule() and install_state(): one entry per flow, keyed on
 * protocol, addresses and (TCP/UDP) ports, found from either direction,
 * living dyn_udp_lifetime (10 s) for everything but TCP, which gets
 * dyn_ack_lifetime (300 s) because TCP flags are not tracked.  Each hit
 * refreshes the lifetime.  The entries come from a pool allocated with
 * the table, so nothing is allocated while a packet is checked; expired
 * entries are reclaimed when met, or swept when the pool runs dry.
 */
#include <string.h>

#include <netinet/in.h>

#include <glib.h>

#include "ipfw/ipfw.h"
#include "ipfw/ipfw_rule.h"
#include "ipfw/ipfw_state.h"

#define	DYN_BUCKETS	256u		/* dyn_buckets, a power of two */

struct ipfw_dyn_key {
	uint32_t	addr_a, addr_b;	/* (addr_a, port_a) <= (addr_b, ...) */
	uint16_t	port_a, port_b;
	uint8_t		proto;
};

struct ipfw_dyn {
	struct ipfw_dyn_key key;
	uint64_t	 expire_ns;
	struct ipfw_rule *rule;		/* the parent rule */
	int32_t		 next;		/* in bucket or free list; -1 ends */
};

struct ipfw_states {
	struct ipfw_dyn	*pool;
	unsigned	 max;
	int32_t		 buckets[DYN_BUCKETS];
	int32_t		 free_head;
};

static void
states_reset(struct ipfw_states *st)
{
	for (unsigned b = 0; b < DYN_BUCKETS; b++)
		st->buckets[b] = -1;
	for (unsigned i = 0; i < st->max; i++) {
		st->pool[i].rule = NULL;
		st->pool[i].next = i + 1 < st->max ? (int32_t)(i + 1) : -1;
	}
	st->free_head = st->max > 0 ? 0 : -1;
}

struct ipfw_states *
ipfw_states_new(unsigned max)
{
	struct ipfw_states *st = g_new0(struct ipfw_states, 1);

	st->max = max;
	st->pool = g_new0(struct ipfw_dyn, max);
	states_reset(st);
	return (st);
}

void
ipfw_states_free(struct ipfw_states *st)
{
	if (st == NULL)
		return;
	g_free(st->pool);
	g_free(st);
}

void
ipfw_states_flush(struct ipfw_states *st)
{
	states_reset(st);
}

/* The same key for both directions of a flow. */
static void
flow_key(const struct ipfw_args *args, struct ipfw_dyn_key *k)
{
	uint16_t sport = args->has_ports ? args->sport : 0;
	uint16_t dport = args->has_ports ? args->dport : 0;

	memset(k, 0, sizeof(*k));
	k->proto = args->proto;
	if (args->src < args->dst ||
	    (args->src == args->dst && sport <= dport)) {
		k->addr_a = args->src;
		k->port_a = sport;
		k->addr_b = args->dst;
		k->port_b = dport;
	} else {
		k->addr_a = args->dst;
		k->port_a = dport;
		k->addr_b = args->src;
		k->port_b = sport;
	}
}

static unsigned
flow_hash(const struct ipfw_dyn_key *k)
{
	uint32_t h = k->addr_a * 2654435761u;

	h ^= k->addr_b * 2246822519u;
	h ^= ((uint32_t)k->port_a << 16 | k->port_b) * 3266489917u;
	h ^= k->proto;
	h ^= h >> 15;
	return (h & (DYN_BUCKETS - 1));
}

static bool
key_equal(const struct ipfw_dyn_key *a, const struct ipfw_dyn_key *b)
{
	return (a->addr_a == b->addr_a && a->addr_b == b->addr_b &&
	    a->port_a == b->port_a && a->port_b == b->port_b &&
	    a->proto == b->proto);
}

static uint64_t
lifetime_ns(uint8_t proto)
{
	return (proto == IPPROTO_TCP ? IPFW_DYN_ACK_LIFETIME_NS :
	    IPFW_DYN_UDP_LIFETIME_NS);
}

/* Unlink entry i (whose predecessor link is *link) to the free list. */
static void
release(struct ipfw_states *st, int32_t *link, int32_t i)
{
	*link = st->pool[i].next;
	st->pool[i].rule = NULL;
	st->pool[i].next = st->free_head;
	st->free_head = i;
}

/* The live entry for key, dropping expired ones met on the way. */
static struct ipfw_dyn *
find(struct ipfw_states *st, const struct ipfw_dyn_key *k, uint64_t now_ns)
{
	int32_t *link = &st->buckets[flow_hash(k)];

	while (*link >= 0) {
		int32_t i = *link;
		struct ipfw_dyn *d = &st->pool[i];

		if (now_ns >= d->expire_ns) {
			release(st, link, i);
			continue;
		}
		if (key_equal(&d->key, k))
			return (d);
		link = &d->next;
	}
	return (NULL);
}

struct ipfw_rule *
ipfw_state_lookup(struct ipfw_states *st, const struct ipfw_args *args)
{
	struct ipfw_dyn_key k;
	struct ipfw_dyn *d;

	if (st == NULL)
		return (NULL);
	flow_key(args, &k);
	if ((d = find(st, &k, args->now_ns)) == NULL)
		return (NULL);
	d->expire_ns = args->now_ns + lifetime_ns(k.proto);
	return (d->rule);
}

/* Release the entries expired at now_ns, and every entry of rule. */
static void
sweep(struct ipfw_states *st, uint64_t now_ns, const struct ipfw_rule *rule)
{
	for (unsigned b = 0; b < DYN_BUCKETS; b++) {
		int32_t *link = &st->buckets[b];

		while (*link >= 0) {
			int32_t i = *link;
			struct ipfw_dyn *d = &st->pool[i];

			if (now_ns >= d->expire_ns ||
			    (rule != NULL && d->rule == rule))
				release(st, link, i);
			else
				link = &d->next;
		}
	}
}

bool
ipfw_state_install(struct ipfw_states *st, struct ipfw_rule *rule,
    const struct ipfw_args *args)
{
	struct ipfw_dyn_key k;
	struct ipfw_dyn *d;
	unsigned b;
	int32_t i;

	if (st == NULL)
		return (false);
	flow_key(args, &k);
	/* install_state(): an existing state for the flow is kept. */
	if ((d = find(st, &k, args->now_ns)) != NULL) {
		d->expire_ns = args->now_ns + lifetime_ns(k.proto);
		return (true);
	}
	if (st->free_head < 0)
		sweep(st, args->now_ns, NULL);
	if ((i = st->free_head) < 0)
		return (false);	/* dyn_max reached: the packet is denied */
	d = &st->pool[i];
	st->free_head = d->next;
	d->key = k;
	d->rule = rule;
	d->expire_ns = args->now_ns + lifetime_ns(k.proto);
	b = flow_hash(&k);
	d->next = st->buckets[b];
	st->buckets[b] = i;
	return (true);
}

void
ipfw_states_remove_rule(struct ipfw_states *st, const struct ipfw_rule *rule)
{
	if (st == NULL)
		return;
	/* remove_dyn_rule(): the states of a deleted rule go with it.  The
	 * time is unknown here; at 0 no other entry counts as expired. */
	sweep(st, 0, rule);
}

unsigned
ipfw_states_count(const struct ipfw_states *st, uint64_t now_ns)
{
	unsigned n = 0;

	if (st == NULL)
		return (0);
	for (unsigned b = 0; b < DYN_BUCKETS; b++)
		for (int32_t i = st->buckets[b]; i >= 0; i = st->pool[i].next)
			if (now_ns < st->pool[i].expire_ns)
				n++;
	return (n);
}

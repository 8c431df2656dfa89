/*
 * Dynamic rules for keep-state / check-state, after FreeBSD's
 * lookup_dyn_rule() and install_state(): one entry per flow, keyed on
 * protocol, addresses and (TCP/UDP) ports, found from either direction,
 * and, as in FreeBSD 12 and later, the flow name (`keep-state :NAME`,
 * the named object's kidx there): a state is found by a rule of its own
 * name or by `check-state :any`.
 * Each hit refreshes the lifetime: dyn_udp_lifetime for UDP,
 * dyn_short_lifetime for other protocols, and for TCP the lifetime of
 * the state the SYN/FIN/RST flags seen in each direction put the flow in,
 * as 6.x lookup_dyn_rule() (and 14's dyn_update_tcp_state()) do, with
 * keepalives off.  The entries come from a pool allocated with
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
	uint32_t	 src;		/* the installing packet's source */
	uint16_t	 sport;		/* ...and port: the forward way */
	uint16_t	 tcp_state;	/* flags seen: forward | reverse << 8 */
	uint64_t	 packets, bytes;
	uint64_t	 expire_ns;
	struct ipfw_rule *rule;		/* the parent rule */
	const char	*flow;		/* its flow name (NULL: default) */
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

#define	TH_FIN_	0x01
#define	TH_SYN_	0x02
#define	TH_RST_	0x04
#define	BOTH_SYN	(TH_SYN_ | TH_SYN_ << 8)
#define	BOTH_FIN	(TH_FIN_ | TH_FIN_ << 8)

/*
 * A hit on d by this packet: count it, fold its TCP flags into the state
 * and set the expiry, as lookup_dyn_rule() does.
 */
static void
dyn_update(struct ipfw_dyn *d, const struct ipfw_args *a)
{
	uint64_t life;

	d->packets++;
	d->bytes += a->ip_len != 0 ? a->ip_len : a->pkt_len;
	if (d->key.proto == IPPROTO_TCP) {
		uint16_t f = a->has_tcp ?
		    (a->tcp_flags & (TH_FIN_ | TH_SYN_ | TH_RST_)) : 0;
		bool fwd = a->src == d->src &&
		    (!a->has_ports || a->sport == d->sport);

		d->tcp_state |= fwd ? f : (uint16_t)(f << 8);
		switch (d->tcp_state) {
		case TH_SYN_:			/* opening */
			life = IPFW_DYN_SYN_LIFETIME_NS;
			break;
		case BOTH_SYN:			/* established */
		case BOTH_SYN | TH_FIN_:	/* one side closing */
		case BOTH_SYN | TH_FIN_ << 8:
			life = IPFW_DYN_ACK_LIFETIME_NS;
			break;
		case BOTH_SYN | BOTH_FIN:	/* both sides closed */
			life = IPFW_DYN_FIN_LIFETIME_NS;
			break;
		default:			/* reset, or invalid */
			life = IPFW_DYN_RST_LIFETIME_NS;
			break;
		}
	} else if (d->key.proto == IPPROTO_UDP) {
		life = IPFW_DYN_UDP_LIFETIME_NS;
	} else {
		life = IPFW_DYN_SHORT_LIFETIME_NS;
	}
	d->expire_ns = a->now_ns + life;
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

/* Whether d's flow name answers a lookup for flow (IPFW_FLOW_ANY: any). */
static bool
flow_matches(const struct ipfw_dyn *d, const char *flow)
{
	return (flow == IPFW_FLOW_ANY || d->flow == flow);
}

/* Whether the packet goes the way of the one that installed d
 * (lookup_dyn_rule()'s MATCH_FORWARD). */
static bool
dyn_forward(const struct ipfw_dyn *d, const struct ipfw_args *args)
{
	return (args->src == d->src &&
	    (args->has_ports ? args->sport : 0) == d->sport);
}

/* The live entry for key and flow name (IPFW_FLOW_ANY: any), dropping
 * expired ones met on the way. */
static struct ipfw_dyn *
find(struct ipfw_states *st, const struct ipfw_dyn_key *k, const char *flow,
    uint64_t now_ns)
{
	int32_t *link = &st->buckets[flow_hash(k)];

	while (*link >= 0) {
		int32_t i = *link;
		struct ipfw_dyn *d = &st->pool[i];

		if (now_ns >= d->expire_ns) {
			release(st, link, i);
			continue;
		}
		if (key_equal(&d->key, k) && flow_matches(d, flow))
			return (d);
		link = &d->next;
	}
	return (NULL);
}

struct ipfw_rule *
ipfw_state_lookup(struct ipfw_states *st, const struct ipfw_args *args,
    const char *flow, bool *forward)
{
	struct ipfw_dyn_key k;
	struct ipfw_dyn *d;

	if (st == NULL)
		return (NULL);
	flow_key(args, &k);
	if ((d = find(st, &k, flow, args->now_ns)) == NULL)
		return (NULL);
	dyn_update(d, args);
	if (forward != NULL)
		*forward = dyn_forward(d, args);
	return (d->rule);
}

/*
 * --why: the state ipfw_state_lookup() finds for this flow name (the
 * first live one of the bucket's chain, in the same order), without
 * touching it (no refresh, nothing released), and whether the packet
 * goes the way of the packet that installed it.
 */
const struct ipfw_rule *
ipfw_state_peek(const struct ipfw_states *st, const struct ipfw_args *args,
    const char *flow, bool *forward)
{
	struct ipfw_dyn_key k;

	if (st == NULL)
		return (NULL);
	flow_key(args, &k);
	for (int32_t i = st->buckets[flow_hash(&k)]; i >= 0;
	    i = st->pool[i].next) {
		const struct ipfw_dyn *d = &st->pool[i];

		if (args->now_ns < d->expire_ns && key_equal(&d->key, &k) &&
		    flow_matches(d, flow)) {
			if (forward != NULL)
				*forward = dyn_forward(d, args);
			return (d->rule);
		}
	}
	return (NULL);
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

/*
 * The live states of rule whose masked fields (the limit's src-addr,
 * src-port, dst-addr, dst-port, the way each state was installed) equal
 * this packet's, as the O_LIMIT_PARENT entry counts them.
 */
static unsigned
limit_count(const struct ipfw_states *st, const struct ipfw_rule *rule,
    const struct ipfw_args *a)
{
	uint8_t m = rule->limit_mask;
	uint16_t sport = a->has_ports ? a->sport : 0;
	uint16_t dport = a->has_ports ? a->dport : 0;
	unsigned n = 0;

	for (unsigned b = 0; b < DYN_BUCKETS; b++) {
		for (int32_t i = st->buckets[b]; i >= 0;
		    i = st->pool[i].next) {
			const struct ipfw_dyn *d = &st->pool[i];
			bool fwd_a = d->key.addr_a == d->src &&
			    d->key.port_a == d->sport;
			uint32_t ddst = fwd_a ? d->key.addr_b : d->key.addr_a;
			uint16_t ddport = fwd_a ? d->key.port_b :
			    d->key.port_a;

			if (d->rule != rule || a->now_ns >= d->expire_ns)
				continue;
			if (((m & IPFW_LIMIT_SRC_ADDR) && d->src != a->src) ||
			    ((m & IPFW_LIMIT_SRC_PORT) && d->sport != sport) ||
			    ((m & IPFW_LIMIT_DST_ADDR) && ddst != a->dst) ||
			    ((m & IPFW_LIMIT_DST_PORT) && ddport != dport))
				continue;
			n++;
		}
	}
	return (n);
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
	if ((d = find(st, &k, rule->flow, args->now_ns)) != NULL) {
		dyn_update(d, args);
		return (true);
	}
	/* O_LIMIT: install_state() refuses a flow over the limit. */
	if (rule->limit_n != 0 && limit_count(st, rule, args) >=
	    rule->limit_n)
		return (false);
	if (st->free_head < 0)
		sweep(st, args->now_ns, NULL);
	if ((i = st->free_head) < 0)
		return (false);	/* dyn_max reached: the packet is denied */
	d = &st->pool[i];
	st->free_head = d->next;
	d->key = k;
	d->rule = rule;
	d->flow = rule->flow;
	d->src = args->src;
	d->sport = args->has_ports ? args->sport : 0;
	d->tcp_state = 0;
	d->packets = d->bytes = 0;
	/* install_state() then looks the new state up with the packet. */
	dyn_update(d, args);
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

/*
 * show_dyn_ipfw(): "%05u", the counters and "(Ns)" left to live when
 * asked, "STATE", the protocol, "SRC SPORT <-> DST DPORT" the way the
 * state was installed; release 14 adds the flow name.  Entries in bucket
 * order as the kernel's list; the header as ipfw_list() prints it.
 */
void
ipfw_states_print(const struct ipfw_states *st, uint64_t now_ns,
    bool counters, int release, GString *out)
{
	unsigned n = ipfw_states_count(st, now_ns);

	if (n == 0)
		return;
	g_string_append_printf(out, "## Dynamic rules (%u):\n", n);
	for (unsigned b = 0; st != NULL && b < DYN_BUCKETS; b++) {
		for (int32_t i = st->buckets[b]; i >= 0;
		    i = st->pool[i].next) {
			const struct ipfw_dyn *d = &st->pool[i];
			uint32_t src = d->src, dst;
			uint16_t dport;
			const char *pn;

			if (now_ns >= d->expire_ns)
				continue;
			if (d->key.addr_a == src &&
			    d->key.port_a == d->sport) {
				dst = d->key.addr_b;
				dport = d->key.port_b;
			} else {
				dst = d->key.addr_a;
				dport = d->key.port_a;
			}
			g_string_append_printf(out, "%05u", d->rule->rulenum);
			if (counters)
				g_string_append_printf(out, " %llu %llu (%llus)",
				    (unsigned long long)d->packets,
				    (unsigned long long)d->bytes,
				    (unsigned long long)((d->expire_ns - now_ns +
				    IPFW_SEC_NS - 1) / IPFW_SEC_NS));
			g_string_append(out, d->rule->limit_n != 0 ?
			    " LIMIT" : " STATE");
			pn = d->key.proto == 6 ? "tcp" : d->key.proto == 17 ?
			    "udp" : d->key.proto == 1 ? "icmp" : NULL;
			if (pn != NULL)
				g_string_append_printf(out, " %s", pn);
			else
				g_string_append_printf(out, " proto %u",
				    d->key.proto);
			g_string_append_printf(out, " %u.%u.%u.%u %u <-> "
			    "%u.%u.%u.%u %u", src >> 24, (src >> 16) & 0xff,
			    (src >> 8) & 0xff, src & 0xff, d->sport, dst >> 24,
			    (dst >> 16) & 0xff, (dst >> 8) & 0xff, dst & 0xff,
			    dport);
			if (release >= 12)
				g_string_append_printf(out, " :%s",
				    d->rule->flow != NULL ? d->rule->flow :
				    "default");
			g_string_append_c(out, '\n');
		}
	}
}

/*
 * The chain: rules sorted by number (equal numbers in insertion order)
 * with the default rule 65535 always last, as FreeBSD's add_rule(),
 * del_entry(), zero_entry() and free_chain() keep it; rule storage; and
 * ipfw_cmd_exec(), which carries an ipfw(8) command out on a chain
 * without ever leaving it half-changed.  Lookups by number are binary
 * searches over the array (ipfw_find_rule() does the same in modern
 * FreeBSD).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "ipfw/ipfw.h"
#include "ipfw/ipfw_chain.h"
#include "ipfw/ipfw_check.h"
#include "ipfw/ipfw_nat.h"
#include "ipfw/ipfw_print.h"
#include "ipfw/ipfw_rule.h"
#include "ipfw/ipfw_state.h"
#include "ipfw/ipfw_table.h"

/* ---- rules ---------------------------------------------------------------- */

struct ipfw_rule *
ipfw_rule_new(void)
{
	struct ipfw_rule *r = g_new0(struct ipfw_rule, 1);

	r->prob = 1.0;
	r->prob_x = IPFW_PROB_SCALE;
	return (r);
}

struct ipfw_rule *
ipfw_rule_clone(const struct ipfw_rule *rule)
{
	struct ipfw_rule *r = g_new(struct ipfw_rule, 1);

	*r = *rule;
	r->opts = g_memdup2(rule->opts, rule->n_opts * sizeof(*r->opts));
	r->addrs = g_memdup2(rule->addrs, rule->n_addrs * sizeof(*r->addrs));
	r->ranges = g_memdup2(rule->ranges,
	    rule->n_ranges * sizeof(*r->ranges));
	r->comment = g_strdup(rule->comment);
	return (r);
}

void
ipfw_rule_free(struct ipfw_rule *rule)
{
	if (rule == NULL)
		return;
	g_free(rule->opts);
	g_free(rule->addrs);
	g_free(rule->ranges);
	g_free(rule->comment);
	g_free(rule);
}

static bool
opt_equal(const struct ipfw_rule *a, const struct ipfw_opt *x,
    const struct ipfw_rule *b, const struct ipfw_opt *y)
{
	if (x->op != y->op || x->negate != y->negate || x->n != y->n ||
	    x->or_next != y->or_next || x->opt_form != y->opt_form)
		return (false);
	switch (x->op) {
	case IPFW_O_SRC_ADDR:
	case IPFW_O_DST_ADDR:
	case IPFW_O_SRC_SET:
	case IPFW_O_DST_SET:
		for (unsigned k = 0; k < x->n; k++) {
			const struct ipfw_addr *p = &a->addrs[x->first + k];
			const struct ipfw_addr *q = &b->addrs[y->first + k];

			if (p->addr != q->addr || p->mask != q->mask)
				return (false);
		}
		return (true);
	case IPFW_O_SRC_PORT:
	case IPFW_O_DST_PORT:
	case IPFW_O_IPLEN:
	case IPFW_O_IPID:
	case IPFW_O_IPTTL:
	case IPFW_O_TCPWIN:
	case IPFW_O_TCPDATALEN:
	case IPFW_O_TCPMSS:
	case IPFW_O_TAGGED:
		for (unsigned k = 0; k < x->n; k++) {
			const struct ipfw_range *p = &a->ranges[x->first + k];
			const struct ipfw_range *q = &b->ranges[y->first + k];

			if (p->lo != q->lo || p->hi != q->hi)
				return (false);
		}
		return (true);
	case IPFW_O_RECV:
	case IPFW_O_XMIT:
	case IPFW_O_VIA:
		return (strcmp(x->u.ifname, y->u.ifname) == 0);
	case IPFW_O_IPOPT:
	case IPFW_O_IPTOS:
	case IPFW_O_TCPFLAGS:
	case IPFW_O_TCPOPTS:
		return (x->u.flags.set == y->u.flags.set &&
		    x->u.flags.clear == y->u.flags.clear);
	case IPFW_O_PROTO:
	case IPFW_O_SRC_TABLE:
	case IPFW_O_DST_TABLE:
		return (x->first == y->first && (x->n == 0 ||
		    x->u.val == y->u.val));
	case IPFW_O_ICMPTYPE:
	case IPFW_O_DIVERTED:
	case IPFW_O_IPVER:
	case IPFW_O_TCPSEQ:
	case IPFW_O_TCPACK:
		return (x->u.val == y->u.val);
	default:
		return (true);
	}
}

bool
ipfw_rule_equal(const struct ipfw_rule *a, const struct ipfw_rule *b)
{
	if (a->rulenum != b->rulenum || a->prob_x != b->prob_x ||
	    a->action != b->action || a->arg != b->arg || a->log != b->log ||
	    a->keep_state != b->keep_state || a->n_opts != b->n_opts ||
	    a->logamount != b->logamount ||
	    g_strcmp0(a->comment, b->comment) != 0 ||
	    a->limit_mask != b->limit_mask || a->limit_n != b->limit_n ||
	    a->tag != b->tag || a->untag != b->untag ||
	    a->arg_targ != b->arg_targ || a->tag_targ != b->tag_targ ||
	    a->fwd_port != b->fwd_port ||
	    a->flow != b->flow)
		return (false);
	for (unsigned i = 0; i < a->n_opts; i++)
		if (!opt_equal(a, &a->opts[i], b, &b->opts[i]))
			return (false);
	return (true);
}

const struct ipfw_opt *
ipfw_rule_find_opt(const struct ipfw_rule *rule, enum ipfw_op op)
{
	for (unsigned i = 0; i < rule->n_opts; i++)
		if (rule->opts[i].op == op)
			return (&rule->opts[i]);
	return (NULL);
}

/* ---- the chain ---------------------------------------------------------- */

/*
 * Most rules of a long ruleset fail on the protocol, an address, a port
 * or an interface; ipfw_chk() tests those inline before walking the
 * options (FreeBSD's ipfw_chk() gets the same effect from the opcode
 * order compile_rule() produces).  Each hoisted test is implied by one
 * un-negated option (an address list by the prefix its entries share, a
 * port list by its lowest and highest port, an interface name by its
 * first 8 bytes), so it fails only where the full match fails.  Nothing
 * is hoisted from a rule with prob, whose draw comes before its body.
 */
void
ipfw_rule_prefilter_open(struct ipfw_rule *r)
{
	r->pf_proto = 0;
	r->pf_ext = 0;
	r->pf_dirs = (1u << IPFW_DIR_IN) | (1u << IPFW_DIR_OUT);
	r->pf_src_mask = r->pf_src_addr = 0;
	r->pf_dst_mask = r->pf_dst_addr = 0;
	r->pf_sport_lo = r->pf_dport_lo = 0;
	r->pf_sport_span = r->pf_dport_span = UINT32_MAX;
	r->pf_recv = r->pf_recv_m = r->pf_xmit = r->pf_xmit_m = 0;
	r->pf_via = r->pf_via_m = 0;
}

/*
 * What every address of a list shares: the bits that all its masks cover
 * and all its addresses agree on.  A packet outside that prefix is in no
 * entry of the list.
 */
static void
list_prefix(const struct ipfw_rule *r, const struct ipfw_opt *o,
    uint32_t *mask, uint32_t *addr)
{
	const struct ipfw_addr *x = &r->addrs[o->first];
	uint32_t m = x->mask;

	for (unsigned k = 1; k < o->n; k++)
		m &= x[k].mask & ~(x[k].addr ^ x->addr);
	*mask = m;
	*addr = x->addr & m;
}

/* The lowest port of a list of ranges and the span up to its highest. */
static void
list_bounds(const struct ipfw_rule *r, const struct ipfw_opt *o,
    uint32_t *lo, uint32_t *span)
{
	uint32_t l = UINT16_MAX, h = 0;

	for (unsigned k = 0; k < o->n; k++) {
		const struct ipfw_range *x = &r->ranges[o->first + k];

		if (x->lo < l)
			l = x->lo;
		if (x->hi > h)
			h = x->hi;
	}
	*lo = l;
	*span = h >= l ? h - l : 0;
}

/* An un-globbed recv/xmit/via name: its key under an all-ones mask. */
static void
iface_key(struct ipfw_rule *r, const struct ipfw_opt *o)
{
	uint64_t key = ipfw_ifkey(o->u.ifname);

	if (o->op == IPFW_O_RECV) {
		r->pf_recv = key;
		r->pf_recv_m = UINT64_MAX;
	} else if (o->op == IPFW_O_XMIT) {
		r->pf_xmit = key;
		r->pf_xmit_m = UINT64_MAX;
	} else {
		r->pf_via = key;
		r->pf_via_m = UINT64_MAX;
	}
	r->pf_ext |= IPFW_PF_IFACES;
}

void
ipfw_rule_prefilter(struct ipfw_rule *r)
{
	ipfw_rule_prefilter_open(r);
	if (r->prob_x < IPFW_PROB_SCALE)
		return;
	for (unsigned i = 0; i < r->n_opts; i++) {
		const struct ipfw_opt *o = &r->opts[i];

		/*
		 * A table lookup that matches sets the walk's tablearg even
		 * when a later option fails the rule (O_IP_SRC_LOOKUP in
		 * ipfw_chk()): nothing after it may skip the lookup.
		 */
		if (o->op == IPFW_O_SRC_TABLE || o->op == IPFW_O_DST_TABLE)
			break;
		/* An option of an or-block is not required on its own. */
		if (o->or_next || (i > 0 && r->opts[i - 1].or_next))
			continue;
		/* `in` and `out` are one option, negated or not. */
		if (o->op == IPFW_O_IN) {
			r->pf_dirs &= o->negate ? 1u << IPFW_DIR_OUT :
			    1u << IPFW_DIR_IN;
			r->pf_ext |= IPFW_PF_DIR;
			continue;
		}
		if (o->negate)
			continue;
		switch (o->op) {
		case IPFW_O_PROTO:
			if (o->u.val != 0 && o->u.val <= UINT8_MAX)
				r->pf_proto = (uint8_t)o->u.val;
			break;
		case IPFW_O_SRC_ADDR:
			if (o->n > 0)
				list_prefix(r, o, &r->pf_src_mask,
				    &r->pf_src_addr);
			break;
		case IPFW_O_DST_ADDR:
			if (o->n > 0)
				list_prefix(r, o, &r->pf_dst_mask,
				    &r->pf_dst_addr);
			break;
		case IPFW_O_SRC_PORT:
		case IPFW_O_DST_PORT:
			if (o->n > 0) {
				bool src = o->op == IPFW_O_SRC_PORT;

				list_bounds(r, o,
				    src ? &r->pf_sport_lo : &r->pf_dport_lo,
				    src ? &r->pf_sport_span : &r->pf_dport_span);
				r->pf_ext |= IPFW_PF_PORTS;
			}
			break;
		case IPFW_O_RECV:
		case IPFW_O_XMIT:
		case IPFW_O_VIA:
			if (!o->glob && o->u.ifname[0] != '\0')
				iface_key(r, o);
			break;
		default:
			break;
		}
	}
}

/* ---- the compiled chain (struct ipfw_cls) ---------------------------------- */

/*
 * The most words the sets of one field may take (1 MiB); a field that
 * would need more is left out, its rules then in every set: the walk
 * visits more rules than it must, and the full match decides them.
 */
#define	CLS_MAX_WORDS	((size_t)1 << 17)

/* Chains of this many rules or fewer (the default one included) are
 * not compiled. */
#define	CLS_MIN_RULES	8u

static size_t
cls_budget(const struct ipfw_chain *chain)
{
	return (chain->cls_max_words != 0 ? chain->cls_max_words :
	    CLS_MAX_WORDS);
}

static inline void
bit_set(uint64_t *s, unsigned i)
{
	s[i >> 6] |= 1ull << (i & 63);
}

static void
cls_free(struct ipfw_cls *c)
{
	if (c == NULL)
		return;
	g_free(c->proto_sets);
	g_free(c->keep);
	g_free(c->sport.bounds);
	g_free(c->sport.sets);
	g_free(c->dport.bounds);
	g_free(c->dport.sets);
	for (unsigned k = 0; k < 3; k++) {
		g_free(c->ifs[k].keys);
		g_free(c->ifs[k].sets);
	}
	for (unsigned k = 0; k < 2; k++) {
		struct ipfw_cls_addrs *d = k == 0 ? &c->src : &c->dst;

		for (unsigned j = 0; j < d->n; j++) {
			g_free(d->nets[j].addrs);
			g_free(d->nets[j].sets);
		}
		g_free(d->nets);
		g_free(d->any);
	}
	for (unsigned j = 0; j < c->n_tables; j++)
		g_free(c->tables[j].sets);
	g_free(c->tables);
	g_free(c->cand);
	g_free(c->tmp);
	g_free(c);
}

static int
u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x < y ? -1 : x > y);
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

/* Sort and drop repeats; the new count. */
static unsigned
uniq_u32(uint32_t *v, unsigned n)
{
	unsigned m = 0;

	qsort(v, n, sizeof(*v), u32_cmp);
	for (unsigned i = 0; i < n; i++)
		if (m == 0 || v[m - 1] != v[i])
			v[m++] = v[i];
	return (m);
}

/*
 * Ports: the bounds lo and hi + 1 of every rule's span cut 0..0x10000
 * into intervals inside which every rule answers alike; a rule is in an
 * interval's set when its test passes the interval's first port.
 */
static void
cls_ports(const struct ipfw_chain *chain, unsigned nw, bool dst,
    struct ipfw_cls_ports *d)
{
	uint32_t *b = g_new(uint32_t, 2 * (size_t)chain->n_rules);
	unsigned n = 0;

	for (unsigned i = 0; i < chain->n_rules; i++) {
		const struct ipfw_rule *r = chain->rules[i];
		uint32_t lo = dst ? r->pf_dport_lo : r->pf_sport_lo;
		uint32_t span = dst ? r->pf_dport_span : r->pf_sport_span;

		if ((r->pf_ext & IPFW_PF_PORTS) && span != UINT32_MAX) {
			b[n++] = lo;
			b[n++] = lo + span + 1;
		}
	}
	if (n == 0) {
		g_free(b);
		return;
	}
	n = uniq_u32(b, n);
	if ((size_t)(n + 1) * nw > cls_budget(chain)) {
		g_free(b);
		return;
	}
	d->n = n;
	d->bounds = b;
	d->sets = g_new0(uint64_t, (size_t)(d->n + 1) * nw);
	for (unsigned k = 0; k <= d->n; k++) {
		uint32_t p = k == 0 ? 0 : b[k - 1];

		for (unsigned i = 0; i < chain->n_rules; i++) {
			const struct ipfw_rule *r = chain->rules[i];
			uint32_t lo = dst ? r->pf_dport_lo : r->pf_sport_lo;
			uint32_t span = dst ? r->pf_dport_span :
			    r->pf_sport_span;

			if (!(r->pf_ext & IPFW_PF_PORTS) || p - lo <= span)
				bit_set(&d->sets[(size_t)k * nw], i);
		}
	}
}

/* recv (k 0), xmit (1), via (2): one class per name the rules give. */
static void
cls_ifs(const struct ipfw_chain *chain, unsigned nw, unsigned k,
    struct ipfw_cls_ifs *d)
{
	uint64_t *keys = g_new(uint64_t, chain->n_rules);
	unsigned n = 0, m = 0;

	for (unsigned i = 0; i < chain->n_rules; i++) {
		const struct ipfw_rule *r = chain->rules[i];
		uint64_t mask = k == 0 ? r->pf_recv_m : k == 1 ?
		    r->pf_xmit_m : r->pf_via_m;

		if ((r->pf_ext & IPFW_PF_IFACES) && mask != 0)
			keys[n++] = k == 0 ? r->pf_recv : k == 1 ?
			    r->pf_xmit : r->pf_via;
	}
	if (n == 0) {
		g_free(keys);
		return;
	}
	qsort(keys, n, sizeof(*keys), u64_cmp);
	for (unsigned i = 0; i < n; i++)
		if (m == 0 || keys[m - 1] != keys[i])
			keys[m++] = keys[i];
	if ((size_t)(m + 1) * nw > cls_budget(chain)) {
		g_free(keys);
		return;
	}
	d->keys = keys;
	d->n = m;
	d->sets = g_new0(uint64_t, (size_t)(m + 1) * nw);
	for (unsigned i = 0; i < chain->n_rules; i++) {
		const struct ipfw_rule *r = chain->rules[i];
		uint64_t mask = k == 0 ? r->pf_recv_m : k == 1 ?
		    r->pf_xmit_m : r->pf_via_m;
		uint64_t key = k == 0 ? r->pf_recv : k == 1 ?
		    r->pf_xmit : r->pf_via;

		for (unsigned j = 0; j <= m; j++)
			if (!(r->pf_ext & IPFW_PF_IFACES) ||
			    (j < m ? ((keys[j] ^ key) & mask) == 0 :
			    mask == 0))
				bit_set(&d->sets[(size_t)j * nw], i);
	}
}

/* Source or destination prefixes, grouped by mask. */
static void
cls_addrs(const struct ipfw_chain *chain, unsigned nw, bool dst,
    struct ipfw_cls_addrs *d)
{
	uint32_t *masks = g_new(uint32_t, chain->n_rules);
	unsigned n = 0;

	for (unsigned i = 0; i < chain->n_rules; i++) {
		uint32_t m = dst ? chain->rules[i]->pf_dst_mask :
		    chain->rules[i]->pf_src_mask;

		if (m != 0)
			masks[n++] = m;
	}
	/* A rule's prefix lengths in the sets: at most every rule's. */
	if (n == 0 || (size_t)n * nw > cls_budget(chain)) {
		g_free(masks);
		return;
	}
	d->n = uniq_u32(masks, n);
	d->nets = g_new0(struct ipfw_cls_net, d->n);
	d->any = g_new0(uint64_t, nw);
	for (unsigned i = 0; i < chain->n_rules; i++)
		if ((dst ? chain->rules[i]->pf_dst_mask :
		    chain->rules[i]->pf_src_mask) == 0)
			bit_set(d->any, i);
	for (unsigned j = 0; j < d->n; j++) {
		struct ipfw_cls_net *net = &d->nets[j];
		unsigned na = 0;

		net->mask = masks[j];
		net->addrs = g_new(uint32_t, chain->n_rules);
		for (unsigned i = 0; i < chain->n_rules; i++) {
			const struct ipfw_rule *r = chain->rules[i];

			if ((dst ? r->pf_dst_mask : r->pf_src_mask) ==
			    net->mask)
				net->addrs[na++] = dst ? r->pf_dst_addr :
				    r->pf_src_addr;
		}
		net->n = uniq_u32(net->addrs, na);
		net->sets = g_new0(uint64_t, (size_t)net->n * nw);
		for (unsigned i = 0; i < chain->n_rules; i++) {
			const struct ipfw_rule *r = chain->rules[i];
			uint32_t a = dst ? r->pf_dst_addr : r->pf_src_addr;
			const uint32_t *at;

			if ((dst ? r->pf_dst_mask : r->pf_src_mask) !=
			    net->mask)
				continue;
			at = bsearch(&a, net->addrs, net->n, sizeof(a),
			    u32_cmp);
			bit_set(&net->sets[(size_t)(at - net->addrs) * nw],
			    i);
		}
	}
	g_free(masks);
}

/*
 * A rule whose first table option is required (not negated, not in an
 * or-block) cannot match a packet that table lacks, and skipping it then
 * changes nothing: no lookup before that one can have set tablearg
 * (O_IP_SRC_LOOKUP sets it only on a hit).  A rule with prob is left
 * alone, as its draw comes first.
 */
static void
cls_tables(const struct ipfw_chain *chain, struct ipfw_cls *c)
{
	for (unsigned i = 0; i < chain->n_rules; i++) {
		const struct ipfw_rule *r = chain->rules[i];
		const struct ipfw_opt *o = NULL;
		unsigned k, j;

		if (r->prob_x < IPFW_PROB_SCALE)
			continue;
		for (k = 0; k < r->n_opts; k++) {
			if (r->opts[k].op == IPFW_O_SRC_TABLE ||
			    r->opts[k].op == IPFW_O_DST_TABLE) {
				o = &r->opts[k];
				break;
			}
		}
		if (o == NULL || o->negate || o->or_next ||
		    (k > 0 && r->opts[k - 1].or_next))
			continue;
		for (j = 0; j < c->n_tables; j++)
			if (c->tables[j].num == o->first &&
			    c->tables[j].dst == (o->op == IPFW_O_DST_TABLE))
				break;
		if (j == c->n_tables) {
			/* Within the budget like the other fields: a rule
			 * left out stays a candidate and the full match
			 * decides it.  This also bounds the look-ups a
			 * packet pays for and this search. */
			if ((size_t)(c->n_tables + 1) * c->nw >
			    cls_budget(chain))
				continue;
			c->tables = g_renew(struct ipfw_cls_table, c->tables,
			    c->n_tables + 1);
			c->tables[j].num = o->first;
			c->tables[j].dst = o->op == IPFW_O_DST_TABLE;
			c->tables[j].sets = g_new0(uint64_t, c->nw);
			c->n_tables++;
		}
		bit_set(c->tables[j].sets, i);
	}
}

void
ipfw_cls_build(struct ipfw_chain *chain)
{
	struct ipfw_cls *c;
	unsigned nw = (chain->n_rules + 63) / 64, ncls = 1;
	uint8_t protos[256];
	bool coarse;

	cls_free(chain->cls);
	chain->cls = NULL;
	chain->cls_stale = false;
	/* A few rules are quicker tested one by one than through sets. */
	if (chain->cls_off || chain->n_rules <= (chain->cls_min_rules != 0 ?
	    chain->cls_min_rules : CLS_MIN_RULES))
		return;
	c = g_new0(struct ipfw_cls, 1);
	c->nw = nw;
	for (unsigned i = 0; i < chain->n_rules; i++) {
		uint8_t p = chain->rules[i]->pf_proto;

		if (p != 0 && c->proto_class[p] == 0) {
			c->proto_class[p] = (uint8_t)ncls;
			protos[ncls++] = p;
		}
	}
	/* Too many protocols for the budget: by direction only. */
	coarse = (size_t)ncls * 2 * nw > cls_budget(chain);
	if (coarse) {
		memset(c->proto_class, 0, sizeof(c->proto_class));
		ncls = 1;
	}
	c->proto_sets = g_new0(uint64_t, (size_t)ncls * 2 * nw);
	c->keep = g_new0(uint64_t, nw);
	c->keep_one_flow = true;
	for (unsigned i = 0; i < chain->n_rules; i++) {
		const struct ipfw_rule *r = chain->rules[i];

		for (unsigned k = 0; k < ncls; k++)
			for (unsigned dir = 0; dir < 2; dir++)
				if ((r->pf_proto == 0 || coarse || (k > 0 &&
				    r->pf_proto == protos[k])) &&
				    (!(r->pf_ext & IPFW_PF_DIR) ||
				    (r->pf_dirs & (1u << dir))))
					bit_set(&c->proto_sets[(k * 2 + dir) *
					    (size_t)nw], i);
		if (r->keep_state) {
			if (c->has_keep && r->flow != c->keep_flow)
				c->keep_one_flow = false;
			c->keep_flow = r->flow;
			c->has_keep = true;
			bit_set(c->keep, i);
		}
	}
	cls_ports(chain, nw, false, &c->sport);
	cls_ports(chain, nw, true, &c->dport);
	for (unsigned k = 0; k < 3; k++)
		cls_ifs(chain, nw, k, &c->ifs[k]);
	cls_addrs(chain, nw, false, &c->src);
	cls_addrs(chain, nw, true, &c->dst);
	cls_tables(chain, c);
	c->cand = g_new0(uint64_t, nw);
	c->tmp = g_new0(uint64_t, nw);
	chain->cls = c;
}

void
ipfw_chain_full_match_only(struct ipfw_chain *chain)
{
	for (unsigned i = 0; i < chain->n_rules; i++)
		ipfw_rule_prefilter_open(chain->rules[i]);
	chain->cls_off = true;
	ipfw_cls_build(chain);
}

static bool G_GNUC_PRINTF(2, 3)
chain_error(GError **err, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error_literal(err, IPFW_ERROR, 0, msg);
	g_free(msg);
	return (false);
}

static void
reindex(struct ipfw_chain *chain, unsigned from)
{
	for (unsigned i = from; i < chain->n_rules; i++)
		chain->rules[i]->index = i;
	chain->cls_stale = true;
}

struct ipfw_chain *
ipfw_chain_new(uint64_t seed)
{
	struct ipfw_chain *chain = g_new0(struct ipfw_chain, 1);
	struct ipfw_rule *def = ipfw_rule_new();

	/* vnet_ipfw_init(): rule 65535 in set 31, deny unless told. */
	def->rulenum = IPFW_DEFAULT_RULE;
	def->set = IPFW_RESVD_SET;
	def->action = IPFW_ACT_DENY;
	chain->cap = 4;	/* most chains of a big world hold a rule or two */
	chain->rules = g_new0(struct ipfw_rule *, chain->cap);
	chain->rules[0] = def;
	chain->n_rules = 1;
	chain->cls_stale = true;
	sim_rng_seed(&chain->rng, seed);
	chain->seed = seed;
	return (chain);
}

void
ipfw_chain_free(struct ipfw_chain *chain)
{
	if (chain == NULL)
		return;
	for (unsigned i = 0; i < chain->n_rules; i++)
		ipfw_rule_free(chain->rules[i]);
	g_free(chain->rules);
	cls_free(chain->cls);
	ipfw_states_free(chain->states);
	ipfw_tables_free(chain->tables);
	ipfw_nat_free_all(chain);
	g_free(chain);
}

void
ipfw_chain_set_default_accept(struct ipfw_chain *chain, bool on)
{
	chain->rules[chain->n_rules - 1]->action =
	    on ? IPFW_ACT_ALLOW : IPFW_ACT_DENY;
}

unsigned
ipfw_chain_count(const struct ipfw_chain *chain)
{
	return (chain->n_rules);
}

bool
ipfw_chain_has_rules(const struct ipfw_chain *chain)
{
	return (chain->n_rules > 1);
}

unsigned
ipfw_chain_first_above(const struct ipfw_chain *chain, uint32_t num)
{
	unsigned lo = 0, hi = chain->n_rules;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (chain->rules[mid]->rulenum <= num)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Past the default rule: apply the default rule. */
	return (lo < chain->n_rules ? lo : chain->n_rules - 1);
}

unsigned
ipfw_chain_first_at_least(const struct ipfw_chain *chain, uint32_t num)
{
	unsigned lo = 0, hi = chain->n_rules;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (chain->rules[mid]->rulenum < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < chain->n_rules ? lo : chain->n_rules - 1);
}

/* [first, end) of the rules numbered num (empty when none). */
static void
number_span(const struct ipfw_chain *chain, uint32_t num, unsigned *first,
    unsigned *end)
{
	unsigned lo = 0, hi = chain->n_rules;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (chain->rules[mid]->rulenum < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (lo < chain->n_rules && chain->rules[lo]->rulenum == num)
		lo++;
	*end = lo;
}

void
ipfw_chain_counters(const struct ipfw_chain *chain, uint32_t num,
    uint64_t *packets, uint64_t *bytes)
{
	unsigned first, end;
	uint64_t p = 0, b = 0;

	number_span(chain, num, &first, &end);
	for (unsigned i = first; i < end; i++) {
		p += chain->rules[i]->packets;
		b += chain->rules[i]->bytes;
	}
	if (packets != NULL)
		*packets = p;
	if (bytes != NULL)
		*bytes = b;
}

bool
ipfw_chain_has_number(const struct ipfw_chain *chain, uint32_t num)
{
	unsigned first, end;

	number_span(chain, num, &first, &end);
	return (first < end);
}

void
ipfw_chain_foreach_number(const struct ipfw_chain *chain,
    void (*fn)(void *ctx, uint32_t num), void *ctx)
{
	for (unsigned i = 0; i < chain->n_rules; i++)
		if (i == 0 ||
		    chain->rules[i]->rulenum != chain->rules[i - 1]->rulenum)
			fn(ctx, chain->rules[i]->rulenum);
}

bool
ipfw_chain_add(struct ipfw_chain *chain, const struct ipfw_rule *rule,
    struct ipfw_rule **installed, GError **err)
{
	struct ipfw_rule *r;
	uint32_t num = rule->rulenum;
	unsigned pos;

	if (!ipfw_rule_check(rule, NULL, err))
		return (false);
	if (num == 0) {
		/*
		 * add_rule() (6.x) / commit_rules() (14): the last rule
		 * before the default one, plus autoinc_step (100) while that
		 * stays below 65535 - step; past it the new rule keeps the
		 * last number and shares it.  The first rule gets the step.
		 */
		uint32_t last = chain->n_rules > 1 ?
		    chain->rules[chain->n_rules - 2]->rulenum : 0;
		uint32_t step = chain->autoinc_step != 0 ?
		    chain->autoinc_step : IPFW_AUTOINC_STEP;

		num = last;
		if (last < IPFW_DEFAULT_RULE - step)
			num += step;
	}
	if ((rule->keep_state || rule->action == IPFW_ACT_CHECK_STATE) &&
	    chain->states == NULL)
		chain->states = ipfw_states_new(IPFW_DYN_MAX);
	r = ipfw_rule_clone(rule);
	r->rulenum = num;
	r->packets = r->bytes = 0;
	ipfw_rule_prefilter(r);
	if (chain->n_rules == chain->cap) {
		chain->cap *= 2;
		chain->rules = g_renew(struct ipfw_rule *, chain->rules,
		    chain->cap);
	}
	/* After every rule of the same number: insertion order. */
	pos = ipfw_chain_first_above(chain, num);
	memmove(&chain->rules[pos + 1], &chain->rules[pos],
	    (chain->n_rules - pos) * sizeof(chain->rules[0]));
	chain->rules[pos] = r;
	chain->n_rules++;
	reindex(chain, pos);
	if (installed != NULL)
		*installed = r;
	return (true);
}

static void
remove_span(struct ipfw_chain *chain, unsigned first, unsigned end)
{
	for (unsigned i = first; i < end; i++) {
		if (chain->states != NULL)
			ipfw_states_remove_rule(chain->states,
			    chain->rules[i]);
		ipfw_rule_free(chain->rules[i]);
	}
	memmove(&chain->rules[first], &chain->rules[end],
	    (chain->n_rules - end) * sizeof(chain->rules[0]));
	chain->n_rules -= end - first;
	reindex(chain, first);
}

bool
ipfw_chain_delete(struct ipfw_chain *chain, const uint32_t *nums,
    unsigned n, GError **err)
{
	unsigned first, end;

	/* Check every number first: nothing is half-deleted. */
	for (unsigned k = 0; k < n; k++) {
		if (nums[k] >= IPFW_DEFAULT_RULE)
			return (chain_error(err, "rule %u: the default rule "
			    "cannot be deleted (setsockopt(IP_FW_DEL): "
			    "Invalid argument)", nums[k]));
		number_span(chain, nums[k], &first, &end);
		if (first == end)
			return (chain_error(err, "rule %u: no such rule "
			    "(setsockopt(IP_FW_DEL): Invalid argument)",
			    nums[k]));
	}
	for (unsigned k = 0; k < n; k++) {
		number_span(chain, nums[k], &first, &end);
		remove_span(chain, first, end);
	}
	return (true);
}

void
ipfw_chain_flush(struct ipfw_chain *chain)
{
	/* free_chain(): everything but the default rule (set 31). */
	if (chain->states != NULL)
		ipfw_states_flush(chain->states);
	remove_span(chain, 0, chain->n_rules - 1);
}

bool
ipfw_chain_zero(struct ipfw_chain *chain, const uint32_t *nums, unsigned n,
    GError **err)
{
	unsigned first, end;

	if (n == 0) {
		for (unsigned i = 0; i < chain->n_rules; i++) {
			chain->rules[i]->packets = chain->rules[i]->bytes = 0;
			/* zero_entry() also restores the log budget. */
			chain->rules[i]->log_left = chain->rules[i]->logamount;
		}
		return (true);
	}
	for (unsigned k = 0; k < n; k++) {
		/* zero_entry(): rule 0 means every rule. */
		if (nums[k] == 0)
			return (ipfw_chain_zero(chain, NULL, 0, err));
	}
	for (unsigned k = 0; k < n; k++) {
		number_span(chain, nums[k], &first, &end);
		if (first == end)
			return (chain_error(err, "rule %u: no such rule "
			    "(setsockopt(IP_FW_ZERO): Invalid argument)",
			    nums[k]));
	}
	for (unsigned k = 0; k < n; k++) {
		number_span(chain, nums[k], &first, &end);
		for (unsigned i = first; i < end; i++) {
			chain->rules[i]->packets = chain->rules[i]->bytes = 0;
			chain->rules[i]->log_left =
			    chain->rules[i]->logamount;
		}
	}
	return (true);
}

void
ipfw_chain_set_now(struct ipfw_chain *chain, uint64_t now_ns)
{
	chain->now_ns = now_ns;
}

void
ipfw_chain_set_autoinc_step(struct ipfw_chain *chain, uint32_t step)
{
	/* add_rule() clamps autoinc_step to 1..1000 before using it. */
	chain->autoinc_step = step < 1 ? 1 : step > 1000 ? 1000 : step;
}

/*
 * A rule file's lines, in order.  ipfw_readfile() runs one ipfw_main()
 * per line and exits at the first that fails: the lines before it stay
 * applied, the rest are never read.
 */
static bool
exec_file(struct ipfw_chain *chain, const struct ipfw_cmd *cmd,
    GString *out, GError **err)
{
	for (unsigned k = 0; k < cmd->n_sub; k++) {
		GError *e = NULL;

		if (!ipfw_cmd_exec(chain, cmd->sub[k], out, &e)) {
			chain_error(err, "%s: line %u: %s", cmd->file,
			    cmd->sub_line[k], e->message);
			g_error_free(e);
			return (false);
		}
	}
	return (true);
}

/*
 * `ipfw table N ...`.  Release 6's tables 0..127 always exist; release
 * 14 creates a table on `create` or on its first `add`, and a flush of a
 * table that does not exist only warns (ESRCH is not fatal).
 */
static bool
exec_table(struct ipfw_chain *chain, const struct ipfw_cmd *cmd,
    GString *out, GError **err)
{
	bool r6 = cmd->release < 12;
	bool exists;

	if (chain->tables == NULL)
		chain->tables = ipfw_tables_new();
	exists = r6 || ipfw_table_exists(chain->tables, cmd->table);
	switch (cmd->table_op) {
	case IPFW_TABLE_CREATE:
		/* table_create(): EEXIST. */
		if (exists)
			return (chain_error(err, "Table creation failed: "
			    "table(%u) already exists", cmd->table));
		ipfw_table_create(chain->tables, cmd->table);
		return (true);
	case IPFW_TABLE_ADD:
		if (!ipfw_table_add(chain->tables, cmd->table, cmd->t_addr,
		    cmd->t_plen, cmd->t_value))
			return (chain_error(err, r6 ?
			    "setsockopt(IP_FW_TABLE_ADD): File exists" :
			    "Adding record failed: record already exists"));
		/* 14's table_modify_record() reports what it added. */
		if (!r6 && !cmd->quiet && out != NULL)
			g_string_append_printf(out, "added: %u.%u.%u.%u/%u "
			    "%u\n", cmd->t_addr >> 24,
			    (cmd->t_addr >> 16) & 0xff,
			    (cmd->t_addr >> 8) & 0xff, cmd->t_addr & 0xff,
			    cmd->t_plen, cmd->t_value);
		return (true);
	case IPFW_TABLE_DELETE:
		if (!ipfw_table_delete(chain->tables, cmd->table, cmd->t_addr,
		    cmd->t_plen))
			return (chain_error(err, r6 ?
			    "setsockopt(IP_FW_TABLE_DEL): No such process" :
			    "Deleting record failed: record not found"));
		if (!r6 && !cmd->quiet && out != NULL)
			g_string_append_printf(out, "deleted: %u.%u.%u.%u/%u\n",
			    cmd->t_addr >> 24, (cmd->t_addr >> 16) & 0xff,
			    (cmd->t_addr >> 8) & 0xff, cmd->t_addr & 0xff,
			    cmd->t_plen);
		return (true);
	case IPFW_TABLE_FLUSH:
		if (!exists) {
			if (!cmd->quiet && out != NULL)
				g_string_append_printf(out, "ipfw: failed to "
				    "flush table %u info: No such process\n",
				    cmd->table);
			return (true);
		}
		ipfw_table_flush(chain->tables, cmd->table);
		return (true);
	case IPFW_TABLE_LIST:
		if (!exists)
			return (chain_error(err, "failed to request table "
			    "info: table(%u) does not exist", cmd->table));
		if (out != NULL)
			ipfw_table_list(chain->tables, cmd->table,
			    cmd->release, out);
		return (true);
	}
	return (chain_error(err, "unknown table command"));
}

bool
ipfw_cmd_exec(struct ipfw_chain *chain, const struct ipfw_cmd *cmd,
    GString *out, GError **err)
{
	struct ipfw_rule *r;

	switch (cmd->kind) {
	case IPFW_CMD_TABLE:
		return (exec_table(chain, cmd, out, err));
	case IPFW_CMD_FILE:
		return (exec_file(chain, cmd, out, err));
	case IPFW_CMD_NAT:
		return (ipfw_nat_exec(chain, cmd, out, err));
	case IPFW_CMD_ADD:
		if (!ipfw_chain_add(chain, cmd->rule, &r, err))
			return (false);
		/* ipfw_add() echoes the rule as `ipfw list` shows it. */
		if (!cmd->quiet && out != NULL)
			ipfw_rule_print(r, 0, 0, out);
		return (true);
	case IPFW_CMD_DELETE:
		return (ipfw_chain_delete(chain, cmd->nums, cmd->n_nums, err));
	case IPFW_CMD_FLUSH:
		ipfw_chain_flush(chain);
		if (!cmd->quiet && out != NULL)
			g_string_append(out, "Flushed all rules.\n");
		return (true);
	case IPFW_CMD_ZERO:
		if (!ipfw_chain_zero(chain, cmd->nums, cmd->n_nums, err))
			return (false);
		/* ipfw_zero()'s messages. */
		if (!cmd->quiet && out != NULL) {
			if (cmd->n_nums == 0)
				g_string_append(out, "Accounting cleared.\n");
			for (unsigned k = 0; k < cmd->n_nums; k++)
				g_string_append_printf(out,
				    "Entry %u cleared.\n", cmd->nums[k]);
		}
		return (true);
	case IPFW_CMD_SHOW:
	case IPFW_CMD_LIST:
		if (out != NULL)
			ipfw_chain_print(chain, cmd->kind == IPFW_CMD_SHOW,
			    out);
		/* ipfw_list() with -d: the dynamic rules after the static. */
		if (cmd->dynamic && out != NULL)
			ipfw_states_print(chain->states, chain->now_ns,
			    cmd->kind == IPFW_CMD_SHOW, cmd->release, out);
		return (true);
	}
	return (chain_error(err, "unknown command"));
}

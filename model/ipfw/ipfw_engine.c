/*
 * ipfw_chk(): one walk of the chain for one packet, after FreeBSD's
 * ipfw_chk() in sys/netinet/ip_fw2.c (6.x) and sys/netpfil/ipfw/ip_fw2.c
 * (modern).  The packet is dissected once (ipfw_args_dissect(), the
 * "pullup" block at the top of ipfw_chk()); the loop then only tests
 * rules (ipfw_match.c), counts the matching ones and carries out their
 * action.  A chain of more than a few rules is walked compiled (struct
 * ipfw_cls): only the rules whose quick rejection the packet passes are
 * visited.  Nothing else is allocated here (the compiled chain is made
 * by the first walk after a change): the call stack is on the C stack
 * and dynamic states come from a pool made when the rules were added.
 */
#include <string.h>

#include <netinet/in.h>

#include <glib.h>

#include "ipfw/ipfw.h"
#include "ipfw/ipfw_chain.h"
#include "ipfw/ipfw_engine.h"
#include "ipfw/ipfw_rule.h"
#include "ipfw/ipfw_state.h"
#include "ipfw/ipfw_table.h"
#include "wire/wire_icmp.h"
#include "wire/wire_ip.h"
#include "wire/wire_tcp.h"
#include "wire/wire_udp.h"

/*
 * The "pullup" block of ipfw_chk(): the IPv4 header fields, then, in a
 * first fragment whose transport header is all there (PULLUP_TO() of
 * struct tcphdr, udphdr or icmphdr), the ports and TCP flags or the ICMP
 * type.  Read through the wire views (wire_ip.h, wire_tcp.h, ...).
 */
void
ipfw_args_dissect(struct ipfw_args *a)
{
	const uint8_t *p = a->pkt;
	uint32_t len = a->pkt_len;
	const uint8_t *ulp;
	unsigned hl;

	a->proto = 0;
	a->src = a->dst = 0;
	a->sport = a->dport = 0;
	a->has_ports = false;
	a->tcp_flags = 0;
	a->icmp_type = 0;
	a->has_icmp_type = false;
	a->frag_off = 0;
	a->more_frags = false;
	a->ip_len = a->ip_id = 0;
	a->ip_ttl = a->ip_tos = 0;
	a->has_ipoptions = false;
	a->has_tcp = false;
	if (p == NULL || len < IP_HDR_MIN_BYTES)
		return;
	hl = ip_get_hlen_bytes(p);
	a->ip_tos = ip_get_tos(p);
	a->ip_len = ip_get_len_bytes(p);
	a->ip_id = ip_get_id(p);
	a->frag_off = ip_get_off_frag_units(p);
	a->more_frags = ip_get_mf(p);
	a->ip_ttl = ip_get_ttl(p);
	a->proto = ip_get_proto(p);
	a->src = ip_get_src(p);
	a->dst = ip_get_dst(p);
	a->has_ipoptions = hl > IP_HDR_MIN_BYTES;
	/* Upper-layer fields exist only in the first fragment, and only
	 * when the header ipfw_chk() pulls up is all there. */
	if (hl < IP_HDR_MIN_BYTES || a->frag_off != 0)
		return;
	ulp = p + hl;
	switch (a->proto) {
	case IPPROTO_TCP:
		if (len >= hl + TCP_HDR_MIN_BYTES) {
			a->sport = tcp_get_sport(ulp);
			a->dport = tcp_get_dport(ulp);
			a->tcp_flags = tcp_get_flags(ulp);
			a->has_ports = true;
			a->has_tcp = true;
			a->tcp_seq = tcp_get_seq(ulp);
			a->tcp_ack = tcp_get_ack(ulp);
			a->tcp_hlen = (uint8_t)tcp_get_off_bytes(ulp);
			a->tcp_win = tcp_get_win(ulp);
		}
		break;
	case IPPROTO_UDP:
		if (len >= hl + UDP_HDR_BYTES) {
			a->sport = udp_get_sport(ulp);
			a->dport = udp_get_dport(ulp);
			a->has_ports = true;
		}
		break;
	case IPPROTO_ICMP:
		if (len >= hl + 4) {		/* struct icmphdr */
			a->icmp_type = icmp_get_type(ulp);
			a->has_icmp_type = true;
		}
		break;
	default:
		break;
	}
}

/*
 * Whether reject/unreach sends an ICMP error (send_reject() and
 * icmp_error()): only for a first fragment, and for ICMP only in answer
 * to a query (echo, router solicitation, timestamp, information and mask
 * requests), never to another error.
 */
static bool
reject_sends_icmp(const struct ipfw_args *a)
{
	if (a->frag_off != 0)
		return (false);
	if (a->proto != IPPROTO_ICMP)
		return (true);
	if (!a->has_icmp_type)
		return (false);
	switch (a->icmp_type) {
	case 8:		/* ICMP_ECHO */
	case 10:	/* ICMP_ROUTERSOLICIT */
	case 13:	/* ICMP_TSTAMP */
	case 15:	/* ICMP_IREQ */
	case 17:	/* ICMP_MASKREQ */
		return (true);
	default:
		return (false);
	}
}

/*
 * O_PROB as ipfw_chk() does it: match when random() < prob * 0x7fffffff.
 * random() is the chain's stream of the project generator (31 bits).
 */
static bool
prob_fails(struct ipfw_chain *chain, const struct ipfw_rule *r)
{
	if (r->prob_x >= IPFW_PROB_SCALE)
		return (false);
	return (sim_rng_random31(&chain->rng) >= r->prob_x);
}

/* Where the walk starts: slot, after the tag, or the first rule. */
static bool
start_index(const struct ipfw_chain *chain, const struct ipfw_args *args,
    unsigned *idx)
{
	if (args->has_slot) {
		*idx = args->slot < chain->n_rules ? args->slot :
		    chain->n_rules - 1;
		return (true);
	}
	if (!args->has_tag || args->tag == 0) {
		/* Tag 0: ipfw has no rule 0, so the whole ruleset. */
		*idx = 0;
		return (true);
	}
	/* FreeBSD 6 ipfw_chk(): a divert cookie >= 65535 is invalid. */
	if (args->release == 6 && args->tag >= IPFW_DEFAULT_RULE)
		return (false);
	/* ipfw_find_rule(tag + 1, 0): 65534 and 65535 give the default. */
	*idx = ipfw_chain_first_above(chain, args->tag);
	return (true);
}

/* O_TAG / untag: add the tag once (a full list drops it, as a failed
 * m_tag_alloc()), or remove it. */
static void
apply_tag(struct ipfw_args *args, const struct ipfw_rule *r, uint32_t targ)
{
	uint16_t tag = r->tag_targ ? (uint16_t)targ : r->tag;
	unsigned n, k;

	if (args->tags == NULL)
		return;
	n = *args->ntags;
	for (k = 0; k < n && args->tags[k] != tag; k++)
		;
	if (r->untag) {
		if (k < n) {
			memmove(&args->tags[k], &args->tags[k + 1],
			    (n - k - 1) * sizeof(args->tags[0]));
			*args->ntags = (uint8_t)(n - 1);
		}
	} else if (k == n && n < args->max_tags) {
		args->tags[n] = tag;
		*args->ntags = (uint8_t)(n + 1);
	}
}

/*
 * Where a skipto goes, never backwards.  14's jump_fast(): a target at or
 * below the rule's own number means the first rule numbered above it.
 * 6.x lookup_next_rule() searches from the next slot for a number >= the
 * target, so such a target gives the next slot, even one sharing the
 * rule's number.
 */
static inline unsigned
skipto_index(const struct ipfw_chain *chain, const struct ipfw_args *args,
    const struct ipfw_rule *f)
{
	if (args->release < 14 && f->arg <= f->rulenum)
		return (f->index + 1);
	return (ipfw_chain_first_at_least(chain, MAX(f->arg_targ ?
	    args->tablearg : f->arg, f->rulenum + 1)));
}

unsigned
ipfw_skipto_index(const struct ipfw_chain *chain,
    const struct ipfw_args *args, const struct ipfw_rule *f)
{
	return (skipto_index(chain, args, f));
}

bool
ipfw_start_index(const struct ipfw_chain *chain,
    const struct ipfw_args *args, unsigned *idx)
{
	return (start_index(chain, args, idx));
}

static void
verdict(struct ipfw_verdict *v, enum ipfw_verdict_kind kind,
    const struct ipfw_rule *f)
{
	v->kind = kind;
	v->rule = f;
	v->rulenum = f->rulenum;
	v->next_slot = f->index + 1;
}

/* The packet as the quick rejection sees it (ipfw_rule_prefilter()). */
struct pf_pkt {
	uint32_t	dirbit;		/* 1 << dir */
	uint32_t	sport, dport;	/* 0x10000 when there are none */
	bool		if_done;	/* the keys below are filled */
	uint64_t	recv, xmit, via;
};

/*
 * The tests of pf_ext, each implied by an option as match_in(),
 * match_src_port() (TCP or UDP with ports), match_recv() (rcvif),
 * match_xmit() (the OUT pass's oif) and match_via() (oif when there is
 * one, else rcvif) decide it; computed without branches per test.
 */
static inline bool
pf_ext_rejects(const struct ipfw_rule *r, const struct ipfw_args *a,
    struct pf_pkt *p)
{
	if ((r->pf_ext & IPFW_PF_DIR) && (r->pf_dirs & p->dirbit) == 0)
		return (true);
	if ((r->pf_ext & IPFW_PF_PORTS) &&
	    ((p->sport - r->pf_sport_lo > r->pf_sport_span) |
	    (p->dport - r->pf_dport_lo > r->pf_dport_span)))
		return (true);
	if (r->pf_ext & IPFW_PF_IFACES) {
		if (!p->if_done) {
			p->recv = ipfw_ifkey(a->rcvif);
			p->xmit = a->dir == IPFW_DIR_OUT ?
			    ipfw_ifkey(a->oif) : 0;
			p->via = a->dir == IPFW_DIR_OUT && a->oif != NULL ?
			    p->xmit : p->recv;
			p->if_done = true;
		}
		if ((((p->recv ^ r->pf_recv) & r->pf_recv_m) |
		    ((p->xmit ^ r->pf_xmit) & r->pf_xmit_m) |
		    ((p->via ^ r->pf_via) & r->pf_via_m)) != 0)
			return (true);
	}
	return (false);
}

static inline void
pf_pkt_init(struct pf_pkt *p, const struct ipfw_args *a)
{
	p->dirbit = 1u << a->dir;
	p->sport = a->has_ports ? a->sport : 0x10000u;
	p->dport = a->has_ports ? a->dport : 0x10000u;
	p->if_done = false;
	p->recv = p->xmit = p->via = 0;
}

static inline bool
pf_rejects(const struct ipfw_rule *r, const struct ipfw_args *a,
    struct pf_pkt *p)
{
	return ((r->pf_proto != 0 && r->pf_proto != a->proto) ||
	    (a->src & r->pf_src_mask) != r->pf_src_addr ||
	    (a->dst & r->pf_dst_mask) != r->pf_dst_addr ||
	    (r->pf_ext != 0 && pf_ext_rejects(r, a, p)));
}

/*
 * This walk's state lookups (O_PROBE_STATE / O_CHECK_STATE, 14's
 * dyn_info): whether one was made, for which flow name, and whether it
 * found a state.  Another lookup is needed only when none was made yet,
 * or the last one missed for another name and was not for `:any`.
 */
struct dyn_probe {
	bool		 done, hit;
	bool		 forward;	/* the hit's direction: MATCH_FORWARD */
	const char	*flow;
};

static bool
probe_answered(const struct dyn_probe *p, const char *flow)
{
	return (p->done && (p->hit || p->flow == IPFW_FLOW_ANY ||
	    p->flow == flow));
}

static struct ipfw_rule *
probe(struct ipfw_chain *chain, const struct ipfw_args *args,
    struct dyn_probe *p, const char *flow)
{
	struct ipfw_rule *parent = ipfw_state_lookup(chain->states, args,
	    flow, &p->forward);

	p->done = true;
	p->hit = parent != NULL;
	p->flow = flow;
	return (parent);
}

/* ---- the compiled chain's sets for one packet (struct ipfw_cls) ------------ */

static inline void
sets_and(uint64_t *dst, const uint64_t *s, unsigned nw)
{
	for (unsigned w = 0; w < nw; w++)
		dst[w] &= s[w];
}

/* The class of port v: how many bounds are at or below it. */
static inline unsigned
port_class(const struct ipfw_cls_ports *d, uint32_t v)
{
	unsigned lo = 0, hi = d->n;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (d->bounds[mid] <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

static inline unsigned
if_class(const struct ipfw_cls_ifs *d, uint64_t key)
{
	unsigned j;

	for (j = 0; j < d->n && d->keys[j] != key; j++)
		;
	return (j);
}

/* ipfw_ifkey() without the library calls: the walk makes two. */
static inline uint64_t
ifkey_inline(const char *name)
{
	uint8_t b[8] = { 0 };
	uint64_t k;

	if (name != NULL)
		for (unsigned i = 0; i < sizeof(b) && name[i] != '\0'; i++)
			b[i] = (uint8_t)name[i];
	memcpy(&k, b, sizeof(k));
	return (k);
}

/* cand &= the rules whose prefix (if any) holds addr. */
static void
addrs_and(const struct ipfw_cls_addrs *d, uint64_t *cand, uint64_t *tmp,
    unsigned nw, uint32_t addr)
{
	for (unsigned w = 0; w < nw; w++)
		tmp[w] = d->any[w];
	for (unsigned j = 0; j < d->n; j++) {
		const struct ipfw_cls_net *net = &d->nets[j];
		uint32_t v = addr & net->mask;
		unsigned lo = 0, hi = net->n;

		while (lo < hi) {
			unsigned mid = (lo + hi) / 2;

			if (net->addrs[mid] < v)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < net->n && net->addrs[lo] == v)
			for (unsigned w = 0; w < nw; w++)
				tmp[w] |= net->sets[(size_t)lo * nw + w];
	}
	sets_and(cand, tmp, nw);
}

/*
 * The rules this packet passes the quick rejection of (pf_rejects()),
 * less those whose first table option it misses.  The interface keys are
 * pf_ext_rejects()'s: recv the rcvif, xmit the OUT pass's oif, via the
 * oif when there is one, else the rcvif.
 */
static void
cls_candidates(const struct ipfw_chain *chain, const struct ipfw_args *a)
{
	const struct ipfw_cls *c = chain->cls;
	unsigned nw = c->nw;
	uint64_t *cand = c->cand;
	const uint64_t *ps = &c->proto_sets[((size_t)c->proto_class[a->proto] *
	    2 + a->dir) * nw];

	for (unsigned w = 0; w < nw; w++)
		cand[w] = ps[w];
	if (c->sport.sets != NULL)
		sets_and(cand, &c->sport.sets[(size_t)port_class(&c->sport,
		    a->has_ports ? a->sport : 0x10000u) * nw], nw);
	if (c->dport.sets != NULL)
		sets_and(cand, &c->dport.sets[(size_t)port_class(&c->dport,
		    a->has_ports ? a->dport : 0x10000u) * nw], nw);
	if (c->ifs[0].sets != NULL || c->ifs[1].sets != NULL ||
	    c->ifs[2].sets != NULL) {
		uint64_t recv = ifkey_inline(a->rcvif);
		uint64_t xmit = a->dir == IPFW_DIR_OUT ?
		    ifkey_inline(a->oif) : 0;
		uint64_t via = a->dir == IPFW_DIR_OUT && a->oif != NULL ?
		    xmit : recv;
		uint64_t keys[3] = { recv, xmit, via };

		for (unsigned k = 0; k < 3; k++)
			if (c->ifs[k].sets != NULL)
				sets_and(cand, &c->ifs[k].sets[
				    (size_t)if_class(&c->ifs[k], keys[k]) * nw],
				    nw);
	}
	if (c->src.n != 0)
		addrs_and(&c->src, cand, c->tmp, nw, a->src);
	if (c->dst.n != 0)
		addrs_and(&c->dst, cand, c->tmp, nw, a->dst);
	for (unsigned j = 0; j < c->n_tables; j++) {
		const struct ipfw_cls_table *t = &c->tables[j];
		uint32_t v;

		if (!ipfw_table_lookup(chain->tables, t->num,
		    t->dst ? a->dst : a->src, &v))
			for (unsigned w = 0; w < nw; w++)
				cand[w] &= ~t->sets[w];
	}
}

/*
 * The first rule at or after idx the walk must visit: a candidate, or a
 * keep-state rule while its state lookup is still to be made (keep).
 * The default rule is always a candidate.
 */
static inline unsigned
cls_next(const struct ipfw_chain *chain, unsigned idx, bool keep)
{
	const struct ipfw_cls *c = chain->cls;
	unsigned w = idx >> 6;
	uint64_t bits = (c->cand[w] | (keep ? c->keep[w] : 0)) &
	    (~0ull << (idx & 63));

	while (bits == 0) {
		if (++w >= c->nw)
			return (chain->n_rules - 1);
		bits = c->cand[w] | (keep ? c->keep[w] : 0);
	}
	return (w * 64 + (unsigned)__builtin_ctzll(bits));
}

static inline bool
cls_has(const struct ipfw_cls *c, unsigned idx)
{
	return ((c->cand[idx >> 6] >> (idx & 63)) & 1);
}

bool
ipfw_prefilter_rejects(const struct ipfw_rule *rule,
    const struct ipfw_args *args)
{
	struct pf_pkt p;

	pf_pkt_init(&p, args);
	return (pf_rejects(rule, args, &p));
}

void
ipfw_chk(struct ipfw_chain *chain, struct ipfw_args *args,
    struct ipfw_verdict *v)
{
	uint16_t local_stack[IPFW_CALLSTACK_SIZE];
	uint8_t local_sp = 0;
	/* 14's MTAG_IPFW_CALL: the caller's (the packet's), if given. */
	uint16_t *stack = args->callstack != NULL ? args->callstack :
	    local_stack;
	uint8_t *sp = args->callsp != NULL ? args->callsp : &local_sp;
	unsigned idx;
	struct dyn_probe dp = { false, false, false, NULL };
	struct pf_pkt pfp;
	const struct ipfw_cls *cls;
	uint64_t pktlen = args->ip_len != 0 ? args->ip_len : args->pkt_len;

	memset(v, 0, sizeof(*v));
	if (chain->cls_stale)
		ipfw_cls_build(chain);
	cls = chain->cls;
	if (cls != NULL)
		cls_candidates(chain, args);
	pf_pkt_init(&pfp, args);
	args->tables = chain->tables;
	args->tablearg = 0;
	if (!start_index(chain, args, &idx)) {
		v->kind = IPFW_V_DENY;
		return;
	}
	for (;;) {
		struct ipfw_rule *r;
		struct ipfw_rule *f;		/* whose action applies */
		bool via_state = false;		/* f from a state's hit */
		struct ipfw_rule *parent;
		bool rejected;

		/*
		 * The quick rejection: the compiled chain's candidates, or
		 * rule by rule (ipfw_rule_prefilter()).  A keep-state rule
		 * probes the states before its body, so its body may be
		 * skipped only once this walk's lookup has answered (a miss
		 * stands until a state is installed); the compiled walk
		 * stops visiting them once it has for all their names.
		 */
		if (cls != NULL) {
			idx = cls_next(chain, idx, cls->has_keep &&
			    !(dp.done && (dp.hit || dp.flow == IPFW_FLOW_ANY ||
			    (cls->keep_one_flow && dp.flow == cls->keep_flow))));
			r = chain->rules[idx];
			rejected = !cls_has(cls, idx);
		} else {
			r = chain->rules[idx];
			rejected = pf_rejects(r, args, &pfp);
		}
		f = r;
		if (rejected &&
		    (!r->keep_state || probe_answered(&dp, r->flow))) {
			idx++;
			continue;
		}
		if (prob_fails(chain, r)) {
			idx++;
			continue;
		}
		/* O_PROBE_STATE: a keep-state rule looks states of its flow
		 * name up first (a second lookup after a miss would miss
		 * again). */
		parent = NULL;
		if (r->keep_state && !probe_answered(&dp, r->flow))
			parent = probe(chain, args, &dp, r->flow);
		if (parent != NULL) {
			args->state_found_at = r->index + 1;
			f = parent;
			via_state = true;
		} else {
			if (!ipfw_rule_match(r, args)) {
				idx++;
				continue;
			}
			if (r->action == IPFW_ACT_CHECK_STATE) {
				/* O_CHECK_STATE: a hit runs the parent's
				 * action, a miss goes on. */
				parent = probe_answered(&dp, r->flow) ? NULL :
				    probe(chain, args, &dp, r->flow);
				if (parent == NULL) {
					idx++;
					continue;
				}
				args->state_found_at = r->index + 1;
				f = parent;
				via_state = true;
			} else if (r->keep_state) {
				if (!ipfw_state_install(chain->states, r,
				    args)) {
					/* install_state() failed: deny. */
					r->packets++;
					r->bytes += pktlen;
					verdict(v, IPFW_V_DENY, r);
					return;
				}
				/* The walk's lookup keeps its answer: 6.x and
				 * 14 ipfw_chk() leave dyn_dir as the probe set
				 * it, so a later keep-state or check-state of
				 * the same flow name does not look again (and
				 * cannot jump back to this rule's action, which
				 * would resume the walk before itself). */
			}
		}
		/*
		 * O_CALLRETURN: a `return` with an empty stack and a `call`
		 * with a full one "just continue with next rule" before
		 * IPFW_INC_RULE_COUNTER(): not counted, no match.
		 */
		if ((f->action == IPFW_ACT_RETURN && *sp == 0) ||
		    (f->action == IPFW_ACT_CALL &&
		    *sp >= IPFW_CALLSTACK_SIZE)) {
			idx = f->index + 1;
			continue;
		}
		f->packets++;
		f->bytes += pktlen;
		/* O_REASS of a fragment: IPFW_INC_RULE_COUNTER() in the
		 * opcode and again after the loop ("done"). */
		if (f->action == IPFW_ACT_REASS &&
		    (args->frag_off != 0 || args->more_frags)) {
			f->packets++;
			f->bytes += pktlen;
		}
		/* Before the tag, so that --why (ipfw_why.c) sees the tags
		 * the rules before this one were tested with. */
		if (args->on_match != NULL)
			args->on_match(args->match_ctx, f, args);
		/* O_TAG: the matching rule tags (or untags) the packet. */
		if (r->tag != 0 || r->tag_targ)
			apply_tag(args, r, args->tablearg);
		switch (f->action) {
		case IPFW_ACT_ALLOW:
			verdict(v, IPFW_V_PASS, f);
			return;
		case IPFW_ACT_DENY:
			verdict(v, IPFW_V_DENY, f);
			return;
		case IPFW_ACT_UNREACH:
			verdict(v, IPFW_V_REJECT, f);
			/* send_reject(): `reset` answers a TCP segment at
			 * offset 0 that is not itself a RST. */
			if (f->arg == IPFW_REJECT_RST) {
				v->send_rst = args->has_tcp &&
				    (args->tcp_flags & 0x04) == 0;
				return;
			}
			v->icmp_code = (uint8_t)f->arg;
			v->send_icmp = reject_sends_icmp(args);
			return;
		case IPFW_ACT_DIVERT:
		case IPFW_ACT_TEE:
			verdict(v, f->action == IPFW_ACT_DIVERT ?
			    IPFW_V_DIVERT : IPFW_V_TEE, f);
			v->port = (uint16_t)(f->arg_targ ? args->tablearg :
			    f->arg);
			return;
		case IPFW_ACT_FWD:
			/* O_FORWARD_IP: pass, with the next hop for the
			 * hook to put on the packet (PACKET_TAG_IPFORWARD). */
			verdict(v, IPFW_V_PASS, f);
			/* "q != f || dyn_info.direction == MATCH_FORWARD":
			 * through a state, only the way it was made. */
			v->fwd = !via_state || dp.forward;
			v->fwd_addr = f->arg_targ ? args->tablearg : f->arg;
			v->fwd_port = f->fwd_port;
			return;
		case IPFW_ACT_NAT:
			/* O_NAT: ipfw_nat() runs on the packet (the hook
			 * does it, ipfw_check_packet()). */
			verdict(v, IPFW_V_NAT, f);
			v->nat_id = f->arg_targ ? args->tablearg : f->arg;
			return;
		case IPFW_ACT_REASS:
			/* O_REASS: a whole datagram just goes on. */
			if (args->frag_off != 0 || args->more_frags) {
				verdict(v, IPFW_V_REASS, f);
				return;
			}
			idx = f->index + 1;
			break;
		case IPFW_ACT_SKIPTO:
			idx = skipto_index(chain, args, f);
			break;
		case IPFW_ACT_CALL:
			/* The full stack was handled above. */
			stack[(*sp)++] = (uint16_t)f->rulenum;
			idx = ipfw_chain_first_at_least(chain, f->arg_targ ?
			    args->tablearg : f->arg);
			break;
		case IPFW_ACT_RETURN:
			idx = ipfw_chain_first_above(chain, stack[--(*sp)]);
			break;
		case IPFW_ACT_COUNT:
		case IPFW_ACT_CHECK_STATE:
		default:
			idx = f->index + 1;
			break;
		}
	}
}

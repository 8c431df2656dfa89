/*
 * --why: the explanation of an ipfw pass, recomputed beside ipfw_chk()
 * rather than inside it, so the engine pays nothing when it is off (it
 * only marks a state hit, state_found_at).  Per rule tried,
 * first_failure() (ipfw_rule_match()'s walk over the same option tests,
 * in the rule's order) names the condition that failed; the quick
 * rejection plays no part, so it can hide no rule.  What the body
 * cannot tell (a `prob` draw, a check-state without a state, a `return`
 * with an empty stack) is deduced: a rule whose body holds and that did
 * not match failed for that reason.
 */
#include <string.h>

#include <netinet/in.h>

#include <glib.h>

#include "ipfw/ipfw.h"
#include "ipfw/ipfw_chain.h"
#include "ipfw/ipfw_engine.h"
#include "ipfw/ipfw_parse.h"
#include "ipfw/ipfw_print.h"
#include "ipfw/ipfw_rule.h"
#include "ipfw/ipfw_state.h"
#include "ipfw/ipfw_why.h"
#include "sim/sim_names.h"

/* Rules named one by one in a "rules ... skipped" sentence. */
#define	WHY_LIST_MAX	8u

/* "100 (deny)" */
static void
rule_label(GString *s, const struct ipfw_rule *r)
{
	g_string_append_printf(s, "%u (", r->rulenum);
	ipfw_rule_action_str(r, s);
	g_string_append_c(s, ')');
}

/* "rules 100 (deny), 150 (count) skipped: " for indices [lo, hi). */
static void
rules_list(GString *s, const struct ipfw_chain *chain, unsigned lo,
    unsigned hi)
{
	g_string_append(s, "rules ");
	for (unsigned i = lo; i < hi; i++) {
		if (i - lo == WHY_LIST_MAX) {
			g_string_append_printf(s, " and %u more", hi - i);
			break;
		}
		if (i > lo)
			g_string_append(s, ", ");
		rule_label(s, chain->rules[i]);
	}
}

void
ipfw_why_begin(struct ipfw_why *w, const struct ipfw_chain *chain,
    const struct ipfw_args *args)
{
	unsigned idx;

	w->chain = chain;
	w->state_used = false;
	w->begun = true;
	w->has_tag = args->has_tag;
	w->has_slot = args->has_slot;
	w->tag = args->tag;
	w->tag_is_divert = args->tag_is_divert;
	/* Refused: no rule will match, the drop's sentence says it. */
	w->refused = !ipfw_start_index(chain, args, &idx);
	w->start = w->next = w->refused ? chain->n_rules : idx;
}

/* The first sentence of a pass: what its start passed over, if worth
 * saying; NULL if not. */
static char *
reentry(const struct ipfw_why *w)
{
	const struct ipfw_chain *chain = w->chain;
	const struct ipfw_rule *prev;
	GString *s;

	if (w->refused)
		return (NULL);
	if (w->start == 0) {
		/* A re-entry that passes over nothing is worth saying. */
		if (w->has_tag && w->tag != 0)
			return (g_strdup_printf("re-entry after tag %u skips "
			    "no rule: the walk starts at rule %u", w->tag,
			    chain->rules[0]->rulenum));
		if (w->has_tag && w->tag_is_divert)
			return (g_strdup("re-entry with tag 0: the whole "
			    "ruleset again"));
		return (NULL);
	}
	s = g_string_new(NULL);
	rules_list(s, chain, 0, w->start);
	g_string_append(s, " skipped: ");
	/*
	 * What the hook resumed after: a write-back's tag; 6.x's tee, which
	 * goes on with the tee's tag but not as diverted; 14's tee, a reass
	 * and a nat (one_pass=0), which go on at the next slot.
	 */
	prev = chain->rules[w->start - 1];
	if (w->has_slot && prev->action == IPFW_ACT_NAT)
		g_string_append_printf(s, "translated by the nat of rule %u, "
		    "the walk goes on after it", prev->rulenum);
	else if (w->has_slot && prev->action == IPFW_ACT_REASS)
		g_string_append_printf(s, "reassembled by rule %u, the walk "
		    "goes on after it", prev->rulenum);
	else if (w->has_slot || (w->has_tag && !w->tag_is_divert))
		g_string_append_printf(s, "the original goes on after the tee "
		    "of rule %u", w->has_slot ? prev->rulenum : w->tag);
	else
		g_string_append_printf(s, "re-entry after tag %u", w->tag);
	return (g_string_free(s, FALSE));
}

static const char *
proto_str(uint8_t p, char buf[8])
{
	const char *n = inet_proto_name(p);

	if (n != NULL)
		return (n);
	g_snprintf(buf, 8, "%u", p);
	return (buf);
}

/* Why the packet has no ports for a port test. */
static void
no_ports(GString *s, const struct ipfw_args *a)
{
	char pb[8];

	if (a->frag_off != 0)
		g_string_append_printf(s, "a fragment at offset %u has no "
		    "ports", a->frag_off * 8u);
	else if (a->proto != IPPROTO_TCP && a->proto != IPPROTO_UDP)
		g_string_append_printf(s, "the packet (%s) has no ports",
		    proto_str(a->proto, pb));
	else
		g_string_append(s, "the packet's header is cut short");
}

/* The packet's TCP flags by name ("syn,ack"), "none" for none. */
static void
tcp_flags_str(GString *s, uint8_t bits)
{
	const char *comma = "";

	for (size_t i = 0; ipfw_tcpflag_names[i].name != NULL; i++) {
		if ((bits & ipfw_tcpflag_names[i].bit) == 0)
			continue;
		g_string_append_printf(s, "%s%s", comma,
		    ipfw_tcpflag_names[i].name);
		comma = ",";
	}
	if (*comma == '\0')
		g_string_append(s, "none");
}

/* An interface test: "not via em1 (packet via em0)". */
static void
iface_fails(GString *s, const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	const char *kw = o->op == IPFW_O_RECV ? "recv" :
	    o->op == IPFW_O_XMIT ? "xmit" : "via";
	const char *name;

	if (o->op == IPFW_O_RECV)
		name = a->rcvif;
	else if (o->op == IPFW_O_XMIT)
		name = a->dir == IPFW_DIR_OUT ? a->oif : NULL;
	else
		name = a->dir == IPFW_DIR_OUT && a->oif != NULL ? a->oif :
		    a->rcvif;
	(void)r;
	if (o->negate) {
		g_string_append_printf(s, "not %s %s: the packet is %s %s",
		    kw, o->u.ifname, kw, name);
		return;
	}
	g_string_append_printf(s, "not %s %s ", kw, o->u.ifname);
	if (name != NULL)
		g_string_append_printf(s, "(packet %s %s)", kw, name);
	else if (o->op == IPFW_O_XMIT)
		g_string_append(s, "(an inbound pass has no transmit "
		    "interface)");
	else
		g_string_append(s, "(the packet was sent by this host: no "
		    "receive interface)");
}

/* An address test: "src 10.0.0.0/24 does not contain 192.168.1.5". */
static void
addr_fails(GString *s, const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	bool src = o->op == IPFW_O_SRC_ME || o->op == IPFW_O_SRC_ADDR ||
	    o->op == IPFW_O_SRC_TABLE || o->op == IPFW_O_SRC_SET;
	char ab[INET_ADDRSTRLEN];
	const char *addr = inet_addr_str(src ? a->src : a->dst, ab);

	g_string_append(s, src ? "src " : "dst ");
	if (o->negate)
		g_string_append(s, "not ");
	ipfw_opt_value_str(r, o, s);
	if (o->op == IPFW_O_SRC_ME || o->op == IPFW_O_DST_ME)
		g_string_append_printf(s, ": %s is %san address of this host",
		    addr, o->negate ? "" : "not ");
	else if (o->op == IPFW_O_SRC_TABLE || o->op == IPFW_O_DST_TABLE)
		g_string_append_printf(s, o->negate ? " holds %s" :
		    " does not hold %s%s", addr, o->n != 0 ?
		    " with that value" : "");
	else
		g_string_append_printf(s, " %s %s", o->negate ? "contains" :
		    "does not contain", addr);
}

/* The failed option o, or the or-block it starts, in words. */
static void
opt_fails(GString *s, const struct ipfw_rule *r, const struct ipfw_opt *o,
    const struct ipfw_args *a)
{
	char pb[8];

	if (o->or_next) {
		/* An or-block: none of its options held. */
		g_string_append(s, "{ ");
		for (const struct ipfw_opt *p = o;; p++) {
			if (p->op == IPFW_O_PROTO)
				g_string_append(s, p->negate ? "not " : "");
			ipfw_opt_value_str(r, p, s);
			if (!p->or_next)
				break;
			g_string_append(s, " or ");
		}
		g_string_append(s, " }: none holds");
		return;
	}
	switch ((enum ipfw_op)o->op) {
	case IPFW_O_PROTO:
		g_string_append_printf(s, "proto %s %s ", proto_str(a->proto,
		    pb), o->negate ? "=" : "≠");
		ipfw_opt_value_str(r, o, s);
		if (o->negate)
			g_string_append(s, " (not)");
		return;
	case IPFW_O_SRC_ME: case IPFW_O_DST_ME:
	case IPFW_O_SRC_ADDR: case IPFW_O_DST_ADDR:
	case IPFW_O_SRC_TABLE: case IPFW_O_DST_TABLE:
	case IPFW_O_SRC_SET: case IPFW_O_DST_SET:
		addr_fails(s, r, o, a);
		return;
	case IPFW_O_SRC_PORT:
	case IPFW_O_DST_PORT: {
		const char *kw = o->op == IPFW_O_SRC_PORT ? "src-port" :
		    "dst-port";
		unsigned port = o->op == IPFW_O_SRC_PORT ? a->sport :
		    a->dport;

		if (!a->has_ports && !o->negate) {
			g_string_append_printf(s, "%s ", kw);
			ipfw_opt_value_str(r, o, s);
			g_string_append(s, ": ");
			no_ports(s, a);
		} else if (o->negate) {
			g_string_append_printf(s, "%s not ", kw);
			ipfw_opt_value_str(r, o, s);
			g_string_append_printf(s, ": the packet's is %u", port);
		} else {
			g_string_append_printf(s, "%s %u ≠ ", kw, port);
			ipfw_opt_value_str(r, o, s);
		}
		return;
	}
	case IPFW_O_IN:
		g_string_append_printf(s, "%s: the packet is on its %s pass",
		    o->negate ? "out" : "in", a->dir == IPFW_DIR_IN ? "in" :
		    "out");
		return;
	case IPFW_O_RECV:
	case IPFW_O_XMIT:
	case IPFW_O_VIA:
		iface_fails(s, r, o, a);
		return;
	default:
		break;
	}
	ipfw_opt_value_str(r, o, s);
	g_string_append(s, ": ");
	switch ((enum ipfw_op)o->op) {
	case IPFW_O_FRAG:
		g_string_append(s, o->negate ? "the packet is a fragment at "
		    "an offset other than 0" : "the packet is not a fragment "
		    "(or is the first one)");
		break;
	case IPFW_O_ICMPTYPE:
		if (a->proto != IPPROTO_ICMP || !a->has_icmp_type)
			g_string_append(s, "the packet is not an ICMP message "
			    "with a type");
		else
			g_string_append_printf(s, "the packet is ICMP type %u",
			    a->icmp_type);
		break;
	case IPFW_O_TCPFLAGS:
	case IPFW_O_ESTAB:
	case IPFW_O_TCPOPTS:
	case IPFW_O_TCPSEQ:
	case IPFW_O_TCPACK:
	case IPFW_O_TCPWIN:
	case IPFW_O_TCPDATALEN:
	case IPFW_O_TCPMSS:
		if (!a->has_tcp) {
			g_string_append(s, "the packet has no TCP header");
			break;
		}
		g_string_append(s, "the packet's flags are ");
		tcp_flags_str(s, a->tcp_flags);
		if (o->op == IPFW_O_TCPSEQ || o->op == IPFW_O_TCPACK ||
		    o->op == IPFW_O_TCPWIN)
			g_string_append_printf(s, ", seq %u, ack %u, win %u",
			    a->tcp_seq, a->tcp_ack, a->tcp_win);
		break;
	case IPFW_O_TAGGED:
		if (a->tags == NULL || *a->ntags == 0) {
			g_string_append(s, "the packet has no tag");
			break;
		}
		g_string_append(s, "the packet's tags are ");
		for (unsigned k = 0; k < *a->ntags; k++)
			g_string_append_printf(s, "%s%u", k > 0 ? "," : "",
			    a->tags[k]);
		break;
	case IPFW_O_DIVERTED:
		g_string_append(s, !a->tag_is_divert ? "the packet was not "
		    "written back by a divert socket" : a->tag_divert_out ?
		    "the packet was written back as outgoing" :
		    "the packet was written back as incoming");
		break;
	case IPFW_O_IPLEN:
		g_string_append_printf(s, "ip_len is %u", a->ip_len);
		break;
	case IPFW_O_IPID:
		g_string_append_printf(s, "ip_id is %u", a->ip_id);
		break;
	case IPFW_O_IPTTL:
		g_string_append_printf(s, "ip_ttl is %u", a->ip_ttl);
		break;
	case IPFW_O_IPTOS:
		g_string_append_printf(s, "ip_tos is 0x%02x", a->ip_tos);
		break;
	case IPFW_O_IPOPT:
		g_string_append(s, a->has_ipoptions ? "the header's options "
		    "differ" : "the header has no options");
		break;
	case IPFW_O_VERREVPATH:
	case IPFW_O_VERSRCREACH:
	case IPFW_O_ANTISPOOF: {
		char ab[INET_ADDRSTRLEN];

		g_string_append_printf(s, "the route back to %s %s",
		    inet_addr_str(a->src, ab), o->op == IPFW_O_VERSRCREACH ?
		    "is missing (or only the default one)" :
		    "does not leave by the interface it came in on");
		break;
	}
	default:
		g_string_append(s, o->negate ? "it holds" : "it does not hold");
		break;
	}
}

/*
 * The index of the first option (the first of an or-block) that fails,
 * -1 when they all hold: ipfw_rule_match()'s walk, in the same order over
 * the same tests (ipfw_opt_match()), kept apart so that the engine's
 * stays a plain yes/no loop.
 */
static int
first_failure(const struct ipfw_rule *rule, const struct ipfw_args *args)
{
	for (unsigned i = 0; i < rule->n_opts; i++) {
		unsigned first = i;
		const struct ipfw_opt *o = &rule->opts[i];
		bool held = ipfw_opt_match(rule, o, args) != o->negate;

		/* An or-block holds when one of its options does (F_OR). */
		while (o->or_next && i + 1 < rule->n_opts) {
			o = &rule->opts[++i];
			if (!held)
				held = ipfw_opt_match(rule, o, args) !=
				    o->negate;
		}
		if (!held)
			return ((int)first);
	}
	return (-1);
}

char *
ipfw_why_rule_fails(const struct ipfw_rule *rule,
    const struct ipfw_args *args)
{
	/* A copy: a table test writes the walk's tablearg. */
	struct ipfw_args a = *args;
	int k = first_failure(rule, &a);
	GString *s;

	if (k < 0)
		return (NULL);
	s = g_string_new(NULL);
	g_string_append_printf(s, "rule %u: ", rule->rulenum);
	opt_fails(s, rule, &rule->opts[k], &a);
	return (g_string_free(s, FALSE));
}

/* A rule tried and passed over: the first condition that failed, or,
 * when the body holds, what else made it go on. */
static char *
tried(const struct ipfw_why *w, const struct ipfw_rule *r,
    const struct ipfw_args *a)
{
	char *why = ipfw_why_rule_fails(r, a);

	if (why != NULL)
		return (why);
	if (r->prob_x < IPFW_PROB_SCALE)
		return (g_strdup_printf("rule %u: prob %g: the draw said no",
		    r->rulenum, r->prob));
	if (r->action == IPFW_ACT_CHECK_STATE)
		return (g_strdup_printf(w->state_used ? "rule %u: check-state:"
		    " the walk has looked its state up already" :
		    "rule %u: check-state: no state for this flow",
		    r->rulenum));
	if (r->action == IPFW_ACT_RETURN)
		return (g_strdup_printf("rule %u: return with an empty call "
		    "stack goes on", r->rulenum));
	if (r->action == IPFW_ACT_CALL)
		return (g_strdup_printf("rule %u: call with a full call stack "
		    "goes on", r->rulenum));
	return (g_strdup_printf("rule %u: holds, but was not taken",
	    r->rulenum));
}

/* How rule matched; r is the rule tried (a state's finder, or rule). */
static char *
matched(struct ipfw_why *w, const struct ipfw_rule *f,
    const struct ipfw_rule *r, const struct ipfw_args *a)
{
	bool fwd = true;

	if (r != f || a->state_found_at != 0) {
		w->state_used = true;
		/* r's lookup, under r's flow name, as the engine made it. */
		(void)ipfw_state_peek(w->chain->states, a, r->flow, &fwd);
		if (r->action == IPFW_ACT_CHECK_STATE)
			return (g_strdup_printf("state from rule %u, found by "
			    "check-state %u, in the %s direction", f->rulenum,
			    r->rulenum, fwd ? "same" : "reverse"));
		return (g_strdup_printf("state from rule %u, found by the "
		    "keep-state of rule %u (before its body), in the %s "
		    "direction", f->rulenum, r->rulenum, fwd ? "same" :
		    "reverse"));
	}
	if (r->keep_state) {
		w->state_used = true;
		return (g_strdup_printf("rule %u matches and installs a state "
		    "for the flow (keep-state)", r->rulenum));
	}
	if (r->rulenum == IPFW_DEFAULT_RULE)
		return (g_strdup("rule 65535 matches: the default rule takes "
		    "every packet no other rule did"));
	return (g_strdup_printf("rule %u matches", r->rulenum));
}

/* Where the walk goes on after f's action, and the sentence for it. */
static char *
goes_on(struct ipfw_why *w, const struct ipfw_rule *f,
    const struct ipfw_args *a)
{
	const struct ipfw_chain *chain = w->chain;
	unsigned to;
	GString *s;

	switch (f->action) {
	case IPFW_ACT_SKIPTO:
		to = ipfw_skipto_index(chain, a, f);
		break;
	case IPFW_ACT_CALL:
		to = ipfw_chain_first_at_least(chain, f->arg_targ ?
		    a->tablearg : f->arg);
		break;
	case IPFW_ACT_RETURN:
		/* Matched, so the stack is not empty; without the caller's
		 * stack (a walk of its own) the engine's is not visible. */
		if (a->callstack == NULL || a->callsp == NULL ||
		    *a->callsp == 0) {
			w->next = f->index + 1;
			return (g_strdup("return: the walk goes back after the "
			    "call"));
		}
		to = ipfw_chain_first_above(chain,
		    a->callstack[*a->callsp - 1]);
		w->next = to;
		return (g_strdup_printf("return: the walk goes back to rule "
		    "%u, after the call of rule %u", chain->rules[to]->rulenum,
		    a->callstack[*a->callsp - 1]));
	case IPFW_ACT_COUNT:
	case IPFW_ACT_CHECK_STATE:
		w->next = f->index + 1;
		return (NULL);
	case IPFW_ACT_REASS:
		/* A whole datagram goes on; a fragment ends the pass. */
		w->next = f->index + 1;
		return (NULL);
	default:
		w->next = chain->n_rules;
		return (NULL);
	}
	w->next = to;
	s = g_string_new(NULL);
	g_string_append_printf(s, "%s %u: the walk goes on at rule %u",
	    f->action == IPFW_ACT_SKIPTO ? "skipto" : "call", f->arg_targ ?
	    a->tablearg : f->arg, chain->rules[to]->rulenum);
	if (to > f->index + 1) {
		g_string_append(s, ", over ");
		rules_list(s, chain, f->index + 1, to);
	}
	return (g_string_free(s, FALSE));
}

void
ipfw_why_match(struct ipfw_why *w, const struct ipfw_rule *rule,
    const struct ipfw_args *args, GPtrArray *out)
{
	const struct ipfw_rule *r = args->state_found_at != 0 ?
	    w->chain->rules[args->state_found_at - 1] : rule;
	char *s;

	if (w->begun && (s = reentry(w)) != NULL)
		g_ptr_array_add(out, s);
	w->begun = false;
	for (unsigned i = w->next; i < r->index && i < w->chain->n_rules; i++)
		g_ptr_array_add(out, tried(w, w->chain->rules[i], args));
	g_ptr_array_add(out, matched(w, rule, r, args));
	if (r->tag != 0 && !r->tag_targ)
		g_ptr_array_add(out, g_strdup_printf("rule %u %s the packet "
		    "%u", r->rulenum, r->untag ? "untags" : "tags", r->tag));
	if ((s = goes_on(w, rule, args)) != NULL)
		g_ptr_array_add(out, s);
	/* The walk's args: the mark is for this match only. */
	((struct ipfw_args *)(uintptr_t)args)->state_found_at = 0;
}

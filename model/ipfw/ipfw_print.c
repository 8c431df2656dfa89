/*
 * Rules back into text, in the format of sbin/ipfw/ipfw2.c's
 * show_ipfw() (6.x) / show_static_rule(): "%05u " rule number, counter
 * columns as pr_u64() pads them to widths measured over the whole
 * listing (ipfw_list()), then `prob`, the action, `log`, and the body
 * with ports after their address and keep-state last.
 */
#include <stdio.h>

#include <glib.h>

#include "ipfw/ipfw.h"
#include "ipfw/ipfw_chain.h"
#include "ipfw/ipfw_parse.h"
#include "ipfw/ipfw_print.h"
#include "ipfw/ipfw_rule.h"
#include "sim/sim_names.h"

int
ipfw_u64_width(uint64_t v)
{
	return (snprintf(NULL, 0, "%llu", (unsigned long long)v));
}

/* contigmask(): leading one bits of a contiguous mask, or -1. */
static int
contigmask(uint32_t mask)
{
	int n = 0;

	while (n < 32 && (mask & (0x80000000u >> n)) != 0)
		n++;
	if (n < 32 && (mask & (0xffffffffu >> n)) != 0)
		return (-1);
	return (n);
}

static void
print_dotted(GString *out, uint32_t a)
{
	char buf[INET_ADDRSTRLEN];

	g_string_append(out, inet_addr_str(a, buf));
}

/* print_ip(): " [not ]" then me, or the list A[/len|:mask],... */
static void
print_addr(const struct ipfw_rule *r, const struct ipfw_opt *o, GString *out)
{
	g_string_append(out, o != NULL && o->negate ? " not " : " ");
	if (o == NULL) {
		g_string_append(out, "any");
		return;
	}
	if (o->op == IPFW_O_SRC_ME || o->op == IPFW_O_DST_ME) {
		g_string_append(out, "me");
		return;
	}
	if (o->op == IPFW_O_SRC_SET || o->op == IPFW_O_DST_SET) {
		/* print_ip(): A/LEN{h,h-h,...} */
		const struct ipfw_addr *b = &r->addrs[o->first];
		const char *sep = "{";
		int lo = -1;

		print_dotted(out, b->addr);
		g_string_append_printf(out, "/%d", contigmask(b->mask));
		for (int h = 0; h <= 256; h++) {
			bool on = h < 256 &&
			    (b[1 + h / 32].addr & (1u << (h % 32))) != 0;

			if (on && lo < 0)
				lo = h;
			if (!on && lo >= 0) {
				g_string_append_printf(out, "%s%d", sep, lo);
				if (h - 1 > lo)
					g_string_append_printf(out, "-%d",
					    h - 1);
				sep = ",";
				lo = -1;
			}
		}
		g_string_append_c(out, '}');
		return;
	}
	if (o->op == IPFW_O_SRC_TABLE || o->op == IPFW_O_DST_TABLE) {
		if (o->n != 0)
			g_string_append_printf(out, "table(%u,%u)", o->first,
			    o->u.val);
		else
			g_string_append_printf(out, "table(%u)", o->first);
		return;
	}
	for (unsigned k = 0; k < o->n; k++) {
		const struct ipfw_addr *a = &r->addrs[o->first + k];
		int mb = contigmask(a->mask);

		if (k > 0)
			g_string_append_c(out, ',');
		print_dotted(out, a->addr);
		if (mb < 0) {
			g_string_append_c(out, ':');
			print_dotted(out, a->mask);
		} else if (mb < 32) {
			g_string_append_printf(out, "/%d", mb);
		}
	}
}

/* An address, or an or-block of them: `{ A or B }`. */
static void
print_addr_run(const struct ipfw_rule *r, const struct ipfw_opt *o,
    GString *out)
{
	if (o == NULL || !o->or_next) {
		print_addr(r, o, out);
		return;
	}
	g_string_append(out, " {");
	for (;; o++) {
		print_addr(r, o, out);
		if (!o->or_next)
			break;
		g_string_append(out, " or");
	}
	g_string_append(out, " }");
}

/* print_newports(): lo or lo-hi, comma separated. */
static void
print_ranges(const struct ipfw_rule *r, const struct ipfw_opt *o,
    GString *out)
{
	for (unsigned k = 0; k < o->n; k++) {
		const struct ipfw_range *x = &r->ranges[o->first + k];

		g_string_append_printf(out, "%s%u", k > 0 ? "," : "", x->lo);
		if (x->hi != x->lo)
			g_string_append_printf(out, "-%u", x->hi);
	}
}

/* print_flags(): names in table order, "!" for cleared ones; bits with no
 * name follow as numbers. */
static void
print_flags(const char *name, const struct ipfw_opt *o,
    const struct ipfw_flag_name *names, GString *out)
{
	uint8_t set = o->u.flags.set, clear = o->u.flags.clear;
	const char *comma = "";

	g_string_append_printf(out, " %s", name);
	if (set == 0 && clear == 0)
		return;
	g_string_append_c(out, ' ');
	for (size_t i = 0; names[i].name != NULL; i++) {
		if ((set & names[i].bit) != 0) {
			set &= (uint8_t)~names[i].bit;
			g_string_append_printf(out, "%s%s", comma,
			    names[i].name);
			comma = ",";
		}
		if ((clear & names[i].bit) != 0) {
			clear &= (uint8_t)~names[i].bit;
			g_string_append_printf(out, "%s!%s", comma,
			    names[i].name);
			comma = ",";
		}
	}
	if (set != 0) {
		g_string_append_printf(out, "%s%u", comma, set);
		comma = ",";
	}
	if (clear != 0)
		g_string_append_printf(out, "%s!%u", comma, clear);
}

static void
print_option(const struct ipfw_rule *r, const struct ipfw_opt *o,
    GString *out)
{
	static const char *const ifkw[] = {
		[IPFW_O_RECV] = "recv", [IPFW_O_XMIT] = "xmit",
		[IPFW_O_VIA] = "via",
	};
	static const char *const valkw[] = {
		[IPFW_O_IPLEN] = "iplen", [IPFW_O_IPID] = "ipid",
		[IPFW_O_IPTTL] = "ipttl", [IPFW_O_TCPWIN] = "tcpwin",
		[IPFW_O_TCPDATALEN] = "tcpdatalen", [IPFW_O_TCPMSS] = "tcpmss",
		[IPFW_O_TCPSEQ] = "tcpseq", [IPFW_O_TCPACK] = "tcpack",
		[IPFW_O_TAGGED] = "tagged",
	};

	if (o->op == IPFW_O_IN) {
		/* O_IN with F_NOT prints as `out`. */
		g_string_append(out, o->negate ? " out" : " in");
		return;
	}
	if (o->negate)
		g_string_append(out, " not");
	switch (o->op) {
	case IPFW_O_RECV:
	case IPFW_O_XMIT:
	case IPFW_O_VIA:
		g_string_append_printf(out, " %s %s", ifkw[o->op],
		    o->u.ifname);
		break;
	case IPFW_O_FRAG:
		g_string_append(out, " frag");
		break;
	case IPFW_O_IPOPT:
		print_flags("ipoptions", o, ipfw_ipopt_names, out);
		break;
	case IPFW_O_IPTOS:
		print_flags("iptos", o, ipfw_iptos_names, out);
		break;
	case IPFW_O_IPLEN:
	case IPFW_O_IPID:
	case IPFW_O_IPTTL:
	case IPFW_O_TCPWIN:
	case IPFW_O_TCPDATALEN:
	case IPFW_O_TCPMSS:
	case IPFW_O_TAGGED:
		g_string_append_printf(out, " %s ", valkw[o->op]);
		print_ranges(r, o, out);
		break;
	case IPFW_O_TCPSEQ:
	case IPFW_O_TCPACK:
		g_string_append_printf(out, " %s %u", valkw[o->op], o->u.val);
		break;
	case IPFW_O_IPVER:
		g_string_append_printf(out, " ipversion %u", o->u.val);
		break;
	case IPFW_O_ESTAB:
		g_string_append(out, " established");
		break;
	case IPFW_O_VERREVPATH:
		g_string_append(out, " verrevpath");
		break;
	case IPFW_O_VERSRCREACH:
		g_string_append(out, " versrcreach");
		break;
	case IPFW_O_ANTISPOOF:
		g_string_append(out, " antispoof");
		break;
	case IPFW_O_TCPFLAGS:
		/* show_static_rule(): syn,!ack is printed as `setup`. */
		if (o->u.flags.set == 0x02 && o->u.flags.clear == 0x10)
			g_string_append(out, " setup");
		else
			print_flags("tcpflags", o, ipfw_tcpflag_names, out);
		break;
	case IPFW_O_TCPOPTS:
		print_flags("tcpoptions", o, ipfw_tcpopt_names, out);
		break;
	case IPFW_O_ICMPTYPE: {
		char sep = ' ';

		/* print_icmptypes() */
		g_string_append(out, " icmptypes");
		for (unsigned t = 0; t < 32; t++) {
			if ((o->u.val & (1u << t)) == 0)
				continue;
			g_string_append_printf(out, "%c%u", sep, t);
			sep = ',';
		}
		break;
	}
	case IPFW_O_DIVERTED:
		g_string_append(out, o->u.val == 1 ? " diverted-loopback" :
		    o->u.val == 2 ? " diverted-output" : " diverted");
		break;
	default:
		break;
	}
}

/*
 * One option as ipfw(8) prints it, for --why: the address list or port
 * ranges alone (no `not`: the caller words it), a protocol by name, and
 * any other option with its keyword (and `not`).  No leading space.
 */
void
ipfw_opt_value_str(const struct ipfw_rule *r, const struct ipfw_opt *o,
    GString *out)
{
	GString *t = g_string_new(NULL);
	const char *name;

	switch (o->op) {
	case IPFW_O_PROTO:
		if ((name = inet_proto_name((uint8_t)o->u.val)) != NULL)
			g_string_append(t, name);
		else
			g_string_append_printf(t, "%u", o->u.val);
		break;
	case IPFW_O_SRC_ME: case IPFW_O_DST_ME:
	case IPFW_O_SRC_ADDR: case IPFW_O_DST_ADDR:
	case IPFW_O_SRC_TABLE: case IPFW_O_DST_TABLE:
	case IPFW_O_SRC_SET: case IPFW_O_DST_SET: {
		struct ipfw_opt plain = *o;

		plain.negate = false;
		print_addr(r, &plain, t);
		break;
	}
	case IPFW_O_SRC_PORT:
	case IPFW_O_DST_PORT:
		print_ranges(r, o, t);
		break;
	default:
		print_option(r, o, t);
		break;
	}
	g_string_append(out, t->str[0] == ' ' ? t->str + 1 : t->str);
	g_string_free(t, TRUE);
}

void
ipfw_rule_action_str(const struct ipfw_rule *r, GString *out)
{
	const char *name;

	switch (r->action) {
	case IPFW_ACT_ALLOW:
		g_string_append(out, "allow");
		break;
	case IPFW_ACT_DENY:
		g_string_append(out, "deny");
		break;
	case IPFW_ACT_UNREACH:
		/* ICMP_UNREACH_HOST is what `reject` compiles to. */
		if (r->arg == 1)
			g_string_append(out, "reject");
		else if (r->arg == IPFW_REJECT_RST)
			g_string_append(out, "reset");
		else if ((name = ipfw_unreach_name(r->arg)) != NULL)
			g_string_append_printf(out, "unreach %s", name);
		else
			g_string_append_printf(out, "unreach %u", r->arg);
		break;
	case IPFW_ACT_COUNT:
		g_string_append(out, "count");
		break;
	case IPFW_ACT_DIVERT:
		if (r->arg_targ)
			g_string_append(out, "divert tablearg");
		else
			g_string_append_printf(out, "divert %u", r->arg);
		break;
	case IPFW_ACT_TEE:
	case IPFW_ACT_SKIPTO:
	case IPFW_ACT_CALL:
		g_string_append(out, r->action == IPFW_ACT_TEE ? "tee" :
		    r->action == IPFW_ACT_SKIPTO ? "skipto" : "call");
		if (r->arg_targ)
			g_string_append(out, " tablearg");
		else
			g_string_append_printf(out, " %u", r->arg);
		break;
	case IPFW_ACT_RETURN:
		g_string_append(out, "return");
		break;
	case IPFW_ACT_CHECK_STATE:
		g_string_append(out, "check-state");
		break;
	case IPFW_ACT_REASS:
		g_string_append(out, "reass");
		break;
	case IPFW_ACT_FWD:
		/* print_fwd(): the address, then ",PORT". */
		if (r->arg_targ)
			g_string_append(out, "fwd tablearg");
		else
			g_string_append_printf(out, "fwd %u.%u.%u.%u",
			    r->arg >> 24, (r->arg >> 16) & 0xff,
			    (r->arg >> 8) & 0xff, r->arg & 0xff);
		if (r->fwd_port != 0)
			g_string_append_printf(out, ",%u", r->fwd_port);
		break;
	case IPFW_ACT_NAT:
		if (r->arg_targ)
			g_string_append(out, "nat tablearg");
		else
			g_string_append_printf(out, "nat %u", r->arg);
		break;
	}
}

/* What ipfw_add() stores for a probability written as text. */
static uint32_t
prob_fixed(const char *text)
{
	return ((uint32_t)(g_ascii_strtod(text, NULL) * IPFW_PROB_SCALE));
}

/*
 * show_ipfw() prints "prob %f" of the stored fixed-point value; six
 * decimals cannot name every step of 1/0x7fffffff (prob 1e-7 would list
 * as "prob 0.000000"), so when they do not read back as the same value,
 * the middle of the step is printed with as many digits as it takes.
 */
static void
print_prob(uint32_t x, GString *out)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	g_ascii_formatd(buf, sizeof(buf), "%f", (double)x / IPFW_PROB_SCALE);
	for (int digits = 7; prob_fixed(buf) != x && digits <= 17; digits++) {
		char fmt[8];

		snprintf(fmt, sizeof(fmt), "%%.%dg", digits);
		g_ascii_formatd(buf, sizeof(buf), fmt,
		    ((double)x + 0.5) / IPFW_PROB_SCALE);
	}
	g_string_append_printf(out, "prob %s ", buf);
}

void
ipfw_rule_body_str(const struct ipfw_rule *r, GString *out)
{
	const struct ipfw_opt *proto = NULL, *src = NULL, *dst = NULL;
	const struct ipfw_opt *sport = NULL, *dport = NULL;
	const char *name;

	if (r->prob_x < IPFW_PROB_SCALE)
		print_prob(r->prob_x, out);
	ipfw_rule_action_str(r, out);
	/* 14's show_static_rule(): check-state names its flow. */
	if (r->action == IPFW_ACT_CHECK_STATE && r->release >= 12)
		g_string_append_printf(out, " :%s",
		    r->flow != NULL ? r->flow : "default");
	if (r->log)
		g_string_append(out, " log");
	if (r->logamount != 0)
		g_string_append_printf(out, " logamount %u", r->logamount);
	if (r->tag_targ)
		g_string_append_printf(out, " %s tablearg", r->untag ?
		    "untag" : "tag");
	else if (r->tag != 0)
		g_string_append_printf(out, " %s %u", r->untag ? "untag" :
		    "tag", r->tag);
	/* check-state prints no body (show_ipfw() marks it all present). */
	if (r->action == IPFW_ACT_CHECK_STATE && r->n_opts == 0) {
		if (r->comment != NULL)
			g_string_append_printf(out, " // %s", r->comment);
		return;
	}
	for (unsigned i = 0; i < r->n_opts; i++) {
		const struct ipfw_opt *o = &r->opts[i];

		if (o->opt_form)
			continue;	/* src-ip/dst-ip: an option */
		switch (o->op) {
		case IPFW_O_PROTO:
			if (proto == NULL)
				proto = o;
			break;
		case IPFW_O_SRC_ME:
		case IPFW_O_SRC_ADDR:
		case IPFW_O_SRC_TABLE:
		case IPFW_O_SRC_SET:
			if (src == NULL)
				src = o;
			break;
		case IPFW_O_DST_ME:
		case IPFW_O_DST_ADDR:
		case IPFW_O_DST_TABLE:
		case IPFW_O_DST_SET:
			if (dst == NULL)
				dst = o;
			break;
		case IPFW_O_SRC_PORT:
			sport = o;
			break;
		case IPFW_O_DST_PORT:
			dport = o;
			break;
		default:
			break;
		}
	}
	if (proto == NULL) {
		g_string_append(out, " ip");
	} else {
		/* An or-block prints as `{ udp or tcp }`. */
		if (proto->or_next)
			g_string_append(out, " {");
		for (const struct ipfw_opt *p = proto;; p++) {
			if (p->negate)
				g_string_append(out, " not");
			if ((name = inet_proto_name((uint8_t)p->u.val)) !=
			    NULL)
				g_string_append_printf(out, " %s", name);
			else
				g_string_append_printf(out, " %u", p->u.val);
			if (!p->or_next)
				break;
			g_string_append(out, " or");
		}
		if (proto->or_next)
			g_string_append(out, " }");
	}
	/* 6.x prints ports after their address; 14's printer as options
	 * after the destination (`dst-port 53`). */
	g_string_append(out, " from");
	print_addr_run(r, src, out);
	if (sport != NULL && r->release < 12) {
		g_string_append(out, sport->negate ? " not " : " ");
		print_ranges(r, sport, out);
	}
	g_string_append(out, " to");
	print_addr_run(r, dst, out);
	if (dport != NULL && r->release < 12) {
		g_string_append(out, dport->negate ? " not " : " ");
		print_ranges(r, dport, out);
	}
	if (sport != NULL && r->release >= 12) {
		g_string_append(out, sport->negate ? " not src-port " :
		    " src-port ");
		print_ranges(r, sport, out);
	}
	if (dport != NULL && r->release >= 12) {
		g_string_append(out, dport->negate ? " not dst-port " :
		    " dst-port ");
		print_ranges(r, dport, out);
	}
	for (unsigned i = 0; i < r->n_opts; i++) {
		const struct ipfw_opt *o = &r->opts[i];
		bool in_run = i > 0 && r->opts[i - 1].or_next;

		if (o->opt_form) {
			/* print_ip() after "src-ip"/"dst-ip". */
			bool src = o->op == IPFW_O_SRC_ME ||
			    o->op == IPFW_O_SRC_ADDR ||
			    o->op == IPFW_O_SRC_TABLE ||
			    o->op == IPFW_O_SRC_SET;

			struct ipfw_opt pos = *o;

			pos.negate = false;
			g_string_append_printf(out, "%s%s", o->negate ?
			    " not" : "", src ? " src-ip" : " dst-ip");
			print_addr(r, &pos, out);
			continue;
		}
		if (o->op < IPFW_O_IN || o->op == IPFW_O_SRC_TABLE ||
		    o->op == IPFW_O_DST_TABLE || o->op == IPFW_O_SRC_SET ||
		    o->op == IPFW_O_DST_SET)
			continue;
		/* `{ via em0 or via em1 }` */
		if (o->or_next && !in_run)
			g_string_append(out, " {");
		print_option(r, o, out);
		if (o->or_next)
			g_string_append(out, " or");
		else if (in_run)
			g_string_append(out, " }");
	}
	/* compile_rule() moves keep-state to the end of the body; 14
	 * names the flow. */
	if (r->limit_n != 0) {
		static const char *const masks[] = {
			"src-addr", "src-port", "dst-addr", "dst-port",
		};

		g_string_append(out, " limit");
		for (unsigned k = 0; k < 4; k++)
			if ((r->limit_mask & (1u << k)) != 0)
				g_string_append_printf(out, " %s", masks[k]);
		g_string_append_printf(out, " %u", r->limit_n);
		if (r->release >= 12)
			g_string_append_printf(out, " :%s",
			    r->flow != NULL ? r->flow : "default");
	} else if (r->keep_state && r->release >= 12) {
		g_string_append_printf(out, " keep-state :%s",
		    r->flow != NULL ? r->flow : "default");
	} else if (r->keep_state) {
		g_string_append(out, " keep-state");
	}
	if (r->comment != NULL)
		g_string_append_printf(out, " // %s", r->comment);
}

void
ipfw_rule_print(const struct ipfw_rule *r, int pcwidth, int bcwidth,
    GString *out)
{
	g_string_append_printf(out, "%05u ", r->rulenum);
	if (pcwidth > 0 || bcwidth > 0)
		g_string_append_printf(out, "%*llu %*llu ", pcwidth,
		    (unsigned long long)r->packets, bcwidth,
		    (unsigned long long)r->bytes);
	ipfw_rule_body_str(r, out);
	g_string_append_c(out, '\n');
}

void
ipfw_chain_print(const struct ipfw_chain *chain, bool counters, GString *out)
{
	int pcwidth = 0, bcwidth = 0;

	/* ipfw_list(): the widest counter of each column decides. */
	if (counters) {
		for (unsigned i = 0; i < chain->n_rules; i++) {
			int w = ipfw_u64_width(chain->rules[i]->packets);

			if (w > pcwidth)
				pcwidth = w;
			w = ipfw_u64_width(chain->rules[i]->bytes);
			if (w > bcwidth)
				bcwidth = w;
		}
	}
	for (unsigned i = 0; i < chain->n_rules; i++)
		ipfw_rule_print(chain->rules[i], pcwidth, bcwidth, out);
}

uint32_t
ipfw_rule_number(const struct ipfw_rule *rule)
{
	return (rule->rulenum);
}

bool
ipfw_rule_has_log(const struct ipfw_rule *rule)
{
	return (rule->log);
}

int
ipfw_rule_log_take(const struct ipfw_rule *rule)
{
	/* The one field of an installed rule the hook changes (as the
	 * kernel's ipfw_log() decrements l->log_left); the rule belongs
	 * to a chain, never to read-only memory. */
	struct ipfw_rule *r = (struct ipfw_rule *)(uintptr_t)rule;

	if (r->logamount == 0)
		return (1);
	if (r->log_left == 0)
		return (0);
	return (--r->log_left == 0 ? 2 : 1);
}

uint32_t
ipfw_rule_logamount(const struct ipfw_rule *rule)
{
	return (rule->logamount);
}

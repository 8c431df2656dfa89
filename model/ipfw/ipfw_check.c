/*
 * The rule checker: refuses what FreeBSD refuses before a rule reaches
 * the chain -- ipfw(8)'s own checks in ipfw_add() and the kernel's in
 * check_ipfw_struct()/add_rule() -- so that nothing is half-installed.
 * Combinations the kernel accepts but that can never match (`in out`,
 * `xmit` with `in`) are accepted, as FreeBSD does (docs/ipfw-subset.md).
 */
#include <stdarg.h>
#include <string.h>

#include <netinet/in.h>

#include <glib.h>

#include "ipfw/ipfw.h"
#include "ipfw/ipfw_check.h"
#include "ipfw/ipfw_rule.h"


static bool G_GNUC_PRINTF(4, 5)
refuse(int *field, int which, GError **err, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	*field = which;
	g_set_error_literal(err, IPFW_ERROR, 0, msg);
	g_free(msg);
	return (false);
}

static const char *
action_name(enum ipfw_act a)
{
	switch (a) {
	case IPFW_ACT_DIVERT:
		return ("divert");
	case IPFW_ACT_TEE:
		return ("tee");
	case IPFW_ACT_SKIPTO:
		return ("skipto");
	case IPFW_ACT_CALL:
		return ("call");
	default:
		return ("action");
	}
}

static bool
check_action(const struct ipfw_rule *r, int *field, GError **err)
{
	/* tablearg: the argument comes from the packet's lookup. */
	if (r->arg_targ)
		return (true);
	switch (r->action) {
	case IPFW_ACT_DIVERT:
	case IPFW_ACT_TEE:
		/* ipfw_add() chkarg: a port of 0 is illegal. */
		if (r->arg == 0 || r->arg > 65535)
			return (refuse(field, IPFW_CK_ARG, err,
			    "illegal %s port %u (1..65535)",
			    action_name(r->action), r->arg));
		break;
	case IPFW_ACT_SKIPTO:
	case IPFW_ACT_CALL:
		/* chkarg: 0 is illegal; 65535 lands on the default rule. */
		if (r->arg == 0 || r->arg > IPFW_DEFAULT_RULE)
			return (refuse(field, IPFW_CK_ARG, err,
			    "illegal argument for %s: rule %u out of range "
			    "1..%u", action_name(r->action), r->arg,
			    IPFW_DEFAULT_RULE));
		break;
	case IPFW_ACT_UNREACH:
		/* fill_reject_code(): an ICMP code is one byte. */
		if (r->arg > 255 && r->arg != IPFW_REJECT_RST)
			return (refuse(field, IPFW_CK_ARG, err,
			    "unknown ICMP unreachable code %u", r->arg));
		break;
	case IPFW_ACT_CHECK_STATE:
		if (r->keep_state)
			return (refuse(field, IPFW_CK_KEEP_STATE, err,
			    "keep-state is not allowed on a check-state "
			    "rule"));
		break;
	default:
		break;
	}
	return (true);
}

static bool
check_opt(const struct ipfw_rule *r, unsigned i, uint32_t proto,
    bool proto_negated, int *field, GError **err)
{
	const struct ipfw_opt *o = &r->opts[i];
	int f = IPFW_CK_OPT + (int)i;

	if (o->op >= IPFW_O_NOPS)
		return (refuse(field, f, err, "unknown opcode %u", o->op));
	switch (o->op) {
	case IPFW_O_SRC_ADDR:
	case IPFW_O_DST_ADDR:
		if (o->n == 0 || o->n > IPFW_MAX_LIST ||
		    (unsigned)o->first + o->n > r->n_addrs)
			return (refuse(field, f, err, "bad address list"));
		break;
	case IPFW_O_SRC_SET:
	case IPFW_O_DST_SET:
		if (o->n != 9 || (unsigned)o->first + o->n > r->n_addrs)
			return (refuse(field, f, err, "bad address set"));
		break;
	case IPFW_O_SRC_PORT:
	case IPFW_O_DST_PORT:
		/*
		 * ipfw(8) (ipfw1's compile step, kept in spirit here): ports
		 * only mean something for TCP and UDP.
		 */
		if (proto_negated || (proto != IPPROTO_TCP &&
		    proto != IPPROTO_UDP))
			return (refuse(field, f, err, "only TCP and UDP "
			    "protocols are valid with port specifications"));
		/* FALLTHROUGH */
	case IPFW_O_IPLEN:
	case IPFW_O_IPID:
	case IPFW_O_IPTTL:
	case IPFW_O_TCPWIN:
	case IPFW_O_TCPDATALEN:
	case IPFW_O_TCPMSS:
	case IPFW_O_TAGGED:
		if (o->n == 0 || o->n > IPFW_MAX_LIST ||
		    (unsigned)o->first + o->n > r->n_ranges)
			return (refuse(field, f, err, "bad value list"));
		break;
	case IPFW_O_RECV:
	case IPFW_O_XMIT:
	case IPFW_O_VIA:
		if (o->u.ifname[0] == '\0' ||
		    memchr(o->u.ifname, '\0', IPFW_IFNAMSIZ) == NULL)
			return (refuse(field, f, err, "bad interface name"));
		break;
	case IPFW_O_DIVERTED:
		if (o->u.val < 1 || o->u.val > 3)
			return (refuse(field, f, err, "bad diverted option"));
		break;
	case IPFW_O_PROTO:
		if (o->u.val > 255)
			return (refuse(field, f, err, "bad protocol %u",
			    o->u.val));
		break;
	default:
		break;
	}
	return (true);
}

bool
ipfw_rule_check(const struct ipfw_rule *r, int *field, GError **err)
{
	uint32_t proto = 0;
	bool proto_negated = false;
	int dummy;

	if (field == NULL)
		field = &dummy;
	/*
	 * Rule 65535 is the default rule and cannot be added (add_rule());
	 * 0 asks the kernel for the next number.
	 */
	if (r->rulenum > IPFW_MAX_RULENUM)
		return (refuse(field, IPFW_CK_RULENUM, err,
		    "rule number %u out of range 1..%u", r->rulenum,
		    IPFW_MAX_RULENUM));
	/* Set 31 (RESVD_SET) holds the default rule only. */
	if (r->set >= IPFW_RESVD_SET)
		return (refuse(field, IPFW_CK_SET, err,
		    "illegal set %u (0..%u)", r->set, IPFW_RESVD_SET - 1));
	/* ipfw_add(): "illegal match prob." outside (0, 1]. */
	if (!(r->prob > 0 && r->prob <= 1))
		return (refuse(field, IPFW_CK_PROB, err,
		    "illegal match prob. %g (must be in (0,1])", r->prob));
	if (!check_action(r, field, err))
		return (false);
	for (unsigned i = 0; i < r->n_opts; i++) {
		if (r->opts[i].op == IPFW_O_PROTO) {
			proto = r->opts[i].u.val;
			proto_negated = r->opts[i].negate;
		}
	}
	for (unsigned i = 0; i < r->n_opts; i++)
		if (!check_opt(r, i, proto, proto_negated, field, err))
			return (false);
	return (true);
}

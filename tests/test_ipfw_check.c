/*
 * Unit tests of the rule checker (model/ipfw/ipfw_check.c): rules built
 * by hand, so that what the parser never produces is still refused.  The
 * limits come from FreeBSD: rule numbers 1..65534 with 65535 the default
 * rule (add_rule()), sets 0..30 (RESVD_SET 31), prob in (0,1] and action
 * arguments from ipfw_add() (chkarg, fill_reject_code()).
 */
#include <string.h>

#include <glib.h>

#include "check_util.h"
#include "ipfw/ipfw.h"
#include "ipfw/ipfw_check.h"
#include "ipfw/ipfw_rule.h"

static struct ipfw_rule *
allow_rule(void)
{
	struct ipfw_rule *r = ipfw_rule_new();

	r->rulenum = 100;
	r->action = IPFW_ACT_ALLOW;
	return (r);
}

static void
expect_refused(const struct ipfw_rule *r, int field, const char *text)
{
	GError *err = NULL;
	int got = -1;

	ck_assert(!ipfw_rule_check(r, &got, &err));
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(got == field, "field %d, expected %d (%s)", got, field,
	    err->message);
	ck_assert_msg(strstr(err->message, text) != NULL, "'%s' lacks '%s'",
	    err->message, text);
	g_error_free(err);
}

static void
expect_accepted(const struct ipfw_rule *r)
{
	GError *err = NULL;
	int field = -1;

	ck_assert_msg(ipfw_rule_check(r, &field, &err), "refused: %s",
	    err != NULL ? err->message : "?");
}

/* Append an option; addrs/ranges are given separately when needed. */
static struct ipfw_opt *
add_opt(struct ipfw_rule *r, enum ipfw_op op)
{
	r->opts = g_renew(struct ipfw_opt, r->opts, r->n_opts + 1);
	memset(&r->opts[r->n_opts], 0, sizeof(r->opts[0]));
	r->opts[r->n_opts].op = (uint8_t)op;
	return (&r->opts[r->n_opts++]);
}

static void
add_range(struct ipfw_rule *r, struct ipfw_opt *o, uint16_t lo, uint16_t hi)
{
	r->ranges = g_renew(struct ipfw_range, r->ranges, r->n_ranges + 1);
	r->ranges[r->n_ranges].lo = lo;
	r->ranges[r->n_ranges].hi = hi;
	o->first = (uint16_t)r->n_ranges++;
	o->n = 1;
}

START_TEST(test_rule_numbers)
{
	struct ipfw_rule *r = allow_rule();

	/* 0 asks for auto-numbering (add_rule()), 65534 is the highest. */
	r->rulenum = 0;
	expect_accepted(r);
	r->rulenum = IPFW_MAX_RULENUM;
	expect_accepted(r);
	/* 65535 is the default rule: it cannot be added. */
	r->rulenum = IPFW_DEFAULT_RULE;
	expect_refused(r, IPFW_CK_RULENUM,
	    "rule number 65535 out of range 1..65534");
	r->rulenum = 70000;
	expect_refused(r, IPFW_CK_RULENUM, "70000");
	ipfw_rule_free(r);
}
END_TEST

START_TEST(test_sets_and_prob)
{
	struct ipfw_rule *r = allow_rule();

	r->set = 30;
	expect_accepted(r);
	/* RESVD_SET 31 holds the default rule only. */
	r->set = 31;
	expect_refused(r, IPFW_CK_SET, "illegal set 31");
	r->set = 0;
	/* ipfw_add(): match_prob <= 0 || match_prob > 1 is illegal. */
	r->prob = 0;
	expect_refused(r, IPFW_CK_PROB, "illegal match prob");
	r->prob = -0.25;
	expect_refused(r, IPFW_CK_PROB, "illegal match prob");
	r->prob = 1.01;
	expect_refused(r, IPFW_CK_PROB, "illegal match prob");
	r->prob = 1;
	expect_accepted(r);
	r->prob = 0.000001;
	expect_accepted(r);
	ipfw_rule_free(r);
}
END_TEST

START_TEST(test_action_args)
{
	struct ipfw_rule *r = allow_rule();

	/* chkarg: divert/tee port 0 is illegal; ports are 16 bits. */
	r->action = IPFW_ACT_DIVERT;
	r->arg = 0;
	expect_refused(r, IPFW_CK_ARG, "illegal divert port 0");
	r->arg = 65536;
	expect_refused(r, IPFW_CK_ARG, "illegal divert port");
	r->arg = 1;
	expect_accepted(r);
	r->arg = 65535;
	expect_accepted(r);
	r->action = IPFW_ACT_TEE;
	r->arg = 0;
	expect_refused(r, IPFW_CK_ARG, "illegal tee port");

	/* skipto/call: 1..65535; 65535 lands on the default rule. */
	r->action = IPFW_ACT_SKIPTO;
	r->arg = 0;
	expect_refused(r, IPFW_CK_ARG, "illegal argument for skipto");
	r->arg = 65536;
	expect_refused(r, IPFW_CK_ARG, "illegal argument for skipto");
	r->arg = 65535;
	expect_accepted(r);
	r->action = IPFW_ACT_CALL;
	r->arg = 0;
	expect_refused(r, IPFW_CK_ARG, "illegal argument for call");
	r->arg = 1;
	expect_accepted(r);

	/* An ICMP code is one byte. */
	r->action = IPFW_ACT_UNREACH;
	r->arg = 255;
	expect_accepted(r);
	/* 256 is ICMP_REJECT_RST (`reset`); 257 is no code at all. */
	r->arg = 257;
	expect_refused(r, IPFW_CK_ARG, "unknown ICMP unreachable code 257");
	ipfw_rule_free(r);
}
END_TEST

START_TEST(test_keep_state)
{
	struct ipfw_rule *r = allow_rule();

	/* ipfw(8) takes keep-state on any action but check-state. */
	r->keep_state = true;
	expect_accepted(r);
	r->action = IPFW_ACT_COUNT;
	expect_accepted(r);
	r->action = IPFW_ACT_SKIPTO;
	r->arg = 200;
	expect_accepted(r);
	r->action = IPFW_ACT_CHECK_STATE;
	r->arg = 0;
	expect_refused(r, IPFW_CK_KEEP_STATE,
	    "keep-state is not allowed on a check-state rule");
	ipfw_rule_free(r);
}
END_TEST

START_TEST(test_ports_need_tcp_udp)
{
	struct ipfw_rule *r = allow_rule();
	struct ipfw_opt *p, *o;

	/* Ports without a protocol ("ip") are refused: option 0. */
	o = add_opt(r, IPFW_O_DST_PORT);
	add_range(r, o, 53, 53);
	expect_refused(r, IPFW_CK_OPT + 0,
	    "only TCP and UDP protocols are valid with port specifications");
	ipfw_rule_free(r);

	r = allow_rule();
	p = add_opt(r, IPFW_O_PROTO);
	p->u.val = 1;	/* icmp */
	o = add_opt(r, IPFW_O_SRC_PORT);
	add_range(r, o, 1, 2);
	expect_refused(r, IPFW_CK_OPT + 1, "only TCP and UDP");
	r->opts[0].u.val = 17;	/* udp */
	expect_accepted(r);
	r->opts[0].u.val = 6;	/* tcp */
	expect_accepted(r);
	/* `not tcp` may be anything else: ports cannot apply. */
	r->opts[0].negate = true;
	expect_refused(r, IPFW_CK_OPT + 1, "only TCP and UDP");
	ipfw_rule_free(r);
}
END_TEST

START_TEST(test_never_matching_accepted)
{
	struct ipfw_rule *r = allow_rule();
	struct ipfw_opt *o;

	/*
	 * The kernel stores `in out` and `xmit X in` as given (O_IN twice,
	 * O_XMIT with O_IN): they never match, but are not refused.
	 */
	add_opt(r, IPFW_O_IN);
	o = add_opt(r, IPFW_O_IN);
	o->negate = true;
	o = add_opt(r, IPFW_O_XMIT);
	strcpy(o->u.ifname, "em0");
	expect_accepted(r);
	/* An empty interface name is not. */
	o->u.ifname[0] = '\0';
	expect_refused(r, IPFW_CK_OPT + 2, "bad interface name");
	ipfw_rule_free(r);
}
END_TEST

START_TEST(test_lists)
{
	struct ipfw_rule *r = allow_rule();
	struct ipfw_opt *o;

	/* A list that points past the rule's arrays is refused. */
	o = add_opt(r, IPFW_O_SRC_ADDR);
	o->first = 0;
	o->n = 1;
	expect_refused(r, IPFW_CK_OPT, "bad address list");
	r->addrs = g_new0(struct ipfw_addr, 1);
	r->n_addrs = 1;
	expect_accepted(r);
	ipfw_rule_free(r);

	r = allow_rule();
	o = add_opt(r, IPFW_O_DIVERTED);
	o->u.val = 4;
	expect_refused(r, IPFW_CK_OPT, "bad diverted option");
	ipfw_rule_free(r);
}
END_TEST

START_TEST(test_chain_refuses_whole)
{
	struct ipfw_chain *chain = ipfw_chain_new(1);
	struct ipfw_rule *r = allow_rule();
	struct ipfw_cmd cmd;
	GError *err = NULL;

	/* A refused rule leaves the chain as it was: only the default. */
	r->rulenum = IPFW_DEFAULT_RULE;
	memset(&cmd, 0, sizeof(cmd));
	cmd.kind = IPFW_CMD_ADD;
	cmd.quiet = true;
	cmd.rule = r;
	ck_assert(!ipfw_cmd_exec(chain, &cmd, NULL, &err));
	ck_assert_ptr_nonnull(err);
	g_error_free(err);
	ck_assert_uint_eq(ipfw_chain_count(chain), 1);
	ck_assert(!ipfw_chain_has_rules(chain));
	ipfw_rule_free(r);
	ipfw_chain_free(chain);
}
END_TEST

static Suite *
ipfw_check_suite(void)
{
	const TTest *const tests[] = {
		test_rule_numbers, test_sets_and_prob, test_action_args,
		test_keep_state, test_ports_need_tcp_udp,
		test_never_matching_accepted, test_lists,
		test_chain_refuses_whole, NULL
	};

	return (check_suite("ipfw_check", tests, NULL, NULL));
}

CHECK_MAIN(ipfw_check_suite())

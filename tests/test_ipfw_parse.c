/*
 * Unit tests of the ipfw(8) command-line parser (model/ipfw/ipfw_parse.c):
 * the accepted forms and what they compile to, and every error with the
 * index of the word at fault.  Expected values come from ipfw(8) and
 * sbin/ipfw/ipfw2.c (compile_rule(), fill_ip(), fill_reject_code()).
 */
#include <string.h>

#include <glib.h>

#include "check_util.h"
#include "ipfw/ipfw.h"
#include "ipfw/ipfw_parse.h"
#include "ipfw/ipfw_rule.h"

static struct ipfw_cmd *
parse(const char *line, int *bad, GError **err)
{
	gchar **argv = NULL;
	int argc = 0;
	struct ipfw_cmd *cmd;

	if (*line != '\0')
		ck_assert(g_shell_parse_argv(line, &argc, &argv, NULL));
	cmd = ipfw_cmd_parse(argc, argv, bad, err);
	g_strfreev(argv);
	return (cmd);
}

static struct ipfw_cmd *
parse_ok(const char *line)
{
	GError *err = NULL;
	int bad = -1;
	struct ipfw_cmd *cmd = parse(line, &bad, &err);

	ck_assert_msg(cmd != NULL, "'%s': %s (word %d)", line,
	    err != NULL ? err->message : "?", bad);
	return (cmd);
}

/* The rule as `ipfw list` prints it, without the number. */
static char *
body_of(const char *line)
{
	struct ipfw_cmd *cmd = parse_ok(line);
	GString *s = g_string_new(NULL);

	ck_assert_int_eq(cmd->kind, IPFW_CMD_ADD);
	ipfw_rule_body_str(cmd->rule, s);
	ipfw_cmd_free(cmd);
	return (g_string_free(s, FALSE));
}

static void
expect_error(const char *line, int word, const char *text)
{
	GError *err = NULL;
	int bad = -1;
	struct ipfw_cmd *cmd = parse(line, &bad, &err);

	ck_assert_msg(cmd == NULL, "'%s' accepted", line);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(err->domain == IPFW_ERROR, "domain");
	ck_assert_msg(bad == word, "'%s': word %d, expected %d (%s)", line,
	    bad, word, err->message);
	ck_assert_msg(strstr(err->message, text) != NULL,
	    "'%s': message '%s' lacks '%s'", line, err->message, text);
	g_error_free(err);
}

START_TEST(test_tables_sorted)
{
	/* bsearch() needs the keyword tables in strcmp order. */
	ck_assert(ipfw_parse_tables_sorted());
}
END_TEST

START_TEST(test_add_divert_via)
{
	struct ipfw_cmd *cmd;
	const struct ipfw_opt *o;

	/* The example: number, action with port, one option. */
	cmd = parse_ok("add 100 divert 8668 ip from any to any via em1");
	ck_assert_int_eq(cmd->kind, IPFW_CMD_ADD);
	ck_assert(!cmd->quiet);
	ck_assert_uint_eq(cmd->rule->rulenum, 100);
	ck_assert_int_eq(cmd->rule->action, IPFW_ACT_DIVERT);
	ck_assert_uint_eq(cmd->rule->arg, 8668);
	/* ip/any/any compile to no option at all; via is the only one. */
	ck_assert_uint_eq(cmd->rule->n_opts, 1);
	o = &cmd->rule->opts[0];
	ck_assert_int_eq(o->op, IPFW_O_VIA);
	ck_assert_str_eq(o->u.ifname, "em1");
	ck_assert(ipfw_cmd_uses_divert(cmd));
	ipfw_cmd_free(cmd);
}
END_TEST

START_TEST(test_add_prefix_words)
{
	struct ipfw_cmd *cmd;

	cmd = parse_ok("-q add 7 set 3 prob 0.25 count log ip from any to any");
	ck_assert(cmd->quiet);
	ck_assert_uint_eq(cmd->rule->rulenum, 7);
	ck_assert_uint_eq(cmd->rule->set, 3);
	/* compile_rule(): prob * 0x7fffffff, truncated: 536870911.75. */
	ck_assert_uint_eq(cmd->rule->prob_x, 536870911u);
	ck_assert(cmd->rule->log);
	ck_assert_int_eq(cmd->rule->action, IPFW_ACT_COUNT);
	ck_assert(!ipfw_cmd_uses_divert(cmd));
	ipfw_cmd_free(cmd);

	/* No number: 0, the chain picks one. */
	cmd = parse_ok("add allow ip from any to any");
	ck_assert_uint_eq(cmd->rule->rulenum, 0);
	ipfw_cmd_free(cmd);
}
END_TEST

START_TEST(test_actions)
{
	static const struct {
		const char	*line;
		enum ipfw_act	 act;
		uint32_t	 arg;
	} cases[] = {
		{ "add allow ip from any to any", IPFW_ACT_ALLOW, 0 },
		{ "add accept ip from any to any", IPFW_ACT_ALLOW, 0 },
		{ "add pass ip from any to any", IPFW_ACT_ALLOW, 0 },
		{ "add permit ip from any to any", IPFW_ACT_ALLOW, 0 },
		{ "add deny ip from any to any", IPFW_ACT_DENY, 0 },
		{ "add drop ip from any to any", IPFW_ACT_DENY, 0 },
		/* reject is unreach host, ICMP_UNREACH_HOST = 1. */
		{ "add reject ip from any to any", IPFW_ACT_UNREACH, 1 },
		/* icmpcodes[]: port = 3, filter-prohib = 13. */
		{ "add unreach port ip from any to any", IPFW_ACT_UNREACH, 3 },
		{ "add unreach filter-prohib ip from any to any",
		    IPFW_ACT_UNREACH, 13 },
		{ "add unreach precedence-cutoff ip from any to any",
		    IPFW_ACT_UNREACH, 15 },
		{ "add unreach 200 ip from any to any", IPFW_ACT_UNREACH, 200 },
		{ "add count ip from any to any", IPFW_ACT_COUNT, 0 },
		{ "add tee 5000 ip from any to any", IPFW_ACT_TEE, 5000 },
		/* natd is 8668/divert in /etc/services. */
		{ "add divert natd ip from any to any", IPFW_ACT_DIVERT, 8668 },
		{ "add skipto 500 ip from any to any", IPFW_ACT_SKIPTO, 500 },
		{ "add call 900 ip from any to any", IPFW_ACT_CALL, 900 },
		{ "add return ip from any to any", IPFW_ACT_RETURN, 0 },
		{ "add check-state", IPFW_ACT_CHECK_STATE, 0 },
		{ "add reass ip from any to any", IPFW_ACT_REASS, 0 },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct ipfw_cmd *cmd = parse_ok(cases[i].line);

		ck_assert_msg(cmd->rule->action == cases[i].act, "%s",
		    cases[i].line);
		ck_assert_msg(cmd->rule->arg == cases[i].arg, "%s: arg %u",
		    cases[i].line, cmd->rule->arg);
		ipfw_cmd_free(cmd);
	}
}
END_TEST

START_TEST(test_addresses)
{
	struct ipfw_cmd *cmd;
	const struct ipfw_opt *o;
	const struct ipfw_rule *r;

	/* fill_ip() masks the base: 10.1.2.3/8 is 10.0.0.0 & ff000000. */
	cmd = parse_ok("add allow ip from 10.1.2.3/8 to 192.0.2.1");
	r = cmd->rule;
	o = ipfw_rule_find_opt(r, IPFW_O_SRC_ADDR);
	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(o->n, 1);
	ck_assert_uint_eq(r->addrs[o->first].addr, 0x0a000000u);
	ck_assert_uint_eq(r->addrs[o->first].mask, 0xff000000u);
	o = ipfw_rule_find_opt(r, IPFW_O_DST_ADDR);
	ck_assert_uint_eq(r->addrs[o->first].addr, 0xc0000201u);
	ck_assert_uint_eq(r->addrs[o->first].mask, 0xffffffffu);
	ipfw_cmd_free(cmd);

	/* A:MASK, `not`, `me`. */
	cmd = parse_ok("add allow ip from not 1.2.3.4:255.255.0.255 to me");
	r = cmd->rule;
	o = ipfw_rule_find_opt(r, IPFW_O_SRC_ADDR);
	ck_assert(o->negate);
	ck_assert_uint_eq(r->addrs[o->first].addr, 0x01020004u);
	ck_assert_uint_eq(r->addrs[o->first].mask, 0xffff00ffu);
	ck_assert_ptr_nonnull(ipfw_rule_find_opt(r, IPFW_O_DST_ME));
	ipfw_cmd_free(cmd);

	/* Brace lists, as separate words or glued into one. */
	cmd = parse_ok("add allow ip from { 10.0.0.1, 10.0.1.0/24 } to any");
	o = ipfw_rule_find_opt(cmd->rule, IPFW_O_SRC_ADDR);
	ck_assert_uint_eq(o->n, 2);
	ck_assert_uint_eq(cmd->rule->addrs[o->first + 1].addr, 0x0a000100u);
	ck_assert_uint_eq(cmd->rule->addrs[o->first + 1].mask, 0xffffff00u);
	ipfw_cmd_free(cmd);
	cmd = parse_ok("add allow ip from any to {10.0.0.1,10.0.0.2}");
	o = ipfw_rule_find_opt(cmd->rule, IPFW_O_DST_ADDR);
	ck_assert_uint_eq(o->n, 2);
	ipfw_cmd_free(cmd);
	cmd = parse_ok("add allow ip from 10.0.0.1,10.0.0.2 to any");
	o = ipfw_rule_find_opt(cmd->rule, IPFW_O_SRC_ADDR);
	ck_assert_uint_eq(o->n, 2);
	ipfw_cmd_free(cmd);

	/* A/0 is any: no option at all. */
	cmd = parse_ok("add allow ip from 0.0.0.0/0 to any");
	ck_assert_uint_eq(cmd->rule->n_opts, 0);
	ipfw_cmd_free(cmd);
}
END_TEST

START_TEST(test_protocols_ports)
{
	struct ipfw_cmd *cmd;
	const struct ipfw_opt *o;

	/* ip4/ipv4/all/ip are all "any protocol": no option. */
	cmd = parse_ok("add allow ip4 from any to any");
	ck_assert_uint_eq(cmd->rule->n_opts, 0);
	ipfw_cmd_free(cmd);
	cmd = parse_ok("add allow ipv4 from any to any");
	ck_assert_uint_eq(cmd->rule->n_opts, 0);
	ipfw_cmd_free(cmd);
	cmd = parse_ok("add allow 47 from any to any");
	ck_assert_uint_eq(ipfw_rule_find_opt(cmd->rule,
	    IPFW_O_PROTO)->u.val, 47);
	ipfw_cmd_free(cmd);

	cmd = parse_ok("add allow udp from any 1024-2000,53 to any not 7");
	o = ipfw_rule_find_opt(cmd->rule, IPFW_O_SRC_PORT);
	ck_assert_uint_eq(o->n, 2);
	ck_assert_uint_eq(cmd->rule->ranges[o->first].lo, 1024);
	ck_assert_uint_eq(cmd->rule->ranges[o->first].hi, 2000);
	ck_assert_uint_eq(cmd->rule->ranges[o->first + 1].lo, 53);
	ck_assert_uint_eq(cmd->rule->ranges[o->first + 1].hi, 53);
	o = ipfw_rule_find_opt(cmd->rule, IPFW_O_DST_PORT);
	ck_assert(o->negate);
	ipfw_cmd_free(cmd);

	/* src-port/dst-port options and `proto` land in the body. */
	cmd = parse_ok("add allow ip from any to any dst-port 53 proto udp");
	ck_assert_uint_eq(ipfw_rule_find_opt(cmd->rule,
	    IPFW_O_PROTO)->u.val, 17);
	ck_assert_ptr_nonnull(ipfw_rule_find_opt(cmd->rule,
	    IPFW_O_DST_PORT));
	ipfw_cmd_free(cmd);
}
END_TEST

START_TEST(test_options)
{
	struct ipfw_cmd *cmd;
	const struct ipfw_rule *r;
	const struct ipfw_opt *o;

	cmd = parse_ok("add allow icmp from any to any in recv em0 "
	    "xmit ng* not via lo0 frag ipoptions iplen 20-40 ipid 7 "
	    "ipttl 64 iptos lowdelay,!mincost icmptypes 0,8 keep-state "
	    "diverted diverted-loopback diverted-output out");
	r = cmd->rule;
	ck_assert(r->keep_state);
	ck_assert_int_eq(ipfw_rule_find_opt(r, IPFW_O_IN)->negate, false);
	ck_assert_str_eq(ipfw_rule_find_opt(r, IPFW_O_RECV)->u.ifname, "em0");
	ck_assert_str_eq(ipfw_rule_find_opt(r, IPFW_O_XMIT)->u.ifname, "ng*");
	o = ipfw_rule_find_opt(r, IPFW_O_VIA);
	ck_assert(o->negate);
	ck_assert_ptr_nonnull(ipfw_rule_find_opt(r, IPFW_O_FRAG));
	o = ipfw_rule_find_opt(r, IPFW_O_IPOPT);
	ck_assert_uint_eq(o->u.flags.set, 0);
	o = ipfw_rule_find_opt(r, IPFW_O_IPLEN);
	ck_assert_uint_eq(r->ranges[o->first].lo, 20);
	ck_assert_uint_eq(r->ranges[o->first].hi, 40);
	/* IPTOS_LOWDELAY 0x10 set, IPTOS_MINCOST 0x02 clear. */
	o = ipfw_rule_find_opt(r, IPFW_O_IPTOS);
	ck_assert_uint_eq(o->u.flags.set, 0x10);
	ck_assert_uint_eq(o->u.flags.clear, 0x02);
	/* Types 0 and 8: bits 0 and 8 = 0x101. */
	ck_assert_uint_eq(ipfw_rule_find_opt(r, IPFW_O_ICMPTYPE)->u.val,
	    0x101u);
	/* O_DIVERTED arguments 3, 1, 2 (compile_rule()). */
	ck_assert_uint_eq(ipfw_rule_find_opt(r, IPFW_O_DIVERTED)->u.val, 3);
	/* `out` is `not in`: the last option. */
	o = &r->opts[r->n_opts - 1];
	ck_assert_int_eq(o->op, IPFW_O_IN);
	ck_assert(o->negate);
	ipfw_cmd_free(cmd);

	/* ipoptions with a spec: ssrr 0x01 set, rr 0x04 clear. */
	cmd = parse_ok("add allow ip from any to any ipoptions ssrr,!rr");
	o = ipfw_rule_find_opt(cmd->rule, IPFW_O_IPOPT);
	ck_assert_uint_eq(o->u.flags.set, 0x01);
	ck_assert_uint_eq(o->u.flags.clear, 0x04);
	ipfw_cmd_free(cmd);

	/* `via any` is no test (fill_iface()). */
	cmd = parse_ok("add allow ip from any to any via any");
	ck_assert_uint_eq(cmd->rule->n_opts, 0);
	ipfw_cmd_free(cmd);

	/* check-state may carry a body, which is then matched. */
	cmd = parse_ok("add check-state ip from any to any in");
	ck_assert_uint_eq(cmd->rule->n_opts, 1);
	ipfw_cmd_free(cmd);
}
END_TEST

START_TEST(test_other_commands)
{
	struct ipfw_cmd *cmd;

	cmd = parse_ok("delete 100 200");
	ck_assert_int_eq(cmd->kind, IPFW_CMD_DELETE);
	ck_assert_uint_eq(cmd->n_nums, 2);
	ck_assert_uint_eq(cmd->nums[1], 200);
	ipfw_cmd_free(cmd);
	cmd = parse_ok("-q flush");
	ck_assert_int_eq(cmd->kind, IPFW_CMD_FLUSH);
	ck_assert(cmd->quiet);
	ipfw_cmd_free(cmd);
	cmd = parse_ok("-f flush");
	ck_assert_int_eq(cmd->kind, IPFW_CMD_FLUSH);
	ipfw_cmd_free(cmd);
	cmd = parse_ok("zero");
	ck_assert_int_eq(cmd->kind, IPFW_CMD_ZERO);
	ck_assert_uint_eq(cmd->n_nums, 0);
	ipfw_cmd_free(cmd);
	cmd = parse_ok("zero 300");
	ck_assert_uint_eq(cmd->n_nums, 1);
	ipfw_cmd_free(cmd);
	cmd = parse_ok("show");
	ck_assert_int_eq(cmd->kind, IPFW_CMD_SHOW);
	ipfw_cmd_free(cmd);
	cmd = parse_ok("list");
	ck_assert_int_eq(cmd->kind, IPFW_CMD_LIST);
	ipfw_cmd_free(cmd);
}
END_TEST

START_TEST(test_canonical_text)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		/* Action names collapse to ipfw's: accept/pass -> allow. */
		{ "add pass ip from any to any", "allow ip from any to any" },
		{ "add drop all from any to any", "deny ip from any to any" },
		{ "add unreach 1 ip from any to any",
		    "reject ip from any to any" },
		{ "add unreach 3 ip from any to any",
		    "unreach port ip from any to any" },
		/* Ports after the address (6.x show_ipfw()). */
		{ "add allow udp from any to any dst-port 53",
		    "allow udp from any to any 53" },
		{ "add allow ip from any to any proto udp src-port 5-9",
		    "allow udp from any 5-9 to any" },
		/* `not out` is `in`; keep-state moves last. */
		{ "add allow ip from any to any keep-state not out",
		    "allow ip from any to any in keep-state" },
		{ "add 10 prob 0.5 allow log ip from any to any",
		    "prob 0.500000 allow log ip from any to any" },
		{ "add allow ip from { 10.0.0.1 , 10.0.0.0/30 } to any",
		    "allow ip from 10.0.0.1,10.0.0.0/30 to any" },
		{ "add allow ip from 1.2.3.4/32 to 1.2.3.4:255.255.255.0",
		    "allow ip from 1.2.3.4 to 1.2.3.0/24" },
		{ "add allow ip from any to any icmptypes 8,0,3",
		    "allow ip from any to any icmptypes 0,3,8" },
		{ "add check-state", "check-state" },
		{ "add allow 200 from any to any", "allow 200 from any to any" },
		{ "add allow ip from any to any iptos mincost,!lowdelay",
		    "allow ip from any to any iptos !lowdelay,mincost" },
		/* One step of 1/0x7fffffff: 2 stored, six decimals show 0. */
		{ "add prob 1e-9 allow ip from any to any",
		    "prob 1.164153e-09 allow ip from any to any" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *got = body_of(cases[i].in);

		ck_assert_msg(strcmp(got, cases[i].out) == 0,
		    "'%s' printed '%s', expected '%s'", cases[i].in, got,
		    cases[i].out);
		g_free(got);
	}
}
END_TEST

/* A rule as the ipfw(8) of release 14 reads and prints it. */
static char *
body_of_14(const char *line)
{
	gchar **argv;
	int argc, bad = -1;
	GError *err = NULL;
	struct ipfw_cmd *cmd;
	GString *s = g_string_new(NULL);

	ck_assert(g_shell_parse_argv(line, &argc, &argv, NULL));
	cmd = ipfw_cmd_parse_release(14, argc, argv, &bad, &err);
	ck_assert_msg(cmd != NULL, "'%s': %s", line, err ? err->message : "");
	ipfw_rule_body_str(cmd->rule, s);
	ipfw_cmd_free(cmd);
	g_strfreev(argv);
	return (g_string_free(s, FALSE));
}

START_TEST(test_canonical_text_new_forms)
{
	static const struct {
		int rel;
		const char *in, *out;
	} cases[] = {
		/* 14's show_static_rule(): ports as options, flow names. */
		{ 14, "add allow udp from any 5-9 to any 53",
		    "allow udp from any to any src-port 5-9 dst-port 53" },
		{ 14, "add allow udp from any to any not 53 keep-state",
		    "allow udp from any to any not dst-port 53 "
		    "keep-state :default" },
		{ 14, "add check-state", "check-state :default" },
		{ 14, "add check-state :dns log logamount 5",
		    "check-state :dns log logamount 5" },
		{ 14, "add allow udp from any to any keep-state :dns",
		    "allow udp from any to any keep-state :dns" },
		{ 6, "add allow udp from any to any keep-state",
		    "allow udp from any to any keep-state" },
		/* syn,!ack is `setup`; the flags print in f_tcpflags order. */
		{ 6, "add allow tcp from any to any tcpflags !ack,syn",
		    "allow tcp from any to any setup" },
		{ 6, "add allow tcp from any to any tcpflags ack,urg,!fin",
		    "allow tcp from any to any tcpflags !fin,ack,urg" },
		{ 6, "add allow tcp from any to any tcpopts timestamp,maxseg",
		    "allow tcp from any to any tcpoptions mss,ts" },
		{ 6, "add allow ip from any to any ipver 4",
		    "allow ip from any to any ipversion 4" },
		/* Comments: the rest of the line, printed last. */
		{ 6, "add allow ip from any to any // DNS  out",
		    "allow ip from any to any // DNS out" },
		{ 14, "add allow udp from any to any keep-state // x",
		    "allow udp from any to any keep-state :default // x" },
		/* Service names from /etc/services (domain 53, ntp 123,
		 * smtp 25, ftp-data 20). */
		{ 6, "add allow udp from any to any domain,ntp",
		    "allow udp from any to any 53,123" },
		{ 6, "add allow tcp from any ftp\\\\-data-smtp to any",
		    "allow tcp from any 20-25 to any" },
		{ 14, "add deny log logamount 500 ip from any to any",
		    "deny log logamount 500 ip from any to any" },
		/* Sets: the host numbers, runs folded. */
		{ 6, "add allow ip from 10.0.0.7/24{5,1,2,3,200} to any",
		    "allow ip from 10.0.0.0/24{1-3,5,200} to any" },
		/* Or-blocks print back as written. */
		{ 6, "add deny { tcp or udp } from any to any 137 in",
		    "deny { tcp or udp } from any to any 137 in" },
		{ 14, "add deny { tcp or udp } from any to any 137 in",
		    "deny { tcp or udp } from any to any dst-port 137 in" },
		{ 6, "add allow ip from { 10.0.0.1 or me } to any "
		    "{ via em0 or not via em1 }",
		    "allow ip from { 10.0.0.1 or me } to any "
		    "{ via em0 or not via em1 }" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *got = cases[i].rel == 14 ? body_of_14(cases[i].in) :
		    body_of(cases[i].in);

		ck_assert_msg(strcmp(got, cases[i].out) == 0,
		    "'%s' printed '%s', expected '%s'", cases[i].in, got,
		    cases[i].out);
		g_free(got);
	}
	/* Release 6 refuses what came later, saying why. */
	expect_error("add allow tcp from any to any tcpmss 1460", 7,
	    "FreeBSD 12 and later; this host runs release 6");
	expect_error("add allow udp from any to any keep-state :dns", 8,
	    "release 6");
	expect_error("add check-state :default", 2, "release 6");
	expect_error("add allow tcp from any to any tcpflags syn,bogus", 8,
	    "invalid tcp flag 'syn,bogus'");
	expect_error("add allow udp from any to any nosuchservice", 7,
	    "unknown option 'nosuchservice'");
	expect_error("add allow tcp from any to any tcpseq 4294967296", 8,
	    "invalid tcpseq");
	expect_error("add allow ip from any to any ipversion 5", 8,
	    "invalid ipversion");
	expect_error("add allow ip from table(128) to any", 4,
	    "table number 128 out of range 0..127");
	expect_error("add allow ip from table(1 to any", 4,
	    "bad table reference");
	expect_error("table 128 add 10.0.0.0/8", 1, "out of range 0..127");
	expect_error("table 1 create", 2, "release 6");
	expect_error("table 1 add 10.0.0.0:255.0.255.0", 3, "bad table key");
	expect_error("table 1 swap 2", 2, "not modelled");
	expect_error("add allow ip from 10.0.0.0/16{1} to any", 4,
	    "invalid set with mask 16");
	expect_error("add allow ip from 10.0.0.0/30{4} to any", 4,
	    "bad address set");
	expect_error("add allow { udp or tcp from any to any", 6,
	    "expected 'or' or '}'");
	expect_error("add allow { ip or tcp } from any to any", 3,
	    "matches every packet");
	expect_error("add allow ip from any to any { src-port 1 or in }", 8,
	    "not modelled");
	expect_error("table 1 add 10.0.0.1 5 6", 5, "unexpected word");
}
END_TEST

START_TEST(test_errors)
{
	/* Word indices count from the first word after "ipfw". */
	expect_error("", 0, "missing command");
	expect_error("frob", 0, "unknown command 'frob'");
	expect_error("-x add allow ip from any to any", 0, "unknown flag");
	expect_error("add 70000 allow ip from any to any", 1,
	    "rule number 70000 out of range 1..65534");
	expect_error("add 65535 allow ip from any to any", 1,
	    "rule number 65535 out of range 1..65534");
	expect_error("add 99999999999 allow ip from any to any", 1,
	    "out of range");
	expect_error("add 1x allow ip from any to any", 1,
	    "invalid rule number '1x'");
	expect_error("add 100", 2, "missing action");
	expect_error("add 100 alow ip from any to any", 2,
	    "unknown action 'alow'");
	expect_error("add set 31 allow ip from any to any", 2, "illegal set");
	expect_error("add set x allow ip from any to any", 2,
	    "illegal set 'x'");
	expect_error("add prob 1.5 allow ip from any to any", 2,
	    "illegal match prob");
	expect_error("add prob 0 allow ip from any to any", 2,
	    "illegal match prob");
	expect_error("add prob x allow ip from any to any", 2,
	    "illegal match prob. 'x'");
	/* 1e-94 * 0x7fffffff truncates to 0: the rule could never match. */
	expect_error("add prob 1e-94 allow ip from any to any", 2,
	    "illegal match prob. '1e-94' (below 1/2147483647");
	expect_error("add prob 4.6e-10 allow ip from any to any", 2,
	    "illegal match prob. '4.6e-10'");
	expect_error("add divert", 2, "missing port after 'divert'");
	expect_error("add tee", 2, "missing port after 'tee'");
	expect_error("add divert foo ip from any to any", 2,
	    "illegal divert port 'foo'");
	expect_error("add divert 0 ip from any to any", 2, "illegal divert");
	expect_error("add divert 70000 ip from any to any", 2, "illegal");
	expect_error("add skipto", 2, "missing rule number after 'skipto'");
	expect_error("add skipto 0 ip from any to any", 2,
	    "illegal argument for skipto");
	expect_error("add call 65536 ip from any to any", 2,
	    "illegal argument for call");
	expect_error("add unreach", 2, "missing code after 'unreach'");
	expect_error("add unreach bogus ip from any to any", 2,
	    "unknown ICMP unreachable code 'bogus'");
	expect_error("add unreach 256 ip from any to any", 2,
	    "unknown ICMP unreachable code '256'");
	expect_error("add allow", 2, "missing protocol");
	expect_error("add allow foo from any to any", 2,
	    "invalid protocol 'foo'");
	expect_error("add allow 256 from any to any", 2, "invalid protocol");
	expect_error("add allow ip to any", 3, "missing 'from'");
	expect_error("add allow ip from", 4, "missing source address");
	expect_error("add allow ip from 1.2.3 to any", 4,
	    "bad source address '1.2.3'");
	expect_error("add allow ip from 1.2.3.4/33 to any", 4,
	    "bad source address");
	expect_error("add allow ip from any from any", 5, "missing 'to'");
	expect_error("add allow ip from any to", 6,
	    "missing destination address");
	expect_error("add allow ip from any to not any", 6,
	    "not any never matches");
	expect_error("add allow ip from { 1.2.3.4 to any", 8,
	    "missing '}'");
	expect_error("add allow ip from any to { 10.0.0.1, 0.0.0.0/0 }", 6,
	    "(any) inside an address list");
	expect_error("add allow ip from {1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,"
	    "16} to any", 4, "bad source address");
	expect_error("add allow ip from 1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,"
	    "1.1.1.5,1.1.1.6,1.1.1.7,1.1.1.8,1.1.1.9,1.1.1.10,1.1.1.11,"
	    "1.1.1.12,1.1.1.13,1.1.1.14,1.1.1.15,1.1.1.16 to any", 4,
	    "address list too long");
	/* Ports on a protocol without them: the port word is at fault. */
	expect_error("add allow icmp from any to any 53", 7,
	    "only TCP and UDP protocols are valid with port specifications");
	expect_error("add allow ip from any 53 to any", 5,
	    "only TCP and UDP");
	expect_error("add allow ip from any to any dst-port 53", 8,
	    "only TCP and UDP");
	expect_error("add allow udp from any to any 70000", 7,
	    "invalid destination ports '70000'");
	expect_error("add allow udp from any to any 9-5", 7,
	    "invalid destination ports");
	expect_error("add allow udp from any 1 to any src-port 2", 9,
	    "source ports given twice");
	expect_error("add allow ip from any to any bogus", 7,
	    "unknown option 'bogus'");
	expect_error("add allow ip from any to any not not in", 8,
	    "double \"not\" not allowed");
	expect_error("add allow ip from any to any not", 8,
	    "missing option after 'not'");
	expect_error("add allow ip from any to any via", 8,
	    "require interface name");
	expect_error("add allow ip from any to any recv 10.0.0.1", 8,
	    "interface addresses are not supported");
	expect_error("add allow ip from any to any xmit "
	    "averyveryverylongname", 8, "too long");
	expect_error("add allow ip from any to any iplen", 8,
	    "missing value after 'iplen'");
	expect_error("add allow ip from any to any ipttl 256", 8,
	    "invalid ipttl '256'");
	expect_error("add allow ip from any to any ipid x", 8,
	    "invalid ipid 'x'");
	expect_error("add allow ip from any to any iptos", 8,
	    "missing argument for iptos");
	expect_error("add allow ip from any to any iptos fast", 8,
	    "invalid iptos 'fast'");
	/* fill_flags(): names only; a number is an invalid flag. */
	expect_error("add allow ip from any to any iptos 0", 8,
	    "invalid iptos '0'");
	expect_error("add allow ip from any to any iptos !0", 8,
	    "invalid iptos '!0'");
	expect_error("add allow ip from any to any iptos lowdelay,16", 8,
	    "invalid iptos 'lowdelay,16'");
	expect_error("add allow ip from any to any ipoptions 1", 8,
	    "unknown option '1'");
	expect_error("add allow ip from any to any icmptypes", 8,
	    "icmptypes requires list of types");
	expect_error("add allow ip from any to any icmptypes 32", 8,
	    "ICMP type out of range");
	expect_error("add allow ip from any to any icmptypes 1,a", 8,
	    "invalid ICMP type");
	expect_error("add allow ip from any to any keep-state keep-state",
	    8, "keep-state given twice");
	expect_error("add allow ip from any to any not keep-state", 7,
	    "'not' cannot apply to keep-state");
	expect_error("add check-state ip from any to any keep-state", 7,
	    "keep-state is not allowed on a check-state rule");
	expect_error("add allow udp from any to any proto tcp", 7,
	    "protocol already given");
	expect_error("add allow ip from any to any proto", 8,
	    "missing protocol");
	expect_error("delete", 1, "missing rule number after 'delete'");
	expect_error("delete 100 x", 2, "invalid rule number 'x'");
	expect_error("delete 65536", 1, "out of range");
	expect_error("zero y", 1, "invalid rule number 'y'");
	expect_error("show 100", 1, "unexpected word '100'");
	expect_error("flush now", 1, "unexpected word 'now'");
}
END_TEST

/* `add count ip from any to any` then n times `iplen 1,2,...,15`. */
static char *
many_lists(unsigned n)
{
	GString *s = g_string_new("add count ip from any to any");

	for (unsigned k = 0; k < n; k++)
		g_string_append(s, " iplen 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15");
	return (g_string_free(s, FALSE));
}

/*
 * A rule's lists are indexed with 16 bits: 4369 options of 15 entries
 * (65535) fit, the 4370th would put its first entry at 65535 + 15 = 65550
 * and wrap; it is refused, naming its value word (8 + 2 * 4369).
 */
START_TEST(test_list_entries_limit)
{
	struct ipfw_cmd *cmd;
	const struct ipfw_opt *last;
	char *line;

	line = many_lists(4369);
	cmd = parse_ok(line);
	ck_assert_uint_eq(cmd->rule->n_ranges, 65535);
	last = &cmd->rule->opts[cmd->rule->n_opts - 1];
	ck_assert_uint_eq(last->first, 65520);
	ck_assert_uint_eq(last->n, 15);
	ck_assert_uint_eq(cmd->rule->ranges[last->first + 14].lo, 15);
	ipfw_cmd_free(cmd);
	g_free(line);

	line = many_lists(4370);
	expect_error(line, 8 + 2 * 4369,
	    "too many list entries in one rule (at most 65535)");
	g_free(line);
}
END_TEST

/*
 * A comment is the rule's own string, not interned: glib's
 * quark table never shrinks (and leaks its old arrays as it grows), so
 * every distinct comment parsed stayed for good; libFuzzer's exit-time
 * leak check saw those arrays after 12 million inputs.  A clone has its
 * own copies, equal to the original's.
 */
START_TEST(test_comment_not_interned)
{
	struct ipfw_cmd *cmd;
	struct ipfw_rule *copy;

	cmd = parse_ok("add 10 count ip from any to any // a8f3-unique");
	ck_assert_str_eq(cmd->rule->comment, "a8f3-unique");
	ck_assert(g_quark_try_string("a8f3-unique") == 0);
	copy = ipfw_rule_clone(cmd->rule);
	ck_assert(copy->comment != cmd->rule->comment);
	ck_assert(ipfw_rule_equal(copy, cmd->rule));
	ipfw_rule_free(copy);
	ipfw_cmd_free(cmd);
}
END_TEST

static Suite *
ipfw_parse_suite(void)
{
	const TTest *const tests[] = {
		test_tables_sorted, test_add_divert_via, test_add_prefix_words,
		test_actions, test_addresses, test_protocols_ports,
		test_options, test_other_commands, test_canonical_text,
		test_canonical_text_new_forms, test_errors, test_list_entries_limit,
		test_comment_not_interned,
		NULL
	};

	return (check_suite("ipfw_parse", tests, NULL, NULL));
}

CHECK_MAIN(ipfw_parse_suite())

/*
 * Unit tests of --why's explanations (model/ipfw/ipfw_why.c): one per
 * kind of failed condition, then whole passes through ipfw_chk() with a
 * re-entry, a skipto, a keep-state and the state it leaves.  Every
 * expected sentence is written out here by hand from the rule and the
 * forged packet, never taken from the program's output.
 */
#include <string.h>

#include <glib.h>

#include "check_util.h"
#include "ipfw/ipfw.h"
#include "ipfw/ipfw_chain.h"
#include "ipfw/ipfw_engine.h"
#include "ipfw/ipfw_rule.h"
#include "ipfw/ipfw_why.h"

#define	A(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))

static struct ipfw_chain *chain;
static uint8_t pkt[64];
static struct ipfw_args args;
static uint16_t tags[4];
static uint8_t ntags;

static void
setup(void)
{
	chain = ipfw_chain_new(7);
}

static void
teardown(void)
{
	ipfw_chain_free(chain);
	chain = NULL;
}

/* `ipfw -q add LINE` for release rel (6 or 14). */
static void
add_rel(int rel, const char *line)
{
	gchar **argv = NULL, *full = g_strdup_printf("-q add %s", line);
	int argc = 0, bad = -1;
	GError *err = NULL;
	struct ipfw_cmd *cmd;

	ck_assert(g_shell_parse_argv(full, &argc, &argv, NULL));
	cmd = ipfw_cmd_parse_release(rel, argc, argv, &bad, &err);
	ck_assert_msg(cmd != NULL, "'%s': %s", line, err ? err->message : "");
	ck_assert(ipfw_cmd_exec(chain, cmd, NULL, &err));
	ipfw_cmd_free(cmd);
	g_strfreev(argv);
	g_free(full);
}

#define	add(line)	add_rel(14, (line))

/*
 * A datagram of protocol proto, 20 + 8 bytes: ports (TCP/UDP, with TCP
 * flags tcpf at byte 13 of a 20-byte TCP header) or ICMP type sport.
 * off: ip_off in 8-byte units.  Then args for a pass dir on rcvif/oif.
 */
static void
forge(uint8_t proto, uint32_t src, uint16_t sport, uint32_t dst,
    uint16_t dport, uint16_t off, enum ipfw_dir dir, const char *rcvif,
    const char *oif)
{
	unsigned len = proto == 6 ? 40 : 28;

	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x45;
	ck_put16(pkt + 2, (uint16_t)len);
	ck_put16(pkt + 6, off);
	pkt[8] = 64;
	pkt[9] = proto;
	ck_put32(pkt + 12, src);
	ck_put32(pkt + 16, dst);
	if (proto == 1) {
		pkt[20] = (uint8_t)sport;
	} else {
		ck_put16(pkt + 20, sport);
		ck_put16(pkt + 22, dport);
		if (proto == 6) {
			pkt[32] = 5 << 4;
			pkt[33] = (uint8_t)(dport >> 8 == 0 ? 0x10 : 0);
		}
	}
	memset(&args, 0, sizeof(args));
	args.dir = dir;
	args.rcvif = rcvif;
	args.oif = oif;
	args.pkt = pkt;
	args.pkt_len = len;
	args.release = 14;
	ntags = 0;
	args.tags = tags;
	args.ntags = &ntags;
	args.max_tags = 4;
	ipfw_args_dissect(&args);
}

/* UDP 10.0.0.1:1234 -> 192.0.2.1:53 coming in on em0. */
static void
udp_in(void)
{
	forge(17, A(10, 0, 0, 1), 1234, A(192, 0, 2, 1), 53, 0, IPFW_DIR_IN,
	    "em0", NULL);
}

/* Why rule num (the chain's first of that number) fails. */
static void
expect_fails(uint32_t num, const char *want)
{
	char *got = NULL;

	for (unsigned i = 0; i < chain->n_rules; i++)
		if (chain->rules[i]->rulenum == num) {
			got = ipfw_why_rule_fails(chain->rules[i], &args);
			break;
		}
	ck_assert_msg(got != NULL, "rule %u holds", num);
	/* The engine's own test agrees. */
	ck_assert(!ipfw_rule_match(chain->rules[ipfw_chain_first_at_least(
	    chain, num)], &args));
	ck_assert_str_eq(got, want);
	g_free(got);
}

START_TEST(test_proto)
{
	add("200 deny icmp from any to any");
	add("210 deny not udp from any to any");
	udp_in();
	expect_fails(200, "rule 200: proto udp ≠ icmp");
	expect_fails(210, "rule 210: proto udp = udp (not)");
}
END_TEST

START_TEST(test_ports)
{
	add("300 deny udp from any to any dst-port 7");
	add("310 deny udp from any to any src-port 1-1000,2000");
	add("320 deny udp from any to any not dst-port 53");
	udp_in();
	expect_fails(300, "rule 300: dst-port 53 ≠ 7");
	expect_fails(310, "rule 310: src-port 1234 ≠ 1-1000,2000");
	expect_fails(320, "rule 320: dst-port not 53: the packet's is 53");
	/* A later fragment carries no ports (offset 8 units = 64 bytes). */
	forge(17, A(10, 0, 0, 1), 0, A(192, 0, 2, 1), 0, 8, IPFW_DIR_IN,
	    "em0", NULL);
	expect_fails(300, "rule 300: dst-port 7: a fragment at offset 64 has "
	    "no ports");
}
END_TEST

START_TEST(test_interfaces)
{
	add("400 deny ip from any to any via em1");
	add("410 deny ip from any to any recv em1");
	add("420 deny ip from any to any xmit em1");
	add("430 deny ip from any to any not via em0");
	udp_in();
	expect_fails(400, "rule 400: not via em1 (packet via em0)");
	expect_fails(410, "rule 410: not recv em1 (packet recv em0)");
	expect_fails(420, "rule 420: not xmit em1 (an inbound pass has no "
	    "transmit interface)");
	expect_fails(430, "rule 430: not via em0: the packet is via em0");
	/* Sent by the host itself: no receive interface; out em2. */
	forge(17, A(10, 0, 0, 1), 1234, A(192, 0, 2, 1), 53, 0, IPFW_DIR_OUT,
	    NULL, "em2");
	expect_fails(400, "rule 400: not via em1 (packet via em2)");
	expect_fails(410, "rule 410: not recv em1 (the packet was sent by "
	    "this host: no receive interface)");
	expect_fails(420, "rule 420: not xmit em1 (packet xmit em2)");
}
END_TEST

START_TEST(test_addresses)
{
	add("500 deny ip from 10.0.0.0/24 to any");
	add("510 deny ip from not 192.168.1.0/24 to any");
	add("520 deny ip from me to any");
	add("530 deny ip from any to 192.0.2.0/28,198.51.100.7");
	add("540 deny ip from any to not me");
	forge(17, A(192, 168, 1, 5), 1234, A(192, 0, 2, 99), 53, 0,
	    IPFW_DIR_IN, "em0", NULL);
	expect_fails(500, "rule 500: src 10.0.0.0/24 does not contain "
	    "192.168.1.5");
	expect_fails(510, "rule 510: src not 192.168.1.0/24 contains "
	    "192.168.1.5");
	/* No is_me callback: no address is the host's. */
	expect_fails(520, "rule 520: src me: 192.168.1.5 is not an address "
	    "of this host");
	expect_fails(530, "rule 530: dst 192.0.2.0/28,198.51.100.7 does not "
	    "contain 192.0.2.99");
	/* `not me` holds for every address then: rule 540 matches. */
	ck_assert_ptr_null(ipfw_why_rule_fails(chain->rules[4], &args));
}
END_TEST

START_TEST(test_direction_and_more)
{
	add("130 skipto 800 udp from any to any out");
	add("600 deny icmp from any to any icmptypes 8");
	add("610 deny tcp from any to any setup");
	add("620 deny ip from any to any tagged 5");
	add("630 deny ip from any to any diverted");
	add("640 deny ip from any to any frag");
	add("650 deny { tcp or icmp } from any to any");
	udp_in();
	expect_fails(130, "rule 130: out: the packet is on its in pass");
	expect_fails(620, "rule 620: tagged 5: the packet has no tag");
	expect_fails(630, "rule 630: diverted: the packet was not written "
	    "back by a divert socket");
	expect_fails(640, "rule 640: frag: the packet is not a fragment (or "
	    "is the first one)");
	expect_fails(650, "rule 650: { tcp or icmp }: none holds");
	/* An echo reply (type 0) against icmptypes 8. */
	forge(1, A(10, 0, 0, 1), 0, A(192, 0, 2, 1), 0, 0, IPFW_DIR_IN,
	    "em0", NULL);
	expect_fails(600, "rule 600: icmptypes 8: the packet is ICMP type 0");
	/* A bare ACK against setup (syn,!ack). */
	forge(6, A(10, 0, 0, 1), 40000, A(192, 0, 2, 1), 25, 0, IPFW_DIR_IN,
	    "em0", NULL);
	expect_fails(610, "rule 610: setup: the packet's flags are ack");
}
END_TEST

/* The sentences of every ipfw event of the pass, one "N: a | b" line
 * per event. */
struct walk {
	struct ipfw_why	*why;
	GString		*out;
};

static void
on_match(void *ctx, const struct ipfw_rule *rule,
    const struct ipfw_args *a)
{
	struct walk *w = ctx;
	GPtrArray *s = g_ptr_array_new_with_free_func(g_free);

	ipfw_why_match(w->why, rule, a, s);
	g_string_append_printf(w->out, "%u:", ipfw_rule_number(rule));
	for (guint i = 0; i < s->len; i++)
		g_string_append_printf(w->out, " %s%s",
		    (char *)g_ptr_array_index(s, i), i + 1 < s->len ? " |" : "");
	g_string_append_c(w->out, '\n');
	g_ptr_array_free(s, TRUE);
}

/* One pass over args with --why; the events' sentences. */
static char *
pass(struct ipfw_verdict *v)
{
	struct ipfw_why why;
	struct walk w = { &why, g_string_new(NULL) };

	args.on_match = on_match;
	args.match_ctx = &w;
	args.now_ns = 1000;
	ipfw_why_begin(&why, chain, &args);
	ipfw_chk(chain, &args, v);
	return (g_string_free(w.out, FALSE));
}

/*
 * The gateway: a LAN flow going out em1 installs a state at rule
 * 130 (skipto 800); the reply coming in em1 is found by check-state 101
 * and runs rule 130's skipto, though rule 130 says `out`.
 */
START_TEST(test_state_origin)
{
	struct ipfw_verdict v;
	char *got;

	add("101 check-state");
	add("130 skipto 800 udp from 10.0.0.0/24 to any out keep-state");
	add("200 deny udp from any to any in");
	add("800 allow ip from any to any");
	forge(17, A(10, 0, 0, 2), 5000, A(192, 0, 2, 10), 7, 0, IPFW_DIR_OUT,
	    "em0", "em1");
	got = pass(&v);
	ck_assert_str_eq(got,
	    "130: rule 101: check-state: no state for this flow |"
	    " rule 130 matches and installs a state for the flow (keep-state) |"
	    " skipto 800: the walk goes on at rule 800, over rules 200 (deny)\n"
	    "800: rule 800 matches\n");
	g_free(got);
	ck_assert_uint_eq(v.rulenum, 800);
	forge(17, A(192, 0, 2, 10), 7, A(10, 0, 0, 2), 5000, 0, IPFW_DIR_IN,
	    "em1", NULL);
	got = pass(&v);
	ck_assert_str_eq(got,
	    "130: state from rule 130, found by check-state 101, in the reverse"
	    " direction |"
	    " skipto 800: the walk goes on at rule 800, over rules 200 (deny)\n"
	    "800: rule 800 matches\n");
	g_free(got);
	/* The request again: the same state, the same direction. */
	forge(17, A(10, 0, 0, 2), 5000, A(192, 0, 2, 10), 7, 0, IPFW_DIR_OUT,
	    "em0", "em1");
	got = pass(&v);
	ck_assert(g_str_has_prefix(got, "130: state from rule 130, found by "
	    "check-state 101, in the same direction |"));
	g_free(got);
	/* Another flow's reply: no state; rule 130's body fails at its
	 * source (the body comes before `out`); rule 200 denies it. */
	forge(17, A(192, 0, 2, 10), 7, A(10, 0, 0, 3), 5000, 0, IPFW_DIR_IN,
	    "em1", NULL);
	got = pass(&v);
	ck_assert_str_eq(got,
	    "200: rule 101: check-state: no state for this flow |"
	    " rule 130: src 10.0.0.0/24 does not contain 192.0.2.10 |"
	    " rule 200 matches\n");
	g_free(got);
}
END_TEST

/* A DNS-like flow's request (out) or answer (in), through pass(). */
static char *
dns_pass(bool out, struct ipfw_verdict *v)
{
	if (out)	/* 10.0.0.2:5000 -> 192.0.2.10:53 out em1 */
		forge(17, A(10, 0, 0, 2), 5000, A(192, 0, 2, 10), 53, 0,
		    IPFW_DIR_OUT, NULL, "em1");
	else		/* its answer, in em1 */
		forge(17, A(192, 0, 2, 10), 53, A(10, 0, 0, 2), 5000, 0,
		    IPFW_DIR_IN, "em1", NULL);
	return (pass(v));
}

/*
 * Two states of one flow under two names (keep-state :NAME): --why's
 * direction is that of the state the engine's lookup found, by its
 * name.  A (out) misses both lookups and installs `:dns` at rule 300;
 * B (in) skips to 100, misses `:web` and installs `:web` at rule 200.
 * C (as A) is found by check-state :dns, the state A made: the same
 * direction; D (as B) by check-state :web, the one B made: the same
 * direction too.  A lookup blind to names finds one state for both, and
 * says "reverse" for C or for D, whichever state it meets first.
 */
START_TEST(test_state_flow_names)
{
	struct ipfw_verdict v;
	char *got;

	add("10 skipto 100 udp from any to any in");
	add("50 check-state :dns");
	add("100 check-state :web");
	add("200 allow udp from any to any in keep-state :web");
	add("300 allow udp from any to any out keep-state :dns");
	/* A */
	got = dns_pass(true, &v);
	ck_assert_str_eq(got,
	    "300: rule 10: in: the packet is on its out pass |"
	    " rule 50: check-state: no state for this flow |"
	    " rule 100: check-state: no state for this flow |"
	    " rule 200: in: the packet is on its out pass |"
	    " rule 300 matches and installs a state for the flow (keep-state)\n");
	g_free(got);
	/* B */
	got = dns_pass(false, &v);
	ck_assert_msg(strstr(got, "200: rule 100: check-state: no state for "
	    "this flow | rule 200 matches and installs a state for the flow "
	    "(keep-state)\n") != NULL, "%s", got);
	g_free(got);
	/* C */
	got = dns_pass(true, &v);
	ck_assert_str_eq(got,
	    "300: rule 10: in: the packet is on its out pass |"
	    " state from rule 300, found by check-state 50, in the same"
	    " direction\n");
	g_free(got);
	ck_assert_uint_eq(v.rulenum, 300);
	/* D */
	got = dns_pass(false, &v);
	ck_assert_msg(g_str_has_suffix(got, "\n200: state from rule 200, found "
	    "by check-state 100, in the same direction\n"), "%s", got);
	g_free(got);
	ck_assert_uint_eq(v.rulenum, 200);
}
END_TEST

/* A write-back's re-entry, a count and the default rule. */
START_TEST(test_reentry_and_default)
{
	struct ipfw_verdict v;
	char *got;

	add("100 divert 8000 udp from any to any in");
	add("150 count udp from any to any");
	add("160 deny tcp from any to any");
	udp_in();
	args.has_tag = true;
	args.tag = 100;
	args.tag_is_divert = true;
	got = pass(&v);
	ck_assert_str_eq(got,
	    "150: rules 100 (divert 8000) skipped: re-entry after tag 100 |"
	    " rule 150 matches\n"
	    "65535: rule 160: proto udp ≠ tcp | rule 65535 matches: the default"
	    " rule takes every packet no other rule did\n");
	g_free(got);
	ck_assert_int_eq(v.kind, IPFW_V_DENY);
}
END_TEST

/* A rule whose body holds but whose `prob` draw failed. */
START_TEST(test_prob)
{
	struct ipfw_verdict v;
	char *got = NULL;
	int tries;

	add("100 prob 0.5 deny udp from any to any");
	add("200 allow ip from any to any");
	for (tries = 0; tries < 64; tries++) {
		udp_in();
		g_free(got);
		got = pass(&v);
		if (v.rulenum == 200)
			break;
	}
	ck_assert_uint_eq(v.rulenum, 200);
	ck_assert_str_eq(got, "200: rule 100: prob 0.5: the draw said no |"
	    " rule 200 matches\n");
	g_free(got);
}
END_TEST

/* 14's call and return, and a tag. */
START_TEST(test_call_return_tag)
{
	struct ipfw_verdict v;
	uint16_t stack[IPFW_CALLSTACK_SIZE];
	uint8_t sp = 0;
	char *got;

	add("100 call 1000 udp from any to any");
	add("200 allow udp from any to any tagged 5");
	add("300 deny ip from any to any");
	add("1000 count tag 5 ip from any to any");
	add("1010 return ip from any to any");
	udp_in();
	args.callstack = stack;
	args.callsp = &sp;
	got = pass(&v);
	ck_assert_str_eq(got,
	    "100: rule 100 matches | call 1000: the walk goes on at rule 1000,"
	    " over rules 200 (allow), 300 (deny)\n"
	    "1000: rule 1000 matches | rule 1000 tags the packet 5\n"
	    "1010: rule 1010 matches | return: the walk goes back to rule 200,"
	    " after the call of rule 100\n"
	    "200: rule 200 matches\n");
	g_free(got);
	ck_assert_uint_eq(v.rulenum, 200);
}
END_TEST

static Suite *
why_suite(void)
{
	const TTest *const tests[] = {
		test_proto, test_ports, test_interfaces, test_addresses,
		test_direction_and_more, test_state_origin, test_state_flow_names,
		test_reentry_and_default, test_prob, test_call_return_tag,
		NULL
	};

	return (check_suite("ipfw_why", tests, setup, teardown));
}

CHECK_MAIN(why_suite())

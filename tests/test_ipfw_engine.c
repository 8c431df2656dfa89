/*
 * Unit tests of ipfw_chk() (model/ipfw/ipfw_engine.c, ipfw_match.c,
 * ipfw_state.c) on forged IPv4 packets built byte by byte here.  Each
 * expected verdict is worked out from docs/ipfw-subset.md and the
 * semantics spec (sections 3 to 5), which follow FreeBSD's ipfw_chk().
 */
#include <string.h>

#include <glib.h>

#include "check_util.h"
#include "ipfw/ipfw.h"
#include "ipfw/ipfw_chain.h"
#include "ipfw/ipfw_engine.h"
#include "ipfw/ipfw_rule.h"
#include "ipfw/ipfw_state.h"

#define	A_10_0_0_1	0x0a000001u
#define	A_10_0_0_2	0x0a000002u
#define	A_192_0_2_1	0xc0000201u

static struct ipfw_chain *chain;
static uint8_t pkt[256];
static size_t pkt_len;

static void
setup(void)
{
	chain = ipfw_chain_new(42);
}

static void
teardown(void)
{
	ipfw_chain_free(chain);
	chain = NULL;
}

static void
add(const char *line)
{
	gchar **argv = NULL;
	gchar *full = g_strdup_printf("-q add %s", line);
	int argc = 0, bad = -1;
	GError *err = NULL;
	struct ipfw_cmd *cmd;

	ck_assert(g_shell_parse_argv(full, &argc, &argv, NULL));
	cmd = ipfw_cmd_parse(argc, argv, &bad, &err);
	ck_assert_msg(cmd != NULL, "'%s': %s", line, err ? err->message : "");
	ck_assert_msg(ipfw_cmd_exec(chain, cmd, NULL, &err), "'%s': %s",
	    line, err ? err->message : "");
	ipfw_cmd_free(cmd);
	g_strfreev(argv);
	g_free(full);
}



/*
 * An IPv4 header (checksum left 0: ipfw does not look at it) with optlen
 * bytes of options, followed by payload_len bytes of upper layer.
 * off_field is the whole ip_off word (MF 0x2000 | offset in 8 bytes).
 */
static uint8_t *
ip_hdr(uint8_t proto, uint32_t src, uint32_t dst, uint16_t off_field,
    unsigned optlen, unsigned payload_len)
{
	unsigned hl = 20 + optlen;

	memset(pkt, 0, sizeof(pkt));
	pkt[0] = (uint8_t)(0x40 | (hl / 4));
	pkt[1] = 0;			/* tos */
	ck_put16(pkt + 2, (uint16_t)(hl + payload_len));
	ck_put16(pkt + 4, 0x1234);		/* id */
	ck_put16(pkt + 6, off_field);
	pkt[8] = 64;			/* ttl */
	pkt[9] = proto;
	ck_put32(pkt + 12, src);
	ck_put32(pkt + 16, dst);
	pkt_len = hl + payload_len;
	return (pkt + hl);
}

/* TCP or UDP header bytes: the ports (not in a later fragment). */
static uint8_t *
ports_pkt(uint8_t proto, uint32_t src, uint16_t sport, uint32_t dst,
    uint16_t dport, uint16_t off_field, unsigned payload_len)
{
	uint8_t *u = ip_hdr(proto, src, dst, off_field, 0, payload_len);

	if ((off_field & 0x1fff) == 0) {
		ck_put16(u, sport);
		ck_put16(u + 2, dport);
	}
	return (u);
}

/* UDP with 8 bytes of payload: ip_len 20 + 8 + 8 = 36. */
static void
udp_pkt(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
    uint16_t off_field)
{
	uint8_t *u = ports_pkt(17, src, sport, dst, dport, off_field, 16);

	if ((off_field & 0x1fff) == 0)
		ck_put16(u + 4, 16);
}

/* ICMP type/code with an 4-byte rest: ip_len 20 + 8 = 28. */
static void
icmp_pkt(uint32_t src, uint32_t dst, uint8_t type, uint16_t off_field)
{
	uint8_t *c = ip_hdr(1, src, dst, off_field, 0, 8);

	if ((off_field & 0x1fff) == 0)
		c[0] = type;
}

/*
 * A forged TCP segment: flags, seq, ack, window, optlen bytes of options
 * copied from opts (a multiple of 4), datalen bytes of data.
 */
static void
tcp_pkt(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
    const uint8_t *opts, unsigned optlen, unsigned datalen,
    uint16_t off_field)
{
	uint8_t *t = ip_hdr(6, A_10_0_0_1, A_10_0_0_2, off_field, 0,
	    20 + optlen + datalen);

	if ((off_field & 0x1fff) != 0)
		return;
	ck_put16(t, 40000);
	ck_put16(t + 2, 25);
	ck_put32(t + 4, seq);
	ck_put32(t + 8, ack);
	t[12] = (uint8_t)(((20 + optlen) / 4) << 4);
	t[13] = flags;
	ck_put16(t + 14, win);
	if (optlen > 0)
		memcpy(t + 20, opts, optlen);
}

static void
mkargs(struct ipfw_args *a, enum ipfw_dir dir, const char *rcvif,
    const char *oif)
{
	memset(a, 0, sizeof(*a));
	a->dir = dir;
	a->rcvif = rcvif;
	a->oif = oif;
	a->pkt = pkt;
	a->pkt_len = (uint32_t)pkt_len;
	a->release = 14;
	ipfw_args_dissect(a);
}

/* Verdict kind and deciding rule of one pass over the current packet. */
static struct ipfw_verdict
chk(enum ipfw_dir dir, const char *rcvif, const char *oif)
{
	struct ipfw_args a;
	struct ipfw_verdict v;

	mkargs(&a, dir, rcvif, oif);
	ipfw_chk(chain, &a, &v);
	return (v);
}

static uint64_t
pkts(uint32_t num)
{
	uint64_t p, b;

	ipfw_chain_counters(chain, num, &p, &b);
	return (p);
}

static uint64_t
bytes(uint32_t num)
{
	uint64_t p, b;

	ipfw_chain_counters(chain, num, &p, &b);
	return (b);
}

#define	EXPECT_V(v, k, num) do {					\
	ck_assert_msg((v).kind == (k), "kind %d, expected %d",		\
	    (int)(v).kind, (int)(k));					\
	ck_assert_msg((v).rulenum == (num), "rule %u, expected %u",	\
	    (v).rulenum, (unsigned)(num));				\
} while (0)

START_TEST(test_dissect)
{
	struct ipfw_args a;

	udp_pkt(A_10_0_0_1, 1234, A_192_0_2_1, 53, 0);
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	ck_assert_uint_eq(a.proto, 17);
	ck_assert_uint_eq(a.src, A_10_0_0_1);
	ck_assert_uint_eq(a.dst, A_192_0_2_1);
	ck_assert(a.has_ports);
	ck_assert_uint_eq(a.sport, 1234);
	ck_assert_uint_eq(a.dport, 53);
	ck_assert_uint_eq(a.ip_len, 36);
	ck_assert_uint_eq(a.ip_id, 0x1234);
	ck_assert_uint_eq(a.ip_ttl, 64);
	ck_assert(!a.has_ipoptions);
	ck_assert_uint_eq(a.frag_off, 0);
	ck_assert(!a.more_frags);

	/* First fragment (MF, offset 0) still has its ports. */
	udp_pkt(A_10_0_0_1, 1234, A_192_0_2_1, 53, 0x2000);
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	ck_assert(a.has_ports);
	ck_assert(a.more_frags);
	/* Offset 185 (1480 bytes): no upper-layer fields. */
	udp_pkt(A_10_0_0_1, 1234, A_192_0_2_1, 53, 185);
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	ck_assert(!a.has_ports);
	ck_assert_uint_eq(a.frag_off, 185);

	/* A UDP packet shorter than its 8-byte header: no ports. */
	udp_pkt(A_10_0_0_1, 1234, A_192_0_2_1, 53, 0);
	pkt_len = 26;
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	ck_assert(!a.has_ports);

	icmp_pkt(A_10_0_0_1, A_192_0_2_1, 8, 0);
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	ck_assert(a.has_icmp_type);
	ck_assert_uint_eq(a.icmp_type, 8);

	/* Header length 24: options present. */
	ip_hdr(17, A_10_0_0_1, A_10_0_0_2, 0, 4, 8);
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	ck_assert(a.has_ipoptions);
	ck_assert(a.has_ports);

	/* Too short for an IP header: nothing at all. */
	pkt_len = 10;
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	ck_assert_uint_eq(a.proto, 0);
}
END_TEST

/*
 * TCP: ports and th_flags from the 20-byte header ipfw_chk() pulls up
 * (sport 0xc000 = 49152, dport 0x0050 = 80, flags byte 13 = 0x12,
 * SYN|ACK); 19 bytes of it are not enough (PULLUP_TO fails: no ports).
 */
START_TEST(test_dissect_tcp)
{
	struct ipfw_args a;
	uint8_t *t = ip_hdr(6, A_10_0_0_1, A_192_0_2_1, 0, 0, 20);

	t[0] = 0xc0;
	t[1] = 0x00;
	t[2] = 0x00;
	t[3] = 0x50;
	t[12] = 0x50;		/* data offset 5 words */
	t[13] = 0x12;
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	ck_assert_uint_eq(a.proto, 6);
	ck_assert(a.has_ports);
	ck_assert_uint_eq(a.sport, 49152);
	ck_assert_uint_eq(a.dport, 80);
	ck_assert_uint_eq(a.tcp_flags, 0x12);
	pkt_len = 39;
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	ck_assert(!a.has_ports);
	ck_assert_uint_eq(a.tcp_flags, 0);
}
END_TEST

START_TEST(test_default_rule)
{
	struct ipfw_verdict v;

	/* Only the default rule: deny, or allow with default_to_accept. */
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 65535);
	ck_assert_ptr_nonnull(v.rule);
	ipfw_chain_set_default_accept(chain, true);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_PASS, 65535);
	/* Counted: 2 packets of ip_len 36 = 72 bytes. */
	ck_assert_uint_eq(pkts(65535), 2);
	ck_assert_uint_eq(bytes(65535), 72);
}
END_TEST

/*
 * A rule without options ("ip from any to any": no opcode beyond the
 * action) has no options array at all; matching it must not compute
 * NULL + 0 (UBSan's "applying zero offset to null pointer", which the
 * fuzzing of issue 12 hit).  It matches every packet.
 */
START_TEST(test_rule_without_options)
{
	gchar **argv;
	int argc, bad;
	struct ipfw_cmd *cmd;
	struct ipfw_args a;

	ck_assert(g_shell_parse_argv("add 100 count ip from any to any",
	    &argc, &argv, NULL));
	cmd = ipfw_cmd_parse_release(6, argc, argv, &bad, NULL);
	ck_assert_ptr_nonnull(cmd);
	ck_assert_uint_eq(cmd->rule->n_opts, 0);
	ck_assert_ptr_null(cmd->rule->opts);
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	ck_assert(ipfw_rule_match(cmd->rule, &a));
	ipfw_cmd_free(cmd);
	g_strfreev(argv);
}
END_TEST

static bool
is_me(const void *ctx, uint32_t addr)
{
	(void)ctx;
	return (addr == A_10_0_0_2);
}

START_TEST(test_addresses_and_proto)
{
	struct ipfw_args a;
	struct ipfw_verdict v;

	add("100 deny icmp from any to any");
	add("200 allow udp from 10.0.0.0/24 to not 10.0.0.3");
	add("300 allow ip from any to me");
	add("400 allow udp from { 192.0.2.1, 198.51.100.0/24 } to any");
	/* UDP 10.0.0.1 -> 10.0.0.2: 100 wants ICMP; 200 matches. */
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_PASS, 200);
	/* To 10.0.0.3: `not 10.0.0.3` fails; `me` needs is_me. */
	udp_pkt(A_10_0_0_1, 1, 0x0a000003u, 2, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 65535);
	/* From 198.51.100.7 (in the list's /24) to 10.0.0.3. */
	udp_pkt(0xc6336407u, 1, 0x0a000003u, 2, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_PASS, 400);
	/* ICMP from 10.0.0.1: rule 100. */
	icmp_pkt(A_10_0_0_1, A_10_0_0_2, 8, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 100);

	/* `me`: 300 matches a TCP packet to 10.0.0.2 when is_me says so. */
	ip_hdr(6, A_192_0_2_1, A_10_0_0_2, 0, 0, 20);
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	ipfw_chk(chain, &a, &v);
	EXPECT_V(v, IPFW_V_DENY, 65535);	/* no is_me: no match */
	a.is_me = is_me;
	ipfw_chk(chain, &a, &v);
	EXPECT_V(v, IPFW_V_PASS, 300);
}
END_TEST

START_TEST(test_ports_and_fragments)
{
	struct ipfw_verdict v;

	chain->cls_min_rules = 1;
	add("100 deny udp from any to any 53");
	add("200 count udp from any to any not 53");
	add("300 deny ip from any to any frag");
	add("400 allow ip from any to any");
	/* Whole datagram to 53: rule 100. */
	udp_pkt(A_10_0_0_1, 1000, A_10_0_0_2, 53, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 100);
	/* First fragment (MF, offset 0): ports apply, still rule 100. */
	udp_pkt(A_10_0_0_1, 1000, A_10_0_0_2, 53, 0x2000);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 100);
	ck_assert_uint_eq(pkts(300), 0);	/* offset 0 is not `frag` */
	/*
	 * Non-first fragment: the port test cannot apply, so 100 does not
	 * match, `not 53` does (200 counts), and `frag` (300) denies.
	 */
	udp_pkt(A_10_0_0_1, 1000, A_10_0_0_2, 53, 0x2000 | 10);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 300);
	ck_assert_uint_eq(pkts(200), 1);
	/* Last fragment (no MF, offset != 0) is `frag` too. */
	udp_pkt(A_10_0_0_1, 1000, A_10_0_0_2, 53, 20);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 300);
	/* Other port, whole: 200 counts, 400 allows. */
	udp_pkt(A_10_0_0_1, 1000, A_10_0_0_2, 54, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_PASS, 400);
	ck_assert_uint_eq(pkts(200), 3);
}
END_TEST

START_TEST(test_icmptypes)
{
	struct ipfw_verdict v;

	add("100 allow icmp from any to any icmptypes 0,8");
	add("200 deny icmp from any to any not icmptypes 0,8");
	icmp_pkt(A_10_0_0_1, A_10_0_0_2, 8, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_PASS, 100);
	icmp_pkt(A_10_0_0_1, A_10_0_0_2, 3, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 200);
	/* A non-first fragment has no type: only `not icmptypes` hits. */
	icmp_pkt(A_10_0_0_1, A_10_0_0_2, 8, 5);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 200);
}
END_TEST

START_TEST(test_interfaces)
{
	struct ipfw_verdict v;

	/* Worked case 37 of docs/spec/semantics.md: via/xmit/recv on a router. */
	add("100 count ip from any to any via em1");
	add("110 count ip from any to any xmit em1");
	add("120 count ip from any to any recv em0 out");
	add("130 count ip from any to any in");
	add("140 count ip from any to any recv em*");
	add("65534 allow ip from any to any");
	icmp_pkt(A_10_0_0_1, A_192_0_2_1, 8, 0);
	/* Request IN on em0: only `in` (130) and `recv em*` (140). */
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_PASS, 65534);
	/* Request OUT on em1, received on em0: 100, 110, 120, 140. */
	v = chk(IPFW_DIR_OUT, "em0", "em1");
	/* Reply IN on em1: via em1 (100), in (130), recv em* (140). */
	v = chk(IPFW_DIR_IN, "em1", NULL);
	/* Reply OUT on em0: recv em1 is not em0 -> 120 fails; 140 hits. */
	v = chk(IPFW_DIR_OUT, "em1", "em0");
	ck_assert_uint_eq(pkts(100), 2);
	ck_assert_uint_eq(pkts(110), 1);
	ck_assert_uint_eq(pkts(120), 1);
	ck_assert_uint_eq(pkts(130), 2);
	ck_assert_uint_eq(pkts(140), 4);
	/* A locally generated packet (no rcvif): recv never matches. */
	v = chk(IPFW_DIR_OUT, NULL, "lo0");
	ck_assert_uint_eq(pkts(140), 4);
	ck_assert_uint_eq(pkts(120), 1);
	/* xmit never matches on the inbound pass even with oif set. */
	v = chk(IPFW_DIR_IN, "em0", "em1");
	ck_assert_uint_eq(pkts(110), 1);
}
END_TEST

START_TEST(test_ip_fields)
{
	struct ipfw_verdict v;

	add("100 deny ip from any to any iplen 1-35");
	add("200 deny ip from any to any ipid 1,2,3");
	add("300 deny ip from any to any ipttl 0-10");
	add("400 deny ip from any to any iptos lowdelay");
	add("500 deny ip from any to any ipoptions rr");
	add("600 count ip from any to any ipoptions");
	add("700 allow ip from any to any");
	/* ip_len 36, id 0x1234, ttl 64, tos 0, no options: 700. */
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_PASS, 700);
	/* TTL 5: 300. */
	pkt[8] = 5;
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 300);
	/* TOS 0x10 (IPTOS_LOWDELAY): 400. */
	pkt[8] = 64;
	pkt[1] = 0x10;
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 400);
	/* id 2: 200. */
	pkt[1] = 0;
	ck_put16(pkt + 4, 2);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 200);
	/* A NOP option (type 1) + EOL: "has options" (600) but not rr;
	 * ip_len 24 + 16 = 40 stays clear of iplen 1-35. */
	ip_hdr(17, A_10_0_0_1, A_10_0_0_2, 0, 4, 16);
	pkt[20] = 1;
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_PASS, 700);
	ck_assert_uint_eq(pkts(600), 1);
	/* Record route (type 7, length 3, pointer 4): 500. */
	ip_hdr(17, A_10_0_0_1, A_10_0_0_2, 0, 4, 16);
	pkt[20] = 7;
	pkt[21] = 3;
	pkt[22] = 4;
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 500);
	/* ip_len 28 (ICMP of 8 bytes): 100. */
	icmp_pkt(A_10_0_0_1, A_10_0_0_2, 8, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 100);
}
END_TEST

START_TEST(test_skipto_forward_only)
{
	struct ipfw_verdict v;

	add("100 skipto 50 ip from any to any");
	add("100 deny ip from any to any");
	add("150 deny ip from any to any");
	add("200 skipto 300 ip from any to any");
	add("250 deny ip from any to any");
	add("300 allow ip from any to any");
	/* Start after 100 (tag): 150 denies, showing what skipto skips. */
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	/*
	 * skipto 50 from rule 100 is forced to 101 (never backwards, past
	 * the other rule 100) -> first rule >= 101 is 150: deny.
	 */
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 150);
	ck_assert_uint_eq(pkts(100), 1);	/* the skipto, not the deny */
	/* Now make 150 a skipto past 250: ends at 300. */
	ck_assert(chain->rules[2]->rulenum == 150);
	chain->rules[2]->action = IPFW_ACT_SKIPTO;
	chain->rules[2]->arg = 200;
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_PASS, 300);
	ck_assert_uint_eq(pkts(250), 0);
	ck_assert_uint_eq(pkts(200), 1);	/* skipto rules are counted */
}
END_TEST

/*
 * Release 6: 6.x lookup_next_rule() looks from the skipto's next slot for
 * the first rule numbered >= the target, so a target at or below the
 * rule's own number lands on the next slot, here the second rule 100 (a
 * deny), where 14's jump_fast() goes past every rule 100 to 150.
 */
START_TEST(test_skipto_backward_release6)
{
	struct ipfw_args a;
	struct ipfw_verdict v;

	add("100 skipto 50 ip from any to any");
	add("100 deny ip from any to any");
	add("150 allow ip from any to any");
	add("200 skipto 100 ip from any to any");
	add("200 count ip from any to any");
	add("300 allow ip from any to any");
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	a.release = 6;
	ipfw_chk(chain, &a, &v);
	EXPECT_V(v, IPFW_V_DENY, 100);
	ck_assert_ptr_eq(v.rule, chain->rules[1]);
	/* Release 14: past both rules 100. */
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_PASS, 150);
	/* A forward target is the same on both: 200 skipto 100 (backward)
	 * reached by a tag of 150: 6 -> the count at 200, then 300. */
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	a.release = 6;
	a.has_tag = true;
	a.tag = 150;
	ipfw_chk(chain, &a, &v);
	EXPECT_V(v, IPFW_V_PASS, 300);
	ck_assert_uint_eq(chain->rules[4]->packets, 1);
}
END_TEST

START_TEST(test_call_return)
{
	struct ipfw_verdict v;

	add("100 call 1000 ip from any to any");
	add("200 allow ip from any to any");
	add("1000 count ip from any to any");
	add("1100 return ip from any to any");
	/* 100 calls 1000; 1000 counts; 1100 returns after 100: 200. */
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_PASS, 200);
	ck_assert_uint_eq(pkts(100), 1);
	ck_assert_uint_eq(pkts(1000), 1);
	ck_assert_uint_eq(pkts(1100), 1);
}
END_TEST

START_TEST(test_call_overflow)
{
	struct ipfw_verdict v;

	/*
	 * 100 calls itself: 16 calls fill the stack, the 17th goes on to
	 * the next rule (pre-15).  200 returns 16 times, each to the first
	 * rule after 100 (200 itself), then with the stack empty goes on
	 * to 300.  14's O_CALLRETURN leaves before IPFW_INC_RULE_COUNTER()
	 * on both errors: the 17th call and the 17th return are not
	 * counted.
	 */
	add("100 call 100 ip from any to any");
	add("200 return ip from any to any");
	add("300 deny ip from any to any");
	ipfw_chain_set_default_accept(chain, true);
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 300);
	ck_assert_uint_eq(pkts(100), IPFW_CALLSTACK_SIZE);
	ck_assert_uint_eq(pkts(200), IPFW_CALLSTACK_SIZE);
}
END_TEST

START_TEST(test_return_empty_stack)
{
	struct ipfw_verdict v;

	/* return without call: continue with the next rule. */
	add("100 return ip from any to any");
	add("100 allow ip from any to any");
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_PASS, 100);
	ck_assert_ptr_eq(v.rule, chain->rules[1]);
	/* Not counted (O_CALLRETURN's error path skips the counter). */
	ck_assert_uint_eq(chain->rules[0]->packets, 0);
}
END_TEST

static struct ipfw_verdict
chk_tag(uint32_t tag, int release)
{
	struct ipfw_args a;
	struct ipfw_verdict v;

	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	a.has_tag = true;
	a.tag = tag;
	a.release = release;
	ipfw_chk(chain, &a, &v);
	return (v);
}

START_TEST(test_tag_reentry)
{
	struct ipfw_verdict v;

	/* Worked cases 25 and 27 of docs/spec/semantics.md. */
	add("100 divert 8000 ip from any to any");
	add("100 deny ip from any to any");
	add("200 count ip from any to any");
	add("300 tee 9000 ip from any to any");
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	/* Tag 0: the whole ruleset, the first rule 100 diverts. */
	v = chk_tag(0, 14);
	EXPECT_V(v, IPFW_V_DIVERT, 100);
	ck_assert_uint_eq(v.port, 8000);
	/* Tag 50 (no such rule): first rule above it, 100 again. */
	v = chk_tag(50, 14);
	EXPECT_V(v, IPFW_V_DIVERT, 100);
	/* Tag 100: both rules 100 are skipped; 200 counts, 300 tees. */
	v = chk_tag(100, 14);
	EXPECT_V(v, IPFW_V_TEE, 300);
	ck_assert_uint_eq(pkts(200), 1);
	/* Tag 65534: the default rule; same for 65535 on release 14. */
	v = chk_tag(65534, 14);
	EXPECT_V(v, IPFW_V_DENY, 65535);
	v = chk_tag(65535, 14);
	EXPECT_V(v, IPFW_V_DENY, 65535);
	ck_assert_uint_eq(pkts(65535), 2);
	/* With default_to_accept both pass on release 14 ... */
	ipfw_chain_set_default_accept(chain, true);
	v = chk_tag(65534, 14);
	EXPECT_V(v, IPFW_V_PASS, 65535);
	v = chk_tag(65535, 14);
	EXPECT_V(v, IPFW_V_PASS, 65535);
	/* ... and on release 6 only 65534; 65535 is DENY by no rule. */
	v = chk_tag(65534, 6);
	EXPECT_V(v, IPFW_V_PASS, 65535);
	v = chk_tag(65535, 6);
	ck_assert_int_eq(v.kind, IPFW_V_DENY);
	ck_assert_ptr_null(v.rule);
	ck_assert_uint_eq(v.rulenum, 0);
	ck_assert_uint_eq(pkts(65535), 5);	/* the 6.x DENY counts none */
	/* Release 6 otherwise re-enters like 14. */
	v = chk_tag(100, 6);
	EXPECT_V(v, IPFW_V_TEE, 300);
}
END_TEST

START_TEST(test_divert_tee_slots)
{
	struct ipfw_args a;
	struct ipfw_verdict v;

	/* Worked case 31 of docs/spec/semantics.md: tee, then an equal-numbered deny. */
	add("100 tee 8000 ip from any to any");
	add("100 deny ip from any to any");
	add("200 divert 8668 ip from any to any");
	ipfw_chain_set_default_accept(chain, true);
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_TEE, 100);
	ck_assert_uint_eq(v.port, 8000);
	ck_assert_uint_eq(v.next_slot, 1);	/* the second rule 100 */
	/* Continuing at the next slot applies the deny. */
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	a.has_slot = true;
	a.slot = v.next_slot;
	ipfw_chk(chain, &a, &v);
	EXPECT_V(v, IPFW_V_DENY, 100);
	/* Slot 2 is the divert, whose next slot is the default rule. */
	a.slot = 2;
	ipfw_chk(chain, &a, &v);
	EXPECT_V(v, IPFW_V_DIVERT, 200);
	ck_assert_uint_eq(v.port, 8668);
	ck_assert_uint_eq(v.next_slot, 3);
	ck_assert_ptr_eq(v.rule, chain->rules[2]);
}
END_TEST

START_TEST(test_reass)
{
	struct ipfw_verdict v;

	add("100 reass ip from any to any");
	add("200 allow ip from any to any");
	/* Not a fragment: reass goes on to 200 (but counts). */
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_PASS, 200);
	ck_assert_uint_eq(pkts(100), 1);
	/* A first fragment (MF): REASS, continue at slot 1 afterwards. */
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0x2000);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_REASS, 100);
	ck_assert_uint_eq(v.next_slot, 1);
	/* A fragment counts twice: 14's O_REASS increments, then the
	 * "done" block after the loop increments the same rule again. */
	ck_assert_uint_eq(pkts(100), 3);
	/* The last fragment (offset only) too. */
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 100);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_REASS, 100);
	ck_assert_uint_eq(pkts(100), 5);
}
END_TEST

START_TEST(test_reject)
{
	struct ipfw_verdict v;

	add("100 reject udp from any to any");
	add("200 unreach port icmp from any to any");
	/* UDP, offset 0: ICMP unreach host (1) goes out. */
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_REJECT, 100);
	ck_assert(v.send_icmp);
	ck_assert_uint_eq(v.icmp_code, 1);
	/* Non-first fragment: dropped silently. */
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 50);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_REJECT, 100);
	ck_assert(!v.send_icmp);
	/* ICMP echo request is a query: answered, code 3 (port). */
	icmp_pkt(A_10_0_0_1, A_10_0_0_2, 8, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_REJECT, 200);
	ck_assert(v.send_icmp);
	ck_assert_uint_eq(v.icmp_code, 3);
	/* Echo reply (0) and an error (3): no ICMP about ICMP. */
	icmp_pkt(A_10_0_0_1, A_10_0_0_2, 0, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	ck_assert(!v.send_icmp);
	icmp_pkt(A_10_0_0_1, A_10_0_0_2, 3, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	ck_assert(!v.send_icmp);
	/* Timestamp request (13) is a query. */
	icmp_pkt(A_10_0_0_1, A_10_0_0_2, 13, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	ck_assert(v.send_icmp);
}
END_TEST

static struct ipfw_verdict
chk_at(uint64_t now_ns)
{
	struct ipfw_args a;
	struct ipfw_verdict v;

	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	a.now_ns = now_ns;
	ipfw_chk(chain, &a, &v);
	return (v);
}

#define	SEC	1000000000ull

START_TEST(test_keep_state)
{
	struct ipfw_verdict v;

	add("100 check-state");
	add("200 allow udp from 10.0.0.1 to any keep-state");
	/* A -> B at t=0: 100 misses, 200 installs a state and allows. */
	udp_pkt(A_10_0_0_1, 1000, A_10_0_0_2, 53, 0);
	v = chk_at(0);
	EXPECT_V(v, IPFW_V_PASS, 200);
	/* B -> A at t=5 s: the state matches the reverse direction; the
	 * check-state runs rule 200's action (and counts rule 200). */
	udp_pkt(A_10_0_0_2, 53, A_10_0_0_1, 1000, 0);
	v = chk_at(5 * SEC);
	EXPECT_V(v, IPFW_V_PASS, 200);
	ck_assert_uint_eq(pkts(200), 2);
	ck_assert_uint_eq(pkts(100), 0);
	/* Refreshed at 5 s: alive until 15 s. */
	v = chk_at(14 * SEC);
	EXPECT_V(v, IPFW_V_PASS, 200);
	/* Another port pair is another flow: denied. */
	udp_pkt(A_10_0_0_2, 53, A_10_0_0_1, 1001, 0);
	v = chk_at(14 * SEC);
	EXPECT_V(v, IPFW_V_DENY, 65535);
	/* 10 s of silence after 14 s: expired at 24 s. */
	udp_pkt(A_10_0_0_2, 53, A_10_0_0_1, 1000, 0);
	v = chk_at(24 * SEC);
	EXPECT_V(v, IPFW_V_DENY, 65535);
}
END_TEST

START_TEST(test_keep_state_probe)
{
	struct ipfw_verdict v;

	/*
	 * Without check-state, the first keep-state rule probes the states
	 * before its own body (O_PROBE_STATE): the reply matches rule 100
	 * although its source is not 10.0.0.1.
	 */
	add("100 allow icmp from 10.0.0.1 to any keep-state");
	icmp_pkt(A_10_0_0_1, A_10_0_0_2, 8, 0);
	v = chk_at(0);
	EXPECT_V(v, IPFW_V_PASS, 100);
	icmp_pkt(A_10_0_0_2, A_10_0_0_1, 0, 0);
	v = chk_at(SEC);
	EXPECT_V(v, IPFW_V_PASS, 100);
	/* Deleting the rule removes its states. */
	ck_assert(ipfw_chain_delete(chain, (uint32_t[]){ 100 }, 1, NULL));
	v = chk_at(2 * SEC);
	EXPECT_V(v, IPFW_V_DENY, 65535);
}
END_TEST

static unsigned
count_passes(uint32_t seed, unsigned n, GString *trace)
{
	struct ipfw_chain *c = ipfw_chain_new(seed);
	struct ipfw_cmd *cmd;
	gchar *argv[] = { "add", "100", "prob", "0.5", "allow", "ip",
	    "from", "any", "to", "any", NULL };
	unsigned passes = 0;

	cmd = ipfw_cmd_parse(10, argv, NULL, NULL);
	ck_assert_ptr_nonnull(cmd);
	ck_assert(ipfw_cmd_exec(c, cmd, NULL, NULL));
	ipfw_cmd_free(cmd);
	for (unsigned i = 0; i < n; i++) {
		struct ipfw_args a;
		struct ipfw_verdict v;

		mkargs(&a, IPFW_DIR_IN, "em0", NULL);
		ipfw_chk(c, &a, &v);
		g_string_append_c(trace, v.kind == IPFW_V_PASS ? 'P' : 'D');
		passes += v.kind == IPFW_V_PASS;
	}
	ipfw_chain_free(c);
	return (passes);
}

START_TEST(test_prob_deterministic)
{
	GString *t1 = g_string_new(NULL), *t2 = g_string_new(NULL);
	GString *t3 = g_string_new(NULL);
	unsigned p;

	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	/* Same seed, same sequence of decisions. */
	p = count_passes(7, 1000, t1);
	ck_assert_uint_eq(count_passes(7, 1000, t2), p);
	ck_assert_str_eq(t1->str, t2->str);
	/* prob 0.5 over 1000 packets: within 5 sigma (~79) of 500. */
	ck_assert_msg(p > 420 && p < 580, "%u passes", p);
	/* Another seed gives another sequence. */
	count_passes(8, 1000, t3);
	ck_assert_str_ne(t1->str, t3->str);
	g_string_free(t1, TRUE);
	g_string_free(t2, TRUE);
	g_string_free(t3, TRUE);
}
END_TEST

/*
 * compile_rule() puts O_PROB first, so a prob rule draws for every packet
 * that reaches it, even one its body would not match: the draw sequence of
 * a later prob rule depends on it.  Reference: FreeBSD's order (random() <
 * prob * 0x7fffffff) replayed outside this program, with a separate
 * implementation of the project generator (xoshiro256** seeded by
 * splitmix64 from the chain's seed 42, random() the top 31 bits of an
 * output): rule 200 takes 487 of the 1000 second draws.  Had rule 100 not
 * drawn, rule 200 would take 506 (every draw its own), so the figure tells
 * the two orders apart.
 */
START_TEST(test_prob_draws_before_body)
{
	add("100 prob 0.5 count tcp from any to any");
	add("200 prob 0.5 count udp from any to any");
	add("300 allow ip from any to any");
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	for (unsigned i = 0; i < 1000; i++)
		ck_assert_int_eq(chk(IPFW_DIR_IN, "em0", NULL).kind,
		    IPFW_V_PASS);
	ck_assert_uint_eq(pkts(100), 0);
	ck_assert_uint_eq(pkts(200), 487);
	ck_assert_uint_eq(pkts(300), 1000);
}
END_TEST

/* The inline quick rejection never changes a verdict: negated and listed
 * addresses, protocol numbers and masks behave as the full match. */
START_TEST(test_prefilter_agrees)
{
	add("100 count udp from 10.0.0.0/8 to any");
	add("110 count tcp from any to any");
	add("120 count ip from not 10.0.0.1 to any");
	add("130 count ip from any to { 10.0.0.2, 10.0.0.3 }");
	add("140 count 17 from any to 10.0.0.0:255.255.255.0");
	add("150 count icmp from any to any");
	add("160 count ip from 10.0.0.1 to 10.0.0.2");
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	(void)chk(IPFW_DIR_IN, "em0", NULL);
	/* UDP 10.0.0.1 -> 10.0.0.2: */
	ck_assert_uint_eq(pkts(100), 1);	/* in 10/8 */
	ck_assert_uint_eq(pkts(110), 0);	/* not tcp */
	ck_assert_uint_eq(pkts(120), 0);	/* src is 10.0.0.1 */
	ck_assert_uint_eq(pkts(130), 1);	/* in the list */
	ck_assert_uint_eq(pkts(140), 1);	/* proto 17, dst in /24 */
	ck_assert_uint_eq(pkts(150), 0);	/* not icmp */
	ck_assert_uint_eq(pkts(160), 1);
}
END_TEST

/*
 * The TCP options, each as its opcode in ipfw_chk() decides it, on forged
 * segments; expected counts worked out from the bytes written.
 */
START_TEST(test_tcp_options)
{
	/* MSS 1460, NOP, NOP, SACK permitted: th_off 7 (28 bytes). */
	static const uint8_t syn_opts[] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2 };
	static const char *const rules[] = {
		"10 count tcp from any to any setup",
		"11 count tcp from any to any established",
		"12 count ip from any to any not established",
		"13 count tcp from any to any tcpflags syn,!ack",
		"14 count tcp from any to any tcpflags ack",
		"15 count tcp from any to any tcpoptions mss,sack",
		"16 count tcp from any to any tcpoptions !ts",
		"17 count tcp from any to any tcpoptions ts",
		"18 count tcp from any to any tcpseq 1000",
		"19 count tcp from any to any tcpack 5001",
		"20 count tcp from any to any tcpwin 65535",
		"21 count tcp from any to any tcpwin 1-2048",
		"22 count tcp from any to any tcpdatalen 0",
		"23 count tcp from any to any tcpdatalen 100",
		"24 count tcp from any to any not tcpmss 1460",
		"25 count ip from any to any ipversion 4",
		"26 count ip from any to any ipversion 6",
		"27 count ip from any to any setup proto tcp",
		"28 count ip from any to any not setup",
	};
	/* Per packet in order SYN, ACK+PSH+data, RST, UDP, TCP fragment. */
	static const uint64_t want[][2] = {
		/* rule, packets matched (of the 5) */
		{ 10, 1 },	/* the SYN only */
		{ 11, 2 },	/* ack (2nd), rst (3rd) */
		{ 12, 3 },	/* SYN, UDP, fragment */
		{ 13, 1 },
		{ 14, 1 },
		{ 15, 1 },	/* SYN has both */
		{ 16, 3 },	/* the three TCP headers lack ts */
		{ 17, 0 },
		{ 18, 1 },
		{ 19, 1 },
		{ 20, 1 },	/* SYN window 65535 */
		{ 21, 2 },	/* 1024 and 512 */
		{ 22, 2 },	/* SYN and RST carry no data */
		{ 23, 1 },
		{ 24, 3 },	/* ACK, RST, fragment: no MSS to test */
		{ 25, 5 },
		{ 26, 0 },
		{ 27, 1 },
		{ 28, 4 },
	};
	struct ipfw_chain *c14 = ipfw_chain_new(1);

	ipfw_chain_free(chain);
	chain = c14;
	for (size_t k = 0; k < G_N_ELEMENTS(rules); k++) {
		gchar *full = g_strdup_printf("-q add %s", rules[k]);
		gchar **argv;
		int argc, bad;
		GError *err = NULL;
		struct ipfw_cmd *cmd;

		ck_assert(g_shell_parse_argv(full, &argc, &argv, NULL));
		cmd = ipfw_cmd_parse_release(14, argc, argv, &bad, &err);
		ck_assert_msg(cmd != NULL, "%s: %s", full, err->message);
		ck_assert(ipfw_cmd_exec(chain, cmd, NULL, NULL));
		ipfw_cmd_free(cmd);
		g_strfreev(argv);
		g_free(full);
	}
	tcp_pkt(0x02, 1000, 0, 65535, syn_opts, 8, 0, 0);
	(void)chk(IPFW_DIR_IN, "em0", NULL);
	tcp_pkt(0x18, 1001, 5001, 1024, NULL, 0, 100, 0);
	(void)chk(IPFW_DIR_IN, "em0", NULL);
	tcp_pkt(0x04, 1101, 0, 512, NULL, 0, 0, 0);
	(void)chk(IPFW_DIR_IN, "em0", NULL);
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	(void)chk(IPFW_DIR_IN, "em0", NULL);
	/* A non-first fragment: no TCP header, no TCP option can hold. */
	tcp_pkt(0x02, 0, 0, 0, NULL, 0, 40, 0x2000 | 3);
	(void)chk(IPFW_DIR_IN, "em0", NULL);
	for (size_t k = 0; k < G_N_ELEMENTS(want); k++)
		ck_assert_msg(pkts((uint32_t)want[k][0]) == want[k][1],
		    "rule %u: %llu packets, expected %llu",
		    (unsigned)want[k][0],
		    (unsigned long long)pkts((uint32_t)want[k][0]),
		    (unsigned long long)want[k][1]);
}
END_TEST

/* Longest-prefix lookups with values (ipfw_lookup_table()). */
START_TEST(test_tables)
{
	static const char *const cmds[] = {
		"table 1 add 10.0.0.0/8",
		"table 1 add 10.1.0.0/16 7",
		"table 1 add 10.1.2.3 9",
		"add 100 count ip from table(1) to any",
		"add 110 count ip from table(1,7) to any",
		"add 120 count ip from table(1,9) to any",
		"add 130 count ip from any to not table(1)",
		"add 140 count ip from table(2) to any",
	};

	for (size_t k = 0; k < G_N_ELEMENTS(cmds); k++) {
		gchar **argv;
		int argc, bad;
		struct ipfw_cmd *cmd;

		ck_assert(g_shell_parse_argv(cmds[k], &argc, &argv, NULL));
		cmd = ipfw_cmd_parse(argc, argv, &bad, NULL);
		ck_assert_msg(cmd != NULL, "%s", cmds[k]);
		ck_assert(ipfw_cmd_exec(chain, cmd, NULL, NULL));
		ipfw_cmd_free(cmd);
		g_strfreev(argv);
	}
	/* 10.1.2.3: the /32 (value 9); 10.1.5.5: the /16 (7); 10.9.9.9:
	 * the /8 (0); 192.0.2.1 to itself: in no entry. */
	udp_pkt(0x0a010203u, 1, A_10_0_0_2, 2, 0);
	(void)chk(IPFW_DIR_IN, "em0", NULL);
	udp_pkt(0x0a010505u, 1, A_10_0_0_2, 2, 0);
	(void)chk(IPFW_DIR_IN, "em0", NULL);
	udp_pkt(0x0a090909u, 1, A_10_0_0_2, 2, 0);
	(void)chk(IPFW_DIR_IN, "em0", NULL);
	udp_pkt(A_192_0_2_1, 1, A_192_0_2_1, 2, 0);
	(void)chk(IPFW_DIR_IN, "em0", NULL);
	ck_assert_uint_eq(pkts(100), 3);
	ck_assert_uint_eq(pkts(110), 1);
	ck_assert_uint_eq(pkts(120), 1);
	ck_assert_uint_eq(pkts(130), 1);
	ck_assert_uint_eq(pkts(140), 0);	/* an empty table */
}
END_TEST

/* A host's routes for the anti-spoofing tests: 10.0.0.0/24 on em0,
 * 192.0.2.0/24 on em1, the default route by em1. */
static bool
mock_verify_path(const void *ctx, uint32_t addr, const char *ifname)
{
	const char *out = (addr & 0xffffff00u) == 0x0a000000u ? "em0" :
	    "em1";
	bool is_default = (addr & 0xffffff00u) != 0x0a000000u &&
	    (addr & 0xffffff00u) != 0xc0000200u;

	(void)ctx;
	if (ifname == NULL)
		return (!is_default);
	return (strcmp(out, ifname) == 0);
}

static bool
mock_local_net(const void *ctx, uint32_t addr)
{
	(void)ctx;
	return ((addr & 0xffffff00u) == 0x0a000000u ||
	    (addr & 0xffffff00u) == 0xc0000200u);
}

/* verrevpath, versrcreach, antispoof as ipfw_chk() decides them. */
START_TEST(test_antispoof)
{
	static const struct {
		uint32_t src;
		enum ipfw_dir dir;
		const char *rcvif;
		bool verrevpath, versrcreach, antispoof;
	} cases[] = {
		/* 10.0.0.5 in by em0, where its route goes: all hold. */
		{ 0x0a000005u, IPFW_DIR_IN, "em0", true, true, true },
		/* ...in by em1: a spoof for verrevpath and antispoof. */
		{ 0x0a000005u, IPFW_DIR_IN, "em1", false, true, false },
		/* 198.51.100.1, only the default route (em1) reaches it. */
		{ 0xc6336401u, IPFW_DIR_IN, "em1", true, false, true },
		{ 0xc6336401u, IPFW_DIR_IN, "em0", false, false, true },
		/* Outgoing packets pass verrevpath and antispoof. */
		{ 0xc6336401u, IPFW_DIR_OUT, "em0", true, false, true },
	};

	add("100 count ip from any to any verrevpath");
	add("200 count ip from any to any versrcreach");
	add("300 count ip from any to any antispoof");
	for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
		struct ipfw_args a;
		struct ipfw_verdict v;
		uint64_t p1 = pkts(100), p2 = pkts(200), p3 = pkts(300);

		udp_pkt(cases[k].src, 1, A_10_0_0_2, 2, 0);
		mkargs(&a, cases[k].dir, cases[k].rcvif,
		    cases[k].dir == IPFW_DIR_OUT ? "em1" : NULL);
		a.verify_path = mock_verify_path;
		a.is_local_net = mock_local_net;
		ipfw_chk(chain, &a, &v);
		ck_assert_msg(pkts(100) - p1 == cases[k].verrevpath,
		    "case %zu verrevpath", k);
		ck_assert_msg(pkts(200) - p2 == cases[k].versrcreach,
		    "case %zu versrcreach", k);
		ck_assert_msg(pkts(300) - p3 == cases[k].antispoof,
		    "case %zu antispoof", k);
	}
}
END_TEST

/* Set the current TCP segment's flags. */
static void
chk_tcp_flags(uint8_t flags)
{
	pkt[(pkt[0] & 0x0fu) * 4u + 13] = flags;
}

/* The current packet, answered: addresses and ports swapped. */
static void
reverse_pkt(void)
{
	uint8_t t[4];
	unsigned hl = (pkt[0] & 0x0fu) * 4u;

	memcpy(t, pkt + 12, 4);
	memcpy(pkt + 12, pkt + 16, 4);
	memcpy(pkt + 16, t, 4);
	memcpy(t, pkt + hl, 2);
	memcpy(pkt + hl, pkt + hl + 2, 2);
	memcpy(pkt + hl + 2, t, 2);
}

/* Seconds as nanoseconds. */
#define	NS(x)	((uint64_t)((x) * 1e9))

/*
 * The TCP state machine of lookup_dyn_rule(): SYN only 20 s, both SYNs
 * 300 s (one FIN too), both FINs 1 s, a RST 1 s; UDP 10 s, others 5 s.
 */
START_TEST(test_state_lifetimes)
{
	GString *out = g_string_new(NULL);
	gchar *argv[] = { "-d", "show" };
	struct ipfw_cmd *cmd;

	add("100 allow ip from any to any keep-state");
	tcp_pkt(0x02, 1, 0, 100, NULL, 0, 0, 0);	/* SYN at 0 */
	(void)chk_at(NS(0));
	ck_assert_uint_eq(ipfw_states_count(chain->states, NS(19.9)), 1);
	ck_assert_uint_eq(ipfw_states_count(chain->states, NS(20)), 0);
	reverse_pkt();					/* SYN+ACK at 1 */
	chk_tcp_flags(0x12);
	(void)chk_at(NS(1));
	ck_assert_uint_eq(ipfw_states_count(chain->states, NS(300.9)), 1);
	ck_assert_uint_eq(ipfw_states_count(chain->states, NS(301)), 0);
	/* `ipfw -d show` at 2 s: 2 packets of 40 bytes, 299 s to live, as
	 * the SYN (10.0.0.1 40000) installed it. */
	ipfw_chain_set_now(chain, NS(2));
	cmd = ipfw_cmd_parse(2, argv, NULL, NULL);
	ck_assert(ipfw_cmd_exec(chain, cmd, out, NULL));
	ipfw_cmd_free(cmd);
	ck_assert_str_eq(out->str,
	    "00100 2 80 allow ip from any to any keep-state\n"
	    "65535 0  0 deny ip from any to any\n"
	    "## Dynamic rules (1):\n"
	    "00100 2 80 (299s) STATE tcp 10.0.0.1 40000 <-> 10.0.0.2 25\n");
	chk_tcp_flags(0x11);				/* FIN from B at 2 */
	(void)chk_at(NS(2));
	ck_assert_uint_eq(ipfw_states_count(chain->states, NS(301.9)), 1);
	reverse_pkt();					/* FIN from A at 3 */
	(void)chk_at(NS(3));
	ck_assert_uint_eq(ipfw_states_count(chain->states, NS(3.9)), 1);
	ck_assert_uint_eq(ipfw_states_count(chain->states, NS(4)), 0);
	/* SYN then RST: 1 s. */
	tcp_pkt(0x02, 1, 0, 100, NULL, 0, 0, 0);
	(void)chk_at(NS(10));
	reverse_pkt();
	chk_tcp_flags(0x14);
	(void)chk_at(NS(11));
	ck_assert_uint_eq(ipfw_states_count(chain->states, NS(11.9)), 1);
	ck_assert_uint_eq(ipfw_states_count(chain->states, NS(12)), 0);
	/* UDP 10 s, ICMP (dyn_short_lifetime) 5 s. */
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	(void)chk_at(NS(20));
	icmp_pkt(A_10_0_0_1, A_10_0_0_2, 8, 0);
	(void)chk_at(NS(20));
	ck_assert_uint_eq(ipfw_states_count(chain->states, NS(24.9)), 2);
	ck_assert_uint_eq(ipfw_states_count(chain->states, NS(25)), 1);
	ck_assert_uint_eq(ipfw_states_count(chain->states, NS(30)), 0);
	g_string_free(out, TRUE);
}
END_TEST

/* limit src-addr 2: a third flow from one source is denied by the
 * rule (install_state() fails); another source, or a known flow, pass. */
START_TEST(test_limit)
{
	struct ipfw_verdict v;

	add("100 allow udp from any to any limit src-addr 2");
	add("200 deny ip from any to any");
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 53, 0);
	v = chk_at(NS(1));
	EXPECT_V(v, IPFW_V_PASS, 100);
	udp_pkt(A_10_0_0_1, 2, A_10_0_0_2, 53, 0);
	v = chk_at(NS(1));
	EXPECT_V(v, IPFW_V_PASS, 100);
	udp_pkt(A_10_0_0_1, 3, A_10_0_0_2, 53, 0);
	v = chk_at(NS(1));
	EXPECT_V(v, IPFW_V_DENY, 100);
	udp_pkt(A_192_0_2_1, 3, A_10_0_0_2, 53, 0);
	v = chk_at(NS(1));
	EXPECT_V(v, IPFW_V_PASS, 100);
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 53, 0);	/* a known flow */
	v = chk_at(NS(2));
	EXPECT_V(v, IPFW_V_PASS, 100);
	/* The states expire (10 s): room again. */
	udp_pkt(A_10_0_0_1, 3, A_10_0_0_2, 53, 0);
	v = chk_at(NS(13));
	EXPECT_V(v, IPFW_V_PASS, 100);
	ck_assert_uint_eq(pkts(200), 0);
}
END_TEST

/* tag / untag / tagged on the packet's tag list (O_TAG, O_TAGGED). */
START_TEST(test_tags)
{
	uint16_t tags[2] = { 0, 0 };
	uint8_t ntags = 0;
	struct ipfw_args a;
	struct ipfw_verdict v;

	add("100 count tag 7 udp from any to any");
	add("110 count tag 7 udp from any to any");	/* once only */
	add("120 count tag 8 udp from any to any");
	add("130 count tag 9 udp from any to any");	/* no room: lost */
	add("140 count ip from any to any tagged 7-8");
	add("150 count untag 7 ip from any to any");
	add("160 count ip from any to any tagged 7");
	add("170 count ip from any to any tagged 8,9");
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	a.tags = tags;
	a.ntags = &ntags;
	a.max_tags = 2;
	ipfw_chk(chain, &a, &v);
	ck_assert_uint_eq(pkts(140), 1);
	ck_assert_uint_eq(pkts(160), 0);
	ck_assert_uint_eq(pkts(170), 1);
	ck_assert_uint_eq(ntags, 1);
	ck_assert_uint_eq(tags[0], 8);
}
END_TEST

/* Release 14 ipfw(8) commands run on the chain, in order. */
static void
exec14(const char *const *cmds, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		gchar **argv;
		int argc, bad;
		GError *err = NULL;
		struct ipfw_cmd *cmd;

		ck_assert(g_shell_parse_argv(cmds[k], &argc, &argv, NULL));
		cmd = ipfw_cmd_parse_release(14, argc, argv, &bad, &err);
		ck_assert_msg(cmd != NULL, "%s: %s", cmds[k], err->message);
		ck_assert(ipfw_cmd_exec(chain, cmd, NULL, NULL));
		ipfw_cmd_free(cmd);
		g_strfreev(argv);
	}
}

/*
 * O_NAT and O_FORWARD_IP: nat ends the walk with the instance (the hook
 * runs ipfw_nat()) and the slot after the rule; fwd passes with its next
 * hop and port; `nat tablearg` takes the lookup's value.
 */
START_TEST(test_nat_fwd)
{
	static const char *const cmds[] = {
		"table 1 add 10.0.0.1 5",
		"add 100 nat tablearg ip from table(1) to any in",
		"add 200 fwd 192.0.2.9,3128 tcp from any to any 25",
		"add 300 nat 7 ip from any to any",
	};
	struct ipfw_verdict v;

	exec14(cmds, G_N_ELEMENTS(cmds));
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_NAT, 100);
	ck_assert_uint_eq(v.nat_id, 5);
	ck_assert_uint_eq(v.next_slot, 1);
	ck_assert_uint_eq(pkts(100), 1);
	/* Not in the table: rule 300's own instance, slot 3 after it. */
	udp_pkt(A_10_0_0_2, 2, A_10_0_0_1, 1, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_NAT, 300);
	ck_assert_uint_eq(v.nat_id, 7);
	ck_assert_uint_eq(v.next_slot, 3);
	/* TCP 10.0.0.1:40000 -> 10.0.0.2:25, going out: no table(1) match
	 * on the OUT pass for 100 (`in`), so fwd at 200. */
	tcp_pkt(0x02, 1, 0, 1024, NULL, 0, 0, 0);
	v = chk(IPFW_DIR_OUT, NULL, "em1");
	EXPECT_V(v, IPFW_V_PASS, 200);
	ck_assert(v.fwd);
	ck_assert_uint_eq(v.fwd_addr, 0xc0000209u);
	ck_assert_uint_eq(v.fwd_port, 3128);
	/* A plain pass carries no next hop. */
	udp_pkt(A_10_0_0_2, 2, A_10_0_0_1, 1, 0);
	ck_assert(!chk(IPFW_DIR_OUT, NULL, "em1").fwd);
}
END_TEST

/*
 * A fwd rule with keep-state: through the state, the next hop is set only
 * in the direction the state was made (MATCH_FORWARD); answers pass
 * without it.
 */
START_TEST(test_fwd_state_direction)
{
	struct ipfw_verdict v;

	add("100 fwd 192.0.2.9 udp from 10.0.0.1 to any keep-state");
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	v = chk_at(0);
	EXPECT_V(v, IPFW_V_PASS, 100);
	ck_assert(v.fwd);
	/* The answer finds the state going the other way. */
	udp_pkt(A_10_0_0_2, 2, A_10_0_0_1, 1, 0);
	v = chk_at(SEC);
	EXPECT_V(v, IPFW_V_PASS, 100);
	ck_assert(!v.fwd);
	/* The next packet out finds it the way it was made. */
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	v = chk_at(2 * SEC);
	EXPECT_V(v, IPFW_V_PASS, 100);
	ck_assert(v.fwd);
	ck_assert_uint_eq(v.fwd_addr, 0xc0000209u);
}
END_TEST

/*
 * Flow names (release 14): out 10.0.0.1 -> 10.0.0.2 installs a
 * `keep-state :dns` state at 300, then the reply comes back.  Rule 100 is
 * `check-state NAME`; rule 200 counts what it lets by.  The reply passes
 * at 300 either way (check-state's hit runs the parent's action; after a
 * miss for another name 300's probe looks again for :dns), and rule 200's
 * count says whether rule 100 found the state.
 */
static uint64_t
flow_names_count(const char *check_name)
{
	char *check = g_strdup_printf("add 100 check-state %s", check_name);
	const char *const cmds[] = {
		check,
		"add 200 count ip from any to any",
		"add 300 allow udp from 10.0.0.1 to any keep-state :dns",
	};
	struct ipfw_verdict v;

	ipfw_chain_flush(chain);
	exec14(cmds, G_N_ELEMENTS(cmds));
	g_free(check);
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	v = chk_at(0);
	EXPECT_V(v, IPFW_V_PASS, 300);
	udp_pkt(A_10_0_0_2, 2, A_10_0_0_1, 1, 0);
	v = chk_at(SEC);
	EXPECT_V(v, IPFW_V_PASS, 300);
	ck_assert_uint_eq(pkts(300), 2);
	return (pkts(200));
}

START_TEST(test_flow_names)
{
	/* :web misses the :dns state, 200 counts both packets. */
	ck_assert_uint_eq(flow_names_count(":web"), 2);
	/* :any and :dns find it: 200 counts only the first packet. */
	ck_assert_uint_eq(flow_names_count(":any"), 1);
	ck_assert_uint_eq(flow_names_count(":dns"), 1);
}
END_TEST

/* tablearg: the value of the rule's table lookup as divert port, skipto
 * target and tag (release 14). */
START_TEST(test_tablearg)
{
	static const char *const cmds[] = {
		"table 1 add 10.0.0.1 300",
		"table 1 add 192.0.2.0/24 8000",
		"table 2 add 10.0.0.0/8 9",
		"add 100 skipto tablearg ip from table(1) to any in",
		"add 200 count ip from any to any",
		"add 300 count tag tablearg ip from table(2) to any",
		"add 310 count ip from any to any tagged 9",
		"add 320 divert tablearg ip from any to table(1)",
		"add 330 allow ip from any to any",
	};
	uint16_t tags[4];
	uint8_t ntags = 0;
	struct ipfw_args a;
	struct ipfw_verdict v;

	exec14(cmds, G_N_ELEMENTS(cmds));
	/* 10.0.0.1 -> 192.0.2.1: 100 skips to 300 (value 300), 300 tags 9
	 * (table 2's value), 310 sees it, 320 diverts to 8000. */
	udp_pkt(A_10_0_0_1, 1, A_192_0_2_1, 2, 0);
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	a.tags = tags;
	a.ntags = &ntags;
	a.max_tags = 4;
	ipfw_chk(chain, &a, &v);
	ck_assert_uint_eq(pkts(200), 0);
	ck_assert_uint_eq(pkts(310), 1);
	EXPECT_V(v, IPFW_V_DIVERT, 320);
	ck_assert_uint_eq(v.port, 8000);
}
END_TEST

/* Or-blocks (F_OR): the block holds when one option does. */
START_TEST(test_or_blocks)
{
	add("100 count { udp or icmp } from any to any");
	add("110 count ip from { 10.0.0.1 or 192.0.2.0/24 } to any");
	add("120 count ip from any to any { recv em1 or ipttl 64 } in");
	add("130 count { tcp or 47 } from any to any");
	add("140 count ip from { not 10.0.0.1 or 10.0.0.3 } to any");
	add("150 count ip from 10.0.0.0/24{1,3-5} to any");
	add("160 count ip from 192.0.2.0/24{2} to any");
	add("170 count ip from any to any src-ip 192.0.2.0/24");
	add("180 count ip from any to any not dst-ip 10.0.0.2");
	/* UDP 10.0.0.1 (ttl 64) in on em0; ICMP 192.0.2.1 on em1. */
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	(void)chk(IPFW_DIR_IN, "em0", NULL);
	icmp_pkt(A_192_0_2_1, A_10_0_0_2, 8, 0);
	pkt[8] = 3;				/* ttl 3 */
	(void)chk(IPFW_DIR_IN, "em1", NULL);
	ck_assert_uint_eq(pkts(100), 2);
	ck_assert_uint_eq(pkts(110), 2);
	ck_assert_uint_eq(pkts(120), 2);	/* ttl 64; then em1 */
	ck_assert_uint_eq(pkts(130), 0);
	ck_assert_uint_eq(pkts(140), 1);	/* 192.0.2.1 is not 10.0.0.1 */
	ck_assert_uint_eq(pkts(150), 1);	/* 10.0.0.1: host 1 */
	ck_assert_uint_eq(pkts(160), 0);	/* 192.0.2.1: host 1, not 2 */
	ck_assert_uint_eq(pkts(170), 1);
	ck_assert_uint_eq(pkts(180), 0);	/* both go to 10.0.0.2 */
}
END_TEST

/*
 * Differential: for every rule form and packet here, a packet the quick
 * rejection (ipfw_rule_prefilter()) turns away is one the full match
 * refuses too.
 */
START_TEST(test_prefilter_differential)
{
	static const char *const rules[] = {
		"udp from 10.0.0.0/8 to any",
		"tcp from not 10.0.0.1 to 10.0.0.2 setup",
		"ip from any to { 10.0.0.2, 10.0.0.3 } established",
		"tcp from 10.0.0.1 to any tcpflags syn,!ack tcpoptions mss",
		"tcp from any to 10.0.0.2 tcpwin 0-70 tcpdatalen 0",
		"ip from 10.0.0.1 to any not setup proto tcp",
		"tcp from any to any tcpseq 1000 tcpack 0 ipversion 4",
		"icmp from 10.0.0.1 to 10.0.0.2 icmptypes 8",
		"udp from any to 192.0.2.0/24 53 // commented",
		"17 from 10.0.0.0:255.0.0.255 to any",
		"tcp from any to any not tcpmss 1460 keep-state",
		"ip from table(1) to 10.0.0.0/8",
		"udp from 10.0.0.1 to not table(2,5)",
		"{ udp or tcp } from { 10.0.0.1 or 192.0.2.0/24 } to any",
		"ip from { 10.0.0.5 or me } to { 10.0.0.2 or 10.0.0.9 }",
		"icmp from any to any { icmptypes 8 or frag }",
		"ip from 10.0.0.0/24{1,2} to 10.0.0.2",
		/* Ports, interfaces, lists, directions, state. */
		"udp from any to any 53,5353",
		"udp from any 1-1023 to any 1000-2000",
		"tcp from any 40000 to any 25,80",
		"ip from any to any via em1",
		"ip from any to any via em0",
		"ip from any to any in recv em0",
		"ip from any to any out xmit em1",
		"ip from any to any recv em0 xmit em1",
		"ip from any to any recv em*",
		"ip from any to any not via em0",
		"ip from 192.168.1.0/24,10.0.0.0/30,172.16.0.0/12 to any",
		"ip from any to 10.0.0.2,192.0.2.0/24",
		"udp from any to any 53 keep-state",
		"ip from any to any { via em9 or recv em0 }",
	};
	static const uint8_t mss[] = { 2, 4, 0x05, 0xb4 };

	for (int p = 0; p < 5 * 3; p++) {
		struct ipfw_args a;

		switch (p % 5) {
		case 0:
			tcp_pkt(0x02, 1000, 0, 65535, mss, 4, 0, 0);
			break;
		case 1:
			tcp_pkt(0x10, 1, 2, 64, NULL, 0, 0, 0);
			break;
		case 2:
			udp_pkt(A_10_0_0_1, 1, A_192_0_2_1, 53, 0);
			break;
		case 3:
			icmp_pkt(A_10_0_0_1, A_10_0_0_2, 8, 0);
			break;
		default:
			udp_pkt(A_192_0_2_1, 1, A_10_0_0_1, 2, 0x2000 | 1);
			break;
		}
		/* In on em0, out em1 forwarded from em0, out em0 local. */
		if (p / 5 == 0)
			mkargs(&a, IPFW_DIR_IN, "em0", NULL);
		else if (p / 5 == 1)
			mkargs(&a, IPFW_DIR_OUT, "em0", "em1");
		else
			mkargs(&a, IPFW_DIR_OUT, NULL, "em0");
		for (size_t k = 0; k < G_N_ELEMENTS(rules); k++) {
			gchar *full = g_strdup_printf("add allow %s",
			    rules[k]);
			gchar **argv;
			int argc, bad;
			struct ipfw_cmd *cmd;
			struct ipfw_rule *r;
			bool pf_pass;

			ck_assert(g_shell_parse_argv(full, &argc, &argv,
			    NULL));
			cmd = ipfw_cmd_parse_release(14, argc, argv, &bad,
			    NULL);
			ck_assert_msg(cmd != NULL, "%s", full);
			r = cmd->rule;
			ipfw_rule_prefilter(r);
			pf_pass = !ipfw_prefilter_rejects(r, &a);
			ck_assert_msg(pf_pass || !ipfw_rule_match(r, &a),
			    "packet %d, '%s': prefilter rejects a match", p,
			    rules[k]);
			ipfw_cmd_free(cmd);
			g_strfreev(argv);
			g_free(full);
		}
	}
}
END_TEST

/* TCP SYN between given ports, a 20-byte header and no payload. */
static void
tcp_ports_pkt(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
    uint16_t off_field)
{
	uint8_t *t = ports_pkt(6, src, sport, dst, dport, off_field, 20);

	if ((off_field & 0x1fff) == 0) {
		t[12] = 0x50;		/* th_off 5 */
		t[13] = 0x02;		/* SYN */
	}
}

/*
 * Differential test of the quick rejection against the full match: the
 * same rules of every hoisted shape (protocols, single and listed
 * addresses, negations, port lists and ranges, in/out, recv/xmit/via with
 * plain, glob and long names, keep-state and check-state) in two chains,
 * the second with every rule's quick rejection cleared, walked by the
 * same sequence of packets (protocols, addresses, ports, fragments,
 * directions, interfaces); verdicts and every counter must agree.
 */
static const char *const diff_rules[] = {
	"90 check-state",
	"100 count udp from any to any 53,5353",
	"110 count udp from any to any 1000-2000",
	"120 count tcp from any 80,443 to any",
	"130 count ip from any to any via em1",
	"140 count ip from any to any in recv em0",
	"150 count ip from any to any out xmit em1",
	"160 count ip from any to any recv em0 xmit em1",
	"170 count ip from any to any out",
	"180 count ip from any to any via em*",
	"190 count ip from any to any recv interface10",
	"200 count ip from 192.168.1.0/24,192.168.7.0/24,172.16.0.0/12 to any",
	"210 count ip from any to 10.0.0.2,10.0.0.3,10.1.0.0/16",
	"220 count ip from any to not 10.0.0.2",
	"230 count udp from any to any not 53",
	"240 count ip from any to any not via em1",
	"250 count udp from any to any 53 keep-state",
	"260 allow udp from 10.0.0.1 to any 9 keep-state",
	"270 count tcp from any to any 80 in recv em0 keep-state",
	"280 check-state",
	"290 count icmp from any to any icmptypes 8",
	"300 count udp from 10.0.0.1 1000-1100,2000 to 10.0.0.0/8 1050 out via em1",
	"310 allow tcp from any to any 80",
	"320 deny udp from any 1-1023 to any",
	"330 unreach host udp from any to any 5353 in via em0",
	/* Tables: a rule whose first table option misses is skipped; a
	 * negated one, one in an or-block or one after a lookup that may
	 * have hit is not.  Rule 400 shows the walk's tablearg. */
	"340 count ip from table(1) to any",
	"341 count udp from any to table(2,7) 53",
	"342 count ip from not table(1) to any",
	"343 count ip from { table(3) or 10.0.0.1 } to any",
	"347 count ip from { 10.0.0.1 or table(3) } to any",
	"344 count ip from table(3) to table(2)",
	"345 count ip from 10.0.0.0/8 to table(1)",
	"346 count tcp from table(4) to any",
	/* Several prefix lengths, me, prob (its draw before the body),
	 * flow names, skipto and call over skipped rules. */
	"350 count ip from 10.0.0.0/8 to 10.0.0.0/30",
	"351 count ip from 10.1.0.0/16 to any out",
	"352 count ip from me to any",
	"353 prob 0.5 count udp from any to any 9",
	"354 count tcp from any to any 80 keep-state :web",
	"355 check-state :web",
	"356 count udp from any to any 5353 keep-state :mdns",
	"357 check-state :any",
	"358 skipto 380 udp from any 1000-1100 to any",
	"360 call 390 ip from 10.0.0.0/8 to 10.1.0.0/16",
	"370 count ip from any to any out xmit em0",
	"380 count udp from any to any 6000",
	"385 skipto 400 ip from any to any",
	"390 count ip from any to any via em1",
	"395 return ip from any to any",
	"400 divert tablearg ip from 10.1.2.3 to any",
};

/* Filler before the shapes, so that the rule sets span two words. */
static const char *const diff_filler[] = {
	"deny udp from any to any 7000-7100",
	"deny ip from any to any via em7",
	"deny tcp from any 9000 to any",
	"deny ip from 172.20.0.0/16 to any",
	"deny ip from any to 198.51.100.0/24,203.0.113.0/24",
	"count ip from any to any in recv em9",
	"deny udp from 10.9.9.9 to any keep-state",
};

/* An ipfw command (release 14) on chain c. */
static void
exec_on(struct ipfw_chain *c, const char *line)
{
	gchar **argv;
	int argc, bad;
	struct ipfw_cmd *cmd;
	GError *err = NULL;

	ck_assert(g_shell_parse_argv(line, &argc, &argv, NULL));
	cmd = ipfw_cmd_parse_release(14, argc, argv, &bad, &err);
	ck_assert_msg(cmd != NULL, "'%s': %s", line, err ? err->message : "");
	ck_assert_msg(ipfw_cmd_exec(c, cmd, NULL, &err), "'%s': %s", line,
	    err ? err->message : "");
	ipfw_cmd_free(cmd);
	g_strfreev(argv);
}

static bool
diff_is_me(const void *ctx, uint32_t addr)
{
	(void)ctx;
	return (addr == 0x0a010203u || addr == 0x0a000003u);
}

START_TEST(test_prefilter_every_shape)
{
	static const uint32_t srcs[] = { A_10_0_0_1, 0xc0a80705u, 0xac140101u,
	    0x0a010203u };
	static const uint32_t dsts[] = { A_10_0_0_2, 0x0a000003u, 0x0a010505u,
	    A_192_0_2_1 };
	static const uint16_t ports[] = { 9, 53, 80, 1050, 5353, 6000 };
	static const struct { enum ipfw_dir dir; const char *rcv, *oif; }
	    ifs[] = {
		{ IPFW_DIR_IN, "em0", NULL }, { IPFW_DIR_IN, "em1", NULL },
		{ IPFW_DIR_OUT, "em0", "em1" }, { IPFW_DIR_OUT, NULL, "em1" },
		{ IPFW_DIR_OUT, "em1", "em0" }, { IPFW_DIR_IN, "interface10",
		NULL }, { IPFW_DIR_OUT, "em0", "interface1" },
		{ IPFW_DIR_OUT, "em0", NULL },
	};
	static const char *const tables[] = {
		"table 1 add 10.0.0.1 7000", "table 1 add 192.168.0.0/16 5",
		"table 2 add 10.0.0.0/8 7", "table 2 add 10.0.0.3 8",
		"table 3 add 10.1.0.0/16 8000", "table 4 add 172.20.0.0/16 1",
	};
	struct ipfw_chain *full = ipfw_chain_new(42), *quick = chain;
	/* A third chain whose fields all exceed the sets' budget: every
	 * field left out (protocols by direction only), so more rules are
	 * visited, the answers the same. */
	struct ipfw_chain *tight = ipfw_chain_new(42);
	uint64_t now = 0;
	unsigned walks = 0, nfill = G_N_ELEMENTS(diff_filler);

	tight->cls_max_words = 2;
	for (size_t i = 0; i < G_N_ELEMENTS(tables); i++) {
		exec_on(quick, tables[i]);
		exec_on(full, tables[i]);
		exec_on(tight, tables[i]);
	}
	for (unsigned i = 0; i < 70; i++) {
		gchar *line = g_strdup_printf("-q add %u %s", 10 + i,
		    diff_filler[i % nfill]);

		exec_on(quick, line);
		exec_on(full, line);
		exec_on(tight, line);
		g_free(line);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(diff_rules); i++) {
		gchar *line = g_strdup_printf("-q add %s", diff_rules[i]);

		exec_on(quick, line);
		exec_on(full, line);
		exec_on(tight, line);
		g_free(line);
	}
	ck_assert_uint_eq(full->n_rules, quick->n_rules);
	ck_assert_uint_gt(quick->n_rules, 64);
	ipfw_chain_full_match_only(full);
	/* The quick rejection is really there to be compared. */
	ck_assert(quick->rules[71]->pf_ext & IPFW_PF_PORTS);
	ck_assert_uint_eq(quick->rules[71]->pf_dport_lo, 53);
	ck_assert_uint_eq(quick->rules[71]->pf_dport_span, 5353 - 53);
	ck_assert(quick->rules[74]->pf_ext & IPFW_PF_IFACES);
	ck_assert(!(quick->rules[79]->pf_ext & IPFW_PF_IFACES)); /* glob */
	ck_assert_uint_ne(quick->rules[81]->pf_src_mask, 0);

	for (unsigned proto = 0; proto < 3; proto++)
	for (size_t s = 0; s < G_N_ELEMENTS(srcs); s++)
	for (size_t d = 0; d < G_N_ELEMENTS(dsts); d++)
	for (size_t p = 0; p < G_N_ELEMENTS(ports); p++)
	for (unsigned frag = 0; frag < 2; frag++)
	for (size_t f = 0; f < G_N_ELEMENTS(ifs); f++) {
		uint16_t off = frag ? 185 : 0;
		uint16_t sport = ports[(p + s) % G_N_ELEMENTS(ports)];
		struct ipfw_args a, b, t;
		struct ipfw_verdict va, vb, vt;

		if (proto == 0)
			udp_pkt(srcs[s], sport, dsts[d], ports[p], off);
		else if (proto == 1)
			tcp_ports_pkt(srcs[s], sport, dsts[d], ports[p], off);
		else
			icmp_pkt(srcs[s], dsts[d], (uint8_t)(p * 3), off);
		mkargs(&a, ifs[f].dir, ifs[f].rcv, ifs[f].oif);
		a.is_me = diff_is_me;
		b = a;
		a.now_ns = b.now_ns = now;
		t = b;
		now += 1000000;
		ipfw_chk(quick, &a, &va);
		ipfw_chk(full, &b, &vb);
		ipfw_chk(tight, &t, &vt);
		ck_assert_int_eq(vt.kind, vb.kind);
		ck_assert_uint_eq(vt.rulenum, vb.rulenum);
		ck_assert_uint_eq(vt.port, vb.port);
		ck_assert_int_eq(va.kind, vb.kind);
		ck_assert_uint_eq(va.rulenum, vb.rulenum);
		ck_assert_uint_eq(va.port, vb.port);
		ck_assert_uint_eq(a.tablearg, b.tablearg);
		walks++;
	}
	/* The first walked with the compiled chain, the second without. */
	ck_assert_ptr_nonnull(quick->cls);
	ck_assert_ptr_null(full->cls);
	ck_assert_ptr_nonnull(tight->cls);
	ck_assert_ptr_null(tight->cls->dport.sets);
	ck_assert_uint_eq(tight->cls->src.n, 0);
	ck_assert_ptr_null(tight->cls->ifs[2].sets);
	/* Table sets keep to the budget too: 2 words hold one table's set
	 * of 2 words, not the four tables the rules name. */
	ck_assert_uint_le((size_t)tight->cls->n_tables * tight->cls->nw, 2);
	ck_assert_uint_ge(quick->cls->n_tables, 2);
	for (unsigned i = 0; i < full->n_rules; i++) {
		ck_assert_uint_eq(tight->rules[i]->packets,
		    full->rules[i]->packets);
		ck_assert_uint_eq(quick->rules[i]->packets,
		    full->rules[i]->packets);
		ck_assert_uint_eq(quick->rules[i]->bytes,
		    full->rules[i]->bytes);
	}
	/* The walks reached the rules: states and counts happened. */
	ck_assert_uint_eq(walks, 3 * 4 * 4 * 6 * 2 * 8);
	ck_assert_uint_ne(pkts(250), 0);
	ck_assert_uint_ne(pkts(260), 0);
	ck_assert_uint_ne(pkts(270), 0);
	ck_assert_uint_ne(pkts(300), 0);
	ck_assert_uint_ne(pkts(330), 0);
	ck_assert_uint_ne(pkts(340), 0);
	ck_assert_uint_ne(pkts(341), 0);
	ck_assert_uint_ne(pkts(344), 0);
	ck_assert_uint_ne(pkts(352), 0);
	ck_assert_uint_ne(pkts(353), 0);
	ck_assert_uint_ne(pkts(358), 0);
	ck_assert_uint_ne(pkts(360), 0);
	ck_assert_uint_ne(pkts(395), 0);
	ck_assert_uint_ne(pkts(400), 0);
	ipfw_chain_free(full);
	ipfw_chain_free(tight);
}
END_TEST

/*
 * Load the same rules into quick (compiled however few they are) and into
 * a new chain walked by the full match alone, which is returned.
 */
static struct ipfw_chain *
twin_chains(struct ipfw_chain *quick, const char *const *rules, size_t n)
{
	struct ipfw_chain *full = ipfw_chain_new(42);

	quick->cls_min_rules = 1;
	for (size_t i = 0; i < n; i++) {
		exec_on(quick, rules[i]);
		exec_on(full, rules[i]);
	}
	ipfw_chain_full_match_only(full);
	return (full);
}

/*
 * The compiled walk stops visiting keep-state rules whose bodies fail
 * once the state lookup has answered for every flow name they use, not
 * before.  Rules 100 and 300 (default name) and 200 (:mdns): the reply
 * of the flow 200 allowed (10.0.0.2:5353 -> 10.0.0.1:1000) misses the
 * default name at rule 100 and must still be looked up under :mdns at
 * rule 200, whose body (to port 5353) it fails: O_PROBE_STATE finds the
 * state, rule 200 allows it.
 */
START_TEST(test_cls_flow_names)
{
	struct ipfw_chain *quick = chain, *full;
	static const char *const rules[] = {
		"-q add 100 count udp from any to any 7 keep-state",
		"-q add 200 allow udp from any to any 5353 keep-state :mdns",
		"-q add 300 count udp from any to any 8 keep-state",
		"-q add 400 deny ip from any to any",
	};
	struct ipfw_verdict v;

	full = twin_chains(quick, rules, G_N_ELEMENTS(rules));
	for (int k = 0; k < 2; k++) {
		udp_pkt(A_10_0_0_1, 1000, A_10_0_0_2, 5353, 0);
		v = chk(IPFW_DIR_IN, "em0", NULL);
		EXPECT_V(v, IPFW_V_PASS, 200);
		udp_pkt(A_10_0_0_2, 5353, A_10_0_0_1, 1000, 0);
		v = chk(IPFW_DIR_IN, "em1", NULL);
		EXPECT_V(v, IPFW_V_PASS, 200);
		ck_assert_uint_eq(pkts(200), 2);
		ck_assert_uint_eq(pkts(400), 0);
		chain = full;
	}
	chain = quick;
	ck_assert_ptr_nonnull(quick->cls);
	ipfw_chain_free(full);
}
END_TEST

/*
 * One state lookup a walk (6.x and 14 ipfw_chk(): dyn_dir keeps the first
 * probe's answer).  Three `count ... keep-state` rules: the first packet
 * misses at 100, which installs a state; 200 and 300 do not look again,
 * install nothing new and count; 400 allows.  The second packet hits the
 * state at 100 (its parent, 100, counts) and the walk goes on after 100:
 * 200 and 300 count once each, 400 allows.  Each rule counts one per
 * packet.  Looking again after an install let 300 find 100's state and
 * resume at 200, then 300 again, for ever (found by fuzz_ipfw_diff).
 */
START_TEST(test_keep_state_one_lookup)
{
	struct ipfw_chain *quick = chain, *full;
	static const char *const rules[] = {
		"-q add 100 count ip from any to any keep-state",
		"-q add 200 count ip from any to any keep-state",
		"-q add 300 count ip from any to any keep-state",
		"-q add 400 allow ip from any to any",
	};
	struct ipfw_verdict v;

	full = twin_chains(quick, rules, G_N_ELEMENTS(rules));
	for (int k = 0; k < 2; k++) {
		for (uint64_t n = 1; n <= 2; n++) {
			udp_pkt(A_10_0_0_1, 1000, A_10_0_0_2, 53, 0);
			v = chk(IPFW_DIR_IN, "em0", NULL);
			EXPECT_V(v, IPFW_V_PASS, 400);
			ck_assert_uint_eq(pkts(100), n);
			ck_assert_uint_eq(pkts(200), n);
			ck_assert_uint_eq(pkts(300), n);
			ck_assert_uint_eq(pkts(400), n);
		}
		chain = full;
	}
	chain = quick;
	ipfw_chain_free(full);
}
END_TEST

/*
 * A rule added or deleted between walks is seen by the next walk: the
 * compiled chain is rebuilt from the rules as they are then.
 */
START_TEST(test_cls_rebuilt_on_change)
{
	struct ipfw_verdict v;

	chain->cls_min_rules = 1;
	add("100 deny udp from any to any 53");
	add("200 allow ip from any to any");
	udp_pkt(A_10_0_0_1, 1000, A_10_0_0_2, 9, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_PASS, 200);
	add("150 deny udp from any to any 9 in recv em0");
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 150);
	v = chk(IPFW_DIR_IN, "em1", NULL);
	EXPECT_V(v, IPFW_V_PASS, 200);
	exec_on(chain, "-q delete 150");
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_PASS, 200);
	ck_assert_ptr_nonnull(chain->cls);
	exec_on(chain, "-q flush");
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 65535);
	/* The default rule alone is not compiled. */
	ck_assert_ptr_null(chain->cls);
}

/* A chain of a few rules is tested rule by rule, a longer one compiled. */
START_TEST(test_cls_small_chains)
{
	struct ipfw_verdict v;

	for (unsigned i = 1; i <= 7; i++) {
		gchar *line = g_strdup_printf("%u deny udp from any to any %u",
		    i * 10, 5000 + i);

		add(line);
		g_free(line);
	}
	udp_pkt(A_10_0_0_1, 1000, A_10_0_0_2, 5003, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 30);
	ck_assert_ptr_null(chain->cls);		/* 8 rules */
	add("80 deny udp from any to any 5008");
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 30);
	ck_assert_ptr_nonnull(chain->cls);	/* 9 rules */
	udp_pkt(A_10_0_0_1, 1000, A_10_0_0_2, 5008, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DENY, 80);
}
END_TEST

/*
 * A table match sets tablearg even in a rule that then fails on a later
 * option (here the destination): the quick rejection must not skip the
 * lookup.  10.0.0.1 is in table 1 with value 7000; rule 100 fails on
 * 10.9.0.0/16 after the lookup, so rule 200 diverts to port 7000.
 */
START_TEST(test_prefilter_keeps_tablearg)
{
	static const char *const cmds[] = {
		"table 1 add 10.0.0.1 7000",
		"add 100 count udp from table(1) to 10.9.0.0/16 53",
		"add 200 divert tablearg ip from any to any",
	};
	struct ipfw_verdict v;

	for (size_t k = 0; k < G_N_ELEMENTS(cmds); k++) {
		gchar **argv;
		int argc, bad;
		struct ipfw_cmd *cmd;

		ck_assert(g_shell_parse_argv(cmds[k], &argc, &argv, NULL));
		cmd = ipfw_cmd_parse_release(14, argc, argv, &bad, NULL);
		ck_assert_msg(cmd != NULL, "%s", cmds[k]);
		ck_assert(ipfw_cmd_exec(chain, cmd, NULL, NULL));
		ipfw_cmd_free(cmd);
		g_strfreev(argv);
	}
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_DIVERT, 200);
	ck_assert_uint_eq(v.port, 7000);
	ck_assert_uint_eq(pkts(100), 0);
}
END_TEST

static void
record(void *ctx, const struct ipfw_rule *rule, const struct ipfw_args *args)
{
	GString *s = ctx;

	(void)args;
	g_string_append_printf(s, "%u%s ", ipfw_rule_number(rule),
	    ipfw_rule_has_log(rule) ? "L" : "");
}

START_TEST(test_on_match_and_counters)
{
	struct ipfw_args a;
	struct ipfw_verdict v;
	GString *s = g_string_new(NULL);

	add("100 count log ip from any to any");
	add("150 deny tcp from any to any");
	add("200 skipto 400 ip from any to any");
	add("300 deny ip from any to any");
	add("400 allow log udp from any to any");
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	a.on_match = record;
	a.match_ctx = s;
	ipfw_chk(chain, &a, &v);
	EXPECT_V(v, IPFW_V_PASS, 400);
	/* Every matching rule, count and skipto included, in order. */
	ck_assert_str_eq(s->str, "100L 200 400L ");
	ipfw_chk(chain, &a, &v);
	/* Two passes of a 36-byte datagram. */
	ck_assert_uint_eq(pkts(100), 2);
	ck_assert_uint_eq(bytes(100), 72);
	ck_assert_uint_eq(pkts(200), 2);
	ck_assert_uint_eq(bytes(400), 72);
	ck_assert_uint_eq(pkts(150) + pkts(300) + pkts(65535), 0);
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_diverted)
{
	struct ipfw_args a;
	struct ipfw_verdict v;

	add("100 deny ip from any to any diverted-loopback");
	add("200 deny ip from any to any diverted-output");
	add("300 count ip from any to any diverted");
	add("400 allow ip from any to any");
	udp_pkt(A_10_0_0_1, 1, A_10_0_0_2, 2, 0);
	/* Not from a divert socket: none of them. */
	v = chk(IPFW_DIR_IN, "em0", NULL);
	EXPECT_V(v, IPFW_V_PASS, 400);
	/* Written back as incoming: diverted-loopback. */
	mkargs(&a, IPFW_DIR_IN, "em0", NULL);
	a.tag_is_divert = true;
	ipfw_chk(chain, &a, &v);
	EXPECT_V(v, IPFW_V_DENY, 100);
	/* Written back as outgoing: diverted-output. */
	mkargs(&a, IPFW_DIR_OUT, NULL, "em0");
	a.tag_is_divert = true;
	a.tag_divert_out = true;
	ipfw_chk(chain, &a, &v);
	EXPECT_V(v, IPFW_V_DENY, 200);
}
END_TEST

static Suite *
ipfw_engine_suite(void)
{
	const TTest *const tests[] = {
		test_dissect, test_dissect_tcp, test_default_rule,
		test_rule_without_options,
		test_addresses_and_proto,
		test_ports_and_fragments, test_icmptypes, test_interfaces,
		test_ip_fields, test_skipto_forward_only, test_call_return,
		test_call_overflow, test_return_empty_stack, test_tag_reentry,
		test_divert_tee_slots, test_skipto_backward_release6,
		test_reass, test_reject, test_keep_state, test_keep_state_probe,
		test_prob_deterministic, test_prob_draws_before_body,
		test_prefilter_agrees, test_on_match_and_counters,
		test_diverted, test_tcp_options, test_prefilter_differential,
		test_prefilter_every_shape, test_prefilter_keeps_tablearg,
		test_cls_flow_names, test_keep_state_one_lookup,
		test_cls_rebuilt_on_change,
		test_cls_small_chains,
		test_tables,
		test_or_blocks, test_state_lifetimes, test_antispoof,
		test_limit, test_tags, test_tablearg, test_nat_fwd,
		test_flow_names, test_fwd_state_direction,
		NULL
	};

	return (check_suite("ipfw_engine", tests, setup, teardown));
}

CHECK_MAIN(ipfw_engine_suite())

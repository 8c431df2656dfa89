/*
 * `divertsim gen`: every kind parses as a scenario with the hosts, links,
 * routes and expectations worked out by hand from the address plan
 * (link k is the k-th /30 of 10.0.0.0/8, 10.0.0.0 + 4k, its first-named host
 * the first address, the other the second) and from the
 * routing rule (shortest paths; the gateway reaching most end hosts, the
 * higher interface on a tie, becomes the default route); bad options fail
 * with status 2 and a message, writing nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "check_util.h"
#include "scenario/scn.h"
#include "gen_cli.h"
#include "scenario/scn_gen.h"
#include "scenario/scn_gen_priv.h"

#define	A(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))
/* Address x of link k (x = 0: the network): 10.0.0.0 + 4k + x. */
#define	L(k, x)		(A(10, 0, 0, 0) + 4u * (k) + (x))

struct gen_out {
	int		 rc;
	char		*out;
	char		*err;
};

/* Run `divertsim gen` with the shell words of cmd (cmd starts "gen"). */
static struct gen_out
gen(const char *cmd)
{
	struct gen_out g;
	char **argv;
	int argc;
	size_t olen, elen;
	FILE *out, *err;

	ck_assert(g_shell_parse_argv(cmd, &argc, &argv, NULL));
	out = open_memstream(&g.out, &olen);
	err = open_memstream(&g.err, &elen);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(err);
	g.rc = gen_cli_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
	g_strfreev(argv);
	return (g);
}

static void
gen_free(struct gen_out *g)
{

	free(g->out);
	free(g->err);
}

/* Generate and parse; the scenario must parse without a single error. */
static struct scenario *
gen_parse(const char *cmd, char **text)
{
	struct gen_out g = gen(cmd);
	struct scenario *s;
	unsigned nerr = 0;

	ck_assert_msg(g.rc == 0, "%s: status %d: %s", cmd, g.rc, g.err);
	ck_assert_str_eq(g.err, "");
	s = scn_parse_string("gen.scn", g.out, stderr, &nerr);
	ck_assert_msg(s != NULL && nerr == 0, "%s: %u parse errors", cmd,
	    nerr);
	if (text != NULL)
		*text = g_strdup(g.out);
	gen_free(&g);
	return (s);
}

/* The value of `expect NAME == V`; fails when there is no such line. */
static uint64_t
expect_of(const struct scenario *s, const char *name)
{

	for (guint i = 0; i < s->expects->len; i++) {
		const struct scn_expect *x = g_ptr_array_index(s->expects, i);

		if (strcmp(x->counter, name) == 0) {
			ck_assert_int_eq(x->op, SCN_EQ);
			return (x->value);
		}
	}
	ck_abort_msg("no expectation on %s", name);
	return (0);
}

static bool
has_expect(const struct scenario *s, const char *name)
{

	for (guint i = 0; i < s->expects->len; i++) {
		const struct scn_expect *x = g_ptr_array_index(s->expects, i);

		if (strcmp(x->counter, name) == 0)
			return (true);
	}
	return (false);
}

static unsigned
count_cmds(const struct scn_host *h, enum scn_host_cmd_kind kind)
{
	unsigned n = 0;

	for (guint i = 0; i < h->cmds->len; i++) {
		const struct scn_host_cmd *c = g_ptr_array_index(h->cmds, i);

		if (c->kind == kind)
			n++;
	}
	return (n);
}

/* The route of h to dst/plen; fails when there is none. */
static uint32_t
route_gw(const struct scn_host *h, uint32_t dst, uint8_t plen)
{

	for (guint i = 0; i < h->cmds->len; i++) {
		const struct scn_host_cmd *c = g_ptr_array_index(h->cmds, i);

		if (c->kind == SCN_ROUTE_ADD && c->u.route.dst == dst &&
		    c->u.route.plen == plen)
			return (c->u.route.gw);
	}
	ck_abort_msg("%s: no route to %08x/%u", h->name, dst, plen);
	return (0);
}

static uint32_t
if_addr(const struct scn_host *h, const char *ifname)
{

	for (guint i = 0; i < h->cmds->len; i++) {
		const struct scn_host_cmd *c = g_ptr_array_index(h->cmds, i);

		if (c->kind == SCN_IFCONFIG_ADDR &&
		    strcmp(c->u.ifaddr.ifname, ifname) == 0) {
			ck_assert_uint_eq(c->u.ifaddr.plen, 30);
			return (c->u.ifaddr.addr);
		}
	}
	ck_abort_msg("%s: no address on %s", h->name, ifname);
	return (0);
}

static const struct scn_host *
host(const struct scenario *s, const char *name)
{
	const struct scn_host *h = scn_find_host(s, name);

	ck_assert_msg(h != NULL, "no host %s", name);
	return (h);
}

/*
 * chain -n 3: h0 -- r1 -- r2 -- r3 -- h1, 5 hosts and 4 links: link 0
 * r1-h0, 1 r1-r2, 2 r2-r3, 3 r3-h1.  r2 diverts (every 2nd router) in and
 * out; 2 datagrams cross it, each read on input and again on output: 4
 * reads, 4 writes, and the second read of each counts a redivert: 2.
 */
START_TEST(test_chain)
{
	struct scenario *s = gen_parse("gen chain -n 3 --divert-every 2 "
	    "--count 2", NULL);
	const struct scn_host *r2 = host(s, "r2"), *h0 = host(s, "h0");
	const struct scn_at *at;

	ck_assert_uint_eq(s->hosts->len, 5);
	ck_assert_uint_eq(s->links->len, 4);
	ck_assert_uint_eq(s->ats->len, 1);
	/* h0 is .2 on link 0, its router r1 .1. */
	ck_assert_uint_eq(if_addr(h0, "em0"), L(0, 2));
	ck_assert_uint_eq(route_gw(h0, 0, 0), L(0, 1));
	/* r2: em0 on link 1 (.2), em1 on link 2 (.1). */
	ck_assert_uint_eq(if_addr(r2, "em0"), L(1, 2));
	ck_assert_uint_eq(if_addr(r2, "em1"), L(2, 1));
	/* h0's network via r1 (10.0.0.5); h1's via r3 (10.0.0.10), the tie
	 * going to the higher interface, hence the default route. */
	ck_assert_uint_eq(count_cmds(r2, SCN_ROUTE_ADD), 2);
	ck_assert_uint_eq(route_gw(r2, L(0, 0), 30), L(1, 1));
	ck_assert_uint_eq(route_gw(r2, 0, 0), L(2, 2));
	ck_assert_uint_eq(count_cmds(r2, SCN_SYSCTL), 1);
	ck_assert_uint_eq(count_cmds(r2, SCN_DIVERT), 1);
	ck_assert_uint_eq(count_cmds(host(s, "r1"), SCN_DIVERT), 0);
	/* r1 reaches h1 only through r2: a default route, nothing else. */
	ck_assert_uint_eq(count_cmds(host(s, "r1"), SCN_ROUTE_ADD), 1);
	ck_assert_uint_eq(route_gw(host(s, "r1"), 0, 0), L(1, 2));
	/* The flow: h0 to h1 (10.0.0.14, .2 on link 3) port 5000. */
	at = g_ptr_array_index(s->ats, 0);
	ck_assert_str_eq(at->host, "h0");
	ck_assert_int_eq(at->cmd->kind, SCN_SEND_UDP);
	ck_assert_uint_eq(at->cmd->u.traffic.dst, L(3, 2));
	ck_assert_uint_eq(at->cmd->u.traffic.dport, 5000);
	ck_assert_uint_eq(at->cmd->u.traffic.count, 2);
	ck_assert_uint_eq(at->t_ns, 1000000000ull);
	ck_assert_uint_eq(count_cmds(host(s, "h1"), SCN_LISTEN_UDP), 1);

	ck_assert_uint_eq(s->expects->len, 5);
	ck_assert_uint_eq(expect_of(s, "h1.udp.received"), 2);
	ck_assert_uint_eq(expect_of(s, "r2.divert.8000.read"), 4);
	ck_assert_uint_eq(expect_of(s, "r2.divert.8000.written"), 4);
	ck_assert_uint_eq(expect_of(s, "sim.rediverts"), 2);
	ck_assert_uint_eq(expect_of(s, "sim.loops"), 0);
	ck_assert(!s->has_run || s->run_until_ns == 0);
	scn_free(s);
}
END_TEST

/*
 * chain -n 70 with TTL 64: router k gets the datagram with TTL 64-(k-1),
 * so r64 gets it with TTL 1, does not forward it and sends time exceeded
 * (TTL 64) back over r63 .. r1, which reaches h0.  r10 .. r60 divert
 * (every 10th up to r64) each datagram twice and each error twice: 4
 * reads with --count 1, 2 rediverts each, 12 in all; r70 reads nothing.
 */
START_TEST(test_chain_ttl)
{
	struct scenario *s = gen_parse("gen chain -n 70 --divert-every 10 "
	    "--count 1", NULL);

	ck_assert_uint_eq(s->hosts->len, 72);
	ck_assert_uint_eq(s->links->len, 71);
	ck_assert_uint_eq(expect_of(s, "h1.udp.received"), 0);
	ck_assert_uint_eq(expect_of(s, "r64.ip.ttl_exceeded"), 1);
	ck_assert_uint_eq(expect_of(s, "h0.icmp.timxceed"), 1);
	ck_assert_uint_eq(expect_of(s, "r10.divert.8000.read"), 4);
	ck_assert_uint_eq(expect_of(s, "r60.divert.8000.read"), 4);
	ck_assert_uint_eq(expect_of(s, "r70.divert.8000.read"), 0);
	ck_assert_uint_eq(expect_of(s, "sim.rediverts"), 12);
	scn_free(s);

	/* With TTL 255 the 70 routers are crossed. */
	s = gen_parse("gen chain -n 70 --divert-every 10 --count 1 "
	    "--ttl 255", NULL);
	ck_assert_uint_eq(expect_of(s, "h1.udp.received"), 1);
	ck_assert_uint_eq(expect_of(s, "r70.divert.8000.read"), 2);
	ck_assert(!has_expect(s, "r64.ip.ttl_exceeded"));
	ck_assert_uint_eq(((const struct scn_at *)g_ptr_array_index(s->ats,
	    0))->cmd->u.traffic.ttl, 255);
	scn_free(s);
}
END_TEST

/*
 * star -n 4: hub r1 and leaves h0..h3 on links 0..3.  With 4 flows, flow f
 * goes from h(f) to h((f+2) mod 4), so each leaf receives one flow of 3
 * datagrams; r1 diverts every one once on input: 4 * 3 = 12 reads.
 */
START_TEST(test_star)
{
	struct scenario *s = gen_parse("gen star -n 4 --flows 4 "
	    "--divert-every 1 --divert-via in", NULL);
	const struct scn_at *at;

	ck_assert_uint_eq(s->hosts->len, 5);
	ck_assert_uint_eq(s->links->len, 4);
	ck_assert_uint_eq(s->ats->len, 4);
	/* Every leaf is directly connected to the hub: no routes. */
	ck_assert_uint_eq(count_cmds(host(s, "r1"), SCN_ROUTE_ADD), 0);
	at = g_ptr_array_index(s->ats, 1);
	ck_assert_str_eq(at->host, "h1");
	ck_assert_uint_eq(at->cmd->u.traffic.dst, L(3, 2));
	/* Flows start 100us apart. */
	ck_assert_uint_eq(at->t_ns, 1000100000ull);
	for (int i = 0; i < 4; i++) {
		char name[32];

		snprintf(name, sizeof(name), "h%d.udp.received", i);
		ck_assert_uint_eq(expect_of(s, name), 3);
	}
	ck_assert_uint_eq(expect_of(s, "r1.divert.8000.read"), 12);
	ck_assert_uint_eq(expect_of(s, "sim.rediverts"), 0);
	ck_assert_uint_eq(s->expects->len, 8);
	scn_free(s);
}
END_TEST

/*
 * tree -n 2 --fanout 2: r1 with children r2, r3, and leaves h0 h1 under r2,
 * h2 h3 under r3: 7 hosts, links 0 r1-r2, 1 r1-r3, 2 r2-h0, 3 r2-h1,
 * 4 r3-h2, 5 r3-h3.  r1 reaches two leaves through each child; the tie goes
 * to em1 (r3, 10.0.0.6) as default, h0's and h1's networks via r2
 * (10.0.0.2).  Flow 0 goes from h0 to h2 (M/2 = 2).
 */
START_TEST(test_tree)
{
	struct scenario *s = gen_parse("gen tree -n 2 --fanout 2", NULL);
	const struct scn_host *r1 = host(s, "r1");

	ck_assert_uint_eq(s->hosts->len, 7);
	ck_assert_uint_eq(s->links->len, 6);
	ck_assert_uint_eq(count_cmds(r1, SCN_ROUTE_ADD), 3);
	ck_assert_uint_eq(route_gw(r1, 0, 0), L(1, 2));
	ck_assert_uint_eq(route_gw(r1, L(2, 0), 30), L(0, 2));
	ck_assert_uint_eq(route_gw(r1, L(3, 0), 30), L(0, 2));
	/* r2: everything but its own leaves is up, through r1. */
	ck_assert_uint_eq(count_cmds(host(s, "r2"), SCN_ROUTE_ADD), 1);
	ck_assert_uint_eq(route_gw(host(s, "r2"), 0, 0), L(0, 1));
	ck_assert_uint_eq(expect_of(s, "h2.udp.received"), 3);
	ck_assert_uint_eq(s->expects->len, 3);	/* + rediverts, loops */
	scn_free(s);

	/* Depth 3, fanout 3: 1 + 3 + 9 routers, 27 leaves; 12 + 27 links. */
	s = gen_parse("gen tree -n 3 --fanout 3", NULL);
	ck_assert_uint_eq(s->hosts->len, 13 + 27);
	ck_assert_uint_eq(s->links->len, 12 + 27);
	scn_free(s);
}
END_TEST

/*
 * ring -n 4: links 0 r1-r2, 1 r2-r3, 2 r3-r4, 3 r4-r1, then 4 r1-h0 and
 * 5 r3-h1: r3 is two hops from r1, the farthest.  6 hosts, 6 links.
 */
START_TEST(test_ring)
{
	struct scenario *s = gen_parse("gen ring -n 4", NULL);
	const struct scn_at *at = g_ptr_array_index(s->ats, 0);

	ck_assert_uint_eq(s->hosts->len, 6);
	ck_assert_uint_eq(s->links->len, 6);
	ck_assert_uint_eq(at->cmd->u.traffic.dst, L(5, 2));
	ck_assert_uint_eq(if_addr(host(s, "r3"), "em2"), L(5, 1));
	ck_assert_uint_eq(expect_of(s, "h1.udp.received"), 3);
	scn_free(s);
}
END_TEST

/*
 * grid -n 3x2: r1 r2 r3 over r4 r5 r6; links 0 r1-r2, 1 r1-r4, 2 r2-r3,
 * 3 r2-r5, 4 r3-r6, 5 r4-r5, 6 r5-r6, 7 r1-h0, 8 r6-h1: 8 hosts, 9 links.
 * Shortest paths, first found in interface order: requests r1 r2 r3 r6,
 * replies r6 r3 r2 r1.  Diverting: r2, r4, r6.  2 requests and 2 replies
 * cross r2 and r6, each read twice: 8 reads each, 8 rediverts in all.
 */
START_TEST(test_grid)
{
	struct scenario *s = gen_parse("gen grid -n 3x2 --divert-every 2 "
	    "--proto icmp --count 2", NULL);
	const struct scn_at *at = g_ptr_array_index(s->ats, 0);

	ck_assert_uint_eq(s->hosts->len, 8);
	ck_assert_uint_eq(s->links->len, 9);
	ck_assert_int_eq(at->cmd->kind, SCN_PING);
	ck_assert_uint_eq(at->cmd->u.traffic.dst, L(8, 2));
	ck_assert_uint_eq(at->cmd->u.traffic.size, 56);
	ck_assert_uint_eq(expect_of(s, "h0.ping.received"), 2);
	ck_assert_uint_eq(expect_of(s, "h1.icmp.echo_requests"), 2);
	ck_assert_uint_eq(expect_of(s, "r2.divert.8000.read"), 8);
	ck_assert_uint_eq(expect_of(s, "r6.divert.8000.read"), 8);
	ck_assert_uint_eq(expect_of(s, "r4.divert.8000.read"), 0);
	ck_assert_uint_eq(expect_of(s, "sim.rediverts"), 8);
	ck_assert_uint_eq(s->expects->len, 10);
	/* r3 toward h0: back through r2 (10.0.0.9), its em0. */
	ck_assert_uint_eq(route_gw(host(s, "r3"), L(7, 0), 30),
	    L(2, 1));
	scn_free(s);
}
END_TEST

/*
 * random -n 10 --degree 3: 10 * 3 / 2 = 15 router links, plus two for the
 * end hosts; connected, so every datagram arrives.  The same seed gives
 * the same file; -n 4 --degree 3 is the complete graph, 6 + 2 links.
 */
START_TEST(test_random)
{
	char *a, *b, *c;
	struct scenario *s = gen_parse("gen random -n 10 --degree 3 "
	    "--seed 5", &a);

	ck_assert_uint_eq(s->hosts->len, 12);
	ck_assert_uint_eq(s->links->len, 17);
	ck_assert_uint_eq(s->seed, 5);
	ck_assert_uint_eq(expect_of(s, "h1.udp.received"), 3);
	scn_free(s);
	scn_free(gen_parse("gen random -n 10 --degree 3 --seed 5", &b));
	scn_free(gen_parse("gen random -n 10 --degree 3 --seed 6", &c));
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	g_free(a);
	g_free(b);
	g_free(c);

	s = gen_parse("gen random -n 4 --degree 3", NULL);
	ck_assert_uint_eq(s->links->len, 8);
	scn_free(s);
}
END_TEST

/* Link, traffic, ruleset and file options land where they belong. */
START_TEST(test_options)
{
	struct scenario *s = gen_parse("gen chain -n 2 --rate 10Mbps "
	    "--delay 1.5ms --mtu 576 --rules 3 --release 14 --seed 9 "
	    "--ttl 100 --proto icmp --size 100 --interval 250us --no-expect",
	    NULL);
	const struct scn_link *l = g_ptr_array_index(s->links, 1);
	const struct scn_at *at = g_ptr_array_index(s->ats, 0);

	ck_assert_uint_eq(l->rate_bps, 10000000ull);
	ck_assert_uint_eq(l->delay_ns, 1500000ull);
	ck_assert_uint_eq(l->mtu, 576);
	/* 3 count rules and the allow rule; no divert. */
	ck_assert_uint_eq(count_cmds(host(s, "r1"), SCN_IPFW), 4);
	ck_assert_uint_eq(count_cmds(host(s, "h0"), SCN_IPFW), 1);
	ck_assert_uint_eq(host(s, "r2")->release, 14);
	ck_assert_uint_eq(s->seed, 9);
	ck_assert_uint_eq(s->expects->len, 0);
	ck_assert_int_eq(at->cmd->kind, SCN_PING);
	ck_assert_uint_eq(at->cmd->u.traffic.count, 3);
	ck_assert_uint_eq(at->cmd->u.traffic.interval_ns, 250000ull);
	ck_assert_uint_eq(at->cmd->u.traffic.size, 100);
	ck_assert_uint_eq(at->cmd->u.traffic.ttl, 100);
	scn_free(s);

	/* A program the generator does not model: no expectations. */
	s = gen_parse("gen chain -n 2 --divert-every 1 --port 8668 "
	    "--program 'retag 100'", NULL);
	ck_assert_uint_eq(s->expects->len, 0);
	for (guint i = 0; i < host(s, "r1")->cmds->len; i++) {
		const struct scn_host_cmd *c =
		    g_ptr_array_index(host(s, "r1")->cmds, i);

		if (c->kind != SCN_DIVERT)
			continue;
		ck_assert_uint_eq(c->u.divert.port, 8668);
		ck_assert_str_eq(c->u.divert.program, "retag");
		ck_assert_int_eq(c->u.divert.argc, 1);
		ck_assert_str_eq(c->u.divert.argv[0], "100");
	}
	scn_free(s);

	/* drop: the first diverting router on the path reads 3 and ends
	 * them; r2 is never reached. */
	s = gen_parse("gen chain -n 2 --divert-every 1 --program drop", NULL);
	ck_assert_uint_eq(expect_of(s, "r1.divert.8000.read"), 3);
	ck_assert_uint_eq(expect_of(s, "r2.divert.8000.read"), 0);
	ck_assert_uint_eq(expect_of(s, "h1.udp.received"), 0);
	scn_free(s);
}
END_TEST

/*
 * The 1,000-host chain: 998 routers, 999 links, written and parsed well
 * under a second.  r10 .. r990 divert (99 routers, a read and a written
 * line each); TTL 64 ends the datagrams at r64, so h1 gets none.
 */
START_TEST(test_chain_1000)
{
	gint64 t0 = g_get_monotonic_time();
	struct scenario *s = gen_parse("gen chain -n 998 --divert-every 10 "
	    "--count 3", NULL);
	gint64 us = g_get_monotonic_time() - t0;

	ck_assert_uint_eq(s->hosts->len, 1000);
	ck_assert_uint_eq(s->links->len, 999);
	/* 198 divert lines + udp.received, timxceed, ttl_exceeded,
	 * rediverts, loops. */
	ck_assert_uint_eq(s->expects->len, 203);
	/* 3 datagrams and 3 errors, each read twice at r10 .. r60. */
	ck_assert_uint_eq(expect_of(s, "r60.divert.8000.read"), 12);
	ck_assert_uint_eq(expect_of(s, "r990.divert.8000.read"), 0);
	ck_assert_uint_eq(expect_of(s, "sim.rediverts"), 36);
	ck_assert_msg(us < 1000000, "took %lld us", (long long)us);
	scn_free(s);
}
END_TEST

/* Every bad option: status 2, a message on err, nothing on out. */
START_TEST(test_bad_options)
{
	static const char *const cmds[] = {
		"gen",
		"gen hexagon",
		"gen chain chain",
		"gen chain -n abc",
		"gen chain -n 0",
		"gen chain -n -3",
		"gen grid -n 3000x3000",	/* 17,994,002 links */
		"gen chain --interval 0s",
		"gen chain --program 'retag x'",
		"gen chain --program 'reinject -t'",
		"gen chain --program 'reinject -t 5'",
		"gen chain --program 'reinject -b 0'",
		"gen chain --program 'reinject extra'",
		/* The two reproducers of the issue: three link-queue drops,
		 * and 118 fragments of 552 bytes per datagram (over 16). */
		"gen grid -n 5x3 --flows 3 --count 8 --interval 100us "
		    "--size 9000",
		"gen chain --size 65000 --mtu 576",
		/* 1us apart, 7.52us each (94-byte frames at 100Mbps): h0's
		 * queue passes 100 at the 117th packet. */
		"gen chain -n 1 --count 130 --interval 1us",
		/* A 300-byte receive buffer holds two 92-byte datagrams (108
		 * bytes each with the address); both passes of each datagram
		 * queue there, served 10us each, one datagram per 10us. */
		"gen chain -n 1 --divert-every 1 --program 'reinject -b 300' "
		    "--count 4 --interval 10us",
		"gen ring -n 2",
		"gen star -n 1",
		"gen grid -n 3",
		"gen grid -n 3x",
		"gen tree --fanout 1",
		"gen tree -n 40",
		"gen random -n 4 --degree 4",
		"gen chain --divert-via sideways",
		"gen chain --count 0",
		"gen chain --count",
		"gen chain --interval 5",
		"gen chain --interval 5m",
		"gen chain --delay 1.0000000001s",
		"gen chain --rate 10",
		"gen chain --rate 0Mbps",
		"gen chain --program frobnicate",
		"gen chain --program retag",
		"gen chain --program ''",
		"gen chain --port 70000",
		"gen chain --port 0",
		"gen chain --mtu 20",
		"gen chain --ttl 0",
		"gen chain --ttl 256",
		"gen chain --size 70000",
		"gen chain --proto tcp",
		"gen chain --release 7",
		"gen chain --flows 0",
		"gen chain --bogus",
		"gen chain -x",
		"gen chain --no-expect=1",
		"gen chain --size-n 3",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++) {
		struct gen_out g = gen(cmds[i]);

		ck_assert_msg(g.rc == 2, "%s: status %d", cmds[i], g.rc);
		ck_assert_msg(strncmp(g.err, "divertsim gen: ", 15) == 0,
		    "%s: message '%s'", cmds[i], g.err);
		ck_assert_msg(g.out[0] == '\0', "%s wrote output", cmds[i]);
		gen_free(&g);
	}
}
END_TEST

START_TEST(test_help)
{
	struct gen_out g = gen("gen --help");

	ck_assert_int_eq(g.rc, 0);
	ck_assert(strstr(g.out, "usage: divertsim gen KIND") != NULL);
	ck_assert_str_eq(g.err, "");
	gen_free(&g);
	g = gen("gen chain -h");
	ck_assert_int_eq(g.rc, 0);
	ck_assert(strstr(g.out, "--divert-every") != NULL);
	gen_free(&g);
}
END_TEST

/*
 * The address plan: link k is the k-th /30 of 10.0.0.0/8, then of
 * 172.16.0.0/12, then of 192.168.0.0/16 (2^22 + 2^18 + 2^14 links).  A
 * chain of 70,000 routers (70,001 links, beyond the 65,536 of a /24 per
 * link) is written: r70000's em0 is on link 69,999, second address
 * 10.0.0.0 + 4 * 69999 + 2 = 10.4.69.190 (279,998 = 4 * 65536 + 69 * 256
 * + 190), its em1 on link 70,000, first address 10.4.69.193.
 */
START_TEST(test_address_plan)
{
	struct gen_out g;

	ck_assert_uint_eq(scn_gen_max_links(), 4472832u);
	ck_assert_uint_eq(gen_link_net(0), A(10, 0, 0, 0));
	ck_assert_uint_eq(gen_link_net(1), A(10, 0, 0, 4));
	ck_assert_uint_eq(gen_link_net(4194303), A(10, 255, 255, 252));
	ck_assert_uint_eq(gen_link_net(4194304), A(172, 16, 0, 0));
	ck_assert_uint_eq(gen_link_net(4194304 + 262143),
	    A(172, 31, 255, 252));
	ck_assert_uint_eq(gen_link_net(4194304 + 262144), A(192, 168, 0, 0));
	ck_assert_uint_eq(gen_link_net(4472831), A(192, 168, 255, 252));

	g = gen("gen chain -n 70000 --no-expect");
	ck_assert_int_eq(g.rc, 0);
	ck_assert_ptr_nonnull(strstr(g.out, "host r70000\n"
	    "  sysctl net.inet.ip.forwarding=1\n"
	    "  ifconfig em0 inet 10.4.69.190/30\n"
	    "  ifconfig em1 inet 10.4.69.193/30\n"));
	gen_free(&g);
}
END_TEST

/*
 * What a correct run can carry, at the edge: one flow of 64-byte UDP
 * payloads 1us apart, each a 94-byte frame (92 + ns-3's 2-byte PPP
 * header) taking 7.52us at 100Mbps.  The simulator drops the 117th packet
 * at h0's queue (100 packets besides the one on the wire) and none of 116,
 * so gen writes 116 and refuses 117 (in test_bad_options: 130).  --program
 * carries the divert options -t and -b onto the divert line.
 */
START_TEST(test_feasible_edges)
{
	struct scenario *s;
	struct gen_out g;
	char *text;

	s = gen_parse("gen chain -n 1 --count 116 --interval 1us", NULL);
	ck_assert_uint_eq(expect_of(s, "h1.udp.received"), 116);
	scn_free(s);
	g = gen("gen chain -n 1 --count 117 --interval 1us");
	ck_assert_int_eq(g.rc, 2);
	ck_assert_ptr_nonnull(strstr(g.err, "h0:em0 toward r1"));
	gen_free(&g);

	s = gen_parse("gen chain -n 2 --divert-every 1 --program "
	    "'reinject -t 2us  -b 4000'", &text);
	ck_assert_ptr_nonnull(strstr(text, "  divert 8000 reinject -t 2us "
	    "-b 4000\n"));
	ck_assert_uint_eq(expect_of(s, "r1.divert.8000.read"), 6);
	scn_free(s);
	g_free(text);
	/* natd's own check accepts its arguments (no expectations). */
	s = gen_parse("gen chain -n 2 --divert-every 2 --program "
	    "'natd -a 192.0.2.1'", NULL);
	scn_free(s);
}
END_TEST

static Suite *
gen_suite(void)
{
	const TTest *const tests[] = {
		test_chain, test_chain_ttl, test_star, test_tree, test_ring,
		test_grid, test_random, test_options, test_chain_1000,
		test_bad_options, test_help, test_address_plan,
		test_feasible_edges, NULL
	};

	return (check_suite("gen", tests, NULL, NULL));
}

CHECK_MAIN(gen_suite())

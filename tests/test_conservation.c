/*
 * The packet conservation audit: a run balances (frames still queued or on
 * the wire are in flight, worked out by hand below), and a packet taken out
 * of the accounting on purpose (alive but held by nothing, or freed without
 * a fate), or a frame the links cannot account for, makes the audit fail
 * with "internal error: packet conservation".  Also: the drop reasons that
 * used to be counted nowhere (if-down) or through a string side channel
 * count their counter, log their event and balance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "check_util.h"

#include <netinet/in.h>

#include "divertsim/world.h"
#include "net/host.h"
#include "net/if.h"
#include "netinet/ip_var.h"
#include "ns3/ns3_shim.h"
#include "pkt/pkt.h"
#include "scenario/scn.h"
#include "scenario/scn_audit.h"
#include "scenario/scn_build.h"
#include "sim/counters.h"

/*
 * 1 Mbps, 1 s delay, queue 7; a datagram is 20 + 8 + 64 = 92 bytes, 94
 * with PPP's header, 752 us on the wire.  20 sends 1 us apart: the first
 * starts transmitting at once, 7 fill the queue, 12 are dropped.  At 3 ms
 * transmissions began at 0, 752, 1504 and 2256 us (4 on the wire, none
 * arrived before 1 s) and 4 are still queued.
 */
static const char queue_scn[] =
    "host A\n"
    "  ifconfig em0 inet 10.0.0.1/24\n"
    "host B\n"
    "  ifconfig em0 inet 10.0.0.2/24\n"
    "  listen udp 9\n"
    "link A:em0 B:em0 rate 1Mbps delay 1s queue 7\n"
    "at 0s A send udp 10.0.0.2:9 -c 20 -i 1us\n"
    "run %s\n";

static struct scenario *scn;
static struct world *w;
static FILE *errfp, *outfp;
static char *errbuf, *outbuf;
static size_t errsize, outsize;
static uint64_t live0;

static void
setup(void)
{

	live0 = pkt_live_count();
	errfp = open_memstream(&errbuf, &errsize);
	outfp = open_memstream(&outbuf, &outsize);
}

static void
teardown(void)
{

	if (w != NULL)
		world_free(w);
	w = NULL;
	if (scn != NULL)
		scn_free(scn);
	scn = NULL;
	fclose(errfp);
	free(errbuf);
	fclose(outfp);
	free(outbuf);
	ck_assert_uint_eq(pkt_live_count(), live0);
}

/* The world of text; quiet, or with its event log in outbuf. */
static void
build_text(const char *text, bool quiet)
{
	struct run_opts o;
	unsigned nerr = 0;

	scn = scn_parse_string("audit.scn", text, stderr, &nerr);
	ck_assert_msg(scn != NULL, "did not parse:\n%s", text);
	memset(&o, 0, sizeof(o));
	o.out = outfp;
	o.errout = errfp;
	o.quiet = quiet;
	w = scn_build(scn, &o, &nerr);
	ck_assert_msg(w != NULL, "did not build:\n%s", text);
}

static void
build(const char *run_time)
{
	char *text = g_strdup_printf(queue_scn, run_time);

	build_text(text, true);
	g_free(text);
}

static uint64_t
counter(const char *name)
{
	bool exists;
	uint64_t v = counters_get(world_counters(w), name, &exists);

	ck_assert_msg(exists, "%s does not exist", name);
	return (v);
}

static void
run(void)
{
	unsigned passed;

	(void)world_run(w, &passed);
	fflush(errfp);
}

static bool
complained(const char *text)
{

	return (errbuf != NULL && strstr(errbuf, text) != NULL);
}

static bool
printed(const char *text)
{

	fflush(outfp);
	return (outbuf != NULL && strstr(outbuf, text) != NULL);
}

START_TEST(test_queue_and_wire_in_flight)
{
	struct ns3_dev_frames fa, fb;

	build("3ms");
	run();
	ck_assert(world_conserved(w));
	ck_assert_msg(!complained("internal error"), "%s", errbuf);
	ck_assert_uint_eq(counter("A.ip.sent"), 20);
	ck_assert_uint_eq(counter("A.if.em0.qdrops"), 12);
	ck_assert_uint_eq(counter("sim.created"), 20);
	ck_assert_uint_eq(counter("sim.dropped"), 12);
	ck_assert_uint_eq(counter("sim.delivered"), 0);
	ck_assert_uint_eq(counter("sim.in_flight"), 8);
	ns3_dev_frames(host_ifunit(world_host(w, "A"), "em0")->if_dev, &fa);
	ns3_dev_frames(host_ifunit(world_host(w, "B"), "em0")->if_dev, &fb);
	ck_assert_uint_eq(fa.queued, 4);
	ck_assert_uint_eq(fa.on_wire, 4);
	ck_assert_uint_eq(fb.received, 0);
	ck_assert_uint_eq(fb.queued + fb.on_wire + fb.lost, 0);
}
END_TEST

/*
 * Run to 2 s: the 8 frames sent arrived (the last began at 7 x 752 us and
 * arrives 1 s later) or were lost by B's receive error model (the
 * 0-based arrival indexes in lose), and B dropped each lost one as
 * link-lost (if.IF.ierrors): 20 created = (8 - n) delivered + (12 + n)
 * dropped, each lost frame counted once, nothing in flight.
 */
static void
check_arrivals(const uint32_t *lose, size_t n)
{
	build("2s");
	ns3_dev_set_rx_loss(host_ifunit(world_host(w, "B"), "em0")->if_dev,
	    lose, n);
	run();
	ck_assert_msg(world_conserved(w), "%s", errbuf);
	ck_assert_uint_eq(counter("B.if.em0.ierrors"), n);
	ck_assert_uint_eq(counter("B.udp.received"), 8 - n);
	ck_assert_uint_eq(counter("sim.created"), 20);
	ck_assert_uint_eq(counter("sim.delivered"), 8 - n);
	ck_assert_uint_eq(counter("sim.dropped"), 12 + n);
	ck_assert_uint_eq(counter("sim.in_flight"), 0);
}

START_TEST(test_all_arrived)
{
	check_arrivals(NULL, 0);
}
END_TEST

START_TEST(test_lost_frames_balance)
{
	static const uint32_t lose[] = { 1, 6 };

	check_arrivals(lose, G_N_ELEMENTS(lose));
}
END_TEST

/* A packet alive at the end that nothing holds: a leak. */
START_TEST(test_leak_caught)
{
	struct pkt *m;

	build("3ms");
	m = pkt_alloc(20);
	run();
	ck_assert(!world_conserved(w));
	ck_assert(complained("internal error: packet conservation"));
	ck_assert(complained("created 21 = delivered 0 + dropped 12 + "
	    "consumed 0 + in flight 8\n"));
	ck_assert(complained("1 packet alive but held by nothing"));
	pkt_free(m);
}
END_TEST

/*
 * Through the public API: the verdict, which is divertsim(1)'s exit status,
 * is 2 when the audit fails, and PASS for the same world without the leak.
 */
START_TEST(test_leak_fails_the_verdict)
{
	struct divertsim_options o;
	struct divertsim_world *dw;
	char *text = g_strdup_printf(queue_scn, "3ms");
	struct pkt *m;

	divertsim_options_init(&o);
	o.out = outfp;
	o.errout = errfp;
	o.quiet = true;
	dw = divertsim_world_load_string("audit.scn", text, &o, NULL);
	ck_assert_ptr_nonnull(dw);
	ck_assert_int_eq(divertsim_world_run(dw), DIVERTSIM_PASS);
	divertsim_world_free(dw);

	dw = divertsim_world_load_string("audit.scn", text, &o, NULL);
	ck_assert_ptr_nonnull(dw);
	m = pkt_alloc(20);
	ck_assert_int_eq(divertsim_world_run(dw), DIVERTSIM_SCENARIO_ERROR);
	fflush(errfp);
	ck_assert(complained("internal error: packet conservation"));
	pkt_free(m);
	divertsim_world_free(dw);
	g_free(text);
}
END_TEST

/* A packet freed without a fate (pkt_free on a run's path). */
START_TEST(test_unaccounted_free_caught)
{
	build("3ms");
	pkt_free(pkt_alloc(20));
	run();
	ck_assert(!world_conserved(w));
	ck_assert(complained("internal error: packet conservation"));
	ck_assert(complained("1 packet freed without a fate"));
}
END_TEST

/* The same packet held by a known holder balances. */
START_TEST(test_held_packet_balances)
{
	struct pkt *m;

	build("3ms");
	m = pkt_alloc(20);
	pkt_hold(m, PKT_HELD_EVENT);
	run();
	ck_assert(world_conserved(w));
	ck_assert_uint_eq(counter("sim.in_flight"), 9);
	pkt_free(m);
}
END_TEST

/* Frames the links cannot account for: one handed over, none seen. */
START_TEST(test_link_mismatch_caught)
{
	struct pkt_acct a;
	struct ns3_dev_frames links;
	struct conservation c;

	memset(&a, 0, sizeof(a));
	memset(&links, 0, sizeof(links));
	a.created = 1;
	a.fate[PKT_FATE_LINK] = 1;
	conservation_compute(&a, &links, &c);
	ck_assert(!c.ok);
	conservation_complain(&c, errfp);
	fflush(errfp);
	ck_assert(complained("1 handed to links, but ns-3 counts 0 received "
	    "or lost + 0 queued + 0 on the wire"));
	/* The same frame on the wire balances. */
	links.on_wire = 1;
	conservation_compute(&a, &links, &c);
	ck_assert(c.ok);
	ck_assert_uint_eq(c.in_flight, 1);
	/* Received at the far end and delivered there: created once. */
	memset(&links, 0, sizeof(links));
	links.received = 1;
	a.created = 2;
	a.fate[PKT_FATE_DELIVERED] = 1;
	conservation_compute(&a, &links, &c);
	ck_assert(c.ok);
	ck_assert_uint_eq(c.created, 1);
	ck_assert_uint_eq(c.delivered, 1);
}
END_TEST

/* ---- reasons that had no enum value ------------------------------------ */

static const char pair_scn[] =
    "host A\n"
    "  ifconfig em0 inet 10.0.0.1/24\n"
    "host B\n"
    "  ifconfig em0 inet 10.0.0.2/24\n"
    "link A:em0 B:em0\n"
    "run 1ms\n";

/* A datagram from A arriving on B's em0, header checksum right. */
static struct pkt *
arrive(uint32_t dst, uint8_t proto, const uint8_t *pl, uint32_t plen)
{
	struct pkt *m = pkt_alloc(20 + plen);
	uint8_t *p = m->data;

	memset(p, 0, 20);
	p[0] = 0x45;
	ck_put16(p + 2, (uint16_t)(20 + plen));
	p[8] = 64;
	p[9] = proto;
	ck_put32(p + 12, 0x0a000001);		/* 10.0.0.1 */
	ck_put32(p + 16, dst);
	ck_put16(p + 10, (uint16_t)~ck_cksum_fold(ck_cksum_add(0, p, 20)));
	memcpy(p + 20, pl, plen);
	m->rcvif = host_ifunit(world_host(w, "B"), "em0");
	return (m);
}

/*
 * 4 bytes of UDP (udps_hdrops), a UDP length of 4 (uh_ulen < 8:
 * udps_badlen), 4 bytes of ICMP (icps_tooshort), a multicast destination
 * (ips_notmember), and a send from A on an interface given an address but
 * no link (the scenario language refuses one, so the test adds it): five
 * packets created, five drops, each counted under its counter with its
 * event.
 */
START_TEST(test_drops_counted_and_balanced)
{
	uint8_t pl[8] = { 0, 7, 0, 9, 0, 4, 0, 0 };
	struct host *a, *b;
	struct ifnet *em1;

	build_text(pair_scn, false);
	a = world_host(w, "A");
	b = world_host(w, "B");
	em1 = host_if_get_or_create(a, "em1");
	ck_assert(if_add_addr(em1, 0x0a010001, 24, false));	/* 10.1.0.1 */
	ck_assert_int_eq(ip_send(a, 0, 0x0a010002, IPPROTO_UDP, 64, 0, false,
	    pl, sizeof(pl)), 0);
	ip_input(b, arrive(0x0a000002, IPPROTO_UDP, pl, 4));
	ip_input(b, arrive(0x0a000002, IPPROTO_UDP, pl, 8));
	ip_input(b, arrive(0x0a000002, IPPROTO_ICMP, pl, 4));
	ip_input(b, arrive(0xe0000005, IPPROTO_UDP, pl, 8));
	run();
	ck_assert_uint_eq(counter("B.udp.hdrops"), 1);
	ck_assert_uint_eq(counter("B.udp.badlen"), 1);
	ck_assert_uint_eq(counter("B.icmp.tooshort"), 1);
	ck_assert_uint_eq(counter("B.ip.notmember"), 1);
	ck_assert_uint_eq(counter("A.if.em1.downdrops"), 1);
	ck_assert(printed("drop udp-tooshort em0: "));
	ck_assert(printed("drop udp-badlen em0: "));
	ck_assert(printed("drop icmp-tooshort em0: "));
	ck_assert(printed("drop not-member em0: "));
	ck_assert(printed("drop if-down em1: "));
	ck_assert(world_conserved(w));
	ck_assert_uint_eq(counter("sim.created"), 5);
	ck_assert_uint_eq(counter("sim.dropped"), 5);
	ck_assert_uint_eq(counter("sim.in_flight"), 0);
}
END_TEST

static Suite *
conservation_suite(void)
{
	const TTest *const tests[] = {
		test_queue_and_wire_in_flight, test_all_arrived,
		test_lost_frames_balance,
		test_leak_caught, test_leak_fails_the_verdict,
		test_unaccounted_free_caught,
		test_held_packet_balances, test_link_mismatch_caught,
		test_drops_counted_and_balanced, NULL
	};

	return (check_suite("conservation", tests, setup, teardown));
}

CHECK_MAIN(conservation_suite())

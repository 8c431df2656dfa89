/*
 * ip_reass(): consume-or-complete reassembly with FreeBSD's overlap policy,
 * the 30 s timeout (silent: no ICMP time exceeded, as 6.x ip_freef() and
 * 14's ipq_timeout()), and the limits.  Each case forges fragments from
 * 10.0.0.2 to the host (10.0.0.1 on em0) and calls ip_reass() directly;
 * what the host sends (ICMP errors) is caught by the interface tap.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "check_util.h"
#include "fixture.h"
#include "net/host.h"
#include "net/if.h"
#include "netinet/ip_var.h"
#include "ns3/ns3_shim.h"
#include "pkt/pkt.h"
#include "sim/counters.h"
#include "sim/events.h"
#include "sim/sim_ctx.h"
#include "sim/sim_sched.h"
#include "wire/wire_icmp.h"
#include "wire/wire_ip.h"

#define	PEER	0x0a000002u	/* 10.0.0.2 */
#define	SELF	0x0a000001u	/* 10.0.0.1 */

static struct host *h;
static struct ifnet *em0;

static void
setup(void)
{

	fx_init();
	/* No firewall: ipfw's default deny would stop the ICMP errors. */
	h = fx_host("h", RELEASE_14, FX_FW_OFF);
	em0 = fx_if(h, "em0", SELF, 24);
}

/*
 * A UDP fragment PEER -> SELF on em0 (see fx_frag()); rulenum tags fw_ref
 * so the test can see whose metadata the result carries.
 */
static struct pkt *
frag(uint16_t id, uint32_t off, uint32_t len, bool mf, int fill,
    uint32_t rulenum)
{
	struct pkt *m;

	m = fx_frag(em0, PEER, SELF, IPPROTO_UDP, id, off, len, mf, fill);
	m->fw_ref.rulenum = rulenum;
	m->fw_ref.info = IPFW_REF_VALID;
	return (m);
}

/* Check r is the whole datagram of total payload len with the pattern. */
static void
expect_datagram(const struct pkt *r, uint16_t id, uint32_t len)
{

	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->len, 20 + len);
	ck_assert_int_eq(ip_check_len(r->data, r->len), IP_CHECK_OK);
	ck_assert_uint_eq(ip_get_len_bytes(r->data), 20 + len);
	/* MF and offset cleared; the header checksum recomputed. */
	ck_assert_uint_eq(ip_get_off_field(r->data), 0);
	ck_assert(ip_sum_ok(r->data));
	ck_assert_uint_eq(ip_get_id(r->data), id);
	ck_assert_uint_eq(ip_get_src(r->data), PEER);
	ck_assert_uint_eq(ip_get_dst(r->data), SELF);
	ck_assert_uint_eq(ip_get_proto(r->data), IPPROTO_UDP);
	for (uint32_t k = 0; k < len; k++)
		ck_assert_msg(r->data[20 + k] == fx_pattern(k), "byte %u", k);
}

/*
 * In order: 3000 payload bytes as 1480 + 1480 + 40 (an MTU of 1500).
 * The first two are kept (NULL), the third returns the datagram, with
 * the lineage of the offset-0 fragment and the fw_ref/rcvif of the third.
 * No timer may fire afterwards.
 */
START_TEST(test_in_order)
{
	struct pkt *f0, *r;
	uint64_t lin0;

	f0 = frag(4242, 0, 1480, true, -1, 100);
	lin0 = f0->lineage;
	ck_assert_ptr_null(ip_reass(h, f0));
	ck_assert_uint_eq(ip_reass_queued(h->reass), 1);
	ck_assert_ptr_null(ip_reass(h, frag(4242, 1480, 1480, true, -1, 200)));
	ck_assert_uint_eq(ip_reass_queued(h->reass), 2);
	r = ip_reass(h, frag(4242, 2960, 40, false, -1, 300));
	expect_datagram(r, 4242, 3000);
	ck_assert_uint_eq(r->lineage, lin0);
	ck_assert_uint_eq(r->fw_ref.rulenum, 300);
	ck_assert_ptr_eq(r->rcvif, em0);
	ck_assert_uint_eq(ip_reass_queued(h->reass), 0);
	ck_assert_uint_eq(h->ipstat.fragments, 3);
	ck_assert_uint_eq(h->ipstat.reassembled, 1);
	/* The completion is logged (an event this file adds). */
	ck_assert(fx_log_has("reassembled 3 fragments into len 3020"));
	pkt_free(r);

	/* The timer of the finished queue does nothing. */
	fx_run_to(40 * SIM_NS_PER_S);
	ck_assert_uint_eq(fx_sent->len, 0);
	ck_assert_uint_eq(h->ipstat.fragtimeout, 0);
	ck_assert_uint_eq(h->ipstat.fragdropped, 0);
}
END_TEST

/* Reversed (last first): the offset-0 fragment completes it. */
START_TEST(test_reversed)
{
	struct pkt *r;

	ck_assert_ptr_null(ip_reass(h, frag(7, 2960, 40, false, -1, 1)));
	ck_assert_ptr_null(ip_reass(h, frag(7, 1480, 1480, true, -1, 2)));
	r = ip_reass(h, frag(7, 0, 1480, true, -1, 3));
	expect_datagram(r, 7, 3000);
	ck_assert_uint_eq(r->fw_ref.rulenum, 3);
	ck_assert_uint_eq(h->ipstat.reassembled, 1);
	pkt_free(r);
}
END_TEST

/*
 * Middle fragment last: the datagram has the offset-0 fragment's lineage
 * but the completing (middle) fragment's fw_ref; two interleaved
 * datagrams with different ids stay apart (queues keyed by id).
 */
START_TEST(test_any_order_two_queues)
{
	struct pkt *f0, *r;
	uint64_t lin0;

	ck_assert_ptr_null(ip_reass(h, frag(1, 16, 8, false, -1, 11)));
	f0 = frag(1, 0, 8, true, -1, 12);
	lin0 = f0->lineage;
	ck_assert_ptr_null(ip_reass(h, f0));
	ck_assert_ptr_null(ip_reass(h, frag(2, 0, 8, true, -1, 21)));
	r = ip_reass(h, frag(2, 8, 8, false, -1, 22));	/* id 2 done */
	expect_datagram(r, 2, 16);
	ck_assert_uint_eq(h->ipstat.reassembled, 1);
	pkt_free(r);
	r = ip_reass(h, frag(1, 8, 8, true, -1, 13));
	expect_datagram(r, 1, 24);
	ck_assert_uint_eq(r->lineage, lin0);
	ck_assert_uint_eq(r->fw_ref.rulenum, 13);
	ck_assert_uint_eq(h->ipstat.reassembled, 2);
	ck_assert_uint_eq(ip_reass_queued(h->reass), 0);
	pkt_free(r);
}
END_TEST

/*
 * Duplicates: a second copy of a queued fragment is entirely covered by
 * the one before it and dropped (ip.fragdropped 1, FreeBSD's dropfrag);
 * the datagram carries the first copy's bytes.
 */
START_TEST(test_duplicate)
{
	struct pkt *r;

	ck_assert_ptr_null(ip_reass(h, frag(9, 0, 16, true, 'A', 0)));
	ck_assert_ptr_null(ip_reass(h, frag(9, 0, 16, true, 'B', 0)));
	ck_assert_uint_eq(h->ipstat.fragdropped, 1);
	ck_assert_uint_eq(ip_reass_queued(h->reass), 1);
	ck_assert_ptr_null(ip_reass(h, frag(9, 16, 8, true, 'C', 0)));
	ck_assert_ptr_null(ip_reass(h, frag(9, 16, 8, true, 'D', 0)));
	ck_assert_uint_eq(h->ipstat.fragdropped, 2);
	r = ip_reass(h, frag(9, 24, 4, false, 'E', 0));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->len, 20 + 28);
	for (int k = 0; k < 16; k++)
		ck_assert_uint_eq(r->data[20 + k], 'A');
	for (int k = 16; k < 24; k++)
		ck_assert_uint_eq(r->data[20 + k], 'C');
	for (int k = 24; k < 28; k++)
		ck_assert_uint_eq(r->data[20 + k], 'E');
	ck_assert_uint_eq(h->ipstat.fragments, 5);
	pkt_free(r);
}
END_TEST

/*
 * Overlaps, ip_reass()'s policy: (1) data queued before the new fragment
 * wins, the new one's front is trimmed; (2) the new fragment wins over
 * the front of the fragment after it; (3) a queued fragment the new one
 * covers entirely is dropped.
 */
START_TEST(test_overlap)
{
	struct pkt *r;

	/* (1) X [0,16) then Y [8,24) last: Y loses [8,16) to X. */
	ck_assert_ptr_null(ip_reass(h, frag(1, 0, 16, true, 'X', 0)));
	r = ip_reass(h, frag(1, 8, 16, false, 'Y', 0));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->len, 20 + 24);
	for (int k = 0; k < 16; k++)
		ck_assert_uint_eq(r->data[20 + k], 'X');
	for (int k = 16; k < 24; k++)
		ck_assert_uint_eq(r->data[20 + k], 'Y');
	ck_assert_uint_eq(h->ipstat.fragdropped, 0);
	pkt_free(r);

	/* (2) P [0,8) and Z [16,32) last queued; Q [8,24) arrives: Z's
	 * front [16,24) is trimmed, Q's bytes fill 8..24. */
	ck_assert_ptr_null(ip_reass(h, frag(2, 0, 8, true, 'P', 0)));
	ck_assert_ptr_null(ip_reass(h, frag(2, 16, 16, false, 'Z', 0)));
	r = ip_reass(h, frag(2, 8, 16, true, 'Q', 0));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->len, 20 + 32);
	for (int k = 0; k < 8; k++)
		ck_assert_uint_eq(r->data[20 + k], 'P');
	for (int k = 8; k < 24; k++)
		ck_assert_uint_eq(r->data[20 + k], 'Q');
	for (int k = 24; k < 32; k++)
		ck_assert_uint_eq(r->data[20 + k], 'Z');
	ck_assert_uint_eq(h->ipstat.fragdropped, 0);
	pkt_free(r);

	/* (3) W [8,16) queued, V [0,24) covers it: W dropped; L [24,32). */
	ck_assert_ptr_null(ip_reass(h, frag(3, 8, 8, true, 'W', 0)));
	ck_assert_ptr_null(ip_reass(h, frag(3, 0, 24, true, 'V', 0)));
	ck_assert_uint_eq(h->ipstat.fragdropped, 1);
	ck_assert_uint_eq(ip_reass_queued(h->reass), 1);
	r = ip_reass(h, frag(3, 24, 8, false, 'L', 0));
	ck_assert_ptr_nonnull(r);
	for (int k = 0; k < 24; k++)
		ck_assert_uint_eq(r->data[20 + k], 'V');
	for (int k = 24; k < 32; k++)
		ck_assert_uint_eq(r->data[20 + k], 'L');
	pkt_free(r);
	ck_assert_uint_eq(h->ipstat.reassembled, 3);
}
END_TEST

/*
 * Lost middle fragment, offset 0 present: nothing until 30 s after the
 * first fragment arrived (IPFRAGTTL_NS), then both fragments dropped as
 * ip.fragtimeout, and no ICMP at all: 6.x ip_slowtimo()/ip_freef() and
 * 14's ipq_timeout() only free the queue and count ips_fragtimeout.
 */
START_TEST(test_timeout_icmp)
{

	fx_run_to(1 * SIM_NS_PER_S);
	ck_assert_ptr_null(ip_reass(h, frag(77, 0, 1480, true, -1, 0)));
	fx_run_to(5 * SIM_NS_PER_S);
	ck_assert_ptr_null(ip_reass(h, frag(77, 2960, 40, false, -1, 0)));
	/* 1 s + 30 s = 31 s: still queued just before. */
	fx_run_to(31 * SIM_NS_PER_S - 1);
	ck_assert_uint_eq(ip_reass_queued(h->reass), 2);
	fx_run_to(31 * SIM_NS_PER_S + 1);
	ck_assert_uint_eq(ip_reass_queued(h->reass), 0);
	ck_assert_uint_eq(h->ipstat.fragtimeout, 2);
	ck_assert_uint_eq(fx_sent->len, 0);
	ck_assert_uint_eq(h->icmpstat.errors_sent, 0);
}
END_TEST

/* Offset 0 never arrived: the queue times out silently too. */
START_TEST(test_timeout_no_first)
{

	ck_assert_ptr_null(ip_reass(h, frag(78, 1480, 1480, true, -1, 0)));
	ck_assert_ptr_null(ip_reass(h, frag(78, 2960, 40, false, -1, 0)));
	fx_run_to(31 * SIM_NS_PER_S);
	ck_assert_uint_eq(ip_reass_queued(h->reass), 0);
	ck_assert_uint_eq(h->ipstat.fragtimeout, 2);
	ck_assert_uint_eq(fx_sent->len, 0);
}
END_TEST

/*
 * Limits: IP_MAXFRAGS fragments queued per host (each the first
 * fragment of its own datagram), the next one dropped as
 * DROP_FRAG_OVERFLOW (ip.fragdropped) though still counted in
 * ip.fragments; freeing the host counts the queued ones as fragdropped.
 */
START_TEST(test_limit_host)
{

	for (unsigned i = 0; i < IP_MAXFRAGS; i++)
		ck_assert_ptr_null(ip_reass(h, frag((uint16_t)i, 0, 8, true,
		    -1, 0)));
	ck_assert_uint_eq(ip_reass_queued(h->reass), IP_MAXFRAGS);
	ck_assert_ptr_null(ip_reass(h, frag(IP_MAXFRAGS, 0, 8, true, -1, 0)));
	ck_assert_uint_eq(ip_reass_queued(h->reass), IP_MAXFRAGS);
	ck_assert_uint_eq(h->ipstat.fragdropped, 1);
	ck_assert_uint_eq(h->ipstat.fragments, IP_MAXFRAGS + 1);
}
END_TEST

/*
 * Per datagram: FreeBSD's maxfragsperpacket (16).  16 fragments of 8
 * bytes at offsets 0, 16, 32, ... (holes between) stay queued; the 17th,
 * which still leaves holes, drops the whole queue: 17 ip.fragdropped.
 */
START_TEST(test_limit_per_datagram)
{

	for (uint32_t i = 0; i < 16; i++)
		ck_assert_ptr_null(ip_reass(h, frag(5, i * 16, 8, true, -1,
		    0)));
	ck_assert_uint_eq(ip_reass_queued(h->reass), 16);
	ck_assert_ptr_null(ip_reass(h, frag(5, 16 * 16, 8, true, -1, 0)));
	ck_assert_uint_eq(ip_reass_queued(h->reass), 0);
	ck_assert_uint_eq(h->ipstat.fragdropped, 17);
}
END_TEST

/*
 * Bad fragments: MF with a data length that is not a multiple of 8, or 0;
 * and a datagram that would exceed 65535 bytes (20 + 65000 + 520 =
 * 65540): both its fragments dropped when it completes.
 */
START_TEST(test_bad)
{

	ck_assert_ptr_null(ip_reass(h, frag(6, 0, 7, true, -1, 0)));
	ck_assert_ptr_null(ip_reass(h, frag(6, 0, 0, true, -1, 0)));
	ck_assert_uint_eq(h->ipstat.fragdropped, 2);
	ck_assert_uint_eq(ip_reass_queued(h->reass), 0);

	ck_assert_ptr_null(ip_reass(h, frag(8, 0, 65000, true, 0, 0)));
	ck_assert_ptr_null(ip_reass(h, frag(8, 65000, 520, false, 0, 0)));
	ck_assert_uint_eq(h->ipstat.fragdropped, 4);
	ck_assert_uint_eq(h->ipstat.reassembled, 0);
	ck_assert_uint_eq(ip_reass_queued(h->reass), 0);
}
END_TEST

static Suite *
ip_reass_suite(void)
{
	const TTest *const tests[] = {
		test_in_order, test_reversed, test_any_order_two_queues,
		test_duplicate, test_overlap, test_timeout_icmp,
		test_timeout_no_first, test_limit_host,
		test_limit_per_datagram, test_bad, NULL
	};

	return (check_suite("ip_reass", tests, setup, fx_fini));
}

CHECK_MAIN(ip_reass_suite())

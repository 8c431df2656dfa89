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

/* How many times needle occurs in the events.jsonl lines so far. */
static unsigned
json_count(const char *needle)
{
	const char *p = fx_jsonl();
	unsigned n = 0;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return (n);
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
	/* So is each fragment held before it: 1480 data bytes each, the
	 * datagram's length unknown while its last fragment has not come;
	 * the completing one is not "queued". */
	ck_assert(fx_log_has("em0 fragment 4242:1480@0+ queued: 1 held, 1480 "
	    "of ? data bytes, waiting for the rest"));
	ck_assert(fx_log_has("em0 fragment 4242:1480@1480+ queued: 2 held, "
	    "2960 of ? data bytes, waiting for the rest"));
	ck_assert(!fx_log_has("4242:40@2960 queued"));
	ck_assert_uint_eq(json_count("\"ev\":\"frag-queued\""), 2);
	ck_assert_uint_eq(json_count("\"ev\":\"frag-queued\",\"if\":"
	    "\"em0\",\"id\":4242,\"off\":1480,\"data\":1480,\"mf\":true,"
	    "\"trimmed\":0,\"held\":2,\"held_bytes\":2960,\"total\":null,"
	    "\"len\":1500,"), 1);
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
	/* The last fragment came first: the length is known at once,
	 * 2960 + 40 = 3000 data bytes. */
	ck_assert(fx_log_has("em0 fragment 7:40@2960 queued: 1 held, 40 of "
	    "3000 data bytes"));
	ck_assert(fx_log_has("em0 fragment 7:1480@1480+ queued: 2 held, 1520 "
	    "of 3000 data bytes"));
	ck_assert_uint_eq(json_count("\"total\":3000,"), 2);
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

	h->sim->why = true;
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
	/* Each copy's drop says it was a duplicate, in its line, its
	 * `frag` field and --why's sentence. */
	ck_assert(fx_log_has("drop frag-bad em0 (duplicate of a held "
	    "fragment): "));
	ck_assert_uint_eq(json_count("\"reason\":\"frag-bad\""), 2);
	ck_assert_uint_eq(json_count("\"frag\":\"duplicate\""), 2);
	ck_assert(fx_log_has("frag-bad: the fragment from 10.0.0.2 at offset 0"
	    " (16 data bytes) duplicates one h holds already; ip_reass() "
	    "keeps the copy that came first"));
	ck_assert(fx_log_has("frag-bad: the fragment from 10.0.0.2 at offset "
	    "16 (8 data bytes) duplicates one h holds already"));
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

	/* Held while waiting: P 8 bytes; then Z, the last, [16,32): 8 +
	 * 16 = 24 of 32 bytes held. */
	ck_assert(fx_log_has("em0 fragment 2:8@0+ queued: 1 held, 8 of ? "
	    "data bytes"));
	ck_assert(fx_log_has("em0 fragment 2:16@16 queued: 2 held, 24 of 32 "
	    "data bytes"));

	/* (3) W [8,16) queued, V [0,24) covers it: W dropped; L [24,32). */
	ck_assert_ptr_null(ip_reass(h, frag(3, 8, 8, true, 'W', 0)));
	ck_assert_ptr_null(ip_reass(h, frag(3, 0, 24, true, 'V', 0)));
	ck_assert_uint_eq(h->ipstat.fragdropped, 1);
	ck_assert_uint_eq(ip_reass_queued(h->reass), 1);
	/* W's drop says V replaced it; V is held alone. */
	ck_assert(fx_log_has("drop frag-bad em0 (a newer fragment carries all "
	    "its data): 10.0.0.2 > 10.0.0.1: udp (frag 3:8@8+)"));
	ck_assert_uint_eq(json_count("\"frag\":\"replaced\""), 1);
	ck_assert(fx_log_has("em0 fragment 3:24@0+ queued: 1 held, 24 of ? "
	    "data bytes"));
	r = ip_reass(h, frag(3, 24, 8, false, 'L', 0));
	ck_assert_ptr_nonnull(r);
	for (int k = 0; k < 24; k++)
		ck_assert_uint_eq(r->data[20 + k], 'V');
	for (int k = 24; k < 32; k++)
		ck_assert_uint_eq(r->data[20 + k], 'L');
	pkt_free(r);
	ck_assert_uint_eq(h->ipstat.reassembled, 3);

	/* (4) K [0,24) held; J [8,16) lies inside it, not a copy: covered.
	 * N [16,32) loses its first 8 bytes to K and is held with the rest:
	 * 24 + 8 = 32 bytes. */
	ck_assert_ptr_null(ip_reass(h, frag(4, 0, 24, true, 'K', 0)));
	ck_assert_ptr_null(ip_reass(h, frag(4, 8, 8, true, 'J', 0)));
	ck_assert(fx_log_has("drop frag-bad em0 (its data all held already): "
	    "10.0.0.2 > 10.0.0.1: udp (frag 4:8@8+)"));
	ck_assert_uint_eq(json_count("\"frag\":\"covered\""), 1);
	ck_assert_ptr_null(ip_reass(h, frag(4, 16, 16, true, 'N', 0)));
	ck_assert(fx_log_has("em0 fragment 4:16@16+ queued (its first 8 bytes "
	    "held already): 2 held, 32 of ? data bytes"));
	ck_assert_uint_eq(json_count("\"trimmed\":8,"), 1);
	ck_assert_uint_eq(h->ipstat.fragdropped, 2);
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
	ck_assert(fx_log_has("drop frag-overflow em0 (the host holds 1024 "
	    "fragments already): "));
	ck_assert_uint_eq(json_count("\"frag\":\"maxfrags\""), 1);
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
	/* 16 held (the 16th: 16 x 8 = 128 bytes), then all 17 dropped. */
	ck_assert_uint_eq(json_count("\"ev\":\"frag-queued\""), 16);
	ck_assert(fx_log_has("em0 fragment 5:8@240+ queued: 16 held, 128 of ? "
	    "data bytes"));
	ck_assert_uint_eq(json_count("\"frag\":\"maxfragsperpacket\""),
	    17);
	ck_assert(fx_log_has("drop frag-overflow em0 (more than 16 fragments "
	    "of one datagram): "));
}
END_TEST

/*
 * Bad fragments: MF with a data length that is not a multiple of 8, or 0;
 * and a datagram that would exceed 65535 bytes (20 + 65000 + 520 =
 * 65540): both its fragments dropped when it completes.
 */
START_TEST(test_bad)
{

	h->sim->why = true;
	ck_assert_ptr_null(ip_reass(h, frag(6, 0, 7, true, -1, 0)));
	ck_assert_ptr_null(ip_reass(h, frag(6, 0, 0, true, -1, 0)));
	ck_assert_uint_eq(h->ipstat.fragdropped, 2);
	/* 6.x ip_input() tests the length before ips_fragments++. */
	ck_assert_uint_eq(h->ipstat.fragments, 0);
	ck_assert_uint_eq(ip_reass_queued(h->reass), 0);
	ck_assert_uint_eq(json_count("\"frag\":\"bad-length\""), 2);
	ck_assert(fx_log_has("drop frag-bad em0 (data not a non-zero multiple "
	    "of 8): "));
	ck_assert(fx_log_has("frag-bad: the fragment from 10.0.0.2 at offset 0"
	    " carries 7 data bytes: none, or not a multiple of 8 though more "
	    "fragments follow (ips_toosmall)"));

	ck_assert_ptr_null(ip_reass(h, frag(8, 0, 65000, true, 0, 0)));
	ck_assert_ptr_null(ip_reass(h, frag(8, 65000, 520, false, 0, 0)));
	ck_assert_uint_eq(h->ipstat.fragdropped, 4);
	ck_assert_uint_eq(h->ipstat.reassembled, 0);
	ck_assert_uint_eq(ip_reass_queued(h->reass), 0);
	ck_assert_uint_eq(json_count("\"frag\":\"too-long\""), 2);
	ck_assert(fx_log_has("frag-bad: the fragments from 10.0.0.2 make a "
	    "datagram longer than 65535 bytes (ips_toolong)"));
}
END_TEST

/*
 * Release 14's ip_reass() tests what 6.x's does not: a last fragment
 * with no data (ips_toosmall), a fragment reaching past IP_MAXPACKET on
 * arrival (65528 + 16 = 65544: ips_toolong), and ipq_maxoff: once the
 * last fragment [16,24) has set the end at 24, a fragment with MF ending
 * at 32 >= 24 and another last one ending at 16 != 24 are dropped.
 */
START_TEST(test_release14_checks)
{
	struct pkt *r;

	ck_assert_ptr_null(ip_reass(h, frag(10, 8, 0, false, -1, 0)));
	ck_assert_uint_eq(json_count("\"frag\":\"bad-length\""), 1);
	ck_assert_ptr_null(ip_reass(h, frag(11, 65528, 16, true, -1, 0)));
	ck_assert_uint_eq(json_count("\"frag\":\"too-long\""), 1);
	/* 14's ip_reass() counts ips_fragments after both tests. */
	ck_assert_uint_eq(h->ipstat.fragments, 0);
	ck_assert_uint_eq(ip_reass_queued(h->reass), 0);

	ck_assert_ptr_null(ip_reass(h, frag(12, 16, 8, false, 'L', 0)));
	ck_assert(fx_log_has("em0 fragment 12:8@16 queued: 1 held, 8 of 24 "
	    "data bytes"));
	ck_assert_ptr_null(ip_reass(h, frag(12, 24, 8, true, 'X', 0)));
	ck_assert_ptr_null(ip_reass(h, frag(12, 8, 8, false, 'Y', 0)));
	ck_assert_uint_eq(json_count("\"frag\":\"past-end\""), 2);
	ck_assert(fx_log_has("drop frag-bad em0 (past the end the last "
	    "fragment set): 10.0.0.2 > 10.0.0.1: udp (frag 12:8@24+)"));
	ck_assert_uint_eq(ip_reass_queued(h->reass), 1);
	r = ip_reass(h, frag(12, 0, 16, true, 'F', 0));
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->len, 20 + 24);
	pkt_free(r);
	ck_assert_uint_eq(h->ipstat.fragdropped, 4);
}
END_TEST

/*
 * The same fragments on a release 6 host: 6.x's ip_reass() tests the
 * length only under IP_MF, the size only once complete, and has no
 * ipq_maxoff: everything is held.  [0,8)+ [8,16) [16,24) [24,32)+ never
 * completes (the fragment held last still has MF).
 */
START_TEST(test_release6_holds)
{
	struct host *h6 = fx_host("h6", RELEASE_6, FX_FW_OFF);
	struct ifnet *e6 = fx_if(h6, "em0", SELF, 24);

#define	F6(id, off, len, mf)	ck_assert_ptr_null(ip_reass(h6, \
	fx_frag(e6, PEER, SELF, IPPROTO_UDP, (id), (off), (len), (mf), -1)))
	F6(10, 8, 0, false);
	ck_assert(fx_log_has("em0 fragment 10:0@8 queued: 1 held, 0 of 8 data "
	    "bytes"));
	F6(11, 65528, 16, true);
	F6(12, 16, 8, false);
	F6(12, 24, 8, true);
	F6(12, 8, 8, false);
	F6(12, 0, 8, true);
#undef F6
	ck_assert_uint_eq(h6->ipstat.fragdropped, 0);
	ck_assert_uint_eq(h6->ipstat.reassembled, 0);
	ck_assert_uint_eq(ip_reass_queued(h6->reass), 6);
	/* Two last fragments (ends 24 and 16) and data up to 32: the
	 * datagram's length cannot be told. */
	ck_assert(fx_log_has("em0 fragment 12:8@0+ queued: 4 held, 32 of ? "
	    "data bytes"));
}
END_TEST

static Suite *
ip_reass_suite(void)
{
	const TTest *const tests[] = {
		test_in_order, test_reversed, test_any_order_two_queues,
		test_duplicate, test_overlap, test_timeout_icmp,
		test_timeout_no_first, test_limit_host,
		test_limit_per_datagram, test_bad, test_release14_checks,
		test_release6_holds, NULL
	};

	return (check_suite("ip_reass", tests, setup, fx_fini));
}

CHECK_MAIN(ip_reass_suite())

/*
 * ipfw_check_packet(), the hook between IPv4 and ipfw (ip_fw_pfil.c's
 * role), called directly with forged packets on a host of its own:
 * divert consumes, tee copies (and the original goes on: after the tee's
 * rule number on release 6, at the next slot on release 14), incoming fragments are reassembled before a
 * divert but never before a tee, a re-entry tag is consumed by the first
 * pass, deny answers EACCES or EPERM, and nothing runs with
 * net.inet.ip.fw.enable=0.  Expected outcomes follow docs/spec/semantics.md
 * §3-5; a divert socket bound on the host shows what was delivered.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "check_util.h"
#include "fixture.h"
#include "divert_queue.h"
#include "ipfw/ipfw.h"
#include "trace/trace_dir.h"
#include "ipfw_sim.h"
#include "net/host.h"
#include "net/if.h"
#include "ns3/ns3_shim.h"
#include "pkt/pkt.h"
#include "sim/counters.h"
#include "sim/events.h"
#include "sim/sim_ctx.h"
#include "wire/wire_ip.h"

#define	PEER	0x0a000002u	/* 10.0.0.2 */
#define	SELF	0x0a000001u	/* 10.0.0.1 */

static struct host *h;
static struct ifnet *em0;
static struct divert_sock *so;

/* Host h (10.0.0.1 on em0) with rules, and a divert socket on 8000. */
static void
world(int release, const char *const rules[])
{

	fx_init();
	h = fx_host("h", release, FX_FW_LOADED);
	em0 = fx_if(h, "em0", SELF, 24);
	fx_rules(h, rules);
	ck_assert_int_eq(div_attach(h, 0, &so), 0);
	ck_assert_int_eq(div_bind(so, 8000), 0);
}

static void
world_end(void)
{

	div_close(so);
	fx_fini();
}

/* A UDP datagram (or fragment) PEER:5000 -> SELF:9, received on em0. */
static struct pkt *
udp(uint16_t id, uint32_t off_bytes, uint32_t len, bool mf)
{
	struct pkt *m;

	m = fx_frag(em0, PEER, SELF, IPPROTO_UDP, id, off_bytes, len, mf, 0);
	if (off_bytes == 0) {
		ck_put16(m->data + 20, 5000);	/* source port */
		ck_put16(m->data + 22, 9);	/* destination port */
	}
	return (m);
}

/* How many packets the socket holds, and the tag of the first. */
static unsigned
queued(uint16_t *tag, size_t *len)
{
	uint8_t buf[70000];
	struct sockaddr_in from;
	unsigned n = 0;
	int err;
	ssize_t r;

	while ((r = div_recvfrom(so, buf, sizeof(buf), &from, &err)) >= 0) {
		if (n == 0 && tag != NULL)
			*tag = from.sin_port;
		if (n == 0 && len != NULL)
			*len = (size_t)r;
		n++;
	}
	ck_assert_int_eq(err, EAGAIN);
	return (n);
}

/* What leaves em0, caught by its output tap. */
static GPtrArray *sent;

static void
tap(void *ctx, struct ifnet *ifp, struct pkt *m)
{
	(void)ctx;
	(void)ifp;
	g_ptr_array_add(sent, m);
}

/* A TCP segment PEER:5000 -> SELF:25 with flags, seq, ack, received on
 * em0, 10 bytes of data. */
static struct pkt *
tcp_seg(uint8_t flags, uint32_t seq, uint32_t ack)
{
	struct pkt *m = fx_frag(em0, PEER, SELF, IPPROTO_TCP, 1, 0, 30,
	    false, 0);

	ck_put16(m->data + 20, 5000);
	ck_put16(m->data + 22, 25);
	ck_put32(m->data + 24, seq);
	ck_put32(m->data + 28, ack);
	m->data[32] = 5 << 4;
	m->data[33] = flags;
	return (m);
}

/*
 * `reset` (send_reject() with ICMP_REJECT_RST, send_pkt()): a SYN with
 * seq 1000 gets RST|ACK, seq 0, ack 1001, from SELF:25 to PEER:5000; an
 * ACK segment with ack 777 gets RST with seq 777, ack 0; a RST gets
 * nothing.  Each RST is 40 bytes, TTL 64, window 0, its TCP checksum
 * right (the one's complement sum over pseudo-header and header is
 * 0xffff).  The offending segments are dropped.
 */
START_TEST(reset_sends_rst)
{
	static const char *const rules[] = {
		"100 reset tcp from any to any in",
		"65534 allow ip from any to any", NULL };
	static const struct {
		uint8_t flags;
		uint32_t seq, ack;
		bool rst;
		uint8_t rflags;
		uint32_t rseq, rack;
	} cases[] = {
		{ 0x02, 1000, 0, true, 0x14, 0, 1001 },
		{ 0x10, 5, 777, true, 0x04, 777, 0 },
		{ 0x18, 5, 888, true, 0x04, 888, 0 },
		{ 0x04, 5, 0, false, 0, 0, 0 },
	};

	world(14, rules);
	sent = g_ptr_array_new();
	if_set_output_tap(em0, tap, NULL);
	for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
		struct pkt *m = tcp_seg(cases[k].flags, cases[k].seq,
		    cases[k].ack);
		const uint8_t *r, *t;
		uint32_t sum;

		g_ptr_array_set_size(sent, 0);
		ck_assert_int_ne(ipfw_check_packet(h, &m, em0, PFIL_IN), 0);
		ck_assert_ptr_null(m);
		ck_assert_uint_eq(sent->len, cases[k].rst ? 1 : 0);
		if (!cases[k].rst)
			continue;
		r = ((struct pkt *)g_ptr_array_index(sent, 0))->data;
		t = r + 20;
		ck_assert_uint_eq(ck_get16(r + 2), 40);
		ck_assert_uint_eq(r[8], 64);
		ck_assert_uint_eq(r[9], IPPROTO_TCP);
		ck_assert_uint_eq(ck_get32(r + 12), SELF);
		ck_assert_uint_eq(ck_get32(r + 16), PEER);
		ck_assert_uint_eq(ck_get16(t), 25);
		ck_assert_uint_eq(ck_get16(t + 2), 5000);
		ck_assert_uint_eq(ck_get32(t + 4), cases[k].rseq);
		ck_assert_uint_eq(ck_get32(t + 8), cases[k].rack);
		ck_assert_uint_eq(t[12], 0x50);
		ck_assert_uint_eq(t[13], cases[k].rflags);
		ck_assert_uint_eq(ck_get16(t + 14), 0);
		sum = (SELF >> 16) + (SELF & 0xffff) + (PEER >> 16) +
		    (PEER & 0xffff) + 6 + 20;
		for (unsigned i = 0; i < 20; i += 2)
			sum += ck_get16(t + i);
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		ck_assert_uint_eq(sum, 0xffff);
		pkt_free(g_ptr_array_index(sent, 0));
	}
	if_set_output_tap(em0, NULL, NULL);
	g_ptr_array_free(sent, TRUE);
	world_end();
}
END_TEST

START_TEST(divert_consumes)
{
	static const char *const rules[] = {
		"100 divert 8000 udp from any to any in",
		"65534 allow ip from any to any", NULL };
	struct pkt *m;
	uint16_t tag = 0;

	world(14, rules);
	m = udp(1, 0, 100, false);
	ck_assert_int_eq(ipfw_check_packet(h, &m, em0, PFIL_IN), 0);
	ck_assert_ptr_null(m);
	ck_assert_uint_eq(queued(&tag, NULL), 1);
	ck_assert_uint_eq(tag, 100);
	world_end();
}
END_TEST

/* tee: the copy goes to the socket; the original goes on to 65534 on both
 * releases (6.x ipfw_check_in() and 14's ipfw_check_packet() both "goto
 * again" after ipfw_divert()). */
static void
tee_release(int release, uint64_t after_tee)
{
	static const char *const rules[] = {
		"100 tee 8000 udp from any to any in",
		"65534 allow ip from any to any", NULL };
	struct pkt *m;
	uint64_t pk, by;

	world(release, rules);
	m = udp(1, 0, 100, false);
	ck_assert_int_eq(ipfw_check_packet(h, &m, em0, PFIL_IN), 0);
	ck_assert_ptr_nonnull(m);
	pkt_free(m);
	ck_assert_uint_eq(queued(NULL, NULL), 1);
	ipfw_chain_counters(h->fw, 65534, &pk, &by);
	ck_assert_uint_eq(pk, after_tee);
	world_end();
}

START_TEST(tee_release6)
{
	tee_release(6, 1);
}
END_TEST

START_TEST(tee_release14)
{
	tee_release(14, 1);
}
END_TEST

/* Three fragments (0+1480, 1480+1480, 2960+1048 payload bytes of a 4008
 * byte UDP datagram) hitting a divert rule: the first two are held, the
 * third delivers one whole datagram of 20 + 4008 bytes with a valid
 * header checksum.  The same fragments hitting tee: three copies as they
 * are, and each original goes on. */
START_TEST(divert_reassembles_tee_does_not)
{
	static const char *const rules[] = {
		"100 divert 8000 udp from any to any in",
		"65534 allow ip from any to any", NULL };
	static const char *const tee_rules[] = {
		"100 tee 8000 udp from any to any in",
		"65534 allow ip from any to any", NULL };
	struct pkt *m;
	size_t len = 0;
	uint8_t buf[4100];
	struct sockaddr_in from;
	int err;

	world(14, rules);
	m = udp(7, 0, 1480, true);
	ck_assert_int_eq(ipfw_check_packet(h, &m, em0, PFIL_IN), 0);
	ck_assert_ptr_null(m);
	m = udp(7, 1480, 1480, true);
	ck_assert_int_eq(ipfw_check_packet(h, &m, em0, PFIL_IN), 0);
	ck_assert_ptr_null(m);
	ck_assert_uint_eq(queued(NULL, NULL), 0);
	m = udp(7, 2960, 1048, false);
	ck_assert_int_eq(ipfw_check_packet(h, &m, em0, PFIL_IN), 0);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(div_recvfrom(so, buf, sizeof(buf), &from, &err),
	    4028);
	ck_assert_uint_eq(ck_get16(buf + 2), 4028);	/* ip_len */
	ck_assert_uint_eq(ck_get16(buf + 6), 0);	/* no MF, offset 0 */
	ck_assert_uint_eq(ck_cksum_fold(ck_cksum_add(0, buf, 20)), 0xffff);
	ck_assert_uint_eq(h->ipstat.reassembled, 1);
	world_end();

	world(14, tee_rules);
	for (unsigned k = 0; k < 3; k++) {
		m = udp(8, k * 1480, k < 2 ? 1480 : 1048, k < 2);
		ck_assert_int_eq(ipfw_check_packet(h, &m, em0, PFIL_IN), 0);
		ck_assert_ptr_nonnull(m);	/* the original goes on */
		pkt_free(m);
	}
	ck_assert_uint_eq(queued(NULL, &len), 3);
	ck_assert_uint_eq(len, 20 + 1480);	/* the first, as it came */
	ck_assert_uint_eq(h->ipstat.reassembled, 0);
	world_end();
}
END_TEST

/* A divert write-back's tag starts the pass after it and is consumed: the
 * next pass of the same packet starts at rule 1 again. */
START_TEST(tag_consumed)
{
	static const char *const rules[] = {
		"100 divert 8000 udp from any to any",
		"200 count udp from any to any",
		"65534 allow ip from any to any", NULL };
	struct pkt *m;
	uint64_t pk, by;

	world(14, rules);
	m = udp(1, 0, 100, false);
	m->fw_ref.rulenum = 100;
	m->fw_ref.info = IPFW_REF_VALID | IPFW_REF_DIVERT | IPFW_REF_IN;
	ck_assert_int_eq(ipfw_check_packet(h, &m, em0, PFIL_IN), 0);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->fw_ref.info, 0);
	ipfw_chain_counters(h->fw, 200, &pk, &by);
	ck_assert_uint_eq(pk, 1);
	/* second pass: rule 100 again */
	ck_assert_int_eq(ipfw_check_packet(h, &m, em0, PFIL_OUT), 0);
	ck_assert_ptr_null(m);
	ck_assert_uint_eq(queued(NULL, NULL), 1);
	world_end();
}
END_TEST

/* deny on the OUT pass: the error ip_output() hands back. */
static void
deny_release(int release, int want)
{
	static const char *const rules[] = {
		"100 deny udp from any to any out", NULL };
	struct pkt *m;

	world(release, rules);
	m = udp(1, 0, 100, false);
	ck_assert_int_eq(ipfw_check_packet(h, &m, em0, PFIL_OUT), want);
	ck_assert_ptr_null(m);
	ck_assert_uint_eq(h->fw_denied, 1);
	world_end();
}

START_TEST(deny_errno)
{
	deny_release(6, EACCES);
	deny_release(14, EPERM);
}
END_TEST

/* net.inet.ip.fw.enable=0: no pass at all, a tag stays untouched. */
START_TEST(fw_disabled)
{
	static const char *const rules[] = {
		"100 deny ip from any to any", NULL };
	struct pkt *m;

	world(14, rules);
	h->sysctl.fw_enable = false;
	m = udp(1, 0, 100, false);
	m->fw_ref.rulenum = 5;
	m->fw_ref.info = IPFW_REF_VALID;
	ck_assert_int_eq(ipfw_check_packet(h, &m, em0, PFIL_IN), 0);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->fw_ref.rulenum, 5);
	pkt_free(m);
	ck_assert_uint_eq(h->fw_denied, 0);
	world_end();
}
END_TEST

/* A kernel without IPDIVERT: divert and tee both drop the packet. */
START_TEST(no_ipdivert)
{
	static const char *const rules[] = {
		"100 tee 8000 udp from any to any in",
		"65534 allow ip from any to any", NULL };
	struct pkt *m;

	world(14, rules);
	h->ip_divert_ptr = NULL;	/* a kernel without IPDIVERT */
	m = udp(1, 0, 100, false);
	ck_assert_int_eq(ipfw_check_packet(h, &m, em0, PFIL_IN), 0);
	ck_assert_ptr_null(m);
	ck_assert_uint_eq(queued(NULL, NULL), 0);
	ck_assert_uint_eq(counters_get(fx_sim.counters, "h.divert.disabled",
	    NULL), 1);
	world_end();
}
END_TEST

/*
 * The divert socket's pcap (the simulator's trace): named after the port,
 * it follows a rebind (h-divert9000.pcap gets what is read after it, the
 * old file only its header); a file that cannot be made is counted in
 * fx_sim.trace_errors (and printed), not silently lost.
 */
START_TEST(divert_pcap_follows_rebind)
{
	static const char *const rules[] = {
		"100 divert 9000 udp from any to any in",
		"65534 allow ip from any to any", NULL };
	char *dir = g_dir_make_tmp("dsim-pcap-XXXXXX", NULL);
	char *p8000, *p9000, *p7000;
	GStatBuf st8000, st9000;
	struct pkt *m;
	struct divert_sock *bad;
	struct trace_dir *td;

	ck_assert_ptr_nonnull(dir);
	world(14, rules);
	td = trace_dir_open(dir, 0, NULL);
	ck_assert_ptr_nonnull(td);
	fx_sim.traces = td;
	ck_assert_int_eq(div_bind(so, 8001), 0);
	ck_assert_int_eq(div_bind(so, 9000), 0);
	m = udp(1, 0, 100, false);
	ck_assert_int_eq(ipfw_check_packet(h, &m, em0, PFIL_IN), 0);
	ck_assert_uint_eq(queued(NULL, NULL), 1);
	p8000 = g_strdup_printf("%s/h-divert8001.pcap", dir);
	p9000 = g_strdup_printf("%s/h-divert9000.pcap", dir);
	ck_assert_uint_eq(fx_sim.trace_errors, 0);
	/* A folder in the place of the next bind's file: it cannot be
	 * made. */
	p7000 = g_strdup_printf("%s/h-divert7000.pcap", dir);
	ck_assert_int_eq(g_mkdir(p7000, 0755), 0);
	ck_assert_int_eq(div_attach(h, 0, &bad), 0);
	ck_assert_int_eq(div_bind(bad, 7000), 0);
	ck_assert_uint_eq(fx_sim.trace_errors, 1);
	ck_assert_ptr_nonnull(trace_dir_error(td));
	div_close(bad);
	world_end();
	trace_dir_free(td);
	g_rmdir(p7000);
	g_free(p7000);
	ck_assert_int_eq(g_stat(p8000, &st8000), 0);
	ck_assert_int_eq(g_stat(p9000, &st9000), 0);
	/* 24-byte file header; 9000's also holds the record read. */
	ck_assert_int_eq(st8000.st_size, 24);
	ck_assert_int_eq(st9000.st_size, 24 + 16 + 120);
	g_remove(p8000);
	g_remove(p9000);
	g_rmdir(dir);
	g_free(p8000);
	g_free(p9000);
	g_free(dir);
}
END_TEST

static Suite *
ipfw_sim_suite(void)
{
	const TTest *tests[] = {
		reset_sends_rst,
		divert_consumes,
		tee_release6,
		tee_release14,
		divert_reassembles_tee_does_not,
		tag_consumed,
		deny_errno,
		fw_disabled,
		no_ipdivert,
		divert_pcap_follows_rebind,
		NULL,
	};

	return (check_suite("ipfw_sim", tests, NULL, NULL));
}

CHECK_MAIN(ipfw_sim_suite())

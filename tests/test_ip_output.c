/*
 * The IPv4 send and receive paths, called directly with forged packets,
 * their results compared exactly: ip_fragment() sizes and offsets, ip_output()'s
 * route / DF / checksum rules, ip_forward()'s ICMP errors, ICMP echo, UDP
 * delivery and port unreachable, ping and UDP applications, loopback.
 * What an interface transmits is caught by the if_output tap.  Expected
 * values are worked out by hand in the comments; checksums are verified
 * with a reference RFC 1071 sum written for this file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>

#include <glib.h>

#include "check_util.h"
#include "fixture.h"

#include "apps/app_traffic.h"
#include "ipfw_sim.h"
#include "net/host.h"
#include "net/if.h"
#include "net/route.h"
#include "netinet/icmp_var.h"
#include "netinet/ip_drop.h"
#include "netinet/ip_var.h"
#include "ns3/ns3_shim.h"
#include "pkt/pkt.h"
#include "sim/counters.h"
#include "sim/events.h"
#include "sim/sim_ctx.h"
#include "sim/sim_sched.h"

#define	A(a, b, c, d)	FX_A(a, b, c, d)
#define	SELF		A(10, 0, 0, 1)		/* em0 */
#define	PEER		A(10, 0, 0, 2)		/* on em0's link */
#define	SELF1		A(192, 0, 2, 1)		/* em1, MTU 576 */
#define	FAR		A(192, 0, 2, 10)	/* on em1's link */

static struct host *h;
static struct ifnet *em0, *em1;

static void
setup(void)
{

	fx_init();
	/* No firewall: the default rule would deny everything. */
	h = fx_host("h", RELEASE_6, FX_FW_OFF);
	em0 = fx_if(h, "em0", SELF, 24);
	em1 = fx_if(h, "em1", SELF1, 24);
	em1->if_mtu = 576;
}


static uint32_t
sent_len(guint i)
{

	return (((struct pkt *)g_ptr_array_index(fx_sent, i))->len);
}

/* ---- fragmentation --------------------------------------------------- */

/*
 * A 4000-byte UDP payload is a 4028-byte datagram (20 + 8 + 4000): 4008
 * data bytes over em1's MTU of 576.  Each fragment carries
 * floor((576 - 20) / 8) * 8 = 552 data bytes: 7 full ones (3864 bytes)
 * and a last of 4008 - 3864 = 144.  Offsets in 8-byte units are
 * 552 / 8 = 69 apart: 0, 69, 138, 207, 276, 345, 414, 483.
 */
START_TEST(test_fragment_udp_4000_over_576)
{
	static uint8_t pl[4008];
	uint8_t whole[4008];
	guint i;

	for (i = 0; i < sizeof(pl); i++)
		pl[i] = (uint8_t)(i * 13 + 1);
	ck_assert_int_eq(ip_send(h, 0, FAR, IPPROTO_UDP, 64, 0, false, pl,
	    sizeof(pl)), 0);
	ck_assert_uint_eq(fx_sent->len, 8);
	for (i = 0; i < 8; i++) {
		const uint8_t *p = fx_sent_data(i);
		uint16_t off = ck_get16(p + 6);
		uint32_t dlen = i < 7 ? 552 : 144;

		ck_assert_ptr_eq(g_ptr_array_index(fx_sent_if, i), em1);
		ck_assert_uint_eq(sent_len(i), 20 + dlen);
		ck_assert_uint_eq(ck_get16(p + 2), 20 + dlen);
		ck_assert_uint_eq(off & 0x1fff, 69 * i);
		/* MF (0x2000) on all but the last; DF never. */
		ck_assert_uint_eq(off & 0x2000, i < 7 ? 0x2000 : 0);
		ck_assert_uint_eq(off & 0x4000, 0);
		/* Same id (the first one of the host, 1), source em1's. */
		ck_assert_uint_eq(ck_get16(p + 4), 1);
		ck_assert_uint_eq(ck_get32(p + 12), SELF1);
		ck_assert_uint_eq(ck_get32(p + 16), FAR);
		ck_assert(fx_cksum_ok(p, 20));
		ck_assert_uint_eq(((struct pkt *)g_ptr_array_index(fx_sent,
		    i))->lineage, ((struct pkt *)g_ptr_array_index(fx_sent,
		    0))->lineage);
		memcpy(whole + 552 * i, p + 20, dlen);
	}
	EXPECT_BYTES(whole, pl, sizeof(pl));
	ck_assert_uint_eq(h->ipstat.sent, 1);
	ck_assert_uint_eq(h->ipstat.fragmented, 1);
	ck_assert_uint_eq(h->ipstat.ofragments, 8);
	ck_assert_uint_eq(fx_sim.packets, 1);
}
END_TEST

/* The same datagram with DF: EMSGSIZE, cantfrag, nothing sent, no ICMP. */
START_TEST(test_df_too_big)
{
	static uint8_t pl[4008];

	ck_assert_int_eq(ip_send(h, 0, FAR, IPPROTO_UDP, 64, 0, true, pl,
	    sizeof(pl)), EMSGSIZE);
	ck_assert_uint_eq(fx_sent->len, 0);
	ck_assert_uint_eq(h->ipstat.cantfrag, 1);
	ck_assert_uint_eq(h->ipstat.fragmented, 0);
	ck_assert_uint_eq(h->icmpstat.errors_sent, 0);
	/* 556 bytes (20 + 536) fit exactly: sent whole even with DF. */
	ck_assert_int_eq(ip_send(h, 0, FAR, IPPROTO_UDP, 64, 0, true, pl,
	    556), 0);
	ck_assert_uint_eq(fx_sent->len, 1);
	ck_assert_uint_eq(sent_len(0), 576);
	ck_assert_uint_eq(ck_get16(fx_sent_data(0) + 6), 0x4000);
}
END_TEST

/*
 * Refragmenting a fragment (ip_fragment() called directly): a non-last
 * fragment at offset 100 units (800 bytes) carrying 1000 data bytes over
 * MTU 300 gives chunks of floor(280 / 8) * 8 = 280: 280, 280, 280, 160,
 * at 100, 135, 170, 205 units; every one keeps MF, the last because the
 * original had it.
 */
START_TEST(test_ip_fragment_keeps_mf)
{
	static uint8_t pl[1000];
	GPtrArray *out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)pkt_free);
	struct pkt *m = fx_ip(em0, PEER, FAR, IPPROTO_UDP, 64,
	    0x2000 | 100, pl, sizeof(pl));
	static const uint16_t units[] = { 100, 135, 170, 205 };
	static const uint32_t dlen[] = { 280, 280, 280, 160 };
	uint64_t lineage = m->lineage;
	guint i;

	ck_assert_int_eq(ip_fragment(m, 300, out), 0);
	ck_assert_uint_eq(out->len, 4);
	for (i = 0; i < 4; i++) {
		struct pkt *f = g_ptr_array_index(out, i);

		ck_assert_uint_eq(f->len, 20 + dlen[i]);
		ck_assert_uint_eq(ck_get16(f->data + 6), 0x2000 | units[i]);
		ck_assert(fx_cksum_ok(f->data, 20));
		ck_assert_uint_eq(f->lineage, lineage);
		ck_assert_ptr_eq(f->rcvif, em0);
	}
	g_ptr_array_free(out, TRUE);
	/* An MTU without room for 8 data bytes: EMSGSIZE, m kept. */
	out = g_ptr_array_new();
	m = fx_ip(em0, PEER, FAR, IPPROTO_UDP, 64, 0, pl, 100);
	ck_assert_int_eq(ip_fragment(m, 27, out), EMSGSIZE);
	ck_assert_uint_eq(out->len, 0);
	pkt_free(m);
	g_ptr_array_free(out, TRUE);
}
END_TEST

/* ---- output rules ---------------------------------------------------- */

START_TEST(test_output_header_and_noroute)
{
	uint8_t pl[12] = { 0 };
	const uint8_t *p;

	/* No route to 8.8.8.8: EHOSTUNREACH before anything is sent. */
	ck_assert_int_eq(ip_send(h, 0, A(8, 8, 8, 8), IPPROTO_UDP, 64, 0,
	    false, pl, sizeof(pl)), EHOSTUNREACH);
	ck_assert_uint_eq(h->ipstat.noroute, 1);
	ck_assert_uint_eq(fx_sent->len, 0);
	/* Originated: version 4, hlen 20, ip_len 32, TTL, proto, DF, and a
	 * header checksum filled in by ip_output. */
	ck_assert_int_eq(ip_send(h, 0, PEER, 200, 17, 0x10, true, pl,
	    sizeof(pl)), 0);
	ck_assert_uint_eq(fx_sent->len, 1);
	p = fx_sent_data(0);
	ck_assert_uint_eq(p[0], 0x45);
	ck_assert_uint_eq(p[1], 0x10);
	ck_assert_uint_eq(ck_get16(p + 2), 32);
	ck_assert_uint_eq(ck_get16(p + 6), 0x4000);
	ck_assert_uint_eq(p[8], 17);
	ck_assert_uint_eq(p[9], 200);
	ck_assert_uint_eq(ck_get32(p + 12), SELF);
	ck_assert_uint_eq(ck_get32(p + 16), PEER);
	ck_assert(fx_cksum_ok(p, 20));
	ck_assert_ptr_eq(g_ptr_array_index(fx_sent_if, 0), em0);
	/* ip_id counts up per originated datagram. */
	ck_assert_int_eq(ip_send(h, 0, PEER, 200, 17, 0, false, pl, 1), 0);
	ck_assert_uint_eq(ck_get16(fx_sent_data(1) + 4),
	    (uint16_t)(ck_get16(fx_sent_data(0) + 4) + 1));
}
END_TEST

/*
 * ip_output()'s flags, as 6.x and 14's ip_output(): without
 * IP_FORWARDING or IP_RAWOUTPUT the datagram is this host's: it gets
 * version 4, hlen 20 and the next ip_id, and counts ips_localout
 * (ip.sent); with either flag the header goes as given (id 0x1111 kept,
 * nothing counted).
 */
START_TEST(test_output_flags)
{
	uint8_t pl[8] = { 0 };
	uint16_t next = h->ip_id;
	struct pkt *m;

	m = fx_ip(NULL, SELF, PEER, IPPROTO_UDP, 64, 0, pl, sizeof(pl));
	ck_put16(m->data + 4, 0x1111);
	ck_assert_int_eq(ip_output(h, m, 0), 0);
	ck_assert_uint_eq(ck_get16(fx_sent_data(0) + 4), next);
	ck_assert_uint_eq(h->ipstat.sent, 1);
	m = fx_ip(NULL, SELF, PEER, IPPROTO_UDP, 64, 0, pl, sizeof(pl));
	ck_put16(m->data + 4, 0x1111);
	ck_assert_int_eq(ip_output(h, m, IP_RAWOUTPUT), 0);
	ck_assert_uint_eq(ck_get16(fx_sent_data(1) + 4), 0x1111);
	m = fx_ip(NULL, SELF, PEER, IPPROTO_UDP, 64, 0, pl, sizeof(pl));
	ck_put16(m->data + 4, 0x1111);
	ck_assert_int_eq(ip_output(h, m, IP_FORWARDING), 0);
	ck_assert_uint_eq(ck_get16(fx_sent_data(2) + 4), 0x1111);
	ck_assert_uint_eq(h->ipstat.sent, 1);
	ck_assert_uint_eq(h->ip_id, (uint16_t)(next + 1));
}
END_TEST

/* A raw output (divert write-back) with a loopback source on em0:
 * "127/8 must not appear on the wire" -> EADDRNOTAVAIL. */
START_TEST(test_output_loopback_source_refused)
{
	uint8_t pl[8] = { 0 };
	struct pkt *m = fx_ip(NULL, A(127, 0, 0, 1), PEER, IPPROTO_UDP, 64,
	    0, pl, sizeof(pl));

	ck_assert_int_eq(ip_output(h, m, IP_RAWOUTPUT), EADDRNOTAVAIL);
	ck_assert_uint_eq(fx_sent->len, 0);
	ck_assert_uint_eq(counters_get(fx_sim.counters, "h.ip.badaddr", NULL),
	    1);
}
END_TEST

/* ---- input and forwarding -------------------------------------------- */

/* Header checks in FreeBSD's order, each with its own counter. */
START_TEST(test_input_checks)
{
	uint8_t pl[8] = { 0 };
	struct pkt *m;

	m = pkt_from_bytes(pl, 8);
	m->rcvif = em0;
	ip_input(h, m);
	ck_assert_uint_eq(h->ipstat.tooshort, 1);
	m = fx_ip(em0, PEER, SELF, IPPROTO_UDP, 64, 0, pl, 8);
	m->data[0] = 0x65;
	ip_input(h, m);
	ck_assert_uint_eq(h->ipstat.badvers, 1);
	m = fx_ip(em0, PEER, SELF, IPPROTO_UDP, 64, 0, pl, 8);
	m->data[0] = 0x44;		/* hlen 16 */
	ip_input(h, m);
	ck_assert_uint_eq(h->ipstat.badhlen, 1);
	m = fx_ip(em0, PEER, SELF, IPPROTO_UDP, 64, 0, pl, 8);
	m->data[10] ^= 0x01;
	ip_input(h, m);
	ck_assert_uint_eq(h->ipstat.badsum, 1);
	/*
	 * ip_len 40 but 28 bytes: FreeBSD's ip_input() counts ips_tooshort
	 * (m_pkthdr.len < ip_len), not ips_badlen; ip_len 16, below the
	 * 20-byte header, is ips_badlen.
	 */
	for (unsigned i = 0; i < 2; i++) {
		m = fx_ip(em0, PEER, SELF, IPPROTO_UDP, 64, 0, pl, 8);
		ck_put16(m->data + 2, i == 0 ? 40 : 16);
		ck_put16(m->data + 10, 0);
		ck_put16(m->data + 10,
		    fx_cksum(ck_cksum_add(0, m->data, 20)));
		ip_input(h, m);
		ck_assert_uint_eq(h->ipstat.tooshort, 2);
		ck_assert_uint_eq(h->ipstat.badlen, i);
	}
	ck_assert_uint_eq(h->ipstat.tooshort, 2);
	ck_assert_uint_eq(h->ipstat.received, 6);
	ck_assert_uint_eq(h->ipstat.delivered, 0);
	/* Not for us and not a router: cantforward. */
	m = fx_ip(em0, PEER, FAR, IPPROTO_UDP, 64, 0, pl, 8);
	ip_input(h, m);
	ck_assert_uint_eq(h->ipstat.cantforward, 1);
	ck_assert_uint_eq(fx_sent->len, 0);
}
END_TEST

/*
 * Forwarding with TTL 1: ICMP time exceeded (11/0) back to the source
 * from the address on the route back (em0: 10.0.0.1), quoting the
 * 20-byte header as received (TTL still 1) plus 8 data bytes: an ICMP
 * message of 8 + 28 = 36 bytes, a datagram of 56.
 */
START_TEST(test_forward_ttl_exceeded)
{
	uint8_t pl[100];
	const uint8_t *p;
	struct pkt *m;
	uint8_t orig[28];

	memset(pl, 0x5a, sizeof(pl));
	h->sysctl.forwarding = true;
	m = fx_ip(em0, PEER, FAR, IPPROTO_UDP, 1, 0, pl, sizeof(pl));
	memcpy(orig, m->data, 28);
	ip_input(h, m);
	ck_assert_uint_eq(h->ipstat.ttl_exceeded, 1);
	ck_assert_uint_eq(h->ipstat.forwarded, 0);
	ck_assert_uint_eq(h->icmpstat.errors_sent, 1);
	ck_assert_uint_eq(fx_sent->len, 1);
	p = fx_sent_data(0);
	ck_assert_uint_eq(sent_len(0), 56);
	ck_assert_uint_eq(p[9], IPPROTO_ICMP);
	ck_assert_uint_eq(ck_get32(p + 12), SELF);
	ck_assert_uint_eq(ck_get32(p + 16), PEER);
	ck_assert_uint_eq(p[8], 64);
	ck_assert_uint_eq(p[20], 11);
	ck_assert_uint_eq(p[21], 0);
	ck_assert(fx_cksum_ok(p + 20, 36));
	EXPECT_BYTES(p + 28, orig, 28);
}
END_TEST

/*
 * Forwarding a 1000-byte datagram with DF from em0 to em1 (MTU 576),
 * release 6: ip_output says EMSGSIZE (counting ips_cantfrag), 6.x
 * ip_forward() counts ips_cantforward and ips_cantfrag again and answers
 * ICMP unreach needfrag (3/4) with next-hop MTU 576 in bytes 6-7 (RFC
 * 1191), quoting its mcopy: the header as it arrived (TTL 64).
 */
START_TEST(test_forward_needfrag)
{
	uint8_t pl[980] = { 0 };
	const uint8_t *p;
	struct pkt *m;

	h->sysctl.forwarding = true;
	m = fx_ip(em0, PEER, FAR, IPPROTO_UDP, 64, 0x4000, pl, sizeof(pl));
	ip_input(h, m);
	ck_assert_uint_eq(h->ipstat.cantfrag, 2);
	ck_assert_uint_eq(h->ipstat.cantforward, 1);
	ck_assert_uint_eq(h->ipstat.forwarded, 0);
	ck_assert_uint_eq(fx_sent->len, 1);
	p = fx_sent_data(0);
	ck_assert_uint_eq(ck_get32(p + 16), PEER);
	ck_assert_uint_eq(p[20], 3);
	ck_assert_uint_eq(p[21], 4);
	ck_assert_uint_eq(ck_get16(p + 26), 576);
	ck_assert(fx_cksum_ok(p + 20, sent_len(0) - 20));
	/* Quoted header: ip_len 1000, TTL 64 as received. */
	ck_assert_uint_eq(ck_get16(p + 28 + 2), 1000);
	ck_assert_uint_eq(p[28 + 8], 64);
	ck_assert_uint_eq(h->icmpstat.errors_sent, 1);
}
END_TEST

/*
 * The same on release 14, through ip_tryforward(): ips_cantfrag once, no
 * ips_cantforward, and the needfrag quotes the packet itself, TTL already
 * lowered to 63 and its checksum patched (ip_fastfwd.c).
 */
START_TEST(test_tryforward_needfrag)
{
	uint8_t pl[980] = { 0 };
	const uint8_t *p;
	struct pkt *m;

	h->release = RELEASE_14;
	h->sysctl.forwarding = true;
	m = fx_ip(em0, PEER, FAR, IPPROTO_UDP, 64, 0x4000, pl, sizeof(pl));
	ip_input(h, m);
	ck_assert_uint_eq(h->ipstat.cantfrag, 1);
	ck_assert_uint_eq(h->ipstat.cantforward, 0);
	ck_assert_uint_eq(h->ipstat.forwarded, 0);
	/* ips_total twice: ip_input() and ip_tryforward(). */
	ck_assert_uint_eq(h->ipstat.received, 2);
	ck_assert_uint_eq(fx_sent->len, 1);
	p = fx_sent_data(0);
	ck_assert_uint_eq(p[20], 3);
	ck_assert_uint_eq(p[21], 4);
	ck_assert_uint_eq(ck_get16(p + 26), 576);
	ck_assert_uint_eq(p[28 + 8], 63);
	ck_assert(fx_cksum_ok(p + 28, 20));
}
END_TEST

/*
 * Release 14 through ip_tryforward(): a forwarded datagram counts
 * ips_forward once if_output() has it; with no route, ips_noroute and
 * ips_cantforward (ip_findroute()) and host unreachable.
 */
START_TEST(test_tryforward_ok_noroute)
{
	uint8_t pl[100] = { 0 };

	h->release = RELEASE_14;
	h->sysctl.forwarding = true;
	ip_input(h, fx_ip(em1, FAR, PEER, IPPROTO_UDP, 9, 0, pl,
	    sizeof(pl)));
	ck_assert_uint_eq(h->ipstat.forwarded, 1);
	ip_input(h, fx_ip(em1, FAR, A(8, 8, 8, 8), IPPROTO_UDP, 9, 0, pl,
	    sizeof(pl)));
	ck_assert_uint_eq(h->ipstat.noroute, 1);
	ck_assert_uint_eq(h->ipstat.cantforward, 1);
	ck_assert_uint_eq(h->ipstat.received, 4);
	ck_assert_uint_eq(fx_sent->len, 2);
	ck_assert_uint_eq(fx_sent_data(1)[21], 1);
}
END_TEST

/* A forwarded datagram leaves with TTL - 1 and a right checksum. */
START_TEST(test_forward_ok)
{
	uint8_t pl[100] = { 0 };
	const uint8_t *p;

	h->sysctl.forwarding = true;
	ip_input(h, fx_ip(em1, FAR, PEER, IPPROTO_UDP, 9, 0, pl,
	    sizeof(pl)));
	ck_assert_uint_eq(h->ipstat.forwarded, 1);
	ck_assert_uint_eq(fx_sent->len, 1);
	ck_assert_ptr_eq(g_ptr_array_index(fx_sent_if, 0), em0);
	p = fx_sent_data(0);
	ck_assert_uint_eq(p[8], 8);
	ck_assert(fx_cksum_ok(p, 20));
	ck_assert_uint_eq(h->ipstat.sent, 0);
	/*
	 * No route for 8.8.8.8: ICMP unreach host (3/1) to the source.
	 * Release 6: 6.x ip_forward()'s ip_rtaddr() fails before
	 * ip_output(), so neither ips_noroute nor ips_cantforward.
	 */
	ip_input(h, fx_ip(em1, FAR, A(8, 8, 8, 8), IPPROTO_UDP, 9, 0, pl,
	    sizeof(pl)));
	ck_assert_uint_eq(h->ipstat.noroute, 0);
	ck_assert_uint_eq(h->ipstat.cantforward, 0);
	ck_assert_uint_eq(fx_sent->len, 2);
	p = fx_sent_data(1);
	ck_assert_uint_eq(ck_get32(p + 12), SELF1);
	ck_assert_uint_eq(ck_get32(p + 16), FAR);
	ck_assert_uint_eq(p[20], 3);
	ck_assert_uint_eq(p[21], 1);
}
END_TEST

/* ---- ICMP ------------------------------------------------------------ */

/*
 * An echo request to 192.0.2.1 arriving on em0 is answered from the
 * address it was sent to (icmp_reflect), type 0, same id/seq/data, TTL
 * 64, over em0 (the route back to 10.0.0.2).
 */
START_TEST(test_echo_reply)
{
	uint8_t icmp[64];
	uint32_t n = fx_echo(icmp, 8, 0x4242, 7, 56);
	const uint8_t *p;

	ip_input(h, fx_ip(em0, PEER, SELF1, IPPROTO_ICMP, 3, 0, icmp, n));
	ck_assert_uint_eq(h->ipstat.delivered, 1);
	ck_assert_uint_eq(h->icmpstat.echo_requests, 1);
	ck_assert_uint_eq(fx_sent->len, 1);
	ck_assert_ptr_eq(g_ptr_array_index(fx_sent_if, 0), em0);
	p = fx_sent_data(0);
	ck_assert_uint_eq(sent_len(0), 20 + 64);
	ck_assert_uint_eq(ck_get32(p + 12), SELF1);
	ck_assert_uint_eq(ck_get32(p + 16), PEER);
	ck_assert_uint_eq(p[8], 64);
	ck_assert_uint_eq(p[20], 0);
	ck_assert_uint_eq(ck_get16(p + 24), 0x4242);
	ck_assert_uint_eq(ck_get16(p + 26), 7);
	EXPECT_BYTES(p + 28, icmp + 8, 56);
	ck_assert(fx_cksum_ok(p + 20, 64));
	/* A corrupted ICMP checksum: dropped, counted, no reply. */
	icmp[2] ^= 0xff;
	ip_input(h, fx_ip(em0, PEER, SELF, IPPROTO_ICMP, 3, 0, icmp, n));
	ck_assert_uint_eq(h->icmpstat.badsum, 1);
	ck_assert_uint_eq(fx_sent->len, 1);
	/* A broadcast ping goes unanswered (bmcastecho=0). */
	icmp[2] ^= 0xff;
	ip_input(h, fx_ip(em0, PEER, A(10, 0, 0, 255), IPPROTO_ICMP, 3, 0,
	    icmp, n));
	ck_assert_uint_eq(h->icmpstat.echo_requests, 2);
	ck_assert_uint_eq(fx_sent->len, 1);
}
END_TEST

/* No error about an ICMP error, a non-first fragment, or a broadcast. */
START_TEST(test_icmp_error_refusals)
{
	uint8_t msg[36] = { 3, 3 };
	uint8_t pl[16] = { 0 };
	struct pkt *m;

	m = fx_ip(em0, PEER, SELF, IPPROTO_ICMP, 64, 0, msg, sizeof(msg));
	icmp_error(h, m, 3, 3, 0);
	pkt_free(m);
	m = fx_ip(em0, PEER, SELF, IPPROTO_UDP, 64, 3, pl, sizeof(pl));
	icmp_error(h, m, 3, 3, 0);
	pkt_free(m);
	m = fx_ip(em0, PEER, 0xffffffffu, IPPROTO_UDP, 64, 0, pl,
	    sizeof(pl));
	icmp_error(h, m, 3, 3, 0);
	pkt_free(m);
	m = fx_ip(em0, 0, SELF, IPPROTO_UDP, 64, 0, pl, sizeof(pl));
	icmp_error(h, m, 3, 3, 0);
	pkt_free(m);
	ck_assert_uint_eq(fx_sent->len, 0);
	ck_assert_uint_eq(h->icmpstat.errors_sent, 0);
	/*
	 * FreeBSD's icmpstat: icps_error counts every call, before the
	 * refusals (4); of those only the error about an ICMP error has a
	 * counter of its own, icps_oldicmp (1); the zero source passes
	 * icmp_error() (icps_outhist[3]) and is icmp_reflect()'s
	 * icps_badaddr.
	 */
	ck_assert_uint_eq(h->icmpstat.error, 4);
	ck_assert_uint_eq(h->icmpstat.oldicmp, 1);
	ck_assert_uint_eq(h->icmpstat.badaddr, 1);
	/* An echo request is a query: errors about it are allowed. */
	msg[0] = 8;
	m = fx_ip(em0, PEER, SELF, IPPROTO_ICMP, 64, 0, msg, sizeof(msg));
	icmp_error(h, m, 3, 3, 0);
	pkt_free(m);
	ck_assert_uint_eq(fx_sent->len, 1);
	/* Unreach and time exceeded received are counted by type. */
	msg[0] = 3;
	msg[1] = 4;
	ck_put16(msg + 2, 0);
	ck_put16(msg + 2, fx_cksum(ck_cksum_add(0, msg, sizeof(msg))));
	ip_input(h, fx_ip(em0, PEER, SELF, IPPROTO_ICMP, 64, 0, msg,
	    sizeof(msg)));
	msg[0] = 11;
	msg[1] = 0;
	ck_put16(msg + 2, 0);
	ck_put16(msg + 2, fx_cksum(ck_cksum_add(0, msg, sizeof(msg))));
	ip_input(h, fx_ip(em0, PEER, SELF, IPPROTO_ICMP, 64, 0, msg,
	    sizeof(msg)));
	ck_assert_uint_eq(h->icmpstat.unreach, 1);
	ck_assert_uint_eq(h->icmpstat.needfrag, 1);
	ck_assert_uint_eq(h->icmpstat.timxceed, 1);
}
END_TEST

/* An unknown protocol (SCTP: no host loads it): ICMP protocol
 * unreachable (3/2), noproto. */
START_TEST(test_noproto)
{
	uint8_t pl[16] = { 0 };
	const uint8_t *p;

	ip_input(h, fx_ip(em0, PEER, SELF, 132, 64, 0, pl, sizeof(pl)));
	ck_assert_uint_eq(h->ipstat.noproto, 1);
	ck_assert_uint_eq(h->ipstat.delivered, 0);
	ck_assert_uint_eq(fx_sent->len, 1);
	p = fx_sent_data(0);
	ck_assert_uint_eq(p[20], 3);
	ck_assert_uint_eq(p[21], 2);
}
END_TEST

/* ---- UDP ------------------------------------------------------------- */

/*
 * A datagram to a port nobody listens on: udp.noport and ICMP port
 * unreachable (3/3) from the address it was sent to, quoting 28 bytes.
 */
START_TEST(test_udp_noport)
{
	uint8_t dg[40];
	uint32_t n = fx_udp(dg, PEER, SELF, 5000, 9, 32);
	const uint8_t *p;

	ip_input(h, fx_ip(em0, PEER, SELF, IPPROTO_UDP, 64, 0, dg, n));
	ck_assert_uint_eq(h->udpstat.noport, 1);
	ck_assert_uint_eq(h->udpstat.received, 0);
	ck_assert_uint_eq(fx_sent->len, 1);
	p = fx_sent_data(0);
	ck_assert_uint_eq(sent_len(0), 20 + 8 + 28);
	ck_assert_uint_eq(ck_get32(p + 12), SELF);
	ck_assert_uint_eq(p[20], 3);
	ck_assert_uint_eq(p[21], 3);
	ck_assert_uint_eq(ck_get16(p + 48), 5000);
	/* A bad UDP checksum: udp.badsum, no ICMP. */
	dg[7] ^= 0x40;
	ip_input(h, fx_ip(em0, PEER, SELF, IPPROTO_UDP, 64, 0, dg, n));
	ck_assert_uint_eq(h->udpstat.badsum, 1);
	ck_assert_uint_eq(fx_sent->len, 1);
}
END_TEST

/*
 * The quote of an error: icmp_error()'s icmpelen = max(8,
 * min(icmp_quotelen, ip_len - hlen)).  6.x quotelen 8: header + 8 bytes,
 * 20 + 8 + 28 = 56 bytes.  14's 548 (RFC 1812): of a 1000-byte UDP
 * payload (1008 data bytes) 548 are quoted: 20 + 8 + 20 + 548 = 596.  A
 * datagram with less data is quoted whole (32 + 8 bytes of data: 40).
 */
static void
quote_len(int release, uint32_t payload, uint32_t want)
{
	uint8_t dg[1100];
	uint32_t n = fx_udp(dg, PEER, SELF, 5000, 9, payload);

	h->release = release;
	ip_input(h, fx_ip(em0, PEER, SELF, IPPROTO_UDP, 64, 0, dg, n));
	ck_assert_uint_eq(fx_sent->len, 1);
	ck_assert_uint_eq(sent_len(0), want);
	ck_assert(fx_cksum_ok(fx_sent_data(0) + 20, want - 20));
}

START_TEST(test_quotelen_release6)
{
	quote_len(RELEASE_6, 1000, 20 + 8 + 20 + 8);
}
END_TEST

START_TEST(test_quotelen_release14)
{
	quote_len(RELEASE_14, 1000, 20 + 8 + 20 + 548);
}
END_TEST

START_TEST(test_quotelen_release14_short)
{
	quote_len(RELEASE_14, 32, 20 + 8 + 20 + 40);
}
END_TEST

/* listen udp 7 echo: the datagram goes back from port 7 to 5000, same
 * payload, right UDP checksum; a second listener on 7 is refused. */
START_TEST(test_udp_echo)
{
	uint8_t dg[40];
	uint32_t n = fx_udp(dg, PEER, SELF, 5000, 7, 32);
	const uint8_t *p;

	ck_assert_int_eq(app_udp_listen(h, 7, true), 0);
	ck_assert_int_eq(app_udp_listen(h, 7, false), EADDRINUSE);
	ip_input(h, fx_ip(em0, PEER, SELF, IPPROTO_UDP, 64, 0, dg, n));
	ck_assert_uint_eq(h->udpstat.received, 1);
	ck_assert_uint_eq(fx_sent->len, 1);
	p = fx_sent_data(0);
	ck_assert_uint_eq(ck_get32(p + 12), SELF);
	ck_assert_uint_eq(ck_get32(p + 16), PEER);
	ck_assert_uint_eq(ck_get16(p + 20), 7);
	ck_assert_uint_eq(ck_get16(p + 22), 5000);
	ck_assert_uint_eq(ck_get16(p + 24), 40);
	EXPECT_BYTES(p + 28, dg + 8, 32);
	ck_assert(fx_udp_cksum_ok(p));
	fx_sockets_left(h, 1, 0);	/* the listener */
}
END_TEST

/*
 * send udp 10.0.0.2:53 -c 3 -i 10ms -s 100: three datagrams at 0, 10 and
 * 20 ms from the first ephemeral port, 49152, payload byte i = i.
 */
START_TEST(test_udp_send)
{
	guint i, k;

	ck_assert_int_eq(app_udp_send_start(h, PEER, 53, 0, 3,
	    10 * 1000000ull, 100, false, 64), 0);
	/* -p 49152 is now taken. */
	ck_assert_int_eq(app_udp_send_start(h, PEER, 53, 49152, 1, 0, 1,
	    false, 64), EADDRINUSE);
	ns3_run_until(1000000000ull);
	ck_assert_uint_eq(fx_sent->len, 3);
	for (i = 0; i < 3; i++) {
		const uint8_t *p = fx_sent_data(i);

		ck_assert_uint_eq(sent_len(i), 20 + 8 + 100);
		ck_assert_uint_eq(ck_get16(p + 20), 49152);
		ck_assert_uint_eq(ck_get16(p + 22), 53);
		ck_assert(fx_udp_cksum_ok(p));
		for (k = 0; k < 100; k++)
			ck_assert_uint_eq(p[28 + k], k);
	}
	/* An echo back to 49152 is counted by the sending socket. */
	{
		uint8_t dg[40];
		uint32_t n = fx_udp(dg, PEER, SELF, 53, 49152, 32);

		ip_input(h, fx_ip(em0, PEER, SELF, IPPROTO_UDP, 64, 0, dg,
		    n));
		ck_assert_uint_eq(h->udpstat.received, 1);
	}
	fx_sockets_left(h, 1, 0);	/* the sender, counting echoes */
}
END_TEST

/* ---- ping ------------------------------------------------------------ */

/*
 * ping -c 3 -i 1s -s 56 10.0.0.2: echo requests seq 0, 1, 2 with one id,
 * 64-byte messages, the data after the 8-byte time stamp byte i = i.
 * Replies to seq 0 (twice) and 2 give received 2, duplicates 1.
 */
START_TEST(test_ping)
{
	uint16_t id;
	guint i, k;
	uint8_t rep[64];

	ck_assert_int_eq(app_ping_start(h, PEER, 3, 1000000000ull, 56, false,
	    64), 0);
	ns3_run_until(10 * 1000000000ull);
	ck_assert_uint_eq(fx_sent->len, 3);
	ck_assert_uint_eq(counters_get(fx_sim.counters, "h.ping.sent", NULL),
	    3);
	id = ck_get16(fx_sent_data(0) + 24);
	for (i = 0; i < 3; i++) {
		const uint8_t *p = fx_sent_data(i);

		ck_assert_uint_eq(sent_len(i), 84);
		ck_assert_uint_eq(p[20], 8);
		ck_assert_uint_eq(ck_get16(p + 24), id);
		ck_assert_uint_eq(ck_get16(p + 26), i);
		ck_assert(fx_cksum_ok(p + 20, 64));
		/* Time stamp: seconds of the send time (0, 1, 2). */
		ck_assert_uint_eq(ck_get32(p + 28), i);
		for (k = 8; k < 56; k++)
			ck_assert_uint_eq(p[28 + k], k);
	}
	fx_echo(rep, 0, id, 0, 56);
	ip_input(h, fx_ip(em0, PEER, SELF, IPPROTO_ICMP, 64, 0, rep, 64));
	ip_input(h, fx_ip(em0, PEER, SELF, IPPROTO_ICMP, 64, 0, rep, 64));
	fx_echo(rep, 0, id, 2, 56);
	ip_input(h, fx_ip(em0, PEER, SELF, IPPROTO_ICMP, 64, 0, rep, 64));
	/* Another id: not ours. */
	fx_echo(rep, 0, (uint16_t)(id + 1), 1, 56);
	ip_input(h, fx_ip(em0, PEER, SELF, IPPROTO_ICMP, 64, 0, rep, 64));
	ck_assert_uint_eq(h->icmpstat.echo_replies, 4);
	ck_assert_uint_eq(counters_get(fx_sim.counters, "h.ping.received",
	    NULL), 2);
	ck_assert_uint_eq(counters_get(fx_sim.counters, "h.ping.duplicates",
	    NULL), 1);
	fx_sockets_left(h, 0, 1);
}
END_TEST

/* An echo reply with 56 data bytes whose tv32 says sec, nsec. */
static void
stamped_reply(uint16_t id, uint16_t seq, uint32_t sec, uint32_t nsec)
{
	uint8_t rep[64];

	fx_echo(rep, 0, id, seq, 56);
	ck_put32(rep + 8, sec);
	ck_put32(rep + 12, nsec);
	fx_cksum_fill(rep, 64, 2);
	ip_input(h, fx_ip(em0, PEER, SELF, IPPROTO_ICMP, 64, 0, rep, 64));
}

/*
 * The time of a reply received at 10 s, as ping.c's pr_pack() computes it
 * from the tv32 in the reply: now - stamp with timespecsub(), a negative
 * time printed as 0.  The stamp's seconds are 32 bits: 0xffffffff is
 * 2^32 - 1 s, 11 s before 2^32 + 10 s, not a time 4294967285 s ahead.
 */
START_TEST(test_ping_triptime)
{
	uint16_t id;

	/* The clock stops at the last event: the 11th request, at 10 s. */
	ck_assert_int_eq(app_ping_start(h, PEER, 11, 1000000000ull, 56,
	    false, 64), 0);
	ns3_run_until(10500000000ull);
	ck_assert_uint_eq(fx_sent->len, 11);
	ck_assert_uint_eq(sim_now(), 10 * 1000000000ull);
	id = ck_get16(fx_sent_data(0) + 24);
	/* 10.000000000 - 9.998765432 = 1.234568 ms */
	stamped_reply(id, 0, 9, 998765432);
	ck_assert(fx_log_has("icmp_seq=0 time=1.235 ms\n"));
	ck_assert(strstr(fx_jsonl(), "\"rtt_ns\":1234568") != NULL);
	/* nanoseconds borrowed: 10.0 - 8.999999999 = 1000.000001 ms */
	stamped_reply(id, 1, 8, 999999999);
	ck_assert(fx_log_has("icmp_seq=1 time=1000.000 ms\n"));
	ck_assert(strstr(fx_jsonl(), "\"rtt_ns\":1000000001") != NULL);
	/* a stamp 1 ns ahead of now: clamped to 0 */
	stamped_reply(id, 2, 10, 1);
	ck_assert(fx_log_has("icmp_seq=2 time=0.000 ms\n"));
	/* 32-bit seconds: 0xffffffff is 11 s ago */
	stamped_reply(id, 3, 0xffffffffu, 0);
	ck_assert(fx_log_has("icmp_seq=3 time=11000.000 ms\n"));
	ck_assert(strstr(fx_jsonl(), "\"rtt_ns\":11000000000") != NULL);
	ck_assert_uint_eq(counters_get(fx_sim.counters, "h.ping.received",
	    NULL), 4);
	fx_sockets_left(h, 0, 1);
}
END_TEST

/*
 * ping -s 8: the tv32 is sent, but pr_pack() wants sizeof(struct
 * timespec) (16 on amd64) data bytes in a reply to time it: the reply of
 * 16 ICMP bytes has no time, and timing is off from then on (the next
 * request keeps the first one's stamp, as ping.c's outpack does).
 */
START_TEST(test_ping_short_no_time)
{
	uint8_t rep[16];

	ck_assert_int_eq(app_ping_start(h, PEER, 2, 1000000000ull, 8, false,
	    64), 0);
	ns3_run_until(500000000ull);
	ck_assert_uint_eq(fx_sent->len, 1);
	/* The request turned into its reply: same id, seq and data. */
	memcpy(rep, fx_sent_data(0) + 20, 16);
	rep[0] = 0;
	fx_cksum_fill(rep, 16, 2);
	ip_input(h, fx_ip(em0, PEER, SELF, IPPROTO_ICMP, 64, 0, rep, 16));
	ck_assert(fx_log_has("ping: 16 bytes from 10.0.0.2: icmp_seq=0\n"));
	ck_assert(strstr(fx_jsonl(), "rtt_ns") == NULL);
	ns3_run_until(1500000000ull);
	ck_assert_uint_eq(fx_sent->len, 2);
	/* Sent at 1 s, still stamped 0 s. */
	ck_assert_uint_eq(ck_get32(fx_sent_data(1) + 28), 0);
	fx_sockets_left(h, 0, 1);
}
END_TEST

/* ping 10.0.0.1 (ourselves): through lo0 and back, answered locally. */
START_TEST(test_ping_self_via_lo0)
{

	ck_assert_int_eq(app_ping_start(h, SELF, 2, 1000000000ull, 56, false,
	    64), 0);
	ns3_run_until(10 * 1000000000ull);
	ck_assert_uint_eq(fx_sent->len, 0);
	ck_assert_uint_eq(host_lo0(h)->if_opackets, 4);
	ck_assert_uint_eq(h->icmpstat.echo_requests, 2);
	ck_assert_uint_eq(h->icmpstat.echo_replies, 2);
	ck_assert_uint_eq(counters_get(fx_sim.counters, "h.ping.received",
	    NULL), 2);
	/* Requests and replies: originated 4, received 4, delivered 4. */
	ck_assert_uint_eq(h->ipstat.sent, 4);
	ck_assert_uint_eq(h->ipstat.received, 4);
	ck_assert_uint_eq(h->ipstat.delivered, 4);
	ck_assert(fx_log_has("lo0 >"));
	fx_sockets_left(h, 0, 1);
}
END_TEST

/* Events: a drop line carries its reason and the summary. */
START_TEST(test_drop_event_text)
{
	uint8_t pl[8] = { 0 };
	struct pkt *m = fx_ip(em0, PEER, SELF, IPPROTO_UDP, 64, 0, pl, 8);

	m->data[10] ^= 1;
	ip_input(h, m);
	ck_assert(fx_log_has("drop badsum em0"));
	ck_assert_str_eq(drop_reason_name(DROP_LOOP), "loop");
	ck_assert_str_eq(drop_reason_name(DROP_DIVERT_NOPORT),
	    "no-divert-socket");
}
END_TEST

/* ---- with the firewall and a real link ------------------------------ */

/*
 * ipfw on, no rule but the default (deny): an originated datagram is
 * refused at the OUT hook with EACCES on release 6 and counted in
 * ipfw.denied; nothing reaches the interface.
 */
START_TEST(test_output_denied_by_default_rule)
{
	uint8_t pl[8] = { 0 };

	ck_assert_int_eq(ipfw_attach(h), 0);
	h->sysctl.fw_enable = true;
	ck_assert_int_eq(ip_send(h, 0, PEER, IPPROTO_UDP, 64, 0, false, pl,
	    sizeof(pl)), EACCES);
	ck_assert_uint_eq(h->fw_denied, 1);
	ck_assert_uint_eq(fx_sent->len, 0);
	/* Incoming: denied at the IN hook, never delivered. */
	ip_input(h, fx_ip(em0, PEER, SELF, IPPROTO_UDP, 64, 0, pl, 8));
	ck_assert_uint_eq(h->fw_denied, 2);
	ck_assert_uint_eq(h->ipstat.delivered, 0);
}
END_TEST

/*
 * Host h (em2) and host b joined by an ns-3 link whose queue holds one
 * packet.  Ten datagrams handed over at once: the first goes straight
 * to the idle transmitter, the second waits in the queue, the other
 * eight find it full (h.if.em2.qdrops == 8).  The two that cross reach b,
 * where no socket listens: two ICMP port unreachables come back.
 */
START_TEST(test_link_queue_and_input)
{
	struct host *b = fx_host("b", RELEASE_6, FX_FW_OFF);
	struct ifnet *em2 = fx_if(h, "em2", A(172, 16, 0, 1), 30);
	struct ifnet *bem0 = fx_if(b, "em0", A(172, 16, 0, 2), 30);
	uint8_t pl[100];
	uint32_t n;
	bool exists;
	int i;

	n = fx_udp(pl, A(172, 16, 0, 1), A(172, 16, 0, 2), 5000, 9, 92);
	if_link(em2, bem0, 10000000, 1000000, 1500, 1);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(ip_send(h, 0, A(172, 16, 0, 2), IPPROTO_UDP,
		    64, 0, false, pl, n), 0);
	ck_assert_uint_eq(counters_get(fx_sim.counters, "h.if.em2.qdrops",
	    &exists), 8);
	ck_assert(exists);
	ns3_run_until(5 * 1000000000ull);
	ck_assert_uint_eq(b->ipstat.received, 2);
	ck_assert_uint_eq(bem0->if_ipackets, 2);
	ck_assert_uint_eq(b->icmpstat.errors_sent, 2);
	ck_assert_uint_eq(b->udpstat.noport, 2);
	ck_assert_uint_eq(h->icmpstat.unreach, 2);
	ck_assert_uint_eq(fx_sent->len, 0);
}
END_TEST

static Suite *
ip_output_suite(void)
{
	const TTest *const tests[] = {
		test_fragment_udp_4000_over_576,
		test_df_too_big,
		test_ip_fragment_keeps_mf,
		test_output_header_and_noroute, test_output_flags,
		test_output_loopback_source_refused,
		test_input_checks,
		test_forward_ttl_exceeded,
		test_forward_needfrag, test_tryforward_needfrag,
		test_tryforward_ok_noroute,
		test_forward_ok,
		test_echo_reply,
		test_icmp_error_refusals,
		test_noproto,
		test_udp_noport, test_quotelen_release6,
		test_quotelen_release14, test_quotelen_release14_short,
		test_udp_echo,
		test_udp_send,
		test_ping,
		test_ping_triptime,
		test_ping_short_no_time,
		test_ping_self_via_lo0,
		test_drop_event_text,
		test_output_denied_by_default_rule,
		test_link_queue_and_input,
		NULL
	};

	return (check_suite("ip_output", tests, setup, fx_fini));
}

CHECK_MAIN(ip_output_suite())

/*
 * Byte-exact tests of the Internet checksum and the IPv4, UDP and ICMP
 * wire views, reprs and the one-line printer.  Each header is a static
 * byte array; expected values are worked out by hand from the bytes (the
 * derivations are in the comments).
 */
#include <netinet/in.h>
#include <string.h>

#include <glib.h>

#include "check_util.h"
#include "pkt/in_cksum.h"
#include "wire/wire_icmp.h"
#include "wire/wire_ip.h"
#include "wire/wire_print.h"
#include "wire/wire_tcp.h"
#include "wire/wire_udp.h"
#include "sim/sim_names.h"

/*
 * A real IPv4 header (the usual textbook/Wikipedia example): version 4,
 * IHL 5, tos 0, total length 0x73 = 115, id 0, flags 0x4000 = DF,
 * offset 0, ttl 0x40 = 64, protocol 0x11 = 17 (UDP), checksum 0xb861,
 * src c0 a8 00 01 = 192.168.0.1, dst c0 a8 00 c7 = 192.168.0.199.
 */
static const uint8_t ip_hdr[20] = {
	0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
	0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01,
	0xc0, 0xa8, 0x00, 0xc7,
};

/*
 * A UDP datagram from 192.168.0.1 to 192.168.0.199: sport c0 00 = 49152,
 * dport 00 35 = 53, length 00 0c = 12, payload "abcd".  Checksum by hand:
 * pseudo-header c0a8+0001+c0a8+00c7+0011+000c = 0x18235; then the
 * datagram with the sum field as 0: +c000 = 0x24235, +0035 = 0x2426a,
 * +000c = 0x24276, +6162 = 0x2a3d8, +6364 = 0x3073c; fold: 0x073c+3 =
 * 0x073f; complement: 0xf8c0.
 */
static const uint8_t udp_dgram[12] = {
	0xc0, 0x00, 0x00, 0x35, 0x00, 0x0c, 0xf8, 0xc0,
	0x61, 0x62, 0x63, 0x64,
};

/*
 * ICMP echo request, id 1, seq 0, data "abcd".  Checksum by hand:
 * 0800+0001+0000+6162+6364 = 0xccc7, complement 0x3338.
 */
static const uint8_t icmp_echo[12] = {
	0x08, 0x00, 0x33, 0x38, 0x00, 0x01, 0x00, 0x00,
	0x61, 0x62, 0x63, 0x64,
};

/*
 * ICMP unreachable, need to frag, next-hop MTU 05 78 = 1400 (RFC 1191),
 * quoting ip_hdr and the first 8 bytes of its UDP header (49152 -> 53,
 * length 0x5f = 95 = 115 - 20).  Checksum 0x36ef from a separate RFC 1071
 * computation (Python, 16-bit big-endian words, end-around carry).
 */
static const uint8_t icmp_needfrag[36] = {
	0x03, 0x04, 0x36, 0xef, 0x00, 0x00, 0x05, 0x78,
	0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
	0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01,
	0xc0, 0xa8, 0x00, 0xc7,
	0xc0, 0x00, 0x00, 0x35, 0x00, 0x5f, 0x00, 0x00,
};

#define	A_192_168_0_1	0xc0a80001u
#define	A_192_168_0_199	0xc0a800c7u

/* RFC 1071 section 3's example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2,
 * so the checksum is ~0xddf2 = 0x220d. */
START_TEST(test_cksum_rfc1071)
{
	static const uint8_t b[8] = {
		0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7
	};

	ck_assert_uint_eq(in_cksum_finish(in_cksum_add(0, b, 8)), 0x220d);
	ck_assert_uint_eq(in_cksum(b, 8), 0x220d);
	/* Split in two even pieces: the same sum. */
	ck_assert_uint_eq(in_cksum_finish(in_cksum_add(in_cksum_add(0, b, 2),
	    b + 2, 6)), 0x220d);
	/* Odd length: 00 01 f2 -> 0x0001 + 0xf200 = 0xf201 -> 0x0dfe. */
	ck_assert_uint_eq(in_cksum(b, 3), 0x0dfe);
	/* Nothing: sum 0, checksum 0xffff. */
	ck_assert_uint_eq(in_cksum(b, 0), 0xffff);
}
END_TEST

/* The real header: 4500+0073+0000+4000+4011+c0a8+0001+c0a8+00c7 =
 * 0x2479c, folded 0x479e, complemented 0xb861. */
START_TEST(test_cksum_ip_header)
{
	uint8_t h[20];

	ck_assert_uint_eq(in_cksum(ip_hdr, 20), 0);	/* valid: sums to 0 */
	memcpy(h, ip_hdr, 20);
	h[10] = h[11] = 0;
	ck_assert_uint_eq(in_cksum(h, 20), 0xb861);
	ck_assert_uint_eq(ip_sum_compute(ip_hdr), 0xb861);
	ck_assert(ip_sum_ok(ip_hdr));
	ip_sum_fill(h);
	EXPECT_BYTES(h, ip_hdr, 20);
	h[8] = 0x3f;				/* ttl 63, sum now stale */
	ck_assert(!ip_sum_ok(h));
}
END_TEST

START_TEST(test_cksum_update)
{
	uint8_t h[20];
	uint16_t inc;

	/*
	 * TTL 64 -> 63 changes the word at offset 8 from 0x4011 to 0x3f11:
	 * the full sum drops by 0x100 to 0x2469c, folded 0x469e, checksum
	 * 0xb961.  Eqn. 3: ~(~b861 + ~4011 + 3f11) = ~(479e + bfee + 3f11)
	 * = ~(0x1469d -> 0x469e) = 0xb961.
	 */
	ck_assert_uint_eq(in_cksum_update(0xb861, 0x4011, 0x3f11), 0xb961);

	/* RFC 1624 section 4's example, where eqn. 2 gives 0xffff: HC
	 * 0xdd2f, m 0x5555, m' 0x3285, right answer 0x0000. */
	ck_assert_uint_eq(in_cksum_update(0xdd2f, 0x5555, 0x3285), 0x0000);

	/* Incremental equals full recomputation for every TTL, and for an
	 * address rewrite (32 bits). */
	memcpy(h, ip_hdr, 20);
	for (unsigned ttl = 0; ttl < 256; ttl++) {
		uint16_t old_word = wire_get16(h + 8);
		uint16_t old_sum = ip_get_sum(h);

		ip_set_ttl(h, (uint8_t)ttl);
		inc = in_cksum_update(old_sum, old_word, wire_get16(h + 8));
		ck_assert_uint_eq(inc, ip_sum_compute(h));
		ip_set_sum(h, inc);
		ck_assert(ip_sum_ok(h));
	}
	inc = in_cksum_update32(ip_get_sum(h), ip_get_src(h), 0x0a000002u);
	ip_set_src(h, 0x0a000002u);
	ck_assert_uint_eq(inc, ip_sum_compute(h));
}
END_TEST

START_TEST(test_be_helpers)
{
	uint8_t b[4] = { 0 };

	wire_put16(b, 0x1234);
	ck_assert_uint_eq(b[0], 0x12);
	ck_assert_uint_eq(b[1], 0x34);
	ck_assert_uint_eq(wire_get16(b), 0x1234);
	wire_put32(b, 0xc0a800c7u);
	ck_assert_uint_eq(b[0], 0xc0);
	ck_assert_uint_eq(b[3], 0xc7);
	ck_assert_uint_eq(wire_get32(b), 0xc0a800c7u);
}
END_TEST

START_TEST(test_ip_getters)
{
	ck_assert_uint_eq(ip_get_version(ip_hdr), 4);
	ck_assert_uint_eq(ip_get_hlen_bytes(ip_hdr), 20);	/* IHL 5 * 4 */
	ck_assert_uint_eq(ip_get_tos(ip_hdr), 0);
	ck_assert_uint_eq(ip_get_len_bytes(ip_hdr), 115);
	ck_assert_uint_eq(ip_get_id(ip_hdr), 0);
	ck_assert_uint_eq(ip_get_off_field(ip_hdr), 0x4000);
	ck_assert(ip_get_df(ip_hdr));
	ck_assert(!ip_get_mf(ip_hdr));
	ck_assert_uint_eq(ip_get_off_frag_units(ip_hdr), 0);
	ck_assert_uint_eq(ip_get_off_bytes(ip_hdr), 0);
	ck_assert(!ip_is_fragment(ip_hdr));
	ck_assert_uint_eq(ip_get_ttl(ip_hdr), 64);
	ck_assert_uint_eq(ip_get_proto(ip_hdr), IPPROTO_UDP);
	ck_assert_uint_eq(ip_get_sum(ip_hdr), 0xb861);
	ck_assert_uint_eq(ip_get_src(ip_hdr), A_192_168_0_1);
	ck_assert_uint_eq(ip_get_dst(ip_hdr), A_192_168_0_199);
}
END_TEST

/* Build the example header field by field from zeroes: the same bytes. */
START_TEST(test_ip_setters)
{
	uint8_t h[20];

	memset(h, 0, sizeof(h));
	ip_set_version(h, 4);
	ip_set_hlen_bytes(h, 20);
	ip_set_tos(h, 0);
	ip_set_len_bytes(h, 115);
	ip_set_id(h, 0);
	ip_set_df(h, true);
	ip_set_ttl(h, 64);
	ip_set_proto(h, IPPROTO_UDP);
	ip_set_src(h, A_192_168_0_1);
	ip_set_dst(h, A_192_168_0_199);
	ip_set_sum(h, 0xb861);
	EXPECT_BYTES(h, ip_hdr, 20);

	/*
	 * Fragment fields: MF plus offset 185 units (1480 bytes) gives
	 * ip_off 0x2000 | 0x00b9 = 0x20b9, bytes 20 b9 (DF cleared first).
	 */
	ip_set_df(h, false);
	ip_set_mf(h, true);
	ip_set_off_bytes(h, 1480);
	ck_assert_uint_eq(h[6], 0x20);
	ck_assert_uint_eq(h[7], 0xb9);
	ck_assert_uint_eq(ip_get_off_frag_units(h), 185);
	ck_assert(ip_is_fragment(h));
	/* Setting the offset keeps the flags; setting a flag keeps the
	 * offset: DF|MF|1 unit = 0x6001. */
	ip_set_off_frag_units(h, 1);
	ip_set_df(h, true);
	ck_assert_uint_eq(ip_get_off_field(h), 0x6001);
	ip_set_mf(h, false);
	ck_assert_uint_eq(ip_get_off_field(h), 0x4001);
	/* hlen 24 (one option word): IHL 6, version untouched: 0x46. */
	ip_set_hlen_bytes(h, 24);
	ck_assert_uint_eq(h[0], 0x46);
	ip_set_version(h, 6);
	ck_assert_uint_eq(h[0], 0x66);
	/* Every other byte: tos 0xb8 (EF), id 0xbeef, proto 1. */
	ip_set_tos(h, 0xb8);
	ip_set_id(h, 0xbeef);
	ip_set_proto(h, IPPROTO_ICMP);
	ck_assert_uint_eq(h[1], 0xb8);
	ck_assert_uint_eq(h[4], 0xbe);
	ck_assert_uint_eq(h[5], 0xef);
	ck_assert_uint_eq(h[9], 1);
}
END_TEST

START_TEST(test_ip_check_len)
{
	uint8_t h[24];

	/* The real header is exactly 20 bytes but claims 115. */
	ck_assert_int_eq(ip_check_len(ip_hdr, 20), IP_CHECK_TRUNCATED);
	ck_assert_int_eq(ip_check_len(ip_hdr, 19), IP_CHECK_TOOSHORT);
	ck_assert_int_eq(ip_check_len(ip_hdr, 0), IP_CHECK_TOOSHORT);
	memcpy(h, ip_hdr, 20);
	memset(h + 20, 0, 4);
	ip_set_len_bytes(h, 20);
	ck_assert_int_eq(ip_check_len(h, 20), IP_CHECK_OK);
	/* Longer buffer than ip_len (link padding) is fine. */
	ck_assert_int_eq(ip_check_len(h, 24), IP_CHECK_OK);
	ip_set_len_bytes(h, 19);
	ck_assert_int_eq(ip_check_len(h, 24), IP_CHECK_BADLEN);
	ip_set_len_bytes(h, 24);
	ip_set_hlen_bytes(h, 16);
	ck_assert_int_eq(ip_check_len(h, 24), IP_CHECK_BADHLEN);
	ip_set_hlen_bytes(h, 24);
	ck_assert_int_eq(ip_check_len(h, 24), IP_CHECK_OK);
	/* An options header longer than the buffer. */
	ck_assert_int_eq(ip_check_len(h, 20), IP_CHECK_BADHLEN);
	ip_set_version(h, 6);
	ck_assert_int_eq(ip_check_len(h, 24), IP_CHECK_BADVERS);
	ck_assert_str_eq(ip_check_name(IP_CHECK_BADVERS), "badvers");
}
END_TEST

START_TEST(test_ip_repr)
{
	uint8_t h[115];
	struct ip_repr r, r2;

	memset(h, 0, sizeof(h));
	memcpy(h, ip_hdr, 20);
	ck_assert_int_eq(ip_repr_parse(h, sizeof(h), &r), IP_CHECK_OK);
	ck_assert_uint_eq(r.src, A_192_168_0_1);
	ck_assert_uint_eq(r.dst, A_192_168_0_199);
	ck_assert_uint_eq(r.proto, 17);
	ck_assert_uint_eq(r.ttl, 64);
	ck_assert_uint_eq(r.tos, 0);
	ck_assert_uint_eq(r.id, 0);
	ck_assert(r.df);
	ck_assert(!r.mf);
	ck_assert_uint_eq(r.off_bytes, 0);
	ck_assert_uint_eq(r.hlen_bytes, 20);
	ck_assert_uint_eq(r.payload_len_bytes, 95);	/* 115 - 20 */
	ck_assert(r.sum_ok);

	/* Emit reproduces the header byte for byte (checksum included). */
	memset(h, 0xaa, 20);
	ck_assert_uint_eq(ip_repr_emit(&r, h), 20);
	EXPECT_BYTES(h, ip_hdr, 20);

	/* A round trip of a fragment with every field non-zero. */
	r.tos = 0x10; r.id = 4242; r.df = false; r.mf = true;
	r.off_bytes = 2960; r.ttl = 1; r.proto = 1; r.payload_len_bytes = 8;
	ip_repr_emit(&r, h);
	ck_assert_int_eq(ip_repr_parse(h, 28, &r2), IP_CHECK_OK);
	ck_assert_uint_eq(r2.id, 4242);
	ck_assert(r2.mf && !r2.df);
	ck_assert_uint_eq(r2.off_bytes, 2960);
	ck_assert_uint_eq(r2.payload_len_bytes, 8);
	ck_assert_uint_eq(r2.tos, 0x10);
	ck_assert(r2.sum_ok);
	/* A wrong checksum is reported, not refused. */
	h[11] ^= 1;
	ck_assert_int_eq(ip_repr_parse(h, 28, &r2), IP_CHECK_OK);
	ck_assert(!r2.sum_ok);
	/* Truncated input: r is untouched, the verdict names the problem. */
	ck_assert_int_eq(ip_repr_parse(h, 27, &r2), IP_CHECK_TRUNCATED);
	ck_assert_int_eq(ip_repr_parse(h, 10, &r2), IP_CHECK_TOOSHORT);
}
END_TEST

/* Store a right header checksum over the 20 bytes at p (by RFC 1071). */
static void
ref_sum20(uint8_t *p)
{

	ck_put16(p + 10, 0);
	ck_put16(p + 10, (uint16_t)~ck_cksum_fold(ck_cksum_add(0, p, 20)));
}

/*
 * ip_input_check() follows FreeBSD's ip_input(): tooshort, badvers,
 * badhlen, then 127/8 (badaddr) and the checksum before ip_len (badlen,
 * and tooshort again for fewer bytes than ip_len).
 */
START_TEST(test_ip_input_check)
{
	uint8_t h[115];
	struct ip_repr r;

	memset(h, 0, sizeof(h));
	memcpy(h, ip_hdr, 20);
	ck_assert_int_eq(ip_input_check(h, sizeof(h), false, &r), IP_CHECK_OK);
	ck_assert_uint_eq(r.payload_len_bytes, 95);
	ck_assert_int_eq(ip_input_check(h, 19, false, &r), IP_CHECK_TOOSHORT);
	/* ip_len 115 in 60 bytes. */
	ck_assert_int_eq(ip_input_check(h, 60, false, &r), IP_CHECK_TRUNCATED);
	/* A bad checksum wins over the short buffer: it is tested first. */
	h[11] ^= 1;
	ck_assert_int_eq(ip_input_check(h, 60, false, &r), IP_CHECK_BADSUM);
	ck_assert_int_eq(ip_input_check(h, 115, false, &r), IP_CHECK_BADSUM);
	/* ip_len 16 < hlen 20. */
	ck_put16(h + 2, 16);
	ref_sum20(h);
	ck_assert_int_eq(ip_input_check(h, 60, false, &r), IP_CHECK_BADLEN);
	h[11] ^= 1;
	ck_assert_int_eq(ip_input_check(h, 60, false, &r), IP_CHECK_BADSUM);
	/* 127.0.0.1 as source: only a loopback interface may carry it, and
	 * the address is tested before the checksum. */
	memcpy(h, ip_hdr, 20);
	h[12] = 127; h[13] = 0; h[14] = 0; h[15] = 1;
	ref_sum20(h);
	ck_assert_int_eq(ip_input_check(h, 115, false, &r), IP_CHECK_BADADDR);
	ck_assert_int_eq(ip_input_check(h, 115, true, &r), IP_CHECK_OK);
	h[11] ^= 1;
	ck_assert_int_eq(ip_input_check(h, 115, false, &r), IP_CHECK_BADADDR);
	ck_assert_int_eq(ip_input_check(h, 115, true, &r), IP_CHECK_BADSUM);
	/* Version 6, and a 24-byte header in 22 bytes. */
	memcpy(h, ip_hdr, 20);
	h[0] = 0x65;
	ck_assert_int_eq(ip_input_check(h, 115, false, &r), IP_CHECK_BADVERS);
	h[0] = 0x46;
	ck_assert_int_eq(ip_input_check(h, 22, false, &r), IP_CHECK_BADHLEN);
	ck_assert_str_eq(ip_check_name(IP_CHECK_BADADDR), "badaddr");
	ck_assert_str_eq(ip_check_name(IP_CHECK_BADSUM), "badsum");
}
END_TEST

START_TEST(test_udp_view)
{
	uint8_t u[12];
	struct udp_repr r;

	ck_assert_uint_eq(udp_get_sport(udp_dgram), 49152);
	ck_assert_uint_eq(udp_get_dport(udp_dgram), 53);
	ck_assert_uint_eq(udp_get_len_bytes(udp_dgram), 12);
	ck_assert_uint_eq(udp_get_sum(udp_dgram), 0xf8c0);
	ck_assert_uint_eq(udp_sum_compute(udp_dgram, A_192_168_0_1,
	    A_192_168_0_199), 0xf8c0);
	ck_assert(udp_sum_ok(udp_dgram, A_192_168_0_1, A_192_168_0_199));
	/* Another destination address: the pseudo-header differs. */
	ck_assert(!udp_sum_ok(udp_dgram, A_192_168_0_1, A_192_168_0_1));

	memset(u, 0, sizeof(u));
	memcpy(u + 8, "abcd", 4);
	udp_set_sport(u, 49152);
	udp_set_dport(u, 53);
	udp_set_len_bytes(u, 12);
	udp_set_sum(u, 0xf8c0);
	EXPECT_BYTES(u, udp_dgram, 12);

	/* Sum 0 means "no checksum": accepted whatever the data. */
	udp_set_sum(u, 0);
	u[8] = 'z';
	ck_assert(udp_sum_ok(u, A_192_168_0_1, A_192_168_0_199));

	ck_assert_int_eq(udp_check_len(udp_dgram, 12), UDP_CHECK_OK);
	ck_assert_int_eq(udp_check_len(udp_dgram, 7), UDP_CHECK_TOOSHORT);
	ck_assert_int_eq(udp_check_len(udp_dgram, 11), UDP_CHECK_BADLEN);
	memcpy(u, udp_dgram, 12);
	udp_set_len_bytes(u, 7);
	ck_assert_int_eq(udp_check_len(u, 12), UDP_CHECK_BADLEN);

	ck_assert_int_eq(udp_repr_parse(udp_dgram, 12, &r), UDP_CHECK_OK);
	ck_assert_uint_eq(r.sport, 49152);
	ck_assert_uint_eq(r.dport, 53);
	ck_assert_uint_eq(r.payload_len_bytes, 4);
	memset(u, 0, 8);
	memcpy(u + 8, "abcd", 4);
	ck_assert_uint_eq(udp_repr_emit(&r, u, A_192_168_0_1,
	    A_192_168_0_199, true), 8);
	EXPECT_BYTES(u, udp_dgram, 12);
	udp_repr_emit(&r, u, A_192_168_0_1, A_192_168_0_199, false);
	ck_assert_uint_eq(udp_get_sum(u), 0);
}
END_TEST

/*
 * RFC 768: a computed checksum of zero is sent as 0xffff.  Datagram
 * 0.0.0.0 -> 0.0.0.0, ports 0 -> 0, length 10, data 2 bytes chosen so the
 * total sum is 0xffff: pseudo 0x11 + 0xa, header 0xa, data D; 0x25 + D =
 * 0xffff gives D = 0xffda.
 */
START_TEST(test_udp_zero_sum)
{
	uint8_t u[10] = { 0, 0, 0, 0, 0x00, 0x0a, 0, 0, 0xff, 0xda };

	ck_assert_uint_eq(udp_sum_compute(u, 0, 0), 0xffff);
	udp_sum_fill(u, 0, 0);
	ck_assert(udp_sum_ok(u, 0, 0));
}
END_TEST

START_TEST(test_icmp_echo)
{
	uint8_t b[12];
	struct icmp_repr r;

	ck_assert_uint_eq(icmp_get_type(icmp_echo), ICMP_ECHO);
	ck_assert_uint_eq(icmp_get_code(icmp_echo), 0);
	ck_assert_uint_eq(icmp_get_sum(icmp_echo), 0x3338);
	ck_assert_uint_eq(icmp_get_echo_id(icmp_echo), 1);
	ck_assert_uint_eq(icmp_get_echo_seq(icmp_echo), 0);
	ck_assert(icmp_sum_ok(icmp_echo, 12));
	ck_assert_uint_eq(icmp_sum_compute(icmp_echo, 12), 0x3338);

	memset(b, 0, sizeof(b));
	icmp_set_type(b, ICMP_ECHO);
	icmp_set_code(b, 0);
	icmp_set_echo_id(b, 1);
	icmp_set_echo_seq(b, 0);
	memcpy(b + 8, "abcd", 4);
	icmp_sum_fill(b, 12);
	EXPECT_BYTES(b, icmp_echo, 12);
	/* seq 0x0102 lands in bytes 6-7. */
	icmp_set_echo_seq(b, 0x0102);
	ck_assert_uint_eq(b[6], 1);
	ck_assert_uint_eq(b[7], 2);

	ck_assert_int_eq(icmp_repr_parse(icmp_echo, 12, &r), ICMP_CHECK_OK);
	ck_assert_uint_eq(r.type, ICMP_ECHO);
	ck_assert_uint_eq(r.echo_id, 1);
	ck_assert_uint_eq(r.echo_seq, 0);
	ck_assert_uint_eq(r.data_len_bytes, 4);
	ck_assert(memcmp(r.data, "abcd", 4) == 0);
	ck_assert_uint_eq(icmp_repr_len(&r), 12);
	memset(b, 0, sizeof(b));
	ck_assert_uint_eq(icmp_repr_emit(&r, b), 12);
	EXPECT_BYTES(b, icmp_echo, 12);

	ck_assert_int_eq(icmp_check_len(icmp_echo, 7), ICMP_CHECK_TOOSHORT);
	ck_assert_int_eq(icmp_repr_parse(icmp_echo, 7, &r),
	    ICMP_CHECK_TOOSHORT);
}
END_TEST

START_TEST(test_icmp_needfrag)
{
	uint8_t b[36];
	struct icmp_repr r;

	ck_assert_uint_eq(icmp_get_type(icmp_needfrag), ICMP_UNREACH);
	ck_assert_uint_eq(icmp_get_code(icmp_needfrag),
	    ICMP_UNREACH_NEEDFRAG);
	ck_assert_uint_eq(icmp_get_nextmtu_bytes(icmp_needfrag), 1400);
	ck_assert(icmp_sum_ok(icmp_needfrag, 36));
	ck_assert_int_eq(icmp_repr_parse(icmp_needfrag, 36, &r),
	    ICMP_CHECK_OK);
	ck_assert_uint_eq(r.nextmtu_bytes, 1400);
	ck_assert_uint_eq(r.echo_id, 0);
	ck_assert_uint_eq(r.data_len_bytes, 28);
	ck_assert_uint_eq(ip_get_dst(r.data), A_192_168_0_199);
	memset(b, 0xee, sizeof(b));
	ck_assert_uint_eq(icmp_repr_emit(&r, b), 36);
	EXPECT_BYTES(b, icmp_needfrag, 36);

	/* The constants, from RFC 792 / FreeBSD's ip_icmp.h. */
	ck_assert_int_eq(ICMP_ECHOREPLY, 0);
	ck_assert_int_eq(ICMP_UNREACH, 3);
	ck_assert_int_eq(ICMP_ECHO, 8);
	ck_assert_int_eq(ICMP_TIMXCEED, 11);
	ck_assert_int_eq(ICMP_TIMXCEED_REASS, 1);
	ck_assert_int_eq(ICMP_UNREACH_FILTER_PROHIB, 13);
	ck_assert_int_eq(ICMP_UNREACH_PRECEDENCE_CUTOFF, 15);
	ck_assert(icmp_type_is_error(ICMP_UNREACH));
	ck_assert(icmp_type_is_error(ICMP_TIMXCEED));
	ck_assert(!icmp_type_is_error(ICMP_ECHO));
	ck_assert(!icmp_type_is_error(ICMP_ECHOREPLY));
}
END_TEST

/* Build an IPv4 datagram around an L4 payload for the printer tests. */
static size_t
mk_ip(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl,
    uint16_t id, bool mf, uint32_t off_bytes, const uint8_t *l4,
    size_t l4_len)
{
	struct ip_repr r;

	memset(&r, 0, sizeof(r));
	r.src = src;
	r.dst = dst;
	r.proto = proto;
	r.ttl = ttl;
	r.id = id;
	r.mf = mf;
	r.off_bytes = off_bytes;
	r.payload_len_bytes = (uint16_t)l4_len;
	ip_repr_emit(&r, buf);
	memcpy(buf + 20, l4, l4_len);
	return (20 + l4_len);
}

/*
 * A TCP SYN from 192.168.0.1.49152 to 192.168.0.199.80: seq 0x12345678,
 * ack 0, data offset 6 words (24 bytes), flags 0x02 (SYN), window 65535,
 * urgent 0, option MSS 1460 (02 04 05 b4).  Checksum by hand: pseudo-
 * header c0a8+0001+c0a8+00c7+0006+0018 (length 24) = 0x18236; segment
 * with the sum as 0: c000+0050+1234+5678+0000+0000+6002+ffff+0000+0000+
 * 0204+05b4 = 0x290b5; total 0x412eb, folded 0x12ef, complement 0xed10.
 */
static const uint8_t tcp_syn[24] = {
	0xc0, 0x00, 0x00, 0x50, 0x12, 0x34, 0x56, 0x78,
	0x00, 0x00, 0x00, 0x00, 0x60, 0x02, 0xff, 0xff,
	0xed, 0x10, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4,
};

START_TEST(test_print)
{
	uint8_t d[128], l4[64];
	char out[WIRE_PRINT_MAX];
	char a[INET_ADDRSTRLEN];
	size_t n;
	GString *s;

	ck_assert_str_eq(inet_addr_str(0xc0000a0au, a), "192.0.10.10");
	ck_assert_str_eq(inet_addr_str(0, a), "0.0.0.0");
	ck_assert_str_eq(inet_addr_str(0xffffffffu, a), "255.255.255.255");

	/* Echo request of 64 ICMP bytes (8 header + 56 data): tcpdump's
	 * "ICMP echo request, id 1, seq 0, length 64". */
	memset(l4, 0, sizeof(l4));
	l4[0] = ICMP_ECHO;
	l4[5] = 1;
	n = mk_ip(d, 0x0a000002u, 0xc000020au, IPPROTO_ICMP, 64, 7, false, 0,
	    l4, 64);
	wire_print_ip(out, sizeof(out), d, n);
	ck_assert_str_eq(out, "10.0.0.2 > 192.0.2.10: ICMP echo request, "
	    "id 1, seq 0, length 64 ttl 64");

	/* TCP: the SYN of test_tcp_view as tcpdump -S prints it, then the
	 * same header as an ACK|PUSH carrying 10 data bytes (seq A:A+10),
	 * then cut to 12 bytes: only the ports and the length. */
	memcpy(l4, tcp_syn, sizeof(tcp_syn));
	n = mk_ip(d, 0xc0a80001u, 0xc0a800c7u, IPPROTO_TCP, 64, 7, false, 0,
	    l4, sizeof(tcp_syn));
	wire_print_ip(out, sizeof(out), d, n);
	ck_assert_str_eq(out, "192.168.0.1.49152 > 192.168.0.199.80: Flags "
	    "[S], seq 305419896, win 65535, length 0 ttl 64");
	l4[13] = TH_ACK | TH_PUSH;
	l4[8] = 0x01;	/* ack 0x01000000 */
	n = mk_ip(d, 0xc0a80001u, 0xc0a800c7u, IPPROTO_TCP, 64, 7, false, 0,
	    l4, sizeof(tcp_syn) + 10);
	wire_print_ip(out, sizeof(out), d, n);
	ck_assert_str_eq(out, "192.168.0.1.49152 > 192.168.0.199.80: Flags "
	    "[P.], seq 305419896:305419906, ack 16777216, win 65535, "
	    "length 10 ttl 64");
	n = mk_ip(d, 0xc0a80001u, 0xc0a800c7u, IPPROTO_TCP, 64, 7, false, 0,
	    l4, 12);
	wire_print_ip(out, sizeof(out), d, n);
	ck_assert_str_eq(out, "192.168.0.1.49152 > 192.168.0.199.80: tcp 12 "
	    "ttl 64");

	/* UDP 49152 -> 53 with a 1200-byte payload (uh_ulen 1208) as the
	 * first fragment (id 4242, 1480 payload bytes, MF) at ttl 63. */
	memset(l4, 0, sizeof(l4));
	wire_put16(l4, 49152);
	wire_put16(l4 + 2, 53);
	wire_put16(l4 + 4, 1208);
	n = mk_ip(d, 0x0a000002u, 0xc000020au, IPPROTO_UDP, 63, 4242, true, 0,
	    l4, 8);
	ip_set_len_bytes(d, 1500);	/* claims 1480 payload bytes */
	ip_sum_fill(d);
	wire_print_ip(out, sizeof(out), d, 1500);
	ck_assert_str_eq(out, "10.0.0.2.49152 > 192.0.2.10.53: UDP, "
	    "length 1200 (frag 4242:1480@0+) ttl 63");
	/* Given only 28 of its 1500 bytes: said so. */
	wire_print_ip(out, sizeof(out), d, n);
	ck_assert_str_eq(out, "10.0.0.2.49152 > 192.0.2.10.53: UDP, "
	    "length 1200 (frag 4242:1480@0+) ttl 63 "
	    "[truncated-ip - 1472 bytes missing!]");

	/* The last fragment: offset 1480, no MF, 8 bytes; protocol only. */
	n = mk_ip(d, 0x0a000002u, 0xc000020au, IPPROTO_UDP, 63, 4242, false,
	    1480, l4, 8);
	wire_print_ip(out, sizeof(out), d, n);
	ck_assert_str_eq(out, "10.0.0.2 > 192.0.2.10: udp "
	    "(frag 4242:8@1480) ttl 63");

	/* Bad header checksum 0x1234. */
	ip_set_sum(d, 0x1234);
	wire_print_ip(out, sizeof(out), d, n);
	ck_assert_str_eq(out, "10.0.0.2 > 192.0.2.10: udp "
	    "(frag 4242:8@1480) ttl 63 [bad cksum 1234!]");

	/* Needfrag quoting the textbook header, port unreachable. */
	n = mk_ip(d, 0x0a000001u, A_192_168_0_1, IPPROTO_ICMP, 64, 1, false,
	    0, icmp_needfrag, 36);
	wire_print_ip(out, sizeof(out), d, n);
	ck_assert_str_eq(out, "10.0.0.1 > 192.168.0.1: ICMP 192.168.0.199 "
	    "unreachable - need to frag (mtu 1400), length 36 ttl 64");
	d[21] = ICMP_UNREACH_PORT;
	wire_print_ip(out, sizeof(out), d, n);
	ck_assert_str_eq(out, "10.0.0.1 > 192.168.0.1: ICMP 192.168.0.199 "
	    "udp port 53 unreachable, length 36 ttl 64");
	d[21] = ICMP_UNREACH_FILTER_PROHIB;
	wire_print_ip(out, sizeof(out), d, n);
	ck_assert_str_eq(out, "10.0.0.1 > 192.168.0.1: ICMP host "
	    "192.168.0.199 unreachable - admin prohibited filter, length 36 "
	    "ttl 64");
	d[20] = ICMP_TIMXCEED;
	d[21] = ICMP_TIMXCEED_REASS;
	wire_print_ip(out, sizeof(out), d, n);
	ck_assert_str_eq(out, "10.0.0.1 > 192.168.0.1: ICMP ip reassembly "
	    "time exceeded, length 36 ttl 64");

	/* Broken headers. */
	wire_print_ip(out, sizeof(out), d, 10);
	ck_assert_str_eq(out, "[|ip] length 10");
	/* Truncated output buffer: NUL-terminated, length reported. */
	ck_assert_uint_eq(wire_print_ip(out, 9, d, 10), 8);
	ck_assert_str_eq(out, "[|ip] le");

	s = g_string_new("pkt ");
	n = mk_ip(d, 0x0a000002u, 0xc000020au, 99, 5, 1, false, 0, l4, 4);
	wire_print_ip_gstring(s, d, n);
	ck_assert_str_eq(s->str, "pkt 10.0.0.2 > 192.0.2.10: ip-proto-99 "
	    "ttl 5");
	g_string_free(s, TRUE);
}
END_TEST


START_TEST(test_tcp_view)
{
	uint8_t t[24];
	uint16_t mss = 0;

	ck_assert_uint_eq(tcp_get_sport(tcp_syn), 49152);
	ck_assert_uint_eq(tcp_get_dport(tcp_syn), 80);
	ck_assert_uint_eq(tcp_get_seq(tcp_syn), 0x12345678u);
	ck_assert_uint_eq(tcp_get_ack(tcp_syn), 0);
	ck_assert_uint_eq(tcp_get_off_bytes(tcp_syn), 24);
	ck_assert_uint_eq(tcp_get_flags(tcp_syn), TH_SYN);
	ck_assert_uint_eq(tcp_get_win(tcp_syn), 65535);
	ck_assert_uint_eq(tcp_get_sum(tcp_syn), 0xed10);
	ck_assert_uint_eq(tcp_get_urp(tcp_syn), 0);
	ck_assert_uint_eq(tcp_sum_compute(tcp_syn, 24, A_192_168_0_1,
	    A_192_168_0_199), 0xed10);
	ck_assert(tcp_sum_ok(tcp_syn, 24, A_192_168_0_1, A_192_168_0_199));
	/* The pseudo-header counts: the reverse direction's sum differs
	 * only by order, so take another source. */
	ck_assert(!tcp_sum_ok(tcp_syn, 24, A_192_168_0_1, A_192_168_0_1));
	ck_assert(tcp_opt_mss(tcp_syn, &mss));
	ck_assert_uint_eq(mss, 1460);

	/* The setters write the same bytes. */
	memset(t, 0xaa, sizeof(t));
	tcp_set_sport(t, 49152);
	tcp_set_dport(t, 80);
	tcp_set_seq(t, 0x12345678u);
	tcp_set_ack(t, 0);
	tcp_set_off_bytes(t, 24);
	tcp_set_flags(t, TH_SYN);
	tcp_set_win(t, 65535);
	tcp_set_urp(t, 0);
	memcpy(t + 20, tcp_syn + 20, 4);
	tcp_sum_fill(t, 24, A_192_168_0_1, A_192_168_0_199);
	EXPECT_BYTES(t, tcp_syn, 24);
}
END_TEST

/*
 * 192.168.0.199.80 > 192.168.0.1.49152, seq 0x9abcdef0, ack 0x12345679,
 * offset 5, flags PSH|ACK (0x18), window 8192, payload "abc" (23 bytes,
 * odd: the last byte is padded with a zero).  Checksum 0xa6a2 from a
 * separate RFC 1071 computation (Python) over pseudo-header and segment.
 */
START_TEST(test_tcp_odd_segment)
{
	uint8_t t[23] = {
		0x00, 0x50, 0xc0, 0x00, 0x9a, 0xbc, 0xde, 0xf0,
		0x12, 0x34, 0x56, 0x79, 0x50, 0x18, 0x20, 0x00,
		0x00, 0x00, 0x00, 0x00, 'a', 'b', 'c',
	};
	uint16_t mss = 7;

	ck_assert_uint_eq(tcp_sum_compute(t, 23, A_192_168_0_199,
	    A_192_168_0_1), 0xa6a2);
	tcp_sum_fill(t, 23, A_192_168_0_199, A_192_168_0_1);
	ck_assert_uint_eq(t[16], 0xa6);
	ck_assert_uint_eq(t[17], 0xa2);
	ck_assert(tcp_sum_ok(t, 23, A_192_168_0_199, A_192_168_0_1));
	ck_assert_uint_eq(tcp_get_flags(t), TH_PUSH | TH_ACK);
	ck_assert_int_eq(tcp_check_len(t, 23), TCP_CHECK_OK);
	/* No options at all. */
	ck_assert(!tcp_opt_mss(t, &mss));
	ck_assert_uint_eq(mss, 7);
}
END_TEST

/* Lengths and the option walk of tcp_dooptions(). */
START_TEST(test_tcp_check_and_options)
{
	uint8_t t[32];
	uint16_t mss;

	ck_assert_int_eq(tcp_check_len(tcp_syn, 24), TCP_CHECK_OK);
	ck_assert_int_eq(tcp_check_len(tcp_syn, 19), TCP_CHECK_TOOSHORT);
	/* Offset 24 but only 23 bytes. */
	ck_assert_int_eq(tcp_check_len(tcp_syn, 23), TCP_CHECK_BADOFF);
	memcpy(t, tcp_syn, 24);
	t[TCP_F_OFF] = 0x40;		/* 16 bytes: below the header */
	ck_assert_int_eq(tcp_check_len(t, 24), TCP_CHECK_BADOFF);

	/* NOP, NOP, MSS 536, EOL ... in a 28-byte header. */
	memset(t, 0, sizeof(t));
	memcpy(t, tcp_syn, 20);
	t[TCP_F_OFF] = 0x70;
	memcpy(t + 20, (const uint8_t[]){ 1, 1, 2, 4, 0x02, 0x18, 0, 0 }, 8);
	ck_assert(tcp_opt_mss(t, &mss));
	ck_assert_uint_eq(mss, 536);
	/* Without SYN the option is ignored. */
	tcp_set_flags(t, TH_ACK);
	ck_assert(!tcp_opt_mss(t, &mss));
	tcp_set_flags(t, TH_SYN | TH_ACK);
	ck_assert(tcp_opt_mss(t, &mss));
	/* EOL first: the walk stops before the MSS. */
	t[20] = TCPOPT_EOL;
	ck_assert(!tcp_opt_mss(t, &mss));
	/* An unknown option of length 1 is malformed: stop. */
	t[20] = 30;
	t[21] = 1;
	ck_assert(!tcp_opt_mss(t, &mss));
	/* An unknown option of length 2 is skipped: the MSS follows at 22. */
	t[21] = 2;
	ck_assert(tcp_opt_mss(t, &mss));
	ck_assert_uint_eq(mss, 536);
	/* An MSS of length 3 is ignored and its length followed, to byte
	 * 25: kind 0x18 with length 0, malformed, ends the walk. */
	t[23] = 3;
	ck_assert(!tcp_opt_mss(t, &mss));
	/* 30 len 2, NOP, NOP, then MSS claiming 9 bytes of the 4 left:
	 * longer than what is left, the walk stops. */
	t[23] = 4;
	t[27] = 0;
	t[24] = 2;
	t[25] = 9;
	t[22] = 1;
	t[23] = 1;
	ck_assert(!tcp_opt_mss(t, &mss));
}
END_TEST

static Suite *
wire_suite(void)
{
	const TTest *const tests[] = {
		test_cksum_rfc1071, test_cksum_ip_header, test_cksum_update,
		test_be_helpers, test_ip_getters, test_ip_setters,
		test_ip_check_len, test_ip_repr, test_ip_input_check,
		test_udp_view,
		test_udp_zero_sum, test_icmp_echo, test_icmp_needfrag,
		test_print, test_tcp_view, test_tcp_odd_segment,
		test_tcp_check_and_options, NULL
	};

	return (check_suite("wire", tests, NULL, NULL));
}

CHECK_MAIN(wire_suite())

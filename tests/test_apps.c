/*
 * Unit tests of the divert programs (model/apps): argument parsing of every
 * built-in, the pure per-packet transformations of rewrite and natd on
 * forged packets, the errno names and the program registry.  Expected
 * checksums are worked out by hand in the comments, or checked against the
 * reference checksum below (a plain RFC 1071 sum written for this file).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "check_util.h"
#include "fixture.h"

#include "apps/app_divert_priv.h"
#include "apps/proc.h"
#include "netinet/libalias.h"
#include "pkt/in_cksum.h"
#include "scenario/scn.h"
#include "scenario/scn_build.h"
#include "sim/counters.h"
#include "sim/sim_names.h"
#include "wire/wire_ip.h"

static void
put_addr(uint8_t *p, const char *a)
{
	struct in_addr in;

	ck_assert(inet_pton(AF_INET, a, &in) == 1);
	memcpy(p, &in, 4);
}

static bool
addr_is(const uint8_t *p, const char *a)
{
	struct in_addr in;

	ck_assert(inet_pton(AF_INET, a, &in) == 1);
	return (memcmp(p, &in, 4) == 0);
}


/*
 * A UDP datagram src:sport -> dst:dport with 4 payload bytes "abcd",
 * IP id `id`, checksums filled by the reference.  32 bytes.
 */
static size_t
forge_udp(uint8_t *b, const char *src, uint16_t sport, const char *dst,
    uint16_t dport, uint16_t id)
{
	static const uint8_t hdr[20] = {
		0x45, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00,
		0x40, 0x11, 0x00, 0x00,
	};

	memcpy(b, hdr, 20);
	b[4] = (uint8_t)(id >> 8);
	b[5] = (uint8_t)id;
	put_addr(b + 12, src);
	put_addr(b + 16, dst);
	b[20] = (uint8_t)(sport >> 8);
	b[21] = (uint8_t)sport;
	b[22] = (uint8_t)(dport >> 8);
	b[23] = (uint8_t)dport;
	b[24] = 0;
	b[25] = 12;
	memcpy(b + 28, "abcd", 4);
	fx_cksum_fill(b, 20, 10);
	fx_udp_cksum_fill(b);
	return (32);
}

/* An ICMP echo (type 8) or reply (type 0) with 4 data bytes; 32 bytes. */
static size_t
forge_icmp_echo(uint8_t *b, const char *src, const char *dst, uint8_t type,
    uint16_t icmp_id, uint16_t seq)
{
	static const uint8_t hdr[20] = {
		0x45, 0x00, 0x00, 0x20, 0x00, 0x07, 0x00, 0x00,
		0x40, 0x01, 0x00, 0x00,
	};

	memcpy(b, hdr, 20);
	put_addr(b + 12, src);
	put_addr(b + 16, dst);
	memset(b + 20, 0, 12);
	b[20] = type;
	b[24] = (uint8_t)(icmp_id >> 8);
	b[25] = (uint8_t)icmp_id;
	b[26] = (uint8_t)(seq >> 8);
	b[27] = (uint8_t)seq;
	memcpy(b + 28, "ping", 4);
	fx_cksum_fill(b + 20, 12, 2);
	fx_cksum_fill(b, 20, 10);
	return (32);
}

/* ---- registry and errno names ------------------------------------- */

START_TEST(test_builtin_registry)
{
	static const char *const names[] = { "reinject", "drop", "retag",
	    "outgoing", "incoming", "corrupt", "rewrite", "natd" };
	size_t i;

	divert_programs_builtin();
	divert_programs_builtin();	/* idempotent */
	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		const struct divert_program *p = divert_program_find(names[i]);

		ck_assert_msg(p != NULL, "%s not registered", names[i]);
		ck_assert_str_eq(p->name, names[i]);
		ck_assert_ptr_nonnull(p->usage);
	}
	ck_assert_ptr_null(divert_program_find("nosuch"));
	ck_assert_ptr_null(divert_program_find(NULL));
}
END_TEST

static bool
user_init(int argc, char *const argv[], void **state, int *bad_arg,
    GError **err)
{

	(void)argc;
	(void)argv;
	(void)bad_arg;
	(void)err;
	*state = NULL;
	return (true);
}

static void
user_packet(struct proc *p, void *state, uint8_t *buf, size_t len,
    struct sockaddr_in *from)
{

	(void)p;
	(void)state;
	(void)buf;
	(void)len;
	(void)from;
}

START_TEST(test_user_registry)
{
	static const struct divert_program mine = {
		.api_version = DIVERTSIM_PROGRAM_API_VERSION,
		.name = "ttl-dec-test", .usage = "ttl-dec-test",
		.init = user_init, .packet = user_packet, .fini = NULL,
	};
	/* Built for another version of the API, or without packet(). */
	static const struct divert_program other_api = {
		.api_version = DIVERTSIM_PROGRAM_API_VERSION + 1,
		.name = "other-api", .usage = "other-api",
		.init = user_init, .packet = user_packet,
	};
	static const struct divert_program no_packet = {
		.api_version = DIVERTSIM_PROGRAM_API_VERSION,
		.name = "no-packet", .usage = "no-packet", .init = user_init,
	};

	ck_assert(divert_program_register(&mine));
	ck_assert_ptr_eq(divert_program_find("ttl-dec-test"), &mine);
	ck_assert(!divert_program_register(&other_api));
	ck_assert_ptr_null(divert_program_find("other-api"));
	ck_assert(!divert_program_register(&no_packet));
	ck_assert_ptr_null(divert_program_find("no-packet"));
	/* Registering the built-ins again does not disturb it. */
	divert_programs_builtin();
	ck_assert_ptr_eq(divert_program_find("ttl-dec-test"), &mine);
}
END_TEST

START_TEST(test_errno_names)
{
	char buf[ERRNO_NAMELEN];

	/* The names of the counters HOST.divert.PORT.errno.NAME. */
	ck_assert_str_eq(errno_name(EADDRNOTAVAIL, buf), "EADDRNOTAVAIL");
	ck_assert_str_eq(errno_name(EINVAL, buf), "EINVAL");
	ck_assert_str_eq(errno_name(EHOSTUNREACH, buf), "EHOSTUNREACH");
	ck_assert_str_eq(errno_name(EMSGSIZE, buf), "EMSGSIZE");
	ck_assert_str_eq(errno_name(EACCES, buf), "EACCES");
	ck_assert_str_eq(errno_name(EPERM, buf), "EPERM");
	ck_assert_str_eq(errno_name(EDESTADDRREQ, buf), "EDESTADDRREQ");
	ck_assert_str_eq(errno_name(ENOBUFS, buf), "ENOBUFS");
	ck_assert_str_eq(errno_name(EAFNOSUPPORT, buf), "EAFNOSUPPORT");
	ck_assert_str_eq(errno_name(9999, buf), "E9999");
	/* One table for every writer: the divert-write event no longer says
	 * "EIO" for an errno it does not know. */
	ck_assert_str_eq(errno_name(ENETUNREACH, buf), "ENETUNREACH");
	{
		char want[ERRNO_NAMELEN];

		snprintf(want, sizeof(want), "E%d", EIO);
		ck_assert_str_eq(errno_name(EIO, buf), want);
	}
}
END_TEST

/* ---- argument errors of every program ------------------------------ */

/*
 * Run prog's init on the words of args (space separated) and expect a
 * failure at argument bad with a message containing msg.
 */
static void
expect_init_error(const char *prog, const char *args, int bad,
    const char *msg)
{
	const struct divert_program *p;
	GError *err = NULL;
	char **argv;
	int bad_arg = -1;

	divert_programs_builtin();
	p = divert_program_find(prog);
	ck_assert_ptr_nonnull(p);
	argv = args[0] == '\0' ? g_new0(char *, 1) : g_strsplit(args, " ", -1);
	ck_assert_msg(!divert_program_check_args(p, (int)g_strv_length(argv),
	    argv, &bad_arg, &err), "%s %s accepted", prog, args);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err->message, msg) != NULL,
	    "%s %s: message '%s' lacks '%s'", prog, args, err->message, msg);
	ck_assert_msg(bad_arg == bad, "%s %s: bad_arg %d, expected %d", prog,
	    args, bad_arg, bad);
	g_error_free(err);
	g_strfreev(argv);
}

static void
expect_init_ok(const char *prog, const char *args)
{
	const struct divert_program *p;
	GError *err = NULL;
	char **argv;
	int bad_arg = -1;

	divert_programs_builtin();
	p = divert_program_find(prog);
	argv = args[0] == '\0' ? g_new0(char *, 1) : g_strsplit(args, " ", -1);
	/* No world exists here: arguments are checked standalone. */
	ck_assert_msg(divert_program_check_args(p, (int)g_strv_length(argv),
	    argv, &bad_arg, &err), "%s %s: %s", prog, args,
	    err != NULL ? err->message : "?");
	g_strfreev(argv);
}

START_TEST(test_args_simple)
{
	expect_init_ok("reinject", "");
	expect_init_ok("drop", "");
	expect_init_ok("outgoing", "");
	expect_init_ok("corrupt", "");
	expect_init_error("reinject", "x", 0, "reinject takes no arguments");
	/* drop [EVERY]: one number from 1 (drop only every EVERYth). */
	expect_init_ok("drop", "10");
	expect_init_error("drop", "1 2", 1, "drop takes at most one argument");
	expect_init_error("drop", "x", 0, "EVERY must be a number");
	expect_init_error("drop", "0", 0, "EVERY must be a number");
	expect_init_error("outgoing", "10.0.0.1", 0, "takes no arguments");
	expect_init_error("corrupt", "x", 0, "takes no arguments");

	expect_init_ok("retag", "0");
	expect_init_ok("retag", "65535");
	/* A missing argument is reported at the end (index argc = 0). */
	expect_init_error("retag", "", 0, "retag needs a RULE");
	expect_init_error("retag", "65536", 0, "from 0 to 65535, not '65536'");
	expect_init_error("retag", "-1", 0, "not '-1'");
	expect_init_error("retag", "1x", 0, "not '1x'");
	expect_init_error("retag", "100 200", 1, "unexpected '200'");

	expect_init_ok("incoming", "192.0.2.2");
	expect_init_error("incoming", "", 0, "incoming needs an ADDR");
	expect_init_error("incoming", "192.0.2", 0,
	    "'192.0.2' is not an IPv4 address");
	expect_init_error("incoming", "192.0.2.256", 0, "not an IPv4");
	expect_init_error("incoming", "192.0.2.2 x", 1, "unexpected 'x'");
}
END_TEST

START_TEST(test_args_natd)
{
	expect_init_ok("natd", "-a 192.0.2.1");
	expect_init_ok("natd", "-a 192.0.2.1 -deny_incoming");
	expect_init_ok("natd", "-deny_incoming -alias_address 192.0.2.1");
	expect_init_error("natd", "", 0, "natd needs -a ADDR");
	expect_init_error("natd", "-deny_incoming", 1, "natd needs -a ADDR");
	expect_init_error("natd", "-a", 1, "-a needs an address");
	expect_init_error("natd", "-a 192.0.2", 1,
	    "'192.0.2' is not an IPv4 address");
	expect_init_error("natd", "-a 192.0.2.1 -use_sockets", 2,
	    "unknown option '-use_sockets'");
	expect_init_ok("natd", "-a 192.0.2.1 -redirect_port tcp 10.0.0.2:80 "
	    "8080 -redirect_port udp 10.0.0.2:53 53");
	expect_init_error("natd", "-a 192.0.2.1 -redirect_port tcp "
	    "10.0.0.2:80", 5, "-redirect_port needs tcp|udp");
	expect_init_error("natd", "-a 192.0.2.1 -redirect_port icmp "
	    "10.0.0.2:80 8080", 3, "'icmp' is not tcp or udp");
	expect_init_error("natd", "-a 192.0.2.1 -redirect_port tcp "
	    "10.0.0.2 8080", 4, "'10.0.0.2' is not ADDR:PORT");
	expect_init_error("natd", "-a 192.0.2.1 -redirect_port tcp "
	    "10.0.0.2:80 0", 5, "'0' is not a port");
	/* One public port, two inside servers: the second clashes. */
	expect_init_error("natd", "-a 192.0.2.1 -redirect_port tcp "
	    "10.0.0.2:80 8080 -redirect_port tcp 10.0.0.3:80 8080", 9,
	    "port 8080 or 10.0.0.3:80 already redirected");
}
END_TEST

START_TEST(test_args_rewrite)
{
	expect_init_ok("rewrite", "ip_ttl=1 fixsum");
	expect_init_ok("rewrite", "sin_zero=");
	expect_init_ok("rewrite", "noaddr ip_sum=bad");
	expect_init_ok("rewrite", "sin_zero=abcdefgh");	/* 8 bytes, no NUL */
	expect_init_error("rewrite", "", 0, "rewrite needs at least one");
	expect_init_error("rewrite", "fixsum ttl=3", 1,
	    "unknown rewrite field 'ttl' (fields: sin_port, sin_addr, "
	    "sin_zero, noaddr, ip_src, ip_dst, ip_ttl, ip_tos, ip_len, ip_sum,"
	    " df, truncate, fixsum)");
	expect_init_error("rewrite", "ip_ttl=256", 0,
	    "bad value '256' for ip_ttl: expected a number from 0 to 255");
	expect_init_error("rewrite", "ip_tos=x", 0, "bad value 'x' for ip_tos");
	expect_init_error("rewrite", "sin_port=65536", 0,
	    "from 0 to 65535");
	expect_init_error("rewrite", "ip_len=", 0, "bad value '' for ip_len");
	expect_init_error("rewrite", "ip_src=1.2.3", 0,
	    "bad value '1.2.3' for ip_src: expected an IPv4 address");
	expect_init_error("rewrite", "sin_addr=x", 0, "for sin_addr");
	expect_init_error("rewrite", "ip_sum=good", 0,
	    "bad value 'good' for ip_sum");
	expect_init_error("rewrite", "df=2", 0, "expected 0 or 1");
	expect_init_error("rewrite", "sin_zero=abcdefghi", 0,
	    "at most 8 bytes");
	expect_init_error("rewrite", "ip_ttl", 0,
	    "rewrite field 'ip_ttl' needs a value");
	expect_init_error("rewrite", "fixsum=1", 0,
	    "rewrite field 'fixsum' takes no value");
	expect_init_error("rewrite", "ip_ttl=1 ip_ttl=2", 1, "given twice");
	expect_init_error("rewrite", "ip_sum=bad ip_sum=3", 1, "given twice");
	expect_init_error("rewrite", "fixsum ip_sum=3", 1,
	    "fixsum and ip_sum= exclude each other");
	expect_init_error("rewrite", "ip_sum=bad fixsum", 1,
	    "exclude each other");
	expect_init_error("rewrite", "sin_port=5 noaddr", 1,
	    "noaddr writes without an address");
}
END_TEST

/* ---- rewrite_apply ------------------------------------------------- */

/*
 * The classic worked example of the IPv4 header checksum: 192.168.0.1 ->
 * 192.168.0.199, UDP, TTL 64, DF, ip_len 0x73.  Words without the sum:
 * 4500+0073+0000+4000+4011+c0a8+0001+c0a8+00c7 = 0x2479c, folded 0x479e,
 * complemented 0xb861.
 */
static const uint8_t hdr_example[20] = {
	0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
	0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01,
	0xc0, 0xa8, 0x00, 0xc7,
};

static void
apply_words(const char *args, uint8_t *buf, size_t *len,
    struct sockaddr_in *to, bool *use_write)
{
	struct rewrite_spec rs;
	GError *err = NULL;
	char **argv;
	int bad = -1;

	argv = g_strsplit(args, " ", -1);
	ck_assert_msg(rewrite_parse((int)g_strv_length(argv), argv, &rs, &bad,
	    &err), "%s: %s", args, err != NULL ? err->message : "?");
	g_strfreev(argv);
	rewrite_apply(&rs, buf, len, to, use_write);
}

static void
from_init(struct sockaddr_in *sin)
{

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = 100;
	put_addr((uint8_t *)&sin->sin_addr, "192.0.2.2");
	memcpy(sin->sin_zero, "em0", 3);
}

START_TEST(test_rewrite_src_fixsum)
{
	struct sockaddr_in to;
	uint8_t b[20];
	size_t len = 20;
	bool w;

	/*
	 * Source 192.168.0.1 -> .2: the word 0x0001 becomes 0x0002, the
	 * folded sum 0x479e becomes 0x479f, the checksum ~0x479f = 0xb860.
	 */
	memcpy(b, hdr_example, 20);
	from_init(&to);
	apply_words("ip_src=192.168.0.2 fixsum", b, &len, &to, &w);
	ck_assert(addr_is(b + 12, "192.168.0.2"));
	ck_assert_uint_eq(b[10], 0xb8);
	ck_assert_uint_eq(b[11], 0x60);
	ck_assert_uint_eq(len, 20);
	ck_assert(!w);

	/* Without fixsum the old (now wrong) checksum stays. */
	memcpy(b, hdr_example, 20);
	apply_words("ip_src=192.168.0.2", b, &len, &to, &w);
	ck_assert_uint_eq(ck_get16(b + 10), 0xb861);
	ck_assert(!fx_cksum_ok(b, 20));
}
END_TEST

START_TEST(test_rewrite_ttl_sum)
{
	struct sockaddr_in to;
	uint8_t b[20];
	size_t len = 20;
	bool w;

	/*
	 * TTL 64 -> 1: the word 0x4011 becomes 0x0111, the sum falls by
	 * 0x3f00 to 0x089e, the checksum is ~0x089e = 0xf761.
	 */
	memcpy(b, hdr_example, 20);
	from_init(&to);
	apply_words("ip_ttl=1 fixsum", b, &len, &to, &w);
	ck_assert_uint_eq(b[8], 1);
	ck_assert_uint_eq(ck_get16(b + 10), 0xf761);

	/* ip_sum=bad: the right sum (0xb861, nothing else changed) ^ 1. */
	memcpy(b, hdr_example, 20);
	apply_words("ip_sum=bad", b, &len, &to, &w);
	ck_assert_uint_eq(ck_get16(b + 10), 0xb860);
	ck_assert(!fx_cksum_ok(b, 20));

	/* ip_sum=4660 stores 0x1234 whatever the header says. */
	memcpy(b, hdr_example, 20);
	apply_words("ip_sum=4660 ip_tos=16", b, &len, &to, &w);
	ck_assert_uint_eq(ck_get16(b + 10), 0x1234);
	ck_assert_uint_eq(b[1], 16);
}
END_TEST

START_TEST(test_rewrite_fields_order)
{
	struct sockaddr_in to;
	uint8_t b[20];
	size_t len = 20;
	bool w;

	/*
	 * df=0 clears 0x4000 of ip_off (0x4000 -> 0x0000); ip_len=20;
	 * dst 10.0.0.1; fixsum covers them all, truncate=12 then keeps 12
	 * bytes: the checksum was computed over the whole header first.
	 */
	memcpy(b, hdr_example, 20);
	from_init(&to);
	apply_words("truncate=12 df=0 ip_len=20 ip_dst=10.0.0.1 fixsum", b,
	    &len, &to, &w);
	ck_assert_uint_eq(len, 12);
	ck_assert_uint_eq(ck_get16(b + 6), 0x0000);
	ck_assert_uint_eq(ck_get16(b + 2), 20);
	ck_assert(addr_is(b + 16, "10.0.0.1"));
	ck_assert(fx_cksum_ok(b, 20));

	/* df=1 on a header without DF sets exactly that bit. */
	b[6] = 0x20;		/* MF only */
	len = 20;
	apply_words("df=1", b, &len, &to, &w);
	ck_assert_uint_eq(ck_get16(b + 6), 0x6000);

	/* truncate beyond the length keeps the packet as it is. */
	len = 20;
	apply_words("truncate=1000", b, &len, &to, &w);
	ck_assert_uint_eq(len, 20);

	/* A packet shorter than a header keeps its bytes. */
	memcpy(b, hdr_example, 20);
	len = 10;
	apply_words("ip_ttl=3 fixsum", b, &len, &to, &w);
	EXPECT_BYTES(b, hdr_example, 20);
}
END_TEST

START_TEST(test_rewrite_address)
{
	static const uint8_t em1[8] = { 'e', 'm', '1', 0, 0, 0, 0, 0 };
	static const uint8_t zero[8] = { 0 };
	struct sockaddr_in to, want;
	uint8_t b[20];
	size_t len = 20;
	bool w;

	memcpy(b, hdr_example, 20);
	from_init(&to);
	/* sin_port is the tag, host order: 50 is stored as the value 50. */
	apply_words("sin_port=50 sin_addr=198.51.100.1 sin_zero=em1", b, &len,
	    &to, &w);
	ck_assert_uint_eq(to.sin_port, 50);
	ck_assert(addr_is((uint8_t *)&to.sin_addr, "198.51.100.1"));
	EXPECT_BYTES(to.sin_zero, em1, 8);
	ck_assert_uint_eq(to.sin_family, AF_INET);
	ck_assert(!w);
	EXPECT_BYTES(b, hdr_example, 20);	/* packet untouched */

	from_init(&to);
	apply_words("sin_zero=", b, &len, &to, &w);
	EXPECT_BYTES(to.sin_zero, zero, 8);
	ck_assert_uint_eq(to.sin_port, 100);

	from_init(&to);
	want = to;
	apply_words("noaddr", b, &len, &to, &w);
	ck_assert(w);
	ck_assert(memcmp(&to, &want, sizeof(to)) == 0);
}
END_TEST

/* ---- natd --------------------------------------------------------- */

#define	NATD_TEST_SEED	1u

/*
 * natd -same_ports with a known seed: GetNewPort() tries the original
 * port first, then draws ALIAS_PORT_BASE + (random & ALIAS_PORT_MASK).
 */
static struct libalias *
natd_mk(bool deny)
{
	struct libalias *ns;
	struct in_addr a;

	ck_assert(inet_pton(AF_INET, "192.0.2.1", &a) == 1);
	ns = libalias_init();
	libalias_set_mode(ns, PKT_ALIAS_SAME_PORTS |
	    (deny ? PKT_ALIAS_DENY_INCOMING : 0), ~0u);
	libalias_set_address(ns, ntohl(a.s_addr));
	libalias_set_seed(ns, NATD_TEST_SEED);
	return (ns);
}

/* The n-th (from 0) alias port drawn from seed: 0x8000 + (r & 0x7fff). */
static uint16_t
natd_draw(uint32_t seed, unsigned n)
{
	GRand *r = g_rand_new_with_seed(seed);
	uint32_t x = 0;

	for (unsigned i = 0; i <= n; i++)
		x = g_rand_int(r);
	g_rand_free(r);
	return ((uint16_t)(0x8000u + (x & 0x7fffu)));
}

/* Without -same_ports the first port is drawn too, never the original. */
START_TEST(test_natd_random_ports)
{
	struct libalias *ns;
	struct in_addr a;
	uint8_t b[32];
	uint16_t p0;

	ck_assert(inet_pton(AF_INET, "192.0.2.1", &a) == 1);
	ns = libalias_init();
	libalias_set_address(ns, ntohl(a.s_addr));
	libalias_set_seed(ns, 7);
	forge_udp(b, "10.0.0.2", 5000, "192.0.2.10", 53, 1);
	ck_assert_int_eq(libalias_out(ns, b, 32), PKT_ALIAS_OK);
	p0 = ck_get16(b + 20);
	ck_assert_uint_eq(p0, natd_draw(7, 0));
	ck_assert_uint_ge(p0, 0x8000);
	ck_assert(fx_cksum_ok(b, 20));
	ck_assert(fx_udp_cksum_ok(b));
	/* Another flow, the next draw. */
	forge_udp(b, "10.0.0.3", 6000, "192.0.2.10", 53, 2);
	ck_assert_int_eq(libalias_out(ns, b, 32), PKT_ALIAS_OK);
	ck_assert_uint_eq(ck_get16(b + 20), natd_draw(7, 1));
	libalias_uninit(ns);
}
END_TEST

START_TEST(test_natd_out_udp_bytes)
{
	struct libalias *ns = natd_mk(false);
	uint8_t b[32];

	/*
	 * 10.0.0.2:5000 -> 192.0.2.10:53, "abcd", id 1, TTL 64.
	 * IP words 4500 0020 0001 0000 4011 0a00 0002 c000 020a: sum
	 * 0x1513e, folded 0x513f, checksum 0xaec0.  UDP: pseudo-header
	 * 0a00+0002+c000+020a+0011+000c, then 1388+0035+000c+6162+6364:
	 * 0x1a4b8, folded 0xa4b9, checksum 0x5b46.
	 */
	forge_udp(b, "10.0.0.2", 5000, "192.0.2.10", 53, 1);
	ck_assert_uint_eq(ck_get16(b + 10), 0xaec0);
	ck_assert_uint_eq(ck_get16(b + 26), 0x5b46);

	ck_assert_int_eq(libalias_out(ns, b, 32), PKT_ALIAS_OK);
	/*
	 * Source -> 192.0.2.1 (c000 0201), port 5000 kept (free).  IP sum
	 * 4500+0020+0001+4011+c000+0201+c000+020a = 0x2093d, folded
	 * 0x093f, checksum 0xf6c0.  UDP sum c000+0201+c000+020a+0011+000c
	 * +1388+0035+000c+6162+6364 = 0x25cb7, folded 0x5cb9, checksum
	 * 0xa346.
	 */
	ck_assert(addr_is(b + 12, "192.0.2.1"));
	ck_assert_uint_eq(ck_get16(b + 20), 5000);
	ck_assert_uint_eq(ck_get16(b + 10), 0xf6c0);
	ck_assert_uint_eq(ck_get16(b + 26), 0xa346);
	ck_assert_uint_eq(libalias_nlinks(ns), 1);

	/* The same flow again reuses its link. */
	forge_udp(b, "10.0.0.2", 5000, "192.0.2.10", 53, 2);
	ck_assert_int_eq(libalias_out(ns, b, 32), PKT_ALIAS_OK);
	ck_assert_uint_eq(ck_get16(b + 20), 5000);
	ck_assert_uint_eq(libalias_nlinks(ns), 1);
	libalias_uninit(ns);
}
END_TEST

/* A redirect is a link made in advance: in to PUBLICPORT, out from it. */
START_TEST(test_natd_redirect_port)
{
	struct libalias *ns = natd_mk(false);
	struct in_addr a;
	uint8_t b[32];

	ck_assert(inet_pton(AF_INET, "10.0.0.2", &a) == 1);
	ck_assert(libalias_redirect_port(ns, IPPROTO_UDP, ntohl(a.s_addr), 53,
	    5353));
	ck_assert(!libalias_redirect_port(ns, IPPROTO_UDP, ntohl(a.s_addr), 54,
	    5353));
	ck_assert_uint_eq(libalias_nlinks(ns), 1);
	/* From outside to the alias address, public port 5353. */
	forge_udp(b, "192.0.2.10", 4000, "192.0.2.1", 5353, 1);
	ck_assert_int_eq(libalias_in(ns, b, 32), PKT_ALIAS_OK);
	ck_assert(addr_is(b + 16, "10.0.0.2"));
	ck_assert_uint_eq(ck_get16(b + 22), 53);
	ck_assert_uint_eq(ck_cksum_fold(ck_cksum_add(0, b, 20)), 0xffff);
	/* The inside server's answer leaves from the public port. */
	forge_udp(b, "10.0.0.2", 53, "192.0.2.10", 4000, 2);
	ck_assert_int_eq(libalias_out(ns, b, 32), PKT_ALIAS_OK);
	ck_assert(addr_is(b + 12, "192.0.2.1"));
	ck_assert_uint_eq(ck_get16(b + 20), 5353);
	ck_assert_uint_eq(libalias_nlinks(ns), 1);
	libalias_uninit(ns);
}
END_TEST

START_TEST(test_natd_udp_round_trip)
{
	struct libalias *ns = natd_mk(false);
	uint8_t b[32], orig[32];

	/* Two inside hosts, one source port: the second gets a drawn one. */
	forge_udp(b, "10.0.0.2", 5000, "192.0.2.10", 53, 1);
	ck_assert_int_eq(libalias_out(ns, b, 32), PKT_ALIAS_OK);
	forge_udp(b, "10.0.0.3", 5000, "192.0.2.10", 53, 2);
	ck_assert_int_eq(libalias_out(ns, b, 32), PKT_ALIAS_OK);
	ck_assert(addr_is(b + 12, "192.0.2.1"));
	ck_assert_uint_eq(ck_get16(b + 20), natd_draw(NATD_TEST_SEED, 0));
	/* Incremental updates agree with a full recomputation. */
	ck_assert(fx_cksum_ok(b, 20));
	ck_assert(fx_udp_cksum_ok(b));

	/* Replies come back to the right inside host and port. */
	forge_udp(b, "192.0.2.10", 53, "192.0.2.1", 5000, 9);
	ck_assert_int_eq(libalias_in(ns, b, 32), PKT_ALIAS_OK);
	ck_assert(addr_is(b + 16, "10.0.0.2"));
	ck_assert_uint_eq(ck_get16(b + 22), 5000);
	ck_assert(fx_cksum_ok(b, 20));
	ck_assert(fx_udp_cksum_ok(b));

	forge_udp(b, "192.0.2.10", 53, "192.0.2.1",
	    natd_draw(NATD_TEST_SEED, 0), 10);
	ck_assert_int_eq(libalias_in(ns, b, 32), PKT_ALIAS_OK);
	ck_assert(addr_is(b + 16, "10.0.0.3"));
	ck_assert_uint_eq(ck_get16(b + 22), 5000);
	ck_assert(fx_cksum_ok(b, 20));
	ck_assert(fx_udp_cksum_ok(b));

	/* Unknown port, or not to the alias address: untouched. */
	forge_udp(b, "192.0.2.10", 53, "192.0.2.1", 9999, 11);
	memcpy(orig, b, 32);
	ck_assert_int_eq(libalias_in(ns, b, 32), PKT_ALIAS_IGNORED);
	EXPECT_BYTES(b, orig, 32);
	forge_udp(b, "192.0.2.10", 53, "192.0.2.77", 5000, 12);
	memcpy(orig, b, 32);
	ck_assert_int_eq(libalias_in(ns, b, 32), PKT_ALIAS_IGNORED);
	EXPECT_BYTES(b, orig, 32);
	libalias_uninit(ns);
}
END_TEST

START_TEST(test_natd_udp_nosum)
{
	struct libalias *ns = natd_mk(false);
	uint8_t b[32];

	/* A UDP checksum of 0 means "none" and stays 0 (RFC 768). */
	forge_udp(b, "10.0.0.2", 5000, "192.0.2.10", 53, 1);
	b[26] = b[27] = 0;
	ck_assert_int_eq(libalias_out(ns, b, 32), PKT_ALIAS_OK);
	ck_assert_uint_eq(ck_get16(b + 26), 0);
	ck_assert(fx_cksum_ok(b, 20));
	libalias_uninit(ns);
}
END_TEST

START_TEST(test_natd_icmp_echo)
{
	struct libalias *ns = natd_mk(false);
	uint8_t b[32];

	/* Echo ids are aliased like ports, in their own table. */
	forge_udp(b, "10.0.0.9", 0x1234, "192.0.2.10", 53, 1);
	ck_assert_int_eq(libalias_out(ns, b, 32), PKT_ALIAS_OK);
	forge_icmp_echo(b, "10.0.0.2", "192.0.2.10", 8, 0x1234, 1);
	ck_assert_int_eq(libalias_out(ns, b, 32), PKT_ALIAS_OK);
	ck_assert_uint_eq(ck_get16(b + 24), 0x1234);
	forge_icmp_echo(b, "10.0.0.3", "192.0.2.10", 8, 0x1234, 1);
	ck_assert_int_eq(libalias_out(ns, b, 32), PKT_ALIAS_OK);
	ck_assert(addr_is(b + 12, "192.0.2.1"));
	ck_assert_uint_eq(ck_get16(b + 24), natd_draw(NATD_TEST_SEED, 0));
	ck_assert(fx_cksum_ok(b, 20));
	ck_assert(fx_cksum_ok(b + 20, 12));

	forge_icmp_echo(b, "192.0.2.10", "192.0.2.1", 0,
	    natd_draw(NATD_TEST_SEED, 0), 1);
	ck_assert_int_eq(libalias_in(ns, b, 32), PKT_ALIAS_OK);
	ck_assert(addr_is(b + 16, "10.0.0.3"));
	ck_assert_uint_eq(ck_get16(b + 24), 0x1234);
	ck_assert(fx_cksum_ok(b, 20));
	ck_assert(fx_cksum_ok(b + 20, 12));

	/*
	 * An echo request to the alias address (IcmpAliasIn1(),
	 * FindIcmpIn() with create): an id some link holds goes to that
	 * link's inside host (0x1234 is 10.0.0.2's) ...
	 */
	forge_icmp_echo(b, "192.0.2.10", "192.0.2.1", 8, 0x1234, 1);
	ck_assert_int_eq(libalias_in(ns, b, 32), PKT_ALIAS_OK);
	ck_assert(addr_is(b + 16, "10.0.0.2"));
	ck_assert(fx_cksum_ok(b, 20));
	/* ... another makes a link from the alias to itself, id kept, so
	 * the alias host's own reply goes out with the same id. */
	forge_icmp_echo(b, "192.0.2.10", "192.0.2.1", 8, 0x4321, 1);
	ck_assert_int_eq(libalias_in(ns, b, 32), PKT_ALIAS_OK);
	ck_assert(addr_is(b + 16, "192.0.2.1"));
	ck_assert_uint_eq(ck_get16(b + 24), 0x4321);
	forge_icmp_echo(b, "192.0.2.1", "192.0.2.10", 0, 0x4321, 1);
	ck_assert_int_eq(libalias_out(ns, b, 32), PKT_ALIAS_OK);
	ck_assert_uint_eq(ck_get16(b + 24), 0x4321);
	libalias_uninit(ns);
}
END_TEST

/*
 * A 56-byte ICMP port unreachable from src to dst quoting the first 28
 * bytes of dgram (its header and 8 UDP bytes), both checksums right.
 */
static void
forge_port_unreach(uint8_t b[56], const char *src, const char *dst,
    const uint8_t *dgram)
{
	memset(b, 0, 56);
	b[0] = 0x45;
	b[3] = 56;
	b[8] = 64;
	b[9] = 1;
	put_addr(b + 12, src);
	put_addr(b + 16, dst);
	b[20] = 3;		/* unreach */
	b[21] = 3;		/* port */
	memcpy(b + 28, dgram, 28);
	fx_cksum_fill(b + 20, 36, 2);
	fx_cksum_fill(b, 20, 10);
}

/*
 * IcmpAliasOut2(): an inside host answers a datagram that came in through
 * natd with port unreachable.  10.0.0.3:5000 went out as the alias and a
 * drawn port (5000 was 10.0.0.2's); the reply from 192.0.2.10:53 was
 * de-aliased to 10.0.0.3:5000, which quotes it.  Going out, the quoted
 * destination and port become the alias ones, the outer source the
 * alias (the error comes from the quoted destination); the ICMP checksum
 * is adjusted, the quoted header checksum is left as it was (libalias
 * does not touch it, so it no longer verifies).
 */
START_TEST(test_natd_icmp_error_out)
{
	struct libalias *ns = natd_mk(false);
	uint8_t b[56], dgram[32];
	uint16_t aport = natd_draw(NATD_TEST_SEED, 0);

	forge_udp(dgram, "10.0.0.2", 5000, "192.0.2.10", 53, 1);
	ck_assert_int_eq(libalias_out(ns, dgram, 32), PKT_ALIAS_OK);
	forge_udp(dgram, "10.0.0.3", 5000, "192.0.2.10", 53, 2);
	ck_assert_int_eq(libalias_out(ns, dgram, 32), PKT_ALIAS_OK);
	ck_assert_uint_eq(ck_get16(dgram + 20), aport);

	/* The datagram as 10.0.0.3 got it: 192.0.2.10:53 -> 10.0.0.3:5000. */
	forge_udp(dgram, "192.0.2.10", 53, "10.0.0.3", 5000, 3);
	forge_port_unreach(b, "10.0.0.3", "192.0.2.10", dgram);

	ck_assert_int_eq(libalias_out(ns, b, 56), PKT_ALIAS_OK);
	ck_assert(addr_is(b + 12, "192.0.2.1"));	/* outer src */
	ck_assert(addr_is(b + 28 + 16, "192.0.2.1"));	/* quoted dst */
	ck_assert_uint_eq(ck_get16(b + 28 + 22), aport);	/* quoted dport */
	ck_assert(fx_cksum_ok(b, 20));
	ck_assert(fx_cksum_ok(b + 20, 36));
	ck_assert(!fx_cksum_ok(b + 28, 20));

	/* An error about a packet no link explains: ignored. */
	put_addr(b + 28 + 16, "10.0.0.9");
	ck_assert_int_eq(libalias_out(ns, b, 56), PKT_ALIAS_IGNORED);
	libalias_uninit(ns);
}
END_TEST

START_TEST(test_natd_icmp_error_in)
{
	struct libalias *ns = natd_mk(false);
	uint8_t b[56], dgram[32];

	/* 10.0.0.3:5000 goes out as 192.0.2.1:32768 (5000 is taken). */
	forge_udp(dgram, "10.0.0.2", 5000, "192.0.2.10", 53, 1);
	ck_assert_int_eq(libalias_out(ns, dgram, 32), PKT_ALIAS_OK);
	forge_udp(dgram, "10.0.0.3", 5000, "192.0.2.10", 53, 2);
	ck_assert_int_eq(libalias_out(ns, dgram, 32), PKT_ALIAS_OK);

	/*
	 * 192.0.2.10 answers with port unreachable quoting the aliased
	 * header and the first 8 UDP bytes: 20 + 8 + 28 = 56 bytes.
	 */
	forge_port_unreach(b, "192.0.2.10", "192.0.2.1", dgram);

	ck_assert_int_eq(libalias_in(ns, b, 56), PKT_ALIAS_OK);
	ck_assert(addr_is(b + 16, "10.0.0.3"));		/* outer dst */
	ck_assert(addr_is(b + 28 + 12, "10.0.0.3"));	/* quoted src */
	ck_assert_uint_eq(ck_get16(b + 48), 5000);		/* quoted sport */
	ck_assert(fx_cksum_ok(b, 20));
	ck_assert(fx_cksum_ok(b + 28, 20));
	ck_assert(fx_cksum_ok(b + 20, 36));
	libalias_uninit(ns);
}
END_TEST

START_TEST(test_natd_fragments)
{
	struct libalias *ns = natd_mk(false);
	uint8_t b[32];

	/* Outgoing non-first fragment: only the source address changes. */
	forge_udp(b, "10.0.0.2", 5000, "192.0.2.10", 53, 0x4242);
	b[6] = 0x00;
	b[7] = 0xb9;		/* offset 185 * 8 */
	fx_cksum_fill(b, 20, 10);
	ck_assert_int_eq(libalias_out(ns, b, 32), PKT_ALIAS_OK);
	ck_assert(addr_is(b + 12, "192.0.2.1"));
	ck_assert_uint_eq(ck_get16(b + 20), 5000);	/* payload, not a port */
	ck_assert(fx_cksum_ok(b, 20));

	/* Incoming first fragment (MF) of a known flow, then a follower. */
	forge_udp(b, "10.0.0.2", 5000, "192.0.2.10", 53, 1);
	ck_assert_int_eq(libalias_out(ns, b, 32), PKT_ALIAS_OK);
	forge_udp(b, "192.0.2.10", 53, "192.0.2.1", 5000, 0x4343);
	b[6] = 0x20;		/* MF */
	fx_cksum_fill(b, 20, 10);
	ck_assert_int_eq(libalias_in(ns, b, 32), PKT_ALIAS_OK);
	ck_assert(addr_is(b + 16, "10.0.0.2"));

	forge_udp(b, "192.0.2.10", 53, "192.0.2.1", 7777, 0x4343);
	b[6] = 0x00;
	b[7] = 0xb9;
	fx_cksum_fill(b, 20, 10);
	ck_assert_int_eq(libalias_in(ns, b, 32), PKT_ALIAS_OK);
	ck_assert(addr_is(b + 16, "10.0.0.2"));
	ck_assert_uint_eq(ck_get16(b + 22), 7777);	/* payload untouched */
	ck_assert(fx_cksum_ok(b, 20));

	/* A follower of a datagram never seen: unresolved, untouched. */
	b[5] = 0x44;
	put_addr(b + 16, "192.0.2.1");
	fx_cksum_fill(b, 20, 10);
	ck_assert_int_eq(libalias_in(ns, b, 32), PKT_ALIAS_UNRESOLVED_FRAGMENT);
	ck_assert(addr_is(b + 16, "192.0.2.1"));
	libalias_uninit(ns);
}
END_TEST

/*
 * PKT_ALIAS_UNREGISTERED_ONLY (ipfw nat's unreg_only): only sources in
 * 10/8, 172.16/12 and 192.168/16 are aliased.
 */
START_TEST(test_libalias_unreg_only)
{
	struct libalias *la = natd_mk(false);
	uint8_t b[32];

	libalias_set_mode(la, PKT_ALIAS_UNREGISTERED_ONLY,
	    PKT_ALIAS_UNREGISTERED_ONLY);
	forge_udp(b, "198.51.100.7", 5000, "192.0.2.10", 53, 1);
	ck_assert_int_eq(libalias_out(la, b, 32), PKT_ALIAS_IGNORED);
	ck_assert(addr_is(b + 12, "198.51.100.7"));
	forge_udp(b, "172.31.255.1", 5000, "192.0.2.10", 53, 2);
	ck_assert_int_eq(libalias_out(la, b, 32), PKT_ALIAS_OK);
	ck_assert(addr_is(b + 12, "192.0.2.1"));
	forge_udp(b, "172.32.0.1", 5001, "192.0.2.10", 53, 3);
	ck_assert_int_eq(libalias_out(la, b, 32), PKT_ALIAS_IGNORED);
	forge_udp(b, "192.168.1.1", 5002, "192.0.2.10", 53, 4);
	ck_assert_int_eq(libalias_out(la, b, 32), PKT_ALIAS_OK);
	ck_assert_uint_eq(libalias_nlinks(la), 2);
	libalias_uninit(la);
}
END_TEST

/*
 * LibAliasSetAddress(): without PKT_ALIAS_RESET_ON_ADDR_CHANGE the links
 * live on under the new address; with it a different address drops them
 * all but the redirects (CleanupAliasData() keeps LINK_PERMANENT).
 */
START_TEST(test_libalias_reset)
{
	struct libalias *la = natd_mk(false);
	uint8_t b[32];

	ck_assert(libalias_redirect_port(la, IPPROTO_UDP, 0x0a000002u, 53,
	    5353));
	forge_udp(b, "10.0.0.3", 5000, "192.0.2.10", 53, 1);
	ck_assert_int_eq(libalias_out(la, b, 32), PKT_ALIAS_OK);
	ck_assert_uint_eq(libalias_nlinks(la), 2);
	libalias_set_address(la, 0xc0000202u);
	ck_assert_uint_eq(libalias_nlinks(la), 2);
	/* The answer to the new address still finds its link. */
	forge_udp(b, "192.0.2.10", 53, "192.0.2.2", 5000, 2);
	ck_assert_int_eq(libalias_in(la, b, 32), PKT_ALIAS_OK);
	ck_assert(addr_is(b + 16, "10.0.0.3"));
	libalias_set_mode(la, PKT_ALIAS_RESET_ON_ADDR_CHANGE, ~0u);
	libalias_set_address(la, 0xc0000202u);	/* the same: kept */
	ck_assert_uint_eq(libalias_nlinks(la), 2);
	libalias_set_address(la, 0xc0000203u);
	ck_assert_uint_eq(libalias_nlinks(la), 1);	/* the redirect */
	ck_assert_uint_eq(libalias_address(la), 0xc0000203u);
	libalias_uninit(la);
}
END_TEST

/* redirect_port as natd(8) and ipfw(8) write it: ranges, errors. */
START_TEST(test_libalias_redirect_parse)
{
	struct libalias_redirect r;
	struct libalias *la = natd_mk(false);
	char *why;
	int bad;

	why = libalias_redirect_parse("tcp", "10.0.0.2:80-82", "8080-8082", &r,
	    &bad);
	ck_assert_ptr_null(why);
	ck_assert_uint_eq(r.proto, IPPROTO_TCP);
	ck_assert_uint_eq(r.laddr, 0x0a000002u);
	ck_assert_uint_eq(r.lport, 80);
	ck_assert_uint_eq(r.aport, 8080);
	ck_assert_uint_eq(r.count, 3);
	ck_assert(libalias_redirect_add(la, &r));
	ck_assert_uint_eq(libalias_nlinks(la), 3);
	/* 8082 taken: none of 8082..8083 is made (all or nothing). */
	why = libalias_redirect_parse("tcp", "10.0.0.3:1-2", "8082-8083", &r,
	    &bad);
	ck_assert_ptr_null(why);
	ck_assert(!libalias_redirect_add(la, &r));
	ck_assert_uint_eq(libalias_nlinks(la), 3);
	why = libalias_redirect_parse("udp", "10.0.0.2:80-81", "8080", &r,
	    &bad);
	ck_assert_ptr_nonnull(strstr(why, "equal in size"));
	ck_assert_int_eq(bad, 2);
	g_free(why);
	why = libalias_redirect_parse("udp", "10.0.0.2:0", "8080", &r, &bad);
	ck_assert_ptr_nonnull(strstr(why, "not ADDR:PORT"));
	ck_assert_int_eq(bad, 1);
	g_free(why);
	why = libalias_redirect_parse("udp", "10.0.0.2:9", "192.0.2.1:53",
	    &r, &bad);
	ck_assert_ptr_nonnull(strstr(why, "not modelled"));
	g_free(why);
	libalias_uninit(la);
}
END_TEST

START_TEST(test_natd_deny_flag)
{
	struct libalias *ns;

	ns = natd_mk(true);
	ck_assert(libalias_mode(ns) & PKT_ALIAS_DENY_INCOMING);
	libalias_uninit(ns);
	ns = natd_mk(false);
	ck_assert(!(libalias_mode(ns) & PKT_ALIAS_DENY_INCOMING));
	libalias_uninit(ns);
}
END_TEST


/* ---- processes in a simulated world ------------------------------- */

/* A program written against the public API (include/divertsim/program.h). */
/*
 * ttl-dec [N]: lower the TTL of every packet by N (default 1), repair the
 * IP header checksum, and write the packet back with the address it was
 * read with.  A packet whose TTL would reach 0 is not written back.
 */
struct ttl_dec {
	unsigned	 n;
};

static bool
ttl_dec_init(int argc, char *const argv[], void **state, int *bad_arg,
    GError **err)
{
	struct ttl_dec *td;
	unsigned long n = 1;
	char *end;

	if (argc > 1) {
		*bad_arg = 1;
		g_set_error(err, g_quark_from_static_string("ttl-dec"), 0,
		    "ttl-dec takes at most one argument");
		return (false);
	}
	if (argc == 1) {
		n = strtoul(argv[0], &end, 10);
		if (argv[0][0] < '0' || argv[0][0] > '9' || *end != '\0' ||
		    n < 1 || n > 255) {
			*bad_arg = 0;
			g_set_error(err, g_quark_from_static_string("ttl-dec"),
			    0, "N must be a number from 1 to 255, not '%s'",
			    argv[0]);
			return (false);
		}
	}
	td = g_new(struct ttl_dec, 1);
	td->n = (unsigned)n;
	*state = td;
	return (true);
}

static void
ttl_dec_packet(struct proc *p, void *state, uint8_t *buf, size_t len,
    struct sockaddr_in *from)
{
	const struct ttl_dec *td = state;
	uint16_t old_word;
	uint8_t ttl;

	if (len < IP_HDR_MIN_BYTES)
		return;
	ttl = ip_get_ttl(buf);
	if (ttl <= td->n)
		return;		/* not written back: the packet ends here */
	/* TTL and protocol share one 16-bit word (RFC 1624 update). */
	old_word = wire_get16(buf + IP_F_TTL);
	ip_set_ttl(buf, (uint8_t)(ttl - td->n));
	ip_set_sum(buf, in_cksum_update(ip_get_sum(buf), old_word,
	    wire_get16(buf + IP_F_TTL)));
	/* Errors are counted by proc_sendto(); errno says which. */
	(void)proc_sendto(p, buf, len, from, sizeof(*from));
}

static const struct divert_program ttl_dec_program = {
	.api_version = DIVERTSIM_PROGRAM_API_VERSION,
	.name = "ttl-dec",
	.usage = "ttl-dec [N]",
	.init = ttl_dec_init,
	.packet = ttl_dec_packet,
	.fini = g_free,
};

/*
 * Two hosts on one link, a (10.0.0.1) pings b (10.0.0.2); b diverts
 * incoming ICMP to port 8000 at rule 100 and runs `prog`.  Rule 200
 * counts what comes back with TTL 54.  extra_b and extra are appended to
 * b's commands and to the file.  Returns the number of failed `expect`
 * lines, and the world's counter value of each name in want[] into got[].
 */
static const char scn_two_hosts[] =
    "host a\n"
    "  ifconfig em0 inet 10.0.0.1/24\n"
    "  ipfw add 65000 allow ip from any to any\n"
    "host b\n"
    "  ifconfig em0 inet 10.0.0.2/24\n"
    "  ipfw add 100 divert 8000 icmp from any to any in\n"
    "  ipfw add 200 count ip from any to any ipttl 54\n"
    "  ipfw add 65000 allow ip from any to any\n"
    "  divert 8000 %s\n"
    "link a:em0 b:em0\n"
    "at 1s a ping -c %u -i %s -m 64 10.0.0.2\n"
    "%s"
    "run 10s\n";

/* Parse, build and run text; the number of failed expectations. */
static unsigned
run_text(const char *text)
{
	unsigned failed;

	(void)fx_scn_build(text);
	failed = fx_scn_run();
	fx_scn_free();
	return (failed);
}

static unsigned
run_world(const char *prog, unsigned count, const char *interval,
    const char *expects)
{
	unsigned failed;
	char *text;

	text = g_strdup_printf(scn_two_hosts, prog, count, interval, expects);
	failed = run_text(text);
	g_free(text);
	return (failed);
}

#define	EXPECT_WORLD(prog, count, interval, expects)			\
	ck_assert_msg(run_world(prog, count, interval, expects) == 0,	\
	    "an expectation failed with `divert 8000 %s`", prog)

START_TEST(test_world_reinject)
{
	/* Each request is read and written once; pings all answered. */
	EXPECT_WORLD("reinject", 3, "10ms",
	    "expect b.divert.8000.read == 3\n"
	    "expect b.divert.8000.written == 3\n"
	    "expect b.divert.8000.write_errors == 0\n"
	    "expect a.ping.received == 3\n"
	    "expect sim.loops == 0\n");
}
END_TEST

START_TEST(test_world_drop)
{
	/* Read, never written: no request reaches ICMP, no reply. */
	EXPECT_WORLD("drop", 3, "10ms",
	    "expect b.divert.8000.read == 3\n"
	    "expect b.divert.8000.written == 0\n"
	    "expect b.icmp.echo_requests == 0\n"
	    "expect a.ping.received == 0\n");
}
END_TEST

START_TEST(test_world_incoming_not_local)
{
	/*
	 * 203.0.113.9 is not b's and sin_zero is cleared: div_output()
	 * refuses each write with EADDRNOTAVAIL (divert(4) WRITING PACKETS).
	 */
	EXPECT_WORLD("incoming 203.0.113.9", 2, "10ms",
	    "expect b.divert.8000.read == 2\n"
	    "expect b.divert.8000.written == 0\n"
	    "expect b.divert.8000.write_errors == 2\n"
	    "expect b.divert.8000.errno.EADDRNOTAVAIL == 2\n"
	    "expect a.ping.received == 0\n");
	/* The address of b itself is accepted. */
	EXPECT_WORLD("incoming 10.0.0.2", 2, "10ms",
	    "expect b.divert.8000.written == 2\n"
	    "expect a.ping.received == 2\n");
}
END_TEST

START_TEST(test_world_retag_loop)
{
	/*
	 * Tag 50 < 100: re-entry at the first rule above 50 is rule 100
	 * again, the same bytes come back: an endless loop, which the
	 * simulator detects and drops.
	 */
	EXPECT_WORLD("retag 50", 1, "10ms",
	    "expect sim.loops >= 1\n"
	    "expect a.ping.received == 0\n");
	/* Tag 100 (or above) resumes after the divert rule: no loop. */
	EXPECT_WORLD("retag 150", 1, "10ms",
	    "expect sim.loops == 0\n"
	    "expect a.ping.received == 1\n");
}
END_TEST

START_TEST(test_world_corrupt)
{
	/* Incoming writes with a bad header checksum are dropped. */
	EXPECT_WORLD("corrupt", 2, "10ms",
	    "expect b.divert.8000.written == 2\n"
	    "expect b.divert.badsum == 2\n"
	    "expect a.ping.received == 0\n");
}
END_TEST

START_TEST(test_world_rewrite)
{
	/* TTL changed without fixsum: the kernel drops it (bad sum)... */
	EXPECT_WORLD("rewrite ip_ttl=54", 2, "10ms",
	    "expect b.divert.badsum == 2\n"
	    "expect a.ping.received == 0\n");
	/* ...with fixsum it passes, and rule 200 sees TTL 54. */
	EXPECT_WORLD("rewrite ip_ttl=54 fixsum", 2, "10ms",
	    "expect b.divert.badsum == 0\n"
	    "expect b.ipfw.200.packets == 2\n"
	    "expect a.ping.received == 2\n");
}
END_TEST

START_TEST(test_world_slow_process)
{
	/*
	 * 84-byte requests (20 + 8 + 56) take 84 + 16 = 100 bytes of a
	 * 200-byte buffer.  The process reads the first at once and works
	 * on it for 100ms; meanwhile requests 2 and 3 fill the buffer and
	 * 4 and 5 (1ms apart) are dropped.  Requests 2 and 3 are read
	 * later: 3 read, 3 answered.
	 */
	EXPECT_WORLD("reinject -t 100ms -b 200", 5, "1ms",
	    "expect b.divert.8000.read == 3\n"
	    "expect b.divert.8000.dropped_full == 2\n"
	    "expect b.divert.8000.written == 3\n"
	    "expect a.ping.received == 3\n");
}
END_TEST

START_TEST(test_world_ttl_dec)
{
	divert_program_register(&ttl_dec_program);
	/* TTL 64 - 10 = 54, checksum repaired: counted by rule 200. */
	EXPECT_WORLD("ttl-dec 10", 2, "10ms",
	    "expect b.divert.8000.written == 2\n"
	    "expect b.divert.badsum == 0\n"
	    "expect b.ipfw.200.packets == 2\n"
	    "expect a.ping.received == 2\n");
}
END_TEST

/*
 * The natd example of the scenario language: a client behind gw, whose
 * natd aliases it to 192.0.2.1; the server pings the alias address at 2s.
 * %s: natd's extra option; %s: expectations.
 */
static const char scn_natd[] =
    "host client\n"
    "  ifconfig em0 inet 10.0.0.2/24\n"
    "  route add default 10.0.0.1\n"
    "  ipfw add 65000 allow ip from any to any\n"
    "host gw\n"
    "  sysctl net.inet.ip.forwarding=1\n"
    "  ifconfig em0 inet 10.0.0.1/24\n"
    "  ifconfig em1 inet 192.0.2.1/24\n"
    "  ipfw add 100 divert 8668 ip from any to any via em1\n"
    "  ipfw add 65000 allow ip from any to any\n"
    "  divert 8668 natd -a 192.0.2.1 %s\n"
    "host server\n"
    "  ifconfig em0 inet 192.0.2.10/24\n"
    "  ipfw add 65000 allow ip from any to any\n"
    "  listen udp 53 echo\n"
    "link client:em0 gw:em0\n"
    "link gw:em1 server:em0 rate 10Mbps delay 5ms mtu 576\n"
    "at 1s client send udp 192.0.2.10:53 -c 3 -s 1200 -i 10ms\n"
    "at 2s server ping -c 1 192.0.2.1\n"
    "%s"
    "run 5s\n";

START_TEST(test_world_natd)
{
	char *text;

	/*
	 * Three datagrams out and three echoes back through natd: 6 read,
	 * 6 written, and both ends accept the translated checksums.  The
	 * server's ping of the alias address is nobody's flow: written back
	 * untouched, answered by gw (2 more reads: request in, reply out).
	 */
	text = g_strdup_printf(scn_natd, "",
	    "expect server.udp.received == 3\n"
	    "expect client.udp.received == 3\n"
	    "expect server.udp.badsum == 0\n"
	    "expect client.udp.badsum == 0\n"
	    "expect gw.divert.8668.read == 8\n"
	    "expect gw.divert.8668.written == 8\n"
	    "expect server.ping.received == 1\n"
	    "expect sim.loops == 0\n");
	ck_assert_uint_eq(run_text(text), 0);
	g_free(text);

	/* -deny_incoming: the unsolicited request is not written back. */
	text = g_strdup_printf(scn_natd, "-deny_incoming",
	    "expect client.udp.received == 3\n"
	    "expect gw.divert.8668.read == 7\n"
	    "expect gw.divert.8668.written == 6\n"
	    "expect server.ping.received == 0\n");
	ck_assert_uint_eq(run_text(text), 0);
	g_free(text);
}
END_TEST

static Suite *
apps_suite(void)
{
	const TTest *const tests[] = {
		test_builtin_registry, test_user_registry, test_errno_names,
		test_args_simple, test_args_natd, test_args_rewrite,
		test_rewrite_src_fixsum, test_rewrite_ttl_sum,
		test_rewrite_fields_order, test_rewrite_address,
		test_natd_out_udp_bytes, test_natd_redirect_port,
		test_natd_udp_round_trip,
		test_natd_random_ports, test_natd_icmp_error_out,
		test_natd_udp_nosum, test_natd_icmp_echo,
		test_natd_icmp_error_in, test_natd_fragments,
		test_natd_deny_flag, test_libalias_unreg_only,
		test_libalias_reset, test_libalias_redirect_parse,
		test_world_reinject, test_world_drop,
		test_world_incoming_not_local, test_world_retag_loop,
		test_world_corrupt, test_world_rewrite,
		test_world_slow_process, test_world_ttl_dec,
		test_world_natd, NULL,
	};

	return (check_suite("apps", tests, NULL, NULL));
}

CHECK_MAIN(apps_suite())

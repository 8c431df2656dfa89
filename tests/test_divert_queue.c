/*
 * divert(4) sockets: what recvfrom reports and what sendto does, checked
 * against values worked out by hand from the manual page and
 * docs/spec/semantics.md (§1.3 the address, §2.1-2.4 the write path).
 *
 * Worlds are built from small scenarios; a test program ("record")
 * registered through the public C API keeps what recvfrom returned.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "check_util.h"
#include "fixture.h"

#include "apps/proc.h"
#include "divert_queue.h"
#include "net/host.h"
#include "pkt/in_cksum.h"
#include "pkt/pkt.h"
#include "scenario/scn.h"
#include "scenario/scn_build.h"
#include "wire/wire_ip.h"

/* What the record program saw, first packet only. */
static struct sockaddr_in rec_from;
static uint8_t rec_pkt[2048];
static size_t rec_len;
static unsigned rec_count;

static bool
record_init(int argc, char *const argv[], void **state, int *bad,
    GError **err)
{
	(void)argc; (void)argv; (void)bad; (void)err;
	*state = NULL;
	return (true);
}

static void
record_packet(struct proc *p, void *state, uint8_t *buf, size_t len,
    struct sockaddr_in *from)
{
	(void)state;
	if (rec_count++ == 0) {
		rec_from = *from;
		rec_len = len < sizeof(rec_pkt) ? len : sizeof(rec_pkt);
		memcpy(rec_pkt, buf, rec_len);
	}
	(void)proc_sendto(p, buf, len, from, sizeof(*from));
}

static void
record_fini(void *state)
{
	(void)state;
}

static const struct divert_program record_prog = {
	.api_version = DIVERTSIM_PROGRAM_API_VERSION,
	.name = "record",
	.usage = "record",
	.init = record_init,
	.packet = record_packet,
	.fini = record_fini,
};

/*
 * "probe": writes back with the address read, and notes how many
 * datagrams ip_input had taken before and after its sendto returned.
 */
static uint64_t probe_before, probe_after;

static void
probe_packet(struct proc *p, void *state, uint8_t *buf, size_t len,
    struct sockaddr_in *from)
{
	struct host *h = proc_host(p);

	(void)state;
	probe_before = h->ipstat.received;
	(void)proc_sendto(p, buf, len, from, sizeof(*from));
	probe_after = h->ipstat.received;
}

static const struct divert_program probe_prog = {
	.api_version = DIVERTSIM_PROGRAM_API_VERSION,
	.name = "probe",
	.usage = "probe",
	.init = record_init,
	.packet = probe_packet,
	.fini = record_fini,
};

static struct world *cur_world;

/* A scenario world from text, with this file's programs registered. */
static struct world *
world_from(const char *text)
{

	divert_programs_builtin();
	divert_program_register(&record_prog);
	divert_program_register(&probe_prog);
	memset(&rec_from, 0, sizeof(rec_from));
	rec_len = rec_count = 0;
	cur_world = fx_scn_build(text);
	return (cur_world);
}

static void
world_done(void)
{

	fx_scn_free();
	cur_world = NULL;
}


/* ---- sin_zero --------------------------------------------------------- */

START_TEST(sin_zero_encoding)
{
	struct sockaddr_in sin;
	char name[8];
	static const uint8_t em0[8] = { 'e', 'm', '0', 0, 0, 0, 0, 0 };
	/* strlcpy into 8 bytes: 7 characters and the NUL (semantics §1.3). */
	static const uint8_t epair[8] = { 'e', 'p', 'a', 'i', 'r', '1', '0', 0 };

	memset(&sin, 0xff, sizeof(sin));
	div_sin_zero_set(&sin, "em0");
	EXPECT_BYTES(sin.sin_zero, em0, 8);
	ck_assert(div_sin_zero_get(&sin, name));
	ck_assert_str_eq(name, "em0");

	div_sin_zero_set(&sin, "epair10b");
	EXPECT_BYTES(sin.sin_zero, epair, 8);

	/* div_output: 8 bytes without a NUL are not a name. */
	memset(sin.sin_zero, 'x', 8);
	ck_assert(!div_sin_zero_get(&sin, name));
	/* ...nor is an empty string. */
	memset(sin.sin_zero, 0, 8);
	ck_assert(!div_sin_zero_get(&sin, name));
}
END_TEST

/* ---- recvfrom --------------------------------------------------------- */

#define	HP_WORLD							\
	"release 14\n"							\
	"host P\n  ifconfig em0 inet 192.0.2.1/24\n"			\
	"host H\n  ifconfig em0 inet 192.0.2.2/24\n"			\
	"link P:em0 H:em0\n"

/* Worked case 7 of docs/spec/semantics.md: the first address of the receiving interface, not the
 * destination; the tag is the rule number in host order. */
START_TEST(recvfrom_incoming_first_address)
{
	world_from(HP_WORLD
	    "host H\n"
	    "  ifconfig em0 inet 192.0.2.50/24 alias\n"
	    "  ipfw add 150 divert 8000 icmp from any to 192.0.2.50 in\n"
	    "  ipfw add 65534 allow ip from any to any\n"
	    "  divert 8000 record\n"
	    "at 1s P ping -c 1 192.0.2.50\n");
	(void)fx_scn_run();
	ck_assert_uint_eq(rec_count, 1);
	ck_assert_uint_eq(rec_from.sin_family, AF_INET);
	/* host order: 150, not htons(150) */
	ck_assert_uint_eq(rec_from.sin_port, 150);
	ck_assert_uint_eq(ntohl(rec_from.sin_addr.s_addr), 0xc0000202u);
	ck_assert_str_eq((const char *)rec_from.sin_zero, "em0");
	/* the packet: an ICMP echo request to 192.0.2.50, checksum valid
	 * (incoming packets passed ip_input's check) */
	ck_assert_uint_eq(rec_len, 84);
	ck_assert_uint_eq(ip_get_dst(rec_pkt), 0xc0000232u);
	ck_assert_uint_eq(in_cksum(rec_pkt, 20), 0);
	ck_assert_uint_eq(fx_scn_counter("P.ping.received"), 1);
	world_done();
}
END_TEST

/* Worked case 9 of docs/spec/semantics.md: outgoing forwarded packet: sin_addr 0, but the name of
 * the interface it was received on; TTL already decremented. */
START_TEST(recvfrom_outgoing_forwarded)
{
	world_from("release 14\n"
	    "host C\n  ifconfig em0 inet 192.0.2.1/24\n"
	    "  route add 198.51.100.0/24 192.0.2.2\n"
	    "host S\n  ifconfig em0 inet 198.51.100.2/24\n"
	    "  route add default 198.51.100.1\n"
	    "host R\n  sysctl net.inet.ip.forwarding=1\n"
	    "  ifconfig em0 inet 192.0.2.2/24\n"
	    "  ifconfig em1 inet 198.51.100.1/24\n"
	    "  ipfw add 100 divert 8000 icmp from any to any out xmit em1\n"
	    "  ipfw add 65534 allow ip from any to any\n"
	    "  divert 8000 record\n"
	    "link C:em0 R:em0\nlink R:em1 S:em0\n"
	    "at 1s C ping -c 1 198.51.100.2\n");
	(void)fx_scn_run();
	ck_assert_uint_eq(rec_count, 1);
	ck_assert_uint_eq(rec_from.sin_port, 100);
	ck_assert_uint_eq(rec_from.sin_addr.s_addr, INADDR_ANY);
	ck_assert_str_eq((const char *)rec_from.sin_zero, "em0");
	ck_assert_uint_eq(ip_get_ttl(rec_pkt), 63);
	ck_assert_uint_eq(fx_scn_counter("C.ping.received"), 1);
	world_done();
}
END_TEST

/* Locally originated outgoing packet: no receiving interface (sin_zero all
 * zero) and the header checksum not computed yet (§1.4: the OUT hook runs
 * before ip_output fills it in). */
START_TEST(recvfrom_outgoing_local)
{
	static const uint8_t zero8[8] = { 0 };

	world_from(HP_WORLD
	    "host H\n"
	    "  ipfw add 100 divert 8000 icmp from any to any out\n"
	    "  ipfw add 65534 allow ip from any to any\n"
	    "  divert 8000 record\n"
	    "at 1s H ping -c 1 192.0.2.1\n");
	(void)fx_scn_run();
	ck_assert_uint_eq(rec_count, 1);
	ck_assert_uint_eq(rec_from.sin_addr.s_addr, INADDR_ANY);
	EXPECT_BYTES(rec_from.sin_zero, zero8, 8);
	ck_assert_uint_eq(ip_get_sum(rec_pkt), 0);
	/* written back as outgoing, the kernel filled the sum in */
	ck_assert_uint_eq(fx_scn_counter("P.icmp.echo_requests"), 1);
	ck_assert_uint_eq(fx_scn_counter("H.ping.received"), 1);
	world_done();
}
END_TEST

/* ---- sendto errors (§2.4) --------------------------------------------- */

/* A valid 28-byte ICMP echo request from 192.0.2.2 to dst. */
static void
forge(uint8_t *p, uint32_t dst, uint16_t len, bool df)
{
	memset(p, 0, len);
	p[0] = 0x45;
	wire_put16(p + 2, len);
	wire_put16(p + 6, df ? IP_DF : 0);
	p[8] = 64;
	p[9] = IPPROTO_ICMP;
	wire_put32(p + 12, 0xc0000202u);
	wire_put32(p + 16, dst);
	wire_put16(p + 10, in_cksum(p, 20));
	p[20] = 8;
	wire_put16(p + 22, in_cksum(p + 20, len - 20u));
}

static struct divert_sock *
test_socket(struct host *h)
{
	struct divert_sock *so;

	ck_assert_int_eq(div_attach(h, 0, &so), 0);
	ck_assert_int_eq(div_bind(so, 9000), 0);
	return (so);
}

static int
send_err(struct divert_sock *so, const uint8_t *p, size_t len,
    const struct sockaddr_in *to, size_t tolen)
{
	int err = 0;
	ssize_t n = div_sendto(so, p, len, to, tolen, &err);

	if (n < 0)
		return (err);
	ck_assert_int_eq(n, (ssize_t)len);
	return (0);
}

static void
check_errnos(int release)
{
	uint8_t p[3000];
	struct sockaddr_in to;
	struct divert_sock *so;
	struct host *h;
	char text[512];

	snprintf(text, sizeof(text),
	    "release %d\n"
	    "host P\n  ifconfig em0 inet 192.0.2.1/24\n"
	    "host H\n  ifconfig em0 inet 192.0.2.2/24\n"
	    "  ipfw add 200 deny icmp from 192.0.2.2 to 192.0.2.9 out\n"
	    "  ipfw add 65534 allow ip from any to any\n"
	    "link P:em0 H:em0\n", release);
	world_from(text);
	h = world_host(cur_world, "H");
	so = test_socket(h);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = 100;

	forge(p, 0xc0000201u, 28, false);
	/* fewer than 20 bytes */
	ck_assert_int_eq(send_err(so, p, 19, &to, sizeof(to)), EINVAL);
	/* a sockaddr of the wrong size */
	ck_assert_int_eq(send_err(so, p, 28, &to, 8), EINVAL);
	/*
	 * another address family: EAFNOSUPPORT on 14; 6.x's div_output()
	 * never reads sin_family, so the write goes as with AF_INET.
	 */
	to.sin_family = AF_INET6;
	if (release == 14) {
		ck_assert_int_eq(send_err(so, p, 28, &to, sizeof(to)),
		    EAFNOSUPPORT);
	} else {
		int e6 = send_err(so, p, 28, &to, sizeof(to));

		to.sin_family = AF_INET;
		ck_assert_int_eq(e6, send_err(so, p, 28, &to, sizeof(to)));
	}
	to.sin_family = AF_INET;
	/* write() without an address: outgoing on 6, EDESTADDRREQ on 14 */
	ck_assert_int_eq(send_err(so, p, 28, NULL, 0),
	    release == 14 ? EDESTADDRREQ : 0);
	/*
	 * IP version 6 in the first nibble: 14's div_send() refuses it; 6.x
	 * div_output() has no version test, so written as incoming it is
	 * ip_input()'s ips_badvers and sendto succeeds.
	 */
	p[0] = 0x65;
	to.sin_addr.s_addr = htonl(0xc0000202u);
	ck_assert_int_eq(send_err(so, p, 28, &to, sizeof(to)),
	    release == 14 ? EAFNOSUPPORT : 0);
	ck_assert_uint_eq(fx_scn_counter("H.ip.badvers"),
	    release == 14 ? 0 : 1);
	to.sin_addr.s_addr = INADDR_ANY;
	p[0] = 0x45;
	/*
	 * Larger than the send buffer (DIVSNDQ, 65636): sosend_generic()'s
	 * EMSGSIZE, before div_send(); one byte less reaches div_output()
	 * and goes out (ip_len 28: the rest is trailing bytes).
	 */
	{
		uint8_t *big = g_malloc0(DIVSNDQ + 1);

		forge(big, 0xc0000201u, 28, false);
		ck_assert_int_eq(send_err(so, big, DIVSNDQ + 1, &to,
		    sizeof(to)), EMSGSIZE);
		ck_assert_int_eq(send_err(so, big, DIVSNDQ, &to, sizeof(to)),
		    0);
		g_free(big);
	}
	/* outgoing, ip_len larger than the data */
	wire_put16(p + 2, 29);
	ck_assert_int_eq(send_err(so, p, 28, &to, sizeof(to)), EINVAL);
	wire_put16(p + 2, 28);
	/* incoming to an address no interface owns, no name */
	to.sin_addr.s_addr = htonl(0xcb007109u);
	ck_assert_int_eq(send_err(so, p, 28, &to, sizeof(to)), EADDRNOTAVAIL);
	/* ...but with an interface name the address only has to be set */
	div_sin_zero_set(&to, "em0");
	ck_assert_int_eq(send_err(so, p, 28, &to, sizeof(to)), 0);
	to.sin_addr.s_addr = INADDR_ANY;
	memset(to.sin_zero, 0, 8);
	/* outgoing, no route (H has no default route) */
	forge(p, 0xcb007109u, 28, false);
	ck_assert_int_eq(send_err(so, p, 28, &to, sizeof(to)), EHOSTUNREACH);
	/* outgoing, DF and larger than the 1500-byte MTU */
	forge(p, 0xc0000201u, 2000, true);
	ck_assert_int_eq(send_err(so, p, 2000, &to, sizeof(to)), EMSGSIZE);
	/* without DF it is fragmented and sent */
	forge(p, 0xc0000201u, 2000, false);
	ck_assert_int_eq(send_err(so, p, 2000, &to, sizeof(to)), 0);
	/* outgoing, denied by the rules resumed after tag 100 */
	forge(p, 0xc0000209u, 28, false);
	ck_assert_int_eq(send_err(so, p, 28, &to, sizeof(to)),
	    release == 14 ? EPERM : EACCES);
	/* a tag at or above the deny rule skips it: 200 -> 65534 allow */
	to.sin_port = 200;
	ck_assert_int_eq(send_err(so, p, 28, &to, sizeof(to)), 0);
	div_close(so);
	world_done();
}

START_TEST(sendto_errnos_release6)
{
	check_errnos(6);
}
END_TEST

START_TEST(sendto_errnos_release14)
{
	check_errnos(14);
}
END_TEST

/* A packet that does not fit in the receive buffer is dropped and counted:
 * 10 pings of 84 bytes each cost 84 + 16 = 100 bytes of a 350-byte buffer
 * while the process is busy for 10 s per packet: 3 queued, the rest
 * dropped.  Process reads the first at once (the buffer empties), then 3
 * more fit while it works: 1 + 3 read during the first 10 s... the pings
 * are 10 ms apart, all sent within 100 ms, so: read 1, queue 3, drop 6. */
START_TEST(rcvbuf_full_drops)
{
	world_from(HP_WORLD
	    "host H\n"
	    "  ipfw add 100 divert 8000 icmp from any to any in\n"
	    "  ipfw add 65534 allow ip from any to any\n"
	    "  divert 8000 reinject -t 10s -b 350\n"
	    "at 1s P ping -c 10 -i 10ms 192.0.2.2\n");
	(void)fx_scn_run();
	ck_assert_uint_eq(fx_scn_counter("H.divert.8000.dropped_full"), 6);
	ck_assert_uint_eq(fx_scn_counter("H.divert.8000.read"), 4);
	ck_assert_uint_eq(fx_scn_counter("P.ping.received"), 4);
	world_done();
}
END_TEST

/*
 * Bad input written to a divert socket gets an errno or is dropped and
 * counted by ip_input, never a crash: random bytes behind a plausible
 * first nibble, random lengths, both directions, then the world runs and
 * every packet is accounted for.
 */
START_TEST(sendto_garbage)
{
	static const int allowed[] = { 0, EINVAL, EAFNOSUPPORT, EHOSTUNREACH,
	    EMSGSIZE, EACCES, EADDRNOTAVAIL };
	struct divert_sock *so;
	struct sockaddr_in to;
	uint8_t p[200];
	GRand *r = g_rand_new_with_seed(4242);
	struct host *h;

	world_from(HP_WORLD
	    "host H\n"
	    "  ipfw add 100 count ip from any to any\n"
	    "  ipfw add 65534 allow ip from any to any\n");
	h = world_host(cur_world, "H");
	so = test_socket(h);
	for (int i = 0; i < 3000; i++) {
		size_t len = (size_t)g_rand_int_range(r, 0, (int)sizeof(p));
		int err = 0;
		bool ok = false;

		for (size_t k = 0; k < sizeof(p); k++)
			p[k] = (uint8_t)g_rand_int_range(r, 0, 256);
		if (g_rand_boolean(r))
			p[0] = (uint8_t)(0x40 | (p[0] & 0x0f));
		if (g_rand_boolean(r))
			ck_put16(p + 2, (uint16_t)len);
		memset(&to, 0, sizeof(to));
		to.sin_family = AF_INET;
		to.sin_port = (in_port_t)g_rand_int_range(r, 0, 65536);
		if (g_rand_boolean(r))
			to.sin_addr.s_addr = htonl(0xc0000202u);
		if (div_sendto(so, p, len, &to, sizeof(to), &err) < 0)
			ck_assert_int_ne(err, 0);
		for (size_t k = 0; k < G_N_ELEMENTS(allowed); k++)
			ok = ok || err == allowed[k];
		ck_assert_msg(ok, "packet %d: unexpected errno %d", i, err);
	}
	(void)fx_scn_run();
	g_rand_free(r);
	div_close(so);
	world_done();
	/* everything written was delivered, dropped or freed at the end */
	ck_assert_uint_eq(pkt_live_count(), 0);
}
END_TEST

/*
 * Releases table: an inbound write-back runs ip_input() before sendto
 * returns on release 6 (div_output() called ip_input() directly) and is
 * queued to the IP netisr, sendto returning first, on release 14.
 */
static void
check_inbound_timing(int release, uint64_t expect_during)
{
	char text[512];

	snprintf(text, sizeof(text), "release %d\n"
	    "host P\n  ifconfig em0 inet 192.0.2.1/24\n"
	    "host H\n  ifconfig em0 inet 192.0.2.2/24\n"
	    "  ipfw add 100 divert 8000 icmp from any to any in\n"
	    "  ipfw add 65534 allow ip from any to any\n"
	    "  divert 8000 probe\n"
	    "link P:em0 H:em0\n"
	    "at 1s P ping -c 1 192.0.2.2\n", release);
	world_from(text);
	(void)fx_scn_run();
	ck_assert_uint_eq(probe_after - probe_before, expect_during);
	/* either way the request is answered */
	ck_assert_uint_eq(fx_scn_counter("P.ping.received"), 1);
	world_done();
}

START_TEST(inbound_writeback_sync_release6)
{
	check_inbound_timing(6, 1);
}
END_TEST

START_TEST(inbound_writeback_queued_release14)
{
	check_inbound_timing(14, 0);
}
END_TEST

static Suite *
divert_queue_suite(void)
{
	const TTest *tests[] = {
		sin_zero_encoding,
		recvfrom_incoming_first_address,
		recvfrom_outgoing_forwarded,
		recvfrom_outgoing_local,
		sendto_errnos_release6,
		sendto_errnos_release14,
		rcvbuf_full_drops,
		sendto_garbage,
		inbound_writeback_sync_release6,
		inbound_writeback_queued_release14,
		NULL,
	};

	return (check_suite("divert_queue", tests, NULL, NULL));
}

CHECK_MAIN(divert_queue_suite())

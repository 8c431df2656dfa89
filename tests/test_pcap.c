/*
 * Tests of the trace writer (files read back with libpcap, and with tshark
 * when it is installed) and of the ns-3 seam (timing of a point-to-point
 * link, event cancellation, run_until, queue overflow, link pcaps,
 * repeated simulations in one process).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <pcap/pcap.h>

#include "check_util.h"
#include "ns3/ns3_shim.h"
#include "sim/sim_sched.h"
#include "trace/pcap_writer.h"

#define	TSHARK_PATH	"/usr/bin/tshark"

/*
 * A valid IPv4/UDP datagram built by hand: 10.0.0.1:5000 -> 10.0.0.2:6000,
 * payload "hello".  Total length 20 + 8 + 5 = 33 (0x0021).  Header checksum
 * (RFC 791, one's complement of the one's complement sum of the 16-bit
 * words, checksum field taken as 0):
 *   4500 + 0021 + 0001 + 0000 + 4011 + 0000 + 0a00 + 0001 + 0a00 + 0002
 *   = 0x9936 (no carry), so the checksum is ~0x9936 = 0x66c9.
 * UDP length 8 + 5 = 13 (0x000d); UDP checksum 0 means "none" over IPv4
 * (RFC 768).
 */
static const uint8_t udp_dgram[33] = {
	0x45, 0x00, 0x00, 0x21, 0x00, 0x01, 0x00, 0x00,
	0x40, 0x11, 0x66, 0xc9, 0x0a, 0x00, 0x00, 0x01,
	0x0a, 0x00, 0x00, 0x02,
	0x13, 0x88, 0x17, 0x70, 0x00, 0x0d, 0x00, 0x00,
	'h', 'e', 'l', 'l', 'o',
};

static char *tmpdir;

static void
tmp_setup(void)
{

	tmpdir = g_dir_make_tmp("divertsim-pcap-XXXXXX", NULL);
	ck_assert_ptr_nonnull(tmpdir);
}

static void
tmp_teardown(void)
{
	GDir *d;
	const char *name;

	d = g_dir_open(tmpdir, 0, NULL);
	if (d != NULL) {
		while ((name = g_dir_read_name(d)) != NULL) {
			char *p = g_build_filename(tmpdir, name, NULL);
			g_unlink(p);
			g_free(p);
		}
		g_dir_close(d);
	}
	g_rmdir(tmpdir);
	g_free(tmpdir);
	tmpdir = NULL;
}

static char *
tmp_path(const char *name)
{

	return (g_build_filename(tmpdir, name, NULL));
}

/* A deterministic non-IP payload pattern for length and byte checks. */
static void
fill_pattern(uint8_t *buf, size_t len, uint8_t seed)
{

	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i * 7);
}

static uint32_t
le32(const uint8_t *p)
{

	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

/*
 * Three records at chosen simulated times come back from libpcap with the
 * same times (to the nanosecond), lengths and bytes, and the file header
 * says raw IPv4 with nanosecond timestamps.
 */
START_TEST(pcap_writer_roundtrip)
{
	static const uint64_t t_ns[3] = {
		0,			/* 0 s + 0 ns */
		1500000007ull,		/* 1 s + 500000007 ns */
		3000000000ull + 999999999ull,	/* 3 s + 999999999 ns */
	};
	static const size_t len[3] = { 20, 1500, 1 };
	uint8_t buf[3][1500];
	GError *err = NULL;
	char *path = tmp_path("rt.pcap");
	struct pcap_writer *w;

	w = pcap_writer_open(path, &err);
	ck_assert_msg(w != NULL, "open: %s", err != NULL ? err->message : "");
	for (int i = 0; i < 3; i++) {
		fill_pattern(buf[i], len[i], (uint8_t)(i * 31 + 1));
		pcap_writer_write(w, t_ns[i], buf[i], len[i]);
	}
	pcap_writer_close(w);

	/*
	 * File header (pcap-savefile(5)), written in host byte order, which
	 * is little-endian here: magic 0xa1b23c4d (nanosecond timestamps),
	 * version 2.4, thiszone 0, sigfigs 0, snaplen 65535, linktype 101
	 * (LINKTYPE_RAW) at offset 20.
	 */
	uint8_t fh[24];
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(fh, 1, sizeof(fh), f), sizeof(fh));
	fclose(f);
	ck_assert_uint_eq(le32(fh + 0), 0xa1b23c4du);
	ck_assert_uint_eq(fh[4] | fh[5] << 8, 2);
	ck_assert_uint_eq(fh[6] | fh[7] << 8, 4);
	ck_assert_uint_eq(le32(fh + 8), 0);
	ck_assert_uint_eq(le32(fh + 12), 0);
	ck_assert_uint_eq(le32(fh + 16), 65535);
	ck_assert_uint_eq(le32(fh + 20), 101);

	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_NANO, ebuf);
	ck_assert_msg(p != NULL, "%s", ebuf);
	ck_assert_int_eq(pcap_datalink(p), DLT_RAW);
	ck_assert_str_eq(pcap_datalink_val_to_name(pcap_datalink(p)), "RAW");
	for (int i = 0; i < 3; i++) {
		struct pcap_pkthdr *h;
		const u_char *data;

		ck_assert_int_eq(pcap_next_ex(p, &h, &data), 1);
		/* With nanosecond precision tv_usec carries nanoseconds. */
		ck_assert_uint_eq((uint64_t)h->ts.tv_sec, t_ns[i] / 1000000000u);
		ck_assert_uint_eq((uint64_t)h->ts.tv_usec, t_ns[i] % 1000000000u);
		ck_assert_uint_eq(h->caplen, len[i]);
		ck_assert_uint_eq(h->len, len[i]);
		EXPECT_BYTES(data, buf[i], len[i]);
	}
	{
		struct pcap_pkthdr *h;
		const u_char *data;

		/* -2: end of file, nothing more was written. */
		ck_assert_int_eq(pcap_next_ex(p, &h, &data), -2);
	}
	pcap_close(p);
	g_free(path);
}
END_TEST

/* An empty file is still a valid capture: header only, no records. */
START_TEST(pcap_writer_empty)
{
	char *path = tmp_path("empty.pcap");
	struct pcap_writer *w = pcap_writer_open(path, NULL);
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;

	ck_assert_ptr_nonnull(w);
	pcap_writer_close(w);
	p = pcap_open_offline(path, ebuf);
	ck_assert_msg(p != NULL, "%s", ebuf);
	ck_assert_int_eq(pcap_datalink(p), DLT_RAW);
	ck_assert_int_eq(pcap_next_ex(p, &h, &data), -2);
	pcap_close(p);
	pcap_writer_close(NULL);
	g_free(path);
}
END_TEST

/* A file that cannot be created is reported through the GError. */
START_TEST(pcap_writer_open_error)
{
	GError *err = NULL;
	char *path = tmp_path("no-such-dir/x.pcap");

	ck_assert_ptr_null(pcap_writer_open(path, &err));
	ck_assert_ptr_nonnull(err);
	ck_assert(g_error_matches(err, PCAP_WRITER_ERROR,
	    PCAP_WRITER_ERROR_OPEN));
	g_error_free(err);
	g_free(path);
}
END_TEST

/* Run tshark on path with extra arguments; returns its standard output. */
static char *
run_tshark(const char *path, const char *const *extra)
{
	const char *argv[32];
	char *out = NULL;
	int n = 0, status = 0;

	argv[n++] = TSHARK_PATH;
	argv[n++] = "-n";
	argv[n++] = "-r";
	argv[n++] = path;
	for (size_t i = 0; extra[i] != NULL; i++) {
		ck_assert_int_lt(n, 31);
		argv[n++] = extra[i];
	}
	argv[n] = NULL;
	ck_assert(g_spawn_sync(NULL, (char **)argv, NULL,
	    G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status,
	    NULL));
	ck_assert_msg(g_spawn_check_wait_status(status, NULL),
	    "tshark failed");
	return (out);
}

/*
 * Wireshark, an independent reader, dissects the hand-built datagram as
 * IPv4/UDP with the addresses and ports above, and finds nothing
 * malformed.
 */
START_TEST(pcap_writer_tshark)
{
	static const char *const fields[] = { "-T", "fields", "-e", "ip.src",
	    "-e", "ip.dst", "-e", "udp.srcport", "-e", "udp.dstport",
	    "-e", "frame.time_epoch", NULL };
	static const char *const malformed[] = { "-Y", "_ws.malformed", NULL };
	char *path, *out;
	struct pcap_writer *w;

	if (access(TSHARK_PATH, X_OK) != 0)
		return;
	path = tmp_path("udp.pcap");
	w = pcap_writer_open(path, NULL);
	ck_assert_ptr_nonnull(w);
	/* 2 s + 5 ns: tshark prints epoch seconds with 9 decimals. */
	pcap_writer_write(w, 2000000005ull, udp_dgram, sizeof(udp_dgram));
	pcap_writer_close(w);

	out = run_tshark(path, fields);
	ck_assert_str_eq(out, "10.0.0.1\t10.0.0.2\t5000\t6000\t2.000000005\n");
	g_free(out);
	out = run_tshark(path, malformed);
	ck_assert_str_eq(out, "");
	g_free(out);
	g_free(path);
}
END_TEST

/* The seam. */

struct rx_log {
	unsigned	 n;
	uint64_t	 t_ns[8];
	size_t		 len[8];
	uint8_t		 first[8];
	uint8_t		 bytes[1500];	/* last datagram */
};

static void
rx_record(void *ctx, const uint8_t *bytes, size_t len,
    const struct ns3_frame_tag *tag)
{
	struct rx_log *l = ctx;

	ck_assert_ptr_null(tag);	/* sent without one */
	ck_assert_uint_lt(l->n, 8);
	l->t_ns[l->n] = ns3_now_ns();
	l->len[l->n] = len;
	l->first[l->n] = len > 0 ? bytes[0] : 0;
	ck_assert_uint_le(len, sizeof(l->bytes));
	memcpy(l->bytes, bytes, len);
	l->n++;
}

struct send_req {
	ns3_dev		*dev;
	const uint8_t	*bytes;
	size_t		 len;
	bool		 ok;
};

static void
send_ev(void *arg)
{
	struct send_req *r = arg;

	r->ok = ns3_dev_send(r->dev, r->bytes, r->len, NULL);
}

static void
seam_setup(void)
{

	ns3_sim_init();
}

static void
seam_teardown(void)
{

	ns3_sim_destroy();
}

/*
 * One 100-byte datagram sent at t=0 over 1 Mb/s with 1 ms of delay.  The
 * PPP device puts a 2-byte PPP header in front, so the frame is 102 bytes:
 * transmission 102 * 8 / 1e6 s = 816 us, then 1 ms of propagation; the
 * last bit arrives at 1816 us = 1816000 ns, when ns-3 delivers it.
 */
static void
one_datagram_arrives(void)
{
	ns3_node *a, *b;
	ns3_dev *da, *db;
	struct rx_log log = { 0 };
	uint8_t dgram[100];
	struct send_req req;

	fill_pattern(dgram, sizeof(dgram), 0x45);
	a = ns3_node_create();
	b = ns3_node_create();
	ns3_link_create(a, b, 1000000, 1000000, 1500, 100, &da, &db);
	ck_assert_ptr_nonnull(da);
	ck_assert_ptr_nonnull(db);
	ns3_dev_set_rx(db, rx_record, NULL, &log);
	req = (struct send_req){ da, dgram, sizeof(dgram), false };
	ck_assert_uint_ne(sim_schedule(0, send_ev, &req), 0);

	ck_assert(!ns3_run_until(UINT64_MAX));
	ck_assert(req.ok);
	ck_assert_uint_eq(log.n, 1);
	ck_assert_uint_eq(log.t_ns[0], 1816000);
	ck_assert_uint_eq(log.len[0], 100);
	EXPECT_BYTES(log.bytes, dgram, sizeof(dgram));
	/* The only callback of ours was send_ev. */
	ck_assert_uint_eq(ns3_events_executed(), 1);
	/* The queue ran dry at the arrival, so time stays there. */
	ck_assert_uint_eq(sim_now(), 1816000);
}

START_TEST(seam_link_timing)
{

	one_datagram_arrives();
}
END_TEST

/*
 * A fresh simulation each time, in one process: time, the executed count
 * and the topology start over, and the second world behaves like the
 * first.  ns3_sim_init() also replaces a simulation not yet destroyed.
 */
START_TEST(seam_reinit)
{

	one_datagram_arrives();
	ns3_sim_init();
	ck_assert_uint_eq(sim_now(), 0);
	ck_assert_uint_eq(ns3_events_executed(), 0);
	ck_assert(!ns3_run_until(UINT64_MAX));
	one_datagram_arrives();
	ns3_sim_destroy();
	ns3_sim_destroy();
	ns3_sim_init();
	one_datagram_arrives();
}
END_TEST

static void
mark(void *arg)
{
	int *hits = arg;

	(*hits)++;
}

/*
 * A cancelled event never runs; cancelling an id that already ran, or an
 * id whose slot has since been reused, changes nothing.
 */
START_TEST(seam_cancel)
{
	int h1 = 0, h2 = 0, h3 = 0;
	uint64_t e1, e2, e3;

	e1 = sim_schedule(10, mark, &h1);
	e2 = sim_schedule(20, mark, &h2);
	ck_assert_uint_ne(e1, 0);
	ck_assert_uint_ne(e2, 0);
	ck_assert_uint_ne(e1, e2);
	sim_cancel(e1);
	sim_cancel(e1);
	ck_assert(!ns3_run_until(UINT64_MAX));
	ck_assert_int_eq(h1, 0);
	ck_assert_int_eq(h2, 1);
	ck_assert_uint_eq(ns3_events_executed(), 1);
	/* e2 ran at 20 ns; e3 may reuse its slot, but not its id. */
	e3 = sim_schedule(5, mark, &h3);
	ck_assert_uint_ne(e3, e2);
	sim_cancel(e2);
	sim_cancel(0);
	ck_assert(!ns3_run_until(UINT64_MAX));
	ck_assert_int_eq(h3, 1);
	ck_assert_uint_eq(sim_now(), 25);
	ck_assert_uint_eq(ns3_events_executed(), 2);
}
END_TEST

struct at_log {
	int		 n;
	uint64_t	 t_ns[8];
};

static void
stamp(void *arg)
{
	struct at_log *l = arg;

	l->t_ns[l->n++] = sim_now();
}

/* At 200 ns: record, then schedule another record with no delay. */
static void
stamp_and_respawn(void *arg)
{

	stamp(arg);
	sim_schedule(0, stamp, arg);
}

/*
 * run_until(T) runs every event at or before T, including one scheduled
 * with zero delay at T while running, leaves later ones pending, and can
 * be called again and again.
 */
START_TEST(seam_run_until)
{
	struct at_log l = { 0 };

	ck_assert(!ns3_run_until(1000));	/* nothing at all */
	ck_assert_uint_eq(sim_now(), 0);

	sim_schedule(100, stamp, &l);
	sim_schedule(200, stamp_and_respawn, &l);
	sim_schedule(300, stamp, &l);

	ck_assert(ns3_run_until(200));
	ck_assert_int_eq(l.n, 3);
	ck_assert_uint_eq(l.t_ns[0], 100);
	ck_assert_uint_eq(l.t_ns[1], 200);
	ck_assert_uint_eq(l.t_ns[2], 200);
	ck_assert_uint_eq(sim_now(), 200);

	/* Nothing due before 250; time still moves to 250. */
	ck_assert(ns3_run_until(250));
	ck_assert_int_eq(l.n, 3);
	ck_assert_uint_eq(sim_now(), 250);
	/* Same horizon again: nothing to do, still pending. */
	ck_assert(ns3_run_until(250));
	/* A horizon in the past runs nothing. */
	ck_assert(ns3_run_until(10));
	ck_assert_uint_eq(sim_now(), 250);

	/* Delays count from 250 now: this one is due at 260. */
	sim_schedule(10, stamp, &l);
	ck_assert(ns3_run_until(299));
	ck_assert_int_eq(l.n, 4);
	ck_assert_uint_eq(l.t_ns[3], 260);

	ck_assert(!ns3_run_until(300));	/* the event at 300 was the last */
	ck_assert_int_eq(l.n, 5);
	ck_assert_uint_eq(l.t_ns[4], 300);
	ck_assert_uint_eq(sim_now(), 300);
	/* Five callbacks: at 100, 200, 200 (respawned), 260 and 300. */
	ck_assert_uint_eq(ns3_events_executed(), 5);
}
END_TEST

/*
 * Queue of one packet on a slow link (8000 b/s, 1 ms): of three datagrams
 * sent back to back, the first goes straight into transmission, the second
 * waits in the queue, the third finds the queue full and is refused.
 * Frames are 102 bytes = 816 bits = 102 ms each at 8000 b/s, so arrivals
 * are at 102 + 1 = 103 ms and 2 * 102 + 1 = 205 ms.
 */
START_TEST(seam_queue_full)
{
	ns3_node *a, *b;
	ns3_dev *da, *db;
	struct rx_log log = { 0 };
	uint8_t d[3][100];

	a = ns3_node_create();
	b = ns3_node_create();
	ns3_link_create(a, b, 8000, 1000000, 1500, 1, &da, &db);
	ns3_dev_set_rx(db, rx_record, NULL, &log);
	for (int i = 0; i < 3; i++)
		fill_pattern(d[i], sizeof(d[i]), (uint8_t)(0x10 * (i + 1)));
	ck_assert(ns3_dev_send(da, d[0], sizeof(d[0]), NULL));
	ck_assert(ns3_dev_send(da, d[1], sizeof(d[1]), NULL));
	ck_assert(!ns3_dev_send(da, d[2], sizeof(d[2]), NULL));
	ck_assert(!ns3_run_until(UINT64_MAX));
	ck_assert_uint_eq(log.n, 2);
	ck_assert_uint_eq(log.t_ns[0], 103000000);
	ck_assert_uint_eq(log.t_ns[1], 205000000);
	ck_assert_uint_eq(log.first[0], 0x10);
	ck_assert_uint_eq(log.first[1], 0x20);
}
END_TEST

static void
tap_to_pcap(void *ctx, uint64_t t_ns, const uint8_t *bytes, size_t len)
{
	ck_assert(pcap_writer_write(ctx, t_ns, bytes, len));
}

/*
 * Both directions of a link, and the receiving device's frames as ns-3's
 * EnablePcap() would record them, through the shim's tap into our own
 * writer: a PPP capture (link type 9) whose records are the 102-byte
 * frame, PPP protocol 0x0021 (IPv4, RFC 1332) in front of the datagram,
 * stamped at its arrival, 1816 us = 1816000 ns (see
 * one_datagram_arrives), then the reply as b starts sending it.
 */
START_TEST(seam_link_pcap)
{
	ns3_node *a, *b;
	ns3_dev *da, *db;
	struct rx_log la = { 0 }, lb = { 0 };
	uint8_t dgram[100];
	char *path = tmp_path("b.pcap");
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct pcap_writer *w;
	pcap_t *p;

	fill_pattern(dgram, sizeof(dgram), 0x45);
	a = ns3_node_create();
	b = ns3_node_create();
	ns3_link_create(a, b, 1000000, 1000000, 1500, 100, &da, &db);
	ns3_dev_set_rx(da, rx_record, NULL, &la);
	ns3_dev_set_rx(db, rx_record, NULL, &lb);
	w = pcap_writer_open_type(path, PCAP_LINKTYPE_PPP, NULL);
	ck_assert_ptr_nonnull(w);
	ns3_dev_set_tap(db, tap_to_pcap, w);
	ck_assert(ns3_dev_send(da, dgram, sizeof(dgram), NULL));
	ck_assert(!ns3_run_until(UINT64_MAX));
	/* Reply from b at 1816 us: arrives back at a at 3632 us. */
	ck_assert(ns3_dev_send(db, udp_dgram, sizeof(udp_dgram), NULL));
	ck_assert(!ns3_run_until(UINT64_MAX));
	ck_assert_uint_eq(lb.n, 1);
	ck_assert_uint_eq(la.n, 1);
	/* 33 + 2 = 35 bytes = 280 us at 1 Mb/s, plus 1 ms. */
	ck_assert_uint_eq(la.t_ns[0], 1816000 + 280000 + 1000000);
	EXPECT_BYTES(la.bytes, udp_dgram, sizeof(udp_dgram));
	ns3_sim_destroy();
	ck_assert(pcap_writer_close(w));

	p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_NANO, ebuf);
	ck_assert_msg(p != NULL, "%s", ebuf);
	ck_assert_int_eq(pcap_datalink(p), DLT_PPP);
	/* Received by b at 1816000 ns. */
	ck_assert_int_eq(pcap_next_ex(p, &h, &data), 1);
	ck_assert_uint_eq(h->len, 102);
	ck_assert_uint_eq(h->caplen, 102);
	ck_assert_int_eq(h->ts.tv_sec, 0);
	ck_assert_int_eq(h->ts.tv_usec, 1816000);
	ck_assert_uint_eq(data[0], 0x00);
	ck_assert_uint_eq(data[1], 0x21);
	EXPECT_BYTES(data + 2, dgram, sizeof(dgram));
	/* Sent by b: seen as its transmission starts, at 1816000 ns. */
	ck_assert_int_eq(pcap_next_ex(p, &h, &data), 1);
	ck_assert_uint_eq(h->len, 35);
	ck_assert_int_eq(h->ts.tv_usec, 1816000);
	EXPECT_BYTES(data + 2, udp_dgram, sizeof(udp_dgram));
	ck_assert_int_eq(pcap_next_ex(p, &h, &data), -2);
	pcap_close(p);
	g_free(path);
}
END_TEST

static void
seam_pcap_setup(void)
{

	tmp_setup();
	ns3_sim_init();
}

static void
seam_pcap_teardown(void)
{

	ns3_sim_destroy();
	tmp_teardown();
}

static Suite *
pcap_writer_suite(void)
{
	const TTest *const tests[] = {
		pcap_writer_roundtrip,
		pcap_writer_empty,
		pcap_writer_open_error,
		pcap_writer_tshark,
		NULL,
	};

	return (check_suite("pcap_writer", tests, tmp_setup, tmp_teardown));
}

/* An event that schedules itself again with no delay: time never moves. */
static void
spin(void *arg)
{
	uint64_t *n = arg;

	(*n)++;
	sim_schedule(0, spin, arg);
}

/*
 * More events at one instant than the budget: the run ends there, with the
 * cause told, instead of spinning forever; the budget of the whole run
 * likewise.  ns3_sim_init() clears the cause.
 */
START_TEST(seam_event_budgets)
{
	uint64_t n = 0;

	ns3_set_limits(0, 1000);
	sim_schedule(5, spin, &n);
	ck_assert(ns3_run_until(UINT64_MAX));
	ck_assert_int_eq(ns3_stop_cause(), NS3_STOP_LIVELOCK);
	/* The 1001st event at 5 ns trips the budget and is still run. */
	ck_assert_uint_eq(n, 1001);
	ck_assert_uint_eq(sim_now(), 5);

	ns3_sim_init();
	ck_assert_int_eq(ns3_stop_cause(), NS3_STOP_NONE);
	ns3_set_limits(100, 0);
	n = 0;
	sim_schedule(5, spin, &n);
	ck_assert(ns3_run_until(UINT64_MAX));
	ck_assert_int_eq(ns3_stop_cause(), NS3_STOP_MAX_EVENTS);
	ck_assert_uint_eq(n, 100);

	/* A stop request (a signal handler's) ends the run the same way. */
	ns3_sim_init();
	ns3_set_limits(0, 0);
	n = 0;
	sim_schedule(5, spin, &n);
	ns3_stop();
	ck_assert(ns3_run_until(UINT64_MAX));
	ck_assert_int_eq(ns3_stop_cause(), NS3_STOP_REQUESTED);
	ck_assert_uint_eq(n, 0);
	ns3_sim_init();
}
END_TEST

static void
count_up(void *arg)
{
	(*(uint64_t *)arg)++;
}

/*
 * Events at time 0 queued before the first run (ns-3 queues one per node
 * and per device: three million for a million-host chain) are not counted
 * against the events-per-instant budget; what the run itself queues is.
 */
START_TEST(seam_setup_events_not_a_livelock)
{
	uint64_t n = 0;

	ns3_set_limits(0, 10);
	for (int i = 0; i < 50; i++)
		sim_schedule(0, count_up, &n);
	ck_assert(!ns3_run_until(UINT64_MAX));
	ck_assert_int_eq(ns3_stop_cause(), NS3_STOP_NONE);
	ck_assert_uint_eq(n, 50);

	/* The first spin was queued before the run: 1 + the 11 counted,
	 * the 11th tripping the budget and still run. */
	ns3_sim_init();
	n = 0;
	sim_schedule(0, spin, &n);
	ck_assert(ns3_run_until(UINT64_MAX));
	ck_assert_int_eq(ns3_stop_cause(), NS3_STOP_LIVELOCK);
	ck_assert_uint_eq(n, 12);
	ns3_set_limits(0, 0);
	ns3_sim_init();
}
END_TEST

/*
 * A delay that would end past ns-3's last instant (2^63 - 1 ns) wraps
 * negative there: such an event never runs, and can still be cancelled.
 */
START_TEST(seam_beyond_the_clock)
{
	int h1 = 0, h2 = 0, h3 = 0;
	uint64_t e;

	sim_schedule(UINT64_MAX, mark, &h1);
	e = sim_schedule(9223372036854775808ull, mark, &h2);
	ck_assert_uint_ne(e, 0);
	sim_cancel(e);
	sim_schedule(9223372036854775807ull, mark, &h3);
	ck_assert(!ns3_run_until(UINT64_MAX));
	ck_assert_int_eq(h1, 0);
	ck_assert_int_eq(h2, 0);
	/* 2^63 - 1 itself is the last instant ns-3 has. */
	ck_assert_int_eq(h3, 1);
	ck_assert_uint_eq(sim_now(), 9223372036854775807ull);
}
END_TEST

struct bouncer {
	ns3_dev	*out;
	uint64_t n;
};

static void
bounce(void *ctx, const uint8_t *bytes, size_t len,
    const struct ns3_frame_tag *tag)
{
	struct bouncer *b = ctx;

	b->n++;
	(void)ns3_dev_send(b->out, bytes, len, tag);
}

/*
 * The zero-time livelock of two echo servers: at 1000 Gb/s a 31-byte frame
 * takes 0.248 ns, 0 once rounded, and the delay is 0, so each end sends
 * back what it receives at the same instant forever.  The budget stops it,
 * and the busiest device is one of the link's two ends.
 */
START_TEST(seam_zero_time_livelock)
{
	ns3_node *a, *b;
	ns3_dev *da, *db, *busy;
	struct bouncer ba = { 0 }, bb = { 0 };
	uint8_t dgram[29];

	fill_pattern(dgram, sizeof(dgram), 0x45);
	a = ns3_node_create();
	b = ns3_node_create();
	ns3_link_create(a, b, 1000000000000ull, 0, 1500, 100, &da, &db);
	ba.out = da;
	bb.out = db;
	ns3_dev_set_rx(da, bounce, NULL, &ba);
	ns3_dev_set_rx(db, bounce, NULL, &bb);
	ns3_set_limits(0, 10000);
	ck_assert(ns3_dev_send(da, dgram, sizeof(dgram), NULL));
	ck_assert(ns3_run_until(UINT64_MAX));
	ck_assert_int_eq(ns3_stop_cause(), NS3_STOP_LIVELOCK);
	ck_assert_uint_eq(sim_now(), 0);
	ck_assert_uint_gt(ba.n + bb.n, 100);
	busy = ns3_busiest_dev();
	ck_assert(busy == da || busy == db);
	ns3_set_limits(0, 0);
}
END_TEST

static Suite *
seam_suite(void)
{
	const TTest *const tests[] = {
		seam_link_timing,
		seam_reinit,
		seam_cancel,
		seam_run_until,
		seam_queue_full,
		seam_event_budgets,
		seam_setup_events_not_a_livelock,
		seam_beyond_the_clock,
		seam_zero_time_livelock,
		NULL,
	};

	return (check_suite("ns3_seam", tests, seam_setup, seam_teardown));
}

static Suite *
seam_pcap_suite(void)
{
	const TTest *const tests[] = {
		seam_link_pcap,
		NULL,
	};

	return (check_suite("ns3_seam_pcap", tests, seam_pcap_setup,
	    seam_pcap_teardown));
}

CHECK_MAIN(pcap_writer_suite(), seam_suite(), seam_pcap_suite())

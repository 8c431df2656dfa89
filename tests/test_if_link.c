/*
 * A packet's lineage and divert history cross a link in the frame's own
 * ns-3 tag, so they stay with their frame when the link loses frames (a
 * receive error model on the far device) or delivers them out of order (a
 * delay shortened while a frame is on the wire).  Host a sends UDP
 * datagrams, each with its own source port, on a:em0 to b:em0; the check
 * reads events.jsonl: every link-in and link-lost drop on b carries the
 * lineage of the link-out event on a for the same datagram, and every
 * divert history handed to the link is released exactly once.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "apps/app_traffic.h"
#include "check_util.h"
#include "fixture.h"
#include "net/host.h"
#include "net/if.h"
#include "ns3/ns3_shim.h"
#include "pkt/pkt.h"
#include "sim/counters.h"

#define	AADDR	FX_A(10, 0, 0, 1)
#define	BADDR	FX_A(10, 0, 0, 2)
#define	NPKT	6
#define	MS	1000000ull

static struct host *a, *b;
static struct ifnet *aem0, *bem0;

/* A divert history of our own, to see each reference come back. */
struct test_hist {
	struct pkt_hist	 h;
	unsigned	 freed;
};

static struct test_hist hists[NPKT];

static void
hist_free(struct pkt_hist *h)
{

	((struct test_hist *)h)->freed++;
}

static void
setup(void)
{

	fx_init();
	a = fx_host("a", RELEASE_14, FX_FW_OFF);
	b = fx_host("b", RELEASE_14, FX_FW_OFF);
	aem0 = fx_if(a, "em0", AADDR, 24);
	bem0 = fx_if(b, "em0", BADDR, 24);
	/* 1 Mbit/s, 10 ms: a 56-byte frame takes about 0.45 ms to send. */
	if_link(aem0, bem0, 1000000, 10 * MS, 1500, 100);
	/* A listener on b, so that nothing comes back on the link. */
	ck_assert_int_eq(app_udp_listen(b, 9, false), 0);
	fx_sockets_left(b, 1, 0);
	memset(hists, 0, sizeof(hists));
}

/* Datagram i (source port 5000 + i) handed to a:em0 with history i. */
static uint64_t
send_one(unsigned i)
{
	uint8_t dg[8 + 20];
	uint32_t n = fx_udp(dg, AADDR, BADDR, (uint16_t)(5000 + i), 9, 20);
	struct pkt *m = fx_ip(NULL, AADDR, BADDR, IPPROTO_UDP, 64, 0, dg, n);
	uint64_t lineage = m->lineage;

	hists[i].h.refs = 0;
	hists[i].h.free_fn = hist_free;
	pkt_set_hist(m, &hists[i].h);
	if_output(aem0, m);
	return (lineage);
}

/* The value of "key": in a JSON line, as a string (up to the quote). */
static char *
json_str(const char *line, const char *key)
{
	char *pat = g_strdup_printf("\"%s\":\"", key);
	const char *p = strstr(line, pat), *e;

	g_free(pat);
	if (p == NULL)
		return (NULL);
	p += strlen(key) + 4;
	e = strchr(p, '"');
	ck_assert_ptr_nonnull(e);
	return (g_strndup(p, (gsize)(e - p)));
}

static uint64_t
json_u64(const char *line, const char *key)
{
	char *pat = g_strdup_printf("\"%s\":", key);
	const char *p = strstr(line, pat);

	ck_assert_msg(p != NULL, "no %s in %s", key, line);
	p += strlen(pat);
	g_free(pat);
	return (g_ascii_strtoull(p, NULL, 10));
}

/* What events.jsonl says about the link a:em0 -> b:em0. */
struct link_log {
	GHashTable	*out;		/* summary -> lineage (link-out on a) */
	GPtrArray	*in_order;	/* summaries of link-in on b, in order */
	unsigned	 nin, nlost;
};

/* A frame the link lost: a drop whose reason is link-lost. */
static bool
is_link_lost(const char *line, const char *ev)
{
	char *reason;
	bool lost;

	if (strcmp(ev, "drop") != 0)
		return (false);
	reason = json_str(line, "reason");
	lost = reason != NULL && strcmp(reason, "link-lost") == 0;
	g_free(reason);
	return (lost);
}

/*
 * Read events.jsonl; fail unless each link-in or link-lost on b carries
 * the lineage of the link-out on a with the same summary.
 */
static void
link_log_check(struct link_log *l)
{
	gchar **lines = g_strsplit(fx_jsonl(), "\n", -1);

	l->out = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	l->in_order = g_ptr_array_new_with_free_func(g_free);
	l->nin = l->nlost = 0;
	for (gchar **lp = lines; *lp != NULL; lp++) {
		char *ev = json_str(*lp, "ev"), *host = json_str(*lp, "host");
		char *sum = json_str(*lp, "summary");

		if (ev == NULL || sum == NULL) {
			g_free(ev);
			g_free(host);
			g_free(sum);
			continue;
		}
		if (strcmp(ev, "link-out") == 0 && strcmp(host, "a") == 0) {
			ck_assert_msg(!g_hash_table_contains(l->out, sum),
			    "summary %s is not unique", sum);
			g_hash_table_insert(l->out, g_strdup(sum),
			    GSIZE_TO_POINTER(json_u64(*lp, "lineage")));
		} else if ((strcmp(ev, "link-in") == 0 ||
		    is_link_lost(*lp, ev)) && strcmp(host, "b") == 0) {
			gpointer lin;

			ck_assert_msg(g_hash_table_lookup_extended(l->out, sum,
			    NULL, &lin), "%s on b was never sent: %s", ev,
			    *lp);
			ck_assert_msg(json_u64(*lp, "lineage") ==
			    GPOINTER_TO_SIZE(lin), "wrong lineage (%zu "
			    "sent): %s", GPOINTER_TO_SIZE(lin), *lp);
			if (strcmp(ev, "link-in") == 0) {
				l->nin++;
				g_ptr_array_add(l->in_order, g_strdup(sum));
			} else
				l->nlost++;
		}
		g_free(ev);
		g_free(host);
		g_free(sum);
	}
	g_strfreev(lines);
}

/* The source port in the k-th arrival's summary (tcpdump's A.B.C.D.PORT). */
static unsigned
arrival_sport(const struct link_log *l, guint k)
{
	unsigned sport = 0;

	ck_assert_uint_lt(k, l->in_order->len);
	ck_assert_int_eq(sscanf(g_ptr_array_index(l->in_order, k),
	    "%*u.%*u.%*u.%*u.%u >", &sport), 1);
	return (sport);
}

static void
link_log_free(struct link_log *l)
{

	g_hash_table_destroy(l->out);
	g_ptr_array_free(l->in_order, TRUE);
}

/* Every history handed to the link came back exactly once. */
static void
expect_hists_released(void)
{

	for (unsigned i = 0; i < NPKT; i++)
		ck_assert_msg(hists[i].freed == 1, "history %u freed %u "
		    "times", i, hists[i].freed);
}

/*
 * b:em0 loses the 2nd and 5th frames that reach it (0-based 1 and 4):
 * 6 sent, 4 received, 2 lost, and the lost ones are datagrams 1 and 4
 * (source ports 5001 and 5004).  With lineages queued in send order
 * beside the link, the datagram after the first loss would have taken its
 * lineage.
 */
START_TEST(test_lost_frames_keep_lineage)
{
	static const uint32_t lose[] = { 1, 4 };
	struct link_log l;
	bool exists;

	ns3_dev_set_rx_loss(bem0->if_dev, lose, G_N_ELEMENTS(lose));
	for (unsigned i = 0; i < NPKT; i++)
		(void)send_one(i);
	fx_run_to(1000 * MS);
	link_log_check(&l);
	ck_assert_uint_eq(g_hash_table_size(l.out), NPKT);
	ck_assert_uint_eq(l.nin, 4);
	ck_assert_uint_eq(l.nlost, 2);
	/* In order, minus 1 and 4. */
	ck_assert_uint_eq(arrival_sport(&l, 0), 5000);
	ck_assert_uint_eq(arrival_sport(&l, 1), 5002);
	ck_assert_uint_eq(arrival_sport(&l, 2), 5003);
	ck_assert_uint_eq(arrival_sport(&l, 3), 5005);
	link_log_free(&l);
	ck_assert_uint_eq(counters_get(fx_sim.counters, "b.if.em0.ierrors",
	    &exists), 2);
	ck_assert(exists);
	ck_assert_uint_eq(bem0->if_ipackets, 4);
	ck_assert_uint_eq(b->udpstat.received, 4);
	ck_assert_uint_eq(aem0->if_opackets, NPKT);
	expect_hists_released();
}
END_TEST

/*
 * Datagram 0 leaves with the link's 10 ms delay; the delay then drops to
 * 1 ms and datagrams 1..5 follow, each after the previous one's
 * transmission.  Datagram 1 starts about 0.45 ms after 0 and arrives at
 * about 0.45 + 0.45 + 1 ms, long before datagram 0 (about 10.45 ms): b
 * receives 1, 2, 3, 4, 5, 0.  Each arrival still carries its own lineage.
 */
START_TEST(test_reordered_frames_keep_lineage)
{
	struct link_log l;

	(void)send_one(0);
	ns3_dev_set_delay(aem0->if_dev, 1 * MS);
	for (unsigned i = 1; i < NPKT; i++)
		(void)send_one(i);
	fx_run_to(1000 * MS);
	link_log_check(&l);
	ck_assert_uint_eq(l.nin, NPKT);
	ck_assert_uint_eq(l.nlost, 0);
	for (unsigned k = 0; k < NPKT - 1; k++)
		ck_assert_uint_eq(arrival_sport(&l, k), 5001 + k);
	ck_assert_uint_eq(arrival_sport(&l, NPKT - 1), 5000);
	link_log_free(&l);
	ck_assert_uint_eq(b->udpstat.received, NPKT);
	expect_hists_released();
}
END_TEST

/*
 * Frames still on the wire when their receiving interface is flushed (as
 * host_free() does): each history is released once by the flush, and the
 * frames arriving later still carry their lineages, with no history.
 */
START_TEST(test_flush_releases_in_flight)
{
	struct link_log l;

	for (unsigned i = 0; i < NPKT; i++)
		(void)send_one(i);
	/* The first frame needs 10.45 ms: nothing has arrived at 5 ms. */
	fx_run_to(5 * MS);
	for (unsigned i = 0; i < NPKT; i++)
		ck_assert_uint_eq(hists[i].freed, 0);
	if_fly_flush(bem0);
	expect_hists_released();
	fx_run_to(1000 * MS);
	expect_hists_released();
	link_log_check(&l);
	ck_assert_uint_eq(l.nin, NPKT);
	link_log_free(&l);
}
END_TEST

static Suite *
if_link_suite(void)
{
	const TTest *const tests[] = {
		test_lost_frames_keep_lineage,
		test_reordered_frames_keep_lineage,
		test_flush_releases_in_flight,
		NULL,
	};

	return (check_suite("if_link", tests, setup, fx_fini));
}

CHECK_MAIN(if_link_suite())

/*
 * The drop table: every reason has a row (name, counter, port flag, a line
 * of explanation), docs/counters.md lists exactly the table's reasons and
 * counters, `expect` accepts every drop counter, and the reasons that used
 * to be counted nowhere (if-down) or through a side channel now count their
 * counter and log their event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include <glib.h>

#include "check_util.h"

#include "net/host.h"
#include "net/if.h"
#include "netinet/ip_drop.h"
#include "netinet/ip_var.h"
#include "ns3/ns3_shim.h"
#include "pkt/pkt.h"
#include "sim/counters.h"
#include "sim/events.h"
#include "sim/sim_ctx.h"

#define	A(a, b, c, d)	(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define	SELF		A(10, 0, 0, 1)
#define	PEER		A(10, 0, 0, 2)

START_TEST(test_every_reason_has_a_row)
{
	for (int r = 0; r < DROP_REASON_COUNT; r++) {
		const struct drop_desc *d = drop_desc((enum drop_reason)r);

		ck_assert_msg(d != NULL, "reason %d has no row", r);
		ck_assert(d->name != NULL && d->name[0] != '\0');
		ck_assert(d->counter != NULL && d->counter[0] != '\0');
		ck_assert(d->why != NULL && d->why[0] != '\0');
		/* A counter qualified by a port is a reason with a port. */
		if (strstr(d->counter, "PORT") != NULL)
			ck_assert_msg(d->has_port, "%s", d->name);
		for (int s = 0; s < r; s++)
			ck_assert_str_ne(drop_table[s].name, d->name);
	}
	ck_assert_ptr_null(drop_desc(DROP_REASON_COUNT));
	ck_assert_str_eq(drop_reason_name(DROP_REASON_COUNT), "unknown");
}
END_TEST

/* The text between the first two backquotes of s, NULL if none. */
static char *
backquoted(const char **s)
{
	const char *a = strchr(*s, '`'), *b;

	if (a == NULL)
		return (NULL);
	b = strchr(a + 1, '`');
	if (b == NULL)
		return (NULL);
	*s = b + 1;
	return (g_strndup(a + 1, (gsize)(b - a - 1)));
}

/*
 * docs/counters.md's "## Drops" section is a table of `reason` | `HOST.counter`
 * rows: each row must be a row of drop_table, and each row of drop_table
 * must be in the doc.
 */
START_TEST(test_doc_matches_table)
{
	const char *root = getenv("DIVERTSIM_SOURCE_ROOT");
	bool seen[DROP_REASON_COUNT] = { false };
	char *path, *text, **lines;
	bool in_drops = false;
	int rows = 0;

	ck_assert_msg(root != NULL, "DIVERTSIM_SOURCE_ROOT is not set");
	path = g_build_filename(root, "docs", "counters.md", NULL);
	ck_assert_msg(g_file_get_contents(path, &text, NULL, NULL),
	    "cannot read %s", path);
	lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i] != NULL; i++) {
		const char *l = lines[i];
		char *reason, *counter;
		int r;

		if (strncmp(l, "## ", 3) == 0) {
			in_drops = strcmp(l, "## Drops") == 0;
			continue;
		}
		if (!in_drops || strncmp(l, "| `", 3) != 0)
			continue;
		reason = backquoted(&l);
		counter = backquoted(&l);
		ck_assert_msg(reason != NULL && counter != NULL,
		    "bad row: %s", lines[i]);
		for (r = 0; r < DROP_REASON_COUNT; r++)
			if (strcmp(drop_table[r].name, reason) == 0)
				break;
		ck_assert_msg(r < DROP_REASON_COUNT,
		    "documented drop reason %s is not in the table", reason);
		ck_assert_msg(strncmp(counter, "HOST.", 5) == 0 &&
		    strcmp(counter + 5, drop_table[r].counter) == 0,
		    "%s: documented counter %s, table has HOST.%s", reason,
		    counter, drop_table[r].counter);
		ck_assert_msg(!seen[r], "%s documented twice", reason);
		seen[r] = true;
		rows++;
		g_free(reason);
		g_free(counter);
	}
	for (int r = 0; r < DROP_REASON_COUNT; r++)
		ck_assert_msg(seen[r], "drop reason %s (HOST.%s) is not in "
		    "docs/counters.md's Drops section", drop_table[r].name,
		    drop_table[r].counter);
	ck_assert_int_eq(rows, DROP_REASON_COUNT);
	/* Every counter of the table is also described in its own section. */
	for (int r = 0; r < DROP_REASON_COUNT; r++) {
		char *tail = strrchr(drop_table[r].counter, '.') + 1;

		ck_assert_msg(strstr(text, tail) != NULL, "%s", tail);
	}
	g_strfreev(lines);
	g_free(text);
	g_free(path);
}
END_TEST

START_TEST(test_counter_match)
{
	ck_assert(drop_counter_match("ip.badsum"));
	ck_assert(drop_counter_match("ip.notmember"));
	ck_assert(drop_counter_match("udp.hdrops"));
	ck_assert(drop_counter_match("icmp.tooshort"));
	ck_assert(drop_counter_match("if.em0.qdrops"));
	ck_assert(drop_counter_match("if.em0.100.downdrops"));
	ck_assert(drop_counter_match("divert.8668.loops"));
	ck_assert(drop_counter_match("divert.8668.discarded"));
	ck_assert(drop_counter_match("divert.noport"));
	ck_assert(!drop_counter_match("divert.x.loops"));
	ck_assert(!drop_counter_match("divert..loops"));
	ck_assert(!drop_counter_match("if..qdrops"));
	ck_assert(!drop_counter_match("ip.badsumx"));
	ck_assert(!drop_counter_match("ip"));
	ck_assert(!drop_counter_match("ip.received"));
}
END_TEST

/* ---- reasons that had no enum value ------------------------------------ */

static struct sim_ctx sim;
static struct host *h;
static struct ifnet *em0;
static uint64_t live0;
static char *logbuf;
static size_t logsize;
static FILE *logfp;

static void
setup(void)
{

	live0 = pkt_live_count();
	ns3_sim_init();
	memset(&sim, 0, sizeof(sim));
	sim.counters = counters_new();
	logfp = open_memstream(&logbuf, &logsize);
	sim.log = ev_log_new(logfp, NULL, &sim.events);
	sim.loop_limit = 64;
	h = host_new(&sim, "h", RELEASE_6);
	h->sysctl.fw_enable = false;
	em0 = host_if_get_or_create(h, "em0");
	ck_assert(if_add_addr(em0, SELF, 24, false));
}

static void
teardown(void)
{

	host_free(h);
	ev_log_free(sim.log);
	fclose(logfp);
	free(logbuf);
	counters_free(sim.counters);
	ns3_sim_destroy();
	ck_assert_uint_eq(pkt_live_count(), live0);
}

/* A datagram arriving on em0 with a right header checksum. */
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
	ck_put32(p + 12, PEER);
	ck_put32(p + 16, dst);
	ck_put16(p + 10, (uint16_t)~ck_cksum_fold(ck_cksum_add(0, p, 20)));
	memcpy(p + 20, pl, plen);
	m->rcvif = em0;
	return (m);
}

static uint64_t
counter(const char *name)
{
	bool exists;
	uint64_t v = counters_get(sim.counters, name, &exists);

	ck_assert_msg(exists, "%s does not exist", name);
	return (v);
}

static bool
logged(const char *text)
{

	fflush(logfp);
	return (logbuf != NULL && strstr(logbuf, text) != NULL);
}

/* em0 has no link (and no test tap): the send is an if-down drop. */
START_TEST(test_if_down_counted)
{
	uint8_t pl[8] = { 0 };

	ck_assert_int_eq(ip_send(h, 0, PEER, IPPROTO_UDP, 64, 0, false, pl,
	    sizeof(pl)), 0);
	ck_assert_uint_eq(counter("h.if.em0.downdrops"), 1);
	ck_assert(logged("drop if-down em0: "));
}
END_TEST

/* 4 bytes of UDP (udps_hdrops), 4 of ICMP (icps_tooshort), a UDP length
 * of 4 (udps_badlen), a multicast destination (ips_notmember). */
START_TEST(test_input_reasons_counted)
{
	uint8_t pl[8] = { 0, 7, 0, 9, 0, 4, 0, 0 };

	ip_input(h, arrive(SELF, IPPROTO_UDP, pl, 4));
	ck_assert_uint_eq(counter("h.udp.hdrops"), 1);
	ck_assert(logged("drop udp-tooshort em0: "));
	ip_input(h, arrive(SELF, IPPROTO_UDP, pl, 8));
	ck_assert_uint_eq(counter("h.udp.badlen"), 1);
	ck_assert(logged("drop udp-badlen em0: "));
	ip_input(h, arrive(SELF, IPPROTO_ICMP, pl, 4));
	ck_assert_uint_eq(counter("h.icmp.tooshort"), 1);
	ck_assert(logged("drop icmp-tooshort em0: "));
	ip_input(h, arrive(A(224, 0, 0, 5), IPPROTO_UDP, pl, 8));
	ck_assert_uint_eq(counter("h.ip.notmember"), 1);
	ck_assert(logged("drop not-member em0: "));
}
END_TEST

static Suite *
table_suite(void)
{
	const TTest *const tests[] = {
		test_every_reason_has_a_row, test_doc_matches_table,
		test_counter_match, NULL
	};

	return (check_suite("drop_table", tests, NULL, NULL));
}

static Suite *
counted_suite(void)
{
	const TTest *const tests[] = {
		test_if_down_counted, test_input_reasons_counted, NULL
	};

	return (check_suite("drop_counted", tests, setup, teardown));
}

CHECK_MAIN(table_suite(), counted_suite())

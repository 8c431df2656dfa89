/*
 * The drop table: every reason has a row (name, counter, port flag, a line
 * of explanation), docs/counters.md lists exactly the table's reasons and
 * counters, and `expect` accepts every drop counter.  That the reasons are
 * counted is tested in test_conservation.c, with the balance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "check_util.h"
#include "fixture.h"

#include "netinet/ip_drop.h"

START_TEST(test_every_reason_has_a_row)
{
	for (int r = 0; r < DROP_REASON_COUNT; r++) {
		const struct drop_desc *d = drop_desc((enum drop_reason)r);

		ck_assert_msg(d != NULL, "reason %d has no row", r);
		ck_assert(d->name != NULL && d->name[0] != '\0');
		ck_assert(d->counter != NULL && d->counter[0] != '\0');
		ck_assert(d->why != NULL && d->why[0] != '\0');
		/* --why's sentence, with the host it happened on. */
		ck_assert_msg(d->cause != NULL && strstr(d->cause, "HOST") !=
		    NULL, "%s: no --why sentence naming HOST", d->name);
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

/* drop_why()'s sentence is want. */
static void
expect_why(const struct host *h, const struct pkt *m, enum drop_reason r,
    const struct ifnet *ifp, unsigned port, const char *want)
{
	char *w = drop_why(h, m, r, ifp, port);

	ck_assert_str_eq(w, want);
	g_free(w);
}

/* --why's sentences, filled in for a UDP datagram 10.0.0.2:5000 ->
 * 10.9.9.9:53 on host gw (written out by hand). */
START_TEST(test_why_sentences)
{
	uint8_t d[28] = { 0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0,
	    10, 0, 0, 2, 10, 9, 9, 9, 0x13, 0x88, 0, 53, 0, 8, 0, 0 };
	struct host *h;
	struct ifnet *em1;
	struct pkt *m;
	char *w;

	fx_init();
	h = fx_host("gw", RELEASE_6, FX_FW_OFF);
	em1 = fx_if(h, "em1", FX_A(192, 0, 2, 1), 24);
	m = pkt_from_bytes(d, sizeof(d));
	h->sysctl.forwarding = false;
	expect_why(h, m, DROP_NOROUTE, NULL, 0,
	    "no-route: gw has no route to 10.9.9.9");
	expect_why(h, m, DROP_CANTFORWARD, NULL, 0,
	    "not-forwarding: net.inet.ip.forwarding=0 on gw, "
	    "and 10.9.9.9 is not one of its addresses");
	h->sysctl.forwarding = true;
	expect_why(h, m, DROP_CANTFORWARD, NULL, 0,
	    "not-forwarding: 10.9.9.9 is never forwarded "
	    "(in_canforward() on gw)");
	expect_why(h, m, DROP_DIVERT_NOPORT, em1, 8000,
	    "no-divert-socket: no divert socket bound to "
	    "port 8000 on gw");
	expect_why(h, m, DROP_UDP_NOPORT, NULL, 0,
	    "udp-noport: no UDP socket is bound to port 53 on "
	    "gw");
	expect_why(h, m, DROP_QUEUE_FULL, em1, 0,
	    "queue-full: the transmit queue of gw's em1 was "
	    "full");
	expect_why(h, m, DROP_DENIED, NULL, 200,
	    "denied: gw's ipfw rule 200 took it (deny, "
	    "reject or unreach; the ipfw step before shows it), or its "
	    "keep-state or limit found no room for a state");
	/* No packet at hand (a program that wrote nothing back). */
	expect_why(h, NULL, DROP_PROGRAM, NULL, 8668,
	    "program-drop: the program on divert port 8668 of "
	    "gw read it and wrote nothing back");
	/* Every row fills in: no placeholder is left. */
	for (int r = 0; r < DROP_REASON_COUNT; r++) {
		w = drop_why(h, m, (enum drop_reason)r, em1, 1);
		ck_assert_msg(g_str_has_prefix(w, drop_table[r].name), "%s", w);
		ck_assert_msg(strstr(w, "HOST") == NULL &&
		    strstr(w, "SRC") == NULL && strstr(w, "DST") == NULL &&
		    strstr(w, "DPORT") == NULL && strstr(w, "PROTO") == NULL,
		    "%s", w);
		g_free(w);
	}
	pkt_dispose(m, PKT_FATE_DROPPED);
	fx_host_free(h);
	fx_fini();	/* the next test makes its own (CK_FORK=no) */
}
END_TEST

/*
 * ip_reass()'s tests: each has a name, a line text and a --why sentence
 * that fills in; each name is a row of docs/events.md's table of `frag`
 * values, with its reason.
 */
START_TEST(test_frag_rows)
{
	uint8_t d[28] = { 0x45, 0, 0, 28, 0, 9, 0x20, 0xb9, 64, 17, 0, 0,
	    10, 0, 0, 2, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 };
	const char *root = getenv("DIVERTSIM_SOURCE_ROOT");
	char *path, *doc, *w;
	struct host *h;
	struct pkt *m;

	ck_assert(root != NULL);
	path = g_build_filename(root, "docs", "events.md", NULL);
	ck_assert(g_file_get_contents(path, &doc, NULL, NULL));
	fx_init();
	h = fx_host("gw", RELEASE_14, FX_FW_OFF);
	/* 8 data bytes at offset 185 x 8 = 1480, MF set (0x20b9). */
	m = pkt_from_bytes(d, sizeof(d));
	for (int fd = FRAG_DROP_NONE + 1; fd < FRAG_DROP_COUNT; fd++) {
		const struct frag_drop_desc *f = &frag_drop_table[fd];
		enum drop_reason r = fd >= FRAG_DROP_MAXFRAGS ?
		    DROP_FRAG_OVERFLOW : DROP_FRAG_BAD;
		char *row = g_strdup_printf("| `%s` | `%s` |", f->name,
		    drop_reason_name(r));

		ck_assert(f->name != NULL && f->text != NULL &&
		    f->cause != NULL);
		ck_assert_msg(strstr(doc, row) != NULL, "events.md lacks %s",
		    row);
		g_free(row);
		w = drop_why_frag(h, m, r, (enum frag_drop)fd);
		ck_assert_msg(g_str_has_prefix(w, drop_reason_name(r)), "%s",
		    w);
		ck_assert_msg(strstr(w, "HOST") == NULL &&
		    strstr(w, "SRC") == NULL && strstr(w, "OFF") == NULL &&
		    strstr(w, "DATA") == NULL, "%s", w);
		g_free(w);
	}
	w = drop_why_frag(h, m, DROP_FRAG_BAD, FRAG_DROP_DUPLICATE);
	ck_assert_str_eq(w, "frag-bad: the fragment from 10.0.0.2 at offset "
	    "1480 (8 data bytes) duplicates one gw holds already; ip_reass() "
	    "keeps the copy that came first");
	g_free(w);
	w = drop_why_frag(h, m, DROP_FRAG_OVERFLOW, FRAG_DROP_MAXFRAGS);
	ck_assert_str_eq(w, "frag-overflow: gw holds 1024 fragments already, "
	    "the model's bound on every release (FreeBSD 14's "
	    "net.inet.ip.maxfrags; 6.x has no such limit)");
	g_free(w);
	pkt_dispose(m, PKT_FATE_DROPPED);
	fx_host_free(h);
	fx_fini();
	g_free(doc);
	g_free(path);
}
END_TEST

static Suite *
table_suite(void)
{
	const TTest *const tests[] = {
		test_every_reason_has_a_row, test_doc_matches_table,
		test_counter_match, test_why_sentences, test_frag_rows, NULL
	};

	return (check_suite("drop_table", tests, NULL, NULL));
}

CHECK_MAIN(table_suite())

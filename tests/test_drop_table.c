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

#include "netinet/ip_drop.h"

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

static Suite *
table_suite(void)
{
	const TTest *const tests[] = {
		test_every_reason_has_a_row, test_doc_matches_table,
		test_counter_match, NULL
	};

	return (check_suite("drop_table", tests, NULL, NULL));
}

CHECK_MAIN(table_suite())

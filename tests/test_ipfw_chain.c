/*
 * Unit tests of the chain (model/ipfw/ipfw_chain.c) and of `ipfw show` /
 * `ipfw list` (model/ipfw/ipfw_print.c): numbering, order, delete, flush,
 * zero, the default rule, and the counter columns.  Expected numbers
 * follow FreeBSD's add_rule() (last rule + autoinc_step 100), del_entry()
 * and zero_entry(); expected text follows sbin/ipfw/ipfw2.c (show_ipfw()
 * "%05u ", pr_u64() "%*llu " with widths from ipfw_list()).
 */
#include <string.h>

#include <glib.h>

#include "check_util.h"
#include "ipfw/ipfw.h"
#include "ipfw/ipfw_chain.h"
#include "ipfw/ipfw_rule.h"

static struct ipfw_chain *chain;

static void
setup(void)
{
	chain = ipfw_chain_new(1);
}

static void
teardown(void)
{
	ipfw_chain_free(chain);
	chain = NULL;
}

/* Run one ipfw command; returns whether it succeeded; output to out. */
static bool
run(const char *line, GString *out)
{
	gchar **argv = NULL;
	int argc = 0, bad = -1;
	GError *err = NULL;
	struct ipfw_cmd *cmd;
	bool ok;

	ck_assert(g_shell_parse_argv(line, &argc, &argv, NULL));
	cmd = ipfw_cmd_parse(argc, argv, &bad, &err);
	g_strfreev(argv);
	ck_assert_msg(cmd != NULL, "'%s': %s", line, err ? err->message : "");
	ok = ipfw_cmd_exec(chain, cmd, out, &err);
	if (!ok) {
		ck_assert_ptr_nonnull(err);
		if (out != NULL)
			g_string_append_printf(out, "ERROR %s\n",
			    err->message);
		g_error_free(err);
	}
	ipfw_cmd_free(cmd);
	return (ok);
}

static void
expect_list(bool counters, const char *text)
{
	GString *s = g_string_new(NULL);

	ipfw_chain_print(chain, counters, s);
	ck_assert_msg(strcmp(s->str, text) == 0, "got:\n%s\nexpected:\n%s",
	    s->str, text);
	g_string_free(s, TRUE);
}

START_TEST(test_default_rule)
{
	/* A new chain holds only rule 65535, deny unless told. */
	ck_assert_uint_eq(ipfw_chain_count(chain), 1);
	ck_assert(!ipfw_chain_has_rules(chain));
	expect_list(false, "65535 deny ip from any to any\n");
	ipfw_chain_set_default_accept(chain, true);
	expect_list(false, "65535 allow ip from any to any\n");
	/* It cannot be deleted. */
	ck_assert(!run("delete 65535", NULL));
	ck_assert_uint_eq(ipfw_chain_count(chain), 1);
}
END_TEST

START_TEST(test_auto_numbering)
{
	GString *out = g_string_new(NULL);

	/* First rule 0 + 100; then last + 100. */
	ck_assert(run("add allow ip from any to any", out));
	ck_assert(run("add deny ip from any to any", out));
	ck_assert(run("add 1000 count ip from any to any", out));
	ck_assert(run("add 50 count ip from any to any", out));
	/* The last non-default rule is 1000, not the one added last. */
	ck_assert(run("add count ip from any to any", out));
	/* add echoes each rule as `ipfw list` prints it. */
	ck_assert_str_eq(out->str,
	    "00100 allow ip from any to any\n"
	    "00200 deny ip from any to any\n"
	    "01000 count ip from any to any\n"
	    "00050 count ip from any to any\n"
	    "01100 count ip from any to any\n");
	/* 0 given explicitly also auto-numbers, as add_rule() does. */
	g_string_truncate(out, 0);
	ck_assert(run("add 0 count ip from any to any", out));
	ck_assert_str_eq(out->str, "01200 count ip from any to any\n");
	g_string_free(out, TRUE);
	ck_assert_uint_eq(ipfw_chain_count(chain), 7);
}
END_TEST

START_TEST(test_auto_number_overflow)
{
	/* 65500 + 100 = 65600 > 65534: refused, chain unchanged. */
	ck_assert(run("-q add 65500 allow ip from any to any", NULL));
	ck_assert(!run("add allow ip from any to any", NULL));
	ck_assert_uint_eq(ipfw_chain_count(chain), 2);
	/* 65434 + 100 = 65534 is still fine. */
	ck_assert(run("delete 65500", NULL));
	ck_assert(run("-q add 65434 allow ip from any to any", NULL));
	ck_assert(run("-q add allow ip from any to any", NULL));
	expect_list(false,
	    "65434 allow ip from any to any\n"
	    "65534 allow ip from any to any\n"
	    "65535 deny ip from any to any\n");
}
END_TEST

START_TEST(test_quiet_add)
{
	GString *out = g_string_new(NULL);

	ck_assert(run("-q add 100 allow ip from any to any", out));
	ck_assert_str_eq(out->str, "");
	g_string_free(out, TRUE);
}
END_TEST

START_TEST(test_order_equal_numbers)
{
	/* Sorted by number; equal numbers keep insertion order. */
	ck_assert(run("-q add 300 deny ip from any to any", NULL));
	ck_assert(run("-q add 100 allow ip from any to any", NULL));
	ck_assert(run("-q add 100 deny ip from any to any", NULL));
	ck_assert(run("-q add 200 count ip from any to any", NULL));
	ck_assert(run("-q add 100 count ip from any to any", NULL));
	expect_list(false,
	    "00100 allow ip from any to any\n"
	    "00100 deny ip from any to any\n"
	    "00100 count ip from any to any\n"
	    "00200 count ip from any to any\n"
	    "00300 deny ip from any to any\n"
	    "65535 deny ip from any to any\n");
	for (unsigned i = 0; i < chain->n_rules; i++)
		ck_assert_uint_eq(chain->rules[i]->index, i);
	/* Binary searches: first > 100 is index 3; first >= 150 is 3. */
	ck_assert_uint_eq(ipfw_chain_first_above(chain, 0), 0);
	ck_assert_uint_eq(ipfw_chain_first_above(chain, 100), 3);
	ck_assert_uint_eq(ipfw_chain_first_above(chain, 99), 0);
	ck_assert_uint_eq(ipfw_chain_first_at_least(chain, 100), 0);
	ck_assert_uint_eq(ipfw_chain_first_at_least(chain, 150), 3);
	ck_assert_uint_eq(ipfw_chain_first_at_least(chain, 301), 5);
	/* 65534 and 65535 both give the default rule (index 5). */
	ck_assert_uint_eq(ipfw_chain_first_above(chain, 65534), 5);
	ck_assert_uint_eq(ipfw_chain_first_above(chain, 65535), 5);
}
END_TEST

START_TEST(test_delete)
{
	ck_assert(run("-q add 100 allow ip from any to any", NULL));
	ck_assert(run("-q add 100 deny ip from any to any", NULL));
	ck_assert(run("-q add 200 count ip from any to any", NULL));
	/* A missing number: error, and 100 is not deleted either. */
	ck_assert(!run("delete 100 999", NULL));
	ck_assert_uint_eq(ipfw_chain_count(chain), 4);
	/* del_entry(): every rule with that number goes. */
	ck_assert(run("delete 100", NULL));
	expect_list(false,
	    "00200 count ip from any to any\n"
	    "65535 deny ip from any to any\n");
	ck_assert(!run("delete 100", NULL));
	ck_assert(run("delete 200", NULL));
	ck_assert(!ipfw_chain_has_rules(chain));
}
END_TEST

START_TEST(test_delete_message)
{
	GString *out = g_string_new(NULL);

	ck_assert(!run("delete 300", out));
	ck_assert_msg(strstr(out->str, "rule 300") != NULL, "%s", out->str);
	ck_assert_msg(strstr(out->str, "IP_FW_DEL") != NULL, "%s", out->str);
	g_string_free(out, TRUE);
}
END_TEST

START_TEST(test_flush)
{
	GString *out = g_string_new(NULL);

	ck_assert(run("-q add 100 allow ip from any to any", NULL));
	ck_assert(run("-q add 200 allow udp from any to any keep-state",
	    NULL));
	ck_assert(run("flush", out));
	/* ipfw_flush() says so unless -q. */
	ck_assert_str_eq(out->str, "Flushed all rules.\n");
	ck_assert_uint_eq(ipfw_chain_count(chain), 1);
	expect_list(false, "65535 deny ip from any to any\n");
	g_string_truncate(out, 0);
	ck_assert(run("-q flush", out));
	ck_assert_str_eq(out->str, "");
	/* After a flush numbering starts again at 100. */
	ck_assert(run("add allow ip from any to any", out));
	ck_assert_str_eq(out->str, "00100 allow ip from any to any\n");
	g_string_free(out, TRUE);
}
END_TEST

static void
set_counters(unsigned idx, uint64_t p, uint64_t b)
{
	chain->rules[idx]->packets = p;
	chain->rules[idx]->bytes = b;
}

START_TEST(test_counters_and_zero)
{
	GString *out = g_string_new(NULL);
	uint64_t p, b;

	ck_assert(run("-q add 100 count ip from any to any", NULL));
	ck_assert(run("-q add 100 count ip from any to any", NULL));
	ck_assert(run("-q add 200 count ip from any to any", NULL));
	set_counters(0, 1, 10);
	set_counters(1, 2, 20);
	set_counters(2, 4, 40);
	set_counters(3, 8, 80);
	/* Counters of a number are the sum over its rules. */
	ipfw_chain_counters(chain, 100, &p, &b);
	ck_assert_uint_eq(p, 3);
	ck_assert_uint_eq(b, 30);
	ipfw_chain_counters(chain, 65535, &p, &b);
	ck_assert_uint_eq(p, 8);
	ipfw_chain_counters(chain, 150, &p, &b);
	ck_assert_uint_eq(p, 0);
	ck_assert_uint_eq(b, 0);

	/* zero NUM clears only that number; a missing one is an error. */
	ck_assert(!run("zero 150", NULL));
	ck_assert(run("zero 100", out));
	ck_assert_str_eq(out->str, "Entry 100 cleared.\n");
	ipfw_chain_counters(chain, 100, &p, &b);
	ck_assert_uint_eq(p + b, 0);
	ipfw_chain_counters(chain, 200, &p, &b);
	ck_assert_uint_eq(p, 4);
	g_string_truncate(out, 0);
	ck_assert(run("zero", out));
	ck_assert_str_eq(out->str, "Accounting cleared.\n");
	ipfw_chain_counters(chain, 200, &p, &b);
	ck_assert_uint_eq(p + b, 0);
	ipfw_chain_counters(chain, 65535, &p, &b);
	ck_assert_uint_eq(p + b, 0);
	g_string_free(out, TRUE);
}
END_TEST

static void
collect(void *ctx, uint32_t num)
{
	GString *s = ctx;

	g_string_append_printf(s, "%u ", num);
}

START_TEST(test_foreach_number)
{
	GString *s = g_string_new(NULL);

	ck_assert(run("-q add 300 count ip from any to any", NULL));
	ck_assert(run("-q add 100 count ip from any to any", NULL));
	ck_assert(run("-q add 100 count ip from any to any", NULL));
	ipfw_chain_foreach_number(chain, collect, s);
	ck_assert_str_eq(s->str, "100 300 65535 ");
	g_string_free(s, TRUE);
}
END_TEST

START_TEST(test_show_widths)
{
	GString *out = g_string_new(NULL);

	ck_assert(run("-q add 100 divert 8668 ip from any to any via em1",
	    NULL));
	ck_assert(run("-q add 65000 allow ip from any to any", NULL));
	/*
	 * ipfw_list(): each column is as wide as its widest value over the
	 * listing, here 123456 (6 digits) and 12345678 (8), and pr_u64()
	 * prints "%*llu " -- so rule 100 gets 5 spaces before its 3 and 5
	 * before its 252: the line.
	 */
	set_counters(0, 3, 252);
	set_counters(1, 123456, 12345678);
	expect_list(true,
	    "00100      3      252 divert 8668 ip from any to any via em1\n"
	    "65000 123456 12345678 allow ip from any to any\n"
	    "65535      0        0 deny ip from any to any\n");
	/* All zero: one-digit columns. */
	ck_assert(run("zero", NULL));
	expect_list(true,
	    "00100 0 0 divert 8668 ip from any to any via em1\n"
	    "65000 0 0 allow ip from any to any\n"
	    "65535 0 0 deny ip from any to any\n");
	/* `ipfw show` and `ipfw list` through ipfw_cmd_exec(). */
	ck_assert(run("list", out));
	ck_assert_str_eq(out->str,
	    "00100 divert 8668 ip from any to any via em1\n"
	    "65000 allow ip from any to any\n"
	    "65535 deny ip from any to any\n");
	g_string_truncate(out, 0);
	ck_assert(run("show", out));
	ck_assert_str_eq(out->str,
	    "00100 0 0 divert 8668 ip from any to any via em1\n"
	    "65000 0 0 allow ip from any to any\n"
	    "65535 0 0 deny ip from any to any\n");
	g_string_free(out, TRUE);
}
END_TEST

START_TEST(test_rule_accessors)
{
	GString *s = g_string_new(NULL);
	const struct ipfw_rule *r;

	ck_assert(run("-q add 100 tee 8000 log udp from any to any 53 in",
	    NULL));
	r = chain->rules[0];
	ck_assert_uint_eq(ipfw_rule_number(r), 100);
	ck_assert(ipfw_rule_has_log(r));
	ipfw_rule_action_str(r, s);
	ck_assert_str_eq(s->str, "tee 8000");
	g_string_truncate(s, 0);
	ipfw_rule_body_str(r, s);
	ck_assert_str_eq(s->str, "tee 8000 log udp from any to any 53 in");
	ck_assert(!ipfw_rule_has_log(chain->rules[1]));
	g_string_free(s, TRUE);
}
END_TEST

static Suite *
ipfw_chain_suite(void)
{
	const TTest *const tests[] = {
		test_default_rule, test_auto_numbering,
		test_auto_number_overflow, test_quiet_add,
		test_order_equal_numbers, test_delete, test_delete_message,
		test_flush, test_counters_and_zero, test_foreach_number,
		test_show_widths, test_rule_accessors, NULL
	};

	return (check_suite("ipfw_chain", tests, setup, teardown));
}

CHECK_MAIN(ipfw_chain_suite())

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
#include <glib/gstdio.h>

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
	/*
	 * add_rule() / commit_rules(): last + step only while last <
	 * 65535 - step (65435 with step 100); otherwise the new rule keeps
	 * the last number, after the rules already holding it.  Each case:
	 * a numbered allow, then two auto-numbered rules, deny and count.
	 */
	static const struct {
		const char *first, *want;
	} cases[] = {
		{ "-q add 65500 allow ip from any to any",
		    "65500 allow ip from any to any\n"
		    "65500 deny ip from any to any\n"
		    "65500 count ip from any to any\n" },
		/* 65434 < 65435: 65534; then 65534 is kept. */
		{ "-q add 65434 allow ip from any to any",
		    "65434 allow ip from any to any\n"
		    "65534 deny ip from any to any\n"
		    "65534 count ip from any to any\n" },
		/* 65435 is not below 65435: kept (65435 + 100 is 65535). */
		{ "-q add 65435 allow ip from any to any",
		    "65435 allow ip from any to any\n"
		    "65435 deny ip from any to any\n"
		    "65435 count ip from any to any\n" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *want = g_strconcat(cases[i].want,
		    "65535 deny ip from any to any\n", NULL);

		ck_assert(run("-q flush", NULL));
		ck_assert(run(cases[i].first, NULL));
		ck_assert(run("-q add deny ip from any to any", NULL));
		ck_assert(run("-q add count ip from any to any", NULL));
		expect_list(false, want);
		g_free(want);
	}
}
END_TEST

START_TEST(test_autoinc_step)
{
	GString *out = g_string_new(NULL);

	/* net.inet.ip.fw.autoinc_step: the first rule gets the step, the
	 * next last + step; add_rule() clamps the step to 1..1000. */
	ipfw_chain_set_autoinc_step(chain, 10);
	ck_assert(run("add allow ip from any to any", out));
	ck_assert(run("add deny ip from any to any", out));
	ipfw_chain_set_autoinc_step(chain, 0);
	ck_assert(run("add count ip from any to any", out));
	ipfw_chain_set_autoinc_step(chain, 5000);
	ck_assert(run("add count ip from any to any", out));
	ck_assert_str_eq(out->str,
	    "00010 allow ip from any to any\n"
	    "00020 deny ip from any to any\n"
	    "00021 count ip from any to any\n"
	    "01021 count ip from any to any\n");
	g_string_free(out, TRUE);
}
END_TEST

/* A rule file written to a temporary directory, read as ipfw(8) does. */
static struct ipfw_cmd *
file_cmd(const char *text, const char *flags, GError **err)
{
	char *dir = g_dir_make_tmp("ipfwXXXXXX", NULL);
	char *path = g_build_filename(dir, "rules", NULL);
	gchar **argv;
	int argc, bad = -1;
	char *line = g_strdup_printf("%s rules", flags);
	struct ipfw_cmd *cmd;

	ck_assert(g_file_set_contents(path, text, -1, NULL));
	ck_assert(g_shell_parse_argv(line, &argc, &argv, NULL));
	ck_assert(ipfw_cmd_is_file(argc, argv, dir));
	cmd = ipfw_file_parse(14, argc, argv, dir, &bad, err);
	if (cmd == NULL)
		ck_assert_int_eq(bad, argc - 1);
	g_strfreev(argv);
	g_free(line);
	(void)g_remove(path);
	(void)g_rmdir(dir);
	g_free(path);
	g_free(dir);
	return (cmd);
}

START_TEST(test_rule_file)
{
	GString *out = g_string_new(NULL);
	GError *err = NULL;
	struct ipfw_cmd *cmd;
	char *argv_add[] = { "add", "allow", "ip", "from", "any", "to", "any" };
	char *argv_word[] = { "-q", "frobnicate" };

	/* Commands are not files; a lone word naming no file is left to
	 * the command parser. */
	ck_assert(!ipfw_cmd_is_file(7, argv_add, NULL));
	ck_assert(!ipfw_cmd_is_file(2, argv_word, "/nonexistent"));

	/* '#' comments anywhere, blank lines, blanks after ',' dropped (one
	 * word "8,0"), -q on a line, -f flush. */
	cmd = file_cmd("# header\n\nadd 100 allow ip from any to any\n"
	    "  -f flush   # comment\n"
	    "-q add allow icmp from any to any icmptypes 8, 0\n"
	    "add deny ip from { 10.0.0.1, 10.0.0.2 } to any\n", "", &err);
	ck_assert_msg(cmd != NULL, "%s", err ? err->message : "");
	ck_assert_uint_eq(cmd->n_sub, 4);
	ck_assert_uint_eq(cmd->sub_line[0], 3);
	ck_assert_uint_eq(cmd->sub_line[3], 6);
	ck_assert(ipfw_cmd_exec(chain, cmd, out, NULL));
	ck_assert_str_eq(out->str,
	    "00100 allow ip from any to any\n"
	    "Flushed all rules.\n"
	    "00200 deny ip from 10.0.0.1,10.0.0.2 to any\n");
	expect_list(false,
	    "00100 allow icmp from any to any icmptypes 0,8\n"
	    "00200 deny ip from 10.0.0.1,10.0.0.2 to any\n"
	    "65535 deny ip from any to any\n");
	ipfw_cmd_free(cmd);

	/* -q on the command line silences every line. */
	g_string_truncate(out, 0);
	cmd = file_cmd("flush\nadd 5 count ip from any to any\n", "-q", NULL);
	ck_assert(cmd != NULL);
	ck_assert(ipfw_cmd_exec(chain, cmd, out, NULL));
	ck_assert_str_eq(out->str, "");
	ipfw_cmd_free(cmd);

	/* A bad line fails the whole file, naming the line. */
	cmd = file_cmd("add 1 allow ip from any to any\nadd 2 alow ip\n", "",
	    &err);
	ck_assert_ptr_null(cmd);
	ck_assert_str_eq(err->message, "rules: line 2: unknown action "
	    "'alow' (at 'alow')");
	g_clear_error(&err);

	/* At run time the file stops at the failing line, the lines
	 * before it staying applied (ipfw_readfile() exits there). */
	cmd = file_cmd("add 7 count ip from any to any\ndelete 9\n"
	    "add 8 count ip from any to any\n", "-q", NULL);
	ck_assert(cmd != NULL);
	ck_assert(!ipfw_cmd_exec(chain, cmd, NULL, &err));
	ck_assert(g_str_has_prefix(err->message, "rules: line 2: "));
	g_clear_error(&err);
	expect_list(false,
	    "00005 count ip from any to any\n"
	    "00007 count ip from any to any\n"
	    "65535 deny ip from any to any\n");
	ipfw_cmd_free(cmd);

	/* m4 as the preprocessor, with -D, the file on its stdin. */
	cmd = file_cmd("add N allow udp from any to any dst-port P\n",
	    "-q -p m4 -DN=300 -DP=53", &err);
	ck_assert_msg(cmd != NULL, "%s", err ? err->message : "");
	ck_assert_uint_eq(cmd->n_sub, 1);
	ck_assert_uint_eq(cmd->sub[0]->rule->rulenum, 300);
	ipfw_cmd_free(cmd);
	g_string_free(out, TRUE);
}
END_TEST

START_TEST(test_table_commands)
{
	GString *out = g_string_new(NULL);

	/* Release 6 (ipfw_cmd_parse()): add prints nothing; list is
	 * "A/LEN VALUE" in address order. */
	ck_assert(run("table 3 add 10.1.2.3 9", out));
	ck_assert(run("table 3 add 10.0.0.0/8", out));
	ck_assert(run("table 3 add 10.1.0.0/16 7", out));
	ck_assert(run("table 3 list", out));
	ck_assert_str_eq(out->str,
	    "10.0.0.0/8 0\n10.1.0.0/16 7\n10.1.2.3/32 9\n");
	g_string_truncate(out, 0);
	/* The same prefix twice, a missing one deleted: errors. */
	ck_assert(!run("table 3 add 10.0.0.0/8 1", out));
	ck_assert(!run("table 3 delete 192.0.2.0/24", out));
	ck_assert_str_eq(out->str,
	    "ERROR setsockopt(IP_FW_TABLE_ADD): File exists\n"
	    "ERROR setsockopt(IP_FW_TABLE_DEL): No such process\n");
	g_string_truncate(out, 0);
	ck_assert(run("table 3 delete 10.1.0.0/16", out));
	ck_assert(run("table 3 list", out));
	ck_assert_str_eq(out->str, "10.0.0.0/8 0\n10.1.2.3/32 9\n");
	g_string_truncate(out, 0);
	ck_assert(run("table 3 flush", out));
	ck_assert(run("table 3 list", out));
	ck_assert_str_eq(out->str, "");
	/* Release 6 has tables 0..127 only. */
	g_string_free(out, TRUE);
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
		test_auto_number_overflow, test_autoinc_step, test_rule_file,
		test_table_commands,
		test_quiet_add,
		test_order_equal_numbers, test_delete, test_delete_message,
		test_flush, test_counters_and_zero, test_foreach_number,
		test_show_widths, test_rule_accessors, NULL
	};

	return (check_suite("ipfw_chain", tests, setup, teardown));
}

CHECK_MAIN(ipfw_chain_suite())

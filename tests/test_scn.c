/*
 * The scenario front half: the lexer (quoting, continuations, comments,
 * positions), the parser's values (units, defaults, the contract's example)
 * and every diagnostic, compared as exact text.  Expected columns are
 * counted by hand on the input strings, in characters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_util.h"
#include "ipfw/ipfw.h"
#include "scenario/diag.h"
#include "scenario/scn.h"
#include "scenario/scn_lex.h"

/* ---- helpers ----------------------------------------------------------- */

struct lexed {
	GPtrArray	*lines;
	char		*errs;
	unsigned	 nerr;
};

static void
lex(const char *text, struct lexed *lx)
{
	struct diag d;
	size_t len;
	FILE *f;

	f = open_memstream(&lx->errs, &len);
	diag_init(&d, "t.scn", f);
	lx->lines = scn_lex(text, &d);
	fclose(f);
	lx->nerr = d.errors;
}

static void
lexed_free(struct lexed *lx)
{

	g_ptr_array_free(lx->lines, TRUE);
	free(lx->errs);
}

static struct scn_words *
line_at(struct lexed *lx, unsigned i)
{

	ck_assert_uint_lt(i, lx->lines->len);
	return (g_ptr_array_index(lx->lines, i));
}

static struct scenario *
parse(const char *text, char **errs, unsigned *nerr)
{
	struct scenario *s;
	size_t len;
	FILE *f;

	f = open_memstream(errs, &len);
	s = scn_parse_string("t.scn", text, f, nerr);
	fclose(f);
	return (s);
}

/* Parse text that must be good; returns the scenario. */
static struct scenario *
parse_ok(const char *text)
{
	struct scenario *s;
	unsigned nerr = 99;
	char *errs;

	s = parse(text, &errs, &nerr);
	ck_assert_msg(s != NULL, "unexpected errors:\n%s", errs);
	ck_assert_uint_eq(nerr, 0);
	ck_assert_str_eq(errs, "");
	free(errs);
	return (s);
}

/* Parse text that must fail with exactly the diagnostics expected. */
static void
parse_fails(const char *text, const char *expected, unsigned nexpected)
{
	struct scenario *s;
	unsigned nerr = 0;
	char *errs;

	s = parse(text, &errs, &nerr);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(errs, expected);
	ck_assert_uint_eq(nerr, nexpected);
	free(errs);
}

/* Two hosts joined by em0, for lines that need hosts (lines 1..3). */
#define	BASE	"host a\nhost b\nlink a:em0 b:em0\n"

/* The example of docs/spec/scenario-language.md, verbatim. */
static const char example[] =
    "title \"natd on a divert socket between a LAN and the Internet\"\n"
    "\n"
    "host client\n"
    "  ifconfig em0 inet 10.0.0.2/24\n"
    "  route add default 10.0.0.1\n"
    "\n"
    "host gw\n"
    "  sysctl net.inet.ip.forwarding=1\n"
    "  ifconfig em0 inet 10.0.0.1/24\n"
    "  ifconfig em1 inet 192.0.2.1/24\n"
    "  ipfw add 100 divert 8668 ip from any to any via em1\n"
    "  ipfw add 65000 allow ip from any to any\n"
    "  divert 8668 natd -a 192.0.2.1\n"
    "\n"
    "host server\n"
    "  ifconfig em0 inet 192.0.2.10/24\n"
    "  listen udp 53 echo\n"
    "\n"
    "link client:em0 gw:em0 rate 100Mbps delay 1ms\n"
    "link gw:em1 server:em0 rate 10Mbps delay 5ms mtu 576\n"
    "\n"
    "at 1s client send udp 192.0.2.10:53 -c 3 -s 1200 -i 10ms\n"
    "\n"
    "expect server.udp.received == 3\n"
    "expect client.udp.received == 3\n"
    "expect gw.divert.8668.read == 6\n"
    "expect sim.loops == 0\n"
    "run 5s\n";

/* ---- lexer ------------------------------------------------------------- */

/*
 * Quotes and escapes as sh(1) reads them.  Columns of
 *   a 'b c' "d \"e\" \$f" g\ h 'x#y' "#" \#z ''
 * counted by hand: a=1, 'b c'=3..7, "d..f"=9..21 (13 chars), g\ h=23..26,
 * 'x#y'=28..32, "#"=34..36, \#z=38..40, ''=42..43, end of line at 44.
 */
START_TEST(test_lex_quoting)
{
	struct lexed lx;
	struct scn_words *w;
	static const char *const want[] = { "a", "b c", "d \"e\" $f", "g h",
	    "x#y", "#", "#z", "" };
	static const unsigned col[] = { 1, 3, 9, 23, 28, 34, 38, 42, 44 };
	static const unsigned width[] = { 1, 5, 13, 4, 5, 3, 3, 2, 1 };

	lex("a 'b c' \"d \\\"e\\\" \\$f\" g\\ h 'x#y' \"#\" \\#z ''\n"
	    "'a\\b' \"a\\b\" \"it's\" 'say \"hi\"'\n", &lx);
	ck_assert_uint_eq(lx.nerr, 0);
	ck_assert_uint_eq(lx.lines->len, 2);
	w = line_at(&lx, 0);
	ck_assert_uint_eq(w->argc, 8);
	for (unsigned i = 0; i < 8; i++) {
		ck_assert_str_eq(w->argv[i], want[i]);
		ck_assert_uint_eq(w->pos[i].line, 1);
	}
	ck_assert_ptr_null(w->argv[8]);
	for (unsigned i = 0; i <= 8; i++) {
		ck_assert_uint_eq(w->pos[i].col, col[i]);
		ck_assert_uint_eq(scn_word_width(w, i), width[i]);
	}
	/* A backslash is literal inside single quotes, and inside double
	 * quotes before anything but $ ` " \ (POSIX XCU 2.2.2, 2.2.3). */
	w = line_at(&lx, 1);
	ck_assert_uint_eq(w->argc, 4);
	ck_assert_str_eq(w->argv[0], "a\\b");
	ck_assert_str_eq(w->argv[1], "a\\b");
	ck_assert_str_eq(w->argv[2], "it's");
	ck_assert_str_eq(w->argv[3], "say \"hi\"");
	ck_assert_uint_eq(w->pos[0].line, 2);
	lexed_free(&lx);
}
END_TEST

/*
 * A trailing backslash joins the next line; words on it keep their own
 * physical line and column.  "  no-ipdivert" starts at line 2 column 3,
 * "release" at 2:15 (3 + 11 letters + 1 space), "14" at 2:23.
 */
START_TEST(test_lex_continuation)
{
	struct lexed lx;
	struct scn_words *w;
	const char *pl;
	size_t len;

	lex("host gw \\\n  no-ipdivert release 14\nab\\\ncd e\n"
	    "title \"x\\\ny\"\nlast \\", &lx);
	ck_assert_uint_eq(lx.nerr, 0);
	ck_assert_uint_eq(lx.lines->len, 4);
	w = line_at(&lx, 0);
	ck_assert_uint_eq(w->argc, 5);
	ck_assert_uint_eq(w->line, 1);
	ck_assert_str_eq(w->argv[2], "no-ipdivert");
	ck_assert_uint_eq(w->pos[1].line, 1);
	ck_assert_uint_eq(w->pos[1].col, 6);
	ck_assert_uint_eq(w->pos[2].line, 2);
	ck_assert_uint_eq(w->pos[2].col, 3);
	ck_assert_uint_eq(w->pos[3].line, 2);
	ck_assert_uint_eq(w->pos[3].col, 15);
	ck_assert_uint_eq(w->pos[4].line, 2);
	ck_assert_uint_eq(w->pos[4].col, 23);
	ck_assert_str_eq(w->text, "host gw \\\n  no-ipdivert release 14");
	pl = scn_words_physline(w, 2, &len);
	ck_assert_ptr_nonnull(pl);
	ck_assert_uint_eq(len, 24);
	ck_assert_int_eq(strncmp(pl, "  no-ipdivert release 14", len), 0);
	/* sh(1): backslash-newline disappears, gluing "ab" and "cd". */
	w = line_at(&lx, 1);
	ck_assert_uint_eq(w->argc, 2);
	ck_assert_str_eq(w->argv[0], "abcd");
	ck_assert_str_eq(w->argv[1], "e");
	ck_assert_uint_eq(w->line, 3);
	ck_assert_uint_eq(w->pos[1].line, 4);
	ck_assert_uint_eq(w->pos[1].col, 4);
	/* Inside double quotes too. */
	w = line_at(&lx, 2);
	ck_assert_str_eq(w->argv[1], "xy");
	/* A continuation on the last line of the file just ends it. */
	w = line_at(&lx, 3);
	ck_assert_uint_eq(w->argc, 1);
	ck_assert_str_eq(w->argv[0], "last");
	lexed_free(&lx);
}
END_TEST

/*
 * Comments run from an unquoted # to the end of the line, also in the
 * middle of a word (the contract: "except inside quotes"), and swallow a
 * trailing backslash.  Blank and comment-only lines make no line.
 */
START_TEST(test_lex_comments)
{
	struct lexed lx;
	struct scn_words *w;

	lex("a b # c d\n# whole line\n   \t \n\nx#y z\n'#' \"a#\" # \\\nq\r\n"
	    "r s\r\n", &lx);
	ck_assert_uint_eq(lx.nerr, 0);
	ck_assert_uint_eq(lx.lines->len, 5);
	w = line_at(&lx, 0);
	ck_assert_uint_eq(w->argc, 2);
	ck_assert_str_eq(w->argv[1], "b");
	/* End of line just after "b" (column 3 is b, 4 the space). */
	ck_assert_uint_eq(w->pos[2].col, 4);
	w = line_at(&lx, 1);
	ck_assert_uint_eq(w->argc, 1);
	ck_assert_str_eq(w->argv[0], "x");
	ck_assert_uint_eq(w->line, 5);
	w = line_at(&lx, 2);
	ck_assert_uint_eq(w->argc, 2);
	ck_assert_str_eq(w->argv[0], "#");
	ck_assert_str_eq(w->argv[1], "a#");
	w = line_at(&lx, 3);
	ck_assert_uint_eq(w->argc, 1);
	ck_assert_str_eq(w->argv[0], "q");
	ck_assert_uint_eq(w->line, 7);
	/* CRLF: the CR belongs to no word and to no shown line. */
	w = line_at(&lx, 4);
	ck_assert_str_eq(w->argv[1], "s");
	ck_assert_str_eq(w->text, "r s");
	lexed_free(&lx);
}
END_TEST

/* Columns count characters: "é" is two bytes and one column. */
START_TEST(test_lex_utf8_columns)
{
	struct lexed lx;
	struct scn_words *w;

	lex("title \"été\" x\n", &lx);
	w = line_at(&lx, 0);
	ck_assert_str_eq(w->argv[1], "été");
	/* t-i-t-l-e-space = 6, the quote at 7, 5 characters wide, then a
	 * space: x at 13. */
	ck_assert_uint_eq(w->pos[1].col, 7);
	ck_assert_uint_eq(scn_word_width(w, 1), 5);
	ck_assert_uint_eq(w->pos[2].col, 13);
	lexed_free(&lx);
}
END_TEST

START_TEST(test_lex_errors)
{
	struct lexed lx;

	/* The open quote is marked; the line is dropped, the next kept. */
	lex("title \"abc\nseed 'x\nrun\n", &lx);
	ck_assert_uint_eq(lx.nerr, 2);
	ck_assert_uint_eq(lx.lines->len, 1);
	ck_assert_str_eq(line_at(&lx, 0)->argv[0], "run");
	ck_assert_str_eq(lx.errs,
	    "t.scn:1:7: error: unterminated double quote\n"
	    "title \"abc\n"
	    "      ^\n"
	    "t.scn:2:6: error: unterminated single quote\n"
	    "seed 'x\n"
	    "     ^\n");
	lexed_free(&lx);

	/* 0xff is never UTF-8: reported at its column (3). */
	lex("ab\xff x\n", &lx);
	ck_assert_uint_eq(lx.nerr, 1);
	ck_assert_uint_eq(lx.lines->len, 0);
	ck_assert_str_eq(lx.errs,
	    "t.scn:1:3: error: invalid UTF-8 byte 0xff\n"
	    "ab\\xff x\n"
	    "  ^\n");
	lexed_free(&lx);
}
END_TEST

/* ---- values -------------------------------------------------------------- */

/* The contract's example scenario, every value worked out from its text. */
/*
 * A host's lines are not kept after parsing: a message about one lexes it
 * again from the file (a continuation line included), and gives words
 * without source when the file changed in between.
 */
START_TEST(test_cmd_words_reread)
{
	static const char text[] =
	    "# a comment\n"
	    "host a\n"
	    "  ifconfig em0 inet 10.0.0.1/24\n"
	    "  route \\\n"
	    "    add default 10.0.0.2\n"
	    "host b\n"
	    "  ifconfig em0 inet 10.0.0.2/24\n"
	    "link a:em0 b:em0\n";
	const struct scn_host_cmd *c;
	const struct scn_words *w;
	struct scenario *s, *s2;
	char *path, *joined;
	int fd;

	fd = g_file_open_tmp("scn-XXXXXX.scn", &path, NULL);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert(g_file_set_contents(path, text, -1, NULL));
	s = scn_parse_file(path, stderr, NULL);
	s2 = scn_parse_file(path, stderr, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(s2);
	c = g_ptr_array_index(scn_find_host(s, "a")->cmds, 1);
	ck_assert_ptr_null(c->w);
	w = scn_cmd_words(s, c);
	joined = g_strjoinv(" ", w->argv);
	ck_assert_str_eq(joined, "route add default 10.0.0.2");
	g_free(joined);
	ck_assert_uint_eq(w->argc, 4);
	ck_assert_uint_eq(w->line, 4);
	/* "    add": line 5, column 5. */
	ck_assert_uint_eq(w->pos[1].line, 5);
	ck_assert_uint_eq(w->pos[1].col, 5);
	ck_assert_str_eq(w->text, "  route \\\n    add default 10.0.0.2");
	/* The same file, one byte longer: not the one parsed. */
	ck_assert(g_file_set_contents(path, "#\n# a comment\nhost a\n", -1,
	    NULL));
	c = g_ptr_array_index(scn_find_host(s2, "a")->cmds, 0);
	w = scn_cmd_words(s2, c);
	ck_assert_uint_eq(w->argc, 4);
	ck_assert_str_eq(w->argv[0], "");
	ck_assert_ptr_null(w->text);
	ck_assert_uint_eq(w->pos[0].line, 3);
	scn_free(s);
	scn_free(s2);
	unlink(path);
	g_free(path);
}
END_TEST

START_TEST(test_parse_example)
{
	struct scenario *s;
	struct scn_host *h;
	struct scn_host_cmd *c;
	struct scn_link *l;
	struct scn_at *at;
	struct scn_expect *e;

	s = parse_ok(example);
	ck_assert_str_eq(s->name, "t");
	ck_assert_str_eq(s->title,
	    "natd on a divert socket between a LAN and the Internet");
	ck_assert_uint_eq(s->seed, 1);
	ck_assert_uint_eq(s->loop_limit, 64);
	ck_assert(s->has_run);
	ck_assert_uint_eq(s->run_until_ns, 5000000000ull);

	ck_assert_uint_eq(s->hosts->len, 3);
	h = g_ptr_array_index(s->hosts, 0);
	ck_assert_str_eq(h->name, "client");
	ck_assert_int_eq(h->release, 6);
	ck_assert(!h->no_ipdivert);
	ck_assert_uint_eq(h->pos.line, 3);
	ck_assert_uint_eq(h->cmds->len, 2);
	ck_assert_uint_eq(h->ifnames->len, 1);
	ck_assert_str_eq(g_ptr_array_index(h->ifnames, 0), "em0");
	c = g_ptr_array_index(h->cmds, 0);
	ck_assert_int_eq(c->kind, SCN_IFCONFIG_ADDR);
	ck_assert_uint_eq(c->w0, 0);
	/* The line is not kept: lexed again for a message. */
	ck_assert_ptr_null(c->w);
	ck_assert_str_eq(scn_cmd_words(s, c)->argv[0], "ifconfig");
	ck_assert_uint_eq(scn_cmd_words(s, c)->pos[1].col, 12);
	ck_assert_str_eq(c->u.ifaddr.ifname, "em0");
	/* 10.0.0.2 = 0x0a000002 in host order. */
	ck_assert_uint_eq(c->u.ifaddr.addr, 0x0a000002u);
	ck_assert_uint_eq(c->u.ifaddr.plen, 24);
	ck_assert(!c->u.ifaddr.alias);
	c = g_ptr_array_index(h->cmds, 1);
	ck_assert_int_eq(c->kind, SCN_ROUTE_ADD);
	ck_assert_uint_eq(c->u.route.dst, 0);
	ck_assert_uint_eq(c->u.route.plen, 0);
	ck_assert_uint_eq(c->u.route.gw, 0x0a000001u);

	h = scn_find_host(s, "gw");
	ck_assert_ptr_eq(h, g_ptr_array_index(s->hosts, 1));
	ck_assert_uint_eq(h->cmds->len, 6);
	ck_assert_uint_eq(h->ifnames->len, 2);
	ck_assert_str_eq(g_ptr_array_index(h->ifnames, 0), "em0");
	ck_assert_str_eq(g_ptr_array_index(h->ifnames, 1), "em1");
	c = g_ptr_array_index(h->cmds, 0);
	ck_assert_int_eq(c->kind, SCN_SYSCTL);
	ck_assert_int_eq(c->u.sysctl.name, SYSCTL_FORWARDING);
	ck_assert_int_eq(c->u.sysctl.value, 1);
	c = g_ptr_array_index(h->cmds, 2);
	/* 192.0.2.1 = 0xc0000201. */
	ck_assert_uint_eq(c->u.ifaddr.addr, 0xc0000201u);
	c = g_ptr_array_index(h->cmds, 3);
	ck_assert_int_eq(c->kind, SCN_IPFW);
	ck_assert_ptr_nonnull(c->u.ipfw.cmd);
	ck_assert(ipfw_cmd_uses_divert(c->u.ipfw.cmd));
	c = g_ptr_array_index(h->cmds, 4);
	ck_assert(!ipfw_cmd_uses_divert(c->u.ipfw.cmd));
	c = g_ptr_array_index(h->cmds, 5);
	ck_assert_int_eq(c->kind, SCN_DIVERT);
	ck_assert_uint_eq(c->u.divert.port, 8668);
	ck_assert_str_eq(c->u.divert.program, "natd");
	ck_assert_int_eq(c->u.divert.argc, 2);
	ck_assert_str_eq(c->u.divert.argv[0], "-a");
	ck_assert_str_eq(c->u.divert.argv[1], "192.0.2.1");
	ck_assert_ptr_null(c->u.divert.argv[2]);
	/* divert=0 8668=1 natd=2 -a=3 */
	ck_assert_uint_eq(c->u.divert.argv_w0, 3);
	/* Contract defaults: uid 0, service 10us, rcvbuf 65636. */
	ck_assert_uint_eq(c->u.divert.uid, 0);
	ck_assert_uint_eq(c->u.divert.service_ns, 10000);
	ck_assert_uint_eq(c->u.divert.rcvbuf, 65636);

	h = scn_find_host(s, "server");
	c = g_ptr_array_index(h->cmds, 1);
	ck_assert_int_eq(c->kind, SCN_LISTEN_UDP);
	ck_assert_uint_eq(c->u.listen.port, 53);
	ck_assert(c->u.listen.echo);
	ck_assert_ptr_null(scn_find_host(s, "nobody"));

	ck_assert_uint_eq(s->links->len, 2);
	l = g_ptr_array_index(s->links, 0);
	ck_assert_str_eq(l->a, "client");
	ck_assert_str_eq(l->ifa, "em0");
	ck_assert_str_eq(l->b, "gw");
	ck_assert_str_eq(l->ifb, "em0");
	ck_assert_uint_eq(l->rate_bps, 100000000ull);
	ck_assert_uint_eq(l->delay_ns, 1000000ull);
	ck_assert_uint_eq(l->mtu, 1500);
	ck_assert_uint_eq(l->queue, 100);
	ck_assert_uint_eq(l->pos.line, 19);
	l = g_ptr_array_index(s->links, 1);
	ck_assert_str_eq(l->a, "gw");
	ck_assert_str_eq(l->ifa, "em1");
	ck_assert_uint_eq(l->rate_bps, 10000000ull);
	ck_assert_uint_eq(l->delay_ns, 5000000ull);
	ck_assert_uint_eq(l->mtu, 576);

	ck_assert_uint_eq(s->ats->len, 1);
	at = g_ptr_array_index(s->ats, 0);
	ck_assert_uint_eq(at->t_ns, 1000000000ull);
	ck_assert_str_eq(at->host, "client");
	ck_assert_uint_eq(at->seq, 0);
	c = at->cmd;
	ck_assert_int_eq(c->kind, SCN_SEND_UDP);
	ck_assert_uint_eq(c->w0, 3);
	ck_assert_str_eq(c->w->argv[c->w0], "send");
	/* 192.0.2.10 = 0xc000020a. */
	ck_assert_uint_eq(c->u.traffic.dst, 0xc000020au);
	ck_assert_uint_eq(c->u.traffic.dport, 53);
	ck_assert_uint_eq(c->u.traffic.count, 3);
	ck_assert_uint_eq(c->u.traffic.size, 1200);
	ck_assert_uint_eq(c->u.traffic.interval_ns, 10000000ull);
	ck_assert_uint_eq(c->u.traffic.ttl, 64);
	ck_assert_uint_eq(c->u.traffic.sport, 0);
	ck_assert(!c->u.traffic.df);

	ck_assert_uint_eq(s->expects->len, 4);
	e = g_ptr_array_index(s->expects, 2);
	ck_assert_str_eq(e->counter, "gw.divert.8668.read");
	ck_assert_int_eq(e->op, SCN_EQ);
	ck_assert_uint_eq(e->value, 6);
	ck_assert_str_eq(e->text, "gw.divert.8668.read == 6");
	ck_assert_uint_eq(e->pos.line, 26);
	ck_assert_uint_eq(e->pos.col, 8);
	e = g_ptr_array_index(s->expects, 3);
	ck_assert_str_eq(e->counter, "sim.loops");
	ck_assert_uint_eq(s->nlines, 22);
	/* Kept: the divert line, one `at`, four `expect`. */
	ck_assert_uint_eq(s->lines->len, 6);
	scn_free(s);
}
END_TEST

/* Units: 1.5ms = 1.5 * 10^6 ns, 250us = 250 * 10^3 ns, 2s = 2 * 10^9 ns,
 * 10Mbps = 10 * 10^6 bit/s, 1.25Gbps = 1.25 * 10^9 bit/s. */
START_TEST(test_parse_units)
{
	struct scenario *s;
	struct scn_link *l;
	struct scn_at *at;

	s = parse_ok(BASE
	    "link a:em1 b:em1 rate 10Mbps delay 1.5ms mtu 9000 queue 7\n"
	    "link a:em2 b:em2 delay 250us rate 1.25Gbps\n"
	    "link a:em3 b:em3 rate 64Kbps delay 0.000000001s\n"
	    "at 2s a ping -i 0.5s -c 4 -s 0 -D -m 1 10.0.0.2\n"
	    "at 1.000000001s b send udp 10.0.0.1:7 -p 5353 -i 3ns\n"
	    "run 1.5ms\n");
	l = g_ptr_array_index(s->links, 1);
	ck_assert_uint_eq(l->rate_bps, 10000000ull);
	ck_assert_uint_eq(l->delay_ns, 1500000ull);
	ck_assert_uint_eq(l->mtu, 9000);
	ck_assert_uint_eq(l->queue, 7);
	l = g_ptr_array_index(s->links, 2);
	ck_assert_uint_eq(l->delay_ns, 250000ull);
	ck_assert_uint_eq(l->rate_bps, 1250000000ull);
	l = g_ptr_array_index(s->links, 3);
	ck_assert_uint_eq(l->rate_bps, 64000ull);
	ck_assert_uint_eq(l->delay_ns, 1ull);
	at = g_ptr_array_index(s->ats, 0);
	ck_assert_uint_eq(at->t_ns, 2000000000ull);
	ck_assert_int_eq(at->cmd->kind, SCN_PING);
	ck_assert_uint_eq(at->cmd->u.traffic.interval_ns, 500000000ull);
	ck_assert_uint_eq(at->cmd->u.traffic.count, 4);
	ck_assert_uint_eq(at->cmd->u.traffic.size, 0);
	ck_assert(at->cmd->u.traffic.df);
	ck_assert_uint_eq(at->cmd->u.traffic.ttl, 1);
	ck_assert_uint_eq(at->cmd->u.traffic.dst, 0x0a000002u);
	at = g_ptr_array_index(s->ats, 1);
	ck_assert_uint_eq(at->t_ns, 1000000001ull);
	ck_assert_uint_eq(at->seq, 1);
	/* send udp defaults: size 64, count 1, ttl 64; -p given. */
	ck_assert_uint_eq(at->cmd->u.traffic.size, 64);
	ck_assert_uint_eq(at->cmd->u.traffic.count, 1);
	ck_assert_uint_eq(at->cmd->u.traffic.ttl, 64);
	ck_assert_uint_eq(at->cmd->u.traffic.sport, 5353);
	ck_assert_uint_eq(at->cmd->u.traffic.interval_ns, 3);
	ck_assert_uint_eq(s->run_until_ns, 1500000ull);
	scn_free(s);

	/* ping defaults (ping(8)): count 1, interval 1s, 56 bytes, ttl 64. */
	s = parse_ok(BASE "at 0s a ping 10.0.0.2\n");
	at = g_ptr_array_index(s->ats, 0);
	ck_assert_uint_eq(at->t_ns, 0);
	ck_assert_uint_eq(at->cmd->u.traffic.count, 1);
	ck_assert_uint_eq(at->cmd->u.traffic.interval_ns, 1000000000ull);
	ck_assert_uint_eq(at->cmd->u.traffic.size, 56);
	ck_assert_uint_eq(at->cmd->u.traffic.ttl, 64);
	ck_assert(!at->cmd->u.traffic.df);
	ck_assert(!s->has_run);
	ck_assert_uint_eq(s->run_until_ns, 0);
	scn_free(s);
}
END_TEST

/* Top-level settings, host flags and reopening, route and sysctl forms. */
START_TEST(test_parse_settings)
{
	struct scenario *s;
	struct scn_host *h;
	struct scn_host_cmd *c;

	s = parse_ok("title plain   words here\nseed 4294967295\nloop-limit 3\n"
	    "host a no-ipdivert\n"
	    "release 14\n"
	    "host b\n"
	    "host c release 6\n"
	    "host a release 14\n"
	    "  route add 10.1.2.3/16 10.0.0.9\n"
	    "  route add -net 172.16.0.0/12 10.0.0.9\n"
	    "  route add -host 10.9.9.9 10.0.0.9\n"
	    "  sysctl net.inet.ip.fw.default_to_accept=1\n"
	    "  sysctl net.inet.ip.fw.enable=0\n"
	    "  sysctl net.inet.ip.fw.one_pass=0\n"
	    "  sysctl net.inet.ip.fw.verbose=1\n"
	    "  ifconfig lo0 inet 127.0.0.2/32 alias\n"
	    "  ifconfig em0 mtu 1280\n"
	    "  listen udp 9\n"
	    "link b:em0 a:em0\n"
	    "run\n");
	/* The words of the title, joined by single spaces. */
	ck_assert_str_eq(s->title, "plain words here");
	ck_assert_uint_eq(s->seed, 4294967295u);
	ck_assert_uint_eq(s->loop_limit, 3);
	ck_assert(s->has_run);
	ck_assert_uint_eq(s->run_until_ns, 0);
	ck_assert_uint_eq(s->hosts->len, 3);
	/* a: declared before `release 14`, reopened with release 14; its
	 * no-ipdivert kept. */
	h = scn_find_host(s, "a");
	ck_assert(h->no_ipdivert);
	ck_assert_int_eq(h->release, 14);
	ck_assert_uint_eq(h->cmds->len, 10);
	/* lo0 is never listed; em0 is (ifconfig mtu, then link). */
	ck_assert_uint_eq(h->ifnames->len, 1);
	ck_assert_int_eq(scn_find_host(s, "b")->release, 14);
	ck_assert_int_eq(scn_find_host(s, "c")->release, 6);
	/* route(8) keeps the network part: 10.1.2.3/16 is 10.1.0.0. */
	c = g_ptr_array_index(h->cmds, 0);
	ck_assert_uint_eq(c->u.route.dst, 0x0a010000u);
	ck_assert_uint_eq(c->u.route.plen, 16);
	ck_assert_uint_eq(c->u.route.gw, 0x0a000009u);
	c = g_ptr_array_index(h->cmds, 1);
	ck_assert_uint_eq(c->u.route.dst, 0xac100000u);
	ck_assert_uint_eq(c->u.route.plen, 12);
	c = g_ptr_array_index(h->cmds, 2);
	ck_assert_uint_eq(c->u.route.dst, 0x0a090909u);
	ck_assert_uint_eq(c->u.route.plen, 32);
	c = g_ptr_array_index(h->cmds, 3);
	ck_assert_int_eq(c->u.sysctl.name, SYSCTL_FW_DEFAULT_TO_ACCEPT);
	ck_assert_int_eq(c->u.sysctl.value, 1);
	c = g_ptr_array_index(h->cmds, 4);
	ck_assert_int_eq(c->u.sysctl.name, SYSCTL_FW_ENABLE);
	ck_assert_int_eq(c->u.sysctl.value, 0);
	c = g_ptr_array_index(h->cmds, 5);
	ck_assert_int_eq(c->u.sysctl.name, SYSCTL_FW_ONE_PASS);
	c = g_ptr_array_index(h->cmds, 6);
	ck_assert_int_eq(c->u.sysctl.name, SYSCTL_FW_VERBOSE);
	c = g_ptr_array_index(h->cmds, 7);
	ck_assert_str_eq(c->u.ifaddr.ifname, "lo0");
	ck_assert_uint_eq(c->u.ifaddr.addr, 0x7f000002u);
	ck_assert_uint_eq(c->u.ifaddr.plen, 32);
	ck_assert(c->u.ifaddr.alias);
	c = g_ptr_array_index(h->cmds, 8);
	ck_assert_int_eq(c->kind, SCN_IFCONFIG_MTU);
	ck_assert_str_eq(c->u.ifmtu.ifname, "em0");
	ck_assert_uint_eq(c->u.ifmtu.mtu, 1280);
	c = g_ptr_array_index(h->cmds, 9);
	ck_assert(!c->u.listen.echo);
	scn_free(s);

	/* A quoted title is taken whole. */
	s = parse_ok("title 'a  b'\n");
	ck_assert_str_eq(s->title, "a  b");
	ck_assert_uint_eq(s->hosts->len, 0);
	scn_free(s);
}
END_TEST

/*
 * Interfaces in order of first mention over the whole file, ifconfig or
 * link, `at` lines included; hosts may be declared after the lines that
 * name them.
 */
START_TEST(test_parse_forward_refs)
{
	struct scenario *s;
	struct scn_host *h;

	s = parse_ok("at 1s r ifconfig em7 inet 10.7.0.1/24\n"
	    "link q:em0 r:em3\n"
	    "link r:em7 q:em1\n"
	    "expect r.ip.received > 0\n"
	    "host q\n"
	    "host r\n"
	    "  ifconfig em3 inet 10.3.0.1/24\n");
	h = scn_find_host(s, "r");
	ck_assert_uint_eq(h->ifnames->len, 2);
	ck_assert_str_eq(g_ptr_array_index(h->ifnames, 0), "em7");
	ck_assert_str_eq(g_ptr_array_index(h->ifnames, 1), "em3");
	h = scn_find_host(s, "q");
	ck_assert_str_eq(g_ptr_array_index(h->ifnames, 0), "em0");
	ck_assert_str_eq(g_ptr_array_index(h->ifnames, 1), "em1");
	scn_free(s);
}
END_TEST

/*
 * divert: -u/-t/-b anywhere after PORT leave the program's arguments; the
 * option words move to the end of the line so that argument k is word
 * argv_w0 + k, and each word keeps its own column.
 */
START_TEST(test_parse_divert)
{
	struct scenario *s;
	struct scn_host_cmd *c;
	struct scn_at *at;

	s = parse_ok(BASE
	    "host a\n"
	    "  divert natd reinject -u 5 -t 1.5ms foo -b 1000 bar\n"
	    "  divert 1 drop\n"
	    "at 1s a divert 65535 retag 7 -b 10\n");
	c = g_ptr_array_index(scn_find_host(s, "a")->cmds, 0);
	ck_assert_uint_eq(c->u.divert.port, 8668);
	ck_assert_str_eq(c->u.divert.program, "reinject");
	ck_assert_int_eq(c->u.divert.argc, 2);
	ck_assert_str_eq(c->u.divert.argv[0], "foo");
	ck_assert_str_eq(c->u.divert.argv[1], "bar");
	ck_assert_uint_eq(c->u.divert.argv_w0, 3);
	ck_assert_str_eq(c->w->argv[3], "foo");
	ck_assert_str_eq(c->w->argv[4], "bar");
	/* "  divert natd reinject -u 5 -t 1.5ms " is 37 characters: foo at
	 * column 38; bar after "foo -b 1000 " at 38 + 12 = 50. */
	ck_assert_uint_eq(c->w->pos[3].col, 38);
	ck_assert_uint_eq(c->w->pos[4].col, 50);
	ck_assert_uint_eq(c->u.divert.uid, 5);
	ck_assert_uint_eq(c->u.divert.service_ns, 1500000ull);
	ck_assert_uint_eq(c->u.divert.rcvbuf, 1000);
	c = g_ptr_array_index(scn_find_host(s, "a")->cmds, 1);
	ck_assert_uint_eq(c->u.divert.port, 1);
	ck_assert_int_eq(c->u.divert.argc, 0);
	ck_assert_ptr_null(c->u.divert.argv[0]);
	ck_assert_uint_eq(c->u.divert.argv_w0, 3);
	at = g_ptr_array_index(s->ats, 0);
	c = at->cmd;
	ck_assert_uint_eq(c->u.divert.port, 65535);
	ck_assert_str_eq(c->u.divert.program, "retag");
	ck_assert_int_eq(c->u.divert.argc, 1);
	ck_assert_str_eq(c->u.divert.argv[0], "7");
	/* at=0 1s=1 a=2 divert=3 65535=4 retag=5 7=6 */
	ck_assert_uint_eq(c->u.divert.argv_w0, 6);
	ck_assert_uint_eq(c->u.divert.rcvbuf, 10);
	scn_free(s);
}
END_TEST

/* ---- diagnostics ----------------------------------------------------------- */

START_TEST(test_err_commands)
{
	parse_fails("hots gw\n",
	    "t.scn:1:1: error: unknown command 'hots'; did you mean "
	    "'host'?\n"
	    "hots gw\n"
	    "^~~~\n", 1);
	parse_fails("  ifconfig em0 inet 10.0.0.1/24\n",
	    "t.scn:1:3: error: 'ifconfig' outside a host block\n"
	    "  ifconfig em0 inet 10.0.0.1/24\n"
	    "  ^~~~~~~~\n", 1);
	/* The caret line repeats the tab, so it lines up in any editor. */
	parse_fails("\thots\n",
	    "t.scn:1:2: error: unknown command 'hots'; did you mean "
	    "'host'?\n"
	    "\thots\n"
	    "\t^~~~\n", 1);
	parse_fails(BASE "at 1s a link a:em0 b:em0\n",
	    "t.scn:4:9: error: unknown host command 'link'\n"
	    "at 1s a link a:em0 b:em0\n"
	    "        ^~~~\n", 1);
	parse_fails("run 1s\nrun 2s\n",
	    "t.scn:2:1: error: 'run' given twice (first at line 1)\n"
	    "run 2s\n"
	    "^~~\n", 1);
	parse_fails("run 0s\n",
	    "t.scn:1:5: error: run time '0s' must be greater than zero\n"
	    "run 0s\n"
	    "    ^~\n", 1);
	parse_fails("seed 1 2\n",
	    "t.scn:1:8: error: unexpected word '2'\n"
	    "seed 1 2\n"
	    "       ^\n", 1);
	parse_fails("seed -1\n",
	    "t.scn:1:6: error: bad seed '-1'\n"
	    "seed -1\n"
	    "     ^~\n", 1);
	parse_fails("seed 4294967296\n",
	    "t.scn:1:6: error: seed '4294967296' out of range "
	    "(0..4294967295)\n"
	    "seed 4294967296\n"
	    "     ^~~~~~~~~~\n", 1);
	parse_fails("title\n",
	    "t.scn:1:6: error: missing text after 'title'\n"
	    "title\n"
	    "     ^\n", 1);
	parse_fails("release 7\n",
	    "t.scn:1:9: error: unknown release '7' (6, 14)\n"
	    "release 7\n"
	    "        ^\n", 1);
	parse_fails("host a.b\n",
	    "t.scn:1:6: error: bad host name 'a.b' (a letter, then letters, "
	    "digits, '-' or '_')\n"
	    "host a.b\n"
	    "     ^~~\n", 1);
	parse_fails("host sim\n",
	    "t.scn:1:6: error: host name 'sim' is reserved for the sim.* "
	    "counters\n"
	    "host sim\n"
	    "     ^~~\n", 1);
	parse_fails("host a ipdivert\n",
	    "t.scn:1:8: error: unknown host option 'ipdivert' (no-ipdivert, "
	    "release)\n"
	    "host a ipdivert\n"
	    "       ^~~~~~~~\n", 1);
}
END_TEST

START_TEST(test_err_hosts)
{
	parse_fails("at 1s gw ping 10.0.0.1\nhost a\n",
	    "t.scn:1:7: error: host 'gw' not declared\n"
	    "at 1s gw ping 10.0.0.1\n"
	    "      ^~\n", 1);
	parse_fails(BASE "link a:em1 gw:em0\n",
	    "t.scn:4:12: error: host 'gw' not declared\n"
	    "link a:em1 gw:em0\n"
	    "           ^~~~~~\n", 1);
	parse_fails(BASE "expect gw.ip.received == 1\n",
	    "t.scn:4:8: error: host 'gw' not declared\n"
	    "expect gw.ip.received == 1\n"
	    "       ^~~~~~~~~~~~~~\n", 1);
	/* Interface em1 of a is mentioned here first and no link joins it. */
	parse_fails(BASE "host a\n  ifconfig em1 inet 10.0.0.1/24\n"
	    "  ifconfig em1 mtu 1400\n",
	    "t.scn:5:12: error: interface 'em1' of host 'a' is joined by no "
	    "link\n"
	    "  ifconfig em1 inet 10.0.0.1/24\n"
	    "           ^~~\n", 1);
	parse_fails(BASE "host a\n  ifconfig em0 mtu 9000\n",
	    "t.scn:5:20: error: mtu 9000 of 'a:em0' exceeds the mtu 1500 of "
	    "its link (line 3)\n"
	    "  ifconfig em0 mtu 9000\n"
	    "                   ^~~~\n", 1);
	parse_fails(BASE "link b:em0 a:em1\n",
	    "t.scn:4:6: error: interface 'b:em0' is already joined by the "
	    "link at line 3\n"
	    "link b:em0 a:em1\n"
	    "     ^~~~~\n", 1);
	parse_fails(BASE "link a:em1 a:em1\n",
	    "t.scn:4:12: error: a link cannot join 'a:em1' to itself\n"
	    "link a:em1 a:em1\n"
	    "           ^~~~~\n", 1);
	parse_fails(BASE "link a:lo0 b:em1\n",
	    "t.scn:4:6: error: 'lo0' cannot be joined by a link\n"
	    "link a:lo0 b:em1\n"
	    "     ^~~~~\n", 1);
	parse_fails(BASE "link a b:em1\n",
	    "t.scn:4:6: error: bad link end 'a' (HOST:IF)\n"
	    "link a b:em1\n"
	    "     ^\n", 1);
	parse_fails(BASE "link a:em1 b:em1 speed 1Mbps\n",
	    "t.scn:4:18: error: unknown link option 'speed' (rate, delay, "
	    "mtu, queue)\n"
	    "link a:em1 b:em1 speed 1Mbps\n"
	    "                 ^~~~~\n", 1);
	parse_fails(BASE "link a:em1 b:em1 mtu 576 mtu 1500\n",
	    "t.scn:4:26: error: link option 'mtu' given twice\n"
	    "link a:em1 b:em1 mtu 576 mtu 1500\n"
	    "                         ^~~\n", 1);
}
END_TEST

START_TEST(test_err_units)
{
	parse_fails(BASE "at 5 a ping 10.0.0.1\n",
	    "t.scn:4:4: error: duration '5' needs a unit (s, ms, us, ns)\n"
	    "at 5 a ping 10.0.0.1\n"
	    "   ^\n", 1);
	parse_fails(BASE "at 5m a ping 10.0.0.1\n",
	    "t.scn:4:4: error: unknown unit 'm' in duration '5m' (s, ms, us, "
	    "ns)\n"
	    "at 5m a ping 10.0.0.1\n"
	    "   ^~\n", 1);
	parse_fails("run 1.5ns\n",
	    "t.scn:1:5: error: duration '1.5ns' is not a whole number of "
	    "nanoseconds\n"
	    "run 1.5ns\n"
	    "    ^~~~~\n", 1);
	parse_fails("run .5s\n",
	    "t.scn:1:5: error: bad duration '.5s'\n"
	    "run .5s\n"
	    "    ^~~\n", 1);
	/* 2^64 ns is about 584 years: 18446744074s is past it. */
	parse_fails("run 18446744074s\n",
	    "t.scn:1:5: error: duration '18446744074s' out of range (at most "
	    "9223372036854775807ns)\n"
	    "run 18446744074s\n"
	    "    ^~~~~~~~~~~~\n", 1);
	/* ping -i takes a duration with its unit too. */
	parse_fails(BASE "at 1s a ping -i 1 10.0.0.2\n",
	    "t.scn:4:17: error: duration '1' needs a unit (s, ms, us, ns)\n"
	    "at 1s a ping -i 1 10.0.0.2\n"
	    "                ^\n", 1);
	parse_fails(BASE "link a:em1 b:em1 rate 10\n",
	    "t.scn:4:23: error: rate '10' needs a unit (bps, Kbps, Mbps, "
	    "Gbps)\n"
	    "link a:em1 b:em1 rate 10\n"
	    "                      ^~\n", 1);
	parse_fails(BASE "link a:em1 b:em1 rate 0Mbps\n",
	    "t.scn:4:23: error: rate '0Mbps' must be greater than zero\n"
	    "link a:em1 b:em1 rate 0Mbps\n"
	    "                      ^~~~~\n", 1);
	parse_fails(BASE "link a:em1 b:em1 delay\n",
	    "t.scn:4:23: error: missing duration after 'delay'\n"
	    "link a:em1 b:em1 delay\n"
	    "                      ^\n", 1);
}
END_TEST

/*
 * What ns-3 can represent: time is a signed 64-bit count of nanoseconds
 * (2^63 ns = 9223372036.854775808 s wraps negative), and a DataRate of
 * 2^64 - 1024 bps or more rounds to 2^64 through a double.
 */
START_TEST(test_err_limits)
{
	struct scenario *s;

	s = parse_ok("run 9223372036.854775807s\n");
	ck_assert_uint_eq(s->run_until_ns, 9223372036854775807ull);
	scn_free(s);
	parse_fails("run 9223372036.854775808s\n",
	    "t.scn:1:5: error: duration '9223372036.854775808s' out of range "
	    "(at most 9223372036854775807ns)\n"
	    "run 9223372036.854775808s\n"
	    "    ^~~~~~~~~~~~~~~~~~~~~\n", 1);
	parse_fails(BASE "at 9223372036854775808ns a ping 10.0.0.2\n",
	    "t.scn:4:4: error: duration '9223372036854775808ns' out of range "
	    "(at most 9223372036854775807ns)\n"
	    "at 9223372036854775808ns a ping 10.0.0.2\n"
	    "   ^~~~~~~~~~~~~~~~~~~~~\n", 1);
	/*
	 * 2^63 - 1 bps at most: ns-3 times a frame at 2^64 - 1025 bps
	 * (allowed before) at -0.67 s, and it arrives before it is sent.
	 */
	s = parse_ok(BASE "link a:em1 b:em1 rate 9223372036854775807bps\n");
	scn_free(s);
	parse_fails(BASE "link a:em1 b:em1 rate 9223372036854775808bps\n",
	    "t.scn:4:23: error: rate '9223372036854775808bps' out of range "
	    "(at most 9223372036854775807bps)\n"
	    "link a:em1 b:em1 rate 9223372036854775808bps\n"
	    "                      ^~~~~~~~~~~~~~~~~~~~~~\n", 1);
	parse_fails(BASE "link a:em1 b:em1 rate 18446744073709550591bps\n",
	    "t.scn:4:23: error: rate '18446744073709550591bps' out of range "
	    "(at most 9223372036854775807bps)\n"
	    "link a:em1 b:em1 rate 18446744073709550591bps\n"
	    "                      ^~~~~~~~~~~~~~~~~~~~~~~\n", 1);
	parse_fails(BASE "link a:em1 b:em1 rate 18446744073.709551615Gbps\n",
	    "t.scn:4:23: error: rate '18446744073.709551615Gbps' out of range "
	    "(at most 9223372036854775807bps)\n"
	    "link a:em1 b:em1 rate 18446744073.709551615Gbps\n"
	    "                      ^~~~~~~~~~~~~~~~~~~~~~~~~\n", 1);
	/* -i 0s sends every datagram at one instant: only with -c 1. */
	s = parse_ok(BASE "at 1s a ping -i 0s 10.0.0.2\n");
	scn_free(s);
	parse_fails(BASE "at 1s a ping -c 3 -i 0s 10.0.0.2\n",
	    "t.scn:4:22: error: interval '0s' must be greater than zero with "
	    "a count of 3\n"
	    "at 1s a ping -c 3 -i 0s 10.0.0.2\n"
	    "                     ^~\n", 1);
	parse_fails(BASE "at 1s a send udp 10.0.0.2:9 -i 0ms -c 2\n",
	    "t.scn:4:32: error: interval '0ms' must be greater than zero with "
	    "a count of 2\n"
	    "at 1s a send udp 10.0.0.2:9 -i 0ms -c 2\n"
	    "                               ^~~\n", 1);
	/* 65535 - 20 (IP) - 8 (ICMP echo or UDP header) = 65507. */
	s = parse_ok(BASE "at 1s a ping -s 65507 10.0.0.2\n");
	scn_free(s);
	parse_fails(BASE "at 1s a ping -s 65508 10.0.0.2\n",
	    "t.scn:4:17: error: size '65508' out of range (0..65507)\n"
	    "at 1s a ping -s 65508 10.0.0.2\n"
	    "                ^~~~~\n", 1);
}
END_TEST

START_TEST(test_err_host_cmds)
{
	parse_fails(BASE "host a\n  sysctl net.inet.ip.fw.foo=1\n",
	    "t.scn:5:10: error: unknown sysctl 'net.inet.ip.fw.foo'\n"
	    "  sysctl net.inet.ip.fw.foo=1\n"
	    "         ^~~~~~~~~~~~~~~~~~~~\n", 1);
	parse_fails(BASE "host a\n  sysctl net.inet.ip.forwarding=2\n",
	    "t.scn:5:10: error: sysctl 'net.inet.ip.forwarding' takes 0 or 1, "
	    "not '2'\n"
	    "  sysctl net.inet.ip.forwarding=2\n"
	    "         ^~~~~~~~~~~~~~~~~~~~~~~~\n", 1);
	parse_fails(BASE "host a\n  ifconfig em0 inet 300.1.1.1/24\n",
	    "t.scn:5:21: error: bad address '300.1.1.1/24'\n"
	    "  ifconfig em0 inet 300.1.1.1/24\n"
	    "                    ^~~~~~~~~~~~\n", 1);
	parse_fails(BASE "host a\n  ifconfig em0 inet 1.2.3/24\n",
	    "t.scn:5:21: error: bad address '1.2.3/24'\n"
	    "  ifconfig em0 inet 1.2.3/24\n"
	    "                    ^~~~~~~~\n", 1);
	parse_fails(BASE "host a\n  ifconfig em0 inet 10.0.0.1/33\n",
	    "t.scn:5:21: error: bad prefix length '33' in '10.0.0.1/33' "
	    "(0..32)\n"
	    "  ifconfig em0 inet 10.0.0.1/33\n"
	    "                    ^~~~~~~~~~~\n", 1);
	parse_fails(BASE "host a\n  ifconfig em0 inet 10.0.0.1\n",
	    "t.scn:5:21: error: address '10.0.0.1' needs a prefix length "
	    "(ADDR/PLEN)\n"
	    "  ifconfig em0 inet 10.0.0.1\n"
	    "                    ^~~~~~~~\n", 1);
	parse_fails(BASE "host a\n  ifconfig em0 up\n",
	    "t.scn:5:16: error: unknown ifconfig parameter 'up' (inet, mtu)\n"
	    "  ifconfig em0 up\n"
	    "               ^~\n", 1);
	/* "  route add default" is 19 characters: the gap is column 20. */
	parse_fails(BASE "host a\n  route add default\n",
	    "t.scn:5:20: error: missing gateway after 'default'\n"
	    "  route add default\n"
	    "                   ^\n", 1);
	parse_fails(BASE "host a\n  route delete default\n",
	    "t.scn:5:9: error: unknown route command 'delete' (only 'add')\n"
	    "  route delete default\n"
	    "        ^~~~~~\n", 1);
	parse_fails(BASE "host a\n  route add 10.0.0.0 10.0.0.1\n",
	    "t.scn:5:13: error: network '10.0.0.0' needs a prefix length "
	    "(ADDR/PLEN)\n"
	    "  route add 10.0.0.0 10.0.0.1\n"
	    "            ^~~~~~~~\n", 1);
	/* Leading zeros would be octal to inet_aton(3): refused. */
	parse_fails(BASE "host a\n  route add default 10.0.0.01\n",
	    "t.scn:5:21: error: bad gateway '10.0.0.01'\n"
	    "  route add default 10.0.0.01\n"
	    "                    ^~~~~~~~~\n", 1);
	parse_fails(BASE "host a\n  listen sctp 80\n",
	    "t.scn:5:10: error: unknown protocol 'sctp' (only 'udp' or "
	    "'tcp')\n"
	    "  listen sctp 80\n"
	    "         ^~~~\n", 1);
	parse_fails(BASE "host a\n  listen tcp 80 chargen\n",
	    "t.scn:5:17: error: unexpected word 'chargen' (echo, discard or "
	    "sink, then -r)\n"
	    "  listen tcp 80 chargen\n"
	    "                ^~~~~~~\n", 1);
	parse_fails(BASE "at 1s a connect tcp 10.0.0.2:80 -n 2 -i 0s\n",
	    "t.scn:4:21: error: -i 0 needs -n 1\n"
	    "at 1s a connect tcp 10.0.0.2:80 -n 2 -i 0s\n"
	    "                    ^~~~~~~~~~~\n", 1);
	parse_fails(BASE "at 1s a connect udp 10.0.0.2:80\n",
	    "t.scn:4:17: error: unknown protocol 'udp' (only 'tcp')\n"
	    "at 1s a connect udp 10.0.0.2:80\n"
	    "                ^~~\n", 1);
	parse_fails(BASE "host a\n  listen udp 0\n",
	    "t.scn:5:14: error: port '0' out of range (1..65535)\n"
	    "  listen udp 0\n"
	    "             ^\n", 1);
	parse_fails(BASE "host a\n  divert 8668\n",
	    "t.scn:5:14: error: missing program after '8668'\n"
	    "  divert 8668\n"
	    "             ^\n", 1);
	parse_fails(BASE "host a\n  divert 8668 drop -u 1 -u 2\n",
	    "t.scn:5:25: error: option '-u' given twice\n"
	    "  divert 8668 drop -u 1 -u 2\n"
	    "                        ^~\n", 1);
	parse_fails(BASE "host a\n  divert 8668 drop -t 10\n",
	    "t.scn:5:23: error: duration '10' needs a unit (s, ms, us, ns)\n"
	    "  divert 8668 drop -t 10\n"
	    "                      ^~\n", 1);
	parse_fails(BASE "at 1s a ping -c 0 10.0.0.2\n",
	    "t.scn:4:17: error: count '0' out of range (1..4294967295)\n"
	    "at 1s a ping -c 0 10.0.0.2\n"
	    "                ^\n", 1);
	/* ping(8)'s -s limit: 65535 - 20 (IP) - 8 (ICMP) = 65507. */
	parse_fails(BASE "at 1s a ping -s 65508 10.0.0.2\n",
	    "t.scn:4:17: error: size '65508' out of range (0..65507)\n"
	    "at 1s a ping -s 65508 10.0.0.2\n"
	    "                ^~~~~\n", 1);
	parse_fails(BASE "at 1s a ping -m 256 10.0.0.2\n",
	    "t.scn:4:17: error: ttl '256' out of range (0..255)\n"
	    "at 1s a ping -m 256 10.0.0.2\n"
	    "                ^~~\n", 1);
	parse_fails(BASE "at 1s a ping -p 7 10.0.0.2\n",
	    "t.scn:4:14: error: unknown option '-p' (-c, -i, -s, -D, -m)\n"
	    "at 1s a ping -p 7 10.0.0.2\n"
	    "             ^~\n", 1);
	parse_fails(BASE "at 1s a ping -c 2\n",
	    "t.scn:4:18: error: missing destination address\n"
	    "at 1s a ping -c 2\n"
	    "                 ^\n", 1);
	parse_fails(BASE "at 1s a ping 10.0.0.2 10.0.0.3\n",
	    "t.scn:4:23: error: unexpected word '10.0.0.3'\n"
	    "at 1s a ping 10.0.0.2 10.0.0.3\n"
	    "                      ^~~~~~~~\n", 1);
	parse_fails(BASE "at 1s a send udp 10.0.0.2\n",
	    "t.scn:4:18: error: bad destination '10.0.0.2' (ADDR:PORT, port "
	    "1..65535)\n"
	    "at 1s a send udp 10.0.0.2\n"
	    "                 ^~~~~~~~\n", 1);
	parse_fails(BASE "at 1s a send tcp 10.0.0.2:80\n",
	    "t.scn:4:14: error: unknown protocol 'tcp' (only 'udp')\n"
	    "at 1s a send tcp 10.0.0.2:80\n"
	    "             ^~~\n", 1);
	parse_fails(BASE "at 1s a send udp 10.0.0.2:7 -c 2 -c 3\n",
	    "t.scn:4:34: error: option '-c' given twice\n"
	    "at 1s a send udp 10.0.0.2:7 -c 2 -c 3\n"
	    "                                 ^~\n", 1);
}
END_TEST

START_TEST(test_err_expect)
{
	parse_fails(BASE "expect a.ip.received = 1\n",
	    "t.scn:4:22: error: unknown operator '=' (==, !=, <, <=, >, >=)\n"
	    "expect a.ip.received = 1\n"
	    "                     ^\n", 1);
	parse_fails(BASE "expect a.ip.received == -1\n",
	    "t.scn:4:25: error: bad value '-1'\n"
	    "expect a.ip.received == -1\n"
	    "                        ^~\n", 1);
	parse_fails(BASE "expect a..x == 1\n",
	    "t.scn:4:8: error: bad counter name 'a..x'\n"
	    "expect a..x == 1\n"
	    "       ^~~~\n", 1);
	parse_fails(BASE "expect a.ip.received ==\n",
	    "t.scn:4:24: error: missing value after '=='\n"
	    "expect a.ip.received ==\n"
	    "                       ^\n", 1);
}
END_TEST

/* The ipfw area's bad word comes back as the scenario word's column. */
START_TEST(test_err_ipfw)
{
	struct scenario *s;
	unsigned nerr = 0;
	char *errs;

	s = parse(BASE "host a\n  ipfw add 100 frobnicate ip from any to any\n",
	    &errs, &nerr);
	ck_assert_ptr_null(s);
	ck_assert_uint_eq(nerr, 1);
	/* "  ipfw add 100 " is 15 characters: frobnicate at column 16. */
	ck_assert_msg(strncmp(errs, "t.scn:5:16: error: ", 19) == 0, "%s",
	    errs);
	ck_assert_ptr_nonnull(strstr(errs,
	    "\n  ipfw add 100 frobnicate ip from any to any\n"
	    "               ^~~~~~~~~~\n"));
	free(errs);
}
END_TEST

/*
 * Every error of a file is reported, in line order, one per line, and
 * nothing after an error is skipped; a line with an error does not stop
 * the next line from being checked.
 */
START_TEST(test_err_all_reported)
{
	parse_fails("hots a\n"
	    "host a\n"
	    "  ping -c 0 10.0.0.1\n"
	    "  ifconfig em0 inet 10.0.0.1/24\n"
	    "  route add 10.0.0.0 10.0.0.1\n"
	    "link a:em0 b:em0\n"
	    "host b\n"
	    "run 5\n",
	    "t.scn:1:1: error: unknown command 'hots'; did you mean "
	    "'host'?\n"
	    "hots a\n"
	    "^~~~\n"
	    "t.scn:3:11: error: count '0' out of range (1..4294967295)\n"
	    "  ping -c 0 10.0.0.1\n"
	    "          ^\n"
	    "t.scn:5:13: error: network '10.0.0.0' needs a prefix length "
	    "(ADDR/PLEN)\n"
	    "  route add 10.0.0.0 10.0.0.1\n"
	    "            ^~~~~~~~\n"
	    "t.scn:8:5: error: duration '5' needs a unit (s, ms, us, ns)\n"
	    "run 5\n"
	    "    ^\n", 4);
	/*
	 * A bad host line: its block is checked for mistakes of its own
	 * (ping x) but nothing follows from the bad name (no "joined by no
	 * link" for em0, nothing pinned on the host before it).
	 */
	parse_fails("host 1a\n  ifconfig em0 inet 10.0.0.1/24\n  ping x\n",
	    "t.scn:1:6: error: bad host name '1a' (a letter, then letters, "
	    "digits, '-' or '_')\n"
	    "host 1a\n"
	    "     ^~\n"
	    "t.scn:3:8: error: bad destination address 'x'\n"
	    "  ping x\n"
	    "       ^\n", 2);
}
END_TEST

/* Errors on a continued line point at the physical line of the word. */
START_TEST(test_err_positions)
{
	parse_fails("host a \\\n  bogus\n",
	    "t.scn:2:3: error: unknown host option 'bogus' (no-ipdivert, "
	    "release)\n"
	    "  bogus\n"
	    "  ^~~~~\n", 1);
	/* "at 1s a ping é -c " is 18 characters (20 bytes): x at 19. */
	parse_fails(BASE "at 1s a ping é -c x\n",
	    "t.scn:4:19: error: bad count 'x'\n"
	    "at 1s a ping é -c x\n"
	    "                  ^\n", 1);
	/* A quoted word is marked whole, quotes included. */
	parse_fails("host \"a b\"\n",
	    "t.scn:1:6: error: bad host name 'a b' (a letter, then letters, "
	    "digits, '-' or '_')\n"
	    "host \"a b\"\n"
	    "     ^~~~~\n", 1);
}
END_TEST

START_TEST(test_parse_file)
{
	struct scenario *s;
	unsigned nerr = 0;
	char *dir, *path, *errs;
	size_t len;
	FILE *f;

	/* The name is the file's base name without ".scn". */
	dir = g_dir_make_tmp(NULL, NULL);
	ck_assert_ptr_nonnull(dir);
	path = g_build_filename(dir, "natd-example.scn", NULL);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(example, f);
	fclose(f);
	s = scn_parse_file(path, stderr, &nerr);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(nerr, 0);
	ck_assert_str_eq(s->path, path);
	ck_assert_str_eq(s->name, "natd-example");
	ck_assert_uint_eq(s->hosts->len, 3);
	scn_free(s);
	unlink(path);

	f = open_memstream(&errs, &len);
	s = scn_parse_file(path, f, &nerr);
	fclose(f);
	ck_assert_ptr_null(s);
	ck_assert_uint_eq(nerr, 1);
	ck_assert_ptr_nonnull(strstr(errs, ": error: cannot open: "));
	free(errs);
	rmdir(dir);
	g_free(path);
	g_free(dir);
}
END_TEST

/* ---- diagnostics ------------------------------------------------------ */

/* Edit distances worked out by hand (optimal string alignment). */
START_TEST(test_diag_distance)
{
	ck_assert_uint_eq(diag_edit_distance("hots", "host", 3), 1); /* swap */
	ck_assert_uint_eq(diag_edit_distance("alow", "allow", 3), 1);
	ck_assert_uint_eq(diag_edit_distance("reads", "read", 3), 1);
	ck_assert_uint_eq(diag_edit_distance("sever", "server", 3), 1);
	ck_assert_uint_eq(diag_edit_distance("kitten", "sitting", 5), 3);
	ck_assert_uint_eq(diag_edit_distance("", "abc", 5), 3);
	/* Capped: anything beyond cap is cap + 1. */
	ck_assert_uint_eq(diag_edit_distance("a", "abcdefgh", 2), 3);
	ck_assert_str_eq(diag_suggest_list("lisen", (const char *const[]){
	    "link", "listen", "ping", NULL }), "listen");
	/* Nothing close: no suggestion rather than a wild guess. */
	ck_assert_ptr_null(diag_suggest_list("every-other",
	    (const char *const[]){ "reinject", "drop", "retag", NULL }));
	/* One edit at most for words of up to 4 characters. */
	ck_assert_ptr_null(diag_suggest_list("ab", (const char *const[]){
	    "xy", NULL }));
}
END_TEST

/* Sorted mode: line order whatever the report order, then the cap. */
START_TEST(test_diag_sorted_cap)
{
	struct diag d;
	char *buf, *p;
	size_t len;
	FILE *f;
	unsigned n;

	f = open_memstream(&buf, &len);
	diag_init(&d, "t.scn", f);
	diag_set_sorted(&d, true);
	for (unsigned i = 60; i >= 1; i--) {
		struct scn_pos pos = { i, 1 };

		diag_error_at(&d, NULL, pos, 1, "e%u", i);
	}
	diag_warning_file(&d, "w");
	diag_flush(&d);
	fclose(f);
	ck_assert_uint_eq(d.errors, 60);
	ck_assert_uint_eq(d.warnings, 1);
	/* The file-level warning first, then lines 1..49, then the rest. */
	ck_assert(strncmp(buf, "t.scn: warning: w\nt.scn:1:1: error: e1\n"
	    "t.scn:2:1: error: e2\n", 58) == 0);
	n = 0;
	for (p = buf; (p = strstr(p, ": error: ")) != NULL; p++)
		n++;
	ck_assert_uint_eq(n, 49);
	ck_assert_ptr_nonnull(strstr(buf, "t.scn:49:1: error: e49\n"
	    "t.scn: 11 more errors\n"));
	free(buf);

	/* --Werror: the warning is an error, marked so. */
	f = open_memstream(&buf, &len);
	diag_init(&d, "t.scn", f);
	diag_set_werror(&d, true);
	diag_warning_file(&d, "w");
	diag_flush(&d);
	fclose(f);
	ck_assert_uint_eq(d.errors, 1);
	ck_assert_str_eq(buf, "t.scn: error: w [-Werror]\n");
	free(buf);
}
END_TEST

/* Control bytes are escaped in messages and source lines; the caret
 * stays under the word (an escape is four columns wide). */
START_TEST(test_diag_escapes)
{
	char *errs;
	unsigned nerr;

	ck_assert_ptr_null(parse("x\001y z\n", &errs, &nerr));
	ck_assert_str_eq(errs,
	    "t.scn:1:1: error: unknown command 'x\\x01y'\n"
	    "x\\x01y z\n"
	    "^~~\n");
	free(errs);
	ck_assert_ptr_null(parse("\001 hots\n", &errs, &nerr));
	ck_assert_str_eq(errs,
	    "t.scn:1:1: error: unknown command '\\x01'\n"
	    "\\x01 hots\n"
	    "^\n");
	free(errs);
	/* A byte-order mark is not part of the first word. */
	ck_assert_ptr_null(parse("\xef\xbb\xbfhots\n", &errs, &nerr));
	ck_assert_str_eq(errs,
	    "t.scn:1:1: error: unknown command 'hots'; did you mean "
	    "'host'?\n"
	    "hots\n"
	    "^~~~\n");
	free(errs);
}
END_TEST

static Suite *
scn_suite(void)
{
	const TTest *const tests[] = {
		test_lex_quoting, test_lex_continuation, test_lex_comments,
		test_lex_utf8_columns, test_lex_errors,
		test_parse_example, test_cmd_words_reread,
		test_parse_units, test_parse_settings,
		test_parse_forward_refs, test_parse_divert,
		test_err_commands, test_err_hosts, test_err_units, test_err_limits,
		test_err_host_cmds, test_err_expect, test_err_ipfw,
		test_err_all_reported, test_err_positions, test_parse_file,
		test_diag_distance, test_diag_sorted_cap, test_diag_escapes,
		NULL
	};

	return (check_suite("scn", tests, NULL, NULL));
}

CHECK_MAIN(scn_suite())

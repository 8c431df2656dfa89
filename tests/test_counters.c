/*
 * The counter registry and the event log: names, sorting, slots, and the
 * exact bytes of a text line and of a JSON object (escaping written out by
 * hand from RFC 8259 section 7).
 */
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "check_util.h"

#include "ns3/ns3_shim.h"
#include "sim/counters.h"
#include "sim/events.h"

static char *
slurp(FILE *f)
{
	long n;
	char *buf;

	fflush(f);
	n = ftell(f);
	buf = calloc(1, (size_t)n + 1);
	rewind(f);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), n);
	return (buf);
}

START_TEST(counters_registry)
{
	struct counters *c = counters_new();
	uint64_t owned = 7;
	bool exists;
	FILE *f = tmpfile();
	char *out;

	counters_register(c, "h.ip.received", &owned);
	(*counters_slot(c, "sim.loops"))++;
	*counters_slotf(c, "%s.divert.%u.read", "gw", 8668u) = 3;
	(void)counters_slot(c, "a.zero");	/* exists, stays 0 */

	ck_assert_uint_eq(counters_get(c, "h.ip.received", &exists), 7);
	ck_assert(exists);
	owned = 9;	/* the registry reads through the owner's slot */
	ck_assert_uint_eq(counters_get(c, "h.ip.received", NULL), 9);
	ck_assert_uint_eq(counters_get(c, "a.zero", &exists), 0);
	ck_assert(exists);
	ck_assert_uint_eq(counters_get(c, "no.such", &exists), 0);
	ck_assert(!exists);
	/* the same name gives the same slot */
	ck_assert_ptr_eq(counters_slot(c, "sim.loops"),
	    counters_slotf(c, "sim.%s", "loops"));

	/* non-zero ones only, sorted by name (strcmp order) */
	counters_dump(c, f);
	out = slurp(f);
	ck_assert_str_eq(out, "gw.divert.8668.read 3\nh.ip.received 9\n"
	    "sim.loops 1\n");
	free(out);
	fclose(f);
	counters_free(c);
}
END_TEST

/* Nothing non-zero: nothing printed (and no sort of an empty array). */
START_TEST(counters_dump_empty)
{
	struct counters *c = counters_new();
	FILE *f = tmpfile();
	char *out;

	counters_dump(c, f);
	*counters_slot(c, "h.ip.received") = 0;
	counters_dump(c, f);
	out = slurp(f);
	ck_assert_str_eq(out, "");
	free(out);
	fclose(f);
	counters_free(c);
}
END_TEST

/* Groups: one table of names for every owner, values in the owner. */
struct fake_if {
	uint64_t	 a, qdrops, ierrors;
	struct counter_group g;
};

struct fake_host {
	uint64_t	 received, sent;
	struct counter_group g;
};

static const struct counter_kind host_kinds[] = {
	{ "ip.received", offsetof(struct fake_host, received) },
	{ "ip.sent", offsetof(struct fake_host, sent) },
};

static const struct counter_kind if_kinds[] = {
	{ "qdrops", offsetof(struct fake_if, qdrops) },
	{ "ierrors", offsetof(struct fake_if, ierrors) },
};

START_TEST(counters_groups)
{
	struct counters *c = counters_new();
	struct fake_host r1 = { 0 }, dotted = { 0 };
	struct fake_if em0 = { 0 };
	bool exists;
	FILE *f = tmpfile();
	GPtrArray *names;
	char *out;

	counters_register_group(c, &r1.g, "r1", NULL, NULL, host_kinds, 2,
	    &r1);
	counters_register_group(c, &em0.g, "r1", "if", "em0", if_kinds, 2,
	    &em0);
	/* An owner whose name holds a dot. */
	counters_register_group(c, &dotted.g, "a.b", NULL, NULL, host_kinds,
	    2, &dotted);
	r1.received = 5;
	em0.ierrors = 2;
	dotted.sent = 7;
	ck_assert_uint_eq(counters_get(c, "r1.ip.received", &exists), 5);
	ck_assert(exists);
	ck_assert_uint_eq(counters_get(c, "r1.ip.sent", &exists), 0);
	ck_assert(exists);
	ck_assert_uint_eq(counters_get(c, "r1.if.em0.ierrors", NULL), 2);
	ck_assert_uint_eq(counters_get(c, "a.b.ip.sent", NULL), 7);
	(void)counters_get(c, "r1.if.em1.ierrors", &exists);
	ck_assert(!exists);
	(void)counters_get(c, "r1.ip", &exists);
	ck_assert(!exists);
	(void)counters_get(c, "r2.ip.sent", &exists);
	ck_assert(!exists);
	/* A slot asked for by name is the group's own slot. */
	ck_assert_ptr_eq(counters_slot(c, "r1.if.em0.qdrops"), &em0.qdrops);
	(*counters_slotf(c, "%s.ip.sent", "r1"))++;
	ck_assert_uint_eq(r1.sent, 1);
	/* Created slots and groups sort together. */
	*counters_slot(c, "r1.icmp.outhist.0") = 3;
	counters_dump(c, f);
	out = slurp(f);
	ck_assert_str_eq(out, "a.b.ip.sent 7\nr1.icmp.outhist.0 3\n"
	    "r1.if.em0.ierrors 2\nr1.ip.received 5\nr1.ip.sent 1\n");
	free(out);
	fclose(f);
	names = counters_names(c);
	ck_assert_uint_eq(names->len, 7);
	ck_assert_str_eq(g_ptr_array_index(names, 0), "a.b.ip.received");
	ck_assert_str_eq(g_ptr_array_index(names, 2), "r1.icmp.outhist.0");
	ck_assert_str_eq(g_ptr_array_index(names, 3), "r1.if.em0.ierrors");
	ck_assert_str_eq(g_ptr_array_index(names, 6), "r1.ip.sent");
	g_ptr_array_free(names, TRUE);
	/* Gone with their owner; the created slot stays. */
	counters_unregister_owner(c, "r1");
	(void)counters_get(c, "r1.ip.received", &exists);
	ck_assert(!exists);
	(void)counters_get(c, "r1.if.em0.ierrors", &exists);
	ck_assert(!exists);
	ck_assert_uint_eq(counters_get(c, "r1.icmp.outhist.0", NULL), 3);
	counters_free(c);
}
END_TEST

START_TEST(event_text_and_json)
{
	FILE *text = tmpfile(), *json = tmpfile();
	uint64_t n = 0;
	struct ev_log *log;
	struct ev *e;
	char *t, *j;

	ns3_sim_init();		/* sim_now() == 0 */
	log = ev_log_new(text, json, &n);
	e = ev_begin(log, "gw", "drop");
	ck_assert(ev_wants_text(e) && ev_wants_json(e));
	ev_str(e, "reason", "bad \"q\" \\ \n\t\x01");
	ev_int(e, "neg", -42);
	ev_int(e, "big", 1234567890123);
	ev_null(e, "errno");
	ev_bool(e, "ok", true);
	ev_addr(e, "a", 0xc0000201u);
	ev_json(e, "l", "[1,2]");
	ev_textf(e, "drop %s", "badsum");
	ev_end(e);
	ev_log_free(log);
	ck_assert_uint_eq(n, 1);

	t = slurp(text);
	j = slurp(json);
	/* "%4u.%09u %-8s " then the text */
	ck_assert_str_eq(t, "   0.000000000 gw       drop badsum\n");
	ck_assert_str_eq(j, "{\"t\":0,\"host\":\"gw\",\"ev\":\"drop\","
	    "\"reason\":\"bad \\\"q\\\" \\\\ \\n\\t\\u0001\","
	    "\"neg\":-42,\"big\":1234567890123,\"errno\":null,\"ok\":true,"
	    "\"a\":\"192.0.2.1\",\"l\":[1,2]}\n");
	free(t);
	free(j);
	fclose(text);
	fclose(json);
	ns3_sim_destroy();
}
END_TEST

/* With neither stream, events are still counted (sim.events does not
 * depend on -q or --no-traces) and nothing is built. */
START_TEST(event_counted_when_silent)
{
	uint64_t n = 0;
	struct ev_log *log = ev_log_new(NULL, NULL, &n);

	ck_assert(!ev_log_active(log));
	ck_assert_ptr_null(ev_begin(log, "h", "x"));
	ck_assert_ptr_null(ev_begin(log, "h", "y"));
	ck_assert_uint_eq(n, 2);
	ev_log_free(log);
}
END_TEST

/* One event with an optional lineage, for the filter test. */
static void
emit(struct ev_log *log, const char *host, const char *kind, int64_t lin,
    const char *text)
{
	struct ev *e = ev_begin(log, host, kind);

	if (lin > 0)
		ev_int(e, "lineage", lin);
	ev_textf(e, "%s", text);
	ev_end(e);
}

static void
emit_h1_drop_ipfw_line(struct ev_log *log)
{
	emit(log, "h1", "drop", 3, "A");
	emit(log, "h1", "ipfw", 3, "B");
	ev_log_linef(log, "h1", "C");
}

static void
emit_h1_h2_lines(struct ev_log *log)
{
	ev_log_linef(log, "h1", "C");
	ev_log_linef(log, "h2", "D");
}

/* The text a log filtered by nf narrates of what body emits. */
static void
expect_narrated(const struct ev_narration *nf, void (*body)(struct ev_log *),
    const char *want)
{
	FILE *text = tmpfile();
	struct ev_log *log = ev_log_new(text, NULL, NULL);
	char *t;

	ev_log_set_narration(log, nf);
	body(log);
	ev_log_free(log);
	t = slurp(text);
	ck_assert_str_eq(t, want);
	free(t);
	fclose(text);
}

/*
 * --host, --ev and --lineage select narrated lines only: every event still
 * reaches events.jsonl and sim.events; a line with no lineage fails a
 * lineage filter; a step line (ev_log_stepf) is filtered as its event, a
 * plain one (ev_log_linef) passes a host filter only.
 */
START_TEST(event_narration_filter)
{
	FILE *text = tmpfile(), *json = tmpfile();
	struct ev_narration nf = { .host = "gw", .kind = NULL, .lineage = 7 };
	uint64_t n = 0;
	struct ev_log *log;
	char *t, *j;
	int lines = 0;

	ns3_sim_init();
	log = ev_log_new(text, json, &n);
	ev_log_set_narration(log, &nf);
	emit(log, "gw", "ipfw", 7, "A");	/* shown */
	emit(log, "gw", "ipfw", 8, "B");	/* other lineage */
	emit(log, "h1", "ipfw", 7, "C");	/* other host */
	emit(log, "gw", "ping-reply", 0, "D");	/* no lineage */
	ev_log_stepf(log, "gw", "divert-write", 7, "E");	/* shown */
	ev_log_stepf(log, "gw", "divert-write", 9, "F");
	ev_log_linef(log, "gw", "G");		/* lineage filter: hidden */
	ev_log_free(log);
	ck_assert_uint_eq(n, 4);
	t = slurp(text);
	j = slurp(json);
	ck_assert_str_eq(t, "   0.000000000 gw       A\n"
	    "   0.000000000 gw       E\n");
	for (const char *p = j; *p != '\0'; p++)
		lines += *p == '\n';
	ck_assert_int_eq(lines, 4);
	free(t);
	free(j);
	fclose(text);
	fclose(json);

	/* --host h1 --ev drop: kind and host; linef passes host only. */
	nf = (struct ev_narration){ .host = "h1", .kind = "drop" };
	expect_narrated(&nf, emit_h1_drop_ipfw_line,
	    "   0.000000000 h1       A\n");
	nf = (struct ev_narration){ .host = "h1" };
	expect_narrated(&nf, emit_h1_h2_lines, "   0.000000000 h1       C\n");
	ns3_sim_destroy();
}
END_TEST

/* Wrapping at the last space that fits, a hard cut inside a long word,
 * continuation lines indented; short lines and width 0 left alone. */
START_TEST(event_text_wrap)
{
	GString *s = g_string_new(NULL);
	const char *l = "0123 abcdef ghi jklmnopqrstuvwxyz";

	ev_text_wrap(s, l, strlen(l), 16, 5);
	ck_assert_str_eq(s->str,
	    "0123 abcdef ghi\n"		/* 15 <= 16, broken at a space */
	    "     jklmnopqrst\n"		/* 5 + 11: cut, no space */
	    "     uvwxyz\n");
	g_string_truncate(s, 0);
	ev_text_wrap(s, "short", 5, 16, 5);
	ck_assert_str_eq(s->str, "short\n");
	g_string_truncate(s, 0);
	ev_text_wrap(s, l, strlen(l), 0, 5);
	ck_assert_str_eq(s->str, "0123 abcdef ghi jklmnopqrstuvwxyz\n");
	g_string_free(s, TRUE);
}
END_TEST

/*
 * ev_textf() writes what snprintf() would, whether a conversion takes its
 * fast path (%s %c %d %i %u %x %%, plain, l, ll, z) or is left to
 * vsnprintf (flags, widths, precisions, other conversions, NULL strings).
 */
#define	TEXTF_CASE(...) do {						\
	char want_[256];						\
	struct ev *e_ = ev_begin(log, "h", "x");			\
									\
	(void)snprintf(want_, sizeof(want_), __VA_ARGS__);		\
	g_string_append_printf(want, "   0.000000000 h        %s\n",	\
	    want_);							\
	ev_textf(e_, __VA_ARGS__);					\
	ev_end(e_);							\
} while (0)

START_TEST(event_textf_like_printf)
{
	FILE *text = tmpfile();
	struct ev_log *log;
	GString *want = g_string_new(NULL);
	const char *volatile nul = NULL;
	char *t;

	ns3_sim_init();
	log = ev_log_new(text, NULL, NULL);
	TEXTF_CASE("em0 %c %s: %s", '>', "10.0.0.1 > 10.0.0.2", "ICMP");
	TEXTF_CASE("plain text, no conversion");
	TEXTF_CASE("%d %d %d %i", 0, -1, INT_MIN, INT_MAX);
	TEXTF_CASE("%u %u %x %x", 0u, UINT_MAX, 0u, 0xdeadbeefu);
	TEXTF_CASE("%ld %lu %lx", LONG_MIN, ULONG_MAX, 0xabcdef012345ul);
	TEXTF_CASE("%lld %llu", LLONG_MIN, ULLONG_MAX);
	TEXTF_CASE("%zu %zd %zx", SIZE_MAX, (ssize_t)-5, (size_t)255);
	TEXTF_CASE("%" PRIu64 " %" PRId64, UINT64_MAX, INT64_MIN);
	TEXTF_CASE("100%% of %s%%", "it");
	TEXTF_CASE("%s%s%c", "", "", 'z');
	/* Left to vsnprintf, after a fast conversion or before one. */
	TEXTF_CASE("%s rule %05u", "ipfw", 200u);
	TEXTF_CASE("%.3f ms, %u", 1.5, 7u);
	TEXTF_CASE("[%-8s] [%8s]", "em0", "em1");
	TEXTF_CASE("%hu %hhu", 70000, 300);
	TEXTF_CASE("%u %s", 3u, nul);
	TEXTF_CASE("%X %o %p", 0xabcu, 8u, (void *)0);
	ev_log_free(log);
	t = slurp(text);
	ck_assert_str_eq(t, want->str);
	free(t);
	g_string_free(want, TRUE);
	fclose(text);
	ns3_sim_destroy();
}
END_TEST

/*
 * A source: names read where they are kept.  Two names, "r.ipfw.100.
 * packets" = 3 and "r.ipfw.100.bytes" = 0; a registered name shadows one
 * of the source's.
 */
static bool
src_get(void *ctx, const char *name, uint64_t *value)
{
	const uint64_t *v = ctx;

	if (strcmp(name, "r.ipfw.100.packets") == 0)
		*value = v[0];
	else if (strcmp(name, "r.ipfw.100.bytes") == 0)
		*value = v[1];
	else
		return (false);
	return (true);
}

static void
src_each(void *ctx, void (*fn)(void *arg, const char *name, uint64_t value),
    void *arg)
{
	const uint64_t *v = ctx;

	fn(arg, "r.ipfw.100.packets", v[0]);
	fn(arg, "r.ipfw.100.bytes", v[1]);
}

START_TEST(counters_source)
{
	struct counters *c = counters_new();
	uint64_t v[2] = { 3, 0 };
	GPtrArray *names;
	FILE *f = tmpfile();
	char *out, *joined;
	bool exists;

	*counters_slot(c, "a.x") = 1;
	*counters_slot(c, "z.y") = 2;
	ck_assert_uint_eq(counters_get(c, "r.ipfw.100.packets", &exists), 0);
	ck_assert(!exists);
	counters_set_source(c, src_get, src_each, v);
	ck_assert_uint_eq(counters_get(c, "r.ipfw.100.packets", &exists), 3);
	ck_assert(exists);
	ck_assert_uint_eq(counters_get(c, "r.ipfw.100.bytes", &exists), 0);
	ck_assert(exists);
	ck_assert_uint_eq(counters_get(c, "r.ipfw.200.bytes", &exists), 0);
	ck_assert(!exists);
	/* Every name, sorted, the source's among the registered ones. */
	names = counters_names(c);
	g_ptr_array_add(names, NULL);
	joined = g_strjoinv(" ", (char **)names->pdata);
	ck_assert_str_eq(joined,
	    "a.x r.ipfw.100.bytes r.ipfw.100.packets z.y");
	g_free(joined);
	g_ptr_array_free(names, TRUE);
	/* The dump: non-zero only; a registered name is read, not the
	 * source's, and listed once. */
	*counters_slot(c, "r.ipfw.100.packets") = 7;
	ck_assert_uint_eq(counters_get(c, "r.ipfw.100.packets", NULL), 7);
	counters_dump(c, f);
	out = slurp(f);
	ck_assert_str_eq(out, "a.x 1\nr.ipfw.100.packets 7\nz.y 2\n");
	free(out);
	fclose(f);
	counters_free(c);
}
END_TEST

static Suite *
counters_suite(void)
{
	const TTest *tests[] = {
		counters_registry,
		counters_dump_empty,
		counters_groups,
		counters_source,
		event_text_and_json,
		event_counted_when_silent,
		event_narration_filter,
		event_text_wrap,
		event_textf_like_printf,
		NULL,
	};

	return (check_suite("counters", tests, NULL, NULL));
}

CHECK_MAIN(counters_suite())

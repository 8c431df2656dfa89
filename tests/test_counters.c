/*
 * The counter registry and the event log: names, sorting, slots, and the
 * exact bytes of a text line and of a JSON object (escaping written out by
 * hand from RFC 8259 section 7).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static Suite *
counters_suite(void)
{
	const TTest *tests[] = {
		counters_registry,
		counters_dump_empty,
		event_text_and_json,
		event_counted_when_silent,
		NULL,
	};

	return (check_suite("counters", tests, NULL, NULL));
}

CHECK_MAIN(counters_suite())

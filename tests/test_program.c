/*
 * The public API (include/divertsim/): programs' clock and timers, their
 * start() hook, and the world API's load/run/counter/verdict calls.  Only
 * public headers are included, so this also shows they are enough.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "check_util.h"

#include "divertsim/divertsim.h"

#define	NS_PER_MS	1000000ull

/* ---- clock and timers ------------------------------------------------ */

/*
 * tick: start() arms a 5ms timer that notes proc_now() and re-arms itself;
 * the process runs until the world ends with one timer pending.
 */
static uint64_t tick_at[16];
static unsigned tick_n;
static unsigned tick_fini;

static bool
noarg_init(int argc, char *const argv[], void **state, int *bad_arg,
    GError **err)
{

	(void)argv;
	*state = NULL;
	if (argc != 0) {
		*bad_arg = 0;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0, "no arguments");
		return (false);
	}
	return (true);
}

static void
tick_fire(struct proc *p, void *state, void *arg)
{

	ck_assert_ptr_eq(arg, &tick_n);
	ck_assert_ptr_null(state);
	if (tick_n < G_N_ELEMENTS(tick_at))
		tick_at[tick_n] = proc_now(p);
	tick_n++;
	(void)proc_timer_start(p, 5 * NS_PER_MS, tick_fire, arg);
}

static void
tick_start(struct proc *p, void *state)
{

	(void)state;
	ck_assert_uint_eq(proc_port(p), 8000);
	ck_assert_str_eq(proc_host_name(p), "a");
	/* An `at 100ms` command starts the process at 100ms. */
	ck_assert_uint_eq(proc_now(p), 100 * NS_PER_MS);
	(void)proc_timer_start(p, 5 * NS_PER_MS, tick_fire, &tick_n);
}

/* These worlds have no traffic: no packet may reach the programs. */
static void
none_packet(struct proc *p, void *state, uint8_t *buf, size_t len,
    struct sockaddr_in *from)
{

	(void)state;
	(void)buf;
	(void)from;
	ck_abort_msg("%s port %u read %zu bytes from nowhere",
	    proc_host_name(p), proc_port(p), len);
}

static void
tick_count_fini(void *state)
{

	(void)state;
	tick_fini++;
}

static const struct divert_program tick_prog = {
	.api_version = DIVERTSIM_PROGRAM_API_VERSION,
	.name = "tick",
	.usage = "tick",
	.init = noarg_init,
	.start = tick_start,
	.packet = none_packet,
	.fini = tick_count_fini,
};

/* Load text quietly (no report, no traces); fails the test on errors. */
static struct divertsim_world *
load_quiet(const char *text)
{
	struct divertsim_options o;
	struct divertsim_world *w;
	unsigned nerr = 99;

	divertsim_options_init(&o);
	o.out = NULL;
	w = divertsim_world_load_string("program.scn", text, &o, &nerr);
	ck_assert_msg(w != NULL, "scenario did not load:\n%s", text);
	ck_assert_uint_eq(nerr, 0);
	return (w);
}

START_TEST(test_timer_periodic)
{
	struct divertsim_world *w;
	unsigned i;

	ck_assert(divert_program_register(&tick_prog));
	tick_n = tick_fini = 0;
	w = load_quiet("host a\n"
	    "at 100ms a divert 8000 tick\n"
	    "run 122ms\n");
	/* Loading checked the arguments: init() and fini(), no start(). */
	ck_assert_uint_eq(tick_fini, 1);
	tick_fini = 0;
	ck_assert_int_eq(divertsim_world_run(w), DIVERTSIM_PASS);
	/* Started at 100ms: 105, 110, 115, 120; the one at 125 never ran. */
	ck_assert_uint_eq(tick_n, 4);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(tick_at[i], (105 + 5 * i) * NS_PER_MS);
	ck_assert_uint_eq(tick_fini, 0);
	/* The process ends with the world; its pending timer is cancelled
	 * (under the sanitizer, a timer left behind would leak). */
	divertsim_world_free(w);
	ck_assert_uint_eq(tick_fini, 1);
	ck_assert_uint_eq(tick_n, 4);
}
END_TEST

/*
 * cancel: start() arms A (10ms) and B (20ms) and cancels B; A, when it
 * runs, tries to cancel itself and B again (both gone).
 */
static uint64_t cancel_b;
static unsigned cancel_a_ran, cancel_b_ran;
static uint64_t cancel_a;

static void
cancel_fire_b(struct proc *p, void *state, void *arg)
{

	(void)p;
	(void)state;
	(void)arg;
	cancel_b_ran++;
}

static void
cancel_fire_a(struct proc *p, void *state, void *arg)
{

	(void)state;
	(void)arg;
	cancel_a_ran++;
	ck_assert_uint_eq(proc_now(p), 10 * NS_PER_MS);
	ck_assert(!proc_timer_cancel(p, cancel_a));
	ck_assert(!proc_timer_cancel(p, cancel_b));
}

static void
cancel_start(struct proc *p, void *state)
{

	(void)state;
	cancel_a = proc_timer_start(p, 10 * NS_PER_MS, cancel_fire_a, NULL);
	cancel_b = proc_timer_start(p, 20 * NS_PER_MS, cancel_fire_b, NULL);
	ck_assert_uint_ne(cancel_a, 0);
	ck_assert_uint_ne(cancel_b, 0);
	ck_assert_uint_ne(cancel_a, cancel_b);
	ck_assert(proc_timer_cancel(p, cancel_b));
	ck_assert(!proc_timer_cancel(p, cancel_b));
}

static const struct divert_program cancel_prog = {
	.api_version = DIVERTSIM_PROGRAM_API_VERSION,
	.name = "cancel",
	.usage = "cancel",
	.init = noarg_init,
	.start = cancel_start,
	.packet = none_packet,
};

START_TEST(test_timer_cancel)
{
	struct divertsim_world *w;

	ck_assert(divert_program_register(&cancel_prog));
	cancel_a_ran = cancel_b_ran = 0;
	w = load_quiet("host a\n"
	    "  divert 8000 cancel\n"
	    "run 1s\n");
	ck_assert_int_eq(divertsim_world_run(w), DIVERTSIM_PASS);
	ck_assert_uint_eq(cancel_a_ran, 1);
	ck_assert_uint_eq(cancel_b_ran, 0);
	divertsim_world_free(w);
}
END_TEST

/* ---- argument checking without a world ------------------------------- */

START_TEST(test_check_args_standalone)
{
	const struct divert_program *p;
	char *natd_ok[] = { "-a", "192.0.2.1", NULL };
	char *natd_bad[] = { "-a", "192.0.2", NULL };
	char *none[] = { NULL };
	GError *err = NULL;
	int bad = -1;

	/* No world has been built in this test. */
	divert_programs_builtin();
	p = divert_program_find("natd");
	ck_assert_ptr_nonnull(p);
	ck_assert(divert_program_check_args(p, 2, natd_ok, &bad, &err));
	ck_assert_ptr_null(err);
	ck_assert(!divert_program_check_args(p, 2, natd_bad, &bad, &err));
	ck_assert_int_eq(bad, 1);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err->message, "not an IPv4 address"));
	g_clear_error(&err);
	/* natd without -a: the missing argument is at argc. */
	ck_assert(!divert_program_check_args(p, 0, none, &bad, &err));
	ck_assert_int_eq(bad, 0);
	g_clear_error(&err);
	ck_assert_ptr_null(divert_program_find("no-such-program"));
}
END_TEST

/* ---- the world API --------------------------------------------------- */

START_TEST(test_world_api)
{
	struct divertsim_options o;
	struct divertsim_world *w;
	unsigned nerr = 0;
	uint64_t v = 7;

	divertsim_options_init(&o);
	o.out = NULL;
	o.errout = NULL;
	/* A syntax error, an unknown program: NULL with the error count. */
	ck_assert_ptr_null(divertsim_world_load_string("bad.scn",
	    "host a\n  frobnicate\n", &o, &nerr));
	ck_assert_uint_eq(nerr, 1);
	nerr = 0;
	ck_assert_ptr_null(divertsim_world_load_string("bad.scn",
	    "host a\n  divert 8000 no-such-program\n", &o, &nerr));
	ck_assert_uint_eq(nerr, 1);
	nerr = 0;
	ck_assert_ptr_null(divertsim_world_load_file("/nonexistent.scn", &o,
	    &nerr));
	ck_assert_uint_ge(nerr, 1);

	/* b answers 2 pings through its divert socket; one expect fails. */
	w = load_quiet("host a\n"
	    "  ifconfig em0 inet 10.0.0.1/24\n"
	    "host b\n"
	    "  ifconfig em0 inet 10.0.0.2/24\n"
	    "  ipfw add 100 divert 8000 icmp from any to any in\n"
	    "  ipfw add 65000 allow ip from any to any\n"
	    "  divert 8000 reinject\n"
	    "link a:em0 b:em0\n"
	    "at 1s a ping -c 2 -i 10ms 10.0.0.2\n"
	    "expect a.ping.received == 2\n"
	    "expect b.divert.8000.read == 3\n"
	    "run 10s\n");
	ck_assert_str_eq(divertsim_world_name(w), "program");
	ck_assert_ptr_null(divertsim_world_trace_dir(w));
	ck_assert_uint_eq(divertsim_world_passed(w), 0);
	ck_assert_int_eq(divertsim_world_run(w), DIVERTSIM_EXPECT_FAILED);
	ck_assert_uint_eq(divertsim_world_passed(w), 1);
	ck_assert_uint_eq(divertsim_world_failed(w), 1);
	ck_assert(divertsim_world_counter(w, "b.divert.8000.read", &v));
	ck_assert_uint_eq(v, 2);
	ck_assert(divertsim_world_counter(w, "b.ipfw.100.packets", &v));
	ck_assert_uint_eq(v, 2);
	ck_assert(!divertsim_world_counter(w, "b.no.such.counter", &v));
	ck_assert_uint_eq(v, 2);
	/* Once per world. */
	ck_assert_int_eq(divertsim_world_run(w), DIVERTSIM_SCENARIO_ERROR);
	divertsim_world_free(w);
	ck_assert_str_eq(divertsim_version(), "0.1.0");
}
END_TEST

static Suite *
program_suite(void)
{
	const TTest *const tests[] = {
		test_timer_periodic, test_timer_cancel,
		test_check_args_standalone, test_world_api, NULL,
	};

	return (check_suite("program", tests, NULL, NULL));
}

CHECK_MAIN(program_suite())

/*
 * The stack's registration points: pfil(9) hooks (order, EEXIST, removal,
 * the outcome contract, destructors) and the ip_protox[] protocol switch
 * (ipproto_register, delivery, rip_input() for an unregistered protocol).
 * Expected orders and counters are FreeBSD's: pfil_list_add() puts input
 * hooks at the head and output hooks at the tail; ip_input() counts
 * ips_delivered for a registered protocol, rip_input() counts ips_noproto
 * and answers ICMP protocol unreachable.
 */
#include <errno.h>
#include <string.h>

#include <netinet/in.h>

#include <glib.h>

#include "check_util.h"
#include "fixture.h"
#include "net/host.h"
#include "net/if.h"
#include "net/pfil.h"
#include "netinet/ip_var.h"
#include "ns3/ns3_shim.h"
#include "pkt/pkt.h"
#include "sim/counters.h"
#include "sim/events.h"
#include "sim/sim_ctx.h"

#define	SELF	0x0a000001u	/* 10.0.0.1 */
#define	PEER	0x0a000002u	/* 10.0.0.2 */
#define	PROTO_EXP	253	/* RFC 3692 experimentation */

static struct host *h;
static struct ifnet *em0;

/* What the hooks saw, in order: "A-in", "B-out", ... */
static GString *trace;
static int dtor_runs;

static void
setup(void)
{

	fx_init();
	h = fx_host("h", RELEASE_14, FX_FW_DEFAULT);
	em0 = fx_if(h, "em0", SELF, 24);
	trace = g_string_new(NULL);
	dtor_runs = 0;
}

static void
teardown(void)
{

	g_string_free(trace, TRUE);
	fx_fini();
}

/*
 * A 28-byte datagram src -> dst of protocol proto, received on em0; for
 * UDP a header 5000 -> 9, length 8, no checksum.
 */
static struct pkt *
dgram(uint32_t src, uint32_t dst, uint8_t proto)
{
	uint8_t l4[8] = { 0 };

	if (proto == IPPROTO_UDP) {
		ck_put16(l4, 5000);
		ck_put16(l4 + 2, 9);
		ck_put16(l4 + 4, 8);
	}
	return (fx_ip(em0, src, dst, proto, 64, 0, l4, sizeof(l4)));
}

/* Hooks: arg is the name to log; they pass the packet on. */
static int
hook_pass(void *arg, struct host *hh, struct pkt **mp, struct ifnet *ifp,
    int dir)
{

	ck_assert_ptr_eq(hh, h);
	ck_assert_ptr_nonnull(*mp);
	ck_assert_ptr_nonnull(ifp);
	g_string_append_printf(trace, "%s-%s ", (const char *)arg,
	    dir == PFIL_IN ? "in" : "out");
	return (0);
}

/* Logs, frees the packet and leaves *mp NULL. */
static void
take(void *arg, struct pkt **mp, int dir)
{

	g_string_append_printf(trace, "%s-%s ", (const char *)arg,
	    dir == PFIL_IN ? "in" : "out");
	pkt_free(*mp);
	*mp = NULL;
}

/* Takes the packet (as divert does): 0 with *mp NULL. */
static int
hook_take(void *arg, struct host *hh, struct pkt **mp, struct ifnet *ifp,
    int dir)
{

	(void)hh;
	(void)ifp;
	take(arg, mp, dir);
	return (0);
}

/* Denies (as ipfw's deny on release 14). */
static int
hook_deny(void *arg, struct host *hh, struct pkt **mp, struct ifnet *ifp,
    int dir)
{

	(void)hh;
	(void)ifp;
	take(arg, mp, dir);
	return (EPERM);
}

/* Takes what goes out and keeps the ICMP type and code it carries. */
static int icmp_type = -1, icmp_code = -1;

static int
hook_icmp_out(void *arg, struct host *hh, struct pkt **mp,
    struct ifnet *ifp, int dir)
{
	const uint8_t *p = (*mp)->data;

	(void)arg;
	(void)hh;
	(void)ifp;
	ck_assert_int_eq(dir, PFIL_OUT);
	ck_assert_uint_eq(p[9], IPPROTO_ICMP);
	icmp_type = p[20];
	icmp_code = p[21];
	pkt_free(*mp);
	*mp = NULL;
	return (0);
}

static void
hook_dtor(void *arg)
{

	(void)arg;
	dtor_runs++;
}

START_TEST(test_order_in_reverse_of_out)
{
	struct pkt *m;

	ck_assert_int_eq(pfil_add_hook(h, hook_pass, "A", PFIL_IN | PFIL_OUT,
	    NULL), 0);
	ck_assert_int_eq(pfil_add_hook(h, hook_pass, "B", PFIL_IN | PFIL_OUT,
	    NULL), 0);
	ck_assert(pfil_hooked(h, PFIL_IN));
	ck_assert(pfil_hooked(h, PFIL_OUT));
	m = dgram(PEER, SELF, IPPROTO_UDP);
	ck_assert_int_eq(pfil_run_hooks(h, &m, em0, PFIL_IN), 0);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(pfil_run_hooks(h, &m, em0, PFIL_OUT), 0);
	ck_assert_ptr_nonnull(m);
	/* In: last added first; out: first added first. */
	ck_assert_str_eq(trace->str, "B-in A-in A-out B-out ");
	pkt_free(m);
}
END_TEST

START_TEST(test_add_remove_errors)
{
	struct pkt *m;

	ck_assert(!pfil_hooked(h, PFIL_IN));
	ck_assert_int_eq(pfil_add_hook(h, hook_pass, "A", 0, NULL), EINVAL);
	ck_assert_int_eq(pfil_add_hook(h, hook_pass, "A", PFIL_IN, NULL), 0);
	ck_assert_int_eq(pfil_add_hook(h, hook_pass, "A", PFIL_OUT, NULL),
	    EEXIST);
	/* The same function with another argument is another hook. */
	ck_assert_int_eq(pfil_add_hook(h, hook_pass, "B", PFIL_OUT, NULL), 0);
	ck_assert(pfil_hooked(h, PFIL_OUT));
	ck_assert_int_eq(pfil_remove_hook(h, hook_pass, "C"), ENOENT);
	ck_assert_int_eq(pfil_remove_hook(h, hook_pass, "A"), 0);
	ck_assert(!pfil_hooked(h, PFIL_IN));
	m = dgram(PEER, SELF, IPPROTO_UDP);
	ck_assert_int_eq(pfil_run_hooks(h, &m, em0, PFIL_IN), 0);
	ck_assert_int_eq(pfil_run_hooks(h, &m, em0, PFIL_OUT), 0);
	ck_assert_str_eq(trace->str, "B-out ");
	pkt_free(m);
}
END_TEST

/* A hook that takes or denies ends the walk; the caller sees *mp NULL. */
START_TEST(test_taken_and_denied_stop_the_walk)
{
	struct pkt *m;

	ck_assert_int_eq(pfil_add_hook(h, hook_pass, "C", PFIL_IN, NULL), 0);
	ck_assert_int_eq(pfil_add_hook(h, hook_take, "T", PFIL_IN, NULL), 0);
	ck_assert_int_eq(pfil_add_hook(h, hook_pass, "A", PFIL_OUT, NULL), 0);
	ck_assert_int_eq(pfil_add_hook(h, hook_deny, "D", PFIL_OUT, NULL), 0);
	ck_assert_int_eq(pfil_add_hook(h, hook_pass, "Z", PFIL_OUT, NULL), 0);
	m = dgram(PEER, SELF, IPPROTO_UDP);
	ck_assert_int_eq(pfil_run_hooks(h, &m, em0, PFIL_IN), 0);
	ck_assert_ptr_null(m);
	m = dgram(SELF, PEER, IPPROTO_UDP);
	ck_assert_int_eq(pfil_run_hooks(h, &m, em0, PFIL_OUT), EPERM);
	ck_assert_ptr_null(m);
	/* T (added last) ran first on the way in and C never ran. */
	ck_assert_str_eq(trace->str, "T-in A-out D-out ");
}
END_TEST

/* Through the stack: ip_input() and ip_output() run the hooks. */
START_TEST(test_stack_runs_the_hooks)
{
	uint8_t pl[8] = { 0 };

	ck_assert_int_eq(pfil_add_hook(h, hook_pass, "A", PFIL_IN, NULL), 0);
	ck_assert_int_eq(pfil_add_hook(h, hook_deny, "D", PFIL_OUT, NULL), 0);
	/* In: A passes; the UDP datagram reaches udp_input (no socket). */
	ip_input(h, dgram(PEER, SELF, IPPROTO_UDP));
	ck_assert_uint_eq(h->ipstat.delivered, 1);
	ck_assert_uint_eq(h->udpstat.noport, 1);
	/* Port unreachable goes out through the OUT hooks: D denies it. */
	ck_assert_str_eq(trace->str, "A-in D-out ");
	/* Out: the hook's errno comes back from ip_output(). */
	ck_assert_int_eq(ip_send(h, 0, PEER, IPPROTO_UDP, 64, 0, false, pl,
	    sizeof(pl)), EPERM);
	ck_assert_str_eq(trace->str, "A-in D-out D-out ");
}
END_TEST

/* A hook's destructor runs once when the host goes, IN|OUT or not. */
START_TEST(test_dtor_once)
{

	ck_assert_int_eq(pfil_add_hook(h, hook_pass, "A", PFIL_IN | PFIL_OUT,
	    hook_dtor), 0);
	ck_assert_int_eq(pfil_add_hook(h, hook_pass, "B", PFIL_OUT,
	    hook_dtor), 0);
	fx_host_free(h);
	ck_assert_int_eq(dtor_runs, 2);
}
END_TEST

static int exp_calls;

static void
exp_input(struct host *hh, struct pkt *m)
{

	ck_assert_ptr_eq(hh, h);
	ck_assert_uint_eq(m->len, 28);
	ck_assert_uint_eq(m->data[9], PROTO_EXP);
	exp_calls++;
	pkt_free(m);
}

START_TEST(test_protox)
{

	exp_calls = 0;
	ck_assert_int_eq(pfil_add_hook(h, hook_icmp_out, NULL, PFIL_OUT,
	    NULL), 0);
	/* ICMP and UDP are the stack's own. */
	ck_assert_int_eq(ipproto_register(h, IPPROTO_ICMP, exp_input), EEXIST);
	ck_assert_int_eq(ipproto_register(h, IPPROTO_UDP, exp_input), EEXIST);
	ck_assert_int_eq(ipproto_unregister(h, PROTO_EXP), ENOENT);
	/* Unregistered: rip_input(), protocol unreachable, ip.noproto. */
	ip_input(h, dgram(PEER, SELF, PROTO_EXP));
	ck_assert_uint_eq(h->ipstat.noproto, 1);
	ck_assert_uint_eq(h->ipstat.delivered, 0);
	ck_assert_uint_eq(h->icmpstat.errors_sent, 1);
	/* ICMP_UNREACH (3), ICMP_UNREACH_PROTOCOL (2). */
	ck_assert_int_eq(icmp_type, 3);
	ck_assert_int_eq(icmp_code, 2);
	/* Registered: delivered to its input. */
	ck_assert_int_eq(ipproto_register(h, PROTO_EXP, exp_input), 0);
	ck_assert_int_eq(ipproto_register(h, PROTO_EXP, exp_input), EEXIST);
	ip_input(h, dgram(PEER, SELF, PROTO_EXP));
	ck_assert_int_eq(exp_calls, 1);
	ck_assert_uint_eq(h->ipstat.delivered, 1);
	ck_assert_uint_eq(h->ipstat.noproto, 1);
	/* Unregistered again: back to rip_input(). */
	ck_assert_int_eq(ipproto_unregister(h, PROTO_EXP), 0);
	ip_input(h, dgram(PEER, SELF, PROTO_EXP));
	ck_assert_int_eq(exp_calls, 1);
	ck_assert_uint_eq(h->ipstat.noproto, 2);
	ck_assert_uint_eq(h->icmpstat.errors_sent, 2);
}
END_TEST

static Suite *
pfil_suite(void)
{
	const TTest *const tests[] = {
		test_order_in_reverse_of_out,
		test_add_remove_errors,
		test_taken_and_denied_stop_the_walk,
		test_stack_runs_the_hooks,
		test_dtor_once,
		test_protox,
		NULL
	};

	return (check_suite("pfil", tests, setup, teardown));
}

CHECK_MAIN(pfil_suite())

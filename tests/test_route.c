/*
 * Routing table and interface addresses: longest-prefix match, the default
 * route, connected and local routes rebuilt after ifconfig, the gateway
 * rule of `route add`, and the host's initial state (lo0, sysctls,
 * counters).  Expected values follow from FreeBSD's route(8)/ifconfig(8)
 * behaviour, worked out by hand in the comments.
 */
#include <errno.h>

#include "check_util.h"
#include "fixture.h"

#include "net/host.h"
#include "net/if.h"
#include "net/route.h"
#include "netinet/ip_var.h"
#include "sim/counters.h"
#include "sim/sim_ctx.h"

#define	A(a, b, c, d)	FX_A(a, b, c, d)

static struct host *h;

static void
setup(void)
{

	fx_init();
	h = fx_host("r1", RELEASE_6, FX_FW_DEFAULT);
}

START_TEST(test_plen_mask)
{
	/* /24 = 255.255.255.0, /0 = 0, /32 = all ones, /1 = 128.0.0.0. */
	ck_assert_uint_eq(in_plen_mask(24), 0xffffff00u);
	ck_assert_uint_eq(in_plen_mask(0), 0);
	ck_assert_uint_eq(in_plen_mask(32), 0xffffffffu);
	ck_assert_uint_eq(in_plen_mask(1), 0x80000000u);
}
END_TEST

START_TEST(test_host_initial_state)
{
	struct ifnet *lo0 = host_lo0(h);
	bool exists;

	/* lo0 first, 127.0.0.1/8, MTU 16384 (LOMTU), loopback. */
	ck_assert_ptr_eq(g_ptr_array_index(h->ifnets, 0), lo0);
	ck_assert_str_eq(lo0->if_xname, "lo0");
	ck_assert(lo0->if_loopback);
	ck_assert_uint_eq(lo0->if_mtu, 16384);
	ck_assert_uint_eq(if_first_addr(lo0), A(127, 0, 0, 1));
	ck_assert_uint_eq(lo0->if_addrs[0].ia_plen, 8);
	/* FreeBSD defaults: not a router, ipfw on, one_pass on. */
	ck_assert(!h->sysctl.forwarding);
	ck_assert(h->sysctl.fw_enable);
	ck_assert(h->sysctl.fw_one_pass);
	ck_assert(!h->sysctl.fw_verbose);
	ck_assert(!h->sysctl.fw_default_to_accept);
	ck_assert(h->ipdivert);
	/* Counters registered under the contract's names, at zero. */
	h->ipstat.received = 7;
	ck_assert_uint_eq(counters_get(fx_sim.counters, "r1.ip.received",
	    &exists), 7);
	ck_assert(exists);
	h->icmpstat.needfrag = 2;
	ck_assert_uint_eq(counters_get(fx_sim.counters, "r1.icmp.needfrag",
	    &exists), 2);
	ck_assert(exists);
	h->udpstat.noport = 3;
	ck_assert_uint_eq(counters_get(fx_sim.counters, "r1.udp.noport",
	    &exists), 3);
	h->fw_denied = 4;
	ck_assert_uint_eq(counters_get(fx_sim.counters, "r1.ipfw.denied",
	    &exists), 4);
	(void)counters_get(fx_sim.counters, "r1.ip.ttl_exceeded", &exists);
	ck_assert(exists);
	(void)counters_get(fx_sim.counters, "r1.ip.cantfrag", &exists);
	ck_assert(exists);
	(void)counters_get(fx_sim.counters, "r1.icmp.errors_sent", &exists);
	ck_assert(exists);
	(void)counters_get(fx_sim.counters, "r1.if.lo0.qdrops", &exists);
	ck_assert(exists);
}
END_TEST

START_TEST(test_ifconfig_replace_and_alias)
{
	struct ifnet *em0 = host_if_get_or_create(h, "em0");

	ck_assert_ptr_eq(host_if_get_or_create(h, "em0"), em0);
	ck_assert_ptr_eq(host_ifunit(h, "em0"), em0);
	ck_assert_ptr_null(host_ifunit(h, "em1"));
	ck_assert_uint_eq(em0->if_mtu, 1500);
	ck_assert_uint_eq(if_first_addr(em0), 0);
	ck_assert(if_add_addr(em0, A(10, 0, 0, 1), 24, false));
	ck_assert(if_add_addr(em0, A(10, 0, 1, 1), 24, true));
	/* Without alias ifconfig replaces the first address only. */
	ck_assert(if_add_addr(em0, A(10, 0, 2, 1), 24, false));
	ck_assert_uint_eq(em0->if_naddrs, 2);
	ck_assert_uint_eq(if_first_addr(em0), A(10, 0, 2, 1));
	ck_assert(if_has_addr(em0, A(10, 0, 1, 1)));
	ck_assert(!if_has_addr(em0, A(10, 0, 0, 1)));
	ck_assert_ptr_eq(ifa_ifwithaddr(h, A(10, 0, 1, 1)), em0);
	ck_assert_ptr_eq(ifa_ifwithaddr(h, A(127, 0, 0, 1)), host_lo0(h));
	ck_assert_ptr_null(ifa_ifwithaddr(h, A(10, 0, 0, 1)));
	ck_assert(in_localip(h, A(10, 0, 2, 1)));
	ck_assert(!in_localip(h, A(10, 0, 2, 2)));
}
END_TEST

START_TEST(test_connected_routes_follow_ifconfig)
{
	struct ifnet *em0 = host_if_get_or_create(h, "em0");
	const struct rtentry *rt;

	ck_assert_ptr_null(rt_lookup(h, A(10, 0, 0, 77)));
	if_add_addr(em0, A(10, 0, 0, 1), 24, false);
	/* 10.0.0.77 is on em0's /24: connected, no gateway. */
	rt = rt_lookup(h, A(10, 0, 0, 77));
	ck_assert_ptr_nonnull(rt);
	ck_assert_ptr_eq(rt->rt_ifp, em0);
	ck_assert_uint_eq(rt->rt_gateway, 0);
	ck_assert_uint_eq(rt->rt_flags & (RTF_GATEWAY | RTF_LOCAL), 0);
	ck_assert_uint_eq(rt->rt_dst, A(10, 0, 0, 0));
	ck_assert_uint_eq(rt->rt_plen, 24);
	/* Renumbering to 10.9.0.1/16 takes the old prefix away. */
	if_add_addr(em0, A(10, 9, 0, 1), 16, false);
	ck_assert_ptr_null(rt_lookup(h, A(10, 0, 0, 77)));
	rt = rt_lookup(h, A(10, 9, 200, 3));
	ck_assert_ptr_nonnull(rt);
	ck_assert_ptr_eq(rt->rt_ifp, em0);
	/* An alias adds its prefix beside the first. */
	if_add_addr(em0, A(172, 16, 0, 1), 12, true);
	rt = rt_lookup(h, A(172, 31, 255, 254));
	ck_assert_ptr_nonnull(rt);
	ck_assert_ptr_eq(rt->rt_ifp, em0);
	ck_assert_ptr_null(rt_lookup(h, A(172, 32, 0, 1)));
}
END_TEST

START_TEST(test_local_routes_via_lo0)
{
	struct ifnet *em0 = host_if_get_or_create(h, "em0");
	const struct rtentry *rt;
	uint32_t src;

	if_add_addr(em0, A(10, 0, 0, 1), 24, false);
	/* Our own address: host route through lo0 (netstat: UHS lo0). */
	rt = rt_lookup(h, A(10, 0, 0, 1));
	ck_assert_ptr_nonnull(rt);
	ck_assert_ptr_eq(rt->rt_ifp, host_lo0(h));
	ck_assert_uint_eq(rt->rt_flags & (RTF_LOCAL | RTF_HOST),
	    RTF_LOCAL | RTF_HOST);
	ck_assert_uint_eq(rt->rt_plen, 32);
	rt = rt_lookup(h, A(127, 0, 0, 1));
	ck_assert_ptr_nonnull(rt);
	ck_assert_ptr_eq(rt->rt_ifp, host_lo0(h));
	ck_assert(rt->rt_flags & RTF_LOCAL);
	/* Other 127/8 addresses reach lo0 over its prefix. */
	rt = rt_lookup(h, A(127, 0, 0, 5));
	ck_assert_ptr_nonnull(rt);
	ck_assert_ptr_eq(rt->rt_ifp, host_lo0(h));
	/* Source selection (in_pcbladdr): the address itself for a local
	 * route, else the outgoing interface's first address. */
	ck_assert_int_eq(ip_select_src(h, A(10, 0, 0, 1), &src), 0);
	ck_assert_uint_eq(src, A(10, 0, 0, 1));
	ck_assert_int_eq(ip_select_src(h, A(10, 0, 0, 9), &src), 0);
	ck_assert_uint_eq(src, A(10, 0, 0, 1));
	ck_assert_int_eq(ip_select_src(h, A(8, 8, 8, 8), &src),
	    EHOSTUNREACH);
}
END_TEST

START_TEST(test_longest_prefix_and_default)
{
	struct ifnet *em0 = host_if_get_or_create(h, "em0");
	struct ifnet *em1 = host_if_get_or_create(h, "em1");
	const struct rtentry *rt;

	if_add_addr(em0, A(10, 0, 0, 1), 24, false);
	if_add_addr(em1, A(192, 0, 2, 1), 24, false);
	ck_assert_ptr_null(rt_lookup(h, A(8, 8, 8, 8)));
	ck_assert_int_eq(rt_add_static(h, 0, 0, A(10, 0, 0, 254)), 0);
	ck_assert_int_eq(rt_add_static(h, A(10, 1, 0, 0), 16,
	    A(10, 0, 0, 2)), 0);
	ck_assert_int_eq(rt_add_static(h, A(10, 1, 2, 0), 24,
	    A(192, 0, 2, 2)), 0);
	ck_assert_int_eq(rt_add_static(h, A(10, 1, 2, 3), 32,
	    A(10, 0, 0, 3)), 0);
	/* 8.8.8.8 matches only the default: via 10.0.0.254 on em0. */
	rt = rt_lookup(h, A(8, 8, 8, 8));
	ck_assert_ptr_nonnull(rt);
	ck_assert_uint_eq(rt->rt_plen, 0);
	ck_assert_uint_eq(rt->rt_gateway, A(10, 0, 0, 254));
	ck_assert_ptr_eq(rt->rt_ifp, em0);
	ck_assert(rt->rt_flags & RTF_GATEWAY);
	/* 10.1.3.4: /16 (via 10.0.0.2, em0) beats the default. */
	rt = rt_lookup(h, A(10, 1, 3, 4));
	ck_assert_uint_eq(rt->rt_plen, 16);
	ck_assert_uint_eq(rt->rt_gateway, A(10, 0, 0, 2));
	ck_assert_ptr_eq(rt->rt_ifp, em0);
	/* 10.1.2.9: the /24 via 192.0.2.2 on em1 beats the /16. */
	rt = rt_lookup(h, A(10, 1, 2, 9));
	ck_assert_uint_eq(rt->rt_plen, 24);
	ck_assert_uint_eq(rt->rt_gateway, A(192, 0, 2, 2));
	ck_assert_ptr_eq(rt->rt_ifp, em1);
	/* 10.1.2.3: the -host route (/32) beats all. */
	rt = rt_lookup(h, A(10, 1, 2, 3));
	ck_assert_uint_eq(rt->rt_plen, 32);
	ck_assert(rt->rt_flags & RTF_HOST);
	ck_assert_uint_eq(rt->rt_gateway, A(10, 0, 0, 3));
	/* Connected /24 still wins for its own hosts. */
	rt = rt_lookup(h, A(192, 0, 2, 77));
	ck_assert_uint_eq(rt->rt_gateway, 0);
	ck_assert_ptr_eq(rt->rt_ifp, em1);
	/* Static routes survive an address change. */
	if_add_addr(em1, A(192, 0, 2, 5), 24, true);
	rt = rt_lookup(h, A(8, 8, 8, 8));
	ck_assert_ptr_nonnull(rt);
	ck_assert_uint_eq(rt->rt_gateway, A(10, 0, 0, 254));
}
END_TEST

START_TEST(test_gateway_unreachable)
{
	struct ifnet *em0 = host_if_get_or_create(h, "em0");

	if_add_addr(em0, A(10, 0, 0, 1), 24, false);
	/* 172.16.0.1 is on no connected network: "Network is unreachable". */
	ck_assert_int_eq(rt_add_static(h, 0, 0, A(172, 16, 0, 1)),
	    ENETUNREACH);
	ck_assert_ptr_null(rt_lookup(h, A(8, 8, 8, 8)));
	/* A second route to the same prefix: "File exists". */
	ck_assert_int_eq(rt_add_static(h, 0, 0, A(10, 0, 0, 254)), 0);
	ck_assert_int_eq(rt_add_static(h, 0, 0, A(10, 0, 0, 253)), EEXIST);
	/* The connected /24 exists already too. */
	ck_assert_int_eq(rt_add_static(h, A(10, 0, 0, 0), 24,
	    A(10, 0, 0, 253)), EEXIST);
}
END_TEST

/*
 * Equal prefixes: the derived routes come first in interface order, then
 * the static ones in the order added, whatever order the commands ran in.
 * A static 10.2.0.0/16 added first loses to the connected 10.2.0.0/16 an
 * ifconfig brings later; it comes back when that address is replaced.
 */
START_TEST(test_equal_prefix_order)
{
	struct ifnet *em0 = host_if_get_or_create(h, "em0");
	struct ifnet *em1 = host_if_get_or_create(h, "em1");
	struct ifnet *em2 = host_if_get_or_create(h, "em2");
	const struct rtentry *rt;

	if_add_addr(em0, A(10, 0, 0, 1), 24, false);
	ck_assert_int_eq(rt_add_static(h, A(10, 2, 0, 0), 16,
	    A(10, 0, 0, 254)), 0);
	/* em2, then em1, configure the same /16: em1 (the earlier
	 * interface) wins, the static route is last. */
	if_add_addr(em2, A(10, 2, 0, 2), 16, false);
	if_add_addr(em1, A(10, 2, 0, 1), 16, false);
	rt = rt_lookup(h, A(10, 2, 3, 4));
	ck_assert_ptr_eq(rt->rt_ifp, em1);
	ck_assert_uint_eq(rt->rt_flags, 0);
	/* Replacing em1's and em2's addresses removes their routes. */
	if_add_addr(em1, A(192, 168, 1, 1), 24, false);
	rt = rt_lookup(h, A(10, 2, 3, 4));
	ck_assert_ptr_eq(rt->rt_ifp, em2);
	if_add_addr(em2, A(192, 168, 2, 1), 24, false);
	rt = rt_lookup(h, A(10, 2, 3, 4));
	ck_assert_uint_eq(rt->rt_flags, RTF_STATIC | RTF_GATEWAY);
	ck_assert_ptr_eq(rt->rt_ifp, em0);
	/* 10.2.0.1 is no longer ours: no local route is left for it. */
	rt = rt_lookup(h, A(10, 2, 0, 1));
	ck_assert_uint_eq(rt->rt_flags & RTF_LOCAL, 0);
}
END_TEST

/*
 * A hub with 3,000 interfaces, 10.(k/256).(k%256).1/24 on em<k>: every
 * address is local, every other host of a /24 goes out of its interface,
 * and a static route on the last interface's network still resolves.
 */
START_TEST(test_many_interfaces)
{
	char name[16];
	const struct rtentry *rt;

	for (unsigned k = 0; k < 3000; k++) {
		snprintf(name, sizeof(name), "em%u", k);
		if_add_addr(host_if_get_or_create(h, name),
		    A(10, k >> 8, k & 255, 1), 24, false);
	}
	ck_assert_int_eq(rt_add_static(h, A(172, 16, 0, 0), 12,
	    A(10, 2999 >> 8, 2999 & 255, 2)), 0);
	for (unsigned k = 0; k < 3000; k += 7) {
		snprintf(name, sizeof(name), "em%u", k);
		rt = rt_lookup(h, A(10, k >> 8, k & 255, 1));
		ck_assert_ptr_eq(rt->rt_ifp, host_lo0(h));
		rt = rt_lookup(h, A(10, k >> 8, k & 255, 77));
		ck_assert_ptr_eq(rt->rt_ifp, host_ifunit(h, name));
		ck_assert_str_eq(rt->rt_ifp->if_xname, name);
	}
	rt = rt_lookup(h, A(172, 20, 1, 1));
	ck_assert_str_eq(rt->rt_ifp->if_xname, "em2999");
	ck_assert_ptr_null(rt_lookup(h, A(10, 200, 0, 1)));
}
END_TEST

static Suite *
route_suite(void)
{
	const TTest *const tests[] = {
		test_plen_mask,
		test_host_initial_state,
		test_ifconfig_replace_and_alias,
		test_connected_routes_follow_ifconfig,
		test_local_routes_via_lo0,
		test_longest_prefix_and_default,
		test_gateway_unreachable,
		test_equal_prefix_order,
		test_many_interfaces,
		NULL
	};

	return (check_suite("route", tests, setup, fx_fini));
}

CHECK_MAIN(route_suite())

/*
 * The chain of bench/gen_chain.sh built with ns-3's own InternetStack, for
 * the ns-3 baselines: h0 - r1 - ... - rK - h1 over point-to-point links
 * of 100Mbps, 1ms, MTU 1500; link i is 10.(i/256).(i%256).0/24, left end
 * .1, right end .2; static routes as gen_chain.sh writes them.
 */
#ifndef DIVERTSIM_BENCH_NS3_CHAIN_H
#define DIVERTSIM_BENCH_NS3_CHAIN_H

#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

static inline ns3::Ipv4Address
link_addr(uint32_t i, uint32_t end)
{
	return ns3::Ipv4Address((10u << 24) | ((i / 256) << 16) |
	    ((i % 256) << 8) | end);
}

/* Nodes 0 = h0, 1..k = routers, k+1 = h1, linked and routed by p2p. */
static inline ns3::NodeContainer
ns3_chain(uint32_t k, ns3::PointToPointHelper &p2p)
{
	using namespace ns3;
	NodeContainer nodes;

	nodes.Create(k + 2);
	InternetStackHelper stack;
	stack.Install(nodes);
	p2p.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
	p2p.SetDeviceAttribute("Mtu", UintegerValue(1500));
	p2p.SetChannelAttribute("Delay", StringValue("1ms"));

	/* Assign link by link so that node j's interface 1 faces h0 and
	 * interface 2 faces h1 (0 is the loopback). */
	for (uint32_t i = 0; i <= k; i++) {
		NetDeviceContainer d = p2p.Install(nodes.Get(i),
		    nodes.Get(i + 1));
		for (uint32_t e = 0; e < 2; e++) {
			Ptr<Ipv4> ip = d.Get(e)->GetNode()->GetObject<Ipv4>();
			int32_t ifx = ip->AddInterface(d.Get(e));
			ip->AddAddress(ifx, Ipv4InterfaceAddress(
			    link_addr(i, e + 1), Ipv4Mask("255.255.255.0")));
			ip->SetMetric(ifx, 1);
			ip->SetUp(ifx);
		}
	}

	/* Routes as bench/gen_chain.sh writes them: a default toward h1 and,
	 * past the first router, a route back to h0's network. */
	Ipv4StaticRoutingHelper srh;
	for (uint32_t j = 0; j <= k + 1; j++) {
		Ptr<Ipv4> ip = nodes.Get(j)->GetObject<Ipv4>();
		Ptr<Ipv4StaticRouting> rt = srh.GetStaticRouting(ip);
		if (j == 0)
			rt->SetDefaultRoute(link_addr(0, 2), 1);
		else if (j == k + 1)
			rt->SetDefaultRoute(link_addr(k, 1), 1);
		else {
			if (j < k)
				rt->SetDefaultRoute(link_addr(j, 2), 2);
			if (j > 1)
				rt->AddNetworkRouteTo(link_addr(0, 0),
				    Ipv4Mask("255.255.255.0"), link_addr(j - 1, 1),
				    1);
		}
	}
	return nodes;
}

#endif /* DIVERTSIM_BENCH_NS3_CHAIN_H */

/*
 * Benchmark floor: the chain of bench/gen_chain.sh with the same ns-3
 * point-to-point devices and no InternetStack.  Every node's receive
 * callback copies the frame's bytes out of the ns-3 packet and sends a new
 * packet with them to the next hop, which is what a C shim over ns-3 must
 * do at the least; there is no IP processing.  A datagram bigger than the
 * MTU is sent as the frames IP fragmentation would make (same sizes), so
 * the link work matches the IPv4 runs.  No simulator built on these
 * devices can forward faster than this.
 *
 * Prints one line of key=value pairs like bench/ns3_ipv4_baseline.cc.
 */

#include "ns3/core-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace ns3;

static const uint16_t ETHERTYPE_IP_NUM = 0x0800;

static std::vector<Ptr<NetDevice>> g_next;	/* node -> device toward h1 */
static uint32_t g_frames_per_dgram;
static uint64_t g_frames_received;
static std::vector<uint32_t> g_frame_bytes;	/* sizes of one datagram's frames */
static uint32_t g_sent;
static uint32_t g_n;
static Time g_interval;
static Ptr<NetDevice> g_src;
static uint8_t g_buf[65536];

/* Receive at a router or at h1: copy out, then (router) send a new packet
 * built from the bytes, as a shim handing bytes to C and back would. */
static bool
rx(Ptr<NetDevice> dev, Ptr<const Packet> p, uint16_t proto,
    const Address &from)
{
	(void)proto;
	(void)from;
	uint32_t len = p->GetSize();
	p->CopyData(g_buf, len);
	Ptr<NetDevice> out = g_next[dev->GetNode()->GetId()];
	if (out == nullptr) {
		g_frames_received++;
		return true;
	}
	Ptr<Packet> q = Create<Packet>(g_buf, len);
	out->Send(q, out->GetBroadcast(), ETHERTYPE_IP_NUM);
	return true;
}

static void
send_one()
{
	for (uint32_t len : g_frame_bytes) {
		std::memset(g_buf, 0x45, len);
		Ptr<Packet> q = Create<Packet>(g_buf, len);
		g_src->Send(q, g_src->GetBroadcast(), ETHERTYPE_IP_NUM);
	}
	if (++g_sent < g_n)
		Simulator::Schedule(g_interval, &send_one);
}

int
main(int argc, char **argv)
{
	uint32_t k = 1;
	uint32_t n = 1000;
	uint32_t size_bytes = 512;
	std::string interval = "50us";
	bool pcap = false;
	std::string pcap_dir = "/tmp";
	uint32_t dst = 0;
	const uint32_t mtu = 1500;

	CommandLine cmd;
	cmd.AddValue("k", "routers between the two hosts", k);
	cmd.AddValue("n", "datagrams to send", n);
	cmd.AddValue("s", "UDP payload bytes per datagram", size_bytes);
	cmd.AddValue("i", "interval between datagrams (ns-3 time)", interval);
	cmd.AddValue("pcap", "write a pcap per device", pcap);
	cmd.AddValue("pcapdir", "directory for the pcaps", pcap_dir);
	cmd.AddValue("dst", "deliver at router D instead of h1 (0: h1)", dst);
	cmd.Parse(argc, argv);

	/* Frame sizes of an IPv4 datagram of 20 + 8 + S bytes fragmented to
	 * the MTU: 8-byte aligned data per fragment, as ip_fragment() cuts. */
	uint32_t ip_bytes = 20 + 8 + size_bytes;
	if (ip_bytes <= mtu)
		g_frame_bytes.push_back(ip_bytes);
	else {
		uint32_t data = ip_bytes - 20;
		uint32_t per = (mtu - 20) & ~7u;
		while (data > 0) {
			uint32_t d = data > per ? per : data;
			g_frame_bytes.push_back(20 + d);
			data -= d;
		}
	}
	g_frames_per_dgram = g_frame_bytes.size();
	g_n = n;
	g_interval = Time(interval);

	NodeContainer nodes;
	nodes.Create(k + 2);
	g_next.assign(k + 2, nullptr);

	PointToPointHelper p2p;
	p2p.SetDeviceAttribute("DataRate", StringValue("100Mbps"));
	p2p.SetDeviceAttribute("Mtu", UintegerValue(mtu));
	p2p.SetChannelAttribute("Delay", StringValue("1ms"));

	for (uint32_t i = 0; i <= k; i++) {
		NetDeviceContainer d = p2p.Install(nodes.Get(i),
		    nodes.Get(i + 1));
		/* d.Get(0) on node i faces h1; d.Get(1) on node i+1 receives. */
		if (i == 0)
			g_src = d.Get(0);
		else
			g_next[i] = d.Get(0);
		d.Get(1)->SetReceiveCallback(MakeCallback(&rx));
		d.Get(0)->SetReceiveCallback(MakeCallback(&rx));
	}

	/* Router D is the sink when given: it forwards nothing. */
	uint32_t sink = (dst > 0 && dst <= k) ? dst : k + 1;
	if (sink <= k)
		g_next[sink] = nullptr;

	if (pcap)
		p2p.EnablePcapAll(pcap_dir + "/ns3-floor");

	if (n > 0)
		Simulator::Schedule(Seconds(1), &send_one);

	auto t0 = std::chrono::steady_clock::now();
	Simulator::Run();
	auto t1 = std::chrono::steady_clock::now();

	uint64_t received = g_frames_received / g_frames_per_dgram;
	double run_s = std::chrono::duration<double>(t1 - t0).count();
	std::printf("program=floor k=%u n=%u s=%u pcap=%d sent=%u received=%llu "
	    "hops=%llu run_s=%.6f hops_per_s=%.0f\n", k, n, size_bytes,
	    pcap ? 1 : 0, g_sent, (unsigned long long)received,
	    (unsigned long long)(received * sink), run_s,
	    run_s > 0 ? received * sink / run_s : 0.0);
	g_next.clear();
	g_src = nullptr;
	Simulator::Destroy();
	return received == n ? 0 : 1;
}

/*
 * Benchmark baseline: the chain topology of bench/gen_chain.sh built with
 * ns-3's own InternetStack (h0 - r1 - ... - rK - h1 over point-to-point
 * links, static routes, one UDP flow of N datagrams of S payload bytes),
 * so that divertsim's figures can be read against ns-3's IPv4 stack.
 *
 * Prints one line of key=value pairs: sent, received, hops (datagrams
 * received times links crossed), run_s (wall time of Simulator::Run).
 */

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include "ns3_chain.h"

#include <chrono>
#include <cstdio>
#include <string>

using namespace ns3;

int
main(int argc, char **argv)
{
	uint32_t k = 1;
	uint32_t n = 1000;
	uint32_t size_bytes = 512;
	std::string interval = "50us";
	bool pcap = false;
	bool checksum = false;
	std::string pcap_dir = "/tmp";
	uint32_t dst = 0;

	CommandLine cmd;
	cmd.AddValue("k", "routers between the two hosts", k);
	cmd.AddValue("n", "UDP datagrams to send", n);
	cmd.AddValue("s", "UDP payload bytes per datagram", size_bytes);
	cmd.AddValue("i", "interval between datagrams (ns-3 time)", interval);
	cmd.AddValue("pcap", "write a pcap per device", pcap);
	cmd.AddValue("pcapdir", "directory for the pcaps", pcap_dir);
	cmd.AddValue("checksum", "compute IP/UDP checksums", checksum);
	cmd.AddValue("dst", "send to router D instead of h1 (0: h1)", dst);
	cmd.Parse(argc, argv);

	/* ns-3 skips checksums by default; divertsim always computes them. */
	if (checksum)
		GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

	PointToPointHelper p2p;
	NodeContainer nodes = ns3_chain(k, p2p);

	/* The sink: h1, or router D's address facing h0 (as gen_chain.sh -d). */
	uint32_t sink = (dst > 0 && dst <= k) ? dst : k + 1;
	UdpServerHelper server(9);
	ApplicationContainer sapp = server.Install(nodes.Get(sink));
	sapp.Start(Seconds(0));

	/* UdpClient's Size is the whole UDP payload (its 12-byte sequence
	 * header included), so Size = S gives S payload bytes. */
	UdpClientHelper client(link_addr(sink - 1, 2), 9);
	client.SetAttribute("MaxPackets", UintegerValue(n));
	client.SetAttribute("Interval", TimeValue(Time(interval)));
	client.SetAttribute("PacketSize", UintegerValue(size_bytes));
	/* n = 0 measures idle hosts (UdpClient would take 0 as "no limit"). */
	if (n > 0) {
		ApplicationContainer capp = client.Install(nodes.Get(0));
		capp.Start(Seconds(1));
	}

	if (pcap)
		p2p.EnablePcapAll(pcap_dir + "/ns3-baseline");

	auto t0 = std::chrono::steady_clock::now();
	Simulator::Run();
	auto t1 = std::chrono::steady_clock::now();

	uint64_t received = DynamicCast<UdpServer>(sapp.Get(0))->GetReceived();
	double run_s = std::chrono::duration<double>(t1 - t0).count();
	std::printf("program=ns3 k=%u n=%u s=%u pcap=%d sent=%u received=%llu "
	    "hops=%llu run_s=%.6f hops_per_s=%.0f\n", k, n, size_bytes,
	    pcap ? 1 : 0, n, (unsigned long long)received,
	    (unsigned long long)(received * sink), run_s,
	    run_s > 0 ? received * sink / run_s : 0.0);
	Simulator::Destroy();
	return received == n ? 0 : 1;
}

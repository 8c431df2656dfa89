/*
 * Benchmark baseline for TCP: the chain of bench/gen_chain.sh (h0 - r1 -
 * ... - rK - h1, point-to-point links of 100Mbps, 1ms, MTU 1500, static
 * routes) built with ns-3's own InternetStack, and one TCP bulk transfer
 * of B bytes from h0 to h1 port 9 (BulkSendApplication -> PacketSink).
 * ns-3's TCP is set as close to divertsim's as its attributes allow:
 * NewReno, MSS 1460, initial window 10, delayed ACK every 2nd segment,
 * 64 KB buffers, no SACK, no timestamps.
 *
 * Prints one line of key=value pairs: bytes received, segments (IP
 * datagrams received by h0 and h1), hops (IP datagrams received by any
 * node: one per link crossed), sim_s (simulated time of the last byte),
 * run_s (wall time of Simulator::Run).
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

static uint64_t g_hops;
static double g_last_rx_s;


static void
ip_rx(Ptr<const Packet>, Ptr<Ipv4>, uint32_t)
{
	g_hops++;
}

static void
sink_rx(Ptr<const Packet>, const Address &)
{
	g_last_rx_s = Simulator::Now().GetSeconds();
}

int
main(int argc, char **argv)
{
	uint32_t k = 1;
	uint64_t bytes = 10000000;
	bool pcap = false;
	bool checksum = false;
	std::string pcap_dir = "/tmp";

	CommandLine cmd;
	cmd.AddValue("k", "routers between the two hosts", k);
	cmd.AddValue("b", "bytes to transfer", bytes);
	cmd.AddValue("pcap", "write a pcap per device", pcap);
	cmd.AddValue("pcapdir", "directory for the pcaps", pcap_dir);
	cmd.AddValue("checksum", "compute IP/TCP checksums", checksum);
	cmd.Parse(argc, argv);

	if (checksum)
		GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));
	Config::SetDefault("ns3::TcpL4Protocol::SocketType",
	    TypeIdValue(TcpNewReno::GetTypeId()));
	Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1460));
	Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(10));
	Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(2));
	Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(65536));
	Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(65536));
	Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(false));
	Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(false));

	PointToPointHelper p2p;
	NodeContainer nodes = ns3_chain(k, p2p);

	PacketSinkHelper sink("ns3::TcpSocketFactory",
	    InetSocketAddress(Ipv4Address::GetAny(), 9));
	ApplicationContainer sapp = sink.Install(nodes.Get(k + 1));
	sapp.Start(Seconds(0));
	BulkSendHelper src("ns3::TcpSocketFactory",
	    InetSocketAddress(link_addr(k, 2), 9));
	src.SetAttribute("MaxBytes", UintegerValue(bytes));
	src.SetAttribute("SendSize", UintegerValue(65536));
	ApplicationContainer capp = src.Install(nodes.Get(0));
	capp.Start(Seconds(1));

	Config::ConnectWithoutContext("/NodeList/*/$ns3::Ipv4L3Protocol/Rx",
	    MakeCallback(&ip_rx));
	sapp.Get(0)->TraceConnectWithoutContext("Rx", MakeCallback(&sink_rx));
	if (pcap)
		p2p.EnablePcapAll(pcap_dir + "/ns3-tcp");

	auto t0 = std::chrono::steady_clock::now();
	Simulator::Run();
	auto t1 = std::chrono::steady_clock::now();

	uint64_t received = DynamicCast<PacketSink>(sapp.Get(0))->GetTotalRx();
	double run_s = std::chrono::duration<double>(t1 - t0).count();
	std::printf("program=ns3 k=%u bytes=%llu received=%llu hops=%llu "
	    "sim_s=%.6f run_s=%.6f hops_per_s=%.0f\n", k,
	    (unsigned long long)bytes, (unsigned long long)received,
	    (unsigned long long)g_hops, g_last_rx_s - 1.0, run_s,
	    run_s > 0 ? g_hops / run_s : 0.0);
	Simulator::Destroy();
	return received == bytes ? 0 : 1;
}

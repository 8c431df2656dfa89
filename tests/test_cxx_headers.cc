/*
 * Every header of the model and the installed ones compiled as C++: the ns-3 shim is C++
 * and any header may end up included from it, so each must be valid C++
 * (extern "C" guards, no C-only constructs).  Build-only; main does nothing.
 */
#include "divertsim/divertsim.h"
#include "divertsim/program.h"
#include "divertsim/world.h"
#include "apps/app_traffic.h"
#include "apps/proc.h"
#include "divert_queue.h"
#include "ipfw/ipfw.h"
#include "ipfw/ipfw_chain.h"
#include "ipfw/ipfw_check.h"
#include "ipfw/ipfw_engine.h"
#include "ipfw/ipfw_parse.h"
#include "ipfw/ipfw_print.h"
#include "ipfw/ipfw_rule.h"
#include "ipfw/ipfw_state.h"
#include "ipfw_sim.h"
#include "net/host.h"
#include "net/if.h"
#include "net/pfil.h"
#include "net/route.h"
#include "netinet/icmp_var.h"
#include "netinet/in_pcb.h"
#include "netinet/ip_drop.h"
#include "netinet/ip_var.h"
#include "netinet/udp_var.h"
#include "ns3/ns3_shim.h"
#include "pkt/in_cksum.h"
#include "pkt/pkt.h"
#include "scenario/diag.h"
#include "scenario/scn.h"
#include "scenario/scn_build.h"
#include "scenario/scn_gen.h"
#include "scenario/scn_lex.h"
#include "sim/counters.h"
#include "sim/events.h"
#include "sim/sim_ctx.h"
#include "sim/sim_sched.h"
#include "trace/pcap_writer.h"
#include "wire/wire_icmp.h"
#include "wire/wire_ip.h"
#include "wire/wire_print.h"
#include "wire/wire_tcp.h"
#include "wire/wire_udp.h"

int
main()
{
	return (0);
}

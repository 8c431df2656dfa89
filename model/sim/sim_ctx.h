/*
 * What every host of one simulated world shares that is not the network:
 * the counter registry, the event log, the seed, trace settings and the
 * world-wide loop figures.  Hosts share nothing else (docs/architecture.md).
 */
#ifndef DIVERTSIM_SIM_CTX_H
#define DIVERTSIM_SIM_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/counters.h"
#include "sim/events.h"

#ifdef __cplusplus
extern "C" {
#endif

struct trace_dir;
struct pcapng_writer;

struct sim_ctx {
	struct counters	*counters;
	struct ev_log	*log;
	bool		 why;		/* --why: ev_log_why(log), read once */
	uint32_t	 seed;		/* scenario `seed` */
	unsigned	 loop_limit;	/* scenario `loop-limit` (default 64) */
	struct trace_dir *traces;	/* NULL: no pcap files */
	struct pcapng_writer *pcapng;	/* NULL: no run.pcapng */
	uint64_t	 loops;		/* sim.loops */
	uint64_t	 rediverts;	/* sim.rediverts */
	uint64_t	 packets;	/* sim.packets: datagrams originated */
	uint64_t	 events;	/* sim.events */
	uint64_t	 cmd_errors;	/* sim.command_errors: failed `at` commands */
	uint64_t	 in_flight;	/* sim.in_flight: packets held at the end */
	uint64_t	 trace_errors;	/* sim.trace_errors: trace files not made */
	uint64_t	 proc_hangs;	/* exec programs killed for not blocking */
	uint64_t	 cmds_pending;	/* `at` commands not yet run */
	/* `lint`: nothing will run, so links get no ns-3 devices (the
	 * checks before time 0 need only what the links say). */
	bool		 no_devices;
};

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_SIM_CTX_H */

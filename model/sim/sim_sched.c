/*
 * The model's clock and event queue: a thin layer over the ns-3 seam, so
 * that nothing above model/ns3 names ns-3.  Ordering of simultaneous events
 * is ns-3's (scheduling order), which keeps runs deterministic.
 */
#include "sim/sim_sched.h"

#include "ns3/ns3_shim.h"

uint64_t
sim_now(void)
{

	return (ns3_now_ns());
}

uint64_t
sim_schedule(uint64_t delay_ns, sim_fn fn, void *arg)
{

	return (ns3_schedule(delay_ns, fn, arg));
}

void
sim_cancel(uint64_t event_id)
{

	ns3_cancel(event_id);
}

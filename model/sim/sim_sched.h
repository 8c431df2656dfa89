/*
 * The model's only view of time and events.  Everything above the ns-3 seam
 * schedules through these calls; ties are broken by scheduling order, so
 * runs are deterministic.
 */
#ifndef DIVERTSIM_SIM_SCHED_H
#define DIVERTSIM_SIM_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define	SIM_NS_PER_US	1000ull
#define	SIM_NS_PER_MS	1000000ull
#define	SIM_NS_PER_S	1000000000ull

typedef void (*sim_fn)(void *arg);

uint64_t	 sim_now(void);			/* nanoseconds */
uint64_t	 sim_schedule(uint64_t delay_ns, sim_fn fn, void *arg);
void		 sim_cancel(uint64_t event_id);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_SIM_SCHED_H */

/*
 * The wall between the C model and ns-3.  This is the only header of the
 * seam that C code includes; only ns3_shim.cc includes ns-3 itself.  ns-3
 * owns time, the event queue, point-to-point links with their queues, and
 * link-level pcap tracing.  Handles are opaque.
 */
#ifndef DIVERTSIM_NS3_SHIM_H
#define DIVERTSIM_NS3_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ns3_node ns3_node;
typedef struct ns3_dev ns3_dev;

typedef void (*ns3_event_fn)(void *arg);
/* bytes is an IPv4 datagram (no link header), valid during the call only */
typedef void (*ns3_rx_fn)(void *ctx, const uint8_t *bytes, size_t len);

/* Start a fresh simulation (destroying any previous one). */
void		 ns3_sim_init(void);
/* Tear the simulation down and free every node and device. */
void		 ns3_sim_destroy(void);
/* Simulated time in nanoseconds. */
uint64_t	 ns3_now_ns(void);
/* Run fn(arg) delay_ns from now. Returns an id for ns3_cancel (never 0). */
uint64_t	 ns3_schedule(uint64_t delay_ns, ns3_event_fn fn, void *arg);
void		 ns3_cancel(uint64_t event_id);
/* Run events until the queue is empty or simulated time reaches until_ns;
 * returns true when events were still pending at until_ns. */
bool		 ns3_run_until(uint64_t until_ns);
/* Number of events executed since ns3_sim_init. */
uint64_t	 ns3_events_executed(void);
/* Whether any event is still queued (false without a simulation). */
bool		 ns3_events_pending(void);

ns3_node	*ns3_node_create(void);
/* Join a and b with a point-to-point link; returns the two devices. */
void		 ns3_link_create(ns3_node *a, ns3_node *b, uint64_t rate_bps,
		    uint64_t delay_ns, uint32_t mtu, uint32_t queue_pkts,
		    ns3_dev **dev_a, ns3_dev **dev_b);
/* Hand an IPv4 datagram to the device. Returns false when the device's
 * transmit queue was full and the packet was dropped. */
bool		 ns3_dev_send(ns3_dev *dev, const uint8_t *bytes, size_t len);
void		 ns3_dev_set_rx(ns3_dev *dev, ns3_rx_fn fn, void *ctx);
/* ns-3's own pcap tracing of the device into path (PPP link type). */
void		 ns3_dev_enable_pcap(ns3_dev *dev, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_NS3_SHIM_H */

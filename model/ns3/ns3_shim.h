/*
 * The wall between the C model and ns-3.  This is the only header of the
 * seam that C code includes; only ns3_shim.cc includes ns-3 itself.  ns-3
 * owns time, the event queue and point-to-point links with their queues;
 * frames on a link are handed to C for tracing.  Handles are opaque.
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

/*
 * What the simulator carries with a frame across a link and the wire does
 * not: an ns-3 packet tag, so it stays with its frame whatever the link
 * loses or reorders.  Both fields are the C model's; the shim only copies
 * them.
 */
struct ns3_frame_tag {
	uint64_t	 lineage;
	uint64_t	 cookie;
};

/*
 * bytes is an IPv4 datagram (no link header), valid during the call only;
 * tag is the frame's tag, or NULL when it was sent without one.
 */
typedef void (*ns3_rx_fn)(void *ctx, const uint8_t *bytes, size_t len,
		    const struct ns3_frame_tag *tag);

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
/* Hand an IPv4 datagram to the device, with tag (NULL: none). Returns
 * false when the device's transmit queue was full and the packet was
 * dropped. */
bool		 ns3_dev_send(ns3_dev *dev, const uint8_t *bytes, size_t len,
		    const struct ns3_frame_tag *tag);
/*
 * Frames received by dev go to rx(ctx, ...); frames the device's receive
 * error model discards go to lost(ctx, ...) (may be NULL), with the same
 * arguments.
 */
void		 ns3_dev_set_rx(ns3_dev *dev, ns3_rx_fn rx, ns3_rx_fn lost,
		    void *ctx);
/*
 * Give dev a receive error model discarding the frames whose 0-based
 * arrival index at dev is in nth[0..n) (ns-3's ReceiveListErrorModel);
 * n = 0 removes it.
 */
void		 ns3_dev_set_rx_loss(ns3_dev *dev, const uint32_t *nth,
		    size_t n);
/* Change the propagation delay of dev's link from now on (frames already
 * on the wire keep theirs, so a shorter delay reorders). */
void		 ns3_dev_set_delay(ns3_dev *dev, uint64_t delay_ns);
/*
 * Every frame the device starts sending or receives, PPP header included
 * (what ns-3's EnablePcap() records, from the device's PromiscSniffer),
 * handed to fn with the simulated time; bytes valid during the call only.
 */
typedef void (*ns3_tap_fn)(void *ctx, uint64_t t_ns, const uint8_t *bytes,
		    size_t len);
void		 ns3_dev_set_tap(ns3_dev *dev, ns3_tap_fn fn, void *ctx);

/* Why ns3_run_until() returned before its horizon. */
enum ns3_stop_reason {
	NS3_STOP_NONE,
	NS3_STOP_REQUESTED,	/* ns3_stop(): a signal, an output error */
	NS3_STOP_MAX_EVENTS,	/* more events than ns3_set_limits() allows */
	NS3_STOP_LIVELOCK,	/* too many events at one simulated instant */
};
/*
 * End the run after the current event.  Only sets a flag: safe in a
 * signal handler.  ns3_sim_init() clears it.
 */
void		 ns3_stop(void);
enum ns3_stop_reason ns3_stop_cause(void);
/*
 * At most max_events events in the whole run and max_per_instant at one
 * simulated nanosecond (0: no limit); kept across ns3_sim_init().
 */
void		 ns3_set_limits(uint64_t max_events, uint64_t max_per_instant);
/*
 * The device that sent the most frames at the current instant (the link
 * a zero-time livelock spins on), or NULL.
 */
ns3_dev		*ns3_busiest_dev(void);

/*
 * The frames of one direction of a link, as ns-3 itself counts them, for
 * the packet conservation audit: what the device still holds or has on
 * the wire, and what its receive side did with the peer's frames.
 */
struct ns3_dev_frames {
	uint64_t	 queued;	/* in this device's transmit queue */
	uint64_t	 on_wire;	/* sent by this device: transmission
					   begun, not yet received or lost by
					   the peer */
	uint64_t	 received;	/* handed up by this device */
	uint64_t	 lost;		/* dropped by this device's receive
					   error model */
};
void		 ns3_dev_frames(const ns3_dev *dev, struct ns3_dev_frames *out);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_NS3_SHIM_H */

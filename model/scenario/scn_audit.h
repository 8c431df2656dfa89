/*
 * The packet conservation audit run at the end of every simulation: every
 * packet created was delivered, dropped with a counted reason, turned into
 * other packets, or is still held.
 * docs/counters.md ("Packet conservation") defines each term.
 */
#ifndef DIVERTSIM_SCN_AUDIT_H
#define DIVERTSIM_SCN_AUDIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ns3/ns3_shim.h"
#include "pkt/pkt.h"

#ifdef __cplusplus
extern "C" {
#endif

struct conservation {
	uint64_t	 created;	/* made by the model, not off a link */
	uint64_t	 delivered;
	uint64_t	 dropped;
	uint64_t	 consumed;	/* fragmented, reassembled, divert read */
	uint64_t	 in_flight;	/* every held packet and frame below */
	uint64_t	 in_socket;
	uint64_t	 in_reass;
	uint64_t	 in_event;
	uint64_t	 link_queued;
	uint64_t	 link_on_wire;
	uint64_t	 to_link;	/* packets handed to links as frames */
	uint64_t	 from_link;	/* frames back from links: received, or
					   lost by a receive error model */
	uint64_t	 leaked;	/* alive, held by nobody */
	uint64_t	 unaccounted;	/* freed without a fate */
	bool		 ok;
};

/*
 * The balance from the packet figures a and the frames of every link
 * device summed in links.
 */
void		 conservation_compute(const struct pkt_acct *a,
		    const struct ns3_dev_frames *links, struct conservation *c);
/* "created N = delivered D + dropped X + ..." (no newline). */
void		 conservation_print(const struct conservation *c, FILE *out);
/* The "internal error: packet conservation ..." message, when !c->ok. */
void		 conservation_complain(const struct conservation *c,
		    FILE *out);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_SCN_AUDIT_H */

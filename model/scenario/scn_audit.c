/*
 * The packet conservation audit.  Packet objects are counted where they are
 * made and where they end (pkt.c); frames on links are counted by ns-3's
 * own trace sources (ns3_shim.cc).  Crossing a link is not an end: the
 * frame continues the packet, so a frame still queued or on the wire is in
 * flight, and the packet made from it at the far end is not a new one.
 * A frame a receive error model loses also comes back to the model (the
 * receiving driver sees the bad frame), which must drop it with a counted
 * reason like any other packet.
 */
#include <inttypes.h>
#include <string.h>

#include "scenario/scn_audit.h"

void
conservation_compute(const struct pkt_acct *a,
    const struct ns3_dev_frames *links, struct conservation *c)
{
	uint64_t fates = 0;

	memset(c, 0, sizeof(*c));
	for (int f = 0; f < PKT_FATE_COUNT; f++)
		fates += a->fate[f];
	c->from_link = links->received + links->lost;
	c->created = a->created >= c->from_link ?
	    a->created - c->from_link : 0;
	c->delivered = a->fate[PKT_FATE_DELIVERED];
	c->dropped = a->fate[PKT_FATE_DROPPED];
	c->consumed = a->fate[PKT_FATE_FRAGMENTED] +
	    a->fate[PKT_FATE_REASSEMBLED] + a->fate[PKT_FATE_DIVERT_READ];
	c->to_link = a->fate[PKT_FATE_LINK];
	c->in_socket = a->held[PKT_HELD_SOCKET];
	c->in_reass = a->held[PKT_HELD_REASS];
	c->in_event = a->held[PKT_HELD_EVENT];
	c->link_queued = links->queued;
	c->link_on_wire = links->on_wire;
	c->in_flight = c->in_socket + c->in_reass + c->in_event +
	    c->link_queued + c->link_on_wire;
	c->leaked = a->held[PKT_HELD_NONE];
	c->unaccounted = a->unaccounted;
	/*
	 * Three independent conditions, each of which the balance needs:
	 * every packet object ended with a fate or is held by someone; every
	 * frame handed to a link is, by ns-3's count, received or lost at the
	 * far end, queued, or on the wire; and so the packets the model made
	 * equal what became of them.
	 */
	c->ok = c->leaked == 0 && c->unaccounted == 0 &&
	    a->created == fates + a->live &&
	    a->created >= c->from_link &&
	    c->to_link == c->from_link + links->queued + links->on_wire &&
	    c->created == c->delivered + c->dropped + c->consumed +
	    c->in_flight;
}

void
conservation_print(const struct conservation *c, FILE *out)
{

	fprintf(out, "created %" PRIu64 " = delivered %" PRIu64
	    " + dropped %" PRIu64 " + consumed %" PRIu64 " + in flight %"
	    PRIu64, c->created, c->delivered, c->dropped, c->consumed,
	    c->in_flight);
}

void
conservation_complain(const struct conservation *c, FILE *out)
{

	if (c->ok)
		return;
	fprintf(out, "internal error: packet conservation does not hold: ");
	conservation_print(c, out);
	fprintf(out, "\n  in flight: %" PRIu64 " in divert sockets, %" PRIu64
	    " in reassembly queues, %" PRIu64 " in events, %" PRIu64
	    " in link queues, %" PRIu64 " on the wire\n", c->in_socket,
	    c->in_reass, c->in_event, c->link_queued, c->link_on_wire);
	if (c->leaked != 0)
		fprintf(out, "  %" PRIu64 " packet%s alive but held by "
		    "nothing (leaked)\n", c->leaked, c->leaked == 1 ? "" : "s");
	if (c->unaccounted != 0)
		fprintf(out, "  %" PRIu64 " packet%s freed without a fate "
		    "(neither delivered, dropped nor consumed)\n",
		    c->unaccounted, c->unaccounted == 1 ? "" : "s");
	if (c->to_link != c->from_link + c->link_queued + c->link_on_wire)
		fprintf(out, "  %" PRIu64 " handed to links, but ns-3 counts "
		    "%" PRIu64 " received or lost + %" PRIu64 " queued + %"
		    PRIu64 " on the wire\n", c->to_link, c->from_link,
		    c->link_queued, c->link_on_wire);
}

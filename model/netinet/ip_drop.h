/*
 * ip_drop(): the only way a packet dies.  Each reason names the counter it
 * increments and appears in the `drop` event; nothing disappears silently.
 */
#ifndef DIVERTSIM_IP_DROP_H
#define DIVERTSIM_IP_DROP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct host;
struct ifnet;
struct pkt;

enum drop_reason {
	DROP_TOOSHORT,		/* ip.tooshort: shorter than a header or ip_len */
	DROP_BADVERS,		/* ip.badvers */
	DROP_BADHLEN,		/* ip.badhlen */
	DROP_BADLEN,		/* ip.badlen: ip_len < header length */
	DROP_BADSUM,		/* ip.badsum (+ divert.badsum if reinjected) */
	DROP_NOROUTE,		/* ip.noroute */
	DROP_CANTFORWARD,	/* ip.cantforward: not for us, not a router */
	DROP_TTL,		/* ip.ttl_exceeded */
	DROP_CANTFRAG,		/* ip.cantfrag: DF and too big */
	DROP_FRAG_TIMEOUT,	/* ip.fragtimeout */
	DROP_FRAG_OVERFLOW,	/* ip.fragdropped: reassembly limits */
	DROP_FRAG_BAD,		/* ip.fragdropped: overlapping, bad offset */
	DROP_NOPROTO,		/* ip.noproto: no such protocol */
	DROP_UDP_NOPORT,	/* udp.noport */
	DROP_UDP_BADSUM,	/* udp.badsum */
	DROP_ICMP_BADSUM,	/* icmp.badsum */
	DROP_ICMP_CONSUMED,	/* ICMP message with nobody to read it: not an
				   error; counted only by icmp.* */
	DROP_DENIED,		/* ipfw.denied */
	DROP_DIVERT_NOPORT,	/* divert.noport */
	DROP_DIVERT_DISABLED,	/* divert.disabled */
	DROP_DIVERT_FULL,	/* divert.PORT.dropped_full */
	DROP_DIVERT_BADSUM,	/* divert.badsum: written incoming, bad sum */
	DROP_LOOP,		/* sim.loops, divert.PORT.loops */
	DROP_QUEUE_FULL,	/* if.IF.qdrops: link transmit queue full */
	DROP_WRITE_ERROR,	/* divert write refused (errno counted) */
	DROP_PROC_EXIT,		/* divert program dropped it (drop, natd) */
	DROP_REASON_COUNT
};

/* The reason's name in events ("badsum", "no-divert-socket", "loop", ...). */
const char	*drop_reason_name(enum drop_reason r);
/*
 * Count and log the drop of m, then free it. ifp may be NULL. port is the
 * divert port for the divert reasons (ignored otherwise).
 */
void		 ip_drop(struct host *h, struct pkt *m, enum drop_reason r,
		    const struct ifnet *ifp, unsigned port);

/*
 * ip_drop() for a reason outside enum drop_reason (bad-addr, udp-badlen):
 * counts *slot (may be NULL), logs the drop event named reason, frees m.
 */
void		 ip_drop_named(struct host *h, struct pkt *m, const char *reason,
		    uint64_t *slot, const struct ifnet *ifp);
/*
 * A consumed message (an ICMP reply read by ping, an ICMP error read by the
 * stack): not a drop, no event, the packet is simply done with.
 */
void		 ip_consumed(struct pkt *m);
/* The tcpdump-like summary of m into buf (WIRE_PRINT_MAX bytes). */
void		 ip_summary(const struct pkt *m, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IP_DROP_H */

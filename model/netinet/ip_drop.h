/*
 * ip_drop(): the only way a packet dies.  Every reason is a row of one
 * table, drop_table[]: the name the `drop` event carries, the counter it
 * increments, whether a divert port qualifies it, and a one-line
 * explanation.  Nothing disappears silently and there is no other channel.
 */
#ifndef DIVERTSIM_IP_DROP_H
#define DIVERTSIM_IP_DROP_H

#include <stdbool.h>
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
	DROP_BADADDR,		/* ip.badaddr: 127/8 off loopback */
	DROP_NOTMEMBER,		/* ip.notmember: multicast, no membership */
	DROP_NOROUTE,		/* ip.noroute */
	DROP_FWD_NOROUTE,	/* ip.fwd_noroute: 6.x ip_forward(), no route */
	DROP_NOSRCADDR,		/* ip.nosrcaddr: no address to send from */
	DROP_CANTFORWARD,	/* ip.cantforward: not for us, not a router */
	DROP_TTL,		/* ip.ttl_exceeded */
	DROP_CANTFRAG,		/* ip.cantfrag: DF and too big */
	DROP_FRAG_TIMEOUT,	/* ip.fragtimeout */
	DROP_FRAG_OVERFLOW,	/* ip.fragdropped: reassembly limits */
	DROP_FRAG_BAD,		/* ip.fragdropped: overlapping, bad offset */
	DROP_NOPROTO,		/* ip.noproto: no such protocol */
	DROP_UDP_HDROPS,	/* udp.hdrops: header truncated */
	DROP_UDP_BADLEN,	/* udp.badlen */
	DROP_UDP_BADSUM,	/* udp.badsum */
	DROP_UDP_NOPORT,	/* udp.noport */
	DROP_UDP_NOPORTBCAST,	/* udp.noportbcast */
	DROP_TCP_TOOSHORT,	/* tcp.rcvshort */
	DROP_TCP_BADOFF,	/* tcp.rcvbadoff */
	DROP_TCP_BADSUM,	/* tcp.badsum */
	DROP_TCP_BROADCAST,	/* tcp.bcastdrops: to a broadcast address */
	DROP_TCP_NOPORT,	/* tcp.noport: no connection (RST sent) */
	DROP_TCP_LISTEN_NOSYN,	/* tcp.noport: to a listener, not a SYN */
	DROP_ICMP_TOOSHORT,	/* icmp.tooshort */
	DROP_ICMP_BADSUM,	/* icmp.badsum */
	DROP_DENIED,		/* ipfw.denied */
	DROP_NAT_DENIED,	/* ipfw.nat_denied: ipfw_nat() said IP_FW_DENY */
	DROP_DIVERT_NOPORT,	/* divert.noport */
	DROP_DIVERT_DISABLED,	/* divert.disabled */
	DROP_DIVERT_FULL,	/* divert.PORT.dropped_full */
	DROP_DIVERT_NOTAG,	/* divert.notag: 6.x, reassembled untagged */
	DROP_LOOP,		/* divert.PORT.loops (+ sim.loops) */
	DROP_PROGRAM,		/* divert.PORT.discarded: program wrote none */
	DROP_QUEUE_FULL,	/* if.IF.qdrops: link transmit queue full */
	DROP_IF_DOWN,		/* if.IF.downdrops: no link to send on */
	DROP_LINK_LOST,		/* if.IF.ierrors: the link lost the frame */
	DROP_REASON_COUNT
};

/*
 * One row per reason.  `counter` is the counter's name after "HOST.", with
 * the placeholders IF (the interface's name) and PORT (the divert port)
 * filled in when the drop is counted.
 */
struct drop_desc {
	const char	*name;		/* the `drop` event's reason */
	const char	*counter;	/* "ip.badsum", "if.IF.qdrops", ... */
	bool		 has_port;	/* qualified by a divert port */
	const char	*why;		/* one line for a human */
	/*
	 * --why's sentence after "NAME: ": the configuration or the packet
	 * that caused the drop, with HOST, IF, PORT (RULE), SRC, DST, DPORT
	 * and PROTO filled in (drop_why()).
	 */
	const char	*cause;
};

extern const struct drop_desc drop_table[DROP_REASON_COUNT];

/*
 * Which of ip_reass()'s tests dropped a fragment (frag-bad, frag-overflow):
 * the drop event's `frag` field, its line and its --why sentence say it.
 */
enum frag_drop {
	FRAG_DROP_NONE,		/* not a fragment drop */
	FRAG_DROP_DUPLICATE,	/* same offset and length as a held one */
	FRAG_DROP_COVERED,	/* all its data held already (dropfrag) */
	FRAG_DROP_REPLACED,	/* held, a newer one carries all its data */
	FRAG_DROP_BADLEN,	/* data not a non-zero multiple of 8 */
	FRAG_DROP_TOOLONG,	/* the datagram beyond IP_MAXPACKET */
	FRAG_DROP_PASTEND,	/* 14: past the end the last one set */
	FRAG_DROP_MAXFRAGS,	/* the host holds IP_MAXFRAGS already */
	FRAG_DROP_PERPACKET,	/* more than maxfragsperpacket, incomplete */
	FRAG_DROP_COUNT
};
struct frag_drop_desc {
	const char	*name;		/* the `frag` field */
	const char	*text;		/* in the drop's line, in brackets */
	const char	*cause;		/* --why's, as drop_desc's */
};
extern const struct frag_drop_desc frag_drop_table[FRAG_DROP_COUNT];

/* --why's sentence for a drop of m (NULL: unknown) on h: "no-route: gw
 * has no route to 10.9.9.9" (g_free() it).  For `denied`, port is the
 * denying rule's number (RULE; 0: a re-entry tag refused). */
char		*drop_why(const struct host *h, const struct pkt *m,
		    enum drop_reason r, const struct ifnet *ifp, unsigned port);
/* The same for a fragment ip_reass() dropped for reason fd ("frag-bad:
 * the fragment from 10.0.0.2 at offset 1480 duplicates ..."). */
char		*drop_why_frag(const struct host *h, const struct pkt *m,
		    enum drop_reason r, enum frag_drop fd);
/* The same as the `why` of drop event e, when --why is on (m may be
 * NULL for a drop without the packet at hand). */
struct ev;
void		 drop_ev_why(struct ev *e, const struct host *h,
		    const struct pkt *m, enum drop_reason r,
		    const struct ifnet *ifp, unsigned port);
/* The reason's row; NULL for a value outside the enum. */
const struct drop_desc *drop_desc(enum drop_reason r);
/*
 * Whether name (a counter's name after "HOST.") is the counter of some
 * reason, IF matching any interface name and PORT any port number.
 */
bool		 drop_counter_match(const char *name);
/* The reason's name in events ("badsum", "no-divert-socket", "loop", ...). */
const char	*drop_reason_name(enum drop_reason r);
/*
 * Count and log the drop of m, then free it.  ifp may be NULL (m->rcvif is
 * used then); a reason whose counter names IF needs one of the two.  port is
 * the divert port for the reasons that have one, the rule's number for
 * `denied` (its --why sentence names it), ignored otherwise.
 */
void		 ip_drop(struct host *h, struct pkt *m, enum drop_reason r,
		    const struct ifnet *ifp, unsigned port);
/* ip_drop() of a fragment by ip_reass() (r: frag-bad or frag-overflow),
 * saying which of its tests dropped it. */
void		 ip_drop_frag(struct host *h, struct pkt *m,
		    enum drop_reason r, enum frag_drop fd);
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

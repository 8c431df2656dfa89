/*
 * Packet buffers: the simulator's mbuf.
 *
 * Buffer contract
 * - `data` points at the first byte of the IPv4 header and `len` counts the
 *   valid bytes from there. There is no link-layer headroom: ns-3's
 *   point-to-point device adds its own PPP header on transmission.
 * - The bytes are in network order, exactly as on the wire.
 * - A packet has exactly one owner. A function documented "consumes m" takes
 *   ownership: the caller must not touch m afterwards. Everything else
 *   borrows.
 * - The metadata beside the bytes is what FreeBSD keeps in the mbuf packet
 *   header and its tags: the receiving interface (m_pkthdr.rcvif), the ipfw
 *   re-entry reference (MTAG_IPFW_RULE / PACKET_TAG_DIVERT) and flags.
 * - `lineage` is the simulator's own identity of a packet, which the kernel
 *   cannot have: it survives copies, fragmentation, reassembly and divert
 *   round trips, and is what the event log and loop detection follow.
 */
#ifndef DIVERTSIM_PKT_H
#define DIVERTSIM_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ifnet;

/*
 * The re-entry reference a packet carries after a divert write-back or
 * across an in-hook continuation (FreeBSD's struct ipfw_rule_ref).
 * `rulenum` is the tag: the ipfw pass that consumes the reference starts at
 * the first rule numbered strictly above it.  `slot` is used instead when
 * IPFW_REF_SLOT is set (continuation at an exact rule index, as after tee on
 * release 14 or reass).
 */
struct pkt_fw_ref {
	uint32_t	 rulenum;	/* tag from sin_port (host order) */
	uint32_t	 slot;		/* rule index, with IPFW_REF_SLOT */
	uint32_t	 info;		/* IPFW_REF_* bits below */
};

#define	IPFW_REF_VALID		0x0001u	/* a reference is present */
#define	IPFW_REF_SLOT		0x0002u	/* resume at `slot`, not after tag */
#define	IPFW_REF_DIVERT		0x0004u	/* came from a divert socket write */
#define	IPFW_REF_IN		0x0008u	/* ...written as incoming */
#define	IPFW_REF_OUT		0x0010u	/* ...written as outgoing */

/*
 * ipfw's call stack (FreeBSD 14's MTAG_IPFW_CALL tag): the rule numbers of
 * the `call`s not yet returned from.  It lives on the packet, so it
 * outlasts the pass (a forwarded packet's OUT pass sees what its IN pass
 * pushed); like the tag it is copied with the packet and its fragments,
 * dropped by the lo0 loop and lost in a divert round trip.
 */
#define	PKT_CALLSTACK_SIZE	16

#define	PKT_FW_TAGS		8	/* ipfw tags kept on one packet */

struct pkt_callstack {
	uint8_t		 sp;		/* entries in use */
	uint16_t	 rule[PKT_CALLSTACK_SIZE];
	/* ipfw's `tag N` (MTAG_IPFW tags): the same life as the stack. */
	uint8_t		 ntags;
	uint16_t	 tags[PKT_FW_TAGS];
};

/* Lineage history hook: a refcounted blob owned by the loop detector. */
struct pkt_hist {
	unsigned	 refs;
	void		(*free_fn)(struct pkt_hist *);
};

struct pkt {
	uint8_t		*data;		/* IPv4 header */
	uint32_t	 len;		/* valid bytes at data */
	uint32_t	 cap;		/* bytes available from buf */
	struct ifnet	*rcvif;		/* received on; NULL if originated */
	uint64_t	 lineage;	/* simulator identity, see above */
	struct pkt_hist	*hist;		/* divert history of the lineage */
	struct pkt_fw_ref fw_ref;	/* ipfw re-entry reference */
	struct pkt_callstack fw_calls;	/* ipfw call stack (release 14) */
	/* 6.x's PACKET_TAG_DIVERT put on a fragment a divert rule sends to
	 * ip_reass() (port 0: none); the datagram keeps the first
	 * fragment's. */
	uint32_t	 div_rule;
	uint16_t	 div_port;
	uint32_t	 flags;		/* PKT_F_* */
	/* PACKET_TAG_IPFORWARD: the next hop ipfw's `fwd` set (host
	 * order), valid with PKT_F_IP_NEXTHOP; port 0: none given. */
	uint32_t	 fwd_nh;
	uint16_t	 fwd_port;
	uint32_t	 held;		/* enum pkt_holder */
	struct pkt	*live_prev;	/* list of every live packet, so the */
	struct pkt	*live_next;	/* end of a run can account for them */
	uint8_t		 buf[];
};

#define	PKT_F_DIVERT_REASS	0x0001u	/* reassembled for a divert rule */
#define	PKT_F_SKIP_FIREWALL	0x0002u	/* M_SKIP_FIREWALL: ipfw passes it */
#define	PKT_F_IP_NEXTHOP	0x0004u	/* M_IP_NEXTHOP: fwd_nh is set */
#define	PKT_F_FASTFWD_OURS	0x0008u	/* M_FASTFWD_OURS: deliver here */

/* Allocate a packet of len bytes (contents undefined) with a new lineage. */
struct pkt	*pkt_alloc(uint32_t len);
/* A new packet holding a copy of bytes, with a new lineage. */
struct pkt	*pkt_from_bytes(const void *bytes, uint32_t len);
/* A copy of bytes continuing lineage (0: a new one). */
struct pkt	*pkt_from_bytes_lineage(const void *bytes, uint32_t len,
		    uint64_t lineage);
/* A full copy (bytes and metadata, same lineage, history shared). */
struct pkt	*pkt_copy(const struct pkt *m);
/* Free m and drop its history reference. NULL is allowed. */
void		 pkt_free(struct pkt *m);
/* Shorten m to len bytes (len <= m->len). */
void		 pkt_trim(struct pkt *m, uint32_t len);
/* Make m->hist point at h (taking a reference), dropping the old one. */
void		 pkt_set_hist(struct pkt *m, struct pkt_hist *h);
void		 pkt_hist_ref(struct pkt_hist *h);
void		 pkt_hist_unref(struct pkt_hist *h);

/* Lineage numbering; reset at the start of each simulated world. */
uint64_t	 pkt_new_lineage(void);
void		 pkt_reset_lineages(void);
/* Number of packets allocated and not yet freed (leak checks). */
uint64_t	 pkt_live_count(void);
/*
 * Free every packet still alive (held by events that will never run once a
 * simulation is torn down) and return how many there were.
 */
uint64_t	 pkt_free_all(void);

/*
 * Packet accounting for the conservation audit.  Every packet object made
 * (pkt_alloc, pkt_from_bytes*, pkt_copy) is "created"; it ends either in a
 * fate (pkt_dispose) or still alive, in which case its holder says where.
 * pkt_free() is for teardown: a packet freed by it while a run is being
 * accounted is "unaccounted", which the audit reports as an internal error.
 */
enum pkt_fate {
	PKT_FATE_DELIVERED,	/* read by a protocol of this host */
	PKT_FATE_DROPPED,	/* ip_drop(), counted under its reason */
	PKT_FATE_FRAGMENTED,	/* replaced by its fragments */
	PKT_FATE_REASSEMBLED,	/* a fragment merged into its datagram */
	PKT_FATE_DIVERT_READ,	/* read from a divert socket by a program */
	PKT_FATE_LINK,		/* handed to a link device as a frame */
	PKT_FATE_COUNT
};

enum pkt_holder {
	PKT_HELD_NONE,		/* nobody: leaked if still alive at the end */
	PKT_HELD_SOCKET,	/* a divert socket's receive buffer */
	PKT_HELD_REASS,		/* a reassembly queue */
	PKT_HELD_EVENT,		/* a scheduled event (netisr, lo0) */
	PKT_HELD_COUNT
};

struct pkt_acct {
	uint64_t	 created;
	uint64_t	 fate[PKT_FATE_COUNT];
	uint64_t	 unaccounted;	/* pkt_free() of a packet with no fate */
	uint64_t	 live;
	uint64_t	 held[PKT_HELD_COUNT]; /* live packets by holder */
};

/* Record m's fate, then free it.  NULL is allowed. */
void		 pkt_dispose(struct pkt *m, enum pkt_fate fate);
/* Record who holds m now (PKT_HELD_NONE when it leaves its holder). */
void		 pkt_hold(struct pkt *m, enum pkt_holder where);
/* The figures since the last pkt_acct_reset(); walks the live packets. */
void		 pkt_acct_read(struct pkt_acct *a);
/* Start accounting afresh (a new world); live packets are not forgotten. */
void		 pkt_acct_reset(void);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_PKT_H */

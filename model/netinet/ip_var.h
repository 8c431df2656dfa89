/*
 * The IPv4 stack's entry points, laid out like FreeBSD's sys/netinet.
 * Every function that takes a struct pkt consumes it unless it says
 * otherwise.
 */
#ifndef DIVERTSIM_IP_VAR_H
#define DIVERTSIM_IP_VAR_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

struct host;
struct ifnet;
struct pkt;

/* ip_output() flags (FreeBSD's names). */
#define	IP_FORWARDING	0x1	/* from ip_forward(): TTL already handled */
#define	IP_RAWOUTPUT	0x2	/* header as given (divert write-back) */

/* Default TTL of originated packets (net.inet.ip.ttl). */
#define	IPDEFTTL	64
/* FreeBSD's reassembly timeout: ipfragttl 60 slow-timer ticks of 500 ms. */
#define	IPFRAGTTL_NS	(30ull * 1000000000ull)
/* Bound on fragments queued for reassembly per host (net.inet.ip.maxfragpackets
 * counts datagrams; this counts fragments). */
#define	IP_MAXFRAGS	1024
/* net.inet.ip.maxfragsperpacket's default: fragments held per datagram. */
#define	IP_MAXFRAGSPERPACKET	16

/*
 * ip_input(): a datagram arrived on m->rcvif (never NULL: the interface it
 * came in on, or the one a divert write-back names), possibly with m->fw_ref
 * set by divert.  Header checks, the pfil IN hooks, local delivery through
 * ip_protox[] with reassembly, or ip_forward().
 */
void		 ip_input(struct host *h, struct pkt *m);
/* ip_forward(): TTL check and decrement, route, ip_output(IP_FORWARDING). */
void		 ip_forward(struct host *h, struct pkt *m);
/* ip_tryforward() past its IN hook (release 14's fast path). */
void		 ip_tryforward(struct host *h, struct pkt *m);
/*
 * ip_output(): route lookup, the pfil OUT hooks (ipfw resumes after
 * m->fw_ref when set), header checksum, fragmentation or EMSGSIZE,
 * if_output().
 * Returns 0 or the errno FreeBSD's ip_output returns: EHOSTUNREACH (no
 * route), EMSGSIZE (DF and too big), EACCES (release 6) / EPERM (release 14)
 * when ipfw denies, EADDRNOTAVAIL (loopback address on a non-loopback
 * interface).
 */
int		 ip_output(struct host *h, struct pkt *m, int flags);
/*
 * Originate a datagram: fills version, header length, total length, id,
 * TTL, protocol, addresses (src 0 = the outgoing interface's first address)
 * and sends it with ip_output. payload is copied. Returns ip_output's errno.
 */
int		 ip_send(struct host *h, uint32_t src, uint32_t dst,
		    uint8_t proto, uint8_t ttl, uint8_t tos, bool df,
		    const uint8_t *payload, uint32_t payload_len);
/* ip_send() of a datagram that carries PKT_F_* flags from birth (such
 * as M_SKIP_FIREWALL on what ipfw itself sends). */
int		 ip_send_flags(struct host *h, uint32_t src, uint32_t dst,
		    uint8_t proto, uint8_t ttl, uint8_t tos, bool df,
		    const uint8_t *payload, uint32_t payload_len,
		    uint32_t pkt_flags);

/*
 * ip_reass(): consume-or-complete. Queues the fragment m and returns NULL,
 * or returns the whole datagram (header checksum recomputed, lineage of the
 * first fragment) when m completes it. Drops are counted and logged.
 */
struct pkt	*ip_reass(struct host *h, struct pkt *m);
struct ip_reass_state *ip_reass_state_new(void);
/* Frees every queued fragment (counted as fragdropped, not logged). */
void		 ip_reass_state_free(struct ip_reass_state *s);
/* Fragments currently queued. */
unsigned	 ip_reass_queued(const struct ip_reass_state *s);

/*
 * The protocol switch (FreeBSD's ip_protox[] and ipproto_register()).  A
 * protocol's input routine gets a whole datagram addressed to this host,
 * counted in ip.delivered, and consumes it.  A protocol nobody registered
 * goes to rip_input(): no raw socket, so ICMP protocol unreachable and
 * ip.noproto.
 */
#define	IP_NPROTO	256
typedef void	ipproto_input_t(struct host *h, struct pkt *m);
/* Registers input for proto on h: 0, or EEXIST when proto is taken. */
int		 ipproto_register(struct host *h, uint8_t proto,
		    ipproto_input_t *input);
/*
 * pr_ctlinput: an ICMP error (type, code, the needfrag MTU) quoting a
 * datagram of the protocol; quoted/qlen is the quoted IP header and what
 * follows it.  Registered with ipproto_register_ctlinput().
 */
typedef void	ipproto_ctlinput_t(struct host *h, int type, int code,
		    uint32_t mtu, const uint8_t *quoted, uint32_t qlen);
int		 ipproto_register_ctlinput(struct host *h, uint8_t proto,
		    ipproto_ctlinput_t *ctlinput);
/* Takes proto back to rip_input(): 0, or ENOENT when it had no input. */
int		 ipproto_unregister(struct host *h, uint8_t proto);
/* The stack's own protocols (in_proto.c's inetsw[]), for host_new(). */
void		 in_proto_init(struct host *h);
/* Frees the host's own copy of the tables, if a registration made one. */
void		 in_proto_free(struct host *h);
/* rip_input(): the no-protocol case (consumes m). */
void		 rip_input(struct host *h, struct pkt *m);

/*
 * The divert hook ipfw calls (FreeBSD's ip_divert_ptr, set when the divert
 * module loads): hands m (consumed) to the divert socket bound to port.
 * incoming: caught on the IN pass.  rulenum: the tag.  entry: the tag the
 * packet entered the ipfw pass with, or DIVERT_ENTRY_FRESH; used to
 * recognise loops.
 */
typedef void	ip_divert_packet_t(struct host *h, struct pkt *m,
		    bool incoming, uint16_t port, uint32_t rulenum,
		    uint32_t entry);
/* `entry` of a packet that met ipfw without a re-entry tag.  Tag 0 is not
 * the same: a written-back packet matches `diverted` rules. */
#define	DIVERT_ENTRY_FRESH	UINT32_MAX

/*
 * ip_fragment(), as FreeBSD's: split m (a datagram whose ip_len exceeds mtu,
 * header checksum not yet needed) into fragments that fit mtu, appended to
 * out in order (struct pkt *, each owned by out's caller).  Each fragment
 * carries the original header, a multiple of 8 data bytes except the last,
 * its offset, MF on all but the last (and on the last too when m was itself
 * a non-last fragment), and a fresh header checksum.  Options are copied
 * whole into every fragment (FreeBSD copies only the options with the copy
 * bit: a documented simplification).  Fragments keep m's lineage and
 * metadata.  Consumes m on success.  Returns 0, or EMSGSIZE when mtu leaves
 * no room for 8 data bytes (m not consumed then).
 */
int		 ip_fragment(struct pkt *m, uint32_t mtu, GPtrArray *out);

/*
 * The source address ip_send() would choose for dst: the local address
 * itself for a route to one of ours (RTF_LOCAL), else the first address of
 * the route's interface, as in_pcbladdr() does.  Returns 0 and *src, or
 * EHOSTUNREACH (no route) or EADDRNOTAVAIL (interface without address).
 */
int		 ip_select_src(const struct host *h, uint32_t dst,
		    uint32_t *src);

/* in_broadcast(): whether dst is all-ones or a subnet broadcast of h. */
bool		 in_broadcast(const struct host *h, uint32_t dst);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IP_VAR_H */

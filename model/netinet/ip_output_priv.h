/*
 * Private to the IPv4 stack (model/net, model/netinet) and its traffic
 * applications: the steps that tests call directly (ip_fragment), the
 * transmit tap that lets a test see what an interface would send, the
 * socket control blocks of UDP and ping, and the drop helper for reasons
 * the public enum does not name.  Not for other layers.
 */
#ifndef DIVERTSIM_IP_OUTPUT_PRIV_H
#define DIVERTSIM_IP_OUTPUT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

struct host;
struct ifnet;
struct pkt;

/* ---- output ------------------------------------------------------------ */

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

/*
 * icmp_error() over saved bytes of the offending datagram (olen bytes at
 * op, at least its header and 8 data bytes when it had them), as
 * ip_forward() keeps them in mcopy; rcvif may be NULL.
 */
void		 icmp_error_bytes(struct host *h, const uint8_t *op,
		    uint32_t olen, const struct ifnet *rcvif, int type,
		    int code, uint32_t mtu);

/* Whether dst is a broadcast for h: all-ones or a subnet broadcast. */
bool		 in_broadcast(const struct host *h, uint32_t dst);

/*
 * Transmit tap for tests: when set, every if_output() on an interface
 * without a link device hands the packet to fn (which owns it) instead of
 * dropping it.  NULL restores the default.  Process-wide.
 */
typedef void	(*if_output_tap_fn)(void *ctx, struct ifnet *ifp,
		    struct pkt *m);
void		 if_set_output_tap(if_output_tap_fn fn, void *ctx);

/* ---- drops ------------------------------------------------------------- */

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

/* ---- sockets ----------------------------------------------------------- */

struct udp_pcb;

/*
 * A datagram for a bound UDP socket: data/len is the UDP payload, src/sport
 * the sender.  Borrowed for the call only.
 */
typedef void	(*udp_input_fn)(void *ctx, struct udp_pcb *pcb, uint32_t src,
		    uint16_t sport, uint32_t dst, const uint8_t *data,
		    uint32_t len);

/* A UDP socket bound to INADDR_ANY:lport (struct inpcb's role). */
struct udp_pcb {
	struct host	*h;
	uint16_t	 lport;		/* host order */
	udp_input_fn	 input;
	void		*ctx;
	void		(*detach)(void *ctx);	/* frees ctx (host_free) */
};

/* socket()+bind(): EADDRINUSE when the port is taken. */
int		 udp_pcb_bind(struct host *h, uint16_t lport, udp_input_fn fn,
		    void *ctx, void (*detach)(void *ctx), struct udp_pcb **out);
/* Lowest unbound port from 49152 (IPPORT_EPHEMERALFIRST) upward, or 0. */
uint16_t	 udp_ephemeral_port(const struct host *h);
/* close(): unbinds and frees (calls detach). */
void		 udp_pcb_free(struct udp_pcb *pcb);
/*
 * sendto(): a datagram of len payload bytes to dst:dport from the socket's
 * port, source address chosen by route, UDP checksum over the
 * pseudo-header.  Returns ip_send()'s errno.
 */
int		 udp_output(struct udp_pcb *pcb, uint32_t dst, uint16_t dport,
		    const uint8_t *data, uint32_t len, uint8_t ttl, bool df);

/*
 * A ping(8) raw socket: icmp_input() hands it every echo reply whose id
 * matches.  data/len is the whole ICMP message.
 */
struct ping_pcb {
	struct host	*h;
	uint16_t	 id;
	void		(*reply)(void *ctx, uint32_t src, uint16_t seq,
			    const uint8_t *icmp, uint32_t len);
	void		*ctx;
	void		(*detach)(void *ctx);	/* frees ctx (host_free) */
};

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IP_OUTPUT_PRIV_H */

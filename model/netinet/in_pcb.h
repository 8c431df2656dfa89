/*
 * Socket control blocks of the stack's own sockets (FreeBSD's struct
 * inpcb's role): a UDP socket bound to a port, and ping(8)'s raw ICMP
 * socket.  The functions that act on them are in udp_var.h and
 * icmp_var.h.
 */
#ifndef DIVERTSIM_IN_PCB_H
#define DIVERTSIM_IN_PCB_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct host;
struct udp_pcb;

/*
 * A datagram for a bound UDP socket: data/len is the UDP payload, src/sport
 * the sender.  Borrowed for the call only.
 */
typedef void	(*udp_input_fn)(void *ctx, struct udp_pcb *pcb, uint32_t src,
		    uint16_t sport, uint32_t dst, const uint8_t *data,
		    uint32_t len);

/* A UDP socket bound to INADDR_ANY:lport. */
struct udp_pcb {
	struct host	*h;
	uint16_t	 lport;		/* host order */
	udp_input_fn	 input;
	void		*ctx;
	void		(*detach)(void *ctx);	/* frees ctx (host_free) */
};

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

#endif /* DIVERTSIM_IN_PCB_H */

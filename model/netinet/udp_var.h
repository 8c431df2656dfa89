/*
 * UDP (FreeBSD's netinet/udp_var.h): input from the protocol switch, and
 * the socket calls of a UDP socket (struct udp_pcb, in_pcb.h).
 */
#ifndef DIVERTSIM_UDP_VAR_H
#define DIVERTSIM_UDP_VAR_H

#include <stdbool.h>
#include <stdint.h>

#include "netinet/in_pcb.h"

#ifdef __cplusplus
extern "C" {
#endif

struct host;
struct pkt;

/* udp_input(): a datagram for this host with protocol UDP (ip_protox). */
void		 udp_input(struct host *h, struct pkt *m);

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

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_UDP_VAR_H */

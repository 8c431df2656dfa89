/*
 * ICMP (FreeBSD's netinet/icmp_var.h and ip_icmp.h's kernel part): input
 * from the protocol switch, and the error messages the stack sends.
 */
#ifndef DIVERTSIM_ICMP_VAR_H
#define DIVERTSIM_ICMP_VAR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct host;
struct ifnet;
struct pkt;

/* icmp_input(): a datagram for this host with protocol ICMP (ip_protox). */
void		 icmp_input(struct host *h, struct pkt *m);

/* badport_bandlim(): 0 if a response of kind `which` (BANDLIM_*) may be
 * sent now, -1 if net.inet.icmp.icmplim says no (counted). */
int		 badport_bandlim(struct host *h, int which);

/* icmp_error(): send an ICMP error about orig (borrowed, not consumed);
 * mtu is used for needfrag. Never answers an ICMP error, a non-first
 * fragment, or a broadcast, as FreeBSD's icmp_error() refuses to. */
void		 icmp_error(struct host *h, const struct pkt *orig, int type,
		    int code, uint32_t mtu);

/*
 * icmp_error() over saved bytes of the offending datagram (olen bytes at
 * op, at least its header and 8 data bytes when it had them), as
 * ip_forward() keeps them in mcopy; rcvif may be NULL.
 */
void		 icmp_error_bytes(struct host *h, const uint8_t *op,
		    uint32_t olen, const struct ifnet *rcvif, int type,
		    int code, uint32_t mtu);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_ICMP_VAR_H */

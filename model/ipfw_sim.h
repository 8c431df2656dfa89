/*
 * The hook between the IPv4 stack and ipfw: FreeBSD's ip_fw_pfil.c.  It
 * runs the engine at the IN and OUT points and applies the verdict: pass,
 * deny, reject, divert (reassembling incoming fragments first), tee, reass.
 */
#ifndef DIVERTSIM_IPFW_SIM_H
#define DIVERTSIM_IPFW_SIM_H

#ifdef __cplusplus
extern "C" {
#endif

struct host;
struct ifnet;
struct pkt;

#define	PFIL_IN		1
#define	PFIL_OUT	2

/*
 * ipfw_check_packet(): the pfil hook (ipfw_check_hook / ipfw_check_packet).
 * ifp is the receive interface on PFIL_IN, the transmit interface on
 * PFIL_OUT.  Outcomes:
 *   returns 0, *mp != NULL: go on with *mp (it may be a different packet,
 *                           e.g. the datagram completed by `reass`);
 *   returns 0, *mp == NULL: the packet was taken (diverted, queued for
 *                           reassembly); not an error;
 *   returns an errno, *mp == NULL: denied (EACCES on release 6, EPERM on
 *                           release 14), already counted and freed.
 * Does nothing when net.inet.ip.fw.enable=0 or the host has no ipfw
 * (host->fw_loaded false).
 */
int		 ipfw_check_packet(struct host *h, struct pkt **mp,
		    struct ifnet *ifp, int dir);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IPFW_SIM_H */

/*
 * The hook between the IPv4 stack and ipfw: FreeBSD's ip_fw_pfil.c.  It
 * runs the engine at the IN and OUT points and applies the verdict: pass,
 * deny, reject, divert (reassembling incoming fragments first), tee, reass.
 */
#ifndef DIVERTSIM_IPFW_SIM_H
#define DIVERTSIM_IPFW_SIM_H

#include "net/pfil.h"

#ifdef __cplusplus
extern "C" {
#endif

struct host;
struct ifnet;
struct pkt;

/*
 * ipfw_attach(): load ipfw into h's kernel (ipfw_modevent(MOD_LOAD) with
 * ipfw_hook()): creates the host's chain (h->fw, freed with the host) and
 * adds ipfw_check_packet() to the host's pfil hooks in both directions.
 * Returns 0, or EEXIST when ipfw is already attached.
 */
int		 ipfw_attach(struct host *h);

/*
 * ipfw_check_packet(): the pfil hook (ipfw_check_hook / ipfw_check_packet),
 * with pfil's outcome contract (net/pfil.h); ifp is never NULL.  On a deny
 * the errno is EACCES on release 6 and EPERM on release 14.  divert and tee
 * go through h->ip_divert_ptr; without it (a kernel without IPDIVERT) both
 * drop the packet (divert.disabled).  Does nothing when
 * net.inet.ip.fw.enable=0 or the host has no ipfw (h->fw NULL).
 */
int		 ipfw_check_packet(struct host *h, struct pkt **mp,
		    struct ifnet *ifp, int dir);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IPFW_SIM_H */

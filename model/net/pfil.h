/*
 * Packet filter hooks, as FreeBSD's pfil(9): the stack calls
 * pfil_run_hooks() at its two filtering points (ip_input() before "ours",
 * ip_output() after the route) and never names a firewall.  A firewall
 * attaches itself with pfil_add_hook() when it is loaded into a host's
 * kernel (ipfw: ipfw_attach()).  One head per host: hosts share nothing.
 */
#ifndef DIVERTSIM_PFIL_H
#define DIVERTSIM_PFIL_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct host;
struct ifnet;
struct pkt;

/* Directions (FreeBSD's flags), also the hook's registration flags. */
#define	PFIL_IN		0x1
#define	PFIL_OUT	0x2

/*
 * A hook (pfil_func_t).  arg is what was given to pfil_add_hook().  ifp is
 * the receive interface on PFIL_IN, the transmit interface on PFIL_OUT,
 * never NULL.  The outcome contract, the same for every hook:
 *   returns 0, *mp != NULL: go on with *mp (it may be another packet, e.g.
 *                           a datagram completed by reassembly);
 *   returns 0, *mp == NULL: the hook took the packet (diverted, queued);
 *   returns an errno, *mp == NULL: denied, already counted and freed.
 */
typedef int	pfil_func_t(void *arg, struct host *h, struct pkt **mp,
		    struct ifnet *ifp, int dir);
/* Called by host_free() for each hook still attached (module unload). */
typedef void	pfil_dtor_t(void *arg);

struct pfil_hook;

/* A host's hooks, one list per direction (struct pfil_head). */
struct pfil_head {
	struct pfil_hook *ph_in;	/* run in order on PFIL_IN */
	struct pfil_hook *ph_out;	/* run in order on PFIL_OUT */
};

/*
 * pfil_add_hook(): attach fn/arg for the directions in flags
 * (PFIL_IN|PFIL_OUT).  As FreeBSD's pfil_list_add(), an input hook goes to
 * the head of its list and an output hook to the tail, so that packets
 * meet the filters in mirror order on the way in and out.  dtor (may be
 * NULL) runs once when the host is freed.  Returns 0, EINVAL (no
 * direction) or EEXIST (fn/arg already attached).
 */
int		 pfil_add_hook(struct host *h, pfil_func_t *fn, void *arg,
		    int flags, pfil_dtor_t *dtor);
/* pfil_remove_hook(): detach fn/arg (dtor not run).  0 or ENOENT. */
int		 pfil_remove_hook(struct host *h, pfil_func_t *fn, void *arg);
/* PFIL_HOOKED(): whether any hook is attached for dir. */
bool		 pfil_hooked(const struct host *h, int dir);
/*
 * pfil_run_hooks(): run the hooks for dir (exactly one of PFIL_IN or
 * PFIL_OUT) in order until one returns an error or takes the packet, with
 * the hooks' outcome contract above.  ifp must not be NULL: a packet at
 * the IN point has a receive interface and one at the OUT point has a
 * route's interface (asserted here, the one place for every hook).
 */
int		 pfil_run_hooks(struct host *h, struct pkt **mp,
		    struct ifnet *ifp, int dir);
/* Runs every hook's dtor and frees the lists (host_free()). */
void		 pfil_head_free(struct host *h);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_PFIL_H */

/*
 * What the parts of the generator share: the topology being built, with
 * its nodes, links, routes and the counts each node will show.
 */
#ifndef DIVERTSIM_SCN_GEN_PRIV_H
#define DIVERTSIM_SCN_GEN_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#include "scenario/scn_gen.h"

#define	GEN_UDP_DPORT		5000u
#define	GEN_UDP_SPORT0		6000u
#define	GEN_START_NS		1000000000ull	/* first flow starts at 1s */
#define	GEN_STAGGER_NS		100000ull	/* next flow 100us later */
#define	GEN_RULE_COUNT		50u
#define	GEN_RULE_DIVERT		100u
#define	GEN_RULE_ALLOW		65000u
#define	GEN_DEFTTL		64u	/* IPDEFTTL: sent, replies, errors */
#define	GEN_PLAN_PLEN		30u	/* every link is a /30 */

struct gen_link {
	unsigned	 a, b;		/* node indices; a gets .1, b .2 */
	unsigned	 ifa, ifb;	/* interface numbers (emN) */
};

struct gen_route {
	unsigned	 eh;		/* end host (node index) */
	unsigned	 ifidx;		/* interface toward it */
};

struct gen_node {
	char		 prefix;	/* 'r' router, 'h' end host */
	unsigned	 num;
	GArray		*ifl;		/* unsigned link index per interface */
	GArray		*attached;	/* router: end hosts on it (unsigned) */
	GArray		*rt;		/* router: struct gen_route */
	int		 dflt_if;	/* router: default route's if, or -1 */
	uint64_t	*gwcount;	/* router: scratch, per interface */
	bool		 diverts;
	uint64_t	 reads;		/* expected divert reads */
	uint64_t	 udp_received, echo_requests, ping_received;
	uint64_t	 timxceed;	/* end host: time exceeded received */
	uint64_t	 ttl_exceeded;	/* router: not forwarded, TTL */
	bool		 listens;	/* a UDP flow ends here */
	bool		 pings;		/* a ping flow starts here */
};

struct gen_topo {
	GArray		*nodes;		/* struct gen_node */
	GArray		*links;		/* struct gen_link */
	GArray		*ehosts;	/* unsigned node index, h0, h1, ... */
	GArray		*routers;	/* unsigned node index, r1, r2, ... */
	uint64_t	 rediverts;
	bool		 model_known;	/* divert counts computed */
	bool		 delivery_known;
	bool		 fragmented;
	bool		 queues_checked; /* scn_gen_expect.c followed them */
};

#define	NODE(t, i)	(&g_array_index((t)->nodes, struct gen_node, (i)))
#define	LINK(t, i)	(&g_array_index((t)->links, struct gen_link, (i)))
#define	UIDX(a, i)	(g_array_index((a), unsigned, (i)))

/* scn_gen_topo.c */
void		 gen_topo_init(struct gen_topo *t);
void		 gen_topo_free(struct gen_topo *t);
bool		 gen_count_links(struct scn_gen_opts *o, uint64_t *links,
		    GError **err);
void		 gen_build(struct gen_topo *t, const struct scn_gen_opts *o);
unsigned	 gen_peer(const struct gen_topo *t, unsigned v, unsigned ifidx);
unsigned	 gen_bfs(const struct gen_topo *t, unsigned src, int *up,
		    unsigned *dist, unsigned *queue);

/* scn_gen_route.c */
uint32_t	 gen_link_net(unsigned k);
uint32_t	 gen_link_addr(const struct gen_topo *t, unsigned k,
		    unsigned v);
void		 gen_compute_routes(struct gen_topo *t);
unsigned	 gen_attach_router(const struct gen_topo *t, unsigned eh);
unsigned	 gen_route_lookup(const struct gen_topo *t, unsigned r,
		    unsigned eh);

/* scn_gen_expect.c */
void		 gen_flow_ends(const struct gen_topo *t, unsigned f,
		    unsigned *s, unsigned *d);
bool		 gen_check_fragments(const struct scn_gen_opts *o,
		    GError **err);
bool		 gen_check_queues(struct gen_topo *t,
		    const struct scn_gen_opts *o, GError **err);
void		 gen_compute_expectations(struct gen_topo *t,
		    const struct scn_gen_opts *o);

/* scn_gen_write.c */
void		 gen_put_scenario(FILE *out, const struct gen_topo *t,
		    const struct scn_gen_opts *o, int argc, char **argv);
void		 gen_fmt_duration(char *buf, size_t len, uint64_t ns);
const char	*gen_node_name(const struct gen_topo *t, unsigned v,
		    char *buf, size_t len);

#endif /* DIVERTSIM_SCN_GEN_PRIV_H */

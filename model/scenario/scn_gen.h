/*
 * `divertsim gen`: synthetic topologies written as ordinary scenario files
 * (chain, star, tree, ring, grid, random), with addressing, routes,
 * forwarding, divert rules and programs, traffic and the expectations a
 * correct run meets.  The command line (tools/gen_cli.c) fills struct
 * scn_gen_opts; scn_gen_write() checks that a correct run can meet what
 * is asked (the address plan, the link queues, the divert receive buffers,
 * the fragment limit) and writes the file.
 *
 * The work is split by job: topology (scn_gen_topo.c), addressing and
 * routes (scn_gen_route.c), expectations and the feasibility checks
 * (scn_gen_expect.c), writing (scn_gen_write.c).
 */
#ifndef DIVERTSIM_SCN_GEN_H
#define DIVERTSIM_SCN_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

#define	GEN_MAX_FLOWS		10000u
#define	GEN_MAX_COUNT		1000000u
#define	GEN_MAX_RULES		100000u
#define	GEN_HDR_BYTES		28u	/* IPv4 header + UDP/ICMP header */
#define	GEN_MAX_DURATION_NS	3600000000000ull	/* 3600s */
#define	GEN_MAX_RATE_BPS	1000000000000ull	/* 1000Gbps */

enum scn_gen_kind { GEN_CHAIN, GEN_STAR, GEN_TREE, GEN_RING, GEN_GRID,
    GEN_RANDOM, GEN_NKINDS };
enum scn_gen_via { GEN_VIA_IN, GEN_VIA_OUT, GEN_VIA_BOTH };
enum scn_gen_proto { GEN_UDP, GEN_ICMP };

extern const char *const scn_gen_kind_names[GEN_NKINDS];
extern const char *const scn_gen_via_names[3];

struct scn_gen_opts {
	enum scn_gen_kind kind;
	unsigned	 n;		/* routers, leaves or depth */
	unsigned	 w, h;		/* grid */
	unsigned	 fanout;
	unsigned	 degree;
	bool		 degree_given;
	unsigned	 divert_every;
	enum scn_gen_via via;
	char		**prog;		/* program and arguments, NULL-ended */
	uint64_t	 service_ns;	/* divert -t */
	bool		 service_given;
	uint32_t	 rcvbuf;	/* divert -b */
	bool		 rcvbuf_given;
	unsigned	 port;
	unsigned	 rules;
	unsigned	 flows;
	unsigned	 count;
	uint64_t	 interval_ns;
	unsigned	 size_bytes;
	bool		 size_given;
	enum scn_gen_proto proto;
	uint64_t	 rate_bps;
	bool		 rate_given;
	uint64_t	 delay_ns;
	bool		 delay_given;
	unsigned	 mtu;
	bool		 mtu_given;
	uint32_t	 seed;
	bool		 seed_given;
	unsigned	 release;	/* 0: not given */
	unsigned	 ttl;
	bool		 ttl_given;
	bool		 no_expect;
};

/* The defaults (reinject, one flow of 3 packets 10ms apart, ...). */
void		 scn_gen_opts_init(struct scn_gen_opts *o);
void		 scn_gen_opts_clear(struct scn_gen_opts *o);
/* Links the address plan holds (docs/generating.md). */
uint64_t	 scn_gen_max_links(void);
/* NUMBER[.FRACTION]UNIT as the scenario language writes a duration (s,
 * ms, us, ns) or a rate (bps, Kbps, Mbps, Gbps), at most max. */
bool		 scn_gen_parse_duration(const char *s, uint64_t max,
		    uint64_t *ns);
bool		 scn_gen_parse_rate(const char *s, uint64_t max, uint64_t *bps);
/* Whether words (a divert program and its arguments) would start: the
 * program's own argument check, as `lint` runs it. */
bool		 scn_gen_program_check(char *const *words, GError **err);
/* Check o and write the scenario to out (argv: the command, for the
 * header comment).  False with *err set when o asks for something a
 * correct run cannot meet; nothing is written then. */
bool		 scn_gen_write(struct scn_gen_opts *o, int argc, char **argv,
		    FILE *out, GError **err);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_SCN_GEN_H */

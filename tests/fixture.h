/*
 * The shared fixture of the stack suites.
 *
 * A bare world (fx_init .. fx_fini): a simulation context with counters and
 * an event log (text and JSON lines, both kept in memory), hosts made by fx_host(), interfaces by fx_if() whose
 * output is caught by a per-interface tap into fx_sent.  A scenario world
 * (fx_scn_build .. fx_scn_free) for suites that need whole programs.
 *
 * Packet helpers forge datagrams with a reference RFC 1071 checksum
 * written independently of model/wire, so the model is not checked with
 * itself.
 *
 * fx_fini() is the common teardown, and it fails the test when something
 * outlived it: an open socket (divert, UDP, ping) the test did not declare,
 * a pending event, or a live packet.
 */
#ifndef DIVERTSIM_TEST_FIXTURE_H
#define DIVERTSIM_TEST_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "net/host.h"
#include "net/if.h"
#include "pkt/pkt.h"
#include "sim/sim_ctx.h"

struct scenario;
struct world;

#define	FX_A(a, b, c, d)						\
	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) |		\
	 ((uint32_t)(c) << 8) | (uint32_t)(d))

/* ---- bare world -------------------------------------------------------- */

extern struct sim_ctx	 fx_sim;
extern GPtrArray	*fx_sent;	/* struct pkt *, in tap order */
extern GPtrArray	*fx_sent_if;	/* struct ifnet * of each */

/* A fresh simulation, counters and text event log; no hosts yet. */
void		 fx_init(void);
/* How a fixture host's firewall starts. */
enum fx_fw {
	FX_FW_OFF,	/* net.inet.ip.fw.enable=0: the stack alone, past
			   ipfw's default deny */
	FX_FW_DEFAULT,	/* host_new()'s state, untouched */
	FX_FW_LOADED,	/* ipfw and divert(4) attached, as for a scenario
			   host given ipfw commands */
};

/* A host owned by the fixture (freed by fx_fini). */
struct host	*fx_host(const char *name, int release, enum fx_fw fw);
/* Interface name on h with addr/plen (addr 0: none), its output tapped. */
struct ifnet	*fx_if(struct host *h, const char *name, uint32_t addr,
		    uint8_t plen);
/* Free h now (to test what its teardown does); fx_fini() skips it. */
void		 fx_host_free(struct host *h);
/*
 * The UDP and ping sockets h's applications keep open on purpose (they
 * live until the run ends, as a process's sockets until it exits);
 * fx_fini() checks these counts (default 0).  Divert sockets must always
 * be closed by the test.
 */
void		 fx_sockets_left(struct host *h, unsigned udp, unsigned ping);
/* `ipfw -q add RULE` on h; the test fails if the rule is refused. */
void		 fx_rule(struct host *h, const char *rule);
/* fx_rule() for each of a NULL-terminated list. */
void		 fx_rules(struct host *h, const char *const rules[]);
/* The bytes of the i-th tapped packet. */
const uint8_t	*fx_sent_data(guint i);
/* Whether the event log's text so far contains needle. */
bool		 fx_log_has(const char *needle);
/* The events.jsonl lines logged so far. */
const char	*fx_jsonl(void);
/* Run the simulation to absolute time t_ns (the clock gets there). */
void		 fx_run_to(uint64_t t_ns);
/*
 * Assert that no socket is open on any fixture host, then free the hosts
 * and assert that no event is pending and no packet is alive; then free
 * the simulation.
 */
void		 fx_fini(void);

/* ---- scenario world ---------------------------------------------------- */

/* Parse and build text (the test fails if either fails); quiet output
 * unless FX_VERBOSE is set in the environment. */
struct world	*fx_scn_build(const char *text);
/* Run it; the number of failed expectations.  The test fails if packet
 * conservation does not hold at the end. */
unsigned	 fx_scn_run(void);
/*
 * Free the world and the scenario; no packet may outlive them.  (What the
 * world still held when its run ended is freed by world_free() and counted
 * as sim.in_flight, which is for the test's expectations to check.)
 */
void		 fx_scn_free(void);
/* A counter of the current scenario world (0 if unknown). */
uint64_t	 fx_scn_counter(const char *name);

/* ---- packets ----------------------------------------------------------- */

/* The checksum field's value for a block summing to sum with the field 0. */
uint16_t	 fx_cksum(uint32_t sum);
/* Whether a block holding its checksum is right (sums to 0xffff). */
bool		 fx_cksum_ok(const uint8_t *p, size_t n);
/* Whether the UDP checksum (pseudo-header included) of ip is right. */
bool		 fx_udp_cksum_ok(const uint8_t *ip);
/* Write the checksum at p + sum_off over n bytes at p. */
void		 fx_cksum_fill(uint8_t *p, size_t n, size_t sum_off);
/* Write the UDP checksum of ip (0 computed is sent as 0xffff). */
void		 fx_udp_cksum_fill(uint8_t *ip);

/*
 * A datagram as it would arrive on ifp: 20-byte header (id 0x1234, the
 * offset field `off` as on the wire, right checksum), payload copied.
 */
struct pkt	*fx_ip(struct ifnet *ifp, uint32_t src, uint32_t dst,
		    uint8_t proto, uint8_t ttl, uint16_t off,
		    const uint8_t *pl, uint32_t plen);
/* An ICMP echo message (type 8 or 0) at buf with datalen data bytes. */
uint32_t	 fx_echo(uint8_t *buf, uint8_t type, uint16_t id, uint16_t seq,
		    uint32_t datalen);
/* A UDP header and datalen payload bytes at buf, checksum right. */
uint32_t	 fx_udp(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport,
		    uint16_t dport, uint32_t datalen);

/* Byte k of the fragment forger's pattern (for in-order data). */
uint8_t		 fx_pattern(uint32_t k);
/*
 * An IPv4 fragment src -> dst received on ifp: TTL 64, id, payload bytes
 * [off, off + len) of a datagram, MF as given.  fill < 0: the bytes are
 * fx_pattern(off + k); else every byte is fill.
 */
struct pkt	*fx_frag(struct ifnet *ifp, uint32_t src, uint32_t dst,
		    uint8_t proto, uint16_t id, uint32_t off, uint32_t len,
		    bool mf, int fill);

#endif /* DIVERTSIM_TEST_FIXTURE_H */

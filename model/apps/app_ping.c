/*
 * ping(8): ICMP echo requests on a timer, replies matched by id and
 * counted once per sequence number (duplicates apart), as ping.c's
 * pinger() and pr_pack() do.
 */
#include <errno.h>
#include <string.h>

#include <netinet/in.h>

#include <glib.h>

#include "apps/app_traffic.h"
#include "net/host.h"
#include "netinet/in_pcb.h"
#include "netinet/ip_var.h"
#include "sim/counters.h"
#include "sim/events.h"
#include "sim/sim_names.h"
#include "sim/sim_sched.h"
#include "wire/wire_icmp.h"
#include "wire/wire_print.h"

/* ping.c's MAX_DUP_CHK: one bit per sequence number modulo 65536. */
#define	PING_DUP_BITS	65536u
/* ping.c's TIMEVAL_LEN: the struct tv32 at the start of the data. */
#define	PING_TV_LEN	8u
/*
 * What pr_pack() wants in a reply before it reads the tv32: data of
 * sizeof(struct timespec), 16 bytes on amd64, not TIMEVAL_LEN.  A shorter
 * reply (ping -s 8..15) prints no time and turns timing off for good.
 */
#define	PING_TS_LEN	16u

struct ping_app {
	struct host	*h;
	struct ping_pcb	*pcb;
	uint32_t	 dst;
	uint32_t	 count;		/* 0: forever */
	uint32_t	 ntransmitted;
	uint64_t	 interval_ns;
	uint32_t	 size;
	bool		 df;
	bool		 timing;	/* ping.c's `timing` */
	uint8_t		 ttl;
	uint64_t	 timer;		/* pending send event, 0 if none */
	uint8_t		*rcvd_tbl;	/* PING_DUP_BITS bits */
	uint8_t		*packet;	/* ICMP_MINLEN + size bytes */
	uint64_t	*c_sent, *c_received, *c_duplicates;
};

static void
ping_send(void *arg)
{
	struct ping_app *pa = arg;
	uint8_t *icp = pa->packet;
	uint64_t now;
	uint32_t len = ICMP_MINLEN + pa->size;

	pa->timer = 0;
	icmp_set_type(icp, ICMP_ECHO);
	icmp_set_code(icp, 0);
	icmp_set_echo_id(icp, pa->pcb->id);
	icmp_set_echo_seq(icp, (uint16_t)pa->ntransmitted);
	/* The bit for this sequence number starts clear (CLR() in pinger). */
	pa->rcvd_tbl[(pa->ntransmitted & 0xffff) >> 3] &=
	    (uint8_t)~(1u << (pa->ntransmitted & 7));
	/*
	 * pinger() truncates the seconds to 32 bits ("we're only concerned
	 * with durations"); once timing is off the old stamp stays in the
	 * packet, as in ping.c's outpack.
	 */
	if (pa->timing) {
		now = sim_now();
		wire_put32(icp + ICMP_F_DATA,
		    (uint32_t)(now / SIM_NS_PER_S));
		wire_put32(icp + ICMP_F_DATA + 4,
		    (uint32_t)(now % SIM_NS_PER_S));
	}
	icmp_sum_fill(icp, len);
	pa->ntransmitted++;
	(*pa->c_sent)++;
	(void)ip_send(pa->h, 0, pa->dst, IPPROTO_ICMP, pa->ttl, 0, pa->df,
	    icp, len);
	if (pa->count == 0 || pa->ntransmitted < pa->count)
		pa->timer = sim_schedule(pa->interval_ns, ping_send, pa);
}

/*
 * The round-trip time of a reply whose tv32 says sec, nsec, received at
 * now_ns, as pr_pack() computes it with timespecsub() and clamps a
 * negative time to 0 ("time of day goes back").  The seconds are those
 * pinger() truncated to 32 bits: their difference is taken modulo 2^32 as
 * a signed 32-bit number, which is pr_pack()'s result whenever the clock
 * is below 2^31 s and stays right beyond 2^32 s of simulated time (a
 * 64-bit subtraction would add 2^32 s per wrap of the stamp).
 */
static uint64_t
ping_triptime_ns(uint32_t sec, uint32_t nsec, uint64_t now_ns)
{
	uint32_t now_sec = (uint32_t)(now_ns / SIM_NS_PER_S);
	int64_t dsec = (int32_t)(now_sec - sec);
	int64_t dnsec = (int64_t)(now_ns % SIM_NS_PER_S) - (int64_t)nsec;
	int64_t t = dsec * (int64_t)SIM_NS_PER_S + dnsec;

	return (t > 0 ? (uint64_t)t : 0);
}

/* rtt: the round-trip time in ns, or -1 when timing is off. */
static void
ping_reply_event(struct ping_app *pa, uint32_t src, uint16_t seq,
    uint32_t len, bool dup, int64_t rtt)
{
	char a[INET_ADDRSTRLEN];
	struct ev *e;

	e = ev_begin(pa->h->sim->log, pa->h->name, "ping-reply");
	if (e == NULL)
		return;
	ev_addr(e, "src", src);
	ev_int(e, "seq", seq);
	ev_int(e, "len", len);
	ev_bool(e, "dup", dup);
	ev_textf(e, "ping: %u bytes from %s: icmp_seq=%u", len,
	    inet_addr_str(src, a), seq);
	if (rtt >= 0) {
		ev_int(e, "rtt_ns", rtt);
		ev_textf(e, " time=%.3f ms", (double)rtt / 1e6);
	}
	if (dup)
		ev_textf(e, " (DUP!)");
	ev_end(e);
}

/* pr_pack(): a reply with our id; a sequence number seen before is a
 * duplicate. */
static void
ping_reply(void *ctx, uint32_t src, uint16_t seq, const uint8_t *icmp,
    uint32_t len)
{
	struct ping_app *pa = ctx;
	uint8_t bit = (uint8_t)(1u << (seq & 7));
	int64_t rtt = -1;
	bool dup;

	if (pa->timing && len < ICMP_MINLEN + PING_TS_LEN)
		pa->timing = false;
	if (pa->timing)
		rtt = (int64_t)ping_triptime_ns(wire_get32(icmp + ICMP_F_DATA),
		    wire_get32(icmp + ICMP_F_DATA + 4), sim_now());

	dup = (pa->rcvd_tbl[seq >> 3] & bit) != 0;
	if (dup) {
		(*pa->c_duplicates)++;
	} else {
		pa->rcvd_tbl[seq >> 3] |= bit;
		(*pa->c_received)++;
	}
	ping_reply_event(pa, src, seq, len, dup, rtt);
}

static void
ping_detach(void *ctx)
{
	struct ping_app *pa = ctx;

	if (pa->timer != 0)
		sim_cancel(pa->timer);
	g_free(pa->rcvd_tbl);
	g_free(pa->packet);
	g_free(pa);
}

int
app_ping_start(struct host *h, uint32_t dst, uint32_t count,
    uint64_t interval_ns, uint32_t size, bool df, uint8_t ttl)
{
	struct counters *c = h->sim->counters;
	struct ping_app *pa;
	struct ping_pcb *pp;
	uint32_t i;

	/* APP_MAX_PAYLOAD already leaves room for the 8-byte echo header. */
	if (size > APP_MAX_PAYLOAD)
		return (EMSGSIZE);
	if (interval_ns == 0 && count != 1)
		return (EINVAL);
	pa = g_new0(struct ping_app, 1);
	pa->h = h;
	pa->dst = dst;
	pa->count = count;
	pa->interval_ns = interval_ns;
	pa->size = size;
	pa->df = df;
	/* main(): timing when the data has room for the tv32. */
	pa->timing = size >= PING_TV_LEN;
	pa->ttl = ttl;
	pa->rcvd_tbl = g_malloc0(PING_DUP_BITS / 8);
	pa->packet = g_malloc(ICMP_MINLEN + size);
	/* ping.c fills the data once: byte i holds i (after the tv32). */
	for (i = 0; i < size; i++)
		pa->packet[ICMP_MINLEN + i] = (uint8_t)i;
	pa->c_sent = counters_slotf(c, "%s.ping.sent", h->name);
	pa->c_received = counters_slotf(c, "%s.ping.received", h->name);
	pa->c_duplicates = counters_slotf(c, "%s.ping.duplicates", h->name);

	pp = g_new0(struct ping_pcb, 1);
	pp->h = h;
	/* ping(8) uses its pid; here a fixed function of host and rank. */
	pp->id = (uint16_t)((g_str_hash(h->name) & 0xffffu) +
	    host_list_len(h->ping_pcbs) * 0x101u);
	pp->reply = ping_reply;
	pp->ctx = pa;
	pp->detach = ping_detach;
	pa->pcb = pp;
	host_list_add(&h->ping_pcbs, pp);
	pa->timer = sim_schedule(0, ping_send, pa);
	return (0);
}

/*
 * ip_drop(): the one place where a packet dies.  Each reason counts its
 * counter, logs a `drop` event with a tcpdump-like summary of the packet,
 * and frees it (as ns-3's Ipv4L3Protocol drop trace and OpenBSD pf's REASON_SET do).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "net/host.h"
#include "net/if.h"
#include "netinet/ip_drop.h"
#include "pkt/pkt.h"
#include "sim/counters.h"
#include "sim/events.h"
#include "wire/wire_ip.h"
#include "wire/wire_print.h"

/* Indexed by enum drop_reason; keep in the enum's order. */
static const char *const drop_names[DROP_REASON_COUNT] = {
	[DROP_TOOSHORT] = "too-short",
	[DROP_BADVERS] = "bad-version",
	[DROP_BADHLEN] = "bad-hlen",
	[DROP_BADLEN] = "bad-len",
	[DROP_BADSUM] = "badsum",
	[DROP_NOROUTE] = "no-route",
	[DROP_CANTFORWARD] = "not-forwarding",
	[DROP_TTL] = "ttl-exceeded",
	[DROP_CANTFRAG] = "cantfrag",
	[DROP_FRAG_TIMEOUT] = "frag-timeout",
	[DROP_FRAG_OVERFLOW] = "frag-overflow",
	[DROP_FRAG_BAD] = "frag-bad",
	[DROP_NOPROTO] = "no-proto",
	[DROP_UDP_NOPORT] = "udp-noport",
	[DROP_UDP_BADSUM] = "udp-badsum",
	[DROP_ICMP_BADSUM] = "icmp-badsum",
	[DROP_ICMP_CONSUMED] = "icmp-consumed",
	[DROP_DENIED] = "denied",
	[DROP_DIVERT_NOPORT] = "no-divert-socket",
	[DROP_DIVERT_DISABLED] = "ipdivert-disabled",
	[DROP_DIVERT_FULL] = "socket-full",
	[DROP_DIVERT_BADSUM] = "divert-badsum",
	[DROP_LOOP] = "loop",
	[DROP_QUEUE_FULL] = "queue-full",
	[DROP_WRITE_ERROR] = "write-error",
	[DROP_PROC_EXIT] = "program-drop",
};

const char *
drop_reason_name(enum drop_reason r)
{

	if ((unsigned)r >= DROP_REASON_COUNT || drop_names[r] == NULL)
		return ("unknown");
	return (drop_names[r]);
}

void
ip_summary(const struct pkt *m, char *buf, size_t size)
{

	wire_print_ip(buf, size, m->data, m->len);
}

/* The counter a reason increments (NULL: none, e.g. write-error, whose
 * errno the process layer counts). */
static uint64_t *
drop_slot(struct host *h, struct pkt *m, enum drop_reason r,
    const struct ifnet *ifp, unsigned port)
{
	struct counters *c = h->sim->counters;

	switch (r) {
	case DROP_TOOSHORT:
		return (&h->ipstat.tooshort);
	case DROP_BADVERS:
		return (&h->ipstat.badvers);
	case DROP_BADHLEN:
		return (&h->ipstat.badhlen);
	case DROP_BADLEN:
		return (&h->ipstat.badlen);
	case DROP_BADSUM:
		/*
		 * A datagram written to a divert socket as incoming meets
		 * ip_input()'s checksum test like any other; the divert
		 * figure records where it came from.
		 */
		if ((m->fw_ref.info & IPFW_REF_DIVERT) != 0)
			(*counters_slotf(c, "%s.divert.badsum", h->name))++;
		return (&h->ipstat.badsum);
	case DROP_NOROUTE:
		return (&h->ipstat.noroute);
	case DROP_CANTFORWARD:
		return (&h->ipstat.cantforward);
	case DROP_TTL:
		return (&h->ipstat.ttl_exceeded);
	case DROP_CANTFRAG:
		return (&h->ipstat.cantfrag);
	case DROP_FRAG_TIMEOUT:
		return (&h->ipstat.fragtimeout);
	case DROP_FRAG_OVERFLOW:
	case DROP_FRAG_BAD:
		return (&h->ipstat.fragdropped);
	case DROP_NOPROTO:
		return (&h->ipstat.noproto);
	case DROP_UDP_NOPORT:
		return (&h->udpstat.noport);
	case DROP_UDP_BADSUM:
		return (&h->udpstat.badsum);
	case DROP_ICMP_BADSUM:
		return (&h->icmpstat.badsum);
	case DROP_DENIED:
		return (&h->fw_denied);
	case DROP_DIVERT_NOPORT:
		return (counters_slotf(c, "%s.divert.noport", h->name));
	case DROP_DIVERT_DISABLED:
		return (counters_slotf(c, "%s.divert.disabled", h->name));
	case DROP_DIVERT_FULL:
		return (counters_slotf(c, "%s.divert.%u.dropped_full",
		    h->name, port));
	case DROP_DIVERT_BADSUM:
		return (counters_slotf(c, "%s.divert.badsum", h->name));
	case DROP_LOOP:
		h->sim->loops++;
		return (counters_slotf(c, "%s.divert.%u.loops", h->name,
		    port));
	case DROP_QUEUE_FULL:
		if (ifp == NULL)
			return (NULL);
		/* host_new() registered if_oqdrops under this name. */
		return (counters_slotf(c, "%s.if.%s.qdrops", h->name,
		    ifp->if_xname));
	case DROP_ICMP_CONSUMED:
	case DROP_WRITE_ERROR:
	case DROP_PROC_EXIT:
	case DROP_REASON_COUNT:
		break;
	}
	return (NULL);
}

static bool
drop_has_port(enum drop_reason r)
{

	return (r == DROP_DIVERT_NOPORT || r == DROP_DIVERT_DISABLED ||
	    r == DROP_DIVERT_FULL || r == DROP_LOOP ||
	    r == DROP_WRITE_ERROR || r == DROP_PROC_EXIT);
}

/*
 * The summary of a packet ip_output() drops before filling its header (no
 * route): its checksum is not computed yet, which is no fault of it, and
 * its source is not chosen yet.
 */
static void
unfilled_summary(const struct pkt *m, char *buf, size_t size)
{
	uint8_t *copy;
	char *at;

	copy = g_memdup2(m->data, m->len);
	ip_set_sum(copy, 0);
	ip_set_sum(copy, ip_sum_compute(copy));
	wire_print_ip(buf, size, copy, m->len);
	g_free(copy);
	if (ip_get_src(m->data) == 0 && (at = strstr(buf, "0.0.0.0 > ")) !=
	    NULL) {
		memmove(at + 6, at + 8, strlen(at + 8) + 1);
		memcpy(at, "unset ", 6);
	}
}

/* Why, in the words a person needs to fix the scenario. */
static char *
drop_cause(const struct host *h, const struct pkt *m, enum drop_reason r)
{
	char dst[16];
	uint32_t a;

	if (m->len < IP_HDR_MIN_BYTES)
		return (NULL);
	a = ip_get_dst(m->data);
	snprintf(dst, sizeof(dst), "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
	if (r == DROP_NOROUTE)
		return (g_strdup_printf("host %s has no route to %s", h->name,
		    dst));
	if (r == DROP_CANTFORWARD && !h->sysctl.forwarding)
		return (g_strdup_printf("%s is not for host %s, which has "
		    "net.inet.ip.forwarding=0", dst, h->name));
	if (r == DROP_CANTFORWARD)
		return (g_strdup_printf("%s is never forwarded "
		    "(in_canforward())", dst));
	return (NULL);
}

static void
drop_event(struct host *h, const struct pkt *m, const char *reason,
    const struct ifnet *ifp, bool has_port, unsigned port,
    enum drop_reason r)
{
	char sum[WIRE_PRINT_MAX];
	char *cause;
	struct ev *e;

	e = ev_begin(h->sim->log, h->name, "drop");
	if (e == NULL)
		return;
	if (ifp == NULL)
		ifp = m->rcvif;
	if (r == DROP_NOROUTE && m->rcvif == NULL &&
	    m->len >= IP_HDR_MIN_BYTES && ip_get_sum(m->data) == 0)
		unfilled_summary(m, sum, sizeof(sum));
	else
		ip_summary(m, sum, sizeof(sum));
	ev_str(e, "reason", reason);
	ev_int(e, "len", m->len);
	ev_int(e, "lineage", (int64_t)m->lineage);
	if (ifp != NULL)
		ev_str(e, "if", ifp->if_xname);
	if (has_port)
		ev_int(e, "port", port);
	ev_textf(e, "drop %s", reason);
	if (ifp != NULL)
		ev_textf(e, " %s", ifp->if_xname);
	if (has_port)
		ev_textf(e, " port %u", port);
	cause = drop_cause(h, m, r);
	if (cause != NULL)
		ev_textf(e, " (%s)", cause);
	g_free(cause);
	ev_textf(e, ": %s", sum);
	ev_end(e);
}

void
ip_drop(struct host *h, struct pkt *m, enum drop_reason r,
    const struct ifnet *ifp, unsigned port)
{
	uint64_t *slot;

	if (m == NULL)
		return;
	if (r == DROP_ICMP_CONSUMED) {
		/* Not a drop (see ip_drop.h): only icmp.* counted it. */
		ip_consumed(m);
		return;
	}
	slot = drop_slot(h, m, r, ifp, port);
	if (slot != NULL)
		(*slot)++;
	drop_event(h, m, drop_reason_name(r), ifp, drop_has_port(r), port, r);
	pkt_free(m);
}

void
ip_drop_named(struct host *h, struct pkt *m, const char *reason,
    uint64_t *slot, const struct ifnet *ifp)
{

	if (m == NULL)
		return;
	if (slot != NULL)
		(*slot)++;
	drop_event(h, m, reason, ifp, false, 0, DROP_REASON_COUNT);
	pkt_free(m);
}

void
ip_consumed(struct pkt *m)
{

	pkt_free(m);
}

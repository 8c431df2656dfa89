/*
 * ip_drop(): the one place where a packet dies.  Each reason counts its
 * counter, logs a `drop` event with a tcpdump-like summary of the packet,
 * and frees it (as ns-3's Ipv4L3Protocol drop trace and OpenBSD pf's
 * REASON_SET do).  Counter names follow netstat -s (FreeBSD's ipstat,
 * udpstat, icmpstat fields without their prefix) wherever FreeBSD counts
 * the drop.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "net/host.h"
#include "net/if.h"
#include "netinet/ip_drop.h"
#include "pkt/pkt.h"
#include "sim/counters.h"
#include "sim/events.h"
#include "wire/wire_ip.h"
#include "wire/wire_print.h"

const struct drop_desc drop_table[DROP_REASON_COUNT] = {
	[DROP_TOOSHORT] = { "too-short", "ip.tooshort", false,
	    "shorter than an IP header, or than its own ip_len" },
	[DROP_BADVERS] = { "bad-version", "ip.badvers", false,
	    "IP version is not 4" },
	[DROP_BADHLEN] = { "bad-hlen", "ip.badhlen", false,
	    "header length below 20 bytes or beyond the datagram" },
	[DROP_BADLEN] = { "bad-len", "ip.badlen", false,
	    "ip_len smaller than the header length" },
	[DROP_BADSUM] = { "badsum", "ip.badsum", false,
	    "IP header checksum wrong" },
	[DROP_BADADDR] = { "bad-addr", "ip.badaddr", false,
	    "127/8 address on a non-loopback interface (RFC 1122)" },
	[DROP_NOTMEMBER] = { "not-member", "ip.notmember", false,
	    "multicast datagram for a group this host has not joined" },
	[DROP_NOROUTE] = { "no-route", "ip.noroute", false,
	    "no route to the destination" },
	[DROP_FWD_NOROUTE] = { "fwd-no-route", "ip.fwd_noroute", false,
	    "no route to forward it by (6.x ip_forward(): ip_rtaddr() failed)" },
	[DROP_NOSRCADDR] = { "no-source-address", "ip.nosrcaddr", false,
	    "the outgoing interface has no address to send from" },
	[DROP_CANTFORWARD] = { "not-forwarding", "ip.cantforward", false,
	    "not for this host and net.inet.ip.forwarding is 0" },
	[DROP_TTL] = { "ttl-exceeded", "ip.ttl_exceeded", false,
	    "TTL would reach 0 when forwarded" },
	[DROP_CANTFRAG] = { "cantfrag", "ip.cantfrag", false,
	    "larger than the MTU with DF set" },
	[DROP_FRAG_TIMEOUT] = { "frag-timeout", "ip.fragtimeout", false,
	    "reassembly did not complete within 30 s" },
	[DROP_FRAG_OVERFLOW] = { "frag-overflow", "ip.fragdropped", false,
	    "reassembly limits reached (queues or fragments per datagram)" },
	[DROP_FRAG_BAD] = { "frag-bad", "ip.fragdropped", false,
	    "fragment overlaps, has a bad length or makes it too long" },
	[DROP_NOPROTO] = { "no-proto", "ip.noproto", false,
	    "no such protocol on this host" },
	[DROP_UDP_HDROPS] = { "udp-tooshort", "udp.hdrops", false,
	    "shorter than a UDP header" },
	[DROP_UDP_BADLEN] = { "udp-badlen", "udp.badlen", false,
	    "uh_ulen below 8 or beyond the datagram" },
	[DROP_UDP_BADSUM] = { "udp-badsum", "udp.badsum", false,
	    "UDP checksum wrong" },
	[DROP_UDP_NOPORT] = { "udp-noport", "udp.noport", false,
	    "no socket bound to the destination port" },
	[DROP_UDP_NOPORTBCAST] = { "udp-noport-bcast", "udp.noportbcast",
	    false, "broadcast or multicast to a port with no socket" },
	[DROP_TCP_TOOSHORT] = { "tcp-tooshort", "tcp.rcvshort", false,
	    "shorter than a TCP header" },
	[DROP_TCP_BADOFF] = { "tcp-badoff", "tcp.rcvbadoff", false,
	    "TCP data offset below 20 bytes or beyond the segment" },
	[DROP_TCP_BADSUM] = { "tcp-badsum", "tcp.badsum", false,
	    "TCP checksum wrong" },
	[DROP_TCP_BROADCAST] = { "tcp-broadcast", "tcp.bcastdrops", false,
	    "a TCP segment to a broadcast or multicast address" },
	[DROP_TCP_NOPORT] = { "tcp-noport", "tcp.noport", false,
	    "no connection for the segment (answered with RST unless RST)" },
	[DROP_TCP_LISTEN_NOSYN] = { "tcp-listen-nosyn", "tcp.noport", false,
	    "to a listening port, but not a bare SYN (RST unless RST)" },
	[DROP_ICMP_TOOSHORT] = { "icmp-tooshort", "icmp.tooshort", false,
	    "shorter than an ICMP header" },
	[DROP_ICMP_BADSUM] = { "icmp-badsum", "icmp.badsum", false,
	    "ICMP checksum wrong" },
	[DROP_DENIED] = { "denied", "ipfw.denied", false,
	    "an ipfw rule denied it (deny, reject, unreach, refused tag)" },
	[DROP_NAT_DENIED] = { "nat-denied", "ipfw.nat_denied", false,
	    "ipfw nat refused it (no such instance; incoming: deny_in and "
	    "no link, or a fragment whose first one was not translated)" },
	[DROP_DIVERT_NOPORT] = { "no-divert-socket", "divert.noport", true,
	    "diverted to a port no socket is bound to" },
	[DROP_DIVERT_DISABLED] = { "ipdivert-disabled", "divert.disabled",
	    true, "divert or tee on a kernel without IPDIVERT" },
	[DROP_DIVERT_FULL] = { "socket-full", "divert.PORT.dropped_full", true,
	    "the divert socket's receive buffer was full" },
	[DROP_DIVERT_NOTAG] = { "divert-no-tag", "divert.notag", false,
	    "reassembled for divert, but its first fragment had no divert tag" },
	[DROP_LOOP] = { "loop", "divert.PORT.loops", true,
	    "the packet came back to the same divert port: a loop" },
	[DROP_PROGRAM] = { "program-drop", "divert.PORT.discarded", true,
	    "the divert program read it and wrote nothing back" },
	[DROP_QUEUE_FULL] = { "queue-full", "if.IF.qdrops", false,
	    "the link's transmit queue was full" },
	[DROP_IF_DOWN] = { "if-down", "if.IF.downdrops", false,
	    "the interface has no link to send on" },
	[DROP_LINK_LOST] = { "link-lost", "if.IF.ierrors", false,
	    "the link lost the frame on its way here (a receive error)" },
};

const struct drop_desc *
drop_desc(enum drop_reason r)
{

	if ((unsigned)r >= DROP_REASON_COUNT || drop_table[r].name == NULL)
		return (NULL);
	return (&drop_table[r]);
}

const char *
drop_reason_name(enum drop_reason r)
{
	const struct drop_desc *d = drop_desc(r);

	return (d != NULL ? d->name : "unknown");
}

void
ip_summary(const struct pkt *m, char *buf, size_t size)
{

	wire_print_ip(buf, size, m->data, m->len);
}

/*
 * The full counter name of a row: "HOST." then the pattern with its IF and
 * PORT components replaced.
 */
static void
drop_counter_name(char *buf, size_t size, const struct host *h,
    const char *pattern, const struct ifnet *ifp, unsigned port)
{
	const char *s = pattern;
	size_t n;

	n = (size_t)snprintf(buf, size, "%s.", h->name);
	while (*s != '\0' && n < size) {
		size_t seg = strcspn(s, ".");

		if (seg == 2 && strncmp(s, "IF", 2) == 0 && ifp != NULL)
			n += (size_t)snprintf(buf + n, size - n, "%s",
			    ifp->if_xname);
		else if (seg == 4 && strncmp(s, "PORT", 4) == 0)
			n += (size_t)snprintf(buf + n, size - n, "%u", port);
		else
			n += (size_t)snprintf(buf + n, size - n, "%.*s",
			    (int)seg, s);
		s += seg;
		if (*s == '.' && n < size) {
			n += (size_t)snprintf(buf + n, size - n, ".");
			s++;
		}
	}
}

/* The pattern of every row as one regular expression, built once. */
static GRegex *
drop_counter_re(void)
{
	static GRegex *re;
	GString *g;

	if (re != NULL)
		return (re);
	g = g_string_new("^(");
	for (size_t r = 0; r < DROP_REASON_COUNT; r++) {
		char **seg = g_strsplit(drop_table[r].counter, ".", -1);

		if (r > 0)
			g_string_append_c(g, '|');
		for (size_t i = 0; seg[i] != NULL; i++) {
			char *lit;

			if (i > 0)
				g_string_append(g, "\\.");
			if (strcmp(seg[i], "IF") == 0)
				g_string_append(g, "[A-Za-z0-9_.]+");
			else if (strcmp(seg[i], "PORT") == 0)
				g_string_append(g, "[0-9]+");
			else {
				lit = g_regex_escape_string(seg[i], -1);
				g_string_append(g, lit);
				g_free(lit);
			}
		}
		g_strfreev(seg);
	}
	g_string_append(g, ")$");
	re = g_regex_new(g->str, G_REGEX_OPTIMIZE, 0, NULL);
	g_assert(re != NULL);
	g_string_free(g, TRUE);
	return (re);
}

bool
drop_counter_match(const char *name)
{

	return (g_regex_match(drop_counter_re(), name, 0, NULL));
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
drop_event(struct host *h, const struct pkt *m, enum drop_reason r,
    const struct ifnet *ifp, unsigned port)
{
	const struct drop_desc *d = &drop_table[r];
	char sum[WIRE_PRINT_MAX];
	char *cause;
	struct ev *e;

	e = ev_begin(h->sim->log, h->name, "drop");
	if (e == NULL)
		return;
	if (r == DROP_NOROUTE && m->rcvif == NULL &&
	    m->len >= IP_HDR_MIN_BYTES && ip_get_sum(m->data) == 0)
		unfilled_summary(m, sum, sizeof(sum));
	else
		ip_summary(m, sum, sizeof(sum));
	ev_str(e, "reason", d->name);
	ev_int(e, "len", m->len);
	ev_int(e, "lineage", (int64_t)m->lineage);
	ev_str(e, "summary", sum);
	if (ifp != NULL)
		ev_str(e, "if", ifp->if_xname);
	if (d->has_port)
		ev_int(e, "port", port);
	ev_textf(e, "drop %s", d->name);
	if (ifp != NULL)
		ev_textf(e, " %s", ifp->if_xname);
	if (d->has_port)
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
	const struct drop_desc *d = drop_desc(r);
	struct counters *c = h->sim->counters;
	char name[256];

	if (m == NULL)
		return;
	g_assert(d != NULL);
	if (ifp == NULL)
		ifp = m->rcvif;
	drop_counter_name(name, sizeof(name), h, d->counter, ifp, port);
	(*counters_slot(c, name))++;
	/*
	 * A datagram written to a divert socket as incoming meets
	 * ip_input()'s checksum test like any other; the divert figure
	 * records where it came from.
	 */
	if (r == DROP_BADSUM && (m->fw_ref.info & IPFW_REF_DIVERT) != 0)
		(*counters_slotf(c, "%s.divert.badsum", h->name))++;
	if (r == DROP_LOOP)
		h->sim->loops++;
	drop_event(h, m, r, ifp, port);
	pkt_dispose(m, PKT_FATE_DROPPED);
}

void
ip_consumed(struct pkt *m)
{

	pkt_dispose(m, PKT_FATE_DELIVERED);
}

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
#include "netinet/ip_var.h"
#include "pkt/pkt.h"
#include "sim/counters.h"
#include "sim/events.h"
#include "sim/sim_names.h"
#include "wire/wire_ip.h"
#include "wire/wire_print.h"

const struct drop_desc drop_table[DROP_REASON_COUNT] = {
	[DROP_TOOSHORT] = { "too-short", "ip.tooshort", false,
	    "shorter than an IP header, or than its own ip_len",
	    "HOST's ip_input() got a datagram shorter than an IP header or "
	    "than its own ip_len" },
	[DROP_BADVERS] = { "bad-version", "ip.badvers", false,
	    "IP version is not 4",
	    "HOST's ip_input() got a datagram whose version is not 4" },
	[DROP_BADHLEN] = { "bad-hlen", "ip.badhlen", false,
	    "header length below 20 bytes or beyond the datagram",
	    "HOST's ip_input() got a header length below 20 bytes or beyond"
	    " the datagram" },
	[DROP_BADLEN] = { "bad-len", "ip.badlen", false,
	    "ip_len smaller than the header length",
	    "HOST's ip_input() got an ip_len smaller than the header length" },
	[DROP_BADSUM] = { "badsum", "ip.badsum", false,
	    "IP header checksum wrong",
	    "the IP header checksum of the datagram from SRC to HOST is "
	    "wrong (a program that changes the header must recompute it)" },
	[DROP_BADADDR] = { "bad-addr", "ip.badaddr", false,
	    "127/8 address on a non-loopback interface (RFC 1122)",
	    "HOST got a 127/8 address (SRC > DST) on an interface that is "
	    "not loopback" },
	[DROP_NOTMEMBER] = { "not-member", "ip.notmember", false,
	    "multicast datagram for a group this host has not joined",
	    "HOST has not joined the multicast group DST" },
	[DROP_NOROUTE] = { "no-route", "ip.noroute", false,
	    "no route to the destination",
	    "HOST has no route to DST" },
	[DROP_FWD_NOROUTE] = { "fwd-no-route", "ip.fwd_noroute", false,
	    "no route to forward it by (6.x ip_forward(): ip_rtaddr() failed)",
	    "HOST has no route to forward DST by" },
	[DROP_NOSRCADDR] = { "no-source-address", "ip.nosrcaddr", false,
	    "the outgoing interface has no address to send from",
	    "the interface HOST would send DST by has no address to send "
	    "from" },
	[DROP_CANTFORWARD] = { "not-forwarding", "ip.cantforward", false,
	    "not for this host and net.inet.ip.forwarding is 0",
	    "net.inet.ip.forwarding=0 on HOST, and DST is not one of its "
	    "addresses" },
	[DROP_TTL] = { "ttl-exceeded", "ip.ttl_exceeded", false,
	    "TTL would reach 0 when forwarded",
	    "the TTL of the datagram to DST would reach 0 when HOST "
	    "forwards it" },
	[DROP_CANTFRAG] = { "cantfrag", "ip.cantfrag", false,
	    "larger than the MTU with DF set",
	    "the datagram to DST is larger than the MTU of HOST's outgoing "
	    "interface and has DF set" },
	[DROP_FRAG_TIMEOUT] = { "frag-timeout", "ip.fragtimeout", false,
	    "reassembly did not complete within 30 s",
	    "HOST did not get every fragment of the datagram from SRC "
	    "within 30 s" },
	[DROP_FRAG_OVERFLOW] = { "frag-overflow", "ip.fragdropped", false,
	    "reassembly limits reached (queues or fragments per datagram)",
	    "HOST's reassembly limits were reached (queues, or fragments "
	    "per datagram)" },
	[DROP_FRAG_BAD] = { "frag-bad", "ip.fragdropped", false,
	    "fragment overlaps, has a bad length or makes it too long",
	    "the fragment from SRC duplicates or overlaps one HOST holds, "
	    "has a bad length or makes the datagram too long" },
	[DROP_NOPROTO] = { "no-proto", "ip.noproto", false,
	    "no such protocol on this host",
	    "HOST has no protocol PROTO" },
	[DROP_UDP_HDROPS] = { "udp-tooshort", "udp.hdrops", false,
	    "shorter than a UDP header",
	    "the UDP datagram from SRC to HOST is shorter than a UDP header" },
	[DROP_UDP_BADLEN] = { "udp-badlen", "udp.badlen", false,
	    "uh_ulen below 8 or beyond the datagram",
	    "the UDP length of the datagram from SRC to HOST is below 8 or beyond "
	    "the datagram" },
	[DROP_UDP_BADSUM] = { "udp-badsum", "udp.badsum", false,
	    "UDP checksum wrong",
	    "the UDP checksum of the datagram from SRC to HOST is wrong" },
	[DROP_UDP_NOPORT] = { "udp-noport", "udp.noport", false,
	    "no socket bound to the destination port",
	    "no UDP socket is bound to port DPORT on HOST" },
	[DROP_UDP_NOPORTBCAST] = { "udp-noport-bcast", "udp.noportbcast",
	    false, "broadcast or multicast to a port with no socket",
	    "no UDP socket is bound to port DPORT on HOST for this "
	    "broadcast or multicast" },
	[DROP_TCP_TOOSHORT] = { "tcp-tooshort", "tcp.rcvshort", false,
	    "shorter than a TCP header",
	    "the TCP segment from SRC to HOST is shorter than a TCP header" },
	[DROP_TCP_BADOFF] = { "tcp-badoff", "tcp.rcvbadoff", false,
	    "TCP data offset below 20 bytes or beyond the segment",
	    "the TCP data offset of the segment from SRC to HOST is below 20 bytes "
	    "or beyond it" },
	[DROP_TCP_BADSUM] = { "tcp-badsum", "tcp.badsum", false,
	    "TCP checksum wrong",
	    "the TCP checksum of the segment from SRC to HOST is wrong" },
	[DROP_TCP_BROADCAST] = { "tcp-broadcast", "tcp.bcastdrops", false,
	    "a TCP segment to a broadcast or multicast address",
	    "HOST takes no TCP segment to the broadcast or multicast "
	    "address DST" },
	[DROP_TCP_NOPORT] = { "tcp-noport", "tcp.noport", false,
	    "no connection for the segment (answered with RST unless RST)",
	    "HOST has no connection or listener for port DPORT" },
	[DROP_TCP_LISTEN_NOSYN] = { "tcp-listen-nosyn", "tcp.noport", false,
	    "to a listening port, but not a bare SYN (RST unless RST)",
	    "HOST listens on port DPORT, but the segment from SRC is not a "
	    "bare SYN" },
	[DROP_ICMP_TOOSHORT] = { "icmp-tooshort", "icmp.tooshort", false,
	    "shorter than an ICMP header",
	    "the ICMP message from SRC to HOST is shorter than an ICMP "
	    "header" },
	[DROP_ICMP_BADSUM] = { "icmp-badsum", "icmp.badsum", false,
	    "ICMP checksum wrong",
	    "the ICMP checksum of the message from SRC to HOST is wrong" },
	[DROP_DENIED] = { "denied", "ipfw.denied", false,
	    "an ipfw rule denied it (deny, reject, unreach, refused tag)",
	    "HOST's ipfw rule RULE took it (deny, reject or unreach; the "
	    "ipfw step before shows it), or its keep-state or limit found "
	    "no room for a state" },
	[DROP_NAT_DENIED] = { "nat-denied", "ipfw.nat_denied", false,
	    "ipfw nat refused it (no such instance; incoming: deny_in and "
	    "no link, or a fragment whose first one was not translated)",
	    "HOST's ipfw nat refused it (no such instance, or deny_in and "
	    "no translation for it, or a fragment whose first one was not "
	    "translated)" },
	[DROP_DIVERT_NOPORT] = { "no-divert-socket", "divert.noport", true,
	    "diverted to a port no socket is bound to",
	    "no divert socket bound to port PORT on HOST" },
	[DROP_DIVERT_DISABLED] = { "ipdivert-disabled", "divert.disabled",
	    true, "divert or tee on a kernel without IPDIVERT",
	    "HOST's kernel has no IPDIVERT, so its divert and tee rules "
	    "drop" },
	[DROP_DIVERT_FULL] = { "socket-full", "divert.PORT.dropped_full", true,
	    "the divert socket's receive buffer was full",
	    "the receive buffer of the divert socket on port PORT of HOST "
	    "was full: its program reads too slowly" },
	[DROP_DIVERT_NOTAG] = { "divert-no-tag", "divert.notag", false,
	    "reassembled for divert, but its first fragment had no divert tag",
	    "HOST reassembled it for divert, but its first fragment was not"
	    " diverted (FreeBSD 6 keeps the first fragment's tags)" },
	[DROP_LOOP] = { "loop", "divert.PORT.loops", true,
	    "the packet came back to the same divert port: a loop",
	    "the packet reached divert port PORT on HOST again exactly as "
	    "an earlier diversion did, so it could only repeat (the loop "
	    "event before gives the cycle)" },
	[DROP_PROGRAM] = { "program-drop", "divert.PORT.discarded", true,
	    "the divert program read it and wrote nothing back",
	    "the program on divert port PORT of HOST read it and wrote "
	    "nothing back" },
	[DROP_QUEUE_FULL] = { "queue-full", "if.IF.qdrops", false,
	    "the link's transmit queue was full",
	    "the transmit queue of HOST's IF was full" },
	[DROP_IF_DOWN] = { "if-down", "if.IF.downdrops", false,
	    "the interface has no link to send on",
	    "HOST's IF has no link to send on" },
	[DROP_LINK_LOST] = { "link-lost", "if.IF.ierrors", false,
	    "the link lost the frame on its way here (a receive error)",
	    "the link lost the frame before HOST's IF got it" },
};

/*
 * ip_reass()'s tests, named after what 6.x ip_reass() (in ip_input.c) and
 * 14's (ip_reass.c) do: `dropfrag` when a queued fragment ahead provides
 * all the new one's data (a duplicate is the commonest case), the dequeue
 * of queued fragments the new one covers entirely, ips_toosmall,
 * ips_toolong, 14's ipq_maxoff test, maxfrags and maxfragsperpacket.
 */
const struct frag_drop_desc frag_drop_table[FRAG_DROP_COUNT] = {
	[FRAG_DROP_DUPLICATE] = { "duplicate",
	    "duplicate of a held fragment",
	    "the fragment from SRC at offset OFF (DATA data bytes) duplicates"
	    " one HOST holds already; ip_reass() keeps the copy that came "
	    "first" },
	[FRAG_DROP_COVERED] = { "covered",
	    "its data all held already",
	    "every data byte of the fragment from SRC at offset OFF is in "
	    "the fragments HOST holds already; ip_reass() keeps what came "
	    "first" },
	[FRAG_DROP_REPLACED] = { "replaced",
	    "a newer fragment carries all its data",
	    "HOST held the fragment from SRC at offset OFF, but a newer one "
	    "carries all of its data: ip_reass() lets a new fragment win "
	    "over the ones after it" },
	[FRAG_DROP_BADLEN] = { "bad-length",
	    "data not a non-zero multiple of 8",
	    "the fragment from SRC at offset OFF carries DATA data bytes: "
	    "none, or not a multiple of 8 though more fragments follow "
	    "(ips_toosmall)" },
	[FRAG_DROP_TOOLONG] = { "too-long",
	    "the datagram would pass 65535 bytes",
	    "the fragments from SRC make a datagram longer than 65535 bytes"
	    " (ips_toolong)" },
	[FRAG_DROP_PASTEND] = { "past-end",
	    "past the end the last fragment set",
	    "the fragment from SRC at offset OFF ends past the end of its "
	    "datagram, which its last fragment set, or is another last "
	    "fragment ending elsewhere (FreeBSD 14's ipq_maxoff test)" },
	[FRAG_DROP_MAXFRAGS] = { "maxfrags",
	    "the host holds " G_STRINGIFY(IP_MAXFRAGS) " fragments already",
	    "HOST holds " G_STRINGIFY(IP_MAXFRAGS) " fragments already, the "
	    "model's bound on every release (FreeBSD 14's "
	    "net.inet.ip.maxfrags; 6.x has no such limit)" },
	[FRAG_DROP_PERPACKET] = { "maxfragsperpacket",
	    "more than " G_STRINGIFY(IP_MAXFRAGSPERPACKET) " fragments of "
	    "one datagram",
	    "the datagram from SRC came in more than "
	    G_STRINGIFY(IP_MAXFRAGSPERPACKET) " fragments without completing"
	    " (net.inet.ip.maxfragsperpacket): ip_reass() drops every one it"
	    " held" },
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

/* A placeholder of a cause sentence, or NULL if word is none. */
static const char *
cause_value(const char *word, size_t n, const struct host *h,
    const struct pkt *m, const struct ifnet *ifp, unsigned port,
    char *buf, size_t size)
{
	bool ip = m != NULL && m->len >= IP_HDR_MIN_BYTES;
	unsigned hl = ip ? ip_get_hlen_bytes(m->data) : 0;

#define	IS(w)	(n == sizeof(w) - 1 && strncmp(word, (w), n) == 0)
	if (IS("HOST"))
		return (h->name);
	if (IS("IF"))
		return (ifp != NULL ? ifp->if_xname : "interface");
	if (IS("PORT") || IS("RULE")) {
		snprintf(buf, size, "%u", port);
		return (buf);
	}
	if (IS("SRC") || IS("DST")) {
		if (!ip)
			return ("?");
		return (inet_addr_str(IS("SRC") ? ip_get_src(m->data) :
		    ip_get_dst(m->data), buf));
	}
	if (IS("PROTO")) {
		snprintf(buf, size, "%u", ip ? ip_get_proto(m->data) : 0);
		return (buf);
	}
	if (IS("OFF") || IS("DATA")) {
		if (!ip)
			return ("?");
		snprintf(buf, size, "%u", IS("OFF") ?
		    (unsigned)ip_get_off_bytes(m->data) :
		    (unsigned)(ip_get_len_bytes(m->data) - hl));
		return (buf);
	}
	if (IS("DPORT")) {
		/* TCP and UDP both keep the destination port at byte 2. */
		if (!ip || m->len < hl + 4)
			return ("?");
		snprintf(buf, size, "%u", (unsigned)(m->data[hl + 2] << 8 |
		    m->data[hl + 3]));
		return (buf);
	}
#undef IS
	return (NULL);
}

/* "NAME: " and the sentence p with its placeholders filled in. */
static char *
why_fill(const struct host *h, const struct pkt *m, const char *name,
    const char *p, const struct ifnet *ifp, unsigned port)
{
	GString *s = g_string_new(name);
	char buf[INET_ADDRSTRLEN + 8];

	g_string_append(s, ": ");
	while (*p != '\0') {
		size_t n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
		const char *v = n > 0 ? cause_value(p, n, h, m, ifp, port,
		    buf, sizeof(buf)) : NULL;

		if (v != NULL) {
			g_string_append(s, v);
			p += n;
		} else if (n > 0) {
			g_string_append_len(s, p, (gssize)n);
			p += n;
		} else {
			g_string_append_c(s, *p++);
		}
	}
	return (g_string_free(s, FALSE));
}

char *
drop_why(const struct host *h, const struct pkt *m, enum drop_reason r,
    const struct ifnet *ifp, unsigned port)
{
	const struct drop_desc *d = drop_desc(r);
	const char *p;

	p = d->cause;
	/* in_canforward() refuses some destinations whatever the sysctl. */
	if (r == DROP_CANTFORWARD && h->sysctl.forwarding)
		p = "DST is never forwarded (in_canforward() on HOST)";
	/* No rule: 6.x ipfw_chk() refused the re-entry tag itself. */
	if (r == DROP_DENIED && port == 0)
		p = "HOST's FreeBSD 6 ipfw refuses a re-entry tag of 65535 "
		    "or more";
	return (why_fill(h, m, d->name, p, ifp, port));
}

char *
drop_why_frag(const struct host *h, const struct pkt *m, enum drop_reason r,
    enum frag_drop fd)
{

	if (fd <= FRAG_DROP_NONE || fd >= FRAG_DROP_COUNT)
		return (drop_why(h, m, r, NULL, 0));
	return (why_fill(h, m, drop_desc(r)->name, frag_drop_table[fd].cause,
	    NULL, 0));
}

/* One --why sentence (owned) as e's `why` list. */
static void
ev_why_one(struct ev *e, char *sentence)
{
	GPtrArray *why = g_ptr_array_new_with_free_func(g_free);

	g_ptr_array_add(why, sentence);
	ev_why(e, why);
	g_ptr_array_free(why, TRUE);
}

void
drop_ev_why(struct ev *e, const struct host *h, const struct pkt *m,
    enum drop_reason r, const struct ifnet *ifp, unsigned port)
{

	if (e == NULL || !h->sim->why)
		return;
	ev_why_one(e, drop_why(h, m, r, ifp, port));
}

static void
drop_event(struct host *h, const struct pkt *m, enum drop_reason r,
    const struct ifnet *ifp, unsigned port, enum frag_drop fd)
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
	if (fd != FRAG_DROP_NONE)
		ev_str(e, "frag", frag_drop_table[fd].name);
	ev_textf(e, "drop %s", d->name);
	if (ifp != NULL)
		ev_textf(e, " %s", ifp->if_xname);
	if (d->has_port)
		ev_textf(e, " port %u", port);
	cause = drop_cause(h, m, r);
	if (cause != NULL)
		ev_textf(e, " (%s)", cause);
	g_free(cause);
	if (fd != FRAG_DROP_NONE)
		ev_textf(e, " (%s)", frag_drop_table[fd].text);
	ev_textf(e, ": %s", sum);
	if (fd != FRAG_DROP_NONE && h->sim->why)
		ev_why_one(e, drop_why_frag(h, m, r, fd));
	else
		drop_ev_why(e, h, m, r, ifp, port);
	ev_end(e);
}

static void
drop_common(struct host *h, struct pkt *m, enum drop_reason r,
    const struct ifnet *ifp, unsigned port, enum frag_drop fd)
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
	drop_event(h, m, r, ifp, port, fd);
	pkt_dispose(m, PKT_FATE_DROPPED);
}

void
ip_drop(struct host *h, struct pkt *m, enum drop_reason r,
    const struct ifnet *ifp, unsigned port)
{

	drop_common(h, m, r, ifp, port, FRAG_DROP_NONE);
}

void
ip_drop_frag(struct host *h, struct pkt *m, enum drop_reason r,
    enum frag_drop fd)
{

	drop_common(h, m, r, NULL, 0, fd);
}

void
ip_consumed(struct pkt *m)
{

	pkt_dispose(m, PKT_FATE_DELIVERED);
}

/*
 * divert(4) sockets: the port table of a host, bind, the receive queue,
 * recvfrom() and sendto().  This file and ipfw_sim.c are where divert(4)
 * semantics live; nothing else needs to know them.
 *
 * The contract (divert(4), FreeBSD's ip_divert.c, docs/spec/semantics.md §1-3):
 *
 * Creating and binding.  Creating a divert socket needs the super-user
 * (EPERM otherwise).  bind() looks only at the port; divert ports are a
 * number space of their own, and one port has at most one socket
 * (EADDRINUSE).
 *
 * Reading (divert_packet, div_recvfrom).  ipfw hands over a packet caught
 * on the IN pass ("incoming") or on the OUT pass ("outgoing").  With no
 * socket bound to the port, or on a kernel without IPDIVERT, the packet is
 * dropped.  recvfrom() fills the address as follows:
 *   sin_port  the tag: the number of the rule that diverted the packet, in
 *             HOST byte order (FreeBSD stores the rule number without
 *             htons);
 *   sin_addr  for incoming packets the first IPv4 address of the receiving
 *             interface (0 if it has none); INADDR_ANY for outgoing ones;
 *   sin_zero  the receiving interface's name, cut to 7 characters and a
 *             NUL, whenever the packet has a receiving interface (also for
 *             forwarded packets caught going out); zeros otherwise.
 * The bytes are the packet as the kernel holds it, in network order.
 * Outgoing packets that this host originated are read with the header
 * checksum their creator left (0 here), because the OUT hook runs before
 * ip_output() fills it in.  A packet that does not fit in the receive
 * buffer (65636 bytes by default, each packet costing its length plus its
 * 16-byte address as sbappendaddr() accounts them) is dropped and counted.
 *
 * Writing (div_sendto, FreeBSD's div_output / div_send).  In order:
 *   0. more than the send buffer (DIVSNDQ, 65636 bytes): EMSGSIZE, from
 *      the socket layer (sosend) before divert sees it;
 *   1. fewer than 20 bytes: EINVAL;
 *   2. an address of the wrong size: EINVAL; of another family:
 *      EAFNOSUPPORT on release 14 (6.x does not look at the family);
 *   3. no address (plain write): on release 6 outgoing, tagged as a
 *      divert output with tag 0 (whole ruleset, `diverted` matches);
 *      EDESTADDRREQ on release 14;
 *   4. IP version other than 4: EAFNOSUPPORT on release 14; release 6
 *      does not look (ip_input() drops it as badvers);
 *   5. the tag is sin_port: ipfw resumes at the first rule numbered
 *      strictly above it (every rule sharing the tag's number is skipped;
 *      tag 0 runs the whole ruleset);
 *   6. an interface name in sin_zero (1 to 7 characters and a NUL) names
 *      the interface the packet "arrived" on, when such an interface
 *      exists;
 *   7. sin_addr == INADDR_ANY: outgoing.  ip_len larger than the data:
 *      EINVAL.  Otherwise ip_output() runs now, in the writer's context,
 *      with the header used as written but its checksum recomputed; its
 *      error comes back from sendto (EHOSTUNREACH, EMSGSIZE with no ICMP,
 *      EACCES/EPERM when the resumed rules deny);
 *   8. any other address: incoming, on the named interface if there is
 *      one, else on the interface owning the address (none: EADDRNOTAVAIL).
 *      ip_input() runs before sendto returns on release 6 and later, as a
 *      queued event, on release 14; either way sendto reports success and
 *      a bad header checksum is dropped by ip_input, unseen by the writer.
 *
 * Loops.  The simulator, unlike the kernel, follows a packet across the
 * process by its lineage (the socket hands the lineage of the packet last
 * read to what is written next).  Each diversion of a lineage is recorded;
 * a diversion at the same host and port, in the same direction, from the
 * same receiving interface (what recvfrom reports), with the same bytes and
 * entering the ruleset with the same tag as an earlier one
 * can only repeat forever (the rule walk is deterministic; `prob` rules and
 * dynamic states are the exceptions, documented), so it is dropped as a
 * loop and the cycle is reported.  A lineage diverted at one host and port more than loop-limit
 * times is dropped as a loop too.
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "divert_queue.h"
#include "net/host.h"
#include "netinet/ip_drop.h"
#include "netinet/ip_var.h"
#include "pkt/in_cksum.h"
#include "pkt/pkt.h"
#include "sim/sim_names.h"
#include "sim/sim_sched.h"
#include "trace/pcap_writer.h"
#include "trace/pcapng_writer.h"
#include "wire/wire_ip.h"
#include "wire/wire_print.h"

/* What sbappendaddr() charges for the address beside each packet. */
#define	DIV_SOCKADDR_BYTES	16u

struct div_qent {
	struct pkt		*m;
	struct sockaddr_in	 from;
	bool			 incoming;	/* caught on the IN pass */
};

struct divert_sock {
	struct host		*h;
	uint16_t		 port;
	bool			 bound;
	uint32_t		 rcvbuf_bytes;
	uint32_t		 queued_bytes;
	/* Receive queue: a ring of entries, grown on demand. */
	struct div_qent		*q;
	unsigned		 q_head, q_len, q_cap;
	void			(*wakeup_fn)(void *);
	void			*wakeup_ctx;
	uint64_t		 wakeup_ev;
	/* Lineage of the packet last read, handed to what is written next. */
	uint64_t		 last_lineage;
	struct pkt_hist		*last_hist;
	struct pcap_writer	*pcap;
	uint16_t		 pcap_port;	/* the port pcap is named after */
};

struct divert_tab {
	GHashTable		*byport;	/* port -> struct divert_sock * */
	GPtrArray		*socks;		/* every socket, bound or not
						   (made by the first) */
};

/*
 * One diversion of a lineage, for loop detection.  `entry` is where the
 * ipfw pass that diverted the packet started: the tag it re-entered with,
 * or DIVERT_ENTRY_FRESH.  A fresh packet and one written back with tag 0
 * both start at the first rule, but only the second matches `diverted`,
 * so they are different states.
 */
struct div_step {
	const struct host	*h;
	const struct ifnet	*rcvif;	/* decides sin_addr and the name */
	uint16_t		 port;
	bool			 incoming;
	uint32_t		 entry;
	uint32_t		 rulenum;
	uint64_t		 hash;
	uint32_t		 len;
};

struct divert_hist {
	struct pkt_hist		 base;
	GArray			*steps;		/* struct div_step */
};

static void div_free(struct divert_sock *so);
static ip_divert_packet_t divert_packet;

/* The module's unload for one host: every socket, then the table. */
static void
divert_detach(void *arg)
{
	struct host *h = arg;
	struct divert_tab *t = h->divert;

	while (host_list_len(t->socks) > 0)
		div_free(g_ptr_array_index(t->socks, t->socks->len - 1));
	if (t->byport != NULL)
		g_hash_table_destroy(t->byport);
	if (t->socks != NULL)
		g_ptr_array_free(t->socks, TRUE);
	g_free(t);
	h->divert = NULL;
	h->ip_divert_ptr = NULL;
}

void
divert_attach(struct host *h)
{
	struct divert_tab *t;

	g_assert(h->divert == NULL);
	t = g_new0(struct divert_tab, 1);
	/* The port table (first bind) and the socket list (first socket) are
	 * made on first use: most hosts have none. */
	h->divert = t;
	/* div_modevent(MOD_LOAD): ip_divert_ptr = divert_packet. */
	h->ip_divert_ptr = h->ipdivert ? divert_packet : NULL;
	host_sysuninit_add(h, divert_detach, h);
}

unsigned
divert_nsocks(const struct host *h)
{
	return (h->divert != NULL ? host_list_len(h->divert->socks) : 0);
}

/* ---- creating and binding -------------------------------------------- */

int
div_attach(struct host *h, uint32_t uid, struct divert_sock **sop)
{
	struct divert_sock *so;

	*sop = NULL;
	/* No divert module in this kernel: no such protocol for socket(2). */
	if (h->divert == NULL)
		return (EPROTONOSUPPORT);
	/* div_attach(): priv_check(PRIV_NETINET_DIVERT); suser() on 6.x. */
	if (uid != 0)
		return (EPERM);
	so = g_new0(struct divert_sock, 1);
	so->h = h;
	so->rcvbuf_bytes = DIVRCVQ;
	host_list_add(&h->divert->socks, so);
	*sop = so;
	return (0);
}

int
div_bind(struct divert_sock *so, uint16_t port)
{
	struct divert_tab *t = so->h->divert;
	struct divert_sock *other;

	if (t->byport == NULL)
		t->byport = g_hash_table_new(g_direct_hash, g_direct_equal);
	other = g_hash_table_lookup(t->byport, GUINT_TO_POINTER(port));
	if (other != NULL && other != so)
		return (EADDRINUSE);
	if (so->bound)
		g_hash_table_remove(t->byport, GUINT_TO_POINTER(so->port));
	so->port = port;
	so->bound = true;
	g_hash_table_insert(t->byport, GUINT_TO_POINTER(port), so);
	/* Counted by ip_drop(); made here so that they read 0 until then. */
	(void)counters_slotf(so->h->sim->counters,
	    "%s.divert.%u.dropped_full", so->h->name, port);
	(void)counters_slotf(so->h->sim->counters, "%s.divert.%u.loops",
	    so->h->name, port);
	/*
	 * The socket's pcap follows its port: a rebind closes the old file
	 * and opens HOST-divertNEWPORT.pcap.  A file that cannot be made is
	 * an output error like the others: the trace folder's error (it ends
	 * the run, exit status 2), counted in sim.trace_errors.
	 */
	if (so->h->sim->traces != NULL &&
	    (so->pcap == NULL || so->pcap_port != port)) {
		char *name = g_strdup_printf("%s-divert%u.pcap", so->h->name,
		    port);

		(void)pcap_writer_close(so->pcap);
		so->pcap = pcap_writer_create(so->h->sim->traces, name,
		    PCAP_LINKTYPE_RAW);
		so->pcap_port = port;
		if (so->pcap == NULL)
			so->h->sim->trace_errors++;
		g_free(name);
	}
	/* The socket's interface in run.pcapng, from its bind on. */
	if (so->h->sim->pcapng != NULL) {
		char ifn[16];

		(void)snprintf(ifn, sizeof(ifn), "divert%u", port);
		(void)pcapng_writer_interface(so->h->sim->pcapng, so->h->name,
		    ifn, PCAP_LINKTYPE_RAW);
	}
	return (0);
}

static void
div_free(struct divert_sock *so)
{
	struct divert_tab *t = so->h->divert;

	if (so->bound &&
	    g_hash_table_lookup(t->byport, GUINT_TO_POINTER(so->port)) == so)
		g_hash_table_remove(t->byport, GUINT_TO_POINTER(so->port));
	/* Packets still queued die with the socket (soclose flushes them). */
	while (so->q_len > 0) {
		pkt_free(so->q[so->q_head].m);
		so->q_head = (so->q_head + 1) % so->q_cap;
		so->q_len--;
	}
	if (so->wakeup_ev != 0)
		sim_cancel(so->wakeup_ev);
	pkt_hist_unref(so->last_hist);
	pcap_writer_close(so->pcap);
	g_free(so->q);
	g_ptr_array_remove(t->socks, so);
	g_free(so);
}

void
div_close(struct divert_sock *so)
{
	if (so != NULL)
		div_free(so);
}

void
div_set_rcvbuf(struct divert_sock *so, uint32_t bytes)
{
	so->rcvbuf_bytes = bytes;
}

void
div_set_wakeup(struct divert_sock *so, void (*fn)(void *), void *ctx)
{
	so->wakeup_fn = fn;
	so->wakeup_ctx = ctx;
}

uint16_t
div_port(const struct divert_sock *so)
{
	return (so->port);
}

uint64_t
div_last_lineage(const struct divert_sock *so)
{
	return (so->last_lineage);
}

struct host *
div_host(const struct divert_sock *so)
{
	return (so->h);
}

unsigned
div_rcv_queued(const struct divert_sock *so)
{
	return (so->q_len);
}

/* ---- the interface name in sin_zero ---------------------------------- */

void
div_sin_zero_set(struct sockaddr_in *sin, const char *ifname)
{
	/* strlcpy into 8 bytes, as divert_packet() does: 7 chars + NUL. */
	memset(sin->sin_zero, 0, sizeof(sin->sin_zero));
	if (ifname != NULL)
		g_strlcpy((char *)sin->sin_zero, ifname,
		    sizeof(sin->sin_zero));
}

bool
div_sin_zero_get(const struct sockaddr_in *sin, char out[8])
{
	size_t i;

	/* div_output(): a name is 1..7 characters followed by a NUL. */
	for (i = 0; i < sizeof(sin->sin_zero); i++)
		if (sin->sin_zero[i] == '\0')
			break;
	if (i == 0 || i == sizeof(sin->sin_zero)) {
		out[0] = '\0';
		return (false);
	}
	memcpy(out, sin->sin_zero, i + 1);
	return (true);
}

/* ---- loop detection --------------------------------------------------- */

static void
divert_hist_free(struct pkt_hist *base)
{
	struct divert_hist *dh = (struct divert_hist *)base;

	g_array_free(dh->steps, TRUE);
	g_free(dh);
}

static struct divert_hist *
divert_hist_of(struct pkt *m)
{
	struct divert_hist *dh;

	if (m->hist != NULL)
		return ((struct divert_hist *)m->hist);
	dh = g_new0(struct divert_hist, 1);
	dh->base.free_fn = divert_hist_free;
	dh->steps = g_array_new(FALSE, FALSE, sizeof(struct div_step));
	pkt_set_hist(m, &dh->base);	/* takes the only reference */
	return (dh);
}

/*
 * A 64-bit hash of the packet bytes (FNV-1a over 8-byte words, then the
 * tail byte by byte): identical bytes give identical hashes; equal hashes
 * with equal lengths are taken as identical packets.
 */
static uint64_t
bytes_hash(const uint8_t *p, uint32_t len)
{
	uint64_t x = 0xcbf29ce484222325ull;
	uint32_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, sizeof(w));
		x ^= w;
		x *= 0x100000001b3ull;
		x ^= x >> 29;
	}
	for (; i < len; i++) {
		x ^= p[i];
		x *= 0x100000001b3ull;
	}
	return (x);
}

static void
loop_report(struct host *h, struct pkt *m, const struct divert_hist *dh,
    unsigned first, const struct div_step *now, const char *why)
{
	struct ev *e;
	GString *cycle, *text, *hosts, *hosts_json;

	e = ev_begin(h->sim->log, h->name, "loop");
	if (e == NULL)
		return;
	cycle = g_string_new("[");
	text = g_string_new(NULL);
	hosts = g_string_new(NULL);
	hosts_json = g_string_new("[");
	for (unsigned i = first; i < dh->steps->len; i++) {
		const struct div_step *s =
		    &g_array_index(dh->steps, struct div_step, i);
		char entry[24];
		bool again = false, host_again = false;

		/* The text names each host, and each distinct step, once:
		 * a lineage going round a long cycle repeats its steps. */
		for (unsigned j = first; j < i; j++) {
			const struct div_step *t =
			    &g_array_index(dh->steps, struct div_step, j);

			if (t->h == s->h)
				host_again = true;
			if (t->h == s->h && t->port == s->port &&
			    t->incoming == s->incoming &&
			    t->rulenum == s->rulenum && t->entry == s->entry)
				again = true;
		}
		if (!host_again) {
			g_string_append_printf(hosts, "%s%s", hosts->len > 0 ?
			    ", " : "", s->h->name);
			g_string_append_printf(hosts_json, "%s\"%s\"",
			    hosts_json->len > 1 ? "," : "", s->h->name);
		}

		if (s->entry == DIVERT_ENTRY_FRESH)
			g_strlcpy(entry, "null", sizeof(entry));
		else
			snprintf(entry, sizeof(entry), "%u", s->entry);
		g_string_append_printf(cycle,
		    "%s{\"host\":\"%s\",\"port\":%u,\"dir\":\"%s\","
		    "\"rule\":%u,\"entry_tag\":%s}",
		    i == first ? "" : ",", s->h->name, s->port,
		    s->incoming ? "in" : "out", s->rulenum, entry);
		if (!again)
			g_string_append_printf(text, "%s:%u %s rule %u "
			    "(entered %s%s) -> ", s->h->name, s->port,
			    s->incoming ? "in" : "out", s->rulenum,
			    s->entry == DIVERT_ENTRY_FRESH ? "fresh" :
			    "after tag ", s->entry == DIVERT_ENTRY_FRESH ? "" :
			    entry);
	}
	g_string_append(cycle, "]");
	g_string_append(hosts_json, "]");

	ev_int(e, "port", now->port);
	ev_int(e, "rule", now->rulenum);
	ev_int(e, "lineage", (int64_t)m->lineage);
	ev_str(e, "why", why);
	ev_json(e, "cycle", cycle->str);
	ev_json(e, "hosts", hosts_json->str);
	ev_textf(e, "LOOP lineage %" G_GUINT64_FORMAT " at port %u, rule %u "
	    "(%s): %s; cycle through %s: %sagain", m->lineage, now->port,
	    now->rulenum, now->incoming ? "in" : "out", why, hosts->str,
	    text->str);
	ev_end(e);
	g_string_free(cycle, TRUE);
	g_string_free(text, TRUE);
	g_string_free(hosts, TRUE);
	g_string_free(hosts_json, TRUE);
}

/*
 * Record this diversion in the lineage's history.  Returns false when it is
 * a loop (reported; the caller drops the packet).
 */
static bool
loop_check(struct host *h, struct pkt *m, bool incoming, uint16_t port,
    uint32_t rulenum, uint32_t entry)
{
	struct divert_hist *dh;
	struct div_step now;
	unsigned same_port = 0;
	int repeat = -1;

	dh = divert_hist_of(m);
	now = (struct div_step){ .h = h, .rcvif = m->rcvif, .port = port,
	    .incoming = incoming,
	    .entry = entry, .rulenum = rulenum,
	    .hash = bytes_hash(m->data, m->len), .len = m->len };
	for (unsigned i = 0; i < dh->steps->len; i++) {
		const struct div_step *s =
		    &g_array_index(dh->steps, struct div_step, i);
		if (s->h != h || s->port != port)
			continue;
		same_port++;
		if (repeat < 0 && s->incoming == incoming &&
		    s->rcvif == now.rcvif &&
		    s->entry == entry && s->hash == now.hash &&
		    s->len == now.len)
			repeat = (int)i;
	}
	if (same_port > 0)
		h->sim->rediverts++;
	if (repeat >= 0) {
		loop_report(h, m, dh, (unsigned)repeat, &now,
		    "same bytes, direction, interface and entry tag as "
		    "an earlier diversion: it can only repeat");
		return (false);
	}
	if (same_port >= h->sim->loop_limit) {
		loop_report(h, m, dh, 0, &now, "loop-limit reached");
		return (false);
	}
	g_array_append_val(dh->steps, now);
	return (true);
}

/* ---- the receive side -------------------------------------------------- */

static void
div_wakeup(void *arg)
{
	struct divert_sock *so = arg;

	so->wakeup_ev = 0;
	if (so->wakeup_fn != NULL)
		so->wakeup_fn(so->wakeup_ctx);
}

static void
div_enqueue(struct divert_sock *so, struct pkt *m,
    const struct sockaddr_in *from, bool incoming)
{
	if (so->q_len == so->q_cap) {
		unsigned ncap = so->q_cap == 0 ? 16 : so->q_cap * 2;
		struct div_qent *nq = g_new(struct div_qent, ncap);

		for (unsigned i = 0; i < so->q_len; i++)
			nq[i] = so->q[(so->q_head + i) % so->q_cap];
		g_free(so->q);
		so->q = nq;
		so->q_head = 0;
		so->q_cap = ncap;
	}
	so->q[(so->q_head + so->q_len) % so->q_cap] =
	    (struct div_qent){ .m = m, .from = *from, .incoming = incoming };
	pkt_hold(m, PKT_HELD_SOCKET);
	so->q_len++;
	so->queued_bytes += m->len + DIV_SOCKADDR_BYTES;
	/* sorwakeup(): the reader runs as a separate event. */
	if (so->q_len == 1 && so->wakeup_ev == 0)
		so->wakeup_ev = sim_schedule(0, div_wakeup, so);
}

/*
 * 6.x divert_packet() (to 10.x): a packet no socket takes, for want of a
 * bound one or of room, also counts ips_noproto and takes one back from
 * ips_delivered ("ipstat.ips_delivered--"), although a diverted packet
 * was never counted delivered: netstat's figure goes down (an unsigned
 * counter wraps).  14 counts only divstat's own figures.
 */
static void
divert_lost_v6(struct host *h)
{
	if (h->release >= RELEASE_14)
		return;
	h->ipstat.noproto++;
	h->ipstat.delivered--;
}

/*
 * divert_packet(): ip_divert_ptr.  The kernel without IPDIVERT never gets
 * here (ipfw drops when the pointer is NULL).
 */
static void
divert_packet(struct host *h, struct pkt *m, bool incoming, uint16_t port,
    uint32_t rulenum, uint32_t entry)
{
	struct divert_sock *so;
	struct sockaddr_in from;
	struct ev *e;

	so = h->divert->byport == NULL ? NULL :
	    g_hash_table_lookup(h->divert->byport, GUINT_TO_POINTER(port));
	if (so == NULL) {
		divert_lost_v6(h);
		ip_drop(h, m, DROP_DIVERT_NOPORT, m->rcvif, port);
		return;
	}

	/* divert_packet(): the address recvfrom() will report. */
	memset(&from, 0, sizeof(from));
	from.sin_family = AF_INET;
	from.sin_port = (in_port_t)rulenum;	/* host order, no htons */
	if (incoming && m->rcvif != NULL)
		from.sin_addr.s_addr = htonl(if_first_addr(m->rcvif));
	if (m->rcvif != NULL)
		div_sin_zero_set(&from, m->rcvif->if_xname);

	if (!loop_check(h, m, incoming, port, rulenum, entry)) {
		ip_drop(h, m, DROP_LOOP, m->rcvif, port);
		return;
	}
	/* sbappendaddr(): no room, no packet. */
	if (m->len + DIV_SOCKADDR_BYTES > so->rcvbuf_bytes ||
	    so->queued_bytes > so->rcvbuf_bytes - m->len - DIV_SOCKADDR_BYTES) {
		divert_lost_v6(h);
		ip_drop(h, m, DROP_DIVERT_FULL, m->rcvif, port);
		return;
	}
	e = ev_begin(h->sim->log, h->name, "divert");
	if (e != NULL) {
		char a[16], s[160];

		inet_addr_str(ntohl(from.sin_addr.s_addr), a);
		wire_print_ip(s, sizeof(s), m->data, m->len);
		ev_int(e, "port", port);
		ev_int(e, "tag", rulenum);
		ev_str(e, "sin_addr", a);
		ev_str(e, "ifname", (const char *)from.sin_zero);
		ev_str(e, "dir", incoming ? "in" : "out");
		ev_int(e, "len", m->len);
		ev_int(e, "lineage", (int64_t)m->lineage);
		ev_int(e, "queued_bytes", so->queued_bytes);
		ev_textf(e, "divert to port %u (%s, rule %u): %s", port,
		    incoming ? "incoming" : "outgoing", rulenum, s);
		ev_end(e);
	}
	div_enqueue(so, m, &from, incoming);
}

const uint8_t *
div_rcv_peek(const struct divert_sock *so, struct sockaddr_in *from,
    size_t *len)
{
	const struct div_qent *qe;

	if (so->q_len == 0)
		return (NULL);
	qe = &so->q[so->q_head];
	*from = qe->from;
	*len = qe->m->len;
	return (qe->m->data);
}

ssize_t
div_recvfrom(struct divert_sock *so, void *buf, size_t len,
    struct sockaddr_in *from, int *err)
{
	struct div_qent qe;
	struct host *h = so->h;
	struct ev *e;
	size_t n;

	if (so->q_len == 0) {
		*err = EAGAIN;
		return (-1);
	}
	qe = so->q[so->q_head];
	so->q_head = (so->q_head + 1) % so->q_cap;
	so->q_len--;
	so->queued_bytes -= qe.m->len + DIV_SOCKADDR_BYTES;

	n = qe.m->len < len ? qe.m->len : len;
	memcpy(buf, qe.m->data, n);
	if (from != NULL)
		*from = qe.from;
	so->last_lineage = qe.m->lineage;
	if (qe.m->hist != NULL)
		pkt_hist_ref(qe.m->hist);
	pkt_hist_unref(so->last_hist);
	so->last_hist = qe.m->hist;
	if (so->pcap != NULL)
		pcap_writer_write(so->pcap, sim_now(), qe.m->data, qe.m->len);

	e = ev_begin(h->sim->log, h->name, "divert-read");
	if (e != NULL) {
		char a[16], s[160], ifn[16];
		uint32_t sa = ntohl(qe.from.sin_addr.s_addr);
		struct ev_frame fr = { ifn, PCAP_LINKTYPE_RAW, true,
		    qe.m->data, qe.m->len };

		/* run.pcapng: what the program read, on the socket. */
		(void)snprintf(ifn, sizeof(ifn), "divert%u", so->port);
		ev_frame(e, &fr);
		inet_addr_str(sa, a);
		wire_print_ip(s, sizeof(s), qe.m->data, qe.m->len);
		ev_int(e, "port", so->port);
		ev_int(e, "tag", qe.from.sin_port);
		ev_str(e, "sin_addr", a);
		ev_str(e, "ifname", (const char *)qe.from.sin_zero);
		/* The pass that caught it: sin_addr is 0 for an incoming
		 * packet on an interface without an IPv4 address too. */
		ev_str(e, "dir", qe.incoming ? "in" : "out");
		ev_int(e, "len", qe.m->len);
		ev_int(e, "lineage", (int64_t)qe.m->lineage);
		ev_textf(e, "recvfrom port %u: tag %u sin_addr %s ifname \"%s\""
		    ": %s", so->port, qe.from.sin_port, a,
		    (const char *)qe.from.sin_zero, s);
		ev_end(e);
	}
	n = qe.m->len;
	pkt_dispose(qe.m, PKT_FATE_DIVERT_READ);
	return ((ssize_t)n);
}

/* ---- the send side: div_output() -------------------------------------- */

static void
write_event(struct divert_sock *so, const uint8_t *buf, size_t len,
    const struct sockaddr_in *to, const char *dir, const struct ifnet *ifp,
    int err, uint64_t lineage, uint32_t tag)
{
	struct host *h = so->h;
	struct ev *e;
	char a[16], name[8], s[160], eb[ERRNO_NAMELEN], ifn[16];
	const char *ename = err != 0 ? errno_name(err, eb) : NULL;
	struct ev_frame fr = { ifn, PCAP_LINKTYPE_RAW, false, buf, len };

	e = ev_begin(h->sim->log, h->name, "divert-write");
	if (e == NULL)
		return;
	/* run.pcapng: what the program wrote, when div_output() took it. */
	(void)snprintf(ifn, sizeof(ifn), "divert%u", so->port);
	if (err == 0)
		ev_frame(e, &fr);
	inet_addr_str(to != NULL ? ntohl(to->sin_addr.s_addr) : 0, a);
	if (to == NULL || !div_sin_zero_get(to, name))
		name[0] = '\0';
	wire_print_ip(s, sizeof(s), buf, (uint32_t)len);
	ev_int(e, "port", so->port);
	ev_int(e, "tag", tag);
	ev_str(e, "sin_addr", to != NULL ? a : NULL);
	ev_str(e, "ifname", name);
	ev_str(e, "dir", dir);
	ev_str(e, "errno", ename);
	ev_int(e, "len", (int64_t)len);
	ev_int(e, "lineage", (int64_t)lineage);
	if (ifp != NULL)
		ev_str(e, "if", ifp->if_xname);
	if (err != 0 && dir != NULL)
		ev_textf(e, "sendto port %u returned %s", so->port,
		    ename);
	else if (err != 0)
		ev_textf(e, "sendto port %u refused: %s (%s)", so->port,
		    ename, s);
	else if (strcmp(dir, "in") == 0)
		ev_textf(e, "sendto port %u: incoming on %s, ipfw resumes "
		    "after rule %u: %s", so->port, ifp->if_xname, tag, s);
	/* An outgoing write-back told its story before ip_output() ran. */
	ev_end(e);
}

/* Release 14 queues inbound write-backs to the IP netisr. */
static void
div_netisr(void *arg)
{
	struct pkt *m = arg;

	pkt_hold(m, PKT_HELD_NONE);
	ip_input(m->rcvif->if_host, m);
}

ssize_t
div_sendto(struct divert_sock *so, const void *buf, size_t len,
    const struct sockaddr_in *to, size_t tolen, int *err)
{
	struct host *h = so->h;
	bool r14 = (h->release >= RELEASE_14);
	struct ifnet *ifp = NULL;
	struct pkt *m;
	char name[8];
	uint32_t tag = 0;
	bool outgoing;
	int error;

	*err = 0;
	/*
	 * sosend_generic() (and 6.x sosend()): an atomic datagram larger
	 * than the send buffer (DIVSNDQ) is EMSGSIZE before div_send() runs.
	 */
	if (len > DIVSNDQ) {
		error = EMSGSIZE;
		goto refuse;
	}
	/* div_send(): the IP header must be there. */
	if (len < IP_HDR_MIN_BYTES) {
		error = EINVAL;
		goto refuse;
	}
	if (to != NULL) {
		/*
		 * 6.x's div_send()/div_output() never look at the family (a
		 * sin_family of 0 works).  14's div_output() (div_send() since
		 * PF_DIVERT) tests it first, after only the header length:
		 * EAFNOSUPPORT unless AF_INET, then EINVAL unless sin_len (the
		 * length passed, getsockaddr()) is a whole sockaddr_in.
		 */
		if (r14 && to->sin_family != AF_INET) {
			error = EAFNOSUPPORT;
			goto refuse;
		}
		if (tolen != sizeof(struct sockaddr_in)) {
			error = EINVAL;
			goto refuse;
		}
		tag = to->sin_port;	/* host order, as read */
	} else if (r14) {
		/* No implied destination on a modern divert socket. */
		error = EDESTADDRREQ;
		goto refuse;
	}
	/*
	 * 14's div_send() refuses a version other than 4 or 6; 6.x
	 * div_output() has no version test at all: such a packet goes to
	 * ip_input() (dropped there as ips_badvers, sendto returns success)
	 * or to ip_output() as written.
	 */
	if (r14 && ip_get_version(buf) != 4) {
		error = EAFNOSUPPORT;
		goto refuse;
	}
	outgoing = (to == NULL || to->sin_addr.s_addr == INADDR_ANY);
	if (to != NULL && div_sin_zero_get(to, name))
		ifp = host_ifunit(h, name);
	if (outgoing) {
		/* div_output_outbound(): ip_len must not exceed the data. */
		if (ip_get_len_bytes(buf) > len) {
			error = EINVAL;
			goto refuse;
		}
	} else if (ifp == NULL) {
		ifp = ifa_ifwithaddr(h, ntohl(to->sin_addr.s_addr));
		if (ifp == NULL) {
			error = EADDRNOTAVAIL;
			goto refuse;
		}
	}

	m = pkt_from_bytes_lineage(buf, (uint32_t)len, so->last_lineage);
	if (so->last_lineage != 0)
		pkt_set_hist(m, so->last_hist);
	/*
	 * 6.x div_output() tags every write, with or without an address:
	 * cookie sin_port (0 without one: the whole ruleset) and the
	 * direction flag, so `diverted`/`diverted-output` match a plain
	 * write() too.
	 */
	m->fw_ref.rulenum = tag;
	m->fw_ref.info = IPFW_REF_VALID | IPFW_REF_DIVERT |
	    (outgoing ? IPFW_REF_OUT : IPFW_REF_IN);
	if (so->pcap != NULL)
		pcap_writer_write(so->pcap, sim_now(), buf, (uint32_t)len);

	if (outgoing) {
		uint64_t lineage = m->lineage;

		/*
		 * div_output() sets rcvif from a name in sin_zero before it
		 * looks at the direction (6.x and 14 alike), so an outgoing
		 * write-back keeps the interface it names: `recv` can match
		 * it and a later diversion reports the name again.
		 */
		m->rcvif = ifp;
		if (ev_log_active(h->sim->log)) {
			char s[WIRE_PRINT_MAX], ifn[16];
			struct ev_frame fr = { ifn, PCAP_LINKTYPE_RAW, false,
			    buf, len };

			(void)snprintf(ifn, sizeof(ifn), "divert%u", so->port);
			ev_log_frame(h->sim->log, &fr);
			wire_print_ip(s, sizeof(s), buf, (uint32_t)len);
			ev_log_stepf(h->sim->log, h->name, "divert-write",
			    lineage, "sendto port %u: outgoing, ipfw resumes "
			    "after rule %u: %s", so->port, tag, s);
		}
		error = ip_output(h, m, IP_RAWOUTPUT);
		write_event(so, buf, len, to, "out", NULL, error, lineage, tag);
		if (error != 0) {
			*err = error;
			return (-1);
		}
		return ((ssize_t)len);
	}

	m->rcvif = ifp;
	write_event(so, buf, len, to, "in", ifp, 0, m->lineage, tag);
	if (r14) {
		pkt_hold(m, PKT_HELD_EVENT);
		(void)sim_schedule(0, div_netisr, m);
	} else
		ip_input(h, m);
	return ((ssize_t)len);

refuse:
	write_event(so, buf, len, to, NULL, NULL, error, so->last_lineage, tag);
	*err = error;
	return (-1);
}

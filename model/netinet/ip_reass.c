/*
 * IPv4 reassembly, after FreeBSD's sys/netinet/ip_reass.c: ip_reass() is
 * consume-or-complete.  It either keeps the fragment (or drops it with a
 * reason) and returns NULL, or returns the whole datagram that fragment
 * completed.
 *
 * Limits and policy
 * - Queues are keyed (src, dst, proto, id) in a hash table, as ip_reass()
 *   hashes them into ipq buckets.  Fragments may arrive in any order.
 * - At most IP_MAXFRAGS fragments are queued per host (FreeBSD's
 *   net.inet.ip.maxfrags, counted across all queues): a fragment arriving
 *   when the host is full is dropped (DROP_FRAG_OVERFLOW).  At most
 *   IP_MAXFRAGSPERPACKET (16, net.inet.ip.maxfragsperpacket's default) per
 *   datagram: as in ip_reass(), the fragment that would be the 17th may
 *   still complete the datagram, otherwise the whole queue is dropped
 *   (DROP_FRAG_OVERFLOW, once per fragment).
 * - A fragment with MF set must carry a non-zero multiple of 8 data bytes,
 *   else it is dropped (DROP_FRAG_BAD; FreeBSD counts ips_toosmall); on
 *   release 14 a last fragment with no data too.
 * - Overlaps and duplicates are resolved as ip_reass() does: data already
 *   queued wins over the new fragment's front, the new fragment wins over
 *   the fronts of the fragments queued after it.  A new fragment whose data
 *   is all covered by the fragment before it (a duplicate, say) is dropped;
 *   queued fragments it covers entirely are dropped; partial overlaps are
 *   trimmed (we keep the bytes and move the start, instead of m_adj()).
 *   Each such drop is DROP_FRAG_BAD.
 * - A complete datagram longer than IP_MAXPACKET is dropped whole, every
 *   fragment with DROP_FRAG_BAD (FreeBSD: ips_toolong, then ipq_drop());
 *   release 14 also refuses, on arrival, a fragment reaching past it, and
 *   (ipq_maxoff) one past the end the datagram's last fragment set.
 * - Every such drop says which test made it (enum frag_drop: the drop
 *   event's `frag`), and a fragment kept while its datagram is still
 *   incomplete is logged (`frag-queued`): nothing waits unseen.
 * - Timeout: IPFRAGTTL_NS after the queue's first fragment arrived, every
 *   queued fragment is dropped with DROP_FRAG_TIMEOUT (one drop event and
 *   one ip.fragtimeout per fragment, as 6.x ip_slowtimo() and 14's
 *   ipq_timeout() add ipq_nfrags to ips_fragtimeout).  No ICMP time
 *   exceeded (reassembly) is sent, even when the offset-0 fragment came:
 *   neither 6.x ip_freef() nor 14's ipq_timeout() sends one.
 * - The completed datagram is built from the offset-0 fragment's header
 *   (options included) with ip_len set, ip_off cleared (ip_reass()
 *   converts ip_off to a byte offset with a shift that drops the flag bits,
 *   so DF does not survive either) and the header checksum recomputed.  It
 *   has the lineage and history of the offset-0 fragment, and the rcvif,
 *   fw_ref and flags of the fragment that completed it (ipfw's divert path
 *   tags the result with that fragment's rule, as ipfw_divert() does).
 * - Not modelled: ECN merging of fragments (ip_reass()'s IPTOS_ECN checks)
 *   and ipq_reuse() of the oldest queue when the queue zone is full.
 */
#include <netinet/in.h>
#include <string.h>

#include <glib.h>

#include "net/host.h"
#include "net/if.h"
#include "netinet/icmp_var.h"
#include "netinet/ip_drop.h"
#include "netinet/ip_var.h"
#include "pkt/pkt.h"
#include "sim/events.h"
#include "sim/sim_sched.h"
#include "wire/wire_icmp.h"
#include "wire/wire_ip.h"

/* One queued fragment; m keeps its bytes untouched (trimming moves
 * skip_bytes, not the data). */
struct ipq_frag {
	struct ipq_frag	*next;		/* by increasing off_bytes */
	struct pkt	*m;
	uint32_t	 off_bytes;	/* first datagram byte kept */
	uint32_t	 end_bytes;	/* one past the last byte kept */
	uint32_t	 skip_bytes;	/* trimmed from the front of the data */
	bool		 mf;
};

struct ipq_key {
	uint32_t	 src, dst;	/* host order */
	uint16_t	 id;
	uint8_t		 proto;
};

struct ipq {
	struct ipq_key	 key;		/* hash key (points here) */
	struct ip_reass_state *s;
	struct host	*h;
	struct ipq_frag	*frags;
	unsigned	 nfrags;
	uint32_t	 maxoff;	/* 14's ipq_maxoff: the end its last
					 * fragment set; 0 while unknown */
	uint64_t	 timer;		/* sim event id; 0 when none */
};

struct ip_reass_state {
	GHashTable	*queues;	/* struct ipq_key * -> struct ipq * */
	unsigned	 nfrags;	/* over all queues */
};

static guint
ipq_key_hash(gconstpointer p)
{
	const struct ipq_key *k = p;
	uint32_t x;

	x = k->src * 0x9e3779b1u;
	x ^= k->dst + 0x7f4a7c15u + (x << 6) + (x >> 2);
	x ^= ((uint32_t)k->proto << 16 | k->id) + (x << 6) + (x >> 2);
	return (x);
}

static gboolean
ipq_key_equal(gconstpointer a, gconstpointer b)
{
	const struct ipq_key *ka = a, *kb = b;

	return (ka->src == kb->src && ka->dst == kb->dst &&
	    ka->id == kb->id && ka->proto == kb->proto);
}

struct ip_reass_state *
ip_reass_state_new(void)
{
	struct ip_reass_state *s;

	/* The queue table is made by the first fragment (most hosts get
	 * none). */
	s = g_new0(struct ip_reass_state, 1);
	return (s);
}

/* Unlink q from its state and free it; its fragments must be gone. */
static void
ipq_remove(struct ipq *q)
{

	g_hash_table_remove(q->s->queues, &q->key);
	q->s->nfrags -= q->nfrags;
	g_free(q);
}

static void
ipq_cancel_timer(struct ipq *q)
{

	if (q->timer != 0) {
		sim_cancel(q->timer);
		q->timer = 0;
	}
}

/* Drop every fragment of q with reason r (fd: which test), then q. */
static void
ipq_drop(struct ipq *q, enum drop_reason r, enum frag_drop fd)
{
	struct ipq_frag *f, *next;
	struct host *h = q->h;

	/* Detach first: nothing the drops do can find the queue. */
	f = q->frags;
	q->frags = NULL;
	ipq_cancel_timer(q);
	ipq_remove(q);
	for (; f != NULL; f = next) {
		next = f->next;
		ip_drop_frag(h, f->m, r, fd);
		g_free(f);
	}
}

void
ip_reass_state_free(struct ip_reass_state *s)
{
	GHashTableIter it;
	gpointer value;

	if (s == NULL)
		return;
	if (s->queues == NULL) {
		g_free(s);
		return;
	}
	g_hash_table_iter_init(&it, s->queues);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct ipq *q = value;
		struct ipq_frag *f, *next;

		ipq_cancel_timer(q);
		for (f = q->frags; f != NULL; f = next) {
			next = f->next;
			q->h->ipstat.fragdropped++;
			pkt_free(f->m);
			g_free(f);
		}
		g_hash_table_iter_remove(&it);
		g_free(q);
	}
	g_hash_table_destroy(s->queues);
	g_free(s);
}

unsigned
ip_reass_queued(const struct ip_reass_state *s)
{

	return (s == NULL ? 0 : s->nfrags);
}

/*
 * The reassembly timer, as ipq_timeout(): every fragment dropped as timed
 * out, silently (FreeBSD sends no ICMP time exceeded for reassembly).
 */
static void
ipq_timeout(void *arg)
{
	struct ipq *q = arg;

	q->timer = 0;		/* fired: nothing to cancel */
	ipq_drop(q, DROP_FRAG_TIMEOUT, FRAG_DROP_NONE);
}

/* Log the completion: not a fixed event of the contract, an added one. */
static void
log_reassembled(struct host *h, const struct pkt *r, unsigned nfrags)
{
	struct ev *e;

	if (h->sim == NULL || h->sim->log == NULL)
		return;
	e = ev_begin(h->sim->log, h->name, "reassembled");
	if (e == NULL)
		return;
	ev_int(e, "len", r->len);
	ev_int(e, "frags", nfrags);
	ev_int(e, "lineage", (int64_t)r->lineage);
	ev_textf(e, "reassembled %u fragments into len %u lineage %llu",
	    nfrags, r->len, (unsigned long long)r->lineage);
	ev_end(e);
}

/*
 * Log a fragment ip_reass() keeps, the datagram still incomplete: what
 * it holds of the datagram now, and its whole length once the last
 * fragment (no MF) has come.
 */
static void
log_queued(struct host *h, const struct ipq *q, const struct ipq_frag *nf)
{
	const struct pkt *m = nf->m;
	const struct ipq_frag *f;
	uint32_t held = 0, total = 0, end = 0, off, data;
	bool last = false, conflict = false;
	char tot[16];
	struct ev *e;

	if (h->sim == NULL || h->sim->log == NULL)
		return;
	e = ev_begin(h->sim->log, h->name, "frag-queued");
	if (e == NULL)
		return;
	/* The length is known from a last fragment (no MF), unless 6.x has
	 * held fragments that contradict it (no ipq_maxoff test there). */
	for (f = q->frags; f != NULL; f = f->next) {
		held += f->end_bytes - f->off_bytes;
		if (!f->mf) {
			conflict |= last && f->end_bytes != total;
			last = true;
			total = f->end_bytes;
		}
		end = f->end_bytes;
	}
	last = last && !conflict && end <= total;
	off = ip_get_off_bytes(m->data);
	data = ip_get_len_bytes(m->data) - ip_get_hlen_bytes(m->data);
	ev_str(e, "if", m->rcvif != NULL ? m->rcvif->if_xname : NULL);
	ev_int(e, "id", q->key.id);
	ev_int(e, "off", off);
	ev_int(e, "data", data);
	ev_bool(e, "mf", nf->mf);
	ev_int(e, "trimmed", nf->skip_bytes);
	ev_int(e, "held", q->nfrags);
	ev_int(e, "held_bytes", held);
	if (last)
		ev_int(e, "total", total);
	else
		ev_null(e, "total");
	ev_int(e, "len", m->len);
	ev_int(e, "lineage", (int64_t)m->lineage);
	if (!ev_wants_text(e)) {
		ev_end(e);
		return;
	}
	if (m->rcvif != NULL)
		ev_textf(e, "%s ", m->rcvif->if_xname);
	/* tcpdump's notation, as the link line above it prints it. */
	ev_textf(e, "fragment %u:%u@%u%s queued", q->key.id, data, off,
	    nf->mf ? "+" : "");
	if (nf->skip_bytes != 0)
		ev_textf(e, " (its first %u bytes held already)",
		    nf->skip_bytes);
	if (last)
		snprintf(tot, sizeof(tot), "%u", total);
	else
		snprintf(tot, sizeof(tot), "?");
	ev_textf(e, ": %u held, %u of %s data bytes, waiting for the rest",
	    q->nfrags, held, tot);
	ev_end(e);
}

/* Build the datagram from q's contiguous fragments; m completed it. */
static struct pkt *
ipq_complete(struct ipq *q, uint32_t data_len, const struct pkt *m)
{
	struct ipq_frag *f, *next;
	const struct pkt *m0;
	struct pkt *r;
	unsigned hlen0;

	m0 = q->frags->m;
	hlen0 = ip_get_hlen_bytes(m0->data);
	r = pkt_alloc(hlen0 + data_len);
	memcpy(r->data, m0->data, hlen0);
	for (f = q->frags; f != NULL; f = f->next)
		memcpy(r->data + hlen0 + f->off_bytes,
		    f->m->data + ip_get_hlen_bytes(f->m->data) + f->skip_bytes,
		    f->end_bytes - f->off_bytes);
	ip_set_len_bytes(r->data, (uint16_t)(hlen0 + data_len));
	ip_set_off_field(r->data, 0);
	ip_sum_fill(r->data);
	r->lineage = m0->lineage;
	pkt_set_hist(r, m0->hist);
	r->rcvif = m->rcvif;
	r->fw_ref = m->fw_ref;
	r->fw_calls = m0->fw_calls;	/* tags of the first fragment */
	r->div_rule = m0->div_rule;
	r->div_port = m0->div_port;
	r->flags = m->flags;

	f = q->frags;
	q->frags = NULL;
	for (; f != NULL; f = next) {
		next = f->next;
		pkt_dispose(f->m, PKT_FATE_REASSEMBLED);
		g_free(f);
	}
	return (r);
}

struct pkt *
ip_reass(struct host *h, struct pkt *m)
{
	struct ip_reass_state *s;
	struct ipq_key key;
	struct ipq *q;
	struct ipq_frag *nf, *p, *f, **link;
	unsigned hlen, nfrags;
	uint32_t ip_len, off, end, next;
	bool mf;
	struct pkt *r;

	if (h->reass == NULL)
		h->reass = ip_reass_state_new();
	s = h->reass;

	/* The caller (ip_input) has checked the header: ip_len <= m->len.
	 * Bytes beyond ip_len are link padding. */
	hlen = ip_get_hlen_bytes(m->data);
	ip_len = ip_get_len_bytes(m->data);
	if (m->len > ip_len)
		pkt_trim(m, ip_len);
	off = ip_get_off_bytes(m->data);
	end = off + (ip_len - hlen);
	mf = ip_get_mf(m->data);

	/* ip_reass(): refuse when all queues together are full (14 counts
	 * the fragment in ips_fragments first). */
	if (s->nfrags >= IP_MAXFRAGS) {
		h->ipstat.fragments++;
		ip_drop_frag(h, m, DROP_FRAG_OVERFLOW, FRAG_DROP_MAXFRAGS);
		return (NULL);
	}
	/*
	 * Non-last fragments carry a non-zero multiple of 8 bytes
	 * (ips_toosmall); 14's ip_reass() refuses a last one with no data
	 * too, 6.x's tests ip_len only under IP_MF.
	 */
	if ((mf && ((end - off) & 7) != 0) ||
	    (end == off && (mf || h->release >= RELEASE_14))) {
		ip_drop_frag(h, m, DROP_FRAG_BAD, FRAG_DROP_BADLEN);
		return (NULL);
	}
	/* 14 refuses a fragment reaching past IP_MAXPACKET on arrival
	 * (ips_toolong); 6.x finds out when the datagram completes. */
	if (h->release >= RELEASE_14 && end > IP_MAXPACKET) {
		ip_drop_frag(h, m, DROP_FRAG_BAD, FRAG_DROP_TOOLONG);
		return (NULL);
	}
	/* Counted only now: both releases test the length (6.x
	 * ip_input(), 14 ip_reass()) before ips_fragments++. */
	h->ipstat.fragments++;

	key.src = ip_get_src(m->data);
	key.dst = ip_get_dst(m->data);
	key.id = ip_get_id(m->data);
	key.proto = ip_get_proto(m->data);
	nf = g_new0(struct ipq_frag, 1);
	nf->m = m;
	pkt_hold(m, PKT_HELD_REASS);
	nf->off_bytes = off;
	nf->end_bytes = end;
	nf->mf = mf;

	if (s->queues == NULL)
		s->queues = g_hash_table_new(ipq_key_hash, ipq_key_equal);
	q = g_hash_table_lookup(s->queues, &key);
	if (q == NULL) {
		/* First fragment to arrive: the timer starts now. */
		q = g_new0(struct ipq, 1);
		q->key = key;
		q->s = s;
		q->h = h;
		q->frags = nf;
		q->nfrags = 1;
		q->maxoff = mf ? 0 : end;
		s->nfrags++;
		g_hash_table_insert(s->queues, &q->key, q);
		q->timer = sim_schedule(IPFRAGTTL_NS, ipq_timeout, q);
		log_queued(h, q, nf);
		return (NULL);
	}

	/*
	 * 14's ipq_maxoff: once the last fragment has set the datagram's
	 * end, a fragment with MF must end before it and another last one
	 * exactly at it (dropfrag otherwise); 6.x has no such test.
	 */
	if (h->release >= RELEASE_14) {
		if (q->maxoff != 0 && (mf ? end >= q->maxoff :
		    end != q->maxoff)) {
			g_free(nf);
			ip_drop_frag(h, m, DROP_FRAG_BAD, FRAG_DROP_PASTEND);
			return (NULL);
		}
		if (!mf)
			q->maxoff = end;
	}

	/* p: the last queued fragment starting at or before us. */
	p = NULL;
	for (f = q->frags; f != NULL && f->off_bytes <= off; f = f->next)
		p = f;

	/* Data already queued before us wins: trim our front, or drop us
	 * when it covers all our data (duplicates end here). */
	if (p != NULL && p->end_bytes > off) {
		uint32_t i = p->end_bytes - off;

		if (i >= end - off) {
			uint32_t poff = ip_get_off_bytes(p->m->data);
			uint32_t pend = poff + ip_get_len_bytes(p->m->data) -
			    ip_get_hlen_bytes(p->m->data);

			/* dropfrag: a copy of p, or inside what is held. */
			g_free(nf);
			ip_drop_frag(h, m, DROP_FRAG_BAD, poff == off &&
			    pend == end && p->mf == mf ? FRAG_DROP_DUPLICATE :
			    FRAG_DROP_COVERED);
			return (NULL);
		}
		nf->off_bytes += i;
		nf->skip_bytes += i;
	}
	link = (p != NULL) ? &p->next : &q->frags;
	nf->next = *link;
	*link = nf;
	q->nfrags++;
	s->nfrags++;

	/* We win over the fragments after us: trim their fronts, drop the
	 * ones we cover entirely. */
	while (nf->next != NULL && nf->end_bytes > nf->next->off_bytes) {
		f = nf->next;
		if (nf->end_bytes < f->end_bytes) {
			uint32_t i = nf->end_bytes - f->off_bytes;

			f->off_bytes += i;
			f->skip_bytes += i;
			break;
		}
		nf->next = f->next;
		q->nfrags--;
		s->nfrags--;
		ip_drop_frag(h, f->m, DROP_FRAG_BAD, FRAG_DROP_REPLACED);
		g_free(f);
	}

	/* Complete when contiguous from 0 and the last has no MF. */
	next = 0;
	for (f = q->frags, p = NULL; f != NULL; p = f, f = f->next) {
		if (f->off_bytes != next)
			break;
		next = f->end_bytes;
	}
	if (f != NULL || p->mf) {
		if (q->nfrags > IP_MAXFRAGSPERPACKET)
			ipq_drop(q, DROP_FRAG_OVERFLOW, FRAG_DROP_PERPACKET);
		else
			log_queued(h, q, nf);
		return (NULL);
	}
	if (ip_get_hlen_bytes(q->frags->m->data) + next > IP_MAXPACKET) {
		ipq_drop(q, DROP_FRAG_BAD, FRAG_DROP_TOOLONG);
		return (NULL);
	}

	nfrags = q->nfrags;
	ipq_cancel_timer(q);
	r = ipq_complete(q, next, m);
	ipq_remove(q);
	h->ipstat.reassembled++;
	log_reassembled(h, r, nfrags);
	return (r);
}

/*
 * Packet buffers (pkt.h): one g_malloc'd block holding the metadata and the
 * bytes, the lineage numbering, the live-packet count used by leak checks,
 * and the reference counting of lineage histories.
 */
#include <string.h>

#include <glib.h>

#include "pkt/pkt.h"

static uint64_t pkt_next_lineage;
static uint64_t pkt_live;
static struct pkt *pkt_live_head;
/* Conservation figures since pkt_acct_reset() (the live list aside). */
static uint64_t pkt_created;
static uint64_t pkt_fates[PKT_FATE_COUNT];
static uint64_t pkt_unaccounted;

static struct pkt *
pkt_new(uint32_t len)
{
	struct pkt *m;

	m = g_malloc(sizeof(*m) + len);
	memset(m, 0, sizeof(*m));
	m->data = m->buf;
	m->len = len;
	m->cap = len;
	pkt_live++;
	pkt_created++;
	m->live_next = pkt_live_head;
	if (pkt_live_head != NULL)
		pkt_live_head->live_prev = m;
	pkt_live_head = m;
	return (m);
}

struct pkt *
pkt_alloc(uint32_t len)
{
	struct pkt *m;

	m = pkt_new(len);
	m->lineage = pkt_new_lineage();
	return (m);
}

struct pkt *
pkt_from_bytes(const void *bytes, uint32_t len)
{
	struct pkt *m;

	m = pkt_alloc(len);
	if (len > 0)
		memcpy(m->data, bytes, len);
	return (m);
}

struct pkt *
pkt_from_bytes_lineage(const void *bytes, uint32_t len, uint64_t lineage)
{
	struct pkt *m;

	if (lineage == 0)
		return (pkt_from_bytes(bytes, len));
	m = pkt_new(len);
	m->lineage = lineage;
	if (len > 0)
		memcpy(m->data, bytes, len);
	return (m);
}

struct pkt *
pkt_copy(const struct pkt *m)
{
	struct pkt *n;

	/* Like m_dup(): same bytes, same packet header and tags. */
	n = pkt_new(m->len);
	if (m->len > 0)
		memcpy(n->data, m->data, m->len);
	n->rcvif = m->rcvif;
	n->lineage = m->lineage;
	n->fw_ref = m->fw_ref;
	n->fw_calls = m->fw_calls;
	n->flags = m->flags;
	if (m->hist != NULL) {
		pkt_hist_ref(m->hist);
		n->hist = m->hist;
	}
	return (n);
}

static void
pkt_release(struct pkt *m)
{

	g_assert(pkt_live > 0);
	pkt_hist_unref(m->hist);
	pkt_live--;
	if (m->live_prev != NULL)
		m->live_prev->live_next = m->live_next;
	else
		pkt_live_head = m->live_next;
	if (m->live_next != NULL)
		m->live_next->live_prev = m->live_prev;
	g_free(m);
}

void
pkt_free(struct pkt *m)
{

	if (m == NULL)
		return;
	pkt_unaccounted++;
	pkt_release(m);
}

void
pkt_dispose(struct pkt *m, enum pkt_fate fate)
{

	if (m == NULL)
		return;
	g_assert((unsigned)fate < PKT_FATE_COUNT);
	pkt_fates[fate]++;
	pkt_release(m);
}

void
pkt_hold(struct pkt *m, enum pkt_holder where)
{

	g_assert((unsigned)where < PKT_HELD_COUNT);
	m->held = (uint32_t)where;
}

void
pkt_acct_read(struct pkt_acct *a)
{
	const struct pkt *m;

	memset(a, 0, sizeof(*a));
	a->created = pkt_created;
	memcpy(a->fate, pkt_fates, sizeof(a->fate));
	a->unaccounted = pkt_unaccounted;
	a->live = pkt_live;
	for (m = pkt_live_head; m != NULL; m = m->live_next)
		a->held[m->held < PKT_HELD_COUNT ? m->held : PKT_HELD_NONE]++;
}

void
pkt_acct_reset(void)
{

	/* Packets still alive stay created: count them again. */
	pkt_created = pkt_live;
	memset(pkt_fates, 0, sizeof(pkt_fates));
	pkt_unaccounted = 0;
}

void
pkt_trim(struct pkt *m, uint32_t len)
{

	g_assert(len <= m->len);
	m->len = len;
}

void
pkt_set_hist(struct pkt *m, struct pkt_hist *h)
{

	/* Reference first: h may be the history m already holds. */
	pkt_hist_ref(h);
	pkt_hist_unref(m->hist);
	m->hist = h;
}

void
pkt_hist_ref(struct pkt_hist *h)
{

	if (h != NULL)
		h->refs++;
}

void
pkt_hist_unref(struct pkt_hist *h)
{

	if (h == NULL)
		return;
	g_assert(h->refs > 0);
	if (--h->refs == 0 && h->free_fn != NULL)
		h->free_fn(h);
}

uint64_t
pkt_new_lineage(void)
{

	return (++pkt_next_lineage);
}

void
pkt_reset_lineages(void)
{

	pkt_next_lineage = 0;
}

uint64_t
pkt_live_count(void)
{

	return (pkt_live);
}

uint64_t
pkt_free_all(void)
{
	uint64_t n = 0;

	while (pkt_live_head != NULL) {
		pkt_free(pkt_live_head);
		n++;
	}
	return (n);
}

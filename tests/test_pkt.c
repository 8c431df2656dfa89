/*
 * Packet buffers: allocation, copies, trimming, the live count used by the
 * leak checks, lineage numbering and history reference counting.
 */
#include <string.h>

#include "check_util.h"
#include "pkt/pkt.h"

static unsigned hist_freed;

static void
hist_free(struct pkt_hist *h)
{

	(void)h;
	hist_freed++;
}

static void
setup(void)
{

	pkt_reset_lineages();
	hist_freed = 0;
}

START_TEST(test_alloc_free)
{
	uint64_t live0 = pkt_live_count();
	struct pkt *m;

	m = pkt_alloc(1500);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->len, 1500);
	ck_assert_uint_ge(m->cap, 1500);
	ck_assert_ptr_eq(m->data, m->buf);
	ck_assert_ptr_null(m->rcvif);
	ck_assert_ptr_null(m->hist);
	ck_assert_uint_eq(m->fw_ref.info, 0);
	ck_assert_uint_eq(m->flags, 0);
	/* Every byte writable (checked under ASan). */
	memset(m->data, 0xab, m->len);
	ck_assert_uint_eq(pkt_live_count(), live0 + 1);
	pkt_free(m);
	ck_assert_uint_eq(pkt_live_count(), live0);
	pkt_free(NULL);
	ck_assert_uint_eq(pkt_live_count(), live0);

	/* A zero-length packet is allowed. */
	m = pkt_alloc(0);
	ck_assert_uint_eq(m->len, 0);
	pkt_free(m);
	ck_assert_uint_eq(pkt_live_count(), live0);
}
END_TEST

/* Lineages count 1, 2, 3 from a reset; a reset starts again at 1. */
START_TEST(test_lineage)
{
	struct pkt *a, *b;
	static const uint8_t bytes[4] = { 1, 2, 3, 4 };

	a = pkt_alloc(10);
	b = pkt_from_bytes(bytes, 4);
	ck_assert_uint_eq(a->lineage, 1);
	ck_assert_uint_eq(b->lineage, 2);
	ck_assert_uint_eq(pkt_new_lineage(), 3);
	EXPECT_BYTES(b->data, bytes, 4);
	ck_assert_uint_eq(b->len, 4);
	pkt_free(a);
	pkt_free(b);
	pkt_reset_lineages();
	ck_assert_uint_eq(pkt_new_lineage(), 1);
}
END_TEST

START_TEST(test_copy)
{
	uint64_t live0 = pkt_live_count();
	struct pkt_hist h = { 1, hist_free };	/* the creator's reference */
	struct pkt *m, *c;
	static const uint8_t bytes[6] = { 0x45, 0, 0, 6, 0xde, 0xad };

	m = pkt_from_bytes(bytes, 6);
	m->rcvif = (struct ifnet *)&h;		/* any distinct pointer */
	m->fw_ref.rulenum = 100;
	m->fw_ref.info = IPFW_REF_VALID | IPFW_REF_DIVERT;
	m->flags = PKT_F_DIVERT_REASS;
	pkt_set_hist(m, &h);
	ck_assert_uint_eq(h.refs, 2);

	c = pkt_copy(m);
	ck_assert_uint_eq(pkt_live_count(), live0 + 2);
	ck_assert_ptr_ne(c, m);
	ck_assert_ptr_ne(c->data, m->data);
	ck_assert_ptr_eq(c->data, c->buf);
	ck_assert_uint_eq(c->len, 6);
	EXPECT_BYTES(c->data, bytes, 6);
	ck_assert_ptr_eq(c->rcvif, m->rcvif);
	ck_assert_uint_eq(c->lineage, m->lineage);	/* same lineage */
	ck_assert_uint_eq(c->fw_ref.rulenum, 100);
	ck_assert_uint_eq(c->fw_ref.info, IPFW_REF_VALID | IPFW_REF_DIVERT);
	ck_assert_uint_eq(c->flags, PKT_F_DIVERT_REASS);
	ck_assert_ptr_eq(c->hist, &h);
	ck_assert_uint_eq(h.refs, 3);		/* creator, m, c */

	/* The copy is independent. */
	c->data[5] = 0;
	ck_assert_uint_eq(m->data[5], 0xad);

	pkt_free(m);
	ck_assert_uint_eq(h.refs, 2);
	pkt_free(c);
	ck_assert_uint_eq(h.refs, 1);
	ck_assert_uint_eq(hist_freed, 0);
	pkt_hist_unref(&h);			/* the creator's */
	ck_assert_uint_eq(h.refs, 0);
	ck_assert_uint_eq(hist_freed, 1);
	ck_assert_uint_eq(pkt_live_count(), live0);
}
END_TEST

START_TEST(test_hist)
{
	struct pkt_hist h1 = { 0, hist_free }, h2 = { 0, hist_free };
	struct pkt *m;

	m = pkt_alloc(20);
	/* The packet's reference is the only one: freed with the packet. */
	pkt_set_hist(m, &h1);
	ck_assert_uint_eq(h1.refs, 1);
	/* Setting the same history again keeps one reference. */
	pkt_set_hist(m, &h1);
	ck_assert_uint_eq(h1.refs, 1);
	ck_assert_uint_eq(hist_freed, 0);
	/* Replacing drops the old one, which dies. */
	pkt_set_hist(m, &h2);
	ck_assert_uint_eq(h1.refs, 0);
	ck_assert_uint_eq(h2.refs, 1);
	ck_assert_uint_eq(hist_freed, 1);
	pkt_hist_ref(&h2);
	ck_assert_uint_eq(h2.refs, 2);
	pkt_free(m);
	ck_assert_uint_eq(h2.refs, 1);
	ck_assert_uint_eq(hist_freed, 1);
	pkt_hist_unref(&h2);
	ck_assert_uint_eq(hist_freed, 2);
	/* NULL histories are accepted everywhere. */
	pkt_hist_ref(NULL);
	pkt_hist_unref(NULL);
	m = pkt_alloc(1);
	pkt_set_hist(m, NULL);
	ck_assert_ptr_null(m->hist);
	pkt_free(m);
}
END_TEST

START_TEST(test_trim)
{
	struct pkt *m;

	m = pkt_alloc(100);
	pkt_trim(m, 60);
	ck_assert_uint_eq(m->len, 60);
	ck_assert_uint_ge(m->cap, 100);
	pkt_trim(m, 60);
	ck_assert_uint_eq(m->len, 60);
	pkt_trim(m, 0);
	ck_assert_uint_eq(m->len, 0);
	pkt_free(m);
}
END_TEST

static Suite *
pkt_suite(void)
{
	const TTest *const tests[] = {
		test_alloc_free, test_lineage, test_copy, test_hist, test_trim,
		NULL
	};

	return (check_suite("pkt", tests, setup, NULL));
}

CHECK_MAIN(pkt_suite())

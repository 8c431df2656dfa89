/*
 * Lookup tables (`ipfw table N ...`, `table(N)` in rules): IPv4 prefixes
 * with a 32-bit value, found by longest prefix as the kernel's radix
 * tables find them (ipfw_lookup_table()).  One hash per prefix length, so
 * a lookup costs at most 33 probes whatever the number of entries.
 *
 * Release 6 has 128 tables that always exist (IPFW_TABLES_MAX); release
 * 14 numbers them 0..65535 and creates one on its first `add`
 * (table_modify_record() with auto-creation).
 */
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "ipfw/ipfw.h"
#include "ipfw/ipfw_table.h"

struct ipfw_table {
	GHashTable	*by_len[33];	/* masked addr -> value + 1 */
	unsigned	 count;
	uint64_t	 present;	/* bit plen set: by_len[plen] not empty */
};

struct ipfw_tables {
	GHashTable	*tables;	/* number -> struct ipfw_table * */
};

static void
table_free(gpointer p)
{
	struct ipfw_table *t = p;

	for (unsigned l = 0; l <= 32; l++)
		if (t->by_len[l] != NULL)
			g_hash_table_destroy(t->by_len[l]);
	g_free(t);
}

struct ipfw_tables *
ipfw_tables_new(void)
{
	struct ipfw_tables *ts = g_new0(struct ipfw_tables, 1);

	ts->tables = g_hash_table_new_full(g_direct_hash, g_direct_equal,
	    NULL, table_free);
	return (ts);
}

void
ipfw_tables_free(struct ipfw_tables *ts)
{
	if (ts == NULL)
		return;
	g_hash_table_destroy(ts->tables);
	g_free(ts);
}

static struct ipfw_table *
find(const struct ipfw_tables *ts, uint32_t num)
{
	return (ts == NULL ? NULL :
	    g_hash_table_lookup(ts->tables, GUINT_TO_POINTER(num)));
}

bool
ipfw_table_exists(const struct ipfw_tables *ts, uint32_t num)
{
	return (find(ts, num) != NULL);
}

void
ipfw_table_create(struct ipfw_tables *ts, uint32_t num)
{
	if (find(ts, num) == NULL)
		g_hash_table_insert(ts->tables, GUINT_TO_POINTER(num),
		    g_new0(struct ipfw_table, 1));
}

static uint32_t
plen_mask(unsigned plen)
{
	return (plen == 0 ? 0 : 0xffffffffu << (32 - plen));
}

bool
ipfw_table_add(struct ipfw_tables *ts, uint32_t num, uint32_t addr,
    unsigned plen, uint32_t value)
{
	struct ipfw_table *t;
	gpointer key = GUINT_TO_POINTER(addr & plen_mask(plen));

	ipfw_table_create(ts, num);
	t = find(ts, num);
	if (t->by_len[plen] == NULL)
		t->by_len[plen] = g_hash_table_new(g_direct_hash,
		    g_direct_equal);
	/* add_table_entry(): an existing prefix is EEXIST. */
	if (g_hash_table_contains(t->by_len[plen], key))
		return (false);
	/* The value is stored + 1 so that value 0 is not a NULL. */
	g_hash_table_insert(t->by_len[plen], key,
	    (gpointer)(uintptr_t)((uint64_t)value + 1));
	t->present |= 1ull << plen;
	t->count++;
	return (true);
}

bool
ipfw_table_delete(struct ipfw_tables *ts, uint32_t num, uint32_t addr,
    unsigned plen)
{
	struct ipfw_table *t = find(ts, num);
	gpointer key = GUINT_TO_POINTER(addr & plen_mask(plen));

	if (t == NULL || t->by_len[plen] == NULL ||
	    !g_hash_table_remove(t->by_len[plen], key))
		return (false);
	if (g_hash_table_size(t->by_len[plen]) == 0)
		t->present &= ~(1ull << plen);
	t->count--;
	return (true);
}

void
ipfw_table_flush(struct ipfw_tables *ts, uint32_t num)
{
	struct ipfw_table *t = find(ts, num);

	if (t == NULL)
		return;
	for (unsigned l = 0; l <= 32; l++) {
		if (t->by_len[l] != NULL)
			g_hash_table_remove_all(t->by_len[l]);
	}
	t->present = 0;
	t->count = 0;
}

bool
ipfw_table_lookup(const struct ipfw_tables *ts, uint32_t num, uint32_t addr,
    uint32_t *value)
{
	const struct ipfw_table *t = find(ts, num);

	if (t == NULL || t->present == 0)
		return (false);
	/* Longest prefix first, as the radix lookup returns. */
	for (int l = 32; l >= 0; l--) {
		gpointer v;

		if ((t->present & (1ull << l)) == 0)
			continue;
		v = g_hash_table_lookup(t->by_len[l],
		    GUINT_TO_POINTER(addr & plen_mask((unsigned)l)));
		if (v != NULL) {
			*value = (uint32_t)((uintptr_t)v - 1);
			return (true);
		}
	}
	return (false);
}

struct entry {
	uint32_t	 addr;
	unsigned	 plen;
	uint32_t	 value;
};

static gint
entry_cmp(gconstpointer a, gconstpointer b)
{
	const struct entry *x = a, *y = b;

	if (x->addr != y->addr)
		return (x->addr < y->addr ? -1 : 1);
	return ((int)x->plen - (int)y->plen);
}

void
ipfw_table_list(const struct ipfw_tables *ts, uint32_t num, int release,
    GString *out)
{
	const struct ipfw_table *t = find(ts, num);
	GArray *e = g_array_new(FALSE, FALSE, sizeof(struct entry));

	/* 14's table_show_list() heads the listing with the table. */
	if (release >= 12)
		g_string_append_printf(out, "--- table(%u), set(0) ---\n",
		    num);
	for (unsigned l = 0; t != NULL && l <= 32; l++) {
		GHashTableIter it;
		gpointer k, v;

		if (t->by_len[l] == NULL)
			continue;
		g_hash_table_iter_init(&it, t->by_len[l]);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			struct entry x = { GPOINTER_TO_UINT(k), l,
			    (uint32_t)((uintptr_t)v - 1) };

			g_array_append_val(e, x);
		}
	}
	/* The radix tree walks in address order. */
	g_array_sort(e, entry_cmp);
	for (unsigned i = 0; i < e->len; i++) {
		const struct entry *x = &g_array_index(e, struct entry, i);

		g_string_append_printf(out, "%u.%u.%u.%u/%u %u\n",
		    x->addr >> 24, (x->addr >> 16) & 0xff,
		    (x->addr >> 8) & 0xff, x->addr & 0xff, x->plen, x->value);
	}
	g_array_free(e, TRUE);
}

/*
 * The counter registry: names to uint64_t slots.  Slots registered by their
 * owners stay owned by them; slots created on demand live in the registry.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "sim/counters.h"

struct counter {
	uint64_t	*slot;
	uint64_t	 own;		/* storage when the registry owns it */
};

struct counters {
	GHashTable	*byname;	/* char * -> struct counter * */
};

struct counters *
counters_new(void)
{
	struct counters *c;

	c = g_new0(struct counters, 1);
	c->byname = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	return (c);
}

void
counters_free(struct counters *c)
{
	if (c == NULL)
		return;
	g_hash_table_destroy(c->byname);
	g_free(c);
}

void
counters_register(struct counters *c, const char *name, uint64_t *slot)
{
	struct counter *e;

	e = g_new0(struct counter, 1);
	e->slot = slot;
	g_hash_table_replace(c->byname, g_strdup(name), e);
}

uint64_t *
counters_slot(struct counters *c, const char *name)
{
	struct counter *e;

	e = g_hash_table_lookup(c->byname, name);
	if (e == NULL) {
		e = g_new0(struct counter, 1);
		e->slot = &e->own;
		g_hash_table_insert(c->byname, g_strdup(name), e);
	}
	return (e->slot);
}

uint64_t *
counters_slotf(struct counters *c, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return (counters_slot(c, buf));
}

uint64_t
counters_get(const struct counters *c, const char *name, bool *exists)
{
	struct counter *e;

	e = g_hash_table_lookup(c->byname, name);
	if (exists != NULL)
		*exists = (e != NULL);
	return (e == NULL ? 0 : *e->slot);
}

static int
cmp_names(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

GPtrArray *
counters_names(const struct counters *c)
{
	GHashTableIter it;
	gpointer k;
	GPtrArray *names;

	names = g_ptr_array_new();
	g_hash_table_iter_init(&it, c->byname);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_ptr_array_add(names, k);
	if (names->len > 0)
		qsort(names->pdata, names->len, sizeof(gpointer), cmp_names);
	return (names);
}

void
counters_dump(const struct counters *c, FILE *out)
{
	GHashTableIter it;
	gpointer k, v;
	GPtrArray *names;

	names = g_ptr_array_new();
	g_hash_table_iter_init(&it, c->byname);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (*((struct counter *)v)->slot != 0)
			g_ptr_array_add(names, k);
	/* An empty GPtrArray has no storage: qsort(NULL, 0, ...) is UB. */
	if (names->len > 1)
		qsort(names->pdata, names->len, sizeof(gpointer), cmp_names);
	for (guint i = 0; i < names->len; i++) {
		const char *n = g_ptr_array_index(names, i);
		fprintf(out, "%s %" G_GUINT64_FORMAT "\n", n,
		    counters_get(c, n, NULL));
	}
	g_ptr_array_free(names, TRUE);
}

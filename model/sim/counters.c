/*
 * The counter registry: names to uint64_t slots.  Groups (a static table of
 * names per kind of owner, a base address per owner) are found through
 * their owner's name; single slots through a table of names.  Slots
 * registered by their owners stay owned by them; slots created on demand
 * live in the registry.
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
	GHashTable	*owners;	/* owner name -> struct counter_group *
					   (the first of its chain) */
	counters_source_get_t *src_get;	/* counters_set_source() */
	counters_source_each_t *src_each;
	void		*src_ctx;
};

/* A name and its value, for sorted output. */
struct named {
	char		*name;
	uint64_t	 value;
};

struct counters *
counters_new(void)
{
	struct counters *c;

	c = g_new0(struct counters, 1);
	c->byname = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	c->owners = g_hash_table_new(g_str_hash, g_str_equal);
	return (c);
}

void
counters_free(struct counters *c)
{
	if (c == NULL)
		return;
	g_hash_table_destroy(c->byname);
	g_hash_table_destroy(c->owners);
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

void
counters_register_group(struct counters *c, struct counter_group *g,
    const char *owner, const char *mid_kind, const char *mid,
    const struct counter_kind *kinds, size_t n, void *base)
{

	g_assert((mid_kind == NULL) == (mid == NULL));
	g->owner = owner;
	g->mid_kind = mid_kind;
	g->mid = mid;
	g->kinds = kinds;
	g->nkinds = n;
	g->base = base;
	g->next = g_hash_table_lookup(c->owners, owner);
	/* The key is the newest group's owner string: all are equal. */
	g_hash_table_replace(c->owners, (gpointer)owner, g);
}

void
counters_unregister_owner(struct counters *c, const char *owner)
{

	g_hash_table_remove(c->owners, owner);
}

static uint64_t *
group_slot(const struct counter_group *g, size_t i)
{

	return ((uint64_t *)((char *)g->base + g->kinds[i].off));
}

/* The slot of g named rest (the name after "OWNER."), or NULL. */
static uint64_t *
group_match(const struct counter_group *g, const char *rest)
{
	size_t n;

	if (g->mid_kind != NULL) {
		n = strlen(g->mid_kind);
		if (strncmp(rest, g->mid_kind, n) != 0 || rest[n] != '.')
			return (NULL);
		rest += n + 1;
		n = strlen(g->mid);
		if (strncmp(rest, g->mid, n) != 0 || rest[n] != '.')
			return (NULL);
		rest += n + 1;
	}
	for (size_t i = 0; i < g->nkinds; i++)
		if (strcmp(g->kinds[i].name, rest) == 0)
			return (group_slot(g, i));
	return (NULL);
}

/*
 * The group slot called name, or NULL.  An owner's name may hold dots
 * itself: every prefix ending before a dot is tried.
 */
static uint64_t *
group_lookup(const struct counters *c, const char *name)
{
	char buf[256];
	const char *p;
	uint64_t *slot;

	if (g_hash_table_size(c->owners) == 0 || strlen(name) >= sizeof(buf))
		return (NULL);
	for (p = strchr(name, '.'); p != NULL; p = strchr(p + 1, '.')) {
		const struct counter_group *g;

		memcpy(buf, name, (size_t)(p - name));
		buf[p - name] = '\0';
		for (g = g_hash_table_lookup(c->owners, buf); g != NULL;
		    g = g->next)
			if ((slot = group_match(g, p + 1)) != NULL)
				return (slot);
	}
	return (NULL);
}

static char *
group_name(const struct counter_group *g, size_t i)
{

	if (g->mid_kind == NULL)
		return (g_strconcat(g->owner, ".", g->kinds[i].name, NULL));
	return (g_strconcat(g->owner, ".", g->mid_kind, ".", g->mid, ".",
	    g->kinds[i].name, NULL));
}

uint64_t *
counters_slot(struct counters *c, const char *name)
{
	struct counter *e;
	uint64_t *slot;

	if ((slot = group_lookup(c, name)) != NULL)
		return (slot);
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
	uint64_t *slot;

	slot = group_lookup(c, name);
	if (slot == NULL) {
		e = g_hash_table_lookup(c->byname, name);
		slot = e == NULL ? NULL : e->slot;
	}
	if (slot == NULL && c->src_get != NULL) {
		uint64_t v = 0;
		bool found = c->src_get(c->src_ctx, name, &v);

		if (exists != NULL)
			*exists = found;
		return (found ? v : 0);
	}
	if (exists != NULL)
		*exists = (slot != NULL);
	return (slot == NULL ? 0 : *slot);
}

void
counters_set_source(struct counters *c, counters_source_get_t *get,
    counters_source_each_t *each, void *ctx)
{

	c->src_get = get;
	c->src_each = each;
	c->src_ctx = ctx;
}

/* counters_collect() taking a source's names. */
struct collect_src {
	const struct counters	*c;
	GArray			*all;
	bool			 nonzero;
};

static void
collect_one(void *arg, const char *name, uint64_t value)
{
	struct collect_src *a = arg;
	struct named n;

	if ((a->nonzero && value == 0) || group_lookup(a->c, name) != NULL ||
	    g_hash_table_contains(a->c->byname, name))
		return;
	n.name = g_strdup(name);
	n.value = value;
	g_array_append_val(a->all, n);
}

static int
cmp_named(const void *a, const void *b)
{
	return (strcmp(((const struct named *)a)->name,
	    ((const struct named *)b)->name));
}

/*
 * Every counter (only the non-zero ones if nonzero), sorted by name.  A
 * name both in a group and in the table of names is the group's (it is
 * what counters_get() reads), and listed once.
 */
static GArray *
counters_collect(const struct counters *c, bool nonzero)
{
	GArray *all = g_array_new(FALSE, FALSE, sizeof(struct named));
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, c->owners);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		for (const struct counter_group *g = v; g != NULL;
		    g = g->next) {
			for (size_t i = 0; i < g->nkinds; i++) {
				struct named n;

				n.value = *group_slot(g, i);
				if (nonzero && n.value == 0)
					continue;
				n.name = group_name(g, i);
				g_array_append_val(all, n);
			}
		}
	}
	g_hash_table_iter_init(&it, c->byname);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct named n;

		n.value = *((struct counter *)v)->slot;
		if ((nonzero && n.value == 0) || group_lookup(c, k) != NULL)
			continue;
		n.name = g_strdup(k);
		g_array_append_val(all, n);
	}
	if (c->src_each != NULL) {
		struct collect_src a = { c, all, nonzero };

		c->src_each(c->src_ctx, collect_one, &a);
	}
	/* An empty GArray has no storage: qsort(NULL, 0, ...) is UB. */
	if (all->len > 1)
		qsort(all->data, all->len, sizeof(struct named), cmp_named);
	return (all);
}

GPtrArray *
counters_names(const struct counters *c)
{
	GArray *all = counters_collect(c, false);
	GPtrArray *names;

	names = g_ptr_array_new_full(all->len, g_free);
	for (guint i = 0; i < all->len; i++)
		g_ptr_array_add(names, g_array_index(all, struct named,
		    i).name);
	g_array_free(all, TRUE);
	return (names);
}

void
counters_dump(const struct counters *c, FILE *out)
{
	GArray *all = counters_collect(c, true);

	for (guint i = 0; i < all->len; i++) {
		struct named *n = &g_array_index(all, struct named, i);

		fprintf(out, "%s %" G_GUINT64_FORMAT "\n", n->name, n->value);
		g_free(n->name);
	}
	g_array_free(all, TRUE);
}

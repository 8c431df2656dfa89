/*
 * Named counters: every observable figure of a run ("gw.ip.forwarded",
 * "gw.divert.8668.read", "sim.loops").  Counters are plain uint64_t slots.
 *
 * A layer that owns a fixed set of statistics per object (struct ipstat of
 * a host, the drop counts of an interface) registers them as a group: a
 * static table of names and offsets (one per kind of object, shared by
 * every object), the object's base address and the owner's name.  A group
 * costs its owner one struct counter_group, whatever the number of names;
 * the names are put together only when asked for.  Single slots can still
 * be registered by name, and counters that appear at run time (per rule,
 * per divert port, per errno) get a slot from the registry itself.
 */
#ifndef DIVERTSIM_COUNTERS_H
#define DIVERTSIM_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

struct counters;

/* One counter of a group: its name after the prefix, its offset in base. */
struct counter_kind {
	const char	*name;
	size_t		 off;
};

/*
 * A registered group, in its owner's storage.  Its names are
 * OWNER.KIND (mid NULL) or OWNER.MID_KIND.MID.KIND ("r1.if.em0.qdrops":
 * owner "r1", mid_kind "if", mid "em0", kind "qdrops").  The strings and
 * the table are borrowed: they must outlive the registration.
 */
struct counter_group {
	struct counter_group	*next;		/* the owner's next group */
	const char		*owner;
	const char		*mid_kind;
	const char		*mid;
	const struct counter_kind *kinds;
	size_t			 nkinds;
	void			*base;
};

struct counters	*counters_new(void);
void		 counters_free(struct counters *c);
/* Register an externally owned slot under name (copied). */
void		 counters_register(struct counters *c, const char *name,
		    uint64_t *slot);
/*
 * Register the group g (filled in here) of owner: the slots base + off of
 * kinds[0..n-1].  mid_kind and mid are both NULL or both set.
 */
void		 counters_register_group(struct counters *c,
		    struct counter_group *g, const char *owner,
		    const char *mid_kind, const char *mid,
		    const struct counter_kind *kinds, size_t n, void *base);
/* Forget every group of owner (before the owner's storage goes). */
void		 counters_unregister_owner(struct counters *c,
		    const char *owner);
/*
 * A source of counters read where they are kept instead of registered
 * (the per-rule counters of the ipfw chains, thousands of names for a big
 * world): get answers for one name (false: not one of its names), each
 * calls fn for every name it has.  One source per registry; set it again
 * to replace it.  Registered names come first.
 */
typedef bool	 counters_source_get_t(void *ctx, const char *name,
		    uint64_t *value);
typedef void	 counters_source_each_t(void *ctx,
		    void (*fn)(void *arg, const char *name, uint64_t value),
		    void *arg);
void		 counters_set_source(struct counters *c,
		    counters_source_get_t *get, counters_source_each_t *each,
		    void *ctx);
/* The slot for name, created at zero if it does not exist. */
uint64_t	*counters_slot(struct counters *c, const char *name);
/* printf-style variant of counters_slot. */
uint64_t	*counters_slotf(struct counters *c, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* Value of name; *exists tells whether it was ever registered. */
uint64_t	 counters_get(const struct counters *c, const char *name,
		    bool *exists);
/* Every registered name, sorted (the array owns its strings). */
GPtrArray	*counters_names(const struct counters *c);
/* Print every non-zero counter as "NAME VALUE", sorted by name. */
void		 counters_dump(const struct counters *c, FILE *out);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_COUNTERS_H */

/*
 * Named counters: every observable figure of a run ("gw.ip.forwarded",
 * "gw.divert.8668.read", "sim.loops").  Counters are plain uint64_t slots;
 * a layer that owns statistics (struct ipstat, say) registers the address of
 * each field under its name, and counters that appear at run time (per rule,
 * per divert port, per errno) get a slot from the registry itself.
 */
#ifndef DIVERTSIM_COUNTERS_H
#define DIVERTSIM_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#ifdef __cplusplus
extern "C" {
#endif

struct counters;

struct counters	*counters_new(void);
void		 counters_free(struct counters *c);
/* Register an externally owned slot under name (copied). */
void		 counters_register(struct counters *c, const char *name,
		    uint64_t *slot);
/* The slot for name, created at zero if it does not exist. */
uint64_t	*counters_slot(struct counters *c, const char *name);
/* printf-style variant of counters_slot. */
uint64_t	*counters_slotf(struct counters *c, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* Value of name; *exists tells whether it was ever registered. */
uint64_t	 counters_get(const struct counters *c, const char *name,
		    bool *exists);
/* Every registered name, sorted (borrowed strings; free the array). */
GPtrArray	*counters_names(const struct counters *c);
/* Print every non-zero counter as "NAME VALUE", sorted by name. */
void		 counters_dump(const struct counters *c, FILE *out);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_COUNTERS_H */

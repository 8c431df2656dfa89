/*
 * --why: why each ipfw pass went the way it did.  A separate walk over
 * the chain that ipfw_chk() never calls: the hook (ipfw_sim.c) calls
 * ipfw_why_begin() before each pass and ipfw_why_match() from on_match,
 * and gets the sentences for that `ipfw` event: the rules tried since the
 * last match with the first condition each failed, the rules a re-entry
 * or a skipto passed over, and how the matching rule matched.  Nothing
 * here touches counters, states or the `prob` generator.
 */
#ifndef DIVERTSIM_IPFW_WHY_H
#define DIVERTSIM_IPFW_WHY_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "ipfw/ipfw.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One packet's explanation across the passes of one hook call; on the
 * caller's stack, nothing to free. */
struct ipfw_why {
	const struct ipfw_chain *chain;
	unsigned	 start;		/* where the pass started */
	unsigned	 next;		/* index the walk goes on at */
	bool		 begun;		/* no rule matched yet this pass */
	bool		 refused;	/* the re-entry tag was refused */
	bool		 state_used;	/* this pass looked a state up */
	bool		 has_tag, has_slot, tag_is_divert;
	uint32_t	 tag;
};

/* A pass is about to start with args (dissected, re-entry fields set). */
void		 ipfw_why_begin(struct ipfw_why *w,
		    const struct ipfw_chain *chain,
		    const struct ipfw_args *args);
/*
 * From on_match: rule is the one whose action applies (a state's rule
 * when args->state_found_at is set, which this clears).  Appends the
 * sentences (g_strdup'ed) to out.
 */
void		 ipfw_why_match(struct ipfw_why *w,
		    const struct ipfw_rule *rule,
		    const struct ipfw_args *args, GPtrArray *out);
/* Why rule (tried with args) did not match: "rule 200: proto udp ≠
 * icmp"; NULL when its body holds.  For tests and ipfw_why_match(). */
char		*ipfw_why_rule_fails(const struct ipfw_rule *rule,
		    const struct ipfw_args *args);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IPFW_WHY_H */

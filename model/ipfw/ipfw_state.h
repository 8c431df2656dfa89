/*
 * Dynamic rules (keep-state / check-state): a fixed-size table of flows,
 * allocated before any packet is seen, so the packet path never allocates.
 */
#ifndef DIVERTSIM_IPFW_STATE_H
#define DIVERTSIM_IPFW_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "ipfw/ipfw.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ipfw_rule;
struct ipfw_states;

/* net.inet.ip.fw.dyn_max and the dyn_*_lifetime defaults (seconds). */
#define	IPFW_DYN_MAX			4096u
#define	IPFW_SEC_NS			1000000000ull
#define	IPFW_DYN_UDP_LIFETIME_NS	(10ull * IPFW_SEC_NS)
#define	IPFW_DYN_ACK_LIFETIME_NS	(300ull * IPFW_SEC_NS)
#define	IPFW_DYN_SYN_LIFETIME_NS	(20ull * IPFW_SEC_NS)
#define	IPFW_DYN_FIN_LIFETIME_NS	(1ull * IPFW_SEC_NS)
#define	IPFW_DYN_RST_LIFETIME_NS	(1ull * IPFW_SEC_NS)
#define	IPFW_DYN_SHORT_LIFETIME_NS	(5ull * IPFW_SEC_NS)

struct ipfw_states *ipfw_states_new(unsigned max);
void		 ipfw_states_free(struct ipfw_states *st);
/*
 * The flow name `check-state :any` looks up: states of every name.  Other
 * names are interned strings (NULL: `:default`), as in struct ipfw_rule.
 */
static inline const char *
ipfw_flow_any(void)
{
	/* Interned once: the walk compares it per keep-state rule, and a
	 * g_intern_static_string() is a locked hash lookup. */
	static const char *any;

	if (G_UNLIKELY(any == NULL))
		any = g_intern_static_string("any");
	return (any);
}
#define	IPFW_FLOW_ANY	(ipfw_flow_any())
/* The parent rule of a live state for this packet's flow (either
 * direction) with the flow name `flow` (IPFW_FLOW_ANY: any name),
 * refreshing it; NULL when there is none.  *forward (may be NULL): the
 * packet goes the way the state was installed (MATCH_FORWARD). */
struct ipfw_rule *ipfw_state_lookup(struct ipfw_states *st,
		    const struct ipfw_args *args, const char *flow,
		    bool *forward);
/* The same state without refreshing it (--why), for the same flow name
 * (IPFW_FLOW_ANY: any); *forward (may be NULL) as above. */
const struct ipfw_rule *ipfw_state_peek(const struct ipfw_states *st,
		    const struct ipfw_args *args, const char *flow,
		    bool *forward);
/* Install (or refresh) a state for the flow under the rule's flow name;
 * false when the table is full of live states. */
bool		 ipfw_state_install(struct ipfw_states *st,
		    struct ipfw_rule *rule, const struct ipfw_args *args);
/* Forget the states of a rule being deleted (remove_dyn_rule()). */
void		 ipfw_states_remove_rule(struct ipfw_states *st,
		    const struct ipfw_rule *rule);
/* Forget every state (flush). */
void		 ipfw_states_flush(struct ipfw_states *st);
/* Live states at time now_ns. */
unsigned	 ipfw_states_count(const struct ipfw_states *st,
		    uint64_t now_ns);
/* `ipfw -d list/show`: the live states as show_dyn_ipfw() prints them. */
void		 ipfw_states_print(const struct ipfw_states *st,
		    uint64_t now_ns, bool counters, int release, GString *out);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IPFW_STATE_H */

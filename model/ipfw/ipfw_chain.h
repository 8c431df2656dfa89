/*
 * The chain's private interface: the sorted rule array, the lookups the
 * engine does by binary search, and the edits ipfw_cmd_exec() makes.
 */
#ifndef DIVERTSIM_IPFW_CHAIN_H
#define DIVERTSIM_IPFW_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "ipfw/ipfw_rule.h"
#include "sim/sim_rng.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ipfw_states;

struct ipfw_chain {
	/* Sorted by number, equal numbers in insertion order; the last
	 * entry is always the default rule 65535. */
	struct ipfw_rule **rules;
	unsigned	 n_rules;
	unsigned	 cap;
	struct sim_rng	 rng;		/* for `prob`: the host's stream */
	uint32_t	 autoinc_step;	/* 0: IPFW_AUTOINC_STEP */
	struct ipfw_tables *tables;	/* made by the first table command */
	uint64_t	 now_ns;	/* ipfw_chain_set_now() */
	struct ipfw_states *states;	/* allocated with the first
					 * keep-state or check-state rule */
	uint64_t	 seed;		/* ipfw_chain_new()'s */
	GPtrArray	*nat;		/* struct ipfw_nat_inst, newest first
					 * (ipfw_nat.c); NULL: none yet */
	bool		(*ifaddr)(const void *ctx, const char *ifname,
			    uint32_t *addr);
	const void	*ifaddr_ctx;
};

/* Index of the first rule numbered above num; the default rule's index
 * when none is (num >= 65535). */
unsigned	 ipfw_chain_first_above(const struct ipfw_chain *chain,
		    uint32_t num);
/* Index of the first rule numbered num or more (the default rule's
 * index when none is). */
unsigned	 ipfw_chain_first_at_least(const struct ipfw_chain *chain,
		    uint32_t num);
/* Install a copy of rule (number 0: auto-number); *installed is the copy. */
bool		 ipfw_chain_add(struct ipfw_chain *chain,
		    const struct ipfw_rule *rule, struct ipfw_rule **installed,
		    GError **err);
bool		 ipfw_chain_delete(struct ipfw_chain *chain,
		    const uint32_t *nums, unsigned n, GError **err);
void		 ipfw_chain_flush(struct ipfw_chain *chain);
/* n == 0: all counters. */
bool		 ipfw_chain_zero(struct ipfw_chain *chain,
		    const uint32_t *nums, unsigned n, GError **err);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IPFW_CHAIN_H */

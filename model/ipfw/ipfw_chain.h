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

/*
 * The chain compiled for ipfw_chk() (ipfw_cls_build()): for each field the
 * quick rejection of a rule tests (ipfw_rule_prefilter()), the set of
 * rules a packet can pass with each value of that field, as bit sets
 * over rule indices (bit i: rules[i]; nw 64-bit words each).  A walk ANDs
 * the sets of its packet's values once, then visits only the rules left:
 * a rule that cannot match costs nothing, whatever its shape.  A rule is
 * in a set exactly when its quick rejection would let the packet by on
 * that field, so the walk decides as the rule-by-rule test does.
 */
struct ipfw_cls_ports {		/* a port (0x10000: none) by interval */
	uint32_t	*bounds;	/* sorted; class k: [bounds[k-1],
					 * bounds[k]) */
	unsigned	 n;		/* classes: n + 1; sets NULL: unused */
	uint64_t	*sets;
};
struct ipfw_cls_ifs {		/* an interface key (ipfw_ifkey()) */
	uint64_t	*keys;		/* class k: keys[k]; n: any other */
	unsigned	 n;
	uint64_t	*sets;		/* NULL: unused */
};
struct ipfw_cls_net {		/* the rules of one prefix length */
	uint32_t	 mask;
	uint32_t	*addrs;		/* sorted, masked */
	unsigned	 n;
	uint64_t	*sets;		/* one per address */
};
struct ipfw_cls_addrs {
	uint64_t	*any;		/* rules with no prefix here */
	struct ipfw_cls_net *nets;
	unsigned	 n;		/* 0: unused */
};
struct ipfw_cls_table {		/* the first option of these rules is
				 * table(num) on the source or dest */
	uint32_t	 num;
	bool		 dst;
	uint64_t	*sets;
};
struct ipfw_cls {
	unsigned	 nw;
	uint8_t		 proto_class[256];	/* 0: no rule names it */
	uint64_t	*proto_sets;	/* [class * 2 + dir] */
	uint64_t	*keep;		/* keep-state rules */
	bool		 has_keep;
	bool		 keep_one_flow;	/* all of them share keep_flow */
	const char	*keep_flow;
	struct ipfw_cls_ports sport, dport;
	struct ipfw_cls_ifs ifs[3];	/* recv, xmit, via */
	struct ipfw_cls_addrs src, dst;
	struct ipfw_cls_table *tables;
	unsigned	 n_tables;
	uint64_t	*cand, *tmp;	/* a walk's scratch */
};

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
	/* The compiled chain; rebuilt by the first walk after the rules
	 * change (cls_stale).  cls_off: never (tests: the full match). */
	struct ipfw_cls	*cls;
	bool		 cls_stale, cls_off;
	/* Tests: the sets' budget per field (0: 1 MiB) and the number of
	 * rules a chain must exceed to be compiled (0: 8). */
	size_t		 cls_max_words;
	unsigned	 cls_min_rules;
};

/* (Re)compile chain->cls from the rules' quick rejections. */
void		 ipfw_cls_build(struct ipfw_chain *chain);
/* Tests: every rule's quick rejection cleared and no compiled chain, so
 * that walks run the full match on every rule. */
void		 ipfw_chain_full_match_only(struct ipfw_chain *chain);

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

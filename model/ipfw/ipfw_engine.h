/*
 * The engine's private interface: the per-option tests of ipfw_match.c
 * that ipfw_chk() (ipfw_engine.c) runs for each rule.
 */
#ifndef DIVERTSIM_IPFW_ENGINE_H
#define DIVERTSIM_IPFW_ENGINE_H

#include <stdbool.h>

#include "ipfw/ipfw.h"
#include "ipfw/ipfw_rule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Whether every match option of the rule holds for the packet (prob and
 * states are the engine's business). */
bool	ipfw_rule_match(const struct ipfw_rule *rule,
	    const struct ipfw_args *args);

/* --why: one option's test alone (`not` not applied). */
bool	ipfw_opt_match(const struct ipfw_rule *rule,
	    const struct ipfw_opt *o, const struct ipfw_args *args);

/* Whether ipfw_chk()'s quick rejection (ipfw_rule_prefilter()) skips
 * the rule for the packet; a rejected rule must not match (tests). */
bool	ipfw_prefilter_rejects(const struct ipfw_rule *rule,
	    const struct ipfw_args *args);

/* Where ipfw_chk() starts for args (false: the tag is refused), and
 * where a matching skipto rule f sends it: for --why (ipfw_why.c). */
bool	ipfw_start_index(const struct ipfw_chain *chain,
	    const struct ipfw_args *args, unsigned *idx);
unsigned ipfw_skipto_index(const struct ipfw_chain *chain,
	    const struct ipfw_args *args, const struct ipfw_rule *f);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IPFW_ENGINE_H */

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

/* Whether ipfw_chk()'s quick rejection (ipfw_rule_prefilter()) skips
 * the rule for the packet; a rejected rule must not match (tests). */
bool	ipfw_prefilter_rejects(const struct ipfw_rule *rule,
	    const struct ipfw_args *args);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IPFW_ENGINE_H */

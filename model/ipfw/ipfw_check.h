/*
 * The rule checker: what FreeBSD's kernel (check_ipfw_struct(),
 * add_rule()) or ipfw(8) refuses, checked before a rule is installed.
 */
#ifndef DIVERTSIM_IPFW_CHECK_H
#define DIVERTSIM_IPFW_CHECK_H

#include <stdbool.h>

#include <glib.h>

#include "ipfw/ipfw_rule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which part of the rule is at fault; IPFW_CK_OPT + i is option i. */
enum ipfw_check_field {
	IPFW_CK_RULENUM,
	IPFW_CK_SET,
	IPFW_CK_PROB,
	IPFW_CK_ACTION,
	IPFW_CK_ARG,
	IPFW_CK_KEEP_STATE,
	IPFW_CK_OPT,
};

/*
 * Returns false with *err (and *field) when the rule cannot be installed.
 * A rule number of 0 stands for "to be numbered by the chain".
 */
bool	ipfw_rule_check(const struct ipfw_rule *rule, int *field,
	    GError **err);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IPFW_CHECK_H */

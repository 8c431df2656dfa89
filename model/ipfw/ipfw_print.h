/*
 * Rules as ipfw(8) prints them (show_ipfw() / show_static_rule()).
 */
#ifndef DIVERTSIM_IPFW_PRINT_H
#define DIVERTSIM_IPFW_PRINT_H

#include <stdint.h>

#include <glib.h>

#include "ipfw/ipfw_rule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Digits of v, as pr_u64(..., 0) measures a counter column. */
int	ipfw_u64_width(uint64_t v);
/*
 * One line of `ipfw list` (pcwidth == bcwidth == 0) or `ipfw show`
 * (counter columns of the given widths), with its newline.
 */
void	ipfw_rule_print(const struct ipfw_rule *rule, int pcwidth,
	    int bcwidth, GString *out);
/* One option's value as ipfw(8) prints it (ipfw_print.c). */
void	ipfw_opt_value_str(const struct ipfw_rule *r,
	    const struct ipfw_opt *o, GString *out);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IPFW_PRINT_H */

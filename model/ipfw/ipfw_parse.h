/*
 * ipfw(8) command-line parsing, private to the ipfw area: name tables
 * shared with the printer.
 */
#ifndef DIVERTSIM_IPFW_PARSE_H
#define DIVERTSIM_IPFW_PARSE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ICMP unreachable code name as ipfw(8) prints it, or NULL. */
const char	*ipfw_unreach_name(uint32_t code);
/* Whether the keyword tables searched with bsearch() are sorted. */
bool		 ipfw_parse_tables_sorted(void);

/* iptos and ipoptions flag names, in ipfw(8)'s printing order. */
struct ipfw_flag_name {
	const char	*name;
	uint8_t		 bit;
};
extern const struct ipfw_flag_name ipfw_iptos_names[];
extern const struct ipfw_flag_name ipfw_ipopt_names[];
extern const struct ipfw_flag_name ipfw_tcpflag_names[];
extern const struct ipfw_flag_name ipfw_tcpopt_names[];

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IPFW_PARSE_H */

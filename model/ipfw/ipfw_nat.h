/*
 * ipfw's in-kernel NAT (FreeBSD 7 and later, sys/netpfil/ipfw/ip_fw_nat.c):
 * the `ipfw nat N config|delete|show config` commands and the instances
 * the `nat N` action translates through.  Each instance owns one libalias
 * (netinet/libalias.c), the core natd shares.
 */
#ifndef DIVERTSIM_IPFW_NAT_H
#define DIVERTSIM_IPFW_NAT_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "ipfw/ipfw_chain.h"
#include "ipfw/ipfw_rule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What `ipfw nat N config ...` says (struct nat44_cfg_nat's part). */
struct ipfw_nat_cfg {
	uint32_t	 id;
	uint32_t	 ip;		/* host order; 0 with if_name */
	char		 if_name[IPFW_IFNAMSIZ];	/* "": `ip` */
	unsigned	 mode;		/* PKT_ALIAS_* */
	GArray		*redir;		/* struct libalias_redirect */
};

struct ipfw_nat_cfg *ipfw_nat_cfg_new(void);
void		 ipfw_nat_cfg_free(struct ipfw_nat_cfg *cfg);
/* One line as nat_show_cfg() prints it, with its newline. */
void		 ipfw_nat_cfg_print(const struct ipfw_nat_cfg *cfg,
		    GString *out);
/* Carry out an IPFW_CMD_NAT command (errors as ipfw(8) reports them). */
bool		 ipfw_nat_exec(struct ipfw_chain *chain,
		    const struct ipfw_cmd *cmd, GString *out, GError **err);
/* Every instance (ipfw_chain_free()). */
void		 ipfw_nat_free_all(struct ipfw_chain *chain);

#ifdef __cplusplus
}
#endif

#endif /* DIVERTSIM_IPFW_NAT_H */

/*
 * In-kernel NAT as FreeBSD's ip_fw_nat.c does it: instances made and
 * remade by `ipfw nat N config` (nat44_config()), deleted by `ipfw nat N
 * delete`, printed by `ipfw nat N show config` (nat_show_cfg()), and
 * ipfw_nat(), which the `nat` action's verdict runs on the packet.
 *
 * What it reproduces:
 * - A reconfiguration keeps the instance's libalias, so its links
 *   survive; the mode is set whole (LibAliasSetMode(mode, ~0)), then the
 *   address (LibAliasSetAddress(): with `reset` a new address drops the
 *   links), then the old redirects are deleted and the new ones made.
 *   add_redir_spool_cfg() stops at the first redirect libalias refuses
 *   and nat44_config() ignores that: the command succeeds, that redirect
 *   and the ones after it are not made (only the ports of a range before
 *   the refused one are).  The instance goes to the head of the list, so
 *   `ipfw nat show config` prints the newest first.
 * - ipfw_nat(): LibAliasIn() on the IN pass, LibAliasOut() on the OUT
 *   pass; IP_FW_DENY for an incoming unresolved fragment and, with
 *   deny_in, for an incoming packet libalias ignored; else IP_FW_NAT (an
 *   ignored outgoing packet goes on untranslated).  A rule naming an
 *   instance that does not exist denies (ipfw_chk()'s O_NAT).
 * - Checksums are kept by libalias's incremental updates: the model's
 *   packets always carry full checksums, so ipfw_nat()'s "duct tape" for
 *   delayed (offloaded) checksums has nothing to repair.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "ipfw/ipfw.h"
#include "ipfw/ipfw_chain.h"
#include "ipfw/ipfw_nat.h"
#include "ipfw/ipfw_rule.h"
#include "netinet/libalias.h"
#include "sim/sim_rng.h"

struct ipfw_nat_inst {
	struct ipfw_nat_cfg *cfg;	/* redirects: the ones made */
	struct libalias	*lib;
};

struct ipfw_nat_cfg *
ipfw_nat_cfg_new(void)
{
	struct ipfw_nat_cfg *cfg = g_new0(struct ipfw_nat_cfg, 1);

	cfg->redir = g_array_new(FALSE, TRUE,
	    sizeof(struct libalias_redirect));
	return (cfg);
}

void
ipfw_nat_cfg_free(struct ipfw_nat_cfg *cfg)
{

	if (cfg == NULL)
		return;
	g_array_free(cfg->redir, TRUE);
	g_free(cfg);
}

static void
inst_free(gpointer p)
{
	struct ipfw_nat_inst *n = p;

	ipfw_nat_cfg_free(n->cfg);
	libalias_uninit(n->lib);
	g_free(n);
}

void
ipfw_nat_free_all(struct ipfw_chain *chain)
{

	if (chain->nat != NULL)
		g_ptr_array_free(chain->nat, TRUE);
	chain->nat = NULL;
}

static void
append_addr(GString *out, uint32_t a)
{

	g_string_append_printf(out, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
	    (a >> 8) & 0xff, a & 0xff);
}

void
ipfw_nat_cfg_print(const struct ipfw_nat_cfg *cfg, GString *out)
{
	/* nat_show_cfg()'s order of the mode words. */
	static const struct {
		unsigned	 bit;
		const char	*word;
	} modes[] = {
		{ PKT_ALIAS_DENY_INCOMING, "deny_in" },
		{ PKT_ALIAS_SAME_PORTS, "same_ports" },
		{ PKT_ALIAS_UNREGISTERED_ONLY, "unreg_only" },
		{ PKT_ALIAS_RESET_ON_ADDR_CHANGE, "reset" },
	};

	g_string_append_printf(out, "ipfw nat %u config", cfg->id);
	if (cfg->if_name[0] != '\0')
		g_string_append_printf(out, " if %s", cfg->if_name);
	else if (cfg->ip != 0) {
		g_string_append(out, " ip ");
		append_addr(out, cfg->ip);
	}
	for (size_t k = 0; k < G_N_ELEMENTS(modes); k++)
		if ((cfg->mode & modes[k].bit) != 0)
			g_string_append_printf(out, " %s", modes[k].word);
	/*
	 * The kernel keeps its redirects with LIST_INSERT_HEAD() and
	 * exports them in list order: the last one given comes first.
	 */
	for (guint k = cfg->redir->len; k-- > 0;) {
		const struct libalias_redirect *r = &g_array_index(cfg->redir,
		    struct libalias_redirect, k);

		g_string_append_printf(out, " redirect_port %s ",
		    r->proto == IPPROTO_TCP ? "tcp" : "udp");
		append_addr(out, r->laddr);
		g_string_append_printf(out, ":%u", r->lport);
		if (r->count > 1)
			g_string_append_printf(out, "-%u",
			    r->lport + r->count - 1);
		g_string_append_printf(out, " %u", r->aport);
		if (r->count > 1)
			g_string_append_printf(out, "-%u",
			    r->aport + r->count - 1);
	}
	g_string_append_c(out, '\n');
}

static struct ipfw_nat_inst *
lookup_nat(const struct ipfw_chain *chain, uint32_t id, guint *pos)
{

	for (guint k = 0; chain->nat != NULL && k < chain->nat->len; k++) {
		struct ipfw_nat_inst *n = g_ptr_array_index(chain->nat, k);

		if (n->cfg->id == id) {
			if (pos != NULL)
				*pos = k;
			return (n);
		}
	}
	return (NULL);
}

/* nat44_config(), after ipfw(8) has resolved `if IF` to its address. */
static bool
nat_config(struct ipfw_chain *chain, const struct ipfw_cmd *cmd,
    GString *out, GError **err)
{
	const struct ipfw_nat_cfg *want = cmd->nat;
	struct ipfw_nat_inst *n;
	uint32_t ip = want->ip;
	uint64_t seed;
	guint pos;

	/* set_addr_dynamic(): the interface's first IPv4 address. */
	if (want->if_name[0] != '\0' && (chain->ifaddr == NULL ||
	    !chain->ifaddr(chain->ifaddr_ctx, want->if_name, &ip))) {
		g_set_error(err, IPFW_ERROR, 0, "%s: no IPv4 address (unknown "
		    "interface, or none configured yet)", want->if_name);
		return (false);
	}
	if (chain->nat == NULL)
		chain->nat = g_ptr_array_new_with_free_func(inst_free);
	n = lookup_nat(chain, want->id, &pos);
	if (n == NULL) {
		n = g_new0(struct ipfw_nat_inst, 1);
		n->lib = libalias_init();
		/* arc4random() of the instance: the host's stream and N. */
		seed = sim_fnv1a64(chain->seed, &want->id, sizeof(want->id));
		libalias_set_seed(n->lib, (uint32_t)(seed ^ (seed >> 32)));
	} else {
		g_ptr_array_steal_index(chain->nat, pos);
		ipfw_nat_cfg_free(n->cfg);
	}
	n->cfg = ipfw_nat_cfg_new();
	n->cfg->id = want->id;
	n->cfg->ip = ip;
	memcpy(n->cfg->if_name, want->if_name, sizeof(n->cfg->if_name));
	n->cfg->mode = want->mode;
	libalias_set_mode(n->lib, want->mode, ~0u);
	libalias_set_address(n->lib, ip);
	libalias_redirect_delete_all(n->lib);
	for (guint k = 0; k < want->redir->len; k++) {
		const struct libalias_redirect *r = &g_array_index(want->redir,
		    struct libalias_redirect, k);
		uint16_t i;

		for (i = 0; i < r->count; i++)
			if (!libalias_redirect_port(n->lib, r->proto, r->laddr,
			    (uint16_t)(r->lport + i), (uint16_t)(r->aport + i)))
				break;
		if (i < r->count)
			break;		/* "LibAliasRedirect* returned NULL" */
		g_array_append_val(n->cfg->redir, *r);
	}
	g_ptr_array_insert(chain->nat, 0, n);
	/* ipfw_config_nat(): "we show the resultant rule" unless -q. */
	if (!cmd->quiet && out != NULL)
		ipfw_nat_cfg_print(n->cfg, out);
	return (true);
}

bool
ipfw_nat_exec(struct ipfw_chain *chain, const struct ipfw_cmd *cmd,
    GString *out, GError **err)
{
	struct ipfw_nat_inst *n;
	guint pos;

	switch (cmd->nat_op) {
	case IPFW_NAT_CONFIG:
		return (nat_config(chain, cmd, out, err));
	case IPFW_NAT_DELETE:
		/* nat44_destroy(): ESRCH for an instance that is not. */
		if ((n = lookup_nat(chain, cmd->nat_id, &pos)) == NULL) {
			g_set_error(err, IPFW_ERROR, 0, "setsockopt("
			    "IP_FW_NAT44_DESTROY: %u): No such process",
			    cmd->nat_id);
			return (false);
		}
		g_ptr_array_remove_index(chain->nat, pos);
		return (true);
	case IPFW_NAT_SHOW:
		for (guint k = 0; out != NULL && chain->nat != NULL &&
		    k < chain->nat->len; k++) {
			n = g_ptr_array_index(chain->nat, k);
			if (cmd->nat_id == 0 || n->cfg->id == cmd->nat_id)
				ipfw_nat_cfg_print(n->cfg, out);
		}
		return (true);
	}
	g_set_error(err, IPFW_ERROR, 0, "unknown nat command");
	return (false);
}

enum ipfw_nat_result
ipfw_nat(struct ipfw_chain *chain, uint32_t id, bool incoming, uint8_t *buf,
    size_t len)
{
	struct ipfw_nat_inst *n = lookup_nat(chain, id, NULL);
	int r;

	if (n == NULL)
		return (IPFW_NAT_NOINSTANCE);
	if (!incoming) {
		(void)libalias_out(n->lib, buf, len);
		return (IPFW_NAT_DONE);
	}
	r = libalias_in(n->lib, buf, len);
	if (r == PKT_ALIAS_UNRESOLVED_FRAGMENT)
		return (IPFW_NAT_UNRESOLVED);
	if (r == PKT_ALIAS_IGNORED &&
	    (libalias_mode(n->lib) & PKT_ALIAS_DENY_INCOMING) != 0)
		return (IPFW_NAT_DENY_IN);
	return (IPFW_NAT_DONE);
}

void
ipfw_chain_set_ifaddr(struct ipfw_chain *chain, bool (*ifaddr)(const void *,
    const char *, uint32_t *), const void *ctx)
{

	chain->ifaddr = ifaddr;
	chain->ifaddr_ctx = ctx;
}

/*
 * natd -a ADDR [-deny_incoming] [-same_ports] [-redirect_port ...]:
 * natd(8) with one alias address, on one divert socket: the divert front
 * end of the translation core it shares with ipfw's in-kernel nat
 * (netinet/libalias.c, documented in docs/divert-programs.md).  As natd's
 * DoAliasing() does, the direction comes from the address read (sin_addr
 * INADDR_ANY: outgoing, LibAliasOut(); else incoming, LibAliasIn()), an
 * incoming packet libalias ignores is dropped with -deny_incoming (an
 * unresolved fragment is not), and everything else is written back with
 * exactly the address it was read with.  The alias port draws come from
 * a generator seeded from the scenario's seed, the host and the divert
 * port (libalias uses arc4random()).
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "apps/app_divert_priv.h"
#include "divertsim/program.h"
#include "netinet/libalias.h"
#include "wire/wire_ip.h"

/* -redirect_port tcp|udp ADDR:PORT[-PORT] PUBLICPORT[-PORT]. */
struct natd_redirect {
	struct libalias_redirect r;
	int		 arg;		/* index of PUBLICPORT, for errors */
};

static bool
natd_parse_redirect(int argc, char *const argv[], int i,
    struct natd_redirect *nr, int *bad_arg, GError **err)
{
	char *why;
	int bad;

	if (i + 3 >= argc) {
		*bad_arg = argc;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0, "natd: "
		    "-redirect_port needs tcp|udp ADDR:PORT PUBLICPORT");
		return (false);
	}
	why = libalias_redirect_parse(argv[i + 1], argv[i + 2], argv[i + 3],
	    &nr->r, &bad);
	if (why != NULL) {
		*bad_arg = i + 1 + bad;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0, "natd: %s", why);
		g_free(why);
		return (false);
	}
	nr->arg = i + 3;
	return (true);
}

static bool
natd_init(int argc, char *const argv[], void **state, int *bad_arg,
    GError **err)
{
	struct libalias *la;
	struct in_addr alias;
	bool have_alias;
	unsigned mode;
	GArray *redirects;
	struct natd_redirect nr;
	guint k;
	int i;

	have_alias = false;
	mode = 0;
	alias.s_addr = 0;
	redirects = g_array_new(FALSE, FALSE, sizeof(struct natd_redirect));
	for (i = 0; i < argc; i++) {
		*bad_arg = i;
		if (strcmp(argv[i], "-a") == 0 ||
		    strcmp(argv[i], "-alias_address") == 0) {
			if (i + 1 >= argc) {
				*bad_arg = i + 1;
				g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
				    "natd: %s needs an address", argv[i]);
				g_array_free(redirects, TRUE);
				return (false);
			}
			i++;
			*bad_arg = i;
			if (!app_parse_addr(argv[i], &alias)) {
				g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
				    "natd: '%s' is not an IPv4 address",
				    argv[i]);
				g_array_free(redirects, TRUE);
				return (false);
			}
			have_alias = true;
		} else if (strcmp(argv[i], "-redirect_port") == 0) {
			if (!natd_parse_redirect(argc, argv, i, &nr, bad_arg,
			    err)) {
				g_array_free(redirects, TRUE);
				return (false);
			}
			g_array_append_val(redirects, nr);
			i += 3;
		} else if (strcmp(argv[i], "-deny_incoming") == 0 ||
		    strcmp(argv[i], "-d") == 0) {
			mode |= PKT_ALIAS_DENY_INCOMING;
		} else if (strcmp(argv[i], "-same_ports") == 0 ||
		    strcmp(argv[i], "-s") == 0) {
			mode |= PKT_ALIAS_SAME_PORTS;
		} else {
			g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
			    "natd: unknown option '%s'", argv[i]);
			g_array_free(redirects, TRUE);
			return (false);
		}
	}
	if (!have_alias) {
		*bad_arg = argc;
		g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
		    "natd needs -a ADDR (the alias address)");
		g_array_free(redirects, TRUE);
		return (false);
	}
	la = libalias_init();
	libalias_set_mode(la, mode, ~0u);
	libalias_set_address(la, ntohl(alias.s_addr));
	for (k = 0; k < redirects->len; k++) {
		nr = g_array_index(redirects, struct natd_redirect, k);
		if (!libalias_redirect_add(la, &nr.r)) {
			*bad_arg = nr.arg;
			g_set_error(err, DIVERT_PROGRAM_ERROR, 0,
			    "natd: -redirect_port: port %s or %s already "
			    "redirected", argv[nr.arg], argv[nr.arg - 1]);
			libalias_uninit(la);
			la = NULL;
			break;
		}
	}
	g_array_free(redirects, TRUE);
	*state = la;
	return (la != NULL);
}

static void
natd_packet(struct proc *p, void *state, uint8_t *buf, size_t len,
    struct sockaddr_in *from)
{
	struct libalias *la = state;
	size_t ip_len;
	int status;

	/* The port draws: the scenario's seed, the host, the port. */
	if (!libalias_has_seed(la))
		libalias_set_seed(la, proc_seed(p));

	if (from->sin_addr.s_addr == htonl(INADDR_ANY)) {
		(void)libalias_out(la, buf, len);
	} else {
		status = libalias_in(la, buf, len);
		if (status == PKT_ALIAS_IGNORED &&
		    (libalias_mode(la) & PKT_ALIAS_DENY_INCOMING) != 0)
			return;
	}
	/* natd writes ntohs(ip_len) bytes: aliasing may change the size. */
	ip_len = len >= IP_HDR_MIN_BYTES ? ip_get_len_bytes(buf) : len;
	if (ip_len < IP_HDR_MIN_BYTES || ip_len > len)
		ip_len = len;
	(void)proc_sendto(p, buf, ip_len, from, sizeof(*from));
}

static void
natd_fini(void *state)
{

	libalias_uninit(state);
}

const struct divert_program divert_prog_natd = {
	.api_version = DIVERTSIM_PROGRAM_API_VERSION,
	.name = "natd",
	.usage = "natd -a ADDR [-deny_incoming] [-same_ports] "
	    "[-redirect_port tcp|udp ADDR:PORT PUBLICPORT]",
	.init = natd_init,
	.packet = natd_packet,
	.fini = natd_fini,
};

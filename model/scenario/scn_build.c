/*
 * Building a world from a parsed scenario and running it: hosts and
 * interfaces in declaration order, links on ns-3, the time-0 commands of
 * every host in file order, the `at` commands as events, then the run and
 * its report.  Errors that need the world to be found (a divert socket
 * refused, a gateway off-link, an unknown counter) are reported like syntax
 * errors, all of them, before anything is simulated.
 */
#include <errno.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "apps/app_traffic.h"
#include "apps/proc.h"
#include "divert_queue.h"
#include "ipfw/ipfw.h"
#include "ipfw_sim.h"
#include "net/host.h"
#include "net/route.h"
#include "ns3/ns3_shim.h"
#include "pkt/pkt.h"
#include "scenario/diag.h"
#include "scenario/scn_build.h"
#include "sim/sim_names.h"
#include "sim/sim_sched.h"

/* `run` without a time stops here at the latest (scenario-language.md). */
#define	RUN_SAFETY_LIMIT_NS	(3600ull * SIM_NS_PER_S)

struct at_event {
	struct world		*w;
	const struct scn_at	*at;
};

struct world {
	const struct scenario	*s;
	struct run_opts		 o;
	struct sim_ctx		 sim;
	GPtrArray		*hosts;		/* struct host *, declared order */
	GHashTable		*byname;	/* name -> struct host * */
	struct at_event		*ats;
	FILE			*jsonl;
	char			*trace_dir;
	GPtrArray		*ipfw_names;	/* counter names last synced */
};

static const char *
errno_text(int err)
{
	switch (err) {
	case EPERM:		return ("EPERM");
	case EADDRINUSE:	return ("EADDRINUSE");
	case ENETUNREACH:	return ("ENETUNREACH");
	case EEXIST:		return ("EEXIST");
	case EINVAL:		return ("EINVAL");
	case ENOSPC:		return ("ENOSPC");
	default:		return (g_strerror(err));
	}
}

struct host *
world_host(const struct world *w, const char *name)
{
	return (g_hash_table_lookup(w->byname, name));
}

struct counters *
world_counters(const struct world *w)
{
	return (w->sim.counters);
}

/*
 * Run one host command.  Returns 0, or an errno-like failure with *msg set
 * (the caller reports it as a diagnostic at time 0, or counts and logs it
 * when it came from `at`).  *word is the index of the word to blame.
 */
static int
host_cmd_exec(struct world *w, struct host *h, const struct scn_host_cmd *c,
    char **msg, unsigned *word)
{
	struct ifnet *ifp;
	GError *gerr = NULL;
	GString *out;
	int error = 0;
	char a[16];

	*msg = NULL;
	*word = c->w0;
	switch (c->kind) {
	case SCN_IFCONFIG_ADDR:
		ifp = host_if_get_or_create(h, c->u.ifaddr.ifname);
		if (!if_add_addr(ifp, c->u.ifaddr.addr, c->u.ifaddr.plen,
		    c->u.ifaddr.alias)) {
			*msg = g_strdup_printf("%s: too many addresses "
			    "(at most %d)", ifp->if_xname, IF_MAXADDRS);
			return (ENOSPC);
		}
		return (0);

	case SCN_IFCONFIG_MTU:
		ifp = host_if_get_or_create(h, c->u.ifmtu.ifname);
		if (ifp->if_link_mtu != 0 && c->u.ifmtu.mtu > ifp->if_link_mtu) {
			*msg = g_strdup_printf("mtu %u exceeds the link's mtu %u",
			    c->u.ifmtu.mtu, ifp->if_link_mtu);
			return (EINVAL);
		}
		ifp->if_mtu = c->u.ifmtu.mtu;
		return (0);

	case SCN_ROUTE_ADD:
		error = rt_add_static(h, c->u.route.dst, c->u.route.plen,
		    c->u.route.gw);
		if (error != 0) {
			inet_addr_str(c->u.route.gw, a);
			*msg = g_strdup_printf(error == ENETUNREACH ?
			    "route add: gateway %s is not on a connected "
			    "network (%s)" : "route add: %s (%s)",
			    error == ENETUNREACH ? a : "cannot add route",
			    errno_text(error));
			*word = c->w->argc - 1;
		}
		return (error);

	case SCN_SYSCTL:
		switch (c->u.sysctl.name) {
		case SYSCTL_FORWARDING:
			h->sysctl.forwarding = c->u.sysctl.value != 0;
			break;
		case SYSCTL_FW_ENABLE:
			h->sysctl.fw_enable = c->u.sysctl.value != 0;
			break;
		case SYSCTL_FW_ONE_PASS:
			h->sysctl.fw_one_pass = c->u.sysctl.value != 0;
			break;
		case SYSCTL_FW_VERBOSE:
			h->sysctl.fw_verbose = c->u.sysctl.value != 0;
			break;
		case SYSCTL_ICMPLIM:
			h->sysctl.icmplim = (int)c->u.sysctl.value;
			break;
		case SYSCTL_FW_DEFAULT_TO_ACCEPT:
			h->sysctl.fw_default_to_accept =
			    c->u.sysctl.value != 0;
			if (h->fw != NULL)
				ipfw_chain_set_default_accept(h->fw,
				    h->sysctl.fw_default_to_accept);
			break;
		}
		return (0);

	case SCN_IPFW:
		/* 6.x ipfw(8) and ipfw_chk() know no call, return, reass. */
		if (h->release < RELEASE_14 &&
		    ipfw_cmd_modern_action(c->u.ipfw.cmd) != NULL) {
			*msg = g_strdup_printf("ipfw: invalid action %s "
			    "(release 6: FreeBSD 6's ipfw has no call, return "
			    "or reass)", ipfw_cmd_modern_action(c->u.ipfw.cmd));
			return (EINVAL);
		}
		out = g_string_new(NULL);
		if (!ipfw_cmd_exec(h->fw, c->u.ipfw.cmd, out, &gerr)) {
			*msg = g_strdup(gerr->message);
			g_error_free(gerr);
			g_string_free(out, TRUE);
			return (EINVAL);
		}
		if (out->len > 0 && !w->o.quiet) {
			gchar **lines = g_strsplit(out->str, "\n", -1);

			for (unsigned i = 0; lines[i] != NULL; i++)
				if (lines[i][0] != '\0')
					ev_log_printf(w->sim.log, "%s# %s\n",
					    h->name, lines[i]);
			g_strfreev(lines);
		}
		g_string_free(out, TRUE);
		return (0);

	case SCN_DIVERT: {
		const struct divert_program *prog;
		struct proc *p;

		prog = divert_program_find(c->u.divert.program);
		if (prog == NULL) {
			*msg = g_strdup_printf("unknown divert program '%s'",
			    c->u.divert.program);
			*word = c->w0 + 2;
			return (EINVAL);
		}
		error = proc_start_divert(h, prog, c->u.divert.argc,
		    c->u.divert.argv, c->u.divert.port, c->u.divert.uid,
		    c->u.divert.service_ns, c->u.divert.rcvbuf, &p);
		if (error == EPERM) {
			*msg = g_strdup_printf("divert socket: EPERM "
			    "(uid %u is not the super-user)", c->u.divert.uid);
			return (error);
		}
		if (error == EADDRINUSE) {
			*msg = g_strdup_printf("bind divert port %u: EADDRINUSE"
			    " (another process has it)", c->u.divert.port);
			*word = c->w0 + 1;
			return (error);
		}
		if (error != 0) {
			*msg = g_strdup_printf("divert program '%s': %s",
			    c->u.divert.program, errno_text(error));
			return (error);
		}
		g_ptr_array_add(h->procs, p);
		return (0);
	}

	case SCN_LISTEN_UDP:
		error = app_udp_listen(h, c->u.listen.port, c->u.listen.echo);
		if (error != 0)
			*msg = g_strdup_printf("listen udp %u: %s",
			    c->u.listen.port, errno_text(error));
		return (error);

	case SCN_PING:
		error = app_ping_start(h, c->u.traffic.dst,
		    c->u.traffic.count, c->u.traffic.interval_ns,
		    c->u.traffic.size, c->u.traffic.df, c->u.traffic.ttl);
		if (error != 0)
			*msg = g_strdup_printf("ping: %s", errno_text(error));
		return (error);

	case SCN_SEND_UDP:
		error = app_udp_send_start(h, c->u.traffic.dst,
		    c->u.traffic.dport, c->u.traffic.sport,
		    c->u.traffic.count, c->u.traffic.interval_ns,
		    c->u.traffic.size, c->u.traffic.df, c->u.traffic.ttl);
		if (error != 0)
			*msg = g_strdup_printf("send udp: %s",
			    errno_text(error));
		return (error);
	}
	return (0);
}

/* An `at` command: failures are counted and logged, the run goes on. */
static void
at_fire(void *arg)
{
	struct at_event *ae = arg;
	struct world *w = ae->w;
	struct host *h = world_host(w, ae->at->host);
	unsigned word;
	char *msg;
	struct ev *e;

	e = ev_begin(w->sim.log, h->name, "command");
	if (e != NULL) {
		gchar *text = g_strjoinv(" ",
		    ae->at->cmd->w->argv + ae->at->cmd->w0);

		ev_str(e, "command", text);
		ev_textf(e, "$ %s", text);
		ev_end(e);
		g_free(text);
	}
	if (host_cmd_exec(w, h, ae->at->cmd, &msg, &word) == 0)
		return;
	w->sim.cmd_errors++;
	e = ev_begin(w->sim.log, h->name, "command-error");
	ev_str(e, "error", msg);
	ev_int(e, "line", ae->at->cmd->w->line);
	ev_textf(e, "command at line %u failed: %s", ae->at->cmd->w->line, msg);
	ev_end(e);
	g_free(msg);
}

/* Check a divert command's program and arguments before the run. */
static void
check_divert_program(struct diag *d, const struct scn_host_cmd *c)
{
	const struct divert_program *prog;
	GError *err = NULL;
	int bad = 0;

	prog = divert_program_find(c->u.divert.program);
	if (prog == NULL) {
		diag_error(d, c->w, c->w0 + 2, "unknown divert program '%s'",
		    c->u.divert.program);
		return;
	}
	if (!divert_program_check_args(prog, c->u.divert.argc,
	    c->u.divert.argv, &bad, &err)) {
		diag_error(d, c->w, c->u.divert.argv_w0 + (unsigned)bad,
		    "%s (usage: divert PORT %s)", err != NULL ? err->message :
		    "bad arguments", prog->usage);
		g_clear_error(&err);
	}
}

static bool
open_traces(struct world *w, struct diag *d)
{
	char *path;

	if (!w->o.traces)
		return (true);
	w->trace_dir = g_strdup(w->o.trace_dir);
	if (g_mkdir_with_parents(w->trace_dir, 0755) != 0) {
		diag_error_file(d, "cannot create trace directory %s: %s",
		    w->trace_dir, g_strerror(errno));
		return (false);
	}
	w->sim.trace_dir = w->trace_dir;
	if (!w->o.events_jsonl)
		return (true);
	path = g_build_filename(w->trace_dir, "events.jsonl", NULL);
	w->jsonl = fopen(path, "w");
	if (w->jsonl == NULL)
		diag_error_file(d, "cannot write %s: %s", path,
		    g_strerror(errno));
	g_free(path);
	return (w->jsonl != NULL);
}

static void
register_sim_counters(struct world *w)
{
	struct counters *c = w->sim.counters;

	counters_register(c, "sim.loops", &w->sim.loops);
	counters_register(c, "sim.rediverts", &w->sim.rediverts);
	counters_register(c, "sim.events", &w->sim.events);
	counters_register(c, "sim.packets", &w->sim.packets);
	counters_register(c, "sim.command_errors", &w->sim.cmd_errors);
	counters_register(c, "sim.in_flight", &w->sim.in_flight);
	counters_register(c, "sim.trace_errors", &w->sim.trace_errors);
}

static void
build_links(struct world *w)
{
	for (guint i = 0; i < w->s->links->len; i++) {
		const struct scn_link *l = g_ptr_array_index(w->s->links, i);
		struct host *ha = world_host(w, l->a), *hb = world_host(w, l->b);
		struct ifnet *ia, *ib;

		ia = host_if_get_or_create(ha, l->ifa);
		ib = host_if_get_or_create(hb, l->ifb);
		if_link(ia, ib, l->rate_bps, l->delay_ns, l->mtu, l->queue);
		if (w->trace_dir != NULL) {
			char *pa = g_strdup_printf("%s/%s-%s.pcap",
			    w->trace_dir, ha->name, ia->if_xname);
			char *pb = g_strdup_printf("%s/%s-%s.pcap",
			    w->trace_dir, hb->name, ib->if_xname);

			ns3_dev_enable_pcap(ia->if_dev, pa);
			ns3_dev_enable_pcap(ib->if_dev, pb);
			g_free(pa);
			g_free(pb);
		}
	}
}

/*
 * A host runs ipfw when the scenario gives it an ipfw command, at time 0 or
 * later, as a kernel with ipfw loaded; the others have no firewall at all
 * (otherwise the default rule, deny, would cut every host off).
 */
static bool
host_has_ipfw(const struct scenario *s, const struct scn_host *sh)
{
	for (guint i = 0; i < sh->cmds->len; i++)
		if (((const struct scn_host_cmd *)
		    g_ptr_array_index(sh->cmds, i))->kind == SCN_IPFW)
			return (true);
	for (guint i = 0; i < s->ats->len; i++) {
		const struct scn_at *at = g_ptr_array_index(s->ats, i);

		if (at->cmd->kind == SCN_IPFW && strcmp(at->host, sh->name) == 0)
			return (true);
	}
	return (false);
}

/* Point at the counter word of an expect line. */
static void
report_unknown_counter(struct diag *d, const struct scenario *s,
    const struct scn_expect *x)
{
	for (guint i = 0; i < s->lines->len; i++) {
		const struct scn_words *wd = g_ptr_array_index(s->lines, i);

		for (unsigned k = 0; k < wd->argc; k++)
			if (wd->pos[k].line == x->pos.line &&
			    wd->pos[k].col == x->pos.col) {
				diag_error(d, wd, k, "unknown counter '%s' "
				    "(see docs/counters.md)", x->counter);
				return;
			}
	}
	diag_error_file(d, "line %u: unknown counter '%s'", x->pos.line,
	    x->counter);
}

struct world *
scn_build(const struct scenario *s, const struct run_opts *o,
    unsigned *nerrors)
{
	struct world *w;
	struct diag d;

	diag_init(&d, s->path, o->errout);
	w = g_new0(struct world, 1);
	w->s = s;
	w->o = *o;
	w->hosts = g_ptr_array_new();
	w->byname = g_hash_table_new(g_str_hash, g_str_equal);
	w->ipfw_names = g_ptr_array_new_with_free_func(g_free);
	w->sim.seed = s->seed;
	w->sim.loop_limit = s->loop_limit;
	w->sim.counters = counters_new();
	register_sim_counters(w);

	ns3_sim_init();
	pkt_reset_lineages();
	divert_programs_builtin();
	if (!open_traces(w, &d)) {
		*nerrors = d.errors;
		world_free(w);
		return (NULL);
	}
	w->sim.log = ev_log_new(o->quiet ? NULL : o->out, w->jsonl,
	    &w->sim.events);

	if (!o->quiet && s->title != NULL)
		fprintf(o->out, "# %s\n", s->title);
	for (guint i = 0; i < s->hosts->len; i++) {
		const struct scn_host *sh = g_ptr_array_index(s->hosts, i);
		struct host *h = host_new(&w->sim, sh->name, sh->release);

		h->ipdivert = !sh->no_ipdivert;
		/* The kernel's modules: ipfw when the host ever runs an ipfw
		 * command, divert(4) always (IPDIVERT or not). */
		if (host_has_ipfw(s, sh))
			(void)ipfw_attach(h);
		divert_attach(h);
		h->ns3_node = ns3_node_create();
		for (guint j = 0; j < sh->ifnames->len; j++)
			(void)host_if_get_or_create(h,
			    g_ptr_array_index(sh->ifnames, j));
		g_ptr_array_add(w->hosts, h);
		g_hash_table_insert(w->byname, h->name, h);
	}
	build_links(w);

	/* Time-0 commands, host by host in file order. */
	for (guint i = 0; i < s->hosts->len; i++) {
		const struct scn_host *sh = g_ptr_array_index(s->hosts, i);
		struct host *h = g_ptr_array_index(w->hosts, i);

		for (guint j = 0; j < sh->cmds->len; j++) {
			const struct scn_host_cmd *c =
			    g_ptr_array_index(sh->cmds, j);
			unsigned word;
			char *msg;

			if (c->kind == SCN_DIVERT) {
				unsigned before = d.errors;

				check_divert_program(&d, c);
				if (d.errors != before)
					continue;
			}
			if (host_cmd_exec(w, h, c, &msg, &word) != 0) {
				diag_error(&d, c->w, word, "%s", msg);
				g_free(msg);
			}
		}
	}

	/* `at` commands: checked now, run later. */
	w->ats = g_new0(struct at_event, s->ats->len);
	for (guint i = 0; i < s->ats->len; i++) {
		const struct scn_at *at = g_ptr_array_index(s->ats, i);

		if (at->cmd->kind == SCN_DIVERT)
			check_divert_program(&d, at->cmd);
		w->ats[i] = (struct at_event){ .w = w, .at = at };
		(void)sim_schedule(at->t_ns, at_fire, &w->ats[i]);
	}

	for (guint i = 0; i < s->expects->len; i++) {
		const struct scn_expect *x = g_ptr_array_index(s->expects, i);

		if (!scn_counter_name_valid(w, x->counter))
			report_unknown_counter(&d, s, x);
	}

	*nerrors = d.errors;
	if (d.errors > 0) {
		world_free(w);
		return (NULL);
	}
	return (w);
}

/* HOST.ipfw.NUM.packets/bytes mirror the chains at the end of a run. */
struct ipfw_sync {
	struct world	*w;
	struct host	*h;
};

static void
ipfw_sync_one(void *arg, uint32_t num)
{
	struct ipfw_sync *s = arg;
	uint64_t pk, by;
	char *n;

	ipfw_chain_counters(s->h->fw, num, &pk, &by);
	n = g_strdup_printf("%s.ipfw.%u.packets", s->h->name, num);
	*counters_slot(s->w->sim.counters, n) = pk;
	g_ptr_array_add(s->w->ipfw_names, n);
	n = g_strdup_printf("%s.ipfw.%u.bytes", s->h->name, num);
	*counters_slot(s->w->sim.counters, n) = by;
	g_ptr_array_add(s->w->ipfw_names, n);
}

static void
ipfw_counters_sync(struct world *w)
{
	for (guint i = 0; i < w->ipfw_names->len; i++)
		*counters_slot(w->sim.counters,
		    g_ptr_array_index(w->ipfw_names, i)) = 0;
	g_ptr_array_set_size(w->ipfw_names, 0);
	for (guint i = 0; i < w->hosts->len; i++) {
		struct ipfw_sync s = { w, g_ptr_array_index(w->hosts, i) };

		if (s.h->fw != NULL)
			ipfw_chain_foreach_number(s.h->fw, ipfw_sync_one, &s);
	}
}

unsigned
world_run(struct world *w, unsigned *npassed)
{
	const struct scenario *s = w->s;
	FILE *out = w->o.out;
	uint64_t until;
	bool pending;
	unsigned failed;

	until = (s->has_run && s->run_until_ns > 0) ? s->run_until_ns :
	    RUN_SAFETY_LIMIT_NS;
	pending = ns3_run_until(until);
	if (pending && !(s->has_run && s->run_until_ns > 0))
		fprintf(out, "note: stopped at the safety limit of 3600s of "
		    "simulated time with events still pending\n");
	fflush(out);

	/* Packets still held (in divert sockets, reassembly queues, events
	 * that did not run before the end): counted, never lost silently. */
	w->sim.in_flight = pkt_live_count();
	ipfw_counters_sync(w);
	if (!w->o.quiet) {
		for (guint i = 0; i < w->hosts->len; i++) {
			struct host *h = g_ptr_array_index(w->hosts, i);
			GString *g;

			if (h->fw == NULL || !ipfw_chain_has_rules(h->fw))
				continue;
			g = g_string_new(NULL);
			ipfw_chain_print(h->fw, true, g);
			fprintf(out, "\n%s: ipfw show\n%s", h->name, g->str);
			g_string_free(g, TRUE);
		}
		if (s->expects->len > 0)
			fputc('\n', out);
	}
	failed = scn_expect_eval(s, w->sim.counters, out, w->o.expect_prefix,
	    npassed);
	if (w->o.counters) {
		if (!w->o.quiet)
			fputc('\n', out);
		counters_dump(w->sim.counters, out);
	}
	fflush(out);
	return (failed);
}

void
world_free(struct world *w)
{
	if (w == NULL)
		return;
	for (guint i = 0; i < w->hosts->len; i++) {
		struct host *h = g_ptr_array_index(w->hosts, i);

		while (h->procs->len > 0) {
			struct proc *p = g_ptr_array_index(h->procs,
			    h->procs->len - 1);

			g_ptr_array_remove_index(h->procs, h->procs->len - 1);
			proc_free(p);
		}
	}
	/*
	 * Hosts before ns-3 (their timers are cancelled through it); ns-3's
	 * pending events, which may point into the hosts, never run again.
	 * Packets those events held are freed last.
	 */
	for (guint i = 0; i < w->hosts->len; i++)
		host_free(g_ptr_array_index(w->hosts, i));
	ns3_sim_destroy();
	(void)pkt_free_all();
	g_ptr_array_free(w->hosts, TRUE);
	g_hash_table_destroy(w->byname);
	g_ptr_array_free(w->ipfw_names, TRUE);
	g_free(w->ats);
	ev_log_free(w->sim.log);
	counters_free(w->sim.counters);
	if (w->jsonl != NULL)
		fclose(w->jsonl);
	g_free(w->trace_dir);
	g_free(w);
}

/*
 * Building a world from a parsed scenario and running it: hosts and
 * interfaces in declaration order, links on ns-3, the time-0 commands of
 * every host in file order, the `at` commands as events, then the run and
 * its report.  Errors that need the world to be found (a divert socket
 * refused, a gateway off-link, an unknown counter) are reported like syntax
 * errors, all of them, before anything is simulated.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "apps/app_traffic.h"
#include "apps/proc.h"
#include "divert_queue.h"
#include "exec/exec_proc.h"
#include "ipfw/ipfw.h"
#include "ipfw/ipfw_rule.h"
#include "ipfw_sim.h"
#include "net/host.h"
#include "net/if.h"
#include "net/route.h"
#include "ns3/ns3_shim.h"
#include "pkt/pkt.h"
#include "scenario/diag.h"
#include "scenario/scn_audit.h"
#include "scenario/scn_build.h"
#include "sim/sim_names.h"
#include "sim/sim_sched.h"
#include "trace/pcap_writer.h"
#include "trace/pcapng_writer.h"
#include "trace/trace_dir.h"

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
	struct trace_dir	*traces;
	struct out_file		*jsonl;
	GPtrArray		*link_pcaps;	/* struct pcap_writer * */
	struct pcapng_writer	*pcapng;	/* run.pcapng */
	char			*cut_short;	/* why the run ended early */
	struct scn_counter_facts facts;
	/* What the build narrates (title, ipfw echo), held until the build
	 * has succeeded: nothing reaches stdout before an error. */
	FILE			*pre_out;
	char			*pre_buf;
	size_t			 pre_len;
	struct conservation	 cons;		/* the end-of-run audit */
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

const struct scn_counter_facts *
world_counter_facts(const struct world *w)
{
	return (&w->facts);
}

/* `divert PORT exec PROGRAM [ARGS ...]`: a real process (model/exec/). */
static int
divert_exec(struct world *w, struct host *h, const struct scn_host_cmd *c,
    char **msg, unsigned *word)
{
	struct exec_spec spec;
	const char *why;
	char *dir, *path;
	int error;

	dir = g_path_get_dirname(w->s->path);
	path = c->u.divert.argc < 1 ? NULL : exec_resolve(c->u.divert.argv[0],
	    dir, &why);
	if (path == NULL) {
		*msg = c->u.divert.argc < 1 ? g_strdup("exec: missing PROGRAM")
		    : g_strdup_printf("exec: %s: %s", c->u.divert.argv[0], why);
		*word = c->u.divert.argv_w0;
		g_free(dir);
		return (ENOENT);
	}
	spec = (struct exec_spec){ .path = path, .argc = c->u.divert.argc,
	    .argv = c->u.divert.argv, .cwd = dir, .port = c->u.divert.port,
	    .uid = c->u.divert.uid, .service_ns = c->u.divert.service_ns,
	    .rcvbuf = c->u.divert.rcvbuf };
	error = exec_proc_start(h, &spec);
	if (error != 0)
		*msg = g_strdup_printf("exec %s: %s", path, g_strerror(error));
	g_free(path);
	g_free(dir);
	return (error);
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
		if (error == EEXIST) {
			/* route(8): "route: writing to routing socket: File
			 * exists"; the destination is what repeats. */
			inet_addr_str(c->u.route.dst, a);
			*msg = g_strdup_printf("route add: a route to %s/%u "
			    "already exists (EEXIST)", a, c->u.route.plen);
			*word = c->argc - 2;
		} else if (error != 0) {
			inet_addr_str(c->u.route.gw, a);
			*msg = g_strdup_printf(error == ENETUNREACH ?
			    "route add: gateway %s is not on a connected "
			    "network (%s)" : "route add: %s (%s)",
			    error == ENETUNREACH ? a : "cannot add route",
			    errno_text(error));
			*word = c->argc - 1;
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
		case SYSCTL_FW_AUTOINC_STEP:
			if (h->fw != NULL)
				ipfw_chain_set_autoinc_step(h->fw,
				    (uint32_t)c->u.sysctl.value);
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
		ipfw_chain_set_now(h->fw, sim_now());
		if (!ipfw_cmd_exec(h->fw, c->u.ipfw.cmd, out, &gerr)) {
			*msg = g_strdup(gerr->message);
			g_error_free(gerr);
			g_string_free(out, TRUE);
			return (EINVAL);
		}
		if (out->len > 0 && !w->o.quiet &&
		    (w->o.narration.host == NULL ||
		    strcmp(w->o.narration.host, h->name) == 0)) {
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

		if (strcmp(c->u.divert.program, "exec") == 0)
			return (divert_exec(w, h, c, msg, word));
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
		host_list_add(&h->procs, p);
		return (0);
	}

	case SCN_LISTEN_UDP:
		error = app_udp_listen(h, c->u.listen.port, c->u.listen.echo);
		if (error != 0)
			*msg = g_strdup_printf("listen udp %u: %s",
			    c->u.listen.port, errno_text(error));
		return (error);

	case SCN_LISTEN_TCP:
		error = app_tcp_listen(h, c->u.listen.port,
		    (enum app_tcp_mode)c->u.listen.mode, c->u.listen.rst);
		if (error != 0)
			*msg = g_strdup_printf("listen tcp %u: %s",
			    c->u.listen.port, errno_text(error));
		return (error);

	case SCN_CONNECT_TCP:
		error = app_tcp_connect_start(h, c->u.connect.dst,
		    c->u.connect.dport, c->u.connect.bytes,
		    c->u.connect.count, c->u.connect.interval_ns,
		    c->u.connect.rst);
		if (error != 0)
			*msg = g_strdup_printf("connect tcp: %s",
			    errno_text(error));
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

	w->sim.cmds_pending--;
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

/* `exec PROGRAM`: PROGRAM must be there before anything is simulated. */
static void
check_divert_exec(struct diag *d, const struct scenario *s,
    const struct scn_host_cmd *c)
{
	const char *why;
	char *dir, *path;

	if (c->u.divert.argc < 1) {
		diag_error(d, scn_cmd_words(s, c), c->u.divert.argv_w0,
		    "missing PROGRAM (usage: divert PORT exec PROGRAM "
		    "[ARGS ...])");
		return;
	}
	dir = g_path_get_dirname(s->path);
	path = exec_resolve(c->u.divert.argv[0], dir, &why);
	if (path == NULL)
		diag_error(d, scn_cmd_words(s, c), c->u.divert.argv_w0,
		    "exec: %s: %s", c->u.divert.argv[0], why);
	g_free(path);
	g_free(dir);
}

/* Check a divert command's program and arguments before the run. */
static void
check_divert_program(struct diag *d, const struct scenario *s,
    const struct scn_host_cmd *c)
{
	const struct divert_program *prog;
	GError *err = NULL;
	int bad = 0;

	if (strcmp(c->u.divert.program, "exec") == 0) {
		check_divert_exec(d, s, c);
		return;
	}
	prog = divert_program_find(c->u.divert.program);
	if (prog == NULL) {
		const struct divert_program *q;
		struct diag_suggest sg;
		GString *all = g_string_new(NULL);
		char dym[128];

		diag_suggest_init(&sg, c->u.divert.program);
		for (unsigned i = 0; (q = divert_program_nth(i)) != NULL; i++) {
			diag_suggest_offer(&sg, q->name);
			g_string_append_printf(all, "%s%s", i > 0 ? ", " : "",
			    q->name);
		}
		if (diag_suggest_best(&sg) != NULL)
			diag_error(d, scn_cmd_words(s, c), c->w0 + 2,
			    "unknown divert program "
			    "'%s'%s", c->u.divert.program, diag_did_you_mean(
			    diag_suggest_best(&sg), dym, sizeof(dym)));
		else
			diag_error(d, scn_cmd_words(s, c), c->w0 + 2,
			    "unknown divert program "
			    "'%s' (programs: %s)", c->u.divert.program,
			    all->str);
		g_string_free(all, TRUE);
		return;
	}
	if (!divert_program_check_args(prog, c->u.divert.argc,
	    c->u.divert.argv, &bad, &err)) {
		diag_error(d, scn_cmd_words(s, c), c->u.divert.argv_w0 +
		    (unsigned)bad,
		    "%s (usage: divert PORT %s)", err != NULL ? err->message :
		    "bad arguments", prog->usage);
		g_clear_error(&err);
	}
}

/*
 * Remove what an earlier run left in the trace folder (its pcaps and
 * events.jsonl, nothing else): a host renamed since must not leave a stale
 * pcap beside the new ones.  unlink(2) removes a symlink, not its target.
 */
static void
clean_trace_dir(const char *dir)
{
	GDir *gd;
	const char *name;

	gd = g_dir_open(dir, 0, NULL);
	if (gd == NULL)
		return;
	while ((name = g_dir_read_name(gd)) != NULL) {
		char *path;

		if (!g_str_has_suffix(name, ".pcap") &&
		    strcmp(name, "events.jsonl") != 0 &&
		    strcmp(name, "run.pcapng") != 0)
			continue;
		path = g_build_filename(dir, name, NULL);
		if (!g_file_test(path, G_FILE_TEST_IS_DIR))
			(void)g_unlink(path);
		g_free(path);
	}
	g_dir_close(gd);
}

static void
traces_stop(void *ctx)
{
	(void)ctx;
	ns3_stop();
}

/* events.jsonl, and the caller's tap if it has one. */
static bool
jsonl_sink(void *ctx, const char *bytes, size_t len)
{
	struct world *w = ctx;

	if (w->o.events_tap != NULL)
		w->o.events_tap(w->o.events_tap_ctx, bytes, len);
	return (w->jsonl == NULL || out_file_write(w->jsonl, bytes, len));
}

/*
 * The trace files a run keeps open at once: two pcaps per link, one per
 * divert socket a `divert` line binds (at time 0 or later; a real program
 * binding more is refused when it binds), events.jsonl and run.pcapng.
 */
static unsigned
traces_needed(const struct world *w)
{
	const struct scenario *s = w->s;
	uint64_t n = 2 * (uint64_t)s->links->len;

	for (guint i = 0; i < s->hosts->len; i++) {
		const struct scn_host *sh = g_ptr_array_index(s->hosts, i);

		for (guint j = 0; j < sh->cmds->len; j++)
			n += ((const struct scn_host_cmd *)
			    g_ptr_array_index(sh->cmds, j))->kind == SCN_DIVERT;
	}
	for (guint i = 0; i < s->ats->len; i++)
		n += ((const struct scn_at *)
		    g_ptr_array_index(s->ats, i))->cmd->kind == SCN_DIVERT;
	n += w->o.events_jsonl + w->o.pcapng;
	return (n > G_MAXUINT ? G_MAXUINT : (unsigned)n);
}

static bool
open_traces(struct world *w, struct diag *d)
{
	GError *err = NULL;
	unsigned need, max;

	if (!w->o.traces)
		return (true);
	/*
	 * Refused before the folder is made or cleaned and before any file
	 * is opened: the traces of an earlier run stay as they were.
	 */
	need = traces_needed(w);
	max = trace_files_max();
	if (need > max) {
		diag_error_file(d, "%s: the run needs %u trace files open at "
		    "once (2 pcaps per link, 1 per divert socket%s%s), more "
		    "than %u (the file descriptor limit, ulimit -n, less %u): "
		    "raise the hard limit or use --no-traces; nothing was "
		    "written", w->o.trace_dir, need,
		    w->o.events_jsonl ? ", events.jsonl" : "",
		    w->o.pcapng ? ", run.pcapng" : "", max, TRACE_FD_RESERVE);
		return (false);
	}
	w->traces = trace_dir_open(w->o.trace_dir, w->o.max_trace_bytes,
	    &err);
	if (w->traces == NULL) {
		diag_error_file(d, "%s", err->message);
		g_error_free(err);
		return (false);
	}
	clean_trace_dir(w->o.trace_dir);
	trace_dir_set_stop(w->traces, traces_stop, w);
	w->sim.traces = w->traces;
	if (w->o.pcapng) {
		/* A failure is the folder's error, reported after the build. */
		w->pcapng = pcapng_writer_create(w->traces, "run.pcapng",
		    w->s->title);
		w->sim.pcapng = w->pcapng;
	}
	if (!w->o.events_jsonl)
		return (true);
	w->jsonl = trace_dir_create(w->traces, "events.jsonl", &err);
	if (w->jsonl == NULL) {
		diag_error_file(d, "%s", err->message);
		g_error_free(err);
		return (false);
	}
	return (true);
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
	counters_register(c, "sim.created", &w->cons.created);
	counters_register(c, "sim.delivered", &w->cons.delivered);
	counters_register(c, "sim.dropped", &w->cons.dropped);
	counters_register(c, "sim.consumed", &w->cons.consumed);
}

static void
link_pcap_tap(void *ctx, uint64_t t_ns, const uint8_t *bytes, size_t len)
{
	(void)pcap_writer_write(ctx, t_ns, bytes, len);
}

/* HOST-IF.pcap: the PPP frames of one end of a link, as ns-3 sees them. */
static void
link_pcap(struct world *w, ns3_dev *dev, struct host *h, struct ifnet *ifp)
{
	char *name = g_strdup_printf("%s-%s.pcap", h->name, ifp->if_xname);
	struct pcap_writer *pw;

	/* A failure is the folder's error, reported once links are built. */
	pw = pcap_writer_create(w->traces, name, PCAP_LINKTYPE_PPP);
	g_free(name);
	if (pw == NULL)
		return;
	g_ptr_array_add(w->link_pcaps, pw);
	ns3_dev_set_tap(dev, link_pcap_tap, pw);
	/* The same interface in run.pcapng, described up front. */
	if (w->pcapng != NULL)
		(void)pcapng_writer_interface(w->pcapng, h->name,
		    ifp->if_xname, PCAP_LINKTYPE_PPP);
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
		if (w->traces != NULL) {
			link_pcap(w, ia->if_dev, ha, ia);
			link_pcap(w, ib->if_dev, hb, ib);
		}
		if (w->o.consume_cmds)
			scn_drop_link((struct scenario *)w->s, i);
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

/* The line (and word index) holding an expect's counter word. */
static const struct scn_words *
expect_words(const struct scenario *s, const struct scn_expect *x,
    unsigned *k)
{
	for (guint i = 0; i < s->lines->len; i++) {
		const struct scn_words *wd = g_ptr_array_index(s->lines, i);

		if (wd->line > x->pos.line)
			break;
		for (*k = 0; *k < wd->argc; (*k)++)
			if (wd->pos[*k].line == x->pos.line &&
			    wd->pos[*k].col == x->pos.col)
				return (wd);
	}
	return (NULL);
}

static void
check_counter(struct world *w, struct diag *d, const struct scn_expect *x)
{
	const struct scn_words *wd;
	unsigned k = 0;
	char *msg;
	int rc;

	rc = scn_counter_check(w, x->counter, &msg);
	if (rc == SCN_COUNTER_OK)
		return;
	wd = expect_words(w->s, x, &k);
	if (wd == NULL)
		diag_error_file(d, "line %u: %s", x->pos.line, msg);
	else if (rc == SCN_COUNTER_WARNING)
		diag_warning(d, wd, k, "%s", msg);
	else
		diag_error(d, wd, k, "%s", msg);
	g_free(msg);
}

static char *
facts_key(const char *host, unsigned n)
{
	return (g_strdup_printf("%s:%u", host, n));
}

/* The last rule number before the default rule. */
static void
fact_max(void *arg, uint32_t num)
{
	uint32_t *max = arg;

	if (num != IPFW_DEFAULT_RULE && num > *max)
		*max = num;
}

static int
at_time_cmp(gconstpointer a, gconstpointer b)
{
	const struct scn_at *x = *(const struct scn_at *const *)a;
	const struct scn_at *y = *(const struct scn_at *const *)b;

	if (x->t_ns != y->t_ns)
		return (x->t_ns < y->t_ns ? -1 : 1);
	return (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/*
 * What the file can make exist (after the time-0 commands ran): the ports
 * its `divert` lines bind and its rules send to, and the rule numbers it
 * adds.  Rules added by `at` without a number get theirs as ipfw(8) would
 * at that moment: the last number plus the step.
 */
/* The divert/tee ports an ipfw command's rules send to (a rule file's
 * lines too). */
static void
fact_targeted(struct world *w, const char *host, const struct ipfw_cmd *cmd)
{
	if (cmd->kind == IPFW_CMD_FILE) {
		for (unsigned k = 0; k < cmd->n_sub; k++)
			fact_targeted(w, host, cmd->sub[k]);
		return;
	}
	if (cmd->kind == IPFW_CMD_ADD && ipfw_cmd_uses_divert(cmd))
		g_hash_table_add(w->facts.targeted, facts_key(host,
		    cmd->rule->arg));
}

/* What the `at` lines bind, send to and connect (before any host). */
static void
facts_begin(struct world *w)
{
	const struct scenario *s = w->s;

	w->facts.bound = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	w->facts.targeted = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	w->facts.rules = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	for (guint i = 0; i < s->ats->len; i++) {
		const struct scn_at *at = g_ptr_array_index(s->ats, i);
		const struct scn_host_cmd *c = at->cmd;

		if (c->kind == SCN_DIVERT)
			g_hash_table_add(w->facts.bound, facts_key(at->host,
			    c->u.divert.port));
		else if (c->kind == SCN_CONNECT_TCP)
			w->facts.tcp_conns += 2ull * c->u.connect.count;
		else if (c->kind == SCN_IPFW && c->u.ipfw.cmd->kind ==
		    IPFW_CMD_ADD && ipfw_cmd_uses_divert(c->u.ipfw.cmd))
			g_hash_table_add(w->facts.targeted, facts_key(at->host,
			    c->u.ipfw.cmd->rule->arg));
	}
}

/*
 * A host's share, once its time-0 commands ran.  The rules its chain
 * holds then are not copied: scn_expect.c reads the chain.
 */
static void
facts_host(struct world *w, const struct scn_host *sh)
{
	for (guint j = 0; j < sh->cmds->len; j++) {
		const struct scn_host_cmd *c = g_ptr_array_index(sh->cmds, j);

		if (c->kind == SCN_CONNECT_TCP)
			w->facts.tcp_conns += 2ull * c->u.connect.count;
		if (c->kind == SCN_DIVERT)
			g_hash_table_add(w->facts.bound, facts_key(sh->name,
			    c->u.divert.port));
		else if (c->kind == SCN_IPFW)
			fact_targeted(w, sh->name, c->u.ipfw.cmd);
	}
}

/* The rule numbers `at` lines add, in the order they run. */
static void
facts_at_rules(struct world *w)
{
	const struct scenario *s = w->s;
	GHashTable *maxnum;
	GPtrArray *ats;

	maxnum = g_hash_table_new(g_str_hash, g_str_equal);
	ats = g_ptr_array_new();
	for (guint i = 0; i < s->ats->len; i++)
		g_ptr_array_add(ats, g_ptr_array_index(s->ats, i));
	g_ptr_array_sort(ats, at_time_cmp);
	for (guint i = 0; i < ats->len; i++) {
		const struct scn_at *at = g_ptr_array_index(ats, i);
		const struct scn_host_cmd *c = at->cmd;
		const struct ipfw_rule *r;
		uint32_t max, num;

		if (c->kind != SCN_IPFW || c->u.ipfw.cmd->kind !=
		    IPFW_CMD_ADD)
			continue;
		r = c->u.ipfw.cmd->rule;
		/* The last number after time 0, then after each `at`. */
		if (!g_hash_table_contains(maxnum, at->host)) {
			struct host *h = world_host(w, at->host);

			max = 0;
			if (h != NULL && h->fw != NULL)
				ipfw_chain_foreach_number(h->fw, fact_max,
				    &max);
			g_hash_table_insert(maxnum, at->host,
			    GUINT_TO_POINTER(max));
		}
		max = GPOINTER_TO_UINT(g_hash_table_lookup(maxnum, at->host));
		num = r->rulenum != 0 ? r->rulenum : max + IPFW_AUTOINC_STEP;
		if (num > IPFW_MAX_RULENUM)
			continue;
		g_hash_table_add(w->facts.rules, facts_key(at->host, num));
		if (num > max)
			g_hash_table_insert(maxnum, at->host,
			    GUINT_TO_POINTER(num));
	}
	g_ptr_array_free(ats, TRUE);
	g_hash_table_destroy(maxnum);
}

/*
 * Static mistakes that cannot stop a run but make it prove less than it
 * seems to: a rule naming an interface its host does not have (it can
 * never match), a divert or tee rule to a port no program binds (every
 * packet it takes is dropped as noport).
 */
static void
rule_warnings(struct world *w, struct diag *d, const struct scn_host *sh,
    const struct scn_host_cmd *c, const char *host)
{
	const struct ipfw_rule *r;
	const struct scn_words *cw;
	struct host *h = world_host(w, host);
	char *key;

	if (c->kind != SCN_IPFW || c->u.ipfw.cmd->kind != IPFW_CMD_ADD ||
	    h == NULL)
		return;
	(void)sh;
	r = c->u.ipfw.cmd->rule;
	for (unsigned k = 0; k < r->n_opts; k++) {
		const struct ipfw_opt *o = &r->opts[k];
		struct diag_suggest sg;
		bool found = false;
		char dym[128];

		if (o->op != IPFW_O_VIA && o->op != IPFW_O_RECV &&
		    o->op != IPFW_O_XMIT)
			continue;
		diag_suggest_init(&sg, o->u.ifname);
		for (guint i = 0; i < h->ifnets->len; i++) {
			const struct ifnet *ifp = g_ptr_array_index(h->ifnets,
			    i);

			if (strcmp(ifp->if_xname, o->u.ifname) == 0)
				found = true;
			diag_suggest_offer(&sg, ifp->if_xname);
		}
		if (found)
			continue;
		cw = scn_cmd_words(w->s, c);
		for (unsigned j = c->w0; j < cw->argc; j++)
			if (strcmp(cw->argv[j], o->u.ifname) == 0) {
				diag_warning(d, cw, j, "host '%s' has no "
				    "interface '%s': this rule can never "
				    "match%s", host, o->u.ifname,
				    diag_did_you_mean(diag_suggest_best(&sg),
				    dym, sizeof(dym)));
				break;
			}
	}
	if (!ipfw_cmd_uses_divert(c->u.ipfw.cmd))
		return;
	key = facts_key(host, r->arg);
	/* (A kernel without IPDIVERT drops them as divert.disabled.) */
	if (!g_hash_table_contains(w->facts.bound, key) && h->ipdivert) {
		cw = scn_cmd_words(w->s, c);
		for (unsigned j = c->w0; j < cw->argc; j++) {
			if (strcmp(cw->argv[j], "divert") != 0 &&
			    strcmp(cw->argv[j], "tee") != 0)
				continue;
			diag_warning(d, cw, j + 1, "no program binds divert "
			    "port %u on host '%s': every packet this rule "
			    "takes is dropped (divert.noport)", r->arg, host);
			break;
		}
	}
	g_free(key);
}

struct world *
scn_build(const struct scenario *s, const struct run_opts *o,
    unsigned *nerrors)
{
	struct world *w;
	struct diag d;

	diag_init(&d, s->path, o->errout);
	diag_set_sorted(&d, true);
	w = scn_build_diag(s, o, &d);
	diag_flush(&d);
	*nerrors = d.errors;
	return (w);
}

struct world *
scn_build_diag(const struct scenario *s, const struct run_opts *o,
    struct diag *d)
{
	struct world *w;
	unsigned errors0 = d->errors;
	struct run_opts ro = *o;

	/* With parse errors nothing will run: no trace is touched. */
	if (s->parse_errors > 0)
		ro.traces = false;
	w = g_new0(struct world, 1);
	w->s = s;
	w->o = ro;
	w->hosts = g_ptr_array_new();
	w->byname = g_hash_table_new(g_str_hash, g_str_equal);
	w->link_pcaps = g_ptr_array_new();
	w->sim.seed = s->seed;
	w->sim.loop_limit = s->loop_limit;
	w->sim.no_devices = ro.check_only;
	w->sim.counters = counters_new();
	register_sim_counters(w);

	ns3_sim_init();
	ns3_set_limits(o->max_events, RUN_MAX_EVENTS_PER_INSTANT);
	pkt_reset_lineages();
	pkt_acct_reset();
	divert_programs_builtin();
	if (!open_traces(w, d)) {
		world_free(w);
		return (NULL);
	}
	if (!ro.quiet)
		w->pre_out = open_memstream(&w->pre_buf, &w->pre_len);
	w->sim.log = ev_log_new(w->pre_out, NULL, &w->sim.events);
	if (w->jsonl != NULL || ro.events_tap != NULL)
		ev_log_set_jsonl_sink(w->sim.log, jsonl_sink, w);
	if (w->pcapng != NULL)
		ev_log_set_step_sink(w->sim.log, pcapng_writer_step, w->pcapng);
	ev_log_set_narration(w->sim.log, &ro.narration);
	w->sim.why = ev_log_why(w->sim.log);

	if (w->pre_out != NULL && s->title != NULL)
		fprintf(w->pre_out, "# %s\n", s->title);
	for (guint i = 0; i < s->hosts->len; i++) {
		const struct scn_host *sh = g_ptr_array_index(s->hosts, i);
		struct host *h = host_new(&w->sim, sh->name, sh->release);

		h->ipdivert = !sh->no_ipdivert;
		if (!ro.check_only)
			h->ns3_node = ns3_node_create();
		for (guint j = 0; j < sh->ifnames->len; j++)
			(void)host_if_get_or_create(h,
			    g_ptr_array_index(sh->ifnames, j));
		if (ro.consume_cmds)
			scn_host_drop_ifnames((struct scn_host *)sh);
		g_ptr_array_add(w->hosts, h);
		g_hash_table_insert(w->byname, h->name, h);
	}
	build_links(w);
	if (ro.consume_cmds)
		scn_drop_links((struct scenario *)s);

	/*
	 * Time-0 commands, host by host in file order; then what the host
	 * makes possible and its rules' warnings.  Its commands are freed
	 * then: nothing needs them later, and a host's parsed lines are
	 * about as big as its world (when the caller lets the build).
	 */
	facts_begin(w);
	for (guint i = 0; i < s->hosts->len; i++) {
		const struct scn_host *sh = g_ptr_array_index(s->hosts, i);
		struct host *h = g_ptr_array_index(w->hosts, i);

		/*
		 * The kernel's modules: ipfw when the host ever runs an ipfw
		 * command, divert(4) always (IPDIVERT or not).  Loaded here,
		 * just before the host's first command, not with the host:
		 * no chain exists yet at the peak of the build (the last
		 * link made, every host's parsed commands still there).
		 */
		if (host_has_ipfw(s, sh))
			(void)ipfw_attach(h);
		divert_attach(h);
		for (guint j = 0; j < sh->cmds->len; j++) {
			const struct scn_host_cmd *c =
			    g_ptr_array_index(sh->cmds, j);
			unsigned word;
			char *msg;
			int error;

			if (c->kind == SCN_DIVERT) {
				unsigned before = d->errors;

				check_divert_program(d, s, c);
				if (d->errors != before)
					continue;
			}
			error = host_cmd_exec(w, h, c, &msg, &word);
			/* A gateway off-link on a host whose ifconfig was
			 * rejected: that line was the mistake. */
			if (error != 0 && !(sh->parse_errors &&
			    c->kind == SCN_ROUTE_ADD))
				diag_error(d, scn_cmd_words(s, c), word, "%s",
				    msg);
			g_free(msg);
		}
		facts_host(w, sh);
		for (guint j = 0; j < sh->cmds->len; j++)
			rule_warnings(w, d, sh, g_ptr_array_index(sh->cmds, j),
			    sh->name);
		if (ro.consume_cmds)
			scn_host_drop_cmds((struct scn_host *)sh);
	}
	facts_at_rules(w);

	/* `at` commands: checked now, run later. */
	w->ats = g_new0(struct at_event, s->ats->len);
	for (guint i = 0; i < s->ats->len; i++) {
		const struct scn_at *at = g_ptr_array_index(s->ats, i);

		if (at->cmd->kind == SCN_DIVERT)
			check_divert_program(d, s, at->cmd);
		rule_warnings(w, d, NULL, at->cmd, at->host);
		w->ats[i] = (struct at_event){ .w = w, .at = at };
		(void)sim_schedule(at->t_ns, at_fire, &w->ats[i]);
		w->sim.cmds_pending++;
	}

	for (guint i = 0; i < s->expects->len; i++) {
		const struct scn_expect *x = g_ptr_array_index(s->expects, i);
		const char *dot = strchr(x->counter, '.');
		char *hn = g_strndup(x->counter, (gsize)(dot - x->counter));
		const struct scn_host *sh = scn_find_host(s, hn);

		g_free(hn);
		/* A host with a rejected line lacks what it declared: its
		 * counters would be blamed for that line's mistake. */
		if (sh != NULL && sh->parse_errors)
			continue;
		check_counter(w, d, x);
	}
	/*
	 * Valid by the letter of the language (every expectation holds), so
	 * warnings; --Werror makes a CI job refuse them.
	 */
	if (s->nlines == 0 && s->parse_errors == 0)
		diag_warning_file(d, "empty scenario: nothing to simulate and "
		    "nothing to check");
	else if (s->expects->len == 0 && s->parse_errors == 0)
		diag_warning_file(d, "no 'expect' line: this scenario cannot "
		    "fail");

	/* A trace file that could not be created (link or divert pcap). */
	if (w->traces != NULL && trace_dir_error(w->traces) != NULL)
		diag_error_file(d, "%s", trace_dir_error(w->traces));
	if (d->errors > errors0 || s->parse_errors > 0) {
		world_free(w);
		return (NULL);
	}
	/* The build succeeded: what it narrated goes out now. */
	if (w->pre_out != NULL) {
		ev_log_free(w->sim.log);
		fclose(w->pre_out);
		w->pre_out = NULL;
		fwrite(w->pre_buf, 1, w->pre_len, o->out);
		w->sim.log = ev_log_new(o->out, NULL, &w->sim.events);
		if (w->jsonl != NULL || w->o.events_tap != NULL)
			ev_log_set_jsonl_sink(w->sim.log, jsonl_sink, w);
		if (w->pcapng != NULL)
			ev_log_set_step_sink(w->sim.log, pcapng_writer_step,
			    w->pcapng);
		ev_log_set_narration(w->sim.log, &o->narration);
		w->sim.why = ev_log_why(w->sim.log);
	}
	return (w);
}

/*
 * HOST.ipfw.NUM.packets/bytes: read from the chains once the run is over,
 * for every rule number installed then (as `ipfw show` sums the rules of
 * one number).  Not registered: four names a host would cost more than
 * the host's chain.
 */
static bool
ipfw_counter_parse(const struct world *w, const char *name,
    struct host **hp, uint32_t *nump, bool *bytes)
{
	const char *dot = strchr(name, '.'), *p, *end;
	struct host *h;
	uint64_t num = 0;
	char *host;

	if (dot == NULL || strncmp(dot, ".ipfw.", 6) != 0)
		return (false);
	/* The number as "%u" writes it: digits, no leading zero. */
	p = dot + 6;
	for (end = p; *end >= '0' && *end <= '9' && end - p < 6; end++)
		num = num * 10 + (uint64_t)(*end - '0');
	if (end == p || *p == '0' || *end != '.' || num > IPFW_DEFAULT_RULE)
		return (false);
	if (strcmp(end + 1, "packets") == 0)
		*bytes = false;
	else if (strcmp(end + 1, "bytes") == 0)
		*bytes = true;
	else
		return (false);
	host = g_strndup(name, (gsize)(dot - name));
	h = world_host(w, host);
	g_free(host);
	if (h == NULL || h->fw == NULL ||
	    !ipfw_chain_has_number(h->fw, (uint32_t)num))
		return (false);
	*hp = h;
	*nump = (uint32_t)num;
	return (true);
}

static bool
ipfw_counter_get(void *ctx, const char *name, uint64_t *value)
{
	struct host *h;
	uint32_t num;
	uint64_t pk, by;
	bool bytes;

	if (!ipfw_counter_parse(ctx, name, &h, &num, &bytes))
		return (false);
	ipfw_chain_counters(h->fw, num, &pk, &by);
	*value = bytes ? by : pk;
	return (true);
}

struct ipfw_each {
	struct host	*h;
	void		(*fn)(void *arg, const char *name, uint64_t value);
	void		*arg;
};

static void
ipfw_each_number(void *arg, uint32_t num)
{
	struct ipfw_each *e = arg;
	uint64_t pk, by;
	char name[128];

	ipfw_chain_counters(e->h->fw, num, &pk, &by);
	(void)snprintf(name, sizeof(name), "%s.ipfw.%u.packets", e->h->name,
	    num);
	e->fn(e->arg, name, pk);
	(void)snprintf(name, sizeof(name), "%s.ipfw.%u.bytes", e->h->name,
	    num);
	e->fn(e->arg, name, by);
}

static void
ipfw_counter_each(void *ctx, void (*fn)(void *arg, const char *name,
    uint64_t value), void *arg)
{
	const struct world *w = ctx;

	for (guint i = 0; i < w->hosts->len; i++) {
		struct ipfw_each e = { g_ptr_array_index(w->hosts, i), fn,
		    arg };

		if (e.h->fw != NULL)
			ipfw_chain_foreach_number(e.h->fw, ipfw_each_number,
			    &e);
	}
}

/*
 * An `at` command that failed (a rule deleted twice, a port taken) makes
 * the run fail unless the scenario says it expects it: a regression test
 * must not pass on a ruleset that never loaded.
 */
static unsigned
at_errors_verdict(struct world *w)
{
	const struct scenario *s = w->s;

	if (w->sim.cmd_errors == 0)
		return (0);
	for (guint i = 0; i < s->expects->len; i++)
		if (strcmp(((const struct scn_expect *)g_ptr_array_index(
		    s->expects, i))->counter, "sim.command_errors") == 0)
			return (0);
	fprintf(w->o.out, "FAIL %s: %" G_GUINT64_FORMAT " 'at' command%s "
	    "failed (see the log; write 'expect sim.command_errors == %"
	    G_GUINT64_FORMAT "' if that is intended)\n",
	    w->o.expect_prefix != NULL ? w->o.expect_prefix : s->path,
	    w->sim.cmd_errors, w->sim.cmd_errors == 1 ? "" : "s",
	    w->sim.cmd_errors);
	return (1);
}

/*
 * Where every packet went (docs/counters.md, "Packet conservation"):
 * packets still held (divert sockets, reassembly queues, events after the
 * end, link queues, frames on the wire) are sim.in_flight; an imbalance is
 * an internal error of the simulator, reported on errout.
 */
static void
world_audit(struct world *w)
{
	struct ns3_dev_frames sum, f;
	struct pkt_acct a;

	memset(&sum, 0, sizeof(sum));
	for (guint i = 0; i < w->hosts->len; i++) {
		struct host *h = g_ptr_array_index(w->hosts, i);

		for (guint j = 0; j < h->ifnets->len; j++) {
			struct ifnet *ifp = g_ptr_array_index(h->ifnets, j);

			if (ifp->if_dev == NULL)
				continue;
			ns3_dev_frames(ifp->if_dev, &f);
			sum.queued += f.queued;
			sum.on_wire += f.on_wire;
			sum.received += f.received;
			sum.lost += f.lost;
		}
	}
	pkt_acct_read(&a);
	conservation_compute(&a, &sum, &w->cons);
	w->sim.in_flight = w->cons.in_flight;
	conservation_complain(&w->cons, w->o.errout != NULL ? w->o.errout :
	    stderr);
}

bool
world_conserved(const struct world *w)
{
	return (w->cons.ok);
}

/* The link a device belongs to, as "HOST:IF", for messages. */
static char *
dev_name(const struct world *w, const ns3_dev *dev)
{
	for (guint i = 0; i < w->hosts->len; i++) {
		struct host *h = g_ptr_array_index(w->hosts, i);

		for (guint j = 0; j < h->ifnets->len; j++) {
			struct ifnet *ifp = g_ptr_array_index(h->ifnets, j);

			if (ifp->if_dev == dev && ifp->if_peer != NULL)
				return (g_strdup_printf("%s:%s - %s:%s",
				    h->name, ifp->if_xname,
				    ifp->if_peer->if_host->name,
				    ifp->if_peer->if_xname));
		}
	}
	return (g_strdup("?"));
}

/* Why ns-3 stopped before the horizon, or an output error, in words. */
static void
note_cut_short(struct world *w)
{
	uint64_t t = ns3_now_ns();
	const char *terr = w->traces != NULL ? trace_dir_error(w->traces) :
	    NULL;
	char *why = NULL;

	if (w->cut_short != NULL)
		return;
	if (terr != NULL)
		why = g_strdup_printf("output error: %s", terr);
	else if (w->o.interrupted != NULL && *w->o.interrupted != 0)
		why = g_strdup_printf("interrupted by %s",
		    *w->o.interrupted == SIGTERM ? "SIGTERM" : "SIGINT");
	else if (ns3_stop_cause() == NS3_STOP_MAX_EVENTS)
		why = g_strdup_printf("event limit of %" G_GUINT64_FORMAT
		    " events reached (--max-events)", w->o.max_events);
	else if (ns3_stop_cause() == NS3_STOP_LIVELOCK) {
		char *link = dev_name(w, ns3_busiest_dev());

		why = g_strdup_printf("livelock: more than %llu events at "
		    "one simulated instant, the busiest link %s (a "
		    "transmission time and a delay of 0 ns?)",
		    RUN_MAX_EVENTS_PER_INSTANT, link);
		g_free(link);
	} else if (ns3_stop_cause() == NS3_STOP_REQUESTED)
		why = g_strdup("stopped");
	if (why == NULL)
		return;
	w->cut_short = g_strdup_printf("%s at %" PRIu64 ".%09" PRIu64 " s",
	    why, (uint64_t)(t / SIM_NS_PER_S), (uint64_t)(t % SIM_NS_PER_S));
	g_free(why);
}

const char *
world_cut_short(const struct world *w)
{
	return (w->cut_short);
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
	/* run.pcapng's last bytes reach its file before the folder closes. */
	ev_log_set_step_sink(w->sim.log, NULL, NULL);
	(void)pcapng_writer_close(w->pcapng);
	w->pcapng = w->sim.pcapng = NULL;
	note_cut_short(w);
	if (w->traces != NULL && !trace_dir_finish(w->traces) &&
	    w->cut_short == NULL)
		note_cut_short(w);
	if (w->cut_short != NULL)
		fprintf(w->o.errout, "divertsim: %s; the report below is "
		    "partial\n", w->cut_short);
	else if (pending && !(s->has_run && s->run_until_ns > 0))
		fprintf(out, "note: stopped at the safety limit of 3600s of "
		    "simulated time with events still pending\n");
	fflush(out);

	world_audit(w);
	counters_set_source(w->sim.counters, ipfw_counter_get,
	    ipfw_counter_each, w);
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
	failed = scn_expect_eval_opts(s, w->sim.counters, &w->o, npassed);
	failed += at_errors_verdict(w);
	/* A program killed for not blocking makes the run fail. */
	if (w->sim.proc_hangs > 0) {
		fprintf(out, "FAIL: %" G_GUINT64_FORMAT " exec program(s) "
		    "stopped answering (HOST.proc.PORT.hangs)\n",
		    w->sim.proc_hangs);
		failed += (unsigned)w->sim.proc_hangs;
	}
	if (w->o.counters) {
		if (!w->o.quiet) {
			fputs("\npacket conservation: ", out);
			conservation_print(&w->cons, out);
			fputs("\n\n", out);
		}
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

		while (host_list_len(h->procs) > 0) {
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
	for (guint i = 0; i < w->link_pcaps->len; i++)
		(void)pcap_writer_close(g_ptr_array_index(w->link_pcaps, i));
	g_ptr_array_free(w->link_pcaps, TRUE);
	if (w->sim.log != NULL)
		ev_log_set_step_sink(w->sim.log, NULL, NULL);
	w->sim.pcapng = NULL;
	(void)pcapng_writer_close(w->pcapng);
	(void)out_file_close(w->jsonl, NULL);
	trace_dir_free(w->traces);
	g_free(w->cut_short);
	g_ptr_array_free(w->hosts, TRUE);
	g_hash_table_destroy(w->byname);
	if (w->facts.bound != NULL) {
		g_hash_table_destroy(w->facts.bound);
		g_hash_table_destroy(w->facts.targeted);
		g_hash_table_destroy(w->facts.rules);
	}
	if (w->pre_out != NULL)
		fclose(w->pre_out);
	free(w->pre_buf);
	g_free(w->ats);
	ev_log_free(w->sim.log);
	counters_free(w->sim.counters);
	g_free(w);
}
